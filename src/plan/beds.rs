//! The bed plan: per plan year, which institutions convert ordinary beds to nursing beds,
//! which add beds, and which candidate sites open a new institution, so that the year's
//! targets hold at least cost; plus bed accessibility per village.

use crate::model::{BedDefinitions, BedTargets, FacilityType, SiteIdx, TypeSet};
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
    /// Re-designate private beds of an existing facility as 公益性 (公建民营, purchased
    /// service and the like).
    DesignatePublic,
}

impl ActionKind {
    /// Chinese name for reports.
    pub fn zh(self) -> &'static str {
        match self {
            Self::Convert => "护理型床位改造",
            Self::Expand => "扩建床位",
            Self::NewInstitution => "新建养老机构",
            Self::DesignatePublic => "转为公益性床位",
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
    /// Private beds re-designated as 公益性.
    pub designated_beds: u32,
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
    /// New-bed count target met (or absent).
    pub new_beds: bool,
}

impl TargetsMet {
    /// All targets of the year hold.
    pub fn all(&self) -> bool {
        self.nursing_share
            && self.beds_per_1000
            && self.nursing_per_1000
            && self.public_share
            && self.new_beds
    }
}

/// Beds of one facility type at the end of a year.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct TypeBeds {
    /// Beds.
    pub beds: u64,
    /// Nursing beds.
    pub nursing_beds: u64,
    /// Public (公办/公益性) beds.
    pub public_beds: u64,
    /// Beds added since the base year.
    pub added_beds: u64,
}

/// The bed figures of one plan year after that year's actions. Each indicator counts the
/// facility types of its definition ([`BedDefinitions`]); `beds`, `nursing_beds` and
/// `public_beds` count every type.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BedYear {
    /// Plan year.
    pub year: i32,
    /// Projected elderly.
    pub elderly: f64,
    /// Beds of every type after the year's actions.
    pub beds: u64,
    /// Nursing beds of every type after the year's actions.
    pub nursing_beds: u64,
    /// Public beds of every type.
    pub public_beds: u64,
    /// Per facility type, in [`FacilityType::ALL`] order (`day_care`, `station`,
    /// `comprehensive`, `institution`).
    pub by_type: [TypeBeds; 4],
    /// Beds per 1000 elderly (每千名老年人养老床位数).
    pub beds_per_1000: f64,
    /// Nursing beds ÷ beds (护理型床位占比).
    pub nursing_share: f64,
    /// Nursing beds per 1000 elderly (每千名老年人护理型床位数).
    pub nursing_per_1000: f64,
    /// Public beds ÷ beds (公益性床位占比).
    pub public_share: f64,
    /// Beds added since the base year (新增养老床位).
    pub new_beds: u64,
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
    /// Beds assigned to the elderly under bed capacities, before the plan.
    pub assigned_before: BedAssignment,
    /// The same after the plan's last year.
    pub assigned_after: BedAssignment,
}

/// The elderly's share of the region's beds (beds per elderly, region-wide) assigned to bed
/// sites within the catchment under each site's beds, nearest first and then rebalanced as a
/// maximum flow: how much of the demand a bed within reach can meet, and how far it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct BedAssignment {
    /// Share of the demand assigned to a bed within the catchment.
    pub served_share: f64,
    /// Mean minutes from the elderly to their assigned beds.
    pub mean_minutes: f64,
}

/// A bed target the plan cannot meet, and by how much.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BedShortfall {
    /// Plan year.
    pub year: i32,
    /// Which target.
    pub target: String,
    /// How many short, in `unit`.
    pub beds_short: u64,
    /// What is short: `beds`, `nursing_beds` or `beds_to_designate` (private beds to
    /// re-designate as 公益性).
    pub unit: String,
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
    /// The least cost meeting every bed target it can without a budget, 万元 (equal to
    /// `cost_wan` unless the budget binds).
    pub unconstrained_wan: f64,
    /// Whether the budget bound the bed plan.
    pub budget_binds: bool,
    /// Accessibility before and after.
    pub accessibility: Accessibility,
}

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

use crate::model::decisions::Verdict;
use crate::model::{Region, Scenario};
use crate::solve::Certificate;
use crate::solve::beds::{self as bed_solver, SiteClass, UnitCosts, YearNeed};
use crate::travel::ReachLists;

/// Branch-and-bound nodes per bed model solve.
const NODE_LIMIT: u64 = 20_000;

/// Whether a facility holds beds that can be converted or expanded.
fn is_bed_facility(kind: FacilityType, beds: u32) -> bool {
    kind == FacilityType::Institution || beds > 0
}

/// The sites bed planning considers: facilities with beds or of type institution, then
/// candidates that allow an institution (combined site index).
pub fn bed_sites(region: &Region) -> Vec<SiteIdx> {
    let nf = region.facilities.len();
    let mut sites: Vec<SiteIdx> = region
        .facilities
        .iter()
        .enumerate()
        .filter(|(_, f)| is_bed_facility(f.kind, f.beds))
        .map(|(i, _)| SiteIdx(i as u32))
        .collect();
    sites.extend(
        region
            .candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.allow.institution())
            .map(|(i, _)| SiteIdx((nf + i) as u32)),
    );
    sites
}

/// A max-heap entry: priority, then the lower index first.
#[derive(PartialEq)]
struct Pick(f64, usize);

impl Eq for Pick {}

