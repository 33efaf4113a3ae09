//! Pieces of the Lagrangian bounds the siting solvers share: the tolerance of value
//! comparisons, the proven bound of a dual value, and the step-size rule of subgradient
//! optimisation (Beasley 1993).
//!
//! # References
//! - Beasley, J. E. (1993). Lagrangean heuristics for location problems. *EJOR* 65, 383–399.

/// Slack below which two objective values count as equal.
pub(crate) fn tolerance(value: f64) -> f64 {
    1e-9 * (1.0 + value.abs())
}

/// The proven bound of a Lagrangian dual whose best value is `best`: 0 before any step,
/// rounded up for whole-number costs.
pub(crate) fn dual_bound(best: f64, integral: bool) -> f64 {
    if best == f64::NEG_INFINITY {
        0.0
    } else if integral {
        (best - tolerance(best) * 100.0).ceil()
    } else {
        best
    }
}

/// Records the dual value of one subgradient step: a new best resets the stall count, and
/// 20 steps in a row without one halve the step size.
pub(crate) fn note_dual_value(value: f64, best: &mut f64, stall: &mut usize, step: &mut f64) {
    if *best == f64::NEG_INFINITY || value > *best + tolerance(*best) {
        *best = value;
        *stall = 0;
    } else {
        *stall += 1;
        if *stall >= 20 {
            *step *= 0.5;
            *stall = 0;
        }
    }
}

/// Sites whose status a Lagrangian dual value settles: the sites to fix open and to fix
/// closed below a node of branch and bound.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Fixings {
    /// Sites every answer better than the incumbent opens.
    pub(crate) open: Vec<u32>,
    /// Sites no answer better than the incumbent opens.
    pub(crate) closed: Vec<u32>,
}

/// Reduced-cost fixing for a relaxation whose site part opens the `chosen` free sites of
/// least `ρ_j` (Beasley 1993, §3): `free` lists every free site with `ρ_j` (or a lower bound
/// of it), ascending, its first `chosen` entries exact and making up the relaxation's
/// answer of dual value `value`.
///
/// Opening an unchosen site `j` instead of the dearest chosen one gives a dual value of at
/// least `value + ρ_j − ρ_(chosen)`; closing a chosen site `j` at least
/// `value − ρ_j + ρ_(chosen+1)`. When `prunes` says such a value proves that no better
/// answer exists that way, the site is fixed the other way.
pub(crate) fn reduced_cost_fixing(
    value: f64,
    free: &[(u32, f64)],
    chosen: usize,
    prunes: impl Fn(f64) -> bool,
) -> Fixings {
    let mut out = Fixings::default();
    if chosen == 0 {
        // Nothing free opens: every free site stays closed.
        out.closed = free.iter().map(|&(j, _)| j).collect();
        return out;
    }
    if chosen > free.len() {
        return out;
    }
    let dearest = free[chosen - 1].1;
    match free.get(chosen) {
        None => out.open = free.iter().map(|&(j, _)| j).collect(),
        Some(&(_, next)) => {
            for &(j, rho) in &free[..chosen] {
                if prunes(value - rho + next) {
                    out.open.push(j);
                }
            }
        }
    }
    for &(j, rho) in &free[chosen..] {
        if prunes(value + rho - dearest) {
            out.closed.push(j);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixing_follows_the_reduced_costs() {
        // Dual value 10 with sites 4 and 2 chosen (ρ −5, −3); sites 7, 1, 9 left out.
        let free = [(4, -5.0), (2, -3.0), (7, -2.5), (1, 0.0), (9, 4.0)];
        let f = reduced_cost_fixing(10.0, &free, 2, |v| v >= 12.0);
        // Opening 1 costs 3 more (13), opening 9 costs 7 more; 7 only 0.5 more.
        assert_eq!(f.closed, [1, 9]);
        // Closing 4 costs 2.5 more (12.5); closing 2 only 0.5 more.
        assert_eq!(f.open, [4]);
        // Equal reduced costs (ties) fix nothing, whatever the incumbent.
        let tied = [(0, -1.0), (1, -1.0), (2, -1.0)];
        assert_eq!(
            reduced_cost_fixing(5.0, &tied, 1, |v| v >= 5.0 + 1e-9),
            Fixings::default()
        );
        // No free site to choose closes all; every free site chosen opens all.
        assert_eq!(
            reduced_cost_fixing(0.0, &free, 0, |_| false).closed.len(),
            5
        );
        assert_eq!(reduced_cost_fixing(0.0, &free, 5, |_| false).open.len(), 5);
    }
}
