//! Sparse reach lists in compressed-row layout, and their transpose.

use std::cmp::Ordering;
use std::sync::OnceLock;

use crate::model::{SiteIdx, VillageIdx};

use super::network::NetworkSummary;

/// A site reached from a village, with the travel time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reach {
    /// The site (facilities first, then candidates).
    pub site: SiteIdx,
    /// Travel time in minutes.
    pub minutes: f64,
}

/// A village that reaches a site, with the travel time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VillageReach {
    /// The village.
    pub village: VillageIdx,
    /// Travel time in minutes.
    pub minutes: f64,
}

/// The order of every list: minutes ascending, exact ties by index.
fn by_minutes_then_index(a_min: f64, a_idx: u32, b_min: f64, b_idx: u32) -> Ordering {
    a_min.total_cmp(&b_min).then(a_idx.cmp(&b_idx))
}

/// For every village, the sites it reaches within a bound, nearest first.
///
/// Stored as one offset array and one entry array (compressed sparse rows), so memory is
/// `8 bytes × pairs` plus one offset per village. Each village's entries are sorted by
/// minutes, then by site index. The transpose ([`ReachLists::villages_of`]) is built on first
/// use and kept.
#[derive(Clone, Debug)]
pub struct ReachLists {
    limit_minutes: f64,
    site_count: usize,
    offsets: Vec<usize>,
    entries: Vec<Reach>,
    network: Option<NetworkSummary>,
    over_budget: bool,
    transpose: OnceLock<Transpose>,
}

#[derive(Clone, Debug)]
struct Transpose {
    offsets: Vec<usize>,
    entries: Vec<VillageReach>,
}

impl PartialEq for ReachLists {
    /// Equal when the bound, the site count and every list are equal; the network summary and
    /// the cached transpose are not compared.
    fn eq(&self, other: &Self) -> bool {
        self.limit_minutes.to_bits() == other.limit_minutes.to_bits()
            && self.site_count == other.site_count
            && self.offsets == other.offsets
            && self.entries == other.entries
    }
}

impl ReachLists {
    /// Builds the lists from one unsorted list per village; each is sorted here.
    pub(crate) fn from_rows(
        limit_minutes: f64,
        site_count: usize,
        rows: Vec<Vec<Reach>>,
        keep: Option<usize>,
    ) -> Self {
        let mut offsets = Vec::with_capacity(rows.len() + 1);
        offsets.push(0);
        let total: usize = rows.iter().map(|r| r.len()).sum();
        let mut entries = Vec::with_capacity(total);
        for mut row in rows {
            row.sort_unstable_by(|a, b| {
                by_minutes_then_index(a.minutes, a.site.0, b.minutes, b.site.0)
            });
            if let Some(k) = keep {
                row.truncate(k);
            }
            entries.extend_from_slice(&row);
            offsets.push(entries.len());
        }
        entries.shrink_to_fit();
        Self {
            limit_minutes,
            site_count,
            offsets,
            entries,
            network: None,
            over_budget: false,
            transpose: OnceLock::new(),
        }
    }

    /// Builds lists from `(village, site, minutes)` triples in any order; what solver tests
    /// and hand-made examples need. Pairs whose minutes exceed `limit_minutes` are kept as
    /// given: the caller decides.
    ///
    /// # Panics
    ///
    /// When a village index is `>= village_count` or a site index `>= site_count`.
    pub fn from_pairs(
        village_count: usize,
        site_count: usize,
        limit_minutes: f64,
        pairs: impl IntoIterator<Item = (VillageIdx, SiteIdx, f64)>,
    ) -> Self {
        let mut rows = vec![Vec::new(); village_count];
        for (v, site, minutes) in pairs {
            assert!(site.get() < site_count, "site {site:?} out of range");
            rows[v.get()].push(Reach { site, minutes });
        }
        Self::from_rows(limit_minutes, site_count, rows, None)
    }

    /// Marks the lists as cut short by a pair budget.
    pub(crate) fn with_over_budget(mut self, over: bool) -> Self {
        self.over_budget = over;
        self
    }

    /// Whether the query's pair budget ([`Query::max_pairs`](super::Query::max_pairs)) ran
    /// out while the lists were built; they are then incomplete and must not be used.
    pub fn over_budget(&self) -> bool {
        self.over_budget
    }

    pub(crate) fn with_network(mut self, summary: NetworkSummary) -> Self {
        self.network = Some(summary);
        self
    }

    /// The time bound the lists were built with, in minutes (inclusive).
    pub fn limit_minutes(&self) -> f64 {
        self.limit_minutes
    }

    /// Number of villages.
    pub fn village_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of sites in the region's combined index (not only those that appear).
    pub fn site_count(&self) -> usize {
        self.site_count
    }

    /// Number of (village, site) pairs stored.
    pub fn pair_count(&self) -> usize {
        self.entries.len()
    }

    /// The sites village `v` reaches, nearest first (ties by site index).
    pub fn sites_of(&self, v: VillageIdx) -> &[Reach] {
        &self.entries[self.offsets[v.get()]..self.offsets[v.get() + 1]]
    }

