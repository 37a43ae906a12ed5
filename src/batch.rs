//! The batch pipeline: everything a folder describes (plans with their annexes, the
//! reports and workbooks of every reporting period), built in parallel with per-item
//! isolation, atomic writes and content-hash incrementality.
//!
//! Folder convention (no manifest needed):
//! - every `*.json` document is rendered to `<out>/<same relative path>.pdf` (and `.xlsx`
//!   when it has annexes);
//! - a folder holding `tong-hop.json` is a reporting setup: each of its sub-folders with
//!   unit reports gives `<out>/<sub-folder>/tong-hop-<kỳ>.xlsx`, and, when `bao-cao.json`
//!   is there too, the report `bao-cao-<kỳ>.pdf`.
//!
//! Output names come from file and folder names, never from document data (a `Số` such as
//! `18/KH-UBND` cannot create a directory), and are checked for collisions before anything
//! is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use crate::content::Content;
use crate::{ItemError, RenderOptions, data, export, output, report, summary};

/// One unit of work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// A document file.
    Document {
        /// The JSON file.
        input: PathBuf,
        /// Output directory relative to the build output.
        rel: PathBuf,
    },
    /// A folder of unit reports for one period.
    Reports {
        /// The folder.
        dir: PathBuf,
        /// Output directory relative to the build output.
        rel: PathBuf,
        /// Its `tong-hop.json`.
        config: PathBuf,
    },
}

impl Job {
    /// The input path, for messages and `--summary json`.
    pub fn input(&self) -> &Path {
        match self {
            Self::Document { input, .. } => input,
            Self::Reports { dir, .. } => dir,
        }
    }

    /// Key of the job in the build cache (its input relative to the root).
    pub fn key(&self, root: &Path) -> String {
        self.input().strip_prefix(root).unwrap_or(self.input()).to_string_lossy().replace('\\', "/")
    }
}

/// Find the jobs of a folder (sorted, reproducible). `exclude` (the output folder, when it
/// is inside) is skipped.
///
/// # Errors
/// The folder cannot be read.
pub fn discover(root: &Path, exclude: Option<&Path>) -> std::io::Result<Vec<Job>> {
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    let skipped = |e: &walkdir::DirEntry| {
        e.depth() > 0 && (e.file_name().to_string_lossy().starts_with('.') || exclude.is_some_and(|x| x == e.path()))
    };
    let mut jobs = Vec::new();
    // Depth first in name order (reproducible); links are not followed into folders.
    let mut entries = walkdir::WalkDir::new(root).sort_by_file_name().into_iter().filter_entry(|e| !skipped(e));
    while let Some(entry) = entries.next() {
        let entry = entry?;
        let p = entry.path();
        if entry.file_type().is_dir() {
            // A folder with tong-hop.json: its subfolders are reporting periods, nothing deeper.
            let config = p.join(summary::CONFIG_NAME);
            if config.is_file() {
                entries.skip_current_dir();
                for e in sorted_entries(p)? {
                    let p = e.path();
                    if e.file_type()?.is_dir() && has_reports(&p) {
                        jobs.push(Job::Reports { rel: rel(&p), dir: p, config: config.clone() });
                    }
                }
            }
        } else if p.extension().is_some_and(|x| x == "json") && entry.depth() > 0 {
            let parent = p.parent().map(rel).unwrap_or_default();
            jobs.push(Job::Document { input: p.to_path_buf(), rel: parent });
        }
    }
    Ok(jobs)
}

/// A folder of unit reports: JSON reports or filled forms (`.xlsx`, `.xls`).
fn has_reports(dir: &Path) -> bool {
    summary::report_files(dir).is_ok_and(|f| !f.is_empty())
        || crate::xlsx_input::form_files(dir).is_ok_and(|f| !f.is_empty())
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<std::fs::DirEntry>> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    Ok(entries)
}

/// What a finished job reports.
#[derive(Debug, Clone, Serialize)]
pub struct ItemReport {
    /// The input.
    pub input: String,
    /// Files written (or kept, when unchanged).
    pub outputs: Vec<String>,
    /// `ok`, `unchanged` or `failed`.
    pub status: &'static str,
    /// Wall time of the job, in milliseconds.
    pub duration_ms: u64,
    /// The error, when failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Warnings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Inputs refused inside a job that was still written (a period's unit reports that
    /// are not summed): each one is a failure of the run (exit 1), printed as an error.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<String>,
}

