//! Command-line interface: clap definitions, then each subcommand calls the library.
//!
//! Exit codes (documented in `--help`): 0 every item produced; 1 the run finished but
//! some items failed (the others were written); 2 the run could not start (bad usage,
//! unreadable templates or fonts, an unusable output folder). Commands return an
//! [`Outcome`]; [`exit_code`] alone turns it into the exit code.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use crate::{Engine, EngineOptions, ItemError, Outcome, doctype, export, output};

const EXIT_HELP: &str = "Mã thoát (exit codes):
  0  mọi văn bản đều được tạo
  1  có văn bản lỗi (các văn bản khác vẫn được ghi)
  2  không chạy được (sai tham số, không đọc được mẫu/phông chữ, thư mục ghi ra không dùng được)";

/// vanban: văn bản hành chính theo Nghị định 30/2020/NĐ-CP, từ dữ liệu ra PDF.
#[derive(Debug, Parser)]
#[command(name = "vanban", version, after_help = EXIT_HELP)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Dàn trang văn bản (JSON) ra PDF: `vanban render ke-hoach.json -o out/`.
    Render(RenderArgs),
    /// Tổng hợp báo cáo của các đơn vị trong một thư mục ra tệp Excel:
    /// `vanban summary bao-cao/quy-1/ -o tong-hop.xlsx`.
    Summary(SummaryArgs),
    /// Viết báo cáo định kỳ (PDF) từ báo cáo của các đơn vị, kèm tệp Excel tổng hợp:
    /// `vanban report bao-cao/quy-1/ --template bao-cao-tuyen-truyen-cchc -o out/`.
    Report(ReportArgs),
    /// Tạo mọi văn bản một thư mục mô tả (kế hoạch, phụ lục, báo cáo, tệp Excel):
    /// `vanban build samples/ninh-giang-2022 -o out/`.
    Build(BuildArgs),
    /// Đo tốc độ và bộ nhớ khi tạo hàng loạt văn bản: `vanban bench --docs 200`.
    Bench(crate::cli_bench::BenchArgs),
    /// Liệt kê phông chữ dùng được (phông kèm theo và phông trong --font-path).
    Fonts(EngineArgs),
    /// Liệt kê 29 loại văn bản hành chính và chữ viết tắt (Phụ lục III).
    Types,
    /// Tạo biểu mẫu Excel cho từng đơn vị điền số liệu và gửi lại:
    /// `vanban form bao-cao/ -o bieu-mau/ --period quy-2-2022`.
    Form(FormArgs),
}

/// `vanban form`.
#[derive(Debug, Args)]
pub struct FormArgs {
    /// Thư mục có tong-hop.json (hoặc thư mục con của nó).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Tệp cấu hình (mặc định: tong-hop.json trong thư mục hoặc thư mục cha).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Kỳ báo cáo: quy-2-2022, 6-thang-2022, 9-thang-2022, nam-2022.
    #[arg(long, value_name = "KY")]
    pub period: String,
    /// Thư mục ghi biểu mẫu (mỗi đơn vị một tệp .xlsx).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Chỉ in lỗi.
    #[arg(short, long)]
    pub quiet: bool,
}

fn form(args: &FormArgs) -> Outcome {
    let Some(period) = crate::period::Period::parse(&args.period) else {
        error(format!(
            "--period \"{}\" không hợp lệ (ví dụ: quy-1-2022, 6-thang-2022, 9-thang-2022, nam-2022)",
            args.period
        ));
        return Outcome::CannotStart;
    };
    let Some(path) = args.config.clone().or_else(|| crate::summary::find_config(&args.dir)) else {
        error(format!("không tìm thấy {} trong {} hoặc thư mục cha", crate::summary::CONFIG_NAME, args.dir.display()));
        return Outcome::CannotStart;
    };
    let config = match crate::summary::load_config(&path) {
        Ok(c) => c,
        Err(e) => {
            error(e);
            return Outcome::CannotStart;
        }
    };
    if let Err(code) = prepare_output_dir(&args.output) {
        return code;
    }
    // One form that cannot be made or written never stops the others; each is listed.
    let (files, errors) = crate::form::write_forms(&config, period, &args.output);
    for e in &errors {
        error(e);
    }
    if !args.quiet {
        eprintln!("đã ghi {} biểu mẫu {period} vào {}", files.len(), args.output.display());
    }
    Outcome::finished(errors.len())
}

