//! A scenario turned into a plan: load, travel, then the day-care network (and, as they
//! land, the bed plan), with the timings of each step.

pub mod beds;
pub mod day_care;
pub mod indicators;

use std::time::Instant;

use crate::error::Diagnostics;
use crate::model::decisions::Verdict;
use crate::model::{AreaKind, FacilityType, LonLat, Region, Scenario, SiteIdx, TravelKind};
use crate::numbers::{round_wan, wan};
use crate::solve::Status;
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
    /// The plan again at each budget of `[budget] sweep` (empty without one).
    pub tradeoff: Vec<TradeoffPoint>,
    /// Money: the budget, what the plan spends per year, and any overrun.
    pub spending: Spending,
    /// The price of the scenario's decisions (`None` without any).
    pub decisions: Option<DecisionPrices>,
    /// Service areas of the serving sites ([`serving_sites`]) as the travel model sees them,
    /// where it draws them (road networks); empty otherwise.
    pub service_areas: Vec<ServiceArea>,
    /// What loading noticed without it being an error (full-width digits read as ASCII,
    /// points far outside the outline), located like diagnostics.
    pub notes: Diagnostics,
    /// Timings.
    pub timings: Timings,
}

/// The service area of one serving site, as the travel model draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceArea {
    /// The site.
    pub site: SiteIdx,
    /// Its area, WGS-84 degrees.
    pub area: geo::MultiPolygon<f64>,
}

/// A site that serves day care at the end of the plan, with the area type whose travel its
/// service area shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServingSite {
    /// The site: an existing facility of a serving type, or a new site's candidate.
    pub site: SiteIdx,
    /// Its position (WGS-84).
    pub pos: LonLat,
    /// The area type of the nearest village it reaches, or of the nearest village in a
    /// straight line when it reaches none.
    pub kind: AreaKind,
}

/// The crow-fly reach in metres for the villages of area type `kind`: the time limit at that
/// type's travel mode (minutes × speed ÷ detour). The crow-fly model times each trip at the
/// village's mode, so a village of type `kind` reaches a site exactly when its great-circle
/// (haversine) distance to the site is at most this radius (up to floating-point rounding).
pub fn service_radius_m(travel: &crate::model::Travel, kind: AreaKind) -> f64 {
    let mode = crate::travel::CrowFly::new(travel.urban, travel.rural).mode(kind);
    crate::travel::reach_radius_m(mode, travel.minutes)
}

/// The crow-fly service rings every serving site gets: one per village area type present in
/// the region (urban first), with the radius in metres that villages of that type reach
/// ([`service_radius_m`]). A village of type K is served by a site exactly when it lies inside
/// that site's K ring. Empty for a region without villages.
pub fn service_rings_m(region: &Region, travel: &crate::model::Travel) -> Vec<(AreaKind, f64)> {
    [AreaKind::Urban, AreaKind::Rural]
        .into_iter()
        .filter(|k| region.villages.iter().any(|v| v.kind == *k))
        .map(|k| (k, service_radius_m(travel, k)))
        .collect()
}

/// The area type of a site, whose travel mode draws its road-network service area: that of the nearest village it
/// reaches (the reach lists run nearest first), or of the nearest village in a straight line
/// when it reaches none; rural in a region without villages.
pub fn site_area_kind(region: &Region, reach: &ReachLists, site: SiteIdx, pos: LonLat) -> AreaKind {
    if let Some(vr) = reach.villages_of(site).first() {
        return region.villages[vr.village.get()].kind;
    }
    let cos = pos.lat.to_radians().cos();
    region
        .villages
        .iter()
        .map(|v| {
            let (dx, dy) = ((v.pos.lon - pos.lon) * cos, v.pos.lat - pos.lat);
            (dx * dx + dy * dy, v.kind)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(AreaKind::Rural, |(_, kind)| kind)
}

/// The serving sites of a day-care plan: existing facilities of the serving types and those
/// the plan upgrades (when comprehensive centres serve) in file order, then the new sites in
/// plan order.
pub fn serving_sites(region: &Region, reach: &ReachLists, dc: &DayCarePlan) -> Vec<ServingSite> {
    let nf = region.facilities.len();
    // Facilities the plan upgrades become comprehensive centres and serve where those do.
    let upgrades_serve = dc.serving.contains(FacilityType::Comprehensive);
    let upgraded = |id: &str| upgrades_serve && dc.upgrades.iter().any(|u| u.id == id);
    region
        .facilities
        .iter()
        .enumerate()
        .filter(|(_, f)| dc.serving.contains(f.kind) || upgraded(&f.id))
        .map(|(i, f)| (i, f.pos))
        .chain(dc.sites.iter().map(|s| {
            (
                nf + s.candidate,
                LonLat {
                    lon: s.lon,
                    lat: s.lat,
                },
            )
        }))
        .map(|(i, pos)| {
            let site = SiteIdx(i as u32);
            let kind = site_area_kind(region, reach, site, pos);
            ServingSite { site, pos, kind }
        })
        .collect()
}

/// Half-width of the margin around the villages a site serves in an outlined service area,
/// metres (matrix travel; see [`outlined_service_areas`]).
pub const OUTLINE_MARGIN_M: f64 = 100.0;

/// Service areas for travel models without geometry (an origin–destination matrix): each
/// serving site's served villages outlined, the convex hull of the site and every village
/// that reaches it within the limit, with a margin of [`OUTLINE_MARGIN_M`].
pub fn outlined_service_areas(
    region: &Region,
    reach: &ReachLists,
    serving: &[(SiteIdx, AreaKind)],
) -> Vec<ServiceArea> {
    use geo::{Area, Buffer, ConvexHull, MapCoords, MultiPoint, Point};
    serving
        .iter()
        .map(|&(site, _)| {
            let origin = region.site(site).pos();
            let local = travel::LocalPlane::around(origin);
            let plane = |p: LonLat| Point::from(local.to_plane(p));
            let points: MultiPoint<f64> = std::iter::once(plane(origin))
                .chain(
                    reach
                        .villages_of(site)
                        .iter()
                        .map(|vr| plane(region.villages[vr.village.get()].pos)),
                )
                .collect();
            // A site serving one village (or none, or villages in a line) has a hull with no
            // area: the line through the points is outlined instead.
            let hull = points.convex_hull();
            let area = if hull.unsigned_area() > 1.0 {
                hull.buffer(OUTLINE_MARGIN_M)
            } else {
                geo::LineString::from_iter(points.iter().map(|p| p.0)).buffer(OUTLINE_MARGIN_M)
            };
            let area = area.map_coords(|c| local.to_degrees(c));
            ServiceArea { site, area }
        })
        .collect()
}

/// The plan at one total budget of the trade-off (`[budget] sweep`): which targets it meets
/// and the coverage it reaches.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TradeoffPoint {
    /// The total budget planned with, 万元.
    pub budget_wan: f64,
    /// What that plan spends, 万元 (more than the budget only where the rules or an allowed
    /// overrun need it).
    pub spent_wan: f64,
    /// Day-care coverage share reached in the final year.
    pub coverage: f64,
    /// Elderly served by day care in the final year.
    pub covered_elderly: f64,
    /// New day-care sites.
    pub new_sites: u32,
    /// Spend above this budget (in all, or the largest over a year's own limit), 万元; more
    /// than 0 only where the scenario allows an overrun.
    pub overrun_wan: f64,
    /// Targets (indicator key and year, `coverage 2025`) met.
    pub met: Vec<String>,
    /// Targets missed.
    pub missed: Vec<String>,
}

/// What the plan spends against its budget, 万元.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Spending {
    /// The scenario's total budget, if any.
    pub budget_wan: Option<f64>,
    /// The scenario's per-year budgets.
    pub budget_per_year_wan: std::collections::BTreeMap<i32, f64>,
    /// Whether the scenario lets the plan spend more than the budget.
    pub allow_overrun: bool,
    /// Spent in all, day care and beds.
    pub spent_wan: f64,
    /// Spent per plan year, day care and beds.
    pub spent_per_year_wan: std::collections::BTreeMap<i32, f64>,
    /// Spent on the day-care network (new centres and upgrades).
    pub day_care_wan: f64,
    /// Spent on beds.
    pub beds_wan: f64,
    /// What every bed target would cost without the budget (equal to `beds_wan` unless the
    /// budget binds).
    pub beds_unconstrained_wan: f64,
    /// Whether the budget bound the bed plan.
    pub budget_binds: bool,
    /// Spend above the budget, in all or in some year (0 when within it).
    pub overrun_wan: f64,
    /// Spend above the total budget, 万元 (0 when within it or without one).
    pub overrun_total_wan: f64,
    /// Spend above each year's own limit, 万元, for the years that exceed theirs.
    pub overrun_per_year_wan: std::collections::BTreeMap<i32, f64>,
    /// Targets the budget leaves unmet, each with the money that would close it.
    pub missed: Vec<MissedTarget>,
}

