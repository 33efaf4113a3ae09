//! The report files of `yanglao plan` on the six-village fixture: golden `proposals.csv`,
//! `report.md` and the GeoJSON layers; maps and charts that exist, have the right size and carry
//! their Chinese labels; the `--lang` and `--font` flags.
//!
//! The fixture's plan (worked in tests/plan.rs): one new comprehensive centre, C02 海潮坝村候选点
//! in 六坝镇, serving 270 elderly no site reached before; coverage 82.0 % → 93.3 %.

mod common;

use std::fs;
use std::io::Read;
use std::path::Path;

use common::{copy_fixture, golden, svg_texts, yanglao};

/// Runs the fixture plan with extra arguments and returns the output folder's parent.
fn plan(dir: &Path, extra: &[&str]) -> common::Run {
    let mut args = vec!["plan", "scenario.toml", "--out", "out"];
    args.extend_from_slice(extra);
    yanglao(dir, &args)
}

#[test]
fn report_files_match_the_goldens() {
    let dir = copy_fixture();
    let run = plan(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = dir.path().join("out/scenario");
    let proposals = fs::read_to_string(out.join("proposals.csv")).expect("proposals.csv");
    // The day-care site comes first, with the elderly it newly serves.
    assert!(
        proposals.lines().nth(1).is_some_and(|l| l.starts_with(
            "C02,海潮坝村候选点,comprehensive,六坝镇,100.980000,38.505500,0,0,0,270,30,2025"
        )),
        "{proposals}"
    );
    golden("report_tiny_proposals.csv", &proposals);
    let md = fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(
        md.contains("| 日间照料服务覆盖率 (15 分钟服务圈) | 2025 | 82.0% | ≥ 90.0% | 93.3% | 是 |"),
        "{md}"
    );
    assert!(md.contains("![日间照料服务覆盖图](map.png)"));
    assert!(
        md.contains("生活不能自理特困人员集中供养率"),
        "other targets listed"
    );
    golden("report_tiny_report.md", &md);
    let geojson = fs::read_to_string(out.join("sites.geojson")).expect("sites.geojson");
    golden("report_tiny_sites.geojson", &geojson);
}

/// Every number in a GeoJSON coordinate array has at most 6 decimals.
fn check_coordinates(v: &serde_json::Value) {
    match v {
        serde_json::Value::Array(items) => items.iter().for_each(check_coordinates),
        serde_json::Value::Number(n) => {
            let s = n.to_string();
            let decimals = s.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 6, "{s} has more than 6 decimals");
        }
        other => panic!("unexpected coordinate value {other}"),
    }
}

/// A GeoJSON output file, parsed.
fn layer(dir: &Path, file: &str) -> serde_json::Value {
    let text = fs::read_to_string(dir.join("out/scenario").join(file))
        .unwrap_or_else(|_| panic!("{file} written"));
    serde_json::from_str(&text).expect("valid JSON")
}

