//! Road-network travel times: a directed graph of road segments, villages and sites snapped to
//! it, and a bounded Dijkstra from every site.
//!
//! # The graph
//!
//! Nodes are road endpoints. In `roads.csv` endpoints closer than 10⁻⁷° (about 1 cm) are the
//! same node; in OpenStreetMap ways meet only where they share a node id, so a footway on a
//! bridge and the street under it stay apart although their points coincide. Each segment
//! becomes one directed edge per direction it may be travelled in, with its haversine length
//! and a speed limit per [`Profile`] (0 = closed to that profile). A street that is one-way
//! for every profile therefore has a single edge.
//!
//! One-way rules are the same in both formats: `oneway` binds riding and driving (vehicles),
//! never walking; walking is bound only by `oneway:foot`, and `oneway:bicycle` overrides
//! `oneway` for riding.
//!
//! - `roads.csv` (see [`RoadNetwork::read`]): every profile may use every row; the optional
//!   `speed_kmh` is the road's own limit for all profiles; `oneway`, `oneway_foot` and
//!   `oneway_bicycle` as above. Every row is at street level.
//! - OpenStreetMap: the `highway` class gives a default speed per profile (the table
//!   [`HIGHWAY_SPEEDS_KMH`]), refined by the `access`, `foot`, `bicycle`, `motor_vehicle` and
//!   `maxspeed` tags. Tunnels, bridges, ways on another `layer` or `level`, indoor ways and
//!   corridors may be travelled but are not at street level (see Snapping).
//!
//! # Profiles and speeds
//!
//! Each area type travels with one profile: by default urban communities walk
//! ([`Profile::Walking`]) and rural villages ride ([`Profile::Riding`], bicycle or e-bike);
//! [`NetworkOptions`] can change either, e.g. to [`Profile::Driving`]. On an edge the speed
//! is the lower of the road's limit for the profile and the scenario's `speed_kmh` for the
//! area type, so the scenario's speed is the traveller's top speed. The detour factor does
//! not apply: the network is the detour.
//!
//! Because urban and rural villages may move at different speeds on different edges, the
//! search runs once per distinct (profile, speed) setting from each site: two Dijkstra runs
//! per site when the two area types differ, one when they are the same.
//!
//! # Snapping
//!
//! A point enters the network where a person standing there would: at the nearest point of a
//! street-level road piece that leads somewhere. For each setting (profile) the rules are:
//!
//! 1. Only nodes the profile may use count, and of those only street-level ones: a node
//!    touched by at least one way that is not a tunnel, bridge, indoor way or corridor and
//!    has no `layer`/`level` other than 0 (when no node is at street level, all count).
//! 2. The nodes fall into pieces: the weakly connected components of the edges the profile
//!    may use. A piece is *major* when it is the largest, when it holds at least
//!    [`MAJOR_PIECE_SHARE`] of the profile's nodes and [`MAJOR_PIECE_MIN_NODES`] nodes, or
//!    when it is the nearest piece of both a village of the setting and a site of the region
//!    (an island with its own roads, homes and centre). A stub, a tunnel piece or a footway
//!    fragment left unconnected by the data is not.
//! 3. The point snaps to the nearest point (the foot) of a road segment between two such
//!    nodes in a major piece within [`NetworkOptions::snap_limit_m`]; when none is that
//!    near, of any piece within the limit (a real island with its own roads); otherwise it is
//!    *beyond the snap limit* and reaches nothing, which [`NetworkSummary`] reports by id.
//!
//! Exact ties go to the lowest segment index. The straight leg between the point and its foot
//! is walked at [`NetworkOptions::snap_speed_kmh`] (4 km/h by default, never faster than the
//! area type's own speed); from the foot the trip goes along the segment to either end, in the
//! directions the profile may travel it, or straight along it to a site on the same segment.
//! So `time = village leg + network path + site leg`, which is never less than the crow-fly
//! time at the same speed with detour 1.
//!
//! # Direction and the limit
//!
//! Trips go from the village to the site, so one-way streets are followed in that direction:
//! the search from a site walks the edges backwards. It stops at the time limit, which is
//! inclusive (`time <= limit`). Runs from different sites are independent and spread over
//! rayon's threads; the result does not depend on the number of threads.
//!
//! # Disconnected pieces
//!
//! Real road files have pieces that do not touch the main network. They are not an error:
//! the snapping rules keep points off small pieces, and villages and sites that still land
//! outside the largest piece simply reach less. [`NetworkSummary`] (attached to the reach
//! lists) counts the pieces and lists the villages and sites snapped outside the largest one,
//! those beyond the snap limit and the longest snap legs, so `check` and the report can say
//! why they are not covered.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::unionfind::UnionFind;
use petgraph::visit::{EdgeRef, Reversed};
use rstar::RTree;

use crate::model::{AreaKind, LonLat, Region, SiteIdx, TravelMode, VillageIdx};

use super::dijkstra::{Scratch, bounded_dijkstra};
use super::sphere;
use super::{Exec, Query, Reach, ReachLists, TravelError, TravelModel};

pub use super::osm::{HIGHWAY_SPEEDS_KMH, highway_speeds_kmh};

/// How a traveller uses the road network: which roads are open and how fast.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Profile {
    /// On foot: every road but motorways; one-way streets may be walked both ways.
    Walking = 0,
    /// Bicycle or e-bike: no motorways, footways at pushing speed.
    Riding = 1,
    /// Car or motorcycle: roads open to motor vehicles.
    Driving = 2,
}

impl Profile {
    /// All profiles, in the order of the speed arrays.
    pub const ALL: [Profile; 3] = [Profile::Walking, Profile::Riding, Profile::Driving];

    /// The English name.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Walking => "walking",
            Profile::Riding => "riding",
            Profile::Driving => "driving",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One piece of road between two points, with a speed limit per [`Profile`] in each direction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoadSegment {
    /// One end (WGS-84).
    pub from: LonLat,
    /// The other end (WGS-84).
    pub to: LonLat,
    /// Limit from → to in km/h for walking, riding and driving; 0 closes the direction to the
    /// profile, infinity leaves only the traveller's own speed.
    pub forward_kmh: [f64; 3],
    /// Limit to → from, likewise.
    pub backward_kmh: [f64; 3],
    /// OpenStreetMap node ids of `from` and `to`: segments join where they share an id. `None`
    /// joins by position (within 10⁻⁷°), as `roads.csv` does.
    pub ends: Option<[i64; 2]>,
    /// Whether the segment is at street level, so a point may be snapped onto its ends; false
    /// for tunnels, bridges, indoor ways and other layers.
    pub street_level: bool,
}

impl RoadSegment {
    /// A road open both ways to every profile, with the road's limit `speed_kmh` (infinity
    /// for none).
    pub fn two_way(from: LonLat, to: LonLat, speed_kmh: f64) -> Self {
        Self {
            from,
            to,
            forward_kmh: [speed_kmh; 3],
            backward_kmh: [speed_kmh; 3],
            ends: None,
            street_level: true,
        }
    }

