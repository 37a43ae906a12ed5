//! Command-line interface: clap definitions, then each subcommand calls the library.
//!
//! Exit codes (documented in `--help`): 0 every item produced; 1 the run finished but
//! some items failed (the others were written); 2 the run could not start (bad usage,
//! unreadable templates or fonts, or the only input unusable).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use crate::{Engine, EngineOptions, ItemError, data, doctype, export, output};

const EXIT_HELP: &str = "Mã thoát (exit codes):
  0  mọi văn bản đều được tạo
  1  có văn bản lỗi (các văn bản khác vẫn được ghi)
  2  không chạy được (sai tham số, không đọc được mẫu/phông chữ, dữ liệu duy nhất bị lỗi)";

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
    /// Liệt kê phông chữ dùng được (phông kèm theo và phông trong --font-path).
    Fonts(EngineArgs),
    /// Liệt kê 29 loại văn bản hành chính và chữ viết tắt (Phụ lục III).
    Types,
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
    /// Thư mục chứa báo cáo của các đơn vị (mỗi đơn vị một tệp JSON).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Tệp Excel ghi ra.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Tệp cấu hình (mặc định: tong-hop.json trong thư mục hoặc thư mục cha).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Kỳ tổng hợp: quy-1-2022, 6-thang-2022, 9-thang-2022, nam-2022 (mặc định: kỳ của đa số báo cáo).
    #[arg(long, value_name = "KY")]
    pub period: Option<String>,
    /// Ngày lập biểu (YYYY-MM-DD); bỏ trống thì để chỗ trống cho văn thư ghi.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Coi mọi vấn đề (thiếu đơn vị, báo cáo lỗi) là thất bại: không ghi tệp, mã thoát 1.
    #[arg(long)]
    pub strict: bool,
    /// Chỉ in lỗi.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Parse the process arguments and run.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Render(args) => render(&args),
        Command::Summary(args) => summary(&args),
        Command::Fonts(args) => fonts(&args),
        Command::Types => types(),
    }
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

