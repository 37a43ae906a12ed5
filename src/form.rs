//! Excel forms sent to the units: one workbook per expected unit of `tong-hop.json`, which
//! the unit fills (figures and the status of its plan tasks) and sends back; the summary
//! reads it again (`xlsx_input`).
//!
//! Where every value goes is computed from the configuration alone ([`FormLayout`]), so
//! the writer and the reader agree; a hidden, protected identity sheet records which form,
//! version, unit and period a workbook is, and a hash of its structure, so that a form of
//! an older plan or with rows moved is refused instead of read into the wrong indicators.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{DataValidation, DataValidationRule, DocProperties, Format, FormatAlign, Workbook, Worksheet};

use crate::annex::Row;
use crate::period::Period;
use crate::sheet::{STATUSES, SheetError};
use crate::summary::SummaryConfig;
use crate::textfit::{RowHeights, Style};

/// Version of the form layout; a workbook of another version is refused when read back.
pub const FORM_VERSION: u32 = 1;

/// The hidden sheet naming the form.
pub const IDENTITY_SHEET: &str = crate::summary::IDENTITY_SHEET;

/// The identity entry naming the `Ngày nộp` cell (forms made before it have none: no date).
pub const DATE_KEY: &str = "ô ngày nộp";

/// Columns of the form sheet: STT, label, unit of measure / status, figure / result.
pub const STT_COL: u16 = 0;
/// The label column (`Chỉ tiêu`, `Nhiệm vụ`).
pub const LABEL_COL: u16 = 1;
/// Đơn vị tính for indicators; Tình trạng (drop-down) for tasks.
pub const STATUS_COL: u16 = 2;
/// The figure of an indicator; the result text of a task.
pub const VALUE_COL: u16 = 3;

const WIDTHS: [f64; 4] = [6.0, 46.0, 17.0, 30.0];

/// A task of the plan's annex as the form lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormTask {
    /// STT in the annex.
    pub stt: String,
    /// Task text, or the group heading.
    pub name: String,
    /// A group heading (no input).
    pub is_group: bool,
}

/// Where everything is on the form sheet (0-based rows), from the configuration alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormLayout {
    /// Name of the form sheet (`Biểu 01`).
    pub sheet: String,
    /// Row of the unit's name.
    pub unit_row: u32,
    /// Row of the unit's group.
    pub group_row: u32,
    /// Row of the `Ngày nộp` input (the date in [`STATUS_COL`]).
    pub date_row: u32,
    /// Row of each indicator, in configuration order (key, row).
    pub indicators: Vec<(String, u32)>,
    /// Tasks with their rows.
    pub tasks: Vec<(FormTask, u32)>,
    /// Header row of the task table, when there are tasks.
    pub task_header: Option<u32>,
    /// First row after the tables (instructions).
    pub end_row: u32,
}

/// The annex tasks of the configured plan (empty without a plan).
pub fn plan_tasks(config: &SummaryConfig) -> Vec<FormTask> {
    let Some(doc) = config.plan.as_ref() else { return Vec::new() };
    let annex = match &config.annex {
        Some(id) => doc.annexes.iter().find(|a| &a.id == id),
        None => doc.annexes.first(),
    };
    let Some(annex) = annex else { return Vec::new() };
    let text_col = annex.columns.iter().position(|c| c.key != crate::annex::STT).unwrap_or(0);
    annex
        .rows
        .iter()
        .map(|r| match r {
            Row::Group { stt, text, .. } => FormTask { stt: stt.clone(), name: text.clone(), is_group: true },
            Row::Item { stt, cells, .. } => {
                FormTask { stt: stt.clone(), name: cells.get(text_col).cloned().unwrap_or_default(), is_group: false }
            }
        })
        .collect()
}

/// The form sheet's name from the form id: `Biểu số 01` → `Biểu 01`.
pub fn sheet_name(form_id: &str) -> String {
    let name: String =
        form_id.replace(" số ", " ").chars().map(|c| if "[]:*?/\\'".contains(c) { '-' } else { c }).take(31).collect();
    let name = name.trim().to_string();
    if name.is_empty() { "Biểu".into() } else { name }
}

/// Rows of the title block; the indicator table starts below.
const UNIT_ROW: u32 = 7;
const HEADER_ROW: u32 = 10;