impl PartialOrd for Pick {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pick {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(other.1.cmp(&self.1))
    }
}

impl BedYear {
    /// Sum of `f` over the facility types of `set`.
    pub fn sum(&self, set: TypeSet, f: impl Fn(&TypeBeds) -> u64) -> u64 {
        (0..4)
            .filter(|&g| set.contains_index(g))
            .map(|g| f(&self.by_type[g]))
            .sum()
    }
}

/// Bed figures of the whole region at a given elderly count; every slice is indexed by site,
/// `kinds` gives each site's facility type (new institutions are institutions).
#[allow(clippy::too_many_arguments)]
fn year_figures(
    year: i32,
    elderly: f64,
    kinds: &[FacilityType],
    beds: &[u32],
    nursing: &[u32],
    public: &[u32],
    added: &[u32],
    defs: &BedDefinitions,
) -> BedYear {
    let mut by_type = [TypeBeds::default(); 4];
    for (s, kind) in kinds.iter().enumerate() {
        let t = &mut by_type[TypeSet::index(*kind)];
        t.beds += u64::from(beds[s]);
        t.nursing_beds += u64::from(nursing[s]);
        t.public_beds += u64::from(public[s]);
        t.added_beds += u64::from(added[s]);
    }
    let mut y = BedYear {
        year,
        elderly,
        beds: 0,
        nursing_beds: 0,
        public_beds: 0,
        by_type,
        beds_per_1000: 0.0,
        nursing_share: 0.0,
        nursing_per_1000: 0.0,
        public_share: 0.0,
        new_beds: 0,
        targets: BedTargets::default(),
        met: TargetsMet {
            nursing_share: true,
            beds_per_1000: true,
            nursing_per_1000: true,
            public_share: true,
            new_beds: true,
        },
        actions: Vec::new(),
        cost_wan: 0.0,
    };
    y.beds = y.sum(TypeSet::ALL, |t| t.beds);
    y.nursing_beds = y.sum(TypeSet::ALL, |t| t.nursing_beds);
    y.public_beds = y.sum(TypeSet::ALL, |t| t.public_beds);
    let per_1000 = |x: u64| {
        if elderly > 0.0 {
            x as f64 * 1000.0 / elderly
        } else {
            0.0
        }
    };
    let share = |x: u64, of: u64| if of > 0 { x as f64 / of as f64 } else { 0.0 };
    y.beds_per_1000 = per_1000(y.sum(defs.beds_per_1000, |t| t.beds));
    y.nursing_per_1000 = per_1000(y.sum(defs.nursing_per_1000, |t| t.nursing_beds));
    y.nursing_share = share(
        y.sum(defs.nursing_share, |t| t.nursing_beds),
        y.sum(defs.nursing_share, |t| t.beds),
    );
    y.public_share = share(
        y.sum(defs.public_share, |t| t.public_beds),
        y.sum(defs.public_share, |t| t.beds),
    );
    y.new_beds = y.sum(defs.new_beds, |t| t.added_beds);
    y
}

/// Whether each target of `t` holds for the figures of `year`, comparing whole beds with
/// the exact threshold (see [`crate::model::Goal::holds_count`]).
fn check(year: &mut BedYear, t: BedTargets, defs: &BedDefinitions) {
    year.targets = t;
    let e = year.elderly;
    let holds = |goal: Option<crate::model::Goal>, have: u64, whole: f64| {
        goal.is_none_or(|g| g.holds_count(have, g.value * whole))
    };
    // A share of nothing is no share: with no beds of the counted types a positive target is
    // missed, never met by 0 ≥ 0.
    let share = |goal: Option<crate::model::Goal>, have: u64, whole: u64| {
        goal.is_none_or(|g| {
            if whole == 0 {
                g.value <= 0.0 && !g.strict
            } else {
                g.holds_count(have, g.value * whole as f64)
            }
        })
    };
    year.met = TargetsMet {
        beds_per_1000: holds(
            t.beds_per_1000,
            year.sum(defs.beds_per_1000, |x| x.beds),
            e / 1000.0,
        ),
        nursing_per_1000: holds(
            t.nursing_per_1000,
            year.sum(defs.nursing_per_1000, |x| x.nursing_beds),
            e / 1000.0,
        ),
        nursing_share: share(
            t.nursing_share,
            year.sum(defs.nursing_share, |x| x.nursing_beds),
            year.sum(defs.nursing_share, |x| x.beds),
        ),
        public_share: share(
            t.public_share,
            year.sum(defs.public_share, |x| x.public_beds),
            year.sum(defs.public_share, |x| x.beds),
        ),
        new_beds: holds(t.new_beds, year.sum(defs.new_beds, |x| x.added_beds), 1.0),
    };
}

