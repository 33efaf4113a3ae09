//! Maximal covering with a cardinality budget, solved exactly by Lagrangian branch and bound.
//!
//! # Model
//! Points `i` with weights `w_i >= 0`, candidates `j` covering the points `N_j`:
//!
//! ```text
//! max Σ w_i y_i   s.t.  y_i <= Σ_{j ∋ i} x_j,  Σ x_j <= k,  x ∈ {0,1},  y ∈ [0,1]
//! ```
//!
//! # Bound
//! Relaxing the coverage rows with multipliers `0 <= λ_i <= w_i` leaves
//!
//! ```text
//! L(λ) = Σ_i (w_i − λ_i) + (sum of the k largest g_j),   g_j = Σ_{i ∈ N_j} λ_i
//! ```
//!
//! an upper bound of the problem for every such `λ` (each `y_i` takes its coefficient
//! `w_i − λ_i >= 0` at 1, and the `x` part is solved by picking the `k` largest gains). Its
//! minimum over `λ` equals the LP bound, since both parts have integral polyhedra
//! (Galvão & ReVelle 1996; Galvão, Espejo & Boffey 2000), though subgradient steps may stall
//! above it on degenerate instances. `λ` is improved by projected
//! subgradient steps with the Polyak step length (Held, Wolfe & Crowder 1974) and halving of
//! the step factor when the bound stalls. Where the root's steps leave a gap, the duals of the
//! LP relaxation, solved by the interior-point solver Clarabel (Goulart & Chen 2024), are
//! tried as multipliers too ([`MclpLimits::root_lp`]); the bound is still `L(λ)` evaluated
//! exactly, so the solver's tolerances cannot make it invalid.
//!
//! # Search
//! Every Lagrangian solution (the `k` largest gains) is also a feasible answer and is scored.
//! With the best multipliers, a candidate outside the chosen `k` whose forced opening would
//! push the bound below the incumbent is closed, and one inside whose forced closing would do
//! so is opened (reduced-cost fixing). The rest is depth-first branch and bound on the chosen
//! candidate of largest gain, opened first; every node re-optimises `λ` from its parent's,
//! on the sub-problem left once the opened candidates' points are removed. When all weights
//! are whole numbers an answer must beat the incumbent by 1 to count, which prunes more.
//! A node limit (never a time limit) keeps the effort bounded and the answer independent of
//! the machine; the proven bound is then the largest bound of the nodes left.
//!
//! Where that leaves a gap, [`mclp_mip_fixed`] fixes candidates by the same reduced-cost
//! test at the root and hands the rest to the LP-based branch and bound of `microlp` (dual
//! simplex, each node re-solved from its parent's basis), whose LP bounds are tighter than a
//! few subgradient steps at every node; its bound is the solver's, in floating point.
//!
//! # References
//! - R. L. Church & C. ReVelle (1974), The maximal covering location problem.
//! - R. D. Galvão & C. ReVelle (1996), A Lagrangean heuristic for the maximal covering
//!   location problem, *EJOR* 88.
//! - R. D. Galvão, L. G. A. Espejo & B. Boffey (2000), A comparison of Lagrangean and
//!   surrogate relaxations for the maximal covering location problem, *EJOR* 124.
//! - M. Held, P. Wolfe & H. P. Crowder (1974), Validation of subgradient optimization,
//!   *Math. Programming* 6.
//! - J. E. Beasley (1990), A Lagrangian heuristic for set-covering problems, *Naval Research
//!   Logistics* 37.
//! - P. J. Goulart & Y. Chen (2024), Clarabel: an interior-point solver for conic programs
//!   with quadratic objectives, arXiv:2405.12762.

/// A maximal covering instance in local indices: weights and candidate sets (each sorted,
/// without duplicates, every index below `weight.len()`).
#[derive(Clone, Debug)]
pub(crate) struct Mclp<'a> {
    weight: &'a [f64],
    sets: &'a [Vec<u32>],
    /// Every weight is a whole number, so every objective is one too.
    integral: bool,
}

/// Effort of one solve.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MclpLimits {
    /// Branch-and-bound nodes (the root counts as one).
    pub nodes: u64,
    /// Subgradient steps at the root.
    pub root_steps: usize,
    /// Subgradient steps at every other node.
    pub node_steps: usize,
    /// Whether the root also tries the LP relaxation's duals as multipliers.
    pub root_lp: bool,
}

impl Default for MclpLimits {
    fn default() -> Self {
        Self {
            nodes: 2_000,
            root_steps: 600,
            node_steps: 60,
            root_lp: true,
        }
    }
}

/// What a solve found and proved.
#[derive(Clone, Debug)]
pub(crate) struct MclpResult {
    /// Candidates opened, ascending.
    pub open: Vec<usize>,
    /// Weight they cover.
    pub value: f64,
    /// Proven upper bound on any answer's value (>= `value`).
    pub bound: f64,
}

impl MclpResult {
    /// Two searches of the same budget as one: the answer of higher value (`self` on a tie,
    /// within 1e-9) with the smaller of the two proven bounds, never below that value.
    pub(crate) fn best_of(self, other: Self) -> Self {
        let bound = self.bound.min(other.bound);
        let best = if other.value > self.value + 1e-9 {
            other
        } else {
            self
        };
        Self {
            bound: bound.max(best.value),
            ..best
        }
    }
}

/// Weight of the previous direction in a deflected subgradient step (0: plain steps, which
/// measured best on the greenfield benchmarks).
const DEFLECTION: f64 = 0.0;

/// Local-search calls on new incumbents per solve.
const IMPROVE_CALLS: usize = 20;

const FREE: u8 = 0;
const IN: u8 = 1;
const OUT: u8 = 2;

/// A node of the search: the state of every candidate, the multipliers to start from and
/// an upper bound of the node inherited from its parent.
struct Node {
    state: Vec<u8>,
    lambda: Vec<f64>,
    parent_bound: f64,
}

/// What the subgradient phase of a node ended with.
struct NodeBound {
    bound: f64,
    lambda: Vec<f64>,
}

/// Scratch arrays reused by every node.
struct Scratch {
    cov_in: Vec<u32>,
    free_cnt: Vec<u32>,
    gain: Vec<f64>,
    order: Vec<u32>,
    hits: Vec<u32>,
    mark: Vec<u32>,
    stamp: u32,
}

impl<'a> Mclp<'a> {
    /// An instance over `weight` and `sets`.
    pub fn new(weight: &'a [f64], sets: &'a [Vec<u32>]) -> Self {
        let integral = weight.iter().all(|w| w.fract() == 0.0 && *w < 1e15);
        Self {
            weight,
            sets,
            integral,
        }
    }

    /// Weight covered by `open`.
    pub fn value_of(&self, open: &[usize]) -> f64 {
        let mut hit = vec![false; self.weight.len()];
        let mut v = 0.0;
        for &j in open {
            for &i in &self.sets[j] {
                if !hit[i as usize] {
                    hit[i as usize] = true;
                    v += self.weight[i as usize];
                }
            }
        }
        v
    }

