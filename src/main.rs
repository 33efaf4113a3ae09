//! The `yanglao` binary: parse the command line, run, print the error chain once.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = yanglao::cli::Cli::parse();
    match yanglao::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("yanglao: {err:#}");
            ExitCode::from(1)
        }
    }
}
