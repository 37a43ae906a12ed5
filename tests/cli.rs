//! The `vanban` binary: exit codes, pinned error messages, atomic and reproducible
//! output.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::*;

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
    assert_eq!(render_err(&d), (2, "lỗi: doc.json: /signer/name: thiếu trường bắt buộc\n".into()));
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
        (2, "lỗi: doc.json: /so: sai kiểu dữ liệu: cần số nguyên dương, nhận được chuỗi \"18\"\n".into())
    );
    let mut d = minimal();
    d["noi_nhan"] = "Sở Nội vụ".into();
    assert_eq!(
        render_err(&d),
        (2, "lỗi: doc.json: /noi_nhan: sai kiểu dữ liệu: cần danh sách (mảng JSON [...]), nhận được chuỗi \"Sở Nội vụ\"\n".into())
    );
}

#[test]
fn impossible_date() {
    let mut d = minimal();
    d["date"] = "2022-02-30".into();
    assert_eq!(
        render_err(&d),
        (
            2,
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
            2,
            "lỗi: doc.json: /type: loại văn bản \"ke_hoachh\" không có trong Nghị định 30 (ví dụ hợp lệ: \"ke_hoach\", \"Kế hoạch\" hoặc \"KH\"; xem `vanban types`)\n".into()
        )
    );
    d["type"] = "Công văn".into();
    let (code, err) = render_err(&d);
    assert_eq!(code, 2);
    assert!(err.starts_with("lỗi: doc.json: /type: loại \"Công văn\" chưa được hỗ trợ (hiện có: chi_thi, "), "{err}");
}

#[test]
fn several_problems_reported_together() {
    let mut d = minimal();
    d["date"] = "2022-13-01".into();
    d["so"] = 0.into();
    d["signer"]["authority"] = "XY".into();
    let (code, err) = render_err(&d);
    assert_eq!(code, 2);
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
    assert_eq!(code, 2);
    assert!(
        err.starts_with("lỗi: doc.json: /trichyeu: trường \"trichyeu\" không có trong định dạng (các trường hợp lệ: "),
        "{err}"
    );
}

#[test]
fn unreadable_and_malformed_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = vanban(&["render", "khong-co.json", "-o", "out"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("lỗi: khong-co.json: không đọc được tệp (không tìm thấy tệp)\n"),
        "{}",
        stderr(&out)
    );

    std::fs::write(dir.path().join("bad.json"), "{\n  \"type\": \"ke_hoach\",\n  \"place\" \"x\"\n}").unwrap();
    let out = vanban(&["render", "bad.json", "-o", "out", "-q"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "lỗi: bad.json: JSON không hợp lệ ở dòng 3, cột 11: expected `:`\n");

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
    assert_eq!(out.status.code(), Some(2));
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
        "lỗi: doc.json: lỗi dàn trang (mẫu typst):\n  main.typ:1:15: path `\"../doc.json\"` would escape the project root\n    gợi ý: cannot access files outside of the project sandbox\n"
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
