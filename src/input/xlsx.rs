//! Filled Excel forms (`form`) read back as unit reports, beside the JSON ones.
//!
//! Every problem names the file and the cell (`Biểu 01!D13`), in Vietnamese; a workbook
//! that cannot be read at all is one error, never a panic.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};

use crate::data::{InputError, Problem};
use crate::date::DateParts;
use crate::form::{self, IDENTITY_SHEET, LABEL_COL, STATUS_COL, STT_COL, VALUE_COL};
use crate::period::Period;
use crate::summary::{MAX_FIGURE, SummaryConfig, TaskStatus, UnitReport};

/// Spreadsheet files a unit may send: `.xlsx`, `.xlsm` (read), `.xls`, `.ods` (refused
/// with how to re-save them), so that no file a unit sent is silently ignored.
pub const FORM_EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// The reason of a workbook without the form's identity sheet: not a form (a workbook vanban
/// wrote itself, such as a summary next to the reports, or any other workbook). A warning,
/// and the file is skipped.
pub const NOT_A_FORM: &str = "không phải biểu mẫu (không có trang định danh của biểu mẫu): bỏ qua tệp này";

/// The warning of a form with nothing entered.
pub const BLANK_FORM: &str =
    "chưa nhập số liệu (biểu mẫu không có số liệu hay tình trạng nhiệm vụ nào): coi như chưa nộp";

/// The spreadsheet files of a folder, sorted (Excel's lock files `~$…` skipped).
///
/// # Errors
/// The folder cannot be read.
pub fn form_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| FORM_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
                && p.file_name().is_some_and(|n| !n.to_string_lossy().starts_with("~$"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// JSON reports and filled forms of a folder: those that load, the units of those that do
/// not, and the errors; then the warnings (workbooks that are not forms, skipped; files
/// that are neither reports nor forms).
///
/// # Errors
/// The folder cannot be read.
pub fn load_folder(dir: &Path, config: &SummaryConfig) -> std::io::Result<(crate::summary::Loaded, Vec<String>)> {
    let (mut reports, mut unreadable, mut errors) = crate::summary::load_folder(dir)?;
    let mut warnings = Vec::new();
    for r in &mut reports {
        crate::summary::flag_not_entered(r, config);
    }
    let files = form_files(dir)?;
    let results: Vec<_> = {
        use rayon::prelude::*;
        files.par_iter().map(|f| load_form(f, config)).collect()
    };
    for r in results {
        match r {
            // A form sent back as it was made (no figure, no task status) is not a report:
            // the unit counts as not submitted, with a warning naming the file.
            Ok(report) if report.figures.is_empty() && report.tasks.is_empty() => {
                warnings.push(format!("{}: {BLANK_FORM}", report.file.display()))
            }
            Ok(report) => reports.push(report),
            Err((None, e)) if e.problems.len() == 1 && e.problems[0].message == NOT_A_FORM => {
                warnings.push(e.to_string());
            }
            Err((unit, e)) => {
                unreadable.extend(unit.map(|u| (u, crate::summary::refusal_reason(&e))));
                errors.push(e);
            }
        }
    }
    warnings.extend(unknown_files(dir)?);
    Ok(((reports, unreadable, errors), warnings))
}

/// Files of a period folder that are neither reports nor forms, each a warning: a unit may
/// have sent its report in a format that is not read. Hidden files, lock files and the
/// PDFs vanban writes itself are left out.
fn unknown_files(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let ext = p.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
            !(name.starts_with('.')
                || name.starts_with("~$")
                || ext == "json"
                || FORM_EXTENSIONS.contains(&ext.as_str())
                || (ext == "pdf" && written_by_vanban(p)))
        })
        .collect();
    found.sort();
    Ok(found
        .iter()
        .map(|p| format!("{}: không phải báo cáo (.json) hay biểu mẫu (.xlsx): không đọc tệp này", p.display()))
        .collect())
}

/// A PDF vanban wrote (its metadata names vanban as the creator tool).
fn written_by_vanban(path: &Path) -> bool {
    crate::fsio::read_limited(path, crate::fsio::MAX_INPUT_BYTES)
        .is_ok_and(|b| b.windows(16).any(|w| w == b"/Creator(vanban "))
}

fn one(file: &Path, pointer: &str, message: impl Into<String>) -> InputError {
    InputError {
        file: file.to_path_buf(),
        problems: vec![Problem { pointer: pointer.into(), message: message.into() }],
    }
}

