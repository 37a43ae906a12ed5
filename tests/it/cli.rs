//! The `vanban` binary: exit codes, pinned error messages, atomic and reproducible
//! output.

use std::path::PathBuf;
use std::process::Command;

use crate::common::*;
use serde_json::json;

/// A temp dir holding `doc.json` with `data`.
fn with_doc(data: &serde_json::Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.json"), data.to_string()).unwrap();
    dir
}

fn render_err(data: &serde_json::Value) -> (i32, String) {
    let dir = with_doc(data);
    let out = vanban(&["render", "doc.json", "-o", "out", "-q"], dir.path());
    assert!(!dir.path().join("out/doc.pdf").exists(), "no output for a bad input");
    (out.status.code().unwrap(), stderr(&out))
}

#[test]
fn renders_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample("ninh-giang-2022/ke-hoach.json");
    let out = vanban(&["render", input.to_str().unwrap(), "-o", "out"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pdf = std::fs::read(dir.path().join("out/ke-hoach.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let err = stderr(&out);
    assert!(err.contains("1 ok, 0 failed in "), "{err}");
    assert!(!err.contains("cảnh báo"), "no warnings: {err}");
    // Only the PDF is left in the output directory: the temp file was renamed.
    let names: Vec<_> = std::fs::read_dir(dir.path().join("out")).unwrap().map(|e| e.unwrap().file_name()).collect();
    let mut names: Vec<_> = names.into_iter().map(|n| n.to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["ke-hoach.pdf", "ke-hoach.xlsx"], "the plan and its tracking workbook, nothing else");
}

#[test]
fn byte_identical_across_processes_and_dated_by_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample("ninh-giang-2022/ke-hoach.json");
    let input = input.to_str().unwrap();
    vanban(&["render", input, "-o", "a", "-q"], dir.path());
    vanban(&["render", input, "-o", "b", "-q"], dir.path());
    let a = std::fs::read(dir.path().join("a/ke-hoach.pdf")).unwrap();
    let b = std::fs::read(dir.path().join("b/ke-hoach.pdf")).unwrap();
    assert_eq!(a, b);
    assert!(String::from_utf8_lossy(&a).contains("D:20220128000000+07'00"), "CreationDate from the document date");
    // SOURCE_DATE_EPOCH wins when set.
    let out = Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(["render", input, "-o", "c", "-q"])
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(out.status.success());
    let c = std::fs::read(dir.path().join("c/ke-hoach.pdf")).unwrap();
    assert!(String::from_utf8_lossy(&c).contains("D:20231114221320"), "CreationDate from SOURCE_DATE_EPOCH");
}

#[test]
fn missing_field() {
    let mut d = minimal();
    d["signer"].as_object_mut().unwrap().remove("name");
    assert_eq!(render_err(&d), (1, "lỗi: doc.json: /signer/name: thiếu trường bắt buộc\n".into()));
}

#[test]
fn impossible_signer_combinations_say_what_to_write() {
    let signer = |extra: serde_json::Value| {
        let mut d = minimal();
        let s = d["signer"].as_object_mut().unwrap();
        for (k, v) in extra.as_object().unwrap() {
            if v.is_null() {
                s.remove(k);
            } else {
                s.insert(k.clone(), v.clone());
            }
        }
        render_err(&d).1
    };
    // A deputy under TM. without the head's title.
    let e = signer(serde_json::json!({"title": "Phó Chủ tịch"}));
    assert!(
        e.contains("doc.json: /signer/ky_thay:")
            && e.contains("thêm \"ky_thay\": \"CHỦ TỊCH\"")
            && e.contains("KT. CHỦ TỊCH"),
        "{e}"
    );
    // KT. under KT.
    let e = signer(
        serde_json::json!({"authority": "KT", "on_behalf_of": "Chủ tịch", "ky_thay": "Chủ tịch", "title": "Phó Chủ tịch"}),
    );
    assert!(e.contains("/signer/ky_thay: không dùng được cùng thẩm quyền KT."), "{e}");
    // Without any authority: says what to add.
    let e = signer(
        serde_json::json!({"authority": null, "on_behalf_of": null, "thua_lenh": "Chủ tịch", "title": "Chánh Văn phòng"}),
    );
    assert!(e.contains("/signer/thua_lenh: thêm \"authority\": \"TM\""), "{e}");
    // Two second lines at once.
    let e = signer(serde_json::json!({"ky_thay": "Chủ tịch", "thua_lenh": "Chủ tịch", "title": "Phó Chủ tịch"}));
    assert!(e.contains("/signer/thua_lenh: chỉ ghi một trong \"ky_thay\", \"thua_lenh\""), "{e}");
    // The head signing for the body needs no KT.
    let e = signer(serde_json::json!({"ky_thay": "Chủ tịch", "title": "Chủ tịch"}));
    assert!(e.contains("/signer/ky_thay: chức vụ người ký \"CHỦ TỊCH\" trùng"), "{e}");
}

#[test]
fn noi_nhan_sub_items_are_checked() {
    let mut d = minimal();
    d["noi_nhan"] =
        serde_json::json!(["+ xã A", {"name": "UBND các xã", "items": []}, 7, {"items": ["xã B"], "ghi_chu": "x"}]);
    let e = render_err(&d).1;
    for want in [
        "/noi_nhan/0: dòng \"+ …\" là mục con: cần một nơi nhận đứng trước",
        "/noi_nhan/1/items: cần ít nhất một nơi nhận con",
        "/noi_nhan/2: sai kiểu dữ liệu: cần chuỗi (một nơi nhận) hoặc đối tượng",
        "/noi_nhan/3/ghi_chu: trường không hợp lệ",
        "/noi_nhan/3/name: thiếu trường bắt buộc",
    ] {
        assert!(e.contains(want), "{want:?} not in:\n{e}");
    }
}

#[test]
fn wrong_type() {
    let mut d = minimal();
    d["so"] = "18".into();
    assert_eq!(
        render_err(&d),
        (1, "lỗi: doc.json: /so: sai kiểu dữ liệu: cần số nguyên dương, nhận được chuỗi \"18\"\n".into())
    );
    let mut d = minimal();
    d["noi_nhan"] = "Sở Nội vụ".into();
    assert_eq!(
        render_err(&d),
        (1, "lỗi: doc.json: /noi_nhan: sai kiểu dữ liệu: cần danh sách (mảng JSON [...]), nhận được chuỗi \"Sở Nội vụ\"\n".into())
    );
}

#[test]
fn impossible_date() {
    let mut d = minimal();
    d["date"] = "2022-02-30".into();
    assert_eq!(
        render_err(&d),
        (
            1,
            "lỗi: doc.json: /date: ngày không có thật: \"2022-02-30\" (cần ngày dạng YYYY-MM-DD, ví dụ \"2022-01-28\", hoặc YYYY-MM khi chưa có ngày ký)\n".into()
        )
    );
    d["date"] = "28/01/2022".into();
    assert_eq!(
        render_err(&d).1,
        "lỗi: doc.json: /date: \"28/01/2022\" không phải là ngày (cần ngày dạng YYYY-MM-DD, ví dụ \"2022-01-28\", hoặc YYYY-MM khi chưa có ngày ký)\n"
    );
}

#[test]
fn unknown_and_unsupported_types() {
    let mut d = minimal();
    d["type"] = "ke_hoachh".into();
    assert_eq!(
        render_err(&d),
        (
            1,
            "lỗi: doc.json: /type: loại văn bản \"ke_hoachh\" không có trong Nghị định 30 (ví dụ hợp lệ: \"ke_hoach\", \"Kế hoạch\" hoặc \"KH\"; xem `vanban types`)\n".into()
        )
    );
    d["type"] = "Công văn".into();
    let (code, err) = render_err(&d);
    assert_eq!(code, 1);
    assert!(err.starts_with("lỗi: doc.json: /type: loại \"Công văn\" chưa được hỗ trợ (hiện có: chi_thi, "), "{err}");
}

#[test]
fn several_problems_reported_together() {
    let mut d = minimal();
    d["date"] = "2022-13-01".into();
    d["so"] = 0.into();
    d["signer"]["authority"] = "XY".into();
    let (code, err) = render_err(&d);
    assert_eq!(code, 1);
    let lines: Vec<_> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].starts_with("lỗi: doc.json: /date: ngày không có thật: \"2022-13-01\""));
    assert_eq!(lines[1], "lỗi: doc.json: /so: số văn bản bắt đầu từ 1 (bỏ trường \"so\" nếu chưa cấp số)");
    assert_eq!(
        lines[2],
        "lỗi: doc.json: /signer/authority: thẩm quyền ký \"XY\" không hợp lệ (cần một trong: TM, KT, TL, TUQ, Q)"
    );
}

