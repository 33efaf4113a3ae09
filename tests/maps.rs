//! The static maps and charts of the five seed plans, checked from the layout the drawing
//! computes (placed label boxes, layers) and from the SVG it writes (drawing order, text
//! extents): no label outside the region, no two labels overlapping, no label on a newly
//! served village, newly served villages drawn after (on top of) every site symbol, sites
//! either drawn or counted in a badge, and no text cut off at the edge of a picture. The
//! PNG text path (glyphs where the font puts them, no gaps) is checked in `map::shapes`.

use std::path::PathBuf;

use yanglao::map::{self, MapKind, Options, Rendered, inside_rings, rect_inside_rings};

const SEEDS: [&str; 5] = ["minle", "jianghai", "jinjiang", "taizhou", "fujian"];

/// Legend class of the villages the plan newly serves on the coverage map.
const NEWLY: usize = 1;

fn plan(seed: &str) -> yanglao::plan::Plan {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(format!("{seed}.toml"));
    yanglao::plan::run(&path).unwrap_or_else(|e| panic!("{seed} plans: {e}"))
}

/// An SVG element: its name, attributes and text content.
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
}

impl Element {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn num(&self, key: &str) -> Option<f64> {
        self.attr(key).and_then(|v| v.parse().ok())
    }

    /// The element's first point: a circle's centre, a rectangle's corner, a polygon's or
    /// polyline's first vertex.
    fn first_point(&self) -> Option<(f64, f64)> {
        match self.name.as_str() {
            "circle" => Some((self.num("cx")?, self.num("cy")?)),
            "rect" | "text" => Some((self.num("x")?, self.num("y")?)),
            "polygon" | "polyline" => {
                let first = self.attr("points")?.split_whitespace().next()?;
                let (x, y) = first.split_once(',')?;
                Some((x.parse().ok()?, y.parse().ok()?))
            }
            _ => None,
        }
    }
}

/// The drawing elements of an SVG document in document order (plotters writes one element
/// per tag, attributes in double quotes, text elements with their content inline).
fn elements(svg: &str) -> Vec<Element> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('/') || tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        let name: String = tag.chars().take_while(|c| c.is_alphanumeric()).collect();
        let mut attrs = Vec::new();
        let mut a = &tag[name.len()..];
        while let Some(eq) = a.find("=\"") {
            let key = a[..eq].trim().to_owned();
            let after = &a[eq + 2..];
            let Some(close) = after.find('"') else { break };
            attrs.push((key, after[..close].to_owned()));
            a = &after[close + 1..];
        }
        let text = if name == "text" {
            rest.split('<').next().unwrap_or("").trim().to_owned()
        } else {
            String::new()
        };
        out.push(Element { name, attrs, text });
    }
    out
}

/// Every text of a picture lies within its width: the text extent measured with the map
/// font from its anchor (plotters writes sizes in the SVG at 1/1.24 of the pen's).
fn assert_no_text_clipped(what: &str, pic: &Rendered) {
    let font = map::Font::embedded();
    let width = f64::from(pic.size.0);
    for e in elements(&pic.svg).iter().filter(|e| e.name == "text") {
        let (Some(x), Some(size)) = (e.num("x"), e.num("font-size")) else {
            continue;
        };
        let text = e.text.replace("&amp;", "&").replace("&lt;", "<");
        let w = f64::from(font.text_width(&text, size * 1.24));
        let (l, r) = match e.attr("text-anchor") {
            Some("middle") => (x - w / 2.0, x + w / 2.0),
            Some("end") => (x - w, x),
            _ => (x, x + w),
        };
        assert!(
            l >= -1.0 && r <= width + 1.0,
            "{what}: text {text:?} spans x {l:.0}..{r:.0} of a {width}-pixel picture"
        );
    }
}

