//! Least-cost bed actions over the plan years, on aggregate quantities.
//!
//! # Model
//! The stock before the plan: `B0` beds, `N0` nursing beds, `P0` beds in public facilities,
//! `O` ordinary beds that may be converted, and expansion room `R_pub`, `R_priv` at public and
//! private institutions. New institutions come in classes of candidate sites with the same
//! capacity `M_k` and fixed cost `F_k` (`count_k` sites each). Every new bed is a nursing bed
//! and every new institution is public (government-built, 公建).
//!
//! Cumulative integer variables per plan year `t` (never undone, so each is non-decreasing in
//! `t`): conversions `X_t <= O`, expansion `Yp_t <= R_pub`, `Yq_t <= R_priv`, sites opened
//! `n_kt <= count_k` and their beds `z_kt <= M_k n_kt`. With `E_t` the year's elderly:
//!
//! ```text
//! B_t = B0 + Yp_t + Yq_t + Σ_k z_kt         N_t = N0 + X_t + Yp_t + Yq_t + Σ_k z_kt
//! P_t = P0 + Yp_t + Σ_k z_kt
//! B_t >= ⌈b_t E_t / 1000⌉   N_t >= ⌈n_t E_t / 1000⌉   N_t >= s_t B_t   P_t >= q_t B_t
//! min  c_conv X_T + c_bed (Yp_T + Yq_T + Σ_k z_kT) + Σ_k F_k n_kT
//! ```
//! Costs do not depend on the year, so the total is the cost of the final cumulative state.
//! Each target row has a slack priced far above any real action, so an unreachable target
//! still yields the closest plan and its shortfall in beds. A second solve keeps the cost at
//! its optimum and moves actions as late as the targets allow (just in time).
//!
//! Solved exactly by branch and bound on LP bounds (`microlp`); the bound is the solver's
//! proven bound on cost.

use microlp::{ComparisonOp, OptimizationDirection, Problem, Variable};

use super::{Certificate, Status};
use crate::model::BedTargets;

/// The bed stock before the plan, in beds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stock {
    /// All beds.
    pub beds: u64,
    /// Nursing beds.
    pub nursing: u64,
    /// Beds in public facilities.
    pub public: u64,
    /// Ordinary beds that may be converted.
    pub convertible: u64,
    /// Expansion room at public institutions.
    pub room_public: u64,
    /// Expansion room at private institutions.
    pub room_private: u64,
}

/// Candidate sites with the same capacity and fixed cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SiteClass {
    /// Beds one new institution of the class may have.
    pub capacity: u32,
    /// Fixed cost of opening one, 万元.
    pub fixed_wan: f64,
    /// Number of candidate sites in the class.
    pub count: u32,
}

/// One plan year's demand and targets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct YearNeed {
    /// Plan year.
    pub year: i32,
    /// Projected elderly.
    pub elderly: f64,
    /// Targets of the year (all `None` where the plan sets none).
    pub targets: BedTargets,
}

/// Unit costs, 万元.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UnitCosts {
    /// Converting one bed.
    pub convert_wan: f64,
    /// One new bed.
    pub new_bed_wan: f64,
}

/// Cumulative actions by the end of a year.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cumulative {
    /// Beds converted.
    pub convert: u64,
    /// Beds added at public institutions.
    pub expand_public: u64,
    /// Beds added at private institutions.
    pub expand_private: u64,
    /// Per class: sites opened and their beds.
    pub new_sites: Vec<(u32, u64)>,
}

/// Beds missing for each target of a year (0 where met or absent).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Slack {
    /// Beds short of beds per 1000.
    pub beds_per_1000: u64,
    /// Nursing beds short of nursing per 1000.
    pub nursing_per_1000: u64,
    /// Nursing beds short of the nursing share.
    pub nursing_share: u64,
    /// Public beds short of the public share.
    pub public_share: u64,
}

impl Slack {
    /// Whether every target holds.
    pub fn is_zero(&self) -> bool {
        *self == Slack::default()
    }
}

