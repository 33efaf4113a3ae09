//! `yanglao batch`: folders of scenarios, sweeps expanded into named runs, failures reported
//! while the rest completes, and the same bytes whatever `-j`.

mod common;

use std::fs;
use std::path::Path;

use common::{copy_fixture, yanglao};

/// The fixture with a sweep over the time limit and the budget: 2 × 2 runs, named
/// `<stem>@minutes=…+max_new=…` (the first axis varies slowest).
fn swept(dir: &Path) {
    let s = fs::read_to_string(dir.join("scenario.toml")).expect("scenario");
    fs::write(
        dir.join("scenario.toml"),
        format!("{s}\n[sweep]\n\"travel.minutes\" = [10, 15]\n\"day_care.max_new\" = [1, 3]\n"),
    )
    .expect("write");
}

/// Every file under `dir`, as (relative path, bytes), sorted; `summary.json` without its
/// wall-clock `timings`.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for run in fs::read_dir(dir).expect("output folder") {
        let run = run.expect("entry").path();
        for f in fs::read_dir(&run).expect("run folder") {
            let f = f.expect("entry").path();
            let mut bytes = fs::read(&f).expect("readable");
            if f.file_name().is_some_and(|n| n == "summary.json") {
                let mut v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
                v.as_object_mut().expect("object").remove("timings");
                bytes = serde_json::to_vec(&v).expect("JSON");
            }
            let name = f
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            out.push((name, bytes));
        }
    }
    out.sort();
    out
}

#[test]
fn sweeps_expand_into_named_runs_and_failures_do_not_stop_the_batch() {
    let root = tempfile::tempdir().expect("temp dir");
    let good = copy_fixture();
    swept(good.path());
    let scenarios = root.path().join("scenarios");
    fs::create_dir(&scenarios).expect("mkdir");
    // Two scenario files in one folder: the swept one, and one whose data folder is missing.
    let text = fs::read_to_string(good.path().join("scenario.toml")).expect("scenario");
    let data = good.path().to_str().expect("UTF-8 path");
    fs::write(
        scenarios.join("a.toml"),
        text.replace("data = \".\"", &format!("data = {data:?}")),
    )
    .expect("write");
    fs::write(
        scenarios.join("b.toml"),
        text.replace("data = \".\"", "data = \"no-such-folder\""),
    )
    .expect("write");
    let run = yanglao(
        root.path(),
        &["batch", "scenarios", "--out", "out", "--quiet"],
    );
    assert_eq!(
        run.code, 1,
        "one failed run makes the exit code 1: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("b (scenarios/b.toml)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("data folder does not exist"),
        "{}",
        run.stderr
    );
    let mut runs: Vec<String> = fs::read_dir(root.path().join("out"))
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    runs.sort();
    assert_eq!(
        runs,
        vec![
            "a@minutes=10+max_new=1",
            "a@minutes=10+max_new=3",
            "a@minutes=15+max_new=1",
            "a@minutes=15+max_new=3",
            "batch-summary",
        ]
    );
    let png = fs::read(root.path().join("out/batch-summary/comparison.png")).expect("chart");
    assert!(png.starts_with(b"\x89PNG"), "the comparison chart is a PNG");
    let svg =
        fs::read_to_string(root.path().join("out/batch-summary/comparison.svg")).expect("svg");
    assert!(
        svg.contains("a@minutes=15+max_new=3"),
        "every run is labelled"
    );
    let csv = fs::read_to_string(root.path().join("out/batch-summary/batch.csv")).expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 5, "header, four runs, one failure:\n{csv}");
    assert!(lines[1].starts_with("a@minutes=10+max_new=1,"));
    assert!(lines[5].starts_with("b,"));
    assert!(lines[5].contains(",failed,"));
    let summary: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(root.path().join("out/a@minutes=15+max_new=3/summary.json"))
            .expect("run"),
    )
    .expect("JSON");
    assert_eq!(summary["scenario"]["travel_minutes"], 15.0);
}