/// Options that shape the layout engine.
#[derive(Debug, Clone, Args)]
pub struct EngineArgs {
    /// Thư mục mẫu typst thay cho mẫu có sẵn (từng tệp cùng tên).
    #[arg(long, env = "VANBAN_TEMPLATES", value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Thêm phông chữ (tệp hoặc thư mục); dùng "Times New Roman" nếu tìm thấy.
    #[arg(long = "font-path", env = "VANBAN_FONT_PATH", value_name = "DIR", value_delimiter = ':')]
    pub font_paths: Vec<PathBuf>,
}

impl EngineArgs {
    fn options(&self) -> EngineOptions {
        EngineOptions { templates: self.templates.clone(), font_paths: self.font_paths.clone() }
    }
}

/// `vanban render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Tệp dữ liệu JSON của văn bản.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Thư mục ghi kết quả (`<tên tệp>.pdf`).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Engine options.
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Ghi thêm mỗi phụ lục thành một tệp PDF riêng (`<tên>.phu-luc-1.pdf` …).
    #[arg(long)]
    pub annex_separately: bool,
    /// Chỉ in lỗi.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `vanban summary`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// Where the reports are and which period.
    #[command(flatten)]
    pub reports: ReportsArgs,
    /// Tệp Excel ghi ra.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

/// `vanban report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Where the reports are and which period.
    #[command(flatten)]
    pub reports: ReportsArgs,
    /// Thư mục ghi kết quả (`bao-cao-<kỳ>.pdf`, `tong-hop-<kỳ>.xlsx`).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Mẫu nội dung (tên tệp .j2 không có đuôi), ví dụ bao-cao-tuyen-truyen-cchc.
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// Khung văn bản báo cáo (mặc định: bao-cao.json cạnh tong-hop.json).
    #[arg(long, value_name = "FILE")]
    pub frame: Option<PathBuf>,
    /// Báo cáo của kỳ trước, để so sánh.
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
    /// Số của báo cáo (bỏ trống: dự thảo, văn thư ghi số khi ban hành).
    #[arg(long, value_name = "N")]
    pub so: Option<u32>,
    /// Engine options.
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// Machine-readable output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    /// One JSON object per item on stdout.
    Json,
}

/// `vanban build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Thư mục dữ liệu (văn bản *.json; thư mục có tong-hop.json là báo cáo các kỳ).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Thư mục ghi kết quả (giữ cấu trúc thư mục của dữ liệu).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Số việc chạy song song (mặc định: số nhân CPU).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Tạo lại cả những văn bản không thay đổi.
    #[arg(long)]
    pub force: bool,
    /// Dừng ở lỗi đầu tiên.
    #[arg(long)]
    pub fail_fast: bool,
    /// In kết quả từng việc cho chương trình khác đọc (stdout).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub summary: Option<SummaryFormat>,
    /// Ghi thêm mỗi phụ lục thành một tệp PDF riêng.
    #[arg(long)]
    pub annex_separately: bool,
    /// Engine options.
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Chỉ in lỗi.
    #[arg(short, long)]
    pub quiet: bool,
}

/// The process exit code of a run: 0 every item produced, 1 the run finished but some items
/// failed (the others were written), 2 the run could not start. The only place that decides
/// it.
fn exit_code(outcome: Outcome) -> ExitCode {
    match outcome {
        Outcome::Finished { failed: 0 } => ExitCode::SUCCESS,
        Outcome::Finished { .. } => ExitCode::from(1),
        Outcome::CannotStart => ExitCode::from(2),
    }
}

/// Check the output folder before any work (exit 2 with one message naming it otherwise).
fn prepare_output_dir(dir: &std::path::Path) -> Result<(), Outcome> {
    output::prepare_dir(dir).map_err(|e| {
        error(e);
        Outcome::CannotStart
    })
}

/// Print why a run cannot start.
fn cannot(e: crate::run::CannotStart) -> Outcome {
    for m in e.0 {
        error(m);
    }
    Outcome::CannotStart
}

/// Parse the process arguments and run.
pub fn main() -> ExitCode {
    crate::install_panic_hook();
    let cli: Cli = crate::help::parse();
    exit_code(match cli.command {
        Command::Render(args) => render(&args),
        Command::Summary(args) => summary(&args),
        Command::Report(args) => report(&args),
        Command::Build(args) => build(&args),
        Command::Bench(args) => crate::cli_bench::run(&args),
        Command::Fonts(args) => fonts(&args),
        Command::Types => types(),
        Command::Form(args) => form(&args),
    })
}

