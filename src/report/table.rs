//! The report's table model: one description of each table (header cells, rows of cells that
//! know how they read, an optional total row, notes), built once from a plan and rendered
//! beside it as Markdown (`markdown.rs`), HTML (`html.rs`) and the workbook (`workbook.rs`).

use crate::map::Lang;
use crate::plan::Plan;

/// How a cell reads at a glance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Plain text.
    Plain,
    /// A number (right-aligned).
    Number,
    /// A target met.
    Good,
    /// A target missed.
    Bad,
}

/// One table cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// The text.
    pub text: String,
    /// How it reads.
    pub tone: Tone,
}

impl Cell {
    pub(crate) fn text(s: impl Into<String>) -> Self {
        Cell {
            text: s.into(),
            tone: Tone::Plain,
        }
    }

    pub(crate) fn num(s: impl Into<String>) -> Self {
        Cell {
            text: s.into(),
            tone: Tone::Number,
        }
    }

    pub(crate) fn met(met: Option<bool>, lang: Lang) -> Self {
        match met {
            Some(true) => Cell {
                text: lang.pick("是", "yes").to_owned(),
                tone: Tone::Good,
            },
            Some(false) => Cell {
                text: lang.pick("否", "no").to_owned(),
                tone: Tone::Bad,
            },
            None => Cell::text("—"),
        }
    }
}

/// A table of the report.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// HTML id.
    pub id: &'static str,
    /// Column headers.
    pub header: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
    /// A last row of totals, when the table has one.
    pub total: Option<Vec<Cell>>,
    /// Notes printed under the table.
    pub notes: Vec<String>,
}

/// The header of the baseline column of the indicator tables: `现状 (2023)`, with the
/// scenario's base year.
pub(crate) fn baseline_header(plan: &Plan, lang: Lang) -> String {
    format!(
        "{} ({})",
        lang.pick("现状", "Baseline"),
        plan.scenario.base_year
    )
}

/// The definitions of the plan's indicators, one `name: definition` line each, printed under
/// the indicator table and the indicator sheet.
pub(crate) fn indicator_definitions(plan: &Plan, lang: Lang) -> Vec<String> {
    plan.indicators
        .definitions
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                lang.pick(d.indicator.zh(), d.indicator.en()),
                lang.pick(&d.zh, &d.en)
            )
        })
        .collect()
}