#[test]
fn same_bytes_for_one_job_and_many() {
    let dir = copy_fixture();
    swept(dir.path());
    let one = yanglao(
        dir.path(),
        &[
            "batch",
            "scenario.toml",
            "--out",
            "one",
            "-j",
            "1",
            "--quiet",
        ],
    );
    let many = yanglao(
        dir.path(),
        &[
            "batch",
            "scenario.toml",
            "--out",
            "many",
            "-j",
            "4",
            "--quiet",
        ],
    );
    assert_eq!(
        (one.code, many.code),
        (0, 0),
        "{} {}",
        one.stderr,
        many.stderr
    );
    let a = tree(&dir.path().join("one"));
    let b = tree(&dir.path().join("many"));
    assert_eq!(a.len(), b.len());
    assert!(a.len() > 4 * 3, "every run wrote its files");
    for ((na, ba), (nb, bb)) in a.iter().zip(&b) {
        assert_eq!(na, nb);
        assert!(ba == bb, "{na} differs between -j 1 and -j 4");
    }
}

#[test]
fn bad_sweeps_are_located() {
    let dir = copy_fixture();
    let s = fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario");
    fs::write(
        dir.path().join("scenario.toml"),
        format!("{s}\n[sweep]\n\"travel.minuts\" = [10]\n\"day_care.coverage\" = [0.5, 1.5]\n"),
    )
    .expect("write");
    let run = yanglao(dir.path(), &["check", "scenario.toml"]);
    assert_eq!(run.code, 2);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "scenario.toml:43:1: 「sweep.travel.minuts」不能扫描（是否想写「travel.minutes」？） / \"sweep.travel.minuts\" cannot be swept (did you mean \"travel.minutes\"?)",
            "scenario.toml:44:29: 「sweep.day_care.coverage」的取值应在 0 到 1 之间：1.5 / \"sweep.day_care.coverage\" values must be between 0 and 1: 1.5",
        ]
    );
}

