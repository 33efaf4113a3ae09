//! Coordinate systems: the China check and the one-time conversion to WGS-84.
//!
//! GCJ-02 (Amap, Tencent) and BD-09 (Baidu) are converted for **every** point the scenario
//! declares in them, with no in-China mask: a mask that is a box or a coarse polygon leaves
//! points near the borders unconverted (about 0.5 km of error for GCJ-02, 1.1 km for BD-09).
//! The forward transforms are the published ones (the GCJ-02 offset polynomial on the
//! Krasovsky ellipsoid, a = 6 378 245 m, e² = 0.006 693 421 622 965 943; BD-09 as GCJ-02 with
//! a 0.0065°/0.006° shift and a small rotation and scaling); the inverses iterate the forward
//! transform to convergence (fixed-point iteration on the offset, which changes by under
//! 10⁻⁴ of a degree per degree), so a round trip holds to well under a millimetre.
//!
//! # References
//! - The forward formulas as published with the open-source `coordtransform` libraries
//!   (wandergis/coordtransform, JavaScript), also implemented by the `coordtransform` crate.

use std::f64::consts::PI;

use crate::io::china;
use crate::model::{Crs, LonLat};

/// What is wrong with a position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PositionProblem {
    /// Longitude and latitude look exchanged.
    Swapped,
    /// Outside China's outline (with its buffer, [`china::BUFFER_KM`]).
    OutsideChina,
    /// Outside the valid range of any longitude/latitude.
    Invalid,
}

fn within(v: f64, (lo, hi): (f64, f64)) -> bool {
    (lo..=hi).contains(&v)
}

/// Checks a position as written in the input. With `china_bounds` it must lie in China (its
/// outline, see [`china::contains`]); without, only in the valid range of longitudes and
/// latitudes. Either way a position that is valid only with longitude and latitude exchanged
/// is reported as swapped.
pub fn check_position(lon: f64, lat: f64, china_bounds: bool) -> Result<(), PositionProblem> {
    if !china_bounds {
        return if within(lon, (-180.0, 180.0)) && within(lat, (-90.0, 90.0)) {
            Ok(())
        } else if within(lat, (-180.0, 180.0)) && within(lon, (-90.0, 90.0)) {
            Err(PositionProblem::Swapped)
        } else {
            Err(PositionProblem::Invalid)
        };
    }
    if !(lon.is_finite() && lat.is_finite()) {
        return Err(PositionProblem::Invalid);
    }
    if china::contains(lon, lat) {
        Ok(())
    } else if china::contains(lat, lon) {
        Err(PositionProblem::Swapped)
    } else if within(lon, (-180.0, 180.0)) && within(lat, (-90.0, 90.0)) {
        Err(PositionProblem::OutsideChina)
    } else {
        Err(PositionProblem::Invalid)
    }
}

impl PositionProblem {
    /// The message in Chinese and English for a position written as `lon`, `lat`.
    pub fn messages(self, lon: &str, lat: &str) -> (String, String) {
        match self {
            Self::Swapped => (
                format!("经度 {lon}、纬度 {lat} 似乎填反了"),
                format!("lon {lon} and lat {lat} look swapped"),
            ),
            Self::OutsideChina => (
                format!(
                    "坐标（{lon}, {lat}）不在中国境内（距中国轮廓超过 {} 千米）；若本区域确在境外，请在情景文件中设置 china_bounds = false",
                    china::BUFFER_KM
                ),
                format!(
                    "position ({lon}, {lat}) is outside China (over {} km from its outline); if the region is outside China, set china_bounds = false in the scenario",
                    china::BUFFER_KM
                ),
            ),
            Self::Invalid => (
                format!("坐标（{lon}, {lat}）不是有效的经纬度"),
                format!("position ({lon}, {lat}) is not a valid longitude/latitude"),
            ),
        }
    }
}

/// Semi-major axis of the Krasovsky 1940 ellipsoid that GCJ-02's offset is defined on, metres.
const KRASOVSKY_A_M: f64 = 6_378_245.0;
/// First eccentricity squared of the Krasovsky 1940 ellipsoid.
const KRASOVSKY_E2: f64 = 0.006_693_421_622_965_943;
/// BD-09's rotation constant, radians per degree (π × 3000 / 180).
const BD_X_PI: f64 = PI * 3000.0 / 180.0;