/// Two-step floating catchment (Luo & Wang 2003): each site's beds per 1000 elderly of its
/// catchment, summed over the sites each village reaches. `weight` optionally decays with
/// minutes (Gaussian, as in Dai 2010); `beds` is indexed like `sites`.
pub fn two_step(
    reach: &ReachLists,
    elderly: &[f64],
    beds: &BTreeMap<SiteIdx, f64>,
    gaussian: bool,
) -> Vec<f64> {
    let limit = reach.limit_minutes();
    let w = |m: f64| -> f64 {
        if !gaussian {
            return 1.0;
        }
        let d = m / limit;
        let edge = (-0.5f64).exp();
        (((-0.5 * d * d).exp()) - edge) / (1.0 - edge)
    };
    let mut demand: BTreeMap<SiteIdx, f64> = BTreeMap::new();
    for (v, list) in reach.iter() {
        for r in list {
            *demand.entry(r.site).or_default() += elderly[v.get()] * w(r.minutes);
        }
    }
    let ratio: BTreeMap<SiteIdx, f64> = beds
        .iter()
        .map(|(s, b)| {
            let d = demand.get(s).copied().unwrap_or(0.0);
            (*s, if d > 0.0 { b * 1000.0 / d } else { 0.0 })
        })
        .collect();
    reach
        .iter()
        .map(|(_, list)| {
            list.iter()
                .map(|r| ratio.get(&r.site).copied().unwrap_or(0.0) * w(r.minutes))
                .sum()
        })
        .collect()
}

/// Chooses `count` new institutions among `members` (candidate indices) by p-median: every
/// village within the catchment of a bed site is a client weighted by its elderly, the cost
/// is elderly × minutes to the nearest open bed site, and the existing bed facilities and
/// the candidates opened before are forced open. `None` when the search finds no answer (the
/// caller then falls back to the neediest-catchment rule).
#[allow(clippy::too_many_arguments)]
fn site_by_p_median(
    region: &Region,
    reach: &ReachLists,
    elderly: &[f64],
    beds: &[u32],
    opened: &[bool],
    members: &[usize],
    count: usize,
    seed: u64,
) -> Option<Vec<usize>> {
    use crate::solve::pmedian::{CostTable, PMedianOptions, PMedianProblem};
    let nf = region.facilities.len();
    // Local site numbering: the allowed sites only.
    let mut local: BTreeMap<SiteIdx, u32> = BTreeMap::new();
    let mut global: Vec<SiteIdx> = Vec::new();
    let mut forced = Vec::new();
    let allowed = |s: SiteIdx| -> Option<bool> {
        let i = s.get();
        if i < nf {
            (beds[i] > 0 || region.facilities[i].kind == FacilityType::Institution).then_some(true)
        } else if opened[i - nf] {
            Some(true)
        } else {
            members.contains(&(i - nf)).then_some(false)
        }
    };
    let mut lists: Vec<Vec<(u32, f64)>> = Vec::new();
    // Each village's list holds its nearest bed sites up to `BED_SITES_PER_VILLAGE`; a full list
    // may leave farther sites out, which cost at least its farthest entry (BEAMR's tail), so
    // the p-median stays exact on the whole catchment.
    let mut beyond: Vec<f64> = Vec::new();
    for (v, list) in reach.iter() {
        let e = elderly[v.get()];
        if e <= 0.0 {
            continue;
        }
        let tail = if list.len() >= super::BED_SITES_PER_VILLAGE {
            e * list.iter().fold(0.0f64, |m, r| m.max(r.minutes))
        } else {
            f64::INFINITY
        };
        let mut row = Vec::new();
        for r in list {
            let Some(is_forced) = allowed(r.site) else {
                continue;
            };
            let j = *local.entry(r.site).or_insert_with(|| {
                global.push(r.site);
                if is_forced {
                    forced.push((global.len() - 1) as u32);
                }
                (global.len() - 1) as u32
            });
            row.push((j, e * r.minutes));
        }
        if !row.is_empty() || tail.is_finite() {
            lists.push(row);
            beyond.push(tail);
        }
    }
    let new_in_reach = global
        .iter()
        .filter(|s| s.get() >= nf && !opened[s.get() - nf])
        .count();
    if new_in_reach < count || lists.is_empty() {
        return None;
    }
    let costs = CostTable::truncated(global.len(), &lists, &beyond).ok()?;
    let p = forced.len() + count;
    let solution = PMedianProblem::new(costs, p)
        .with_forced(&forced)
        .solve(&PMedianOptions {
            seed,
            starts: 4,
            generations: 2,
            chains: 2,
            chain_iterations: 50,
            bound_iterations: 200,
            ..PMedianOptions::default()
        });
    if solution.sites.is_empty() {
        return None;
    }
    let chosen: Vec<usize> = solution
        .sites
        .iter()
        .map(|&j| global[j as usize])
        .filter(|s| s.get() >= nf && !opened[s.get() - nf])
        .map(|s| s.get() - nf)
        .collect();
    (chosen.len() == count).then_some(chosen)
}

/// Assigns each village's fair share of beds (its elderly × region-wide beds per elderly) to
/// the bed sites within reach, under their beds; see [`BedAssignment`].
pub fn assign_beds(
    reach: &ReachLists,
    elderly: &[f64],
    beds: &BTreeMap<SiteIdx, f64>,
) -> BedAssignment {
    let total_beds: f64 = beds.values().sum();
    let total_elderly: f64 = elderly.iter().sum();
    if total_beds <= 0.0 || total_elderly <= 0.0 {
        return BedAssignment::default();
    }
    let per_elderly = total_beds / total_elderly;
    let index: BTreeMap<SiteIdx, u32> = beds
        .keys()
        .enumerate()
        .map(|(j, s)| (*s, j as u32))
        .collect();
    let options: Vec<Vec<u32>> = reach
        .iter()
        .map(|(_, list)| {
            list.iter()
                .filter_map(|r| index.get(&r.site).copied())
                .collect()
        })
        .collect();
    let served = crate::solve::flow::Assignment {
        demand: elderly.iter().map(|e| e * per_elderly).collect(),
        capacity: beds.values().copied().collect(),
        options,
    }
    .solve();
    let sites: Vec<SiteIdx> = beds.keys().copied().collect();
    let mut weighted = 0.0;
    for ((v, _), flows) in reach.iter().zip(&served.flows) {
        for &(j, f) in flows {
            weighted += f * reach.minutes(v, sites[j as usize]).unwrap_or(0.0);
        }
    }
    BedAssignment {
        served_share: served.total / total_beds.min(total_elderly * per_elderly),
        mean_minutes: if served.total > 0.0 {
            weighted / served.total
        } else {
            0.0
        },
    }
}

