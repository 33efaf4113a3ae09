//! GeoJSON for QGIS and ArcGIS: one file per layer, each with one geometry type, so that
//! OGR reads a definite type and a Shapefile export or an ArcGIS import takes each file
//! as it is:
//!
//! | file | geometry | features |
//! |---|---|---|
//! | `villages.geojson` | Point | every village, with its coverage before and after |
//! | `sites.geojson` | Point | existing facilities (`status: existing`, with `action` naming a conversion, expansion, upgrade or re-designation the plan makes there), new sites (`status: new`), candidates not chosen (`status: candidate`) |
//! | `allocation.geojson` | LineString | village → the site that serves it after the plan, except a village lying at its site's point (no line to draw; `villages.geojson` and `villages.csv` still name its site) |
//! | `service_areas.geojson` | Polygon (crow-fly) or MultiPolygon (road network, matrix) | every serving site's service area as the travel model serves it: the crow-fly circle, the roads reached in time widened 100 m each side, or the served villages outlined |
//! | `boundary.geojson` | Polygon or MultiPolygon | the region outline, when the data has one |
//!
//! Coordinates are WGS-84 longitude, latitude as RFC 7946 requires (at most 6 decimals,
//! exterior rings counter-clockwise); each file also states it in a `crs` member
//! (`urn:ogc:def:crs:OGC:1.3:CRS84`, which GDAL reads). Where the inputs were GCJ-02 or
//! BD-09, a copy of each file in that system (`villages.gcj02.geojson`, …) is written for
//! pasting into Amap, Tencent or Baidu maps; those copies say so in a `coordinate_system`
//! member and carry no `crs`, since no EPSG code describes them.
//!
//! Every geometry is valid as written (after rounding, in each system): no LineString with
//! fewer than two distinct positions, no ring with fewer than three distinct corners or no
//! area; a degenerate hole is left out of its polygon, and a feature with nothing valid left
//! is left out of every copy of its file.

use rayon::prelude::*;
use serde_json::{Map, Value, json};

use super::tables::{ProjectKind, projects};
use crate::map::{ACCESS_DECIMALS, nest_rings};
use crate::model::{Crs, LonLat};
use crate::plan::Plan;

/// Rounds a coordinate to 6 decimals (about 0.1 m).
fn deg(x: f64) -> f64 {
    round(x, 6)
}

use crate::numbers::round;

/// A position as written: longitude, latitude, each rounded by [`deg`].
type Pt = [f64; 2];

/// The geometry of a feature, its coordinates rounded by [`deg`].
#[derive(Clone, Debug, PartialEq)]
enum Geometry {
    Point(Pt),
    LineString(Vec<Pt>),
    Polygon(Vec<Vec<Pt>>),
    MultiPolygon(Vec<Vec<Vec<Pt>>>),
}