/// The GCJ-02 offset polynomial in latitude, for x = lon − 105, y = lat − 35 (degrees).
fn offset_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

/// The GCJ-02 offset polynomial in longitude, for x = lon − 105, y = lat − 35 (degrees).
fn offset_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS-84 → GCJ-02 by the published forward formulas, for any point (no in-China mask).
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    let (x, y) = (lon - 105.0, lat - 35.0);
    let rad_lat = lat.to_radians();
    let magic = 1.0 - KRASOVSKY_E2 * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let d_lat = offset_lat(x, y) * 180.0
        / ((KRASOVSKY_A_M * (1.0 - KRASOVSKY_E2)) / (magic * sqrt_magic) * PI);
    let d_lon = offset_lon(x, y) * 180.0 / (KRASOVSKY_A_M / sqrt_magic * rad_lat.cos() * PI);
    (lon + d_lon, lat + d_lat)
}

/// GCJ-02 → BD-09 by the published forward formula.
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let z = lon.hypot(lat) + 0.000_02 * (lat * BD_X_PI).sin();
    let theta = lat.atan2(lon) + 0.000_003 * (lon * BD_X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// Solves `forward(p) = target` by fixed-point iteration from `target` itself: each step
/// moves `p` by the remaining difference. Converges because the forward transforms are the
/// identity plus an offset that varies slowly with position.
fn invert(forward: impl Fn(f64, f64) -> (f64, f64), lon: f64, lat: f64) -> (f64, f64) {
    let (mut x, mut y) = (lon, lat);
    for _ in 0..30 {
        let (fx, fy) = forward(x, y);
        let (dx, dy) = (lon - fx, lat - fy);
        x += dx;
        y += dy;
        // 1e-12 degrees is about 0.1 µm.
        if dx.abs() < 1e-12 && dy.abs() < 1e-12 {
            break;
        }
    }
    (x, y)
}

/// GCJ-02 → WGS-84, the exact inverse of [`wgs84_to_gcj02`] for any point.
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    invert(wgs84_to_gcj02, lon, lat)
}

/// BD-09 → GCJ-02, the exact inverse of [`gcj02_to_bd09`].
pub fn bd09_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    invert(gcj02_to_bd09, lon, lat)
}

/// Converts a position from `crs` to WGS-84: every point, with the exact inverses.
pub fn to_wgs84(crs: Crs, lon: f64, lat: f64) -> LonLat {
    let (lon, lat) = match crs {
        Crs::Wgs84 => (lon, lat),
        Crs::Gcj02 => gcj02_to_wgs84(lon, lat),
        Crs::Bd09 => {
            let (glon, glat) = bd09_to_gcj02(lon, lat);
            gcj02_to_wgs84(glon, glat)
        }
    };
    LonLat { lon, lat }
}

