//! Optimisation on reach lists and weights only: no files, coordinates or Chinese text here.
//!
//! Every solver returns a complete result: the chosen sites, the objective, a proven bound,
//! the gap between them and a [`Status`].
//!
//! The siting solvers ([`pmedian`], [`cpmp`]) share their building blocks: the cost table
//! with complete or truncated rows ([`cost`]), result types ([`siting`]), typed input errors
//! ([`error`]), and private modules for forced sites, answer pools, a float heap key with one
//! total order, the pieces of the Lagrangian bounds and ordered parallel maps. [`verify`]
//! checks a siting answer against the raw costs without any of them.

pub mod beds;
pub mod budget_coverage;
pub mod capacitated_coverage;
pub mod cost;
mod cover_tree;
pub mod coverage;
pub mod cpmp;
mod dual;
pub mod error;
pub mod flow;
mod mclp;
pub mod orlib;
pub mod phasing;
pub mod pmedian;
mod pool;
mod rng;
pub mod rules_cover;
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
    /// No answer found meets the constraints, and none is proven impossible: the search
    /// stopped at its node or work limit while its bound still allowed one. The target is
    /// missed by this answer, not shown to be out of reach.
    Undecided,
}

impl Status {
    /// Whether the answer misses the constraints ([`Status::Infeasible`] or
    /// [`Status::Undecided`]).
    pub fn is_missed(self) -> bool {
        matches!(self, Status::Infeasible | Status::Undecided)
    }

    /// The status of an answer missing the constraints: [`Status::Infeasible`] when `proven`
    /// (the bound rules every answer out), otherwise [`Status::Undecided`].
    pub fn missed(proven: bool) -> Self {
        if proven {
            Status::Infeasible
        } else {
            Status::Undecided
        }
    }
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
        // `+ 0.0` turns a -0.0 (an empty float sum) into 0.0, so no output prints "-0".
        let (objective, bound) = (objective + 0.0, bound + 0.0);
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
