//! One item of a run: its error type, panic isolation, and how many items run at once.

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
    catch_panic(work).unwrap_or_else(|text| {
        typst::comemo::evict(0);
        Err(ItemError::Internal(text))
    })
}

/// Run `work`; a panic inside it is returned as its text (the panic hook stays silent), so
/// that the caller reports it for the one input that caused it.
///
/// # Errors
/// The panic's text.
pub fn catch_panic<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    use std::sync::atomic::Ordering;
    ISOLATED.fetch_add(1, Ordering::SeqCst);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    ISOLATED.fetch_sub(1, Ordering::SeqCst);
    result.map_err(|payload| panic_text(payload.as_ref()))
}

impl From<report::ReportError> for ItemError {
    fn from(e: report::ReportError) -> Self {
        match e {
            report::ReportError::Input(i) => Self::Input(i),
            report::ReportError::Content(c) => Self::Content(c),
        }
    }
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