#[test]
fn ky_hieu_must_match_the_type_and_luu_is_not_doubled() {
    let mut d = minimal();
    d["ky_hieu"] = "BC-UBND".into();
    assert_eq!(
        render_err(&d).1,
        "lỗi: doc.json: /ky_hieu: ký hiệu \"BC-UBND\" phải bắt đầu bằng \"KH-\", chữ viết tắt của loại văn bản (Phụ lục III)\n"
    );
    let mut d = minimal();
    d["luu"] = "Lưu: VT, VP.".into();
    let doc = vanban::data::parse(std::path::Path::new("x.json"), &d.to_string()).unwrap();
    assert_eq!(doc.noi_nhan_lines().last().unwrap(), "- Lưu: VT, VP.");
    d["signer"]["authority"] = "Q".into();
    assert_eq!(
        render_err(&d).1,
        "lỗi: doc.json: /signer/on_behalf_of: chỉ dùng cùng thẩm quyền TM, KT, TL hoặc TUQ (trường \"authority\")\n"
    );
}

#[test]
fn unknown_field_is_a_typo_not_ignored() {
    let mut d = minimal();
    d["trichyeu"] = "x".into();
    let (code, err) = render_err(&d);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("lỗi: doc.json: /trichyeu: trường \"trichyeu\" không có trong định dạng (các trường hợp lệ: "),
        "{err}"
    );
}

