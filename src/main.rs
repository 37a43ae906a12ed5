//! The `vanban` command: the library does the work and returns values; [`cli`] parses the
//! arguments, prints, and maps the outcome to the exit code (0 all done, 1 some items
//! failed, 2 could not start). `cli`, `cli_bench` and `help` belong to the binary only.

// The command modules name library items as `crate::…`.
use vanban::*;

mod cli;
mod cli_bench;
mod help;

fn main() -> std::process::ExitCode {
    cli::main()
}
