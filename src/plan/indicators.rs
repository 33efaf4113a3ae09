//! The indicator table, computed once per plan: every indicator with a target, per plan year,
//! with its baseline, target, planned value and verdict (是否达标). The report, the map panel,
//! the batch comparison, `summary.json` and `check` read it; nothing recomputes a verdict.
//!
//! Each row also carries the numerator and denominator of its planned value (people,
//! townships, beds), so that a reader can recompute the verdict from the output files.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{
    BedDefinitions, FacilityType, Goal, Indicator, Region, Scenario, TownshipKind, TypeSet,
};
use crate::plan::beds::{BedPlan, BedYear};
use crate::plan::day_care::DayCarePlan;
use crate::solve::Certificate;
use crate::travel::ReachLists;

/// One row: an indicator in one plan year.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct IndicatorRow {
    /// Which indicator.
    pub indicator: Indicator,
    /// Plan year.
    pub year: i32,
    /// Value before the plan (base year); shares in 0–1.
    pub baseline: f64,
    /// The target of the year, if the scenario sets one.
    pub target: Option<Goal>,
    /// Value after the plan's actions up to and including `year`.
    pub planned: f64,
    /// Numerator of `planned` (elderly covered, townships or streets or counties meeting
    /// the rule, beds).
    pub numerator: f64,
    /// Denominator of `planned` (elderly in scope, townships, streets, counties, beds,
    /// elderly ÷ 1000; 1 for counts).
    pub denominator: f64,
    /// `Some(true)` 达标, `Some(false)` 未达标, `None` where there is no target.
    pub met: Option<bool>,
}

/// The definition of an indicator as this run counts it, printed under the table.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Definition {
    /// Which indicator.
    pub indicator: Indicator,
    /// The definition in Chinese.
    pub zh: String,
    /// The definition in English.
    pub en: String,
}

/// The indicator table of a plan.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct IndicatorTable {
    /// Rows, by indicator then year.
    pub rows: Vec<IndicatorRow>,
    /// Definitions of the indicators in the rows.
    pub definitions: Vec<Definition>,
}

impl IndicatorTable {
    /// Whether every row with a target is met.
    pub fn all_met(&self) -> bool {
        self.rows.iter().all(|r| r.met != Some(false))
    }

    /// Rows with a target that is not met.
    pub fn missed(&self) -> impl Iterator<Item = &IndicatorRow> {
        self.rows.iter().filter(|r| r.met == Some(false))
    }
}

/// Whether `have` of `whole` meets `goal` (a share when `whole` is a denominator, a count when
/// `whole` is 1): whole units compared with the exact threshold.
fn verdict(goal: Goal, have: f64, whole: f64) -> bool {
    // A share of nothing (no townships, streets or counties to count) meets no positive target.
    if whole <= 0.0 {
        return goal.value <= 0.0 && !goal.strict;
    }
    let need = goal.value * whole;
    if goal.strict {
        have > need + Certificate::TOLERANCE
    } else {
        have >= need - Certificate::TOLERANCE
    }
}

fn ratio(x: f64, of: f64) -> f64 {
    if of > 0.0 { x / of } else { 0.0 }
}

/// Comprehensive centres per township after the plan's actions up to `year` (all of them for
/// `None`; before the plan for `Some(i32::MIN)`).
fn centres_by(plan: &DayCarePlan, region: &Region, year: Option<i32>) -> BTreeMap<String, u32> {
    let mut have: BTreeMap<String, u32> = BTreeMap::new();
    for f in &region.facilities {
        if f.kind == FacilityType::Comprehensive {
            *have.entry(f.township.clone()).or_default() += 1;
        }
    }
    let by = |y: i32| year.is_none_or(|lim| y <= lim);
    for s in plan.sites.iter().filter(|s| s.comprehensive && by(s.year)) {
        *have.entry(s.township.clone()).or_default() += 1;
    }
    for u in plan.upgrades.iter().filter(|u| by(u.year)) {
        *have.entry(u.township.clone()).or_default() += 1;
    }
    have
}