/// A target the budget leaves unmet, with the money that would close it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MissedTarget {
    /// Indicator key: `coverage`, or a bed target (`nursing_share`, `beds_per_1000`, ...).
    pub indicator: String,
    /// Plan year of the step.
    pub year: i32,
    /// Extra 万元 over the budget that the cheapest plan meeting it needs.
    pub extra_wan: f64,
    /// Whether `extra_wan` is proven least; when false it is an upper bound (a search
    /// stopped at its node limit, for a bed target the price of meeting every bed target, or
    /// for a step a yearly budget delays the yearly money the schedule by need asks).
    pub exact: bool,
    /// What the step lacks, in its numerator's unit (elderly for coverage; townships,
    /// streets or counties for the centre rules; beds for the bed targets): `⌈target ×
    /// denominator⌉ − planned numerator` of its indicator row.
    pub short: f64,
    /// Whether a yearly budget (`[budget] per_year`) is what misses it, rather than the total.
    pub per_year: bool,
}

impl Spending {
    /// Adds up a plan's spend per year against the scenario's budget.
    pub fn of(
        scenario: &Scenario,
        day_care: &std::collections::BTreeMap<i32, f64>,
        beds: Option<&BedPlan>,
    ) -> Self {
        let b = &scenario.budget;
        let mut per_year: std::collections::BTreeMap<i32, f64> =
            scenario.years.iter().map(|y| (*y, 0.0)).collect();
        for (y, c) in day_care {
            *per_year.entry(*y).or_default() += c;
        }
        if let Some(beds) = beds {
            for y in &beds.years {
                *per_year.entry(y.year).or_default() += y.cost_wan;
            }
        }
        for v in per_year.values_mut() {
            *v = round_wan(*v);
        }
        let spent: f64 = round_wan(per_year.values().fold(0.0, |a, b| a + b));
        let over_total = b.total_wan.map_or(0.0, |t| round_wan(spent - t).max(0.0));
        let mut overrun = over_total;
        let mut over_years = std::collections::BTreeMap::new();
        for (y, limit) in &b.per_year_wan {
            let over = round_wan(per_year.get(y).copied().unwrap_or(0.0) - limit);
            overrun = overrun.max(over);
            if over > 1e-6 {
                over_years.insert(*y, over);
            }
        }
        Self {
            budget_wan: b.total_wan,
            budget_per_year_wan: b.per_year_wan.clone(),
            allow_overrun: b.allow_overrun,
            spent_wan: spent,
            spent_per_year_wan: per_year,
            day_care_wan: round_wan(day_care.values().fold(0.0, |a, b| a + b)),
            beds_wan: round_wan(beds.map_or(0.0, |p| p.cost_wan)),
            beds_unconstrained_wan: round_wan(beds.map_or(0.0, |p| p.unconstrained_wan)),
            budget_binds: beds.is_some_and(|p| p.budget_binds),
            overrun_wan: if overrun > 1e-6 { overrun } else { 0.0 },
            overrun_total_wan: if over_total > 1e-6 { over_total } else { 0.0 },
            overrun_per_year_wan: over_years,
            missed: Vec::new(),
        }
    }
}

