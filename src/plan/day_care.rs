//! The day-care network of a scenario: which new 日间照料中心 open so that the 15-minute
//! circle reaches its share of the elderly, honouring the street and township rules.
//!
//! Sites that serve the circle: existing day-care centres, stations and comprehensive centres
//! (institutions do not), and candidates that allow day care. Coverage counts people: a
//! village's elderly are served when any serving site is within the time limit, and only up
//! to the sites' places where any serving site has a capacity (a facility's own `capacity`,
//! else the scenario's `day_care.capacity`, which new centres take too). With capacities the
//! coverage sites come from the capacitated covering model
//! ([`crate::solve::capacitated_coverage`]), before-and-after figures from its maximum-flow
//! assignment.
//!
//! Rules: every 街道 (a township whose name ends in 街道) needs `per_street` comprehensive
//! centres, and `township_share` of all townships need one. Existing comprehensive centres
//! count. Missing ones are opened first, each at the candidate of that township that adds
//! the most coverage; the coverage optimisation then treats them as open. The certificate
//! stays valid for the whole problem: its bound comes from the same coverage problem
//! without the rules (rules only remove options), and the rule sites themselves are a lower
//! bound on the count.
//!
//! Decisions ([`crate::model::decisions`]): excluded candidates and dropped sites are gone
//! from the region before this runs; required candidates open like rule sites (reason
//! `required`), and the bound comes from the problem without the rules but with the required
//! sites open, so objective, bound, gap and status are those of the problem under the
//! decisions. With centre capacities the capacitated bound still leaves the required sites
//! free (valid, possibly looser). A required site with a year is due by that year in the
//! phasing, like a centre a street step names, so the phasing certificate covers it. The
//! joint rules-and-coverage program is not used under required sites (it does not force
//! them); the rules-first answer and its bound stand.

use crate::model::{
    AreaKind, CoverageScope, FacilityType, Region, Scenario, SiteIdx, Township, TownshipKind,
    TypeSet, VillageIdx,
};
use crate::solve::capacitated_coverage::{CapacitatedCoverage, CapacitatedOptions, SiteRole};
use crate::solve::coverage::{
    CoverageCurve, CoverageOptions, CoverageProblem, CoverageSolution, CurveStats,
};
use crate::solve::{Certificate, Status, flow};
use crate::travel::ReachLists;
use std::cell::{Cell, RefCell};

/// What a day-care plan optimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// The fewest new sites meeting a coverage target (set covering); bound from below.
    NewSites,
    /// The most elderly served with a budget of new sites (maximal covering); bound from above.
    CoveredElderly,
    /// Under a money budget with candidates of different prices: the least 万元 of coverage
    /// sites meeting the coverage target ([`crate::solve::budget_coverage::min_cost`]);
    /// bound from below.
    LeastCost,
}

/// Why a new site was opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A street lacked its comprehensive centre.
    Street,
    /// The township share of comprehensive centres was short.
    Township,
    /// Coverage.
    Coverage,
    /// Capacity: the sites chosen for coverage cannot take everyone they reach.
    Capacity,
    /// A county lacked its rural regional centres.
    County,
    /// Officials required it ([`crate::model::decisions`]).
    Required,
}

impl Reason {
    /// Whether the site opens whatever coverage needs (a rule or a decision), so that the
    /// coverage optimisation starts from it and budget cuts keep it.
    pub fn is_forced(self) -> bool {
        matches!(
            self,
            Self::Street | Self::Township | Self::County | Self::Required
        )
    }
}

/// A new day-care site.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct NewSite {
    /// Candidate index in the region.
    #[serde(skip)]
    pub candidate: usize,
    /// Candidate id.
    pub id: String,
    /// Candidate name.
    pub name: String,
    /// Township.
    pub township: String,
    /// WGS-84 longitude.
    pub lon: f64,
    /// WGS-84 latitude.
    pub lat: f64,
    /// Elderly whose nearest serving site this is and whom no existing site served.
    pub newly_covered_elderly: f64,
    /// Why it opens.
    pub reason: Reason,
    /// Whether it is a comprehensive centre (opened for a rule).
    pub comprehensive: bool,
    /// Plan year by which it is needed: the first year whose coverage or township-share step
    /// needs it, the final year otherwise.
    pub year: i32,
}

/// One point of the coverage curve, in people.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct CurvePoint {
    /// New sites, rule sites included.
    pub new_sites: u32,
    /// Elderly served.
    pub covered_elderly: f64,
    /// Proven upper bound on the elderly any plan with this many new sites serves.
    pub bound: f64,
}

/// A rule the plan could not meet, with how far off it is.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Shortfall {
    /// Which rule.
    pub rule: String,
    /// Why, in Chinese.
    pub zh: String,
    /// Why, in English.
    pub en: String,
}

/// Per-village outcome.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct VillageResult {
    /// Village index.
    #[serde(skip)]
    pub village: VillageIdx,
    /// Whether a serving site is within the limit after the plan.
    pub covered: bool,
    /// Whether it was served before the plan.
    pub covered_before: bool,
    /// Nearest serving site after the plan (site index), if any.
    #[serde(skip)]
    pub site: Option<SiteIdx>,
    /// Minutes to that site.
    pub minutes: Option<f64>,
    /// Elderly (in scope) served: all of them when covered without centre capacities, the
    /// assigned share with them.
    pub served: f64,
    /// Elderly (in scope) served before the plan, counted the same way.
    pub served_before: f64,
    /// Elderly (in scope) served after the plan by each site (site index, people); without
    /// capacities, everyone in scope by the nearest serving site.
    #[serde(skip)]
    pub flows: Vec<(SiteIdx, f64)>,
}

/// The day-care part of a plan.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DayCarePlan {
    /// `optimal`, `feasible` or `infeasible`.
    pub status: Status,
    /// What was optimised.
    pub objective: Objective,
    /// New sites opened, rule sites included.
    pub new_sites: u32,
    /// Elderly served after the plan (in scope).
    pub covered_elderly: f64,
    /// Elderly served before the plan (in scope).
    pub covered_before: f64,
    /// The coverage denominator: elderly in scope (less unreachable villages when the
    /// scenario excludes them).
    pub total_elderly: f64,
    /// `covered_elderly / total_elderly`.
    pub coverage: f64,
    /// Target share, if any.
    pub target: Option<f64>,
    /// Proven bound: a lower bound on the new sites needed (target) or an upper bound on the
    /// elderly served (budget).
    pub bound: f64,
    /// Relative gap between objective and bound.
    pub gap: f64,
    /// Seed of the search.
    pub seed: u64,
    /// Elderly (in scope) no serving site or candidate can reach.
    pub unreachable_elderly: f64,
    /// Best coverage share any plan can reach.
    pub reachable_coverage: f64,
    /// Coverage curve, when asked for.
    pub curve: Vec<CurvePoint>,
    /// New sites.
    pub sites: Vec<NewSite>,
    /// Existing facilities upgraded into comprehensive / regional centres.
    pub upgrades: Vec<Upgrade>,
    /// Existing facility types whose circle counts for coverage.
    pub serving: TypeSet,
    /// Rules or targets not met.
    pub shortfalls: Vec<Shortfall>,
    /// Whether the rules chose among facilities to upgrade (another choice gives another
    /// network; the bounds hold for any choice, a figure of this network for this one only).
    #[serde(skip)]
    pub upgrade_choice: bool,
    /// Whether the street, township or county rules placed a new centre where another
    /// day-care candidate could have filled the same place (one of the same street, of a
    /// township without a centre, of the county's 镇 and 乡; a required candidate filling
    /// a place leaves no choice, as it opens anyway). The rules place by coverage, not by
    /// price: another choice gives another network, which may cost less, so a cost of this
    /// network is an upper bound on the cheapest one meeting the rules, not that cheapest.
    #[serde(skip)]
    pub placement_choice: bool,
    /// How the search went.
    pub search: CurveStats,
    /// The schedule of the new sites and upgrades over the plan years, with its certificate.
    pub phasing: PhasingSummary,
    /// Places (people) of each site (facilities first, then candidates;
    /// `f64::INFINITY` for none) when any serving site has a capacity; `None` otherwise.
    #[serde(skip)]
    pub capacity: Option<Vec<f64>>,
    /// Per village.
    #[serde(skip)]
    pub villages: Vec<VillageResult>,
    /// The joint street, township and coverage program, when one was solved (see
    /// [`crate::solve::rules_cover`]): for a check by another solver.
    #[serde(skip)]
    pub rules_cover: Option<crate::solve::rules_cover::RulesCoverInstance>,
}

/// The coverage problem of a region: people weights in `scope`, points covered by existing
/// serving facilities, and for each candidate (by candidate index; those that do not allow
/// day care cover nothing) the villages within reach.
pub fn coverage_problem(
    region: &Region,
    reach: &ReachLists,
    scope: CoverageScope,
    serving: TypeSet,
) -> CoverageProblem {
    let nf = region.facilities.len();
    let weight = region
        .villages
        .iter()
        .map(|v| {
            if scope == CoverageScope::All || v.kind == AreaKind::Urban {
                f64::from(v.elderly)
            } else {
                0.0
            }
        })
        .collect();
    let covered = reach
        .iter()
        .map(|(_, list)| {
            list.iter().any(|r| {
                r.site.get() < nf && serving.contains(region.facilities[r.site.get()].kind)
            })
        })
        .collect();
    let mut sets: Vec<Vec<u32>> = vec![Vec::new(); region.candidates.len()];
    for (v, list) in reach.iter() {
        for r in list {
            let i = r.site.get();
            if i >= nf && region.candidates[i - nf].allow.day_care() {
                sets[i - nf].push(v.0);
            }
        }
    }
    CoverageProblem {
        weight,
        covered,
        sets,
    }
}

/// The fewest new sites meeting the coverage target and the street and township rules
/// together ([`crate::solve::budget_coverage::min_cost_with_rules`]).
struct JointCover {
    /// Coverage sites (candidate indices), rule sites not included.
    sites: Vec<u32>,
    /// Rule sites: one per street short of its centres, one per rural centre a county still
    /// needs after the upgrades, one per township the share needs.
    rule_sites: Vec<(usize, Reason)>,
    /// Proven lower bound on the count of new sites.
    bound: f64,
    /// The program solved, for a check by another solver.
    instance: crate::solve::rules_cover::RulesCoverInstance,
}

/// Most branch-and-bound nodes of the joint rules-and-coverage program (with full coverage:
/// of each independent piece left after the reductions, see [`crate::solve::rules_cover`]).
pub const JOINT_NODE_LIMIT: u64 = 2_000;

/// `problem` with what the facilities `upgraded` (facility indices) reach covered: upgraded
/// centres serve the circle where the scenario counts comprehensive centres (call it only
/// then).
pub(crate) fn with_upgrades_serving(
    mut problem: CoverageProblem,
    reach: &ReachLists,
    upgraded: impl IntoIterator<Item = usize>,
) -> CoverageProblem {
    for i in upgraded {
        for vr in reach.villages_of(SiteIdx(i as u32)) {
            problem.covered[vr.village.get()] = true;
        }
    }
    problem
}

/// `problem` with the candidates `sites` open: what they reach covered, their sets emptied.
pub(crate) fn with_sites_open(
    problem: &CoverageProblem,
    sites: impl IntoIterator<Item = usize>,
) -> CoverageProblem {
    let mut p = problem.clone();
    for c in sites {
        for &i in &problem.sets[c] {
            p.covered[i as usize] = true;
        }
        p.sets[c].clear();
    }
    p
}

