//! The command line: one module per subcommand, each with its clap `Args` and `run`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Messages to standard error, like `eprint!` and `eprintln!`, but a closed standard error
// (`2>&1 | head`) drops the message instead of panicking. Defined before the subcommand
// modules so that their `eprint!` and `eprintln!` are these.
macro_rules! eprint {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($t)*);
    }};
}

macro_rules! eprintln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

pub mod batch;
pub mod bench;
mod bench_plan;
pub mod check;
pub mod plan;
pub mod solve;

/// Plans elderly day-care centres and nursing beds so that a county's 十四五 targets are met.
#[derive(Debug, Parser)]
#[command(name = "yanglao", version, about, long_about = None)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate scenarios and their data; print every problem at once, or a baseline.
    Check(check::Args),
    /// Plan scenarios and write their outputs (summary.json, CSVs).
    Plan(plan::Args),
    /// Run scenarios (files or folders) and their sweeps in parallel, with a comparison.
    Batch(batch::Args),
    /// Solve a classic model (lscp, mclp, pmedian, cpmp) on a scenario's data.
    Solve(solve::Args),
    /// Time the hot paths on generated data and print the figures (build with --release).
    Bench(bench::Args),
}

/// A problem with what the command line asks for (a font that is not one, an output folder
/// that is a file, no scenario files): exit code 2, like input data with problems.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// Writes `text` to standard output, returning the error instead of panicking when the
/// reader has gone (`yanglao plan --json … | head -c 100`): [`exit_code`] then ends the
/// process quietly.
pub fn print_out(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Checks that `out` can be an output folder: an existing folder, or a path whose first
/// existing ancestor is a folder. A file there is a [`BadInput`], found before any work.
pub fn check_out_folder(out: &std::path::Path) -> Result<(), BadInput> {
    let Some(existing) = out
        .ancestors()
        .find(|a| !a.as_os_str().is_empty() && std::fs::metadata(a).is_ok())
    else {
        return Ok(());
    };
    if std::fs::metadata(existing).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    Err(BadInput(format!(
        "--out {}：{} 是文件而不是文件夹 / --out {}: {} is a file, not a folder",
        out.display(),
        existing.display(),
        out.display(),
        existing.display()
    )))
}

/// Whether an error is a write to a pipe whose reader has closed it.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The exit code of a failed run: 2 when the command line or the inputs are at fault
/// ([`BadInput`] or [`crate::error::Error::Input`] in the chain), else 1.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    let bad = err.chain().any(|c| {
        c.is::<BadInput>()
            || c.downcast_ref::<crate::error::Error>()
                .is_some_and(|e| e.diagnostics().is_some())
    });
    if bad { 2 } else { 1 }
}

/// The error chain as one line, each cause once: a cause whose text the message already
/// holds (an I/O error that its wrapper quotes) is not repeated.
pub fn error_text(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.contains(text.as_str()) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// Runs a parsed command line and returns the process exit code.
///
/// Exit codes: 0 success, 1 a run failed, 2 bad input (the data, the scenario or the
/// command line).
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Solve(args) => solve::run(args),
        Command::Bench(args) => bench::run(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cause_is_printed_once() {
        let io = crate::error::Error::Io {
            path: "fonts/x.ttf".into(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        };
        let err = anyhow::Error::new(io).context("--font cannot be used");
        assert_eq!(
            error_text(&err),
            "--font cannot be used: fonts/x.ttf: no such file"
        );
        assert_eq!(exit_code(&err), 1);
        assert_eq!(exit_code(&anyhow::Error::new(BadInput("x".into()))), 2);
        let pipe = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(is_broken_pipe(&pipe));
    }
}
