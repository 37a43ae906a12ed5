//! Refused inputs and unusable outputs in every command: a refused unit report fails the
//! run (exit 1) wherever it is read, an output folder that cannot be written stops the run
//! before any work (exit 2), one bad target never stops the others, and every message is
//! Vietnamese and names the file.

use std::path::Path;

use crate::common::*;

/// A copy of the Ninh Giang sample with two bad figures in one quý I report.
fn sample_with_bad_report(d: &Path) {
    copy_dir(&sample("ninh-giang-2022"), &d.join("in"));
    let file = d.join("in/bao-cao/quy-1/phong-noi-vu.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    v["figures"]["van_ban"] = "12 cuộc".into();
    v["figures"]["hoi_nghi"] = (-1).into();
    std::fs::write(&file, v.to_string()).unwrap();
}

#[test]
fn build_fails_on_refused_unit_reports_even_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sample_with_bad_report(d);
    let out = vanban(&["build", "in", "-o", "out", "-q"], d);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("phong-noi-vu.json")).collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines.iter().all(|l| l.starts_with("lỗi: ")), "{err}");
    assert!(lines.iter().any(|l| l.contains("/figures/van_ban")), "{err}");
    assert!(lines.iter().any(|l| l.contains("/figures/hoi_nghi")), "{err}");
    // The period's workbook is still written, and the next build says it again.
    assert!(d.join("out/bao-cao/quy-1/tong-hop-quy-1-2022.xlsx").is_file());
    let again = vanban(&["build", "in", "-o", "out", "-q"], d);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert!(stderr(&again).contains("/figures/van_ban"), "{}", stderr(&again));
}

#[test]
fn unwritable_output_folders_stop_summary_report_and_form_before_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&sample("ninh-giang-2022"), &d.join("in"));
    std::fs::write(d.join("afile"), "x").unwrap();
    let runs: [&[&str]; 4] = [
        &["summary", "in/bao-cao/quy-1", "-o", "afile/t.xlsx", "-q"],
        &["summary", "in/bao-cao/quy-1", "-o", "/proc/vanban-none/t.xlsx", "-q"],
        &["report", "in/bao-cao/quy-1", "-o", "afile/r", "-q"],
        &["form", "in/bao-cao", "--period", "quy-1-2022", "-o", "afile", "-q"],
    ];
    for args in runs {
        let out = vanban(args, d);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("lỗi: "), "{args:?}: {err}");
        let folder = Path::new(args[args.iter().position(|a| *a == "-o").unwrap() + 1]);
        let folder = if args[0] == "summary" { folder.parent().unwrap() } else { folder };
        assert!(err.contains(&folder.display().to_string()), "{args:?}: {err}");
        for english in ["os error", "File exists", "No such file", "Not a directory", ".tmp"] {
            assert!(!err.contains(english), "{args:?}: {err}");
        }
    }
}

#[test]
fn summary_and_form_remove_stale_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&sample("ninh-giang-2022"), &d.join("in"));
    for o in ["o1", "o2"] {
        std::fs::create_dir_all(d.join(o)).unwrap();
        std::fs::write(d.join(o).join(".vanban-4194305-killed.tmp"), "x").unwrap();
    }
    let s = vanban(&["summary", "in/bao-cao/quy-1", "-o", "o1/t.xlsx", "-q"], d);
    assert_eq!(s.status.code(), Some(0), "{}", stderr(&s));
    let f = vanban(&["form", "in/bao-cao", "--period", "quy-1-2022", "-o", "o2", "-q"], d);
    assert_eq!(f.status.code(), Some(0), "{}", stderr(&f));
    assert!(!d.join("o1/.vanban-4194305-killed.tmp").exists());
    assert!(!d.join("o2/.vanban-4194305-killed.tmp").exists());
}

