//! Travel times from villages to sites, crow-fly or over a road network, as sparse reach lists.
//!
//! A village is *served* by a site when the travel time is `<=` the limit: the limit is
//! inclusive, in both models and in every function of this module.
//!
//! # Models
//!
//! Both models implement [`TravelModel`] and produce [`ReachLists`]: for every village the sites
//! within a time bound, with their minutes. Work and memory grow with the number of reachable
//! pairs, never with villages × sites.
//!
//! - [`CrowFly`]: great-circle distance on a sphere of radius 6 371 008.8 m (geo's
//!   [`Haversine`](geo::Haversine)) × detour ÷ speed, with the [`TravelMode`] of the village's
//!   area type. Sites sit in an R-tree; see [`crowfly`] for how candidates are found.
//! - [`RoadNetwork`]: a directed petgraph graph from `roads.csv` or an OpenStreetMap
//!   `.osm.pbf` file; villages and sites are snapped to the nearest node, and a bounded
//!   Dijkstra runs from every site. See [`network`] for the rules (profiles, one-way streets,
//!   snap legs, disconnected pieces).
//!
//! [`reach`] picks the model from the scenario's [`Travel`] settings: crow-fly without
//! `roads`, the network otherwise (`.osm.pbf` or `.pbf` is read as OpenStreetMap, anything
//! else as `roads.csv`).
//!
//! # Determinism
//!
//! Every list is ordered by minutes (with [`f64::total_cmp`]), exact ties by index, so the
//! sequential and the parallel paths ([`Exec`]) give identical output.
//!
//! # Memory budget
//!
//! A scenario's `[limits] memory_mb` (default 2048) caps the reach lists: [`reach_limited`]
//! and [`nearest_k_limited`] count pairs as the models find them ([`Query::max_pairs`]) and,
//! once more than `memory_mb` ÷ [`BYTES_PER_PAIR`] are found, stop searching and return
//! [`TravelError::MemoryBudget`], which says to lower the time limit, use fewer candidates or
//! raise the budget, instead of the run exhausting the machine's memory.
//!
//! # Examples
//!
//! ```
//! use yanglao::model::{
//!     Allow, AreaKind, Candidate, LonLat, Region, SiteIdx, Travel, Village, VillageIdx,
//! };
//! use yanglao::travel;
//!
//! let village = |id: &str, lon: f64| Village {
//!     id: id.into(), name: id.into(), township: "城关镇".into(),
//!     pos: LonLat { lon, lat: 38.43 }, elderly: 100, elderly_80: None, disabled: None,
//!     kind: AreaKind::Urban,
//! };
//! let region = Region {
//!     // 0.005° of longitude at 38.43° N is about 436 m; 0.05° about 4.4 km.
//!     villages: vec![village("近", 100.815), village("远", 100.86)],
//!     candidates: vec![Candidate {
//!         id: "C1".into(), name: "候选点".into(), township: "城关镇".into(),
//!         pos: LonLat { lon: 100.81, lat: 38.43 }, allow: Allow::DayCare,
//!         max_beds: None, cost_wan: None,
//!     }],
//!     ..Region::default()
//! };
//! let travel = Travel {
//!     minutes: 15.0,
//!     urban: Travel::DEFAULT_URBAN,
//!     rural: Travel::DEFAULT_RURAL,
//!     roads: None,
//!     matrix: None,
//! };
//! let lists = travel::reach(&region, &travel)?;
//! // 436 m × 1.3 ÷ 4 km/h ≈ 8.5 minutes: served. 4.4 km on foot is not.
//! let near = lists.sites_of(VillageIdx(0));
//! assert_eq!(near.len(), 1);
//! assert_eq!(near[0].site, SiteIdx(0));
//! assert!((near[0].minutes - 8.5).abs() < 0.1);
//! assert_eq!(lists.unreachable_villages().collect::<Vec<_>>(), [VillageIdx(1)]);
//! # Ok::<(), yanglao::travel::TravelError>(())
//! ```

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::model::{AreaKind, Limits, Region, SiteIdx, Travel, TravelKind, TravelMode};