/// Solves the street, township-share and coverage rows as one program (see
/// [`JointCover`]) with the rules' `upgrades` (facility index, reason) done: they count as
/// centres of their townships (and `problem` counts what they cover when they serve).
/// `None` when the solver gives no answer, its answer fails a rule, or a township short of
/// a centre could take an upgrade instead (no day-care candidate, an institution or station
/// to upgrade), which the program does not model.
fn joint_rules_cover(
    scenario: &Scenario,
    region: &Region,
    problem: &CoverageProblem,
    target: f64,
    required: &[usize],
    upgrades: &[(usize, Reason)],
) -> Option<JointCover> {
    use crate::solve::budget_coverage::GroupRules;
    use crate::solve::rules_cover::{CountRow, RulesCoverInstance, min_cost_rules_cover_with};
    let dc = &scenario.day_care;
    let units = region.township_units_with(&dc.township_kinds);
    let townships: Vec<(&str, bool)> = units
        .iter()
        .filter(|u| u.kind.is_township())
        .map(|u| (u.name, u.kind == TownshipKind::Street))
        .collect();
    let index: std::collections::BTreeMap<&str, u32> = townships
        .iter()
        .enumerate()
        .map(|(g, (t, _))| (*t, g as u32))
        .collect();
    let mut have = vec![0u32; townships.len()];
    for f in region
        .facilities
        .iter()
        .filter(|f| f.kind == FacilityType::Comprehensive)
    {
        if let Some(&g) = index.get(f.township.as_str()) {
            have[g as usize] += 1;
        }
    }
    for &(i, _) in upgrades {
        if let Some(&g) = region
            .facilities
            .get(i)
            .and_then(|f| index.get(f.township.as_str()))
        {
            have[g as usize] += 1;
        }
    }
    let share = dc.township_goal().unwrap_or(0.0);
    let group: Vec<Option<u32>> = region
        .candidates
        .iter()
        .map(|c| {
            c.allow
                .day_care()
                .then(|| index.get(c.township.as_str()).copied())
                .flatten()
        })
        .collect();
    // The rules upgrade an existing institution or station only in a township without a
    // day-care candidate; where such a township lacks a centre the program (new sites only)
    // would not be a relaxation, so it is not used.
    let has_candidate: Vec<bool> = (0..townships.len())
        .map(|g| group.contains(&Some(g as u32)))
        .collect();
    let upgradable = |t: &str| {
        region.facilities.iter().any(|f| {
            f.township == t
                && matches!(f.kind, FacilityType::Institution | FacilityType::Station)
                && !scenario.decisions.is_excluded(&f.id)
        })
    };
    // Outside the streets, a township needs a centre only for the township share.
    let share_needs_one = u32::from(share > 0.0);
    if townships.iter().enumerate().any(|(g, (t, street))| {
        let need = if *street {
            dc.street_goal().max(share_needs_one)
        } else {
            share_needs_one
        };
        !has_candidate[g] && have[g] < need && upgradable(t)
    }) {
        return None;
    }
    let rules = GroupRules {
        group: group.clone(),
        has: have.iter().map(|h| *h > 0).collect(),
        at_least: townships
            .iter()
            .zip(&have)
            .map(|((_, street), h)| {
                if *street {
                    dc.street_goal().saturating_sub(*h)
                } else {
                    0
                }
            })
            .collect(),
        need_groups: (share * townships.len() as f64 - 1e-9).ceil().max(0.0) as usize,
    };
    let price: Vec<f64> = region
        .candidates
        .iter()
        .enumerate()
        .map(|(j, c)| {
            if !c.allow.day_care() {
                f64::INFINITY
            } else if required.contains(&j) {
                // Required sites open anyway: free here, so the bound counts the others.
                0.0
            } else {
                1.0
            }
        })
        .collect();
    // County rows: the rural centres each county still needs after the upgrades (the rules
    // upgrade every 敬老院 they can before opening a new centre), from the day-care
    // candidates of its 镇 and 乡.
    let mut county_of: Vec<Option<usize>> = vec![None; region.candidates.len()];
    let mut counts: Vec<CountRow> = Vec::new();
    if dc.county_goal() > 0 {
        for rural in crate::model::rural_by_county(&units).values() {
            let centres: u32 = rural
                .iter()
                .filter_map(|t| index.get(t))
                .map(|&g| have[g as usize])
                .sum();
            let need = dc.county_goal().saturating_sub(centres);
            if need == 0 {
                continue;
            }
            let members: Vec<u32> = region
                .candidates
                .iter()
                .enumerate()
                .filter(|(_, c)| c.allow.day_care() && rural.contains(&c.township.as_str()))
                .map(|(j, _)| j as u32)
                .collect();
            for &j in &members {
                county_of[j as usize] = Some(counts.len());
            }
            counts.push(CountRow {
                members,
                at_least: need,
            });
        }
    }
    let instance = RulesCoverInstance::new(problem, &price, target, &rules, &counts);
    let (sol, _) =
        min_cost_rules_cover_with(problem, &price, target, &rules, &counts, JOINT_NODE_LIMIT)?;
    if sol.covered < target - Certificate::TOLERANCE {
        return None;
    }
    // Name the rule sites: each street's first sites up to its need, then each county's
    // first rural sites up to its need, then one site in each township without a centre until
    // the share holds, the most coverage first.
    let gain = |c: u32| -> f64 {
        problem.sets[c as usize]
            .iter()
            .filter(|&&i| !problem.covered[i as usize])
            .fold(0.0, |a, &i| a + problem.weight[i as usize])
    };
    let mut sites = sol.sites;
    sites.sort_by(|&a, &b| gain(b).total_cmp(&gain(a)).then(a.cmp(&b)));
    let mut rule_sites: Vec<(usize, Reason)> = Vec::new();
    let mut rest: Vec<u32> = Vec::new();
    let mut count = have.clone();
    let mut with = have.iter().filter(|h| **h > 0).count();
    let mut county_left: Vec<u32> = counts.iter().map(|c| c.at_least).collect();
    for &c in &sites {
        let g = group[c as usize].map(|g| g as usize);
        let k = county_of[c as usize];
        let reason = if g.is_some_and(|g| count[g] < rules.at_least[g] + have[g]) {
            Reason::Street
        } else if let Some(k) = k.filter(|&k| county_left[k] > 0) {
            county_left[k] -= 1;
            Reason::County
        } else if g.is_some_and(|g| count[g] == 0) && with < rules.need_groups {
            Reason::Township
        } else {
            rest.push(c);
            continue;
        };
        rule_sites.push((c as usize, reason));
        if let Some(g) = g {
            if count[g] == 0 {
                with += 1;
            }
            count[g] += 1;
        }
    }
    let met = with >= rules.need_groups
        && county_left.iter().all(|&k| k == 0)
        && (0..townships.len()).all(|g| count[g] >= rules.at_least[g] + have[g]);
    if !met {
        return None;
    }
    rest.sort_unstable();
    Some(JointCover {
        sites: rest,
        rule_sites,
        bound: sol.certificate.bound,
        instance,
    })
}

/// Plans the day-care network of `scenario` on `region` with reach lists `reach` (every
/// site within the time limit).
pub fn plan(scenario: &Scenario, region: &Region, reach: &ReachLists) -> DayCarePlan {
    plan_with_money(scenario, region, reach, None)
}

/// Most branch-and-bound nodes of the budgeted coverage searches.
pub const MONEY_NODE_LIMIT: u64 = 200_000;

/// [`plan`] with `money_wan` 万元 for the coverage sites (after the street, township and county
/// rules) when candidates differ in price and centres have no capacities: the cheapest
/// coverage sites meeting the target where the money reaches it
/// ([`Objective::LeastCost`]), else the most elderly the money buys
/// ([`crate::solve::budget_coverage::max_covered`]). `None` plans as [`plan`].
pub fn plan_with_money(
    scenario: &Scenario,
    region: &Region,
    reach: &ReachLists,
    money_wan: Option<f64>,
) -> DayCarePlan {
    plan_money(scenario, region, reach, money_wan.map(Money::Coverage))
}

/// [`plan_with_money`] with `total_wan` 万元 for the whole day-care network: the street,
/// township and county centres, required sites and upgrades this plan places are paid first,
/// and what is left (never below 0) buys the coverage sites. The proofs of a missed target
/// then hold for every plan spending at most `total_wan` (or what this plan's rules cost,
/// where that is more), whatever centres another placement of the rules would take.
pub fn plan_within_total(
    scenario: &Scenario,
    region: &Region,
    reach: &ReachLists,
    total_wan: f64,
) -> DayCarePlan {
    plan_money(scenario, region, reach, Some(Money::Total(total_wan)))
}

/// The money of [`plan_money`], 万元.
#[derive(Clone, Copy, Debug)]
enum Money {
    /// For the coverage sites alone, after the rules' centres and upgrades.
    Coverage(f64),
    /// For the whole day-care network, the rules' centres and upgrades first.
    Total(f64),
}

