//! The day-care network of a scenario: which new 日间照料中心 open so that the 15-minute
//! circle reaches its share of the elderly, honouring the street and township rules.
//!
//! Sites that serve the circle: existing day-care centres, stations and comprehensive centres
//! (institutions do not), and candidates that allow day care. Coverage counts people: a
//! village's elderly are served when any serving site is within the time limit.
//!
//! Rules: every 街道 (a township whose name ends in 街道) needs `per_street` comprehensive
//! centres, and `township_share` of all townships need one. Existing comprehensive centres
//! count. Missing ones are opened first, each at the candidate of that township that adds
//! the most coverage; the coverage optimisation then treats them as open. The certificate
//! stays valid for the whole problem: its bound comes from the same coverage problem
//! without the rules (rules only remove options), and the rule sites themselves are a lower
//! bound on the count.

use crate::model::{AreaKind, CoverageScope, FacilityType, Region, Scenario, SiteIdx, VillageIdx};
use crate::solve::coverage::{CoverageCurve, CoverageOptions, CoverageProblem, CurveStats};
use crate::solve::{Certificate, Status, flow};
use crate::travel::ReachLists;

/// Why a new site was opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
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
}

/// The day-care part of a plan.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DayCarePlan {
    /// `optimal`, `feasible` or `infeasible`.
    pub status: Status,
    /// What was optimised: `new_sites` (a coverage target) or `covered_elderly` (a budget).
    pub objective: &'static str,
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
    /// Rules or targets not met.
    pub shortfalls: Vec<Shortfall>,
    /// How the search went.
    pub search: CurveStats,
    /// Per village.
    #[serde(skip)]
    pub villages: Vec<VillageResult>,
}

/// Whether a township is a 街道 (street office).
pub fn is_street(township: &str) -> bool {
    township.ends_with("街道") || township.ends_with("街道办事处")
}

