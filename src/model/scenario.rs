//! The validated scenario: every default filled, every path resolved, every value in range.
//! Built only by [`crate::io::scenario`]; downstream code never re-checks it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::indicator::{BedDefinitions, Goal, TypeSet};

/// Coordinate reference system of the input positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Crs {
    /// WGS-84 (GPS); no conversion.
    #[default]
    Wgs84,
    /// GCJ-02 (Amap, Tencent); China only.
    Gcj02,
    /// BD-09 (Baidu); China only.
    Bd09,
}

impl Crs {
    /// Parses `wgs84|gcj02|bd09` (case-insensitive, `-` and `_` ignored).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "wgs84" => Some(Self::Wgs84),
            "gcj02" => Some(Self::Gcj02),
            "bd09" => Some(Self::Bd09),
            _ => None,
        }
    }
}

/// How people of one area type travel to a site.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct TravelMode {
    /// Speed in km/h (> 0).
    pub speed_kmh: f64,
    /// Ratio of travelled to straight-line distance (>= 1); crow-fly mode only.
    pub detour: f64,
}

/// Travel settings of a scenario.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Travel {
    /// A village is served by a site when the travel time is <= this (inclusive).
    pub minutes: f64,
    /// Urban communities: walking by default.
    pub urban: TravelMode,
    /// Rural villages: e-bike by default.
    pub rural: TravelMode,
    /// Road network file; `None` means crow-fly times.
    pub roads: Option<PathBuf>,
    /// Precomputed origin–destination file (`from_id,to_id,minutes|meters`); when set it
    /// replaces both crow-fly and network times.
    pub matrix: Option<PathBuf>,
}

/// How a scenario times trips, decided once from its `[travel]` section ([`Travel::kind`]);
/// every description of the travel model in outputs comes from here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TravelKind {
    /// Haversine distance × detour ÷ speed of the village's area type.
    CrowFly,
    /// Shortest paths on a road network (`travel.roads`).
    Network,
    /// Minutes (or metres) from an origin–destination file (`travel.matrix`).
    Matrix,
}

impl TravelKind {
    /// The key used in `summary.json`: `crow_fly`, `network` or `matrix`.
    pub fn key(self) -> &'static str {
        match self {
            TravelKind::CrowFly => "crow_fly",
            TravelKind::Network => "network",
            TravelKind::Matrix => "matrix",
        }
    }

    /// How trips are timed, in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            TravelKind::CrowFly => "直线距离 × 绕行系数",
            TravelKind::Network => "路网最短路径",
            TravelKind::Matrix => "起讫点时间矩阵",
        }
    }

    /// How trips are timed, in English.
    pub fn en(self) -> &'static str {
        match self {
            TravelKind::CrowFly => "crow-fly × detour",
            TravelKind::Network => "road network",
            TravelKind::Matrix => "origin–destination matrix",
        }
    }
}

impl Travel {
    /// The travel model the scenario asks for: the matrix when `matrix` is set, the road
    /// network when `roads` is, crow-fly otherwise (the two files exclude each other).
    pub fn kind(&self) -> TravelKind {
        match (&self.roads, &self.matrix) {
            (_, Some(_)) => TravelKind::Matrix,
            (Some(_), None) => TravelKind::Network,
            (None, None) => TravelKind::CrowFly,
        }
    }

    /// Default time limit of the 15-minute service circle.
    pub const DEFAULT_MINUTES: f64 = 15.0;
    /// Default urban mode: walking at 4 km/h with detour 1.3, so 15 minutes reach about
    /// 770 m in a straight line, the 800–1000 m walk of GB 50180-2018's 15-minute life circle.
    pub const DEFAULT_URBAN: TravelMode = TravelMode {
        speed_kmh: 4.0,
        detour: 1.3,
    };
    /// Default rural mode: bicycle / e-bike at 12 km/h with detour 1.4, so 15 minutes reach
    /// about 2.1 km in a straight line.
    pub const DEFAULT_RURAL: TravelMode = TravelMode {
        speed_kmh: 12.0,
        detour: 1.4,
    };
}

/// Whose elderly count in the day-care coverage share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CoverageScope {
    /// Every village and community.
    #[default]
    All,
    /// Urban communities only (plans that set the circle for the main urban area).
    Urban,
}

/// Day-care targets for one plan year.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct DayCareStep {
    /// Share of elderly served by a day-care site.
    pub coverage: Option<f64>,
    /// Share of townships with a comprehensive centre.
    pub township_share: Option<f64>,
    /// Comprehensive centres every 街道 has by this year.
    pub per_street: Option<u32>,
    /// Rural regional centres every county has by this year.
    pub per_county: Option<u32>,
}