fn plan_money(
    scenario: &Scenario,
    region: &Region,
    reach: &ReachLists,
    money_wan: Option<Money>,
) -> DayCarePlan {
    let dc = &scenario.day_care;
    let nf = region.facilities.len();
    let serving_existing: Vec<bool> = region
        .facilities
        .iter()
        .map(|f| dc.serving.contains(f.kind))
        .collect();
    let day_care_candidate: Vec<bool> = region
        .candidates
        .iter()
        .map(|c| c.allow.day_care())
        .collect();
    let problem = coverage_problem(region, reach, dc.scope, dc.serving);
    let weight = problem.weight.clone();
    let covered_existing = problem.covered.clone();
    // Rule sites. Upgraded facilities become comprehensive centres and serve the circle
    // when the scenario counts those; the coverage problem (and its bound) then starts from
    // them, as from existing sites.
    let mut shortfalls = Vec::new();
    let upgrades_serve = dc.serving.contains(FacilityType::Comprehensive);
    let required = scenario.decisions.required_day_care(region);
    let required_ids: Vec<usize> = required.iter().map(|&(c, _)| c).collect();
    let rules_out = rule_sites(
        scenario,
        region,
        &problem,
        reach,
        upgrades_serve,
        &required_ids,
        &mut shortfalls,
    );
    // Whether a rule place could have taken another candidate than the one it got.
    let mut placement_choice = rules_out
        .could_place
        .iter()
        .enumerate()
        .any(|(c, &could)| could && !rules_out.new.iter().any(|&(r, _)| r == c));
    let mut rule_sites = rules_out.new;
    // Required candidates open like rule sites: the coverage optimisation starts from them.
    for &(c, _) in &required {
        if !rule_sites.iter().any(|&(r, _)| r == c) {
            rule_sites.push((c, Reason::Required));
        }
    }
    let required_all = scenario.decisions.required_day_care_sites(region);
    let fixed = rule_sites
        .iter()
        .filter(|(_, r)| *r == Reason::Required)
        .count() as u32;
    let mut upgraded = vec![false; nf];
    for &(i, _) in &rules_out.upgrades {
        upgraded[i] = true;
    }
    // Bounds must hold for any upgrades the rules allow, not only the ones chosen: the
    // relaxation counts every facility some choice would upgrade as upgraded (its township
    // holding a centre, what it reaches covered when upgraded centres serve). Rules then need
    // no more, and cover no less, than under any one choice.
    let choice_left = rules_out
        .could_upgrade
        .iter()
        .zip(&upgraded)
        .any(|(c, u)| *c && !*u);
    let all_upgrades: Vec<(usize, Reason)> = (0..nf)
        .filter(|&i| rules_out.could_upgrade[i])
        .map(|i| (i, Reason::County))
        .collect();
    // What the upgraded facilities reach counts as covered, when upgraded centres serve.
    let with_upgrades = |p: CoverageProblem, upgrades: &[(usize, Reason)]| {
        if upgrades_serve {
            with_upgrades_serving(p, reach, upgrades.iter().map(|&(i, _)| i))
        } else {
            p
        }
    };
    let problem_any = with_upgrades(problem.clone(), &all_upgrades);
    let problem = with_upgrades(problem, &rules_out.upgrades);
    // Villages no serving site can reach, counting the centres the rules upgrade (they serve
    // when the scenario counts comprehensive centres).
    let unreachable: f64 = reach
        .iter()
        .filter(|(v, list)| {
            !list.iter().any(|r| {
                let i = r.site.get();
                if i < nf {
                    serving_existing[i] || (upgrades_serve && upgraded[i])
                } else {
                    day_care_candidate[i - nf]
                }
            }) && weight[v.get()] > 0.0
        })
        .map(|(v, _)| weight[v.get()])
        .fold(0.0, |a, b| a + b);
    // Sums start at +0.0 (an empty `sum` of floats is -0.0, printed "-0").
    let in_scope_total: f64 = weight.iter().fold(0.0, |a, b| a + b);
    let total = if dc.exclude_unreachable {
        in_scope_total - unreachable
    } else {
        in_scope_total
    };

    let is_serving = |s: SiteIdx, opened: &[bool]| -> bool {
        let i = s.get();
        if i < nf {
            serving_existing[i] || (upgrades_serve && upgraded[i])
        } else {
            opened[i - nf]
        }
    };
    // What the existing sites and the upgraded centres reach, then the rules' new sites.
    let rest = with_sites_open(&problem, rule_sites.iter().map(|&(c, _)| c));
    let rules = rule_sites.len() as u32;
    // The fewest sites the rules need under any upgrade they allow: moving one county
    // upgrade gives at most one more township a centre, so saves at most one township-share
    // site (or lets one required site fill a township's place); without a township share or
    // required sites the count does not depend on where the upgrades go.
    let county_upgrades = rules_out
        .upgrades
        .iter()
        .filter(|(_, r)| *r == Reason::County)
        .count() as u32;
    let placement_matters = dc.township_goal().is_some_and(|s| s > 0.0) || !required_all.is_empty();
    let rules_floor = if choice_left && placement_matters {
        rules.saturating_sub(county_upgrades)
    } else {
        rules
    };

    let target = dc.coverage;
    // Nothing opened closes later, so the final network must meet the highest coverage step
    // of any year; the phasing then dates each site by the first year that needs it.
    let goal = dc.coverage_goal();
    let free_budget = dc.max_new.map(|m| m.saturating_sub(rules));
    // Sites the rules and the decisions force beyond `max_new`: the plan opens them (they
    // are the rules' and the official's), and it cannot be called a solution of the problem
    // with the limit, so its status is infeasible (set below).
    let over_max_new = dc.max_new.filter(|m| *m < rules);
    if let Some(m) = over_max_new {
        let by_rules = rules - fixed;
        shortfalls.push(Shortfall {
            rule: "max_new".into(),
            zh: format!(
                "街道与乡镇规则需新建 {by_rules} 处综合中心、决定要求新建 {fixed} 处，共 {rules} 处，超过 max_new = {m}"
            ),
            en: format!(
                "the street and township rules need {by_rules} new comprehensive centres and the decisions require {fixed} sites, {rules} in all, more than max_new = {m}"
            ),
        });
    }
    let opts = CoverageOptions {
        seed: scenario.seed,
        max_sites: match (goal, dc.curve) {
            (Some(_), _) | (None, true) => free_budget,
            (None, false) => Some(free_budget.unwrap_or(0)),
        },
        ..CoverageOptions::default()
    };
    // The whole curve where the plan shows it; otherwise only the budget or the target
    // asked, solved directly.
    // (A money budget reads neither: its own searches follow. Capacities read the bound at
    // every count of their greedy curve: the curve then.)
    let capacities = dc.capacity.is_some() || dc.data_capacity;
    let direct = !dc.curve
        && !capacities
        && (money_wan.is_some() || goal.is_some() || free_budget.is_some());
    let curve = Searches::new(rest.clone(), opts, direct);
    // Bounds from the problem without rules (rules only remove options) but with the
    // required sites open: a bound of the problem under the decisions. Its point `k` counts
    // `k` sites besides the `fixed` required ones. Without rule sites and upgrade choices it
    // is the same problem: the same searches serve both.
    let relaxed_own;
    let relaxed = if rule_sites.is_empty() && problem_any == rest {
        &curve
    } else if fixed == 0 {
        relaxed_own = Searches::new(
            problem_any.clone(),
            CoverageOptions {
                max_sites: opts.max_sites.map(|m| m + rules),
                ..opts
            },
            direct,
        );
        &relaxed_own
    } else {
        let mut with_required = problem_any.clone();
        for &(c, _) in rule_sites.iter().filter(|(_, r)| *r == Reason::Required) {
            for &v in &problem.sets[c] {
                with_required.covered[v as usize] = true;
            }
            with_required.sets[c].clear();
        }
        relaxed_own = Searches::new(
            with_required,
            CoverageOptions {
                max_sites: opts.max_sites.map(|m| m + rules - fixed),
                ..opts
            },
            direct,
        );
        &relaxed_own
    };

    // Without a coverage target or a budget, the rules alone decide: the fewest sites that
    // meet them (a zero coverage target).
    let (mut free_sites, mut certificate, objective) = match (money_wan, goal, free_budget) {
        (Some(money), goal, free_budget) => {
            use crate::solve::budget_coverage::{max_covered_within, min_cost_within};
            let price: Vec<f64> = (0..region.candidates.len())
                .map(|c| site_cost(scenario, region, c))
                .collect();
            // What this plan's rules cost: their centres, required sites and upgrades.
            let rules_wan = rule_sites.iter().map(|&(r, _)| price[r]).sum::<f64>()
                + rules_out.upgrades.len() as f64 * scenario.costs.upgrade_wan;
            let money = match money {
                Money::Coverage(m) => m,
                Money::Total(t) => (t - rules_wan).max(0.0),
            };
            // `max_new` holds next to the money.
            let count = free_budget.map_or(usize::MAX, |m| m as usize);
            let cheapest = goal.and_then(|share| {
                min_cost_within(&rest, &price, share * total, count, MONEY_NODE_LIMIT)
                    .ok()
                    .filter(|s| s.cost_wan <= money + Certificate::TOLERANCE)
            });
            let answer = match cheapest {
                Some(s) => (s.sites, s.certificate, Objective::LeastCost),
                None => {
                    let s = max_covered_within(&rest, &price, money, count, MONEY_NODE_LIMIT);
                    (s.sites, s.certificate, Objective::CoveredElderly)
                }
            };
            // Where the rules chose among upgrades, the bound of the same search with every
            // upgrade they could have made holds for any choice.
            let (sites, mut c, objective) = answer;
            // The rules placed their centres by a rule of thumb before the money was spent
            // (their cost and place not weighed against the coverage sites'): the searches
            // above are exact only given those centres, so only bounds that need no search
            // hold (nothing cheaper than 0 万元, nothing beyond every reachable elderly).
            let rule_placed = rule_sites
                .iter()
                .any(|(_, r)| matches!(r, Reason::Street | Reason::Township | Reason::County));
            if rule_placed {
                let status = c.status;
                c = if objective == Objective::LeastCost {
                    Certificate::new(c.objective, c.bound.min(0.0))
                } else {
                    Certificate::new(c.objective, c.bound.max(problem_any.reachable_weight()))
                };
                c.status = if status.is_missed() {
                    status
                } else if c.status == Status::Optimal && objective == Objective::LeastCost {
                    // Nothing left to pay for coverage, yet the rules' centres may cost
                    // more than others would.
                    Status::Feasible
                } else {
                    c.status
                };
            } else if choice_left {
                let any = with_sites_open(&problem_any, rule_sites.iter().map(|&(c, _)| c));
                let status = c.status;
                c = if objective == Objective::LeastCost {
                    let share = goal.expect("least cost only with a coverage target");
                    let b = min_cost_within(&any, &price, share * total, count, MONEY_NODE_LIMIT)
                        .map_or(0.0, |s| s.certificate.bound);
                    Certificate::new(c.objective, c.bound.min(b))
                } else {
                    let b = max_covered_within(&any, &price, money, count, MONEY_NODE_LIMIT)
                        .certificate
                        .bound;
                    Certificate::new(c.objective, c.bound.max(b))
                };
                if status.is_missed() {
                    c.status = status;
                }
            }
            // A coverage target the money's answer misses: proven out of reach only where a
            // bound for any plan falls short of it. Any plan spends at most this money plus
            // what the rules' centres and upgrades cost here, so it opens at most as many new
            // sites as the cheapest prices that fit (and `max_new`); the problem without the
            // rules bounds the elderly that many cover, and so does the Lagrangian knapsack
            // bound of that money on it. The certificate keeps the smallest bound.
            if objective == Objective::CoveredElderly
                && let Some(share) = goal
                && c.objective < share * total - Certificate::TOLERANCE
            {
                let spendable = money + rules_wan;
                let affordable = crate::solve::budget_coverage::affordable(
                    (0..region.candidates.len())
                        .filter(|&j| region.candidates[j].allow.day_care() && price[j].is_finite())
                        .map(|j| price[j]),
                    spendable,
                ) as u32;
                let sites = dc.max_new.map_or(affordable, |m| m.min(affordable));
                let knapsack = crate::solve::budget_coverage::knapsack_bound(
                    &problem_any,
                    &price,
                    spendable,
                    sites as usize,
                );
                let most = relaxed
                    .bound_at(sites.saturating_sub(fixed))
                    .min(problem_any.reachable_weight())
                    .min(knapsack);
                // The search's own bound holds for any plan too: where the rules placed
                // centres it was widened to every reachable elderly above, where they chose
                // among upgrades to the search with every upgrade open.
                c = Certificate::new(c.objective, c.bound.min(most).max(c.objective));
                c.status = Status::missed(c.bound < share * total - Certificate::TOLERANCE);
            }
            (sites, c, objective)
        }
        (None, goal, free_budget) => match (goal, free_budget) {
            (Some(share), _) => target_plan(
                &curve,
                relaxed,
                share * total,
                (rules, rules_floor),
                fixed,
                &mut shortfalls,
                share,
            ),
            (None, Some(budget)) => budget_plan(&curve, relaxed, budget, rules, fixed),
            (None, None) => target_plan(
                &curve,
                relaxed,
                0.0,
                (rules, rules_floor),
                fixed,
                &mut shortfalls,
                0.0,
            ),
        },
    };
    let mut rules_cover = None;
    // The rules were met site by site before coverage; where that left a gap to the bound,
    // the street, township and coverage rows are solved together, exactly where the search
    // finishes: a proof for the count, or fewer sites. Under `max_new` the joint answer is
    // taken only within it, and a target the rules' own placement missed (not proven out of
    // reach) is met where the joint answer fits.
    let missed_under_max_new = free_budget.is_some() && certificate.status == Status::Undecided;
    if money_wan.is_none()
        && objective == Objective::NewSites
        && (certificate.status == Status::Feasible || missed_under_max_new)
        // Upgrades of 敬老院 for the county rule and in streets without a candidate are done
        // whatever the other sites are; an upgrade for the township share is not modelled.
        && !rules_out.upgrades.iter().any(|(_, r)| *r == Reason::Township)
        && let Some(share) = goal
        && site_capacities(region, dc.capacity, &serving_existing, dc.data_capacity).is_none()
        && let Some(joint) = joint_rules_cover(
            scenario,
            region,
            &problem,
            share * total,
            &required_all,
            &rules_out.upgrades,
        )
    {
        rules_cover = Some(joint.instance);
        // Its bound holds for the chosen upgrades only; where the rules had a choice, the
        // same program with every upgrade they could have made bounds any choice.
        let joint_bound = if choice_left {
            joint_rules_cover(
                scenario,
                region,
                &problem_any,
                share * total,
                &required_all,
                &all_upgrades,
            )
            .map(|r| r.bound)
        } else {
            Some(joint.bound)
        };
        // Required sites are free in the joint program (its bound counts the others) and
        // open whatever it chose: they keep a rule role it gave them, or open as required.
        let count = (free_sites.len() + rule_sites.len()) as f64;
        let bound = joint_bound
            .map_or(certificate.bound, |b| b + required_all.len() as f64)
            .max(certificate.bound);
        let mut joint_rules = joint.rule_sites;
        for &c in &required_all {
            if !joint_rules.iter().any(|&(r, _)| r == c) {
                joint_rules.push((c, Reason::Required));
            }
        }
        let joint_free: Vec<u32> = joint
            .sites
            .into_iter()
            .filter(|&c| !required_all.contains(&(c as usize)))
            .collect();
        let joint_count = (joint_free.len() + joint_rules.len()) as f64;
        let within_max_new = dc.max_new.is_none_or(|m| joint_count <= f64::from(m));
        if missed_under_max_new && within_max_new {
            // The target is met after all: the miss's lines go.
            shortfalls.retain(|s| s.rule != "coverage");
        }
        if !within_max_new {
            // The joint answer needs more sites than `max_new`: the plan stays, and so does
            // its certificate (the joint program has no row for the limit). Where the joint
            // bound (for any upgrade the rules allow) is above `max_new` too, no plan meets
            // the rules and the target within it: the miss is proven.
            rules_cover = None;
            if let (true, Some(m), Some(b)) = (missed_under_max_new, dc.max_new, joint_bound) {
                let least = b + required_all.len() as f64;
                if least > f64::from(m) + Certificate::TOLERANCE {
                    certificate.status = Status::Infeasible;
                    shortfalls.retain(|s| s.rule != "coverage");
                    shortfalls.push(Shortfall {
                        rule: "coverage".into(),
                        zh: format!(
                            "覆盖率目标 {:.1}% 无法达到：连同街道、乡镇与县域规则，至少需新建 {least:.0} 处站点",
                            100.0 * share
                        ),
                        en: format!(
                            "the coverage target of {:.1}% cannot be reached: with the street, township and county rules it needs at least {least:.0} new sites",
                            100.0 * share
                        ),
                    });
                }
            }
        } else if joint_count + Certificate::TOLERANCE < count || missed_under_max_new {
            // Another placement of the rules' centres than theirs meets the rules too.
            let placed = |sites: &[(usize, Reason)]| {
                let mut p: Vec<usize> = sites
                    .iter()
                    .filter(|(_, r)| *r != Reason::Required)
                    .map(|&(c, _)| c)
                    .collect();
                p.sort_unstable();
                p
            };
            placement_choice |= placed(&rule_sites) != placed(&joint_rules);
            rule_sites = joint_rules;
            free_sites = joint_free;
            certificate = Certificate::new(joint_count, bound.min(joint_count));
        } else {
            certificate = Certificate::new(count, bound.min(count));
        }
    }
    // A coverage target missed under a site budget: name the budget, which may be the cause.
    if let (Some(m), Some(_)) = (dc.max_new, goal)
        && certificate.status.is_missed()
        && let Some(last) = shortfalls.iter_mut().rev().find(|s| s.rule == "coverage")
    {
        last.zh += &format!("（新建站点上限 max_new = {m}）");
        last.en += &format!(" (with at most max_new = {m} new sites)");
    }

    let mut opened = vec![false; region.candidates.len()];
    let mut sites: Vec<(usize, Reason)> = rule_sites.clone();
    sites.extend(free_sites.iter().map(|&c| (c as usize, Reason::Coverage)));
    for &(c, _) in &sites {
        opened[c] = true;
    }
    let serving_now: Vec<bool> = (0..nf)
        .map(|i| serving_existing[i] || (upgrades_serve && upgraded[i]))
        .collect();
    // Capacities: a facility's own places, else the scenario's default; new centres take the
    // default. With none anywhere, people are served without limit.
    let site_capacity = site_capacities(region, dc.capacity, &serving_now, dc.data_capacity);
    let cap = site_capacity.as_ref().map(|capacity| {
        let goal = goal.map(|share| share * total);
        capacitated_plan(
            region,
            reach,
            &problem,
            capacity,
            &serving_existing,
            &serving_now,
            &rule_sites,
            CapacitatedGoal {
                target: goal,
                budget: free_budget,
                rules,
            },
            relaxed,
            &mut shortfalls,
        )
    });
    if let Some(c) = &cap {
        // A capacitated target missed under a site budget names the budget, as above.
        if let (Some(m), Some(_)) = (dc.max_new, goal)
            && c.certificate.status.is_missed()
            && let Some(last) = shortfalls.iter_mut().rev().find(|s| s.rule == "coverage")
            && !last
                .en
                .ends_with(&format!(" (with at most max_new = {m} new sites)"))
        {
            last.zh += &format!("（新建站点上限 max_new = {m}）");
            last.en += &format!(" (with at most max_new = {m} new sites)");
        }
        sites.retain(|(_, r)| r.is_forced());
        // Sites the uncapacitated answer opens as well are coverage sites; the others open
        // because full centres cannot take everyone they reach.
        sites.extend(c.sites.iter().map(|&c| {
            if free_sites.contains(&(c as u32)) {
                (c, Reason::Coverage)
            } else {
                (c, Reason::Capacity)
            }
        }));
        opened = vec![false; region.candidates.len()];
        for &(c, _) in &sites {
            opened[c] = true;
        }
    }
    let villages: Vec<VillageResult> = reach
        .iter()
        .map(|(v, list)| {
            let nearest = list.iter().find(|r| is_serving(r.site, &opened));
            let (served, served_before, flows) = match &cap {
                Some(c) => (
                    c.after.per_point[v.get()],
                    c.before[v.get()],
                    c.after.flows[v.get()]
                        .iter()
                        .map(|&(s, f)| (SiteIdx(s), f))
                        .collect(),
                ),
                None => {
                    let w = weight[v.get()];
                    (
                        if nearest.is_some() { w } else { 0.0 },
                        if covered_existing[v.get()] { w } else { 0.0 },
                        nearest.map(|r| vec![(r.site, w)]).unwrap_or_default(),
                    )
                }
            };
            VillageResult {
                village: v,
                covered: nearest.is_some(),
                covered_before: covered_existing[v.get()],
                site: nearest.map(|r| r.site),
                minutes: nearest.map(|r| r.minutes),
                served,
                served_before,
                flows,
            }
        })
        .collect();
    let covered: f64 = villages.iter().map(|v| v.served).fold(0.0, |a, b| a + b);
    let mut certificate = match &cap {
        Some(c) => c.certificate,
        None => certificate,
    };
    // A street, township or county rule the data cannot meet: no network meets every target,
    // so the plan is not a solution of the problem as posed, however good its coverage.
    let rule_missed = shortfalls.iter().any(|s| {
        matches!(
            s.rule.as_str(),
            "per_street" | "per_county" | "township_share"
        )
    });
    if over_max_new.is_some() || rule_missed {
        certificate.status = Status::Infeasible;
    }
    let covered_before: f64 = villages.iter().fold(0.0, |a, v| a + v.served_before);
    let upgrade_sets: Vec<Vec<u32>> = rules_out
        .upgrades
        .iter()
        .map(|&(i, _)| {
            if upgrades_serve {
                reach
                    .villages_of(SiteIdx(i as u32))
                    .iter()
                    .map(|vr| vr.village.0)
                    .collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    let served = site_capacity.as_ref().map(|capacity| ServedFlows {
        capacity,
        serving_before: &serving_existing,
        reach,
    });
    let (years, upgrade_years, mut phasing) = phase(
        scenario,
        region,
        &problem,
        &covered_existing,
        total,
        &sites,
        &rules_out.upgrades,
        &upgrade_sets,
        &required,
        served.as_ref(),
    );
    phasing.certify_whole(&certificate);
    if phasing.status.is_missed() {
        shortfalls.push(Shortfall {
            rule: "phasing".into(),
            zh: "所选日间照料网络没有符合年度预算的建设时序（或搜索在节点限额内未找到）；其他网络未被搜索，逐年目标可能因此未达到".into(),
            en: "no schedule of the chosen day-care network within the yearly budgets (none exists, or the search found none within its node limit); other networks were not searched, so yearly steps may be missed".into(),
        });
    }
    let mut new_sites: Vec<NewSite> = sites
        .iter()
        .zip(&years)
        .map(|(&(c, reason), &year)| {
            let cand = &region.candidates[c];
            NewSite {
                candidate: c,
                id: cand.id.clone(),
                name: cand.name.clone(),
                township: cand.township.clone(),
                lon: cand.pos.lon,
                lat: cand.pos.lat,
                newly_covered_elderly: 0.0,
                reason,
                comprehensive: matches!(reason, Reason::Street | Reason::Township | Reason::County),
                year,
            }
        })
        .collect();
    // Elderly newly served per upgraded facility (facility index), as for the new sites.
    let mut upgrade_gain = vec![0.0; nf];
    let is_new = |site: SiteIdx| site.get() >= nf || upgraded[site.get()];
    let mut credit = |site: SiteIdx, people: f64, new_sites: &mut [NewSite]| {
        if site.get() < nf {
            upgrade_gain[site.get()] += people;
        } else if let Some(ns) = new_sites
            .iter_mut()
            .find(|s| s.candidate + nf == site.get())
        {
            ns.newly_covered_elderly += people;
        }
    };
    if cap.is_some() {
        // A village's gain (served after less served before) is shared among the new sites
        // and upgraded centres by the people each of them serves there.
        for v in &villages {
            let gain = (v.served - v.served_before).max(0.0);
            let from_new: f64 = v.flows.iter().filter(|f| is_new(f.0)).map(|f| f.1).sum();
            if gain <= 0.0 || from_new <= 0.0 {
                continue;
            }
            for &(site, f) in v.flows.iter().filter(|f| is_new(f.0)) {
                credit(site, gain * f / from_new, &mut new_sites);
            }
        }
    } else {
        for v in &villages {
            if let (Some(site), false) = (v.site, v.covered_before)
                && is_new(site)
            {
                credit(site, weight[v.village.get()], &mut new_sites);
            }
        }
    }
    new_sites.sort_by(|a, b| {
        b.newly_covered_elderly
            .total_cmp(&a.newly_covered_elderly)
            .then(a.candidate.cmp(&b.candidate))
    });

    let curve_points = match (dc.curve, &cap) {
        (true, Some(c)) => c.curve.clone(),
        (true, None) => curve
            .whole()
            .expect("a plan that shows the curve searches it whole")
            .points
            .iter()
            .map(|pt| CurvePoint {
                new_sites: pt.new_sites + rules,
                covered_elderly: pt.covered,
                bound: relaxed
                    .bound_at(pt.new_sites + rules - fixed)
                    .max(pt.covered),
            })
            .collect(),
        (false, _) => Vec::new(),
    };
    // Adding sites never serves fewer, so every count from the plan's own serves at least
    // what the plan serves: the curve shows that where its own search found less (the joint
    // rules-and-coverage program can find a set the curve's search does not). Bounds stay.
    let mut curve_points = curve_points;
    let own = sites.len() as u32;
    for p in curve_points.iter_mut().filter(|p| p.new_sites >= own) {
        p.covered_elderly = p.covered_elderly.max(covered);
    }
    let ratio = |x: f64| if total > 0.0 { x / total } else { 0.0 };
    DayCarePlan {
        status: certificate.status,
        objective,
        new_sites: sites.len() as u32,
        covered_elderly: covered,
        covered_before,
        total_elderly: total,
        coverage: ratio(covered),
        target,
        bound: certificate.bound,
        gap: certificate.gap,
        seed: scenario.seed,
        unreachable_elderly: unreachable,
        reachable_coverage: ratio(
            cap.as_ref()
                .map_or_else(|| curve.reachable(), |c| c.reachable)
                .min(total),
        ),
        curve: curve_points,
        sites: new_sites,
        upgrades: rules_out
            .upgrades
            .iter()
            .zip(&upgrade_years)
            .map(|(&(i, reason), &year)| {
                let f = &region.facilities[i];
                Upgrade {
                    facility: i,
                    id: f.id.clone(),
                    name: f.name.clone(),
                    from: f.kind,
                    township: f.township.clone(),
                    lon: f.pos.lon,
                    lat: f.pos.lat,
                    reason,
                    year,
                    cost_wan: scenario.costs.upgrade_wan,
                    newly_covered_elderly: upgrade_gain[i],
                }
            })
            .collect(),
        serving: dc.serving,
        shortfalls,
        upgrade_choice: choice_left,
        placement_choice,
        search: curve.stats(),
        phasing,
        capacity: site_capacity,
        villages,
        rules_cover,
    }
}

/// The schedule of a day-care plan's new sites and upgrades over the plan years.
///
/// Solved by [`crate::solve::phasing`]: every year's coverage and township-share steps hold
/// in their year, nothing opened closes, spending waits until a step needs it (objective: the
/// money committed, 万元 summed over the plan years from the year each is spent) and among
/// equally cheap schedules the most elderly are covered earliest; yearly budgets
/// (`[budget] per_year`, unless overruns are allowed) bound each year's spend.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PhasingSummary {
    /// `optimal` (proven), `feasible` (the node limit stopped the search; see `gap`) or
    /// `infeasible` (no schedule fits the yearly budgets: sites are dated by need, then moved
    /// into years with room).
    pub status: Status,
    /// The money committed, 万元·years: each year's cumulative spend, summed over the years.
    pub committed_wan_years: f64,
    /// Proven lower bound on the money committed by any schedule of the same sites.
    pub bound: f64,
    /// Relative gap between objective and bound.
    pub gap: f64,
    /// Elderly within reach of an open site (served, with centre capacities), summed over
    /// the plan years (the tie-break).
    pub people_years: f64,
    /// Elderly within reach of a site open by each plan year (service circles); with centre
    /// capacities, the elderly the sites open by then serve (maximum flow, as the indicator
    /// table counts them).
    pub covered_by_year: std::collections::BTreeMap<i32, f64>,
    /// Day-care spend per plan year, 万元.
    pub spend_by_year_wan: std::collections::BTreeMap<i32, f64>,
    /// Branch-and-bound nodes searched.
    pub nodes: u64,
    /// Whether the search finished within its node limit, so that the tie-break (the most
    /// coverage earliest) is proven best too; the status speaks for the objective only.
    pub tie_break_proven: bool,
    /// The whole schedule's status. The final-year problem without the earlier steps is a
    /// relaxation of the whole schedule (every schedule ends in a network meeting it), so
    /// its bound bounds every schedule: `optimal` only when the final network is proven
    /// optimal for it and the phasing within that network is `optimal`; `infeasible` when
    /// no schedule of the network fits the yearly budgets (other networks are not searched:
    /// a shortfall says so); `feasible` otherwise, with the final network's bound and gap.
    pub whole_status: Status,
    /// The final network's objective (the day-care plan's: new sites, 万元 or elderly
    /// served), which the whole schedule's certificate speaks for first.
    pub whole_objective: f64,
    /// The final-year relaxation's proven bound on it, valid for every schedule.
    pub whole_bound: f64,
    /// Relative gap between `whole_objective` and `whole_bound`.
    pub whole_gap: f64,
}

impl PhasingSummary {
    /// Sets the whole schedule's certificate from the final network's `network` certificate
    /// (see [`PhasingSummary::whole_status`]).
    fn certify_whole(&mut self, network: &Certificate) {
        self.whole_objective = network.objective;
        self.whole_bound = network.bound;
        self.whole_gap = network.gap;
        self.whole_status = whole_status(network.status, self.status);
    }
}

/// The whole schedule's status from the final network's and the phasing's (see
/// [`PhasingSummary::whole_status`]): `infeasible` where either is, then `undecided` where
/// either is, `optimal` only where both are, `feasible` otherwise.
pub fn whole_status(network: Status, phasing: Status) -> Status {
    match (network, phasing) {
        (_, Status::Infeasible) | (Status::Infeasible, _) => Status::Infeasible,
        (Status::Undecided, _) | (_, Status::Undecided) => Status::Undecided,
        (Status::Optimal, Status::Optimal) => Status::Optimal,
        _ => Status::Feasible,
    }
}

/// Most branch-and-bound nodes the day-care phasing searches.
pub const PHASING_NODE_LIMIT: u64 = 200_000;

/// Most nodes of each relaxation that bounds a phasing by people served ([`phase`]): only
/// their bounds count, and a search stopped early still bounds by its root.
const RELAXATION_NODE_LIMIT: u64 = 2_000;

/// The plan year each new site and each upgrade opens in (see [`PhasingSummary`]).
///
/// Township steps count comprehensive centres (street, county and township rule sites, new
/// or upgraded); coverage steps count every site and upgrade, over `total` elderly.
/// `covered_today` marks villages an existing serving facility reaches; `upgrade_sets` lists,
/// per upgrade, the villages it reaches once it serves (empty when upgraded centres do not
/// count for coverage). Where no schedule fits the yearly budgets each item is dated by the
/// first step that needs it (the budgets then move it, [`crate::plan`]).
///
/// With centre capacities (`served`), a coverage step counts the people served, not those
/// within reach: the schedule is drawn on the final network's assignment, each site taking
/// the people it serves there (a year's open sites serve at least that many, as that part of
/// the assignment stays feasible, so every step the schedule meets is met). That model is a
/// restriction, so its search proves nothing for the plan; the bound is the schedule search
/// over service circles (everyone within reach counted), a relaxation, as people served never
/// exceed people within reach. `optimal` only where the two agree. The coverage by year and
/// the people·years are then the people the open sites serve each year (maximum flow, as the
/// indicator table counts them).
#[allow(clippy::too_many_arguments)]
fn phase(
    scenario: &Scenario,
    region: &Region,
    problem: &CoverageProblem,
    covered_today: &[bool],
    total: f64,
    sites: &[(usize, Reason)],
    upgrades: &[(usize, Reason)],
    upgrade_sets: &[Vec<u32>],
    required: &[(usize, Option<i32>)],
    served: Option<&ServedFlows>,
) -> (Vec<i32>, Vec<i32>, PhasingSummary) {
    use crate::solve::phasing::{PhasingItem, PhasingOptions, PhasingProblem, PhasingYear};
    let n = sites.len();
    let townships: Vec<&str> = region
        .township_units_with(&scenario.day_care.township_kinds)
        .into_iter()
        .filter(|u| u.kind.is_township())
        .map(|u| u.name)
        .collect();
    let group_of = |t: &str| townships.iter().position(|x| *x == t).map(|g| g as u32);
    let mut group_has = vec![false; townships.len()];
    for f in region
        .facilities
        .iter()
        .filter(|f| f.kind == FacilityType::Comprehensive)
    {
        if let Some(g) = group_of(&f.township) {
            group_has[g as usize] = true;
        }
    }
    let is_rule = |r: Reason| matches!(r, Reason::Street | Reason::Township | Reason::County);
    let mut items: Vec<PhasingItem> = sites
        .iter()
        .map(|&(c, reason)| PhasingItem {
            cost: site_cost(scenario, region, c),
            points: problem.sets[c].clone(),
            group: is_rule(reason)
                .then(|| group_of(&region.candidates[c].township))
                .flatten(),
            due: None,
        })
        .chain(
            upgrades
                .iter()
                .zip(upgrade_sets)
                .map(|(&(i, reason), set)| PhasingItem {
                    cost: scenario.costs.upgrade_wan,
                    points: set.clone(),
                    group: is_rule(reason)
                        .then(|| group_of(&region.facilities[i].township))
                        .flatten(),
                    due: None,
                }),
        )
        .collect();
    // A required candidate with a year is due by that year (the decisions were checked to
    // name plan years).
    for (item, &(c, _)) in items.iter_mut().zip(sites) {
        if let Some(k) = required
            .iter()
            .find(|(r, _)| *r == c)
            .and_then(|(_, y)| *y)
            .and_then(|y| scenario.years.iter().position(|&x| x == y))
        {
            item.due = Some(item.due.map_or(k, |d| d.min(k)));
        }
    }
    // Street and county steps name their centres: each street's (county's) first centres
    // opened for its rule are due by the year of each step, as many as the step lacks.
    let rule_items: Vec<(Reason, &str)> = sites
        .iter()
        .map(|&(c, r)| (r, region.candidates[c].township.as_str()))
        .chain(
            upgrades
                .iter()
                .map(|&(i, r)| (r, region.facilities[i].township.as_str())),
        )
        .collect();
    let units = region.township_units_with(&scenario.day_care.township_kinds);
    let county_of: std::collections::BTreeMap<&str, &str> = crate::model::rural_by_county(&units)
        .into_iter()
        .flat_map(|(c, towns)| towns.into_iter().map(move |t| (t, c)))
        .collect();
    let mut existing: std::collections::BTreeMap<(Reason, &str), u32> = Default::default();
    for f in region
        .facilities
        .iter()
        .filter(|f| f.kind == FacilityType::Comprehensive)
    {
        *existing
            .entry((Reason::Street, f.township.as_str()))
            .or_default() += 1;
        if let Some(c) = county_of.get(f.township.as_str()) {
            *existing.entry((Reason::County, c)).or_default() += 1;
        }
    }
    for (k, y) in scenario.years.iter().enumerate() {
        let Some(step) = scenario.day_care.targets.get(y) else {
            continue;
        };
        for (reason, need) in [
            (Reason::Street, step.per_street),
            (Reason::County, step.per_county),
        ] {
            let Some(need) = need else { continue };
            let mut taken: std::collections::BTreeMap<&str, u32> = Default::default();
            for (i, &(r, township)) in rule_items.iter().enumerate() {
                if r != reason {
                    continue;
                }
                let unit = if reason == Reason::County {
                    match county_of.get(township) {
                        Some(c) => *c,
                        None => continue,
                    }
                } else {
                    township
                };
                let have = existing.get(&(reason, unit)).copied().unwrap_or(0);
                let n = taken.entry(unit).or_default();
                if have + *n < need {
                    *n += 1;
                    let due = &mut items[i].due;
                    *due = Some(due.map_or(k, |d| d.min(k)));
                }
            }
        }
    }
    let budget = &scenario.budget;
    let years: Vec<PhasingYear> = scenario
        .years
        .iter()
        .map(|y| {
            let step = scenario.day_care.targets.get(y);
            PhasingYear {
                need_people: step.and_then(|s| s.coverage).map(|c| c * total),
                need_groups: step
                    .and_then(|s| s.township_share)
                    .map(|share| (share * townships.len() as f64 - 1e-9).ceil().max(0.0) as usize),
                budget: budget
                    .per_year_wan
                    .get(y)
                    .copied()
                    .filter(|_| !budget.allow_overrun),
            }
        })
        .collect();
    let circles = PhasingProblem {
        weight: problem.weight.clone(),
        covered: covered_today.to_vec(),
        group_has,
        items,
        years,
    };
    let nf = region.facilities.len();
    let item_site: Vec<usize> = sites
        .iter()
        .map(|&(c, _)| nf + c)
        .chain(upgrades.iter().map(|&(i, _)| i))
        .collect();
    let (model, relaxations) = match served {
        Some(sf) => {
            let model = sf.restricted(&circles, &item_site, upgrade_sets);
            let relaxations = sf.relaxations(&model, circles, &item_site);
            (model, relaxations)
        }
        None => (circles, Vec::new()),
    };
    let options = PhasingOptions {
        node_limit: PHASING_NODE_LIMIT,
    };
    let solved = model.solve(&options);
    // With capacities the bound is the larger of the relaxations' bounds (a search the
    // node limit stops bounds by its root).
    let relaxed_bound = served.map(|_| {
        let options = PhasingOptions {
            node_limit: RELAXATION_NODE_LIMIT,
        };
        relaxations
            .iter()
            .map(|r| r.solve(&options).map_or(0.0, |s| s.certificate.bound))
            .fold(0.0, f64::max)
    });
    let (schedule, status, bound, nodes, complete) = match solved {
        Ok(s) => (
            s.year.clone(),
            s.certificate.status,
            s.certificate.bound,
            s.nodes,
            s.complete,
        ),
        Err(_) => {
            // No schedule of this network fits the yearly budgets, or the search found none
            // within its node limit: date by need alone.
            let mut free = model.clone();
            for y in &mut free.years {
                y.budget = None;
            }
            let s = free
                .solve(&PhasingOptions {
                    node_limit: PHASING_NODE_LIMIT,
                })
                .ok();
            let schedule = s.as_ref().map_or_else(
                || vec![scenario.years.len() - 1; model.items.len()],
                |s| s.year.clone(),
            );
            // Not proven for the plan: other networks were not searched. Dropping the
            // budgets relaxes the problem, so that search's bound still bounds every schedule
            // within them (over service circles; with capacities the relaxations' below).
            let bound = match (&s, served) {
                (Some(s), None) => s.certificate.bound,
                _ => 0.0,
            };
            (
                schedule,
                Status::Undecided,
                bound,
                s.map_or(0, |s| s.nodes),
                false,
            )
        }
    };
    // The relaxations' bound holds for every schedule, so it alone decides optimality there
    // (the restricted search may stop at its node limit with a schedule meeting it).
    let (status, bound, complete) = match relaxed_bound {
        Some(b) if status == Status::Undecided => (status, b, false),
        Some(b) => (Status::Optimal, b, false),
        None => (status, bound, complete),
    };
    // Figures of the schedule, budgets or not.
    let mut free = model.clone();
    for y in &mut free.years {
        *y = PhasingYear::default();
    }
    let figures = free
        .evaluate(&schedule)
        .expect("a schedule without steps or budgets is always valid");
    let certificate = {
        let mut c = Certificate::new(figures.committed_wan_years, bound);
        if status != Status::Optimal {
            c.status = status;
        }
        c
    };
    let year_of = |k: usize| scenario.years[k];
    let covered_by_year: Vec<f64> = match served {
        Some(sf) => (0..scenario.years.len())
            .map(|k| sf.served_by(&problem.weight, &item_site, &schedule, k, upgrade_sets))
            .collect(),
        None => figures.covered.clone(),
    };
    let summary = PhasingSummary {
        status: certificate.status,
        committed_wan_years: figures.committed_wan_years,
        bound: certificate.bound,
        gap: certificate.gap,
        people_years: match served {
            Some(_) => covered_by_year.iter().sum(),
            None => figures.people_years(),
        },
        covered_by_year: (0..scenario.years.len())
            .map(|k| (year_of(k), covered_by_year[k]))
            .collect(),
        spend_by_year_wan: (0..scenario.years.len())
            .map(|k| (year_of(k), figures.spend[k]))
            .collect(),
        nodes,
        tie_break_proven: complete,
        whole_status: status,
        whole_objective: f64::NAN,
        whole_bound: f64::NAN,
        whole_gap: f64::NAN,
    };
    let mut years: Vec<i32> = schedule.iter().map(|&k| year_of(k)).collect();
    let upgrade_years = years.split_off(n);
    (years, upgrade_years, summary)
}

/// The final day-care network's assignment with centre capacities, for phasing by people
/// served ([`phase`]). Sites are numbered facilities first, then candidates (`nf + c`).
struct ServedFlows<'a> {
    /// Places per site.
    capacity: &'a [f64],
    /// Facilities that serve before the plan.
    serving_before: &'a [bool],
    /// The sites each village reaches, nearest first.
    reach: &'a ReachLists,
}

impl ServedFlows<'_> {
    /// Whether item `t` serves once open: every new site does; an upgrade (the items after
    /// the sites) only where its `upgrade_sets` entry is not empty.
    fn item_serves(item_site: &[usize], upgrade_sets: &[Vec<u32>], t: usize) -> bool {
        let n_sites = item_site.len() - upgrade_sets.len();
        t < n_sites || !upgrade_sets[t - n_sites].is_empty()
    }

    /// Whether each site serves before the plan (one flag per site).
    fn before(&self) -> Vec<bool> {
        let mut open: Vec<bool> = self.serving_before.to_vec();
        open.resize(self.capacity.len(), false);
        open
    }

    /// Whether each site serves once the items `opens` marks open (those before the plan,
    /// and the items' own).
    fn open_with(
        &self,
        item_site: &[usize],
        upgrade_sets: &[Vec<u32>],
        opens: impl Fn(usize) -> bool,
    ) -> Vec<bool> {
        let mut open = self.before();
        for (t, &site) in item_site.iter().enumerate() {
            if opens(t) && Self::item_serves(item_site, upgrade_sets, t) {
                open[site] = true;
            }
        }
        open
    }

    /// The assignment of `weight` (per village) to the `open` sites, those serving before
    /// the plan filled first when `before_first` ([`flow::Assignment::solve_first`]).
    fn assign(&self, weight: &[f64], open: &[bool], before_first: bool) -> flow::Served {
        let a = flow::Assignment {
            demand: weight.to_vec(),
            capacity: self.capacity.to_vec(),
            options: self
                .reach
                .iter()
                .map(|(_, list)| {
                    list.iter()
                        .filter(|r| open[r.site.get()])
                        .map(|r| r.site.0)
                        .collect()
                })
                .collect(),
        };
        if before_first {
            a.solve_first(&self.before())
        } else {
            a.solve()
        }
    }

    /// `circles` with the final network's assignment in pieces for points: one point per
    /// village and site serving it (the people it serves there), covered before the plan
    /// where a facility serving then serves it, and by the item opening the site otherwise.
    /// The facilities serving before the plan are filled first, so they keep serving what
    /// they serve alone. `item_site` names each item's site.
    fn restricted(
        &self,
        circles: &crate::solve::phasing::PhasingProblem,
        item_site: &[usize],
        upgrade_sets: &[Vec<u32>],
    ) -> crate::solve::phasing::PhasingProblem {
        let mut item_of: std::collections::HashMap<usize, usize> = Default::default();
        for (t, &site) in item_site.iter().enumerate() {
            if Self::item_serves(item_site, upgrade_sets, t) {
                item_of.insert(site, t);
            }
        }
        let open = self.open_with(item_site, upgrade_sets, |_| true);
        let assigned = self.assign(&circles.weight, &open, true);
        let mut model = circles.clone();
        model.weight.clear();
        model.covered.clear();
        for item in &mut model.items {
            item.points.clear();
        }
        for flows in &assigned.flows {
            for &(site, people) in flows.iter().filter(|f| f.1 > 0.0) {
                let point = model.weight.len() as u32;
                let s = site as usize;
                let before = s < self.serving_before.len() && self.serving_before[s];
                model.weight.push(people);
                model.covered.push(before);
                if !before && let Some(&t) = item_of.get(&s) {
                    model.items[t].points.push(point);
                }
            }
        }
        model
    }

    /// Two relaxations of phasing the `restricted` model's network by people served, each
    /// asking every coverage step only up to what the final network serves (as the
    /// restricted model does): `circles` (everyone within reach of an open site counted),
    /// and an additive one, where the facilities serving before the plan serve what they
    /// serve alone and each item adds at most its places or the people within its reach,
    /// whichever is fewer (adding a site raises the maximum flow by no more than either).
    fn relaxations(
        &self,
        restricted: &crate::solve::phasing::PhasingProblem,
        mut circles: crate::solve::phasing::PhasingProblem,
        item_site: &[usize],
    ) -> Vec<crate::solve::phasing::PhasingProblem> {
        let final_served: f64 = restricted.weight.iter().sum();
        let before = self.assign(&circles.weight, &self.before(), false).total;
        let mut additive = restricted.clone();
        additive.weight = vec![before];
        additive.covered = vec![true];
        for ((item, within), &site) in additive.items.iter_mut().zip(&circles.items).zip(item_site)
        {
            let reach: f64 = within
                .points
                .iter()
                .map(|&p| circles.weight[p as usize])
                .sum();
            let gain = reach.min(self.capacity[site]);
            item.points = vec![additive.weight.len() as u32];
            additive.weight.push(gain);
            additive.covered.push(false);
        }
        for model in [&mut circles, &mut additive] {
            for y in &mut model.years {
                y.need_people = y.need_people.map(|p| p.min(final_served));
            }
        }
        vec![circles, additive]
    }

    /// People (of `weight`, per village) served in plan year `k` by the facilities serving
    /// before the plan and the items `schedule` opens by then (maximum flow up to the
    /// sites' places, as [`crate::solve::flow::Assignment`]).
    fn served_by(
        &self,
        weight: &[f64],
        item_site: &[usize],
        schedule: &[usize],
        k: usize,
        upgrade_sets: &[Vec<u32>],
    ) -> f64 {
        let open = self.open_with(item_site, upgrade_sets, |t| schedule[t] <= k);
        self.assign(weight, &open, false).total
    }
}