/// Elderly (in scope) served by a serving site after the actions up to `year`: everyone
/// within reach, or up to the sites' capacities where the plan has them.
fn covered_by(
    plan: &DayCarePlan,
    region: &Region,
    reach: &ReachLists,
    weight: &[f64],
    year: Option<i32>,
) -> f64 {
    let nf = region.facilities.len();
    let by = |y: i32| year.is_none_or(|lim| y <= lim);
    let mut serving: BTreeSet<usize> = (0..nf)
        .filter(|&i| plan.serving.contains(region.facilities[i].kind))
        .collect();
    if plan.serving.contains(FacilityType::Comprehensive) {
        serving.extend(
            plan.upgrades
                .iter()
                .filter(|u| by(u.year))
                .map(|u| u.facility),
        );
    }
    serving.extend(
        plan.sites
            .iter()
            .filter(|s| by(s.year))
            .map(|s| nf + s.candidate),
    );
    match &plan.capacity {
        // With capacities: the people the open sites can take, by the same assignment as the
        // plan's.
        Some(capacity) => {
            crate::solve::flow::Assignment {
                demand: weight.to_vec(),
                capacity: capacity.clone(),
                options: reach
                    .iter()
                    .map(|(_, list)| {
                        list.iter()
                            .filter(|r| serving.contains(&r.site.get()))
                            .map(|r| r.site.0)
                            .collect()
                    })
                    .collect(),
            }
            .solve()
            .total
        }
        None => reach
            .iter()
            .filter(|(_, list)| list.iter().any(|r| serving.contains(&r.site.get())))
            .map(|(v, _)| weight[v.get()])
            .sum(),
    }
}

