//! Charts: the coverage curve (new sites against coverage, with the proven bound and the
//! target), the budget trade-off (coverage and targets met per budget) and beds and nursing
//! share per township before and after the bed plan.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::font::FAMILY;
use super::shapes::{INK, MUTED, Pen};
use super::{DrawError, Drawing, Lang, Options, Rendered, render};
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::beds::ActionKind;

const LINE: RGBColor = RGBColor(0x2b, 0x7b, 0xc4);
const BOUND: RGBColor = RGBColor(0x8a, 0x8f, 0x98);
const TARGET: RGBColor = RGBColor(0xd6, 0x27, 0x28);
const TODAY: RGBColor = RGBColor(0xb0, 0xb4, 0xba);
const AFTER: RGBColor = RGBColor(0x2b, 0x7b, 0xc4);
const GRID: RGBColor = RGBColor(0xe6, 0xe8, 0xeb);
/// The band between the best plan found and the proven bound.
const BAND: RGBColor = RGBColor(0xc6, 0xdb, 0xef);
/// The sites the rules force.
const FORCED: RGBColor = RGBColor(0xee, 0xee, 0xee);
/// A budget the plan overruns (the scenario allows it).
const OVERRUN: RGBColor = RGBColor(0xe6, 0x55, 0x0d);

/// Beds of one township before and after the bed plan's last year.
#[derive(Clone, Debug, PartialEq)]
pub struct TownshipBeds {
    /// Township.
    pub township: String,
    /// Beds today.
    pub beds_before: u64,
    /// Nursing beds today.
    pub nursing_before: u64,
    /// Beds after the plan.
    pub beds_after: u64,
    /// Nursing beds after the plan.
    pub nursing_after: u64,
}

/// A township with no beds before or after.
fn no_beds(township: &str) -> TownshipBeds {
    TownshipBeds {
        township: township.to_owned(),
        beds_before: 0,
        nursing_before: 0,
        beds_after: 0,
        nursing_after: 0,
    }
}

/// Beds per township, in the order townships first appear in the villages file; `None`
/// without a bed plan. New beds are nursing beds; conversions turn ordinary beds into
/// nursing beds.
pub fn township_beds(plan: &Plan) -> Option<Vec<TownshipBeds>> {
    let beds = plan.beds.as_ref()?;
    // Townships in the order of their first village, then those only facilities or actions
    // name; `row` finds a township's row without a scan.
    let mut rows: Vec<TownshipBeds> = Vec::new();
    let mut row: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut row_of = |t: &str, rows: &mut Vec<TownshipBeds>| -> usize {
        if let Some(&i) = row.get(t) {
            return i;
        }
        rows.push(no_beds(t));
        row.insert(t.to_owned(), rows.len() - 1);
        rows.len() - 1
    };
    for v in &plan.region.villages {
        row_of(&v.township, &mut rows);
    }
    for f in &plan.region.facilities {
        let i = row_of(&f.township, &mut rows);
        rows[i].beds_before += u64::from(f.beds);
        rows[i].nursing_before += u64::from(f.nursing_beds);
    }
    for r in rows.iter_mut() {
        r.beds_after = r.beds_before;
        r.nursing_after = r.nursing_before;
    }
    for a in beds.years.iter().flat_map(|y| y.actions.iter()) {
        let i = row_of(&a.township, &mut rows);
        match a.kind {
            ActionKind::Convert => rows[i].nursing_after += u64::from(a.converted_beds),
            ActionKind::Expand | ActionKind::NewInstitution => {
                rows[i].beds_after += u64::from(a.new_beds);
                rows[i].nursing_after += u64::from(a.new_beds) + u64::from(a.converted_beds);
            }
            ActionKind::DesignatePublic => rows[i].nursing_after += u64::from(a.converted_beds),
        }
    }
    for r in rows.iter_mut() {
        r.nursing_after = r.nursing_after.min(r.beds_after);
    }
    Some(rows)
}

struct CurveDrawing {
    title: String,
    /// (new sites, coverage %, proven bound %).
    points: Vec<(f64, f64, f64)>,
    today: f64,
    target: Option<f64>,
    chosen: (f64, f64),
    /// Sites the rules force before any free choice (the curve starts there).
    forced: u32,
    lang: Lang,
}

