//! `yanglao solve lscp|mclp <scenario.toml> [--p N] [--json]`: the classic covering models
//! on a scenario's data, without the plan's rules. Existing day-care, station and
//! comprehensive sites are always open and count toward coverage.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use serde_json::json;

use crate::plan::day_care::coverage_problem;
use crate::solve::Status;
use crate::solve::coverage::CoverageOptions;

/// The model to solve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Model {
    /// Location set covering: the fewest new sites that serve every reachable elderly person
    /// (or the scenario's `day_care.coverage` share of them).
    Lscp,
    /// Maximal covering: at most `--p` new sites serving the most elderly.
    Mclp,
}

/// Arguments of `yanglao solve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which model.
    #[arg(value_enum)]
    pub model: Model,
    /// Scenario file.
    pub scenario: PathBuf,
    /// Number of new sites (MCLP).
    #[arg(long)]
    pub p: Option<u32>,
    /// Print JSON (the default output is already JSON; this flag is kept for scripts).
    #[arg(long)]
    pub json: bool,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let loaded = match crate::io::load(&args.scenario) {
        Ok(l) => l,
        Err(d) => {
            eprint!("{d}");
            return Ok(ExitCode::from(2));
        }
    };
    let (scenario, region) = (loaded.scenario, loaded.region);
    let start = Instant::now();
    let reach = crate::travel::reach(&region, &scenario.travel)?;
    let problem = coverage_problem(&region, &reach, scenario.day_care.scope);
    let total: f64 = problem.weight.iter().sum();
    let opts = CoverageOptions {
        seed: scenario.seed,
        max_sites: match args.model {
            Model::Mclp => Some(args.p.ok_or_else(|| anyhow::anyhow!("mclp needs --p N"))?),
            Model::Lscp => None,
        },
        ..CoverageOptions::default()
    };
    let curve = problem.curve(&opts);
    let (sol, feasible) = match args.model {
        Model::Mclp => (curve.with_budget(opts.max_sites.unwrap_or(0)), true),
        Model::Lscp => {
            let target = scenario
                .day_care
                .coverage
                .map_or(curve.reachable, |share| share * total);
            match curve.for_target(target) {
                Ok(s) => (s, true),
                Err(s) => (s, false),
            }
        }
    };
    let nf = region.facilities.len();
    let out = json!({
        "model": match args.model { Model::Lscp => "lscp", Model::Mclp => "mclp" },
        "p": args.p,
        "status": if feasible { sol.certificate.status } else { Status::Infeasible },
        "objective": sol.certificate.objective,
        "bound": sol.certificate.bound,
        "gap": sol.certificate.gap,
        "new_sites": sol.sites.len(),
        "covered_elderly": sol.covered,
        "total_elderly": total,
        "coverage": if total > 0.0 { sol.covered / total } else { 0.0 },
        "reachable_elderly": curve.reachable,
        "seed": scenario.seed,
        "sites": sol.sites.iter().map(|&c| region.candidates[c as usize].id.clone()).collect::<Vec<_>>(),
        "existing_sites": region.facilities[..nf].iter().filter(|f| f.kind.serves_day_care()).count(),
        "search": curve.stats,
        "time_s": start.elapsed().as_secs_f64(),
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(if feasible {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
