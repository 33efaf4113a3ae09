//! Crow-fly travel times: great-circle distance × detour ÷ speed.
//!
//! # Formula
//!
//! `time_min = haversine_m(village, site) × detour ÷ (speed_kmh × 1000 / 60)`, with geo's
//! [`Haversine`](geo::Haversine) on a sphere of radius 6 371 008.8 m, and the [`TravelMode`]
//! (speed and detour) of the village's area type. A pair is kept when `time_min <= limit`.
//!
//! # How candidates are found
//!
//! The sites go into an R-tree of 3-D points on that same sphere. For a village whose mode
//! reaches `limit × speed ÷ detour` metres, a ball query with the chord of that distance
//! (enlarged by a part in 10⁹ and 1 mm against rounding) returns a superset of the sites in
//! reach, which the exact haversine time then filters. The chord grows strictly with the
//! great-circle distance, so unlike a local map projection the query needs no allowance for
//! distortion, even over a whole province. Villages are processed in parallel; nothing of
//! size villages × sites is ever built.
//!
//! # Units
//!
//! Positions in WGS-84 degrees, distances in metres, speeds in km/h, times in minutes.

use rstar::RTree;

use crate::model::{AreaKind, LonLat, Region, TravelMode};

use super::sphere::{self, Indexed};
use super::{Query, Reach, ReachLists, TravelModel};

/// Crow-fly minutes from `from` to `to` in `mode`: haversine metres × detour ÷ speed.
///
/// # Examples
///
/// ```
/// use yanglao::model::{LonLat, TravelMode};
/// use yanglao::travel::crow_fly_minutes;
///
/// // One minute of latitude is 1853.25 m on geo's sphere; at 4 km/h with no detour that is
/// // 27.8 minutes.
/// let a = LonLat { lon: 119.3, lat: 26.0 };
/// let b = LonLat { lon: 119.3, lat: 26.0 + 1.0 / 60.0 };
/// let walk = TravelMode { speed_kmh: 4.0, detour: 1.0 };
/// assert!((crow_fly_minutes(a, b, walk) - 27.7987).abs() < 1e-3);
/// ```
pub fn crow_fly_minutes(from: LonLat, to: LonLat, mode: TravelMode) -> f64 {
    super::minutes_at(sphere::haversine_m(from, to) * mode.detour, mode.speed_kmh)
}

/// The crow-fly travel model: one [`TravelMode`] per area type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CrowFly {
    /// Mode of urban communities.
    pub urban: TravelMode,
    /// Mode of rural villages.
    pub rural: TravelMode,
}

impl CrowFly {
    /// A model with these modes.
    pub fn new(urban: TravelMode, rural: TravelMode) -> Self {
        Self { urban, rural }
    }

    /// The mode of an area type.
    pub fn mode(&self, kind: AreaKind) -> TravelMode {
        match kind {
            AreaKind::Urban => self.urban,
            AreaKind::Rural => self.rural,
        }
    }
}

impl TravelModel for CrowFly {
    fn reach(&self, region: &Region, query: &Query<'_>) -> ReachLists {
        let sites = query.site_list(region.site_count());
        let tree: RTree<Indexed> =
            sphere::tree_of(sites.iter().map(|s| (s.0, region.site(*s).pos())));
        let limit = query.max_minutes;
        let keep = query.nearest;
        let budget = super::PairBudget::of(query);
        let rows = query.exec.map(region.villages.len(), |v| {
            let village = &region.villages[v];
            let mode = self.mode(village.kind);
            if keep == Some(0) || tree.size() == 0 || budget.spent() {
                return Vec::new();
            }
            let radius_m = super::reach_radius_m(mode, limit);
            let chord2 = sphere::chord2_covering(radius_m);
            if chord2 < 0.0 {
                return Vec::new();
            }
            let at = sphere::xyz(village.pos);
            let mut row = Vec::new();
            let mut consider = |hit: &Indexed| {
                let site = crate::model::SiteIdx(hit.data);
                let minutes = crow_fly_minutes(village.pos, region.site(site).pos(), mode);
                if minutes <= limit {
                    row.push(Reach { site, minutes });
                }
            };
            match keep {
                None => tree
                    .locate_within_distance(at, chord2)
                    .for_each(&mut consider),
                Some(k) => {
                    // Walk outwards and stop once k sites are in hand and the next one is
                    // farther than the k-th. The margin (a part in 10⁶ of the squared chord)
                    // exceeds floating-point rounding of the minutes, so every site that ties with the
                    // k-th in the output is seen and the tie is then broken by site index.
                    let mut seen = 0usize;
                    let mut kth_chord2 = f64::INFINITY;
                    for (hit, d2) in tree.nearest_neighbor_iter_with_distance_2(&at) {
                        if d2 > chord2 || d2 > kth_chord2 * (1.0 + 1e-6) + 1e-6 {
                            break;
                        }
                        consider(hit);
                        seen += 1;
                        if seen == k {
                            kth_chord2 = d2;
                        }
                    }
                }
            }
            if !budget.admit(row.len()) {
                return Vec::new();
            }
            row
        });
        ReachLists::from_rows(limit, region.site_count(), rows, keep)
            .with_over_budget(budget.spent())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Allow, Candidate, SiteIdx, Village, VillageIdx};
    use crate::travel::Exec;