/// Gini coefficient of `values` weighted by `weights` (0 = everyone equal).
pub fn gini(values: &[f64], weights: &[f64]) -> f64 {
    let mut pairs: Vec<(f64, f64)> = values
        .iter()
        .zip(weights)
        .filter(|(_, w)| **w > 0.0)
        .map(|(v, w)| (*v, *w))
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total_w: f64 = pairs.iter().map(|p| p.1).sum();
    let total_vw: f64 = pairs.iter().map(|p| p.0 * p.1).sum();
    if total_w <= 0.0 || total_vw <= 0.0 {
        return 0.0;
    }
    // Area under the Lorenz curve by trapezoids.
    let (mut cum_w, mut cum_vw, mut area) = (0.0, 0.0, 0.0);
    for (v, w) in pairs {
        let (x0, y0) = (cum_w / total_w, cum_vw / total_vw);
        cum_w += w;
        cum_vw += v * w;
        let (x1, y1) = (cum_w / total_w, cum_vw / total_vw);
        area += (x1 - x0) * (y0 + y1) / 2.0;
    }
    (1.0 - 2.0 * area).max(0.0)
}

/// Plans beds for every plan year. `reach` holds, for each village, the bed sites
/// ([`bed_sites`]) within the catchment.
///
/// # Errors
/// [`bed_solver::BedSolveError`] when the bed model cannot be solved.
pub fn plan(
    scenario: &Scenario,
    region: &Region,
    reach: &ReachLists,
    day_care_spend: &BTreeMap<i32, f64>,
) -> Result<BedPlan, bed_solver::BedSolveError> {
    let nf = region.facilities.len();
    let defs = &scenario.indicators;
    let sites = bed_sites(region);
    let elderly0: Vec<f64> = region
        .villages
        .iter()
        .map(|v| f64::from(v.elderly))
        .collect();
    let need_weight: Vec<f64> = region
        .villages
        .iter()
        .map(|v| f64::from(v.disabled.unwrap_or(v.elderly)))
        .collect();
    // Demand around each site: elderly (and disabled) within its catchment.
    let mut demand = vec![0.0; region.site_count()];
    let mut demand_disabled = vec![0.0; region.site_count()];
    for (v, list) in reach.iter() {
        for r in list {
            demand[r.site.get()] += elderly0[v.get()];
            demand_disabled[r.site.get()] += need_weight[v.get()];
        }
    }

    // Current stock per site (facilities; candidates start empty and are institutions).
    let kinds: Vec<FacilityType> = (0..region.site_count())
        .map(|s| {
            region
                .facilities
                .get(s)
                .map_or(FacilityType::Institution, |f| f.kind)
        })
        .collect();
    let mut beds = vec![0u32; region.site_count()];
    let mut nursing = vec![0u32; region.site_count()];
    let mut public_beds = vec![0u32; region.site_count()];
    let mut is_public = vec![true; region.site_count()];
    let mut room = vec![0u32; region.site_count()];
    for (i, f) in region.facilities.iter().enumerate() {
        beds[i] = f.beds;
        nursing[i] = f.nursing_beds;
        is_public[i] = f.public;
        public_beds[i] = if f.public { f.beds } else { 0 };
        // Any facility with a `max_beds` ceiling may add beds up to it.
        room[i] = f.max_beds.map_or(0, |m| m.saturating_sub(f.beds));
    }
    // The stock before the plan, for the baseline.
    let (beds0, nursing0, public0) = (beds.clone(), nursing.clone(), public_beds.clone());
    // Decisions ([`crate::model::decisions`]): a required bed action is done in the first
    // plan year (every ordinary bed converted, the room built; a required institution
    // candidate opened with its `max_beds`), before the model plans the rest; an excluded one
    // leaves the facility's beds as they are.
    let serving = scenario.day_care.serving;
    let mut forced_added = vec![0u32; region.site_count()];
    let mut forced_converted = vec![0u32; region.site_count()];
    let mut frozen = vec![false; nf];
    for i in 0..nf {
        match scenario.decisions.bed_verdict(region, serving, i) {
            Some(Verdict::Required) => {
                forced_converted[i] = beds[i] - nursing[i];
                forced_added[i] = room[i];
                beds[i] += room[i];
                nursing[i] = beds[i];
                if is_public[i] {
                    public_beds[i] += room[i];
                }
                room[i] = 0;
            }
            Some(Verdict::Excluded) => {
                frozen[i] = true;
                room[i] = 0;
            }
            None => {}
        }
    }
    let required_institutions = scenario.decisions.required_institutions(region);
    for &c in &required_institutions {
        let s = nf + c;
        let cap = region.candidates[c].max_beds.unwrap_or(0);
        beds[s] = cap;
        nursing[s] = cap;
        public_beds[s] = cap;
        forced_added[s] = cap;
    }
    let forced_wan: f64 = (0..region.site_count())
        .map(|s| {
            let fixed = match s.checked_sub(nf) {
                Some(c) if forced_added[s] > 0 => region.candidates[c]
                    .cost_wan
                    .unwrap_or(scenario.costs.institution_wan),
                _ => 0.0,
            };
            f64::from(forced_added[s]) * scenario.costs.new_bed_wan
                + f64::from(forced_converted[s]) * scenario.costs.convert_bed_wan
                + fixed
        })
        .fold(0.0, |a, b| a + b);
    let mut stock = bed_solver::Stock::default();
    for i in 0..nf {
        let g = &mut stock.groups[TypeSet::index(kinds[i])];
        g.beds += u64::from(beds[i]);
        g.nursing += u64::from(nursing[i]);
        g.public += u64::from(public_beds[i]);
        if is_public[i] {
            g.room_public += u64::from(room[i]);
        } else {
            g.room_private += u64::from(room[i]);
        }
        if frozen[i] {
            g.locked += u64::from(beds[i] - nursing[i]);
        }
        g.added += u64::from(forced_added[i]);
    }
    for &c in &required_institutions {
        let g = &mut stock.groups[bed_solver::institution_group()];
        let s = nf + c;
        g.beds += u64::from(beds[s]);
        g.nursing += u64::from(nursing[s]);
        g.public += u64::from(public_beds[s]);
        g.added += u64::from(forced_added[s]);
    }
    // Candidate classes by (capacity, fixed cost); required ones are open already.
    let mut class_of: BTreeMap<(u32, u64), Vec<usize>> = BTreeMap::new();
    for (c, cand) in region.candidates.iter().enumerate() {
        if cand.allow.institution() && !required_institutions.contains(&c) {
            let fixed = cand.cost_wan.unwrap_or(scenario.costs.institution_wan);
            let cap = cand.max_beds.unwrap_or(0);
            if cap > 0 {
                class_of.entry((cap, fixed.to_bits())).or_default().push(c);
            }
        }
    }
    let classes: Vec<SiteClass> = class_of
        .iter()
        .map(|((cap, fixed), members)| SiteClass {
            capacity: *cap,
            fixed_wan: f64::from_bits(*fixed),
            count: members.len() as u32,
        })
        .collect();
    let members: Vec<&Vec<usize>> = class_of.values().collect();
    let total_elderly: f64 = elderly0.iter().sum();
    let needs: Vec<YearNeed> = scenario
        .years
        .iter()
        .map(|&y| YearNeed {
            year: y,
            elderly: total_elderly * scenario.growth_factor(y),
            targets: scenario.bed_targets.get(&y).copied().unwrap_or_default(),
        })
        .collect();
    let costs = UnitCosts {
        convert_wan: scenario.costs.convert_bed_wan,
        new_bed_wan: scenario.costs.new_bed_wan,
        designate_wan: scenario.costs.designate_public_wan,
    };
    // What the budget leaves for beds once the day-care network is paid for; with an allowed
    // overrun the least-cost schedule stands and the report flags the excess.
    let b = &scenario.budget;
    let first_year = scenario.years.first().copied();
    let bed_budget = if b.allow_overrun {
        bed_solver::BedBudget::default()
    } else {
        let dc_total: f64 = day_care_spend.values().fold(0.0, |a, b| a + b);
        bed_solver::BedBudget {
            total_wan: b.total_wan.map(|t| (t - dc_total - forced_wan).max(0.0)),
            year_wan: scenario
                .years
                .iter()
                .map(|y| {
                    let forced = if Some(*y) == first_year {
                        forced_wan
                    } else {
                        0.0
                    };
                    b.per_year_wan.get(y).map(|limit| {
                        (limit - day_care_spend.get(y).copied().unwrap_or(0.0) - forced).max(0.0)
                    })
                })
                .collect(),
        }
    };
    let schedule = bed_solver::schedule(
        &stock,
        &classes,
        &needs,
        &costs,
        defs,
        &bed_budget,
        NODE_LIMIT,
    )?;
    let budget_note = schedule.budget_binds.then_some(schedule.unconstrained_wan);

    let no_added = vec![0u32; nf];
    let mut baseline = year_figures(
        scenario.base_year,
        total_elderly,
        &kinds[..nf],
        &beds0[..nf],
        &nursing0[..nf],
        &public0[..nf],
        &no_added,
        defs,
    );
    check(&mut baseline, BedTargets::default(), defs);
    let mut opened = vec![false; region.candidates.len()];
    for &c in &required_institutions {
        opened[c] = true;
    }
    let mut added_total = vec![0u32; region.site_count()];
    let mut previous = bed_solver::Cumulative {
        new_sites: vec![(0, 0); classes.len()],
        ..Default::default()
    };
    let mut years = Vec::with_capacity(needs.len());
    let mut shortfalls = Vec::new();
    for (t, need) in needs.iter().enumerate() {
        let cum = &schedule.years[t];
        let mut actions: Vec<BedAction> = Vec::new();
        let mut converted = vec![0u32; region.site_count()];
        let mut added = vec![0u32; region.site_count()];
        let mut designated = vec![0u32; region.site_count()];
        if t == 0 {
            added.clone_from(&forced_added);
            converted.clone_from(&forced_converted);
        }
        // New institutions first, so that expansion and conversion see their beds.
        for (k, class) in classes.iter().enumerate() {
            let mut open_more = cum.new_sites[k].0 - previous.new_sites[k].0;
            if open_more > 0
                && let Some(chosen) = site_by_p_median(
                    region,
                    reach,
                    &elderly0,
                    &beds,
                    &opened,
                    members[k],
                    open_more as usize,
                    scenario.seed,
                )
            {
                for c in chosen {
                    opened[c] = true;
                }
                open_more = 0;
            }
            // Without a p-median answer: the neediest catchment, one site at a time.
            for _ in 0..open_more {
                // Beds per 1000 within reach of every village now, counting the capacity of
                // sites opened this year, so that new institutions spread out.
                let supply: BTreeMap<SiteIdx, f64> = sites
                    .iter()
                    .map(|s| {
                        let planned = match s.get().checked_sub(nf) {
                            Some(c) if opened[c] && beds[s.get()] == 0 => {
                                f64::from(region.candidates[c].max_beds.unwrap_or(0))
                            }
                            _ => f64::from(beds[s.get()]),
                        };
                        (*s, planned)
                    })
                    .collect();
                let access = two_step(reach, &elderly0, &supply, false);
                let best = members[k]
                    .iter()
                    .copied()
                    .filter(|&c| !opened[c])
                    .map(|c| {
                        let (d, sup) = reach.villages_of(SiteIdx((nf + c) as u32)).iter().fold(
                            (0.0, 0.0),
                            |(d, sup), vr| {
                                let e = elderly0[vr.village.get()];
                                (d + e, sup + e * access[vr.village.get()] / 1000.0)
                            },
                        );
                        Pick(d / (1.0 + sup), c)
                    })
                    .max();
                if let Some(Pick(_, c)) = best {
                    opened[c] = true;
                }
            }
            // Beds at this class's open sites: fill the neediest first.
            let mut to_add = cum.new_sites[k].1 - previous.new_sites[k].1;
            let mut heap: BinaryHeap<Pick> = members[k]
                .iter()
                .copied()
                .filter(|&c| opened[c] && beds[nf + c] < class.capacity)
                .map(|c| Pick(demand[nf + c] / (1.0 + f64::from(beds[nf + c])), c))
                .collect();
            while to_add > 0 {
                let Some(Pick(_, c)) = heap.pop() else { break };
                let s = nf + c;
                beds[s] += 1;
                nursing[s] += 1;
                public_beds[s] += 1;
                added[s] += 1;
                to_add -= 1;
                if beds[s] < class.capacity {
                    heap.push(Pick(demand[s] / (1.0 + f64::from(beds[s])), c));
                }
            }
        }
        for g in 0..bed_solver::GROUPS {
            let in_group = |i: usize| TypeSet::index(kinds[i]) == g;
            // Expansion, public and private separately.
            for (want_public, amount) in [
                (true, cum.expand_public[g] - previous.expand_public[g]),
                (false, cum.expand_private[g] - previous.expand_private[g]),
            ] {
                let mut heap: BinaryHeap<Pick> = (0..nf)
                    .filter(|&i| in_group(i) && is_public[i] == want_public && room[i] > 0)
                    .map(|i| Pick(demand[i] / (1.0 + f64::from(beds[i])), i))
                    .collect();
                let mut left = amount;
                while left > 0 {
                    let Some(Pick(_, i)) = heap.pop() else { break };
                    beds[i] += 1;
                    nursing[i] += 1;
                    if want_public {
                        public_beds[i] += 1;
                    }
                    added[i] += 1;
                    room[i] -= 1;
                    left -= 1;
                    if room[i] > 0 {
                        heap.push(Pick(demand[i] / (1.0 + f64::from(beds[i])), i));
                    }
                }
            }
            // Conversions where the disabled elderly have the fewest nursing beds.
            let mut heap: BinaryHeap<Pick> = (0..nf)
                .filter(|&i| in_group(i) && !frozen[i] && beds[i] > nursing[i])
                .map(|i| Pick(demand_disabled[i] / (1.0 + f64::from(nursing[i])), i))
                .collect();
            let mut left = cum.convert[g] - previous.convert[g];
            while left > 0 {
                let Some(Pick(_, i)) = heap.pop() else { break };
                nursing[i] += 1;
                converted[i] += 1;
                left -= 1;
                if beds[i] > nursing[i] {
                    heap.push(Pick(demand_disabled[i] / (1.0 + f64::from(nursing[i])), i));
                }
            }
            // Re-designation: whole facilities first, the largest private ones, so that as
            // few operators as possible change contract.
            let mut left = cum.designate[g] - previous.designate[g];
            let mut private: Vec<usize> = (0..nf)
                .filter(|&i| in_group(i) && beds[i] > public_beds[i])
                .collect();
            private.sort_by(|&a, &b| {
                (beds[b] - public_beds[b])
                    .cmp(&(beds[a] - public_beds[a]))
                    .then(a.cmp(&b))
            });
            for i in private {
                if left == 0 {
                    break;
                }
                let take = u64::from(beds[i] - public_beds[i]).min(left) as u32;
                public_beds[i] += take;
                designated[i] += take;
                left -= u64::from(take);
            }
        }
        for s in 0..region.site_count() {
            if added[s] == 0 && converted[s] == 0 && designated[s] == 0 {
                continue;
            }
            let site = SiteIdx(s as u32);
            let (kind, id, name, township, pos, fixed) = match region.site(site) {
                crate::model::Site::Existing(f) => (
                    if added[s] > 0 {
                        ActionKind::Expand
                    } else if converted[s] > 0 {
                        ActionKind::Convert
                    } else {
                        ActionKind::DesignatePublic
                    },
                    f.id.clone(),
                    f.name.clone(),
                    f.township.clone(),
                    f.pos,
                    0.0,
                ),
                crate::model::Site::Candidate(c) => {
                    let first = beds[s] == added[s];
                    (
                        ActionKind::NewInstitution,
                        c.id.clone(),
                        c.name.clone(),
                        c.township.clone(),
                        c.pos,
                        if first {
                            c.cost_wan.unwrap_or(scenario.costs.institution_wan)
                        } else {
                            0.0
                        },
                    )
                }
            };
            let cost_wan = f64::from(added[s]) * scenario.costs.new_bed_wan
                + f64::from(converted[s]) * scenario.costs.convert_bed_wan
                + f64::from(designated[s]) * scenario.costs.designate_public_wan.unwrap_or(0.0)
                + fixed;
            actions.push(BedAction {
                year: need.year,
                kind,
                site,
                id,
                name,
                township,
                lon: pos.lon,
                lat: pos.lat,
                new_beds: added[s],
                converted_beds: converted[s],
                designated_beds: designated[s],
                cost_wan,
            });
        }
        actions.sort_by(|a, b| {
            a.kind
                .cmp(&b.kind)
                .then(b.cost_wan.total_cmp(&a.cost_wan))
                .then(a.site.cmp(&b.site))
        });
        for s in 0..region.site_count() {
            added_total[s] += added[s];
        }
        let mut fig = year_figures(
            need.year,
            need.elderly,
            &kinds,
            &beds,
            &nursing,
            &public_beds,
            &added_total,
            defs,
        );
        check(&mut fig, need.targets, defs);
        // A share target over types that hold no beds is missed with nothing short in the
        // model: say why.
        for (target, met, set) in [
            ("nursing_share", fig.met.nursing_share, defs.nursing_share),
            ("public_share", fig.met.public_share, defs.public_share),
        ] {
            if !met && fig.sum(set, |x| x.beds) == 0 {
                shortfalls.push(BedShortfall {
                    year: need.year,
                    target: target.to_owned(),
                    beds_short: 0,
                    unit: "beds".to_owned(),
                    zh: format!("{} 年{}目标无法评价：计入的设施类型（{}）没有床位", need.year, target_zh(target), set.zh()),
                    en: format!("{}: the {target} target cannot hold: the counted facility types ({}) have no beds", need.year, set.en()),
                });
            }
        }
        fig.cost_wan = actions.iter().map(|a| a.cost_wan).fold(0.0, |a, b| a + b);
        fig.actions = actions;
        shortfalls.extend(year_shortfalls(
            need.year,
            &schedule.slack[t],
            scenario.costs.designate_public_wan.is_some(),
            budget_note,
        ));
        years.push(fig);
        previous = cum.clone();
    }

    // Accessibility before and after, elderly at the final year.
    let final_elderly: Vec<f64> = elderly0
        .iter()
        .map(|e| e * scenario.growth_factor(scenario.final_year()))
        .collect();
    let before_beds: BTreeMap<SiteIdx, f64> = sites
        .iter()
        .filter(|s| s.get() < nf)
        .map(|s| (*s, f64::from(region.facilities[s.get()].beds)))
        .collect();
    let after_beds: BTreeMap<SiteIdx, f64> = sites
        .iter()
        .map(|s| (*s, f64::from(beds[s.get()])))
        .collect();
    let before = two_step(reach, &elderly0, &before_beds, scenario.beds.gaussian);
    let after = two_step(reach, &final_elderly, &after_beds, scenario.beds.gaussian);
    let accessibility = Accessibility {
        gini_before: gini(&before, &elderly0),
        gini_after: gini(&after, &final_elderly),
        before,
        after,
        catchment_minutes: reach.limit_minutes(),
        assigned_before: assign_beds(reach, &elderly0, &before_beds),
        assigned_after: assign_beds(reach, &final_elderly, &after_beds),
    };
    let cert: Certificate = schedule.certificate;
    Ok(BedPlan {
        status: cert.status,
        cost_wan: years.iter().map(|y| y.cost_wan).fold(0.0, |a, b| a + b),
        bound_wan: cert.bound + forced_wan,
        gap: Certificate::new(cert.objective + forced_wan, cert.bound + forced_wan).gap,
        baseline,
        years,
        shortfalls,
        unconstrained_wan: schedule.unconstrained_wan + forced_wan,
        budget_binds: schedule.budget_binds,
        accessibility,
    })
}