/// The day-care (15-minute circle) part of a scenario.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DayCare {
    /// Final-year share of elderly served by a day-care site, existing or new.
    pub coverage: Option<f64>,
    /// Whose elderly count.
    pub scope: CoverageScope,
    /// Comprehensive centres required in every 街道.
    pub per_street: u32,
    /// Final-year share of townships with a comprehensive centre.
    pub township_share: Option<f64>,
    /// Budget in new sites.
    pub max_new: Option<u32>,
    /// Whether to compute the coverage curve.
    pub curve: bool,
    /// Elderly served per centre; `None` = unlimited.
    pub capacity: Option<u32>,
    /// Whether the facilities' own `capacity` (托位) column limits the people each serves
    /// (default true). A plan whose coverage indicator is spatial (the share of the elderly
    /// within the circle of a centre) sets it false.
    pub data_capacity: bool,
    /// Drop villages no site can reach from the coverage denominator.
    pub exclude_unreachable: bool,
    /// Existing facility types whose service circle counts for coverage (default: 日间照料中心
    /// and 综合养老服务中心; stations count only where the scenario says so).
    pub serving: TypeSet,
    /// Rural regional (comprehensive) centres required in every county (市/区/县) in its
    /// 镇 and 乡; 0 = no rule.
    pub per_county: u32,
    /// The kind of named township-level units where the statistical code or name misleads
    /// (`[day_care.township_kinds]`).
    pub township_kinds: BTreeMap<String, super::TownshipKind>,
    /// Yearly steps.
    pub targets: BTreeMap<i32, DayCareStep>,
    /// Whether the coverage target is binding (约束性, the default) or expected (预期性):
    /// under a budget too small for every target, binding coverage is bought before the
    /// expected bed targets, expected coverage after every bed target.
    pub coverage_binding: bool,
}

impl Default for DayCare {
    fn default() -> Self {
        Self {
            coverage: None,
            scope: CoverageScope::All,
            per_street: 0,
            township_share: None,
            max_new: None,
            curve: false,
            capacity: None,
            data_capacity: true,
            exclude_unreachable: false,
            serving: TypeSet::DAY_CARE,
            per_county: 0,
            township_kinds: BTreeMap::new(),
            targets: BTreeMap::new(),
            coverage_binding: true,
        }
    }
}

impl DayCare {
    /// The highest coverage step of any year (the final year's included): what the final
    /// network must reach, since nothing opened closes later.
    pub fn coverage_goal(&self) -> Option<f64> {
        highest(self.coverage, self.targets.values().map(|s| s.coverage))
    }

    /// The highest street step of any year (`per_street` included), likewise.
    pub fn street_goal(&self) -> u32 {
        self.targets
            .values()
            .filter_map(|s| s.per_street)
            .fold(self.per_street, u32::max)
    }

    /// The highest county step of any year (`per_county` included), likewise.
    pub fn county_goal(&self) -> u32 {
        self.targets
            .values()
            .filter_map(|s| s.per_county)
            .fold(self.per_county, u32::max)
    }

    /// The highest township-share step of any year, likewise.
    pub fn township_goal(&self) -> Option<f64> {
        highest(
            self.township_share,
            self.targets.values().map(|s| s.township_share),
        )
    }
}

/// The largest of `first` and the present values of `rest`.
fn highest(first: Option<f64>, rest: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    rest.chain(std::iter::once(first))
        .flatten()
        .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))))
}

/// Bed targets for one plan year; which facility types each counts is in
/// [`BedDefinitions`](super::BedDefinitions).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct BedTargets {
    /// Nursing beds ÷ beds (护理型床位占比), a share in 0–1.
    pub nursing_share: Option<Goal>,
    /// Beds per 1000 elderly (每千名老年人养老床位数).
    pub beds_per_1000: Option<Goal>,
    /// Nursing beds per 1000 elderly (每千名老年人护理型床位数).
    pub nursing_per_1000: Option<Goal>,
    /// Public / public-interest beds ÷ beds (公益性床位占比), a share in 0–1.
    pub public_share: Option<Goal>,
    /// Beds added since the base year, cumulative (新增养老床位), in beds.
    pub new_beds: Option<Goal>,
}

impl BedTargets {
    /// Whether the year has any target.
    pub fn any(&self) -> bool {
        self.nursing_share.is_some()
            || self.beds_per_1000.is_some()
            || self.nursing_per_1000.is_some()
            || self.public_share.is_some()
            || self.new_beds.is_some()
    }
}

/// Settings of bed planning and accessibility.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct BedSettings {
    /// Catchment of an institution for accessibility and siting, in minutes.
    pub catchment_minutes: f64,
    /// Gaussian distance decay in the two-step floating catchment.
    pub gaussian: bool,
}

impl Default for BedSettings {
    fn default() -> Self {
        Self {
            catchment_minutes: 30.0,
            gaussian: false,
        }
    }
}

