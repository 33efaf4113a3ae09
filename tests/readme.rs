//! The README's two commands: the main job on the bundled data runs and writes every region's
//! outputs, and `.ci/run` calls the README's test command.

mod common;

use std::path::Path;

use common::yanglao;

/// The shell lines of the README's "two commands" block, without comments.
fn two_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let section = readme
        .split("## The two commands")
        .nth(1)
        .expect("a section named 'The two commands'");
    let block = section
        .split("```")
        .nth(1)
        .expect("a code block in that section");
    block
        .lines()
        .skip(1)
        .map(|l| l.split('#').next().unwrap_or("").trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn the_main_command_plans_every_bundled_region() {
    let commands = two_commands();
    assert_eq!(commands.len(), 2, "{commands:?}");
    let main = &commands[0];
    let args: Vec<&str> = main
        .split_once(" -- ")
        .expect("cargo run ... -- ARGS")
        .1
        .split_whitespace()
        .collect();
    assert_eq!(args, ["batch", "seeds"]);
    let out = tempfile::tempdir().expect("temp dir");
    let mut all = args.clone();
    let out_s = out.path().to_str().expect("UTF-8 path").to_owned();
    all.extend(["--out", &out_s, "--quiet"]);
    let run = yanglao(Path::new(env!("CARGO_MANIFEST_DIR")), &all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for region in ["fujian", "jianghai", "jinjiang", "minle", "taizhou"] {
        for file in ["summary.json", "report.html", "map.png", "villages.csv"] {
            assert!(
                out.path().join(region).join(file).is_file(),
                "{region}/{file}"
            );
        }
    }
    // Every seed's day-care phasing is proven: objective equal to its bound.
    for region in ["fujian", "jianghai", "jinjiang", "minle", "taizhou"] {
        let summary: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.path().join(region).join("summary.json"))
                .expect("summary"),
        )
        .expect("JSON");
        let p = &summary["day_care"]["phasing"];
        assert_eq!(p["status"], "optimal", "{region}: {p}");
        assert_eq!(p["committed_wan_years"], p["bound"], "{region}: {p}");
        // And the whole schedule: the final network proven too (the final-year relaxation's
        // bound reached).
        assert_eq!(p["whole_status"], "optimal", "{region}: {p}");
        assert_eq!(p["whole_objective"], p["whole_bound"], "{region}: {p}");
        // The coverage curve agrees with the plan: from the plan's count on it serves at
        // least what the plan serves, never more than its bound, and never less with more
        // sites.
        let dc = &summary["day_care"];
        let own = dc["new_sites"].as_u64().expect("count");
        let covered = dc["covered_elderly"].as_f64().expect("covered");
        let curve = dc["curve"].as_array().expect("curve");
        let value = |p: &serde_json::Value| p["covered_elderly"].as_f64().expect("value");
        for (i, pt) in curve.iter().enumerate() {
            assert!(
                value(pt) <= pt["bound"].as_f64().expect("bound") + 1e-6,
                "{region}: {pt}"
            );
            if pt["new_sites"].as_u64().is_some_and(|n| n >= own) {
                assert!(
                    value(pt) >= covered - 1e-6,
                    "{region}: {pt} below the plan's {covered}"
                );
            }
            if let Some(next) = curve.get(i + 1) {
                assert!(
                    value(next) >= value(pt) - 1e-6,
                    "{region}: {pt} then {next}"
                );
            }
        }
    }
    let csv = std::fs::read_to_string(out.path().join("batch-summary/batch.csv")).expect("csv");
    assert_eq!(
        csv.lines().filter(|l| l.contains(",ok,")).count(),
        5,
        "{csv}"
    );
}

#[test]
fn ci_runs_the_readme_test_command() {
    let commands = two_commands();
    assert_eq!(commands[1], "cargo test");
    let ci = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run"))
        .expect(".ci/run");
    assert!(ci.lines().any(|l| l.trim() == "cargo test"), "{ci}");
}
