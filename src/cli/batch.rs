//! `yanglao batch <files or folders>... [-j N] [--out DIR] [--quiet] [--json]`: run many
//! scenarios, and every combination of each scenario's `[sweep]`, in parallel; write each
//! run's outputs and one comparison of all runs (`DIR/batch-summary/`).
//!
//! A run that fails is reported with its reason and the others complete; the exit code is 1
//! when any run failed. A run that planned but missed a target, or whose day-care or bed
//! part has no feasible answer, reads `missed`, never `ok`; the comparison shows the status
//! of each part (day care, beds) and whether its targets hold. Outputs do not depend on `-j`: runs are independent, seeded, and
//! collected in input order.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::model::{Region, Scenario};
use crate::plan::{self, Plan, PlanError};
use crate::report;

/// Arguments of `yanglao batch`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario files, or folders whose `*.toml` files are scenarios.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Folder that receives one output folder per run and `batch-summary/`.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Runs in parallel (default: one per core).
    #[arg(short = 'j', long)]
    pub jobs: Option<usize>,
    /// No progress and no per-run lines; errors only.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the comparison as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Labels and font of every run's reports and maps.
    #[command(flatten)]
    pub render: super::plan::RenderArgs,
}

/// One run's outcome, as the comparison lists it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RunOutcome {
    /// Run name (output folder).
    pub run: String,
    /// Scenario file.
    pub scenario: PathBuf,
    /// `ok` (planned, every target met, every part feasible), `missed` (planned, but a
    /// target is missed or a part has no feasible answer) or `failed` (no plan: see
    /// `reason`).
    pub status: &'static str,
    /// Why it failed.
    pub reason: Option<String>,
    /// Key figures when it succeeded.
    pub figures: Option<Figures>,
    /// Wall-clock seconds of the run.
    pub seconds: f64,
}

impl RunOutcome {
    /// The whole reason on one line (for a table cell), empty when there is none: its lines
    /// joined by `; `, or a space after a line that ends in a colon.
    fn reason_line(&self) -> String {
        let mut out = String::new();
        for line in self.reason.as_deref().unwrap_or("").lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push_str(if out.ends_with(':') { " " } else { "; " });
            }
            out.push_str(line);
        }
        out
    }
}

/// The figures the comparison shows side by side.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Figures {
    /// Scenario name.
    pub name: String,
    /// Villages.
    pub villages: usize,
    /// Elderly of every village (60+).
    pub elderly_total: f64,
    /// Elderly the coverage share counts (its denominator: in scope, less unreachable
    /// villages where the scenario excludes them).
    pub elderly_in_scope: f64,
    /// Time limit of the service circle.
    pub minutes: f64,
    /// Day-care status.
    pub day_care_status: crate::solve::Status,
    /// New day-care sites.
    pub new_sites: u32,
    /// Coverage before.
    pub coverage_before: f64,
    /// Coverage after.
    pub coverage: f64,
    /// Coverage target.
    pub coverage_target: Option<f64>,
    /// Day-care gap.
    pub day_care_gap: f64,
    /// Whether every day-care target (coverage, township share, per street, per county) of
    /// every year holds; `None` without any.
    pub day_care_targets_met: Option<bool>,
    /// Bed plan status.
    pub beds_status: Option<crate::solve::Status>,
    /// Bed plan cost, 万元.
    pub beds_cost_wan: Option<f64>,
    /// Day-care investment, 万元.
    pub day_care_cost_wan: f64,
    /// Whether every bed target of every year holds.
    pub bed_targets_met: Option<bool>,
    /// Indicator rows with a target that are met, of all rows with a target (every year).
    pub targets_met: (usize, usize),
    /// The scenario's total budget, 万元.
    pub budget_wan: Option<f64>,
    /// What the plan spends, day care and beds, 万元.
    pub spent_wan: f64,
    /// Spend above the budget, in all or in some year, 万元 (0 within it).
    pub overrun_wan: f64,
    /// Spend above the total budget, 万元 (0 within it or without one): `summary.json`'s
    /// `budget.overrun_total_wan`.
    pub overrun_total_wan: f64,
}

/// A scenario file expanded into its runs, sharing one loaded region.
struct Job {
    /// Scenario file index and run index within it, for output order.
    order: (usize, usize),
    run: String,
    scenario: Scenario,
    region: Arc<Region>,
    load_s: f64,
}

/// Scenario files named by `inputs`: files as given, folders' `*.toml` in name order.
pub fn collect(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(input)
                .map(|rd| {
                    rd.filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
                        .collect()
                })
                .unwrap_or_default();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(input.clone());
        }
    }
    files
}

/// Loads every scenario, expands sweeps; failures become outcomes right away.
/// Outcomes keyed by (scenario file index, run index), for output order.
type Ordered = Vec<((usize, usize), RunOutcome)>;

