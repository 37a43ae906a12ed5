//! `vanban build`: the whole dossier in one command, with per-item isolation,
//! atomic outputs, incremental rebuilds and machine-readable results.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

fn files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn builds_everything_the_sample_folder_describes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&sample("ninh-giang-2022"), &d.join("in"));
    let out = vanban(&["build", "in", "-o", "out", "--summary", "json"], d);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        files(&d.join("out")),
        [
            ".vanban-build.json",
            "bao-cao/6-thang/bao-cao-6-thang-2022.pdf",
            "bao-cao/6-thang/tong-hop-6-thang-2022.xlsx",
            "bao-cao/quy-1/bao-cao-quy-1-2022.pdf",
            "bao-cao/quy-1/tong-hop-quy-1-2022.xlsx",
            "bao-cao/quy-2/bao-cao-quy-2-2022.pdf",
            "bao-cao/quy-2/tong-hop-quy-2-2022.xlsx",
            "ke-hoach.pdf",
            "ke-hoach.xlsx",
        ]
    );
    let err = stderr(&out);
    assert!(err.lines().last().unwrap().starts_with("4 ok, 0 failed in "), "{err}");
    assert!(err.contains("đã tạo in/ke-hoach.json ("), "plain per-item lines off a terminal: {err}");
    let items = json_lines(&out);
    assert_eq!(items.len(), 4);
    for item in &items {
        assert_eq!(item["status"], "ok");
        assert!(item["duration_ms"].is_u64() && item["outputs"].as_array().is_some_and(|o| !o.is_empty()));
        assert!(item.get("error").is_none());
    }
    // The 6-month folder got the 6-month template (chosen by period in bao-cao.json).
    let six = std::fs::read(d.join("out/bao-cao/6-thang/bao-cao-6-thang-2022.pdf")).unwrap();
    assert!(six.starts_with(b"%PDF-"));
}

#[test]
fn unchanged_inputs_are_not_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&sample("ninh-giang-2022"), &d.join("in"));
    assert_eq!(vanban(&["build", "in", "-o", "out", "-q"], d).status.code(), Some(0));
    let pdf = d.join("out/ke-hoach.pdf");
    let first = std::fs::metadata(&pdf).unwrap().modified().unwrap();

    let again = vanban(&["build", "in", "-o", "out", "--summary", "json"], d);
    let statuses: Vec<String> = json_lines(&again).iter().map(|i| i["status"].as_str().unwrap().to_string()).collect();
    assert_eq!(statuses, ["unchanged"; 4]);
    assert!(stderr(&again).contains("4 ok, 0 failed in ") && stderr(&again).contains("(4 không đổi)"));
    assert_eq!(std::fs::metadata(&pdf).unwrap().modified().unwrap(), first, "not rewritten");

    let statuses = |o: &Output| {
        let mut v: Vec<(String, String)> = json_lines(o)
            .iter()
            .map(|i| (i["input"].as_str().unwrap().to_string(), i["status"].as_str().unwrap().to_string()))
            .collect();
        v.sort();
        v.into_iter().map(|(_, s)| s).collect::<Vec<_>>()
    };
    // Order: 6-thang, quy-1, quy-2, ke-hoach.json.
    // One unit report changes: only its period is rebuilt.
    let report = d.join("in/bao-cao/quy-2/phong-noi-vu.json");
    let text = std::fs::read_to_string(&report).unwrap().replace("\"van_ban\": 2", "\"van_ban\": 5");
    std::fs::write(&report, text).unwrap();
    let third = vanban(&["build", "in", "-o", "out", "--summary", "json"], d);
    assert_eq!(statuses(&third), ["unchanged", "unchanged", "ok", "unchanged"]);
    // The plan's body file changes: the plan and every report (which quote its annex) are
    // rebuilt.
    let body = d.join("in/ke-hoach.noi-dung.txt");
    let mut text = std::fs::read_to_string(&body).unwrap();
    text.push_str("Dòng thêm.\n");
    std::fs::write(&body, text).unwrap();
    let fourth = vanban(&["build", "in", "-o", "out", "--summary", "json"], d);
    assert_eq!(statuses(&fourth), ["ok"; 4]);
    // --force rebuilds everything.
    let forced = vanban(&["build", "in", "-o", "out", "--summary", "json", "--force"], d);
    assert!(json_lines(&forced).iter().all(|i| i["status"] == "ok"));
}

fn broken_and_good(d: &Path) {
    std::fs::create_dir_all(d.join("in")).unwrap();
    let mut good = minimal();
    good["so"] = 18.into();
    std::fs::write(d.join("in/a-tot.json"), good.to_string()).unwrap();
    std::fs::write(d.join("in/b-hong.json"), "{ \"type\": ").unwrap();
    let mut bad_date = minimal();
    bad_date["date"] = "2022-02-30".into();
    std::fs::write(d.join("in/c-ngay-sai.json"), bad_date.to_string()).unwrap();
    std::fs::write(d.join("in/d-tot.json"), minimal().to_string()).unwrap();
}

