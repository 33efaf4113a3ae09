//! Uncapacitated p-median with forced-open sites: a seeded hybrid search for the answer and
//! a Lagrangian lower bound.
//!
//! # Model
//! Clients `i` and candidate sites `j`; serving `i` from `j` costs `c_ij` (for a
//! people-weighted model, weight × minutes): the pairs of a [`CostTable`]'s complete rows,
//! and for a truncated row also every unlisted site, at a cost known only to be at least the
//! row's `beyond` (see [`super::cost`]). With `y_j ∈ {0,1}` the open sites and `x_ij ∈ {0,1}` the assignment:
//!
//! ```text
//! min Σ c_ij x_ij   s.t.  Σ_j x_ij = 1 (every client i),  x_ij <= y_j,  Σ_j y_j = p,
//!                         y_j = 1 for every forced site j
//! ```
//! (Hakimi 1964; ReVelle & Swain 1970). `p` counts the forced sites too. Every client goes to
//! its cheapest open site, so an answer is its set of open sites.
//!
//! # Method
//! 1. Starts: the greedy answer (lazy evaluation of the add gains) and randomised "sample"
//!    greedy answers (each step opens the best of `⌈log2(m / p)⌉` random sites), each improved
//!    by the fast interchange local search of Resende & Werneck (2007): for every client the
//!    nearest and second-nearest open site, and per site the gain of opening it, the loss of
//!    closing it and a sparse "extra" table, so that the best swap is found in one pass over
//!    the sites and only the clients a swap touches are updated.
//! 2. Bound: Lagrangian relaxation of the assignment constraints with multipliers `λ_i`,
//!    ```text
//!    L(λ) = Σ_i λ_i + min { Σ_{j∈S} ρ_j : |S| = p, S ⊇ forced },  ρ_j = Σ_i min(0, c_ij − λ_i)
//!    ```
//!    maximised by subgradient optimisation with Polyak steps (Beasley 1993), restarted from
//!    the best multipliers when the step collapses short of a proof. `L(λ)` is a lower bound
//!    for every `λ`; with whole-number costs it is rounded up. A truncated row adds
//!    `min(0, beyond_i − λ_i)`: its unlisted sites priced at `beyond_i` (Church 2008), so the
//!    bound holds for the full problem. The site sets `S` of the relaxation are also answers,
//!    and the best of them join the pool (a Lagrangian heuristic).
//! 3. Improvement in generations over an elite pool of distinct local optima: path relinking
//!    between every pair of the pool (always taking the best swap toward the guiding answer,
//!    then local search from the best intermediate answer; Resende & Werneck 2004) and
//!    variable neighbourhood search chains from the best answers (shake with `k` random swaps,
//!    local search, `k` reset on improvement; Hansen & Mladenović 1997). It stops when the
//!    bound is met or a generation brings no improvement.
//! 4. Branch and bound when the bound still falls short: best-first over nodes that fix sites
//!    open or closed, each bounded by the dual above with those fixings (warm-started from its
//!    parent's multipliers with a full first step, [`NODE_ITERATIONS`] steps), each
//!    relaxation's sites offered as an answer, improved by local search when they cost no
//!    more above the best answer than the node's gap. The sites the root fixes closed are
//!    dropped from the rows for the whole tree. At its best multipliers a node then fixes sites by their
//!    reduced costs (Beasley 1993): a site left out of the relaxation is closed when
//!    opening it in place of the dearest chosen one, `L + ρ_j − ρ_(p)`, already reaches the
//!    best answer, and a chosen site is opened when closing it, `L − ρ_j + ρ_(p+1)`, does.
//!    A node left without a choice is one answer, priced exactly. The others branch on the
//!    chosen free site of least `ρ`, whose closing the reduced costs price highest. The
//!    proven bound is the least bound of the nodes left; the work is at most
//!    `12 × bound_iterations` subgradient steps ([`BRANCH_WORK`]).
//!
//! With truncated rows the search runs on the relaxation (a client with no listed open site
//! pays `beyond_i`). If its best answer serves every client within its list, that answer's
//! cost is exact and the bound holds: done. Otherwise [`PMedianProblem::solve_with_rows`]
//! grows the rows of the clients it would send beyond their lists and solves again, while
//! [`PMedianProblem::solve`] searches again within the lists only, keeping the relaxation's
//! bound, so the gap shows what the truncation may cost.
//!
//! Every task of a phase (a start, a relinked pair, a chain) has its own random stream derived
//! from the seed and its index, tasks run in parallel with rayon, and their results are merged
//! in task order, so any thread count gives the same answer.
//!
//! Clients whose complete row is empty make the problem infeasible before any search; a
//! client left without an open site during the search costs a penalty above every feasible
//! answer.
//!
//! # References
//! - Beasley, J. E. (1993). Lagrangean heuristics for location problems. *EJOR* 65, 383–399.
//! - Church, R. L. (2008). BEAMR: An exact and overlap-free model for the p-median problem.
//!   *Computers & Operations Research* 35, 968–977.
//! - Hansen, P. & Mladenović, N. (1997). Variable neighborhood search for the p-median.
//!   *Location Science* 5, 207–226.
//! - Resende, M. G. C. & Werneck, R. F. (2004). A hybrid heuristic for the p-median problem.
//!   *Journal of Heuristics* 10, 59–88.
//! - Resende, M. G. C. & Werneck, R. F. (2007). A fast swap-based local search procedure for
//!   location problems. *Annals of Operations Research* 150, 205–230.

use std::collections::{BinaryHeap, HashSet};

use super::dual::{dual_bound, note_dual_value, reduced_cost_fixing, tolerance};
use super::error::SolveError;
use super::pool::{Pool, TopSets};
use super::scored::MaxScored;
use super::sites::{check_sites, forced_sites};
use super::tasks::run_tasks;
use super::{Certificate, SplitMix64};

pub use super::cost::{CostTable, Link, Row, RowSource};
pub use super::siting::{Infeasibility, MedianSolution, SearchStats};

/// "No site" in per-client tables.
const NONE: u32 = u32::MAX;

/// Settings of the p-median search. The effort is counted in work, not time, so the answer
/// does not depend on the machine.
#[derive(Clone, Copy, Debug)]
pub struct PMedianOptions {
    /// Seed of every random choice.
    pub seed: u64,
    /// Constructions followed by local search (the first is the plain greedy).
    pub starts: usize,
    /// Size of the elite pool.
    pub elite: usize,
    /// Most improvement generations.
    pub generations: usize,
    /// Variable neighbourhood search chains per generation.
    pub chains: usize,
    /// Shakes per chain and generation.
    pub chain_iterations: usize,
    /// Most subgradient iterations of the bound.
    pub bound_iterations: usize,
    /// Whether to run the tasks of a phase in parallel.
    pub parallel: bool,
}

impl Default for PMedianOptions {
    fn default() -> Self {
        Self {
            seed: 1,
            starts: 16,
            elite: 10,
            generations: 8,
            chains: 4,
            chain_iterations: 100,
            bound_iterations: 3_000,
            parallel: true,
        }
    }
}

/// A p-median instance.
#[derive(Clone, Debug)]
pub struct PMedianProblem {
    /// Assignment costs.
    pub costs: CostTable,
    /// Sites to open, forced ones included.
    pub p: usize,
    /// Sites that are open whatever the answer (existing facilities).
    pub forced: Vec<u32>,
}

impl PMedianProblem {
    /// A problem with no forced site.
    pub fn new(costs: CostTable, p: usize) -> Self {
        Self {
            costs,
            p,
            forced: Vec::new(),
        }
    }

    /// The same problem with `forced` always open (duplicates and out-of-range indices are
    /// dropped).
    pub fn with_forced(mut self, forced: &[u32]) -> Self {
        self.forced = forced_sites(forced, self.costs.sites());
        self
    }

    /// Why no answer can exist, if a reason is visible before searching.
    pub fn check(&self) -> Option<Infeasibility> {
        check_sites(&self.costs, self.p, &self.forced)
    }

    /// Total cost of serving every client from its cheapest listed site in `open`, `None`
    /// when a client has no listed site there or a site index is out of range.
    pub fn objective_of(&self, open: &[u32]) -> Option<f64> {
        let mut is_open = vec![false; self.costs.sites()];
        for &j in open {
            *is_open.get_mut(j as usize)? = true;
        }
        (0..self.costs.clients())
            .map(|i| {
                self.costs
                    .row(i)
                    .iter()
                    .find(|l| is_open[l.to as usize])
                    .map(|l| l.cost)
            })
            .sum()
    }

