//! The bed plan: per plan year, which institutions convert ordinary beds to nursing beds,
//! which add beds, and which candidate sites open a new institution, so that the year's
//! targets hold at least cost; plus bed accessibility per village.

use crate::model::{BedTargets, SiteIdx};
use crate::solve::Status;

/// What a bed action does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Convert ordinary beds of an existing institution to nursing beds (改造).
    Convert,
    /// Add beds to an existing institution, up to its `max_beds` (扩建).
    Expand,
    /// Open a new institution at a candidate site (新建).
    NewInstitution,
}

impl ActionKind {
    /// Chinese name for reports.
    pub fn zh(self) -> &'static str {
        match self {
            Self::Convert => "护理型床位改造",
            Self::Expand => "扩建床位",
            Self::NewInstitution => "新建养老机构",
        }
    }
}

/// One action of the bed plan.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BedAction {
    /// Plan year the action is done in.
    pub year: i32,
    /// What it does.
    pub kind: ActionKind,
    /// The site (facility index, or facilities + candidate index).
    #[serde(skip)]
    pub site: SiteIdx,
    /// Site id.
    pub id: String,
    /// Site name.
    pub name: String,
    /// Township.
    pub township: String,
    /// WGS-84 longitude.
    pub lon: f64,
    /// WGS-84 latitude.
    pub lat: f64,
    /// New beds (expansion or new institution); all of them nursing beds.
    pub new_beds: u32,
    /// Ordinary beds converted to nursing beds.
    pub converted_beds: u32,
    /// Cost in 万元.
    pub cost_wan: f64,
}

/// Whether each target of a year holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct TargetsMet {
    /// Nursing share target met (or absent).
    pub nursing_share: bool,
    /// Beds per 1000 elderly target met (or absent).
    pub beds_per_1000: bool,
    /// Nursing beds per 1000 elderly target met (or absent).
    pub nursing_per_1000: bool,
    /// Public bed share target met (or absent).
    pub public_share: bool,
}

impl TargetsMet {
    /// All targets of the year hold.
    pub fn all(&self) -> bool {
        self.nursing_share && self.beds_per_1000 && self.nursing_per_1000 && self.public_share
    }
}

/// The bed figures of one plan year after that year's actions.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BedYear {
    /// Plan year.
    pub year: i32,
    /// Projected elderly.
    pub elderly: f64,
    /// Beds after the year's actions.
    pub beds: u64,
    /// Nursing beds after the year's actions.
    pub nursing_beds: u64,
    /// Beds in public facilities.
    pub public_beds: u64,
    /// Beds per 1000 elderly.
    pub beds_per_1000: f64,
    /// Nursing beds ÷ beds.
    pub nursing_share: f64,
    /// Nursing beds per 1000 elderly.
    pub nursing_per_1000: f64,
    /// Public beds ÷ beds.
    pub public_share: f64,
    /// The year's targets (empty where the plan sets none).
    pub targets: BedTargets,
    /// Which targets hold.
    pub met: TargetsMet,
    /// Actions done in this year.
    pub actions: Vec<BedAction>,
    /// Cost of this year's actions, 万元.
    pub cost_wan: f64,
}

/// Bed accessibility of every village: beds per 1000 elderly within reach (two-step
/// floating catchment), before and after the plan, and its inequality.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Accessibility {
    /// Per village, before the plan (index = village index).
    #[serde(skip)]
    pub before: Vec<f64>,
    /// Per village, after the plan's last year.
    #[serde(skip)]
    pub after: Vec<f64>,
    /// Elderly-weighted Gini coefficient of `before`.
    pub gini_before: f64,
    /// Elderly-weighted Gini coefficient of `after`.
    pub gini_after: f64,
    /// Catchment in minutes.
    pub catchment_minutes: f64,
}

/// A bed target the plan cannot meet, and by how much.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BedShortfall {
    /// Plan year.
    pub year: i32,
    /// Which target.
    pub target: String,
    /// How many beds (or nursing beds) short.
    pub beds_short: u64,
    /// Why, in Chinese.
    pub zh: String,
    /// Why, in English.
    pub en: String,
}

/// The bed part of a plan.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BedPlan {
    /// `optimal` when every year's cost is proven least, `feasible` with a gap,
    /// `infeasible` when some year's targets cannot be met.
    pub status: Status,
    /// Total cost over all years, 万元.
    pub cost_wan: f64,
    /// Proven lower bound on the total cost, 万元.
    pub bound_wan: f64,
    /// Relative gap between cost and bound.
    pub gap: f64,
    /// Baseline (base year) figures, as a year with no actions.
    pub baseline: BedYear,
    /// One entry per plan year.
    pub years: Vec<BedYear>,
    /// Targets not met.
    pub shortfalls: Vec<BedShortfall>,
    /// Accessibility before and after.
    pub accessibility: Accessibility,
}
