//! People-weighted maximal covering (MCLP), set covering with a coverage target (LSCP), and
//! the whole coverage curve, each point with a proven bound.
//!
//! # Model
//! Demand points `i` (villages) carry weights `w_i` (elderly people). Some points are already
//! covered by sites that are always open (existing facilities). Candidate `j` covers the
//! points `N_j` it reaches within the time limit. With `x_j ∈ {0,1}` the open candidates and
//! `y_i ∈ [0,1]` whether point `i` is covered:
//!
//! ```text
//! MCLP(p):  max Σ w_i y_i   s.t.  y_i <= Σ_{j ∋ i} x_j,  Σ x_j <= p
//! LSCP(α):  min Σ x_j       s.t.  Σ w_i y_i >= α W,  y_i <= Σ_{j ∋ i} x_j
//! ```
//! (Church & ReVelle 1974; Toregas et al. 1971), where points covered by existing sites are
//! fixed to `y_i = 1`.
//!
//! # Method
//! 1. Reduction: covered and weightless points leave; points with the same candidate set
//!    merge; a candidate whose points are a subset of another's is dropped (ties keep the
//!    lower index).
//! 2. Decomposition: points and candidates fall into connected components of the coverage
//!    graph. A component's best coverage with `k` sites, `f_c(k)`, is independent of the rest.
//! 3. Per component and `k`, an exact value where possible: complete enumeration when the
//!    component is small, otherwise a seeded multi-start greedy with swap local search
//!    (best-improvement swaps with incremental gain and loss bookkeeping, after Resende &
//!    Werneck 2007), then a short Lagrangian branch and bound (`solve::mclp`: subgradient
//!    bounds, reduced-cost fixing) warm-started from the local-search answer and the previous
//!    budget's multipliers (only its root where the previous budget's search left a gap),
//!    which settles the easy budgets; where it leaves a gap, reduced-cost
//!    fixing with its multipliers and LP-based branch and bound (`microlp`'s dual simplex) on
//!    what is left, under a node limit. A backward pass then
//!    tries each budget's answer from the next one's
//!    (the site whose closing loses least taken out, then swaps). The component's upper
//!    bound `u_c(k)` is the branch-and-bound bound (equal to `f_c(k)` when proven).
//! 4. Combination: `F(p) = max Σ f_c(k_c)` subject to `Σ k_c <= p`, by dynamic programming
//!    over components (components whose `f_c` is concave are pooled and merged greedily,
//!    which is exact for them). The bound `U(p)` is the best split of `p` over the `u_c`, each
//!    first replaced by its smallest value from `k` on (`f_c` is non-decreasing, so that is
//!    still a bound of `f_c(k)`), by the same pooling and dynamic programming: a valid upper
//!    bound of `F(p)`. The curve is exact at every `p` where `U(p) = F(p)`.
//!
//! One point alone needs no curve: [`CoverageProblem::solve_budget`] runs the branch and bound
//! on the whole reduced instance for one budget (a short subgradient-only search, then, if a
//! gap is left, the full node limit with the LP relaxation's duals at the root, then, if a
//! gap is still left, LP-based branch and bound after fixing with those multipliers), and
//! [`CoverageProblem::solve_target`] solves full coverage as set covering per component
//! (classic reductions, after which the rest is split into connected pieces again; per piece
//! the LP bound from the interior-point solver Clarabel, evaluated as a Lagrangian bound and
//! rounded up on its own; LP rounding, the greedy on Lagrangian costs and iterated local
//! search for a cover; reduced-cost fixing; then a search over the count).
//!
//! Components, and within a component blocks of consecutive budgets (each block warm-started
//! only from its own budgets), are solved in parallel with rayon; results are collected in
//! order and every random choice comes from the seed, so any thread count gives the same
//! answer.

use rayon::prelude::*;

use super::cover_tree::cover_tree;
use super::mclp::{
    Mclp, MclpLimits, MclpResult, cover_lagrangian, cover_lower_bound, cover_lp, lagrangian_bound,
    mclp_lp, mclp_mip_fixed,
};
use super::{Certificate, SplitMix64, Status};

/// A coverage instance: weights, what is covered already, and what each candidate covers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CoverageProblem {
    /// Weight of each demand point (elderly people); 0 for points outside the scope.
    pub weight: Vec<f64>,
    /// Whether an always-open site covers the point already.
    pub covered: Vec<bool>,
    /// For each candidate, the demand points it covers.
    pub sets: Vec<Vec<u32>>,
}

/// Settings of the search.
#[derive(Clone, Copy, Debug)]
pub struct CoverageOptions {
    /// Seed of the randomised starts.
    pub seed: u64,
    /// Largest number of new sites the curve needs; `None` = until full coverage.
    pub max_sites: Option<u32>,
    /// Randomised starts per component and budget (besides the plain greedy one).
    pub starts: usize,
    /// Branch-and-bound nodes per component and budget; a node limit, not a time limit, so
    /// the answer does not depend on the machine's speed.
    pub node_limit: u64,
    /// Whether to solve components in parallel.
    pub parallel: bool,
    /// Largest number of subsets enumerated for one component and budget (components with
    /// at most 64 points); larger ones go to local search and branch and bound.
    pub enumeration_limit: u128,
}

impl Default for CoverageOptions {
    fn default() -> Self {
        Self {
            seed: 1,
            max_sites: None,
            starts: 4,
            node_limit: 2_000,
            parallel: true,
            enumeration_limit: 200_000,
        }
    }
}

/// A candidate's gain in [`Part::greedy`]'s heap: larger gains first, then lower indices.
#[derive(Clone, Copy, Debug)]
struct Gain(f64, usize);

impl PartialEq for Gain {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Gain {}

impl PartialOrd for Gain {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Gain {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0).then(other.1.cmp(&self.1))
    }
}

/// One point of the coverage curve.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct CurvePoint {
    /// New sites opened.
    pub new_sites: u32,
    /// Weight covered (existing sites included).
    pub covered: f64,
    /// Proven upper bound on the weight any `new_sites` new sites can cover.
    pub bound: f64,
}

/// The best coverage for every number of new sites from 0 to the curve's end, with bounds.
#[derive(Clone, Debug)]
pub struct CoverageCurve {
    /// Weight of all demand points.
    pub total: f64,
    /// Weight covered with no new site.
    pub base: f64,
    /// Weight coverable with every candidate open.
    pub reachable: f64,
    /// Points `p = 0, 1, …`.
    pub points: Vec<CurvePoint>,
    /// How the component budgets were solved.
    pub stats: CurveStats,
    components: Vec<Component>,
    pool: Vec<(u32, u32)>,
    choices: Vec<Vec<u16>>,
    nonconcave: Vec<usize>,
}

/// Counts of component budgets by how they were solved. Where a plan solves only the budget
/// or target it asks (no curve), `searched` counts those searches (a target's bisection over
/// counts as one) and `proven` the ones proven optimal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CurveStats {
    /// Connected components after reduction.
    pub components: usize,
    /// Component budgets solved by complete enumeration.
    pub enumerated: usize,
    /// Component budgets sent to local search and branch and bound (or direct searches).
    pub searched: usize,
    /// Of those, the ones proven optimal (an answer meets the branch-and-bound bound).
    pub proven: usize,
}

/// A chosen set of sites with its certificate.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CoverageSolution {
    /// Candidate indices opened, ascending.
    pub sites: Vec<u32>,
    /// Weight covered (existing sites included).
    pub covered: f64,
    /// Objective, bound, gap and status. For a budget problem the objective is the weight
    /// covered; for a target problem it is the number of sites and the bound is a lower bound
    /// on the number needed.
    pub certificate: Certificate,
}

/// A component's curve: its candidates and the best answer found for each budget.
#[derive(Clone, Debug, Default)]
struct Component {
    /// `value[k]`: weight covered with `k` sites (best found).
    value: Vec<f64>,
    /// `bound[k]`: proven upper bound with `k` sites.
    bound: Vec<f64>,
    /// `sites[k]`: the global candidate indices of the answer with `k` sites.
    sites: Vec<Vec<u32>>,
    /// Budgets solved by enumeration, by search, and proven by branch and bound.
    counts: [usize; 3],
}

impl CoverageProblem {
    /// Checks the shapes agree and every index is in range.
    pub fn validate(&self) -> Result<(), String> {
        let n = self.weight.len();
        if self.covered.len() != n {
            return Err(format!(
                "{} weights but {} covered flags",
                n,
                self.covered.len()
            ));
        }
        if let Some(w) = self.weight.iter().find(|w| !w.is_finite() || **w < 0.0) {
            return Err(format!("weight {w} is not a finite non-negative number"));
        }
        for (j, s) in self.sets.iter().enumerate() {
            if let Some(i) = s.iter().find(|i| **i as usize >= n) {
                return Err(format!(
                    "candidate {j} covers point {i}, but there are {n} points"
                ));
            }
        }
        Ok(())
    }

    /// Weight covered by the always-open sites plus the candidates `open`.
    pub fn covered_weight(&self, open: &[u32]) -> f64 {
        let mut hit = self.covered.clone();
        for &j in open {
            for &i in &self.sets[j as usize] {
                hit[i as usize] = true;
            }
        }
        self.weight
            .iter()
            .zip(&hit)
            .filter(|(_, h)| **h)
            .map(|(w, _)| *w)
            .sum()
    }

    /// Computes the coverage curve.
    pub fn curve(&self, opts: &CoverageOptions) -> CoverageCurve {
        let total: f64 = self.weight.iter().sum();
        let base: f64 = self
            .weight
            .iter()
            .zip(&self.covered)
            .filter(|(_, c)| **c)
            .map(|(w, _)| *w)
            .sum();
        let parts = self.decompose();
        let reachable = base + parts.iter().map(|p| p.total()).sum::<f64>();
        let cap = opts.max_sites.map_or(usize::MAX, |m| m as usize);
        let solve = |(ci, part): (usize, &Part)| part.solve(cap, opts, ci as u64);
        let components: Vec<Component> = if opts.parallel {
            parts.par_iter().enumerate().map(solve).collect()
        } else {
            parts.iter().enumerate().map(solve).collect()
        };
        combine(total, base, reachable, components, cap)
    }

    /// Weight covered by the always-open sites.
    pub fn base_weight(&self) -> f64 {
        self.weight
            .iter()
            .zip(&self.covered)
            .filter(|(_, c)| **c)
            .map(|(w, _)| *w)
            .sum()
    }

    /// Weight covered with every candidate open.
    pub fn reachable_weight(&self) -> f64 {
        self.base_weight() + self.decompose().iter().map(Part::total).sum::<f64>()
    }

    /// Points and candidates of each connected component left after the reduction (step 1
    /// and 2 of the module doc), in component order.
    pub fn component_sizes(&self) -> Vec<(usize, usize)> {
        self.decompose()
            .iter()
            .map(|p| (p.weight.len(), p.cands.len()))
            .collect()
    }

    /// The best coverage with at most `p` new sites, solved as one problem (no curve):
    /// local search for a start, then Lagrangian branch and bound over the whole reduced
    /// instance (see `solve::mclp`'s formulation in this module's doc). The certificate's
    /// objective is the weight covered and its bound a proven upper bound. No site is
    /// opened that adds nothing: where the answer covers every reachable point, it is the
    /// fewest sites that do ([`CoverageProblem::solve_target`]) when those are fewer; sites
    /// whose removal loses no weight are dropped.
    pub fn solve_budget(&self, p: u32, opts: &CoverageOptions) -> CoverageSolution {
        let base = self.base_weight();
        let whole = Part::join(self.decompose());
        let (open, value, bound) = whole.solve_one(p as usize, opts);
        let mut sites: Vec<u32> = whole
            .without_worthless(open)
            .iter()
            .map(|&j| whole.cands[j])
            .collect();
        sites.sort_unstable();
        let covered = base + value;
        // Everything reachable is covered: the fewest sites that do so, when fewer.
        if covered >= base + whole.total() - Certificate::TOLERANCE
            && let Ok(fewest) = self.solve_target(covered, opts)
            && fewest.sites.len() < sites.len()
            && fewest.covered >= covered - Certificate::TOLERANCE
        {
            sites = fewest.sites;
        }
        CoverageSolution {
            sites,
            covered,
            certificate: Certificate::new(covered, (base + bound).max(covered)),
        }
    }

    /// The fewest new sites that cover at least `target` weight, with a proven lower bound
    /// on the number needed; `Err` with the best reachable coverage (status infeasible) when
    /// even every candidate falls short.
    ///
    /// Full coverage (a `target` within [`Certificate::TOLERANCE`] of the reachable weight)
    /// is set covering per component: a Lagrangian lower bound on the count (Beasley 1990),
    /// then for each count `k` from there a Lagrangian branch and bound that either finds a
    /// cover with `k` sites or proves none exists. Any other target is a bisection over the
    /// number of sites, each count one budget problem (not the whole curve).
    pub fn solve_target(
        &self,
        target: f64,
        opts: &CoverageOptions,
    ) -> Result<CoverageSolution, CoverageSolution> {
        let tol = Certificate::TOLERANCE;
        let base = self.base_weight();
        if target <= base + tol {
            let mut certificate = Certificate::new(0.0, 0.0);
            certificate.objective = 0.0;
            return Ok(CoverageSolution {
                sites: Vec::new(),
                covered: base,
                certificate,
            });
        }
        let parts = self.decompose();
        let reachable = base + parts.iter().map(Part::total).sum::<f64>();
        if target < reachable - tol {
            return Ok(self.fewest_by_bisection(Part::join(parts), target - base, opts));
        }
        let covers: Vec<(Vec<usize>, usize)> = if opts.parallel {
            parts.par_iter().map(|p| p.cover_all(opts)).collect()
        } else {
            parts.iter().map(|p| p.cover_all(opts)).collect()
        };
        let mut sites: Vec<u32> = Vec::new();
        let mut lower = 0usize;
        for (part, (open, lo)) in parts.iter().zip(&covers) {
            sites.extend(open.iter().map(|&j| part.cands[j]));
            lower += lo;
        }
        sites.sort_unstable();
        let covered = self.covered_weight(&sites);
        let mut certificate = Certificate::new(sites.len() as f64, lower as f64);
        certificate.objective = sites.len() as f64;
        let solution = CoverageSolution {
            sites,
            covered,
            certificate,
        };
        if target > reachable + tol {
            let mut best = solution;
            best.certificate.status = Status::Infeasible;
            Err(best)
        } else {
            Ok(solution)
        }
    }
}

