//! The library's shape: runs returned as values, every output format behind one renderer.

use std::path::{Path, PathBuf};

use crate::common::*;

#[test]
fn the_library_returns_the_run_as_values() {
    use vanban::run;
    // A report folder: the summary, with its notes, and nothing printed.
    let g = run::gather(&sample("ninh-giang-2022/bao-cao/quy-1"), None, None).unwrap_or_else(|e| panic!("{:?}", e.0));
    assert_eq!(g.summary.period.slug(), "quy-1-2022");
    assert_eq!(g.notes.iter().filter(|n| matches!(n, run::Note::Error(_))).count(), g.failed);
    let states = run::submission_states(&g.summary);
    assert!(states.iter().any(|(s, _)| *s == "Đã nộp"), "{states:?}");
    // A run that cannot start says why, naming the option.
    let e = run::gather(&sample("ninh-giang-2022/bao-cao/quy-1"), None, Some("quy-5-2022")).err().unwrap();
    assert!(e.0[0].starts_with("--period \"quy-5-2022\" không hợp lệ"), "{:?}", e.0);
    // Two inputs writing the same PDF are refused before anything is written.
    let inputs = [PathBuf::from("a/ke-hoach.json"), PathBuf::from("b/ke-hoach.json")];
    let e = run::check_render_outputs(&inputs, Path::new("out")).err().unwrap();
    assert_eq!(e.0, ["a/ke-hoach.json và b/ke-hoach.json cùng ghi ra out/ke-hoach.pdf; đổi tên một tệp"]);
    assert_eq!(vanban::Outcome::finished(0), vanban::Outcome::SUCCESS);
}

#[test]
fn every_format_is_one_renderer() {
    use vanban::naming::{ArtifactKind, file_name};
    use vanban::renderer::{PdfOptions, PdfRenderer, Renderer, XlsxRenderer};
    let engine = engine();
    let doc = load(&sample("ninh-giang-2022/ke-hoach.json"));
    let time = vanban::export::CreationTime::Epoch(1_700_000_000);
    let pdf = PdfRenderer { engine: &engine, options: PdfOptions { time }, annex_separately: true };
    let xlsx = XlsxRenderer { time };
    let renderers: [&dyn Renderer; 2] = [&pdf, &xlsx];
    let mut names = Vec::new();
    for r in renderers {
        for a in r.render(&doc).unwrap_or_else(|e| panic!("{e}")).artifacts {
            names.push((r.name(), file_name("ke-hoach", a.kind)));
            assert!(a.bytes.starts_with(if a.kind == ArtifactKind::Workbook { b"PK" } else { b"%PDF" }));
        }
    }
    assert_eq!(
        names,
        [
            ("pdf", "ke-hoach.pdf".to_string()),
            ("pdf", "ke-hoach.phu-luc-1.pdf".into()),
            ("xlsx", "ke-hoach.xlsx".into())
        ]
    );
    // `render` is these renderers together: the same bytes.
    let options = vanban::RenderOptions { annex_separately: true, ..Default::default() }.with_time(time);
    let together = vanban::render(&engine, &doc, options).unwrap_or_else(|e| panic!("{e}"));
    let alone = pdf.render(&doc).unwrap().artifacts;
    assert_eq!(together.pdf, alone[0].bytes);
    assert_eq!(together.annex_pdfs[0].1, alone[1].bytes);
}
