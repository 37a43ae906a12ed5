//! Stage 4b: export workbooks. The tracking workbook of a plan has one sheet per annex,
//! with the same columns, rows and STT as the PDF, plus the columns the Phòng Nội vụ
//! fills in to track progress.

use rust_xlsxwriter::{
    DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::annex::{Align, Annex, AnnexKind, Row};
use crate::export::CreationTime;
use crate::layout::DateParts;
use crate::model::Document;
use crate::textfit::{RowHeights, Style};
use crate::vn;

/// The statuses a tracked task can take (data-validation list of `Tình trạng`).
pub const STATUSES: [&str; 3] = ["Chưa thực hiện", "Đang thực hiện", "Đã hoàn thành"];

pub use crate::annex::TRACKING_COLUMNS;

/// First row (0-based) of the table header; rows above are the title block.
pub const HEADER_ROW: u32 = 4;

/// The font ND30 asks for; spreadsheet viewers substitute a metric twin when absent.
const FONT: &str = "Times New Roman";

/// How every sheet prints: A4, `landscape` or portrait, one page wide, rows `repeat`
/// (first, last; 0-based) on top of every page, margins in the ND30 ranges (left 30 mm,
/// right 15 mm, top and bottom 20 mm), centred across the page.
///
/// # Errors
/// A row outside the sheet.
pub fn print_setup(sheet: &mut Worksheet, landscape: bool, repeat: (u32, u32)) -> Result<(), XlsxError> {
    sheet.set_paper_size(9);
    if landscape {
        sheet.set_landscape();
    }
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(repeat.0, repeat.1)?;
    sheet.set_margins(30.0 / 25.4, 15.0 / 25.4, 20.0 / 25.4, 20.0 / 25.4, 0.3, 0.3);
    sheet.set_print_center_horizontally(true);
    Ok(())
}

/// The two formats every workbook starts from: Times New Roman 12 pt, and the same boxed
/// (thin borders, wrapped, vertically centred) for table cells.
pub fn base_formats() -> (Format, Format) {
    let base = Format::new().set_font_name(FONT).set_font_size(12);
    let boxed = base.clone().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter).set_text_wrap();
    (base, boxed)
}

/// The workbook could not be built.
#[derive(Debug, thiserror::Error)]
#[error("không tạo được tệp Excel: {0}")]
pub struct SheetError(#[from] pub XlsxError);

/// Cell formats of the tracking sheets.
struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    group: Format,
    group_stt: Format,
    group_cell: Format,
    cells: [Format; 3],
}

impl Formats {
    fn new() -> Self {
        let (base, boxed) = base_formats();
        let cell = |a: FormatAlign| boxed.clone().set_align(a);
        Self {
            title: base.clone().set_bold().set_font_size(14).set_align(FormatAlign::Center).set_text_wrap(),
            subtitle: base.clone().set_italic().set_font_size(13).set_align(FormatAlign::Center).set_text_wrap(),
            header: boxed.clone().set_bold().set_align(FormatAlign::Center),
            group: boxed.clone().set_bold(),
            group_stt: boxed.clone().set_bold().set_align(FormatAlign::Center),
            group_cell: boxed.clone().set_bold().set_align(FormatAlign::Right),
            cells: [cell(FormatAlign::Left), cell(FormatAlign::Center), cell(FormatAlign::Right)],
        }
    }

    fn cell(&self, align: Align) -> &Format {
        match align {
            Align::Left => &self.cells[0],
            Align::Center => &self.cells[1],
            Align::Right => &self.cells[2],
        }
    }
}

/// The header labels of an annex's tracking sheet: its columns, then the tracking ones
/// (`Ghi chú` only when the annex has none). A table that is not a task list
/// (`"kind": "bang"`) is copied with its own columns only.
pub fn tracking_headers(annex: &Annex) -> Vec<String> {
    let mut labels: Vec<String> = annex.columns.iter().map(|c| c.label.clone()).collect();
    if annex.kind == AnnexKind::Table {
        return labels;
    }
    for extra in TRACKING_COLUMNS {
        if !labels.iter().any(|l| l.eq_ignore_ascii_case(extra) || l == extra) {
            labels.push(extra.to_string());
        }
    }
    labels
}

/// A workbook compressed as Excel 365 saves (zip level 3): rust_xlsxwriter measures it
/// about 30 % faster than its default level 6 for files about 5 % larger.
fn new_workbook() -> Workbook {
    let mut workbook = Workbook::new();
    workbook.set_zip_compression_level(3);
    workbook
}

/// Build the tracking workbook of a document with annexes.
///
/// # Errors
/// [`SheetError`] when rust_xlsxwriter refuses a value (names and lengths are checked at
/// load time, so this is not expected for validated documents).
pub fn tracking_workbook(doc: &Document, time: CreationTime) -> Result<Vec<u8>, SheetError> {
    let mut workbook = new_workbook();
    let (y, mo, d, h, mi, s) = time.fields(DateParts::from(doc.header.date));
    let when = ExcelDateTime::from_ymd(y.clamp(1900, 9999) as u16, mo, d)?.and_hms(u16::from(h), mi, f64::from(s))?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "Theo dõi thực hiện {} số {}",
                doc.header.doc_type.name,
                doc.so_ky_hieu().replace(vn::NBSP, "")
            ))
            .set_author(doc.header.issuer_text())
            .set_creation_datetime(&when),
    );
    let formats = Formats::new();
    for (i, annex) in doc.annexes.iter().enumerate() {
        let sheet = workbook.add_worksheet();
        write_annex(sheet, doc, i, annex, &formats)?;
    }
    Ok(workbook.save_to_buffer()?)
}