    /// A one-way road from `from` to `to`, open to every profile.
    pub fn one_way(from: LonLat, to: LonLat, speed_kmh: f64) -> Self {
        Self {
            from,
            to,
            forward_kmh: [speed_kmh; 3],
            backward_kmh: [0.0; 3],
            ends: None,
            street_level: true,
        }
    }
}

/// A directed edge of the road graph.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoadEdge {
    /// Haversine length in metres.
    pub length_m: f64,
    /// Limit in km/h for walking, riding and driving; 0 = closed.
    pub speed_kmh: [f32; 3],
}

/// A road graph with its weakly connected components.
#[derive(Clone, Debug)]
pub struct RoadNetwork {
    graph: DiGraph<LonLat, RoadEdge>,
    /// Per node: whether a street-level segment touches it.
    street_level: Vec<bool>,
    component: Vec<u32>,
    component_nodes: Vec<u32>,
    main: u32,
}

/// Settings of network travel beyond the scenario's speeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NetworkOptions {
    /// Profile of urban communities (default walking).
    pub urban: Profile,
    /// Profile of rural villages (default riding).
    pub rural: Profile,
    /// Speed of the straight legs between a point and its snapped node, km/h (default 4).
    pub snap_speed_kmh: f64,
    /// Longest straight leg between a point and its node, metres (default
    /// [`DEFAULT_SNAP_LIMIT_M`]); a point farther from every usable road reaches nothing.
    pub snap_limit_m: f64,
}

/// Default [`NetworkOptions::snap_limit_m`]: 1 km, a quarter of an hour at the 4 km/h of the
/// snap leg, so no point beyond it could reach a site within the 15-minute circle anyway.
pub const DEFAULT_SNAP_LIMIT_M: f64 = 1000.0;

/// Share of a profile's nodes from which a piece of network counts as major (see Snapping).
pub const MAJOR_PIECE_SHARE: f64 = 0.01;

/// Fewest nodes of a major piece other than the largest (see Snapping).
pub const MAJOR_PIECE_MIN_NODES: usize = 50;

impl Default for NetworkOptions {
    fn default() -> Self {
        Self {
            urban: Profile::Walking,
            rural: Profile::Riding,
            snap_speed_kmh: 4.0,
            snap_limit_m: DEFAULT_SNAP_LIMIT_M,
        }
    }
}

/// What the network looked like to one reach computation.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkSummary {
    /// Nodes of the graph.
    pub nodes: usize,
    /// Directed edges of the graph.
    pub edges: usize,
    /// Weakly connected components (pieces) of the graph.
    pub components: usize,
    /// Nodes in the largest piece.
    pub main_component_nodes: usize,
    /// Villages snapped to a node outside the largest piece.
    pub villages_off_main: Vec<VillageIdx>,
    /// Sites snapped to a node outside the largest piece (for any setting).
    pub sites_off_main: Vec<SiteIdx>,
    /// Villages whose profile may use no road at all.
    pub villages_without_road: Vec<VillageIdx>,
    /// Villages farther than the snap limit from every node their profile may use.
    pub villages_beyond_snap: Vec<VillageIdx>,
    /// Sites farther than the snap limit from every usable road (for any setting).
    pub sites_beyond_snap: Vec<SiteIdx>,
    /// The snap limit in force, metres.
    pub snap_limit_m: f64,
    /// The longest straight leg from a village or site to its node, in metres.
    pub longest_snap_m: f64,
    /// The villages with the longest snap legs, longest first (ties by index), at most
    /// [`LONGEST_SNAPS_LISTED`], with the leg in metres.
    pub longest_village_snaps: Vec<(VillageIdx, f64)>,
}

/// How many of the longest village snap legs [`NetworkSummary`] lists.
pub const LONGEST_SNAPS_LISTED: usize = 5;

/// Rounds a position to the node grid of 10⁻⁷ degrees.
fn node_key(p: LonLat) -> (i64, i64) {
    ((p.lon * 1e7).round() as i64, (p.lat * 1e7).round() as i64)
}

/// What makes two segment ends the same node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum NodeKey {
    /// The position on the 10⁻⁷° grid (`roads.csv`).
    At(i64, i64),
    /// An OpenStreetMap node id.
    Osm(i64),
}

impl NodeKey {
    fn of(p: LonLat, id: Option<i64>) -> Self {
        match id {
            Some(id) => NodeKey::Osm(id),
            None => {
                let (x, y) = node_key(p);
                NodeKey::At(x, y)
            }
        }
    }
}

/// Weakly connected components of the nodes under the edges `keep` admits: a label per node
/// (labels in order of first node) and the node count per label.
fn pieces(
    graph: &DiGraph<LonLat, RoadEdge>,
    keep: impl Fn(EdgeIndex) -> bool,
) -> (Vec<u32>, Vec<u32>) {
    let n = graph.node_count();
    let mut sets = UnionFind::<usize>::new(n);
    for e in graph.edge_references() {
        if keep(e.id()) {
            sets.union(e.source().index(), e.target().index());
        }
    }
    let mut label_of_root: HashMap<usize, u32> = HashMap::new();
    let mut label = Vec::with_capacity(n);
    let mut size: Vec<u32> = Vec::new();
    for i in 0..n {
        let next = label_of_root.len() as u32;
        let l = *label_of_root.entry(sets.find(i)).or_insert(next);
        if l == next {
            size.push(0);
        }
        size[l as usize] += 1;
        label.push(l);
    }
    (label, size)
}

