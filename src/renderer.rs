//! Renderers: one trait, one implementation per output format (PDF through typst, XLSX),
//! and [`render`], which runs them for a document.

use std::path::{Path, PathBuf};

use typst_layout::PagedDocument;

use crate::date::DateParts;
use crate::export::{self, CreationTime};
use crate::layout::Engine;
use crate::model::Document;
use crate::naming::{ArtifactKind, file_name, output_stem};
use crate::pipeline::ItemError;
use crate::view::LayoutInput;
use crate::{inspect, sheet};

/// What to produce for a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Where the creation time of the outputs comes from.
    pub time: export::CreationTime,
    /// Also write each annex as its own PDF (ND30 §4: a separately filed annex).
    pub annex_separately: bool,
    /// Write the tracking workbook of the annexes (plans; not reports, whose workbook is
    /// the summary).
    pub tracking_workbook: bool,
}

impl RenderOptions {
    /// The same options with another creation time.
    pub fn with_time(self, time: export::CreationTime) -> Self {
        Self { time, ..self }
    }
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self { time: export::CreationTime::DocumentDate, annex_separately: false, tracking_workbook: true }
    }
}

/// A document laid out and exported, not yet written.
pub struct Rendered {
    /// The laid-out pages of the main PDF (for inspection).
    pub layout: PagedDocument,
    /// The PDF bytes: the document and its annexes.
    pub pdf: Vec<u8>,
    /// Each annex as its own PDF (with `annex_separately`), with its laid-out pages.
    pub annex_pdfs: Vec<(PagedDocument, Vec<u8>)>,
    /// The tracking workbook, when the document has annexes.
    pub workbook: Option<Vec<u8>>,
    /// Template warnings.
    pub warnings: Vec<String>,
}

impl Rendered {
    /// The files to write for `input` into `out_dir`: `<stem>.pdf`, `<stem>.xlsx`,
    /// `<stem>.phu-luc-<n>.pdf`.
    pub fn files(&self, input: &Path, out_dir: &Path) -> Vec<(PathBuf, &[u8])> {
        let stem = output_stem(input);
        let path = |kind| out_dir.join(file_name(&stem, kind));
        let mut files = vec![(path(ArtifactKind::Document), self.pdf.as_slice())];
        if let Some(xlsx) = &self.workbook {
            files.push((path(ArtifactKind::Workbook), xlsx.as_slice()));
        }
        for (i, (_, pdf)) in self.annex_pdfs.iter().enumerate() {
            files.push((path(ArtifactKind::Annex(i)), pdf.as_slice()));
        }
        files
    }
}

/// Lay out and export one validated document: the PDF (document + annexes), the tracking
/// workbook when it has annexes, and optionally each annex alone.
///
/// # Errors
/// [`ItemError::Layout`], [`ItemError::Export`] or [`ItemError::Sheet`].
pub fn render(engine: &Engine, doc: &Document, options: RenderOptions) -> Result<Rendered, ItemError> {
    let pdf =
        PdfRenderer { engine, options: PdfOptions { time: options.time }, annex_separately: options.annex_separately };
    let PdfRendition { layout, pdf, annexes: annex_pdfs, warnings } = pdf.render_pdfs(doc)?;
    let workbook = if options.tracking_workbook {
        XlsxRenderer { time: options.time }.render(doc)?.artifacts.into_iter().next().map(|a| a.bytes)
    } else {
        None
    };
    Ok(Rendered { layout, pdf, annex_pdfs, workbook, warnings })
}

/// A file a renderer produced, not yet written.
pub struct Artifact {
    /// What it is (and so its file name, see [`crate::naming`]).
    pub kind: ArtifactKind,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// What a renderer gives for one document.
pub struct Rendition {
    /// The files, in order.
    pub artifacts: Vec<Artifact>,
    /// Template warnings.
    pub warnings: Vec<String>,
}

/// An output format. Each takes the validated document and gives its files; a new format
/// (DOCX, PDF/A) is one more implementation.
pub trait Renderer {
    /// A short name (`pdf`, `xlsx`).
    fn name(&self) -> &'static str;

