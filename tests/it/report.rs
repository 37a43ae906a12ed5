//! periodic reports written from the unit reports through minijinja content
//! templates; one source of truth for the PDF, its annex and the workbook.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use crate::common::*;
use calamine::{Data, Reader, Xlsx};
use serde_json::json;
use vanban::inspect::Inspection;
use vanban::summary::{self, Summary};

/// The summary of a folder, as `vanban report` builds it.
fn summarise(dir: &Path) -> Summary {
    let config = summary::load_config(&summary::find_config(dir).unwrap()).unwrap();
    let reports = summary::report_files(dir).unwrap().iter().map(|f| summary::load_report(f).unwrap()).collect();
    summary::summarise(config, reports, &[], None).unwrap()
}

/// Lay out the report of a folder with the embedded templates.
fn report_layout(dir: &Path, template: &str, so: Option<u32>, previous: Option<&Summary>) -> Inspection {
    let s = summarise(dir);
    let content = vanban::content::Content::new(None).unwrap();
    let frame: PathBuf = dir.parent().unwrap().join("bao-cao.json");
    let req = vanban::report::ReportRequest { frame: &frame, template: Some(template), so, date: None, previous };
    let doc = vanban::report::build(&s, &content, &req).unwrap_or_else(|e| panic!("{e}"));
    let r = vanban::render(&engine(), &doc, vanban::RenderOptions { tracking_workbook: false, ..Default::default() })
        .unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    Inspection::new(&r.layout)
}

/// The whole table row (all cells on the baseline) of the line starting with `first`.
fn row_text(ins: &Inspection, first: &str) -> String {
    let l = ins.line_starting(first).unwrap_or_else(|| panic!("no row {first:?}"));
    ins.lines(l.page).iter().filter(|x| (x.y - l.y).abs() < 0.5).map(|x| x.text()).collect::<Vec<_>>().join(" | ")
}

fn joined(ins: &Inspection) -> String {
    ins.text().replace(['\n', '\u{a0}'], " ")
}

