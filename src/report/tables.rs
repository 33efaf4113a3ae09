//! The report's tables, built once from a plan in the table model of [`super::table`] and
//! rendered beside it as Markdown (`markdown.rs`), HTML (`html.rs`) and the workbook
//! (`workbook.rs`): indicators, proposed projects, townships, other targets, the budget
//! trade-off, the price of the decisions, the certificate, and the workbook's indicator,
//! project and village sheets.

use std::collections::BTreeSet;

use crate::map::{Lang, pct, thousands};
use crate::model::CoverageScope;
use crate::model::{Goal, Indicator};
use crate::plan::Plan;
use crate::plan::beds::ActionKind;

use super::table::{Cell, Table, Unit, money};

/// What a proposed project does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProjectKind {
    /// A new 日间照料中心.
    DayCare,
    /// A new 综合养老服务中心 (opened for the street or township rule).
    Comprehensive,
    /// Ordinary beds converted to nursing beds.
    Convert,
    /// Beds added to an existing institution.
    Expand,
    /// A new institution.
    NewInstitution,
    /// Private beds re-designated as 公益性.
    DesignatePublic,
    /// An existing 敬老院 or station upgraded into a comprehensive / regional centre.
    Upgrade,
}

impl ProjectKind {
    /// The code written in `proposals.csv`.
    pub fn code(self) -> &'static str {
        match self {
            Self::DayCare => "day_care",
            Self::Comprehensive => "comprehensive",
            Self::Convert => "convert",
            Self::Expand => "expand",
            Self::NewInstitution => "new_institution",
            Self::DesignatePublic => "designate_public",
            Self::Upgrade => "upgrade",
        }
    }

    /// The name in a report.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Self::DayCare => lang.pick("新建日间照料中心", "New day-care centre"),
            Self::Comprehensive => lang.pick("新建综合养老服务中心", "New comprehensive centre"),
            Self::Convert => lang.pick("护理型床位改造", "Nursing-bed conversion"),
            Self::Expand => lang.pick("扩建床位", "Bed expansion"),
            Self::NewInstitution => lang.pick("新建养老机构", "New care institution"),
            Self::DesignatePublic => lang.pick("转为公益性床位", "Beds re-designated as public"),
            Self::Upgrade => lang.pick(
                "升级为综合(区域性)养老服务中心",
                "Upgrade to a comprehensive (regional) centre",
            ),
        }
    }
}

/// A proposed project: a new day-care site or a bed action.
#[derive(Clone, Debug, PartialEq)]
pub struct Project {
    /// Site id.
    pub id: String,
    /// Site name.
    pub name: String,
    /// What it does.
    pub kind: ProjectKind,
    /// Township.
    pub township: String,
    /// WGS-84 longitude.
    pub lon: f64,
    /// WGS-84 latitude.
    pub lat: f64,
    /// New beds.
    pub new_beds: u32,
    /// Beds converted to nursing beds.
    pub converted_beds: u32,
    /// Private beds re-designated as 公益性.
    pub designated_beds: u32,
    /// Elderly whom no site served before and this one serves.
    pub newly_covered_elderly: f64,
    /// Cost in 万元.
    pub cost_wan: f64,
    /// Plan year: the year of a bed action; for a day-care site the year it is needed by
    /// (the first year whose coverage or township-share step needs it, else the last).
    pub year: i32,
}

/// Every proposed project: new day-care sites (most newly served elderly first), then the
/// bed actions year by year.
pub fn projects(plan: &Plan) -> Vec<Project> {
    let s = &plan.scenario;
    let mut out: Vec<Project> = plan
        .day_care
        .sites
        .iter()
        .map(|site| Project {
            id: site.id.clone(),
            name: site.name.clone(),
            kind: if site.comprehensive {
                ProjectKind::Comprehensive
            } else {
                ProjectKind::DayCare
            },
            township: site.township.clone(),
            lon: site.lon,
            lat: site.lat,
            new_beds: 0,
            converted_beds: 0,
            designated_beds: 0,
            newly_covered_elderly: site.newly_covered_elderly,
            cost_wan: crate::plan::day_care::site_cost(s, &plan.region, site.candidate),
            year: site.year,
        })
        .collect();
    out.extend(plan.day_care.upgrades.iter().map(|u| Project {
        id: u.id.clone(),
        name: u.name.clone(),
        kind: ProjectKind::Upgrade,
        township: u.township.clone(),
        lon: u.lon,
        lat: u.lat,
        new_beds: 0,
        converted_beds: 0,
        designated_beds: 0,
        newly_covered_elderly: u.newly_covered_elderly,
        cost_wan: u.cost_wan,
        year: u.year,
    }));
    for a in plan
        .beds
        .iter()
        .flat_map(|b| b.years.iter())
        .flat_map(|y| y.actions.iter())
    {
        out.push(Project {
            id: a.id.clone(),
            name: a.name.clone(),
            kind: match a.kind {
                ActionKind::Convert => ProjectKind::Convert,
                ActionKind::Expand => ProjectKind::Expand,
                ActionKind::NewInstitution => ProjectKind::NewInstitution,
                ActionKind::DesignatePublic => ProjectKind::DesignatePublic,
            },
            township: a.township.clone(),
            lon: a.lon,
            lat: a.lat,
            new_beds: a.new_beds,
            converted_beds: a.converted_beds,
            designated_beds: a.designated_beds,
            newly_covered_elderly: 0.0,
            cost_wan: a.cost_wan,
            year: a.year,
        });
    }
    out
}

/// Townships in the order they first appear in the villages file.
pub(crate) fn townships(plan: &Plan) -> Vec<&str> {
    let mut seen = BTreeSet::new();
    plan.region
        .villages
        .iter()
        .map(|v| v.township.as_str())
        .filter(|t| seen.insert(*t))
        .collect()
}

