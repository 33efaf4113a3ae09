//! Pools of distinct answers kept by the siting searches: the elite answers and the best
//! site sets met by a Lagrangian heuristic.

use std::cmp::Ordering;

/// The best distinct answers found, by value then by site list.
#[derive(Clone, Debug)]
pub(crate) struct Pool {
    cap: usize,
    pub(crate) members: Vec<(f64, Vec<u32>)>,
}

impl Pool {
    /// At most `cap` answers.
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            cap,
            members: Vec::new(),
        }
    }

    /// Adds an answer (sites sorted) unless present or worse than a full pool's worst;
    /// whether the pool changed.
    pub(crate) fn insert(&mut self, value: f64, sites: Vec<u32>) -> bool {
        if self.members.iter().any(|(_, s)| *s == sites) {
            return false;
        }
        let order = |a: &(f64, Vec<u32>), b: &(f64, Vec<u32>)| -> Ordering {
            a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1))
        };
        let entry = (value, sites);
        if self.members.len() >= self.cap {
            let worst = self.members.last().expect("a full pool has members");
            if order(&entry, worst) != Ordering::Less {
                return false;
            }
            self.members.pop();
        }
        let at = self
            .members
            .partition_point(|m| order(m, &entry) == Ordering::Less);
        self.members.insert(at, entry);
        true
    }

    /// The best answer; the pool must hold one.
    pub(crate) fn best(&self) -> &(f64, Vec<u32>) {
        self.members.first().expect("the pool holds the starts")
    }
}

/// The best few distinct site sets met by the Lagrangian heuristic.
#[derive(Clone, Debug)]
pub(crate) struct TopSets {
    cap: usize,
    pub(crate) sets: Vec<(f64, Vec<u32>)>,
}

impl TopSets {
    /// At most `cap` sets (none when 0).
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            cap,
            sets: Vec::new(),
        }
    }

    /// Keeps `sites` (any order) if it is new and among the `cap` best by value.
    pub(crate) fn offer(&mut self, value: f64, sites: &[u32]) {
        if self.cap == 0 {
            return;
        }
        if self.sets.len() >= self.cap && self.sets.last().is_some_and(|w| value >= w.0) {
            return;
        }
        let mut sorted = sites.to_vec();
        sorted.sort_unstable();
        if self.sets.iter().any(|(_, s)| *s == sorted) {
            return;
        }
        if self.sets.len() >= self.cap {
            self.sets.pop();
        }
        let at = self.sets.partition_point(|m| m.0 <= value);
        self.sets.insert(at, (value, sorted));
    }
}
