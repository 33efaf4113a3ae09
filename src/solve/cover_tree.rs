//! LP-based branch and bound for unit-cost set covering, with a node budget.
//!
//! `min Σ_j x_j  s.t.  Σ_{j ∋ i} x_j >= 1` for every point `i`, `x ∈ {0, 1}`, solved by the
//! MIP search of `microlp` (a bounded-variable dual simplex warm-started from node to node,
//! pseudocost branching, plunging with best-bound jumps). The search starts from a known
//! cover and stops after a fixed number of nodes, never after a time, so the answer does not
//! depend on the machine. Its dual bound, the least LP value over the open nodes, bounds
//! every cover; the objective is a whole number of sites, so the bound is rounded up.

use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOptions, Variable};

/// What [`cover_tree`] returns.
pub(crate) struct TreeResult {
    /// A cover smaller than the starting one (indices into the sets), when one was found.
    pub better: Option<Vec<usize>>,
    /// A proven lower bound on the size of every cover; equal to the best cover's size
    /// when the search finished.
    pub lower: usize,
}

/// Set covering of points `0..points` by `sets` (every point in some set; indices within
/// range) by LP-based branch and bound, starting from the cover `start` and stopping after
/// `node_limit` nodes. `lower` is a bound already proven; the result's bound is never below
/// it. Returns `None` when the LP solver fails (the caller keeps what it had).
pub(crate) fn cover_tree(
    sets: &[Vec<u32>],
    points: usize,
    start: &[usize],
    lower: usize,
    node_limit: u64,
) -> Option<TreeResult> {
    let mut problem = Problem::new(OptimizationDirection::Minimize);
    let vars: Vec<Variable> = sets.iter().map(|_| problem.add_binary_var(1.0)).collect();
    let mut rows: Vec<Vec<(Variable, f64)>> = vec![Vec::new(); points];
    for (j, s) in sets.iter().enumerate() {
        for &i in s {
            rows.get_mut(i as usize)?.push((vars[j], 1.0));
        }
    }
    for row in &rows {
        if row.is_empty() {
            return None;
        }
        problem.add_constraint(row.as_slice(), ComparisonOp::Ge, 1.0);
    }
    let mut open = vec![false; sets.len()];
    for &j in start {
        *open.get_mut(j)? = true;
    }
    let mut options = SolveOptions::default();
    options.node_limit = Some(node_limit);
    options.warm_start = Some(
        vars.iter()
            .zip(&open)
            .map(|(&v, &o)| (v, if o { 1.0 } else { 0.0 }))
            .collect(),
    );
    let outcome = problem.solve_with(options).ok()?;
    let stats = outcome.stats();
    let mut result = TreeResult {
        better: None,
        lower,
    };
    if let Some(bound) = stats.best_bound {
        result.lower = result.lower.max((bound - 1e-6).ceil().max(0.0) as usize);
    }
    if let Some(sol) = outcome.solution() {
        let chosen: Vec<usize> = (0..sets.len())
            .filter(|&j| sol.var_value(vars[j]) > 0.5)
            .collect();
        let mut hit = vec![false; points];
        for &j in &chosen {
            for &i in &sets[j] {
                hit[i as usize] = true;
            }
        }
        if hit.iter().all(|&h| h) {
            if outcome.is_optimal() {
                result.lower = result.lower.max(chosen.len());
            }
            if chosen.len() < start.len() {
                result.better = Some(chosen);
            }
        }
    }
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::SplitMix64;

    /// The fewest sets covering every point, by trying every subset.
    fn fewest(sets: &[Vec<u32>], points: usize) -> usize {
        let n = sets.len();
        (0u32..1 << n)
            .filter(|mask| {
                let mut hit = vec![false; points];
                for (j, s) in sets.iter().enumerate() {
                    if mask & (1 << j) != 0 {
                        for &i in s {
                            hit[i as usize] = true;
                        }
                    }
                }
                hit.iter().all(|&h| h)
            })
            .map(|mask| mask.count_ones() as usize)
            .min()
            .unwrap_or(usize::MAX)
    }

    /// Random sets over `points` points with duplicates, nested sets and single-set rows.
    fn instance(seed: u64, points: usize, cands: usize) -> Vec<Vec<u32>> {
        let mut r = SplitMix64::new(seed, 19);
        let mut sets: Vec<Vec<u32>> = Vec::new();
        for _ in 0..cands {
            let s: Vec<u32> = match r.below(4) {
                0 if !sets.is_empty() => sets[r.below(sets.len())].clone(),
                1 if !sets.is_empty() => {
                    let base = &sets[r.below(sets.len())];
                    base.iter().copied().filter(|_| r.below(2) == 0).collect()
                }
                _ => (0..points as u32).filter(|_| r.below(3) == 0).collect(),
            };
            sets.push(s);
        }
        for i in 0..points as u32 {
            if !sets.iter().any(|s| s.contains(&i)) {
                let j = r.below(cands);
                sets[j].push(i);
                sets[j].sort_unstable();
            }
        }
        sets
    }

    /// Two random clusters of `half` points each, joined by one set holding a point of each.
    fn bridged(seed: u64, half: usize, cands: usize) -> Vec<Vec<u32>> {
        let mut sets = instance(seed, half, cands / 2);
        let other = instance(seed ^ 0xb1, half, cands - cands / 2 - 1);
        sets.extend(
            other
                .into_iter()
                .map(|s| s.into_iter().map(|i| i + half as u32).collect()),
        );
        sets.push(vec![0, half as u32]);
        sets
    }

    #[test]
    fn bound_never_exceeds_the_optimum_and_covers_are_valid() {
        for seed in 0..80u64 {
            let mut points = 6 + (seed as usize % 9);
            let cands = 5 + (seed as usize % 10);
            let sets = if seed % 4 == 3 {
                points = 2 * (points / 2);
                bridged(seed, points / 2, cands + 2)
            } else {
                instance(seed, points, cands)
            };
            let cands = sets.len();
            let best = fewest(&sets, points);
            let start: Vec<usize> = (0..cands).collect();
            for nodes in [0u64, 1, 3, 1_000] {
                let Some(r) = cover_tree(&sets, points, &start, 1, nodes) else {
                    panic!("seed {seed}: LP failed");
                };
                assert!(r.lower <= best, "seed {seed}, nodes {nodes}");
                let size = r.better.as_ref().map_or(start.len(), Vec::len);
                assert!(size >= best, "seed {seed}, nodes {nodes}");
                if nodes == 1_000 {
                    assert_eq!(r.lower, best, "seed {seed}: not proven");
                    assert_eq!(size, best, "seed {seed}: not optimal");
                }
                if let Some(c) = &r.better {
                    let mut hit = vec![false; points];
                    for &j in c {
                        for &i in &sets[j] {
                            hit[i as usize] = true;
                        }
                    }
                    assert!(hit.iter().all(|&h| h), "seed {seed}: not a cover");
                }
            }
        }
    }
}
