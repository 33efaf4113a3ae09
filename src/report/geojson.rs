//! GeoJSON for QGIS and ArcGIS: one file per layer, each with one geometry type, so that
//! OGR reads a definite type and a Shapefile export or an ArcGIS import takes each file
//! as it is:
//!
//! | file | geometry | features |
//! |---|---|---|
//! | `villages.geojson` | Point | every village, with its coverage before and after |
//! | `sites.geojson` | Point | existing facilities (`status: existing`, with `action` naming a conversion, expansion, upgrade or re-designation the plan makes there), new sites (`status: new`), candidates not chosen (`status: candidate`) |
//! | `allocation.geojson` | LineString | village → the site that serves it after the plan |
//! | `service_areas.geojson` | Polygon (crow-fly) or MultiPolygon (road network, matrix) | every serving site's service area as the travel model serves it: the crow-fly circle, the roads reached in time widened 100 m each side, or the served villages outlined |
//! | `boundary.geojson` | Polygon or MultiPolygon | the region outline, when the data has one |
//!
//! Coordinates are WGS-84 longitude, latitude as RFC 7946 requires (at most 6 decimals,
//! exterior rings counter-clockwise); each file also states it in a `crs` member
//! (`urn:ogc:def:crs:OGC:1.3:CRS84`, which GDAL reads). Where the inputs were GCJ-02 or
//! BD-09, a copy of each file in that system (`villages.gcj02.geojson`, …) is written for
//! pasting into Amap, Tencent or Baidu maps; those copies say so in a `coordinate_system`
//! member and carry no `crs`, since no EPSG code describes them.

use serde_json::{Map, Value, json};

use super::tables::{ProjectKind, projects};
use crate::map::nest_rings;
use crate::model::{Crs, LonLat};
use crate::plan::Plan;

/// Rounds a coordinate to 6 decimals (about 0.1 m).
fn deg(x: f64) -> f64 {
    round(x, 6)
}

use crate::numbers::round;

fn point(lon: f64, lat: f64) -> Value {
    json!({"type": "Point", "coordinates": [deg(lon), deg(lat)]})
}

/// A closed ring with the winding RFC 7946 asks for: counter-clockwise when `exterior`.
fn ring(r: &[LonLat], exterior: bool) -> Value {
    let mut pts: Vec<[f64; 2]> = r.iter().map(|p| [deg(p.lon), deg(p.lat)]).collect();
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
    json!(pts)
}

fn feature(geometry: Value, properties: Map<String, Value>) -> Value {
    json!({"type": "Feature", "geometry": geometry, "properties": properties})
}

fn props(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

/// The layers of a plan as (file stem, features), each of one geometry type; a layer with
/// no feature is left out. Coordinates in WGS-84.
pub fn layers(plan: &Plan) -> Vec<(&'static str, Vec<Value>)> {
    let mut out = vec![
        ("villages", villages(plan)),
        ("sites", sites(plan)),
        ("allocation", allocation(plan)),
        ("service_areas", service_areas(plan)),
        ("boundary", boundary(plan)),
    ];
    out.retain(|(_, f)| !f.is_empty());
    out
}

/// The GeoJSON files of a plan, (file name, bytes): each layer in WGS-84 and, when the
/// inputs were in another system, again in that one.
pub fn files(plan: &Plan) -> Vec<(String, Vec<u8>)> {
    let crs = plan.scenario.crs;
    let mut out = Vec::new();
    for (stem, features) in layers(plan) {
        out.push((
            format!("{stem}.geojson"),
            collection(plan, stem, &features, None),
        ));
        if crs != Crs::Wgs84 {
            let moved: Vec<Value> = features
                .iter()
                .map(|f| {
                    let mut f = f.clone();
                    reproject(&mut f["geometry"]["coordinates"], crs);
                    f
                })
                .collect();
            out.push((
                format!("{stem}.{}.geojson", crs_code(crs)),
                collection(plan, stem, &moved, Some(crs)),
            ));
        }
    }
    out
}

fn crs_code(crs: Crs) -> &'static str {
    match crs {
        Crs::Wgs84 => "wgs84",
        Crs::Gcj02 => "gcj02",
        Crs::Bd09 => "bd09",
    }
}

/// Moves every `[lon, lat]` pair inside `coords` from WGS-84 to `crs`.
fn reproject(coords: &mut Value, crs: Crs) {
    let Value::Array(items) = coords else { return };
    if let [Value::Number(lon), Value::Number(lat)] = items.as_slice() {
        let (Some(lon), Some(lat)) = (lon.as_f64(), lat.as_f64()) else {
            return;
        };
        let (x, y) = crate::io::crs::from_wgs84(crs, LonLat { lon, lat });
        *coords = json!([deg(x), deg(y)]);
        return;
    }
    for item in items {
        reproject(item, crs);
    }
}