impl Geometry {
    fn kind(&self) -> &'static str {
        match self {
            Geometry::Point(_) => "Point",
            Geometry::LineString(_) => "LineString",
            Geometry::Polygon(_) => "Polygon",
            Geometry::MultiPolygon(_) => "MultiPolygon",
        }
    }

    /// The geometry with what a GIS would reject left out, or `None` when nothing valid
    /// remains: a LineString needs two distinct positions; a ring needs four positions, three
    /// of them distinct, closed, enclosing some area. A degenerate hole is dropped, a polygon
    /// with a degenerate exterior is dropped, and an empty MultiPolygon is `None`.
    fn cleaned(self) -> Option<Geometry> {
        match self {
            Geometry::Point(_) => Some(self),
            Geometry::LineString(mut pts) => {
                pts.dedup();
                (pts.len() >= 2).then_some(Geometry::LineString(pts))
            }
            Geometry::Polygon(rings) => clean_polygon(rings).map(Geometry::Polygon),
            Geometry::MultiPolygon(polygons) => {
                let polygons: Vec<Vec<Vec<Pt>>> =
                    polygons.into_iter().filter_map(clean_polygon).collect();
                (!polygons.is_empty()).then_some(Geometry::MultiPolygon(polygons))
            }
        }
    }

    /// Moves every position from WGS-84 to `crs`, rounding again.
    fn reproject(&mut self, crs: Crs) {
        let move_pt = |p: &mut Pt| {
            let (x, y) = crate::io::crs::from_wgs84(
                crs,
                LonLat {
                    lon: p[0],
                    lat: p[1],
                },
            );
            *p = [deg(x), deg(y)];
        };
        match self {
            Geometry::Point(p) => move_pt(p),
            Geometry::LineString(pts) => pts.iter_mut().for_each(move_pt),
            Geometry::Polygon(rings) => rings.iter_mut().flatten().for_each(move_pt),
            Geometry::MultiPolygon(polygons) => {
                polygons.iter_mut().flatten().flatten().for_each(move_pt);
            }
        }
    }

    /// Appends `{"coordinates":…,"type":…}`, as serde_json writes the same object.
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"coordinates\":");
        let written = match self {
            Geometry::Point(p) => serde_json::to_writer(&mut *out, p),
            Geometry::LineString(pts) => serde_json::to_writer(&mut *out, pts),
            Geometry::Polygon(rings) => serde_json::to_writer(&mut *out, rings),
            Geometry::MultiPolygon(polygons) => serde_json::to_writer(&mut *out, polygons),
        };
        written.expect("numbers serialise into memory");
        out.extend_from_slice(b",\"type\":\"");
        out.extend_from_slice(self.kind().as_bytes());
        out.extend_from_slice(b"\"}");
    }

    fn to_value(&self) -> Value {
        let coordinates = match self {
            Geometry::Point(p) => json!(p),
            Geometry::LineString(pts) => json!(pts),
            Geometry::Polygon(rings) => json!(rings),
            Geometry::MultiPolygon(polygons) => json!(polygons),
        };
        json!({"type": self.kind(), "coordinates": coordinates})
    }
}

/// Whether a ring as written is one a GIS accepts: closed, at least four positions, at least
/// three of them distinct, and a non-zero area (not all on one line).
fn ring_is_valid(ring: &[Pt]) -> bool {
    let mut distinct: Vec<Pt> = ring.to_vec();
    distinct.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    distinct.dedup();
    let twice_area: f64 = ring
        .windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum();
    ring.len() >= 4 && ring.first() == ring.last() && distinct.len() >= 3 && twice_area != 0.0
}

/// A polygon with its degenerate holes dropped, or `None` when its exterior is degenerate.
fn clean_polygon(mut rings: Vec<Vec<Pt>>) -> Option<Vec<Vec<Pt>>> {
    if !rings.first().is_some_and(|r| ring_is_valid(r)) {
        return None;
    }
    let mut k = 0;
    rings.retain(|r| {
        k += 1;
        k == 1 || ring_is_valid(r)
    });
    Some(rings)
}

/// A feature of a layer: its geometry and its properties, sorted by key (the order
/// serde_json writes an object in), without the null ones.
#[derive(Clone, Debug, PartialEq)]
struct Feature {
    geometry: Geometry,
    properties: Vec<(&'static str, Value)>,
}

impl Feature {
    /// One line, as `serde_json` writes [`Feature::to_value`].
    #[cfg(test)]
    fn write(&self, out: &mut Vec<u8>) {
        let mut properties = Vec::new();
        self.write_properties(&mut properties);
        write_feature(&self.geometry, &properties, out);
    }

    fn write_properties(&self, out: &mut Vec<u8>) {
        out.push(b'{');
        for (k, (key, value)) in self.properties.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            serde_json::to_writer(&mut *out, key).expect("a key serialises into memory");
            out.push(b':');
            serde_json::to_writer(&mut *out, value).expect("a value serialises into memory");
        }
        out.push(b'}');
    }

    fn to_value(&self) -> Value {
        let properties: Map<String, Value> = self
            .properties
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        json!({"type": "Feature", "geometry": self.geometry.to_value(), "properties": properties})
    }
}