/// Places of every site (facilities first, then candidates) when any serving facility has
/// its own capacity or the scenario sets a default: a facility's own `capacity` column, else
/// `default`; candidates take `default`; `f64::INFINITY` where neither is given. `None` when
/// no serving site has a capacity (everyone within reach is served, as without capacities).
pub fn site_capacities(
    region: &Region,
    default: Option<u32>,
    serving: &[bool],
    use_data: bool,
) -> Option<Vec<f64>> {
    let own = use_data
        && region
            .facilities
            .iter()
            .zip(serving)
            .any(|(f, s)| *s && f.capacity.is_some());
    if default.is_none() && !own {
        return None;
    }
    let or_default = |c: Option<u32>| c.or(default).map_or(f64::INFINITY, f64::from);
    Some(
        region
            .facilities
            .iter()
            .map(|f| or_default(f.capacity.filter(|_| use_data)))
            .chain(region.candidates.iter().map(|_| or_default(None)))
            .collect(),
    )
}

/// What the capacitated plan aims at.
struct CapacitatedGoal {
    /// People to serve (a coverage target), if any.
    target: Option<f64>,
    /// New sites allowed besides the rule sites, if limited.
    budget: Option<u32>,
    /// Rule sites already opened.
    rules: u32,
}

/// The capacitated day-care plan: coverage sites chosen by the capacitated covering model,
/// the assignments before and after, and the certificate of the whole plan.
struct CapacitatedPlan {
    /// Candidates opened for coverage (rule sites not included).
    sites: Vec<usize>,
    /// People served after the plan, per village and per site.
    after: flow::Served,
    /// People served before the plan, per village.
    before: Vec<f64>,
    /// Objective and bound over every new site (rule sites included).
    certificate: Certificate,
    /// Coverage curve with capacities (rule sites counted).
    curve: Vec<CurvePoint>,
    /// People served with every candidate open.
    reachable: f64,
}