impl CoverageProblem {
    /// The fewest sites of `whole` (every component joined) covering at least `need` of its
    /// weight (`0 < need` below its total), by bisection over the number of sites instead of
    /// the whole curve: a greedy order gives a first answer; each count tried is solved as
    /// one budget ([`Part::solve_one`]), whose answer, when it reaches `need`, lowers the
    /// count, and whose proven bound, when below `need`, rules out that count and every
    /// smaller one (coverage never falls as sites are added). Above a count left undecided
    /// (the node limit stopped its search, or its program was too large) the bisection goes
    /// on for fewer sites, and the gap stays in the certificate.
    /// The answer at the final count is then improved by local search (the count is proven,
    /// the weight covered at it is the best found, not certified). Within
    /// [`Certificate::TOLERANCE`] as [`CoverageCurve::for_target`]; the certificate's
    /// objective is the count and its bound the smallest count not ruled out.
    fn fewest_by_bisection(
        &self,
        whole: Part,
        need: f64,
        opts: &CoverageOptions,
    ) -> CoverageSolution {
        let tol = Certificate::TOLERANCE;
        let mut answer = whole.greedy_until(need - tol);
        let mut hi = answer.len();
        // Every count below `lower` is ruled out; 0 covers nothing of `need > 0`.
        let mut lower = 1;
        // Counts below `probe` are ruled out or left undecided: the search for fewer sites
        // goes on above an undecided count, and `lower` stays below it.
        let mut probe = 1;
        while probe < hi {
            let mid = (probe + hi) / 2;
            let (open, value, bound) = whole.decide(mid, need - tol, &answer, opts);
            if value >= need - tol {
                hi = open.len();
                answer = open;
            } else {
                if bound < need - tol {
                    lower = mid + 1;
                }
                probe = mid + 1;
            }
        }
        // The most weight at that count that local search finds from the answer.
        let (better, value) = whole.local_search(&answer, answer.len(), opts, 0);
        if value > whole.value_of(&answer) + 1e-9 {
            answer = better;
        }
        let mut sites: Vec<u32> = answer.iter().map(|&j| whole.cands[j]).collect();
        sites.sort_unstable();
        let covered = self.covered_weight(&sites);
        let count = sites.len() as f64;
        CoverageSolution {
            sites,
            covered,
            certificate: Certificate::new(count, (lower as f64).min(count)),
        }
    }
}

impl CoverageCurve {
    /// The last budget on the curve.
    pub fn max_sites(&self) -> u32 {
        (self.points.len() - 1) as u32
    }

    /// A proven upper bound on the weight any answer within the curve's last budget covers:
    /// that budget's bound (which holds for every smaller one too).
    pub fn most(&self) -> f64 {
        self.points.last().map_or(self.reachable, |pt| pt.bound)
    }

    /// The best answer found with at most `p` new sites (`p` is capped at the curve's end).
    pub fn with_budget(&self, p: u32) -> CoverageSolution {
        let p = p.min(self.max_sites());
        let point = self.points[p as usize];
        CoverageSolution {
            sites: self.sites(p),
            covered: point.covered,
            certificate: Certificate::new(point.covered, point.bound),
        }
    }

    /// The fewest new sites that cover at least `target` weight, with a lower bound on the
    /// number needed; `Err` with the best reachable coverage when no budget on the curve
    /// reaches the target.
    pub fn for_target(&self, target: f64) -> Result<CoverageSolution, CoverageSolution> {
        let tol = Certificate::TOLERANCE;
        let lower = self
            .points
            .iter()
            .position(|pt| pt.bound >= target - tol)
            .unwrap_or(self.points.len());
        match self.points.iter().position(|pt| pt.covered >= target - tol) {
            Some(p) => {
                let mut certificate = Certificate::new(p as f64, lower as f64);
                certificate.objective = p as f64;
                Ok(CoverageSolution {
                    sites: self.sites(p as u32),
                    covered: self.points[p].covered,
                    certificate,
                })
            }
            None => {
                // Proven out of reach only where the bound at the curve's last budget falls
                // short; a curve capped by `max_sites` may leave a gap there.
                let mut best = self.with_budget(self.max_sites());
                best.certificate.status = Status::missed(self.most() < target - tol);
                Err(best)
            }
        }
    }

    /// The candidates opened at budget `p`.
    pub fn sites(&self, p: u32) -> Vec<u32> {
        let mut remaining = p.min(self.max_sites()) as usize;
        let mut take = vec![0usize; self.components.len()];
        for (slot, &c) in self.nonconcave.iter().enumerate().rev() {
            let k = self.choices[slot][remaining] as usize;
            take[c] = k;
            remaining -= k;
        }
        for &(c, _) in self.pool.iter().take(remaining) {
            take[c as usize] += 1;
        }
        let mut sites: Vec<u32> = take
            .iter()
            .enumerate()
            .filter(|(_, k)| **k > 0)
            .flat_map(|(c, &k)| self.components[c].sites[k].iter().copied())
            .collect();
        sites.sort_unstable();
        sites
    }
}

/// Merges component curves into the global curve.
fn combine(
    total: f64,
    base: f64,
    reachable: f64,
    components: Vec<Component>,
    cap: usize,
) -> CoverageCurve {
    let full: usize = components.iter().map(|c| c.value.len() - 1).sum();
    let len = full.min(cap);
    // Concave components pool their marginal gains; the rest go through the DP.
    let mut pool: Vec<(u32, u32, f64)> = Vec::new();
    let mut nonconcave = Vec::new();
    for (ci, c) in components.iter().enumerate() {
        let gains: Vec<f64> = c.value.windows(2).map(|w| w[1] - w[0]).collect();
        if gains
            .windows(2)
            .all(|g| g[1] <= g[0] + Certificate::TOLERANCE)
        {
            pool.extend(
                gains
                    .iter()
                    .enumerate()
                    .map(|(k, g)| (ci as u32, k as u32, *g)),
            );
        } else {
            nonconcave.push(ci);
        }
    }
    pool.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    let mut dp = vec![0.0; len + 1];
    for p in 1..=len {
        dp[p] = dp[p - 1] + pool.get(p - 1).map_or(0.0, |g| g.2);
    }
    let mut choices = Vec::with_capacity(nonconcave.len());
    for &ci in &nonconcave {
        let value = &components[ci].value;
        let mut next = dp.clone();
        let mut choice = vec![0u16; len + 1];
        for p in 0..=len {
            for k in 1..value.len().min(p + 1) {
                let v = dp[p - k] + value[k];
                if v > next[p] + 1e-9 {
                    next[p] = v;
                    choice[p] = k as u16;
                }
            }
        }
        dp = next;
        choices.push(choice);
    }
    // Bound: the best split of the budget over the component bounds, each first made
    // non-decreasing from the right (a component covers no less with more sites, so
    // `u_c(k') >= f_c(k') >= f_c(k)` for every `k' >= k` bounds `f_c(k)` too).
    let bounds: Vec<Vec<f64>> = components.iter().map(|c| suffix_min(&c.bound)).collect();
    let upper = best_split(&bounds, len);
    let mut points = Vec::with_capacity(len + 1);
    for (p, &covered) in dp.iter().enumerate() {
        let covered = base + covered;
        points.push(CurvePoint {
            new_sites: p as u32,
            covered,
            bound: (base + upper[p]).min(reachable).max(covered),
        });
    }
    let stats = CurveStats {
        components: components.len(),
        enumerated: components.iter().map(|c| c.counts[0]).sum(),
        searched: components.iter().map(|c| c.counts[1]).sum(),
        proven: components.iter().map(|c| c.counts[2]).sum(),
    };
    CoverageCurve {
        total,
        base,
        reachable,
        points,
        stats,
        components,
        pool: pool.into_iter().map(|(c, k, _)| (c, k)).collect(),
        choices,
        nonconcave,
    }
}

/// `out[k] = min(curve[k..])`: the tightest non-decreasing curve below `curve` from the right.
fn suffix_min(curve: &[f64]) -> Vec<f64> {
    let mut out = curve.to_vec();
    for k in (0..out.len().saturating_sub(1)).rev() {
        out[k] = out[k].min(out[k + 1]);
    }
    out
}

/// `out[p] = max Σ_c curves[c][k_c]` over `Σ_c k_c <= p`, `k_c < curves[c].len()`, for
/// `p = 0..=len`, where every curve starts at 0 and is non-decreasing. Curves with
/// non-increasing gains are merged greedily (exact for them); the others go through dynamic
/// programming over the budget.
fn best_split(curves: &[Vec<f64>], len: usize) -> Vec<f64> {
    let concave = |c: &Vec<f64>| {
        c.windows(3)
            .all(|w| w[2] - w[1] <= w[1] - w[0] + Certificate::TOLERANCE)
    };
    let mut gains: Vec<f64> = curves
        .iter()
        .filter(|c| concave(c))
        .flat_map(|c| c.windows(2).map(|w| w[1] - w[0]))
        .collect();
    gains.sort_by(|a, b| b.total_cmp(a));
    let mut dp = vec![0.0; len + 1];
    for p in 1..=len {
        dp[p] = dp[p - 1] + gains.get(p - 1).copied().unwrap_or(0.0);
    }
    for c in curves.iter().filter(|c| !concave(c)) {
        let mut next = dp.clone();
        for p in 0..=len {
            for k in 1..c.len().min(p + 1) {
                next[p] = next[p].max(dp[p - k] + c[k]);
            }
        }
        dp = next;
    }
    dp
}

/// Nodes of the first, subgradient-only phase of a budget's branch and bound.
const QUICK_NODES: u64 = 100;

/// Largest program (candidate–point pairs left after reduced-cost fixing) that a partial
/// target's count goes to LP-based branch and bound for ([`Part::decide`]); a larger one
/// leaves the count undecided. 泰州's greenfield instance has 54,237 pairs in all; on 福建's
/// (361,180) one such program ran for minutes before its first answer.
const GOAL_MIP_PAIRS: usize = 150_000;

/// Consecutive budgets of a component's curve solved as one block ([`Part::solve`]): inside
/// a block each budget is warm-started from the one before, blocks run in parallel.
const CURVE_BLOCK: usize = 8;

/// How a budget of the curve was solved; the index into [`Component::counts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum How {
    Enumerated = 0,
    Searched = 1,
    Proven = 2,
}

/// One budget of a component's curve: the answer (local candidate indices), its value,
/// a proven upper bound, and how it was found.
#[derive(Clone, Debug)]
struct BudgetAnswer {
    open: Vec<usize>,
    value: f64,
    bound: f64,
    how: How,
}

/// A connected component after reduction, in local indices.
#[derive(Clone, Debug)]
struct Part {
    /// Global candidate index of each local candidate.
    cands: Vec<u32>,
    /// Weight of each local point (merged points summed).
    weight: Vec<f64>,
    /// Local points of each local candidate.
    sets: Vec<Vec<u32>>,
}

