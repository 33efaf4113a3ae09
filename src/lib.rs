//! # yanglao — elderly-care facility and bed planning for county 十四五 targets
//!
//! Data flows one way: input files → [`model`] → travel → solve → plan → report.
//!
//! - [`model`]: villages, facilities, candidate sites, the region and the validated scenario.
//! - [`io`]: loading of the input contract (CSV in UTF-8/GBK or Excel/WPS workbooks with Chinese
//!   or English headers, one strict number reader, the scenario TOML, coordinate systems and
//!   China's outline) with located, bilingual diagnostics.
//! - [`travel`]: crow-fly and road-network travel times from villages to sites, as sparse
//!   reach lists.
//! - [`solve`]: optimisation on reach lists and weights: coverage (MCLP, LSCP, the curve),
//!   p-median and capacitated p-median, the multi-year bed model, capacitated assignment;
//!   every result with a proven bound.
//! - [`plan`]: a scenario turned into a plan: travel, then the day-care network.
//! - [`report`]: writers of a plan: `summary.json` and CSVs, written atomically.
//! - [`map`]: plotters maps and charts of a plan (PNG and SVG, Chinese labels, vendored font).
//! - [`numbers`]: rounding and fixed decimals for every output, never `-0`.
//! - [`error`]: the crate's error type and the diagnostic list that `yanglao check` prints.
//! - [`cli`]: one module per subcommand.

pub mod cli;
pub mod error;
pub mod io;
pub mod map;
pub mod model;
pub mod numbers;
pub mod plan;
pub mod report;
pub mod solve;
pub mod travel;