/// Largest inflated size of one part of a form's zip (a sheet, the shared strings …): a
/// real form's sheet is some 25 KB, so this only stops zip bombs.
pub const MAX_FORM_PART_BYTES: u64 = 64 * 1024 * 1024;

/// Largest inflated size of all the parts of a form together.
pub const MAX_FORM_TOTAL_BYTES: u64 = 4 * MAX_FORM_PART_BYTES;

/// A part above 1 MiB that inflates more than this many times its compressed size is a zip
/// bomb, not a spreadsheet (real sheets compress some 5 to 20 times).
pub const MAX_FORM_RATIO: u64 = 200;

/// Text read from a workbook, safe to print: control characters (line breaks, escape
/// sequences …) written as escapes (`\n`, `\u{1b}`), so that a cell cannot forge lines
/// or drive the terminal.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The cells of one sheet inside a bounded area; cells outside it are never stored, so a
/// reference such as `XFD1048576` costs nothing.
struct Cells(HashMap<(u32, u32), Data>);

impl Cells {
    fn get(&self, row: u32, col: u32) -> Option<&Data> {
        self.0.get(&(row, col))
    }

    fn text(&self, row: u32, col: u32) -> String {
        self.get(row, col).map(|d| d.to_string()).unwrap_or_default().trim().to_string()
    }

    fn last_row(&self) -> u32 {
        self.0.keys().map(|(r, _)| *r + 1).max().unwrap_or(0)
    }
}

/// Read a sheet's cells in rows `< rows` and columns `< cols`, through calamine's cell
/// reader (never a dense range). `Ok(None)` when the sheet is missing.
fn read_cells<R: std::io::Read + std::io::Seek>(
    wb: &mut calamine::Xlsx<R>,
    name: &str,
    rows: u32,
    cols: u32,
) -> Result<Option<Cells>, String> {
    let broken = || {
        format!(
            "trang tính \"{}\" bị hỏng, không đọc được; mở bằng Excel hoặc LibreOffice rồi lưu lại",
            printable(name)
        )
    };
    let mut reader = match wb.worksheet_cells_reader(name) {
        Ok(r) => r,
        Err(calamine::XlsxError::WorksheetNotFound(_)) => return Ok(None),
        Err(_) => return Err(broken()),
    };
    let mut cells = HashMap::new();
    loop {
        match reader.next_cell() {
            Ok(Some(cell)) => {
                let (row, col) = cell.get_position();
                if row < rows && col < cols {
                    cells.insert((row, col), Data::from(cell.get_value().clone()));
                }
            }
            Ok(None) => break,
            Err(_) => return Err(broken()),
        }
    }
    Ok(Some(Cells(cells)))
}

/// The form's bytes: a regular file, at most [`crate::fsio::MAX_INPUT_BYTES`], read whole
/// (a FIFO is never opened for reading).
fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    crate::fsio::read_limited(path, crate::fsio::MAX_INPUT_BYTES).map_err(|e| e.to_string())
}

/// Check every part of the zip before calamine inflates any: its declared size, its ratio,
/// and its true inflated size (read through a bounded reader, whatever the header claims).
/// Returns the worksheet parts, inflated, for the checks calamine cannot make.
fn check_zip(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    const NOT_XLSX: &str =
        "không phải tệp Excel .xlsx, tệp bị hỏng hoặc có đặt mật khẩu (bỏ mật khẩu rồi lưu lại dạng .xlsx)";
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| NOT_XLSX.to_string())?;
    let mut total = 0u64;
    let mut sheets = Vec::new();
    let bomb = |name: &str| {
        format!(
            "phần \"{}\" của tệp Excel giải nén ra quá lớn (tối đa {} MiB mỗi phần, {} MiB cả tệp, nén không quá {MAX_FORM_RATIO} lần); không phải biểu mẫu",
            printable(name),
            MAX_FORM_PART_BYTES >> 20,
            MAX_FORM_TOTAL_BYTES >> 20
        )
    };
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| NOT_XLSX.to_string())?;
        let name = entry.name().to_string();
        let (declared, packed) = (entry.size(), entry.compressed_size());
        let absurd = |size: u64| size > 1 << 20 && size / packed.max(1) > MAX_FORM_RATIO;
        if declared > MAX_FORM_PART_BYTES || absurd(declared) {
            return Err(bomb(&name));
        }
        let keep = name.starts_with("xl/worksheets/") && name.ends_with(".xml");
        let mut data = Vec::new();
        let n = if keep {
            (&mut entry).take(MAX_FORM_PART_BYTES + 1).read_to_end(&mut data)
        } else {
            std::io::copy(&mut (&mut entry).take(MAX_FORM_PART_BYTES + 1), &mut std::io::sink()).map(|n| n as usize)
        }
        .map_err(|_| NOT_XLSX.to_string())? as u64;
        total += n;
        if n > MAX_FORM_PART_BYTES || absurd(n) || total > MAX_FORM_TOTAL_BYTES {
            return Err(bomb(&name));
        }
        if keep {
            sheets.push((name, data));
        }
    }
    Ok(sheets)
}