/// Compute where everything goes.
pub fn layout(config: &SummaryConfig) -> FormLayout {
    let mut row = HEADER_ROW + 2;
    let indicators = config
        .indicators
        .iter()
        .map(|i| {
            let r = row;
            row += 1;
            (i.key.clone(), r)
        })
        .collect();
    let tasks = plan_tasks(config);
    let (task_header, tasks) = if tasks.is_empty() {
        (None, Vec::new())
    } else {
        row += 1;
        let header = row;
        row += 1;
        let rows = tasks
            .into_iter()
            .map(|t| {
                let r = row;
                row += 1;
                (t, r)
            })
            .collect();
        (Some(header), rows)
    };
    FormLayout {
        sheet: sheet_name(&config.form_id),
        unit_row: UNIT_ROW,
        group_row: UNIT_ROW + 1,
        date_row: UNIT_ROW + 2,
        indicators,
        tasks,
        task_header,
        end_row: row + 1,
    }
}

/// The structure of a form as lines (what the hash covers; listed in the identity sheet
/// so that a mismatch can say what changed).
pub fn structure_lines(config: &SummaryConfig, layout: &FormLayout) -> Vec<String> {
    let mut lines = vec![format!("biểu\t{}\t{}", config.form_id, layout.sheet)];
    for (ind, (_, row)) in config.indicators.iter().zip(&layout.indicators) {
        let kind = if ind.ratio.is_some() { "tỷ lệ" } else { "chỉ tiêu" };
        lines.push(format!("{kind}\t{}\t{}\t{}", ind.key, cell_name(*row, VALUE_COL), ind.label));
    }
    for (t, row) in &layout.tasks {
        let kind = if t.is_group { "nhóm" } else { "nhiệm vụ" };
        lines.push(format!("{kind}\t{}\t{}\t{}", t.stt, cell_name(*row, STATUS_COL), t.name));
    }
    lines
}

/// A 128-bit hash of the structure lines, in hex.
pub fn structure_hash(lines: &[String]) -> String {
    use std::hash::Hasher;
    let mut h = siphasher::sip128::SipHasher13::new();
    h.write(format!("v{FORM_VERSION}").as_bytes());
    for l in lines {
        h.write(l.as_bytes());
        h.write_u8(b'\n');
    }
    let v = siphasher::sip128::Hasher128::finish128(&h);
    format!("{:016x}{:016x}", v.h1, v.h2)
}

pub use crate::diag::cell_name;

