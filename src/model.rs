//! The one document model every output is made from.
//!
//! The PDF, its annexes and the workbook are all computed from a [`Document`], so they
//! cannot disagree. Terms of art keep their Vietnamese names, defined once here:
//!
//! | name        | meaning |
//! |-------------|---------|
//! | `trich_yeu` | trích yếu: the one-line summary of what the document is about (ô 5) |
//! | `ky_hieu`   | ký hiệu: the code after the number, type + issuer (`KH-UBND`) (ô 3) |
//! | `so`        | số: the document's number in the issuer's yearly series (ô 3) |
//! | `can_cu`    | căn cứ: the legal bases cited before the body (ô 6) |
//! | `noi_nhan`  | nơi nhận: who receives copies, bottom left (ô 9b) |
//! | `luu`       | lưu: who keeps the file copy, the last nơi nhận line (`Lưu: VT`) |
//! | `dia_danh`  | địa danh: the place name before the date (ô 4); `place` in the input |
//! | `ky_thay`   | ký thay: under `TM.`, the head's title a deputy signs for (`KT. CHỦ TỊCH`) |
//! | `thua_lenh` | thừa lệnh: under `TM.`, the head's title after `TL.` (a chief of office signs) |
//! | `thua_uy_quyen` | thừa ủy quyền: under `TM.`, the head's title after `TUQ.` |
//!
//! Everything else is in English.

use crate::annex::Annex;
use crate::body::Block;
use crate::doctype::{DocType, FamilyKind};
use crate::vn;

/// An administrative document (văn bản hành chính), validated: what every ND30 layout
/// family shares ([`Header`]), what its family adds ([`Family`]) and its annexes.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Ô 1-5, 7 and 9b: issuer, số and ký hiệu, place and date, trích yếu, signer, Nơi nhận.
    pub header: Header,
    /// What the layout family of the type adds (căn cứ, body, Kính gửi …).
    pub family: Family,
    /// Phụ lục, in order (any family may carry annexes: ND30 Phụ lục I, IV).
    pub annexes: Vec<Annex>,
}

/// What every document has, whatever its layout family.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// Loại văn bản (Kế hoạch, Báo cáo …); its family is the variant of [`Document::family`].
    pub doc_type: &'static DocType,
    /// Cơ quan ban hành (ô 2).
    pub issuer: Issuer,
    /// Số: `None` while the document is a draft (the văn thư writes it at issue time).
    pub so: Option<u32>,
    /// Ký hiệu (`KH-UBND`), composed from the type and the issuer unless given.
    pub ky_hieu: String,
    /// Địa danh (ô 4): `Ninh Giang`.
    pub place: String,
    /// Thời gian ban hành.
    pub date: IssueDate,
    /// Trích yếu, one entry per line as the drafter broke it.
    pub trich_yeu: Vec<String>,
    /// Nơi nhận items, without the leading `- ` and the closing `;`.
    pub noi_nhan: Vec<Recipient>,
    /// What follows `Lưu:` (`VT`, `VT, NV`).
    pub luu: String,
    /// Người ký (ô 7).
    pub signer: Signer,
}

/// What a layout family adds to the [`Header`]: one variant per family of
/// [`crate::doctype::FamilyKind`] that is laid out. A new family is one variant here, one
/// view in [`crate::view`] and one typst template.
#[derive(Debug, Clone, PartialEq)]
pub enum Family {
    /// Mẫu 1.4, văn bản có tên loại (Kế hoạch, Báo cáo, Tờ trình …).
    Named(Named),
}

impl Family {
    /// The family, as the type table names it.
    pub fn kind(&self) -> FamilyKind {
        match self {
            Self::Named(_) => FamilyKind::Named,
        }
    }

    /// Kính gửi recipients (empty when the document has none).
    pub fn kinh_gui(&self) -> &[String] {
        match self {
            Self::Named(n) => &n.kinh_gui,
        }
    }
}

/// Mẫu 1.4, văn bản có tên loại: the type name and trích yếu centred (ô 5a), căn cứ, an
/// optional Kính gửi (a tờ trình or báo cáo sent upward), the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    /// Căn cứ (ô 6, before the body).
    pub can_cu: CanCu,
    /// Kính gửi (ô 9a): recipients of a tờ trình / báo cáo sent upward.
    pub kinh_gui: Vec<String>,
    /// Nội dung (ô 6).
    pub body: Vec<Block>,
}

/// Căn cứ: the legal bases cited before the body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CanCu {
    /// One paragraph each, without the closing punctuation (the tool adds `;` … `.`).
    pub items: Vec<String>,
    /// Are the căn cứ set in italics (decisions, Mẫu 1.1-1.3) or upright as body text
    /// leading into the issuing sentence (plans, reports: Mẫu 1.4)?
    pub italic: bool,
    /// How the last căn cứ ends: `.`, or, upright căn cứ leading into the issuing sentence
    /// (`Ủy ban nhân dân tỉnh ban hành Kế hoạch … như sau:`), the `;` or `,` the clerk wrote.
    pub last: char,
}