/// The day-care network within a total budget it would exceed (unless the scenario allows an
/// overrun), and the coverage target it then misses with the money that would close it.
///
/// The street, township and county rules are binding and stay (their sites and upgrades are
/// the rules' minimum); the money left buys coverage sites:
/// - candidates of one price (or centres with capacities): as many sites as the money pays
///   for, solved again as maximal covering with that many new sites — exact, since with one
///   price a budget in 万元 is a budget in sites;
/// - candidates of different prices: the cheapest sites meeting the coverage target if the
///   money reaches it, else the most elderly the money buys (budgeted maximal covering,
///   [`crate::solve::budget_coverage`], with its bound).
///
/// With prices that differ, plans drawn on the candidates up to a price threshold (and, with
/// capacities, with more sites than the dearest price's count) are taken where they fit the
/// money and serve more, or keep the rules within it where the rules' own placement overran;
/// they prove nothing (a target they meet reads feasible), and the verdict of the plan on
/// every candidate stands otherwise.
///
/// The money a missed coverage target needs is what the cheapest plan meeting it costs over
/// the budget: the unconstrained plan's spend with one price (exact when its count of sites is
/// proven least) or with centre capacities (with prices that differ, an upper bound: the
/// fewest sites need not be the cheapest), the least-cost covering otherwise, after the
/// rules' centres and upgrades and with at most `max_new` new sites in all.
/// The rules place their centres by coverage, not price: where another candidate could have
/// filled a rule place ([`day_care::DayCarePlan::placement_choice`]) that covering is exact
/// only when its cost meets the least-cost bound of the problem without the rules' centres
/// (upgrades and required sites kept); otherwise it is an upper bound ("至多 / at most").
fn within_budget(
    scenario: &Scenario,
    region: &Region,
    reach: &ReachLists,
    plan: DayCarePlan,
    reserve_wan: f64,
) -> (DayCarePlan, Vec<MissedTarget>) {
    use day_care::Reason;
    let b = &scenario.budget;
    // The yearly limits bound the whole spend too where every plan year has one.
    let Some(budget) = b.bound_wan(&scenario.years).filter(|_| !b.allow_overrun) else {
        return (plan, Vec::new());
    };
    // Day care may spend what the binding bed targets leave.
    let total = (budget - reserve_wan).max(0.0);
    let spend: f64 = day_care_spend(scenario, region, &plan)
        .values()
        .fold(0.0, |a, c| a + c);
    if spend <= total + 1e-6 {
        return (plan, Vec::new());
    }
    let price = |c: usize| day_care::site_cost(scenario, region, c);
    let is_rule = |r: Reason| r.is_forced();
    let rule_sites = plan.sites.iter().filter(|s| is_rule(s.reason)).count() as u32;
    let rule_cost = rules_cost(scenario, region, &plan);
    let prices: Vec<f64> = region
        .candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.allow.day_care())
        .map(|(i, _)| price(i))
        .collect();
    let dearest = prices.iter().copied().fold(0.0f64, f64::max);
    let one_price = prices.iter().all(|p| (p - dearest).abs() <= 1e-9);
    let money = (total - rule_cost).max(0.0);
    let coverage_sites = plan.new_sites - rule_sites;
    let goal_year = {
        let dc = &scenario.day_care;
        let goal = dc.coverage_goal();
        dc.targets
            .iter()
            .find(|(_, s)| s.coverage.is_some() && s.coverage == goal)
            .map_or(scenario.final_year(), |(y, _)| *y)
    };
    let goal_people = scenario
        .day_care
        .coverage_goal()
        .map(|share| share * plan.total_elderly);
    let fits = |p: &DayCarePlan| {
        day_care_spend(scenario, region, p)
            .values()
            .fold(0.0, |a, c| a + c)
            <= total + crate::solve::Certificate::TOLERANCE
    };
    let meets = |p: &DayCarePlan| {
        goal_people.is_some_and(|people| {
            p.covered_elderly >= people - crate::solve::Certificate::TOLERANCE
        })
    };
    let others = |p: &DayCarePlan| {
        p.shortfalls
            .iter()
            .filter(|s| s.rule != "coverage" && s.rule != "budget")
            .count()
    };
    // Distinct day-care prices below the dearest, at most `PRICE_LEVELS` of them spread over
    // the range.
    let levels = {
        let mut levels: Vec<f64> = prices.iter().copied().filter(|p| *p < dearest).collect();
        levels.sort_by(f64::total_cmp);
        levels.dedup();
        if levels.len() > PRICE_LEVELS {
            let n = levels.len();
            levels = (0..PRICE_LEVELS)
                .map(|k| levels[k * (n - 1) / (PRICE_LEVELS - 1)])
                .collect();
        }
        levels
    };
    // `region` with only the candidates costing at most `t` open to day care, besides `kept`.
    let cheaper = |t: f64, kept: &[usize]| {
        let mut cheap = region.clone();
        for (c, cand) in cheap.candidates.iter_mut().enumerate() {
            if cand.allow.day_care() && price(c) > t && !kept.contains(&c) {
                cand.allow = crate::model::Allow::Institution;
            }
        }
        cheap
    };
    let (mut out, note) = if one_price || plan.capacity.is_some() {
        let mut affordable = if dearest > 0.0 {
            ((money / dearest + 1e-9).floor() as u32).min(coverage_sites)
        } else {
            coverage_sites
        };
        // The plan again with at most `cap` new sites in all (and `max_new`); where the cap is
        // the money's, not `max_new`, the shortfalls name it as such.
        let within_region = |region: &Region, cap: u32, zh: &str, en: &str| {
            let user = scenario.day_care.max_new;
            let cap = user.map_or(cap, |m| m.min(cap));
            let mut capped = scenario.clone();
            capped.day_care.max_new = Some(cap);
            let mut out = day_care::plan(&capped, region, reach);
            if user != Some(cap) {
                for s in out.shortfalls.iter_mut().filter(|s| s.rule == "coverage") {
                    s.zh = s.zh.replace(
                        &format!("（新建站点上限 max_new = {cap}）"),
                        &format!("（{zh}）"),
                    );
                    s.en = s.en.replace(
                        &format!(" (with at most max_new = {cap} new sites)"),
                        &format!(" ({en})"),
                    );
                }
            }
            (out, cap)
        };
        let within = |cap: u32, zh: &str, en: &str| within_region(region, cap, zh, en);
        let budget_cap = |n: u32| {
            within(
                n,
                &format!("预算所能新建的至多 {n} 处站点内"),
                &format!("with at most the {n} new sites the budget pays for"),
            )
        };
        let (mut out, cap) = budget_cap(rule_sites + affordable);
        // With prices that differ (capacities), the dearest price's count proves nothing:
        // cheaper sites buy more. The miss stands as proven only where the most sites the
        // money buys at the cheapest prices cannot reach the target either (every new site
        // counted at the cheapest day-care prices; where the rules had a choice of places or
        // upgrades, of the whole budget, as another choice may cost less).
        if !one_price && out.status == crate::solve::Status::Infeasible {
            let most = if plan.placement_choice || plan.upgrade_choice {
                crate::solve::budget_coverage::affordable(prices.iter().copied(), total) as u32
            } else {
                rule_sites
                    + crate::solve::budget_coverage::affordable(prices.iter().copied(), money)
                        as u32
            };
            let wider = scenario.day_care.max_new.map_or(most, |m| m.min(most));
            if wider > cap {
                let (probe, _) = within(
                    most,
                    &format!("预算按最低价至多新建 {most} 处站点"),
                    &format!(
                        "with at most {most} new sites, the most the budget buys at the cheapest prices"
                    ),
                );
                out.shortfalls.retain(|s| s.rule != "coverage");
                if probe.status == crate::solve::Status::Infeasible {
                    out.shortfalls.extend(
                        probe
                            .shortfalls
                            .into_iter()
                            .filter(|s| s.rule == "coverage"),
                    );
                    out.bound = out.bound.max(probe.bound);
                } else {
                    out.status = crate::solve::Status::Undecided;
                }
            }
        }
        // With prices that differ (capacities) the dearest price's count may leave money
        // unspent where cheap sites would serve more. Price thresholds are tried: with only
        // the candidates costing at most `t` (and the rules' own), the money buys at least
        // as many sites as it holds `t`s, and the plan with that many new sites is taken
        // where it fits the money, keeps the rules as met, and serves more. These plans are
        // drawn on fewer candidates: the verdict above (status, bound, shortfalls) stands,
        // except that a target met within the money reads feasible. Tried where the plan
        // misses the target, or meets it with rules' centres (placed by coverage, not price)
        // the money does not pay for.
        let out_fits = fits(&out);
        if !one_price && goal_people.is_some() && (!meets(&out) || !out_fits) {
            // The rules' centres stay where the money pays for them; otherwise the rules
            // place theirs among the cheaper candidates too.
            let kept: Vec<usize> = if out_fits {
                out.sites
                    .iter()
                    .filter(|s| is_rule(s.reason))
                    .map(|s| s.candidate)
                    .collect()
            } else {
                Vec::new()
            };
            // A plan is taken where it fits the money, leaves no rule less met and serves
            // more than the best so far (the plan itself only where it fits).
            let mut best: Option<DayCarePlan> = None;
            let floor = |best: &Option<DayCarePlan>| match best {
                Some(b) => b.covered_elderly,
                None if out_fits => out.covered_elderly,
                None => f64::NEG_INFINITY,
            };
            // One site more on every candidate, while the plan still fits the money (at most
            // `PRICE_LEVELS` more); no plan within the money opens more new sites than the
            // rules' and what the money buys at the cheapest prices.
            let most = rule_sites
                + crate::solve::budget_coverage::affordable(prices.iter().copied(), money) as u32;
            let top = scenario.day_care.max_new.map_or(most, |m| m.min(most));
            let mut more = cap;
            while out_fits && more < top.min(cap + PRICE_LEVELS as u32) {
                more += 1;
                let (p, c) = within(more, "", "");
                if c < more || !fits(&p) {
                    break;
                }
                if others(&p) <= others(&out)
                    && p.covered_elderly > floor(&best) + crate::solve::Certificate::TOLERANCE
                {
                    best = Some(p);
                }
            }
            for &t in &levels {
                let cheap = cheaper(t, &kept);
                let cheap_sites = prices.iter().filter(|p| **p <= t).count() as u32;
                let count = if t > 0.0 {
                    ((money / t + 1e-9).floor() as u32).min(cheap_sites)
                } else {
                    cheap_sites
                };
                let (p, _) = within_region(&cheap, rule_sites + count, "", "");
                if fits(&p)
                    && others(&p) <= others(&out)
                    && p.covered_elderly > floor(&best) + crate::solve::Certificate::TOLERANCE
                {
                    best = Some(p);
                }
            }
            if let Some(mut p) = best {
                let met = meets(&p);
                if met {
                    // Any network meeting the target takes at least the plan's own lower
                    // bound of sites, the budget only adding limits.
                    let lower = if plan.objective == day_care::Objective::NewSites {
                        plan.bound.min(f64::from(p.new_sites))
                    } else {
                        0.0
                    };
                    let c = crate::solve::Certificate::new(f64::from(p.new_sites), lower);
                    p.objective = day_care::Objective::NewSites;
                    p.status = crate::solve::Status::Feasible;
                    p.bound = c.bound;
                    p.gap = c.gap;
                } else {
                    p.objective = out.objective;
                    // The plan met the target only by overrunning the money: whether a plan
                    // within it does is not known.
                    p.status = if meets(&out) {
                        crate::solve::Status::Undecided
                    } else {
                        out.status
                    };
                    p.bound = out.bound;
                    p.gap = out.gap;
                }
                keep_measured(&mut p, &mut out, met);
                affordable = p.new_sites.saturating_sub(rule_sites);
                out = p;
            }
        }
        let note = if one_price {
            (
                format!("覆盖站点减为 {affordable} 处"),
                format!("coverage sites are cut to {affordable}"),
            )
        } else {
            (
                format!("预算内选 {affordable} 处覆盖站点"),
                format!("{affordable} coverage sites are bought within the money"),
            )
        };
        (out, note)
    } else {
        // The rules' centres are placed again here (by coverage, not price) and may cost
        // other than the plan's: the money left is what the whole day-care budget leaves
        // after this plan's own, and its proofs hold for any plan within the whole budget.
        let mut out = day_care::plan_within_total(scenario, region, reach, total);
        // The rules placed their centres by coverage, not price, and overran the money:
        // the plan again with only the candidates up to each price threshold, the first
        // that fits, leaves no rule less met and meets the target (else the one serving the
        // most) taken. It is drawn on fewer candidates: a target it meets reads feasible,
        // a miss undecided; its bound is the whole problem's.
        if goal_people.is_some() && !fits(&out) {
            let mut best: Option<DayCarePlan> = None;
            for &t in &levels {
                let p = day_care::plan_within_total(scenario, &cheaper(t, &[]), reach, total);
                let floor = best
                    .as_ref()
                    .map_or(f64::NEG_INFINITY, |b| b.covered_elderly);
                if fits(&p)
                    && others(&p) <= others(&out)
                    && p.covered_elderly > floor + crate::solve::Certificate::TOLERANCE
                {
                    let met = meets(&p);
                    best = Some(p);
                    if met {
                        break;
                    }
                }
            }
            if let Some(mut p) = best {
                let met = meets(&p);
                // Bounds that hold for the whole problem: nothing below 0 万元 or 0 sites,
                // nothing above the plan's own bound of the elderly served (or every
                // reachable one).
                let c = match p.objective {
                    day_care::Objective::LeastCost => {
                        let cost = p
                            .sites
                            .iter()
                            .filter(|s| !is_rule(s.reason))
                            .map(|s| price(s.candidate))
                            .fold(0.0, |a, c| a + c);
                        crate::solve::Certificate::new(cost, 0.0)
                    }
                    day_care::Objective::NewSites => {
                        crate::solve::Certificate::new(f64::from(p.new_sites), 0.0)
                    }
                    day_care::Objective::CoveredElderly => {
                        let upper = if out.objective == day_care::Objective::CoveredElderly {
                            out.bound
                        } else {
                            out.reachable_coverage * out.total_elderly
                        };
                        crate::solve::Certificate::new(
                            p.covered_elderly,
                            upper.max(p.covered_elderly),
                        )
                    }
                };
                // A miss the money search proved for any plan within the budget stays proven.
                p.status = if met {
                    crate::solve::Status::Feasible
                } else if out.status == crate::solve::Status::Infeasible {
                    crate::solve::Status::Infeasible
                } else {
                    crate::solve::Status::Undecided
                };
                p.bound = c.bound;
                p.gap = c.gap;
                keep_measured(&mut p, &mut out, met);
                out = p;
            }
        }
        let own_sites = out.sites.iter().filter(|s| is_rule(s.reason)).count() as u32;
        let money = (total - rules_cost(scenario, region, &out)).max(0.0);
        let n = out.new_sites - own_sites;
        // With a coverage target the money search first looks for the cheapest sites that
        // meet it, and covers the most only where none fit.
        let note = if meets(&out) {
            (
                format!(
                    "余下 {} 万元内选达到覆盖目标的最省 {n} 处覆盖站点",
                    wan(money)
                ),
                format!(
                    "within the {} 万元 left the cheapest {n} coverage sites that meet the coverage target",
                    wan(money)
                ),
            )
        } else {
            (
                format!("余下 {} 万元按预算最大覆盖选 {n} 处覆盖站点", wan(money)),
                format!(
                    "the {} 万元 left buy {n} coverage sites by budgeted maximal covering",
                    wan(money)
                ),
            )
        };
        (out, note)
    };
    let mut missed = Vec::new();
    // The rules of the plan drawn within the budget, which may differ from the plan's.
    let (kept_sites, kept_wan) = (
        out.sites.iter().filter(|s| is_rule(s.reason)).count() as u32,
        rules_cost(scenario, region, &out),
    );
    // The rules' centres and upgrades alone cost more than the budget leaves for day care:
    // the network is no solution of the problem with that budget. Proven only where the rules
    // had no choice: they place by coverage, not price, and another placement or upgrade may
    // cost less (then the miss is undecided), unless the search's own bound already proved
    // the target out of reach of any plan within the money.
    if kept_wan > total + crate::solve::Certificate::TOLERANCE
        && out.status != crate::solve::Status::Infeasible
    {
        out.status = crate::solve::Status::missed(!out.placement_choice && !out.upgrade_choice);
    }
    if let Some(people) = goal_people
        && out.covered_elderly < people - crate::solve::Certificate::TOLERANCE
    {
        // With a choice of upgrades, the cost is that of one network meeting the target: the
        // cheapest there may cost less.
        // `None` where no network meeting the target is known (the plan drawn without the
        // budget misses it too): no money is quoted for it.
        let cost = if one_price || plan.capacity.is_some() {
            // The fewest sites are the cheapest only when every site costs the same.
            (plan.covered_elderly >= people - crate::solve::Certificate::TOLERANCE).then_some((
                spend,
                one_price && plan.status == crate::solve::Status::Optimal,
            ))
        } else {
            let mut problem = day_care::coverage_problem(
                region,
                reach,
                scenario.day_care.scope,
                scenario.day_care.serving,
            );
            let upgrades_serve = scenario
                .day_care
                .serving
                .contains(crate::model::FacilityType::Comprehensive);
            if upgrades_serve {
                problem = day_care::with_upgrades_serving(
                    problem,
                    reach,
                    plan.upgrades.iter().map(|u| u.facility),
                );
            }
            let forced: Vec<usize> = plan
                .sites
                .iter()
                .filter(|s| is_rule(s.reason))
                .map(|s| s.candidate)
                .collect();
            let price: Vec<f64> = (0..region.candidates.len()).map(price).collect();
            // The cheapest sites reaching the target with `opened` sites open, at most
            // `max_new` new sites in all.
            let least = |opened: &[usize]| {
                let room = scenario
                    .day_care
                    .max_new
                    .map_or(usize::MAX, |m| (m as usize).saturating_sub(opened.len()));
                crate::solve::budget_coverage::min_cost_within(
                    &day_care::with_sites_open(&problem, opened.iter().copied()),
                    &price,
                    people,
                    room,
                    day_care::MONEY_NODE_LIMIT,
                )
            };
            match least(&forced) {
                Ok(s) => {
                    let need = rule_cost + s.cost_wan;
                    let optimal = s.certificate.status == crate::solve::Status::Optimal;
                    // Where the rules could have placed a centre elsewhere, their choice may
                    // not be the cheapest: the figure is exact only when it meets the bound
                    // of the problem without the rules' centres (the upgrades and required
                    // sites kept, which every network under the rules and decisions holds).
                    let exact = optimal
                        && (!plan.placement_choice || {
                            let required = scenario.decisions.required_day_care_sites(region);
                            let fixed_wan = plan
                                .upgrades
                                .iter()
                                .map(|u| u.cost_wan)
                                .chain(required.iter().map(|&c| price[c]))
                                .fold(0.0, |a, c| a + c);
                            least(&required).is_ok_and(|r| {
                                need <= fixed_wan
                                    + r.certificate.bound
                                    + crate::solve::Certificate::TOLERANCE
                            })
                        });
                    Some((need, exact))
                }
                Err(_) => None,
            }
        };
        match cost {
            Some((need, exact)) => {
                let exact = exact && !plan.upgrade_choice;
                let extra = round_wan((need - total).max(0.0));
                missed.push(MissedTarget {
                    indicator: "coverage".into(),
                    year: goal_year,
                    extra_wan: extra,
                    exact,
                    short: 0.0,
                    per_year: false,
                });
                out.shortfalls.push(day_care::Shortfall {
                    rule: "coverage".into(),
                    zh: format!(
                        "{goal_year} 年覆盖率目标在预算内未能达到；达到它的最省方案需日间照料投入 {}{} 万元，超出预算可用部分 {} 万元",
                        if exact { "" } else { "至多 " },
                        wan(need),
                        wan(extra)
                    ),
                    en: format!(
                        "{goal_year}: the coverage target is not met within the budget; the cheapest day-care network meeting it costs {}{} 万元, {} more than the budget leaves for it",
                        if exact { "" } else { "at most " },
                        wan(need),
                        wan(extra)
                    ),
                });
            }
            // No money closes it: the plan without the budget misses it as well (proven out
            // of reach where that plan is infeasible). Its own reasons carry over.
            None => {
                for s in plan.shortfalls.iter().filter(|s| s.rule == "coverage") {
                    if !out.shortfalls.contains(s) {
                        out.shortfalls.push(s.clone());
                    }
                }
                let proven = plan.status == crate::solve::Status::Infeasible;
                if proven {
                    out.status = crate::solve::Status::Infeasible;
                }
                out.shortfalls.push(day_care::Shortfall {
                    rule: "coverage".into(),
                    zh: if proven {
                        format!("{goal_year} 年覆盖率目标在预算内未能达到，不计预算也无法达到：追加投入不能使其达标")
                    } else {
                        format!("{goal_year} 年覆盖率目标在预算内未能达到；不计预算的方案也未达到，达到它所需的投入无从给出")
                    },
                    en: if proven {
                        format!("{goal_year}: the coverage target is not met within the budget, nor can it be without it: no extra money meets it")
                    } else {
                        format!("{goal_year}: the coverage target is not met within the budget; the plan drawn without the budget misses it too, so no cost of meeting it can be given")
                    },
                });
            }
        }
    }
    // What every budget pays first, named only where there is any.
    let kept = match (kept_sites, out.upgrades.len()) {
        (0, 0) => (String::new(), String::new()),
        (n, u) => {
            let zh_up = if u > 0 {
                format!("与 {u} 处升级")
            } else {
                String::new()
            };
            let en_what = match (n, u) {
                (0, u) => format!("the {u} upgrade{}", if u == 1 { "" } else { "s" }),
                (n, 0) => format!("the {n} new centre{}", if n == 1 { "" } else { "s" }),
                (n, u) => format!(
                    "the {n} new centre{} and {u} upgrade{}",
                    if n == 1 { "" } else { "s" },
                    if u == 1 { "" } else { "s" }
                ),
            };
            (
                format!(
                    "保留街道、乡镇、县域规则与必选决定的 {n} 处新建中心{zh_up}（合计 {} 万元），",
                    wan(kept_wan)
                ),
                format!(
                    "{en_what} the street, township and county rules and the required decisions ask for stay ({} 万元 together), ",
                    wan(kept_wan)
                ),
            )
        }
    };
    out.shortfalls.push(day_care::Shortfall {
        rule: "budget".into(),
        zh: format!(
            "不计预算的日间照料方案需 {} 万元，超出预算留给日间照料的 {} 万元（约束性床位目标先留 {} 万元）：{}{}",
            wan(spend),
            wan(total),
            wan(reserve_wan),
            kept.0,
            note.0
        ),
        en: format!(
            "the day-care plan drawn without the budget costs {} 万元, more than the {} the budget leaves for day care once the binding bed targets have their {}: {}{}",
            wan(spend),
            wan(total),
            wan(reserve_wan),
            kept.1,
            note.1
        ),
    });
    (out, missed)
}

