//! Markers, legend symbols, the scale bar and the north arrow, drawn on any backend.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawError;
use super::font::FAMILY;

/// Text colour of labels and legends.
pub const INK: RGBColor = RGBColor(0x26, 0x2b, 0x33);
/// Secondary text colour.
pub const MUTED: RGBColor = RGBColor(0x5f, 0x66, 0x70);

/// Marker outline of a facility symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Filled circle.
    Circle,
    /// Square (日间照料中心).
    Square,
    /// Upward triangle (养老服务站).
    Triangle,
    /// Diamond (综合养老服务中心).
    Diamond,
    /// House: a square with a roof (养老机构).
    House,
}

/// The vertices of `shape` centred on `c` with half-size `s`.
fn outline(shape: Shape, (x, y): (i32, i32), s: i32) -> Vec<(i32, i32)> {
    match shape {
        Shape::Circle | Shape::Square => {
            vec![
                (x - s, y - s),
                (x + s, y - s),
                (x + s, y + s),
                (x - s, y + s),
            ]
        }
        Shape::Triangle => {
            let h = s + s / 4 + 1;
            vec![(x, y - h), (x + h, y + s), (x - h, y + s)]
        }
        Shape::Diamond => {
            let h = s + s / 3 + 1;
            vec![(x, y - h), (x + h, y), (x, y + h), (x - h, y)]
        }
        Shape::House => vec![
            (x - s, y + s),
            (x + s, y + s),
            (x + s, y - s / 4),
            (x, y - s - s / 3 - 1),
            (x - s, y - s / 4),
        ],
    }
}

/// Draws a marker: filled with an outline, or hollow (a 2-pixel outline in `stroke`) when
/// `fill` is `None`, which leaves what lies under it visible.
pub fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    shape: Shape,
    c: (i32, i32),
    s: i32,
    fill: Option<RGBColor>,
    stroke: RGBColor,
) -> Result<(), DrawError> {
    let width = if fill.is_some() || s <= 3 { 1 } else { 2 };
    if shape == Shape::Circle {
        if let Some(fill) = fill {
            area.draw(&Circle::new(c, s.max(1) as u32, fill.filled()))?;
        }
        area.draw(&Circle::new(c, s.max(1) as u32, stroke.stroke_width(width)))?;
        return Ok(());
    }
    let mut pts = outline(shape, c, s);
    if let Some(fill) = fill {
        area.draw(&Polygon::new(pts.clone(), fill.filled()))?;
    }
    pts.push(pts[0]);
    area.draw(&PathElement::new(pts, stroke.stroke_width(width)))?;
    Ok(())
}

/// A text style of the map font.
pub fn text(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&color)
}

/// A text style anchored at `h`, `v`.
pub fn text_at(size: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    text(size, color).pos(Pos::new(h, v))
}

/// Draws text. On bitmaps each glyph is placed where the font puts it: plotters' bitmap
/// text ignores left side bearings, which leaves a visible gap after glyphs such as 乡.
/// SVG text stays whole strings, laid out by the viewer.
#[derive(Clone, Debug)]
pub struct Pen {
    face: ab_glyph::FontRef<'static>,
    exact: bool,
}

impl Pen {
    /// A pen for `font`; `exact` places glyphs one by one (bitmaps).
    pub fn new(face: ab_glyph::FontRef<'static>, exact: bool) -> Self {
        Self { face, exact }
    }

    /// Draws `s` at `pos`, anchored at `h`, `v`.
    #[allow(clippy::too_many_arguments)]
    pub fn text<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        s: &str,
        (x, y): (i32, i32),
        size: f64,
        color: RGBColor,
        h: HPos,
        v: VPos,
    ) -> Result<(), DrawError> {
        if !self.exact {
            area.draw(&Text::new(s.to_owned(), (x, y), text_at(size, color, h, v)))?;
            return Ok(());
        }
        use ab_glyph::{Font as _, ScaleFont as _};
        let scaled = self.face.as_scaled(size as f32);
        let mut pen = 0f32;
        let mut prev = None;
        let mut glyphs = Vec::new();
        for c in s.chars() {
            let id = self.face.glyph_id(c);
            if let Some(p) = prev {
                pen += scaled.kern(p, id);
            }
            let glyph = id.with_scale_and_position(size as f32, ab_glyph::point(pen, 0.0));
            if let Some(outline) = self.face.outline_glyph(glyph) {
                glyphs.push((c, outline.px_bounds().min.x));
            }
            pen += scaled.h_advance(id);
            prev = Some(id);
        }
        let x0 = match h {
            HPos::Left => x as f32,
            HPos::Center => x as f32 - pen / 2.0,
            HPos::Right => x as f32 - pen,
        };
        let style = text_at(size, color, HPos::Left, v);
        for (c, min_x) in glyphs {
            area.draw(&Text::new(
                c.to_string(),
                ((x0 + min_x).round() as i32, y),
                style.clone(),
            ))?;
        }
        Ok(())
    }
}

