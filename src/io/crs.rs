//! Coordinate systems: the China bounds check and the one-time conversion to WGS-84.
//!
//! GCJ-02 (Amap, Tencent) and BD-09 (Baidu) are converted with the `coordtransform` crate,
//! which applies the offsets only inside its mainland-China mask, as the providers do.

use crate::model::{Crs, LonLat};

/// Longitudes accepted as "in China", degrees east.
pub const CHINA_LON: (f64, f64) = (73.0, 136.0);
/// Latitudes accepted as "in China", degrees north.
pub const CHINA_LAT: (f64, f64) = (3.0, 54.0);

/// What is wrong with a position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PositionProblem {
    /// Longitude and latitude look exchanged.
    Swapped,
    /// Longitude outside 73–136 E.
    LonOutside,
    /// Latitude outside 3–54 N.
    LatOutside,
    /// Outside the valid range of any longitude/latitude.
    Invalid,
}

fn within(v: f64, (lo, hi): (f64, f64)) -> bool {
    (lo..=hi).contains(&v)
}

/// Checks a position as written in the input. With `china_bounds` it must lie in
/// 73–136 E, 3–54 N; without, only in the valid range of longitudes and latitudes.
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
    match (within(lon, CHINA_LON), within(lat, CHINA_LAT)) {
        (true, true) => Ok(()),
        _ if within(lat, CHINA_LON) && within(lon, CHINA_LAT) => Err(PositionProblem::Swapped),
        (false, _) => Err(PositionProblem::LonOutside),
        (true, false) => Err(PositionProblem::LatOutside),
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
            Self::LonOutside | Self::LatOutside => (
                format!("坐标（{lon}, {lat}）不在中国范围内（东经 73–136°，北纬 3–54°）"),
                format!("position ({lon}, {lat}) is outside China (73–136 E, 3–54 N)"),
            ),
            Self::Invalid => (
                format!("坐标（{lon}, {lat}）不是有效的经纬度"),
                format!("position ({lon}, {lat}) is not a valid longitude/latitude"),
            ),
        }
    }
}

/// Converts a position from `crs` to WGS-84.
pub fn to_wgs84(crs: Crs, lon: f64, lat: f64) -> LonLat {
    let (lon, lat) = match crs {
        Crs::Wgs84 => (lon, lat),
        Crs::Gcj02 => coordtransform::gcj02_to_wgs84(lon, lat),
        Crs::Bd09 => coordtransform::bd09_to_wgs84(lon, lat),
    };
    LonLat { lon, lat }
}

/// Converts a WGS-84 position to `crs` (for maps that must be drawn in GCJ-02).
pub fn from_wgs84(crs: Crs, p: LonLat) -> (f64, f64) {
    match crs {
        Crs::Wgs84 => (p.lon, p.lat),
        Crs::Gcj02 => coordtransform::wgs84_to_gcj02(p.lon, p.lat),
        Crs::Bd09 => coordtransform::wgs84_to_bd09(p.lon, p.lat),
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

    #[test]
    fn bounds_and_swaps() {
        assert_eq!(check_position(100.8, 38.4, true), Ok(()));
        assert_eq!(
            check_position(38.4, 100.8, true),
            Err(PositionProblem::Swapped)
        );
        assert_eq!(
            check_position(140.0, 38.4, true),
            Err(PositionProblem::LonOutside)
        );
        assert_eq!(
            check_position(100.0, 60.0, true),
            Err(PositionProblem::LatOutside)
        );
        assert_eq!(check_position(-122.4, 37.8, false), Ok(()));
        assert_eq!(
            check_position(-122.4, 37.8, true),
            Err(PositionProblem::LonOutside)
        );
    }
}