/// Moves into `p`, a plan drawn on fewer candidates, what `out` measured on every candidate:
/// the curve, the search counts, the reachable and unreachable elderly, whether the rules had
/// a choice, and the coverage lines (drawn on fewer candidates, `p`'s prove nothing; none
/// where `p` meets the target, `met`).
fn keep_measured(p: &mut DayCarePlan, out: &mut DayCarePlan, met: bool) {
    p.shortfalls.retain(|s| s.rule != "coverage");
    if !met {
        p.shortfalls.extend(
            out.shortfalls
                .iter()
                .filter(|s| s.rule == "coverage")
                .cloned(),
        );
    }
    p.curve = std::mem::take(&mut out.curve);
    p.search = out.search;
    p.reachable_coverage = out.reachable_coverage;
    p.unreachable_elderly = out.unreachable_elderly;
    p.placement_choice |= out.placement_choice;
    p.upgrade_choice |= out.upgrade_choice;
}

/// Most price thresholds, and most counts above the dearest price's, tried where candidates
/// with centre capacities differ in price ([`within_budget`]).
const PRICE_LEVELS: usize = 12;

/// What the day-care rules and decisions cost, 万元: the street, township and county centres
/// and the required sites a plan opens and the upgrades it makes, which every budget pays
/// first.
fn rules_cost(scenario: &Scenario, region: &Region, plan: &DayCarePlan) -> f64 {
    plan.sites
        .iter()
        .filter(|s| s.reason.is_forced())
        .map(|s| day_care::site_cost(scenario, region, s.candidate))
        .chain(plan.upgrades.iter().map(|u| u.cost_wan))
        .fold(0.0, |a, c| a + c)
}

