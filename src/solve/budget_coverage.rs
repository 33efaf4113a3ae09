//! Coverage with money instead of a count of sites: candidates with their own prices.
//!
//! # Models
//! On a [`CoverageProblem`] (people per point, points covered before, the points each
//! candidate reaches) with a price `c_j` (万元) per candidate:
//! - **budgeted maximal covering** ([`max_covered`]): maximise the people covered by the base
//!   or an open candidate subject to `sum c_j x_j <= budget` (a knapsack constraint in place
//!   of MCLP's count; Khuller, Moss & Naor 1999, "The budgeted maximum coverage problem");
//! - **least-cost covering** ([`min_cost`]): the cheapest set covering at least `target`
//!   people (the money a missed coverage target would need).
//!
//! # Method
//! Depth-first branch and bound over the candidates ordered by people per 万元 (include
//! first). Bounds: coverage is submodular, so each candidate's marginal gain over the open set
//! bounds what it adds to any superset; a fractional knapsack on those gains bounds the people
//! the money left can buy (maximising) and the money the people still missing need
//! (minimising). The incumbent starts from the greedy by gain per 万元 (and, maximising, the
//! best single candidate). When the node limit stops the search, the bound is the best over
//! the nodes left unexplored, so the certificate stays valid (status `feasible`).
//!
//! # Effort
//! Exponential in the worst case; the fractional bound prunes well when prices differ little
//! and sets overlap little. Where every price is the same the count-based solvers
//! ([`crate::solve::coverage`]) are the better tool: the budget is then a number of sites.

use super::Certificate;
use super::coverage::CoverageProblem;

const TOL: f64 = Certificate::TOLERANCE;

/// An answer of either model.
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetCoverageSolution {
    /// Candidates opened, ascending.
    pub sites: Vec<u32>,
    /// People covered (base included).
    pub covered: f64,
    /// What the open candidates cost, 万元.
    pub cost_wan: f64,
    /// Maximising: objective people, upper bound. Minimising: objective 万元, lower bound.
    pub certificate: Certificate,
    /// Nodes searched.
    pub nodes: u64,
}

/// The most people covered for at most `budget_wan`, with `price[j]` the price of candidate
/// `j` (a candidate priced above the budget, or not finite, never opens).
///
/// # Panics
/// When `price` does not hold one price per candidate.
pub fn max_covered(
    problem: &CoverageProblem,
    price: &[f64],
    budget_wan: f64,
    node_limit: u64,
) -> BudgetCoverageSolution {
    max_covered_within(problem, price, budget_wan, usize::MAX, node_limit)
}

/// [`max_covered`] with at most `max_sites` candidates open (a scenario's `max_new` next to
/// its money). The bound is the smaller of the fractional knapsack's and the base plus the
/// `max_sites` largest marginal gains, both relaxations of the two limits together.
///
/// # Panics
/// When `price` does not hold one price per candidate.
pub fn max_covered_within(
    problem: &CoverageProblem,
    price: &[f64],
    budget_wan: f64,
    max_sites: usize,
    node_limit: u64,
) -> BudgetCoverageSolution {
    let mut s = Search::new(problem, price, budget_wan, node_limit);
    s.max_sites = max_sites;
    s.maximise_greedy();
    s.max_dfs(0);
    s.complete_best();
    let (sites, covered, cost) = s.best.clone().expect("the empty set is always an answer");
    let bound = if s.stopped {
        s.open_bound.max(covered)
    } else {
        covered
    };
    BudgetCoverageSolution {
        sites,
        covered,
        cost_wan: cost,
        certificate: Certificate::new(covered, bound),
        nodes: s.nodes,
    }
}

/// The cheapest set covering at least `target` people; `Err` with the most people any set
/// covers (every usable candidate open) when none reaches it.
///
/// # Panics
/// When `price` does not hold one price per candidate.
pub fn min_cost(
    problem: &CoverageProblem,
    price: &[f64],
    target: f64,
    node_limit: u64,
) -> Result<BudgetCoverageSolution, f64> {
    min_cost_within(problem, price, target, usize::MAX, node_limit)
}

/// [`min_cost`] with at most `max_sites` candidates open; `Err` with the most people found
/// with that many (at any price) when no set of them is found reaching `target`.
///
/// # Panics
/// When `price` does not hold one price per candidate.
pub fn min_cost_within(
    problem: &CoverageProblem,
    price: &[f64],
    target: f64,
    max_sites: usize,
    node_limit: u64,
) -> Result<BudgetCoverageSolution, f64> {
    let mut s = Search::new(problem, price, f64::INFINITY, node_limit);
    s.max_sites = max_sites;
    let all: Vec<u32> = s.order.iter().map(|&j| j as u32).collect();
    let reachable = problem.covered_weight(&all);
    if reachable < target - TOL {
        return Err(reachable);
    }
    s.target = target;
    s.best_cost = f64::INFINITY;
    s.minimise_greedy();
    s.open_bound = f64::INFINITY;
    s.min_dfs(0);
    let Some((sites, covered, cost)) = s.best.clone() else {
        let free = vec![0.0; price.len()];
        let most = max_covered_within(problem, &free, 0.0, max_sites, node_limit);
        return Err(most.covered);
    };
    let bound = if s.stopped {
        s.open_bound.min(cost)
    } else {
        cost
    };
    Ok(BudgetCoverageSolution {
        sites,
        covered,
        cost_wan: cost,
        certificate: Certificate::new(cost, bound),
        nodes: s.nodes,
    })
}