    /// Multipliers to start from when none are known: half of each weight.
    pub fn initial_lambda(&self) -> Vec<f64> {
        self.weight.iter().map(|w| 0.5 * w).collect()
    }

    /// The least value an answer must reach to beat `incumbent`.
    fn need(&self, incumbent: f64) -> f64 {
        if self.integral {
            incumbent + 1.0 - 1e-6
        } else {
            incumbent + 1e-9
        }
    }

    /// The largest value an answer below `need` can have: `need` rounded up, less one, when
    /// every weight is a whole number; otherwise `need` itself (a supremum).
    fn below(&self, need: f64) -> f64 {
        if self.integral {
            (need - 1e-6).ceil() - 1.0
        } else {
            need
        }
    }

    /// Solves with budget `k` from the answer `start` (at most `k` candidates) and the
    /// multipliers `lambda` (one per point; updated to the root's best on return).
    ///
    /// With `goal`, the search only looks for an answer of value at least `goal` and stops at
    /// the first one: the bound then proves (when below `goal`) that none exists.
    pub fn solve(
        &self,
        k: usize,
        start: &[usize],
        lambda: &mut Vec<f64>,
        goal: Option<f64>,
        limits: &MclpLimits,
        improve: &dyn Fn(&mut Vec<usize>),
    ) -> MclpResult {
        let mut improve_calls = 0;
        let n = self.sets.len();
        let m = self.weight.len();
        let mut best_open: Vec<usize> = start.to_vec();
        best_open.sort_unstable();
        let mut best_value = self.value_of(&best_open);
        let total: f64 = self.weight.iter().sum();
        if lambda.len() != m {
            *lambda = self.initial_lambda();
        }
        let mut scratch = Scratch {
            cov_in: vec![0; m],
            free_cnt: vec![0; m],
            gain: vec![0.0; n],
            order: Vec::with_capacity(n),
            hits: vec![0; m],
            mark: vec![0; m],
            stamp: 0,
        };
        // The threshold a node's bound must reach to be worth exploring.
        let threshold = |best_value: f64| -> f64 {
            match goal {
                Some(g) => g - 1e-9,
                None => self.need(best_value),
            }
        };
        let reached = |v: f64| goal.is_some_and(|g| v >= g - 1e-9);
        let mut stack = vec![Node {
            state: vec![FREE; n],
            lambda: std::mem::take(lambda),
            parent_bound: total,
        }];
        let mut nodes = 0u64;
        let mut root_bound = total;
        let mut open_bound = f64::NEG_INFINITY;
        while let Some(node) = stack.pop() {
            if reached(best_value) {
                break;
            }
            if node.parent_bound < threshold(best_value) {
                continue;
            }
            if nodes >= limits.nodes {
                open_bound = open_bound.max(node.parent_bound);
                for rest in &stack {
                    open_bound = open_bound.max(rest.parent_bound);
                }
                break;
            }
            nodes += 1;
            let steps = if nodes == 1 {
                limits.root_steps
            } else {
                limits.node_steps
            };
            let before = best_value;
            let mut state = node.state;
            let mut lam = node.lambda;
            let mut bound = node.parent_bound;
            // Rounds of subgradient and fixing, while fixing changes the node.
            let mut branch: Option<usize> = None;
            // Each round that changes the node fixes at least one candidate, so this ends.
            for round in 0.. {
                let nb = self.node_bound(
                    k,
                    &state,
                    lam,
                    if round == 0 { steps } else { steps / 2 + 1 },
                    &mut scratch,
                    &mut best_open,
                    &mut best_value,
                    &threshold,
                    &reached,
                );
                lam = nb.lambda;
                bound = bound.min(nb.bound);
                if nodes == 1
                    && round == 0
                    && limits.root_lp
                    && bound >= threshold(best_value)
                    && !reached(best_value)
                {
                    // Subgradient steps stall above the LP bound on degenerate instances;
                    // the LP's duals are multipliers as good as any (the bound is still
                    // L(λ), evaluated exactly, so solver tolerances cannot make it wrong).
                    if let Some((lp, x)) = mclp_lp(self.weight, self.sets, k) {
                        // The LP's k largest x, improved by local search, as a start.
                        let mut order: Vec<usize> = (0..n).collect();
                        order.sort_by(|&a, &b| x[b].total_cmp(&x[a]).then(a.cmp(&b)));
                        order.truncate(k);
                        improve(&mut order);
                        let v = self.value_of(&order);
                        if v > best_value + 1e-9 && order.len() <= k {
                            best_value = v;
                            order.sort_unstable();
                            best_open = order;
                        }
                        let nb = self.node_bound(
                            k,
                            &state,
                            lp,
                            steps,
                            &mut scratch,
                            &mut best_open,
                            &mut best_value,
                            &threshold,
                            &reached,
                        );
                        if nb.bound < bound {
                            bound = nb.bound;
                            lam = nb.lambda;
                        }
                    }
                }
                if bound < threshold(best_value) || reached(best_value) {
                    branch = None;
                    break;
                }
                match self.fix(
                    k,
                    &mut state,
                    &lam,
                    bound,
                    threshold(best_value),
                    &mut scratch,
                ) {
                    Fixed::Changed => continue,
                    Fixed::Leaf => {
                        let open: Vec<usize> = (0..n).filter(|&j| state[j] == IN).collect();
                        let v = self.value_of(&open);
                        if v > best_value + 1e-9 {
                            best_value = v;
                            best_open = open;
                        }
                        branch = None;
                        break;
                    }
                    Fixed::Branch(j) => {
                        branch = Some(j);
                        break;
                    }
                }
            }
            if nodes == 1 {
                root_bound = bound;
                lambda.clone_from(&lam);
            }
            if best_value > before + 1e-9 && improve_calls < IMPROVE_CALLS && !reached(best_value) {
                improve_calls += 1;
                let mut open = best_open.clone();
                improve(&mut open);
                let v = self.value_of(&open);
                if v > best_value + 1e-9 && open.len() <= k {
                    best_value = v;
                    open.sort_unstable();
                    best_open = open;
                }
            }
            let Some(j) = branch else {
                continue;
            };
            if bound < threshold(best_value) {
                continue;
            }
            let mut out = state.clone();
            out[j] = OUT;
            stack.push(Node {
                state: out,
                lambda: lam.clone(),
                parent_bound: bound,
            });
            state[j] = IN;
            stack.push(Node {
                state,
                lambda: lam,
                parent_bound: bound,
            });
        }
        if lambda.len() != m {
            *lambda = self.initial_lambda();
        }
        let proven = if open_bound.is_finite() {
            open_bound
        } else if reached(best_value) {
            total
        } else if let Some(g) = goal {
            // Everything below the goal was cut: no answer reaches it.
            let below = if self.integral { (g - 1.0).ceil() } else { g };
            below.max(best_value)
        } else {
            best_value
        };
        let bound = proven
            .min(root_bound.max(best_value))
            .min(total)
            .max(best_value);
        best_open.sort_unstable();
        MclpResult {
            open: best_open,
            value: best_value,
            bound,
        }
    }