/// Appends a feature's line from its geometry and its properties already written.
fn write_feature(geometry: &Geometry, properties: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"geometry\":");
    geometry.write(out);
    out.extend_from_slice(b",\"properties\":");
    out.extend_from_slice(properties);
    out.extend_from_slice(b",\"type\":\"Feature\"}");
}

fn point(lon: f64, lat: f64) -> Geometry {
    Geometry::Point([deg(lon), deg(lat)])
}

/// A closed ring with the winding RFC 7946 asks for: counter-clockwise when `exterior`.
fn ring(r: &[LonLat], exterior: bool) -> Vec<Pt> {
    let mut pts: Vec<Pt> = r.iter().map(|p| [deg(p.lon), deg(p.lat)]).collect();
    pts.dedup();
    if pts.first() != pts.last() {
        let first = pts[0];
        pts.push(first);
    }
    let twice_area: f64 = pts
        .windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum();
    if (twice_area > 0.0) != exterior {
        pts.reverse();
    }
    pts
}

fn feature(geometry: Geometry, properties: Vec<(&'static str, Value)>) -> Feature {
    Feature {
        geometry,
        properties,
    }
}

/// Properties sorted by key, the null ones left out (keys are distinct).
fn props(mut pairs: Vec<(&'static str, Value)>) -> Vec<(&'static str, Value)> {
    pairs.retain(|(_, v)| !v.is_null());
    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    pairs
}

/// The file stems of the layers, in the order they are written.
const STEMS: [&str; 5] = [
    "villages",
    "sites",
    "allocation",
    "service_areas",
    "boundary",
];

/// The features of one layer, `stem` one of [`STEMS`], each with a valid geometry
/// ([`Geometry::cleaned`]) in WGS-84 and in the system of the copy, if any. A feature with
/// nothing valid left in either system is left out of both files, so that the two list the
/// same features: an allocation line from a village to a site at the same point (to 6
/// decimals) is such a feature; the village still names its site in `villages.geojson`
/// and `villages.csv`.
fn layer(plan: &Plan, stem: &str) -> Vec<Feature> {
    let features = match stem {
        "villages" => villages(plan),
        "sites" => sites(plan),
        "allocation" => allocation(plan),
        "service_areas" => service_areas(plan),
        _ => boundary(plan),
    };
    let crs = plan.scenario.crs;
    features
        .into_iter()
        .filter_map(|f| {
            if crs != Crs::Wgs84 {
                let mut moved = f.geometry.clone();
                moved.reproject(crs);
                moved.cleaned()?;
            }
            Some(Feature {
                geometry: f.geometry.cleaned()?,
                properties: f.properties,
            })
        })
        .collect()
}

/// The layers of a plan as (file stem, features), each of one geometry type; a layer with
/// no feature is left out. Coordinates in WGS-84.
pub fn layers(plan: &Plan) -> Vec<(&'static str, Vec<Value>)> {
    STEMS
        .iter()
        .map(|&stem| {
            let features: Vec<Value> = layer(plan, stem).iter().map(Feature::to_value).collect();
            (stem, features)
        })
        .filter(|(_, f)| !f.is_empty())
        .collect()
}

/// The GeoJSON files of a plan, (file name, bytes): each layer in WGS-84 and, when the
/// inputs were in another system, again in that one. Layers, and the features within a
/// layer, are built and written in parallel; the bytes are the same for any thread count.
pub fn files(plan: &Plan) -> Vec<(String, Vec<u8>)> {
    let crs = plan.scenario.crs;
    let copy = (crs != Crs::Wgs84).then_some(crs);
    let per_layer: Vec<Vec<(String, Vec<u8>)>> = STEMS
        .par_iter()
        .map(|&stem| {
            let features = layer(plan, stem);
            if features.is_empty() {
                return Vec::new();
            }
            // Each chunk of features written as its lines in WGS-84, then with the geometry
            // moved in place, as the lines of the copy.
            let chunks: Vec<(Vec<u8>, Vec<u8>)> = features
                .par_chunks(512)
                .map(|chunk| {
                    let (mut wgs, mut moved, mut properties) = (Vec::new(), Vec::new(), Vec::new());
                    for f in chunk {
                        properties.clear();
                        f.write_properties(&mut properties);
                        write_feature(&f.geometry, &properties, &mut wgs);
                        wgs.extend_from_slice(b",\n");
                        if let Some(crs) = copy {
                            let mut g = f.geometry.clone();
                            g.reproject(crs);
                            let g = g
                                .cleaned()
                                .expect("layer() keeps features valid in the copy's system");
                            write_feature(&g, &properties, &mut moved);
                            moved.extend_from_slice(b",\n");
                        }
                    }
                    (wgs, moved)
                })
                .collect();
            let mut out = vec![(
                format!("{stem}.geojson"),
                collection(plan, stem, chunks.iter().map(|c| c.0.as_slice()), None),
            )];
            if let Some(crs) = copy {
                out.push((
                    format!("{stem}.{}.geojson", crs_code(crs)),
                    collection(plan, stem, chunks.iter().map(|c| c.1.as_slice()), Some(crs)),
                ));
            }
            out
        })
        .collect();
    per_layer.into_iter().flatten().collect()
}

fn crs_code(crs: Crs) -> &'static str {
    match crs {
        Crs::Wgs84 => "wgs84",
        Crs::Gcj02 => "gcj02",
        Crs::Bd09 => "bd09",
    }
}

/// A FeatureCollection, one feature per line; `lines` are the features' lines, each ending
/// in `,\n`; `copy_in` names the system of a copy that is not WGS-84.
fn collection<'a>(
    plan: &Plan,
    stem: &str,
    lines: impl Iterator<Item = &'a [u8]>,
    copy_in: Option<Crs>,
) -> Vec<u8> {
    let name = format!("{} · {stem}", plan.scenario.name);
    let mut out = String::from("{\"type\":\"FeatureCollection\",\"name\":");
    out += &Value::String(name).to_string();
    match copy_in {
        None => {
            out += ",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:OGC:1.3:CRS84\"}}";
        }
        Some(crs) => {
            let note = match crs {
                Crs::Gcj02 => "GCJ-02 (Amap, Tencent); not WGS-84",
                Crs::Bd09 => "BD-09 (Baidu); not WGS-84",
                Crs::Wgs84 => "WGS-84",
            };
            out += ",\"coordinate_system\":";
            out += &Value::String(note.to_owned()).to_string();
        }
    }
    out += ",\"features\":[\n";
    let mut out = out.into_bytes();
    for line in lines {
        out.extend_from_slice(line);
    }
    // The last line's `,` goes: `,\n` becomes `\n`.
    if out.ends_with(b",\n") {
        out.truncate(out.len() - 2);
        out.push(b'\n');
    }
    out.extend_from_slice(b"]}\n");
    out
}

