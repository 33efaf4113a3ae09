//! The plan maps: day-care coverage (villages by served / newly served / not served, existing
//! and new facilities, service areas) and bed accessibility (villages by beds per 1000 elderly
//! within reach), each with region outline, township labels, legend, scale bar and north arrow.
//!
//! With crow-fly travel, service areas are concentric circles around every serving site, one
//! per village area type of the region (urban, rural), each of the reach radius (minutes ×
//! speed ÷ detour) of that type's villages, since the model times each trip at the village's
//! mode: a village is served exactly when it lies in its own type's circle of a serving site.
//! The inner (shorter-reach) circles are drawn darker over the lighter outer ones. With road-network travel
//! they are the areas the network model draws (`Plan::service_areas`: the roads from which a
//! site is reached in time, widened on each side); with matrix travel, which has no geometry,
//! the villages each site serves are outlined (`plan::outlined_service_areas`). The village colours (served or not) come from the travel model in
//! every mode, and the footer says which model it is.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::frame::{Frame, LabelPlacer, RegionMask, nest_rings, nice_scale_m};
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
    /// What the layers hold: placed labels, outline, symbols and badges.
    pub layers: Layers,
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
/// Fill of the outer crow-fly ring where a site has two (the village type that reaches farther).
const AREA_FILL_OUTER: RGBColor = RGBColor(0xee, 0xf4, 0xfa);
const OUTSIDE: RGBColor = RGBColor(0xee, 0xee, 0xea);
const PLAIN: RGBColor = RGBColor(0xfb, 0xfb, 0xf9);
const BORDER: RGBColor = RGBColor(0x55, 0x55, 0x55);
const OUT_OF_SCOPE: RGBColor = RGBColor(0xc4, 0xc4, 0xc4);
/// Township cells with no one in the target.
const NO_TARGET: RGBColor = RGBColor(0xe4, 0xe4, 0xe0);
/// Fill of a badge of existing sites.
const BADGE: RGBColor = RGBColor(0xe7, 0xe1, 0xf2);
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
    /// A note on the item above it, indented and muted.
    Note(String),
    Gap,
}

/// A pixel position.
type Px = (i32, i32);

/// A boundary polygon in pixels.
struct PxPolygon {
    outer: Vec<Px>,
    holes: Vec<Vec<Px>>,
}

/// A village dot; a ring (so that a site symbol under it stays visible) where it sits on a
/// new site.
struct Dot {
    at: Px,
    r: u32,
    color: RGBColor,
    ring: bool,
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

impl Label {
    /// The box of the label with its white backing, `(left, top, right, bottom)`.
    fn rect(&self) -> (i32, i32, i32, i32) {
        let (x, y) = self.at;
        (
            x - self.w / 2 - 3,
            y - self.h / 2 - 2,
            x + self.w / 2 + 3,
            y + self.h / 2 + 3,
        )
    }
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
    /// Service-area discs in layers drawn in order (outer rings first): the fill of the layer
    /// and each disc's centre and radius.
    service: Vec<(RGBColor, Vec<(Px, u32)>)>,
    /// Service areas drawn by the travel model: outer rings in pixels.
    service_shapes: Vec<Vec<Px>>,
    /// Township coverage cells (multi-county regions), under everything else.
    cells: Vec<Cell>,
    villages: Vec<Dot>,
    /// Villages drawn over the site symbols, with a white halo (newly served).
    top_villages: Vec<Dot>,
    village_edge: Option<RGBColor>,
    sites: Vec<Mark>,
    badges: Vec<Badge>,
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

/// A label as placed on the map: its text and its box `(left, top, right, bottom)` in
/// pixels, the white backing included.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedLabel {
    /// The text (a township name).
    pub text: String,
    /// Box in pixels of the whole picture.
    pub rect: (i32, i32, i32, i32),
}

/// What each drawn layer holds, in drawing order, for checks of the picture.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layers {
    /// Township labels as placed.
    pub labels: Vec<PlacedLabel>,
    /// Region outline and holes in pixels (empty without a boundary).
    pub rings: Vec<Vec<(i32, i32)>>,
    /// Site symbols drawn one by one.
    pub site_symbols: usize,
    /// Count badges standing for several sites each: centre, count and whether they are
    /// new sites.
    pub badges: Vec<((i32, i32), usize, bool)>,
    /// Villages drawn on top of every site symbol (newly served by the plan).
    pub top_villages: usize,
    /// Township coverage cells drawn instead of village dots (multi-county regions).
    pub choropleth_cells: usize,
    /// Crow-fly service circles: centre and radius in pixels and the village area type the
    /// circle applies to; for each serving site in [`crate::plan::serving_sites`] order one
    /// circle per village area type of the region, urban first (empty for other travel models
    /// and the access map).
    pub service_circles: Vec<((i32, i32), u32, AreaKind)>,
    /// The legend's text lines, in order.
    pub legend: Vec<String>,
}

/// The map, as drawn.
impl PlanMap {
    /// The placed township labels.
    pub fn labels(&self) -> &[PlacedLabel] {
        &self.layers.labels
    }
}

/// A count badge: several sites within one grid cell drawn as one disc with their number.
struct Badge {
    at: Px,
    count: usize,
    /// New sites (red, white figures) or existing ones (pale, purple figures).
    new: bool,
}

/// A run of choropleth cells of one colour: left, top, right, bottom.
struct Cell {
    rect: (i32, i32, i32, i32),
    color: RGBColor,
}

/// Sites per grid cell at which markers become a count badge.
const BADGE_MIN: usize = 4;

