//! Periodic reports (báo cáo quý, 6 tháng, năm) written from the unit reports.
//!
//! The figures come from [`Summary`], the same value the summary workbook is written
//! from; the sentences come from a minijinja content template; the frame (issuer, Kính
//! gửi, nơi nhận, signer) from the office's `bao-cao.json`, which is an ordinary document
//! file without body, number and date. The result goes through the same loader as any
//! document, so every rule of the input format holds for generated reports too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::content::{self, Content, ContentError};
use crate::data::{self, InputError};
use crate::model::Document;
use crate::period::Period;
use crate::summary::{Summary, TaskSummary};

/// The name of the report frame looked for beside `tong-hop.json`.
pub const FRAME_NAME: &str = "bao-cao.json";
/// Id of the figures annex (for `{{ tham_chieu_phu_luc }}`).
pub const FIGURES_ANNEX: &str = "so-lieu";

/// The report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The frame or the generated document is unusable.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The content template failed.
    #[error(transparent)]
    Content(#[from] ContentError),
}

/// A period as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodContext {
    /// `quý I năm 2022`.
    pub ten: String,
    /// `quy-1-2022`.
    pub ma: String,
    /// Year.
    pub nam: i32,
    /// First day, `01/01/2022`.
    pub tu_ngay: String,
    /// Last day, `31/3/2022`.
    pub den_ngay: String,
}

impl From<&Period> for PeriodContext {
    fn from(p: &Period) -> Self {
        let ((sm, sd), (em, ed)) = p.span();
        Self {
            ten: p.to_string(),
            ma: p.slug(),
            nam: p.year,
            tu_ngay: format!("{sd:02}/{sm:02}/{}", p.year),
            den_ngay: format!("{ed:02}/{em:02}/{}", p.year),
        }
    }
}

/// A group as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct GroupContext {
    /// Name.
    pub ten: String,
    /// Units expected.
    pub so_don_vi: usize,
    /// Units that reported.
    pub so_bao_cao: usize,
    /// Names of units that did not report (or whose report was refused).
    pub thieu: Vec<String>,
    /// Subtotals by indicator key.
    pub tong: BTreeMap<String, u64>,
}

/// An indicator as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorContext {
    /// Key.
    pub ma: String,
    /// Label.
    pub ten: String,
    /// Unit of measure.
    pub don_vi_tinh: String,
}

/// A task as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct TaskContext {
    /// STT in the plan's annex.
    pub stt: String,
    /// Text.
    pub ten: String,
    /// Units that report it done / in progress / not started.
    pub da_hoan_thanh: u32,
    /// …
    pub dang_thuc_hien: u32,
    /// …
    pub chua_thuc_hien: u32,
}

impl From<&TaskSummary> for TaskContext {
    fn from(t: &TaskSummary) -> Self {
        Self {
            stt: t.stt.clone(),
            ten: t.name.clone(),
            da_hoan_thanh: t.done,
            dang_thuc_hien: t.in_progress,
            chua_thuc_hien: t.not_started,
        }
    }
}

/// The previous period, for comparisons.
#[derive(Debug, Clone, Serialize)]
pub struct PreviousContext {
    /// Its period.
    pub ky: PeriodContext,
    /// Its totals.
    pub tong: BTreeMap<String, u64>,
}

/// The plan a report answers.
#[derive(Debug, Clone, Serialize)]
pub struct PlanContext {
    /// `Kế hoạch số 18/KH-UBND ngày 28/01/2022 của Ủy ban nhân dân huyện Ninh Giang`.
    pub ten: String,
    /// Its trích yếu.
    pub trich_yeu: String,
}

