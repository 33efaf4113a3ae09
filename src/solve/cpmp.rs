//! Capacitated p-median with single sourcing: a seeded search for the answer and a
//! Lagrangian lower bound with knapsack subproblems.
//!
//! # Model
//! As the p-median of [`super::pmedian`], and client `i` demands `d_i`, site `j` holds at most
//! `Q_j`, and each client goes wholly to one site:
//!
//! ```text
//! min Σ c_ij x_ij   s.t.  Σ_j x_ij = 1,  Σ_i d_i x_ij <= Q_j y_j,  x_ij <= y_j,  Σ_j y_j = p,
//!                         x, y ∈ {0,1},  y_j = 1 for every forced site j
//! ```
//! (Mulvey & Beck 1984; Osman & Christofides 1994). Before searching, the problem is declared
//! infeasible when a client has no allowed site, when a client demands more than every site
//! it may use holds, or when the `p` largest capacities (forced sites included) fall short
//! of the total demand.
//!
//! # Method
//! - Assignment for a fixed set of open sites (a generalised assignment problem): regret
//!   insertion (the client with the largest difference between its cheapest and second
//!   cheapest site with room goes first; Martello & Toth 1981), then first-improvement
//!   shifts, swaps of two clients, and ejections (moving one client on to make room for an
//!   unserved one). A client with no room anywhere costs a penalty above every feasible
//!   answer.
//! - Location moves: relocation of a site to the candidate that serves its clients most
//!   cheaply (Mulvey & Beck's alternation), and site swaps followed by repair.
//! - Starts: the uncapacitated p-median answer (its smallest sites traded for the largest
//!   closed ones while the total capacity falls short of the demand), and the site sets and
//!   knapsack clusters of the Lagrangian relaxation (a Lagrangian heuristic), each repaired
//!   and improved.
//! - Improvement in generations: variable neighbourhood search chains (shake with `k` site
//!   swaps toward nearby candidates, or, while clients are unserved, toward a site one of them
//!   may use; then the descent above; Fleszar & Hindi 2008) from the best answers, merged
//!   into an elite pool in chain order; a site-swap descent polishes the best answers.
//! - Effort: counted in work, never in time. Beyond 2 000 clients the shakes per chain
//!   shrink in proportion, the Lagrangian answers are built every `⌈clients · p / 200 000⌉`
//!   subgradient steps, and the polish tries at most `⌈4·10⁶ / clients⌉` site swaps, so that
//!   a province (17 500 villages) stays within a minute or two; smaller instances are
//!   unaffected.
//! - Bound: Lagrangian relaxation of the assignment constraints,
//!   ```text
//!   L(λ) = Σ_i λ_i + min { Σ_{j∈S} ρ_j : |S| = p, S ⊇ forced },
//!   ρ_j = min { Σ_i (c_ij − λ_i) x_i : Σ_i d_i x_i <= Q_j, x ∈ {0,1} }
//!   ```
//!   (a 0–1 knapsack per site, the pricing problem of Lorena & Senne's column generation),
//!   maximised by subgradient optimisation; with whole-number costs the bound is rounded
//!   up. Knapsacks are solved by dynamic programming over whole units of demand, lazily:
//!   only for sites whose fractional knapsack value could place them among the `p` chosen.
//!   The programme may use `U = min(KNAPSACK_UNITS, KNAPSACK_WORK / (p · clients))` units
//!   (see [`KNAPSACK_UNITS`], [`KNAPSACK_WORK`]). When demands and capacities are whole
//!   numbers and every capacity is at most `U`, the knapsacks are exact; otherwise demands
//!   are scaled so that the largest capacity is `U` units and rounded down (capacities
//!   too), which relaxes each knapsack, so the bound stays valid but weaker. Below 32 units
//!   the linear relaxation of the knapsacks is used instead (weaker still, still valid).
//!   The step restarts from the best multipliers when it collapses short of a proof.
//! - Truncated rows (see [`super::cost`]): the answer uses listed pairs only, so its cost is
//!   exact, and the bound adds `min(0, beyond_i − λ_i)` per truncated row, every unlisted site
//!   priced at the row's `beyond_i` with no capacity used: a relaxation of the full problem
//!   (Church 2008). [`CapacitatedProblem::solve_with_rows`] grows the rows whose unlisted
//!   sites the best multipliers use, and solves again, until the answer is proven.
//! - Branch and bound when the bound falls short, as for the p-median: best-first over nodes
//!   fixing sites open or closed, each bounded by the knapsack dual with its fixings
//!   ([`NODE_ITERATIONS`] steps from the parent's multipliers), its relaxation's site sets
//!   turned into answers, and sites fixed by their reduced costs as for the p-median, with
//!   every `ρ_j` an exact knapsack at the node's best multipliers; branching on the free
//!   site whose share of the node's last subgradient steps (a moving average over about 20
//!   steps, an estimate of `y_j` in the optimum of the relaxation's linear programme;
//!   Barahona & Anbil 2000) is nearest ½, or, when every share is within 0.05 of 0 or 1,
//!   on the chosen free site of largest `ρ`. On instances of at most [`SPLIT_SIZE`]
//!   clients × `p`, a free site whose share lies within 0.5 − [`SITE_FIRST`] of ½ goes
//!   first; otherwise a client whose moving-average assignment is split between its nearer
//!   and farther allowed sites (at least [`SPLIT_LEAST`] on each side) is branched on
//!   (served by a nearer one in one child, by a farther one in the other), before the
//!   remaining sites. A node with all `p` sites fixed is a generalised assignment
//!   problem under the same knapsack dual, its fixed clients out of the relaxation with
//!   their cost and demand fixed at their sites: it branches on assignments (a client the
//!   knapsacks take more than once, at its dearest such site, or not at all, at its
//!   cheapest open site with room: served there in one child, never there in the other)
//!   until its relaxation is an answer or its bound reaches the best answer. So the whole
//!   tree, run to its end on complete rows with whole demands, proves the optimum. Within
//!   `12 × bound_iterations` steps ([`BRANCH_WORK`]) on instances up to [`BRANCH_SIZE`]
//!   clients × `p`, proportionally fewer beyond, and proportionally more below
//!   [`SMALL_SIZE`] (at most [`SMALL_BOOST`] times as many); the least bound of the nodes left counts
//!   in the result. The children of the [`BRANCH_BATCH`] nodes of least bound are bounded
//!   side by side (in parallel when allowed), each against the best answer as the batch
//!   starts, and merged in order, so that any thread count grows the same tree. On truncated rows a node whose client may use no listed open site is
//!   set aside with its bound.
//!
//! Chains have their own random streams derived from the seed and run in parallel with
//! rayon; their results are merged in chain order, so any thread count gives the same
//! answer.
//!
//! # References
//! - Martello, S. & Toth, P. (1981). An algorithm for the generalized assignment problem.
//!   *Operational Research '81*, 589–603.
//! - Mulvey, J. M. & Beck, M. P. (1984). Solving capacitated clustering problems. *EJOR* 18,
//!   339–348.
//! - Osman, I. H. & Christofides, N. (1994). Capacitated clustering problems by hybrid
//!   simulated annealing and tabu search. *ITOR* 1, 317–336.
//! - Lorena, L. A. N. & Senne, E. L. F. (2004). A column generation approach to capacitated
//!   p-median problems. *Computers & Operations Research* 31, 863–876.
//! - Barahona, F. & Anbil, R. (2000). The volume algorithm: producing primal solutions with
//!   a subgradient method. *Mathematical Programming* 87, 385–399.
//! - Fleszar, K. & Hindi, K. S. (2008). An effective VNS for the capacitated p-median
//!   problem. *EJOR* 191, 612–622.
//! - Church, R. L. (2008). BEAMR: An exact and overlap-free model for the p-median problem.
//!   *Computers & Operations Research* 35, 968–977.

use super::cost::{CostTable, Link, RowSource};
use super::dual::{dual_bound, note_dual_value, reduced_cost_fixing, tolerance};
use super::error::SolveError;
use super::pmedian::{PMedianOptions, PMedianProblem};
use super::sites::{check_sites, forced_sites};
use super::siting::{Infeasibility, MedianSolution, SearchStats};
use super::tasks::run_tasks;
use super::{Certificate, SplitMix64, Status};

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// "No slot" / "unassigned".
const NONE: u32 = u32::MAX;

/// Slack on capacity checks (demands are people or beds; anything smaller is round-off).
const ROOM_EPS: f64 = 1e-9;

/// Largest capacity, in demand units, of the knapsack dynamic programme.
pub const KNAPSACK_UNITS: f64 = 1000.0;

/// Most `p × clients × units` cells per subgradient step before the bound falls back to the
/// knapsacks' linear relaxation.
pub const KNAPSACK_WORK: f64 = 5e7;

/// A capacitated p-median instance.
#[derive(Clone, Debug)]
pub struct CapacitatedProblem {
    /// Assignment costs.
    pub costs: CostTable,
    /// Demand of each client.
    pub demand: Vec<f64>,
    /// Capacity of each site.
    pub capacity: Vec<f64>,
    /// Sites to open, forced ones included.
    pub p: usize,
    /// Sites that are open whatever the answer.
    pub forced: Vec<u32>,
}

/// Settings of the capacitated search. Effort is counted in work, not time.
#[derive(Clone, Copy, Debug)]
pub struct CapacitatedOptions {
    /// Seed of every random choice.
    pub seed: u64,
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
    /// Whether to run chains in parallel.
    pub parallel: bool,
}

impl Default for CapacitatedOptions {
    fn default() -> Self {
        Self {
            seed: 1,
            elite: 8,
            generations: 6,
            chains: 8,
            chain_iterations: 60,
            bound_iterations: 1_500,
            parallel: true,
        }
    }
}

impl CapacitatedProblem {
    /// A problem with no forced site; checks the shapes and that demands and capacities are
    /// finite and non-negative.
    pub fn new(
        costs: CostTable,
        demand: Vec<f64>,
        capacity: Vec<f64>,
        p: usize,
    ) -> Result<Self, SolveError> {
        if demand.len() != costs.clients() {
            return Err(SolveError::Shape {
                what: "demands",
                got: demand.len(),
                want: costs.clients(),
                of: "clients",
            });
        }
        if capacity.len() != costs.sites() {
            return Err(SolveError::Shape {
                what: "capacities",
                got: capacity.len(),
                want: costs.sites(),
                of: "sites",
            });
        }
        let bad = |v: &f64| !v.is_finite() || *v < 0.0;
        if let Some(&value) = demand.iter().find(|v| bad(v)) {
            return Err(SolveError::BadAmount {
                what: "demand",
                value,
            });
        }
        if let Some(&value) = capacity.iter().find(|v| bad(v)) {
            return Err(SolveError::BadAmount {
                what: "capacity",
                value,
            });
        }
        Ok(Self {
            costs,
            demand,
            capacity,
            p,
            forced: Vec::new(),
        })
    }

    /// The same problem with `forced` always open (duplicates and out-of-range indices are
    /// dropped).
    pub fn with_forced(mut self, forced: &[u32]) -> Self {
        self.forced = forced_sites(forced, self.costs.sites());
        self
    }

    /// Why no answer can exist, if a reason is visible before searching.
    pub fn check(&self) -> Option<Infeasibility> {
        let t = &self.costs;
        let (n, m, nf) = (t.clients(), t.sites(), self.forced.len());
        if let Some(why) = check_sites(t, self.p, &self.forced) {
            return Some(why);
        }
        let oversized: Vec<u32> = (0..n)
            .filter(|&i| t.beyond(i).is_infinite())
            .filter(|&i| {
                t.row(i)
                    .iter()
                    .all(|l| self.capacity[l.to as usize] + ROOM_EPS < self.demand[i])
            })
            .map(|i| i as u32)
            .collect();
        if !oversized.is_empty() {
            return Some(Infeasibility::Oversized { clients: oversized });
        }
        let demand: f64 = self.demand.iter().sum();
        let mut forced = vec![false; m];
        for &j in &self.forced {
            forced[j as usize] = true;
        }
        let mut free: Vec<f64> = (0..m)
            .filter(|&j| !forced[j])
            .map(|j| self.capacity[j])
            .collect();
        free.sort_by(|a, b| b.total_cmp(a));
        let capacity: f64 = self
            .forced
            .iter()
            .map(|&j| self.capacity[j as usize])
            .sum::<f64>()
            + free.iter().take(self.p - nf).sum::<f64>();
        if capacity + ROOM_EPS * (1.0 + demand) < demand {
            return Some(Infeasibility::Capacity { demand, capacity });
        }
        None
    }

    /// Total cost of `assignment` (the site of each client) when it uses only the sites
    /// `open`, at most `p` of them, allowed pairs, and no capacity is exceeded; `None` otherwise.
    pub fn objective_of(&self, open: &[u32], assignment: &[u32]) -> Option<f64> {
        let t = &self.costs;
        if assignment.len() != t.clients() || open.len() > self.p {
            return None;
        }
        let mut is_open = vec![false; t.sites()];
        for &j in open {
            *is_open.get_mut(j as usize)? = true;
        }
        let mut load = vec![0.0; t.sites()];
        let mut total = 0.0;
        for (i, &j) in assignment.iter().enumerate() {
            if !is_open.get(j as usize).copied().unwrap_or(false) {
                return None;
            }
            total += t.cost(i, j as usize)?;
            load[j as usize] += self.demand[i];
        }
        let fits = (0..t.sites()).all(|j| load[j] <= self.capacity[j] + ROOM_EPS * (1.0 + load[j]));
        fits.then_some(total)
    }

