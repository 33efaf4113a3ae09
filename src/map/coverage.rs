//! The plan maps: day-care coverage (villages by served / newly served / not served, existing
//! and new facilities, service areas) and bed accessibility (villages by beds per 1000 elderly
//! within reach), each with region outline, township labels, legend, scale bar and north arrow.
//!
//! With crow-fly travel, service areas are circles of the reach radius (minutes × speed ÷
//! detour) around every serving site, for the area type (urban or rural) of the nearest
//! village it reaches (of the nearest village, when it reaches none). With road-network travel
//! they are the areas the network model draws (`Plan::service_areas`: the roads from which a
//! site is reached in time, widened on each side); with matrix travel, which has no geometry,
//! the villages each site serves are outlined (`plan::outlined_service_areas`). The village colours (served or not) come from the travel model in
//! every mode, and the footer says which model it is.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::frame::{Frame, LabelPlacer, nest_rings, nice_scale_m};
use super::shapes::{self, INK, MUTED, Pen, Shape, Symbol};
use super::{DrawError, Drawing, Lang, Options, Rendered, pct, render, thousands};
use crate::error::Error;
use crate::model::{AreaKind, CoverageScope, FacilityType, LonLat, TravelKind};
use crate::plan::Plan;
use crate::plan::beds::ActionKind;
use crate::solve::Status;

/// Which map to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapKind {
    /// Day-care coverage: `map.png` / `map.svg`.
    Coverage,
    /// Beds per 1000 elderly within reach: `access.png` / `access.svg`.
    Access,
}

/// Where a village was drawn, for hover details in the HTML report.
#[derive(Clone, Debug, PartialEq)]
pub struct VillageMark {
    /// Village index in the region.
    pub village: usize,
    /// Pixel x.
    pub x: f64,
    /// Pixel y.
    pub y: f64,
    /// Radius in pixels.
    pub r: u32,
    /// Legend class (index into [`PlanMap::classes`]).
    pub class: usize,
}

/// Where a facility or new site was drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteMark {
    /// Pixel x.
    pub x: f64,
    /// Pixel y.
    pub y: f64,
    /// Name.
    pub name: String,
    /// Township.
    pub township: String,
    /// Type, in the map's language.
    pub kind: String,
    /// Whether the plan builds it.
    pub new: bool,
}

/// A drawn map and what the HTML report needs to make it interactive.
#[derive(Clone, Debug)]
pub struct PlanMap {
    /// The picture.
    pub image: Rendered,
    /// Its projection.
    pub frame: Frame,
    /// Villages as drawn.
    pub villages: Vec<VillageMark>,
    /// Sites as drawn.
    pub sites: Vec<SiteMark>,
    /// Legend classes of the villages: label and `#rrggbb` colour.
    pub classes: Vec<(String, String)>,
}

const SERVED: RGBColor = RGBColor(0x2c, 0xa2, 0x5f);
const NEWLY: RGBColor = RGBColor(0x2b, 0x7b, 0xc4);
const UNSERVED: RGBColor = RGBColor(0xf4, 0x8c, 0x1e);
const EXISTING: RGBColor = RGBColor(0x54, 0x27, 0x8f);
const INSTITUTION: RGBColor = RGBColor(0x5a, 0x5a, 0x5a);
const NEW: RGBColor = RGBColor(0xe3, 0x1a, 0x1c);
const NEW_EDGE: RGBColor = RGBColor(0x5c, 0x00, 0x0b);
const AREA_FILL: RGBColor = RGBColor(0xd9, 0xe8, 0xf5);
const AREA_EDGE: RGBColor = RGBColor(0x9e, 0xc4, 0xe0);
const OUTSIDE: RGBColor = RGBColor(0xee, 0xee, 0xea);
const PLAIN: RGBColor = RGBColor(0xfb, 0xfb, 0xf9);
const BORDER: RGBColor = RGBColor(0x55, 0x55, 0x55);
const OUT_OF_SCOPE: RGBColor = RGBColor(0xc4, 0xc4, 0xc4);
const NO_ACCESS: RGBColor = RGBColor(0xbd, 0xbd, 0xbd);
/// Green–blue, light to dark (the darker five of ColorBrewer YlGnBu 6).
const RAMP: [RGBColor; 5] = [
    RGBColor(0xc7, 0xe9, 0xb4),
    RGBColor(0x7f, 0xcd, 0xbb),
    RGBColor(0x41, 0xb6, 0xc4),
    RGBColor(0x2c, 0x7f, 0xb8),
    RGBColor(0x25, 0x34, 0x94),
];

fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn shape_of(t: FacilityType) -> Shape {
    match t {
        FacilityType::DayCare => Shape::Square,
        FacilityType::Station => Shape::Triangle,
        FacilityType::Comprehensive => Shape::Diamond,
        FacilityType::Institution => Shape::House,
    }
}