/// The shared, read-only parts of a build.
pub struct Builder<'a> {
    /// Layout engine (one World for all jobs).
    pub engine: &'a crate::Engine,
    /// Content templates.
    pub content: &'a Content,
    /// Output folder.
    pub out: PathBuf,
    /// Root of the inputs.
    pub root: PathBuf,
    /// PDF/XLSX creation time.
    pub time: export::CreationTime,
    /// Rebuild even when unchanged.
    pub force: bool,
    /// Fingerprint of templates, fonts, tool version and options.
    pub fingerprint: u128,
    /// Cache of the previous build.
    pub cache: BuildCache,
}

/// `<out>/.vanban-build.json`: the content hash and outputs of every job last built.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BuildCache {
    /// By job key.
    pub items: BTreeMap<String, CacheEntry>,
}

/// One job in the cache.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CacheEntry {
    /// Content hash of inputs + fingerprint, hex.
    pub hash: String,
    /// Outputs written.
    pub outputs: Vec<String>,
}

/// The cache file name inside the output folder.
pub const CACHE_NAME: &str = ".vanban-build.json";

impl BuildCache {
    /// Read the cache of an output folder (empty when absent or unreadable).
    pub fn load(out: &Path) -> Self {
        crate::fsio::read_limited(&out.join(CACHE_NAME), 64 * crate::fsio::MAX_INPUT_BYTES)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Write it atomically.
    ///
    /// # Errors
    /// [`output::WriteError`].
    pub fn save(&self, out: &Path) -> Result<(), output::WriteError> {
        let bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        output::write_atomic(&out.join(CACHE_NAME), &bytes)
    }
}

pub use crate::fsio::ContentHash;

impl Builder<'_> {
    /// The content hash of a job's inputs, with the build fingerprint.
    pub fn job_hash(&self, job: &Job) -> u128 {
        let mut h = ContentHash::default();
        h.add("fingerprint", &self.fingerprint.to_le_bytes());
        match job {
            Job::Document { input, .. } => {
                h.add_file(input);
                for extra in referenced_files(input) {
                    h.add_file(&extra);
                }
            }
            Job::Reports { dir, config, .. } => {
                h.add_file(config);
                for extra in referenced_files(config) {
                    h.add_file(&extra);
                }
                let frame = config.parent().unwrap_or(Path::new(".")).join(report::FRAME_NAME);
                h.add_file(&frame);
                for f in summary::report_files(dir).unwrap_or_default() {
                    h.add_file(&f);
                }
                for f in crate::xlsx_input::form_files(dir).unwrap_or_default() {
                    h.add_file(&f);
                }
            }
        }
        h.finish()
    }

    /// Predicted outputs of a job that do not depend on its data (for collisions).
    pub fn fixed_outputs(&self, job: &Job) -> Vec<PathBuf> {
        match job {
            Job::Document { input, rel } => vec![crate::naming::pdf_path(input, &self.out.join(rel))],
            Job::Reports { rel, .. } => vec![self.out.join(rel)],
        }
    }

    /// Run one job: unchanged → skipped; else build and write atomically. Returns the
    /// report, the job's cache key and its new cache entry (none when it failed). A panic
    /// while building fails this job only.
    pub fn run(&self, job: &Job, options: RenderOptions) -> (ItemReport, String, Option<CacheEntry>) {
        let started = std::time::Instant::now();
        let key = job.key(&self.root);
        let hash = format!("{:032x}", self.job_hash(job));
        let input = job.input().display().to_string();
        if !self.force
            && let Some(entry) = self.cache.items.get(&key)
            && entry.hash == hash
            && entry.outputs.iter().all(|o| self.out.join(o).is_file())
        {
            let report = ItemReport {
                input,
                outputs: entry.outputs.iter().map(|o| self.out.join(o).display().to_string()).collect(),
                status: "unchanged",
                duration_ms: started.elapsed().as_millis() as u64,
                error: None,
                warnings: Vec::new(),
                refused: Vec::new(),
            };
            return (report, key, Some(entry.clone()));
        }
        let result = crate::isolate(|| match job {
            Job::Document { input, rel } => self.document(input, rel, options),
            Job::Reports { dir, rel, config } => self.reports(dir, rel, config),
        });
        // Memory stays flat over long batches: drop what typst memoised for this job.
        // (max age 1: entries unused by the last job go; measured flat RSS with 100 and 1,000
        // documents, and no throughput difference between ages 0 and 10.)
        typst::comemo::evict(1);
        let duration_ms = started.elapsed().as_millis() as u64;
        match result {
            Ok(Written { paths, mut warnings, refused }) => {
                let outputs: Vec<String> = paths
                    .iter()
                    .map(|p| p.strip_prefix(&self.out).unwrap_or(p).to_string_lossy().replace('\\', "/"))
                    .collect();
                warnings.extend(self.remove_stale(&key, &outputs));
                let report = ItemReport {
                    input,
                    outputs: paths.iter().map(|p| p.display().to_string()).collect(),
                    status: "ok",
                    duration_ms,
                    error: None,
                    warnings,
                    refused,
                };
                // A job with refused reports is redone (and its errors shown) on the next
                // build, never skipped as unchanged.
                let entry = report.refused.is_empty().then_some(CacheEntry { hash, outputs });
                (report, key, entry)
            }
            Err(e) => {
                let message = match &e {
                    ItemError::Input(_) => e.to_string(),
                    _ => format!("{input}: {e}"),
                };
                let report = ItemReport {
                    input,
                    outputs: Vec::new(),
                    status: "failed",
                    duration_ms,
                    error: Some(message),
                    warnings: Vec::new(),
                    refused: Vec::new(),
                };
                (report, key, None)
            }
        }
    }

