//! Pure writers of a [`Plan`]: `summary.json`, per-village and per-site CSVs, written into a
//! temporary folder that replaces the previous output only once everything is written.

pub mod geojson;
pub mod html;
pub mod markdown;
pub mod table;
pub mod tables;
pub mod workbook;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::error::Error;
use crate::model::{Facility, SiteIdx};
use crate::plan::Plan;
use crate::plan::day_care::Reason;

pub use crate::io::output::{MAX_NAME_BYTES, output_name, safe_name, write_folder};

/// Writes every output of a plan into `parent/<scenario file stem>/`, with Chinese labels and
/// the vendored font.
pub fn write_plan(plan: &Plan, parent: &Path) -> Result<PathBuf, Error> {
    write_plan_with(plan, parent, &crate::map::Options::default())
}

/// Writes every output of a plan into `parent/<scenario file stem>/`: the summary, the CSVs
/// (encoded as `opts.csv` says), the GeoJSON layers, the maps and charts (PNG and SVG),
/// `report.md`, `report.xlsx` and `report.html`.
pub fn write_plan_with(
    plan: &Plan,
    parent: &Path,
    opts: &crate::map::Options,
) -> Result<PathBuf, Error> {
    let name = safe_name(&plan.run_name);
    // The outputs are independent but for the drawings, which the report pages embed or
    // name: the drawings and pages on one side, the data files on the other, each built in
    // parallel; the list keeps its order, so the folder is the same for any thread count.
    let (pages, data) = rayon::join(
        || -> Result<Vec<(String, Vec<u8>)>, Error> {
            let drawings = crate::map::draw_all(plan, opts)?;
            let titles = picture_titles(&drawings, opts.lang);
            let (markdown, html) = rayon::join(
                || markdown::report_markdown(plan, opts.lang, &titles).into_bytes(),
                || html::report_html(plan, opts.lang, &drawings).into_bytes(),
            );
            let mut files = pictures(drawings);
            files.push(("report.md".to_owned(), markdown));
            files.push(("report.html".to_owned(), html));
            Ok(files)
        },
        || {
            let (mut files, (geojson, xlsx)) = rayon::join(
                || {
                    vec![
                        ("summary.json".to_owned(), summary_json(plan)),
                        (
                            "villages.csv".to_owned(),
                            opts.csv.encode(&villages_csv(plan)),
                        ),
                        ("sites.csv".to_owned(), opts.csv.encode(&sites_csv(plan))),
                        (
                            "proposals.csv".to_owned(),
                            opts.csv.encode(&markdown::proposals_csv(plan)),
                        ),
                    ]
                },
                || {
                    rayon::join(
                        || geojson::files(plan),
                        || workbook::report_xlsx(plan, opts.lang),
                    )
                },
            );
            files.extend(geojson);
            (files, xlsx)
        },
    );
    let mut pages = pages?;
    let (mut files, xlsx) = data;
    let xlsx = xlsx.map_err(|e| Error::Io {
        path: PathBuf::from("report.xlsx"),
        source: std::io::Error::other(e),
    })?;
    // The order of old: data files, pictures, report.md, report.xlsx, report.html.
    let html = pages.pop().expect("the pages end with report.html");
    files.append(&mut pages);
    files.push(("report.xlsx".to_owned(), xlsx));
    files.push(html);
    write_folder(parent, &name, &files)
}

/// The PNG and SVG files of the drawings that exist.
fn pictures(d: crate::map::Drawings) -> Vec<(String, Vec<u8>)> {
    let named = [
        ("map", Some(d.map.image)),
        ("access", d.access.map(|m| m.image)),
        ("curve", d.curve),
        ("tradeoff", d.tradeoff),
        ("beds", d.beds),
    ];
    named
        .into_iter()
        .filter_map(|(name, r)| r.map(|r| (name, r)))
        .flat_map(|(name, r)| {
            [
                (format!("{name}.png"), r.png),
                (format!("{name}.svg"), r.svg.into_bytes()),
            ]
        })
        .collect()
}