#[test]
fn quarterly_report_is_a_full_nd30_document() {
    let dir = sample_copy();
    let out = vanban(
        &["report", "bao-cao/quy-1/", "--template", "bao-cao-tuyen-truyen-cchc", "-o", "out/", "--so", "45"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("out/bao-cao-quy-1-2022.pdf").is_file());
    assert!(dir.path().join("out/tong-hop-quy-1-2022.xlsx").is_file(), "the summary workbook beside it");

    let ins = report_layout(&dir.path().join("bao-cao/quy-1"), "bao-cao-tuyen-truyen-cchc", Some(45), None);
    let title = ins.line("BÁO CÁO").unwrap();
    assert!(title.bold() && title.size() == 14.0);
    ins.line("Số: 45/BC-UBND").unwrap();
    ins.line("Kết quả công tác tuyên truyền cải cách hành chính quý I năm 2022").unwrap();
    // Kính gửi (ô 9a): 14 pt upright, one recipient on the same line, between title and body.
    let kg = ins.line("Kính gửi: Sở Nội vụ tỉnh Hải Dương").unwrap();
    assert!(kg.size() == 14.0 && !kg.bold() && !kg.italic());
    assert!(kg.y > title.y && kg.y < ins.line_starting("Thực hiện Kế hoạch số 18/KH-UBND").unwrap().y);
    // Draft date: the month after the quarter, day blank for the văn thư.
    assert!(ins.line_starting("Ninh Giang, ngày").unwrap().text().ends_with("tháng 4 năm 2022"));
    let text = joined(&ins);
    for s in [
        "về tuyên truyền thực hiện cải cách hành chính nhà nước năm 2022 trên địa bàn huyện Ninh Giang;",
        "toàn huyện đã tổ chức 33 hội nghị, tập huấn với 2.788 lượt người tham dự; đăng tải 158 tin, bài",
        "Niêm yết công khai 3.279/3.443 thủ tục hành chính phải niêm yết, đạt tỷ lệ 95,24%.",
        "Có 38/39 cơ quan, đơn vị gửi báo cáo (cơ quan, đơn vị cấp huyện: 11/11; UBND các xã, thị trấn: 27/28); chưa có báo cáo hoặc báo cáo chưa hợp lệ: UBND xã Hồng Phong.",
        "Số liệu chi tiết của từng cơ quan, đơn vị tại Phụ lục kèm theo;",
        "- Tuyên truyền qua hội nghị, tập huấn, tài liệu và sinh hoạt cơ quan: nhiệm vụ số 7, 8 và 10 đang thực hiện; nhiệm vụ số 9 chưa thực hiện;",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ QUÝ II NĂM 2022",
    ] {
        assert!(text.contains(s), "missing {s:?}");
    }
    // The table of figures by group, inside the body.
    let row = row_text(&ins, "Tổng cộng");
    assert_eq!(row, "Tổng cộng | 33 | 2.788 | 158 | 366 | 95,24%");
    let total = ins.line_starting("Tổng cộng").unwrap();
    let around =
        ins.rules.iter().filter(|r| r.page == total.page && (r.y - total.y).abs() < 8.0 && r.length > 150.0).count();
    assert_eq!(around, 2, "the total row is boxed by the table's rules");
    // Nơi nhận begins with "Như trên".
    let nn = ins.line("Nơi nhận:").unwrap();
    let first = ins.lines(nn.page).into_iter().find(|l| l.y > nn.y + 1.0 && l.x0 < 40.0).unwrap();
    assert_eq!(first.text(), "- Như trên;");
    // The figures annex: the workbook's rows, numbers in Vietnamese form.
    let annex = ins.line("Phụ lục").unwrap();
    assert_eq!(ins.pages[annex.page], (297.0, 210.0));
    assert!(text.contains("(Kèm theo Báo cáo số 45/BC-UBND ngày"), "{text}");
    let late =
        ins.all_lines().into_iter().find(|l| l.page >= annex.page && l.text().ends_with("UBND xã Hồng Phong")).unwrap();
    // The note may wrap in its narrow column (vertically centred): take the row's band.
    let cells: Vec<String> =
        ins.lines(late.page).iter().filter(|x| (x.y - late.y).abs() < 4.0 && x.x0 > 60.0).map(|x| x.text()).collect();
    assert_eq!(cells.join(" "), "Thiếu báo cáo", "no figures for a unit that did not report");
}

fn total_line(ins: &Inspection) -> String {
    joined(ins)
}

#[test]
fn one_figure_changes_pdf_text_annex_and_workbook_together() {
    let dir = sample_copy();
    let q1 = dir.path().join("bao-cao/quy-1");
    let before = report_layout(&q1, "bao-cao-tuyen-truyen-cchc", None, None);
    assert!(total_line(&before).contains("đã tổ chức 33 hội nghị"));
    // Phòng Nội vụ reports 7 more conferences.
    let file = q1.join("phong-noi-vu.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let old = v["figures"]["hoi_nghi"].as_u64().unwrap();
    v["figures"]["hoi_nghi"] = (old + 7).into();
    std::fs::write(&file, v.to_string()).unwrap();

    let after = report_layout(&q1, "bao-cao-tuyen-truyen-cchc", None, None);
    let text = total_line(&after);
    assert!(text.contains("đã tổ chức 40 hội nghị"), "body text");
    assert!(row_text(&after, "Tổng cộng").starts_with("Tổng cộng | 40 | "), "body table");
    // Annex row of the unit, and its group subtotal.
    let annex = after.line("Phụ lục").unwrap();
    let unit =
        after.all_lines().into_iter().find(|l| l.text().ends_with("Phòng Nội vụ") && l.page >= annex.page).unwrap();
    let cells: Vec<String> =
        after.lines(unit.page).iter().filter(|x| (x.y - unit.y).abs() < 0.5).map(|x| x.text()).collect();
    assert_eq!(cells[0], "2 Phòng Nội vụ", "STT of the unit in its group, then its name");
    assert_eq!(cells[2], (old + 7).to_string(), "annex row: {cells:?}");
    // The workbook written by the same command.
    let out = vanban(&["report", "bao-cao/quy-1/", "-o", "out/"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bytes = std::fs::read(dir.path().join("out/tong-hop-quy-1-2022.xlsx")).unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let s = wb.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(s.get_value((51, 3)), Some(&Data::Float(40.0)), "workbook total of hội nghị");
}

#[test]
fn comparison_with_the_previous_period() {
    let dir = sample_copy();
    let q1 = summarise(&dir.path().join("bao-cao/quy-1"));
    let ins = report_layout(&dir.path().join("bao-cao/quy-2"), "bao-cao-tuyen-truyen-cchc", None, Some(&q1));
    let text = joined(&ins);
    assert!(text.contains("ban hành 82 văn bản chỉ đạo, hướng dẫn, triển khai công tác tuyên truyền cải cách hành chính (tăng 13 so với quý I năm 2022)"), "{text}");
    assert!(text.contains("157 cuộc họp thường kỳ của các cơ quan, đơn vị (tăng 23 so với quý I năm 2022)"));
    // Through the CLI.
    let out = vanban(&["report", "bao-cao/quy-2/", "--previous", "bao-cao/quy-1/", "-o", "out/", "-q"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("out/bao-cao-quy-2-2022.pdf").is_file());
}

#[test]
fn six_month_template_is_a_template_not_code() {
    let dir = sample_copy();
    let ins = report_layout(&dir.path().join("bao-cao/6-thang"), "bao-cao-6-thang-tuyen-truyen-cchc", None, None);
    let text = joined(&ins);
    for s in [
        "Kết quả công tác tuyên truyền cải cách hành chính 6 tháng đầu năm 2022",
        "II. KẾT QUẢ THỰC HIỆN 6 THÁNG ĐẦU NĂM 2022",
        "- Số hội nghị, tập huấn: 81 cuộc.",
        "- Lượt người tham dự: 6.740 lượt người.",
        "- Tỷ lệ thủ tục hành chính được niêm yết công khai: 98,09%.",
        "a) Cơ quan, đơn vị cấp huyện: 11/11 đơn vị báo cáo",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2022",
    ] {
        assert!(text.contains(s), "missing {s:?} in {text}");
    }
    assert!(ins.line_starting("Ninh Giang, ngày").unwrap().text().ends_with("tháng 7 năm 2022"));
}

#[test]
fn template_errors_name_template_line_and_expression() {
    let dir = sample_copy();
    let d = dir.path();
    std::fs::create_dir(d.join("mau")).unwrap();
    std::fs::write(
        d.join("mau/bao-cao-tuyen-truyen-cchc.j2"),
        "I. KẾT QUẢ\nĐã tổ chức {{ tong.hoi_nghii }} hội nghị.\n",
    )
    .unwrap();
    let out = vanban(&["report", "bao-cao/quy-1/", "-o", "out/", "--templates", "mau", "-q"], d);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "lỗi: mẫu bao-cao-tuyen-truyen-cchc.j2, dòng 2: biến không có trong dữ liệu (biểu thức: `tong.hoi_nghii`)\n"
    );
    assert!(!d.join("out/bao-cao-quy-1-2022.pdf").exists());
    // The same typo given to a filter names the variable too.
    std::fs::write(
        d.join("mau/bao-cao-tuyen-truyen-cchc.j2"),
        "I. KẾT QUẢ\nĐã tổ chức {{ tong.hoi_nghii | so }} hội nghị.\n",
    )
    .unwrap();
    let out = vanban(&["report", "bao-cao/quy-1/", "-o", "out/", "--templates", "mau", "-q"], d);
    assert_eq!(
        stderr(&out),
        "lỗi: mẫu bao-cao-tuyen-truyen-cchc.j2, dòng 2: biến không có trong dữ liệu (biểu thức: `tong.hoi_nghii | so`)\n"
    );
    // An endless template is stopped.
    std::fs::write(
        d.join("mau/vo-tan.j2"),
        "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}",
    )
    .unwrap();
    let out =
        vanban(&["report", "bao-cao/quy-1/", "-o", "out/", "--templates", "mau", "--template", "vo-tan", "-q"], d);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("lỗi: mẫu vo-tan.j2, dòng 1: mẫu chạy quá lâu"), "{}", stderr(&out));
    // A template cannot read files: only templates are loaded.
    std::fs::write(d.join("mau/doc-tep.j2"), "{% include '../bao-cao/tong-hop.json' %}").unwrap();
    let out =
        vanban(&["report", "bao-cao/quy-1/", "-o", "out/", "--templates", "mau", "--template", "doc-tep", "-q"], d);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("không có mẫu"), "{}", stderr(&out));
    // An unknown template name.
    let out = vanban(&["report", "bao-cao/quy-1/", "-o", "out/", "--template", "khong-co", "-q"], d);
    assert_eq!(stderr(&out), "lỗi: không có mẫu nội dung \"khong-co\" (khong-co.j2)\n");
}

#[test]
fn data_printed_by_templates_stays_data() {
    let dir = sample_copy();
    let d = dir.path();
    // A unit whose name contains the body's marks and typst markup, reporting late.
    let config_path = d.join("bao-cao/tong-hop.json");
    let config =
        std::fs::read_to_string(&config_path).unwrap().replace("UBND xã Hồng Phong", "UBND xã *Hồng* | Phong #[x] $y$");
    std::fs::write(&config_path, config).unwrap();
    let ins = report_layout(&d.join("bao-cao/quy-1"), "bao-cao-tuyen-truyen-cchc", None, None);
    let text = joined(&ins);
    assert!(text.contains("chưa có báo cáo hoặc báo cáo chưa hợp lệ: UBND xã *Hồng* | Phong #[x] $y$."), "{text}");
    let line = ins.all_lines().into_iter().find(|l| l.text().contains("*Hồng*")).unwrap();
    assert!(line.runs.iter().all(|r| !r.italic));
}

#[test]
fn the_frame_is_checked_like_a_document() {
    let dir = sample_copy();
    let d = dir.path();
    let frame = d.join("bao-cao/bao-cao.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&frame).unwrap()).unwrap();
    v["figures_annex"] = "no".into();
    v["body"] = "Nội dung lạc vào khung.".into();
    v["so"] = 5.into();
    v["template"]["quy_1"] = "x".into();
    std::fs::write(&frame, v.to_string()).unwrap();
    let out = vanban(&["report", "bao-cao/quy-1/", "-o", "out/", "-q"], d);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let f = "lỗi: bao-cao/bao-cao.json: ";
    for want in [
        "/figures_annex: sai kiểu dữ liệu: cần true hoặc false, nhận được chuỗi \"no\"",
        "/body: trường \"body\" không có trong định dạng",
        "/so: trường \"so\" không có trong định dạng",
        "/template/quy_1: kỳ \"quy_1\" không có (cần một trong: quy, 6_thang, 9_thang, nam, mac_dinh)",
    ] {
        assert!(err.contains(&format!("{f}{want}")), "{want}\nin\n{err}");
    }
    assert_eq!(err.lines().count(), 4, "{err}");
    assert!(!d.join("out/bao-cao-quy-1-2022.pdf").exists());
    v.as_object_mut().unwrap().retain(|k, _| !["body", "so", "template"].contains(&k.as_str()));
    v["figures_annex"] = 0.into();
    std::fs::write(&frame, v.to_string()).unwrap();
    let out = vanban(&["report", "bao-cao/quy-1/", "-o", "out/", "-q"], d);
    assert_eq!(
        stderr(&out),
        "lỗi: bao-cao/bao-cao.json: /figures_annex: sai kiểu dữ liệu: cần true hoặc false, nhận được số 0\n"
    );
}

#[test]
fn figures_annex_headers_wrap_evenly() {
    let dir = sample_copy();
    let ins = report_layout(&dir.path().join("bao-cao/quy-1"), "bao-cao-tuyen-truyen-cchc", Some(45), None);
    let annex = ins.line("Phụ lục").unwrap();
    let reference =
        ins.all_lines().into_iter().find(|l| l.page == annex.page && l.text().starts_with("(Kèm theo")).unwrap();
    let first_row = ins.all_lines().into_iter().find(|l| l.page == annex.page && l.text() == "I").unwrap();
    let header: Vec<_> =
        ins.lines(annex.page).into_iter().filter(|l| l.y > reference.y + 3.0 && l.y < first_row.y - 3.0).collect();
    // The longest header, "Văn bản chỉ đạo, hướng dẫn đã ban hành (văn bản)": its lines are
    // the header lines centred on its column.
    let first = header.iter().find(|l| l.text().starts_with("Văn")).expect("first indicator header");
    let lines = header.iter().filter(|l| (l.centre() - first.centre()).abs() < 3.0).count();
    // The widths before wrapped it one word per line on 10 lines.
    assert!(lines <= 7, "longest header on {lines} lines");
    let words = header.iter().filter(|l| (l.centre() - first.centre()).abs() < 3.0 && l.text().contains(' ')).count();
    assert!(words * 2 >= lines, "{words} of its {lines} lines have more than one word");
}

#[test]
fn a_report_template_ending_in_a_long_table_prints_every_row() {
    let dir = sample_copy();
    let d = dir.path();
    std::fs::create_dir(d.join("mau")).unwrap();
    std::fs::write(
        d.join("mau/bang-dai.j2"),
        "I. KẾT QUẢ\n| Nội dung | Số |\n|---|---|\n{% for i in range(200) %}| Dòng số {{ i + 1 }} | {{ i + 1 }} |\n{% endfor %}",
    )
    .unwrap();
    let folder = d.join("bao-cao/quy-1");
    let s = summarise(&folder);
    let content = vanban::content::Content::new(Some(&d.join("mau"))).unwrap();
    let frame: PathBuf = d.join("bao-cao/bao-cao.json");
    let req = vanban::report::ReportRequest {
        frame: &frame,
        template: Some("bang-dai"),
        so: None,
        date: None,
        previous: None,
    };
    let doc = vanban::report::build(&s, &content, &req).unwrap_or_else(|e| panic!("{e}"));
    let r = vanban::render(&engine(), &doc, vanban::RenderOptions { tracking_workbook: false, ..Default::default() })
        .unwrap_or_else(|e| panic!("{e}"));
    let ins = Inspection::new(&r.layout);
    let text = ins.text();
    for i in 1..=200 {
        assert!(text.contains(&format!("Dòng số {i}\n{i}\n")), "row {i} missing");
    }
    assert!(ins.line("Nơi nhận:").is_some());
}

#[test]
fn quarterly_tasks_section_is_short_grouped_and_without_zero_counts() {
    let dir = sample_copy();
    let ins = report_layout(&dir.path().join("bao-cao/quy-1"), "bao-cao-tuyen-truyen-cchc", Some(45), None);
    let text = joined(&ins);
    assert!(!text.contains(" 0 đơn vị"), "no zero counts");
    let start = ins.line_starting("3. Thực hiện các nhiệm vụ").unwrap();
    let end = ins.line_starting("4. Tình hình báo cáo").unwrap();
    let section: Vec<_> = ins
        .all_lines()
        .into_iter()
        .filter(|l| (l.page, l.y) > (start.page, start.y) && (l.page, l.y) < (end.page, end.y) && l.y > 20.0)
        .collect();
    // 18 unfinished tasks in five groups of the annex: one summary sentence and one line
    // per group, not one paragraph per task (49 lines before).
    assert!(
        section.len() <= 14,
        "{} lines:\n{}",
        section.len(),
        section.iter().map(|l| l.text()).collect::<Vec<_>>().join("\n")
    );
    for s in [
        "Kế hoạch có 25 nhiệm vụ; 1 nhiệm vụ đã hoàn thành ở tất cả các đơn vị có báo cáo; 18 nhiệm vụ còn đơn vị đang thực hiện hoặc chưa thực hiện; 6 nhiệm vụ chưa có đơn vị báo cáo.",
        "- Tuyên truyền thông qua hoạt động của Mặt trận và các đoàn thể: nhiệm vụ số 15 đang thực hiện; nhiệm vụ số 17 chưa thực hiện;",
        "- Đôn đốc các cơ quan, đơn vị hoàn thành 18 nhiệm vụ còn lại tại Phụ lục của Kế hoạch.",
    ] {
        assert!(text.contains(s), "missing {s:?} in {text}");
    }
    // The sample frame signs as a deputy for the People's Committee.
    let tm = ins.line("TM. ỦY BAN NHÂN DÂN").unwrap();
    let kt = ins.line("KT. CHỦ TỊCH").unwrap();
    let pct = ins.line("PHÓ CHỦ TỊCH").unwrap();
    assert!(tm.y < kt.y && kt.y < pct.y);
}

#[test]
fn commune_report_of_2025_never_says_huyen() {
    let dir = sample("kim-lien-2025/bao-cao/quy-4");
    let ins = report_layout(&dir, "bao-cao-tuyen-truyen-cchc", None, None);
    let text = joined(&ins);
    assert!(!text.to_lowercase().contains("huyện"), "{text}");
    assert!(!text.contains("thị trấn"), "{text}");
    for s in [
        "Trong quý IV năm 2025, toàn xã đã tổ chức 6 hội nghị, tập huấn với 410 lượt người tham dự",
        "Có 7/8 cơ quan, đơn vị gửi báo cáo (phòng, đơn vị thuộc UBND xã: 4/4; các xóm: 3/4); chưa có báo cáo hoặc báo cáo chưa hợp lệ: Xóm Sen 2.",
        "3. Tình hình báo cáo của các cơ quan, đơn vị",
        "năm 2025 của Ủy ban nhân dân xã Kim Liên./.",
    ] {
        assert!(text.contains(s), "missing {s:?} in {text}");
    }
    let tm = ins.line("TM. ỦY BAN NHÂN DÂN").unwrap();
    let kt = ins.line("KT. CHỦ TỊCH").unwrap();
    assert!(tm.y < kt.y);
    ins.line("+ xóm Sen 1;").unwrap();
    // The six-month template too.
    let ins = report_layout(&dir, "bao-cao-6-thang-tuyen-truyen-cchc", None, None);
    assert!(!joined(&ins).to_lowercase().contains("huyện"), "{}", joined(&ins));
}

const PT: f64 = 25.4 / 72.0;

fn write(path: &Path, v: &serde_json::Value) {
    std::fs::write(path, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// A period of `n` units in two groups, every seventh name long enough to wrap and every
/// eleventh unit without a report (a `Ghi chú`), with `bao-cao.json` beside it. Returns the
/// folder of the period.
fn many_units(root: &Path, n: usize) -> PathBuf {
    let units: Vec<String> = (0..n)
        .map(|i| {
            if i % 7 == 3 {
                format!("Ủy ban nhân dân xã miền núi Số {i:04} thuộc huyện Quế Phong")
            } else {
                format!("UBND xã Số {i:04}")
            }
        })
        .collect();
    let keys = [
        "van_ban",
        "hoi_nghi",
        "luot_nguoi",
        "tin_bai",
        "phat_thanh",
        "cuoc_hop",
        "to_roi",
        "tthc_cong_khai",
        "tthc_tong",
        "khac",
    ];
    let labels = [
        "Văn bản chỉ đạo",
        "Hội nghị",
        "Lượt người",
        "Tin, bài",
        "Phát thanh",
        "Cuộc họp",
        "Tờ rơi",
        "TTHC công khai",
        "Tổng TTHC",
        "Khác",
    ];
    let mut indicators: Vec<serde_json::Value> =
        keys.iter().zip(labels).map(|(k, l)| json!({"key": k, "label": l})).collect();
    indicators.insert(9, json!({"key": "ty_le", "label": "Tỷ lệ", "ratio": ["tthc_cong_khai", "tthc_tong"]}));
    write(
        &root.join("tong-hop.json"),
        &json!({
            "issuer": {"parent": "UBND TỈNH NGHỆ AN", "name": "SỞ NỘI VỤ"},
            "place": "Nghệ An", "form_id": "Biểu số 01", "title": "Biểu tổng hợp",
            "indicators": indicators,
            "groups": [{"name": "Phường", "units": units[..n / 2]}, {"name": "Xã", "units": units[n / 2..]}]
        }),
    );
    write(
        &root.join("bao-cao.json"),
        &json!({
            "type": "bao_cao",
            "issuer": {"parent": "UBND TỈNH NGHỆ AN", "name": "SỞ NỘI VỤ", "abbreviation": "SNV",
                       "full_name": "Sở Nội vụ tỉnh Nghệ An"},
            "place": "Nghệ An",
            "trich_yeu": "Kết quả công tác tuyên truyền {{ ky.ten }}",
            "kinh_gui": ["Ủy ban nhân dân tỉnh"],
            "noi_nhan": ["Lãnh đạo Sở"],
            "signer": {"title": "GIÁM ĐỐC", "name": "Nguyễn Văn A"}
        }),
    );
    let period = root.join("quy-1");
    std::fs::create_dir(&period).unwrap();
    for (i, u) in units.iter().enumerate().filter(|(i, _)| i % 11 != 5) {
        let mut figures: serde_json::Map<String, serde_json::Value> =
            keys.iter().enumerate().map(|(j, k)| (k.to_string(), json!((i * 7 + j) % 50))).collect();
        figures.insert("tthc_tong".into(), json!(120));
        figures.insert("tthc_cong_khai".into(), json!(100 + i % 20));
        write(
            &period.join(format!("{i:04}.json")),
            &json!({"unit": u, "period": {"kind": "quy", "number": 1, "year": 2026}, "figures": figures, "tasks": {}}),
        );
    }
    period
}

#[test]
fn figures_annex_of_many_units_repeats_its_header_keeps_its_rules_and_never_splits_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let n = 160;
    let ins = report_layout(&many_units(dir.path(), n), "bao-cao-tuyen-truyen-cchc", None, None);
    let start = ins.line("PHỤ LỤC").or_else(|| ins.line("Phụ lục")).expect("annex heading").page;
    let pages: Vec<usize> = (start..ins.pages.len()).collect();
    assert!(pages.len() >= 5, "{} annex pages", pages.len());
    // The table spans the landscape text block (x from 31 to 281 mm).
    let (left, right) = (31.0, 297.0 - 16.0);
    let key = |x: f64| (x * 10.0).round() as i64;
    let mut columns: Option<Vec<i64>> = None;
    let mut stt_seen: Vec<String> = Vec::new();
    for &p in &pages {
        // Row boundaries: the horizontal rules across the whole table.
        let mut ys: Vec<f64> = ins
            .rules
            .iter()
            .filter(|r| r.page == p && r.x <= left + 0.5 && r.x + r.length >= right - 0.5)
            .map(|r| r.y)
            .collect();
        ys.sort_by(f64::total_cmp);
        ys.dedup_by(|a, b| (*a - *b).abs() < 0.2);
        assert!(ys.len() >= 3, "page {p}: table rules {ys:?}");
        let (top, bottom) = (ys[0], *ys.last().unwrap());
        // Header first on every page: STT, Đơn vị … Ghi chú, bold, in the first band.
        let mut header: Vec<_> =
            ins.runs.iter().filter(|r| r.page == p && r.y > top && r.y < ys[1] && r.bold).collect();
        header.sort_by(|a, b| a.x.total_cmp(&b.x));
        let header: String = header.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join(" ");
        for want in ["STT", "Đơn vị", "Ghi", "chú"] {
            assert!(header.contains(want), "page {p}: header {header:?} lacks {want}");
        }
        // Column rules: the same x positions on every page (14 columns: 15 rules with the
        // borders), each one unbroken from the header's top to the table's last rule.
        let mut xs: Vec<i64> = ins.vrules.iter().filter(|v| v.page == p).map(|v| key(v.x)).collect();
        xs.sort_unstable();
        xs.dedup();
        assert_eq!(xs.len(), 15, "page {p}: column rules at {xs:?}");
        assert_eq!(*columns.get_or_insert_with(|| xs.clone()), xs, "page {p}: same columns as the first annex page");
        for &x in &xs {
            let mut segs: Vec<(f64, f64)> =
                ins.vrules.iter().filter(|v| v.page == p && key(v.x) == x).map(|v| (v.y0, v.y1)).collect();
            segs.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut reach = segs[0].0;
            assert!((reach - top).abs() < 0.3, "page {p}: rule at {x} starts at {reach}, table at {top}");
            for (y0, y1) in segs {
                assert!(y0 <= reach + 0.3, "page {p}: rule at {x} broken between {reach} and {y0}");
                reach = reach.max(y1);
            }
            assert!((reach - bottom).abs() < 0.3, "page {p}: rule at {x} ends at {reach}, table at {bottom}");
        }
        // Rows never split: every band between two rules below the header holds exactly
        // one STT (a row continued from the page before would be a band without one).
        let stt_right = xs[1] as f64 / 10.0;
        for w in ys[1..].windows(2) {
            let band: Vec<_> = ins.runs.iter().filter(|r| r.page == p && r.y > w[0] && r.y < w[1]).collect();
            let stt: Vec<_> = band.iter().filter(|r| r.x + r.width < stt_right).map(|r| r.text.clone()).collect();
            let total = band.iter().any(|r| r.text == "TỔNG CỘNG");
            assert!(stt.len() == 1 || (total && stt.is_empty()), "page {p}: band {w:?} has STT {stt:?}");
            stt_seen.extend(stt);
            // Figures right-aligned in their own column, 3 pt inside its rule.
            for r in band.iter().filter(|r| r.x >= xs[2] as f64 / 10.0 && r.text.chars().all(|c| c.is_ascii_digit())) {
                let end = r.x + r.width;
                let edge = xs.iter().map(|&x| x as f64 / 10.0).find(|&x| x > end - 0.05).unwrap();
                assert!(
                    (edge - 3.0 * PT - end).abs() < 0.2,
                    "page {p}: {:?} ends at {end:.2}, its column at {edge:.2}",
                    r.text
                );
            }
        }
    }
    let mut want: Vec<String> = vec!["I".into()];
    want.extend((1..=n / 2).map(|i| i.to_string()));
    want.push("II".into());
    want.extend((1..=n - n / 2).map(|i| i.to_string()));
    assert_eq!(stt_seen, want, "every row once, in order");
    // A wrapped name stays in its row: its last line on the page of its first.
    let first = ins.runs.iter().find(|r| r.text.contains("miền")).unwrap();
    assert!(
        ins.runs
            .iter()
            .any(|r| r.page == first.page && r.text.contains("Phong") && r.y > first.y && r.y < first.y + 20.0)
    );
}

#[test]
fn indicator_labels_of_one_long_word_break_in_the_header_and_figures_stay_whole() {
    let dir = tempfile::tempdir().unwrap();
    let period = many_units(dir.path(), 40);
    let config = dir.path().join("tong-hop.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    let long = [
        "Sốlượngvănbảnchỉđạođiềuhànhvềcảicáchhànhchínhđượcbanhànhtrongkỳ",
        "Hộinghịtậphuấntuyêntruyềnphổbiếnphápluậtchocánbộcôngchức",
    ];
    v["indicators"][0]["label"] = json!(long[0]);
    v["indicators"][3]["label"] = json!(long[1]);
    write(&config, &v);
    let ins = report_layout(&period, "bao-cao-tuyen-truyen-cchc", None, None);
    // Each label whole in the header, over several lines of its column.
    let start = ins.line("Phụ lục").expect("annex heading").page;
    let header: String = ins.runs.iter().filter(|r| r.page == start && r.bold).map(|r| r.text.as_str()).collect();
    let header: String = header.chars().filter(|c| !c.is_whitespace() && *c != '\u{200B}').collect();
    for label in long {
        assert!(header.contains(label), "{label} not whole in the header {header:?}");
    }
    // Every figure of a unit's row on the row's one line, none broken.
    let name = ins.line_starting("1 UBND xã Số 0000").unwrap_or_else(|| panic!("{}", ins.text()));
    let mut cells: Vec<_> = ins.runs.iter().filter(|r| r.page == name.page && (r.y - name.y).abs() < 1.0).collect();
    cells.sort_by(|a, b| a.x.total_cmp(&b.x));
    let row: String = cells.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join(" ");
    let figures: Vec<&str> = row.split("0000").nth(1).unwrap().split_whitespace().collect();
    assert_eq!(figures, ["0", "1", "2", "3", "4", "5", "6", "100", "120", "83,33%", "9"], "row {row:?}");
}
