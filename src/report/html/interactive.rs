//! The page maps of `report.html`: the coverage map with its what-if mode, and the
//! bed-accessibility map ([`access_json`]), drawn by the same page script from blocks of the
//! same shape.
//!
//! The page draws the map itself (`map.js`, inlined) from one JSON block, so symbols keep
//! their screen size at any zoom and every layer can be switched off: villages by status,
//! existing sites, new sites, unchosen candidates, service areas, the boundary and the
//! township names.
//!
//! What-if: the block also carries, for each village, the serving sites and candidates
//! within the time limit with their minutes (the plan's own reach lists, in their order,
//! nearest first). Clicking a candidate opens or closes it, clicking an existing centre
//! drops it, and the page counts coverage as [`crate::plan::day_care`] does without centre
//! capacities: a village's elderly in scope are served when any open serving site is within
//! the limit, over the same denominator. With capacities the count would need the plan's
//! maximum-flow assignment, so the page says so and offers no what-if; the same where the
//! region has more than [`WHATIF_MAX_VILLAGES`] villages (a province), whose page then
//! says to plan each county as its own scenario: the what-if lives in the county reports.
//!
//! # Shape of the JSON block (`map-data`)
//!
//! - `w`, `h`: map size in pixels (the SVG's `viewBox`);
//! - `v`: villages `[x, y, radius px, name, township, elderly, elderly in scope, status,
//!   site, minutes]`, status `0` served by an existing centre, `1` newly served, `2` not
//!   served, `3` out of scope; `site` indexes `s` (−1 none), `minutes` to it (the plan's
//!   nearest serving site);
//! - `s`: sites `[x, y, id, name, type, township, role, open, serves, comprehensive,
//!   cost 万元, elderly served, rings]`, `rings` the crow-fly service rings `[[radius px,
//!   village type (0 urban, 1 rural)], …]`, one per village type of the region, urban first
//!   (empty for other travel models); role `0` existing serving centre, `1`
//!   existing facility upgraded by the plan, `2` existing comprehensive centre that does not
//!   serve the circle, `3` candidate; `open` as planned;
//! - `reach` (what-if only): per village a flat list `[site, minutes, site, minutes, …]`;
//! - `areas`: `[site, SVG path]` service areas the travel model drew (road networks);
//! - `boundary`: an SVG path; `towns`: `[name, kind (0 街道, 1 镇/乡, 2 other), x, y,
//!   county]`, `county` the first six digits of its villages' statistical codes (null
//!   where they are not such codes);
//! - `rules`: `per_street`, `share` (township share), `per_county` (rural regional centres
//!   per county, counted over its 镇 and 乡 as [`crate::plan::day_care`] does), `rule_sites`;
//! - `total`, `covered`, `covered_before`, `cost_other`, `whatif`, `why`, `text`.

use serde_json::{Value, json};

use crate::map::Lang;
use crate::model::{AreaKind, CoverageScope, FacilityType, LonLat, TownshipKind};
use crate::plan::Plan;
use crate::plan::day_care::Reason;

/// Regions with more villages than this get the map without the what-if mode: its travel
/// times and unchosen candidates would make a province's page (福建 has about 17,500
/// villages and 12,000 candidates) several MB larger than a county's whole report.
pub const WHATIF_MAX_VILLAGES: usize = 5_000;

/// Largest side of the map, pixels.
const SIDE: f64 = 1000.0;
/// Margin, pixels.
const PAD: f64 = 16.0;

/// An equirectangular projection (x scaled by the cosine of the mean latitude) fitted into
/// [`SIDE`] pixels.
struct Fit {
    cos: f64,
    lon0: f64,
    lat1: f64,
    scale: f64,
    w: f64,
    h: f64,
}

