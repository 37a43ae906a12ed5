//! Row heights of spreadsheets from the text they hold.
//!
//! Spreadsheet files carry no line breaks for wrapped text: each viewer wraps it again
//! with its own fonts, and LibreOffice Calc does not grow a row whose height the file
//! leaves out, so wrapped text runs over the rows below. Every row we write gets an
//! explicit height: the number of lines its longest cell wraps to, measured with the
//! metrics of the embedded Liberation Serif (metric-compatible with Times New Roman, which
//! the workbooks ask for) against the width of the cell's columns.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use rust_xlsxwriter::{Worksheet, XlsxError};

/// The four faces, parsed once: regular, bold, italic, bold italic.
static FACES: LazyLock<Vec<Option<ttf_parser::Face<'static>>>> =
    LazyLock::new(|| crate::fonts::EMBEDDED_FONTS.iter().map(|data| ttf_parser::Face::parse(data, 0).ok()).collect());

/// Bold and italic of a cell's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// Bold face.
    pub bold: bool,
    /// Italic face.
    pub italic: bool,
}

impl Style {
    /// Regular text.
    pub const REGULAR: Self = Self { bold: false, italic: false };
    /// Bold text.
    pub const BOLD: Self = Self { bold: true, italic: false };
    /// Italic text.
    pub const ITALIC: Self = Self { bold: false, italic: true };
}

/// Width of a run of text in points, at `size` points.
pub fn text_width(text: &str, style: Style, size: f64) -> f64 {
    let index = usize::from(style.bold) + 2 * usize::from(style.italic);
    let Some(Some(face)) = FACES.get(index) else {
        // Cannot happen with the embedded fonts; a generous average keeps rows tall enough.
        return text.chars().count() as f64 * size * 0.6;
    };
    let per_em = f64::from(face.units_per_em());
    let units: f64 = text
        .chars()
        .map(|c| face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).map_or(per_em * 0.6, f64::from))
        .sum();
    units / per_em * size
}

/// Width in points of a column `chars` wide (Excel's unit: digits of the default 11 pt
/// font, 7 pixels each plus 5 pixels of padding, at 96 pixels per inch).
pub fn column_points(chars: f64) -> f64 {
    (chars * 7.0 + 5.0).floor() * 0.75
}

/// Room left for text in a cell of `width` points: the viewers keep a few points of
/// padding, and a small margin covers differences in how they round glyph advances.
fn usable(width: f64) -> f64 {
    (width - 6.0) * 0.97
}

/// How many lines `text` wraps to in a cell `width` points wide (explicit line breaks
/// kept, words broken only when one alone is too wide). Empty text is one line.
pub fn line_count(text: &str, style: Style, size: f64, width: f64) -> u32 {
    let room = usable(width).max(size);
    let space = text_width(" ", style, size);
    let mut lines = 0;
    for paragraph in text.split('\n') {
        let mut count = 1;
        let mut used = 0.0;
        for word in paragraph.split_whitespace() {
            let w = text_width(word, style, size);
            let needed = if used > 0.0 { used + space + w } else { w };
            if needed <= room {
                used = needed;
            } else if w <= room {
                count += u32::from(used > 0.0);
                used = w;
            } else {
                // A word wider than the cell: broken across lines by characters.
                if used > 0.0 {
                    count += 1;
                }
                used = 0.0;
                for c in word.chars() {
                    let cw = text_width(c.encode_utf8(&mut [0; 4]), style, size);
                    if used + cw > room && used > 0.0 {
                        count += 1;
                        used = 0.0;
                    }
                    used += cw;
                }
            }
        }
        lines += count;
    }
    lines.max(1)
}

/// Height in points of a row of `lines` lines of `size`-point text (Excel's 15.75 pt per
/// line of 12-point Times New Roman, scaled).
pub fn row_height(lines: u32, size: f64) -> f64 {
    f64::from(lines.max(1)) * size * 1.3125
}

/// The heights a sheet's rows need, gathered as cells are written, applied at the end.
#[derive(Debug, Default)]
pub struct RowHeights {
    widths: Vec<f64>,
    rows: BTreeMap<u32, f64>,
}

impl RowHeights {
    /// Nothing measured yet; every column at Excel's default width.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set a column's width (in Excel's characters) on the sheet and remember it.
    ///
    /// # Errors
    /// rust_xlsxwriter refuses the column.
    pub fn set_width(&mut self, sheet: &mut Worksheet, col: u16, chars: f64) -> Result<(), XlsxError> {
        let col_index = usize::from(col);
        if self.widths.len() <= col_index {
            self.widths.resize(col_index + 1, 8.43);
        }
        self.widths[col_index] = chars;
        sheet.set_column_width(col, chars)?;
        Ok(())
    }

    /// Width in points of columns `first..=last`.
    pub fn span_points(&self, first: u16, last: u16) -> f64 {
        (first..=last).map(|c| column_points(self.widths.get(usize::from(c)).copied().unwrap_or(8.43))).sum()
    }

    /// Note a cell (or a merged range `first..=last` of one row) holding `text`.
    pub fn cell(&mut self, row: u32, first: u16, last: u16, text: &str, style: Style, size: f64) {
        let lines = line_count(text, style, size, self.span_points(first, last));
        self.at_least(row, row_height(lines, size));
    }

    /// Make a row at least `height` points high.
    pub fn at_least(&mut self, row: u32, height: f64) {
        let h = self.rows.entry(row).or_insert(0.0);
        *h = h.max(height);
    }

    /// The height noted for a row.
    pub fn height(&self, row: u32) -> Option<f64> {
        self.rows.get(&row).copied()
    }

    /// Write every noted height to the sheet.
    ///
    /// # Errors
    /// rust_xlsxwriter refuses a row.
    pub fn apply(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        for (&row, &height) in &self.rows {
            // Quarter points, as Excel stores them: the same value whichever viewer reads it.
            sheet.set_row_height(row, (height * 4.0).ceil() / 4.0)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_line_and_long_text_wraps() {
        let w = column_points(34.0);
        assert_eq!(line_count("Phòng Nội vụ", Style::REGULAR, 12.0, w), 1);
        let long = "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân cùng các cơ quan chuyên môn";
        let n = line_count(long, Style::REGULAR, 12.0, w);
        assert!((2..=4).contains(&n), "{n}");
        assert!(line_count(long, Style::BOLD, 12.0, w) >= n);
        assert_eq!(line_count("a\nb\nc", Style::REGULAR, 12.0, w), 3);
        assert!(line_count(&"x".repeat(200), Style::REGULAR, 12.0, w) >= 3);
    }

    #[test]
    fn widths_follow_the_font() {
        let w = text_width("Độc lập - Tự do - Hạnh phúc", Style::BOLD, 13.0);
        assert!((150.0..230.0).contains(&w), "{w}");
        assert!(text_width("iiii", Style::REGULAR, 12.0) < text_width("WWWW", Style::REGULAR, 12.0));
    }
}
