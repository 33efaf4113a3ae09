//! Reading roads from an OpenStreetMap `.osm.pbf` file: ways with a `highway` tag, their
//! nodes, access and one-way rules, turned into [`RoadSegment`]s with a speed per profile.
//!
//! The file is read twice: first the ways (to learn which nodes roads use), then the positions
//! of just those nodes, so memory follows the road network, not the whole extract. Plain and
//! dense nodes are both read; way segments whose nodes are missing (a clipped extract) are
//! dropped.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use osmpbf::{Element, ElementReader};

use crate::model::LonLat;

use super::TravelError;
use super::network::{Profile, RoadSegment};

/// Default speed in km/h per `highway` class and [`Profile`] (walking, riding, driving);
/// 0 means the profile may not use the class. Classes not listed are not roads for this
/// tool. These are upper bounds: the scenario's speed of each area type caps them.
pub const HIGHWAY_SPEEDS_KMH: &[(&str, [f64; 3])] = &[
    ("motorway", [0.0, 0.0, 100.0]),
    ("motorway_link", [0.0, 0.0, 60.0]),
    ("trunk", [5.0, 18.0, 80.0]),
    ("trunk_link", [5.0, 18.0, 50.0]),
    ("primary", [5.0, 18.0, 60.0]),
    ("primary_link", [5.0, 18.0, 40.0]),
    ("secondary", [5.0, 18.0, 50.0]),
    ("secondary_link", [5.0, 18.0, 40.0]),
    ("tertiary", [5.0, 16.0, 40.0]),
    ("tertiary_link", [5.0, 16.0, 30.0]),
    ("unclassified", [5.0, 15.0, 30.0]),
    ("residential", [5.0, 15.0, 25.0]),
    ("road", [5.0, 15.0, 25.0]),
    ("living_street", [5.0, 10.0, 10.0]),
    ("service", [5.0, 12.0, 15.0]),
    ("track", [4.0, 10.0, 15.0]),
    ("pedestrian", [5.0, 5.0, 0.0]),
    ("footway", [5.0, 5.0, 0.0]),
    ("path", [5.0, 10.0, 0.0]),
    ("cycleway", [5.0, 18.0, 0.0]),
    ("bridleway", [4.0, 0.0, 0.0]),
    ("steps", [2.0, 0.0, 0.0]),
];

/// The default speeds of a `highway` class, if it is a road for this tool.
pub fn highway_speeds_kmh(class: &str) -> Option<[f64; 3]> {
    HIGHWAY_SPEEDS_KMH
        .iter()
        .find(|(c, _)| *c == class)
        .map(|(_, s)| *s)
}

const WALK: usize = Profile::Walking as usize;
const RIDE: usize = Profile::Riding as usize;
const DRIVE: usize = Profile::Driving as usize;

/// A road way as read in the first pass.
struct Way {
    refs: Vec<i64>,
    forward_kmh: [f64; 3],
    backward_kmh: [f64; 3],
}

/// Parses `maxspeed` values such as `50`, `50 km/h` or `30 mph`; anything else (`CN:urban`,
/// `signals`) is ignored.
fn parse_maxspeed(s: &str) -> Option<f64> {
    let s = s.trim();
    let (number, factor) = match s.strip_suffix("mph") {
        Some(n) => (n, 1.609_344),
        None => (s.trim_end_matches("km/h").trim_end_matches("kmh"), 1.0),
    };
    let v: f64 = number.trim().parse().ok()?;
    (v > 0.0 && v.is_finite()).then_some(v * factor)
}

fn is_yes(v: Option<&str>) -> bool {
    matches!(v, Some("yes" | "designated" | "permissive" | "true" | "1"))
}

fn is_no(v: Option<&str>) -> bool {
    matches!(v, Some("no" | "private" | "false" | "0"))
}

/// The speeds of a way in both directions from its tags, or `None` when it is no road.
///
/// Rules: `area=yes` is not a road; `access=no|private` closes every profile unless `foot`,
/// `bicycle` or `motor_vehicle`/`motorcar` says yes; `foot`, `bicycle`, `motor_vehicle`,
/// `motorcar` and `vehicle` open or close their profile (`bicycle=dismount` means pushing at
/// walking speed); `maxspeed` caps driving. One-way streets (`oneway=yes|-1`, motorways,
/// `junction=roundabout|circular`) bind riding and driving; walking ignores them unless
/// `oneway:foot=yes`, and `oneway:bicycle=no` frees riding.
fn way_speeds(tags: &HashMap<&str, &str>) -> Option<([f64; 3], [f64; 3])> {
    let class = *tags.get("highway")?;
    let mut speed = highway_speeds_kmh(class)?;
    if tags.get("area") == Some(&"yes") {
        return None;
    }
    let tag = |k: &str| tags.get(k).copied();
    if is_no(tag("access")) {
        speed = [0.0; 3];
    }
    match tag("foot") {
        t if is_no(t) => speed[WALK] = 0.0,
        t if is_yes(t) && speed[WALK] == 0.0 => speed[WALK] = 5.0,
        _ => {}
    }
    match tag("bicycle") {
        Some("dismount") => speed[RIDE] = 5.0,
        t if is_no(t) => speed[RIDE] = 0.0,
        t if is_yes(t) && speed[RIDE] == 0.0 => speed[RIDE] = 15.0,
        _ => {}
    }
    let motor = tag("motor_vehicle").or(tag("motorcar")).or(tag("vehicle"));
    match motor {
        t if is_no(t) => speed[DRIVE] = 0.0,
        t if is_yes(t) && speed[DRIVE] == 0.0 => speed[DRIVE] = 25.0,
        _ => {}
    }
    if let Some(max) = tag("maxspeed").and_then(parse_maxspeed) {
        speed[DRIVE] = speed[DRIVE].min(max);
    }
    if speed.iter().all(|s| *s <= 0.0) {
        return None;
    }
    let implied = matches!(class, "motorway" | "motorway_link")
        || matches!(tag("junction"), Some("roundabout" | "circular"));
    let oneway = match tag("oneway") {
        Some("yes" | "true" | "1") => 1,
        Some("-1" | "reverse") => -1,
        Some("no" | "false" | "0") => 0,
        _ if implied => 1,
        _ => 0,
    };
    let mut forward = speed;
    let mut backward = speed;
    if oneway != 0 {
        let against = if oneway == 1 {
            &mut backward
        } else {
            &mut forward
        };
        if matches!(tag("oneway:foot"), Some("yes")) {
            against[WALK] = 0.0;
        }
        if !matches!(tag("oneway:bicycle"), Some("no")) {
            against[RIDE] = 0.0;
        }
        against[DRIVE] = 0.0;
    }
    Some((forward, backward))
}