/// The type's name in `lang`.
fn type_name(t: FacilityType, lang: Lang) -> &'static str {
    match t {
        FacilityType::DayCare => lang.pick("日间照料中心", "Day-care centre"),
        FacilityType::Station => lang.pick("养老服务站", "Service station"),
        FacilityType::Comprehensive => lang.pick("综合养老服务中心", "Comprehensive centre"),
        FacilityType::Institution => lang.pick("养老机构", "Care institution"),
    }
}

/// A row of the legend panel.
#[derive(Clone, Debug)]
enum Row {
    Header(String),
    Item(Symbol, String),
    Gap,
}

/// A pixel position.
type Px = (i32, i32);

/// A boundary polygon in pixels.
struct PxPolygon {
    outer: Vec<Px>,
    holes: Vec<Vec<Px>>,
}

/// A village dot.
struct Dot {
    at: Px,
    r: u32,
    color: RGBColor,
}

/// A facility marker: half-size in pixels, fill (`None`: hollow) and outline.
struct Mark {
    at: Px,
    shape: Shape,
    half: i32,
    fill: Option<RGBColor>,
    edge: RGBColor,
}

/// A placed label with its measured size.
struct Label {
    text: String,
    at: Px,
    w: i32,
    h: i32,
    size: f64,
}

/// A township's villages summed up for its label.
#[derive(Default)]
struct Town {
    x: f64,
    y: f64,
    elderly: u64,
    villages: u32,
}

/// Everything the map draws, laid out in pixels; the same for PNG and SVG.
struct MapDrawing {
    size: (u32, u32),
    frame: Frame,
    polygons: Vec<PxPolygon>,
    /// Service-area discs: centre and radius.
    service: Vec<(Px, u32)>,
    /// Service areas drawn by the travel model: outer rings in pixels.
    service_shapes: Vec<Vec<Px>>,
    villages: Vec<Dot>,
    village_edge: Option<RGBColor>,
    sites: Vec<Mark>,
    labels: Vec<Label>,
    title: String,
    subtitle: String,
    footer: String,
    legend: Vec<Row>,
    summary: Vec<(String, String)>,
    panel_x: i32,
    scale: (i32, f64),
    north: &'static str,
    lang: Lang,
}