impl Fit {
    fn new(points: impl Iterator<Item = LonLat>) -> Self {
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in points.filter(|p| p.lon.is_finite() && p.lat.is_finite()) {
            x0 = x0.min(p.lon);
            x1 = x1.max(p.lon);
            y0 = y0.min(p.lat);
            y1 = y1.max(p.lat);
        }
        if x0 > x1 {
            (x0, x1, y0, y1) = (0.0, 0.01, 0.0, 0.01);
        }
        let cos = ((y0 + y1) / 2.0).to_radians().cos().max(0.05);
        let span_x = ((x1 - x0) * cos).max(0.005);
        let span_y = (y1 - y0).max(0.005);
        let scale = (SIDE - 2.0 * PAD) / span_x.max(span_y);
        Fit {
            cos,
            lon0: x0 - PAD / scale / cos,
            lat1: y1 + PAD / scale,
            scale,
            w: (span_x * scale + 2.0 * PAD).ceil(),
            h: (span_y * scale + 2.0 * PAD).ceil(),
        }
    }

    fn xy(&self, p: LonLat) -> (f64, f64) {
        (
            round1((p.lon - self.lon0) * self.cos * self.scale),
            round1((self.lat1 - p.lat) * self.scale),
        )
    }

    /// Pixels per metre.
    fn px_per_m(&self) -> f64 {
        self.scale / 111_195.0
    }
}

/// One decimal, never a negative zero.
fn round1(x: f64) -> f64 {
    crate::numbers::round(x, 1) + 0.0
}

/// An SVG path of closed rings.
fn path(fit: &Fit, rings: impl Iterator<Item = Vec<LonLat>>) -> String {
    let mut d = String::new();
    for ring in rings {
        for (i, p) in ring.iter().enumerate() {
            let (x, y) = fit.xy(*p);
            d += &format!("{}{x} {y}", if i == 0 { "M" } else { "L" });
        }
        if !ring.is_empty() {
            d.push('Z');
        }
    }
    d
}

impl Fit {
    /// The projection of a region: its outline, villages, facilities and candidates.
    fn of_region(r: &crate::model::Region) -> Self {
        Fit::new(
            r.boundary
                .iter()
                .flatten()
                .copied()
                .chain(r.villages.iter().map(|v| v.pos))
                .chain(r.facilities.iter().map(|f| f.pos))
                .chain(r.candidates.iter().map(|c| c.pos)),
        )
    }
}

/// Village dot radii in screen pixels: area in proportion to the elderly, the largest
/// smaller where villages lie dense.
fn village_radius(r: &crate::model::Region, fit: &Fit) -> impl Fn(u32) -> f64 {
    let n = r.villages.len().max(1) as f64;
    let spacing = (fit.w * fit.h / n).sqrt();
    let r_max = (spacing * 0.35).clamp(3.0, 8.0);
    let r_min = (r_max * 0.4).clamp(2.0, 3.0);
    let e_max = f64::from(
        r.villages
            .iter()
            .map(|v| v.elderly)
            .max()
            .unwrap_or(1)
            .max(1),
    );
    move |elderly| round1(r_min + (r_max - r_min) * (f64::from(elderly) / e_max).sqrt())
}

/// Townships: name, kind (0 街道, 1 镇/乡, 2 other) and a label position (the mean of their
/// villages).
fn towns_json(plan: &Plan, fit: &Fit) -> Vec<Value> {
    let r = &plan.region;
    let units = r.township_units_with(&plan.scenario.day_care.township_kinds);
    // Sums of the villages' positions per township, added in village order.
    let mut sums: std::collections::HashMap<&str, (f64, f64, f64)> = Default::default();
    for v in &r.villages {
        let (x, y) = fit.xy(v.pos);
        let e = sums.entry(v.township.as_str()).or_insert((0.0, 0.0, 0.0));
        e.0 += x;
        e.1 += y;
        e.2 += 1.0;
    }
    units
        .iter()
        .map(|u| {
            let (sx, sy, k) = sums.get(u.name).copied().unwrap_or((0.0, 0.0, 0.0));
            let kind = match u.kind {
                TownshipKind::Street => 0,
                kind if kind.is_township() => 1,
                _ => 2,
            };
            json!([
                u.name,
                kind,
                round1(sx / k.max(1.0)),
                round1(sy / k.max(1.0)),
                u.county
            ])
        })
        .collect()
}

