//! The 29 administrative document types of ND30 Điều 7 and their abbreviations
//! (Phụ lục III, table I).
//!
//! A type is data about the document, not a layout: its [`FamilyKind`] says which
//! official template (Mẫu 1.x of Phụ lục I) lays it out. A type of a family that is laid
//! out is one entry of [`ALL`]; the types of the other families are recognised, so that
//! an input naming them gets a clear "not supported yet" instead of "unknown type".

use std::fmt;

/// Which official template (ND30 Phụ lục I, Mẫu 1.x) lays a type out. The document's
/// family-specific content is the matching variant of [`crate::model::Family`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FamilyKind {
    /// Mẫu 1.4 "văn bản có tên loại": type name + trích yếu centred, căn cứ, body,
    /// signature (Kế hoạch, Báo cáo, Tờ trình …).
    Named,
    /// Mẫu 1.1-1.3: Nghị quyết, Quyết định with their Điều (not laid out yet).
    Decision,
    /// Mẫu 1.5: Công văn with `V/v` and `Kính gửi` (not laid out yet).
    Letter,
    /// Mẫu 1.6: Công điện (not laid out yet).
    Telegram,
    /// Mẫu 1.7: Giấy mời (not laid out yet).
    Invitation,
    /// Mẫu 1.8: Giấy giới thiệu (not laid out yet).
    Introduction,
    /// Mẫu 1.9: Biên bản (not laid out yet).
    Minutes,
    /// Mẫu 1.10: Giấy nghỉ phép (not laid out yet).
    Leave,
    /// Types for which ND30 gives no template (Hợp đồng, Bản ghi nhớ, Bản thỏa thuận,
    /// Thư công; not laid out).
    Unmodelled,
}

impl FamilyKind {
    /// The template of ND30 Phụ lục I that lays this family out (`1.4`, `1.1-1.3`);
    /// `None` when the decree gives none.
    pub fn mau(self) -> Option<&'static str> {
        match self {
            Self::Decision => Some("1.1-1.3"),
            Self::Named => Some("1.4"),
            Self::Letter => Some("1.5"),
            Self::Telegram => Some("1.6"),
            Self::Invitation => Some("1.7"),
            Self::Introduction => Some("1.8"),
            Self::Minutes => Some("1.9"),
            Self::Leave => Some("1.10"),
            Self::Unmodelled => None,
        }
    }

    /// Is this family laid out by the templates (a [`crate::model::Family`] variant, a
    /// view in [`crate::view`] and a typst template)?
    pub fn is_laid_out(self) -> bool {
        matches!(self, Self::Named)
    }
}

/// One ND30 document type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocType {
    /// Machine name used in the JSON input (`ke_hoach`).
    pub slug: &'static str,
    /// Name in normal case (`Kế hoạch`), as used in running text and annex references.
    pub name: &'static str,
    /// Abbreviation of Phụ lục III (`KH`); `None` for công văn and thư công.
    pub abbreviation: Option<&'static str>,
    /// Layout family.
    pub family: FamilyKind,
}

impl DocType {
    /// The type name as printed in ô 5a: all caps (`KẾ HOẠCH`).
    pub fn title(&self) -> String {
        crate::vn::upper(self.name)
    }

    /// Is this type laid out by the current templates?
    pub fn is_supported(&self) -> bool {
        self.family.is_laid_out()
    }
}

impl fmt::Display for DocType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

macro_rules! types {
    ($(($slug:literal, $name:literal, $abbr:expr, $fam:ident)),* $(,)?) => {
        /// All 29 types of ND30 Điều 7, in the decree's order.
        pub const ALL: &[DocType] = &[
            $(DocType { slug: $slug, name: $name, abbreviation: $abbr, family: FamilyKind::$fam }),*
        ];
    };
}

types![
    ("nghi_quyet", "Nghị quyết", Some("NQ"), Decision),
    ("quyet_dinh", "Quyết định", Some("QĐ"), Decision),
    ("chi_thi", "Chỉ thị", Some("CT"), Named),
    ("quy_che", "Quy chế", Some("QC"), Named),
    ("quy_dinh", "Quy định", Some("QyĐ"), Named),
    ("thong_cao", "Thông cáo", Some("TC"), Named),
    ("thong_bao", "Thông báo", Some("TB"), Named),
    ("huong_dan", "Hướng dẫn", Some("HD"), Named),
    ("chuong_trinh", "Chương trình", Some("CTr"), Named),
    ("ke_hoach", "Kế hoạch", Some("KH"), Named),
    ("phuong_an", "Phương án", Some("PA"), Named),
    ("de_an", "Đề án", Some("ĐA"), Named),
    ("du_an", "Dự án", Some("DA"), Named),
    ("bao_cao", "Báo cáo", Some("BC"), Named),
    ("bien_ban", "Biên bản", Some("BB"), Minutes),
    ("to_trinh", "Tờ trình", Some("TTr"), Named),
    ("hop_dong", "Hợp đồng", Some("HĐ"), Unmodelled),
    ("cong_van", "Công văn", None, Letter),
    ("cong_dien", "Công điện", Some("CĐ"), Telegram),
    ("ban_ghi_nho", "Bản ghi nhớ", Some("BGN"), Unmodelled),
    ("ban_thoa_thuan", "Bản thỏa thuận", Some("BTT"), Unmodelled),
    ("giay_uy_quyen", "Giấy ủy quyền", Some("GUQ"), Named),
    ("giay_moi", "Giấy mời", Some("GM"), Invitation),
    ("giay_gioi_thieu", "Giấy giới thiệu", Some("GGT"), Introduction),
    ("giay_nghi_phep", "Giấy nghỉ phép", Some("GNP"), Leave),
    ("phieu_gui", "Phiếu gửi", Some("PG"), Named),
    ("phieu_chuyen", "Phiếu chuyển", Some("PC"), Named),
    ("phieu_bao", "Phiếu báo", Some("PB"), Named),
    ("thu_cong", "Thư công", None, Unmodelled),
];

/// Find a type by its slug (`ke_hoach`), its name in any case (`Kế hoạch`, `KẾ HOẠCH`) or
/// its abbreviation (`KH`).
pub fn lookup(key: &str) -> Option<&'static DocType> {
    let key = key.trim();
    let lower = key.to_lowercase();
    ALL.iter().find(|t| {
        t.slug == key
            || t.slug.replace('_', "-") == key
            || t.name.to_lowercase() == lower
            || t.abbreviation == Some(key)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_nine_types() {
        assert_eq!(ALL.len(), 29);
        let without: Vec<_> = ALL.iter().filter(|t| t.abbreviation.is_none()).map(|t| t.name).collect();
        assert_eq!(without, ["Công văn", "Thư công"]);
    }

    #[test]
    fn lookup_by_slug_name_or_abbreviation() {
        for key in ["ke_hoach", "ke-hoach", "Kế hoạch", "KẾ HOẠCH", "KH"] {
            assert_eq!(lookup(key).map(|t| t.slug), Some("ke_hoach"), "{key}");
        }
        assert_eq!(lookup("QyĐ").map(|t| t.name), Some("Quy định"));
        assert!(lookup("ke_hoach_x").is_none());
        assert_eq!(lookup("bao_cao").unwrap().title(), "BÁO CÁO");
    }
}