/// Every unindented line of `text` with `kind: ` in front (one message per line);
/// indented lines continue the one above.
fn prefixed(kind: &str, text: &str) -> String {
    text.lines()
        .map(|l| if l.starts_with(' ') { l.to_string() } else { format!("{kind}: {l}") })
        .collect::<Vec<_>>()
        .join("\n")
}

fn error(msg: impl std::fmt::Display) {
    // Each unindented line is one error; indented lines continue the one above.
    let text = msg.to_string();
    let mut err = std::io::stderr().lock();
    for l in text.lines() {
        let prefix = if l.starts_with(' ') { "" } else { "lỗi: " };
        let _ = writeln!(err, "{prefix}{l}");
    }
}

/// Build the layout engine, or print why not (the run cannot start: exit 2).
fn start_engine(args: &EngineArgs) -> Result<Engine, Outcome> {
    let engine = Engine::new(&args.options()).map_err(|e| {
        error(e);
        Outcome::CannotStart
    })?;
    for w in engine.warnings() {
        eprintln!("cảnh báo: {w}");
    }
    Ok(engine)
}

/// Build the content-template environment, or print why not (exit 2).
fn start_content(args: &EngineArgs) -> Result<crate::content::Content, Outcome> {
    crate::content::Content::new(args.templates.as_deref()).map_err(|e| {
        error(e);
        Outcome::CannotStart
    })
}

fn render(args: &RenderArgs) -> Outcome {
    let started = Instant::now();
    // Names must not collide before anything is written.
    if let Err(e) = crate::run::check_render_outputs(&args.inputs, &args.output) {
        return cannot(e);
    }
    let engine = match start_engine(&args.engine) {
        Ok(e) => e,
        Err(code) => return code,
    };
    if let Err(code) = prepare_output_dir(&args.output) {
        return code;
    }
    let options = crate::RenderOptions { annex_separately: args.annex_separately, ..crate::RenderOptions::default() }
        .with_time(export::CreationTime::from_env());
    let mut ok = 0usize;
    let failed = crate::run::render_each(&engine, &args.inputs, &args.output, options, |input, result| match result {
        Ok(rendered) => {
            ok += 1;
            for w in &rendered.warnings {
                eprintln!("{}: {w}", input.display());
            }
            if !args.quiet {
                for (path, bytes) in rendered.files(input, &args.output) {
                    eprintln!("đã ghi {} ({} KB)", path.display(), bytes.len().div_ceil(1024));
                }
            }
        }
        Err(ItemError::Input(e)) => error(e),
        Err(e) => error(format!("{}: {e}", input.display())),
    });
    if !args.quiet {
        eprintln!("{ok} ok, {failed} failed in {:.2} s", started.elapsed().as_secs_f64());
    }
    Outcome::finished(failed)
}