/// Unit costs in 万元.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Costs {
    /// A new day-care centre.
    pub day_care_wan: f64,
    /// A new bed at an existing or new institution.
    pub new_bed_wan: f64,
    /// Converting an ordinary bed to a nursing bed.
    pub convert_bed_wan: f64,
    /// Fixed cost of a new institution.
    pub institution_wan: f64,
    /// Re-designating one private bed as 公益性 (public-interest), for example by a
    /// 公建民营 contract or purchased service; `None` when the scenario sets no price, and
    /// the action is then not planned.
    pub designate_public_wan: Option<f64>,
    /// Upgrading an existing 敬老院 (institution) or station into a comprehensive /
    /// regional centre (区域性养老服务中心).
    pub upgrade_wan: f64,
}

impl Default for Costs {
    fn default() -> Self {
        Self {
            day_care_wan: 30.0,
            new_bed_wan: 8.0,
            convert_bed_wan: 2.0,
            institution_wan: 500.0,
            designate_public_wan: None,
            upgrade_wan: 100.0,
        }
    }
}

/// The money of a plan (`[budget]`), in 万元, across day care and beds.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Budget {
    /// Total over the plan years; `None` = no limit.
    pub total_wan: Option<f64>,
    /// Spend allowed in single plan years (years not listed: no limit of their own).
    pub per_year_wan: BTreeMap<i32, f64>,
    /// Whether the plan may spend more than the budget to meet its binding targets (the
    /// report flags the overrun); by default it may not.
    pub allow_overrun: bool,
    /// Total budgets (万元, ascending) to plan again for the trade-off table
    /// (`[budget] sweep`); empty = none.
    pub sweep_wan: Vec<f64>,
}

impl Budget {
    /// Whether any limit is set.
    pub fn is_set(&self) -> bool {
        self.total_wan.is_some() || !self.per_year_wan.is_empty()
    }

    /// The most any plan may spend over the plan years `years`, 万元: the total where set and,
    /// where every plan year has a limit of its own, the sum of those limits where that is
    /// less (money is spent only in plan years). `None` = no limit of either kind.
    pub fn bound_wan(&self, years: &[i32]) -> Option<f64> {
        let yearly: Option<f64> = years
            .iter()
            .map(|y| self.per_year_wan.get(y).copied())
            .sum();
        match (self.total_wan, yearly) {
            (Some(t), Some(y)) => Some(t.min(y)),
            (t, y) => t.or(y),
        }
    }
}

/// A plan target the optimiser does not model; recorded and reported only.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct OtherTarget {
    /// What the plan names it.
    pub name: String,
    /// The target value, when numeric.
    pub value: Option<f64>,
    /// Unit, free text in the plan's language; `share` (alone or followed by a note, as in
    /// `share（不低于）`) marks a share in 0–1, shown as a percentage.
    pub unit: Option<String>,
    /// Plan year it applies to.
    pub year: Option<i32>,
    /// Where in the plan it comes from.
    pub source: Option<String>,
}

/// One axis of a sweep: a scenario key and the values a batch tries for it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SweepAxis {
    /// Dotted key, one of [`SweepAxis::KEYS`].
    pub key: String,
    /// Values, in the order written.
    pub values: Vec<f64>,
}

impl SweepAxis {
    /// Keys a sweep may vary, with the range each value must lie in and whether it must be
    /// a whole number.
    pub const KEYS: &'static [(&'static str, f64, f64, bool)] = &[
        ("travel.minutes", 0.1, 1440.0, false),
        ("day_care.coverage", 0.0, 1.0, false),
        ("day_care.township_share", 0.0, 1.0, false),
        ("day_care.max_new", 0.0, 1.0e6, true),
        ("day_care.per_street", 0.0, 100.0, true),
        ("elderly_growth", -0.5, 1.0, false),
        ("seed", 0.0, 9.0e15, true),
        ("beds.catchment_minutes", 0.1, 1440.0, false),
        ("costs.day_care", 0.0, 1.0e9, false),
        ("costs.new_bed", 0.0, 1.0e9, false),
        ("costs.convert_bed", 0.0, 1.0e9, false),
        ("costs.institution", 0.0, 1.0e9, false),
        ("budget.total", 0.0, 1.0e12, false),
    ];
}

/// Resource limits of a run (`[limits]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Limits {
    /// Memory the travel reach lists may take, in MB; a run whose reachable village–site
    /// pairs would need more stops with an error that says what to change.
    pub memory_mb: u32,
}

impl Limits {
    /// Default memory budget of the reach lists: 2048 MB.
    pub const DEFAULT_MEMORY_MB: u32 = 2048;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory_mb: Self::DEFAULT_MEMORY_MB,
        }
    }
}