    /// A Lagrangian lower bound alone, from `iterations` subgradient steps.
    pub fn lower_bound(&self, iterations: usize) -> f64 {
        if self.check().is_some() {
            return f64::INFINITY;
        }
        if self.costs.clients() == 0 {
            return 0.0;
        }
        let ctx = Ctx::new(self);
        let start = ctx.pmedian_start(1);
        let mut lagrange = Lagrange::new(&ctx, &start);
        lagrange.run(&ctx, start.value(&ctx), iterations, None);
        lagrange.bound().min(start.value(&ctx))
    }

    /// Searches for the best answer and proves a bound (see the module documentation).
    ///
    /// On a table with truncated rows the answer serves every client within its list (its
    /// objective is exact) and the bound prices every unlisted pair at its row's least
    /// unlisted cost with no capacity used, a bound of the full problem. Use
    /// [`CapacitatedProblem::solve_with_rows`] to grow the rows that keep the two apart.
    pub fn solve(&self, opts: &CapacitatedOptions) -> MedianSolution {
        self.solve_exact(opts, None)
            .expect("only a source of longer rows can fail")
    }

    /// As [`CapacitatedProblem::solve`], and while the answer is not proven optimal, the
    /// truncated rows whose unlisted sites the bound would use (or, with no answer found,
    /// every truncated row) are grown through `rows` and the problem solved again, until
    /// the answer is proven, every row is complete, no row is to grow, or [`GROWTH_ROUNDS`]
    /// rounds have grown rows.
    ///
    /// # Errors
    /// What `rows` returns, and [`SolveError::NoProgress`] when it returns a row no longer
    /// than before.
    pub fn solve_with_rows(
        &self,
        opts: &CapacitatedOptions,
        rows: &mut dyn RowSource,
    ) -> Result<MedianSolution, SolveError> {
        self.solve_exact(opts, Some(rows))
    }

    fn solve_exact(
        &self,
        opts: &CapacitatedOptions,
        mut rows: Option<&mut dyn RowSource>,
    ) -> Result<MedianSolution, SolveError> {
        let mut grown: Option<CapacitatedProblem> = None;
        for round in 0.. {
            let problem = grown.as_ref().unwrap_or(self);
            let (sol, lambda) = problem.solve_once(opts);
            let t = &problem.costs;
            let Some(source) = rows.as_deref_mut() else {
                return Ok(sol);
            };
            let searched = sol.infeasible.is_none()
                || matches!(sol.infeasible, Some(Infeasibility::NotFound { .. }));
            if !searched
                || sol.certificate.status == Status::Optimal
                || t.is_complete()
                || round >= GROWTH_ROUNDS
            {
                return Ok(sol);
            }
            let all = sol.infeasible.is_some() || lambda.len() != t.clients();
            let grow: Vec<u32> = (0..t.clients())
                .filter(|&i| t.beyond(i).is_finite() && (all || t.beyond(i) < lambda[i]))
                .map(|i| i as u32)
                .collect();
            if grow.is_empty() {
                return Ok(sol);
            }
            let longer = source.rows(&grow)?;
            let costs = t.with_rows(&grow, &longer)?;
            grown = Some(CapacitatedProblem {
                costs,
                ..problem.clone()
            });
        }
        unreachable!("the rounds end by returning")
    }

    /// One search and bound on the table as it is; also the multipliers of the best bound.
    fn solve_once(&self, opts: &CapacitatedOptions) -> (MedianSolution, Vec<f64>) {
        let mut stats = SearchStats::default();
        if let Some(why) = self.check() {
            return (MedianSolution::infeasible(why, stats), Vec::new());
        }
        let t = &self.costs;
        if t.clients() == 0 {
            let mut forced = vec![false; t.sites()];
            for &j in &self.forced {
                forced[j as usize] = true;
            }
            let mut open = self.forced.clone();
            open.extend(
                (0..t.sites() as u32)
                    .filter(|&j| !forced[j as usize])
                    .take(self.p - self.forced.len()),
            );
            open.sort_unstable();
            let sol = MedianSolution {
                sites: open,
                assignment: Vec::new(),
                certificate: Certificate::new(0.0, 0.0),
                infeasible: None,
                stats,
            };
            return (sol, Vec::new());
        }
        let ctx = Ctx::new(self);
        let mut elite = Elite::new(opts.elite.max(2));
        let mut start = ctx.pmedian_start(opts.seed);
        start.descent(&ctx);
        stats.local_optima += 1;
        elite.insert(&ctx, start.clone());

        let mut lagrange = Lagrange::new(&ctx, &start);
        let mut found = Vec::new();
        lagrange.run(
            &ctx,
            elite.best_value(),
            opts.bound_iterations,
            Some(&mut found),
        );
        stats.local_optima += found.len();
        for s in found {
            elite.insert(&ctx, s);
        }

        for generation in 0..opts.generations {
            if ctx.proven(lagrange.bound(), elite.best_value()) {
                break;
            }
            stats.generations += 1;
            let before = elite.best_value();
            let members: Vec<State> = elite.members.iter().map(|(_, s)| s.clone()).collect();
            let chains = opts.chains.max(1);
            let results: Vec<State> = run_tasks(opts.parallel, chains, |k| {
                let stream = ((generation as u64 + 1) << 32) | k as u64;
                let mut rng = SplitMix64::new(opts.seed, stream);
                let shakes = ((opts.chain_iterations as f64 * ctx.chain_scale).ceil() as usize)
                    .max(opts.chain_iterations.min(4));
                ctx.chain(&members[k % members.len()], shakes, &mut rng)
            });
            stats.local_optima += results.len() * opts.chain_iterations;
            let mut changed = false;
            for s in results {
                changed |= elite.insert(&ctx, s);
            }
            let after = elite.best_value();
            if after < before - tolerance(before) {
                lagrange.run(&ctx, after, opts.bound_iterations / 4, None);
            } else if !changed {
                break;
            }
        }
        // Site-swap descent on the best answers.
        let polish: Vec<State> = {
            let members: Vec<State> = elite
                .members
                .iter()
                .take(opts.chains.max(1))
                .map(|(_, s)| s.clone())
                .collect();
            run_tasks(opts.parallel, members.len(), |k| {
                let mut s = members[k].clone();
                ctx.swap_descent(&mut s);
                s
            })
        };
        for s in polish {
            elite.insert(&ctx, s);
        }
        stats.bound_iterations = lagrange.iterations;
        let mut bound = lagrange.bound();
        if !ctx.proven(bound, elite.best_value()) {
            let budget = opts.bound_iterations.saturating_mul(BRANCH_WORK);
            // Each step solves knapsacks over about `clients · p` items: larger instances
            // get proportionally fewer steps, small ones (cheaper steps) up to
            // `SMALL_BOOST` times more.
            let size = (ctx.t.clients() * ctx.p).max(1) as f64;
            let scale = (BRANCH_SIZE / size).min(1.0) * (SMALL_SIZE / size).clamp(1.0, SMALL_BOOST);
            let work = if ctx.small { SPLIT_WORK } else { 1.0 };
            let budget = (budget as f64 * scale * work) as usize;
            let (b, spent) = branch_and_bound(&ctx, &lagrange, &mut elite, budget, opts.parallel);
            stats.bound_iterations += spent;
            bound = b;
        }
        let best = elite.members.swap_remove(0).1;
        let sol = self.finish(&best, bound, stats);
        (sol, lagrange.best_lambda)
    }

    fn finish(&self, best: &State, bound: f64, stats: SearchStats) -> MedianSolution {
        if best.unserved > 0 {
            let why = if self.costs.is_complete() && bound >= self.costs.penalty() {
                // The bound is above every answer that serves all.
                Infeasibility::TooFewSites { p: self.p }
            } else {
                Infeasibility::NotFound {
                    unserved: best.unserved,
                }
            };
            return MedianSolution::infeasible(why, stats);
        }
        let assignment: Vec<u32> = best.at.iter().map(|&s| best.open[s as usize]).collect();
        let mut sites = best.open.clone();
        sites.sort_unstable();
        let objective = self
            .objective_of(&sites, &assignment)
            .expect("the search keeps answers feasible");
        debug_assert!((objective - best.cost).abs() <= 1e-6 * (1.0 + objective));
        MedianSolution {
            sites,
            assignment,
            certificate: Certificate::new(objective, bound.min(objective)),
            infeasible: None,
            stats,
        }
    }
}

/// The problem as the search sees it.
struct Ctx<'a> {
    problem: &'a CapacitatedProblem,
    t: &'a CostTable,
    demand: &'a [f64],
    cap: &'a [f64],
    forced: Vec<bool>,
    p: usize,
    pen: f64,
    /// For each site, nearby candidate sites to move it to.
    near: Vec<Vec<u32>>,
    /// Most open sites one client may use: `p`, or fewer when every client's list is shorter.
    stride: usize,
    /// Site swaps the final polish may try: `⌈4·10⁶ / clients⌉`, so that its work stays
    /// about the same on large instances.
    swap_trials: usize,
    /// Subgradient steps between two Lagrangian answers: `⌈clients · p / 200 000⌉`, 1 on
    /// instances up to that size.
    answer_every: usize,
    /// Shakes per chain and generation, scaled by `min(1, 2 000 / clients)` (at least 4).
    chain_scale: f64,
    /// Clients × sites to open at most [`SPLIT_SIZE`]: branch and bound splits clients
    /// first, gets [`SPLIT_WORK`] times its steps, and builds answers at every
    /// [`ANSWER_NODES`]-th node only.
    small: bool,
}

impl<'a> Ctx<'a> {
    fn new(problem: &'a CapacitatedProblem) -> Self {
        let t = &problem.costs;
        let mut forced = vec![false; t.sites()];
        for &j in &problem.forced {
            forced[j as usize] = true;
        }
        // Sites cheap for the clients nearest to a site: where its clients could go instead.
        let reach = (t.clients() / problem.p.max(1)).clamp(4, 40);
        let near = (0..t.sites())
            .map(|j| {
                let mut list: Vec<u32> = Vec::new();
                for c in t.column(j).iter().take(reach) {
                    for l in t.row(c.to as usize).iter().take(4) {
                        if l.to as usize != j && !list.contains(&l.to) {
                            list.push(l.to);
                        }
                    }
                }
                list.truncate(40);
                list
            })
            .collect();
        Self {
            problem,
            t,
            demand: &problem.demand,
            cap: &problem.capacity,
            forced,
            p: problem.p,
            // Twice the table's penalty: an answer leaving a client unserved stays above
            // every feasible answer by far more than the relative tolerance of `proven`
            // (with costs near 10⁹ the table's margin of 1 is within it).
            pen: 2.0 * t.penalty(),
            near,
            stride: (0..t.clients())
                .map(|i| t.row(i).len())
                .max()
                .unwrap_or(0)
                .min(problem.p),
            swap_trials: 4_000_000usize.div_ceil(t.clients().max(1)),
            answer_every: (t.clients() * problem.p).div_ceil(200_000).max(1),
            chain_scale: (2_000.0 / t.clients().max(1) as f64).min(1.0),
            small: (t.clients() * problem.p) as f64 <= SPLIT_SIZE,
        }
    }

    fn proven(&self, bound: f64, value: f64) -> bool {
        bound >= value - tolerance(value).max(Certificate::TOLERANCE)
    }

    /// The uncapacitated p-median answer, its smallest sites traded for the largest closed
    /// ones while the total capacity falls short of the demand, assigned by regret.
    fn pmedian_start(&self, seed: u64) -> State {
        let pm = PMedianProblem {
            costs: self.t.clone(),
            p: self.p,
            forced: self.problem.forced.clone(),
        };
        let sol = pm.solve(&PMedianOptions {
            seed,
            starts: 4,
            generations: 2,
            chains: 2,
            chain_iterations: 30,
            bound_iterations: 0,
            ..PMedianOptions::default()
        });
        let sites = if sol.sites.len() == self.p {
            sol.sites
        } else {
            // Sparse lists the uncapacitated search could not cover: forced sites, then the
            // largest capacities.
            let mut s = self.problem.forced.clone();
            let mut rest: Vec<u32> = (0..self.t.sites() as u32)
                .filter(|&j| !self.forced[j as usize])
                .collect();
            rest.sort_by(|&a, &b| {
                self.cap[b as usize]
                    .total_cmp(&self.cap[a as usize])
                    .then(a.cmp(&b))
            });
            s.extend(rest.into_iter().take(self.p - s.len()));
            s
        };
        let sites = self.with_enough_capacity(sites);
        let mut state = State::new(self, &sites);
        state.regret_insert(self);
        state
    }