/// Draws the coverage curve (`curve.png` / `curve.svg`); `None` when the scenario did not
/// ask for it. Sites forced by rules are shaded (the curve starts after them), and the
/// proven bound is drawn as a band above the best plan found: the optimum lies in it.
pub fn curve_chart(plan: &Plan, opts: &Options) -> Result<Option<Rendered>, Error> {
    let dc = &plan.day_care;
    if dc.curve.is_empty() || dc.total_elderly <= 0.0 {
        return Ok(None);
    }
    let total = dc.total_elderly;
    let lang = opts.lang;
    let d = CurveDrawing {
        title: format!(
            "{} · {}",
            plan.scenario.name,
            lang.pick("日间照料覆盖曲线", "Day-care coverage curve")
        ),
        points: dc
            .curve
            .iter()
            .map(|p| {
                (
                    f64::from(p.new_sites),
                    100.0 * p.covered_elderly / total,
                    100.0 * p.bound.min(total).max(p.covered_elderly) / total,
                )
            })
            .collect(),
        today: 100.0 * dc.covered_before / total,
        target: dc.target.map(|t| 100.0 * t),
        chosen: (f64::from(dc.new_sites), 100.0 * dc.coverage),
        forced: dc.curve.iter().map(|p| p.new_sites).min().unwrap_or(0),
        lang,
    };
    render(&d, &opts.font, "curve.png").map(Some)
}

struct TradeoffDrawing {
    title: String,
    /// (budget 万元, coverage %, targets met %).
    points: Vec<(f64, f64, f64)>,
    /// Spend above each point's budget, 万元 (0 within it); one per point.
    overrun_wan: Vec<f64>,
    lang: Lang,
}

/// Overruns below this many 万元 (one yuan) are rounding, not spend above the budget.
const OVERRUN_MIN_WAN: f64 = 1e-4;

/// Draws the budget trade-off (`tradeoff.png` / `tradeoff.svg`): day-care coverage and the
/// share of targets met for each budget of `[budget] sweep`; `None` without a sweep.
pub fn tradeoff_chart(plan: &Plan, opts: &Options) -> Result<Option<Rendered>, Error> {
    if plan.tradeoff.is_empty() {
        return Ok(None);
    }
    let lang = opts.lang;
    let d = TradeoffDrawing {
        title: format!(
            "{} · {}",
            plan.scenario.name,
            lang.pick("预算与目标", "Budget and targets")
        ),
        points: plan
            .tradeoff
            .iter()
            .map(|p| {
                let n = p.met.len() + p.missed.len();
                let met = if n > 0 {
                    100.0 * p.met.len() as f64 / n as f64
                } else {
                    100.0
                };
                (p.budget_wan, 100.0 * p.coverage, met)
            })
            .collect(),
        overrun_wan: plan.tradeoff.iter().map(|p| p.overrun_wan).collect(),
        lang,
    };
    render(&d, &opts.font, "tradeoff.png").map(Some)
}