    fn village(lon: f64, lat: f64, kind: AreaKind) -> Village {
        Village {
            id: format!("{lon},{lat}"),
            name: String::new(),
            township: String::new(),
            pos: LonLat { lon, lat },
            elderly: 10,
            elderly_80: None,
            disabled: None,
            kind,
        }
    }

    fn candidate(lon: f64, lat: f64) -> Candidate {
        Candidate {
            id: format!("c{lon},{lat}"),
            name: String::new(),
            township: String::new(),
            pos: LonLat { lon, lat },
            allow: Allow::Both,
            max_beds: None,
            cost_wan: None,
        }
    }

    const WALK: TravelMode = TravelMode {
        speed_kmh: 4.0,
        detour: 1.0,
    };

    #[test]
    fn the_limit_is_inclusive() {
        let region = Region {
            villages: vec![village(119.30, 26.08, AreaKind::Urban)],
            candidates: vec![candidate(119.305, 26.08)],
            ..Region::default()
        };
        let model = CrowFly::new(WALK, WALK);
        let t = crow_fly_minutes(region.villages[0].pos, region.candidates[0].pos, WALK);
        let at_limit = model.reach(&region, &Query::within(t));
        assert_eq!(at_limit.pair_count(), 1);
        let below = model.reach(&region, &Query::within(t.next_down()));
        assert_eq!(below.pair_count(), 0);
    }

    #[test]
    fn each_area_type_uses_its_own_mode() {
        // Both villages are 0.01° of latitude (1112 m) from the site. Walking at 4 km/h with
        // detour 1.3 takes 21.7 min (out of 15); riding at 12 km/h with detour 1.4 takes
        // 7.8 min (in).
        let region = Region {
            villages: vec![
                village(119.30, 26.07, AreaKind::Urban),
                village(119.30, 26.07, AreaKind::Rural),
            ],
            candidates: vec![candidate(119.30, 26.08)],
            ..Region::default()
        };
        let urban = TravelMode {
            speed_kmh: 4.0,
            detour: 1.3,
        };
        let rural = TravelMode {
            speed_kmh: 12.0,
            detour: 1.4,
        };
        let r = CrowFly::new(urban, rural).reach(&region, &Query::within(15.0));
        assert!(r.sites_of(VillageIdx(0)).is_empty());
        let got = r.sites_of(VillageIdx(1));
        assert_eq!(got.len(), 1);
        assert!((got[0].minutes - 7.785).abs() < 0.01, "{}", got[0].minutes);
    }

    #[test]
    fn nearest_k_keeps_ties_by_site_index() {
        // Sites 1 and 2 are at the same place, 0.001° north; site 0 is 0.002° north; site 3 is
        // far away. k = 2 keeps sites 1 and 2.
        let region = Region {
            villages: vec![village(119.30, 26.08, AreaKind::Urban)],
            candidates: vec![
                candidate(119.30, 26.082),
                candidate(119.30, 26.081),
                candidate(119.30, 26.081),
                candidate(119.50, 26.081),
            ],
            ..Region::default()
        };
        let model = CrowFly::new(WALK, WALK);
        for exec in [Exec::Sequential, Exec::Parallel] {
            let r = model.reach(&region, &Query::within(60.0).nearest(2).exec(exec));
            let sites: Vec<u32> = r.sites_of(VillageIdx(0)).iter().map(|x| x.site.0).collect();
            assert_eq!(sites, [1, 2]);
            let r = model.reach(
                &region,
                &Query::within(60.0)
                    .sites(&[SiteIdx(0), SiteIdx(2)])
                    .nearest(1)
                    .exec(exec),
            );
            let sites: Vec<u32> = r.sites_of(VillageIdx(0)).iter().map(|x| x.site.0).collect();
            assert_eq!(sites, [2]);
        }
    }
}
