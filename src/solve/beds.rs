//! Least-cost bed actions over the plan years, on aggregate quantities per facility type.
//!
//! # Model
//! Beds are grouped by facility type `g` (日间照料中心, 养老服务站, 综合养老服务中心,
//! 养老机构). Before the plan, group `g` has `B0_g` beds, `N0_g` nursing beds, `P0_g` public
//! (公办/公益性) beds, and expansion room `R_pub_g`, `R_priv_g` at public and private
//! facilities. New institutions come in classes of candidate sites with the same capacity `M_k`
//! and fixed cost `F_k` (`count_k` sites each); every new bed is a nursing bed, every new
//! institution is public (公建) and belongs to the 养老机构 group `I`.
//!
//! Each indicator counts the groups of its set `S` ([`BedDefinitions`]): 护理型床位占比 over
//! 养老机构 by default, as the plans word it, the others over every type.
//!
//! Cumulative integer variables per plan year `t` (never undone, so each is non-decreasing in
//! `t`): conversions `X_gt <= B0_g - N0_g`, expansion `Yp_gt <= R_pub_g`, `Yq_gt <= R_priv_g`,
//! re-designations of private beds as 公益性 `W_gt <= B0_g - P0_g + Yq_gt` (only when the
//! scenario prices them), sites opened `n_kt <= count_k` and their beds `z_kt <= M_k n_kt`.
//! With `A_S = Σ_{g∈S} (Yp_g + Yq_g) + [I ∈ S] Σ_k z_k` the beds added in `S` and `E_t` the
//! year's elderly:
//!
//! ```text
//! B_S = B0_S + A_S        N_S = N0_S + Σ_{g∈S} X_g + A_S
//! P_S = P0_S + Σ_{g∈S} (Yp_g + W_g) + [I ∈ S] Σ_k z_k
//! B_S >= ⌈b E / 1000⌉     N_S >= ⌈n E / 1000⌉     N_S >= s B_S     P_S >= q B_S     A_S >= a
//! min  c_conv Σ X_T + c_bed (Σ Yp_T + Σ Yq_T + Σ_k z_kT) + c_pub Σ W_T + Σ_k F_k n_kT
//! ```
//! A target worded "超过" (strictly above) becomes `> `: for counts `>= ⌊need⌋ + 1`, for
//! shares `N_S - s B_S >= δ` with `δ = 1e-4` of a bed (the whole-bed solution is then checked
//! exactly by the caller). Costs do not depend on the year, so the total is the cost of the
//! final cumulative state. Each target row has a slack priced far above any real action, in
//! the unit of the action that closes it (beds, nursing beds, beds to re-designate), so an
//! unreachable target still yields the closest plan and its shortfall. A second solve keeps the
//! cost at its optimum and moves actions as late as the targets allow (just in time).
//!
//! Solved exactly by branch and bound on LP bounds (`microlp`); the bound is the solver's
//! proven bound on cost.

use microlp::{ComparisonOp, OptimizationDirection, Problem, Variable};

use super::{Certificate, Status};
#[cfg(test)]
use crate::model::Goal;
use crate::model::{BedDefinitions, BedTargets, FacilityType, TypeSet};

/// Facility-type groups of the model, in [`FacilityType::ALL`] order.
pub const GROUPS: usize = 4;

/// The group of new institutions.
pub fn institution_group() -> usize {
    TypeSet::index(FacilityType::Institution)
}

/// The bed stock of one facility type before the plan, in beds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupStock {
    /// All beds.
    pub beds: u64,
    /// Nursing beds (<= beds).
    pub nursing: u64,
    /// Beds in public / public-interest facilities (<= beds).
    pub public: u64,
    /// Expansion room at public facilities.
    pub room_public: u64,
    /// Expansion room at private facilities.
    pub room_private: u64,
    /// Ordinary beds that may not be converted (at facilities whose bed actions a decision
    /// excludes, [`crate::model::decisions`]).
    pub locked: u64,
    /// Beds added since the base year before the model plans (required decisions); they are
    /// in `beds` and count toward the new-beds target.
    pub added: u64,
}

impl GroupStock {
    /// Ordinary beds that may be converted to nursing beds.
    pub fn convertible(&self) -> u64 {
        self.beds
            .saturating_sub(self.nursing)
            .saturating_sub(self.locked)
    }

    /// Private beds that may be re-designated as 公益性.
    pub fn private(&self) -> u64 {
        self.beds.saturating_sub(self.public)
    }
}

/// The bed stock before the plan, per facility type ([`GROUPS`], [`FacilityType::ALL`] order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stock {
    /// One entry per facility type.
    pub groups: [GroupStock; GROUPS],
}

impl Stock {
    /// A stock of institutions only.
    pub fn institutions(g: GroupStock) -> Self {
        let mut s = Self::default();
        s.groups[institution_group()] = g;
        s
    }