impl Drawing for TradeoffDrawing {
    fn size(&self) -> (u32, u32) {
        CHART_SIZE
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: &Pen,
    ) -> Result<(), DrawError> {
        let lang = self.lang;
        let x_max = self.points.iter().map(|p| p.0).fold(1.0, f64::max);
        let x_min = self.points.iter().map(|p| p.0).fold(x_max, f64::min);
        let pad = ((x_max - x_min) * 0.04).max(1.0);
        let (mut chart, plot) = line_chart(
            root,
            pen,
            &Axes {
                title: &self.title,
                x: (x_min - pad).max(0.0)..x_max + pad,
                y: 0.0..100.5,
                x_label: &|x| format!("{x:.0}"),
                y_title: lang.pick("百分比 (%)", "Percent (%)"),
                x_title: lang.pick("总预算 (万元)", "Total budget (10k yuan)"),
            },
        )?;
        let coverage: Vec<(f64, f64)> = self.points.iter().map(|p| (p.0, p.1)).collect();
        let met: Vec<(f64, f64)> = self.points.iter().map(|p| (p.0, p.2)).collect();
        chart.draw_series(LineSeries::new(coverage.clone(), LINE.stroke_width(3)))?;
        chart.draw_series(coverage.iter().map(|&p| Circle::new(p, 5, LINE.filled())))?;
        chart.draw_series(LineSeries::new(met.clone(), TARGET.stroke_width(3)))?;
        chart.draw_series(met.iter().map(|&p| Circle::new(p, 5, TARGET.filled())))?;
        // A budget the plan spends beyond: a ring on both of its points and the overrun
        // written above the coverage point.
        let overruns: Vec<(usize, f64)> = self
            .overrun_wan
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, o)| o > OVERRUN_MIN_WAN)
            .collect();
        // Boxes (left, top, right, bottom) of the notes written so far: a note that would
        // overprint one of them moves further from its point, and is left out (its rings
        // still mark the budget) when no nearby place is free.
        let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
        for &(i, over) in &overruns {
            let Some(&(x, cov, met)) = self.points.get(i) else {
                continue;
            };
            for y in [cov, met] {
                chart.draw_series([Circle::new((x, y), 10, OVERRUN.stroke_width(3))])?;
            }
            // The note beside the rings, on the side towards the middle of the plot, below
            // the lower point where the plot has room, else above the upper one.
            let (px, top) = chart.backend_coord(&(x, cov.max(met)));
            let (_, bottom) = chart.backend_coord(&(x, cov.min(met)));
            let (nx, h) = if px < (plot.0.start + plot.0.end) / 2 {
                (px + 14, HPos::Left)
            } else {
                (px - 14, HPos::Right)
            };
            let (ny, step) = if bottom + 28 < plot.1.end - 12 {
                (bottom + 28, NOTE_STEP)
            } else {
                ((top - 28).max(plot.1.start + 10), -NOTE_STEP)
            };
            let note = format!(
                "{}{}{}",
                lang.pick("超支 ", "over by "),
                if over >= 10.0 {
                    super::thousands(over)
                } else {
                    crate::numbers::fixed(over, 1)
                },
                lang.pick(" 万元", " (10k yuan)")
            );
            let (w, h_px) = root
                .estimate_text_size(&note, &super::shapes::text(14.0, OVERRUN))
                .map(|(w, h)| (w as i32, h as i32))
                // A CJK glyph is about as wide as the size: an upper bound for the note.
                .unwrap_or((14 * note.chars().count() as i32, 18));
            let (left, right) = match h {
                HPos::Right => (nx - w, nx),
                _ => (nx, nx + w),
            };
            let free = (0..NOTE_TRIES)
                .map(|k| ny + k * step)
                .filter(|y| *y - h_px / 2 >= plot.1.start && *y + h_px / 2 <= plot.1.end)
                .map(|y| (left, y - h_px / 2 - 1, right, y + h_px / 2 + 1))
                .find(|b| !placed.iter().any(|p| boxes_overlap(*p, *b)));
            let Some(b) = free else {
                continue;
            };
            placed.push(b);
            pen.text(
                root,
                &note,
                (nx, (b.1 + b.3) / 2),
                14.0,
                OVERRUN,
                h,
                VPos::Center,
            )?;
        }
        let mut items = vec![
            (
                lang.pick("日间照料覆盖率", "Day-care coverage").to_owned(),
                Key::Line(LINE, 3),
            ),
            (
                lang.pick("达标目标比例", "Targets met").to_owned(),
                Key::Line(TARGET, 3),
            ),
        ];
        if !overruns.is_empty() {
            items.push((
                lang.pick("超出预算 (情景允许超支)", "Over budget (overrun allowed)")
                    .to_owned(),
                Key::Ring(OVERRUN),
            ));
        }
        line_legend(root, pen, plot, &items, 300)?;
        Ok(())
    }
}

/// How far an overrun note moves, pixels, when its place is taken by another's.
const NOTE_STEP: i32 = 20;

/// Places an overrun note tries before it is left out.
const NOTE_TRIES: i32 = 4;

/// Whether two boxes (left, top, right, bottom) share any area.
fn boxes_overlap(a: (i32, i32, i32, i32), b: (i32, i32, i32, i32)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Size of the line charts (coverage curve, trade-off), pixels.
const CHART_SIZE: (u32, u32) = (1200, 720);

/// The pixel ranges of a chart's plotting area: x, then y.
type PlotRange = (std::ops::Range<i32>, std::ops::Range<i32>);

/// What the line charts share: title, ranges, tick labels and axis titles.
struct Axes<'a> {
    title: &'a str,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    x_label: &'a dyn Fn(&f64) -> String,
    y_title: &'a str,
    x_title: &'a str,
}

/// Clears `root`, writes the title and draws the mesh, tick labels and axis titles of a line
/// chart; returns the chart to draw series on and its plotting area in pixels.
fn line_chart<'c, DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    pen: &Pen,
    axes: &Axes<'_>,
) -> Result<
    (
        ChartContext<'c, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        PlotRange,
    ),
    DrawError,
> {
    title(root, pen, axes.title)?;
    let area = root.margin(96, 16, 20, 36);
    let mut chart = ChartBuilder::on(&area)
        .x_label_area_size(64)
        .y_label_area_size(56)
        .build_cartesian_2d(axes.x.clone(), axes.y.clone())?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(MUTED.stroke_width(1))
        .label_style((FAMILY, 16).into_font().color(&INK))
        .x_label_formatter(axes.x_label)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;
    let plot = chart.plotting_area().get_pixel_range();
    axis_titles(root, pen, &plot, axes.y_title, axes.x_title)?;
    Ok((chart, plot))
}