    /// Searches for the best answer and proves a bound (see the module documentation).
    ///
    /// On a table with truncated rows the bound is one of the full problem, and the answer
    /// serves every client within its list, so its objective is exact; where the best
    /// answer of the relaxation would serve a client beyond its list, the answer is the best
    /// found within the lists and the gap says how far it may be from the optimum. Use
    /// [`PMedianProblem::solve_with_rows`] to grow such rows instead.
    pub fn solve(&self, opts: &PMedianOptions) -> MedianSolution {
        self.solve_exact(opts, None)
            .expect("only a source of longer rows can fail")
    }

    /// As [`PMedianProblem::solve`], but where the best answer of the relaxation serves a
    /// client beyond its truncated row, that row is grown through `rows` and the problem
    /// solved again, until the best answer serves every client within its list. The result
    /// is then exact for the full problem (objective and bound) whatever the truncation.
    ///
    /// # Errors
    /// What `rows` returns, and [`SolveError::NoProgress`] when it returns a row no longer
    /// than before.
    pub fn solve_with_rows(
        &self,
        opts: &PMedianOptions,
        rows: &mut dyn RowSource,
    ) -> Result<MedianSolution, SolveError> {
        self.solve_exact(opts, Some(rows))
    }

    fn solve_exact(
        &self,
        opts: &PMedianOptions,
        mut rows: Option<&mut dyn RowSource>,
    ) -> Result<MedianSolution, SolveError> {
        let mut stats = SearchStats::default();
        if let Some(why) = self.check() {
            return Ok(MedianSolution::infeasible(why, stats));
        }
        let mut grown: Option<PMedianProblem> = None;
        loop {
            let problem = grown.as_ref().unwrap_or(self);
            // The relaxation: every unlisted pair at its row's least unlisted cost.
            let relaxed = problem.search(opts, true, None, &mut stats);
            let outside = problem.outside(&relaxed.open);
            if outside.is_empty() {
                return Ok(problem.finish(relaxed.open, relaxed.value, relaxed.bound, stats));
            }
            match rows.as_deref_mut() {
                Some(source) => {
                    let longer = source.rows(&outside)?;
                    if longer.len() != outside.len() {
                        return Err(SolveError::Shape {
                            what: "rows",
                            got: longer.len(),
                            want: outside.len(),
                            of: "clients asked for",
                        });
                    }
                    let costs = problem.costs.with_rows(&outside, &longer)?;
                    grown = Some(PMedianProblem {
                        costs,
                        p: self.p,
                        forced: self.forced.clone(),
                    });
                }
                None => {
                    // Answers within the lists only; the bound stays the relaxation's.
                    let within = problem.search(opts, false, Some(&relaxed.open), &mut stats);
                    return Ok(problem.finish(within.open, within.value, relaxed.bound, stats));
                }
            }
        }
    }

    /// Clients of truncated rows with no listed site among `open`.
    fn outside(&self, open: &[u32]) -> Vec<u32> {
        let mut is_open = vec![false; self.costs.sites()];
        for &j in open {
            is_open[j as usize] = true;
        }
        (0..self.costs.clients())
            .filter(|&i| self.costs.beyond(i).is_finite())
            .filter(|&i| !self.costs.row(i).iter().any(|l| is_open[l.to as usize]))
            .map(|i| i as u32)
            .collect()
    }

    /// The search context: with `tails`, a client with no listed open site pays its row's
    /// least unlisted cost (the relaxation); without, the penalty.
    fn context<'a>(&'a self, forced: &'a [bool], tails: bool) -> Context<'a> {
        let t = &self.costs;
        let n = t.clients();
        let finite = |i: usize| Some(t.beyond(i)).filter(|b| tails && b.is_finite());
        let pen = 1.0
            + (0..n)
                .map(|i| {
                    let last = t.row(i).last().map_or(0.0, |l| l.cost);
                    finite(i).map_or(last, |b| b.max(last))
                })
                .sum::<f64>();
        Context {
            t,
            miss: (0..n).map(|i| finite(i).unwrap_or(pen)).collect(),
            pen,
            forced,
            p: self.p,
        }
    }

    /// One search (see the module documentation), with or without the tails of truncated
    /// rows, `start` joining the starts; the bound is `NaN` when nothing was to choose.
    fn search(
        &self,
        opts: &PMedianOptions,
        tails: bool,
        start: Option<&[u32]>,
        stats: &mut SearchStats,
    ) -> Searched {
        let t = &self.costs;
        let (n, m) = (t.clients(), t.sites());
        let mut forced = vec![false; m];
        for &j in &self.forced {
            forced[j as usize] = true;
        }
        let ctx = self.context(&forced, tails);
        let free = self.p - self.forced.len();
        if n == 0 || free == 0 || self.p == m {
            // Nothing to choose: the forced sites, topped up by the lowest indices.
            let mut open = self.forced.clone();
            open.extend((0..m as u32).filter(|&j| !forced[j as usize]).take(free));
            open.sort_unstable();
            let value = Interchange::new(&ctx, &open).obj;
            return Searched {
                value,
                open,
                bound: f64::NAN,
            };
        }
        let mut pool = Pool::new(opts.elite.max(2));
        let starts: Vec<(f64, Vec<u32>)> = run_tasks(opts.parallel, opts.starts.max(1), |k| {
            let open = if k == 0 {
                ctx.greedy()
            } else {
                let mut rng = SplitMix64::new(opts.seed, k as u64);
                ctx.sample_greedy(&mut rng)
            };
            let mut s = Interchange::new(&ctx, &open);
            s.local_search();
            (s.obj, s.sorted_open())
        });
        stats.local_optima += starts.len();
        for (v, s) in starts {
            pool.insert(v, s);
        }
        if let Some(open) = start {
            let mut s = Interchange::new(&ctx, open);
            s.local_search();
            stats.local_optima += 1;
            pool.insert(s.obj, s.sorted_open());
        }

        // Bound, and the relaxation's site sets as further starts.
        let mut lagrange = Lagrange::new(&ctx, &pool.best().1);
        let mut heuristic = TopSets::new(4);
        lagrange.run(&ctx, pool.best().0, opts.bound_iterations, &mut heuristic);
        let sets = heuristic.sets;
        let improved: Vec<(f64, Vec<u32>)> = run_tasks(opts.parallel, sets.len(), |k| {
            let mut s = Interchange::new(&ctx, &sets[k].1);
            s.local_search();
            (s.obj, s.sorted_open())
        });
        stats.local_optima += improved.len();
        for (v, s) in improved {
            pool.insert(v, s);
        }

        // Generations of path relinking and variable neighbourhood search.
        for generation in 0..opts.generations {
            if ctx.proven(lagrange.bound(), pool.best().0) {
                break;
            }
            stats.generations += 1;
            let before = pool.best().0;
            let members = pool.members.clone();
            let mut tasks: Vec<Task> = Vec::new();
            for a in 0..members.len() {
                for b in a + 1..members.len() {
                    tasks.push(Task::Relink(a, b));
                }
            }
            for c in 0..opts.chains.min(members.len()) {
                tasks.push(Task::Chain(c));
            }
            let results: Vec<Option<(f64, Vec<u32>)>> =
                run_tasks(opts.parallel, tasks.len(), |k| {
                    let stream = ((generation as u64 + 1) << 32) | k as u64;
                    let mut rng = SplitMix64::new(opts.seed, stream);
                    match tasks[k] {
                        Task::Relink(a, b) => {
                            let start = Interchange::new(&ctx, &members[a].1);
                            start.relink(&members[b].1)
                        }
                        Task::Chain(c) => {
                            Some(ctx.vns(&members[c].1, opts.chain_iterations, &mut rng))
                        }
                    }
                });
            stats.local_optima += results.iter().flatten().count();
            let mut changed = false;
            for (v, s) in results.into_iter().flatten() {
                changed |= pool.insert(v, s);
            }
            if pool.best().0 < before - tolerance(before) {
                lagrange.run(
                    &ctx,
                    pool.best().0,
                    opts.bound_iterations / 4,
                    &mut TopSets::new(0),
                );
            } else if !changed {
                break;
            }
        }
        stats.bound_iterations += lagrange.iterations;
        let mut best = pool.best().clone();
        let mut bound = lagrange.bound();
        if tails && !ctx.proven(bound, best.0) {
            let budget = opts.bound_iterations.saturating_mul(BRANCH_WORK);
            let (b, spent) = branch_and_bound(&ctx, &lagrange, &mut best, budget);
            stats.bound_iterations += spent;
            bound = b;
        }
        Searched {
            value: best.0,
            open: best.1,
            bound,
        }
    }