/// Does `cell` (`D15`) hold a formula without a cached result in one of the sheets' XML?
/// (Written so by generators that never compute, such as openpyxl.)
fn formula_without_value(sheets: &[(String, Vec<u8>)], cell: &str) -> bool {
    let has = |body: &str, el: &str| {
        ['>', ' ', '/'].iter().any(|end| body.contains(&format!("<{el}{end}")) || body.contains(&format!(":{el}{end}")))
    };
    for (_, xml) in sheets {
        let xml = String::from_utf8_lossy(xml);
        let needle = format!("r=\"{cell}\"");
        let mut from = 0;
        while let Some(i) = xml[from..].find(&needle) {
            let at = from + i;
            from = at + needle.len();
            let rest = &xml[at..];
            let Some(tag_end) = rest.find('>') else { break };
            if rest[..tag_end].ends_with('/') {
                continue;
            }
            let body = &rest[tag_end + 1..];
            let end = body.find("</c>").into_iter().chain(body.find(":c>")).min().unwrap_or(body.len());
            let body = &body[..end];
            if has(body, "f") && !has(body, "v") && !has(body, "is") {
                return true;
            }
        }
    }
    false
}

/// Read one filled form. `Err` carries the unit (when the form names one) and the problems.
/// A defect met while reading (a panic in the reader) fails this form only.
pub fn load_form(path: &Path, config: &SummaryConfig) -> Result<UnitReport, (Option<String>, InputError)> {
    crate::pipeline::catch_panic(|| read_form(path, config)).unwrap_or_else(|text| {
        Err((
            None,
            one(
                path,
                "",
                format!("lỗi nội bộ khi đọc biểu mẫu ({}), hãy gửi tệp này cho người phát triển", printable(&text)),
            ),
        ))
    })
}