/// Column headers of the indicator table.
fn indicator_header(plan: &Plan, lang: Lang) -> Vec<String> {
    vec![
        lang.pick("指标", "Indicator").to_owned(),
        lang.pick("年份", "Year").to_owned(),
        super::table::baseline_header(plan, lang),
        lang.pick("目标", "Target").to_owned(),
        lang.pick("规划后", "Planned").to_owned(),
        lang.pick("是否达标", "Met").to_owned(),
    ]
}

/// A figure of an indicator as printed: shares as percentages, counts whole, others to one
/// decimal.
fn figure(indicator: Indicator, x: f64) -> String {
    if indicator.is_share() {
        pct(x)
    } else if indicator == Indicator::NewBeds {
        thousands(x)
    } else {
        crate::numbers::fixed(x, 1)
    }
}

/// `planned` beside `target`: as printed usually, with more decimals only where the usual
/// ones would hide the verdict (a figure just short of an "at least" target, or exactly on a
/// "more than" one, would read as the target itself): then in as few decimals as show that
/// they differ, e.g. 59.9996% against ≥ 60.0%. A target met reads as usual, 70.0%.
fn figure_against(indicator: Indicator, planned: f64, target: Option<Goal>) -> String {
    let plain = figure(indicator, planned);
    let Some(goal) = target else { return plain };
    if indicator == Indicator::NewBeds || plain != figure(indicator, goal.value) {
        return plain;
    }
    let met = if goal.strict {
        planned > goal.value
    } else {
        planned >= goal.value
    };
    if met && !goal.strict {
        return plain;
    }
    let scale = if indicator.is_share() { 100.0 } else { 1.0 };
    let unit = if indicator.is_share() { "%" } else { "" };
    for digits in 2..=8 {
        let a = crate::numbers::fixed(planned * scale, digits);
        let b = crate::numbers::fixed(goal.value * scale, digits);
        if a != b {
            return format!("{a}{unit}");
        }
    }
    plain
}

/// A target named by its key and year (`nursing_share 2025`, as the trade-off and the budget
/// record it) in the report's language: `养老机构护理型床位占比 2025`.
fn target_name(key_year: &str, lang: Lang) -> String {
    const ALL: [Indicator; 9] = [
        Indicator::Coverage,
        Indicator::TownshipShare,
        Indicator::PerStreet,
        Indicator::PerCounty,
        Indicator::BedsPer1000,
        Indicator::NursingShare,
        Indicator::NursingPer1000,
        Indicator::PublicShare,
        Indicator::NewBeds,
    ];
    let (key, year) = key_year.rsplit_once(' ').unwrap_or((key_year, ""));
    let name = ALL
        .iter()
        .find(|i| i.key() == key)
        .map_or(key, |i| lang.pick(i.zh(), i.en()));
    if year.is_empty() {
        name.to_owned()
    } else {
        format!("{name} {year}")
    }
}

/// The row name: the indicator, the service circle for coverage, the minimum per street or
/// county.
pub(crate) fn indicator_name(plan: &Plan, indicator: Indicator, lang: Lang) -> String {
    let s = &plan.scenario;
    let name = lang.pick(indicator.zh(), indicator.en());
    let base = match indicator {
        Indicator::Coverage => format!(
            "{name} ({:.0}{})",
            s.travel.minutes,
            lang.pick(" 分钟服务圈", "-minute circle")
        ),
        Indicator::PerStreet => format!("{name} ≥ {}", s.day_care.street_goal()),
        Indicator::PerCounty => format!("{name} ≥ {}", s.day_care.county_goal()),
        Indicator::BedsPer1000 | Indicator::NursingPer1000 => {
            format!("{name}{}", lang.pick(" (张)", ""))
        }
        Indicator::NewBeds => format!("{name}{}", lang.pick(" (张)", " (beds)")),
        _ => name.to_owned(),
    };
    // Where the scenario counts other facility types than the default, the name says so.
    let (set, default) = {
        let d = crate::model::BedDefinitions::default();
        let i = &s.indicators;
        match indicator {
            Indicator::BedsPer1000 => (i.beds_per_1000, d.beds_per_1000),
            Indicator::NursingShare => (i.nursing_share, d.nursing_share),
            Indicator::NursingPer1000 => (i.nursing_per_1000, d.nursing_per_1000),
            Indicator::PublicShare => (i.public_share, d.public_share),
            Indicator::NewBeds => (i.new_beds, d.new_beds),
            _ => return base,
        }
    };
    if set == default {
        base
    } else {
        format!(
            "{base} {}{}{}",
            lang.pick("（计入：", "(counting "),
            lang.pick(&set.zh(), &set.en()),
            lang.pick("）", ")")
        )
    }
}

