//! An annex's rows from a worksheet (`"rows_from"`): the plan's own tracking workbook read
//! back gives the same annex, a clerk's simple sheet gives the rows its JSON would, and
//! every problem of the file is named by file, sheet and cell.

use std::path::{Path, PathBuf};

use crate::common::*;
use rust_xlsxwriter::Workbook;
use serde_json::{Value, json};
use vanban::annex::Row;
use vanban::inspect::Inspection;

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn write_json(p: &Path, v: &Value) {
    std::fs::write(p, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// The document's JSON with every annex's `rows` replaced by `rows_from` `file`.
fn with_rows_from(doc: &Value, file: &str) -> Value {
    let mut doc = doc.clone();
    for a in doc["annexes"].as_array_mut().unwrap() {
        let a = a.as_object_mut().unwrap();
        a.remove("rows");
        a.insert("rows_from".into(), json!(file));
    }
    doc
}

/// Rows without the heading as written (a workbook holds group headings as printed).
fn printed(rows: &[Row]) -> Vec<Row> {
    rows.iter()
        .map(|r| match r {
            Row::Group { stt, text, values, .. } => {
                Row::Group { stt: stt.clone(), text: text.clone(), values: values.clone(), written: String::new() }
            }
            other => other.clone(),
        })
        .collect()
}

fn lines(r: &vanban::Rendered) -> Vec<(usize, String, i64, i64)> {
    Inspection::new(&r.layout)
        .all_lines()
        .iter()
        .map(|l| (l.page, l.text(), (l.runs[0].x * 100.0).round() as i64, (l.y * 100.0).round() as i64))
        .collect()
}

/// JSON rows → the tracking workbook vanban writes → a document whose annexes read their
/// rows from that workbook → the same annex: same rows, same laid-out text, same PDF and
/// the same workbook again.
fn round_trip(sample_dir: &str, stem: &str) {
    let engine = engine();
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&sample(sample_dir), tmp.path());
    let json_path = tmp.path().join(format!("{stem}.json"));
    let original = load(&json_path);
    let first = vanban::render(&engine, &original, vanban::RenderOptions::default()).unwrap();
    let workbook = first.workbook.clone().expect("tracking workbook");
    std::fs::write(tmp.path().join(format!("{stem}.theo-doi.xlsx")), &workbook).unwrap();

    let from_sheet = tmp.path().join(format!("{stem}.tu-excel.json"));
    write_json(&from_sheet, &with_rows_from(&read_json(&json_path), &format!("{stem}.theo-doi.xlsx")));
    let again = load(&from_sheet);
    assert_eq!(again.annexes.len(), original.annexes.len());
    for (a, b) in again.annexes.iter().zip(&original.annexes) {
        assert_eq!(printed(&a.rows), printed(&b.rows), "{sample_dir}: annex {} rows", b.id);
        assert_eq!((&a.columns, &a.sheet_name, a.landscape), (&b.columns, &b.sheet_name, b.landscape));
    }
    let second = vanban::render(&engine, &again, vanban::RenderOptions::default()).unwrap();
    assert_eq!(lines(&second), lines(&first), "{sample_dir}: laid-out text and positions");
    assert_eq!(second.pdf, first.pdf, "{sample_dir}: same PDF bytes");
    assert_eq!(second.workbook.as_deref(), Some(workbook.as_slice()), "{sample_dir}: same workbook bytes");
}

#[test]
fn the_tracking_workbook_read_back_gives_the_same_annex() {
    // Groups, continuous numbering, sub-tasks.
    round_trip("ninh-giang-2022", "ke-hoach");
    // Two annexes (sheet chosen by the annex's sheet name), per-group numbering, sub-tasks.
    round_trip("nghe-an-2025", "ke-hoach");
}

#[test]
fn a_scoring_table_with_nested_numbering_and_group_values_round_trips() {
    let engine = engine();
    let tmp = tempfile::tempdir().unwrap();
    let mut doc = minimal();
    doc["issuer"]["full_name"] = json!("Ủy ban nhân dân xã Kim Liên");
    doc["annexes"] = json!([{
        "id": "diem", "title": "Bảng điểm", "kind": "bang", "numbering": "nested",
        "columns": [{"key": "stt", "label": "STT"}, {"key": "tieu_chi", "label": "Tiêu chí"},
                    {"key": "diem", "label": "Điểm", "align": "right"}],
        "rows": [
            {"tieu_chi": "Việc trước mọi nhóm", "diem": 1},
            {"group": "Nhóm xã, phường", "diem": 115},
            {"tieu_chi": "Ban hành kế hoạch\nđúng hạn", "diem": 10, "items": [{"tieu_chi": "Trong quý I"}]},
            {"group": "Nhóm cơ quan"},
            {"tieu_chi": "Báo cáo", "diem": 5},
            {"stt": "*", "tieu_chi": "Tiêu chí thưởng", "diem": 2}
        ]
    }]);
    let path = tmp.path().join("bang.json");
    write_json(&path, &doc);
    let original = load(&path);
    let first = vanban::render(&engine, &original, vanban::RenderOptions::default()).unwrap();
    std::fs::write(tmp.path().join("bang.xlsx"), first.workbook.as_ref().unwrap()).unwrap();
    let from_sheet = tmp.path().join("bang-excel.json");
    write_json(&from_sheet, &with_rows_from(&doc, "bang.xlsx"));
    let again = load(&from_sheet);
    assert_eq!(printed(&again.annexes[0].rows), printed(&original.annexes[0].rows));
    let second = vanban::render(&engine, &again, vanban::RenderOptions::default()).unwrap();
    assert_eq!(lines(&second), lines(&first));
    assert_eq!(second.workbook, first.workbook);
}

/// A clerk's own sheet: a title line, the header in another order with a `Ghi chú` column,
/// group rows with only their first text cell, a sub-task numbered `2.1`, a blank row, a
/// date typed as a date.
fn clerk_sheet(path: &Path) {
    let mut wb = Workbook::new();
    let s = wb.add_worksheet().set_name("Danh sách").unwrap();
    s.write(0, 0, "DANH SÁCH NHIỆM VỤ NĂM 2025").unwrap();
    let header =
        ["STT", "Nhiệm vụ", "Cơ quan phối hợp", "Cơ quan chủ trì", "Thời gian thực hiện", "Sản phẩm", "Ghi chú"];
    for (c, h) in header.iter().enumerate() {
        s.write(2, c as u16, *h).unwrap();
    }
    s.write(3, 1, "Tuyên truyền").unwrap();
    s.write(4, 1, "Chuyên mục trên Đài").unwrap();
    s.write(4, 3, "Đài Phát thanh").unwrap();
    s.write(4, 4, "Hằng tháng").unwrap();
    s.write(5, 0, 2).unwrap();
    s.write(5, 1, "Báo cáo định kỳ").unwrap();
    s.write(5, 3, "Văn phòng").unwrap();
    s.write(5, 6, "việc của văn phòng").unwrap();
    s.write(6, 0, "2.1").unwrap();
    s.write(6, 1, "Báo cáo quý").unwrap();
    // Row 8 (index 7) left blank.
    s.write(8, 0, "II").unwrap();
    s.write(8, 1, "Kiểm tra").unwrap();
    s.write(9, 1, "Kiểm tra cuối năm").unwrap();
    s.write(9, 3, "Văn phòng").unwrap();
    s.write(9, 2, "Các ban\nngành").unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 12, 15).unwrap();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    s.write_datetime_with_format(9, 4, &date, &fmt).unwrap();
    wb.save(path).unwrap();
}