impl CanCu {
    /// Căn cứ paragraphs, each ending `;`; the last ends [`Self::last`].
    pub fn lines(&self) -> Vec<String> {
        let n = self.items.len();
        self.items
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{}{}", c, if i + 1 == n { self.last } else { ';' }))
            .collect()
    }
}

/// Kính gửi lines: one recipient → `Kính gửi: Sở Nội vụ`; several → one per line,
/// `- X;` … `- Y.` (ND30 §3.9).
pub fn kinh_gui_lines(kinh_gui: &[String]) -> Vec<String> {
    match kinh_gui {
        [] => Vec::new(),
        [one] => vec![one.clone()],
        many => many
            .iter()
            .enumerate()
            .map(|(i, r)| format!("- {r}{}", if i + 1 == many.len() { '.' } else { ';' }))
            .collect(),
    }
}

/// One nơi nhận item; an item with sub-items prints `- UBND các xã, phường:` and then
/// one `+ xã A;` line per sub-item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The item, without the leading `- ` and the closing `;` or `:`.
    pub name: String,
    /// Sub-items, without the leading `+ ` and the closing `;`.
    pub items: Vec<String>,
}

impl Recipient {
    /// An item without sub-items.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), items: Vec::new() }
    }
}

/// Cơ quan ban hành and its chủ quản (ô 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// Tên cơ quan chủ quản, all caps, one entry per printed line (may be empty).
    pub parent: Vec<String>,
    /// Tên cơ quan ban hành, all caps, one entry per printed line.
    pub name: Vec<String>,
    /// Abbreviation used in ký hiệu (`UBND`).
    pub abbreviation: String,
    /// The name as written in running text (`Ủy ban nhân dân huyện Ninh Giang`).
    pub full_name: Option<String>,
}

/// The date of issue. The day may be missing in a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueDate {
    /// Year (four digits).
    pub year: i32,
    /// Month 1-12.
    pub month: u8,
    /// Day of month; `None` while the document is a draft.
    pub day: Option<u8>,
}

/// Thẩm quyền ký: the prefix of ô 7a (ND30 Điều 13, Phụ lục I II.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    /// `TM.`: on behalf of a collective body.
    Tm,
    /// `KT.`: a deputy signing for the head.
    Kt,
    /// `TL.`: by order of the head.
    Tl,
    /// `TUQ.`: by authorisation of the head.
    Tuq,
    /// `Q.`: acting head.
    Q,
}

impl Authority {
    /// Parse `TM`, `tm.`, `KT` …
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        match s.strip_suffix('.').unwrap_or(s).to_uppercase().as_str() {
            "TM" => Some(Self::Tm),
            "KT" => Some(Self::Kt),
            "TL" => Some(Self::Tl),
            "TUQ" => Some(Self::Tuq),
            "Q" => Some(Self::Q),
            _ => None,
        }
    }

    /// The printed prefix, with its dot.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Tm => "TM.",
            Self::Kt => "KT.",
            Self::Tl => "TL.",
            Self::Tuq => "TUQ.",
            Self::Q => "Q.",
        }
    }

    /// Does the prefix stand before another name (`TM. ỦY BAN NHÂN DÂN`, `KT. CHỦ TỊCH`)
    /// rather than before the signer's own title (`Q. CHỦ TỊCH`)?
    pub fn needs_on_behalf_of(self) -> bool {
        !matches!(self, Self::Q)
    }
}

/// Người ký (ô 7a-7b).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// Thẩm quyền prefix, if any.
    pub authority: Option<Authority>,
    /// What the prefix applies to: the collective body (TM.) or the head's title (KT., TL.,
    /// TUQ.), in caps.
    pub on_behalf_of: Option<String>,
    /// Under `TM.`: the second prefix and the head's title it applies to (`KT.` +
    /// `CHỦ TỊCH` when a deputy signs for the collective body), in caps.
    pub for_head: Option<(Authority, String)>,
    /// The signer's own title (`CHỦ TỊCH`, `PHÓ CHỦ TỊCH`), in caps.
    pub title: String,
    /// Họ tên.
    pub name: String,
}

impl Signer {
    /// The all-caps lines of ô 7a: `TM. ỦY BAN NHÂN DÂN` / `CHỦ TỊCH`, or for a deputy
    /// `TM. ỦY BAN NHÂN DÂN` / `KT. CHỦ TỊCH` / `PHÓ CHỦ TỊCH`.
    pub fn title_lines(&self) -> Vec<String> {
        let mut lines = match (self.authority, &self.on_behalf_of) {
            (Some(Authority::Q), _) => return vec![format!("Q. {}", self.title)],
            (Some(a), Some(of)) => vec![format!("{} {of}", a.prefix())],
            _ => Vec::new(),
        };
        if let Some((a, head)) = &self.for_head {
            lines.push(format!("{} {head}", a.prefix()));
        }
        lines.push(self.title.clone());
        lines
    }
}

