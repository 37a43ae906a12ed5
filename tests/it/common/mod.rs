//! Shared helpers for the integration tests: render samples through the library and
//! inspect the laid-out pages.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use vanban::inspect::Inspection;
use vanban::{Document, Engine, EngineOptions};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample(rel: &str) -> PathBuf {
    root().join("samples").join(rel)
}

pub fn engine() -> Engine {
    Engine::new(&EngineOptions::default()).expect("embedded engine")
}

pub fn load(path: &Path) -> Document {
    vanban::data::load(path).unwrap_or_else(|e| panic!("{e}"))
}

pub struct Rendered {
    pub pdf: Vec<u8>,
    pub ins: Inspection,
    pub warnings: Vec<String>,
}

pub fn render_doc(engine: &Engine, doc: &Document) -> Rendered {
    let r = vanban::render(engine, doc, vanban::RenderOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    Rendered { ins: Inspection::new(&r.layout), pdf: r.pdf, warnings: r.warnings }
}

pub fn render_json(engine: &Engine, json: &str) -> Rendered {
    let doc = vanban::data::parse(Path::new("test.json"), json).unwrap_or_else(|e| panic!("{e}"));
    render_doc(engine, &doc)
}

/// A minimal valid document to vary in tests.
pub fn minimal() -> serde_json::Value {
    serde_json::json!({
        "type": "ke_hoach",
        "issuer": {"name": "ỦY BAN NHÂN DÂN\nXÃ KIM LIÊN", "abbreviation": "UBND"},
        "place": "Kim Liên",
        "date": "2025-09-05",
        "so": 7,
        "trich_yeu": "Thử nghiệm",
        "body": "I. MỤC ĐÍCH\nNội dung.",
        "noi_nhan": ["UBND tỉnh"],
        "signer": {"authority": "TM", "on_behalf_of": "Ủy ban nhân dân", "title": "Chủ tịch", "name": "Nguyễn Văn A"}
    })
}

/// Run the real binary in `dir` (no SOURCE_DATE_EPOCH, no template or font overrides).
pub fn vanban(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("VANBAN_TEMPLATES")
        .env_remove("VANBAN_FONT_PATH")
        .output()
        .expect("run vanban")
}

/// A command's stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Copy a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// The Ninh Giang sample copied to a temp dir (tests may change and break it).
pub fn sample_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&sample("ninh-giang-2022"), dir.path());
    dir
}
