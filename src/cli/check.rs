//! `yanglao check <scenario.toml>...`: validate scenarios and their data, report every
//! problem at once (exit code 2), or print each region's baseline.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::io::load;
use crate::model::{Baseline, Region, Scenario, SiteIdx, VillageIdx};
use crate::travel::NetworkSummary;

/// Arguments of `yanglao check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario files to check.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Print the baseline as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut bad = false;
    let mut json = Vec::new();
    for path in &args.scenarios {
        let loaded = match load(path) {
            Ok(c) => c,
            Err(d) => {
                bad = true;
                report(path, &d);
                continue;
            }
        };
        eprint!("{}", loaded.notes);
        let scenario = &loaded.scenario;
        let reach = match crate::travel::reach_limited(
            &loaded.region,
            &scenario.travel,
            &scenario.limits,
        ) {
            Ok(r) => r,
            Err(e) => {
                bad = true;
                match e.diagnostics() {
                    Some(d) => report(path, d),
                    None => eprintln!("{}: {e}", path.display()),
                }
                continue;
            }
        };
        let b = loaded
            .region
            .baseline(&scenario.indicators, &scenario.day_care.township_kinds);
        let (covered, in_scope) = crate::plan::indicators::baseline_coverage(
            &loaded.region,
            &reach,
            scenario.day_care.scope,
            scenario.day_care.serving,
            scenario.day_care.capacity,
            scenario.day_care.data_capacity,
        );
        // Adding +0 turns a -0 sum (nothing covered) into 0, so no output shows -0.
        let (covered, in_scope) = (covered + 0.0, in_scope + 0.0);
        let coverage = (in_scope > 0.0).then(|| covered / in_scope);
        let unreachable: Vec<&crate::model::Village> = reach
            .unreachable_villages()
            .map(|v| &loaded.region.villages[v.get()])
            .collect();
        if args.json {
            json.push(serde_json::json!({
                "scenario": path,
                "name": loaded.scenario.name,
                "baseline": b,
                "coverage_today": coverage,
                "covered_elderly_today": covered,
                "elderly_in_scope": in_scope,
                "serving_types": scenario.day_care.serving,
                "unreachable_villages": unreachable.iter().map(|v| serde_json::json!({
                    "id": v.id, "name": v.name, "township": v.township, "elderly": v.elderly,
                })).collect::<Vec<_>>(),
                "network": reach.network().map(|n| network_json(&loaded.region, n)),
            }));
        } else {
            super::print_out(&format!(
                "{}{}{}{}",
                baseline_text(&loaded.scenario, &b),
                coverage_text(&loaded.scenario, coverage, covered, in_scope),
                unreachable_text(&loaded.scenario, &unreachable),
                reach
                    .network()
                    .map(|n| network_text(&loaded.region, n))
                    .unwrap_or_default()
            ))?;
        }
    }
    if args.json {
        super::print_out(&format!("{}\n", serde_json::to_string_pretty(&json)?))?;
    }
    Ok(if bad {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints every problem of `path`, then how many there were.
pub(super) fn report(path: &std::path::Path, d: &crate::error::Diagnostics) {
    eprint!("{d}");
    eprintln!(
        "{}: {} 处问题 / {} problem(s)",
        path.display(),
        d.len(),
        d.len()
    );
}

/// Today's day-care coverage: the elderly in scope within the circle of an existing serving
/// facility.
pub fn coverage_text(s: &Scenario, coverage: Option<f64>, covered: f64, total: f64) -> String {
    let share = coverage.map_or_else(|| "–".to_owned(), |c| format!("{:.1} %", 100.0 * c));
    // The population the share counts, named where it is not every village's elderly.
    let whom = match s.day_care.scope {
        crate::model::CoverageScope::All => "名老年人",
        crate::model::CoverageScope::Urban => "名城镇社区老年人",
    };
    format!(
        "  {:<24}{share:>10}  日间照料服务覆盖率（{:.0} 分钟，{}；{covered:.0} / {total:.0} {whom}）\n",
        "day-care coverage today",
        s.travel.minutes,
        s.day_care.serving.zh(),
    )
}

/// Villages that no existing facility or candidate reaches within the time limit.
pub fn unreachable_text(s: &Scenario, villages: &[&crate::model::Village]) -> String {
    if villages.is_empty() {
        return format!(
            "  every village reaches an existing or candidate site within {} minutes / 所有村/社区 {} 分钟内均有现有设施或候选点可达\n",
            s.travel.minutes, s.travel.minutes
        );
    }
    let elderly: u64 = villages.iter().map(|v| u64::from(v.elderly)).sum();
    let mut out = format!(
        "  {} villages ({} elderly) reach no existing or candidate site within {} minutes / {} 个村/社区（{} 名老年人）{} 分钟内无任何现有设施或候选点可达:\n",
        villages.len(),
        elderly,
        s.travel.minutes,
        villages.len(),
        elderly,
        s.travel.minutes
    );
    let names: Vec<String> = villages
        .iter()
        .take(10)
        .map(|v| format!("{} {}", v.township, v.name))
        .collect();
    out += &format!("    {}", names.join(", "));
    if villages.len() > 10 {
        out += &format!(" … (+{})", villages.len() - 10);
    }
    out.push('\n');
    out
}

/// The baseline as a short bilingual text block.
pub fn baseline_text(s: &Scenario, b: &Baseline) -> String {
    fn row(out: &mut String, en: &str, value: &str, zh: &str) {
        out.push_str(&format!("  {en:<24}{value:>10}  {zh}\n"));
    }
    let opt = |v: Option<f64>, scale: f64, unit: &str| {
        v.map_or_else(|| "–".to_owned(), |x| format!("{:.1}{unit}", x * scale))
    };
    let mut out = format!("{} ({})\n", s.name, s.path.display());
    row(&mut out, "villages", &b.villages.to_string(), "村/社区");
    row(&mut out, "townships", &b.townships.to_string(), "乡镇/街道");
    if b.other_units > 0 {
        row(
            &mut out,
            "other township units",
            &b.other_units.to_string(),
            "开发区、园区、农场等（不计入乡镇）",
        );
    }
    row(
        &mut out,
        "elderly (60+)",
        &b.elderly.to_string(),
        "老年人口",
    );
    for (kind, n) in &b.facilities_by_type {
        row(&mut out, kind.as_str(), &n.to_string(), kind.zh());
    }
    row(&mut out, "beds", &b.beds.to_string(), "床位");
    row(
        &mut out,
        "nursing beds",
        &b.nursing_beds.to_string(),
        "护理型床位",
    );
    row(
        &mut out,
        "candidate sites",
        &b.candidates.to_string(),
        "候选点",
    );
    row(
        &mut out,
        "beds per 1000 elderly",
        &opt(b.beds_per_1000, 1.0, ""),
        "每千名老年人床位数",
    );
    row(
        &mut out,
        "nursing share",
        &opt(b.nursing_share, 100.0, " %"),
        &format!("护理型床位占比（{}）", s.indicators.nursing_share.zh()),
    );
    row(
        &mut out,
        "nursing beds per 1000",
        &opt(b.nursing_per_1000, 1.0, ""),
        "每千名老年人护理型床位数",
    );
    row(
        &mut out,
        "public bed share",
        &opt(b.public_share, 100.0, " %"),
        "公益性床位占比",
    );
    out
}

/// A village or site as `id name` for the network lines.
fn point_label(id: &str, name: &str) -> String {
    if name.is_empty() {
        id.to_owned()
    } else {
        format!("{id} {name}")
    }
}

/// Up to ten `id name` labels, then how many more.
fn labels<'a>(all: impl ExactSizeIterator<Item = (&'a str, &'a str)>) -> String {
    let n = all.len();
    let mut out: Vec<String> = all
        .take(10)
        .map(|(id, name)| point_label(id, name))
        .collect();
    if n > 10 {
        out.push(format!("… (+{})", n - 10));
    }
    out.join(", ")
}

fn village_labels(region: &Region, villages: &[VillageIdx]) -> String {
    labels(villages.iter().map(|v| {
        let v = &region.villages[v.get()];
        (v.id.as_str(), v.name.as_str())
    }))
}

fn site_labels(region: &Region, sites: &[SiteIdx]) -> String {
    labels(sites.iter().map(|s| {
        let site = region.site(*s);
        (site.id(), site.name())
    }))
}

/// What the road network looks like to the scenario: its pieces, the villages and sites that
/// enter it outside the main piece or not at all, and the longest snap legs, each located by
/// id (see [`crate::travel::network`] for the snapping rules).
pub fn network_text(region: &Region, n: &NetworkSummary) -> String {
    let mut out = format!(
        "  road network: {} nodes, {} edges, {} pieces, the main one {} nodes / 路网：{} 个节点，{} 条边，{} 个连通片，主连通片 {} 个节点\n",
        n.nodes,
        n.edges,
        n.components,
        n.main_component_nodes,
        n.nodes,
        n.edges,
        n.components,
        n.main_component_nodes
    );
    let mut list = |count: usize, en: &str, zh: &str, labels: String| {
        if count > 0 {
            out += &format!("  {count} {en} / {count} {zh}:\n    {labels}\n");
        }
    };
    list(
        n.villages_without_road.len(),
        "villages whose travel mode may use no road",
        "个村/社区的出行方式无可用道路",
        village_labels(region, &n.villages_without_road),
    );
    list(
        n.villages_beyond_snap.len(),
        &format!(
            "villages farther than {:.0} m from any usable road: they reach nothing",
            n.snap_limit_m
        ),
        &format!(
            "个村/社区距可用道路超过 {:.0} 米，无法接入路网",
            n.snap_limit_m
        ),
        village_labels(region, &n.villages_beyond_snap),
    );
    list(
        n.sites_beyond_snap.len(),
        &format!(
            "sites farther than {:.0} m from any usable road",
            n.snap_limit_m
        ),
        &format!("个设施或候选点距可用道路超过 {:.0} 米", n.snap_limit_m),
        site_labels(region, &n.sites_beyond_snap),
    );
    list(
        n.villages_off_main.len(),
        "villages enter the network outside its main piece",
        "个村/社区接入主连通片之外的路网",
        village_labels(region, &n.villages_off_main),
    );
    list(
        n.sites_off_main.len(),
        "sites enter the network outside its main piece",
        "个设施或候选点接入主连通片之外的路网",
        site_labels(region, &n.sites_off_main),
    );
    if !n.longest_village_snaps.is_empty() {
        let legs: Vec<String> = n
            .longest_village_snaps
            .iter()
            .map(|(v, m)| {
                let v = &region.villages[v.get()];
                format!("{} {m:.0} m", point_label(&v.id, &v.name))
            })
            .collect();
        out += &format!(
            "  longest walks onto the network / 最长接入步行距离:\n    {}\n",
            legs.join(", ")
        );
    }
    out
}

/// [`network_text`] as JSON: counts, and the villages and sites by id.
pub fn network_json(region: &Region, n: &NetworkSummary) -> serde_json::Value {
    let villages = |list: &[VillageIdx]| -> Vec<&str> {
        list.iter()
            .map(|v| region.villages[v.get()].id.as_str())
            .collect()
    };
    let sites =
        |list: &[SiteIdx]| -> Vec<&str> { list.iter().map(|s| region.site(*s).id()).collect() };
    serde_json::json!({
        "nodes": n.nodes,
        "edges": n.edges,
        "pieces": n.components,
        "main_piece_nodes": n.main_component_nodes,
        "snap_limit_m": n.snap_limit_m,
        "villages_without_road": villages(&n.villages_without_road),
        "villages_beyond_snap_limit": villages(&n.villages_beyond_snap),
        "sites_beyond_snap_limit": sites(&n.sites_beyond_snap),
        "villages_off_main_piece": villages(&n.villages_off_main),
        "sites_off_main_piece": sites(&n.sites_off_main),
        "longest_snap_legs_m": n.longest_village_snaps.iter().map(|(v, m)| serde_json::json!({
            "village": region.villages[v.get()].id, "metres": m,
        })).collect::<Vec<_>>(),
    })
}
