//! Optimisation on reach lists and weights only: no files, coordinates or Chinese text here.
//!
//! Every solver returns a complete result: the chosen sites, the objective, a proven bound,
//! the gap between them and a [`Status`].

pub mod beds;
pub mod capacitated_coverage;
pub mod cost;
pub mod coverage;
pub mod cpmp;
mod dual;
pub mod error;
pub mod flow;
pub mod orlib;
pub mod pmedian;
mod pool;
mod rng;
mod scored;
mod sites;
pub mod siting;
mod tasks;
pub mod verify;

pub use error::SolveError;
pub use rng::SplitMix64;

/// How good a result is proven to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The objective equals the bound: nothing better exists.
    Optimal,
    /// A feasible answer with a gap to the proven bound.
    Feasible,
    /// No answer meets the constraints; the result explains the best reachable value.
    Infeasible,
}

/// Objective, proven bound, relative gap and status of one optimisation.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Certificate {
    /// Value of the answer.
    pub objective: f64,
    /// Proven bound on the best possible value (an upper bound when maximising, a lower
    /// bound when minimising).
    pub bound: f64,
    /// `|bound - objective| / max(|bound|, 1)`.
    pub gap: f64,
    /// Status.
    pub status: Status,
}

impl Certificate {
    /// Absolute slack below which objective and bound count as equal (weights are whole
    /// people, so anything smaller is round-off).
    pub const TOLERANCE: f64 = 1e-6;

    /// A certificate for a feasible answer; optimal when objective and bound agree.
    pub fn new(objective: f64, bound: f64) -> Self {
        let diff = (bound - objective).abs();
        let gap = if diff <= Self::TOLERANCE {
            0.0
        } else {
            diff / bound.abs().max(1.0)
        };
        Self {
            objective,
            bound,
            gap,
            status: if gap == 0.0 {
                Status::Optimal
            } else {
                Status::Feasible
            },
        }
    }
}