/// Draws a plan map.
pub fn plan_map(plan: &Plan, kind: MapKind, opts: &Options) -> Result<PlanMap, Error> {
    let lang = opts.lang;
    let r = &plan.region;
    let dc = &plan.day_care;
    let nf = r.facilities.len();

    // New institutions of the bed plan, by candidate index.
    let mut new_institutions: Vec<usize> = plan
        .beds
        .iter()
        .flat_map(|b| b.years.iter())
        .flat_map(|y| y.actions.iter())
        .filter(|a| a.kind == ActionKind::NewInstitution && a.site.get() >= nf)
        .map(|a| a.site.get() - nf)
        .collect();
    new_institutions.sort_unstable();
    new_institutions.dedup();

    // Service areas: serving sites (existing serving facilities and new sites) with the
    // crow-fly reach of the area type of the nearest village they reach, in metres.
    let mut service_m: Vec<(LonLat, f64)> = Vec::new();
    if kind == MapKind::Coverage && plan.scenario.travel.kind() == TravelKind::CrowFly {
        let travel = &plan.scenario.travel;
        let r_urban = crate::travel::reach_radius_m(travel.urban, travel.minutes);
        let r_rural = crate::travel::reach_radius_m(travel.rural, travel.minutes);
        for s in crate::plan::serving_sites(r, &plan.reach, dc) {
            let m = match s.kind {
                AreaKind::Urban => r_urban,
                AreaKind::Rural => r_rural,
            };
            service_m.push((s.pos, m));
        }
    }
    // Service areas the travel model drew (road networks): their outer rings.
    let service_rings: Vec<&geo::LineString<f64>> = if kind == MapKind::Coverage {
        plan.service_areas
            .iter()
            .flat_map(|a| a.area.0.iter().map(|p| p.exterior()))
            .collect()
    } else {
        Vec::new()
    };

    // The map shows the outline, every village and facility and the whole of every disc.
    const M_PER_DEG_LAT: f64 = 111_195.0;
    let discs = service_m.iter().flat_map(|(p, m)| {
        let dlat = m / M_PER_DEG_LAT;
        let dlon = dlat / p.lat.to_radians().cos().max(0.05);
        [
            LonLat {
                lon: p.lon - dlon,
                lat: p.lat - dlat,
            },
            LonLat {
                lon: p.lon + dlon,
                lat: p.lat + dlat,
            },
        ]
    });
    let points = r
        .boundary
        .iter()
        .flatten()
        .copied()
        .chain(r.villages.iter().map(|v| v.pos))
        .chain(r.facilities.iter().map(|f| f.pos))
        .chain(dc.sites.iter().map(|s| LonLat {
            lon: s.lon,
            lat: s.lat,
        }))
        .chain(discs)
        .chain(
            service_rings
                .iter()
                .flat_map(|ring| ring.coords().map(|c| LonLat { lon: c.x, lat: c.y })),
        );
    let top = 112;
    let frame = Frame::fit(points, 1120, 1080, 680, 24).at(24, top);
    let (fw, fh) = (frame.rect.2, frame.rect.3);

    // Village sizes from the spacing of villages on the map.
    let n = r.villages.len().max(1) as f64;
    let spacing = (f64::from(fw) * f64::from(fh) / n).sqrt();
    let r_max = (spacing * 0.42).clamp(2.5, 10.0);
    let r_min = (r_max * 0.3).clamp(1.0, 3.0);
    let e_max = r
        .villages
        .iter()
        .map(|v| v.elderly)
        .max()
        .unwrap_or(1)
        .max(1);
    let radius = |e: u32| -> u32 {
        (r_min + (r_max - r_min) * (f64::from(e) / f64::from(e_max)).sqrt()).round() as u32
    };
    // Facility markers from the spacing of facilities, and never larger than a village.
    let f_spacing = (f64::from(fw) * f64::from(fh) / r.facilities.len().max(1) as f64).sqrt();
    let marker_s = (f_spacing * 0.18).min(r_max * 0.7).clamp(2.0, 6.0).round() as i32;

    // Village classes.
    let (classes, class_of): (Vec<(String, RGBColor)>, Vec<usize>) = match kind {
        MapKind::Coverage => {
            let mut classes = vec![
                (lang.pick("现状已覆盖", "Served today").to_owned(), SERVED),
                (
                    lang.pick("规划新增覆盖", "Served by the plan").to_owned(),
                    NEWLY,
                ),
                (lang.pick("未覆盖", "Not served").to_owned(), UNSERVED),
            ];
            // Plans that set the circle for the urban area only: rural villages are outside.
            let urban_only = plan.scenario.day_care.scope == CoverageScope::Urban;
            if urban_only {
                classes.push((
                    lang.pick("农村 (不在考核范围)", "Rural (outside the target)")
                        .to_owned(),
                    OUT_OF_SCOPE,
                ));
            }
            let class_of = dc
                .villages
                .iter()
                .map(|v| {
                    let rural = r.villages[v.village.get()].kind == AreaKind::Rural;
                    // With capacities a village within reach of full sites is not served.
                    let (before, after) = if dc.capacity.is_some() {
                        (v.served_before > 0.0, v.served > 0.0)
                    } else {
                        (v.covered_before, v.covered)
                    };
                    match (before, after) {
                        _ if urban_only && rural => 3,
                        (true, _) => 0,
                        (false, true) => 1,
                        (false, false) => 2,
                    }
                })
                .collect();
            (classes, class_of)
        }
        MapKind::Access => {
            let values: &[f64] = plan
                .beds
                .as_ref()
                .map(|b| b.accessibility.after.as_slice())
                .unwrap_or_default();
            access_classes(values, lang)
        }
    };

    let mut order: Vec<usize> = (0..r.villages.len()).collect();
    // Villages outside the target underneath, then large villages first, so small ones
    // stay visible on top; ties by index.
    let muted = |i: usize| class_of.get(i) == Some(&3) && kind == MapKind::Coverage;
    order.sort_by(|&a, &b| {
        muted(b)
            .cmp(&muted(a))
            .then(r.villages[b].elderly.cmp(&r.villages[a].elderly))
            .then(a.cmp(&b))
    });
    let mut village_marks = Vec::with_capacity(order.len());
    let mut villages = Vec::with_capacity(order.len());
    for &i in &order {
        let v = &r.villages[i];
        let (x, y) = frame.project_f(v.pos);
        let rad = radius(v.elderly).max(1);
        let class = class_of.get(i).copied().unwrap_or(0);
        villages.push(Dot {
            at: frame.project(v.pos),
            r: rad,
            color: classes[class].1,
        });
        village_marks.push(VillageMark {
            village: i,
            x,
            y,
            r: rad,
            class,
        });
    }

    let m_per_px = frame.m_per_px();
    let service: Vec<((i32, i32), u32)> = service_m
        .iter()
        .map(|(p, m)| (frame.project(*p), (m / m_per_px).round().max(1.0) as u32))
        .collect();
    let service_shapes: Vec<Vec<Px>> = service_rings
        .iter()
        .map(|ring| {
            ring.coords()
                .map(|c| frame.project(LonLat { lon: c.x, lat: c.y }))
                .collect()
        })
        .collect();

    // Facilities and new sites.
    let mut sites = Vec::new();
    let mut site_marks = Vec::new();
    let mut mark = |pos: LonLat, name: &str, township: &str, kind: String, new: bool| {
        let (x, y) = frame.project_f(pos);
        site_marks.push(SiteMark {
            x,
            y,
            name: name.to_owned(),
            township: township.to_owned(),
            kind,
            new,
        });
    };
    let show_type = |t: FacilityType| kind == MapKind::Coverage || t == FacilityType::Institution;
    let mut present: Vec<FacilityType> = Vec::new();
    for f in r.facilities.iter().filter(|f| show_type(f.kind)) {
        let fill = if f.kind == FacilityType::Institution {
            INSTITUTION
        } else {
            EXISTING
        };
        // Hollow, so the coverage colour of a village under it stays visible.
        sites.push(Mark {
            at: frame.project(f.pos),
            shape: shape_of(f.kind),
            half: marker_s,
            fill: None,
            edge: fill,
        });
        present.push(f.kind);
        mark(
            f.pos,
            &f.name,
            &f.township,
            type_name(f.kind, lang).to_owned(),
            false,
        );
    }
    present.sort_unstable();
    present.dedup();
    let mut new_types: Vec<FacilityType> = Vec::new();
    if kind == MapKind::Coverage {
        for s in &dc.sites {
            let t = if s.comprehensive {
                FacilityType::Comprehensive
            } else {
                FacilityType::DayCare
            };
            let pos = LonLat {
                lon: s.lon,
                lat: s.lat,
            };
            sites.push(Mark {
                at: frame.project(pos),
                shape: shape_of(t),
                half: marker_s + 2,
                fill: Some(NEW),
                edge: NEW_EDGE,
            });
            new_types.push(t);
            mark(
                pos,
                &s.name,
                &s.township,
                format!("{}{}", lang.pick("新建", "New "), type_name(t, lang)),
                true,
            );
        }
    }
    for &c in &new_institutions {
        let cand = &r.candidates[c];
        sites.push(Mark {
            at: frame.project(cand.pos),
            shape: Shape::House,
            half: marker_s + 2,
            fill: Some(NEW),
            edge: NEW_EDGE,
        });
        new_types.push(FacilityType::Institution);
        mark(
            cand.pos,
            &cand.name,
            &cand.township,
            format!(
                "{}{}",
                lang.pick("新建", "New "),
                type_name(FacilityType::Institution, lang)
            ),
            true,
        );
    }
    new_types.sort_unstable();
    new_types.dedup();

    // Township labels at the centroid of their villages, the largest townships first.
    let mut towns: std::collections::BTreeMap<&str, Town> = Default::default();
    for v in &r.villages {
        let (x, y) = frame.project_f(v.pos);
        let t = towns.entry(v.township.as_str()).or_default();
        t.x += x;
        t.y += y;
        t.elderly += u64::from(v.elderly);
        t.villages += 1;
    }
    let mut towns: Vec<(&str, Town)> = towns.into_iter().collect();
    towns.sort_by(|a, b| b.1.elderly.cmp(&a.1.elderly).then(a.0.cmp(b.0)));
    let label_size = match towns.len() {
        0..=40 => 16.0,
        41..=200 => 14.0,
        _ => 13.0,
    };
    // Crowded maps (a province) get fewer, better spaced labels.
    let (gap, max_labels) = if towns.len() > 200 {
        (10, 90)
    } else {
        (2, usize::MAX)
    };
    let mut placer = LabelPlacer::new((
        frame.rect.0 + 4,
        frame.rect.1 + 4,
        frame.right() - 4,
        frame.bottom() - 4,
    ))
    .with_gap(gap);
    // Labels keep off new sites above all, then existing facilities and villages (on maps
    // with few enough of them for the check to stay quick).
    if sites.len() <= 2000 {
        for m in &sites {
            let (x, y) = m.at;
            let s = m.half + 1;
            let weight = if m.fill == Some(NEW) { 20 } else { 2 };
            placer.avoid((x - s, y - s - 1, x + s, y + s), weight);
        }
    }
    if villages.len() <= 2000 {
        for d in &villages {
            let (x, y) = d.at;
            let rad = d.r as i32;
            placer.avoid((x - rad, y - rad, x + rad, y + rad), 1);
        }
    }
    let mut labels = Vec::new();
    for (name, town) in &towns {
        if labels.len() >= max_labels {
            break;
        }
        let n = f64::from(town.villages);
        let anchor = ((town.x / n).round() as i32, (town.y / n).round() as i32);
        let w = opts.font.text_width(name, label_size);
        let h = (label_size * 0.9).round() as i32;
        if let Some(c) = placer.place(anchor, w + 6, h + 4) {
            labels.push(Label {
                text: (*name).to_owned(),
                at: c,
                w,
                h,
                size: label_size,
            });
        }
    }

    // Boundary polygons in pixels, consecutive duplicates dropped.
    let to_px = |ring: &[LonLat]| -> Vec<(i32, i32)> {
        let mut out: Vec<(i32, i32)> = Vec::with_capacity(ring.len());
        for p in ring {
            let q = frame.project(*p);
            if out.last() != Some(&q) {
                out.push(q);
            }
        }
        out
    };
    let polygons = nest_rings(&r.boundary)
        .into_iter()
        .map(|(outer, holes)| PxPolygon {
            outer: to_px(&r.boundary[outer]),
            holes: holes.iter().map(|&h| to_px(&r.boundary[h])).collect(),
        })
        .collect();

    // Scale bar: a round length of at most 240 pixels, drawn in the panel.
    let len_m = nice_scale_m(240.0 * m_per_px);
    let len_px = (len_m / m_per_px).round() as i32;

    // Legend and summary.
    let mut legend = Vec::new();
    let sizes = legend_sizes(e_max);
    match kind {
        MapKind::Coverage => legend.push(Row::Header(format!(
            "{} ({:.0} {})",
            lang.pick("村/社区", "Villages"),
            plan.scenario.travel.minutes,
            lang.pick("分钟服务圈", "-minute circle"),
        ))),
        MapKind::Access => legend.push(Row::Header(
            lang.pick(
                "村/社区: 可达床位/千名老年人",
                "Villages: beds per 1000 elderly in reach",
            )
            .to_owned(),
        )),
    }
    let dot = ((r_max + r_min) / 2.0).round().max(4.0) as i32;
    for (label, color) in &classes {
        legend.push(Row::Item(Symbol::Dot(*color, dot), label.clone()));
    }
    for e in sizes {
        legend.push(Row::Item(
            Symbol::Dot(MUTED, radius(e) as i32),
            format!(
                "{} {}",
                lang.pick("老年人口", "Elderly"),
                thousands(f64::from(e))
            ),
        ));
    }
    legend.push(Row::Gap);
    if !present.is_empty() {
        legend.push(Row::Header(
            lang.pick("现状设施", "Existing facilities").to_owned(),
        ));
        for t in &present {
            let fill = if *t == FacilityType::Institution {
                INSTITUTION
            } else {
                EXISTING
            };
            legend.push(Row::Item(
                Symbol::Marker(shape_of(*t), 6, None, fill),
                type_name(*t, lang).to_owned(),
            ));
        }
        legend.push(Row::Gap);
    }
    if !new_types.is_empty() {
        legend.push(Row::Header(lang.pick("规划新建", "Planned").to_owned()));
        for t in &new_types {
            legend.push(Row::Item(
                Symbol::Marker(shape_of(*t), 7, Some(NEW), NEW_EDGE),
                type_name(*t, lang).to_owned(),
            ));
        }
        legend.push(Row::Gap);
    }
    if kind == MapKind::Coverage {
        let area = match plan.scenario.travel.kind() {
            TravelKind::CrowFly => {
                Some(lang.pick("服务范围 (直线可达, 示意)", "Service area (crow-fly reach)"))
            }
            TravelKind::Network => Some(lang.pick(
                "服务范围 (路网可达道路)",
                "Service area (roads reached in time)",
            )),
            TravelKind::Matrix => Some(lang.pick(
                "服务范围 (所服务村/社区外包络)",
                "Service area (served villages outlined)",
            )),
        };
        if let Some(area) = area {
            legend.push(Row::Item(
                Symbol::Patch(AREA_FILL, AREA_EDGE),
                area.to_owned(),
            ));
        }
    }
    if !r.boundary.is_empty() {
        legend.push(Row::Item(
            Symbol::Line(BORDER, 2),
            lang.pick("行政区界", "Boundary").to_owned(),
        ));
    }

    let s = &plan.scenario;
    let final_year = s.final_year();
    let travel = &s.travel;
    let km = |mode| crate::travel::reach_radius_m(mode, travel.minutes);
    let dist = |m: f64| {
        if m >= 1000.0 {
            format!("{:.1} km", m / 1000.0)
        } else {
            format!("{m:.0} m")
        }
    };
    let (title, subtitle, summary, footer_note) = match kind {
        MapKind::Coverage => {
            let total = dc.total_elderly.max(1.0);
            let mut summary = vec![
                (
                    lang.pick("老年人口", "Elderly (60+)").to_owned(),
                    thousands(r.total_elderly() as f64),
                ),
                (
                    lang.pick("覆盖率 现状", "Coverage today").to_owned(),
                    pct(dc.covered_before / total),
                ),
                (
                    lang.pick("覆盖率 规划后", "Coverage planned").to_owned(),
                    pct(dc.coverage),
                ),
            ];
            if let Some(t) = dc.target {
                summary.push((lang.pick("目标", "Target").to_owned(), pct(t)));
            }
            // The verdict is the indicator table's, never recomputed here.
            if let Some(met) = plan
                .indicators
                .rows
                .iter()
                .rev()
                .find(|r| r.indicator == crate::model::Indicator::Coverage)
                .and_then(|r| r.met)
            {
                summary.push((
                    lang.pick("是否达标", "Met").to_owned(),
                    if met {
                        lang.pick("是", "yes")
                    } else {
                        lang.pick("否", "no")
                    }
                    .to_owned(),
                ));
            }
            summary.push((
                lang.pick("新建站点", "New sites").to_owned(),
                format!("{}{}", dc.new_sites, lang.pick(" 处", "")),
            ));
            summary.push((
                lang.pick("求解状态", "Status").to_owned(),
                status_name(dc.status, lang).to_owned(),
            ));
            (
                lang.pick("日间照料服务覆盖图", "Day-care coverage map")
                    .to_owned(),
                format!(
                    "{} {:.0} {} · {} {}",
                    lang.pick("服务圈", "Service circle"),
                    travel.minutes,
                    lang.pick("分钟", "minutes"),
                    lang.pick("规划期末", "end of plan"),
                    final_year
                ),
                summary,
                match travel.kind() {
                    TravelKind::CrowFly => format!(
                        "{} {:.0} {}: {} {}, {} {}",
                        lang.pick("服务范围为", "Service areas: crow-fly reach in"),
                        travel.minutes,
                        lang.pick("分钟直线可达半径", "minutes"),
                        lang.pick("城镇", "urban"),
                        dist(km(travel.urban)),
                        lang.pick("农村", "rural"),
                        dist(km(travel.rural)),
                    ),
                    TravelKind::Network => format!(
                        "{}: {} {:.0} {} {:.0} {}",
                        lang.pick("出行时间按", "Travel times by"),
                        lang.pick(
                            "路网最短路径；服务范围为",
                            "road network; service areas: roads within"
                        ),
                        travel.minutes,
                        lang.pick("分钟可达的道路两侧各", "minutes, widened by"),
                        crate::travel::SERVICE_AREA_WIDTH_M,
                        lang.pick("米", "m on each side"),
                    ),
                    TravelKind::Matrix => format!(
                        "{}: {} ({:.0} {})",
                        lang.pick("出行时间按", "Travel times by"),
                        lang.pick(TravelKind::Matrix.zh(), TravelKind::Matrix.en()),
                        travel.minutes,
                        lang.pick(
                            "分钟以内为覆盖；服务范围为所服务村/社区的外包络",
                            "minutes served; service areas outline the villages each site serves"
                        ),
                    ),
                },
            )
        }
        MapKind::Access => {
            let beds = plan.beds.as_ref().expect("access maps need a bed plan");
            let last = beds.years.last().unwrap_or(&beds.baseline);
            let acc = &beds.accessibility;
            let summary = vec![
                (
                    lang.pick("床位 现状", "Beds today").to_owned(),
                    thousands(beds.baseline.beds as f64),
                ),
                (
                    format!("{} {}", lang.pick("床位", "Beds"), last.year),
                    thousands(last.beds as f64),
                ),
                (
                    lang.pick("基尼系数 现状", "Gini today").to_owned(),
                    format!("{:.3}", acc.gini_before),
                ),
                (
                    lang.pick("基尼系数 规划后", "Gini planned").to_owned(),
                    format!("{:.3}", acc.gini_after),
                ),
            ];
            (
                lang.pick("养老床位可达性", "Bed accessibility").to_owned(),
                format!(
                    "{} {:.0} {} · {} {}",
                    lang.pick(
                        "每千名老年人可达床位, 服务半径",
                        "Beds per 1000 elderly within"
                    ),
                    acc.catchment_minutes,
                    lang.pick("分钟", "minutes"),
                    lang.pick("规划期末", "end of plan"),
                    final_year
                ),
                summary,
                lang.pick(
                    "两步移动搜索法 (2SFCA)",
                    "Two-step floating catchment (2SFCA)",
                )
                .to_owned(),
            )
        }
    };
    let footer = format!(
        "{} · {} · {} {:.1}° · {}",
        footer_note,
        lang.pick("坐标系 WGS-84", "WGS-84"),
        lang.pick("等距圆柱投影, 按纬度校正", "equirectangular projection at"),
        frame.cos_lat.acos().to_degrees(),
        lang.pick("yanglao 生成", "made with yanglao"),
    );

    let panel_x = frame.right() + 28;
    let panel_h = 40 + 26 * legend.len() as i32 + 150 + 26 * summary.len() as i32;
    let width = panel_x + 330;
    let height = frame.bottom().max(top + panel_h) + 52;
    let drawing = MapDrawing {
        size: (width as u32, height as u32),
        frame,
        polygons,
        service,
        service_shapes,
        villages,
        village_edge: match (r.villages.len() <= 3000, kind) {
            (false, _) => None,
            (true, MapKind::Coverage) => Some(WHITE),
            (true, MapKind::Access) => Some(RGBColor(0x70, 0x70, 0x70)),
        },
        sites,
        labels,
        title: format!("{} · {}", s.name, title),
        subtitle,
        footer,
        legend,
        summary,
        panel_x,
        scale: (len_px, len_m),
        north: lang.pick("北", "N"),
        lang,
    };
    let name = match kind {
        MapKind::Coverage => "map",
        MapKind::Access => "access",
    };
    let image = render(&drawing, &opts.font, &format!("{name}.png"))?;
    Ok(PlanMap {
        image,
        frame,
        villages: village_marks,
        sites: site_marks,
        classes: classes.into_iter().map(|(l, c)| (l, hex(c))).collect(),
    })
}