/// The day-care rows (coverage, township share, streets, counties) and their definitions.
fn day_care_rows(
    scenario: &Scenario,
    region: &Region,
    reach: &ReachLists,
    plan: &DayCarePlan,
    out: &mut IndicatorTable,
) {
    let dc = &scenario.day_care;
    let last = scenario.final_year();
    let total = plan.total_elderly;
    // Coverage: every year with a step, and the final year.
    let in_scope: Vec<f64> = region
        .villages
        .iter()
        .map(|v| {
            if dc.scope == crate::model::CoverageScope::All
                || v.kind == crate::model::AreaKind::Urban
            {
                f64::from(v.elderly)
            } else {
                0.0
            }
        })
        .collect();
    let mut years: BTreeSet<i32> = dc
        .targets
        .iter()
        .filter(|(_, s)| s.coverage.is_some())
        .map(|(y, _)| *y)
        .collect();
    years.insert(last);
    for &y in &years {
        let target = if y == last {
            plan.target
        } else {
            dc.targets.get(&y).and_then(|s| s.coverage)
        }
        .map(|v| Goal {
            binding: dc.coverage_binding,
            ..Goal::at_least(v)
        });
        // The final figure is the plan's; earlier years count the sites open by then, up to
        // their capacities where they have them.
        let covered = if y == last {
            plan.covered_elderly
        } else {
            covered_by(plan, region, reach, &in_scope, Some(y))
        };
        out.rows.push(IndicatorRow {
            indicator: Indicator::Coverage,
            year: y,
            baseline: ratio(plan.covered_before, total),
            target,
            planned: ratio(covered, total),
            numerator: covered,
            denominator: total,
            met: target.map(|g| verdict(g, covered, total)),
        });
    }
    let serving = plan.serving.zh();
    let scope_zh = match dc.scope {
        crate::model::CoverageScope::All => "全部村/社区",
        crate::model::CoverageScope::Urban => "城镇社区",
    };
    out.definitions.push(Definition {
        indicator: Indicator::Coverage,
        zh: format!(
            "{scope_zh}老年人口中，{:.0} 分钟内可达{serving}的老年人口所占比例（按人数计{}）",
            scenario.travel.minutes,
            if dc.exclude_unreachable {
                "，不计任何站点均不可达的村/社区"
            } else {
                ""
            }
        ),
        en: format!(
            "Share of the elderly ({}) within {:.0} minutes of a {} (counted in people{})",
            match dc.scope {
                crate::model::CoverageScope::All => "every village and community",
                crate::model::CoverageScope::Urban => "urban communities",
            },
            scenario.travel.minutes,
            plan.serving.en(),
            if dc.exclude_unreachable {
                ", villages no site reaches left out"
            } else {
                ""
            }
        ),
    });

    // Township share over real 乡镇（街道）.
    let units = region.township_units_with(&dc.township_kinds);
    let real: Vec<&str> = units
        .iter()
        .filter(|u| u.kind.is_township())
        .map(|u| u.name)
        .collect();
    let others = units.len() - real.len();
    let mut years: BTreeSet<i32> = dc
        .targets
        .iter()
        .filter(|(_, s)| s.township_share.is_some())
        .map(|(y, _)| *y)
        .collect();
    let final_share = dc.township_share;
    if final_share.is_some() {
        years.insert(last);
    }
    let count = |have: &BTreeMap<String, u32>, names: &[&str], min: u32| -> f64 {
        names
            .iter()
            .filter(|t| have.get(**t).copied().unwrap_or(0) >= min)
            .count() as f64
    };
    let before = centres_by(plan, region, Some(i32::MIN));
    let n = real.len() as f64;
    for &y in &years {
        let target = if y == last {
            final_share
        } else {
            dc.targets.get(&y).and_then(|s| s.township_share)
        }
        .map(Goal::at_least);
        let after = centres_by(plan, region, Some(y));
        let with = count(&after, &real, 1);
        out.rows.push(IndicatorRow {
            indicator: Indicator::TownshipShare,
            year: y,
            baseline: ratio(count(&before, &real, 1), n),
            target,
            planned: ratio(with, n),
            numerator: with,
            denominator: n,
            met: target.map(|g| verdict(g, with, n)),
        });
    }
    if !years.is_empty() {
        out.definitions.push(Definition {
            indicator: Indicator::TownshipShare,
            zh: format!(
                "有综合养老服务中心的乡镇(街道)数 ÷ 乡镇(街道)数 {}（按统计用区划代码第 7–9 位：001–099 街道、100–199 镇、200–399 乡；{} 个开发区、园区、农场等其他乡级单位不计）",
                real.len(),
                others
            ),
            en: format!(
                "Townships and streets with a comprehensive centre ÷ {} townships and streets (by digits 7–9 of the statistical code: 001–099 street, 100–199 town, 200–399 township; {} development zones, parks, farms and other units not counted)",
                real.len(),
                others
            ),
        });
    }

    // Streets.
    let street_goal = dc.street_goal();
    if street_goal > 0 {
        let streets: Vec<&str> = units
            .iter()
            .filter(|u| u.kind == TownshipKind::Street)
            .map(|u| u.name)
            .collect();
        if !streets.is_empty() {
            let k = streets.len() as f64;
            // A row for every year with a street step of its own, then the final year's.
            let mut steps: Vec<(i32, u32)> = dc
                .targets
                .iter()
                .filter(|(y, _)| **y != last)
                .filter_map(|(y, st)| st.per_street.filter(|n| *n > 0).map(|n| (*y, n)))
                .collect();
            steps.push((last, street_goal));
            for (year, need) in steps {
                let after = centres_by(plan, region, (year != last).then_some(year));
                let with = count(&after, &streets, need);
                let target = Goal::at_least(1.0);
                out.rows.push(IndicatorRow {
                    indicator: Indicator::PerStreet,
                    year,
                    baseline: ratio(count(&before, &streets, need), k),
                    target: Some(target),
                    planned: ratio(with, k),
                    numerator: with,
                    denominator: k,
                    met: Some(verdict(target, with, k)),
                });
            }
            out.definitions.push(Definition {
                indicator: Indicator::PerStreet,
                zh: format!(
                    "至少有 {} 处综合养老服务中心的街道数 ÷ 街道数 {}（目标：每个街道）",
                    street_goal,
                    streets.len()
                ),
                en: format!(
                    "Streets with at least {} comprehensive centre(s) ÷ {} streets (target: every street)",
                    street_goal,
                    streets.len()
                ),
            });
        }
    }

    // Counties: rural regional centres in their 镇 and 乡.
    let county_goal = dc.county_goal();
    if county_goal > 0 {
        let counties = crate::model::rural_by_county(&units);
        let meeting = |have: &BTreeMap<String, u32>, need: u32| -> f64 {
            counties
                .values()
                .filter(|towns| {
                    towns
                        .iter()
                        .map(|t| have.get(*t).copied().unwrap_or(0))
                        .sum::<u32>()
                        >= need
                })
                .count() as f64
        };
        let k = counties.len() as f64;
        // 镇/乡 whose county cannot be told: the rule cannot be checked there, never met.
        let untold = crate::model::rural_without_county(&units);
        // A row for every year with a county step of its own, then the final year's.
        let mut steps: Vec<(i32, u32)> = dc
            .targets
            .iter()
            .filter(|(y, _)| **y != last)
            .filter_map(|(y, st)| st.per_county.filter(|n| *n > 0).map(|n| (*y, n)))
            .collect();
        steps.push((last, county_goal));
        for (year, need) in steps {
            let with = meeting(
                &centres_by(plan, region, (year != last).then_some(year)),
                need,
            );
            let target = Goal::at_least(1.0);
            out.rows.push(IndicatorRow {
                indicator: Indicator::PerCounty,
                year,
                baseline: ratio(meeting(&before, need), k),
                target: Some(target),
                planned: ratio(with, k),
                numerator: with,
                denominator: k,
                met: Some(untold.is_empty() && verdict(target, with, k)),
            });
        }
        out.definitions.push(Definition {
            indicator: Indicator::PerCounty,
            zh: format!(
                "镇、乡中至少有 {} 处综合(区域性)养老服务中心的县(市、区)数 ÷ 县(市、区)数 {}（县按统计用区划代码前 6 位{}）",
                county_goal,
                counties.len(),
                if untold.is_empty() {
                    String::new()
                } else {
                    format!("；{} 个镇、乡无代码、所属县不明，不判定达标", untold.len())
                }
            ),
            en: format!(
                "Counties with at least {} comprehensive (regional) centres in their towns ÷ {} counties (county = first 6 digits of the statistical code{})",
                county_goal,
                counties.len(),
                if untold.is_empty() {
                    String::new()
                } else {
                    format!("; {} towns without codes belong to no known county, so it is never met", untold.len())
                }
            ),
        });
    }
}

