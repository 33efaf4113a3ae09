//! Capacitated maximal covering (MCLP) and set covering (LSCP): people are served only up to
//! each site's capacity, with a proven bound from a Lagrangian relaxation.
//!
//! # Model
//! Demand points `i` (villages) carry weights `w_i` (elderly people); sites `j` have
//! capacities `c_j` (`f64::INFINITY` for none). Some sites are always open (existing centres,
//! sites a rule forces); candidates may open. `x_ij >= 0` is the part of point `i` served by
//! site `j` (people are divisible), allowed only where `j` is within reach of `i`; `y_j` says
//! whether candidate `j` opens:
//!
//! ```text
//! served(y) = max Σ x_ij  s.t.  Σ_j x_ij <= w_i,  Σ_i x_ij <= c_j y_j,  x_ij <= w_i y_j
//! MCLP(p):   max served(y)     s.t.  Σ_{j candidate} y_j <= p
//! LSCP(T):   min Σ y_j          s.t.  served(y) >= T
//! ```
//! (the capacitated covering models of Current & Storbeck 1988, with divisible demand). For
//! fixed `y`, `served(y)` is a maximum flow ([`super::flow`]); with whole-number weights and
//! capacities it is a whole number.
//!
//! # Bound
//! Relaxing `Σ_j x_ij <= w_i` with multipliers `λ_i ∈ [0, 1]` leaves one fractional knapsack
//! per site: site `j` earns `v_j(λ) = max Σ_i (1 - λ_i) x_ij` with `x_ij <= w_i` and
//! `Σ_i x_ij <= c_j`, so that
//!
//! ```text
//! L(λ, p) = Σ_i λ_i w_i + Σ_{j open} v_j(λ) + (sum of the p largest v_j(λ) over candidates)
//! ```
//! is an upper bound on `MCLP(p)` for every `λ` (Fisher 1981). Subgradient steps (Held, Wolfe
//! & Crowder 1974, Polyak step toward the incumbent) lower it. As the knapsacks and the
//! choice of the `p` largest are linear programs with integral optima, the best `L` equals the
//! bound of the LP relaxation with the strong constraints `x_ij <= w_i y_j`. With whole-number
//! data the bound is rounded down. For LSCP, the least `p` with `L(λ, p) >= T` is a lower
//! bound on the sites needed.
//!
//! # Method
//! 1. A lazy greedy opens, each time, the candidate whose reach holds the most unserved
//!    people up to its capacity; a maximum flow then assigns everyone.
//! 2. Branch and bound on the Lagrangian bound: a node fixes some candidates open or closed;
//!    its bound warm-starts from its parent's multipliers; its heuristic opens the `p`
//!    candidates of largest `v_j(λ)` and runs the flow; it branches on the largest of those
//!    (open first, depth first). A node whose budget is spent, or that has no useful candidate
//!    left, is solved exactly by the flow. A node limit and a work limit (in reach pairs
//!    scanned) stop the search; the bound is then the largest bound of the nodes left.
//! 3. LSCP walks `p` up from its lower bound: a `p` whose bound falls below the target is
//!    ruled out; otherwise branch and bound decides whether `p` sites reach the target.
//!
//! Everything is sequential and deterministic: the same problem gives the same answer on any
//! machine and any thread count.

use std::collections::BinaryHeap;

use super::flow::{Assignment, Served};
use super::scored::MaxScored;
use super::{Certificate, SolveError, Status};

/// What a site may do in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteRole {
    /// Takes no part (a facility that does not serve, a candidate that may not open).
    Unused,
    /// Always open (an existing serving facility, a site a rule forces open).
    Open,
    /// May open.
    Candidate,
}

/// A capacitated covering instance.
#[derive(Clone, Debug, Default)]
pub struct CapacitatedCoverage {
    /// Weight of each demand point (elderly people); 0 for points outside the scope.
    pub weight: Vec<f64>,
    /// Capacity of each site in people; `f64::INFINITY` for none.
    pub capacity: Vec<f64>,
    /// Role of each site.
    pub role: Vec<SiteRole>,
    /// For each point, the sites within reach, nearest first.
    pub reach: Vec<Vec<u32>>,
}

/// Limits of the search. Limits count nodes and work, never time, so the answer does not
/// depend on the machine.
#[derive(Clone, Copy, Debug)]
pub struct CapacitatedOptions {
    /// Branch-and-bound nodes per solve.
    pub node_limit: u64,
    /// Reach pairs scanned by bound evaluations per solve (each subgradient step scans every
    /// pair once).
    pub work_limit: u64,
    /// Subgradient steps at the root (fewer at the other nodes).
    pub root_iterations: usize,
    /// Largest number of new sites an LSCP answer may use.
    pub max_new: Option<u32>,
}

impl Default for CapacitatedOptions {
    fn default() -> Self {
        Self {
            node_limit: 2_000,
            work_limit: 20_000_000,
            root_iterations: 150,
            max_new: None,
        }
    }
}