/// A legend key: a solid line, a dashed line, a filled patch or a ring marker.
#[derive(Clone, Copy, Debug)]
enum Key {
    Line(RGBColor, u32),
    Dashed(RGBColor, u32),
    Patch(RGBColor),
    Ring(RGBColor),
}

/// Integer tick labels only: a fractional tick of a count axis stays unlabelled.
fn count_label(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        String::new()
    }
}

/// Clears `root` to white and writes the drawing's title in its upper-left corner.
fn title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    pen: &Pen,
    title: &str,
) -> Result<(), DrawError> {
    root.fill(&WHITE)?;
    pen.text(root, title, (28, 34), 26.0, INK, HPos::Left, VPos::Center)
}

/// The y axis title above the plot's upper-left corner and the x axis title centred below it.
fn axis_titles<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    pen: &Pen,
    plot: &(std::ops::Range<i32>, std::ops::Range<i32>),
    y_title: &str,
    x_title: &str,
) -> Result<(), DrawError> {
    pen.text(
        root,
        y_title,
        (plot.0.start - 8, plot.1.start - 18),
        16.0,
        MUTED,
        HPos::Left,
        VPos::Center,
    )?;
    pen.text(
        root,
        x_title,
        ((plot.0.start + plot.0.end) / 2, plot.1.end + 48),
        16.0,
        MUTED,
        HPos::Center,
        VPos::Center,
    )
}

/// The mesh of one panel of the bed chart (whole-number x labels, no y labels) and its axis
/// title centred above the plot; returns the plot's pixel range.
fn bar_axes<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    root: &DrawingArea<DB, Shift>,
    pen: &Pen,
    label: &str,
) -> Result<(std::ops::Range<i32>, std::ops::Range<i32>), DrawError> {
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .light_line_style(WHITE)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(MUTED.stroke_width(1))
        .label_style((FAMILY, 15).into_font().color(&INK))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()?;
    let plot = chart.plotting_area().get_pixel_range();
    pen.text(
        root,
        label,
        ((plot.0.start + plot.0.end) / 2, plot.1.start - 18),
        19.0,
        INK,
        HPos::Center,
        VPos::Center,
    )?;
    Ok(plot)
}

/// A legend box of keys in the lower-right corner of `plot`.
fn line_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    pen: &Pen,
    plot: PlotRange,
    items: &[(String, Key)],
    width: i32,
) -> Result<(), DrawError> {
    let h = 16 + 26 * items.len() as i32;
    let (x1, y1) = (plot.0.end - 14, plot.1.end - 14);
    let (x0, y0) = (x1 - width, y1 - h);
    root.draw(&Rectangle::new(
        [(x0, y0), (x1, y1)],
        WHITE.mix(0.92).filled(),
    ))?;
    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], GRID.stroke_width(1)))?;
    for (k, (label, key)) in items.iter().enumerate() {
        let y = y0 + 21 + 26 * k as i32;
        match *key {
            Key::Dashed(color, w) => {
                for d in 0..3 {
                    let sx = x0 + 12 + d * 10;
                    root.draw(&PathElement::new(
                        vec![(sx, y), (sx + 6, y)],
                        color.stroke_width(w),
                    ))?;
                }
            }
            Key::Line(color, w) => {
                root.draw(&PathElement::new(
                    vec![(x0 + 12, y), (x0 + 38, y)],
                    color.stroke_width(w),
                ))?;
            }
            Key::Patch(color) => {
                root.draw(&Rectangle::new(
                    [(x0 + 12, y - 7), (x0 + 38, y + 7)],
                    color.filled(),
                ))?;
            }
            Key::Ring(color) => {
                root.draw(&Circle::new((x0 + 25, y), 8, color.stroke_width(3)))?;
            }
        }
        pen.text(
            root,
            label,
            (x0 + 48, y),
            16.0,
            INK,
            HPos::Left,
            VPos::Center,
        )?;
    }
    Ok(())
}