/// The status in words.
pub(crate) fn status_name(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Optimal => lang.pick("最优", "optimal"),
        Status::Feasible => lang.pick("可行 (有差距)", "feasible (with gap)"),
        Status::Infeasible => lang.pick("目标不可达", "infeasible"),
    }
}

/// Two or three round elderly counts for the size legend, below the largest village.
fn legend_sizes(e_max: u32) -> Vec<u32> {
    let top = nice_scale_m(f64::from(e_max)) as u32;
    let mut out = vec![top];
    for div in [4, 20] {
        let v = nice_scale_m(f64::from(top) / f64::from(div)) as u32;
        if v >= 10 && !out.contains(&v) {
            out.push(v);
        }
    }
    out.reverse();
    out
}

/// Accessibility classes: none in reach, then five quantile classes with round breaks.
fn access_classes(values: &[f64], lang: Lang) -> (Vec<(String, RGBColor)>, Vec<usize>) {
    let mut positive: Vec<f64> = values.iter().copied().filter(|v| *v > 0.0).collect();
    positive.sort_by(f64::total_cmp);
    let round2 = |x: f64| -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        let p = 10f64.powf(x.log10().floor() - 1.0);
        (x / p).round() * p
    };
    let mut breaks: Vec<f64> = Vec::new();
    if !positive.is_empty() {
        for q in [0.2, 0.4, 0.6, 0.8] {
            let i = ((positive.len() as f64 - 1.0) * q).round() as usize;
            let b = round2(positive[i]);
            if b > 0.0 && breaks.last().is_none_or(|l| b > *l) {
                breaks.push(b);
            }
        }
    }
    let fmt = |x: f64| {
        if x >= 10.0 {
            format!("{x:.0}")
        } else {
            format!("{x:.1}")
        }
    };
    let mut classes = vec![(
        lang.pick("无可达床位", "No bed in reach").to_owned(),
        NO_ACCESS,
    )];
    let k = breaks.len();
    for i in 0..=k {
        let label = match (i.checked_sub(1).map(|j| breaks[j]), breaks.get(i)) {
            (None, Some(hi)) => format!("< {}", fmt(*hi)),
            (Some(lo), Some(hi)) => format!("{} – {}", fmt(lo), fmt(*hi)),
            (Some(lo), None) => format!("≥ {}", fmt(lo)),
            (None, None) => lang.pick("有可达床位", "Beds in reach").to_owned(),
        };
        // Spread the classes over the ramp.
        let color = RAMP[(i * (RAMP.len() - 1)).checked_div(k).unwrap_or(2)];
        classes.push((label, color));
    }
    let class_of = values
        .iter()
        .map(|&v| {
            if v <= 0.0 {
                0
            } else {
                1 + breaks.iter().filter(|b| v >= **b).count()
            }
        })
        .collect();
    (classes, class_of)
}

