//! The peer case: PySAL spopt's San Francisco example (205 tracts weighted by population,
//! 16 candidate stores, ArcGIS network distances in `od.csv`) in our input contract, with the
//! optima the peer computes in `expected.json`. Our public commands must reproduce them.
//!
//! The folder is read from `YANGLAO_PEERS` (default `../shared/peers` beside the crate). The
//! tests are ignored by default, so that `cargo test` lists them as ignored where the folder
//! may be missing; `.ci/run` runs them with `cargo test -- --ignored`, and then a missing
//! folder fails them.

mod common;

use std::path::PathBuf;

use common::yanglao;
use serde_json::Value;

fn peer_dir() -> PathBuf {
    let root = std::env::var_os("YANGLAO_PEERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/peers"));
    let dir = root.join("spopt-sf");
    assert!(
        dir.join("expected.json").is_file(),
        "peer data not found at {} (set YANGLAO_PEERS)",
        dir.display()
    );
    dir
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

fn expected(dir: &std::path::Path) -> Value {
    json(&std::fs::read_to_string(dir.join("expected.json")).expect("readable"))
}

fn solve(dir: &std::path::Path, args: &[&str]) -> Value {
    let scenario = dir.join("scenario.toml");
    let mut all = vec!["solve"];
    all.extend_from_slice(&args[..1]);
    all.push(scenario.to_str().expect("UTF-8 path"));
    all.extend_from_slice(&args[1..]);
    let run = yanglao(dir, &all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    json(&run.stdout)
}

#[test]
#[ignore = "needs ../shared/peers or YANGLAO_PEERS; run with --ignored"]
fn set_covering_matches_the_peer() {
    let dir = peer_dir();
    let want = expected(&dir);
    let got = solve(&dir, &["lscp"]);
    assert_eq!(got["new_sites"], want["lscp_min_sites"]);
    assert_eq!(got["status"], "optimal");
    assert_eq!(
        got["covered_elderly"].as_f64(),
        want["total_weight"].as_f64()
    );
}

#[test]
#[ignore = "needs ../shared/peers or YANGLAO_PEERS; run with --ignored"]
fn maximal_covering_matches_the_peer() {
    let dir = peer_dir();
    let want = expected(&dir);
    for p in ["2", "3", "4", "5"] {
        let got = solve(&dir, &["mclp", "--p", p]);
        assert_eq!(
            got["covered_elderly"].as_f64(),
            want["mclp_covered_weight"][p].as_f64(),
            "p = {p}"
        );
        assert_eq!(got["status"], "optimal", "p = {p}");
    }
}

#[test]
#[ignore = "needs ../shared/peers or YANGLAO_PEERS; run with --ignored"]
fn plan_reaches_full_coverage_with_the_peer_minimum() {
    let dir = peer_dir();
    let want = expected(&dir);
    let out = tempfile::tempdir().expect("temp dir");
    let scenario = dir.join("scenario.toml");
    let run = yanglao(
        &dir,
        &[
            "plan",
            scenario.to_str().expect("UTF-8 path"),
            "--out",
            out.path().to_str().expect("UTF-8 path"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary =
        json(&std::fs::read_to_string(out.path().join("scenario/summary.json")).expect("written"));
    assert_eq!(summary["day_care"]["new_sites"], want["lscp_min_sites"]);
    assert_eq!(summary["day_care"]["status"], "optimal");
    assert_eq!(summary["day_care"]["coverage"], 1.0);
}

#[test]
#[ignore = "needs ../shared/peers or YANGLAO_PEERS; run with --ignored"]
fn p_median_matches_the_peer_to_rounding() {
    let dir = peer_dir();
    let want = expected(&dir);
    for p in ["2", "3", "4", "5"] {
        let got = solve(&dir, &["pmedian", "--p", p]);
        let ours = got["objective"].as_f64().expect("objective");
        let theirs = want["pmedian_weight_x_minutes"][p]
            .as_f64()
            .expect("expected");
        assert!(
            ((ours - theirs) / theirs).abs() <= 1e-9,
            "p = {p}: ours {ours}, peer {theirs}"
        );
        assert_eq!(got["status"], "optimal", "p = {p}");
    }
}