impl Drawing for CurveDrawing {
    fn size(&self) -> (u32, u32) {
        CHART_SIZE
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: &Pen,
    ) -> Result<(), DrawError> {
        let lang = self.lang;
        let x_max = self
            .points
            .iter()
            .map(|p| p.0)
            .fold(self.chosen.0, f64::max)
            .max(1.0);
        let lows = self
            .points
            .iter()
            .map(|p| p.1)
            .chain([self.today, self.chosen.1])
            .chain(self.target);
        let y_min = (lows.fold(100.0, f64::min) - 5.0).clamp(0.0, 95.0);
        let y_min = (y_min / 5.0).floor() * 5.0;
        // Room on the right for the plan's note even when the curve is one point.
        let x_end = x_max * 1.08 + 1.0;
        let (mut chart, plot) = line_chart(
            root,
            pen,
            &Axes {
                title: &self.title,
                x: 0.0..x_end,
                y: y_min..100.5,
                x_label: &count_label,
                y_title: lang.pick("覆盖率 (%)", "Coverage (%)"),
                x_title: lang.pick(
                    "新建站点数 (处, 含规则要求)",
                    "New sites (rule sites included)",
                ),
            },
        )?;

        // Sites the rules force: shaded, with a note, before the curve starts.
        let forced = f64::from(self.forced);
        if self.forced > 0 {
            chart.draw_series([Rectangle::new(
                [(0.0, y_min), (forced, 100.5)],
                FORCED.filled(),
            )])?;
            let (fx, _) = chart.backend_coord(&(forced, 100.0));
            let note = format!(
                "{} {}{}",
                lang.pick("规则要求", "Forced by rules:"),
                self.forced,
                lang.pick(" 处", " sites")
            );
            let (x, h) = if fx - plot.0.start > 150 {
                (fx - 6, HPos::Right)
            } else {
                (fx + 6, HPos::Left)
            };
            pen.text(
                root,
                &note,
                (x, plot.1.start + 16),
                15.0,
                MUTED,
                h,
                VPos::Center,
            )?;
        }
        chart.draw_series(DashedLineSeries::new(
            [(0.0, self.today), (x_end, self.today)],
            6,
            5,
            TODAY.stroke_width(2),
        ))?;
        if let Some(t) = self.target {
            chart.draw_series(DashedLineSeries::new(
                [(0.0, t), (x_end, t)],
                10,
                6,
                TARGET.stroke_width(2),
            ))?;
        }
        // The band between the best plan found and the proven bound holds the optimum.
        // Percent points: a bound above the plan by more than a millionth of the elderly.
        let open = self.points.iter().any(|p| p.2 - p.1 > 1e-4);
        if self.points.len() > 1 {
            let band: Vec<(f64, f64)> = self
                .points
                .iter()
                .map(|p| (p.0, p.2))
                .chain(self.points.iter().rev().map(|p| (p.0, p.1)))
                .collect();
            chart.draw_series([Polygon::new(band, BAND.filled())])?;
            chart.draw_series(LineSeries::new(
                self.points.iter().map(|p| (p.0, p.2)),
                BOUND.stroke_width(1),
            ))?;
            chart.draw_series(LineSeries::new(
                self.points.iter().map(|p| (p.0, p.1)),
                LINE.stroke_width(3),
            ))?;
        } else {
            // One point: its bound as an interval bar.
            for p in &self.points {
                let (x, _) = chart.backend_coord(&(p.0, p.1));
                chart.draw_series([Rectangle::new(
                    [(p.0, p.1), (p.0, p.2)],
                    BOUND.stroke_width(1),
                )])?;
                let (_, y_lo) = chart.backend_coord(&(p.0, p.1));
                let (_, y_hi) = chart.backend_coord(&(p.0, p.2));
                root.draw(&Rectangle::new(
                    [(x - 7, y_hi.min(y_lo - 1)), (x + 7, y_lo)],
                    BAND.filled(),
                ))?;
                root.draw(&PathElement::new(
                    vec![(x - 7, y_hi), (x + 7, y_hi)],
                    BOUND.stroke_width(2),
                ))?;
            }
        }
        if self.points.len() <= 80 {
            chart.draw_series(
                self.points
                    .iter()
                    .map(|p| Circle::new((p.0, p.1), 4, LINE.filled())),
            )?;
        }
        let (cx, cy) = self.chosen;
        chart.draw_series([Circle::new((cx, cy), 8, TARGET.stroke_width(3))])?;
        let (px, py) = chart.backend_coord(&(cx, cy));
        let mut note = format!(
            "{} {:.0}{} · {}",
            lang.pick("规划方案", "Plan"),
            cx,
            lang.pick(" 处", " sites"),
            super::percent(cy)
        );
        if self.points.len() == 1 {
            note += lang.pick(
                " (站点数由规则与目标唯一确定)",
                " (the rules and the target fix the count)",
            );
        }
        // The note goes where it fits: left of the point in the right half of the plot,
        // above it near the bottom, below it otherwise.
        let mid = (plot.0.start + plot.0.end) / 2;
        let (x, h) = if px > mid {
            (px - 14, HPos::Right)
        } else {
            (px + 14, HPos::Left)
        };
        // Below the point, else above it: clear of the today and target lines and inside
        // the plot.
        let lines: Vec<i32> = [Some(self.today), self.target]
            .into_iter()
            .flatten()
            .map(|v| chart.backend_coord(&(cx, v)).1)
            .collect();
        let fits = |y: i32| {
            y > plot.1.start + 30 && y < plot.1.end - 12 && lines.iter().all(|l| (l - y).abs() > 12)
        };
        let y = [py + 26, py - 24, py + 44, py - 42]
            .into_iter()
            .find(|&y| fits(y))
            .unwrap_or(py - 24);
        pen.text(root, &note, (x, y), 17.0, TARGET, h, VPos::Center)?;

        let mut items = vec![(
            if open {
                lang.pick("已找到的最佳方案", "Best plan found")
            } else {
                lang.pick("最优覆盖率 (已证明)", "Optimal coverage (proven)")
            }
            .to_owned(),
            Key::Line(LINE, 3),
        )];
        if open {
            items.push((
                lang.pick(
                    "最优值所在区间 (至上界)",
                    "Where the optimum lies (to the bound)",
                )
                .to_owned(),
                Key::Patch(BAND),
            ));
        }
        if self.forced > 0 {
            items.push((
                lang.pick("规则要求的站点", "Sites forced by rules")
                    .to_owned(),
                Key::Patch(FORCED),
            ));
        }
        if let Some(t) = self.target {
            items.push((
                format!("{} {}", lang.pick("目标", "Target"), super::percent(t)),
                Key::Dashed(TARGET, 2),
            ));
        }
        items.push((
            format!(
                "{} {}",
                lang.pick("现状覆盖率", "Coverage today"),
                super::percent(self.today)
            ),
            Key::Dashed(TODAY, 2),
        ));
        line_legend(root, pen, plot, &items, 300)?;
        Ok(())
    }
}