/// Everything a content template can read (names are Vietnamese for template authors;
/// documented in the README).
#[derive(Debug, Clone, Serialize)]
pub struct ReportContext {
    /// The reporting office in running text (`Ủy ban nhân dân huyện Ninh Giang`).
    pub co_quan: String,
    /// The period.
    pub ky: PeriodContext,
    /// The previous period, when its reports were given (`--previous DIR`).
    pub ky_truoc: Option<PreviousContext>,
    /// The period after, for "phương hướng" (`quý II năm 2022`, `6 tháng cuối năm 2022`).
    pub ky_sau: String,
    /// The plan the report answers, when `tong-hop.json` names it.
    pub ke_hoach: Option<PlanContext>,
    /// Indicators in form order.
    pub chi_tieu: Vec<IndicatorContext>,
    /// Grand totals by indicator key.
    pub tong: BTreeMap<String, u64>,
    /// Groups with subtotals.
    pub nhom: Vec<GroupContext>,
    /// Units expected.
    pub so_don_vi: usize,
    /// Units that reported.
    pub so_bao_cao: usize,
    /// Names of units that reported.
    pub don_vi_bao_cao: Vec<String>,
    /// Names of units without a usable report.
    pub don_vi_thieu: Vec<String>,
    /// Annex tasks (not group rows) with status counts.
    pub nhiem_vu: Vec<TaskContext>,
    /// Tasks every reporting unit has completed.
    pub nhiem_vu_hoan_thanh: Vec<TaskContext>,
    /// Tasks some unit reports in progress or not started.
    pub nhiem_vu_chua_hoan_thanh: Vec<TaskContext>,
    /// Tasks no unit reported on.
    pub nhiem_vu_chua_bao_cao: Vec<TaskContext>,
    /// Reference to the figures annex (`Phụ lục`), empty without it.
    pub tham_chieu_phu_luc: String,
}

/// Build the template context from a summary (and the previous period's, if given).
pub fn context(summary: &Summary, previous: Option<&Summary>, co_quan: &str, with_annex: bool) -> ReportContext {
    let tasks: Vec<TaskContext> = summary.tasks.iter().filter(|t| !t.is_group).map(TaskContext::from).collect();
    let filter = |f: &dyn Fn(&TaskContext) -> bool| tasks.iter().filter(|t| f(t)).cloned().collect::<Vec<_>>();
    let reported = |t: &TaskContext| t.da_hoan_thanh + t.dang_thuc_hien + t.chua_thuc_hien;
    ReportContext {
        co_quan: co_quan.to_string(),
        ky: (&summary.period).into(),
        ky_truoc: previous.map(|p| PreviousContext { ky: (&p.period).into(), tong: with_zeros(&p.total, p) }),
        ky_sau: summary.period.following_name(),
        ke_hoach: summary.config.plan.as_ref().map(|d| PlanContext {
            ten: d
                .annex_reference()
                .trim_start_matches("(Kèm theo ")
                .trim_end_matches(')')
                .replace(crate::vn::NBSP, ""),
            trich_yeu: d.trich_yeu_text(),
        }),
        chi_tieu: summary
            .config
            .indicators
            .iter()
            .map(|i| IndicatorContext {
                ma: i.key.clone(),
                ten: i.label.clone(),
                don_vi_tinh: i.unit.clone().unwrap_or_default(),
            })
            .collect(),
        tong: with_zeros(&summary.total, summary),
        nhom: summary
            .groups
            .iter()
            .map(|g| GroupContext {
                ten: g.name.clone(),
                so_don_vi: g.units.len(),
                so_bao_cao: g.units.iter().filter(|u| u.figures.is_some()).count(),
                thieu: g.units.iter().filter(|u| u.figures.is_none()).map(|u| u.name.clone()).collect(),
                tong: with_zeros(&g.subtotal, summary),
            })
            .collect(),
        so_don_vi: summary.groups.iter().map(|g| g.units.len()).sum(),
        so_bao_cao: summary.reported().count(),
        don_vi_bao_cao: summary.reported().map(|u| u.name.clone()).collect(),
        don_vi_thieu: summary.missing().map(|u| u.name.clone()).collect(),
        nhiem_vu_hoan_thanh: filter(&|t| t.da_hoan_thanh > 0 && t.dang_thuc_hien + t.chua_thuc_hien == 0),
        nhiem_vu_chua_hoan_thanh: filter(&|t| t.dang_thuc_hien + t.chua_thuc_hien > 0),
        nhiem_vu_chua_bao_cao: filter(&|t| reported(t) == 0),
        nhiem_vu: tasks,
        tham_chieu_phu_luc: if with_annex { format!("{{{{phu_luc.{FIGURES_ANNEX}}}}}") } else { String::new() },
    }
}