/// The indicator table: 指标 / 年份 / 现状 / 目标 / 规划后 / 是否达标, read from the plan's
/// one indicator table; the definitions follow as notes.
pub fn indicator_table(plan: &Plan, lang: Lang) -> Table {
    let rows = plan
        .indicators
        .rows
        .iter()
        .map(|r| {
            let per_unit = matches!(r.indicator, Indicator::PerStreet | Indicator::PerCounty);
            let unit = if r.indicator.is_share() {
                Unit::Percent
            } else if r.indicator == Indicator::NewBeds {
                Unit::Count
            } else {
                Unit::Decimal
            };
            let expected = |g: &Goal| {
                if g.binding {
                    ""
                } else {
                    lang.pick(" (预期性)", " (expected)")
                }
            };
            // The target: its rule (sign, expected or binding) and its value, two values.
            let target = |text: String, g: &Goal, value: f64, unit: Unit| {
                Cell::num(text)
                    .and_text(format!("{}{}", g.sign(), expected(g)))
                    .of(value, unit)
            };
            let no_target = || Cell::num("—");
            let (base, target, after) = if per_unit {
                // Streets (or counties) meeting the rule, of all.
                let n = r.denominator;
                let met_before = (r.baseline * n).round();
                (
                    Cell::num(format!("{met_before}/{n}")).of(met_before, Unit::Count),
                    r.target.map_or_else(no_target, |g| {
                        target(format!("{n}/{n}"), &g, n, Unit::Count)
                    }),
                    Cell::num(format!("{}/{}", r.numerator, n)).of(r.numerator, Unit::Count),
                )
            } else {
                (
                    if r.indicator == Indicator::NewBeds {
                        Cell::num("—")
                    } else {
                        Cell::num(figure(r.indicator, r.baseline)).of(r.baseline, unit)
                    },
                    r.target.map_or_else(no_target, |g| {
                        target(
                            format!(
                                "{} {}{}",
                                g.sign(),
                                figure(r.indicator, g.value),
                                expected(&g)
                            ),
                            &g,
                            g.value,
                            unit,
                        )
                    }),
                    Cell::num(figure_against(r.indicator, r.planned, r.target)).of(r.planned, unit),
                )
            };
            vec![
                Cell::text(indicator_name(plan, r.indicator, lang)),
                Cell::year(r.year),
                base,
                target,
                after,
                Cell::met(r.met, lang),
            ]
        })
        .collect();
    let mut notes: Vec<String> = super::table::indicator_definitions(plan, lang);
    notes.push(
        lang.pick(
            "“>” 表示规划原文为“超过”（严格大于），“≥” 表示不低于；规划后为该年度末的数值",
            "“>” marks a target the plan words as “more than” (strictly above), “≥” at least; planned figures are for the end of the year",
        )
        .to_owned(),
    );
    if plan.beds.is_none() {
        notes.push(
            lang.pick(
                "床位指标尚未规划 (本次运行无床位方案)",
                "Bed indicators are not planned in this run",
            )
            .to_owned(),
        );
    }
    let header = indicator_header(plan, lang);
    // The workbook splits the target into its rule and its value.
    let sheet_header = vec![
        header[0].clone(),
        header[1].clone(),
        header[2].clone(),
        lang.pick("目标要求", "Target rule").to_owned(),
        header[3].clone(),
        header[4].clone(),
        header[5].clone(),
    ];
    Table {
        notes,
        sheet_header: Some(sheet_header),
        ..Table::new("indicators", header, rows)
    }
}

/// The proposed projects, like the plans' project tables.
pub fn project_table(plan: &Plan, lang: Lang) -> Table {
    let list = projects(plan);
    let rows: Vec<Vec<Cell>> = list
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                Cell::year(i as i32 + 1),
                Cell::text(format!("{} ({})", p.name, p.id))
                    .and_text(&p.name)
                    .and_text(&p.id),
                Cell::text(format!("{} {:.5}, {:.5}", p.township, p.lon, p.lat))
                    .and_text(&p.township)
                    .of(p.lon, Unit::Degrees)
                    .of(p.lat, Unit::Degrees),
                Cell::text(p.kind.name(lang)),
                beds_cell(p),
                if p.newly_covered_elderly > 0.0 {
                    Cell::count(p.newly_covered_elderly)
                } else {
                    Cell::num("—").of(0.0, Unit::Count)
                },
                Cell::year(p.year),
                Cell::wan(p.cost_wan),
            ]
        })
        .collect();
    let total = (!list.is_empty()).then(|| {
        let beds: u32 = list.iter().map(|p| p.new_beds).sum();
        let conv: u32 = list.iter().map(|p| p.converted_beds).sum();
        let designated: u32 = list.iter().map(|p| p.designated_beds).sum();
        let covered: f64 = list.iter().fold(0.0, |a, p| a + p.newly_covered_elderly);
        let cost: f64 = list.iter().fold(0.0, |a, p| a + p.cost_wan);
        vec![
            Cell::text(""),
            Cell::text(format!(
                "{} {} {}",
                lang.pick("合计", "Total"),
                list.len(),
                lang.pick("项", "projects")
            )),
            Cell::text(""),
            Cell::text(""),
            beds_cell(&Project {
                new_beds: beds,
                converted_beds: conv,
                designated_beds: designated,
                ..list[0].clone()
            }),
            Cell::count(covered),
            Cell::text(""),
            Cell::wan(cost),
        ]
    });
    let mut notes = Vec::new();
    if !plan.day_care.sites.is_empty() {
        notes.push(format!(
            "{} {}{}",
            lang.pick(
                "日间照料设施的年份按分年建设方案：每年的阶段目标按期达到，投入尽量推后，其余记为规划期末",
                "A day-care site's year is the phasing's: every yearly step on time, money spent as late as the steps allow, else the end of the plan,"
            ),
            plan.scenario.final_year(),
            lang.pick(" 年", "")
        ));
    }
    if let Some(b) = budget_note(plan, lang) {
        notes.push(b);
    }
    let header = vec![
        lang.pick("序号", "No.").to_owned(),
        lang.pick("名称", "Name").to_owned(),
        lang.pick("位置 (乡镇 经度, 纬度)", "Location (township lon, lat)")
            .to_owned(),
        lang.pick("类型", "Type").to_owned(),
        lang.pick("床位 (新增/改造)", "Beds (new/converted)")
            .to_owned(),
        lang.pick("新增覆盖老年人", "Elderly newly served")
            .to_owned(),
        lang.pick("年份", "Year").to_owned(),
        lang.pick("投资 (万元)", "Cost (10k yuan)").to_owned(),
    ];
    let sheet_header = [
        lang.pick("序号", "No."),
        lang.pick("名称", "Name"),
        lang.pick("编号", "Id"),
        lang.pick("乡镇/街道", "Township"),
        lang.pick("经度 (WGS-84)", "Longitude (WGS-84)"),
        lang.pick("纬度 (WGS-84)", "Latitude (WGS-84)"),
        lang.pick("类型", "Type"),
        lang.pick("新增床位", "New beds"),
        lang.pick("改造为护理型床位", "Beds converted to nursing"),
        lang.pick("转为公益性床位", "Beds re-designated as public"),
        lang.pick("新增覆盖老年人", "Elderly newly served"),
        lang.pick("年份", "Year"),
        lang.pick("投资 (万元)", "Cost (10k yuan)"),
    ]
    .map(str::to_owned)
    .to_vec();
    Table {
        total,
        notes,
        sheet_header: Some(sheet_header),
        ..Table::new("projects", header, rows)
    }
}

