//! Every 是/否 of every seed recomputed from the output files alone: the region's data, the
//! scenario, `proposals.csv`, `villages.csv` and the definitions recorded in `summary.json`.
//! None of the crate's planning or indicator code is used: beds are summed from the CSVs,
//! actions applied by year, townships classed by their statistical codes, and each verdict
//! compared with the one `summary.json`, `report.md` and `report.html` print.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;

use common::{csv_rows as rows, yanglao};

const SEEDS: [&str; 5] = ["minle", "jianghai", "jinjiang", "taizhou", "fujian"];
const TYPES: [&str; 4] = ["day_care", "station", "comprehensive", "institution"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn num(row: &BTreeMap<String, String>, key: &str) -> f64 {
    row.get(key)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map_or(0.0, |s| s.parse().unwrap_or_else(|_| panic!("{key}: {s}")))
}

/// Beds, nursing beds, public beds and added beds per facility type.
#[derive(Clone, Copy, Default, Debug)]
struct Stock {
    beds: f64,
    nursing: f64,
    public: f64,
    added: f64,
}

fn type_index(t: &str) -> usize {
    TYPES
        .iter()
        .position(|x| *x == t)
        .unwrap_or_else(|| panic!("type {t}"))
}

/// The type set of a definition in summary.json.
fn set_of(v: &serde_json::Value) -> Vec<usize> {
    v.as_array()
        .expect("a list of types")
        .iter()
        .map(|t| type_index(t.as_str().expect("a type")))
        .collect()
}

/// The kind of a township-level unit, written out from the statistical code rules (name
/// suffix first, then digits 7–9): 'S' street, 'T' town, 'X' 乡, 'O' other.
fn township_kind(name: &str, code: &str) -> char {
    if name.ends_with("街道") || name.ends_with("街道办事处") {
        return 'S';
    }
    if name.ends_with('镇') {
        return 'T';
    }
    if name.ends_with('乡') {
        return 'X';
    }
    match code.get(6..9).and_then(|d| d.parse::<u32>().ok()) {
        Some(1..=99) if code.len() == 12 => 'S',
        Some(100..=199) if code.len() == 12 => 'T',
        Some(200..=399) if code.len() == 12 => 'X',
        _ => 'O',
    }
}

fn holds(target: &serde_json::Value, have: f64, whole: f64) -> bool {
    let value = target["value"].as_f64().expect("value");
    let need = value * whole;
    if target["strict"].as_bool().expect("strict") {
        have > need + 1e-6
    } else {
        have >= need - 1e-6
    }
}

/// The 是/否/— column of the indicator table in a report, in row order.
fn verdicts_md(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in md.lines() {
        if line.starts_with("| 指标 |") {
            inside = true;
            continue;
        }
        if inside {
            if !line.starts_with('|') {
                break;
            }
            if line.starts_with("|---") {
                continue;
            }
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            out.push(cells.last().expect("a cell").to_string());
        }
    }
    out
}

fn verdicts_html(html: &str) -> Vec<String> {
    let start = html
        .find("<table id=\"indicators\"")
        .expect("indicator table");
    let end = start + html[start..].find("</table>").expect("table end");
    let text_of = |cell: &str| -> String {
        cell.split('>')
            .filter_map(|p| p.split('<').next())
            .collect::<String>()
            .trim()
            .to_owned()
    };
    html[start..end]
        .split("<tr>")
        .skip(1)
        .filter(|row| row.contains("<td"))
        .map(|row| {
            let last = row.rfind("<td").expect("a cell");
            let cell = &row[last..];
            text_of(&cell[..cell.find("</td>").expect("cell end")])
        })
        .collect()
}

fn word(met: &serde_json::Value) -> &'static str {
    match met.as_bool() {
        Some(true) => "是",
        Some(false) => "否",
        None => "—",
    }
}

