//! Decisions (required and excluded sites): honoured by every model, checked by brute force
//! on small instances; priced as the difference of separately solved plans; rejected with
//! located messages when contradictory or unknown.

mod common;

use std::fs;
use std::path::Path;

use common::{Lcg, copy_fixture, yanglao};
use yanglao::model::decisions::Verdict;

fn summary(dir: &Path, out: &str) -> serde_json::Value {
    let text = fs::read_to_string(dir.join(out).join("scenario/summary.json")).expect("summary");
    serde_json::from_str(&text).expect("JSON")
}

/// A random county of 9 rural villages, 2 existing sites (a day-care centre and an
/// institution) and 6 day-care candidates within a few km, with the day-care objective and
/// random decisions in the scenario's `[decisions]`; candidates of different prices (20 to
/// 60 万元) when `priced`.
fn random_county_priced(dir: &Path, rng: &mut Lcg, objective: &str, priced: bool) {
    let mut villages = String::from("id,name,township,lon,lat,elderly,kind\n");
    for v in 0..9 {
        villages += &format!(
            "V{v},村{v},{},{:.5},{:.5},{},rural\n",
            if v % 2 == 0 { "甲镇" } else { "乙镇" },
            100.80 + 0.05 * rng.unit(),
            38.43 + 0.05 * rng.unit(),
            50 + (rng.unit() * 400.0) as u32
        );
    }
    let mut facilities =
        String::from("id,name,type,township,lon,lat,beds,nursing_beds,max_beds,public\n");
    facilities += &format!(
        "F1,中心,day_care,甲镇,{:.5},{:.5},0,0,,true\n",
        100.80 + 0.05 * rng.unit(),
        38.43 + 0.05 * rng.unit()
    );
    facilities += "F2,敬老院,institution,乙镇,100.82,38.45,100,40,150,true\n";
    let mut candidates = String::from("id,name,township,lon,lat,allow,max_beds,cost\n");
    for c in 0..6 {
        candidates += &format!(
            "C{c},候选{c},甲镇,{:.5},{:.5},day_care,,{}\n",
            100.80 + 0.05 * rng.unit(),
            38.43 + 0.05 * rng.unit(),
            if priced {
                (20 + (rng.unit() * 40.0) as u32).to_string()
            } else {
                String::new()
            }
        );
    }
    let (mut required, mut excluded) = (Vec::new(), Vec::new());
    for c in 0..6 {
        let x = rng.unit();
        if x < 0.25 && required.len() < 2 {
            required.push(format!("\"C{c}\""));
        } else if x < 0.45 {
            excluded.push(format!("\"C{c}\""));
        }
    }
    if rng.unit() < 0.3 {
        excluded.push("\"F1\"".into());
    }
    let scenario = format!(
        r#"name = "随机县"
data = "."
crs = "wgs84"
base_year = 2020
years = [2021, 2025]
seed = 3

[travel]
minutes = 15
urban = {{ speed_kmh = 4.0, detour = 1.3 }}
rural = {{ speed_kmh = 12.0, detour = 1.4 }}

[day_care]
per_street = 0
{objective}

[costs]
day_care = 30
new_bed = 8
convert_bed = 2
institution = 500

[decisions]
required = [{}]
excluded = [{}]
"#,
        required.join(", "),
        excluded.join(", ")
    );
    fs::write(dir.join("villages.csv"), villages).expect("write");
    fs::write(dir.join("facilities.csv"), facilities).expect("write");
    fs::write(dir.join("candidates.csv"), candidates).expect("write");
    fs::write(dir.join("scenario.toml"), scenario).expect("write");
}

/// The elderly served by the existing sites left and the candidates in `mask` (bit `c` for
/// candidate `c`).
fn served(
    s: &yanglao::model::Scenario,
    region: &yanglao::model::Region,
    reach: &yanglao::travel::ReachLists,
    mask: u32,
) -> f64 {
    let nf = region.facilities.len();
    reach
        .iter()
        .filter(|(_, list)| {
            list.iter().any(|r| {
                let i = r.site.get();
                if i < nf {
                    s.day_care.serving.contains(region.facilities[i].kind)
                } else {
                    mask & (1 << (i - nf)) != 0
                }
            })
        })
        .map(|(v, _)| f64::from(region.villages[v.get()].elderly))
        .sum()
}