struct BedsDrawing {
    title: String,
    rows: Vec<TownshipBeds>,
    left_out: usize,
    target_share: Option<f64>,
    name_w: i32,
    lang: Lang,
}

/// Most townships the bed chart shows (the ones with the most beds after the plan).
const BED_CHART_ROWS: usize = 30;

/// Draws beds and nursing share per township before and after (`beds.png` / `beds.svg`);
/// `None` without a bed plan.
pub fn beds_chart(plan: &Plan, opts: &Options) -> Result<Option<Rendered>, Error> {
    let Some(mut rows) = township_beds(plan) else {
        return Ok(None);
    };
    rows.retain(|r| r.beds_after > 0 || r.beds_before > 0);
    if rows.is_empty() {
        return Ok(None);
    }
    rows.sort_by(|a, b| {
        b.beds_after
            .cmp(&a.beds_after)
            .then(a.township.cmp(&b.township))
    });
    let left_out = rows.len().saturating_sub(BED_CHART_ROWS);
    rows.truncate(BED_CHART_ROWS);
    let lang = opts.lang;
    let name_w = rows
        .iter()
        .map(|r| opts.font.text_width(&r.township, 15.0))
        .max()
        .unwrap_or(40);
    let target_share = plan.beds.as_ref().and_then(|b| {
        b.years
            .iter()
            .rev()
            .find_map(|y| y.targets.nursing_share.map(|g| g.value))
    });
    let d = BedsDrawing {
        title: format!(
            "{} · {}",
            plan.scenario.name,
            lang.pick("各乡镇养老床位", "Beds per township")
        ),
        rows,
        left_out,
        target_share,
        name_w,
        lang,
    };
    render(&d, &opts.font, "beds.png").map(Some)
}