/// An answer: new sites, the assignment, and the certificate.
#[derive(Clone, Debug, PartialEq)]
pub struct CapacitatedSolution {
    /// Candidate sites opened, ascending.
    pub sites: Vec<u32>,
    /// The assignment of people to the open sites (always-open ones included).
    pub served: Served,
    /// For MCLP: people served and an upper bound. For LSCP: new sites and a lower bound on
    /// the new sites needed; `Infeasible` when no answer reaches the target.
    pub certificate: Certificate,
    /// Branch-and-bound nodes explored.
    pub nodes: u64,
}

const TOL: f64 = Certificate::TOLERANCE;

thread_local! {
    /// Reach pairs handed to maximum flows on this thread, so that searches count the flows
    /// they run as work.
    static FLOW_PAIRS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

impl CapacitatedCoverage {
    /// Checks shapes, indices and amounts.
    ///
    /// # Errors
    /// [`SolveError::Shape`] when `capacity` and `role` differ in length or `reach` and
    /// `weight` do; [`SolveError::SiteOutOfRange`] for a reach entry past the sites;
    /// [`SolveError::BadAmount`] for a weight that is negative or not finite, or a capacity
    /// that is negative or NaN.
    pub fn validate(&self) -> Result<(), SolveError> {
        let (n, m) = (self.weight.len(), self.capacity.len());
        if self.role.len() != m {
            return Err(SolveError::Shape {
                what: "roles",
                got: self.role.len(),
                want: m,
                of: "sites",
            });
        }
        if self.reach.len() != n {
            return Err(SolveError::Shape {
                what: "reach lists",
                got: self.reach.len(),
                want: n,
                of: "clients",
            });
        }
        for (i, list) in self.reach.iter().enumerate() {
            if let Some(&site) = list.iter().find(|&&j| j as usize >= m) {
                return Err(SolveError::SiteOutOfRange {
                    client: i,
                    site,
                    sites: m,
                });
            }
        }
        if let Some(&value) = self.weight.iter().find(|w| !w.is_finite() || **w < 0.0) {
            return Err(SolveError::BadAmount {
                what: "demand",
                value,
            });
        }
        if let Some(&value) = self.capacity.iter().find(|c| c.is_nan() || **c < 0.0) {
            return Err(SolveError::BadAmount {
                what: "capacity",
                value,
            });
        }
        Ok(())
    }

    /// The maximum flow with the always-open sites and the candidates in `sites` open.
    pub fn assign(&self, sites: &[u32]) -> Served {
        let mut open: Vec<bool> = self.role.iter().map(|r| *r == SiteRole::Open).collect();
        for &j in sites {
            open[j as usize] = true;
        }
        self.assign_open(&open)
    }

    fn assign_open(&self, open: &[bool]) -> Served {
        FLOW_PAIRS.with(|c| {
            c.set(c.get() + self.reach.iter().map(|l| l.len() as u64).sum::<u64>());
        });
        Assignment {
            demand: self.weight.clone(),
            capacity: self.capacity.clone(),
            options: self
                .reach
                .iter()
                .map(|list| list.iter().copied().filter(|&j| open[j as usize]).collect())
                .collect(),
        }
        .solve()
    }

    /// MCLP: at most `p` new sites serving the most people.
    ///
    /// # Errors
    /// As [`CapacitatedCoverage::validate`].
    pub fn mclp(
        &self,
        p: u32,
        opts: &CapacitatedOptions,
    ) -> Result<CapacitatedSolution, SolveError> {
        self.validate()?;
        let s = Search::new(self, opts);
        let greedy = s.greedy(Some(p), None);
        let mut search = s.branch_and_bound(p, None, greedy);
        let served = self.assign(&search.sites);
        let value = served.total.max(search.value);
        let bound = search.bound.max(value);
        search.sites.sort_unstable();
        Ok(CapacitatedSolution {
            sites: search.sites,
            served,
            certificate: Certificate::new(value, bound),
            nodes: search.nodes,
        })
    }

    /// LSCP: the fewest new sites serving at least `target` people (within
    /// `opts.max_new`). `Err` holds the best answer found when none reaches the target: all
    /// useful candidates (or the best `max_new`), status `Infeasible` when that is proven,
    /// `Undecided` when the work limit stopped the search first.
    ///
    /// # Errors
    /// The outer `Result` fails as [`CapacitatedCoverage::validate`].
    #[allow(clippy::type_complexity)]
    pub fn lscp(
        &self,
        target: f64,
        opts: &CapacitatedOptions,
    ) -> Result<Result<CapacitatedSolution, CapacitatedSolution>, SolveError> {
        self.validate()?;
        let s = Search::new(self, opts);
        let useful = s.cands.len() as u32;
        let budget = opts.max_new.unwrap_or(useful).min(useful);
        // Everything open: if that falls short, no answer exists.
        let most = self.assign(&s.cands);
        if most.total < target - TOL {
            if (budget as usize) < s.cands.len() {
                // Within the budget: its best answer, proven short of the target.
                let mut sol = self.mclp(budget, opts)?;
                let mut c = Certificate::new(f64::from(budget), f64::from(budget));
                c.status = Status::Infeasible;
                sol.certificate = c;
                return Ok(Err(sol));
            }
            let greedy = s.greedy(None, None).0;
            let (mut sites, served) = match self.assign(&greedy) {
                g if g.total >= most.total - TOL => (greedy, g),
                _ => (s.cands.clone(), most),
            };
            sites.sort_unstable();
            let mut c = Certificate::new(sites.len() as f64, sites.len() as f64);
            c.status = Status::Infeasible;
            return Ok(Err(CapacitatedSolution {
                sites,
                served,
                certificate: c,
                nodes: 0,
            }));
        }
        let mut best = s.greedy(None, Some(target));
        if self.assign(&best.0).total < target - TOL {
            // The greedy's direct assignment stalled where a flow would move people.
            best.0.clone_from(&s.cands);
        }
        s.drop_redundant(&mut best.0, target);
        let mut upper = best.0.len() as u32;
        let mut lower = s.least_count(target);
        let mut nodes = 0;
        let mut best_sites = best.0;
        let mut lambda = vec![0.0; self.weight.len()];
        let mut q = lower;
        while q < upper.min(budget + 1) && s.spent() < opts.work_limit {
            // The root bound of q sites first: below the target, q is ruled out.
            let root = s.subgradient(&mut lambda, &Fix::root(&s, q), Some(target), 0.0, true);
            if root < target - TOL {
                // The same multipliers may rule out larger counts too.
                lower = s.least_count_at(&lambda, target).max(q + 1);
                q = lower;
                continue;
            }
            let start = s.greedy(Some(q), None);
            let found = s.branch_and_bound(q, Some(target), start);
            nodes += found.nodes;
            if found.value >= target - TOL {
                upper = q;
                best_sites = found.sites;
                break;
            }
            if found.bound < target - TOL {
                lower = q + 1;
                q += 1;
            } else {
                break;
            }
        }
        lower = lower.min(upper);
        best_sites.sort_unstable();
        if upper > budget {
            // The target needs more than the budget allows: the budget's best answer.
            let mut sol = self.mclp(budget, opts)?;
            let mut c = Certificate::new(budget as f64, lower as f64);
            c.status = Status::missed(lower > budget);
            sol.certificate = c;
            return Ok(Err(sol));
        }
        let served = self.assign(&best_sites);
        Ok(Ok(CapacitatedSolution {
            sites: best_sites,
            served,
            certificate: Certificate::new(upper as f64, lower as f64),
            nodes,
        }))
    }

    /// Upper bounds on the people any `p` new sites serve, for `p = 0..=max`, from one
    /// subgradient run at `p = max` (valid for every `p`: each is `L(λ, p)` at one `λ`).
    pub fn bounds_up_to(&self, max: u32, opts: &CapacitatedOptions) -> Vec<f64> {
        if self.validate().is_err() {
            return Vec::new();
        }
        let s = Search::new(self, opts);
        let mut lambda = vec![0.0; self.weight.len()];
        let fix = Fix::root(&s, max);
        s.subgradient(&mut lambda, &fix, None, 0.0, true);
        let eval = s.evaluate(&lambda, &fix, false);
        let mut values: Vec<f64> = eval.free_values.iter().map(|v| v.0).collect();
        values.sort_by(|a, b| b.total_cmp(a));
        let mut out = Vec::with_capacity(max as usize + 1);
        let (mut simple, add) = s.marginal_bound();
        let mut acc = eval.base;
        out.push(s.round(acc).min(simple));
        for p in 0..max as usize {
            acc += values.get(p).copied().unwrap_or(0.0);
            simple += add.get(p).copied().unwrap_or(0.0);
            out.push(s.round(acc).min(simple));
        }
        out
    }

    /// The greedy sequence of new sites up to `max` (or until no site adds anyone), with the
    /// people a feasible assignment serves after each prefix (`p = 0, 1, …`).
    pub fn greedy_curve(
        &self,
        max: Option<u32>,
        opts: &CapacitatedOptions,
    ) -> (Vec<u32>, Vec<f64>) {
        if self.validate().is_err() {
            return (Vec::new(), Vec::new());
        }
        Search::new(self, opts).greedy(max, None)
    }
}

/// Precomputed lists and counters of one solve.
struct Search<'a> {
    pb: &'a CapacitatedCoverage,
    opts: CapacitatedOptions,
    /// Weighted points each site reaches.
    points_of: Vec<Vec<u32>>,
    /// Always-open sites that reach someone.
    opens: Vec<u32>,
    /// Candidates that reach someone with a positive capacity.
    cands: Vec<u32>,
    /// Whether every weight and finite capacity is a whole number.
    integral: bool,
    pairs: u64,
    work: std::cell::Cell<u64>,
    /// [`FLOW_PAIRS`] when the search began.
    flow_start: u64,
}