fn write_annex(
    sheet: &mut Worksheet,
    doc: &Document,
    index: usize,
    annex: &Annex,
    f: &Formats,
) -> Result<(), SheetError> {
    sheet.set_name(&annex.sheet_name)?;
    let headers = tracking_headers(annex);
    let last_col = (headers.len() - 1) as u16;
    let own = annex.columns.len() as u16;
    let mut fit = RowHeights::new();

    // Column widths: the annex's relative widths over ~110 characters; tracking columns fixed.
    let total: f64 = annex.columns.iter().map(|c| c.width).sum();
    for (c, col) in annex.columns.iter().enumerate() {
        fit.set_width(sheet, c as u16, (col.width / total * 110.0).max(6.0))?;
    }
    for c in own..=last_col {
        let width = if headers[c as usize] == TRACKING_COLUMNS[1] { 30.0 } else { 17.0 };
        fit.set_width(sheet, c, width)?;
    }

    // Title block naming the plan.
    let title = format!("{}: {}", vn::upper(&doc.annex_label(index)), vn::upper(&annex.title.replace('\n', " ")));
    sheet.merge_range(0, 0, 0, last_col, &title, &f.title)?;
    fit.cell(0, 0, last_col, &title, Style::BOLD, 14.0);
    let reference = doc.annex_reference().replace(vn::NBSP, " ");
    sheet.merge_range(1, 0, 1, last_col, &reference, &f.subtitle)?;
    fit.cell(1, 0, last_col, &reference, Style::ITALIC, 13.0);
    if annex.kind == AnnexKind::Tasks {
        let tracking =
            format!("Bảng theo dõi tiến độ thực hiện {}: {}", doc.header.doc_type.name, doc.trich_yeu_text());
        sheet.merge_range(2, 0, 2, last_col, &tracking, &f.subtitle)?;
        fit.cell(2, 0, last_col, &tracking, Style::ITALIC, 13.0);
    }

    // Header.
    for (c, label) in headers.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, c as u16, label, &f.header)?;
        fit.cell(HEADER_ROW, c as u16, c as u16, label, Style::BOLD, 12.0);
    }

    // Rows.
    let status_col = headers.iter().position(|h| h == TRACKING_COLUMNS[0]).unwrap_or(own as usize) as u16;
    let mut item_runs: Vec<(u32, u32)> = Vec::new();
    for (row, r) in (HEADER_ROW + 1..).zip(&annex.rows) {
        match r {
            Row::Group { stt, text, values, .. } if !values.is_empty() => {
                // The heading spans the columns up to the first value; values in their own.
                sheet.write_string_with_format(row, 0, stt, &f.group_stt)?;
                let first = values.iter().skip(2).position(|v| !v.is_empty()).map_or(values.len(), |p| p + 2) as u16;
                fit.cell(row, 0, 0, stt, Style::BOLD, 12.0);
                fit.cell(row, 1, first.max(2) - 1, text, Style::BOLD, 12.0);
                if first > 2 {
                    sheet.merge_range(row, 1, row, first - 1, text, &f.group)?;
                } else {
                    sheet.write_string_with_format(row, 1, text, &f.group)?;
                }
                for c in first..=last_col {
                    let v = values.get(c as usize).map_or("", String::as_str);
                    sheet.write_string_with_format(row, c, v, &f.group_cell)?;
                }
            }
            Row::Group { stt, text, .. } => {
                sheet.write_string_with_format(row, 0, stt, &f.group_stt)?;
                fit.cell(row, 0, 0, stt, Style::BOLD, 12.0);
                sheet.merge_range(row, 1, row, last_col, text, &f.group)?;
                fit.cell(row, 1, last_col, text, Style::BOLD, 12.0);
            }
            Row::Item { cells, bold, .. } => {
                let style = if *bold { Style::BOLD } else { Style::REGULAR };
                for (c, text) in cells.iter().enumerate() {
                    let format = if *bold { &f.group } else { f.cell(annex.columns[c].align) };
                    sheet.write_string_with_format(row, c as u16, text, format)?;
                    fit.cell(row, c as u16, c as u16, text, style, 12.0);
                }
                // Nothing for a table (`bang`): its last column is its own.
                for c in own..=last_col {
                    let text = if c == status_col { STATUSES[0] } else { "" };
                    sheet.write_string_with_format(row, c, text, f.cell(Align::Left))?;
                    fit.cell(row, c, c, text, Style::REGULAR, 12.0);
                }
                if annex.kind == AnnexKind::Table {
                    continue;
                }
                match item_runs.last_mut() {
                    Some((_, end)) if *end + 1 == row => *end = row,
                    _ => item_runs.push((row, row)),
                }
            }
        }
    }
    let validation = DataValidation::new()
        .allow_list_strings(&STATUSES)?
        .set_error_title("Tình trạng")?
        .set_error_message("Chọn một trong: Chưa thực hiện, Đang thực hiện, Đã hoàn thành.")?;
    for (first, last) in item_runs {
        sheet.add_data_validation(first, status_col, last, status_col, &validation)?;
    }
    fit.apply(sheet)?;

    // View and print: frozen header, A4 landscape, fit to width, header row repeated.
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    print_setup(sheet, true, (HEADER_ROW, HEADER_ROW))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The summary workbook for Sở Nội vụ.

