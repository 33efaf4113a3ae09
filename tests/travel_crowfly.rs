//! Crow-fly reach lists against brute force, determinism, the inclusive limit, k-nearest.

mod common;

use yanglao::model::{
    Allow, AreaKind, Candidate, Facility, FacilityType, LonLat, Region, SiteIdx, Travel,
    TravelMode, Village, VillageIdx,
};
use yanglao::travel::{self, CrowFly, Exec, Query, TravelModel, crow_fly_minutes};

use common::Lcg;

fn village(i: usize, pos: LonLat, kind: AreaKind) -> Village {
    Village {
        id: format!("V{i}"),
        name: String::new(),
        township: String::new(),
        pos,
        elderly: 50,
        elderly_80: None,
        disabled: None,
        kind,
    }
}

fn facility(i: usize, pos: LonLat) -> Facility {
    Facility {
        id: format!("F{i}"),
        name: String::new(),
        kind: FacilityType::Institution,
        township: String::new(),
        pos,
        beds: 50,
        nursing_beds: 20,
        max_beds: None,
        public: true,
        capacity: None,
    }
}

fn candidate(i: usize, pos: LonLat) -> Candidate {
    Candidate {
        id: format!("C{i}"),
        name: String::new(),
        township: String::new(),
        pos,
        allow: Allow::DayCare,
        max_beds: None,
        cost_wan: None,
    }
}

/// Villages and sites uniform in a box; a few sites share a position to create exact ties.
fn random_region(
    seed: u64,
    (lon0, lon1): (f64, f64),
    (lat0, lat1): (f64, f64),
    nv: usize,
    ns: usize,
) -> Region {
    let mut rng = Lcg(seed);
    let mut point = move || LonLat {
        lon: lon0 + (lon1 - lon0) * rng.unit(),
        lat: lat0 + (lat1 - lat0) * rng.unit(),
    };
    let villages = (0..nv)
        .map(|i| {
            let kind = if i % 2 == 0 {
                AreaKind::Urban
            } else {
                AreaKind::Rural
            };
            village(i, point(), kind)
        })
        .collect();
    let mut site_pos: Vec<LonLat> = (0..ns).map(|_| point()).collect();
    for i in (0..ns).step_by(7).skip(1) {
        site_pos[i] = site_pos[i - 1];
    }
    let facilities = site_pos[..ns / 4]
        .iter()
        .enumerate()
        .map(|(i, p)| facility(i, *p))
        .collect();
    let candidates = site_pos[ns / 4..]
        .iter()
        .enumerate()
        .map(|(i, p)| candidate(i, *p))
        .collect();
    Region {
        villages,
        facilities,
        candidates,
        boundary: Vec::new(),
    }
}

/// Every pair, checked one by one: the definition the R-tree search must match.
fn brute_force(
    region: &Region,
    model: &CrowFly,
    limit: f64,
    sites: Option<&[SiteIdx]>,
    k: Option<usize>,
) -> Vec<Vec<(u32, f64)>> {
    let all: Vec<SiteIdx> = (0..region.site_count() as u32).map(SiteIdx).collect();
    let sites = sites.unwrap_or(&all);
    region
        .villages
        .iter()
        .map(|v| {
            let mode = model.mode(v.kind);
            let mut row: Vec<(u32, f64)> = sites
                .iter()
                .filter_map(|s| {
                    let t = crow_fly_minutes(v.pos, region.site(*s).pos(), mode);
                    (t <= limit).then_some((s.0, t))
                })
                .collect();
            row.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            if let Some(k) = k {
                row.truncate(k);
            }
            row
        })
        .collect()
}

fn rows(lists: &yanglao::travel::ReachLists) -> Vec<Vec<(u32, f64)>> {
    lists
        .iter()
        .map(|(_, l)| l.iter().map(|r| (r.site.0, r.minutes)).collect())
        .collect()
}

const DEFAULT: CrowFly = CrowFly {
    urban: Travel::DEFAULT_URBAN,
    rural: Travel::DEFAULT_RURAL,
};

#[test]
fn rtree_search_matches_brute_force_in_a_county() {
    // 0.25° × 0.2° around 民乐县: dense enough that most villages reach a few sites.
    let region = random_region(11, (100.7, 100.95), (38.3, 38.5), 400, 300);
    let lists = DEFAULT.reach(&region, &Query::within(15.0));
    assert!(lists.pair_count() > 100);
    assert_eq!(
        rows(&lists),
        brute_force(&region, &DEFAULT, 15.0, None, None)
    );
}

#[test]
fn rtree_search_matches_brute_force_across_the_whole_country() {
    // Driving at 60 km/h for 10 hours reaches 600 km: over 50° of longitude and 30° of
    // latitude a local projection would distort by far more than any small margin, the
    // sphere does not.
    let drive = TravelMode {
        speed_kmh: 60.0,
        detour: 1.0,
    };
    let model = CrowFly::new(drive, drive);
    let region = random_region(12, (80.0, 130.0), (20.0, 50.0), 200, 150);
    let lists = model.reach(&region, &Query::within(600.0));
    assert!(lists.pair_count() > 100);
    assert_eq!(
        rows(&lists),
        brute_force(&region, &model, 600.0, None, None)
    );
}