/// Every raw indicator present (0 when nobody reported it), so templates never meet an
/// undefined figure.
fn with_zeros(figures: &BTreeMap<String, u64>, summary: &Summary) -> BTreeMap<String, u64> {
    summary
        .config
        .indicators
        .iter()
        .filter(|i| i.ratio.is_none())
        .map(|i| (i.key.clone(), *figures.get(&i.key).unwrap_or(&0)))
        .collect()
}

/// The figures annex: the rows of the workbook's `Tổng hợp` (groups with subtotals, units,
/// total), as annex JSON for the loader.
pub fn figures_annex(summary: &Summary) -> Value {
    let inds = &summary.config.indicators;
    let cells = |figures: Option<&BTreeMap<String, u64>>| -> Map<String, Value> {
        let mut m = Map::new();
        if let Some(fig) = figures {
            for ind in inds {
                let text = match &ind.ratio {
                    Some(r) => Summary::ratio(fig, r).map_or_else(|| "-".to_string(), |v| content::percent(v, 2)),
                    None => content::number(*fig.get(&ind.key).unwrap_or(&0) as f64, 0),
                };
                m.insert(format!("c_{}", ind.key), Value::String(text));
            }
        }
        m
    };
    let mut rows = Vec::new();
    for (g, group) in summary.groups.iter().enumerate() {
        let mut row = cells(Some(&group.subtotal));
        row.insert("stt".into(), crate::vn::roman(g as u32 + 1).into());
        row.insert("bold".into(), true.into());
        row.insert("don_vi".into(), group.name.clone().into());
        rows.push(Value::Object(row));
        for (u, unit) in group.units.iter().enumerate() {
            let mut row = cells(unit.figures.as_ref());
            row.insert("stt".into(), (u + 1).to_string().into());
            row.insert("don_vi".into(), unit.name.clone().into());
            if let Some(note) = &unit.note {
                row.insert("ghi_chu".into(), note.clone().into());
            }
            rows.push(Value::Object(row));
        }
    }
    let mut total = cells(Some(&summary.total));
    total.insert("stt".into(), "".into());
    total.insert("bold".into(), true.into());
    total.insert("don_vi".into(), "TỔNG CỘNG".into());
    rows.push(Value::Object(total));
    // Column widths from the content, in mm of the landscape text block (250 mm; the
    // table shares it out in proportion). Each figure column first gets room for its
    // widest figure and its longest header word; what is left goes, half a millimetre at a
    // time, to the column whose header needs the most lines, so headers wrap evenly
    // (12 pt: ≈ 2 mm a character of a header, 2.1 mm a digit, 2.1 mm of cell insets).
    const TEXT_WIDTH: f64 = 250.0;
    const INSETS: f64 = 2.1;
    let chars = |s: &str| s.chars().count() as f64;
    let longest_word = |s: &str| s.split([' ', '/']).map(chars).fold(0.0, f64::max);
    let longest_name = summary.groups.iter().flat_map(|g| g.units.iter().map(|u| chars(&u.name))).fold(0.0, f64::max);
    // Unit names on one line up to about 22 characters, two lines beyond.
    let (stt, don_vi, ghi_chu) = (10.0, (longest_name * 2.0 / 2.0 + INSETS).clamp(46.0, 56.0), 18.0);
    let labels: Vec<String> = inds
        .iter()
        .map(|ind| match (&ind.unit, &ind.ratio) {
            (Some(u), _) => format!("{} ({u})", ind.label),
            (None, Some(_)) => format!("{} (%)", ind.label),
            (None, None) => ind.label.clone(),
        })
        .collect();
    let mut widths: Vec<f64> = inds
        .iter()
        .zip(&labels)
        .map(|(ind, label)| {
            // Room for the widest figure of the column on one line (bold in the totals).
            let key = format!("c_{}", ind.key);
            let figure =
                rows.iter().filter_map(|r| r.get(&key)).filter_map(Value::as_str).map(chars).fold(1.0, f64::max);
            (figure * 2.1 + INSETS + 1.0).max(longest_word(label) * 2.0 + INSETS)
        })
        .collect();
    let header_lines = |label: &str, w: f64| (chars(label) * 2.0 / (w - INSETS)).ceil();
    let mut left = TEXT_WIDTH - stt - don_vi - ghi_chu - widths.iter().sum::<f64>();
    while left >= 0.5 && !widths.is_empty() {
        let worst = (0..widths.len())
            .max_by(|&a, &b| {
                let (la, lb) = (header_lines(&labels[a], widths[a]), header_lines(&labels[b], widths[b]));
                la.total_cmp(&lb).then(chars(&labels[a]).total_cmp(&chars(&labels[b])))
            })
            .unwrap_or(0);
        widths[worst] += 0.5;
        left -= 0.5;
    }
    let fr = |w: f64| (w * 10.0).round() / 100.0;
    let mut columns = vec![
        json!({"key": "stt", "label": "STT", "width": fr(stt), "align": "center"}),
        json!({"key": "don_vi", "label": "Đơn vị", "width": fr(don_vi)}),
    ];
    for ((ind, label), w) in inds.iter().zip(labels).zip(widths) {
        columns.push(json!({"key": format!("c_{}", ind.key), "label": label, "width": fr(w), "align": "right"}));
    }
    columns.push(json!({"key": "ghi_chu", "label": "Ghi chú", "width": fr(ghi_chu + left.max(0.0))}));
    json!({
        "id": FIGURES_ANNEX,
        "title": format!("Số liệu kết quả công tác tuyên truyền của các cơ quan, đơn vị {}", summary.period),
        "orientation": "landscape",
        "sheet_name": "Số liệu",
        "columns": columns,
        "rows": rows,
    })
}

