//! Stage 3: lay out. A typst [`World`] built once per run (fonts, library, templates) and
//! reused for every document; each document is served to the template as the virtual
//! file `/data.json`, so user text reaches typst only as data, never as markup.
//!
//! The World reads no file at compile time: templates (embedded, or overridden from
//! `--templates DIR`, read up front) and fonts are in memory. A template therefore cannot
//! read anything outside its directory, and nothing here touches the network.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::{Page, PagedDocument};

pub use crate::date::DateParts;

use crate::view::{AnnexInput, LayoutInput};

/// Rows of one annex laid out in one typst compilation; a longer annex is laid out in
/// runs of this many rows ([`Engine::layout_in_runs`]). A landscape page holds 10 to 25
/// rows, so the page dropped at the end of each run costs about 5 % more layout.
pub const ROWS_PER_RUN: usize = 400;

/// The templates compiled into the binary: (virtual path, text).
/// `main.typ` picks the family's template; `vanban.typ` re-exports `common.typ` (the
/// blocks every family shares) and one file per layout family (`named.typ`: Mẫu 1.4).
pub const EMBEDDED_TEMPLATES: &[(&str, &str)] = &[
    ("/main.typ", include_str!("../templates/main.typ")),
    ("/vanban.typ", include_str!("../templates/vanban.typ")),
    ("/common.typ", include_str!("../templates/common.typ")),
    ("/named.typ", include_str!("../templates/named.typ")),
];

pub use crate::fonts::EMBEDDED_FONTS;

/// The family ND30 asks for; used whenever a font directory provides it.
pub const PREFERRED_FAMILY: &str = "Times New Roman";
/// The embedded stand-in.
pub const FALLBACK_FAMILY: &str = "Liberation Serif";

/// Largest template file read from an override directory.
const MAX_TEMPLATE_BYTES: u64 = 4 * 1024 * 1024;

/// How the engine is set up.
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// Directory whose files replace the embedded templates of the same name.
    pub templates: Option<PathBuf>,
    /// Extra font files or directories (searched recursively for .ttf/.otf/.ttc).
    pub font_paths: Vec<PathBuf>,
}