#[test]
fn one_unwritable_form_never_stops_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&sample("ninh-giang-2022"), &d.join("in"));
    let first = vanban(&["form", "in/bao-cao", "--period", "quy-1-2022", "-o", "f", "-q"], d);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let mut names: Vec<String> = std::fs::read_dir(d.join("f"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    std::fs::remove_dir_all(d.join("f")).unwrap();
    // Two targets are folders: both are listed, every other form is written.
    for bad in [&names[2], &names[5]] {
        std::fs::create_dir_all(d.join("f").join(bad)).unwrap();
    }
    let out = vanban(&["form", "in/bao-cao", "--period", "quy-1-2022", "-o", "f", "-q"], d);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
    for bad in [&names[2], &names[5]] {
        assert!(err.contains(&format!("f/{bad}")), "{err}");
    }
    assert!(!err.contains("os error") && !err.contains("Is a directory"), "{err}");
    for (i, n) in names.iter().enumerate() {
        if i != 2 && i != 5 {
            assert!(d.join("f").join(n).is_file(), "{n} not written");
        }
    }
}

/// Every file a unit may send is read or refused by name; workbooks vanban wrote next to
/// the reports are skipped with one warning each; a form sent back blank is not a report.
#[test]
fn period_folder_files_are_read_refused_or_named() {
    let dir = sample_copy();
    let d = dir.path();
    let out = vanban(&["form", "bao-cao", "-o", "forms", "--period", "quy-1-2022", "-q"], d);
    assert!(out.status.success(), "{}", stderr(&out));
    let q = d.join("bao-cao/quy-1");
    let noi_vu: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(q.join("phong-noi-vu.json")).unwrap()).unwrap();
    for f in ["phong-noi-vu.json", "phong-tu-phap.json", "phong-giao-duc-va-dao-tao.json"] {
        std::fs::remove_file(q.join(f)).unwrap();
    }
    // Saved as .xlsm: read. Saved as .ods: refused with how to re-save. Sent back blank:
    // not submitted. Anything else: named.
    crate::summary::fill_form(&d.join("forms/02-phong-noi-vu.xlsx"), &noi_vu, &q.join("02-phong-noi-vu.xlsm"));
    std::fs::copy(d.join("forms/03-phong-tu-phap.xlsx"), q.join("03-phong-tu-phap.ods")).unwrap();
    let blank = std::fs::read_dir(d.join("forms"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("giao-duc"))
        .unwrap();
    std::fs::copy(&blank, q.join("gd.xlsx")).unwrap();
    std::fs::write(q.join("ghi-chu.docx"), "x").unwrap();
    let first = vanban(&["report", "bao-cao/quy-1", "-o", "bao-cao/quy-1", "-q"], d);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    let run = vanban(&["summary", "bao-cao/quy-1", "-o", "bao-cao/quy-1/tong-hop.xlsx"], d);
    let _ = vanban(&["summary", "bao-cao/quy-1", "-o", "bao-cao/quy-1/tong-hop.xlsx"], d);
    let again = vanban(&["summary", "bao-cao/quy-1", "-o", "bao-cao/quy-1/tong-hop.xlsx"], d);
    for out in [&run, &again] {
        let err = stderr(out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("lỗi: ")).collect();
        assert_eq!(errors.len(), 1, "{err}");
        assert!(errors[0].contains("03-phong-tu-phap.ods: tệp LibreOffice (.ods)"), "{err}");
        assert!(err.contains("cảnh báo: bao-cao/quy-1/ghi-chu.docx: không phải báo cáo"), "{err}");
        assert!(err.contains("cảnh báo: bao-cao/quy-1/gd.xlsx: chưa nhập số liệu"), "{err}");
        assert!(err.contains("cảnh báo: bao-cao/quy-1/tong-hop-quy-1-2022.xlsx: không phải biểu mẫu"), "{err}");
        assert!(!err.contains(".pdf"), "{err}");
        let missing = err.lines().find(|l| l.contains("Chưa nộp")).unwrap_or_default();
        assert!(missing.contains("Phòng Giáo dục và Đào tạo") && !missing.contains("Phòng Nội vụ"), "{err}");
    }
    let err = stderr(&again);
    assert_eq!(err.matches("tong-hop.xlsx: không phải biểu mẫu").count(), 1, "{err}");
}

/// What would break the workbooks later is refused when `tong-hop.json` is loaded, with its
/// JSON path; a problem is said once; a bad `--jobs` is answered in Vietnamese.
#[test]
fn configuration_refuses_what_workbooks_cannot_hold() {
    let dir = sample_copy();
    let d = dir.path();
    let cfg = d.join("bao-cao/tong-hop.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cfg).unwrap()).unwrap();
    v["form_id"] = "vanban-dinh-danh".into();
    v["groups"][0]["units"][0] = "x".repeat(40_000).into();
    let ratio = v["indicators"].as_array().unwrap().iter().position(|i| i.get("ratio").is_some()).unwrap();
    v["indicators"][ratio]["ratio"] = serde_json::json!(["khong_co", "khong_co"]);
    std::fs::write(&cfg, v.to_string()).unwrap();
    for args in [
        &["form", "bao-cao", "-o", "forms", "--period", "quy-1-2022"][..],
        &["summary", "bao-cao/quy-1", "-o", "t.xlsx"][..],
    ] {
        let out = vanban(args, d);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("bao-cao/tong-hop.json: /form_id: \"vanban-dinh-danh\" là tên trang định danh"), "{err}");
        assert!(err.contains("bao-cao/tong-hop.json: /groups/0/units/0: quá dài (40000 ký tự"), "{err}");
        assert!(err.contains(&format!("/indicators/{ratio}/ratio/0: ")), "{err}");
        assert!(err.contains(&format!("/indicators/{ratio}/ratio/1: ")), "{err}");
        let lines: Vec<&str> = err.lines().collect();
        let mut unique = lines.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), lines.len(), "{err}");
        assert!(!err.contains("Worksheet") && !err.contains("exceeds"), "{err}");
    }
    for bad in ["--jobs=-1", "--jobs=abc"] {
        let jobs = vanban(&["build", ".", "-o", "out", bad], d);
        let err = stderr(&jobs);
        assert_eq!(jobs.status.code(), Some(2), "{err}");
        assert!(err.contains("--jobs") && err.contains("cần một số nguyên"), "{err}");
        assert!(!err.contains("invalid digit"), "{err}");
    }
}