/// What the binding (约束性) bed targets cost on their own, 万元, kept back from the day-care
/// coverage sites under a total budget (the street, township and county rules come first, as
/// binding rules); every bed target, binding or expected, when the coverage target is itself
/// expected (`day_care.coverage_binding = false`), so that expected coverage is bought last: 0 without a total budget or with an allowed overrun; otherwise the cost of
/// the binding targets of the longest run of plan years, from the first, that fits the budget
/// (the bed solver spends what is left on the rest).
fn binding_beds_reserve(
    scenario: &Scenario,
    region: &Region,
    bed_reach: &ReachLists,
    rules_wan: f64,
) -> Result<f64, PlanError> {
    let b = &scenario.budget;
    let Some(total) = b.bound_wan(&scenario.years).filter(|_| !b.allow_overrun) else {
        return Ok(0.0);
    };
    // The day-care rules are paid first.
    let total = total - rules_wan;
    // Expected (预期性) coverage comes after every bed target: all of them are kept back.
    let expected_coverage = !scenario.day_care.coverage_binding;
    let keep = |g: Option<crate::model::Goal>| g.filter(|g| g.binding || expected_coverage);
    let mut binding = scenario.clone();
    binding.budget = crate::model::Budget::default();
    for t in binding.bed_targets.values_mut() {
        t.nursing_share = keep(t.nursing_share);
        t.beds_per_1000 = keep(t.beds_per_1000);
        t.nursing_per_1000 = keep(t.nursing_per_1000);
        t.public_share = keep(t.public_share);
        t.new_beds = keep(t.new_beds);
    }
    binding.bed_targets.retain(|_, t| t.any());
    // Expected coverage waits for every bed target: what they all cost, as far as the money
    // goes (the bed solver spends it binding targets first).
    if expected_coverage {
        let all = beds::plan(&binding, region, bed_reach, &Default::default())?.cost_wan;
        return Ok(all.min(total.max(0.0)));
    }
    // The binding targets of the earliest years first: the reserve is what the longest run of
    // years, from the first, costs within the budget (a later year's target that the money
    // cannot reach does not take the money an earlier one could use).
    let years: Vec<i32> = binding.bed_targets.keys().copied().collect();
    let mut reserve = 0.0;
    for &last in &years {
        let mut prefix = binding.clone();
        prefix.bed_targets.retain(|y, _| *y <= last);
        let cost = beds::plan(&prefix, region, bed_reach, &Default::default())?.cost_wan;
        if cost > total {
            break;
        }
        reserve = cost;
    }
    Ok(reserve)
}

/// Bed targets the budget leaves unmet, each with the money that would close it: at most what
/// meeting every bed target costs over what the bed plan spends (the bed solver prices the
/// targets together, binding ones first).
fn missed_bed_targets(beds: &BedPlan) -> Vec<MissedTarget> {
    if !beds.budget_binds {
        return Vec::new();
    }
    let extra = round_wan((beds.unconstrained_wan - beds.cost_wan).max(0.0));
    beds.shortfalls
        .iter()
        .map(|s| MissedTarget {
            indicator: s.target.clone(),
            year: s.year,
            extra_wan: extra,
            exact: false,
            short: 0.0,
            per_year: false,
        })
        .collect()
}

/// The yearly money over the `[budget] per_year` limits that a spend schedule asks for in the
/// years up to `year`, 万元: `Σ_{y <= year} max(0, spend_y − limit_y)` over the years with a
/// limit, with `room` (what other spending already takes from each year's limit) counted.
fn per_year_excess(
    scenario: &Scenario,
    spend: &std::collections::BTreeMap<i32, f64>,
    taken: &std::collections::BTreeMap<i32, f64>,
    year: i32,
) -> f64 {
    scenario
        .budget
        .per_year_wan
        .range(..=year)
        .map(|(y, limit)| {
            let used = taken.get(y).copied().unwrap_or(0.0);
            (spend.get(y).copied().unwrap_or(0.0) - (limit - used).max(0.0)).max(0.0)
        })
        .fold(0.0, |a, b| a + b)
}

/// Every missed step completed from the indicator table: what each lacks (`short`), and the
/// steps the yearly budgets miss with the yearly money that would close them — day-care steps
/// (coverage, township share, street and county centres) against the day-care schedule by
/// need (`dc_need`), bed steps against the bed plan without a budget (`beds_free`, when the
/// yearly budgets bind it). Each such step also gets a shortfall line in the day-care plan
/// (day-care steps) saying how many it lacks and what the year would need. A coverage step
/// above the final network's coverage (`final_coverage`, a share) is not put down to the
/// yearly budgets.
fn complete_missed(
    scenario: &Scenario,
    table: &indicators::IndicatorTable,
    dc_need: &std::collections::BTreeMap<i32, f64>,
    dc_spend: &std::collections::BTreeMap<i32, f64>,
    beds_free: Option<&BedPlan>,
    final_coverage: f64,
    missed: &mut Vec<MissedTarget>,
    shortfalls: &mut Vec<day_care::Shortfall>,
) {
    use crate::model::Indicator;
    let allowed = scenario.budget.allow_overrun || scenario.budget.per_year_wan.is_empty();
    let none = std::collections::BTreeMap::new();
    let beds_spend: Option<std::collections::BTreeMap<i32, f64>> =
        beds_free.map(|b| b.years.iter().map(|y| (y.year, y.cost_wan)).collect());
    for row in table.rows.iter().filter(|r| r.met == Some(false)) {
        let Some(goal) = row.target else { continue };
        let key = row.indicator.key();
        let short = ((goal.value * row.denominator - 1e-9).ceil() - row.numerator).max(0.0);
        let short = if goal.strict && short == 0.0 {
            1.0
        } else {
            short
        };
        let day_care = row.indicator.is_day_care();
        // A coverage step above what the final network reaches is not missed for want of
        // yearly money (the day-care plan's own shortfall says why).
        let beyond_network =
            row.indicator == Indicator::Coverage && goal.value > final_coverage + 1e-9;
        let extra = if allowed || beyond_network {
            0.0
        } else if day_care {
            per_year_excess(scenario, dc_need, &none, row.year)
        } else if let Some(b) = &beds_spend {
            per_year_excess(scenario, b, dc_spend, row.year)
        } else {
            0.0
        };
        let extra = round_wan(extra);
        if let Some(m) = missed
            .iter_mut()
            .find(|m| m.indicator == key && m.year == row.year)
        {
            m.short = short;
            // The total had room: the yearly limits are what miss it.
            if m.extra_wan <= 1e-6 && extra > 1e-6 {
                m.extra_wan = extra;
                m.exact = false;
                m.per_year = true;
            }
            continue;
        }
        if extra <= 1e-6 {
            continue;
        }
        missed.push(MissedTarget {
            indicator: key.to_owned(),
            year: row.year,
            extra_wan: extra,
            exact: false,
            short,
            per_year: true,
        });
        if day_care {
            let unit = match row.indicator {
                Indicator::Coverage => ("名老年人", "elderly"),
                Indicator::TownshipShare => {
                    ("个乡镇(街道)的综合中心", "township(s) without a centre")
                }
                Indicator::PerStreet => ("个街道的综合中心", "street(s) without their centres"),
                _ => (
                    "个县(市、区)的区域中心",
                    "county(ies) without their centres",
                ),
            };
            shortfalls.push(day_care::Shortfall {
                rule: "per_year".into(),
                zh: format!(
                    "{} 年{}目标受年度预算限制未达到：差 {short:.0} {}；按需建设需该年及以前年度预算共增加至多 {} 万元",
                    row.year,
                    row.indicator.zh(),
                    unit.0,
                    wan(extra)
                ),
                en: format!(
                    "{}: the {} step is missed under the yearly budgets: {short:.0} {} short; building by need takes at most {} 万元 more of the yearly budgets up to that year",
                    row.year,
                    key,
                    unit.1,
                    wan(extra)
                ),
            });
        }
    }
}