impl Drawing for BedsDrawing {
    fn size(&self) -> (u32, u32) {
        (1300, 200 + 30 * self.rows.len() as u32)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: &Pen,
    ) -> Result<(), DrawError> {
        let lang = self.lang;
        title(root, pen, &self.title)?;
        let mut sub = lang
            .pick(
                "灰色: 现状; 蓝色: 规划期末",
                "Grey: today; blue: end of plan",
            )
            .to_owned();
        if self.left_out > 0 {
            sub += &format!(
                "{}{}{}",
                lang.pick("; 另有 ", "; "),
                self.left_out,
                lang.pick(" 个乡镇未列出", " more townships not shown")
            );
        }
        pen.text(root, &sub, (28, 70), 17.0, MUTED, HPos::Left, VPos::Center)?;
        let n = self.rows.len();
        let body = root.margin(130, 20, 20, 24);
        let (left, right) = body.split_horizontally(body.dim_in_pixel().0 as i32 * 62 / 100);
        let beds_max = self
            .rows
            .iter()
            .map(|r| r.beds_after.max(r.beds_before))
            .max()
            .unwrap_or(1)
            .max(1) as f64;
        let y_range = -0.6..(n as f64 - 0.4);

        let mut chart = ChartBuilder::on(&left)
            .x_label_area_size(50)
            .y_label_area_size(self.name_w + 20)
            .build_cartesian_2d(0.0..beds_max * 1.08, y_range.clone())?;
        bar_axes(&mut chart, root, pen, lang.pick("床位数 (张)", "Beds"))?;
        for (i, r) in self.rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            chart.draw_series([
                Rectangle::new(
                    [(0.0, y + 0.04), (r.beds_before as f64, y + 0.36)],
                    TODAY.filled(),
                ),
                Rectangle::new(
                    [(0.0, y - 0.36), (r.beds_after as f64, y - 0.04)],
                    AFTER.filled(),
                ),
            ])?;
            let (px, py) = chart.backend_coord(&(0.0, y));
            pen.text(
                root,
                &r.township,
                (px - 10, py),
                15.0,
                INK,
                HPos::Right,
                VPos::Center,
            )?;
            let (ax, ay) = chart.backend_coord(&(r.beds_after as f64, y - 0.2));
            let after = r.beds_after.to_string();
            pen.text(
                root,
                &after,
                (ax + 5, ay),
                13.0,
                MUTED,
                HPos::Left,
                VPos::Center,
            )?;
        }

        let share = |beds: u64, nursing: u64| {
            if beds == 0 {
                None
            } else {
                Some(100.0 * nursing as f64 / beds as f64)
            }
        };
        let mut chart = ChartBuilder::on(&right)
            .x_label_area_size(50)
            .y_label_area_size(16)
            .build_cartesian_2d(0.0..100.0, y_range)?;
        let plot = bar_axes(
            &mut chart,
            root,
            pen,
            lang.pick("护理型床位占比 (%)", "Nursing share (%)"),
        )?;
        if let Some(t) = self.target_share {
            let t = 100.0 * t;
            chart.draw_series(DashedLineSeries::new(
                [(t, -0.6), (t, n as f64 - 0.4)],
                8,
                5,
                TARGET.stroke_width(2),
            ))?;
            let (px, _) = chart.backend_coord(&(t, n as f64 - 0.4));
            let label = format!("{} {t:.0}%", lang.pick("目标", "Target"));
            pen.text(
                root,
                &label,
                (px, plot.1.start - 44),
                14.0,
                TARGET,
                HPos::Center,
                VPos::Center,
            )?;
        }
        for (i, r) in self.rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let before = share(r.beds_before, r.nursing_before);
            let after = share(r.beds_after, r.nursing_after);
            if let (Some(b), Some(a)) = (before, after) {
                chart.draw_series([PathElement::new(
                    vec![(b, y), (a, y)],
                    RGBColor(0x9c, 0xb8, 0xd6).stroke_width(3),
                )])?;
            }
            if let Some(b) = before {
                chart.draw_series([Circle::new((b, y), 6, TODAY.filled())])?;
            }
            if let Some(a) = after {
                chart.draw_series([Circle::new((a, y), 6, AFTER.filled())])?;
            }
        }
        Ok(())
    }
}

/// One run of a batch as the comparison chart shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchRow {
    /// Run name.
    pub run: String,
    /// Day-care coverage before the plan (0–1).
    pub coverage_before: f64,
    /// Day-care coverage after the plan (0–1).
    pub coverage_after: f64,
    /// Coverage target, if any.
    pub target: Option<f64>,
    /// New day-care sites.
    pub new_sites: u32,
    /// Investment of the run (day care and beds), 万元.
    pub cost_wan: f64,
    /// Indicator rows met, of the rows with a target (every year).
    pub targets_met: (usize, usize),
}