/// The PNG files of the drawings that exist, with their titles, for `report.md`.
fn picture_titles(d: &crate::map::Drawings, lang: crate::map::Lang) -> Vec<(&'static str, String)> {
    let mut out = vec![(
        "map.png",
        lang.pick("日间照料服务覆盖图", "Day-care coverage map")
            .to_owned(),
    )];
    if d.curve.is_some() {
        out.push((
            "curve.png",
            lang.pick("覆盖曲线", "Coverage curve").to_owned(),
        ));
    }
    if d.tradeoff.is_some() {
        out.push((
            "tradeoff.png",
            lang.pick("预算与目标", "Budget and targets").to_owned(),
        ));
    }
    if d.beds.is_some() {
        out.push((
            "beds.png",
            lang.pick("各乡镇养老床位", "Beds per township").to_owned(),
        ));
    }
    if d.access.is_some() {
        out.push((
            "access.png",
            lang.pick("养老床位可达性", "Bed accessibility").to_owned(),
        ));
    }
    out
}

/// Rounds for output so that files do not carry float noise.
pub(crate) fn round(x: f64, digits: i32) -> f64 {
    crate::numbers::round(x, digits)
}

/// The machine-readable summary of a run.
pub fn summary_value(plan: &Plan) -> Value {
    let s = &plan.scenario;
    let dc = &plan.day_care;
    let baseline = plan
        .region
        .baseline(&s.indicators, &s.day_care.township_kinds);
    json!({
        "scenario": {
            "name": s.name,
            "file": s.path.file_name().map(|f| f.to_string_lossy().into_owned()),
            "base_year": s.base_year,
            "years": s.years,
            "seed": s.seed,
            "travel_minutes": s.travel.minutes,
            "travel_mode": s.travel.kind().key(),
        },
        "baseline": baseline,
        "day_care": {
            "status": dc.status,
            "objective": dc.objective,
            "new_sites": dc.new_sites,
            "covered_elderly": dc.covered_elderly,
            "covered_before": dc.covered_before,
            "total_elderly": dc.total_elderly,
            "coverage": round(dc.coverage, 6),
            "target": dc.target,
            "bound": round(dc.bound, 6),
            "gap": round(dc.gap, 9),
            "seed": dc.seed,
            "unreachable_elderly": dc.unreachable_elderly,
            "reachable_coverage": round(dc.reachable_coverage, 6),
            "curve": dc.curve,
            "sites": dc.sites.iter().map(|site| json!({
                "id": site.id,
                "name": site.name,
                "township": site.township,
                "lon": round(site.lon, 6),
                "lat": round(site.lat, 6),
                "newly_covered_elderly": site.newly_covered_elderly,
                "reason": site.reason,
                "comprehensive": site.comprehensive,
                "year": site.year,
            })).collect::<Vec<_>>(),
            "upgrades": dc.upgrades,
            "serving": dc.serving,
            "shortfalls": dc.shortfalls,
            "search": dc.search,
            "phasing": dc.phasing,
        },
        "beds": plan.beds,
        "indicators": plan.indicators,
        "budget": plan.spending,
        "tradeoff": plan.tradeoff,
        "decisions": decisions_value(plan),
        "indicator_definitions": {
            "beds": s.indicators,
            "day_care_serving": s.day_care.serving,
        },
        "other_targets": s.other_targets,
        "timings": plan.timings,
    })
}

/// `summary.json` → `decisions`: `list` (every decision: `id`, `decision` = `required` |
/// `excluded`, `year`), and with any decision the prices ([`crate::plan::DecisionPrices`]):
/// `free`, `all`, `each`, `not_priced`.
fn decisions_value(plan: &Plan) -> serde_json::Value {
    let mut v = match &plan.decisions {
        Some(p) => serde_json::to_value(p).expect("prices serialise"),
        None => json!({}),
    };
    v["list"] = plan
        .scenario
        .decisions
        .list
        .iter()
        .map(|d| json!({"id": d.id, "decision": d.verdict, "year": d.year}))
        .collect();
    v
}

/// `summary.json` bytes.
pub fn summary_json(plan: &Plan) -> Vec<u8> {
    let mut out =
        serde_json::to_vec_pretty(&summary_value(plan)).expect("a JSON value always serialises");
    out.push(b'\n');
    out
}

