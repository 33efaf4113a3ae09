//! `report.xlsx`: the tables analysts take into Excel, as numbers rather than text: the
//! report's own tables ([`super::tables`]), each cell written as its typed values.
//!
//! Five to seven sheets, headers in the report's language (Chinese by default), each with a frozen,
//! bold header row repeated on every printed page, an autofilter, column widths fit to their
//! contents and number formats that show what the report shows (shares as `0.0%`, people and
//! beds as `#,##0`, money in 万元 as `#,##0.0`, coordinates to six decimals), set to print
//! landscape on A4, one page wide:
//!
//! 1. 指标 / Indicators: the indicator table — baseline, target (its rule and its value in
//!    two columns), planned, met — with its notes underneath;
//! 2. 项目 / Projects: the proposed projects of the report, in its order, with name and id,
//!    township and coordinates, and new, converted and re-designated beds in columns of
//!    their own, and the total;
//! 3. 乡镇 / Townships: the township table of the report, compound cells (`240 → 300`,
//!    `1,460 (100.0%)`) split into one numeric column each;
//! 4. 村社区 / Villages: the per-village results, as in `villages.csv`;
//! 5. 预算与目标 / Budget and targets: the trade-off of a budget sweep, when the scenario
//!    has one — budget, spend and overrun, coverage, new sites, targets met of how many, the
//!    ones missed;
//! 6. 决定的代价 / Decisions: the price of the scenario's decisions, when it has any;
//! 7. 求解证明 / Certificate: each optimisation's status, objective, value and proven bound
//!    (sites and elderly as `#,##0`, 万元 as `#,##0.0`), gap (`0.0%`) and seed (as text: a
//!    64-bit seed does not fit a spreadsheet number).
//!
//! Written with `rust_xlsxwriter`, whose files Excel, WPS and LibreOffice open without a
//! repair prompt; the document's creation time is fixed so that one plan always gives the
//! same bytes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::table::{Table, Unit, Value};
use super::tables;
use crate::map::Lang;
use crate::plan::Plan;

/// The bytes of `report.xlsx` for a plan.
///
/// # Errors
///
/// Only what `rust_xlsxwriter` reports (a sheet name or a cell outside Excel's limits, which
/// the fixed names and the row count of a county never reach).
pub fn report_xlsx(plan: &Plan, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut sheets = vec![
        (
            lang.pick("指标", "Indicators"),
            tables::indicator_table(plan, lang),
        ),
        (
            lang.pick("项目", "Projects"),
            tables::project_table(plan, lang),
        ),
        (
            lang.pick("乡镇", "Townships"),
            tables::township_table(plan, lang),
        ),
        (
            lang.pick("村社区", "Villages"),
            tables::village_table(plan, lang),
        ),
    ];
    if let Some(t) = tables::tradeoff_table(plan, lang) {
        sheets.push((lang.pick("预算与目标", "Budget and targets"), t));
    }
    if let Some(t) = tables::decisions_table(plan, lang) {
        sheets.push((lang.pick("决定的代价", "Decisions"), t));
    }
    sheets.push((
        lang.pick("求解证明", "Certificate"),
        tables::certificate_table(plan, lang),
    ));
    let mut book = Workbook::new();
    // A fixed creation time (the ZIP epoch): the same plan gives the same bytes.
    let created = ExcelDateTime::from_ymd(1980, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(&plan.scenario.name)
            .set_creation_datetime(&created),
    );
    for (name, table) in &sheets {
        write_sheet(book.add_worksheet(), name, table, lang)?;
    }
    book.save_to_buffer()
}

/// The values of a table's rows (the total last), one per value column: each cell's values
/// padded with empties to its column's width.
fn sheet_rows(t: &Table) -> Vec<Vec<Value>> {
    let widths = t.widths();
    t.rows
        .iter()
        .chain(t.total.iter())
        .map(|row| {
            let mut out = Vec::new();
            for (cell, &n) in row.iter().zip(&widths) {
                let mut parts = cell.parts();
                parts.resize(n, Value::Empty);
                out.extend(parts);
            }
            out
        })
        .collect()
}