fn overlap(a: (i32, i32, i32, i32), b: (i32, i32, i32, i32)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

#[test]
fn seed_maps_are_legible() {
    for seed in SEEDS {
        let p = plan(seed);
        let m = map::plan_map(&p, MapKind::Coverage, &Options::default()).expect("map");
        let layers = &m.layers;
        let (l, t, w, h) = m.frame.rect;
        let in_frame = |(x, y): (f64, f64)| {
            x >= f64::from(l) && x <= f64::from(l + w) && y >= f64::from(t) && y <= f64::from(t + h)
        };

        // Labels: some placed, each inside the map and the region, none over another.
        let labels = m.labels();
        assert!(!labels.is_empty(), "{seed}: no township label placed");
        for a in labels {
            let r = a.rect;
            assert!(
                r.0 >= l && r.1 >= t && r.2 <= l + w && r.3 <= t + h,
                "{seed}: label {} at {r:?} leaves the map {:?}",
                a.text,
                m.frame.rect
            );
            assert!(
                rect_inside_rings(&layers.rings, r),
                "{seed}: label {} at {r:?} lies outside the region",
                a.text
            );
        }
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                assert!(
                    !overlap(a.rect, b.rect),
                    "{seed}: labels {} {:?} and {} {:?} overlap",
                    a.text,
                    a.rect,
                    b.text,
                    b.rect
                );
            }
        }

        // Newly served villages: every one in the top layer, none under a label.
        // (A choropleth map draws township cells instead of village dots.)
        let choropleth = layers.choropleth_cells > 0;
        let newly: Vec<_> = m
            .villages
            .iter()
            .filter(|v| v.class == NEWLY && !choropleth)
            .collect();
        assert_eq!(layers.top_villages, newly.len(), "{seed}");
        for v in &newly {
            for a in labels {
                let r = a.rect;
                let inside = v.x > f64::from(r.0)
                    && v.x < f64::from(r.2)
                    && v.y > f64::from(r.1)
                    && v.y < f64::from(r.3);
                assert!(
                    !inside,
                    "{seed}: label {} covers a newly served village",
                    a.text
                );
            }
        }

        // Every site is drawn as a symbol or counted in a badge.
        let badged: usize = layers.badges.iter().map(|b| b.1).sum();
        assert_eq!(
            layers.site_symbols + badged,
            m.sites.len(),
            "{seed}: sites drawn or counted"
        );
        assert!(layers.badges.iter().all(|b| b.1 >= 2), "{seed}");

        // Drawing order in the SVG: within the map, no site symbol or badge after the first
        // newly served village.
        let els = elements(&m.image.svg);
        let in_map = |e: &Element| e.first_point().is_some_and(in_frame);
        let is_site = |e: &Element| {
            let fill = e.attr("fill").unwrap_or("");
            let stroke = e.attr("stroke").unwrap_or("");
            (e.name == "polygon" && fill == "#E31A1C")
                || (e.name == "polyline" && (stroke == "#54278F" || stroke == "#5A5A5A"))
                || (e.name == "circle" && (fill == "#E7E1F2" || fill == "#E31A1C"))
        };
        let is_newly = |e: &Element| {
            e.name == "circle"
                && (e.attr("fill") == Some("#2B7BC4") || e.attr("stroke") == Some("#2B7BC4"))
        };
        let last_site = els.iter().rposition(|e| in_map(e) && is_site(e));
        let first_newly = els.iter().position(|e| in_map(e) && is_newly(e));
        if !newly.is_empty() {
            assert!(first_newly.is_some(), "{seed}: newly served villages drawn");
        }
        if let (Some(s), Some(n)) = (last_site, first_newly) {
            assert!(
                s < n,
                "{seed}: a site symbol (element {s}) is drawn over a newly served village (element {n})"
            );
        }
        let newly_drawn = els.iter().filter(|e| in_map(e) && is_newly(e)).count();
        assert!(newly_drawn >= newly.len(), "{seed}: {newly_drawn} drawn");

        assert_eq!(&m.image.png[1..4], b"PNG", "{seed}");
        assert_no_text_clipped(&format!("{seed} map"), &m.image);
        // A region's outline check has teeth: the centre of the frame's corner is outside.
        if !layers.rings.is_empty() {
            assert!(!inside_rings(
                &layers.rings,
                (f64::from(l) + 1.0, f64::from(t) + 1.0)
            ));
        }
        // Multi-county regions of thousands of villages get township coverage cells.
        if seed == "fujian" {
            assert!(layers.choropleth_cells > 0, "fujian: choropleth");
        }

        // The coverage curve: rule sites marked where the curve starts after them, the plan
        // named, the bound a band (not an optimum) where it lies above, no text cut off.
        let opts = Options::default();
        if let Some(c) = map::curve_chart(&p, &opts).expect("curve") {
            let dc = &p.day_care;
            let texts: Vec<String> = elements(&c.svg)
                .into_iter()
                .filter(|e| e.name == "text")
                .map(|e| e.text)
                .collect();
            let forced = dc.curve.iter().map(|q| q.new_sites).min().unwrap_or(0);
            if forced > 0 {
                let note = format!("规则要求 {forced} 处");
                assert!(texts.contains(&note), "{seed}: {note:?} in {texts:?}");
            }
            let open = dc.curve.iter().any(|q| {
                q.bound.min(dc.total_elderly) > q.covered_elderly + 1e-6 * dc.total_elderly
            });
            assert_eq!(
                texts.iter().any(|t| t == "最优覆盖率 (已证明)"),
                !open,
                "{seed}: the curve is called optimal only where the bound says so"
            );
            assert!(texts.iter().any(|t| t.starts_with("规划方案")), "{seed}");
            assert_no_text_clipped(&format!("{seed} curve"), &c);
        }
        if let Some(c) = map::tradeoff_chart(&p, &opts).expect("trade-off") {
            assert_no_text_clipped(&format!("{seed} trade-off"), &c);
        }
    }
}

