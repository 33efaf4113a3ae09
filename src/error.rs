//! Errors and located, bilingual diagnostics.
//!
//! Input problems are collected as [`Diagnostic`]s, each with file, line and column and a
//! message in Chinese and English, so that `yanglao check` reports all of them at once.
//! Everything else is an [`Error`] with its context.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in an input file.
///
/// Displayed as `file:line:column: 中文 / English`. Lines and columns count from 1; for CSV
/// files the column is the field number (1 = first column), for TOML the character column.
/// Line 0 means the whole file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file, as the user named it (or as resolved from the scenario).
    pub path: PathBuf,
    /// Line, from 1; 0 for the file as a whole.
    pub line: u64,
    /// Column, from 1; 0 for the line as a whole.
    pub column: u64,
    /// The message in Chinese.
    pub zh: String,
    /// The message in English.
    pub en: String,
    /// For a workbook, the sheet; `line` is then the row and `column` the column (1 = A),
    /// displayed as `file:sheet!B3`.
    pub sheet: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at `path:line:column`.
    pub fn new(
        path: &Path,
        line: u64,
        column: u64,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            path: path.to_path_buf(),
            line,
            column,
            zh: zh.into(),
            en: en.into(),
            sheet: None,
        }
    }

    /// The same diagnostic located in a workbook's sheet.
    pub fn in_sheet(mut self, sheet: Option<&str>) -> Self {
        self.sheet = sheet.map(str::to_owned);
        self
    }
}

/// A spreadsheet column's letters: 1 → `A`, 27 → `AA`.
pub fn column_letters(mut column: u64) -> String {
    let mut out = Vec::new();
    while column > 0 {
        let rem = ((column - 1) % 26) as u8;
        out.push(b'A' + rem);
        column = (column - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(sheet) = &self.sheet {
            let place = match (self.line, self.column) {
                (0, _) => String::new(),
                (row, 0) => format!("!{row}:{row}"),
                (row, col) => format!("!{}{row}", column_letters(col)),
            };
            return write!(
                f,
                "{}:{sheet}{place}: {} / {}",
                self.path.display(),
                self.zh,
                self.en
            );
        }
        write!(
            f,
            "{}:{}:{}: {} / {}",
            self.path.display(),
            self.line,
            self.column,
            self.zh,
            self.en
        )
    }
}

/// A list of diagnostics, kept in file, line, column order when displayed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Moves all of `other` in.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Sorts by file, line and column, keeping the order of messages at the same place.
    pub fn sort(&mut self) {
        self.0
            .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    }

    /// `Ok(value)` when there are no diagnostics, else the sorted list as an error.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Error> {
        if self.is_empty() {
            Ok(value)
        } else {
            self.sort();
            Err(Error::Input(self))
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// The crate's error type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The inputs have problems; every one is listed.
    #[error("{} 处输入问题 / {} input problem(s):\n{}", .0.len(), .0.len(), .0)]
    Input(Diagnostics),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

impl Error {
    /// The diagnostics of an input error, if this is one.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            Error::Input(d) => Some(d),
            Error::Io { .. } => None,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workbook_places_read_as_sheet_and_cell() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(703), "AAA");
        let d = Diagnostic::new(Path::new("v.xlsx"), 5, 6, "错", "bad");
        assert_eq!(d.to_string(), "v.xlsx:5:6: 错 / bad");
        let d = d.in_sheet(Some("名单"));
        assert_eq!(d.to_string(), "v.xlsx:名单!F5: 错 / bad");
        let row = Diagnostic::new(Path::new("v.xlsx"), 5, 0, "错", "bad").in_sheet(Some("S"));
        assert_eq!(row.to_string(), "v.xlsx:S!5:5: 错 / bad");
        let whole = Diagnostic::new(Path::new("v.xlsx"), 0, 0, "错", "bad").in_sheet(Some("S"));
        assert_eq!(whole.to_string(), "v.xlsx:S: 错 / bad");
    }
}