/// A legend entry's symbol.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Symbol {
    /// A village dot of radius `r`.
    Dot(RGBColor, i32),
    /// A facility marker.
    Marker(Shape, i32, Option<RGBColor>, RGBColor),
    /// A filled patch with an outline.
    Patch(RGBColor, RGBColor),
    /// A line of width `w`.
    Line(RGBColor, u32),
}

/// Draws a legend symbol centred on `c`.
pub fn symbol<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sym: Symbol,
    (x, y): (i32, i32),
) -> Result<(), DrawError> {
    match sym {
        Symbol::Dot(color, r) => {
            area.draw(&Circle::new((x, y), r.max(1) as u32, color.filled()))?;
        }
        Symbol::Marker(shape, s, fill, stroke) => marker(area, shape, (x, y), s, fill, stroke)?,
        Symbol::Patch(fill, stroke) => {
            area.draw(&Rectangle::new(
                [(x - 10, y - 7), (x + 10, y + 7)],
                fill.filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x - 10, y - 7), (x + 10, y + 7)],
                stroke.stroke_width(1),
            ))?;
        }
        Symbol::Line(color, w) => {
            area.draw(&PathElement::new(
                vec![(x - 11, y), (x + 11, y)],
                color.stroke_width(w),
            ))?;
        }
    }
    Ok(())
}

/// Draws a two-segment scale bar of `len_px` pixels standing for `len_m` metres, with its
/// lower-left corner at `(x, y)`.
pub fn scale_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pen: &Pen,
    (x, y): (i32, i32),
    len_px: i32,
    len_m: f64,
) -> Result<(), DrawError> {
    let label = |m: f64| {
        if len_m >= 1000.0 {
            let km = m / 1000.0;
            if km.fract() == 0.0 {
                format!("{km:.0}")
            } else {
                format!("{km:.1}")
            }
        } else {
            format!("{m:.0}")
        }
    };
    let unit = if len_m >= 1000.0 { "km" } else { "m" };
    let h = 7;
    let half = len_px / 2;
    area.draw(&Rectangle::new([(x, y - h), (x + half, y)], INK.filled()))?;
    area.draw(&Rectangle::new(
        [(x + half, y - h), (x + len_px, y)],
        WHITE.filled(),
    ))?;
    area.draw(&Rectangle::new(
        [(x, y - h), (x + len_px, y)],
        INK.stroke_width(1),
    ))?;
    for (m, px) in [(0.0, 0), (len_m / 2.0, half), (len_m, len_px)] {
        let text = if m == 0.0 { "0".to_owned() } else { label(m) };
        pen.text(
            area,
            &text,
            (x + px, y - h - 3),
            13.0,
            INK,
            HPos::Center,
            VPos::Bottom,
        )?;
    }
    pen.text(
        area,
        unit,
        (x + len_px + 8, y - 1),
        13.0,
        INK,
        HPos::Left,
        VPos::Bottom,
    )?;
    Ok(())
}

/// Draws a north arrow whose tip is at `(x, y)`, `h` pixels tall, with `label` (N or 北) above.
pub fn north_arrow<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pen: &Pen,
    (x, y): (i32, i32),
    h: i32,
    label: &str,
) -> Result<(), DrawError> {
    let w = h / 3;
    area.draw(&Polygon::new(
        vec![(x, y), (x, y + h - w / 2), (x - w, y + h)],
        INK.filled(),
    ))?;
    area.draw(&Polygon::new(
        vec![(x, y), (x + w, y + h), (x, y + h - w / 2)],
        WHITE.filled(),
    ))?;
    area.draw(&PathElement::new(
        vec![
            (x, y),
            (x + w, y + h),
            (x, y + h - w / 2),
            (x - w, y + h),
            (x, y),
        ],
        INK.stroke_width(1),
    ))?;
    pen.text(
        area,
        label,
        (x, y - 4),
        15.0,
        INK,
        HPos::Center,
        VPos::Bottom,
    )?;
    Ok(())
}