/// The test county with `[budget]` lines added before `[costs]` (none when empty), planned
/// from a copy.
fn tiny_plan_with_budget(budget: &str) -> yanglao::plan::Plan {
    let from = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny");
    let dir = tempfile::tempdir().expect("temp dir");
    for f in std::fs::read_dir(&from).expect("fixture") {
        let f = f.expect("entry").path();
        let name = f.file_name().expect("name").to_owned();
        std::fs::copy(&f, dir.path().join(name)).expect("copy");
    }
    let scenario = dir.path().join("scenario.toml");
    let text = std::fs::read_to_string(&scenario).expect("scenario");
    let text = if budget.is_empty() {
        text
    } else {
        text.replace("[costs]", &format!("[budget]\n{budget}\n\n[costs]"))
    };
    std::fs::write(&scenario, text).expect("write");
    yanglao::plan::run(&scenario).unwrap_or_else(|e| panic!("plans: {e}"))
}

/// Budgets the plan spends beyond (the rule site costs 30 万元 and the scenario allows the
/// overrun) get a ring and their overrun written above them, and the legend says what the
/// ring means; a sweep within its budgets has neither.
#[test]
fn the_tradeoff_chart_marks_budget_overruns() {
    let opts = Options::default();
    let p = tiny_plan_with_budget("total = 1000\nallow_overrun = true\nsweep = [10, 300]");
    let over: Vec<f64> = p.tradeoff.iter().map(|t| t.overrun_wan).collect();
    assert!(over[0] > 0.0 && over[1] == 0.0, "overruns {over:?}");
    let c = map::tradeoff_chart(&p, &opts)
        .expect("trade-off")
        .expect("a sweep draws the chart");
    let texts: Vec<String> = elements(&c.svg)
        .into_iter()
        .filter(|e| e.name == "text")
        .map(|e| e.text)
        .collect();
    assert!(
        texts.iter().any(|t| t == "超出预算 (情景允许超支)"),
        "{texts:?}"
    );
    let notes: Vec<&String> = texts.iter().filter(|t| t.starts_with("超支 ")).collect();
    assert_eq!(notes.len(), 1, "one note per overrun budget: {notes:?}");
    assert!(notes[0].ends_with(" 万元"), "{notes:?}");
    // Two rings (coverage and targets met) in the overrun colour, for the one budget.
    let rings = elements(&c.svg)
        .into_iter()
        .filter(|e| e.name == "circle" && e.attr("stroke") == Some("#E6550D"))
        .count();
    assert_eq!(rings, 2 + 1, "two rings and the legend key");
    assert_no_text_clipped("tiny trade-off", &c);

    let p = tiny_plan_with_budget("total = 1000\nsweep = [300, 1000]");
    assert!(p.tradeoff.iter().all(|t| t.overrun_wan == 0.0));
    let c = map::tradeoff_chart(&p, &opts)
        .expect("trade-off")
        .expect("a sweep draws the chart");
    assert!(!c.svg.contains("超出预算") && !c.svg.contains("超支"));
}

