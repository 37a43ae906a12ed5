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

pub mod annex;
pub mod batch;
pub mod bench;
pub mod body;
pub mod cli;
pub mod content;
pub mod data;
pub mod date;
pub mod doctype;
pub mod export;
pub mod form;
pub mod fsio;
pub mod help;
pub mod inspect;
pub mod layout;
pub mod marks;
pub mod model;
pub mod output;
pub mod period;
pub mod pipeline;
pub mod report;
pub mod sheet;
pub mod summary;
pub mod textfit;
pub mod vn;
pub mod xlsx_input;

pub use layout::{Engine, EngineOptions};
pub use model::Document;
pub use pipeline::{
    ItemError, RenderOptions, Rendered, install_panic_hook, isolate, output_stem, pdf_path, render, worker_count,
};