/// A node's fixings: per candidate (by position in `cands`) +1 open, -1 closed, 0 free, and
/// the new sites still allowed among the free ones.
#[derive(Clone, Debug)]
struct Fix {
    state: Vec<i8>,
    budget: u32,
}

impl Fix {
    fn root(s: &Search<'_>, budget: u32) -> Self {
        Self {
            state: vec![0; s.cands.len()],
            budget,
        }
    }
}

/// One evaluation of `L(λ)` at a node.
struct Eval {
    /// `Σ λ w` plus the values of open and fixed-open sites.
    base: f64,
    /// The bound.
    bound: f64,
    /// (value, position) of every free candidate.
    free_values: Vec<(f64, usize)>,
    /// Positions of the free candidates chosen (largest values, at most the budget).
    chosen: Vec<usize>,
    /// Subgradient `w_i - Σ_j x_ij`.
    grad: Vec<f64>,
}

/// Where a search ended.
struct Found {
    sites: Vec<u32>,
    value: f64,
    bound: f64,
    nodes: u64,
}

impl<'a> Search<'a> {
    fn new(pb: &'a CapacitatedCoverage, opts: &CapacitatedOptions) -> Self {
        let m = pb.capacity.len();
        let mut points_of = vec![Vec::new(); m];
        for (i, list) in pb.reach.iter().enumerate() {
            if pb.weight[i] > 0.0 {
                for &j in list {
                    if pb.role[j as usize] != SiteRole::Unused {
                        points_of[j as usize].push(i as u32);
                    }
                }
            }
        }
        for list in &mut points_of {
            list.sort_unstable();
            list.dedup();
        }
        let useful = |j: usize| !points_of[j].is_empty() && pb.capacity[j] > 0.0;
        let opens = (0..m)
            .filter(|&j| pb.role[j] == SiteRole::Open && useful(j))
            .map(|j| j as u32)
            .collect();
        let cands = (0..m)
            .filter(|&j| pb.role[j] == SiteRole::Candidate && useful(j))
            .map(|j| j as u32)
            .collect();
        let whole = |x: f64| !x.is_finite() || x.fract() == 0.0;
        Self {
            integral: pb.weight.iter().all(|&w| whole(w)) && pb.capacity.iter().all(|&c| whole(c)),
            pairs: points_of.iter().map(|l| l.len() as u64).sum::<u64>().max(1),
            points_of,
            opens,
            cands,
            pb,
            opts: *opts,
            work: std::cell::Cell::new(0),
            flow_start: FLOW_PAIRS.with(std::cell::Cell::get),
        }
    }