/// The coverage problem of a region: people weights in `scope`, points covered by existing
/// serving facilities, and for each candidate (by candidate index; those that do not allow
/// day care cover nothing) the villages within reach.
pub fn coverage_problem(
    region: &Region,
    reach: &ReachLists,
    scope: CoverageScope,
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
                r.site.get() < nf && region.facilities[r.site.get()].kind.serves_day_care()
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

/// Plans the day-care network of `scenario` on `region` with reach lists `reach` (every
/// site within the time limit).
pub fn plan(scenario: &Scenario, region: &Region, reach: &ReachLists) -> DayCarePlan {
    let dc = &scenario.day_care;
    let nf = region.facilities.len();
    let serving_existing: Vec<bool> = region
        .facilities
        .iter()
        .map(|f| f.kind.serves_day_care())
        .collect();
    let day_care_candidate: Vec<bool> = region
        .candidates
        .iter()
        .map(|c| c.allow.day_care())
        .collect();
    let is_serving = |s: SiteIdx, opened: &[bool]| -> bool {
        let i = s.get();
        if i < nf {
            serving_existing[i]
        } else {
            opened[i - nf]
        }
    };

    let problem = coverage_problem(region, reach, dc.scope);
    let weight = problem.weight.clone();
    let covered_existing = problem.covered.clone();
    let unreachable: f64 = reach
        .iter()
        .filter(|(v, list)| {
            !list.iter().any(|r| {
                let i = r.site.get();
                if i < nf {
                    serving_existing[i]
                } else {
                    day_care_candidate[i - nf]
                }
            }) && weight[v.get()] > 0.0
        })
        .map(|(v, _)| weight[v.get()])
        .fold(0.0, |a, b| a + b);
    let in_scope_total: f64 = weight.iter().sum();
    let total = if dc.exclude_unreachable {
        in_scope_total - unreachable
    } else {
        in_scope_total
    };

    // Rule sites.
    let mut shortfalls = Vec::new();
    let rule_sites = rule_sites(scenario, region, &problem, &mut shortfalls);
    let mut covered_after_rules = covered_existing.clone();
    for &(c, _) in &rule_sites {
        for &i in &problem.sets[c] {
            covered_after_rules[i as usize] = true;
        }
    }
    let mut rest = problem.clone();
    rest.covered = covered_after_rules;
    for &(c, _) in &rule_sites {
        rest.sets[c].clear();
    }
    let rules = rule_sites.len() as u32;

    let target = dc
        .targets
        .get(&scenario.final_year())
        .and_then(|s| s.coverage)
        .or(dc.coverage);
    let free_budget = dc.max_new.map(|m| m.saturating_sub(rules));
    if let Some(m) = dc.max_new.filter(|m| *m < rules) {
        shortfalls.push(Shortfall {
            rule: "max_new".into(),
            zh: format!("街道与乡镇规则需新建 {rules} 处综合中心，超过 max_new = {m}"),
            en: format!("the street and township rules need {rules} new comprehensive centres, more than max_new = {m}"),
        });
    }
    let opts = CoverageOptions {
        seed: scenario.seed,
        max_sites: match (target, dc.curve) {
            (Some(_), _) | (None, true) => free_budget,
            (None, false) => Some(free_budget.unwrap_or(0)),
        },
        ..CoverageOptions::default()
    };
    let curve = rest.curve(&opts);
    // Bounds from the problem without rules: valid for the constrained problem.
    let relaxed = problem.curve(&CoverageOptions {
        max_sites: opts.max_sites.map(|m| m + rules),
        ..opts
    });

    // Without a coverage target or a budget, the rules alone decide: the fewest sites that
    // meet them (a zero coverage target).
    let (free_sites, certificate, objective) = match (target, free_budget) {
        (Some(share), _) => target_plan(
            &curve,
            &relaxed,
            share * total,
            rules,
            &mut shortfalls,
            share,
        ),
        (None, Some(budget)) => budget_plan(&curve, &relaxed, budget, rules),
        (None, None) => target_plan(&curve, &relaxed, 0.0, rules, &mut shortfalls, 0.0),
    };

    let mut opened = vec![false; region.candidates.len()];
    let mut sites: Vec<(usize, Reason)> = rule_sites.clone();
    sites.extend(free_sites.iter().map(|&c| (c as usize, Reason::Coverage)));
    for &(c, _) in &sites {
        opened[c] = true;
    }
    let served = dc.capacity.map(|cap| {
        let goal = target.map(|share| share * total);
        with_capacity(
            region,
            reach,
            &problem,
            cap,
            goal,
            &mut opened,
            &mut sites,
            &mut shortfalls,
        )
    });
    let villages: Vec<VillageResult> = reach
        .iter()
        .map(|(v, list)| {
            let nearest = list.iter().find(|r| is_serving(r.site, &opened));
            VillageResult {
                village: v,
                covered: nearest.is_some(),
                covered_before: covered_existing[v.get()],
                site: nearest.map(|r| r.site),
                minutes: nearest.map(|r| r.minutes),
                served: match &served {
                    Some(s) => s.per_point[v.get()],
                    None if nearest.is_some() => weight[v.get()],
                    None => 0.0,
                },
            }
        })
        .collect();
    let covered: f64 = villages.iter().map(|v| v.served).fold(0.0, |a, b| a + b);
    // With capacities the count may grow past the uncapacitated optimum; the uncapacitated
    // bound stays valid (capacities only remove options).
    let certificate = match (&served, objective) {
        (Some(_), "new_sites") => {
            let mut c = Certificate::new(sites.len() as f64, certificate.bound);
            if target.is_some_and(|share| covered < share * total - Certificate::TOLERANCE) {
                c.status = Status::Infeasible;
            }
            c
        }
        (Some(_), _) => Certificate::new(covered, certificate.bound.max(covered)),
        (None, _) => certificate,
    };
    let covered_before: f64 = villages
        .iter()
        .filter(|v| v.covered_before)
        .map(|v| weight[v.village.get()])
        .sum();
    let years = phase(scenario, region, &problem, &sites);
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
                comprehensive: matches!(reason, Reason::Street | Reason::Township),
                year,
            }
        })
        .collect();
    for v in &villages {
        if let (Some(site), false) = (v.site, v.covered_before)
            && let Some(ns) = new_sites
                .iter_mut()
                .find(|s| s.candidate + nf == site.get())
        {
            ns.newly_covered_elderly += weight[v.village.get()];
        }
    }
    new_sites.sort_by(|a, b| {
        b.newly_covered_elderly
            .total_cmp(&a.newly_covered_elderly)
            .then(a.candidate.cmp(&b.candidate))
    });

    let curve_points = if dc.curve {
        curve
            .points
            .iter()
            .map(|pt| CurvePoint {
                new_sites: pt.new_sites + rules,
                covered_elderly: pt.covered,
                bound: relaxed
                    .points
                    .get((pt.new_sites + rules) as usize)
                    .map_or(relaxed.reachable, |r| r.bound)
                    .max(pt.covered),
            })
            .collect()
    } else {
        Vec::new()
    };
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
        reachable_coverage: ratio(curve.reachable.min(total)),
        curve: curve_points,
        sites: new_sites,
        shortfalls,
        search: curve.stats,
        villages,
    }
}