impl CoverageProblem {
    /// Reduces the instance and splits it into connected components, ordered by their
    /// smallest candidate index.
    fn decompose(&self) -> Vec<Part> {
        let n = self.weight.len();
        let open: Vec<bool> = (0..n)
            .map(|i| !self.covered[i] && self.weight[i] > 0.0)
            .collect();
        // Each candidate's set restricted to open points, sorted and deduplicated.
        let mut sets: Vec<Vec<u32>> = self
            .sets
            .iter()
            .map(|s| {
                let mut s: Vec<u32> = s.iter().copied().filter(|&i| open[i as usize]).collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect();
        // Points with the same candidate list merge into their first member.
        let mut cands_of: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (j, s) in sets.iter().enumerate() {
            for &i in s {
                cands_of[i as usize].push(j as u32);
            }
        }
        let mut rep: Vec<u32> = (0..n as u32).collect();
        let mut weight = self.weight.clone();
        {
            let mut first: std::collections::HashMap<&[u32], u32> =
                std::collections::HashMap::new();
            for i in 0..n {
                if !open[i] || cands_of[i].is_empty() {
                    continue;
                }
                let r = *first.entry(cands_of[i].as_slice()).or_insert(i as u32);
                if r != i as u32 {
                    rep[i] = r;
                    weight[r as usize] += weight[i];
                }
            }
        }
        for s in &mut sets {
            s.retain(|&i| rep[i as usize] == i);
        }
        // Dominance: drop a candidate whose set is a subset of another kept candidate's.
        let mut keep: Vec<bool> = sets.iter().map(|s| !s.is_empty()).collect();
        let mut order: Vec<usize> = (0..sets.len()).filter(|&j| keep[j]).collect();
        order.sort_by(|&a, &b| sets[b].len().cmp(&sets[a].len()).then(a.cmp(&b)));
        let mut by_point: Vec<Vec<u32>> = vec![Vec::new(); n];
        for &j in &order {
            let s = &sets[j];
            // Candidates kept so far that cover the first point of s; a superset must be one.
            let dominated = by_point[s[0] as usize].iter().any(|&k| {
                let t = &sets[k as usize];
                t.len() >= s.len() && is_subset(s, t)
            });
            if dominated {
                keep[j] = false;
            } else {
                for &i in s {
                    by_point[i as usize].push(j as u32);
                }
            }
        }
        // Components by union-find over kept candidates.
        let mut parent: Vec<u32> = (0..n as u32).collect();
        fn find(parent: &mut [u32], mut x: u32) -> u32 {
            while parent[x as usize] != x {
                parent[x as usize] = parent[parent[x as usize] as usize];
                x = parent[x as usize];
            }
            x
        }
        for (j, s) in sets.iter().enumerate() {
            if !keep[j] {
                continue;
            }
            let a = find(&mut parent, s[0]);
            for &i in &s[1..] {
                let b = find(&mut parent, i);
                if a != b {
                    parent[b as usize] = a;
                }
            }
        }
        let mut part_of_root: std::collections::HashMap<u32, usize> =
            std::collections::HashMap::new();
        let mut parts: Vec<Part> = Vec::new();
        let mut local: Vec<u32> = vec![u32::MAX; n];
        for (j, s) in sets.iter().enumerate() {
            if !keep[j] {
                continue;
            }
            let root = find(&mut parent, s[0]);
            let pi = *part_of_root.entry(root).or_insert_with(|| {
                parts.push(Part {
                    cands: Vec::new(),
                    weight: Vec::new(),
                    sets: Vec::new(),
                });
                parts.len() - 1
            });
            let part = &mut parts[pi];
            let mut ls = Vec::with_capacity(s.len());
            for &i in s {
                if local[i as usize] == u32::MAX {
                    local[i as usize] = part.weight.len() as u32;
                    part.weight.push(weight[i as usize]);
                }
                ls.push(local[i as usize]);
            }
            part.cands.push(j as u32);
            part.sets.push(ls);
        }
        parts
    }
}

/// A set-covering instance after the classic reductions: the candidates every cover needs,
/// and what is left (points renumbered `0..points`, candidates by their index `cols[j]` in
/// the original sets).
struct CoverCore {
    forced: Vec<usize>,
    cols: Vec<usize>,
    sets: Vec<Vec<u32>>,
    points: usize,
}

impl CoverCore {
    /// Reduces covering every point `0..points` of `sets` (each point in some set).
    fn new(sets: &[Vec<u32>], points: usize) -> Self {
        let n = sets.len();
        let mut row_alive = vec![true; points];
        let mut col_alive: Vec<bool> = sets.iter().map(|s| !s.is_empty()).collect();
        let mut forced = Vec::new();
        loop {
            let mut changed = false;
            // Candidates of each live point, among live candidates.
            let mut rows: Vec<Vec<u32>> = vec![Vec::new(); points];
            for (j, s) in sets.iter().enumerate() {
                if col_alive[j] {
                    for &i in s {
                        if row_alive[i as usize] {
                            rows[i as usize].push(j as u32);
                        }
                    }
                }
            }
            // A point with one candidate forces it.
            if let Some(i) = (0..points).find(|&i| row_alive[i] && rows[i].len() == 1) {
                let j = rows[i][0] as usize;
                forced.push(j);
                col_alive[j] = false;
                for &p in &sets[j] {
                    row_alive[p as usize] = false;
                }
                continue;
            }
            // Point dominance: b is dropped when some a has candidates(a) ⊆ candidates(b).
            let mut order: Vec<usize> = (0..points).filter(|&i| row_alive[i]).collect();
            order.sort_by(|&a, &b| rows[a].len().cmp(&rows[b].len()).then(a.cmp(&b)));
            for &a in &order {
                if !row_alive[a] {
                    continue;
                }
                let Some(&first) = rows[a].first() else {
                    continue;
                };
                for &b in &sets[first as usize] {
                    let b = b as usize;
                    if b != a
                        && row_alive[b]
                        && rows[b].len() >= rows[a].len()
                        && is_subset(&rows[a], &rows[b])
                    {
                        row_alive[b] = false;
                        changed = true;
                    }
                }
            }
            // Candidate dominance on the live points (ties keep the lower index).
            let live: Vec<Vec<u32>> = sets
                .iter()
                .enumerate()
                .map(|(j, s)| {
                    if col_alive[j] {
                        s.iter()
                            .copied()
                            .filter(|&i| row_alive[i as usize])
                            .collect()
                    } else {
                        Vec::new()
                    }
                })
                .collect();
            let mut by_point: Vec<Vec<u32>> = vec![Vec::new(); points];
            let mut cols: Vec<usize> = (0..n).filter(|&j| col_alive[j]).collect();
            cols.sort_by(|&a, &b| live[b].len().cmp(&live[a].len()).then(a.cmp(&b)));
            for &j in &cols {
                let s = &live[j];
                let dominated = s.is_empty()
                    || by_point[s[0] as usize]
                        .iter()
                        .any(|&t| is_subset(s, &live[t as usize]));
                if dominated {
                    col_alive[j] = false;
                    changed = true;
                } else {
                    for &i in s {
                        by_point[i as usize].push(j as u32);
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut index = vec![u32::MAX; points];
        let mut count = 0u32;
        for (i, slot) in index.iter_mut().enumerate() {
            if row_alive[i] {
                *slot = count;
                count += 1;
            }
        }
        let cols: Vec<usize> = (0..n).filter(|&j| col_alive[j]).collect();
        let core_sets = cols
            .iter()
            .map(|&j| {
                sets[j]
                    .iter()
                    .filter(|&&i| row_alive[i as usize])
                    .map(|&i| index[i as usize])
                    .collect()
            })
            .collect();
        CoverCore {
            forced,
            cols,
            sets: core_sets,
            points: count as usize,
        }
    }
}

/// Connected pieces of a reduced set-covering instance (`sets` over points `0..points`, none
/// empty): each as a [`CoverCore`] with no forced candidates, `cols` naming its candidates
/// by index into `sets`, its points renumbered `0..points` and each set sorted. Pieces come
/// in the order of their first candidate.
fn split_core(sets: &[Vec<u32>], points: usize) -> Vec<CoverCore> {
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    let mut parent: Vec<u32> = (0..points as u32).collect();
    for s in sets {
        let Some((&first, rest)) = s.split_first() else {
            continue;
        };
        let a = find(&mut parent, first);
        for &i in rest {
            let b = find(&mut parent, i);
            if a != b {
                parent[b as usize] = a;
            }
        }
    }
    let mut piece_of_root = vec![usize::MAX; points];
    let mut local = vec![u32::MAX; points];
    let mut pieces: Vec<CoverCore> = Vec::new();
    for (j, s) in sets.iter().enumerate() {
        let Some(&first) = s.first() else {
            continue;
        };
        let root = find(&mut parent, first) as usize;
        if piece_of_root[root] == usize::MAX {
            piece_of_root[root] = pieces.len();
            pieces.push(CoverCore {
                forced: Vec::new(),
                cols: Vec::new(),
                sets: Vec::new(),
                points: 0,
            });
        }
        let piece = &mut pieces[piece_of_root[root]];
        let mut ls: Vec<u32> = s
            .iter()
            .map(|&i| {
                if local[i as usize] == u32::MAX {
                    local[i as usize] = piece.points as u32;
                    piece.points += 1;
                }
                local[i as usize]
            })
            .collect();
        ls.sort_unstable();
        piece.cols.push(j);
        piece.sets.push(ls);
    }
    pieces
}

/// The sets covering each point `0..points`, in increasing order.
fn point_lists(sets: &[Vec<u32>], points: usize) -> Vec<Vec<u32>> {
    let mut rows: Vec<Vec<u32>> = vec![Vec::new(); points];
    for (j, s) in sets.iter().enumerate() {
        for &i in s {
            rows[i as usize].push(j as u32);
        }
    }
    rows
}

/// Work budget of the LP branch and bound ([`cover_tree`]) on one set-covering piece that
/// the Lagrangian search leaves unproven: nodes times (points + candidates). On 福建's
/// greenfield set covering it proves a 139-point piece and gives the 2,671 × 2,925 piece
/// about 270 nodes (1,000 nodes there, 25 s, leave its bound where the LP puts it).
const COVER_TREE_WORK: u64 = 1_500_000;

/// Local-search rounds of [`improve_cover`] per site of the starting cover.
const ILS_ROUNDS_PER_SITE: usize = 48;

/// Independent chains of [`improve_cover`] per set-covering piece.
const ILS_CHAINS: u64 = 2;

/// Reduced costs `1 − Σ_{i ∈ N_j} u_i` of unit-cost set covering at multipliers `u`.
fn reduced_costs(sets: &[Vec<u32>], u: &[f64]) -> Vec<f64> {
    sets.iter()
        .map(|s| 1.0 - s.iter().map(|&i| u[i as usize].max(0.0)).sum::<f64>())
        .collect()
}

/// Completes the partial cover `open` of points `0..rows.len()` (`rows[i]`: the sets of
/// `sets` covering `i`, sets sorted) by the greedy on Lagrangian costs of Caprara, Fischetti &
/// Toth (1999, *A heuristic method for the set covering problem*): with `μ_j` the points `j`
/// would newly cover and `γ_j = 1 − Σ u_i` over them, take the smallest score
/// `γ_j / μ_j` (`γ_j > 0`) or `γ_j μ_j` (`γ_j <= 0`); with `noise`, each score is scaled by a
/// random factor in [1, 1.05). Then redundant sets leave (largest reduced cost first) and
/// 2-for-1 swaps run until none applies ([`two_for_one`]).
fn lagrangian_greedy(
    sets: &[Vec<u32>],
    rows: &[Vec<u32>],
    u: &[f64],
    open: &[usize],
    mut noise: Option<&mut SplitMix64>,
) -> Vec<usize> {
    let points = rows.len();
    let mut hit = vec![false; points];
    for &j in open {
        for &i in &sets[j] {
            hit[i as usize] = true;
        }
    }
    // Candidate sets: those covering a point left uncovered, in increasing order.
    let mut cols: Vec<usize> = (0..points)
        .filter(|&i| !hit[i])
        .flat_map(|i| rows[i].iter().map(|&j| j as usize))
        .collect();
    cols.sort_unstable();
    cols.dedup();
    let mut slot = vec![usize::MAX; sets.len()];
    for (p, &j) in cols.iter().enumerate() {
        slot[j] = p;
    }
    let mut mu: Vec<usize> = Vec::with_capacity(cols.len());
    let mut gamma: Vec<f64> = Vec::with_capacity(cols.len());
    for &j in &cols {
        let new = sets[j].iter().filter(|&&i| !hit[i as usize]);
        mu.push(new.clone().count());
        gamma.push(1.0 - new.map(|&i| u[i as usize].max(0.0)).sum::<f64>());
    }
    let mut left = hit.iter().filter(|h| !**h).count();
    let mut chosen = open.to_vec();
    while left > 0 {
        let mut best: Option<(f64, usize)> = None;
        for p in 0..cols.len() {
            if mu[p] == 0 {
                continue;
            }
            let g = gamma[p];
            let mut score = if g > 0.0 {
                g / mu[p] as f64
            } else {
                g * mu[p] as f64
            };
            if let Some(rng) = noise.as_deref_mut() {
                score *= 1.0 + 0.05 * rng.below(1000) as f64 / 1000.0;
            }
            if best.is_none_or(|(s, _)| score < s) {
                best = Some((score, p));
            }
        }
        let Some((_, p)) = best else {
            break;
        };
        let j = cols[p];
        chosen.push(j);
        for &i in &sets[j] {
            if !hit[i as usize] {
                hit[i as usize] = true;
                left -= 1;
                for &k in &rows[i as usize] {
                    let q = slot[k as usize];
                    if q != usize::MAX {
                        mu[q] -= 1;
                        gamma[q] += u[i as usize].max(0.0);
                    }
                }
            }
        }
    }
    let rc = reduced_costs(sets, u);
    drop_redundant(sets, points, &mut chosen, &rc);
    while two_for_one(sets, rows, &mut chosen) {}
    chosen
}

/// Removes the sets of `open` whose points the others cover too, largest reduced cost `rc`
/// first (ties: later in `open` first).
fn drop_redundant(sets: &[Vec<u32>], points: usize, open: &mut Vec<usize>, rc: &[f64]) {
    let mut count = vec![0u32; points];
    for &j in open.iter() {
        for &i in &sets[j] {
            count[i as usize] += 1;
        }
    }
    let mut order: Vec<usize> = (0..open.len()).collect();
    order.sort_by(|&a, &b| rc[open[b]].total_cmp(&rc[open[a]]).then(b.cmp(&a)));
    let mut keep = vec![true; open.len()];
    for s in order {
        let j = open[s];
        if sets[j].iter().all(|&i| count[i as usize] >= 2) {
            for &i in &sets[j] {
                count[i as usize] -= 1;
            }
            keep[s] = false;
        }
    }
    let mut slot = 0;
    open.retain(|_| {
        slot += 1;
        keep[slot - 1]
    });
}

/// One 2-for-1 swap on the cover `open`, if any: close `a` and some `b`, open a closed `c`
/// that covers every point only `a` covered, when then nothing only `b` covered is left
/// uncovered. Returns whether the cover shrank. `sets` must be sorted.
fn two_for_one(sets: &[Vec<u32>], rows: &[Vec<u32>], open: &mut Vec<usize>) -> bool {
    let mut count = vec![0u32; rows.len()];
    let mut is_open = vec![false; sets.len()];
    for &j in open.iter() {
        is_open[j] = true;
        for &i in &sets[j] {
            count[i as usize] += 1;
        }
    }
    for &a in open.iter() {
        let only_a: Vec<u32> = sets[a]
            .iter()
            .copied()
            .filter(|&i| count[i as usize] == 1)
            .collect();
        let Some(&first) = only_a.first() else {
            continue;
        };
        for &c in &rows[first as usize] {
            let c = c as usize;
            if is_open[c] || !only_a.iter().all(|i| sets[c].binary_search(i).is_ok()) {
                continue;
            }
            for &i in &sets[c] {
                count[i as usize] += 1;
            }
            for &i in &sets[a] {
                count[i as usize] -= 1;
            }
            let b = sets[c].iter().find_map(|&i| {
                rows[i as usize].iter().map(|&b| b as usize).find(|&b| {
                    b != a && is_open[b] && sets[b].iter().all(|&r| count[r as usize] >= 2)
                })
            });
            if let Some(b) = b {
                open.retain(|&x| x != a && x != b);
                open.push(c);
                return true;
            }
            for &i in &sets[a] {
                count[i as usize] += 1;
            }
            for &i in &sets[c] {
                count[i as usize] -= 1;
            }
        }
    }
    false
}

/// Iterated local search on the cover `start` of points `0..rows.len()`: each of `rounds`
/// rounds closes a random open set and, each with probability one half, the open sets near
/// it (sharing a point with a set that shares a point with it), completes the cover with the
/// randomised [`lagrangian_greedy`] at multipliers `u`, and keeps the result when it is no
/// larger. Stops early at `lower` sets. Returns the smallest cover met.
fn improve_cover(
    sets: &[Vec<u32>],
    rows: &[Vec<u32>],
    u: &[f64],
    start: Vec<usize>,
    lower: usize,
    rounds: usize,
    rng: &mut SplitMix64,
) -> Vec<usize> {
    let mut current = start;
    let mut near = vec![false; sets.len()];
    let mut marked: Vec<usize> = Vec::new();
    for _ in 0..rounds {
        if current.len() <= lower || current.is_empty() {
            break;
        }
        let a = current[rng.below(current.len())];
        for &i in &sets[a] {
            for &k in &rows[i as usize] {
                for &i2 in &sets[k as usize] {
                    for &b in &rows[i2 as usize] {
                        if !near[b as usize] {
                            near[b as usize] = true;
                            marked.push(b as usize);
                        }
                    }
                }
            }
        }
        let mut kept = Vec::with_capacity(current.len());
        for &j in &current {
            let close = j == a || (near[j] && rng.below(2) == 0);
            if !close {
                kept.push(j);
            }
        }
        for &b in &marked {
            near[b] = false;
        }
        marked.clear();
        let next = lagrangian_greedy(sets, rows, u, &kept, Some(rng));
        if next.len() <= current.len() {
            current = next;
        }
    }
    current
}

/// Rounds a lower bound up to a whole number of sites, with a margin for round-off.
fn ceil_bound(l: f64) -> usize {
    (l - 1e-6).ceil().max(0.0) as usize
}

/// Set covering of points `0..points` by `sets` as maximal covering with unit weights and the
/// goal of covering every point, for each count from `lower` while below `upper`: the first
/// count that covers everything, or a proof that none does, within the node limit. Returns
/// the cover found (if any) and a proven lower bound on every cover's size (the found
/// cover's size when found).
fn cover_search(
    sets: &[Vec<u32>],
    points: usize,
    lower: usize,
    upper: usize,
    opts: &CoverageOptions,
) -> (Option<Vec<usize>>, usize) {
    let unit = vec![1.0; points];
    let counting = Part {
        cands: (0..sets.len() as u32).collect(),
        weight: unit.clone(),
        sets: sets.to_vec(),
    };
    let mclp = Mclp::new(&unit, sets);
    let limits = MclpLimits {
        nodes: opts.node_limit,
        ..MclpLimits::default()
    };
    let goal = points as f64;
    let mut lambda = Vec::new();
    let mut proven = lower.max(1);
    for k in lower.max(1)..upper {
        let mut start = counting.greedy(&[], k, None);
        counting.swap(&mut start);
        let r = mclp.solve(k, &start, &mut lambda, Some(goal), &limits, &|o| {
            counting.swap(o)
        });
        if r.value >= goal - 1e-9 {
            return (Some(r.open), k);
        }
        if r.bound < goal - 1e-9 {
            proven = k + 1;
        } else {
            // Neither found nor ruled out within the node limit: larger counts would cost
            // as much again.
            break;
        }
    }
    (None, proven)
}

fn is_subset(small: &[u32], big: &[u32]) -> bool {
    let mut it = big.iter();
    small.iter().all(|x| it.by_ref().any(|y| y == x))
}

/// Subsets of size `k` of `n` items, capped to avoid overflow.
fn binomial(n: usize, k: usize) -> u128 {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    (0..k).fold(1u128, |acc, i| {
        (acc * (n - i) as u128 / (i + 1) as u128).min(u128::MAX / 1024)
    })
}

impl Part {
    fn total(&self) -> f64 {
        self.weight.iter().sum()
    }

    fn value_of(&self, open: &[usize]) -> f64 {
        let mut hit = vec![false; self.weight.len()];
        for &j in open {
            for &i in &self.sets[j] {
                hit[i as usize] = true;
            }
        }
        hit.iter()
            .zip(&self.weight)
            .filter(|(h, _)| **h)
            .map(|(_, w)| *w)
            .sum()
    }

    /// The component's curve up to full coverage or `cap` sites.
    ///
    /// Budgets are solved in blocks of [`CURVE_BLOCK`] consecutive `k`: inside a block each
    /// budget starts its local search from the previous budget's answer and its branch and
    /// bound from the previous budget's multipliers; every block starts afresh. Blocks are
    /// solved in parallel when `opts.parallel` and collected in order, so the answer is the
    /// same for any thread count. The first round covers the budgets up to the size of a
    /// greedy full cover (where the curve must end), later rounds one block at a time.
    fn solve(&self, cap: usize, opts: &CoverageOptions, stream: u64) -> Component {
        let total = self.total();
        let n = self.cands.len();
        let last = cap.min(n);
        let mut comp = Component {
            value: vec![0.0],
            bound: vec![0.0],
            sites: vec![Vec::new()],
            counts: [0; 3],
        };
        let masks: Option<Vec<u64>> = (self.weight.len() <= 64).then(|| {
            self.sets
                .iter()
                .map(|s| s.iter().fold(0u64, |m, &i| m | 1 << i))
                .collect()
        });
        let mut opens: Vec<Vec<usize>> = vec![Vec::new()];
        let mut reach = self.greedy_cover_size().min(last);
        let mut next_block = 0;
        let mut done = total <= Certificate::TOLERANCE || last == 0;
        while !done {
            let end_block = reach.div_ceil(CURVE_BLOCK).max(next_block + 1);
            let run = |b: usize| self.solve_block(b, last, masks.as_deref(), opts, stream);
            let blocks: Vec<Vec<BudgetAnswer>> = if opts.parallel {
                (next_block..end_block).into_par_iter().map(run).collect()
            } else {
                (next_block..end_block).map(run).collect()
            };
            for answer in blocks.into_iter().flatten() {
                if done {
                    break;
                }
                comp.counts[answer.how as usize] += 1;
                if answer.how == How::Proven {
                    comp.counts[How::Searched as usize] += 1;
                }
                comp.value.push(answer.value);
                comp.bound.push(answer.bound.max(answer.value).min(total));
                let mut global: Vec<u32> = answer.open.iter().map(|&j| self.cands[j]).collect();
                global.sort_unstable();
                comp.sites.push(global);
                opens.push(answer.open);
                let k = comp.value.len() - 1;
                done = answer.value >= total - Certificate::TOLERANCE || k >= last;
            }
            next_block = end_block;
            reach = (end_block + 1) * CURVE_BLOCK;
        }
        self.improve_backward(&mut comp, &mut opens);
        comp
    }

    /// The budgets `b·CURVE_BLOCK + 1 ..= (b + 1)·CURVE_BLOCK` (at most `last`) of the curve,
    /// up to the first that covers everything: enumeration where `masks` is given and the
    /// subsets are few, otherwise local search and branch and bound ([`Part::curve_search`]),
    /// each budget warm-started from the one before inside the block.
    fn solve_block(
        &self,
        b: usize,
        last: usize,
        masks: Option<&[u64]>,
        opts: &CoverageOptions,
        stream: u64,
    ) -> Vec<BudgetAnswer> {
        let total = self.total();
        let n = self.cands.len();
        let mut previous: Vec<usize> = Vec::new();
        let mut lambda: Vec<f64> = Vec::new();
        let mut answers = Vec::new();
        let mut quick_closed = true;
        // Every budget of the curve gets the whole node limit and subgradient bounds only,
        // from the previous budget's multipliers. (The LP relaxation's duals and rounding at
        // the root, as `solve_budget` uses, close more budgets on dense instances but cost an
        // interior-point solve per budget: on 泰州's greenfield curve 49 proven points
        // instead of 42 and a largest gap of 0.14 % instead of 0.6 %, at 1.8 times the time.)
        let nodes = opts.node_limit;
        for k in b * CURVE_BLOCK + 1..=((b + 1) * CURVE_BLOCK).min(last) {
            let answer = match masks {
                Some(m) if binomial(n, k) <= opts.enumeration_limit => {
                    let (open, value) = self.enumerate(m, k);
                    BudgetAnswer {
                        open,
                        value,
                        bound: value,
                        how: How::Enumerated,
                    }
                }
                _ => {
                    let (open, _) = self.local_search(&previous, k, opts, stream);
                    // Where the previous budget's short search left a gap, the next one's
                    // rarely closes either: its root alone then, for multipliers and answers.
                    let quick = if quick_closed { QUICK_NODES } else { 1 };
                    let (r, closed) = self.curve_search(k, &open, &mut lambda, quick, nodes);
                    quick_closed = closed;
                    let how = if r.bound - r.value <= Certificate::TOLERANCE {
                        How::Proven
                    } else {
                        How::Searched
                    };
                    BudgetAnswer {
                        bound: r.bound.min(self.trivial_bound(k)),
                        open: r.open,
                        value: r.value,
                        how,
                    }
                }
            };
            previous.clone_from(&answer.open);
            let full = answer.value >= total - Certificate::TOLERANCE;
            answers.push(answer);
            if full {
                break;
            }
        }
        answers
    }

    /// The number of sites of a greedy full cover (most uncovered points first, ties to the
    /// lower index): the curve reaches full coverage by then.
    fn greedy_cover_size(&self) -> usize {
        let rows = point_lists(&self.sets, self.weight.len());
        let mut left_in: Vec<usize> = self.sets.iter().map(Vec::len).collect();
        let mut hit = vec![false; self.weight.len()];
        let mut count = 0;
        loop {
            let mut best = (0, 0);
            for (j, &c) in left_in.iter().enumerate() {
                if c > best.0 {
                    best = (c, j);
                }
            }
            if best.0 == 0 {
                return count;
            }
            count += 1;
            for &i in &self.sets[best.1] {
                if !hit[i as usize] {
                    hit[i as usize] = true;
                    for &t in &rows[i as usize] {
                        left_in[t as usize] -= 1;
                    }
                }
            }
        }
    }

    /// `open` cut to `k` sites: the site whose closing loses least (ties to the earlier
    /// slot) closes, one at a time, then swaps improve the rest ([`Part::swap`]).
    fn shrink(&self, mut open: Vec<usize>, k: usize) -> Vec<usize> {
        let mut count = vec![0u32; self.weight.len()];
        for &j in &open {
            for &i in &self.sets[j] {
                count[i as usize] += 1;
            }
        }
        while open.len() > k {
            let loss = |j: usize| -> f64 {
                self.sets[j]
                    .iter()
                    .filter(|&&i| count[i as usize] == 1)
                    .map(|&i| self.weight[i as usize])
                    .sum()
            };
            let slot = (0..open.len())
                .min_by(|&a, &b| loss(open[a]).total_cmp(&loss(open[b])).then(a.cmp(&b)))
                .expect("more than k sites are open");
            for &i in &self.sets[open[slot]] {
                count[i as usize] -= 1;
            }
            open.remove(slot);
        }
        self.swap(&mut open);
        open
    }

    /// Answers for smaller budgets from larger ones: for each budget from the second largest
    /// down, the next budget's answer without the site whose closing loses least, improved by
    /// swaps, replaces the budget's answer when it covers more.
    fn improve_backward(&self, comp: &mut Component, opens: &mut [Vec<usize>]) {
        for k in (1..opens.len().saturating_sub(1)).rev() {
            if comp.bound[k] - comp.value[k] <= Certificate::TOLERANCE || opens[k + 1].len() <= k {
                continue;
            }
            let mut open = self.shrink(opens[k + 1].clone(), k);
            let v = self.value_of(&open);
            if v > comp.value[k] + 1e-9 {
                comp.value[k] = v;
                if comp.bound[k] - v <= Certificate::TOLERANCE {
                    comp.counts[2] += 1;
                }
                comp.bound[k] = comp.bound[k].max(v);
                open.sort_unstable();
                let mut global: Vec<u32> = open.iter().map(|&j| self.cands[j]).collect();
                global.sort_unstable();
                comp.sites[k] = global;
                opens[k] = open;
            }
        }
    }

    /// The best `k` of these candidates solved as one problem (no curve): local search for a
    /// start, then [`Part::budget_search`]; the candidates (local indices), their value and a
    /// proven upper bound.
    fn solve_one(&self, k: usize, opts: &CoverageOptions) -> (Vec<usize>, f64, f64) {
        let k = k.min(self.cands.len());
        if k == 0 {
            (Vec::new(), 0.0, 0.0)
        } else if k == self.cands.len() {
            let v = self.total();
            ((0..k).collect(), v, v)
        } else {
            let (start, _) = self.local_search(&[], k, opts, 0);
            let mut lambda = Vec::new();
            let r = self.budget_search(k, &start, &mut lambda, QUICK_NODES, opts.node_limit);
            (r.open, r.value, r.bound.min(self.trivial_bound(k)))
        }
    }

    /// Whether `k` of these candidates cover at least `goal`, each step run only when the one
    /// before leaves it open: local search, from scratch and from `larger` (an answer with
    /// more sites, shrunk by [`Part::shrink`]); a short Lagrangian search for an answer reaching
    /// `goal` (its bound, once below `goal`, proves none exists); the LP relaxation's `k`
    /// largest values improved by swaps (LP rounding); LP-based branch and bound for an answer
    /// reaching `goal` after reduced-cost fixing against it ([`mclp_mip_fixed`] with a goal,
    /// on at most [`GOAL_MIP_PAIRS`] pairs), or [`Part::solve_one`] where the LP solver fails.
    /// The answer found, its value and a proven upper bound, as [`Part::solve_one`].
    fn decide(
        &self,
        k: usize,
        goal: f64,
        larger: &[usize],
        opts: &CoverageOptions,
    ) -> (Vec<usize>, f64, f64) {
        let k = k.min(self.cands.len());
        if k == 0 || k == self.cands.len() {
            return self.solve_one(k, opts);
        }
        let (mut start, mut value) = self.local_search(&[], k, opts, 0);
        if value < goal && larger.len() > k {
            let shrunk = self.shrink(larger.to_vec(), k);
            let v = self.value_of(&shrunk);
            if v > value {
                (start, value) = (shrunk, v);
            }
        }
        if value >= goal {
            return (start, value, self.trivial_bound(k).max(value));
        }
        let mclp = Mclp::new(&self.weight, &self.sets);
        let quick = MclpLimits {
            nodes: opts.node_limit.min(QUICK_NODES),
            root_lp: false,
            ..MclpLimits::default()
        };
        let mut lambda = Vec::new();
        let r = mclp.solve(k, &start, &mut lambda, Some(goal), &quick, &|o| {
            self.swap(o)
        });
        let bound = r.bound.min(self.trivial_bound(k));
        if r.value >= goal || bound < goal {
            return (r.open, r.value, bound);
        }
        let (fixing, x) = self.lp_relaxation(k, &lambda);
        if let Some(x) = x {
            // LP rounding: the `k` largest LP values, improved by swaps.
            let mut order: Vec<usize> = (0..x.len()).collect();
            order.sort_by(|&a, &b| x[b].total_cmp(&x[a]).then(a.cmp(&b)));
            let mut open = order[..k].to_vec();
            self.swap(&mut open);
            let v = self.value_of(&open);
            if v >= goal {
                open.sort_unstable();
                return (open, v, bound.max(v));
            }
        }
        let nodes = opts.node_limit;
        match mclp_mip_fixed(
            &self.weight,
            &self.sets,
            k,
            &r.open,
            &fixing,
            nodes,
            Some(goal),
            GOAL_MIP_PAIRS,
        ) {
            Some(d) => {
                let best = MclpResult { bound, ..r }.best_of(d);
                (best.open, best.value, best.bound)
            }
            None => self.solve_one(k, opts),
        }
    }

    /// One budget of the curve: Lagrangian branch and bound with subgradient bounds only
    /// (`quick_nodes` nodes, at most `nodes`; multipliers carried in `lambda` from budget to
    /// budget), which settles the easy budgets in milliseconds; then, when a gap is left,
    /// LP-based branch and bound ([`mclp_mip_fixed`]) from its answer under `nodes` nodes,
    /// after reduced-cost fixing with the better of the subgradient multipliers and the LP
    /// relaxation's duals ([`Part::lp_multipliers`]), which then go on to the next budget.
    /// The bound is the smaller; the flag says whether the first phase closed the gap.
    fn curve_search(
        &self,
        k: usize,
        start: &[usize],
        lambda: &mut Vec<f64>,
        quick_nodes: u64,
        nodes: u64,
    ) -> (MclpResult, bool) {
        let mclp = Mclp::new(&self.weight, &self.sets);
        let quick = MclpLimits {
            nodes: nodes.min(quick_nodes),
            root_lp: false,
            ..MclpLimits::default()
        };
        let first = mclp.solve(k, start, lambda, None, &quick, &|o| self.swap(o));
        if first.bound - first.value <= Certificate::TOLERANCE {
            return (first, true);
        }
        let fixing = self.lp_multipliers(k, lambda);
        let r = match mclp_mip_fixed(
            &self.weight,
            &self.sets,
            k,
            &first.open,
            &fixing,
            nodes,
            None,
            usize::MAX,
        ) {
            Some(second) => first.best_of(second),
            None => first,
        };
        // The fixing multipliers start the next budget's search.
        *lambda = fixing;
        (r, false)
    }

    /// Multipliers for reduced-cost fixing at budget `k`: the duals of the LP relaxation
    /// ([`mclp_lp`], an interior-point solve) where their bound `L(λ)`, evaluated exactly, is
    /// below that of `lambda` (the subgradient search's); otherwise `lambda`.
    fn lp_multipliers(&self, k: usize, lambda: &[f64]) -> Vec<f64> {
        self.lp_relaxation(k, lambda).0
    }

    /// [`Part::lp_multipliers`], and the LP relaxation's `x` (one per candidate) where the
    /// LP solver converged.
    fn lp_relaxation(&self, k: usize, lambda: &[f64]) -> (Vec<f64>, Option<Vec<f64>>) {
        let m = self.weight.len();
        let ours = if lambda.len() == m {
            lagrangian_bound(&self.weight, &self.sets, lambda, k)
        } else {
            f64::INFINITY
        };
        match mclp_lp(&self.weight, &self.sets, k) {
            Some((lp, x)) if lagrangian_bound(&self.weight, &self.sets, &lp, k) < ours => {
                (lp, Some(x))
            }
            Some((_, x)) => (lambda.to_vec(), Some(x)),
            None => (lambda.to_vec(), None),
        }
    }

    /// Branch and bound for budget `k` from the answer `start`, in up to three phases, each
    /// run only when the one before leaves a gap: a short Lagrangian search with subgradient
    /// bounds only (`quick_nodes` nodes); LP-based branch and bound ([`mclp_mip_fixed`])
    /// under `nodes` nodes after reduced-cost fixing with the better of the first phase's
    /// multipliers and the LP relaxation's duals ([`Part::lp_multipliers`]); and, only where
    /// the LP solver fails, a Lagrangian search with `nodes` nodes from the LP relaxation's
    /// duals at the root. `lambda` carries the multipliers in. The bound is the smallest of
    /// the proven ones.
    fn budget_search(
        &self,
        k: usize,
        start: &[usize],
        lambda: &mut Vec<f64>,
        quick_nodes: u64,
        nodes: u64,
    ) -> MclpResult {
        let mclp = Mclp::new(&self.weight, &self.sets);
        let quick = MclpLimits {
            nodes: nodes.min(quick_nodes),
            root_lp: false,
            ..MclpLimits::default()
        };
        let first = mclp.solve(k, start, lambda, None, &quick, &|o| self.swap(o));
        if first.bound - first.value <= Certificate::TOLERANCE || nodes <= quick_nodes {
            return first;
        }
        let fixing = self.lp_multipliers(k, lambda);
        if let Some(second) = mclp_mip_fixed(
            &self.weight,
            &self.sets,
            k,
            &first.open,
            &fixing,
            nodes,
            None,
            usize::MAX,
        ) {
            return first.best_of(second);
        }
        let full = MclpLimits {
            nodes,
            root_lp: true,
            ..MclpLimits::default()
        };
        let mut again = lambda.clone();
        let second = mclp.solve(k, &first.open, &mut again, None, &full, &|o| self.swap(o));
        first.best_of(second)
    }

    /// Best `k`-subset by complete enumeration over point bitmasks (at most 64 points).
    fn enumerate(&self, masks: &[u64], k: usize) -> (Vec<usize>, f64) {
        let value = |m: u64| -> f64 {
            let mut v = 0.0;
            let mut bits = m;
            while bits != 0 {
                let i = bits.trailing_zeros() as usize;
                v += self.weight[i];
                bits &= bits - 1;
            }
            v
        };
        let n = masks.len();
        // Lexicographic walk over k-combinations `idx[0] < … < idx[k-1]`.
        let mut idx: Vec<usize> = (0..k).collect();
        let mut best = (f64::NEG_INFINITY, Vec::new());
        loop {
            let v = value(idx.iter().fold(0u64, |m, &j| m | masks[j]));
            if v > best.0 + 1e-9 {
                best = (v, idx.clone());
            }
            let Some(pos) = (0..k).rev().find(|&p| idx[p] < n - k + p) else {
                break;
            };
            idx[pos] += 1;
            for p in pos + 1..k {
                idx[p] = idx[p - 1] + 1;
            }
        }
        (best.1, best.0)
    }

    /// Greedy (extending the previous budget's answer, and randomised starts), each improved
    /// by best-improvement swaps; the best answer, ties to the smaller index list.
    fn local_search(
        &self,
        previous: &[usize],
        k: usize,
        opts: &CoverageOptions,
        stream: u64,
    ) -> (Vec<usize>, f64) {
        let mut best: Option<(Vec<usize>, f64)> = None;
        for start in 0..=opts.starts {
            let mut rng = SplitMix64::new(
                opts.seed,
                stream.wrapping_mul(1_000_003) ^ ((k as u64) << 20) ^ start as u64,
            );
            let seed_set = if start == 0 { previous } else { &[][..] };
            let mut open = self.greedy(seed_set, k, if start == 0 { None } else { Some(&mut rng) });
            self.swap(&mut open);
            let v = self.value_of(&open);
            let mut sorted = open.clone();
            sorted.sort_unstable();
            let better = match &best {
                None => true,
                Some((b, bv)) => v > bv + 1e-9 || ((v - bv).abs() <= 1e-9 && sorted < *b),
            };
            if better {
                best = Some((sorted, v));
            }
        }
        best.expect("at least the plain greedy start runs")
    }

    /// Adds sites by largest gain until `k` are open; with `rng`, each pick is random among
    /// the three largest gains (ties to the lower index). Gains are kept in a heap and
    /// recomputed only when they reach its top (they never grow as sites open, so a stored
    /// gain bounds the true one: lazy evaluation, Minoux 1978), which picks exactly what
    /// recomputing every gain at every step would.
    fn greedy(&self, start: &[usize], k: usize, rng: Option<&mut SplitMix64>) -> Vec<usize> {
        self.greedy_to(start, k, rng, f64::INFINITY)
    }

    /// [`Part::greedy`] that also stops once the gains of its picks add up to `need`; with
    /// `need` finite it never picks a site that gains nothing.
    fn greedy_to(
        &self,
        start: &[usize],
        k: usize,
        mut rng: Option<&mut SplitMix64>,
        need: f64,
    ) -> Vec<usize> {
        use std::collections::BinaryHeap;
        let mut hit = vec![false; self.weight.len()];
        let mut open: Vec<usize> = start.to_vec();
        let mut is_open = vec![false; self.cands.len()];
        for &j in &open {
            is_open[j] = true;
            for &i in &self.sets[j] {
                hit[i as usize] = true;
            }
        }
        let gain = |j: usize, hit: &[bool]| -> f64 {
            self.sets[j]
                .iter()
                .filter(|&&i| !hit[i as usize])
                .map(|&i| self.weight[i as usize])
                .sum()
        };
        let mut heap: BinaryHeap<Gain> = (0..self.cands.len())
            .filter(|&j| !is_open[j])
            .map(|j| Gain(gain(j, &hit), j))
            .collect();
        let mut value = 0.0;
        while open.len() < k && !heap.is_empty() && value < need {
            let t = if rng.is_some() { heap.len().min(3) } else { 1 };
            // The `t` largest true gains, in order.
            let mut fresh: Vec<Gain> = Vec::with_capacity(t + 1);
            while let Some(top) = heap.peek() {
                if fresh.len() >= t && *top <= fresh[t - 1] {
                    break;
                }
                let Gain(stored, j) = heap.pop().expect("peeked");
                let now = gain(j, &hit);
                if now == stored {
                    let at = fresh.partition_point(|f| *f > Gain(now, j));
                    fresh.insert(at, Gain(now, j));
                } else {
                    heap.push(Gain(now, j));
                }
            }
            let slot = match rng.as_deref_mut() {
                Some(r) => r.below(t),
                None => 0,
            };
            if need.is_finite() && fresh[slot].0 <= 0.0 {
                break;
            }
            let Gain(g, pick) = fresh.remove(slot);
            value += g;
            heap.extend(fresh);
            is_open[pick] = true;
            open.push(pick);
            for &i in &self.sets[pick] {
                hit[i as usize] = true;
            }
        }
        open
    }

    /// Adds the site of largest gain (ties to the lower index) until the weight covered
    /// reaches `need` or nothing more can be gained ([`Part::greedy_to`]).
    fn greedy_until(&self, need: f64) -> Vec<usize> {
        self.greedy_to(&[], self.cands.len(), None, need)
    }

    /// Best-improvement swap local search with cover counts: the loss of closing `j` is the
    /// weight only `j` covers; the gain of opening `c` is the weight nobody covers plus,
    /// for the swap `(j, c)`, the weight only `j` covers that `c` covers too. Each pass takes
    /// the best swap (ties: the lower candidate, then the lower slot) while it gains.
    ///
    /// Only the open sites owning a point of `c` (touched) get that extra weight; among the
    /// others the best to close is the one of least loss, read from the slots sorted by loss
    /// once a pass, so a pass costs the candidates' pairs rather than candidates × sites.
    fn swap(&self, open: &mut [usize]) {
        let n = self.cands.len();
        let m = self.weight.len();
        let k = open.len();
        let mut cover = vec![0u32; m];
        let mut is_open = vec![false; n];
        for &j in open.iter() {
            is_open[j] = true;
            for &i in &self.sets[j] {
                cover[i as usize] += 1;
            }
        }
        let mut owner = vec![usize::MAX; m];
        let mut extra = vec![0.0; k];
        let mut touched_mark = vec![false; k];
        let mut touched: Vec<usize> = Vec::new();
        loop {
            // Loss per open site and the unique owner of singly covered points.
            let mut loss = vec![0.0; k];
            for (slot, &j) in open.iter().enumerate() {
                for &i in &self.sets[j] {
                    if cover[i as usize] == 1 {
                        loss[slot] += self.weight[i as usize];
                        owner[i as usize] = slot;
                    }
                }
            }
            let mut by_loss: Vec<usize> = (0..k).collect();
            by_loss.sort_by(|&a, &b| loss[a].total_cmp(&loss[b]).then(a.cmp(&b)));
            let mut best: Option<(f64, usize, usize)> = None;
            for (c, _) in is_open.iter().enumerate().filter(|(_, o)| !**o) {
                let mut gain = 0.0;
                for &i in &self.sets[c] {
                    match cover[i as usize] {
                        0 => gain += self.weight[i as usize],
                        1 => {
                            let slot = owner[i as usize];
                            if !touched_mark[slot] {
                                touched_mark[slot] = true;
                                touched.push(slot);
                            }
                            extra[slot] += self.weight[i as usize];
                        }
                        _ => {}
                    }
                }
                // The best slot for `c`: the largest `gain − loss + extra`, ties to the
                // lower slot.
                let mut here: Option<(f64, usize)> = by_loss
                    .iter()
                    .find(|&&slot| !touched_mark[slot])
                    .map(|&slot| (gain - loss[slot], slot));
                for &slot in &touched {
                    let delta = gain - loss[slot] + extra[slot];
                    if here.is_none_or(|(d, s)| delta > d || (delta == d && slot < s)) {
                        here = Some((delta, slot));
                    }
                    extra[slot] = 0.0;
                    touched_mark[slot] = false;
                }
                touched.clear();
                if let Some((delta, slot)) = here
                    && delta > 1e-9
                    && best.is_none_or(|(d, _, _)| delta > d + 1e-12)
                {
                    best = Some((delta, slot, c));
                }
            }
            let Some((_, slot, c)) = best else {
                break;
            };
            let j = open[slot];
            for &i in &self.sets[j] {
                cover[i as usize] -= 1;
            }
            for &i in &self.sets[c] {
                cover[i as usize] += 1;
            }
            is_open[j] = false;
            is_open[c] = true;
            open[slot] = c;
        }
    }

    /// All parts as one instance (points and candidates renumbered in part order).
    fn join(parts: Vec<Part>) -> Part {
        let mut whole = Part {
            cands: Vec::new(),
            weight: Vec::new(),
            sets: Vec::new(),
        };
        for part in parts {
            let offset = whole.weight.len() as u32;
            whole.cands.extend(part.cands);
            whole.weight.extend(part.weight);
            whole.sets.extend(
                part.sets
                    .into_iter()
                    .map(|s| s.into_iter().map(|i| i + offset).collect()),
            );
        }
        whole
    }

    /// The fewest candidates covering every point of the part, and a proven lower bound on
    /// that number (equal when proven optimal).
    ///
    /// Set-covering reductions first, repeated until nothing changes (Toregas & ReVelle
    /// 1973): a point with one candidate forces it; a point whose candidates include all of
    /// another point's is dropped (covering the other covers it); a candidate whose points
    /// are a subset of another's is dropped. What is left often falls apart into independent
    /// pieces (the forced candidates were the bridges), so it is split into connected
    /// components again and each piece is solved on its own ([`Part::cover_piece`]): a cover
    /// of the whole is the union of the pieces' covers, and every cover of the whole needs at
    /// least each piece's whole-number lower bound in that piece, so the bounds add after
    /// rounding up one by one.
    fn cover_all(&self, opts: &CoverageOptions) -> (Vec<usize>, usize) {
        let core = CoverCore::new(&self.sets, self.weight.len());
        let mut open = core.forced.clone();
        let mut lower = core.forced.len();
        for (index, piece) in split_core(&core.sets, core.points).into_iter().enumerate() {
            let (chosen, lo) = self.cover_piece(&piece, opts, index as u64);
            lower += lo;
            open.extend(chosen.iter().map(|&t| core.cols[piece.cols[t]]));
        }
        open.sort_unstable();
        (open, lower)
    }

    /// The fewest candidates of one connected piece of a reduced set-covering instance
    /// (`piece.cols` name its candidates among the reduced ones; the answer indexes
    /// `piece.sets`), and a proven lower bound on that number. `stream` seeds the piece's
    /// random choices.
    ///
    /// A cover from the plain greedy, from LP rounding, and from the greedy on Lagrangian
    /// costs at the LP duals, improved by [`ILS_CHAINS`] local-search chains
    /// ([`improve_cover`]); the lower bound
    /// is the Lagrangian bound at the LP duals (the LP value), rounded up; then swaps and the
    /// search over the count with reduced-cost fixing; a piece still unproven goes to the LP
    /// branch and bound ([`cover_tree`]) within [`COVER_TREE_WORK`].
    fn cover_piece(
        &self,
        piece: &CoverCore,
        opts: &CoverageOptions,
        stream: u64,
    ) -> (Vec<usize>, usize) {
        let core = piece;
        let m = core.points;
        let counting = Part {
            cands: core.cols.iter().map(|&j| j as u32).collect(),
            weight: vec![1.0; m],
            sets: core.sets.clone(),
        };
        let greedy = counting.greedy(&[], counting.cands.len(), None);
        let mut chosen = counting.without_redundant(greedy);
        let mut lower = 1usize;
        let lp = (chosen.len() > 1)
            .then(|| cover_lp(&core.sets, m))
            .flatten();
        if let Some((u, x)) = &lp {
            lower = lower.max(ceil_bound(cover_lagrangian(&core.sets, u)));
            // LP rounding: candidates by decreasing LP value, each taken while it covers
            // something new, then the redundant ones dropped (smallest LP value first).
            let mut order: Vec<usize> = (0..core.sets.len()).collect();
            order.sort_by(|&a, &b| x[b].total_cmp(&x[a]).then(a.cmp(&b)));
            let mut hit = vec![false; m];
            let mut left = m;
            let mut open = Vec::new();
            for j in order {
                if left == 0 {
                    break;
                }
                if core.sets[j].iter().any(|&i| !hit[i as usize]) {
                    for &i in &core.sets[j] {
                        if !hit[i as usize] {
                            hit[i as usize] = true;
                            left -= 1;
                        }
                    }
                    open.push(j);
                }
            }
            let rounded = counting.without_redundant(open);
            if rounded.len() < chosen.len() {
                chosen = rounded;
            }
        } else if chosen.len() > 1 {
            lower = lower.max(cover_lower_bound(&core.sets, m, chosen.len(), 3_000));
        }
        if chosen.len() > lower {
            // Without LP duals the Lagrangian costs are the plain ones (u = 0).
            let zero = vec![0.0; m];
            let u = lp.as_ref().map_or(&zero, |(u, _)| u);
            let rows = point_lists(&core.sets, m);
            let priced = lagrangian_greedy(&core.sets, &rows, u, &[], None);
            if priced.len() < chosen.len() {
                chosen = priced;
            }
            // Independent chains from the same start, in parallel; the smallest cover wins
            // (ties: the first chain), so the answer does not depend on the thread count.
            let rounds = ILS_ROUNDS_PER_SITE * chosen.len();
            let chain = |c: u64| {
                let mut rng = SplitMix64::new(opts.seed, 0x5c0e_u64 ^ stream ^ (c << 32));
                improve_cover(
                    &core.sets,
                    &rows,
                    u,
                    chosen.clone(),
                    lower,
                    rounds,
                    &mut rng,
                )
            };
            let chains: Vec<Vec<usize>> = if opts.parallel {
                (0..ILS_CHAINS).into_par_iter().map(chain).collect()
            } else {
                (0..ILS_CHAINS).map(chain).collect()
            };
            if let Some(best) = chains.into_iter().min_by_key(Vec::len) {
                chosen = best;
            }
        }
        // Fewer sites by swaps: drop the site covering least on its own, then swap for
        // coverage; a full cover replaces the best one.
        while chosen.len() > lower {
            let mut count = vec![0u32; m];
            for &j in &chosen {
                for &i in &core.sets[j] {
                    count[i as usize] += 1;
                }
            }
            let own = |j: usize| {
                core.sets[j]
                    .iter()
                    .filter(|&&i| count[i as usize] == 1)
                    .count()
            };
            let Some(drop) = (0..chosen.len()).min_by_key(|&s| (own(chosen[s]), s)) else {
                break;
            };
            let mut open = chosen.clone();
            open.remove(drop);
            counting.swap(&mut open);
            if counting.value_of(&open) >= m as f64 - 0.5 {
                chosen = counting.without_redundant(open);
            } else {
                break;
            }
        }
        if chosen.len() > lower {
            let (better, proven) = match &lp {
                Some((u, _)) => self.cover_search_fixed(core, u, &chosen, lower, opts),
                None => cover_search(&core.sets, m, lower, chosen.len(), opts),
            };
            if let Some(better) = better {
                chosen = better;
            }
            lower = lower.max(proven);
        }
        if chosen.len() > lower {
            // LP-based branch and bound on what is left open, within a work budget.
            let size = (m + core.sets.len()).max(1) as u64;
            let nodes = (COVER_TREE_WORK / size).min(opts.node_limit.saturating_mul(4));
            if let Some(r) = cover_tree(&core.sets, m, &chosen, lower, nodes) {
                if let Some(better) = r.better {
                    chosen = counting.without_redundant(better);
                }
                lower = lower.max(r.lower);
            }
        }
        let lower = lower.min(chosen.len());
        (chosen, lower)
    }

    /// A cover of `core` with fewer than `best.len()` sites, searched for among the covers
    /// that Lagrangian reduced-cost fixing with the set-covering multipliers `u` leaves
    /// (Beasley 1990): with `L = L(u)` and the reduced cost `c_j = 1 − Σ_{i ∈ N_j} u_i`,
    /// every cover `x` has `|x| >= L + c_j` when it opens `j` (for `c_j > 0`) and
    /// `|x| >= L − c_j` when it leaves `j` closed (for `c_j < 0`), so a cover smaller than
    /// `best` leaves `j` closed, or opens it, whenever the other choice costs more. Returns
    /// the better cover found (indices into `core.sets`) and a proven lower bound on the
    /// size of every cover.
    fn cover_search_fixed(
        &self,
        core: &CoverCore,
        u: &[f64],
        best: &[usize],
        lower: usize,
        opts: &CoverageOptions,
    ) -> (Option<Vec<usize>>, usize) {
        let m = core.points;
        let l = cover_lagrangian(&core.sets, u);
        let limit = (best.len() - 1) as f64 + 1e-6;
        let rc: Vec<f64> = core
            .sets
            .iter()
            .map(|s| 1.0 - s.iter().map(|&i| u[i as usize].max(0.0)).sum::<f64>())
            .collect();
        let fixed_in: Vec<usize> = (0..rc.len()).filter(|&j| l - rc[j] > limit).collect();
        let keep: Vec<bool> = rc.iter().map(|&c| l + c <= limit).collect();
        let mut hit = vec![false; m];
        for &j in &fixed_in {
            for &i in &core.sets[j] {
                hit[i as usize] = true;
            }
        }
        let mut index = vec![u32::MAX; m];
        let mut rest = 0u32;
        for i in 0..m {
            if !hit[i] {
                index[i] = rest;
                rest += 1;
            }
        }
        let rest = rest as usize;
        let cols: Vec<usize> = (0..rc.len())
            .filter(|&j| keep[j] && !fixed_in.contains(&j))
            .collect();
        let sets: Vec<Vec<u32>> = cols
            .iter()
            .map(|&j| {
                core.sets[j]
                    .iter()
                    .filter(|&&i| !hit[i as usize])
                    .map(|&i| index[i as usize])
                    .collect()
            })
            .collect();
        let mut reach = vec![false; rest];
        for s in &sets {
            for &i in s {
                reach[i as usize] = true;
            }
        }
        if reach.iter().any(|r| !r) {
            // No cover smaller than `best` exists.
            return (None, best.len());
        }
        let sub = CoverCore::new(&sets, rest);
        let base = fixed_in.len() + sub.forced.len();
        let assemble = |open: &[usize]| -> Vec<usize> {
            let mut all = fixed_in.clone();
            all.extend(sub.forced.iter().map(|&t| cols[t]));
            all.extend(open.iter().map(|&t| cols[sub.cols[t]]));
            all
        };
        if base >= best.len() {
            return (None, best.len());
        }
        if sub.points == 0 {
            return (Some(assemble(&[])), base);
        }
        let (found, proven) = cover_search(
            &sub.sets,
            sub.points,
            lower.saturating_sub(base).max(1),
            best.len() - base,
            opts,
        );
        match found {
            Some(open) => (Some(assemble(&open)), base + proven),
            None => (None, (base + proven).max(lower)),
        }
    }

    /// `open` without the sites whose points the others cover too (last opened first).
    fn without_redundant(&self, open: Vec<usize>) -> Vec<usize> {
        self.drop_sites(open, false)
    }

    /// `open` without the sites whose closing loses no weight (each point they cover has no
    /// weight or another open site), checked from the last one back.
    fn without_worthless(&self, open: Vec<usize>) -> Vec<usize> {
        self.drop_sites(open, true)
    }

    /// `open` without the sites each of whose points another open site covers (or, with
    /// `weightless_free`, has no weight), checked from the last one back.
    fn drop_sites(&self, mut open: Vec<usize>, weightless_free: bool) -> Vec<usize> {
        let mut count = vec![0u32; self.weight.len()];
        for &j in &open {
            for &i in &self.sets[j] {
                count[i as usize] += 1;
            }
        }
        let mut slot = open.len();
        while slot > 0 {
            slot -= 1;
            let j = open[slot];
            let droppable = self.sets[j].iter().all(|&i| {
                count[i as usize] >= 2 || (weightless_free && self.weight[i as usize] == 0.0)
            });
            if droppable {
                for &i in &self.sets[j] {
                    count[i as usize] -= 1;
                }
                open.remove(slot);
            }
        }
        open
    }

    /// The sum of the `k` largest set weights, capped at the component's total.
    fn trivial_bound(&self, k: usize) -> f64 {
        let mut w: Vec<f64> = self
            .sets
            .iter()
            .map(|s| s.iter().map(|&i| self.weight[i as usize]).sum())
            .collect();
        w.sort_by(|a, b| b.total_cmp(a));
        w.iter().take(k).sum::<f64>().min(self.total())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Best coverage with at most `p` sites by trying every subset.
    fn brute_force(p: &CoverageProblem, k: usize) -> f64 {
        let n = p.sets.len();
        let mut best = p.covered_weight(&[]);
        for mask in 0u32..(1 << n) {
            if mask.count_ones() as usize <= k {
                let open: Vec<u32> = (0..n as u32).filter(|j| mask >> j & 1 == 1).collect();
                best = best.max(p.covered_weight(&open));
            }
        }
        best
    }

    fn random_problem(seed: u64, points: usize, cands: usize) -> CoverageProblem {
        random_problem_within(seed, points, cands, 300.0)
    }

    /// Random points and candidates on a 1000 × 1000 square; a candidate covers the points
    /// within `radius`.
    fn random_problem_within(
        seed: u64,
        points: usize,
        cands: usize,
        radius: f64,
    ) -> CoverageProblem {
        let mut r = SplitMix64::new(seed, 0);
        let pos: Vec<(f64, f64)> = (0..points + cands)
            .map(|_| (r.below(1000) as f64, r.below(1000) as f64))
            .collect();
        let sets = (0..cands)
            .map(|j| {
                let (cx, cy) = pos[points + j];
                (0..points as u32)
                    .filter(|&i| {
                        let (x, y) = pos[i as usize];
                        (x - cx).hypot(y - cy) <= radius
                    })
                    .collect()
            })
            .collect();
        CoverageProblem {
            weight: (0..points).map(|_| (1 + r.below(500)) as f64).collect(),
            covered: (0..points).map(|_| r.below(10) == 0).collect(),
            sets,
        }
    }

    #[test]
    fn curve_equals_brute_force_on_small_instances() {
        for seed in 0..30 {
            let p = random_problem(seed, 25, 10);
            let curve = p.curve(&CoverageOptions::default());
            for pt in &curve.points {
                let exact = brute_force(&p, pt.new_sites as usize);
                assert!(
                    (pt.covered - exact).abs() < 1e-6,
                    "seed {seed} p {}: {} vs {exact}",
                    pt.new_sites,
                    pt.covered
                );
                assert!(pt.bound >= exact - 1e-6, "bound below optimum");
                let sites = curve.sites(pt.new_sites);
                assert!(sites.len() <= pt.new_sites as usize);
                assert!((p.covered_weight(&sites) - pt.covered).abs() < 1e-6);
            }
            assert!(
                (curve.points.last().expect("p = 0 at least").covered - curve.reachable).abs()
                    < 1e-6
            );
        }
    }

    #[test]
    fn branch_and_bound_path_matches_brute_force() {
        // No enumeration: every component goes through local search and branch and bound.
        let opts = CoverageOptions {
            enumeration_limit: 0,
            ..CoverageOptions::default()
        };
        let mut proven = 0;
        for seed in 0..10 {
            let p = random_problem(100 + seed, 40, 12);
            let curve = p.curve(&opts);
            proven += curve.stats.proven;
            for pt in &curve.points {
                let exact = brute_force(&p, pt.new_sites as usize);
                assert!(
                    pt.bound >= exact - 1e-6,
                    "seed {seed}: bound {} < optimum {exact}",
                    pt.bound
                );
                assert!(pt.covered <= exact + 1e-6);
                if pt.bound - pt.covered < 1e-6 {
                    assert!((pt.covered - exact).abs() < 1e-6);
                }
            }
        }
        assert!(proven > 0, "branch and bound ran and proved some budgets");
    }

    #[test]
    fn search_path_proves_every_budget_with_ties_duplicates_and_uncovered_points() {
        // Tied and zero weights, a duplicated candidate and a point no candidate covers; no
        // enumeration, so every budget goes through the searches.
        let opts = CoverageOptions {
            enumeration_limit: 0,
            ..CoverageOptions::default()
        };
        for seed in 0..8 {
            let mut p = random_problem(300 + seed, 36, 11);
            let mut r = SplitMix64::new(seed, 5);
            for w in &mut p.weight {
                *w = (100 * r.below(3)) as f64;
            }
            p.sets.push(p.sets[r.below(p.sets.len())].clone());
            p.weight.push(50.0);
            p.covered.push(false);
            let curve = p.curve(&opts);
            for pt in &curve.points {
                let k = pt.new_sites as usize;
                let exact = brute_force(&p, k);
                assert!(
                    (pt.covered - exact).abs() < 1e-6 && (pt.bound - exact).abs() < 1e-6,
                    "seed {seed} p {k}: {} / {} vs {exact}",
                    pt.covered,
                    pt.bound
                );
                let sites = curve.sites(pt.new_sites);
                assert!(sites.len() <= k);
                assert!((p.covered_weight(&sites) - pt.covered).abs() < 1e-6);
                let one = p.solve_budget(pt.new_sites, &opts);
                assert!((one.covered - exact).abs() < 1e-6, "seed {seed} p {k}");
                assert!(one.certificate.bound >= exact - 1e-6);
            }
        }
    }

    #[test]
    fn target_gives_fewest_sites() {
        for seed in 0..20 {
            let p = random_problem(200 + seed, 20, 10);
            let curve = p.curve(&CoverageOptions::default());
            let target = 0.8 * curve.reachable;
            let sol = curve.for_target(target).expect("reachable");
            let fewest = (0..=10)
                .find(|&k| brute_force(&p, k) >= target - 1e-6)
                .expect("reachable");
            assert_eq!(sol.sites.len(), fewest);
            assert_eq!(sol.certificate.status, Status::Optimal);
            assert!(p.covered_weight(&sol.sites) >= target - 1e-6);
        }
    }

    #[test]
    fn unreachable_target_is_infeasible_with_best_coverage() {
        let p = CoverageProblem {
            weight: vec![10.0, 20.0, 30.0],
            covered: vec![false; 3],
            sets: vec![vec![0], vec![1]],
        };
        let curve = p.curve(&CoverageOptions::default());
        let err = curve.for_target(60.0).expect_err("point 2 is unreachable");
        assert_eq!(err.covered, 30.0);
        assert_eq!(err.certificate.status, Status::Infeasible);
        let capped = p.curve(&CoverageOptions {
            max_sites: Some(1),
            ..CoverageOptions::default()
        });
        let err = capped
            .for_target(30.0)
            .expect_err("one site covers 20 at most");
        assert_eq!(err.certificate.status, Status::Infeasible);
        assert_eq!(curve.reachable, 30.0);
    }

    #[test]
    fn parallel_equals_sequential() {
        let p = random_problem(999, 300, 80);
        let par = p.curve(&CoverageOptions::default());
        let seq = p.curve(&CoverageOptions {
            parallel: false,
            ..CoverageOptions::default()
        });
        assert_eq!(par.points, seq.points);
        for k in 0..par.points.len() as u32 {
            assert_eq!(par.sites(k), seq.sites(k));
        }
    }

    /// Small instances built to break things: duplicated candidates, tied and zero weights,
    /// points nobody covers, points covered already, empty candidates.
    fn adversarial_problem(seed: u64, points: usize, cands: usize) -> CoverageProblem {
        let mut r = SplitMix64::new(seed, 7);
        let mut sets: Vec<Vec<u32>> = Vec::new();
        for j in 0..cands {
            if j > 0 && r.below(4) == 0 {
                let copy = sets[r.below(j)].clone();
                sets.push(copy);
                continue;
            }
            let size = r.below(points.min(6) + 1);
            sets.push((0..size).map(|_| r.below(points) as u32).collect());
        }
        CoverageProblem {
            weight: (0..points)
                .map(|_| [0.0, 1.0, 1.0, 2.0, 5.0][r.below(5)])
                .collect(),
            covered: (0..points).map(|_| r.below(8) == 0).collect(),
            sets,
        }
    }

    fn check_budget(p: &CoverageProblem, opts: &CoverageOptions, label: &str) {
        for k in 0..=p.sets.len().min(6) as u32 {
            let exact = brute_force(p, k as usize);
            let sol = p.solve_budget(k, opts);
            let c = sol.certificate;
            assert!(
                sol.sites.len() <= k as usize,
                "{label} k {k}: too many sites"
            );
            assert!((p.covered_weight(&sol.sites) - sol.covered).abs() < 1e-6);
            assert!(
                sol.covered <= exact + 1e-6,
                "{label} k {k}: above the optimum"
            );
            assert!(
                c.bound >= exact - 1e-6,
                "{label} k {k}: bound {} < optimum {exact}",
                c.bound
            );
            if c.status == Status::Optimal {
                assert!(
                    (sol.covered - exact).abs() < 1e-6,
                    "{label} k {k}: optimal claimed wrongly"
                );
            }
        }
    }

    #[test]
    fn budget_search_lp_phase_matches_brute_force() {
        // One subgradient node only, so the gap it leaves goes to reduced-cost fixing with the
        // LP relaxation's duals and LP-based branch and bound.
        let mut through_lp = 0;
        for seed in 0..32 {
            let p = if seed % 4 == 3 {
                adversarial_problem(300 + seed, 40, 16)
            } else {
                random_problem_within(300 + seed, 90, 16, 200.0 + 50.0 * (seed % 3) as f64)
            };
            let mut best = vec![f64::NEG_INFINITY; p.sets.len() + 1];
            for mask in 0u32..(1 << p.sets.len()) {
                let open: Vec<u32> = (0..p.sets.len() as u32)
                    .filter(|j| mask >> j & 1 == 1)
                    .collect();
                let c = mask.count_ones() as usize;
                best[c] = best[c].max(p.covered_weight(&open));
            }
            let whole = Part::join(p.decompose());
            for k in 1..whole.cands.len().min(7) {
                let exact =
                    best[..=k].iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b)) - p.base_weight();
                let start = whole.greedy(&[], k, None);
                let mut lambda = Vec::new();
                let r = whole.budget_search(k, &start, &mut lambda, 1, 2_000);
                assert!(r.open.len() <= k, "seed {seed} k {k}: too many sites");
                assert!((whole.value_of(&r.open) - r.value).abs() < 1e-6);
                assert!(
                    r.value <= exact + 1e-6,
                    "seed {seed} k {k}: above the optimum"
                );
                assert!(
                    r.bound >= exact - 1e-6,
                    "seed {seed} k {k}: bound {} < {exact}",
                    r.bound
                );
                assert!(
                    r.bound - r.value > 1e-6 || (r.value - exact).abs() < 1e-6,
                    "seed {seed} k {k}: proven {} but the optimum is {exact}",
                    r.value
                );
                let lp = whole.lp_multipliers(k, &lambda);
                let l = lagrangian_bound(&whole.weight, &whole.sets, &lp, k);
                assert!(l >= exact - 1e-6, "seed {seed} k {k}: L(λ) {l} < {exact}");
                let mclp = Mclp::new(&whole.weight, &whole.sets);
                let root = MclpLimits {
                    nodes: 1,
                    root_lp: false,
                    ..MclpLimits::default()
                };
                let first = mclp.solve(k, &start, &mut Vec::new(), None, &root, &|o| whole.swap(o));
                through_lp += usize::from(first.bound - first.value > Certificate::TOLERANCE);
            }
        }
        assert!(
            through_lp >= 3,
            "only {through_lp} budgets reached the LP phase"
        );
    }

    #[test]
    fn budget_solve_equals_brute_force() {
        let opts = CoverageOptions::default();
        for seed in 0..32 {
            let p = random_problem(300 + seed, 30, 12);
            check_budget(&p, &opts, &format!("random {seed}"));
            let q = adversarial_problem(seed, 15, 11);
            check_budget(&q, &opts, &format!("adversarial {seed}"));
            let s = p.solve_budget(3, &opts);
            assert_eq!(
                s.certificate.status,
                Status::Optimal,
                "seed {seed}: small instances are proven"
            );
        }
    }

    #[test]
    fn budget_bound_stays_valid_when_the_node_limit_stops_the_search() {
        let opts = CoverageOptions {
            node_limit: 1,
            ..CoverageOptions::default()
        };
        for seed in 0..20 {
            let p = random_problem(500 + seed, 40, 14);
            check_budget(&p, &opts, &format!("one node {seed}"));
        }
    }

    /// Full coverage of `p`'s reachable weight: the answer, checked to be a cover, and the
    /// brute-force fewest sites that cover it.
    fn full_cover(
        p: &CoverageProblem,
        opts: &CoverageOptions,
        seed: u64,
    ) -> (CoverageSolution, usize) {
        let reachable = p.reachable_weight();
        let sol = p
            .solve_target(reachable, opts)
            .expect("the reachable weight is reachable");
        let fewest = (0..=p.sets.len())
            .find(|&k| brute_force(p, k) >= reachable - 1e-6)
            .expect("all candidates reach it");
        assert!(
            p.covered_weight(&sol.sites) >= reachable - 1e-6,
            "seed {seed}: not a cover"
        );
        (sol, fewest)
    }

    #[test]
    fn full_cover_is_the_fewest_sites() {
        for (seed, opts) in (0..40).map(|s| {
            (
                s,
                CoverageOptions {
                    node_limit: if s % 2 == 0 { 2_000 } else { 1 },
                    ..CoverageOptions::default()
                },
            )
        }) {
            let p = if seed % 3 == 0 {
                adversarial_problem(900 + seed, 14, 12)
            } else {
                random_problem(700 + seed, 25, 12)
            };
            let (sol, fewest) = full_cover(&p, &opts, seed);
            assert!(sol.sites.len() >= fewest);
            assert!(
                sol.certificate.bound <= fewest as f64 + 1e-9,
                "seed {seed}: lower bound too high"
            );
            if sol.certificate.status == Status::Optimal {
                assert_eq!(sol.sites.len(), fewest, "seed {seed}");
            }
            if seed % 2 == 0 {
                assert_eq!(
                    sol.sites.len(),
                    fewest,
                    "seed {seed}: small covers are found"
                );
            }
            let reachable = p.reachable_weight();
            let too_much = p
                .solve_target(reachable + 1.0, &opts)
                .expect_err("beyond reach");
            assert_eq!(too_much.certificate.status, Status::Infeasible);
            assert!((too_much.covered - reachable).abs() < 1e-6);
        }
    }

    /// Two clusters of points joined only through a candidate that a lone point forces, so the
    /// reduced instance falls apart into pieces; with duplicated and nested candidates, a point
    /// one site alone covers, points nobody covers and points covered already.
    fn bridged_problem(seed: u64) -> CoverageProblem {
        let mut r = SplitMix64::new(seed, 11);
        let half = 7;
        let points = 2 * half + 3; // the bridge's own point, then one nobody covers
        let mut sets: Vec<Vec<u32>> = Vec::new();
        for cluster in 0..2u32 {
            let base = cluster * half as u32;
            for _ in 0..5 {
                let size = 1 + r.below(4);
                let s: Vec<u32> = (0..size).map(|_| base + r.below(half) as u32).collect();
                sets.push(s);
            }
            // Nested: a subset of the previous candidate; duplicated: a copy of it.
            let last = sets[sets.len() - 1].clone();
            sets.push(last[..last.len().div_ceil(2)].to_vec());
            sets.push(last);
            // Every point of the cluster coverable.
            sets.push((base..base + half as u32).step_by(2).collect());
            sets.push((base + 1..base + half as u32).step_by(2).collect());
        }
        let bridge = 2 * half as u32;
        sets.push(vec![
            bridge,
            r.below(half) as u32,
            half as u32 + r.below(half) as u32,
        ]);
        sets.push(vec![bridge + 2, bridge + 2]);
        CoverageProblem {
            weight: (0..points)
                .map(|i| {
                    if i == points - 2 {
                        3.0
                    } else {
                        1.0 + r.below(3) as f64
                    }
                })
                .collect(),
            covered: (0..points)
                .map(|i| i != bridge as usize && r.below(9) == 0)
                .collect(),
            sets,
        }
    }

    #[test]
    fn set_covering_bound_by_pieces_never_exceeds_the_optimum() {
        for seed in 0..32 {
            let opts = CoverageOptions {
                node_limit: if seed % 2 == 0 { 2_000 } else { 1 },
                ..CoverageOptions::default()
            };
            let p = if seed % 4 == 3 {
                adversarial_problem(1_300 + seed, 16, 13)
            } else {
                bridged_problem(seed)
            };
            let (sol, fewest) = full_cover(&p, &opts, seed);
            assert!(sol.sites.len() >= fewest, "seed {seed}: below the optimum");
            assert!(
                sol.certificate.bound <= fewest as f64 + 1e-9,
                "seed {seed}: bound {} above the optimum {fewest}",
                sol.certificate.bound
            );
            if seed % 2 == 0 {
                assert_eq!(
                    sol.sites.len(),
                    fewest,
                    "seed {seed}: small covers are found"
                );
                assert_eq!(sol.certificate.status, Status::Optimal, "seed {seed}");
            }
        }
    }

    #[test]
    fn reduced_instance_splits_into_pieces() {
        // Two clusters of four points, each covered by every pair of its points, meet only
        // through the last candidate, which point 8 forces; what is left is two triangles.
        let mut sets: Vec<Vec<u32>> = Vec::new();
        for base in [0u32, 4] {
            for a in 0..4 {
                for b in a + 1..4 {
                    sets.push(vec![base + a, base + b]);
                }
            }
        }
        sets.push(vec![0, 4, 8]);
        let core = CoverCore::new(&sets, 9);
        assert_eq!(core.forced, vec![12]);
        let pieces = split_core(&core.sets, core.points);
        assert_eq!(pieces.len(), 2);
        assert!(pieces.iter().all(|p| p.points == 3 && p.sets.len() == 3));
        let mut seen: Vec<usize> = pieces.iter().flat_map(|p| p.cols.clone()).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..core.sets.len()).collect::<Vec<_>>());
        for piece in &pieces {
            assert!(piece.forced.is_empty());
            for s in &piece.sets {
                assert!(s.windows(2).all(|w| w[0] < w[1]));
                assert!(s.iter().all(|&i| (i as usize) < piece.points));
            }
        }
    }

    /// Whether `open` covers every point `0..points` and no set of it is redundant.
    fn is_minimal_cover(sets: &[Vec<u32>], points: usize, open: &[usize]) -> bool {
        let mut count = vec![0u32; points];
        for &j in open {
            for &i in &sets[j] {
                count[i as usize] += 1;
            }
        }
        count.iter().all(|&c| c > 0)
            && open
                .iter()
                .all(|&j| sets[j].iter().any(|&i| count[i as usize] == 1))
    }

    #[test]
    fn lagrangian_covers_are_minimal_and_local_search_never_grows_them() {
        for seed in 0..30 {
            let p = random_problem(1_500 + seed, 40, 25);
            let points = p.weight.len() as u32;
            let reach: Vec<bool> = (0..points)
                .map(|i| p.sets.iter().any(|s| s.contains(&i)))
                .collect();
            let index: Vec<u32> = reach
                .iter()
                .scan(0u32, |n, &r| {
                    *n += u32::from(r);
                    Some(*n - 1)
                })
                .collect();
            let m = reach.iter().filter(|r| **r).count();
            let sets: Vec<Vec<u32>> = p
                .sets
                .iter()
                .map(|s| {
                    let mut s: Vec<u32> = s.iter().map(|&i| index[i as usize]).collect();
                    s.sort_unstable();
                    s.dedup();
                    s
                })
                .collect();
            let rows = point_lists(&sets, m);
            let mut r = SplitMix64::new(seed, 3);
            let u: Vec<f64> = (0..m).map(|_| r.below(100) as f64 / 200.0).collect();
            let first = lagrangian_greedy(&sets, &rows, &u, &[], None);
            assert!(is_minimal_cover(&sets, m, &first), "seed {seed}");
            let better = improve_cover(&sets, &rows, &u, first.clone(), 1, 50, &mut r);
            assert!(is_minimal_cover(&sets, m, &better), "seed {seed}");
            assert!(better.len() <= first.len(), "seed {seed}");
        }
    }

    #[test]
    fn partial_target_matches_the_curve() {
        for seed in 0..10 {
            let p = random_problem(800 + seed, 25, 10);
            let opts = CoverageOptions::default();
            let target = 0.7 * p.reachable_weight();
            let direct = p.solve_target(target, &opts).expect("reachable");
            let fewest = (0..=10)
                .find(|&k| brute_force(&p, k) >= target - 1e-6)
                .expect("reachable");
            assert_eq!(direct.sites.len(), fewest);
        }
    }

    #[test]
    fn bisection_target_matches_brute_force_with_any_node_limit() {
        // Random and adversarial instances (ties, duplicated sets, zero weights, points
        // already covered or reached by no candidate); one node forces undecided counts.
        for seed in 0..24u64 {
            let p = if seed % 2 == 0 {
                random_problem(3_100 + seed, 22, 14)
            } else {
                adversarial_problem(3_100 + seed, 18, 14)
            };
            let base = p.covered_weight(&[]);
            let reachable = p.reachable_weight();
            for share in [0.3, 0.6, 0.85, 0.97] {
                let target = base + share * (reachable - base);
                let fewest = (0..=14)
                    .find(|&k| brute_force(&p, k) >= target - 1e-6)
                    .expect("every candidate reaches the reachable weight");
                for node_limit in [1, 2_000] {
                    let opts = CoverageOptions {
                        node_limit,
                        ..CoverageOptions::default()
                    };
                    let label = format!("seed {seed}, share {share}, nodes {node_limit}");
                    let s = p.solve_target(target, &opts).expect(&label);
                    let c = s.certificate;
                    assert!(s.covered >= target - 1e-6, "{label}: covers too little");
                    assert_eq!(s.covered, p.covered_weight(&s.sites), "{label}");
                    assert_eq!(c.objective, s.sites.len() as f64, "{label}");
                    assert!(c.bound <= fewest as f64, "{label}: bound above the fewest");
                    assert!(c.objective >= fewest as f64, "{label}");
                    assert_eq!(
                        c.status == Status::Optimal,
                        c.objective == fewest as f64 && c.bound == c.objective,
                        "{label}: status"
                    );
                    if node_limit == 2_000 {
                        assert_eq!(s.sites.len(), fewest, "{label}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_target_missed_under_a_capped_curve_is_infeasible_only_where_the_bound_says_so() {
        // Curves capped at a few sites, with the whole node limit and with one node: every
        // target a capped curve misses is `Infeasible` only where no subset of that many
        // sites reaches it (brute force), and `Undecided` where one does.
        let mut undecided = 0;
        for seed in 0..24u64 {
            let p = if seed % 2 == 0 {
                random_problem(5_300 + seed, 20, 13)
            } else {
                adversarial_problem(5_300 + seed, 18, 13)
            };
            let base = p.covered_weight(&[]);
            let reachable = p.reachable_weight();
            for cap in [1u32, 2, 4] {
                let best = brute_force(&p, cap as usize);
                for node_limit in [1, 2_000] {
                    let opts = CoverageOptions {
                        node_limit,
                        max_sites: Some(cap),
                        starts: 0,
                        enumeration_limit: 0,
                        ..CoverageOptions::default()
                    };
                    let mut curve = p.curve(&opts);
                    for share in [0.2, 0.5, 0.8, 1.0] {
                        let target = base + share * (reachable - base);
                        let label =
                            format!("seed {seed}, cap {cap}, nodes {node_limit}, share {share}");
                        if let Err(miss) = curve.for_target(target) {
                            let proven = miss.certificate.status == Status::Infeasible;
                            assert!(miss.certificate.status.is_missed(), "{label}");
                            assert!(
                                !proven || best < target - 1e-6,
                                "{label}: reachable, yet infeasible"
                            );
                            if best >= target - 1e-6 {
                                assert_eq!(miss.certificate.status, Status::Undecided, "{label}");
                            }
                        }
                    }
                    // A gap at the cap (a bound raised to the reachable weight, still a valid
                    // bound): a target the answer misses below that bound is undecided.
                    let last = curve.points.len() - 1;
                    if curve.points[last].covered < reachable - 1e-6 {
                        curve.points[last].bound = reachable;
                        let miss = curve.for_target(reachable).expect_err("missed at the cap");
                        assert_eq!(miss.certificate.status, Status::Undecided, "seed {seed}");
                        undecided += 1;
                    }
                }
            }
        }
        assert!(undecided > 0, "no capped curve missed the reachable weight");
    }

    #[test]
    fn budget_answers_open_no_site_that_adds_nothing() {
        // Budgets up to and past the fewest full cover: the answer covers the most, and with
        // it the fewest sites at full coverage; below it no site can close without a loss.
        for seed in 0..16u64 {
            let p = if seed % 2 == 0 {
                random_problem(4_200 + seed, 18, 12)
            } else {
                adversarial_problem(4_200 + seed, 16, 12)
            };
            let reachable = p.reachable_weight();
            let fewest_full = (0..=12)
                .find(|&k| brute_force(&p, k) >= reachable - 1e-6)
                .expect("every candidate covers what is reachable");
            for budget in [1u32, 3, 6, 12, 40] {
                let label = format!("seed {seed}, budget {budget}");
                let s = p.solve_budget(budget, &CoverageOptions::default());
                let best = brute_force(&p, budget as usize);
                assert!((s.covered - best).abs() < 1e-6, "{label}");
                assert!(s.sites.len() <= budget as usize, "{label}");
                if s.covered >= reachable - 1e-6 {
                    assert_eq!(s.sites.len(), fewest_full, "{label}");
                }
                for drop in 0..s.sites.len() {
                    let mut fewer = s.sites.clone();
                    fewer.remove(drop);
                    assert!(
                        p.covered_weight(&fewer) < s.covered - 1e-9,
                        "{label}: site adds nothing"
                    );
                }
            }
        }
    }

    /// The greedy of [`Part::greedy`] with every gain recomputed at every pick.
    fn eager_greedy(
        part: &Part,
        start: &[usize],
        k: usize,
        mut rng: Option<&mut SplitMix64>,
    ) -> Vec<usize> {
        let mut hit = vec![false; part.weight.len()];
        let mut open: Vec<usize> = start.to_vec();
        let mut is_open = vec![false; part.cands.len()];
        for &j in &open {
            is_open[j] = true;
            for &i in &part.sets[j] {
                hit[i as usize] = true;
            }
        }
        while open.len() < k {
            let mut gains: Vec<(f64, usize)> = (0..part.cands.len())
                .filter(|&j| !is_open[j])
                .map(|j| {
                    let g: f64 = part.sets[j]
                        .iter()
                        .filter(|&&i| !hit[i as usize])
                        .map(|&i| part.weight[i as usize])
                        .sum();
                    (g, j)
                })
                .collect();
            if gains.is_empty() {
                break;
            }
            gains.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let pick = match rng.as_deref_mut() {
                Some(r) => gains[r.below(gains.len().min(3))].1,
                None => gains[0].1,
            };
            is_open[pick] = true;
            open.push(pick);
            for &i in &part.sets[pick] {
                hit[i as usize] = true;
            }
        }
        open
    }

    #[test]
    fn lazy_greedy_picks_what_the_eager_greedy_picks() {
        for seed in 0..40u64 {
            let p = if seed % 2 == 0 {
                random_problem(5_300 + seed, 30, 20)
            } else {
                adversarial_problem(5_300 + seed, 24, 20)
            };
            let whole = Part::join(p.decompose());
            let n = whole.cands.len();
            // Stopping at a share of the weight: the eager order's shortest prefix reaching it.
            let order = eager_greedy(&whole, &[], n, None);
            for share in [0.3, 0.7, 1.0] {
                let need = share * whole.total();
                let prefix = (0..=n)
                    .find(|&len| whole.value_of(&order[..len]) >= need)
                    .expect("every candidate reaches the total");
                assert_eq!(
                    whole.greedy_until(need),
                    order[..prefix],
                    "seed {seed} share {share}"
                );
            }
            for k in [1, 3, n / 2, n, n + 5] {
                let start: Vec<usize> = (0..n).filter(|j| j % 7 == 3).take(k / 3).collect();
                assert_eq!(
                    whole.greedy(&start, k, None),
                    eager_greedy(&whole, &start, k, None)
                );
                let mut a = SplitMix64::new(seed, k as u64);
                let mut b = SplitMix64::new(seed, k as u64);
                assert_eq!(
                    whole.greedy(&start, k, Some(&mut a)),
                    eager_greedy(&whole, &start, k, Some(&mut b)),
                    "seed {seed} k {k}"
                );
            }
        }
    }

    /// Best-improvement swaps trying every (candidate, open site) pair: the reference the
    /// sorted-loss [`Part::swap`] is checked against.
    fn swap_every_pair(part: &Part, open: &mut [usize]) {
        let mut is_open = vec![false; part.cands.len()];
        for &j in open.iter() {
            is_open[j] = true;
        }
        loop {
            let before = part.value_of(open);
            let mut best: Option<(f64, usize, usize)> = None;
            for c in (0..part.cands.len()).filter(|&c| !is_open[c]) {
                for slot in 0..open.len() {
                    let mut trial = open.to_vec();
                    trial[slot] = c;
                    let delta = part.value_of(&trial) - before;
                    if delta > 1e-9 && best.is_none_or(|(d, _, _)| delta > d + 1e-12) {
                        best = Some((delta, slot, c));
                    }
                }
            }
            let Some((_, slot, c)) = best else { break };
            is_open[open[slot]] = false;
            is_open[c] = true;
            open[slot] = c;
        }
    }

    #[test]
    fn swaps_are_those_of_trying_every_pair() {
        let mut moved = 0;
        for seed in 0..40u64 {
            let p = if seed % 2 == 0 {
                random_problem(6_100 + seed, 30, 20)
            } else {
                adversarial_problem(6_100 + seed, 24, 20)
            };
            let whole = Part::join(p.decompose());
            let n = whole.cands.len();
            for k in [1, 2, 4, n / 2, n.saturating_sub(1)] {
                // Poor starts: the last `k` candidates, and every third one.
                let starts: [Vec<usize>; 2] = [
                    (n.saturating_sub(k)..n).collect(),
                    (0..n).step_by(3).take(k).collect(),
                ];
                for start in starts {
                    let mut fast = start.clone();
                    whole.swap(&mut fast);
                    let mut slow = start.clone();
                    swap_every_pair(&whole, &mut slow);
                    assert_eq!(fast, slow, "seed {seed} k {k}");
                    moved += usize::from(slow != start);
                }
            }
        }
        assert!(moved > 100, "only {moved} starts improved");
    }

    #[test]
    fn curve_same_for_any_thread_count_across_blocks() {
        // Small circles, so the curve runs over several blocks of budgets; no enumeration,
        // so every budget goes through local search and branch and bound.
        let mut r = SplitMix64::new(77, 0);
        let points = 160;
        let pos: Vec<(f64, f64)> = (0..points + 90)
            .map(|_| (r.below(1000) as f64, r.below(1000) as f64))
            .collect();
        let p = CoverageProblem {
            weight: (0..points).map(|_| (1 + r.below(50)) as f64).collect(),
            covered: vec![false; points],
            sets: (points..points + 90)
                .map(|c| {
                    (0..points as u32)
                        .filter(|&i| {
                            let (a, b) = (pos[i as usize], pos[c]);
                            (a.0 - b.0).hypot(a.1 - b.1) <= 160.0
                        })
                        .collect()
                })
                .collect(),
        };
        let opts = CoverageOptions {
            enumeration_limit: 0,
            node_limit: 300,
            ..CoverageOptions::default()
        };
        let longest = p
            .decompose()
            .iter()
            .map(|part| part.greedy_cover_size())
            .max();
        assert!(longest.is_some_and(|l| l > 2 * CURVE_BLOCK), "{longest:?}");
        let seq = p.curve(&CoverageOptions {
            parallel: false,
            ..opts
        });
        for threads in [1, 2, 5] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool");
            let par = pool.install(|| p.curve(&opts));
            assert_eq!(par.points, seq.points, "{threads} threads");
            assert_eq!(par.stats, seq.stats, "{threads} threads");
            for k in 0..par.points.len() as u32 {
                assert_eq!(par.sites(k), seq.sites(k), "{threads} threads, p {k}");
            }
        }
        assert_eq!(
            seq.points.last().map(|pt| pt.covered),
            Some(seq.reachable),
            "the curve ends at full coverage"
        );
    }

    #[test]
    fn budget_and_cover_same_for_any_thread_count() {
        let p = random_problem(4242, 400, 120);
        let seq = CoverageOptions {
            parallel: false,
            ..CoverageOptions::default()
        };
        let par = CoverageOptions::default();
        assert_eq!(p.solve_budget(8, &seq), p.solve_budget(8, &par));
        let r = p.reachable_weight();
        assert_eq!(p.solve_target(r, &seq), p.solve_target(r, &par));
    }

    #[test]
    fn best_split_equals_brute_force() {
        let mut r = SplitMix64::new(5, 9);
        for _ in 0..200 {
            let curves: Vec<Vec<f64>> = (0..1 + r.below(3))
                .map(|_| {
                    let mut c = vec![0.0];
                    for _ in 0..r.below(4) {
                        let last = *c.last().expect("starts at 0");
                        c.push(last + r.below(6) as f64);
                    }
                    c
                })
                .collect();
            let len = 6;
            let split = best_split(&curves, len);
            for (p, &got) in split.iter().enumerate() {
                // Every allocation of at most p sites.
                let mut best = 0.0f64;
                let mut ks = vec![0usize; curves.len()];
                loop {
                    if ks.iter().sum::<usize>() <= p {
                        let v: f64 = ks.iter().zip(&curves).map(|(&k, c)| c[k]).sum();
                        best = best.max(v);
                    }
                    let Some(c) = (0..curves.len()).find(|&c| ks[c] + 1 < curves[c].len()) else {
                        break;
                    };
                    ks[c] += 1;
                    for k in &mut ks[..c] {
                        *k = 0;
                    }
                }
                assert!(
                    (got - best).abs() < 1e-9,
                    "{curves:?} p {p}: {got} vs {best}"
                );
            }
        }
        assert_eq!(suffix_min(&[0.0, 5.0, 4.0, 6.0]), vec![0.0, 4.0, 4.0, 6.0]);
    }

    /// Times the pieces of a written instance (`yanglao bench dense --write-instances DIR`)
    /// named by `YANGLAO_COVER_INSTANCE`; a measurement, not a check.
    #[test]
    #[ignore = "needs an instance file"]
    fn time_cover_pieces_of_an_instance() {
        let Ok(path) = std::env::var("YANGLAO_COVER_INSTANCE") else {
            return;
        };
        let Ok(text) = std::fs::read_to_string(&path) else {
            return;
        };
        let mut lines = text.lines();
        let head: Vec<usize> = lines
            .next()
            .unwrap_or("")
            .split_whitespace()
            .filter_map(|t| t.parse().ok())
            .collect();
        let (n, m) = (head[0], head[1]);
        let mut p = CoverageProblem::default();
        for _ in 0..n {
            let t: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
            p.weight.push(t[0].parse().unwrap_or(0.0));
            p.covered.push(t[1] == "1");
        }
        for _ in 0..m {
            let t: Vec<u32> = lines
                .next()
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|t| t.parse().ok())
                .collect();
            p.sets.push(t[1..].to_vec());
        }
        let opts = CoverageOptions::default();
        for part in p.decompose() {
            if part.weight.len() < 1000 {
                continue;
            }
            let core = CoverCore::new(&part.sets, part.weight.len());
            for (index, piece) in split_core(&core.sets, core.points).into_iter().enumerate() {
                let t = std::time::Instant::now();
                let (chosen, lo) = part.cover_piece(&piece, &opts, index as u64);
                eprintln!(
                    "piece {index}: {} x {}: cover {} bound {lo} in {:.2} s",
                    piece.points,
                    piece.sets.len(),
                    chosen.len(),
                    t.elapsed().as_secs_f64()
                );
                if piece.points < 1000 || chosen.len() == lo {
                    continue;
                }
                let t = std::time::Instant::now();
                let Some((u, _)) = cover_lp(&piece.sets, piece.points) else {
                    continue;
                };
                eprintln!("  lp {:.2} s", t.elapsed().as_secs_f64());
                let rows = point_lists(&piece.sets, piece.points);
                let rounds: usize = std::env::var("YANGLAO_ILS_ROUNDS")
                    .ok()
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(16);
                for seed in 0..3u64 {
                    let t = std::time::Instant::now();
                    let start = lagrangian_greedy(&piece.sets, &rows, &u, &[], None);
                    let mut rng = SplitMix64::new(seed, 0x5c0e);
                    let c = improve_cover(
                        &piece.sets,
                        &rows,
                        &u,
                        start.clone(),
                        lo,
                        rounds * start.len(),
                        &mut rng,
                    );
                    eprintln!(
                        "  ils seed {seed} {rounds}/site: {} -> {} in {:.2} s",
                        start.len(),
                        c.len(),
                        t.elapsed().as_secs_f64()
                    );
                }
                let nodes: Vec<u64> = std::env::var("YANGLAO_TREE_NODES")
                    .unwrap_or_else(|_| "0,100".into())
                    .split(',')
                    .filter_map(|t| t.parse().ok())
                    .collect();
                for k in nodes {
                    let t = std::time::Instant::now();
                    let r = super::super::cover_tree::cover_tree(
                        &piece.sets,
                        piece.points,
                        &chosen,
                        lo,
                        k,
                    );
                    if let Some(r) = r {
                        eprintln!(
                            "  tree {k} nodes: better {:?} bound {} in {:.2} s",
                            r.better.as_ref().map(Vec::len),
                            r.lower,
                            t.elapsed().as_secs_f64()
                        );
                    }
                }
            }
        }
    }
}