#[test]
fn one_broken_item_never_stops_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    broken_and_good(d);
    let out = vanban(&["build", "in", "-o", "out", "--summary", "json"], d);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(files(&d.join("out")), [".vanban-build.json", "a-tot.pdf", "d-tot.pdf"]);
    let err = stderr(&out);
    assert!(err.contains("lỗi: in/b-hong.json: JSON không hợp lệ ở dòng 1, cột 10: tệp kết thúc giữa chừng"), "{err}");
    assert!(err.contains("lỗi: in/c-ngay-sai.json: /date: ngày không có thật: \"2022-02-30\""), "{err}");
    assert!(err.lines().last().unwrap().starts_with("2 ok, 2 failed in "), "{err}");
    let failed: Vec<serde_json::Value> = json_lines(&out).into_iter().filter(|i| i["status"] == "failed").collect();
    assert_eq!(failed.len(), 2);
    assert!(failed.iter().all(|i| i["error"].as_str().is_some_and(|e| e.contains("/"))));
    // A number like 18/KH-UBND never becomes a directory: names come from file names.
    assert!(!d.join("out/18").exists() && !d.join("out/KH-UBND").exists());
    // --fail-fast with one worker stops at the first error (b-hong.json).
    let out = vanban(&["build", "in", "-o", "out2", "--fail-fast", "--jobs", "1", "--summary", "json"], d);
    assert_eq!(out.status.code(), Some(1));
    let done: Vec<String> = json_lines(&out).iter().map(|i| i["input"].as_str().unwrap().to_string()).collect();
    assert_eq!(done, ["in/a-tot.json", "in/b-hong.json"]);
    // The run cannot start: exit 2.
    let out = vanban(&["build", "khong-co", "-o", "out3"], d);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "lỗi: khong-co: không đọc được thư mục (không tìm thấy tệp)\n");
}

#[test]
fn quiet_prints_only_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    broken_and_good(d);
    let out = vanban(&["build", "in", "-o", "out", "-q"], d);
    let err = stderr(&out);
    assert!(err.lines().all(|l| l.starts_with("lỗi: ") || l.starts_with("  ")), "{err}");
    assert!(out.stdout.is_empty());
}

/// Every PDF is complete (ends with %%EOF) and every workbook is a readable zip.
fn all_outputs_complete(dir: &Path) -> usize {
    let mut n = 0;
    for name in files(dir) {
        let path: PathBuf = dir.join(&name);
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if file.starts_with('.') {
            continue; // temp files of a killed run are hidden, never taken for outputs
        }
        let bytes = std::fs::read(&path).unwrap();
        if name.ends_with(".pdf") {
            let tail = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(32)..]).into_owned();
            assert!(bytes.starts_with(b"%PDF-") && tail.trim_end().ends_with("%%EOF"), "{name} is incomplete");
        } else if name.ends_with(".xlsx") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(zip.by_name("xl/workbook.xml").is_ok(), "{name}");
        }
        n += 1;
    }
    n
}

#[test]
fn killing_a_batch_leaves_only_complete_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("in")).unwrap();
    for i in 0..80 {
        std::fs::write(
            d.join(format!("in/ke-hoach-{i:03}.json")),
            vanban::bench::variant(i, vanban::bench::BenchDoc::SevenPages).to_string(),
        )
        .unwrap();
    }
    for delay_ms in [150, 400, 700] {
        let out = d.join(format!("out-{delay_ms}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_vanban"))
            .args(["build", "in", "-o", out.to_str().unwrap(), "-q", "--jobs", "2"])
            .current_dir(d)
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        let complete = if out.exists() { all_outputs_complete(&out) } else { 0 };
        assert!(complete < 160, "killed before the end ({complete} files)");
        // The next run removes the killed run's temp files and completes the rest.
        let again = vanban(&["build", "in", "-o", out.to_str().unwrap(), "-q"], d);
        assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
        assert_eq!(all_outputs_complete(&out), 80 * 2);
        assert!(files(&out).iter().all(|f| !f.ends_with(".tmp")), "stale temp files removed");
    }
}

