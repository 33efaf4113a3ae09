//! `report.md`, the report's tables as GitHub-flavoured Markdown, and `proposals.csv`, the
//! machine-readable project list.

use super::round;
use super::table::{Table, Tone};
use super::tables::{
    certificate_table, decisions_table, indicator_table, other_targets_table, project_table,
    projects, scenario_line, shortfalls, township_table, tradeoff_table,
};
use crate::map::Lang;
use crate::plan::Plan;

/// `proposals.csv`: one row per proposed project, for spreadsheets and GIS.
pub fn proposals_csv(plan: &Plan) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "name",
        "type",
        "township",
        "lon",
        "lat",
        "new_beds",
        "converted_beds",
        "designated_beds",
        "newly_covered_elderly",
        "cost_wan",
        "year",
    ])
    .expect("writing to memory cannot fail");
    for p in projects(plan) {
        w.write_record([
            p.id,
            p.name,
            p.kind.code().to_owned(),
            p.township,
            format!("{:.6}", p.lon),
            format!("{:.6}", p.lat),
            p.new_beds.to_string(),
            p.converted_beds.to_string(),
            p.designated_beds.to_string(),
            format!("{}", round(p.newly_covered_elderly, 3)),
            format!("{}", round(p.cost_wan, 4)),
            p.year.to_string(),
        ])
        .expect("writing to memory cannot fail");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('*', "\\*").replace('\n', " ")
}

/// A table as GitHub-flavoured Markdown.
pub fn table_markdown(t: &Table) -> String {
    let mut out = String::new();
    out += &format!(
        "| {} |\n",
        t.header
            .iter()
            .map(|h| md_escape(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let tones: Vec<Tone> = (0..t.header.len())
        .map(|c| {
            t.rows
                .iter()
                .find_map(|r| {
                    r.get(c)
                        .filter(|cell| cell.text != "—")
                        .map(|cell| cell.tone)
                })
                .unwrap_or(Tone::Plain)
        })
        .collect();
    out += &format!(
        "|{}|\n",
        tones
            .iter()
            .map(|t| match t {
                Tone::Number => "---:",
                Tone::Good | Tone::Bad => ":---:",
                Tone::Plain => "---",
            })
            .collect::<Vec<_>>()
            .join("|")
    );
    for row in t.rows.iter().chain(t.total.iter()) {
        let bold = t.total.as_ref() == Some(row);
        out += &format!(
            "| {} |\n",
            row.iter()
                .map(|c| {
                    let text = md_escape(&c.text);
                    if bold && !text.is_empty() {
                        format!("**{text}**")
                    } else {
                        text
                    }
                })
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    for n in &t.notes {
        out += &format!("\n{}\n", md_escape(n));
    }
    out
}

/// `report.md`: the report's tables and pictures in Markdown.
pub fn report_markdown(plan: &Plan, lang: Lang, pictures: &[(&str, String)]) -> String {
    let s = &plan.scenario;
    let mut out = format!(
        "# {}\n\n**{}**\n\n",
        md_escape(&s.name),
        lang.pick("养老服务设施规划报告", "Elderly-care facility plan")
    );
    out += &format!("{}\n\n", scenario_line(plan, lang));
    if let Some(src) = &s.source {
        out += &format!("{}: {}\n\n", lang.pick("依据", "Source"), md_escape(src));
    }
    let mut n = 0;
    let mut section = |out: &mut String, title: &str| {
        n += 1;
        *out += &format!("## {n}. {title}\n\n");
    };
    section(&mut out, lang.pick("指标", "Indicators"));
    out += &table_markdown(&indicator_table(plan, lang));
    out += "\n";
    if !pictures.is_empty() {
        section(&mut out, lang.pick("地图与图表", "Maps and charts"));
        for (file, title) in pictures {
            out += &format!("![{}]({file})\n\n", md_escape(title));
        }
    }
    section(&mut out, lang.pick("规划项目", "Proposed projects"));
    let projects = project_table(plan, lang);
    if projects.rows.is_empty() {
        out += lang.pick("无新建项目。\n\n", "No new project.\n\n");
    } else {
        out += &table_markdown(&projects);
        out += &format!(
            "\n{}\n\n",
            lang.pick(
                "\\* 改造为护理型床位的现有床位数；† 转为公益性的民办床位数",
                "\\* existing beds converted to nursing beds; † private beds re-designated as public-interest beds"
            )
        );
    }
    section(&mut out, lang.pick("乡镇汇总", "Townships"));
    out += &table_markdown(&township_table(plan, lang));
    out += "\n";
    if let Some(t) = other_targets_table(plan, lang) {
        section(
            &mut out,
            lang.pick(
                "其他目标 (已记录, 未建模)",
                "Other targets (recorded, not modelled)",
            ),
        );
        out += &table_markdown(&t);
        out += "\n";
    }
    if let Some(t) = tradeoff_table(plan, lang) {
        section(&mut out, lang.pick("预算与目标", "Budget and targets"));
        out += &table_markdown(&t);
        out += "\n";
    }
    if let Some(t) = decisions_table(plan, lang) {
        section(&mut out, lang.pick("决定的代价", "Price of the decisions"));
        out += &table_markdown(&t);
        out += "\n";
    }
    section(&mut out, lang.pick("求解证明", "Certificate"));
    out += &table_markdown(&certificate_table(plan, lang));
    out += "\n";
    section(&mut out, lang.pick("未达标项", "Shortfalls"));
    let short = shortfalls(plan, lang);
    if short.is_empty() {
        out += lang.pick(
            "全部规则与目标均已满足。\n",
            "Every rule and target is met.\n",
        );
    } else {
        for s in short {
            out += &format!("- {}\n", md_escape(&s));
        }
    }
    out
}