    /// Counts of opened and free candidates per point, and the budget left.
    fn setup(&self, k: usize, state: &[u8], s: &mut Scratch) -> (f64, usize) {
        s.cov_in.iter_mut().for_each(|c| *c = 0);
        s.free_cnt.iter_mut().for_each(|c| *c = 0);
        let mut opened = 0;
        for (j, set) in self.sets.iter().enumerate() {
            match state[j] {
                IN => {
                    opened += 1;
                    for &i in set {
                        s.cov_in[i as usize] += 1;
                    }
                }
                FREE => {
                    for &i in set {
                        s.free_cnt[i as usize] += 1;
                    }
                }
                _ => {}
            }
        }
        let fixed_value: f64 = self
            .weight
            .iter()
            .zip(&s.cov_in)
            .filter(|(_, c)| **c > 0)
            .map(|(w, _)| *w)
            .sum();
        (fixed_value, k.saturating_sub(opened))
    }

    /// Gains of the free candidates and the `r` largest (ties by index) in `s.order`.
    ///
    /// With `zeroed`, the caller guarantees `lam` is `+0.0` on every point the opened sites
    /// already cover (as `node_bound` keeps it), so the gain sums `lam` without looking at
    /// the cover counts: adding `+0.0` leaves a sum bit for bit unchanged, so the gains are
    /// the same as without `zeroed`, one branch and one load per pair cheaper.
    fn top(&self, state: &[u8], lam: &[f64], r: usize, zeroed: bool, s: &mut Scratch) -> f64 {
        s.order.clear();
        for (j, set) in self.sets.iter().enumerate() {
            if state[j] != FREE {
                continue;
            }
            let mut g = 0.0;
            if zeroed {
                for &i in set {
                    g += lam[i as usize];
                }
            } else {
                for &i in set {
                    if s.cov_in[i as usize] == 0 {
                        g += lam[i as usize];
                    }
                }
            }
            s.gain[j] = g;
            s.order.push(j as u32);
        }
        let gain = &s.gain;
        let cmp = |a: &u32, b: &u32| {
            gain[*b as usize]
                .total_cmp(&gain[*a as usize])
                .then(a.cmp(b))
        };
        if r < s.order.len() {
            if r > 0 {
                s.order.select_nth_unstable_by(r - 1, cmp);
            }
            s.order.truncate(r);
        }
        s.order.iter().map(|&j| gain[j as usize]).sum()
    }

    /// Subgradient optimisation of the node's multipliers; scores every Lagrangian answer.
    #[allow(clippy::too_many_arguments)]
    fn node_bound(
        &self,
        k: usize,
        state: &[u8],
        mut lam: Vec<f64>,
        steps: usize,
        s: &mut Scratch,
        best_open: &mut Vec<usize>,
        best_value: &mut f64,
        threshold: &dyn Fn(f64) -> f64,
        reached: &dyn Fn(f64) -> bool,
    ) -> NodeBound {
        let (fixed_value, r) = self.setup(k, state, s);
        let m = self.weight.len();
        // Points still open to the search; the others hold λ = w (covered: 0 by convention).
        let active: Vec<u32> = (0..m as u32)
            .filter(|&i| s.cov_in[i as usize] == 0 && s.free_cnt[i as usize] > 0)
            .collect();
        for (i, l) in lam.iter_mut().enumerate().take(m) {
            if s.cov_in[i] > 0 {
                *l = 0.0;
            } else if s.free_cnt[i] == 0 {
                *l = self.weight[i];
            }
        }
        let in_open: Vec<usize> = (0..state.len()).filter(|&j| state[j] == IN).collect();
        let mut best = f64::INFINITY;
        let mut best_lam = lam.clone();
        let mut theta = 1.0;
        let mut stall = 0;
        let mut grad: Vec<f64> = vec![0.0; active.len()];
        let mut dir: Vec<f64> = vec![0.0; active.len()];
        for _ in 0..steps.max(1) {
            let top_sum = self.top(state, &lam, r, true, s);
            let free_part: f64 = active
                .iter()
                .map(|&i| self.weight[i as usize] - lam[i as usize])
                .sum();
            let l = fixed_value + free_part + top_sum;
            if l < best - 1e-9 {
                best = l;
                best_lam.clone_from(&lam);
                stall = 0;
            } else {
                stall += 1;
                if stall >= 8 {
                    theta *= 0.5;
                    stall = 0;
                }
            }
            // Score the Lagrangian answer (the opened ones plus the chosen).
            s.stamp = s.stamp.wrapping_add(1);
            if s.stamp == 0 {
                s.mark.iter_mut().for_each(|x| *x = 0);
                s.stamp = 1;
            }
            let stamp = s.stamp;
            let mut value = fixed_value;
            for &j in &s.order {
                for &i in &self.sets[j as usize] {
                    let iu = i as usize;
                    if s.cov_in[iu] > 0 {
                        continue;
                    }
                    if s.mark[iu] != stamp {
                        s.mark[iu] = stamp;
                        s.hits[iu] = 1;
                        value += self.weight[iu];
                    } else {
                        s.hits[iu] += 1;
                    }
                }
            }
            if value > *best_value + 1e-9 {
                *best_value = value;
                let mut open = in_open.clone();
                open.extend(s.order.iter().map(|&j| j as usize));
                open.sort_unstable();
                *best_open = open;
            }
            let target = threshold(*best_value);
            if best < target || reached(*best_value) || theta < 1e-3 {
                break;
            }
            // Subgradient of the minimisation: λ_i moves by t (1 − hits_i), projected on
            // [0, w_i]; the direction is deflected by the previous one (Camerini, Fratta &
            // Maffioli 1975) against zigzagging.
            let mut dot = 0.0;
            let mut dnorm = 0.0;
            for (slot, &i) in active.iter().enumerate() {
                let iu = i as usize;
                let h = if s.mark[iu] == stamp { s.hits[iu] } else { 0 };
                grad[slot] = 1.0 - f64::from(h);
                dot += grad[slot] * dir[slot];
                dnorm += dir[slot] * dir[slot];
            }
            let beta = if dnorm > 0.0 && dot < 0.0 {
                -DEFLECTION * dot / dnorm
            } else {
                0.0
            };
            let mut norm = 0.0;
            for (slot, &i) in active.iter().enumerate() {
                let iu = i as usize;
                let d = grad[slot] + beta * dir[slot];
                let blocked =
                    (d < 0.0 && lam[iu] <= 0.0) || (d > 0.0 && lam[iu] >= self.weight[iu]);
                dir[slot] = if blocked { 0.0 } else { d };
                norm += dir[slot] * dir[slot];
            }
            if norm == 0.0 {
                break;
            }
            let t = theta * (l - (*best_value).max(target - 1.0)).max(1e-9) / norm;
            for (slot, &i) in active.iter().enumerate() {
                let iu = i as usize;
                lam[iu] = (lam[iu] + t * dir[slot]).clamp(0.0, self.weight[iu]);
            }
        }
        NodeBound {
            bound: best,
            lambda: best_lam,
        }
    }

