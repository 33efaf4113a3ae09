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

/// Draws text with the map font: on bitmaps (drawn through `font::ExactText`) each glyph
/// where the font puts it; in SVGs whole strings, laid out by the viewer.
#[derive(Clone, Debug, Default)]
pub struct Pen;

impl Pen {
    /// The pen of the map font (registered with plotters before each drawing).
    pub fn new() -> Self {
        Self
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
        // Bitmaps draw through `font::ExactText`, which places every glyph where the font
        // puts it; SVG text stays whole strings, laid out by the viewer.
        area.draw(&Text::new(s.to_owned(), (x, y), text_at(size, color, h, v)))?;
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
    /// A count badge: several sites drawn as one disc (fill, figure colour) with their
    /// number.
    Count(RGBColor, RGBColor),
}

/// Draws a count badge: a disc in `fill` with a white rim, outlined in `ink`, and `n` in
/// `ink`, sized to the number of digits.
pub fn count_badge<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pen: &Pen,
    c: (i32, i32),
    n: usize,
    fill: RGBColor,
    ink: RGBColor,
) -> Result<(), DrawError> {
    let r = badge_radius(n);
    area.draw(&Circle::new(c, (r + 2) as u32, WHITE.filled()))?;
    area.draw(&Circle::new(c, r as u32, fill.filled()))?;
    area.draw(&Circle::new(c, r as u32, ink.stroke_width(1)))?;
    pen.text(
        area,
        &n.to_string(),
        c,
        11.0,
        ink,
        HPos::Center,
        VPos::Center,
    )
}

/// Radius in pixels of the count badge of `n` sites.
pub fn badge_radius(n: usize) -> i32 {
    let digits = n.to_string().len() as i32;
    6 + 3 * digits
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
        Symbol::Count(fill, ink) => {
            area.draw(&Circle::new((x, y), 9, fill.filled()))?;
            area.draw(&Circle::new((x, y), 9, ink.stroke_width(1)))?;
            area.draw(&Text::new(
                "n".to_owned(),
                (x, y),
                text_at(11.0, ink, HPos::Center, VPos::Center),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Ink per pixel column of `s` drawn by the bitmap pen at 16 px.
    fn columns(s: &str) -> Vec<u32> {
        let font = super::super::Font::embedded();
        let _guard = super::super::DRAW_LOCK
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        font.register().expect("font");
        let (w, h) = (400u32, 40u32);
        let mut buf = vec![255u8; (w * h * 3) as usize];
        {
            let root = super::super::font::ExactText::new(
                BitMapBackend::with_buffer(&mut buf, (w, h)),
                font.face(),
            )
            .into_drawing_area();
            let pen = Pen::new();
            pen.text(&root, s, (10, 20), 16.0, BLACK, HPos::Left, VPos::Center)
                .expect("drawn");
            root.present().expect("present");
        }
        (0..w)
            .map(|x| {
                (0..h)
                    .map(|y| 255 - u32::from(buf[((y * w + x) * 3) as usize]))
                    .sum()
            })
            .collect()
    }

    /// The font's own rasterisation of `s` laid out from x = 10 at 16 px, at exact
    /// sub-pixel positions: coverage (0–255) per pixel column.
    fn reference_columns(s: &str, width: usize) -> Vec<f32> {
        use ab_glyph::{Font as _, ScaleFont as _};
        let face = super::super::Font::embedded().face();
        let scaled = face.as_scaled(16.0);
        let mut pen = 10f32;
        let mut prev = None;
        let mut out = vec![0f32; width];
        for c in s.chars() {
            let id = face.glyph_id(c);
            if let Some(p) = prev {
                pen += scaled.kern(p, id);
            }
            let glyph = id.with_scale_and_position(16.0, ab_glyph::point(pen, 20.0));
            if let Some(o) = face.outline_glyph(glyph) {
                let left = o.px_bounds().min.x as usize;
                o.draw(|x, _, c| out[left + x as usize] += 255.0 * c.min(1.0));
            }
            pen += scaled.h_advance(id);
            prev = Some(id);
        }
        out
    }

    #[test]
    fn bitmap_text_keeps_the_fonts_glyph_spacing() {
        // Each glyph's ink sits where the font puts it, to a fifth of a pixel: plotters' own
        // bitmap text rounded every glyph to a whole pixel and drew it without its left side
        // bearing, so `312` read `3 12` and `民乐生态` read `民乐 生态`.
        for s in ["312", "民乐生态工业园区", "Jilin"] {
            let got = columns(s);
            let want = reference_columns(s, got.len());
            // Glyphs as the font draws them: runs of inked columns.
            let mut runs = Vec::new();
            let mut x = 0;
            while x < want.len() {
                if want[x] > 0.0 {
                    let start = x;
                    while x < want.len() && want[x] > 0.0 {
                        x += 1;
                    }
                    runs.push(start..x);
                } else {
                    x += 1;
                }
            }
            assert!(runs.len() >= 2, "{s}");
            let centre = |range: std::ops::Range<usize>, ink: &dyn Fn(usize) -> f32| {
                let total: f32 = range.clone().map(ink).sum();
                range.map(|x| x as f32 * ink(x)).sum::<f32>() / total.max(1.0)
            };
            for run in runs {
                let wide = run.start.saturating_sub(1)..run.end + 1;
                let a = centre(wide.clone(), &|x| got[x] as f32);
                let b = centre(wide, &|x| want[x]);
                assert!(
                    (a - b).abs() < 0.2,
                    "{s}: ink centred at {a:.2} where the font puts it at {b:.2}"
                );
            }
        }
    }
}
