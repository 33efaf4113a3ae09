//! `yanglao check <scenario.toml>...`: validate scenarios and their data, report every
//! problem at once (exit code 2), or print each region's baseline.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::io::load;
use crate::model::{Baseline, Scenario};

/// Arguments of `yanglao check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario files to check.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Print the baseline as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut bad = false;
    let mut json = Vec::new();
    for path in &args.scenarios {
        match load(path) {
            Ok(c) => {
                let b = c.region.baseline();
                if args.json {
                    json.push(serde_json::json!({
                        "scenario": path,
                        "name": c.scenario.name,
                        "baseline": b,
                    }));
                } else {
                    print!("{}", baseline_text(&c.scenario, &b));
                }
            }
            Err(d) => {
                bad = true;
                eprint!("{d}");
                eprintln!(
                    "{}: {} 处问题 / {} problem(s)",
                    path.display(),
                    d.len(),
                    d.len()
                );
            }
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&json)?);
    }
    Ok(if bad {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The baseline as a short bilingual text block.
pub fn baseline_text(s: &Scenario, b: &Baseline) -> String {
    fn row(out: &mut String, en: &str, value: &str, zh: &str) {
        out.push_str(&format!("  {en:<24}{value:>10}  {zh}\n"));
    }
    let opt = |v: Option<f64>, scale: f64, unit: &str| {
        v.map_or_else(|| "–".to_owned(), |x| format!("{:.1}{unit}", x * scale))
    };
    let mut out = format!("{} ({})\n", s.name, s.path.display());
    row(&mut out, "villages", &b.villages.to_string(), "村/社区");
    row(&mut out, "townships", &b.townships.to_string(), "乡镇/街道");
    row(
        &mut out,
        "elderly (60+)",
        &b.elderly.to_string(),
        "老年人口",
    );
    for (kind, n) in &b.facilities_by_type {
        row(&mut out, kind.as_str(), &n.to_string(), kind.zh());
    }
    row(&mut out, "beds", &b.beds.to_string(), "床位");
    row(
        &mut out,
        "nursing beds",
        &b.nursing_beds.to_string(),
        "护理型床位",
    );
    row(
        &mut out,
        "candidate sites",
        &b.candidates.to_string(),
        "候选点",
    );
    row(
        &mut out,
        "beds per 1000 elderly",
        &opt(b.beds_per_1000, 1.0, ""),
        "每千名老年人床位数",
    );
    row(
        &mut out,
        "nursing share",
        &opt(b.nursing_share, 100.0, " %"),
        "护理型床位占比",
    );
    out
}
