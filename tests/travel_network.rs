//! Road-network travel times on hand-made `roads.csv` files and on generated grids.

mod common;

use std::path::PathBuf;

use geo::{Distance, Haversine, Point};
use petgraph::algo::dijkstra;
use petgraph::graph::NodeIndex;
use yanglao::model::{
    Allow, AreaKind, Candidate, LonLat, Region, SiteIdx, Travel, TravelMode, Village, VillageIdx,
};
use yanglao::travel::{
    self, CrowFly, Exec, NetworkOptions, Query, RoadNetwork, RoadSegment, TravelError, TravelModel,
    crow_fly_minutes,
};

use common::{Lcg, assert_close, metres, sites_of as lists_of, walk_min};

fn p(lon: f64, lat: f64) -> LonLat {
    LonLat { lon, lat }
}

fn village(id: usize, pos: LonLat, kind: AreaKind) -> Village {
    Village {
        id: format!("V{id}"),
        name: format!("村{id}"),
        township: "城关镇".into(),
        pos,
        elderly: 100,
        elderly_80: None,
        disabled: None,
        kind,
    }
}

fn candidate(id: usize, pos: LonLat) -> Candidate {
    Candidate {
        id: format!("C{id}"),
        name: format!("候选{id}"),
        township: "城关镇".into(),
        pos,
        allow: Allow::Both,
        max_beds: None,
        cost_wan: None,
    }
}

/// A fresh folder for one test's files.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the target folder is writable");
    dir
}

const WALK: TravelMode = TravelMode {
    speed_kmh: 4.0,
    detour: 1.3,
};
const RIDE: TravelMode = TravelMode {
    speed_kmh: 12.0,
    detour: 1.4,
};

fn travel_with(roads: Option<PathBuf>) -> Travel {
    Travel {
        minutes: 15.0,
        urban: WALK,
        rural: RIDE,
        roads,
        matrix: None,
    }
}

/// The hand-made network. Nodes on the meridian 119.3 E, 0.0045° (500.38 m) apart:
/// A 26.0000, B 26.0045, C 26.0090, D 26.0135, E 26.0180; and a separate piece F–G at 119.4 E.
///
/// ```text
///   A ── B ── C ──▶ D ── E        F ── G
///                  (one-way)  (D–E limited to 6 km/h)
/// ```
const ROADS_CSV: &str = "\
from_lon,from_lat,to_lon,to_lat,speed_kmh,oneway
119.3,26.0000,119.3,26.0045,,
119.3,26.0045,119.3,26.0090,,no
119.3,26.0090,119.3,26.0135,,yes
119.3,26.0135,119.3,26.0180,6,
119.4,26.0000,119.4,26.0045,,
";

fn hand_made_region() -> Region {
    Region {
        villages: vec![
            village(0, p(119.3, 26.009), AreaKind::Rural),  // at C
            village(1, p(119.3, 26.0135), AreaKind::Rural), // at D
            village(2, p(119.3, 26.018), AreaKind::Rural),  // at E
            village(3, p(119.4, 26.0), AreaKind::Rural),    // at F, the other piece
            village(4, p(119.3, 26.0045), AreaKind::Urban), // at B, walking
            village(5, p(119.301, 26.0045), AreaKind::Rural), // 99.94 m east of B
            village(6, p(119.3, 26.0), AreaKind::Rural),    // at A
        ],
        candidates: vec![
            candidate(0, p(119.3, 26.0)),
            candidate(1, p(119.3, 26.0135)),
        ],
        ..Region::default()
    }
}