fn prepare(files: &[PathBuf]) -> (Vec<Job>, Ordered) {
    let mut jobs = Vec::new();
    let mut failed = Vec::new();
    for (order, path) in files.iter().enumerate() {
        let start = Instant::now();
        // The same loader as `plan` and `check`: the scenario, its data, the checks across
        // them, and the notes, which are printed once per file.
        let loaded = crate::io::load(path).map(|l| {
            eprint!("{}", l.notes);
            (l.scenario, l.region)
        });
        let base = report::output_name(path);
        match loaded {
            Ok((scenario, region)) => {
                let region = Arc::new(region);
                let load_s = start.elapsed().as_secs_f64();
                for (i, (suffix, s)) in scenario.expand().into_iter().enumerate() {
                    let run = if suffix.is_empty() {
                        base.clone()
                    } else {
                        report::safe_name(&format!("{base}@{suffix}"))
                    };
                    jobs.push(Job {
                        order: (order, i),
                        run,
                        scenario: s,
                        region: Arc::clone(&region),
                        load_s,
                    });
                }
            }
            Err(d) => failed.push((
                (order, 0),
                RunOutcome {
                    run: base,
                    scenario: path.clone(),
                    status: "failed",
                    reason: Some(format!(
                        "{} 处输入问题 / {} input problem(s):\n{d}",
                        d.len(),
                        d.len()
                    )),
                    figures: None,
                    seconds: start.elapsed().as_secs_f64(),
                },
            )),
        }
    }
    (jobs, failed)
}

impl Figures {
    /// Every target met and every part feasible.
    pub fn all_well(&self) -> bool {
        !self.day_care_status.is_missed()
            && !self
                .beds_status
                .is_some_and(crate::solve::Status::is_missed)
            && self.day_care_targets_met != Some(false)
            && self.bed_targets_met != Some(false)
            && self.targets_met.0 == self.targets_met.1
    }
}

fn figures(p: &Plan) -> Figures {
    let dc = &p.day_care;
    Figures {
        name: p.scenario.name.clone(),
        villages: p.region.villages.len(),
        elderly_total: p.region.total_elderly() as f64,
        elderly_in_scope: dc.total_elderly,
        minutes: p.scenario.travel.minutes,
        day_care_status: dc.status,
        new_sites: dc.new_sites,
        coverage_before: if dc.total_elderly > 0.0 {
            dc.covered_before / dc.total_elderly
        } else {
            0.0
        },
        coverage: dc.coverage,
        coverage_target: dc.target,
        day_care_gap: dc.gap,
        day_care_targets_met: {
            let rows: Vec<_> = p
                .indicators
                .rows
                .iter()
                .filter(|r| r.indicator < crate::model::Indicator::BedsPer1000)
                .filter_map(|r| r.met)
                .collect();
            (!rows.is_empty()).then(|| rows.iter().all(|m| *m))
        },
        beds_status: p.beds.as_ref().map(|b| b.status),
        beds_cost_wan: p.beds.as_ref().map(|b| b.cost_wan),
        day_care_cost_wan: p.spending.day_care_wan,
        targets_met: (
            p.indicators
                .rows
                .iter()
                .filter(|r| r.met == Some(true))
                .count(),
            p.indicators.rows.iter().filter(|r| r.met.is_some()).count(),
        ),
        budget_wan: p.spending.budget_wan,
        spent_wan: p.spending.spent_wan,
        overrun_wan: p.spending.overrun_wan,
        overrun_total_wan: p.spending.overrun_total_wan,
        bed_targets_met: p.beds.as_ref().map(|_| {
            p.indicators
                .rows
                .iter()
                .filter(|r| r.indicator >= crate::model::Indicator::BedsPer1000)
                .all(|r| r.met != Some(false))
        }),
    }
}