    /// Remove what the last build of job `key` wrote and this one did not (an annex no
    /// longer filed separately, an annex deleted): stale files never sit beside the new
    /// ones. Only files the cache lists, inside the output folder (a plain relative path),
    /// that are regular files; a warning names each.
    fn remove_stale(&self, key: &str, outputs: &[String]) -> Vec<String> {
        let Some(old) = self.cache.items.get(key) else { return Vec::new() };
        let mut notes = Vec::new();
        for o in old.outputs.iter().filter(|o| !outputs.contains(o)) {
            let rel = Path::new(o);
            if !rel.components().all(|c| matches!(c, std::path::Component::Normal(_))) {
                continue;
            }
            let path = self.out.join(rel);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) && std::fs::remove_file(&path).is_ok() {
                notes.push(format!("{}: đã xóa, lần dựng trước tạo ra nhưng lần này không còn", path.display()));
            }
        }
        notes
    }

    fn document(&self, input: &Path, rel: &Path, options: RenderOptions) -> Result<Written, ItemError> {
        let doc = data::load(input)?;
        let rendered = crate::render(self.engine, &doc, options.with_time(self.time))?;
        let files = rendered.files(input, &self.out.join(rel));
        for (path, bytes) in &files {
            output::write_atomic(path, bytes)?;
        }
        Ok(Written {
            paths: files.into_iter().map(|(p, _)| p).collect(),
            warnings: rendered.warnings,
            refused: Vec::new(),
        })
    }

    fn reports(&self, dir: &Path, rel: &Path, config: &Path) -> Result<Written, ItemError> {
        let cfg = match summary::load_config(config) {
            Ok(cfg) => cfg,
            Err(e) => {
                // One configuration serves every period folder beside it: its problems are
                // listed once, with the first folder; the others only point there.
                let first = first_reports_dir(config);
                return Err(match first {
                    Some(first) if first != dir => data::InputError {
                        file: config.to_path_buf(),
                        problems: vec![data::Problem {
                            pointer: String::new(),
                            message: format!("tệp cấu hình có lỗi, đã liệt kê cùng thư mục {}", first.display()),
                        }],
                    },
                    _ => e,
                }
                .into());
            }
        };
        let ((reports, unreadable, errors), skipped) =
            crate::xlsx_input::load_folder(dir, &cfg).map_err(|e| data::InputError {
                file: dir.to_path_buf(),
                problems: vec![data::Problem {
                    pointer: String::new(),
                    message: format!("không đọc được thư mục ({})", crate::fsio::io_reason(&e)),
                }],
            })?;
        let mut refused: Vec<String> = errors.iter().map(ToString::to_string).collect();
        // Every report refused: the period they give, so that the workbook is still written.
        let period = if reports.is_empty() { summary::period_of_refused(&errors) } else { None };
        let sum = summary::summarise(cfg, reports, &unreadable, period).map_err(|d| data::InputError {
            file: dir.to_path_buf(),
            problems: d.iter().map(|x| data::Problem { pointer: String::new(), message: x.to_string() }).collect(),
        })?;
        let mut warnings: Vec<String> = skipped;
        for d in &sum.diagnostics {
            if d.error { refused.push(d.to_string()) } else { warnings.push(d.to_string()) }
        }
        let out_dir = self.out.join(rel);
        let (pdf_path, xlsx_path) = crate::naming::report_paths(&sum.period, &out_dir);
        let date_line = summary::date_line(&sum.config.place, None, sum.period.year);
        let xlsx = crate::sheet::summary_workbook(&sum, self.time, &date_line)?;
        let mut written = Vec::new();
        let frame = config.parent().unwrap_or(Path::new(".")).join(report::FRAME_NAME);
        if frame.is_file() {
            let req = report::ReportRequest { frame: &frame, template: None, so: None, date: None, previous: None };
            let doc = report::build(&sum, self.content, &req)?;
            let options = RenderOptions { tracking_workbook: false, ..RenderOptions::default() }.with_time(self.time);
            let rendered = crate::render(self.engine, &doc, options)?;
            warnings.extend(rendered.warnings);
            output::write_atomic(&pdf_path, &rendered.pdf)?;
            written.push(pdf_path);
        }
        output::write_atomic(&xlsx_path, &xlsx)?;
        written.push(xlsx_path);
        Ok(Written { paths: written, warnings, refused })
    }
}