/// The day-care network's sites and upgrades moved into years whose own budget
/// (`[budget] per_year`) can pay for them. Each keeps the year it is needed by where that year
/// has room; otherwise it moves to the latest earlier year with room, then to the earliest later
/// one (its step then shows as missed in the indicator table, and a shortfall says why); with
/// no room anywhere it stays and the overrun is flagged. Years without a limit of their own
/// take anything.
fn within_year_budgets(scenario: &Scenario, region: &Region, mut plan: DayCarePlan) -> DayCarePlan {
    let b = &scenario.budget;
    if b.per_year_wan.is_empty() || b.allow_overrun {
        return plan;
    }
    let mut left: std::collections::BTreeMap<i32, f64> = b.per_year_wan.clone();
    let price = |c: usize| day_care::site_cost(scenario, region, c);
    // Items by the year they are needed by, earliest first: (year, cost, index, is a site).
    let mut items: Vec<(i32, f64, usize, bool)> = plan
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| (s.year, price(s.candidate), i, true))
        .chain(
            plan.upgrades
                .iter()
                .enumerate()
                .map(|(i, u)| (u.year, u.cost_wan, i, false)),
        )
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0).then(a.3.cmp(&b.3)).then(a.2.cmp(&b.2)));
    let years = &scenario.years;
    // A required site with a year (a decision) never moves past that year: where no earlier
    // year has room it stays, and the overrun is flagged.
    let required_by: Vec<usize> = scenario
        .decisions
        .required_day_care(region)
        .into_iter()
        .filter(|(_, y)| y.is_some())
        .map(|(c, _)| c)
        .collect();
    let mut late = 0;
    let mut moved = 0;
    for (due, cost, i, is_site) in items {
        let pinned = is_site && required_by.contains(&plan.sites[i].candidate);
        let fits = |y: &i32, left: &std::collections::BTreeMap<i32, f64>| {
            left.get(y).is_none_or(|l| *l + 1e-9 >= cost)
        };
        let year = years
            .iter()
            .rev()
            .filter(|y| **y <= due)
            .find(|y| fits(y, &left))
            .or_else(|| {
                years
                    .iter()
                    .filter(|y| **y > due && !pinned)
                    .find(|y| fits(y, &left))
            })
            .copied();
        let Some(year) = year else { continue };
        if year != due {
            moved += 1;
        }
        if let Some(l) = left.get_mut(&year) {
            *l -= cost;
        }
        if year > due {
            late += 1;
        }
        if is_site {
            plan.sites[i].year = year;
        } else {
            plan.upgrades[i].year = year;
        }
    }
    let spend = day_care_spend(scenario, region, &plan);
    for (y, wan) in plan.phasing.spend_by_year_wan.iter_mut() {
        *wan = spend.get(y).copied().unwrap_or(0.0);
    }
    if moved > 0 {
        // The money committed is the moved schedule's: each year's cumulative spend, summed
        // over the plan years; the bound (over schedules within the budgets) stays.
        let mut cumulative = 0.0;
        let mut committed = 0.0;
        for wan in plan.phasing.spend_by_year_wan.values() {
            cumulative += wan;
            committed += cumulative;
        }
        let c = crate::solve::Certificate::new(committed, plan.phasing.bound);
        plan.phasing.committed_wan_years = committed;
        plan.phasing.gap = c.gap;
        // The phasing's certificate and yearly coverage describe the schedule before the
        // move: the moved schedule is not proven, and a later move may miss a step.
        // A site built after its step's year misses the step; other schedules and networks
        // were not searched, so the miss is not proven.
        let status = if late > 0 {
            Status::Undecided
        } else {
            Status::Feasible
        };
        let ph = &mut plan.phasing;
        ph.status = status;
        ph.whole_status = status;
        ph.covered_by_year.clear();
        plan.shortfalls.push(day_care::Shortfall {
            rule: "phasing".into(),
            zh: format!(
                "年度预算调整了 {moved} 处设施的建设年份，调整后的建设时序未经证明（逐年覆盖见指标表）"
            ),
            en: format!(
                "the yearly budgets moved {moved} site(s) to other years; the moved schedule is not proven (see the indicator table for each year's coverage)"
            ),
        });
    }
    if late > 0 {
        plan.shortfalls.push(day_care::Shortfall {
            rule: "budget".into(),
            zh: format!("年度预算不足：{late} 处日间照料设施推迟到需要它们的年份之后建设"),
            en: format!(
                "yearly budgets: {late} day-care site(s) are built after the year that needs them"
            ),
        });
    }
    plan
}

