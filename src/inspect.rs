//! Read a laid-out document back as positioned text and rules, in millimetres from the
//! top-left corner of each page.
//!
//! Tests use it to check geometry against ND30 (sizes, margins, positions); the future
//! `check` command will use the same view on rendered documents.

use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst::text::{FontStyle, FontWeight};
use typst::visualize::{CurveItem, Geometry};
use typst_layout::PagedDocument;

/// The ND30 text area of any page (Phụ lục I, I.3: the smallest margins allowed), in mm
/// from the page edges: left, top, right, bottom. Ink may reach 0.5 mm past it (an italic
/// overhang is drawn, not lost).
pub const TEXT_AREA_MARGINS: (f64, f64, f64, f64) = (30.0, 20.0, 15.0, 20.0);
const INK_TOLERANCE: f64 = 0.5;

/// Text that a layout put outside the page's text area: it would be cut off or printed in
/// the margin, so the document must not be written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "nội dung tràn ra ngoài vùng in của trang {page} ({place}): “{text}”; phần này sẽ không in được. \
     Hãy rút ngắn hoặc chia nhỏ đoạn văn, ô bảng hoặc dòng này"
)]
pub struct OffPage {
    /// 1-based page number.
    pub page: usize,
    /// Where, in words: `lề dưới`, `lề trái` …
    pub place: String,
    /// The first text found there (shortened).
    pub text: String,
}

/// Check that every glyph of a laid-out document lies inside its page's text area (page
/// numbers excepted: digits in the top margin). Nothing is ever lost silently.
///
/// # Errors
/// [`OffPage`] naming the first page and text outside the area.
pub fn check_inside(doc: &PagedDocument) -> Result<(), OffPage> {
    // Walk the frames directly: no copy of the text unless something is outside (a
    // 10,000-row annex would otherwise be copied whole just to be checked).
    for (i, page) in doc.pages().iter().enumerate() {
        let size = (mm(page.frame.width()), mm(page.frame.height()));
        check_frame(&page.frame, Transform::identity(), i, size)?;
    }
    Ok(())
}

fn check_frame(frame: &Frame, ts: Transform, page: usize, size: (f64, f64)) -> Result<(), OffPage> {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(group) => {
                let inner = ts.pre_concat(Transform::translate(pos.x, pos.y)).pre_concat(group.transform);
                check_frame(&group.frame, inner, page, size)?;
            }
            FrameItem::Text(text) => {
                let at = pos.transform(ts);
                let ink = ink_bounds(text, at);
                let digits = text.text.trim().chars().all(|c| c.is_ascii_digit());
                if let Some(place) = outside(ink, mm(at.y), digits, size) {
                    let text: String = text.text.chars().take(60).collect();
                    return Err(OffPage { page: page + 1, place: place.into(), text });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Which margin an ink box enters, if any (`digits` at a baseline in the top margin: a
/// page number).
fn outside(ink: (f64, f64, f64, f64), baseline: f64, digits: bool, (w, h): (f64, f64)) -> Option<&'static str> {
    let (ml, mt, mr, mb) = TEXT_AREA_MARGINS;
    let (l, t, r, b) = ink;
    if l < ml - INK_TOLERANCE {
        Some("lề trái")
    } else if r > w - mr + INK_TOLERANCE {
        Some("lề phải")
    } else if b > h - mb + INK_TOLERANCE {
        Some("lề dưới")
    } else if t < mt - INK_TOLERANCE && !(digits && baseline < mt) {
        Some("lề trên")
    } else {
        None
    }
}

/// Millimetres in a typst length.
pub fn mm(abs: Abs) -> f64 {
    abs.to_mm()
}

/// A run of text with one font, as placed on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// 0-based page index.
    pub page: usize,
    /// Left edge of the run (mm).
    pub x: f64,
    /// Baseline (mm from the top).
    pub y: f64,
    /// Advance width (mm).
    pub width: f64,
    /// Font size (pt).
    pub size: f64,
    /// Bold (weight ≥ 600).
    pub bold: bool,
    /// Italic or oblique.
    pub italic: bool,
    /// Font family.
    pub family: String,
    /// The text.
    pub text: String,
    /// Ink bounds of the glyphs (left, top, right, bottom) in mm: where something is
    /// actually printed, including diacritics and italic overhangs.
    pub ink: (f64, f64, f64, f64),
}

/// A horizontal rule (a stroked line or a thin filled rectangle).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// 0-based page index.
    pub page: usize,
    /// Left end (mm).
    pub x: f64,
    /// Vertical position (mm from the top).
    pub y: f64,
    /// Length (mm).
    pub length: f64,
}

/// A vertical rule (a stroked line, a segment of a stroked curve or a thin filled
/// rectangle): a table's column rules.
#[derive(Debug, Clone, PartialEq)]
pub struct VRule {
    /// 0-based page index.
    pub page: usize,
    /// Horizontal position (mm from the left).
    pub x: f64,
    /// Upper end (mm from the top).
    pub y0: f64,
    /// Lower end (mm from the top).
    pub y1: f64,
}

/// One printed line: runs sharing a baseline, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// 0-based page index.
    pub page: usize,
    /// Left edge (mm).
    pub x0: f64,
    /// Right edge (mm).
    pub x1: f64,
    /// Baseline (mm).
    pub y: f64,
    /// The runs.
    pub runs: Vec<TextRun>,
}

