//! Filled forms that are damaged or hostile: each fails alone, with its file and cell, in
//! Vietnamese, and the summary of the others is still written; nothing aborts, panics,
//! hangs or takes unbounded memory.

use std::io::{Cursor, Read, Write};
use std::path::Path;

use crate::common::*;
use calamine::{Data, Reader, Xlsx};

/// A workbook with some of its parts rewritten (`edit(name, bytes)`), and extra parts.
fn rezip(bytes: &[u8], edit: impl Fn(&str, Vec<u8>) -> Vec<u8>, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        out.start_file(name.as_str(), opts).unwrap();
        out.write_all(&edit(&name, data)).unwrap();
    }
    for (name, data) in extra {
        out.start_file(*name, opts).unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The form sheet's XML with cell `at` (blank in a fresh form) replaced by `cell`, a
/// `<c …>…</c>` element without its reference (`{}` stands for the style attributes).
fn set_cell(xml: Vec<u8>, at: &str, cell: &str) -> Vec<u8> {
    let xml = String::from_utf8(xml).unwrap();
    let start = xml.find(&format!("<c r=\"{at}\"")).unwrap_or_else(|| panic!("{at} not in the sheet"));
    let end = start + xml[start..].find("/>").unwrap() + 2;
    let attrs = &xml[start + 2..end - 2];
    format!("{}{}{}", &xml[..start], cell.replace("{}", attrs), &xml[end..]).into_bytes()
}

fn on_sheet1(edit: impl Fn(Vec<u8>) -> Vec<u8>) -> impl Fn(&str, Vec<u8>) -> Vec<u8> {
    move |name, data| if name == "xl/worksheets/sheet1.xml" { edit(data) } else { data }
}

fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    range.get_value((row, col)).map(|d| d.to_string()).unwrap_or_default()
}

/// Copy a form as another program would save it, with rows of the form sheet skipped
/// (`skip`, 0-based: deleted rows, those below move up) and identity cells replaced.
fn resave(form: &Path, skip: &[u32], identity: &[((u32, u16), &str)], out: &Path) {
    resave_sheets(form, &["Biểu 01", "vanban-dinh-danh"], skip, identity, out);
}

/// [`resave`] keeping only the sheets `sheets`.
fn resave_sheets(form: &Path, sheets: &[&str], skip: &[u32], identity: &[((u32, u16), &str)], out: &Path) {
    let mut wb: Xlsx<_> = calamine::open_workbook(form).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    for &name in sheets {
        let range = wb.worksheet_range(name).unwrap();
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        let mut to = 0;
        for r in 0..range.height() as u32 {
            if name == "Biểu 01" && skip.contains(&r) {
                continue;
            }
            for c in 0..range.width() as u16 {
                let replaced = identity.iter().find(|(at, _)| name != "Biểu 01" && *at == (r, c));
                match (replaced, range.get_value((r, u32::from(c)))) {
                    (Some((_, v)), _) => sheet.write_string(to, c, *v).map(|_| ()).unwrap(),
                    (None, Some(Data::Float(f))) => sheet.write_number(to, c, *f).map(|_| ()).unwrap(),
                    (None, Some(Data::String(s))) => sheet.write_string(to, c, s).map(|_| ()).unwrap(),
                    _ => {}
                }
            }
            to += 1;
        }
    }
    book.save(out).unwrap();
}