#[test]
fn geojson_is_one_rfc_7946_file_per_geometry_type() {
    let dir = copy_fixture();
    assert_eq!(plan(dir.path(), &[]).code, 0);
    // No boundary in the fixture, so no boundary layer; crow-fly travel, so service areas.
    assert!(!dir.path().join("out/scenario/boundary.geojson").exists());
    assert!(!dir.path().join("out/scenario/plan.geojson").exists());
    for (file, geometry) in [
        ("villages.geojson", "Point"),
        ("sites.geojson", "Point"),
        ("allocation.geojson", "LineString"),
        ("service_areas.geojson", "Polygon"),
    ] {
        let v = layer(dir.path(), file);
        assert_eq!(v["type"], "FeatureCollection");
        assert_eq!(
            v["crs"]["properties"]["name"], "urn:ogc:def:crs:OGC:1.3:CRS84",
            "{file} states WGS-84"
        );
        let features = v["features"].as_array().expect("features");
        assert!(!features.is_empty(), "{file}");
        for f in features {
            assert_eq!(f["type"], "Feature");
            assert_eq!(f["geometry"]["type"], geometry, "{file}: one type");
            check_coordinates(&f["geometry"]["coordinates"]);
        }
    }
    let villages = layer(dir.path(), "villages.geojson");
    let villages = villages["features"].as_array().expect("features");
    assert_eq!(villages.len(), 6);
    for f in villages {
        // [lon, lat]: the fixture lies near 100.8 E, 38.4 N.
        let c = &f["geometry"]["coordinates"];
        let (lon, lat) = (c[0].as_f64().expect("lon"), c[1].as_f64().expect("lat"));
        assert!(
            (100.0..101.5).contains(&lon) && (38.0..39.0).contains(&lat),
            "{c}"
        );
    }
    let south = villages
        .iter()
        .find(|f| f["properties"]["name"] == "南街社区")
        .expect("南街社区");
    assert_eq!(south["properties"]["covered"], true);
    assert_eq!(south["properties"]["site_id"], "F01");

    // Sites: 5 existing facilities, the new site C02, the 3 candidates left unused.
    let sites = layer(dir.path(), "sites.geojson");
    let sites = sites["features"].as_array().expect("features");
    let status = |s: &str| {
        sites
            .iter()
            .filter(|f| f["properties"]["status"] == s)
            .count()
    };
    assert_eq!(status("existing"), 5);
    assert_eq!(status("new"), 1);
    assert_eq!(status("candidate"), 3);
    // 六坝镇敬老院 (F03) has beds converted in 2022 and 2025: a conversion, not a new site.
    let f03 = sites
        .iter()
        .find(|f| f["properties"]["id"] == "F03")
        .expect("F03");
    assert_eq!(f03["properties"]["status"], "existing");
    assert_eq!(f03["properties"]["action"], "conversion");
    assert_eq!(f03["properties"]["converted_beds"], 45);

    // Allocation: one line per village served after the plan (何庄村 is not), from the
    // village to its site.
    let lines = layer(dir.path(), "allocation.geojson");
    let lines = lines["features"].as_array().expect("features");
    assert_eq!(lines.len(), 5);
    let to_c02 = lines
        .iter()
        .find(|f| f["properties"]["site_id"] == "C02")
        .expect("海潮坝村 → C02");
    assert_eq!(to_c02["properties"]["new_site"], true);
    let c02 = sites
        .iter()
        .find(|f| f["properties"]["id"] == "C02")
        .expect("C02");
    assert_eq!(
        to_c02["geometry"]["coordinates"][1],
        c02["geometry"]["coordinates"]
    );
}

#[test]
fn gcj02_inputs_get_a_copy_of_each_layer_in_gcj02() {
    let dir = copy_fixture();
    let s = fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario");
    fs::write(
        dir.path().join("scenario.toml"),
        s.replace("crs = \"wgs84\"", "crs = \"gcj02\""),
    )
    .expect("write");
    assert_eq!(plan(dir.path(), &[]).code, 0);
    let wgs = layer(dir.path(), "villages.geojson");
    let gcj = layer(dir.path(), "villages.gcj02.geojson");
    assert!(gcj.get("crs").is_none(), "no CRS84 claim on a GCJ-02 copy");
    assert!(
        gcj["coordinate_system"]
            .as_str()
            .is_some_and(|c| c.starts_with("GCJ-02")),
        "{}",
        gcj["coordinate_system"]
    );
    let coords = |v: &serde_json::Value, name: &str| -> (f64, f64) {
        let f = v["features"]
            .as_array()
            .expect("features")
            .iter()
            .find(|f| f["properties"]["name"] == name)
            .expect("village")
            .clone();
        let c = &f["geometry"]["coordinates"];
        (c[0].as_f64().expect("lon"), c[1].as_f64().expect("lat"))
    };
    // 南街社区 is at 100.8100, 38.4340 in the input: the copy gives it back; WGS-84 moves it
    // by GCJ-02's offset (some hundred metres).
    let (lon, lat) = coords(&gcj, "南街社区");
    assert!(
        (lon - 100.81).abs() < 2e-6 && (lat - 38.434).abs() < 2e-6,
        "{lon}, {lat}"
    );
    let (lon, lat) = coords(&wgs, "南街社区");
    assert!((lon - 100.81).abs() > 1e-4 || (lat - 38.434).abs() > 1e-4);
    for stem in ["sites", "allocation", "service_areas"] {
        assert!(
            dir.path()
                .join(format!("out/scenario/{stem}.gcj02.geojson"))
                .exists(),
            "{stem}"
        );
    }
}

