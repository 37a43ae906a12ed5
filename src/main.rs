//! The `vanban` command: argument parsing lives in [`vanban::cli`]; this only maps the
//! result to the process exit code (0 all done, 1 some items failed, 2 could not start).

fn main() -> std::process::ExitCode {
    vanban::cli::main()
}