    /// Builds the result for the open set `open` of total cost `value` (the penalty included
    /// when a client is unserved) and the bound (`NaN` when nothing was to choose).
    fn finish(&self, open: Vec<u32>, value: f64, bound: f64, stats: SearchStats) -> MedianSolution {
        let t = &self.costs;
        let mut is_open = vec![false; t.sites()];
        for &j in &open {
            is_open[j as usize] = true;
        }
        let mut assignment = Vec::with_capacity(t.clients());
        let mut unserved = 0;
        let mut objective = 0.0;
        for i in 0..t.clients() {
            match t.row(i).iter().find(|l| is_open[l.to as usize]) {
                Some(l) => {
                    assignment.push(l.to);
                    objective += l.cost;
                }
                None => {
                    assignment.push(NONE);
                    unserved += 1;
                }
            }
        }
        debug_assert!(unserved > 0 || (objective - value).abs() <= 1e-6 * (1.0 + value.abs()));
        if unserved > 0 {
            // The bound is above every answer that serves all (or nothing was to choose);
            // only a complete table shows that no answer exists.
            let why = if t.is_complete() && (bound >= t.penalty() || bound.is_nan()) {
                Infeasibility::TooFewSites { p: self.p }
            } else {
                Infeasibility::NotFound { unserved }
            };
            return MedianSolution::infeasible(why, stats);
        }
        let bound = if bound.is_nan() {
            objective
        } else {
            bound.min(objective)
        };
        MedianSolution {
            sites: open,
            assignment,
            certificate: Certificate::new(objective, bound),
            infeasible: None,
            stats,
        }
    }

    /// A Lagrangian lower bound alone, from `iterations` subgradient steps started at the
    /// greedy answer; on truncated rows, a bound of the full problem.
    pub fn lower_bound(&self, iterations: usize) -> f64 {
        if self.check().is_some() {
            return f64::INFINITY;
        }
        let t = &self.costs;
        let mut forced = vec![false; t.sites()];
        for &j in &self.forced {
            forced[j as usize] = true;
        }
        if t.clients() == 0 {
            return 0.0;
        }
        let ctx = self.context(&forced, true);
        let open = ctx.greedy();
        let mut s = Interchange::new(&ctx, &open);
        s.local_search();
        let mut lagrange = Lagrange::new(&ctx, &s.sorted_open());
        lagrange.run(&ctx, s.obj, iterations, &mut TopSets::new(0));
        lagrange.bound().min(s.obj)
    }
}

/// The outcome of one search: the best answer's value and sites, and the bound.
struct Searched {
    value: f64,
    open: Vec<u32>,
    bound: f64,
}

/// Subgradient steps of branch and bound, in multiples of `bound_iterations`.
pub const BRANCH_WORK: usize = 12;

/// Subgradient steps per node of branch and bound.
pub const NODE_ITERATIONS: usize = 50;

/// Polyak step factor a node's dual starts with (halved after 20 steps without a better
/// value). The parent's multipliers are close but not at the child's optimum: a full step
/// (2, as at the root) moves them there within [`NODE_ITERATIONS`] steps, where a timid one
/// leaves the child's bound near the parent's. On pmed36 (root bound at the LP value 9833.26,
/// optimum 9934) factor 0.5 needs about 2,600 nodes and 185,000 steps, factor 2 about 300
/// nodes and 21,000 steps.
const NODE_STEP: f64 = 2.0;

/// A node of branch and bound: sites fixed open and closed, its bound, the multipliers it
/// was bounded with, and the site to branch on.
struct Node {
    bound: f64,
    forced: Vec<bool>,
    excluded: Vec<bool>,
    lambda: Vec<f64>,
    branch: u32,
}

/// Branch and bound on the Lagrangian relaxation, lowest bound first. A node fixes sites
/// open or closed; it is bounded by the dual with those fixings (warm-started from its
/// parent's multipliers, first step factor [`NODE_STEP`]), offers its relaxation's sites as
/// an answer (improved by local search when they cost at most the node's gap above `best`),
/// and then fixes more sites by their reduced costs at its best multipliers
/// ([`reduced_cost_fixing`]). A node whose fixings leave no choice is an answer, priced
/// exactly; the others branch on the chosen free site whose closing the reduced costs
/// price lowest (the most ambiguous one). Returns the proven bound (the least bound of the
/// nodes left, or `best`'s value when none is) and the subgradient steps spent, at most
/// about `budget`.
fn branch_and_bound(
    ctx: &Context<'_>,
    root: &Lagrange,
    best: &mut (f64, Vec<u32>),
    budget: usize,
) -> (f64, usize) {
    let m = ctx.t.sites();
    let mut open = Vec::new();
    let root_node = Node {
        bound: root.bound(),
        forced: ctx.forced.to_vec(),
        excluded: vec![false; m],
        lambda: root.best_lambda.clone(),
        branch: NONE,
    };
    let Some(root_node) = settle(ctx, root_node, best) else {
        return (best.0, 0);
    };
    // The sites the root fixes closed stay closed in the whole tree: without them in the
    // rows, every relaxation and local search below scans fewer pairs.
    let restricted = without_sites(ctx.t, &root_node.excluded);
    let tree_ctx = Context {
        t: restricted.as_ref().unwrap_or(ctx.t),
        pen: ctx.pen,
        miss: ctx.miss.clone(),
        forced: ctx.forced,
        p: ctx.p,
    };
    let ctx = &tree_ctx;
    open.push(root_node);
    // Site sets already improved by local search.
    let mut tried: HashSet<Vec<u32>> = HashSet::new();
    let mut spent = 0;
    loop {
        open.retain(|node| !ctx.proven(node.bound, best.0));
        let Some(k) = (0..open.len()).min_by(|&a, &b| open[a].bound.total_cmp(&open[b].bound))
        else {
            return (best.0, spent);
        };
        if spent >= budget {
            return (open[k].bound.min(best.0), spent);
        }
        let node = open.swap_remove(k);
        let j = node.branch as usize;
        for fix_open in [true, false] {
            let mut forced = node.forced.clone();
            let mut excluded = node.excluded.clone();
            if fix_open {
                forced[j] = true;
            } else {
                excluded[j] = true;
            }
            let child_ctx = Context {
                t: ctx.t,
                pen: ctx.pen,
                miss: ctx.miss.clone(),
                forced: &forced,
                p: ctx.p,
            };
            let mut lagrange =
                Lagrange::with_multipliers(&child_ctx, node.lambda.clone(), &excluded, NODE_STEP);
            let mut heuristic = TopSets::new(1);
            lagrange.run(&child_ctx, best.0, NODE_ITERATIONS, &mut heuristic);
            spent += lagrange.iterations;
            // The relaxation's sites as an answer, improved by local search when they cost
            // no more above the incumbent than the node's gap.
            if let Some((hv, sites)) = heuristic.sets.first()
                && *hv <= best.0 + (best.0 - node.bound)
                && tried.insert(sites.clone())
            {
                let mut s = Interchange::new(ctx, sites);
                s.local_search();
                if s.obj < best.0 - tolerance(best.0) {
                    *best = (s.obj, s.sorted_open());
                }
            }
            let child = Node {
                bound: lagrange.bound().max(node.bound),
                lambda: lagrange.best_lambda,
                forced,
                excluded,
                branch: NONE,
            };
            if let Some(child) = settle(ctx, child, best) {
                open.push(child);
            }
        }
    }
}

/// The table `t` without the sites `excluded` in its rows (their columns left empty), the
/// rows' least costs beyond their lists kept; `None` when nothing is excluded. For answers
/// that open none of those sites every client costs what it costs in `t`.
fn without_sites(t: &CostTable, excluded: &[bool]) -> Option<CostTable> {
    if !excluded.iter().any(|&x| x) {
        return None;
    }
    let lists: Vec<Vec<(u32, f64)>> = (0..t.clients())
        .map(|i| {
            t.row(i)
                .iter()
                .filter(|l| !excluded[l.to as usize])
                .map(|l| (l.to, l.cost))
                .collect()
        })
        .collect();
    let beyond: Vec<f64> = (0..t.clients()).map(|i| t.beyond(i)).collect();
    CostTable::truncated(t.sites(), &lists, &beyond).ok()
}