/// A unit's id: an ASCII slug of its name (`ubnd-xa-hong-duc`).
pub fn slug(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in name.nfd() {
        let c = match c {
            'đ' | 'Đ' => 'd',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            c if unicode_normalization::char::is_combining_mark(c) => continue,
            _ => '-',
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    let out = out.trim_end_matches('-');
    let out: String = out.chars().take(60).collect();
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "don-vi".into() } else { out }
}

/// The file name of a unit's form: its position in the expected list and its slug.
pub fn file_name(position: usize, unit: &str) -> String {
    format!("{position:02}-{}.xlsx", slug(unit))
}

struct Formats {
    caps: Format,
    bold: Format,
    underlined: Format,
    form_id: Format,
    title: Format,
    italic: Format,
    label: Format,
    locked_value: Format,
    header: Format,
    code: Format,
    stt: Format,
    text: Format,
    group: Format,
    unit: Format,
    input_number: Format,
    input_text: Format,
    input_date: Format,
    percent: Format,
    guide: Format,
}

impl Formats {
    fn new() -> Self {
        let (base, boxed) = crate::sheet::base_formats();
        // Input cells: unlocked and shaded (light yellow), as offices mark cells to fill.
        let input = boxed.clone().set_unlocked().set_background_color(0xFFF2CC);
        Self {
            caps: base.clone().set_align(FormatAlign::Center).set_text_wrap(),
            bold: base.clone().set_bold().set_align(FormatAlign::Center).set_text_wrap(),
            underlined: base
                .clone()
                .set_bold()
                .set_font_size(13)
                .set_underline(rust_xlsxwriter::FormatUnderline::Single)
                .set_align(FormatAlign::Center),
            form_id: base.clone().set_bold().set_italic().set_align(FormatAlign::Right),
            title: base.clone().set_bold().set_font_size(14).set_align(FormatAlign::Center).set_text_wrap(),
            italic: base.clone().set_italic().set_align(FormatAlign::Center).set_text_wrap(),
            label: base.clone().set_bold().set_align(FormatAlign::VerticalCenter),
            locked_value: base.clone().set_align(FormatAlign::VerticalCenter).set_text_wrap(),
            header: boxed.clone().set_bold().set_align(FormatAlign::Center),
            code: boxed.clone().set_italic().set_align(FormatAlign::Center),
            stt: boxed.clone().set_align(FormatAlign::Center),
            text: boxed.clone(),
            group: boxed.clone().set_bold(),
            unit: boxed.clone().set_align(FormatAlign::Center),
            input_number: input.clone().set_num_format("#,##0").set_align(FormatAlign::Right),
            input_date: input.clone().set_num_format("dd/mm/yyyy").set_align(FormatAlign::Center),
            input_text: input,
            percent: boxed.clone().set_num_format("0.00%").set_align(FormatAlign::Right),
            guide: base.clone().set_italic().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// The instructions printed under the tables.
fn guide(config: &SummaryConfig, period: Period, sheet: &str) -> Vec<String> {
    vec![
        "Hướng dẫn:".into(),
        "1. Chỉ nhập vào các ô tô vàng; các ô khác đã khóa. Không chèn, xóa hay đổi chỗ dòng, cột và trang tính."
            .into(),
        "2. Số liệu là số nguyên không âm (0, 1, 2 …), không kèm chữ hay đơn vị tính; tỷ lệ tự tính, không nhập.".into(),
        "3. Chỉ tiêu không phát sinh thì nhập 0; ô để trống được coi là chưa nhập.".into(),
        "4. Ghi ngày nộp báo cáo (ngày/tháng/năm) ở ô \"Ngày nộp báo cáo\"; báo cáo sau hạn nộp được ghi là nộp muộn."
            .into(),
        "5. Tình trạng nhiệm vụ: chọn trong danh sách (Chưa thực hiện, Đang thực hiện, Đã hoàn thành); ghi kết quả, sản phẩm đã có ở cột bên cạnh.".into(),
        format!(
            "6. Lưu tệp dạng .xlsx, giữ nguyên tên tệp và trang tính \"{sheet}\", gửi về {} {}.",
            crate::vn::upper(&config.issuer_name),
            match config.deadlines.get(&period) {
                Some(d) => format!("chậm nhất ngày {}", d.short()),
                None => "đúng hạn".into(),
            }
        ),
    ]
}

/// The workbook of one unit's form.
///
/// # Errors
/// [`SheetError`] when rust_xlsxwriter refuses a value.
pub fn form_workbook(config: &SummaryConfig, period: Period, group: usize, unit: usize) -> Result<Vec<u8>, SheetError> {
    let unit_name = &config.groups[group].units[unit];
    let group_name = &config.groups[group].name;
    let lay = layout(config);
    let f = Formats::new();
    let mut workbook = Workbook::new();
    workbook.set_zip_compression_level(3);
    let title = crate::vn::upper(&format!("{} {}", config.title, period));
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&title)
            .set_author(format!("{} {}", config.issuer_parent, config.issuer_name).trim().to_string())
            .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let sheet = workbook.add_worksheet();
    write_form_sheet(sheet, config, period, &lay, unit_name, group_name, &title, &f)?;
    let lines = structure_lines(config, &lay);
    let id = workbook.add_worksheet();
    id.set_name(IDENTITY_SHEET)?;
    let rows: [(&str, String); 8] = [
        ("biểu", config.form_id.clone()),
        ("phiên bản", FORM_VERSION.to_string()),
        ("mã đơn vị", slug(unit_name)),
        ("đơn vị", unit_name.clone()),
        ("nhóm", group_name.clone()),
        ("kỳ", period.slug()),
        ("mã cấu trúc", structure_hash(&lines)),
        (DATE_KEY, cell_name(lay.date_row, STATUS_COL)),
    ];
    for (r, (k, v)) in rows.iter().enumerate() {
        id.write_string(r as u32, 0, *k)?;
        id.write_string(r as u32, 1, v)?;
    }
    for (r, l) in lines.iter().enumerate() {
        for (c, part) in l.split('\t').enumerate() {
            id.write_string(10 + r as u32, c as u16, part)?;
        }
    }
    id.set_hidden(true);
    id.protect();
    Ok(workbook.save_to_buffer()?)
}

#[allow(clippy::too_many_arguments)]
fn write_form_sheet(
    sheet: &mut Worksheet,
    config: &SummaryConfig,
    period: Period,
    lay: &FormLayout,
    unit_name: &str,
    group_name: &str,
    title: &str,
    f: &Formats,
) -> Result<(), SheetError> {
    sheet.set_name(&lay.sheet)?;
    let mut fit = RowHeights::new();
    for (c, w) in WIDTHS.iter().enumerate() {
        fit.set_width(sheet, c as u16, *w)?;
    }
    let last = VALUE_COL;
    // Title block: who asks, Quốc hiệu, form id, title with the period and its dates.
    sheet.merge_range(0, 0, 0, 1, &config.issuer_parent, &f.caps)?;
    sheet.merge_range(1, 0, 1, 1, &config.issuer_name, &f.bold)?;
    sheet.merge_range(0, 2, 0, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", &f.bold)?;
    sheet.merge_range(1, 2, 1, last, "Độc lập - Tự do - Hạnh phúc", &f.underlined)?;
    fit.cell(0, 2, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Style::BOLD, 12.0);
    fit.cell(0, 0, 1, &config.issuer_parent, Style::REGULAR, 12.0);
    fit.cell(1, 0, 1, &config.issuer_name, Style::BOLD, 12.0);
    sheet.write_string_with_format(3, last, &config.form_id, &f.form_id)?;
    sheet.merge_range(4, 0, 4, last, title, &f.title)?;
    fit.cell(4, 0, last, title, Style::BOLD, 14.0);
    let ((sm, sd), (em, ed)) = period.span();
    let span = format!("(Số liệu từ ngày {sd:02}/{sm:02}/{y} đến ngày {ed:02}/{em:02}/{y})", y = period.year);
    sheet.merge_range(5, 0, 5, last, &span, &f.italic)?;
    // The unit, filled in and locked.
    sheet.merge_range(lay.unit_row, 0, lay.unit_row, 1, "Đơn vị báo cáo:", &f.label)?;
    sheet.merge_range(lay.unit_row, 2, lay.unit_row, last, unit_name, &f.locked_value)?;
    fit.cell(lay.unit_row, 2, last, unit_name, Style::REGULAR, 12.0);
    sheet.merge_range(lay.group_row, 0, lay.group_row, 1, "Thuộc nhóm:", &f.label)?;
    sheet.merge_range(lay.group_row, 2, lay.group_row, last, group_name, &f.locked_value)?;
    fit.cell(lay.group_row, 2, last, group_name, Style::REGULAR, 12.0);
    // The day the unit sends it: what lateness is judged by (never the file's dates).
    sheet.merge_range(lay.date_row, 0, lay.date_row, 1, "Ngày nộp báo cáo:", &f.label)?;
    sheet.merge_range(lay.date_row, STATUS_COL, lay.date_row, last, "", &f.input_date)?;
    let date_rule = DataValidation::new()
        .allow_date(DataValidationRule::Between(
            rust_xlsxwriter::ExcelDateTime::from_ymd(1945, 1, 1)?,
            rust_xlsxwriter::ExcelDateTime::from_ymd(9999, 12, 31)?,
        ))
        .set_input_title("Ngày nộp")?
        .set_input_message("Ngày gửi báo cáo, dạng ngày/tháng/năm (ví dụ 05/04/2022).")?
        .set_error_title("Ngày nộp không hợp lệ")?
        .set_error_message("Nhập một ngày có thật, dạng ngày/tháng/năm (ví dụ 05/04/2022).")?;
    sheet.add_data_validation(lay.date_row, STATUS_COL, lay.date_row, STATUS_COL, &date_rule)?;

    // Indicator table: header, column codes, one row per indicator.
    for (c, h) in ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"].iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, c as u16, *h, &f.header)?;
        fit.cell(HEADER_ROW, c as u16, c as u16, h, Style::BOLD, 12.0);
    }
    for (c, h) in ["A", "B", "C", "1"].iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW + 1, c as u16, *h, &f.code)?;
    }
    let number_rule = DataValidation::new()
        .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
        .set_input_title("Số liệu")?
        .set_input_message("Nhập số nguyên không âm (0, 1, 2 …), không kèm chữ.")?
        .set_error_title("Số liệu không hợp lệ")?
        .set_error_message("Chỉ nhập số nguyên không âm (0, 1, 2 …), không có chữ, dấu phẩy hay số âm.")?;
    let row_of = |key: &str| lay.indicators.iter().find(|(k, _)| k == key).map_or(0, |(_, r)| *r);
    for (i, (ind, (_, row))) in config.indicators.iter().zip(&lay.indicators).enumerate() {
        let row = *row;
        sheet.write_number_with_format(row, STT_COL, (i + 1) as f64, &f.stt)?;
        let label = match &ind.group {
            Some(g) => format!("{g}: {}", ind.label),
            None => ind.label.clone(),
        };
        sheet.write_string_with_format(row, LABEL_COL, &label, &f.text)?;
        fit.cell(row, LABEL_COL, LABEL_COL, &label, Style::REGULAR, 12.0);
        let unit = ind.unit.as_deref().unwrap_or("%");
        sheet.write_string_with_format(row, STATUS_COL, unit, &f.unit)?;
        fit.cell(row, STATUS_COL, STATUS_COL, unit, Style::REGULAR, 12.0);
        match &ind.ratio {
            Some((num, den)) => {
                let (n, d) = (cell_name(row_of(num), VALUE_COL), cell_name(row_of(den), VALUE_COL));
                let formula = format!("=IF(N({d})=0,\"-\",{n}/{d})");
                sheet.write_formula_with_format(
                    row,
                    VALUE_COL,
                    rust_xlsxwriter::Formula::new(formula).set_result("-"),
                    &f.percent,
                )?;
            }
            None => {
                sheet.write_blank(row, VALUE_COL, &f.input_number)?;
                sheet.add_data_validation(row, VALUE_COL, row, VALUE_COL, &number_rule)?;
            }
        }
    }

    // Task table.
    if let Some(h) = lay.task_header {
        for (c, t) in ["STT", "Nhiệm vụ được giao", "Tình trạng", "Kết quả / sản phẩm đã có"].iter().enumerate()
        {
            sheet.write_string_with_format(h, c as u16, *t, &f.header)?;
            fit.cell(h, c as u16, c as u16, t, Style::BOLD, 12.0);
        }
        let status_rule = DataValidation::new()
            .allow_list_strings(&STATUSES)?
            .set_input_title("Tình trạng")?
            .set_input_message("Chọn trong danh sách.")?
            .set_error_title("Tình trạng")?
            .set_error_message("Chọn một trong: Chưa thực hiện, Đang thực hiện, Đã hoàn thành.")?;
        for (t, row) in &lay.tasks {
            let row = *row;
            sheet.write_string_with_format(row, STT_COL, &t.stt, &f.stt)?;
            if t.is_group {
                sheet.merge_range(row, LABEL_COL, row, last, &t.name, &f.group)?;
                fit.cell(row, LABEL_COL, last, &t.name, Style::BOLD, 12.0);
            } else {
                sheet.write_string_with_format(row, LABEL_COL, &t.name, &f.text)?;
                fit.cell(row, LABEL_COL, LABEL_COL, &t.name, Style::REGULAR, 12.0);
                sheet.write_blank(row, STATUS_COL, &f.input_text)?;
                sheet.add_data_validation(row, STATUS_COL, row, STATUS_COL, &status_rule)?;
                sheet.write_blank(row, VALUE_COL, &f.input_text)?;
            }
        }
    }

    // Instructions.
    for (k, line) in guide(config, period, &lay.sheet).iter().enumerate() {
        let row = lay.end_row + k as u32;
        sheet.merge_range(row, 0, row, last, line, &f.guide)?;
        fit.cell(row, 0, last, line, Style::ITALIC, 12.0);
    }
    fit.apply(sheet)?;

    // Protection (no password: an office may unprotect to fix a label), view and print.
    sheet.protect();
    sheet.set_freeze_panes(HEADER_ROW + 2, 0)?;
    crate::sheet::print_setup(sheet, false, (HEADER_ROW, HEADER_ROW + 1))?;
    Ok(())
}

/// Write every expected unit's form into `out`: the files written, and one error per form
/// that could not be made or written (naming its file); one failure never stops the others.
pub fn write_forms(
    config: &SummaryConfig,
    period: Period,
    out: &Path,
) -> (Vec<PathBuf>, Vec<crate::output::WriteError>) {
    let mut written = Vec::new();
    let mut errors = Vec::new();
    let mut position = 0;
    for (g, group) in config.groups.iter().enumerate() {
        for (u, name) in group.units.iter().enumerate() {
            position += 1;
            let path = out.join(file_name(position, name));
            let result = match form_workbook(config, period, g, u) {
                Ok(bytes) => crate::output::write_atomic(&path, &bytes),
                Err(e) => Err(crate::output::WriteError { path: path.clone(), reason: e.to_string() }),
            };
            match result {
                Ok(()) => written.push(path),
                Err(e) => errors.push(e),
            }
        }
    }
    (written, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_and_safe() {
        assert_eq!(slug("UBND xã Hồng Đức"), "ubnd-xa-hong-duc");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("Phòng Tài chính - Kế hoạch"), "phong-tai-chinh-ke-hoach");
        assert_eq!(file_name(2, "UBND xã Hồng Đức"), "02-ubnd-xa-hong-duc.xlsx");
        assert_eq!(slug("///"), "don-vi");
        assert_eq!(sheet_name("Biểu số 01"), "Biểu 01");
    }
}