fn kim_lien_with_annex(rows: Value) -> Value {
    let mut doc = minimal();
    doc["issuer"]["full_name"] = json!("Ủy ban nhân dân xã Kim Liên");
    doc["annexes"] = json!([{"id": "nhiem-vu", "title": "Nhiệm vụ năm 2025"}]);
    for (k, v) in rows.as_object().unwrap() {
        doc["annexes"][0][k] = v.clone();
    }
    doc
}

#[test]
fn a_clerks_simple_sheet_gives_the_rows_its_json_would() {
    let tmp = tempfile::tempdir().unwrap();
    clerk_sheet(&tmp.path().join("nhiem-vu.xlsx"));
    let from_sheet = tmp.path().join("a.json");
    write_json(&from_sheet, &kim_lien_with_annex(json!({"rows_from": "nhiem-vu.xlsx"})));
    let json_rows = tmp.path().join("b.json");
    write_json(
        &json_rows,
        &kim_lien_with_annex(json!({"rows": [
            {"group": "Tuyên truyền"},
            {"nhiem_vu": "Chuyên mục trên Đài", "chu_tri": "Đài Phát thanh", "thoi_gian": "Hằng tháng"},
            {"nhiem_vu": "Báo cáo định kỳ", "chu_tri": "Văn phòng", "items": [{"nhiem_vu": "Báo cáo quý"}]},
            {"group": "Kiểm tra"},
            {"nhiem_vu": "Kiểm tra cuối năm", "chu_tri": "Văn phòng", "phoi_hop": "Các ban\nngành", "thoi_gian": "15/12/2025"}
        ]})),
    );
    let a = load(&from_sheet);
    let b = load(&json_rows);
    assert_eq!(a.annexes, b.annexes);
    let stts: Vec<String> = a.annexes[0]
        .rows
        .iter()
        .map(|r| match r {
            Row::Group { stt, .. } | Row::Item { stt, .. } => stt.clone(),
        })
        .collect();
    assert_eq!(stts, ["I", "1", "2", "2.1", "II", "3"]);
    // The laid-out annex has the sheet's text.
    let r = render_doc(&engine(), &a);
    assert!(r.ins.line_starting("Chuyên mục trên Đài").is_some(), "{}", r.ins.text());
    assert!(r.ins.line("TUYÊN TRUYỀN").is_some(), "{}", r.ins.text());
}

