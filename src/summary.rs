//! Unit reports (báo cáo của đơn vị) and their summary (tổng hợp).
//!
//! Every unit sends one JSON file per period with its figures for the indicators the
//! plan counts (the list is data: `tong-hop.json`) and the status of the annex tasks it
//! was given. [`summarise`] checks them against the expected units and period and adds
//! them up; the workbook (`sheet::summary_workbook`) and the periodic report are both
//! written from the resulting [`Summary`], so they cannot disagree.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::annex::Row;
use crate::data::{self, InputError, Problem};
use crate::date::DateParts;
use crate::period::{Period, PeriodKind};

/// The name of the summary configuration looked for beside the reports.
pub const CONFIG_NAME: &str = "tong-hop.json";

/// An indicator (chỉ tiêu) counted by the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    /// Key used in the reports' `figures`.
    pub key: String,
    /// Column label.
    pub label: String,
    /// Header group (a merged header over consecutive indicators), if any.
    pub group: Option<String>,
    /// Đơn vị tính.
    pub unit: Option<String>,
    /// For a ratio: the keys of numerator and denominator (computed, never reported).
    pub ratio: Option<(String, String)>,
}

/// A group of expected units (`Cơ quan, đơn vị cấp huyện`, `UBND các xã, thị trấn`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitGroup {
    /// Group name.
    pub name: String,
    /// Units expected to report, in the order of the form.
    pub units: Vec<String>,
}

/// Signature lines of the form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Footer {
    /// `NGƯỜI LẬP BIỂU`.
    pub preparer: String,
    /// Name of the preparer.
    pub preparer_name: String,
    /// Head's title (`TRƯỞNG PHÒNG`).
    pub head: String,
    /// The title lines of the head's signature as printed: `head` alone, or with the
    /// authority lines (`TM. ỦY BAN NHÂN DÂN` / `KT. CHỦ TỊCH` / `PHÓ CHỦ TỊCH`).
    pub head_lines: Vec<String>,
    /// Head's name.
    pub head_name: String,
}

/// `tong-hop.json`: what to expect and how to title the form.
#[derive(Debug, Clone)]
pub struct SummaryConfig {
    /// The configuration file.
    pub path: PathBuf,
    /// Chủ quản line (caps), may be empty.
    pub issuer_parent: String,
    /// The office that sums up (caps).
    pub issuer_name: String,
    /// Địa danh of the date line.
    pub place: String,
    /// `Biểu số 01`.
    pub form_id: String,
    /// Title before the period (`Biểu tổng hợp kết quả …`).
    pub title: String,
    /// Indicators in column order.
    pub indicators: Vec<Indicator>,
    /// Expected units.
    pub groups: Vec<UnitGroup>,
    /// Signature lines.
    pub footer: Footer,
    /// The plan whose annex lists the tasks, resolved.
    pub plan: Option<crate::model::Document>,
    /// Which annex of the plan (id); the first when absent.
    pub annex: Option<String>,
    /// Hạn nộp: the last day a report of a period is on time, by period.
    pub deadlines: BTreeMap<Period, DateParts>,
}

/// Status of an annex task in a unit report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskStatus {
    /// Đã hoàn thành.
    Done,
    /// Đang thực hiện.
    InProgress,
    /// Chưa thực hiện.
    NotStarted,
}

impl TaskStatus {
    /// Parse `da_hoan_thanh` / `Đã hoàn thành` …
    pub fn parse(s: &str) -> Option<Self> {
        // NFC first: Unikey's "Unicode tổ hợp" types the same words decomposed; spaces typed
        // twice are one.
        match nfc(s).split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase().as_str() {
            "da_hoan_thanh" | "đã hoàn thành" => Some(Self::Done),
            "dang_thuc_hien" | "đang thực hiện" => Some(Self::InProgress),
            "chua_thuc_hien" | "chưa thực hiện" => Some(Self::NotStarted),
            _ => None,
        }
    }
}

/// One unit's report for one period, shape-checked.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitReport {
    /// The file it came from.
    pub file: PathBuf,
    /// Unit name (NFC).
    pub unit: String,
    /// Group as written by the unit, if any.
    pub group: Option<String>,
    /// Period.
    pub period: Period,
    /// Figures by indicator key.
    pub figures: BTreeMap<String, u64>,
    /// Task statuses by annex STT.
    pub tasks: BTreeMap<String, TaskStatus>,
    /// The day the unit sent it, as it says (`ngay_nop` in JSON, the `Ngày nộp` cell of a
    /// form); never taken from the file's dates.
    pub submitted: Option<DateParts>,
    /// What the input stage flagged without refusing the report (a figure not entered …),
    /// located as the other problems of its format (`/figures/van_ban`, `Biểu 01!D13`).
    pub warnings: Vec<Problem>,
}

/// Figures of a row: reported values by indicator key.
pub type Figures = BTreeMap<String, u64>;

/// A unit's line in the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    /// Unit name as in the configuration.
    pub name: String,
    /// Its figures; `None` when it did not report (or its report was refused). A figure
    /// the unit did not enter is absent (shown blank, never counted as 0).
    pub figures: Option<Figures>,
    /// Note for the form (`Thiếu báo cáo`, `Báo cáo không hợp lệ`).
    pub note: Option<String>,
    /// Task statuses it reported.
    pub tasks: BTreeMap<String, TaskStatus>,
    /// Its submission state for the period.
    pub state: Submission,
}