use crate::summary::{Indicator, Summary};

/// Above this many units, their raw figures go on one sheet instead of one sheet each.
pub const MAX_UNIT_SHEETS: usize = 200;

pub use crate::diag::col_name;

/// A number as rust_xlsxwriter wants a formula's cached result.
fn result_text(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v}") }
}

struct SummaryFormats {
    left_caps: Format,
    left_bold: Format,
    right_bold: Format,
    right_underlined: Format,
    form_id: Format,
    title: Format,
    italic: Format,
    header: Format,
    col_number: Format,
    text: Format,
    text_bold: Format,
    stt: Format,
    stt_bold: Format,
    number: Format,
    number_bold: Format,
    percent: Format,
    percent_bold: Format,
    note: Format,
    sign: Format,
    sign_name: Format,
    date_line: Format,
}

impl SummaryFormats {
    fn new() -> Self {
        let (base, boxed) = base_formats();
        Self {
            left_caps: base.clone().set_align(FormatAlign::Center),
            left_bold: base.clone().set_bold().set_align(FormatAlign::Center),
            right_bold: base.clone().set_bold().set_align(FormatAlign::Center),
            right_underlined: base
                .clone()
                .set_bold()
                .set_font_size(13)
                .set_underline(rust_xlsxwriter::FormatUnderline::Single)
                .set_align(FormatAlign::Center),
            form_id: base.clone().set_bold().set_italic().set_align(FormatAlign::Right),
            title: base.clone().set_bold().set_font_size(14).set_align(FormatAlign::Center).set_text_wrap(),
            italic: base.clone().set_italic().set_align(FormatAlign::Center),
            header: boxed.clone().set_bold().set_align(FormatAlign::Center),
            col_number: boxed.clone().set_italic().set_align(FormatAlign::Center),
            text: boxed.clone(),
            text_bold: boxed.clone().set_bold(),
            stt: boxed.clone().set_align(FormatAlign::Center),
            stt_bold: boxed.clone().set_bold().set_align(FormatAlign::Center),
            number: boxed.clone().set_num_format("#,##0").set_align(FormatAlign::Right),
            number_bold: boxed.clone().set_num_format("#,##0").set_align(FormatAlign::Right).set_bold(),
            percent: boxed.clone().set_num_format("0.00%").set_align(FormatAlign::Right),
            percent_bold: boxed.clone().set_num_format("0.00%").set_align(FormatAlign::Right).set_bold(),
            note: boxed.clone().set_italic(),
            sign: base.clone().set_bold().set_align(FormatAlign::Center),
            sign_name: base.clone().set_bold().set_align(FormatAlign::Center),
            date_line: base.clone().set_italic().set_align(FormatAlign::Center),
        }
    }
}

/// Where the parts of the `Tổng hợp` sheet are (0-based rows), for tests and the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryLayout {
    /// First header row (two header rows, then the column-number row).
    pub header_row: u32,
    /// First data row.
    pub first_data_row: u32,
    /// The `TỔNG CỘNG` row.
    pub total_row: u32,
    /// First indicator column.
    pub first_indicator_col: u16,
}

/// Build the summary workbook: `Tổng hợp`, `Nhiệm vụ` (when the plan is known) and the
/// units' raw figures. `date_line` is the place-and-date line of the footer.
///
/// # Errors
/// [`SheetError`] when rust_xlsxwriter refuses a value.
pub fn summary_workbook(summary: &Summary, time: CreationTime, date_line: &str) -> Result<Vec<u8>, SheetError> {
    let mut workbook = new_workbook();
    let (y, _, _) = (summary.period.year, 0, 0);
    let (_, end) = summary.period.span();
    let fallback = DateParts { year: y, month: end.0, day: end.1 };
    let (cy, cm, cd, ch, cmi, cs) = time.fields(fallback);
    let when =
        ExcelDateTime::from_ymd(cy.clamp(1900, 9999) as u16, cm, cd)?.and_hms(u16::from(ch), cmi, f64::from(cs))?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(summary_title(summary))
            .set_author(format!("{} {}", summary.config.issuer_parent, summary.config.issuer_name).trim().to_string())
            .set_creation_datetime(&when),
    );
    let f = SummaryFormats::new();
    let sheet = workbook.add_worksheet();
    write_summary_sheet(sheet, summary, date_line, &f)?;
    if !summary.tasks.is_empty() {
        let sheet = workbook.add_worksheet();
        write_task_sheet(sheet, summary, &f)?;
    }
    let reported: Vec<_> = summary.reported().collect();
    if reported.len() <= MAX_UNIT_SHEETS {
        let mut used: Vec<String> = vec!["tổng hợp".into(), "nhiệm vụ".into()];
        for unit in reported {
            let name = unique_sheet_name(&unit.name, &mut used);
            let sheet = workbook.add_worksheet();
            sheet.set_name(&name)?;
            write_unit_sheet(sheet, summary, unit, &f)?;
        }
    } else {
        let sheet = workbook.add_worksheet();
        write_units_long(sheet, summary, &f)?;
    }
    let sheet = workbook.add_worksheet();
    write_submission_sheet(sheet, summary, &f)?;
    Ok(workbook.save_to_buffer()?)
}

