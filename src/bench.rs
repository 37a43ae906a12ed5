//! `vanban bench`: throughput, first-document latency and memory of the batch pipeline,
//! measured on N distinct documents of the sample's size (the Ninh Giang plan with its
//! 25-row annex), against one fresh `vanban render` process per document.

use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::Value;

use crate::batch::{BuildCache, Builder, Job};
use crate::cli::BenchArgs;
use crate::content::Content;
use crate::{Engine, EngineOptions, RenderOptions, export};

const SAMPLE: &str = include_str!("../samples/ninh-giang-2022/ke-hoach.json");
const SAMPLE_BODY: &str = include_str!("../samples/ninh-giang-2022/ke-hoach.noi-dung.txt");

/// Document `i`: the sample with every paragraph, the trích yếu and every task changed,
/// so that no two documents share laid-out text.
pub fn variant(i: usize) -> Value {
    let mut doc: Value = serde_json::from_str(SAMPLE).unwrap_or(Value::Null);
    let tag = format!("(bản {i})");
    let body: Vec<String> = SAMPLE_BODY
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| if l.starts_with("I") || l.contains("{{") { l.to_string() } else { format!("{l} {tag}") })
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
            if let Some(Value::String(s)) = row.get_mut("nhiem_vu") {
                s.push_str(&format!(" {tag}"));
            }
        }
    }
    doc
}

/// Peak resident memory of this process so far (Linux `VmHWM`), in MB.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Run the benchmark and print its figures.
pub fn run(args: &BenchArgs) -> ExitCode {
    let workers = crate::cli::worker_count(args.jobs);
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
        if std::fs::write(&path, variant(i).to_string()).is_err() {
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
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let mut first_ms = None;
    let mut rss_at_100 = None;
    let mut pages = 0usize;
    let mut failures = 0usize;
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel();
        for _ in 0..workers {
            let tx = tx.clone();
            let (jobs, next, builder) = (&jobs, &next, &builder);
            scope.spawn(move || {
                while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let (report, _) = builder.run(job, RenderOptions::default());
                    if tx.send(report).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for report in rx {
            let k = done.fetch_add(1, Ordering::Relaxed) + 1;
            if report.status == "failed" {
                failures += 1;
                eprintln!("lỗi: {}", report.error.unwrap_or_default());
            }
            if k == 1 {
                first_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
                pages = report.outputs.first().map_or(0, |p| count_pages(Path::new(p)));
            }
            if k == 100 {
                rss_at_100 = peak_rss_mb();
            }
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    let rate = args.docs as f64 / elapsed;
    let rss_end = peak_rss_mb();
    println!(
        "bench: {} documents like samples/ninh-giang-2022 ({pages} pages, 25-row landscape annex, PDF + XLSX), {workers} jobs",
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
    println!("peak RSS: {} after 100 docs, {} after {}", fmt(rss_at_100), fmt(rss_end), args.docs);
    if failures > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Pages of a PDF written by typst (`/Type /Page` objects).
fn count_pages(path: &Path) -> usize {
    std::fs::read(path).map_or(0, |b| {
        let needle = b"/Type/Page";
        b.windows(needle.len() + 1).filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's').count()
    })
}