/// New, converted and re-designated beds: `+20 / 10* / 5†` in the report, three counts in
/// the workbook.
fn beds_cell(p: &Project) -> Cell {
    Cell::num(beds_text(p))
        .of(f64::from(p.new_beds), Unit::Count)
        .of(f64::from(p.converted_beds), Unit::Count)
        .of(f64::from(p.designated_beds), Unit::Count)
}

fn beds_text(p: &Project) -> String {
    let mut parts = Vec::new();
    if p.new_beds > 0 {
        parts.push(format!("+{}", p.new_beds));
    }
    if p.converted_beds > 0 {
        parts.push(format!("{}*", p.converted_beds));
    }
    if p.designated_beds > 0 {
        parts.push(format!("{}†", p.designated_beds));
    }
    if parts.is_empty() {
        "—".to_owned()
    } else {
        parts.join(" / ")
    }
}

/// The scenario's budget against the plan's spend, when it has one: the total, the years
/// with their own limit, any overrun (flagged) and what the targets would cost without it.
fn budget_note(plan: &Plan, lang: Lang) -> Option<String> {
    let sp = &plan.spending;
    if sp.budget_wan.is_none() && sp.budget_per_year_wan.is_empty() {
        return None;
    }
    let wan = lang.pick("万元", "× 10k yuan");
    let mut parts = vec![format!(
        "{} {} {wan}",
        lang.pick("投资合计", "Total cost"),
        money(sp.spent_wan)
    )];
    if let Some(b) = sp.budget_wan {
        parts.push(format!(
            "{} {} {wan}",
            lang.pick("预算", "budget"),
            money(b)
        ));
    }
    for (y, limit) in &sp.budget_per_year_wan {
        let over = sp.overrun_per_year_wan.get(y).map_or(String::new(), |o| {
            format!(" ⚠ {} {}", lang.pick("超支", "over by"), money(*o))
        });
        parts.push(format!(
            "{y} {} {} / {} {wan}{over}",
            lang.pick("年支出", "spend"),
            money(sp.spent_per_year_wan.get(y).copied().unwrap_or(0.0)),
            money(*limit)
        ));
    }
    if sp.overrun_wan > 0.0 {
        parts.push(format!(
            "⚠ {} {} {wan}{}",
            lang.pick("超出预算", "over budget by"),
            money(sp.overrun_wan),
            if sp.allow_overrun {
                lang.pick("（情景允许超支）", " (the scenario allows it)")
            } else {
                ""
            }
        ));
    }
    if sp.budget_binds {
        parts.push(format!(
            "{} {} {wan}",
            lang.pick(
                "预算不足：不受预算限制时满足全部床位目标需",
                "the budget binds: every bed target would cost"
            ),
            money(sp.beds_unconstrained_wan)
        ));
    }
    for m in &sp.missed {
        let short = if m.short > 0.0 {
            format!(" ({} {})", lang.pick("差", "short by"), thousands(m.short))
        } else {
            String::new()
        };
        parts.push(format!(
            "{} {}{short} {}{} {wan}",
            m.year,
            target_name(&m.indicator, lang),
            if m.per_year {
                lang.pick(
                    "受年度预算限制未达标，年度预算需追加",
                    "missed under the yearly budgets; closing it needs yearly money of",
                )
            } else {
                lang.pick("未达标，需追加", "missed; closing it needs")
            },
            if m.exact {
                format!(" {}", money(m.extra_wan))
            } else {
                format!(" {} {}", lang.pick("至多", "at most"), money(m.extra_wan))
            }
        ));
    }
    Some(parts.join(lang.pick("；", "; ")))
}

