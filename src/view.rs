//! Stage 2: the composed view of a document. Every string the page shows is formatted
//! here (Số line, date line, Nơi nhận, căn cứ punctuation, annex labels), so that a
//! renderer only places things. The PDF templates receive it as `/data.json`.
//!
//! The view is the part every family shares ([`LayoutInput`]) plus one part per layout
//! family ([`FamilyView`], tagged `"family"` in the data and flattened into it, so that a
//! template reads `d.so` and `d.can_cu` alike). A new family is one variant of
//! [`FamilyView`] with its builder here, beside its variant of [`crate::model::Family`]
//! and its typst template.

use serde::Serialize;

use crate::annex::{Column, Row};
use crate::body::{Block, Run};
use crate::date::DateParts;
use crate::model::{self, Document, Family, Header};
use crate::textfit::Style;

/// What the template receives as `/data.json`: every string already composed by Rust
/// (date line, Số line, punctuation), so the template only places things.
#[derive(Debug, Clone, Serialize)]
pub struct LayoutInput {
    /// Font family list for `text(font: …)`; only loaded families, so no warnings.
    pub font: Vec<String>,
    /// The document date, for `datetime.today()`.
    pub today: DateParts,
    /// PDF metadata title.
    pub meta_title: String,
    /// PDF metadata author.
    pub meta_author: String,
    /// Chủ quản lines.
    pub issuer_parent: Vec<String>,
    /// Issuer lines.
    pub issuer_name: Vec<String>,
    /// `Số: 18/KH-UBND`.
    pub so: String,
    /// `Ninh Giang, ngày 28 tháng 01 năm 2022`.
    pub date_line: String,
    /// Trích yếu lines.
    pub trich_yeu: Vec<String>,
    /// Nơi nhận lines as printed.
    pub noi_nhan: Vec<String>,
    /// ô 7a lines.
    pub signer_lines: Vec<String>,
    /// Họ tên.
    pub signer_name: String,
    /// What the document's layout family adds (`"family": "named"`, …).
    #[serde(flatten)]
    pub family: FamilyView,
    /// Annexes, laid out after the document (or alone, see `annex_only`).
    pub annexes: Vec<AnnexInput>,
    /// Lay out only the annexes (a separately filed annex).
    pub annex_only: bool,
    /// The 10 pt line top right of a separately filed annex's first page.
    pub annex_signature_line: Option<String>,
    /// Added to the page numbers printed (0 but for the later runs of a long annex laid
    /// out in runs of rows: the number of its pages before this run).
    pub page_offset: u64,
}

/// The view of what a layout family adds; `family` in the data names the variant, and
/// `templates/main.typ` picks the family's template by it.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "family", rename_all = "snake_case")]
pub enum FamilyView {
    /// Mẫu 1.4 (`templates/named.typ`).
    Named(NamedView),
}

impl FamilyView {
    /// The view of a document's family part.
    pub fn new(header: &Header, family: &Family) -> Self {
        match family {
            Family::Named(n) => Self::Named(NamedView::new(header, n)),
        }
    }
}

/// Mẫu 1.4, văn bản có tên loại.
#[derive(Debug, Clone, Serialize)]
pub struct NamedView {
    /// The type name in capitals (`KẾ HOẠCH`).
    pub title: String,
    /// Căn cứ paragraphs, punctuated, as runs (italic or upright as the document says).
    pub can_cu: Vec<Vec<Run>>,
    /// Kính gửi lines (empty: none).
    pub kinh_gui: Vec<String>,
    /// Body blocks.
    pub body: Vec<Block>,
}

impl NamedView {
    fn new(header: &Header, n: &model::Named) -> Self {
        Self {
            title: header.doc_type.title(),
            can_cu: n.can_cu.lines().iter().map(|c| crate::body::plain(c, n.can_cu.italic)).collect(),
            kinh_gui: model::kinh_gui_lines(&n.kinh_gui),
            body: n.body.clone(),
        }
    }
}