/// Overrun notes of budgets close together do not overprint each other: every overrun budget
/// keeps its rings, and the notes written (measured with the map font from their anchors, as
/// [`assert_no_text_clipped`] does) share no area.
#[test]
fn the_tradeoff_charts_overrun_notes_do_not_overlap() {
    let opts = Options::default();
    let p = tiny_plan_with_budget(
        "total = 1000\nallow_overrun = true\nsweep = [10, 12, 14, 16, 18, 20, 300]",
    );
    let overruns = p.tradeoff.iter().filter(|t| t.overrun_wan > 0.0).count();
    assert!(
        overruns >= 5,
        "close budgets that overrun: {:?}",
        p.tradeoff
    );
    let c = map::tradeoff_chart(&p, &opts)
        .expect("trade-off")
        .expect("a sweep draws the chart");
    let els = elements(&c.svg);
    let rings = els
        .iter()
        .filter(|e| e.name == "circle" && e.attr("stroke") == Some("#E6550D"))
        .count();
    assert_eq!(
        rings,
        2 * overruns + 1,
        "two rings per overrun budget and the key"
    );
    let font = map::Font::embedded();
    let boxes: Vec<(String, (f64, f64, f64, f64))> = els
        .iter()
        .filter(|e| e.name == "text" && e.text.starts_with("超支 "))
        .filter_map(|e| {
            let (x, y, size) = (e.num("x")?, e.num("y")?, e.num("font-size")?);
            let h = size * 1.24;
            let w = f64::from(font.text_width(&e.text, h));
            let (l, r) = match e.attr("text-anchor") {
                Some("middle") => (x - w / 2.0, x + w / 2.0),
                Some("end") => (x - w, x),
                _ => (x, x + w),
            };
            Some((e.text.clone(), (l, y - h / 2.0, r, y + h / 2.0)))
        })
        .collect();
    assert!(!boxes.is_empty(), "some overrun is written");
    for (i, (ta, a)) in boxes.iter().enumerate() {
        for (tb, b) in &boxes[i + 1..] {
            let apart = a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1;
            assert!(apart, "{ta:?} at {a:?} overprints {tb:?} at {b:?}");
        }
    }
    assert_no_text_clipped("close overruns", &c);
}

/// Each serving site gets one crow-fly circle per village area type of the region, with the
/// reach of villages of that type (the test county serves urban communities on foot and rural
/// villages by e-bike, so the two radii differ), and the legend says which villages each ring
/// applies to.
#[test]
fn service_circles_draw_one_ring_per_village_type() {
    use yanglao::model::AreaKind;
    let p = tiny_plan_with_budget("");
    let m = map::plan_map(&p, MapKind::Coverage, &Options::default()).expect("map");
    let sites = yanglao::plan::serving_sites(&p.region, &p.reach, &p.day_care);
    let circles = &m.layers.service_circles;
    assert!(!sites.is_empty());
    assert_eq!(circles.len(), 2 * sites.len(), "two rings per site");
    let travel = &p.scenario.travel;
    let urban_m = yanglao::travel::reach_radius_m(travel.urban, travel.minutes);
    let rural_m = yanglao::travel::reach_radius_m(travel.rural, travel.minutes);
    assert!(rural_m > 2.0 * urban_m, "the fixture's modes differ");
    for (s, pair) in sites.iter().zip(circles.chunks(2)) {
        for (&(_, r_px, kind), want_kind) in pair.iter().zip([AreaKind::Urban, AreaKind::Rural]) {
            assert_eq!(kind, want_kind, "site {:?}", s.site);
            let want_m = match kind {
                AreaKind::Urban => urban_m,
                AreaKind::Rural => rural_m,
            };
            let want_px = (want_m / m.frame.m_per_px()).round().max(1.0) as u32;
            assert_eq!(r_px, want_px, "site {:?} ({kind:?})", s.site);
        }
    }
    for note in [
        format!("深色环: 城镇社区 {urban_m:.0} m"),
        format!("浅色环: 农村 {:.1} km", rural_m / 1000.0),
    ] {
        assert!(m.layers.legend.contains(&note), "{:?}", m.layers.legend);
        assert!(
            m.image.svg.contains(&note),
            "the legend note is drawn: {note}"
        );
    }
}