/// For every subset of the allowed candidates holding the required ones: its size and the
/// elderly it serves with the existing sites left.
fn subsets(
    s: &yanglao::model::Scenario,
    region: &yanglao::model::Region,
) -> (Vec<(u32, f64)>, Vec<usize>) {
    let reach = yanglao::travel::reach_limited(region, &s.travel, &s.limits).expect("travel");
    let required: Vec<usize> = s
        .decisions
        .required_day_care(region)
        .iter()
        .map(|r| r.0)
        .collect();
    let n = region.candidates.len();
    let out = (0u32..(1 << n))
        .filter(|mask| required.iter().all(|&c| mask & (1 << c) != 0))
        .map(|mask| (mask.count_ones(), served(s, region, &reach, mask)))
        .collect();
    (out, required)
}

/// A random county (see [`random_county_priced`]) loaded with its decisions applied: the
/// scenario, the region left by the decisions and its reach lists.
fn random_case(
    dir: &Path,
    rng: &mut Lcg,
    objective: &str,
    priced: bool,
) -> (
    yanglao::model::Scenario,
    yanglao::model::Region,
    yanglao::travel::ReachLists,
) {
    random_county_priced(dir, rng, objective, priced);
    let loaded = yanglao::io::load(&dir.join("scenario.toml")).expect("valid");
    let s = loaded.scenario;
    let region = s.decisions.apply(&loaded.region, s.day_care.serving);
    let reach = yanglao::travel::reach_limited(&region, &s.travel, &s.limits).expect("travel");
    (s, region, reach)
}

fn check_honoured(
    s: &yanglao::model::Scenario,
    region: &yanglao::model::Region,
    dc: &yanglao::plan::DayCarePlan,
) {
    let ids: Vec<&str> = dc.sites.iter().map(|x| x.id.as_str()).collect();
    for d in &s.decisions.list {
        match d.verdict {
            Verdict::Required => assert!(ids.contains(&d.id.as_str()), "{d:?} in {ids:?}"),
            Verdict::Excluded => {
                assert!(!ids.contains(&d.id.as_str()), "{d:?} in {ids:?}");
                assert!(region.candidates.iter().all(|c| c.id != d.id));
                assert!(region.facilities.iter().all(|f| f.id != d.id));
            }
        }
    }
}

#[test]
fn set_covering_honours_required_and_excluded_sites_brute_force() {
    let mut rng = Lcg(11);
    let (mut feasible, mut infeasible) = (0, 0);
    for case in 0..24 {
        let dir = tempfile::tempdir().expect("temp dir");
        let (s, region, reach) = random_case(dir.path(), &mut rng, "coverage = 0.9", false);
        let s = &s;
        let dc = yanglao::plan::day_care::plan(s, &region, &reach);
        check_honoured(s, &region, &dc);
        let (all, _) = subsets(s, &region);
        let target = 0.9 * dc.total_elderly;
        let best = all
            .iter()
            .filter(|(_, c)| *c >= target - 1e-6)
            .map(|(k, _)| *k)
            .min();
        match best {
            Some(k) => {
                assert_eq!(dc.new_sites, k, "case {case}");
                assert_eq!(dc.status, yanglao::solve::Status::Optimal, "case {case}");
                assert!((dc.bound - f64::from(k)).abs() < 1e-9, "case {case}");
                assert!(dc.covered_elderly >= target - 1e-6, "case {case}");
                feasible += 1;
            }
            None => {
                // Out of reach: the answer is the fewest sites serving the most that can be
                // served, and the bound is that problem's bound (never above the answer).
                assert_eq!(dc.status, yanglao::solve::Status::Infeasible, "case {case}");
                let most = all.iter().map(|(_, c)| *c).fold(0.0f64, f64::max);
                let least = all
                    .iter()
                    .filter(|(_, c)| *c >= most - 1e-6)
                    .map(|(k, _)| *k)
                    .min()
                    .expect("a subset");
                assert_eq!(dc.new_sites, least, "case {case}");
                assert!((dc.covered_elderly - most).abs() < 1e-6, "case {case}");
                assert!(
                    dc.bound <= f64::from(least) + 1e-9,
                    "case {case}: bound {}",
                    dc.bound
                );
                infeasible += 1;
            }
        }
    }
    assert!(
        feasible > 0 && infeasible > 0,
        "{feasible} in reach, {infeasible} out of reach"
    );
}

