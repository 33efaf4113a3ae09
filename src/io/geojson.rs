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
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::new(
            path,
            0,
            0,
            format!("无法读取文件：{e}"),
            format!("cannot read the file: {e}"),
        )
    })?;
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
    collect(&value, crs, &mut rings).map_err(|what| {
        Diagnostic::new(
            path,
            0,
            0,
            format!("不是有效的 GeoJSON 面：{what}"),
            format!("not a valid GeoJSON polygon: {what}"),
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

fn collect(v: &Value, crs: Crs, rings: &mut Vec<Vec<LonLat>>) -> Result<(), String> {
    match v.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {
            for f in v
                .get("features")
                .and_then(Value::as_array)
                .ok_or("features")?
            {
                collect(f, crs, rings)?;
            }
        }
        Some("Feature") => {
            if let Some(g) = v.get("geometry").filter(|g| !g.is_null()) {
                collect(g, crs, rings)?;
            }
        }
        Some("GeometryCollection") => {
            for g in v
                .get("geometries")
                .and_then(Value::as_array)
                .ok_or("geometries")?
            {
                collect(g, crs, rings)?;
            }
        }
        Some("Polygon") => polygon(v.get("coordinates").ok_or("coordinates")?, crs, rings)?,
        Some("MultiPolygon") => {
            for p in v
                .get("coordinates")
                .and_then(Value::as_array)
                .ok_or("coordinates")?
            {
                polygon(p, crs, rings)?;
            }
        }
        Some(_) => {}
        None => return Err("missing \"type\"".into()),
    }
    Ok(())
}

fn polygon(coords: &Value, crs: Crs, rings: &mut Vec<Vec<LonLat>>) -> Result<(), String> {
    for ring in coords.as_array().ok_or("polygon coordinates")? {
        let mut pts = Vec::new();
        for p in ring.as_array().ok_or("ring")? {
            let xy = p.as_array().ok_or("position")?;
            let (Some(x), Some(y)) = (
                xy.first().and_then(Value::as_f64),
                xy.get(1).and_then(Value::as_f64),
            ) else {
                return Err("position without two numbers".into());
            };
            pts.push(to_wgs84(crs, x, y));
        }
        if pts.len() >= 4 {
            rings.push(pts);
        }
    }
    Ok(())
}