/// A unit's submission state for the period, per unit (never per batch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submission {
    /// Đã nộp: accepted, on time (or no deadline, or no date to judge by).
    Submitted {
        /// The day it says it was sent.
        date: Option<DateParts>,
    },
    /// Nộp muộn: accepted, sent after the deadline.
    Late {
        /// The day it was sent.
        date: DateParts,
        /// The deadline.
        deadline: DateParts,
    },
    /// Không hợp lệ: a report came but was refused.
    Invalid {
        /// Why (the first problem, and how many more).
        reason: String,
    },
    /// Chưa nộp: no report.
    Missing,
}

impl Submission {
    /// `Đã nộp`, `Nộp muộn`, `Không hợp lệ`, `Chưa nộp`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Submitted { .. } => "Đã nộp",
            Self::Late { .. } => "Nộp muộn",
            Self::Invalid { .. } => "Không hợp lệ",
            Self::Missing => "Chưa nộp",
        }
    }

    /// The day the report says it was sent.
    pub fn date(&self) -> Option<DateParts> {
        match self {
            Self::Submitted { date } => *date,
            Self::Late { date, .. } => Some(*date),
            _ => None,
        }
    }

    /// What the state needs said: the lateness, or the reason of a refusal.
    pub fn detail(&self) -> String {
        match self {
            Self::Late { date, deadline } => {
                let days = days_between(*deadline, *date);
                format!("muộn {days} ngày so với hạn {}", deadline.short())
            }
            Self::Invalid { reason } => reason.clone(),
            _ => String::new(),
        }
    }
}

/// Whole days from `a` to `b`.
fn days_between(a: DateParts, b: DateParts) -> i64 {
    crate::date::days_from_civil(b) - crate::date::days_from_civil(a)
}

/// A group with its units and subtotal.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSummary {
    /// Group name.
    pub name: String,
    /// Units in configuration order.
    pub units: Vec<UnitRow>,
    /// Sum over the units that reported.
    pub subtotal: Figures,
}

/// Task status counts across units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskSummary {
    /// STT in the annex.
    pub stt: String,
    /// Task text (`Nhiệm vụ` cell); for a group row the group heading.
    pub name: String,
    /// Is this a group heading row?
    pub is_group: bool,
    /// Units that reported it done.
    pub done: u32,
    /// … in progress.
    pub in_progress: u32,
    /// … not started.
    pub not_started: u32,
}

/// A problem found while summarising.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Is the report refused (error) or only flagged (warning)?
    pub error: bool,
    /// The file concerned (the configuration for missing units).
    pub file: PathBuf,
    /// JSON pointer.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pointer = if self.pointer.is_empty() { String::new() } else { format!("{}: ", self.pointer) };
        write!(f, "{}: {pointer}{}", self.file.display(), self.message)
    }
}

/// The summary of one period.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Configuration.
    pub config: SummaryConfig,
    /// The period summarised.
    pub period: Period,
    /// Groups, units, subtotals.
    pub groups: Vec<GroupSummary>,
    /// Grand total.
    pub total: Figures,
    /// Annex tasks with status counts (empty without a plan).
    pub tasks: Vec<TaskSummary>,
    /// Problems: errors (reports refused) and warnings (units missing …).
    pub diagnostics: Vec<Diagnostic>,
}

impl Summary {
    /// Units that reported, in form order.
    pub fn reported(&self) -> impl Iterator<Item = &UnitRow> {
        self.groups.iter().flat_map(|g| &g.units).filter(|u| u.figures.is_some())
    }

    /// Units expected but without a usable report.
    pub fn missing(&self) -> impl Iterator<Item = &UnitRow> {
        self.groups.iter().flat_map(|g| &g.units).filter(|u| u.figures.is_none())
    }

    /// Value of a ratio indicator over some figures, as a fraction; `None` when the
    /// denominator is 0 or either figure was not entered.
    pub fn ratio(figures: &Figures, ratio: &(String, String)) -> Option<f64> {
        let num = *figures.get(&ratio.0)? as f64;
        let den = *figures.get(&ratio.1)? as f64;
        (den > 0.0).then(|| num / den)
    }

    /// The raw indicators (not ratios) a unit's figures leave out: not entered.
    pub fn not_entered<'a>(&'a self, figures: &'a Figures) -> impl Iterator<Item = &'a Indicator> {
        not_entered(&self.config, figures)
    }
}

/// The raw indicators (not ratios) absent from `figures`: not entered by the unit.
pub fn not_entered<'a>(config: &'a SummaryConfig, figures: &'a Figures) -> impl Iterator<Item = &'a Indicator> {
    config.indicators.iter().filter(move |i| i.ratio.is_none() && !figures.contains_key(&i.key))
}