/// Options shared by `summary` and `report`: where the unit reports are and which period.
#[derive(Debug, Clone, Args)]
pub struct ReportsArgs {
    /// Thư mục chứa báo cáo của các đơn vị (mỗi đơn vị một tệp JSON).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Tệp cấu hình (mặc định: tong-hop.json trong thư mục hoặc thư mục cha).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Kỳ tổng hợp: quy-1-2022, 6-thang-2022, 9-thang-2022, nam-2022 (mặc định: kỳ của đa số báo cáo).
    #[arg(long, value_name = "KY")]
    pub period: Option<String>,
    /// Ngày lập (YYYY-MM-DD); bỏ trống thì để chỗ trống cho văn thư ghi.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Coi mọi vấn đề (thiếu đơn vị, báo cáo lỗi) là thất bại: không ghi tệp, mã thoát 1.
    #[arg(long)]
    pub strict: bool,
    /// Chỉ in lỗi.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Gather a report folder (the library), printing every problem and, unless quiet, the
/// submission state of the units.
fn gather(
    dir: &std::path::Path,
    config: Option<&PathBuf>,
    period: Option<&str>,
    quiet: bool,
) -> Result<crate::run::Gathered, Outcome> {
    let gathered = crate::run::gather(dir, config, period).map_err(cannot)?;
    for note in &gathered.notes {
        match note {
            crate::run::Note::Error(e) => error(e),
            crate::run::Note::Warning(w) if !quiet => eprintln!("cảnh báo: {w}"),
            crate::run::Note::Warning(_) => {}
        }
    }
    if !quiet {
        // Per unit, never per batch: who sent, whose report was refused, who still owes one.
        let summary = &gathered.summary;
        for (state, names) in crate::run::submission_states(summary) {
            let list = if state == "Đã nộp" { String::new() } else { format!(": {}", names.join(", ")) };
            eprintln!("tình trạng nộp {}: {state} {} đơn vị{list}", summary.period, names.len());
        }
    }
    Ok(gathered)
}

/// The place-and-date line: from `--date`, or blanks for the văn thư.
fn date_line(place: &str, date: Option<&str>, year: i32) -> Result<String, Outcome> {
    crate::run::date_line(place, date, year).map_err(cannot)
}

fn summary(args: &SummaryArgs) -> Outcome {
    let started = Instant::now();
    let r = &args.reports;
    if !args.output.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
        error(format!("-o {}: tệp ghi ra là bảng tính Excel, cần đuôi .xlsx", args.output.display()));
        return Outcome::CannotStart;
    }
    if args.output.is_dir() {
        error(format!("-o {}: là một thư mục, cần tên tệp .xlsx", args.output.display()));
        return Outcome::CannotStart;
    }
    // The folder of the workbook is checked before any work (exit 2, one message).
    let folder = args.output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    if let Err(code) = prepare_output_dir(folder) {
        return code;
    }
    let crate::run::Gathered { summary, failed, warnings, .. } =
        match gather(&r.dir, r.config.as_ref(), r.period.as_deref(), r.quiet) {
            Ok(g) => g,
            Err(code) => return code,
        };
    let date_line = match date_line(&summary.config.place, r.date.as_deref(), summary.period.year) {
        Ok(l) => l,
        Err(code) => return code,
    };
    if r.strict && (failed > 0 || warnings > 0) {
        error(format!("--strict: có {failed} lỗi, {warnings} cảnh báo; không ghi {}", args.output.display()));
        return Outcome::finished(1);
    }
    let written = crate::run::write_summary(&summary, &date_line, &args.output, export::CreationTime::from_env());
    if let Err(e) = written {
        error(e);
        return Outcome::finished(1);
    }
    let ok = summary.reported().count();
    if !r.quiet {
        eprintln!(
            "đã ghi {} ({}: {ok} đơn vị báo cáo, {} thiếu)",
            args.output.display(),
            summary.period,
            summary.missing().count()
        );
        eprintln!("{ok} ok, {failed} failed in {:.2} s", started.elapsed().as_secs_f64());
    }
    Outcome::finished(failed)
}

fn report(args: &ReportArgs) -> Outcome {
    let started = Instant::now();
    let r = &args.reports;
    if let Err(code) = prepare_output_dir(&args.output) {
        return code;
    }
    let crate::run::Gathered { summary, mut failed, warnings, .. } =
        match gather(&r.dir, r.config.as_ref(), r.period.as_deref(), r.quiet) {
            Ok(g) => g,
            Err(code) => return code,
        };
    let previous = match &args.previous {
        None => None,
        Some(dir) => {
            let prev_period = summary.period.previous();
            match gather(dir, r.config.as_ref(), Some(&prev_period.slug()), true) {
                Ok(g) => {
                    failed += g.failed;
                    Some(g.summary)
                }
                Err(code) => return code,
            }
        }
    };
    let date_line = match date_line(&summary.config.place, r.date.as_deref(), summary.period.year) {
        Ok(l) => l,
        Err(code) => return code,
    };
    if r.strict && (failed > 0 || warnings > 0) {
        error(format!("--strict: có {failed} lỗi, {warnings} cảnh báo; không ghi báo cáo"));
        return Outcome::finished(1);
    }
    let frame = args.frame.clone().unwrap_or_else(|| {
        summary.config.path.parent().unwrap_or(std::path::Path::new(".")).join(crate::report::FRAME_NAME)
    });
    let content = match start_content(&args.engine) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let engine = match start_engine(&args.engine) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let request = crate::report::ReportRequest {
        frame: &frame,
        template: args.template.as_deref(),
        so: args.so,
        date: r.date.as_deref(),
        previous: previous.as_ref(),
    };
    let time = export::CreationTime::from_env();
    let result = crate::run::write_report(&engine, &content, &summary, &request, &date_line, &args.output, time);
    match result {
        Ok(crate::run::ReportWritten { rendered, pdf: pdf_path, xlsx: xlsx_path }) => {
            for w in &rendered.warnings {
                eprintln!("cảnh báo: {w}");
            }
            if !r.quiet {
                eprintln!("đã ghi {} ({} trang)", pdf_path.display(), rendered.layout.pages().len());
                eprintln!("đã ghi {}", xlsx_path.display());
                eprintln!(
                    "{} ok, {failed} failed in {:.2} s",
                    summary.reported().count(),
                    started.elapsed().as_secs_f64()
                );
            }
            Outcome::finished(failed)
        }
        Err(e) => {
            // A broken frame or template stops the only item of the run: it cannot start.
            let cannot = matches!(e, ItemError::Input(_) | ItemError::Content(_));
            match e {
                // Text of the frame or the configuration that does not fit: name both.
                ItemError::OffPage(_) | ItemError::Layout(_) | ItemError::Internal(_) => {
                    error(format!("{} ({}): {e}", frame.display(), summary.config.path.display()))
                }
                _ => error(e),
            }
            if cannot { Outcome::CannotStart } else { Outcome::finished(1) }
        }
    }
}

