//! The command line: one module per subcommand, each with its clap `Args` and `run`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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

/// Runs a parsed command line and returns the process exit code.
///
/// Exit codes: 0 success, 1 a run failed, 2 bad input.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Solve(args) => solve::run(args),
        Command::Bench(args) => bench::run(args),
    }
}
