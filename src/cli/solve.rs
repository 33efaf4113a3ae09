//! `yanglao solve lscp|mclp|pmedian|cpmp <scenario.toml> [--p N] [--json]`: the classic
//! covering and siting models on a scenario's data. The covering models are the plan's own
//! day-care model (the same serving types, scope, denominator and street, township and county
//! rules as `yanglao plan`), so the two commands agree on a scenario: `lscp` takes the
//! scenario's final-year coverage target (without one: every elderly person some site can
//! reach) and its objective counts new sites; `mclp --p N` allows N new sites (rule sites
//! included) and its objective counts elderly served.
//!
//! The siting models (`pmedian`, `cpmp`) choose `--p` bed sites among the existing
//! institutions (and facilities with beds) and the candidates that allow an institution, all
//! treated alike (none is forced open unless a decision requires it; excluded ones are left
//! out). Clients are the villages with elderly people; serving
//! a village from a site costs elderly × minutes, for every bed site within
//! [`SITING_MAX_MINUTES`] (wide on purpose: bed planning is county-wide, unlike the 15-minute
//! circle). Each village's row starts with its nearest bed sites (see [`SITING_NEAREST`]) and
//! the time of the next one; the solvers price the sites beyond the list at that time for
//! their bound and grow the rows the answer would leave (doubling the sites kept), so the
//! truncation never changes the answer or its certificate. A village with no site in reach
//! makes the model infeasible. For `cpmp`, a site holds its bed ceiling (`max_beds`,
//! else its current beds) and a village needs `elderly × growth × beds_per_1000 ÷ 1000` beds,
//! with the scenario's last `beds_per_1000` target and the growth to that year (without a
//! target: the region's current beds per 1000 elderly at the base year).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use serde_json::json;

/// The model to solve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Model {
    /// Location set covering: the fewest new sites that serve the scenario's final-year
    /// coverage share (without one: every elderly person some site can reach).
    Lscp,
    /// Maximal covering: at most `--p` new sites serving the most elderly.
    Mclp,
    /// p-median: `--p` bed sites with the least total elderly × minutes.
    Pmedian,
    /// Capacitated p-median: as `pmedian`, each village wholly served by one site whose bed
    /// ceiling holds the beds its villages need.
    Cpmp,
}

/// Nearest bed sites first kept per village by the siting models: at least this many, and
/// three times the sites per opened site when that is more, so that a village's nearest open
/// site is almost always among them (rows grow where it is not).
pub const SITING_NEAREST: usize = 30;

/// Longest trip, in minutes, the siting models consider.
pub const SITING_MAX_MINUTES: f64 = 120.0;