    /// Reduced-cost fixing with the node's best multipliers; then a leaf, a change, or the
    /// candidate to branch on.
    fn fix(
        &self,
        k: usize,
        state: &mut [u8],
        lam: &[f64],
        _bound: f64,
        need: f64,
        s: &mut Scratch,
    ) -> Fixed {
        let (fixed_value, r) = self.setup(k, state, s);
        let free_useful: Vec<usize> = (0..state.len())
            .filter(|&j| {
                state[j] == FREE && self.sets[j].iter().any(|&i| s.cov_in[i as usize] == 0)
            })
            .collect();
        if r == 0 || free_useful.is_empty() {
            return Fixed::Leaf;
        }
        if free_useful.len() <= r {
            for &j in &free_useful {
                state[j] = IN;
            }
            return Fixed::Leaf;
        }
        let top_sum = self.top(state, lam, r, false, s);
        let m = self.weight.len();
        let free_part: f64 = (0..m)
            .filter(|&i| s.cov_in[i] == 0 && s.free_cnt[i] > 0)
            .map(|i| self.weight[i] - lam[i])
            .sum();
        let l = fixed_value + free_part + top_sum;
        let chosen: Vec<u32> = s.order.clone();
        let mut in_top = vec![false; state.len()];
        for &j in &chosen {
            in_top[j as usize] = true;
        }
        let g_r = chosen
            .iter()
            .map(|&j| s.gain[j as usize])
            .fold(f64::INFINITY, f64::min);
        let g_next = (0..state.len())
            .filter(|&j| state[j] == FREE && !in_top[j])
            .map(|j| s.gain[j])
            .fold(0.0, f64::max);
        let mut changed = false;
        for j in 0..state.len() {
            if state[j] != FREE {
                continue;
            }
            if in_top[j] {
                if chosen.len() == r && l - s.gain[j] + g_next < need {
                    state[j] = IN;
                    changed = true;
                }
            } else if l - g_r + s.gain[j] < need {
                state[j] = OUT;
                changed = true;
            }
        }
        if changed {
            return Fixed::Changed;
        }
        // Branch on the chosen candidate of largest gain (ties by index).
        let j = chosen
            .iter()
            .copied()
            .min_by(|&a, &b| {
                s.gain[b as usize]
                    .total_cmp(&s.gain[a as usize])
                    .then(a.cmp(&b))
            })
            .expect("r > 0 candidates are chosen");
        Fixed::Branch(j as usize)
    }
}

/// [`mclp_mip`] after reduced-cost fixing with the multipliers `lambda` (one per point,
/// clamped to `[0, w_i]`): with `L(λ)` of the module doc, a candidate outside the `k` largest
/// gains whose forced opening would bring the bound below an answer better than `start` is
/// closed, and one inside whose forced closing would do so is opened, so every answer better
/// than `start` keeps these values. The mixed-integer program is then solved on what is left
/// (opened candidates' points removed, closed candidates and the points only they cover
/// dropped), and its bound plus the opened weight, or `start`'s value if larger, bounds
/// every answer.
///
/// With `goal`, only answers of value at least `goal` count (a decision: does one exist?):
/// fixing keeps every such answer, the program gets the row `Σ w_i y_i >= goal` and stops at
/// its first answer ([`mclp_mip`]). The bound then holds for every answer, taking those below
/// `goal` as below it: `goal` less one for whole weights (rounded up first), `goal` itself
/// otherwise, where that is larger than the search's bound.
///
/// Where more than `max_pairs` candidate–point pairs are left after fixing, the program is
/// not solved: the answer is `start` and the bound `L(λ)` (or the bound below `goal` where
/// that is larger).
#[allow(clippy::too_many_arguments)]
pub(crate) fn mclp_mip_fixed(
    weight: &[f64],
    sets: &[Vec<u32>],
    k: usize,
    start: &[usize],
    lambda: &[f64],
    nodes: u64,
    goal: Option<f64>,
    max_pairs: usize,
) -> Option<MclpResult> {
    let mclp = Mclp::new(weight, sets);
    let n = sets.len();
    let m = weight.len();
    if lambda.len() != m || k == 0 || k >= n {
        return mclp_mip(weight, sets, k, start, nodes, goal);
    }
    let incumbent = mclp.value_of(start);
    let need = goal.map_or(mclp.need(incumbent), |g| mclp.need(incumbent).max(g));
    // What every answer below `need` is bounded by: `start`'s value, or just below `goal`.
    let below_need = goal.map_or(incumbent, |_| mclp.below(need).max(incumbent));
    let lam: Vec<f64> = lambda
        .iter()
        .zip(weight)
        .map(|(l, w)| l.clamp(0.0, *w))
        .collect();
    let gain: Vec<f64> = sets
        .iter()
        .map(|s| s.iter().map(|&i| lam[i as usize]).sum())
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| gain[b].total_cmp(&gain[a]).then(a.cmp(&b)));
    let top: f64 = order[..k].iter().map(|&j| gain[j]).sum();
    let l = weight.iter().zip(&lam).map(|(w, l)| w - l).sum::<f64>() + top;
    let mut sorted_start = start.to_vec();
    sorted_start.sort_unstable();
    if l < need {
        return Some(MclpResult {
            open: sorted_start,
            value: incumbent,
            bound: below_need,
        });
    }
    let g_k = gain[order[k - 1]];
    let g_next = gain[order[k]];
    let mut state = vec![FREE; n];
    for (rank, &j) in order.iter().enumerate() {
        if rank < k {
            if l - gain[j] + g_next < need {
                state[j] = IN;
            }
        } else if l - g_k + gain[j] < need {
            state[j] = OUT;
        }
    }
    // The reduced instance: points not covered by opened candidates that some free one covers.
    let opened: Vec<usize> = (0..n).filter(|&j| state[j] == IN).collect();
    let mut covered = vec![false; m];
    for &j in &opened {
        for &i in &sets[j] {
            covered[i as usize] = true;
        }
    }
    let fixed_value: f64 = (0..m).filter(|&i| covered[i]).map(|i| weight[i]).sum();
    let free: Vec<usize> = (0..n).filter(|&j| state[j] == FREE).collect();
    let mut local = vec![u32::MAX; m];
    let mut sub_weight = Vec::new();
    let mut sub_sets = Vec::with_capacity(free.len());
    for &j in &free {
        let mut set = Vec::new();
        for &i in &sets[j] {
            let iu = i as usize;
            if covered[iu] {
                continue;
            }
            if local[iu] == u32::MAX {
                local[iu] = sub_weight.len() as u32;
                sub_weight.push(weight[iu]);
            }
            set.push(local[iu]);
        }
        set.sort_unstable();
        sub_sets.push(set);
    }
    let mut slot = vec![usize::MAX; n];
    for (t, &j) in free.iter().enumerate() {
        slot[j] = t;
    }
    let sub_start: Vec<usize> = start
        .iter()
        .filter(|&&j| slot[j] != usize::MAX)
        .map(|&j| slot[j])
        .collect();
    let budget = k - opened.len();
    if sub_sets.iter().map(Vec::len).sum::<usize>() > max_pairs {
        return Some(MclpResult {
            open: sorted_start,
            value: incumbent,
            bound: l.max(below_need),
        });
    }
    let r = if budget == 0 || sub_sets.is_empty() {
        MclpResult {
            open: Vec::new(),
            value: 0.0,
            bound: 0.0,
        }
    } else if budget >= sub_sets.len() {
        let total: f64 = sub_weight.iter().sum();
        MclpResult {
            open: (0..sub_sets.len()).collect(),
            value: total,
            bound: total,
        }
    } else {
        mclp_mip(
            &sub_weight,
            &sub_sets,
            budget,
            &sub_start,
            nodes,
            goal.map(|g| g - fixed_value),
        )?
    };
    let mut open: Vec<usize> = opened;
    open.extend(r.open.iter().map(|&t| free[t]));
    open.sort_unstable();
    let value = mclp.value_of(&open);
    let bound = (fixed_value + r.bound).max(below_need);
    if value > incumbent + 1e-9 && open.len() <= k {
        Some(MclpResult {
            open,
            value,
            bound: bound.max(value),
        })
    } else {
        Some(MclpResult {
            open: sorted_start,
            value: incumbent,
            bound,
        })
    }
}