/// The per-township summary: villages, elderly, covered before and after, new sites, beds.
pub fn township_table(plan: &Plan, lang: Lang) -> Table {
    #[derive(Clone, Copy, Default)]
    struct Acc {
        villages: u32,
        elderly: u64,
        in_scope: u64,
        before: u64,
        after: u64,
        new_sites: u32,
    }
    let urban_only = plan.scenario.day_care.scope == CoverageScope::Urban;
    let towns = townships(plan);
    let mut acc: std::collections::HashMap<&str, Acc> = Default::default();
    for r in &plan.day_care.villages {
        let v = &plan.region.villages[r.village.get()];
        let a = acc.entry(v.township.as_str()).or_default();
        a.villages += 1;
        a.elderly += u64::from(v.elderly);
        if urban_only && v.kind == crate::model::AreaKind::Rural {
            continue;
        }
        a.in_scope += u64::from(v.elderly);
        // Served people, up to the sites' capacities where they have them (whole people:
        // the assignment of whole weights to whole places is whole).
        a.before += r.served_before.round() as u64;
        a.after += r.served.round() as u64;
    }
    for s in &plan.day_care.sites {
        acc.entry(s.township.as_str()).or_default().new_sites += 1;
    }
    let beds = crate::map::township_beds(plan);
    let existing_beds = |t: &str| -> u64 {
        plan.region
            .facilities
            .iter()
            .filter(|f| f.township == t)
            .map(|f| u64::from(f.beds))
            .sum()
    };
    // People served and their share of the township's elderly: two values.
    let share = |x: u64, of: u64| {
        if of == 0 {
            Cell::num("—")
        } else {
            let (x, of) = (x as f64, of as f64);
            Cell::num(format!("{} ({})", thousands(x), pct(x / of)))
                .of(x, Unit::Count)
                .of(x / of, Unit::Percent)
        }
    };
    // Before and after: two values.
    let arrow = |a: u64, b: u64| {
        let (a, b) = (a as f64, b as f64);
        Cell::num(format!("{} → {}", thousands(a), thousands(b)))
            .of(a, Unit::Count)
            .of(b, Unit::Count)
    };
    let beds_cells = |t: &str| -> Vec<Cell> {
        match &beds {
            Some(rows) => {
                let r = rows.iter().find(|r| r.township == t);
                let (b0, b1, n0, n1) = r.map_or((0, 0, 0, 0), |r| {
                    (
                        r.beds_before,
                        r.beds_after,
                        r.nursing_before,
                        r.nursing_after,
                    )
                });
                vec![arrow(b0, b1), arrow(n0, n1)]
            }
            None => vec![Cell::count(existing_beds(t) as f64)],
        }
    };
    let mut rows = Vec::new();
    let mut sum = Acc::default();
    for t in &towns {
        let a = acc.get(t).copied().unwrap_or_default();
        sum.villages += a.villages;
        sum.elderly += a.elderly;
        sum.in_scope += a.in_scope;
        sum.before += a.before;
        sum.after += a.after;
        sum.new_sites += a.new_sites;
        let mut row = vec![
            Cell::text(*t),
            Cell::num(a.villages.to_string()).of(f64::from(a.villages), Unit::Count),
            Cell::count(a.elderly as f64),
            share(a.before, a.in_scope),
            share(a.after, a.in_scope),
            Cell::num(a.new_sites.to_string()).of(f64::from(a.new_sites), Unit::Count),
        ];
        row.extend(beds_cells(t));
        rows.push(row);
    }
    let mut total = vec![
        Cell::text(lang.pick("合计", "Total")),
        Cell::num(sum.villages.to_string()).of(f64::from(sum.villages), Unit::Count),
        Cell::count(sum.elderly as f64),
        share(sum.before, sum.in_scope),
        share(sum.after, sum.in_scope),
        Cell::num(sum.new_sites.to_string()).of(f64::from(sum.new_sites), Unit::Count),
    ];
    match &beds {
        Some(rows) => {
            let b0: u64 = rows.iter().map(|r| r.beds_before).sum();
            let b1: u64 = rows.iter().map(|r| r.beds_after).sum();
            let n0: u64 = rows.iter().map(|r| r.nursing_before).sum();
            let n1: u64 = rows.iter().map(|r| r.nursing_after).sum();
            total.push(arrow(b0, b1));
            total.push(arrow(n0, n1));
        }
        None => total.push(Cell::count(
            plan.region.facilities.iter().map(|f| f.beds as f64).sum(),
        )),
    }
    let mut header = vec![
        lang.pick("乡镇/街道", "Township").to_owned(),
        lang.pick("村/社区", "Villages").to_owned(),
        lang.pick("老年人口", "Elderly").to_owned(),
        lang.pick("覆盖 现状", "Served today").to_owned(),
        lang.pick("覆盖 规划后", "Served planned").to_owned(),
        lang.pick("新建站点", "New sites").to_owned(),
    ];
    if beds.is_some() {
        header.push(
            lang.pick("床位 现状 → 规划后", "Beds today → planned")
                .to_owned(),
        );
        header.push(
            lang.pick("护理型床位 现状 → 规划后", "Nursing beds today → planned")
                .to_owned(),
        );
    } else {
        header.push(lang.pick("床位 (现状)", "Beds (today)").to_owned());
    }
    Table {
        total: Some(total),
        notes: {
            let mut notes = vec![
                lang.pick(
                    "覆盖人数按基准年老年人口计 (括号内为占本乡镇老年人口比例)",
                    "Served counts use base-year elderly (share of the township's elderly in brackets)",
                )
                .to_owned(),
            ];
            if urban_only {
                notes.push(
                    lang.pick(
                        "规划的服务圈目标只针对城镇社区: 覆盖人数与比例只计城镇社区老年人口",
                        "The plan sets the circle for urban communities only: served counts and shares cover urban elderly only",
                    )
                    .to_owned(),
                );
            }
            notes
        },
        ..Table::new("townships", header, rows)
    }
}

/// Targets recorded in the scenario but not modelled.
pub fn other_targets_table(plan: &Plan, lang: Lang) -> Option<Table> {
    let list = &plan.scenario.other_targets;
    if list.is_empty() {
        return None;
    }
    let rows = list
        .iter()
        .map(|t| {
            let value = match (t.value, t.unit.as_deref()) {
                // `share`, or `share（note）`: a percentage, with the note after it.
                (Some(v), Some(u)) if u.starts_with("share") => {
                    format!("{}{}", pct(v), u.trim_start_matches("share"))
                }
                (Some(v), Some(u)) => format!("{v} {u}"),
                (Some(v), None) => format!("{v}"),
                (None, _) => "—".to_owned(),
            };
            vec![
                Cell::text(t.name.clone()),
                Cell::num(value),
                Cell::num(t.year.map_or("—".to_owned(), |y| y.to_string())),
                Cell::text(t.source.clone().unwrap_or_default()),
            ]
        })
        .collect();
    Some(Table {
        id: "other-targets",
        header: vec![
            lang.pick("目标 (记录, 未建模)", "Target (recorded, not modelled)")
                .to_owned(),
            lang.pick("目标值", "Value").to_owned(),
            lang.pick("年份", "Year").to_owned(),
            lang.pick("出处", "Source").to_owned(),
        ],
        rows,
        total: None,
        notes: Vec::new(),
        sheet_header: None,
    })
}