impl Line {
    /// The line's text (runs joined; a gap wider than 0.8 mm counts as a space).
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut end = f64::NEG_INFINITY;
        for r in &self.runs {
            if !out.is_empty() && r.x - end > 0.8 && !out.ends_with(' ') {
                out.push(' ');
            }
            out.push_str(&r.text);
            end = r.x + r.width;
        }
        out.trim().to_string()
    }

    /// Horizontal centre (mm).
    pub fn centre(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }

    /// Size of the first run (pt).
    pub fn size(&self) -> f64 {
        self.runs.first().map_or(0.0, |r| r.size)
    }

    /// Are all runs bold?
    pub fn bold(&self) -> bool {
        self.runs.iter().all(|r| r.bold)
    }

    /// Are all runs italic?
    pub fn italic(&self) -> bool {
        self.runs.iter().all(|r| r.italic)
    }
}

/// Everything placed on the pages of a document.
#[derive(Debug, Clone, Default)]
pub struct Inspection {
    /// Page sizes (width, height) in mm.
    pub pages: Vec<(f64, f64)>,
    /// All text runs, in layout order.
    pub runs: Vec<TextRun>,
    /// All horizontal rules.
    pub rules: Vec<Rule>,
    /// All vertical rules.
    pub vrules: Vec<VRule>,
}

impl Inspection {
    /// Walk a laid-out document.
    pub fn new(doc: &PagedDocument) -> Self {
        let mut out = Self::default();
        for (i, page) in doc.pages().iter().enumerate() {
            out.pages.push((mm(page.frame.width()), mm(page.frame.height())));
            walk(&page.frame, Transform::identity(), i, &mut out, None);
        }
        out
    }

    /// The printed lines of one page, top to bottom, left to right. Runs whose baselines
    /// are within 0.6 mm form a row; a row splits into separate lines where the
    /// horizontal gap exceeds 6 mm (two columns, such as Số and the date).
    pub fn lines(&self, page: usize) -> Vec<Line> {
        let mut runs: Vec<&TextRun> =
            self.runs.iter().filter(|r| r.page == page && !r.text.trim().is_empty()).collect();
        runs.sort_by(|a, b| a.y.total_cmp(&b.y));
        let mut rows: Vec<Vec<&TextRun>> = Vec::new();
        for r in runs {
            match rows.last_mut() {
                Some(row) if (row[0].y - r.y).abs() < 0.6 => row.push(r),
                _ => rows.push(vec![r]),
            }
        }
        let mut lines: Vec<Line> = Vec::new();
        for mut row in rows {
            row.sort_by(|a, b| a.x.total_cmp(&b.x));
            let mut current: Option<Line> = None;
            for r in row {
                match current.as_mut() {
                    Some(l) if r.x - l.x1 <= 6.0 => {
                        l.x1 = l.x1.max(r.x + r.width);
                        l.runs.push(r.clone());
                    }
                    _ => {
                        lines.extend(current.take());
                        current = Some(Line { page, x0: r.x, x1: r.x + r.width, y: r.y, runs: vec![r.clone()] });
                    }
                }
            }
            lines.extend(current);
        }
        lines
    }

    /// All lines of all pages.
    pub fn all_lines(&self) -> Vec<Line> {
        (0..self.pages.len()).flat_map(|p| self.lines(p)).collect()
    }

    /// The first line whose text equals `text`.
    pub fn line(&self, text: &str) -> Option<Line> {
        self.all_lines().into_iter().find(|l| l.text() == text)
    }

    /// The first line whose text starts with `prefix`.
    pub fn line_starting(&self, prefix: &str) -> Option<Line> {
        self.all_lines().into_iter().find(|l| l.text().starts_with(prefix))
    }

    /// See [`check_inside`].
    ///
    /// # Errors
    /// [`OffPage`] for the first run outside its page's text area.
    pub fn check_inside(&self) -> Result<(), OffPage> {
        for r in &self.runs {
            let Some(&size) = self.pages.get(r.page) else { continue };
            let digits = r.text.trim().chars().all(|c| c.is_ascii_digit());
            if let Some(place) = outside(r.ink, r.y, digits, size) {
                let text: String = r.text.chars().take(60).collect();
                return Err(OffPage { page: r.page + 1, place: place.into(), text });
            }
        }
        Ok(())
    }

    /// The whole text in reading order, one printed line per line.
    pub fn text(&self) -> String {
        self.all_lines().iter().map(Line::text).collect::<Vec<_>>().join("\n")
    }
}