fn render(args: &RenderArgs) -> ExitCode {
    let started = Instant::now();
    // Names must not collide before anything is written.
    let mut seen = std::collections::HashMap::new();
    for input in &args.inputs {
        let out = crate::pdf_path(input, &args.output);
        if let Some(prev) = seen.insert(out.clone(), input.clone()) {
            error(format!("{} và {} cùng ghi ra {}; đổi tên một tệp", prev.display(), input.display(), out.display()));
            return ExitCode::from(2);
        }
    }
    let engine = match Engine::new(&args.engine.options()) {
        Ok(e) => e,
        Err(e) => {
            error(e);
            return ExitCode::from(2);
        }
    };
    let options =
        crate::RenderOptions { time: export::CreationTime::from_env(), annex_separately: args.annex_separately };
    let (mut ok, mut failed, mut input_failures) = (0usize, 0usize, 0usize);
    for input in &args.inputs {
        let result = data::load(input).map_err(ItemError::from).and_then(|doc| {
            let rendered = crate::render(&engine, &doc, options)?;
            for (path, bytes) in rendered.files(input, &args.output) {
                output::write_atomic(&path, bytes)?;
            }
            Ok(rendered)
        });
        match result {
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
            Err(e) => {
                failed += 1;
                if let ItemError::Input(e) = e {
                    input_failures += 1;
                    error(e);
                } else {
                    error(format!("{}: {e}", input.display()));
                }
            }
        }
    }
    if !args.quiet {
        eprintln!("{ok} ok, {failed} failed in {:.2} s", started.elapsed().as_secs_f64());
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else if ok == 0 && input_failures == failed {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

fn summary(args: &SummaryArgs) -> ExitCode {
    use crate::summary;
    let started = Instant::now();
    let period = match args.period.as_deref().map(|p| (p, crate::period::Period::parse(p))) {
        None => None,
        Some((_, Some(p))) => Some(p),
        Some((p, None)) => {
            error(format!("--period \"{p}\" không hợp lệ (ví dụ: quy-1-2022, 6-thang-2022, 9-thang-2022, nam-2022)"));
            return ExitCode::from(2);
        }
    };
    let Some(config_path) = args.config.clone().or_else(|| summary::find_config(&args.dir)) else {
        error(format!(
            "không tìm thấy {} trong {} hoặc thư mục cha; chỉ rõ bằng --config",
            summary::CONFIG_NAME,
            args.dir.display()
        ));
        return ExitCode::from(2);
    };
    let config = match summary::load_config(&config_path) {
        Ok(c) => c,
        Err(e) => {
            error(e);
            return ExitCode::from(2);
        }
    };
    let date_line = match args.date.as_deref() {
        None => None,
        Some(d) => match crate::data::parse_date(d) {
            Some(date) if date.day.is_some() => {
                Some(format!("{}, {}", config.place, crate::vn::date_words(date.year, date.month, date.day)))
            }
            _ => {
                error(format!("--date \"{d}\" không phải là ngày dạng YYYY-MM-DD"));
                return ExitCode::from(2);
            }
        },
    };
    let files = match summary::report_files(&args.dir) {
        Ok(f) => f,
        Err(e) => {
            error(format!("{}: không đọc được thư mục ({})", args.dir.display(), data::io_reason(&e)));
            return ExitCode::from(2);
        }
    };
    let mut reports = Vec::new();
    let mut unreadable = Vec::new();
    let mut failed = 0usize;
    for file in &files {
        match summary::load_report(file) {
            Ok(r) => reports.push(r),
            Err(e) => {
                failed += 1;
                unreadable.extend(summary::unit_of_unreadable(file));
                error(e);
            }
        }
    }
    let summary = match summary::summarise(config, reports, &unreadable, period) {
        Ok(s) => s,
        Err(diagnostics) => {
            for d in diagnostics {
                error(d);
            }
            return ExitCode::from(2);
        }
    };
    let mut warnings = 0usize;
    for d in &summary.diagnostics {
        if d.error {
            failed += 1;
            error(d);
        } else {
            warnings += 1;
            eprintln!("cảnh báo: {d}");
        }
    }
    let ok = summary.reported().count();
    if args.strict && (failed > 0 || warnings > 0) {
        error(format!("--strict: có {failed} lỗi, {warnings} cảnh báo; không ghi {}", args.output.display()));
        return ExitCode::from(1);
    }
    let date_line = date_line.unwrap_or_else(|| {
        let blank = crate::vn::NBSP.to_string().repeat(7);
        format!("{}, ngày {blank} tháng {blank} năm {}", summary.config.place, summary.period.year)
    });
    let bytes = match crate::sheet::summary_workbook(&summary, export::CreationTime::from_env(), &date_line) {
        Ok(b) => b,
        Err(e) => {
            error(e);
            return ExitCode::from(1);
        }
    };
    if let Err(e) = output::write_atomic(&args.output, &bytes) {
        error(e);
        return ExitCode::from(1);
    }
    if !args.quiet {
        eprintln!(
            "đã ghi {} ({}: {ok} đơn vị báo cáo, {} thiếu)",
            args.output.display(),
            summary.period,
            summary.missing().count()
        );
        eprintln!("{ok} ok, {failed} failed in {:.2} s", started.elapsed().as_secs_f64());
    }
    if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn fonts(args: &EngineArgs) -> ExitCode {
    match Engine::new(&args.options()) {
        Ok(engine) => {
            let mut out = std::io::stdout().lock();
            for f in engine.fonts() {
                let _ = writeln!(out, "{}\t{}\t{}", f.family, f.variant, f.source);
            }
            let _ = writeln!(out, "# mẫu dùng phông: {}", engine.family());
            ExitCode::SUCCESS
        }
        Err(e) => {
            error(e);
            ExitCode::from(2)
        }
    }
}

fn types() -> ExitCode {
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
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
