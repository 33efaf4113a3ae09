//! Loading the input contract: CSV tables in any common encoding with Chinese or English
//! headers, the scenario TOML, region outlines and coordinate systems.

pub mod crs;
pub mod geojson;
pub mod region;
pub mod scenario;
pub mod table;
pub mod text;
