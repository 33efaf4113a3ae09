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
//!    Werneck 2007), then branch and bound with LP bounds (the pure-Rust `microlp` crate)
//!    under a node limit, warm-started from the local-search answer. The component's upper
//!    bound `u_c(k)` is the branch-and-bound bound (equal to `f_c(k)` when proven).
//! 4. Combination: `F(p) = max Σ f_c(k_c)` subject to `Σ k_c <= p`, by dynamic programming
//!    over components (components whose `f_c` is concave are pooled and merged greedily,
//!    which is exact for them). The bound `U(p)` merges the concave envelopes of the `u_c`,
//!    a valid upper bound of `F(p)`. The curve is exact at every `p` where `U(p) = F(p)`.
//!
//! Components are solved in parallel with rayon; results are collected in component order
//! and every random choice comes from the seed, so any thread count gives the same answer.

use rayon::prelude::*;

use super::{Certificate, SplitMix64, Status};

/// A coverage instance: weights, what is covered already, and what each candidate covers.
#[derive(Clone, Debug, Default)]
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

/// Counts of component budgets by how they were solved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CurveStats {
    /// Connected components after reduction.
    pub components: usize,
    /// Component budgets solved by complete enumeration.
    pub enumerated: usize,
    /// Component budgets sent to local search and branch and bound.
    pub searched: usize,
    /// Of those, the ones branch and bound proved optimal.
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
}

