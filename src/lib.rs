//! vanban: Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP) from data.
//!
//! The pipeline, one module per stage, each a function from one typed value to the next:
//!
//! 1. [`data`]: load + validate JSON (and the body text) into a [`model::Document`];
//! 2. [`layout`]: lay the document out with typst (one [`layout::Engine`] per run,
//!    reused for every document);
//! 3. [`export`]: PDF bytes with a fixed creation time;
//! 4. [`output`]: atomic writes.
//!
//! [`inspect`] reads a laid-out document back as positioned text (tests, `check`).

pub mod body;
pub mod cli;
pub mod data;
pub mod doctype;
pub mod export;
pub mod inspect;
pub mod layout;
pub mod model;
pub mod output;
pub mod vn;

use std::path::{Path, PathBuf};

use typst_layout::PagedDocument;

pub use layout::{Engine, EngineOptions};
pub use model::Document;

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
    /// The output could not be written.
    #[error(transparent)]
    Write(#[from] output::WriteError),
}

/// A document laid out and exported, not yet written.
pub struct Rendered {
    /// The laid-out pages (for inspection).
    pub layout: PagedDocument,
    /// The PDF bytes.
    pub pdf: Vec<u8>,
    /// Template warnings.
    pub warnings: Vec<String>,
}

/// Lay out and export one validated document.
///
/// # Errors
/// [`ItemError::Layout`] or [`ItemError::Export`].
pub fn render(engine: &Engine, doc: &Document, time: export::CreationTime) -> Result<Rendered, ItemError> {
    let input = layout::LayoutInput::new(doc, engine.family());
    let (layout, warnings) = engine.layout(&input)?;
    let pdf = export::pdf(&layout, input.today, time)?;
    Ok(Rendered { layout, pdf, warnings })
}

/// The PDF path for an input: `out/<input stem>.pdf`.
pub fn pdf_path(input: &Path, out_dir: &Path) -> PathBuf {
    let stem = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "van-ban".into());
    out_dir.join(format!("{stem}.pdf"))
}
