//! the Kế hoạch sample laid out per ND30, checked on the laid-out document
//! (positions in mm from the top-left of the page, sizes in pt) against the rules of
//! the checkable rules of ND30 Phụ lục I with their tolerances.

use crate::common::*;
use vanban::inspect::{Inspection, Line};
use vanban::{Engine, EngineOptions};

/// Text block of the templates: left 31 mm, right 16 mm, top/bottom 20 mm.
const LEFT: f64 = 31.0;
const RIGHT: f64 = 210.0 - 16.0;
const CENTRE: f64 = (LEFT + RIGHT) / 2.0;
const PT: f64 = 25.4 / 72.0;

fn ninh_giang() -> Rendered {
    render_doc(&engine(), &load(&sample("ninh-giang-2022/ke-hoach.json")))
}

fn line(ins: &Inspection, text: &str) -> Line {
    ins.line(text).unwrap_or_else(|| panic!("no line {text:?} in:\n{}", ins.text()))
}

fn assert_near(got: f64, want: f64, tol: f64, what: &str) {
    assert!((got - want).abs() <= tol, "{what}: got {got:.2}, want {want:.2} ± {tol}");
}

/// Top of the capitals of a line (mm).
fn cap_top(l: &Line) -> f64 {
    l.y - 0.655 * l.size() * PT
}

#[test]
fn pages_are_a4_and_no_glyph_enters_the_nd30_margins() {
    let r = ninh_giang();
    // The plan's portrait pages; the landscape annex is checked in tests/annex.rs.
    let plan_pages = line(&r.ins, "Phụ lục").page;
    assert!(plan_pages >= 4, "the plan is 4-5 pages, got {plan_pages}");
    for (w, h) in &r.ins.pages[..plan_pages] {
        assert_near(*w, 210.0, 0.5, "page width");
        assert_near(*h, 297.0, 0.5, "page height");
    }
    for run in r.ins.runs.iter().filter(|x| x.page < plan_pages) {
        let (l, t, rr, b) = run.ink;
        let is_page_number = run.y < 20.0 && run.text.chars().all(|c| c.is_ascii_digit());
        if is_page_number {
            continue;
        }
        assert!(
            l >= 30.0 && rr <= 195.0,
            "glyphs of {:?} on page {} run from x {l:.2} to {rr:.2}",
            run.text,
            run.page + 1
        );
        assert!(
            t >= 20.0 && b <= 277.0,
            "glyphs of {:?} on page {} run from y {t:.2} to {b:.2}",
            run.text,
            run.page + 1
        );
    }
}

#[test]
fn body_is_14pt_justified_indented_and_spaced_per_nd30() {
    let r = ninh_giang();
    let first = r.ins.line_starting("Để nâng cao hiệu quả").expect("first body paragraph");
    assert_near(first.x0 - LEFT, 10.0, 0.3, "first-line indent");
    assert_eq!(first.size(), 14.0);
    assert!(!first.bold() && !first.italic());
    let lines: Vec<Line> = r.ins.lines(1).into_iter().filter(|l| l.y > 20.0).collect();
    let full: Vec<&Line> = lines.iter().filter(|l| l.x0 < LEFT + 0.1).collect();
    assert!(full.len() > 10);
    for l in &full {
        assert!(l.x0 >= 30.0 && l.x0 <= 35.0, "line start {:.2}", l.x0);
    }
    // Non-final lines of a paragraph reach the right edge (justified).
    let justified = full.iter().filter(|l| (l.x1 - RIGHT).abs() < 0.3).count();
    assert!(justified * 10 >= full.len() * 6, "{justified} of {} lines end at the right edge", full.len());
    // Baseline distance inside a paragraph between single (1.15) and 1.5 lines (1.725).
    let gaps: Vec<f64> = lines.windows(2).map(|w| (w[1].y - w[0].y) / PT).collect();
    let within = gaps.iter().cloned().fold(f64::INFINITY, f64::min);
    assert!((1.15 * 14.0..=1.725 * 14.0).contains(&within), "line distance {within:.2} pt");
    // Between paragraphs: at least 6 pt more.
    let widest = gaps.iter().cloned().fold(0.0, f64::max);
    assert!(widest >= within + 6.0 - 0.5, "paragraph gap {widest:.2} pt vs line {within:.2} pt");
    // One body size.
    let body: Vec<_> = r.ins.runs.iter().filter(|x| x.page == 1 && x.y > 20.0).collect();
    let at14 = body.iter().filter(|x| x.size == 14.0).count();
    assert!(at14 * 100 >= body.len() * 95);
}