fn read_form(path: &Path, config: &SummaryConfig) -> Result<UnitReport, (Option<String>, InputError)> {
    let fail = |unit: Option<String>, pointer: &str, message: String| Err((unit, one(path, pointer, message)));
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xls")) {
        return fail(None, "", "tệp Excel cũ (.xls): mở bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx".into());
    }
    if path.is_dir() {
        return fail(None, "", "là thư mục, không phải tệp Excel".into());
    }
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ods")) {
        return fail(
            None,
            "",
            "tệp LibreOffice (.ods): mở bằng LibreOffice, Tệp > Lưu thành… chọn Excel 2007-365 (.xlsx) rồi gửi lại"
                .into(),
        );
    }
    let bytes = match read_bytes(path) {
        Ok(b) => b,
        Err(e) => return fail(None, "", e),
    };
    let xml_sheets = match check_zip(&bytes) {
        Ok(s) => s,
        Err(e) => return fail(None, "", e),
    };
    let mut wb = match calamine::Xlsx::new(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(e) => {
            let reason = match e {
                calamine::XlsxError::Zip(_) => {
                    "không phải tệp Excel .xlsx, tệp bị hỏng hoặc có đặt mật khẩu (bỏ mật khẩu rồi lưu lại dạng .xlsx)"
                        .to_string()
                }
                // calamine's and the XML reader's reasons are English: a Vietnamese sentence,
                // the library's words only as a detail.
                other => format!(
                    "tệp Excel bị hỏng, không đọc được; mở bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi gửi lại (chi tiết: {})",
                    printable(&other.to_string())
                ),
            };
            return fail(None, "", reason.to_string());
        }
    };
    let lay = form::layout(config);
    let lines = form::structure_lines(config, &lay);
    let id_rows = 10 + lines.len() as u32 + 100;
    let id = match read_cells(&mut wb, IDENTITY_SHEET, id_rows, 4) {
        Ok(Some(id)) => id,
        // The form's own sheet without the identity sheet: a unit's report that cannot be
        // told apart from another unit's, refused (never skipped unseen).
        Ok(None) if calamine::Reader::sheet_names(&wb).contains(&lay.sheet) => {
            return fail(
                None,
                "",
                format!(
                    "biểu mẫu thiếu trang ẩn định danh \"{IDENTITY_SHEET}\" (bị xóa, hoặc số liệu đã chép sang tệp khác) nên không biết là báo cáo của đơn vị nào: nhập số liệu vào biểu do vanban form tạo rồi gửi lại"
                ),
            );
        }
        Ok(None) => return fail(None, "", NOT_A_FORM.into()),
        Err(e) => return fail(None, "", e),
    };
    let get = |k: &str| (0..10).find(|r| id.text(*r, 0) == k).map(|r| id.text(r, 1)).unwrap_or_default();
    // Whatever the identity sheet holds is printed only through `printable`; a unit or
    // group name with control characters is no unit of the configuration.
    for (r, key) in [(3, "đơn vị"), (4, "nhóm")] {
        let v = get(key);
        if v.chars().any(|c| c.is_control()) {
            return fail(
                None,
                &format!("{IDENTITY_SHEET}!{}", form::cell_name(r, 1u16)),
                format!("{key} \"{}\" có ký tự điều khiển; dùng biểu mẫu được gửi", printable(&v)),
            );
        }
    }
    let unit_name = get("đơn vị");
    let unit = Some(unit_name.clone()).filter(|u| !u.is_empty());
    if get("biểu").is_empty() || get("phiên bản").is_empty() {
        return fail(
            unit,
            "",
            format!(
                "trang định danh \"{IDENTITY_SHEET}\" không ghi mã biểu và phiên bản: không phải biểu mẫu do vanban form tạo, hoặc trang này đã bị sửa; gửi lại biểu mẫu \"{}\" cho đơn vị",
                config.form_id
            ),
        );
    }
    if get("biểu") != config.form_id || get("phiên bản") != form::FORM_VERSION.to_string() {
        return fail(
            unit,
            "",
            format!(
                "biểu \"{}\" phiên bản {} không phải biểu \"{}\" phiên bản {} đang dùng; gửi lại biểu mẫu mới cho đơn vị",
                printable(&get("biểu")),
                printable(&get("phiên bản")),
                config.form_id,
                form::FORM_VERSION
            ),
        );
    }
    if get("mã cấu trúc") != form::structure_hash(&lines) {
        let old: Vec<String> = (10..id.last_row())
            .map(|r| (0..4).map(|c| id.text(r, c)).collect::<Vec<_>>().join("\t"))
            .filter(|l| !l.trim().is_empty())
            .collect();
        let changed: Vec<String> = lines
            .iter()
            .filter(|l| !old.contains(l))
            .chain(old.iter().filter(|l| !lines.contains(l)))
            .take(3)
            .map(|l| printable(&l.replace('\t', " ")))
            .collect();
        return fail(unit, "", format!("biểu mẫu đã cũ hoặc bị sửa cấu trúc (khác ở: {})", changed.join("; ")));
    }
    let Some(period) = Period::parse(&get("kỳ")) else {
        return fail(unit, "", format!("kỳ báo cáo \"{}\" trong trang định danh không hợp lệ", printable(&get("kỳ"))));
    };
    let sheet = match read_cells(&mut wb, &lay.sheet, lay.end_row + 100, u32::from(VALUE_COL) + 1) {
        Ok(Some(sheet)) => sheet,
        Ok(None) => return fail(unit, "", format!("thiếu trang tính \"{}\"", lay.sheet)),
        Err(e) => return fail(unit, "", e),
    };
    let at = |row: u32, col: u16| format!("{}!{}", lay.sheet, form::cell_name(row, col));
    // What the visible sheet shows must be what the identity says: the unit, the period in
    // the title, and every indicator and task on its own row (a deleted or moved row would
    // put figures and statuses on the wrong lines).
    let shown_unit = sheet.text(lay.unit_row, u32::from(STATUS_COL));
    if shown_unit != unit_name {
        return fail(
            unit,
            &at(lay.unit_row, STATUS_COL),
            format!(
                "đơn vị ghi trên biểu \"{}\" khác đơn vị trong trang định danh \"{}\"; dùng biểu mẫu được gửi cho đơn vị",
                printable(&shown_unit),
                printable(&unit_name)
            ),
        );
    }
    let title = crate::vn::upper(&format!("{} {}", config.title, period));
    let shown_title = sheet.text(4, 0);
    if shown_title != title.trim() {
        return fail(
            unit,
            &at(4, 0),
            format!(
                "tiêu đề \"{}\" không phải \"{title}\" của kỳ {period} ghi trong trang định danh; dùng biểu mẫu của kỳ này",
                printable(&shown_title)
            ),
        );
    }
    let mut expected: Vec<(u32, String, String, String)> = Vec::new();
    for (i, (ind, (_, row))) in config.indicators.iter().zip(&lay.indicators).enumerate() {
        let label = match &ind.group {
            Some(g) => format!("{g}: {}", ind.label),
            None => ind.label.clone(),
        };
        expected.push((*row, (i + 1).to_string(), label, format!("chỉ tiêu \"{}\"", ind.label)));
    }
    for (t, row) in &lay.tasks {
        expected.push((*row, t.stt.clone(), t.name.clone(), format!("nhiệm vụ {}", t.stt)));
    }
    for (row, stt, label, what) in &expected {
        let (shown_stt, shown_label) = (sheet.text(*row, u32::from(STT_COL)), sheet.text(*row, u32::from(LABEL_COL)));
        if shown_stt != stt.trim() || shown_label != label.trim() {
            return fail(
                unit,
                &at(*row, STT_COL),
                format!(
                    "hàng {} phải là {what} (STT {stt}) nhưng {}: hàng đã bị xóa, chèn, chuyển hoặc sửa; nhập lại vào biểu mẫu được gửi",
                    row + 1,
                    match [shown_stt, shown_label].iter().filter(|t| !t.is_empty()).cloned().collect::<Vec<_>>() {
                        shown if shown.is_empty() => "để trống".to_string(),
                        shown => format!("ghi \"{}\"", printable(&shown.join(" "))),
                    }
                ),
            );
        }
    }
    let mut problems = Vec::new();
    let mut figures = BTreeMap::new();
    let mut warnings = Vec::new();
    for (ind, (key, row)) in config.indicators.iter().zip(&lay.indicators) {
        if ind.ratio.is_some() {
            continue;
        }
        let value = sheet.get(*row, u32::from(VALUE_COL));
        let bad = |what: String| Problem {
            pointer: at(*row, VALUE_COL),
            message: format!("{}: {what}; cần số nguyên không âm", ind.label),
        };
        match value {
            None | Some(Data::Empty) if formula_without_value(&xml_sheets, &form::cell_name(*row, VALUE_COL)) => {
                problems.push(Problem {
                    pointer: at(*row, VALUE_COL),
                    message: format!(
                        "{}: công thức chưa được tính (không có kết quả lưu sẵn): mở tệp bằng Excel/LibreOffice và lưu lại",
                        ind.label
                    ),
                });
            }
            None | Some(Data::Empty) => warnings.push(Problem {
                pointer: at(*row, VALUE_COL),
                message: crate::summary::not_entered_message(&ind.label),
            }),
            Some(Data::String(s)) if s.trim().is_empty() => warnings.push(Problem {
                pointer: at(*row, VALUE_COL),
                message: crate::summary::not_entered_message(&ind.label),
            }),
            Some(Data::Int(i)) if *i >= 0 && (*i as u64) <= MAX_FIGURE => {
                figures.insert(key.clone(), *i as u64);
            }
            Some(Data::Float(f)) if *f >= 0.0 && f.fract() == 0.0 && *f <= MAX_FIGURE as f64 => {
                figures.insert(key.clone(), *f as u64);
            }
            Some(Data::Int(i)) if *i >= 0 => problems.push(bad(too_large(&i.to_string()))),
            Some(Data::Float(f)) if *f >= 0.0 && f.fract() == 0.0 => problems.push(bad(too_large(&f.to_string()))),
            Some(Data::Float(f)) if *f < 0.0 => problems.push(bad(format!("số âm {f}"))),
            Some(Data::Int(i)) => problems.push(bad(format!("số âm {i}"))),
            Some(Data::Float(f)) => problems.push(bad(format!("số thập phân {f}"))),
            Some(Data::String(s)) if is_error_text(s) => problems.push(bad(format!("ô có lỗi công thức {}", s.trim()))),
            Some(Data::String(s)) => match s.trim().parse::<u64>() {
                Ok(v) if v <= MAX_FIGURE => {
                    figures.insert(key.clone(), v);
                }
                Ok(v) => problems.push(bad(too_large(&v.to_string()))),
                Err(_) => problems.push(bad(format!("\"{}\" không phải là số", printable(s)))),
            },
            Some(Data::Error(e)) => problems.push(bad(format!("ô có lỗi công thức {e}"))),
            Some(other) => problems.push(bad(format!("giá trị \"{}\"", printable(&other.to_string())))),
        }
    }
    // The day it was sent, from the `Ngày nộp` cell the identity names (none on older forms).
    let mut submitted = None;
    if get(form::DATE_KEY) == form::cell_name(lay.date_row, STATUS_COL) {
        let pointer = at(lay.date_row, STATUS_COL);
        let value = sheet.get(lay.date_row, u32::from(STATUS_COL));
        let parsed = match value {
            None | Some(Data::Empty) => Ok(None),
            Some(Data::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Data::DateTime(d)) => DateParts::from_serial(d.as_f64()).map(Some).ok_or_else(|| d.to_string()),
            Some(Data::Float(f)) => DateParts::from_serial(*f).map(Some).ok_or_else(|| f.to_string()),
            Some(Data::Int(i)) => DateParts::from_serial(*i as f64).map(Some).ok_or_else(|| i.to_string()),
            Some(Data::DateTimeIso(s)) => {
                DateParts::parse_day(s.get(..10).unwrap_or(s)).map(Some).ok_or_else(|| s.clone())
            }
            Some(Data::String(s)) => DateParts::parse_day(s).map(Some).ok_or_else(|| s.clone()),
            Some(other) => Err(other.to_string()),
        };
        match parsed {
            Ok(Some(d)) => submitted = Some(d),
            Ok(None) => {
                if let Some(deadline) = config.deadlines.get(&period) {
                    warnings.push(Problem { pointer, message: crate::summary::no_date_message(*deadline) });
                }
            }
            Err(v) => problems.push(Problem {
                pointer,
                message: format!(
                    "ngày nộp \"{}\" không đọc được; cần một ngày dạng ngày/tháng/năm (ví dụ 05/04/2022)",
                    printable(&v)
                ),
            }),
        }
    }
    let mut tasks = BTreeMap::new();
    for (t, row) in lay.tasks.iter().filter(|(t, _)| !t.is_group) {
        let s = sheet.text(*row, u32::from(STATUS_COL));
        if s.is_empty() {
            continue;
        }
        match TaskStatus::parse(&s) {
            Some(status) => {
                tasks.insert(t.stt.clone(), status);
            }
            None => problems.push(Problem {
                pointer: at(*row, STATUS_COL),
                message: format!(
                    "tình trạng \"{}\" của nhiệm vụ {} không hợp lệ (chọn: Chưa thực hiện, Đang thực hiện, Đã hoàn thành)",
                    printable(&s),
                    t.stt
                ),
            }),
        }
    }
    if !problems.is_empty() {
        return Err((unit, InputError { file: path.to_path_buf(), problems }));
    }
    Ok(UnitReport {
        file: path.to_path_buf(),
        unit: unit_name,
        group: Some(get("nhóm")).filter(|g| !g.is_empty()),
        period,
        figures,
        tasks,
        submitted,
        warnings,
    })
}

/// A figure above the documented bound (the same as for JSON reports).
fn too_large(v: &str) -> String {
    format!("số liệu {v} quá lớn (tối đa {MAX_FIGURE}, để mọi tổng đều chính xác trong Excel)")
}

/// A formula error as some writers store its cached result: text such as `#DIV/0!`, `#REF!`.
fn is_error_text(s: &str) -> bool {
    matches!(s.trim(), "#DIV/0!" | "#REF!" | "#VALUE!" | "#NAME?" | "#N/A" | "#NUM!" | "#NULL!")
}

#[cfg(test)]
mod tests {
    #[test]
    fn workbook_text_is_printed_on_one_line_without_escapes() {
        assert_eq!(super::printable("Phòng\n\u{1b}[2J\u{7f}\u{2028}x"), "Phòng\\n\\u{1b}[2J\\u{7f}\\u{2028}x");
    }
}
