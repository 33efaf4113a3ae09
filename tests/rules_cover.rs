//! The street and county rules solved together with full coverage, on a four-village county
//! built here (every figure made up for tests).
//!
//! Worked by hand (15 minutes; urban walk 4 km/h × 1.3 detour ≈ 770 m crow-fly; 0.001° of
//! longitude at 38.44° N ≈ 87 m):
//! - 洪水街道 holds 甲 (800 elderly, lon 100.800), 丙 (100, lon 100.810) and 乙 (100,
//!   lon 100.830), and no comprehensive centre, so `per_street = 1` asks for one there;
//! - C01 (街道, 260 m from 甲) reaches 甲 only; C02 (街道, at 乙) reaches 乙 only; C03 (六坝镇,
//!   between 甲 and 丙, 435 m from each) reaches both;
//! - `per_county = 1` upgrades 六坝镇敬老院 F01; 六坝村 is served before by F02.
//!
//! Meeting the street rule first takes the street candidate adding the most (C01, 800), and
//! full coverage then needs C02 and C03: 3 sites. C02 for the street and C03 for 甲 and 丙
//! serve everyone with 2, and no single site reaches both 乙 and 丙: 2 is optimal.

mod common;

use std::fs;
use std::path::Path;

use common::yanglao;

const SCENARIO: &str = r#"name = "规则测试县"
data = "."
crs = "wgs84"
base_year = 2020
years = [2021, 2022, 2023, 2024, 2025]
elderly_growth = 0.03
seed = 7

[travel]
minutes = 15
urban = { speed_kmh = 4.0, detour = 1.3 }
rural = { speed_kmh = 12.0, detour = 1.4 }

[day_care]
coverage = 1.0
exclude_unreachable = true
per_street = 1
per_county = 1
serving = ["day_care", "station", "comprehensive"]
curve = false

[costs]
upgrade = 100
day_care = 30
new_bed = 8
convert_bed = 2
institution = 500
"#;

const VILLAGES: &str = "id,name,township,lon,lat,elderly,elderly_80,disabled
620722100001,甲社区,洪水街道,100.8000,38.4400,800,100,20
620722100002,乙社区,洪水街道,100.8300,38.4400,100,10,2
620722100003,丙社区,洪水街道,100.8100,38.4400,100,10,2
620722101201,六坝村,六坝镇,100.9500,38.4400,300,40,10
";

const CANDIDATES: &str = "id,name,township,lon,lat,allow,max_beds,cost
C01,甲社区旁,洪水街道,100.7970,38.4400,day_care,,
C02,乙社区旁,洪水街道,100.8300,38.4402,day_care,,
C03,街镇交界处,六坝镇,100.8050,38.4400,day_care,,
";

const FACILITIES: &str = "id,name,type,township,lon,lat,beds,nursing_beds,max_beds,public,capacity
F01,六坝镇敬老院,institution,六坝镇,100.9510,38.4400,80,10,120,true,
F02,六坝村日间照料中心,day_care,六坝镇,100.9500,38.4401,0,0,,false,
";

/// 七坝村 (400 elderly), a village row to add to [`VILLAGES`].
const QIBA_VILLAGE: &str = "620722102201,七坝村,七坝镇,101.1000,38.4400,400,50,10\n";

/// 七坝镇's public 敬老院 F03, 44 m from 七坝村: a row to add to [`FACILITIES`].
const QIBA_HOME: &str = "F03,七坝镇敬老院,institution,七坝镇,101.1005,38.4400,20,5,40,true,\n";

/// A fresh folder holding these files.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    dir
}

/// Writes `text` as the file `name` in `dir`.
fn write(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(name), text).expect("write");
}

/// The county of the worked example above, in a fresh folder.
fn county() -> tempfile::TempDir {
    county_with(SCENARIO, VILLAGES, FACILITIES)
}

/// The county of the worked example with its [`CANDIDATES`] but these scenario, villages
/// and facilities, in a fresh folder.
fn county_with(scenario: &str, villages: &str, facilities: &str) -> tempfile::TempDir {
    folder(&[
        ("scenario.toml", scenario),
        ("villages.csv", villages),
        ("candidates.csv", CANDIDATES),
        ("facilities.csv", facilities),
    ])
}