/// Errors that prevent the engine from being built (the run cannot start).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The template directory cannot be read.
    #[error("không đọc được thư mục mẫu {}: {reason}", path.display())]
    Templates {
        /// The directory or file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A font path cannot be read.
    #[error("không đọc được phông chữ {}: {reason}", path.display())]
    Fonts {
        /// The path.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// A template error: the layout failed. Messages name the template file, line and column.
#[derive(Debug, Clone, thiserror::Error)]
#[error("lỗi dàn trang:\n{}", .diagnostics.iter().map(|d| format!("  {d}")).collect::<Vec<_>>().join("\n"))]
pub struct LayoutError {
    /// One line per diagnostic: `main.typ:12:5: message`.
    pub diagnostics: Vec<String>,
}

/// A font known to the engine, for `vanban fonts`.
#[derive(Debug, Clone)]
pub struct FontEntry {
    /// Family name.
    pub family: String,
    /// Variant description (`weight 700, Italic`).
    pub variant: String,
    /// Where it came from (`embedded` or a file).
    pub source: String,
}

/// The reusable part of the typst world: library, fonts, templates.
pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    font_sources: Vec<String>,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    main: FileId,
    data: FileId,
    family: String,
    fingerprint: u128,
    warnings: Vec<String>,
}

fn file_id(path: &str) -> FileId {
    // Paths here are fixed strings or relative paths we built from a directory walk.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| VirtualPath::new("/invalid").expect("static path"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl Engine {
    /// Build the engine: load fonts and templates once.
    ///
    /// # Errors
    /// [`EngineError`] when a template directory or font path cannot be read.
    pub fn new(options: &EngineOptions) -> Result<Self, EngineError> {
        let mut fonts = Vec::new();
        let mut font_sources = Vec::new();
        let mut warnings = Vec::new();
        for data in EMBEDDED_FONTS {
            for font in Font::iter(Bytes::new(*data)) {
                fonts.push(font);
                font_sources.push("embedded".to_string());
            }
        }
        for path in &options.font_paths {
            let mut files = Vec::new();
            collect_files(path, &mut files)
                .map_err(|e| EngineError::Fonts { path: path.clone(), reason: crate::fsio::io_reason(&e) })?;
            let named = path.is_file();
            for file in files {
                if let Some(reason) = outside(path, &file) {
                    warnings.push(format!("phông chữ {}: {reason}", file.display()));
                    continue;
                }
                let ext = file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
                let font_ext = matches!(ext.as_deref(), Some("ttf" | "otf" | "ttc" | "otc"));
                if !font_ext && !named {
                    continue;
                }
                let data = crate::fsio::read_limited(&file, 64 * crate::fsio::MAX_INPUT_BYTES)
                    .map_err(|e| EngineError::Fonts { path: file.clone(), reason: e.to_string() })?;
                let before = fonts.len();
                for font in Font::iter(Bytes::new(data)) {
                    fonts.push(font);
                    font_sources.push(file.display().to_string());
                }
                if fonts.len() == before {
                    warnings.push(format!("{}: không phải tệp phông chữ (TTF/OTF/TTC), bỏ qua", file.display()));
                }
            }
        }
        let book = FontBook::from_fonts(&fonts);
        let family =
            if book.contains_family(&PREFERRED_FAMILY.to_lowercase()) { PREFERRED_FAMILY } else { FALLBACK_FAMILY };

        let mut texts: Vec<(String, Vec<u8>)> =
            EMBEDDED_TEMPLATES.iter().map(|(p, t)| (p.to_string(), t.as_bytes().to_vec())).collect();
        if let Some(dir) = &options.templates {
            let fail = |path: &Path, e: &std::io::Error| EngineError::Templates {
                path: path.to_path_buf(),
                reason: crate::fsio::io_reason(e),
            };
            let mut files = Vec::new();
            collect_files(dir, &mut files).map_err(|e| fail(dir, &e))?;
            for file in files {
                if let Some(reason) = outside(dir, &file) {
                    return Err(EngineError::Templates { path: file, reason });
                }
                let meta = std::fs::metadata(&file).map_err(|e| fail(&file, &e))?;
                if meta.len() > MAX_TEMPLATE_BYTES {
                    return Err(EngineError::Templates { path: file, reason: "tệp quá lớn".into() });
                }
                let rel = file.strip_prefix(dir).unwrap_or(&file);
                let vpath = format!(
                    "/{}",
                    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
                );
                let bytes = crate::fsio::read_limited(&file, MAX_TEMPLATE_BYTES)
                    .map_err(|e| EngineError::Templates { path: file.clone(), reason: e.to_string() })?;
                texts.retain(|(p, _)| *p != vpath);
                texts.push((vpath, bytes));
            }
        }
        let mut hash = crate::fsio::ContentHash::default();
        for f in &fonts {
            hash.add("font", f.data());
        }
        for (path, bytes) in &texts {
            hash.add(path, bytes);
        }
        let mut sources = HashMap::new();
        let mut files = HashMap::new();
        for (path, bytes) in texts {
            let id = file_id(&path);
            if path.ends_with(".typ") {
                let text = String::from_utf8(bytes.clone()).map_err(|_| EngineError::Templates {
                    path: PathBuf::from(&path),
                    reason: "không phải UTF-8".into(),
                })?;
                sources.insert(id, Source::new(id, text));
            }
            files.insert(id, Bytes::new(bytes));
        }
        Ok(Self {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(book),
            fonts,
            font_sources,
            sources,
            files,
            main: file_id("/main.typ"),
            data: file_id("/data.json"),
            family: family.to_string(),
            fingerprint: hash.finish(),
            warnings,
        })
    }

    /// Warnings from loading (a `--font-path` file that is not a font).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// A hash of everything the engine lays out with (fonts and templates): part of the
    /// incremental-build key.
    pub fn fingerprint(&self) -> u128 {
        self.fingerprint
    }

    /// The font family the templates will use: Times New Roman if a font path provides
    /// it, else the embedded Liberation Serif.
    pub fn family(&self) -> &str {
        &self.family
    }

    /// Every font the engine knows.
    pub fn fonts(&self) -> Vec<FontEntry> {
        self.fonts
            .iter()
            .zip(&self.font_sources)
            .map(|(f, src)| {
                let info = f.info();
                FontEntry {
                    family: info.family.clone(),
                    variant: format!("{:?}, weight {}", info.variant.style, info.variant.weight.to_number()),
                    source: src.clone(),
                }
            })
            .collect()
    }

    /// Lay out one document. An annex longer than [`ROWS_PER_RUN`] rows is laid out in
    /// runs of rows (see [`Engine::layout_in_runs`]).
    ///
    /// # Errors
    /// [`LayoutError`] when the template fails (never for valid data with the embedded
    /// templates); warnings are returned beside the document.
    pub fn layout(&self, input: &LayoutInput) -> Result<(PagedDocument, Vec<String>), LayoutError> {
        self.layout_in_runs(input, ROWS_PER_RUN)
    }

    /// Lay out one document, annexes longer than `rows` rows in runs of `rows` rows.
    ///
    /// typst keeps what it memoises for the whole of one compilation: about 60 KB per row
    /// of a figures annex, 320 MB for a report over 5,000 units. So a long annex is laid
    /// out in several compilations, the memo emptied between them: the first lays out the
    /// document with its first `rows` rows; its last page, possibly not full, is dropped,
    /// and the next run starts with the first row of that page, `continued` (no heading,
    /// the table's header on top as on any continuation page) and numbered on from the
    /// pages kept. The pages are the same as those of one compilation (test
    /// `layout::long_annex_laid_out_in_runs_is_the_same_document`). Each row carries a
    /// `<vanban-row>` mark (its annex and place), by which the page of each row is known;
    /// a template without the marks is laid out in one compilation.
    ///
    /// # Errors
    /// As [`Engine::layout`].
    pub fn layout_in_runs(
        &self,
        input: &LayoutInput,
        rows: usize,
    ) -> Result<(PagedDocument, Vec<String>), LayoutError> {
        let rows = rows.max(1);
        let long = |a: &AnnexInput| a.rows.len() > rows;
        if !input.annexes.iter().any(long) {
            return self.compile(input);
        }
        let mut pages: Vec<Page> = Vec::new();
        let mut warnings = Vec::new();
        let mut info = None;
        // What the next run lays out: annex `next` from row `from` (the document first).
        let mut next = 0;
        let mut from: usize = 0;
        let mut page_offset = 0;
        let mut first = true;
        // Rows in this run: `rows`, doubled while every row of a run falls on its last page.
        let mut size = rows;
        loop {
            // A run's annexes: the rest of a continued annex alone, or whole annexes up
            // to the first long one, cut after `size` rows.
            let mut annexes = Vec::new();
            let mut cut = None;
            for (i, a) in input.annexes.iter().enumerate().skip(next) {
                let start = if i == next { from } else { 0 };
                let mut end = a.rows.len().min(start.saturating_add(size));
                // Never cut after a group row: the template keeps a run of group rows'
                // last ones with the task after them, which this run must see.
                while end < a.rows.len() && matches!(a.rows[end - 1], crate::annex::Row::Group { .. }) {
                    end += 1;
                }
                annexes.push(a.part(start..end, start > 0));
                if end < a.rows.len() {
                    cut = Some((i, start));
                    break;
                }
                if start > 0 {
                    break;
                }
            }
            let last = next + annexes.len();
            // Page numbers go on only within a continued annex; a new annex starts at 1.
            let offset = if from > 0 { page_offset } else { 0 };
            let run = if first {
                input.with_annexes(annexes)
            } else {
                // The annex pages alone, page numbers from `offset + 1`.
                LayoutInput {
                    annex_only: true,
                    annex_signature_line: None,
                    page_offset: offset,
                    ..input.with_annexes(annexes)
                }
            };
            let (doc, more) = self.compile(&run)?;
            drop(run);
            for w in more {
                if !warnings.contains(&w) {
                    warnings.push(w);
                }
            }
            let info = info.get_or_insert_with(|| typst::model::Document::info(&doc).clone());
            let mut keep = doc.pages().len();
            if let Some((i, start)) = cut {
                // The rows of annex `i` on the pages before the last one.
                let Some(on_kept) = rows_before_last_page(&doc, i - next, keep) else {
                    // A template without row marks: one compilation after all.
                    let (doc, more) = self.compile(input)?;
                    return Ok((doc, more));
                };
                if on_kept == 0 {
                    // Every row of the run on its last page (more rows than `size` to
                    // a page): the same run again with more rows.
                    size = size.saturating_mul(2);
                    continue;
                }
                keep -= 1;
                from = start + on_kept;
                next = i;
            } else {
                next = last;
                from = 0;
            }
            pages.extend(doc.pages()[..keep].iter().cloned().map(|mut p| {
                p.number += offset;
                p
            }));
            page_offset = pages.last().map_or(0, |p| p.number);
            drop(doc);
            // What this run memoised is of no use to the next one.
            typst::comemo::evict(1);
            first = false;
            size = rows;
            if next >= input.annexes.len() {
                let info = std::mem::take(info);
                return Ok((PagedDocument::new(pages.into_iter().collect(), info), warnings));
            }
        }
    }

    /// One typst compilation.
    fn compile(&self, input: &LayoutInput) -> Result<(PagedDocument, Vec<String>), LayoutError> {
        let data = serde_json::to_vec(input).map_err(|e| LayoutError { diagnostics: vec![e.to_string()] })?;
        if let Some(text) = std::str::from_utf8(&data).ok().and_then(|t| self.uncovered_rtl(t)) {
            return Err(LayoutError { diagnostics: vec![text] });
        }
        let world = DocWorld { engine: self, data: Bytes::new(data), today: input.today };
        let warned = typst::compile::<PagedDocument>(&world);
        let warnings = warned.warnings.iter().map(|d| world.describe(d)).collect();
        match warned.output {
            Ok(doc) => Ok((doc, warnings)),
            Err(errors) => Err(LayoutError { diagnostics: errors.iter().map(|d| world.describe(d)).collect() }),
        }
    }
}

impl Engine {
    /// Right-to-left letters (Arabic, Syriac …) that the document's font family does not
    /// draw: typst 0.15's font fallback fails inside the shaper on such a run of two words or
    /// more, whatever other font has the letters, and a single word printed as empty boxes;
    /// so the document is refused with the words in question. Hebrew is in the embedded
    /// family (and in Times New Roman).
    fn uncovered_rtl(&self, data: &str) -> Option<String> {
        let rtl = |c: char| matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}' | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}');
        let family = self.family.to_lowercase();
        let covered = |c: char| {
            self.fonts
                .iter()
                .any(|f| f.info().family.to_lowercase() == family && f.info().coverage.contains(u32::from(c)))
        };
        let (at, _) = data.char_indices().find(|&(_, c)| rtl(c) && !covered(c))?;
        // The words around it, within the JSON string that holds it.
        let start = data[..at].rfind(['"', '\n']).map_or(0, |i| i + 1);
        let end = data[at..].find(['"', '\n']).map_or(data.len(), |i| at + i);
        let words: String = data[start..end].chars().take(60).collect();
        Some(format!(
            "\"{words}\": chữ viết từ phải sang trái (Ả Rập …) không có trong phông chữ nào đang dùng nên không in được; ghi tên này bằng chữ Latinh (phiên âm)"
        ))
    }
}

