//! Points on the haversine sphere as 3-D coordinates, so that an R-tree can find everything
//! within a great-circle distance without any map-projection distortion.
//!
//! The straight-line (chord) distance between two points on a sphere, `2R·sin(d / 2R)`, grows
//! strictly with their great-circle distance `d`. A ball query with the chord of the wanted
//! radius therefore returns exactly the points within that great-circle distance, anywhere on
//! Earth and over any extent; a tiny enlargement absorbs rounding, and every hit is then
//! confirmed with geo's `Haversine`.

use geo::{Distance, Haversine, Point};
use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::model::LonLat;

/// geo's mean Earth radius, the sphere of its `Haversine` metric.
pub(crate) const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A point in the R-tree with the index it stands for.
pub(crate) type Indexed = GeomWithData<[f64; 3], u32>;

/// Great-circle distance in metres (geo's `Haversine`).
pub(crate) fn haversine_m(a: LonLat, b: LonLat) -> f64 {
    Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat))
}

/// Earth-centred coordinates in metres on the haversine sphere.
pub(crate) fn xyz(p: LonLat) -> [f64; 3] {
    let (lon, lat) = (p.lon.to_radians(), p.lat.to_radians());
    [
        EARTH_RADIUS_M * lat.cos() * lon.cos(),
        EARTH_RADIUS_M * lat.cos() * lon.sin(),
        EARTH_RADIUS_M * lat.sin(),
    ]
}

/// The position of an Earth-centred point (any length), the inverse of [`xyz`].
pub(crate) fn lonlat(p: [f64; 3]) -> LonLat {
    let r = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2])
        .sqrt()
        .max(f64::MIN_POSITIVE);
    LonLat {
        lon: p[1].atan2(p[0]).to_degrees(),
        lat: (p[2] / r).clamp(-1.0, 1.0).asin().to_degrees(),
    }
}

/// A local plane around `origin`: metres east and north on the haversine sphere's
/// equirectangular projection at the origin's latitude, for buffering shapes a few
/// kilometres across in metres.
#[derive(Clone, Copy, Debug)]
pub struct LocalPlane {
    origin: LonLat,
    /// Metres per degree of latitude.
    m_per_deg: f64,
    /// Cosine of the origin's latitude (at least 10⁻⁶).
    cos: f64,
}

impl LocalPlane {
    /// The plane around `origin`.
    pub fn around(origin: LonLat) -> Self {
        Self {
            origin,
            m_per_deg: EARTH_RADIUS_M * std::f64::consts::PI / 180.0,
            cos: origin.lat.to_radians().cos().max(1e-6),
        }
    }

    /// A position in the plane, metres.
    pub fn to_plane(&self, p: LonLat) -> geo::Coord<f64> {
        geo::Coord {
            x: (p.lon - self.origin.lon) * self.m_per_deg * self.cos,
            y: (p.lat - self.origin.lat) * self.m_per_deg,
        }
    }

    /// A plane point back in degrees (x = longitude, y = latitude).
    pub fn to_degrees(&self, c: geo::Coord<f64>) -> geo::Coord<f64> {
        geo::Coord {
            x: self.origin.lon + c.x / (self.m_per_deg * self.cos),
            y: self.origin.lat + c.y / self.m_per_deg,
        }
    }
}

/// Squared chord length that safely covers every point within `dist_m` of great-circle
/// distance (slightly enlarged against rounding; the whole sphere beyond half a circumference).
pub(crate) fn chord2_covering(dist_m: f64) -> f64 {
    if dist_m.is_nan() || dist_m < 0.0 {
        return -1.0;
    }
    let half_angle = dist_m / (2.0 * EARTH_RADIUS_M);
    let chord = if half_angle >= std::f64::consts::FRAC_PI_2 {
        2.0 * EARTH_RADIUS_M
    } else {
        2.0 * EARTH_RADIUS_M * half_angle.sin()
    };
    let chord = chord * (1.0 + 1e-9) + 1e-3;
    chord * chord
}

/// An R-tree of positions, each carrying its index in `points`.
pub(crate) fn tree_of(points: impl Iterator<Item = (u32, LonLat)>) -> RTree<Indexed> {
    RTree::bulk_load(points.map(|(i, p)| GeomWithData::new(xyz(p), i)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chord_bound_covers_the_haversine_distance() {
        // Pairs from 1 m to 2000 km: the chord between them never exceeds the covering chord
        // of their own haversine distance.
        let a = LonLat {
            lon: 118.0,
            lat: 26.0,
        };
        for (dlon, dlat) in [
            (1e-5, 0.0),
            (0.01, 0.02),
            (0.3, -0.1),
            (5.0, 4.0),
            (-12.0, 9.0),
        ] {
            let b = LonLat {
                lon: a.lon + dlon,
                lat: a.lat + dlat,
            };
            let d = haversine_m(a, b);
            let (pa, pb) = (xyz(a), xyz(b));
            let c2: f64 = (0..3).map(|i| (pa[i] - pb[i]).powi(2)).sum();
            assert!(c2 <= chord2_covering(d), "{dlon} {dlat}");
            // And the enlargement is tiny: under 1 % for anything above 1 m.
            assert!(chord2_covering(d * 0.99) < c2, "{dlon} {dlat}");
        }
    }

    #[test]
    fn a_degree_of_meridian_is_r_pi_over_180() {
        // 6 371 008.8 m × π / 180 = 111 195.08 m, at any longitude.
        let a = LonLat {
            lon: 100.8,
            lat: 38.0,
        };
        let b = LonLat {
            lon: 100.8,
            lat: 39.0,
        };
        assert!((haversine_m(a, b) - 111_195.08).abs() < 0.01);
    }
}
