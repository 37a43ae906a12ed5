//! annexes (phụ lục) in the plan PDF, filed separately, and as a tracking
//! workbook; checked on the laid-out pages and by reading the workbook back.

use std::io::{Cursor, Read};

use crate::common::*;
use calamine::{Data, Reader, Xlsx};
use serde_json::json;
use vanban::RenderOptions;
use vanban::inspect::{Inspection, Line};

const PT: f64 = 25.4 / 72.0;

fn sample_doc() -> vanban::Document {
    load(&sample("ninh-giang-2022/ke-hoach.json"))
}

fn render_with(doc: &vanban::Document, annex_separately: bool) -> vanban::Rendered {
    vanban::render(&engine(), doc, RenderOptions { annex_separately, ..RenderOptions::default() })
        .unwrap_or_else(|e| panic!("{e}"))
}

fn line(ins: &Inspection, text: &str) -> Line {
    ins.line(text).unwrap_or_else(|| panic!("no line {text:?} in:\n{}", ins.text()))
}

/// Index of the first annex page: the page of the `Phụ lục` heading.
fn annex_start(ins: &Inspection, label: &str) -> usize {
    line(ins, label).page
}

#[test]
fn annex_starts_a_new_landscape_page_with_its_heading() {
    let r = render_with(&sample_doc(), false);
    let ins = Inspection::new(&r.layout);
    let sig = line(&ins, "TM. ỦY BAN NHÂN DÂN");
    let start = annex_start(&ins, "Phụ lục");
    assert_eq!(start, sig.page + 1, "the annex starts on the page after the signature");
    for p in 0..ins.pages.len() {
        let (w, h) = ins.pages[p];
        if p < start {
            assert!((w - 210.0).abs() < 0.5 && (h - 297.0).abs() < 0.5, "plan page {p} portrait");
        } else {
            assert!((w - 297.0).abs() < 0.5 && (h - 210.0).abs() < 0.5, "annex page {p} landscape");
        }
    }
    let lines = ins.lines(start);
    let centre = (31.0 + 297.0 - 16.0) / 2.0;
    let heading = &lines[0];
    assert_eq!(heading.text(), "Phụ lục", "first line of the annex page");
    assert_eq!(heading.size(), 14.0);
    assert!(heading.bold() && !heading.italic());
    assert!((heading.centre() - centre).abs() <= 1.5);
    let title = &lines[1];
    assert!(title.text().starts_with("CÁC NHIỆM VỤ, SẢN PHẨM THỰC HIỆN KẾ HOẠCH"), "{}", title.text());
    assert!(title.bold() && title.size() == 14.0);
    assert!((title.centre() - centre).abs() <= 1.5);
    let reference =
        line(&ins, "(Kèm theo Kế hoạch số 18/KH-UBND ngày 28/01/2022 của Ủy ban nhân dân huyện Ninh Giang)");
    assert_eq!(reference.page, start);
    assert!(reference.italic() && !reference.bold() && reference.size() == 14.0);
    assert!((reference.centre() - centre).abs() <= 1.5);
    assert!(reference.y > title.y && (reference.y - heading.y) < 25.0);
}

#[test]
fn annex_pages_are_numbered_from_one_and_repeat_the_header_row() {
    let r = render_with(&sample_doc(), false);
    let ins = Inspection::new(&r.layout);
    let start = annex_start(&ins, "Phụ lục");
    let pages = ins.pages.len();
    assert!(pages - start >= 2, "the sample annex spans several pages");
    for p in start..pages {
        let numbers: Vec<String> = ins
            .runs
            .iter()
            .filter(|x| x.page == p && x.y < 20.0 && x.text.chars().all(|c| c.is_ascii_digit()))
            .map(|x| x.text.clone())
            .collect();
        if p == start {
            assert!(numbers.is_empty(), "number hidden on the annex's first page: {numbers:?}");
        } else {
            assert_eq!(numbers, [(p - start + 1).to_string()], "annex page {}", p - start + 1);
        }
        let lines = ins.lines(p);
        let header = lines.iter().find(|l| l.text() == "STT").expect("header row");
        assert!(header.bold(), "header row on annex page {p}");
        // Labels of the header row (vertically centred; `Thời gian thực hiện` wraps).
        let mut row: Vec<String> =
            lines.iter().filter(|l| (l.y - header.y).abs() < 4.0 && l.bold()).map(Line::text).collect();
        row.sort();
        assert_eq!(
            row,
            ["Cơ quan chủ trì", "Cơ quan phối hợp", "Nhiệm vụ", "STT", "Sản phẩm", "Thời gian", "thực hiện"],
            "page {p}"
        );
        assert!(
            lines.iter().all(|l| l.y < 20.0 || l.y >= header.y - 4.0 || p == start),
            "header row is the first row on continuation pages"
        );
    }
    // ND30 margins hold on landscape pages too, and the table fits the text width.
    for run in ins.runs.iter().filter(|x| x.page >= start && x.y > 20.0) {
        let (l, t, rr, b) = run.ink;
        assert!(l >= 30.0 && rr <= 297.0 - 15.0 && t >= 20.0 && b <= 210.0 - 20.0, "{:?} at {:?}", run.text, run.ink);
    }
    for rule in ins.rules.iter().filter(|x| x.page >= start) {
        assert!(rule.x >= 31.0 - 0.3 && rule.x + rule.length <= 297.0 - 16.0 + 0.3, "table line {rule:?}");
    }
}