/// The least-cost schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct BedSchedule {
    /// Cumulative actions per plan year, in the order of the years given.
    pub years: Vec<Cumulative>,
    /// Shortfalls per year.
    pub slack: Vec<Slack>,
    /// Cost, bound, gap and status; `Infeasible` when some slack is positive.
    pub certificate: Certificate,
}

/// Penalty per bed of slack, 万元: far above any real action.
const SLACK_PENALTY_WAN: f64 = 1.0e6;

struct Vars {
    x: Vec<Variable>,
    yp: Vec<Variable>,
    yq: Vec<Variable>,
    n: Vec<Vec<Variable>>,
    z: Vec<Vec<Variable>>,
    slack: Vec<[Option<Variable>; 4]>,
}

fn int_bound(v: u64) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// Builds the model; `final_cost` set means the second solve (cost capped, lateness
/// minimised).
fn build(
    stock: &Stock,
    classes: &[SiteClass],
    years: &[YearNeed],
    costs: &UnitCosts,
    final_cost: Option<f64>,
) -> (Problem, Vars) {
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let t_last = years.len().saturating_sub(1);
    let cost_phase = final_cost.is_none();
    // Objective weights: phase 1 prices the final state; phase 2 prices every year's
    // cumulative amount (earlier action costs more), the real cost being capped by a row.
    let weight = |t: usize, unit: f64| -> f64 {
        if cost_phase {
            if t == t_last { unit } else { 0.0 }
        } else {
            1.0
        }
    };
    let mut v = Vars {
        x: Vec::new(),
        yp: Vec::new(),
        yq: Vec::new(),
        n: vec![Vec::new(); classes.len()],
        z: vec![Vec::new(); classes.len()],
        slack: Vec::new(),
    };
    for t in 0..years.len() {
        v.x.push(p.add_integer_var(
            weight(t, costs.convert_wan),
            (0, int_bound(stock.convertible)),
        ));
        v.yp.push(p.add_integer_var(
            weight(t, costs.new_bed_wan),
            (0, int_bound(stock.room_public)),
        ));
        v.yq.push(p.add_integer_var(
            weight(t, costs.new_bed_wan),
            (0, int_bound(stock.room_private)),
        ));
        for (k, c) in classes.iter().enumerate() {
            v.n[k].push(
                p.add_integer_var(weight(t, c.fixed_wan), (0, int_bound(u64::from(c.count)))),
            );
            let cap = u64::from(c.capacity) * u64::from(c.count);
            v.z[k].push(p.add_integer_var(weight(t, costs.new_bed_wan), (0, int_bound(cap))));
        }
    }
    for (t, need) in years.iter().enumerate() {
        let e = need.elderly;
        let tg = need.targets;
        let mut slack = [None; 4];
        // Slack is priced in phase 1 and fixed to its phase-1 value in phase 2 through the
        // cost row, so the same penalty applies in both.
        for (i, on) in [
            tg.beds_per_1000.is_some(),
            tg.nursing_per_1000.is_some(),
            tg.nursing_share.is_some(),
            tg.public_share.is_some(),
        ]
        .into_iter()
        .enumerate()
        {
            if on {
                slack[i] = Some(p.add_integer_var(
                    if cost_phase { SLACK_PENALTY_WAN } else { 0.0 },
                    (0, i32::MAX),
                ));
            }
        }
        let new_beds: Vec<(Variable, f64)> = (0..classes.len()).map(|k| (v.z[k][t], 1.0)).collect();
        // beds: Yp + Yq + Σz + s >= need - B0
        if let (Some(b), Some(s)) = (tg.beds_per_1000, slack[0]) {
            let need_beds = (b * e / 1000.0 - 1e-9).ceil() - stock.beds as f64;
            let mut row = vec![(v.yp[t], 1.0), (v.yq[t], 1.0), (s, 1.0)];
            row.extend(&new_beds);
            p.add_constraint(row.as_slice(), ComparisonOp::Ge, need_beds);
        }
        if let (Some(n), Some(s)) = (tg.nursing_per_1000, slack[1]) {
            let need = (n * e / 1000.0 - 1e-9).ceil() - stock.nursing as f64;
            let mut row = vec![(v.x[t], 1.0), (v.yp[t], 1.0), (v.yq[t], 1.0), (s, 1.0)];
            row.extend(&new_beds);
            p.add_constraint(row.as_slice(), ComparisonOp::Ge, need);
        }
        // N - s B >= 0: X + (1-s)(Yp + Yq + Σz) + slack >= s B0 - N0
        if let (Some(share), Some(s)) = (tg.nursing_share, slack[2]) {
            let mut row = vec![
                (v.x[t], 1.0),
                (v.yp[t], 1.0 - share),
                (v.yq[t], 1.0 - share),
                (s, 1.0),
            ];
            row.extend(new_beds.iter().map(|&(z, _)| (z, 1.0 - share)));
            p.add_constraint(
                row.as_slice(),
                ComparisonOp::Ge,
                share * stock.beds as f64 - stock.nursing as f64,
            );
        }
        // P - q B >= 0: (1-q)(Yp + Σz) - q Yq + slack >= q B0 - P0
        if let (Some(q), Some(s)) = (tg.public_share, slack[3]) {
            let mut row = vec![(v.yp[t], 1.0 - q), (v.yq[t], -q), (s, 1.0)];
            row.extend(new_beds.iter().map(|&(z, _)| (z, 1.0 - q)));
            p.add_constraint(
                row.as_slice(),
                ComparisonOp::Ge,
                q * stock.beds as f64 - stock.public as f64,
            );
        }
        for (k, class) in classes.iter().enumerate() {
            p.add_constraint(
                [(v.z[k][t], 1.0), (v.n[k][t], -f64::from(class.capacity))].as_slice(),
                ComparisonOp::Le,
                0.0,
            );
        }
        if t > 0 {
            let mut mono = vec![
                (v.x[t], v.x[t - 1]),
                (v.yp[t], v.yp[t - 1]),
                (v.yq[t], v.yq[t - 1]),
            ];
            for k in 0..classes.len() {
                mono.push((v.n[k][t], v.n[k][t - 1]));
                mono.push((v.z[k][t], v.z[k][t - 1]));
            }
            for (now, before) in mono {
                p.add_constraint(
                    [(now, 1.0), (before, -1.0)].as_slice(),
                    ComparisonOp::Ge,
                    0.0,
                );
            }
        }
        v.slack.push(slack);
    }
    if let Some(cap) = final_cost {
        let t = t_last;
        let mut row = vec![
            (v.x[t], costs.convert_wan),
            (v.yp[t], costs.new_bed_wan),
            (v.yq[t], costs.new_bed_wan),
        ];
        for (k, c) in classes.iter().enumerate() {
            row.push((v.n[k][t], c.fixed_wan));
            row.push((v.z[k][t], costs.new_bed_wan));
        }
        for s in v.slack.iter().flatten().flatten() {
            row.push((*s, SLACK_PENALTY_WAN));
        }
        p.add_constraint(row.as_slice(), ComparisonOp::Le, cap);
    }
    (p, v)
}