/// Maximal covering (module doc) solved as a mixed-integer program by the LP-based branch
/// and bound of `microlp` (a dual simplex re-solved from the parent's basis at every node),
/// from the answer `start` (at most `k` candidates, given to the solver as its first
/// incumbent), under a limit of `nodes` nodes; `None` when the solver fails.
///
/// The value is recomputed exactly from the chosen candidates. The bound is the solver's:
/// the answer's value when it reports the search complete (no node left whose LP bound
/// beats the answer), otherwise the largest LP bound of the nodes left, rounded down when
/// every weight is a whole number (after a slack of `1e-9` relative for round-off).
///
/// With `goal`, the program gets the row `Σ w_i y_i >= goal` (for whole weights, half a unit
/// above the largest whole value below `goal`, so that round-off can neither cut an answer
/// reaching it nor keep one short of it) and stops
/// at its first answer; `start` is then no hint. A program proven infeasible means no answer
/// reaches `goal`: the bound is just below it (as [`mclp_mip_fixed`]); otherwise the solver's
/// bound, which holds for the answers the row keeps, or that, whichever is larger.
pub(crate) fn mclp_mip(
    weight: &[f64],
    sets: &[Vec<u32>],
    k: usize,
    start: &[usize],
    nodes: u64,
    goal: Option<f64>,
) -> Option<MclpResult> {
    use microlp::{ComparisonOp, OptimizationDirection, Problem};
    let mclp = Mclp::new(weight, sets);
    let mut problem = Problem::new(OptimizationDirection::Maximize);
    let x: Vec<microlp::Variable> = sets.iter().map(|_| problem.add_binary_var(0.0)).collect();
    let y: Vec<microlp::Variable> = weight
        .iter()
        .map(|&w| problem.add_var(w, (0.0, 1.0)))
        .collect();
    let mut rows: Vec<Vec<(microlp::Variable, f64)>> =
        y.iter().map(|&yi| vec![(yi, 1.0)]).collect();
    for (j, set) in sets.iter().enumerate() {
        for &i in set {
            rows[i as usize].push((x[j], -1.0));
        }
    }
    for row in &rows {
        problem.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
    }
    let budget: Vec<(microlp::Variable, f64)> = x.iter().map(|&v| (v, 1.0)).collect();
    problem.add_constraint(budget.as_slice(), ComparisonOp::Le, k as f64);
    if let Some(g) = goal {
        let row: Vec<(microlp::Variable, f64)> =
            y.iter().zip(weight).map(|(&yi, &w)| (yi, w)).collect();
        let rhs = if mclp.integral {
            mclp.below(g) + 0.5
        } else {
            g
        };
        problem.add_constraint(row.as_slice(), ComparisonOp::Ge, rhs);
    }
    let mut is_start = vec![false; sets.len()];
    for &j in start {
        is_start[j] = true;
    }
    let mut covered = vec![false; weight.len()];
    for (j, set) in sets.iter().enumerate() {
        if is_start[j] {
            for &i in set {
                covered[i as usize] = true;
            }
        }
    }
    let mut options = microlp::SolveOptions::default();
    options.node_limit = Some(nodes);
    if goal.is_some() {
        // Any answer decides: stop at the first.
        options.mip_gap = 1e12;
    } else if start.len() <= k {
        options.warm_start = Some(
            x.iter()
                .zip(&is_start)
                .map(|(&v, &o)| (v, f64::from(u8::from(o))))
                .chain(
                    y.iter()
                        .zip(&covered)
                        .map(|(&v, &c)| (v, f64::from(u8::from(c)))),
                )
                .collect(),
        );
    }
    let below_goal = goal.map_or(f64::NEG_INFINITY, |g| mclp.below(g));
    // `start` counts only within the budget (the caller's fixing can leave it with more).
    let within: Vec<usize> = if start.len() <= k {
        start.to_vec()
    } else {
        Vec::new()
    };
    let outcome = match problem.solve_with(options) {
        Ok(o) => o,
        Err(microlp::Error::Infeasible) if goal.is_some() => {
            let mut open = within;
            open.sort_unstable();
            let value = mclp.value_of(&open);
            return Some(MclpResult {
                open,
                value,
                bound: below_goal.max(value),
            });
        }
        Err(_) => return None,
    };
    let mut open: Vec<usize> = within;
    let mut value = mclp.value_of(&open);
    if let Some(sol) = outcome.solution() {
        let chosen: Vec<usize> = (0..sets.len())
            .filter(|&j| sol.var_value(x[j]) > 0.5)
            .collect();
        let v = mclp.value_of(&chosen);
        if chosen.len() <= k && v > value + 1e-9 {
            open = chosen;
            value = v;
        }
    }
    let solver_bound = if outcome.is_optimal() {
        outcome
            .solution()
            .map_or(f64::INFINITY, microlp::Solution::objective)
    } else {
        outcome.stats().best_bound.unwrap_or(f64::INFINITY)
    };
    let slack = 1e-9 * solver_bound.abs();
    let bound = if mclp.integral {
        (solver_bound + slack + 1e-6).floor()
    } else {
        solver_bound + slack
    };
    open.sort_unstable();
    Some(MclpResult {
        open,
        value,
        bound: bound.max(below_goal).max(value),
    })
}