fn target_zh(target: &str) -> &'static str {
    match target {
        "beds_per_1000" => "每千名老年人养老床位数",
        "nursing_per_1000" => "每千名老年人护理型床位数",
        "nursing_share" => "护理型床位占比",
        "public_share" => "公益性床位占比",
        _ => "新增养老床位",
    }
}

fn unit_zh(unit: &str) -> &'static str {
    match unit {
        "nursing_beds" => "张护理型床位",
        "beds_to_designate" => "张待转为公益性的床位",
        _ => "张床位",
    }
}

/// The shortfalls of one year, each in the unit of the action that would close it.
fn year_shortfalls(
    year: i32,
    slack: &bed_solver::Slack,
    can_designate: bool,
    budget_binds: Option<f64>,
) -> Vec<BedShortfall> {
    let mut out = Vec::new();
    let mut push = |target: &str, short: u64, unit: &str, zh: String, en: String| {
        if short > 0 {
            // Under a binding budget the reason is the money, whatever the capacity.
            let (zh, en) = match budget_binds {
                Some(need) => (
                    format!(
                        "{year} 年{}目标受预算所限未能达到：差 {short}（{}）；不受预算限制时满足全部床位目标需 {need:.0} 万元",
                        target_zh(target),
                        unit_zh(unit)
                    ),
                    format!(
                        "{year}: the {target} target is not met within the budget: {short} {} short; meeting every bed target without the budget costs {need:.0} 万元",
                        unit.replace('_', " ")
                    ),
                ),
                None => (zh, en),
            };
            out.push(BedShortfall {
                year,
                target: target.to_owned(),
                beds_short: short,
                unit: unit.to_owned(),
                zh,
                en,
            });
        }
    };
    let s = slack.beds_per_1000;
    push(
        "beds_per_1000",
        s,
        "beds",
        format!(
            "{year} 年每千名老年人养老床位数目标无法达到：扩建余量与候选点容量用尽后仍差 {s} 张床位"
        ),
        format!(
            "{year}: the beds-per-1000 target cannot be met: {s} beds short after every expansion and candidate site"
        ),
    );
    let s = slack.nursing_per_1000;
    push(
        "nursing_per_1000",
        s,
        "nursing_beds",
        format!(
            "{year} 年每千名老年人护理型床位数目标无法达到：改造、扩建与新建用尽后仍差 {s} 张护理型床位"
        ),
        format!(
            "{year}: the nursing-beds-per-1000 target cannot be met: {s} nursing beds short after every conversion, expansion and candidate site"
        ),
    );
    let s = slack.nursing_share;
    push(
        "nursing_share",
        s,
        "nursing_beds",
        format!(
            "{year} 年护理型床位占比目标无法达到：计入的设施类型中可改造床位与新增床位用尽后仍差 {s} 张护理型床位"
        ),
        format!(
            "{year}: the nursing-share target cannot be met: {s} nursing beds short after every conversion and new bed in the counted facility types"
        ),
    );
    let s = slack.public_share;
    let (zh, en) = if can_designate {
        (
            format!(
                "{year} 年公益性床位占比目标无法达到：全部民办床位转为公益性并新增公办床位后仍差 {s} 张公益性床位"
            ),
            format!(
                "{year}: the public-bed share target cannot be met: {s} public-interest beds short after re-designating every private bed and adding public beds"
            ),
        )
    } else {
        (
            format!(
                "{year} 年公益性床位占比目标无法达到：需将 {s} 张民办床位转为公益性床位（改造护理型床位不改变此占比；情景未设 costs.designate_public，未规划此项）"
            ),
            format!(
                "{year}: the public-bed share target cannot be met: {s} private beds would have to be re-designated as public-interest beds (conversions do not change this share; the scenario sets no costs.designate_public, so re-designation is not planned)"
            ),
        )
    };
    push("public_share", s, "beds_to_designate", zh, en);
    let s = slack.new_beds;
    push(
        "new_beds",
        s,
        "beds",
        format!("{year} 年新增养老床位目标无法达到：扩建余量与候选点容量用尽后仍差 {s} 张床位"),
        format!(
            "{year}: the new-bed target cannot be met: {s} beds short after every expansion and candidate site"
        ),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::VillageIdx;

    /// Two villages of 1,000 elderly; a site of 10 beds reached by both (5 and 20 minutes),
    /// a second of 10 beds reached by neither.
    fn lists() -> ReachLists {
        ReachLists::from_pairs(
            2,
            2,
            30.0,
            [
                (VillageIdx(0), SiteIdx(0), 5.0),
                (VillageIdx(1), SiteIdx(0), 20.0),
            ],
        )
    }

    #[test]
    fn two_step_shares_beds_by_catchment() {
        let beds = BTreeMap::from([(SiteIdx(0), 10.0), (SiteIdx(1), 10.0)]);
        // Site 0: 10 beds for 2,000 elderly = 5 per 1000, for both villages.
        let a = two_step(&lists(), &[1000.0, 1000.0], &beds, false);
        assert_eq!(a, vec![5.0, 5.0]);
        assert_eq!(gini(&a, &[1000.0, 1000.0]), 0.0);
    }

    #[test]
    fn gini_of_all_to_one_is_one_half_for_two() {
        // Two equal groups, one with everything: Lorenz area 1/4, Gini 1 - 2/4 = 0.5.
        assert!((gini(&[0.0, 10.0], &[1.0, 1.0]) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn assignment_is_capped_by_beds_within_reach() {
        // 20 beds for 2,000 elderly: each village's share is 10 beds. Only site 0 (10 beds)
        // is within reach: 10 of 20 assigned, nearest first, so all to village 0 at 5 minutes.
        let beds = BTreeMap::from([(SiteIdx(0), 10.0), (SiteIdx(1), 10.0)]);
        let a = assign_beds(&lists(), &[1000.0, 1000.0], &beds);
        assert!((a.served_share - 0.5).abs() < 1e-9);
        assert!((a.mean_minutes - 5.0).abs() < 1e-9);
    }
}