fn build(args: &BuildArgs) -> Outcome {
    use std::io::IsTerminal;

    let started = Instant::now();
    let jobs = match crate::run::discover(&args.dir, &args.output) {
        Ok(j) => j,
        Err(e) => return cannot(e),
    };
    let engine = match start_engine(&args.engine) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let content = match start_content(&args.engine) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let show_bar = !args.quiet && std::io::stderr().is_terminal();
    let bar = if show_bar {
        let bar = indicatif::ProgressBar::new(jobs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} · {per_sec} · còn {eta} · {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let request = crate::run::BuildRequest {
        dir: &args.dir,
        output: &args.output,
        jobs: args.jobs,
        force: args.force,
        fail_fast: args.fail_fast,
        annex_separately: args.annex_separately,
        engine: &engine,
        content: &content,
    };
    let result = crate::run::build(&jobs, &request, |report| {
        let line = match (&report.error, report.status) {
            (Some(e), _) => Some(prefixed("lỗi", e)),
            (None, "unchanged") if !args.quiet && bar.is_none() => Some(format!("không đổi {}", report.input)),
            (None, _) if !args.quiet && bar.is_none() => {
                Some(format!("đã tạo {} ({} ms): {}", report.input, report.duration_ms, report.outputs.join(", ")))
            }
            _ => None,
        };
        match (&bar, line) {
            (Some(bar), Some(l)) => bar.println(l),
            (None, Some(l)) => eprintln!("{l}"),
            _ => {}
        }
        // Refused unit reports are errors (printed also with -q); warnings only without it.
        let refused = report.refused.iter().map(|e| prefixed("lỗi", e));
        let warnings = report.warnings.iter().filter(|_| !args.quiet).map(|w| prefixed("cảnh báo", w));
        for l in refused.chain(warnings) {
            match &bar {
                Some(bar) => bar.println(l),
                None => eprintln!("{l}"),
            }
        }
        if let Some(bar) = &bar {
            bar.set_message(report.input.clone());
            bar.inc(1);
        }
        if args.summary == Some(SummaryFormat::Json) {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", serde_json::to_string(report).unwrap_or_default());
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let summary = match result {
        Ok(s) => s,
        Err(e) => return cannot(e),
    };
    if let Some(e) = summary.cache_error {
        error(e);
    }
    if !args.quiet {
        let unchanged = summary.unchanged;
        let note = if unchanged > 0 { format!(" ({unchanged} không đổi)") } else { String::new() };
        eprintln!("{} ok, {} failed in {:.2} s{note}", summary.ok, summary.failed, started.elapsed().as_secs_f64());
    }
    Outcome::finished(summary.failed)
}

fn fonts(args: &EngineArgs) -> Outcome {
    match Engine::new(&args.options()) {
        Ok(engine) => {
            let mut out = std::io::stdout().lock();
            for f in engine.fonts() {
                let _ = writeln!(out, "{}\t{}\t{}", f.family, f.variant, f.source);
            }
            let _ = writeln!(out, "# mẫu dùng phông: {}", engine.family());
            Outcome::SUCCESS
        }
        Err(e) => {
            error(e);
            Outcome::CannotStart
        }
    }
}

fn types() -> Outcome {
    let mut out = std::io::stdout().lock();
    for t in doctype::ALL {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}",
            t.slug,
            t.name,
            t.abbreviation.unwrap_or("-"),
            if t.is_supported() { "hỗ trợ" } else { "chưa hỗ trợ" }
        );
    }
    Outcome::SUCCESS
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
        crate::help::localise(super::Cli::command()).debug_assert();
    }
}