/// STT cells of the annex pages in reading order: text runs inside the first column
/// (left of 45 mm), one entry per baseline, without the repeated header.
fn stt_cells(ins: &Inspection, start: usize) -> Vec<String> {
    (start..ins.pages.len()).flat_map(|p| stt_cells_on(ins, p)).collect()
}

/// The STT cells of one page, top to bottom, without the header's `STT`.
fn stt_cells_on(ins: &Inspection, p: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut runs: Vec<_> = ins.runs.iter().filter(|x| x.page == p && x.y > 20.0 && x.x + x.width < 45.0).collect();
    runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut last_y = f64::NEG_INFINITY;
    for r in runs {
        if (r.y - last_y).abs() < 0.5 {
            if let Some(s) = out.last_mut() {
                s.push_str(&r.text);
            }
        } else {
            out.push(r.text.clone());
        }
        last_y = r.y;
    }
    out.retain(|s| s != "STT");
    out
}

#[test]
fn sample_rows_are_numbered_continuously_with_sub_items() {
    let r = render_with(&sample_doc(), false);
    let ins = Inspection::new(&r.layout);
    let stt = stt_cells(&ins, annex_start(&ins, "Phụ lục"));
    let groups: Vec<&String> = stt.iter().filter(|s| s.chars().all(|c| "IVX".contains(c))).collect();
    assert_eq!(groups, ["I", "II", "III", "IV", "V"]);
    let tasks: Vec<&String> = stt.iter().filter(|s| s.starts_with(|c: char| c.is_ascii_digit())).collect();
    let mut want: Vec<String> = (1..=21).map(|n| n.to_string()).collect();
    want.extend(["21.1", "21.2", "21.3", "22"].map(String::from));
    assert_eq!(tasks, want.iter().collect::<Vec<_>>());
    // Group rows are bold and span the table.
    let group = line(&ins, "TUYÊN TRUYỀN TRÊN CÁC PHƯƠNG TIỆN THÔNG TIN ĐẠI CHÚNG");
    assert!(group.bold());
}

#[test]
fn body_pointer_names_the_annex_and_follows_reordering() {
    let r = render_with(&sample_doc(), false);
    let ins = Inspection::new(&r.layout);
    assert!(ins.text().contains("(Có Phụ lục các nhiệm vụ, sản phẩm thực hiện kế hoạch kèm theo)"));

    let two = |order: [&str; 2]| {
        let mut d = minimal();
        d["issuer"]["full_name"] = "Ủy ban nhân dân xã Kim Liên".into();
        d["body"] = "Chi tiết tại {{phu_luc.a}}; kinh phí tại {{phu_luc.b}}.".into();
        let annex = |id: &str| json!({"id": id, "title": format!("Bảng {id}"), "rows": [{"nhiem_vu": "Việc 1"}]});
        d["annexes"] = json!([annex(order[0]), annex(order[1])]);
        let r = render_json(&engine(), &d.to_string());
        (r.ins.text(), r.ins)
    };
    let (text, ins) = two(["a", "b"]);
    assert!(text.contains("Chi tiết tại Phụ lục I; kinh phí tại Phụ lục II."), "{text}");
    assert_eq!(line(&ins, "Phụ lục I").page + 1, line(&ins, "Phụ lục II").page);
    line(&ins, "BẢNG A");
    let (text, _) = two(["b", "a"]);
    assert!(text.contains("Chi tiết tại Phụ lục II; kinh phí tại Phụ lục I."), "{text}");

    let mut d = minimal();
    d["body"] = "Xem {{phu_luc.khong-co}}.".into();
    let err = vanban::data::parse(std::path::Path::new("x.json"), &d.to_string()).unwrap_err();
    assert_eq!(err.to_string(), "x.json: /body: tham chiếu tới phụ lục \"khong-co\" không có (các phụ lục: chưa có)");
}

#[test]
fn draft_reference_line_leaves_blanks() {
    let mut d = minimal();
    d.as_object_mut().unwrap().remove("so");
    d["date"] = "2025-09".into();
    d["issuer"]["full_name"] = "Ủy ban nhân dân xã Kim Liên".into();
    d["annexes"] = json!([{"id": "a", "title": "Nhiệm vụ", "orientation": "portrait", "rows": [{"nhiem_vu": "Việc"}]}]);
    let r = render_json(&engine(), &d.to_string());
    let text: String = r.ins.runs.iter().filter(|x| x.page == 1 && x.italic).map(|x| x.text.as_str()).collect();
    let nbsp = '\u{a0}';
    assert!(text.contains(&format!("số {}/KH-UBND ngày ", nbsp.to_string().repeat(9))), "{text:?}");
    assert!(
        text.contains(&format!("{}/09/2025 của Ủy ban nhân dân xã Kim Liên)", nbsp.to_string().repeat(7))),
        "{text:?}"
    );
    assert_eq!(r.ins.pages[1], (210.0, 297.0), "portrait as asked");
}