/// Width of `s` in Excel's character units: CJK and full-width characters count two.
fn display_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2.0 } else { 1.0 })
        .sum()
}

/// One sheet: the table's header (frozen, bold, repeated on printed pages), its values
/// (numbers in their unit's number format), its notes underneath.
fn write_sheet(ws: &mut Worksheet, name: &str, t: &Table, lang: Lang) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let header = t.sheet_header(lang);
    let rows = sheet_rows(t);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DDEBF7")
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let text = Format::new();
    let formats = [
        Unit::Count,
        Unit::Decimal,
        Unit::Percent,
        Unit::Wan,
        Unit::Degrees,
        Unit::Plain,
    ]
    .map(|n| (n, Format::new().set_num_format(n.number_format())));
    let mut widths: Vec<f64> = header.iter().map(|h| display_width(h)).collect();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &head)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let col = c as u16;
            let shown = match v {
                Value::Text(s) => {
                    ws.write_string_with_format(r, col, s, &text)?;
                    display_width(s)
                }
                Value::Number(x, n) => {
                    let f = &formats
                        .iter()
                        .find(|(k, _)| k == n)
                        .expect("every format")
                        .1;
                    ws.write_number_with_format(r, col, *x + 0.0, f)?;
                    // What the format shows: digits, separators, a decimal or a percent sign.
                    match n {
                        Unit::Percent => 7.0,
                        Unit::Degrees => 12.0,
                        _ => (x.abs().max(1.0).log10().floor() + 1.0) * 4.0 / 3.0 + 3.0,
                    }
                }
                Value::Empty => 0.0,
            };
            if let Some(w) = widths.get_mut(c) {
                *w = w.max(shown);
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (w + 2.0).clamp(6.0, 48.0))?;
    }
    let last_row = rows.len() as u32;
    let last_col = header.len().saturating_sub(1) as u16;
    ws.set_freeze_panes(1, 0)?;
    // The total row stays out of the autofilter: sorting would move it.
    let filtered = last_row - u32::from(t.total.is_some());
    if filtered > 0 {
        ws.autofilter(0, 0, filtered, last_col)?;
    }
    for (i, note) in t.notes.iter().enumerate() {
        ws.write_string(last_row + 2 + i as u32, 0, note)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::Cell;

    #[test]
    fn compound_cells_split_into_value_columns_with_their_headers() {
        let t = Table {
            total: Some(vec![
                Cell::text("合计"),
                Cell::num("—"),
                Cell::num("240 → 300")
                    .of(240.0, Unit::Count)
                    .of(300.0, Unit::Count),
            ]),
            ..Table::new(
                "t",
                vec![
                    "乡镇/街道".into(),
                    "覆盖 现状".into(),
                    "床位 现状 → 规划后".into(),
                ],
                vec![vec![
                    Cell::text("洪水街道"),
                    Cell::num("1,460 (93.3%)")
                        .of(1460.0, Unit::Count)
                        .of(0.9331, Unit::Percent),
                    Cell::num("—"),
                ]],
            )
        };
        assert_eq!(
            t.sheet_header(Lang::Zh),
            [
                "乡镇/街道",
                "覆盖 现状",
                "覆盖 现状 占比",
                "床位 现状",
                "床位 规划后"
            ]
        );
        let rows = sheet_rows(&t);
        assert_eq!(
            rows[0],
            [
                Value::Text("洪水街道".into()),
                Value::Number(1460.0, Unit::Count),
                Value::Number(0.9331, Unit::Percent),
                Value::Empty,
                Value::Empty,
            ]
        );
        assert_eq!(rows[1][0], Value::Text("合计".into()));
        assert_eq!(rows[1][1..3], [Value::Empty, Value::Empty]);
        assert_eq!(rows[1][4], Value::Number(300.0, Unit::Count));
    }
}