/// `plan scenario.toml` in `dir`, which must exit 0.
fn plan_ok(dir: &Path) -> common::Run {
    let run = yanglao(dir, &["plan", "scenario.toml", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

/// The summary.json of the plan written in `dir`.
fn summary_in(dir: &Path) -> serde_json::Value {
    serde_json::from_str(
        &fs::read_to_string(dir.join("out/scenario/summary.json")).expect("summary"),
    )
    .expect("JSON")
}

/// `solve lscp scenario.toml` with `more` arguments in `dir`, which must exit 0: its JSON.
fn solve_lscp(dir: &Path, more: &[&str]) -> serde_json::Value {
    let args = [&["solve", "lscp", "scenario.toml"], more].concat();
    let run = yanglao(dir, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON")
}

/// `plan scenario.toml` on these files in a fresh folder: the run and its summary.json (the
/// run may miss a target, exit 1, but not fail).
fn plan_run(files: &[(&str, &str)]) -> (common::Run, serde_json::Value) {
    let dir = folder(files);
    let run = yanglao(dir.path(), &["plan", "scenario.toml", "--out", "out"]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let summary = summary_in(dir.path());
    (run, summary)
}

/// `plan scenario.toml` on these files in a fresh folder: its summary.json (see
/// [`plan_run`]).
fn plan_summary(files: &[(&str, &str)]) -> serde_json::Value {
    plan_run(files).1
}

/// [`plan_summary`] of a county of these four files, with the travel matrix `od.csv` where
/// `od` is given.
fn plan_county(
    scenario: &str,
    villages: &str,
    candidates: &str,
    facilities: &str,
    od: Option<&str>,
) -> serde_json::Value {
    let mut files = vec![
        ("scenario.toml", scenario),
        ("villages.csv", villages),
        ("candidates.csv", candidates),
        ("facilities.csv", facilities),
    ];
    files.extend(od.map(|od| ("od.csv", od)));
    plan_summary(&files)
}

/// The ids of the day-care plan's sites, in its order.
fn site_ids(dc: &serde_json::Value) -> Vec<&str> {
    dc["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect()
}

/// The day-care plan's shortfall line on the budget.
fn budget_line(dc: &serde_json::Value) -> &serde_json::Value {
    dc["shortfalls"]
        .as_array()
        .expect("shortfalls")
        .iter()
        .find(|s| s["rule"] == "budget")
        .unwrap_or_else(|| panic!("{dc}"))
}

#[test]
fn street_and_county_rules_with_full_coverage_take_the_fewest_sites() {
    let dir = county();
    plan_ok(dir.path());
    let summary = summary_in(dir.path());
    let dc = &summary["day_care"];
    assert_eq!(dc["status"], "optimal", "{dc}");
    assert_eq!(dc["new_sites"], 2);
    assert_eq!(dc["bound"], 2.0);
    assert_eq!(dc["covered_elderly"], 1300.0);
    assert_eq!(
        common::day_care_sites(&summary),
        vec![("C02", "street"), ("C03", "coverage")]
    );
    assert_eq!(dc["upgrades"][0]["id"], "F01");

    // `solve lscp` runs the same model: the same sites and certificate.
    let instance = dir.path().join("instance.json");
    let instance_arg = instance.to_str().expect("UTF-8 path");
    let v = solve_lscp(dir.path(), &["--write-instance", instance_arg]);
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["objective"], 2.0);
    assert_eq!(v["bound"], 2.0);
    assert_eq!(v["new_sites"], dc["new_sites"]);
    assert_eq!(v["covered_elderly"], dc["covered_elderly"]);
    let mut ids: Vec<&str> = v["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .map(|s| s.as_str().expect("id"))
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["C02", "C03"]);

    // The program written out: three candidates at price 1, one street needing a centre,
    // 1,300 elderly to serve.
    let inst: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&instance).expect("instance")).expect("JSON");
    assert_eq!(inst["price"], serde_json::json!([1.0, 1.0, 1.0]));
    assert_eq!(inst["target"], 1300.0);
    let street = inst["group"][0].as_u64().expect("C01 in a group") as usize;
    assert_eq!(inst["group"][1], inst["group"][0]);
    assert_eq!(inst["at_least"][street], 1);
}

#[test]
fn a_county_centre_beyond_the_upgrades_is_chosen_with_the_coverage() {
    // `per_county = 2`: F01 is the county's only 敬老院, so one new rural centre opens in its
    // 镇 and 乡, where C03 is the only candidate. Rules first: C01 (street), C03 (county), C02
    // (乙): 3 sites. Together: C02 for the street, C03 for the county and for 甲 and 丙: 2.
    let s = SCENARIO.replace("per_county = 1", "per_county = 2");
    let dir = county_with(&s, VILLAGES, FACILITIES);
    let v = solve_lscp(dir.path(), &[]);
    assert_eq!(v["status"], "optimal", "{v}");
    assert_eq!(v["objective"], 2.0);
    assert_eq!(v["bound"], 2.0);
    assert_eq!(v["upgrades"], serde_json::json!(["F01"]));
    plan_ok(dir.path());
    let summary = summary_in(dir.path());
    let dc = &summary["day_care"];
    assert_eq!(dc["new_sites"], 2);
    assert_eq!(
        common::day_care_sites(&summary),
        [("C02", "street"), ("C03", "county")]
    );
}

#[test]
fn write_instance_without_a_joint_program_is_an_input_error() {
    // Coverage already met by the rules' sites: no joint program runs (a zero target keeps
    // the rules alone), and asking for the instance says so instead of writing nothing.
    let s = SCENARIO.replace("coverage = 1.0\n", "coverage = 0.0\n");
    let dir = county_with(&s, VILLAGES, FACILITIES);
    let run = yanglao(
        dir.path(),
        &[
            "solve",
            "lscp",
            "scenario.toml",
            "--write-instance",
            "instance.json",
        ],
    );
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(!dir.path().join("instance.json").exists());
}

#[test]
fn the_county_upgrade_is_the_public_home_newly_serving_the_most_and_its_reach_counts() {
    // 七坝镇 adds 七坝村 (400 elderly), which only its public 敬老院 F03 reaches (44 m); the
    // private 康乐园 F04 there has more beds but reaches nobody, and 七坝镇 sorts before 六坝镇.
    // The county rule upgrades F03: it is a 敬老院 and newly serves 400, so 七坝村 is
    // reachable, counts in the denominator, and is covered; coverage never passes 100 %.
    let villages = format!("{VILLAGES}{QIBA_VILLAGE}");
    let facilities = format!(
        "{FACILITIES}{QIBA_HOME}F04,七坝镇康乐园,institution,七坝镇,101.2000,38.4400,200,50,300,false,\n"
    );
    let dir = county_with(SCENARIO, &villages, &facilities);
    let v = solve_lscp(dir.path(), &[]);
    assert_eq!(v["upgrades"], serde_json::json!(["F03"]), "{v}");
    assert_eq!(v["unreachable_elderly"], 0.0);
    assert_eq!(v["total_elderly"], 1700.0);
    assert_eq!(v["covered_elderly"], 1700.0);
    assert_eq!(v["coverage"], 1.0);
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["objective"], 2.0);
    plan_ok(dir.path());
    let rows = common::csv_rows(&dir.path().join("out/scenario/villages.csv"));
    let qiba = rows
        .iter()
        .find(|r| r.values().any(|c| c == "七坝村"))
        .expect("七坝村 listed");
    assert!(
        qiba.values().any(|c| c == "F03"),
        "七坝村 served by the upgraded F03: {qiba:?}"
    );
    // The upgraded centre serves, so it has a service area.
    let areas: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(dir.path().join("out/scenario/service_areas.geojson")).expect("areas"),
    )
    .expect("GeoJSON");
    let ids: Vec<&str> = areas["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter_map(|f| f["properties"]["site_id"].as_str())
        .collect();
    assert!(ids.contains(&"F03"), "{ids:?}");
    assert!(!ids.contains(&"F04"), "{ids:?}");
    // It newly serves 七坝村's 400 in sites.csv and proposals.csv, as a new site would.
    for file in ["sites.csv", "proposals.csv"] {
        let rows = common::csv_rows(&dir.path().join("out/scenario").join(file));
        let f03 = rows
            .iter()
            .find(|r| r.get("id").map(String::as_str) == Some("F03"))
            .unwrap_or_else(|| panic!("F03 in {file}"));
        assert_eq!(f03["newly_covered_elderly"], "400", "{file}: {f03:?}");
    }
}

#[test]
fn without_upgrades_serving_a_village_only_a_home_reaches_stays_unreachable() {
    // The same county when comprehensive centres do not count for coverage: the upgrade
    // still meets the county rule, but 七坝村 is out of reach and out of the denominator.
    let s = SCENARIO.replace(
        r#"serving = ["day_care", "station", "comprehensive"]"#,
        r#"serving = ["day_care", "station"]"#,
    );
    let dir = county_with(
        &s,
        &format!("{VILLAGES}{QIBA_VILLAGE}"),
        &format!("{FACILITIES}{QIBA_HOME}"),
    );
    let v = solve_lscp(dir.path(), &[]);
    assert_eq!(v["unreachable_elderly"], 400.0, "{v}");
    assert_eq!(v["total_elderly"], 1300.0);
    assert_eq!(v["covered_elderly"], 1300.0);
    assert_eq!(v["coverage"], 1.0);
}

#[test]
fn a_street_rule_the_data_cannot_meet_makes_the_plan_infeasible() {
    // 洪水街道 has two day-care candidates and no facility to upgrade: three centres there
    // cannot be had, so no network meets every target, whatever its coverage.
    let s = SCENARIO.replace("per_street = 1", "per_street = 3");
    let dir = county_with(&s, VILLAGES, FACILITIES);
    let run = plan_ok(dir.path());
    let summary = summary_in(dir.path());
    assert_eq!(summary["day_care"]["status"], "infeasible", "{summary}");
    assert!(
        run.stdout.contains("per_street") || run.stdout.contains("洪水街道缺少"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_required_site_fills_its_streets_place() {
    // C02 is required. It lies in 洪水街道, so it can be the street's centre: C02 and C03
    // (for 甲 and 丙) serve everyone with 2 sites. Opening C01 for the street beside the
    // required C02 needs 3, which must not be called optimal.
    let dir = county();
    write(dir.path(), "dec.csv", "id,decision\nC02,required\n");
    let v = solve_lscp(dir.path(), &["--decisions", "dec.csv"]);
    assert_eq!(v["objective"], 2.0, "{v}");
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["coverage"], 1.0);
    // The rules alone (no coverage target): the required C02 is the street's centre, one
    // site in all (C01 beside it was 2, called optimal).
    let s = SCENARIO.replace("coverage = 1.0\n", "coverage = 0.0\n");
    write(dir.path(), "scenario.toml", &s);
    let v = solve_lscp(dir.path(), &["--decisions", "dec.csv"]);
    assert_eq!(v["objective"], 1.0, "{v}");
    assert_eq!(v["sites"], serde_json::json!(["C02"]));
    assert_eq!(v["status"], "optimal");
}

#[test]
fn under_a_budget_the_bound_holds_for_any_upgrade_the_county_rule_allows() {
    // Two 镇, each with a 敬老院 reaching its one village (甲村 500, 乙村 400) and a candidate
    // (甲镇 10 万元, 乙镇 1,000 万元); per_county = 1, full coverage, 150 万元. Upgrading 乙镇's
    // 敬老院 and opening 甲镇's candidate covers everyone for 110 万元; the rules upgrade 甲镇's
    // (it serves more) and the money then reaches no candidate. The plan may miss the target,
    // but its bound must allow the full 900 and the cost it quotes is one network's ("at most").
    let (run, summary) = plan_run(&[
        (
            "scenario.toml",
            "name = \"预算升级\"\ndata = \".\"\nbase_year = 2020\nyears = [2025]\nseed = 1\n\
             [day_care]\ncoverage = 1.0\nper_county = 1\nserving = [\"day_care\", \"comprehensive\"]\n\
             [costs]\nupgrade = 100\n[budget]\ntotal = 150\n",
        ),
        (
            "villages.csv",
            "id,name,township,lon,lat,elderly,kind\n\
             321202100201,甲村,甲镇,120.0000,32.5000,500,rural\n\
             321202101201,乙村,乙镇,120.1000,32.5000,400,rural\n",
        ),
        (
            "candidates.csv",
            "id,name,township,lon,lat,allow,cost\n\
             C01,甲镇候选,甲镇,120.0020,32.5000,day_care,10\n\
             C02,乙镇候选,乙镇,120.1020,32.5000,day_care,1000\n",
        ),
        (
            "facilities.csv",
            "id,name,type,township,lon,lat,beds,nursing_beds,public\n\
             F01,甲镇敬老院,institution,甲镇,120.0010,32.5000,50,10,true\n\
             F02,乙镇敬老院,institution,乙镇,120.1010,32.5000,50,10,true\n",
        ),
    ]);
    let dc = &summary["day_care"];
    assert_ne!(dc["status"], "optimal", "{dc}");
    let covered = dc["covered_elderly"].as_f64().expect("covered");
    let bound = dc["bound"].as_f64().expect("bound");
    assert!(
        bound >= 900.0 - 1e-6,
        "bound {bound} below what 110 万元 can cover: {dc}"
    );
    assert!(covered <= bound + 1e-6);
    assert!(
        run.stdout.contains("at most") || !run.stdout.contains("cheapest"),
        "{}",
        run.stdout
    );
}

#[test]
fn rules_that_cost_more_than_the_budget_are_a_miss_proven_only_without_a_choice() {
    // The county rule (3 rural centres) upgrades the one public 敬老院 (200 万元) and opens a
    // centre at C008 (300 万元): 500 万元 against a budget of 299. Cheaper candidates in the
    // same township (C009 at 20, C007 at 10) let the rules and the target be met within it:
    // the plan drawn on the candidates up to a price threshold does (230 万元, feasible; it
    // read undecided). With every other rural candidate excluded the rules have no choice:
    // infeasible.
    for (decisions, want) in [("", "feasible"), (NO_CHOICE, "infeasible")] {
        let scenario = format!("{BUDGET_SCENARIO}{decisions}");
        let summary = plan_county(
            &scenario,
            BUDGET_VILLAGES,
            BUDGET_CANDIDATES,
            BUDGET_FACILITIES,
            None,
        );
        assert_eq!(
            summary["day_care"]["status"], want,
            "{}",
            summary["day_care"]
        );
        if want == "feasible" {
            let b = &summary["budget"];
            assert!(b["spent_wan"].as_f64().is_some_and(|w| w <= 299.0), "{b}");
            assert_eq!(b["overrun_wan"].as_f64(), Some(0.0), "{b}");
            assert_eq!(b["missed"], serde_json::json!([]), "{b}");
        }
    }
}

/// Decisions leaving the county rule of [`BUDGET_SCENARIO`] one rural candidate (C008).
const NO_CHOICE: &str =
    "\n[decisions]\nexcluded = [\"C003\", \"C004\", \"C005\", \"C006\", \"C007\", \"C009\"]\n";

/// Villages X (100) and Y (60) in A街道, Z (10) in B街道 between them, for the rules tests.
const XYZ_VILLAGES: &str = "id,name,township,lon,lat,elderly,kind\n\
    320000001001,X,A街道,120.000000,30.000000,100,rural\n\
    320000002001,Z,B街道,120.103638,30.000000,10,rural\n\
    320000001002,Y,A街道,120.207275,30.000000,60,rural\n";

/// One far 敬老院 in B街道 reaching no village of [`XYZ_VILLAGES`].
const XYZ_FACILITIES: &str = "id,name,type,township,lon,lat,beds,nursing_beds,public\n\
    F1,某院,institution,B街道,120.5,30.5,10,5,true\n";

/// Candidates a1 at X and a2 at Y (A街道), and b1 (B街道) at longitude `b1_lon`.
fn xyz_candidates(b1_lon: &str) -> String {
    format!(
        "id,name,township,lon,lat,allow\n\
         c-a1,a1,A街道,120.000000,30.000000,day_care\n\
         c-a2,a2,A街道,120.207275,30.000000,day_care\n\
         c-b1,b1,B街道,{b1_lon},30.000000,day_care\n"
    )
}

/// The rules tests' scenario: 90 % coverage, one centre per street, at most 2 new sites,
/// then the line `extra`.
fn xyz_scenario(extra: &str) -> String {
    format!(
        "name = \"rules\"\ndata = \".\"\nbase_year = 2020\nyears = [2025]\n\
         [travel]\nminutes = 15\nurban = {{ speed_kmh = 8.0, detour = 1.0 }}\n\
         rural = {{ speed_kmh = 24.0, detour = 1.0 }}\n\
         [day_care]\ncoverage = 0.9\nmax_new = 2\nserving = [\"day_care\"]\n\
         per_street = 1\nper_county = 0\ntownship_share = 0\n{extra}\n"
    )
}

#[test]
fn a_target_another_rule_placement_reaches_is_never_called_out_of_reach() {
    // Villages X (100), Z (10) and Y (60); a1 (A街道) reaches X, a2 (A街道) Y, b1 (B街道)
    // X and Z. One centre per street and at most 2 new sites: the street rule's greedy
    // placement (a1, b1) covers 110 of 170, but a2 + b1 cover all. Whatever this plan
    // reaches, the 90 % target is not out of reach: never `infeasible`, never "cannot be
    // reached", on the curve, without it, and with capacities.
    let candidates = xyz_candidates("120.051819");
    for extra in ["curve = true", "curve = false", "capacity = 1000"] {
        let summary = plan_county(
            &xyz_scenario(extra),
            XYZ_VILLAGES,
            &candidates,
            XYZ_FACILITIES,
            None,
        );
        let dc = &summary["day_care"];
        assert_ne!(dc["status"], "infeasible", "{extra}: {dc}");
        let said = dc["shortfalls"].to_string();
        assert!(
            !said.contains("cannot be reached") && !said.contains("无法达到"),
            "{extra}: {said}"
        );
        // Without capacities the street rule and the target are solved together: a2 + b1.
        if !extra.starts_with("capacity") {
            assert_eq!(dc["status"], "optimal", "{extra}: {dc}");
            assert_eq!(dc["coverage"].as_f64(), Some(1.0), "{extra}: {dc}");
            let mut ids = site_ids(dc);
            ids.sort_unstable();
            assert_eq!(ids, ["c-a2", "c-b1"], "{extra}: {dc}");
            assert!(!said.contains("coverage"), "{extra}: {said}");
        }
    }
}

/// A made-up county of 22 villages with candidates of their own prices (random, for tests).
const BUDGET_SCENARIO: &str = r#"name = "预算县"
data = "."
base_year = 2020
years = [2025]
seed = 1
[day_care]
coverage = 0.6
per_street = 0
per_county = 3
township_share = 0
exclude_unreachable = true
serving = ["day_care", "station", "comprehensive"]

[costs]
day_care = 30
upgrade = 200

[budget]
total = 299
"#;

const BUDGET_VILLAGES: &str = r#"id,name,township,lon,lat,elderly,kind
321202001001,村321202001001,县0街0街道,119.97024,32.50655,277,urban
321202001002,村321202001002,县0街0街道,119.98907,32.45719,0,urban
321202001003,村321202001003,县0街0街道,120.01110,32.44629,244,urban
321202001004,村321202001004,县0街0街道,120.03839,32.47344,206,urban
321202001005,村321202001005,县0街0街道,119.97649,32.48125,373,urban
321202100200,村321202100200,县0镇0镇,120.02699,32.49361,0,rural
321202100201,村321202100201,县0镇0镇,120.05790,32.50495,189,rural
321202100202,村321202100202,县0镇0镇,120.07628,32.53093,297,rural
321202100203,村321202100203,县0镇0镇,120.05826,32.50145,171,rural
321202100204,村321202100204,县0镇0镇,120.07752,32.48923,480,rural
321202101200,村321202101200,县0镇1镇,120.08483,32.53157,185,rural
321202101201,村321202101201,县0镇1镇,120.11183,32.48295,18,rural
321202101202,村321202101202,县0镇1镇,120.13285,32.54714,355,rural
321202101203,村321202101203,县0镇1镇,120.12282,32.47759,61,rural
321202202200,村321202202200,县0乡2乡,120.17849,32.48844,294,rural
321202202201,村321202202201,县0乡2乡,120.17472,32.48816,145,rural
321202103200,村321202103200,县0镇3镇,120.21825,32.53269,394,rural
321202103201,村321202103201,县0镇3镇,120.22482,32.48464,184,rural
321202103202,村321202103202,县0镇3镇,120.20658,32.51894,370,rural
321202103203,村321202103203,县0镇3镇,120.24426,32.53983,195,rural
321202103204,村321202103204,县0镇3镇,120.21653,32.53215,113,rural
321202103205,村321202103205,县0镇3镇,120.22135,32.52228,292,rural
"#;

const BUDGET_CANDIDATES: &str = r#"id,name,township,lon,lat,allow,cost
C000,候选0,县0街0街道,119.97644,32.46928,day_care,10
C001,候选1,县0街0街道,119.99864,32.46832,day_care,50
C002,候选2,县0街0街道,119.98329,32.45976,day_care,150
C003,候选3,县0镇0镇,120.09342,32.53660,day_care,30
C004,候选4,县0镇1镇,120.10417,32.50052,day_care,300
C005,候选5,县0乡2乡,120.14628,32.53133,day_care,50
C006,候选6,县0乡2乡,120.15345,32.48465,day_care,50
C007,候选7,县0镇3镇,120.21986,32.50364,day_care,10
C008,候选8,县0镇3镇,120.21726,32.52142,day_care,300
C009,候选9,县0镇3镇,120.23469,32.53428,day_care,20
"#;

const BUDGET_FACILITIES: &str = r#"id,name,type,township,lon,lat,beds,nursing_beds,public
F000,县0镇0镇敬老院0,institution,县0镇0镇,120.04716,32.52047,94,10,false
F001,综合1,comprehensive,县0镇1镇,120.13931,32.47456,0,0,true
F002,日照2,day_care,县0乡2乡,120.15159,32.49076,0,0,true
F003,站3,station,县0乡2乡,120.14107,32.48081,0,0,true
F004,县0乡2乡敬老院0,institution,县0乡2乡,120.15304,32.54556,35,10,true
"#;

#[test]
fn the_rules_count_is_no_bound_when_another_upgrade_would_need_fewer_sites() {
    // per_county = 1 upgrades 县0镇3镇敬老院0 (F008, newly serving the most), and the required
    // C006 in 县0镇3镇 then cannot be that township's centre, so the township share takes two
    // more sites: 6. Upgrading 县0镇1镇敬老院0 (F005) instead lets C006 fill 县0镇3镇's place:
    // 5 sites meet every rule and the coverage target. 6 must not be called optimal, and the
    // bound must allow 5.
    let dir = folder(&[
        ("scenario.toml", CHOICE_SCENARIO),
        ("villages.csv", CHOICE_VILLAGES),
        ("candidates.csv", CHOICE_CANDIDATES),
        ("facilities.csv", CHOICE_FACILITIES),
        ("dec1.csv", "id,decision\nC006,required\n"),
        (
            "dec5.csv",
            "id,decision\nC001,required\nC003,required\nC006,required\nC009,required\n\
             C012,required\nF003,excluded\nF004,excluded\nF006,excluded\nF008,excluded\n",
        ),
    ]);
    let solve = |dec: &str| solve_lscp(dir.path(), &["--decisions", dec]);
    let five = solve("dec5.csv");
    assert_eq!(five["objective"], 5.0, "{five}");
    assert!(five["coverage"].as_f64().expect("coverage") >= 0.6);
    let v = solve("dec1.csv");
    assert!(v["bound"].as_f64().expect("bound") <= 5.0 + 1e-9, "{v}");
    if v["objective"] != 5.0 {
        assert_ne!(v["status"], "optimal", "{v}");
    }
}

/// A made-up two-county region (random, for tests).
const CHOICE_SCENARIO: &str = r#"name = "升级选择县"
data = "."
base_year = 2020
years = [2025]
seed = 1
[day_care]
coverage = 0.6
per_street = 1
per_county = 1
township_share = 0.8
exclude_unreachable = true
serving = ["day_care"]
"#;

const CHOICE_VILLAGES: &str = r#"id,name,township,lon,lat,elderly,kind
321202001001,村321202001001,县0街0街道,119.97534,32.50671,121,urban
321202001002,村321202001002,县0街0街道,120.01795,32.53116,156,urban
321202001003,村321202001003,县0街0街道,119.99119,32.51419,218,urban
321202001004,村321202001004,县0街0街道,119.97850,32.52950,158,urban
321202100200,村321202100200,县0镇0镇,120.04843,32.49536,370,rural
321202100201,村321202100201,县0镇0镇,120.07143,32.51186,291,rural
321202100202,村321202100202,县0镇0镇,120.05513,32.47412,225,rural
321202100203,村321202100203,县0镇0镇,120.05462,32.47829,314,rural
321202100204,村321202100204,县0镇0镇,120.05338,32.50701,471,rural
321202101200,村321202101200,县0镇1镇,120.09838,32.49194,84,rural
321202101201,村321202101201,县0镇1镇,120.09544,32.49223,455,rural
321202102200,村321202102200,县0镇2镇,120.17499,32.50838,16,rural
321202102201,村321202102201,县0镇2镇,120.17263,32.49358,34,rural
321202102202,村321202102202,县0镇2镇,120.17129,32.50145,124,rural
321202102203,村321202102203,县0镇2镇,120.17006,32.51872,100,rural
321202102204,村321202102204,县0镇2镇,120.16487,32.51560,334,rural
321202103200,村321202103200,县0镇3镇,120.24481,32.51658,0,rural
321202103201,村321202103201,县0镇3镇,120.25404,32.52613,94,rural
321202103202,村321202103202,县0镇3镇,120.23629,32.53997,429,rural
321202103203,村321202103203,县0镇3镇,120.22003,32.52810,190,rural
321202103204,村321202103204,县0镇3镇,120.25915,32.52721,371,rural
321203001001,村321203001001,县1街0街道,120.31474,32.49026,93,urban
321203001002,村321203001002,县1街0街道,120.29240,32.47676,455,urban
321203001003,村321203001003,县1街0街道,120.29540,32.46482,205,urban
321203001004,村321203001004,县1街0街道,120.30546,32.47112,488,urban
321203002001,村321203002001,县1街1街道,120.34082,32.51435,157,urban
321203002002,村321203002002,县1街1街道,120.34072,32.48867,0,urban
321203002003,村321203002003,县1街1街道,120.36951,32.49377,110,urban
321203100200,村321203100200,县1镇0镇,120.42737,32.47833,315,rural
321203100201,村321203100201,县1镇0镇,120.40993,32.49460,216,rural
321203100202,村321203100202,县1镇0镇,120.40749,32.52053,138,rural
321203100203,村321203100203,县1镇0镇,120.43771,32.51386,479,rural
"#;

const CHOICE_CANDIDATES: &str = r#"id,name,township,lon,lat,allow
C000,候选0,县0街0街道,119.98087,32.51661,day_care
C001,候选1,县0街0街道,119.97925,32.53093,day_care
C002,候选2,县0街0街道,119.98769,32.52545,day_care
C003,候选3,县0镇0镇,120.07763,32.49375,day_care
C004,候选4,县0镇1镇,120.13213,32.52255,day_care
C005,候选5,县0镇2镇,120.18379,32.50989,day_care
C006,候选6,县0镇3镇,120.26211,32.52008,day_care
C007,候选7,县1街0街道,120.28124,32.46193,day_care
C008,候选8,县1街0街道,120.28766,32.47999,day_care
C009,候选9,县1街0街道,120.30329,32.47514,day_care
C010,候选10,县1街1街道,120.37291,32.48501,day_care
C011,候选11,县1街1街道,120.34309,32.47565,day_care
C012,候选12,县1镇0镇,120.40799,32.51117,day_care
"#;

const CHOICE_FACILITIES: &str = r#"id,name,type,township,lon,lat,beds,nursing_beds,public
F000,站0,station,县0街0街道,119.99500,32.50630,0,0,true
F001,站1,station,县0镇0镇,120.04003,32.46537,0,0,true
F002,县0镇0镇敬老院0,institution,县0镇0镇,120.04506,32.50278,32,10,false
F003,县0镇0镇敬老院1,institution,县0镇0镇,120.08456,32.49673,51,10,true
F004,县0镇0镇敬老院2,institution,县0镇0镇,120.05823,32.50396,62,10,true
F005,县0镇1镇敬老院0,institution,县0镇1镇,120.12379,32.50106,73,10,true
F006,县0镇1镇敬老院1,institution,县0镇1镇,120.13392,32.53592,48,10,true
F007,日照7,day_care,县0镇3镇,120.23294,32.52996,0,0,true
F008,县0镇3镇敬老院0,institution,县0镇3镇,120.22310,32.53899,79,10,true
F009,日照9,day_care,县1街0街道,120.32052,32.47804,0,0,true
F010,综合10,comprehensive,县1街1街道,120.34614,32.48758,0,0,true
"#;

/// 甲, 乙 and 丙 (100 elderly each), 1,000 m apart, for the budget tests below.
const TRIANGLE_VILLAGES: &str = "id,name,township,lon,lat,elderly,kind
620722100001,甲社区,洪水街道,100.80000,38.44000,100,urban
620722100002,乙社区,洪水街道,100.81149,38.44000,100,urban
620722100003,丙社区,洪水街道,100.80575,38.44780,100,urban
";

/// One far 敬老院 reaching none of [`TRIANGLE_VILLAGES`].
const TRIANGLE_FACILITIES: &str = "id,name,type,township,lon,lat,beds,nursing_beds,public
F01,洪水街道敬老院,institution,洪水街道,100.95000,38.55000,10,5,true
";

/// C05 at the centre of [`TRIANGLE_VILLAGES`] (577 m from each) for 50 万元.
const CENTRE_CANDIDATE: &str = "C05,三村中心,洪水街道,100.80575,38.44260,day_care,50\n";

/// The pair candidates C01 (between 甲 and 乙) and C02 (乙 and 丙) at 10 万元 each, then the
/// rows `more`.
fn pair_candidates(more: &str) -> String {
    format!(
        "id,name,township,lon,lat,allow,cost
C01,甲乙之间,洪水街道,100.80575,38.44000,day_care,10
C02,乙丙之间,洪水街道,100.80862,38.44390,day_care,10
{more}"
    )
}

/// The budget tests' scenario: no rules, full coverage, walking, day care at 10 万元 and a
/// budget of `total` 万元, then `more`.
fn triangle_scenario(total: u32, more: &str) -> String {
    format!(
        r#"name = "预算测试县"
data = "."
base_year = 2020
years = [2025]
seed = 1
[travel]
minutes = 15
urban = {{ speed_kmh = 4.0, detour = 1.3 }}
rural = {{ speed_kmh = 4.0, detour = 1.3 }}
[day_care]
coverage = 1.0
per_street = 0
per_county = 0
township_share = 0
serving = ["day_care"]
[costs]
day_care = 10
[budget]
total = {total}
{more}"#
    )
}

#[test]
fn a_miss_the_exact_money_search_proves_is_infeasible() {
    // No rules. Villages 甲, 乙 and 丙 (100 elderly each) stand 1,000 m apart; each pair
    // candidate (10 万元) sits midway between two of them (500 m) and is 866 m from the third,
    // beyond the 15-minute walk (about 770 m). A far candidate costs 1 万元 and reaches no
    // one. With 15 万元 one pair candidate is all the money buys: 200 of 300 elderly. Neither
    // bound for any plan proves it (the cheapest prices buy two sites, which would reach
    // everyone; half of each pair candidate costs 15 万元 and covers everyone in the linear
    // relaxation), but the money search is exact here, and its bound proves the miss.
    let candidates = pair_candidates(
        "C03,丙甲之间,洪水街道,100.80287,38.44390,day_care,10
C04,远处,洪水街道,100.90000,38.50000,day_care,1
",
    );
    let summary = plan_county(
        &triangle_scenario(15, ""),
        TRIANGLE_VILLAGES,
        &candidates,
        TRIANGLE_FACILITIES,
        None,
    );
    let dc = &summary["day_care"];
    assert_eq!(dc["status"], "infeasible", "{dc}");
    assert_eq!(dc["phasing"]["whole_status"], "infeasible", "{dc}");
}

#[test]
fn a_budget_the_cheapest_network_fits_says_the_plan_without_it_costs_more() {
    // 甲, 乙 and 丙 as in `a_miss_the_exact_money_search_proves_is_infeasible`; C05 at their
    // centre (577 m from each) reaches all three for 50 万元, the pair candidates C01 and C02
    // (10 each) reach them together. Without the budget the plan takes the one site C05 (50);
    // 30 万元 buy C01 and C02, which meet the target at the least cost. The budget line names
    // the 50 万元 as the plan drawn without the budget, not as what the target needs, and
    // says the sites meet the target (not "maximal covering").
    let summary = plan_county(
        &triangle_scenario(30, ""),
        TRIANGLE_VILLAGES,
        &pair_candidates(CENTRE_CANDIDATE),
        TRIANGLE_FACILITIES,
        None,
    );
    let dc = &summary["day_care"];
    assert_eq!(dc["status"], "optimal", "{dc}");
    assert_eq!(dc["objective"], "least_cost", "{dc}");
    assert_eq!(dc["bound"].as_f64(), Some(20.0), "{dc}");
    assert_eq!(site_ids(dc), ["C01", "C02"], "{dc}");
    let line = budget_line(dc);
    let en = line["en"].as_str().expect("en");
    let zh = line["zh"].as_str().expect("zh");
    assert!(
        en.contains("drawn without the budget costs 50 万元"),
        "{en}"
    );
    assert!(en.contains("meet the coverage target"), "{en}");
    assert!(!en.contains("maximal covering"), "{en}");
    assert!(zh.contains("不计预算的日间照料方案需 50 万元"), "{zh}");
    assert!(zh.contains("达到覆盖目标的最省 2 处"), "{zh}");
    // Nothing is forced: the line names no kept centres or upgrades.
    assert!(!en.contains("upgrade") && !en.contains("stay"), "{en}");
    assert!(!zh.contains("升级") && !zh.contains("保留"), "{zh}");
}

#[test]
fn the_budget_line_names_what_is_kept_and_no_upgrade_that_is_not_made() {
    // The county of the test above with C01 required and 15 万元: the required centre (10)
    // stays, 5 are left and buy nothing, so the target is missed (proven: no site costs 5).
    // The budget line counts the one kept centre with its cost and names no upgrade (it read
    // "the rules' 1 new centres and the upgrades (10 万元)" where no upgrade was made).
    let summary = plan_county(
        &triangle_scenario(15, "[decisions]\nrequired = [\"C01\"]\n"),
        TRIANGLE_VILLAGES,
        &pair_candidates(CENTRE_CANDIDATE),
        TRIANGLE_FACILITIES,
        None,
    );
    let dc = &summary["day_care"];
    assert_eq!(dc["status"], "infeasible", "{dc}");
    assert_eq!(dc["covered_elderly"].as_f64(), Some(200.0), "{dc}");
    let line = budget_line(dc);
    let en = line["en"].as_str().expect("en");
    let zh = line["zh"].as_str().expect("zh");
    assert!(en.contains("the 1 new centre the street"), "{en}");
    assert!(en.contains("(10 万元 together)"), "{en}");
    assert!(!en.contains("upgrade"), "{en}");
    assert!(zh.contains("1 处新建中心（合计 10 万元）"), "{zh}");
    assert!(!zh.contains("升级"), "{zh}");
}

#[test]
fn a_target_the_rules_leave_no_room_for_is_proven_out_of_reach() {
    // X (100) and Y (60) in A街道, Z (10) in B街道; a1 reaches X, a2 Y, b1 Z. 90 % (153 of
    // 170) needs X and Y; one centre per street and at most 2 new sites leave room for only
    // one of a1 and a2 (110 or 70 at most). Two sites without the rules (a1 + a2) would
    // reach 160, so only the rules and the target together prove the miss: 3 sites needed.
    let candidates = xyz_candidates("120.103638");
    for extra in ["curve = true", "curve = false"] {
        let summary = plan_county(
            &xyz_scenario(extra),
            XYZ_VILLAGES,
            &candidates,
            XYZ_FACILITIES,
            None,
        );
        let dc = &summary["day_care"];
        assert_eq!(dc["status"], "infeasible", "{extra}: {dc}");
        let said = dc["shortfalls"].to_string();
        assert!(
            said.contains("needs at least 3 new sites"),
            "{extra}: {said}"
        );
        assert!(said.contains("至少需新建 3 处站点"), "{extra}: {said}");
    }
}

/// The shortfalls of the day-care plan, English, one per line.
fn shortfalls_en(dc: &serde_json::Value) -> String {
    dc["shortfalls"]
        .as_array()
        .expect("shortfalls")
        .iter()
        .map(|s| s["en"].as_str().expect("en"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A scenario with travel from the matrix `od.csv`: `coverage`, `per_street` centres a
/// street, no county or township rule, then `tail` (capacities, costs, budget).
fn matrix_scenario(coverage: &str, per_street: u32, tail: &str) -> String {
    format!(
        r#"name = "scenario"
data = "."
base_year = 2020
years = [2025]
seed = 1
[travel]
minutes = 15
matrix = "od.csv"
[day_care]
coverage = {coverage}
per_street = {per_street}
per_county = 0
township_share = 0
{tail}"#
    )
}

/// villages.csv of urban villages on a line, each `(id, township, elderly)`: 村0 at
/// longitude 100.800, 村1 at 100.801, and so on.
fn line_villages(rows: &[(&str, &str, u32)]) -> String {
    let mut csv = String::from("id,name,township,lon,lat,elderly,kind\n");
    for (v, (id, township, elderly)) in rows.iter().enumerate() {
        csv += &format!(
            "{id},村{v},{township},{:.5},38.44000,{elderly},urban\n",
            100.8 + 0.001 * v as f64
        );
    }
    csv
}

/// candidates.csv of day-care candidates on a line north of [`line_villages`], each
/// `(township, cost in 万元, empty for the default)`: C0 at longitude 100.800, C1 at 100.801,
/// and so on; `max_beds` adds an empty max_beds column.
fn line_candidates(max_beds: bool, rows: &[(&str, &str)]) -> String {
    let beds = if max_beds { ",max_beds" } else { "" };
    let mut csv = format!("id,name,township,lon,lat,allow{beds},cost\n");
    for (c, (township, cost)) in rows.iter().enumerate() {
        csv += &format!(
            "C{c},候选{c},{township},{:.5},38.45000,day_care,{}{cost}\n",
            100.8 + 0.001 * c as f64,
            if max_beds { "," } else { "" }
        );
    }
    csv
}

/// od.csv of these `(village, site)` pairs, 5 minutes each (no row: out of reach).
fn od_csv(pairs: &[(&str, &str)]) -> String {
    let mut csv = String::from("from_id,to_id,minutes\n");
    for (from, to) in pairs {
        csv += &format!("{from},{to},5\n");
    }
    csv
}

/// facilities.csv of one private 敬老院 F0 in 六坝镇, with an empty capacity column.
const F0_FACILITIES: &str = "id,name,type,township,lon,lat,beds,nursing_beds,public,capacity
F0,设施0,institution,六坝镇,100.80000,38.46000,10,0,false,
";

/// facilities.csv of one private 敬老院 FI in `township`.
fn fi_facilities(township: &str) -> String {
    format!(
        "id,name,type,township,lon,lat,beds,nursing_beds,public\n\
         FI,设施I,institution,{township},100.80000,38.46000,10,0,false\n"
    )
}

#[test]
fn with_capacities_the_dearest_price_proves_no_miss() {
    // Travel from a matrix (no row: out of reach). Three villages of 100 elderly; centres take
    // 300 each. C0 (0 万元) reaches 村0 and 村1, C1 (0 万元) reaches 村2, C2 (20 万元) reaches
    // all three. Without money the plan takes C2 alone (20 万元), which the budget of 0 does
    // not pay for; {C0, C1} costs nothing and serves everyone. The count the money buys at
    // the dearest price (none) is no proof of a miss (it read infeasible); the price
    // thresholds find the free pair, which meets the target for nothing.
    let scenario = matrix_scenario(
        "1.0",
        0,
        "capacity = 300\n[costs]\nday_care = 10\n[budget]\ntotal = 0\n",
    );
    let villages = line_villages(&[
        ("620722001001", "洪水街道", 100),
        ("620722001002", "洪水街道", 100),
        ("620722001003", "洪水街道", 100),
        ("620722100001", "六坝镇", 0),
    ]);
    let candidates = line_candidates(
        true,
        &[("洪水街道", "0"), ("洪水街道", "0"), ("洪水街道", "20")],
    );
    let od = od_csv(&[
        ("620722001001", "C0"),
        ("620722001001", "C2"),
        ("620722001002", "C0"),
        ("620722001002", "C2"),
        ("620722001003", "C1"),
        ("620722001003", "C2"),
    ]);
    let summary = plan_county(&scenario, &villages, &candidates, F0_FACILITIES, Some(&od));
    let dc = &summary["day_care"];
    assert_eq!(dc["status"], "feasible", "{dc}");
    assert_eq!(dc["covered_elderly"].as_f64(), Some(300.0), "{dc}");
    assert_eq!(
        summary["budget"]["spent_wan"].as_f64(),
        Some(0.0),
        "{summary}"
    );
    assert_eq!(
        summary["budget"]["missed"],
        serde_json::json!([]),
        "{summary}"
    );
    // A lower bound of the count: C2 alone meets the target without the budget.
    assert!(dc["bound"].as_f64().is_some_and(|b| b <= 1.0), "{dc}");
    let said = shortfalls_en(dc);
    assert!(!said.contains("cannot be reached"), "{said}");
    assert!(!said.contains("max_new"), "{said}");
}

#[test]
fn a_target_out_of_reach_at_any_price_quotes_no_money() {
    // 村1 has no site within reach: at most half the elderly can be served, whatever the
    // budget. The budget misses the target, but no money would meet it: no cost is quoted
    // and `budget.missed` lists no coverage step.
    let scenario = matrix_scenario("1.0", 0, "[costs]\nday_care = 10\n[budget]\ntotal = 5\n");
    let villages = line_villages(&[
        ("620722001001", "洪水街道", 100),
        ("620722100001", "六坝镇", 100),
    ]);
    let candidates = line_candidates(true, &[("洪水街道", "10"), ("六坝镇", "2")]);
    let od = od_csv(&[("620722001001", "C0")]);
    let summary = plan_county(&scenario, &villages, &candidates, F0_FACILITIES, Some(&od));
    let dc = &summary["day_care"];
    assert_eq!(dc["status"], "infeasible", "{dc}");
    let said = shortfalls_en(dc);
    assert!(!said.contains("costs at most"), "{said}");
    assert!(said.contains("no extra money meets it"), "{said}");
    let missed = summary["budget"]["missed"].as_array().expect("missed");
    assert!(
        missed.iter().all(|m| m["indicator"] != "coverage"),
        "{missed:?}"
    );
}

#[test]
fn a_miss_the_money_bound_proves_stays_infeasible_when_the_rules_overrun() {
    // The street rule puts its centre at C3 (5 万元), more than the budget of 2. Where the
    // rules had a choice of place, their overrun alone proves nothing; but the money
    // search's bound does: whatever any plan within the budget opens (at most C1, C2, C3
    // and C6 at the cheapest prices), 村6 needs C7 (50 万元), so at most 400 of 500 elderly
    // are served, short of the 90 % target. The verdict stays infeasible.
    let scenario = matrix_scenario(
        "0.9",
        1,
        "[costs]\nday_care = 10\nupgrade = 5\n[budget]\ntotal = 2\n",
    );
    let villages = line_villages(&[
        ("620722001001", "洪水街道", 100),
        ("620722100001", "六坝镇", 20),
        ("620722001002", "洪水街道", 10),
        ("620722100002", "六坝镇", 50),
        ("620722001003", "洪水街道", 150),
        ("620722001004", "洪水街道", 20),
        ("620722100003", "六坝镇", 100),
        ("620722001005", "洪水街道", 50),
    ]);
    let candidates = line_candidates(
        true,
        &[
            ("洪水街道", "30"),
            ("六坝镇", "0"),
            ("六坝镇", "0"),
            ("洪水街道", "5"),
            ("六坝镇", "10"),
            ("洪水街道", "15"),
            ("洪水街道", "0"),
            ("六坝镇", "50"),
        ],
    );
    let od = od_csv(&[
        ("620722001001", "C2"),
        ("620722100001", "C1"),
        ("620722100001", "F0"),
        ("620722001002", "C3"),
        ("620722100002", "C1"),
        ("620722100002", "C3"),
        ("620722001003", "C3"),
        ("620722001004", "C1"),
        ("620722100003", "F0"),
        ("620722100003", "C7"),
        ("620722001005", "C1"),
        ("620722001005", "C3"),
    ]);
    let summary = plan_county(&scenario, &villages, &candidates, F0_FACILITIES, Some(&od));
    let dc = &summary["day_care"];
    assert_eq!(dc["status"], "infeasible", "{dc}");
    assert!(
        dc["covered_elderly"].as_f64().expect("covered") < 450.0,
        "{dc}"
    );
}

#[test]
fn a_budget_the_rules_placed_dearly_without_it_still_buys_the_target() {
    // 洪水街道 (村0–村2) needs a street centre: C0 (1 万元, reaching 村0 and 村1) or C1 (30,
    // reaching 村2). Without the budget the street and coverage rows solved together take C1
    // and C2 (40 万元). Within 20 万元, C0 as the street centre with C3 (村2) and C4 (村3)
    // costs 11 and serves everyone. The money left had been counted from the dear plan's
    // rules (20 − 30 = 0), so only C0 was bought and the miss read as proven (infeasible).
    let scenario = matrix_scenario("1.0", 1, "[costs]\nday_care = 10\n[budget]\ntotal = 20\n");
    let villages = line_villages(&[
        ("620722001010", "洪水街道", 100),
        ("620722001011", "洪水街道", 100),
        ("620722001012", "洪水街道", 100),
        ("620722100013", "六坝镇", 100),
    ]);
    let candidates = line_candidates(
        false,
        &[
            ("洪水街道", "1"),
            ("洪水街道", "30"),
            ("六坝镇", "10"),
            ("六坝镇", "5"),
            ("六坝镇", "5"),
        ],
    );
    let od = od_csv(&[
        ("620722001010", "C0"),
        ("620722001010", "C2"),
        ("620722001011", "C0"),
        ("620722001011", "C2"),
        ("620722001012", "C1"),
        ("620722001012", "C3"),
        ("620722100013", "C2"),
        ("620722100013", "C4"),
    ]);
    let summary = plan_county(
        &scenario,
        &villages,
        &candidates,
        &fi_facilities("六坝镇"),
        Some(&od),
    );
    let dc = &summary["day_care"];
    assert_ne!(dc["status"], "infeasible", "{dc}");
    assert_eq!(dc["covered_elderly"].as_f64(), Some(400.0), "{dc}");
    let mut ids = site_ids(dc);
    ids.sort_unstable();
    assert_eq!(ids, ["C0", "C3", "C4"], "{dc}");
    assert_eq!(
        summary["budget"]["missed"],
        serde_json::json!([]),
        "{summary}"
    );
    let en = budget_line(dc)["en"].as_str().expect("en");
    assert!(en.contains("(1 万元 together)"), "{en}");
    assert!(en.contains("within the 19 万元 left"), "{en}");
}

/// A county of `n` villages in one street, 100 elderly each, with full coverage, no rules
/// and travel from `od`, then `scenario_tail`: the summary of its plan.
fn capacity_county(scenario_tail: &str, candidates: &str, od: &str, n: usize) -> serde_json::Value {
    let ids: Vec<String> = (0..n).map(|v| format!("62072200101{v}")).collect();
    let rows: Vec<(&str, &str, u32)> = ids
        .iter()
        .map(|id| (id.as_str(), "洪水街道", 100))
        .collect();
    plan_county(
        &matrix_scenario("1.0", 0, scenario_tail),
        &line_villages(&rows),
        candidates,
        &fi_facilities("洪水街道"),
        Some(od),
    )
}

/// Four candidates in 洪水街道 at 5, 5, 30 and 30 万元 and their travel matrix: each reaches
/// only its own village of a [`capacity_county`] of 4.
fn own_candidates() -> (String, String) {
    let candidates = line_candidates(
        false,
        &[
            ("洪水街道", "5"),
            ("洪水街道", "5"),
            ("洪水街道", "30"),
            ("洪水街道", "30"),
        ],
    );
    let od = od_csv(&[
        ("620722001010", "C0"),
        ("620722001011", "C1"),
        ("620722001012", "C2"),
        ("620722001013", "C3"),
    ]);
    (candidates, od)
}

#[test]
fn yearly_limits_on_every_plan_year_bound_the_whole_spend() {
    // One plan year with its own limit of 10 万元 and no total: four villages, each reached
    // only by its own candidate (5, 5, 30 and 30 万元). 10 万元 buy C0 and C1 (200 of 400
    // elderly); the target needs all four (70). The plan had taken all four, read 是 and
    // flagged a 70 万元 overrun of a binding limit (status optimal).
    let (candidates, od) = own_candidates();
    let summary = capacity_county(
        "[costs]\nday_care = 10\n[budget]\nper_year = { 2025 = 10 }\n",
        &candidates,
        &od,
        4,
    );
    let dc = &summary["day_care"];
    assert_eq!(dc["status"], "infeasible", "{dc}");
    assert_eq!(dc["covered_elderly"].as_f64(), Some(200.0), "{dc}");
    let b = &summary["budget"];
    assert_eq!(b["spent_wan"].as_f64(), Some(10.0), "{b}");
    assert_eq!(b["overrun_wan"].as_f64(), Some(0.0), "{b}");
    let missed = b["missed"].as_array().expect("missed");
    assert_eq!(missed.len(), 1, "{b}");
    assert_eq!(missed[0]["indicator"], "coverage", "{b}");
    assert_eq!(missed[0]["extra_wan"].as_f64(), Some(60.0), "{b}");
}

#[test]
fn with_capacities_the_money_buys_a_dear_site_beside_cheap_ones() {
    // Four villages, each reached only by its own candidate (5, 5, 30 and 30 万元, 100
    // places each); 40 万元. At the dearest price the money buys one site (100 served, 5
    // spent); C0, C1 and C2 fit the 40 and serve 300. The target (400) is out of reach: the
    // most the money buys at the cheapest prices, three sites, serve at most 300.
    let (candidates, od) = own_candidates();
    let summary = capacity_county(
        "capacity = 100\n[costs]\nday_care = 10\n[budget]\ntotal = 40\n",
        &candidates,
        &od,
        4,
    );
    let dc = &summary["day_care"];
    assert_eq!(dc["status"], "infeasible", "{dc}");
    assert_eq!(dc["covered_elderly"].as_f64(), Some(300.0), "{dc}");
    assert_eq!(
        summary["budget"]["spent_wan"].as_f64(),
        Some(40.0),
        "{summary}"
    );
}

#[test]
fn with_capacities_the_street_centre_is_placed_within_the_money() {
    // 洪水街道 needs its street centre; C0 (30 万元) and C5 (10) both lie there and reach 村0
    // and 村1 (110 elderly, 150 places each); the existing F0 serves 村2 (50). The rules
    // placed C0 by coverage and overran the 10 万元 (undecided); C5 meets the rule and the
    // target for 10.
    let scenario = matrix_scenario(
        "1.0",
        1,
        "capacity = 150\n[costs]\nday_care = 20\n[budget]\ntotal = 10\n",
    );
    let candidates = line_candidates(
        false,
        &[
            ("洪水街道", "30"),
            ("六坝镇", "30"),
            ("洪水街道", "10"),
            ("六坝镇", ""),
            ("洪水街道", "11"),
            ("洪水街道", "10"),
        ],
    );
    let villages = line_villages(&[
        ("620722001010", "洪水街道", 100),
        ("620722100011", "六坝镇", 10),
        ("620722100012", "六坝镇", 50),
    ]);
    let od = od_csv(&[
        ("620722001010", "C0"),
        ("620722001010", "C1"),
        ("620722001010", "C4"),
        ("620722001010", "C5"),
        ("620722100011", "C0"),
        ("620722100011", "C1"),
        ("620722100011", "C5"),
        ("620722100012", "C2"),
        ("620722100012", "C3"),
        ("620722100012", "F0"),
    ]);
    let facilities = "id,name,type,township,lon,lat,beds,nursing_beds,public,capacity
FI,设施I,institution,六坝镇,100.80000,38.46000,10,0,false,
F0,日照0,day_care,洪水街道,100.80000,38.47000,0,0,false,50
";
    let summary = plan_county(&scenario, &villages, &candidates, facilities, Some(&od));
    let dc = &summary["day_care"];
    assert_eq!(dc["status"], "feasible", "{dc}");
    assert_eq!(dc["covered_elderly"].as_f64(), Some(160.0), "{dc}");
    assert_eq!(
        common::day_care_sites(&summary),
        vec![("C5", "street")],
        "{dc}"
    );
    let b = &summary["budget"];
    assert_eq!(b["spent_wan"].as_f64(), Some(10.0), "{b}");
    assert_eq!(b["overrun_wan"].as_f64(), Some(0.0), "{b}");
}
