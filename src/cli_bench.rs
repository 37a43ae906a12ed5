//! `vanban bench` (the command): runs the documents of [`vanban::bench`] through the batch
//! pipeline in this process, then one `vanban render` process per document, and prints the
//! figures.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use clap::Args;

use crate::Outcome;
use crate::batch::{BuildCache, Builder, Job};
use crate::bench::{BenchDoc, peak_rss_mb, variant};
use crate::content::Content;
use crate::{Engine, EngineOptions, RenderOptions, export};

/// `vanban bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Số văn bản khác nhau tạo trong cùng một tiến trình (ít nhất 1).
    #[arg(long, default_value_t = 200, value_parser = at_least_one)]
    pub docs: usize,
    /// Số văn bản tạo bằng một tiến trình `vanban render` riêng cho mỗi văn bản (so sánh; ít nhất 1).
    #[arg(long, default_value_t = 20, value_parser = at_least_one)]
    pub process_docs: usize,
    /// Số việc chạy song song (mặc định: số nhân CPU).
    #[arg(short, long)]
    pub jobs: Option<usize>,
    /// Văn bản đo: `7-trang` (kế hoạch 4 trang dọc + phụ lục 25 dòng 3 trang ngang, cỡ thường
    /// gặp của một kế hoạch) hoặc `mau` (toàn bộ mẫu Ninh Giang, 10 trang).
    #[arg(long, value_enum, default_value_t = BenchDoc::SevenPages)]
    pub doc: BenchDoc,
}

/// A count of at least one (`bench --docs 0` would measure nothing).
fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("cần một số nguyên từ 1 trở lên, nhận được \"{s}\"")),
    }
}

/// Run the benchmark and print its figures.
pub fn run(args: &BenchArgs) -> Outcome {
    let workers = crate::pipeline::worker_count(args.jobs);
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("lỗi: không tạo được thư mục tạm ({e})");
            return Outcome::CannotStart;
        }
    };
    let inputs = dir.path().join("in");
    let _ = std::fs::create_dir_all(&inputs);
    let n = args.docs.max(args.process_docs).max(1);
    for i in 0..n {
        let path = inputs.join(format!("ke-hoach-{i:05}.json"));
        if std::fs::write(&path, variant(i, args.doc).to_string()).is_err() {
            eprintln!("lỗi: không ghi được {}", path.display());
            return Outcome::CannotStart;
        }
    }

    // One fresh process per document, as a shell loop would do.
    let exe = std::env::current_exe().unwrap_or_else(|_| "vanban".into());
    let out_p = dir.path().join("out-process");
    let mut first_process_ms = None;
    let started = Instant::now();
    for i in 0..args.process_docs {
        let t = Instant::now();
        let status = std::process::Command::new(&exe)
            .arg("render")
            .arg(inputs.join(format!("ke-hoach-{i:05}.json")))
            .arg("-o")
            .arg(&out_p)
            .arg("-q")
            .status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("lỗi: vanban render thất bại với văn bản {i}");
            return Outcome::finished(1);
        }
        first_process_ms.get_or_insert(t.elapsed().as_secs_f64() * 1000.0);
    }
    let per_process_rate = args.process_docs as f64 / started.elapsed().as_secs_f64();

    // The batch pipeline in this process: one engine, `workers` threads.
    let started = Instant::now();
    let engine = match Engine::new(&EngineOptions::default()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("lỗi: {e}");
            return Outcome::CannotStart;
        }
    };
    let content = match Content::new(None) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("lỗi: {e}");
            return Outcome::CannotStart;
        }
    };
    let builder = Builder {
        engine: &engine,
        content: &content,
        out: dir.path().join("out-batch"),
        root: inputs.clone(),
        time: export::CreationTime::DocumentDate,
        force: true,
        fingerprint: 0,
        cache: BuildCache::default(),
    };
    let jobs: Vec<Job> = (0..args.docs)
        .map(|i| Job::Document { input: inputs.join(format!("ke-hoach-{i:05}.json")), rel: ".".into() })
        .collect();
    let mut done = 0usize;
    let mut first_ms = None;
    let mut rss_at_100 = None;
    // Memory must stay flat: the peak is also read halfway, to show where it levels off.
    let halfway = if args.docs >= 400 { args.docs / 2 } else { usize::MAX };
    let mut rss_halfway = None;
    let mut pages = 0usize;
    let mut failures = 0usize;
    let never = AtomicBool::new(false);
    crate::batch::run_parallel(
        &jobs,
        workers,
        &never,
        |job| builder.run(job, RenderOptions::default()).0,
        |report| {
            done += 1;
            if report.status == "failed" {
                failures += 1;
                eprintln!("lỗi: {}", report.error.unwrap_or_default());
            }
            if done == 1 {
                first_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
                pages = report.outputs.first().map_or(0, |p| count_pages(Path::new(p)));
            }
            if done == 100 {
                rss_at_100 = peak_rss_mb();
            }
            if done == halfway {
                rss_halfway = peak_rss_mb();
            }
        },
    );
    let elapsed = started.elapsed().as_secs_f64();
    let rate = args.docs as f64 / elapsed;
    let rss_end = peak_rss_mb();
    let what = match args.doc {
        BenchDoc::SevenPages => "the samples/ninh-giang-2022 plan cut to 7 pages",
        BenchDoc::Sample => "the whole samples/ninh-giang-2022 plan",
    };
    println!(
        "bench: {} documents, {what} ({pages} pages, 25-row landscape annex, PDF + XLSX), {workers} jobs",
        args.docs
    );
    println!("in one process: {} docs in {elapsed:.2} s = {rate:.0} docs/s", args.docs);
    println!("one `vanban render` process per document: {} docs = {per_process_rate:.1} docs/s", args.process_docs);
    println!("speed-up: {:.1}×", rate / per_process_rate);
    println!(
        "first document ready: {:.0} ms in a fresh process (whole run), {:.0} ms in this one",
        first_process_ms.unwrap_or(0.0),
        first_ms.unwrap_or(0.0)
    );
    let fmt = |v: Option<f64>| v.map_or("?".to_string(), |v| format!("{v:.0} MB"));
    let middle = rss_halfway.map_or(String::new(), |v| format!("{v:.0} MB after {halfway}, "));
    let first = if args.docs > 100 { format!("{} after 100 docs, ", fmt(rss_at_100)) } else { String::new() };
    println!("peak RSS: {first}{middle}{} after {} docs", fmt(rss_end), args.docs);
    if failures > 0 { Outcome::finished(1) } else { Outcome::SUCCESS }
}

/// Pages of a PDF written by typst (`/Type /Page` objects).
fn count_pages(path: &Path) -> usize {
    std::fs::read(path).map_or(0, |b| {
        let needle = b"/Type/Page";
        b.windows(needle.len() + 1).filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's').count()
    })
}