/// `BIỂU TỔNG HỢP … QUÝ I NĂM 2022`.
pub fn summary_title(summary: &Summary) -> String {
    vn::upper(&format!("{} {}", summary.config.title, summary.period))
}

/// Where the `Tổng hợp` sheet puts things for this summary.
pub fn summary_layout(summary: &Summary) -> SummaryLayout {
    let header_row = 7;
    let first_data_row = header_row + 3;
    let rows: u32 = summary.groups.iter().map(|g| 1 + g.units.len() as u32).sum();
    SummaryLayout { header_row, first_data_row, total_row: first_data_row + rows, first_indicator_col: 2 }
}

/// A worksheet name from a unit name: Excel's forbidden characters replaced, at most 31
/// characters, unique ignoring case.
pub fn unique_sheet_name(name: &str, used: &mut Vec<String>) -> String {
    let clean: String = name.chars().map(|c| if "[]:*?/\\".contains(c) { '-' } else { c }).collect();
    let clean = clean.trim_matches('\'').to_string();
    let base: String = clean.chars().take(31).collect();
    let mut candidate = base.clone();
    let mut n = 2;
    while used.contains(&candidate.to_lowercase()) {
        let suffix = format!(" ({n})");
        candidate = format!("{}{suffix}", base.chars().take(31 - suffix.chars().count()).collect::<String>());
        n += 1;
    }
    used.push(candidate.to_lowercase());
    candidate
}