/// What `vanban report` needs besides the summary.
pub struct ReportRequest<'a> {
    /// The office's report frame (`bao-cao.json`).
    pub frame: &'a Path,
    /// Content template name (without `.j2`); overrides the frame's `template`.
    pub template: Option<&'a str>,
    /// Số, when known.
    pub so: Option<u32>,
    /// Date `YYYY-MM-DD`; else a draft dated the month after the period.
    pub date: Option<&'a str>,
    /// The previous period's summary, for comparisons.
    pub previous: Option<&'a Summary>,
}

/// Build the report document: frame + rendered trích yếu and body + figures annex, through
/// the document loader.
///
/// # Errors
/// [`ReportError`] when the frame, the template or the result is unusable.
pub fn build(summary: &Summary, content: &Content, req: &ReportRequest<'_>) -> Result<Document, ReportError> {
    let mut frame = load_frame(req.frame)?;
    let kind = match summary.period.kind {
        crate::period::PeriodKind::Quy => "quy",
        crate::period::PeriodKind::SauThang => "6_thang",
        crate::period::PeriodKind::ChinThang => "9_thang",
        crate::period::PeriodKind::Nam => "nam",
    };
    let template = match (req.template, frame.remove("template")) {
        (Some(t), _) => t.to_string(),
        (None, Some(Value::String(t))) => t,
        // One template per kind of period: {"quy": "…", "6_thang": "…", "mac_dinh": "…"}.
        (None, Some(Value::Object(by_kind)))
            if by_kind.get(kind).or(by_kind.get("mac_dinh")).is_some_and(Value::is_string) =>
        {
            by_kind.get(kind).or(by_kind.get("mac_dinh")).and_then(Value::as_str).unwrap_or_default().to_string()
        }
        (None, _) => {
            return Err(InputError {
                file: req.frame.to_path_buf(),
                problems: vec![data::Problem {
                    pointer: "/template".into(),
                    message: format!("cần tên mẫu nội dung cho kỳ {} (\"template\": tên mẫu, hoặc {{\"quy\": …, \"6_thang\": …, \"9_thang\": …, \"nam\": …, \"mac_dinh\": …}}), hoặc --template", summary.period),
                }],
            }
            .into());
        }
    };
    // A name the frame gives must exist: the error names the frame and its path.
    if req.template.is_none() && !content.has(&template) {
        return Err(InputError {
            file: req.frame.to_path_buf(),
            problems: vec![data::Problem {
                pointer: "/template".into(),
                message: format!("không có mẫu nội dung \"{template}\" ({template}.j2)"),
            }],
        }
        .into());
    }
    let with_annex = !matches!(frame.remove("figures_annex"), Some(Value::Bool(false)));
    frame.remove("$schema");
    let co_quan =
        frame.get("issuer").and_then(|i| i.get("full_name")).and_then(Value::as_str).unwrap_or_default().to_string();
    let ctx = context(summary, req.previous, &co_quan, with_annex);
    if let Some(Value::String(t)) = frame.get("trich_yeu") {
        let rendered = content.render_str(&format!("{}#/trich_yeu", req.frame.display()), t, &ctx)?;
        frame.insert("trich_yeu".into(), rendered.into());
    }
    let body = content.render(&template, &ctx)?;
    frame.insert("body".into(), body.into());
    let date = match req.date {
        Some(d) => d.to_string(),
        None => {
            let (_, (end_month, _)) = summary.period.span();
            let (y, m) =
                if end_month == 12 { (summary.period.year + 1, 1) } else { (summary.period.year, end_month + 1) };
            format!("{y:04}-{m:02}")
        }
    };
    frame.insert("date".into(), date.into());
    if let Some(so) = req.so {
        frame.insert("so".into(), so.into());
    }
    if with_annex {
        frame.insert("annexes".into(), Value::Array(vec![figures_annex(summary)]));
    }
    let json = Value::Object(frame).to_string();
    // Errors in the generated document name the frame file it was built from.
    Ok(data::parse(req.frame, &json)?)
}

