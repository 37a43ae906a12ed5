//! Periodic reports (báo cáo quý, 6 tháng, năm) written from the unit reports.
//!
//! The figures come from [`Summary`], the same value the summary workbook is written
//! from; the sentences come from a minijinja content template; the frame (issuer, Kính
//! gửi, nơi nhận, signer) from the office's `bao-cao.json`, which is an ordinary document
//! file without body, number and date. The result goes through the same loader as any
//! document, so every rule of the input format holds for generated reports too.

use std::collections::BTreeMap;
use std::path::Path;

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
    /// The name inside a sentence: first letter small unless it begins with an
    /// abbreviation (`cơ quan, đơn vị cấp huyện`, `UBND các xã, thị trấn`).
    pub ten_trong_cau: String,
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
    /// The counts that are not zero, in words: `1 đơn vị đang thực hiện` or `3 đơn vị đã
    /// hoàn thành, 1 đơn vị chưa thực hiện`.
    pub tinh_hinh: String,
    /// Heading of the annex group the task belongs to (empty outside groups).
    pub nhom: String,
}

impl From<&TaskSummary> for TaskContext {
    fn from(t: &TaskSummary) -> Self {
        let counts = [(t.done, "đã hoàn thành"), (t.in_progress, "đang thực hiện"), (t.not_started, "chưa thực hiện")];
        let tinh_hinh: Vec<String> =
            counts.iter().filter(|(n, _)| *n > 0).map(|(n, what)| format!("{n} đơn vị {what}")).collect();
        Self {
            stt: t.stt.clone(),
            ten: t.name.clone(),
            da_hoan_thanh: t.done,
            dang_thuc_hien: t.in_progress,
            chua_thuc_hien: t.not_started,
            tinh_hinh: tinh_hinh.join(", "),
            nhom: String::new(),
        }
    }
}

/// The unfinished tasks of one annex group, for a short account: numbers only, the
/// detail being in the annex and the workbook.
#[derive(Debug, Clone, Serialize)]
pub struct TaskGroupContext {
    /// The group's STT in the annex (`I`), empty for tasks outside groups.
    pub stt: String,
    /// The group's heading, as in the annex (capitals), empty outside groups.
    pub ten: String,
    /// The heading as written, inside a sentence (`tuyên truyền qua Mặt trận …`).
    pub ten_trong_cau: String,
    /// STT of the tasks some unit is still doing.
    pub dang_thuc_hien: Vec<String>,
    /// STT of the tasks some unit has not started and none is doing.
    pub chua_thuc_hien: Vec<String>,
}

