//! The fonts compiled into the binary. A leaf module: the layout engine loads them, and
//! the text measures of workbooks and annex columns ([`crate::textfit`]) read their metrics.

/// The fonts compiled into the binary (Liberation Serif, SIL OFL 1.1, metric-compatible
/// with Times New Roman, full Vietnamese coverage).
pub const EMBEDDED_FONTS: &[&[u8]] = &[
    include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
];