fn boundary(plan: &Plan) -> Vec<Feature> {
    let r = &plan.region;
    let mut polygons: Vec<Vec<Vec<Pt>>> = nest_rings(&r.boundary)
        .into_iter()
        .filter(|(outer, _)| r.boundary[*outer].len() >= 3)
        .map(|(outer, holes)| {
            let mut rings = vec![ring(&r.boundary[outer], true)];
            rings.extend(holes.iter().map(|&h| ring(&r.boundary[h], false)));
            rings
        })
        .collect();
    if polygons.is_empty() {
        return Vec::new();
    }
    // One type for the whole layer: MultiPolygon when there are several parts.
    let geometry = if polygons.len() == 1 {
        Geometry::Polygon(polygons.remove(0))
    } else {
        Geometry::MultiPolygon(polygons)
    };
    vec![feature(
        geometry,
        props(vec![("name", json!(plan.scenario.name))]),
    )]
}

fn site_name(plan: &Plan, s: crate::model::SiteIdx) -> (Value, Value, LonLat) {
    match plan.region.site(s) {
        crate::model::Site::Existing(f) => (json!(f.id), json!(f.name), f.pos),
        crate::model::Site::Candidate(c) => (json!(c.id), json!(c.name), c.pos),
    }
}

fn villages(plan: &Plan) -> Vec<Feature> {
    let r = &plan.region;
    let access = plan.beds.as_ref().map(|b| &b.accessibility);
    plan.day_care
        .villages
        .par_iter()
        .map(|res| {
            let i = res.village.get();
            let v = &r.villages[i];
            let (site_id, site_name) = match res.site {
                Some(s) => {
                    let (id, name, _) = site_name(plan, s);
                    (id, name)
                }
                None => (Value::Null, Value::Null),
            };
            feature(
                point(v.pos.lon, v.pos.lat),
                props(vec![
                    ("id", json!(v.id)),
                    ("name", json!(v.name)),
                    ("township", json!(v.township)),
                    ("kind", json!(v.kind.as_str())),
                    ("elderly", json!(v.elderly)),
                    ("elderly_80", json!(v.elderly_80)),
                    ("disabled", json!(v.disabled)),
                    ("covered_before", json!(res.covered_before)),
                    ("covered", json!(res.covered)),
                    ("served_before", json!(round(res.served_before, 3))),
                    ("served", json!(round(res.served, 3))),
                    ("site_id", site_id),
                    ("site_name", site_name),
                    ("minutes", json!(res.minutes.map(|m| round(m, 1)))),
                    (
                        "access_before",
                        json!(
                            access
                                .and_then(|a| a.before.get(i))
                                .map(|x| round(*x, ACCESS_DECIMALS))
                        ),
                    ),
                    (
                        "access_after",
                        json!(
                            access
                                .and_then(|a| a.after.get(i))
                                .map(|x| round(*x, ACCESS_DECIMALS))
                        ),
                    ),
                ]),
            )
        })
        .collect()
}