pub mod crowfly;
pub mod dijkstra;
mod error;
pub mod matrix;
pub mod network;
mod osm;
mod reach;
mod roads_csv;
mod sphere;

pub use sphere::LocalPlane;

pub use crowfly::{CrowFly, crow_fly_minutes};
pub use error::TravelError;
pub use network::{
    NetworkOptions, NetworkSummary, NetworkTravel, Profile, RoadNetwork, RoadSegment,
    SERVICE_AREA_WIDTH_M,
};
pub use reach::{Reach, ReachLists, VillageReach};

/// Whether work is spread over rayon's threads or done on the calling thread. Both give the
/// same output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Exec {
    /// Rayon's global pool.
    #[default]
    Parallel,
    /// The calling thread only.
    Sequential,
}

impl Exec {
    /// Maps `f` over `0..n` and collects the results in index order.
    pub(crate) fn map<T, F>(self, n: usize, f: F) -> Vec<T>
    where
        T: Send,
        F: Fn(usize) -> T + Sync + Send,
    {
        use rayon::prelude::*;
        match self {
            Exec::Parallel => (0..n).into_par_iter().map(f).collect(),
            Exec::Sequential => (0..n).map(f).collect(),
        }
    }

    /// Like [`Exec::map`], with a scratch value made once per worker and reused.
    pub(crate) fn map_with<S, T, I, F>(self, n: usize, init: I, f: F) -> Vec<T>
    where
        T: Send,
        I: Fn() -> S + Sync + Send,
        F: Fn(&mut S, usize) -> T + Sync + Send,
    {
        use rayon::prelude::*;
        match self {
            Exec::Parallel => (0..n).into_par_iter().map_init(&init, &f).collect(),
            Exec::Sequential => {
                let mut scratch = init();
                (0..n).map(|i| f(&mut scratch, i)).collect()
            }
        }
    }
}

/// What a reach computation asks for: which sites, up to which time, how many per village.
#[derive(Clone, Copy, Debug)]
pub struct Query<'a> {
    /// The sites to consider; `None` means every site of the region.
    pub sites: Option<&'a [SiteIdx]>,
    /// Keep pairs whose time is `<=` this, in minutes.
    pub max_minutes: f64,
    /// Keep at most this many sites per village (the nearest, ties by site index).
    pub nearest: Option<usize>,
    /// Stop once more than this many pairs have been found; the lists are then incomplete
    /// and say so ([`ReachLists::over_budget`]). `None` means no limit.
    pub max_pairs: Option<usize>,
    /// Sequential or parallel.
    pub exec: Exec,
}

impl Query<'static> {
    /// Every site within `max_minutes` (inclusive), in parallel.
    pub fn within(max_minutes: f64) -> Self {
        Query {
            sites: None,
            max_minutes,
            nearest: None,
            max_pairs: None,
            exec: Exec::Parallel,
        }
    }
}

impl<'a> Query<'a> {
    /// Only these sites (duplicates are ignored).
    pub fn sites<'b>(self, sites: &'b [SiteIdx]) -> Query<'b> {
        Query {
            sites: Some(sites),
            max_minutes: self.max_minutes,
            nearest: self.nearest,
            max_pairs: self.max_pairs,
            exec: self.exec,
        }
    }

    /// At most `k` nearest sites per village.
    pub fn nearest(self, k: usize) -> Self {
        Query {
            nearest: Some(k),
            ..self
        }
    }

    /// Sequential or parallel.
    pub fn exec(self, exec: Exec) -> Self {
        Query { exec, ..self }
    }

    /// Stop once more than `max` pairs have been found (see [`Query::max_pairs`]).
    pub fn max_pairs(self, max: usize) -> Self {
        Query {
            max_pairs: Some(max),
            ..self
        }
    }

    /// The selected sites, sorted and without duplicates, for a region with `site_count` sites.
    /// Indices out of range are dropped.
    pub(crate) fn site_list(&self, site_count: usize) -> Vec<SiteIdx> {
        match self.sites {
            None => (0..site_count as u32).map(SiteIdx).collect(),
            Some(sites) => {
                let mut list: Vec<SiteIdx> = sites
                    .iter()
                    .copied()
                    .filter(|s| s.get() < site_count)
                    .collect();
                list.sort_unstable();
                list.dedup();
                list
            }
        }
    }
}

