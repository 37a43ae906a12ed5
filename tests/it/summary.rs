//! the summary workbook for Sở Nội vụ, read back with calamine; every check on
//! the unit reports, with its message.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::*;
use calamine::{Data, Reader, Xlsx};
use serde_json::{Value, json};

fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    range.get_value((row, col)).map(|d| d.to_string()).unwrap_or_default()
}

fn number(range: &calamine::Range<Data>, row: u32, col: u32) -> f64 {
    match range.get_value((row, col)) {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        Some(Data::String(s)) => s.parse().unwrap_or_else(|_| panic!("({row}, {col}) = {s:?} is not a number")),
        other => panic!("({row}, {col}) = {other:?} is not a number"),
    }
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn run_summary(dir: &Path, extra: &[&str]) -> (Output, Option<Vec<u8>>) {
    let out_file = dir.join("out/tong-hop.xlsx");
    let _ = std::fs::remove_file(&out_file);
    let mut args = vec!["summary", "bao-cao/quy-1", "-o", "out/tong-hop.xlsx"];
    args.extend_from_slice(extra);
    let out = vanban(&args, dir);
    (out, std::fs::read(&out_file).ok())
}

fn summary_sheet(bytes: &[u8]) -> calamine::Range<Data> {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    wb.worksheet_range("Tổng hợp").unwrap()
}

/// Indicator columns of the sample, in order (C..M).
const KEYS: [&str; 11] = [
    "van_ban",
    "hoi_nghi",
    "luot_nguoi",
    "tin_bai",
    "phat_thanh",
    "cuoc_hop",
    "to_roi",
    "tthc_cong_khai",
    "tthc_tong",
    "ty_le_cong_khai",
    "khac",
];

#[test]
fn sample_quarter_totals_read_back() {
    let dir = sample_copy();
    let (out, bytes) = run_summary(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).lines().next().unwrap(),
        "cảnh báo: bao-cao/tong-hop.json: /groups/1/units/8: thiếu báo cáo quý I năm 2022 của \"UBND xã Hồng Phong\""
    );
    let bytes = bytes.unwrap();
    let s = summary_sheet(&bytes);
    // Form conventions: issuer top left, Quốc hiệu top right, form id, title with period.
    assert_eq!(cell(&s, 0, 0), "UBND HUYỆN NINH GIANG");
    assert_eq!(cell(&s, 1, 0), "PHÒNG NỘI VỤ");
    assert_eq!(cell(&s, 0, 8), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    assert_eq!(cell(&s, 1, 8), "Độc lập - Tự do - Hạnh phúc");
    assert_eq!(cell(&s, 3, 13), "Biểu số 01");
    assert_eq!(cell(&s, 4, 0), "BIỂU TỔNG HỢP KẾT QUẢ CÔNG TÁC TUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH QUÝ I NĂM 2022");
    assert_eq!(cell(&s, 5, 0), "(Số liệu từ ngày 01/01/2022 đến ngày 31/03/2022)");
    // Multi-level header and the column-number row.
    assert_eq!((cell(&s, 7, 0), cell(&s, 7, 1)), ("STT".into(), "Đơn vị".into()));
    assert_eq!(cell(&s, 7, 3), "Hội nghị, tập huấn");
    assert_eq!(cell(&s, 8, 3), "Số hội nghị, tập huấn (cuộc)");
    assert_eq!(cell(&s, 8, 4), "Lượt người tham dự (lượt người)");
    assert_eq!(cell(&s, 7, 9), "Công khai thủ tục hành chính");
    assert_eq!(cell(&s, 8, 11), "Tỷ lệ công khai (%)");
    assert_eq!(cell(&s, 7, 13), "Ghi chú");
    let numbers: Vec<String> = (0..14).map(|c| cell(&s, 9, c)).collect();
    assert_eq!(numbers, ["A", "B", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10=(8)/(9)", "11", "C"]);
    // Groups (Roman numerals) with subtotals, units under them.
    assert_eq!((cell(&s, 10, 0), cell(&s, 10, 1)), ("I".into(), "Cơ quan, đơn vị cấp huyện".into()));
    assert_eq!((cell(&s, 11, 0), cell(&s, 11, 1)), ("1".into(), "Văn phòng HĐND và UBND huyện".into()));
    assert_eq!((cell(&s, 22, 0), cell(&s, 22, 1)), ("II".into(), "UBND các xã, thị trấn".into()));
    let expected_i = [12.0, 1.0, 226.0, 41.0, 2.0, 30.0, 8.0, 222.0, 235.0, 222.0 / 235.0, 9.0];
    let expected_ii = [57.0, 32.0, 2562.0, 117.0, 364.0, 104.0, 440.0, 3057.0, 3208.0, 3057.0 / 3208.0, 25.0];
    let expected_total = [69.0, 33.0, 2788.0, 158.0, 366.0, 134.0, 448.0, 3279.0, 3443.0, 3279.0 / 3443.0, 34.0];
    let total_row = 22 + 1 + 28;
    assert_eq!(cell(&s, total_row, 0), "TỔNG CỘNG");
    for (i, key) in KEYS.iter().enumerate() {
        let c = 2 + i as u32;
        for (row, want) in [(10, expected_i[i]), (22, expected_ii[i]), (total_row, expected_total[i])] {
            let got = number(&s, row, c);
            assert!((got - want).abs() < 1e-9, "{key} at row {row}: {got} != {want}");
        }
    }
    // The missing commune is listed, blank, not summed as zero.
    let missing = (23..total_row).find(|r| cell(&s, *r, 1) == "UBND xã Hồng Phong").unwrap();
    assert_eq!(cell(&s, missing, 13), "Thiếu báo cáo");
    assert!(s.get_value((missing, 2)).is_none_or(|d| matches!(d, Data::Empty)));
    assert_eq!(cell(&s, total_row, 13), "Thiếu 1 đơn vị");
    // Totals are formulas AND carry their values; ratios from summed parts.
    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(xml.contains("<f>SUM(C12:C22)</f><v>12</v>"), "subtotal formula with cached value");
    assert!(xml.contains("<f>C11+C23</f><v>69</v>"), "grand total formula");
    assert!(xml.contains("<f>IF(N(K52)=0,\"-\",J52/K52)</f>"), "ratio of the total row from its own sums");
    assert_eq!(cell(&s, 11, 11), "-", "0/0 is shown as '-', also without recalculation");
    assert!(xml.contains(r#"<c r="L12" s="15" t="str"><f>IF(N(K12)=0,"-",J12/K12)</f><v>-</v></c>"#));
    assert!(xml.contains(r#"ySplit="10""#) && xml.contains(r#"xSplit="2""#), "frozen panes");
    assert!(
        xml.contains(r#"paperSize="9""#)
            && xml.contains(r#"orientation="landscape""#)
            && xml.contains(r#"fitToHeight="0""#)
    );
    assert!(part(&bytes, "xl/workbook.xml").contains("'Tổng hợp'!$8:$10"), "header rows repeat when printed");
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains(r##"formatCode="#,##0""##) && styles.contains(r#"formatCode="0.00%""#));
    assert!(styles.contains(r#"<name val="Times New Roman"/>"#));
    // Footer.
    let foot: Vec<String> = (total_row + 1..total_row + 8)
        .flat_map(|r| (0..14).map(move |c| (r, c)))
        .map(|(r, c)| cell(&s, r, c))
        .filter(|t| !t.is_empty())
        .collect();
    assert!(foot.contains(&"NGƯỜI LẬP BIỂU".to_string()) && foot.contains(&"TRƯỞNG PHÒNG".to_string()), "{foot:?}");
    assert!(foot.iter().any(|t| t.starts_with("Ninh Giang, ngày")), "{foot:?}");
}

#[test]
fn task_and_unit_sheets() {
    let dir = sample_copy();
    let (_, bytes) = run_summary(dir.path(), &["--date", "2022-04-05"]);
    let bytes = bytes.unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names.len(), 2 + 38 + 1);
    assert_eq!(names.last().map(String::as_str), Some("Tình trạng nộp"));
    assert_eq!(&names[..3], ["Tổng hợp", "Nhiệm vụ", "Văn phòng HĐND và UBND huyện"]);
    assert!(names.iter().all(|n| n.chars().count() <= 31));
    let tasks = wb.worksheet_range("Nhiệm vụ").unwrap();
    let row_of = |stt: &str| (4..tasks.height() as u32).find(|r| cell(&tasks, *r, 0) == stt).unwrap();
    for (stt, done, doing, not) in
        [("6", 12.0, 0.0, 0.0), ("17", 0.0, 0.0, 14.0), ("10", 4.0, 12.0, 0.0), ("21.1", 3.0, 2.0, 0.0)]
    {
        let r = row_of(stt);
        assert_eq!(
            (number(&tasks, r, 2), number(&tasks, r, 3), number(&tasks, r, 4)),
            (done, doing, not),
            "task {stt}"
        );
    }
    assert_eq!(cell(&tasks, 4, 0), "I", "annex groups kept");
    let unit = wb.worksheet_range("Phòng Nội vụ").unwrap();
    assert_eq!(cell(&unit, 3, 1), "Văn bản chỉ đạo, hướng dẫn đã ban hành");
    assert_eq!(number(&unit, 3, 3), 3.0);
    let s = summary_sheet(&bytes);
    let all: Vec<String> =
        (40..s.height() as u32).flat_map(|r| (0..14).map(move |c| (r, c))).map(|(r, c)| cell(&s, r, c)).collect();
    assert!(all.contains(&"Ninh Giang, ngày 05 tháng 4 năm 2022".to_string()));
    // Every expected unit with its submission state, per unit.
    let status = wb.worksheet_range("Tình trạng nộp").unwrap();
    let states: Vec<String> = (3..status.height() as u32).map(|r| cell(&status, r, 3)).collect();
    let expected: usize = 39;
    assert_eq!(states.len(), expected);
    assert_eq!(states.iter().filter(|s| *s == "Đã nộp").count(), 38);
    assert_eq!(states.iter().filter(|s| *s == "Chưa nộp").count(), 1);
}

fn write(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

fn report(dir: &Path, name: &str) -> (PathBuf, Value) {
    let p = dir.join("bao-cao/quy-1").join(name);
    let v = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    (p, v)
}

#[test]
fn every_check_names_file_and_path() {
    let dir = sample_copy();
    let d = dir.path();
    let q = d.join("bao-cao/quy-1");
    // A unit reported twice.
    std::fs::copy(q.join("phong-noi-vu.json"), q.join("phong-noi-vu-ban-2.json")).unwrap();
    // A report of another period mixed in.
    let (p, mut v) = report(d, "phong-tu-phap.json");
    v["period"] = json!({"kind": "quy", "number": 4, "year": 2021});
    write(&p, &v);
    // Negative and non-numeric figures.
    let (p, mut v) = report(d, "ubnd-xa-an-duc.json");
    v["figures"]["hoi_nghi"] = json!(-2);
    write(&p, &v);
    let (p, mut v) = report(d, "ubnd-xa-dong-tam.json");
    v["figures"]["tin_bai"] = json!("bốn");
    write(&p, &v);
    // An unknown indicator, an unknown unit, an unknown task, a wrong group.
    let (p, mut v) = report(d, "ubnd-xa-hiep-luc.json");
    v["figures"]["bao_chi"] = json!(3);
    write(&p, &v);
    let (p, mut v) = report(d, "ubnd-xa-hoang-hanh.json");
    v["unit"] = json!("UBND xã Không Có");
    write(&p, &v);
    let (p, mut v) = report(d, "ubnd-xa-hong-du.json");
    v["tasks"] = json!({"99": "da_hoan_thanh"});
    write(&p, &v);
    let (p, mut v) = report(d, "ubnd-xa-hong-duc.json");
    v["group"] = json!("Cơ quan, đơn vị cấp huyện");
    write(&p, &v);

    let (out, bytes) = run_summary(d, &[]);
    assert_eq!(out.status.code(), Some(1), "items failed");
    let err = stderr(&out);
    for want in [
        "lỗi: bao-cao/quy-1/ubnd-xa-an-duc.json: /figures/hoi_nghi: sai kiểu dữ liệu: cần số nguyên không âm (0, 1, 2 …), nhận được số -2",
        "lỗi: bao-cao/quy-1/ubnd-xa-dong-tam.json: /figures/tin_bai: sai kiểu dữ liệu: cần số nguyên không âm (0, 1, 2 …), nhận được chuỗi \"bốn\"",
        "lỗi: bao-cao/quy-1/phong-noi-vu.json: /unit: đơn vị \"Phòng Nội vụ\" đã báo cáo trong bao-cao/quy-1/phong-noi-vu-ban-2.json",
        "lỗi: bao-cao/quy-1/phong-tu-phap.json: /period: báo cáo quý IV năm 2021 lẫn vào kỳ tổng hợp quý I năm 2022",
        "lỗi: bao-cao/quy-1/ubnd-xa-hiep-luc.json: /figures/bao_chi: chỉ tiêu \"bao_chi\" không có trong biểu (các chỉ tiêu: van_ban, hoi_nghi, luot_nguoi, tin_bai, phat_thanh, cuoc_hop, to_roi, tthc_cong_khai, tthc_tong, khac)",
        "lỗi: bao-cao/quy-1/ubnd-xa-hoang-hanh.json: /unit: đơn vị \"UBND xã Không Có\" không có trong danh sách phải báo cáo (bao-cao/tong-hop.json)",
        "lỗi: bao-cao/quy-1/ubnd-xa-hong-du.json: /tasks/99: phụ lục của kế hoạch không có nhiệm vụ số 99",
        "lỗi: bao-cao/quy-1/ubnd-xa-hong-duc.json: /group: đơn vị thuộc nhóm \"UBND các xã, thị trấn\", không phải \"Cơ quan, đơn vị cấp huyện\"",
        "cảnh báo: bao-cao/tong-hop.json: /groups/1/units/8: thiếu báo cáo quý I năm 2022 của \"UBND xã Hồng Phong\"",
    ] {
        assert!(err.contains(want), "missing\n  {want}\nin\n{err}");
    }
    assert!(err.contains("ok, 8 failed in "), "{err}");
    // The workbook is still written; refused reports are listed, not summed.
    let s = summary_sheet(&bytes.expect("workbook written without --strict"));
    let note = |name: &str| {
        let r = (10..s.height() as u32).find(|r| cell(&s, *r, 1) == name).unwrap();
        cell(&s, r, 13)
    };
    assert_eq!(note("UBND xã An Đức"), "Báo cáo không hợp lệ");
    assert_eq!(note("UBND xã Hoàng Hanh"), "Thiếu báo cáo");
    assert_eq!(note("Phòng Tư pháp"), "Thiếu báo cáo");
    // --strict turns all of this into a failure and writes nothing.
    let (out, bytes) = run_summary(d, &["--strict"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(bytes.is_none());
    assert!(
        stderr(&out).contains("lỗi: --strict: có 8 lỗi, 3 cảnh báo; không ghi out/tong-hop.xlsx"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn strict_fails_on_a_missing_unit_alone_and_period_can_be_forced() {
    let dir = sample_copy();
    let (out, bytes) = run_summary(dir.path(), &["--strict"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(bytes.is_none());
    // A period no report gives: one error naming the period asked and those found.
    let (out, _) = run_summary(dir.path(), &["--period", "quy-3-2022"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "lỗi: bao-cao/tong-hop.json: không có báo cáo nào của kỳ quý III năm 2022 (quy-3-2022); \
         các báo cáo trong thư mục thuộc kỳ: quý I năm 2022 (quy-1-2022)\n"
    );
    let (out, _) = run_summary(dir.path(), &["--period", "quy-5-2022"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "lỗi: --period \"quy-5-2022\" không hợp lệ (ví dụ: quy-1-2022, 6-thang-2022, 9-thang-2022, nam-2022)\n"
    );
    let out = vanban(&["summary", "khong-co", "-o", "x.xlsx"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "lỗi: khong-co: thư mục không tồn tại\n");
    let empty = tempfile::tempdir().unwrap();
    let out = vanban(&["summary", ".", "-o", "x.xlsx"], empty.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "lỗi: không tìm thấy tong-hop.json trong . hoặc thư mục cha; chỉ rõ bằng --config\n");
}

#[test]
fn second_quarter_and_reproducible_bytes() {
    let dir = sample_copy();
    let out = vanban(&["summary", "bao-cao/quy-2", "-o", "a.xlsx", "-q"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    vanban(&["summary", "bao-cao/quy-2", "-o", "b.xlsx", "-q"], dir.path());
    let a = std::fs::read(dir.path().join("a.xlsx")).unwrap();
    assert_eq!(a, std::fs::read(dir.path().join("b.xlsx")).unwrap());
    let s = summary_sheet(&a);
    let total_row = 22 + 1 + 28;
    assert_eq!(number(&s, total_row, 2), 82.0);
    assert_eq!(number(&s, total_row, 4), 3952.0);
    assert!((number(&s, total_row, 11) - 3542.0 / 3611.0).abs() < 1e-12);
    assert_eq!(cell(&s, 4, 0), "BIỂU TỔNG HỢP KẾT QUẢ CÔNG TÁC TUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH QUÝ II NĂM 2022");
}

#[test]
fn five_thousand_reports() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let units: Vec<String> = (0..5000).map(|i| format!("UBND xã Số {i:04}")).collect();
    write(
        &d.join("tong-hop.json"),
        &json!({
            "issuer": {"parent": "UBND TỈNH NGHỆ AN", "name": "SỞ NỘI VỤ"},
            "place": "Nghệ An", "form_id": "Biểu số 01", "title": "Biểu tổng hợp",
            "indicators": [
                {"key": "a", "label": "A"}, {"key": "b", "label": "B"},
                {"key": "r", "label": "Tỷ lệ", "ratio": ["a", "b"]}
            ],
            "groups": [{"name": "UBND xã, phường", "units": units}]
        }),
    );
    std::fs::create_dir(d.join("quy-1")).unwrap();
    for (i, u) in units.iter().enumerate() {
        write(
            &d.join(format!("quy-1/{i:04}.json")),
            &json!({"unit": u, "period": {"kind": "quy", "number": 1, "year": 2026}, "figures": {"a": i % 7, "b": 10}}),
        );
    }
    let out = vanban(&["summary", "quy-1", "-o", "t.xlsx", "--config", "tong-hop.json"], d);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bytes = std::fs::read(d.join("t.xlsx")).unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["Tổng hợp", "Số liệu đơn vị", "Tình trạng nộp"],
        "one long sheet instead of 5,000 tabs"
    );
    let s = summary_sheet(&bytes);
    let total_row = 10 + 1 + 5000;
    let want_a: usize = (0..5000).map(|i| i % 7).sum();
    assert_eq!(number(&s, total_row, 2), want_a as f64);
    assert_eq!(number(&s, total_row, 3), 50_000.0);
    assert!((number(&s, total_row, 4) - want_a as f64 / 50_000.0).abs() < 1e-12);
    assert_eq!(wb.worksheet_range("Số liệu đơn vị").unwrap().height(), 5001);
}

#[test]
fn figures_above_the_bound_are_refused_and_totals_are_exact() {
    let dir = sample_copy();
    let d = dir.path();
    // 2^63 twice used to wrap around to a small total.
    for name in ["phong-noi-vu.json", "phong-tu-phap.json"] {
        let (p, mut v) = report(d, name);
        v["figures"]["van_ban"] = json!(9_223_372_036_854_775_808u64);
        write(&p, &v);
    }
    let (out, bytes) = run_summary(d, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for name in ["phong-noi-vu.json", "phong-tu-phap.json"] {
        let want = format!(
            "lỗi: bao-cao/quy-1/{name}: /figures/van_ban: số liệu 9223372036854775808 quá lớn (tối đa 1000000000000, \
             để mọi tổng đều chính xác trong Excel)"
        );
        assert!(err.contains(&want), "{want}\nin\n{err}");
    }
    let s = summary_sheet(&bytes.unwrap());
    let total_row = (10..s.height() as u32).find(|r| cell(&s, *r, 0) == "TỔNG CỘNG").unwrap();
    let sum_without_them = number(&s, total_row, 2);
    // The bound itself is accepted, and sums stay exact.
    for name in ["phong-noi-vu.json", "phong-tu-phap.json"] {
        let (p, mut v) = report(d, name);
        v["figures"]["van_ban"] = json!(1_000_000_000_000u64);
        write(&p, &v);
    }
    let (out, bytes) = run_summary(d, &["-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = summary_sheet(&bytes.unwrap());
    assert_eq!(number(&s, total_row, 2), sum_without_them + 2e12);
}

#[test]
fn unit_reports_every_problem_at_once_and_duplicate_keys() {
    let dir = sample_copy();
    let d = dir.path();
    let p = d.join("bao-cao/quy-1/phong-noi-vu.json");
    let text = std::fs::read_to_string(&p).unwrap();
    let text = text.replacen("\"van_ban\": 3,", "\"van_ban\": 3, \"van_ban\": 300,", 1);
    let text = text.replacen("\"number\": 1,", "\"number\": 1, \"so\": 2,", 1);
    let text = text.replacen("\"da_hoan_thanh\"", "\"xong\"", 1);
    let text = text.replacen("\"kind\": \"quy\"", "\"kind\": \"thang\"", 1);
    std::fs::write(&p, text).unwrap();
    let (p, mut v) = report(d, "phong-tu-phap.json");
    v["unit"] = json!("Phòng\nTư pháp");
    write(&p, &v);
    let (out, _) = run_summary(d, &[]);
    let err = stderr(&out);
    assert!(
        err.contains("lỗi: bao-cao/quy-1/phong-tu-phap.json: /unit: có xuống dòng; tên phải viết trên một dòng"),
        "{err}"
    );
    let f = "lỗi: bao-cao/quy-1/phong-noi-vu.json: ";
    for want in [
        "/figures/van_ban: trường \"van_ban\" được ghi hai lần trong cùng một đối tượng; chỉ ghi một lần",
        "/period/so: trường \"so\" không có trong định dạng (các trường hợp lệ: kind, number, year)",
        "/period/kind: giá trị \"thang\" không hợp lệ (cần một trong: quy, 6_thang, 9_thang, nam)",
        "/tasks/6: tình trạng \"xong\" không hợp lệ",
    ] {
        assert!(err.contains(&format!("{f}{want}")), "{want}\nin\n{err}");
    }
    for word in ["unknown", "variant", "expected", "one of"] {
        assert!(!err.contains(word), "English \"{word}\" in\n{err}");
    }
}

#[test]
fn configuration_is_strict_and_names_its_own_paths() {
    let dir = sample_copy();
    let d = dir.path();
    let cfg = d.join("bao-cao/tong-hop.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&cfg).unwrap()).unwrap();
    v["plan"] = json!("../khong-co.json");
    v["groups"][0]["units"][0] = json!("Phòng\nNội vụ");
    v["mau"] = json!(1);
    write(&cfg, &v);
    let (out, bytes) = run_summary(d, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(bytes.is_none());
    let err = stderr(&out);
    for want in [
        "lỗi: bao-cao/tong-hop.json: /mau: trường \"mau\" không có trong định dạng",
        "lỗi: bao-cao/tong-hop.json: /groups/0/units/0: có xuống dòng; tên phải viết trên một dòng",
        "lỗi: bao-cao/tong-hop.json: /plan: kế hoạch \"../khong-co.json\": không tìm thấy tệp",
    ] {
        assert!(err.contains(want), "{want}\nin\n{err}");
    }
    // A plan whose annex has no columns: a located error, not a panic.
    let mut plan: Value = serde_json::from_str(&std::fs::read_to_string(d.join("ke-hoach.json")).unwrap()).unwrap();
    plan["annexes"][0]["columns"] = json!([]);
    write(&d.join("ke-hoach.json"), &plan);
    std::fs::copy(sample("ninh-giang-2022/bao-cao/tong-hop.json"), &cfg).unwrap();
    let (out, _) = run_summary(d, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("lỗi: bao-cao/../ke-hoach.json: /annexes/0/columns: cần ít nhất hai cột"), "{err}");
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn head_signature_of_the_workbook_takes_the_deputy_form() {
    let dir = sample_copy();
    let cfg_path = dir.path().join("bao-cao/tong-hop.json");
    let mut cfg: Value = serde_json::from_str(&std::fs::read_to_string(&cfg_path).unwrap()).unwrap();
    cfg["footer"]["authority"] = json!("TM");
    cfg["footer"]["on_behalf_of"] = json!("Ủy ban nhân dân");
    cfg["footer"]["ky_thay"] = json!("Chủ tịch");
    cfg["footer"]["head"] = json!("Phó Chủ tịch");
    std::fs::write(&cfg_path, cfg.to_string()).unwrap();
    let (out, bytes) = run_summary(dir.path(), &["--date", "2022-04-05"]);
    let bytes = bytes.unwrap_or_else(|| panic!("{}", stderr(&out)));
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let s = wb.worksheet_range("Tổng hợp").unwrap();
    let at = |text: &str| {
        (0..s.height() as u32)
            .flat_map(|r| (0..s.width() as u32).map(move |c| (r, c)))
            .find(|(r, c)| cell(&s, *r, *c) == text)
            .unwrap_or_else(|| panic!("no cell {text:?}"))
    };
    let (tm, kt, title, name) =
        (at("TM. ỦY BAN NHÂN DÂN"), at("KT. CHỦ TỊCH"), at("PHÓ CHỦ TỊCH"), at("Đoàn Văn Khánh"));
    assert_eq!((kt.0, title.0), (tm.0 + 1, tm.0 + 2), "one title line per row");
    assert!(name.0 >= title.0 + 3, "room to sign");
    assert_eq!(tm.1, kt.1);
    // The preparer's name stays level with the head's.
    assert_eq!(at("Vũ Thị Thu Hằng").0, name.0);

    // A deputy under TM. without ky_thay is refused, naming the footer.
    cfg["footer"].as_object_mut().unwrap().remove("ky_thay");
    std::fs::write(&cfg_path, cfg.to_string()).unwrap();
    let (out, _) = run_summary(dir.path(), &["--date", "2022-04-05"]);
    let err = stderr(&out);
    assert!(err.contains("tong-hop.json: /footer/ky_thay:") && err.contains("\"ky_thay\": \"CHỦ TỊCH\""), "{err}");
}

/// Row heights: every data row carries one, tall enough for its wrapped text.
#[test]
fn rows_have_heights_for_their_wrapped_text() {
    let dir = sample_copy();
    let (_, bytes) = run_summary(dir.path(), &[]);
    let bytes = bytes.unwrap();
    // Sheet 2 is `Nhiệm vụ`: task names of 60 characters wrap to two lines or more.
    let xml = part(&bytes, "xl/worksheets/sheet2.xml");
    let heights: Vec<(u32, f64)> = xml
        .split("<row ")
        .skip(1)
        .filter_map(|r| {
            let tag = format!(" {}", r.split('>').next()?);
            let attr = |name: &str| tag.split(&format!(" {name}=\"")).nth(1)?.split('"').next().map(str::to_string);
            Some((attr("r")?.parse().ok()?, attr("ht").and_then(|h| h.parse().ok()).unwrap_or(0.0)))
        })
        .collect();
    let tasks: Vec<_> = heights.iter().filter(|(r, _)| *r >= 5).collect();
    assert!(tasks.len() > 20, "{heights:?}");
    assert!(tasks.iter().all(|(_, h)| *h >= 15.75), "every task row has a height: {heights:?}");
    assert!(tasks.iter().any(|(_, h)| *h >= 31.5), "long task names get two lines or more: {heights:?}");
    // Unit sheets: fitted to one page wide.
    let unit = part(&bytes, "xl/worksheets/sheet3.xml");
    assert!(unit.contains("fitToPage=\"1\"") && unit.contains("fitToHeight=\"0\""), "{unit}");
}

/// The workbooks as a clerk sees them in LibreOffice: no text over other text, every sheet
/// one page wide (`scripts/check-workbooks.py`). Skipped when LibreOffice is absent.
#[test]
fn workbooks_look_right_in_libreoffice() {
    if std::process::Command::new("soffice").arg("--version").output().is_err() {
        eprintln!("bỏ qua: không có LibreOffice (soffice)");
        return;
    }
    let dir = sample_copy();
    let out = vanban(&["build", ".", "-o", "out", "-q"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let mut files =
        vec![dir.path().join("out/ke-hoach.xlsx"), dir.path().join("out/bao-cao/quy-2/tong-hop-quy-2-2022.xlsx")];
    let forms = vanban(&["form", "bao-cao", "-o", "forms", "--period", "quy-2-2022", "-q"], dir.path());
    if forms.status.success() {
        let mut list: Vec<PathBuf> =
            std::fs::read_dir(dir.path().join("forms")).unwrap().map(|e| e.unwrap().path()).collect();
        list.sort();
        files.extend(list.into_iter().take(2));
    }
    let check = std::process::Command::new("python3")
        .arg(root().join("scripts/check-workbooks.py"))
        .args(&files)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{text}{}", String::from_utf8_lossy(&check.stderr));
}

/// `vanban form`: one workbook per expected unit, unit filled in and locked, whole-number
/// validation on the figures, ratios by formula, a hidden protected identity sheet.
#[test]
fn forms_one_per_expected_unit() {
    let dir = sample_copy();
    let out = vanban(&["form", "bao-cao", "-o", "forms", "--period", "quy-2-2022", "-q"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("forms"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 39, "{names:?}");
    assert_eq!(names[1], "02-phong-noi-vu.xlsx");
    assert!(names.iter().all(|n| n.is_ascii() && !n.contains('/')), "{names:?}");
    let bytes = std::fs::read(dir.path().join("forms").join(&names[1])).unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), ["Biểu 01", "vanban-dinh-danh"]);
    let s = wb.worksheet_range("Biểu 01").unwrap();
    assert_eq!(cell(&s, 7, 2), "Phòng Nội vụ");
    assert_eq!(cell(&s, 8, 2), "Cơ quan, đơn vị cấp huyện");
    assert!(cell(&s, 4, 0).ends_with("QUÝ II NĂM 2022"), "{}", cell(&s, 4, 0));
    assert_eq!(cell(&s, 12, 1), "Văn bản chỉ đạo, hướng dẫn đã ban hành");
    let id = wb.worksheet_range("vanban-dinh-danh").unwrap();
    assert_eq!((cell(&id, 2, 1), cell(&id, 5, 1)), ("phong-noi-vu".to_string(), "quy-2-2022".to_string()));
    assert_eq!(cell(&id, 6, 1).len(), 32, "structure hash");
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<sheetProtection") && !sheet.contains("password"), "protected, no password");
    assert!(sheet.contains("type=\"whole\"") && sheet.contains("operator=\"greaterThanOrEqual\""));
    assert!(sheet.contains("Chỉ nhập số nguyên không âm"), "Vietnamese error message");
    assert!(sheet.contains("IF(N(D21)=0,\"-\",D20/D21)"), "ratio by formula");
    assert!(sheet.contains("fitToPage=\"1\""));
    assert!(part(&bytes, "xl/workbook.xml").contains("state=\"hidden\""));
    assert!(part(&bytes, "xl/worksheets/sheet2.xml").contains("<sheetProtection"));
}

/// The visible cells of a form sheet (its labels, unit and title), as another program saves them.
fn copy_sheet(range: &calamine::Range<Data>, sheet: &mut rust_xlsxwriter::Worksheet) {
    for r in 0..range.height() as u32 {
        for c in 0..range.width() as u16 {
            match range.get_value((r, u32::from(c))) {
                Some(Data::Float(f)) => sheet.write_number(r, c, *f).map(|_| ()).unwrap(),
                Some(Data::String(s)) => sheet.write_string(r, c, s).map(|_| ()).unwrap(),
                _ => {}
            }
        }
    }
}

/// Fill a form as a unit would: the identity sheet copied, figures and statuses written into
/// the cells it names (a workbook written by another program than the one that made it).
pub fn fill_form(form: &Path, report: &Value, out: &Path) {
    let mut wb: Xlsx<_> = calamine::open_workbook(form).unwrap();
    let id = wb.worksheet_range("vanban-dinh-danh").unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet_name = cell(&id, 10, 2);
    let sheet = book.add_worksheet();
    sheet.set_name(&sheet_name).unwrap();
    copy_sheet(&wb.worksheet_range(&sheet_name).unwrap(), sheet);
    let split = |a: &str| {
        let col = a.chars().take_while(|c| c.is_ascii_alphabetic()).fold(0u16, |n, c| n * 26 + (c as u16 - 64)) - 1;
        let row: u32 = a.trim_start_matches(|c: char| c.is_ascii_alphabetic()).parse().unwrap();
        (row - 1, col)
    };
    for r in 10..id.height() as u32 {
        let (kind, key, at) = (cell(&id, r, 0), cell(&id, r, 1), cell(&id, r, 2));
        if kind == "chỉ tiêu"
            && let Some(v) = report["figures"].get(&key)
        {
            let (row, col) = split(&at);
            sheet.write_number(row, col, v.as_f64().unwrap()).unwrap();
        }
        if kind == "nhiệm vụ"
            && let Some(s) = report["tasks"].get(&key)
        {
            let label = match s.as_str().unwrap() {
                "da_hoan_thanh" => "Đã hoàn thành",
                "dang_thuc_hien" => "Đang thực hiện",
                _ => "Chưa thực hiện",
            };
            let (row, col) = split(&at);
            sheet.write_string(row, col, label).unwrap();
        }
    }
    // The submission day, in the cell the identity names: a date (`ngay_nop`) or text
    // typed past the validation (`ngay_nop_text`).
    if let Some(at) = (0..10).find(|r| cell(&id, *r, 0) == "ô ngày nộp").map(|r| cell(&id, r, 1)) {
        let (row, col) = split(&at);
        if let Some(d) = report["ngay_nop"].as_str() {
            let p: Vec<u16> = d.split('-').map(|x| x.parse().unwrap()).collect();
            let date = rust_xlsxwriter::ExcelDateTime::from_ymd(p[0], p[1] as u8, p[2] as u8).unwrap();
            let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
            sheet.write_datetime_with_format(row, col, &date, &format).unwrap();
        }
        if let Some(t) = report["ngay_nop_text"].as_str() {
            sheet.write_string(row, col, t).unwrap();
        }
    }
    let copy = book.add_worksheet();
    copy.set_name("vanban-dinh-danh").unwrap();
    for r in 0..id.height() as u32 {
        for c in 0..id.width() as u16 {
            let v = cell(&id, r, u32::from(c));
            if !v.is_empty() {
                copy.write_string(r, c, &v).unwrap();
            }
        }
    }
    book.save(out).unwrap();
}

/// Forms in: the same figures as filled forms give the same summary as JSON, cell by cell.
#[test]
fn filled_forms_give_the_json_summary() {
    let dir = sample_copy();
    let out = vanban(&["form", "bao-cao", "-o", "forms", "--period", "quy-1-2022", "-q"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let forms: Vec<PathBuf> = std::fs::read_dir(dir.path().join("forms")).unwrap().map(|e| e.unwrap().path()).collect();
    let unit_of = |p: &Path| {
        let mut wb: Xlsx<_> = calamine::open_workbook(p).unwrap();
        cell(&wb.worksheet_range("vanban-dinh-danh").unwrap(), 3, 1)
    };
    let by_unit: std::collections::HashMap<String, PathBuf> = forms.iter().map(|p| (unit_of(p), p.clone())).collect();
    let xlsx_dir = dir.path().join("bao-cao/quy-1-excel");
    std::fs::create_dir_all(&xlsx_dir).unwrap();
    let mut n = 0;
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir.path().join("bao-cao/quy-1")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for (i, f) in files.iter().enumerate() {
        let report: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        if i % 2 == 0 {
            // Half the units in Excel, half in JSON: mixed folders work.
            let form = &by_unit[report["unit"].as_str().unwrap()];
            fill_form(form, &report, &xlsx_dir.join(form.file_name().unwrap()));
            n += 1;
        } else {
            std::fs::copy(f, xlsx_dir.join(f.file_name().unwrap())).unwrap();
        }
    }
    assert!(n > 10);
    let a = vanban(&["summary", "bao-cao/quy-1", "-o", "a.xlsx", "--date", "2022-04-05"], dir.path());
    let b = vanban(&["summary", "bao-cao/quy-1-excel", "-o", "b.xlsx", "--date", "2022-04-05"], dir.path());
    assert_eq!(a.status.code(), b.status.code(), "{}\n{}", stderr(&a), stderr(&b));
    let open = |name: &str| -> Xlsx<_> { calamine::open_workbook(dir.path().join(name)).unwrap() };
    let (mut wa, mut wb) = (open("a.xlsx"), open("b.xlsx"));
    assert_eq!(wa.sheet_names(), wb.sheet_names());
    for name in wa.sheet_names() {
        let (ra, rb) = (wa.worksheet_range(&name).unwrap(), wb.worksheet_range(&name).unwrap());
        assert_eq!(ra.get_size(), rb.get_size(), "{name}");
        for (r, row) in ra.rows().enumerate() {
            for (c, v) in row.iter().enumerate() {
                assert_eq!(Some(v), rb.get((r, c)), "{name} ({r}, {c})");
            }
        }
    }
}

/// Forms in: what a filled form can get wrong, each with file, sheet and cell, in Vietnamese.
#[test]
fn filled_form_errors_name_the_cell() {
    let dir = sample_copy();
    let out = vanban(&["form", "bao-cao", "-o", "forms", "--period", "quy-1-2022", "-q"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let q = dir.path().join("bao-cao/quy-1");
    std::fs::remove_file(q.join("phong-noi-vu.json")).unwrap();
    let report = json!({"figures": {"van_ban": "12 cuộc", "hoi_nghi": -3, "luot_nguoi": 1.5}, "tasks": {}});
    // Text, negative and decimal figures written as a careless writer would.
    let form = dir.path().join("forms/02-phong-noi-vu.xlsx");
    let mut wb: Xlsx<_> = calamine::open_workbook(&form).unwrap();
    let id = wb.worksheet_range("vanban-dinh-danh").unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Biểu 01").unwrap();
    copy_sheet(&wb.worksheet_range("Biểu 01").unwrap(), sheet);
    sheet.write_string(12, 3, report["figures"]["van_ban"].as_str().unwrap()).unwrap();
    sheet.write_number(13, 3, -3.0).unwrap();
    sheet.write_number(14, 3, 1.5).unwrap();
    sheet.write_formula(15, 3, rust_xlsxwriter::Formula::new("=1/0").set_result("#DIV/0!")).unwrap();
    let copy = book.add_worksheet();
    copy.set_name("vanban-dinh-danh").unwrap();
    for r in 0..id.height() as u32 {
        for c in 0..id.width() as u16 {
            copy.write_string(r, c, cell(&id, r, u32::from(c))).unwrap();
        }
    }
    book.save(q.join("02-phong-noi-vu.xlsx")).unwrap();
    std::fs::write(q.join("khong-phai.xlsx"), "day khong phai tep Excel").unwrap();
    std::fs::write(q.join("cu.xls"), [0xD0, 0xCF, 0x11, 0xE0]).unwrap();
    let out = vanban(&["summary", "bao-cao/quy-1", "-o", "out.xlsx"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for needle in [
        "02-phong-noi-vu.xlsx: Biểu 01!D13: Văn bản chỉ đạo, hướng dẫn đã ban hành: \"12 cuộc\" không phải là số",
        "Biểu 01!D14: Số hội nghị, tập huấn: số âm -3",
        "Biểu 01!D15: Lượt người tham dự: số thập phân 1.5",
        "Biểu 01!D16: Tin, bài trên Cổng/Trang thông tin điện tử: ô có lỗi công thức #DIV/0!",
        "khong-phai.xlsx: không phải tệp Excel .xlsx",
        "cu.xls: tệp Excel cũ (.xls)",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("tình trạng nộp quý I năm 2022: Không hợp lệ 1 đơn vị: Phòng Nội vụ"), "{err}");
}

/// A filled form re-saved by LibreOffice Calc reads back to the same figures as the JSON.
#[test]
fn form_resaved_by_libreoffice_reads_back() {
    let dir = sample_copy();
    let a = vanban(&["summary", "bao-cao/quy-1", "-o", "a.xlsx", "--date", "2022-04-05"], dir.path());
    let q = dir.path().join("bao-cao/quy-1");
    std::fs::remove_file(q.join("phong-noi-vu.json")).unwrap();
    std::fs::copy(root().join("tests/fixtures/forms/form-quy-1-2022-libreoffice.xlsx"), q.join("02.xlsx")).unwrap();
    let b = vanban(&["summary", "bao-cao/quy-1", "-o", "b.xlsx", "--date", "2022-04-05"], dir.path());
    assert_eq!(a.status.code(), b.status.code(), "{}\n{}", stderr(&a), stderr(&b));
    let read = |n: &str| std::fs::read(dir.path().join(n)).unwrap();
    let (sa, sb) = (summary_sheet(&read("a.xlsx")), summary_sheet(&read("b.xlsx")));
    assert_eq!(sa.get_size(), sb.get_size());
    for (r, row) in sa.rows().enumerate() {
        for (c, v) in row.iter().enumerate() {
            assert_eq!(Some(v), sb.get((r, c)), "({r}, {c})");
        }
    }
}

/// A figure left empty in a filled form, or left out of a JSON report: a warning "chưa nhập"
/// naming the cell or the JSON path; the unit still counts as submitted, its cell stays
/// blank and the sums add only the figures given (never a blank as 0).
#[test]
fn figures_not_entered_are_warned_and_left_blank() {
    let dir = sample_copy();
    let out = vanban(&["form", "bao-cao", "-o", "forms", "--period", "quy-1-2022", "-q"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let q = dir.path().join("bao-cao/quy-1");
    let read = |p: &Path| -> Value { serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
    let mut noi_vu = read(&q.join("phong-noi-vu.json"));
    let van_ban = noi_vu["figures"]["van_ban"].as_f64().unwrap();
    noi_vu["figures"].as_object_mut().unwrap().remove("van_ban");
    std::fs::remove_file(q.join("phong-noi-vu.json")).unwrap();
    fill_form(&dir.path().join("forms/02-phong-noi-vu.xlsx"), &noi_vu, &q.join("02-phong-noi-vu.xlsx"));
    let mut tu_phap = read(&q.join("phong-tu-phap.json"));
    let hoi_nghi = tu_phap["figures"]["hoi_nghi"].as_f64().unwrap();
    tu_phap["figures"].as_object_mut().unwrap().remove("hoi_nghi");
    write(&q.join("phong-tu-phap.json"), &tu_phap);

    let (out, bytes) = run_summary(dir.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "warnings only: {err}");
    for needle in [
        "cảnh báo: bao-cao/quy-1/02-phong-noi-vu.xlsx: Biểu 01!D13: chưa nhập \"Văn bản chỉ đạo, hướng dẫn đã ban hành\"",
        "cảnh báo: bao-cao/quy-1/phong-tu-phap.json: /figures/hoi_nghi: chưa nhập \"Số hội nghị, tập huấn\"",
        "tình trạng nộp quý I năm 2022: Đã nộp 38 đơn vị",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    let bytes = bytes.unwrap();
    let s = summary_sheet(&bytes);
    let blank = |r: u32, c: u32| s.get_value((r, c)).is_none_or(|d| matches!(d, Data::Empty));
    assert_eq!(cell(&s, 12, 1), "Phòng Nội vụ");
    assert!(blank(12, 2), "not entered is blank, not 0: {:?}", s.get_value((12, 2)));
    assert_eq!(cell(&s, 12, 13), "Chưa nhập cột 1");
    assert_eq!(number(&s, 12, 3), noi_vu["figures"]["hoi_nghi"].as_f64().unwrap(), "its other figures are kept");
    assert_eq!(cell(&s, 13, 1), "Phòng Tư pháp");
    assert!(blank(13, 3));
    assert_eq!(cell(&s, 13, 13), "Chưa nhập cột 2");
    // Sums add the given figures only (cached values and formulas).
    assert_eq!(number(&s, 10, 2), 12.0 - van_ban);
    assert_eq!(number(&s, 10, 3), 1.0 - hoi_nghi);
    let total_row = 22 + 1 + 28;
    assert_eq!(number(&s, total_row, 2), 69.0 - van_ban);
    assert!(cell(&s, total_row + 1, 0).contains("chỉ cộng các số liệu đã nhập"), "{}", cell(&s, total_row + 1, 0));
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let unit = wb.worksheet_range("Phòng Nội vụ").unwrap();
    assert_eq!(cell(&unit, 3, 3), "chưa nhập");
    let states = wb.worksheet_range("Tình trạng nộp").unwrap();
    let row = (3..states.height() as u32).find(|r| cell(&states, *r, 1) == "Phòng Nội vụ").unwrap();
    assert_eq!(cell(&states, row, 3), "Đã nộp");
}

/// Deadlines: `han_nop` per period in tong-hop.json; the submission day from the form's
/// `Ngày nộp` cell or the report's `ngay_nop`; every expected unit's state listed, per unit:
/// đã nộp, nộp muộn, không hợp lệ (with the reason), chưa nộp.
#[test]
fn submission_states_with_a_deadline() {
    let dir = sample_copy();
    let cfg_path = dir.path().join("bao-cao/tong-hop.json");
    let mut cfg: Value = serde_json::from_str(&std::fs::read_to_string(&cfg_path).unwrap()).unwrap();
    cfg["han_nop"] = json!({"quy-1-2022": "2022-04-05"});
    write(&cfg_path, &cfg);
    let out = vanban(&["form", "bao-cao", "-o", "forms", "--period", "quy-1-2022", "-q"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    // The form asks for the day, as a validated date, and says the deadline.
    let bytes = std::fs::read(dir.path().join("forms/02-phong-noi-vu.xlsx")).unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let s = wb.worksheet_range("Biểu 01").unwrap();
    assert_eq!(cell(&s, 9, 0), "Ngày nộp báo cáo:");
    let guide: String = (30..s.height() as u32).map(|r| cell(&s, r, 0)).collect::<Vec<_>>().join("\n");
    assert!(guide.contains("chậm nhất ngày 05/04/2022"), "{guide}");
    assert!(part(&bytes, "xl/worksheets/sheet1.xml").contains("type=\"date\""), "date validation");

    let q = dir.path().join("bao-cao/quy-1");
    let read = |p: &Path| -> Value { serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
    let set = |name: &str, key: &str, v: &str| {
        let mut r = read(&q.join(name));
        r[key] = json!(v);
        r
    };
    // A form sent three days late; another whose day cannot be read.
    let noi_vu = set("phong-noi-vu.json", "ngay_nop", "2022-04-08");
    std::fs::remove_file(q.join("phong-noi-vu.json")).unwrap();
    fill_form(&dir.path().join("forms/02-phong-noi-vu.xlsx"), &noi_vu, &q.join("02-phong-noi-vu.xlsx"));
    let tn = set("phong-tai-nguyen-va-moi-truong.json", "ngay_nop_text", "hôm qua");
    std::fs::remove_file(q.join("phong-tai-nguyen-va-moi-truong.json")).unwrap();
    fill_form(
        &dir.path().join("forms/05-phong-tai-nguyen-va-moi-truong.xlsx"),
        &tn,
        &q.join("05-phong-tai-nguyen.xlsx"),
    );
    // JSON: one day late, on the day itself, an impossible day.
    let v = set("van-phong-hdnd-va-ubnd-huyen.json", "ngay_nop", "2022-04-06");
    write(&q.join("van-phong-hdnd-va-ubnd-huyen.json"), &v);
    let v = set("phong-tu-phap.json", "ngay_nop", "2022-04-05");
    write(&q.join("phong-tu-phap.json"), &v);
    let v = set("phong-tai-chinh-ke-hoach.json", "ngay_nop", "2022-04-31");
    write(&q.join("phong-tai-chinh-ke-hoach.json"), &v);

    let (out, bytes) = run_summary(dir.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for needle in [
        "lỗi: bao-cao/quy-1/phong-tai-chinh-ke-hoach.json: /ngay_nop: \"2022-04-31\" không phải là ngày dạng YYYY-MM-DD",
        "lỗi: bao-cao/quy-1/05-phong-tai-nguyen.xlsx: Biểu 01!C10: ngày nộp \"hôm qua\" không đọc được",
        "cảnh báo: bao-cao/quy-1/phong-giao-duc-va-dao-tao.json: /ngay_nop: chưa ghi ngày nộp: không xét được nộp đúng hạn (hạn nộp 05/04/2022)",
        "tình trạng nộp quý I năm 2022: Nộp muộn 2 đơn vị: Văn phòng HĐND và UBND huyện (nộp 06/04/2022, muộn 1 ngày so với hạn 05/04/2022), Phòng Nội vụ (nộp 08/04/2022, muộn 3 ngày so với hạn 05/04/2022)",
        "tình trạng nộp quý I năm 2022: Đã nộp 34 đơn vị",
        "tình trạng nộp quý I năm 2022: Không hợp lệ 2 đơn vị: Phòng Tài chính - Kế hoạch, Phòng Tài nguyên và Môi trường",
        "tình trạng nộp quý I năm 2022: Chưa nộp 1 đơn vị: UBND xã Hồng Phong",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    assert!(!err.contains("phong-tu-phap.json: /ngay_nop"), "{err}");
    let bytes = bytes.unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let st = wb.worksheet_range("Tình trạng nộp").unwrap();
    assert_eq!(cell(&st, 1, 0), "(Hạn nộp: ngày 05/04/2022; ngày nộp theo báo cáo của đơn vị)");
    let headers: Vec<String> = (0..6).map(|c| cell(&st, 2, c)).collect();
    assert_eq!(headers, ["STT", "Đơn vị", "Nhóm", "Tình trạng", "Ngày nộp", "Ghi chú"]);
    let row = |name: &str| -> Vec<String> {
        let r = (3..st.height() as u32).find(|r| cell(&st, *r, 1) == name).unwrap_or_else(|| panic!("{name}"));
        (3..6).map(|c| cell(&st, r, c)).collect()
    };
    assert_eq!(row("Văn phòng HĐND và UBND huyện"), ["Nộp muộn", "06/04/2022", "muộn 1 ngày so với hạn 05/04/2022"]);
    assert_eq!(row("Phòng Nội vụ"), ["Nộp muộn", "08/04/2022", "muộn 3 ngày so với hạn 05/04/2022"]);
    assert_eq!(row("Phòng Tư pháp"), ["Đã nộp", "05/04/2022", ""]);
    let invalid = row("Phòng Tài chính - Kế hoạch");
    assert_eq!(invalid[0], "Không hợp lệ");
    assert!(invalid[2].starts_with("/ngay_nop: \"2022-04-31\" không phải là ngày"), "{invalid:?}");
    let invalid = row("Phòng Tài nguyên và Môi trường");
    assert!(invalid[2].starts_with("Biểu 01!C10: ngày nộp \"hôm qua\""), "{invalid:?}");
    assert_eq!(row("Phòng Giáo dục và Đào tạo"), ["Đã nộp", "", ""]);
    assert_eq!(row("UBND xã Hồng Phong"), ["Chưa nộp", "", ""]);
    assert_eq!(st.height(), 3 + 39, "one row per expected unit");
    let sum = summary_sheet(&bytes);
    assert_eq!(cell(&sum, 12, 13), "Nộp muộn");
}

/// `build` finds a period folder holding only filled forms, and rebuilds it when a form
/// changes (its bytes are part of the item's fingerprint).
#[test]
fn build_reads_a_folder_of_forms_only() {
    let dir = sample_copy();
    let out = vanban(&["form", "bao-cao", "-o", "forms", "--period", "quy-3-2022", "-q"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let q3 = dir.path().join("bao-cao/quy-3");
    std::fs::create_dir_all(&q3).unwrap();
    let form = dir.path().join("forms/02-phong-noi-vu.xlsx");
    fill_form(&form, &json!({"figures": {"van_ban": 4}, "tasks": {}}), &q3.join("02.xlsx"));
    let build = || vanban(&["build", ".", "-o", "out", "--summary", "json"], dir.path());
    let status_of_q3 = |o: &Output| -> String {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .find(|v| v["input"].as_str().is_some_and(|i| i.contains("quy-3")))
            .map(|v| v["status"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    let first = build();
    assert_eq!(status_of_q3(&first), "ok", "{}", stderr(&first));
    let bytes = std::fs::read(dir.path().join("out/bao-cao/quy-3/tong-hop-quy-3-2022.xlsx")).unwrap();
    assert_eq!(number(&summary_sheet(&bytes), 12, 2), 4.0);
    assert!(stderr(&first).contains("02.xlsx: Biểu 01!D14: chưa nhập"), "{}", stderr(&first));
    fill_form(&form, &json!({"figures": {"van_ban": 5}, "tasks": {}}), &q3.join("02.xlsx"));
    let second = build();
    assert_eq!(status_of_q3(&second), "ok", "a changed form is rebuilt: {}", stderr(&second));
    let bytes = std::fs::read(dir.path().join("out/bao-cao/quy-3/tong-hop-quy-3-2022.xlsx")).unwrap();
    assert_eq!(number(&summary_sheet(&bytes), 12, 2), 5.0);
}
