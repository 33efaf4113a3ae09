//! `report.xlsx`: the tables analysts take into Excel, as numbers rather than text.
//!
//! Four sheets, headers in the report's language (Chinese by default), each with a frozen,
//! bold header row repeated on every printed page, an autofilter, column widths fit to their
//! contents and number formats that show what the report shows (shares as `0.0%`, people and
//! beds as `#,##0`, money in 万元 as `#,##0.0`, coordinates to six decimals), set to print
//! landscape on A4, one page wide:
//!
//! 1. 指标 / Indicators: every indicator row and year — baseline, target, planned, met — with
//!    the definitions underneath;
//! 2. 项目 / Projects: the proposed projects ordered by year, as in `proposals.csv`;
//! 3. 乡镇 / Townships: the township table of the report, compound cells (`240 → 300`,
//!    `1,460 (100.0%)`) split into one numeric column each;
//! 4. 村社区 / Villages: the per-village results, as in `villages.csv`.
//!
//! Written with `rust_xlsxwriter`, whose files Excel, WPS and LibreOffice open without a
//! repair prompt; the document's creation time is fixed so that one plan always gives the
//! same bytes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::markdown;
use super::table::{self, Cell, Table, Tone};
use crate::map::Lang;
use crate::model::Indicator;
use crate::plan::Plan;

/// How a column's numbers are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Num {
    /// Whole numbers with thousands separators.
    Count,
    /// One decimal with separators (money in 万元, figures per 1000).
    Decimal,
    /// A share in 0–1 shown as a percentage with one decimal.
    Share,
    /// Degrees to six decimals.
    Degrees,
    /// A year or a sequence number, no separator.
    Plain,
}

impl Num {
    fn format(self) -> &'static str {
        match self {
            Num::Count => "#,##0",
            Num::Decimal => "#,##0.0",
            Num::Share => "0.0%",
            Num::Degrees => "0.000000",
            Num::Plain => "0",
        }
    }
}

/// One value of a sheet.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Text(String),
    Number(f64, Num),
    Empty,
}

/// A sheet before it is written: a header row, rows, notes under them.
struct Sheet {
    name: String,
    header: Vec<String>,
    rows: Vec<Vec<Value>>,
    /// Whether the last row is a total, kept out of the autofilter (sorting would move it).
    total: bool,
    notes: Vec<String>,
}

/// The bytes of `report.xlsx` for a plan.
///
/// # Errors
///
/// Only what `rust_xlsxwriter` reports (a sheet name or a cell outside Excel's limits, which
/// the fixed names and the row count of a county never reach).
pub fn report_xlsx(plan: &Plan, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut sheets = vec![
        indicator_sheet(plan, lang),
        project_sheet(plan, lang),
        table_sheet(
            lang.pick("乡镇", "Townships"),
            &markdown::township_table(plan, lang),
            lang,
        ),
        village_sheet(plan, lang),
    ];
    if let Some(t) = markdown::decisions_table(plan, lang) {
        sheets.push(table_sheet(lang.pick("决定的代价", "Decisions"), &t, lang));
    }
    let mut book = Workbook::new();
    // A fixed creation time (the ZIP epoch): the same plan gives the same bytes.
    let created = ExcelDateTime::from_ymd(1980, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(&plan.scenario.name)
            .set_creation_datetime(&created),
    );
    for sheet in &sheets {
        write_sheet(book.add_worksheet(), sheet)?;
    }
    book.save_to_buffer()
}