    /// `sites` with its smallest removable site swapped for the largest closed one until the
    /// total capacity covers the total demand (possible: checked before the search).
    fn with_enough_capacity(&self, mut sites: Vec<u32>) -> Vec<u32> {
        let demand: f64 = self.demand.iter().sum();
        let mut open = vec![false; self.t.sites()];
        for &j in &sites {
            open[j as usize] = true;
        }
        let mut closed: Vec<u32> = (0..self.t.sites() as u32)
            .filter(|&j| !open[j as usize])
            .collect();
        // Largest last, ties to the lower index.
        closed.sort_by(|&a, &b| {
            self.cap[a as usize]
                .total_cmp(&self.cap[b as usize])
                .then(b.cmp(&a))
        });
        loop {
            let total: f64 = sites.iter().map(|&j| self.cap[j as usize]).sum();
            if total + ROOM_EPS * (1.0 + demand) >= demand {
                break;
            }
            let Some(k) = (0..sites.len())
                .filter(|&k| !self.forced[sites[k] as usize])
                .min_by(|&a, &b| {
                    self.cap[sites[a] as usize]
                        .total_cmp(&self.cap[sites[b] as usize])
                        .then(sites[a].cmp(&sites[b]))
                })
            else {
                break;
            };
            let Some(&f) = closed.last() else { break };
            if self.cap[f as usize] <= self.cap[sites[k] as usize] {
                break;
            }
            closed.pop();
            sites[k] = f;
        }
        sites
    }

    /// A variable neighbourhood search chain from `start`.
    fn chain(&self, start: &State, iterations: usize, rng: &mut SplitMix64) -> State {
        let mut current = start.clone();
        current.descent(self);
        let removable = current
            .open
            .iter()
            .filter(|&&j| !self.forced[j as usize])
            .count();
        if removable == 0 || self.p >= self.t.sites() {
            return current;
        }
        let k_max = removable.clamp(1, 5);
        let mut k = 1;
        let mut trial = current.clone();
        for _ in 0..iterations {
            trial.clone_from(&current);
            for _ in 0..k {
                self.shake_once(&mut trial, rng);
            }
            trial.descent(self);
            if trial.value(self) < current.value(self) - tolerance(current.value(self)) {
                std::mem::swap(&mut current, &mut trial);
                k = 1;
            } else {
                k = if k >= k_max { 1 } else { k + 1 };
            }
        }
        current
    }

    /// Moves one random removable site to a random closed candidate near it; while clients
    /// are unserved, half the time to a closed site one of them may use instead.
    fn shake_once(&self, s: &mut State, rng: &mut SplitMix64) {
        let removable: Vec<u32> = (0..s.open.len() as u32)
            .filter(|&k| !self.forced[s.open[k as usize] as usize])
            .collect();
        if removable.is_empty() {
            return;
        }
        let slot = removable[rng.below(removable.len())];
        if s.unserved > 0 && rng.below(2) == 0 {
            let unserved: Vec<usize> = (0..s.at.len()).filter(|&i| s.at[i] == NONE).collect();
            let u = unserved[rng.below(unserved.len())];
            let closed: Vec<u32> = self
                .t
                .row(u)
                .iter()
                .map(|l| l.to)
                .filter(|&f| s.slot[f as usize] == NONE)
                .collect();
            if !closed.is_empty() {
                s.replace(self, slot, closed[rng.below(closed.len())]);
                s.regret_insert(self);
                return;
            }
        }
        let g = s.open[slot as usize] as usize;
        let closed: Vec<u32> = self.near[g]
            .iter()
            .copied()
            .filter(|&f| s.slot[f as usize] == NONE)
            .collect();
        let f = if closed.is_empty() || rng.below(8) == 0 {
            loop {
                let f = rng.below(self.t.sites());
                if s.slot[f] == NONE {
                    break f as u32;
                }
            }
        } else {
            closed[rng.below(closed.len())]
        };
        s.replace(self, slot, f);
        s.regret_insert(self);
    }