/// Counts the pairs a model keeps against [`Query::max_pairs`], across threads, so that a
/// model can stop building lists (and stop searching) once the budget is spent.
pub(crate) struct PairBudget {
    max: Option<usize>,
    used: AtomicUsize,
}

impl PairBudget {
    /// The budget of a query.
    pub(crate) fn of(query: &Query<'_>) -> Self {
        Self {
            max: query.max_pairs,
            used: AtomicUsize::new(0),
        }
    }

    /// Counts `n` more pairs; `false` when they do not fit, and the caller drops them.
    pub(crate) fn admit(&self, n: usize) -> bool {
        match self.max {
            None => true,
            Some(max) => self.used.fetch_add(n, Ordering::Relaxed).saturating_add(n) <= max,
        }
    }

    /// Whether more pairs were found than the budget allows.
    pub(crate) fn spent(&self) -> bool {
        self.max
            .is_some_and(|max| self.used.load(Ordering::Relaxed) > max)
    }
}

/// A way of timing trips from villages to sites.
pub trait TravelModel: Send + Sync {
    /// For every village of `region`, the sites of `query` it reaches within
    /// `query.max_minutes` (inclusive), nearest first.
    fn reach(&self, region: &Region, query: &Query<'_>) -> ReachLists;

    /// The service area of each of `sites` for travellers of its area type within `minutes`,
    /// as a polygon in WGS-84 degrees, where the model can draw one (the road network does,
    /// see [`NetworkTravel`]); `None` where it cannot (crow-fly areas are circles the maps
    /// draw themselves; a matrix has no geometry).
    fn service_areas(
        &self,
        _region: &Region,
        _sites: &[(SiteIdx, AreaKind)],
        _minutes: f64,
        _exec: Exec,
    ) -> Option<Vec<geo::MultiPolygon<f64>>> {
        None
    }
}

/// Builds the travel model a scenario asks for: crow-fly when `travel.roads` is `None`,
/// otherwise the road network read from that file (see [`RoadNetwork::read`]).
pub fn model(
    travel: &Travel,
    options: &NetworkOptions,
) -> Result<Box<dyn TravelModel>, TravelError> {
    match &travel.roads {
        None => Ok(Box::new(CrowFly::new(travel.urban, travel.rural))),
        Some(path) => {
            let net = RoadNetwork::read(path)?;
            Ok(Box::new(net.with_modes(
                travel.urban,
                travel.rural,
                options,
            )))
        }
    }
}

/// The travel model of a scenario for `region`: the origin–destination matrix when
/// `travel.matrix` is set (its ids are resolved against the region), otherwise [`model`].
pub fn model_for(
    region: &Region,
    travel: &Travel,
    options: &NetworkOptions,
) -> Result<Box<dyn TravelModel>, TravelError> {
    model_without(region, travel, options, &|_| false)
}

/// [`model_for`] for a region some sites were taken out of: matrix rows to a site for which
/// `dropped` holds (an excluded candidate or day-care facility) are skipped, not reported as
/// unknown ([`matrix::OdMatrix::read_without`]).
pub fn model_without(
    region: &Region,
    travel: &Travel,
    options: &NetworkOptions,
    dropped: &dyn Fn(&str) -> bool,
) -> Result<Box<dyn TravelModel>, TravelError> {
    match (travel.kind(), &travel.matrix) {
        (TravelKind::Matrix, Some(path)) => Ok(Box::new(matrix::OdMatrix::read_without(
            path, region, travel, dropped,
        )?)),
        _ => model(travel, options),
    }
}

/// Reach lists of a scenario: for every village the sites (existing facilities and candidates)
/// within `travel.minutes`, inclusive, in parallel, within the default memory budget
/// ([`Limits::DEFAULT_MEMORY_MB`]).
pub fn reach(region: &Region, travel: &Travel) -> Result<ReachLists, TravelError> {
    reach_limited(region, travel, &Limits::default())
}

/// Like [`reach`], within the memory budget of `limits`: when the pairs would need more than
/// `limits.memory_mb` (at [`BYTES_PER_PAIR`] each), the search stops early and the error says
/// what to change, instead of the run exhausting the machine's memory.
pub fn reach_limited(
    region: &Region,
    travel: &Travel,
    limits: &Limits,
) -> Result<ReachLists, TravelError> {
    let model = model_for(region, travel, &NetworkOptions::default())?;
    reach_with(model.as_ref(), region, travel, limits)
}

/// Like [`reach_limited`] with a model already built (see [`model_for`]), so that one run
/// reads its road or matrix file once and snaps once.
pub fn reach_with(
    model: &dyn TravelModel,
    region: &Region,
    travel: &Travel,
    limits: &Limits,
) -> Result<ReachLists, TravelError> {
    let query = Query::within(travel.minutes).max_pairs(max_pairs(limits));
    within_budget(model.reach(region, &query), limits)
}

/// For every village the `k` nearest of `sites` (for example the institutions and the
/// candidates that allow one) within `max_minutes`, inclusive; the wider bound of bed
/// planning. Ties are broken by site index. Within the default memory budget.
pub fn nearest_k(
    region: &Region,
    travel: &Travel,
    sites: &[SiteIdx],
    k: usize,
    max_minutes: f64,
) -> Result<ReachLists, TravelError> {
    nearest_k_limited(region, travel, sites, k, max_minutes, &Limits::default())
}

/// Like [`nearest_k`], within the memory budget of `limits` (see [`reach_limited`]).
pub fn nearest_k_limited(
    region: &Region,
    travel: &Travel,
    sites: &[SiteIdx],
    k: usize,
    max_minutes: f64,
    limits: &Limits,
) -> Result<ReachLists, TravelError> {
    let model = model_for(region, travel, &NetworkOptions::default())?;
    nearest_k_with(model.as_ref(), region, sites, k, max_minutes, limits)
}

/// Like [`nearest_k_limited`] with a model already built (see [`reach_with`]).
pub fn nearest_k_with(
    model: &dyn TravelModel,
    region: &Region,
    sites: &[SiteIdx],
    k: usize,
    max_minutes: f64,
    limits: &Limits,
) -> Result<ReachLists, TravelError> {
    let query = Query::within(max_minutes)
        .sites(sites)
        .nearest(k)
        .max_pairs(max_pairs(limits));
    within_budget(model.reach(region, &query), limits)
}

/// Memory one reachable pair costs across a run, in bytes: 16 in the list being built, 16 in
/// the compressed rows, 16 in their transpose, and as much again for the solvers' working
/// copies. The memory budget is divided by this.
pub const BYTES_PER_PAIR: usize = 64;

/// The most pairs the memory budget of `limits` allows.
pub fn max_pairs(limits: &Limits) -> usize {
    (limits.memory_mb as usize).saturating_mul(1 << 20) / BYTES_PER_PAIR
}

fn within_budget(lists: ReachLists, limits: &Limits) -> Result<ReachLists, TravelError> {
    if lists.over_budget() {
        return Err(TravelError::MemoryBudget {
            max_pairs: max_pairs(limits),
            minutes: lists.limit_minutes(),
            memory_mb: limits.memory_mb,
        });
    }
    Ok(lists)
}

/// Whether `path` names an OpenStreetMap PBF file (`.osm.pbf` or `.pbf`, any case).
pub fn is_osm_pbf(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pbf"))
}

/// Minutes to cover `dist_m` metres at `speed_kmh`.
pub(crate) fn minutes_at(dist_m: f64, speed_kmh: f64) -> f64 {
    dist_m * 60.0 / (speed_kmh * 1000.0)
}

/// The straight-line reach of a mode in metres: minutes × speed ÷ detour.
pub fn reach_radius_m(mode: TravelMode, minutes: f64) -> f64 {
    minutes * mode.speed_kmh * 1000.0 / 60.0 / mode.detour
}