/// Flag what a JSON report leaves out without being refused: every raw indicator (a
/// warning at `/figures/<key>`; the value stays blank, never summed as 0), and `ngay_nop`
/// when its period has a deadline (lateness cannot be judged).
pub fn flag_not_entered(report: &mut UnitReport, config: &SummaryConfig) {
    let mut found: Vec<Problem> = not_entered(config, &report.figures)
        .map(|i| Problem { pointer: format!("/figures/{}", escape(&i.key)), message: not_entered_message(&i.label) })
        .collect();
    if report.submitted.is_none()
        && let Some(deadline) = config.deadlines.get(&report.period)
    {
        found.push(Problem { pointer: "/ngay_nop".into(), message: no_date_message(*deadline) });
    }
    report.warnings.extend(found);
}

/// The warning for a report without its submission day in a period with a deadline.
pub fn no_date_message(deadline: DateParts) -> String {
    format!("chưa ghi ngày nộp: không xét được nộp đúng hạn (hạn nộp {}); coi là đã nộp", deadline.short())
}

/// A refused report's reason in one line: its first problem, and how many more.
pub fn refusal_reason(e: &InputError) -> String {
    let Some(first) = e.problems.first() else { return String::new() };
    let first =
        if first.pointer.is_empty() { first.message.clone() } else { format!("{}: {}", first.pointer, first.message) };
    match e.problems.len() {
        1 => first,
        n => format!("{first} (và {} lỗi khác)", n - 1),
    }
}

/// The warning for a figure not entered.
pub fn not_entered_message(label: &str) -> String {
    format!("chưa nhập \"{label}\": để trống trong biểu tổng hợp, không cộng vào tổng (không phát sinh thì ghi 0)")
}