fn csv_bytes(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)
        .expect("writing to memory cannot fail");
    for row in rows {
        w.write_record(&row).expect("writing to memory cannot fail");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

fn site_label(plan: &Plan, site: SiteIdx) -> (String, String) {
    match plan.region.site(site) {
        crate::model::Site::Existing(f) => (f.id.clone(), f.name.clone()),
        crate::model::Site::Candidate(c) => (c.id.clone(), c.name.clone()),
    }
}

/// `villages.csv`: one row per village with its day-care coverage before and after: whether a
/// serving site is within reach, and the elderly (in scope) served, up to the sites'
/// capacities where they have them.
pub fn villages_csv(plan: &Plan) -> Vec<u8> {
    let rows = plan.day_care.villages.iter().map(|r| {
        let v = &plan.region.villages[r.village.get()];
        let (site_id, site_name) = r.site.map(|s| site_label(plan, s)).unwrap_or_default();
        vec![
            v.id.clone(),
            v.name.clone(),
            v.township.clone(),
            v.kind.as_str().to_owned(),
            v.elderly.to_string(),
            r.covered_before.to_string(),
            r.covered.to_string(),
            format!("{}", r.served_before),
            format!("{}", r.served),
            site_id,
            site_name,
            r.minutes
                .map(|m| crate::numbers::fixed(m, 1))
                .unwrap_or_default(),
        ]
    });
    csv_bytes(
        &[
            "id",
            "name",
            "township",
            "kind",
            "elderly",
            "covered_before",
            "covered",
            "served_before",
            "served",
            "site_id",
            "site_name",
            "minutes",
        ],
        rows,
    )
}

/// `sites.csv`: existing serving facilities and new sites, with the villages each serves
/// and the elderly (in scope) it serves: those for whom it is the nearest serving site, or
/// with capacities, the people assigned to it (never more than its places).
pub fn sites_csv(plan: &Plan) -> Vec<u8> {
    let nf = plan.region.facilities.len();
    let mut villages = vec![0u32; plan.region.site_count()];
    let mut elderly = vec![0.0f64; plan.region.site_count()];
    for r in &plan.day_care.villages {
        for &(s, people) in &r.flows {
            villages[s.get()] += 1;
            elderly[s.get()] += people;
        }
    }
    let existing = plan
        .region
        .facilities
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            plan.day_care.serving.contains(f.kind)
                || plan.day_care.upgrades.iter().any(|u| u.facility == *i)
        })
        .map(|(i, f): (usize, &Facility)| {
            let upgrade = plan.day_care.upgrades.iter().find(|u| u.facility == i);
            let upgraded = upgrade.is_some();
            vec![
                f.id.clone(),
                f.name.clone(),
                if upgraded {
                    "comprehensive"
                } else {
                    f.kind.as_str()
                }
                .to_owned(),
                if upgraded { "upgraded" } else { "existing" }.to_owned(),
                f.township.clone(),
                format!("{:.6}", f.pos.lon),
                format!("{:.6}", f.pos.lat),
                villages[i].to_string(),
                format!("{}", elderly[i]),
                // An upgrade counts the elderly it newly serves, like a new site.
                upgrade.map_or_else(String::new, |u| format!("{}", u.newly_covered_elderly)),
                // An upgrade names the rule it serves, like a new site.
                upgrade.map_or_else(String::new, |u| reason_key(u.reason).to_owned()),
            ]
        });
    let new = plan.day_care.sites.iter().map(|s| {
        let i = nf + s.candidate;
        vec![
            s.id.clone(),
            s.name.clone(),
            if s.comprehensive {
                "comprehensive"
            } else {
                "day_care"
            }
            .to_owned(),
            "new".to_owned(),
            s.township.clone(),
            format!("{:.6}", s.lon),
            format!("{:.6}", s.lat),
            villages[i].to_string(),
            format!("{}", elderly[i]),
            format!("{}", s.newly_covered_elderly),
            reason_key(s.reason).to_owned(),
        ]
    });
    csv_bytes(
        &[
            "id",
            "name",
            "type",
            "status",
            "township",
            "lon",
            "lat",
            "villages_served",
            "elderly_served",
            "newly_covered_elderly",
            "reason",
        ],
        existing.chain(new).collect::<Vec<_>>(),
    )
}

/// The `reason` column's word for why a site opens or a facility is upgraded.
fn reason_key(reason: Reason) -> &'static str {
    match reason {
        Reason::Street => "street",
        Reason::Township => "township",
        Reason::Coverage => "coverage",
        Reason::Capacity => "capacity",
        Reason::County => "county",
        Reason::Required => "required",
    }
}
