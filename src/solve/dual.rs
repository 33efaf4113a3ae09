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