/// Villages above which a region of more than one county is drawn as township coverage
/// cells rather than village dots.
const CHOROPLETH_MIN_VILLAGES: usize = 3000;

/// Draws a plan map.
pub fn plan_map(plan: &Plan, kind: MapKind, opts: &Options) -> Result<PlanMap, Error> {
    let lang = opts.lang;
    let r = &plan.region;
    let new_institutions = new_institutions(plan);
    let (service_m, service_rings) = service_geometry(plan, kind);
    let frame = map_frame(plan, &service_m, &service_rings);
    let sizes = Sizes::of(plan, &frame);
    let (classes, class_of) = village_classes(plan, kind, lang);
    let polygons = boundary_polygons(plan, &frame);
    let rings: Vec<Vec<Px>> = polygons
        .iter()
        .flat_map(|p| std::iter::once(p.outer.clone()).chain(p.holes.iter().cloned()))
        .collect();

    // Villages: the HTML marks, and the dots in two layers, the newly served ones on top.
    let choropleth = kind == MapKind::Coverage
        && r.villages.len() > CHOROPLETH_MIN_VILLAGES
        && counties(plan) > 1;
    let (villages, top_villages, village_marks) =
        village_dots(plan, kind, &frame, &sizes, &classes, &class_of, choropleth);
    let (cells, town_classes) = if choropleth {
        township_cells(plan, &frame, &rings, &class_of, lang)
    } else {
        (Vec::new(), Vec::new())
    };
    let service: Vec<(RGBColor, Vec<(Px, u32)>)> = ring_layers(&circle_radii(&service_m))
        .into_iter()
        .map(|(ring_kind, _, fill)| {
            let discs = service_m
                .iter()
                .filter(|d| d.2 == ring_kind)
                .map(|(p, m, _)| {
                    (
                        frame.project(*p),
                        (m / frame.m_per_px()).round().max(1.0) as u32,
                    )
                })
                .collect();
            (fill, discs)
        })
        .collect();
    let service_shapes: Vec<Vec<Px>> = service_rings
        .iter()
        .map(|ring| {
            ring.coords()
                .map(|c| frame.project(LonLat { lon: c.x, lat: c.y }))
                .collect()
        })
        .collect();

    let sites = site_symbols(plan, kind, &frame, sizes.marker, &new_institutions, lang);
    let (marks, badges) = badge_crowds(sites.marks, sizes.marker);
    let mut top_villages = top_villages;
    ring_on_new_sites(&mut top_villages, &marks, &badges);
    let labels = township_labels(
        plan,
        &frame,
        &rings,
        &marks,
        &badges,
        &villages,
        &top_villages,
        opts,
    );

    // Scale bar: a round length of at most 240 pixels, drawn in the panel.
    let m_per_px = frame.m_per_px();
    let len_m = nice_scale_m(240.0 * m_per_px);
    let len_px = (len_m / m_per_px).round() as i32;

    let legend = legend_rows(
        plan,
        kind,
        &sizes,
        &classes,
        &town_classes,
        &sites.present,
        &sites.new_types,
        (badges.iter().any(|b| !b.new), badges.iter().any(|b| b.new)),
        &circle_radii(&service_m),
        lang,
    );
    let newly = class_of
        .iter()
        .zip(&r.villages)
        .filter(|(c, _)| kind == MapKind::Coverage && **c == NEWLY_CLASS)
        .fold((0usize, 0u64), |(n, e), (_, v)| {
            (n + 1, e + u64::from(v.elderly))
        });
    let text = map_text(plan, kind, &frame, newly, lang);

    let top = frame.rect.1;
    let panel_x = frame.right() + 28;
    let panel_h = 40 + 26 * legend.len() as i32 + 150 + 26 * text.summary.len() as i32;
    let width = panel_x + 330;
    let height = frame.bottom().max(top + panel_h) + 52;
    let layers = Layers {
        labels: labels
            .iter()
            .map(|l| PlacedLabel {
                text: l.text.clone(),
                rect: l.rect(),
            })
            .collect(),
        rings: rings.clone(),
        site_symbols: marks.len(),
        badges: badges.iter().map(|b| (b.at, b.count, b.new)).collect(),
        top_villages: top_villages.len(),
        choropleth_cells: cells.len(),
        service_circles: service_m
            .iter()
            .map(|&(p, m, k)| {
                let px = frame.project(p);
                (px, (m / frame.m_per_px()).round().max(1.0) as u32, k)
            })
            .collect(),
        legend: legend
            .iter()
            .filter_map(|row| match row {
                Row::Header(s) | Row::Item(_, s) | Row::Note(s) => Some(s.clone()),
                Row::Gap => None,
            })
            .collect(),
    };
    let drawing = MapDrawing {
        size: (width as u32, height as u32),
        frame,
        polygons,
        service,
        service_shapes,
        cells,
        villages,
        top_villages,
        village_edge: match (r.villages.len() <= 3000, kind) {
            (false, _) => None,
            (true, MapKind::Coverage) => Some(WHITE),
            (true, MapKind::Access) => Some(RGBColor(0x70, 0x70, 0x70)),
        },
        sites: marks,
        badges,
        labels,
        title: format!("{} · {}", plan.scenario.name, text.title),
        subtitle: text.subtitle,
        footer: text.footer,
        legend,
        summary: text.summary,
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
        sites: sites.site_marks,
        classes: classes.into_iter().map(|(l, c)| (l, hex(c))).collect(),
        layers,
    })
}

