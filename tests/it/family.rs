//! Documents by layout family: every type names the ND30 template (Mẫu 1.x) that lays it
//! out; every type of a laid-out family renders through its family's template, and the
//! templates are one file per family, each replaceable on its own.

use crate::common::*;
use vanban::doctype::{self, FamilyKind};
use vanban::model::Family;
use vanban::{Engine, EngineOptions};

/// ND30 Phụ lục I, part II: the template of each type of Điều 7 (`None`: the decree gives
/// none). Mẫu 1.4 is the general template of the "văn bản có tên loại".
const MAU: [(&str, Option<&str>); 29] = [
    ("nghi_quyet", Some("1.1-1.3")),
    ("quyet_dinh", Some("1.1-1.3")),
    ("chi_thi", Some("1.4")),
    ("quy_che", Some("1.4")),
    ("quy_dinh", Some("1.4")),
    ("thong_cao", Some("1.4")),
    ("thong_bao", Some("1.4")),
    ("huong_dan", Some("1.4")),
    ("chuong_trinh", Some("1.4")),
    ("ke_hoach", Some("1.4")),
    ("phuong_an", Some("1.4")),
    ("de_an", Some("1.4")),
    ("du_an", Some("1.4")),
    ("bao_cao", Some("1.4")),
    ("bien_ban", Some("1.9")),
    ("to_trinh", Some("1.4")),
    ("hop_dong", None),
    ("cong_van", Some("1.5")),
    ("cong_dien", Some("1.6")),
    ("ban_ghi_nho", None),
    ("ban_thoa_thuan", None),
    ("giay_uy_quyen", Some("1.4")),
    ("giay_moi", Some("1.7")),
    ("giay_gioi_thieu", Some("1.8")),
    ("giay_nghi_phep", Some("1.10")),
    ("phieu_gui", Some("1.4")),
    ("phieu_chuyen", Some("1.4")),
    ("phieu_bao", Some("1.4")),
    ("thu_cong", None),
];

#[test]
fn the_family_of_each_type_is_its_nd30_template() {
    let table: Vec<(&str, Option<&str>)> = doctype::ALL.iter().map(|t| (t.slug, t.family.mau())).collect();
    assert_eq!(table, MAU);
    // Only Mẫu 1.4 is laid out so far; a type is supported exactly when its family is.
    for t in doctype::ALL {
        assert_eq!(t.is_supported(), t.family == FamilyKind::Named, "{}", t.slug);
        assert_eq!(t.is_supported(), t.family.is_laid_out(), "{}", t.slug);
    }
}

#[test]
fn every_type_of_a_laid_out_family_renders_with_its_title() {
    let engine = engine();
    let mut rendered = 0;
    for t in doctype::ALL.iter().filter(|t| t.family.is_laid_out()) {
        let mut data = minimal();
        data["type"] = t.slug.into();
        let doc = vanban::data::parse(std::path::Path::new("doc.json"), &data.to_string())
            .unwrap_or_else(|e| panic!("{}: {e}", t.slug));
        assert_eq!(doc.family.kind(), t.family, "{}", t.slug);
        assert!(matches!(doc.family, Family::Named(_)));
        let r = render_doc(&engine, &doc);
        let title = r.ins.line(&t.title()).unwrap_or_else(|| panic!("{}: no title line in\n{}", t.slug, r.ins.text()));
        assert!(title.bold() && title.size() == 14.0, "{}: title 14 pt bold", t.slug);
        let centre = (31.0 + 194.0) / 2.0;
        assert!((title.centre() - centre).abs() < 1.0, "{}: title centred, at {:.1} mm", t.slug, title.centre());
        let abbr = t.abbreviation.unwrap();
        assert!(r.ins.line_starting(&format!("Số: 07/{abbr}-UBND")).is_some(), "{}: Số line", t.slug);
        rendered += 1;
    }
    assert_eq!(rendered, 17, "the types of Mẫu 1.4");
}

/// The embedded templates, read from the repository.
fn template(name: &str) -> String {
    std::fs::read_to_string(root().join("templates").join(name)).unwrap()
}

fn engine_with(files: &[(&str, String)]) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let e = Engine::new(&EngineOptions { templates: Some(dir.path().to_path_buf()), ..Default::default() }).unwrap();
    (dir, e)
}

#[test]
fn a_family_template_can_be_replaced_on_its_own() {
    let doc = load(&sample("ninh-giang-2022/ke-hoach.json"));
    let named = template("named.typ");
    let marked = named.replace("lines-of((d.title,) + lines", "lines-of((\"KẾ HOẠCH RIÊNG\",) + lines");
    assert_ne!(marked, named, "named.typ places the title");
    let (_dir, e) = engine_with(&[("named.typ", marked)]);
    let r = render_doc(&e, &doc);
    assert!(r.ins.line("KẾ HOẠCH RIÊNG").is_some(), "{}", r.ins.text());
    assert!(r.ins.line("KẾ HOẠCH").is_none());
    // The shared blocks still come from the embedded common.typ.
    assert!(r.ins.line_starting("Số: 18/KH-UBND").is_some());
}

#[test]
fn an_offices_own_layout_library_in_one_file_is_still_followed() {
    // An office's vanban.typ of the earlier shape: the whole library in one file, the
    // shared blocks and the Mẫu 1.4 document together. main.typ takes the document
    // function from it, and the pages are the same as with the embedded files.
    let named = template("named.typ");
    let own = template("common.typ") + &named.replace("#import \"common.typ\": *\n", "");
    assert!(!own.contains("#import"));
    let doc = load(&sample("ninh-giang-2022/ke-hoach.json"));
    let embedded = render_doc(&engine(), &doc);
    let (_dir, e) = engine_with(&[("vanban.typ", own.clone())]);
    let r = render_doc(&e, &doc);
    assert_eq!(r.ins.text(), embedded.ins.text());
    assert_eq!(r.pdf, embedded.pdf);
    // And it is this file that is used: a change in it shows.
    let changed = own.replace("lines-of((d.title,) + lines", "lines-of((\"KẾ HOẠCH CỦA VĂN PHÒNG\",) + lines");
    let (_dir, e) = engine_with(&[("vanban.typ", changed)]);
    assert!(render_doc(&e, &doc).ins.line("KẾ HOẠCH CỦA VĂN PHÒNG").is_some());
}