#[test]
fn separately_filed_annex_carries_the_signature_line() {
    let r = render_with(&sample_doc(), true);
    assert_eq!(r.annex_pdfs.len(), 1);
    let (layout, pdf) = &r.annex_pdfs[0];
    assert!(pdf.starts_with(b"%PDF-"));
    let ins = Inspection::new(layout);
    let first = &ins.lines(0)[0];
    assert!(first.text().starts_with("Số: 18/KH-UBND;"), "{}", first.text());
    assert!(first.text().ends_with("+07:00"));
    assert_eq!(first.size(), 10.0);
    assert!(!first.bold() && !first.italic());
    assert!(first.x1 >= 190.0 && first.runs[0].ink.1 <= 25.0, "top right: {first:?}");
    assert_eq!(ins.lines(0)[1].text(), "Phụ lục");
    assert!(ins.text().contains("(Kèm theo Kế hoạch số 18/KH-UBND"));
    assert!(!ins.text().contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "only the annex");
    let main = Inspection::new(&r.layout);
    let annex_pages = main.pages.len() - annex_start(&main, "Phụ lục");
    assert_eq!(ins.pages.len(), annex_pages);
}

fn workbook(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx")
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    range.get_value((row, col)).map(|d| d.to_string()).unwrap_or_default()
}