fn write_summary_sheet(
    sheet: &mut Worksheet,
    s: &Summary,
    date_line: &str,
    f: &SummaryFormats,
) -> Result<(), SheetError> {
    let cfg = &s.config;
    let inds = &cfg.indicators;
    let layout = summary_layout(s);
    let first_ind = layout.first_indicator_col;
    let note_col = first_ind + inds.len() as u16;
    let last_col = note_col;
    sheet.set_name("Tổng hợp")?;
    let mut fit = RowHeights::new();
    fit.set_width(sheet, 0, 6.0)?;
    fit.set_width(sheet, 1, 34.0)?;
    for i in 0..inds.len() as u16 {
        fit.set_width(sheet, first_ind + i, 12.0)?;
    }
    fit.set_width(sheet, note_col, 16.0)?;

    // Header blocks: issuer top left, Quốc hiệu and Tiêu ngữ top right, form id.
    let left_end = 2.min(last_col);
    let right_start = (last_col + 1).saturating_sub(6).max(left_end + 1);
    sheet.merge_range(0, 0, 0, left_end, &cfg.issuer_parent, &f.left_caps)?;
    sheet.merge_range(1, 0, 1, left_end, &cfg.issuer_name, &f.left_bold)?;
    sheet.merge_range(0, right_start, 0, last_col, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", &f.right_bold)?;
    sheet.merge_range(1, right_start, 1, last_col, "Độc lập - Tự do - Hạnh phúc", &f.right_underlined)?;
    sheet.write_string_with_format(3, last_col, &cfg.form_id, &f.form_id)?;
    let title = summary_title(s);
    sheet.merge_range(4, 0, 4, last_col, &title, &f.title)?;
    fit.cell(4, 0, last_col, &title, Style::BOLD, 14.0);
    let ((sm, sd), (em, ed)) = s.period.span();
    let span = format!("(Số liệu từ ngày {sd:02}/{sm:02}/{y} đến ngày {ed:02}/{em:02}/{y})", y = s.period.year);
    sheet.merge_range(5, 0, 5, last_col, &span, &f.italic)?;

    // Two header rows (indicator groups merged over their indicators), then A, B, 1, 2 ….
    let h = layout.header_row;
    let mut merged_headers = Vec::new();
    sheet.merge_range(h, 0, h + 1, 0, "STT", &f.header)?;
    sheet.merge_range(h, 1, h + 1, 1, "Đơn vị", &f.header)?;
    let mut c = 0;
    while c < inds.len() {
        let col = first_ind + c as u16;
        match &inds[c].group {
            Some(g) => {
                let span = inds[c..].iter().take_while(|i| i.group.as_ref() == Some(g)).count();
                let last = col + span as u16 - 1;
                if span > 1 {
                    sheet.merge_range(h, col, h, last, g, &f.header)?;
                } else {
                    sheet.write_string_with_format(h, col, g, &f.header)?;
                }
                fit.cell(h, col, last, g, Style::BOLD, 12.0);
                for (k, ind) in inds[c..c + span].iter().enumerate() {
                    let label = indicator_label(ind);
                    sheet.write_string_with_format(h + 1, col + k as u16, &label, &f.header)?;
                    fit.cell(h + 1, col + k as u16, col + k as u16, &label, Style::BOLD, 12.0);
                }
                c += span;
            }
            None => {
                let label = indicator_label(&inds[c]);
                sheet.merge_range(h, col, h + 1, col, &label, &f.header)?;
                merged_headers.push((col, label));
                c += 1;
            }
        }
    }
    sheet.merge_range(h, note_col, h + 1, note_col, "Ghi chú", &f.header)?;
    fit.at_least(h, crate::textfit::row_height(1, 12.0));
    fit.at_least(h + 1, crate::textfit::row_height(1, 12.0));
    // A label over both header rows: the second row takes what the first cannot hold.
    for (col, label) in merged_headers {
        let needed = crate::textfit::row_height(
            crate::textfit::line_count(&label, Style::BOLD, 12.0, fit.span_points(col, col)),
            12.0,
        );
        let first = fit.height(h).unwrap_or(0.0);
        fit.at_least(h + 1, needed - first);
    }
    sheet.write_string_with_format(h + 2, 0, "A", &f.col_number)?;
    sheet.write_string_with_format(h + 2, 1, "B", &f.col_number)?;
    for (i, ind) in inds.iter().enumerate() {
        let label = match &ind.ratio {
            Some((a, b)) => {
                let pos = |k: &str| inds.iter().position(|x| x.key == k).map_or(0, |p| p + 1);
                format!("{}=({})/({})", i + 1, pos(a), pos(b))
            }
            None => (i + 1).to_string(),
        };
        sheet.write_string_with_format(h + 2, first_ind + i as u16, &label, &f.col_number)?;
    }
    sheet.write_string_with_format(h + 2, note_col, "C", &f.col_number)?;

    // Groups with subtotals, units, grand total.
    let mut row = layout.first_data_row;
    let mut subtotal_rows = Vec::new();
    for (g, group) in s.groups.iter().enumerate() {
        let group_row = row;
        subtotal_rows.push(group_row);
        let (first_unit, last_unit) = (group_row + 1, group_row + group.units.len() as u32);
        sheet.write_string_with_format(group_row, 0, vn::roman(g as u32 + 1), &f.stt_bold)?;
        sheet.write_string_with_format(group_row, 1, &group.name, &f.text_bold)?;
        fit.cell(group_row, 1, 1, &group.name, Style::BOLD, 12.0);
        for (i, ind) in inds.iter().enumerate() {
            let col = first_ind + i as u16;
            if ind.ratio.is_some() {
                write_ratio(sheet, group_row, col, inds, ind, &group.subtotal, first_ind, &f.percent_bold)?;
            } else if group.units.is_empty() {
                sheet.write_number_with_format(group_row, col, 0, &f.number_bold)?;
            } else {
                let v = *group.subtotal.get(&ind.key).unwrap_or(&0) as f64;
                let formula = format!("=SUM({c}{}:{c}{})", first_unit + 1, last_unit + 1, c = col_name(col));
                sheet.write_formula_with_format(
                    group_row,
                    col,
                    rust_xlsxwriter::Formula::new(formula).set_result(result_text(v)),
                    &f.number_bold,
                )?;
            }
        }
        sheet.write_blank(group_row, note_col, &f.text)?;
        for (u, unit) in group.units.iter().enumerate() {
            let r = first_unit + u as u32;
            sheet.write_number_with_format(r, 0, (u + 1) as f64, &f.stt)?;
            sheet.write_string_with_format(r, 1, &unit.name, &f.text)?;
            fit.cell(r, 1, 1, &unit.name, Style::REGULAR, 12.0);
            for (i, ind) in inds.iter().enumerate() {
                let col = first_ind + i as u16;
                match (&unit.figures, &ind.ratio) {
                    (Some(fig), Some(_)) => write_ratio(sheet, r, col, inds, ind, fig, first_ind, &f.percent)?,
                    // Not entered: blank, so that the sums add only the given figures.
                    (Some(fig), None) => {
                        match fig.get(&ind.key) {
                            Some(v) => sheet.write_number_with_format(r, col, *v as f64, &f.number)?,
                            None => sheet.write_blank(r, col, &f.number)?,
                        };
                    }
                    (None, _) => {
                        sheet.write_blank(r, col, &f.number)?;
                    }
                }
            }
            if let Some(n) = &unit.note {
                fit.cell(r, note_col, note_col, n, Style::ITALIC, 12.0);
            }
            match &unit.note {
                Some(n) => sheet.write_string_with_format(r, note_col, n, &f.note)?,
                None => sheet.write_blank(r, note_col, &f.note)?,
            };
        }
        row = last_unit + 1;
    }
    let total_row = row;
    sheet.merge_range(total_row, 0, total_row, 1, "TỔNG CỘNG", &f.stt_bold)?;
    for (i, ind) in inds.iter().enumerate() {
        let col = first_ind + i as u16;
        if ind.ratio.is_some() {
            write_ratio(sheet, total_row, col, inds, ind, &s.total, first_ind, &f.percent_bold)?;
        } else {
            let v = *s.total.get(&ind.key).unwrap_or(&0) as f64;
            let cells: Vec<String> = subtotal_rows.iter().map(|r| format!("{}{}", col_name(col), r + 1)).collect();
            let formula = if cells.is_empty() { "=0".to_string() } else { format!("={}", cells.join("+")) };
            sheet.write_formula_with_format(
                total_row,
                col,
                rust_xlsxwriter::Formula::new(formula).set_result(result_text(v)),
                &f.number_bold,
            )?;
        }
    }
    let missing = s.missing().count();
    let note = if missing > 0 { format!("Thiếu {missing} đơn vị") } else { String::new() };
    sheet.write_string_with_format(total_row, note_col, &note, &f.note)?;
    fit.cell(total_row, note_col, note_col, &note, Style::ITALIC, 12.0);
    // Figures not entered are blank: say what the sums then mean.
    if s.reported().any(|u| u.figures.as_ref().is_some_and(|fig| s.not_entered(fig).next().is_some())) {
        let text = "Ô để trống: đơn vị chưa nhập số liệu đó. Dòng cộng của nhóm và TỔNG CỘNG chỉ cộng các số liệu đã nhập (ô trống không được tính là 0).";
        sheet.merge_range(total_row + 1, 0, total_row + 1, last_col, text, &f.note)?;
        fit.cell(total_row + 1, 0, last_col, text, Style::ITALIC, 12.0);
    }

    // Footer: place and date, then the two signatures.
    let foot = total_row + 2;
    sheet.merge_range(foot, right_start, foot, last_col, date_line, &f.date_line)?;
    // The head's title may take several lines (`TM. …` / `KT. …` / title), one per row;
    // the names stay three rows below the last title line.
    sheet.merge_range(foot + 1, 0, foot + 1, left_end, &cfg.footer.preparer, &f.sign)?;
    let head_lines: Vec<&str> = if cfg.footer.head_lines.is_empty() {
        vec![cfg.footer.head.as_str()]
    } else {
        cfg.footer.head_lines.iter().map(String::as_str).collect()
    };
    for (i, l) in head_lines.iter().enumerate() {
        let row = foot + 1 + i as u32;
        sheet.merge_range(row, right_start, row, last_col, l, &f.sign)?;
    }
    let names = foot + 4 + head_lines.len() as u32;
    sheet.merge_range(names, 0, names, left_end, &cfg.footer.preparer_name, &f.sign_name)?;
    sheet.merge_range(names, right_start, names, last_col, &cfg.footer.head_name, &f.sign_name)?;
    fit.cell(foot + 1, 0, left_end, &cfg.footer.preparer, Style::BOLD, 12.0);
    for (i, l) in head_lines.iter().enumerate() {
        fit.cell(foot + 1 + i as u32, right_start, last_col, l, Style::BOLD, 12.0);
    }
    fit.apply(sheet)?;

    // View, print.
    sheet.set_freeze_panes(layout.first_data_row, 2)?;
    print_setup(sheet, true, (h, h + 2))?;
    Ok(())
}

fn indicator_label(ind: &Indicator) -> String {
    match &ind.unit {
        Some(u) => format!("{} ({u})", ind.label),
        None if ind.ratio.is_some() => format!("{} (%)", ind.label),
        None => ind.label.clone(),
    }
}

/// A ratio cell: the formula over its numerator and denominator cells on the same row,
/// with the value recomputed from the summed figures (never an average of ratios).
#[allow(clippy::too_many_arguments)]
fn write_ratio(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    inds: &[Indicator],
    ind: &Indicator,
    figures: &crate::summary::Figures,
    first_ind: u16,
    format: &Format,
) -> Result<(), SheetError> {
    let Some(ratio) = &ind.ratio else { return Ok(()) };
    let cell = |k: &str| {
        let p = inds.iter().position(|x| x.key == k).unwrap_or(0) as u16;
        format!("{}{}", col_name(first_ind + p), row + 1)
    };
    let (num, den) = (cell(&ratio.0), cell(&ratio.1));
    let value = Summary::ratio(figures, ratio);
    // 0/0 shows "-": a text result, so that viewers which do not recalculate show it too
    // (an empty cached result would be stored as 0 and read as 0,00 %).
    let formula = if figures.contains_key(&ratio.0) && figures.contains_key(&ratio.1) {
        format!("=IF(N({den})=0,\"-\",{num}/{den})")
    } else {
        // A figure not entered: no ratio (a blank would be read as 0).
        format!("=IF(OR(ISBLANK({num}),ISBLANK({den}),N({den})=0),\"-\",{num}/{den})")
    };
    let result = value.map_or_else(|| "-".to_string(), result_text);
    sheet.write_formula_with_format(row, col, rust_xlsxwriter::Formula::new(formula).set_result(result), format)?;
    Ok(())
}

fn write_task_sheet(sheet: &mut Worksheet, s: &Summary, f: &SummaryFormats) -> Result<(), SheetError> {
    sheet.set_name("Nhiệm vụ")?;
    let headers = ["STT", "Nhiệm vụ", "Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Số đơn vị báo cáo"];
    let last = headers.len() as u16 - 1;
    let mut fit = RowHeights::new();
    fit.set_width(sheet, 0, 7.0)?;
    fit.set_width(sheet, 1, 60.0)?;
    for c in 2..=last {
        fit.set_width(sheet, c, 14.0)?;
    }
    let title = format!("TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ CỦA KẾ HOẠCH {}", vn::upper(&s.period.to_string()));
    sheet.merge_range(0, 0, 0, last, &title, &f.title)?;
    fit.cell(0, 0, last, &title, Style::BOLD, 14.0);
    sheet.merge_range(1, 0, 1, last, "(Số đơn vị báo cáo theo từng tình trạng)", &f.italic)?;
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(3, c as u16, *h, &f.header)?;
        fit.cell(3, c as u16, c as u16, h, Style::BOLD, 12.0);
    }
    for (i, t) in s.tasks.iter().enumerate() {
        let r = 4 + i as u32;
        if t.is_group {
            sheet.write_string_with_format(r, 0, &t.stt, &f.stt_bold)?;
            sheet.merge_range(r, 1, r, last, &t.name, &f.text_bold)?;
            fit.cell(r, 1, last, &t.name, Style::BOLD, 12.0);
            continue;
        }
        sheet.write_string_with_format(r, 0, &t.stt, &f.stt)?;
        sheet.write_string_with_format(r, 1, &t.name, &f.text)?;
        fit.cell(r, 1, 1, &t.name, Style::REGULAR, 12.0);
        for (c, v) in [t.done, t.in_progress, t.not_started].into_iter().enumerate() {
            sheet.write_number_with_format(r, 2 + c as u16, f64::from(v), &f.number)?;
        }
        let formula = format!("=SUM(C{n}:E{n})", n = r + 1);
        let total = t.done + t.in_progress + t.not_started;
        sheet.write_formula_with_format(
            r,
            5,
            rust_xlsxwriter::Formula::new(formula).set_result(total.to_string()),
            &f.number,
        )?;
    }
    fit.apply(sheet)?;
    sheet.set_freeze_panes(4, 0)?;
    print_setup(sheet, true, (3, 3))?;
    Ok(())
}