    /// Sum of `f` over the groups of `set`.
    fn sum(&self, set: TypeSet, f: impl Fn(&GroupStock) -> u64) -> u64 {
        (0..GROUPS)
            .filter(|&g| set.contains_index(g))
            .map(|g| f(&self.groups[g]))
            .sum()
    }
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
    /// Re-designating one private bed as 公益性; `None`: not an available action.
    pub designate_wan: Option<f64>,
}

/// Cumulative actions by the end of a year, per facility-type group.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cumulative {
    /// Beds converted.
    pub convert: [u64; GROUPS],
    /// Beds added at public facilities.
    pub expand_public: [u64; GROUPS],
    /// Beds added at private facilities.
    pub expand_private: [u64; GROUPS],
    /// Private beds re-designated as 公益性.
    pub designate: [u64; GROUPS],
    /// Per class: sites opened and their beds.
    pub new_sites: Vec<(u32, u64)>,
}

impl Cumulative {
    /// Beds added at facilities of `set` (expansion and new institutions).
    pub fn added(&self, set: TypeSet) -> u64 {
        let mut a: u64 = (0..GROUPS)
            .filter(|&g| set.contains_index(g))
            .map(|g| self.expand_public[g] + self.expand_private[g])
            .sum();
        if set.contains_index(institution_group()) {
            a += self.new_sites.iter().map(|(_, z)| z).sum::<u64>();
        }
        a
    }
}

/// What is missing for each target of a year (0 where met or absent), in the unit of the
/// action that would close it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Slack {
    /// Beds short of beds per 1000.
    pub beds_per_1000: u64,
    /// Nursing beds short of nursing per 1000.
    pub nursing_per_1000: u64,
    /// Nursing beds short of the nursing share.
    pub nursing_share: u64,
    /// Beds to re-designate as 公益性 short of the public share.
    pub public_share: u64,
    /// New beds short of the new-bed count.
    pub new_beds: u64,
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
    /// The least cost meeting every target it can without a budget, 万元.
    pub unconstrained_wan: f64,
    /// Whether the budget bound the schedule (the least-cost schedule did not fit it).
    pub budget_binds: bool,
}

/// Why the bed model could not be solved.
#[derive(Debug, thiserror::Error)]
pub enum BedSolveError {
    /// The LP solver failed.
    #[error("bed model: {0}")]
    Solver(String),
    /// Branch and bound found no integer answer within its node limit.
    #[error("bed model: no solution within the node limit")]
    NodeLimit,
}

/// Penalty per bed of slack, 万元: far above any real action.
const SLACK_PENALTY_WAN: f64 = 1.0e6;

/// Penalty per bed of slack of a binding target under a budget: a thousand times an expected
/// target's, so that money goes to binding targets first.
const BINDING_PENALTY_WAN: f64 = 1.0e9;

/// Spending limits of the bed plan, 万元.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BedBudget {
    /// Over all plan years.
    pub total_wan: Option<f64>,
    /// Per plan year (in the order of the years given), the spend of that year alone.
    pub year_wan: Vec<Option<f64>>,
}

impl BedBudget {
    fn is_set(&self) -> bool {
        self.total_wan.is_some() || self.year_wan.iter().any(Option::is_some)
    }

    /// Whether the cumulative costs per year (in year order) stay within the limits.
    fn holds(&self, cumulative: &[f64]) -> bool {
        let tol = 1e-6;
        if let (Some(t), Some(last)) = (self.total_wan, cumulative.last())
            && *last > t + tol
        {
            return false;
        }
        cumulative.iter().enumerate().all(|(t, c)| {
            let before = if t == 0 { 0.0 } else { cumulative[t - 1] };
            self.year_wan
                .get(t)
                .copied()
                .flatten()
                .is_none_or(|limit| c - before <= limit + tol)
        })
    }
}

/// Largest margin of a strict share row, in beds.
const STRICT_MARGIN: f64 = 1e-4;

/// The margin of a strict share row `N − q·B > 0` (whole beds `N`, `B`): with `q` written
/// with `d` decimals (its shortest decimal form), `N − q·B` is a multiple of `10^−d`, so
/// `N − q·B >= 10^−d` says the same; the margin is that, at most [`STRICT_MARGIN`] and at
/// least `10^−9` (a longer `q` may then let an equality through, which the exact verdict
/// still reads 否). A margin of 10^−4 had asked 1/3 > 0.33333 for one more nursing bed.
fn strict_margin(q: f64) -> f64 {
    let text = format!("{q}");
    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len()).min(9);
    STRICT_MARGIN.min(10f64.powi(-(decimals as i32)))
}

type GroupVars = [Option<Variable>; GROUPS];

struct Vars {
    x: Vec<GroupVars>,
    yp: Vec<GroupVars>,
    yq: Vec<GroupVars>,
    w: Vec<GroupVars>,
    n: Vec<Vec<Variable>>,
    z: Vec<Vec<Variable>>,
    slack: Vec<[Option<Variable>; 5]>,
    /// The price of each slack, 万元 per unit.
    slack_price: Vec<[f64; 5]>,
}