/// A name inside a sentence: the first letter small, unless the first word is an
/// abbreviation or a proper noun in capitals (`UBND`, `HĐND`).
pub fn in_sentence(name: &str) -> String {
    let first = name.split_whitespace().next().unwrap_or("");
    if first.chars().filter(|c| c.is_uppercase()).count() >= 2 {
        return name.to_string();
    }
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The administrative level of an office from its name (`Ủy ban nhân dân xã Kim Liên` →
/// `xã`) and the area it governs (`xã Kim Liên`); `None` for an office without one.
pub fn level_of(name: &str) -> Option<(String, String)> {
    const LEVELS: [&str; 10] =
        ["thành phố", "thị xã", "thị trấn", "đặc khu", "tỉnh", "huyện", "quận", "xã", "phường", "thủ đô"];
    let words: Vec<&str> = name.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    for i in 0..words.len() {
        for level in LEVELS {
            let n = level.split(' ').count();
            if i + n < words.len() && lower[i..i + n].join(" ") == level {
                return Some((level.to_string(), in_sentence(&words[i..].join(" "))));
            }
        }
    }
    None
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
    /// The level of the reporting office (`xã`, `huyện`, `tỉnh`, `thành phố` …), from its
    /// name or the frame's `dia_ban`; empty when the name has none.
    pub cap: String,
    /// The area it governs in running text (`xã Kim Liên`, `huyện Ninh Giang`).
    pub dia_ban: String,
    /// `toàn xã`, `toàn huyện` …, or `các cơ quan, đơn vị` for an office without a level.
    pub toan_dia_ban: String,
    /// The groups of reporting units in a sentence (`cơ quan, đơn vị cấp huyện và UBND
    /// các xã, thị trấn`), from `tong-hop.json`.
    pub cac_nhom: String,
    /// Unfinished tasks by annex group (numbers only).
    pub nhom_nhiem_vu_chua_hoan_thanh: Vec<TaskGroupContext>,
}

/// Build the template context from a summary (and the previous period's, if given).
pub fn context(summary: &Summary, previous: Option<&Summary>, co_quan: &str, with_annex: bool) -> ReportContext {
    context_in(summary, previous, co_quan, with_annex, None)
}

/// [`context`], with the area the frame names (`dia_ban`) instead of the one read from
/// the office's name.
pub fn context_in(
    summary: &Summary,
    previous: Option<&Summary>,
    co_quan: &str,
    with_annex: bool,
    dia_ban: Option<&str>,
) -> ReportContext {
    let mut tasks: Vec<TaskContext> = Vec::new();
    let mut by_group: Vec<TaskGroupContext> = Vec::new();
    let mut group: Option<(String, String)> = None;
    // Group headings as the plan's drafter wrote them, by STT, for running text.
    let written: BTreeMap<String, String> = summary
        .config
        .plan
        .as_ref()
        .and_then(|d| match &summary.config.annex {
            Some(id) => d.annexes.iter().find(|a| &a.id == id),
            None => d.annexes.first(),
        })
        .map(|a| {
            a.rows
                .iter()
                .filter_map(|r| match r {
                    crate::annex::Row::Group { stt, written, .. } => Some((stt.clone(), written.clone())),
                    crate::annex::Row::Item { .. } => None,
                })
                .collect()
        })
        .unwrap_or_default();
    for t in &summary.tasks {
        if t.is_group {
            group = Some((t.stt.clone(), t.name.clone()));
            continue;
        }
        let mut task = TaskContext::from(t);
        task.nhom = group.as_ref().map(|(_, n)| n.clone()).unwrap_or_default();
        if task.dang_thuc_hien + task.chua_thuc_hien > 0 {
            let (stt, ten) = group.clone().unwrap_or_default();
            if by_group.last().is_none_or(|g| g.stt != stt || g.ten != ten) {
                by_group.push(TaskGroupContext {
                    ten_trong_cau: written.get(&stt).map_or_else(|| ten.to_lowercase(), |w| in_sentence(w)),
                    stt,
                    ten,
                    dang_thuc_hien: Vec::new(),
                    chua_thuc_hien: Vec::new(),
                });
            }
            let g = by_group.last_mut().expect("pushed above");
            if task.dang_thuc_hien > 0 {
                g.dang_thuc_hien.push(task.stt.clone());
            } else {
                g.chua_thuc_hien.push(task.stt.clone());
            }
        }
        tasks.push(task);
    }
    let (cap, area) = match dia_ban {
        Some(d) => level_of(d).unwrap_or_else(|| (String::new(), d.to_string())),
        None => level_of(co_quan).unwrap_or_default(),
    };
    let group_names: Vec<String> = summary.groups.iter().map(|g| in_sentence(&g.name)).collect();
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
                ten_trong_cau: in_sentence(&g.name),
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
        toan_dia_ban: if cap.is_empty() { "các cơ quan, đơn vị".into() } else { format!("toàn {cap}") },
        cap,
        dia_ban: area,
        cac_nhom: crate::content::join_vn(&group_names),
        nhom_nhiem_vu_chua_hoan_thanh: by_group,
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
    // `blank`: a unit's row, where a figure not entered stays empty (sums show 0).
    let cells = |figures: Option<&BTreeMap<String, u64>>, blank: bool| -> Map<String, Value> {
        let mut m = Map::new();
        if let Some(fig) = figures {
            for ind in inds {
                let text = match (&ind.ratio, fig.get(&ind.key)) {
                    (Some(r), _) => Summary::ratio(fig, r).map_or_else(|| "-".to_string(), |v| content::percent(v, 2)),
                    (None, None) if blank => String::new(),
                    (None, v) => content::number(*v.unwrap_or(&0) as f64, 0),
                };
                m.insert(format!("c_{}", ind.key), Value::String(text));
            }
        }
        m
    };
    let mut rows = Vec::new();
    for (g, group) in summary.groups.iter().enumerate() {
        let mut row = cells(Some(&group.subtotal), false);
        row.insert("stt".into(), crate::vn::roman(g as u32 + 1).into());
        row.insert("bold".into(), true.into());
        row.insert("don_vi".into(), group.name.clone().into());
        rows.push(Value::Object(row));
        for (u, unit) in group.units.iter().enumerate() {
            let mut row = cells(unit.figures.as_ref(), true);
            row.insert("stt".into(), (u + 1).to_string().into());
            row.insert("don_vi".into(), unit.name.clone().into());
            if let Some(note) = &unit.note {
                row.insert("ghi_chu".into(), note.clone().into());
            }
            rows.push(Value::Object(row));
        }
    }
    let mut total = cells(Some(&summary.total), false);
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
    // Each figure column needs room for its widest figure on one line (bold in the
    // totals): a figure is never broken. Its header's longest word is what it wants
    // beyond that; when the words do not all fit, each column gets the same share of what
    // it wants, and the words too long for their column break (`view::breakable`).
    let need: Vec<f64> = inds
        .iter()
        .map(|ind| {
            let key = format!("c_{}", ind.key);
            let figure =
                rows.iter().filter_map(|r| r.get(&key)).filter_map(Value::as_str).map(chars).fold(1.0, f64::max);
            figure * 2.1 + INSETS + 1.0
        })
        .collect();
    // (A header word counts for 14 characters at most: a longer one breaks anyway.)
    let want: Vec<f64> =
        labels.iter().zip(&need).map(|(l, &n)| (longest_word(l).min(14.0) * 2.0 + INSETS - n).max(0.0)).collect();
    let room = TEXT_WIDTH - stt - don_vi - ghi_chu - need.iter().sum::<f64>();
    let wanted: f64 = want.iter().sum();
    let share = if wanted > 0.0 { (room / wanted).clamp(0.0, 1.0) } else { 1.0 };
    let mut widths: Vec<f64> = need.iter().zip(&want).map(|(n, w)| n + w * share).collect();
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
    // The area the office governs, for `toàn xã` / `toàn tỉnh`: read from its name unless
    // the frame says it (`"dia_ban": "xã Kim Liên"`).
    let dia_ban = match frame.remove("dia_ban") {
        Some(Value::String(d)) if !d.trim().is_empty() => Some(d.trim().to_string()),
        None => None,
        Some(_) => {
            return Err(InputError {
                file: req.frame.to_path_buf(),
                problems: vec![data::Problem {
                    pointer: "/dia_ban".into(),
                    message: "cần chuỗi: địa bàn của cơ quan báo cáo, ví dụ \"xã Kim Liên\"".into(),
                }],
            }
            .into());
        }
    };
    let co_quan =
        frame.get("issuer").and_then(|i| i.get("full_name")).and_then(Value::as_str).unwrap_or_default().to_string();
    let ctx = context_in(summary, req.previous, &co_quan, with_annex, dia_ban.as_deref());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_and_area_from_the_office_name() {
        let l = |s: &str| level_of(s).map(|(c, a)| format!("{c}|{a}"));
        assert_eq!(l("Ủy ban nhân dân xã Kim Liên").as_deref(), Some("xã|xã Kim Liên"));
        assert_eq!(l("Ủy ban nhân dân huyện Ninh Giang").as_deref(), Some("huyện|huyện Ninh Giang"));
        assert_eq!(l("Ủy ban nhân dân Thành phố Cần Thơ").as_deref(), Some("thành phố|thành phố Cần Thơ"));
        assert_eq!(l("Ủy ban nhân dân thị xã Kỳ Anh").as_deref(), Some("thị xã|thị xã Kỳ Anh"));
        assert_eq!(l("Phòng Nội vụ"), None);
        assert_eq!(in_sentence("Cơ quan, đơn vị cấp xã"), "cơ quan, đơn vị cấp xã");
        assert_eq!(in_sentence("UBND các xã"), "UBND các xã");
    }
}
