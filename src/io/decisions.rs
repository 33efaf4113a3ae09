//! Reading decisions ([`crate::model::decisions`]) and checking them against the region.
//!
//! A decisions file is a CSV (or workbook) with the columns `id` [编号], `decision` [决定,
//! status, 状态] and optional `year` [年份]:
//! ```text
//! id,decision,year
//! C001,required,2023
//! C007,excluded,
//! F003,排除,
//! ```
//! `decision` is `required` (必选, 必建, 保留), `excluded` (排除, 不建, 关闭) or `candidate`
//! (候选, or empty: no decision). The same values may stand in an optional `status` column
//! of `candidates.csv`. Within one file an id decided twice in different ways is an error;
//! across sources the later one wins (see [`crate::model::decisions`]).
//!
//! Checked against the region and scenario ([`validate`]), each problem located where the
//! decision was written: an id that is neither a candidate nor a facility, a year outside the
//! plan years (or on anything but a required day-care candidate), a required institution candidate
//! without `max_beds`, a required bed action with nothing to do, more required day-care
//! centres than `day_care.max_new`, and required spending beyond the total budget (unless the
//! scenario allows an overrun).

use std::path::Path;

use crate::error::{Diagnostic, Diagnostics};
use crate::io::table::{Col, ColumnSpec, Row, Table};
use crate::model::decisions::{Decision, Decisions, Origin, Subject, Verdict};
use crate::model::{Region, Scenario};

/// Columns of a decisions file, in [`Col`] order.
pub const DECISION_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        name: "id",
        aliases: &["编号", "代码"],
        required: true,
    },
    ColumnSpec {
        name: "decision",
        aliases: &["决定", "status", "状态"],
        required: true,
    },
    ColumnSpec {
        name: "year",
        aliases: &["年份", "年度"],
        required: false,
    },
];

/// Reads a decisions file (CSV or workbook); a header without rows is valid (no decision).
pub fn read_file(path: &Path) -> Result<Decisions, Diagnostics> {
    let table = crate::io::region::read_table(path, DECISION_COLUMNS, true)?;
    rows(&table, Col(0), Col(1), Some(Col(2)), DECISION_COLUMNS)
}

/// The decisions of the `status` column of the data folder's `candidates` table (none when
/// the table or the column is absent).
pub fn from_candidates(data: &Path) -> Result<Decisions, Diagnostics> {
    let path = match crate::io::region::find_table(data, "candidates") {
        Ok(Some(p)) => p,
        // No table, or two of them (the region loader reports that).
        Ok(None) | Err(_) => return Ok(Decisions::default()),
    };
    let specs = [
        crate::io::region::ID,
        ColumnSpec {
            name: "status",
            aliases: &["状态", "决定", "decision"],
            required: false,
        },
    ];
    // File-level problems are the region loader's to report.
    let Ok(table) = crate::io::region::read_table(&path, &specs, true) else {
        return Ok(Decisions::default());
    };
    if !table.has(Col(1)) {
        return Ok(Decisions::default());
    }
    rows(&table, Col(0), Col(1), None, &specs)
}