#[test]
fn nearest_k_matches_brute_force_with_ties() {
    let region = random_region(13, (118.0, 118.3), (24.5, 24.8), 300, 140);
    let institutions: Vec<SiteIdx> = (0..region.site_count() as u32)
        .filter(|s| s % 3 != 1)
        .map(SiteIdx)
        .collect();
    for k in [1, 3, 8] {
        let got = DEFAULT.reach(
            &region,
            &Query::within(60.0).sites(&institutions).nearest(k),
        );
        let want = brute_force(&region, &DEFAULT, 60.0, Some(&institutions), Some(k));
        assert_eq!(rows(&got), want, "k = {k}");
    }
    // The public helper agrees with the model.
    let travel = Travel {
        minutes: 15.0,
        urban: Travel::DEFAULT_URBAN,
        rural: Travel::DEFAULT_RURAL,
        roads: None,
        matrix: None,
    };
    let helper = travel::nearest_k(&region, &travel, &institutions, 3, 60.0).expect("crow-fly");
    assert_eq!(
        rows(&helper),
        brute_force(&region, &DEFAULT, 60.0, Some(&institutions), Some(3))
    );
}

#[test]
fn sequential_and_parallel_give_identical_lists() {
    let region = random_region(14, (119.0, 119.5), (26.0, 26.4), 2000, 800);
    for query in [Query::within(15.0), Query::within(45.0).nearest(4)] {
        let seq = DEFAULT.reach(&region, &query.exec(Exec::Sequential));
        let par = DEFAULT.reach(&region, &query.exec(Exec::Parallel));
        assert!(seq.pair_count() > 0);
        assert_eq!(seq, par);
    }
}

#[test]
fn the_limit_is_inclusive_through_the_entry_point() {
    // One urban village and one site 0.004° east of it; with the limit set to exactly their
    // crow-fly time the pair is kept, with the next smaller float it is not.
    let region = Region {
        villages: vec![village(
            0,
            LonLat {
                lon: 113.1,
                lat: 22.6,
            },
            AreaKind::Urban,
        )],
        candidates: vec![candidate(
            0,
            LonLat {
                lon: 113.104,
                lat: 22.6,
            },
        )],
        ..Region::default()
    };
    let t = crow_fly_minutes(
        region.villages[0].pos,
        region.candidates[0].pos,
        Travel::DEFAULT_URBAN,
    );
    let mut travel = Travel {
        minutes: t,
        urban: Travel::DEFAULT_URBAN,
        rural: Travel::DEFAULT_RURAL,
        roads: None,
        matrix: None,
    };
    let kept = travel::reach(&region, &travel).expect("crow-fly");
    assert_eq!(kept.minutes(VillageIdx(0), SiteIdx(0)), Some(t));
    assert!(kept.network().is_none());
    travel.minutes = t.next_down();
    let dropped = travel::reach(&region, &travel).expect("crow-fly");
    assert_eq!(dropped.pair_count(), 0);
    assert_eq!(
        dropped.unreachable_villages().collect::<Vec<_>>(),
        [VillageIdx(0)]
    );
}

#[test]
fn transpose_matches_the_rows() {
    let region = random_region(15, (119.0, 119.2), (26.0, 26.2), 500, 200);
    let lists = DEFAULT.reach(&region, &Query::within(15.0));
    let mut from_rows = Vec::new();
    for (v, list) in lists.iter() {
        for r in list {
            from_rows.push((r.site.0, v.0, r.minutes.to_bits()));
        }
    }
    let mut from_transpose = Vec::new();
    for s in 0..region.site_count() as u32 {
        let list = lists.villages_of(SiteIdx(s));
        assert!(
            list.windows(2)
                .all(|w| (w[0].minutes, w[0].village) <= (w[1].minutes, w[1].village))
        );
        for r in list {
            from_transpose.push((s, r.village.0, r.minutes.to_bits()));
        }
    }
    from_rows.sort_unstable();
    from_transpose.sort_unstable();
    assert_eq!(from_rows, from_transpose);
}

#[test]
fn an_empty_region_gives_empty_lists() {
    let lists = DEFAULT.reach(&Region::default(), &Query::within(15.0));
    assert_eq!(lists.village_count(), 0);
    assert_eq!(lists.pair_count(), 0);
    let no_sites = Region {
        villages: vec![village(
            0,
            LonLat {
                lon: 113.1,
                lat: 22.6,
            },
            AreaKind::Rural,
        )],
        ..Region::default()
    };
    let lists = DEFAULT.reach(&no_sites, &Query::within(15.0).nearest(3));
    assert_eq!(lists.unreachable_villages().count(), 1);
}
