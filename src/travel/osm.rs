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
    ("platform", [5.0, 0.0, 0.0]),
    ("corridor", [5.0, 0.0, 0.0]),
];

/// `highway` classes that are walkable areas: their outline is walked (`area=yes` does not
/// remove them as it removes other classes).
const WALKABLE_AREAS: &[&str] = &["pedestrian", "footway", "platform"];

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
    rule: WayRule,
}

/// What the tags of a road way say: speeds per direction and whether it is at street level.
#[derive(Clone, Copy, Debug, PartialEq)]
struct WayRule {
    forward_kmh: [f64; 3],
    backward_kmh: [f64; 3],
    street_level: bool,
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

/// A one-way value: 1 = along the way, -1 = against it, 0 = both ways, `None` = not said.
fn oneway_value(v: Option<&str>) -> Option<i8> {
    match v? {
        "yes" | "true" | "1" => Some(1),
        "-1" | "reverse" => Some(-1),
        "no" | "false" | "0" => Some(0),
        _ => None,
    }
}

/// Whether the tags put a way off street level: a tunnel, a bridge, an indoor way or
/// corridor, `location=underground|indoor`, or a `layer`/`level` other than 0.
fn off_street_level(tags: &HashMap<&str, &str>) -> bool {
    let tag = |k: &str| tags.get(k).copied();
    let set = |v: Option<&str>| v.is_some_and(|v| v != "no");
    let nonzero = |v: Option<&str>| {
        v.is_some_and(|v| {
            // `level` may list several (`0;1`); any level other than 0 leaves the street.
            v.split(';')
                .any(|l| !matches!(l.trim().parse::<f64>(), Ok(x) if x == 0.0))
        })
    };
    (set(tag("tunnel")) && tag("tunnel") != Some("building_passage"))
        || set(tag("bridge"))
        || set(tag("indoor"))
        || tag("highway") == Some("corridor")
        || matches!(tag("location"), Some("underground" | "indoor"))
        || nonzero(tag("layer"))
        || nonzero(tag("level"))
}

/// The rule of a way from its tags, or `None` when it is no road.
///
/// Rules: `area=yes` is not a road, except the walkable areas (pedestrian squares, footway
/// areas, platforms), whose outline is walked; ways tagged `railway=platform` or
/// `public_transport=platform` without a `highway` are platforms. `access=no|private` closes
/// every profile unless `foot`, `bicycle` or `motor_vehicle`/`motorcar` says yes; `foot`,
/// `bicycle`, `motor_vehicle`, `motorcar` and `vehicle` open or close their profile
/// (`bicycle=dismount` means pushing at walking speed); `maxspeed` caps driving.
///
/// One-way rules per profile: `oneway` (`yes|-1|no`; implied for motorways and
/// `junction=roundabout|circular`) binds riding and driving; `oneway:bicycle` overrides it for
/// riding; walking is bound only by `oneway:foot`, whether or not `oneway` is set.
fn way_rule(tags: &HashMap<&str, &str>) -> Option<WayRule> {
    let platform = matches!(tags.get("railway"), Some(&"platform"))
        || matches!(tags.get("public_transport"), Some(&"platform"));
    let class = match tags.get("highway") {
        Some(c) => *c,
        None if platform => "platform",
        None => return None,
    };
    let mut speed = highway_speeds_kmh(class)?;
    if tags.get("area") == Some(&"yes") && !WALKABLE_AREAS.contains(&class) {
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
    let vehicles = oneway_value(tag("oneway")).unwrap_or(i8::from(implied));
    let per_profile = [
        oneway_value(tag("oneway:foot")).unwrap_or(0),
        oneway_value(tag("oneway:bicycle")).unwrap_or(vehicles),
        vehicles,
    ];
    let mut forward = speed;
    let mut backward = speed;
    for (p, way) in per_profile.into_iter().enumerate() {
        match way {
            1 => backward[p] = 0.0,
            -1 => forward[p] = 0.0,
            _ => {}
        }
    }
    Some(WayRule {
        forward_kmh: forward,
        backward_kmh: backward,
        street_level: !off_street_level(tags),
    })
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
                if let Some(rule) = way_rule(&tags) {
                    let refs: Vec<i64> = way.refs().collect();
                    needed.extend(refs.iter().copied());
                    ways.push(Way { refs, rule });
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
                forward_kmh: way.rule.forward_kmh,
                backward_kmh: way.rule.backward_kmh,
                ends: Some([pair[0], pair[1]]),
                street_level: way.rule.street_level,
            });
        }
    }
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speeds(tags: &[(&'static str, &'static str)]) -> Option<([f64; 3], [f64; 3])> {
        way_rule(&tags.iter().copied().collect()).map(|r| (r.forward_kmh, r.backward_kmh))
    }

    fn street_level(tags: &[(&'static str, &'static str)]) -> Option<bool> {
        way_rule(&tags.iter().copied().collect()).map(|r| r.street_level)
    }

    #[test]
    fn walkers_follow_oneway_foot_only() {
        // `oneway:foot` binds walkers even without `oneway`.
        assert_eq!(
            speeds(&[("highway", "footway"), ("oneway:foot", "yes")]),
            Some(([5.0, 5.0, 0.0], [0.0, 5.0, 0.0]))
        );
        assert_eq!(
            speeds(&[("highway", "residential"), ("oneway:foot", "-1")]),
            Some(([0.0, 15.0, 25.0], [5.0, 15.0, 25.0]))
        );
        // `oneway:bicycle=yes` on a two-way street binds riders only.
        assert_eq!(
            speeds(&[("highway", "residential"), ("oneway:bicycle", "yes")]),
            Some(([5.0, 15.0, 25.0], [5.0, 0.0, 25.0]))
        );
    }

    #[test]
    fn pedestrian_ways_are_walked() {
        assert_eq!(
            speeds(&[("highway", "platform")]),
            Some(([5.0, 0.0, 0.0], [5.0, 0.0, 0.0]))
        );
        assert_eq!(
            speeds(&[("railway", "platform")]),
            Some(([5.0, 0.0, 0.0], [5.0, 0.0, 0.0]))
        );
        assert_eq!(
            speeds(&[("highway", "pedestrian"), ("area", "yes")]).map(|s| s.0[0]),
            Some(5.0)
        );
        assert_eq!(speeds(&[("highway", "service"), ("area", "yes")]), None);
        assert_eq!(street_level(&[("highway", "corridor")]), Some(false));
    }

    #[test]
    fn layers_leave_street_level() {
        assert_eq!(street_level(&[("highway", "residential")]), Some(true));
        assert_eq!(
            street_level(&[("highway", "service"), ("tunnel", "yes"), ("layer", "-3")]),
            Some(false)
        );
        assert_eq!(
            street_level(&[("highway", "footway"), ("bridge", "yes")]),
            Some(false)
        );
        assert_eq!(
            street_level(&[("highway", "footway"), ("tunnel", "building_passage")]),
            Some(true)
        );
        assert_eq!(
            street_level(&[("highway", "footway"), ("level", "-1")]),
            Some(false)
        );
        assert_eq!(
            street_level(&[("highway", "footway"), ("layer", "0"), ("bridge", "no")]),
            Some(true)
        );
        assert_eq!(
            street_level(&[("highway", "footway"), ("indoor", "yes")]),
            Some(false)
        );
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