/// Existing facilities (with what the plan does there), new sites, and candidates the plan
/// leaves unused.
fn sites(plan: &Plan) -> Vec<Feature> {
    let r = &plan.region;
    let list = projects(plan);
    // The projects at each site id, in list order.
    let mut by_id: std::collections::HashMap<&str, Vec<&super::tables::Project>> =
        std::collections::HashMap::new();
    for p in &list {
        by_id.entry(p.id.as_str()).or_default().push(p);
    }
    let at = |id: &str| by_id.get(id).map_or(&[][..], Vec::as_slice);
    let mut out = Vec::new();
    for f in &r.facilities {
        let here = at(&f.id);
        let mut actions: Vec<&str> = here.iter().map(|p| action_name(p.kind)).collect();
        actions.sort_unstable();
        actions.dedup();
        out.push(feature(
            point(f.pos.lon, f.pos.lat),
            props(vec![
                ("id", json!(f.id)),
                ("name", json!(f.name)),
                ("type", json!(f.kind.as_str())),
                ("township", json!(f.township)),
                ("status", json!("existing")),
                ("action", json!(actions.join(","))),
                ("beds", json!(f.beds)),
                ("nursing_beds", json!(f.nursing_beds)),
                ("public", json!(f.public)),
                (
                    "new_beds",
                    json!(here.iter().map(|p| p.new_beds).sum::<u32>()),
                ),
                (
                    "converted_beds",
                    json!(here.iter().map(|p| p.converted_beds).sum::<u32>()),
                ),
                (
                    "cost_wan",
                    json!(round(here.iter().fold(0.0, |a, p| a + p.cost_wan), 4)),
                ),
                ("year", json!(here.iter().map(|p| p.year).min())),
            ]),
        ));
    }
    for c in &r.candidates {
        let here = at(&c.id);
        if here.is_empty() {
            out.push(feature(
                point(c.pos.lon, c.pos.lat),
                props(vec![
                    ("id", json!(c.id)),
                    ("name", json!(c.name)),
                    ("type", json!("candidate")),
                    ("township", json!(c.township)),
                    ("status", json!("candidate")),
                    ("action", json!("")),
                ]),
            ));
        }
        for p in here {
            out.push(feature(
                point(p.lon, p.lat),
                props(vec![
                    ("id", json!(p.id)),
                    ("name", json!(p.name)),
                    ("type", json!(p.kind.code())),
                    ("township", json!(p.township)),
                    ("status", json!("new")),
                    ("action", json!(action_name(p.kind))),
                    ("new_beds", json!(p.new_beds)),
                    ("converted_beds", json!(p.converted_beds)),
                    (
                        "newly_covered_elderly",
                        json!(round(p.newly_covered_elderly, 3)),
                    ),
                    ("cost_wan", json!(round(p.cost_wan, 4))),
                    ("year", json!(p.year)),
                ]),
            ));
        }
    }
    out
}