/// Every report refused and no `--period`: the workbook is still written for the period
/// the refused reports give, every unit listed in `Tình trạng nộp`; exit 1.
#[test]
fn every_report_refused_still_writes_the_submission_list() {
    use calamine::Reader;
    let dir = sample_copy();
    let d = dir.path();
    let q = d.join("bao-cao/quy-1");
    let mut n = 0;
    for e in std::fs::read_dir(&q).unwrap() {
        let p = e.unwrap().path();
        let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        v["figures"]["van_ban"] = (-1).into();
        std::fs::write(&p, v.to_string()).unwrap();
        n += 1;
    }
    let out = vanban(&["summary", "bao-cao/quy-1", "-o", "out/t.xlsx", "-q"], d);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().filter(|l| l.contains("/figures/van_ban")).count(), n, "{err}");
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(d.join("out/t.xlsx")).unwrap();
    let states = wb.worksheet_range("Tình trạng nộp").unwrap();
    let invalid = states
        .rows()
        .filter(|r| r.iter().any(|c| matches!(c, calamine::Data::String(s) if s == "Không hợp lệ")))
        .count();
    assert_eq!(invalid, n);
}

/// A unit's second form is refused at the identity sheet's cell, not a JSON path; a task
/// status typed in decomposed Unicode (Unikey "tổ hợp") is the same status.
#[test]
fn forms_are_located_by_cell_and_statuses_normalised() {
    use vanban::summary::TaskStatus;
    let decomposed = "Đa\u{303} hoa\u{300}n tha\u{300}nh";
    assert_eq!(TaskStatus::parse(decomposed), Some(TaskStatus::Done));
    assert_eq!(TaskStatus::parse("Đã  hoàn  thành "), Some(TaskStatus::Done));
    let dir = sample_copy();
    let d = dir.path();
    let out = vanban(&["form", "bao-cao", "-o", "forms", "--period", "quy-1-2022", "-q"], d);
    assert!(out.status.success(), "{}", stderr(&out));
    let q = d.join("bao-cao/quy-1");
    let json = q.join("phong-noi-vu.json");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    std::fs::remove_file(json).unwrap();
    for name in ["a.xlsx", "b.xlsx"] {
        crate::summary::fill_form(&d.join("forms/02-phong-noi-vu.xlsx"), &report, &q.join(name));
    }
    let out = vanban(&["summary", "bao-cao/quy-1", "-o", "t.xlsx", "-q"], d);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("bao-cao/quy-1/b.xlsx: vanban-dinh-danh!B4: đơn vị \"Phòng Nội vụ\" đã báo cáo trong"),
        "{err}"
    );
    assert!(!err.contains("/unit"), "{err}");
}
