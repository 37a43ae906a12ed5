//! An annex's rows read from a worksheet (`"rows_from": "nhiem-vu.xlsx"`) instead of JSON:
//! the plan's own tracking workbook as vanban writes it, or a simple sheet a clerk made.
//!
//! The rules (README "Annexes (phụ lục)"):
//!
//! - the **header row** is the first of the sheet's first 30 rows in which a cell holds the
//!   label of one of the annex's columns (labels compared ignoring case and spacing); every
//!   column of the annex must be there, except `STT`; the tracking columns (`Tình trạng`,
//!   `Kết quả / sản phẩm đã có`, `Ghi chú`) are ignored, any other label is an error;
//! - each row under it is a task, except:
//!   - a **group row**: its STT cell holds a Roman numeral (`I`, `II`; in `nested`
//!     numbering a whole number where a task would have `1.2`, as the tool numbers groups
//!     there), or it has no STT and only its first text cell is filled; the cells after
//!     that one are the group's values;
//!   - a **sub-task**: its STT is the STT of the task above followed by `.` and a number
//!     (`5.1` under `5`);
//!   - a row without any text outside the STT column is skipped.
//!
//!   The tool numbers rows itself: numbers in the STT column only mark groups and
//!   sub-tasks, and any other text there (`TỔNG CỘNG`, `*`) is printed as given and not
//!   counted.
//!
//! Every problem names the sheet and the cell (`Nhiệm vụ!C12`), in Vietnamese, all at once;
//! a file that is not a readable workbook is one problem, never a panic.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{DataRef, Reader};
use unicode_normalization::UnicodeNormalization;

use crate::annex::{Column, Numbering, RawRow, STT, TRACKING_COLUMNS};
use crate::fsio;

/// Rows searched for the header row.
pub const HEADER_SEARCH_ROWS: u32 = 30;

/// Most rows read from a sheet (the annex of the largest plan has a few hundred).
pub const MAX_SHEET_ROWS: u32 = 20_000;

/// Columns read (cells further right are ignored).
const MAX_SHEET_COLS: u32 = 256;

/// Longest cell text (Excel's own limit).
pub const MAX_CELL_CHARS: usize = 32_767;

/// One problem of a rows file: where (`Nhiệm vụ!C12`, a sheet name, or `None` for the
/// whole file) and what, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetProblem {
    /// `Sheet!A1`, `Sheet`, or `None`.
    pub at: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

fn whole(message: impl Into<String>) -> Vec<SheetProblem> {
    vec![SheetProblem { at: None, message: message.into() }]
}

/// What the rows are read against: the annex's columns and numbering, and which sheet.
pub struct RowsRequest<'a> {
    /// The annex's columns, STT first.
    pub columns: &'a [Column],
    /// Its numbering (groups are numbered `1`, `2` when nested).
    pub numbering: Numbering,
    /// The sheet named by `"sheet"`, if any.
    pub sheet: Option<&'a str>,
    /// The annex's worksheet name: read when `sheet` is not given and the workbook has it
    /// (the plan's own tracking workbook); otherwise the first sheet.
    pub default_sheet: &'a str,
}

pub use crate::diag::cell_name;

/// Read the rows of an annex from a workbook file (read whole, bounded, before parsing).
///
/// # Errors
/// Every problem found: the file (not a workbook, password-protected, corrupt, too large),
/// the sheet (missing), the header (a column missing or unknown) or the cells.
pub fn read_rows(path: &Path, req: &RowsRequest<'_>) -> Result<Vec<RawRow>, Vec<SheetProblem>> {
    let bytes = match fsio::read_limited(path, fsio::MAX_INPUT_BYTES) {
        Ok(b) => b,
        Err(fsio::ReadError::Io(e)) => return Err(whole(format!("không đọc được tệp ({})", fsio::io_reason(&e)))),
        Err(e) => return Err(whole(e.to_string())),
    };
    read_rows_from_bytes(bytes, req)
}

