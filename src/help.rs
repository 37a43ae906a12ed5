//! Vietnamese help and argument errors: clap's own texts ("Usage", "Print help", "the
//! following required arguments…") replaced, on every subcommand.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

const TEMPLATE: &str = "{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}";

/// The command with Vietnamese headings, help and version flags, recursively.
pub fn localise(cmd: Command) -> Command {
    let cmd = cmd
        .help_template(TEMPLATE)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading("Lệnh")
        .subcommand_value_name("LỆNH")
        .mut_args(|a| {
            if a.get_help_heading().is_some() {
                a
            } else if a.is_positional() {
                a.help_heading("Tham số")
            } else {
                a.help_heading("Tùy chọn")
            }
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("In hướng dẫn này")
                .help_heading("Tùy chọn"),
        );
    let cmd = if cmd.get_version().is_some() {
        cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("In phiên bản")
                .help_heading("Tùy chọn"),
        )
    } else {
        cmd
    };
    cmd.mut_subcommands(localise)
}

fn values(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect(),
        Some(ContextValue::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

/// The Vietnamese text of an argument error (without the usage).
pub fn message(e: &clap::Error) -> String {
    let arg = values(e, ContextKind::InvalidArg).join(", ");
    let value = values(e, ContextKind::InvalidValue).join(", ");
    let mut msg = match e.kind() {
        ErrorKind::MissingRequiredArgument => format!("thiếu tham số bắt buộc: {arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "thiếu lệnh (render, build, summary, report, bench, fonts, types)".to_string()
        }
        ErrorKind::UnknownArgument => format!("tham số không có: '{arg}'"),
        ErrorKind::InvalidSubcommand => {
            format!("không có lệnh '{}'", values(e, ContextKind::InvalidSubcommand).join(", "))
        }
        ErrorKind::InvalidValue => {
            let valid = values(e, ContextKind::ValidValue);
            let choose =
                if valid.is_empty() { String::new() } else { format!("; chọn một trong: {}", valid.join(", ")) };
            if value.is_empty() {
                format!("{arg} cần một giá trị{choose}")
            } else {
                format!("giá trị '{value}' không hợp lệ cho {arg}{choose}")
            }
        }
        ErrorKind::ValueValidation => {
            // The standard parsers' reasons are English: a number that is not one says so.
            let reason = match std::error::Error::source(e) {
                Some(s) if s.is::<std::num::ParseIntError>() => "cần một số nguyên không âm (ví dụ 4)".to_string(),
                Some(s) if s.is::<std::num::ParseFloatError>() => "cần một số".to_string(),
                Some(s) => s.to_string(),
                None => String::new(),
            };
            format!("giá trị '{value}' không hợp lệ cho {arg}: {reason}")
        }
        ErrorKind::ArgumentConflict => {
            format!("{arg} không dùng được cùng {}", values(e, ContextKind::PriorArg).join(", "))
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("số giá trị của {arg} không đúng")
        }
        ErrorKind::NoEquals => format!("{arg} cần dấu '=' trước giá trị"),
        ErrorKind::InvalidUtf8 => "tham số không phải văn bản UTF-8".to_string(),
        _ => format!("tham số không hợp lệ {arg}").trim_end().to_string(),
    };
    let suggested: Vec<String> =
        [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand, ContextKind::SuggestedValue]
            .into_iter()
            .flat_map(|k| values(e, k))
            .collect();
    if !suggested.is_empty() {
        msg.push_str(&format!(" (có phải ý là '{}'?)", suggested.join("', '")));
    }
    msg
}

/// Parse the process arguments with Vietnamese help and errors. Help and version are
/// printed and exit 0; an argument error is printed in Vietnamese and exits 2.
pub fn parse<T: clap::FromArgMatches + clap::CommandFactory>() -> T {
    let mut cmd = localise(T::command());
    let result = cmd.try_get_matches_from_mut(std::env::args_os()).and_then(|m| T::from_arg_matches(&m));
    match result {
        Ok(v) => v,
        Err(e) if e.kind() == ErrorKind::DisplayVersion => e.exit(),
        Err(e) if e.kind() == ErrorKind::DisplayHelp => {
            print!("{}", vietnamese(&e.render().to_string()));
            std::process::exit(0);
        }
        Err(e) => {
            let usage = vietnamese(&values(&e, ContextKind::Usage).join("").replace("Usage:", "Cách dùng:"));
            let mut text = format!("lỗi: {}\n", message(&e));
            if !usage.trim().is_empty() {
                text.push_str(&format!("\n{}\n", usage.trim_end()));
            }
            text.push_str("\nXem thêm: vanban --help, vanban <lệnh> --help\n");
            eprint!("{text}");
            std::process::exit(2);
        }
    }
}

/// The English words clap puts into rendered help and usage, in Vietnamese.
fn vietnamese(text: &str) -> String {
    text.replace("[OPTIONS]", "[TÙY CHỌN]")
        .replace("[default: ", "[mặc định: ")
        .replace("[env: ", "[biến môi trường: ")
        .replace("[possible values: ", "[giá trị: ")
        .replace("[aliases: ", "[tên khác: ")
}