/// The decisions of a table's rows.
fn rows(
    table: &Table,
    id_c: Col,
    decision_c: Col,
    year_c: Option<Col>,
    specs: &[ColumnSpec],
) -> Result<Decisions, Diagnostics> {
    let mut out = Diagnostics::default();
    let mut later = Diagnostics::default();
    let mut decisions = Decisions::default();
    {
        let mut c = table.cells(&mut out);
        for row in &table.rows {
            let Some(id) = c.text(row, id_c, &specs[id_c.0]) else {
                continue;
            };
            let raw = c.raw(row, decision_c).unwrap_or("");
            let verdict = match crate::model::decisions::Verdict::parse(raw) {
                Some(v) => v,
                None => {
                    c.report(
                        row,
                        decision_c,
                        format!("未知的决定「{raw}」（应为 required 必选、excluded 排除 或 candidate 候选）"),
                        format!("unknown decision \"{raw}\" (expected required, excluded or candidate)"),
                    );
                    continue;
                }
            };
            let year = match year_c.and_then(|y| c.raw(row, y).map(|s| (y, s))) {
                None => None,
                Some((y, s)) => match s.trim().parse::<i32>() {
                    Ok(v) => Some(v),
                    Err(_) => {
                        c.report(
                            row,
                            y,
                            format!("年份应为整数：{s}"),
                            format!("the year must be a whole number: {s}"),
                        );
                        continue;
                    }
                },
            };
            let Some(verdict) = verdict else { continue };
            let origin = origin(table, row, id_c);
            if let Some(first) = decisions.get(&id) {
                if first.verdict == verdict && first.year != year {
                    let shown =
                        |y: Option<i32>| y.map_or_else(|| "—".to_owned(), |y| y.to_string());
                    c.report_into(
                        &mut later,
                        row,
                        year_c.unwrap_or(decision_c),
                        format!(
                            "「{id}」的年份互相矛盾：第 {} 行为 {}，此处为 {}",
                            first.origin.line,
                            shown(first.year),
                            shown(year)
                        ),
                        format!(
                            "contradictory years for \"{id}\": {} at line {}, {} here",
                            shown(first.year),
                            first.origin.line,
                            shown(year)
                        ),
                    );
                } else if first.verdict != verdict {
                    c.report_into(
                        &mut later,
                        row,
                        decision_c,
                        format!(
                            "「{id}」的决定互相矛盾：第 {} 行为 {}，此处为 {}",
                            first.origin.line,
                            first.verdict.key(),
                            verdict.key()
                        ),
                        format!(
                            "contradictory decisions on \"{id}\": {} at line {}, {} here",
                            first.verdict.key(),
                            first.origin.line,
                            verdict.key()
                        ),
                    );
                }
                continue;
            }
            decisions.list.push(Decision {
                id,
                verdict,
                year,
                origin,
            });
        }
    }
    out.extend(later);
    if out.is_empty() {
        Ok(decisions)
    } else {
        Err(out)
    }
}

/// Where a row's cell lies, as an [`Origin`].
fn origin(table: &Table, row: &Row, col: Col) -> Origin {
    Origin {
        path: table.path.clone(),
        line: row.line,
        column: table.column_of(col),
    }
}

/// A diagnostic at a decision's origin.
fn at(d: &Decision, zh: String, en: String) -> Diagnostic {
    Diagnostic::new(&d.origin.path, d.origin.line, d.origin.column, zh, en)
}