/// New institutions of the bed plan, by candidate index, each once.
fn new_institutions(plan: &Plan) -> Vec<usize> {
    let nf = plan.region.facilities.len();
    let mut out: Vec<usize> = plan
        .beds
        .iter()
        .flat_map(|b| b.years.iter())
        .flat_map(|y| y.actions.iter())
        .filter(|a| a.kind == ActionKind::NewInstitution && a.site.get() >= nf)
        .map(|a| a.site.get() - nf)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// A crow-fly service circle: centre, radius in metres and the area type of the villages it
/// applies to.
type Disc = (LonLat, f64, AreaKind);

/// Service areas of the coverage map: crow-fly discs (centre, radius in metres, village area
/// type) around the serving sites, one per village area type of the region
/// ([`crate::plan::service_rings_m`]), so that a village of type K is served exactly when it
/// lies inside a K disc of a serving site; and the outer rings of the areas a road network or
/// a matrix drew.
fn service_geometry(plan: &Plan, kind: MapKind) -> (Vec<Disc>, Vec<&geo::LineString<f64>>) {
    if kind != MapKind::Coverage {
        return (Vec::new(), Vec::new());
    }
    let mut discs = Vec::new();
    if plan.scenario.travel.kind() == TravelKind::CrowFly {
        let rings = crate::plan::service_rings_m(&plan.region, &plan.scenario.travel);
        for s in crate::plan::serving_sites(&plan.region, &plan.reach, &plan.day_care) {
            discs.extend(rings.iter().map(|&(k, m)| (s.pos, m, k)));
        }
    }
    let rings = plan
        .service_areas
        .iter()
        .flat_map(|a| a.area.0.iter().map(|p| p.exterior()))
        .collect();
    (discs, rings)
}

/// The projection: the outline, every village and facility and the whole of every service
/// area fit in the map rectangle below the title.
fn map_frame(plan: &Plan, service_m: &[Disc], service_rings: &[&geo::LineString<f64>]) -> Frame {
    let r = &plan.region;
    const M_PER_DEG_LAT: f64 = 111_195.0;
    let discs = service_m.iter().flat_map(|(p, m, _)| {
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
        .chain(plan.day_care.sites.iter().map(|s| LonLat {
            lon: s.lon,
            lat: s.lat,
        }))
        .chain(discs)
        .chain(
            service_rings
                .iter()
                .flat_map(|ring| ring.coords().map(|c| LonLat { lon: c.x, lat: c.y })),
        );
    Frame::fit(points, 1120, 1080, 680, 24).at(24, 112)
}

/// Symbol sizes from the spacing of villages and facilities on the map.
struct Sizes {
    r_min: f64,
    r_max: f64,
    e_max: u32,
    /// Half-size of an existing facility's marker, pixels.
    marker: i32,
}

impl Sizes {
    fn of(plan: &Plan, frame: &Frame) -> Self {
        let r = &plan.region;
        let (fw, fh) = (f64::from(frame.rect.2), f64::from(frame.rect.3));
        let n = r.villages.len().max(1) as f64;
        let spacing = (fw * fh / n).sqrt();
        let r_max = (spacing * 0.42).clamp(2.5, 10.0);
        let r_min = (r_max * 0.3).clamp(1.0, 3.0);
        let e_max = r
            .villages
            .iter()
            .map(|v| v.elderly)
            .max()
            .unwrap_or(1)
            .max(1);
        // Facility markers from the spacing of facilities, and never larger than a village.
        let f_spacing = (fw * fh / r.facilities.len().max(1) as f64).sqrt();
        let marker = (f_spacing * 0.18).min(r_max * 0.7).clamp(2.0, 6.0).round() as i32;
        Self {
            r_min,
            r_max,
            e_max,
            marker,
        }
    }

    /// Dot radius of a village of `e` elderly: area in proportion to the count.
    fn radius(&self, e: u32) -> u32 {
        (self.r_min + (self.r_max - self.r_min) * (f64::from(e) / f64::from(self.e_max)).sqrt())
            .round() as u32
    }
}

/// Legend class index of villages newly served by the plan on the coverage map.
const NEWLY_CLASS: usize = 1;
/// Legend class index of villages outside the target on the coverage map.
const OUT_OF_SCOPE_CLASS: usize = 3;

/// The village legend classes (label, colour) and each village's class.
fn village_classes(
    plan: &Plan,
    kind: MapKind,
    lang: Lang,
) -> (Vec<(String, RGBColor)>, Vec<usize>) {
    let r = &plan.region;
    let dc = &plan.day_care;
    match kind {
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
                        _ if urban_only && rural => OUT_OF_SCOPE_CLASS,
                        (true, _) => 0,
                        (false, true) => NEWLY_CLASS,
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
    }
}

/// Counties among the villages (first six digits of their statistical codes).
fn counties(plan: &Plan) -> usize {
    let mut c: Vec<&str> = plan
        .region
        .township_units()
        .iter()
        .filter_map(|u| u.county)
        .collect();
    c.sort_unstable();
    c.dedup();
    c.len()
}

/// Village dots in two layers, the HTML marks of every village, in drawing order: villages
/// outside the target underneath, then large villages first so that small ones stay visible;
/// newly served villages go to the top layer, drawn over the site symbols. A choropleth map
/// draws township cells instead of dots.
fn village_dots(
    plan: &Plan,
    kind: MapKind,
    frame: &Frame,
    sizes: &Sizes,
    classes: &[(String, RGBColor)],
    class_of: &[usize],
    choropleth: bool,
) -> (Vec<Dot>, Vec<Dot>, Vec<VillageMark>) {
    let r = &plan.region;
    let mut order: Vec<usize> = (0..r.villages.len()).collect();
    let muted =
        |i: usize| class_of.get(i) == Some(&OUT_OF_SCOPE_CLASS) && kind == MapKind::Coverage;
    order.sort_by(|&a, &b| {
        muted(b)
            .cmp(&muted(a))
            .then(r.villages[b].elderly.cmp(&r.villages[a].elderly))
            .then(a.cmp(&b))
    });
    let mut marks = Vec::with_capacity(order.len());
    let mut base = Vec::new();
    let mut top = Vec::new();
    for &i in &order {
        let v = &r.villages[i];
        let (x, y) = frame.project_f(v.pos);
        let rad = sizes.radius(v.elderly).max(1);
        let class = class_of.get(i).copied().unwrap_or(0);
        let newly = kind == MapKind::Coverage && class == NEWLY_CLASS;
        let dot = Dot {
            at: frame.project(v.pos),
            r: rad,
            color: classes[class].1,
            ring: false,
        };
        if choropleth {
            // Township cells stand for the villages.
        } else if newly {
            top.push(dot);
        } else {
            base.push(dot);
        }
        marks.push(VillageMark {
            village: i,
            x,
            y,
            r: rad,
            class,
        });
    }
    (base, top, marks)
}

/// Township coverage as grid cells: every cell inside the outline takes the township of the
/// largest village in it, or of the nearest cell that has one, and the colour of that
/// township's coverage after the plan; returns the cells (merged into runs along each row)
/// and the legend classes.
fn township_cells(
    plan: &Plan,
    frame: &Frame,
    rings: &[Vec<Px>],
    class_of: &[usize],
    lang: Lang,
) -> (Vec<Cell>, Vec<(String, RGBColor)>) {
    const CELL: i32 = 6;
    let r = &plan.region;
    let dc = &plan.day_care;
    // Coverage per township: in-scope elderly and those served after the plan.
    let mut towns: std::collections::BTreeMap<&str, (f64, f64)> = Default::default();
    for v in &dc.villages {
        let i = v.village.get();
        let village = &r.villages[i];
        let t = towns.entry(village.township.as_str()).or_default();
        if class_of.get(i) == Some(&OUT_OF_SCOPE_CLASS) {
            continue;
        }
        let e = f64::from(village.elderly);
        t.0 += e;
        t.1 += if dc.capacity.is_some() {
            v.served.min(e)
        } else if v.covered {
            e
        } else {
            0.0
        };
    }
    let target = dc.target.unwrap_or(0.95);
    let breaks = [0.5, 0.8, target.min(0.9), target];
    let classes: Vec<(String, RGBColor)> = vec![
        (format!("< {}", pct(breaks[0])), RAMP[0]),
        (format!("{} – {}", pct(breaks[0]), pct(breaks[1])), RAMP[1]),
        (format!("{} – {}", pct(breaks[1]), pct(breaks[2])), RAMP[2]),
        (format!("{} – {}", pct(breaks[2]), pct(breaks[3])), RAMP[3]),
        (format!("≥ {}", pct(breaks[3])), RAMP[4]),
        (
            lang.pick("无考核人口", "No one in the target").to_owned(),
            NO_TARGET,
        ),
    ];
    let color_of = |town: &str| -> RGBColor {
        match towns.get(town) {
            Some(&(inscope, served)) if inscope > 0.0 => {
                let share = served / inscope;
                let k = breaks.iter().filter(|b| share >= **b - 1e-12).count();
                RAMP[k.min(RAMP.len() - 1)]
            }
            _ => NO_TARGET,
        }
    };
    let (l, t, w, h) = frame.rect;
    let (nx, ny) = ((w / CELL + 1) as usize, (h / CELL + 1) as usize);
    // The largest village of each cell names its township.
    let mut owner: Vec<Option<(u32, usize)>> = vec![None; nx * ny];
    for (i, v) in r.villages.iter().enumerate() {
        let (x, y) = frame.project(v.pos);
        let (cx, cy) = ((x - l) / CELL, (y - t) / CELL);
        if cx < 0 || cy < 0 || cx as usize >= nx || cy as usize >= ny {
            continue;
        }
        let k = cy as usize * nx + cx as usize;
        if owner[k].is_none_or(|(e, _)| v.elderly > e) {
            owner[k] = Some((v.elderly, i));
        }
    }
    let mask = RegionMask::new(rings, (l, t, l + w, t + h));
    let inside = |cx: usize, cy: usize| {
        mask.contains((
            l + cx as i32 * CELL + CELL / 2,
            t + cy as i32 * CELL + CELL / 2,
        ))
    };
    // Cells without a village take their nearest neighbour's township (breadth first), as
    // far as the outline goes; without an outline, two cells around the villages.
    let mut town: Vec<Option<usize>> = owner.iter().map(|o| o.map(|(_, i)| i)).collect();
    let mut frontier: Vec<usize> = (0..town.len()).filter(|&k| town[k].is_some()).collect();
    let mut steps = 0;
    while !frontier.is_empty() && (!rings.is_empty() || steps < 2) {
        let mut next = Vec::new();
        for &k in &frontier {
            let (cx, cy) = (k % nx, k / nx);
            let near = [
                (cx.wrapping_sub(1), cy),
                (cx + 1, cy),
                (cx, cy.wrapping_sub(1)),
                (cx, cy + 1),
            ];
            for (qx, qy) in near {
                if qx >= nx || qy >= ny {
                    continue;
                }
                let q = qy * nx + qx;
                if town[q].is_none() && (rings.is_empty() || inside(qx, qy)) {
                    town[q] = town[k];
                    next.push(q);
                }
            }
        }
        frontier = next;
        steps += 1;
    }
    let mut cells = Vec::new();
    for cy in 0..ny {
        let mut run: Option<(usize, RGBColor)> = None;
        for cx in 0..=nx {
            let color = if cx < nx {
                town[cy * nx + cx].map(|i| color_of(&r.villages[i].township))
            } else {
                None
            };
            if let Some((start, c)) = run
                && color != Some(c)
            {
                let y0 = t + cy as i32 * CELL;
                cells.push(Cell {
                    rect: (
                        l + start as i32 * CELL,
                        y0,
                        (l + cx as i32 * CELL).min(l + w),
                        (y0 + CELL).min(t + h),
                    ),
                    color: c,
                });
                run = None;
            }
            if run.is_none()
                && let Some(c) = color
            {
                run = Some((cx, c));
            }
        }
    }
    (cells, classes)
}

/// The site symbols with their HTML marks, and which types appear in the legend.
struct Sites {
    marks: Vec<Mark>,
    site_marks: Vec<SiteMark>,
    present: Vec<FacilityType>,
    new_types: Vec<FacilityType>,
}

/// Existing facilities (hollow, so the village colour under them shows), then new day-care
/// sites and new institutions (filled, larger).
fn site_symbols(
    plan: &Plan,
    kind: MapKind,
    frame: &Frame,
    marker_s: i32,
    new_institutions: &[usize],
    lang: Lang,
) -> Sites {
    let r = &plan.region;
    let mut marks = Vec::new();
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
        marks.push(Mark {
            at: frame.project(f.pos),
            shape: shape_of(f.kind),
            half: marker_s,
            fill: None,
            edge: existing_color(f.kind),
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
    let new_mark = |pos: LonLat, t: FacilityType| Mark {
        at: frame.project(pos),
        shape: shape_of(t),
        half: marker_s + 2,
        fill: Some(NEW),
        edge: NEW_EDGE,
    };
    let new_name = |t: FacilityType| format!("{}{}", lang.pick("新建", "New "), type_name(t, lang));
    if kind == MapKind::Coverage {
        for s in &plan.day_care.sites {
            let t = if s.comprehensive {
                FacilityType::Comprehensive
            } else {
                FacilityType::DayCare
            };
            let pos = LonLat {
                lon: s.lon,
                lat: s.lat,
            };
            marks.push(new_mark(pos, t));
            new_types.push(t);
            mark(pos, &s.name, &s.township, new_name(t), true);
        }
    }
    for &c in new_institutions {
        let cand = &r.candidates[c];
        marks.push(new_mark(cand.pos, FacilityType::Institution));
        new_types.push(FacilityType::Institution);
        mark(
            cand.pos,
            &cand.name,
            &cand.township,
            new_name(FacilityType::Institution),
            true,
        );
    }
    new_types.sort_unstable();
    new_types.dedup();
    Sites {
        marks,
        site_marks,
        present,
        new_types,
    }
}

/// Turns a newly served village that sits on a new site (its centre within the site's
/// symbol or the site's within its dot) into a ring around the site, so that both stay
/// visible: the village on top, the site inside the ring.
fn ring_on_new_sites(top: &mut [Dot], marks: &[Mark], badges: &[Badge]) {
    let under: Vec<(Px, i32)> = marks
        .iter()
        .filter(|m| m.fill.is_some())
        .map(|m| (m.at, m.half + 2))
        .chain(
            badges
                .iter()
                .filter(|b| b.new)
                .map(|b| (b.at, shapes::badge_radius(b.count) + 2)),
        )
        .collect();
    for d in top.iter_mut() {
        let r = d.r as i32;
        let ring = under
            .iter()
            .filter_map(|(c, half)| {
                let dist = f64::from(c.0 - d.at.0).hypot(f64::from(c.1 - d.at.1));
                (dist <= f64::from(r.max(*half))).then(|| dist.ceil() as i32 + half + 1)
            })
            .max();
        if let Some(ring_r) = ring {
            d.ring = true;
            d.r = ring_r.max(r) as u32;
        }
    }
}

/// The outline colour of an existing facility's marker.
fn existing_color(t: FacilityType) -> RGBColor {
    if t == FacilityType::Institution {
        INSTITUTION
    } else {
        EXISTING
    }
}

/// Where markers would merge into a block, draws a count instead: markers are binned into a
/// grid of cells five marker half-sizes wide, existing and new apart, and a cell with
/// [`BADGE_MIN`] or more of one kind becomes one badge at their mean position. Existing
/// symbols keep their order before new ones.
fn badge_crowds(marks: Vec<Mark>, marker_s: i32) -> (Vec<Mark>, Vec<Badge>) {
    let cell = (5 * marker_s).max(12);
    let key = |m: &Mark| {
        (
            m.fill.is_some(),
            m.at.0.div_euclid(cell),
            m.at.1.div_euclid(cell),
        )
    };
    let mut count: std::collections::BTreeMap<(bool, i32, i32), (usize, i64, i64)> =
        Default::default();
    for m in &marks {
        let e = count.entry(key(m)).or_default();
        e.0 += 1;
        e.1 += i64::from(m.at.0);
        e.2 += i64::from(m.at.1);
    }
    let badges: Vec<Badge> = count
        .iter()
        .filter(|(_, (n, _, _))| *n >= BADGE_MIN)
        // Existing before new, so new badges are drawn on top.
        .map(|(&(new, _, _), &(n, sx, sy))| Badge {
            at: ((sx / n as i64) as i32, (sy / n as i64) as i32),
            count: n,
            new,
        })
        .collect();
    let kept = marks
        .into_iter()
        .filter(|m| count.get(&key(m)).is_none_or(|(n, _, _)| *n < BADGE_MIN))
        .collect();
    (kept, badges)
}

/// Township labels at the centroid of their villages, the largest townships first, kept
/// inside the outline, off new sites, badges and newly served villages, and off other
/// symbols where they can.
#[allow(clippy::too_many_arguments)]
fn township_labels(
    plan: &Plan,
    frame: &Frame,
    rings: &[Vec<Px>],
    marks: &[Mark],
    badges: &[Badge],
    villages: &[Dot],
    top_villages: &[Dot],
    opts: &Options,
) -> Vec<Label> {
    let mut towns: std::collections::BTreeMap<&str, Town> = Default::default();
    for v in &plan.region.villages {
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
    .with_gap(gap)
    .within(rings);
    // Labels never cover a new site or a badge; they keep off existing facilities and
    // villages where they can (on maps with few enough of them for the check to stay quick).
    for m in marks.iter().filter(|m| m.fill.is_some()) {
        let (x, y) = m.at;
        let s = m.half + 2;
        placer.block((x - s, y - s - 1, x + s, y + s));
    }
    for b in badges {
        let (x, y) = b.at;
        let s = shapes::badge_radius(b.count) + 1;
        if b.new {
            placer.block((x - s, y - s, x + s, y + s));
        } else {
            placer.avoid((x - s, y - s, x + s, y + s), 3);
        }
    }
    if marks.len() <= 2000 {
        for m in marks.iter().filter(|m| m.fill.is_none()) {
            let (x, y) = m.at;
            let s = m.half + 1;
            placer.avoid((x - s, y - s - 1, x + s, y + s), 2);
        }
    }
    // Newly served villages are never covered; other villages are avoided where possible.
    for d in top_villages {
        let (x, y) = d.at;
        let rad = d.r as i32 + 1;
        placer.block((x - rad, y - rad, x + rad, y + rad));
    }
    if villages.len() <= 2000 {
        for d in villages {
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
    labels
}

/// Boundary polygons in pixels, consecutive duplicates dropped.
fn boundary_polygons(plan: &Plan, frame: &Frame) -> Vec<PxPolygon> {
    let r = &plan.region;
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
    nest_rings(&r.boundary)
        .into_iter()
        .map(|(outer, holes)| PxPolygon {
            outer: to_px(&r.boundary[outer]),
            holes: holes.iter().map(|&h| to_px(&r.boundary[h])).collect(),
        })
        .collect()
}

/// The legend rows: village classes and sizes (or township coverage classes), existing
/// facilities, planned sites, badges, service areas and the boundary.
#[allow(clippy::too_many_arguments)]
fn legend_rows(
    plan: &Plan,
    kind: MapKind,
    sizes: &Sizes,
    classes: &[(String, RGBColor)],
    town_classes: &[(String, RGBColor)],
    present: &[FacilityType],
    new_types: &[FacilityType],
    badges: (bool, bool),
    radii: &[(AreaKind, f64)],
    lang: Lang,
) -> Vec<Row> {
    let mut legend = Vec::new();
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
    let dot = ((sizes.r_max + sizes.r_min) / 2.0).round().max(4.0) as i32;
    if town_classes.is_empty() {
        for (label, color) in classes {
            legend.push(Row::Item(Symbol::Dot(*color, dot), label.clone()));
        }
        for e in legend_sizes(sizes.e_max) {
            legend.push(Row::Item(
                Symbol::Dot(MUTED, sizes.radius(e) as i32),
                format!(
                    "{} {}",
                    lang.pick("老年人口", "Elderly"),
                    thousands(f64::from(e))
                ),
            ));
        }
    } else {
        legend.push(Row::Item(
            Symbol::Dot(NEWLY, dot),
            classes[NEWLY_CLASS].0.clone(),
        ));
        legend.push(Row::Gap);
        legend.push(Row::Header(
            lang.pick("乡镇(街道)覆盖率 规划后", "Township coverage, planned")
                .to_owned(),
        ));
        for (label, color) in town_classes {
            legend.push(Row::Item(Symbol::Patch(*color, *color), label.clone()));
        }
    }
    legend.push(Row::Gap);
    if !present.is_empty() {
        legend.push(Row::Header(
            lang.pick("现状设施", "Existing facilities").to_owned(),
        ));
        for t in present {
            legend.push(Row::Item(
                Symbol::Marker(shape_of(*t), 6, None, existing_color(*t)),
                type_name(*t, lang).to_owned(),
            ));
        }
        legend.push(Row::Gap);
    }
    if !new_types.is_empty() {
        legend.push(Row::Header(lang.pick("规划新建", "Planned").to_owned()));
        for t in new_types {
            legend.push(Row::Item(
                Symbol::Marker(shape_of(*t), 7, Some(NEW), NEW_EDGE),
                type_name(*t, lang).to_owned(),
            ));
        }
        legend.push(Row::Gap);
    }
    let (existing_badges, new_badges) = badges;
    if existing_badges {
        legend.push(Row::Item(
            Symbol::Count(BADGE, EXISTING),
            lang.pick("密集处现状设施 (处数)", "Existing sites, counted")
                .to_owned(),
        ));
    }
    if new_badges {
        legend.push(Row::Item(
            Symbol::Count(NEW, WHITE),
            lang.pick("密集处规划新建 (处数)", "Planned sites, counted")
                .to_owned(),
        ));
    }
    if existing_badges || new_badges {
        legend.push(Row::Gap);
    }
    if kind == MapKind::Coverage {
        let area = match plan.scenario.travel.kind() {
            TravelKind::CrowFly => {
                lang.pick("服务范围 (直线可达, 示意)", "Service area (crow-fly reach)")
            }
            TravelKind::Network => lang.pick(
                "服务范围 (路网可达道路)",
                "Service area (roads reached in time)",
            ),
            TravelKind::Matrix => lang.pick(
                "服务范围 (所服务村/社区外包络)",
                "Service area (served villages outlined)",
            ),
        };
        legend.push(Row::Item(
            Symbol::Patch(AREA_FILL, AREA_EDGE),
            area.to_owned(),
        ));
        // One note per ring, innermost (darker) first: the villages it applies to.
        let layers = ring_layers(radii);
        let two = layers.len() > 1;
        for (i, &(k, m, _)) in layers.iter().enumerate().rev() {
            let ring = match (two, i == 0) {
                (false, _) => lang.pick("服务环", "Ring"),
                (true, false) => lang.pick("深色环", "Dark ring"),
                (true, true) => lang.pick("浅色环", "Light ring"),
            };
            legend.push(Row::Note(format!(
                "{ring}{}{} {}",
                lang.pick(": ", ": "),
                village_kind_name(k, lang),
                distance(m)
            )));
        }
    }
    if !plan.region.boundary.is_empty() {
        legend.push(Row::Item(
            Symbol::Line(BORDER, 2),
            lang.pick("行政区界", "Boundary").to_owned(),
        ));
    }
    legend
}

/// The words around the map: title, subtitle, key figures and footer.
struct MapText {
    title: String,
    subtitle: String,
    summary: Vec<(String, String)>,
    footer: String,
}

/// Title, subtitle, key figures (the indicator table's verdict, never recomputed; `newly`:
/// villages newly served and their elderly) and the footer naming the travel model, the
/// datum and the projection.
fn map_text(
    plan: &Plan,
    kind: MapKind,
    frame: &Frame,
    (newly, newly_elderly): (usize, u64),
    lang: Lang,
) -> MapText {
    let r = &plan.region;
    let dc = &plan.day_care;
    let s = &plan.scenario;
    let final_year = s.final_year();
    let travel = &s.travel;
    let km = |mode| crate::travel::reach_radius_m(mode, travel.minutes);
    let dist = distance;
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
                lang.pick("新增覆盖村/社区", "Villages newly served")
                    .to_owned(),
                format!("{newly}{}", lang.pick(" 个", "")),
            ));
            summary.push((
                lang.pick("新增覆盖老年人", "Elderly newly served")
                    .to_owned(),
                thousands(newly_elderly as f64),
            ));
            summary.push((
                lang.pick("求解状态", "Status").to_owned(),
                // The whole schedule's status where the network alone is optimal: a
                // schedule that misses a yearly step is not shown as optimal.
                status_name(
                    if dc.status == crate::solve::Status::Optimal {
                        dc.phasing.whole_status
                    } else {
                        dc.status
                    },
                    lang,
                )
                .to_owned(),
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
    MapText {
        title,
        subtitle,
        summary,
        footer,
    }
}

/// The status in words.
pub(crate) fn status_name(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Optimal => lang.pick("最优", "optimal"),
        Status::Feasible => lang.pick("可行 (有差距)", "feasible (with gap)"),
        Status::Infeasible => lang.pick("目标不可达", "infeasible"),
        Status::Undecided => lang.pick(
            "目标未达到 (未证明不可达)",
            "target missed (not proven infeasible)",
        ),
    }
}

/// The circle radii drawn, one per area type present (urban first), metres.
fn circle_radii(discs: &[Disc]) -> Vec<(AreaKind, f64)> {
    let mut out: Vec<(AreaKind, f64)> = Vec::new();
    for kind in [AreaKind::Urban, AreaKind::Rural] {
        if let Some(&(_, m, _)) = discs.iter().find(|d| d.2 == kind) {
            out.push((kind, m));
        }
    }
    out
}

/// The crow-fly ring layers drawn, outer (larger radius) first: village area type, radius
/// in metres and fill; the innermost in [`AREA_FILL`], any outer one lighter.
fn ring_layers(radii: &[(AreaKind, f64)]) -> Vec<(AreaKind, f64, RGBColor)> {
    let mut layers: Vec<(AreaKind, f64, RGBColor)> = radii
        .iter()
        .map(|&(k, m)| (k, m, AREA_FILL_OUTER))
        .collect();
    layers.sort_by(|a, b| b.1.total_cmp(&a.1));
    if let Some(last) = layers.last_mut() {
        last.2 = AREA_FILL;
    }
    layers
}

/// The villages of an area type, for the ring legend.
fn village_kind_name(kind: AreaKind, lang: Lang) -> &'static str {
    match kind {
        AreaKind::Urban => lang.pick("城镇社区", "urban villages"),
        AreaKind::Rural => lang.pick("农村", "rural villages"),
    }
}

/// A distance for a legend or footer: metres below 1 km, else km with one decimal.
fn distance(m: f64) -> String {
    if m >= 1000.0 {
        format!("{:.1} km", m / 1000.0)
    } else {
        format!("{m:.0} m")
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

/// Decimals of the beds per 1000 elderly written for each village (`access_after` in
/// `villages.geojson`, the page map's hover): villages are binned by the value so rounded,
/// so that each lies in the class its written value reads in.
pub const ACCESS_DECIMALS: i32 = 3;

/// Accessibility classes: none in reach, then up to five quantile classes with round
/// breaks (two significant digits, at most [`ACCESS_DECIMALS`] decimals). A village's value
/// is rounded to [`ACCESS_DECIMALS`] before it is binned: 0 is "no bed in reach", a value
/// equal to a break falls in the class that starts there. Labels print each break in full
/// and say which end is open: `< 27`, `≥ 27, < 41`, `≥ 41`.
fn access_classes(values: &[f64], lang: Lang) -> (Vec<(String, RGBColor)>, Vec<usize>) {
    let written = |v: f64| crate::numbers::round(v, ACCESS_DECIMALS);
    let mut positive: Vec<f64> = values
        .iter()
        .map(|v| written(*v))
        .filter(|v| *v > 0.0)
        .collect();
    positive.sort_by(f64::total_cmp);
    // Two significant digits, as a count of units of 10^e (e ≥ -ACCESS_DECIMALS), so that
    // the break is the double nearest its decimal text, as a written value is.
    let round2 = |x: f64| -> (f64, i32) {
        let e = ((x.log10().floor() as i32) - 1).max(-ACCESS_DECIMALS);
        let units = (x / 10f64.powi(e)).round();
        let b = if e < 0 {
            units / 10f64.powi(-e)
        } else {
            units * 10f64.powi(e)
        };
        (b, (-e).max(0))
    };
    let mut breaks: Vec<(f64, i32)> = Vec::new();
    if !positive.is_empty() {
        for q in [0.2, 0.4, 0.6, 0.8] {
            let i = ((positive.len() as f64 - 1.0) * q).round() as usize;
            let (b, decimals) = round2(positive[i]);
            if b > 0.0 && breaks.last().is_none_or(|l| b > l.0) {
                breaks.push((b, decimals));
            }
        }
    }
    let fmt = |(x, decimals): (f64, i32)| crate::numbers::fixed(x, decimals as usize);
    let mut classes = vec![(
        lang.pick("无可达床位", "No bed in reach").to_owned(),
        NO_ACCESS,
    )];
    let k = breaks.len();
    for i in 0..=k {
        let label = match (i.checked_sub(1).map(|j| breaks[j]), breaks.get(i)) {
            (None, Some(hi)) => format!("< {}", fmt(*hi)),
            (Some(lo), Some(hi)) => format!("≥ {}, < {}", fmt(lo), fmt(*hi)),
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
            let v = written(v);
            if v <= 0.0 {
                0
            } else {
                1 + breaks.iter().filter(|b| v >= b.0).count()
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
        for c in &self.cells {
            let (x0, y0, x1, y1) = c.rect;
            body.draw(&Rectangle::new(
                [off((x0, y0)), off((x1, y1))],
                c.color.filled(),
            ))?;
        }
        // Service areas, outer ring layer first, each layer as one union: every disc a pixel
        // wider in the edge colour first.
        for (fill, discs) in &self.service {
            for (c, rad) in discs {
                body.draw(&Circle::new(off(*c), rad + 1, AREA_EDGE.filled()))?;
            }
            for (c, rad) in discs {
                body.draw(&Circle::new(off(*c), *rad, fill.filled()))?;
            }
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
        // Existing facilities, then new sites over a white halo, then the badges.
        for m in &self.sites {
            if m.fill.is_some() {
                shapes::marker(&body, m.shape, off(m.at), m.half + 2, Some(WHITE), WHITE)?;
            }
            shapes::marker(&body, m.shape, off(m.at), m.half, m.fill, m.edge)?;
        }
        for b in &self.badges {
            let (fill, ink) = if b.new {
                (NEW, WHITE)
            } else {
                (BADGE, EXISTING)
            };
            shapes::count_badge(&body, pen, off(b.at), b.count, fill, ink)?;
        }
        // Newly served villages on top of every site symbol, each with a white halo; a ring
        // where a new site lies under it.
        for d in &self.top_villages {
            if d.ring {
                body.draw(&Circle::new(off(d.at), d.r + 1, WHITE.stroke_width(5)))?;
                body.draw(&Circle::new(off(d.at), d.r, d.color.stroke_width(3)))?;
            } else {
                body.draw(&Circle::new(off(d.at), d.r + 2, WHITE.filled()))?;
                body.draw(&Circle::new(off(d.at), d.r, d.color.filled()))?;
            }
        }
        for label in &self.labels {
            let (x0, y0, x1, y1) = label.rect();
            body.draw(&Rectangle::new(
                [off((x0, y0)), off((x1, y1))],
                WHITE.mix(0.85).filled(),
            ))?;
            pen.text(
                &body,
                &label.text,
                off(label.at),
                label.size,
                INK,
                HPos::Center,
                VPos::Center,
            )?;
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
                Row::Note(s) => {
                    pen.text(root, s, (x + 36, y), 14.0, MUTED, HPos::Left, VPos::Center)?;
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
        // A value that reads 27.000 when written lies in the class of 27 and up.
        let (classes, of) = access_classes(&[26.9996, 10.0, 20.0, 27.0, 41.0, 50.0], Lang::En);
        assert_eq!(classes[of[0]].0, "≥ 27, < 41");
        assert_eq!(classes[of[5]].0, "≥ 41");
        // Small values keep their digits: 0.27 is not shown as 0.3.
        let (classes, _) = access_classes(&[0.27, 0.27, 0.5, 0.5, 0.5], Lang::En);
        assert_eq!(classes[1].0, "< 0.27");
        let (classes, of) = access_classes(&[0.0, 0.0], Lang::En);
        assert_eq!(classes.len(), 2);
        assert_eq!(of, vec![0, 0]);
    }
}
