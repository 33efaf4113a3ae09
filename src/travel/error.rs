//! What can go wrong while building a travel model. Input problems are the crate's located,
//! bilingual [`Diagnostic`](crate::error::Diagnostic)s, so that `yanglao check` can list them
//! with everything else.

use std::path::PathBuf;

use crate::error::Diagnostics;

/// An error of the travel models: the road file is unreadable, malformed or empty.
#[derive(Debug, thiserror::Error)]
pub enum TravelError {
    /// Problems in the road file, each located at file, line and column.
    #[error("道路文件有 {} 处问题 / {} problem(s) in the road file:\n{}", .0.len(), .0.len(), .0)]
    Roads(Diagnostics),
    /// Problems in the origin–destination file, each located at file, line and column.
    #[error("起讫点时间文件有 {} 处问题 / {} problem(s) in the origin–destination file:\n{}", .0.len(), .0.len(), .0)]
    Matrix(Diagnostics),
    /// The OpenStreetMap file could not be decoded.
    #[error(
        "{}: 无法读取 OpenStreetMap 文件：{message} / cannot read the OpenStreetMap file: {message}",
        path.display()
    )]
    Osm {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        message: String,
    },
    /// The reachable pairs would need more memory than the scenario's budget allows.
    #[error(
        "{minutes} 分钟内可达的村–站点对超过 {max_pairs} 对，按每对约 {bytes} 字节计超出了 {memory_mb} MB 的内存预算；请减小 travel.minutes（或 beds.catchment_minutes）、减少候选点，或在情景文件的 [limits] 中调高 memory_mb / more than {max_pairs} village–site pairs lie within {minutes} minutes: at about {bytes} bytes a pair they exceed the memory budget of {memory_mb} MB; lower travel.minutes (or beds.catchment_minutes), use fewer candidates, or raise memory_mb under [limits] in the scenario",
        bytes = super::BYTES_PER_PAIR
    )]
    MemoryBudget {
        /// The most pairs the budget allows.
        max_pairs: usize,
        /// The time bound of the search, in minutes.
        minutes: f64,
        /// The budget, in MB.
        memory_mb: u32,
    },
    /// The file has no road that any travel profile may use.
    #[error("{}: 没有可用的道路 / no usable road in the file", path.display())]
    NoRoads {
        /// The file.
        path: PathBuf,
    },
}

impl TravelError {
    /// Whether the error lies in the input files (an unreadable or empty road file) rather
    /// than in the run's limits.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, TravelError::Osm { .. } | TravelError::NoRoads { .. })
    }

    /// The located problems of a road or matrix table, if that is what went wrong.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            TravelError::Roads(d) | TravelError::Matrix(d) => Some(d),
            TravelError::Osm { .. }
            | TravelError::NoRoads { .. }
            | TravelError::MemoryBudget { .. } => None,
        }
    }
}