/// Day-care spend per plan year: new centres (a candidate's own cost, else the scenario's)
/// and upgrades, in the year each is dated.
pub fn day_care_spend(
    scenario: &Scenario,
    region: &Region,
    plan: &DayCarePlan,
) -> std::collections::BTreeMap<i32, f64> {
    let mut out = std::collections::BTreeMap::new();
    for s in &plan.sites {
        *out.entry(s.year).or_insert(0.0) += day_care::site_cost(scenario, region, s.candidate);
    }
    for u in &plan.upgrades {
        *out.entry(u.year).or_insert(0.0) += u.cost_wan;
    }
    out
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
pub(crate) const BED_SITES_PER_VILLAGE: usize = 50;

/// The parts of a plan that depend on its money: the day-care network, the bed plan, the
/// indicator table and the spending, with the seconds each optimisation took.
struct MoneyPlan {
    day_care: DayCarePlan,
    beds: BedPlan,
    indicators: indicators::IndicatorTable,
    spending: Spending,
    day_care_s: f64,
    beds_s: f64,
}

/// Plans the day-care network (within the budget, then the yearly budgets) and the beds with
/// the money left.
fn plan_money(
    scenario: &Scenario,
    region: &Region,
    reach: &ReachLists,
    bed_reach: &ReachLists,
) -> Result<MoneyPlan, PlanError> {
    let t = Instant::now();
    let unconstrained = day_care::plan(scenario, region, reach);
    let rules_wan = rules_cost(scenario, region, &unconstrained);
    let reserve = binding_beds_reserve(scenario, region, bed_reach, rules_wan)?;
    let (day_care, mut missed) = within_budget(scenario, region, reach, unconstrained, reserve);
    let dc_need = day_care_spend(scenario, region, &day_care);
    let mut day_care = within_year_budgets(scenario, region, day_care);
    let day_care_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let dc_spend = day_care_spend(scenario, region, &day_care);
    let mut bed_plan = beds::plan(scenario, region, bed_reach, &dc_spend)?;
    // The bed plan without a budget, for the yearly money a missed bed step would need.
    let beds_free = if bed_plan.budget_binds && !scenario.budget.per_year_wan.is_empty() {
        let mut free = scenario.clone();
        free.budget = crate::model::Budget::default();
        Some(beds::plan(&free, region, bed_reach, &dc_spend)?)
    } else {
        None
    };
    let beds_s = t.elapsed().as_secs_f64();
    let indicators = indicators::table(scenario, region, reach, &day_care, Some(&bed_plan));
    let mut spending = Spending::of(scenario, &dc_spend, Some(&bed_plan));
    missed.extend(missed_bed_targets(&bed_plan));
    complete_missed(
        scenario,
        &indicators,
        &dc_need,
        &dc_spend,
        beds_free.as_ref(),
        day_care.coverage,
        &mut missed,
        &mut day_care.shortfalls,
    );
    settle_missed_steps(&indicators, &mut day_care);
    settle_overrun(scenario, &dc_spend, &mut day_care);
    settle_bed_verdicts(scenario, &indicators, &dc_spend, &mut bed_plan);
    day_care.phasing.whole_status =
        day_care::whole_status(day_care.status, day_care.phasing.status);
    spending.missed = missed;
    Ok(MoneyPlan {
        day_care,
        beds: bed_plan,
        indicators,
        spending,
        day_care_s,
        beds_s,
    })
}

/// A binding day-care row (coverage, township share, streets, counties) that the indicator
/// table, counting the plan's own sites by year, reads as missed: the plan is then no
/// answer to the problem as posed, so a day-care status of `optimal` or `feasible` (and so the
/// whole schedule's, which `plan_money` derives from it) becomes `undecided` (other networks
/// and schedules were not all
/// searched, so the miss is not proven either), with a shortfall naming the year, the
/// indicator and what was planned, unless the yearly budgets' line already names that step.
/// A status that already says missed stays as it is.
fn settle_missed_steps(table: &indicators::IndicatorTable, plan: &mut DayCarePlan) {
    for row in &table.rows {
        let day_care = row.indicator.is_day_care();
        let Some(goal) = row.target else { continue };
        if !day_care || !goal.binding || row.met != Some(false) || plan.status.is_missed() {
            continue;
        }
        plan.status = Status::Undecided;
        let named = format!("{}: the {} step", row.year, row.indicator.key());
        if plan.shortfalls.iter().any(|s| s.en.starts_with(&named)) {
            continue;
        }
        let (planned, target) = if row.indicator.is_share() {
            (
                format!("{:.1}%", 100.0 * row.planned),
                format!("{:.1}%", 100.0 * goal.value),
            )
        } else {
            (format!("{}", row.planned), format!("{}", goal.value))
        };
        plan.shortfalls.push(day_care::Shortfall {
            rule: "step".into(),
            zh: format!(
                "{} 年「{}」目标 {target} 未达到（规划 {planned}）；其他网络与建设时序未全部搜索，无法证明其不可达",
                row.year,
                row.indicator.zh()
            ),
            en: format!(
                "the {} step of {} ({target}) is missed (planned {planned}); other networks and schedules were not all searched, so it is not proven out of reach",
                row.year,
                row.indicator.en()
            ),
        });
    }
}

/// A day-care plan whose own spend breaks a binding budget (`[budget] total`, or a year's
/// `per_year` limit, unless `allow_overrun`) is no answer to the problem as posed: a status
/// of `optimal` or `feasible` (the plan's, and its schedule's, which the yearly budgets may
/// have moved) becomes `undecided` (the network was chosen without the yearly
/// limits, and other networks were not all searched), with a shortfall naming the overrun.
fn settle_overrun(
    scenario: &Scenario,
    dc_spend: &std::collections::BTreeMap<i32, f64>,
    plan: &mut DayCarePlan,
) {
    let b = &scenario.budget;
    if b.allow_overrun {
        return;
    }
    let mut over: Vec<(String, String)> = Vec::new();
    let total: f64 = dc_spend.values().sum();
    if let Some(limit) = b.total_wan
        && total > limit + 1e-6
    {
        over.push((
            format!(
                "总预算 {} 万元（日间照料支出 {} 万元）",
                wan(limit),
                wan(total)
            ),
            format!(
                "the total budget of {} 万元 (day care spends {})",
                wan(limit),
                wan(total)
            ),
        ));
    }
    for (y, &limit) in &b.per_year_wan {
        let spent = dc_spend.get(y).copied().unwrap_or(0.0);
        if spent > limit + 1e-6 {
            over.push((
                format!(
                    "{y} 年预算 {} 万元（日间照料支出 {} 万元）",
                    wan(limit),
                    wan(spent)
                ),
                format!(
                    "the {y} budget of {} 万元 (day care spends {})",
                    wan(limit),
                    wan(spent)
                ),
            ));
        }
    }
    if over.is_empty() {
        return;
    }
    if !plan.phasing.status.is_missed() {
        plan.phasing.status = Status::Undecided;
    }
    if plan.status.is_missed() {
        return;
    }
    plan.status = Status::Undecided;
    let (zh, en): (Vec<String>, Vec<String>) = over.into_iter().unzip();
    plan.shortfalls.push(day_care::Shortfall {
        rule: "budget".into(),
        zh: format!(
            "日间照料方案超出约束性预算：{}；其他网络未全部搜索，无法证明预算内不可行",
            zh.join("；")
        ),
        en: format!(
            "the day-care plan overruns binding money: {}; other networks were not all searched, so no plan within it is not proven impossible",
            en.join("; ")
        ),
    });
}

/// A bed plan that misses a binding bed row of the indicator table in its year (否), or
/// whose spend, with the day care's, breaks a binding total or yearly limit, is no answer to
/// the problem as posed: a status of `optimal` or `feasible` becomes `undecided`, with a
/// shortfall naming the missed row where none does yet.
fn settle_bed_verdicts(
    scenario: &Scenario,
    table: &indicators::IndicatorTable,
    dc_spend: &std::collections::BTreeMap<i32, f64>,
    plan: &mut BedPlan,
) {
    use crate::model::Indicator;
    if plan.status.is_missed() {
        return;
    }
    for row in &table.rows {
        let Some(goal) = row.target else { continue };
        let unit = match row.indicator {
            Indicator::BedsPer1000 | Indicator::NewBeds => "beds",
            Indicator::NursingShare | Indicator::NursingPer1000 => "nursing_beds",
            Indicator::PublicShare => "beds_to_designate",
            _ => continue,
        };
        if !goal.binding || row.met != Some(false) {
            continue;
        }
        plan.status = Status::Undecided;
        let key = row.indicator.key();
        if plan
            .shortfalls
            .iter()
            .any(|s| s.year == row.year && s.target == key)
        {
            continue;
        }
        plan.shortfalls.push(beds::BedShortfall {
            year: row.year,
            target: key.to_owned(),
            beds_short: 0,
            unit: unit.to_owned(),
            zh: format!(
                "{} 年{}目标未达到；其他床位方案未全部搜索，无法证明其不可达",
                row.year,
                row.indicator.zh()
            ),
            en: format!(
                "{}: the {key} target is missed; other bed plans were not all searched, so it is not proven out of reach",
                row.year
            ),
        });
    }
    let b = &scenario.budget;
    if b.allow_overrun || plan.status.is_missed() {
        return;
    }
    let dc = |y: i32| dc_spend.get(&y).copied().unwrap_or(0.0);
    let dc_total: f64 = dc_spend.values().sum();
    let over_total = b
        .total_wan
        .is_some_and(|t| plan.cost_wan > 1e-6 && dc_total + plan.cost_wan > t + 1e-6);
    let over_year = plan.years.iter().find(|y| {
        y.cost_wan > 1e-6
            && b.per_year_wan
                .get(&y.year)
                .is_some_and(|l| dc(y.year) + y.cost_wan > l + 1e-6)
    });
    if over_total || over_year.is_some() {
        plan.status = Status::Undecided;
        // The first year over its own limit, else the final year (the total's).
        let year = over_year
            .or(plan.years.last())
            .map_or(scenario.base_year, |y| y.year);
        plan.shortfalls.push(beds::BedShortfall {
            year,
            target: "budget".to_owned(),
            beds_short: 0,
            unit: "beds".to_owned(),
            zh: "床位方案与日间照料支出合计超出约束性预算（见预算行）；其他床位方案未全部搜索，无法证明预算内不可行".to_owned(),
            en: "the bed plan with the day care's spend overruns binding money (see the budget line); other bed plans were not all searched, so no plan within it is not proven impossible".to_owned(),
        });
    }
}

/// Loads a scenario file and plans it.
pub fn run(path: &std::path::Path) -> Result<Plan, PlanError> {
    run_with(path, &[])
}

/// [`run`] with decisions files laid over the scenario's decisions, the last one winning
/// ([`crate::io::load_with`]).
pub fn run_with(
    path: &std::path::Path,
    decision_files: &[std::path::PathBuf],
) -> Result<Plan, PlanError> {
    let start = Instant::now();
    let checked = crate::io::load_with(path, decision_files).map_err(PlanError::Input)?;
    let load_s = start.elapsed().as_secs_f64();
    let mut p = plan(checked.scenario, checked.region, load_s)?;
    p.notes = checked.notes;
    Ok(p)
}

/// Plans a loaded scenario. With decisions, the plan is made on the region they leave
/// ([`crate::model::Decisions::apply`]) with their required sites forced, and priced against
/// the plan without them ([`DecisionPrices`]).
pub fn plan(scenario: Scenario, region: Region, load_s: f64) -> Result<Plan, PlanError> {
    let full = (!scenario.decisions.is_empty()).then(|| region.clone());
    let region = match &full {
        Some(full) => scenario.decisions.apply(full, scenario.day_care.serving),
        None => region,
    };
    let Catchments {
        model,
        reach,
        bed_reach,
        travel_s,
        bed_reach_s,
    } = catchments(&scenario, &region)?;
    let money = plan_money(&scenario, &region, &reach, &bed_reach)?;
    let mut tradeoff = Vec::with_capacity(scenario.budget.sweep_wan.len());
    for &b in &scenario.budget.sweep_wan {
        let mut at = scenario.clone();
        at.budget.total_wan = Some(b);
        at.budget.sweep_wan.clear();
        let m = plan_money(&at, &region, &reach, &bed_reach)?;
        let mut point = TradeoffPoint {
            budget_wan: b,
            spent_wan: m.spending.spent_wan,
            coverage: m.day_care.coverage,
            covered_elderly: m.day_care.covered_elderly,
            new_sites: m.day_care.new_sites,
            overrun_wan: m.spending.overrun_wan,
            met: Vec::new(),
            missed: Vec::new(),
        };
        for r in &m.indicators.rows {
            let name = format!("{} {}", r.indicator.key(), r.year);
            match r.met {
                Some(true) => point.met.push(name),
                Some(false) => point.missed.push(name),
                None => {}
            }
        }
        tradeoff.push(point);
    }
    let decisions = match &full {
        Some(full) => Some(price_decisions(&scenario, full, &money)?),
        None => None,
    };
    let MoneyPlan {
        day_care,
        beds: bed_plan,
        indicators,
        spending,
        day_care_s,
        beds_s,
    } = money;
    let serving: Vec<(SiteIdx, AreaKind)> = serving_sites(&region, &reach, &day_care)
        .iter()
        .map(|s| (s.site, s.kind))
        .collect();
    let service_areas = match scenario.travel.kind() {
        TravelKind::Matrix => outlined_service_areas(&region, &reach, &serving),
        _ => model
            .service_areas(
                &region,
                &serving,
                scenario.travel.minutes,
                travel::Exec::default(),
            )
            .map(|areas| {
                serving
                    .iter()
                    .zip(areas)
                    .map(|(&(site, _), area)| ServiceArea { site, area })
                    .collect()
            })
            .unwrap_or_default(),
    };
    Ok(Plan {
        run_name: crate::io::output::output_name(&scenario.path),
        scenario,
        region,
        reach,
        day_care,
        beds: Some(bed_plan),
        indicators,
        tradeoff,
        spending,
        decisions,
        service_areas,
        notes: Diagnostics::default(),
        timings: Timings {
            load_s,
            travel_s,
            day_care_s,
            beds_s: bed_reach_s + beds_s,
        },
    })
}

/// Decisions priced alone at most (in the order written); the others are listed as not
/// priced, each pricing being a whole plan (travel, day care and beds) of its own.
pub const PRICED_ALONE: usize = 8;

/// What one set of decisions gives: the plan's coverage and spend under them.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PricedPlan {
    /// Elderly served by day care in the final year.
    pub covered_elderly: f64,
    /// New day-care sites.
    pub new_sites: u32,
    /// Spent in all (day care and beds), 万元.
    pub spent_wan: f64,
    /// Status of the day-care optimisation.
    pub day_care_status: Status,
    /// Its gap.
    pub day_care_gap: f64,
    /// Status of the bed optimisation.
    pub beds_status: Status,
    /// Its gap.
    pub beds_gap: f64,
}