/// What a job wrote, with its warnings and the inputs it refused.
struct Written {
    paths: Vec<PathBuf>,
    warnings: Vec<String>,
    refused: Vec<String>,
}

/// The first (sorted) folder of unit reports beside a configuration, as [`discover`] finds it.
fn first_reports_dir(config: &Path) -> Option<PathBuf> {
    let dir = config.parent()?;
    sorted_entries(dir).ok()?.into_iter().map(|e| e.path()).find(|p| p.is_dir() && has_reports(p))
}

/// Files a document or configuration names (`body_file`, annexes' `rows_from`, `plan` and
/// the plan's own files),
/// so that a change there rebuilds the job.
fn referenced_files(json_path: &Path) -> Vec<PathBuf> {
    referenced_files_at(json_path, true)
}

/// `follow_plan`: only a configuration's `plan` is followed, once (a file naming itself
/// as its plan must not recurse).
fn referenced_files_at(json_path: &Path, follow_plan: bool) -> Vec<PathBuf> {
    let dir = json_path.parent().unwrap_or(Path::new("."));
    let Ok(Some(text)) = crate::fsio::read_text(json_path) else { return Vec::new() };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else { return Vec::new() };
    let mut out = Vec::new();
    if let Some(b) = value.get("body_file").and_then(|v| v.as_str()) {
        out.push(dir.join(b));
    }
    // Annex rows kept in a workbook: editing the workbook rebuilds the document.
    if let Some(annexes) = value.get("annexes").and_then(|v| v.as_array()) {
        for f in annexes.iter().filter_map(|a| a.get("rows_from")?.as_str()) {
            out.push(dir.join(f));
        }
    }
    if follow_plan && let Some(p) = value.get("plan").and_then(|v| v.as_str()) {
        let plan = dir.join(p);
        out.extend(referenced_files_at(&plan, false));
        out.push(plan);
    }
    out
}

/// Run `work` on every job with `workers` threads and hand each result, in completion
/// order, to `on_result` on the calling thread (progress, logs, summary lines).
///
/// Each worker runs inside its own one-thread rayon pool. typst lays out page runs and
/// krilla compresses streams on "the current" rayon pool; with the global pool shared by
/// all workers, a worker waiting for its own jobs runs or waits behind another worker's
/// (measured: 165 % CPU on 2 cores). With a pool per worker every document is laid out
/// on its worker's thread and both cores stay busy (186 %), see `vanban bench`.
///
/// Workers stop taking jobs once `stop` is set (by `work` or by `on_result`).
pub fn run_parallel<J, R, W, F>(jobs: &[J], workers: usize, stop: &AtomicBool, work: W, mut on_result: F)
where
    J: Sync,
    R: Send,
    W: Fn(&J) -> R + Sync,
    F: FnMut(R),
{
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel();
        for _ in 0..workers.max(1) {
            let tx = tx.clone();
            let (next, work) = (&next, &work);
            scope.spawn(move || {
                let take = || {
                    while !stop.load(Ordering::Relaxed) {
                        let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) else { break };
                        if tx.send(work(job)).is_err() {
                            break;
                        }
                    }
                };
                // Without a pool of its own (thread limit reached) the worker still works,
                // on the global pool.
                match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
                    Ok(pool) => pool.install(take),
                    Err(_) => take(),
                }
            });
        }
        drop(tx);
        for result in rx {
            on_result(result);
        }
    });
}