#[test]
fn hand_made_network_gives_the_worked_out_times() {
    let dir = scratch_dir("hand_made_network");
    let roads = dir.join("roads.csv");
    std::fs::write(&roads, ROADS_CSV).expect("write roads.csv");
    let region = hand_made_region();
    let r = travel::reach(&region, &travel_with(Some(roads))).expect("valid roads");
    // One edge of 500.38 m takes 2.5019 min riding at 12 km/h and 7.5057 min walking at 4.
    // v0 at C: to C1 at D along the one-way C→D, 2.5019; to C0 at A via B, 5.0038.
    assert_close(lists_of(&r, 0), &[(1, 2.5019), (0, 5.0038)]);
    // v1 at D: C1 is on its node (0 min); C0 would need D→C, against the one-way street.
    assert_close(lists_of(&r, 1), &[(1, 0.0)]);
    // v2 at E: E→D at the road's 6 km/h limit, 500.38 m → 5.0038 min.
    assert_close(lists_of(&r, 2), &[(1, 5.0038)]);
    // v3 at F: on the other piece, reaches nothing.
    assert_close(lists_of(&r, 3), &[]);
    // v4 at B walks: B→A is 7.5057; B→C→D would be 15.011 > 15.
    assert_close(lists_of(&r, 4), &[(0, 7.5057)]);
    // v5 walks 99.94 m to B at 4 km/h (1.4991 min), then rides: to A 4.0010, to D 6.5028.
    assert_close(lists_of(&r, 5), &[(0, 4.0010), (1, 6.5028)]);
    // v6 at A: C0 on its node; C1 along A→B→C→D, 7.5057.
    assert_close(lists_of(&r, 6), &[(0, 0.0), (1, 7.5057)]);
    assert_eq!(
        r.unreachable_villages().collect::<Vec<_>>(),
        [VillageIdx(3)]
    );
    // The transpose: C1 is reached by v1 (0), v0 (2.5019), v2 (5.0038), v5, v6.
    let by_site: Vec<u32> = r
        .villages_of(SiteIdx(1))
        .iter()
        .map(|x| x.village.0)
        .collect();
    assert_eq!(by_site, [1, 0, 2, 5, 6]);

    let summary = r.network().expect("network lists carry a summary");
    assert_eq!(summary.nodes, 7);
    // 4 two-way segments give 8 edges; the one-way segment 2, since `oneway` binds vehicles,
    // not walkers (D→C is open to walking only).
    assert_eq!(summary.edges, 10);
    assert_eq!(summary.components, 2);
    assert_eq!(summary.main_component_nodes, 5);
    assert_eq!(summary.villages_off_main, [VillageIdx(3)]);
    assert!(summary.sites_off_main.is_empty());
    assert!((summary.longest_snap_m - 99.94).abs() < 0.01);
}

#[test]
fn the_network_limit_is_inclusive() {
    // v1 at D and v6 at A stand on the nodes of C1 and C0: their times are exactly 0, so a
    // limit of 0 keeps exactly those two pairs (a strict `<` would keep none). The bounded
    // search's own doc-test checks a node reached at exactly its limit of 15.
    let dir = scratch_dir("network_limit");
    let roads = dir.join("roads.csv");
    std::fs::write(&roads, ROADS_CSV).expect("write roads.csv");
    let model =
        travel::model(&travel_with(Some(roads)), &NetworkOptions::default()).expect("valid roads");
    let r = model.reach(&hand_made_region(), &Query::within(0.0));
    assert_eq!(r.pair_count(), 2);
    assert_eq!(r.minutes(VillageIdx(1), SiteIdx(1)), Some(0.0));
    assert_eq!(r.minutes(VillageIdx(6), SiteIdx(0)), Some(0.0));
}

#[test]
fn profiles_can_be_changed() {
    // With urban villages riding too, v4 at B reaches C1 at D in 2 × 2.5019 = 5.0038 min.
    let dir = scratch_dir("network_profiles");
    let roads = dir.join("roads.csv");
    std::fs::write(&roads, ROADS_CSV).expect("write roads.csv");
    let travel = Travel {
        urban: RIDE,
        ..travel_with(Some(roads))
    };
    let options = NetworkOptions {
        urban: yanglao::travel::Profile::Riding,
        ..NetworkOptions::default()
    };
    let r = travel::model(&travel, &options)
        .expect("valid roads")
        .reach(&hand_made_region(), &Query::within(15.0));
    assert_close(lists_of(&r, 4), &[(0, 2.5019), (1, 5.0038)]);
}

#[test]
fn road_file_problems_are_all_reported_with_their_place() {
    let dir = scratch_dir("roads_errors");
    let roads = dir.join("roads.csv");
    std::fs::write(
        &roads,
        "起点经度,起点纬度,终点经度,终点纬度,限速,单行\n\
         119.3,26.0,119.3,26.01,,\n\
         119.3,abc,119.3,26.02,,\n\
         26.0,119.3,119.3,26.02,,\n\
         119.3,26.0,119.3,26.01,-5,\n\
         119.3,26.0,119.3,26.01,,sometimes\n",
    )
    .expect("write roads.csv");
    let err = RoadNetwork::read(&roads).expect_err("four bad rows");
    let problems = err.diagnostics().expect("located problems");
    let places: Vec<(u64, u64)> = problems.0.iter().map(|d| (d.line, d.column)).collect();
    assert_eq!(places, [(3, 2), (4, 1), (5, 5), (6, 6)]);
    let text = err.to_string();
    assert!(text.contains("roads.csv:3:2: "), "{text}");
    assert!(text.contains("起点纬度"), "{text}");
    assert!(text.contains(" / "), "{text}");

    std::fs::write(&roads, "from_lon,from_lat,to_lon\n1,2,3\n").expect("write");
    let err = RoadNetwork::read(&roads).expect_err("missing column");
    assert!(err.to_string().contains("to_lat"), "{err}");

    std::fs::write(
        &roads,
        "from_lon,from_lat,to_lon,to_lat\n119.3,26.0,119.3,26.0\n",
    )
    .expect("write");
    assert!(matches!(
        RoadNetwork::read(&roads),
        Err(TravelError::NoRoads { .. })
    ));
}