#[test]
fn geojson_carries_the_region_outline_counter_clockwise() {
    let dir = copy_fixture();
    // A clockwise square around the county, which the writer must turn round.
    fs::write(
        dir.path().join("boundary.geojson"),
        r#"{"type":"Polygon","coordinates":[[[100.6,38.2],[100.6,38.6],[101.1,38.6],[101.1,38.2],[100.6,38.2]]]}"#,
    )
    .expect("write boundary");
    let run = plan(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = layer(dir.path(), "boundary.geojson");
    assert_eq!(v["features"].as_array().map(Vec::len), Some(1));
    let region = &v["features"][0];
    assert_eq!(region["geometry"]["type"], "Polygon");
    let ring = region["geometry"]["coordinates"][0]
        .as_array()
        .expect("ring");
    assert_eq!(ring.first(), ring.last(), "closed");
    let pts: Vec<(f64, f64)> = ring
        .iter()
        .map(|p| (p[0].as_f64().expect("x"), p[1].as_f64().expect("y")))
        .collect();
    let twice_area: f64 = pts
        .windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum();
    assert!(twice_area > 0.0, "exterior rings run counter-clockwise");
}

/// A decoded 8-bit RGB or RGBA PNG.
struct Png {
    width: usize,
    height: usize,
    channels: usize,
    pixels: Vec<u8>,
}

impl Png {
    fn rgb(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.width + x) * self.channels;
        [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]]
    }
}

/// Decodes the non-interlaced 8-bit RGB(A) PNGs plotters writes.
fn decode_png(bytes: &[u8]) -> Png {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    let (mut pos, mut idat) = (8, Vec::new());
    let (mut width, mut height, mut channels) = (0, 0, 0);
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().expect("4 bytes")) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let data = &bytes[pos + 8..pos + 8 + len];
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[0..4].try_into().expect("4 bytes")) as usize;
                height = u32::from_be_bytes(data[4..8].try_into().expect("4 bytes")) as usize;
                assert_eq!(data[8], 8, "8 bits per channel");
                channels = match data[9] {
                    2 => 3,
                    6 => 4,
                    other => panic!("colour type {other}"),
                };
                assert_eq!(data[12], 0, "not interlaced");
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        pos += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .expect("zlib");
    let stride = width * channels;
    let mut pixels = vec![0u8; stride * height];
    for y in 0..height {
        let filter = raw[y * (stride + 1)];
        let line = &raw[y * (stride + 1) + 1..(y + 1) * (stride + 1)];
        for x in 0..stride {
            let a = if x >= channels {
                pixels[y * stride + x - channels]
            } else {
                0
            };
            let b = if y > 0 {
                pixels[(y - 1) * stride + x]
            } else {
                0
            };
            let c = if y > 0 && x >= channels {
                pixels[(y - 1) * stride + x - channels]
            } else {
                0
            };
            let predicted = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                other => panic!("filter {other}"),
            };
            pixels[y * stride + x] = line[x].wrapping_add(predicted);
        }
    }
    Png {
        width,
        height,
        channels,
        pixels,
    }
}