/// Group rules on a least-cost covering ([`min_cost_with_rules`]): candidates grouped by
/// township, with a minimum of open candidates in some groups (每个街道 `per_street` centres)
/// and a minimum count of groups holding a centre (the township share).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupRules {
    /// The group of each candidate, if it counts for one.
    pub group: Vec<Option<u32>>,
    /// Per group: whether it holds a centre before the plan.
    pub has: Vec<bool>,
    /// Per group: open candidates it needs at least (0 for none).
    pub at_least: Vec<u32>,
    /// Groups that must hold a centre (existing or new), in all.
    pub need_groups: usize,
}

impl GroupRules {
    /// Panics unless `price` and the rules' groups hold one entry per candidate of `problem`.
    pub(crate) fn assert_fits(&self, problem: &CoverageProblem, price: &[f64]) {
        assert_eq!(price.len(), problem.sets.len(), "one price per candidate");
        assert_eq!(
            self.group.len(),
            problem.sets.len(),
            "one group per candidate"
        );
    }
}

/// An upper bound on the people that candidates costing at most `budget_wan` in all, and at
/// most `max_sites` of them, cover (base included), for any choice of them.
///
/// The Lagrangian relaxation of the coverage rows of budgeted maximal covering: for any
/// multipliers `0 <= λ_i <= w_i` on the points no base site covers,
/// `L(λ) = base + Σ_i (w_i − λ_i) + max Σ_j g_j x_j` with gains `g_j = Σ_{i ∈ N_j} λ_i`, over
/// `0 <= x <= 1` within the money (a fractional knapsack: gain per 万元 first) or within the
/// count (the `max_sites` largest gains), whichever is smaller; each bounds the LP relaxation
/// and so every answer. `λ` are the duals of maximal covering's LP relaxation (an
/// interior-point solve) at the number of sites the money buys at the cheapest prices
/// (where that LP fails, `λ = w`: the plain fractional knapsack on whole sets), then
/// [`KNAPSACK_STEPS`] subgradient steps on the knapsack side; the smallest `L(λ)` seen is
/// the bound (on 泰州's greenfield instance with prices of 10–50 万元 and 700 万元: 85.0 % of
/// the elderly, against 157.7 % from the knapsack on marginal gains alone).
///
/// # Panics
/// When `price` does not hold one price per candidate.
pub fn knapsack_bound(
    problem: &CoverageProblem,
    price: &[f64],
    budget_wan: f64,
    max_sites: usize,
) -> f64 {
    assert_eq!(price.len(), problem.sets.len(), "one price per candidate");
    let m = problem.weight.len();
    let base: f64 = (0..m)
        .filter(|&i| problem.covered[i])
        .map(|i| problem.weight[i])
        .sum();
    // The points left to cover, renumbered, and the usable candidates' sets over them.
    let mut local = vec![u32::MAX; m];
    let mut weight = Vec::new();
    for (i, slot) in local.iter_mut().enumerate() {
        if !problem.covered[i] {
            *slot = weight.len() as u32;
            weight.push(problem.weight[i]);
        }
    }
    let cands: Vec<usize> = (0..problem.sets.len())
        .filter(|&j| usable(price, j))
        .collect();
    let sets: Vec<Vec<u32>> = cands
        .iter()
        .map(|&j| {
            let mut set: Vec<u32> = problem.sets[j]
                .iter()
                .map(|&i| local[i as usize])
                .filter(|&i| i != u32::MAX)
                .collect();
            set.sort_unstable();
            set.dedup();
            set
        })
        .collect();
    let cost: Vec<f64> = cands.iter().map(|&j| price[j]).collect();
    let total: f64 = weight.iter().sum();
    if sets.is_empty() || total <= 0.0 {
        return base;
    }
    let affordable = affordable(cost.iter().copied(), budget_wan).min(max_sites);
    let mut lambda = (affordable > 0 && affordable < sets.len())
        .then(|| super::mclp::mclp_lp(&weight, &sets, affordable))
        .flatten()
        .map_or_else(|| weight.clone(), |(l, _)| l);
    // Gain per 万元, free candidates first: the fractional knapsack's order.
    let by_ratio = |gain: &[f64]| {
        let ratio = |t: usize| {
            if cost[t] <= 0.0 {
                f64::INFINITY
            } else {
                gain[t] / cost[t]
            }
        };
        let mut order: Vec<usize> = (0..sets.len()).collect();
        order.sort_by(|&a, &b| ratio(b).total_cmp(&ratio(a)).then(a.cmp(&b)));
        order
    };
    // `L(λ)` and the relaxation's `x` where it is smaller than by count (else `None`).
    let evaluate = |lambda: &[f64]| -> (f64, Option<Vec<f64>>) {
        let gain: Vec<f64> = sets
            .iter()
            .map(|s| s.iter().map(|&i| lambda[i as usize]).sum())
            .collect();
        let mut x = vec![0.0; sets.len()];
        let mut money = budget_wan.max(0.0);
        let mut by_money = 0.0;
        for t in by_ratio(&gain) {
            if cost[t] <= money {
                x[t] = 1.0;
                by_money += gain[t];
                money -= cost[t];
            } else {
                x[t] = money / cost[t];
                by_money += gain[t] * x[t];
                break;
            }
        }
        let mut largest = gain.clone();
        largest.sort_by(|a, b| b.total_cmp(a));
        let by_count: f64 = largest.iter().take(max_sites).sum();
        let rest: f64 = weight.iter().zip(lambda).map(|(w, l)| w - l).sum();
        if by_money <= by_count {
            (base + rest + by_money, Some(x))
        } else {
            (base + rest + by_count, None)
        }
    };
    // Subgradient steps on the knapsack side (Polyak steps towards the base), keeping the
    // smallest `L(λ)` seen: every one is a bound.
    let (mut best, mut x) = evaluate(&lambda);
    let mut step = 1.0;
    for _ in 0..KNAPSACK_STEPS {
        let Some(xs) = x else { break };
        let mut hit = vec![0.0; weight.len()];
        for (t, s) in sets.iter().enumerate() {
            if xs[t] > 0.0 {
                for &i in s {
                    hit[i as usize] += xs[t];
                }
            }
        }
        // ∂L/∂λ_i = Σ_{j ∋ i} x_j − 1.
        let norm: f64 = hit.iter().map(|h| (h - 1.0) * (h - 1.0)).sum();
        if norm <= 1e-12 {
            break;
        }
        let t = step * (best - base).max(0.0) * 0.05 / norm;
        for (i, l) in lambda.iter_mut().enumerate() {
            *l = (*l - t * (hit[i] - 1.0)).clamp(0.0, weight[i]);
        }
        let (value, next) = evaluate(&lambda);
        if value < best {
            best = value;
        } else {
            step *= 0.8;
        }
        x = next;
    }
    // A slack for round-off in the sums.
    best * (1.0 + 1e-12) + TOL
}