    /// Work so far: pairs scanned by bounds, and pairs handed to flows (a flow costs several
    /// scans of its pairs).
    fn spent(&self) -> u64 {
        let flows = FLOW_PAIRS.with(std::cell::Cell::get) - self.flow_start;
        self.work.get() + 8 * flows
    }

    /// A bound as it may be claimed: rounded down to a whole number with whole-number data.
    fn round(&self, bound: f64) -> f64 {
        if self.integral {
            (bound + 1e-7).floor()
        } else {
            bound
        }
    }

    /// `v_j(λ)`, adding the knapsack's `x_ij` into `used` when given.
    fn site_value(&self, j: u32, lambda: &[f64], used: Option<&mut [f64]>) -> f64 {
        let pts = &self.points_of[j as usize];
        self.work.set(self.work.get() + pts.len() as u64);
        let cap = self.pb.capacity[j as usize];
        let w = &self.pb.weight;
        let total: f64 = pts.iter().map(|&i| w[i as usize]).sum();
        if total <= cap {
            let v = pts
                .iter()
                .map(|&i| (1.0 - lambda[i as usize]).max(0.0) * w[i as usize])
                .sum();
            if let Some(used) = used {
                for &i in pts {
                    if lambda[i as usize] < 1.0 {
                        used[i as usize] += w[i as usize];
                    }
                }
            }
            return v;
        }
        let mut order: Vec<u32> = pts
            .iter()
            .copied()
            .filter(|&i| lambda[i as usize] < 1.0)
            .collect();
        order.sort_by(|&a, &b| {
            lambda[a as usize]
                .total_cmp(&lambda[b as usize])
                .then(a.cmp(&b))
        });
        let mut left = cap;
        let mut v = 0.0;
        let mut used = used;
        for i in order {
            if left <= 0.0 {
                break;
            }
            let take = w[i as usize].min(left);
            left -= take;
            v += take * (1.0 - lambda[i as usize]);
            if let Some(u) = used.as_deref_mut() {
                u[i as usize] += take;
            }
        }
        v
    }

