//! The bundled data and scenarios: every seed scenario validates, the row counts are the real
//! 村/社区 counts, and the calibrated totals match the figures documented in data/README.md.

use std::path::Path;

use yanglao::model::FacilityType;

/// One region's documented figures.
struct Expected {
    scenario: &'static str,
    villages: usize,
    beds: u64,
    beds_per_1000: f64,
    nursing_share: Option<f64>,
    counts: &'static [(FacilityType, usize)],
}

const EXPECTED: &[Expected] = &[
    // 民乐: 2,072 beds at 43 per 1000 (plan 004 L33), nursing 3.8 % (L115), 117 rural
    // day-care centres (L361) plus 10 urban ones chosen for the data.
    Expected {
        scenario: "minle",
        villages: 191,
        beds: 2072,
        beds_per_1000: 43.0,
        nursing_share: Some(0.038),
        counts: &[
            (FacilityType::DayCare, 127),
            (FacilityType::Comprehensive, 0),
        ],
    },
    // 江海: 46.2 beds per 1000 (plan 003 L128), 57 stations (L87).
    Expected {
        scenario: "jianghai",
        villages: 63,
        beds: 1406,
        beds_per_1000: 46.2,
        nursing_share: None,
        counts: &[(FacilityType::Station, 57)],
    },
    // 晋江: 7,326 beds at 39.3 per 1000 (plan 000 L82), 325 stations (L82).
    Expected {
        scenario: "jinjiang",
        villages: 405,
        beds: 7326,
        beds_per_1000: 39.3,
        nursing_share: None,
        counts: &[(FacilityType::Station, 325)],
    },
    // 泰州: 42.3 per 1000 (plan 002 L14), nursing 55 % (L70–74), 23 day-care centres and 941
    // community centres (L14).
    Expected {
        scenario: "taizhou",
        villages: 1745,
        beds: 60971,
        beds_per_1000: 42.3,
        nursing_share: Some(0.55),
        counts: &[(FacilityType::DayCare, 23), (FacilityType::Station, 941)],
    },
    // 福建: 247,500 beds at 37.1 per 1000, 1,141 institutions, 662 day-care centres (plan 001
    // L42–44).
    Expected {
        scenario: "fujian",
        villages: 17498,
        beds: 247_500,
        beds_per_1000: 37.1,
        nursing_share: None,
        counts: &[
            (FacilityType::Institution, 1141),
            (FacilityType::DayCare, 662),
        ],
    },
];

#[test]
fn every_seed_scenario_loads_with_its_documented_figures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for e in EXPECTED {
        let path = root.join("seeds").join(format!("{}.toml", e.scenario));
        let loaded = yanglao::io::load(&path)
            .unwrap_or_else(|d| panic!("{} does not validate:\n{d}", path.display()));
        let b = loaded.region.baseline(
            &loaded.scenario.indicators,
            &loaded.scenario.day_care.township_kinds,
        );
        assert_eq!(b.villages, e.villages, "{}", e.scenario);
        assert_eq!(b.beds, e.beds, "{}", e.scenario);
        let per_1000 = b.beds_per_1000.expect("elderly > 0");
        assert!(
            (per_1000 - e.beds_per_1000).abs() < 0.05,
            "{}: {per_1000}",
            e.scenario
        );
        if let Some(share) = e.nursing_share {
            let got = b.nursing_share.expect("beds > 0");
            assert!(
                (got - share).abs() < 0.0005,
                "{}: nursing share {got}",
                e.scenario
            );
        }
        for (kind, n) in e.counts {
            assert_eq!(b.facilities_by_type[kind], *n, "{} {kind}", e.scenario);
        }
        assert!(
            !loaded.region.boundary.is_empty(),
            "{} has an outline",
            e.scenario
        );
        assert!(
            !loaded.region.candidates.is_empty(),
            "{} has candidates",
            e.scenario
        );
    }
}

#[test]
fn bundled_data_stays_small() {
    fn size(p: &Path) -> u64 {
        if p.is_dir() {
            std::fs::read_dir(p)
                .expect("readable")
                .map(|e| size(&e.expect("entry").path()))
                .sum()
        } else {
            p.metadata().map_or(0, |m| m.len())
        }
    }
    let bytes = size(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data"));
    assert!(bytes < 8 * 1024 * 1024, "data/ is {bytes} bytes");
}