impl RoadNetwork {
    /// Builds the graph from road segments; segments whose ends are the same node are
    /// dropped, and so are directions closed to every profile.
    pub fn from_segments(segments: impl IntoIterator<Item = RoadSegment>) -> Self {
        let mut graph = DiGraph::<LonLat, RoadEdge>::new();
        let mut street_level: Vec<bool> = Vec::new();
        let mut nodes: HashMap<NodeKey, NodeIndex> = HashMap::new();
        let mut node = |graph: &mut DiGraph<LonLat, RoadEdge>, key: NodeKey, p: LonLat| {
            *nodes.entry(key).or_insert_with(|| graph.add_node(p))
        };
        let open = |s: &[f64; 3]| s.iter().any(|v| *v > 0.0);
        let limits = |s: &[f64; 3]| s.map(|v| if v > 0.0 { v as f32 } else { 0.0 });
        for seg in segments {
            let from = NodeKey::of(seg.from, seg.ends.map(|e| e[0]));
            let to = NodeKey::of(seg.to, seg.ends.map(|e| e[1]));
            if !(open(&seg.forward_kmh) || open(&seg.backward_kmh))
                || from == to
                || node_key(seg.from) == node_key(seg.to)
            {
                continue;
            }
            let a = node(&mut graph, from, seg.from);
            let b = node(&mut graph, to, seg.to);
            street_level.resize(graph.node_count(), false);
            if seg.street_level {
                street_level[a.index()] = true;
                street_level[b.index()] = true;
            }
            let length_m = sphere::haversine_m(graph[a], graph[b]);
            if open(&seg.forward_kmh) {
                graph.add_edge(
                    a,
                    b,
                    RoadEdge {
                        length_m,
                        speed_kmh: limits(&seg.forward_kmh),
                    },
                );
            }
            if open(&seg.backward_kmh) {
                graph.add_edge(
                    b,
                    a,
                    RoadEdge {
                        length_m,
                        speed_kmh: limits(&seg.backward_kmh),
                    },
                );
            }
        }
        street_level.resize(graph.node_count(), false);
        Self::with_components(graph, street_level)
    }

    fn with_components(graph: DiGraph<LonLat, RoadEdge>, street_level: Vec<bool>) -> Self {
        let (component, component_nodes) = pieces(&graph, |_| true);
        let main = largest(&graph, &component, &component_nodes);
        Self {
            graph,
            street_level,
            component,
            component_nodes,
            main,
        }
    }

    /// Reads a road file: OpenStreetMap when the name ends in `.pbf` (see
    /// [`is_osm_pbf`](super::is_osm_pbf)), otherwise `roads.csv` (columns `from_lon,
    /// from_lat, to_lon, to_lat[, speed_kmh][, oneway]`, WGS-84; every problem is reported
    /// at once with its line and column).
    pub fn read(path: &Path) -> Result<Self, TravelError> {
        let segments = if super::is_osm_pbf(path) {
            super::osm::read(path)?
        } else {
            super::roads_csv::read(path)?
        };
        let net = Self::from_segments(segments);
        if net.graph.edge_count() == 0 {
            return Err(TravelError::NoRoads {
                path: path.to_path_buf(),
            });
        }
        Ok(net)
    }

    /// The petgraph graph: node weights are positions, edge weights [`RoadEdge`]s.
    pub fn graph(&self) -> &DiGraph<LonLat, RoadEdge> {
        &self.graph
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of directed edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Number of weakly connected components.
    pub fn component_count(&self) -> usize {
        self.component_nodes.len()
    }

    /// The travel model of this network with the scenario's modes.
    pub fn with_modes(
        self,
        urban: TravelMode,
        rural: TravelMode,
        options: &NetworkOptions,
    ) -> NetworkTravel {
        let setting = |profile: Profile, mode: TravelMode| Setting {
            profile,
            speed_kmh: mode.speed_kmh,
            snap_kmh: options.snap_speed_kmh.min(mode.speed_kmh),
            snap_limit_m: options.snap_limit_m,
        };
        NetworkTravel {
            net: self,
            urban: setting(options.urban, urban),
            rural: setting(options.rural, rural),
            cache: SnapCache::default(),
        }
    }
}

/// The largest piece; among equals the one holding the westernmost node (then the
/// southernmost), so that the choice does not depend on the order of the road file.
fn largest(graph: &DiGraph<LonLat, RoadEdge>, label: &[u32], sizes: &[u32]) -> u32 {
    let mut corner = vec![(i64::MAX, i64::MAX); sizes.len()];
    for (n, &l) in label.iter().enumerate() {
        let key = node_key(graph[NodeIndex::new(n)]);
        corner[l as usize] = corner[l as usize].min(key);
    }
    (0..sizes.len() as u32)
        .max_by(|a, b| {
            sizes[*a as usize]
                .cmp(&sizes[*b as usize])
                .then(corner[*b as usize].cmp(&corner[*a as usize]))
        })
        .unwrap_or(0)
}

/// How one area type moves on the network.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Setting {
    profile: Profile,
    speed_kmh: f64,
    snap_kmh: f64,
    snap_limit_m: f64,
}

/// The road-network travel model: a [`RoadNetwork`] with a setting per area type.
#[derive(Clone, Debug)]
pub struct NetworkTravel {
    net: RoadNetwork,
    urban: Setting,
    rural: Setting,
    cache: SnapCache,
}

/// Every village and site of one region snapped, per setting.
struct Snapped {
    prepared: Vec<Prepared>,
    village_entries: Vec<Entry>,
    /// Per setting, per site of the region.
    site_entries: Vec<Vec<Entry>>,
}

/// The last region's [`Snapped`], by its fingerprint; a clone starts empty.
#[derive(Default)]
struct SnapCache(Mutex<Option<(u64, Arc<Snapped>)>>);

impl Clone for SnapCache {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for SnapCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SnapCache")
    }
}

/// A hash of everything snapping reads from a region: the positions and area types of its
/// villages and the positions of its sites, in order.
fn fingerprint(region: &Region) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    region.villages.len().hash(&mut h);
    for v in &region.villages {
        (v.pos.lon.to_bits(), v.pos.lat.to_bits(), v.kind as u8).hash(&mut h);
    }
    region.site_count().hash(&mut h);
    for i in 0..region.site_count() {
        let p = region.site(SiteIdx(i as u32)).pos();
        (p.lon.to_bits(), p.lat.to_bits()).hash(&mut h);
    }
    h.finish()
}