/// A jittered grid of `n × n` nodes about 300 m apart near 26° N, some streets one-way, some
/// with a speed limit, some missing; villages and sites scattered over and around it.
fn random_case(seed: u64, n: usize, villages: usize, sites: usize) -> (RoadNetwork, Region) {
    let mut rng = Lcg(seed);
    let step = 0.0027;
    let nodes: Vec<LonLat> = (0..n * n)
        .map(|i| {
            p(
                119.0 + (i % n) as f64 * step + (rng.unit() - 0.5) * step * 0.4,
                26.0 + (i / n) as f64 * step + (rng.unit() - 0.5) * step * 0.4,
            )
        })
        .collect();
    let mut segments = Vec::new();
    for i in 0..n * n {
        for j in [i + 1, i + n] {
            if (j == i + 1 && (i + 1) % n == 0) || j >= n * n || rng.unit() < 0.1 {
                continue;
            }
            let speed = if rng.unit() < 0.3 { 3.0 } else { f64::INFINITY };
            segments.push(if rng.unit() < 0.2 {
                RoadSegment::one_way(nodes[i], nodes[j], speed)
            } else {
                RoadSegment::two_way(nodes[i], nodes[j], speed)
            });
        }
    }
    let extent = step * n as f64;
    let point = |rng: &mut Lcg| {
        p(
            119.0 - 0.002 + rng.unit() * (extent + 0.004),
            26.0 - 0.002 + rng.unit() * (extent + 0.004),
        )
    };
    let region = Region {
        villages: (0..villages)
            .map(|i| {
                let kind = if i % 3 == 0 {
                    AreaKind::Urban
                } else {
                    AreaKind::Rural
                };
                village(i, point(&mut rng), kind)
            })
            .collect(),
        candidates: (0..sites).map(|i| candidate(i, point(&mut rng))).collect(),
        ..Region::default()
    };
    (RoadNetwork::from_segments(segments), region)
}

