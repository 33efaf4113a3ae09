//! Loading the input contract: CSV tables in any common encoding or Excel/WPS workbooks with
//! Chinese or English headers, one strict number reader, the scenario TOML, region outlines,
//! China's outline and coordinate systems.

pub mod china;
pub mod crs;
pub mod decisions;
pub mod geojson;
pub mod number;
pub mod output;
pub mod region;
pub mod scenario;
pub mod table;
pub mod text;
pub mod workbook;

use std::path::Path;

use crate::error::Diagnostics;
use crate::model::{Region, Scenario};

/// A scenario and its region, both valid.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The validated scenario.
    pub scenario: Scenario,
    /// Its region's data.
    pub region: Region,
    /// Things read that the user should know of but that are not errors (full-width digits
    /// read as ASCII, points far outside the region's outline), located like diagnostics.
    pub notes: Diagnostics,
}

/// Reads and validates a scenario file and the data folder it names; every problem at once.
pub fn load(path: &Path) -> Result<Loaded, Diagnostics> {
    load_with(path, &[])
}

/// [`load`], with decisions files laid over the scenario's own decisions in order (the last
/// one wins per id; see [`crate::model::decisions`]).
pub fn load_with(
    path: &Path,
    decision_files: &[std::path::PathBuf],
) -> Result<Loaded, Diagnostics> {
    let mut scenario = scenario::load_scenario(path)?;
    let (region, notes) = region::load_region_with_notes(
        &scenario.data,
        region::LoadOptions {
            crs: scenario.crs,
            china_bounds: scenario.china_bounds,
        },
    )?;
    // Township kinds the scenario names must be townships of the villages.
    let mut bad = Diagnostics::default();
    let text = std::fs::read_to_string(&scenario.path).unwrap_or_default();
    for name in scenario.day_care.township_kinds.keys() {
        if !region.villages.iter().any(|v| &v.township == name) {
            // Located at the line that names it (the validated scenario keeps no spans).
            let line = text
                .lines()
                .position(|l| l.contains(name.as_str()) && l.contains('='))
                .map_or(0, |i| i as u64 + 1);
            bad.push(crate::error::Diagnostic::new(
                &scenario.path,
                line,
                u64::from(line > 0),
                format!("「day_care.township_kinds」中的「{name}」不是任何村/社区所属的乡镇"),
                format!(
                    "\"{name}\" in \"day_care.township_kinds\" is not the township of any village"
                ),
            ));
        }
    }
    // Decisions: the candidates' status column, then the scenario's, then the files given.
    let mut all = decisions::from_candidates(&scenario.data).unwrap_or_else(|d| {
        bad.extend(d);
        crate::model::Decisions::default()
    });
    all.overlay(std::mem::take(&mut scenario.decisions));
    for file in decision_files {
        match decisions::read_file(file) {
            Ok(d) => all.overlay(d),
            Err(d) => bad.extend(d),
        }
    }
    scenario.decisions = all;
    if bad.is_empty() {
        bad.extend(decisions::validate(&scenario, &region));
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    Ok(Loaded {
        scenario,
        region,
        notes,
    })
}