fn errors_of(dir: &Path, annex: Value) -> String {
    let path = dir.join("doc.json");
    write_json(&path, &kim_lien_with_annex(annex.clone()));
    match vanban::data::load(&path) {
        Ok(_) => panic!("{annex:?} should be refused"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_problem_of_the_sheet_is_named_by_file_sheet_and_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // A header with a misspelt column and one missing, all reported together.
    let mut wb = Workbook::new();
    let s = wb.add_worksheet().set_name("Nhiệm vụ").unwrap();
    for (c, h) in ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian", "Sản phẩm", "Ghi chú"]
        .iter()
        .enumerate()
    {
        s.write(0, c as u16, *h).unwrap();
    }
    s.write(1, 1, "Việc").unwrap();
    wb.save(d.join("sai-cot.xlsx")).unwrap();
    let e = errors_of(d, json!({"rows_from": "sai-cot.xlsx"}));
    let expected = [
        "doc.json: /annexes/0/rows_from: \"sai-cot.xlsx\", Nhiệm vụ!E1: cột \"Thời gian\" không có trong phụ lục",
        "doc.json: /annexes/0/rows_from: \"sai-cot.xlsx\", Nhiệm vụ: dòng tiêu đề (dòng 1) thiếu cột \"Thời gian thực hiện\" của phụ lục",
    ];
    for x in expected {
        assert!(e.contains(x), "missing {x:?} in:\n{e}");
    }

    // Cells: a formula error, a control character, a text longer than Excel allows (a
    // sheet another writer made), a group row without its heading: all at once.
    let long = "x".repeat(32_768);
    hand_made_xlsx(
        &d.join("o-loi.xlsx"),
        "Nhiệm vụ",
        &[
            &["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện", "Sản phẩm"],
            &["", "Việc một", "#REF!", "", "", ""],
            &["", "Việc\u{7}hai", "Văn phòng", "", "", ""],
            &["", long.as_str(), "Văn phòng", "", "", ""],
            &["II", "", "", "", "", "5"],
        ],
    );
    let e = errors_of(d, json!({"rows_from": "o-loi.xlsx"}));
    for x in [
        "\"o-loi.xlsx\", Nhiệm vụ!C2: ô có lỗi công thức #REF!",
        "\"o-loi.xlsx\", Nhiệm vụ!B3: có ký tự điều khiển không in được (U+0007)",
        "\"o-loi.xlsx\", Nhiệm vụ!B4: ô quá dài (32768 ký tự; Excel cho phép tối đa 32.767)",
        "\"o-loi.xlsx\", Nhiệm vụ!B5: dòng nhóm (STT \"II\") thiếu tiêu đề nhóm ở cột \"Nhiệm vụ\"",
    ] {
        assert!(e.contains(x), "missing {x:?} in:\n{e}");
    }
    assert_eq!(e.lines().count(), 4, "{e}");
}

#[test]
fn files_that_are_not_usable_workbooks_are_refused_in_vietnamese() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    clerk_sheet(&d.join("nhiem-vu.xlsx"));
    std::fs::write(d.join("van-ban.xlsx"), "đây không phải bảng tính").unwrap();
    let fixtures = root().join("tests/fixtures/rows");
    std::fs::copy(fixtures.join("password.xlsx"), d.join("mat-khau.xlsx")).unwrap();
    std::fs::copy(fixtures.join("old.xls"), d.join("cu.xls")).unwrap();
    let mut zip = std::fs::read(d.join("nhiem-vu.xlsx")).unwrap();
    zip.truncate(zip.len() / 2);
    std::fs::write(d.join("hong.xlsx"), zip).unwrap();
    std::fs::create_dir(d.join("thu-muc.xlsx")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    clerk_sheet(&outside.path().join("ngoai.xlsx"));
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("nhiem-vu.xlsx"), d.join("lien-ket.xlsx")).unwrap();

    let cases: &[(Value, &str)] = &[
        (
            json!({"rows_from": "nhiem-vu.xlsx", "sheet": "Trang 2"}),
            "không có trang tính \"Trang 2\" (các trang tính của tệp: \"Danh sách\")",
        ),
        (json!({"rows_from": "van-ban.xlsx"}), "\"van-ban.xlsx\": không phải tệp Excel .xlsx hoặc tệp bị hỏng"),
        (json!({"rows_from": "hong.xlsx"}), "\"hong.xlsx\": không phải tệp Excel .xlsx hoặc tệp bị hỏng"),
        (json!({"rows_from": "mat-khau.xlsx"}), "\"mat-khau.xlsx\": tệp Excel có đặt mật khẩu"),
        (
            json!({"rows_from": "cu.xls"}),
            "\"cu.xls\": tệp Excel cũ (.xls): mở bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx",
        ),
        (json!({"rows_from": "thu-muc.xlsx"}), "\"thu-muc.xlsx\": là thư mục, cần một tệp"),
        (json!({"rows_from": "khong-co.xlsx"}), "không đọc được tệp \"khong-co.xlsx\" (không tìm thấy tệp)"),
        (
            json!({"rows_from": format!("../{}/ngoai.xlsx", outside.path().file_name().unwrap().to_string_lossy())}),
            "nằm ngoài thư mục của tệp dữ liệu",
        ),
        (json!({"rows_from": outside.path().join("ngoai.xlsx")}), "nằm ngoài thư mục của tệp dữ liệu"),
        (json!({"rows_from": "lien-ket.xlsx"}), "tệp \"lien-ket.xlsx\" là liên kết (symlink)"),
        (
            json!({"rows_from": "nhiem-vu.xlsx", "rows": [{"nhiem_vu": "x"}]}),
            "/annexes/0/rows_from: chỉ dùng một trong hai",
        ),
        (json!({}), "/annexes/0/rows: thiếu trường bắt buộc: cần \"rows\" (các dòng) hoặc \"rows_from\""),
        (json!({"rows": [{"nhiem_vu": "x"}], "sheet": "A"}), "/annexes/0/sheet: \"sheet\" chỉ dùng cùng \"rows_from\""),
    ];
    for (annex, expected) in cases {
        let e = errors_of(d, annex.clone());
        assert!(e.contains(expected), "{annex}: expected {expected:?} in:\n{e}");
        assert!(e.starts_with(&format!("{}: /annexes/0/", d.join("doc.json").display())), "{e}");
    }
    // The sheet chosen explicitly reads.
    let path = d.join("ok.json");
    write_json(&path, &kim_lien_with_annex(json!({"rows_from": "nhiem-vu.xlsx", "sheet": "Danh sách"})));
    assert_eq!(load(&path).annexes[0].task_count(), 4);
}

/// `vanban build` rebuilds a plan (and the reports quoting its annex) when its rows
/// workbook changes, and only then.
#[test]
fn build_rebuilds_when_the_rows_workbook_changes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&sample("ninh-giang-2022"), &d.join("in"));
    assert_eq!(vanban(&["build", "in", "-o", "first", "-q"], d).status.code(), Some(0));
    std::fs::copy(d.join("first/ke-hoach.xlsx"), d.join("in/nhiem-vu.xlsx")).unwrap();
    let plan = d.join("in/ke-hoach.json");
    write_json(&plan, &with_rows_from(&read_json(&plan), "nhiem-vu.xlsx"));

    let statuses = |o: &std::process::Output| -> Vec<String> {
        let mut v: Vec<(String, String)> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .map(|i| (i["input"].as_str().unwrap().to_string(), i["status"].as_str().unwrap().to_string()))
            .collect();
        v.sort();
        v.into_iter().map(|(_, s)| s).collect()
    };
    let build = || vanban(&["build", "in", "-o", "out", "--summary", "json"], d);
    let once = build();
    assert_eq!(statuses(&once), ["ok"; 4], "{}", stderr(&once));
    assert_eq!(
        std::fs::read(d.join("out/ke-hoach.pdf")).unwrap(),
        std::fs::read(d.join("first/ke-hoach.pdf")).unwrap(),
        "the plan from its tracking workbook is the plan from JSON"
    );
    assert_eq!(statuses(&build()), ["unchanged"; 4]);

    // The clerk edits a task in the workbook: the plan and the reports are rebuilt.
    let mut wb = Workbook::new();
    let s = wb.add_worksheet().set_name("Nhiệm vụ").unwrap();
    for (c, h) in
        ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện", "Sản phẩm"].iter().enumerate()
    {
        s.write(0, c as u16, *h).unwrap();
    }
    s.write(1, 1, "Nhiệm vụ sửa trong Excel").unwrap();
    s.write(1, 2, "Phòng Nội vụ").unwrap();
    wb.save(d.join("in/nhiem-vu.xlsx")).unwrap();
    assert_eq!(load(&plan).annexes[0].task_count(), 1);
    let after = build();
    let st = statuses(&after);
    assert_eq!(st[3], "ok", "the plan is rebuilt: {}", stderr(&after));
    assert!(st[..3].iter().all(|s| s != "unchanged"), "the reports quoting its annex too: {st:?}");
    assert_ne!(
        std::fs::read(d.join("out/ke-hoach.pdf")).unwrap(),
        std::fs::read(d.join("first/ke-hoach.pdf")).unwrap()
    );
}

/// A minimal workbook written by hand (inline strings, as some writers store them), so
/// that a test can hold what rust_xlsxwriter refuses (a text over 32,767 characters) and
/// an error cell (`#REF!`).
fn hand_made_xlsx(path: &PathBuf, sheet: &str, rows: &[&[&str]]) {
    use std::io::Write;
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    for (r, cells) in rows.iter().enumerate() {
        xml.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, v) in cells.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            let name = format!("{}{}", (b'A' + c as u8) as char, r + 1);
            if v.starts_with('#') {
                xml.push_str(&format!("<c r=\"{name}\" t=\"e\"><f>A1/0</f><v>{}</v></c>", esc(v)));
            } else {
                xml.push_str(&format!("<c r=\"{name}\" t=\"inlineStr\"><is><t>{}</t></is></c>", esc(v)));
            }
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>");
    let files = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        ("xl/worksheets/sheet1.xml", xml),
    ];
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, body) in files {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}