/// Where a point meets the road, by brute force over every edge in a local plane: the two
/// ends, the share of the way from the first to the foot, and the straight leg in metres.
fn nearest_foot(net: &RoadNetwork, pos: LonLat) -> (NodeIndex, NodeIndex, f64, f64) {
    let g = net.graph();
    let cos = pos.lat.to_radians().cos();
    let plane = |p: LonLat| ((p.lon - pos.lon) * cos, p.lat - pos.lat);
    let mut best = (NodeIndex::new(0), NodeIndex::new(0), 0.0, f64::INFINITY);
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("an edge");
        let (pa, pb) = (plane(g[a]), plane(g[b]));
        let d = (pb.0 - pa.0, pb.1 - pa.1);
        let len2 = d.0 * d.0 + d.1 * d.1;
        let t = if len2 > 0.0 {
            (-(pa.0 * d.0 + pa.1 * d.1) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let foot = LonLat {
            lon: pos.lon + (pa.0 + t * d.0) / cos,
            lat: pos.lat + pa.1 + t * d.1,
        };
        let m = Haversine.distance(Point::new(pos.lon, pos.lat), Point::new(foot.lon, foot.lat));
        if m < best.3 - 1e-9 {
            best = (a, b, t, m);
        }
    }
    best
}

#[test]
fn network_times_agree_with_petgraph_and_are_never_below_crow_fly() {
    for seed in 1..=4 {
        let (net, region) = random_case(seed, 12, 60, 15);
        let model = net
            .clone()
            .with_modes(WALK, RIDE, &NetworkOptions::default());
        let limit = 15.0;
        let lists = model.reach(&region, &Query::within(limit));
        let g = net.graph();
        // The oracle: the nearest point of any road by brute force (every road here is two-way
        // and open to walking and riding), petgraph's Dijkstra from both ends of the village's
        // road to both ends of the site's, legs walked at 4 km/h.
        let mut expected = Vec::new();
        for (vi, v) in region.villages.iter().enumerate() {
            let mode = if v.kind == AreaKind::Urban {
                WALK
            } else {
                RIDE
            };
            let minutes = |m: f64, speed: f64| m * 60.0 / (speed * 1000.0);
            let edge_min =
                |e: petgraph::graph::EdgeReference<'_, yanglao::travel::network::RoadEdge>| {
                    let speed = f64::from(e.weight().speed_kmh[0]).min(mode.speed_kmh);
                    minutes(e.weight().length_m, speed)
                };
            // Minutes from one end to the other, infinity where the road is one-way against.
            let way = |a: NodeIndex, b: NodeIndex| {
                g.edges_connecting(a, b)
                    .map(edge_min)
                    .fold(f64::INFINITY, f64::min)
            };
            let share = |f: f64, m: f64| if f <= 0.0 { 0.0 } else { f * m };
            let (va, vb, vt, vleg) = nearest_foot(&net, v.pos);
            let from_a = dijkstra(g, va, None, edge_min);
            let from_b = dijkstra(g, vb, None, edge_min);
            let leg_v = minutes(vleg, 4.0);
            for si in 0..region.site_count() {
                let pos = region.site(SiteIdx(si as u32)).pos();
                let (sa, sb, st, sleg) = nearest_foot(&net, pos);
                let mut best = f64::INFINITY;
                let leave = [
                    (&from_a, share(vt, way(vb, va))),
                    (&from_b, share(1.0 - vt, way(va, vb))),
                ];
                let arrive = [
                    (sa, share(st, way(sa, sb))),
                    (sb, share(1.0 - st, way(sb, sa))),
                ];
                for (dist, off) in leave {
                    for (n, on) in arrive {
                        if let Some(d) = dist.get(&n) {
                            best = best.min(off + d + on);
                        }
                    }
                }
                if (va, vb) == (sa, sb) {
                    best = best.min(if vt <= st {
                        share(st - vt, way(va, vb))
                    } else {
                        share(vt - st, way(vb, va))
                    });
                }
                let t = leg_v + best + minutes(sleg, 4.0);
                // Stay clear of rounding at the limit.
                if (t - limit).abs() < 1e-6 {
                    continue;
                }
                if t <= limit {
                    expected.push((vi as u32, si as u32, t));
                }
            }
        }
        let mut got = Vec::new();
        for (v, list) in lists.iter() {
            for r in list {
                got.push((v.0, r.site.0, r.minutes));
                // Never faster than a straight line at the same speed.
                let vil = &region.villages[v.get()];
                let mode = if vil.kind == AreaKind::Urban {
                    WALK
                } else {
                    RIDE
                };
                let straight = crow_fly_minutes(
                    vil.pos,
                    region.site(r.site).pos(),
                    TravelMode {
                        detour: 1.0,
                        ..mode
                    },
                );
                assert!(r.minutes >= straight - 1e-4, "seed {seed}");
            }
        }
        got.sort_by_key(|a| (a.0, a.1));
        expected.sort_by_key(|a| (a.0, a.1));
        assert_eq!(got.len(), expected.len(), "seed {seed}");
        assert!(!got.is_empty());
        for (g, e) in got.iter().zip(&expected) {
            assert_eq!((g.0, g.1), (e.0, e.1), "seed {seed}");
            assert!((g.2 - e.2).abs() < 1e-3, "seed {seed}: {g:?} vs {e:?}");
        }
    }
}

#[test]
fn network_pairs_are_a_subset_of_crow_fly_pairs_at_detour_one() {
    let (net, region) = random_case(9, 15, 120, 30);
    let limit = 12.0;
    let lists = net
        .with_modes(WALK, RIDE, &NetworkOptions::default())
        .reach(&region, &Query::within(limit));
    let straight = CrowFly::new(
        TravelMode {
            detour: 1.0,
            ..WALK
        },
        TravelMode {
            detour: 1.0,
            ..RIDE
        },
    )
    .reach(&region, &Query::within(limit));
    assert!(lists.pair_count() > 0);
    for (v, list) in lists.iter() {
        for r in list {
            let c = straight
                .minutes(v, r.site)
                .expect("a network pair is also a crow-fly pair");
            assert!(r.minutes >= c - 1e-4);
        }
    }
}