/// Fixes the sites of `node` that its multipliers settle against the incumbent `best`,
/// repeatedly while new sites are fixed, and picks the site to branch on. `None` when the
/// node holds no answer better than `best`: too many sites fixed open or too few left, or
/// its sites all fixed (that answer is then offered to `best`).
fn settle(ctx: &Context<'_>, mut node: Node, best: &mut (f64, Vec<u32>)) -> Option<Node> {
    let m = ctx.t.sites();
    loop {
        let nforced = node.forced.iter().filter(|f| **f).count();
        let nfree = (0..m)
            .filter(|&j| !node.forced[j] && !node.excluded[j])
            .count();
        if nforced > ctx.p || nfree < ctx.p - nforced {
            return None;
        }
        if nforced == ctx.p || nfree == ctx.p - nforced {
            // No choice left: the node is one answer.
            let all_free = nforced < ctx.p;
            let sites: Vec<u32> = (0..m as u32)
                .filter(|&j| node.forced[j as usize] || (all_free && !node.excluded[j as usize]))
                .collect();
            let s = Interchange::new(ctx, &sites);
            if s.obj < best.0 - tolerance(best.0) {
                *best = (s.obj, s.sorted_open());
            }
            return None;
        }
        let child_ctx = Context {
            t: ctx.t,
            pen: ctx.pen,
            miss: ctx.miss.clone(),
            forced: &node.forced,
            p: ctx.p,
        };
        let (free, chosen, value) = relaxation_at(&child_ctx, &node.excluded, &node.lambda);
        let integral = ctx.t.is_integral();
        node.bound = node.bound.max(dual_bound(value, integral));
        if ctx.proven(node.bound, best.0) {
            return None;
        }
        let fix = reduced_cost_fixing(value, &free, chosen, |v| {
            ctx.proven(dual_bound(v, integral), best.0)
        });
        if fix.open.is_empty() && fix.closed.is_empty() {
            // Branch on the chosen site whose closing the reduced costs price highest (the
            // first one, ties by index): the closed branch gains the most.
            node.branch = free[..chosen]
                .first()
                .map(|&(j, _)| j)
                .expect("a node with a choice chooses a free site");
            return Some(node);
        }
        for &j in &fix.open {
            node.forced[j as usize] = true;
        }
        for &j in &fix.closed {
            node.excluded[j as usize] = true;
        }
    }
}

/// The relaxation of `ctx` at the multipliers `lambda`, the sites `excluded` never chosen:
/// the free sites with their `ρ_j`, ascending (ties by index), how many of them it opens,
/// and its dual value.
fn relaxation_at(
    ctx: &Context<'_>,
    excluded: &[bool],
    lambda: &[f64],
) -> (Vec<(u32, f64)>, usize, f64) {
    let t = ctx.t;
    let mut rho = vec![0.0; t.sites()];
    let mut value = 0.0;
    for (u, &lu) in lambda.iter().enumerate() {
        value += lu;
        for l in t.row(u) {
            if l.cost >= lu {
                break;
            }
            rho[l.to as usize] += l.cost - lu;
        }
        if ctx.miss[u] < ctx.pen {
            value += (ctx.miss[u] - lu).min(0.0);
        }
    }
    let mut nforced = 0;
    let mut free = Vec::new();
    for (j, &r) in rho.iter().enumerate() {
        if ctx.forced[j] {
            nforced += 1;
            value += r;
        } else if !excluded[j] {
            free.push((j as u32, r));
        }
    }
    free.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let chosen = ctx.p.saturating_sub(nforced).min(free.len());
    value += free[..chosen].iter().map(|f| f.1).sum::<f64>();
    (free, chosen, value)
}

/// A unit of work of an improvement generation.
#[derive(Clone, Copy, Debug)]
enum Task {
    /// Relink pool members `a` (start) and `b` (guide).
    Relink(usize, usize),
    /// A variable neighbourhood search chain from pool member `c`.
    Chain(usize),
}

/// The problem as the search sees it.
struct Context<'a> {
    t: &'a CostTable,
    /// Above the value of every answer that serves each client within its list or, in the
    /// relaxation, beyond it.
    pen: f64,
    /// What a client with no listed open site pays: its row's least unlisted cost in the
    /// relaxation, else `pen`.
    miss: Vec<f64>,
    forced: &'a [bool],
    p: usize,
}

impl Context<'_> {
    /// Whether `bound` proves `value` optimal.
    fn proven(&self, bound: f64, value: f64) -> bool {
        bound >= value - tolerance(value).max(Certificate::TOLERANCE)
    }

    /// Cost of the cheapest open site of each client before any choice: the forced sites.
    fn forced_costs(&self) -> (Vec<f64>, Vec<bool>, Vec<u32>) {
        let mut d1 = self.miss.clone();
        let mut open = Vec::with_capacity(self.p);
        for (j, _) in self.forced.iter().enumerate().filter(|(_, f)| **f) {
            open.push(j as u32);
            for l in self.t.column(j) {
                let d = &mut d1[l.to as usize];
                *d = d.min(l.cost);
            }
        }
        (d1, self.forced.to_vec(), open)
    }

    /// What opening `j` saves with the current costs `d1`.
    fn add_gain(&self, d1: &[f64], j: usize) -> f64 {
        self.t
            .column(j)
            .iter()
            .map(|l| (d1[l.to as usize] - l.cost).max(0.0))
            .sum()
    }

    fn open_site(&self, d1: &mut [f64], j: usize) {
        for l in self.t.column(j) {
            let d = &mut d1[l.to as usize];
            *d = d.min(l.cost);
        }
    }

    /// The greedy answer: repeatedly open the site of largest saving (ties to the lower
    /// index), with lazy re-evaluation since savings only shrink as sites open.
    fn greedy(&self) -> Vec<u32> {
        let (mut d1, mut is_open, mut open) = self.forced_costs();
        let mut heap: BinaryHeap<(MaxScored, u32)> = (0..self.t.sites())
            .filter(|&j| !is_open[j])
            .map(|j| {
                (
                    MaxScored {
                        score: self.add_gain(&d1, j),
                        index: j as u32,
                    },
                    0,
                )
            })
            .collect();
        let mut round = 0u32;
        while open.len() < self.p {
            let Some((key, at)) = heap.pop() else { break };
            let j = key.index as usize;
            if at == round {
                open.push(key.index);
                is_open[j] = true;
                self.open_site(&mut d1, j);
                round += 1;
            } else {
                heap.push((
                    MaxScored {
                        score: self.add_gain(&d1, j),
                        index: key.index,
                    },
                    round,
                ));
            }
        }
        open
    }

    /// The "sample" greedy of Resende & Werneck: each step opens the best of a few random
    /// closed sites.
    fn sample_greedy(&self, rng: &mut SplitMix64) -> Vec<u32> {
        let m = self.t.sites();
        let (mut d1, mut is_open, mut open) = self.forced_costs();
        let size = ((m as f64 / self.p as f64).log2().ceil() as usize).max(2);
        let mut sample = Vec::with_capacity(size);
        while open.len() < self.p {
            sample.clear();
            let closed = m - open.len();
            while sample.len() < size.min(closed) {
                let j = rng.below(m) as u32;
                if !is_open[j as usize] && !sample.contains(&j) {
                    sample.push(j);
                }
            }
            let (best, _) = sample
                .iter()
                .map(|&j| (j, self.add_gain(&d1, j as usize)))
                .fold((NONE, f64::NEG_INFINITY), |b, (j, g)| {
                    if g > b.1 || (g == b.1 && j < b.0) {
                        (j, g)
                    } else {
                        b
                    }
                });
            open.push(best);
            is_open[best as usize] = true;
            self.open_site(&mut d1, best as usize);
        }
        open
    }

    /// A variable neighbourhood search chain from `start`: shake with `k` random swaps,
    /// local search, keep if better (then `k = 1`), else `k + 1` up to `k_max`.
    fn vns(&self, start: &[u32], iterations: usize, rng: &mut SplitMix64) -> (f64, Vec<u32>) {
        let mut current = Interchange::new(self, start);
        current.local_search();
        let removable = current.fixed.iter().filter(|f| !**f).count();
        let k_max = removable.clamp(1, 10);
        let mut trial = current.clone();
        let mut k = 1;
        for _ in 0..iterations {
            trial.clone_from(&current);
            trial.shake(k, rng);
            trial.local_search();
            if trial.obj < current.obj - tolerance(current.obj) {
                std::mem::swap(&mut current, &mut trial);
                k = 1;
            } else {
                k = if k >= k_max { 1 } else { k + 1 };
            }
        }
        (current.obj, current.sorted_open())
    }
}