fn read(
    sol: &microlp::Solution,
    v: &Vars,
    classes: &[SiteClass],
    years: usize,
) -> (Vec<Cumulative>, Vec<Slack>) {
    let val = |x: Variable| sol.var_value(x).round().max(0.0) as u64;
    let cum = (0..years)
        .map(|t| Cumulative {
            convert: val(v.x[t]),
            expand_public: val(v.yp[t]),
            expand_private: val(v.yq[t]),
            new_sites: (0..classes.len())
                .map(|k| (val(v.n[k][t]) as u32, val(v.z[k][t])))
                .collect(),
        })
        .collect();
    let slack = v
        .slack
        .iter()
        .map(|s| {
            let get = |x: Option<Variable>| x.map_or(0, val);
            Slack {
                beds_per_1000: get(s[0]),
                nursing_per_1000: get(s[1]),
                nursing_share: get(s[2]),
                public_share: get(s[3]),
            }
        })
        .collect();
    (cum, slack)
}

/// The real cost (万元) of a final cumulative state.
pub fn cost_of(c: &Cumulative, classes: &[SiteClass], costs: &UnitCosts) -> f64 {
    let new_beds: u64 = c.new_sites.iter().map(|(_, z)| z).sum();
    let fixed: f64 = c
        .new_sites
        .iter()
        .zip(classes)
        .map(|((n, _), k)| f64::from(*n) * k.fixed_wan)
        .sum();
    c.convert as f64 * costs.convert_wan
        + (c.expand_public + c.expand_private + new_beds) as f64 * costs.new_bed_wan
        + fixed
}