/// Dark pixels (text, lines) in a rectangle.
fn dark_pixels(png: &Png, x0: usize, y0: usize, x1: usize, y1: usize) -> usize {
    let mut n = 0;
    for y in y0..y1.min(png.height) {
        for x in x0..x1.min(png.width) {
            if png.rgb(x, y).iter().all(|c| *c < 120) {
                n += 1;
            }
        }
    }
    n
}

/// The `width` and `height` attributes of an SVG document.
fn svg_size(svg: &str) -> (usize, usize) {
    let attr = |name: &str| -> usize {
        let start = svg.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
        let end = start + svg[start..].find('"').expect("closing quote");
        svg[start..end].parse().expect("a number")
    };
    (attr("width"), attr("height"))
}

#[test]
fn maps_and_charts_render_their_chinese_labels() {
    let dir = copy_fixture();
    let run = plan(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("warning"),
        "no glyph warning: {}",
        run.stderr
    );
    let out = dir.path().join("out/scenario");
    // The fixture has a bed plan with accessibility, so every picture exists.
    for name in ["map", "access", "curve", "beds"] {
        let svg = fs::read_to_string(out.join(format!("{name}.svg"))).expect("svg");
        let png = decode_png(&fs::read(out.join(format!("{name}.png"))).expect("png"));
        assert_eq!((png.width, png.height), svg_size(&svg), "{name}: same size");
        assert!(
            png.width >= 1000 && png.height >= 200,
            "{name}: {}×{}",
            png.width,
            png.height
        );
        // The title sits in the top band: its glyphs are dark pixels there (a font without
        // the characters would leave the band blank).
        let ink = dark_pixels(&png, 0, 0, png.width, 56);
        assert!(ink > 1500, "{name}: title band has {ink} dark pixels");
        let texts = svg_texts(&svg);
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("测试县 养老服务设施规划")),
            "{name}: title text in the SVG"
        );
        assert!(
            !svg.contains('\u{fffd}'),
            "{name}: no replacement character"
        );
    }
    let map = fs::read_to_string(out.join("map.svg")).expect("map.svg");
    let texts = svg_texts(&map);
    for label in ["洪水街道", "六坝镇", "新天镇", "图例", "比例尺", "km", "北"] {
        assert!(
            texts.iter().any(|t| t == label),
            "map.svg lacks the text {label}"
        );
    }
    assert!(
        map.contains("font-family=\"yanglao-embedded, Microsoft YaHei"),
        "the embedded font, then the CJK font list in the SVG"
    );
    let beds = svg_texts(&fs::read_to_string(out.join("beds.svg")).expect("beds.svg"));
    assert!(beds.iter().any(|t| t == "洪水街道"));
    assert!(beds.iter().any(|t| t == "护理型床位占比 (%)"));
    let curve = svg_texts(&fs::read_to_string(out.join("curve.svg")).expect("curve.svg"));
    assert!(
        curve.iter().any(|t| t == "规划方案 1 处 · 93.3%"),
        "the chosen plan is marked: {curve:?}"
    );
    // The map body has drawing in it, not just the frame: villages, sites, service areas.
    let png = decode_png(&fs::read(out.join("map.png")).expect("png"));
    let coloured = (0..png.height)
        .flat_map(|y| (0..png.width).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let [r, g, b] = png.rgb(x, y);
            r.max(g).max(b) - r.min(g).min(b) > 60
        })
        .count();
    assert!(coloured > 2000, "{coloured} coloured pixels on the map");
}