fn run_job(job: &Job, out: &Path, opts: &crate::map::Options) -> RunOutcome {
    let start = Instant::now();
    let result =
        plan::plan(job.scenario.clone(), (*job.region).clone(), job.load_s).and_then(|mut p| {
            p.run_name.clone_from(&job.run);
            report::write_plan_with(&p, out, opts).map_err(|e| PlanError::Output(e.to_string()))?;
            Ok(p)
        });
    let seconds = start.elapsed().as_secs_f64() + job.load_s;
    match result {
        Ok(p) => {
            let f = figures(&p);
            RunOutcome {
                run: job.run.clone(),
                scenario: job.scenario.path.clone(),
                status: if f.all_well() { "ok" } else { "missed" },
                reason: None,
                figures: Some(f),
                seconds,
            }
        }
        Err(e) => RunOutcome {
            run: job.run.clone(),
            scenario: job.scenario.path.clone(),
            status: "failed",
            reason: Some(e.to_string()),
            figures: None,
            seconds,
        },
    }
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let files = collect(&args.inputs);
    if files.is_empty() {
        return Err(super::BadInput(
            "没有找到情景文件（文件夹中没有 *.toml）/ no scenario files found in the given inputs (no *.toml in the folders)".to_owned(),
        )
        .into());
    }
    let opts = args.render.options()?;
    super::check_out_folder(&args.out)?;
    let (jobs, failed) = prepare(&files);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()?;
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(jobs.len() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {pos}/{len} runs [{elapsed_precise}] {wide_bar} {msg}",
        )
        .expect("a valid template"),
    );
    let mut outcomes: Ordered = pool.install(|| {
        jobs.par_iter()
            .map(|job| {
                let o = run_job(job, &args.out, &opts);
                bar.inc(1);
                bar.set_message(o.run.clone());
                (job.order, o)
            })
            .collect()
    });
    bar.finish_and_clear();
    // Failures of loading keep their place among the scenario files.
    outcomes.extend(failed);
    outcomes.sort_by_key(|(order, _)| *order);
    let all: Vec<RunOutcome> = outcomes.into_iter().map(|(_, o)| o).collect();
    let summary_dir = write_summary(&all, &args.out, &opts)?;
    let any_failed = all.iter().any(|o| o.status == "failed");
    for o in all.iter().filter(|o| o.status == "failed") {
        eprintln!(
            "{} ({}): {}",
            o.run,
            o.scenario.display(),
            o.reason.as_deref().unwrap_or("")
        );
    }
    if args.json {
        super::print_out(&format!("{}\n", serde_json::to_string_pretty(&all)?))?;
    } else if !args.quiet {
        super::print_out(&format!(
            "{}→ {}\n",
            comparison_markdown(&all),
            summary_dir.display()
        ))?;
    }
    Ok(if any_failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

use crate::map::pct;

/// How a run's result reads in the comparison table.
fn result_name(status: &str) -> &str {
    match status {
        "ok" => "完成 ok",
        "missed" => "未达标 missed",
        "failed" => "失败 failed",
        other => other,
    }
}

/// A part's cell: its solver status and whether its targets hold (`最优 optimal · 达标 met`);
/// `–` for a part the run did not plan.
fn part_cell(status: Option<crate::solve::Status>, met: Option<bool>) -> String {
    let Some(status) = status else {
        return "–".to_owned();
    };
    let status = match status {
        crate::solve::Status::Optimal => "最优 optimal",
        crate::solve::Status::Feasible => "可行 feasible",
        crate::solve::Status::Infeasible => "无可行解 infeasible",
        crate::solve::Status::Undecided => "未达到·未证明不可达 missed, not proven infeasible",
    };
    match met {
        Some(true) => format!("{status} · 达标 met"),
        Some(false) => format!("{status} · 未达标 missed"),
        None => status.to_owned(),
    }
}

/// A run's overrun cell, 万元: the spend above the total budget, or where only a year's own
/// limit is exceeded the largest such excess marked `逐年 per year`; empty within budget.
fn overrun_cell(f: &Figures) -> String {
    if f.overrun_total_wan > 0.0 {
        format!("{:.0}", f.overrun_total_wan)
    } else if f.overrun_wan > 0.0 {
        format!("{:.0} 逐年 per year", f.overrun_wan)
    } else {
        String::new()
    }
}

/// The comparison table in Markdown.
pub fn comparison_markdown(all: &[RunOutcome]) -> String {
    let mut out = String::from(
        "| 运行 run | 结果 result | 日间照料 day care | 床位 beds | 村/社区 villages | 分钟 minutes | 覆盖率 coverage (前→后) | 目标 target | 新建站点 new sites | 日间照料投资 万元 | 床位投资 万元 | 达标指标 targets met | 预算 budget 万元 | 支出 spent 万元 | 超支 overrun 万元 | 失败原因 reason |\n|---|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for o in all {
        match &o.figures {
            Some(f) => {
                out += &format!(
                    "| {} | {}{} | {} | {} | {} | {} | {} → {} | {} | {} | {:.0} | {} | {}/{} | {} | {:.0} | {} | |\n",
                    o.run,
                    result_name(o.status),
                    if f.overrun_wan > 0.0 {
                        " · 超支 overrun"
                    } else {
                        ""
                    },
                    part_cell(Some(f.day_care_status), f.day_care_targets_met),
                    part_cell(f.beds_status, f.bed_targets_met),
                    f.villages,
                    f.minutes,
                    pct(f.coverage_before),
                    pct(f.coverage),
                    f.coverage_target.map_or_else(|| "–".into(), pct),
                    f.new_sites,
                    f.day_care_cost_wan,
                    f.beds_cost_wan
                        .map_or_else(|| "–".into(), |c| format!("{c:.0}")),
                    f.targets_met.0,
                    f.targets_met.1,
                    f.budget_wan
                        .map_or_else(|| "–".into(), |b| format!("{b:.0}")),
                    f.spent_wan,
                    overrun_cell(f),
                )
            }
            None => {
                out += &format!(
                    "| {} | {} | | | | | | | | | | | | | | {} |\n",
                    o.run,
                    result_name(o.status),
                    o.reason_line().replace('|', "\\|")
                )
            }
        }
    }
    out
}

/// The comparison as CSV.
pub fn comparison_csv(all: &[RunOutcome]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "run",
        "scenario",
        "status",
        "reason",
        "villages",
        "elderly_total",
        "elderly_in_scope",
        "minutes",
        "day_care_status",
        "day_care_targets_met",
        "new_sites",
        "coverage_before",
        "coverage",
        "coverage_target",
        "day_care_gap",
        "day_care_cost_wan",
        "beds_status",
        "beds_cost_wan",
        "bed_targets_met",
        "targets_met",
        "targets_with_a_value",
        "budget_wan",
        "spent_wan",
        "overrun_wan",
        "overrun_total_wan",
    ])
    .expect("writing to memory cannot fail");
    for o in all {
        let f = o.figures.as_ref();
        let opt = |v: Option<String>| v.unwrap_or_default();
        w.write_record([
            o.run.clone(),
            o.scenario.display().to_string(),
            o.status.to_owned(),
            o.reason_line(),
            opt(f.map(|f| f.villages.to_string())),
            opt(f.map(|f| f.elderly_total.to_string())),
            opt(f.map(|f| f.elderly_in_scope.to_string())),
            opt(f.map(|f| f.minutes.to_string())),
            opt(f.map(|f| format!("{:?}", f.day_care_status).to_lowercase())),
            opt(f.and_then(|f| f.day_care_targets_met.map(|m| m.to_string()))),
            opt(f.map(|f| f.new_sites.to_string())),
            opt(f.map(|f| format!("{:.6}", f.coverage_before))),
            opt(f.map(|f| format!("{:.6}", f.coverage))),
            opt(f.and_then(|f| f.coverage_target.map(|t| t.to_string()))),
            opt(f.map(|f| crate::numbers::fixed(f.day_care_gap, 9))),
            opt(f.map(|f| crate::numbers::fixed(f.day_care_cost_wan, 1))),
            opt(f.and_then(|f| f.beds_status.map(|s| format!("{s:?}").to_lowercase()))),
            opt(f.and_then(|f| f.beds_cost_wan.map(|c| crate::numbers::fixed(c, 1)))),
            opt(f.and_then(|f| f.bed_targets_met.map(|m| m.to_string()))),
            opt(f.map(|f| f.targets_met.0.to_string())),
            opt(f.map(|f| f.targets_met.1.to_string())),
            opt(f.and_then(|f| f.budget_wan.map(|b| crate::numbers::fixed(b, 1)))),
            opt(f.map(|f| crate::numbers::fixed(f.spent_wan, 1))),
            opt(f.map(|f| crate::numbers::fixed(f.overrun_wan, 1))),
            opt(f
                .filter(|f| f.overrun_total_wan > 0.0)
                .map(|f| crate::numbers::fixed(f.overrun_total_wan, 1))),
        ])
        .expect("writing to memory cannot fail");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

/// Writes `DIR/batch-summary/`: CSV, Markdown and the comparison chart (times are left out
/// so that the files are identical whatever `-j`).
fn write_summary(
    all: &[RunOutcome],
    out: &Path,
    opts: &crate::map::Options,
) -> anyhow::Result<PathBuf> {
    let mut files = vec![
        (
            "batch.csv".to_owned(),
            opts.csv.encode(&comparison_csv(all)),
        ),
        ("batch.md".to_owned(), comparison_markdown(all).into_bytes()),
    ];
    let rows: Vec<crate::map::BatchRow> = all
        .iter()
        .filter_map(|o| {
            let f = o.figures.as_ref()?;
            Some(crate::map::BatchRow {
                run: o.run.clone(),
                coverage_before: f.coverage_before,
                coverage_after: f.coverage,
                target: f.coverage_target,
                new_sites: f.new_sites,
                cost_wan: f.spent_wan,
                targets_met: f.targets_met,
            })
        })
        .collect();
    if let Some(chart) = crate::map::batch_chart(&rows, opts)? {
        files.push(("comparison.png".to_owned(), chart.png));
        files.push(("comparison.svg".to_owned(), chart.svg.into_bytes()));
    }
    Ok(report::write_folder(out, "batch-summary", &files)?)
}