#[test]
fn sequential_and_parallel_network_lists_are_identical() {
    let (net, region) = random_case(3, 20, 300, 40);
    let model = net.with_modes(WALK, RIDE, &NetworkOptions::default());
    for query in [Query::within(15.0), Query::within(40.0).nearest(3)] {
        let seq = model.reach(&region, &query.exec(Exec::Sequential));
        let par = model.reach(&region, &query.exec(Exec::Parallel));
        assert!(seq.pair_count() > 0);
        assert_eq!(seq, par);
        assert_eq!(seq.network(), par.network());
    }
    // Also inside a one-thread pool.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    let one = pool.install(|| model.reach(&region, &Query::within(15.0)));
    assert_eq!(one, model.reach(&region, &Query::within(15.0)));
}

#[test]
fn nearest_k_on_the_network_keeps_the_k_nearest() {
    let (net, region) = random_case(5, 12, 50, 20);
    let model = net.with_modes(WALK, RIDE, &NetworkOptions::default());
    let all = model.reach(&region, &Query::within(45.0));
    let subset: Vec<SiteIdx> = (0..20).step_by(2).map(SiteIdx).collect();
    let k = model.reach(&region, &Query::within(45.0).sites(&subset).nearest(2));
    for (v, list) in k.iter() {
        let want: Vec<SiteIdx> = all
            .sites_of(v)
            .iter()
            .filter(|r| r.site.0 % 2 == 0)
            .take(2)
            .map(|r| r.site)
            .collect();
        let got: Vec<SiteIdx> = list.iter().map(|r| r.site).collect();
        assert_eq!(got, want);
    }
}

#[test]
fn a_village_far_from_any_road_is_beyond_the_snap_limit() {
    // One road near 119.3 E; the village is 0.05° (about 5 km) away. With the default limit of
    // 1 km it does not enter the network and is listed as beyond the limit; with a 10 km limit
    // it is timed by its walk (75 min), so it still reaches nothing in 15 but in 90.
    let net = RoadNetwork::from_segments([RoadSegment::two_way(
        p(119.3, 26.0),
        p(119.3, 26.01),
        f64::INFINITY,
    )]);
    let region = Region {
        villages: vec![village(0, p(119.35, 26.0), AreaKind::Rural)],
        candidates: vec![candidate(0, p(119.3, 26.01))],
        ..Region::default()
    };
    let r = net
        .clone()
        .with_modes(WALK, RIDE, &NetworkOptions::default())
        .reach(&region, &Query::within(90.0));
    assert_eq!(r.pair_count(), 0);
    let s = r.network().expect("summary");
    assert_eq!(s.villages_beyond_snap, [VillageIdx(0)]);
    assert!(s.villages_off_main.is_empty());
    assert_eq!(s.snap_limit_m, 1000.0);

    let wide = NetworkOptions {
        snap_limit_m: 10_000.0,
        ..NetworkOptions::default()
    };
    let r = net.with_modes(WALK, RIDE, &wide);
    let s = r.reach(&region, &Query::within(15.0));
    assert_eq!(s.pair_count(), 0);
    let summary = s.network().expect("summary");
    assert!(summary.villages_beyond_snap.is_empty());
    assert!(summary.longest_snap_m > 4900.0);
    assert_eq!(summary.longest_village_snaps.len(), 1);
    assert_eq!(r.reach(&region, &Query::within(90.0)).pair_count(), 1);
}