#[test]
fn tracking_workbook_mirrors_the_annex() {
    let doc = sample_doc();
    let r = render_with(&doc, false);
    let bytes = r.workbook.as_deref().expect("workbook");
    let mut wb = workbook(bytes);
    assert_eq!(wb.sheet_names(), ["Phụ lục"]);
    let range = wb.worksheet_range("Phụ lục").unwrap();
    assert_eq!(
        cell(&range, 0, 0),
        "PHỤ LỤC: CÁC NHIỆM VỤ, SẢN PHẨM THỰC HIỆN KẾ HOẠCH TUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH NHÀ NƯỚC NĂM 2022"
    );
    assert_eq!(
        cell(&range, 1, 0),
        "(Kèm theo Kế hoạch số 18/KH-UBND ngày 28/01/2022 của Ủy ban nhân dân huyện Ninh Giang)"
    );
    let header: Vec<String> = (0..9).map(|c| cell(&range, 4, c)).collect();
    assert_eq!(
        header,
        [
            "STT",
            "Nhiệm vụ",
            "Cơ quan chủ trì",
            "Cơ quan phối hợp",
            "Thời gian thực hiện",
            "Sản phẩm",
            "Tình trạng",
            "Kết quả / sản phẩm đã có",
            "Ghi chú"
        ]
    );
    // Same STT as the PDF, row for row.
    let ins = Inspection::new(&r.layout);
    let pdf_stt = stt_cells(&ins, annex_start(&ins, "Phụ lục"));
    let xlsx_stt: Vec<String> = (5..range.height() as u32).map(|r| cell(&range, r, 0)).collect();
    assert_eq!(xlsx_stt, pdf_stt);
    assert_eq!(xlsx_stt.len(), 5 + 25);
    // Group row: STT bold Roman numeral, text merged across the rest.
    assert_eq!(cell(&range, 5, 0), "I");
    assert_eq!(cell(&range, 5, 1), "TUYÊN TRUYỀN TRÊN CÁC PHƯƠNG TIỆN THÔNG TIN ĐẠI CHÚNG");
    wb.load_merged_regions().unwrap();
    let merges: Vec<String> =
        wb.merged_regions_by_sheet("Phụ lục").iter().map(|(_, _, d)| format!("{:?}-{:?}", d.start, d.end)).collect();
    let group_rows: Vec<u32> =
        (5..range.height() as u32).filter(|r| cell(&range, *r, 0).chars().all(|c| "IVX".contains(c))).collect();
    assert_eq!(group_rows.len(), 5);
    for r in &group_rows {
        assert!(merges.contains(&format!("({r}, 1)-({r}, 8)")), "group row {r} merged: {merges:?}");
    }
    // Task rows: cells as in the data, status defaulted for the validation list.
    let first_task = doc.annexes[0].rows.iter().find_map(|r| match r {
        vanban::annex::Row::Item { cells, .. } => Some(cells.clone()),
        _ => None,
    });
    let first_task = first_task.unwrap();
    for (c, text) in first_task.iter().enumerate() {
        assert_eq!(&cell(&range, 6, c as u32), text);
    }
    assert_eq!(cell(&range, 6, 6), "Chưa thực hiện");

    let sheet = part(bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"<dataValidation type="list""#), "validation list");
    assert!(sheet.contains("<formula1>\"Chưa thực hiện,Đang thực hiện,Đã hoàn thành\"</formula1>"));
    assert!(sheet.contains(r#"ySplit="5""#) && sheet.contains(r#"state="frozen""#), "frozen header");
    assert!(sheet.contains(r#"paperSize="9""#) && sheet.contains(r#"orientation="landscape""#), "A4 landscape");
    assert!(sheet.contains(r#"fitToHeight="0""#) && sheet.contains("<pageSetUpPr fitToPage=\"1\"/>"), "fit to width");
    let book = part(bytes, "xl/workbook.xml");
    assert!(book.contains("_xlnm.Print_Titles") && book.contains("'Phụ lục'!$5:$5"), "repeated header row");
    let styles = part(bytes, "xl/styles.xml");
    assert!(styles.contains(r#"<name val="Times New Roman"/>"#));
    assert!(styles.contains("<left style=\"thin\">"), "borders");
    assert!(styles.contains(r#"wrapText="1""#));
    // Reproducible.
    let again = render_with(&doc, false);
    assert_eq!(again.workbook.as_deref(), Some(bytes));
    assert!(part(bytes, "docProps/core.xml").contains("2022-01-28T00:00:00Z"));
}

#[test]
fn sheet_names_follow_excel_rules_at_load_time() {
    let annex = |name: &str| json!({"id": name, "title": "T", "sheet_name": name, "rows": [{"nhiem_vu": "x"}]});
    let mut d = minimal();
    d["issuer"]["full_name"] = "Ủy ban nhân dân xã Kim Liên".into();
    d["annexes"] = json!([annex("Quý 1/2022"), annex(&"x".repeat(32)), annex("Nhiệm vụ"), annex("NHIỆM VỤ")]);
    let err = vanban::data::parse(std::path::Path::new("x.json"), &d.to_string()).unwrap_err();
    let lines: Vec<String> = err.to_string().lines().map(String::from).collect();
    assert_eq!(
        lines,
        [
            "x.json: /annexes/0/sheet_name: tên trang tính \"Quý 1/2022\" có ký tự \"/\" mà Excel không cho phép ([ ] : * ? / \\)",
            &format!(
                "x.json: /annexes/1/sheet_name: tên trang tính \"{}\" dài 32 ký tự; Excel cho phép tối đa 31",
                "x".repeat(32)
            ),
            "x.json: /annexes/3/sheet_name: trùng tên trang tính \"NHIỆM VỤ\" (Excel không phân biệt chữ hoa, chữ thường)",
        ]
    );
}

#[test]
fn annex_data_errors_are_located() {
    let mut d = minimal();
    d["annexes"] = json!([{
        "id": "a", "title": "T", "numbering": "abc",
        "columns": [{"key": "noi_dung", "label": "Nội dung"}],
        "rows": [{"nhiem_vu": "x"}, {"group": "G", "x": 1}, {"noi_dung": true}]
    }]);
    let err = vanban::data::parse(std::path::Path::new("x.json"), &d.to_string()).unwrap_err();
    let text = err.to_string();
    for want in [
        "x.json: /annexes/0/numbering: cách đánh số \"abc\" không hợp lệ (cần: continuous, per_group hoặc nested)",
        "x.json: /annexes/0/columns: cột đầu tiên phải là cột số thứ tự, mã \"stt\" (công cụ tự đánh số)",
        "x.json: /annexes/0/rows/0/nhiem_vu: cột \"nhiem_vu\" không có trong bảng (các cột: noi_dung, items; hoặc group)",
        "x.json: /annexes/0/rows/1/x: dòng nhóm chỉ có \"group\" (tiêu đề nhóm, in ở cột \"noi_dung\") và giá trị ở các cột sau đó (không có)",
        "x.json: /annexes/0/rows/2/noi_dung: sai kiểu dữ liệu: cần chuỗi văn bản hoặc số",
        "x.json: /issuer/full_name: cần tên đầy đủ của cơ quan",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

/// The minimal commune plan with one annex of `rows`, laid out: the document, its output,
/// the inspected pages and the index of the annex's first page.
fn with_annex(
    id: &str,
    title: &str,
    rows: Vec<serde_json::Value>,
) -> (vanban::Document, vanban::Rendered, Inspection, usize) {
    let mut d = minimal();
    d["issuer"]["full_name"] = "Ủy ban nhân dân xã Kim Liên".into();
    d["annexes"] = json!([{"id": id, "title": title, "rows": rows}]);
    let doc = vanban::data::parse(std::path::Path::new("x.json"), &d.to_string()).unwrap();
    let r = render_with(&doc, false);
    let ins = Inspection::new(&r.layout);
    let start = annex_start(&ins, "Phụ lục");
    (doc, r, ins, start)
}

#[test]
fn two_thousand_rows_keep_header_and_numbering() {
    let mut rows = Vec::new();
    for g in 0..10 {
        rows.push(json!({"group": format!("Nhóm nhiệm vụ số {}", g + 1)}));
        for t in 0..200 {
            rows.push(json!({
                "nhiem_vu": format!("Nhiệm vụ {} của nhóm {}, nội dung đủ dài để có khi xuống dòng trong ô", t + 1, g + 1),
                "chu_tri": "Phòng Nội vụ", "phoi_hop": "Các cơ quan, đơn vị", "thoi_gian": "Quý II/2022", "san_pham": "Báo cáo"
            }));
        }
    }
    let (_, r, ins, start) = with_annex("lon", "Hai nghìn nhiệm vụ", rows);
    let pages = ins.pages.len() - start;
    assert!(pages > 50, "{pages} annex pages");
    for p in start..ins.pages.len() {
        assert!(ins.lines(p).iter().any(|l| l.text() == "STT" && l.bold()), "header on annex page {}", p - start + 1);
    }
    let last_number =
        ins.runs.iter().filter(|x| x.page == ins.pages.len() - 1 && x.y < 20.0).map(|x| x.text.clone()).next();
    assert_eq!(last_number, Some(pages.to_string()), "annex page numbers count up to the last page");
    let stt = stt_cells(&ins, start);
    let tasks: Vec<String> = stt.iter().filter(|s| s.starts_with(|c: char| c.is_ascii_digit())).cloned().collect();
    assert_eq!(tasks, (1..=2000).map(|n| n.to_string()).collect::<Vec<_>>(), "every row once, in order");
    let mut wb = workbook(r.workbook.as_deref().unwrap());
    let range = wb.worksheet_range("Phụ lục").unwrap();
    assert_eq!(range.height(), 5 + 2010);
    assert_eq!(cell(&range, 5 + 2009, 0), "2000");
    let _ = PT;
}

/// Text of the runs on annex page `p` lying inside the column from `x0` to `x1` mm, below
/// the header row, in reading order.
fn column_text(ins: &Inspection, p: usize, x0: f64, x1: f64) -> String {
    let mut runs: Vec<_> =
        ins.runs.iter().filter(|r| r.page == p && r.y > 20.0 && r.x >= x0 && r.x + r.width <= x1).collect();
    runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let words: Vec<&str> = runs.iter().flat_map(|r| r.text.split_whitespace()).collect();
    words.join(" ")
}

#[test]
fn annex_rows_never_split_across_pages() {
    // Tall rows (6 lines in the task column) so that many page ends fall inside a row.
    let mut rows = Vec::new();
    for t in 0..60 {
        let long = (0..8).map(|w| format!("việc{t}x{w} cần làm trong năm kế hoạch")).collect::<Vec<_>>().join(" ");
        rows.push(json!({"nhiem_vu": long, "chu_tri": "Phòng Nội vụ", "thoi_gian": "Quý II/2022"}));
    }
    let (doc, _, ins, start) = with_annex("cao", "Nhiệm vụ dài", rows);
    assert!(ins.pages.len() - start >= 5, "several annex pages");
    // The task column lies between the STT column and `Cơ quan chủ trì` (widths 0.55 and
    // 3.2 of 10.45 over the 250 mm landscape text width, from 31 mm).
    let (x0, x1) = (31.0 + 250.0 * 0.55 / 10.45, 31.0 + 250.0 * 3.75 / 10.45);
    let pages: Vec<String> = (start..ins.pages.len()).map(|p| column_text(&ins, p, x0, x1)).collect();
    for (i, row) in doc.annexes[0].rows.iter().enumerate() {
        let vanban::annex::Row::Item { cells, .. } = row else { continue };
        let text = cells[1].split_whitespace().collect::<Vec<_>>().join(" ");
        let on: Vec<usize> = pages.iter().enumerate().filter(|(_, p)| p.contains(&text)).map(|(n, _)| n + 1).collect();
        assert_eq!(on.len(), 1, "row {} whole on exactly one annex page, found on {on:?}", i + 1);
    }
}

#[test]
fn a_group_row_never_ends_a_page() {
    // Groups of 1 to 5 tasks of 1 to 3 lines: over 80 groups, page ends fall in every place
    // of a group, also right after a group row.
    let mut rows = Vec::new();
    for g in 0..80usize {
        rows.push(json!({"group": format!("Nhóm {}", g + 1)}));
        for t in 0..(g * 37 % 5 + 1) {
            let words = ["việc cần làm trong năm"].repeat((g + t) % 3 * 3 + 1).join(" ");
            rows.push(json!({"nhiem_vu": format!("Nhiệm vụ {} của nhóm {}: {words}", t + 1, g + 1), "chu_tri": "Phòng Nội vụ"}));
        }
    }
    let (_, _, ins, start) = with_annex("nhom", "Nhiều nhóm", rows);
    assert!(ins.pages.len() - start >= 5, "several annex pages");
    let mut seen = 0;
    for p in start..ins.pages.len() - 1 {
        // The STT column's cells on this page, top to bottom; group rows carry Roman numerals.
        let cells = stt_cells_on(&ins, p);
        let last = cells.last().expect("rows on every annex page");
        assert!(
            last.starts_with(|c: char| c.is_ascii_digit()),
            "annex page {} ends with group row {last:?}, its tasks are on the next page",
            p - start + 1
        );
        seen += cells.len();
    }
    assert!(seen > 100, "{seen} rows checked");
}

#[test]
fn annex_title_breaks_into_balanced_lines() {
    let r = render_with(&sample_doc(), false);
    let ins = Inspection::new(&r.layout);
    let label = line(&ins, "Phụ lục");
    let reference = ins.line_starting("(Kèm theo").expect("reference line");
    let title: Vec<Line> =
        ins.lines(label.page).into_iter().filter(|l| l.y > label.y + 0.5 && l.y < reference.y - 0.5).collect();
    let texts: Vec<String> = title.iter().map(Line::text).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert_eq!(
        texts.join(" "),
        "CÁC NHIỆM VỤ, SẢN PHẨM THỰC HIỆN KẾ HOẠCH TUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH NHÀ NƯỚC NĂM 2022"
    );
    let (w0, w1) = (title[0].x1 - title[0].x0, title[1].x1 - title[1].x0);
    assert!(w0 >= w1 && w1 >= 0.7 * w0, "balanced: {w0:.1} / {w1:.1} mm: {texts:?}");
    assert!(texts.iter().all(|t| t.split_whitespace().count() >= 2));
}

#[test]
fn annex_title_keeps_the_clerks_breaks_and_mixed_case_words() {
    let task = json!({"nhiem_vu": "Triển khai", "chu_tri": "UBND xã", "thoi_gian": "2025", "san_pham": "Báo cáo"});
    let (_, _, ins, start) =
        with_annex("so", "Danh mục nhiệm vụ chuyển đổi số, ứng dụng IoT\nvà xác thực eKYC, VNeID năm 2025", vec![task]);
    let lines = ins.lines(start);
    let texts: Vec<String> = lines.iter().map(Line::text).collect();
    let i = texts
        .iter()
        .position(|t| t == "DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ, ỨNG DỤNG IoT")
        .unwrap_or_else(|| panic!("{texts:?}"));
    assert_eq!(texts[i + 1], "VÀ XÁC THỰC eKYC, VNeID NĂM 2025", "the clerk's line break");
    assert!(lines[i + 1].bold() && lines[i + 1].size() == 14.0);
    // Single-spaced like the other heading lines.
    assert!((lines[i + 1].y - lines[i].y - 1.15 * 14.0 * PT).abs() < 0.3);
}

/// A scoring table (`"kind": "bang"`): group rows with a subtotal, cells with line breaks
/// and marks.
fn scoring_table() -> serde_json::Value {
    let mut d = minimal();
    d["issuer"]["full_name"] = "Ủy ban nhân dân xã Kim Liên".into();
    d["annexes"] = json!([{
        "id": "diem", "title": "Bảng điểm", "kind": "bang",
        "columns": [
            {"key": "stt", "label": "STT", "width": 0.6},
            {"key": "tieu_chi", "label": "Tiêu chí", "width": 5},
            {"key": "diem", "label": "Điểm tối đa", "width": 1, "align": "right"}
        ],
        "rows": [
            {"group": "Nhóm xã, phường", "diem": 115},
            {"tieu_chi": "Ban hành kế hoạch\n*(đúng hạn: 10 điểm)*", "diem": 10},
            {"tieu_chi": "Tổ chức thực hiện **đầy đủ**", "diem": 105},
            {"group": "Nhóm cơ quan chuyên môn"},
            {"tieu_chi": "Báo cáo định kỳ", "diem": 20}
        ]
    }]);
    d
}

#[test]
fn annex_cells_with_line_breaks_and_marks_and_group_values() {
    let doc = vanban::data::parse(std::path::Path::new("x.json"), &scoring_table().to_string()).unwrap();
    let r = render_with(&doc, false);
    let ins = Inspection::new(&r.layout);
    let start = annex_start(&ins, "Phụ lục");
    // The group row carries its subtotal in the Điểm column, bold, level with its heading.
    let group = line(&ins, "NHÓM XÃ, PHƯỜNG");
    let subtotal = ins.lines(start).into_iter().find(|l| l.text() == "115" && (l.y - group.y).abs() < 0.5);
    let subtotal = subtotal.unwrap_or_else(|| panic!("no 115 on the group row:\n{}", ins.text()));
    assert!(group.bold() && subtotal.bold());
    assert!(subtotal.x0 > group.x1 + 20.0, "the subtotal stands in its own column");
    // A group row without values still spans the row.
    line(&ins, "NHÓM CƠ QUAN CHUYÊN MÔN");
    // A cell with `\n`: two lines, the second italic, no marks printed.
    let first = line(&ins, "Ban hành kế hoạch");
    let second = line(&ins, "(đúng hạn: 10 điểm)");
    assert!((second.y - first.y - 1.15 * 12.0 * PT).abs() < 0.4, "a line break inside the cell");
    assert!((second.x0 - first.x0).abs() < 0.3);
    assert!(second.italic() && !first.italic());
    let bold = ins.runs.iter().find(|x| x.text.contains("đầy đủ")).expect("bold run");
    assert!(bold.bold, "**đậm** in a cell");
    assert!(!ins.text().contains('*'), "no marks printed");
    // The workbook copies the table without tracking columns, the text without marks.
    let mut wb = workbook(r.workbook.as_deref().unwrap());
    let name = wb.sheet_names()[0].clone();
    let s = wb.worksheet_range(&name).unwrap();
    let texts: Vec<String> = s.rows().flatten().map(|c| c.to_string()).collect();
    assert!(!texts.iter().any(|t| t == "Tình trạng" || t.contains("theo dõi tiến độ")), "{texts:?}");
    assert!(texts.contains(&"Ban hành kế hoạch\n(đúng hạn: 10 điểm)".to_string()), "{texts:?}");
    assert!(texts.contains(&"115".to_string()), "group value in the workbook");
    assert_eq!(s.width(), 3, "only the table's own columns");
}

/// The sample plan with three annexes: its task list repeated to `copies` × 27 rows (with
/// its group rows), the task list as it is, and a long table of figures.
fn long_annexes(copies: usize) -> vanban::Document {
    let path = sample("ninh-giang-2022/ke-hoach.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let tasks = v["annexes"][0].clone();
    let mut long = tasks.clone();
    long["id"] = json!("dai");
    long["rows"] =
        json!(std::iter::repeat_n(tasks["rows"].as_array().unwrap().clone(), copies).flatten().collect::<Vec<_>>());
    let figures = json!({
        "id": "so-lieu", "title": "Số liệu của các đơn vị",
        "columns": [{"key": "stt", "label": "STT", "width": 1, "align": "center"},
                    {"key": "don_vi", "label": "Đơn vị", "width": 5},
                    {"key": "a", "label": "Văn bản", "width": 2, "align": "right"},
                    {"key": "b", "label": "Hội nghị", "width": 2, "align": "right"}],
        "rows": (0..300).map(|i| json!({
            "don_vi": if i % 7 == 0 { format!("Ủy ban nhân dân xã số {i} có tên rất dài, xuống dòng trong ô của bảng") } else { format!("Xã số {i}") },
            "a": (i * 37 % 1000).to_string(), "b": (i % 13).to_string()})).collect::<Vec<_>>(),
    });
    v["annexes"] = json!([long, tasks, figures]);
    vanban::data::parse(&path, &v.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn long_annex_laid_out_in_runs_is_the_same_document() {
    use vanban::export::{CreationTime, pdf};
    use vanban::view::LayoutInput;
    let engine = engine();
    let (doc, small) = (long_annexes(12), long_annexes(1));
    // Runs of 70 rows (a few pages each), and of 3 rows (fewer than a page holds: the run
    // grows until it fills more than a page).
    for (input, rows) in [
        (LayoutInput::new(&doc, engine.family()), 70),
        (LayoutInput::standalone_annex(&doc, engine.family(), 0), 70),
        (LayoutInput::standalone_annex(&doc, engine.family(), 2), 70),
        (LayoutInput::new(&small, engine.family()), 3),
    ] {
        let (whole, _) = engine.layout_in_runs(&input, usize::MAX).unwrap();
        let (runs, _) = engine.layout_in_runs(&input, rows).unwrap();
        let (a, b) = (Inspection::new(&whole), Inspection::new(&runs));
        assert!(a.pages.len() >= 8, "{} pages", a.pages.len());
        assert_eq!(a.pages.len(), b.pages.len(), "page count");
        for p in 0..a.pages.len() {
            let text = |ins: &Inspection| {
                ins.runs
                    .iter()
                    .filter(|r| r.page == p)
                    .map(|r| format!("{:.2} {:.2} {}", r.x, r.y, r.text))
                    .collect::<Vec<_>>()
            };
            assert_eq!(text(&a), text(&b), "page {}", p + 1);
        }
        let time = CreationTime::Epoch(0);
        assert!(pdf(&whole, input.today, time).unwrap() == pdf(&runs, input.today, time).unwrap(), "PDF bytes differ");
    }
}

#[test]
fn every_annex_numbers_its_pages_from_one() {
    let r = render_doc(&engine(), &long_annexes(1));
    let starts: Vec<usize> =
        ["Phụ lục I", "Phụ lục II", "Phụ lục III"].iter().map(|l| annex_start(&r.ins, l)).collect();
    let ends = [starts[1], starts[2], r.ins.pages.len()];
    for (k, (&start, &end)) in starts.iter().zip(&ends).enumerate() {
        assert!(end - start >= 3, "annex {} has {} pages", k + 1, end - start);
        for p in start..end {
            let number: Vec<_> =
                r.ins.runs.iter().filter(|x| x.page == p && x.y < 20.0).map(|x| x.text.as_str()).collect();
            let want: Vec<String> = if p == start { vec![] } else { vec![(p - start + 1).to_string()] };
            assert_eq!(number, want, "annex {}, page {} of the file", k + 1, p + 1);
        }
    }
}

#[test]
fn long_annex_with_an_office_template_without_row_marks_is_laid_out_whole() {
    use vanban::view::LayoutInput;
    let dir = tempfile::tempdir().unwrap();
    let common = std::fs::read_to_string(root().join("templates/common.typ")).unwrap();
    let unmarked = common.replace("[#metadata(mark)<vanban-row>]", "[]");
    assert_ne!(unmarked, common, "the mark is set where this test expects it");
    std::fs::write(dir.path().join("common.typ"), unmarked).unwrap();
    let office =
        vanban::Engine::new(&vanban::EngineOptions { templates: Some(dir.path().to_path_buf()), ..Default::default() })
            .unwrap();
    let doc = long_annexes(3);
    let input = LayoutInput::new(&doc, office.family());
    let (runs, _) = office.layout_in_runs(&input, 40).unwrap();
    let (whole, _) = engine().layout_in_runs(&input, usize::MAX).unwrap();
    assert_eq!(Inspection::new(&runs).text(), Inspection::new(&whole).text());
}

#[test]
fn a_word_wider_than_its_column_breaks_inside_the_column() {
    let url = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.003094";
    let mut v = minimal();
    v["issuer"]["full_name"] = json!("Ủy ban nhân dân xã Kim Liên");
    v["annexes"] = json!([{"id": "nv", "title": "Nhiệm vụ", "rows": [
        {"nhiem_vu": format!("Công khai thủ tục tại {url}"), "chu_tri": "Văn phòng", "thoi_gian": "Quý I",
         "san_pham": "4707/QĐ-UBND-VPUBNDTINHNGHEAN-2025"}]}]);
    let r = render_json(&engine(), &v.to_string());
    let start = annex_start(&r.ins, "Phụ lục");
    let clean = |t: &str| t.replace('\u{200B}', "");
    let pieces: Vec<_> = r
        .ins
        .runs
        .iter()
        .filter(|x| x.page == start && ["https", "html", "thu_tuc"].iter().any(|w| clean(&x.text).contains(w)))
        .collect();
    // The column of the task (the second): from its left rule to the next.
    let left = pieces.iter().map(|x| x.x).fold(f64::MAX, f64::min);
    let text: String =
        r.ins.runs.iter().filter(|x| x.page == start && (x.x - left).abs() < 0.5).map(|x| x.text.as_str()).collect();
    let text: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{200B}').collect();
    assert!(text.contains(url), "{text:?}");
    for x in &pieces {
        assert!(
            x.x + x.width < left + 75.0,
            "{:?} runs over its column: {:.1} to {:.1} mm",
            x.text,
            x.x,
            x.x + x.width
        );
    }
    assert!(pieces.len() >= 2, "the address is broken over lines: {pieces:?}");
}

#[test]
fn group_rows_in_a_row_at_the_top_of_an_annex_and_long_numerals_in_portrait() {
    // Two group rows first (typst 0.15 failed on two table headers in a row), and 36 groups
    // in a portrait annex (`XXXVI` is wider than the STT column).
    let mut v = minimal();
    v["issuer"]["full_name"] = json!("Ủy ban nhân dân xã Kim Liên");
    let mut rows = vec![json!({"group": "Nhiệm vụ chung"})];
    for g in 0..36 {
        rows.push(json!({"group": format!("Nhóm {}", g + 1)}));
        rows.push(json!({"nhiem_vu": format!("Việc thứ {}", g + 1), "chu_tri": "Văn phòng", "thoi_gian": "Quý I"}));
    }
    v["annexes"] = json!([{"id": "nv", "title": "Nhiệm vụ", "orientation": "portrait", "rows": rows}]);
    let r = render_json(&engine(), &v.to_string());
    let start = annex_start(&r.ins, "Phụ lục");
    let text = r.ins.text();
    for want in ["I NHIỆM VỤ CHUNG", "II NHÓM 1", "1 Việc thứ 1", "\nXXXVII\nNHÓM 36\n", "Việc thứ 36"] {
        assert!(text.contains(want), "{want:?} missing in:\n{text}");
    }
    let xxxvii = r.ins.runs.iter().find(|x| x.text == "XXXVII").expect("numeral");
    let stt_rule =
        r.ins.vrules.iter().filter(|v| v.page == xxxvii.page && v.x > 32.0).map(|v| v.x).fold(f64::MAX, f64::min);
    assert!(
        xxxvii.x >= 31.0 && xxxvii.x + xxxvii.width <= stt_rule,
        "XXXVII from {:.1} to {:.1} mm, rule at {stt_rule:.1}",
        xxxvii.x,
        xxxvii.x + xxxvii.width
    );
    assert!(r.ins.pages.len() > start);
}

#[test]
fn a_long_run_of_group_rows_keeps_the_header_on_every_page() {
    use vanban::view::LayoutInput;
    let mut v = minimal();
    v["issuer"]["full_name"] = json!("Ủy ban nhân dân xã Kim Liên");
    let mut rows: Vec<_> = (0..150).map(|g| json!({"group": format!("Nhóm {}", g + 1)})).collect();
    rows.push(json!({"nhiem_vu": "Việc cuối", "chu_tri": "Văn phòng", "thoi_gian": "Quý I"}));
    v["annexes"] = json!([{"id": "nv", "title": "Nhiệm vụ", "rows": rows}]);
    let engine = engine();
    let doc = vanban::data::parse(std::path::Path::new("test.json"), &v.to_string()).unwrap();
    let input = LayoutInput::new(&doc, engine.family());
    let (whole, _) = engine.layout_in_runs(&input, usize::MAX).unwrap();
    let (runs, _) = engine.layout_in_runs(&input, 40).unwrap();
    let (a, b) = (Inspection::new(&whole), Inspection::new(&runs));
    assert_eq!(a.text(), b.text());
    let start = annex_start(&a, "Phụ lục");
    assert!(a.pages.len() - start >= 4, "{} annex pages", a.pages.len() - start);
    for p in start..a.pages.len() {
        assert!(a.runs.iter().any(|x| x.page == p && x.text == "STT" && x.bold), "page {}: no header row", p + 1);
    }
    assert!(a.text().contains("NHÓM 150") && a.text().contains("Việc cuối"), "{}", a.text());
}