/// The fast interchange state of Resende & Werneck (2007) for one open set.
///
/// For client `u`: `p1`, `p2` its nearest and second-nearest open sites (in row order, so
/// ties go to the lower index) at costs `d1 <= d2` (the penalty when missing). Then
/// `gain[f]` = Σ_u max(0, d1 − c_uf) for closed `f`; `loss[s]` = Σ_{u: p1 = open[s]} (d2 − d1);
/// `extra[f][s]` = Σ_{u: p1 = open[s], c_uf < d2} (d2 − max(c_uf, d1)); and swapping `f` in
/// for the site in slot `s` saves `gain[f] − loss[s] + extra[f][s]`.
#[derive(Clone, Debug)]
struct Interchange<'a> {
    t: &'a CostTable,
    /// What a client with no listed open site pays.
    miss: &'a [f64],
    zero: f64,
    /// Site in each slot.
    open: Vec<u32>,
    /// Slot of each site, `NONE` when closed.
    slot: Vec<u32>,
    /// Whether the slot's site is forced open.
    fixed: Vec<bool>,
    p1: Vec<u32>,
    p2: Vec<u32>,
    d1: Vec<f64>,
    d2: Vec<f64>,
    gain: Vec<f64>,
    loss: Vec<f64>,
    /// Sparse rows of the extra table: `(slot, value)`.
    extra: Vec<Vec<(u32, f64)>>,
    /// Total cost (penalties included).
    obj: f64,
    seen: Vec<u32>,
    epoch: u32,
    affected: Vec<u32>,
    order: Vec<u32>,
}

impl<'a> Interchange<'a> {
    fn new(ctx: &'a Context<'_>, open: &[u32]) -> Self {
        let t = ctx.t;
        let (n, m) = (t.clients(), t.sites());
        let mut slot = vec![NONE; m];
        for (s, &j) in open.iter().enumerate() {
            slot[j as usize] = s as u32;
        }
        let mut me = Self {
            t,
            miss: &ctx.miss,
            zero: 1e-9 * (1.0 + t.max_cost()),
            open: open.to_vec(),
            slot,
            fixed: open.iter().map(|&j| ctx.forced[j as usize]).collect(),
            p1: vec![NONE; n],
            p2: vec![NONE; n],
            d1: ctx.miss.clone(),
            d2: ctx.miss.clone(),
            gain: vec![0.0; m],
            loss: vec![0.0; open.len()],
            extra: vec![Vec::new(); m],
            obj: 0.0,
            seen: vec![0; n],
            epoch: 0,
            affected: Vec::new(),
            order: Vec::new(),
        };
        me.rebuild();
        me
    }

    /// Recomputes every table from the open set.
    fn rebuild(&mut self) {
        self.gain.iter_mut().for_each(|g| *g = 0.0);
        self.loss.iter_mut().for_each(|l| *l = 0.0);
        self.extra.iter_mut().for_each(Vec::clear);
        self.obj = 0.0;
        for u in 0..self.t.clients() {
            self.nearest_two(u);
            self.obj += self.d1[u];
            self.contribute(u, 1.0);
        }
    }

    fn sorted_open(&self) -> Vec<u32> {
        let mut s = self.open.clone();
        s.sort_unstable();
        s
    }

    /// Sets `p1`, `p2`, `d1`, `d2` of client `u` from the open set.
    fn nearest_two(&mut self, u: usize) {
        let miss = self.miss[u];
        let (mut a, mut b) = ((NONE, miss), (NONE, miss));
        for l in self.t.row(u) {
            if self.slot[l.to as usize] != NONE {
                if a.0 == NONE {
                    a = (l.to, l.cost);
                } else {
                    b = (l.to, l.cost);
                    break;
                }
            }
        }
        (self.p1[u], self.d1[u]) = a;
        (self.p2[u], self.d2[u]) = b;
    }

    /// Adds (`sign = 1`) or removes (`sign = −1`) client `u`'s share of gain, loss and extra.
    fn contribute(&mut self, u: usize, sign: f64) {
        let (d1, d2) = (self.d1[u], self.d2[u]);
        let s1 = match self.p1[u] {
            NONE => NONE,
            j => self.slot[j as usize],
        };
        if s1 != NONE {
            self.loss[s1 as usize] += sign * (d2 - d1);
        }
        let t = self.t;
        for l in t.row(u) {
            if l.cost >= d2 {
                break;
            }
            let f = l.to as usize;
            if self.slot[f] != NONE {
                continue;
            }
            if l.cost < d1 {
                self.gain[f] += sign * (d1 - l.cost);
            }
            if s1 != NONE {
                self.bump(f, s1, sign * (d2 - l.cost.max(d1)));
            }
        }
    }

    fn bump(&mut self, f: usize, s: u32, v: f64) {
        let row = &mut self.extra[f];
        match row.iter().position(|e| e.0 == s) {
            Some(k) => {
                row[k].1 += v;
                if row[k].1.abs() <= self.zero {
                    row.swap_remove(k);
                }
            }
            None => row.push((s, v)),
        }
    }

    fn extra_at(&self, f: usize, s: u32) -> f64 {
        self.extra[f].iter().find(|e| e.0 == s).map_or(0.0, |e| e.1)
    }

    /// The swap of largest saving: `(saving, site in, slot out)`; ties to the lower site,
    /// then the lower loss order.
    fn best_swap(&mut self) -> Option<(f64, u32, u32)> {
        let mut order = std::mem::take(&mut self.order);
        order.clear();
        order.extend((0..self.open.len() as u32).filter(|&s| !self.fixed[s as usize]));
        order.sort_by(|&a, &b| {
            self.loss[a as usize]
                .total_cmp(&self.loss[b as usize])
                .then(a.cmp(&b))
        });
        let mut best: Option<(f64, u32, u32)> = None;
        if !order.is_empty() {
            for f in 0..self.t.sites() {
                if self.slot[f] != NONE {
                    continue;
                }
                let row = &self.extra[f];
                let mut top = (f64::NEG_INFINITY, NONE);
                for &(s, e) in row {
                    if self.fixed[s as usize] {
                        continue;
                    }
                    let v = e - self.loss[s as usize];
                    if v > top.0 {
                        top = (v, s);
                    }
                }
                // The cheapest slot to close that gets no extra from f.
                if let Some(&s) = order.iter().find(|&&s| row.iter().all(|e| e.0 != s)) {
                    let v = -self.loss[s as usize];
                    if v > top.0 {
                        top = (v, s);
                    }
                }
                let saving = self.gain[f] + top.0;
                if top.1 != NONE && best.is_none_or(|b| saving > b.0) {
                    best = Some((saving, f as u32, top.1));
                }
            }
        }
        self.order = order;
        best
    }

