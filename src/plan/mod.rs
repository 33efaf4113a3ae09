//! A scenario turned into a plan: load, travel, then the day-care network (and, as they
//! land, the bed plan), with the timings of each step.

pub mod beds;
pub mod day_care;
pub mod indicators;

use std::time::Instant;

use crate::error::Diagnostics;
use crate::model::{Region, Scenario};
use crate::travel::{self, ReachLists};

pub use beds::BedPlan;
pub use day_care::DayCarePlan;

/// Seconds spent in each step of a run.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Timings {
    /// Reading and validating the scenario and its data.
    pub load_s: f64,
    /// Travel times.
    pub travel_s: f64,
    /// Day-care optimisation.
    pub day_care_s: f64,
    /// Bed planning and accessibility (including the wider travel lists it needs).
    pub beds_s: f64,
}

/// Everything a run produces before it is written.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Name of the run: its output folder (the scenario file stem, plus the sweep values in
    /// a batch).
    pub run_name: String,
    /// The scenario.
    pub scenario: Scenario,
    /// Its region.
    pub region: Region,
    /// Travel reach lists within the scenario's time limit.
    pub reach: ReachLists,
    /// The day-care network.
    pub day_care: DayCarePlan,
    /// The bed plan per year (`None` until bed planning runs).
    pub beds: Option<BedPlan>,
    /// The indicator table: every verdict of the run.
    pub indicators: indicators::IndicatorTable,
    /// Timings.
    pub timings: Timings,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Bad input; every problem is listed.
    #[error("{} 处输入问题 / {} input problem(s):\n{}", .0.len(), .0.len(), .0)]
    Input(Diagnostics),
    /// Travel times could not be built.
    #[error(transparent)]
    Travel(#[from] travel::TravelError),
    /// The bed model could not be solved.
    #[error("床位规划失败 / bed planning failed: {0}")]
    Beds(#[from] crate::solve::beds::BedSolveError),
    /// The outputs could not be written.
    #[error("输出写入失败 / writing the outputs failed: {0}")]
    Output(String),
}

/// Most bed sites kept per village for accessibility and siting.
const BED_SITES_PER_VILLAGE: usize = 50;

/// Loads a scenario file and plans it.
pub fn run(path: &std::path::Path) -> Result<Plan, PlanError> {
    let start = Instant::now();
    let checked = crate::io::load(path).map_err(PlanError::Input)?;
    let load_s = start.elapsed().as_secs_f64();
    plan(checked.scenario, checked.region, load_s)
}

/// Plans a loaded scenario.
pub fn plan(scenario: Scenario, region: Region, load_s: f64) -> Result<Plan, PlanError> {
    let t = Instant::now();
    let reach = travel::reach_limited(&region, &scenario.travel, &scenario.limits)?;
    let travel_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let day_care = day_care::plan(&scenario, &region, &reach);
    let day_care_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let bed_reach = travel::nearest_k_limited(
        &region,
        &scenario.travel,
        &beds::bed_sites(&region),
        BED_SITES_PER_VILLAGE,
        scenario.beds.catchment_minutes,
        &scenario.limits,
    )?;
    let bed_plan = beds::plan(&scenario, &region, &bed_reach)?;
    let beds_s = t.elapsed().as_secs_f64();
    let indicators = indicators::table(&scenario, &region, &reach, &day_care, Some(&bed_plan));
    Ok(Plan {
        run_name: crate::report::output_name(&scenario.path),
        scenario,
        region,
        reach,
        day_care,
        beds: Some(bed_plan),
        indicators,
        timings: Timings {
            load_s,
            travel_s,
            day_care_s,
            beds_s,
        },
    })
}