/// Width of `s` in Excel's character units: CJK and full-width characters count two.
fn display_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2.0 } else { 1.0 })
        .sum()
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet) -> Result<(), XlsxError> {
    ws.set_name(&sheet.name)?;
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DDEBF7")
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let text = Format::new();
    let formats = [
        Num::Count,
        Num::Decimal,
        Num::Share,
        Num::Degrees,
        Num::Plain,
    ]
    .map(|n| (n, Format::new().set_num_format(n.format())));
    let mut widths: Vec<f64> = sheet.header.iter().map(|h| display_width(h)).collect();
    for (c, h) in sheet.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &head)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
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
                        Num::Share => 7.0,
                        Num::Degrees => 12.0,
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
    let last_row = sheet.rows.len() as u32;
    let last_col = sheet.header.len().saturating_sub(1) as u16;
    ws.set_freeze_panes(1, 0)?;
    let filtered = last_row - u32::from(sheet.total);
    if filtered > 0 {
        ws.autofilter(0, 0, filtered, last_col)?;
    }
    for (i, note) in sheet.notes.iter().enumerate() {
        ws.write_string(last_row + 2 + i as u32, 0, note)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

/// The indicator rows as numbers: baseline, target (with its sign in its own column),
/// planned, met.
fn indicator_sheet(plan: &Plan, lang: Lang) -> Sheet {
    let rows = plan
        .indicators
        .rows
        .iter()
        .map(|r| {
            let per_unit = matches!(r.indicator, Indicator::PerStreet | Indicator::PerCounty);
            let num = |x: f64| {
                if r.indicator.is_share() {
                    Value::Number(x, Num::Share)
                } else if r.indicator == Indicator::NewBeds {
                    Value::Number(x, Num::Count)
                } else {
                    Value::Number(x, Num::Decimal)
                }
            };
            let (baseline, target, planned) = if per_unit {
                // Streets (or counties) meeting the rule, of all.
                let n = r.denominator;
                (
                    Value::Number((r.baseline * n).round(), Num::Count),
                    r.target.map(|_| Value::Number(n, Num::Count)),
                    Value::Number(r.numerator, Num::Count),
                )
            } else {
                (
                    if r.indicator == Indicator::NewBeds {
                        Value::Empty
                    } else {
                        num(r.baseline)
                    },
                    r.target.map(|g| num(g.value)),
                    num(r.planned),
                )
            };
            vec![
                Value::Text(markdown::indicator_name(plan, r.indicator, lang)),
                Value::Number(f64::from(r.year), Num::Plain),
                baseline,
                r.target.map_or(Value::Empty, |g| {
                    Value::Text(format!(
                        "{}{}",
                        g.sign(),
                        if g.binding {
                            ""
                        } else {
                            lang.pick(" (预期性)", " (expected)")
                        }
                    ))
                }),
                target.unwrap_or(Value::Empty),
                planned,
                Value::Text(Cell::met(r.met, lang).text),
            ]
        })
        .collect();
    let notes = table::indicator_definitions(plan, lang);
    Sheet {
        name: lang.pick("指标", "Indicators").to_owned(),
        header: [
            lang.pick("指标", "Indicator"),
            lang.pick("年份", "Year"),
            &table::baseline_header(plan, lang),
            lang.pick("目标要求", "Target rule"),
            lang.pick("目标", "Target"),
            lang.pick("规划后", "Planned"),
            lang.pick("是否达标", "Met"),
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
        total: false,
        notes,
    }
}

/// The proposed projects ordered by year (stable: within a year, the report's order).
fn project_sheet(plan: &Plan, lang: Lang) -> Sheet {
    let mut list = markdown::projects(plan);
    list.sort_by_key(|p| p.year);
    let count = |n: u32| Value::Number(f64::from(n), Num::Count);
    let rows = list
        .iter()
        .map(|p| {
            vec![
                Value::Number(f64::from(p.year), Num::Plain),
                Value::Text(p.id.clone()),
                Value::Text(p.name.clone()),
                Value::Text(p.kind.name(lang).to_owned()),
                Value::Text(p.township.clone()),
                Value::Number(p.lon, Num::Degrees),
                Value::Number(p.lat, Num::Degrees),
                count(p.new_beds),
                count(p.converted_beds),
                count(p.designated_beds),
                Value::Number(p.newly_covered_elderly.round(), Num::Count),
                Value::Number(super::round(p.cost_wan, 4), Num::Decimal),
            ]
        })
        .collect();
    Sheet {
        name: lang.pick("项目", "Projects").to_owned(),
        header: [
            lang.pick("年份", "Year"),
            lang.pick("编号", "Id"),
            lang.pick("名称", "Name"),
            lang.pick("类型", "Type"),
            lang.pick("乡镇/街道", "Township"),
            lang.pick("经度 (WGS-84)", "Longitude (WGS-84)"),
            lang.pick("纬度 (WGS-84)", "Latitude (WGS-84)"),
            lang.pick("新增床位", "New beds"),
            lang.pick("改造为护理型床位", "Beds converted to nursing"),
            lang.pick("转为公益性床位", "Beds re-designated as public"),
            lang.pick("新增覆盖老年人", "Elderly newly served"),
            lang.pick("投资 (万元)", "Cost (10k yuan)"),
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
        total: false,
        notes: Vec::new(),
    }
}

/// The per-village results of `villages.csv`, with names for the codes.
fn village_sheet(plan: &Plan, lang: Lang) -> Sheet {
    let yes_no = |b: bool| {
        Value::Text(
            if b {
                lang.pick("是", "yes")
            } else {
                lang.pick("否", "no")
            }
            .to_owned(),
        )
    };
    let rows = plan
        .day_care
        .villages
        .iter()
        .map(|r| {
            let v = &plan.region.villages[r.village.get()];
            let (site_id, site_name) = r
                .site
                .map(|s| super::site_label(plan, s))
                .unwrap_or_default();
            vec![
                Value::Text(v.id.clone()),
                Value::Text(v.name.clone()),
                Value::Text(v.township.clone()),
                Value::Text(
                    match v.kind {
                        crate::model::AreaKind::Urban => lang.pick("城镇", "urban"),
                        crate::model::AreaKind::Rural => lang.pick("农村", "rural"),
                    }
                    .to_owned(),
                ),
                Value::Number(f64::from(v.elderly), Num::Count),
                yes_no(r.covered_before),
                yes_no(r.covered),
                Value::Number(r.served_before, Num::Count),
                Value::Number(r.served, Num::Count),
                Value::Text(site_id),
                Value::Text(site_name),
                r.minutes.map_or(Value::Empty, |m| {
                    Value::Number(super::round(m, 1), Num::Decimal)
                }),
            ]
        })
        .collect();
    Sheet {
        name: lang.pick("村社区", "Villages").to_owned(),
        header: [
            lang.pick("编号", "Id"),
            lang.pick("名称", "Name"),
            lang.pick("乡镇/街道", "Township"),
            lang.pick("类型", "Kind"),
            lang.pick("老年人口", "Elderly"),
            lang.pick("现状是否覆盖", "Covered today"),
            lang.pick("规划后是否覆盖", "Covered planned"),
            lang.pick("现状服务老年人", "Served today"),
            lang.pick("规划后服务老年人", "Served planned"),
            lang.pick("服务站点编号", "Serving site id"),
            lang.pick("服务站点名称", "Serving site name"),
            lang.pick("到站时间 (分钟)", "Minutes to the site"),
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
        total: false,
        notes: Vec::new(),
    }
}

/// A report table as a sheet: a cell that reads as one number becomes that number; a column
/// whose cells read `a → b` becomes two columns (before, after), one whose cells read
/// `n (p%)` two columns (count, share); anything else stays text as the report shows it.
fn table_sheet(name: &str, t: &Table, lang: Lang) -> Sheet {
    #[derive(Clone, Copy, PartialEq)]
    enum Split {
        One,
        Arrow,
        Share,
    }
    let all_rows: Vec<&Vec<Cell>> = t.rows.iter().chain(t.total.iter()).collect();
    let splits: Vec<Split> = (0..t.header.len())
        .map(|c| {
            let cells: Vec<&str> = all_rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.text.as_str())
                .filter(|s| !is_blank(s))
                .collect();
            if cells.is_empty() {
                Split::One
            } else if cells.iter().all(|s| arrow(s).is_some()) {
                Split::Arrow
            } else if cells.iter().all(|s| with_share(s).is_some()) {
                Split::Share
            } else {
                Split::One
            }
        })
        .collect();
    let mut header = Vec::new();
    for (h, split) in t.header.iter().zip(&splits) {
        match split {
            Split::One => header.push(h.clone()),
            Split::Arrow => {
                // "床位 现状 → 规划后" → "床位 现状", "床位 规划后".
                let (left, right) = h.split_once(" → ").unwrap_or((h.as_str(), ""));
                let stem = left.rsplit_once(' ').map_or("", |(s, _)| s);
                header.push(left.to_owned());
                header.push(if stem.is_empty() {
                    right.to_owned()
                } else {
                    format!("{stem} {right}")
                });
            }
            Split::Share => {
                header.push(h.clone());
                header.push(format!("{h}{}", lang.pick(" 占比", " (share)")));
            }
        }
    }
    let rows = all_rows
        .iter()
        .map(|r| {
            let mut out = Vec::new();
            for (cell, split) in r.iter().zip(&splits) {
                let s = cell.text.as_str();
                match split {
                    Split::One => out.push(if cell.tone == Tone::Plain || is_blank(s) {
                        text_or_empty(s)
                    } else {
                        number(s).unwrap_or_else(|| text_or_empty(s))
                    }),
                    Split::Arrow => match arrow(s) {
                        Some((a, b)) => out.extend([a, b]),
                        None => out.extend([Value::Empty, Value::Empty]),
                    },
                    Split::Share => match with_share(s) {
                        Some((a, b)) => out.extend([a, b]),
                        None => out.extend([Value::Empty, Value::Empty]),
                    },
                }
            }
            out
        })
        .collect();
    Sheet {
        name: name.to_owned(),
        header,
        rows,
        total: t.total.is_some(),
        notes: t.notes.clone(),
    }
}

/// Markdown bold marks and padding removed.
fn clean(s: &str) -> &str {
    s.trim().trim_matches('*').trim()
}

fn is_blank(s: &str) -> bool {
    matches!(clean(s), "" | "—" | "–")
}

fn text_or_empty(s: &str) -> Value {
    if is_blank(s) {
        Value::Empty
    } else {
        Value::Text(clean(s).to_owned())
    }
}

/// `1,460` → 1460 (count), `93.3%` → 0.933 (share), `133.9` → 133.9 (decimal).
fn number(s: &str) -> Option<Value> {
    let s = clean(s);
    if let Some(p) = s.strip_suffix('%') {
        let x: f64 = p.trim().parse().ok()?;
        // Rounded so that `54.3%` is 0.543, not 0.5429999….
        return Some(Value::Number(super::round(x / 100.0, 8), Num::Share));
    }
    let plain = s.replace(',', "");
    let x: f64 = plain.parse().ok()?;
    Some(Value::Number(
        x,
        if plain.contains('.') {
            Num::Decimal
        } else {
            Num::Count
        },
    ))
}

/// `240 → 300` → (240, 300).
fn arrow(s: &str) -> Option<(Value, Value)> {
    let (a, b) = clean(s).split_once(" → ")?;
    Some((number(a)?, number(b)?))
}

/// `1,460 (100.0%)` → (1460, 1.0).
fn with_share(s: &str) -> Option<(Value, Value)> {
    let (a, b) = clean(s).split_once(" (")?;
    let share = number(b.strip_suffix(')')?)?;
    matches!(share, Value::Number(_, Num::Share)).then_some(())?;
    Some((number(a)?, share))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_cells_read_as_the_numbers_they_show() {
        assert_eq!(number("1,460"), Some(Value::Number(1460.0, Num::Count)));
        assert_eq!(number("**93.3%**"), Some(Value::Number(0.933, Num::Share)));
        assert_eq!(number("133.9"), Some(Value::Number(133.9, Num::Decimal)));
        assert_eq!(number("1/1"), None);
        assert_eq!(
            arrow("240 → 1,240"),
            Some((
                Value::Number(240.0, Num::Count),
                Value::Number(1240.0, Num::Count)
            ))
        );
        assert_eq!(
            with_share("1,460 (100.0%)"),
            Some((
                Value::Number(1460.0, Num::Count),
                Value::Number(1.0, Num::Share)
            ))
        );
        assert_eq!(with_share("中心 (C02)"), None);
        assert!(is_blank(" — "));
    }

    #[test]
    fn compound_columns_split_with_their_headers() {
        let t = Table {
            id: "t",
            header: vec![
                "乡镇/街道".into(),
                "覆盖 现状".into(),
                "床位 现状 → 规划后".into(),
            ],
            rows: vec![vec![
                Cell {
                    text: "洪水街道".into(),
                    tone: Tone::Plain,
                },
                Cell {
                    text: "1,460 (100.0%)".into(),
                    tone: Tone::Number,
                },
                Cell {
                    text: "240 → 300".into(),
                    tone: Tone::Number,
                },
            ]],
            total: None,
            notes: vec![],
        };
        let s = table_sheet("乡镇", &t, Lang::Zh);
        assert_eq!(
            s.header,
            [
                "乡镇/街道",
                "覆盖 现状",
                "覆盖 现状 占比",
                "床位 现状",
                "床位 规划后"
            ]
        );
        assert_eq!(s.rows[0][3], Value::Number(240.0, Num::Count));
        assert_eq!(s.rows[0][4], Value::Number(300.0, Num::Count));
    }
}