/// The bed rows and their definitions.
fn bed_rows(defs: &BedDefinitions, beds: &BedPlan, out: &mut IndicatorTable) {
    type Figure = fn(&BedYear, &BedDefinitions) -> (f64, f64);
    type Target = fn(&crate::model::BedTargets) -> Option<Goal>;
    let rows: [(Indicator, Figure, Target); 5] = [
        (
            Indicator::BedsPer1000,
            |y, d| {
                (
                    y.sum(d.beds_per_1000, |t| t.beds) as f64,
                    y.elderly / 1000.0,
                )
            },
            |t| t.beds_per_1000,
        ),
        (
            Indicator::NursingShare,
            |y, d| {
                (
                    y.sum(d.nursing_share, |t| t.nursing_beds) as f64,
                    y.sum(d.nursing_share, |t| t.beds) as f64,
                )
            },
            |t| t.nursing_share,
        ),
        (
            Indicator::NursingPer1000,
            |y, d| {
                (
                    y.sum(d.nursing_per_1000, |t| t.nursing_beds) as f64,
                    y.elderly / 1000.0,
                )
            },
            |t| t.nursing_per_1000,
        ),
        (
            Indicator::PublicShare,
            |y, d| {
                (
                    y.sum(d.public_share, |t| t.public_beds) as f64,
                    y.sum(d.public_share, |t| t.beds) as f64,
                )
            },
            |t| t.public_share,
        ),
        (
            Indicator::NewBeds,
            |y, d| (y.sum(d.new_beds, |t| t.added_beds) as f64, 1.0),
            |t| t.new_beds,
        ),
    ];
    for (indicator, figure, target_of) in rows {
        let mut years: Vec<&BedYear> = beds
            .years
            .iter()
            .filter(|y| target_of(&y.targets).is_some())
            .collect();
        if years.is_empty() {
            if indicator == Indicator::NewBeds {
                continue;
            }
            years.extend(beds.years.last());
        }
        let (bn, bd) = figure(&beds.baseline, defs);
        for y in years {
            let (n, d) = figure(y, defs);
            let target = target_of(&y.targets);
            let met = target.map(|_| match indicator {
                Indicator::BedsPer1000 => y.met.beds_per_1000,
                Indicator::NursingShare => y.met.nursing_share,
                Indicator::NursingPer1000 => y.met.nursing_per_1000,
                Indicator::PublicShare => y.met.public_share,
                _ => y.met.new_beds,
            });
            out.rows.push(IndicatorRow {
                indicator,
                year: y.year,
                baseline: if indicator == Indicator::NewBeds {
                    0.0
                } else {
                    ratio(bn, bd)
                },
                target,
                planned: ratio(n, d),
                numerator: n,
                denominator: d,
                met,
            });
        }
    }
    let set = |s: TypeSet| (s.zh(), s.en());
    for (indicator, types, zh, en) in [
        (
            Indicator::BedsPer1000,
            defs.beds_per_1000,
            "{t}床位数 ÷ 老年人口 × 1000",
            "Beds of {t} ÷ elderly × 1000",
        ),
        (
            Indicator::NursingShare,
            defs.nursing_share,
            "{t}护理型床位数 ÷ {t}床位数",
            "Nursing beds of {t} ÷ beds of {t}",
        ),
        (
            Indicator::NursingPer1000,
            defs.nursing_per_1000,
            "{t}护理型床位数 ÷ 老年人口 × 1000",
            "Nursing beds of {t} ÷ elderly × 1000",
        ),
        (
            Indicator::PublicShare,
            defs.public_share,
            "{t}中公办及公益性床位数 ÷ {t}床位数",
            "Public and public-interest beds of {t} ÷ beds of {t}",
        ),
        (
            Indicator::NewBeds,
            defs.new_beds,
            "基期以来{t}新增床位数（累计）",
            "Beds added at {t} since the base year (cumulative)",
        ),
    ] {
        if out.rows.iter().any(|r| r.indicator == indicator) {
            let (tz, te) = set(types);
            out.definitions.push(Definition {
                indicator,
                zh: zh.replace("{t}", &tz),
                en: en.replace("{t}", &te),
            });
        }
    }
}

