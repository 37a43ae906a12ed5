//! One document from a validated model to its outputs in memory: lay out, export, and the
//! error of one item of a run (with panic isolation).

use std::path::{Path, PathBuf};

use typst_layout::PagedDocument;

use crate::layout::Engine;
use crate::model::Document;
use crate::{content, data, export, inspect, layout, output, report, sheet};

/// Why one item of a run failed.
#[derive(Debug, thiserror::Error)]
pub enum ItemError {
    /// The input is unusable.
    #[error(transparent)]
    Input(#[from] data::InputError),
    /// The template failed.
    #[error(transparent)]
    Layout(#[from] layout::LayoutError),
    /// The PDF writer failed.
    #[error(transparent)]
    Export(#[from] export::ExportError),
    /// The workbook could not be built.
    #[error(transparent)]
    Sheet(#[from] sheet::SheetError),
    /// A content template failed.
    #[error(transparent)]
    Content(#[from] content::ContentError),
    /// Text fell outside the page's text area.
    #[error(transparent)]
    OffPage(#[from] inspect::OffPage),
    /// The output could not be written.
    #[error(transparent)]
    Write(#[from] output::WriteError),
    /// A defect in vanban or a library it uses (a panic), caught so that the other items
    /// of the run go on.
    #[error("lỗi nội bộ khi dàn trang ({0}), hãy gửi tệp này cho người phát triển")]
    Internal(String),
}

/// How many items are running under [`isolate`]: while any is, a panic is reported as
/// that item's error, not by the panic hook.
static ISOLATED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Install the process panic hook: a panic inside an item ([`isolate`]) prints nothing
/// (the item reports it); any other panic prints one Vietnamese line, not a backtrace.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if ISOLATED.load(std::sync::atomic::Ordering::SeqCst) == 0 {
            eprintln!("lỗi nội bộ ({}), hãy báo cho người phát triển", panic_text(info.payload()));
        }
    }));
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "không rõ nguyên nhân".into())
}

/// Run one item; a panic inside it becomes [`ItemError::Internal`] instead of ending the
/// run. typst's memoisation cache is emptied after a caught panic, so that nothing a
/// half-finished layout left behind is reused.
///
/// # Errors
/// What `work` returns, or [`ItemError::Internal`].
pub fn isolate<T>(work: impl FnOnce() -> Result<T, ItemError>) -> Result<T, ItemError> {
    use std::sync::atomic::Ordering;
    ISOLATED.fetch_add(1, Ordering::SeqCst);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    ISOLATED.fetch_sub(1, Ordering::SeqCst);
    result.unwrap_or_else(|payload| {
        typst::comemo::evict(0);
        Err(ItemError::Internal(panic_text(payload.as_ref())))
    })
}

impl From<report::ReportError> for ItemError {
    fn from(e: report::ReportError) -> Self {
        match e {
            report::ReportError::Input(i) => Self::Input(i),
            report::ReportError::Content(c) => Self::Content(c),
        }
    }
}

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
        let mut files = vec![(out_dir.join(format!("{stem}.pdf")), self.pdf.as_slice())];
        if let Some(xlsx) = &self.workbook {
            files.push((out_dir.join(format!("{stem}.xlsx")), xlsx.as_slice()));
        }
        for (i, (_, pdf)) in self.annex_pdfs.iter().enumerate() {
            files.push((out_dir.join(format!("{stem}.phu-luc-{}.pdf", i + 1)), pdf.as_slice()));
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
    let input = layout::LayoutInput::new(doc, engine.family());
    let (layout, mut warnings) = engine.layout(&input)?;
    let layout = export::repair_rtl_runs(layout);
    inspect::check_inside(&layout)?;
    let pdf = export::pdf(&layout, input.today, options.time)?;
    let mut annex_pdfs = Vec::new();
    if options.annex_separately {
        for i in 0..doc.annexes.len() {
            let input = layout::LayoutInput::standalone_annex(doc, engine.family(), i);
            let (annex_layout, more) = engine.layout(&input)?;
            let annex_layout = export::repair_rtl_runs(annex_layout);
            inspect::check_inside(&annex_layout)?;
            warnings.extend(more);
            let bytes = export::pdf(&annex_layout, input.today, options.time)?;
            annex_pdfs.push((annex_layout, bytes));
        }
    }
    let workbook = if doc.annexes.is_empty() || !options.tracking_workbook {
        None
    } else {
        Some(sheet::tracking_workbook(doc, options.time)?)
    };
    Ok(Rendered { layout, pdf, annex_pdfs, workbook, warnings })
}

/// The stem of every output of an input: its file name without extension.
pub fn output_stem(input: &Path) -> String {
    input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "van-ban".into())
}

/// The PDF path for an input: `out/<input stem>.pdf`.
pub fn pdf_path(input: &Path, out_dir: &Path) -> PathBuf {
    out_dir.join(format!("{}.pdf", output_stem(input)))
}

/// Worker count: `--jobs`, else the machine's cores.
pub fn worker_count(requested: Option<usize>) -> usize {
    requested.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())).max(1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_the_items_error() {
        let result: Result<(), super::ItemError> = super::isolate(|| panic!("begin > end"));
        let message = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(message, "lỗi nội bộ khi dàn trang (begin > end), hãy gửi tệp này cho người phát triển");
        // The next item runs normally.
        assert!(super::isolate(|| Ok(1)).is_ok_and(|v| v == 1));
    }
}