/// How many of these prices (万元; a negative one counts as 0) fit in `budget_wan` together,
/// cheapest first: the most sites any plan within that money opens.
pub fn affordable(prices: impl IntoIterator<Item = f64>, budget_wan: f64) -> usize {
    let mut sorted: Vec<f64> = prices.into_iter().collect();
    sorted.sort_by(f64::total_cmp);
    let mut left = budget_wan + TOL;
    sorted
        .iter()
        .take_while(|&&p| {
            left -= p.max(0.0);
            left >= 0.0
        })
        .count()
}

/// Subgradient steps of [`knapsack_bound`].
const KNAPSACK_STEPS: usize = 60;

/// Whether candidate `j` may open at its price: finite and not negative.
pub(crate) fn usable(price: &[f64], j: usize) -> bool {
    price[j].is_finite() && price[j] >= 0.0
}

/// The cheapest set covering at least `target` people that also meets the group `rules`,
/// solved as one mixed-integer program by LP-based branch and bound (`microlp`) within
/// `node_limit` nodes:
///
/// ```text
/// min Σ c_j x_j   s.t.  y_i <= Σ_{j ∋ i} x_j,  Σ w_i y_i >= target − base,
///                       z_g <= Σ_{j ∈ g} x_j,  Σ_{g without a centre} z_g >= need − have,
///                       Σ_{j ∈ g} x_j >= at_least_g,   x ∈ {0,1},  y, z ∈ [0,1]
/// ```
///
/// (the covering rows of the set-covering location problem, Toregas et al. 1971, with the
/// group rows of the plans' street and township rules). `y` and `z` need no integrality:
/// with `x` whole, each takes 1 where its row allows. The certificate's bound is the
/// solver's best bound over the open nodes (status `optimal` when the search finished).
/// `None` when no set meets the target and the rules, or the solver stopped without any
/// answer.
///
/// # Panics
/// When `price` or `rules.group` do not hold one entry per candidate.
pub fn min_cost_with_rules(
    problem: &CoverageProblem,
    price: &[f64],
    target: f64,
    rules: &GroupRules,
    node_limit: u64,
) -> Option<BudgetCoverageSolution> {
    use microlp::{ComparisonOp, OptimizationDirection, Problem};
    rules.assert_fits(problem, price);
    let usable = |j: usize| usable(price, j);
    let mut lp = Problem::new(OptimizationDirection::Minimize);
    let x: Vec<Option<microlp::Variable>> = (0..price.len())
        .map(|j| {
            let useful = !problem.sets[j].is_empty() || rules.group[j].is_some();
            (usable(j) && useful).then(|| lp.add_binary_var(price[j]))
        })
        .collect();
    let base = problem.covered_weight(&[]);
    let need_people = target - base;
    if need_people > TOL {
        let mut by_point: Vec<Vec<usize>> = vec![Vec::new(); problem.weight.len()];
        for (j, set) in problem.sets.iter().enumerate() {
            if x[j].is_some() {
                for &i in set {
                    by_point[i as usize].push(j);
                }
            }
        }
        let mut sum = microlp::LinearExpr::empty();
        for (i, js) in by_point.iter().enumerate() {
            let w = problem.weight[i];
            if problem.covered[i] || js.is_empty() || w <= 0.0 {
                continue;
            }
            let y = lp.add_var(0.0, (0.0, 1.0));
            let mut row = microlp::LinearExpr::empty();
            row.add(y, 1.0);
            for &j in js {
                row.add(x[j].expect("listed only when usable"), -1.0);
            }
            lp.add_constraint(row, ComparisonOp::Le, 0.0);
            sum.add(y, w);
        }
        lp.add_constraint(sum, ComparisonOp::Ge, need_people);
    }
    let groups = rules.has.len();
    let mut members: Vec<Vec<microlp::Variable>> = vec![Vec::new(); groups];
    for (j, g) in rules.group.iter().enumerate() {
        if let (Some(g), Some(v)) = (g, x[j]) {
            members.get_mut(*g as usize)?.push(v);
        }
    }
    for (g, need) in rules.at_least.iter().enumerate() {
        if *need > 0 {
            let mut row = microlp::LinearExpr::empty();
            for &v in members.get(g)? {
                row.add(v, 1.0);
            }
            lp.add_constraint(row, ComparisonOp::Ge, f64::from(*need));
        }
    }
    let have = rules.has.iter().filter(|h| **h).count();
    if rules.need_groups > have {
        let mut sum = microlp::LinearExpr::empty();
        for g in (0..groups).filter(|&g| !rules.has[g] && !members[g].is_empty()) {
            let z = lp.add_var(0.0, (0.0, 1.0));
            let mut row = microlp::LinearExpr::empty();
            row.add(z, 1.0);
            for &v in &members[g] {
                row.add(v, -1.0);
            }
            lp.add_constraint(row, ComparisonOp::Le, 0.0);
            sum.add(z, 1.0);
        }
        lp.add_constraint(sum, ComparisonOp::Ge, (rules.need_groups - have) as f64);
    }
    let mut options = microlp::SolveOptions::default();
    options.node_limit = Some(node_limit);
    let outcome = lp.solve_with(options).ok()?;
    let sol = outcome.solution()?;
    let sites: Vec<u32> = x
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_some_and(|v| sol.var_value(v) > 0.5))
        .map(|(j, _)| j as u32)
        .collect();
    let cost = sites.iter().fold(0.0, |a, &j| a + price[j as usize]);
    let covered = problem.covered_weight(&sites);
    let stats = outcome.stats();
    let mut bound = if outcome.is_optimal() {
        cost
    } else {
        stats.best_bound.unwrap_or(0.0).min(cost)
    };
    // Whole prices (a count of sites) make every objective whole: the bound rounds up.
    if price.iter().all(|c| !c.is_finite() || c.fract() == 0.0) {
        bound = (bound - TOL).ceil().min(cost);
    }
    Some(BudgetCoverageSolution {
        sites,
        covered,
        cost_wan: cost,
        certificate: Certificate::new(cost, bound),
        nodes: stats.nodes_solved,
    })
}

