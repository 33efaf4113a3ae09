//! An independent check of a siting answer, sharing no code with the solvers: from the raw
//! costs (a dense matrix, `None` where a pair is not allowed), the open sites and the
//! assignment, it checks feasibility and recomputes the objective.
//!
//! Checked: `p` distinct sites in range, every forced site open, every client assigned to an
//! open site it may use, loads within capacities (when given), and, for the uncapacitated
//! model, every client at one of its cheapest open sites.

/// The raw data of a siting instance, as a caller or a test holds it.
#[derive(Clone, Debug)]
pub struct RawSiting {
    /// Number of clients.
    pub clients: usize,
    /// Number of sites.
    pub sites: usize,
    /// `cost[i * sites + j]`: cost of client `i` at site `j`; `None` when not allowed.
    pub cost: Vec<Option<f64>>,
    /// Sites to open.
    pub p: usize,
    /// Sites that must be open.
    pub forced: Vec<u32>,
    /// Demands and capacities of the capacitated model; `None` for the uncapacitated one.
    pub capacitated: Option<(Vec<f64>, Vec<f64>)>,
}

/// What makes an answer infeasible or mispriced.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Violation {
    /// Not `p` distinct sites in range.
    #[error("{open} distinct valid sites open, {p} wanted")]
    SiteCount {
        /// Distinct valid sites open.
        open: usize,
        /// Sites wanted.
        p: usize,
    },
    /// A forced site is closed.
    #[error("forced site {0} is closed")]
    ForcedClosed(u32),
    /// The assignment does not have one site per client.
    #[error("{got} assignments for {clients} clients")]
    Assignment {
        /// Entries.
        got: usize,
        /// Clients.
        clients: usize,
    },
    /// A client is assigned to a closed site or one it may not use.
    #[error("client {client} is assigned to site {site}, which is closed or not allowed")]
    NotServed {
        /// The client.
        client: usize,
        /// Its site.
        site: u32,
    },
    /// A site serves more than it holds.
    #[error("site {site} serves {load}, above its capacity {capacity}")]
    OverCapacity {
        /// The site.
        site: usize,
        /// Demand assigned to it.
        load: f64,
        /// Its capacity.
        capacity: f64,
    },
    /// An uncapacitated client is not at one of its cheapest open sites.
    #[error("client {client} pays {paid} where an open site costs {cheapest}")]
    NotNearest {
        /// The client.
        client: usize,
        /// What it pays.
        paid: f64,
        /// Its cheapest open site's cost.
        cheapest: f64,
    },
}

impl RawSiting {
    /// The cost of client `i` at site `j`, `None` when not allowed or out of range.
    pub fn cost(&self, i: usize, j: usize) -> Option<f64> {
        if i < self.clients && j < self.sites {
            self.cost[i * self.sites + j]
        } else {
            None
        }
    }

    /// The objective of the answer (`sites` open, `assignment[i]` the site of client `i`),
    /// recomputed from the raw costs, after checking that the answer is feasible.
    ///
    /// # Errors
    /// The first [`Violation`] found.
    pub fn check(&self, sites: &[u32], assignment: &[u32]) -> Result<f64, Violation> {
        let mut open = vec![false; self.sites];
        let mut distinct = 0;
        for &j in sites {
            if let Some(o) = open.get_mut(j as usize)
                && !*o
            {
                *o = true;
                distinct += 1;
            }
        }
        if distinct != self.p || sites.len() != self.p {
            return Err(Violation::SiteCount {
                open: distinct,
                p: self.p,
            });
        }
        if let Some(&f) = self.forced.iter().find(|&&f| !open[f as usize]) {
            return Err(Violation::ForcedClosed(f));
        }
        if assignment.len() != self.clients {
            return Err(Violation::Assignment {
                got: assignment.len(),
                clients: self.clients,
            });
        }
        let mut total = 0.0;
        let mut load = vec![0.0; self.sites];
        for (i, &j) in assignment.iter().enumerate() {
            let paid = match self.cost(i, j as usize) {
                Some(c) if open[j as usize] => c,
                _ => return Err(Violation::NotServed { client: i, site: j }),
            };
            total += paid;
            match &self.capacitated {
                Some((demand, _)) => load[j as usize] += demand[i],
                None => {
                    let cheapest = (0..self.sites)
                        .filter(|&k| open[k])
                        .filter_map(|k| self.cost(i, k))
                        .fold(f64::INFINITY, f64::min);
                    if paid > cheapest {
                        return Err(Violation::NotNearest {
                            client: i,
                            paid,
                            cheapest,
                        });
                    }
                }
            }
        }
        if let Some((_, capacity)) = &self.capacitated {
            for (j, (&l, &c)) in load.iter().zip(capacity).enumerate() {
                if l > c + 1e-9 * (1.0 + c) {
                    return Err(Violation::OverCapacity {
                        site: j,
                        load: l,
                        capacity: c,
                    });
                }
            }
        }
        Ok(total)
    }

    /// The optimum by enumeration of every site set (and, when capacitated, every
    /// assignment), `None` when no answer is feasible. Tiny instances only: `2^sites` sets
    /// times `sites^clients` assignments.
    pub fn brute_force(&self) -> Option<f64> {
        let m = self.sites;
        assert!(m < 20, "brute force is for tiny instances");
        let mut best: Option<f64> = None;
        for mask in 0u32..(1 << m) {
            if mask.count_ones() as usize != self.p
                || self.forced.iter().any(|&f| mask >> f & 1 == 0)
            {
                continue;
            }
            let open: Vec<usize> = (0..m).filter(|&j| mask >> j & 1 == 1).collect();
            let value = match &self.capacitated {
                None => (0..self.clients)
                    .map(|i| {
                        open.iter()
                            .filter_map(|&j| self.cost(i, j))
                            .fold(None, |b: Option<f64>, c| Some(b.map_or(c, |b| b.min(c))))
                    })
                    .sum::<Option<f64>>(),
                Some((demand, capacity)) => {
                    let mut room: Vec<f64> = capacity.clone();
                    let mut best_here = None;
                    self.assign(0, &open, demand, &mut room, 0.0, &mut best_here);
                    best_here
                }
            };
            if let Some(v) = value {
                best = Some(best.map_or(v, |b| b.min(v)));
            }
        }
        best
    }

    fn assign(
        &self,
        i: usize,
        open: &[usize],
        demand: &[f64],
        room: &mut [f64],
        cost: f64,
        best: &mut Option<f64>,
    ) {
        if best.is_some_and(|b| cost >= b) {
            return;
        }
        if i == self.clients {
            *best = Some(cost);
            return;
        }
        for &j in open {
            if let Some(c) = self.cost(i, j)
                && room[j] + 1e-9 * (1.0 + room[j]) >= demand[i]
            {
                room[j] -= demand[i];
                self.assign(i + 1, open, demand, room, cost + c, best);
                room[j] += demand[i];
            }
        }
    }
}