/// Outcome of reduced-cost fixing at a node.
enum Fixed {
    /// Some candidates were fixed: bound the node again.
    Changed,
    /// Nothing is left to decide: the opened candidates are the node's answer.
    Leaf,
    /// Branch on this candidate.
    Branch(usize),
}

/// A lower bound on the number of candidates needed to cover every point of `sets` (points
/// `0..points`, each covered by some set): the Lagrangian bound of set covering
/// `L(u) = Σ_i u_i + Σ_j min(0, 1 − Σ_{i ∈ N_j} u_i)` (Beasley 1990, *A Lagrangian heuristic
/// for set-covering problems*), maximised by subgradient steps aimed at `upper`, rounded up.
pub(crate) fn cover_lower_bound(
    sets: &[Vec<u32>],
    points: usize,
    upper: usize,
    steps: usize,
) -> usize {
    let mut size_min = vec![f64::INFINITY; points];
    for s in sets {
        for &i in s {
            size_min[i as usize] = size_min[i as usize].min(1.0 / s.len() as f64);
        }
    }
    let mut u: Vec<f64> = size_min
        .iter()
        .map(|v| if v.is_finite() { *v } else { 0.0 })
        .collect();
    let mut best = f64::NEG_INFINITY;
    let mut theta = 1.0;
    let mut stall = 0;
    let mut hits = vec![0u32; points];
    for _ in 0..steps {
        hits.iter_mut().for_each(|h| *h = 0);
        let mut l: f64 = u.iter().sum();
        for s in sets {
            let rc = 1.0 - s.iter().map(|&i| u[i as usize]).sum::<f64>();
            if rc < 0.0 {
                l += rc;
                for &i in s {
                    hits[i as usize] += 1;
                }
            }
        }
        if l > best + 1e-9 {
            best = l;
            stall = 0;
        } else {
            stall += 1;
            if stall >= 10 {
                theta *= 0.5;
                stall = 0;
            }
        }
        if (best - 1e-6).ceil() >= upper as f64 || theta < 1e-4 {
            break;
        }
        let grad: Vec<f64> = hits
            .iter()
            .zip(&u)
            .map(|(&h, &ui)| {
                let g = 1.0 - f64::from(h);
                if g < 0.0 && ui <= 0.0 { 0.0 } else { g }
            })
            .collect();
        let norm: f64 = grad.iter().map(|g| g * g).sum();
        if norm == 0.0 {
            break;
        }
        let t = theta * ((upper as f64) - l).max(1e-3) / norm;
        for (ui, g) in u.iter_mut().zip(&grad) {
            *ui = (*ui + t * g).max(0.0);
        }
    }
    ((best - 1e-6).ceil().max(0.0) as usize).min(upper)
}

/// Settings of the interior-point LP solves: quiet, an iteration limit (never a time limit,
/// so the answer does not depend on the machine's speed).
fn lp_settings() -> Option<clarabel::solver::DefaultSettings<f64>> {
    clarabel::solver::DefaultSettingsBuilder::default()
        .verbose(false)
        .max_iter(200)
        .build()
        .ok()
}

/// Solves `min q·x` s.t. `A x + s = b`, `s >= 0` with the interior-point solver Clarabel
/// (Goulart & Chen 2024); the primal `x` and the row duals `z >= 0`, or `None` when it does not
/// converge. `A` is `rows × cols` in compressed columns (`colptr`, `rowval`, `nzval`).
fn lp_solve(
    rows: usize,
    colptr: Vec<usize>,
    rowval: Vec<usize>,
    nzval: Vec<f64>,
    q: &[f64],
    b: &[f64],
) -> Option<(Vec<f64>, Vec<f64>)> {
    use clarabel::algebra::CscMatrix;
    use clarabel::solver::{DefaultSolver, IPSolver, NonnegativeConeT, SolverStatus};
    let cols = q.len();
    let a = CscMatrix::new(rows, cols, colptr, rowval, nzval);
    let p = CscMatrix::<f64>::zeros((cols, cols));
    let cones = [NonnegativeConeT(rows)];
    let mut solver = DefaultSolver::new(&p, q, &a, b, &cones, lp_settings()?);
    solver.solve();
    if !matches!(
        solver.solution.status,
        SolverStatus::Solved | SolverStatus::AlmostSolved
    ) {
        return None;
    }
    Some((solver.solution.x.clone(), solver.solution.z.clone()))
}

/// The Lagrangian bound `L(λ)` of the module doc for budget `k` (λ clamped to `[0, w_i]`):
/// an upper bound on the weight `k` candidates of `sets` can cover, for every `λ` (one per
/// point). Used to pick the better of two sets of multipliers before reduced-cost fixing.
pub(crate) fn lagrangian_bound(weight: &[f64], sets: &[Vec<u32>], lambda: &[f64], k: usize) -> f64 {
    let lam: Vec<f64> = lambda
        .iter()
        .zip(weight)
        .map(|(l, w)| l.clamp(0.0, *w))
        .collect();
    let mut gain: Vec<f64> = sets
        .iter()
        .map(|s| s.iter().map(|&i| lam[i as usize]).sum())
        .collect();
    let k = k.min(gain.len());
    if k > 0 && k < gain.len() {
        gain.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    }
    let top: f64 = gain[..k].iter().sum();
    weight.iter().zip(&lam).map(|(w, l)| w - l).sum::<f64>() + top
}

/// Coverage-row duals of maximal covering's LP relaxation (module doc), clamped to
/// `[0, w_i]`, and the LP's `x` (one per candidate); `None` when the LP solver does not
/// converge. Any such duals are valid multipliers: the bound `L(λ)` is evaluated exactly.
pub(crate) fn mclp_lp(weight: &[f64], sets: &[Vec<u32>], k: usize) -> Option<(Vec<f64>, Vec<f64>)> {
    let n = sets.len();
    let m = weight.len();
    let scale = weight.iter().fold(0.0f64, |a, &w| a.max(w)).max(1.0);
    // Columns x_0..x_{n-1}, then y_0..y_{m-1}; rows: coverage (m), budget (1), bounds.
    let rows = m + 1 + 2 * n + 2 * m;
    let mut colptr = Vec::with_capacity(n + m + 1);
    let mut rowval = Vec::new();
    let mut nzval = Vec::new();
    colptr.push(0);
    for (j, set) in sets.iter().enumerate() {
        for &i in set {
            rowval.push(i as usize);
            nzval.push(-1.0);
        }
        rowval.extend([m, m + 1 + j, m + 1 + n + j]);
        nzval.extend([1.0, 1.0, -1.0]);
        colptr.push(rowval.len());
    }
    for i in 0..m {
        rowval.extend([i, m + 1 + 2 * n + i, m + 1 + 2 * n + m + i]);
        nzval.extend([1.0, 1.0, -1.0]);
        colptr.push(rowval.len());
    }
    let mut q = vec![0.0; n + m];
    for i in 0..m {
        q[n + i] = -weight[i] / scale;
    }
    let mut b = vec![0.0; rows];
    b[m] = k as f64;
    for v in &mut b[m + 1..m + 1 + n] {
        *v = 1.0;
    }
    for v in &mut b[m + 1 + 2 * n..m + 1 + 2 * n + m] {
        *v = 1.0;
    }
    let (x, z) = lp_solve(rows, colptr, rowval, nzval, &q, &b)?;
    let lambda = (0..m)
        .map(|i| (z[i] * scale).clamp(0.0, weight[i]))
        .collect();
    Some((lambda, x[..n].to_vec()))
}