impl PricedPlan {
    fn of(m: &MoneyPlan) -> Self {
        Self {
            covered_elderly: m.day_care.covered_elderly,
            new_sites: m.day_care.new_sites,
            spent_wan: m.spending.spent_wan,
            day_care_status: m.day_care.status,
            day_care_gap: m.day_care.gap,
            beds_status: m.beds.status,
            beds_gap: m.beds.gap,
        }
    }
}

/// The price of some decisions: the plan under them against the free plan.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DecisionPrice {
    /// The decision's id, or `all` for every decision together.
    pub id: String,
    /// Its verdict (`None` for `all`).
    pub verdict: Option<Verdict>,
    /// The plan under it.
    pub plan: PricedPlan,
    /// Elderly the free plan serves and this one does not (negative: it serves more).
    pub coverage_lost_elderly: f64,
    /// 万元 this plan spends beyond the free plan (negative: it spends less).
    pub added_wan: f64,
}

/// The price of a scenario's decisions: the free plan (no decision), every decision together
/// and up to [`PRICED_ALONE`] alone (those that change the free plan first: a required
/// candidate it does not open, an excluded one it opens, any decision on an existing
/// facility; then the others in file order), each a separately solved plan; the prices are
/// differences of the plans' figures, so they are exact where both plans are proven optimal
/// (see the statuses) and otherwise differences of the best plans found.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DecisionPrices {
    /// The plan without decisions.
    pub free: PricedPlan,
    /// Every decision together (the plan this run reports).
    pub all: DecisionPrice,
    /// Each decision alone: those that change the free plan first, then the order written.
    pub each: Vec<DecisionPrice>,
    /// Ids of decisions beyond [`PRICED_ALONE`], not priced alone.
    pub not_priced: Vec<String>,
}

/// The bed catchments: each village's [`BED_SITES_PER_VILLAGE`] nearest bed sites within the
/// scenario's bed catchment minutes.
fn bed_catchments(
    model: &dyn travel::TravelModel,
    region: &Region,
    scenario: &Scenario,
) -> Result<travel::ReachLists, travel::TravelError> {
    travel::nearest_k_with(
        model,
        region,
        &beds::bed_sites(region),
        BED_SITES_PER_VILLAGE,
        scenario.beds.catchment_minutes,
        &scenario.limits,
    )
}

/// Plans `region` under `scenario` (its decisions applied) with its own travel lists: the
/// money-dependent parts only.
fn money_plan_of(scenario: &Scenario, full: &Region) -> Result<MoneyPlan, PlanError> {
    let region = scenario.decisions.apply(full, scenario.day_care.serving);
    let c = catchments(scenario, &region)?;
    plan_money(scenario, &region, &c.reach, &c.bed_reach)
}

/// The travel model of `region`, its day-care reach lists and bed catchments, with the
/// seconds each took.
struct Catchments {
    model: Box<dyn travel::TravelModel>,
    reach: travel::ReachLists,
    bed_reach: travel::ReachLists,
    travel_s: f64,
    bed_reach_s: f64,
}

/// Builds the travel model once (its road or matrix file read and every point snapped once)
/// and from it both the day-care reach lists and the bed catchments.
fn catchments(scenario: &Scenario, region: &Region) -> Result<Catchments, PlanError> {
    let t = Instant::now();
    // Rows of an OD matrix to sites the decisions took out are no errors.
    let model = travel::model_without(
        region,
        &scenario.travel,
        &travel::NetworkOptions::default(),
        &|id| scenario.decisions.is_excluded(id),
    )?;
    let reach = travel::reach_with(model.as_ref(), region, &scenario.travel, &scenario.limits)?;
    let travel_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let bed_reach = bed_catchments(model.as_ref(), region, scenario)?;
    Ok(Catchments {
        model,
        reach,
        bed_reach,
        travel_s,
        bed_reach_s: t.elapsed().as_secs_f64(),
    })
}

/// Prices `scenario.decisions` on the region before them, `all` being the plan under every
/// decision (see [`DecisionPrices`]).
fn price_decisions(
    scenario: &Scenario,
    full: &Region,
    all: &MoneyPlan,
) -> Result<DecisionPrices, PlanError> {
    let mut free_scenario = scenario.clone();
    free_scenario.decisions = crate::model::Decisions::default();
    let free_plan = money_plan_of(&free_scenario, full)?;
    let free = PricedPlan::of(&free_plan);
    let price = |id: String, verdict: Option<Verdict>, plan: PricedPlan| DecisionPrice {
        id,
        verdict,
        coverage_lost_elderly: free.covered_elderly - plan.covered_elderly,
        added_wan: plan.spent_wan - free.spent_wan,
        plan,
    };
    // Decisions that change the free plan are priced first: a required candidate it does not
    // open, an excluded one it opens, and every decision on an existing facility. The others
    // (a saved what-if lists every candidate) follow in file order.
    let free_opens = |id: &str| free_plan.day_care.sites.iter().any(|s| s.id == id);
    let is_candidate = |id: &str| full.candidates.iter().any(|c| c.id == id);
    let changes_free = |d: &crate::model::decisions::Decision| {
        !is_candidate(&d.id)
            || match d.verdict {
                Verdict::Required => !free_opens(&d.id),
                Verdict::Excluded => free_opens(&d.id),
            }
    };
    let mut order: Vec<usize> = (0..scenario.decisions.list.len()).collect();
    order.sort_by_cached_key(|&i| !changes_free(&scenario.decisions.list[i]));
    let mut each = Vec::new();
    for &i in order.iter().take(PRICED_ALONE) {
        let d = &scenario.decisions.list[i];
        let mut alone = scenario.clone();
        alone.decisions = scenario.decisions.only(i);
        let p = PricedPlan::of(&money_plan_of(&alone, full)?);
        each.push(price(d.id.clone(), Some(d.verdict), p));
    }
    Ok(DecisionPrices {
        all: price("all".into(), None, PricedPlan::of(all)),
        free: free.clone(),
        each,
        not_priced: order
            .iter()
            .skip(PRICED_ALONE)
            .map(|&i| scenario.decisions.list[i].id.clone())
            .collect(),
    })
}