/// [`read_rows`] on the bytes of a workbook.
///
/// # Errors
/// As [`read_rows`].
pub fn read_rows_from_bytes(bytes: Vec<u8>, req: &RowsRequest<'_>) -> Result<Vec<RawRow>, Vec<SheetProblem>> {
    const OLE: [u8; 4] = [0xD0, 0xCF, 0x11, 0xE0];
    let ole = bytes.starts_with(&OLE);
    let mut wb = match calamine::Xlsx::new(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(calamine::XlsxError::Password) => {
            return Err(whole("tệp Excel có đặt mật khẩu: mở tệp, bỏ mật khẩu rồi lưu lại dạng .xlsx"));
        }
        Err(_) if ole => {
            return Err(whole("tệp Excel cũ (.xls): mở bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx"));
        }
        Err(calamine::XlsxError::Zip(_)) => {
            return Err(whole(
                "không phải tệp Excel .xlsx hoặc tệp bị hỏng (cần tệp .xlsx lưu từ Excel hoặc LibreOffice)",
            ));
        }
        Err(_) => {
            return Err(whole(
                "tệp Excel bị hỏng, không đọc được: mở bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx",
            ));
        }
    };
    let names = wb.sheet_names();
    let sheet = match req.sheet {
        Some(s) => match names.iter().find(|n| n.as_str() == s) {
            Some(n) => n.clone(),
            None => {
                return Err(whole(format!(
                    "không có trang tính \"{s}\" (các trang tính của tệp: {})",
                    quoted_list(&names)
                )));
            }
        },
        None => match names.iter().find(|n| n.as_str() == req.default_sheet).or(names.first()) {
            Some(n) => n.clone(),
            None => return Err(whole("tệp Excel không có trang tính nào")),
        },
    };
    let grid = read_grid(&mut wb, &sheet)?;
    rows_of(&grid, &sheet, req)
}

fn quoted_list(names: &[String]) -> String {
    if names.is_empty() {
        return "không có".into();
    }
    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

/// The sheet's cells as text by row and column (empty cells left out), and the cells
/// that hold a formula error.
struct Grid {
    rows: BTreeMap<u32, BTreeMap<u32, String>>,
    problems: Vec<SheetProblem>,
}

fn read_grid(wb: &mut calamine::Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Result<Grid, Vec<SheetProblem>> {
    // calamine's own message is English: the clerk gets what to do instead.
    let broken = |_: calamine::XlsxError| {
        whole(format!(
            "trang tính \"{sheet}\" bị hỏng, không đọc được: mở bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx"
        ))
    };
    let mut reader = wb.worksheet_cells_reader(sheet).map_err(broken)?;
    let mut grid = Grid { rows: BTreeMap::new(), problems: Vec::new() };
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => return Err(broken(e)),
        };
        let (row, col) = cell.get_position();
        if col >= MAX_SHEET_COLS {
            continue;
        }
        let text = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) => s.clone(),
            DataRef::SharedString(s) => (*s).to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Float(f) => number_text(*f),
            DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            DataRef::DateTime(d) => date_text(d.as_f64()),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::Error(e) => {
                grid.problems.push(SheetProblem {
                    at: Some(format!("{sheet}!{}", cell_name(row, col))),
                    message: format!("ô có lỗi công thức {e}; cần nội dung văn bản"),
                });
                continue;
            }
        };
        if row >= HEADER_SEARCH_ROWS + MAX_SHEET_ROWS {
            return Err(vec![SheetProblem {
                at: Some(format!("{sheet}!{}", cell_name(row, col))),
                message: format!("trang tính quá nhiều dòng (đọc tối đa {MAX_SHEET_ROWS} dòng nhiệm vụ)"),
            }]);
        }
        grid.rows.entry(row).or_default().insert(col, text);
    }
    Ok(grid)
}

/// A number as a clerk typed it: `115`, `2.5`.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{f:.0}") } else { f.to_string() }
}

/// An Excel date serial (1900 system) as `dd/mm/yyyy` (and `hh:mm` when it has a time).
fn date_text(serial: f64) -> String {
    if !(1.0..2_958_466.0).contains(&serial) {
        return number_text(serial);
    }
    // Days since 1970-01-01: Excel counts 1900-02-29, which never was, so serials from 61
    // are one day ahead of the calendar (25569 = 1970-01-01).
    let days = serial.floor() as i64 - 25_569 + i64::from(serial < 61.0);
    let (y, m, d) = crate::date::civil_from_days(days);
    let minutes = ((serial - serial.floor()) * 1440.0).round() as i64;
    if minutes == 0 || minutes >= 1440 {
        format!("{d:02}/{m:02}/{y}")
    } else {
        format!("{d:02}/{m:02}/{y} {:02}:{:02}", minutes / 60, minutes % 60)
    }
}

