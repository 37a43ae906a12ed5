//! Output file names, in one place: every file a document gives is named from its input's
//! stem and the kind of artifact; a periodic report and its summary workbook from the
//! period. Never from document data (a `Số` such as `18/KH-UBND` cannot create a folder).

use std::path::{Path, PathBuf};

use crate::period::Period;

/// What a rendered file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtifactKind {
    /// The document with its annexes (PDF).
    Document,
    /// One annex alone (PDF), 0-based.
    Annex(usize),
    /// The tracking workbook (XLSX).
    Workbook,
}

/// The stem of every output of an input: its file name without extension.
pub fn output_stem(input: &Path) -> String {
    input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "van-ban".into())
}

/// The file name of an artifact: `<stem>.pdf`, `<stem>.xlsx`, `<stem>.phu-luc-<n>.pdf`.
pub fn file_name(stem: &str, kind: ArtifactKind) -> String {
    match kind {
        ArtifactKind::Document => format!("{stem}.pdf"),
        ArtifactKind::Workbook => format!("{stem}.xlsx"),
        ArtifactKind::Annex(i) => format!("{stem}.phu-luc-{}.pdf", i + 1),
    }
}

/// The PDF path for an input: `out/<input stem>.pdf`.
pub fn pdf_path(input: &Path, out_dir: &Path) -> PathBuf {
    out_dir.join(file_name(&output_stem(input), ArtifactKind::Document))
}

/// The periodic report and its summary workbook: `bao-cao-quy-1-2022.pdf` and
/// `tong-hop-quy-1-2022.xlsx` in `out_dir`.
pub fn report_paths(period: &Period, out_dir: &Path) -> (PathBuf, PathBuf) {
    (out_dir.join(format!("bao-cao-{}.pdf", period.slug())), out_dir.join(format!("tong-hop-{}.xlsx", period.slug())))
}