#[test]
fn unreadable_and_malformed_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = vanban(&["render", "khong-co.json", "-o", "out"], dir.path());
    // The run started: an unusable input is a failed item (exit 1), not a bad start (2).
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("lỗi: khong-co.json: không đọc được tệp (không tìm thấy tệp)\n"),
        "{}",
        stderr(&out)
    );

    std::fs::write(dir.path().join("bad.json"), "{\n  \"type\": \"ke_hoach\",\n  \"place\" \"x\"\n}").unwrap();
    let out = vanban(&["render", "bad.json", "-o", "out", "-q"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "lỗi: bad.json: JSON không hợp lệ ở dòng 3, cột 11: thiếu dấu : sau tên trường\n");

    std::fs::write(dir.path().join("latin1.json"), b"{\"type\": \"K\xea\"}").unwrap();
    let out = vanban(&["render", "latin1.json", "-o", "out", "-q"], dir.path());
    assert_eq!(
        stderr(&out),
        "lỗi: latin1.json: tệp không phải văn bản UTF-8 (Unicode); hãy lưu lại với bảng mã UTF-8\n"
    );
}

#[test]
fn body_file_must_stay_beside_the_json() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("in")).unwrap();
    std::fs::write(dir.path().join("secret.txt"), "bí mật").unwrap();
    let mut d = minimal();
    d.as_object_mut().unwrap().remove("body");
    d["body_file"] = "../secret.txt".into();
    std::fs::write(dir.path().join("in/doc.json"), d.to_string()).unwrap();
    let out = vanban(&["render", "in/doc.json", "-o", "out", "-q"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "lỗi: in/doc.json: /body_file: tệp \"../secret.txt\" nằm ngoài thư mục của tệp dữ liệu; chỉ được dùng tệp trong cùng thư mục\n"
    );
    d["body_file"] = "noi-dung.txt".into();
    std::fs::write(dir.path().join("in/doc.json"), d.to_string()).unwrap();
    std::fs::write(dir.path().join("in/noi-dung.txt"), "I. MỤC ĐÍCH\nNội dung từ tệp.\n").unwrap();
    let out = vanban(&["render", "in/doc.json", "-o", "out", "-q"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn one_bad_item_does_not_stop_the_others() {
    let dir = with_doc(&minimal());
    std::fs::write(dir.path().join("bad.json"), "{}").unwrap();
    let out = vanban(&["render", "bad.json", "doc.json", "-o", "out"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(dir.path().join("out/doc.pdf").exists());
    let err = stderr(&out);
    assert!(err.contains("lỗi: bad.json: /type: thiếu trường bắt buộc"), "{err}");
    assert!(err.contains("1 ok, 1 failed in "), "{err}");
}

#[test]
fn colliding_output_names_refused_before_writing() {
    let dir = with_doc(&minimal());
    std::fs::create_dir(dir.path().join("b")).unwrap();
    std::fs::copy(dir.path().join("doc.json"), dir.path().join("b/doc.json")).unwrap();
    let out = vanban(&["render", "doc.json", "b/doc.json", "-o", "out"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "lỗi: doc.json và b/doc.json cùng ghi ra out/doc.pdf; đổi tên một tệp\n");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn templates_can_be_overridden_but_not_escape_their_directory() {
    let dir = with_doc(&minimal());
    let tpl = dir.path().join("mau");
    std::fs::create_dir(&tpl).unwrap();
    // An office's own entry file, reusing the library.
    std::fs::write(
        tpl.join("main.typ"),
        "#import \"vanban.typ\": document-named\n#let d = json(\"/data.json\")\n#document-named(d + (title: \"KẾ HOẠCH RIÊNG\"))\n",
    )
    .unwrap();
    let out = vanban(&["render", "doc.json", "-o", "out", "-q", "--templates", "mau"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    std::fs::write(tpl.join("main.typ"), "#let s = read(\"../doc.json\")\n#s\n").unwrap();
    let out = vanban(&["render", "doc.json", "-o", "out2", "-q", "--templates", "mau"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "lỗi: doc.json: lỗi dàn trang:\n  main.typ:1:15: path `\"../doc.json\"` would escape the project root\n    gợi ý: cannot access files outside of the project sandbox\n"
    );
    assert!(!dir.path().join("out2/doc.pdf").exists());

    let out = vanban(&["render", "doc.json", "-o", "out3", "--templates", "khong-co"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "lỗi: không đọc được thư mục mẫu khong-co: không tìm thấy tệp\n");
}

#[test]
fn fonts_and_types_listings() {
    let dir = tempfile::tempdir().unwrap();
    let out = vanban(&["fonts"], dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().filter(|l| l.starts_with("Liberation Serif\t")).count(), 4, "{text}");
    assert!(text.ends_with("# mẫu dùng phông: Liberation Serif\n"));
    let out = vanban(&["types"], dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 29);
    assert!(text.contains("ke_hoach\tKế hoạch\tKH\thỗ trợ\n"));
    let fonts_dir: PathBuf = root().join("fonts");
    let out = vanban(&["fonts", "--font-path", fonts_dir.to_str().unwrap()], dir.path());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.starts_with("Liberation Serif\t")).count(), 8);
}

#[test]
fn exit_2_only_when_nothing_could_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), "{}").unwrap();
    std::fs::write(dir.path().join("b.json"), "[").unwrap();
    let out = vanban(&["render", "a.json", "b.json", "-o", "out", "-q"], dir.path());
    assert_eq!(out.status.code(), Some(1), "the run finished, its items failed: {}", stderr(&out));
    let out = vanban(&["render", "a.json", "-o", "out", "--templates", "khong-co"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

/// The right-to-left runs of the laid-out pages: (text, glyph ranges in drawing order).
fn rtl_runs(doc: &typst_layout::PagedDocument) -> Vec<(String, Vec<std::ops::Range<u16>>)> {
    use typst::layout::{Frame, FrameItem};
    fn walk(frame: &Frame, out: &mut Vec<(String, Vec<std::ops::Range<u16>>)>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, out),
                FrameItem::Text(t) if t.text.chars().any(|c| ('\u{590}'..='\u{8ff}').contains(&c)) => {
                    out.push((t.text.to_string(), t.glyphs.iter().map(|g| g.range.clone()).collect()));
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for page in doc.pages() {
        walk(&page.frame, &mut out);
    }
    out
}

#[test]
fn hebrew_names_print_right_to_left() {
    // A foreign partner's name in Hebrew letters used to panic in the PDF writer.
    let mut d = minimal();
    d["trich_yeu"] = "Hợp tác với \u{5d0}\u{5d1}\u{5d2}".into();
    let doc = vanban::data::parse(std::path::Path::new("doc.json"), &d.to_string()).unwrap();
    let rendered = vanban::render(&engine(), &doc, vanban::RenderOptions::default()).unwrap();
    assert!(rendered.pdf.starts_with(b"%PDF-"));
    let runs = rtl_runs(&rendered.layout);
    let hebrew = runs.iter().find(|(t, _)| t == "\u{5d0}\u{5d1}\u{5d2}").expect("the Hebrew run");
    // Drawn left to right: gimel, bet, alef (each glyph with its own letter's bytes).
    assert_eq!(hebrew.1, [4..6, 2..4, 0..2]);
    for (text, ranges) in &runs {
        assert!(ranges.iter().all(|r| r.start < r.end && usize::from(r.end) <= text.len()), "{text}: {ranges:?}");
    }
    // And through the binary, beside a good document.
    let dir = with_doc(&d);
    std::fs::write(dir.path().join("tot.json"), minimal().to_string()).unwrap();
    let out = vanban(&["render", "doc.json", "tot.json", "-o", "out", "-q"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("out/doc.pdf").exists() && dir.path().join("out/tot.pdf").exists());
}

#[test]
fn a_panicking_item_fails_alone_without_a_backtrace() {
    // An annex without columns used to panic; whatever panics, only its item fails.
    let mut bad = minimal();
    bad["annexes"] = serde_json::json!([{"id": "x", "title": "Phụ lục", "columns": [], "rows": [{"a": "1"}]}]);
    let dir = with_doc(&minimal());
    std::fs::write(dir.path().join("bad.json"), bad.to_string()).unwrap();
    let out = vanban(&["render", "bad.json", "doc.json", "-o", "out"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(dir.path().join("out/doc.pdf").exists(), "the good document is written");
    let err = stderr(&out);
    assert!(err.contains("1 ok, 1 failed in "), "{err}");
    assert!(err.lines().any(|l| l.starts_with("lỗi: bad.json")), "{err}");
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
}

#[test]
fn templates_and_fonts_stay_in_their_folder() {
    let dir = with_doc(&minimal());
    let tpl = dir.path().join("mau");
    std::fs::create_dir(&tpl).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", tpl.join("t.j2")).unwrap();
    let out = vanban(&["render", "doc.json", "-o", "out", "--templates", "mau"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("lỗi: ") && err.contains("mau/t.j2") && err.contains("ngoài thư mục mau"), "{err}");
    assert!(!dir.path().join("out/doc.pdf").exists());
    std::fs::remove_file(tpl.join("t.j2")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", tpl.join("main.typ")).unwrap();
    let out = vanban(&["render", "doc.json", "-o", "out", "--templates", "mau"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // Content templates (report, build) are refused the same way.
    std::fs::remove_file(tpl.join("main.typ")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", tpl.join("bao-cao.j2")).unwrap();
    let err = vanban::content::Content::new(Some(&tpl)).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("bao-cao.j2") && err.contains("ngoài thư mục"), "{err}");
}

#[test]
fn bad_destinations_and_options_get_clear_answers() {
    let dir = with_doc(&minimal());
    let d = dir.path();
    // -o naming an existing file.
    std::fs::write(d.join("ra.pdf"), "x").unwrap();
    let out = vanban(&["render", "doc.json", "-o", "ra.pdf"], d);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "lỗi: -o ra.pdf: không phải thư mục (đã có một tệp cùng tên)\n");
    // summary writes a workbook.
    let out = vanban(&["summary", sample("ninh-giang-2022/bao-cao/quy-1").to_str().unwrap(), "-o", "t.pdf"], d);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cần đuôi .xlsx"), "{}", stderr(&out));
    assert!(!d.join("t.pdf").exists());
    // A --font-path file that is not a font is named in a warning.
    std::fs::write(d.join("phong.ttf"), "không phải phông").unwrap();
    let out = vanban(&["render", "doc.json", "-o", "out", "-q", "--font-path", "phong.ttf"], d);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "cảnh báo: phong.ttf: không phải tệp phông chữ (TTF/OTF/TTC), bỏ qua\n");
    // render removes what a killed run left behind, as build does (a process that is gone:
    // pid above Linux's largest), never the file of a run still writing (this test's pid).
    std::fs::write(d.join("out/.vanban-4194305-abc123.tmp"), "nửa chừng").unwrap();
    let live = d.join(format!("out/.vanban-{}-abc123.tmp", std::process::id()));
    std::fs::write(&live, "đang ghi").unwrap();
    let out = vanban(&["render", "doc.json", "-o", "out", "-q"], d);
    assert_eq!(out.status.code(), Some(0));
    assert!(!d.join("out/.vanban-4194305-abc123.tmp").exists());
    assert!(live.exists(), "the temporary file of a running process was removed");
}

#[test]
fn argument_errors_and_help_speak_vietnamese() {
    let dir = tempfile::tempdir().unwrap();
    let out = vanban(&["render"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("lỗi: thiếu tham số bắt buộc: --output <DIR>, <INPUT>...\n"), "{err}");
    let out = vanban(&["rendr"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("lỗi: không có lệnh 'rendr'"), "{}", stderr(&out));
    for args in [&["--help"][..], &["render", "--help"], &["build", "-h"], &["bench", "--help"]] {
        let out = vanban(args, dir.path());
        assert_eq!(out.status.code(), Some(0));
        let help = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(help.contains("Cách dùng: vanban") && help.contains("In hướng dẫn này"), "{help}");
        for english in ["Usage", "Print help", "Options:", "Arguments:", "Commands:", "[default:", "issue", "notes"] {
            assert!(!help.contains(english), "{args:?}: {english} in {help}");
        }
    }
    // bench measures at least one document.
    let out = vanban(&["bench", "--docs", "0"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("lỗi: giá trị '0' không hợp lệ cho --docs"), "{}", stderr(&out));
}

#[test]
fn every_path_the_readme_names_exists() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    const PREFIXES: [&str; 7] = ["samples/", "templates/", "schema/", "tests/", "src/", "fonts/", "scripts/"];
    // Backticked paths, and the first word of each line of the project layout.
    let mut named: Vec<String> = readme.split('`').skip(1).step_by(2).map(str::to_string).collect();
    named.extend(readme.lines().filter_map(|l| l.split_whitespace().next()).map(str::to_string));
    let mut checked = 0;
    for text in named {
        let path = text.split("::").next().unwrap().trim_end_matches([',', '.', ':']);
        if !PREFIXES.iter().any(|p| path.starts_with(p)) || path.contains(['*', '<', ' ', '…']) {
            continue;
        }
        assert!(root().join(path).exists(), "README names {path}, which does not exist");
        checked += 1;
    }
    assert!(checked > 25, "{checked} paths checked");
    // The project layout lists every source file.
    let mut dirs = vec![root().join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let name = path.strip_prefix(root()).unwrap().to_string_lossy().replace('\\', "/");
            assert!(readme.contains(&name), "the project layout leaves out {name}");
        }
    }
    for licence in ["LICENSE-MIT", "LICENSE-APACHE"] {
        assert!(root().join(licence).is_file(), "{licence}");
    }
    assert!(!readme.contains("../shared"), "no pointer outside the repository");
}

/// Words of the JSON library that must never reach a clerk.
const ENGLISH: [&str; 9] =
    ["expected", "invalid", "unknown", "one of", "out of range", "missing", "variant", "struct", "sequence"];

#[test]
fn every_problem_of_a_file_at_once() {
    let mut d = minimal();
    d["date"] = "2022-02-30".into();
    d["signer"].as_object_mut().unwrap().remove("name");
    d["trichyeu"] = "x".into();
    d["so"] = "5".into();
    d["noi_nhan"] = json!([1]);
    let (code, err) = render_err(&d);
    assert_eq!(code, 1);
    let lines: Vec<&str> = err.lines().collect();
    for want in [
        "lỗi: doc.json: /date: ngày không có thật: \"2022-02-30\"",
        "lỗi: doc.json: /signer/name: thiếu trường bắt buộc",
        "lỗi: doc.json: /trichyeu: trường \"trichyeu\" không có trong định dạng",
        "lỗi: doc.json: /so: sai kiểu dữ liệu: cần số nguyên dương, nhận được chuỗi \"5\"",
        "lỗi: doc.json: /noi_nhan/0: sai kiểu dữ liệu: cần chuỗi (một nơi nhận) hoặc đối tượng",
    ] {
        assert_eq!(lines.iter().filter(|l| l.starts_with(want)).count(), 1, "once: {want}\nin\n{err}");
    }
    assert_eq!(lines.len(), 5, "nothing else (no consequence of a reported problem): {err}");
    // In the order of the file: a missing field where its object ends.
    let order: Vec<&str> = lines.iter().map(|l| l.split(": ").nth(2).unwrap()).collect();
    assert_eq!(order, ["/date", "/so", "/noi_nhan/0", "/signer/name", "/trichyeu"], "{err}");
}

#[test]
fn duplicate_keys_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let text = minimal().to_string().replacen("\"so\":7", "\"so\":7,\"so\":8", 1);
    assert!(text.contains("\"so\":8"));
    let text = text.replacen("\"title\":", "\"title\":\"A\",\"title\":", 1);
    std::fs::write(dir.path().join("doc.json"), text).unwrap();
    let out = vanban(&["render", "doc.json", "-o", "out", "-q"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "lỗi: doc.json: /so: trường \"so\" được ghi hai lần trong cùng một đối tượng; chỉ ghi một lần\n\
         lỗi: doc.json: /signer/title: trường \"title\" được ghi hai lần trong cùng một đối tượng; chỉ ghi một lần\n"
    );
}

#[test]
fn messages_are_vietnamese_for_any_shape() {
    let dir = tempfile::tempdir().unwrap();
    let mut cases: Vec<(String, &str)> = vec![
        ("[]".into(), "lỗi: x.json: sai kiểu dữ liệu: cần đối tượng JSON ({...}), nhận được danh sách 0 phần tử"),
        ("\"a\"".into(), "lỗi: x.json: sai kiểu dữ liệu: cần đối tượng JSON ({...}), nhận được chuỗi \"a\""),
        ("{\"type\": }".into(), "lỗi: x.json: JSON không hợp lệ ở dòng 1, cột 10: cần một giá trị JSON"),
        ("{} {}".into(), "lỗi: x.json: JSON không hợp lệ ở dòng 1, cột 4: còn nội dung sau"),
        ("{\"so\": 1e999}".into(), "lỗi: x.json: JSON không hợp lệ ở dòng 1, cột 12: số quá lớn"),
    ];
    let mut d = minimal();
    d["so"] = json!(99999999999u64);
    cases.push((d.to_string(), "lỗi: x.json: /so: sai kiểu dữ liệu: cần số nguyên dương, nhận được số 99999999999"));
    let mut d = minimal();
    d["annexes"] =
        json!([{"id": "a", "title": "T", "columns": [{"key": "stt", "label": "STT", "align": 3}], "rows": "x"}]);
    cases.push((d.to_string(), "lỗi: x.json: /annexes/0/columns/0/align: sai kiểu dữ liệu: cần chuỗi văn bản"));
    for (text, want) in cases {
        std::fs::write(dir.path().join("x.json"), &text).unwrap();
        let out = vanban(&["render", "x.json", "-o", "out", "-q"], dir.path());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{text}: {err}");
        assert!(err.lines().any(|l| l.starts_with(want)), "{text}:\n{err}\nwanted\n{want}");
        for word in ENGLISH {
            assert!(!err.contains(word), "{text}: English \"{word}\" in\n{err}");
        }
    }
}

#[test]
fn annex_without_columns_is_a_located_error_not_a_panic() {
    let mut d = minimal();
    d["issuer"]["full_name"] = "Ủy ban nhân dân xã Kim Liên".into();
    d["annexes"] = json!([{"id": "a", "title": "T", "columns": [], "rows": [{"x": "1"}, {"items": [{"y": 2}]}]}]);
    let (code, err) = render_err(&d);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("lỗi: doc.json: /annexes/0/columns: cần ít nhất hai cột"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Run the binary, failing the test (not hanging) if it does not end within 20 s.
fn vanban_within(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("vanban {args:?} still running after 20 s: blocked on a FIFO or reading without end");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn fifos_and_devices_are_refused_without_blocking() {
    let dir = with_doc(&minimal());
    let d = dir.path();
    let fifo = |name: &str| {
        let ok = Command::new("mkfifo").arg(d.join(name)).status().unwrap().success();
        assert!(ok, "mkfifo");
    };
    fifo("ong.json");
    fifo("noi-dung.txt");
    let mut doc = minimal();
    doc.as_object_mut().unwrap().remove("body");
    doc["body_file"] = "noi-dung.txt".into();
    std::fs::write(d.join("than-tu-tep.json"), doc.to_string()).unwrap();
    const NOT_REGULAR: &str = "không phải tệp thông thường (đường ống, thiết bị …); chỉ đọc tệp thông thường";
    let out = vanban_within(&["render", "ong.json", "-o", "out", "-q"], d);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), format!("lỗi: ong.json: {NOT_REGULAR}\n"));
    let out = vanban_within(&["render", "than-tu-tep.json", "-o", "out", "-q"], d);
    assert_eq!(stderr(&out), format!("lỗi: than-tu-tep.json: /body_file: \"noi-dung.txt\": {NOT_REGULAR}\n"));
    let out = vanban_within(&["render", "/dev/zero", "-o", "out", "-q"], d);
    assert_eq!(stderr(&out), format!("lỗi: /dev/zero: {NOT_REGULAR}\n"));
    // A FIFO among the layout templates or the fonts: the run stops with the name, at once.
    std::fs::create_dir(d.join("mau")).unwrap();
    fifo("mau/main.typ");
    let out = vanban_within(&["render", "doc.json", "--templates", "mau", "-o", "out", "-q"], d);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(&format!("mau/main.typ: {NOT_REGULAR}")), "{}", stderr(&out));
    std::fs::create_dir(d.join("phong")).unwrap();
    fifo("phong/a.ttf");
    let out = vanban_within(&["render", "doc.json", "--font-path", "phong", "-o", "out", "-q"], d);
    assert!(stderr(&out).contains(NOT_REGULAR), "{}", stderr(&out));
    // A FIFO among the unit reports: refused as a report, the summary is still written.
    let reports = sample_copy();
    let fifo_report = reports.path().join("bao-cao/quy-1/ong.json");
    assert!(Command::new("mkfifo").arg(&fifo_report).status().unwrap().success());
    let out = vanban_within(&["summary", "bao-cao/quy-1", "-o", "t.xlsx", "-q"], reports.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("lỗi: bao-cao/quy-1/ong.json: {NOT_REGULAR}")), "{}", stderr(&out));
    assert!(reports.path().join("t.xlsx").exists());
    // A build of the folder: the FIFOs fail as items, the good document is written.
    let out = vanban_within(&["build", ".", "-o", "out"], d);
    assert!(d.join("out/doc.pdf").exists(), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("ong.json: {NOT_REGULAR}")), "{}", stderr(&out));
}

#[test]
fn a_read_only_destination_is_named_once() {
    // Permissions do not bind root: run as `nobody` when the tests run as root.
    let as_root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("doc.json"), minimal().to_string()).unwrap();
    std::fs::create_dir(d.join("chi-doc")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(d.join("doc.json"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(d.join("chi-doc"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let mut cmd = if as_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_vanban")]);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_vanban"))
    };
    let Ok(out) = cmd.args(["render", "doc.json", "-o", "chi-doc"]).current_dir(d).output() else {
        return; // no setpriv here
    };
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stderr(&out), "lỗi: không ghi được vào thư mục chi-doc (không có quyền ghi)\n");
}

#[test]
fn arabic_letters_no_font_draws_are_refused_by_name() {
    // No embedded font has Arabic letters: typst's fallback used to fail inside the shaper
    // on two Arabic words (and one word printed as empty boxes). The document is refused
    // with the words; the other document of the run is written.
    let mut d = minimal();
    d["trich_yeu"] = "Hợp tác với مرحبا بالعالم".into();
    let dir = with_doc(&d);
    std::fs::write(dir.path().join("tot.json"), minimal().to_string()).unwrap();
    let out = vanban(&["render", "doc.json", "tot.json", "-o", "out", "-q"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.starts_with("lỗi: doc.json: lỗi dàn trang:\n  \""), "{err}");
    assert!(err.contains("Hợp tác với مرحبا بالعالم\": chữ viết từ phải sang trái"), "{err}");
    assert!(!err.contains("nội bộ"), "{err}");
    assert!(dir.path().join("out/tot.pdf").exists() && !dir.path().join("out/doc.pdf").exists());
    // Another font with the letters does not help: typst's fallback from the document's
    // family is what fails. Still refused by name, never a panic.
    let dejavu = std::path::Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    if dejavu.exists() {
        let out =
            vanban(&["render", "doc.json", "-o", "out2", "-q", "--font-path", dejavu.to_str().unwrap()], dir.path());
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("chữ viết từ phải sang trái"), "{}", stderr(&out));
    } else {
        eprintln!("DejaVu Sans absent: the part with another font is skipped");
    }
}