struct Search<'a> {
    p: &'a CoverageProblem,
    price: &'a [f64],
    budget: f64,
    /// Usable candidates, best people per 万元 first.
    order: Vec<usize>,
    count: Vec<u32>,
    covered: f64,
    spent: f64,
    open: Vec<usize>,
    target: f64,
    best: Option<(Vec<u32>, f64, f64)>,
    best_cost: f64,
    /// Maximising: the highest bound of a node left unexplored; minimising: the lowest.
    open_bound: f64,
    nodes: u64,
    limit: u64,
    stopped: bool,
    /// Most candidates open.
    max_sites: usize,
}

impl<'a> Search<'a> {
    fn new(p: &'a CoverageProblem, price: &'a [f64], budget: f64, limit: u64) -> Self {
        assert_eq!(price.len(), p.sets.len(), "one price per candidate");
        let count: Vec<u32> = p.covered.iter().map(|&c| u32::from(c)).collect();
        let covered = p.covered_weight(&[]);
        let gain = |j: usize| -> f64 {
            p.sets[j]
                .iter()
                .filter(|&&q| !p.covered[q as usize])
                .fold(0.0, |a, &q| a + p.weight[q as usize])
        };
        let mut order: Vec<usize> = (0..p.sets.len())
            .filter(|&j| price[j].is_finite() && price[j] >= 0.0 && price[j] <= budget + TOL)
            .filter(|&j| gain(j) > 0.0)
            .collect();
        let key = |j: usize| {
            if price[j] > 0.0 {
                gain(j) / price[j]
            } else {
                f64::INFINITY
            }
        };
        order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
        Self {
            p,
            price,
            budget,
            order,
            count,
            covered,
            spent: 0.0,
            open: Vec::new(),
            target: 0.0,
            best: None,
            best_cost: f64::INFINITY,
            open_bound: f64::NEG_INFINITY,
            nodes: 0,
            limit,
            stopped: false,
            max_sites: usize::MAX,
        }
    }