/// The certificate of each optimisation: status, objective, bound, gap, seed.
pub fn certificate_table(plan: &Plan, lang: Lang) -> Table {
    let dc = &plan.day_care;
    let status = |s| crate::map::status_name(s, lang).to_owned();
    // The gap as printed, with the share behind it for the workbook.
    let gap = |g: f64| Cell::num(format!("{:.2}%", 100.0 * g)).of(g, Unit::Percent);
    let (objective, value, bound) = if dc.objective == crate::plan::day_care::Objective::NewSites {
        (
            lang.pick("最少新建站点", "fewest new sites"),
            Cell::num(format!("{} {}", dc.new_sites, lang.pick("处", "sites")))
                .of(f64::from(dc.new_sites), Unit::Count),
            Cell::num(format!("≥ {:.0}", dc.bound)).of(dc.bound.round(), Unit::Count),
        )
    } else {
        (
            lang.pick("最多覆盖老年人", "most elderly served"),
            Cell::num(thousands(dc.covered_elderly)).of(dc.covered_elderly.round(), Unit::Count),
            Cell::num(format!("≤ {}", thousands(dc.bound))).of(dc.bound.round(), Unit::Count),
        )
    };
    // The seed stays text in the workbook: a u64 may not fit a spreadsheet's number.
    let mut rows = vec![vec![
        Cell::text(lang.pick("日间照料网络", "Day-care network")),
        Cell::text(status(dc.status)),
        Cell::text(objective),
        value,
        bound,
        gap(dc.gap),
        Cell::num(dc.seed.to_string()),
    ]];
    let ph = &dc.phasing;
    if !dc.sites.is_empty() || !dc.upgrades.is_empty() {
        rows.push(vec![
            Cell::text(lang.pick(
                "日间照料分年建设（在已选站点内）",
                "Day-care phasing (of the chosen sites)",
            )),
            Cell::text(status(ph.status)),
            Cell::text(lang.pick(
                "逐年达标、投入最晚 (万元·年)",
                "every step on time, money spent latest (10k yuan·years)",
            )),
            Cell::num(money(ph.committed_wan_years))
                .of(crate::numbers::round(ph.committed_wan_years, 4), Unit::Wan),
            Cell::num(format!("≥ {}", money(ph.bound)))
                .of(crate::numbers::round(ph.bound, 4), Unit::Wan),
            gap(ph.gap),
            Cell::num(dc.seed.to_string()),
        ]);
        // The whole schedule: its bound is the final network's (the final-year problem
        // without the earlier steps is a relaxation of every schedule).
        let (value, bound) = if dc.objective == crate::plan::day_care::Objective::NewSites {
            (
                Cell::num(format!(
                    "{:.0} {}",
                    ph.whole_objective,
                    lang.pick("处", "sites")
                ))
                .of(ph.whole_objective.round(), Unit::Count),
                Cell::num(format!("≥ {:.0}", ph.whole_bound))
                    .of(ph.whole_bound.round(), Unit::Count),
            )
        } else if dc.objective == crate::plan::day_care::Objective::LeastCost {
            (
                Cell::wan(ph.whole_objective),
                Cell::num(format!("≥ {}", money(ph.whole_bound)))
                    .of(crate::numbers::round(ph.whole_bound, 4), Unit::Wan),
            )
        } else {
            (
                Cell::num(thousands(ph.whole_objective))
                    .of(ph.whole_objective.round(), Unit::Count),
                Cell::num(format!("≤ {}", thousands(ph.whole_bound)))
                    .of(ph.whole_bound.round(), Unit::Count),
            )
        };
        rows.push(vec![
            Cell::text(lang.pick(
                "日间照料分年建设（整体：最终网络与时序）",
                "Day-care schedule (whole: final network and phasing)",
            )),
            Cell::text(status(ph.whole_status)),
            Cell::text(lang.pick(
                "最终网络最优且时序最优",
                "final network optimal and its phasing optimal",
            )),
            value,
            bound,
            gap(ph.whole_gap),
            Cell::num(dc.seed.to_string()),
        ]);
    }
    if let Some(b) = &plan.beds {
        rows.push(vec![
            Cell::text(lang.pick("床位方案", "Bed plan")),
            Cell::text(status(b.status)),
            Cell::text(lang.pick("最少投资 (万元)", "least cost (10k yuan)")),
            Cell::wan(b.cost_wan),
            Cell::num(format!("≥ {}", money(b.bound_wan)))
                .of(crate::numbers::round(b.bound_wan, 4), Unit::Wan),
            gap(b.gap),
            Cell::num(plan.scenario.seed.to_string()),
        ]);
    }
    Table {
        id: "certificate",
        header: vec![
            lang.pick("优化问题", "Problem").to_owned(),
            lang.pick("状态", "Status").to_owned(),
            lang.pick("目标函数", "Objective").to_owned(),
            lang.pick("目标值", "Value").to_owned(),
            lang.pick("已证明的界", "Proven bound").to_owned(),
            lang.pick("差距", "Gap").to_owned(),
            lang.pick("随机种子", "Seed").to_owned(),
        ],
        rows,
        total: None,
        notes: vec![
            lang.pick(
                "差距为 0 表示方案已被证明最优; 相同种子总是给出相同方案",
                "A gap of 0 proves the plan optimal; the same seed always gives the same plan",
            )
            .to_owned(),
        ],
        sheet_header: None,
    }
}