/// A main street along 26.0 N (21 nodes, 0.001° apart) and the pieces real road files have
/// besides it: a 200 m stub 33 m from a community, a small ring holding a centre, and an
/// island 556 m north with its own community and centre.
#[test]
fn points_enter_the_network_where_it_leads_somewhere() {
    let dir = scratch_dir("network_pieces");
    let roads = dir.join("roads.csv");
    let mut csv = String::from("from_lon,from_lat,to_lon,to_lat\n");
    let mut seg = |a: (f64, f64), b: (f64, f64)| {
        csv.push_str(&format!("{},{},{},{}\n", a.0, a.1, b.0, b.1));
    };
    let lon = |k: u32| 119.3 + 0.001 * f64::from(k);
    for k in 0..20 {
        seg((lon(k), 26.0), (lon(k + 1), 26.0));
    }
    // The stub, unconnected, 33 m north of the street.
    seg((lon(5), 26.0003), (lon(7), 26.0003));
    // The ring: four nodes around (lon 15.5, 26.0008).
    let ring = [
        (lon(15), 26.0006),
        (lon(16), 26.0006),
        (lon(16), 26.001),
        (lon(15), 26.001),
    ];
    for i in 0..4 {
        seg(ring[i], ring[(i + 1) % 4]);
    }
    // The island.
    seg((lon(2), 26.005), (lon(3), 26.005));
    seg((lon(3), 26.005), (lon(4), 26.005));
    std::fs::write(&roads, csv).expect("write roads.csv");

    let home = (lon(6), 26.0006); // 33 m north of the stub, 67 m north of the street
    let ring_centre = (lon(15), 26.0004); // 22 m south of the ring, 44 m north of the street
    let region = Region {
        villages: vec![
            village(0, p(home.0, home.1), AreaKind::Urban),
            village(1, p(lon(12), 26.0), AreaKind::Urban),
            village(2, p(lon(2), 26.005), AreaKind::Urban),
        ],
        candidates: vec![
            candidate(0, p(lon(12), 26.0)),
            candidate(1, p(ring_centre.0, ring_centre.1)),
            candidate(2, p(lon(4), 26.005)),
        ],
        ..Region::default()
    };
    let r = travel::reach(&region, &travel_with(Some(roads))).expect("valid roads");
    // The community beside the stub enters at street node 6 and walks to node 12: 10.0 min,
    // not "unreachable".
    let to_c0 = walk_min(metres(home, (lon(6), 26.0)) + metres((lon(6), 26.0), (lon(12), 26.0)));
    // The ring's centre enters the street at node 15, 44 m away.
    let to_c1 = walk_min(
        metres(home, (lon(6), 26.0))
            + metres((lon(6), 26.0), (lon(15), 26.0))
            + metres((lon(15), 26.0), ring_centre),
    );
    assert!(to_c1 > 15.0);
    assert_close(lists_of(&r, 0), &[(0, to_c0)]);
    let v1_c1 =
        walk_min(metres((lon(12), 26.0), (lon(15), 26.0)) + metres((lon(15), 26.0), ring_centre));
    assert_close(lists_of(&r, 1), &[(0, 0.0), (1, v1_c1)]);
    // The island keeps its own community and centre: 200 m along its road.
    let island = walk_min(metres((lon(2), 26.005), (lon(4), 26.005)));
    assert_close(lists_of(&r, 2), &[(2, island)]);

    let summary = r.network().expect("network lists carry a summary");
    assert_eq!(summary.components, 4);
    assert_eq!(summary.villages_off_main, [VillageIdx(2)]);
    assert_eq!(summary.sites_off_main, [SiteIdx(2)]);
    assert!(summary.villages_beyond_snap.is_empty());
    assert_eq!(summary.longest_village_snaps[0].0, VillageIdx(0));
}

/// A village standing on a long road between two junctions enters the road where it stands,
/// not at a junction 1.3 km away: the county road layers have long segments.
#[test]
fn a_village_on_a_long_segment_enters_where_it_stands() {
    let dir = scratch_dir("network_long_segment");
    let roads = dir.join("roads.csv");
    std::fs::write(
        &roads,
        "from_lon,from_lat,to_lon,to_lat\n100.80,38.4,100.83,38.4\n",
    )
    .expect("write roads.csv");
    let region = Region {
        villages: vec![
            village(0, p(100.815, 38.4), AreaKind::Rural),
            // 300 m north of the road's middle.
            village(1, p(100.815, 38.4027), AreaKind::Rural),
        ],
        candidates: vec![candidate(0, p(100.80, 38.4))],
        ..Region::default()
    };
    let r = travel::reach(&region, &travel_with(Some(roads))).expect("valid roads");
    let ride = |m: f64| m * 60.0 / 12_000.0;
    let along = metres((100.815, 38.4), (100.80, 38.4));
    // Within 0.01 min: the road is the great circle between its ends, which bows about 0.1 m
    // north of the parallel the village stands on.
    let close = |got: Vec<(u32, f64)>, want: f64| {
        assert_eq!(got.len(), 1, "{got:?}");
        assert!((got[0].1 - want).abs() < 0.01, "{got:?} vs {want}");
    };
    close(lists_of(&r, 0), ride(along));
    let leg = metres((100.815, 38.4027), (100.815, 38.4));
    assert!((leg - 300.2).abs() < 1.0, "{leg}");
    close(lists_of(&r, 1), walk_min(leg) + ride(along));
    assert!(
        r.network()
            .expect("summary")
            .villages_beyond_snap
            .is_empty()
    );
}
