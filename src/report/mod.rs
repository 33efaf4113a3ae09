//! Pure writers of a [`Plan`]: `summary.json`, per-village and per-site CSVs, written into a
//! temporary folder that replaces the previous output only once everything is written.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::error::Error;
use crate::model::{Facility, SiteIdx};
use crate::plan::Plan;
use crate::plan::day_care::Reason;

/// A folder name derived from `name` that cannot escape its parent: path separators,
/// `..`, reserved and control characters become `_`; empty names become `scenario`.
pub fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim().trim_matches('.').trim();
    if trimmed.is_empty() {
        "scenario".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The output folder name of a scenario: its file stem, made safe.
pub fn output_name(scenario_path: &Path) -> String {
    safe_name(
        &scenario_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    )
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `files` (name, bytes) into `parent/name` atomically: into a temporary sibling
/// folder first, which then takes the final name. A run that dies before the rename leaves
/// the previous folder untouched.
pub fn write_folder(
    parent: &Path,
    name: &str,
    files: &[(String, Vec<u8>)],
) -> Result<PathBuf, Error> {
    fs::create_dir_all(parent).map_err(io_err(parent))?;
    let target = parent.join(name);
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
    }
    fs::create_dir(&tmp).map_err(io_err(&tmp))?;
    for (file, bytes) in files {
        let path = tmp.join(file);
        let mut f = fs::File::create(&path).map_err(io_err(&path))?;
        f.write_all(bytes).map_err(io_err(&path))?;
        f.sync_all().map_err(io_err(&path))?;
    }
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if target.exists() {
        fs::rename(&target, &old).map_err(io_err(&target))?;
    }
    fs::rename(&tmp, &target).map_err(io_err(&target))?;
    if old.exists() {
        fs::remove_dir_all(&old).map_err(io_err(&old))?;
    }
    Ok(target)
}

/// Writes every output of a plan into `parent/<scenario file stem>/`.
pub fn write_plan(plan: &Plan, parent: &Path) -> Result<PathBuf, Error> {
    let name = output_name(&plan.scenario.path);
    let files = vec![
        ("summary.json".to_owned(), summary_json(plan)),
        ("villages.csv".to_owned(), villages_csv(plan)),
        ("sites.csv".to_owned(), sites_csv(plan)),
    ];
    write_folder(parent, &name, &files)
}

/// Rounds for output so that files do not carry float noise.
fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// The machine-readable summary of a run.
pub fn summary_value(plan: &Plan) -> Value {
    let s = &plan.scenario;
    let dc = &plan.day_care;
    let baseline = plan.region.baseline();
    json!({
        "scenario": {
            "name": s.name,
            "file": s.path.file_name().map(|f| f.to_string_lossy().into_owned()),
            "base_year": s.base_year,
            "years": s.years,
            "seed": s.seed,
            "travel_minutes": s.travel.minutes,
            "travel_mode": match (&s.travel.roads, &s.travel.matrix) {
                (_, Some(_)) => "matrix",
                (Some(_), None) => "network",
                (None, None) => "crow_fly",
            },
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
            })).collect::<Vec<_>>(),
            "shortfalls": dc.shortfalls,
            "search": dc.search,
        },
        "beds": plan.beds,
        "other_targets": s.other_targets,
        "timings": plan.timings,
    })
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

/// `villages.csv`: one row per village with its day-care coverage before and after.
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
            site_id,
            site_name,
            r.minutes.map(|m| format!("{m:.1}")).unwrap_or_default(),
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
            "site_id",
            "site_name",
            "minutes",
        ],
        rows,
    )
}

/// `sites.csv`: existing serving facilities and new sites, with the villages and elderly for
/// whom each is the nearest serving site.
pub fn sites_csv(plan: &Plan) -> Vec<u8> {
    let nf = plan.region.facilities.len();
    let mut villages = vec![0u32; plan.region.site_count()];
    let mut elderly = vec![0u64; plan.region.site_count()];
    for r in &plan.day_care.villages {
        if let Some(s) = r.site {
            villages[s.get()] += 1;
            elderly[s.get()] += u64::from(plan.region.villages[r.village.get()].elderly);
        }
    }
    let existing = plan
        .region
        .facilities
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind.serves_day_care())
        .map(|(i, f): (usize, &Facility)| {
            vec![
                f.id.clone(),
                f.name.clone(),
                f.kind.as_str().to_owned(),
                "existing".to_owned(),
                f.township.clone(),
                format!("{:.6}", f.pos.lon),
                format!("{:.6}", f.pos.lat),
                villages[i].to_string(),
                elderly[i].to_string(),
                String::new(),
                String::new(),
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
            elderly[i].to_string(),
            format!("{}", s.newly_covered_elderly),
            match s.reason {
                Reason::Street => "street",
                Reason::Township => "township",
                Reason::Coverage => "coverage",
            }
            .to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_escape_the_output_folder() {
        assert_eq!(safe_name("../../etc"), "_.._etc");
        assert_eq!(safe_name("/abs/path"), "_abs_path");
        assert_eq!(safe_name(".."), "scenario");
        assert_eq!(safe_name("a:b*c?"), "a_b_c_");
        assert_eq!(safe_name("民乐县"), "民乐县");
    }
}
