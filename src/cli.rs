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

/// Parse the process arguments and run.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Render(args) => render(&args),
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