fn osm_error(path: &Path, e: osmpbf::Error) -> TravelError {
    TravelError::Osm {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Reads the road segments of an `.osm.pbf` file.
pub(crate) fn read(path: &Path) -> Result<Vec<RoadSegment>, TravelError> {
    let mut ways = Vec::new();
    let mut needed = HashSet::new();
    ElementReader::from_path(path)
        .map_err(|e| osm_error(path, e))?
        .for_each(|element| {
            if let Element::Way(way) = element {
                let tags: HashMap<&str, &str> = way.tags().collect();
                if let Some((forward_kmh, backward_kmh)) = way_speeds(&tags) {
                    let refs: Vec<i64> = way.refs().collect();
                    needed.extend(refs.iter().copied());
                    ways.push(Way {
                        refs,
                        forward_kmh,
                        backward_kmh,
                    });
                }
            }
        })
        .map_err(|e| osm_error(path, e))?;
    let mut positions: HashMap<i64, LonLat> = HashMap::with_capacity(needed.len());
    ElementReader::from_path(path)
        .map_err(|e| osm_error(path, e))?
        .for_each(|element| {
            let (id, lon, lat) = match element {
                Element::Node(n) => (n.id(), n.lon(), n.lat()),
                Element::DenseNode(n) => (n.id(), n.lon(), n.lat()),
                _ => return,
            };
            if needed.contains(&id) {
                positions.insert(id, LonLat { lon, lat });
            }
        })
        .map_err(|e| osm_error(path, e))?;
    let mut segments = Vec::new();
    for way in &ways {
        for pair in way.refs.windows(2) {
            let (Some(&from), Some(&to)) = (positions.get(&pair[0]), positions.get(&pair[1]))
            else {
                continue;
            };
            segments.push(RoadSegment {
                from,
                to,
                forward_kmh: way.forward_kmh,
                backward_kmh: way.backward_kmh,
            });
        }
    }
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speeds(tags: &[(&'static str, &'static str)]) -> Option<([f64; 3], [f64; 3])> {
        way_speeds(&tags.iter().copied().collect())
    }

    #[test]
    fn classes_and_access() {
        assert_eq!(
            speeds(&[("highway", "residential")]),
            Some(([5.0, 15.0, 25.0], [5.0, 15.0, 25.0]))
        );
        assert_eq!(speeds(&[("highway", "proposed")]), None);
        assert_eq!(speeds(&[("building", "yes")]), None);
        // A footway open to bicycles.
        assert_eq!(
            speeds(&[("highway", "footway"), ("bicycle", "no")]),
            Some(([5.0, 0.0, 0.0], [5.0, 0.0, 0.0]))
        );
        // Private: closed to all.
        assert_eq!(
            speeds(&[("highway", "service"), ("access", "private")]),
            None
        );
        assert_eq!(
            speeds(&[("highway", "primary"), ("maxspeed", "30 mph")]).map(|s| s.0[2].round()),
            Some(48.0)
        );
    }

    #[test]
    fn one_way_binds_vehicles_not_walkers() {
        assert_eq!(
            speeds(&[("highway", "secondary"), ("oneway", "yes")]),
            Some(([5.0, 18.0, 50.0], [5.0, 0.0, 0.0]))
        );
        assert_eq!(
            speeds(&[("highway", "secondary"), ("oneway", "-1")]),
            Some(([5.0, 0.0, 0.0], [5.0, 18.0, 50.0]))
        );
        assert_eq!(
            speeds(&[("highway", "motorway")]),
            Some(([0.0, 0.0, 100.0], [0.0, 0.0, 0.0]))
        );
        assert_eq!(
            speeds(&[
                ("highway", "residential"),
                ("junction", "roundabout"),
                ("oneway:bicycle", "no")
            ]),
            Some(([5.0, 15.0, 25.0], [5.0, 15.0, 0.0]))
        );
    }

    #[test]
    fn maxspeed_forms() {
        assert_eq!(parse_maxspeed("60"), Some(60.0));
        assert_eq!(parse_maxspeed("40 km/h"), Some(40.0));
        assert_eq!(parse_maxspeed("CN:urban"), None);
    }
}
