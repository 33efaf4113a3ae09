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
    /// The file has no road that any travel profile may use.
    #[error("{}: 没有可用的道路 / no usable road in the file", path.display())]
    NoRoads {
        /// The file.
        path: PathBuf,
    },
}

impl TravelError {
    /// The located problems, when the error is about the content of a road file.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            TravelError::Roads(d) | TravelError::Matrix(d) => Some(d),
            TravelError::Osm { .. } | TravelError::NoRoads { .. } => None,
        }
    }
}