/// A point snapped onto a road piece: the foot `P` of the straight leg on segment `seg`, at
/// `t` of the way from its end `a` to its end `b`.
#[derive(Clone, Copy, Debug)]
struct Snap {
    /// The segment ([`Prepared::segments`]).
    seg: u32,
    /// Where the foot lies, 0 at `a`, 1 at `b`.
    t: f64,
    /// The end node nearer the foot (for piece membership and reports).
    node: u32,
    /// Minutes of the straight leg.
    leg_min: f64,
    /// Metres of the straight leg.
    leg_m: f64,
    /// Leaving from the foot: each end node with the minutes along the segment to reach it
    /// (infinity where the direction is closed).
    out: [(u32, f64); 2],
    /// Arriving at the foot: each end node with the minutes along the segment from it.
    into: [(u32, f64); 2],
}

/// The sources of a search from a site snapped as `start`: each end of its segment with the
/// site's leg and the way along the segment to the site.
fn sources(start: &Snap) -> Vec<(NodeIndex, f64)> {
    start
        .into
        .iter()
        .filter(|(_, m)| m.is_finite())
        .map(|&(n, m)| (NodeIndex::new(n as usize), start.leg_min + m))
        .collect()
}

/// Minutes to cover `share` of a segment taking `minutes` end to end: 0 for no way at all,
/// even along a closed direction (infinite minutes).
fn along(share: f64, minutes: f64) -> f64 {
    if share <= 0.0 { 0.0 } else { share * minutes }
}

/// An undirected road piece between two snap targets, with the minutes each way.
#[derive(Clone, Copy, Debug)]
struct Segment {
    a: u32,
    b: u32,
    /// Minutes from `a` to `b` (infinity when closed to the profile).
    ab_min: f64,
    /// Minutes from `b` to `a`.
    ba_min: f64,
}

/// A segment in the R-tree: its chord in Earth-centred coordinates and its index.
type IndexedSegment = rstar::primitives::GeomWithData<rstar::primitives::Line<[f64; 3]>, u32>;

/// Where a point enters the network, if anywhere.
#[derive(Clone, Copy, Debug)]
enum Entry {
    At(Snap),
    /// Every usable road lies beyond the snap limit.
    BeyondLimit,
    /// The profile may use no road at all.
    NoRoad,
}

impl Entry {
    fn snap(self) -> Option<Snap> {
        match self {
            Entry::At(s) => Some(s),
            _ => None,
        }
    }
}

/// Everything one setting needs for its searches.
struct Prepared {
    setting: Setting,
    /// Minutes per edge index; infinity when closed.
    edge_min: Vec<f64>,
    /// Per node: its piece under the profile's edges.
    piece: Vec<u32>,
    /// Per piece: whether it is major (see Snapping); pieces holding a village's and a site's
    /// nearest node are added by [`NetworkTravel::settle`].
    major_piece: Vec<bool>,
    /// Road pieces a point may snap onto: between two usable street-level nodes.
    segments: Vec<Segment>,
    /// Segments of major pieces (built by [`NetworkTravel::settle`]).
    major: RTree<IndexedSegment>,
    /// Segments of every piece.
    any: RTree<IndexedSegment>,
    /// Villages of this setting per node (compressed rows): village index and leg minutes.
    offsets: Vec<u32>,
    at_node: Vec<(u32, f64)>,
    min_leg: f64,
    /// Villages of this setting per segment: village, position on it and leg minutes, for
    /// trips that stay on one segment.
    on_segment: HashMap<u32, Vec<(u32, f64, f64)>>,
}

impl NetworkTravel {
    /// The road network.
    pub fn network(&self) -> &RoadNetwork {
        &self.net
    }

    fn setting(&self, kind: AreaKind) -> Setting {
        match kind {
            AreaKind::Urban => self.urban,
            AreaKind::Rural => self.rural,
        }
    }

    fn prepare(&self, setting: Setting) -> Prepared {
        let g = &self.net.graph;
        let p = setting.profile.index();
        let mut usable = vec![false; g.node_count()];
        let edge_min = g
            .edge_references()
            .map(|e| {
                let w = e.weight();
                let speed = f64::from(w.speed_kmh[p]).min(setting.speed_kmh);
                if speed > 0.0 {
                    usable[e.source().index()] = true;
                    usable[e.target().index()] = true;
                    super::minutes_at(w.length_m, speed)
                } else {
                    f64::INFINITY
                }
            })
            .collect();
        let edge_min: Vec<f64> = edge_min;
        let (piece, size) = pieces(g, |e| edge_min[e.index()].is_finite());
        let usable_nodes = usable.iter().filter(|u| **u).count();
        let main = largest(g, &piece, &size);
        let major: Vec<bool> = size
            .iter()
            .enumerate()
            .map(|(l, &n)| {
                l as u32 == main
                    || (n as usize >= MAJOR_PIECE_MIN_NODES
                        && n as f64 >= MAJOR_PIECE_SHARE * usable_nodes as f64)
            })
            .collect();
        let any_street = (0..g.node_count()).any(|n| usable[n] && self.net.street_level[n]);
        let snap_target: Vec<bool> = (0..g.node_count())
            .map(|n| usable[n] && (!any_street || self.net.street_level[n]))
            .collect();
        // Undirected pieces between snap targets, the quickest each way.
        let mut by_pair: HashMap<(u32, u32), usize> = HashMap::new();
        let mut segments: Vec<Segment> = Vec::new();
        for e in g.edge_references() {
            let (u, v) = (e.source().index() as u32, e.target().index() as u32);
            let w = edge_min[e.id().index()];
            if !w.is_finite() || !snap_target[u as usize] || !snap_target[v as usize] {
                continue;
            }
            let (a, b, forward) = if u < v { (u, v, true) } else { (v, u, false) };
            let i = *by_pair.entry((a, b)).or_insert_with(|| {
                segments.push(Segment {
                    a,
                    b,
                    ab_min: f64::INFINITY,
                    ba_min: f64::INFINITY,
                });
                segments.len() - 1
            });
            let seg = &mut segments[i];
            if forward {
                seg.ab_min = seg.ab_min.min(w);
            } else {
                seg.ba_min = seg.ba_min.min(w);
            }
        }
        let any = self.segment_tree(&segments, |_| true);
        Prepared {
            setting,
            edge_min,
            any,
            major: RTree::new(),
            piece,
            major_piece: major,
            segments,
            offsets: Vec::new(),
            at_node: Vec::new(),
            min_leg: f64::INFINITY,
            on_segment: HashMap::new(),
        }
    }