/// Every kind of damaged form in one period folder: each is refused with its own reason
/// (file and cell), one form far outside its range is read normally, and the summary of
/// the others is written (exit 1), in one run that ends.
#[test]
fn damaged_forms_fail_alone_with_their_cell() {
    let dir = sample_copy();
    let out = vanban(&["form", "bao-cao", "-o", "forms", "--period", "quy-1-2022", "-q"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let q = dir.path().join("bao-cao/quy-1");
    std::fs::remove_file(q.join("phong-noi-vu.json")).unwrap();
    std::fs::remove_file(q.join("phong-tu-phap.json")).unwrap();
    let noi_vu = std::fs::read(dir.path().join("forms/02-phong-noi-vu.xlsx")).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(q.join(name), bytes).unwrap();
    // Cells far away (Excel's last cell, and a row calamine accepts far beyond it): read
    // without building a range of billions of cells; the form is read normally.
    let far = |xml: Vec<u8>| {
        let xml = String::from_utf8(xml).unwrap().replace(
            "</sheetData>",
            "<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row>\
             <row r=\"4000000000\"><c r=\"A4000000000\"><v>1</v></c></row></sheetData>",
        );
        set_cell(xml.into_bytes(), "D13", "<c {}><v>7</v></c>")
    };
    write("a-far-cells.xlsx", &rezip(&noi_vu, on_sheet1(far), &[]));
    // A shared-string index past the table (a panic inside calamine).
    write("b-sst.xlsx", &rezip(&noi_vu, on_sheet1(|x| set_cell(x, "D13", "<c {} t=\"s\"><v>99999</v></c>")), &[]));
    // A formula without its cached result.
    write("c-formula.xlsx", &rezip(&noi_vu, on_sheet1(|x| set_cell(x, "D15", "<c {}><f>200+26</f></c>")), &[]));
    // Figures above the bound, as a number and as text past u64.
    write(
        "d-huge.xlsx",
        &rezip(
            &noi_vu,
            on_sheet1(|x| {
                let x = set_cell(x, "D13", "<c {}><v>1000000000001</v></c>");
                set_cell(x, "D14", "<c {} t=\"inlineStr\"><is><t>18446744073709551615</t></is></c>")
            }),
            &[],
        ),
    );
    // A zip bomb: a part that inflates far past the bound, in a small file.
    let zeros = vec![0u8; 80 << 20];
    let bomb = rezip(&noi_vu, |_, d| d, &[("xl/media/image1.bin", &zeros)]);
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    write("e-bomb.xlsx", &bomb);
    // A unit deleted a task row (task 2 then sits on task 1's row), or the last indicator row.
    let form = dir.path().join("forms/02-phong-noi-vu.xlsx");
    resave(&form, &[26], &[], &q.join("f-task-row.xlsx"));
    resave(&form, &[22], &[], &q.join("g-indicator-row.xlsx"));
    // The identity edited to claim another unit, or with a line break and escape sequences.
    resave(&form, &[], &[((3, 1), "Phòng Tư pháp")], &q.join("h-other-unit.xlsx"));
    resave(&form, &[], &[((3, 1), "Phòng Nội vụ\nlỗi:\tgiả")], &q.join("i-control.xlsx"));
    // The identity sheet deleted: whose report it is cannot be known; refused, not skipped.
    resave_sheets(&form, &["Biểu 01"], &[], &[], &q.join("l-no-identity.xlsx"));
    // The identity sheet's form id and version emptied.
    resave(&form, &[], &[((0, 1), ""), ((1, 1), "")], &q.join("m-empty-id.xlsx"));
    // The identity of quý I in a form of quý II.
    let out = vanban(&["form", "bao-cao", "-o", "forms2", "--period", "quy-2-2022", "-q"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    resave(
        &dir.path().join("forms2/03-phong-tu-phap.xlsx"),
        &[],
        &[((5, 1), "quy-1-2022")],
        &q.join("j-other-period.xlsx"),
    );
    // A FIFO named like a form: never opened for reading.
    let fifo = std::process::Command::new("mkfifo").arg(q.join("k-fifo.xlsx")).status().unwrap();
    assert!(fifo.success());

    let out = vanban(&["summary", "bao-cao/quy-1", "-o", "out.xlsx", "--date", "2022-04-05"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let q = "bao-cao/quy-1";
    for needle in [
        format!("lỗi: {q}/b-sst.xlsx: lỗi nội bộ khi đọc biểu mẫu ("),
        "hãy gửi tệp này cho người phát triển".into(),
        format!(
            "lỗi: {q}/c-formula.xlsx: Biểu 01!D15: Lượt người tham dự: công thức chưa được tính (không có kết quả lưu sẵn): mở tệp bằng Excel/LibreOffice và lưu lại"
        ),
        format!(
            "lỗi: {q}/d-huge.xlsx: Biểu 01!D13: Văn bản chỉ đạo, hướng dẫn đã ban hành: số liệu 1000000000001 quá lớn (tối đa 1000000000000"
        ),
        "Biểu 01!D14: Số hội nghị, tập huấn: số liệu 18446744073709551615 quá lớn".into(),
        format!("lỗi: {q}/e-bomb.xlsx: phần \"xl/media/image1.bin\" của tệp Excel giải nén ra quá lớn (tối đa 64 MiB"),
        format!("lỗi: {q}/f-task-row.xlsx: Biểu 01!A27: hàng 27 phải là nhiệm vụ 1 (STT 1) nhưng ghi \"2 "),
        format!(
            "lỗi: {q}/g-indicator-row.xlsx: Biểu 01!A23: hàng 23 phải là chỉ tiêu \"Hình thức khác\" (STT 11) nhưng để trống"
        ),
        format!(
            "lỗi: {q}/h-other-unit.xlsx: Biểu 01!C8: đơn vị ghi trên biểu \"Phòng Nội vụ\" khác đơn vị trong trang định danh \"Phòng Tư pháp\""
        ),
        format!(
            "lỗi: {q}/i-control.xlsx: vanban-dinh-danh!B4: đơn vị \"Phòng Nội vụ\\nlỗi:\\tgiả\" có ký tự điều khiển"
        ),
        format!("lỗi: {q}/j-other-period.xlsx: Biểu 01!A5: tiêu đề \""),
        format!("lỗi: {q}/k-fifo.xlsx: không phải tệp thông thường"),
        format!("lỗi: {q}/l-no-identity.xlsx: biểu mẫu thiếu trang ẩn định danh \"vanban-dinh-danh\""),
        format!("lỗi: {q}/m-empty-id.xlsx: trang định danh \"vanban-dinh-danh\" không ghi mã biểu và phiên bản"),
    ] {
        assert!(err.contains(&needle), "missing {needle:?} in:\n{err}");
    }
    assert!(!err.contains("lỗi: bao-cao/quy-1/a-far-cells.xlsx"), "{err}");
    assert!(!err.contains('\t'), "{err}");
    assert!(!err.contains("lỗi: bao-cao/tong-hop.json"), "{err}");
    // The far-cells form was summed: Phòng Nội vụ's first figure is 7.
    let mut wb: Xlsx<_> = calamine::open_workbook(dir.path().join("out.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Tổng hợp").unwrap();
    let row = (0..sheet.height() as u32).find(|r| cell(&sheet, *r, 1) == "Phòng Nội vụ").expect("Phòng Nội vụ row");
    assert_eq!(cell(&sheet, row, 2), "7");
}