    fn evaluate(&self, lambda: &[f64], fix: &Fix, grad: bool) -> Eval {
        let w = &self.pb.weight;
        let mut used = vec![0.0; if grad { w.len() } else { 0 }];
        let mut base: f64 = lambda.iter().zip(w).map(|(l, w)| l * w).sum();
        for &j in &self.opens {
            base += self.site_value(j, lambda, grad.then_some(&mut used[..]));
        }
        let mut free_values = Vec::new();
        let mut value_at = vec![0.0; self.cands.len()];
        for (k, &j) in self.cands.iter().enumerate() {
            match fix.state[k] {
                1 => base += self.site_value(j, lambda, grad.then_some(&mut used[..])),
                0 => {
                    value_at[k] = self.site_value(j, lambda, None);
                    free_values.push((value_at[k], k));
                }
                _ => {}
            }
        }
        let mut ranked = free_values.clone();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let chosen: Vec<usize> = ranked
            .iter()
            .take(fix.budget as usize)
            .filter(|v| v.0 > 0.0)
            .map(|v| v.1)
            .collect();
        let mut bound = base;
        for &k in &chosen {
            bound += if grad {
                self.site_value(self.cands[k], lambda, Some(&mut used[..]))
            } else {
                value_at[k]
            };
        }
        let grad = if grad {
            w.iter().zip(&used).map(|(w, u)| w - u).collect()
        } else {
            Vec::new()
        };
        Eval {
            base,
            bound,
            free_values,
            chosen,
            grad,
        }
    }

    /// Lowers `L(λ)` at `fix` by subgradient steps, leaving the best multipliers in
    /// `lambda`; returns the best rounded bound. Stops early once the bound falls below
    /// `below` (a target the node must reach) or to `reach` (the incumbent).
    fn subgradient(
        &self,
        lambda: &mut Vec<f64>,
        fix: &Fix,
        below: Option<f64>,
        reach: f64,
        root: bool,
    ) -> f64 {
        let iterations = if root {
            self.opts.root_iterations
        } else {
            self.opts.root_iterations / 5
        }
        .max(1);
        // Never more than a tenth of the work limit on one bound.
        let affordable = (self.opts.work_limit / 10 / self.pairs.max(1)).max(2) as usize;
        let iterations = iterations.min(affordable);
        let mut best = f64::INFINITY;
        let mut best_lambda = lambda.clone();
        let mut theta = 1.0;
        let mut stale = 0;
        let floor = below.map_or(reach, |b| b.max(reach));
        for _ in 0..iterations {
            let e = self.evaluate(lambda, fix, true);
            if e.bound < best - 1e-9 {
                best = e.bound;
                best_lambda.clone_from(lambda);
                stale = 0;
            } else {
                stale += 1;
                if stale >= 4 {
                    theta /= 2.0;
                    stale = 0;
                }
            }
            let b = self.round(best);
            if below.is_some_and(|t| b < t - TOL) || b <= reach + TOL || theta < 1e-3 {
                break;
            }
            let norm: f64 = e.grad.iter().map(|g| g * g).sum();
            if norm < 1e-12 {
                break;
            }
            let gap = (e.bound - floor).max(1e-3 * e.bound.abs().max(1.0));
            let step = theta * gap / norm;
            for (l, g) in lambda.iter_mut().zip(&e.grad) {
                *l = (*l - step * g).clamp(0.0, 1.0);
            }
        }
        *lambda = best_lambda;
        self.round(best)
    }

    /// The open sites of a node's heuristic: fixed-open ones and the chosen free ones.
    fn sites_of(&self, fix: &Fix, chosen: &[usize]) -> Vec<u32> {
        let mut sites: Vec<u32> = (0..self.cands.len())
            .filter(|&k| fix.state[k] == 1)
            .chain(chosen.iter().copied())
            .map(|k| self.cands[k])
            .collect();
        sites.sort_unstable();
        sites
    }

