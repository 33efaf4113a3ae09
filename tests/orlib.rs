//! Small public benchmark instances solved through the library reach their published values
//! (pmed1 and pmed2: proven optima; pmedcap1-1: optimum; SJC1: best known), every bound
//! stays below them, and the product's own bound proves pmed1, pmed2, pmedcap1-1, 1-13 and
//! 1-16 optimal and SJC1 to within round-off. The benchmark folder is `YANGLAO_BENCHMARKS`,
//! else `../shared/benchmarks` next to the crate. The tests are ignored by default, so that
//! `cargo test` lists them as ignored where the folder may be missing; `.ci/run` runs them
//! with `cargo test -- --ignored`, and then a missing folder fails them.

use std::path::{Path, PathBuf};

use yanglao::solve::Status;
use yanglao::solve::cpmp::CapacitatedOptions;
use yanglao::solve::orlib;
use yanglao::solve::pmedian::PMedianOptions;

fn benchmarks() -> PathBuf {
    let dir = std::env::var_os("YANGLAO_BENCHMARKS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/benchmarks"),
        PathBuf::from,
    );
    assert!(
        dir.is_dir(),
        "benchmark folder {} not found (set YANGLAO_BENCHMARKS)",
        dir.display()
    );
    dir
}

fn read(dir: &std::path::Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The published value of `name` in a `name value` table.
fn known(dir: &std::path::Path, table: &str, name: &str) -> f64 {
    orlib::parse_values(&read(dir, table))
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} listed in {table}"))
        .1
}

#[test]
#[ignore = "needs ../shared/benchmarks or YANGLAO_BENCHMARKS; run with --ignored"]
fn pmed1_and_pmed2_reach_their_optima() {
    let dir = benchmarks();
    for name in ["pmed1", "pmed2"] {
        let optimum = known(&dir, "pmed/pmedopt.txt", name);
        let problem =
            orlib::parse_pmed(&read(&dir, &format!("pmed/{name}.txt"))).expect("readable");
        let sol = problem.solve(&PMedianOptions::default());
        let c = sol.certificate;
        // Target: within 0.1 % of the optimum (whole-number costs, so the optimum itself).
        assert!(
            c.objective <= optimum * 1.001,
            "{name}: {} against {optimum}",
            c.objective
        );
        assert!(
            c.bound <= optimum,
            "{name}: bound {} above {optimum}",
            c.bound
        );
        assert_eq!(problem.objective_of(&sol.sites), Some(c.objective));
        assert_eq!(c.status, Status::Optimal, "{name}: {c:?}");
    }
}

#[test]
#[ignore = "needs ../shared/benchmarks or YANGLAO_BENCHMARKS; run with --ignored"]
fn pmedcap1_1_and_sjc1_within_one_percent() {
    let dir = benchmarks();
    let cases = [
        (
            "pmedcap1-1",
            known(&dir, "pmedcap/optimal.txt", "pmedcap1-1"),
            orlib::parse_pmedcap(&read(&dir, "pmedcap/pmedcap1-1.txt")).expect("readable"),
        ),
        (
            "SJC1",
            known(&dir, "sjc/best_known.txt", "SJC1"),
            orlib::parse_sjc(&read(&dir, "sjc/SJC1.dat")).expect("readable"),
        ),
    ];
    for (name, best, instance) in cases {
        let problem = &instance.problem;
        let sol = problem.solve(&CapacitatedOptions::default());
        let c = sol.certificate;
        assert!(
            c.objective <= best * 1.01,
            "{name}: {} against {best}",
            c.objective
        );
        // The bound is below the optimum, which is at most the best known value (published
        // rounded to hundredths, so half a hundredth of slack).
        assert!(
            c.bound <= best + 0.005,
            "{name}: bound {} above {best}",
            c.bound
        );
        assert_eq!(
            problem.objective_of(&sol.sites, &sol.assignment),
            Some(c.objective),
            "{name}: the assignment is feasible and priced as reported"
        );
        // Branch and bound with reduced-cost fixing closes both gaps: pmedcap1-1 proven
        // optimal, SJC1 to within round-off (measured: 4.7e-9 relative).
        if name == "pmedcap1-1" {
            assert_eq!(c.status, Status::Optimal, "{name}: {c:?}");
        }
        assert!(c.gap <= 1e-6, "{name}: {c:?}");
    }
    assert_eq!(
        orlib::parse_pmedcap(&read(&dir, "pmedcap/pmedcap1-1.txt"))
            .expect("readable")
            .listed_optimum,
        Some(known(&dir, "pmedcap/optimal.txt", "pmedcap1-1"))
    );
}

/// pmedcap1-13 and 1-16: without branching on assignments once every site of a node is
/// fixed, their bound stopped one unit short (1025 and 953); now both are proven optimal at
/// their published values.
#[test]
#[ignore = "needs ../shared/benchmarks or YANGLAO_BENCHMARKS; run with --ignored"]
fn pmedcap1_13_and_1_16_proven_by_assignment_branching() {
    let dir = benchmarks();
    for name in ["pmedcap1-13", "pmedcap1-16"] {
        assert_pmedcap_proven(&dir, name);
    }
}

/// pmedcap1-8: its relaxation's optimum is 771.67 (the Lagrangian dual, measured by column
/// generation with `tests/scripts/cpmp_bounds.py`), 5.9 % below the optimum 820; branching on
/// the site the relaxation chooses most nearly half the time closes the tree, which branching
/// on the chosen site of largest `ρ` did not (bound 797 within the same kind of budget).
#[test]
#[ignore = "needs ../shared/benchmarks or YANGLAO_BENCHMARKS; run with --ignored"]
fn pmedcap1_8_proven_by_fractional_branching() {
    assert_pmedcap_proven(&benchmarks(), "pmedcap1-8");
}

/// Solves the OR-Library capacitated instance `name` with the default options and requires
/// its published optimum, a feasible assignment priced as reported, and a proof.
fn assert_pmedcap_proven(dir: &Path, name: &str) {
    let optimum = known(dir, "pmedcap/optimal.txt", name);
    let instance =
        orlib::parse_pmedcap(&read(dir, &format!("pmedcap/{name}.txt"))).expect("readable");
    let problem = &instance.problem;
    let sol = problem.solve(&CapacitatedOptions::default());
    let c = sol.certificate;
    assert_eq!(
        problem.objective_of(&sol.sites, &sol.assignment),
        Some(c.objective),
        "{name}: the assignment is feasible and priced as reported"
    );
    assert!(
        c.bound <= optimum,
        "{name}: bound {} above {optimum}",
        c.bound
    );
    assert_eq!(c.objective, optimum, "{name}: {c:?}");
    assert_eq!(c.status, Status::Optimal, "{name}: {c:?}");
}