fn write_unit_sheet(
    sheet: &mut Worksheet,
    s: &Summary,
    unit: &crate::summary::UnitRow,
    f: &SummaryFormats,
) -> Result<(), SheetError> {
    let mut fit = RowHeights::new();
    for (c, w) in [6.0, 50.0, 14.0, 16.0].into_iter().enumerate() {
        fit.set_width(sheet, c as u16, w)?;
    }
    let title = format!("{}: SỐ LIỆU {}", vn::upper(&unit.name), vn::upper(&s.period.to_string()));
    sheet.merge_range(0, 0, 0, 3, &title, &f.title)?;
    fit.cell(0, 0, 3, &title, Style::BOLD, 14.0);
    for (c, h) in ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"].iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &f.header)?;
        fit.cell(2, c as u16, c as u16, h, Style::BOLD, 12.0);
    }
    let figures = unit.figures.clone().unwrap_or_default();
    for (i, ind) in s.config.indicators.iter().enumerate() {
        let r = 3 + i as u32;
        sheet.write_number_with_format(r, 0, (i + 1) as f64, &f.stt)?;
        sheet.write_string_with_format(r, 1, &ind.label, &f.text)?;
        fit.cell(r, 1, 1, &ind.label, Style::REGULAR, 12.0);
        sheet.write_string_with_format(r, 2, ind.unit.as_deref().unwrap_or("%"), &f.stt)?;
        fit.cell(r, 2, 2, ind.unit.as_deref().unwrap_or("%"), Style::REGULAR, 12.0);
        match &ind.ratio {
            Some(ratio) => match Summary::ratio(&figures, ratio) {
                Some(v) => sheet.write_number_with_format(r, 3, v, &f.percent)?,
                None => sheet.write_blank(r, 3, &f.percent)?,
            },
            None => match figures.get(&ind.key) {
                Some(v) => sheet.write_number_with_format(r, 3, *v as f64, &f.number)?,
                None => sheet.write_string_with_format(r, 3, "chưa nhập", &f.note)?,
            },
        };
    }
    let mut r = 4 + s.config.indicators.len() as u32;
    if !unit.tasks.is_empty() {
        sheet.write_string_with_format(r, 0, "STT", &f.header)?;
        sheet.merge_range(r, 1, r, 2, "Nhiệm vụ được giao", &f.header)?;
        sheet.write_string_with_format(r, 3, "Tình trạng", &f.header)?;
        fit.cell(r, 3, 3, "Tình trạng", Style::BOLD, 12.0);
        for (stt, status) in &unit.tasks {
            r += 1;
            let name = s.tasks.iter().find(|t| &t.stt == stt).map(|t| t.name.clone()).unwrap_or_default();
            sheet.write_string_with_format(r, 0, stt, &f.stt)?;
            sheet.merge_range(r, 1, r, 2, &name, &f.text)?;
            fit.cell(r, 1, 2, &name, Style::REGULAR, 12.0);
            let label = match status {
                crate::summary::TaskStatus::Done => STATUSES[2],
                crate::summary::TaskStatus::InProgress => STATUSES[1],
                crate::summary::TaskStatus::NotStarted => STATUSES[0],
            };
            sheet.write_string_with_format(r, 3, label, &f.text)?;
            fit.cell(r, 3, 3, label, Style::REGULAR, 12.0);
        }
    }
    fit.apply(sheet)?;
    print_setup(sheet, false, (2, 2))?;
    Ok(())
}

