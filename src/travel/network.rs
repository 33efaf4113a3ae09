//! Road-network travel times: a directed graph of road segments, villages and sites snapped to
//! it, and a bounded Dijkstra from every site.
//!
//! # The graph
//!
//! Nodes are road endpoints (`roads.csv`) or OpenStreetMap nodes used by a road; endpoints
//! closer than 10⁻⁷° (about 1 cm) are the same node. Each segment becomes one directed edge
//! per direction it may be travelled in, with its haversine length and a speed limit per
//! [`Profile`] (0 = closed to that profile). One-way streets therefore have a single edge.
//!
//! - `roads.csv` (see [`RoadNetwork::read`]): every profile may use every row; the optional
//!   `speed_kmh` is the road's own limit for all profiles, and `oneway` binds all profiles.
//! - OpenStreetMap: the `highway` class gives a default speed per profile (the table
//!   [`HIGHWAY_SPEEDS_KMH`]), refined by the `access`, `foot`, `bicycle`, `motor_vehicle` and
//!   `maxspeed` tags; one-way rules bind riding and driving, not walking.
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
//! Every village and site is snapped to the nearest node that its setting's profile may use
//! (an R-tree on the sphere, exact ties to the lowest node index). The straight leg between
//! the point and its node is walked at [`NetworkOptions::snap_speed_kmh`] (4 km/h by default,
//! never faster than the area type's own speed) and counted in the time. So
//! `time = village leg + network path + site leg`, which is never less than the crow-fly
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
//! villages and sites on them simply reach less. [`NetworkSummary`] (attached to the reach
//! lists) counts the weakly connected components and lists the villages and sites snapped
//! outside the largest one, so the report can say why they are not covered.

use std::collections::HashMap;
use std::path::Path;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::unionfind::UnionFind;
use petgraph::visit::{EdgeRef, Reversed};
use rstar::RTree;

use crate::model::{AreaKind, LonLat, Region, SiteIdx, TravelMode, VillageIdx};

