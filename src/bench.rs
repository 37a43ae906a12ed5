//! `vanban bench`: throughput, first-document latency and memory of the batch pipeline, on N
//! distinct plan documents (every paragraph and task carries the document's number), against
//! one fresh `vanban render` process per document on the same inputs.
//!
//! The default document has the size of a usual district plan: the Ninh
//! Giang plan's text on 4 portrait pages and a 25-row, 6-column annex on 3 landscape pages
//! (7 pages, PDF + tracking workbook). `--doc mau` uses the whole 10-page sample instead.

use serde_json::Value;

const SAMPLE: &str = include_str!("../samples/ninh-giang-2022/ke-hoach.json");
const SAMPLE_BODY: &str = include_str!("../samples/ninh-giang-2022/ke-hoach.noi-dung.txt");

/// Which document the benchmark generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchDoc {
    /// The usual size of a district plan: the sample plan's text cut to
    /// 4 portrait pages, and its 25 task rows, cells cut to about two lines,
    /// on 3 landscape pages; 7 pages.
    #[value(name = "7-trang")]
    SevenPages,
    /// The whole sample: 5 portrait pages and the full annex on 5 landscape pages; 10 pages.
    #[value(name = "mau")]
    Sample,
}

/// Body lines (1-based, of `ke-hoach.noi-dung.txt`) left out of the 7-page plan: the
/// detail of sections II.3 and III, so the closing still ends page 4.
const SEVEN_PAGE_DROPPED_LINES: &[usize] = &[20, 22, 26, 27, 28, 29, 35, 36, 39, 43];

/// Longest text of each annex column in the 7-page plan, in characters (about two lines
/// of each column), so that its 25 task rows and 5 group rows fill 3 landscape pages.
const SEVEN_PAGE_CELL_CHARS: &[(&str, usize)] =
    &[("nhiem_vu", 70), ("chu_tri", 28), ("phoi_hop", 32), ("thoi_gian", 20), ("san_pham", 45)];

/// Document `i`: the sample with every paragraph, the trích yếu and every task changed,
/// so that no two documents share laid-out text.
pub fn variant(i: usize, kind: BenchDoc) -> Value {
    let mut doc: Value = serde_json::from_str(SAMPLE).unwrap_or(Value::Null);
    let tag = format!("(bản {i})");
    let body: Vec<String> = SAMPLE_BODY
        .lines()
        .enumerate()
        .filter(|(n, l)| {
            let dropped = kind == BenchDoc::SevenPages && SEVEN_PAGE_DROPPED_LINES.contains(&(n + 1));
            !l.trim().is_empty() && !dropped
        })
        .map(|(_, l)| if l.starts_with("I") || l.contains("{{") { l.to_string() } else { format!("{l} {tag}") })
        .collect();
    if let Some(obj) = doc.as_object_mut() {
        obj.remove("body_file");
        obj.remove("$schema");
        obj.insert("body".into(), body.join("\n").into());
        obj.insert("so".into(), (i % 500 + 1).into());
        let t = obj.get("trich_yeu").and_then(Value::as_str).unwrap_or_default().to_string();
        obj.insert("trich_yeu".into(), format!("{t} {tag}").into());
    }
    if let Some(rows) = doc.pointer_mut("/annexes/0/rows").and_then(Value::as_array_mut) {
        for row in rows {
            vary_row(row, &tag, kind);
        }
    }
    doc
}

/// Tag a task row (and its sub-items) with the document's number; shorten its cells for
/// the 7-page plan.
fn vary_row(row: &mut Value, tag: &str, kind: BenchDoc) {
    let Some(obj) = row.as_object_mut() else { return };
    if kind == BenchDoc::SevenPages {
        for &(key, max) in SEVEN_PAGE_CELL_CHARS {
            if let Some(Value::String(s)) = obj.get_mut(key) {
                *s = shorten(s, max);
            }
        }
    }
    if let Some(Value::String(s)) = obj.get_mut("nhiem_vu") {
        s.push_str(&format!(" {tag}"));
    }
    if let Some(items) = obj.get_mut("items").and_then(Value::as_array_mut) {
        for item in items {
            vary_row(item, tag, kind);
        }
    }
}

/// `s` cut at the last word boundary within `max` characters.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    cut.trim_end_matches([',', ';', ' ']).to_string()
}

/// Peak resident memory of this process so far (Linux `VmHWM`), in MB.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
