//! What a run leaves behind when it is killed, when the scenario's name is hostile, and when
//! its travel pairs would not fit in memory: `yanglao plan` driven through the real binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{copy_fixture, yanglao};

fn utf8(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// Names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Plans `scenario` (in `dir`) into `out`; panics unless it succeeds.
fn plan(dir: &Path, scenario: &str, out: &Path) {
    let run = yanglao(dir, &["plan", scenario, "--quiet", "--out", utf8(out)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_run_killed_while_writing_leaves_the_previous_output_whole() {
    let dir = copy_fixture();
    let out = tempfile::tempdir().expect("temp dir");
    plan(dir.path(), "scenario.toml", out.path());
    let final_dir = out.path().join("scenario");
    let files = names(&final_dir);
    assert!(files.contains(&"summary.json".to_owned()), "{files:?}");
    let mut previous = fs::read(final_dir.join("summary.json")).expect("summary");

    let mut killed_while_writing = 0;
    for _attempt in 0..30 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_yanglao"))
            .args([
                "plan",
                "scenario.toml",
                "--quiet",
                "--out",
                utf8(out.path()),
            ])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        // Poll for this run's temporary folder and kill the process (SIGKILL) the moment it
        // appears: it is then writing its files.
        let tmp_prefix = format!(".scenario.tmp-{}-", child.id());
        let start = Instant::now();
        let mut saw_tmp = false;
        while start.elapsed() < Duration::from_secs(60) {
            if names(out.path()).iter().any(|n| n.starts_with(&tmp_prefix)) {
                saw_tmp = true;
                break;
            }
            if child.try_wait().expect("wait").is_some() {
                break;
            }
        }
        child.kill().ok();
        let status = child.wait().expect("wait");
        // Whenever the kill landed, the final folder is complete: every file is there.
        assert_eq!(names(&final_dir), files, "the output folder is whole");
        let summary = fs::read(final_dir.join("summary.json")).expect("summary");
        serde_json::from_slice::<serde_json::Value>(&summary).expect("summary.json is whole");
        if status.success() {
            // The run finished first: its output is the new previous one.
            previous = summary;
        } else {
            assert_eq!(
                summary, previous,
                "a killed run leaves the previous summary.json byte for byte"
            );
            killed_while_writing += usize::from(saw_tmp);
        }
        // Nothing else sits beside the output but hidden leftovers of killed runs.
        for n in names(out.path()) {
            assert!(
                n == "scenario" || n.starts_with(".scenario.tmp-"),
                "unexpected {n} in the output folder"
            );
        }
        if killed_while_writing >= 3 {
            break;
        }
    }
    eprintln!("{killed_while_writing} kill(s) landed while the output was being written");
    assert!(
        killed_while_writing >= 1,
        "no kill landed while the output was being written"
    );
    // The next run succeeds and clears the leftovers of the killed ones.
    plan(dir.path(), "scenario.toml", out.path());
    assert_eq!(names(out.path()), ["scenario"]);
    assert_eq!(names(&final_dir), files);
}

#[test]
fn a_failed_run_does_not_touch_the_previous_output() {
    let dir = copy_fixture();
    let out = tempfile::tempdir().expect("temp dir");
    plan(dir.path(), "scenario.toml", out.path());
    let before = fs::read(out.path().join("scenario/summary.json")).expect("summary");
    let p = dir.path().join("villages.csv");
    let s = fs::read_to_string(&p).expect("read");
    fs::write(&p, s.replace(",820,", ",-820,")).expect("write");
    let run = yanglao(
        dir.path(),
        &["plan", "scenario.toml", "--out", utf8(out.path())],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        fs::read(out.path().join("scenario/summary.json")).expect("summary"),
        before
    );
    assert_eq!(names(out.path()), ["scenario"]);
}

#[test]
fn the_longest_times_and_fastest_speeds_allowed_still_plan() {
    // One day at 300 km/h reaches every site from every village; maps, charts and the
    // solvers must cope (larger values are rejected when the scenario is read).
    let dir = copy_fixture();
    let p = dir.path().join("scenario.toml");
    let s = fs::read_to_string(&p).expect("read");
    let s = s
        .replace("minutes = 15", "minutes = 1440")
        .replace(
            "speed_kmh = 4.0, detour = 1.3",
            "speed_kmh = 300, detour = 1.0",
        )
        .replace(
            "speed_kmh = 12.0, detour = 1.4",
            "speed_kmh = 300, detour = 1.0",
        )
        .replace(
            "[beds.targets]",
            "[beds]\ncatchment_minutes = 1440\n\n[beds.targets]",
        );
    fs::write(&p, s).expect("write");
    let out = tempfile::tempdir().expect("temp dir");
    plan(dir.path(), "scenario.toml", out.path());
}

/// A copy of the fixture whose scenario file is called `file_name`.
fn fixture_named(file_name: &str) -> tempfile::TempDir {
    let dir = copy_fixture();
    fs::rename(dir.path().join("scenario.toml"), dir.path().join(file_name)).expect("rename");
    dir
}

#[test]
fn hostile_scenario_names_stay_inside_the_output_folder() {
    let long = format!("{}.toml", "养老服务设施规划".repeat(10));
    assert!(long.len() > 200 && long.len() < 255);
    let cases: [(&str, &str); 6] = [
        ("..%2F..%2Fx.toml", "%2F..%2Fx"),
        ("..toml", "scenario"),
        ("CON.toml", "_CON"),
        ("a:b*c?<d>|e\\f.toml", "a_b_c__d__e_f"),
        (" . lpt1 .toml", "_lpt1"),
        ("\u{202e}lmth.toml", "_lmth"),
    ];
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("out");
    for (file, folder) in cases {
        let dir = fixture_named(file);
        plan(dir.path(), file, &out);
        assert!(
            out.join(folder).join("summary.json").is_file(),
            "{file}: expected out/{folder}, found {:?}",
            names(&out)
        );
    }
    // A name as long as a file name may be: cut, with a hash, and written.
    let dir = fixture_named(&long);
    plan(dir.path(), &long, &out);
    let expected = yanglao::report::safe_name(long.trim_end_matches(".toml"));
    assert!(expected.len() <= yanglao::report::MAX_NAME_BYTES);
    assert!(out.join(&expected).join("summary.json").is_file());
    // Everything landed inside `out`, nothing beside it.
    assert_eq!(names(root.path()), ["out"]);
    assert_eq!(names(&out).len(), 7, "{:?}", names(&out));
    for n in names(&out) {
        assert!(!n.starts_with('.'), "leftover {n}");
    }
}

/// A county whose 300 villages and 150 candidates all lie within a few hundred metres of
/// each other: 45 000 reachable pairs within 15 minutes.
fn crowded_region(limits: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut villages = String::from("id,name,township,lon,lat,elderly,kind\n");
    for i in 0..300 {
        let (lon, lat) = (
            100.8 + (i % 20) as f64 * 0.0002,
            38.4 + (i / 20) as f64 * 0.0002,
        );
        villages += &format!("V{i},村{i},城关镇,{lon:.4},{lat:.4},100,urban\n");
    }
    let mut candidates = String::from("id,name,township,lon,lat,allow\n");
    for i in 0..150 {
        let (lon, lat) = (
            100.8 + (i % 10) as f64 * 0.0003,
            38.4 + (i / 10) as f64 * 0.0002,
        );
        candidates += &format!("C{i},候选{i},城关镇,{lon:.4},{lat:.4},day_care\n");
    }
    fs::write(dir.path().join("villages.csv"), villages).expect("write");
    fs::write(dir.path().join("candidates.csv"), candidates).expect("write");
    fs::write(
        dir.path().join("facilities.csv"),
        "id,name,type,township,lon,lat,beds,nursing_beds\n",
    )
    .expect("write");
    fs::write(
        dir.path().join("scenario.toml"),
        format!(
            "name = \"拥挤县\"\ndata = \".\"\nbase_year = 2020\nyears = [2025]\n\n[day_care]\ncoverage = 0.9\n{limits}"
        ),
    )
    .expect("write");
    dir
}

const OVER_BUDGET: &str = "scenario.toml: 15 分钟内可达的村–站点对超过 16384 对，按每对约 64 字节计超出了 1 MB 的内存预算；请减小 travel.minutes（或 beds.catchment_minutes）、减少候选点，或在情景文件的 [limits] 中调高 memory_mb / more than 16384 village–site pairs lie within 15 minutes: at about 64 bytes a pair they exceed the memory budget of 1 MB; lower travel.minutes (or beds.catchment_minutes), use fewer candidates, or raise memory_mb under [limits] in the scenario\n";

#[test]
fn travel_pairs_over_the_memory_budget_are_a_clear_error() {
    // 1 MB holds 1 048 576 / 64 = 16 384 pairs; the county has 45 000.
    let dir = crowded_region("\n[limits]\nmemory_mb = 1\n");
    let run = yanglao(dir.path(), &["check", "scenario.toml"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, OVER_BUDGET);
    let out = tempfile::tempdir().expect("temp dir");
    let run = yanglao(
        dir.path(),
        &["plan", "scenario.toml", "--out", utf8(out.path())],
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, OVER_BUDGET);
    assert!(names(out.path()).is_empty(), "nothing is written");
}

#[test]
fn travel_pairs_within_the_memory_budget_plan_as_usual() {
    for limits in ["", "\n[limits]\nmemory_mb = 4\n"] {
        let dir = crowded_region(limits);
        let run = yanglao(dir.path(), &["check", "scenario.toml"]);
        assert_eq!(run.code, 0, "{limits}: {}", run.stderr);
    }
}

#[test]
fn the_budget_counts_pairs_the_same_in_every_travel_model() {
    use yanglao::model::Limits;
    use yanglao::travel::{self, TravelError};
    let dir = crowded_region("");
    let loaded = yanglao::io::load(&dir.path().join("scenario.toml")).expect("valid");
    let (region, travel) = (&loaded.region, &loaded.scenario.travel);
    let all = travel::reach(region, travel).expect("within the default budget");
    assert_eq!(all.pair_count(), 45_000);
    let tight = Limits { memory_mb: 1 };
    let err = travel::reach_limited(region, travel, &tight).expect_err("over budget");
    assert!(
        matches!(
            err,
            TravelError::MemoryBudget {
                max_pairs: 16_384,
                memory_mb: 1,
                ..
            }
        ),
        "{err}"
    );
    // The same pairs from an origin–destination file.
    let mut od = String::from("from_id,to_id,minutes\n");
    for v in 0..300 {
        for c in 0..150 {
            od += &format!("V{v},C{c},1\n");
        }
    }
    let od_path: PathBuf = dir.path().join("od.csv");
    fs::write(&od_path, od).expect("write");
    let mut matrix = travel.clone();
    matrix.matrix = Some(od_path);
    assert_eq!(
        travel::reach(region, &matrix).expect("fits").pair_count(),
        45_000
    );
    assert!(matches!(
        travel::reach_limited(region, &matrix, &tight),
        Err(TravelError::MemoryBudget { .. })
    ));
}
