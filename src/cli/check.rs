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
        let loaded = match load(path) {
            Ok(c) => c,
            Err(d) => {
                bad = true;
                report(path, &d);
                continue;
            }
        };
        eprint!("{}", loaded.notes);
        let scenario = &loaded.scenario;
        let reach = match crate::travel::reach_limited(
            &loaded.region,
            &scenario.travel,
            &scenario.limits,
        ) {
            Ok(r) => r,
            Err(e) => {
                bad = true;
                match e.diagnostics() {
                    Some(d) => report(path, d),
                    None => eprintln!("{}: {e}", path.display()),
                }
                continue;
            }
        };
        let b = loaded
            .region
            .baseline(&scenario.indicators, &scenario.day_care.township_kinds);
        let (covered, in_scope) = crate::plan::indicators::baseline_coverage(
            &loaded.region,
            &reach,
            scenario.day_care.scope,
            scenario.day_care.serving,
            scenario.day_care.capacity,
            scenario.day_care.data_capacity,
        );
        let coverage = (in_scope > 0.0).then(|| covered / in_scope);
        let unreachable: Vec<&crate::model::Village> = reach
            .unreachable_villages()
            .map(|v| &loaded.region.villages[v.get()])
            .collect();
        if args.json {
            json.push(serde_json::json!({
                "scenario": path,
                "name": loaded.scenario.name,
                "baseline": b,
                "coverage_today": coverage,
                "covered_elderly_today": covered,
                "elderly_in_scope": in_scope,
                "serving_types": scenario.day_care.serving,
                "unreachable_villages": unreachable.iter().map(|v| serde_json::json!({
                    "id": v.id, "name": v.name, "township": v.township, "elderly": v.elderly,
                })).collect::<Vec<_>>(),
            }));
        } else {
            super::print_out(&format!(
                "{}{}{}",
                baseline_text(&loaded.scenario, &b),
                coverage_text(&loaded.scenario, coverage, covered, in_scope),
                unreachable_text(&loaded.scenario, &unreachable)
            ))?;
        }
    }
    if args.json {
        super::print_out(&format!("{}\n", serde_json::to_string_pretty(&json)?))?;
    }
    Ok(if bad {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints every problem of `path`, then how many there were.
pub(super) fn report(path: &std::path::Path, d: &crate::error::Diagnostics) {
    eprint!("{d}");
    eprintln!(
        "{}: {} 处问题 / {} problem(s)",
        path.display(),
        d.len(),
        d.len()
    );
}

/// Today's day-care coverage: the elderly in scope within the circle of an existing serving
/// facility.
pub fn coverage_text(s: &Scenario, coverage: Option<f64>, covered: f64, total: f64) -> String {
    let share = coverage.map_or_else(|| "–".to_owned(), |c| format!("{:.1} %", 100.0 * c));
    // The population the share counts, named where it is not every village's elderly.
    let whom = match s.day_care.scope {
        crate::model::CoverageScope::All => "名老年人",
        crate::model::CoverageScope::Urban => "名城镇社区老年人",
    };
    format!(
        "  {:<24}{share:>10}  日间照料服务覆盖率（{:.0} 分钟，{}；{covered:.0} / {total:.0} {whom}）\n",
        "day-care coverage today",
        s.travel.minutes,
        s.day_care.serving.zh(),
    )
}

/// Villages that no existing facility or candidate reaches within the time limit.
pub fn unreachable_text(s: &Scenario, villages: &[&crate::model::Village]) -> String {
    if villages.is_empty() {
        return format!(
            "  every village reaches an existing or candidate site within {} minutes / 所有村/社区 {} 分钟内均有现有设施或候选点可达\n",
            s.travel.minutes, s.travel.minutes
        );
    }
    let elderly: u64 = villages.iter().map(|v| u64::from(v.elderly)).sum();
    let mut out = format!(
        "  {} villages ({} elderly) reach no existing or candidate site within {} minutes / {} 个村/社区（{} 名老年人）{} 分钟内无任何现有设施或候选点可达:\n",
        villages.len(),
        elderly,
        s.travel.minutes,
        villages.len(),
        elderly,
        s.travel.minutes
    );
    let names: Vec<String> = villages
        .iter()
        .take(10)
        .map(|v| format!("{} {}", v.township, v.name))
        .collect();
    out += &format!("    {}", names.join(", "));
    if villages.len() > 10 {
        out += &format!(" … (+{})", villages.len() - 10);
    }
    out.push('\n');
    out
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
    if b.other_units > 0 {
        row(
            &mut out,
            "other township units",
            &b.other_units.to_string(),
            "开发区、园区、农场等（不计入乡镇）",
        );
    }
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
        &format!("护理型床位占比（{}）", s.indicators.nursing_share.zh()),
    );
    row(
        &mut out,
        "nursing beds per 1000",
        &opt(b.nursing_per_1000, 1.0, ""),
        "每千名老年人护理型床位数",
    );
    row(
        &mut out,
        "public bed share",
        &opt(b.public_share, 100.0, " %"),
        "公益性床位占比",
    );
    out
}