    /// Every village and site of `region` snapped, per setting; computed once per region and
    /// kept, so the reach lists and the nearest-k lists of one run snap once.
    fn snapped(&self, region: &Region, exec: Exec) -> Arc<Snapped> {
        let key = fingerprint(region);
        let mut cache = self.cache.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((k, snapped)) = &*cache
            && *k == key
        {
            return Arc::clone(snapped);
        }
        let snapped = Arc::new(self.snap_all(region, exec));
        *cache = Some((key, Arc::clone(&snapped)));
        snapped
    }

    fn snap_all(&self, region: &Region, exec: Exec) -> Snapped {
        let g = &self.net.graph;
        // The distinct settings the villages use.
        let mut prepared: Vec<Prepared> = Vec::new();
        let setting_of_kind = |kind: AreaKind, prepared: &mut Vec<Prepared>| {
            let s = self.setting(kind);
            match prepared.iter().position(|p| p.setting == s) {
                Some(i) => i,
                None => {
                    prepared.push(self.prepare(s));
                    prepared.len() - 1
                }
            }
        };
        let village_setting: Vec<usize> = region
            .villages
            .iter()
            .map(|v| setting_of_kind(v.kind, &mut prepared))
            .collect();
        // Every site of the region counts here, not only the query's, so that a point enters
        // the network at the same node whichever sites a query asks about.
        let all_sites: Vec<LonLat> = (0..region.site_count())
            .map(|i| region.site(SiteIdx(i as u32)).pos())
            .collect();
        for (i, prep) in prepared.iter_mut().enumerate() {
            let villages: Vec<LonLat> = region
                .villages
                .iter()
                .zip(&village_setting)
                .filter(|(_, s)| **s == i)
                .map(|(v, _)| v.pos)
                .collect();
            self.settle(prep, &villages, &all_sites, exec);
        }

        // Snap villages, then group them by node per setting.
        let village_entries: Vec<Entry> = exec.map(region.villages.len(), |v| {
            self.snap(&prepared[village_setting[v]], region.villages[v].pos)
        });
        let village_snaps: Vec<Option<Snap>> = village_entries.iter().map(|e| e.snap()).collect();
        for (i, prep) in prepared.iter_mut().enumerate() {
            // Each village at both ends of its segment, with the leg and the way along it.
            let ends = |s: &Snap| s.out.into_iter().filter(|(_, m)| m.is_finite());
            let mut counts = vec![0u32; g.node_count() + 1];
            for (v, snap) in village_snaps.iter().enumerate() {
                if let (true, Some(s)) = (village_setting[v] == i, snap) {
                    for (n, _) in ends(s) {
                        counts[n as usize + 1] += 1;
                    }
                }
            }
            for n in 0..g.node_count() {
                counts[n + 1] += counts[n];
            }
            let mut fill = counts.clone();
            let mut at_node = vec![(0u32, 0.0f64); counts[g.node_count()] as usize];
            let mut on_segment: HashMap<u32, Vec<(u32, f64, f64)>> = HashMap::new();
            for (v, snap) in village_snaps.iter().enumerate() {
                if let (true, Some(s)) = (village_setting[v] == i, snap) {
                    for (n, along) in ends(s) {
                        let slot = &mut fill[n as usize];
                        at_node[*slot as usize] = (v as u32, s.leg_min + along);
                        *slot += 1;
                        prep.min_leg = prep.min_leg.min(s.leg_min + along);
                    }
                    on_segment
                        .entry(s.seg)
                        .or_default()
                        .push((v as u32, s.t, s.leg_min));
                }
            }
            prep.offsets = counts;
            prep.at_node = at_node;
            prep.on_segment = on_segment;
        }

        // Snap every site once per setting.
        let site_entries: Vec<Vec<Entry>> = prepared
            .iter()
            .map(|prep| exec.map(all_sites.len(), |i| self.snap(prep, all_sites[i])))
            .collect();
        Snapped {
            prepared,
            village_entries,
            site_entries,
        }
    }

    /// An R-tree of the segments `keep` admits, as chords in Earth-centred coordinates.
    fn segment_tree(
        &self,
        segments: &[Segment],
        keep: impl Fn(&Segment) -> bool,
    ) -> RTree<IndexedSegment> {
        let g = &self.net.graph;
        let at = |n: u32| sphere::xyz(g[NodeIndex::new(n as usize)]);
        RTree::bulk_load(
            segments
                .iter()
                .enumerate()
                .filter(|(_, s)| keep(s))
                .map(|(i, s)| {
                    rstar::primitives::GeomWithData::new(
                        rstar::primitives::Line::new(at(s.a), at(s.b)),
                        i as u32,
                    )
                })
                .collect(),
        )
    }

    /// Completes the major pieces of `prepared` with every piece that holds the nearest snap
    /// target of one of `villages` and of one of `sites` (a real island with its own roads,
    /// homes and centre), then builds the tree of major snap targets.
    fn settle(&self, prepared: &mut Prepared, villages: &[LonLat], sites: &[LonLat], exec: Exec) {
        let pieces_of = |points: &[LonLat]| -> Vec<bool> {
            let nearest = exec.map(points.len(), |i| {
                self.nearest(
                    &prepared.any,
                    &prepared.segments,
                    points[i],
                    prepared.setting.snap_kmh,
                )
                .filter(|s| s.leg_m <= prepared.setting.snap_limit_m)
                .map(|s| prepared.piece[s.node as usize])
            });
            let mut held = vec![false; prepared.major_piece.len()];
            for p in nearest.into_iter().flatten() {
                held[p as usize] = true;
            }
            held
        };
        let with_village = pieces_of(villages);
        let with_site = pieces_of(sites);
        for (p, major) in prepared.major_piece.iter_mut().enumerate() {
            *major |= with_village[p] && with_site[p];
        }
        let (piece, major) = (&prepared.piece, &prepared.major_piece);
        prepared.major =
            self.segment_tree(&prepared.segments, |s| major[piece[s.a as usize] as usize]);
    }

    /// The entry of a point by the snapping rules of the module doc.
    fn snap(&self, prepared: &Prepared, pos: LonLat) -> Entry {
        if prepared.any.size() == 0 {
            return Entry::NoRoad;
        }
        let limit = prepared.setting.snap_limit_m;
        for tree in [&prepared.major, &prepared.any] {
            if let Some(snap) =
                self.nearest(tree, &prepared.segments, pos, prepared.setting.snap_kmh)
                && snap.leg_m <= limit
            {
                return Entry::At(snap);
            }
        }
        Entry::BeyondLimit
    }