/// A FeatureCollection, one feature per line; `copy_in` names the system of a copy that is
/// not WGS-84.
fn collection(plan: &Plan, stem: &str, features: &[Value], copy_in: Option<Crs>) -> Vec<u8> {
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
    let lines: Vec<String> = features.iter().map(Value::to_string).collect();
    out += &lines.join(",\n");
    out += "\n]}\n";
    out.into_bytes()
}

fn boundary(plan: &Plan) -> Vec<Value> {
    let r = &plan.region;
    let polygons: Vec<Value> = nest_rings(&r.boundary)
        .into_iter()
        .filter(|(outer, _)| r.boundary[*outer].len() >= 3)
        .map(|(outer, holes)| {
            let mut rings = vec![ring(&r.boundary[outer], true)];
            rings.extend(holes.iter().map(|&h| ring(&r.boundary[h], false)));
            Value::Array(rings)
        })
        .collect();
    if polygons.is_empty() {
        return Vec::new();
    }
    // One type for the whole layer: MultiPolygon when there are several parts.
    let geometry = if polygons.len() == 1 {
        json!({"type": "Polygon", "coordinates": polygons[0]})
    } else {
        json!({"type": "MultiPolygon", "coordinates": polygons})
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

fn villages(plan: &Plan) -> Vec<Value> {
    let r = &plan.region;
    let access = plan.beds.as_ref().map(|b| &b.accessibility);
    plan.day_care
        .villages
        .iter()
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
                        json!(access.and_then(|a| a.before.get(i)).map(|x| round(*x, 3))),
                    ),
                    (
                        "access_after",
                        json!(access.and_then(|a| a.after.get(i)).map(|x| round(*x, 3))),
                    ),
                ]),
            )
        })
        .collect()
}

/// Existing facilities (with what the plan does there), new sites, and candidates the plan
/// leaves unused.
fn sites(plan: &Plan) -> Vec<Value> {
    let r = &plan.region;
    let list = projects(plan);
    let mut out = Vec::new();
    for f in &r.facilities {
        let here: Vec<_> = list.iter().filter(|p| p.id == f.id).collect();
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
        let here: Vec<_> = list.iter().filter(|p| p.id == c.id).collect();
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
fn allocation(plan: &Plan) -> Vec<Value> {
    let r = &plan.region;
    let nf = r.facilities.len();
    plan.day_care
        .villages
        .iter()
        .filter_map(|res| {
            let s = res.site?;
            let v = &r.villages[res.village.get()];
            let (site_id, site_name, pos) = site_name(plan, s);
            Some(feature(
                json!({"type": "LineString", "coordinates": [
                    [deg(v.pos.lon), deg(v.pos.lat)],
                    [deg(pos.lon), deg(pos.lat)],
                ]}),
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
/// as the travel model serves it. Crow-fly: a 48-cornered Polygon of the radius the time
/// limit gives at the speed and detour of the site's area type. Road network or matrix: the
/// MultiPolygon of [`Plan::service_areas`] (roads reached in time, widened; or the served
/// villages outlined). One geometry type per file in either case.
fn service_areas(plan: &Plan) -> Vec<Value> {
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
                let polygons: Vec<Value> = a
                    .area
                    .0
                    .iter()
                    .map(|p| {
                        let pts = |ls: &geo::LineString<f64>| -> Vec<LonLat> {
                            ls.coords().map(|c| LonLat { lon: c.x, lat: c.y }).collect()
                        };
                        let mut rings = vec![ring(&pts(p.exterior()), true)];
                        rings.extend(p.interiors().iter().map(|h| ring(&pts(h), false)));
                        Value::Array(rings)
                    })
                    .collect();
                feature(
                    json!({"type": "MultiPolygon", "coordinates": polygons}),
                    props(base(a.site)),
                )
            })
            .collect();
    }
    crate::plan::serving_sites(&plan.region, &plan.reach, &plan.day_care)
        .into_iter()
        .map(|site| {
            let m = site.reach_radius_m(&s.travel);
            let circle: Vec<LonLat> = (0..CIRCLE_CORNERS)
                .map(|k| {
                    use geo::Destination;
                    let bearing_deg = 360.0 * k as f64 / CIRCLE_CORNERS as f64;
                    let p = geo::Haversine.destination(
                        geo::Point::new(site.pos.lon, site.pos.lat),
                        bearing_deg,
                        m,
                    );
                    LonLat {
                        lon: p.x(),
                        lat: p.y(),
                    }
                })
                .collect();
            let mut properties = base(site.site);
            properties.push(("radius_m", json!(m.round())));
            feature(
                json!({"type": "Polygon", "coordinates": [ring(&circle, true)]}),
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
            json!([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]])
        );
        let hole = ring(&cw, false);
        assert_eq!(
            hole,
            json!([[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
        );
    }

    #[test]
    fn coordinates_keep_six_decimals() {
        assert_eq!(deg(100.123456789), 100.123457);
        assert_eq!(point(1.0000004, 2.5)["coordinates"], json!([1.0, 2.5]));
    }
}
