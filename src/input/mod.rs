//! Stage 1: input formats, one module each, every one producing the same raw structures:
//!
//! - [`json`]: documents ([`crate::model::Document`]) and unit reports from JSON, with the
//!   validator that names every problem by its JSON path;
//! - [`xlsx`]: filled Excel forms read back into the same unit reports, problems named by
//!   their cell (`Biểu 01!E12`).
//!
//! - [`annex_xlsx`]: an annex's rows from a worksheet (`rows_from`), problems named by
//!   their cell (`Nhiệm vụ!C12`).
//!
//! A new format is one module here producing those structures; the stages after it do not
//! change.

pub mod annex_xlsx;
pub mod json;
pub mod xlsx;