    /// The nearest point of the segments of `tree` to `pos` (exact ties to the lowest index),
    /// with the straight leg and the minutes along the segment to and from its ends.
    fn nearest(
        &self,
        tree: &RTree<IndexedSegment>,
        segments: &[Segment],
        pos: LonLat,
        snap_kmh: f64,
    ) -> Option<Snap> {
        let at = sphere::xyz(pos);
        let mut best: Option<(u32, f64)> = None;
        for (hit, d2) in tree.nearest_neighbor_iter_with_distance_2(&at) {
            match best {
                Some((_, first)) if d2 > first => break,
                Some((seg, _)) if seg <= hit.data => {}
                _ => best = Some((hit.data, d2)),
            }
        }
        let (seg, _) = best?;
        let s = segments[seg as usize];
        let g = &self.net.graph;
        let (pa, pb) = (
            sphere::xyz(g[NodeIndex::new(s.a as usize)]),
            sphere::xyz(g[NodeIndex::new(s.b as usize)]),
        );
        let d: [f64; 3] = std::array::from_fn(|k| pb[k] - pa[k]);
        let len2: f64 = d.iter().map(|x| x * x).sum();
        let t = if len2 > 0.0 {
            ((0..3).map(|k| (at[k] - pa[k]) * d[k]).sum::<f64>() / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        // At an end the foot is that node exactly, so a point on a node has no leg at all.
        let foot = if t <= 0.0 {
            g[NodeIndex::new(s.a as usize)]
        } else if t >= 1.0 {
            g[NodeIndex::new(s.b as usize)]
        } else {
            sphere::lonlat(std::array::from_fn(|k| pa[k] + t * d[k]))
        };
        let leg_m = sphere::haversine_m(pos, foot);
        Some(Snap {
            seg,
            t,
            node: if t <= 0.5 { s.a } else { s.b },
            leg_min: super::minutes_at(leg_m, snap_kmh),
            leg_m,
            out: [(s.a, along(t, s.ba_min)), (s.b, along(1.0 - t, s.ab_min))],
            into: [(s.a, along(t, s.ab_min)), (s.b, along(1.0 - t, s.ba_min))],
        })
    }
}

/// Half-width of the corridor drawn along each reachable road piece of a network service
/// area, metres: the homes on either side of a street the area stands for.
pub const SERVICE_AREA_WIDTH_M: f64 = 100.0;

impl NetworkTravel {
    /// The service area of `site` for travellers of `kind`: every road piece from which the
    /// site is reached within `minutes` (an edge partly, up to the point where the time runs
    /// out), widened by [`SERVICE_AREA_WIDTH_M`] on each side. `None` when the site does not
    /// enter the network or no road of the kind's setting reaches it.
    fn service_area(
        &self,
        snapped: &Snapped,
        region: &Region,
        site: SiteIdx,
        kind: AreaKind,
        minutes: f64,
        scratch: &mut Scratch,
    ) -> Option<geo::MultiPolygon<f64>> {
        use geo::{Buffer, Coord, LineString, MultiLineString};
        let setting = self.setting(kind);
        let s = snapped.prepared.iter().position(|p| p.setting == setting)?;
        let prep = &snapped.prepared[s];
        let start = snapped.site_entries[s][site.get()].snap()?;
        let g = &self.net.graph;
        let mut cost: HashMap<u32, f64> = HashMap::new();
        bounded_dijkstra(
            Reversed(g),
            &sources(&start),
            minutes,
            |e| prep.edge_min[EdgeIndex::index(e.id())],
            scratch,
            |node, c| {
                cost.insert(node.index() as u32, c);
            },
        );
        // A local plane around the site, metres east and north.
        let origin = region.site(site).pos();
        let plane = sphere::LocalPlane::around(origin);
        let to_plane = |p: LonLat| plane.to_plane(p);
        let seg = prep.segments[start.seg as usize];
        let (pa, pb) = (
            to_plane(g[NodeIndex::new(seg.a as usize)]),
            to_plane(g[NodeIndex::new(seg.b as usize)]),
        );
        let foot = Coord {
            x: pa.x + start.t * (pb.x - pa.x),
            y: pa.y + start.t * (pb.y - pa.y),
        };
        let mut lines: Vec<LineString<f64>> = vec![LineString::new(vec![to_plane(origin), foot])];
        // Straight along the site's own segment to its foot: from the `a` side a traveller
        // goes a → b, from the `b` side b → a.
        let spare = minutes - start.leg_min;
        for (end, whole, share_max) in [(pa, seg.ab_min, start.t), (pb, seg.ba_min, 1.0 - start.t)]
        {
            if spare > 0.0 && whole.is_finite() && share_max > 0.0 {
                let share = if whole > 0.0 {
                    (spare / whole).min(share_max)
                } else {
                    share_max
                };
                let f = share / share_max;
                lines.push(LineString::new(vec![
                    foot,
                    Coord {
                        x: foot.x + f * (end.x - foot.x),
                        y: foot.y + f * (end.y - foot.y),
                    },
                ]));
            }
        }
        for e in g.edge_references() {
            // A traveller goes u → v, then on to the site from v.
            let (u, v) = (e.source(), e.target());
            let Some(&at_v) = cost.get(&(v.index() as u32)) else {
                continue;
            };
            let w = prep.edge_min[e.id().index()];
            if !w.is_finite() {
                continue;
            }
            let share = if w > 0.0 {
                ((minutes - at_v) / w).clamp(0.0, 1.0)
            } else {
                1.0
            };
            let (a, b) = (to_plane(g[v]), to_plane(g[u]));
            lines.push(LineString::new(vec![
                a,
                Coord {
                    x: a.x + share * (b.x - a.x),
                    y: a.y + share * (b.y - a.y),
                },
            ]));
        }
        let area = MultiLineString::new(lines).buffer(SERVICE_AREA_WIDTH_M);
        Some(geo::MapCoords::map_coords(&area, |c| plane.to_degrees(c)))
    }
}

impl TravelModel for NetworkTravel {
    fn service_areas(
        &self,
        region: &Region,
        sites: &[(SiteIdx, AreaKind)],
        minutes: f64,
        exec: Exec,
    ) -> Option<Vec<geo::MultiPolygon<f64>>> {
        let snapped = self.snapped(region, exec);
        // One area per travel profile the villages use (walking for urban communities, riding
        // for rural villages by default), joined: a village of either kind inside its own
        // profile's area reaches the site.
        let kinds: Vec<AreaKind> = [AreaKind::Urban, AreaKind::Rural]
            .into_iter()
            .filter(|k| region.villages.iter().any(|v| v.kind == *k))
            .collect();
        let areas = exec.map_with(sites.len(), Scratch::default, |scratch, i| {
            let (site, _) = sites[i];
            let mut area = geo::MultiPolygon::new(Vec::new());
            for &kind in &kinds {
                if let Some(more) =
                    self.service_area(&snapped, region, site, kind, minutes, scratch)
                {
                    area = if area.0.is_empty() {
                        more
                    } else {
                        geo::BooleanOps::union(&area, &more)
                    };
                }
            }
            area
        });
        Some(areas)
    }

    fn reach(&self, region: &Region, query: &Query<'_>) -> ReachLists {
        let sites = query.site_list(region.site_count());
        let limit = query.max_minutes;
        let exec = query.exec;
        let g = &self.net.graph;

        let snapped = self.snapped(region, exec);
        let Snapped {
            prepared,
            village_entries,
            site_entries: all_site_entries,
        } = &*snapped;
        // The query's sites, per setting.
        let site_entries: Vec<Vec<Entry>> = all_site_entries
            .iter()
            .map(|per| sites.iter().map(|s| per[s.get()]).collect())
            .collect();
        let site_snaps: Vec<Vec<Option<Snap>>> = site_entries
            .iter()
            .map(|per| per.iter().map(|e| e.snap()).collect())
            .collect();

        // One bounded search per (site, setting), walking edges backwards: village → site.
        let settings = prepared.len();
        let skip = query.nearest == Some(0);
        let budget = super::PairBudget::of(query);
        let reversed = Reversed(g);
        let found: Vec<Vec<(u32, f64)>> =
            exec.map_with(sites.len() * settings, Scratch::default, |scratch, job| {
                let (site, s) = (job / settings, job % settings);
                let prep = &prepared[s];
                let Some(start) = site_snaps[s][site] else {
                    return Vec::new();
                };
                if skip || prep.at_node.is_empty() || budget.spent() {
                    return Vec::new();
                }
                let mut out = Vec::new();
                // A village on the site's own segment may go straight along it.
                let seg = prep.segments[start.seg as usize];
                for &(v, t, leg) in prep.on_segment.get(&start.seg).map_or(&[][..], |x| x) {
                    let along = if t <= start.t {
                        along(start.t - t, seg.ab_min)
                    } else {
                        along(t - start.t, seg.ba_min)
                    };
                    let minutes = leg + along + start.leg_min;
                    if minutes <= limit {
                        out.push((v, minutes));
                    }
                }
                bounded_dijkstra(
                    reversed,
                    &sources(&start),
                    limit - prep.min_leg,
                    |e| prep.edge_min[EdgeIndex::index(e.id())],
                    scratch,
                    |node, cost| {
                        let n = node.index();
                        let here = prep.offsets[n] as usize..prep.offsets[n + 1] as usize;
                        for &(v, leg) in &prep.at_node[here] {
                            let minutes = cost + leg;
                            if minutes <= limit {
                                out.push((v, minutes));
                            }
                        }
                    },
                );
                // A village attached at both ends of its segment is found twice: keep the
                // quicker.
                out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
                out.dedup_by_key(|x| x.0);
                if budget.admit(out.len()) {
                    out
                } else {
                    Vec::new()
                }
            });

        let mut rows: Vec<Vec<Reach>> = vec![Vec::new(); region.villages.len()];
        for (job, list) in found.into_iter().enumerate() {
            let site = sites[job / settings];
            for (v, minutes) in list {
                rows[v as usize].push(Reach { site, minutes });
            }
        }

        let main = self.net.main;
        let off_main = |s: &Snap| self.net.component[s.node as usize] != main;
        let mut summary = NetworkSummary {
            nodes: g.node_count(),
            edges: g.edge_count(),
            components: self.net.component_count(),
            main_component_nodes: self
                .net
                .component_nodes
                .get(main as usize)
                .map_or(0, |n| *n as usize),
            villages_off_main: Vec::new(),
            sites_off_main: Vec::new(),
            villages_without_road: Vec::new(),
            villages_beyond_snap: Vec::new(),
            sites_beyond_snap: Vec::new(),
            snap_limit_m: self.urban.snap_limit_m,
            longest_snap_m: 0.0,
            longest_village_snaps: Vec::new(),
        };
        let mut legs: Vec<(VillageIdx, f64)> = Vec::new();
        for (v, entry) in village_entries.iter().enumerate() {
            let id = VillageIdx(v as u32);
            match entry {
                Entry::NoRoad => summary.villages_without_road.push(id),
                Entry::BeyondLimit => summary.villages_beyond_snap.push(id),
                Entry::At(s) => {
                    summary.longest_snap_m = summary.longest_snap_m.max(s.leg_m);
                    legs.push((id, s.leg_m));
                    if off_main(s) {
                        summary.villages_off_main.push(id);
                    }
                }
            }
        }
        legs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        legs.truncate(LONGEST_SNAPS_LISTED);
        summary.longest_village_snaps = legs;
        for (i, site) in sites.iter().enumerate() {
            let mut off = false;
            let mut beyond = false;
            for per in &site_entries {
                match per[i] {
                    Entry::At(s) => {
                        summary.longest_snap_m = summary.longest_snap_m.max(s.leg_m);
                        off |= off_main(&s);
                    }
                    Entry::BeyondLimit => beyond = true,
                    Entry::NoRoad => {}
                }
            }
            if off {
                summary.sites_off_main.push(*site);
            }
            if beyond {
                summary.sites_beyond_snap.push(*site);
            }
        }
        ReachLists::from_rows(limit, region.site_count(), rows, query.nearest)
            .with_network(summary)
            .with_over_budget(budget.spent())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }

    #[test]
    fn endpoints_merge_and_one_way_streets_have_one_edge() {
        let net = RoadNetwork::from_segments([
            RoadSegment::two_way(p(119.0, 26.0), p(119.001, 26.0), f64::INFINITY),
            // The same point written with noise below 1 cm.
            RoadSegment::one_way(p(119.001_000_000_1, 26.0), p(119.002, 26.0), 30.0),
            // Degenerate and closed segments are dropped.
            RoadSegment::two_way(p(119.5, 26.0), p(119.5, 26.0), 30.0),
            RoadSegment::two_way(p(119.6, 26.0), p(119.7, 26.0), 0.0),
        ]);
        assert_eq!(net.node_count(), 3);
        assert_eq!(net.edge_count(), 3);
        assert_eq!(net.component_count(), 1);
    }

    /// One urban community of 10 elderly and one candidate centre.
    fn home_and_centre(home: LonLat, centre: LonLat) -> Region {
        use crate::model::{Allow, Candidate, Village};
        Region {
            villages: vec![Village {
                id: "V".into(),
                name: String::new(),
                township: String::new(),
                pos: home,
                elderly: 10,
                elderly_80: None,
                disabled: None,
                kind: AreaKind::Urban,
            }],
            candidates: vec![Candidate {
                id: "C".into(),
                name: String::new(),
                township: String::new(),
                pos: centre,
                allow: Allow::Both,
                max_beds: None,
                cost_wan: None,
            }],
            ..Region::default()
        }
    }

    #[test]
    fn snaps_are_kept_per_region_and_redone_for_another() {
        let net = RoadNetwork::from_segments((0..10).map(|k| {
            let lon = |k: i32| 119.0 + 0.001 * f64::from(k);
            RoadSegment::two_way(p(lon(k), 26.0), p(lon(k + 1), 26.0), f64::INFINITY)
        }));
        let region = |home_lon: f64| home_and_centre(p(home_lon, 26.0), p(119.0, 26.0));
        let mode = TravelMode {
            speed_kmh: 4.0,
            detour: 1.0,
        };
        let model = net.with_modes(mode, mode, &NetworkOptions::default());
        let q = Query::within(60.0);
        let near = model.reach(&region(119.002), &q);
        let far = model.reach(&region(119.008), &q);
        let fresh = model.clone().reach(&region(119.008), &q);
        let minutes = |r: &ReachLists| r.minutes(VillageIdx(0), SiteIdx(0)).expect("reached");
        assert!(minutes(&far) > 3.0 * minutes(&near));
        assert_eq!(minutes(&far), minutes(&fresh));
        assert_eq!(minutes(&model.reach(&region(119.002), &q)), minutes(&near));
    }

    /// The 15-minute walking service area (4 km/h) of a centre at 119.0 E, 26.0 N on `net`,
    /// with one community at `home_lon` on the same parallel.
    fn walking_area(net: RoadNetwork, home_lon: f64) -> Vec<geo::MultiPolygon<f64>> {
        let region = home_and_centre(p(home_lon, 26.0), p(119.0, 26.0));
        let mode = TravelMode {
            speed_kmh: 4.0,
            detour: 1.0,
        };
        net.with_modes(mode, mode, &NetworkOptions::default())
            .service_areas(
                &region,
                &[(SiteIdx(0), AreaKind::Urban)],
                15.0,
                Exec::Sequential,
            )
            .expect("a network draws its areas")
    }

    #[test]
    fn a_service_area_follows_the_roads_reached_in_time() {
        use geo::Contains;
        // A street 2 km long eastwards from the centre at 119.0 E, 26.0 N; walking 4 km/h for
        // 15 minutes reaches 1 km along it.
        let lon = |m: f64| 119.0 + m / (111_195.08 * 26f64.to_radians().cos());
        let net = RoadNetwork::from_segments((0..20).map(|k| {
            let k = f64::from(k);
            RoadSegment::two_way(
                p(lon(100.0 * k), 26.0),
                p(lon(100.0 * (k + 1.0)), 26.0),
                99.0,
            )
        }));
        let areas = walking_area(net, lon(500.0));
        let area = &areas[0];
        let at =
            |east_m: f64, north_m: f64| geo::Point::new(lon(east_m), 26.0 + north_m / 111_195.08);
        assert!(area.contains(&at(500.0, 0.0)));
        assert!(area.contains(&at(950.0, 50.0)));
        assert!(!area.contains(&at(1200.0, 0.0)), "beyond 15 minutes");
        assert!(!area.contains(&at(500.0, 300.0)), "far off the street");
        assert!(
            !area.contains(&at(-300.0, 0.0)),
            "no road west of the centre"
        );
    }

    #[test]
    fn a_service_area_runs_along_the_sites_own_long_segment() {
        use geo::Contains;
        // One 20 km road; the centre stands at its middle, so neither end is within 15
        // minutes' walk (1 km).
        let lon = |m: f64| 119.0 + m / (111_195.08 * 26f64.to_radians().cos());
        let net = RoadSegment::two_way(p(lon(-10_000.0), 26.0), p(lon(10_000.0), 26.0), 99.0);
        let net = RoadNetwork::from_segments([net]);
        let areas = walking_area(net, lon(500.0));
        let at = |east_m: f64| geo::Point::new(lon(east_m), 26.0);
        for inside in [-900.0, 500.0, 900.0] {
            assert!(areas[0].contains(&at(inside)), "{inside} m along");
        }
        for outside in [-1_300.0, 1_300.0] {
            assert!(!areas[0].contains(&at(outside)), "{outside} m along");
        }
    }

    #[test]
    fn the_main_piece_does_not_depend_on_the_order_of_the_rows() {
        let ew = RoadSegment::two_way(p(100.80, 38.434), p(100.83, 38.434), 30.0);
        let ns = RoadSegment::two_way(p(100.812, 38.424), p(100.812, 38.444), 30.0);
        let main_at = |net: &RoadNetwork| {
            let n = net
                .component
                .iter()
                .position(|c| *c == net.main)
                .expect("a node of the main piece");
            net.graph[NodeIndex::new(n)]
        };
        let one = RoadNetwork::from_segments([ew, ns]);
        let other = RoadNetwork::from_segments([ns, ew]);
        // Two pieces of two nodes: the one holding the westernmost node (100.80 E) is main.
        assert_eq!(main_at(&one).lon, 100.80);
        assert_eq!(main_at(&other).lon, 100.80);
    }

    #[test]
    fn pieces_are_counted() {
        let net = RoadNetwork::from_segments([
            RoadSegment::two_way(p(119.0, 26.0), p(119.001, 26.0), 30.0),
            RoadSegment::two_way(p(119.001, 26.0), p(119.002, 26.0), 30.0),
            RoadSegment::one_way(p(119.1, 26.0), p(119.101, 26.0), 30.0),
        ]);
        assert_eq!(net.component_count(), 2);
        assert_eq!(net.component_nodes[net.main as usize], 3);
    }
}
