//! Fill every form of a folder as units would, for the forms benchmark
//! (`scripts/bench-forms.sh`): a figure in every input cell, a status for every task, the
//! submission day. The forms are edited in place (the sheet's XML in the workbook), so
//! styles, validation and protection stay those `vanban form` wrote.
//!
//! Usage: `cargo run --release --example fill_forms -- DIR [YYYY-MM-DD]`: the submission
//! days run over the ten days from the one given (default 2022-04-01), one form after another.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use calamine::Reader;

fn main() {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("cách dùng: fill_forms THƯ_MỤC [YYYY-MM-DD]");
        std::process::exit(2);
    };
    let first = std::env::args().nth(2).unwrap_or_else(|| "2022-04-01".into());
    let Some(day) = serial(&first) else {
        eprintln!("{first}: cần ngày dạng YYYY-MM-DD");
        std::process::exit(2);
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    use rayon::prelude::*;
    files.par_iter().enumerate().for_each(|(i, f)| fill(f, i, day).unwrap_or_else(|e| panic!("{}: {e}", f.display())));
    eprintln!("đã điền {} biểu", files.len());
}

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The cells to fill (name → XML of the value) from the identity sheet.
fn values(path: &Path, seed: usize, day: i64) -> Result<(String, Vec<(String, String)>), Error> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path)?;
    let id = wb.worksheet_range(vanban::form::IDENTITY_SHEET)?;
    let text = |r: u32, c: u32| id.get_value((r, c)).map(|d| d.to_string()).unwrap_or_default();
    let mut sheet = String::new();
    let mut cells = Vec::new();
    const STATUSES: [&str; 3] = ["Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện"];
    for r in 0..id.height() as u32 {
        match text(r, 0).as_str() {
            "biểu" if r >= 10 => sheet = text(r, 2),
            k if k == vanban::form::DATE_KEY => {
                cells.push((text(r, 1), format!("<v>{}</v>", day + (seed % 10) as i64)));
            }
            "chỉ tiêu" => cells.push((text(r, 2), format!("<v>{}</v>", (seed * 7 + r as usize * 13) % 97))),
            "nhiệm vụ" => {
                let s = STATUSES[(seed + r as usize) % 3];
                cells.push((text(r, 2), format!("<is><t>{s}</t></is>")));
            }
            _ => {}
        }
    }
    Ok((sheet, cells))
}

fn fill(path: &Path, seed: usize, day: i64) -> Result<(), Error> {
    let (_, cells) = values(path, seed, day)?;
    let bytes = std::fs::read(path)?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i)?;
        let name = entry.name().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data)?;
        if name == "xl/worksheets/sheet1.xml" {
            let mut xml = String::from_utf8(data)?;
            for (cell, value) in &cells {
                xml = set_cell(&xml, cell, value).ok_or_else(|| format!("ô {cell} không có trong trang biểu"))?;
            }
            data = xml.into_bytes();
        }
        out.start_file(name, options)?;
        out.write_all(&data)?;
    }
    let bytes = out.finish()?.into_inner();
    let tmp = path.with_extension("xlsx.tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// Replace cell `name`'s element (`<c r="D13" s="5"/>` or with content) by one holding
/// `value` (`<v>…</v>`, or `<is>…</is>` for text), its style kept.
fn set_cell(xml: &str, name: &str, value: &str) -> Option<String> {
    let start = xml.find(&format!("<c r=\"{name}\""))?;
    let rest = &xml[start..];
    let open_end = rest.find('>')?;
    let self_closing = rest[..open_end].ends_with('/');
    let end = if self_closing { open_end + 1 } else { rest.find("</c>")? + 4 };
    let attrs = rest[..open_end].trim_end_matches('/');
    let attrs: String = attrs.split(" t=\"").next().unwrap_or(attrs).to_string();
    let kind = if value.starts_with("<is>") { " t=\"inlineStr\"" } else { "" };
    Some(format!("{}{attrs}{kind}>{value}</c>{}", &xml[..start], &rest[end..]))
}

/// A day's spreadsheet serial (days since 1899-12-30).
fn serial(date: &str) -> Option<i64> {
    let d = vanban::date::DateParts::parse_day(date)?;
    // Days since 1970-01-01, then since 1899-12-30.
    Some(vanban::date::days_from_civil(d) + 25_569)
}