/// What a project does at its site, as the `action` property reads.
fn action_name(kind: ProjectKind) -> &'static str {
    match kind {
        ProjectKind::DayCare | ProjectKind::Comprehensive | ProjectKind::NewInstitution => {
            "new_build"
        }
        ProjectKind::Convert => "conversion",
        ProjectKind::Expand => "expansion",
        ProjectKind::DesignatePublic => "redesignation",
        ProjectKind::Upgrade => "upgrade",
    }
}

/// A line from each served village to the site that serves it after the plan.
fn allocation(plan: &Plan) -> Vec<Feature> {
    let r = &plan.region;
    let nf = r.facilities.len();
    plan.day_care
        .villages
        .par_iter()
        .filter_map(|res| {
            let s = res.site?;
            let v = &r.villages[res.village.get()];
            let (site_id, site_name, pos) = site_name(plan, s);
            Some(feature(
                Geometry::LineString(vec![
                    [deg(v.pos.lon), deg(v.pos.lat)],
                    [deg(pos.lon), deg(pos.lat)],
                ]),
                props(vec![
                    ("village_id", json!(v.id)),
                    ("village_name", json!(v.name)),
                    ("site_id", site_id),
                    ("site_name", site_name),
                    ("new_site", json!(s.get() >= nf)),
                    ("minutes", json!(res.minutes.map(|m| round(m, 1)))),
                    ("served", json!(round(res.served, 3))),
                ]),
            ))
        })
        .collect()
}

/// Corners of the polygon drawn for a service circle.
const CIRCLE_CORNERS: usize = 48;