/// A validated scenario.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Scenario {
    /// The scenario file it was read from.
    pub path: PathBuf,
    /// Display name.
    pub name: String,
    /// Data folder, resolved relative to the scenario file.
    pub data: PathBuf,
    /// Coordinate system of the input positions.
    pub crs: Crs,
    /// Whether positions must lie in China (within 5 km of its outline); off for regions
    /// elsewhere.
    pub china_bounds: bool,
    /// Year of the input figures.
    pub base_year: i32,
    /// Plan years, ascending, all after `base_year`.
    pub years: Vec<i32>,
    /// Yearly compound growth of the elderly population.
    pub elderly_growth: f64,
    /// Seed of every randomised search.
    pub seed: u64,
    /// The plan document the scenario encodes.
    pub source: Option<String>,
    /// Travel settings.
    pub travel: Travel,
    /// Day-care targets.
    pub day_care: DayCare,
    /// Bed targets per plan year.
    pub bed_targets: BTreeMap<i32, BedTargets>,
    /// Bed planning settings.
    pub beds: BedSettings,
    /// Which facility types each bed indicator counts.
    pub indicators: BedDefinitions,
    /// Unit costs.
    pub costs: Costs,
    /// Budget in 万元.
    pub budget: Budget,
    /// Targets recorded but not optimised.
    pub other_targets: Vec<OtherTarget>,
    /// Resource limits.
    pub limits: Limits,
    /// Sweep axes; a batch runs every combination.
    pub sweep: Vec<SweepAxis>,
    /// Sites required or excluded by officials ([`super::decisions`]), from every source
    /// laid over each other.
    pub decisions: super::decisions::Decisions,
}

impl Scenario {
    /// Elderly multiplier of a plan year relative to the base year.
    pub fn growth_factor(&self, year: i32) -> f64 {
        (1.0 + self.elderly_growth).powi(year - self.base_year)
    }

    /// The last plan year.
    pub fn final_year(&self) -> i32 {
        *self
            .years
            .last()
            .expect("validation requires at least one plan year")
    }

    /// Every combination of the sweep axes as a named variant (the first axis varies
    /// slowest); a scenario without sweep gives itself with an empty name suffix.
    ///
    /// A `[budget] sweep` is one more axis (`budget.total`, last): a batch runs, and compares,
    /// the plan at each budget, and no variant sweeps again.
    pub fn expand(&self) -> Vec<(String, Scenario)> {
        let mut base = self.clone();
        let mut axes = self.sweep.clone();
        if !base.budget.sweep_wan.is_empty() {
            axes.push(SweepAxis {
                key: "budget.total".into(),
                values: std::mem::take(&mut base.budget.sweep_wan),
            });
        }
        let mut runs = vec![(String::new(), base)];
        for axis in &axes {
            let mut next = Vec::with_capacity(runs.len() * axis.values.len());
            for (suffix, base) in &runs {
                for &v in &axis.values {
                    let mut s = base.clone();
                    s.set(&axis.key, v);
                    s.sweep.clear();
                    let short = axis.key.rsplit('.').next().unwrap_or(&axis.key);
                    let label = format!("{short}={}", fmt_value(v));
                    let suffix = if suffix.is_empty() {
                        label
                    } else {
                        format!("{suffix}+{label}")
                    };
                    next.push((suffix, s));
                }
            }
            runs = next;
        }
        runs
    }

    /// Sets a sweepable key (one of [`SweepAxis::KEYS`]; validation has checked the value).
    fn set(&mut self, key: &str, v: f64) {
        match key {
            "travel.minutes" => self.travel.minutes = v,
            "day_care.coverage" => self.day_care.coverage = Some(v),
            "day_care.township_share" => self.day_care.township_share = Some(v),
            "day_care.max_new" => self.day_care.max_new = Some(v as u32),
            "day_care.per_street" => self.day_care.per_street = v as u32,
            "elderly_growth" => self.elderly_growth = v,
            "seed" => self.seed = v as u64,
            "beds.catchment_minutes" => self.beds.catchment_minutes = v,
            "costs.day_care" => self.costs.day_care_wan = v,
            "costs.new_bed" => self.costs.new_bed_wan = v,
            "costs.convert_bed" => self.costs.convert_bed_wan = v,
            "costs.institution" => self.costs.institution_wan = v,
            "budget.total" => self.budget.total_wan = Some(v),
            _ => unreachable!("validation accepts only SweepAxis::KEYS"),
        }
        // A swept final-year value replaces the final year's step.
        let last = self.final_year();
        if let Some(step) = self.day_care.targets.get_mut(&last) {
            match key {
                "day_care.coverage" => step.coverage = Some(v),
                "day_care.township_share" => step.township_share = Some(v),
                _ => {}
            }
        }
    }
}

/// A value as written in run names: whole numbers without a decimal point.
fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