    /// Opens `f` in place of the site in slot `s`, updating only the clients it touches.
    fn apply_swap(&mut self, f: u32, s: u32) {
        let g = self.open[s as usize];
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.seen.iter_mut().for_each(|x| *x = 0);
            self.epoch = 1;
        }
        let mut affected = std::mem::take(&mut self.affected);
        affected.clear();
        let t = self.t;
        for l in t.column(f as usize) {
            let u = l.to as usize;
            if (l.cost <= self.d2[u] || self.p1[u] == g || self.p2[u] == g)
                && self.seen[u] != self.epoch
            {
                self.seen[u] = self.epoch;
                affected.push(l.to);
            }
        }
        for l in t.column(g as usize) {
            let u = l.to as usize;
            if (self.p1[u] == g || self.p2[u] == g) && self.seen[u] != self.epoch {
                self.seen[u] = self.epoch;
                affected.push(l.to);
            }
        }
        for &u in &affected {
            self.contribute(u as usize, -1.0);
        }
        self.slot[g as usize] = NONE;
        self.slot[f as usize] = s;
        self.open[s as usize] = f;
        self.gain[f as usize] = 0.0;
        self.extra[f as usize].clear();
        self.loss[s as usize] = 0.0;
        for &u in &affected {
            let u = u as usize;
            let old = self.d1[u];
            self.nearest_two(u);
            self.obj += self.d1[u] - old;
            self.contribute(u, 1.0);
        }
        self.affected = affected;
    }

    /// Best-improvement swaps until none saves anything.
    fn local_search(&mut self) {
        let mut rebuilt = false;
        while let Some((saving, f, s)) = self.best_swap() {
            if saving <= tolerance(self.obj) {
                break;
            }
            let before = self.obj;
            self.apply_swap(f, s);
            if self.obj > before - 0.5 * tolerance(before) {
                // Round-off drift in the tables: recompute them once, then trust them.
                if rebuilt {
                    break;
                }
                self.rebuild();
                rebuilt = true;
            } else {
                rebuilt = false;
            }
        }
        self.obj = self.d1.iter().sum();
    }

    /// `k` random swaps of a removable open site for a closed one.
    fn shake(&mut self, k: usize, rng: &mut SplitMix64) {
        let removable: Vec<u32> = (0..self.open.len() as u32)
            .filter(|&s| !self.fixed[s as usize])
            .collect();
        let m = self.t.sites();
        if removable.is_empty() || self.open.len() >= m {
            return;
        }
        for _ in 0..k {
            let s = removable[rng.below(removable.len())];
            let f = loop {
                let f = rng.below(m);
                if self.slot[f] == NONE {
                    break f as u32;
                }
            };
            self.apply_swap(f, s);
        }
    }

    /// Path relinking toward `guide` (sorted): repeatedly the best swap bringing a guide site
    /// in for a site the guide lacks; local search from the best intermediate answer.
    /// `None` when the two answers are neighbours or equal.
    fn relink(mut self, guide: &[u32]) -> Option<(f64, Vec<u32>)> {
        let mut ins: Vec<u32> = guide
            .iter()
            .copied()
            .filter(|&j| self.slot[j as usize] == NONE)
            .collect();
        let mut outs: Vec<u32> = (0..self.open.len() as u32)
            .filter(|&s| {
                !self.fixed[s as usize] && guide.binary_search(&self.open[s as usize]).is_err()
            })
            .collect();
        let mut best: Option<Interchange> = None;
        while ins.len() > 1 {
            let mut pick: Option<(f64, usize, usize)> = None;
            for (a, &f) in ins.iter().enumerate() {
                for (b, &s) in outs.iter().enumerate() {
                    let v = self.gain[f as usize] - self.loss[s as usize]
                        + self.extra_at(f as usize, s);
                    if pick.is_none_or(|p| v > p.0) {
                        pick = Some((v, a, b));
                    }
                }
            }
            let (_, a, b) = pick.expect("as many sites to bring in as to take out");
            let (f, s) = (ins.swap_remove(a), outs.swap_remove(b));
            self.apply_swap(f, s);
            if best
                .as_ref()
                .is_none_or(|b| self.obj < b.obj - tolerance(b.obj))
            {
                best = Some(self.clone());
            }
        }
        let mut best = best?;
        best.local_search();
        Some((best.obj, best.sorted_open()))
    }
}

/// Subgradient optimisation of the Lagrangian dual (see the module documentation).
#[derive(Clone, Debug)]
struct Lagrange {
    lambda: Vec<f64>,
    rho: Vec<f64>,
    grad: Vec<f64>,
    /// Sites the relaxation may choose besides the forced ones.
    free: Vec<u32>,
    /// How many of them it chooses.
    nf: usize,
    chosen: Vec<bool>,
    step: f64,
    best: f64,
    /// The multipliers and the relaxation's sites at the best dual value.
    best_lambda: Vec<f64>,
    best_sites: Vec<u32>,
    stall: usize,
    /// Restarts from the best multipliers left once the step has collapsed.
    restarts: usize,
    iterations: usize,
    integral: bool,
}

impl Lagrange {
    /// Multipliers started at each client's cost in the answer `open` plus half the way to its
    /// second-nearest site there (its cheapest allowed cost where `open` misses it).
    fn new(ctx: &Context<'_>, open: &[u32]) -> Self {
        let s = Interchange::new(ctx, open);
        let lambda = (0..ctx.t.clients())
            .map(|u| match s.p1[u] {
                NONE if ctx.miss[u] < ctx.pen => ctx.miss[u],
                NONE => ctx.t.row(u).first().map_or(0.0, |l| l.cost),
                _ if s.d2[u] < ctx.pen => 0.5 * (s.d1[u] + s.d2[u]),
                _ => s.d1[u],
            })
            .collect();
        Self::with_multipliers(ctx, lambda, &[], 2.0)
    }

    /// A dual started at `lambda` with step factor `step`, the sites `excluded` (may be
    /// empty) never chosen.
    fn with_multipliers(ctx: &Context<'_>, lambda: Vec<f64>, excluded: &[bool], step: f64) -> Self {
        let free: Vec<u32> = (0..ctx.t.sites() as u32)
            .filter(|&j| {
                !ctx.forced[j as usize] && !excluded.get(j as usize).copied().unwrap_or(false)
            })
            .collect();
        let forced = ctx.forced.iter().filter(|f| **f).count();
        Self {
            best_lambda: lambda.clone(),
            lambda,
            rho: vec![0.0; ctx.t.sites()],
            grad: vec![0.0; ctx.t.clients()],
            free,
            nf: ctx.p.saturating_sub(forced),
            chosen: vec![false; ctx.t.sites()],
            step,
            best: f64::NEG_INFINITY,
            best_sites: Vec::new(),
            stall: 0,
            restarts: 3,
            iterations: 0,
            integral: ctx.t.is_integral(),
        }
    }

    /// The proven bound: the best dual value, rounded up for whole-number costs (0, valid
    /// for non-negative costs, before any step).
    fn bound(&self) -> f64 {
        dual_bound(self.best, self.integral)
    }