/// The family the templates use: real Times New Roman when a font path provides it (ND30
/// names it), else the embedded metric-compatible Liberation Serif.
pub fn choose_family(book: &FontBook) -> &'static str {
    if book.contains_family(&PREFERRED_FAMILY.to_lowercase()) { PREFERRED_FAMILY } else { FALLBACK_FAMILY }
}

/// Why `file`, found under `root` (a folder, or a file named directly), is refused: it
/// resolves (through a symbolic link) outside `root`. `None` when it stays inside.
pub fn outside(root: &Path, file: &Path) -> Option<String> {
    let base = if root.is_dir() { root } else { root.parent().unwrap_or(Path::new(".")) };
    let base = if base.as_os_str().is_empty() { Path::new(".") } else { base };
    match (base.canonicalize(), file.canonicalize()) {
        (Ok(b), Ok(f)) if f.starts_with(&b) => None,
        (Ok(_), Ok(f)) => {
            Some(format!("trỏ ra ngoài thư mục {} (tới {}); không được dùng", base.display(), f.display()))
        }
        (Err(e), _) | (_, Err(e)) => Some(crate::fsio::io_reason(&e)),
    }
}

/// How many rows of the `annex`-th annex of a run lie on the pages before page `last`,
/// by the rows' `<vanban-row>` marks (`(annex, row)`); `None` when the template sets no
/// marks.
fn rows_before_last_page(doc: &PagedDocument, annex: usize, last: usize) -> Option<usize> {
    use typst::foundations::{Label, Selector, Value};
    use typst::introspection::{Introspector, MetadataElem};
    let label = Label::new(typst::utils::PicoStr::intern("vanban-row"))?;
    let introspector = doc.introspector();
    let marks = introspector.query(&Selector::Label(label));
    let mut rows = 0;
    let mut seen = false;
    for mark in &marks {
        let Some(meta) = mark.to_packed::<MetadataElem>() else { continue };
        let Value::Array(pair) = &meta.value else { continue };
        if pair.as_slice().first() != Some(&Value::Int(annex as i64)) {
            continue;
        }
        seen = true;
        let page = mark.location().and_then(|l| introspector.page(l)).map_or(last, |p| p.get());
        if page < last {
            rows += 1;
        }
    }
    seen.then_some(rows)
}