/// Crow-fly: a village of type K is served after the plan exactly when it lies inside the K
/// ring of a serving site, the rings as `service_areas.geojson` draws them (one feature per
/// site and village type, with `area_kind` and `radius_m`).
#[test]
fn service_rings_enclose_exactly_the_served_villages() {
    use yanglao::model::AreaKind;
    let p = tiny_plan_with_budget("");
    let rings = yanglao::plan::service_rings_m(&p.region, &p.scenario.travel);
    assert_eq!(
        rings.iter().map(|r| r.0).collect::<Vec<_>>(),
        [AreaKind::Urban, AreaKind::Rural],
        "the fixture has both village types"
    );
    let sites = yanglao::plan::serving_sites(&p.region, &p.reach, &p.day_care);
    let mut seen = [[0usize; 2]; 2];
    for v in &p.day_care.villages {
        let village = &p.region.villages[v.village.get()];
        let (_, radius_m) = rings
            .iter()
            .find(|r| r.0 == village.kind)
            .copied()
            .expect("a ring for every village type");
        let inside = sites.iter().any(|s| {
            use geo::Distance;
            let d = geo::Haversine.distance(
                geo::Point::new(s.pos.lon, s.pos.lat),
                geo::Point::new(village.pos.lon, village.pos.lat),
            );
            d <= radius_m
        });
        assert_eq!(
            inside, v.covered,
            "village {} ({:?}): inside its type's ring vs served",
            village.name, village.kind
        );
        seen[usize::from(village.kind == AreaKind::Rural)][usize::from(v.covered)] += 1;
    }
    // Both types among the served villages, and an unserved one.
    assert!(seen[0][1] > 0 && seen[1][1] > 0, "{seen:?}");
    assert!(seen[0][0] + seen[1][0] > 0, "{seen:?}");

    // The GeoJSON draws these rings: one feature per site and village type.
    let layers = yanglao::report::geojson::layers(&p);
    let (_, features) = layers
        .iter()
        .find(|(stem, _)| *stem == "service_areas")
        .expect("service areas");
    assert_eq!(features.len(), 2 * sites.len());
    for pair in features.chunks(2) {
        for (f, (kind, m)) in pair.iter().zip(&rings) {
            let props = &f["properties"];
            assert_eq!(props["area_kind"], kind.as_str());
            assert_eq!(props["radius_m"].as_f64(), Some(m.round()));
        }
    }
    // Every served village lies in a drawn polygon of its own type.
    let polygon = |f: &serde_json::Value| -> geo::Polygon<f64> {
        let ring: Vec<geo::Coord<f64>> = f["geometry"]["coordinates"][0]
            .as_array()
            .expect("ring")
            .iter()
            .map(|c| geo::Coord {
                x: c[0].as_f64().expect("lon"),
                y: c[1].as_f64().expect("lat"),
            })
            .collect();
        geo::Polygon::new(geo::LineString::new(ring), Vec::new())
    };
    for v in p.day_care.villages.iter().filter(|v| v.covered) {
        let village = &p.region.villages[v.village.get()];
        let pt = geo::Point::new(village.pos.lon, village.pos.lat);
        assert!(
            features
                .iter()
                .filter(|f| f["properties"]["area_kind"] == village.kind.as_str())
                .any(|f| geo::Contains::contains(&polygon(f), &pt)),
            "village {} lies in a drawn ring of its type",
            village.name
        );
    }
}