/// Arguments of `yanglao solve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which model.
    #[arg(value_enum)]
    pub model: Model,
    /// Scenario file.
    pub scenario: PathBuf,
    /// Number of new sites (mclp), or of sites to open (pmedian, cpmp); required by those.
    #[arg(long, required_if_eq_any([("model", "mclp"), ("model", "pmedian"), ("model", "cpmp")]))]
    pub p: Option<u32>,
    /// Print JSON (the default output is already JSON; this flag is kept for scripts).
    #[arg(long)]
    pub json: bool,
    /// A decisions CSV laid over the scenario's decisions (repeatable, the last one wins):
    /// required sites are forced open, excluded ones removed, as in `yanglao plan`.
    #[arg(long, value_name = "FILE")]
    pub decisions: Vec<PathBuf>,
    /// lscp, mclp: write the joint street, township and coverage program, when the run
    /// solved one, as JSON to FILE (for `tests/scripts/rules_cover_ilp.py`).
    #[arg(long, value_name = "FILE")]
    pub write_instance: Option<PathBuf>,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let loaded = match crate::io::load_with(&args.scenario, &args.decisions) {
        Ok(l) => l,
        Err(d) => {
            eprint!("{d}");
            return Ok(ExitCode::from(2));
        }
    };
    let scenario = loaded.scenario;
    let start = Instant::now();
    if matches!(args.model, Model::Pmedian | Model::Cpmp) {
        return run_siting(&args, &scenario, &loaded.region, start);
    }
    // Excluded candidates and dropped day-care sites leave the model; required candidates
    // are forced open by the day-care model itself.
    let region = scenario
        .decisions
        .apply(&loaded.region, scenario.day_care.serving);
    let model = crate::travel::model_without(
        &region,
        &scenario.travel,
        &crate::travel::NetworkOptions::default(),
        &|id| scenario.decisions.is_excluded(id),
    )?;
    let reach =
        crate::travel::reach_with(model.as_ref(), &region, &scenario.travel, &scenario.limits)?;
    // One model for `plan` and `solve`: the scenario's own day-care model (serving types,
    // scope, denominator, rules), with the coverage target (lscp) or the budget (mclp) set
    // from the command line as the plan would read them.
    let mut s = scenario.clone();
    s.day_care.curve = false;
    match args.model {
        Model::Mclp => {
            let p = args.p.ok_or_else(|| anyhow::anyhow!("mclp needs --p N"))?;
            s.day_care.coverage = None;
            for step in s.day_care.targets.values_mut() {
                step.coverage = None;
            }
            s.day_care.max_new = Some(p);
        }
        Model::Lscp => {
            // A site budget (`max_new`) stays: `plan` honours it too.
            let any_step = s.day_care.targets.values().any(|t| t.coverage.is_some());
            if s.day_care.coverage.is_none() && !any_step {
                // Without a target: every elderly person some site can reach.
                s.day_care.coverage = Some(1.0);
                s.day_care.exclude_unreachable = true;
            }
        }
        Model::Pmedian | Model::Cpmp => unreachable!("siting models returned above"),
    }
    let dc = crate::plan::day_care::plan(&s, &region, &reach);
    if let Some(path) = &args.write_instance {
        let Some(instance) = &dc.rules_cover else {
            return Err(super::BadInput(format!(
                "本次求解没有联合规则覆盖模型，未写出 {0} / no joint rules-and-coverage program was solved, {0} not written",
                path.display()
            ))
            .into());
        };
        std::fs::write(path, serde_json::to_string(instance)?)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }
    let objective = if dc.objective == crate::plan::day_care::Objective::NewSites {
        f64::from(dc.new_sites)
    } else {
        dc.covered_elderly
    };
    let feasible = !dc.status.is_missed();
    let nf = region.facilities.len();
    let out = json!({
        "model": match args.model {
            Model::Lscp => "lscp",
            Model::Mclp => "mclp",
            Model::Pmedian | Model::Cpmp => unreachable!("siting models returned above"),
        },
        "p": args.p,
        "status": dc.status,
        "objective_kind": dc.objective,
        "objective": objective,
        "bound": dc.bound,
        "gap": dc.gap,
        "new_sites": dc.new_sites,
        "covered_elderly": dc.covered_elderly,
        "total_elderly": dc.total_elderly,
        "coverage": dc.coverage,
        "target": dc.target,
        "goal": s.day_care.coverage_goal(),
        "reachable_elderly": dc.reachable_coverage * dc.total_elderly + 0.0,
        "unreachable_elderly": dc.unreachable_elderly,
        "seed": scenario.seed,
        "sites": dc.sites.iter().map(|site| site.id.clone()).collect::<Vec<_>>(),
        "upgrades": dc.upgrades.iter().map(|u| u.id.clone()).collect::<Vec<_>>(),
        "existing_sites": region.facilities[..nf].iter().filter(|f| scenario.day_care.serving.contains(f.kind)).count(),
        "shortfalls": dc.shortfalls,
        "search": dc.search,
        "time_s": start.elapsed().as_secs_f64(),
    });
    super::print_out(&format!("{}\n", serde_json::to_string_pretty(&out)?))?;
    Ok(if feasible {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `pmedian` and `cpmp` on the scenario's bed sites (see the module documentation).
fn run_siting(
    args: &Args,
    scenario: &crate::model::Scenario,
    region: &crate::model::Region,
    start: Instant,
) -> anyhow::Result<ExitCode> {
    use crate::model::Site;
    use crate::solve::cpmp::{CapacitatedOptions, CapacitatedProblem};
    use crate::solve::pmedian::{CostTable, Infeasibility, PMedianOptions, PMedianProblem};

    let name = if args.model == Model::Cpmp {
        "cpmp"
    } else {
        "pmedian"
    };
    let p = args
        .p
        .ok_or_else(|| anyhow::anyhow!("{name} needs --p N"))? as usize;
    // Decisions: every excluded site leaves the model, every required one is forced open.
    let verdict = |s: crate::model::SiteIdx| {
        scenario
            .decisions
            .get(region.site(s).id())
            .map(|d| d.verdict)
    };
    let sites: Vec<crate::model::SiteIdx> = crate::plan::beds::bed_sites(region)
        .into_iter()
        .filter(|&s| verdict(s) != Some(crate::model::decisions::Verdict::Excluded))
        .collect();
    let forced: Vec<u32> = (0..sites.len() as u32)
        .filter(|&k| verdict(sites[k as usize]) == Some(crate::model::decisions::Verdict::Required))
        .collect();
    if forced.len() > p {
        return Err(super::BadInput(format!(
            "必选的站点（{}）多于 --p {p} / more required sites ({}) than --p {p}",
            forced.len(),
            forced.len()
        ))
        .into());
    }
    let nearest = SITING_NEAREST.max((3 * sites.len()).div_ceil(p.max(1)));
    let clients: Vec<usize> = (0..region.villages.len())
        .filter(|&v| region.villages[v].elderly > 0)
        .collect();
    let mut rows = TravelRows {
        region,
        scenario,
        sites: &sites,
        clients: &clients,
        nearest,
    };
    let first = rows.rows_of(&(0..clients.len() as u32).collect::<Vec<_>>())?;
    let (lists, beyond): (Vec<_>, Vec<_>) = first.into_iter().map(|r| (r.links, r.beyond)).unzip();
    let costs = CostTable::truncated(sites.len(), &lists, &beyond)?;
    let total_elderly: f64 = clients
        .iter()
        .map(|&v| f64::from(region.villages[v].elderly))
        .sum();
    let capacity: Vec<f64> = sites
        .iter()
        .map(|&s| match region.site(s) {
            Site::Existing(f) => f64::from(f.max_beds.unwrap_or(f.beds)),
            Site::Candidate(c) => f64::from(c.max_beds.unwrap_or(0)),
        })
        .collect();
    let (year, beds_per_1000) = scenario
        .bed_targets
        .iter()
        .rev()
        .find_map(|(y, t)| t.beds_per_1000.map(|r| (*y, r.value)))
        .unwrap_or((
            scenario.base_year,
            region
                .baseline(&scenario.indicators, &scenario.day_care.township_kinds)
                .beds_per_1000
                .unwrap_or(0.0),
        ));
    let growth = scenario.growth_factor(year);
    let demand: Vec<f64> = clients
        .iter()
        .map(|&v| f64::from(region.villages[v].elderly) * growth * beds_per_1000 / 1000.0)
        .collect();
    let demand_beds: f64 = demand.iter().sum();
    let sol = if args.model == Model::Cpmp {
        let problem =
            CapacitatedProblem::new(costs, demand, capacity.clone(), p)?.with_forced(&forced);
        let opts = CapacitatedOptions {
            seed: scenario.seed,
            ..CapacitatedOptions::default()
        };
        problem.solve_with_rows(&opts, &mut rows)?
    } else {
        let opts = PMedianOptions {
            seed: scenario.seed,
            ..PMedianOptions::default()
        };
        PMedianProblem::new(costs, p)
            .with_forced(&forced)
            .solve_with_rows(&opts, &mut rows)?
    };
    let site_id = |k: u32| region.site(sites[k as usize]).id().to_owned();
    let unreachable: Vec<String> = match &sol.infeasible {
        Some(
            Infeasibility::Unreachable { clients: c } | Infeasibility::Oversized { clients: c },
        ) => c
            .iter()
            .map(|&i| region.villages[clients[i as usize]].id.clone())
            .collect(),
        _ => Vec::new(),
    };
    let c = sol.certificate;
    let mut out = json!({
        "model": name,
        "p": p,
        "status": c.status,
        "objective": c.objective,
        "objective_unit": "elderly × minutes",
        "bound": c.bound,
        "gap": c.gap,
        "mean_minutes": if total_elderly > 0.0 { c.objective / total_elderly } else { 0.0 },
        "sites": sol.sites.iter().map(|&k| site_id(k)).collect::<Vec<_>>(),
        "required_sites": forced.iter().map(|&k| site_id(k)).collect::<Vec<_>>(),
        "candidate_sites": sites.len(),
        "villages": clients.len(),
        "nearest": nearest,
        "max_minutes": SITING_MAX_MINUTES,
        "infeasible": sol.infeasible.as_ref().map(ToString::to_string),
        "villages_without_site": unreachable,
        "seed": scenario.seed,
        "search": sol.stats,
        "time_s": start.elapsed().as_secs_f64(),
    });
    if args.model == Model::Cpmp {
        let open_beds = sol
            .sites
            .iter()
            .fold(0.0, |sum, &k| sum + capacity[k as usize]);
        out["beds_per_1000"] = json!(beds_per_1000);
        out["demand_year"] = json!(year);
        out["demand_beds"] = json!(demand_beds);
        out["capacity_beds"] = json!(open_beds);
    }
    super::print_out(&format!("{}\n", serde_json::to_string_pretty(&out)?))?;
    Ok(if sol.infeasible.is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Cost rows of the siting models from the scenario's travel model: for each client village
/// its `nearest` bed sites within [`SITING_MAX_MINUTES`] at elderly × minutes, and the cost
/// of the next one as the least cost beyond the list (none when the list holds every site in
/// reach). Asked for longer rows, it doubles `nearest` and queries the travel model again.
struct TravelRows<'a> {
    region: &'a crate::model::Region,
    scenario: &'a crate::model::Scenario,
    sites: &'a [crate::model::SiteIdx],
    clients: &'a [usize],
    nearest: usize,
}

impl TravelRows<'_> {
    /// The rows of `asked` (indices into the clients) at the current `nearest`.
    fn rows_of(
        &self,
        asked: &[u32],
    ) -> Result<Vec<crate::solve::cost::Row>, crate::travel::TravelError> {
        use crate::model::VillageIdx;
        use crate::solve::cost::Row;
        let k = self.nearest;
        // One more than kept: its time is the least cost beyond the list.
        let reach = crate::travel::nearest_k_limited(
            self.region,
            &self.scenario.travel,
            self.sites,
            k.saturating_add(1),
            SITING_MAX_MINUTES,
            &self.scenario.limits,
        )?;
        let mut local = vec![u32::MAX; self.region.site_count()];
        for (j, s) in self.sites.iter().enumerate() {
            local[s.get()] = j as u32;
        }
        Ok(asked
            .iter()
            .map(|&i| {
                let v = self.clients[i as usize];
                let elderly = f64::from(self.region.villages[v].elderly);
                let list: Vec<(u32, f64)> = reach
                    .sites_of(VillageIdx(v as u32))
                    .iter()
                    .filter(|r| local[r.site.get()] != u32::MAX)
                    .map(|r| (local[r.site.get()], elderly * r.minutes))
                    .collect();
                match list.get(k) {
                    Some(&(_, next)) => Row {
                        links: list[..k].to_vec(),
                        beyond: next,
                    },
                    None => Row {
                        links: list,
                        beyond: f64::INFINITY,
                    },
                }
            })
            .collect())
    }
}

impl crate::solve::cost::RowSource for TravelRows<'_> {
    fn rows(
        &mut self,
        clients: &[u32],
    ) -> Result<Vec<crate::solve::cost::Row>, crate::solve::SolveError> {
        self.nearest = self.nearest.saturating_mul(2).min(self.sites.len());
        self.rows_of(clients)
            .map_err(|e| crate::solve::SolveError::Rows(e.to_string()))
    }
}
