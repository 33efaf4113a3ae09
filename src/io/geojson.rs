//! Reading a region outline from GeoJSON (Polygon / MultiPolygon geometries, bare or inside
//! Features and FeatureCollections).

use std::path::Path;

use serde_json::Value;

use crate::error::Diagnostic;
use crate::io::crs::to_wgs84;
use crate::io::text;
use crate::model::{Crs, LonLat};

/// Reads every polygon ring of a GeoJSON file, converted from `crs` to WGS-84.
pub fn read_rings(path: &Path, crs: Crs) -> Result<Vec<Vec<LonLat>>, Diagnostic> {
    let rings = read_raw_rings(path)?;
    Ok(rings
        .into_iter()
        .map(|r| r.into_iter().map(|(x, y)| to_wgs84(crs, x, y)).collect())
        .collect())
}

/// Reads every polygon ring of a GeoJSON file as written: `(x, y)` positions, normally
/// (lon, lat) degrees. A position whose second number is beyond ±90 but first is within it
/// is reported as written [lat, lon]; the caller checks subtler swaps against China's
/// outline or the villages.
pub fn read_raw_rings(path: &Path) -> Result<Vec<Vec<(f64, f64)>>, Diagnostic> {
    let bytes = text::read_file(path)?;
    let decoded = text::decode(path, &bytes)?;
    let value: Value = serde_json::from_str(&decoded.text).map_err(|e| {
        Diagnostic::new(
            path,
            e.line() as u64,
            e.column() as u64,
            format!("不是有效的 JSON：{e}"),
            format!("not valid JSON: {e}"),
        )
    })?;
    let mut rings = Vec::new();
    collect(&value, &mut rings).map_err(|p| {
        Diagnostic::new(
            path,
            0,
            0,
            format!("不是有效的 GeoJSON 面：{}", p.zh),
            format!("not a valid GeoJSON polygon: {}", p.en),
        )
    })?;
    if rings.is_empty() {
        return Err(Diagnostic::new(
            path,
            0,
            0,
            "GeoJSON 中没有 Polygon 或 MultiPolygon",
            "the GeoJSON holds no Polygon or MultiPolygon",
        ));
    }
    Ok(rings)
}

/// What is wrong with the GeoJSON structure; a bare member name (`"coordinates"`) reads the
/// same in both languages.
struct Problem {
    zh: String,
    en: String,
}

impl From<&str> for Problem {
    fn from(what: &str) -> Self {
        Self {
            zh: what.to_owned(),
            en: what.to_owned(),
        }
    }
}

/// Positions as written, `(x, y)`.
type Rings = Vec<Vec<(f64, f64)>>;

fn collect(v: &Value, rings: &mut Rings) -> Result<(), Problem> {
    match v.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {
            for f in v
                .get("features")
                .and_then(Value::as_array)
                .ok_or("features")?
            {
                collect(f, rings)?;
            }
        }
        Some("Feature") => {
            if let Some(g) = v.get("geometry").filter(|g| !g.is_null()) {
                collect(g, rings)?;
            }
        }
        Some("GeometryCollection") => {
            for g in v
                .get("geometries")
                .and_then(Value::as_array)
                .ok_or("geometries")?
            {
                collect(g, rings)?;
            }
        }
        Some("Polygon") => polygon(v.get("coordinates").ok_or("coordinates")?, rings)?,
        Some("MultiPolygon") => {
            for p in v
                .get("coordinates")
                .and_then(Value::as_array)
                .ok_or("coordinates")?
            {
                polygon(p, rings)?;
            }
        }
        Some(_) => {}
        None => {
            return Err(Problem {
                zh: "缺少「type」".into(),
                en: "missing \"type\"".into(),
            });
        }
    }
    Ok(())
}

fn polygon(coords: &Value, rings: &mut Rings) -> Result<(), Problem> {
    for ring in coords.as_array().ok_or("polygon coordinates")? {
        let mut pts = Vec::new();
        for p in ring.as_array().ok_or("ring")? {
            let xy = p.as_array().ok_or("position")?;
            let (Some(x), Some(y)) = (
                xy.first().and_then(Value::as_f64),
                xy.get(1).and_then(Value::as_f64),
            ) else {
                return Err(Problem {
                    zh: "坐标应为两个数".into(),
                    en: "position without two numbers".into(),
                });
            };
            if (-90.0..=90.0).contains(&x) && (90.0..=180.0).contains(&y.abs()) {
                let written = p.to_string();
                return Err(Problem {
                    zh: format!(
                        "坐标 {written} 似乎写成了 [纬度, 经度]；GeoJSON 要求 [经度, 纬度]"
                    ),
                    en: format!(
                        "position {written} looks written as [lat, lon]; GeoJSON needs [lon, lat]"
                    ),
                });
            }
            if !((-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y)) {
                let written = p.to_string();
                return Err(Problem {
                    zh: format!("坐标 {written} 不是以度为单位的经纬度"),
                    en: format!("position {written} is not a longitude and latitude in degrees"),
                });
            }
            pts.push((x, y));
        }
        if pts.len() >= 4 {
            rings.push(pts);
        }
    }
    Ok(())
}
