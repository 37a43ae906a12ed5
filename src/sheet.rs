//! Stage 4b: export workbooks. The tracking workbook of a plan has one sheet per annex,
//! with the same columns, rows and STT as the PDF, plus the columns the Phòng Nội vụ
//! fills in to track progress.

use rust_xlsxwriter::{
    DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::annex::{Align, Annex, Row};
use crate::export::CreationTime;
use crate::layout::DateParts;
use crate::model::Document;
use crate::vn;

/// The statuses a tracked task can take (data-validation list of `Tình trạng`).
pub const STATUSES: [&str; 3] = ["Chưa thực hiện", "Đang thực hiện", "Đã hoàn thành"];

/// The columns added for tracking, after the annex's own.
pub const TRACKING_COLUMNS: [&str; 3] = ["Tình trạng", "Kết quả / sản phẩm đã có", "Ghi chú"];

/// First row (0-based) of the table header; rows above are the title block.
pub const HEADER_ROW: u32 = 4;

/// The font ND30 asks for; spreadsheet viewers substitute a metric twin when absent.
const FONT: &str = "Times New Roman";

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
    cells: [Format; 3],
}

impl Formats {
    fn new() -> Self {
        let base = Format::new().set_font_name(FONT).set_font_size(12);
        let boxed = base.clone().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::VerticalCenter);
        let cell = |a: FormatAlign| boxed.clone().set_align(a);
        Self {
            title: base.clone().set_bold().set_font_size(14).set_align(FormatAlign::Center).set_text_wrap(),
            subtitle: base.clone().set_italic().set_font_size(13).set_align(FormatAlign::Center).set_text_wrap(),
            header: boxed.clone().set_bold().set_align(FormatAlign::Center),
            group: boxed.clone().set_bold(),
            group_stt: boxed.clone().set_bold().set_align(FormatAlign::Center),
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
/// (`Ghi chú` only when the annex has none).
pub fn tracking_headers(annex: &Annex) -> Vec<String> {
    let mut labels: Vec<String> = annex.columns.iter().map(|c| c.label.clone()).collect();
    for extra in TRACKING_COLUMNS {
        if !labels.iter().any(|l| l.eq_ignore_ascii_case(extra) || l == extra) {
            labels.push(extra.to_string());
        }
    }
    labels
}

/// Build the tracking workbook of a document with annexes.
///
/// # Errors
/// [`SheetError`] when rust_xlsxwriter refuses a value (names and lengths are checked at
/// load time, so this is not expected for validated documents).
pub fn tracking_workbook(doc: &Document, time: CreationTime) -> Result<Vec<u8>, SheetError> {
    let mut workbook = Workbook::new();
    let (y, mo, d, h, mi, s) = time.fields(DateParts::from(doc.date));
    let when = ExcelDateTime::from_ymd(y.clamp(1900, 9999) as u16, mo, d)?.and_hms(u16::from(h), mi, f64::from(s))?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "Theo dõi thực hiện {} số {}",
                doc.doc_type.name,
                doc.so_ky_hieu().replace(vn::NBSP, "")
            ))
            .set_author(doc.issuer.full_name.clone().unwrap_or_else(|| doc.issuer.name.join(" ")))
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

    // Title block naming the plan.
    let title = format!("{}: {}", vn::upper(&doc.annex_label(index)), vn::upper(&annex.title));
    sheet.merge_range(0, 0, 0, last_col, &title, &f.title)?;
    sheet.set_row_height(0, 36)?;
    sheet.merge_range(1, 0, 1, last_col, &doc.annex_reference().replace(vn::NBSP, " "), &f.subtitle)?;
    let tracking = format!("Bảng theo dõi tiến độ thực hiện {}: {}", doc.doc_type.name, doc.trich_yeu_text());
    sheet.merge_range(2, 0, 2, last_col, &tracking, &f.subtitle)?;
    sheet.set_row_height(2, 33)?;

    // Header.
    for (c, label) in headers.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, c as u16, label, &f.header)?;
    }
    sheet.set_row_height(HEADER_ROW, 33)?;

    // Column widths: the annex's relative widths over ~110 characters; tracking columns fixed.
    let total: f64 = annex.columns.iter().map(|c| c.width).sum();
    for (c, col) in annex.columns.iter().enumerate() {
        sheet.set_column_width(c as u16, (col.width / total * 110.0).max(6.0))?;
    }
    for c in own..=last_col {
        let width = if headers[c as usize] == TRACKING_COLUMNS[1] { 30.0 } else { 17.0 };
        sheet.set_column_width(c, width)?;
    }

    // Rows.
    let status_col = headers.iter().position(|h| h == TRACKING_COLUMNS[0]).unwrap_or(own as usize) as u16;
    let mut item_runs: Vec<(u32, u32)> = Vec::new();
    for (row, r) in (HEADER_ROW + 1..).zip(&annex.rows) {
        match r {
            Row::Group { stt, text } => {
                sheet.write_string_with_format(row, 0, stt, &f.group_stt)?;
                sheet.merge_range(row, 1, row, last_col, text, &f.group)?;
            }
            Row::Item { cells, .. } => {
                for (c, text) in cells.iter().enumerate() {
                    sheet.write_string_with_format(row, c as u16, text, f.cell(annex.columns[c].align))?;
                }
                for c in own..=last_col {
                    let text = if c == status_col { STATUSES[0] } else { "" };
                    sheet.write_string_with_format(row, c, text, f.cell(Align::Left))?;
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

    // View and print: frozen header, A4 landscape, fit to width, header row repeated.
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    sheet.set_paper_size(9);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    // Margins in inches: left 30 mm, right 15 mm, top/bottom 20 mm (ND30 ranges).
    sheet.set_margins(30.0 / 25.4, 15.0 / 25.4, 20.0 / 25.4, 20.0 / 25.4, 0.3, 0.3);
    sheet.set_print_center_horizontally(true);
    Ok(())
}