/// Solves the capacitated covering model ([`crate::solve::capacitated_coverage`]) with the
/// rule sites open, and bounds it by the same model without the rules (and by the
/// uncapacitated `relaxed` curve), as rules and capacities only remove options.
#[allow(clippy::too_many_arguments)]
fn capacitated_plan(
    region: &Region,
    reach: &ReachLists,
    problem: &CoverageProblem,
    capacity: &[f64],
    serving_before: &[bool],
    serving_now: &[bool],
    rule_sites: &[(usize, Reason)],
    goal: CapacitatedGoal,
    relaxed: &Searches,
    shortfalls: &mut Vec<Shortfall>,
) -> CapacitatedPlan {
    let nf = region.facilities.len();
    let mut is_rule = vec![false; region.candidates.len()];
    for &(c, _) in rule_sites {
        is_rule[c] = true;
    }
    let reach_lists: Vec<Vec<u32>> = reach
        .iter()
        .map(|(_, list)| list.iter().map(|r| r.site.0).collect())
        .collect();
    let model = |before: bool, forced: bool| CapacitatedCoverage {
        weight: problem.weight.clone(),
        capacity: capacity.to_vec(),
        role: (0..nf)
            .map(|i| match (before, serving_before[i], serving_now[i]) {
                (true, true, _) | (false, _, true) => SiteRole::Open,
                _ => SiteRole::Unused,
            })
            .chain(region.candidates.iter().enumerate().map(|(c, cand)| {
                if before || !cand.allow.day_care() {
                    SiteRole::Unused
                } else if forced && is_rule[c] {
                    SiteRole::Open
                } else {
                    SiteRole::Candidate
                }
            }))
            .collect(),
        reach: reach_lists.clone(),
    };
    const VALID: &str = "weights are head counts, capacities whole places, reach lists index sites";
    let before = model(true, false).assign(&[]).per_point;
    let plan_model = model(false, true);
    let relaxed_model = (!rule_sites.is_empty()).then(|| model(false, false));
    let bound_model = relaxed_model.as_ref().unwrap_or(&plan_model);
    let opts = CapacitatedOptions::default();
    let rules = goal.rules;
    let candidates: Vec<u32> = (0..plan_model.role.len() as u32)
        .filter(|&j| plan_model.role[j as usize] == SiteRole::Candidate)
        .collect();
    let reachable = plan_model.assign(&candidates).total;
    let uncapacitated = |p: u32| relaxed.bound_at(p);
    let (sol, certificate) = match (goal.target, goal.budget) {
        (None, Some(budget)) => {
            let sol = plan_model.mclp(budget, &opts).expect(VALID);
            let bound = match &relaxed_model {
                Some(m) => {
                    m.mclp(budget + rules, &opts)
                        .expect(VALID)
                        .certificate
                        .bound
                }
                None => sol.certificate.bound,
            }
            .min(uncapacitated(budget + rules))
            .max(sol.served.total);
            let c = Certificate::new(sol.served.total, bound);
            (sol, c)
        }
        (target, budget) => {
            let people = target.unwrap_or(0.0);
            let with_budget = CapacitatedOptions {
                max_new: budget,
                ..opts
            };
            let uncapacitated_lower = relaxed
                .fewest_reaching(people)
                .unwrap_or_else(|| relaxed.beyond());
            let lower_of =
                |m: &CapacitatedCoverage, people: f64| match m.lscp(people, &opts).expect(VALID) {
                    Ok(s) | Err(s) => s.certificate.bound,
                };
            match plan_model.lscp(people, &with_budget).expect(VALID) {
                Ok(sol) => {
                    let lower = match &relaxed_model {
                        Some(m) => lower_of(m, people),
                        None => sol.certificate.bound,
                    }
                    .max(uncapacitated_lower)
                    .max(f64::from(rules));
                    let count = (sol.sites.len() as u32 + rules) as f64;
                    let c = Certificate::new(count, lower.min(count));
                    (sol, c)
                }
                Err(sol) => {
                    let total: f64 = problem.weight.iter().sum();
                    let pct = |x: f64| if total > 0.0 { 100.0 * x / total } else { 0.0 };
                    shortfalls.retain(|s| s.rule != "coverage");
                    // `lscp` fixed the rules' sites: its proof holds for them only. A bound
                    // for any plan within the site budget: the model without the rules' sites
                    // (and the uncapacitated relaxation) at the budget, or everyone any site
                    // can serve.
                    let most = match budget {
                        Some(b) => bound_model
                            .bounds_up_to(b + rules, &opts)
                            .get((b + rules) as usize)
                            .copied()
                            .unwrap_or(reachable)
                            .min(uncapacitated(b + rules)),
                        None => reachable,
                    }
                    .max(sol.served.total);
                    let proven = most < people - Certificate::TOLERANCE;
                    let (zh, en) = if proven {
                        (
                            format!(
                                "按站点容量（托位）计，覆盖目标 {:.0} 名老年人（{:.1}%）无法达到：最多服务 {:.0} 名（{:.1}%）",
                                people,
                                pct(people),
                                most,
                                pct(most)
                            ),
                            format!(
                                "with the sites' capacities (places), the target of {:.0} elderly ({:.1}%) cannot be reached: at most {:.0} are served ({:.1}%)",
                                people,
                                pct(people),
                                most,
                                pct(most)
                            ),
                        )
                    } else {
                        (
                            format!(
                                "按站点容量（托位）计，覆盖目标 {:.0} 名老年人（{:.1}%）未达到：本方案服务 {:.0} 名（{:.1}%）；搜索在限额内未证明该目标不可达",
                                people,
                                pct(people),
                                sol.served.total,
                                pct(sol.served.total)
                            ),
                            format!(
                                "with the sites' capacities (places), the target of {:.0} elderly ({:.1}%) is not met: this plan serves {:.0} ({:.1}%); within its limits the search did not prove the target out of reach",
                                people,
                                pct(people),
                                sol.served.total,
                                pct(sol.served.total)
                            ),
                        )
                    };
                    shortfalls.push(Shortfall {
                        rule: "coverage".into(),
                        zh,
                        en,
                    });
                    // The count's bound, as for a met target but for the people this plan
                    // serves: no plan serves as many with fewer sites (the capacitated search
                    // without the rules' sites, the uncapacitated relaxation, the rules).
                    let count = (sol.sites.len() as u32 + rules) as f64;
                    let lower = lower_of(bound_model, sol.served.total)
                        .max(
                            relaxed
                                .fewest_reaching(sol.served.total)
                                .unwrap_or_else(|| relaxed.beyond()),
                        )
                        .max(f64::from(rules));
                    let mut c = Certificate::new(count, lower.min(count));
                    c.status = Status::missed(proven);
                    (sol, c)
                }
            }
        }
    };
    let sites: Vec<usize> = sol.sites.iter().map(|&j| j as usize - nf).collect();
    // The curve: the greedy's people per count of coverage sites (the plan's own answer where
    // it serves more), bounded by the model without rules and by the uncapacitated curve.
    let (order, totals) = plan_model.greedy_curve(goal.budget, &opts);
    let bounds = bound_model.bounds_up_to(order.len() as u32 + rules, &opts);
    let curve = totals
        .iter()
        .enumerate()
        .map(|(k, &people)| {
            let new_sites = k as u32 + rules;
            let people = if k == sites.len() {
                people.max(sol.served.total)
            } else {
                people
            };
            CurvePoint {
                new_sites,
                covered_elderly: people,
                bound: bounds
                    .get(new_sites as usize)
                    .copied()
                    .unwrap_or(f64::INFINITY)
                    .min(uncapacitated(new_sites))
                    .max(people),
            }
        })
        .collect();
    CapacitatedPlan {
        sites,
        after: sol.served,
        before,
        certificate,
        curve,
        reachable,
    }
}