fn write_units_long(sheet: &mut Worksheet, s: &Summary, f: &SummaryFormats) -> Result<(), SheetError> {
    sheet.set_name("Số liệu đơn vị")?;
    let mut fit = RowHeights::new();
    let figures = s.config.indicators.iter().filter(|i| i.ratio.is_none()).count() as u16;
    fit.set_width(sheet, 0, 24.0)?;
    fit.set_width(sheet, 1, 34.0)?;
    for c in 0..figures {
        fit.set_width(sheet, 2 + c, 12.0)?;
    }
    sheet.write_string_with_format(0, 0, "Nhóm", &f.header)?;
    sheet.write_string_with_format(0, 1, "Đơn vị", &f.header)?;
    for (i, ind) in s.config.indicators.iter().filter(|i| i.ratio.is_none()).enumerate() {
        let label = indicator_label(ind);
        sheet.write_string_with_format(0, 2 + i as u16, &label, &f.header)?;
        fit.cell(0, 2 + i as u16, 2 + i as u16, &label, Style::BOLD, 12.0);
    }
    let mut r = 1;
    for g in &s.groups {
        for u in g.units.iter().filter(|u| u.figures.is_some()) {
            sheet.write_string_with_format(r, 0, &g.name, &f.text)?;
            sheet.write_string_with_format(r, 1, &u.name, &f.text)?;
            fit.cell(r, 0, 0, &g.name, Style::REGULAR, 12.0);
            fit.cell(r, 1, 1, &u.name, Style::REGULAR, 12.0);
            let fig = u.figures.clone().unwrap_or_default();
            for (i, ind) in s.config.indicators.iter().filter(|i| i.ratio.is_none()).enumerate() {
                match fig.get(&ind.key) {
                    Some(v) => sheet.write_number_with_format(r, 2 + i as u16, *v as f64, &f.number)?,
                    None => sheet.write_blank(r, 2 + i as u16, &f.number)?,
                };
            }
            r += 1;
        }
    }
    fit.apply(sheet)?;
    sheet.set_freeze_panes(1, 2)?;
    print_setup(sheet, true, (0, 0))?;
    Ok(())
}