    /// The nearest site of village `v`, if any.
    pub fn nearest(&self, v: VillageIdx) -> Option<Reach> {
        self.sites_of(v).first().copied()
    }

    /// The travel time from village `v` to `site`, if within the bound.
    pub fn minutes(&self, v: VillageIdx, site: SiteIdx) -> Option<f64> {
        self.sites_of(v)
            .iter()
            .find(|r| r.site == site)
            .map(|r| r.minutes)
    }

    /// Every village with its list, in village order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (VillageIdx, &[Reach])> + '_ {
        (0..self.village_count()).map(|v| {
            let v = VillageIdx(v as u32);
            (v, self.sites_of(v))
        })
    }

    /// Villages that reach no site within the bound, in village order.
    pub fn unreachable_villages(&self) -> impl Iterator<Item = VillageIdx> + '_ {
        self.offsets
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0] == w[1])
            .map(|(v, _)| VillageIdx(v as u32))
    }

    /// The villages that reach `site`, nearest first (ties by village index).
    ///
    /// # Panics
    ///
    /// When `site` is `>= site_count()`.
    pub fn villages_of(&self, site: SiteIdx) -> &[VillageReach] {
        let t = self.transpose.get_or_init(|| self.build_transpose());
        &t.entries[t.offsets[site.get()]..t.offsets[site.get() + 1]]
    }

    /// What the road network reported while these lists were built (components, villages and
    /// sites on pieces cut off from the main network); `None` for crow-fly lists.
    pub fn network(&self) -> Option<&NetworkSummary> {
        self.network.as_ref()
    }

    fn build_transpose(&self) -> Transpose {
        let mut offsets = vec![0usize; self.site_count + 1];
        for r in &self.entries {
            offsets[r.site.get() + 1] += 1;
        }
        for s in 0..self.site_count {
            offsets[s + 1] += offsets[s];
        }
        let mut fill = offsets.clone();
        let mut entries = vec![
            VillageReach {
                village: VillageIdx(0),
                minutes: 0.0,
            };
            self.entries.len()
        ];
        for (v, list) in self.iter() {
            for r in list {
                let slot = &mut fill[r.site.get()];
                entries[*slot] = VillageReach {
                    village: v,
                    minutes: r.minutes,
                };
                *slot += 1;
            }
        }
        // Villages arrive in index order, so a stable sort by minutes leaves exact ties in
        // village order.
        for s in 0..self.site_count {
            entries[offsets[s]..offsets[s + 1]].sort_by(|a, b| {
                by_minutes_then_index(a.minutes, a.village.0, b.minutes, b.village.0)
            });
        }
        Transpose { offsets, entries }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ReachLists {
        // Village 0 reaches site 2 (3 min) and site 0 (3 min: tie, site 0 first) and site 1 (7);
        // village 1 reaches nothing; village 2 reaches site 1 (2 min).
        ReachLists::from_pairs(
            3,
            3,
            15.0,
            [
                (VillageIdx(0), SiteIdx(1), 7.0),
                (VillageIdx(0), SiteIdx(2), 3.0),
                (VillageIdx(2), SiteIdx(1), 2.0),
                (VillageIdx(0), SiteIdx(0), 3.0),
            ],
        )
    }

    #[test]
    fn rows_are_sorted_by_minutes_then_site() {
        let r = sample();
        let sites: Vec<u32> = r.sites_of(VillageIdx(0)).iter().map(|x| x.site.0).collect();
        assert_eq!(sites, [0, 2, 1]);
        assert_eq!(r.pair_count(), 4);
        assert_eq!(r.nearest(VillageIdx(2)).map(|x| x.site), Some(SiteIdx(1)));
        assert_eq!(r.minutes(VillageIdx(0), SiteIdx(1)), Some(7.0));
        assert_eq!(r.minutes(VillageIdx(1), SiteIdx(1)), None);
    }

    #[test]
    fn transpose_lists_villages_per_site() {
        let r = sample();
        let of = |s| {
            r.villages_of(SiteIdx(s))
                .iter()
                .map(|x| (x.village.0, x.minutes))
                .collect::<Vec<_>>()
        };
        assert_eq!(of(0), [(0, 3.0)]);
        assert_eq!(of(1), [(2, 2.0), (0, 7.0)]);
        assert_eq!(of(2), [(0, 3.0)]);
    }

    #[test]
    fn unreachable_villages_are_listed() {
        let r = sample();
        assert_eq!(
            r.unreachable_villages().collect::<Vec<_>>(),
            [VillageIdx(1)]
        );
    }

    #[test]
    fn keep_truncates_after_sorting() {
        let rows = vec![vec![
            Reach {
                site: SiteIdx(3),
                minutes: 1.0,
            },
            Reach {
                site: SiteIdx(1),
                minutes: 1.0,
            },
            Reach {
                site: SiteIdx(0),
                minutes: 0.5,
            },
        ]];
        let r = ReachLists::from_rows(10.0, 4, rows, Some(2));
        let sites: Vec<u32> = r.sites_of(VillageIdx(0)).iter().map(|x| x.site.0).collect();
        assert_eq!(sites, [0, 1]);
    }
}