impl Drawing for MapDrawing {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: &Pen,
    ) -> Result<(), DrawError> {
        root.fill(&WHITE)?;
        let f = &self.frame;
        let (l, t) = (f.rect.0, f.rect.1);
        let (r, b) = (f.right(), f.bottom());
        let rule = RGBColor(0xd0, 0xd4, 0xda);

        // Title.
        pen.text(
            root,
            &self.title,
            (l, 34),
            30.0,
            INK,
            HPos::Left,
            VPos::Center,
        )?;
        pen.text(
            root,
            &self.subtitle,
            (l, 74),
            18.0,
            MUTED,
            HPos::Left,
            VPos::Center,
        )?;
        root.draw(&PathElement::new(
            vec![(l, 98), (self.size.0 as i32 - 24, 98)],
            rule.stroke_width(1),
        ))?;

        // Map body.
        let body = root
            .clone()
            .shrink((l, t), ((r - l) as u32, (b - t) as u32));
        let off = |(x, y): (i32, i32)| (x - l, y - t);
        let background = if self.polygons.is_empty() {
            PLAIN
        } else {
            OUTSIDE
        };
        body.fill(&background)?;
        for PxPolygon { outer, holes } in &self.polygons {
            body.draw(&Polygon::new(
                outer.iter().map(|p| off(*p)).collect::<Vec<_>>(),
                WHITE.filled(),
            ))?;
            for h in holes {
                body.draw(&Polygon::new(
                    h.iter().map(|p| off(*p)).collect::<Vec<_>>(),
                    OUTSIDE.filled(),
                ))?;
            }
        }
        // Service areas as one union: every disc a pixel wider in the edge colour first.
        for (c, rad) in &self.service {
            body.draw(&Circle::new(off(*c), rad + 1, AREA_EDGE.filled()))?;
        }
        for (c, rad) in &self.service {
            body.draw(&Circle::new(off(*c), *rad, AREA_FILL.filled()))?;
        }
        // Network service areas: filled, then outlined in the edge colour.
        for ring in &self.service_shapes {
            body.draw(&Polygon::new(
                ring.iter().map(|p| off(*p)).collect::<Vec<_>>(),
                AREA_FILL.filled(),
            ))?;
        }
        for ring in &self.service_shapes {
            body.draw(&PathElement::new(
                ring.iter().map(|p| off(*p)).collect::<Vec<_>>(),
                AREA_EDGE.stroke_width(1),
            ))?;
        }
        for PxPolygon { outer, holes } in &self.polygons {
            for ring in std::iter::once(outer).chain(holes.iter()) {
                let mut pts: Vec<(i32, i32)> = ring.iter().map(|p| off(*p)).collect();
                if let Some(first) = pts.first().copied() {
                    pts.push(first);
                }
                body.draw(&PathElement::new(pts, BORDER.stroke_width(2)))?;
            }
        }
        for d in &self.villages {
            body.draw(&Circle::new(off(d.at), d.r, d.color.filled()))?;
            if let Some(edge) = self.village_edge {
                body.draw(&Circle::new(off(d.at), d.r, edge.stroke_width(1)))?;
            }
        }
        for m in &self.sites {
            shapes::marker(&body, m.shape, off(m.at), m.half, m.fill, m.edge)?;
        }
        for Label {
            text: name,
            at,
            w,
            h,
            size,
        } in &self.labels
        {
            let (x, y) = off(*at);
            body.draw(&Rectangle::new(
                [
                    (x - w / 2 - 3, y - h / 2 - 2),
                    (x + w / 2 + 3, y + h / 2 + 3),
                ],
                WHITE.mix(0.85).filled(),
            ))?;
            pen.text(&body, name, (x, y), *size, INK, HPos::Center, VPos::Center)?;
        }
        root.draw(&Rectangle::new(
            [(l, t), (r, b)],
            RGBColor(0x9a, 0x9a, 0x9a).stroke_width(1),
        ))?;

        // Legend panel: title and north arrow, legend rows, scale bar, key figures.
        let x = self.panel_x;
        let mut y = t + 4;
        let legend = self.lang.pick("图例", "Legend");
        pen.text(
            root,
            legend,
            (x, y + 12),
            21.0,
            INK,
            HPos::Left,
            VPos::Center,
        )?;
        shapes::north_arrow(root, pen, (x + 286, y + 20), 40, self.north)?;
        y += 50;
        for row in &self.legend {
            match row {
                Row::Header(s) => {
                    pen.text(root, s, (x, y), 16.0, MUTED, HPos::Left, VPos::Center)?;
                }
                Row::Item(sym, s) => {
                    shapes::symbol(root, *sym, (x + 14, y))?;
                    pen.text(root, s, (x + 36, y), 16.0, INK, HPos::Left, VPos::Center)?;
                }
                Row::Gap => {}
            }
            y += if matches!(row, Row::Gap) { 10 } else { 26 };
        }
        y += 14;
        let scale = self.lang.pick("比例尺", "Scale");
        pen.text(root, scale, (x, y), 16.0, MUTED, HPos::Left, VPos::Center)?;
        y += 44;
        shapes::scale_bar(root, pen, (x + 4, y), self.scale.0, self.scale.1)?;
        y += 28;
        root.draw(&PathElement::new(
            vec![(x, y), (x + 300, y)],
            rule.stroke_width(1),
        ))?;
        y += 22;
        for (k, v) in &self.summary {
            pen.text(root, k, (x, y), 16.0, MUTED, HPos::Left, VPos::Center)?;
            pen.text(root, v, (x + 300, y), 17.0, INK, HPos::Right, VPos::Center)?;
            y += 26;
        }

        pen.text(
            root,
            &self.footer,
            (l, self.size.1 as i32 - 22),
            14.0,
            MUTED,
            HPos::Left,
            VPos::Center,
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_legend_is_round() {
        assert_eq!(legend_sizes(820), vec![20, 100, 500]);
        assert_eq!(legend_sizes(3000), vec![100, 500, 2000]);
        assert_eq!(legend_sizes(12), vec![10]);
    }

    #[test]
    fn access_classes_cover_every_village() {
        let values = [0.0, 5.0, 12.0, 30.0, 45.0, 80.0, 0.0, 22.0];
        let (classes, of) = access_classes(&values, Lang::Zh);
        assert_eq!(classes[0].0, "无可达床位");
        assert_eq!(of[0], 0);
        assert_eq!(of[6], 0);
        assert!(of.iter().all(|c| *c < classes.len()));
        // Larger values never fall in a lower class.
        assert!(of[5] >= of[4] && of[4] >= of[3] && of[3] >= of[1]);
        let (classes, of) = access_classes(&[0.0, 0.0], Lang::En);
        assert_eq!(classes.len(), 2);
        assert_eq!(of, vec![0, 0]);
    }
}
