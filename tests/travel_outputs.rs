//! What the outputs say about the travel model: the mode and minutes of the scenario in the
//! map's legend and footer, `summary.json` and the report, and service areas drawn as the
//! road network serves them, not as crow-fly circles.

use std::fs;

mod common;

use common::{copy_fixture, svg_texts as texts, yanglao};

/// The positions (lon, lat) of a fixture table.
fn positions(csv: &str) -> Vec<(f64, f64)> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let (lon, lat) = (col("lon"), col("lat"));
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (
                cells[lon].parse().expect("lon"),
                cells[lat].parse().expect("lat"),
            )
        })
        .collect()
}

#[test]
fn a_road_network_plan_says_so_and_draws_its_own_service_areas() {
    let dir = copy_fixture();
    let d = dir.path();
    // One road through every village, facility and candidate of the fixture, west to east.
    let mut points = Vec::new();
    for file in ["villages.csv", "facilities.csv", "candidates.csv"] {
        points.extend(positions(
            &fs::read_to_string(d.join(file)).expect("fixture"),
        ));
    }
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut roads = String::from("from_lon,from_lat,to_lon,to_lat\n");
    for w in points.windows(2) {
        roads += &format!("{},{},{},{}\n", w[0].0, w[0].1, w[1].0, w[1].1);
    }
    fs::write(d.join("roads.csv"), roads).expect("write roads.csv");
    let toml = fs::read_to_string(d.join("scenario.toml")).expect("scenario");
    let toml = toml.replacen(
        "[travel]\nminutes = 15\n",
        "[travel]\nminutes = 10\nroads = \"roads.csv\"\n",
        1,
    );
    assert!(toml.contains("roads = \"roads.csv\""));
    fs::write(d.join("scenario.toml"), toml).expect("write scenario");

    let run = yanglao(d, &["plan", "scenario.toml", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = d.join("out/scenario");
    let map = fs::read_to_string(out.join("map.svg")).expect("map.svg");
    let network_circles = map.matches("<circle").count();
    let network_polygons = map.matches("<polygon").count();
    let t = texts(&map);
    assert!(t.iter().any(|x| x == "村/社区 (10 分钟服务圈)"), "{t:?}");
    assert!(
        t.iter().any(|x| x.contains("路网最短路径")),
        "the footer names the travel model: {t:?}"
    );
    assert!(!t.iter().any(|x| x.contains("直线可达")), "{t:?}");
    assert!(t.iter().any(|x| x == "服务范围 (路网可达道路)"), "{t:?}");
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).expect("summary"))
            .expect("JSON");
    assert_eq!(summary["scenario"]["travel_mode"], "network");
    let md = fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(md.contains("路网最短路径"), "{md}");
    // The GIS layer carries the same areas, one geometry type in the file.
    let areas: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(out.join("service_areas.geojson")).expect("service areas"),
    )
    .expect("GeoJSON");
    let features = areas["features"].as_array().expect("features");
    assert!(!features.is_empty());
    for f in features {
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
        assert_eq!(f["properties"]["travel_mode"], "network");
    }
    assert!(!md.contains("直线距离 × 绕行系数"));

    // The same data crow-fly draws its circles and says so.
    let crow = copy_fixture();
    let run = yanglao(crow.path(), &["plan", "scenario.toml", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let map = fs::read_to_string(crow.path().join("out/scenario/map.svg")).expect("map.svg");
    let t = texts(&map);
    assert!(t.iter().any(|x| x == "村/社区 (15 分钟服务圈)"), "{t:?}");
    assert!(t.iter().any(|x| x.contains("直线可达半径")), "{t:?}");
    // Villages and sites are circles in both; crow-fly adds two per serving site (the area and
    // its edge), at least the three existing serving facilities.
    let crow_circles = map.matches("<circle").count();
    // The network draws its service areas as polygons along the roads instead.
    assert!(
        network_polygons > map.matches("<polygon").count(),
        "service-area polygons on the network map"
    );
    assert!(
        crow_circles >= network_circles + 6,
        "{crow_circles} circles crow-fly, {network_circles} on the network"
    );
}

/// With an origin–destination matrix, which has no geometry, each serving site's area
/// outlines the villages it serves: every served village lies inside its site's area.
#[test]
fn a_matrix_plan_outlines_the_villages_each_site_serves() {
    use geo::Contains;
    let dir = copy_fixture();
    let d = dir.path();
    // Every village reaches every site in 5 minutes, except the two 新天镇 villages, which
    // reach only 新天镇's own sites.
    let villages = fs::read_to_string(d.join("villages.csv")).expect("villages");
    let ids: Vec<&str> = villages
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().expect("id"))
        .collect();
    let mut od = String::from("from_id,to_id,minutes\n");
    for v in &ids {
        for s in [
            "F01", "F02", "F03", "F04", "F05", "C01", "C02", "C03", "C04",
        ] {
            let far = v.starts_with("6207221022") != matches!(s, "F05" | "C03" | "C04");
            if !far {
                od += &format!("{v},{s},5\n");
            }
        }
    }
    fs::write(d.join("od.csv"), od).expect("write od.csv");
    let toml = fs::read_to_string(d.join("scenario.toml")).expect("scenario");
    let toml = toml.replacen("[travel]\n", "[travel]\nmatrix = \"od.csv\"\n", 1);
    fs::write(d.join("scenario.toml"), toml).expect("write scenario");

    let plan = yanglao::plan::run(&d.join("scenario.toml")).expect("the matrix plans");
    assert!(!plan.service_areas.is_empty());
    for area in &plan.service_areas {
        assert!(
            !area.area.0.is_empty() || plan.reach.villages_of(area.site).is_empty(),
            "site {} serves villages and has an area",
            area.site.get()
        );
    }
    for area in &plan.service_areas {
        for vr in plan.reach.villages_of(area.site) {
            let p = plan.region.villages[vr.village.get()].pos;
            assert!(
                area.area.contains(&geo::Point::new(p.lon, p.lat)),
                "village {} inside the area of site {}",
                vr.village.get(),
                area.site.get()
            );
        }
    }
    let run = yanglao(d, &["plan", "scenario.toml", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let map = fs::read_to_string(d.join("out/scenario/map.svg")).expect("map.svg");
    let t = texts(&map);
    assert!(
        t.iter().any(|x| x == "服务范围 (所服务村/社区外包络)"),
        "{t:?}"
    );
    assert!(t.iter().any(|x| x.contains("起讫点时间矩阵")), "{t:?}");
}

/// A bad road file is bad input for `plan` as for `check`: every problem located, exit 2.
#[test]
fn a_bad_road_file_exits_2_under_plan() {
    let dir = copy_fixture();
    let d = dir.path();
    fs::write(
        d.join("roads.csv"),
        "from_lon,from_lat,to_lon,to_lat,oneway_bicycle\n100.81,38.43,100.82,38.44,maybe\n",
    )
    .expect("write roads.csv");
    let toml = fs::read_to_string(d.join("scenario.toml")).expect("scenario");
    let toml = toml.replacen("[travel]\n", "[travel]\nroads = \"roads.csv\"\n", 1);
    fs::write(d.join("scenario.toml"), toml).expect("write scenario");
    for args in [
        &["check", "scenario.toml"][..],
        &["plan", "scenario.toml", "--out", "out"],
    ] {
        let run = yanglao(d, args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("roads.csv:2"),
            "{args:?}: {}",
            run.stderr
        );
        // With standard error closed before the messages come, the exit code stays 2 (no
        // panic on the broken pipe).
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_yanglao"))
            .args(args)
            .current_dir(d)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the binary starts");
        drop(child.stderr.take());
        let status = child.wait().expect("the binary ends");
        assert_eq!(status.code(), Some(2), "{args:?} with stderr closed");
    }
}
