//! The runs of the commands as library calls that return values (outcomes, notes,
//! reports of items); the binary prints them and maps the [`Outcome`] to the exit code in
//! one place.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::batch::{self, BuildCache, Builder, ItemReport, Job};
use crate::content::Content;
use crate::fsio::ContentHash;
use crate::layout::Engine;
use crate::pipeline::ItemError;
use crate::renderer::{RenderOptions, Rendered};
use crate::summary::{self, Summary};
use crate::{data, export, output};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The run could not start (arguments, templates, fonts, destination): nothing was
    /// produced.
    CannotStart,
    /// The run went through; `failed` items failed (the others were written).
    Finished {
        /// How many items failed.
        failed: usize,
    },
}

impl Outcome {
    /// Every item succeeded.
    pub const SUCCESS: Self = Self::Finished { failed: 0 };

    /// The run went through with `failed` failed items.
    pub fn finished(failed: usize) -> Self {
        Self::Finished { failed }
    }
}

/// Why a run cannot start: the messages to show, each naming the file, folder or option.
#[derive(Debug)]
pub struct CannotStart(pub Vec<String>);

impl CannotStart {
    fn one(message: impl std::fmt::Display) -> Self {
        Self(vec![message.to_string()])
    }
}

/// A message about one input, in the order it arose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// An item was refused.
    Error(String),
    /// An item was flagged, not refused.
    Warning(String),
}

/// The summary of a report folder, with what was refused or flagged on the way.
pub struct Gathered {
    /// The summary.
    pub summary: Summary,
    /// Reports refused.
    pub failed: usize,
    /// Warnings.
    pub warnings: usize,
    /// The errors and warnings, in order.
    pub notes: Vec<Note>,
}

/// Load the configuration and the reports of `dir`, check and add them up.
///
/// # Errors
/// The period, folder or configuration is unusable, or the reports cannot be added up.
pub fn gather(dir: &Path, config: Option<&PathBuf>, period: Option<&str>) -> Result<Gathered, CannotStart> {
    let period = match period.map(|p| (p, crate::period::Period::parse(p))) {
        None => None,
        Some((_, Some(p))) => Some(p),
        Some((p, None)) => {
            return Err(CannotStart::one(format!(
                "--period \"{p}\" không hợp lệ (ví dụ: quy-1-2022, 6-thang-2022, 9-thang-2022, nam-2022)"
            )));
        }
    };
    if !dir.is_dir() {
        let why = if dir.exists() { "không phải thư mục" } else { "thư mục không tồn tại" };
        return Err(CannotStart::one(format!("{}: {why}", dir.display())));
    }
    let Some(config_path) = config.cloned().or_else(|| summary::find_config(dir)) else {
        return Err(CannotStart::one(format!(
            "không tìm thấy {} trong {} hoặc thư mục cha; chỉ rõ bằng --config",
            summary::CONFIG_NAME,
            dir.display()
        )));
    };
    let config = summary::load_config(&config_path).map_err(CannotStart::one)?;
    let ((reports, unreadable, errors), skipped) = crate::xlsx_input::load_folder(dir, &config).map_err(|e| {
        CannotStart::one(format!("{}: không đọc được thư mục ({})", dir.display(), crate::fsio::io_reason(&e)))
    })?;
    let mut failed = errors.len();
    // Every report refused: the period they give, so that the workbook is still written.
    let period = period.or_else(|| if reports.is_empty() { summary::period_of_refused(&errors) } else { None });
    let mut notes: Vec<Note> = errors.iter().map(|e| Note::Error(e.to_string())).collect();
    let summary = summary::summarise(config, reports, &unreadable, period).map_err(|diagnostics| {
        let mut all: Vec<String> = errors.iter().map(ToString::to_string).collect();
        all.extend(diagnostics.iter().map(ToString::to_string));
        CannotStart(all)
    })?;
    let mut warnings = skipped.len();
    notes.extend(skipped.into_iter().map(Note::Warning));
    for d in &summary.diagnostics {
        if d.error {
            failed += 1;
            notes.push(Note::Error(d.to_string()));
        } else {
            warnings += 1;
            notes.push(Note::Warning(d.to_string()));
        }
    }
    Ok(Gathered { summary, failed, warnings, notes })
}