/// Finds the least-cost schedule; `node_limit` bounds the branch and bound of each solve.
pub fn schedule(
    stock: &Stock,
    classes: &[SiteClass],
    years: &[YearNeed],
    costs: &UnitCosts,
    node_limit: u64,
) -> Result<BedSchedule, String> {
    if years.is_empty() {
        return Ok(BedSchedule {
            years: Vec::new(),
            slack: Vec::new(),
            certificate: Certificate::new(0.0, 0.0),
        });
    }
    let mut options = microlp::SolveOptions::default();
    options.node_limit = Some(node_limit);
    let (p, v) = build(stock, classes, years, costs, None);
    let outcome = p
        .solve_with(options.clone())
        .map_err(|e| format!("bed model: {e}"))?;
    let sol = outcome
        .solution()
        .ok_or("bed model: no solution within the node limit")?;
    let (cum, slack) = read(sol, &v, classes, years.len());
    let penalty: u64 = slack
        .iter()
        .map(|s| s.beds_per_1000 + s.nursing_per_1000 + s.nursing_share + s.public_share)
        .sum();
    let total = sol.objective();
    let lower = outcome.stats().best_bound.unwrap_or(total).min(total);
    // Phase 2: same cost (and slack), actions as late as possible.
    let (p2, v2) = build(
        stock,
        classes,
        years,
        costs,
        Some(total + 1e-6 * total.abs().max(1.0)),
    );
    let (cum, slack) = match p2.solve_with(options) {
        Ok(o) => match o.solution() {
            Some(s2) => read(s2, &v2, classes, years.len()),
            None => (cum, slack),
        },
        Err(_) => (cum, slack),
    };
    let cost = cost_of(cum.last().expect("at least one year"), classes, costs);
    let penalty_wan = penalty as f64 * SLACK_PENALTY_WAN;
    let mut certificate = Certificate::new(cost, (lower - penalty_wan).max(0.0).min(cost));
    if slack.iter().any(|s| !s.is_zero()) {
        certificate.status = Status::Infeasible;
    }
    Ok(BedSchedule {
        years: cum,
        slack,
        certificate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(year: i32, elderly: f64, targets: BedTargets) -> YearNeed {
        YearNeed {
            year,
            elderly,
            targets,
        }
    }

    const COSTS: UnitCosts = UnitCosts {
        convert_wan: 2.0,
        new_bed_wan: 8.0,
    };

    #[test]
    fn conversion_meets_a_share_target_at_the_lowest_cost() {
        // 100 beds, 20 nursing; 55 % needs 55 nursing: 35 conversions at 2 = 70.
        let stock = Stock {
            beds: 100,
            nursing: 20,
            public: 100,
            convertible: 80,
            room_public: 50,
            room_private: 0,
        };
        let years = [need(
            2025,
            1000.0,
            BedTargets {
                nursing_share: Some(0.55),
                ..Default::default()
            },
        )];
        let s = schedule(&stock, &[], &years, &COSTS, 1000).expect("solves");
        assert_eq!(s.years[0].convert, 35);
        assert_eq!(s.certificate.objective, 70.0);
        assert_eq!(s.certificate.status, Status::Optimal);
    }

    #[test]
    fn beds_per_1000_opens_one_institution_and_phases_just_in_time() {
        // 2,000 elderly need 40 per 1000 = 80 beds in 2023 and 45 per 1000 = 90 by 2025.
        // 60 beds and room for 10 more cannot reach 90, so one new institution (30 beds) opens:
        // 30 new beds × 8 + 500 = 740, however they split between expansion and the new site.
        let stock = Stock {
            beds: 60,
            nursing: 60,
            public: 60,
            convertible: 0,
            room_public: 10,
            room_private: 0,
        };
        let classes = [SiteClass {
            capacity: 30,
            fixed_wan: 500.0,
            count: 2,
        }];
        let years = [
            need(
                2023,
                2000.0,
                BedTargets {
                    beds_per_1000: Some(40.0),
                    ..Default::default()
                },
            ),
            need(
                2025,
                2000.0,
                BedTargets {
                    beds_per_1000: Some(45.0),
                    ..Default::default()
                },
            ),
        ];
        let s = schedule(&stock, &classes, &years, &COSTS, 1000).expect("solves");
        assert_eq!(s.certificate.objective, 740.0);
        assert_eq!(s.certificate.status, Status::Optimal);
        let last = &s.years[1];
        assert_eq!(last.expand_public + last.new_sites[0].1, 30);
        assert_eq!(last.new_sites[0].0, 1);
        // Just in time: only what 2023 needs is built by 2023.
        let first = &s.years[0];
        assert_eq!(first.expand_public + first.new_sites[0].1, 20);
    }

    #[test]
    fn unreachable_target_reports_the_shortfall() {
        let stock = Stock {
            beds: 10,
            nursing: 0,
            public: 10,
            convertible: 10,
            room_public: 0,
            room_private: 0,
        };
        let years = [need(
            2025,
            1000.0,
            BedTargets {
                beds_per_1000: Some(30.0),
                ..Default::default()
            },
        )];
        let s = schedule(&stock, &[], &years, &COSTS, 1000).expect("solves");
        assert_eq!(s.slack[0].beds_per_1000, 20);
        assert_eq!(s.certificate.status, Status::Infeasible);
    }

    /// Brute force over every cumulative final state of a one-year problem.
    #[test]
    fn one_year_equals_brute_force() {
        let mut r = crate::solve::SplitMix64::new(5, 0);
        for _ in 0..25 {
            let beds = 20 + r.below(40) as u64;
            let nursing = r.below(beds as usize) as u64;
            let public = r.below(beds as usize + 1) as u64;
            let stock = Stock {
                beds,
                nursing,
                public,
                convertible: beds - nursing,
                room_public: r.below(8) as u64,
                room_private: r.below(8) as u64,
            };
            let class = SiteClass {
                capacity: 5 + r.below(10) as u32,
                fixed_wan: 20.0 + r.below(40) as f64,
                count: 2,
            };
            let targets = BedTargets {
                nursing_share: Some(0.3 + r.below(40) as f64 / 100.0),
                beds_per_1000: Some(30.0 + r.below(30) as f64),
                nursing_per_1000: None,
                public_share: Some(r.below(60) as f64 / 100.0),
            };
            let elderly = 1000.0;
            let years = [need(2025, elderly, targets)];
            let s = schedule(&stock, &[class], &years, &COSTS, 10_000).expect("solves");
            let mut best = f64::INFINITY;
            for x in 0..=stock.convertible {
                for yp in 0..=stock.room_public {
                    for yq in 0..=stock.room_private {
                        for n in 0..=class.count {
                            for z in 0..=(n * class.capacity) as u64 {
                                let b = beds + yp + yq + z;
                                let nn = nursing + x + yp + yq + z;
                                let pb = public + yp + z;
                                let ok = b as f64
                                    >= (targets.beds_per_1000.unwrap_or(0.0) * elderly / 1000.0
                                        - 1e-9)
                                        .ceil()
                                    && nn as f64
                                        >= targets.nursing_share.unwrap_or(0.0) * b as f64 - 1e-9
                                    && pb as f64
                                        >= targets.public_share.unwrap_or(0.0) * b as f64 - 1e-9;
                                if ok {
                                    let c = x as f64 * 2.0
                                        + (yp + yq + z) as f64 * 8.0
                                        + f64::from(n) * class.fixed_wan;
                                    best = best.min(c);
                                }
                            }
                        }
                    }
                }
            }
            if best.is_finite() {
                assert!(
                    (s.certificate.objective - best).abs() < 1e-6,
                    "{} vs {best}",
                    s.certificate.objective
                );
                assert!(s.certificate.bound <= best + 1e-6);
            } else {
                assert_eq!(s.certificate.status, Status::Infeasible);
            }
        }
    }
}