/// The service area of every serving site after the plan ([`crate::plan::serving_sites`]),
/// as the travel model serves it. Crow-fly: per site one 48-cornered Polygon (drawn around
/// the circle) per village
/// area type of the region (urban first), of the radius the time limit gives at that type's
/// speed and detour ([`crate::plan::service_rings_m`]), with `area_kind` (`urban`/`rural`:
/// the villages it applies to) and `radius_m`; a village of type K is served exactly when it
/// lies in a K circle of a serving site. Road network or matrix: the
/// MultiPolygon of [`Plan::service_areas`] (roads reached in time, widened; or the served
/// villages outlined). One geometry type per file in either case.
fn service_areas(plan: &Plan) -> Vec<Feature> {
    let s = &plan.scenario;
    let nf = plan.region.facilities.len();
    let mode = s.travel.kind();
    let base = |site: crate::model::SiteIdx| {
        let (id, name, _) = site_name(plan, site);
        vec![
            ("site_id", id),
            ("site_name", name),
            ("new_site", json!(site.get() >= nf)),
            ("minutes", json!(s.travel.minutes)),
            ("travel_mode", json!(mode.key())),
        ]
    };
    if mode != crate::model::TravelKind::CrowFly {
        return plan
            .service_areas
            .iter()
            .filter(|a| !a.area.0.is_empty())
            .map(|a| {
                let polygons: Vec<Vec<Vec<Pt>>> = a
                    .area
                    .0
                    .iter()
                    .map(|p| {
                        let pts = |ls: &geo::LineString<f64>| -> Vec<LonLat> {
                            ls.coords().map(|c| LonLat { lon: c.x, lat: c.y }).collect()
                        };
                        let mut rings = vec![ring(&pts(p.exterior()), true)];
                        rings.extend(p.interiors().iter().map(|h| ring(&pts(h), false)));
                        rings
                    })
                    .collect();
                feature(Geometry::MultiPolygon(polygons), props(base(a.site)))
            })
            .collect();
    }
    let rings = crate::plan::service_rings_m(&plan.region, &s.travel);
    crate::plan::serving_sites(&plan.region, &plan.reach, &plan.day_care)
        .into_iter()
        .flat_map(|site| rings.iter().map(move |&(kind, m)| (site, kind, m)))
        .map(|(site, kind, m)| {
            // Corners at the radius ÷ cos(π/n): the polygon's edges touch the circle, so it
            // holds every point within the radius (and reaches at most 0.2 % beyond it at the
            // corners), and no village the site serves falls between two corners.
            let corner_m = m / (std::f64::consts::PI / CIRCLE_CORNERS as f64).cos();
            let circle: Vec<LonLat> = (0..CIRCLE_CORNERS)
                .map(|k| {
                    use geo::Destination;
                    let bearing_deg = 360.0 * k as f64 / CIRCLE_CORNERS as f64;
                    let p = geo::Haversine.destination(
                        geo::Point::new(site.pos.lon, site.pos.lat),
                        bearing_deg,
                        corner_m,
                    );
                    LonLat {
                        lon: p.x(),
                        lat: p.y(),
                    }
                })
                .collect();
            let mut properties = base(site.site);
            properties.push(("area_kind", json!(kind.as_str())));
            properties.push(("radius_m", json!(m.round())));
            feature(
                Geometry::Polygon(vec![ring(&circle, true)]),
                props(properties),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rings_follow_the_right_hand_rule() {
        let ll = |lon, lat| LonLat { lon, lat };
        // Clockwise square.
        let cw = [ll(0.0, 0.0), ll(0.0, 1.0), ll(1.0, 1.0), ll(1.0, 0.0)];
        let v = ring(&cw, true);
        assert_eq!(
            v,
            [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
        );
        let hole = ring(&cw, false);
        assert_eq!(
            hole,
            [[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]
        );
    }

    /// The lines written directly are the lines serde_json writes for the same feature as a
    /// `Value`, for every geometry type, before and after moving to GCJ-02.
    #[test]
    fn feature_lines_match_serde_json() {
        let ll = |lon, lat| LonLat { lon, lat };
        let square = ring(
            &[
                ll(119.3, 26.0),
                ll(119.4, 26.0),
                ll(119.4, 26.1),
                ll(119.3, 26.1),
            ],
            true,
        );
        let geometries = [
            point(119.299_814_4, 26.083_513),
            Geometry::LineString(vec![[119.3, 26.08], [119.31, 26.0]]),
            Geometry::Polygon(vec![square.clone()]),
            Geometry::MultiPolygon(vec![vec![square.clone()], vec![square]]),
        ];
        for geometry in geometries {
            let mut f = feature(
                geometry,
                props(vec![
                    ("name", json!("鼓楼区 \"中心\"")),
                    ("beds", json!(3)),
                    ("site_id", Value::Null),
                    ("cost_wan", json!(round(2512.0, 4))),
                    ("served", json!(round(12.345_678, 3))),
                    ("public", json!(true)),
                    ("minutes", json!(Some(-0.0_f64 + 0.0))),
                ]),
            );
            for _ in 0..2 {
                let mut line = Vec::new();
                f.write(&mut line);
                assert_eq!(String::from_utf8(line).unwrap(), f.to_value().to_string());
                f.geometry.reproject(Crs::Gcj02);
            }
        }
    }

    #[test]
    fn null_properties_are_left_out_and_keys_sorted() {
        let p = props(vec![("z", json!(1)), ("a", Value::Null), ("b", json!("x"))]);
        assert_eq!(p, vec![("b", json!("x")), ("z", json!(1))]);
    }

    #[test]
    fn coordinates_keep_six_decimals() {
        assert_eq!(deg(100.123456789), 100.123457);
        assert_eq!(point(1.0000004, 2.5), Geometry::Point([1.0, 2.5]));
    }
}