#[test]
fn maximal_covering_honours_required_and_excluded_sites_brute_force() {
    let mut rng = Lcg(23);
    for case in 0..12 {
        let dir = tempfile::tempdir().expect("temp dir");
        let (s, region, reach) = random_case(dir.path(), &mut rng, "max_new = 3", false);
        let s = &s;
        let dc = yanglao::plan::day_care::plan(s, &region, &reach);
        check_honoured(s, &region, &dc);
        let (all, _) = subsets(s, &region);
        let best = all
            .iter()
            .filter(|(k, _)| *k <= 3)
            .map(|(_, c)| *c)
            .fold(0.0f64, f64::max);
        assert!(dc.new_sites <= 3, "case {case}");
        assert!((dc.covered_elderly - best).abs() < 1e-6, "case {case}");
        assert_eq!(dc.status, yanglao::solve::Status::Optimal, "case {case}");
        assert!(
            (dc.bound - best).abs() < 1e-6,
            "case {case}: bound {}",
            dc.bound
        );
    }
}

#[test]
fn budgeted_coverage_honours_required_and_excluded_sites_brute_force() {
    // Money for coverage sites beyond the required ones (which, like rule sites, are paid
    // first): the most elderly served by sites costing at most 70 万元.
    let mut rng = Lcg(37);
    for case in 0..12 {
        let dir = tempfile::tempdir().expect("temp dir");
        let (s, region, reach) = random_case(dir.path(), &mut rng, "", true);
        let s = &s;
        let dc = yanglao::plan::day_care::plan_with_money(s, &region, &reach, Some(70.0));
        check_honoured(s, &region, &dc);
        let (_, required) = subsets(s, &region);
        let price = |c: usize| yanglao::plan::day_care::site_cost(s, &region, c);
        let n = region.candidates.len();
        let mut best = 0.0f64;
        for mask in 0u32..(1 << n) {
            if required.iter().any(|&c| mask & (1 << c) == 0) {
                continue;
            }
            let spent: f64 = (0..n)
                .filter(|&c| mask & (1 << c) != 0 && !required.contains(&c))
                .map(price)
                .sum();
            if spent <= 70.0 + 1e-9 {
                best = best.max(served(s, &region, &reach, mask));
            }
        }
        assert!(
            (dc.covered_elderly - best).abs() < 1e-6,
            "case {case}: {} vs {best}",
            dc.covered_elderly
        );
        assert_eq!(dc.status, yanglao::solve::Status::Optimal, "case {case}");
        assert!(
            (dc.bound - best).abs() < 1e-6,
            "case {case}: bound {}",
            dc.bound
        );
    }
}

