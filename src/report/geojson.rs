//! `plan.geojson`: the region outline, villages, existing facilities and proposed projects
//! as one RFC 7946 FeatureCollection (WGS-84, `[lon, lat]`, at most 6 decimals, exterior rings
//! counter-clockwise), for QGIS and ArcGIS. Each feature's `layer` property says what it is:
//! `region`, `village`, `facility` or `project`.

use serde_json::{Map, Value, json};

use super::markdown::projects;
use crate::map::nest_rings;
use crate::model::LonLat;
use crate::plan::Plan;

/// Rounds a coordinate to 6 decimals (about 0.1 m).
fn deg(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

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

/// Every feature of a plan, in layer order.
pub fn features(plan: &Plan) -> Vec<Value> {
    let r = &plan.region;
    let mut out = Vec::new();

    let polygons: Vec<Value> = nest_rings(&r.boundary)
        .into_iter()
        .filter(|(outer, _)| r.boundary[*outer].len() >= 3)
        .map(|(outer, holes)| {
            let mut rings = vec![ring(&r.boundary[outer], true)];
            rings.extend(holes.iter().map(|&h| ring(&r.boundary[h], false)));
            Value::Array(rings)
        })
        .collect();
    if !polygons.is_empty() {
        let geometry = if polygons.len() == 1 {
            json!({"type": "Polygon", "coordinates": polygons[0]})
        } else {
            json!({"type": "MultiPolygon", "coordinates": polygons})
        };
        out.push(feature(
            geometry,
            props(vec![
                ("layer", json!("region")),
                ("name", json!(plan.scenario.name)),
            ]),
        ));
    }

    let access = plan.beds.as_ref().map(|b| &b.accessibility);
    for res in &plan.day_care.villages {
        let i = res.village.get();
        let v = &r.villages[i];
        let (site_id, site_name) = match res.site {
            Some(s) => {
                let site = r.site(s);
                let name = match site {
                    crate::model::Site::Existing(f) => f.name.clone(),
                    crate::model::Site::Candidate(c) => c.name.clone(),
                };
                (json!(site.id()), json!(name))
            }
            None => (Value::Null, Value::Null),
        };
        out.push(feature(
            point(v.pos.lon, v.pos.lat),
            props(vec![
                ("layer", json!("village")),
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
        ));
    }

    for f in &r.facilities {
        out.push(feature(
            point(f.pos.lon, f.pos.lat),
            props(vec![
                ("layer", json!("facility")),
                ("id", json!(f.id)),
                ("name", json!(f.name)),
                ("type", json!(f.kind.as_str())),
                ("township", json!(f.township)),
                ("beds", json!(f.beds)),
                ("nursing_beds", json!(f.nursing_beds)),
                ("public", json!(f.public)),
                ("status", json!("existing")),
            ]),
        ));
    }

    for p in projects(plan) {
        out.push(feature(
            point(p.lon, p.lat),
            props(vec![
                ("layer", json!("project")),
                ("id", json!(p.id)),
                ("name", json!(p.name)),
                ("type", json!(p.kind.code())),
                ("township", json!(p.township)),
                ("new_beds", json!(p.new_beds)),
                ("converted_beds", json!(p.converted_beds)),
                (
                    "newly_covered_elderly",
                    json!(round(p.newly_covered_elderly, 3)),
                ),
                ("cost_wan", json!(round(p.cost_wan, 4))),
                ("year", json!(p.year)),
                ("status", json!("new")),
            ]),
        ));
    }
    out
}

/// `plan.geojson` bytes: one feature per line.
pub fn plan_geojson(plan: &Plan) -> Vec<u8> {
    let mut out = String::from("{\"type\":\"FeatureCollection\",\"name\":");
    out += &Value::String(plan.scenario.name.clone()).to_string();
    out += ",\"features\":[\n";
    let lines: Vec<String> = features(plan).iter().map(Value::to_string).collect();
    out += &lines.join(",\n");
    out += "\n]}\n";
    out.into_bytes()
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