/// The fewest free sites reaching `target` people, with a lower bound from the relaxed curve.
fn target_plan(
    curve: &Searches,
    relaxed: &Searches,
    target: f64,
    (rules, rules_floor): (u32, u32),
    fixed: u32,
    shortfalls: &mut Vec<Shortfall>,
    share: f64,
) -> (Vec<u32>, Certificate, Objective) {
    // The fewest sites whose relaxed bound reaches `goal`. `relaxed` has the `fixed` required
    // sites open: its positions count the others. `None` when no budget's bound reaches it.
    let lower_for = |goal: f64| {
        relaxed
            .fewest_reaching(goal)
            .map(|p| (p + f64::from(fixed)).max(f64::from(rules_floor)))
    };
    match curve.for_target(target) {
        Ok(sol) => {
            let lower = lower_for(target).unwrap_or(relaxed.beyond() + f64::from(fixed));
            let count = sol.sites.len() as f64 + f64::from(rules);
            (
                sol.sites,
                Certificate::new(count, lower),
                Objective::NewSites,
            )
        }
        Err(best) => {
            let pct = |x: f64| 100.0 * x;
            let reach_share = if target > 0.0 {
                best.covered * share / target
            } else {
                0.0
            };
            // Proven only by the problem without the rules' sites and with every upgrade
            // they could have made (`relaxed`, capped at as many sites): its bound holds for
            // any placement of the rules' centres, `curve`'s for this one only. "At most" is
            // that bound.
            let most = relaxed.most().max(best.covered);
            let proven = most < target - Certificate::TOLERANCE;
            let (zh, en) = if proven {
                let most_share = if target > 0.0 {
                    most * share / target
                } else {
                    0.0
                };
                (
                    format!(
                        "覆盖率目标 {:.1}% 无法达到：最多 {:.1}%（本方案差 {:.0} 名老年人）",
                        pct(share),
                        pct(most_share),
                        target - best.covered
                    ),
                    format!(
                        "the coverage target of {:.1}% cannot be reached: at most {:.1}% (this plan is {:.0} elderly short)",
                        pct(share),
                        pct(most_share),
                        target - best.covered
                    ),
                )
            } else {
                (
                    format!(
                        "覆盖率目标 {:.1}% 未达到：本方案 {:.1}%（差 {:.0} 名老年人）；搜索在限额内未证明该目标不可达",
                        pct(share),
                        pct(reach_share),
                        target - best.covered
                    ),
                    format!(
                        "the coverage target of {:.1}% is not met: this plan reaches {:.1}% ({:.0} elderly short); within its limits the search did not prove the target out of reach",
                        pct(share),
                        pct(reach_share),
                        target - best.covered
                    ),
                )
            };
            shortfalls.push(Shortfall {
                rule: "coverage".into(),
                zh,
                en,
            });
            // The target is out of reach: the answer is the fewest sites that serve the most
            // the network can reach, and its bound is that problem's bound (no number of
            // sites reaches the target, so "one more than the curve" would not be a bound).
            let (sites, lower) = match curve.for_target(best.covered) {
                Ok(least) => (least.sites, lower_for(best.covered)),
                Err(_) => (best.sites, lower_for(best.covered)),
            };
            let count = sites.len() as f64 + f64::from(rules);
            let mut c = Certificate::new(count, lower.unwrap_or(f64::from(rules_floor)).min(count));
            c.status = Status::missed(proven);
            (sites, c, Objective::NewSites)
        }
    }
}