#[test]
fn every_seed_verdict_recomputed_from_the_output_files() {
    let out = tempfile::tempdir().expect("temp dir");
    let mut args: Vec<String> = vec!["plan".into(), "--quiet".into()];
    for s in SEEDS {
        args.push(
            root()
                .join("seeds")
                .join(format!("{s}.toml"))
                .display()
                .to_string(),
        );
    }
    args.push("--out".into());
    args.push(out.path().display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = yanglao(&root(), &args);
    assert_eq!(run.code, 0, "{}", run.stderr);

    for seed in SEEDS {
        let dir = out.path().join(seed);
        let summary: serde_json::Value = serde_json::from_str(
            &fs::read_to_string(dir.join("summary.json")).expect("summary.json"),
        )
        .expect("JSON");
        let scenario: toml::Value = toml::from_str(
            &fs::read_to_string(root().join("seeds").join(format!("{seed}.toml")))
                .expect("scenario"),
        )
        .expect("TOML");
        let data = root().join("data").join(seed);
        let base_year = scenario["base_year"].as_integer().expect("base_year") as i32;
        let growth = scenario
            .get("elderly_growth")
            .and_then(|g| g.as_float())
            .unwrap_or(0.0);
        let defs = &summary["indicator_definitions"]["beds"];

        let villages = rows(&data.join("villages.csv"));
        let elderly0: f64 = villages.iter().map(|v| num(v, "elderly")).sum();
        let facilities = rows(&data.join("facilities.csv"));
        let proposals = rows(&dir.join("proposals.csv"));
        let kind_of: BTreeMap<&str, usize> = facilities
            .iter()
            .map(|f| (f["id"].as_str(), type_index(&f["type"])))
            .collect();
        let public_of: BTreeMap<&str, bool> = facilities
            .iter()
            .map(|f| (f["id"].as_str(), f["public"].trim() == "true"))
            .collect();
        let stock_by = |year: i32| -> [Stock; 4] {
            let mut s = [Stock::default(); 4];
            for f in &facilities {
                let t = &mut s[type_index(&f["type"])];
                t.beds += num(f, "beds");
                t.nursing += num(f, "nursing_beds");
                if f["public"].trim() == "true" {
                    t.public += num(f, "beds");
                }
            }
            for p in &proposals {
                let y: i32 = p["year"].parse().expect("year");
                if y > year {
                    continue;
                }
                let (new, conv, desig) = (
                    num(p, "new_beds"),
                    num(p, "converted_beds"),
                    num(p, "designated_beds"),
                );
                let (g, public) = match p["type"].as_str() {
                    "new_institution" => (3, true),
                    "convert" | "expand" | "designate_public" => {
                        let id = p["id"].as_str();
                        (kind_of[id], public_of[id])
                    }
                    _ => continue,
                };
                let t = &mut s[g];
                t.beds += new;
                t.added += new;
                t.nursing += new + conv;
                t.public += desig + if public { new } else { 0.0 };
            }
            s
        };
        let sum = |s: &[Stock; 4], set: &[usize], f: fn(&Stock) -> f64| -> f64 {
            set.iter().map(|&g| f(&s[g])).sum()
        };

        // Township-level units and counties, from the villages file.
        let mut units: BTreeMap<String, (char, String)> = BTreeMap::new();
        for v in &villages {
            units.entry(v["township"].clone()).or_insert_with(|| {
                (
                    township_kind(&v["township"], &v["id"]),
                    v["id"].get(..6).unwrap_or("").to_owned(),
                )
            });
        }
        let centres_by = |year: i32| -> BTreeMap<String, u32> {
            let mut have: BTreeMap<String, u32> = BTreeMap::new();
            for f in facilities.iter().filter(|f| f["type"] == "comprehensive") {
                *have.entry(f["township"].clone()).or_default() += 1;
            }
            for p in &proposals {
                let y: i32 = p["year"].parse().expect("year");
                if y <= year && matches!(p["type"].as_str(), "comprehensive" | "upgrade") {
                    *have.entry(p["township"].clone()).or_default() += 1;
                }
            }
            have
        };

        let rows_json = summary["indicators"]["rows"].as_array().expect("rows");
        let mut expected: Vec<&'static str> = Vec::new();
        for r in rows_json {
            let year = r["year"].as_i64().expect("year") as i32;
            let target = &r["target"];
            let indicator = r["indicator"].as_str().expect("indicator");
            let elderly = elderly0 * (1.0 + growth).powi(year - base_year);
            let s = stock_by(year);
            let recomputed: Option<bool> = if target.is_null() {
                None
            } else {
                Some(match indicator {
                    "beds_per_1000" => holds(
                        target,
                        sum(&s, &set_of(&defs["beds_per_1000"]), |t| t.beds),
                        elderly / 1000.0,
                    ),
                    "nursing_per_1000" => holds(
                        target,
                        sum(&s, &set_of(&defs["nursing_per_1000"]), |t| t.nursing),
                        elderly / 1000.0,
                    ),
                    "nursing_share" => {
                        let set = set_of(&defs["nursing_share"]);
                        holds(
                            target,
                            sum(&s, &set, |t| t.nursing),
                            sum(&s, &set, |t| t.beds),
                        )
                    }
                    "public_share" => {
                        let set = set_of(&defs["public_share"]);
                        holds(
                            target,
                            sum(&s, &set, |t| t.public),
                            sum(&s, &set, |t| t.beds),
                        )
                    }
                    "new_beds" => holds(
                        target,
                        sum(&s, &set_of(&defs["new_beds"]), |t| t.added),
                        1.0,
                    ),
                    "coverage" => {
                        // Final year: elderly served per villages.csv over the denominator.
                        assert_eq!(
                            year,
                            *summary["scenario"]["years"]
                                .as_array()
                                .expect("years")
                                .last()
                                .expect("a year")
                                .as_i64()
                                .as_ref()
                                .expect("year") as i32
                        );
                        let urban_only = scenario
                            .get("day_care")
                            .and_then(|d| d.get("scope"))
                            .and_then(|s| s.as_str())
                            == Some("urban");
                        // Served people: everyone within reach, or up to the centres'
                        // places where they have them.
                        let covered: f64 = rows(&dir.join("villages.csv"))
                            .iter()
                            .filter(|v| !urban_only || v["kind"] == "urban")
                            .map(|v| num(v, "served"))
                            .sum();
                        let total = summary["day_care"]["total_elderly"]
                            .as_f64()
                            .expect("total");
                        holds(target, covered, total)
                    }
                    "township_share" => {
                        let have = centres_by(year);
                        let real: Vec<&String> = units
                            .iter()
                            .filter(|(_, k)| k.0 != 'O')
                            .map(|(n, _)| n)
                            .collect();
                        let with = real
                            .iter()
                            .filter(|t| have.get(t.as_str()).copied().unwrap_or(0) > 0)
                            .count();
                        holds(target, with as f64, real.len() as f64)
                    }
                    "per_street" => {
                        let have = centres_by(year);
                        let min = scenario["day_care"]["per_street"].as_integer().expect("n");
                        units
                            .iter()
                            .filter(|(_, k)| k.0 == 'S')
                            .all(|(t, _)| i64::from(have.get(t).copied().unwrap_or(0)) >= min)
                    }
                    "per_county" => {
                        let have = centres_by(year);
                        let min = scenario["day_care"]["per_county"].as_integer().expect("n");
                        let mut by_county: BTreeMap<&str, i64> = BTreeMap::new();
                        for (t, (k, county)) in &units {
                            if *k == 'T' || *k == 'X' {
                                *by_county.entry(county.as_str()).or_default() +=
                                    i64::from(have.get(t).copied().unwrap_or(0));
                            }
                        }
                        by_county.values().all(|n| *n >= min)
                    }
                    other => panic!("{seed}: unknown indicator {other}"),
                })
            };
            assert_eq!(
                r["met"].as_bool(),
                recomputed,
                "{seed} {indicator} {year}: summary says {}, the files say {recomputed:?}",
                r["met"]
            );
            expected.push(word(&r["met"]));
        }
        if seed == "taizhou" {
            // At least 3 regional centres in each of the 6 市（区）.
            let row = rows_json
                .iter()
                .find(|r| r["indicator"] == "per_county")
                .expect("a per-county row");
            assert_eq!(
                (row["numerator"].clone(), row["denominator"].clone()),
                (6.0.into(), 6.0.into())
            );
        }
        if seed == "fujian" {
            // 新增各类养老床位不少于5万张 by 2025, counted from the proposals.
            let added: f64 = stock_by(2025).iter().map(|t| t.added).sum();
            assert!(added >= 50_000.0, "福建 adds {added} beds");
        }
        let md = fs::read_to_string(dir.join("report.md")).expect("report.md");
        assert_eq!(verdicts_md(&md), expected, "{seed}: report.md");
        let html = fs::read_to_string(dir.join("report.html")).expect("report.html");
        assert_eq!(verdicts_html(&html), expected, "{seed}: report.html");
        // Every seed target is met under the plans' definitions, except where a shortfall
        // says why.
        let short: BTreeSet<String> = summary["beds"]["shortfalls"]
            .as_array()
            .expect("shortfalls")
            .iter()
            .map(|s| s["target"].as_str().expect("target").to_owned())
            .collect();
        for r in rows_json.iter().filter(|r| r["met"] == false) {
            let key = r["indicator"].as_str().expect("indicator");
            assert!(
                short.contains(key)
                    || summary["day_care"]["shortfalls"]
                        .as_array()
                        .expect("shortfalls")
                        .iter()
                        .any(|s| s["rule"] == key),
                "{seed}: {key} {} missed without a stated shortfall",
                r["year"]
            );
        }
    }
}
