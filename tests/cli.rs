//! The command line as scripts and users meet it: a closed pipe ends quietly, each error is
//! printed once, every bad input exits 2, `--json` prints one document, batch failures keep
//! their whole reason, the wrong kind of file is named as such.

mod common;

use std::fs;
use std::io::Read;
use std::process::{Command, Stdio};

use common::{copy_fixture, yanglao};

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = copy_fixture();
    // Eight summaries: far more than a pipe buffers (64 KiB on Linux), so the binary is
    // still writing when the reader goes.
    let mut args = vec!["plan".to_owned(), "--json".to_owned()];
    for i in 0..8 {
        let name = format!("s{i}.toml");
        fs::copy(dir.path().join("scenario.toml"), dir.path().join(&name)).expect("copy");
        args.push(name);
    }
    args.extend(["--out".to_owned(), "out".to_owned()]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_yanglao"))
        .args(&args)
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // Read 100 bytes of the JSON (as `head -c 100` does), then close the pipe.
    let mut stdout = child.stdout.take().expect("piped");
    let mut first = [0u8; 100];
    stdout.read_exact(&mut first).expect("100 bytes of JSON");
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let status = child.wait().expect("ends");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(status.code(), Some(0), "{stderr}");
}

#[test]
fn an_unreadable_font_is_bad_input_reported_once() {
    let dir = copy_fixture();
    let run = yanglao(
        dir.path(),
        &[
            "plan",
            "scenario.toml",
            "--font",
            "absent.ttf",
            "--out",
            "out",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("absent.ttf"), "{}", run.stderr);
    // The system's reason appears once, not once per link of the error chain.
    assert_eq!(run.stderr.matches("os error").count(), 1, "{}", run.stderr);
    assert!(!dir.path().join("out").exists(), "nothing was planned");
}

#[test]
fn a_file_that_is_not_a_font_is_bad_input() {
    let dir = copy_fixture();
    let run = yanglao(
        dir.path(),
        &[
            "plan",
            "scenario.toml",
            "--font",
            "villages.csv",
            "--out",
            "out",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("not a TrueType").count(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn an_out_that_is_a_file_is_bad_input() {
    let dir = copy_fixture();
    fs::write(dir.path().join("taken"), "a file").expect("write");
    for out in ["taken", "taken/below"] {
        let run = yanglao(dir.path(), &["plan", "scenario.toml", "--out", out]);
        assert_eq!(run.code, 2, "{out}: {}", run.stderr);
        assert!(
            run.stderr.contains("is a file, not a folder"),
            "{}",
            run.stderr
        );
        let run = yanglao(dir.path(), &["batch", "scenario.toml", "--out", out]);
        assert_eq!(run.code, 2, "batch {out}: {}", run.stderr);
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("taken")).expect("still there"),
        "a file"
    );
}

#[test]
fn a_file_where_the_run_folder_goes_is_bad_input_and_left_alone() {
    // `--out o2` is a folder, but `o2/scenario` (the run's own folder) is a file.
    let dir = copy_fixture();
    fs::create_dir(dir.path().join("o2")).expect("mkdir");
    fs::write(dir.path().join("o2/scenario"), "a file").expect("write");
    let run = yanglao(dir.path(), &["plan", "scenario.toml", "--out", "o2"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("o2/scenario") && run.stderr.contains("is a file, not a folder"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("not a folder").count(),
        1,
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("o2/scenario")).expect("still there"),
        "a file"
    );
    let left: Vec<String> = fs::read_dir(dir.path().join("o2"))
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["scenario"], "nothing else is written");
}

#[test]
fn a_missing_p_is_bad_input() {
    let dir = copy_fixture();
    for model in ["mclp", "pmedian", "cpmp"] {
        let run = yanglao(dir.path(), &["solve", model, "scenario.toml"]);
        assert_eq!(run.code, 2, "{model}: {}", run.stderr);
        assert!(run.stderr.contains("--p"), "{}", run.stderr);
    }
    // lscp needs no --p.
    let run = yanglao(dir.path(), &["solve", "lscp", "scenario.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn an_empty_folder_is_bad_input() {
    let dir = copy_fixture();
    fs::create_dir(dir.path().join("empty")).expect("mkdir");
    let run = yanglao(dir.path(), &["batch", "empty", "--out", "out"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no scenario files"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[test]
fn plan_json_with_two_scenarios_is_one_array() {
    let dir = copy_fixture();
    fs::copy(
        dir.path().join("scenario.toml"),
        dir.path().join("second.toml"),
    )
    .expect("copy");
    let run = yanglao(
        dir.path(),
        &[
            "plan",
            "--json",
            "scenario.toml",
            "second.toml",
            "--out",
            "out",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    let all = v.as_array().expect("an array");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["scenario"]["file"], "scenario.toml");
    assert_eq!(all[1]["scenario"]["file"], "second.toml");
    // One scenario: an array of one.
    let run = yanglao(
        dir.path(),
        &["plan", "--json", "scenario.toml", "--out", "out"],
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(v.as_array().map(Vec::len), Some(1));
}

#[test]
fn a_failed_batch_run_keeps_its_whole_reason() {
    let dir = copy_fixture();
    let text = fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario");
    fs::write(
        dir.path().join("broken.toml"),
        text.replace("minutes = 15", "minutes = \"fifteen\""),
    )
    .expect("write");
    let run = yanglao(
        dir.path(),
        &[
            "batch",
            "scenario.toml",
            "broken.toml",
            "--out",
            "out",
            "-q",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = fs::read_to_string(dir.path().join("out/batch-summary/batch.md")).expect("md");
    let row = md
        .lines()
        .find(|l| l.starts_with("| broken "))
        .expect("a row for the failed run");
    assert!(row.contains("input problem(s):"), "{row}");
    assert!(
        row.contains("broken.toml:"),
        "the located problem itself: {row}"
    );
    assert!(row.contains("minutes"), "{row}");
    let mut csv =
        csv::Reader::from_path(dir.path().join("out/batch-summary/batch.csv")).expect("csv");
    let reasons: Vec<String> = csv
        .records()
        .map(|r| r.expect("record")[3].to_owned())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("broken.toml:") && r.contains("minutes")),
        "{reasons:?}"
    );
}

#[test]
fn check_given_a_csv_says_it_expected_a_scenario_file() {
    let dir = copy_fixture();
    let run = yanglao(dir.path(), &["check", "villages.csv"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("expected a scenario file"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("TOML"), "{}", run.stderr);
    assert!(run.stderr.contains("1 problem(s)"), "{}", run.stderr);
}

#[test]
fn the_font_warning_lists_only_names_a_map_draws() {
    // 䶮 (CJK Extension A) is outside GBK, so the bundled font lacks it.
    let dir = copy_fixture();
    let villages = fs::read_to_string(dir.path().join("villages.csv")).expect("villages");
    let mut lines: Vec<String> = villages.lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let name_col = header
        .iter()
        .position(|h| *h == "name")
        .expect("name column");
    let mut row: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    row[name_col] = "䶮村".to_owned();
    lines[1] = row.join(",");
    fs::write(dir.path().join("villages.csv"), lines.join("\n") + "\n").expect("write");
    let run = yanglao(dir.path(), &["plan", "scenario.toml", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A village name is shown in the HTML report only, never drawn with the map font.
    assert!(!run.stderr.contains("䶮"), "{}", run.stderr);
    assert!(!run.stderr.contains("glyphs"), "{}", run.stderr);
    // The scenario's name is drawn in every title.
    let s = fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario");
    fs::write(
        dir.path().join("scenario.toml"),
        s.replace("name = \"测试县", "name = \"䶮县"),
    )
    .expect("write");
    let run = yanglao(dir.path(), &["plan", "scenario.toml", "--out", "out"]);
    assert!(run.stderr.contains("glyphs"), "{}", run.stderr);
    assert!(run.stderr.contains("䶮县"), "{}", run.stderr);
    assert!(!run.stderr.contains("䶮村"), "{}", run.stderr);
}
