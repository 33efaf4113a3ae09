//! Shared helpers of the integration tests: running the binary, scratch copies of fixtures
//! and golden files.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The six-village fixture.
pub const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiny");

/// What a run of the binary left behind.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `yanglao args…` in `dir` with extra environment variables.
pub fn yanglao_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_yanglao"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    let run = Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    };
    assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
    run
}

/// Runs `yanglao args…` in `dir`.
pub fn yanglao(dir: &Path, args: &[&str]) -> Run {
    yanglao_env(dir, args, &[])
}

/// A scratch copy of a fixture folder.
pub fn copy_dir(from: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in fs::read_dir(from).expect("fixture exists") {
        let entry = entry.expect("readable");
        fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    dir
}

/// A scratch copy of the six-village fixture.
pub fn copy_fixture() -> tempfile::TempDir {
    copy_dir(FIXTURE)
}

/// The fixture with `per_county = 1`, and the villages of the townships `uncoded` picks
/// given ids that are not statistical codes ("V" + the code) and their kind written out
/// (urban in 街道, rural elsewhere), so their county cannot be told.
#[allow(dead_code)]
pub fn county_rule_fixture(uncoded: impl Fn(&str) -> bool) -> tempfile::TempDir {
    let dir = copy_fixture();
    let scenario = dir.path().join("scenario.toml");
    let s = fs::read_to_string(&scenario)
        .expect("fixture")
        .replace("[day_care]\n", "[day_care]\nper_county = 1\n");
    fs::write(&scenario, s).expect("write");
    let v = dir.path().join("villages.csv");
    let text = fs::read_to_string(&v).expect("villages");
    let mut lines = text.lines();
    let mut out = format!("{},kind\n", lines.next().expect("header"));
    for l in lines {
        let township = l.split(',').nth(2).unwrap_or("");
        if uncoded(township) {
            let kind = if township.ends_with("街道") {
                "urban"
            } else {
                "rural"
            };
            out.push_str(&format!("V{l},{kind}\n"));
        } else {
            out.push_str(&format!("{l},\n"));
        }
    }
    fs::write(&v, out).expect("write");
    dir
}

/// Compares `actual` with `tests/golden/<name>`; `UPDATE_GOLDEN=1` rewrites the file.
pub fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        fs::write(&path, actual).expect("write golden");
    }
    let expected = fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(
        actual, expected,
        "golden {name} differs (UPDATE_GOLDEN=1 regenerates)"
    );
}

/// A small deterministic generator for the property tests.
pub struct Lcg(pub u64);

impl Lcg {
    /// The next number, uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The reach list of village `v` as (site, minutes) pairs.
pub fn sites_of(r: &yanglao::travel::ReachLists, v: u32) -> Vec<(u32, f64)> {
    r.sites_of(yanglao::model::VillageIdx(v))
        .iter()
        .map(|x| (x.site.0, x.minutes))
        .collect()
}

/// `got` lists the sites of `want` in the same order, each within 0.001 minutes.
pub fn assert_close(got: Vec<(u32, f64)>, want: &[(u32, f64)]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.0, w.0, "{got:?} vs {want:?}");
        assert!((g.1 - w.1).abs() < 1e-3, "{got:?} vs {want:?}");
    }
}

/// Great-circle distance in metres between two (lon, lat) points on the mean-radius sphere
/// (6,371,008.8 m), written out here so expected times do not come from the code under test.
pub fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6_371_008.8_f64;
    let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
    let dla = la2 - la1;
    let dlo = (b.0 - a.0).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

/// Minutes to walk `m` metres at 4 km/h.
pub fn walk_min(m: f64) -> f64 {
    m * 60.0 / 4000.0
}

/// Every `<text>` body of an SVG document, trimmed.
pub fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_owned())
        })
        .collect()
}

/// Rows of a CSV file as maps from header to cell (UTF-8, with or without a BOM).
pub fn csv_rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

/// `(id, reason)` of every new day-care site in a `summary.json` value, sorted.
pub fn day_care_sites(summary: &serde_json::Value) -> Vec<(&str, &str)> {
    let mut sites: Vec<(&str, &str)> = summary["day_care"]["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().expect("id"),
                s["reason"].as_str().expect("reason"),
            )
        })
        .collect();
    sites.sort_unstable();
    sites
}