/// Checks `scenario.decisions` against `region` (see the module documentation); every
/// problem at once.
pub fn validate(scenario: &Scenario, region: &Region) -> Diagnostics {
    let mut out = Diagnostics::default();
    let serving = scenario.day_care.serving;
    let mut required_day_care = 0u32;
    let mut required_wan = 0.0;
    let mut budget_reported = false;
    for d in &scenario.decisions.list {
        let Some(subject) = Decisions::subject(region, serving, &d.id) else {
            out.push(at(
                d,
                format!("未知的编号「{}」：既不是候选点也不是现有设施", d.id),
                format!(
                    "unknown id \"{}\": neither a candidate nor an existing facility",
                    d.id
                ),
            ));
            continue;
        };
        if let Some(y) = d.year {
            // An institution candidate opens in the first plan year: a year is for day care.
            let on_required_candidate = d.verdict == Verdict::Required
                && matches!(subject, Subject::Candidate(c) if region.candidates[c].allow.day_care());
            if !scenario.years.contains(&y) {
                out.push(at(
                    d,
                    format!(
                        "「{}」的年份 {y} 不在规划年份（{}）之内",
                        d.id,
                        years_text(&scenario.years)
                    ),
                    format!(
                        "the year {y} of \"{}\" is not a plan year ({})",
                        d.id,
                        years_text(&scenario.years)
                    ),
                ));
                continue;
            }
            if !on_required_candidate {
                out.push(at(
                    d,
                    format!("「{}」：年份只适用于必选的日间照料候选点", d.id),
                    format!(
                        "\"{}\": a year applies only to a required day-care candidate",
                        d.id
                    ),
                ));
                continue;
            }
        }
        if d.verdict != Verdict::Required {
            continue;
        }
        let cost = match subject {
            Subject::Candidate(c) => {
                let cand = &region.candidates[c];
                if cand.allow.day_care() {
                    required_day_care += 1;
                    if let Some(m) = scenario.day_care.max_new.filter(|m| required_day_care > *m) {
                        out.push(at(
                            d,
                            format!("必选的日间照料候选点超过 day_care.max_new = {m}：「{}」是第 {required_day_care} 处", d.id),
                            format!("more required day-care candidates than day_care.max_new = {m}: \"{}\" is number {required_day_care}", d.id),
                        ));
                    }
                    crate::plan::day_care::site_cost(scenario, region, c)
                } else {
                    let Some(beds) = cand.max_beds.filter(|b| *b > 0) else {
                        out.push(at(
                            d,
                            format!("必选的养老机构候选点「{}」没有床位上限 max_beds", d.id),
                            format!(
                                "the required institution candidate \"{}\" has no max_beds",
                                d.id
                            ),
                        ));
                        continue;
                    };
                    cand.cost_wan.unwrap_or(scenario.costs.institution_wan)
                        + f64::from(beds) * scenario.costs.new_bed_wan
                }
            }
            Subject::ServingFacility(_) => 0.0,
            Subject::BedFacility(i) => {
                let f = &region.facilities[i];
                let convert = f.beds.saturating_sub(f.nursing_beds);
                let expand = f.max_beds.map_or(0, |m| m.saturating_sub(f.beds));
                if convert == 0 && expand == 0 {
                    out.push(at(
                        d,
                        format!("「{}」已无普通床位可改造，也无扩建余地（max_beds），必选的床位行动无事可做", d.id),
                        format!("\"{}\" has no ordinary bed to convert and no room to expand (max_beds): a required bed action has nothing to do", d.id),
                    ));
                    continue;
                }
                f64::from(convert) * scenario.costs.convert_bed_wan
                    + f64::from(expand) * scenario.costs.new_bed_wan
            }
        };
        required_wan += cost;
        let b = &scenario.budget;
        if let Some(total) = b.total_wan.filter(|_| !b.allow_overrun)
            && required_wan > total + 1e-6
            && !budget_reported
        {
            budget_reported = true;
            out.push(at(
                d,
                format!(
                    "必选项目合计 {} 万元，超出总预算 {} 万元（至「{}」为止）",
                    crate::numbers::wan(required_wan),
                    crate::numbers::wan(total),
                    d.id
                ),
                format!(
                    "the required projects cost {} 万元 up to \"{}\", more than the total budget of {} 万元",
                    crate::numbers::wan(required_wan),
                    d.id,
                    crate::numbers::wan(total)
                ),
            ));
        }
    }
    out
}

fn years_text(years: &[i32]) -> String {
    years
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Decisions, Vec<String>> {
        let table = Table::parse(Path::new("d.csv"), text, DECISION_COLUMNS)
            .map_err(|d| d.0.iter().map(ToString::to_string).collect::<Vec<_>>())?;
        rows(&table, Col(0), Col(1), Some(Col(2)), DECISION_COLUMNS)
            .map_err(|d| d.0.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn chinese_headers_and_values_are_read() {
        let d = parse("编号,决定,年份\nC1,必建,2023\nC2,不建,\nC3,候选,\n").expect("valid");
        let got: Vec<(&str, Verdict, Option<i32>)> = d
            .list
            .iter()
            .map(|d| (d.id.as_str(), d.verdict, d.year))
            .collect();
        assert_eq!(
            got,
            vec![
                ("C1", Verdict::Required, Some(2023)),
                ("C2", Verdict::Excluded, None)
            ]
        );
        assert_eq!((d.list[0].origin.line, d.list[0].origin.column), (2, 1));
    }

    #[test]
    fn an_id_both_required_and_excluded_is_located() {
        let e = parse("id,decision\nC1,required\nC2,excluded\nC1,excluded\n").expect_err("bad");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with("d.csv:4:2"), "{e:?}");
        assert!(e[0].contains("contradictory"), "{e:?}");
    }

    #[test]
    fn an_unknown_decision_and_a_bad_year_are_located() {
        let e = parse("id,decision,year\nC1,maybe,\nC2,required,soon\n").expect_err("bad");
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].starts_with("d.csv:2:2"), "{e:?}");
        assert!(e[1].starts_with("d.csv:3:3"), "{e:?}");
    }
}