#[test]
fn lang_reaches_every_run_and_the_comparison() {
    let dir = copy_fixture();
    let run = yanglao(
        dir.path(),
        &[
            "batch",
            "scenario.toml",
            "--out",
            "out",
            "--quiet",
            "--lang",
            "en",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let svg = fs::read_to_string(dir.path().join("out/batch-summary/comparison.svg")).expect("svg");
    assert!(svg.contains("Runs compared"), "English chart title");
    let md = fs::read_to_string(dir.path().join("out/scenario/report.md")).expect("report");
    let zh = fs::read_to_string({
        let other = copy_fixture();
        let r = yanglao(
            other.path(),
            &["batch", "scenario.toml", "--out", "out", "--quiet"],
        );
        assert_eq!(r.code, 0);
        let p = other.path().join("out/scenario/report.md");
        let copy = dir.path().join("zh-report.md");
        fs::copy(p, &copy).expect("copy");
        copy
    })
    .expect("report");
    assert_ne!(md, zh, "the English report differs from the Chinese one");
}

/// The batch rows of `batch.csv`, which must start with a byte-order mark, as (run, field)
/// lookups.
fn batch_rows(out: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let path = out.join("batch-summary/batch.csv");
    let bytes = fs::read(&path).expect("batch.csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM");
    common::csv_rows(&path)
}

#[test]
fn a_sweep_run_that_misses_its_target_never_reads_ok() {
    // With 2 minutes no site reaches 90 % of the elderly: the day-care part is infeasible
    // and its target missed; with 15 minutes everything holds (see tests/plan.rs).
    let dir = copy_fixture();
    let s = fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario");
    fs::write(
        dir.path().join("scenario.toml"),
        format!("{s}\n[sweep]\n\"travel.minutes\" = [2, 15]\n"),
    )
    .expect("write");
    let run = yanglao(dir.path(), &["batch", "scenario.toml", "--out", "out"]);
    assert_eq!(
        run.code, 0,
        "a missed target is not a failed run: {}",
        run.stderr
    );
    let rows = batch_rows(&dir.path().join("out"));
    assert_eq!(rows[0]["run"], "scenario@minutes=2");
    assert_eq!(rows[0]["status"], "missed");
    assert_eq!(rows[0]["day_care_status"], "infeasible");
    assert_eq!(rows[0]["day_care_targets_met"], "false");
    assert_eq!(rows[1]["status"], "ok");
    let md = &run.stdout;
    let line = md
        .lines()
        .find(|l| l.starts_with("| scenario@minutes=2 "))
        .expect("row");
    assert!(line.contains("未达标 missed"), "{line}");
    assert!(
        line.contains("无可行解 infeasible · 未达标 missed"),
        "{line}"
    );
    assert!(!line.contains("ok"), "{line}");
}

#[test]
fn a_row_shows_an_infeasible_bed_plan_beside_an_optimal_day_care_plan() {
    // 900 beds per 1000 elderly cannot be built within the sites' ceilings.
    let dir = copy_fixture();
    let s = fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario");
    fs::write(
        dir.path().join("scenario.toml"),
        s.replace("beds_per_1000 = 45", "beds_per_1000 = 900"),
    )
    .expect("write");
    let run = yanglao(dir.path(), &["batch", "scenario.toml", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = batch_rows(&dir.path().join("out"));
    assert_eq!(rows[0]["status"], "missed");
    assert_eq!(rows[0]["day_care_status"], "optimal");
    assert_eq!(rows[0]["beds_status"], "infeasible");
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("| scenario "))
        .expect("row");
    assert!(
        line.contains("| 最优 optimal · 达标 met | 无可行解 infeasible · 未达标 missed |"),
        "{line}"
    );
    // Total and in-scope elderly are two columns: 2,390 in the six villages.
    assert_eq!(rows[0]["elderly_total"], "2390");
    assert!(!rows[0]["elderly_in_scope"].is_empty());
}

#[test]
fn a_budget_sweep_is_one_run_per_budget_in_the_comparison() {
    let dir = copy_fixture();
    let s = fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario");
    fs::write(
        dir.path().join("scenario.toml"),
        s.replace("[costs]", "[budget]\nsweep = [100, 30]\n\n[costs]"),
    )
    .expect("write");
    let run = yanglao(
        dir.path(),
        &["batch", "scenario.toml", "--out", "out", "--quiet"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let csv = fs::read_to_string(dir.path().join("out/batch-summary/batch.csv")).expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].starts_with("scenario@total=30,"), "{csv}");
    assert!(lines[2].starts_with("scenario@total=100,"), "{csv}");
    // Each run plans at its own budget and sweeps no further.
    let summary: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(dir.path().join("out/scenario@total=30/summary.json")).expect("run"),
    )
    .expect("JSON");
    assert_eq!(summary["budget"]["budget_wan"], 30.0);
    assert_eq!(summary["tradeoff"], serde_json::json!([]));
}

#[test]
fn a_run_over_its_allowed_budget_is_marked_in_the_comparison() {
    // A total of 10 万元 with the overrun allowed: the plan keeps its least-cost network and
    // the comparison carries the overrun beside the spend, as `summary.json` states it.
    let dir = copy_fixture();
    let s = fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario");
    fs::write(
        dir.path().join("scenario.toml"),
        s.replace(
            "[costs]",
            "[budget]\ntotal = 10\nallow_overrun = true\n\n[costs]",
        ),
    )
    .expect("write");
    let run = yanglao(dir.path(), &["batch", "scenario.toml", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(dir.path().join("out/scenario/summary.json")).expect("run"),
    )
    .expect("JSON");
    let over = summary["budget"]["overrun_total_wan"]
        .as_f64()
        .expect("overrun");
    assert!(over > 0.0, "{summary}");
    let rows = batch_rows(&dir.path().join("out"));
    let csv_over: f64 = rows[0]["overrun_total_wan"].parse().expect("a number");
    assert!((csv_over - over).abs() < 0.05, "{csv_over} vs {over}");
    let md = fs::read_to_string(dir.path().join("out/batch-summary/batch.md")).expect("md");
    let header = md.lines().next().expect("header");
    let col = header
        .split('|')
        .position(|c| c.trim() == "超支 overrun 万元")
        .expect("an overrun column");
    let line = md
        .lines()
        .find(|l| l.starts_with("| scenario "))
        .expect("row");
    assert_eq!(
        line.split('|').nth(col).map(str::trim),
        Some(format!("{over:.0}").as_str()),
        "{line}"
    );
    assert!(line.contains("超支 overrun"), "{line}");

    // Within budget the cell stays empty and the result carries no mark.
    let s = fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario");
    fs::write(
        dir.path().join("scenario.toml"),
        s.replace("total = 10\n", "total = 100000\n"),
    )
    .expect("write");
    let run = yanglao(dir.path(), &["batch", "scenario.toml", "--out", "out2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = batch_rows(&dir.path().join("out2"));
    assert_eq!(rows[0]["overrun_total_wan"], "");
    let md = fs::read_to_string(dir.path().join("out2/batch-summary/batch.md")).expect("md");
    let line = md
        .lines()
        .find(|l| l.starts_with("| scenario "))
        .expect("row");
    assert_eq!(line.split('|').nth(col).map(str::trim), Some(""), "{line}");
    assert!(!line.contains("超支"), "{line}");
}