/// The units of a summary by submission state (`Đã nộp`, `Nộp muộn`, `Không hợp lệ`,
/// `Chưa nộp`), states in order of first appearance; a late unit's name says when it sent
/// (`Phòng Tư pháp (nộp 08/04/2022, muộn 3 ngày)`).
pub fn submission_states(summary: &Summary) -> Vec<(&'static str, Vec<String>)> {
    let mut by_state: Vec<(&'static str, Vec<String>)> = Vec::new();
    for unit in summary.groups.iter().flat_map(|g| &g.units) {
        let state = crate::sheet::submission_state(unit);
        let name = match &unit.state {
            summary::Submission::Late { date, .. } => {
                format!("{} (nộp {}, {})", unit.name, date.short(), unit.state.detail())
            }
            _ => unit.name.clone(),
        };
        match by_state.iter_mut().find(|(s, _)| *s == state) {
            Some((_, names)) => names.push(name),
            None => by_state.push((state, vec![name])),
        }
    }
    by_state
}

/// The place-and-date line: from `--date`, or blanks for the văn thư.
///
/// # Errors
/// `date` is not a full `YYYY-MM-DD` day.
pub fn date_line(place: &str, date: Option<&str>, year: i32) -> Result<String, CannotStart> {
    let parsed = match date {
        None => None,
        Some(d) => match crate::date::parse_date(d) {
            Some(date) if date.day.is_some() => Some(date),
            _ => return Err(CannotStart::one(format!("--date \"{d}\" không phải là ngày dạng YYYY-MM-DD"))),
        },
    };
    Ok(summary::date_line(place, parsed, year))
}

/// The summary workbook of a gathered summary, written atomically to `output`.
///
/// # Errors
/// The workbook cannot be made or written.
pub fn write_summary(
    summary: &Summary,
    date_line: &str,
    output: &Path,
    time: export::CreationTime,
) -> Result<(), ItemError> {
    let bytes = crate::sheet::summary_workbook(summary, time, date_line)?;
    Ok(output::write_atomic(output, &bytes)?)
}

/// What [`write_report`] wrote.
pub struct ReportWritten {
    /// The laid-out report (pages, warnings).
    pub rendered: Rendered,
    /// The report's PDF (`bao-cao-<kỳ>.pdf`).
    pub pdf: PathBuf,
    /// The summary workbook beside it (`tong-hop-<kỳ>.xlsx`).
    pub xlsx: PathBuf,
}

/// The periodic report of a gathered summary: the document made from the frame and the
/// content template, laid out, and the summary workbook, both written into `out_dir`
/// under the names of [`crate::naming::report_paths`]. A panic fails this item only.
///
/// # Errors
/// The frame or template is unusable ([`ItemError::Input`], [`ItemError::Content`]: the
/// run cannot start), or laying out or writing fails.
pub fn write_report(
    engine: &Engine,
    content: &Content,
    summary: &Summary,
    request: &crate::report::ReportRequest<'_>,
    date_line: &str,
    out_dir: &Path,
    time: export::CreationTime,
) -> Result<ReportWritten, ItemError> {
    let (pdf, xlsx) = crate::naming::report_paths(&summary.period, out_dir);
    // The workbook first: a report that cannot be laid out still leaves the figures and
    // the submission list.
    crate::isolate(|| {
        let workbook = crate::sheet::summary_workbook(summary, time, date_line)?;
        output::write_atomic(&xlsx, &workbook)?;
        let doc = crate::report::build(summary, content, request)?;
        let options = RenderOptions { tracking_workbook: false, ..RenderOptions::default() }.with_time(time);
        let rendered = crate::render(engine, &doc, options)?;
        output::write_atomic(&pdf, &rendered.pdf)?;
        Ok(ReportWritten { rendered, pdf, xlsx })
    })
}

/// Check that no two inputs write the same PDF, before anything is written.
///
/// # Errors
/// The first collision.
pub fn check_render_outputs(inputs: &[PathBuf], out_dir: &Path) -> Result<(), CannotStart> {
    let mut seen = HashMap::new();
    for input in inputs {
        let out = crate::pdf_path(input, out_dir);
        if let Some(prev) = seen.insert(out.clone(), input.clone()) {
            return Err(CannotStart::one(format!(
                "{} và {} cùng ghi ra {}; đổi tên một tệp",
                prev.display(),
                input.display(),
                out.display()
            )));
        }
    }
    Ok(())
}

/// Load, render and write each input in turn; `on_item` sees each result as it comes.
/// Returns how many failed.
pub fn render_each(
    engine: &Engine,
    inputs: &[PathBuf],
    out_dir: &Path,
    options: RenderOptions,
    mut on_item: impl FnMut(&Path, Result<Rendered, ItemError>),
) -> usize {
    let mut failed = 0;
    for input in inputs {
        let result = crate::isolate(|| {
            let doc = data::load(input)?;
            let rendered = crate::render(engine, &doc, options)?;
            for (path, bytes) in rendered.files(input, out_dir) {
                output::write_atomic(&path, bytes)?;
            }
            Ok(rendered)
        });
        failed += usize::from(result.is_err());
        on_item(input, result);
    }
    failed
}

/// The jobs a data folder describes (the output folder left out).
///
/// # Errors
/// The folder cannot be read.
pub fn discover(dir: &Path, out_dir: &Path) -> Result<Vec<Job>, CannotStart> {
    let exclude = out_dir.canonicalize().ok();
    batch::discover(dir, exclude.as_deref()).map_err(|e| {
        CannotStart::one(format!("{}: không đọc được thư mục ({})", dir.display(), crate::fsio::io_reason(&e)))
    })
}

/// What `build` is asked to do.
pub struct BuildRequest<'a> {
    /// The data folder.
    pub dir: &'a Path,
    /// The output folder.
    pub output: &'a Path,
    /// Parallel workers (`None`: the machine's cores).
    pub jobs: Option<usize>,
    /// Rebuild unchanged items too.
    pub force: bool,
    /// Stop at the first failure.
    pub fail_fast: bool,
    /// Also write each annex as its own PDF.
    pub annex_separately: bool,
    /// The layout engine.
    pub engine: &'a Engine,
    /// The content templates.
    pub content: &'a Content,
}

