//! What the siting solvers (p-median, capacitated p-median) return: the answer with its
//! certificate, the reason when there is none, and how the search went.

use std::fmt;

use super::{Certificate, Status};

/// Why a siting problem has no answer.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Infeasibility {
    /// `p` is below the number of forced sites, above the number of sites, or zero while there
    /// are clients.
    SiteCount {
        /// Sites asked for.
        p: usize,
        /// Candidate sites.
        sites: usize,
        /// Sites forced open.
        forced: usize,
    },
    /// These clients have no allowed site.
    Unreachable {
        /// Client indices, ascending.
        clients: Vec<u32>,
    },
    /// The `p` largest capacities (forced sites included) fall short of the total demand.
    Capacity {
        /// Total demand.
        demand: f64,
        /// Largest capacity `p` sites can offer.
        capacity: f64,
    },
    /// Each of these clients demands more than any site it may use can hold.
    Oversized {
        /// Client indices, ascending.
        clients: Vec<u32>,
    },
    /// No `p` sites can serve every client within the constraints: the Lagrangian bound
    /// exceeds the cost of every answer that does.
    TooFewSites {
        /// Sites asked for.
        p: usize,
    },
    /// The search found no answer that serves every client within the constraints; the
    /// bound does not prove that none exists.
    NotFound {
        /// Clients left unserved by the best answer found.
        unserved: usize,
    },
}

impl fmt::Display for Infeasibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Infeasibility::SiteCount { p, sites, forced } => write!(
                f,
                "p = {p} is not possible with {sites} sites of which {forced} are forced open"
            ),
            Infeasibility::Unreachable { clients } => {
                write!(f, "{} client(s) have no allowed site", clients.len())
            }
            Infeasibility::Capacity { demand, capacity } => write!(
                f,
                "total demand {demand} exceeds the largest capacity {capacity} of p sites"
            ),
            Infeasibility::Oversized { clients } => write!(
                f,
                "{} client(s) demand more than any site they may use can hold",
                clients.len()
            ),
            Infeasibility::TooFewSites { p } => {
                write!(
                    f,
                    "no {p} sites can serve every client within the constraints (proven by the bound)"
                )
            }
            Infeasibility::NotFound { unserved } => write!(
                f,
                "no answer serving every client was found (best leaves {unserved} unserved)"
            ),
        }
    }
}

/// Counts describing how a search went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SearchStats {
    /// Local optima produced (starts, Lagrangian answers, relinked and shaken answers).
    pub local_optima: usize,
    /// Improvement generations run.
    pub generations: usize,
    /// Subgradient iterations of the bound.
    pub bound_iterations: usize,
}

/// A siting answer: open sites, the assignment, and its certificate.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MedianSolution {
    /// Open sites, ascending (forced sites included); empty when infeasible.
    pub sites: Vec<u32>,
    /// The site serving each client; empty when infeasible.
    pub assignment: Vec<u32>,
    /// Objective (total cost), lower bound, gap and status.
    pub certificate: Certificate,
    /// Why there is no answer, when the status is infeasible.
    pub infeasible: Option<Infeasibility>,
    /// How the search went.
    pub stats: SearchStats,
}

impl MedianSolution {
    /// An answer-less result explaining why.
    pub(crate) fn infeasible(why: Infeasibility, stats: SearchStats) -> Self {
        Self {
            sites: Vec::new(),
            assignment: Vec::new(),
            certificate: Certificate {
                objective: f64::INFINITY,
                bound: if matches!(why, Infeasibility::NotFound { .. }) {
                    0.0
                } else {
                    f64::INFINITY
                },
                gap: 0.0,
                status: Status::Infeasible,
            },
            infeasible: Some(why),
            stats,
        }
    }
}
