//! The files the five seed plans write, checked from the files alone (not from the code that
//! wrote them): every GeoJSON geometry is one a GIS accepts, every village of the
//! bed-access map lies in the class its legend label states, and every SVG and
//! `report.html` embeds a font that draws its Chinese text. The seeds are planned once, by
//! the binary, into one folder that every test here reads.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ab_glyph::Font as _;
use base64::Engine as _;
use serde_json::Value;

const SEEDS: [&str; 5] = ["minle", "jianghai", "jinjiang", "taizhou", "fujian"];

/// The folder holding one output folder per seed, planned on first use.
fn outputs() -> &'static Path {
    static RUN: OnceLock<tempfile::TempDir> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let scenarios: Vec<String> = SEEDS
            .iter()
            .map(|s| root.join(format!("seeds/{s}.toml")).display().to_string())
            .collect();
        let out = dir.path().join("out").display().to_string();
        let mut args = vec!["plan", "--quiet", "--out", out.as_str()];
        args.extend(scenarios.iter().map(String::as_str));
        let run = common::yanglao(dir.path(), &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        dir
    })
    .path()
}

fn seed_dir(seed: &str) -> PathBuf {
    outputs().join("out").join(seed)
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|_| panic!("{} written", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A position as `(lon, lat)`.
fn position(v: &Value) -> (f64, f64) {
    (
        v[0].as_f64().expect("longitude"),
        v[1].as_f64().expect("latitude"),
    )
}

fn distinct(points: &[(f64, f64)]) -> usize {
    let mut p: Vec<(u64, u64)> = points
        .iter()
        .map(|(x, y)| (x.to_bits(), y.to_bits()))
        .collect();
    p.sort_unstable();
    p.dedup();
    p.len()
}

/// Why a linear ring is not valid (OGC simple features: closed, at least four positions,
/// not collapsed onto fewer than three points or onto a line), or `None`.
fn ring_fault(ring: &Value) -> Option<String> {
    let pts: Vec<(f64, f64)> = ring
        .as_array()
        .expect("ring")
        .iter()
        .map(position)
        .collect();
    if pts.len() < 4 {
        return Some(format!("{} positions", pts.len()));
    }
    if pts.first() != pts.last() {
        return Some("not closed".to_owned());
    }
    if distinct(&pts) < 3 {
        return Some(format!("{} distinct positions", distinct(&pts)));
    }
    let twice_area: f64 = pts
        .windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum();
    (twice_area == 0.0).then(|| "no area".to_owned())
}

/// Why a geometry is not valid, or `None`.
fn geometry_fault(g: &Value) -> Option<String> {
    let c = &g["coordinates"];
    let polygon = |p: &Value| {
        p.as_array()
            .expect("rings")
            .iter()
            .find_map(ring_fault)
            .or_else(|| {
                p.as_array()
                    .expect("rings")
                    .is_empty()
                    .then(|| "no ring".into())
            })
    };
    match g["type"].as_str().expect("type") {
        "Point" => None,
        "LineString" => {
            let pts: Vec<(f64, f64)> = c.as_array().expect("line").iter().map(position).collect();
            (distinct(&pts) < 2).then(|| format!("{} distinct positions", distinct(&pts)))
        }
        "Polygon" => polygon(c),
        "MultiPolygon" => {
            let parts = c.as_array().expect("polygons");
            parts
                .iter()
                .find_map(polygon)
                .or_else(|| parts.is_empty().then(|| "no polygon".into()))
        }
        other => Some(format!("unexpected type {other}")),
    }
}

/// Regression: a village lying at its serving site's point was written as a LineString of
/// two equal points, which shapely and QGIS's validity check reject.
#[test]
fn every_geojson_geometry_of_the_seeds_is_valid() {
    for seed in SEEDS {
        let dir = seed_dir(seed);
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("output folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.to_string_lossy().ends_with(".geojson"))
            .collect();
        files.sort();
        assert!(files.len() >= 4, "{seed}: {files:?}");
        for file in &files {
            let v = read_json(file);
            for (i, f) in v["features"]
                .as_array()
                .expect("features")
                .iter()
                .enumerate()
            {
                if let Some(fault) = geometry_fault(&f["geometry"]) {
                    panic!("{}: feature {i}: {fault}", file.display());
                }
            }
        }

        // Only lines that would have no length are left out: every served village whose
        // site lies elsewhere has its line, and its line ends at the site.
        let sites: HashMap<String, (f64, f64)> = read_json(&dir.join("sites.geojson"))["features"]
            .as_array()
            .expect("features")
            .iter()
            .map(|f| {
                (
                    f["properties"]["id"].as_str().expect("id").to_owned(),
                    position(&f["geometry"]["coordinates"]),
                )
            })
            .collect();
        let lines: HashMap<String, Vec<(f64, f64)>> =
            read_json(&dir.join("allocation.geojson"))["features"]
                .as_array()
                .expect("features")
                .iter()
                .map(|f| {
                    let pts = f["geometry"]["coordinates"]
                        .as_array()
                        .expect("line")
                        .iter()
                        .map(position)
                        .collect();
                    (
                        f["properties"]["village_id"]
                            .as_str()
                            .expect("id")
                            .to_owned(),
                        pts,
                    )
                })
                .collect();
        let (mut at_site, mut drawn) = (0, 0);
        for f in read_json(&dir.join("villages.geojson"))["features"]
            .as_array()
            .expect("features")
        {
            let p = &f["properties"];
            let Some(site) = p["site_id"].as_str() else {
                continue;
            };
            let id = p["id"].as_str().expect("id");
            let village = position(&f["geometry"]["coordinates"]);
            let site_at = sites[site];
            if village == site_at {
                at_site += 1;
                assert!(
                    !lines.contains_key(id),
                    "{seed}: {id} has a line of no length"
                );
            } else {
                drawn += 1;
                let line = lines
                    .get(id)
                    .unwrap_or_else(|| panic!("{seed}: served village {id} has no line"));
                assert_eq!(line, &vec![village, site_at], "{seed}: {id}");
            }
        }
        assert_eq!(
            lines.len(),
            drawn,
            "{seed}: one line per served village elsewhere"
        );
        assert!(drawn > 0, "{seed}: no allocation line at all");
        // The seeds place many candidates at village points: the case is exercised.
        assert!(at_site > 0, "{seed}: no village lies at its site");
    }
}

/// A map's page data block in `report.html`: `<script … id="{id}-data">JSON</script>`.
fn page_data(html: &str, id: &str) -> Value {
    let open = format!("id=\"{id}-data\">");
    let start = html.find(&open).expect("the data block") + open.len();
    let len = html[start..].find("</script>").expect("its end");
    serde_json::from_str(&html[start..start + len]).expect("JSON")
}

/// A legend label of the access map read as the interval it states: `(low, high,
/// low_included)`; `None` for the "no bed in reach" class.
fn interval(label: &str) -> Option<(f64, f64, bool)> {
    let num = |s: &str| {
        s.trim()
            .parse::<f64>()
            .unwrap_or_else(|_| panic!("a number: {s}"))
    };
    if label == "无可达床位" || label == "No bed in reach" {
        return None;
    }
    if label == "有可达床位" || label == "Beds in reach" {
        return Some((0.0, f64::INFINITY, false));
    }
    if let Some(hi) = label.strip_prefix("< ") {
        return Some((0.0, num(hi), false));
    }
    let rest = label.strip_prefix("≥ ").expect("a label of ≥ or <");
    Some(match rest.split_once(", < ") {
        Some((lo, hi)) => (num(lo), num(hi), true),
        None => (num(rest), f64::INFINITY, true),
    })
}

/// Regression: the legend's limits were rounded apart from the binning, so a village at
/// 27.0 was drawn in the class labelled `< 27`. Every village's class, as the page draws it,
/// must be the class its value (as the page and `villages.geojson` write it) reads in.
#[test]
fn every_village_of_the_access_maps_lies_in_its_labelled_class() {
    for seed in SEEDS {
        let dir = seed_dir(seed);
        let html = fs::read_to_string(dir.join("report.html")).expect("report.html");
        if !html.contains("id=\"access-data\"") {
            continue;
        }
        let data = page_data(&html, "access");
        let labels: Vec<&str> = data["text"]["classes"]
            .as_array()
            .expect("classes")
            .iter()
            .map(|l| l.as_str().expect("label"))
            .collect();
        // The static map's legend states the same classes.
        let svg = fs::read_to_string(dir.join("access.svg")).expect("access.svg");
        let svg_lines: Vec<&str> = svg.lines().map(str::trim).collect();
        for l in &labels {
            let escaped = l.replace('<', "&lt;").replace('>', "&gt;");
            assert!(
                svg_lines.contains(&escaped.as_str()),
                "{seed}: access.svg lacks the legend label {l}"
            );
        }
        let villages = read_json(&dir.join("villages.geojson"));
        let villages = villages["features"].as_array().expect("features");
        let v = data["v"].as_array().expect("villages");
        let acc = data["acc"].as_array().expect("acc");
        assert_eq!(v.len(), villages.len());
        let mut in_classes = vec![0usize; labels.len()];
        for (i, (row, f)) in v.iter().zip(villages).enumerate() {
            assert_eq!(row[3], f["properties"]["name"], "{seed}: village {i} order");
            let class = row[7].as_u64().expect("class") as usize;
            in_classes[class] += 1;
            let value = acc[i].as_f64();
            // The page shows what villages.geojson writes.
            assert_eq!(
                value,
                f["properties"]["access_after"].as_f64(),
                "{seed}: {i}"
            );
            let label = labels[class];
            match (interval(label), value) {
                (None, v) => assert!(v.unwrap_or(0.0) == 0.0, "{seed}: {v:?} drawn as {label}"),
                (Some((lo, hi, lo_in)), Some(x)) => assert!(
                    x > 0.0 && (x > lo || (lo_in && x == lo)) && x < hi,
                    "{seed}: village {i} at {x} drawn in class {label}"
                ),
                (Some(_), None) => panic!("{seed}: village {i} without beds drawn as {label}"),
            }
        }
        assert!(
            in_classes.iter().filter(|n| **n > 0).count() >= 3,
            "{seed}: {in_classes:?}"
        );
    }
}

/// The font embedded in a file: the `@font-face` named `yanglao-embedded`, its data URI
/// decoded.
fn embedded_fonts(text: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("@font-face{") {
        rest = &rest[i..];
        let end = rest.find('}').expect("the rule ends");
        let rule = &rest[..end];
        assert!(
            rule.contains("font-family:\"yanglao-embedded\""),
            "{rule:.80}"
        );
        let data = rule
            .split_once("base64,")
            .and_then(|(_, d)| d.split(')').next())
            .expect("a base64 data URI");
        out.push(
            base64::engine::general_purpose::STANDARD
                .decode(data)
                .expect("valid base64"),
        );
        rest = &rest[end..];
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
}

/// Regression: the SVGs and `report.html` named system fonts only, so a machine without a
/// Chinese font showed boxes. Each embeds one font, which parses and draws every Chinese
/// character of the file that the bundled font draws.
#[test]
fn svgs_and_the_html_report_embed_a_font_for_their_chinese_text() {
    let bundled =
        ab_glyph::FontRef::try_from_slice(include_bytes!("../src/map/font/wqy-microhei-gbk.ttf"))
            .expect("the bundled font");
    for seed in SEEDS {
        let dir = seed_dir(seed);
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("output folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                let n = p.to_string_lossy();
                n.ends_with(".svg") || n.ends_with("report.html")
            })
            .collect();
        files.sort();
        assert!(files.len() >= 3, "{seed}: {files:?}");
        for file in &files {
            let text = fs::read_to_string(file).expect("text");
            let fonts = embedded_fonts(&text);
            assert_eq!(fonts.len(), 1, "{}: one embedded font", file.display());
            let font = ab_glyph::FontRef::try_from_slice(&fonts[0])
                .unwrap_or_else(|e| panic!("{}: the embedded font parses: {e}", file.display()));
            let mut cjk: Vec<char> = text.chars().filter(|c| is_cjk(*c)).collect();
            cjk.sort_unstable();
            cjk.dedup();
            assert!(cjk.len() > 10, "{}: Chinese text", file.display());
            let missing: String = cjk
                .iter()
                .filter(|c| bundled.glyph_id(**c).0 != 0 && font.glyph_id(**c).0 == 0)
                .collect();
            assert!(
                missing.is_empty(),
                "{}: the embedded font lacks {missing}",
                file.display()
            );
            // A subset, not the whole 3 MB font.
            assert!(
                font.glyph_count() < bundled.glyph_count() / 2,
                "{}",
                file.display()
            );
            // The text names the embedded family first.
            assert!(
                text.contains("font-family=\"yanglao-embedded,")
                    || text.contains("font:15px/1.6 \"yanglao-embedded\""),
                "{}: the embedded family is not used",
                file.display()
            );
        }
    }
}