    /// The sum of the `k` largest marginal gains from position `pos` on.
    fn top_gains(&self, pos: usize, k: usize) -> f64 {
        let mut gains: Vec<f64> = self.order[pos..].iter().map(|&j| self.gain(j)).collect();
        if k < gains.len() {
            gains.select_nth_unstable_by(k, |a, b| b.total_cmp(a));
            gains.truncate(k);
        }
        gains.iter().fold(0.0, |a, b| a + b)
    }

    fn gain(&self, j: usize) -> f64 {
        self.p.sets[j]
            .iter()
            .filter(|&&q| self.count[q as usize] == 0)
            .fold(0.0, |a, &q| a + self.p.weight[q as usize])
    }

    /// The greedy's next candidate: not in `taken`, `allowed`, adding people, with the most
    /// people per 万元 (ties to the lower index).
    fn best_per_wan(&self, taken: &[usize], allowed: impl Fn(usize) -> bool) -> Option<usize> {
        self.order
            .iter()
            .copied()
            .filter(|&j| !taken.contains(&j) && allowed(j))
            .map(|j| (j, self.gain(j)))
            .filter(|(_, g)| *g > 0.0)
            .max_by(|a, b| {
                (a.1 * self.price[b.0])
                    .total_cmp(&(b.1 * self.price[a.0]))
                    .then(b.0.cmp(&a.0))
            })
            .map(|(j, _)| j)
    }

    fn add(&mut self, j: usize) {
        for &q in &self.p.sets[j] {
            let c = &mut self.count[q as usize];
            if *c == 0 {
                self.covered += self.p.weight[q as usize];
            }
            *c += 1;
        }
        self.spent += self.price[j];
        self.open.push(j);
    }

    fn remove(&mut self, j: usize) {
        for &q in &self.p.sets[j] {
            let c = &mut self.count[q as usize];
            *c -= 1;
            if *c == 0 {
                self.covered -= self.p.weight[q as usize];
            }
        }
        self.spent -= self.price[j];
        self.open.pop();
    }

    fn record(&mut self) {
        let mut sites: Vec<u32> = self.open.iter().map(|&j| j as u32).collect();
        sites.sort_unstable();
        self.best = Some((sites, self.covered, self.spent));
    }

    /// Marginal gains and prices of the candidates from position `pos` on.
    fn rest(&self, pos: usize) -> Vec<(f64, f64)> {
        let mut items: Vec<(f64, f64)> = self.order[pos..]
            .iter()
            .map(|&j| (self.gain(j), self.price[j]))
            .filter(|(g, _)| *g > 0.0)
            .collect();
        // By people per 万元, free ones first (g / c compared as g1 c2 > g2 c1).
        items.sort_by(|a, b| (b.0 * a.1).total_cmp(&(a.0 * b.1)));
        items
    }

    fn maximise_greedy(&mut self) {
        self.best = Some((Vec::new(), self.covered, 0.0));
        // The greedy by gain per 万元, then the best single candidate.
        let mut taken = Vec::new();
        loop {
            let fits = |j: usize| self.spent + self.price[j] <= self.budget + TOL;
            let Some(j) = self.best_per_wan(&taken, fits) else {
                break;
            };
            if taken.len() >= self.max_sites {
                break;
            }
            taken.push(j);
            self.add(j);
        }
        if self.covered > self.best.as_ref().map_or(0.0, |b| b.1) {
            self.record();
        }
        for &j in taken.iter().rev() {
            self.remove(j);
        }
        for idx in 0..self.order.len() * usize::from(self.max_sites > 0) {
            let j = self.order[idx];
            self.add(j);
            if self.covered > self.best.as_ref().map_or(0.0, |b| b.1) + TOL {
                self.record();
            }
            self.remove(j);
        }
    }