#[test]
fn bench_prints_rates_ratio_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let out = vanban(&["bench", "--docs", "4", "--process-docs", "2", "--jobs", "2"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("bench: 4 documents, the samples/ninh-giang-2022 plan cut to 7 pages (7 pages, 25-row"),
        "{text}"
    );
    assert!(lines[1].starts_with("in one process: 4 docs in ") && lines[1].ends_with(" docs/s"), "{text}");
    assert!(lines[3].starts_with("speed-up: ") && lines[3].ends_with('×'), "{text}");
    assert!(lines[5].starts_with("peak RSS: ") && lines[5].contains(" MB after 4"), "{text}");
    // Fewer than 100 documents: no figure "after 100".
    assert!(!text.contains("?") && !text.contains("after 100"), "{text}");
    // The whole sample on request.
    let out = vanban(&["bench", "--docs", "2", "--process-docs", "1", "--doc", "mau"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("bench: 2 documents, the whole samples/ninh-giang-2022 plan (10 pages,"), "{text}");
}

#[test]
fn a_panicking_item_costs_the_build_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("in")).unwrap();
    let mut bad = minimal();
    bad["annexes"] = serde_json::json!([{"id": "x", "title": "Phụ lục", "columns": [], "rows": [{"a": "1"}]}]);
    std::fs::write(d.join("in/a-tot.json"), minimal().to_string()).unwrap();
    std::fs::write(d.join("in/b-hong.json"), bad.to_string()).unwrap();
    std::fs::write(d.join("in/c-tot.json"), minimal().to_string()).unwrap();
    let out = vanban(&["build", "in", "-o", "out", "--summary", "json", "--jobs", "1"], d);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(files(&d.join("out")), [".vanban-build.json", "a-tot.pdf", "c-tot.pdf"]);
    assert_eq!(json_lines(&out).len(), 3, "one JSON line per item");
    let err = stderr(&out);
    assert!(err.lines().last().unwrap().starts_with("2 ok, 1 failed in "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // The cache kept what was built: the next run rebuilds only the failed item.
    let again = vanban(&["build", "in", "-o", "out", "--summary", "json", "--jobs", "1"], d);
    let statuses: Vec<String> = json_lines(&again).iter().map(|i| i["status"].as_str().unwrap().to_string()).collect();
    assert_eq!(statuses, ["unchanged", "failed", "unchanged"]);
}

#[test]
fn a_killed_build_keeps_what_it_built() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("in")).unwrap();
    let total = 120;
    for i in 0..total {
        let doc = vanban::bench::variant(i, vanban::bench::BenchDoc::SevenPages);
        std::fs::write(d.join(format!("in/ke-hoach-{i:03}.json")), doc.to_string()).unwrap();
    }
    let cache = d.join("out/.vanban-build.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(["build", "in", "-o", "out", "-q", "--jobs", "1"])
        .current_dir(d)
        .spawn()
        .unwrap();
    // The cache appears while the build is still running, then the build is killed.
    let started = std::time::Instant::now();
    let saved = loop {
        if let Ok(text) = std::fs::read_to_string(&cache)
            && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
        {
            break v["items"].as_object().map_or(0, |o| o.len());
        }
        assert!(child.try_wait().unwrap().is_none(), "the build ended before saving any cache");
        assert!(started.elapsed().as_secs() < 60);
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(saved > 0 && saved < total, "{saved} of {total} items saved while running");
    // The next run rebuilds only what the killed one had not recorded.
    let again = vanban(&["build", "in", "-o", "out", "--summary", "json"], d);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let unchanged = json_lines(&again).iter().filter(|i| i["status"] == "unchanged").count();
    assert!(unchanged >= saved, "{unchanged} unchanged, {saved} saved");
}

#[test]
fn a_bad_configuration_is_listed_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&sample("ninh-giang-2022"), &d.join("in"));
    let cfg = d.join("in/bao-cao/tong-hop.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cfg).unwrap()).unwrap();
    v["mau"] = 1.into();
    std::fs::write(&cfg, v.to_string()).unwrap();
    let out = vanban(&["build", "in", "-o", "out"], d);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let listed = "lỗi: in/bao-cao/tong-hop.json: /mau: trường \"mau\" không có trong định dạng";
    assert_eq!(err.matches(listed).count(), 1, "{err}");
    let pointer = "lỗi: in/bao-cao/tong-hop.json: tệp cấu hình có lỗi, đã liệt kê cùng thư mục in/bao-cao/6-thang";
    assert_eq!(err.matches(pointer).count(), 2, "{err}");
    assert!(d.join("out/ke-hoach.pdf").exists(), "the plan is still built");
}

#[test]
fn outputs_a_rebuild_no_longer_makes_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("in")).unwrap();
    for f in ["ke-hoach.json", "ke-hoach.noi-dung.txt"] {
        std::fs::copy(sample("ninh-giang-2022").join(f), d.join("in").join(f)).unwrap();
    }
    let first = vanban(&["build", "in", "-o", "out", "-q", "--annex-separately"], d);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(
        files(&d.join("out")),
        [".vanban-build.json", "ke-hoach.pdf", "ke-hoach.phu-luc-1.pdf", "ke-hoach.xlsx"]
    );
    // The cache edited to claim a file outside the output folder: never touched.
    std::fs::write(d.join("keep.txt"), "x").unwrap();
    let cache = std::fs::read_to_string(d.join("out/.vanban-build.json")).unwrap();
    std::fs::write(
        d.join("out/.vanban-build.json"),
        cache.replace("\"ke-hoach.xlsx\"", "\"ke-hoach.xlsx\", \"../keep.txt\""),
    )
    .unwrap();
    // Without --annex-separately: the separate annex is removed, with a warning.
    let second = vanban(&["build", "in", "-o", "out"], d);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert_eq!(files(&d.join("out")), [".vanban-build.json", "ke-hoach.pdf", "ke-hoach.xlsx"]);
    assert!(
        stderr(&second).contains("ke-hoach.phu-luc-1.pdf: đã xóa, lần dựng trước tạo ra nhưng lần này không còn"),
        "{}",
        stderr(&second)
    );
    assert!(d.join("keep.txt").is_file());
}
