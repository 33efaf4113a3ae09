//! The report's table model: one description of each table (header cells, rows of cells that
//! know how they read, an optional total row, notes), built once from a plan (`tables.rs`)
//! and rendered beside it as Markdown (`markdown.rs`), HTML (`html.rs`) and the workbook
//! (`workbook.rs`).
//!
//! A cell carries the text the report prints and the typed values behind it: a number with
//! its unit (people, a share, 万元, a year, degrees) or a piece of text. Markdown and HTML
//! print the text; the workbook writes the values, numbers as numbers with the number format
//! of their unit, one column per value where a cell shows several (`240 → 300`,
//! `1,460 (93.3%)`).

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

/// What a number counts and how it is shown (the workbook's number format in brackets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Whole people, beds or sites: `1,460` (`#,##0`).
    Count,
    /// A figure to one decimal, such as beds per 1000 elderly or minutes: `133.9`
    /// (`#,##0.0`).
    Decimal,
    /// A share in 0–1 shown as a percentage: `93.3%` (`0.0%`).
    Percent,
    /// Money in 万元: `1,234` (`#,##0.0`).
    Wan,
    /// WGS-84 degrees to six decimals (`0.000000`).
    Degrees,
    /// A year or a sequence number, no separator: `2025` (`0`).
    Plain,
}

impl Unit {
    /// The number format of the unit in a spreadsheet (Excel's format codes).
    pub fn number_format(self) -> &'static str {
        match self {
            Unit::Count => "#,##0",
            Unit::Decimal | Unit::Wan => "#,##0.0",
            Unit::Percent => "0.0%",
            Unit::Degrees => "0.000000",
            Unit::Plain => "0",
        }
    }
}

/// A typed value behind a cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Text.
    Text(String),
    /// A number in its unit (a share as 0–1, money in 万元).
    Number(f64, Unit),
    /// Nothing (a cell the report prints as `—`, or a part it leaves out).
    Empty,
}

/// One table cell: the text the report prints, how it reads, and the values behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// The text.
    pub text: String,
    /// How it reads.
    pub tone: Tone,
    /// The values behind the text, in the order it shows them; empty for a cell that is its
    /// text (or nothing, when the text is blank or `—`).
    pub values: Vec<Value>,
}

impl Cell {
    /// A text cell.
    pub(crate) fn text(s: impl Into<String>) -> Self {
        Cell {
            text: s.into(),
            tone: Tone::Plain,
            values: Vec::new(),
        }
    }

    /// A right-aligned cell printed as `s`; its values follow with [`Cell::of`].
    pub(crate) fn num(s: impl Into<String>) -> Self {
        Cell {
            text: s.into(),
            tone: Tone::Number,
            values: Vec::new(),
        }
    }

    /// The cell with one more value: the number `x` in `unit`.
    pub(crate) fn of(mut self, x: f64, unit: Unit) -> Self {
        self.values.push(Value::Number(x, unit));
        self
    }

    /// The cell with one more value: a piece of text.
    pub(crate) fn and_text(mut self, s: impl Into<String>) -> Self {
        self.values.push(Value::Text(s.into()));
        self
    }

    /// A whole number printed with thousands separators.
    pub(crate) fn count(x: f64) -> Self {
        Cell::num(crate::map::thousands(x)).of(x.round(), Unit::Count)
    }

    /// A year (or a sequence number).
    pub(crate) fn year(y: i32) -> Self {
        Cell::num(y.to_string()).of(f64::from(y), Unit::Plain)
    }

    /// Money in 万元, printed whole with separators or to one decimal.
    pub(crate) fn wan(x: f64) -> Self {
        Cell::num(money(x)).of(crate::numbers::round(x, 4), Unit::Wan)
    }

    /// A share in 0–1, printed as a percentage with one decimal.
    pub(crate) fn percent(x: f64) -> Self {
        Cell::num(crate::map::pct(x)).of(x, Unit::Percent)
    }

    /// 是 / 否 for a target met or missed, `—` without a target.
    pub(crate) fn met(met: Option<bool>, lang: Lang) -> Self {
        match met {
            Some(true) => Cell {
                tone: Tone::Good,
                ..Cell::text(lang.pick("是", "yes"))
            },
            Some(false) => Cell {
                tone: Tone::Bad,
                ..Cell::text(lang.pick("否", "no"))
            },
            None => Cell::text("—"),
        }
    }

    /// What the cell holds as values: its typed values, else its text (nothing when blank).
    pub fn parts(&self) -> Vec<Value> {
        if !self.values.is_empty() {
            return self.values.clone();
        }
        match self.text.trim() {
            "" | "—" | "–" => Vec::new(),
            t => vec![Value::Text(t.to_owned())],
        }
    }
}

/// Money in 万元 as the report prints it: whole with thousands separators, else to two
/// decimals with trailing zeros dropped ([`crate::numbers::wan`]), as the plan's sentences.
pub(crate) fn money(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        crate::map::thousands(x)
    } else {
        crate::numbers::wan(x)
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
    /// The workbook's header, one name per value column, where it differs from `header`
    /// with each compound column split by [`Table::sheet_header`]'s rule.
    pub sheet_header: Option<Vec<String>>,
}

impl Table {
    /// A table without totals, notes or a header of its own in the workbook.
    pub(crate) fn new(id: &'static str, header: Vec<String>, rows: Vec<Vec<Cell>>) -> Self {
        Table {
            id,
            header,
            rows,
            total: None,
            notes: Vec::new(),
            sheet_header: None,
        }
    }

    /// How many value columns each column takes in the workbook: the most values of any of
    /// its cells, at least one.
    pub fn widths(&self) -> Vec<usize> {
        (0..self.header.len())
            .map(|c| {
                self.rows
                    .iter()
                    .chain(self.total.iter())
                    .filter_map(|r| r.get(c))
                    .map(|cell| cell.parts().len())
                    .max()
                    .unwrap_or(1)
                    .max(1)
            })
            .collect()
    }

    /// The workbook's header: `sheet_header` where set; otherwise `header` with each
    /// two-value column split in two, `a → b` headers into their sides (`床位 现状 → 规划后`
    /// → `床位 现状`, `床位 规划后`), any other into the count and its share (`覆盖 现状`,
    /// `覆盖 现状 占比`).
    pub fn sheet_header(&self, lang: Lang) -> Vec<String> {
        if let Some(h) = &self.sheet_header {
            return h.clone();
        }
        let mut out = Vec::new();
        for (h, n) in self.header.iter().zip(self.widths()) {
            if n < 2 {
                out.push(h.clone());
            } else if let Some((left, right)) = h.split_once(" → ") {
                let stem = left.rsplit_once(' ').map_or("", |(s, _)| s);
                out.push(left.to_owned());
                out.push(if stem.is_empty() {
                    right.to_owned()
                } else {
                    format!("{stem} {right}")
                });
            } else {
                out.push(h.clone());
                out.push(format!("{h}{}", lang.pick(" 占比", " (share)")));
                for k in 2..n {
                    out.push(format!("{h} {}", k + 1));
                }
            }
        }
        out
    }
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