/// The coverage searches of one problem, as the plan reads them: the whole curve
/// ([`CoverageProblem::curve`]), or, where the plan does not show the curve, only the budget
/// or the target it asks, solved directly ([`CoverageProblem::solve_budget`],
/// [`CoverageProblem::solve_target`]) and kept for a second look. A direct answer or bound is as good as the curve's at that point; on dense
/// instances it costs one search instead of one per budget up to it (泰州's greenfield
/// variant: 0.6 s instead of 89 s at 100 sites).
enum Searches {
    /// Every budget up to the options' `max_sites` (or full coverage).
    Curve(CoverageCurve),
    /// Only what is asked, each answer kept.
    Direct {
        problem: CoverageProblem,
        opts: CoverageOptions,
        budgets: RefCell<Vec<(u32, CoverageSolution)>>,
        targets: RefCell<Vec<(f64, Result<CoverageSolution, CoverageSolution>)>>,
        stats: Cell<CurveStats>,
    },
}

impl Searches {
    /// The searches of `problem`: direct when `direct`, otherwise the curve (computed now).
    fn new(problem: CoverageProblem, opts: CoverageOptions, direct: bool) -> Self {
        if direct {
            Searches::Direct {
                problem,
                opts,
                budgets: RefCell::new(Vec::new()),
                targets: RefCell::new(Vec::new()),
                stats: Cell::new(CurveStats::default()),
            }
        } else {
            Searches::Curve(problem.curve(&opts))
        }
    }

    /// The whole curve, where it was searched.
    fn whole(&self) -> Option<&CoverageCurve> {
        match self {
            Searches::Curve(c) => Some(c),
            Searches::Direct { .. } => None,
        }
    }

    /// Counts the search of a direct answer.
    fn count(stats: &Cell<CurveStats>, c: &Certificate) {
        let mut s = stats.get();
        s.searched += 1;
        if c.status == Status::Optimal {
            s.proven += 1;
        }
        stats.set(s);
    }

    /// The best answer found with at most `p` new sites.
    fn with_budget(&self, p: u32) -> CoverageSolution {
        match self {
            Searches::Curve(c) => c.with_budget(p),
            Searches::Direct {
                problem,
                opts,
                budgets,
                stats,
                ..
            } => {
                if let Some((_, s)) = budgets.borrow().iter().find(|(q, _)| *q == p) {
                    return s.clone();
                }
                let s = problem.solve_budget(p, opts);
                Self::count(stats, &s.certificate);
                budgets.borrow_mut().push((p, s.clone()));
                s
            }
        }
    }

    /// A proven upper bound on the weight `p` new sites cover (existing sites included); the
    /// reachable weight beyond the curve's end.
    fn bound_at(&self, p: u32) -> f64 {
        match self {
            Searches::Curve(c) => c.points.get(p as usize).map_or(c.reachable, |pt| pt.bound),
            Searches::Direct { .. } => self.with_budget(p).certificate.bound,
        }
    }

    /// The fewest new sites covering at least `target`, with a lower bound on the number
    /// needed; `Err` with the best coverage within the site budget (the options'
    /// `max_sites`, as the curve ends there) or, without one, the best reachable, when none
    /// reaches it.
    fn for_target(&self, target: f64) -> Result<CoverageSolution, CoverageSolution> {
        match self {
            Searches::Curve(c) => c.for_target(target),
            Searches::Direct { opts, .. } => match (self.target_search(target), opts.max_sites) {
                (Ok(s), Some(m)) if s.sites.len() > m as usize => {
                    let best = self.with_budget(m);
                    if best.covered >= target - Certificate::TOLERANCE {
                        // The budget's own search reaches it (the target's search had left
                        // a gap): its sites, with the target search's lower bound.
                        let count = best.sites.len() as f64;
                        Ok(CoverageSolution {
                            certificate: Certificate::new(count, s.certificate.bound.min(count)),
                            ..best
                        })
                    } else {
                        // Proven out of reach where the target's search needs more than `m`
                        // sites or the budget's bound falls short of the target.
                        let proven = s.certificate.bound > f64::from(m) + Certificate::TOLERANCE
                            || best.certificate.bound < target - Certificate::TOLERANCE;
                        let mut best = best;
                        best.certificate.status = Status::missed(proven);
                        Err(best)
                    }
                }
                // Beyond reach: the best within the site budget, not every useful site.
                (Err(s), Some(m)) if s.sites.len() > m as usize => {
                    let mut best = self.with_budget(m);
                    best.certificate.status = Status::Infeasible;
                    Err(best)
                }
                (r, _) => r,
            },
        }
    }

    /// [`CoverageProblem::solve_target`] on the direct problem, kept (no site budget).
    fn target_search(&self, target: f64) -> Result<CoverageSolution, CoverageSolution> {
        let Searches::Direct {
            problem,
            opts,
            targets,
            stats,
            ..
        } = self
        else {
            unreachable!("only the direct searches solve targets one by one")
        };
        if let Some((_, r)) = targets.borrow().iter().find(|(t, _)| *t == target) {
            return r.clone();
        }
        let r = problem.solve_target(target, opts);
        let (Ok(s) | Err(s)) = &r;
        Self::count(stats, &s.certificate);
        let mut kept = targets.borrow_mut();
        if let Err(best) = &r {
            // Beyond reach: the answer is the fewest sites covering everything reachable,
            // which is the next question asked (`target_plan`).
            let mut answer = best.clone();
            answer.certificate =
                Certificate::new(best.certificate.objective, best.certificate.bound);
            kept.push((best.covered, Ok(answer)));
        }
        kept.push((target, r.clone()));
        r
    }

    /// A lower bound on the number of new sites that cover at least `goal` (within
    /// [`Certificate::TOLERANCE`]): the first budget of the curve whose bound reaches it, or
    /// the direct target search's bound; `None` when no budget searched reaches it.
    fn fewest_reaching(&self, goal: f64) -> Option<f64> {
        match self {
            Searches::Curve(c) => c
                .points
                .iter()
                .position(|p| p.bound >= goal - Certificate::TOLERANCE)
                .map(|p| p as f64),
            Searches::Direct { .. } => self.target_search(goal).ok().map(|s| s.certificate.bound),
        }
    }

    /// A count of new sites no goal that [`Searches::fewest_reaching`] misses can be met
    /// with fewer of: one more than the curve's last budget, or than every candidate.
    fn beyond(&self) -> f64 {
        match self {
            Searches::Curve(c) => c.points.len() as f64,
            Searches::Direct { problem, .. } => problem.sets.len() as f64 + 1.0,
        }
    }

    /// A proven upper bound on the weight the searches' site cap (the options' `max_sites`)
    /// lets any answer cover: the bound at the cap, or, without one, the reachable weight.
    fn most(&self) -> f64 {
        match self {
            Searches::Curve(c) => c.most(),
            Searches::Direct { opts, .. } => opts
                .max_sites
                .map_or_else(|| self.reachable(), |m| self.bound_at(m)),
        }
    }

    /// Weight coverable with every candidate open.
    fn reachable(&self) -> f64 {
        match self {
            Searches::Curve(c) => c.reachable,
            Searches::Direct { problem, .. } => problem.reachable_weight(),
        }
    }

    /// How the searches went: the curve's component budgets, or the direct searches made.
    fn stats(&self) -> CurveStats {
        match self {
            Searches::Curve(c) => c.stats,
            Searches::Direct { problem, stats, .. } => CurveStats {
                components: problem.component_sizes().len(),
                ..stats.get()
            },
        }
    }
}

/// The most people served with `budget` free sites, bounded by the relaxed curve.
fn budget_plan(
    curve: &Searches,
    relaxed: &Searches,
    budget: u32,
    rules: u32,
    fixed: u32,
) -> (Vec<u32>, Certificate, Objective) {
    let sol = curve.with_budget(budget);
    let used = sol.sites.len() as u32 + rules;
    let bound = relaxed
        .bound_at(used.max(budget + rules) - fixed)
        .max(sol.covered);
    (
        sol.sites,
        Certificate::new(sol.covered, bound),
        Objective::CoveredElderly,
    )
}

/// What a new day-care centre at candidate `c` costs, 万元: the candidate's own `cost`, else
/// the scenario's `costs.day_care`.
pub fn site_cost(scenario: &Scenario, region: &Region, c: usize) -> f64 {
    region
        .candidates
        .get(c)
        .and_then(|c| c.cost_wan)
        .unwrap_or(scenario.costs.day_care_wan)
}

/// Existing facilities upgraded into comprehensive / regional centres.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Upgrade {
    /// Facility index in the region.
    #[serde(skip)]
    pub facility: usize,
    /// Facility id.
    pub id: String,
    /// Facility name.
    pub name: String,
    /// Its type before the upgrade.
    pub from: FacilityType,
    /// Township.
    pub township: String,
    /// WGS-84 longitude.
    pub lon: f64,
    /// WGS-84 latitude.
    pub lat: f64,
    /// Which rule needs it.
    pub reason: Reason,
    /// Plan year it is done by.
    pub year: i32,
    /// Cost, 万元.
    pub cost_wan: f64,
    /// Elderly it newly serves once upgraded (none before the plan), people; 0 when
    /// comprehensive centres do not count for coverage.
    pub newly_covered_elderly: f64,
}

/// The comprehensive centres the street, township and county rules need: new ones at
/// candidates (candidate index, reason) and upgrades of existing facilities (facility index,
/// reason).
struct RuleSites {
    new: Vec<(usize, Reason)>,
    upgrades: Vec<(usize, Reason)>,
    /// Per facility: whether some choice the rules allow would upgrade it (every facility
    /// each upgrade was chosen from, the chosen one included). The rules pick one upgrade by
    /// a rule of thumb, so bounds of the plan must hold for any such choice.
    could_upgrade: Vec<bool>,
    /// Per candidate: whether a rule's new centre was chosen from it (every candidate each
    /// rule place was filled from by the most coverage, the chosen one included). A place a
    /// required candidate fills marks none: it opens anyway, so no other choice costs less.
    could_place: Vec<bool>,
}

