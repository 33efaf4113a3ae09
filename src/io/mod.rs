//! Loading the input contract: CSV tables in any common encoding with Chinese or English
//! headers, the scenario TOML, region outlines and coordinate systems.

pub mod crs;
pub mod geojson;
pub mod region;
pub mod scenario;
pub mod table;
pub mod text;

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
}

/// Reads and validates a scenario file and the data folder it names; every problem at once.
pub fn load(path: &Path) -> Result<Loaded, Diagnostics> {
    let scenario = scenario::load_scenario(path)?;
    let region = region::load_region(
        &scenario.data,
        region::LoadOptions {
            crs: scenario.crs,
            china_bounds: scenario.china_bounds,
        },
    )?;
    Ok(Loaded { scenario, region })
}