#[test]
fn header_blocks_follow_nd30() {
    let r = ninh_giang();
    let ins = &r.ins;
    // Ô 2: issuer 13 pt bold caps, centred in the left column; rule 1/3-1/2 under it.
    let i1 = line(ins, "ỦY BAN NHÂN DÂN");
    let i2 = line(ins, "HUYỆN NINH GIANG");
    for l in [&i1, &i2] {
        assert_eq!(l.size(), 13.0);
        assert!(l.bold() && !l.italic());
        assert_eq!(l.page, 0);
    }
    assert_near(i1.centre(), i2.centre(), 1.0, "issuer lines share an axis");
    let widest = (i1.x1 - i1.x0).max(i2.x1 - i2.x0);
    let rule = ins
        .rules
        .iter()
        .find(|x| x.page == 0 && x.y > i2.y && x.y < i2.y + 6.0 && x.x < 100.0)
        .expect("rule under the issuer");
    assert!(
        rule.length >= widest / 3.0 - 1.0 && rule.length <= widest / 2.0 + 1.0,
        "issuer rule {:.1} of {widest:.1}",
        rule.length
    );
    assert_near(rule.x + rule.length / 2.0, i2.centre(), 1.0, "issuer rule centre");
    // Ô 3: Số 13 pt, upright, centred under the issuer.
    let so = line(ins, "Số: 18/KH-UBND");
    assert_eq!(so.size(), 13.0);
    assert!(!so.bold() && !so.italic());
    assert_near(so.centre(), i2.centre(), 1.5, "Số under the issuer");
    assert!(so.y > rule.y);
    // Ô 1: Quốc hiệu 13 pt bold caps; Tiêu ngữ 14 pt bold under it, single-spaced, with a
    // rule as long as its text.
    let qh = line(ins, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    let tn = line(ins, "Độc lập - Tự do - Hạnh phúc");
    assert_eq!((qh.size(), tn.size()), (13.0, 14.0));
    assert!(qh.bold() && tn.bold());
    assert!(qh.centre() > CENTRE, "Quốc hiệu in the right half");
    assert_near(tn.centre(), qh.centre(), 1.0, "Tiêu ngữ centred under Quốc hiệu");
    assert!((tn.y - qh.y) / PT <= 1.25 * 14.0, "single spacing");
    assert_near(qh.y, i1.y, 0.5, "Quốc hiệu on the first line");
    assert!(cap_top(&qh) >= 20.0);
    let tn_rule = ins
        .rules
        .iter()
        .find(|x| x.page == 0 && x.y > tn.y && x.y < tn.y + 6.0 && x.x > CENTRE)
        .expect("rule under Tiêu ngữ");
    let tn_width = tn.x1 - tn.x0;
    assert!(
        (tn_rule.length - tn_width).abs() <= tn_width * 0.05,
        "Tiêu ngữ rule {:.1} vs text {tn_width:.1}",
        tn_rule.length
    );
    assert_near(tn_rule.x + tn_rule.length / 2.0, tn.centre(), 1.0, "Tiêu ngữ rule centre");
    // Ô 4: place and date 14 pt italic, on the Số line, centred under Quốc hiệu.
    let date = line(ins, "Ninh Giang, ngày 28 tháng 01 năm 2022");
    assert_eq!(date.size(), 14.0);
    assert!(date.italic() && !date.bold());
    assert!((date.y - so.y).abs() <= 3.0, "Số and date on one line");
    assert_near(date.centre(), qh.centre(), 1.5, "date under Quốc hiệu");
}

#[test]
fn title_and_trich_yeu_are_centred_with_a_short_rule() {
    let r = ninh_giang();
    let ins = &r.ins;
    let title = line(ins, "KẾ HOẠCH");
    assert_eq!(title.size(), 14.0);
    assert!(title.bold());
    assert_near(title.centre(), CENTRE, 1.5, "type name centred on the text block");
    let t1 = line(ins, "Tuyên truyền thực hiện cải cách hành chính nhà nước năm 2022");
    let t2 = line(ins, "trên địa bàn huyện Ninh Giang");
    for l in [&t1, &t2] {
        assert_eq!(l.size(), 14.0);
        assert!(l.bold() && !l.italic());
        assert_near(l.centre(), CENTRE, 1.5, "trích yếu centred");
    }
    assert!(t1.y > title.y && t2.y > t1.y);
    let widest = t1.x1 - t1.x0;
    let rule = ins.rules.iter().find(|x| x.page == 0 && x.y > t2.y && x.y < t2.y + 6.0).expect("rule under trích yếu");
    assert!(rule.length >= widest / 3.0 - 1.0 && rule.length <= widest / 2.0 + 1.0);
    assert_near(rule.x + rule.length / 2.0, CENTRE, 1.0, "trích yếu rule centre");
    let can_cu = ins.line_starting("Căn cứ Nghị quyết số 76/NQ-CP").unwrap();
    // A plan cites its bases upright, as body text.
    assert!(!can_cu.italic() && can_cu.size() == 14.0);
}

#[test]
fn page_numbers_from_page_two_centred_in_the_top_margin() {
    let r = ninh_giang();
    // The plan's pages (its annex is numbered on its own, see tests/annex.rs).
    let pages = line(&r.ins, "Phụ lục").page;
    for p in 0..pages {
        let numbers: Vec<_> = r.ins.runs.iter().filter(|x| x.page == p && x.y < 20.0).collect();
        if p == 0 {
            assert!(numbers.iter().all(|x| !x.text.chars().all(|c| c.is_ascii_digit())), "no number on page 1");
            continue;
        }
        assert_eq!(numbers.len(), 1, "page {}", p + 1);
        let n = numbers[0];
        assert_eq!(n.text, (p + 1).to_string());
        assert_eq!(n.size, 14.0);
        assert!(!n.bold && !n.italic);
        assert!(n.ink.3 < 20.0, "in the top margin");
        assert_near(n.x + n.width / 2.0, CENTRE, 2.0, "centred on the text block");
    }
}

#[test]
fn noi_nhan_and_signature_block() {
    let r = ninh_giang();
    let ins = &r.ins;
    let nn = line(ins, "Nơi nhận:");
    assert_eq!(nn.size(), 12.0);
    assert!(nn.bold() && nn.italic());
    assert_near(nn.x0, LEFT, 1.0, "Nơi nhận flush left");
    let tm = line(ins, "TM. ỦY BAN NHÂN DÂN");
    let ct = line(ins, "CHỦ TỊCH");
    let name = line(ins, "Nguyễn Đình Tranh");
    assert_eq!(tm.page, nn.page);
    assert_near(cap_top(&nn), cap_top(&tm), 2.0, "Nơi nhận level with the signature");
    for l in [&tm, &ct, &name] {
        assert_eq!(l.size(), 14.0);
        assert!(l.bold() && !l.italic());
    }
    assert!(tm.centre() > CENTRE, "signature in the right half");
    assert_near(ct.centre(), tm.centre(), 1.0, "title lines centred");
    assert_near(name.centre(), tm.centre(), 1.5, "name centred on the title block");
    assert!(name.y - ct.y >= 25.0, "room for signature and seal: {:.1} mm", name.y - ct.y);
    // Items: 11 pt, `- ` flush left, `;` after each, `.` after the last.
    let items: Vec<Line> =
        ins.lines(nn.page).into_iter().filter(|l| l.y > nn.y && l.x0 < CENTRE - 10.0 && l.size() == 11.0).collect();
    let texts: Vec<String> = items.iter().map(Line::text).collect();
    assert_eq!(texts.len(), 8, "{texts:?}");
    assert_eq!(texts[0], "- Sở Nội vụ;");
    assert_eq!(texts.last().unwrap(), "- Lưu: VT.");
    for (l, t) in items.iter().zip(&texts) {
        assert!(t.starts_with("- "));
        assert_near(l.x0, LEFT, 1.0, "item flush left");
        assert!(!l.bold() && !l.italic());
    }
    assert!(texts[..texts.len() - 1].iter().all(|t| t.ends_with(';')));
}

#[test]
fn signature_never_stands_alone_on_its_page() {
    let r = ninh_giang();
    let sig = line(&r.ins, "TM. ỦY BAN NHÂN DÂN");
    let last = r.ins.line_starting("Trên đây là Kế hoạch").expect("last paragraph");
    assert_eq!(sig.page, last.page, "closing travels with the last paragraph");
    let annex = r.ins.line("Phụ lục").expect("annex heading");
    assert_eq!(sig.page + 1, annex.page, "the signature is on the plan's last page");
}

/// Words of a text, without the markdown marks of the seed file.
fn words(text: &str) -> Vec<String> {
    text.replace('*', "").replace('\u{a0}', " ").split_whitespace().map(str::to_owned).collect()
}

#[test]
fn every_word_of_the_seed_in_order() {
    // A copy of shared/seeds/ke-hoach-18-KH-UBND-2022-ninh-giang.txt.
    let seed = std::fs::read_to_string(root().join("tests/fixtures/reference/ke-hoach-18-KH-UBND-2022-ninh-giang.txt"))
        .expect("seed text");
    let r = ninh_giang();
    // The seed omits the header blocks that the tool adds (ô 1, ô 2) and page numbers.
    let added =
        ["ỦY BAN NHÂN DÂN", "HUYỆN NINH GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"];
    let mut text = String::new();
    let nn = line(&r.ins, "Nơi nhận:");
    // The plan's pages only: the annex that follows is not in the seed text.
    for p in 0..=nn.page {
        let mut lines = r.ins.lines(p);
        if p == nn.page {
            // The closing is two columns: read Nơi nhận, then the signature.
            let (before, closing): (Vec<Line>, Vec<Line>) = lines.into_iter().partition(|l| l.y < nn.y - 0.5);
            let (left, right): (Vec<Line>, Vec<Line>) = closing.into_iter().partition(|l| l.x0 < CENTRE - 10.0);
            lines = before.into_iter().chain(left).chain(right).collect();
        }
        for l in lines {
            let t = l.text();
            let page_number = l.y < 20.0 && t.chars().all(|c| c.is_ascii_digit());
            if page_number || (p == 0 && added.contains(&t.as_str()) && l.y < 35.0) {
                continue;
            }
            text.push_str(&t);
            text.push('\n');
        }
    }
    // The seed's "(Có phụ lục …)" is generated from the annex reference as "Phụ lục".
    let got = words(&text.replace("(Có Phụ lục", "(Có phụ lục"));
    let want = words(&seed);
    if got != want {
        let at = got.iter().zip(&want).position(|(a, b)| a != b).unwrap_or(got.len().min(want.len()));
        panic!(
            "word {at} differs:\n  pdf:  {:?}\n  seed: {:?}",
            &got[at.saturating_sub(3)..(at + 5).min(got.len())],
            &want[at.saturating_sub(3)..(at + 5).min(want.len())]
        );
    }
}

#[test]
fn no_warnings_and_embedded_font() {
    let r = ninh_giang();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert!(r.ins.runs.iter().all(|x| x.family == "Liberation Serif"));
}

#[test]
fn markup_characters_print_literally() {
    let hostile = r#"Ký tự # $ * _ @ < > [ ] \ // = ~ ` + - #set text(red) $x^2$ *a* _b_ @ref <lbl> [x] \\ // c"#;
    let mut data = minimal();
    data["trich_yeu"] = hostile.into();
    data["body"] = format!("{hostile}\n- `#{{1+1}}` #read(\"/etc/passwd\")\n= Heading\n+ 1").into();
    data["noi_nhan"] = serde_json::json!(["#emph[x] $y$"]);
    data["signer"]["name"] = "Lê <Văn> #A".into();
    let r = render_json(&engine(), &data.to_string());
    let text = r.ins.text().replace('\n', " ");
    for s in [
        r#"Ký tự # $ * _ @ < > [ ] \ // = ~ ` + - #set text(red) $x^2$ *a* _b_ @ref <lbl> [x] \\ // c"#,
        r#"- `#{1+1}` #read("/etc/passwd")"#,
        "= Heading",
        "+ 1",
        "- #emph[x] $y$;",
        "Lê <Văn> #A",
    ] {
        assert!(text.contains(s), "{s:?} missing from:\n{text}");
    }
}

#[test]
fn draft_leaves_blanks_for_number_and_day() {
    let mut data = minimal();
    data.as_object_mut().unwrap().remove("so");
    data["date"] = "2022-01".into();
    let draft = render_json(&engine(), &data.to_string());
    let so = draft.ins.line_starting("Số:").unwrap();
    assert!(so.text().ends_with("/KH-UBND"), "{}", so.text());
    let date = draft.ins.line_starting("Kim Liên, ngày").unwrap();
    assert!(date.text().ends_with("tháng 01 năm 2022"), "{}", date.text());
    // The blanks are real room for a handwritten number/day (≥ 4 mm).
    let issued = render_json(&engine(), &minimal().to_string());
    let so_issued = issued.ins.line_starting("Số: 07/KH-UBND").unwrap();
    let blank_so = (so.x1 - so.x0) - (so_issued.x1 - so_issued.x0 - 2.0 * 0.5 * 13.0 * PT);
    assert!(blank_so >= 4.0, "number blank {blank_so:.1} mm");
    let day_blank = date.runs.iter().map(|r| r.text.chars().filter(|c| *c == '\u{a0}').count()).sum::<usize>();
    assert!(day_blank >= 5);
}

#[test]
fn commune_after_2025_uses_its_own_names() {
    let mut data = minimal();
    data["signer"] = serde_json::json!({"authority": "KT", "on_behalf_of": "Chủ tịch", "title": "Phó Chủ tịch", "name": "Trần Thị B"});
    let r = render_json(&engine(), &data.to_string());
    let ins = &r.ins;
    line(ins, "XÃ KIM LIÊN");
    line(ins, "Số: 07/KH-UBND");
    line(ins, "Kim Liên, ngày 05 tháng 9 năm 2025");
    line(ins, "KT. CHỦ TỊCH");
    line(ins, "PHÓ CHỦ TỊCH");
    assert!(!ins.text().to_lowercase().contains("huyện"));
}

#[test]
fn same_input_same_bytes() {
    let e = engine();
    let doc = load(&sample("ninh-giang-2022/ke-hoach.json"));
    let a = render_doc(&e, &doc).pdf;
    let b = render_doc(&engine(), &doc).pdf;
    assert_eq!(a, b);
    let text = String::from_utf8_lossy(&a);
    assert!(text.contains("2022-01-28") || text.contains("20220128"), "creation date from the document date");
}

#[test]
fn parent_body_line_is_upright_caps_on_the_issuer_axis() {
    let mut data = minimal();
    data["issuer"] = serde_json::json!({"parent": "UBND tỉnh Nghệ An", "name": "Sở Nội vụ", "abbreviation": "SNV"});
    let r = render_json(&engine(), &data.to_string());
    let parent = line(&r.ins, "UBND TỈNH NGHỆ AN");
    let issuer = line(&r.ins, "SỞ NỘI VỤ");
    assert_eq!((parent.size(), issuer.size()), (13.0, 13.0));
    assert!(!parent.bold() && !parent.italic() && issuer.bold());
    assert!(issuer.y > parent.y && (issuer.y - parent.y) / PT <= 1.25 * 13.0, "single-spaced");
    assert_near(parent.centre(), issuer.centre(), 1.0, "same axis");
    line(&r.ins, "Số: 07/KH-SNV");
    // The rule is under the issuer, not the parent: 1/3-1/2 of the issuer line.
    let rule = r.ins.rules.iter().find(|x| x.y > issuer.y && x.x < CENTRE).unwrap();
    let w = issuer.x1 - issuer.x0;
    assert!(rule.length >= w / 3.0 - 1.0 && rule.length <= w / 2.0 + 1.0);
}

// ---- The end of the document, justified lines, nothing lost ----

/// Lines of justified body paragraphs (14 pt, starting at the left edge or the 1 cm
/// indent) that the next body line continues (it starts at the left edge, one line
/// below or at the top of the next page): (how many, those not ending at the right edge).
fn inner_lines(ins: &Inspection, pages: std::ops::Range<usize>) -> (usize, Vec<String>) {
    let body: Vec<Line> = pages
        .flat_map(|p| ins.lines(p))
        .filter(|l| l.size() == 14.0 && l.y > 20.0 && l.x0 > LEFT - 0.2 && l.x0 < LEFT + 10.2 && l.x1 > LEFT + 40.0)
        .collect();
    let (mut n, mut bad) = (0, Vec::new());
    for w in body.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let next = if a.page == b.page { b.y - a.y < 1.3 * 14.0 * PT + 0.3 } else { b.page == a.page + 1 };
        if next && b.x0 < LEFT + 0.2 {
            n += 1;
            if (a.x1 - RIGHT).abs() > 0.3 {
                bad.push(format!("page {} ends at {:.2}: {}", a.page + 1, a.x1, a.text()));
            }
        }
    }
    (n, bad)
}