/// How a build went.
#[derive(Debug, Default)]
pub struct BuildSummary {
    /// Items built or unchanged.
    pub ok: usize,
    /// Items failed, and inputs refused inside written jobs (a period's unit reports).
    pub failed: usize,
    /// Items unchanged (counted in `ok`).
    pub unchanged: usize,
    /// The build cache could not be saved.
    pub cache_error: Option<output::WriteError>,
}

/// Build every job into `request.output`, in parallel, skipping unchanged items;
/// `on_item` sees each item's report as it finishes (progress, machine-readable lines).
///
/// # Errors
/// Two jobs write the same file, or the output folder is unusable.
pub fn build(
    jobs: &[Job],
    request: &BuildRequest<'_>,
    mut on_item: impl FnMut(&ItemReport),
) -> Result<BuildSummary, CannotStart> {
    let time = export::CreationTime::from_env();
    let mut fp = ContentHash::default();
    fp.add("version", env!("CARGO_PKG_VERSION").as_bytes());
    fp.add("engine", &request.engine.fingerprint().to_le_bytes());
    fp.add("content", &request.content.fingerprint().to_le_bytes());
    fp.add("options", format!("{:?} {}", time, request.annex_separately).as_bytes());
    let builder = Builder {
        engine: request.engine,
        content: request.content,
        out: request.output.to_path_buf(),
        root: request.dir.to_path_buf(),
        time,
        force: request.force,
        fingerprint: fp.finish(),
        cache: BuildCache::load(request.output),
    };
    // Names never collide: checked before anything is written.
    let mut seen = HashMap::new();
    for job in jobs {
        for out in builder.fixed_outputs(job) {
            if let Some(prev) = seen.insert(out.clone(), job.input().to_path_buf()) {
                return Err(CannotStart::one(format!(
                    "{} và {} cùng ghi ra {}; đổi tên một tệp",
                    prev.display(),
                    job.input().display(),
                    out.display()
                )));
            }
        }
    }
    output::prepare_dir(request.output).map_err(CannotStart::one)?;
    let options = RenderOptions { annex_separately: request.annex_separately, ..RenderOptions::default() };
    let workers = crate::pipeline::worker_count(request.jobs).min(jobs.len().max(1));
    let stop = AtomicBool::new(false);
    let mut summary = BuildSummary::default();
    // The cache is saved as items finish (at most every half second, and at the end), so
    // that a killed build keeps what it built. Entries of jobs not yet reached stay as they
    // were; failed jobs lose theirs.
    let keys: HashSet<String> = jobs.iter().map(|j| j.key(request.dir)).collect();
    let mut cache = BuildCache {
        items: builder
            .cache
            .items
            .iter()
            .filter(|(k, _)| keys.contains(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    };
    let mut saved = Instant::now();
    let mut cache_error = None;
    let fail_fast = request.fail_fast;
    batch::run_parallel(
        jobs,
        workers,
        &stop,
        |job| {
            let result = builder.run(job, options);
            // Stop taking jobs at once, before the main thread has seen the failure.
            if fail_fast && (result.0.status == "failed" || !result.0.refused.is_empty()) {
                stop.store(true, Ordering::Relaxed);
            }
            result
        },
        |(report, key, entry)| {
            match report.status {
                "failed" => {
                    summary.failed += 1;
                    if fail_fast {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
                "unchanged" => {
                    summary.ok += 1;
                    summary.unchanged += 1;
                }
                _ => summary.ok += 1,
            }
            // Refused unit reports are failures of the run, though the job was written.
            if !report.refused.is_empty() {
                summary.failed += report.refused.len();
                if fail_fast {
                    stop.store(true, Ordering::Relaxed);
                }
            }
            match entry {
                Some(entry) => cache.items.insert(key, entry),
                None => cache.items.remove(&key),
            };
            if saved.elapsed().as_millis() >= 500 {
                saved = Instant::now();
                if let Err(e) = cache.save(request.output) {
                    cache_error = Some(e);
                }
            }
            on_item(&report);
        },
    );
    summary.cache_error = cache.save(request.output).err().or(cache_error);
    Ok(summary)
}