/// Computes the indicator table of a plan.
pub fn table(
    scenario: &Scenario,
    region: &Region,
    reach: &ReachLists,
    day_care: &DayCarePlan,
    beds: Option<&BedPlan>,
) -> IndicatorTable {
    let mut out = IndicatorTable::default();
    day_care_rows(scenario, region, reach, day_care, &mut out);
    if let Some(b) = beds {
        bed_rows(&scenario.indicators, b, &mut out);
    }
    out
}

/// Elderly (in scope) that a serving site of `serving` serves today, and the total in scope,
/// for `check`, before any plan: everyone within reach, or up to the sites' places where a
/// serving facility has its own `capacity` or the scenario sets `default_capacity`.
pub fn baseline_coverage(
    region: &Region,
    reach: &ReachLists,
    scope: crate::model::CoverageScope,
    serving: TypeSet,
    default_capacity: Option<u32>,
    use_data: bool,
) -> (f64, f64) {
    let nf = region.facilities.len();
    let is_serving: Vec<bool> = region
        .facilities
        .iter()
        .map(|f| serving.contains(f.kind))
        .collect();
    let weight: Vec<f64> = region
        .villages
        .iter()
        .map(|v| {
            if scope == crate::model::CoverageScope::Urban
                && v.kind != crate::model::AreaKind::Urban
            {
                0.0
            } else {
                f64::from(v.elderly)
            }
        })
        .collect();
    let total = weight.iter().sum();
    let options: Vec<Vec<u32>> = reach
        .iter()
        .map(|(_, list)| {
            list.iter()
                .filter(|r| r.site.get() < nf && is_serving[r.site.get()])
                .map(|r| r.site.0)
                .collect()
        })
        .collect();
    let covered = match crate::plan::day_care::site_capacities(
        region,
        default_capacity,
        &is_serving,
        use_data,
    ) {
        Some(capacity) => {
            crate::solve::flow::Assignment {
                demand: weight,
                capacity,
                options,
            }
            .solve()
            .total
        }
        None => weight
            .iter()
            .zip(&options)
            .filter(|(_, o)| !o.is_empty())
            .map(|(w, _)| *w)
            .sum(),
    };
    (covered, total)
}
