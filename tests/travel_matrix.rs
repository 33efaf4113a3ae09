//! The third travel mode: a precomputed origin–destination file, validated like every input.
//!
//! The six-village fixture with `od.csv` in place of crow-fly times. By hand: 何庄村
//! (620722102202) reaches C04 in 12 minutes and nothing else; every other village is listed
//! with the sites of the crow-fly fixture, so the plan is the same as in tests/plan.rs except
//! where the matrix says otherwise.

mod common;

use std::fs;
use std::path::Path;

use common::{copy_fixture, yanglao};

/// Writes `od.csv` and points the scenario at it.
fn with_matrix(dir: &Path, od: &str) {
    fs::write(dir.join("od.csv"), od).expect("write od.csv");
    let s = fs::read_to_string(dir.join("scenario.toml")).expect("scenario");
    fs::write(
        dir.join("scenario.toml"),
        s.replace("minutes = 15\n", "minutes = 15\nmatrix = \"od.csv\"\n"),
    )
    .expect("write scenario");
}

const GOOD: &str = "from_id,to_id,minutes\n\
620722100001,F01,5.5\n\
620722100002,F01,14.7\n\
620722101201,F04,0.8\n\
620722101202,C02,0.4\n\
620722102201,F05,1.0\n\
620722102202,C04,12\n";

fn problems(dir: &Path) -> Vec<String> {
    let run = yanglao(dir, &["check", "scenario.toml"]);
    assert_eq!(run.code, 2, "bad input exits with 2: {}", run.stderr);
    let lines: Vec<String> = run.stderr.lines().map(str::to_owned).collect();
    lines[..lines.len() - 1].to_vec()
}

#[test]
fn matrix_times_drive_the_plan() {
    let dir = copy_fixture();
    with_matrix(dir.path(), GOOD);
    let run = yanglao(dir.path(), &["solve", "mclp", "scenario.toml", "--p", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    // Existing sites serve 1,960; C02 adds 海潮坝村 (270), C04 adds 何庄村 (160).
    assert_eq!(v["covered_elderly"], 2230.0);
    assert_eq!(v["sites"], serde_json::json!(["C02"]));
}

#[test]
fn the_limit_is_inclusive_and_missing_pairs_are_unreachable() {
    let dir = copy_fixture();
    // 何庄村 → C04 at exactly 15 minutes is served; 新天村 has no row at all.
    let od = GOOD
        .replace("620722102202,C04,12", "620722102202,C04,15")
        .replace("620722102201,F05,1.0\n", "");
    with_matrix(dir.path(), &od);
    let run = yanglao(dir.path(), &["check", "scenario.toml", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let unreachable = &v[0]["unreachable_villages"];
    assert_eq!(unreachable.as_array().map(Vec::len), Some(1));
    assert_eq!(unreachable[0]["name"], "新天村");
}

#[test]
fn metres_become_minutes_at_the_area_speed() {
    let dir = copy_fixture();
    // 2,900 m for rural 何庄村 at 12 km/h is 14.5 minutes (no detour): served. 1,100 m for
    // urban 北街社区 at 4 km/h is 16.5 minutes: not served by F01 any more.
    let od = "from_id,to_id,meters\n\
620722100001,F01,300\n\
620722100002,F01,1100\n\
620722101201,F04,100\n\
620722101202,C02,50\n\
620722102201,F05,100\n\
620722102202,C04,2900\n";
    with_matrix(dir.path(), od);
    let run = yanglao(dir.path(), &["check", "scenario.toml", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let names: Vec<&str> = v[0]["unreachable_villages"]
        .as_array()
        .expect("list")
        .iter()
        .map(|u| u["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, vec!["北街社区"]);
}

#[test]
fn bad_matrix_rows_are_located() {
    let dir = copy_fixture();
    let od = "from_id,to_id,minutes\n\
620722100001,F01,5.5\n\
999999999999,F01,3\n\
620722100002,F99,4\n\
620722100001,F01,6\n\
620722101201,F04,-2\n\
620722101202,C02,soon\n";
    with_matrix(dir.path(), od);
    assert_eq!(
        problems(dir.path()),
        vec![
            "od.csv:3:1: 起点编号「999999999999」不是 villages.csv 中的村/社区 / from_id \"999999999999\" is not a village in villages.csv",
            "od.csv:4:2: 终点编号「F99」不是 facilities.csv 或 candidates.csv 中的设施或候选点 / to_id \"F99\" is not a facility or candidate",
            "od.csv:5:1: 起点「620722100001」到终点「F01」重复，第 2 行已给出 / the pair \"620722100001\" → \"F01\" is repeated; first given on line 2",
            "od.csv:6:3: 行程不能为负数：-2 / travel time or distance must not be negative: -2",
            "od.csv:7:3: 「minutes」不是数字：「soon」 / column \"minutes\" is not a number: \"soon\"",
        ]
    );
}

#[test]
fn a_matrix_needs_minutes_or_metres() {
    let dir = copy_fixture();
    with_matrix(dir.path(), "from_id,to_id,hours\n620722100001,F01,1\n");
    assert_eq!(
        problems(dir.path()),
        vec![
            "od.csv:1:0: 缺少「minutes」或「meters」列（分钟或米） / missing column \"minutes\" or \"meters\" (one of them is required)"
        ]
    );
}

#[test]
fn roads_and_matrix_exclude_each_other() {
    let dir = copy_fixture();
    fs::write(
        dir.path().join("roads.csv"),
        "from_lon,from_lat,to_lon,to_lat\n",
    )
    .expect("write");
    with_matrix(dir.path(), GOOD);
    let s = fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario");
    fs::write(
        dir.path().join("scenario.toml"),
        s.replace(
            "matrix = \"od.csv\"\n",
            "roads = \"roads.csv\"\nmatrix = \"od.csv\"\n",
        ),
    )
    .expect("write");
    let got = problems(dir.path());
    assert_eq!(got.len(), 1);
    assert!(got[0].starts_with("scenario.toml:13:10: "), "{}", got[0]);
    assert!(
        got[0].ends_with("\"travel.roads\" and \"travel.matrix\" exclude each other: choose one")
    );
}

#[test]
fn rows_to_an_excluded_site_are_skipped_not_reported() {
    // C02 excluded by the scenario's decisions: its row (海潮坝村 → C02) names a site the plan
    // no longer has, which is no error (it was "to_id \"C02\" is not a facility or
    // candidate"). Without C02 the one new site is C04 (何庄村, 160). An id no file knows is
    // still reported.
    let dir = copy_fixture();
    with_matrix(dir.path(), GOOD);
    let path = dir.path().join("scenario.toml");
    let s = fs::read_to_string(&path).expect("scenario");
    fs::write(&path, format!("{s}\n[decisions]\nexcluded = [\"C02\"]\n")).expect("write");
    let run = yanglao(dir.path(), &["solve", "mclp", "scenario.toml", "--p", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v["covered_elderly"], 2120.0);
    assert_eq!(v["sites"], serde_json::json!(["C04"]));
    let run = yanglao(dir.path(), &["plan", "scenario.toml", "--out", "out"]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(!run.stderr.contains("C02"), "{}", run.stderr);
    fs::write(
        dir.path().join("od.csv"),
        format!("{GOOD}620722100001,C99,3\n"),
    )
    .expect("write od.csv");
    let run = yanglao(dir.path(), &["plan", "scenario.toml", "--out", "out"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("to_id \"C99\""), "{}", run.stderr);
}