    /// Adds to the best answer, by people per 万元, each candidate that still fits the money
    /// and the count and adds people. The best single candidate, or an answer a search
    /// stopped by its node limit recorded part-way down, can leave money that buys more;
    /// adding never lowers coverage, so the bound stays valid. Expects no candidate open.
    fn complete_best(&mut self) {
        let Some((sites, _, _)) = self.best.clone() else {
            return;
        };
        let mut taken: Vec<usize> = sites.iter().map(|&j| j as usize).collect();
        for &j in &taken {
            self.add(j);
        }
        let mut grew = false;
        while self.open.len() < self.max_sites {
            let fits = |j: usize| self.spent + self.price[j] <= self.budget + TOL;
            let Some(j) = self.best_per_wan(&taken, fits) else {
                break;
            };
            taken.push(j);
            self.add(j);
            grew = true;
        }
        if grew {
            self.record();
        }
        while let Some(&j) = self.open.last() {
            self.remove(j);
        }
    }

    fn max_dfs(&mut self, pos: usize) {
        let room = self.budget - self.spent;
        let mut bound = self.covered;
        let mut left = room;
        for (g, c) in self.rest(pos) {
            if c > left + TOL {
                // The fractional knapsack: skipping is not allowed in the relaxation's order,
                // so take the fraction and stop.
                if c > 0.0 {
                    bound += g * (left.max(0.0) / c);
                }
                break;
            }
            bound += g;
            left -= c;
        }
        let k = self.max_sites.saturating_sub(self.open.len());
        if k < self.order.len() - pos {
            bound = bound.min(self.covered + self.top_gains(pos, k));
        }
        let best = self.best.as_ref().map_or(0.0, |b| b.1);
        if bound <= best + TOL {
            return;
        }
        self.nodes += 1;
        if self.nodes > self.limit {
            self.stopped = true;
            self.open_bound = self.open_bound.max(bound);
            return;
        }
        if self.covered > best + TOL {
            self.record();
        }
        let Some(&j) = self.order.get(pos) else {
            return;
        };
        if self.spent + self.price[j] <= self.budget + TOL
            && self.gain(j) > 0.0
            && self.open.len() < self.max_sites
        {
            self.add(j);
            self.max_dfs(pos + 1);
            self.remove(j);
        }
        self.max_dfs(pos + 1);
    }

    fn minimise_greedy(&mut self) {
        let mut taken = Vec::new();
        while self.covered < self.target - TOL {
            let Some(j) = self.best_per_wan(&taken, |_| true) else {
                break;
            };
            if taken.len() >= self.max_sites {
                break;
            }
            taken.push(j);
            self.add(j);
        }
        if self.covered >= self.target - TOL {
            self.record();
            self.best_cost = self.spent;
        }
        for &j in taken.iter().rev() {
            self.remove(j);
        }
    }