/// The plan year each new site is needed by. Township-rule sites are ordered as chosen and
/// coverage sites by marginal gain (after the existing and rule sites); for each year with a
/// step in `[day_care.targets]`, the shortest prefix that meets the step is needed by that
/// year. Everything else is needed by the final year.
fn phase(
    scenario: &Scenario,
    region: &Region,
    problem: &CoverageProblem,
    sites: &[(usize, Reason)],
) -> Vec<i32> {
    let last = scenario.final_year();
    let mut year = vec![last; sites.len()];
    let steps: Vec<(i32, crate::model::DayCareStep)> = scenario
        .day_care
        .targets
        .iter()
        .filter(|(y, _)| **y < last)
        .map(|(y, s)| (*y, *s))
        .collect();
    if steps.is_empty() {
        return year;
    }
    // Township share: the k-th township-rule site is needed once the share needs k of them.
    let townships = region.townships();
    let mut with: std::collections::BTreeSet<&str> = region
        .facilities
        .iter()
        .filter(|f| f.kind == FacilityType::Comprehensive)
        .map(|f| f.township.as_str())
        .collect();
    for (c, r) in sites {
        if *r == Reason::Street {
            with.insert(region.candidates[*c].township.as_str());
        }
    }
    let township_sites: Vec<usize> = (0..sites.len())
        .filter(|&i| sites[i].1 == Reason::Township)
        .collect();
    for (y, step) in &steps {
        if let Some(share) = step.township_share {
            let need = ((share * townships.len() as f64 - 1e-9).ceil() as usize)
                .saturating_sub(with.len());
            for &i in township_sites.iter().take(need) {
                year[i] = year[i].min(*y);
            }
        }
    }
    // Coverage: marginal-gain order of the coverage sites after existing and rule sites.
    let total: f64 = problem.weight.iter().sum();
    let mut hit = problem.covered.clone();
    for (c, r) in sites {
        if matches!(r, Reason::Street | Reason::Township) {
            for &i in &problem.sets[*c] {
                hit[i as usize] = true;
            }
        }
    }
    let covered = |hit: &[bool]| -> f64 {
        problem
            .weight
            .iter()
            .zip(hit)
            .filter(|(_, h)| **h)
            .map(|(w, _)| *w)
            .sum()
    };
    let mut remaining: Vec<usize> = (0..sites.len())
        .filter(|&i| matches!(sites[i].1, Reason::Coverage | Reason::Capacity))
        .collect();
    let mut order = Vec::with_capacity(remaining.len());
    let mut reached = vec![covered(&hit)];
    while !remaining.is_empty() {
        let (pos, _) = remaining
            .iter()
            .enumerate()
            .map(|(pos, &i)| {
                let gain: f64 = problem.sets[sites[i].0]
                    .iter()
                    .filter(|&&v| !hit[v as usize])
                    .map(|&v| problem.weight[v as usize])
                    .sum();
                (pos, gain)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .expect("remaining is not empty");
        let i = remaining.remove(pos);
        for &v in &problem.sets[sites[i].0] {
            hit[v as usize] = true;
        }
        order.push(i);
        reached.push(covered(&hit));
    }
    for (y, step) in &steps {
        if let Some(share) = step.coverage {
            let goal = share * total - Certificate::TOLERANCE;
            let prefix = reached
                .iter()
                .position(|r| *r >= goal)
                .unwrap_or(order.len());
            for &i in order.iter().take(prefix) {
                year[i] = year[i].min(*y);
            }
        }
    }
    year
}

/// Assigns the elderly to open serving sites under `capacity` per new centre (existing
/// centres use their own `capacity` when the file gives one), opening more candidates while
/// the goal is not met: each time the candidate whose reach holds the most unserved people.
#[allow(clippy::too_many_arguments)]
fn with_capacity(
    region: &Region,
    reach: &ReachLists,
    problem: &CoverageProblem,
    capacity: u32,
    goal: Option<f64>,
    opened: &mut [bool],
    sites: &mut Vec<(usize, Reason)>,
    shortfalls: &mut Vec<Shortfall>,
) -> flow::Served {
    let nf = region.facilities.len();
    let site_capacity: Vec<f64> = (0..region.site_count())
        .map(|s| match region.facilities.get(s) {
            Some(f) => f.capacity.map_or(f64::from(capacity), f64::from),
            None => f64::from(capacity),
        })
        .collect();
    loop {
        let options: Vec<Vec<u32>> = reach
            .iter()
            .map(|(_, list)| {
                list.iter()
                    .filter(|r| {
                        let i = r.site.get();
                        if i < nf {
                            region.facilities[i].kind.serves_day_care()
                        } else {
                            opened[i - nf]
                        }
                    })
                    .map(|r| r.site.0)
                    .collect()
            })
            .collect();
        let served = flow::Assignment {
            demand: problem.weight.clone(),
            capacity: site_capacity.clone(),
            options,
        }
        .solve();
        let Some(goal) = goal else { return served };
        if served.total >= goal - Certificate::TOLERANCE {
            return served;
        }
        let unserved: Vec<f64> = problem
            .weight
            .iter()
            .zip(&served.per_point)
            .map(|(w, s)| (w - s).max(0.0))
            .collect();
        let best = (0..region.candidates.len())
            .filter(|&c| !opened[c])
            .map(|c| {
                let reachable: f64 = problem.sets[c].iter().map(|&i| unserved[i as usize]).sum();
                (reachable.min(site_capacity[nf + c]), c)
            })
            .filter(|(gain, _)| *gain > Certificate::TOLERANCE)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        let Some((_, c)) = best else {
            shortfalls.push(Shortfall {
                rule: "capacity".into(),
                zh: format!(
                    "按每处 {capacity} 人的容量，所有候选点都开设后仍只能服务 {:.0} 名老年人，目标 {:.0}",
                    served.total, goal
                ),
                en: format!(
                    "with {capacity} places per centre, every candidate open serves {:.0} elderly; the target is {:.0}",
                    served.total, goal
                ),
            });
            return served;
        };
        opened[c] = true;
        sites.push((c, Reason::Capacity));
    }
}

/// The fewest free sites reaching `target` people, with a lower bound from the relaxed curve.
fn target_plan(
    curve: &CoverageCurve,
    relaxed: &CoverageCurve,
    target: f64,
    rules: u32,
    shortfalls: &mut Vec<Shortfall>,
    share: f64,
) -> (Vec<u32>, Certificate, &'static str) {
    let tol = Certificate::TOLERANCE;
    let lower = relaxed
        .points
        .iter()
        .position(|p| p.bound >= target - tol)
        .map_or(relaxed.points.len() as f64, |p| p as f64)
        .max(f64::from(rules));
    match curve.for_target(target) {
        Ok(sol) => {
            let count = sol.sites.len() as f64 + f64::from(rules);
            (sol.sites, Certificate::new(count, lower), "new_sites")
        }
        Err(best) => {
            let pct = |x: f64| 100.0 * x;
            let reach_share = if target > 0.0 {
                best.covered * share / target
            } else {
                0.0
            };
            shortfalls.push(Shortfall {
                rule: "coverage".into(),
                zh: format!(
                    "覆盖率目标 {:.1}% 无法达到：最多 {:.1}%（差 {:.0} 名老年人）",
                    pct(share),
                    pct(reach_share),
                    target - best.covered
                ),
                en: format!(
                    "the coverage target of {:.1}% cannot be reached: at most {:.1}% ({:.0} elderly short)",
                    pct(share),
                    pct(reach_share),
                    target - best.covered
                ),
            });
            let mut c = Certificate::new(best.sites.len() as f64 + f64::from(rules), lower);
            c.status = Status::Infeasible;
            (best.sites, c, "new_sites")
        }
    }
}

/// The most people served with `budget` free sites, bounded by the relaxed curve.
fn budget_plan(
    curve: &CoverageCurve,
    relaxed: &CoverageCurve,
    budget: u32,
    rules: u32,
) -> (Vec<u32>, Certificate, &'static str) {
    let sol = curve.with_budget(budget);
    let used = sol.sites.len() as u32 + rules;
    let bound = relaxed
        .points
        .get(used.max(budget + rules) as usize)
        .map_or(relaxed.reachable, |p| p.bound)
        .max(sol.covered);
    (
        sol.sites,
        Certificate::new(sol.covered, bound),
        "covered_elderly",
    )
}

/// Opens comprehensive centres where the street and township rules need them.
fn rule_sites(
    scenario: &Scenario,
    region: &Region,
    problem: &CoverageProblem,
    shortfalls: &mut Vec<Shortfall>,
) -> Vec<(usize, Reason)> {
    let dc = &scenario.day_care;
    let townships = region.townships();
    let mut have: std::collections::BTreeMap<&str, u32> =
        townships.iter().map(|t| (*t, 0)).collect();
    for f in &region.facilities {
        if f.kind == FacilityType::Comprehensive {
            *have.entry(f.township.as_str()).or_default() += 1;
        }
    }
    let mut covered = problem.covered.clone();
    let mut taken = vec![false; region.candidates.len()];
    let mut chosen = Vec::new();
    // The candidate of `township` adding the most coverage, ties to the lower index.
    let pick = |township: &str, covered: &mut Vec<bool>, taken: &mut Vec<bool>| -> Option<usize> {
        let best = region
            .candidates
            .iter()
            .enumerate()
            .filter(|(c, cand)| !taken[*c] && cand.allow.day_care() && cand.township == township)
            .map(|(c, _)| {
                let gain: f64 = problem.sets[c]
                    .iter()
                    .filter(|&&i| !covered[i as usize])
                    .map(|&i| problem.weight[i as usize])
                    .sum();
                (gain, c)
            })
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))?;
        taken[best.1] = true;
        for &i in &problem.sets[best.1] {
            covered[i as usize] = true;
        }
        Some(best.1)
    };
    if dc.per_street > 0 {
        for &t in townships.iter().filter(|t| is_street(t)) {
            while have[t] < dc.per_street {
                match pick(t, &mut covered, &mut taken) {
                    Some(c) => {
                        chosen.push((c, Reason::Street));
                        *have.get_mut(t).expect("every township is listed") += 1;
                    }
                    None => {
                        let short = dc.per_street - have[t];
                        shortfalls.push(Shortfall {
                            rule: "per_street".into(),
                            zh: format!("{t}缺少 {short} 处综合养老服务中心，且没有可建日间照料的候选点"),
                            en: format!("{t} lacks {short} comprehensive centre(s) and has no candidate that allows day care"),
                        });
                        break;
                    }
                }
            }
        }
    }
    let share = dc
        .targets
        .get(&scenario.final_year())
        .and_then(|s| s.township_share)
        .or(dc.township_share);
    if let Some(share) = share {
        let need = (share * townships.len() as f64 - 1e-9).ceil() as usize;
        loop {
            let with = have.values().filter(|n| **n > 0).count();
            if with >= need {
                break;
            }
            // Among townships without a centre, the candidate adding the most coverage.
            let mut best: Option<(f64, usize, &str)> = None;
            for &t in townships.iter().filter(|t| have[**t] == 0) {
                for (c, cand) in region.candidates.iter().enumerate() {
                    if taken[c] || !cand.allow.day_care() || cand.township != t {
                        continue;
                    }
                    let gain: f64 = problem.sets[c]
                        .iter()
                        .filter(|&&i| !covered[i as usize])
                        .map(|&i| problem.weight[i as usize])
                        .sum();
                    if best.is_none_or(|(g, bc, _)| gain > g || (gain == g && c < bc)) {
                        best = Some((gain, c, t));
                    }
                }
            }
            let Some((_, c, t)) = best else {
                shortfalls.push(Shortfall {
                    rule: "township_share".into(),
                    zh: format!(
                        "有综合养老服务中心的乡镇 {with} 个，目标 {need} 个（{:.0}%）；其余乡镇没有可建的候选点",
                        share * 100.0
                    ),
                    en: format!(
                        "{with} townships have a comprehensive centre, the target is {need} ({:.0}%); the other townships have no usable candidate",
                        share * 100.0
                    ),
                });
                break;
            };
            pick(t, &mut covered, &mut taken);
            debug_assert!(taken[c]);
            chosen.push((c, Reason::Township));
            *have.get_mut(t).expect("every township is listed") += 1;
        }
    }
    chosen
}