    /// Up to `limit` subgradient steps with Polyak step sizes toward `ub`; relaxation site
    /// sets are offered to `heuristic`.
    fn run(&mut self, ctx: &Context<'_>, ub: f64, limit: usize, heuristic: &mut TopSets) {
        let t = ctx.t;
        let n = t.clients();
        let nf = self.nf;
        let mut sites: Vec<u32> = Vec::with_capacity(ctx.p);
        for _ in 0..limit {
            if ctx.proven(self.bound(), ub) {
                break;
            }
            if self.step < 1e-4 {
                // The step has collapsed short of a proof: start again, more gently, from
                // the best multipliers.
                if self.restarts == 0 {
                    break;
                }
                self.restarts -= 1;
                self.lambda.clone_from(&self.best_lambda);
                self.step = 0.5;
            }
            self.iterations += 1;
            self.rho.iter_mut().for_each(|r| *r = 0.0);
            let mut value: f64 = 0.0;
            for u in 0..n {
                let lu = self.lambda[u];
                value += lu;
                for l in t.row(u) {
                    if l.cost >= lu {
                        break;
                    }
                    self.rho[l.to as usize] += l.cost - lu;
                }
                if ctx.miss[u] < ctx.pen {
                    value += (ctx.miss[u] - lu).min(0.0);
                }
            }
            // The forced sites and the nf free sites of smallest ρ.
            let rho = &self.rho;
            if nf > 0 && nf < self.free.len() {
                self.free.select_nth_unstable_by(nf - 1, |&a, &b| {
                    rho[a as usize].total_cmp(&rho[b as usize]).then(a.cmp(&b))
                });
            }
            sites.clear();
            sites.extend_from_slice(&self.free[..nf]);
            sites.extend((0..t.sites() as u32).filter(|&j| ctx.forced[j as usize]));
            for &j in &sites {
                self.chosen[j as usize] = true;
                value += rho[j as usize];
            }
            let before = self.best;
            note_dual_value(value, &mut self.best, &mut self.stall, &mut self.step);
            if self.best != before {
                self.best_lambda.clone_from(&self.lambda);
                self.best_sites.clone_from(&sites);
            }
            // Subgradient 1 − Σ_j x_ij, and the cost of the relaxation's sites as an answer.
            let mut norm = 0.0;
            let mut cost = 0.0;
            for u in 0..n {
                let lu = self.lambda[u];
                let mut count = 0.0;
                let mut first = None;
                for l in t.row(u) {
                    if self.chosen[l.to as usize] {
                        if first.is_none() {
                            first = Some(l.cost);
                        }
                        if l.cost < lu {
                            count += 1.0;
                        } else {
                            break;
                        }
                    } else if l.cost >= lu && first.is_some() {
                        break;
                    }
                }
                if ctx.miss[u] < ctx.pen && ctx.miss[u] < lu {
                    // The row's tail: every unlisted site at its least unlisted cost.
                    count += 1.0;
                }
                cost += first.unwrap_or(ctx.miss[u]);
                let g = 1.0 - count;
                self.grad[u] = g;
                norm += g * g;
            }
            for &j in &sites {
                self.chosen[j as usize] = false;
            }
            heuristic.offer(cost, &sites);
            if norm == 0.0 {
                // Every client is served exactly once: the relaxation is an answer.
                self.best = self.best.max(cost);
                break;
            }
            // Aim at the best answer; while none serves every client (its value carries
            // penalties), a little above the best bound instead.
            let aim = if ub.min(cost) < ctx.pen {
                ub.min(cost)
            } else {
                let est = self.best.max(value);
                est + 0.05 * est.abs() + 1.0
            };
            let target = aim.max(value + tolerance(value));
            let step = self.step * (target - value) / norm;
            for u in 0..n {
                self.lambda[u] += step * self.grad[u];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::Status;
    use crate::solve::sites::site_sets;

    /// A random instance: clients and sites uniform in a square, Euclidean costs, weighted.
    pub(crate) fn random_table(seed: u64, clients: usize, sites: usize, round: bool) -> CostTable {
        let mut r = SplitMix64::new(seed, 0);
        let pos: Vec<(f64, f64)> = (0..clients + sites)
            .map(|_| (r.below(1000) as f64, r.below(1000) as f64))
            .collect();
        let w: Vec<f64> = (0..clients).map(|_| (1 + r.below(9)) as f64).collect();
        CostTable::from_fn(clients, sites, |i, j| {
            let (a, b) = (pos[i], pos[clients + j]);
            let d = w[i] * (a.0 - b.0).hypot(a.1 - b.1);
            if round { d.round() } else { d }
        })
        .expect("valid costs")
    }

    /// Best objective over all `p`-subsets containing `forced`.
    fn brute_force(problem: &PMedianProblem) -> Option<f64> {
        let m = problem.costs.sites();
        let mut best: Option<f64> = None;
        for open in site_sets(m, problem.p, &problem.forced) {
            if let Some(v) = problem.objective_of(&open) {
                best = Some(best.map_or(v, |b: f64| b.min(v)));
            }
        }
        best
    }

    fn quick() -> PMedianOptions {
        PMedianOptions {
            starts: 4,
            generations: 3,
            chain_iterations: 20,
            bound_iterations: 500,
            ..PMedianOptions::default()
        }
    }

    #[test]
    fn equals_brute_force_on_small_instances() {
        for seed in 0..40 {
            let m = 6 + (seed as usize % 7);
            let round = seed % 2 == 0;
            let costs = random_table(seed, 30, m, round);
            for p in [1, 2, 3, m / 2, m - 1] {
                let problem = PMedianProblem::new(costs.clone(), p);
                let exact = brute_force(&problem).expect("dense instances are feasible");
                let sol = problem.solve(&quick());
                let c = sol.certificate;
                assert!(
                    (c.objective - exact).abs() <= 1e-6 * exact.max(1.0),
                    "seed {seed} p {p}: {} vs {exact}",
                    c.objective
                );
                assert!(
                    c.bound <= exact + 1e-6,
                    "seed {seed} p {p}: bound above optimum"
                );
                assert_eq!(sol.sites.len(), p);
                assert_eq!(problem.objective_of(&sol.sites), Some(c.objective));
                if c.status == Status::Optimal {
                    assert!((c.bound - exact).abs() <= 1e-6 * exact.max(1.0));
                }
            }
        }
    }

    #[test]
    fn forced_sites_stay_open() {
        for seed in 0..15 {
            let costs = random_table(100 + seed, 25, 10, true);
            let problem = PMedianProblem::new(costs, 4).with_forced(&[7, 2]);
            let exact = brute_force(&problem).expect("feasible");
            let sol = problem.solve(&quick());
            assert!(sol.sites.contains(&2) && sol.sites.contains(&7));
            assert!((sol.certificate.objective - exact).abs() < 1e-6);
            assert!(sol.certificate.bound <= exact + 1e-6);
        }
    }

    #[test]
    fn sparse_lists_match_brute_force() {
        for seed in 0..20 {
            let dense = random_table(200 + seed, 30, 10, true);
            // Each client keeps its 4 cheapest sites.
            let lists: Vec<Vec<(u32, f64)>> = (0..30)
                .map(|i| dense.row(i)[..4].iter().map(|l| (l.to, l.cost)).collect())
                .collect();
            let costs = CostTable::sparse(10, &lists).expect("valid");
            for p in [3, 5] {
                let problem = PMedianProblem::new(costs.clone(), p);
                let sol = problem.solve(&quick());
                match brute_force(&problem) {
                    Some(exact) => {
                        assert!(
                            (sol.certificate.objective - exact).abs() < 1e-6,
                            "seed {seed} p {p}: {:?} vs {exact}",
                            sol.certificate
                        );
                        assert!(sol.certificate.bound <= exact + 1e-6);
                    }
                    None => assert_eq!(sol.certificate.status, Status::Infeasible),
                }
            }
        }
    }

    #[test]
    fn bound_is_below_the_optimum() {
        for seed in 0..20 {
            let costs = random_table(300 + seed, 40, 12, seed % 2 == 0);
            for p in [2, 4, 6] {
                let problem = PMedianProblem::new(costs.clone(), p);
                let exact = brute_force(&problem).expect("feasible");
                for iterations in [1, 10, 200] {
                    assert!(problem.lower_bound(iterations) <= exact + 1e-6);
                }
            }
        }
    }

    #[test]
    fn branch_and_bound_closes_the_gap_of_a_weak_root() {
        for seed in 0..12 {
            let costs = random_table(400 + seed, 25, 9, seed % 2 == 0);
            for p in [2, 3, 5] {
                let problem = PMedianProblem::new(costs.clone(), p).with_forced(&[seed as u32 % 9]);
                let exact = brute_force(&problem).expect("feasible");
                let mut forced = vec![false; 9];
                forced[seed as usize % 9] = true;
                let ctx = problem.context(&forced, true);
                let start = ctx.greedy();
                let mut root = Lagrange::new(&ctx, &start);
                root.run(&ctx, f64::INFINITY, 3, &mut TopSets::new(0));
                let s = Interchange::new(&ctx, &start);
                for budget in [0, 200, 1_000_000] {
                    let mut best = (s.obj, s.sorted_open());
                    let (bound, _) = branch_and_bound(&ctx, &root, &mut best, budget);
                    assert!(
                        bound <= exact + 1e-6,
                        "seed {seed} p {p}: {bound} > {exact}"
                    );
                    assert!(best.0 >= exact - 1e-6);
                    assert_eq!(problem.objective_of(&best.1), Some(best.0));
                    if budget == 1_000_000 {
                        // The whole tree: the optimum, proven.
                        assert!((best.0 - exact).abs() <= 1e-6 * exact.max(1.0));
                        assert!(
                            ctx.proven(bound, best.0),
                            "seed {seed} p {p}: {bound} < {exact}"
                        );
                    }
                }
            }
        }
    }

    /// Ties, duplicates, co-located points and zero weights: clients and sites on a 3 × 3
    /// grid of whole coordinates, every site placed twice (identical copies), a third of the
    /// clients of weight 0.
    fn adversarial_table(seed: u64, clients: usize, sites: usize) -> CostTable {
        let mut r = SplitMix64::new(seed, 7);
        let grid = |r: &mut SplitMix64| (r.below(3) as f64, r.below(3) as f64);
        let cpos: Vec<(f64, f64)> = (0..clients).map(|_| grid(&mut r)).collect();
        let half: Vec<(f64, f64)> = (0..sites.div_ceil(2)).map(|_| grid(&mut r)).collect();
        let w: Vec<f64> = (0..clients)
            .map(|i| (i % 3) as f64 * (1 + r.below(4)) as f64)
            .collect();
        CostTable::from_fn(clients, sites, |i, j| {
            let (a, b) = (cpos[i], half[j / 2]);
            w[i] * ((a.0 - b.0).abs() + (a.1 - b.1).abs())
        })
        .expect("valid costs")
    }

    #[test]
    fn fixing_and_branching_stay_exact_on_ties_and_duplicates() {
        for seed in 0..30 {
            let m = 6 + (seed as usize % 5);
            let costs = adversarial_table(seed, 12, m);
            for p in [1, 2, 3, m / 2] {
                let forced_site = (seed % 3 == 0).then_some(seed as u32 % m as u32);
                let problem = PMedianProblem::new(costs.clone(), p)
                    .with_forced(&forced_site.map_or(vec![], |f| vec![f]));
                let exact = brute_force(&problem).expect("dense instances are feasible");
                tree_from_weak_root(&problem, exact, &format!("seed {seed} p {p}"));
                // Through the whole search as well: the optimum, never a false claim.
                let sol = problem.solve(&quick());
                assert_eq!(sol.certificate.objective, exact, "seed {seed} p {p}");
                assert!(sol.certificate.bound <= exact + 1e-6);
            }
        }
    }

    /// Runs the branch and bound to the end from a deliberately weak root (two subgradient
    /// steps from the greedy answer) and requires the brute-force optimum `exact`, priced as
    /// reported, with a bound that proves it and never exceeds it.
    fn tree_from_weak_root(problem: &PMedianProblem, exact: f64, label: &str) {
        let mut forced = vec![false; problem.costs.sites()];
        for &f in &problem.forced {
            forced[f as usize] = true;
        }
        let ctx = problem.context(&forced, true);
        let start = ctx.greedy();
        let mut root = Lagrange::new(&ctx, &start);
        root.run(&ctx, f64::INFINITY, 2, &mut TopSets::new(0));
        let s = Interchange::new(&ctx, &start);
        let mut best = (s.obj, s.sorted_open());
        let (bound, _) = branch_and_bound(&ctx, &root, &mut best, 1_000_000);
        assert!(bound <= exact + 1e-6, "{label}: {bound} > {exact}");
        assert_eq!(best.0, exact, "{label}");
        assert_eq!(problem.objective_of(&best.1), Some(exact));
        assert!(ctx.proven(bound, best.0), "{label}: {bound} < {exact}");
    }

    /// The tree on rows that list only a few sites (a client no open site lists is not
    /// served), with ties, duplicate sites and zero weights: the sites the root fixes closed
    /// leave the rows of the whole tree, and the answer and bound stay exact.
    #[test]
    fn tree_on_short_rows_stays_exact() {
        let mut checked = 0;
        for seed in 0..40 {
            let m = 8;
            let dense = adversarial_table(500 + seed, 14, m);
            let lists: Vec<Vec<(u32, f64)>> = (0..14)
                .map(|i| dense.row(i)[..3].iter().map(|l| (l.to, l.cost)).collect())
                .collect();
            let costs = CostTable::sparse(m, &lists).expect("valid");
            for p in [2, 3, 4] {
                let problem = PMedianProblem::new(costs.clone(), p);
                let Some(exact) = brute_force(&problem) else {
                    continue;
                };
                checked += 1;
                tree_from_weak_root(&problem, exact, &format!("seed {seed} p {p}"));
            }
        }
        assert!(checked >= 40, "only {checked} feasible instances");
    }

    #[test]
    fn parallel_equals_sequential() {
        let costs = random_table(999, 300, 120, false);
        let problem = PMedianProblem::new(costs, 12);
        let par = problem.solve(&PMedianOptions::default());
        let seq = problem.solve(&PMedianOptions {
            parallel: false,
            ..PMedianOptions::default()
        });
        assert_eq!(par, seq);
    }

    /// The issue's instance: a light village beside 30 identical candidates, four heavy
    /// villages each beside its own candidate, `p = 4`. Clients 0 (light, weight 1) and
    /// 1–4 (heavy, weight 1000); sites 0–29 the cluster at distance 1 from the light
    /// village, sites 30–33 the heavy villages' own sites. The optimum opens 30–33: the
    /// heavy villages pay 0 and the light one its distance to the nearest of them, site 30
    /// at (101, 0): 101. Opening a cluster site instead costs a heavy village at least
    /// 1000 × 100.
    fn cluster_instance() -> (CostTable, f64) {
        let light = (0.0, 0.0);
        let heavy = [(101.0, 0.0), (0.0, 150.0), (-150.0, 0.0), (0.0, -150.0)];
        let mut clients = vec![(light, 1.0)];
        clients.extend(heavy.iter().map(|&h| (h, 1000.0)));
        let mut sites = vec![(1.0, 0.0); 30];
        sites.extend(heavy);
        let d = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).hypot(a.1 - b.1);
        let full = CostTable::from_fn(clients.len(), sites.len(), |i, j| {
            clients[i].1 * d(clients[i].0, sites[j])
        })
        .expect("valid");
        (full, 101.0)
    }

    #[test]
    fn nearest_lists_beside_a_cluster_stay_exact() {
        let (full, optimum) = cluster_instance();
        let complete = PMedianProblem::new(full.clone(), 4);
        assert_eq!(complete.objective_of(&[30, 31, 32, 33]), Some(optimum));
        let exact = complete.solve(&quick()).certificate;
        assert_eq!((exact.objective, exact.status), (optimum, Status::Optimal));
        let rows = crate::solve::cost::NearestRows::new(full, 30);
        let problem = PMedianProblem::new(rows.table(), 4);
        // Without longer rows: a true answer, a bound of the full problem, no false claim.
        let sol = problem.solve(&quick());
        let c = sol.certificate;
        assert!(c.bound <= optimum + 1e-6, "{c:?}");
        assert_eq!(complete.objective_of(&sol.sites), Some(c.objective));
        assert!(c.status != Status::Optimal || c.objective <= optimum + 1e-6);
        // With them: the optimum, proven.
        let sol = problem
            .solve_with_rows(&quick(), &mut rows.clone())
            .expect("rows grow");
        assert_eq!(sol.sites, [30, 31, 32, 33]);
        assert_eq!(sol.certificate.objective, optimum);
        assert_eq!(sol.certificate.status, Status::Optimal);
    }

    #[test]
    fn unreachable_clients_make_it_infeasible() {
        let costs = CostTable::sparse(3, &[vec![(0, 1.0)], vec![], vec![(2, 5.0)]]).expect("valid");
        let sol = PMedianProblem::new(costs, 2).solve(&quick());
        assert_eq!(sol.certificate.status, Status::Infeasible);
        assert_eq!(
            sol.infeasible,
            Some(Infeasibility::Unreachable { clients: vec![1] })
        );
    }

    #[test]
    fn uncoverable_clients_are_reported() {
        // Three clients, each with its own site only: two sites cannot serve all three.
        let costs =
            CostTable::sparse(3, &[vec![(0, 1.0)], vec![(1, 1.0)], vec![(2, 1.0)]]).expect("valid");
        let sol = PMedianProblem::new(costs, 2).solve(&quick());
        assert_eq!(sol.certificate.status, Status::Infeasible);
        assert_eq!(sol.infeasible, Some(Infeasibility::TooFewSites { p: 2 }));
    }

    #[test]
    fn bad_input_is_rejected() {
        assert!(CostTable::dense(2, 2, vec![1.0, 2.0, 3.0]).is_err());
        assert!(CostTable::dense(1, 2, vec![1.0, f64::NAN]).is_err());
        assert!(CostTable::sparse(2, &[vec![(2, 1.0)]]).is_err());
        assert!(CostTable::sparse(2, &[vec![(1, -1.0)]]).is_err());
        let p = PMedianProblem::new(CostTable::dense(1, 2, vec![1.0, 2.0]).expect("valid"), 3);
        assert!(matches!(p.check(), Some(Infeasibility::SiteCount { .. })));
    }

    #[test]
    fn interchange_tables_match_a_rebuild() {
        let costs = random_table(5, 80, 40, false);
        let forced = vec![false; 40];
        let problem = PMedianProblem::new(costs, 6);
        let ctx = problem.context(&forced, false);
        let mut rng = SplitMix64::new(3, 0);
        let mut s = Interchange::new(&ctx, &[0, 5, 10, 15, 20, 25]);
        for _ in 0..50 {
            s.shake(1, &mut rng);
            let fresh = Interchange::new(&ctx, &s.open);
            assert!((fresh.obj - s.obj).abs() < 1e-6);
            for f in 0..40 {
                assert!((fresh.gain[f] - s.gain[f]).abs() < 1e-6);
                for slot in 0..6 {
                    assert!((fresh.extra_at(f, slot) - s.extra_at(f, slot)).abs() < 1e-6);
                }
            }
            for slot in 0..6 {
                assert!((fresh.loss[slot] - s.loss[slot]).abs() < 1e-6);
            }
        }
    }
}