// ---------------------------------------------------------------------------------------
// Input formats.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(rename = "$schema")]
    _schema: Option<String>,
    issuer: RawIssuer,
    place: String,
    form_id: String,
    title: String,
    #[serde(default)]
    plan: Option<String>,
    #[serde(default)]
    annex: Option<String>,
    indicators: Vec<RawIndicator>,
    groups: Vec<RawGroup>,
    #[serde(default)]
    footer: Option<RawFooter>,
    #[serde(default)]
    han_nop: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIssuer {
    #[serde(default)]
    parent: Option<String>,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    key: String,
    label: String,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    ratio: Option<(String, String)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    name: String,
    units: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFooter {
    preparer: String,
    preparer_name: String,
    #[serde(default)]
    authority: Option<String>,
    #[serde(default)]
    on_behalf_of: Option<String>,
    #[serde(default)]
    ky_thay: Option<String>,
    #[serde(default)]
    thua_lenh: Option<String>,
    #[serde(default)]
    thua_uy_quyen: Option<String>,
    head: String,
    head_name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReport {
    #[serde(rename = "$schema")]
    _schema: Option<String>,
    unit: String,
    #[serde(default)]
    group: Option<String>,
    period: RawPeriod,
    figures: BTreeMap<String, u64>,
    #[serde(default)]
    tasks: BTreeMap<String, String>,
    #[serde(default)]
    ngay_nop: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    kind: PeriodKind,
    #[serde(default)]
    number: Option<u8>,
    year: i32,
}

fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().collect::<String>().trim().to_string()
}

/// Compare unit names: NFC, trimmed, case-insensitive, single spaces.
fn unit_key(s: &str) -> String {
    nfc(s).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Largest figure a unit may report. Every sum of a summary then stays far below 2^53, so
/// that each value is stored exactly in a workbook (Excel keeps numbers as doubles).
pub const MAX_FIGURE: u64 = 1_000_000_000_000;

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A name printed on one line: no control characters (line breaks included).
/// Longest name or label in the configuration, in characters: it goes into workbook cells
/// (an Excel cell holds at most 32,767), with room for what is written beside it.
pub const MAX_CELL_TEXT: usize = 32_000;

/// The name of the forms' hidden identity sheet (no form sheet may take it).
pub const IDENTITY_SHEET: &str = "vanban-dinh-danh";

/// Where a report says `pointer`: the JSON path, or for a filled form the identity sheet's
/// cell (unit `B4`, group `B5`, period `B6`, as `form` writes them).
fn located(r: &UnitReport, pointer: &str) -> String {
    let is_form = r.file.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"));
    match (is_form, pointer) {
        (true, "/unit") => format!("{IDENTITY_SHEET}!B4"),
        (true, "/group") => format!("{IDENTITY_SHEET}!B5"),
        (true, "/period") => format!("{IDENTITY_SHEET}!B6"),
        _ => pointer.to_string(),
    }
}

fn check_texts(push: &mut impl FnMut(String, String), base: &str, s: &str, pointer: &str) {
    let n = s.chars().count();
    if n > MAX_CELL_TEXT {
        push(
            format!("{base}{pointer}"),
            format!("quá dài ({n} ký tự; tối đa {MAX_CELL_TEXT} ký tự, một ô Excel không chứa hết)"),
        );
    }
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        let what = if c == '\n' {
            "xuống dòng".to_string()
        } else {
            format!("ký tự điều khiển U+{:04X}", c as u32)
        };
        push(format!("{base}{pointer}"), format!("có {what}; tên phải viết trên một dòng"));
    }
}

/// Find the configuration for a report folder: `tong-hop.json` in it or in one of its two
/// parents.
pub fn find_config(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().take(3).map(|d| d.join(CONFIG_NAME)).find(|p| p.is_file())
}

/// Read and check `tong-hop.json` (and the plan it names).
///
/// # Errors
/// [`InputError`] naming the file and JSON path of every problem.
pub fn load_config(path: &Path) -> Result<SummaryConfig, InputError> {
    let checked = data::read_checked::<RawConfig>(path)?;
    let mut problems = checked.problems;
    let Some(raw) = checked.value else {
        return Err(InputError { file: path.to_path_buf(), problems });
    };
    let mut plan_error = None;
    let mut push = |pointer: String, message: String| problems.push(Problem { pointer, message });
    check_texts(&mut push, "", &raw.issuer.name, "/issuer/name");
    if let Some(p) = &raw.issuer.parent {
        check_texts(&mut push, "", p, "/issuer/parent");
    }
    for (pointer, text) in [("/place", &raw.place), ("/form_id", &raw.form_id), ("/title", &raw.title)] {
        check_texts(&mut push, "", text, pointer);
    }
    if raw.form_id.trim().replace(" số ", " ").eq_ignore_ascii_case(IDENTITY_SHEET) {
        push(
            "/form_id".into(),
            format!(
                "\"{IDENTITY_SHEET}\" là tên trang định danh của biểu mẫu; chọn số hiệu biểu khác (ví dụ \"Biểu số 01\")"
            ),
        );
    }
    let mut indicators: Vec<Indicator> = Vec::new();
    for (i, r) in raw.indicators.iter().enumerate() {
        check_texts(&mut push, &format!("/indicators/{i}"), &r.key, "/key");
        check_texts(&mut push, &format!("/indicators/{i}"), &r.label, "/label");
        let key = nfc(&r.key);
        if key.is_empty() || indicators.iter().any(|x| x.key == key) {
            push(format!("/indicators/{i}/key"), format!("mã chỉ tiêu \"{key}\" trống hoặc bị trùng"));
        }
        indicators.push(Indicator {
            key,
            label: nfc(&r.label),
            group: r.group.as_deref().map(nfc),
            unit: r.unit.as_deref().map(nfc),
            ratio: r.ratio.as_ref().map(|(a, b)| (nfc(a), nfc(b))),
        });
    }
    for (i, ind) in indicators.iter().enumerate() {
        if let Some((a, b)) = &ind.ratio {
            for (side, k) in [a, b].into_iter().enumerate() {
                if !indicators.iter().any(|x| &x.key == k && x.ratio.is_none()) {
                    push(
                        format!("/indicators/{i}/ratio/{side}"),
                        format!("tỷ lệ dùng chỉ tiêu \"{k}\" không có (hoặc cũng là tỷ lệ)"),
                    );
                }
            }
        }
    }
    if indicators.is_empty() {
        push("/indicators".into(), "cần ít nhất một chỉ tiêu".into());
    }
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut groups = Vec::new();
    for (g, rg) in raw.groups.iter().enumerate() {
        check_texts(&mut push, &format!("/groups/{g}"), &rg.name, "/name");
        let mut units = Vec::new();
        for (u, name) in rg.units.iter().enumerate() {
            check_texts(&mut push, &format!("/groups/{g}/units"), name, &format!("/{u}"));
            if nfc(name).is_empty() {
                push(format!("/groups/{g}/units/{u}"), "tên đơn vị không được để trống".into());
            }
            let name = nfc(name);
            if let Some(prev) = seen.insert(unit_key(&name), rg.name.clone()) {
                push(format!("/groups/{g}/units/{u}"), format!("đơn vị \"{name}\" đã có trong nhóm \"{prev}\""));
            }
            units.push(name);
        }
        groups.push(UnitGroup { name: nfc(&rg.name), units });
    }
    if groups.iter().all(|g| g.units.is_empty()) {
        push("/groups".into(), "cần danh sách đơn vị phải báo cáo".into());
    }
    let mut deadlines = BTreeMap::new();
    for (k, v) in &raw.han_nop {
        let at = format!("/han_nop/{}", escape(k));
        match (Period::parse(k), DateParts::parse_day(v)) {
            (Some(p), Some(d)) => {
                deadlines.insert(p, d);
            }
            (None, _) => {
                push(at, format!("kỳ \"{k}\" không hợp lệ (ví dụ: quy-1-2022, 6-thang-2022, 9-thang-2022, nam-2022)"))
            }
            (_, None) => push(at, format!("hạn nộp \"{v}\" không phải là ngày dạng YYYY-MM-DD (ví dụ \"2022-04-05\")")),
        }
    }
    let mut at_plan = |message: String| problems.push(Problem { pointer: "/plan".into(), message });
    let plan = match &raw.plan {
        None => None,
        Some(p) if Path::new(p).is_absolute() => {
            at_plan("dùng đường dẫn tương đối tính từ tệp cấu hình".into());
            None
        }
        Some(p) => {
            let dir = path.parent().unwrap_or(Path::new("."));
            let plan_path = dir.join(p);
            if crate::fsio::is_regular_file(&plan_path) {
                match data::load(&plan_path) {
                    Ok(doc) => Some(doc),
                    Err(e) => {
                        let first = e.problems.first().map(|p| p.message.clone()).unwrap_or_default();
                        let n = e.problems.len();
                        at_plan(format!("kế hoạch \"{p}\" không dùng được ({n} lỗi, đầu tiên: {first})"));
                        plan_error = Some(e);
                        None
                    }
                }
            } else {
                let why = if plan_path.exists() {
                    "không phải tệp thông thường"
                } else {
                    "không tìm thấy tệp"
                };
                at_plan(format!("kế hoạch \"{p}\": {why} (đường dẫn tính từ thư mục của tệp cấu hình)"));
                None
            }
        }
    };
    if let (Some(doc), Some(id)) = (&plan, &raw.annex)
        && !doc.annexes.iter().any(|a| &a.id == id)
    {
        problems.push(Problem {
            pointer: "/annex".into(), message: format!("kế hoạch không có phụ lục \"{id}\"")
        });
    }
    // A plan with errors, in a configuration without any: report the plan's own, located.
    if let Some(e) = plan_error
        && problems.len() == 1
    {
        return Err(e);
    }
    // The head signs as in a document: the same authority rules (TM. / KT. …).
    let mut head_lines = Vec::new();
    if let Some(f) = &raw.footer {
        let signer = data::RawSigner {
            authority: f.authority.clone(),
            on_behalf_of: f.on_behalf_of.clone(),
            ky_thay: f.ky_thay.clone(),
            thua_lenh: f.thua_lenh.clone(),
            thua_uy_quyen: f.thua_uy_quyen.clone(),
            title: f.head.clone(),
            name: f.head_name.clone(),
        };
        match data::check_signer(path, "/footer", &signer) {
            Ok(s) => head_lines = s.title_lines(),
            Err(found) => problems.extend(found.into_iter().map(|p| Problem {
                pointer:
                    p.pointer.replace("/footer/title", "/footer/head").replace("/footer/name", "/footer/head_name"),
                message: p.message,
            })),
        }
    }
    if !problems.is_empty() {
        return Err(InputError { file: path.to_path_buf(), problems });
    }
    let footer = raw.footer.map(|f| Footer {
        preparer: nfc(&f.preparer),
        preparer_name: nfc(&f.preparer_name),
        head: nfc(&f.head),
        head_lines,
        head_name: nfc(&f.head_name),
    });
    Ok(SummaryConfig {
        path: path.to_path_buf(),
        issuer_parent: crate::vn::upper(&nfc(raw.issuer.parent.as_deref().unwrap_or(""))),
        issuer_name: crate::vn::upper(&nfc(&raw.issuer.name)),
        place: nfc(&raw.place),
        form_id: nfc(&raw.form_id),
        title: nfc(&raw.title),
        indicators,
        groups,
        footer: footer.unwrap_or_default(),
        plan,
        annex: raw.annex,
        deadlines,
    })
}

/// Read one unit report (shape only; [`summarise`] checks it against the configuration).
///
/// # Errors
/// [`InputError`] naming the file and JSON path.
pub fn load_report(path: &Path) -> Result<UnitReport, InputError> {
    let checked = data::read_checked::<RawReport>(path)?;
    let mut problems = checked.problems;
    let Some(raw) = checked.value else {
        return Err(InputError { file: path.to_path_buf(), problems });
    };
    let shape = problems.clone();
    let mut push = |pointer: String, message: String| {
        if !shape.iter().any(|p| pointer == p.pointer || pointer.starts_with(&format!("{}/", p.pointer))) {
            problems.push(Problem { pointer, message });
        }
    };
    let period =
        Period::new(raw.period.kind, raw.period.number, raw.period.year).filter(|p| (1945..=9999).contains(&p.year));
    if period.is_none() {
        push(
            "/period".into(),
            "kỳ báo cáo không hợp lệ (quý cần \"number\" từ 1 đến 4; các kỳ khác không có \"number\"; năm từ 1945 đến 9999)"
                .into(),
        );
    }
    let mut tasks = BTreeMap::new();
    for (stt, status) in &raw.tasks {
        let at = format!("/tasks/{}", escape(stt));
        match TaskStatus::parse(status) {
            Some(parsed) => {
                tasks.insert(stt.trim().to_string(), parsed);
            }
            None => push(
                at,
                format!(
                    "tình trạng \"{status}\" không hợp lệ (cần: da_hoan_thanh, dang_thuc_hien hoặc chua_thuc_hien)"
                ),
            ),
        }
    }
    check_texts(&mut push, "", &raw.unit, "/unit");
    if let Some(g) = &raw.group {
        check_texts(&mut push, "", g, "/group");
    }
    let unit = nfc(&raw.unit);
    if unit.is_empty() {
        push("/unit".into(), "không được để trống".into());
    }
    let submitted = match &raw.ngay_nop {
        None => None,
        Some(s) => {
            let d = DateParts::parse_day(s);
            if d.is_none() {
                push("/ngay_nop".into(), format!("\"{s}\" không phải là ngày dạng YYYY-MM-DD (ví dụ \"2022-04-05\")"));
            }
            d
        }
    };
    let mut figures = BTreeMap::new();
    for (k, v) in raw.figures {
        let at = format!("/figures/{}", escape(&k));
        check_texts(&mut push, "/figures", &k, &format!("/{}", escape(&k)));
        if v > MAX_FIGURE {
            push(
                at.clone(),
                format!("số liệu {v} quá lớn (tối đa {MAX_FIGURE}, để mọi tổng đều chính xác trong Excel)"),
            );
        }
        if figures.insert(nfc(&k), v).is_some() {
            push(at, format!("chỉ tiêu \"{}\" ghi hai lần (sau khi chuẩn hóa Unicode)", nfc(&k)));
        }
    }
    let problems = problems.into_iter().filter(|p| !p.message.is_empty()).collect::<Vec<_>>();
    match period {
        Some(period) if problems.is_empty() => Ok(UnitReport {
            file: path.to_path_buf(),
            unit,
            group: raw.group.as_deref().map(nfc),
            period,
            figures,
            tasks,
            submitted,
            warnings: Vec::new(),
        }),
        _ => Err(InputError { file: path.to_path_buf(), problems }),
    }
}

/// The reports of a folder: those that load, the units of those that do not with the reason,
/// and the errors of the latter.
pub type Loaded = (Vec<UnitReport>, Vec<(String, String)>, Vec<InputError>);

/// Every report of a folder: those that load, the units of those that do not with the
/// reason (their rows say `Báo cáo không hợp lệ`), and the errors of the latter.
///
/// # Errors
/// The folder cannot be read.
pub fn load_folder(dir: &Path) -> std::io::Result<Loaded> {
    let (mut reports, mut unreadable, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for file in report_files(dir)? {
        match load_report(&file) {
            Ok(r) => reports.push(r),
            Err(e) => {
                unreadable.extend(unit_of_unreadable(&file).map(|u| (u, refusal_reason(&e))));
                errors.push(e);
            }
        }
    }
    Ok((reports, unreadable, errors))
}

/// The place-and-date line of a form: `Ninh Giang, ngày 05 tháng 4 năm 2022`, or blanks for
/// the văn thư when the day is not given (`year` is then the period's).
pub fn date_line(place: &str, date: Option<crate::model::IssueDate>, year: i32) -> String {
    match date {
        Some(d) if d.day.is_some() => format!("{place}, {}", crate::vn::date_words(d.year, d.month, d.day)),
        _ => {
            let blank = crate::vn::NBSP.to_string().repeat(7);
            format!("{place}, ngày {blank} tháng {blank} năm {year}")
        }
    }
}

/// The unit named by a report file that could not be loaded, if it can be read at all.
pub fn unit_of_unreadable(path: &Path) -> Option<String> {
    let text = crate::fsio::read_text(path).ok()??;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value.get("unit")?.as_str().map(nfc)
}

/// The period most refused JSON reports give (read leniently): when every report of a folder
/// was refused and no period was asked for, the summary is still written for that period, so
/// that its `Tình trạng nộp` sheet lists who must send again.
pub fn period_of_refused(errors: &[InputError]) -> Option<Period> {
    let mut counts: BTreeMap<Period, usize> = BTreeMap::new();
    for e in errors {
        let Ok(Some(text)) = crate::fsio::read_text(&e.file) else { continue };
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        let Some(raw) = value.get("period").and_then(|p| serde_json::from_value::<RawPeriod>(p.clone()).ok()) else {
            continue;
        };
        if let Some(p) = Period::new(raw.kind, raw.number, raw.year).filter(|p| (1945..=9999).contains(&p.year)) {
            *counts.entry(p).or_default() += 1;
        }
    }
    let max = counts.values().copied().max()?;
    let top: Vec<Period> = counts.into_iter().filter(|(_, n)| *n == max).map(|(p, _)| p).collect();
    match top.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// The report files of a folder: every `*.json` except the configuration, sorted.
///
/// # Errors
/// The folder cannot be read.
pub fn report_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p.file_name().is_some_and(|n| n != CONFIG_NAME))
        .collect();
    files.sort();
    Ok(files)
}

/// Check the reports against the configuration and add them up.
///
/// `period`: the period to summarise; when `None`, the period most reports give (a tie is
/// an error, returned as a diagnostic with no summary).
///
/// # Errors
/// A list of diagnostics when no period can be chosen.
///
/// `unreadable`: units whose report file exists but could not be read, with the reason
/// (their rows say `Báo cáo không hợp lệ` rather than `Thiếu báo cáo`).
pub fn summarise(
    config: SummaryConfig,
    reports: Vec<UnitReport>,
    unreadable: &[(String, String)],
    period: Option<Period>,
) -> Result<Summary, Vec<Diagnostic>> {
    let period = match period {
        Some(p) => p,
        None => {
            let mut counts: BTreeMap<Period, usize> = BTreeMap::new();
            for r in &reports {
                *counts.entry(r.period).or_default() += 1;
            }
            let max = counts.values().copied().max().unwrap_or(0);
            let top: Vec<Period> = counts.iter().filter(|(_, n)| **n == max).map(|(p, _)| *p).collect();
            match top.as_slice() {
                [one] => *one,
                _ => {
                    let names: Vec<String> = top.iter().map(|p| format!("{p} ({})", p.slug())).collect();
                    return Err(vec![Diagnostic {
                        error: true,
                        file: config.path.clone(),
                        pointer: String::new(),
                        message: if names.is_empty() && !unreadable.is_empty() {
                            "mọi báo cáo đều bị từ chối, không xác định được kỳ tổng hợp; chọn kỳ bằng --period \
                             (ví dụ --period quy-1-2022) để vẫn ghi bảng Tình trạng nộp"
                                .into()
                        } else if names.is_empty() {
                            "không có báo cáo nào để tổng hợp".into()
                        } else {
                            format!("không xác định được kỳ tổng hợp: {}; chọn bằng --period", names.join(", "))
                        },
                    }]);
                }
            }
        }
    };
    if !reports.is_empty() && reports.iter().all(|r| r.period != period) {
        let mut found: Vec<Period> = reports.iter().map(|r| r.period).collect();
        found.sort();
        found.dedup();
        let names: Vec<String> = found.iter().map(|p| format!("{p} ({})", p.slug())).collect();
        return Err(vec![Diagnostic {
            error: true,
            file: config.path.clone(),
            pointer: String::new(),
            message: format!(
                "không có báo cáo nào của kỳ {period} ({}); các báo cáo trong thư mục thuộc kỳ: {}",
                period.slug(),
                names.join(", ")
            ),
        }]);
    }
    let mut diagnostics = Vec::new();
    let error = |d: &mut Vec<Diagnostic>, r: &UnitReport, pointer: &str, message: String| {
        d.push(Diagnostic { error: true, file: r.file.clone(), pointer: located(r, pointer), message })
    };
    let expected: HashMap<String, (usize, usize)> = config
        .groups
        .iter()
        .enumerate()
        .flat_map(|(g, grp)| grp.units.iter().enumerate().map(move |(u, name)| (unit_key(name), (g, u))))
        .collect();
    let task_stts: Option<Vec<String>> =
        plan_tasks(&config).map(|t| t.into_iter().filter(|t| !t.is_group).map(|t| t.stt).collect());
    let mut accepted: HashMap<(usize, usize), UnitReport> = HashMap::new();
    let mut refused: HashMap<(usize, usize), String> =
        unreadable.iter().filter_map(|(u, why)| expected.get(&unit_key(u)).map(|at| (*at, why.clone()))).collect();
    let mut first_file: HashMap<(usize, usize), PathBuf> = HashMap::new();
    for r in reports {
        let Some(&at) = expected.get(&unit_key(&r.unit)) else {
            error(
                &mut diagnostics,
                &r,
                "/unit",
                format!("đơn vị \"{}\" không có trong danh sách phải báo cáo ({})", r.unit, config.path.display()),
            );
            continue;
        };
        if r.period != period {
            error(&mut diagnostics, &r, "/period", format!("báo cáo {} lẫn vào kỳ tổng hợp {period}", r.period));
            continue;
        }
        if let Some(prev) = first_file.get(&at) {
            error(&mut diagnostics, &r, "/unit", format!("đơn vị \"{}\" đã báo cáo trong {}", r.unit, prev.display()));
            continue;
        }
        first_file.insert(at, r.file.clone());
        let first_error = diagnostics.len();
        let mut ok = true;
        let group_name = &config.groups[at.0].name;
        if let Some(g) = &r.group
            && unit_key(g) != unit_key(group_name)
        {
            error(&mut diagnostics, &r, "/group", format!("đơn vị thuộc nhóm \"{group_name}\", không phải \"{g}\""));
            ok = false;
        }
        for key in r.figures.keys() {
            match config.indicators.iter().find(|i| &i.key == key) {
                None => {
                    let keys: Vec<&str> =
                        config.indicators.iter().filter(|i| i.ratio.is_none()).map(|i| i.key.as_str()).collect();
                    error(
                        &mut diagnostics,
                        &r,
                        &format!("/figures/{key}"),
                        format!("chỉ tiêu \"{key}\" không có trong biểu (các chỉ tiêu: {})", keys.join(", ")),
                    );
                    ok = false;
                }
                Some(i) if i.ratio.is_some() => {
                    error(
                        &mut diagnostics,
                        &r,
                        &format!("/figures/{key}"),
                        format!("\"{key}\" là tỷ lệ, được tính từ tử số và mẫu số; không nhập"),
                    );
                    ok = false;
                }
                Some(_) => {}
            }
        }
        if let Some(stts) = &task_stts {
            for stt in r.tasks.keys() {
                if !stts.contains(stt) {
                    error(
                        &mut diagnostics,
                        &r,
                        &format!("/tasks/{stt}"),
                        format!("phụ lục của kế hoạch không có nhiệm vụ số {stt}"),
                    );
                    ok = false;
                }
            }
        }
        if ok {
            diagnostics.extend(r.warnings.iter().map(|w| Diagnostic {
                error: false,
                file: r.file.clone(),
                pointer: w.pointer.clone(),
                message: w.message.clone(),
            }));
            accepted.insert(at, r);
        } else {
            let found = &diagnostics[first_error..];
            let reason = refusal_reason(&InputError {
                file: r.file.clone(),
                problems: found
                    .iter()
                    .map(|d| Problem { pointer: d.pointer.clone(), message: d.message.clone() })
                    .collect(),
            });
            refused.insert(at, reason);
        }
    }
    let mut groups = Vec::new();
    let mut total = Figures::new();
    for (g, grp) in config.groups.iter().enumerate() {
        let mut units = Vec::new();
        let mut subtotal = Figures::new();
        for (u, name) in grp.units.iter().enumerate() {
            match accepted.remove(&(g, u)) {
                Some(r) => {
                    for (k, v) in &r.figures {
                        add(&mut subtotal, k, *v).map_err(|m| overflow(&config, &format!("/groups/{g}"), m))?;
                    }
                    let blank: Vec<String> = config
                        .indicators
                        .iter()
                        .enumerate()
                        .filter(|(_, i)| i.ratio.is_none() && !r.figures.contains_key(&i.key))
                        .map(|(c, _)| (c + 1).to_string())
                        .collect();
                    let state = match (r.submitted, config.deadlines.get(&period)) {
                        (Some(date), Some(deadline)) if date.key() > deadline.key() => {
                            Submission::Late { date, deadline: *deadline }
                        }
                        (date, _) => Submission::Submitted { date },
                    };
                    let mut notes = Vec::new();
                    if matches!(state, Submission::Late { .. }) {
                        notes.push("Nộp muộn".to_string());
                    }
                    if !blank.is_empty() {
                        notes.push(format!("Chưa nhập cột {}", blank.join(", ")));
                    }
                    let note = (!notes.is_empty()).then(|| notes.join("; "));
                    units.push(UnitRow { name: name.clone(), figures: Some(r.figures), note, tasks: r.tasks, state });
                }
                None => {
                    let why = refused.get(&(g, u));
                    let refused = why.is_some();
                    if !refused {
                        diagnostics.push(Diagnostic {
                            error: false,
                            file: config.path.clone(),
                            pointer: format!("/groups/{g}/units/{u}"),
                            message: format!("thiếu báo cáo {period} của \"{name}\""),
                        });
                    }
                    let note = if refused { "Báo cáo không hợp lệ" } else { "Thiếu báo cáo" };
                    let state = match why {
                        Some(reason) => Submission::Invalid { reason: reason.clone() },
                        None => Submission::Missing,
                    };
                    units.push(UnitRow {
                        name: name.clone(),
                        figures: None,
                        note: Some(note.into()),
                        tasks: BTreeMap::new(),
                        state,
                    });
                }
            }
        }
        for (k, v) in &subtotal {
            add(&mut total, k, *v).map_err(|m| overflow(&config, "", m))?;
        }
        groups.push(GroupSummary { name: grp.name.clone(), units, subtotal });
    }
    let mut tasks = plan_tasks(&config).unwrap_or_default();
    for t in tasks.iter_mut().filter(|t| !t.is_group) {
        for unit in groups.iter().flat_map(|g| &g.units) {
            match unit.tasks.get(&t.stt) {
                Some(TaskStatus::Done) => t.done += 1,
                Some(TaskStatus::InProgress) => t.in_progress += 1,
                Some(TaskStatus::NotStarted) => t.not_started += 1,
                None => {}
            }
        }
    }
    Ok(Summary { config, period, groups, total, tasks, diagnostics })
}

/// `figures[key] += value`, refused rather than wrapped or rounded: the result must stay
/// exact in a workbook (at most 2^53).
fn add(figures: &mut Figures, key: &str, value: u64) -> Result<(), String> {
    const EXACT: u64 = 1 << 53;
    let slot = figures.entry(key.to_string()).or_default();
    match slot.checked_add(value).filter(|s| *s <= EXACT) {
        Some(sum) => {
            *slot = sum;
            Ok(())
        }
        None => Err(format!("tổng của chỉ tiêu \"{key}\" vượt quá {EXACT}, không ghi chính xác được")),
    }
}

fn overflow(config: &SummaryConfig, pointer: &str, message: String) -> Vec<Diagnostic> {
    vec![Diagnostic { error: true, file: config.path.clone(), pointer: pointer.into(), message }]
}

/// The annex rows of the configured plan, with zero counts.
fn plan_tasks(config: &SummaryConfig) -> Option<Vec<TaskSummary>> {
    let doc = config.plan.as_ref()?;
    let annex = match &config.annex {
        Some(id) => doc.annexes.iter().find(|a| &a.id == id)?,
        None => doc.annexes.first()?,
    };
    let text_col = annex.columns.iter().position(|c| c.key != crate::annex::STT).unwrap_or(0);
    Some(
        annex
            .rows
            .iter()
            .map(|r| match r {
                Row::Group { stt, text, .. } => TaskSummary {
                    stt: stt.clone(),
                    name: text.clone(),
                    is_group: true,
                    done: 0,
                    in_progress: 0,
                    not_started: 0,
                },
                Row::Item { stt, cells, .. } => TaskSummary {
                    stt: stt.clone(),
                    name: cells.get(text_col).cloned().unwrap_or_default(),
                    is_group: false,
                    done: 0,
                    in_progress: 0,
                    not_started: 0,
                },
            })
            .collect(),
    )
}