/// The batch comparison (`comparison.png` / `comparison.svg`): day-care coverage before and
/// after per run with its target, and each run's new sites and investment; `None` without a
/// successful run.
pub fn batch_chart(rows: &[BatchRow], opts: &Options) -> Result<Option<Rendered>, Error> {
    if rows.is_empty() {
        return Ok(None);
    }
    let name_w = rows
        .iter()
        .map(|r| opts.font.text_width(&r.run, 15.0))
        .max()
        .unwrap_or(40);
    let d = BatchDrawing {
        rows: rows.to_vec(),
        name_w,
        lang: opts.lang,
    };
    render(&d, &opts.font, "comparison.png").map(Some)
}

struct BatchDrawing {
    rows: Vec<BatchRow>,
    name_w: i32,
    lang: Lang,
}

impl Drawing for BatchDrawing {
    fn size(&self) -> (u32, u32) {
        (1300, 200 + 34 * self.rows.len() as u32)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: &Pen,
    ) -> Result<(), DrawError> {
        let lang = self.lang;
        title(
            root,
            pen,
            lang.pick(
                "情景对比 · 日间照料覆盖率",
                "Runs compared · day-care coverage",
            ),
        )?;
        let sub = lang.pick(
            "灰色: 现状; 蓝色: 规划后; 红线: 目标; 右侧: 新建站点、投资 (万元) 与达标指标数",
            "Grey: today; blue: after the plan; red: target; right: new sites, investment (万元) and targets met",
        );
        pen.text(root, sub, (28, 70), 17.0, MUTED, HPos::Left, VPos::Center)?;
        let n = self.rows.len();
        let body = root.margin(130, 20, 20, 24);
        let (left, _) = body.split_horizontally(body.dim_in_pixel().0 as i32 * 72 / 100);
        let mut chart = ChartBuilder::on(&left)
            .x_label_area_size(50)
            .y_label_area_size((self.name_w + 20).max(0) as u32)
            .build_cartesian_2d(0.0..100.0, -0.6..(n as f64 - 0.4))?;
        bar_axes(
            &mut chart,
            root,
            pen,
            lang.pick("覆盖率 (%)", "Coverage (%)"),
        )?;
        for (i, r) in self.rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            chart.draw_series([
                Rectangle::new(
                    [(0.0, y + 0.04), (100.0 * r.coverage_before, y + 0.36)],
                    TODAY.filled(),
                ),
                Rectangle::new(
                    [(0.0, y - 0.36), (100.0 * r.coverage_after, y - 0.04)],
                    AFTER.filled(),
                ),
            ])?;
            if let Some(t) = r.target {
                chart.draw_series(LineSeries::new(
                    [(100.0 * t, y - 0.45), (100.0 * t, y + 0.45)],
                    TARGET.stroke_width(3),
                ))?;
            }
            let (px, py) = chart.backend_coord(&(0.0, y));
            pen.text(
                root,
                &r.run,
                (px - 10, py),
                15.0,
                INK,
                HPos::Right,
                VPos::Center,
            )?;
            let (_, ay) = chart.backend_coord(&(100.0, y));
            let right = chart.plotting_area().get_pixel_range().0.end;
            let label = format!(
                "{} · {} {} · {:.0} 万元 · {} {}/{}",
                super::pct(r.coverage_after),
                r.new_sites,
                lang.pick("处新建", "new sites"),
                r.cost_wan,
                lang.pick("达标", "targets met"),
                r.targets_met.0,
                r.targets_met.1
            );
            pen.text(
                root,
                &label,
                (right + 16, ay),
                15.0,
                INK,
                HPos::Left,
                VPos::Center,
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A curve of one point (the rules and the target leave one count of sites): drawn with
    /// its bound as an interval and a note that says why, within the picture.
    #[test]
    fn a_single_point_curve_says_why() {
        let d = CurveDrawing {
            title: "t".to_owned(),
            points: vec![(30.0, 95.6, 96.9)],
            today: 42.9,
            target: Some(95.0),
            chosen: (30.0, 95.6),
            forced: 30,
            lang: Lang::Zh,
        };
        let font = super::super::Font::embedded();
        let pic = render(&d, &font, "curve.png").expect("drawn");
        assert!(
            pic.svg
                .contains("规划方案 30 处 · 95.6% (站点数由规则与目标唯一确定)")
        );
        assert!(pic.svg.contains("规则要求 30 处"));
        // The bound is a band, not a line called optimal.
        assert!(pic.svg.contains("最优值所在区间"));
        assert!(!pic.svg.contains("最优覆盖率 (已证明)"));
        // The note sits left of the point (right half of the plot), so it ends inside.
        let note = pic
            .svg
            .split("<text")
            .find(|t| t.contains("规划方案"))
            .expect("note");
        assert!(note.contains("text-anchor=\"end\""), "{note}");
    }
}
