//! Filled Excel forms (`form`) read back as unit reports, beside the JSON ones.
//!
//! Every problem names the file and the cell (`Biểu 01!D13`), in Vietnamese; a workbook
//! that cannot be read at all is one error, never a panic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};

use crate::data::{InputError, Problem};
use crate::date::DateParts;
use crate::form::{self, IDENTITY_SHEET, STATUS_COL, VALUE_COL};
use crate::period::Period;
use crate::summary::{SummaryConfig, TaskStatus, UnitReport};

/// The `.xlsx` and `.xls` files of a folder, sorted (Excel's lock files `~$…` skipped).
///
/// # Errors
/// The folder cannot be read.
pub fn form_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xls"))
                && p.file_name().is_some_and(|n| !n.to_string_lossy().starts_with("~$"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// JSON reports and filled forms of a folder: those that load, the units of those that do
/// not, and the errors.
///
/// # Errors
/// The folder cannot be read.
pub fn load_folder(dir: &Path, config: &SummaryConfig) -> std::io::Result<crate::summary::Loaded> {
    let (mut reports, mut unreadable, mut errors) = crate::summary::load_folder(dir)?;
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
            Ok(report) => reports.push(report),
            Err((unit, e)) => {
                unreadable.extend(unit.map(|u| (u, crate::summary::refusal_reason(&e))));
                errors.push(e);
            }
        }
    }
    Ok((reports, unreadable, errors))
}

fn one(file: &Path, pointer: &str, message: impl Into<String>) -> InputError {
    InputError {
        file: file.to_path_buf(),
        problems: vec![Problem { pointer: pointer.into(), message: message.into() }],
    }
}

fn text(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    range.get_value((row, col)).map(|d| d.to_string()).unwrap_or_default().trim().to_string()
}

