//! `vanban bench`: throughput, first-document latency and memory of the batch pipeline, on N
//! distinct plan documents (every paragraph and task carries the document's number), against
//! one fresh `vanban render` process per document on the same inputs.
//!
//! The default document has the size of a usual district plan: the Ninh
//! Giang plan's text on 4 portrait pages and a 25-row, 6-column annex on 3 landscape pages
//! (7 pages, PDF + tracking workbook). `--doc mau` uses the whole 10-page sample instead.

use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde_json::Value;

use clap::Args;

use crate::batch::{BuildCache, Builder, Job};
use crate::content::Content;
use crate::{Engine, EngineOptions, RenderOptions, export};

const SAMPLE: &str = include_str!("../samples/ninh-giang-2022/ke-hoach.json");
const SAMPLE_BODY: &str = include_str!("../samples/ninh-giang-2022/ke-hoach.noi-dung.txt");

/// Which document the benchmark generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchDoc {
    /// The usual size of a district plan: the sample plan's text cut to
    /// 4 portrait pages, and its 25 task rows, cells cut to about two lines,
    /// on 3 landscape pages; 7 pages.
    #[value(name = "7-trang")]
    SevenPages,
    /// The whole sample: 5 portrait pages and the full annex on 5 landscape pages; 10 pages.
    #[value(name = "mau")]
    Sample,
}

/// Body lines (1-based, of `ke-hoach.noi-dung.txt`) left out of the 7-page plan: the
/// detail of sections II.3 and III, so the closing still ends page 4.
const SEVEN_PAGE_DROPPED_LINES: &[usize] = &[20, 22, 26, 27, 28, 29, 35, 36, 39, 43];

/// Longest text of each annex column in the 7-page plan, in characters (about two lines
/// of each column), so that its 25 task rows and 5 group rows fill 3 landscape pages.
const SEVEN_PAGE_CELL_CHARS: &[(&str, usize)] =
    &[("nhiem_vu", 70), ("chu_tri", 28), ("phoi_hop", 32), ("thoi_gian", 20), ("san_pham", 45)];

/// Document `i`: the sample with every paragraph, the trích yếu and every task changed,
/// so that no two documents share laid-out text.
pub fn variant(i: usize, kind: BenchDoc) -> Value {
    let mut doc: Value = serde_json::from_str(SAMPLE).unwrap_or(Value::Null);
    let tag = format!("(bản {i})");
    let body: Vec<String> = SAMPLE_BODY
        .lines()
        .enumerate()
        .filter(|(n, l)| {
            let dropped = kind == BenchDoc::SevenPages && SEVEN_PAGE_DROPPED_LINES.contains(&(n + 1));
            !l.trim().is_empty() && !dropped
        })
        .map(|(_, l)| if l.starts_with("I") || l.contains("{{") { l.to_string() } else { format!("{l} {tag}") })
        .collect();
    if let Some(obj) = doc.as_object_mut() {
        obj.remove("body_file");
        obj.remove("$schema");
        obj.insert("body".into(), body.join("\n").into());
        obj.insert("so".into(), (i % 500 + 1).into());
        let t = obj.get("trich_yeu").and_then(Value::as_str).unwrap_or_default().to_string();
        obj.insert("trich_yeu".into(), format!("{t} {tag}").into());
    }
    if let Some(rows) = doc.pointer_mut("/annexes/0/rows").and_then(Value::as_array_mut) {
        for row in rows {
            vary_row(row, &tag, kind);
        }
    }
    doc
}

/// Tag a task row (and its sub-items) with the document's number; shorten its cells for
/// the 7-page plan.
fn vary_row(row: &mut Value, tag: &str, kind: BenchDoc) {
    let Some(obj) = row.as_object_mut() else { return };
    if kind == BenchDoc::SevenPages {
        for &(key, max) in SEVEN_PAGE_CELL_CHARS {
            if let Some(Value::String(s)) = obj.get_mut(key) {
                *s = shorten(s, max);
            }
        }
    }
    if let Some(Value::String(s)) = obj.get_mut("nhiem_vu") {
        s.push_str(&format!(" {tag}"));
    }
    if let Some(items) = obj.get_mut("items").and_then(Value::as_array_mut) {
        for item in items {
            vary_row(item, tag, kind);
        }
    }
}

/// `s` cut at the last word boundary within `max` characters.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    cut.trim_end_matches([',', ';', ' ']).to_string()
}

/// Peak resident memory of this process so far (Linux `VmHWM`), in MB.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

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
    #[arg(long, value_enum, default_value_t = crate::bench::BenchDoc::SevenPages)]
    pub doc: crate::bench::BenchDoc,
}

/// A count of at least one (`bench --docs 0` would measure nothing).
fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("cần một số nguyên từ 1 trở lên, nhận được \"{s}\"")),
    }
}

/// Run the benchmark and print its figures.
pub fn run(args: &BenchArgs) -> ExitCode {
    let workers = crate::pipeline::worker_count(args.jobs);
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("lỗi: không tạo được thư mục tạm ({e})");
            return ExitCode::from(2);
        }
    };
    let inputs = dir.path().join("in");
    let _ = std::fs::create_dir_all(&inputs);
    let n = args.docs.max(args.process_docs).max(1);
    for i in 0..n {
        let path = inputs.join(format!("ke-hoach-{i:05}.json"));
        if std::fs::write(&path, variant(i, args.doc).to_string()).is_err() {
            eprintln!("lỗi: không ghi được {}", path.display());
            return ExitCode::from(2);
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
            return ExitCode::from(1);
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
            return ExitCode::from(2);
        }
    };
    let content = match Content::new(None) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("lỗi: {e}");
            return ExitCode::from(2);
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
    if failures > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Pages of a PDF written by typst (`/Type /Page` objects).
fn count_pages(path: &Path) -> usize {
    std::fs::read(path).map_or(0, |b| {
        let needle = b"/Type/Page";
        b.windows(needle.len() + 1).filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's').count()
    })
}