impl Header {
    /// `18/KH-UBND` (number blank in a draft).
    pub fn so_ky_hieu(&self) -> String {
        format!("{}/{}", vn::so(self.so), self.ky_hieu)
    }

    /// The Số line of ô 3: `Số: 18/KH-UBND`.
    pub fn so_line(&self) -> String {
        format!("Số: {}", self.so_ky_hieu())
    }

    /// The line of ô 4: `Ninh Giang, ngày 28 tháng 01 năm 2022`.
    pub fn date_line(&self) -> String {
        let d = self.date;
        format!("{}, {}", self.place, vn::date_words(d.year, d.month, d.day))
    }

    /// The trích yếu on one line (for metadata and references).
    pub fn trich_yeu_text(&self) -> String {
        self.trich_yeu.join(" ")
    }

    /// The issuer as named in running text and metadata: its full name, else its
    /// printed lines.
    pub fn issuer_text(&self) -> String {
        self.issuer.full_name.clone().unwrap_or_else(|| self.issuer.name.join(" "))
    }

    /// Nơi nhận as printed: `- item;` … `- Lưu: VT.`; an item with sub-items ends `:` and
    /// is followed by its `+ sub-item;` lines. After a Kính gửi (`kinh_gui`) the first
    /// item is `- Như trên;` (ND30 §3.9).
    pub fn noi_nhan_lines(&self, kinh_gui: bool) -> Vec<String> {
        let mut lines = Vec::new();
        if kinh_gui && self.noi_nhan.first().is_none_or(|i| !i.name.eq_ignore_ascii_case("Như trên")) {
            lines.push("- Như trên;".to_string());
        }
        for r in &self.noi_nhan {
            if r.items.is_empty() {
                lines.push(format!("- {};", r.name));
            } else {
                lines.push(format!("- {}:", r.name));
                lines.extend(r.items.iter().map(|i| format!("+ {i};")));
            }
        }
        lines.push(format!("- Lưu: {}.", self.luu));
        lines
    }

    /// The italic line under an annex title: `(Kèm theo Kế hoạch số 18/KH-UBND ngày
    /// 28/01/2022 của Ủy ban nhân dân huyện Ninh Giang)`; blanks in a draft.
    pub fn annex_reference(&self) -> String {
        let d = self.date;
        format!(
            "(Kèm theo {} số {} ngày {} của {})",
            self.doc_type.name,
            self.so_ky_hieu(),
            vn::date_short(d.year, d.month, d.day),
            self.issuer_text()
        )
    }

    /// The 10 pt line of a separately filed annex (ND30 §4/§6): the parent's số/ký hiệu
    /// and blanks where the signing software writes the date and time.
    pub fn annex_signature_line(&self) -> String {
        let blank = |n| vn::NBSP.to_string().repeat(n);
        format!(
            "Số: {}; {}/{}/{}; {}:{}:{} +07:00",
            self.so_ky_hieu(),
            blank(4),
            blank(4),
            blank(8),
            blank(4),
            blank(4),
            blank(4)
        )
    }

    /// Is this still a draft (number or day blank)?
    pub fn is_draft(&self) -> bool {
        self.so.is_none() || self.date.day.is_none()
    }
}

impl Document {
    /// `18/KH-UBND` (number blank in a draft).
    pub fn so_ky_hieu(&self) -> String {
        self.header.so_ky_hieu()
    }

    /// The trích yếu on one line (for metadata and references).
    pub fn trich_yeu_text(&self) -> String {
        self.header.trich_yeu_text()
    }

    /// Nơi nhận as printed (see [`Header::noi_nhan_lines`]); `- Như trên;` first when the
    /// family has a Kính gửi.
    pub fn noi_nhan_lines(&self) -> Vec<String> {
        self.header.noi_nhan_lines(!self.family.kinh_gui().is_empty())
    }

    /// The heading of annex `index` (0-based): `Phụ lục` when it is the only one, else
    /// `Phụ lục I`, `Phụ lục II` … (ND30: Roman numerals from two annexes).
    pub fn annex_label(&self, index: usize) -> String {
        annex_label(index, self.annexes.len())
    }

    /// The italic line under an annex title (see [`Header::annex_reference`]).
    pub fn annex_reference(&self) -> String {
        self.header.annex_reference()
    }

    /// Is this still a draft (number or day blank)?
    pub fn is_draft(&self) -> bool {
        self.header.is_draft()
    }
}

pub use crate::annex::label as annex_label;
