//! The `yanglao` binary: parse the command line, run, print the error chain once.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = yanglao::cli::Cli::parse();
    match yanglao::cli::run(cli) {
        Ok(code) => code,
        // The reader of stdout went away (`… | head`): nothing more to say.
        Err(err) if yanglao::cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // A closed standard error drops the message rather than panicking.
            let _ = writeln!(
                std::io::stderr(),
                "yanglao: {}",
                yanglao::cli::error_text(&err)
            );
            ExitCode::from(yanglao::cli::exit_code(&err))
        }
    }
}