/// The trade-off of `[budget] sweep`: per total budget, the spend, the day-care coverage and
/// new sites, and the targets met and missed; `None` without a sweep.
pub fn tradeoff_table(plan: &Plan, lang: Lang) -> Option<Table> {
    if plan.tradeoff.is_empty() {
        return None;
    }
    let rows = plan
        .tradeoff
        .iter()
        .map(|p| {
            vec![
                Cell::wan(p.budget_wan),
                // An overrun (only where the scenario allows one) is flagged in the cell.
                Cell::num(if p.overrun_wan > 0.0 {
                    format!(
                        "{} ({} {})",
                        money(p.spent_wan),
                        lang.pick("超支", "over by"),
                        money(p.overrun_wan)
                    )
                } else {
                    money(p.spent_wan)
                })
                .of(crate::numbers::round(p.spent_wan, 4), Unit::Wan)
                .of(crate::numbers::round(p.overrun_wan.max(0.0), 4), Unit::Wan),
                Cell::percent(p.coverage),
                Cell::num(p.new_sites.to_string()).of(f64::from(p.new_sites), Unit::Count),
                Cell::num(format!(
                    "{} / {}",
                    p.met.len(),
                    p.met.len() + p.missed.len()
                ))
                .of(p.met.len() as f64, Unit::Count)
                .of((p.met.len() + p.missed.len()) as f64, Unit::Count),
                Cell::text(if p.missed.is_empty() {
                    lang.pick("全部达标", "all met").to_owned()
                } else {
                    p.missed
                        .iter()
                        .map(|m| target_name(m, lang))
                        .collect::<Vec<_>>()
                        .join(lang.pick("、", ", "))
                }),
            ]
        })
        .collect();
    Some(Table {
        id: "tradeoff",
        header: vec![
            lang.pick("预算 (万元)", "Budget (10k yuan)").to_owned(),
            lang.pick("投资 (万元)", "Spent (10k yuan)").to_owned(),
            lang.pick("覆盖率", "Coverage").to_owned(),
            lang.pick("新建站点", "New sites").to_owned(),
            lang.pick("达标目标", "Targets met").to_owned(),
            lang.pick("未达标", "Missed").to_owned(),
        ],
        rows,
        total: None,
        notes: vec![
            lang.pick(
                "每个预算下重新规划：街道、乡镇与县域规则优先，约束性床位目标先于预期性目标",
                "The plan again at each budget: the street, township and county rules first, binding bed targets before expected ones",
            )
            .to_owned(),
            lang.pick(
                "投资超出预算时（仅在情景允许超支时）在投资一栏注明超支额",
                "Spend above the budget (only where the scenario allows an overrun) is flagged in the spend column",
            )
            .to_owned(),
        ],
        // The workbook gives the overrun and the count of targets columns of their own.
        sheet_header: Some(vec![
            lang.pick("预算 (万元)", "Budget (10k yuan)").to_owned(),
            lang.pick("投资 (万元)", "Spent (10k yuan)").to_owned(),
            lang.pick("超支 (万元)", "Over budget (10k yuan)").to_owned(),
            lang.pick("覆盖率", "Coverage").to_owned(),
            lang.pick("新建站点", "New sites").to_owned(),
            lang.pick("达标目标", "Targets met").to_owned(),
            lang.pick("目标数", "Targets").to_owned(),
            lang.pick("未达标", "Missed").to_owned(),
        ]),
    })
}