/// Read one filled form. `Err` carries the unit (when the form names one) and the problems.
pub fn load_form(path: &Path, config: &SummaryConfig) -> Result<UnitReport, (Option<String>, InputError)> {
    let fail = |unit: Option<String>, pointer: &str, message: String| Err((unit, one(path, pointer, message)));
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xls")) {
        return fail(None, "", "tệp Excel cũ (.xls): mở bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx".into());
    }
    let mut wb = match calamine::open_workbook::<calamine::Xlsx<_>, _>(path) {
        Ok(wb) => wb,
        Err(e) => {
            let reason = match e {
                calamine::XlsxError::Zip(_) => {
                    "không phải tệp Excel .xlsx, tệp bị hỏng hoặc có đặt mật khẩu (bỏ mật khẩu rồi lưu lại dạng .xlsx)"
                        .to_string()
                }
                other => format!("không đọc được tệp Excel ({other})"),
            };
            return fail(None, "", reason);
        }
    };
    let Ok(id) = wb.worksheet_range(IDENTITY_SHEET) else {
        return fail(
            None,
            "",
            "không phải biểu mẫu do phần mềm tạo (thiếu trang định danh); dùng biểu mẫu được gửi".into(),
        );
    };
    let get = |k: &str| (0..10).find(|r| text(&id, *r, 0) == k).map(|r| text(&id, r, 1)).unwrap_or_default();
    let unit_name = get("đơn vị");
    let unit = Some(unit_name.clone()).filter(|u| !u.is_empty());
    if get("biểu") != config.form_id || get("phiên bản") != form::FORM_VERSION.to_string() {
        return fail(
            unit,
            "",
            format!(
                "biểu \"{}\" phiên bản {} không phải biểu \"{}\" phiên bản {} đang dùng; gửi lại biểu mẫu mới cho đơn vị",
                get("biểu"),
                get("phiên bản"),
                config.form_id,
                form::FORM_VERSION
            ),
        );
    }
    let lay = form::layout(config);
    let lines = form::structure_lines(config, &lay);
    if get("mã cấu trúc") != form::structure_hash(&lines) {
        let old: Vec<String> = (10..id.height() as u32)
            .map(|r| (0..4).map(|c| text(&id, r, c)).collect::<Vec<_>>().join("\t"))
            .filter(|l| !l.trim().is_empty())
            .collect();
        let changed: Vec<String> = lines
            .iter()
            .filter(|l| !old.contains(l))
            .chain(old.iter().filter(|l| !lines.contains(l)))
            .take(3)
            .map(|l| l.replace('\t', " "))
            .collect();
        return fail(unit, "", format!("biểu mẫu đã cũ hoặc bị sửa cấu trúc (khác ở: {})", changed.join("; ")));
    }
    let Some(period) = Period::parse(&get("kỳ")) else {
        return fail(unit, "", format!("kỳ báo cáo \"{}\" trong trang định danh không hợp lệ", get("kỳ")));
    };
    let Ok(sheet) = wb.worksheet_range(&lay.sheet) else {
        return fail(unit, "", format!("thiếu trang tính \"{}\"", lay.sheet));
    };
    let mut problems = Vec::new();
    let at = |row: u32, col: u16| format!("{}!{}", lay.sheet, form::cell_name(row, col));
    let mut figures = BTreeMap::new();
    let mut warnings = Vec::new();
    for (ind, (key, row)) in config.indicators.iter().zip(&lay.indicators) {
        if ind.ratio.is_some() {
            continue;
        }
        let value = sheet.get_value((*row, u32::from(VALUE_COL)));
        let bad = |what: String| Problem {
            pointer: at(*row, VALUE_COL),
            message: format!("{}: {what}; cần số nguyên không âm", ind.label),
        };
        match value {
            None | Some(Data::Empty) => warnings.push(Problem {
                pointer: at(*row, VALUE_COL),
                message: crate::summary::not_entered_message(&ind.label),
            }),
            Some(Data::String(s)) if s.trim().is_empty() => warnings.push(Problem {
                pointer: at(*row, VALUE_COL),
                message: crate::summary::not_entered_message(&ind.label),
            }),
            Some(Data::Int(i)) if *i >= 0 => {
                figures.insert(key.clone(), *i as u64);
            }
            Some(Data::Float(f)) if *f >= 0.0 && f.fract() == 0.0 && *f < 1e15 => {
                figures.insert(key.clone(), *f as u64);
            }
            Some(Data::Float(f)) if *f < 0.0 => problems.push(bad(format!("số âm {f}"))),
            Some(Data::Int(i)) => problems.push(bad(format!("số âm {i}"))),
            Some(Data::Float(f)) => problems.push(bad(format!("số thập phân {f}"))),
            Some(Data::String(s)) if is_error_text(s) => problems.push(bad(format!("ô có lỗi công thức {s}"))),
            Some(Data::String(s)) => match s.trim().parse::<u64>() {
                Ok(v) => {
                    figures.insert(key.clone(), v);
                }
                Err(_) => problems.push(bad(format!("\"{s}\" không phải là số"))),
            },
            Some(Data::Error(e)) => problems.push(bad(format!("ô có lỗi công thức {e}"))),
            Some(other) => problems.push(bad(format!("giá trị \"{other}\""))),
        }
    }
    // The day it was sent, from the `Ngày nộp` cell the identity names (none on older forms).
    let mut submitted = None;
    if get(form::DATE_KEY) == form::cell_name(lay.date_row, STATUS_COL) {
        let pointer = at(lay.date_row, STATUS_COL);
        let value = sheet.get_value((lay.date_row, u32::from(STATUS_COL)));
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
                    "ngày nộp \"{v}\" không đọc được; cần một ngày dạng ngày/tháng/năm (ví dụ 05/04/2022)"
                ),
            }),
        }
    }
    let mut tasks = BTreeMap::new();
    for (t, row) in lay.tasks.iter().filter(|(t, _)| !t.is_group) {
        let s = text(&sheet, *row, u32::from(STATUS_COL));
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
                    "tình trạng \"{s}\" của nhiệm vụ {} không hợp lệ (chọn: Chưa thực hiện, Đang thực hiện, Đã hoàn thành)",
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

/// A formula error as some writers store its cached result: text such as `#DIV/0!`, `#REF!`.
fn is_error_text(s: &str) -> bool {
    matches!(s.trim(), "#DIV/0!" | "#REF!" | "#VALUE!" | "#NAME?" | "#N/A" | "#NUM!" | "#NULL!")
}