/// Opens comprehensive centres where the street, township and county rules need them.
///
/// - Every 街道 needs `per_street` centres; `township_share` of the 乡镇（街道） (units of kind
///   [`TownshipKind::Other`] do not count) need one. A missing one opens at the candidate of
///   that township adding the most coverage; where no candidate allows day care, an existing
///   institution or station there is upgraded.
/// - Every county needs `per_county` rural regional centres (comprehensive centres in its 镇
///   and 乡). As the plans build them from 乡镇敬老院 (泰州市"十四五"民政事业发展规划 L295–302,
///   L426), a missing one is first an upgrade of a public rural institution (乡镇敬老院) of the
///   county (in a township without a centre first; the one newly serving the most elderly
///   when upgraded centres serve (`upgrades_serve`, reach from `reach`), then the most beds),
///   then a new centre at the candidate of a rural township of the county adding the most
///   coverage.
/// - A required candidate (`required`, candidate indices) of a township that needs a centre
///   is that centre before any other candidate: it opens anyway.
fn rule_sites(
    scenario: &Scenario,
    region: &Region,
    problem: &CoverageProblem,
    reach: &ReachLists,
    upgrades_serve: bool,
    required: &[usize],
    shortfalls: &mut Vec<Shortfall>,
) -> RuleSites {
    let dc = &scenario.day_care;
    let units = region.township_units_with(&dc.township_kinds);
    let kind_of: std::collections::BTreeMap<&str, &Township<'_>> =
        units.iter().map(|u| (u.name, u)).collect();
    let townships: Vec<&str> = units
        .iter()
        .filter(|u| u.kind.is_township())
        .map(|u| u.name)
        .collect();
    let mut have: std::collections::BTreeMap<&str, u32> =
        units.iter().map(|u| (u.name, 0)).collect();
    for f in &region.facilities {
        if f.kind == FacilityType::Comprehensive {
            *have.entry(f.township.as_str()).or_default() += 1;
        }
    }
    let mut covered = problem.covered.clone();
    let mut taken = vec![false; region.candidates.len()];
    let mut upgraded = vec![false; region.facilities.len()];
    let mut could_upgrade = vec![false; region.facilities.len()];
    let mut could_place = vec![false; region.candidates.len()];
    let mut out = RuleSites {
        new: Vec::new(),
        upgrades: Vec::new(),
        could_upgrade: Vec::new(),
        could_place: Vec::new(),
    };
    let gain_of = |c: usize, covered: &[bool]| -> f64 {
        problem.sets[c]
            .iter()
            .filter(|&&i| !covered[i as usize])
            .map(|&i| problem.weight[i as usize])
            .sum()
    };
    // The candidate of `township` adding the most coverage, ties to the lower index.
    let best_candidate = |township: &str, covered: &[bool], taken: &[bool]| -> Option<usize> {
        region
            .candidates
            .iter()
            .enumerate()
            .filter(|(c, cand)| !taken[*c] && cand.allow.day_care() && cand.township == township)
            .map(|(c, _)| (gain_of(c, covered), c))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, c)| c)
    };
    // Marks in `could` every candidate `best_candidate` chooses from in `township`.
    let mark_choice = |township: &str, taken: &[bool], could: &mut Vec<bool>| {
        for (c, cand) in region.candidates.iter().enumerate() {
            if !taken[c] && cand.allow.day_care() && cand.township == township {
                could[c] = true;
            }
        }
    };
    // A required candidate of `township` (they open anyway, so one fills a rule's place
    // before any other site does), in decision order.
    let required_candidate = |township: &str, taken: &[bool]| -> Option<usize> {
        required
            .iter()
            .copied()
            .find(|&c| !taken[c] && region.candidates[c].township == township)
    };
    // Whether facility `i` of `township` may be upgraded: an institution or a station, or
    // with `enyuan_only` a public institution (乡镇敬老院) only.
    let may_upgrade = |i: usize, township: &str, upgraded: &[bool], enyuan_only: bool| {
        let f = &region.facilities[i];
        !upgraded[i]
            && f.township == township
            && !scenario.decisions.is_excluded(&f.id)
            && (if enyuan_only {
                f.kind == FacilityType::Institution && f.public
            } else {
                matches!(f.kind, FacilityType::Institution | FacilityType::Station)
            })
    };
    // Elderly newly served by facility `i` once upgraded (0 when upgraded centres do not serve).
    let upgrade_gain = |i: usize, covered: &[bool]| -> f64 {
        if !upgrades_serve {
            return 0.0;
        }
        reach
            .villages_of(SiteIdx(i as u32))
            .iter()
            .map(|vr| vr.village.get())
            .filter(|&v| !covered[v])
            .map(|v| problem.weight[v])
            .fold(0.0, |a, b| a + b)
    };
    // The facility of `township` to upgrade: institutions first (敬老院), then stations, the
    // most beds first, ties to the lower index; every facility it was chosen from is marked
    // in `could`.
    let best_upgrade =
        |township: &str, upgraded: &[bool], enyuan_only: bool, could: &mut Vec<bool>| {
            let choice: Vec<usize> = (0..region.facilities.len())
                .filter(|&i| may_upgrade(i, township, upgraded, enyuan_only))
                .collect();
            for &i in &choice {
                could[i] = true;
            }
            choice.into_iter().max_by(|&i, &j| {
                let (a, b) = (&region.facilities[i], &region.facilities[j]);
                (a.kind == FacilityType::Institution)
                    .cmp(&(b.kind == FacilityType::Institution))
                    .then(a.beds.cmp(&b.beds))
                    .then(j.cmp(&i))
            })
        };
    let mut take_candidate = |c: usize, reason, covered: &mut Vec<bool>, taken: &mut Vec<bool>| {
        taken[c] = true;
        for &i in &problem.sets[c] {
            covered[i as usize] = true;
        }
        out.new.push((c, reason));
    };
    let mut upgrades: Vec<(usize, Reason)> = Vec::new();
    if dc.street_goal() > 0 {
        for &t in townships
            .iter()
            .filter(|t| kind_of[**t].kind == TownshipKind::Street)
        {
            while have[t] < dc.street_goal() {
                if let Some(c) = required_candidate(t, &taken).or_else(|| {
                    mark_choice(t, &taken, &mut could_place);
                    best_candidate(t, &covered, &taken)
                }) {
                    take_candidate(c, Reason::Street, &mut covered, &mut taken);
                } else if let Some(i) = best_upgrade(t, &upgraded, false, &mut could_upgrade) {
                    upgraded[i] = true;
                    upgrades.push((i, Reason::Street));
                } else {
                    let short = dc.street_goal() - have[t];
                    shortfalls.push(Shortfall {
                        rule: "per_street".into(),
                        zh: format!("{t}缺少 {short} 处综合养老服务中心，且没有可建日间照料的候选点或可升级的设施"),
                        en: format!("{t} lacks {short} comprehensive centre(s) and has no candidate that allows day care and no facility to upgrade"),
                    });
                    break;
                }
                *have.get_mut(t).expect("every township is listed") += 1;
            }
        }
    }
    if dc.county_goal() > 0 {
        let counties = crate::model::rural_by_county(&units);
        if counties.is_empty() {
            shortfalls.push(Shortfall {
                rule: "per_county".into(),
                zh: "无法识别县(市、区)：村/社区编号不是 12 位统计用区划代码，或没有镇、乡".into(),
                en: "no county can be told: village ids are not 12-digit statistical codes, or there is no town".into(),
            });
        } else {
            // Some 镇/乡 without codes: their county, and so the rule there, cannot be told.
            let untold = crate::model::rural_without_county(&units);
            if !untold.is_empty() {
                let names = untold.join("、");
                shortfalls.push(Shortfall {
                    rule: "per_county".into(),
                    zh: format!("{names}的村/社区编号不是 12 位统计用区划代码，无法判断所属县(市、区)，县域规则对其无法检查"),
                    en: format!("the county of {names} cannot be told (their village ids are not 12-digit statistical codes), so the county rule cannot be checked there"),
                });
            }
        }
        for (county, rural) in &counties {
            let mut count: u32 = rural.iter().map(|t| have[*t]).sum();
            while count < dc.county_goal() {
                // Rural townships without a centre first, then any rural township.
                let mut order: Vec<&str> = rural.clone();
                order.sort_by_key(|t| (have[*t] > 0, *t));
                // Any 敬老院 of the county's 镇 and 乡 could be the one upgraded: the one in a
                // township without a centre newly serving the most, then the most beds, then
                // the lower index.
                let mut upgrade: Option<(bool, f64, u32, usize, &str)> = None;
                for &t in &order {
                    for i in
                        (0..region.facilities.len()).filter(|&i| may_upgrade(i, t, &upgraded, true))
                    {
                        could_upgrade[i] = true;
                        let key = (
                            have[t] == 0,
                            upgrade_gain(i, &covered),
                            region.facilities[i].beds,
                            i,
                            t,
                        );
                        let better = upgrade.is_none_or(|b| {
                            key.0
                                .cmp(&b.0)
                                .then(key.1.total_cmp(&b.1))
                                .then(key.2.cmp(&b.2))
                                .then(b.3.cmp(&key.3))
                                .is_gt()
                        });
                        if better {
                            upgrade = Some(key);
                        }
                    }
                }
                let done = if let Some((_, _, _, i, t)) = upgrade {
                    upgraded[i] = true;
                    upgrades.push((i, Reason::County));
                    if upgrades_serve {
                        for vr in reach.villages_of(SiteIdx(i as u32)) {
                            covered[vr.village.get()] = true;
                        }
                    }
                    Some(t)
                } else if let Some((c, t)) = order
                    .iter()
                    .find_map(|t| required_candidate(t, &taken).map(|c| (c, *t)))
                {
                    take_candidate(c, Reason::County, &mut covered, &mut taken);
                    Some(t)
                } else {
                    for t in &order {
                        mark_choice(t, &taken, &mut could_place);
                    }
                    let best = order
                        .iter()
                        .filter_map(|t| best_candidate(t, &covered, &taken).map(|c| (c, *t)))
                        .map(|(c, t)| (have[t] > 0, -gain_of(c, &covered), c, t))
                        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
                    best.map(|(_, _, c, t)| {
                        take_candidate(c, Reason::County, &mut covered, &mut taken);
                        t
                    })
                };
                let Some(t) = done else {
                    let short = dc.county_goal() - count;
                    shortfalls.push(Shortfall {
                        rule: "per_county".into(),
                        zh: format!("县(市、区) {county} 缺少 {short} 处农村区域性养老服务中心，且其镇、乡中没有可升级的敬老院或可建的候选点"),
                        en: format!("county {county} lacks {short} rural regional centre(s) and its towns have no institution to upgrade and no candidate"),
                    });
                    break;
                };
                *have.get_mut(t).expect("every township is listed") += 1;
                count += 1;
            }
        }
    }
    // The highest township step of any year: what the final network needs.
    let share = dc.township_goal();
    if share.is_some_and(|s| s > 0.0) && townships.is_empty() {
        shortfalls.push(Shortfall {
            rule: "township_share".into(),
            zh: "数据中没有乡镇(街道)（全部为开发区、园区等其他单位），乡镇覆盖率无法达到".into(),
            en: "the data hold no township or street (only other units), so the township share cannot be met".into(),
        });
    }
    if let Some(share) = share {
        let need = (share * townships.len() as f64 - 1e-9).ceil() as usize;
        loop {
            let with = townships.iter().filter(|t| have[**t] > 0).count();
            if with >= need {
                break;
            }
            // Among townships without a centre, the candidate adding the most coverage;
            // where none has a candidate, an upgrade.
            let mut best: Option<(f64, usize, &str)> = townships
                .iter()
                .filter(|t| have[**t] == 0)
                .find_map(|t| required_candidate(t, &taken).map(|c| (f64::INFINITY, c, *t)));
            let by_requirement = best.is_some();
            for &t in townships
                .iter()
                .filter(|t| have[**t] == 0 && !by_requirement)
            {
                mark_choice(t, &taken, &mut could_place);
                if let Some(c) = best_candidate(t, &covered, &taken) {
                    let gain = gain_of(c, &covered);
                    if best.is_none_or(|(g, bc, _)| gain > g || (gain == g && c < bc)) {
                        best = Some((gain, c, t));
                    }
                }
            }
            let t = if let Some((_, c, t)) = best {
                take_candidate(c, Reason::Township, &mut covered, &mut taken);
                t
            } else if let Some((i, t)) = townships.iter().filter(|t| have[**t] == 0).find_map(|t| {
                best_upgrade(t, &upgraded, false, &mut could_upgrade).map(|i| (i, *t))
            }) {
                upgraded[i] = true;
                upgrades.push((i, Reason::Township));
                t
            } else {
                shortfalls.push(Shortfall {
                    rule: "township_share".into(),
                    zh: format!(
                        "有综合养老服务中心的乡镇(街道) {with} 个，目标 {need} 个（{:.0}%）；其余乡镇没有可用的候选点或可升级的设施",
                        share * 100.0
                    ),
                    en: format!(
                        "{with} townships have a comprehensive centre, the target is {need} ({:.0}%); the other townships have no usable candidate or facility to upgrade",
                        share * 100.0
                    ),
                });
                break;
            };
            *have.get_mut(t).expect("every township is listed") += 1;
        }
    }
    for &(i, _) in &upgrades {
        could_upgrade[i] = true;
    }
    out.upgrades = upgrades;
    out.could_upgrade = could_upgrade;
    out.could_place = could_place;
    out
}