/// Converts a WGS-84 position to `crs` (for maps that must be drawn in GCJ-02).
pub fn from_wgs84(crs: Crs, p: LonLat) -> (f64, f64) {
    match crs {
        Crs::Wgs84 => (p.lon, p.lat),
        Crs::Gcj02 => wgs84_to_gcj02(p.lon, p.lat),
        Crs::Bd09 => {
            let (glon, glat) = wgs84_to_gcj02(p.lon, p.lat);
            gcj02_to_bd09(glon, glat)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference pair published with the wandergis coordtransform JavaScript library:
    // WGS-84 (116.404, 39.915) is GCJ-02 (116.41024449916938, 39.91640428150164).
    const WGS: (f64, f64) = (116.404, 39.915);
    const GCJ: (f64, f64) = (116.41024449916938, 39.91640428150164);

    fn metres(a: LonLat, b: (f64, f64)) -> f64 {
        let dlat = (a.lat - b.1).to_radians() * 6_371_008.8;
        let dlon = (a.lon - b.0).to_radians() * 6_371_008.8 * a.lat.to_radians().cos();
        dlat.hypot(dlon)
    }

    #[test]
    fn gcj02_reference_point_converts_back_to_wgs84() {
        let p = to_wgs84(Crs::Gcj02, GCJ.0, GCJ.1);
        assert!(metres(p, WGS) < 0.01, "{p:?}");
        let forward = from_wgs84(
            Crs::Gcj02,
            LonLat {
                lon: WGS.0,
                lat: WGS.1,
            },
        );
        assert!((forward.0 - GCJ.0).abs() < 1e-9 && (forward.1 - GCJ.1).abs() < 1e-9);
    }

    #[test]
    fn bd09_reference_point_converts_back_to_wgs84() {
        // Same reference: GCJ-02 (116.404, 39.915) is BD-09 (116.41036949371029,
        // 39.92133699351021) and WGS-84 (116.39775550083061, 39.91359571849836) by the
        // classic one-step inverse; the refined inverse used here lands within 2 m of it.
        let via_bd = to_wgs84(Crs::Bd09, 116.41036949371029, 39.92133699351021);
        let via_gcj = to_wgs84(Crs::Gcj02, 116.404, 39.915);
        assert!(
            metres(via_bd, (via_gcj.lon, via_gcj.lat)) < 0.1,
            "{via_bd:?}"
        );
        assert!(metres(via_gcj, (116.39775550083061, 39.91359571849836)) < 2.0);
    }

    #[test]
    fn wgs84_is_unchanged() {
        assert_eq!(
            to_wgs84(Crs::Wgs84, 100.5, 38.4),
            LonLat {
                lon: 100.5,
                lat: 38.4
            }
        );
    }

    /// Border cities (WGS-84, approximate centres), and points the `coordtransform` crate's
    /// mainland mask leaves unconverted (Dongxing's riverbank, Kinmen, Taipei).
    const BORDER: [(&str, f64, f64); 13] = [
        ("Dongxing riverbank 东兴口岸", 107.985, 21.535),
        ("Kinmen 金门", 118.32, 24.44),
        ("Taipei 台北", 121.56, 25.04),
        ("Mohe 漠河", 122.54, 52.97),
        ("Kashgar 喀什", 75.99, 39.47),
        ("Sanya 三亚", 109.51, 18.25),
        ("Dongxing 东兴", 107.97, 21.55),
        ("Hunchun 珲春", 130.37, 42.86),
        ("Ruili 瑞丽", 97.85, 24.01),
        ("Khorgos 霍尔果斯", 80.42, 44.21),
        ("Zengmu 曾母暗沙", 112.28, 3.97),
        ("Fuyuan 抚远", 134.29, 48.36),
        ("Yadong 亚东", 88.91, 27.48),
    ];

    fn round_trip_m(crs: Crs, lon: f64, lat: f64) -> f64 {
        let p = LonLat { lon, lat };
        let (x, y) = from_wgs84(crs, p);
        metres(to_wgs84(crs, x, y), (lon, lat))
    }

    #[test]
    fn inverse_round_trip_holds_everywhere_in_chinas_box() {
        let mut worst: f64 = 0.0;
        for i in 0..=63 {
            for j in 0..=51 {
                let (lon, lat) = (73.0 + f64::from(i), 3.0 + f64::from(j));
                for crs in [Crs::Gcj02, Crs::Bd09] {
                    worst = worst.max(round_trip_m(crs, lon, lat));
                }
            }
        }
        for (name, lon, lat) in BORDER {
            for crs in [Crs::Gcj02, Crs::Bd09] {
                let m = round_trip_m(crs, lon, lat);
                assert!(m < 0.01, "{name} {crs:?}: {m} m");
            }
        }
        assert!(worst < 0.01, "worst round trip {worst} m");
    }

    #[test]
    fn border_cities_are_converted_not_skipped() {
        // Every point moves by the GCJ-02 offset (hundreds of metres), including those the
        // coordinate crate's own mainland mask would leave unchanged.
        for (name, lon, lat) in BORDER {
            let p = to_wgs84(Crs::Gcj02, lon, lat);
            let moved = metres(p, (lon, lat));
            assert!(moved > 50.0 && moved < 1500.0, "{name}: moved {moved} m");
            let b = to_wgs84(Crs::Bd09, lon, lat);
            assert!(metres(b, (lon, lat)) > 300.0, "{name} BD-09");
        }
    }

    /// At 107.985° E the `coordtransform` crate's mask starts at 21.543° N: a point at
    /// 21.540° N stays unconverted there, one at 21.545° N is converted.
    const PAIR_LON: f64 = 107.985;
    const PAIR_LAT: f64 = 21.540;

    #[test]
    fn a_pair_556_m_apart_at_the_border_stays_556_m_apart() {
        // A village and a day-care centre 0.005° of latitude (556 m) apart. Converting one
        // and not the other moved them ~0.5 km (GCJ-02) or ~1.1 km (BD-09) apart; converting
        // both keeps the distance to the metre. The first pair straddles the edge of the
        // `coordtransform` crate's mainland mask at Dongxing, as the 556 m pair did.
        for (lon, lat) in [
            (PAIR_LON, PAIR_LAT),
            (118.32, 24.44),
            (130.37, 42.86),
            (80.42, 44.21),
        ] {
            let a = LonLat { lon, lat };
            let b = LonLat {
                lon,
                lat: lat + 0.005,
            };
            let before = metres(a, (b.lon, b.lat));
            assert!((before - 556.0).abs() < 1.0, "{before}");
            for crs in [Crs::Gcj02, Crs::Bd09] {
                let (pa, pb) = (to_wgs84(crs, a.lon, a.lat), to_wgs84(crs, b.lon, b.lat));
                let after = metres(pa, (pb.lon, pb.lat));
                assert!(
                    (after - before).abs() < 1.0,
                    "{crs:?} ({lon}, {lat}): {after} m"
                );
            }
        }
    }

    #[test]
    fn forward_formulas_agree_with_the_crate_inside_the_mainland() {
        for (lon, lat) in [
            (116.404, 39.915),
            (100.81, 38.43),
            (118.57, 24.79),
            (87.6, 43.8),
        ] {
            let ours = wgs84_to_gcj02(lon, lat);
            let crate_ = coordtransform::wgs84_to_gcj02(lon, lat);
            assert!(
                (ours.0 - crate_.0).abs() < 1e-9 && (ours.1 - crate_.1).abs() < 1e-9,
                "{ours:?} {crate_:?}"
            );
            let bd = gcj02_to_bd09(lon, lat);
            let crate_bd = coordtransform::gcj02_to_bd09(lon, lat);
            assert!((bd.0 - crate_bd.0).abs() < 1e-9 && (bd.1 - crate_bd.1).abs() < 1e-9);
        }
    }

    #[test]
    fn china_outline_swaps_and_neighbours() {
        assert_eq!(check_position(100.8, 38.4, true), Ok(()));
        assert_eq!(
            check_position(38.4, 100.8, true),
            Err(PositionProblem::Swapped)
        );
        for (name, lon, lat) in BORDER {
            assert_eq!(check_position(lon, lat, true), Ok(()), "{name}");
        }
        // Inside the old 73–136 E, 3–54 N box, but not in China.
        for (name, lon, lat) in [
            ("Osaka", 135.50, 34.69),
            ("Seoul", 126.98, 37.57),
            ("Hanoi", 105.85, 21.03),
            ("Ulaanbaatar", 106.91, 47.92),
            ("Kathmandu", 85.32, 27.72),
            ("Manila", 120.98, 14.60),
        ] {
            assert_eq!(
                check_position(lon, lat, true),
                Err(PositionProblem::OutsideChina),
                "{name}"
            );
        }
        assert_eq!(
            check_position(140.0, 38.4, true),
            Err(PositionProblem::OutsideChina)
        );
        assert_eq!(check_position(-122.4, 37.8, false), Ok(()));
        assert_eq!(
            check_position(-122.4, 37.8, true),
            Err(PositionProblem::OutsideChina)
        );
        assert_eq!(
            check_position(500.0, 38.4, true),
            Err(PositionProblem::Invalid)
        );
        let (_, en) = PositionProblem::OutsideChina.messages("135.5", "34.69");
        assert!(en.contains("china_bounds = false"), "{en}");
    }
}
