//! Site counts and forced-open sites, shared by the siting solvers.

use super::cost::CostTable;
use super::siting::Infeasibility;

/// Why `p` sites, `forced` among them, cannot serve every client of `costs`, if the site
/// count or a client without an allowed site shows it.
pub(crate) fn check_sites(costs: &CostTable, p: usize, forced: &[u32]) -> Option<Infeasibility> {
    let (n, m, nf) = (costs.clients(), costs.sites(), forced.len());
    if p > m || p < nf || (p == 0 && n > 0) {
        return Some(Infeasibility::SiteCount {
            p,
            sites: m,
            forced: nf,
        });
    }
    let unreachable = costs.unreachable();
    if !unreachable.is_empty() {
        return Some(Infeasibility::Unreachable {
            clients: unreachable,
        });
    }
    None
}

/// `forced` in increasing order without duplicates or indices out of `0..sites`.
pub(crate) fn forced_sites(forced: &[u32], sites: usize) -> Vec<u32> {
    let mut f: Vec<u32> = forced
        .iter()
        .copied()
        .filter(|&j| (j as usize) < sites)
        .collect();
    f.sort_unstable();
    f.dedup();
    f
}

/// Every set of `p` of the sites `0..m` that holds all of `forced`, in increasing order (tiny
/// `m` only: for enumeration in tests).
#[cfg(test)]
pub(crate) fn site_sets(m: usize, p: usize, forced: &[u32]) -> impl Iterator<Item = Vec<u32>> {
    (0u32..(1 << m))
        .filter(move |mask| {
            mask.count_ones() as usize == p && forced.iter().all(|&j| mask >> j & 1 == 1)
        })
        .map(move |mask| (0..m as u32).filter(|j| mask >> j & 1 == 1).collect())
}