/// One annex as the template receives it.
#[derive(Debug, Clone, Serialize)]
pub struct AnnexInput {
    /// `Phụ lục` / `Phụ lục II`.
    pub label: String,
    /// Title in capitals.
    pub title: String,
    /// `(Kèm theo Kế hoạch số …)`.
    pub reference: String,
    /// Landscape pages?
    pub landscape: bool,
    /// Columns.
    pub columns: Vec<Column>,
    /// Numbered rows.
    pub rows: Vec<Row>,
    /// These rows continue the annex from an earlier run (no heading: the table goes on
    /// at the top of the page, its header repeated).
    pub continued: bool,
}

impl AnnexInput {
    fn new(doc: &Document, index: usize) -> Self {
        let a = &doc.annexes[index];
        let room = room(&a.columns, a.landscape);
        let columns = a
            .columns
            .iter()
            .zip(&room)
            .map(|(c, &w)| Column { label: breakable(&c.label, w, Style::BOLD).into_owned(), ..c.clone() })
            .collect();
        Self {
            label: doc.annex_label(index),
            title: crate::vn::upper(&a.title),
            reference: doc.header.annex_reference(),
            landscape: a.landscape,
            columns,
            rows: a.rows.iter().map(|r| breakable_row(r, &room)).collect(),
            continued: false,
        }
    }

    /// Rows `range` of this annex, the rest alike.
    pub fn part(&self, range: std::ops::Range<usize>, continued: bool) -> Self {
        Self {
            label: self.label.clone(),
            title: self.title.clone(),
            reference: self.reference.clone(),
            landscape: self.landscape,
            columns: self.columns.clone(),
            rows: self.rows[range].to_vec(),
            continued,
        }
    }
}

impl LayoutInput {
    /// Compose the layout input of a document; `font` is the family the engine chose.
    pub fn new(doc: &Document, font: &str) -> Self {
        Self::with(doc, font, (0..doc.annexes.len()).map(|i| AnnexInput::new(doc, i)).collect())
    }

    /// The layout input of `doc` with the annexes `annexes` (composed once, by the caller).
    fn with(doc: &Document, font: &str, annexes: Vec<AnnexInput>) -> Self {
        let h = &doc.header;
        Self {
            font: vec![font.to_string()],
            today: h.date.into(),
            meta_title: format!(
                "{} {} - {}",
                h.doc_type.name,
                h.so_ky_hieu().replace('\u{a0}', ""),
                h.trich_yeu_text()
            ),
            meta_author: h.issuer_text(),
            issuer_parent: h.issuer.parent.clone(),
            issuer_name: h.issuer.name.clone(),
            so: h.so_line(),
            date_line: h.date_line(),
            trich_yeu: h.trich_yeu.clone(),
            noi_nhan: doc.noi_nhan_lines(),
            signer_lines: h.signer.title_lines(),
            signer_name: h.signer.name.clone(),
            family: FamilyView::new(h, &doc.family),
            annexes,
            annex_only: false,
            annex_signature_line: None,
            page_offset: 0,
        }
    }

    /// This input with the annexes `annexes` instead of its own (one run of
    /// [`crate::layout::Engine::layout_in_runs`]), without copying its own.
    pub fn with_annexes(&self, annexes: Vec<AnnexInput>) -> Self {
        Self {
            font: self.font.clone(),
            today: self.today,
            meta_title: self.meta_title.clone(),
            meta_author: self.meta_author.clone(),
            issuer_parent: self.issuer_parent.clone(),
            issuer_name: self.issuer_name.clone(),
            so: self.so.clone(),
            date_line: self.date_line.clone(),
            trich_yeu: self.trich_yeu.clone(),
            noi_nhan: self.noi_nhan.clone(),
            signer_lines: self.signer_lines.clone(),
            signer_name: self.signer_name.clone(),
            family: self.family.clone(),
            annexes,
            annex_only: self.annex_only,
            annex_signature_line: self.annex_signature_line.clone(),
            page_offset: self.page_offset,
        }
    }