use super::dijkstra::{Scratch, bounded_dijkstra};
use super::sphere::{self, Indexed};
use super::{Query, Reach, ReachLists, TravelError, TravelModel};

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
        }
    }

    /// A one-way road from `from` to `to`, open to every profile.
    pub fn one_way(from: LonLat, to: LonLat, speed_kmh: f64) -> Self {
        Self {
            from,
            to,
            forward_kmh: [speed_kmh; 3],
            backward_kmh: [0.0; 3],
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
}

impl Default for NetworkOptions {
    fn default() -> Self {
        Self {
            urban: Profile::Walking,
            rural: Profile::Riding,
            snap_speed_kmh: 4.0,
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
    /// The longest straight leg from a village or site to its node, in metres.
    pub longest_snap_m: f64,
}

/// Rounds a position to the node grid of 10⁻⁷ degrees.
fn node_key(p: LonLat) -> (i64, i64) {
    ((p.lon * 1e7).round() as i64, (p.lat * 1e7).round() as i64)
}

impl RoadNetwork {
    /// Builds the graph from road segments; segments whose ends are the same node are
    /// dropped, and so are directions closed to every profile.
    pub fn from_segments(segments: impl IntoIterator<Item = RoadSegment>) -> Self {
        let mut graph = DiGraph::<LonLat, RoadEdge>::new();
        let mut nodes: HashMap<(i64, i64), NodeIndex> = HashMap::new();
        let mut node = |graph: &mut DiGraph<LonLat, RoadEdge>, p: LonLat| {
            *nodes
                .entry(node_key(p))
                .or_insert_with(|| graph.add_node(p))
        };
        let open = |s: &[f64; 3]| s.iter().any(|v| *v > 0.0);
        let limits = |s: &[f64; 3]| s.map(|v| if v > 0.0 { v as f32 } else { 0.0 });
        for seg in segments {
            if !(open(&seg.forward_kmh) || open(&seg.backward_kmh))
                || node_key(seg.from) == node_key(seg.to)
            {
                continue;
            }
            let a = node(&mut graph, seg.from);
            let b = node(&mut graph, seg.to);
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
        Self::with_components(graph)
    }

    fn with_components(graph: DiGraph<LonLat, RoadEdge>) -> Self {
        let n = graph.node_count();
        let mut sets = UnionFind::<usize>::new(n);
        for e in graph.edge_references() {
            sets.union(e.source().index(), e.target().index());
        }
        let mut label_of_root: HashMap<usize, u32> = HashMap::new();
        let mut component = Vec::with_capacity(n);
        let mut component_nodes: Vec<u32> = Vec::new();
        for i in 0..n {
            let next = label_of_root.len() as u32;
            let label = *label_of_root.entry(sets.find(i)).or_insert(next);
            if label == next {
                component_nodes.push(0);
            }
            component_nodes[label as usize] += 1;
            component.push(label);
        }
        // The largest piece; among equals the one holding the lowest node.
        let main = (0..component_nodes.len() as u32)
            .max_by(|a, b| {
                component_nodes[*a as usize]
                    .cmp(&component_nodes[*b as usize])
                    .then(b.cmp(a))
            })
            .unwrap_or(0);
        Self {
            graph,
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
        };
        NetworkTravel {
            net: self,
            urban: setting(options.urban, urban),
            rural: setting(options.rural, rural),
        }
    }
}

/// How one area type moves on the network.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Setting {
    profile: Profile,
    speed_kmh: f64,
    snap_kmh: f64,
}

/// The road-network travel model: a [`RoadNetwork`] with a setting per area type.
#[derive(Clone, Debug)]
pub struct NetworkTravel {
    net: RoadNetwork,
    urban: Setting,
    rural: Setting,
}

/// A point snapped to a node: the node and the minutes of the straight leg.
#[derive(Clone, Copy, Debug)]
struct Snap {
    node: u32,
    leg_min: f64,
    leg_m: f64,
}

/// Everything one setting needs for its searches.
struct Prepared {
    setting: Setting,
    /// Minutes per edge index; infinity when closed.
    edge_min: Vec<f64>,
    tree: RTree<Indexed>,
    /// Villages of this setting per node (compressed rows): village index and leg minutes.
    offsets: Vec<u32>,
    at_node: Vec<(u32, f64)>,
    min_leg: f64,
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
        let tree = sphere::tree_of(
            g.node_indices()
                .filter(|n| usable[n.index()])
                .map(|n| (n.index() as u32, g[n])),
        );
        Prepared {
            setting,
            edge_min,
            tree,
            offsets: Vec::new(),
            at_node: Vec::new(),
            min_leg: f64::INFINITY,
        }
    }

    fn snap(&self, prepared: &Prepared, pos: LonLat) -> Option<Snap> {
        let at = sphere::xyz(pos);
        let mut best: Option<(u32, f64)> = None;
        for (hit, d2) in prepared.tree.nearest_neighbor_iter_with_distance_2(&at) {
            match best {
                Some((_, first)) if d2 > first => break,
                Some((node, _)) if node <= hit.data => {}
                _ => best = Some((hit.data, d2)),
            }
        }
        let (node, _) = best?;
        let leg_m = sphere::haversine_m(pos, self.net.graph[NodeIndex::new(node as usize)]);
        Some(Snap {
            node,
            leg_min: super::minutes_at(leg_m, prepared.setting.snap_kmh),
            leg_m,
        })
    }
}

impl TravelModel for NetworkTravel {
    fn reach(&self, region: &Region, query: &Query<'_>) -> ReachLists {
        let sites = query.site_list(region.site_count());
        let limit = query.max_minutes;
        let exec = query.exec;
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

        // Snap villages, then group them by node per setting.
        let village_snaps: Vec<Option<Snap>> = exec.map(region.villages.len(), |v| {
            self.snap(&prepared[village_setting[v]], region.villages[v].pos)
        });
        for (i, prep) in prepared.iter_mut().enumerate() {
            let mut counts = vec![0u32; g.node_count() + 1];
            for (v, snap) in village_snaps.iter().enumerate() {
                if let (true, Some(s)) = (village_setting[v] == i, snap) {
                    counts[s.node as usize + 1] += 1;
                }
            }
            for n in 0..g.node_count() {
                counts[n + 1] += counts[n];
            }
            let mut fill = counts.clone();
            let mut at_node = vec![(0u32, 0.0f64); counts[g.node_count()] as usize];
            for (v, snap) in village_snaps.iter().enumerate() {
                if let (true, Some(s)) = (village_setting[v] == i, snap) {
                    let slot = &mut fill[s.node as usize];
                    at_node[*slot as usize] = (v as u32, s.leg_min);
                    *slot += 1;
                    prep.min_leg = prep.min_leg.min(s.leg_min);
                }
            }
            prep.offsets = counts;
            prep.at_node = at_node;
        }

        // Snap the sites once per setting.
        let site_snaps: Vec<Vec<Option<Snap>>> = prepared
            .iter()
            .map(|prep| {
                exec.map(sites.len(), |i| {
                    self.snap(prep, region.site(sites[i]).pos())
                })
            })
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
                bounded_dijkstra(
                    reversed,
                    &[(NodeIndex::new(start.node as usize), start.leg_min)],
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
            longest_snap_m: 0.0,
        };
        for (v, snap) in village_snaps.iter().enumerate() {
            match snap {
                None => summary.villages_without_road.push(VillageIdx(v as u32)),
                Some(s) => {
                    summary.longest_snap_m = summary.longest_snap_m.max(s.leg_m);
                    if off_main(s) {
                        summary.villages_off_main.push(VillageIdx(v as u32));
                    }
                }
            }
        }
        for (i, site) in sites.iter().enumerate() {
            let snaps = site_snaps.iter().filter_map(|per| per[i]);
            let mut off = false;
            for s in snaps {
                summary.longest_snap_m = summary.longest_snap_m.max(s.leg_m);
                off |= off_main(&s);
            }
            if off {
                summary.sites_off_main.push(*site);
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