#[test]
fn p_median_forces_required_sites_and_leaves_excluded_ones_out_brute_force() {
    // Bed sites of the fixture: F01 (comprehensive, 40 beds), F02, F03 (institutions), F04
    // (day care, no beds: not a bed site), C02 and C03 (allow an institution).
    let dir = copy_fixture();
    fs::write(
        dir.path().join("d.csv"),
        "id,decision\nC03,required\nF02,excluded\n",
    )
    .expect("write");
    let run = yanglao(
        dir.path(),
        &[
            "solve",
            "pmedian",
            "scenario.toml",
            "--p",
            "2",
            "--decisions",
            "d.csv",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let sites: Vec<&str> = v["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert!(
        sites.contains(&"C03") && !sites.contains(&"F02"),
        "{sites:?}"
    );
    // Brute force over pairs holding C03, without F02: elderly × minutes to the nearest.
    let loaded = yanglao::io::load(&dir.path().join("scenario.toml")).expect("valid");
    let (s, region) = (&loaded.scenario, &loaded.region);
    let bed_sites: Vec<yanglao::model::SiteIdx> = yanglao::plan::beds::bed_sites(region)
        .into_iter()
        .filter(|&x| region.site(x).id() != "F02")
        .collect();
    let reach = yanglao::travel::nearest_k_limited(
        region,
        &s.travel,
        &bed_sites,
        bed_sites.len(),
        120.0,
        &s.limits,
    )
    .expect("travel");
    let c03 = bed_sites
        .iter()
        .position(|&x| region.site(x).id() == "C03")
        .expect("C03 is a bed site");
    let mut best = f64::INFINITY;
    for other in (0..bed_sites.len()).filter(|&k| k != c03) {
        let open = [bed_sites[c03], bed_sites[other]];
        let cost: f64 = reach
            .iter()
            .filter(|(v, _)| region.villages[v.get()].elderly > 0)
            .map(|(v, list)| {
                let m = list
                    .iter()
                    .filter(|r| open.contains(&r.site))
                    .map(|r| r.minutes)
                    .fold(f64::INFINITY, f64::min);
                f64::from(region.villages[v.get()].elderly) * m
            })
            .sum();
        best = best.min(cost);
    }
    let objective = v["objective"].as_f64().expect("objective");
    assert!(
        (objective - best).abs() <= 1e-6 * best.max(1.0),
        "{objective} vs brute force {best}"
    );
    assert_eq!(v["status"], "optimal");
}

#[test]
fn capacitated_p_median_forces_required_sites_and_leaves_excluded_ones_out() {
    let dir = copy_fixture();
    fs::write(
        dir.path().join("d.csv"),
        "id,decision\nC02,required\nF01,excluded\n",
    )
    .expect("write");
    let run = yanglao(
        dir.path(),
        &[
            "solve",
            "cpmp",
            "scenario.toml",
            "--p",
            "3",
            "--decisions",
            "d.csv",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let sites: Vec<&str> = v["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert!(
        sites.contains(&"C02") && !sites.contains(&"F01"),
        "{sites:?}"
    );
    assert_eq!(v["required_sites"], serde_json::json!(["C02"]));
}

#[test]
fn bed_actions_follow_required_and_excluded_institutions() {
    // F02 may not convert or expand; F03 converts all 80 ordinary beds and builds its 40 beds
    // of room in the first plan year; C03 (institution only) opens with its 150 beds then.
    let dir = copy_fixture();
    fs::write(
        dir.path().join("d.csv"),
        "id,decision\nF02,excluded\nF03,required\nC03,required\n",
    )
    .expect("write");
    let run = yanglao(
        dir.path(),
        &[
            "plan",
            "scenario.toml",
            "--out",
            "out",
            "--decisions",
            "d.csv",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = summary(dir.path(), "out");
    let years = v["beds"]["years"].as_array().expect("years");
    for y in years {
        for a in y["actions"].as_array().expect("actions") {
            assert_ne!(a["id"], "F02", "{a}");
        }
    }
    let first = years[0]["actions"].as_array().expect("actions");
    let f03 = first.iter().find(|a| a["id"] == "F03").expect("F03 acts");
    assert_eq!(f03["converted_beds"], 80);
    assert_eq!(f03["new_beds"], 40);
    let c03 = first.iter().find(|a| a["id"] == "C03").expect("C03 opens");
    assert_eq!(c03["kind"], "new_institution");
    assert_eq!(c03["new_beds"], 150);
    // 80 × 2 + 40 × 8 + 450 + 150 × 8 = 2,130 万元 forced; the rest is optimised.
    let beds = &v["beds"];
    assert_eq!(beds["status"], "optimal");
    assert!(beds["cost_wan"].as_f64().expect("cost") >= 2130.0);
    assert_eq!(beds["cost_wan"], beds["bound_wan"]);
}

#[test]
fn the_price_table_is_the_difference_of_separately_solved_plans() {
    let dir = copy_fixture();
    fs::write(
        dir.path().join("all.csv"),
        "编号,决定,年份\nC04,必建,2023\nF04,关闭,\n",
    )
    .expect("write");
    fs::write(dir.path().join("f04.csv"), "id,decision\nF04,excluded\n").expect("write");
    for (args, out) in [
        (vec!["--decisions", "all.csv"], "all"),
        (vec!["--decisions", "f04.csv"], "f04"),
        (vec![], "free"),
    ] {
        let mut a = vec!["plan", "scenario.toml", "--out", out];
        a.extend(args);
        let run = yanglao(dir.path(), &a);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let (all, f04, free) = (
        summary(dir.path(), "all"),
        summary(dir.path(), "f04"),
        summary(dir.path(), "free"),
    );
    let covered = |v: &serde_json::Value| v["day_care"]["covered_elderly"].as_f64().expect("n");
    let spent = |v: &serde_json::Value| v["budget"]["spent_wan"].as_f64().expect("n");
    let d = &all["decisions"];
    assert_eq!(d["list"][0]["id"], "C04");
    assert_eq!(d["list"][0]["year"], 2023);
    assert_eq!(d["free"]["covered_elderly"].as_f64(), Some(covered(&free)));
    assert_eq!(
        d["all"]["coverage_lost_elderly"].as_f64(),
        Some(covered(&free) - covered(&all))
    );
    assert_eq!(
        d["all"]["added_wan"].as_f64(),
        Some(spent(&all) - spent(&free))
    );
    let alone = &d["each"][1];
    assert_eq!(alone["id"], "F04");
    assert_eq!(
        alone["coverage_lost_elderly"].as_f64(),
        Some(covered(&free) - covered(&f04))
    );
    assert_eq!(
        alone["added_wan"].as_f64(),
        Some(spent(&f04) - spent(&free))
    );
    // Dropping F04 loses 六坝村 (310) unless a new site reaches it.
    assert!(covered(&f04) < covered(&free));
    // C04 opens by 2023 at the latest.
    let c04 = all["day_care"]["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .find(|s| s["id"] == "C04")
        .expect("C04 opens");
    assert!(c04["year"].as_i64().expect("year") <= 2023);
    let md = fs::read_to_string(dir.path().join("all/scenario/report.md")).expect("report.md");
    assert!(md.contains("决定的代价"), "{md}");
    let html = fs::read_to_string(dir.path().join("all/scenario/report.html")).expect("html");
    assert!(html.contains("id=\"decisions\""));

    // The workbook's sheet holds the same prices as numbers.
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> =
        open_workbook(dir.path().join("all/scenario/report.xlsx")).expect("report.xlsx");
    let sheet = book
        .worksheet_range("决定的代价")
        .expect("the decisions sheet");
    let num = |d: &Data| match d {
        Data::Float(x) => *x,
        other => panic!("a number, not {other:?}"),
    };
    let row = |label: &str| {
        sheet
            .rows()
            .find(|r| matches!(&r[0], Data::String(s) if s == label))
            .unwrap_or_else(|| panic!("row {label}"))
            .to_vec()
    };
    for (label, entry) in [("全部决定", &d["all"]), ("F04", alone)] {
        let r = row(label);
        let lost = entry["coverage_lost_elderly"].as_f64().expect("lost");
        let added = entry["added_wan"].as_f64().expect("added");
        assert_eq!(num(&r[3]), lost.round(), "{label}");
        assert!((num(&r[5]) - added).abs() < 1e-3, "{label}");
    }
    assert_eq!(num(&row("无决定")[2]), covered(&free).round());
}

fn rejected(scenario_extra: &str, csv: Option<&str>) -> String {
    rejected_with(|t| t + scenario_extra, csv)
}

fn rejected_with(edit: impl Fn(String) -> String, csv: Option<&str>) -> String {
    let dir = copy_fixture();
    let path = dir.path().join("scenario.toml");
    let text = fs::read_to_string(&path).expect("scenario");
    fs::write(&path, edit(text)).expect("write");
    let mut args = vec!["plan", "scenario.toml", "--out", "out"];
    if let Some(csv) = csv {
        fs::write(dir.path().join("d.csv"), csv).expect("write");
        args.extend(["--decisions", "d.csv"]);
    }
    let run = yanglao(dir.path(), &args);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!dir.path().join("out/scenario").exists());
    run.stderr
}

#[test]
fn contradictory_and_unknown_decisions_are_located_errors() {
    // The fixture's scenario has 40 lines; the section starts on line 42.
    let e = rejected(
        "\n[decisions]\nrequired = [\"C01\"]\nexcluded = [\"C04\", \"C01\"]\n",
        None,
    );
    assert!(e.contains("scenario.toml:44:20"), "{e}");
    assert!(e.contains("both required and excluded"), "{e}");
    let e = rejected("", Some("id,decision\nC01,required\nX99,excluded\n"));
    assert!(e.contains("d.csv:3:1"), "{e}");
    assert!(e.contains("unknown id \"X99\""), "{e}");
    let e = rejected("", Some("id,decision,year\nC01,required,2030\n"));
    assert!(
        e.contains("d.csv:2:1") && e.contains("not a plan year"),
        "{e}"
    );
    let e = rejected("", Some("id,decision\nC01,required\nC01,excluded\n"));
    assert!(
        e.contains("d.csv:3:2") && e.contains("contradictory"),
        "{e}"
    );
    // The same verdict twice with two years: the year cell is named.
    let e = rejected(
        "",
        Some("id,decision,year\nC04,required,2023\nC04,required,2025\n"),
    );
    assert!(
        e.contains("d.csv:3:3") && e.contains("contradictory years"),
        "{e}"
    );
    // An institution candidate opens in the first plan year: a year there is an error.
    let e = rejected("", Some("id,decision,year\nC03,required,2024\n"));
    assert!(
        e.contains("d.csv:2:1") && e.contains("required day-care candidate"),
        "{e}"
    );
    // With max_new = 1 the second required day-care candidate is one too many.
    let e = rejected_with(
        |t| t.replace("max_new = 3", "max_new = 1"),
        Some("id,decision\nC01,required\nF04,required\nC04,required\n"),
    );
    assert!(e.contains("d.csv:4:1") && e.contains("max_new = 1"), "{e}");
}

/// Runs `yanglao plan` in `dir` with `args` (a run may miss targets: exit 0 or 1) and reads
/// the summary at `summary` (relative to `dir`).
fn plan_summary(dir: &Path, args: &[&str], summary: &str) -> serde_json::Value {
    let mut all = vec!["plan"];
    all.extend_from_slice(args);
    let run = yanglao(dir, &all);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let text = fs::read_to_string(dir.join(summary)).expect("summary");
    serde_json::from_str(&text).expect("JSON")
}

/// An excluded institution is not upgraded to a comprehensive centre by the township rule:
/// the township share counts only the centres the decisions allow.
#[test]
fn an_excluded_institution_is_never_upgraded_for_the_rules() {
    let dir = copy_fixture();
    fs::write(
        dir.path().join("v.csv"),
        "id,decision\nC02,excluded\nC04,excluded\nF03,关闭\n",
    )
    .expect("write");
    let s = plan_summary(
        dir.path(),
        &["scenario.toml", "--decisions", "v.csv", "--out", "o"],
        "o/scenario/summary.json",
    );
    let sites = common::csv_rows(&dir.path().join("o/scenario/sites.csv"));
    assert!(
        sites.iter().all(|s| s["id"] != "F03"),
        "F03 is excluded: {sites:?}"
    );
    // The rule is met by upgrading another facility, which names the rule it serves.
    let upgraded: Vec<_> = sites.iter().filter(|s| s["status"] == "upgraded").collect();
    assert!(!upgraded.is_empty(), "{sites:?}");
    assert!(
        upgraded
            .iter()
            .all(|s| s["reason"] == "township" || s["reason"] == "street"),
        "{upgraded:?}"
    );
    let upgrades = s["day_care"]["upgrades"].as_array().expect("upgrades");
    assert!(
        upgrades.iter().all(|u| u["id"] != "F03"),
        "F03 is not upgraded: {upgrades:?}"
    );
}

/// Rule sites and required sites beyond `max_new`: the plan opens them and says so, and its
/// status is infeasible, never optimal; `solve mclp --p` agrees.
#[test]
fn forced_sites_beyond_max_new_make_the_plan_infeasible() {
    let dir = copy_fixture();
    let scenario = fs::read_to_string(dir.path().join("scenario.toml")).expect("read");
    assert!(scenario.contains("max_new = 3"));
    fs::write(
        dir.path().join("mn1.toml"),
        scenario.replace("max_new = 3", "max_new = 1"),
    )
    .expect("write");
    // C01 lies in 洪水街道, which has its centre, so the township share still needs a site
    // of its own beside it: two forced sites.
    fs::write(dir.path().join("c04.csv"), "id,decision\nC01,required\n").expect("write");
    let s = plan_summary(
        dir.path(),
        &["mn1.toml", "--decisions", "c04.csv", "--out", "o"],
        "o/mn1/summary.json",
    );
    let dc = &s["day_care"];
    assert!(dc["new_sites"].as_u64().is_some_and(|n| n > 1), "{dc}");
    assert_eq!(dc["status"], "infeasible", "{dc}");
    assert!(
        dc["shortfalls"]
            .as_array()
            .expect("shortfalls")
            .iter()
            .any(|f| f["rule"] == "max_new"),
        "{dc}"
    );
    let solve = yanglao(
        dir.path(),
        &[
            "solve",
            "mclp",
            "scenario.toml",
            "--p",
            "1",
            "--decisions",
            "c04.csv",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&solve.stdout).expect("JSON");
    assert_ne!(v["status"], "optimal", "{v}");
}

/// Requiring a site the free plan opens anyway costs nothing: 晋江's proven 29-site plan
/// stays proven with C00007 required (the joint rules-and-coverage program takes required
/// sites as open).
#[test]
fn requiring_a_site_the_free_plan_opens_costs_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed = root.join("seeds/jinjiang.toml");
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("d.csv"), "id,decision\nC00007,required\n").expect("write");
    let s = plan_summary(
        dir.path(),
        &[
            seed.to_str().expect("UTF-8"),
            "--decisions",
            "d.csv",
            "--out",
            "o",
        ],
        "o/jinjiang/summary.json",
    );
    let free = &s["decisions"]["free"];
    assert_eq!(
        s["day_care"]["new_sites"], free["new_sites"],
        "as many sites as the free plan: {free}"
    );
    let each = &s["decisions"]["each"][0];
    assert_eq!(each["id"], "C00007");
    assert_eq!(each["added_wan"].as_f64(), Some(0.0), "{each}");
    assert_eq!(each["coverage_lost_elderly"].as_f64(), Some(0.0), "{each}");
    assert_eq!(s["day_care"]["status"], free["day_care_status"], "{s}");
}

/// A required site with a year stays in that year under yearly budgets that cannot pay for
/// it: the overrun is flagged, the site is not moved past its year.
#[test]
fn a_required_year_holds_under_yearly_budgets() {
    let dir = copy_fixture();
    let scenario = fs::read_to_string(dir.path().join("scenario.toml")).expect("read");
    fs::write(
        dir.path().join("y.toml"),
        format!("{scenario}\n[budget]\nper_year = {{ 2021 = 0, 2022 = 0, 2023 = 0 }}\n"),
    )
    .expect("write");
    fs::write(
        dir.path().join("c04.csv"),
        "id,decision,year\nC04,required,2023\n",
    )
    .expect("write");
    let s = plan_summary(
        dir.path(),
        &["y.toml", "--decisions", "c04.csv", "--out", "o"],
        "o/y/summary.json",
    );
    let c04 = s["day_care"]["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .find(|x| x["id"] == "C04")
        .cloned()
        .expect("C04 opens");
    assert!(c04["year"].as_i64().is_some_and(|y| y <= 2023), "{c04}");
    assert!(
        s["budget"]["overrun_per_year_wan"]
            .as_object()
            .is_some_and(|o| !o.is_empty()),
        "{}",
        s["budget"]
    );
}

#[test]
fn plans_without_the_curve_agree_with_the_curve() {
    // Without the curve the day-care step solves only the budget or the target asked; with
    // it, every budget. Same count where a target is proven, same coverage where a budget is,
    // never more sites for a budget (none that adds nothing), with and without decisions.
    use yanglao::solve::Status;
    let objectives = [
        "coverage = 0.9\nmax_new = 2",
        "coverage = 0.8",
        "max_new = 3",
        "max_new = 40",
        "coverage = 1.0",
        "coverage = 0.95\nmax_new = 30",
        "coverage = 1.0\nexclude_unreachable = false\nmax_new = 1",
    ];
    let mut rng = Lcg(41);
    for case in 0..28 {
        let objective = objectives[case % objectives.len()];
        let dir = tempfile::tempdir().expect("temp dir");
        let (s, mut region, mut reach) = random_case(dir.path(), &mut rng, objective, false);
        if case % 2 == 1 {
            // A village out of every site's reach, so that full coverage cannot be met.
            let mut far = region.villages[0].clone();
            far.id = "far".into();
            far.pos.lon += 3.0;
            region.villages.push(far);
            reach = yanglao::travel::reach_limited(&region, &s.travel, &s.limits).expect("travel");
        }
        let direct = yanglao::plan::day_care::plan(&s, &region, &reach);
        let mut whole = s.clone();
        whole.day_care.curve = true;
        let curve = yanglao::plan::day_care::plan(&whole, &region, &reach);
        let label = format!("case {case} ({objective})");
        if let Some(m) = s.day_care.max_new {
            assert!(direct.new_sites <= m, "{label}: {} sites", direct.new_sites);
        }
        assert_eq!(direct.objective, curve.objective, "{label}");
        assert_eq!(direct.status, curve.status, "{label}");
        let proven = curve.status == Status::Optimal;
        if direct.objective == yanglao::plan::day_care::Objective::NewSites {
            if proven {
                assert_eq!(direct.new_sites, curve.new_sites, "{label}");
            }
            if let Some(share) = s.day_care.coverage.filter(|_| proven) {
                assert!(
                    direct.covered_elderly >= share * direct.total_elderly - 1e-6,
                    "{label}"
                );
            }
        } else {
            if proven {
                assert!(
                    (direct.covered_elderly - curve.covered_elderly).abs() < 1e-6,
                    "{label}"
                );
            }
            assert!(direct.new_sites <= curve.new_sites, "{label}");
        }
        // Each bound holds for the other's answer.
        if direct.objective == yanglao::plan::day_care::Objective::NewSites {
            assert!(direct.bound <= f64::from(curve.new_sites) + 1e-9, "{label}");
            assert!(curve.bound <= f64::from(direct.new_sites) + 1e-9, "{label}");
        } else {
            assert!(direct.bound >= curve.covered_elderly - 1e-6, "{label}");
            assert!(curve.bound >= direct.covered_elderly - 1e-6, "{label}");
        }
    }
}

#[test]
fn a_target_out_of_reach_keeps_the_site_budget_without_the_curve() {
    // 民乐 with one village far from every site, so full coverage is out of reach; with one
    // new site allowed the plan opens one, with or without the curve.
    let loaded = yanglao::io::load(Path::new("seeds/minle.toml")).expect("bundled seed");
    let mut s = loaded.scenario;
    let mut region = s.decisions.apply(&loaded.region, s.day_care.serving);
    let mut far = region.villages[0].clone();
    far.id = "far".into();
    far.pos.lon += 3.0;
    region.villages.push(far);
    let reach = yanglao::travel::reach_limited(&region, &s.travel, &s.limits).expect("travel");
    let dc = &mut s.day_care;
    dc.targets.clear();
    dc.coverage = Some(1.0);
    dc.exclude_unreachable = false;
    dc.per_street = 0;
    dc.per_county = 0;
    dc.township_share = None;
    dc.max_new = Some(1);
    for curve in [false, true] {
        s.day_care.curve = curve;
        let plan = yanglao::plan::day_care::plan(&s, &region, &reach);
        assert!(
            plan.new_sites <= 1,
            "curve {curve}: {} new sites",
            plan.new_sites
        );
        assert_eq!(
            plan.status,
            yanglao::solve::Status::Infeasible,
            "curve {curve}"
        );
        assert!(
            plan.unreachable_elderly > 0.0,
            "the case needs unreachable villages"
        );
    }
}