    /// First-improvement site swaps (each site toward its nearby candidates), each followed
    /// by repair and descent, until none improves or [`Ctx::swap_trials`] have been tried.
    fn swap_descent(&self, s: &mut State) {
        s.descent(self);
        let mut trials = 0;
        loop {
            let mut improved = false;
            for slot in 0..s.open.len() {
                let g = s.open[slot] as usize;
                if self.forced[g] {
                    continue;
                }
                for &f in &self.near[g] {
                    if s.slot[f as usize] != NONE {
                        continue;
                    }
                    if trials >= self.swap_trials {
                        return;
                    }
                    trials += 1;
                    let mut trial = s.clone();
                    trial.replace(self, slot as u32, f);
                    trial.regret_insert(self);
                    trial.descent(self);
                    if trial.value(self) < s.value(self) - tolerance(s.value(self)) {
                        *s = trial;
                        improved = true;
                        break;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }

    fn fits(&self, s: &State, i: usize, slot: u32) -> bool {
        self.demand[i]
            <= self.cap[s.open[slot as usize] as usize] - s.load[slot as usize] + ROOM_EPS
    }
}

/// An answer under construction: open sites in slots, each client's slot, loads.
#[derive(Clone, Debug)]
struct State {
    /// Site of each slot.
    open: Vec<u32>,
    /// Slot of each site, `NONE` when closed.
    slot: Vec<u32>,
    /// Slot of each client, `NONE` when unserved.
    at: Vec<u32>,
    /// Demand served by each slot.
    load: Vec<f64>,
    /// Clients of each slot.
    members: Vec<Vec<u32>>,
    /// For each client, the slots it may use by cost (`count` valid entries in a block of
    /// [`Ctx::stride`]).
    rows: Vec<Link>,
    count: Vec<u32>,
    /// Block size of `rows` ([`Ctx::stride`]).
    width: usize,
    /// Total cost of the served clients.
    cost: f64,
    /// Clients without a slot.
    unserved: usize,
}

impl State {
    fn new(ctx: &Ctx<'_>, sites: &[u32]) -> Self {
        let (n, m, p, w) = (ctx.t.clients(), ctx.t.sites(), sites.len(), ctx.stride);
        let mut slot = vec![NONE; m];
        for (k, &j) in sites.iter().enumerate() {
            slot[j as usize] = k as u32;
        }
        let mut s = Self {
            open: sites.to_vec(),
            slot,
            at: vec![NONE; n],
            load: vec![0.0; p],
            members: vec![Vec::new(); p],
            rows: vec![
                Link {
                    to: NONE,
                    cost: 0.0
                };
                n * w
            ],
            count: vec![0; n],
            width: w,
            cost: 0.0,
            unserved: n,
        };
        for i in 0..n {
            // The table's row is sorted by cost, then site: the order the rows keep.
            let row = &mut s.rows[i * w..(i + 1) * w];
            let mut c = 0;
            for l in ctx.t.row(i) {
                let k = s.slot[l.to as usize];
                if k != NONE {
                    row[c] = Link {
                        to: k,
                        cost: l.cost,
                    };
                    c += 1;
                }
            }
            s.count[i] = c as u32;
        }
        s
    }

    fn value(&self, ctx: &Ctx<'_>) -> f64 {
        self.cost + ctx.pen * self.unserved as f64
    }

    fn row(&self, i: usize) -> &[Link] {
        &self.rows[i * self.width..i * self.width + self.count[i] as usize]
    }

    fn cost_at(&self, ctx: &Ctx<'_>, i: usize, slot: u32) -> f64 {
        ctx.t.c(i, self.open[slot as usize] as usize)
    }

    fn place(&mut self, ctx: &Ctx<'_>, i: usize, slot: u32) {
        debug_assert_eq!(self.at[i], NONE);
        self.at[i] = slot;
        self.load[slot as usize] += ctx.demand[i];
        self.members[slot as usize].push(i as u32);
        self.cost += self.cost_at(ctx, i, slot);
        self.unserved -= 1;
    }

    fn remove(&mut self, ctx: &Ctx<'_>, i: usize) {
        let slot = self.at[i];
        debug_assert_ne!(slot, NONE);
        self.at[i] = NONE;
        self.load[slot as usize] -= ctx.demand[i];
        let m = &mut self.members[slot as usize];
        let k = m
            .iter()
            .position(|&c| c as usize == i)
            .expect("a client is listed at its slot");
        m.swap_remove(k);
        self.cost -= self.cost_at(ctx, i, slot);
        self.unserved += 1;
    }

    /// Puts `f` in slot `slot` in place of its site; the slot's clients become unserved.
    fn replace(&mut self, ctx: &Ctx<'_>, slot: u32, f: u32) {
        for k in 0..self.members[slot as usize].len() {
            let i = self.members[slot as usize][k] as usize;
            self.at[i] = NONE;
            self.cost -= self.cost_at(ctx, i, slot);
            self.unserved += 1;
        }
        self.members[slot as usize].clear();
        self.load[slot as usize] = 0.0;
        self.move_site(ctx, slot, f);
    }

    /// Moves slot `slot` to site `f` keeping its clients (the caller checks they are allowed
    /// and fit); updates the cost and the rows of the clients that may use either site.
    fn move_site(&mut self, ctx: &Ctx<'_>, slot: u32, f: u32) {
        let g = self.open[slot as usize];
        for &i in &self.members[slot as usize] {
            self.cost += ctx.t.c(i as usize, f as usize) - ctx.t.c(i as usize, g as usize);
        }
        self.slot[g as usize] = NONE;
        self.slot[f as usize] = slot;
        self.open[slot as usize] = f;
        let w = self.width;
        for l in ctx.t.column(g as usize) {
            let i = l.to as usize;
            let row = &mut self.rows[i * w..(i + 1) * w];
            let c = self.count[i] as usize;
            if let Some(k) = row[..c].iter().position(|e| e.to == slot) {
                row.copy_within(k + 1..c, k);
                self.count[i] -= 1;
            }
        }
        for l in ctx.t.column(f as usize) {
            let i = l.to as usize;
            let row = &mut self.rows[i * w..(i + 1) * w];
            let c = self.count[i] as usize;
            let open = &self.open;
            let at = row[..c].partition_point(|e| {
                e.cost < l.cost || (e.cost == l.cost && open[e.to as usize] < f)
            });
            row.copy_within(at..c, at + 1);
            row[at] = Link {
                to: slot,
                cost: l.cost,
            };
            self.count[i] += 1;
        }
    }

    /// Serves the unserved clients by regret: the client whose cheapest slot with room is
    /// most ahead of its second goes first (a single option counts as infinite regret; ties
    /// to the larger demand, then the lower index). A client with no room anywhere gets an
    /// ejection ([`State::eject_insert`]) or stays unserved.
    ///
    /// Regrets sit in a heap; a placement only changes the regret of waiting clients whose two
    /// best slots include the filled one and no longer fit there, so only those (listed per
    /// slot) are re-evaluated. An ejection moves loads both ways, so everything is re-evaluated.
    fn regret_insert(&mut self, ctx: &Ctx<'_>) {
        let n = self.at.len();
        let p = self.open.len();
        let mut heap: BinaryHeap<Regret> = BinaryHeap::new();
        let mut version = vec![0u32; n];
        let mut top: Vec<(u32, u32)> = vec![(NONE, NONE); n];
        let mut watch: Vec<Vec<u32>> = vec![Vec::new(); p];
        let mut waiting: Vec<u32> = (0..n as u32)
            .filter(|&i| self.at[i as usize] == NONE)
            .collect();
        let mut rebuild = true;
        loop {
            if rebuild {
                rebuild = false;
                heap.clear();
                watch.iter_mut().for_each(Vec::clear);
                waiting.retain(|&i| self.at[i as usize] == NONE);
                let mut k = 0;
                while k < waiting.len() {
                    let i = waiting[k] as usize;
                    version[i] += 1;
                    match self.regret_of(ctx, i) {
                        Some((r, first, second)) => {
                            top[i] = (first, second);
                            watch[first as usize].push(i as u32);
                            if second != NONE {
                                watch[second as usize].push(i as u32);
                            }
                            heap.push(Regret::new(r, ctx.demand[i], i as u32, version[i]));
                            k += 1;
                        }
                        None => {
                            waiting.swap_remove(k);
                            if self.eject_insert(ctx, i) {
                                rebuild = true;
                                break;
                            }
                        }
                    }
                }
                if rebuild {
                    continue;
                }
            }
            let Some(top_entry) = heap.pop() else { break };
            let i = top_entry.client as usize;
            if top_entry.version != version[i] || self.at[i] != NONE {
                continue;
            }
            let slot = top[i].0;
            self.place(ctx, i, slot);
            // Waiting clients counting on this slot that no longer fit there.
            let listed = std::mem::take(&mut watch[slot as usize]);
            let mut keep = Vec::with_capacity(listed.len());
            for &c in &listed {
                let c = c as usize;
                if self.at[c] != NONE || (top[c].0 != slot && top[c].1 != slot) {
                    continue;
                }
                if ctx.fits(self, c, slot) {
                    keep.push(c as u32);
                    continue;
                }
                version[c] += 1;
                match self.regret_of(ctx, c) {
                    Some((r, first, second)) => {
                        top[c] = (first, second);
                        for s in [first, second] {
                            if s != NONE && s != slot {
                                watch[s as usize].push(c as u32);
                            }
                        }
                        heap.push(Regret::new(r, ctx.demand[c], c as u32, version[c]));
                    }
                    None => {
                        top[c] = (NONE, NONE);
                        if self.eject_insert(ctx, c) {
                            rebuild = true;
                        }
                    }
                }
            }
            watch[slot as usize].extend(keep);
            if rebuild {
                continue;
            }
        }
    }

    /// The regret of unserved client `i` and its two cheapest slots with room (`NONE` for a
    /// missing second, whose regret is infinite); `None` when no slot has room.
    fn regret_of(&self, ctx: &Ctx<'_>, i: usize) -> Option<(f64, u32, u32)> {
        let mut first: Option<Link> = None;
        for l in self.row(i) {
            if ctx.fits(self, i, l.to) {
                match first {
                    None => first = Some(*l),
                    Some(f) => return Some((l.cost - f.cost, f.to, l.to)),
                }
            }
        }
        first.map(|f| (f64::INFINITY, f.to, NONE))
    }

    /// Serves unserved client `i` by moving one client of a slot it may use to another slot
    /// with room; the cheapest such pair of moves. Whether it succeeded.
    fn eject_insert(&mut self, ctx: &Ctx<'_>, i: usize) -> bool {
        let mut best: Option<(f64, u32, usize, u32)> = None;
        for e in self.row(i) {
            let b = e.to as usize;
            let room = ctx.cap[self.open[b] as usize] - self.load[b];
            for &k in &self.members[b] {
                let k = k as usize;
                if room + ctx.demand[k] + ROOM_EPS < ctx.demand[i] {
                    continue;
                }
                let ckb = self.cost_at(ctx, k, b as u32);
                for l in self.row(k) {
                    if l.to as usize == b || !ctx.fits(self, k, l.to) {
                        continue;
                    }
                    let delta = e.cost + l.cost - ckb;
                    if best.is_none_or(|x| delta < x.0) {
                        best = Some((delta, b as u32, k, l.to));
                    }
                    break;
                }
            }
        }
        match best {
            Some((_, b, k, c)) => {
                self.remove(ctx, k);
                self.place(ctx, k, c);
                self.place(ctx, i, b);
                true
            }
            None => false,
        }
    }

    /// First-improvement shifts, swaps and ejections until none improves.
    fn improve_assignment(&mut self, ctx: &Ctx<'_>) {
        let n = self.at.len();
        loop {
            let mut improved = false;
            for i in 0..n {
                let a = self.at[i];
                if a == NONE {
                    if let Some(l) = self.row(i).iter().find(|l| ctx.fits(self, i, l.to)) {
                        let slot = l.to;
                        self.place(ctx, i, slot);
                        improved = true;
                    } else {
                        improved |= self.eject_insert(ctx, i);
                    }
                    continue;
                }
                let ca = self.cost_at(ctx, i, a);
                let tol = tolerance(ca);
                // Shift to the cheapest slot with room.
                let shift = self
                    .row(i)
                    .iter()
                    .take_while(|l| l.cost < ca - tol)
                    .find(|l| ctx.fits(self, i, l.to))
                    .map(|l| l.to);
                if let Some(b) = shift {
                    self.remove(ctx, i);
                    self.place(ctx, i, b);
                    improved = true;
                    continue;
                }
                // Swap with a client of a slot cheaper for i.
                let room_a = ctx.cap[self.open[a as usize] as usize] - self.load[a as usize];
                let mut best: Option<(f64, usize, u32)> = None;
                for l in self.row(i) {
                    if l.cost >= ca - tol {
                        break;
                    }
                    let b = l.to;
                    let room_b = ctx.cap[self.open[b as usize] as usize] - self.load[b as usize];
                    for &k in &self.members[b as usize] {
                        let k = k as usize;
                        let (di, dk) = (ctx.demand[i], ctx.demand[k]);
                        if di - dk > room_b + ROOM_EPS || dk - di > room_a + ROOM_EPS {
                            continue;
                        }
                        let cka = self.cost_at(ctx, k, a);
                        if !cka.is_finite() {
                            continue;
                        }
                        let delta = l.cost + cka - ca - self.cost_at(ctx, k, b);
                        if delta < -tol && best.is_none_or(|x| delta < x.0) {
                            best = Some((delta, k, b));
                        }
                    }
                }
                if let Some((_, k, b)) = best {
                    self.remove(ctx, i);
                    self.remove(ctx, k);
                    self.place(ctx, k, a);
                    self.place(ctx, i, b);
                    improved = true;
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// Moves each removable site to the candidate that serves its clients most cheaply
    /// (capacity permitting); whether any moved.
    fn relocate(&mut self, ctx: &Ctx<'_>) -> bool {
        let mut moved = false;
        let mut cands: Vec<u32> = Vec::new();
        for slot in 0..self.open.len() {
            let g = self.open[slot];
            if ctx.forced[g as usize] || self.members[slot].is_empty() {
                continue;
            }
            let members = &self.members[slot];
            let current: f64 = members
                .iter()
                .map(|&i| ctx.t.c(i as usize, g as usize))
                .sum();
            cands.clear();
            for &i in members {
                for l in ctx.t.row(i as usize).iter().take(3) {
                    if self.slot[l.to as usize] == NONE && !cands.contains(&l.to) {
                        cands.push(l.to);
                    }
                }
            }
            let mut best: Option<(f64, u32)> = None;
            for &f in &cands {
                if ctx.cap[f as usize] + ROOM_EPS < self.load[slot] {
                    continue;
                }
                let mut sum = 0.0;
                for &i in members {
                    sum += ctx.t.c(i as usize, f as usize);
                    if sum >= current {
                        break;
                    }
                }
                let limit = best.map_or(current - tolerance(current), |b| b.0);
                if sum < limit {
                    best = Some((sum, f));
                }
            }
            if let Some((_, f)) = best {
                self.move_site(ctx, slot as u32, f);
                moved = true;
            }
        }
        moved
    }

    /// Assignment improvement and relocation, alternated until neither helps.
    fn descent(&mut self, ctx: &Ctx<'_>) {
        loop {
            self.improve_assignment(ctx);
            if !self.relocate(ctx) {
                break;
            }
        }
        // Recompute the cost exactly (incremental sums drift).
        self.cost = self
            .at
            .iter()
            .enumerate()
            .filter(|(_, s)| **s != NONE)
            .map(|(i, &s)| self.cost_at(ctx, i, s))
            .sum();
    }

    fn sorted_sites(&self) -> Vec<u32> {
        let mut s = self.open.clone();
        s.sort_unstable();
        s
    }
}

/// A heap entry of regret insertion: largest regret first, then larger demand, then lower
/// client index; `version` marks entries made stale by a re-evaluation.
#[derive(Clone, Copy, Debug)]
struct Regret {
    regret: f64,
    demand: f64,
    client: u32,
    version: u32,
}

impl Regret {
    fn new(regret: f64, demand: f64, client: u32, version: u32) -> Self {
        Self {
            regret,
            demand,
            client,
            version,
        }
    }
}

impl PartialEq for Regret {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Regret {}

impl PartialOrd for Regret {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Regret {
    fn cmp(&self, other: &Self) -> Ordering {
        self.regret
            .total_cmp(&other.regret)
            .then(self.demand.total_cmp(&other.demand))
            .then(other.client.cmp(&self.client))
            .then(self.version.cmp(&other.version))
    }
}

/// The best distinct answers (by site set), best first.
struct Elite {
    cap: usize,
    members: Vec<(f64, State)>,
}

impl Elite {
    fn new(cap: usize) -> Self {
        Self {
            cap,
            members: Vec::new(),
        }
    }

    fn best_value(&self) -> f64 {
        self.members.first().map_or(f64::INFINITY, |m| m.0)
    }

    /// Adds an answer unless one with the same sites is as good, or a full pool's worst is
    /// better; whether the pool changed.
    fn insert(&mut self, ctx: &Ctx<'_>, s: State) -> bool {
        let v = s.value(ctx);
        let sites = s.sorted_sites();
        if let Some(k) = self
            .members
            .iter()
            .position(|(_, m)| m.sorted_sites() == sites)
        {
            if self.members[k].0 <= v + tolerance(v) {
                return false;
            }
            self.members.remove(k);
        }
        if self.members.len() >= self.cap {
            if self.members.last().is_some_and(|w| w.0 <= v) {
                return false;
            }
            self.members.pop();
        }
        let at = self.members.partition_point(|m| m.0 <= v);
        self.members.insert(at, (v, s));
        true
    }
}

/// Most times [`CapacitatedProblem::solve_with_rows`] grows rows and solves again: each
/// round is a whole search, and the bound stays valid whenever it stops.
pub const GROWTH_ROUNDS: usize = 4;

/// Subgradient steps of branch and bound, in multiples of `bound_iterations`, on instances
/// of up to [`BRANCH_SIZE`] clients × sites to open.
pub const BRANCH_WORK: usize = 12;

/// Clients × sites to open up to which branch and bound gets its whole
/// [`BRANCH_WORK`]; beyond, the steps shrink in proportion.
pub const BRANCH_SIZE: f64 = 4_000.0;

/// Clients × sites to open below which branch and bound gets more steps, in proportion to
/// how much smaller the instance is, at most [`SMALL_BOOST`] times [`BRANCH_WORK`].
pub const SMALL_SIZE: f64 = 1_250.0;

/// Most multiple of [`BRANCH_WORK`] that a small instance gets (see [`SMALL_SIZE`]).
pub const SMALL_BOOST: f64 = 5.0;

/// Subgradient steps per node of branch and bound.
pub const NODE_ITERATIONS: usize = 50;

/// Nodes of least bound whose children branch and bound bounds side by side (in parallel
/// when allowed), each against the best answer as the batch starts.
pub const BRANCH_BATCH: usize = 4;

/// Clients × sites to open up to which branch and bound splits clients before sites (see
/// [`SPLIT_LEAST`]), gets [`SPLIT_WORK`] times its steps, and builds answers from the
/// relaxation at every [`ANSWER_NODES`]-th node only (the answers cost more than the
/// bound there, and the search has usually found the best one before the tree starts).
pub const SPLIT_SIZE: f64 = 2_500.0;

/// Multiple of the branch-and-bound steps on instances up to [`SPLIT_SIZE`].
pub const SPLIT_WORK: f64 = 48.0;

/// On instances up to [`SPLIT_SIZE`], a free site whose share (see [`Node`]) lies farther
/// than this from 0 and 1 is branched on before any client split.
pub const SITE_FIRST: f64 = 0.3;

/// On instances up to [`SPLIT_SIZE`], branch and bound builds answers from the relaxation
/// at every this-many-th node it bounds.
pub const ANSWER_NODES: usize = 8;

/// Least share of a client's assignment (moving averages over the relaxation's last steps)
/// on the smaller side of a split for branch and bound to split that client.
pub const SPLIT_LEAST: f64 = 0.1;

/// A node of branch and bound: sites fixed open and closed, its bound, the multipliers it
/// was bounded with, and the site to branch on (`NONE` when every site is fixed).
struct Node {
    bound: f64,
    must_open: Vec<bool>,
    closed: Vec<bool>,
    lambda: Vec<f64>,
    /// How often each site was chosen in the node's last subgradient steps (a moving
    /// average): an estimate of the site's value in the relaxation's optimum.
    ybar: Vec<f64>,
    /// Pairs banned by client splits, and once every site is fixed, assignments fixed by
    /// branching.
    fixed: Option<Assigned>,
    /// Every site is fixed: the node branches on assignments.
    assigning: bool,
    branch: Branch,
}

/// What a node of branch and bound branches on.
#[derive(Clone, Debug, PartialEq)]
enum Branch {
    /// Nothing: the node is set aside with its bound.
    None,
    /// A site: open in one child, closed in the other.
    Site(u32),
    /// A client and an open site: the client served there in one child, never there in the
    /// other (every site is fixed).
    Assign(u32, u32),
    /// A client and a split of its listed sites still allowed: served by one of `near` in
    /// one child (every site of `far` banned), by none of them in the other (every site of
    /// `near` banned).
    Split {
        client: u32,
        near: Vec<u32>,
        far: Vec<u32>,
    },
}

/// Assignments fixed below a node whose sites are all fixed: each client's fixed site
/// (`NONE` while free), the listed pairs a client may not use, the demand fixed at each
/// site and the cost of the fixed pairs.
#[derive(Clone, Debug)]
struct Assigned {
    to: Vec<u32>,
    banned: Vec<Vec<u32>>,
    used: Vec<f64>,
    cost: f64,
}

impl Assigned {
    fn new(ctx: &Ctx<'_>) -> Self {
        Self {
            to: vec![NONE; ctx.t.clients()],
            banned: vec![Vec::new(); ctx.t.clients()],
            used: vec![0.0; ctx.t.sites()],
            cost: 0.0,
        }
    }

    /// Client `i` served by site `j` (a listed pair).
    fn fix(&mut self, ctx: &Ctx<'_>, i: usize, j: usize) {
        self.to[i] = j as u32;
        self.used[j] += ctx.demand[i];
        self.cost += ctx.t.c(i, j);
    }

    fn is_banned(&self, i: usize, j: u32) -> bool {
        self.banned[i].contains(&j)
    }

    /// Whether an answer may still exist with the sites `open` (a mask): no site holds more
    /// fixed demand than it can, and every free client whose row is complete has a listed,
    /// open, allowed site with room for it.
    fn may_hold(&self, ctx: &Ctx<'_>, open: &[bool]) -> bool {
        let room = |j: usize| ctx.cap[j] - self.used[j] + ROOM_EPS * (1.0 + ctx.cap[j]);
        if (0..ctx.t.sites()).any(|j| room(j) < 0.0) {
            return false;
        }
        (0..ctx.t.clients()).all(|i| {
            self.to[i] != NONE
                || ctx.t.beyond(i).is_finite()
                || ctx.t.row(i).iter().any(|l| {
                    open[l.to as usize]
                        && !self.is_banned(i, l.to)
                        && room(l.to as usize) >= ctx.demand[i]
                })
        })
    }
}

/// Branch and bound on the Lagrangian relaxation, lowest bound first, as for the p-median:
/// a node fixes sites open or closed, is bounded by the knapsack dual with those fixings
/// (warm-started from its parent's multipliers), turns its relaxation's site sets into
/// answers for `elite`, fixes more sites by their reduced costs at its best multipliers
/// ([`reduced_cost_fixing`], every `ρ_j` an exact knapsack), and branches on the free site
/// the relaxation chose most nearly half the time in its last steps (else on the chosen
/// free site whose closing the reduced costs price lowest). Once every site of a node is
/// fixed, what is left is a generalised assignment problem, bounded by the same knapsack
/// dual: the node branches on assignments (a client served by one of the sites, or never
/// by it; [`settle_assignments`]) until its relaxation is an answer or its bound reaches
/// the best one. A node that cannot branch (a client whose list holds no open site it may
/// still use, on a truncated row) is set aside, its bound counted in the result. Returns
/// the proven bound (the least bound of the nodes left, or the best answer's value when
/// none is) and the subgradient steps spent, at most about `budget`.
fn branch_and_bound(
    ctx: &Ctx<'_>,
    root: &Lagrange,
    elite: &mut Elite,
    budget: usize,
    parallel: bool,
) -> (f64, usize) {
    let mut open = Vec::new();
    let mut leaves: Vec<f64> = Vec::new();
    let root_node = Node {
        bound: root.bound(),
        must_open: root.must_open.clone(),
        closed: root.closed.clone(),
        lambda: root.best_lambda.clone(),
        ybar: root.ybar.clone(),
        fixed: None,
        assigning: false,
        branch: Branch::None,
    };
    let mut spent = 0;
    let mut bounded = 0usize;
    let place = |node: Option<Node>, open: &mut Vec<Node>, leaves: &mut Vec<f64>| {
        if let Some(node) = node {
            if node.branch == Branch::None {
                leaves.push(node.bound);
            } else {
                open.push(node);
            }
        }
    };
    place(settle(ctx, root, root_node, elite), &mut open, &mut leaves);
    loop {
        let ub = elite.best_value();
        open.retain(|node| !ctx.proven(node.bound, ub));
        leaves.retain(|&b| !ctx.proven(b, ub));
        let least_leaf = leaves.iter().copied().fold(ub, f64::min);
        // Highest bound first, so that the least ones are popped from the end.
        open.sort_by(|a, b| b.bound.total_cmp(&a.bound));
        let Some(least) = open.last() else {
            return (least_leaf, spent);
        };
        if spent >= budget {
            return (least.bound.min(least_leaf), spent);
        }
        // The children of the `BRANCH_BATCH` least nodes, bounded side by side.
        let mut children: Vec<Child> = Vec::new();
        for _ in 0..BRANCH_BATCH {
            let Some(node) = open.pop() else { break };
            for first in [true, false] {
                let mut must_open = node.must_open.clone();
                let mut closed = node.closed.clone();
                let mut fixed = node.fixed.clone();
                match (&node.branch, fixed.as_mut()) {
                    (&Branch::Site(j), _) if first => must_open[j as usize] = true,
                    (&Branch::Site(j), _) => closed[j as usize] = true,
                    (&Branch::Assign(i, j), Some(a)) if first => a.fix(ctx, i as usize, j as usize),
                    (&Branch::Assign(i, j), Some(a)) => a.banned[i as usize].push(j),
                    (Branch::Split { client, near, far }, _) => {
                        let a = fixed.get_or_insert_with(|| Assigned::new(ctx));
                        let banned = if first { far } else { near };
                        a.banned[*client as usize].extend_from_slice(banned);
                    }
                    _ => unreachable!("only nodes with a branch are kept open"),
                }
                let nfixed = must_open.iter().filter(|f| **f).count();
                let nfree = (0..must_open.len())
                    .filter(|&f| !must_open[f] && !closed[f])
                    .count();
                if nfixed > ctx.p || nfree < ctx.p - nfixed {
                    continue;
                }
                let allowed: Vec<bool> = closed.iter().map(|c| !c).collect();
                if fixed.as_ref().is_some_and(|a| !a.may_hold(ctx, &allowed)) {
                    continue;
                }
                bounded += 1;
                children.push(Child {
                    lambda: node.lambda.clone(),
                    must_open,
                    closed,
                    fixed,
                    bound: node.bound,
                    assigning: node.assigning,
                    answers: !ctx.small || bounded.is_multiple_of(ANSWER_NODES),
                });
            }
        }
        // Each child against the best answer as the batch starts, its own answers kept in a
        // pool of its own and merged in child order: any thread count gives the same tree.
        let best = elite.members.first().map(|m| &m.1);
        let results = run_tasks(parallel, children.len(), |k| {
            let c = &children[k];
            let mut own = Elite::new(1);
            if let Some(best) = best {
                own.insert(ctx, best.clone());
            }
            let mut lagrange = root.child(
                c.lambda.clone(),
                c.must_open.clone(),
                c.closed.clone(),
                c.fixed.clone(),
            );
            let mut found = Vec::new();
            lagrange.run(
                ctx,
                own.best_value(),
                NODE_ITERATIONS,
                c.answers.then_some(&mut found),
            );
            for s in found {
                own.insert(ctx, s);
            }
            let child = Node {
                bound: lagrange.bound().max(c.bound),
                must_open: lagrange.must_open.clone(),
                closed: lagrange.closed.clone(),
                lambda: lagrange.best_lambda.clone(),
                ybar: lagrange.ybar.clone(),
                fixed: lagrange.fixed.take(),
                assigning: c.assigning,
                branch: Branch::None,
            };
            let node = settle(ctx, &lagrange, child, &mut own);
            (node, lagrange.iterations, own)
        });
        for (node, steps, own) in results {
            spent += steps;
            for (_, s) in own.members {
                elite.insert(ctx, s);
            }
            place(node, &mut open, &mut leaves);
        }
    }
}

/// A child of a branch-and-bound node, to be bounded: its parent's multipliers, bound and
/// stage, its fixings, and whether its relaxation's site sets are turned into answers.
struct Child {
    lambda: Vec<f64>,
    must_open: Vec<bool>,
    closed: Vec<bool>,
    fixed: Option<Assigned>,
    bound: f64,
    assigning: bool,
    answers: bool,
}

/// Fixes the sites of `node` that its multipliers settle against the best answer of
/// `elite`, repeatedly while new sites are fixed, and picks the site to branch on. Once no
/// site is left to choose, the site set is offered to `elite` as an answer and the node
/// goes on to [`settle_assignments`]. `None` when the node holds no answer better than the
/// best one. `like` gives the knapsack settings.
fn settle(ctx: &Ctx<'_>, like: &Lagrange, mut node: Node, elite: &mut Elite) -> Option<Node> {
    if node.assigning {
        return settle_assignments(ctx, like, node, elite);
    }
    let m = ctx.t.sites();
    let integral = ctx.t.is_integral();
    let mut items = Vec::new();
    loop {
        let ub = elite.best_value();
        let nfixed = node.must_open.iter().filter(|f| **f).count();
        let nfree = (0..m)
            .filter(|&j| !node.must_open[j] && !node.closed[j])
            .count();
        if nfixed > ctx.p || nfree < ctx.p - nfixed || ctx.proven(node.bound, ub) {
            return None;
        }
        if let Some(a) = &node.fixed {
            let allowed: Vec<bool> = node.closed.iter().map(|c| !c).collect();
            if !a.may_hold(ctx, &allowed) {
                return None;
            }
        }
        let mut dual = like.child(
            node.lambda.clone(),
            node.must_open.clone(),
            node.closed.clone(),
            node.fixed.clone(),
        );
        let mut value = dual.base_value(ctx, &node.lambda);
        let mut free = Vec::with_capacity(nfree);
        for j in 0..m {
            if node.must_open[j] {
                value += dual.solve_site(ctx, j, &mut items).0;
            } else if !node.closed[j] {
                free.push((j as u32, dual.solve_site(ctx, j, &mut items).0));
            }
        }
        free.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let chosen = ctx.p - nfixed;
        value += free[..chosen].iter().map(|f| f.1).sum::<f64>();
        node.bound = node.bound.max(dual_bound(value, integral));
        if ctx.proven(node.bound, ub) {
            return None;
        }
        if chosen == 0 || chosen == free.len() {
            // Every site fixed: one site set, an answer, and below it a generalised
            // assignment problem.
            let all = chosen > 0;
            for j in 0..m {
                let open = node.must_open[j] || (all && !node.closed[j]);
                node.must_open[j] = open;
                node.closed[j] = !open;
            }
            let sites: Vec<u32> = (0..m as u32)
                .filter(|&j| node.must_open[j as usize])
                .collect();
            let mut s = State::new(ctx, &sites);
            s.regret_insert(ctx);
            s.descent(ctx);
            elite.insert(ctx, s);
            node.fixed.get_or_insert_with(|| Assigned::new(ctx));
            node.assigning = true;
            return settle_assignments(ctx, like, node, elite);
        }
        let fix = reduced_cost_fixing(value, &free, chosen, |v| {
            ctx.proven(dual_bound(v, integral), ub)
        });
        if fix.open.is_empty() && fix.closed.is_empty() {
            let frac = |j: u32| {
                let y = node.ybar[j as usize];
                y.min(1.0 - y)
            };
            let fractional = free
                .iter()
                .filter(|&&(j, _)| frac(j) > 0.05)
                .max_by(|a, b| {
                    frac(a.0)
                        .total_cmp(&frac(b.0))
                        .then(b.1.total_cmp(&a.1))
                        .then(b.0.cmp(&a.0))
                });
            let split = || client_split(ctx, like, &node, SPLIT_LEAST);
            let site = |f: Option<&(u32, f64)>| f.map(|&(j, _)| Branch::Site(j));
            let largest = || {
                free[..chosen]
                    .iter()
                    .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            };
            let first = fractional.filter(|&&(j, _)| frac(j) > SITE_FIRST);
            let branch = if ctx.small {
                site(first)
                    .or_else(split)
                    .or_else(|| site(fractional))
                    .or_else(|| site(largest()))
            } else {
                site(fractional).or_else(|| site(largest()))
            };
            node.branch = branch.expect("a node with a choice chooses a free site");
            return Some(node);
        }
        for &j in &fix.open {
            node.must_open[j as usize] = true;
        }
        for &j in &fix.closed {
            node.closed[j as usize] = true;
        }
    }
}

/// A client whose assignment the relaxation splits most evenly between its nearer and its
/// farther allowed sites (the moving averages of the knapsacks' choices in `like`'s last
/// steps, an estimate of `x_ij` in the optimum of the relaxation's linear programme), and
/// that split: its allowed listed sites in row order (by cost), cut where the two sides'
/// shares are most nearly equal. `None` when no client's smaller side reaches `least`.
fn client_split(ctx: &Ctx<'_>, like: &Lagrange, node: &Node, least: f64) -> Option<Branch> {
    let fixed = node.fixed.as_ref();
    let mut best: Option<(f64, f64, u32, usize)> = None;
    let mut shares: Vec<(u32, f64)> = Vec::new();
    for i in 0..ctx.t.clients() {
        if like.xbar[i].is_empty() || fixed.is_some_and(|a| a.to[i] != NONE) {
            continue;
        }
        shares.clear();
        for l in ctx.t.row(i) {
            let j = l.to;
            if node.closed[j as usize] || fixed.is_some_and(|a| a.is_banned(i, j)) {
                continue;
            }
            let x = like.xbar[i]
                .iter()
                .find(|e| e.0 == j)
                .map_or(0.0, |e| e.1 * like.xscale);
            shares.push((j, x));
        }
        let total: f64 = shares.iter().map(|e| e.1).sum();
        let mut cum = 0.0;
        for (k, e) in shares
            .iter()
            .enumerate()
            .take(shares.len().saturating_sub(1))
        {
            cum += e.1;
            let even = cum.min(total - cum);
            let key = (even, ctx.demand[i]);
            if even >= least && best.is_none_or(|b| key.0 > b.0 || (key.0 == b.0 && key.1 > b.1)) {
                best = Some((key.0, ctx.demand[i], i as u32, k));
            }
        }
    }
    let (_, _, client, k) = best?;
    let i = client as usize;
    let allowed: Vec<u32> = ctx
        .t
        .row(i)
        .iter()
        .map(|l| l.to)
        .filter(|&j| !node.closed[j as usize] && !fixed.is_some_and(|a| a.is_banned(i, j)))
        .collect();
    Some(Branch::Split {
        client,
        near: allowed[..=k].to_vec(),
        far: allowed[k + 1..].to_vec(),
    })
}

/// A node whose sites are all fixed (`must_open`), with assignments fixed in `node.fixed`:
/// its relaxation at its multipliers (a knapsack per open site) gives its bound and an
/// answer for `elite` (the knapsacks' clusters, the fixed pairs kept, repaired and
/// improved). `None` when the bound then reaches the best answer; otherwise the node
/// branches on a client the knapsacks do not take exactly once: over-covered, at its
/// dearest covering site; left out, at its cheapest open site it may use with room. With
/// no such client (the relaxation's answer breaks a capacity only by the rounding of
/// scaled demands, or a truncated row's client can use no listed site), the node is set
/// aside with its bound.
fn settle_assignments(
    ctx: &Ctx<'_>,
    like: &Lagrange,
    mut node: Node,
    elite: &mut Elite,
) -> Option<Node> {
    let (n, m) = (ctx.t.clients(), ctx.t.sites());
    let fixed = node.fixed.take().expect("a node with fixed assignments");
    if !fixed.may_hold(ctx, &node.must_open) {
        return None;
    }
    let mut dual = like.child(
        node.lambda.clone(),
        node.must_open.clone(),
        node.closed.clone(),
        Some(fixed),
    );
    let mut items = Vec::new();
    let mut value = dual.base_value(ctx, &node.lambda);
    let mut chosen = Vec::new();
    for j in 0..m {
        if node.must_open[j] {
            let (rho, clients) = dual.solve_site(ctx, j, &mut items);
            value += rho;
            chosen.push(Choice {
                site: j as u32,
                rho,
                clients,
            });
        }
    }
    node.bound = node.bound.max(dual_bound(value, ctx.t.is_integral()));
    let fixed = dual.fixed.take().expect("kept");
    // The relaxation's clusters with the fixed pairs: an answer.
    let mut with_fixed: Vec<Choice> = chosen
        .iter()
        .map(|c| Choice {
            site: c.site,
            rho: c.rho,
            clients: c.clients.clone(),
        })
        .collect();
    for c in &mut with_fixed {
        c.clients.extend(
            (0..n)
                .filter(|&i| fixed.to[i] == c.site)
                .map(|i| (i as u32, 1.0)),
        );
    }
    let sites: Vec<u32> = chosen.iter().map(|c| c.site).collect();
    elite.insert(ctx, lagrangian_answer(ctx, &sites, &with_fixed));
    if ctx.proven(node.bound, elite.best_value()) {
        return None;
    }
    // Coverage of each free client by the knapsacks: total share and dearest site.
    let mut cover = vec![0.0; n];
    let mut count = vec![0u32; n];
    let mut dearest: Vec<(f64, u32)> = vec![(f64::NEG_INFINITY, NONE); n];
    for c in &chosen {
        for &(i, share) in &c.clients {
            let i = i as usize;
            cover[i] += share;
            count[i] += 1;
            let cost = ctx.t.c(i, c.site as usize);
            if cost > dearest[i].0 {
                dearest[i] = (cost, c.site);
            }
        }
    }
    let room = |j: usize| ctx.cap[j] - fixed.used[j] + ROOM_EPS * (1.0 + ctx.cap[j]);
    let mut pick: Option<(f64, u32, u32)> = None;
    for i in 0..n {
        if fixed.to[i] != NONE || (count[i] == 1 && cover[i] == 1.0) {
            continue;
        }
        let site = if count[i] > 0 {
            dearest[i].1
        } else {
            match ctx.t.row(i).iter().find(|l| {
                node.must_open[l.to as usize]
                    && !fixed.is_banned(i, l.to)
                    && room(l.to as usize) >= ctx.demand[i]
            }) {
                Some(l) => l.to,
                None => continue,
            }
        };
        let weight = ctx.demand[i] * (1.0 + (cover[i] - 1.0).abs());
        if pick.is_none_or(|p| weight > p.0) {
            pick = Some((weight, i as u32, site));
        }
    }
    node.fixed = Some(fixed);
    node.branch = match pick {
        Some((_, i, j)) => Branch::Assign(i, j),
        None => Branch::None,
    };
    Some(node)
}

/// Subgradient optimisation of the Lagrangian dual with knapsack subproblems.
struct Lagrange {
    lambda: Vec<f64>,
    /// The multipliers of the best dual value.
    best_lambda: Vec<f64>,
    /// The relaxation's sites at the best dual value.
    best_sites: Vec<u32>,
    /// Moving average of each site's choice over the steps of the last run.
    ybar: Vec<f64>,
    /// Steps of the last run.
    run_steps: usize,
    /// Moving average of each client's assignment to each site over the steps of the last
    /// run, as (site, share / `xscale`) pairs.
    xbar: Vec<Vec<(u32, f64)>>,
    /// Common factor of the shares in `xbar`.
    xscale: f64,
    /// Sites the relaxation must open: the forced ones, and those a branch fixed open.
    must_open: Vec<bool>,
    /// Sites a branch fixed closed.
    closed: Vec<bool>,
    grad: Vec<f64>,
    step: f64,
    best: f64,
    stall: usize,
    /// Restarts from the best multipliers left once the step has collapsed.
    restarts: usize,
    iterations: usize,
    /// Knapsack units per unit of demand (`None`: linear relaxation only).
    scale: Option<f64>,
    /// Costs are whole numbers: the bound is rounded up.
    integral: bool,
    /// Assignments fixed by branching (every site then fixed): fixed clients leave the
    /// relaxation, their cost and demand fixed at their sites.
    fixed: Option<Assigned>,
    knapsack: Knapsack,
}

impl Lagrange {
    /// Multipliers started at each client's cost in `start` (its cheapest cost if unserved).
    fn new(ctx: &Ctx<'_>, start: &State) -> Self {
        let n = ctx.t.clients();
        let lambda: Vec<f64> = (0..n)
            .map(|i| match start.at[i] {
                NONE => ctx.t.row(i).first().map_or(0.0, |l| l.cost),
                s => start.cost_at(ctx, i, s),
            })
            .collect();
        let whole = |v: &f64| v.fract() == 0.0;
        let max_cap = ctx.cap.iter().copied().fold(0.0, f64::max);
        let units = (KNAPSACK_WORK / (ctx.p.max(1) * n.max(1)) as f64)
            .min(KNAPSACK_UNITS)
            .floor();
        let scale = if ctx.demand.iter().all(whole) && ctx.cap.iter().all(whole) && max_cap <= units
        {
            Some(1.0)
        } else if units >= 32.0 && max_cap > 0.0 {
            Some(units / max_cap)
        } else {
            None
        };
        Self {
            best_lambda: lambda.clone(),
            best_sites: Vec::new(),
            ybar: vec![0.0; ctx.t.sites()],
            run_steps: 0,
            xbar: vec![Vec::new(); n],
            xscale: 1.0,
            must_open: ctx.forced.clone(),
            closed: vec![false; ctx.t.sites()],
            restarts: 3,
            lambda,
            grad: vec![0.0; n],
            step: 2.0,
            best: f64::NEG_INFINITY,
            stall: 0,
            iterations: 0,
            scale,
            integral: ctx.t.is_integral(),
            fixed: None,
            knapsack: Knapsack::default(),
        }
    }

    /// The proven bound: the best dual value, rounded up for whole-number costs.
    fn bound(&self) -> f64 {
        dual_bound(self.best, self.integral)
    }

    /// The dual of a branch: started at `lambda`, with `must_open` and `closed` fixed, and
    /// the assignments `fixed`.
    fn child(
        &self,
        lambda: Vec<f64>,
        must_open: Vec<bool>,
        closed: Vec<bool>,
        fixed: Option<Assigned>,
    ) -> Self {
        Self {
            best_lambda: lambda.clone(),
            best_sites: Vec::new(),
            ybar: vec![0.0; must_open.len()],
            run_steps: 0,
            xbar: vec![Vec::new(); lambda.len()],
            xscale: 1.0,
            must_open,
            closed,
            grad: vec![0.0; lambda.len()],
            lambda,
            step: 0.5,
            best: f64::NEG_INFINITY,
            stall: 0,
            restarts: 1,
            iterations: 0,
            scale: self.scale,
            integral: self.integral,
            fixed,
            knapsack: Knapsack::default(),
        }
    }

    /// Up to `limit` subgradient steps toward `ub`. With `found`, every new site set of the
    /// relaxation is turned into an answer (knapsack clusters, repair, descent) and the ones
    /// better than all before are pushed there.
    fn run(
        &mut self,
        ctx: &Ctx<'_>,
        mut ub: f64,
        limit: usize,
        mut found: Option<&mut Vec<State>>,
    ) {
        let t = ctx.t;
        let (n, m) = (t.clients(), t.sites());
        let free = ctx.p - self.must_open.iter().filter(|f| **f).count();
        let mut frac = vec![0.0; m];
        let mut order: Vec<u32> = (0..m as u32)
            .filter(|&j| !self.must_open[j as usize] && !self.closed[j as usize])
            .collect();
        let mut chosen: Vec<Choice> = Vec::new();
        let mut last_sets: Vec<Vec<u32>> = Vec::new();
        let mut items: Vec<Item> = Vec::new();
        self.run_steps = 0;
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
            let mut value = self.base_value(ctx, &self.lambda);
            for (j, f) in frac.iter_mut().enumerate() {
                if self.must_open[j] || self.closed[j] {
                    continue;
                }
                self.items(ctx, j, &mut items);
                *f = -Knapsack::fractional(&mut items, self.capacity(ctx, j)).0;
            }
            // Forced sites, then free sites by exact value, lazily: a site whose fractional
            // value already exceeds the worst of the `free` best exact values cannot enter.
            chosen.clear();
            for j in 0..m {
                if self.must_open[j] {
                    let (v, x) = self.solve_site(ctx, j, &mut items);
                    chosen.push(Choice {
                        site: j as u32,
                        rho: v,
                        clients: x,
                    });
                }
            }
            order.sort_by(|&a, &b| {
                frac[a as usize]
                    .total_cmp(&frac[b as usize])
                    .then(a.cmp(&b))
            });
            let mut best_free: Vec<Choice> = Vec::new();
            for &j in &order {
                if best_free.len() >= free
                    && best_free.last().is_some_and(|w| w.rho <= frac[j as usize])
                {
                    break;
                }
                let (v, x) = self.solve_site(ctx, j as usize, &mut items);
                let at = best_free.partition_point(|e| e.rho < v || (e.rho == v && e.site < j));
                if at < free {
                    best_free.insert(
                        at,
                        Choice {
                            site: j,
                            rho: v,
                            clients: x,
                        },
                    );
                    best_free.truncate(free);
                }
            }
            chosen.extend(best_free);
            self.run_steps += 1;
            let alpha = (1.0 / self.run_steps as f64).max(0.05);
            for y in &mut self.ybar {
                *y *= 1.0 - alpha;
            }
            for c in &chosen {
                self.ybar[c.site as usize] += alpha;
            }
            if alpha >= 1.0 {
                for v in &mut self.xbar {
                    v.clear();
                }
                self.xscale = 1.0;
            } else {
                self.xscale *= 1.0 - alpha;
                if self.xscale < 1e-100 {
                    for v in &mut self.xbar {
                        for e in v.iter_mut() {
                            e.1 *= self.xscale;
                        }
                    }
                    self.xscale = 1.0;
                }
            }
            let add = alpha / self.xscale;
            for c in &chosen {
                for &(i, share) in &c.clients {
                    let v = &mut self.xbar[i as usize];
                    match v.iter_mut().find(|e| e.0 == c.site) {
                        Some(e) => e.1 += add * share,
                        None => v.push((c.site, add * share)),
                    }
                }
            }
            value += chosen.iter().map(|c| c.rho).sum::<f64>();
            let before = self.best;
            note_dual_value(value, &mut self.best, &mut self.stall, &mut self.step);
            if self.best != before {
                self.best_lambda.clone_from(&self.lambda);
                self.best_sites = chosen.iter().map(|c| c.site).collect();
            }
            // Subgradient.
            for (i, g) in self.grad.iter_mut().enumerate() {
                let fixed = self.fixed.as_ref().is_some_and(|a| a.to[i] != NONE);
                *g = if fixed || t.beyond(i) < self.lambda[i] {
                    0.0
                } else {
                    1.0
                };
            }
            for c in &chosen {
                for &(i, share) in &c.clients {
                    self.grad[i as usize] -= share;
                }
            }
            let norm: f64 = self.grad.iter().map(|g| g * g).sum();
            if let Some(found) = found
                .as_deref_mut()
                .filter(|_| self.iterations.is_multiple_of(ctx.answer_every))
            {
                let mut sites: Vec<u32> = chosen.iter().map(|c| c.site).collect();
                sites.sort_unstable();
                if !last_sets.contains(&sites) {
                    last_sets.push(sites.clone());
                    if last_sets.len() > 64 {
                        last_sets.remove(0);
                    }
                    let s = lagrangian_answer(ctx, &sites, &chosen);
                    let v = s.value(ctx);
                    if v < ub - tolerance(ub) {
                        ub = v;
                        found.push(s);
                    }
                }
            }
            if norm <= 1e-12 {
                break;
            }
            // Aim at the best answer; while none is feasible (its value carries penalties), a
            // little above the best bound instead.
            let aim = if ub < ctx.pen {
                ub
            } else {
                let est = self.best.max(value);
                est + 0.05 * est.abs() + 1.0
            };
            let target = aim.max(value + tolerance(value));
            let step = self.step * (target - value) / norm;
            for i in 0..n {
                self.lambda[i] += step * self.grad[i];
            }
        }
    }

    /// The part of the dual value outside the knapsacks at the multipliers `lambda`: each
    /// free client's `λ_i`, and for a truncated row `min(0, beyond_i − λ_i)` (every unlisted
    /// site at the row's least unlisted cost, with no capacity used: a relaxation of the
    /// full problem); each fixed client's cost.
    fn base_value(&self, ctx: &Ctx<'_>, lambda: &[f64]) -> f64 {
        let mut value = 0.0;
        for (i, &l) in lambda.iter().enumerate() {
            if self.fixed.as_ref().is_some_and(|a| a.to[i] != NONE) {
                continue;
            }
            value += l + (ctx.t.beyond(i) - l).min(0.0);
        }
        value + self.fixed.as_ref().map_or(0.0, |a| a.cost)
    }

    /// The knapsack items of site `j`: free clients allowed there with positive reduced
    /// profit `λ_i − c_ij`, weights in knapsack units rounded down.
    fn items(&self, ctx: &Ctx<'_>, j: usize, items: &mut Vec<Item>) {
        items.clear();
        for l in ctx.t.column(j) {
            let i = l.to as usize;
            let profit = self.lambda[i] - l.cost;
            if profit <= 0.0
                || self
                    .fixed
                    .as_ref()
                    .is_some_and(|a| a.to[i] != NONE || a.is_banned(i, j as u32))
            {
                continue;
            }
            {
                items.push(Item {
                    client: l.to,
                    profit,
                    weight: self
                        .scale
                        .map_or(ctx.demand[i], |s| (ctx.demand[i] * s).floor()),
                });
            }
        }
    }

    /// Capacity of site `j` in knapsack units (rounded down after a little slack, which only
    /// relaxes the knapsack).
    fn capacity(&self, ctx: &Ctx<'_>, j: usize) -> f64 {
        let cap = ctx.cap[j] - self.fixed.as_ref().map_or(0.0, |a| a.used[j]);
        self.scale
            .map_or(cap, |s| (cap * s + 1e-9).floor())
            .max(0.0)
    }

    /// `ρ_j` and the chosen clients (with their share, 1 unless fractional).
    fn solve_site(
        &mut self,
        ctx: &Ctx<'_>,
        j: usize,
        items: &mut Vec<Item>,
    ) -> (f64, Vec<(u32, f64)>) {
        self.items(ctx, j, items);
        let cap = self.capacity(ctx, j);
        let (v, x) = if self.scale.is_some() {
            self.knapsack.exact(items, cap)
        } else {
            Knapsack::fractional(items, cap)
        };
        (-v, x)
    }
}

/// A site of the relaxation's answer: `ρ_j` and its knapsack, as (client, share) pairs (the
/// share is 1 unless the knapsack was relaxed to fractions).
struct Choice {
    site: u32,
    rho: f64,
    clients: Vec<(u32, f64)>,
}

/// An answer from the relaxation: its sites open, each client served by the cheapest chosen
/// knapsack that holds it, the rest inserted by regret, then the descent.
fn lagrangian_answer(ctx: &Ctx<'_>, sites: &[u32], chosen: &[Choice]) -> State {
    let mut s = State::new(ctx, sites);
    let mut claim: Vec<(f64, u32)> = vec![(f64::INFINITY, NONE); ctx.t.clients()];
    for Choice {
        site: j,
        clients: x,
        ..
    } in chosen
    {
        let slot = s.slot[*j as usize];
        for &(i, share) in x {
            if share < 1.0 {
                continue;
            }
            let c = ctx.t.c(i as usize, *j as usize);
            let e = &mut claim[i as usize];
            if c < e.0 || (c == e.0 && slot < e.1) {
                *e = (c, slot);
            }
        }
    }
    for (i, &(_, slot)) in claim.iter().enumerate() {
        if slot != NONE && ctx.fits(&s, i, slot) {
            s.place(ctx, i, slot);
        }
    }
    s.regret_insert(ctx);
    s.descent(ctx);
    s
}

/// A knapsack item.
#[derive(Clone, Copy, Debug)]
struct Item {
    client: u32,
    profit: f64,
    weight: f64,
}

/// Scratch space of the knapsack dynamic programme.
#[derive(Clone, Debug, Default)]
struct Knapsack {
    best: Vec<f64>,
    /// The row of `best` before the item being added.
    prev: Vec<f64>,
    /// Per item and capacity, whether the item is taken (1) at that capacity.
    take: Vec<u8>,
    /// Per item: the largest capacity its row of `take` holds, and whether it is taken at
    /// every capacity above (where every item before it fits too).
    top: Vec<(usize, bool)>,
}

impl Knapsack {
    /// The linear relaxation: items by profit per unit weight, the last one split.
    fn fractional(items: &mut [Item], cap: f64) -> (f64, Vec<(u32, f64)>) {
        let total: f64 = items.iter().map(|it| it.weight).sum();
        if total <= cap + ROOM_EPS {
            return (
                items.iter().map(|it| it.profit).sum(),
                items.iter().map(|it| (it.client, 1.0)).collect(),
            );
        }
        items.sort_by(|a, b| {
            (b.profit * a.weight)
                .total_cmp(&(a.profit * b.weight))
                .then(a.client.cmp(&b.client))
        });
        let mut room = cap;
        let mut value = 0.0;
        let mut x = Vec::new();
        for it in items.iter() {
            if it.weight <= room {
                room -= it.weight;
                value += it.profit;
                x.push((it.client, 1.0));
            } else {
                let share = room / it.weight;
                value += share * it.profit;
                if share > 0.0 {
                    x.push((it.client, share));
                }
                break;
            }
        }
        (value, x)
    }

    /// The 0–1 optimum by dynamic programming over whole-number weights. Capacities beyond
    /// the total weight of the items so far are not stored (every such item fits there:
    /// their value is the one at that total), which gives the same values and the same
    /// choice as the full table.
    fn exact(&mut self, items: &mut [Item], cap: f64) -> (f64, Vec<(u32, f64)>) {
        let total: f64 = items.iter().map(|it| it.weight).sum();
        if total <= cap {
            return (
                items.iter().map(|it| it.profit).sum(),
                items.iter().map(|it| (it.client, 1.0)).collect(),
            );
        }
        let cap = cap as usize;
        let stride = cap + 1;
        self.best.clear();
        self.best.resize(stride, 0.0);
        self.take.clear();
        self.take.resize(items.len() * stride, 0);
        self.top.clear();
        // Capacities up to `reach` are stored; above it, every item so far fits.
        let mut reach = 0usize;
        for (k, it) in items.iter().enumerate() {
            let w = it.weight as usize;
            if w > cap {
                self.top.push((cap, false));
                continue;
            }
            let top = (reach + w).min(cap);
            let all = self.best[reach];
            for b in &mut self.best[reach + 1..=top] {
                *b = all;
            }
            // From the row before this item: each capacity `c` keeps its value or takes the
            // item on top of the value at `c − w`, whichever is larger (ties keep).
            self.prev.clear();
            self.prev.extend_from_slice(&self.best[..=top]);
            let row = &mut self.take[k * stride + w..=k * stride + top];
            let pairs = self.prev[..=top - w].iter().zip(&self.prev[w..=top]);
            for ((b, t), (&below, &here)) in self.best[w..=top].iter_mut().zip(row).zip(pairs) {
                let v = below + it.profit;
                let taken = v > here;
                *b = if taken { v } else { here };
                *t = u8::from(taken);
            }
            self.top.push((top, all + it.profit > all));
            reach = top;
        }
        let mut c = cap;
        let mut x = Vec::new();
        for (k, it) in items.iter().enumerate().rev() {
            let (top, above) = self.top[k];
            let taken = if c > top {
                above
            } else {
                self.take[k * stride + c] == 1
            };
            if taken {
                x.push((it.client, 1.0));
                c -= it.weight as usize;
            }
        }
        (self.best[reach], x)
    }

    /// The same optimum from the full table (every capacity stored for every item, one
    /// bit per item and capacity).
    #[cfg(test)]
    fn exact_full(items: &[Item], cap: f64) -> (f64, Vec<(u32, f64)>) {
        let total: f64 = items.iter().map(|it| it.weight).sum();
        if total <= cap {
            return (
                items.iter().map(|it| it.profit).sum(),
                items.iter().map(|it| (it.client, 1.0)).collect(),
            );
        }
        let cap = cap as usize;
        let words = cap / 64 + 1;
        let mut best = vec![0.0; cap + 1];
        let mut take = vec![0u64; items.len() * words];
        for (k, it) in items.iter().enumerate() {
            let w = it.weight as usize;
            if w > cap {
                continue;
            }
            let bits = &mut take[k * words..(k + 1) * words];
            for c in (w..=cap).rev() {
                let v = best[c - w] + it.profit;
                if v > best[c] {
                    best[c] = v;
                    bits[c / 64] |= 1 << (c % 64);
                }
            }
        }
        let mut c = cap;
        let mut x = Vec::new();
        for (k, it) in items.iter().enumerate().rev() {
            if take[k * words + c / 64] >> (c % 64) & 1 == 1 {
                x.push((it.client, 1.0));
                c -= it.weight as usize;
            }
        }
        (best[cap], x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::sites::site_sets;

    /// Random clients and sites in a square, Euclidean costs, whole demands 1–20.
    fn random_problem(
        seed: u64,
        n: usize,
        m: usize,
        p: usize,
        tightness: f64,
    ) -> CapacitatedProblem {
        let mut r = SplitMix64::new(seed, 0);
        let pos: Vec<(f64, f64)> = (0..n + m)
            .map(|_| (r.below(100) as f64, r.below(100) as f64))
            .collect();
        let demand: Vec<f64> = (0..n).map(|_| (1 + r.below(20)) as f64).collect();
        let total: f64 = demand.iter().sum();
        let cap = (total / (p as f64 * tightness)).ceil();
        let costs = CostTable::from_fn(n, m, |i, j| {
            let (a, b) = (pos[i], pos[n + j]);
            (a.0 - b.0).hypot(a.1 - b.1)
        })
        .expect("valid");
        CapacitatedProblem::new(costs, demand, vec![cap; m], p).expect("valid")
    }

    /// The optimum by enumerating every site set and, for each, every assignment (tiny only).
    fn brute_force(problem: &CapacitatedProblem) -> Option<f64> {
        brute_force_where(problem, &|_, _| true)
    }

    /// As [`brute_force`], client `i` served by site `j` only where `allowed(i, j)`.
    fn brute_force_where(
        problem: &CapacitatedProblem,
        allowed: &dyn Fn(usize, usize) -> bool,
    ) -> Option<f64> {
        let (n, m) = (problem.costs.clients(), problem.costs.sites());
        let mut best: Option<f64> = None;
        for open in site_sets(m, problem.p, &problem.forced) {
            let mut load = vec![0.0; m];
            let mut at = vec![0usize; n];
            #[allow(clippy::too_many_arguments)]
            fn go(
                pr: &CapacitatedProblem,
                allowed: &dyn Fn(usize, usize) -> bool,
                open: &[u32],
                i: usize,
                cost: f64,
                load: &mut [f64],
                at: &mut [usize],
                best: &mut Option<f64>,
            ) {
                if best.is_some_and(|b| cost >= b) {
                    return;
                }
                if i == at.len() {
                    *best = Some(cost);
                    return;
                }
                for &j in open {
                    let j = j as usize;
                    if allowed(i, j) && load[j] + pr.demand[i] <= pr.capacity[j] {
                        load[j] += pr.demand[i];
                        at[i] = j;
                        let c = pr.costs.cost(i, j).unwrap_or(f64::INFINITY);
                        go(pr, allowed, open, i + 1, cost + c, load, at, best);
                        load[j] -= pr.demand[i];
                    }
                }
            }
            go(
                problem, allowed, &open, 0, 0.0, &mut load, &mut at, &mut best,
            );
        }
        best
    }

    fn quick() -> CapacitatedOptions {
        CapacitatedOptions {
            generations: 3,
            chain_iterations: 20,
            bound_iterations: 300,
            ..CapacitatedOptions::default()
        }
    }

    #[test]
    fn branch_and_bound_closes_the_gap_of_a_weak_root() {
        for seed in 0..10 {
            let m = 5 + (seed as usize % 3);
            let problem = random_problem(50 + seed, 8, m, 2 + seed as usize % 2, 0.85);
            let Some(exact) = brute_force(&problem) else {
                continue;
            };
            let ctx = Ctx::new(&problem);
            let start = ctx.pmedian_start(1);
            let mut root = Lagrange::new(&ctx, &start);
            root.run(&ctx, f64::INFINITY, 3, None);
            for budget in [0, 300, 10_000_000] {
                let mut elite = Elite::new(4);
                elite.insert(&ctx, start.clone());
                let (bound, _) = branch_and_bound(&ctx, &root, &mut elite, budget, true);
                assert!(bound <= exact + 1e-6, "seed {seed}: {bound} > {exact}");
                let best = elite.best_value();
                assert!(bound >= root.bound() - 1e-9, "seed {seed}");
                assert!(best >= exact - 1e-6);
                if budget == 10_000_000 {
                    // The whole tree, assignments branched once every site is fixed: the
                    // optimum, found and proven.
                    assert!(
                        (best - exact).abs() < 1e-6,
                        "seed {seed}: {best} vs {exact}"
                    );
                    assert!(
                        (bound - exact).abs() < 1e-6,
                        "seed {seed}: {bound} vs {exact}"
                    );
                }
            }
        }
    }

    #[test]
    fn fractional_branching_proves_tight_instances_and_never_overshoots() {
        // Capacity nearly exhausted (the relaxation's sites are most fractional there), some
        // co-located sites and zero demands: every budget keeps the bound at or below the
        // brute-force optimum, the whole tree proves it, and the moving average of the
        // relaxation's choices stays a point of the site polytope (shares in [0, 1] adding
        // up to `p`).
        for seed in 0..12u64 {
            let mut problem = random_problem(900 + seed, 8, 6, 2 + seed as usize % 2, 0.97);
            if seed % 3 == 0 {
                problem.demand[0] = 0.0;
                problem.demand[3] = 0.0;
            }
            if seed % 2 == 0 {
                // Sites 0 and 1 at the same spot.
                let n = problem.costs.clients();
                let base = problem.costs.clone();
                problem.costs =
                    CostTable::from_fn(n, 6, |i, j| base.cost(i, j.max(1)).expect("complete"))
                        .expect("valid");
            }
            let Some(exact) = brute_force(&problem) else {
                continue;
            };
            let ctx = Ctx::new(&problem);
            let start = ctx.pmedian_start(1);
            let mut root = Lagrange::new(&ctx, &start);
            root.run(&ctx, f64::INFINITY, 40, None);
            let total: f64 = root.ybar.iter().sum();
            assert!(
                (total - problem.p as f64).abs() < 1e-9,
                "seed {seed}: {total}"
            );
            assert!(
                root.ybar
                    .iter()
                    .all(|&y| (-1e-12..=1.0 + 1e-12).contains(&y))
            );
            for budget in [0, 50, 500, 10_000_000] {
                let mut elite = Elite::new(4);
                elite.insert(&ctx, start.clone());
                let (bound, _) = branch_and_bound(&ctx, &root, &mut elite, budget, true);
                assert!(bound <= exact + 1e-6, "seed {seed}: {bound} > {exact}");
                assert!(elite.best_value() >= exact - 1e-6, "seed {seed}");
                if budget == 10_000_000 {
                    assert!(
                        (bound - exact).abs() < 1e-6,
                        "seed {seed}: {bound} vs {exact}"
                    );
                    assert!((elite.best_value() - exact).abs() < 1e-6, "seed {seed}");
                }
            }
        }
    }

    #[test]
    fn client_splits_partition_the_answers_and_their_bounds_stay_below() {
        // Tight capacities, some zero demands, co-located sites: a client split's two sides
        // together hold the optimum, and each side's relaxation (its sites banned for the
        // client) stays at or below that side's brute-force optimum.
        let mut splits = 0;
        for seed in 0..16u64 {
            let mut problem = random_problem(300 + seed, 8, 6, 2 + seed as usize % 2, 0.95);
            if seed % 3 == 0 {
                problem.demand[1] = 0.0;
            }
            if seed % 2 == 0 {
                let n = problem.costs.clients();
                let base = problem.costs.clone();
                problem.costs =
                    CostTable::from_fn(n, 6, |i, j| base.cost(i, j.max(1)).expect("complete"))
                        .expect("valid");
            }
            let Some(exact) = brute_force(&problem) else {
                continue;
            };
            let ctx = Ctx::new(&problem);
            let start = ctx.pmedian_start(1);
            let mut root = Lagrange::new(&ctx, &start);
            root.run(&ctx, f64::INFINITY, 30, None);
            let node = Node {
                bound: root.bound(),
                must_open: root.must_open.clone(),
                closed: root.closed.clone(),
                lambda: root.best_lambda.clone(),
                ybar: root.ybar.clone(),
                fixed: None,
                assigning: false,
                branch: Branch::None,
            };
            let Some(Branch::Split { client, near, far }) =
                client_split(&ctx, &root, &node, SPLIT_LEAST)
            else {
                continue;
            };
            splits += 1;
            let i = client as usize;
            assert!(!near.is_empty() && !far.is_empty(), "seed {seed}");
            let mut best = f64::INFINITY;
            for banned in [&far, &near] {
                let side =
                    brute_force_where(&problem, &|k, j| k != i || !banned.contains(&(j as u32)));
                let mut fixed = Assigned::new(&ctx);
                fixed.banned[i].extend_from_slice(banned);
                let mut dual = root.child(
                    root.best_lambda.clone(),
                    node.must_open.clone(),
                    node.closed.clone(),
                    Some(fixed),
                );
                dual.run(&ctx, f64::INFINITY, 60, None);
                if let Some(opt) = side {
                    assert!(
                        dual.bound() <= opt + 1e-6,
                        "seed {seed}: {} > {opt}",
                        dual.bound()
                    );
                    best = best.min(opt);
                }
            }
            assert!(
                (best - exact).abs() < 1e-6,
                "seed {seed}: {best} vs {exact}"
            );
        }
        assert!(splits > 0, "no client was split");
    }

    #[test]
    fn fixing_never_cuts_off_the_optimum_on_ties_and_duplicates() {
        // Co-located clients and sites on a 3 × 3 grid, every site twice, some zero demands
        // and zero costs: the whole tree keeps its bound below the optimum, never claims
        // more than it proved, and its answers are feasible.
        for seed in 0..16 {
            let mut r = SplitMix64::new(seed, 3);
            let (n, half) = (7, 3);
            let grid = |r: &mut SplitMix64| (r.below(3) as f64, r.below(3) as f64);
            let cpos: Vec<(f64, f64)> = (0..n).map(|_| grid(&mut r)).collect();
            let spos: Vec<(f64, f64)> = (0..half).map(|_| grid(&mut r)).collect();
            let demand: Vec<f64> = (0..n).map(|i| (i % 4) as f64 * 2.0).collect();
            let costs = CostTable::from_fn(n, 2 * half, |i, j| {
                let (a, b) = (cpos[i], spos[j / 2]);
                (a.0 - b.0).abs() + (a.1 - b.1).abs()
            })
            .expect("valid");
            let problem =
                CapacitatedProblem::new(costs, demand, vec![7.0; 2 * half], 2 + seed as usize % 2)
                    .expect("valid");
            let Some(exact) = brute_force(&problem) else {
                continue;
            };
            let ctx = Ctx::new(&problem);
            let start = ctx.pmedian_start(1);
            let mut root = Lagrange::new(&ctx, &start);
            root.run(&ctx, f64::INFINITY, 2, None);
            let mut elite = Elite::new(4);
            elite.insert(&ctx, start.clone());
            let (bound, _) = branch_and_bound(&ctx, &root, &mut elite, 1_000_000, true);
            assert!(bound <= exact + 1e-6, "seed {seed}: {bound} > {exact}");
            assert!(elite.best_value() >= exact - 1e-6, "seed {seed}");
            // Complete rows and whole demands: the whole tree finds and proves the optimum.
            assert!((elite.best_value() - exact).abs() < 1e-6, "seed {seed}");
            assert!(
                (bound - exact).abs() < 1e-6,
                "seed {seed}: {bound} vs {exact}"
            );
            let sol = problem.solve(&quick());
            let c = sol.certificate;
            if sol.infeasible.is_none() {
                assert!(
                    c.bound <= exact + 1e-6,
                    "seed {seed}: {c:?} against {exact}"
                );
                assert!(c.objective >= exact - 1e-6);
                assert_eq!(
                    problem.objective_of(&sol.sites, &sol.assignment),
                    Some(c.objective)
                );
                if c.status == Status::Optimal {
                    assert_eq!(c.objective, exact, "seed {seed}");
                }
            }
        }
    }

    #[test]
    fn equals_brute_force_on_small_instances() {
        let mut exact_hits = 0;
        let mut cases = 0;
        for seed in 0..24 {
            let m = 5 + (seed as usize % 4);
            let p = 2 + (seed as usize % 2);
            let problem = random_problem(seed, 9, m, p, 0.85);
            let Some(exact) = brute_force(&problem) else {
                continue;
            };
            cases += 1;
            let sol = problem.solve(&quick());
            let c = sol.certificate;
            assert!(
                c.bound <= exact + 1e-6,
                "seed {seed}: bound {} above {exact}",
                c.bound
            );
            assert_eq!(
                problem.objective_of(&sol.sites, &sol.assignment),
                Some(c.objective),
                "seed {seed}: answer feasible and priced right"
            );
            assert!(c.objective >= exact - 1e-6);
            if (c.objective - exact).abs() < 1e-6 {
                exact_hits += 1;
            }
        }
        assert!(cases >= 20);
        assert_eq!(exact_hits, cases, "the search finds every optimum");
    }

    #[test]
    fn capacity_is_respected_on_tight_instances() {
        for seed in 0..6 {
            let problem = random_problem(50 + seed, 40, 40, 5, 0.95);
            let sol = problem.solve(&quick());
            if sol.infeasible.is_none() {
                assert!(problem.objective_of(&sol.sites, &sol.assignment).is_some());
                assert!(sol.certificate.bound <= sol.certificate.objective + 1e-6);
            }
        }
    }

    #[test]
    fn knapsack_dp_equals_the_full_table() {
        // Ties (few distinct profits), zero weights, weights above the capacity, fractional
        // profits: the same value, bit for bit, and the same choice as the full table.
        let mut r = SplitMix64::new(11, 0);
        let mut ks = Knapsack::default();
        for round in 0..400 {
            let k = 1 + r.below(40);
            let items: Vec<Item> = (0..k)
                .map(|c| Item {
                    client: c as u32,
                    profit: if round % 2 == 0 {
                        (1 + r.below(4)) as f64
                    } else {
                        0.1 + r.below(1000) as f64 / 7.0
                    },
                    weight: match r.below(10) {
                        0 => 0.0,
                        1 => (200 + r.below(200)) as f64,
                        _ => (1 + r.below(30)) as f64,
                    },
                })
                .collect();
            let cap = r.below(300) as f64;
            let (v, x) = ks.exact(&mut items.clone(), cap);
            let (fv, fx) = Knapsack::exact_full(&items, cap);
            assert_eq!(v.to_bits(), fv.to_bits(), "round {round}");
            assert_eq!(x, fx, "round {round}");
        }
    }

    #[test]
    fn knapsack_dp_matches_enumeration() {
        let mut r = SplitMix64::new(7, 0);
        let mut ks = Knapsack::default();
        for _ in 0..200 {
            let k = 1 + r.below(10);
            let mut items: Vec<Item> = (0..k)
                .map(|c| Item {
                    client: c as u32,
                    profit: 1.0 + r.below(50) as f64,
                    weight: (1 + r.below(30)) as f64,
                })
                .collect();
            let cap = r.below(80) as f64;
            let mut best: f64 = 0.0;
            for mask in 0u32..(1 << k) {
                let (w, v) = (0..k)
                    .filter(|b| mask >> b & 1 == 1)
                    .fold((0.0, 0.0), |a, b| {
                        (a.0 + items[b].weight, a.1 + items[b].profit)
                    });
                if w <= cap {
                    best = best.max(v);
                }
            }
            let (v, x) = ks.exact(&mut items, cap);
            assert!((v - best).abs() < 1e-9);
            let w: f64 = x.iter().map(|&(c, _)| items[c as usize].weight).sum();
            assert!(w <= cap);
            let (fv, _) = Knapsack::fractional(&mut items.clone(), cap);
            assert!(fv >= best - 1e-9);
        }
    }

    #[test]
    fn short_capacity_is_reported() {
        let costs = CostTable::from_fn(3, 3, |i, j| (i as f64 - j as f64).abs()).expect("valid");
        let p =
            CapacitatedProblem::new(costs.clone(), vec![5.0; 3], vec![6.0; 3], 2).expect("valid");
        let sol = p.solve(&quick());
        assert_eq!(
            sol.infeasible,
            Some(Infeasibility::Capacity {
                demand: 15.0,
                capacity: 12.0
            })
        );
        let p =
            CapacitatedProblem::new(costs, vec![7.0, 1.0, 1.0], vec![6.0; 3], 2).expect("valid");
        assert_eq!(
            p.check(),
            Some(Infeasibility::Oversized { clients: vec![0] })
        );
    }

    #[test]
    fn branch_and_bound_is_the_same_in_parallel_and_in_sequence() {
        // Weak roots and budgets that stop the tree midway: the batches' children are
        // bounded side by side, and the bound, the steps and the best answer must not depend
        // on it.
        let mut trees = 0;
        for seed in 0..8u64 {
            let problem = random_problem(500 + seed, 14, 9, 3, 0.9);
            let ctx = Ctx::new(&problem);
            let start = ctx.pmedian_start(1);
            let mut root = Lagrange::new(&ctx, &start);
            root.run(&ctx, f64::INFINITY, 3, None);
            for budget in [400, 4_000] {
                let run = |parallel: bool| {
                    let mut elite = Elite::new(4);
                    elite.insert(&ctx, start.clone());
                    let (bound, spent) =
                        branch_and_bound(&ctx, &root, &mut elite, budget, parallel);
                    let best = &elite.members[0];
                    (
                        bound,
                        spent,
                        best.0,
                        best.1.sorted_sites(),
                        best.1.at.clone(),
                    )
                };
                let par = run(true);
                assert_eq!(par, run(false), "seed {seed}, budget {budget}");
                trees += usize::from(par.1 > 0);
            }
        }
        assert!(trees > 0, "no tree was grown");
    }

    #[test]
    fn parallel_equals_sequential() {
        let problem = random_problem(77, 60, 60, 6, 0.9);
        // Few bound steps: branch and bound's budget grows with them, and the tree is not
        // what this test checks.
        let opts = CapacitatedOptions {
            bound_iterations: 20,
            ..quick()
        };
        let par = problem.solve(&opts);
        let seq = problem.solve(&CapacitatedOptions {
            parallel: false,
            ..opts
        });
        assert_eq!(par, seq);
    }

    #[test]
    fn forced_sites_stay_open() {
        let problem = random_problem(9, 40, 20, 4, 0.8).with_forced(&[3, 11]);
        let sol = problem.solve(&quick());
        assert!(sol.sites.contains(&3) && sol.sites.contains(&11));
        assert!(problem.objective_of(&sol.sites, &sol.assignment).is_some());
    }
}