/// `bao-cao.json`: a document without body, number, date and annexes (the report makes
/// them), and how to write it. The document fields are checked by the document loader.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "the fields are the format; the document loader reads their values")]
struct RawFrame {
    #[serde(rename = "$schema", default)]
    _schema: Option<String>,
    #[serde(default)]
    template: Option<Value>,
    #[serde(default)]
    figures_annex: Option<bool>,
    #[serde(rename = "type", default)]
    doc_type: Option<Value>,
    #[serde(default)]
    issuer: Option<Value>,
    #[serde(default)]
    place: Option<Value>,
    #[serde(default)]
    ky_hieu: Option<Value>,
    #[serde(default)]
    trich_yeu: Option<String>,
    #[serde(default)]
    can_cu: Option<Value>,
    #[serde(default)]
    kinh_gui: Option<Value>,
    #[serde(default)]
    noi_nhan: Option<Value>,
    #[serde(default)]
    luu: Option<Value>,
    #[serde(default)]
    signer: Option<Value>,
}

/// Kinds of period a frame's `template` may name, and the fallback.
const TEMPLATE_KEYS: [&str; 5] = ["quy", "6_thang", "9_thang", "nam", "mac_dinh"];

/// Read and check the frame: unknown keys, wrong types and fields the report writes itself
/// (`body`, `so`, `date`, `annexes`) are errors naming the frame and the JSON path.
fn load_frame(path: &Path) -> Result<Map<String, Value>, InputError> {
    let checked = data::read_checked::<RawFrame>(path)?;
    let mut problems = checked.problems;
    if let Some(RawFrame { template: Some(t), .. }) = &checked.value {
        let mut bad = |pointer: String, message: String| problems.push(data::Problem { pointer, message });
        match t {
            Value::String(_) => {}
            Value::Object(by_kind) => {
                for (k, v) in by_kind {
                    let at = format!("/template/{}", k.replace('~', "~0").replace('/', "~1"));
                    if !TEMPLATE_KEYS.contains(&k.as_str()) {
                        bad(at, format!("kỳ \"{k}\" không có (cần một trong: {})", TEMPLATE_KEYS.join(", ")));
                    } else if !v.is_string() {
                        bad(at, "sai kiểu dữ liệu: cần tên mẫu nội dung (chuỗi văn bản)".into());
                    }
                }
            }
            _ => bad(
                "/template".into(),
                "sai kiểu dữ liệu: cần tên mẫu nội dung (chuỗi) hoặc đối tượng theo kỳ {\"quy\": …, \"nam\": …}".into(),
            ),
        }
    }
    if !problems.is_empty() {
        return Err(InputError { file: path.to_path_buf(), problems });
    }
    data::read_json(path)
}

/// Output names: `bao-cao-quy-1-2022.pdf` and `tong-hop-quy-1-2022.xlsx`.
pub fn output_paths(period: &Period, out_dir: &Path) -> (PathBuf, PathBuf) {
    (out_dir.join(format!("bao-cao-{}.pdf", period.slug())), out_dir.join(format!("tong-hop-{}.xlsx", period.slug())))
}