    /// The files of `doc` in this format.
    ///
    /// # Errors
    /// Why the document could not be rendered.
    fn render(&self, doc: &Document) -> Result<Rendition, ItemError>;
}

/// Everything that shapes a PDF beyond its layout, and the passes every laid-out document
/// goes through before it is written: the one home of PDF options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfOptions {
    /// Where the creation time comes from.
    pub time: CreationTime,
}

impl PdfOptions {
    /// The passes after layout (right-to-left runs repaired, text inside the page area
    /// checked), then the PDF bytes.
    ///
    /// # Errors
    /// [`ItemError::OffPage`] or [`ItemError::Export`].
    pub fn finish(&self, layout: PagedDocument, today: DateParts) -> Result<(PagedDocument, Vec<u8>), ItemError> {
        let layout = export::repair_rtl_runs(layout);
        inspect::check_inside(&layout)?;
        let pdf = export::pdf(&layout, today, self.time)?;
        Ok((layout, pdf))
    }
}

/// The PDFs of a document, with their laid-out pages.
pub struct PdfRendition {
    /// The laid-out pages of the document.
    pub layout: PagedDocument,
    /// The document and its annexes.
    pub pdf: Vec<u8>,
    /// Each annex alone, when asked.
    pub annexes: Vec<(PagedDocument, Vec<u8>)>,
    /// Template warnings.
    pub warnings: Vec<String>,
}

/// PDF through typst: the composed view ([`LayoutInput`]) laid out by the engine.
pub struct PdfRenderer<'a> {
    /// The layout engine of the run.
    pub engine: &'a Engine,
    /// PDF options.
    pub options: PdfOptions,
    /// Also each annex as its own PDF (ND30 §4: a separately filed annex).
    pub annex_separately: bool,
}

impl PdfRenderer<'_> {
    /// The PDFs with their laid-out pages (for inspection).
    ///
    /// # Errors
    /// [`ItemError::Layout`], [`ItemError::OffPage`] or [`ItemError::Export`].
    pub fn render_pdfs(&self, doc: &Document) -> Result<PdfRendition, ItemError> {
        let input = LayoutInput::new(doc, self.engine.family());
        let (layout, mut warnings) = self.engine.layout(&input)?;
        let (layout, pdf) = self.options.finish(layout, input.today)?;
        let mut annexes = Vec::new();
        if self.annex_separately {
            for i in 0..doc.annexes.len() {
                let input = LayoutInput::standalone_annex(doc, self.engine.family(), i);
                let (annex_layout, more) = self.engine.layout(&input)?;
                let (annex_layout, bytes) = self.options.finish(annex_layout, input.today)?;
                warnings.extend(more);
                annexes.push((annex_layout, bytes));
            }
        }
        Ok(PdfRendition { layout, pdf, annexes, warnings })
    }
}

impl Renderer for PdfRenderer<'_> {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn render(&self, doc: &Document) -> Result<Rendition, ItemError> {
        let r = self.render_pdfs(doc)?;
        let mut artifacts = vec![Artifact { kind: ArtifactKind::Document, bytes: r.pdf }];
        artifacts.extend(
            r.annexes.into_iter().enumerate().map(|(i, (_, bytes))| Artifact { kind: ArtifactKind::Annex(i), bytes }),
        );
        Ok(Rendition { artifacts, warnings: r.warnings })
    }
}

/// XLSX: the tracking workbook of a document's annexes (none without annexes).
pub struct XlsxRenderer {
    /// Where the creation time comes from.
    pub time: CreationTime,
}

impl Renderer for XlsxRenderer {
    fn name(&self) -> &'static str {
        "xlsx"
    }

    fn render(&self, doc: &Document) -> Result<Rendition, ItemError> {
        let artifacts = if doc.annexes.is_empty() {
            Vec::new()
        } else {
            vec![Artifact { kind: ArtifactKind::Workbook, bytes: sheet::tracking_workbook(doc, self.time)? }]
        };
        Ok(Rendition { artifacts, warnings: Vec::new() })
    }
}