    fn min_dfs(&mut self, pos: usize) {
        let deficit = self.target - self.covered;
        if deficit <= TOL {
            if self.spent < self.best_cost - TOL {
                self.record();
                self.best_cost = self.spent;
            }
            return;
        }
        let mut need = deficit;
        let mut bound = self.spent;
        for (g, c) in self.rest(pos) {
            if g >= need {
                bound += c * need / g;
                need = 0.0;
                break;
            }
            bound += c;
            need -= g;
        }
        if need > TOL || bound >= self.best_cost - TOL {
            return;
        }
        let k = self.max_sites.saturating_sub(self.open.len());
        if k < self.order.len() - pos && self.top_gains(pos, k) < deficit - TOL {
            return;
        }
        self.nodes += 1;
        if self.nodes > self.limit {
            self.stopped = true;
            self.open_bound = self.open_bound.min(bound);
            return;
        }
        let Some(&j) = self.order.get(pos) else {
            return;
        };
        if self.gain(j) > 0.0 && self.open.len() < self.max_sites {
            self.add(j);
            self.min_dfs(pos + 1);
            self.remove(j);
        }
        self.min_dfs(pos + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::{SplitMix64, Status};

    fn random(rng: &mut SplitMix64) -> (CoverageProblem, Vec<f64>) {
        let points = 3 + rng.below(10);
        let n = 1 + rng.below(9);
        let p = CoverageProblem {
            weight: (0..points).map(|_| (1 + rng.below(60)) as f64).collect(),
            covered: (0..points).map(|_| rng.below(4) == 0).collect(),
            sets: (0..n)
                .map(|_| (0..points as u32).filter(|_| rng.below(3) == 0).collect())
                .collect(),
        };
        let price = (0..n)
            .map(|_| [0.0, 10.0, 25.0, 30.0, 45.0, f64::INFINITY][rng.below(6)])
            .collect();
        (p, price)
    }

    fn subsets(p: &CoverageProblem, price: &[f64]) -> Vec<(f64, f64)> {
        let n = p.sets.len();
        (0u32..1 << n)
            .filter_map(|mask| {
                let open: Vec<u32> = (0..n as u32).filter(|j| mask >> j & 1 == 1).collect();
                let cost = open.iter().fold(0.0, |a, &j| a + price[j as usize]);
                cost.is_finite().then(|| (p.covered_weight(&open), cost))
            })
            .collect()
    }

    #[test]
    fn budgeted_maximal_covering_equals_brute_force() {
        let mut rng = SplitMix64::new(5, 0);
        for case in 0..500 {
            let (p, price) = random(&mut rng);
            let budget = [0.0, 10.0, 30.0, 55.0, 80.0, 200.0][rng.below(6)];
            let want = subsets(&p, &price)
                .into_iter()
                .filter(|(_, c)| *c <= budget + 1e-9)
                .map(|(w, _)| w)
                .fold(0.0, f64::max);
            let s = max_covered(&p, &price, budget, 1_000_000);
            assert!((s.covered - want).abs() < 1e-9, "case {case}");
            assert!(s.cost_wan <= budget + 1e-9, "case {case}");
            assert_eq!(s.covered, p.covered_weight(&s.sites));
            assert_eq!(s.certificate.status, Status::Optimal);
            // A stopped search still brackets the optimum.
            let t = max_covered(&p, &price, budget, 2);
            assert!(t.covered <= want + 1e-9 && t.certificate.bound >= want - 1e-9);
        }
    }

    #[test]
    fn a_stopped_search_leaves_no_affordable_gain_unbought() {
        // Whatever the node limit, the answer is complete: every candidate it leaves closed
        // either costs more than the money left, would exceed the count, or adds nobody.
        let mut rng = SplitMix64::new(17, 0);
        let mut grown = 0;
        for case in 0..400 {
            let (p, price) = random(&mut rng);
            let budget = [10.0, 30.0, 55.0, 80.0][rng.below(4)];
            let max_sites = [usize::MAX, 2, 3][rng.below(3)];
            for limit in [0, 1, 2, 3, 5] {
                let s = max_covered_within(&p, &price, budget, max_sites, limit);
                assert!(s.cost_wan <= budget + 1e-9, "case {case}");
                assert_eq!(s.covered, p.covered_weight(&s.sites), "case {case}");
                let left = budget - s.cost_wan;
                for j in 0..p.sets.len() as u32 {
                    if s.sites.contains(&j)
                        || s.sites.len() >= max_sites
                        || price[j as usize] > left + 1e-9
                    {
                        continue;
                    }
                    let mut more = s.sites.clone();
                    more.push(j);
                    assert!(
                        p.covered_weight(&more) <= s.covered,
                        "case {case} limit {limit}: candidate {j} ({} 万元) adds people with {left} 万元 left",
                        price[j as usize]
                    );
                }
                grown += usize::from(s.sites.len() > 1);
            }
        }
        assert!(grown > 0);
    }

    #[test]
    fn least_cost_covering_equals_brute_force() {
        let mut rng = SplitMix64::new(9, 0);
        for case in 0..500 {
            let (p, price) = random(&mut rng);
            let total: f64 = p.weight.iter().sum();
            let target = total * rng.below(101) as f64 / 100.0;
            let want = subsets(&p, &price)
                .into_iter()
                .filter(|(w, _)| *w >= target - 1e-9)
                .map(|(_, c)| c)
                .fold(f64::INFINITY, f64::min);
            match min_cost(&p, &price, target, 1_000_000) {
                Ok(s) => {
                    assert!((s.cost_wan - want).abs() < 1e-9, "case {case}");
                    assert!(s.covered >= target - 1e-9);
                    assert_eq!(s.certificate.status, Status::Optimal);
                    let t = min_cost(&p, &price, target, 2).expect("reachable");
                    assert!(t.cost_wan >= want - 1e-9 && t.certificate.bound <= want + 1e-9);
                }
                Err(best) => {
                    assert!(want.is_infinite(), "case {case}");
                    assert!(best < target);
                }
            }
        }
    }

    #[test]
    fn least_cost_covering_with_group_rules_equals_brute_force() {
        let mut rng = SplitMix64::new(13, 0);
        let mut solved = 0;
        for case in 0..300 {
            let (p, price) = random(&mut rng);
            let n = p.sets.len();
            let groups = 1 + rng.below(4);
            let rules = GroupRules {
                group: (0..n)
                    .map(|_| (rng.below(4) != 0).then(|| rng.below(groups) as u32))
                    .collect(),
                has: (0..groups).map(|_| rng.below(3) == 0).collect(),
                at_least: (0..groups)
                    .map(|_| {
                        if rng.below(4) == 0 {
                            1 + rng.below(2) as u32
                        } else {
                            0
                        }
                    })
                    .collect(),
                need_groups: rng.below(groups + 1),
            };
            let total: f64 = p.weight.iter().sum();
            let target = total * rng.below(101) as f64 / 100.0;
            let meets = |open: &[u32]| {
                let mut count = vec![0u32; groups];
                for &j in open {
                    if let Some(g) = rules.group[j as usize] {
                        count[g as usize] += 1;
                    }
                }
                let with = (0..groups)
                    .filter(|&g| rules.has[g] || count[g] > 0)
                    .count();
                with >= rules.need_groups
                    && (0..groups).all(|g| count[g] >= rules.at_least[g])
                    && p.covered_weight(open) >= target - 1e-9
            };
            let mut want = f64::INFINITY;
            for mask in 0u32..1 << n {
                let open: Vec<u32> = (0..n as u32).filter(|j| mask >> j & 1 == 1).collect();
                let cost = open.iter().fold(0.0, |a, &j| a + price[j as usize]);
                if cost.is_finite() && meets(&open) {
                    want = want.min(cost);
                }
            }
            match min_cost_with_rules(&p, &price, target, &rules, 100_000) {
                Some(s) => {
                    assert!(meets(&s.sites), "case {case}");
                    assert!(
                        (s.cost_wan - want).abs() < 1e-6,
                        "case {case}: {} {want}",
                        s.cost_wan
                    );
                    assert_eq!(s.certificate.status, Status::Optimal, "case {case}");
                    solved += 1;
                }
                None => assert!(want.is_infinite(), "case {case}: brute force {want}"),
            }
        }
        assert!(solved > 100, "{solved}");
    }

    #[test]
    fn the_knapsack_bound_holds_for_every_affordable_set() {
        // Random instances (duplicates, free and unusable candidates, covered points), every
        // budget and count: the bound is at least the best affordable set, and where it falls
        // short of a target, no set reaches it. Counted: how often it is tight.
        let mut rng = SplitMix64::new(33, 0);
        let mut tight = 0;
        for case in 0..400 {
            let (p, price) = random(&mut rng);
            let n = p.sets.len();
            let max = 1 + rng.below(n + 1);
            let budget = [0.0, 10.0, 30.0, 55.0, 200.0][rng.below(5)];
            let mut most = p.covered_weight(&[]);
            for mask in 0u32..1 << n {
                let open: Vec<u32> = (0..n as u32).filter(|j| mask >> j & 1 == 1).collect();
                let cost = open.iter().fold(0.0, |a, &j| a + price[j as usize]);
                if cost.is_finite() && cost <= budget + 1e-9 && open.len() <= max {
                    most = most.max(p.covered_weight(&open));
                }
            }
            let bound = knapsack_bound(&p, &price, budget, max);
            assert!(
                bound >= most - 1e-9,
                "case {case}: bound {bound} below {most}"
            );
            tight += usize::from(bound < most + 0.5);
        }
        assert!(tight > 100, "only {tight} of 400 bounds are tight");
    }

    #[test]
    fn a_count_limit_next_to_the_money_equals_brute_force() {
        let mut rng = SplitMix64::new(21, 0);
        for case in 0..400 {
            let (p, price) = random(&mut rng);
            let n = p.sets.len();
            let max = rng.below(4);
            let budget = [10.0, 30.0, 55.0, 200.0][rng.below(4)];
            let total: f64 = p.weight.iter().sum();
            let target = total * rng.below(101) as f64 / 100.0;
            let (mut most, mut cheapest) = (0.0f64, f64::INFINITY);
            for mask in 0u32..1 << n {
                let open: Vec<u32> = (0..n as u32).filter(|j| mask >> j & 1 == 1).collect();
                let cost = open.iter().fold(0.0, |a, &j| a + price[j as usize]);
                if !cost.is_finite() || open.len() > max {
                    continue;
                }
                let w = p.covered_weight(&open);
                if cost <= budget + 1e-9 {
                    most = most.max(w);
                }
                if w >= target - 1e-9 {
                    cheapest = cheapest.min(cost);
                }
            }
            let s = max_covered_within(&p, &price, budget, max, 1_000_000);
            assert!(s.sites.len() <= max, "case {case}");
            assert!((s.covered - most).abs() < 1e-9, "case {case}");
            assert_eq!(s.certificate.status, Status::Optimal);
            match min_cost_within(&p, &price, target, max, 1_000_000) {
                Ok(s) => {
                    assert!(s.sites.len() <= max, "case {case}");
                    assert!((s.cost_wan - cheapest).abs() < 1e-9, "case {case}");
                }
                Err(_) => assert!(cheapest.is_infinite(), "case {case}"),
            }
        }
    }
}