/// The price of the scenario's decisions ([`crate::plan::DecisionPrices`]): the free plan,
/// every decision together and each alone, with the coverage lost (elderly) and the 万元
/// added against the free plan; `None` without decisions.
pub fn decisions_table(plan: &Plan, lang: Lang) -> Option<Table> {
    let d = plan.decisions.as_ref()?;
    let status = |p: &crate::plan::PricedPlan| {
        format!(
            "{} / {}",
            serde_json::to_value(p.day_care_status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            serde_json::to_value(p.beds_status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        )
    };
    let row =
        |label: String, verdict: String, p: &crate::plan::PricedPlan, lost: f64, added: f64| {
            vec![
                Cell::text(label),
                Cell::text(verdict),
                Cell::num(crate::numbers::fixed(p.covered_elderly, 0))
                    .of(crate::numbers::round(p.covered_elderly, 0), Unit::Count),
                Cell::num(crate::numbers::fixed(lost, 0))
                    .of(crate::numbers::round(lost, 0), Unit::Count),
                Cell::wan(p.spent_wan),
                Cell::wan(added),
                Cell::num(p.new_sites.to_string()).of(f64::from(p.new_sites), Unit::Count),
                Cell::text(status(p)),
            ]
        };
    let verdict = |v: crate::model::decisions::Verdict| lang.pick(v.zh(), v.key()).to_owned();
    let mut rows = vec![row(
        lang.pick("无决定", "no decision").to_owned(),
        String::new(),
        &d.free,
        0.0,
        0.0,
    )];
    rows.push(row(
        lang.pick("全部决定", "all decisions").to_owned(),
        String::new(),
        &d.all.plan,
        d.all.coverage_lost_elderly,
        d.all.added_wan,
    ));
    for e in &d.each {
        rows.push(row(
            e.id.clone(),
            e.verdict.map(verdict).unwrap_or_default(),
            &e.plan,
            e.coverage_lost_elderly,
            e.added_wan,
        ));
    }
    let mut notes = vec![lang
        .pick(
            "每行为单独求解的规划；损失覆盖 = 无决定时覆盖的老年人 − 该行覆盖的老年人，增加投资 = 该行投资 − 无决定时投资",
            "Each row is a plan solved on its own; coverage lost = elderly the plan without decisions serves less those this row serves, 万元 added = this row's spend less the plan without decisions",
        )
        .to_owned()];
    if !d.not_priced.is_empty() {
        notes.push(format!(
            "{}: {}",
            lang.pick(
                "以下决定未单独定价（超过单独定价上限）",
                "Not priced alone (beyond the limit of decisions priced alone)"
            ),
            d.not_priced.join(", ")
        ));
    }
    Some(Table {
        id: "decisions",
        header: vec![
            lang.pick("决定", "Decision").to_owned(),
            lang.pick("类型", "Kind").to_owned(),
            lang.pick("覆盖老年人", "Elderly served").to_owned(),
            lang.pick("损失覆盖 (人)", "Coverage lost (elderly)")
                .to_owned(),
            lang.pick("投资 (万元)", "Spent (10k yuan)").to_owned(),
            lang.pick("增加投资 (万元)", "Added (10k yuan)").to_owned(),
            lang.pick("新建站点", "New sites").to_owned(),
            lang.pick("状态 (日间照料 / 床位)", "Status (day care / beds)")
                .to_owned(),
        ],
        rows,
        total: None,
        notes,
        sheet_header: None,
    })
}

/// Rules and targets the plan does not meet, in the report's language.
pub fn shortfalls(plan: &Plan, lang: Lang) -> Vec<String> {
    let mut out: Vec<String> = plan
        .day_care
        .shortfalls
        .iter()
        .map(|s| lang.pick(&s.zh, &s.en).to_owned())
        .collect();
    if let Some(b) = &plan.beds {
        out.extend(
            b.shortfalls
                .iter()
                .map(|s| format!("{}: {}", s.year, lang.pick(&s.zh, &s.en))),
        );
    }
    // A target over nothing to count (no elderly in scope, no townships of the kind) is
    // marked 未达标 in the indicator table; the planning steps see nothing to do, so it is
    // said here, once per indicator and year.
    for row in plan
        .indicators
        .rows
        .iter()
        .filter(|r| r.met == Some(false) && r.denominator <= 0.0)
    {
        let name = indicator_name(plan, row.indicator, lang);
        out.push(format!(
            "{}: {}",
            row.year,
            lang.pick(
                &format!("{name}：没有可计的对象（分母为 0），目标无从达到，记为未达标"),
                &format!(
                    "{name}: nothing to count (the denominator is 0), so the target cannot be met and is marked not met"
                ),
            )
        ));
    }
    out
}

/// One line on the scenario: base year, plan years, travel.
pub(crate) fn scenario_line(plan: &Plan, lang: Lang) -> String {
    let s = &plan.scenario;
    let first = s.years.first().copied().unwrap_or(s.base_year);
    format!(
        "{} {} · {} {}–{} · {} {:.0} {} ({}) · {} {}",
        lang.pick("基准年", "Base year"),
        s.base_year,
        lang.pick("规划期", "plan years"),
        first,
        s.final_year(),
        lang.pick("服务圈", "service circle"),
        s.travel.minutes,
        lang.pick("分钟", "minutes"),
        lang.pick(s.travel.kind().zh(), s.travel.kind().en()),
        lang.pick("随机种子", "seed"),
        s.seed
    )
}

/// The per-village results of `villages.csv`, with names for the codes: the workbook's
/// village sheet.
pub fn village_table(plan: &Plan, lang: Lang) -> Table {
    let yes_no = |b: bool| {
        Cell::text(if b {
            lang.pick("是", "yes")
        } else {
            lang.pick("否", "no")
        })
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
                Cell::text(&v.id),
                Cell::text(&v.name),
                Cell::text(&v.township),
                Cell::text(match v.kind {
                    crate::model::AreaKind::Urban => lang.pick("城镇", "urban"),
                    crate::model::AreaKind::Rural => lang.pick("农村", "rural"),
                }),
                Cell::count(f64::from(v.elderly)),
                yes_no(r.covered_before),
                yes_no(r.covered),
                Cell::num(thousands(r.served_before)).of(r.served_before, Unit::Count),
                Cell::num(thousands(r.served)).of(r.served, Unit::Count),
                Cell::text(site_id),
                Cell::text(site_name),
                r.minutes.map_or_else(
                    || Cell::num("—"),
                    |m| {
                        Cell::num(crate::numbers::fixed(m, 1))
                            .of(crate::numbers::round(m, 1), Unit::Decimal)
                    },
                ),
            ]
        })
        .collect();
    let header = [
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
    .to_vec();
    Table::new("villages", header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_shows_extra_decimals_only_where_they_decide_the_verdict() {
        let share = Indicator::NursingShare;
        // Met an "at least" target by a hair: the usual one decimal.
        assert_eq!(
            figure_against(share, 0.700005, Some(Goal::at_least(0.70))),
            "70.0%"
        );
        // Just short of it: as many decimals as tell them apart.
        assert_eq!(
            figure_against(share, 0.699996, Some(Goal::at_least(0.70))),
            "69.9996%"
        );
        // Exactly on a "more than" target is not above it, and above it by a hair is.
        let strict = Goal {
            strict: true,
            ..Goal::at_least(0.70)
        };
        assert_eq!(figure_against(share, 0.70002, Some(strict)), "70.002%");
        assert_eq!(figure_against(share, 0.70, Some(strict)), "70.0%");
        assert_eq!(figure_against(share, 0.72, Some(strict)), "72.0%");
    }

    #[test]
    fn targets_are_named_in_the_report_language() {
        assert_eq!(
            target_name("nursing_share 2025", Lang::Zh),
            "养老机构护理型床位占比 2025"
        );
        assert_eq!(
            target_name("coverage 2023", Lang::En),
            "Day-care coverage of the elderly 2023"
        );
        assert_eq!(target_name("unknown_key", Lang::Zh), "unknown_key");
    }
}