impl CoverageCurve {
    /// The last budget on the curve.
    pub fn max_sites(&self) -> u32 {
        (self.points.len() - 1) as u32
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
                let mut best = self.with_budget(self.max_sites());
                best.certificate.status = Status::Infeasible;
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
    // Bound: concave envelopes of the component bounds, marginals merged greedily.
    let mut marginals: Vec<f64> = components
        .iter()
        .flat_map(|c| envelope_gains(&c.bound))
        .collect();
    marginals.sort_by(|a, b| b.total_cmp(a));
    let mut points = Vec::with_capacity(len + 1);
    let mut ub = 0.0;
    for (p, &covered) in dp.iter().enumerate() {
        if p > 0 {
            ub += marginals.get(p - 1).copied().unwrap_or(0.0);
        }
        let covered = base + covered;
        points.push(CurvePoint {
            new_sites: p as u32,
            covered,
            bound: (base + ub).min(reachable).max(covered),
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

/// Marginal gains of the least concave majorant of `bound` (a curve starting at 0).
fn envelope_gains(bound: &[f64]) -> Vec<f64> {
    // Upper hull over points (k, bound[k]).
    let mut hull: Vec<(usize, f64)> = Vec::new();
    for (k, &b) in bound.iter().enumerate() {
        while hull.len() >= 2 {
            let (k1, b1) = hull[hull.len() - 2];
            let (k2, b2) = hull[hull.len() - 1];
            // Drop the middle point when it lies on or below the chord.
            if (b2 - b1) * (k - k1) as f64 <= (b - b1) * (k2 - k1) as f64 {
                hull.pop();
            } else {
                break;
            }
        }
        hull.push((k, b));
    }
    let mut gains = Vec::with_capacity(bound.len().saturating_sub(1));
    for w in hull.windows(2) {
        let ((k1, b1), (k2, b2)) = (w[0], w[1]);
        let slope = (b2 - b1) / (k2 - k1) as f64;
        gains.extend(std::iter::repeat_n(slope, k2 - k1));
    }
    gains
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
    fn solve(&self, cap: usize, opts: &CoverageOptions, stream: u64) -> Component {
        let total = self.total();
        let n = self.cands.len();
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
        let mut previous: Vec<usize> = Vec::new();
        let mut k = 0;
        while comp.value[k] < total - Certificate::TOLERANCE && k < cap && k < n {
            k += 1;
            let (open, value, bound) = match &masks {
                Some(m) if binomial(n, k) <= opts.enumeration_limit => {
                    comp.counts[0] += 1;
                    let (open, value) = self.enumerate(m, k);
                    (open, value, value)
                }
                _ => {
                    comp.counts[1] += 1;
                    let (open, value) = self.local_search(&previous, k, opts, stream);
                    let result = self.branch_and_bound(open, value, k, opts);
                    if result.2 - result.1 <= Certificate::TOLERANCE {
                        comp.counts[2] += 1;
                    }
                    result
                }
            };
            comp.value.push(value);
            comp.bound.push(bound.max(value).min(total));
            let mut global: Vec<u32> = open.iter().map(|&j| self.cands[j]).collect();
            global.sort_unstable();
            comp.sites.push(global);
            previous = open;
        }
        comp
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
    /// the three largest gains.
    fn greedy(&self, start: &[usize], k: usize, mut rng: Option<&mut SplitMix64>) -> Vec<usize> {
        let mut hit = vec![false; self.weight.len()];
        let mut open: Vec<usize> = start.to_vec();
        let mut is_open = vec![false; self.cands.len()];
        for &j in &open {
            is_open[j] = true;
            for &i in &self.sets[j] {
                hit[i as usize] = true;
            }
        }
        while open.len() < k {
            let mut gains: Vec<(f64, usize)> = (0..self.cands.len())
                .filter(|&j| !is_open[j])
                .map(|j| {
                    let g: f64 = self.sets[j]
                        .iter()
                        .filter(|&&i| !hit[i as usize])
                        .map(|&i| self.weight[i as usize])
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
            for &i in &self.sets[pick] {
                hit[i as usize] = true;
            }
        }
        open
    }

    /// Best-improvement swap local search with cover counts: the loss of closing `j` is the
    /// weight only `j` covers; the gain of opening `c` is the weight nobody covers plus,
    /// for the swap `(j, c)`, the weight only `j` covers that `c` covers too.
    fn swap(&self, open: &mut [usize]) {
        let n = self.cands.len();
        let m = self.weight.len();
        let mut cover = vec![0u32; m];
        let mut is_open = vec![false; n];
        for &j in open.iter() {
            is_open[j] = true;
            for &i in &self.sets[j] {
                cover[i as usize] += 1;
            }
        }
        let mut owner = vec![usize::MAX; m];
        loop {
            // Loss per open site and the unique owner of singly covered points.
            let mut loss = vec![0.0; open.len()];
            for (slot, &j) in open.iter().enumerate() {
                for &i in &self.sets[j] {
                    if cover[i as usize] == 1 {
                        loss[slot] += self.weight[i as usize];
                        owner[i as usize] = slot;
                    }
                }
            }
            let mut best: Option<(f64, usize, usize)> = None;
            let mut extra = vec![0.0; open.len()];
            for (c, _) in is_open.iter().enumerate().filter(|(_, o)| !**o) {
                extra.iter_mut().for_each(|e| *e = 0.0);
                let mut gain = 0.0;
                for &i in &self.sets[c] {
                    match cover[i as usize] {
                        0 => gain += self.weight[i as usize],
                        1 => extra[owner[i as usize]] += self.weight[i as usize],
                        _ => {}
                    }
                }
                for slot in 0..open.len() {
                    let delta = gain - loss[slot] + extra[slot];
                    if delta > 1e-9 && best.is_none_or(|(d, _, _)| delta > d + 1e-12) {
                        best = Some((delta, slot, c));
                    }
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

    /// Branch and bound with LP bounds; returns the better answer and the proven bound.
    fn branch_and_bound(
        &self,
        open: Vec<usize>,
        value: f64,
        k: usize,
        opts: &CoverageOptions,
    ) -> (Vec<usize>, f64, f64) {
        use microlp::{ComparisonOp, OptimizationDirection, Problem};
        let n = self.cands.len();
        let m = self.weight.len();
        let mut lp = Problem::new(OptimizationDirection::Maximize);
        let x: Vec<_> = (0..n).map(|_| lp.add_binary_var(0.0)).collect();
        let y: Vec<_> = self
            .weight
            .iter()
            .map(|&w| lp.add_var(w, (0.0, 1.0)))
            .collect();
        let mut cands_of: Vec<Vec<usize>> = vec![Vec::new(); m];
        for (j, s) in self.sets.iter().enumerate() {
            for &i in s {
                cands_of[i as usize].push(j);
            }
        }
        for i in 0..m {
            let mut row: Vec<(microlp::Variable, f64)> = vec![(y[i], 1.0)];
            row.extend(cands_of[i].iter().map(|&j| (x[j], -1.0)));
            lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
        }
        let budget: Vec<(microlp::Variable, f64)> = x.iter().map(|&v| (v, 1.0)).collect();
        lp.add_constraint(budget.as_slice(), ComparisonOp::Le, k as f64);
        let mut options = microlp::SolveOptions::default();
        options.node_limit = Some(opts.node_limit);
        let mut hint: Vec<(microlp::Variable, f64)> = (0..n).map(|j| (x[j], 0.0)).collect();
        for &j in &open {
            hint[j].1 = 1.0;
        }
        options.warm_start = Some(hint);
        let trivial = self.trivial_bound(k);
        let Ok(outcome) = lp.solve_with(options) else {
            return (open, value, trivial);
        };
        let bound = outcome.stats().best_bound.unwrap_or(trivial).min(trivial);
        match outcome.solution() {
            Some(sol) => {
                let mip_open: Vec<usize> = (0..n).filter(|&j| sol.var_value(x[j]) > 0.5).collect();
                let mip_value = self.value_of(&mip_open);
                let bound = if outcome.is_optimal() {
                    mip_value.max(value)
                } else {
                    bound
                };
                if mip_value > value + 1e-9 && mip_open.len() <= k {
                    (mip_open, mip_value, bound)
                } else {
                    (open, value, bound)
                }
            }
            None => (open, value, bound),
        }
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
                        (x - cx).hypot(y - cy) <= 300.0
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

    #[test]
    fn envelope_majorises() {
        let b = [0.0, 1.0, 5.0, 6.0, 6.0];
        let g = envelope_gains(&b);
        let mut acc = 0.0;
        for (k, gain) in g.iter().enumerate() {
            acc += gain;
            assert!(acc >= b[k + 1] - 1e-12);
        }
        assert!(g.windows(2).all(|w| w[1] <= w[0] + 1e-12));
    }
}