/// The JSON block of the bed-accessibility map: the shape of [`map_json`] without the
/// what-if (no `reach`, no service areas, no rules), villages in the legend classes of the
/// static access map `m` (`classes`: label and colour each) with `acc`, the beds per 1000
/// elderly within reach of each village to [`crate::map::ACCESS_DECIMALS`] decimals, the
/// value its class was chosen from (null: none in reach), and as sites the care
/// institutions, existing (role 0) and new (role 3, open).
pub fn access_json(plan: &Plan, m: &crate::map::PlanMap, lang: Lang) -> Value {
    let r = &plan.region;
    let nf = r.facilities.len();
    let fit = Fit::of_region(r);
    let radius = village_radius(r, &fit);
    let mut class = vec![0usize; r.villages.len()];
    for vm in &m.villages {
        if let Some(c) = class.get_mut(vm.village) {
            *c = vm.class;
        }
    }
    let acc = plan.beds.as_ref().map(|b| &b.accessibility.after);
    let villages: Vec<Value> = r
        .villages
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let (x, y) = fit.xy(v.pos);
            json!([
                x,
                y,
                radius(v.elderly),
                v.name,
                v.township,
                v.elderly,
                v.elderly,
                class[i],
                -1,
                null
            ])
        })
        .collect();
    let access: Vec<Value> = (0..r.villages.len())
        .map(|i| {
            // The value the class was chosen from, as `villages.geojson` writes it.
            let digits = crate::map::ACCESS_DECIMALS;
            json!(
                acc.and_then(|a| a.get(i))
                    .map(|x| crate::numbers::round(*x, digits))
            )
        })
        .collect();
    let institution = |beds: u32, nursing: u32| {
        format!(
            "{} · {} {} ({} {})",
            lang.pick("养老机构", "care institution"),
            crate::map::thousands(f64::from(beds)),
            lang.pick("张床位", "beds"),
            lang.pick("护理型", "nursing"),
            crate::map::thousands(f64::from(nursing))
        )
    };
    let site = |pos: LonLat, id: &str, name: &str, kind: String, township: &str, role: u8| {
        let (x, y) = fit.xy(pos);
        json!([x, y, id, name, kind, township, role, 1, 0, 0, 0.0, 0.0, 0.0])
    };
    let mut sites: Vec<Value> = r
        .facilities
        .iter()
        .filter(|f| f.kind == FacilityType::Institution)
        .map(|f| {
            site(
                f.pos,
                &f.id,
                &f.name,
                institution(f.beds, f.nursing_beds),
                &f.township,
                0,
            )
        })
        .collect();
    let mut new: Vec<(usize, u32)> = Vec::new();
    for a in plan
        .beds
        .iter()
        .flat_map(|b| b.years.iter())
        .flat_map(|y| y.actions.iter())
        .filter(|a| a.site.get() >= nf)
    {
        match new.iter_mut().find(|(c, _)| *c == a.site.get() - nf) {
            Some((_, beds)) => *beds += a.new_beds,
            None => new.push((a.site.get() - nf, a.new_beds)),
        }
    }
    for (c, beds) in new {
        let cand = &r.candidates[c];
        sites.push(site(
            cand.pos,
            &cand.id,
            &cand.name,
            institution(beds, 0),
            &cand.township,
            3,
        ));
    }
    let mut t = text(lang);
    t["classes"] = json!(m.classes.iter().map(|c| &c.0).collect::<Vec<_>>());
    t["access"] = json!(lang.pick("可达床位/千名老年人", "Beds per 1000 elderly in reach"));
    json!({
        "w": fit.w,
        "h": fit.h,
        "v": villages,
        "s": sites,
        "reach": null,
        "areas": [],
        "boundary": path(&fit, r.boundary.iter().cloned()),
        "towns": towns_json(plan, &fit),
        "colors": m.classes.iter().map(|c| &c.1).collect::<Vec<_>>(),
        "acc": access,
        "whatif": false,
        "text": t,
    })
}