    /// Lazy greedy: opens candidates by unserved people within reach (up to capacity) until
    /// `max` sites, until `target` is served, or until none adds anyone. Returns the order
    /// and the people served by its direct assignment after each prefix (a feasible
    /// assignment, so never more than the flow).
    fn greedy(&self, max: Option<u32>, target: Option<f64>) -> (Vec<u32>, Vec<f64>) {
        let pb = self.pb;
        let base = pb.assign(&[]);
        let mut unserved: Vec<f64> = pb
            .weight
            .iter()
            .zip(&base.per_point)
            .map(|(w, s)| (w - s).max(0.0))
            .collect();
        let mut total = base.total;
        let gain = |j: u32, unserved: &[f64]| -> f64 {
            let reachable: f64 = self.points_of[j as usize]
                .iter()
                .map(|&i| unserved[i as usize])
                .sum();
            reachable.min(pb.capacity[j as usize])
        };
        let mut heap: BinaryHeap<MaxScored> = self
            .cands
            .iter()
            .map(|&j| MaxScored {
                score: gain(j, &unserved),
                index: j,
            })
            .collect();
        let mut order = Vec::new();
        let mut totals = vec![total];
        while let Some(top) = heap.pop() {
            if max.is_some_and(|m| order.len() as u32 >= m)
                || target.is_some_and(|t| total >= t - TOL)
            {
                break;
            }
            let g = gain(top.index, &unserved);
            if g <= TOL {
                // Gains only fall: this candidate never adds anyone again, others still may.
                continue;
            }
            if heap.peek().is_some_and(|next| g < next.score) {
                heap.push(MaxScored {
                    score: g,
                    index: top.index,
                });
                continue;
            }
            let mut left = pb.capacity[top.index as usize];
            for &i in &self.points_of[top.index as usize] {
                let take = unserved[i as usize].min(left);
                unserved[i as usize] -= take;
                left -= take;
                total += take;
            }
            order.push(top.index);
            totals.push(total);
        }
        (order, totals)
    }

    /// Drops sites whose removal keeps `target` served, latest first (small instances only).
    fn drop_redundant(&self, sites: &mut Vec<u32>, target: f64) {
        if self.pairs.saturating_mul(sites.len() as u64) > self.opts.work_limit / 10 {
            return;
        }
        let mut k = sites.len();
        while k > 0 {
            k -= 1;
            let mut without = sites.clone();
            without.remove(k);
            if self.pb.assign(&without).total >= target - TOL {
                *sites = without;
            }
        }
    }

    /// The least number of new sites whose bound at `λ = 0`, and whose marginal bound,
    /// reach `target`.
    fn least_count(&self, target: f64) -> u32 {
        let (mut acc, add) = self.marginal_bound();
        let mut p = 0;
        while acc < target - TOL && p < add.len() {
            acc += add[p];
            p += 1;
        }
        self.least_count_at(&vec![0.0; self.pb.weight.len()], target)
            .max(p as u32)
    }

    /// The people served with no new site, and what each candidate may add at most,
    /// largest first: opening site `j` raises the maximum flow by at most the flow through
    /// `j`, so by at most `min(c_j, Σ_{i reaches j} w_i)`.
    fn marginal_bound(&self) -> (f64, Vec<f64>) {
        let base = self.pb.assign(&[]).total;
        let mut add: Vec<f64> = self
            .cands
            .iter()
            .map(|&j| {
                let reach: f64 = self.points_of[j as usize]
                    .iter()
                    .map(|&i| self.pb.weight[i as usize])
                    .sum();
                reach.min(self.pb.capacity[j as usize])
            })
            .collect();
        add.sort_by(|a, b| b.total_cmp(a));
        (base, add)
    }

    /// The least number of new sites whose bound at `lambda` reaches `target`.
    fn least_count_at(&self, lambda: &[f64], target: f64) -> u32 {
        let fix = Fix::root(self, self.cands.len() as u32);
        let e = self.evaluate(lambda, &fix, false);
        let mut values: Vec<f64> = e.free_values.iter().map(|v| v.0).collect();
        values.sort_by(|a, b| b.total_cmp(a));
        let mut acc = e.base;
        let mut p = 0;
        while self.round(acc) < target - TOL && (p as usize) < values.len() {
            acc += values[p as usize];
            p += 1;
        }
        p
    }

