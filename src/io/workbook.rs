//! Reading a table from an Excel or OpenDocument workbook (`.xlsx`, `.xlsm`, `.xls`, `.ods`)
//! with the `calamine` crate: the first sheet, the same columns and aliases as the CSV files.
//!
//! Every cell becomes the text the CSV reader would have seen, so the same validation applies:
//! numbers stored as text are read by the one number reader; whole numbers stored as numbers
//! are written without a decimal point (`620722100001`), other numbers in their shortest exact
//! form, and numbers of 10¹⁵ or more (beyond the 15 digits Excel keeps) in scientific notation,
//! so that an id turned into a float is flagged rather than taken as a different id. Error
//! cells (`#N/A`) and dates keep a text form that no number column accepts. Problems are
//! located as `file:sheet!cell`.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use crate::error::{Diagnostic, Diagnostics};
use crate::io::table::{ColumnSpec, Table};
use crate::io::text;

/// File extensions read as workbooks (lower case, without the dot).
pub const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "ods"];

/// Whether `path` names a workbook by its extension.
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|w| e.eq_ignore_ascii_case(w)))
}

/// Reads the first sheet of the workbook at `path` as a [`Table`] matched against `specs`;
/// with `allow_empty` a sheet with a header and no rows is valid.
pub fn read_table(
    path: &Path,
    specs: &[ColumnSpec],
    allow_empty: bool,
) -> Result<Table, Diagnostics> {
    let bytes = text::read_file(path).map_err(Diagnostics::from)?;
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        Diagnostic::new(
            path,
            0,
            0,
            format!("无法作为 Excel/WPS 工作簿打开：{e}"),
            format!("cannot be opened as a workbook: {e}"),
        )
    })?;
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Err(Diagnostic::new(
            path,
            0,
            0,
            "工作簿中没有工作表",
            "the workbook has no sheet",
        )
        .into());
    };
    let range = book.worksheet_range(&sheet).map_err(|e| {
        Diagnostic::new(
            path,
            0,
            0,
            format!("无法读取工作表「{sheet}」：{e}"),
            format!("cannot read sheet \"{sheet}\": {e}"),
        )
        .in_sheet(Some(&sheet))
    })?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let cells: Vec<Vec<String>> = range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect();
    Table::from_sheet(
        path,
        &sheet,
        cells,
        u64::from(first_row) + 1,
        u64::from(first_col),
        specs,
        allow_empty,
    )
}

/// The text a cell stands for, as the CSV reader would see it.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::Error(e) => format!("{e}"),
        Data::DateTime(d) => format!("<日期/date {}>", d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => format!("<日期/date {s}>"),
    }
}

/// Excel keeps 15 significant digits; a whole number below 10¹⁵ is exact.
const EXACT_LIMIT: f64 = 1e15;

/// A number cell as text: whole numbers without a decimal point, the rest in the shortest
/// form that reads back to the same double, and 10¹⁵ or more in scientific notation.
pub fn float_text(f: f64) -> String {
    if !f.is_finite() {
        format!("{f}")
    } else if f.abs() >= EXACT_LIMIT {
        format!("{f:E}")
    } else if f.fract() == 0.0 {
        // Exact below 10¹⁵, which is within i64.
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_cells_read_as_the_text_a_user_sees() {
        assert_eq!(float_text(620_722_100_001.0), "620722100001");
        assert_eq!(float_text(100.813), "100.813");
        assert_eq!(float_text(-0.5), "-0.5");
        assert_eq!(
            float_text(1.234_567_890_123_456_7e18),
            "1.2345678901234568E18"
        );
        assert_eq!(cell_text(&Data::String(" 1,234 ".into())), "1,234");
        assert_eq!(cell_text(&Data::Empty), "");
        assert_eq!(cell_text(&Data::Int(42)), "42");
    }

    #[test]
    fn extensions() {
        assert!(is_workbook(Path::new("d/villages.XLSX")));
        assert!(is_workbook(Path::new("villages.ods")));
        assert!(!is_workbook(Path::new("villages.csv")));
    }
}