/// The JSON block of the interactive map (shape in the module docs).
pub fn map_json(plan: &Plan, lang: Lang) -> Value {
    let r = &plan.region;
    let dc = &plan.day_care;
    let sc = &plan.scenario.day_care;
    let nf = r.facilities.len();
    let fit = Fit::of_region(r);

    // What-if: only without capacities, and for regions of a county's size.
    let why = if dc.capacity.is_some() {
        Some(lang.pick(
            "本方案设有中心容量（托位），覆盖人数来自最大流分配，页面无法逐一重算，因此不提供模拟。请在场景文件中修改后重新运行 yanglao plan。",
            "This scenario gives centres capacities (places): coverage then comes from a maximum-flow assignment that the page does not recompute, so the what-if is off. Change the scenario and run yanglao plan again.",
        ).to_owned())
    } else if r.villages.len() > WHATIF_MAX_VILLAGES {
        Some(format!(
            "{} {} {}",
            lang.pick("本区域有", "This region has"),
            crate::map::thousands(r.villages.len() as f64),
            lang.pick(
                "个村/社区，全部出行时间会使页面过大，因此不提供模拟。请按县（市、区）分别运行 yanglao plan（每县一个场景），在各县报告中模拟。",
                "villages: all their travel times would make the page too large, so the what-if is off here. Plan each county as its own scenario and use the what-if in the county reports.",
            )
        ))
    } else {
        None
    };
    // Sites: existing serving centres, upgraded facilities, other comprehensive centres,
    // then the candidates that allow day care (without the what-if, only those the plan
    // opens). `index[site]` is the row in `s`.
    let upgraded: Vec<bool> = (0..nf)
        .map(|i| dc.upgrades.iter().any(|u| u.facility == i))
        .collect();
    let upgrades_serve = dc.serving.contains(FacilityType::Comprehensive);
    let mut index: Vec<Option<usize>> = vec![None; nf + r.candidates.len()];
    let mut rows: Vec<(usize, u8, bool, bool, bool)> = Vec::new(); // site, role, open, serves, comp
    for (i, f) in r.facilities.iter().enumerate() {
        let role = if dc.serving.contains(f.kind) {
            0
        } else if upgraded[i] {
            1
        } else if f.kind == FacilityType::Comprehensive {
            2
        } else {
            continue;
        };
        let serves = role == 0 || (role == 1 && upgrades_serve);
        let comp = f.kind == FacilityType::Comprehensive || upgraded[i];
        index[i] = Some(rows.len());
        rows.push((i, role, true, serves, comp));
    }
    for (c, cand) in r.candidates.iter().enumerate() {
        if !cand.allow.day_care() {
            continue;
        }
        let planned = dc.sites.iter().find(|s| s.candidate == c);
        if planned.is_none() && why.is_some() {
            continue;
        }
        index[nf + c] = Some(rows.len());
        rows.push((
            nf + c,
            3,
            planned.is_some(),
            true,
            planned.is_some_and(|s| s.comprehensive),
        ));
    }

    // People each site serves in the plan (sites.csv's `elderly`).
    let mut served = vec![0.0f64; nf + r.candidates.len()];
    for v in &dc.villages {
        for &(s, people) in &v.flows {
            if let Some(x) = served.get_mut(s.get()) {
                *x += people;
            }
        }
    }

    // Service rings (crow-fly): one per village area type, the reach of villages of that
    // type, as the PNG map and the GeoJSON draw them; the same for every site.
    let travel = &plan.scenario.travel;
    let rings: Vec<Value> = if travel.kind() == crate::model::TravelKind::CrowFly {
        crate::plan::service_rings_m(r, travel)
            .into_iter()
            .map(|(k, m)| json!([round1(m * fit.px_per_m()), u8::from(k == AreaKind::Rural)]))
            .collect()
    } else {
        Vec::new()
    };

    let sites: Vec<Value> = rows
        .iter()
        .map(|&(site, role, open, serves, comp)| {
            let (pos, id, name, kind, township, cost) = if site < nf {
                let f = &r.facilities[site];
                let kind = if upgraded[site] {
                    FacilityType::Comprehensive
                } else {
                    f.kind
                };
                (
                    f.pos,
                    &f.id,
                    &f.name,
                    lang.pick(kind.zh(), kind.as_str()).to_owned(),
                    &f.township,
                    0.0,
                )
            } else {
                let c = &r.candidates[site - nf];
                (
                    c.pos,
                    &c.id,
                    &c.name,
                    lang.pick("候选点", "candidate").to_owned(),
                    &c.township,
                    crate::plan::day_care::site_cost(&plan.scenario, r, site - nf),
                )
            };
            let (x, y) = fit.xy(pos);
            json!([
                x,
                y,
                id,
                name,
                kind,
                township,
                role,
                u8::from(open),
                u8::from(serves),
                u8::from(comp),
                cost,
                crate::numbers::round(served[site], 1),
                rings,
            ])
        })
        .collect();

    let radius = village_radius(r, &fit);
    let weight = |v: &crate::model::Village| {
        if sc.scope == CoverageScope::All || v.kind == AreaKind::Urban {
            f64::from(v.elderly)
        } else {
            0.0
        }
    };
    let villages: Vec<Value> = dc
        .villages
        .iter()
        .map(|res| {
            let v = &r.villages[res.village.get()];
            let (x, y) = fit.xy(v.pos);
            let w = weight(v);
            let status = if w <= 0.0 {
                3
            } else if res.covered_before {
                0
            } else if res.covered {
                1
            } else {
                2
            };
            json!([
                x,
                y,
                radius(v.elderly),
                v.name,
                v.township,
                v.elderly,
                w,
                status,
                res.site
                    .and_then(|s| index.get(s.get()).copied().flatten())
                    .map_or(-1, |i| i as i64),
                res.minutes.map(round1),
            ])
        })
        .collect();

    let reach: Option<Vec<Value>> = why.is_none().then(|| {
        plan.reach
            .iter()
            .map(|(_, list)| {
                let mut flat = Vec::new();
                for x in list {
                    if let Some(i) = index.get(x.site.get()).copied().flatten() {
                        flat.push(json!(i));
                        flat.push(json!(round1(x.minutes)));
                    }
                }
                Value::Array(flat)
            })
            .collect()
    });

    let areas: Vec<Value> = plan
        .service_areas
        .iter()
        .filter_map(|a| {
            let i = index.get(a.site.get()).copied().flatten()?;
            let d = path(
                &fit,
                a.area.0.iter().map(|p| {
                    p.exterior()
                        .coords()
                        .map(|c| LonLat { lon: c.x, lat: c.y })
                        .collect()
                }),
            );
            Some(json!([i, d]))
        })
        .collect();

    let towns = towns_json(plan, &fit);

    // Costs that the what-if does not change: every project less the day-care sites.
    let all_cost: f64 = super::super::tables::projects(plan)
        .iter()
        .map(|p| p.cost_wan)
        .sum();
    let planned_sites: f64 = dc
        .sites
        .iter()
        .map(|s| crate::plan::day_care::site_cost(&plan.scenario, r, s.candidate))
        .sum();
    let rule_sites = dc
        .sites
        .iter()
        .filter(|s| matches!(s.reason, Reason::Street | Reason::Township | Reason::County))
        .count();

    json!({
        "w": fit.w,
        "h": fit.h,
        "v": villages,
        "s": sites,
        "reach": reach,
        "areas": areas,
        "boundary": path(&fit, r.boundary.iter().cloned()),
        "towns": towns,
        "rules": {
            "per_street": sc.per_street,
            "share": sc.township_goal(),
            "per_county": sc.county_goal(),
            "rule_sites": rule_sites,
        },
        "total": dc.total_elderly,
        "covered": dc.covered_elderly,
        "covered_before": dc.covered_before,
        "target": dc.target,
        "cost_other": crate::numbers::round(all_cost - planned_sites, 2),
        "whatif": why.is_none(),
        "why": why,
        "text": text(lang),
    })
}