fn with_body(body: &str) -> serde_json::Value {
    let mut data = minimal();
    data["body"] = body.into();
    data
}

const FILLER: &str = "Các cơ quan, đơn vị tổ chức tuyên truyền sâu rộng về cải cách hành chính, chú trọng \
    chuyển đổi số, dịch vụ công trực tuyến và sự hài lòng của người dân, doanh nghiệp đối với \
    sự phục vụ của cơ quan hành chính nhà nước.";

#[test]
fn every_line_of_a_justified_paragraph_but_its_last_reaches_the_right_margin() {
    let e = engine();
    let long = format!("Trên đây là Kế hoạch của Ủy ban nhân dân xã. {} {} {} {}", FILLER, FILLER, FILLER, FILLER);
    let bullet = format!("- {FILLER} {FILLER}");
    let short = format!("Trên đây là Kế hoạch {FILLER}");
    for last in [short.as_str(), long.as_str(), bullet.as_str()] {
        let r = render_json(&e, &with_body(&format!("I. MỤC ĐÍCH\n{FILLER}\n{FILLER}\n{last}")).to_string());
        let (n, bad) = inner_lines(&r.ins, 0..r.ins.pages.len());
        assert!(n >= 3, "lines checked: {n}");
        assert!(bad.is_empty(), "last paragraph {:?}…: {bad:#?}", &last[..20]);
    }
    let r = render_doc(&e, &load(&sample("kim-lien-2025/ke-hoach.json")));
    let (n, bad) = inner_lines(&r.ins, 0..r.ins.pages.len());
    assert!(n >= 20, "lines checked: {n}");
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The page of the signature and the lines of body text on it.
fn signature_page_text_lines(ins: &Inspection) -> (usize, usize) {
    let sig = line(ins, "TM. ỦY BAN NHÂN DÂN");
    let nn = line(ins, "Nơi nhận:");
    assert_eq!(sig.page, nn.page);
    let text = ins.lines(sig.page).iter().filter(|l| l.size() == 14.0 && l.y > 20.0 && l.y < nn.y - 1.0).count();
    (sig.page, text)
}

#[test]
fn a_last_paragraph_longer_than_a_page_prints_every_word() {
    let words: Vec<String> = (1..=4000).map(|i| format!("từ{i}")).collect();
    let r = render_json(&engine(), &with_body(&format!("I. MỤC ĐÍCH\n{}.", words.join(" "))).to_string());
    let text = r.ins.text();
    let got: Vec<&str> = text.split_whitespace().filter(|w| w.starts_with("từ")).collect();
    assert_eq!(got.len(), 4000, "words printed");
    assert_eq!(got.last(), Some(&"từ4000."));
    let (page, lines) = signature_page_text_lines(&r.ins);
    assert!(page >= 3 && lines >= 2, "signature on page {} with {lines} lines of text", page + 1);
    let (n, bad) = inner_lines(&r.ins, 0..r.ins.pages.len());
    assert!(n > 200 && bad.is_empty(), "{n} lines, {bad:#?}");
}

#[test]
fn a_body_ending_in_a_long_table_prints_every_row() {
    let mut body = String::from("I. MỤC ĐÍCH\nSố liệu như sau:\n| Đơn vị | Số lượng |\n|---|---|\n");
    for i in 1..=150 {
        body.push_str(&format!("| Đơn vị số {i} | {i} |\n"));
    }
    let r = render_json(&engine(), &with_body(&body).to_string());
    let text = r.ins.text();
    for i in 1..=150 {
        assert!(text.contains(&format!("Đơn vị số {i}\n{i}\n")), "row {i} missing");
    }
    // The header row is repeated on every page the table spans.
    let pages: Vec<usize> =
        r.ins.all_lines().iter().filter(|l| l.text().starts_with("Đơn vị số")).map(|l| l.page).collect();
    for p in pages[0]..=*pages.last().unwrap() {
        let lines = r.ins.lines(p);
        let header = lines.iter().position(|l| l.text() == "Đơn vị" && l.bold());
        let header = header.unwrap_or_else(|| panic!("no header on page {}", p + 1));
        assert_eq!(lines[header + 1].text(), "Số lượng");
        assert!(lines.iter().skip(header).any(|l| l.text().starts_with("Đơn vị số")), "header alone on page {}", p + 1);
    }
    line(&r.ins, "Nguyễn Văn A");
}

#[test]
fn a_hundred_and_twenty_recipients_all_print_and_the_signature_keeps_its_text() {
    let mut data = with_body(&format!("I. MỤC ĐÍCH\n{FILLER}\n{FILLER}"));
    data["noi_nhan"] = (1..=120).map(|i| format!("UBND xã số {i}")).collect::<Vec<_>>().into();
    let r = render_json(&engine(), &data.to_string());
    let text = r.ins.text();
    for i in 1..=120 {
        assert!(text.contains(&format!("- UBND xã số {i};")), "recipient {i} missing");
    }
    let (page, lines) = signature_page_text_lines(&r.ins);
    assert!(lines >= 2, "signature on page {} with {lines} lines of text", page + 1);
    // Items continue right under one another in the left column.
    let items: Vec<Line> = r.ins.all_lines().into_iter().filter(|l| l.size() == 11.0).collect();
    for w in items.windows(2).filter(|w| w[0].page == w[1].page) {
        assert_near(w[1].y - w[0].y, 11.0 * 1.15 * PT, 0.2, "item spacing");
        assert_near(w[1].x0, LEFT, 0.5, "item flush left");
    }
    assert!(items.last().unwrap().page > page, "Nơi nhận continues on the next page");
}

#[test]
fn text_outside_the_page_fails_the_item() {
    let dir = std::env::temp_dir().join(format!("vanban-offpage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.typ"), "#set page(paper: \"a4\", margin: (left: 31mm, right: 16mm, y: 20mm))\n#block(breakable: false)[#for i in range(80) [Dòng số #i \\ ]]\n").unwrap();
    let e = Engine::new(&EngineOptions { templates: Some(dir.clone()), ..Default::default() }).unwrap();
    let doc = vanban::data::parse(std::path::Path::new("t.json"), &minimal().to_string()).unwrap();
    let err = vanban::render(&e, &doc, vanban::RenderOptions::default()).err().expect("refused");
    let msg = err.to_string();
    assert!(msg.contains("tràn ra ngoài vùng in của trang 1") && msg.contains("lề dưới"), "{msg}");
    std::fs::remove_dir_all(&dir).ok();
    // The embedded template never triggers it.
    let r = render_doc(&engine(), &load(&sample("ninh-giang-2022/ke-hoach.json")));
    assert!(r.ins.check_inside().is_ok());
}

// ---- Rules, titles, header column, headings, body tables ----

#[test]
fn under_rules_sit_clear_of_the_line_above() {
    let r = ninh_giang();
    let ins = &r.ins;
    let check = |above: &Line, rule_near: &dyn Fn(&vanban::inspect::Rule) -> bool, what: &str| {
        let rule = ins
            .rules
            .iter()
            .find(|x| x.page == above.page && x.y > above.y && x.y < above.y + 10.0 && rule_near(x))
            .unwrap_or_else(|| panic!("no rule under {what}"));
        let drop = (rule.y - above.y) / (above.size() * PT);
        assert!((0.45..=1.15).contains(&drop), "{what}: rule {drop:.2} em under the baseline");
        // Nothing of the line above reaches down to it (descenders, parentheses).
        let ink_bottom = above.runs.iter().map(|x| x.ink.3).fold(0.0, f64::max);
        assert!(rule.y - ink_bottom >= 0.5, "{what}: {:.2} mm under the ink", rule.y - ink_bottom);
        rule.length
    };
    let issuer = line(ins, "HUYỆN NINH GIANG");
    let w = check(&issuer, &|x| x.x < 100.0, "issuer");
    assert_near(w, 0.4 * (issuer.x1 - issuer.x0), 0.3, "issuer rule length");
    let tn = line(ins, "Độc lập - Tự do - Hạnh phúc");
    let w = check(&tn, &|x| x.x > 100.0, "Tiêu ngữ");
    assert_near(w, tn.x1 - tn.x0, 0.3, "Tiêu ngữ rule length");
    let ty = line(ins, "trên địa bàn huyện Ninh Giang");
    check(&ty, &|_| true, "trích yếu");
    let reference = ins.line_starting("(Kèm theo Kế hoạch số 18/KH-UBND").expect("annex reference");
    let w = check(&reference, &|_| true, "annex reference");
    assert_near(w, 0.4 * (reference.x1 - reference.x0), 0.6, "annex rule length");
    // The body did not move: the Số line and the first paragraph stay where they were.
    assert_near(line(ins, "Số: 18/KH-UBND").y, 39.78, 0.05, "Số line");
}

/// The bold 14 pt lines between the type name and the rule under them.
fn title_lines(ins: &Inspection, type_name: &str) -> Vec<Line> {
    let t = line(ins, type_name);
    let rule = ins.rules.iter().find(|x| x.page == t.page && x.y > t.y && x.x > 60.0).unwrap();
    ins.lines(t.page).into_iter().filter(|l| l.y > t.y && l.y < rule.y && l.bold() && l.size() == 14.0).collect()
}

fn assert_balanced(lines: &[Line], want: usize, what: &str) {
    let texts: Vec<String> = lines.iter().map(Line::text).collect();
    assert_eq!(lines.len(), want, "{what}: {texts:?}");
    let widths: Vec<f64> = lines.iter().map(|l| l.x1 - l.x0).collect();
    for (t, w) in texts.iter().zip(&widths) {
        assert!(t.split_whitespace().count() >= 2, "{what}: a line of one word in {texts:?}");
        assert!(*w <= widths[0] + 0.1, "{what}: the first line is the longest: {texts:?}");
        assert!(*w >= 0.7 * widths[0], "{what}: similar lengths {widths:?}: {texts:?}");
    }
}

#[test]
fn deputy_signs_for_the_collective_body_under_tm_and_kt() {
    let mut data = minimal();
    data["signer"] = serde_json::json!({"authority": "TM", "on_behalf_of": "Ủy ban nhân dân",
        "ky_thay": "Chủ tịch", "title": "Phó Chủ tịch", "name": "Trần Thị B"});
    let r = render_json(&engine(), &data.to_string());
    let ins = &r.ins;
    let tm = line(ins, "TM. ỦY BAN NHÂN DÂN");
    let kt = line(ins, "KT. CHỦ TỊCH");
    let pct = line(ins, "PHÓ CHỦ TỊCH");
    let name = line(ins, "Trần Thị B");
    assert!(tm.y < kt.y && kt.y < pct.y && pct.y < name.y, "TM. / KT. / title / name from top to bottom");
    for l in [&tm, &kt, &pct] {
        assert_eq!(l.size(), 14.0);
        assert!(l.bold());
        assert_near(l.centre(), tm.centre(), 1.0, "title lines centred on one axis");
    }
    // Single-spaced: baselines 1.15 × 14 pt apart.
    assert_near(kt.y - tm.y, 1.15 * 14.0 * PT, 0.3, "TM. to KT.");
    assert_near(pct.y - kt.y, 1.15 * 14.0 * PT, 0.3, "KT. to title");
    assert!(name.y - pct.y >= 25.0, "room for signature and seal");

    // TL. and TUQ. the same way.
    for (key, prefix) in [("thua_lenh", "TL. CHỦ TỊCH"), ("thua_uy_quyen", "TUQ. CHỦ TỊCH")] {
        let mut data = minimal();
        data["signer"] = serde_json::json!({"authority": "TM", "on_behalf_of": "Ủy ban nhân dân",
            key: "Chủ tịch", "title": "Chánh Văn phòng", "name": "Lê Văn C"});
        let r = render_json(&engine(), &data.to_string());
        let tm = line(&r.ins, "TM. ỦY BAN NHÂN DÂN");
        let second = line(&r.ins, prefix);
        let own = line(&r.ins, "CHÁNH VĂN PHÒNG");
        assert!(tm.y < second.y && second.y < own.y, "{key}");
    }
}

#[test]
fn titles_break_into_balanced_lines_unless_the_clerk_broke_them() {
    let e = engine();
    let mut data = minimal();
    data["trich_yeu"] =
        "Triển khai thực hiện Chương trình chuyển đổi số, phát triển chính quyền số trên địa bàn thành phố mũi nhọn"
            .into();
    let r = render_json(&e, &data.to_string());
    assert_balanced(&title_lines(&r.ins, "KẾ HOẠCH"), 2, "two lines");
    data["trich_yeu"] = "Tổ chức các hoạt động tuyên truyền, phổ biến chương trình chuyển đổi số quốc gia và phát triển chính quyền số, kinh tế số, xã hội số, công dân số trên địa bàn thành phố".into();
    let r = render_json(&e, &data.to_string());
    assert_balanced(&title_lines(&r.ins, "KẾ HOẠCH"), 3, "three lines");
    // The clerk's line break wins, even where it is not balanced.
    data["trich_yeu"] = "Tuyên truyền\ncải cách hành chính nhà nước năm 2026 trên địa bàn xã".into();
    let r = render_json(&e, &data.to_string());
    let texts: Vec<String> = title_lines(&r.ins, "KẾ HOẠCH").iter().map(Line::text).collect();
    assert_eq!(texts, ["Tuyên truyền", "cải cách hành chính nhà nước năm 2026 trên địa bàn xã"]);
}

#[test]
fn a_long_header_line_widens_the_left_column_then_breaks_balanced() {
    let e = engine();
    let mut data = minimal();
    data["issuer"] = serde_json::json!({"parent": "UBND thành phố Cần Thơ", "name": "Sở Khoa học và Công nghệ", "abbreviation": "SKHCN"});
    let r = render_json(&e, &data.to_string());
    let name = line(&r.ins, "SỞ KHOA HỌC VÀ CÔNG NGHỆ");
    assert!(name.x1 - name.x0 > 65.0 && name.x1 - name.x0 <= 78.0, "width {:.1}", name.x1 - name.x0);
    assert_eq!(line(&r.ins, "UBND THÀNH PHỐ CẦN THƠ").size(), 13.0);
    let qh = line(&r.ins, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    assert!(qh.size() >= 12.0, "Quốc hiệu 12-13 pt");
    assert!(qh.x0 > name.x1 + 1.0 && qh.x1 <= RIGHT + 0.2, "columns apart, inside the text block");
    data["issuer"]["parent"] = "UBND tỉnh Lào Cai".into();
    data["issuer"]["name"] = "Ban Chỉ đạo chuyển đổi số và cải cách hành chính xã Phố Bảng".into();
    let r = render_json(&e, &data.to_string());
    let lines: Vec<Line> =
        r.ins.lines(0).into_iter().filter(|l| l.bold() && l.size() == 13.0 && l.x1 < qh.x0 - 1.0).collect();
    assert_balanced(&lines, 3, "issuer");
    for l in &lines {
        assert!(l.x0 >= LEFT - 0.5 && l.x1 - l.x0 <= 78.0);
    }
    assert_eq!(line(&r.ins, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").size(), 13.0);
}

#[test]
fn headings_never_end_a_page() {
    let e = engine();
    let mut body = String::from("I. MỤC ĐÍCH\n");
    for k in 1..=24 {
        body.push_str(&format!("{k}. Nhiệm vụ số {k}\n"));
        let n = 1 + k % 4;
        body.push_str(&format!("{}\n", vec![FILLER; n].join(" ")));
    }
    let r = render_json(&e, &with_body(&body).to_string());
    let sig = line(&r.ins, "TM. ỦY BAN NHÂN DÂN");
    let mut checked = 0;
    for p in 0..sig.page {
        let lines: Vec<Line> = r.ins.lines(p).into_iter().filter(|l| l.y > 20.0).collect();
        let last = lines.last().unwrap();
        assert!(!last.bold(), "page {} ends with the heading {:?}", p + 1, last.text());
        checked += 1;
    }
    assert!(checked >= 3);
}

#[test]
fn a_body_table_keeps_its_header_and_bolds_the_total() {
    let mut body = format!("I. KẾT QUẢ\n{}\n", vec![FILLER; 14].join("\n"));
    body.push_str("Kết quả theo nhóm như sau:\n| Nhóm | Số tin |\n|---|---|\n");
    for i in 1..=30 {
        body.push_str(&format!("| Nhóm {i} | {i} |\n"));
    }
    body.push_str("| Tổng cộng | 465 |\nHết.");
    // Whatever the space left before the table, its header never ends a page alone.
    for extra in (0..40).step_by(2) {
        let b = body.replacen("I. KẾT QUẢ\n", &format!("I. KẾT QUẢ\n{}", "Mở đầu.\n".repeat(extra)), 1);
        let r = render_json(&engine(), &with_body(&b).to_string());
        for p in 0..r.ins.pages.len() {
            let lines = r.ins.lines(p);
            if let Some(h) = lines.iter().position(|l| l.text() == "Nhóm" && l.bold()) {
                let row = |l: &Line| l.text().starts_with("Nhóm ") || l.text() == "Tổng cộng";
                assert!(lines[h..].iter().any(row), "header alone on page {}", p + 1);
            }
            // The sentence that introduces the table stays with it.
            let last = lines.iter().rfind(|l| l.y > 20.0).unwrap();
            assert!(!last.text().ends_with("như sau:"), "page {} ends with the table's lead-in", p + 1);
        }
        let total = line(&r.ins, "Tổng cộng");
        assert!(total.bold(), "Tổng cộng bold");
        let n = r.ins.all_lines().into_iter().find(|l| l.text() == "465").unwrap();
        assert!(n.bold());
    }
}

#[test]
fn footnotes_print_at_the_foot_of_the_page() {
    let bases = (1..=12).map(|i| format!("Quyết định số {i}/QĐ-UBND ngày 0{}/01/2025", 1 + i % 9)).collect::<Vec<_>>();
    let body = format!(
        "I. MỤC ĐÍCH\nCăn cứ các văn bản chỉ đạo của cấp trên[^1], Ủy ban nhân dân xã ban hành Kế hoạch.\n{FILLER}\n[^1]: {}.",
        bases.join("; ")
    );
    let r = render_json(&engine(), &with_body(&body).to_string());
    let text = r.ins.text();
    assert!(!text.contains("[^1]"), "{text}");
    let mark = r.ins.runs.iter().find(|x| x.text == "1" && x.size < 14.0 && x.y > 60.0).expect("footnote mark");
    let note = r.ins.line_starting("Quyết định số 1/QĐ-UBND").unwrap_or_else(|| panic!("note at the foot:\n{text}"));
    assert_eq!(note.page, mark.page, "the note is on the page of its mark");
    assert!(note.y > 200.0 && note.y < 277.0, "at the foot of the page: {:.1}", note.y);
    assert!((10.0..=12.0).contains(&note.runs.last().unwrap().size), "10-12 pt");
    assert!(text.contains("Quyết định số 12/QĐ-UBND ngày 04/01/2025."), "the whole note");
}

#[test]
fn noi_nhan_items_with_sub_items_and_notes() {
    let mut data = minimal();
    data["noi_nhan"] = serde_json::json!([
        "- Bộ Nội vụ (để b/c);",
        {"name": "UBND các xã, phường", "items": ["xã Kim Liên", "phường Vinh Phú;"]},
        "Các phòng chuyên môn:",
        "+ Phòng Văn hóa - Xã hội;",
        "+ Phòng Kinh tế",
        "Lưu: VT, VP"
    ]);
    let r = render_json(&engine(), &data.to_string());
    let ins = &r.ins;
    let nn = line(ins, "Nơi nhận:");
    let items: Vec<Line> =
        ins.lines(nn.page).into_iter().filter(|l| l.y > nn.y && l.x0 < CENTRE - 10.0 && l.size() == 11.0).collect();
    let texts: Vec<String> = items.iter().map(Line::text).collect();
    assert_eq!(
        texts,
        [
            "- Bộ Nội vụ (để b/c);",
            "- UBND các xã, phường:",
            "+ xã Kim Liên;",
            "+ phường Vinh Phú;",
            "- Các phòng chuyên môn:",
            "+ Phòng Văn hóa - Xã hội;",
            "+ Phòng Kinh tế;",
            "- Lưu: VT, VP.",
        ]
    );
    for (l, t) in items.iter().zip(&texts) {
        assert_eq!(l.size(), 11.0, "{t}");
        if t.starts_with('+') {
            // Indented under the item's text (past `- `), not flush left.
            assert!(l.x0 > LEFT + 1.0 && l.x0 < LEFT + 4.0, "{t}: starts at {:.2}", l.x0);
        } else {
            assert_near(l.x0, LEFT, 0.5, t);
        }
    }
    // Single-spaced like the other items.
    assert_near(items[2].y - items[1].y, 1.15 * 11.0 * PT, 0.3, "sub-item spacing");
}

#[test]
fn numbered_heading_without_the_last_dot_is_a_heading() {
    let mut data = minimal();
    data["body"] =
        "I. NỘI DUNG\n1.3 Tổ chức thực hiện\nCác đơn vị triển khai theo chức năng, nhiệm vụ được giao.".into();
    let r = render_json(&engine(), &data.to_string());
    let h = line(&r.ins, "1.3 Tổ chức thực hiện");
    assert!(h.bold(), "a titled khoản is bold like `1.3.`");
    let after = r.ins.line_starting("Các đơn vị triển khai").unwrap();
    assert!(!after.bold());
}

#[test]
fn can_cu_follow_the_document_family() {
    let can_cu = serde_json::json!([
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;"
    ]);
    let issuing = "Ủy ban nhân dân xã ban hành Kế hoạch thực hiện như sau:";
    // A plan: upright, indented and justified like the body; the last one leads into the
    // issuing sentence with the `;` the clerk wrote.
    let mut data = minimal();
    data["can_cu"] = can_cu.clone();
    data["body"] = format!("{issuing}\nI. MỤC ĐÍCH\nNội dung.").into();
    let r = render_json(&engine(), &data.to_string());
    let first = line(&r.ins, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;");
    assert!(!first.italic() && !first.bold() && first.size() == 14.0);
    assert_near(first.x0 - LEFT, 10.0, 0.3, "first-line indent of body text");
    let last = r.ins.line_starting("Căn cứ Nghị định số 30/2020/NĐ-CP").unwrap();
    assert!(!last.italic());
    assert!(r.ins.text().contains("công tác văn thư;"), "leads into the issuing sentence:\n{}", r.ins.text());
    let sentence = line(&r.ins, issuing);
    assert!(sentence.y > last.y && !sentence.italic());

    // Without the clerk's `;` the last căn cứ ends `.`.
    let mut data = minimal();
    data["can_cu"] = serde_json::json!([
        "Căn cứ Luật Tổ chức chính quyền địa phương",
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư"
    ]);
    let r = render_json(&engine(), &data.to_string());
    assert!(r.ins.text().contains("công tác văn thư."));

    // The per-document override: italic căn cứ ending `.`, as in a decision.
    let mut data = minimal();
    data["can_cu"] = can_cu;
    data["can_cu_style"] = "italic".into();
    data["body"] = format!("{issuing}\nI. MỤC ĐÍCH\nNội dung.").into();
    let r = render_json(&engine(), &data.to_string());
    let first = r.ins.line_starting("Căn cứ Luật Tổ chức").unwrap();
    assert!(first.italic());
    assert!(r.ins.text().contains("công tác văn thư."));
}

#[test]
fn provincial_plan_of_2025_signed_by_a_deputy() {
    let r = render_doc(&engine(), &load(&sample("nghe-an-2025/ke-hoach.json")));
    let ins = &r.ins;
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    line(ins, "TỈNH NGHỆ AN");
    // A trích yếu of three lines, as the drafter broke it, the first the longest.
    let t1 = line(ins, "Triển khai thực hiện chuyển đổi số, phát triển chính quyền số");
    let t2 = line(ins, "gắn với Đề án 06 trên địa bàn tỉnh Nghệ An năm 2026");
    let t3 = line(ins, "sau sắp xếp đơn vị hành chính");
    assert!(t1.y < t2.y && t2.y < t3.y && t1.x1 - t1.x0 >= t2.x1 - t2.x0 && t2.x1 - t2.x0 >= t3.x1 - t3.x0);
    // Căn cứ upright, leading into the issuing sentence.
    let cc = ins.line_starting("Căn cứ Luật Tổ chức chính quyền địa phương").unwrap();
    assert!(!cc.italic());
    // TM. / KT. / PHÓ CHỦ TỊCH, then the name.
    let tm = line(ins, "TM. ỦY BAN NHÂN DÂN");
    let kt = line(ins, "KT. CHỦ TỊCH");
    let pct = line(ins, "PHÓ CHỦ TỊCH");
    let name = line(ins, "Bùi Đình Long");
    assert!(tm.y < kt.y && kt.y < pct.y && pct.y + 25.0 <= name.y);
    // The long last paragraph ends on the page of the signature (its last lines travel with it).
    let last = ins.line_starting("Căn cứ Kế hoạch này").unwrap();
    assert!(last.page == tm.page || last.page + 1 == tm.page);
    assert!(ins.lines(tm.page).iter().any(|l| l.y < tm.y && !l.bold() && l.size() == 14.0 && l.x0 < 40.0));
    line(ins, "+ phường Vinh Phú;");
    // The annex with its groups, mixed-case words kept.
    let annex = line(ins, "Phụ lục");
    assert!(annex.page > tm.page);
    for g in ["HOÀN THIỆN THỂ CHẾ, NÂNG CAO NHẬN THỨC", "PHÁT TRIỂN HẠ TẦNG SỐ, DỮ LIỆU SỐ"]
    {
        let l = ins.all_lines().into_iter().find(|l| l.text().ends_with(g)).unwrap_or_else(|| panic!("group {g}"));
        assert!(l.bold() && l.page >= annex.page, "{g}");
    }
    assert!(ins.text().contains("VNeID") && ins.text().contains("eKYC"));
    // Every glyph inside the ND30 margins of its page.
    for run in ins.runs.iter().filter(|x| x.page < annex.page) {
        let (l, t, rr, b) = run.ink;
        let is_page_number = run.y < 20.0 && run.text.chars().all(|c| c.is_ascii_digit());
        assert!(is_page_number || (l >= 30.0 && rr <= 195.0 && t >= 20.0 && b <= 277.0), "{:?}", run.text);
    }
}

#[test]
fn noi_nhan_holding_only_the_luu_line() {
    // `"noi_nhan": ["Lưu: VT"]`: the list is empty once the Lưu line is taken out; the
    // block still reads `Nơi nhận:` then `- Lưu: VT.`, with no blank item before it.
    let nn_items = |data: &serde_json::Value| {
        let r = render_json(&engine(), &data.to_string());
        let nn = line(&r.ins, "Nơi nhận:");
        let items: Vec<Line> = r
            .ins
            .lines(nn.page)
            .into_iter()
            .filter(|l| l.y > nn.y && l.x0 < CENTRE - 10.0 && l.size() == 11.0)
            .collect();
        assert_near(items[0].y - nn.y, 1.15 * 11.0 * PT, 1.5, "first item right under Nơi nhận");
        for w in items.windows(2) {
            assert_near(w[1].y - w[0].y, 1.15 * 11.0 * PT, 0.3, "single-spaced, no blank item");
        }
        items.iter().map(Line::text).collect::<Vec<_>>()
    };
    let mut data = minimal();
    for luu in ["Lưu: VT", "- Lưu: VT, VP;", "Lưu: VT."] {
        data["noi_nhan"] = serde_json::json!([luu]);
        let doc =
            vanban::data::parse(std::path::Path::new("test.json"), &data.to_string()).unwrap_or_else(|e| panic!("{e}"));
        assert!(doc.header.noi_nhan.is_empty(), "{luu}: {:?}", doc.header.noi_nhan);
        let want = if luu.contains("VP") { "- Lưu: VT, VP." } else { "- Lưu: VT." };
        assert_eq!(nn_items(&data), [want], "{luu}");
    }
    // With a Kính gửi, `- Như trên;` comes first.
    data["noi_nhan"] = serde_json::json!(["Lưu: VT"]);
    data["kinh_gui"] = serde_json::json!(["Sở Nội vụ"]);
    assert_eq!(nn_items(&data), ["- Như trên;", "- Lưu: VT."]);
    // An empty list (or Lưu written twice) is a problem at its path, not an empty block.
    data["noi_nhan"] = serde_json::json!([]);
    let err = vanban::data::parse(std::path::Path::new("test.json"), &data.to_string()).unwrap_err().to_string();
    assert!(err.contains("/noi_nhan: cần ít nhất một nơi nhận"), "{err}");
    data["noi_nhan"] = serde_json::json!(["Lưu: VT"]);
    data["luu"] = "VT".into();
    let err = vanban::data::parse(std::path::Path::new("test.json"), &data.to_string()).unwrap_err().to_string();
    assert!(err.contains("/noi_nhan/0: đã có trường \"luu\""), "{err}");
}
