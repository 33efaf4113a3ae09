//! Broken inputs as analysts produce them (files cut short, binary files, Excel workbooks under
//! a CSV name, NaN and 1e308 in counts, mixed line endings, stray quotes and byte-order
//! marks, scenarios pointing at the wrong place), each checked through `yanglao check`
//! against its exact messages. Nothing may panic; every message is located and bilingual.
//!
//! Every folder `tests/corpus/NAME/` holds the files that replace (or join) those of the
//! six-village fixture for one case; `tests/corpus/NAME.expected` is the exit code and the
//! exact stderr. `{outside}` in a case's text files and in its expected output stands for an
//! empty folder outside the fixture. `UPDATE_CORPUS=1` rewrites the expected files.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

mod common;

use common::{copy_fixture, yanglao};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");

/// Copies the case's files over the fixture copy, replacing `{outside}` in text files.
fn copy_over(from: &Path, to: &Path, outside: &str) {
    for entry in fs::read_dir(from).expect("corpus case is readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            if target.is_file() {
                fs::remove_file(&target).expect("remove the fixture file");
            }
            fs::create_dir_all(&target).expect("mkdir");
            copy_over(&entry.path(), &target, outside);
        } else {
            let bytes = fs::read(entry.path()).expect("read");
            let bytes = match String::from_utf8(bytes) {
                Ok(s) => s.replace("{outside}", outside).into_bytes(),
                Err(e) => e.into_bytes(),
            };
            fs::write(&target, bytes).expect("write");
        }
    }
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(CORPUS)
        .expect("tests/corpus exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// Runs one case; returns the exit code and stderr with the outside folder written as
/// `{outside}`.
fn run_case(case: &Path) -> String {
    let dir = copy_fixture();
    let outside = tempfile::tempdir().expect("temp dir");
    let outside_s = outside.path().to_str().expect("UTF-8 temp path");
    copy_over(case, dir.path(), outside_s);
    let run = yanglao(dir.path(), &["check", "scenario.toml"]);
    assert!(run.stdout.is_empty() || run.code == 0, "{}", run.stdout);
    format!(
        "exit {}\n{}",
        run.code,
        run.stderr.replace(outside_s, "{outside}")
    )
}

#[test]
fn every_corpus_case_gives_its_exact_messages() {
    let update = std::env::var_os("UPDATE_CORPUS").is_some();
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 20, "the corpus is in tests/corpus");
    for case in &cases {
        let name = case.file_name().expect("name").to_string_lossy();
        let expected_path = case.with_extension("expected");
        let got = run_case(case);
        if update {
            fs::write(&expected_path, &got).expect("write expected");
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!("{name}:\n--- expected\n{expected}--- got\n{got}"));
        }
        // Bad input is exit code 2, and every line but the count is located.
        assert!(got.starts_with("exit 2\n"), "{name}: {got}");
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ (UPDATE_CORPUS=1 rewrites):\n{}",
        failures.len(),
        failures.join("\n")
    );
    // No expected file without its case.
    for entry in fs::read_dir(CORPUS).expect("corpus") {
        let p = entry.expect("entry").path();
        if p.extension().is_some_and(|e| e == "expected") {
            assert!(p.with_extension("").is_dir(), "{} has no case", p.display());
        }
    }
}

fn edit(dir: &Path, file: &str, f: impl FnOnce(String) -> String) {
    let p = dir.join(file);
    let s = fs::read_to_string(&p).expect("fixture file");
    fs::write(&p, f(s)).expect("write");
}

#[test]
fn a_byte_order_mark_inside_a_cell_is_dropped() {
    let plain = copy_fixture();
    let expected = yanglao(plain.path(), &["check", "scenario.toml"]).stdout;
    let dir = copy_fixture();
    // Pasted from another file: invisible in Excel, and an id with it would not be a
    // 12-digit code any more.
    edit(dir.path(), "villages.csv", |s| {
        s.replace("620722101202,", "\u{feff}620722101202,")
            .replace(",六坝镇,100.9800", ",六坝镇\u{feff},100.9800")
    });
    let run = yanglao(dir.path(), &["check", "scenario.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, expected);
}

#[test]
fn the_largest_counts_do_not_overflow_the_totals() {
    // Every village at u32::MAX elderly: the sums must be exact, not wrap or panic.
    let dir = copy_fixture();
    edit(dir.path(), "villages.csv", |s| {
        s.lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    return l.to_owned();
                }
                let mut f: Vec<&str> = l.split(',').collect();
                f[5] = "4294967295";
                f.join(",")
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    let run = yanglao(dir.path(), &["check", "scenario.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // 6 × 4 294 967 295.
    assert!(run.stdout.contains("25769803770"), "{}", run.stdout);
    let out = tempfile::tempdir().expect("temp dir");
    let run = yanglao(
        dir.path(),
        &[
            "plan",
            "scenario.toml",
            "--quiet",
            "--out",
            out.path().to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A villages file of `rows` valid rows and one bad row at the end, with an empty
/// facilities file, in a new folder.
fn big_region(rows: usize) -> tempfile::TempDir {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut w =
        std::io::BufWriter::new(fs::File::create(dir.path().join("villages.csv")).expect("create"));
    writeln!(w, "id,name,township,lon,lat,elderly,kind").expect("write");
    for i in 0..rows {
        let (lon, lat) = (
            100.0 + (i % 1000) as f64 * 0.001,
            38.0 + (i / 1000) as f64 * 0.001,
        );
        writeln!(
            w,
            "V{i},村{i},镇{},{lon:.4},{lat:.4},{},rural",
            i % 50,
            i % 900
        )
        .expect("write");
    }
    writeln!(w, "V{rows},村,镇0,100.0,38.0,很多,rural").expect("write");
    drop(w);
    fs::write(
        dir.path().join("facilities.csv"),
        "id,name,type,township,lon,lat,beds,nursing_beds\n",
    )
    .expect("write");
    fs::write(
        dir.path().join("scenario.toml"),
        "name = \"百万行\"\ndata = \".\"\nbase_year = 2020\nyears = [2025]\n",
    )
    .expect("write");
    dir
}

#[test]
#[ignore = "a million rows take about 10 s in a debug build (2.5 s in release); run with --ignored"]
fn a_million_village_rows_are_read_and_the_bad_one_located() {
    let rows = 1_000_000;
    let dir = big_region(rows);
    let start = Instant::now();
    let run = yanglao(dir.path(), &["check", "scenario.toml"]);
    eprintln!(
        "1,000,000 rows checked in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "./villages.csv:{}:6: 「elderly」不是数字：「很多」 / column \"elderly\" is not a number: \"很多\"\nscenario.toml: 1 处问题 / 1 problem(s)\n",
            rows + 2
        )
    );
}

#[test]
fn ten_thousand_village_rows_are_read_and_the_bad_one_located() {
    // The same path as the million rows, small enough for every run of the suite.
    let rows = 10_000;
    let dir = big_region(rows);
    let run = yanglao(dir.path(), &["check", "scenario.toml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "./villages.csv:{}:6: 「elderly」不是数字：「很多」 / column \"elderly\" is not a number: \"很多\"\nscenario.toml: 1 处问题 / 1 problem(s)\n",
            rows + 2
        )
    );
}