    /// Branch and bound for `p` new sites from the start answer `start`; with `target`,
    /// stops once an answer serves it and prunes nodes that cannot.
    fn branch_and_bound(&self, p: u32, target: Option<f64>, start: (Vec<u32>, Vec<f64>)) -> Found {
        let mut best_sites = start.0;
        let mut best = self.pb.assign(&best_sites).total;
        let n = self.pb.weight.len();
        // Stack of (fixings, parent's multipliers, parent's bound).
        let mut stack: Vec<(Fix, Vec<f64>, f64)> =
            vec![(Fix::root(self, p), vec![0.0; n], f64::INFINITY)];
        let mut nodes = 0u64;
        let mut root = true;
        let done = |best: f64| target.is_some_and(|t| best >= t - TOL);
        while let Some((fix, mut lambda, parent)) = stack.pop() {
            if done(best) {
                break;
            }
            if nodes >= self.opts.node_limit || self.spent() >= self.opts.work_limit {
                stack.push((fix, lambda, parent));
                break;
            }
            if parent <= best + TOL || target.is_some_and(|t| parent < t - TOL) {
                continue;
            }
            nodes += 1;
            let free: Vec<usize> = (0..self.cands.len())
                .filter(|&k| fix.state[k] == 0)
                .collect();
            if fix.budget == 0 || free.is_empty() {
                let sites = self.sites_of(&fix, &[]);
                let v = self.pb.assign(&sites).total;
                if v > best + TOL {
                    best = v;
                    best_sites = sites;
                }
                continue;
            }
            let bound = self
                .subgradient(&mut lambda, &fix, target, best, root)
                .min(parent);
            root = false;
            if bound <= best + TOL || target.is_some_and(|t| bound < t - TOL) {
                continue;
            }
            let e = self.evaluate(&lambda, &fix, false);
            let sites = self.sites_of(&fix, &e.chosen);
            let v = self.pb.assign(&sites).total;
            if v > best + TOL {
                best = v;
                best_sites = sites;
            }
            if bound <= best + TOL {
                continue;
            }
            // Branch on the chosen candidate of largest value; without one, the first free.
            let k = e.chosen.first().copied().unwrap_or(free[0]);
            let mut closed = fix.clone();
            closed.state[k] = -1;
            let mut opened = fix;
            opened.state[k] = 1;
            opened.budget -= 1;
            stack.push((closed, lambda.clone(), bound));
            stack.push((opened, lambda, bound));
        }
        let left = stack
            .iter()
            .map(|(_, _, b)| *b)
            .filter(|b| target.is_none_or(|t| *b >= t - TOL))
            .fold(best, f64::max);
        Found {
            sites: best_sites,
            value: best,
            bound: if done(best) { best.max(left) } else { left },
            nodes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::SplitMix64;

    /// Every subset of candidates, its flow value: (best value with at most p new sites for
    /// each p).
    fn brute(pb: &CapacitatedCoverage) -> Vec<f64> {
        let cands: Vec<u32> = (0..pb.role.len() as u32)
            .filter(|&j| pb.role[j as usize] == SiteRole::Candidate)
            .collect();
        let mut best = vec![0.0f64; cands.len() + 1];
        for mask in 0u32..(1 << cands.len()) {
            let sites: Vec<u32> = (0..cands.len())
                .filter(|k| mask >> k & 1 == 1)
                .map(|k| cands[k])
                .collect();
            let v = pb.assign(&sites).total;
            let k = sites.len();
            best[k] = best[k].max(v);
        }
        for k in 1..best.len() {
            best[k] = best[k].max(best[k - 1]);
        }
        best
    }

    fn random(r: &mut SplitMix64, adversarial: bool) -> CapacitatedCoverage {
        let n = 1 + r.below(9);
        let m = 1 + r.below(8);
        let weight = (0..n)
            .map(|_| match r.below(if adversarial { 4 } else { 1 }) {
                1 => 0.0,
                2 => 100.0,
                _ => r.below(60) as f64,
            })
            .collect();
        let capacity = (0..m)
            .map(|_| match r.below(if adversarial { 4 } else { 2 }) {
                0 => f64::INFINITY,
                2 => 0.0,
                3 => 50.0,
                _ => r.below(80) as f64,
            })
            .collect();
        let role = (0..m)
            .map(|_| match r.below(5) {
                0 => SiteRole::Open,
                1 => SiteRole::Unused,
                _ => SiteRole::Candidate,
            })
            .collect();
        // Co-located sites: in adversarial instances, site j+1 often copies site j's reach.
        let mut cols: Vec<Vec<bool>> = (0..m)
            .map(|_| (0..n).map(|_| r.below(3) == 0).collect())
            .collect();
        if adversarial {
            for j in 1..m {
                if r.below(2) == 0 {
                    cols[j] = cols[j - 1].clone();
                }
            }
        }
        let reach = (0..n)
            .map(|i| (0..m as u32).filter(|&j| cols[j as usize][i]).collect())
            .collect();
        CapacitatedCoverage {
            weight,
            capacity,
            role,
            reach,
        }
    }

    #[test]
    fn mclp_and_lscp_match_brute_force() {
        let mut r = SplitMix64::new(11, 0);
        let opts = CapacitatedOptions::default();
        for case in 0..400 {
            let pb = random(&mut r, case % 2 == 1);
            let best = brute(&pb);
            let ncand = best.len() - 1;
            for p in 0..=ncand as u32 {
                let sol = pb.mclp(p, &opts).expect("valid");
                let want = best[p as usize];
                assert!(
                    (sol.served.total - want).abs() < 1e-6,
                    "case {case} p {p}: {} vs {want}: {pb:?}",
                    sol.served.total
                );
                assert!(sol.sites.len() <= p as usize);
                assert!(sol.certificate.bound >= want - 1e-6, "case {case} p {p}");
                assert_eq!(sol.certificate.status, Status::Optimal, "case {case} p {p}");
            }
            let bounds = pb.bounds_up_to(ncand as u32, &opts);
            for (p, b) in bounds.iter().enumerate() {
                assert!(
                    *b >= best[p] - 1e-6,
                    "case {case}: bound {b} below {}",
                    best[p]
                );
            }
            let top = best[ncand];
            for target in [0.0, top / 2.0, top, top + 1.0] {
                let need = best.iter().position(|v| *v >= target - 1e-6);
                match (pb.lscp(target, &opts).expect("valid"), need) {
                    (Ok(sol), Some(k)) => {
                        assert_eq!(sol.sites.len(), k, "case {case} target {target}");
                        assert!(sol.served.total >= target - 1e-6);
                        assert!(sol.certificate.bound <= k as f64 + 1e-9);
                        assert_eq!(sol.certificate.status, Status::Optimal);
                    }
                    (Err(sol), None) => {
                        assert_eq!(sol.certificate.status, Status::Infeasible);
                    }
                    (got, want) => panic!("case {case} target {target}: {got:?} vs {want:?}"),
                }
                // With a budget of half the candidates: the same count where it fits, else
                // the budget's best, never more sites than the budget.
                let budget = (ncand / 2) as u32;
                let limited = CapacitatedOptions {
                    max_new: Some(budget),
                    ..opts
                };
                match (pb.lscp(target, &limited).expect("valid"), need) {
                    (Ok(sol), Some(k)) if k <= budget as usize => {
                        assert_eq!(sol.sites.len(), k, "case {case} target {target}");
                    }
                    (Err(sol), _) => {
                        assert!(sol.sites.len() <= budget as usize, "case {case}");
                        assert!(need.is_none_or(|k| k > budget as usize), "case {case}");
                        assert!((sol.served.total - best[budget as usize]).abs() < 1e-6);
                    }
                    (got, want) => panic!("case {case} target {target}: {got:?} vs {want:?}"),
                }
            }
        }
    }

    #[test]
    fn one_full_centre_serves_its_capacity() {
        // One existing centre (300 places) reaches 800 people; a candidate reaches 500 of
        // them with no limit: before 300, with the candidate 800.
        let pb = CapacitatedCoverage {
            weight: vec![500.0, 300.0],
            capacity: vec![300.0, f64::INFINITY],
            role: vec![SiteRole::Open, SiteRole::Candidate],
            reach: vec![vec![0, 1], vec![0]],
        };
        assert_eq!(pb.assign(&[]).total, 300.0);
        let sol = pb.mclp(1, &CapacitatedOptions::default()).expect("valid");
        assert_eq!(sol.sites, vec![1]);
        assert_eq!(sol.served.total, 800.0);
        assert_eq!(sol.certificate.status, Status::Optimal);
        let sol = pb
            .lscp(600.0, &CapacitatedOptions::default())
            .expect("valid")
            .expect("feasible");
        assert_eq!(sol.sites, vec![1]);
        assert_eq!(sol.certificate.bound, 1.0);
    }

    #[test]
    fn node_limit_leaves_a_valid_bound() {
        let mut r = SplitMix64::new(5, 0);
        let opts = CapacitatedOptions {
            node_limit: 1,
            root_iterations: 3,
            ..CapacitatedOptions::default()
        };
        for _ in 0..100 {
            let pb = random(&mut r, true);
            let best = brute(&pb);
            for p in 0..best.len() as u32 {
                let sol = pb.mclp(p, &opts).expect("valid");
                assert!(sol.certificate.bound >= best[p as usize] - 1e-6);
                assert!(sol.served.total <= best[p as usize] + 1e-6);
                if sol.certificate.status == Status::Optimal {
                    assert!((sol.served.total - best[p as usize]).abs() < 1e-6);
                }
            }
        }
    }

    #[test]
    fn greedy_skips_a_copy_of_an_open_site_and_goes_on() {
        // Candidates 0 and 1 are copies reaching point 0 (100); candidate 2 reaches point 1
        // (10). After 0 opens, 1's stale score is the largest but it adds no one; the greedy
        // must still open 2.
        let pb = CapacitatedCoverage {
            weight: vec![100.0, 10.0],
            capacity: vec![f64::INFINITY; 3],
            role: vec![SiteRole::Candidate; 3],
            reach: vec![vec![0, 1], vec![2]],
        };
        let (order, totals) = pb.greedy_curve(None, &CapacitatedOptions::default());
        assert_eq!(order, vec![0, 2]);
        assert_eq!(totals, vec![0.0, 100.0, 110.0]);
    }

    #[test]
    fn bad_input_is_an_error() {
        let pb = CapacitatedCoverage {
            weight: vec![1.0],
            capacity: vec![f64::NAN],
            role: vec![SiteRole::Open],
            reach: vec![vec![0]],
        };
        assert!(matches!(pb.validate(), Err(SolveError::BadAmount { .. })));
        let pb = CapacitatedCoverage {
            weight: vec![1.0],
            capacity: vec![1.0],
            role: vec![SiteRole::Open],
            reach: vec![vec![3]],
        };
        assert!(matches!(
            pb.validate(),
            Err(SolveError::SiteOutOfRange { .. })
        ));
    }
}