    /// The layout input of annex `index` filed as its own PDF.
    pub fn standalone_annex(doc: &Document, font: &str, index: usize) -> Self {
        let mut input = Self::with(doc, font, vec![AnnexInput::new(doc, index)]);
        input.annex_only = true;
        input.annex_signature_line = Some(doc.header.annex_signature_line());
        input.meta_title = format!("{} - {}", input.annexes[0].label, input.meta_title);
        input
    }
}

/// Room for text in each column of an annex table, in points at 12 pt: the columns share
/// the text block (A4 less the 31 mm and 16 mm margins) in proportion to their widths,
/// less the 3 pt insets on either side.
fn room(columns: &[Column], landscape: bool) -> Vec<f64> {
    let block = (if landscape { 297.0 } else { 210.0 } - 31.0 - 16.0) * 72.0 / 25.4;
    let total: f64 = columns.iter().map(|c| c.width).sum();
    columns.iter().map(|c| block * c.width / total.max(f64::MIN_POSITIVE) - 6.0).collect()
}

/// `row` with its over-wide words made breakable ([`breakable`]).
fn breakable_row(row: &Row, room: &[f64]) -> Row {
    let mut row = row.clone();
    match &mut row {
        Row::Group { text, values, .. } => {
            // The heading spans the columns up to the first value.
            let first = (2..room.len()).find(|&i| values.get(i).is_some_and(|v| !v.is_empty())).unwrap_or(room.len());
            let span = room.get(1..first).map_or(0.0, |r| r.iter().map(|w| w + 6.0).sum::<f64>() - 6.0);
            *text = breakable(text, span, Style::BOLD).into_owned();
        }
        Row::Item { bold, cells, styled, .. } => {
            let style = if *bold { Style::BOLD } else { Style::REGULAR };
            for (cell, &w) in cells.iter_mut().zip(room) {
                if let std::borrow::Cow::Owned(c) = breakable(cell, w, style) {
                    *cell = c;
                }
            }
            for (runs, &w) in styled.iter_mut().zip(room) {
                for run in runs {
                    let style = Style { bold: run.bold || *bold, italic: run.italic };
                    if let std::borrow::Cow::Owned(t) = breakable(&run.text, w, style) {
                        run.text = t;
                        run.nobreak = false;
                    }
                }
            }
        }
    }
    row
}

/// `text` with a break opportunity (U+200B, zero width) between the letters of each word
/// wider than `room` points at 12 pt: typst never breaks inside a word, so a word wider than
/// its column (a code, an address, a name written without spaces) would run over the
/// column's rules and off the page. Other text comes back borrowed, unchanged.
pub fn breakable(text: &str, room: f64, style: Style) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::char::is_combining_mark;
    // (Never a figure: `33` and `5` would read as two numbers.)
    let figure = |w: &str| w.chars().all(|c| c.is_ascii_digit() || ".,%()+-".contains(c));
    // (A word may use the 3 pt insets, as `STT` and `TTHC` do in narrow columns: only one
    // wider than the column itself would touch its rules.)
    let too_wide = |w: &str| !figure(w) && crate::textfit::text_width(w, style, 12.0) > room + 6.0;
    if !text.split([' ', '\n']).any(too_wide) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() * 2);
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for (j, line) in word.split('\n').enumerate() {
            if j > 0 {
                out.push('\n');
            }
            if !too_wide(line) {
                out.push_str(line);
                continue;
            }
            for (k, c) in line.chars().enumerate() {
                if k > 0 && !is_combining_mark(c) {
                    out.push('\u{200B}');
                }
                out.push(c);
            }
        }
    }
    std::borrow::Cow::Owned(out)
}