/// A clipping rectangle in page coordinates (left, top, right, bottom; typst units).
type Clip = Option<(Abs, Abs, Abs, Abs)>;

fn walk(frame: &Frame, ts: Transform, page: usize, out: &mut Inspection, clip: Clip) {
    for (pos, item) in frame.items() {
        let at = pos.transform(ts);
        match item {
            FrameItem::Group(group) => {
                let inner = ts.pre_concat(Transform::translate(pos.x, pos.y)).pre_concat(group.transform);
                // A clipped group (a table row drawing its column rules) shows only what
                // lies inside its frame.
                let clip = match group.clip {
                    Some(_) => {
                        let (a, b) = (
                            Point::zero().transform(inner),
                            Point::new(group.frame.width(), group.frame.height()).transform(inner),
                        );
                        let (l, t, r, bt) = (a.x.min(b.x), a.y.min(b.y), a.x.max(b.x), a.y.max(b.y));
                        Some(match clip {
                            Some((cl, ct, cr, cb)) => (l.max(cl), t.max(ct), r.min(cr), bt.min(cb)),
                            None => (l, t, r, bt),
                        })
                    }
                    None => clip,
                };
                walk(&group.frame, inner, page, out, clip);
            }
            FrameItem::Text(text) => {
                let info = text.font.font().info();
                let ink = ink_bounds(text, at);
                out.runs.push(TextRun {
                    page,
                    x: mm(at.x),
                    y: mm(at.y),
                    width: mm(text.width()),
                    size: text.size.to_pt(),
                    bold: info.variant.weight >= FontWeight::SEMIBOLD,
                    italic: info.variant.style != FontStyle::Normal,
                    family: info.family.clone(),
                    text: text.text.to_string(),
                    ink,
                });
            }
            FrameItem::Shape(shape, _) => {
                let segment = |from: Point, to: Point, out: &mut Inspection| {
                    let (a, b) = ((*pos + from).transform(ts), (*pos + to).transform(ts));
                    let (l, t, r, bt) = clip.unwrap_or((Abs::inf() * -1.0, Abs::inf() * -1.0, Abs::inf(), Abs::inf()));
                    if (a.y - b.y).to_pt().abs() < 0.01 && a.x != b.x {
                        let (x0, x1) = (a.x.min(b.x).max(l), a.x.max(b.x).min(r));
                        if x0 < x1 && a.y >= t && a.y <= bt {
                            out.rules.push(Rule { page, x: mm(x0), y: mm(a.y), length: mm(x1 - x0) });
                        }
                    } else if (a.x - b.x).to_pt().abs() < 0.01 && a.y != b.y {
                        let (y0, y1) = (a.y.min(b.y).max(t), a.y.max(b.y).min(bt));
                        if y0 < y1 && a.x >= l && a.x <= r {
                            out.vrules.push(VRule { page, x: mm(a.x), y0: mm(y0), y1: mm(y1) });
                        }
                    }
                };
                match &shape.geometry {
                    Geometry::Line(to) => segment(Point::zero(), *to, out),
                    Geometry::Rect(size) if size.y.to_pt() <= 1.0 => {
                        segment(Point::zero(), Point::new(size.x, Abs::zero()), out);
                    }
                    Geometry::Rect(size) if size.x.to_pt() <= 1.0 => {
                        segment(Point::zero(), Point::new(Abs::zero(), size.y), out);
                    }
                    Geometry::Curve(curve) => {
                        let mut at = Point::zero();
                        for item in &curve.0 {
                            match item {
                                CurveItem::Move(p) => at = *p,
                                CurveItem::Line(p) => {
                                    segment(at, *p, out);
                                    at = *p;
                                }
                                CurveItem::Cubic(_, _, p) => at = *p,
                                CurveItem::Close => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// Exact ink box of a text item from the glyph outlines' bounding boxes.
fn ink_bounds(text: &typst::text::TextItem, at: Point) -> (f64, f64, f64, f64) {
    let ttf = text.font.ttf();
    let upem = text.font.units_per_em();
    let scale = |units: f64| text.size * (units / upem);
    let (mut l, mut t, mut r, mut b) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    let mut x = at.x;
    for g in &text.glyphs {
        if let Some(bb) = ttf.glyph_bounding_box(ttf_parser::GlyphId(g.id)) {
            let gx = x + g.x_offset.at(text.size);
            let gy = at.y - g.y_offset.at(text.size);
            l = l.min(mm(gx + scale(f64::from(bb.x_min))));
            r = r.max(mm(gx + scale(f64::from(bb.x_max))));
            t = t.min(mm(gy - scale(f64::from(bb.y_max))));
            b = b.max(mm(gy - scale(f64::from(bb.y_min))));
        }
        x += g.x_advance.at(text.size);
    }
    if l.is_infinite() {
        let p = (mm(at.x), mm(at.y));
        return (p.0, p.1, p.0, p.1);
    }
    (l, t, r, b)
}