/// The sheet listing the submission state of every expected unit.
pub const SUBMISSION_SHEET: &str = "Tình trạng nộp";

/// A unit's submission state for the period: `Đã nộp`, `Nộp muộn`, `Không hợp lệ` or
/// `Chưa nộp`.
pub fn submission_state(unit: &crate::summary::UnitRow) -> &'static str {
    unit.state.label()
}

/// Every expected unit with its state, one row each (per unit, never per batch): the list
/// a reminder is written from.
fn write_submission_sheet(sheet: &mut Worksheet, s: &Summary, f: &SummaryFormats) -> Result<(), SheetError> {
    sheet.set_name(SUBMISSION_SHEET)?;
    let mut fit = RowHeights::new();
    let headers = ["STT", "Đơn vị", "Nhóm", "Tình trạng", "Ngày nộp", "Ghi chú"];
    let last = headers.len() as u16 - 1;
    for (c, w) in [6.0, 40.0, 26.0, 14.0, 12.0, 36.0].into_iter().enumerate() {
        fit.set_width(sheet, c as u16, w)?;
    }
    let title = format!("TÌNH TRẠNG NỘP BÁO CÁO {}", vn::upper(&s.period.to_string()));
    sheet.merge_range(0, 0, 0, last, &title, &f.title)?;
    fit.cell(0, 0, last, &title, Style::BOLD, 14.0);
    let deadline = match s.config.deadlines.get(&s.period) {
        Some(d) => format!("(Hạn nộp: ngày {}; ngày nộp theo báo cáo của đơn vị)", d.short()),
        None => "(Chưa đặt hạn nộp cho kỳ này)".to_string(),
    };
    sheet.merge_range(1, 0, 1, last, &deadline, &f.italic)?;
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &f.header)?;
        fit.cell(2, c as u16, c as u16, h, Style::BOLD, 12.0);
    }
    let mut r = 3;
    for g in &s.groups {
        for u in &g.units {
            sheet.write_number_with_format(r, 0, f64::from(r - 2), &f.stt)?;
            sheet.write_string_with_format(r, 1, &u.name, &f.text)?;
            sheet.write_string_with_format(r, 2, &g.name, &f.text)?;
            sheet.write_string_with_format(r, 3, submission_state(u), &f.text)?;
            // The day as text: the same on every viewer, never reformatted to a locale.
            let date = u.state.date().map(|d| d.short()).unwrap_or_default();
            sheet.write_string_with_format(r, 4, &date, &f.stt)?;
            let detail = u.state.detail();
            sheet.write_string_with_format(r, 5, &detail, &f.text)?;
            fit.cell(r, 1, 1, &u.name, Style::REGULAR, 12.0);
            fit.cell(r, 2, 2, &g.name, Style::REGULAR, 12.0);
            fit.cell(r, 5, 5, &detail, Style::REGULAR, 12.0);
            r += 1;
        }
    }
    fit.apply(sheet)?;
    sheet.set_freeze_panes(3, 0)?;
    print_setup(sheet, false, (2, 2))?;
    Ok(())
}