fn text(lang: Lang) -> Value {
    let p = |zh: &str, en: &str| Value::from(lang.pick(zh, en));
    let mut out = serde_json::Map::new();
    out.insert(
        "classes".into(),
        json!([
            p("已覆盖（现有站点）", "Served by an existing centre"),
            p("新增覆盖", "Newly served"),
            p("未覆盖", "Not served"),
            p("不在统计范围", "Out of scope"),
        ]),
    );
    for (k, v) in [
        ("existing", p("现有站点", "Existing centres")),
        ("new", p("新建站点", "New sites")),
        ("candidates", p("未选候选点", "Candidates not chosen")),
        ("existing_inst", p("现状养老机构", "Existing institutions")),
        ("new_inst", p("规划新建养老机构", "New institutions")),
        ("areas", p("服务范围", "Service areas")),
        ("boundary", p("边界", "Boundary")),
        ("towns", p("乡镇名称", "Township names")),
        ("elderly", p("老年人口", "Elderly")),
        ("inscope", p("纳入口径", "in scope")),
        ("nearest", p("最近的开放站点", "Nearest open site")),
        ("min", p("分钟", "min")),
        (
            "none",
            p("无（服务时限内没有开放站点）", "none within the time limit"),
        ),
        ("served", p("服务老年人", "Elderly served")),
        ("open", p("开放", "open")),
        ("closed", p("未开放", "closed")),
        ("dropped", p("已撤除", "dropped")),
        ("planned", p("规划新建", "planned")),
        ("existing1", p("现状", "existing")),
        (
            "upgraded",
            p("升级为综合中心", "upgraded to a comprehensive centre"),
        ),
        (
            "click_open",
            p(
                "点击：开放 / 关闭此候选点",
                "Click: open / close this candidate",
            ),
        ),
        (
            "click_drop",
            p(
                "点击：撤除 / 恢复此站点",
                "Click: drop / restore this centre",
            ),
        ),
        ("coverage", p("覆盖率", "Coverage")),
        ("covered", p("覆盖老年人", "Elderly served")),
        ("sites", p("新建站点", "New sites")),
        ("cost", p("投资合计", "Total cost")),
        ("wan", p("万元", "× 10k yuan")),
        ("unit_sites", p("处", "")),
        ("plan", p("方案", "plan")),
        (
            "street",
            p(
                "街道规则：每个街道至少",
                "Street rule: every 街道 has at least",
            ),
        ),
        (
            "street2",
            p(
                "处综合中心，达标街道",
                "comprehensive centre(s); streets meeting it",
            ),
        ),
        (
            "town",
            p(
                "乡镇规则：有综合中心的乡镇(街道)",
                "Township rule: townships with a comprehensive centre",
            ),
        ),
        (
            "county",
            p(
                "县域规则：每个县(市、区)的镇、乡至少",
                "County rule: every county has in its 镇 and 乡 at least",
            ),
        ),
        (
            "county2",
            p(
                "处农村区域性养老服务中心，达标县(市、区)",
                "rural regional centre(s); counties meeting it",
            ),
        ),
        ("need", p("需", "need")),
        ("met", p("达标", "met")),
        ("unmet", p("未达标", "not met")),
        ("changes", p("改动", "Changes")),
        ("nochange", p("与方案相同", "as planned")),
        ("reset", p("恢复方案", "Back to the plan")),
        ("save", p("保存决策 CSV", "Save decisions CSV")),
        (
            "save_note",
            p(
                "保存的文件可用 yanglao plan 场景.toml --decisions 文件 读回：开放的候选点为 required，关闭的为 excluded，撤除的现有站点为 excluded。",
                "The saved file is read back by yanglao plan SCENARIO --decisions FILE: open candidates are required, closed ones excluded, dropped centres excluded.",
            ),
        ),
        (
            "comp_note",
            p(
                "规则只计综合中心：现有综合中心、升级的设施，以及方案为规则新建的站点；另行开放的候选点按日间照料中心计。",
                "The rules count comprehensive centres only: existing ones, upgraded facilities and the sites the plan opens for the rules; other candidates you open count as day-care centres.",
            ),
        ),
        (
            "hint",
            p(
                "滚轮缩放 · 拖动平移 · 悬停或点击查看详情",
                "Wheel to zoom · drag to pan · hover or click for details",
            ),
        ),
        (
            "hint_whatif",
            p(
                "模拟：点击候选点开放或关闭，点击现有站点撤除",
                "What-if: click a candidate to open or close it, an existing centre to drop it",
            ),
        ),
    ] {
        out.insert(k.into(), v);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::tiny_plan;
    use super::*;

    #[test]
    fn the_page_gets_the_plans_reach_lists_and_village_statuses() {
        let plan = tiny_plan();
        let d = map_json(&plan, Lang::Zh);
        assert_eq!(d["whatif"], json!(true));
        let sites = d["s"].as_array().expect("sites");
        let villages = d["v"].as_array().expect("villages");
        let reach = d["reach"].as_array().expect("reach lists");
        assert_eq!(villages.len(), plan.region.villages.len());
        let nf = plan.region.facilities.len();
        for (res, (v, list)) in plan
            .day_care
            .villages
            .iter()
            .zip(villages.iter().zip(reach))
        {
            // The plan's reach list, less the sites that cannot serve, in the same order.
            let want: Vec<&str> = plan
                .reach
                .sites_of(res.village)
                .iter()
                .filter(|r| {
                    let i = r.site.get();
                    if i < nf {
                        let f = &plan.region.facilities[i];
                        plan.day_care.serving.contains(f.kind)
                            || f.kind == FacilityType::Comprehensive
                            || plan.day_care.upgrades.iter().any(|u| u.facility == i)
                    } else {
                        plan.region.candidates[i - nf].allow.day_care()
                    }
                })
                .map(|r| plan.region.site(r.site).id())
                .collect();
            let got: Vec<&str> = list
                .as_array()
                .expect("flat list")
                .chunks(2)
                .map(|p| {
                    sites[p[0].as_u64().expect("index") as usize][2]
                        .as_str()
                        .expect("id")
                })
                .collect();
            assert_eq!(got, want);
            let status = v[7].as_u64().expect("status");
            assert_eq!(status == 0, res.covered_before && v[6].as_f64() > Some(0.0));
            assert_eq!(status <= 1, res.covered && v[6].as_f64() > Some(0.0));
        }
        // Planned new sites are open candidates; the planned count is the plan's.
        let open_candidates = sites.iter().filter(|s| s[6] == 3 && s[7] == 1).count();
        assert_eq!(open_candidates, plan.day_care.sites.len());
        assert_eq!(d["covered"].as_f64(), Some(plan.day_care.covered_elderly));
    }

    #[test]
    fn capacities_turn_the_what_if_off_with_a_reason() {
        let mut plan = tiny_plan();
        plan.day_care.capacity = Some(vec![100.0; plan.region.site_count()]);
        let d = map_json(&plan, Lang::Zh);
        assert_eq!(d["whatif"], json!(false));
        assert!(d["reach"].is_null());
        assert!(
            d["why"].as_str().is_some_and(|w| w.contains("容量")),
            "{}",
            d["why"]
        );
        // The map itself stays, with the plan's statuses.
        assert_eq!(
            d["v"].as_array().map(Vec::len),
            Some(plan.region.villages.len())
        );
        let html = super::super::report_html(
            &plan,
            Lang::En,
            &crate::map::draw_all(&plan, &crate::map::Options::default()).expect("draws"),
        );
        assert!(html.contains("id=\"whatif-off\"") && !html.contains("id=\"wi-save\""));
    }
}