#[test]
fn english_labels_with_lang_en() {
    let dir = copy_fixture();
    let run = plan(dir.path(), &["--lang", "en"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = dir.path().join("out/scenario");
    let map = svg_texts(&fs::read_to_string(out.join("map.svg")).expect("map.svg"));
    assert!(map.iter().any(|t| t == "Legend"));
    assert!(map.iter().any(|t| t == "Served today"));
    // Place names stay as written.
    assert!(map.iter().any(|t| t == "洪水街道"));
    let md = fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(md.contains("## 1. Indicators"), "{md}");
    assert!(md.contains("| Day-care coverage of the elderly (15-minute circle) | 2025 |"));
    let html = fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(html.contains("<html lang=\"en\">"));
}

#[test]
fn the_font_flag_takes_a_font_file_and_rejects_anything_else() {
    let dir = copy_fixture();
    let font = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/map/font/wqy-microhei-gbk.ttf"
    );
    let run = plan(dir.path(), &["--font", font]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("out/scenario/map.png").exists());

    let run = plan(dir.path(), &["--font", "no-such-font.ttf"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("no-such-font.ttf"), "{}", run.stderr);
    let run = plan(dir.path(), &["--font", "villages.csv"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("not a TrueType/OpenType font"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_place_name_the_font_cannot_draw_is_reported() {
    let dir = copy_fixture();
    // 䶮 (CJK Extension A) is outside GBK, so the vendored subset lacks it. A township name
    // is drawn on the map as a label.
    for file in ["villages.csv", "facilities.csv", "candidates.csv"] {
        let text = fs::read_to_string(dir.path().join(file)).expect("fixture");
        fs::write(dir.path().join(file), text.replace("新天镇", "䶮天镇")).expect("write");
    }
    let run = plan(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning"), "{}", run.stderr);
    assert!(run.stderr.contains("䶮天镇 (䶮)"), "{}", run.stderr);
    // --quiet prints nothing but errors.
    let run = plan(dir.path(), &["--quiet"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn the_html_report_is_self_contained() {
    let dir = copy_fixture();
    assert_eq!(plan(dir.path(), &[]).code, 0);
    let html = fs::read_to_string(dir.path().join("out/scenario/report.html")).expect("html");
    for needle in ["http://", "https://", "<link", " src=", "@import", "//cdn"] {
        assert!(!html.contains(needle), "report.html references {needle}");
    }
    // The one `url(` is the embedded font's data.
    assert_eq!(html.matches("url(").count(), 1);
    assert_eq!(html.matches("url(data:font/ttf;base64,").count(), 1);
    for needle in [
        "<table id=\"indicators\"",
        "<table id=\"projects\"",
        "<table id=\"townships\"",
        "<table id=\"certificate\"",
        "<table id=\"other-targets\"",
        "<svg id=\"map-svg\"",
        "<svg id=\"curve-svg\"",
        "<svg id=\"beds-svg\"",
        "<svg id=\"access-svg\"",
        "id=\"map-data\"",
        "海潮坝村候选点 (C02)",
    ] {
        assert!(html.contains(needle), "report.html lacks {needle}");
    }
}

#[test]
fn no_output_shows_negative_zero() {
    let dir = copy_fixture();
    assert_eq!(plan(dir.path(), &[]).code, 0);
    let out = dir.path().join("out/scenario");
    for entry in fs::read_dir(&out).expect("output") {
        let path = entry.expect("entry").path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["csv", "json", "geojson", "md", "html", "svg"].contains(&ext) {
            continue;
        }
        let text = fs::read_to_string(&path).expect("text");
        let bytes = text.as_bytes();
        for (i, _) in text.match_indices("-0") {
            let before = i.checked_sub(1).map(|j| bytes[j]);
            // `-0`, `-0.0`, `-0.00`, … standing alone (not part of `-0.5` or `x-0`).
            let tail: String = text[i + 2..]
                .chars()
                .take_while(|c| *c == '.' || *c == '0')
                .collect();
            let after = text[i + 2 + tail.len()..].chars().next();
            let alone = !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.')
                && !after.is_some_and(|c| c.is_ascii_digit());
            assert!(
                !alone,
                "{}: negative zero at byte {i}: {}",
                path.display(),
                String::from_utf8_lossy(&bytes[i.saturating_sub(40)..(i + 10).min(bytes.len())])
            );
        }
    }
}

#[test]
fn total_and_in_scope_elderly_carry_different_labels() {
    // Urban scope: the coverage share counts 南街 and 北街's 1,460 elderly, not all 2,390.
    let dir = copy_fixture();
    let s = fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario");
    fs::write(
        dir.path().join("scenario.toml"),
        s.replace("[day_care]\n", "[day_care]\nscope = \"urban\"\n"),
    )
    .expect("write");
    let run = plan(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = fs::read_to_string(dir.path().join("out/scenario/report.html")).expect("html");
    assert!(
        html.contains("老年人口 (60 岁以上, 全部村/社区)"),
        "total labelled"
    );
    assert!(html.contains("2,390"), "the total");
    assert!(
        html.contains("按纳入口径的 1,460 名老年人计"),
        "in-scope labelled"
    );
    // Everyone in scope: no second figure.
    let dir = copy_fixture();
    assert_eq!(plan(dir.path(), &[]).code, 0);
    let html = fs::read_to_string(dir.path().join("out/scenario/report.html")).expect("html");
    assert!(!html.contains("按纳入口径的"));
}

#[test]
fn other_target_units_read_in_the_report_language() {
    // A `share` with a note is a percentage followed by the note.
    let dir = copy_fixture();
    let s = fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario");
    fs::write(
        dir.path().join("scenario.toml"),
        s.replace("unit = \"share\"", "unit = \"share（不低于）\""),
    )
    .expect("write");
    assert_eq!(plan(dir.path(), &[]).code, 0);
    let md = fs::read_to_string(dir.path().join("out/scenario/report.md")).expect("md");
    assert!(
        md.contains("| 生活不能自理特困人员集中供养率 | 60.0%（不低于） | 2025 |"),
        "{md}"
    );
    // The seeds write every unit in Chinese (the plans' language): no English word reaches
    // the Chinese report's value column.
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut units = 0;
    for entry in fs::read_dir(&seeds).expect("seeds") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let text = fs::read_to_string(&path).expect("seed");
        for line in text.lines().filter(|l| l.starts_with("unit = ")) {
            units += 1;
            let unit = line
                .trim_start_matches("unit = ")
                .trim_matches('"')
                .trim_start_matches("share")
                .replace("m²", "");
            assert!(
                !unit.chars().any(|c| c.is_ascii_alphabetic()),
                "{}: {line}",
                path.display()
            );
        }
    }
    assert!(units > 50, "the seeds' other targets were read ({units})");
}

#[test]
fn a_target_over_no_elderly_is_listed_among_the_shortfalls() {
    // Every village with 0 elderly: the coverage share is 0 of 0, which the indicator table
    // marks 否 (a share of nothing meets no positive target); the shortfalls must say the
    // same rather than "every rule and target is met".
    let dir = copy_fixture();
    let villages = fs::read_to_string(dir.path().join("villages.csv")).expect("villages");
    let mut lines = villages.lines();
    let header = lines.next().expect("header");
    let col = header
        .split(',')
        .position(|h| h == "elderly")
        .expect("elderly column");
    let mut text = format!("{header}\n");
    for line in lines {
        let mut cells: Vec<&str> = line.split(',').collect();
        for c in cells.iter_mut().skip(col) {
            *c = "0";
        }
        text += &cells.join(",");
        text.push('\n');
    }
    fs::write(dir.path().join("villages.csv"), text).expect("write");
    let run = plan(dir.path(), &[]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let summary: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(dir.path().join("out/scenario/summary.json")).expect("summary"),
    )
    .expect("JSON");
    let rows = summary["indicators"]["rows"].as_array().expect("rows");
    let not_met: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| r["met"] == serde_json::json!(false) && r["denominator"] == 0.0)
        .collect();
    assert!(!not_met.is_empty(), "{rows:?}");
    let md = fs::read_to_string(dir.path().join("out/scenario/report.md")).expect("report");
    let short = md.split("未达标项").nth(1).expect("shortfalls section");
    assert!(!short.contains("全部规则与目标均已满足"), "{short}");
    assert!(short.contains("分母为 0"), "{short}");
}