fn int_bound(v: u64) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// The problem's data.
struct Model<'a> {
    stock: &'a Stock,
    classes: &'a [SiteClass],
    years: &'a [YearNeed],
    costs: &'a UnitCosts,
    defs: &'a BedDefinitions,
    /// Spending limits; `None` solves without them.
    budget: Option<&'a BedBudget>,
    /// Require the public expansion room of institutions to be used up by the final year
    /// (one case of the split in [`solve_once`]).
    exhaust_room: bool,
}

/// Builds the model; `final_cost` set means the second solve (cost capped, lateness
/// minimised).
fn build(m: &Model<'_>, final_cost: Option<f64>) -> (Problem, Vars) {
    let Model {
        stock,
        classes,
        years,
        costs,
        defs,
        budget,
        exhaust_room,
    } = *m;
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
        w: Vec::new(),
        n: vec![Vec::new(); classes.len()],
        z: vec![Vec::new(); classes.len()],
        slack: Vec::new(),
        slack_price: Vec::new(),
    };
    let var = |p: &mut Problem, t: usize, unit: f64, hi: u64| -> Option<Variable> {
        (hi > 0).then(|| p.add_integer_var(weight(t, unit), (0, int_bound(hi))))
    };
    for t in 0..years.len() {
        let mut x = [None; GROUPS];
        let mut yp = [None; GROUPS];
        let mut yq = [None; GROUPS];
        let mut w = [None; GROUPS];
        for g in 0..GROUPS {
            let s = &stock.groups[g];
            x[g] = var(&mut p, t, costs.convert_wan, s.convertible());
            yp[g] = var(&mut p, t, costs.new_bed_wan, s.room_public);
            yq[g] = var(&mut p, t, costs.new_bed_wan, s.room_private);
            if let Some(c) = costs.designate_wan {
                w[g] = var(&mut p, t, c, s.private() + s.room_private);
            }
        }
        v.x.push(x);
        v.yp.push(yp);
        v.yq.push(yq);
        v.w.push(w);
        for (k, c) in classes.iter().enumerate() {
            v.n[k].push(
                p.add_integer_var(weight(t, c.fixed_wan), (0, int_bound(u64::from(c.count)))),
            );
            let cap = u64::from(c.capacity) * u64::from(c.count);
            v.z[k].push(p.add_integer_var(weight(t, costs.new_bed_wan), (0, int_bound(cap))));
        }
    }
    let inst = institution_group();
    for (t, need) in years.iter().enumerate() {
        let e = need.elderly;
        let tg = need.targets;
        let mut slack = [None; 5];
        let mut price = [0.0; 5];
        // Slack is priced in phase 1 and fixed to its phase-1 value in phase 2 through the
        // cost row, so the same penalty applies in both. Under a budget, expected targets'
        // slack is priced lower, so that binding targets get the money first.
        for (i, goal) in [
            tg.beds_per_1000,
            tg.nursing_per_1000,
            tg.nursing_share,
            tg.public_share,
            tg.new_beds,
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(goal) = goal {
                // Under a budget, binding targets weigh a thousand times more; expected
                // ones keep the usual penalty, far above any real price.
                price[i] = if budget.is_some() && goal.binding {
                    BINDING_PENALTY_WAN
                } else {
                    SLACK_PENALTY_WAN
                };
                slack[i] =
                    Some(p.add_integer_var(if cost_phase { price[i] } else { 0.0 }, (0, i32::MAX)));
            }
        }
        // Terms of the beds added in `set`, each times `coef`.
        let added = |set: TypeSet, coef: f64| -> Vec<(Variable, f64)> {
            let mut row = Vec::new();
            for g in (0..GROUPS).filter(|&g| set.contains_index(g)) {
                row.extend(v.yp[t][g].map(|y| (y, coef)));
                row.extend(v.yq[t][g].map(|y| (y, coef)));
            }
            if set.contains_index(inst) {
                row.extend((0..classes.len()).map(|k| (v.z[k][t], coef)));
            }
            row
        };
        let converted = |set: TypeSet| -> Vec<(Variable, f64)> {
            (0..GROUPS)
                .filter(|&g| set.contains_index(g))
                .filter_map(|g| v.x[t][g].map(|x| (x, 1.0)))
                .collect()
        };
        // B_S + s >= need:  A_S + s >= need - B0_S
        if let (Some(goal), Some(s)) = (tg.beds_per_1000, slack[0]) {
            let set = defs.beds_per_1000;
            let need = goal.least_count(goal.value * e / 1000.0) as f64;
            let mut row = added(set, 1.0);
            row.push((s, 1.0));
            p.add_constraint(
                row.as_slice(),
                ComparisonOp::Ge,
                need - stock.sum(set, |g| g.beds) as f64,
            );
        }
        if let (Some(goal), Some(s)) = (tg.nursing_per_1000, slack[1]) {
            let set = defs.nursing_per_1000;
            let need = goal.least_count(goal.value * e / 1000.0) as f64;
            let mut row = added(set, 1.0);
            row.extend(converted(set));
            row.push((s, 1.0));
            p.add_constraint(
                row.as_slice(),
                ComparisonOp::Ge,
                need - stock.sum(set, |g| g.nursing) as f64,
            );
        }
        // N_S - s B_S >= 0 (or δ):  Σ X + (1 - s) A_S + slack >= s B0_S - N0_S
        if let (Some(goal), Some(s)) = (tg.nursing_share, slack[2]) {
            let set = defs.nursing_share;
            let q = goal.value;
            let mut row = added(set, 1.0 - q);
            row.extend(converted(set));
            row.push((s, 1.0));
            let margin = if goal.strict { strict_margin(q) } else { 0.0 };
            p.add_constraint(
                row.as_slice(),
                ComparisonOp::Ge,
                q * stock.sum(set, |g| g.beds) as f64 - stock.sum(set, |g| g.nursing) as f64
                    + margin,
            );
        }
        // P_S - q B_S >= 0 (or δ): (1-q) Yp - q Yq + W + (1-q) Σz + slack >= q B0_S - P0_S
        if let (Some(goal), Some(s)) = (tg.public_share, slack[3]) {
            let set = defs.public_share;
            let q = goal.value;
            let mut row = Vec::new();
            for g in (0..GROUPS).filter(|&g| set.contains_index(g)) {
                row.extend(v.yp[t][g].map(|y| (y, 1.0 - q)));
                row.extend(v.yq[t][g].map(|y| (y, -q)));
                row.extend(v.w[t][g].map(|w| (w, 1.0)));
            }
            if set.contains_index(inst) {
                row.extend((0..classes.len()).map(|k| (v.z[k][t], 1.0 - q)));
            }
            row.push((s, 1.0));
            let margin = if goal.strict { strict_margin(q) } else { 0.0 };
            p.add_constraint(
                row.as_slice(),
                ComparisonOp::Ge,
                q * stock.sum(set, |g| g.beds) as f64 - stock.sum(set, |g| g.public) as f64
                    + margin,
            );
        }
        if let (Some(goal), Some(s)) = (tg.new_beds, slack[4]) {
            let mut row = added(defs.new_beds, 1.0);
            row.push((s, 1.0));
            p.add_constraint(
                row.as_slice(),
                ComparisonOp::Ge,
                goal.least_count(goal.value) as f64 - stock.sum(defs.new_beds, |g| g.added) as f64,
            );
        }
        for (k, class) in classes.iter().enumerate() {
            p.add_constraint(
                [(v.z[k][t], 1.0), (v.n[k][t], -f64::from(class.capacity))].as_slice(),
                ComparisonOp::Le,
                0.0,
            );
        }
        // Only private beds (existing, or added at private facilities) can be re-designated.
        for g in 0..GROUPS {
            if let Some(w) = v.w[t][g] {
                let mut row = vec![(w, 1.0)];
                row.extend(v.yq[t][g].map(|y| (y, -1.0)));
                p.add_constraint(
                    row.as_slice(),
                    ComparisonOp::Le,
                    stock.groups[g].private() as f64,
                );
            }
        }
        if t > 0 {
            let mut mono = Vec::new();
            for g in 0..GROUPS {
                for series in [&v.x, &v.yp, &v.yq, &v.w] {
                    if let (Some(now), Some(before)) = (series[t][g], series[t - 1][g]) {
                        mono.push((now, before));
                    }
                }
            }
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
        v.slack_price.push(price);
    }
    // The cost of the cumulative state at the end of year `t`.
    let cost_row = |t: usize| -> Vec<(Variable, f64)> {
        let mut row = Vec::new();
        for g in 0..GROUPS {
            row.extend(v.x[t][g].map(|x| (x, costs.convert_wan)));
            row.extend(v.yp[t][g].map(|y| (y, costs.new_bed_wan)));
            row.extend(v.yq[t][g].map(|y| (y, costs.new_bed_wan)));
            if let (Some(w), Some(c)) = (v.w[t][g], costs.designate_wan) {
                row.push((w, c));
            }
        }
        for (k, c) in classes.iter().enumerate() {
            row.push((v.n[k][t], c.fixed_wan));
            row.push((v.z[k][t], costs.new_bed_wan));
        }
        row
    };
    if exhaust_room {
        let inst = institution_group();
        if let Some(y) = v.yp[t_last][inst] {
            p.add_constraint(
                [(y, 1.0)].as_slice(),
                ComparisonOp::Ge,
                stock.groups[inst].room_public as f64,
            );
        }
    }
    if let Some(b) = budget {
        if let Some(total) = b.total_wan {
            p.add_constraint(cost_row(t_last).as_slice(), ComparisonOp::Le, total);
        }
        for t in 0..years.len() {
            if let Some(limit) = b.year_wan.get(t).copied().flatten() {
                let mut row = cost_row(t);
                if t > 0 {
                    row.extend(cost_row(t - 1).into_iter().map(|(x, c)| (x, -c)));
                }
                p.add_constraint(row.as_slice(), ComparisonOp::Le, limit);
            }
        }
    }
    if let Some(cap) = final_cost {
        let mut row = cost_row(t_last);
        for (slack, price) in v.slack.iter().zip(&v.slack_price) {
            for (s, c) in slack.iter().zip(price) {
                if let Some(s) = s {
                    row.push((*s, *c));
                }
            }
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
    let groups = |vars: &GroupVars| -> [u64; GROUPS] {
        let mut out = [0; GROUPS];
        for g in 0..GROUPS {
            out[g] = vars[g].map_or(0, val);
        }
        out
    };
    let cum = (0..years)
        .map(|t| Cumulative {
            convert: groups(&v.x[t]),
            expand_public: groups(&v.yp[t]),
            expand_private: groups(&v.yq[t]),
            designate: groups(&v.w[t]),
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
                new_beds: get(s[4]),
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
    let convert: u64 = c.convert.iter().sum();
    let expand: u64 = c.expand_public.iter().chain(&c.expand_private).sum();
    let designate: u64 = c.designate.iter().sum();
    convert as f64 * costs.convert_wan
        + (expand + new_beds) as f64 * costs.new_bed_wan
        + designate as f64 * costs.designate_wan.unwrap_or(0.0)
        + fixed
}

/// The greatest common divisor of the prices when all are whole numbers of 万元 (below
/// 2^40), `None` otherwise.
fn cost_step(classes: &[SiteClass], costs: &UnitCosts) -> Option<f64> {
    fn gcd(a: u64, b: u64) -> u64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    let prices = [costs.convert_wan, costs.new_bed_wan]
        .into_iter()
        .chain(costs.designate_wan)
        .chain(classes.iter().map(|c| c.fixed_wan));
    let mut g = 0u64;
    for p in prices {
        if p.fract() != 0.0 || !(0.0..1.0e12).contains(&p) {
            return None;
        }
        g = gcd(g, p as u64);
    }
    (g > 0).then_some(g as f64)
}

/// The cost at the end of each year of cumulative states, 万元.
pub fn cumulative_costs(
    years: &[Cumulative],
    classes: &[SiteClass],
    costs: &UnitCosts,
) -> Vec<f64> {
    years.iter().map(|c| cost_of(c, classes, costs)).collect()
}

/// Phase 1 of one case: the least penalised cost, its proven bound, and the state.
struct Phase1 {
    total: f64,
    lower: f64,
    penalty_wan: f64,
    cum: Vec<Cumulative>,
    slack: Vec<Slack>,
}

/// `Ok(None)` when the case is proven to hold no solution.
fn phase1(
    model: &Model<'_>,
    options: &microlp::SolveOptions,
) -> Result<Option<Phase1>, BedSolveError> {
    let (p, v) = build(model, None);
    let outcome = match p.solve_with(options.clone()) {
        Ok(o) => o,
        Err(microlp::Error::Infeasible) => return Ok(None),
        Err(e) => return Err(BedSolveError::Solver(e.to_string())),
    };
    let sol = outcome.solution().ok_or(BedSolveError::NodeLimit)?;
    let (cum, slack) = read(sol, &v, model.classes, model.years.len());
    let penalty_wan: f64 = v
        .slack
        .iter()
        .zip(&v.slack_price)
        .flat_map(|(s, c)| s.iter().zip(c))
        .filter_map(|(s, c)| s.map(|s| sol.var_value(s).round().max(0.0) * c))
        .sum();
    let total = sol.objective();
    let lower = outcome.stats().best_bound.unwrap_or(total).min(total);
    Ok(Some(Phase1 {
        total,
        lower,
        penalty_wan,
        cum,
        slack,
    }))
}

/// One solve of `model`: the cost-optimal state per year, then the same cost with actions as
/// late as the targets allow.
///
/// New institutions make branch and bound slow (a fixed charge per site), so the search is
/// split in two cases that together hold an optimum. A bed of a new institution and a bed of
/// public expansion at an existing institution count alike in every target row (both are
/// public nursing beds of the 养老机构 group) and cost alike but for the fixed charge; so any
/// plan that opens sites while public expansion room is left can move those beds into the
/// room, year by year, at no more cost. Some optimum therefore either opens no site, or uses
/// up the public room. Each case is solved exactly; the answer is the cheaper, and the bound
/// the smaller of the two bounds.
fn solve_once(model: &Model<'_>, node_limit: u64) -> Result<BedSchedule, BedSolveError> {
    let (classes, costs, years) = (model.classes, model.costs, model.years);
    let mut options = microlp::SolveOptions::default();
    options.node_limit = Some(node_limit);
    let split = !classes.is_empty() && model.stock.groups[institution_group()].room_public > 0;
    let cases: Vec<Model<'_>> = if split {
        vec![
            Model {
                classes: &[],
                ..*model
            },
            Model {
                exhaust_room: true,
                ..*model
            },
        ]
    } else {
        vec![Model { ..*model }]
    };
    let mut best: Option<(Phase1, usize)> = None;
    let mut lower = f64::INFINITY;
    for (i, case) in cases.iter().enumerate() {
        // A case proven empty adds no solution and bounds nothing.
        let Some(r) = phase1(case, &options)? else {
            continue;
        };
        lower = lower.min(r.lower);
        if best.as_ref().is_none_or(|(b, _)| r.total < b.total - 1e-9) {
            best = Some((r, i));
        }
    }
    let (first, chosen) = best.ok_or_else(|| {
        BedSolveError::Solver("every case of the bed model is infeasible".to_owned())
    })?;
    let case = &cases[chosen];
    let total = first.total;
    // Phase 2: same cost (and slack), actions as late as possible.
    // The cap carries an absolute tolerance: a relative one would let a total holding penalties
    // (10^6 per bed short) buy about 1 万元 of needless actions per bed short.
    let (p2, v2) = build(case, Some(total + 1e-6 + 1e-12 * total.abs()));
    let (mut cum, slack) = match p2.solve_with(options) {
        Ok(o) => match o.solution() {
            Some(s2) => read(s2, &v2, case.classes, years.len()),
            None => (first.cum, first.slack),
        },
        Err(_) => (first.cum, first.slack),
    };
    // The case without new sites reads no class: every class opens none.
    for c in &mut cum {
        c.new_sites.resize(classes.len(), (0, 0));
    }
    let cost = cost_of(cum.last().expect("at least one year"), classes, costs);
    let mut lower = (lower - first.penalty_wan).max(0.0);
    // With whole-number prices every plan costs a multiple of their greatest common divisor,
    // so the bound rounds up to the next multiple (2, 8 and 500 万元: every cost is even).
    if let Some(g) = cost_step(classes, costs) {
        lower = g * (lower / g - 1e-9).ceil();
    }
    let mut certificate = Certificate::new(cost, lower.min(cost));
    if slack.iter().any(|s| !s.is_zero()) {
        certificate.status = Status::Infeasible;
    }
    Ok(BedSchedule {
        years: cum,
        slack,
        certificate,
        unconstrained_wan: cost,
        budget_binds: false,
    })
}

/// Finds the least-cost schedule; `node_limit` bounds the branch and bound of each solve.
///
/// Without a budget, or when the least-cost schedule fits it, that schedule is the answer.
/// Otherwise the schedule is solved again under the budget's rows (the plan's total and each
/// year's spend): binding targets are priced far above expected ones, so the money goes to
/// binding targets first, then to expected ones, and what stays unmet is reported as slack.
///
/// # Errors
/// [`BedSolveError`] when the LP solver fails or finds no integer answer in time.
pub fn schedule(
    stock: &Stock,
    classes: &[SiteClass],
    years: &[YearNeed],
    costs: &UnitCosts,
    defs: &BedDefinitions,
    budget: &BedBudget,
    node_limit: u64,
) -> Result<BedSchedule, BedSolveError> {
    if years.is_empty() {
        return Ok(BedSchedule {
            years: Vec::new(),
            slack: Vec::new(),
            certificate: Certificate::new(0.0, 0.0),
            unconstrained_wan: 0.0,
            budget_binds: false,
        });
    }
    let mut model = Model {
        stock,
        classes,
        years,
        costs,
        defs,
        budget: None,
        exhaust_room: false,
    };
    let free = solve_once(&model, node_limit)?;
    if !budget.is_set() || budget.holds(&cumulative_costs(&free.years, classes, costs)) {
        return Ok(free);
    }
    model.budget = Some(budget);
    let mut capped = solve_once(&model, node_limit)?;
    capped.unconstrained_wan = free.certificate.objective;
    capped.budget_binds = true;
    Ok(capped)
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
        designate_wan: None,
    };

    fn defs() -> BedDefinitions {
        BedDefinitions::default()
    }

    /// The schedule without a budget.
    fn free(
        stock: &Stock,
        classes: &[SiteClass],
        years: &[YearNeed],
        costs: &UnitCosts,
        defs: &BedDefinitions,
        node_limit: u64,
    ) -> BedSchedule {
        schedule(
            stock,
            classes,
            years,
            costs,
            defs,
            &BedBudget::default(),
            node_limit,
        )
        .expect("solves")
    }

    fn at_least(v: f64) -> Option<Goal> {
        Some(Goal::at_least(v))
    }

    #[test]
    fn conversion_meets_a_share_target_at_the_lowest_cost() {
        // 100 beds, 20 nursing; 55 % needs 55 nursing: 35 conversions at 2 = 70.
        let stock = Stock::institutions(GroupStock {
            beds: 100,
            nursing: 20,
            public: 100,
            room_public: 50,
            room_private: 0,
            locked: 0,
            added: 0,
        });
        let years = [need(
            2025,
            1000.0,
            BedTargets {
                nursing_share: at_least(0.55),
                ..Default::default()
            },
        )];
        let s = free(&stock, &[], &years, &COSTS, &defs(), 1000);
        assert_eq!(s.years[0].convert[institution_group()], 35);
        assert_eq!(s.certificate.objective, 70.0);
        assert_eq!(s.certificate.status, Status::Optimal);
    }

    #[test]
    fn beds_per_1000_opens_one_institution_and_phases_just_in_time() {
        // 2,000 elderly need 40 per 1000 = 80 beds in 2023 and 45 per 1000 = 90 by 2025.
        // 60 beds and room for 10 more cannot reach 90, so one new institution (30 beds) opens:
        // 30 new beds × 8 + 500 = 740, however they split between expansion and the new site.
        let stock = Stock::institutions(GroupStock {
            beds: 60,
            nursing: 60,
            public: 60,
            room_public: 10,
            room_private: 0,
            locked: 0,
            added: 0,
        });
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
                    beds_per_1000: at_least(40.0),
                    ..Default::default()
                },
            ),
            need(
                2025,
                2000.0,
                BedTargets {
                    beds_per_1000: at_least(45.0),
                    ..Default::default()
                },
            ),
        ];
        let s = free(&stock, &classes, &years, &COSTS, &defs(), 1000);
        assert_eq!(s.certificate.objective, 740.0);
        assert_eq!(s.certificate.status, Status::Optimal);
        let last = &s.years[1];
        assert_eq!(
            last.expand_public[institution_group()] + last.new_sites[0].1,
            30
        );
        assert_eq!(last.new_sites[0].0, 1);
        // Just in time: only what 2023 needs is built by 2023.
        let first = &s.years[0];
        assert_eq!(
            first.expand_public[institution_group()] + first.new_sites[0].1,
            20
        );
    }

    #[test]
    fn unreachable_target_reports_the_shortfall() {
        let stock = Stock::institutions(GroupStock {
            beds: 10,
            nursing: 0,
            public: 10,
            room_public: 0,
            room_private: 0,
            locked: 0,
            added: 0,
        });
        let years = [need(
            2025,
            1000.0,
            BedTargets {
                beds_per_1000: at_least(30.0),
                ..Default::default()
            },
        )];
        let s = free(&stock, &[], &years, &COSTS, &defs(), 1000);
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
            let g = GroupStock {
                beds,
                nursing,
                public,
                room_public: r.below(8) as u64,
                room_private: r.below(8) as u64,
                locked: 0,
                added: 0,
            };
            let stock = Stock::institutions(g);
            let class = SiteClass {
                capacity: 5 + r.below(10) as u32,
                fixed_wan: 20.0 + r.below(40) as f64,
                count: 2,
            };
            let targets = BedTargets {
                nursing_share: Some(Goal {
                    value: 0.3 + r.below(40) as f64 / 100.0,
                    strict: r.below(2) == 0,
                    binding: true,
                }),
                beds_per_1000: at_least(30.0 + r.below(30) as f64),
                nursing_per_1000: None,
                public_share: at_least(r.below(60) as f64 / 100.0),
                new_beds: None,
            };
            let elderly = 1000.0;
            let years = [need(2025, elderly, targets)];
            let s = free(&stock, &[class], &years, &COSTS, &defs(), 10_000);
            let mut best = f64::INFINITY;
            for x in 0..=g.convertible() {
                for yp in 0..=g.room_public {
                    for yq in 0..=g.room_private {
                        for n in 0..=class.count {
                            for z in 0..=(n * class.capacity) as u64 {
                                let b = beds + yp + yq + z;
                                let nn = nursing + x + yp + yq + z;
                                let pb = public + yp + z;
                                // Whole beds against exact thresholds, written out
                                // independently of `Goal`.
                                let share = targets.nursing_share.expect("set above");
                                let need_n = share.value * b as f64;
                                let ok = b as f64
                                    >= (targets.beds_per_1000.expect("set").value * elderly
                                        / 1000.0
                                        - 1e-9)
                                        .ceil()
                                    && if share.strict {
                                        nn as f64 > need_n + 1e-9
                                    } else {
                                        nn as f64 >= need_n - 1e-9
                                    }
                                    && pb as f64
                                        >= targets.public_share.expect("set").value * b as f64
                                            - 1e-9;
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

    #[test]
    fn nursing_share_counts_only_the_types_of_its_definition() {
        // Institutions 100 beds / 50 nursing; comprehensive centres 100 beds / 0 nursing with
        // cheap conversions. Over institutions, 60 % needs 10 conversions there (20 万元);
        // the centres' beds can neither help nor hurt.
        let mut stock = Stock::institutions(GroupStock {
            beds: 100,
            nursing: 50,
            public: 100,
            ..Default::default()
        });
        stock.groups[TypeSet::index(FacilityType::Comprehensive)] = GroupStock {
            beds: 100,
            nursing: 0,
            public: 100,
            ..Default::default()
        };
        let years = [need(
            2025,
            1000.0,
            BedTargets {
                nursing_share: at_least(0.6),
                ..Default::default()
            },
        )];
        let s = free(&stock, &[], &years, &COSTS, &defs(), 1000);
        assert_eq!(s.years[0].convert[institution_group()], 10);
        assert_eq!(
            s.years[0].convert[TypeSet::index(FacilityType::Comprehensive)],
            0
        );
        assert_eq!(s.certificate.objective, 20.0);
        // Over every type the same 60 % needs 120 - 50 = 70 conversions.
        let all = BedDefinitions {
            nursing_share: TypeSet::ALL,
            ..defs()
        };
        let s = free(&stock, &[], &years, &COSTS, &all, 1000);
        assert_eq!(s.certificate.objective, 140.0);
    }

    #[test]
    fn strict_share_needs_one_more_bed() {
        // 1,000 beds, 600 nursing: "≥ 60 %" holds as is, "超过 60 %" needs one conversion.
        let stock = Stock::institutions(GroupStock {
            beds: 1000,
            nursing: 600,
            public: 1000,
            ..Default::default()
        });
        let target = |goal| {
            [need(
                2025,
                1000.0,
                BedTargets {
                    nursing_share: Some(goal),
                    ..Default::default()
                },
            )]
        };
        let s = free(
            &stock,
            &[],
            &target(Goal::at_least(0.6)),
            &COSTS,
            &defs(),
            100,
        );
        assert_eq!(s.certificate.objective, 0.0);
        let s = free(&stock, &[], &target(Goal::above(0.6)), &COSTS, &defs(), 100);
        assert_eq!(s.years[0].convert[institution_group()], 1);
        assert_eq!(s.certificate.objective, 2.0);
    }

    #[test]
    fn new_beds_target_adds_beds_even_when_the_ratios_hold() {
        let stock = Stock::institutions(GroupStock {
            beds: 100,
            nursing: 100,
            public: 100,
            room_public: 30,
            ..Default::default()
        });
        let years = [need(
            2025,
            1000.0,
            BedTargets {
                new_beds: at_least(25.0),
                ..Default::default()
            },
        )];
        let s = free(&stock, &[], &years, &COSTS, &defs(), 100);
        assert_eq!(s.years[0].added(TypeSet::ALL), 25);
        assert_eq!(s.certificate.objective, 200.0);
        assert_eq!(s.certificate.status, Status::Optimal);
    }

    #[test]
    fn public_share_is_closed_by_re_designation_and_short_in_that_unit() {
        // 1,000 beds, 650 public: 90 % needs 250 private beds re-designated.
        let stock = Stock::institutions(GroupStock {
            beds: 1000,
            nursing: 1000,
            public: 650,
            room_public: 5000,
            ..Default::default()
        });
        let years = [need(
            2025,
            1000.0,
            BedTargets {
                public_share: at_least(0.9),
                ..Default::default()
            },
        )];
        let priced = UnitCosts {
            designate_wan: Some(1.5),
            ..COSTS
        };
        let s = free(&stock, &[], &years, &priced, &defs(), 1000);
        assert_eq!(s.years[0].designate[institution_group()], 250);
        assert_eq!(s.certificate.objective, 375.0);
        assert_eq!(s.certificate.status, Status::Optimal);
        // Without the action, only new public beds raise the share: 0.1 per bed added, so the
        // 2,500 beds the public room allows close it exactly.
        let s = free(&stock, &[], &years, &COSTS, &defs(), 1000);
        let left = s.slack[0].public_share;
        let added = s.years[0].added(TypeSet::ALL);
        assert_eq!((added, left), (2500, 0));
        assert_eq!(s.certificate.objective, 20_000.0);
    }

    #[test]
    fn a_year_budget_caps_that_year_and_the_shortfall_is_reported() {
        // 100 beds, 20 nursing. 2023 needs 30 % (10 conversions, 20 万元) but may spend only
        // 10 万元: 5 conversions, 5 nursing beds short. 2025 needs 55 %: 35 conversions in
        // all, within the total of 100 万元; the cheapest plan without limits costs 70 万元.
        let stock = Stock::institutions(GroupStock {
            beds: 100,
            nursing: 20,
            public: 100,
            ..Default::default()
        });
        let years = [
            need(
                2023,
                1000.0,
                BedTargets {
                    nursing_share: at_least(0.3),
                    ..Default::default()
                },
            ),
            need(
                2025,
                1000.0,
                BedTargets {
                    nursing_share: at_least(0.55),
                    ..Default::default()
                },
            ),
        ];
        let budget = BedBudget {
            total_wan: Some(100.0),
            year_wan: vec![Some(10.0), None],
        };
        let s = schedule(&stock, &[], &years, &COSTS, &defs(), &budget, 1000).expect("solves");
        assert!(s.budget_binds);
        assert_eq!(s.unconstrained_wan, 70.0);
        assert_eq!(s.years[0].convert[institution_group()], 5);
        assert_eq!(s.slack[0].nursing_share, 5);
        assert_eq!(s.years[1].convert[institution_group()], 35);
        assert!(s.slack[1].is_zero());
        assert!(budget.holds(&cumulative_costs(&s.years, &[], &COSTS)));
    }
}