/// Duals of set covering's LP relaxation `min Σ x_j  s.t.  Σ_{j ∋ i} x_j >= 1, x >= 0`
/// (points `0..points`), clamped to `u_i >= 0`, and the LP's `x`; `None` when the LP solver
/// does not converge. The duals are multipliers for [`cover_lagrangian`].
pub(crate) fn cover_lp(sets: &[Vec<u32>], points: usize) -> Option<(Vec<f64>, Vec<f64>)> {
    let n = sets.len();
    let rows = points + n;
    let mut colptr = Vec::with_capacity(n + 1);
    let mut rowval = Vec::new();
    let mut nzval = Vec::new();
    colptr.push(0);
    for (j, set) in sets.iter().enumerate() {
        for &i in set {
            rowval.push(i as usize);
            nzval.push(-1.0);
        }
        rowval.push(points + j);
        nzval.push(-1.0);
        colptr.push(rowval.len());
    }
    let q = vec![1.0; n];
    let mut b = vec![0.0; rows];
    for v in &mut b[..points] {
        *v = -1.0;
    }
    let (x, z) = lp_solve(rows, colptr, rowval, nzval, &q, &b)?;
    let u = z[..points].iter().map(|v| v.max(0.0)).collect();
    Some((u, x))
}

/// The Lagrangian bound of set covering at multipliers `u >= 0` (one per point):
/// `L(u) = Σ_i u_i + Σ_j min(0, 1 − Σ_{i ∈ N_j} u_i)`, a lower bound on the number of sets
/// any cover needs (Beasley 1990); evaluated exactly, so any `u >= 0` gives a valid bound.
pub(crate) fn cover_lagrangian(sets: &[Vec<u32>], u: &[f64]) -> f64 {
    let mut l: f64 = u.iter().map(|v| v.max(0.0)).sum();
    for s in sets {
        let rc = 1.0 - s.iter().map(|&i| u[i as usize].max(0.0)).sum::<f64>();
        if rc < 0.0 {
            l += rc;
        }
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::SplitMix64;

    /// Random sets over `points` points (every point in some set) and random weights.
    fn random_instance(seed: u64, points: usize, cands: usize) -> (Vec<f64>, Vec<Vec<u32>>) {
        let mut r = SplitMix64::new(seed, 7);
        let mut sets: Vec<Vec<u32>> = (0..cands)
            .map(|_| {
                let mut s: Vec<u32> = (0..points as u32).filter(|_| r.below(4) == 0).collect();
                s.dedup();
                s
            })
            .collect();
        for i in 0..points as u32 {
            if !sets.iter().any(|s| s.contains(&i)) {
                let j = r.below(cands);
                sets[j].push(i);
                sets[j].sort_unstable();
            }
        }
        let weight = (0..points).map(|_| (1 + r.below(50)) as f64).collect();
        (weight, sets)
    }

    /// Every subset of candidates as a bit mask, with the weight it covers.
    fn subsets(weight: &[f64], sets: &[Vec<u32>]) -> Vec<(u32, f64, usize)> {
        (0u32..1 << sets.len())
            .map(|mask| {
                let open: Vec<usize> = (0..sets.len()).filter(|j| mask >> j & 1 == 1).collect();
                let mut hit = vec![false; weight.len()];
                for &j in &open {
                    for &i in &sets[j] {
                        hit[i as usize] = true;
                    }
                }
                let v = weight
                    .iter()
                    .zip(&hit)
                    .filter(|(_, h)| **h)
                    .map(|(w, _)| w)
                    .sum();
                (mask, v, open.len())
            })
            .collect()
    }

    /// `L(λ)` of the module doc.
    fn lagrangian(weight: &[f64], sets: &[Vec<u32>], lam: &[f64], k: usize) -> f64 {
        let mut gains: Vec<f64> = sets
            .iter()
            .map(|s| s.iter().map(|&i| lam[i as usize]).sum())
            .collect();
        gains.sort_by(|a, b| b.total_cmp(a));
        weight.iter().zip(lam).map(|(w, l)| w - l).sum::<f64>() + gains.iter().take(k).sum::<f64>()
    }

    #[test]
    fn lp_duals_give_valid_bounds_equal_to_the_lp() {
        for seed in 0..25 {
            let (weight, sets) = random_instance(seed, 14, 10);
            let all = subsets(&weight, &sets);
            let total: f64 = weight.iter().sum();
            for k in [1usize, 2, 3, 5] {
                let best = all
                    .iter()
                    .filter(|s| s.2 <= k)
                    .map(|s| s.1)
                    .fold(0.0, f64::max);
                let (lam, x) = mclp_lp(&weight, &sets, k).expect("the LP converges");
                assert!(lam.iter().zip(&weight).all(|(l, w)| *l >= 0.0 && l <= w));
                let l = lagrangian(&weight, &sets, &lam, k);
                assert!(l >= best - 1e-6, "seed {seed} k {k}: {l} < {best}");
                // The LP value from the primal: Σ w_i min(1, Σ_{j ∋ i} x_j).
                let mut cover = vec![0.0; weight.len()];
                for (j, s) in sets.iter().enumerate() {
                    for &i in s {
                        cover[i as usize] += x[j];
                    }
                }
                let lp: f64 = weight.iter().zip(&cover).map(|(w, c)| w * c.min(1.0)).sum();
                assert!(x.iter().sum::<f64>() <= k as f64 + 1e-6);
                assert!(
                    (l - lp).abs() <= 1e-4 * total.max(1.0),
                    "seed {seed} k {k}: dual {l} vs primal {lp}"
                );
                // The solve with the LP at the root is exact with enough nodes.
                let mclp = Mclp::new(&weight, &sets);
                let mut lambda = Vec::new();
                let limits = MclpLimits {
                    nodes: 100_000,
                    ..MclpLimits::default()
                };
                let r = mclp.solve(k, &[], &mut lambda, None, &limits, &|_| {});
                assert!((r.value - best).abs() < 1e-6, "seed {seed} k {k}");
                assert!(r.bound >= best - 1e-6 && r.bound <= l + 1e-6);
                assert!(r.open.len() <= k);
            }
        }
    }

    /// `random_instance` made awkward: tied and zero weights, a duplicated candidate, and a
    /// weighted point no candidate covers.
    fn awkward_instance(seed: u64) -> (Vec<f64>, Vec<Vec<u32>>) {
        let (mut weight, mut sets) = random_instance(seed, 13, 9);
        let mut r = SplitMix64::new(seed, 11);
        for w in &mut weight {
            *w = (10 * r.below(3)) as f64;
        }
        sets.push(sets[r.below(sets.len())].clone());
        weight.push(25.0);
        (weight, sets)
    }

    /// The best value of `all` (from [`subsets`]) with at most `k` candidates.
    fn best_within(all: &[(u32, f64, usize)], k: usize) -> f64 {
        all.iter()
            .filter(|s| s.2 <= k)
            .map(|s| s.1)
            .fold(0.0, f64::max)
    }

    /// A one-node Lagrangian search at budget `k`: its root multipliers and its result.
    fn root_search(mclp: &Mclp, k: usize) -> (Vec<f64>, MclpResult) {
        let mut root = Vec::new();
        let one = MclpLimits {
            nodes: 1,
            root_lp: false,
            ..MclpLimits::default()
        };
        let quick = mclp.solve(k, &[], &mut root, None, &one, &|_| {});
        (root, quick)
    }

    #[test]
    fn mixed_integer_search_with_fixing_matches_brute_force() {
        for seed in 0..30 {
            let (weight, sets) = if seed % 2 == 0 {
                random_instance(200 + seed, 14, 10)
            } else {
                awkward_instance(200 + seed)
            };
            let all = subsets(&weight, &sets);
            let mclp = Mclp::new(&weight, &sets);
            let mut r = SplitMix64::new(seed, 3);
            for k in 1..=4usize {
                let best = best_within(&all, k);
                // Multipliers from a one-node Lagrangian search, random ones, and none.
                let (root, quick) = root_search(&mclp, k);
                let random: Vec<f64> = weight
                    .iter()
                    .map(|w| w * r.below(11) as f64 / 10.0)
                    .collect();
                let starts: [Vec<usize>; 2] = [quick.open.clone(), Vec::new()];
                for lambda in [&root, &random, &Vec::new()] {
                    for start in &starts {
                        let got = mclp_mip_fixed(
                            &weight,
                            &sets,
                            k,
                            start,
                            lambda,
                            10_000,
                            None,
                            usize::MAX,
                        )
                        .expect("the solver answers");
                        assert!(got.open.len() <= k, "seed {seed} k {k}");
                        assert!((mclp.value_of(&got.open) - got.value).abs() < 1e-9);
                        assert!((got.value - best).abs() < 1e-6, "seed {seed} k {k}");
                        assert!(got.bound >= best - 1e-6 && got.bound - got.value < 1e-6);
                        // Stopped at the root, the bound still holds.
                        let root_only =
                            mclp_mip_fixed(&weight, &sets, k, start, lambda, 0, None, usize::MAX)
                                .expect("the solver answers");
                        assert!(root_only.bound >= best - 1e-6, "seed {seed} k {k}");
                        assert!(root_only.value <= best + 1e-6);
                        // A program too large to solve: an answer within the budget, its
                        // value, and a bound that holds.
                        let capped =
                            mclp_mip_fixed(&weight, &sets, k, start, lambda, 10_000, None, 0)
                                .expect("the solver answers");
                        assert!(capped.bound >= best - 1e-6, "seed {seed} k {k}");
                        assert!(capped.open.len() <= k.max(start.len()), "seed {seed} k {k}");
                        assert!((mclp.value_of(&capped.open) - capped.value).abs() < 1e-9);
                    }
                }
            }
        }
    }

    #[test]
    fn goal_search_decides_every_goal_like_brute_force() {
        // Goals below, at, just above and far above the optimum; whole and fractional weights;
        // fixing from root multipliers and none; with the node limit ample and at the root.
        for seed in 0..30u64 {
            let (mut weight, sets) = if seed % 2 == 0 {
                random_instance(500 + seed, 14, 10)
            } else {
                awkward_instance(500 + seed)
            };
            if seed % 5 == 0 {
                for w in &mut weight {
                    *w *= 0.37;
                }
            }
            let all = subsets(&weight, &sets);
            let mclp = Mclp::new(&weight, &sets);
            for k in 1..=4usize {
                let best = best_within(&all, k);
                let (root, quick) = root_search(&mclp, k);
                for goal in [
                    best - 3.0,
                    best - 0.5,
                    best,
                    best + 0.3,
                    best + 1.0,
                    best + 50.0,
                ] {
                    for lambda in [&root, &Vec::new()] {
                        for nodes in [10_000, 0] {
                            let label = format!("seed {seed} k {k} goal {goal} nodes {nodes}");
                            let got = mclp_mip_fixed(
                                &weight,
                                &sets,
                                k,
                                &quick.open,
                                lambda,
                                nodes,
                                Some(goal),
                                usize::MAX,
                            )
                            .expect("the solver answers");
                            assert!(got.open.len() <= k, "{label}");
                            assert!(
                                (mclp.value_of(&got.open) - got.value).abs() < 1e-9,
                                "{label}"
                            );
                            assert!(got.value <= best + 1e-6, "{label}");
                            assert!(got.bound >= best - 1e-6, "{label}: bound below the optimum");
                            if nodes > 0 {
                                // Decided: an answer reaching the goal, or a bound below it.
                                let reachable = best >= goal - 1e-9;
                                assert_eq!(got.value >= goal - 1e-9, reachable, "{label}");
                                if !reachable && mclp.integral {
                                    assert!(got.bound < goal, "{label}: undecided");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn set_covering_lp_bound_is_valid_and_tight_to_the_lp() {
        for seed in 0..25 {
            let (weight, sets) = random_instance(100 + seed, 14, 10);
            let all = subsets(&weight, &sets);
            let total: f64 = weight.iter().sum();
            let fewest = all
                .iter()
                .filter(|s| (s.1 - total).abs() < 1e-9)
                .map(|s| s.2)
                .min()
                .expect("all candidates cover every point");
            let (u, x) = cover_lp(&sets, weight.len()).expect("the LP converges");
            let l = cover_lagrangian(&sets, &u);
            assert!(l <= fewest as f64 + 1e-9, "seed {seed}: {l} > {fewest}");
            let primal: f64 = x.iter().sum();
            assert!((l - primal).abs() < 1e-5, "seed {seed}: {l} vs {primal}");
            assert!(cover_lower_bound(&sets, weight.len(), fewest, 2_000) <= fewest);
        }
    }
}