/// Every file under a file or directory, in name order (reproducible).
fn collect_files(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
        let entry = entry?;
        if !entry.file_type().is_dir() {
            out.push(entry.into_path());
        }
    }
    Ok(())
}

/// The World of one document: the shared engine plus this document's data.
struct DocWorld<'a> {
    engine: &'a Engine,
    data: Bytes,
    today: DateParts,
}

impl DocWorld<'_> {
    fn describe(&self, d: &SourceDiagnostic) -> String {
        let level = match d.severity {
            Severity::Error => "",
            Severity::Warning => "cảnh báo: ",
        };
        let mut location = String::new();
        if let Some(id) = d.span.id() {
            location = id.vpath().get_without_slash().to_string();
            if let (Some(range), Ok(source)) = (self.range(d.span), self.source(id))
                && let Some((line, col)) = source.lines().byte_to_line_column(range.start)
            {
                location = format!("{location}:{}:{}", line + 1, col + 1);
            }
            location.push_str(": ");
        }
        let mut s = format!("{level}{location}{}", d.message);
        // typst's CLI hints (`--root`) do not apply to vanban.
        for hint in d.hints.iter().filter(|h| !h.v.contains("--root")) {
            s.push_str(&format!("\n    gợi ý: {}", hint.v));
        }
        s
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.engine.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.engine
            .sources
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(PathBuf::from(id.vpath().get_with_slash())))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.engine.data {
            return Ok(self.data.clone());
        }
        self.engine
            .files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(PathBuf::from(id.vpath().get_with_slash())))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Datetime::from_ymd(self.today.year, self.today.month, self.today.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_new_roman_is_preferred_when_present() {
        let liberation = Font::iter(Bytes::new(EMBEDDED_FONTS[0])).next().unwrap().info().clone();
        let book = FontBook::from_infos([liberation.clone()]);
        assert_eq!(choose_family(&book), "Liberation Serif");
        let mut tnr = liberation;
        tnr.family = "Times New Roman".into();
        let book = FontBook::from_infos([tnr]);
        assert_eq!(choose_family(&book), "Times New Roman");
    }
}
