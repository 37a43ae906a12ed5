//! What a run of a command comes to, as a value: the binary maps it to the process exit
//! code in one place.

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The run could not start (arguments, templates, fonts, destination): nothing was
    /// produced.
    CannotStart,
    /// The run went through; `failed` items failed (the others were written).
    Finished {
        /// How many items failed.
        failed: usize,
    },
}

impl Outcome {
    /// Every item succeeded.
    pub const SUCCESS: Self = Self::Finished { failed: 0 };

    /// The run went through with `failed` failed items.
    pub fn finished(failed: usize) -> Self {
        Self::Finished { failed }
    }
}