/// A label as compared: NFC, lower case, runs of spaces and line breaks as one space.
fn label_key(s: &str) -> String {
    s.nfc().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A Roman numeral as the tool writes group numbers (`I` … `MMMCMXCIX`).
fn is_roman(s: &str) -> bool {
    let value = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let Some(digits) = s.chars().map(value).collect::<Option<Vec<u32>>>() else { return false };
    let n: i64 = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| if digits.get(i + 1).is_some_and(|&next| next > d) { -i64::from(d) } else { i64::from(d) })
        .sum();
    (1..4000).contains(&n) && crate::vn::roman(n as u32) == s
}

/// `5`, `5.1`, `1.2.` : digits separated by dots (a trailing dot allowed).
fn is_number(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    !s.is_empty() && s.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Cell text as the JSON loader keeps it: NFC, `\r\n` → `\n`, tabs → spaces, trimmed;
/// `Err` names a control character.
fn clean(s: &str) -> Result<String, String> {
    let s: String = s.nfc().collect();
    let s = s.replace("\r\n", "\n").replace('\r', "\n").replace('\t', " ");
    if let Some(c) = s.chars().find(|c| c.is_control() && *c != '\n') {
        return Err(format!("có ký tự điều khiển không in được (U+{:04X})", c as u32));
    }
    Ok(s.trim().to_string())
}

fn rows_of(grid: &Grid, sheet: &str, req: &RowsRequest<'_>) -> Result<Vec<RawRow>, Vec<SheetProblem>> {
    let columns = req.columns;
    let at = |row: u32, col: u32| Some(format!("{sheet}!{}", cell_name(row, col)));
    let mut problems = grid.problems.clone();
    let keys: Vec<String> = columns.iter().map(|c| label_key(&c.label)).collect();
    let is_text_col = |i: usize| columns[i].key != STT;

    // The header row.
    let header = grid.rows.range(..HEADER_SEARCH_ROWS).find(|(_, cells)| {
        cells.values().any(|t| keys.iter().enumerate().any(|(i, k)| is_text_col(i) && *k == label_key(t)))
    });
    let Some((&header_row, header_cells)) = header else {
        let labels: Vec<String> = columns.iter().map(|c| format!("\"{}\"", c.label)).collect();
        return Err(vec![SheetProblem {
            at: Some(sheet.to_string()),
            message: format!(
                "không tìm thấy dòng tiêu đề cột trong {HEADER_SEARCH_ROWS} dòng đầu: cần một dòng ghi tên các cột của phụ lục ({})",
                labels.join(", ")
            ),
        }]);
    };
    let tracking: Vec<String> = TRACKING_COLUMNS.iter().map(|t| label_key(t)).collect();
    let mut sheet_col: Vec<Option<u32>> = vec![None; columns.len()];
    let mut header_problems = Vec::new();
    for (&col, text) in header_cells {
        let key = label_key(text);
        if key.is_empty() {
            continue;
        }
        match keys.iter().position(|k| *k == key) {
            Some(i) => match sheet_col[i] {
                Some(first) => header_problems.push(SheetProblem {
                    at: at(header_row, col),
                    message: format!(
                        "cột \"{}\" lặp lại (đã có ở ô {})",
                        columns[i].label,
                        cell_name(header_row, first)
                    ),
                }),
                None => sheet_col[i] = Some(col),
            },
            None if tracking.contains(&key) => {}
            None => header_problems.push(SheetProblem {
                at: at(header_row, col),
                message: format!(
                    "cột \"{}\" không có trong phụ lục (các cột: {}; các cột theo dõi {} được bỏ qua)",
                    text.split_whitespace().collect::<Vec<_>>().join(" "),
                    columns.iter().map(|c| format!("\"{}\"", c.label)).collect::<Vec<_>>().join(", "),
                    TRACKING_COLUMNS.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }
    for (i, c) in columns.iter().enumerate() {
        if is_text_col(i) && sheet_col[i].is_none() {
            header_problems.push(SheetProblem {
                at: Some(sheet.to_string()),
                message: format!("dòng tiêu đề (dòng {}) thiếu cột \"{}\" của phụ lục", header_row + 1, c.label),
            });
        }
    }
    if !header_problems.is_empty() {
        problems.extend(header_problems);
        return Err(problems);
    }

    // The rows.
    let stt_col = columns.iter().position(|c| c.key == STT);
    let text_col = (0..columns.len()).find(|&i| is_text_col(i)).unwrap_or(0);
    let mut out: Vec<RawRow> = Vec::new();
    // The STT the sheet gives the task sub-tasks attach to.
    let mut parent: Option<String> = None;
    // Groups and tasks so far: in nested numbering the tasks before the first group are
    // numbered 1, 2 … and the first group 1 too.
    let (mut groups, mut tasks) = (0usize, 0usize);
    for (&row, cells_in) in grid.rows.range(header_row + 1..) {
        let mut cells = vec![String::new(); columns.len()];
        for (i, col) in sheet_col.iter().enumerate() {
            let Some(col) = col else { continue };
            let Some(raw) = cells_in.get(col) else { continue };
            match clean(raw) {
                Ok(t) => cells[i] = t,
                Err(m) => problems.push(SheetProblem { at: at(row, *col), message: m }),
            }
            let n = cells[i].chars().count();
            if n > MAX_CELL_CHARS {
                problems.push(SheetProblem {
                    at: at(row, *col),
                    message: format!("ô quá dài ({n} ký tự; Excel cho phép tối đa 32.767)"),
                });
            }
        }
        let stt = stt_col.map(|i| std::mem::take(&mut cells[i])).unwrap_or_default();
        let filled: Vec<usize> = (0..columns.len()).filter(|&i| is_text_col(i) && !cells[i].is_empty()).collect();
        if filled.is_empty() {
            continue;
        }
        let only_first = filled == [text_col];
        let sub_of_parent = parent.as_deref().is_some_and(|p| {
            is_number(&stt)
                && stt
                    .trim_end_matches('.')
                    .strip_prefix(p.trim_end_matches('.'))
                    .and_then(|r| r.strip_prefix('.'))
                    .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()))
        });
        let whole_number = is_number(&stt) && !stt.trim_end_matches('.').contains('.');
        let group = !sub_of_parent
            && (is_roman(&stt)
                || (stt.is_empty() && only_first)
                || (req.numbering == Numbering::Nested
                    && whole_number
                    && (only_first || groups > 0 || stt.trim_end_matches('.') != (tasks + 1).to_string())));
        if sub_of_parent {
            if let Some(RawRow::Item { items, .. }) = out.last_mut() {
                items.push(cells);
            }
        } else if group {
            groups += 1;
            parent = None;
            let heading = std::mem::take(&mut cells[text_col]);
            if heading.is_empty() {
                let col = sheet_col[text_col].unwrap_or(0);
                problems.push(SheetProblem {
                    at: at(row, col),
                    message: format!(
                        "dòng nhóm (STT \"{stt}\") thiếu tiêu đề nhóm ở cột \"{}\"",
                        columns[text_col].label
                    ),
                });
                continue;
            }
            for c in cells.iter_mut().take(text_col) {
                c.clear();
            }
            if cells.iter().all(String::is_empty) {
                cells.clear();
            }
            out.push(RawRow::Group(heading, cells));
        } else {
            let given = (!stt.is_empty() && !is_number(&stt)).then(|| stt.clone());
            parent = is_number(&stt).then(|| stt.clone());
            tasks += 1;
            out.push(RawRow::Item { cells, items: Vec::new(), stt: given, bold: false });
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names_and_dates() {
        assert_eq!(cell_name(0, 0u32), "A1");
        assert_eq!(cell_name(11, 2u32), "C12");
        assert_eq!(cell_name(0, 27u32), "AB1");
        assert_eq!(date_text(44_648.0), "28/03/2022");
        assert_eq!(date_text(1.0), "01/01/1900");
        assert_eq!(date_text(25_569.5), "01/01/1970 12:00");
        assert_eq!(number_text(115.0), "115");
        assert_eq!(number_text(2.5), "2.5");
    }

    #[test]
    fn stt_shapes() {
        assert!(is_roman("IV") && is_roman("XII") && !is_roman("IIII") && !is_roman("") && !is_roman("Ic"));
        assert!(is_number("5") && is_number("5.1") && is_number("1.2.") && !is_number("5..1") && !is_number("a"));
        assert_eq!(label_key("  Cơ quan\nchủ trì "), "cơ quan chủ trì");
    }
}
