//! vanban: Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP) from data.
//!
//! The pipeline, one module per stage, each a function from one typed value to the next:
//!
//! 1. [`input`]: load + validate JSON (and the body text) into a [`model::Document`];
//!    filled Excel forms into the same unit reports;
//! 2. [`view`]: the composed view ([`view::LayoutInput`]: what every family shares, plus
//!    one part per layout family), laid out by [`layout`] with typst (one
//!    [`layout::Engine`] per run, reused for every document);
//! 3. [`renderer`]: one [`renderer::Renderer`] per output format (PDF through [`export`],
//!    XLSX through [`sheet`]), file names from [`naming`];
//! 4. [`output`]: atomic writes.
//!
//! [`run`] strings the stages together for the commands and returns values (notes, item
//! reports, [`Outcome`]); the `vanban` binary prints them. [`inspect`] reads a laid-out
//! document back as positioned text (tests, `check`).

#![warn(unreachable_pub)]

pub mod annex;
pub mod batch;
pub mod bench;
pub mod body;
pub mod content;
pub mod date;
pub mod diag;
pub mod doctype;
pub mod export;
pub mod fonts;
pub mod form;
pub mod fsio;
pub mod input;
pub mod inspect;
pub mod layout;
pub mod marks;
pub mod model;
pub mod naming;
pub mod output;
pub mod period;
pub mod pipeline;
pub mod renderer;
pub mod report;
pub mod run;
pub mod sheet;
pub mod summary;
pub mod textfit;
pub mod view;
pub mod vn;

/// The JSON loader under its historical name (`vanban::data::load`).
pub use input::json as data;
/// The Excel-form loader under its historical name.
pub use input::xlsx as xlsx_input;
pub use layout::{Engine, EngineOptions};
pub use model::Document;
pub use naming::{output_stem, pdf_path};
pub use pipeline::{ItemError, install_panic_hook, isolate, worker_count};
pub use renderer::{RenderOptions, Rendered, render};
pub use run::Outcome;
