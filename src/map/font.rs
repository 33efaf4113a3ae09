//! The font of the drawings: the vendored WenQuanYi Micro Hei GBK subset, or a file given with
//! `--font`, and the check that place names have glyphs in it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ab_glyph::Font as _;
use plotters::style::{FontStyle, register_font};

use crate::error::Error;
use crate::plan::Plan;

/// The vendored font: WenQuanYi Micro Hei, face 0, subset to GBK and ASCII (Apache-2.0).
static EMBEDDED: &[u8] = include_bytes!("font/wqy-microhei-gbk.ttf");

/// The family name of the font embedded in the SVGs and `report.html` ([`font_face`]).
pub const EMBEDDED_FAMILY: &str = "yanglao-embedded";

/// The font family written into the SVGs: the embedded subset of [`Font`] first (the
/// font the PNG uses), then the Chinese system fonts of Windows, macOS and Linux for a
/// viewer that ignores embedded fonts.
pub const FAMILY: &str = "yanglao-embedded, Microsoft YaHei, PingFang SC, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif";

/// A TrueType/OpenType font held for the life of the process.
#[derive(Clone, Debug)]
pub struct Font {
    bytes: &'static [u8],
    path: Option<PathBuf>,
}

impl Default for Font {
    fn default() -> Self {
        Self::embedded()
    }
}

impl Font {
    /// The vendored WenQuanYi Micro Hei subset.
    pub fn embedded() -> Self {
        Self {
            bytes: EMBEDDED,
            path: None,
        }
    }

    /// Reads a font file (face 0 of a collection). The bytes are leaked: plotters keeps
    /// fonts for the life of the process.
    pub fn from_path(path: &Path) -> Result<Self, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if ab_glyph::FontRef::try_from_slice(&bytes).is_err() {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "不是 TrueType/OpenType 字体 / not a TrueType/OpenType font",
                ),
            });
        }
        Ok(Self {
            bytes: Box::leak(bytes.into_boxed_slice()),
            path: Some(path.to_path_buf()),
        })
    }

    /// Where the font came from: its path, or `None` for the vendored one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub(crate) fn face(&self) -> ab_glyph::FontRef<'static> {
        ab_glyph::FontRef::try_from_slice(self.bytes)
            .expect("the font was parsed when it was loaded")
    }

    /// The characters of `text` the font has no glyph for (whitespace and control
    /// characters aside), in order of first appearance, without repeats.
    pub fn missing(&self, text: &str) -> Vec<char> {
        missing_in(&self.face(), text)
    }

    /// Width in pixels of `text` drawn at plotters size `size` (what the PNG shows; SVG
    /// viewers with another font come out within a few percent).
    pub fn text_width(&self, text: &str, size: f64) -> i32 {
        use ab_glyph::ScaleFont as _;
        let face = self.face();
        let scaled = face.as_scaled(size as f32);
        let w: f32 = text
            .chars()
            .map(|c| scaled.h_advance(face.glyph_id(c)))
            .sum();
        w.ceil() as i32
    }

    /// Registers the font with plotters under [`FAMILY`] and the default `sans-serif`
    /// (any style that names no family uses it).
    pub(crate) fn register(&self) -> Result<(), &'static str> {
        for family in [FAMILY, "sans-serif"] {
            register_font(family, FontStyle::Normal, self.bytes)
                .map_err(|_| "invalid font / 字体无效")?;
        }
        Ok(())
    }
}

/// An `@font-face` rule that embeds, as a `data:` URI, the subset of `font` that draws
/// every character of `text` the font has (and `.notdef`), under [`EMBEDDED_FAMILY`]; `None`
/// when the font cannot be subset (a CFF or collection font allsorts rejects): the page
/// then falls back to the system fonts [`FAMILY`] names.
///
/// Subsetting is `allsorts`' (TrueType and CFF outlines, a Unicode `cmap` as browsers
/// require); a county's SVG needs a few hundred glyphs of the 3 MB vendored font.
pub fn font_face(font: &Font, text: &str) -> Option<String> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile, subset};
    use base64::Engine as _;

    let face = font.face();
    let mut glyphs: Vec<u16> = text
        .chars()
        .map(|c| face.glyph_id(c).0)
        .filter(|g| *g != 0)
        .collect();
    glyphs.sort_unstable();
    glyphs.dedup();
    glyphs.insert(0, 0);
    let data = ReadScope::new(font.bytes).read::<FontData<'_>>().ok()?;
    let provider = data.table_provider(0).ok()?;
    let bytes = subset(
        &provider,
        &glyphs,
        &SubsetProfile::Minimal,
        CmapTarget::Unicode,
    )
    .ok()?;
    let uri = base64::engine::general_purpose::STANDARD.encode(bytes);
    Some(format!(
        "@font-face{{font-family:\"{EMBEDDED_FAMILY}\";src:url(data:font/ttf;base64,{uri}) format(\"truetype\")}}"
    ))
}

/// Marks the start of the embedded font's block in an SVG, so that `report.html`, which
/// embeds one font for the whole page, can leave it out of the SVGs it inlines.
pub(crate) const SVG_FONT_START: &str = "<defs><style>@font-face";

/// Where the embedded font's block ends.
pub(crate) const SVG_FONT_END: &str = "</style></defs>";

/// `svg` with the subset of `font` its text needs embedded as a style sheet right after
/// the opening `<svg …>` tag; `svg` unchanged when the font cannot be subset.
pub(crate) fn embed_in_svg(svg: String, font: &Font) -> String {
    let (Some(face), Some(open)) = (font_face(font, &svg), svg.find('>')) else {
        return svg;
    };
    let mut out = String::with_capacity(svg.len() + face.len() + 32);
    out.push_str(&svg[..=open]);
    out.push('\n');
    out.push_str("<defs><style>");
    out.push_str(&face);
    out.push_str(SVG_FONT_END);
    out.push_str(&svg[open + 1..]);
    out
}

/// A bitmap backend whose text is rasterised glyph by glyph at the exact sub-pixel
/// positions the font gives (with kerning and left side bearings), then blended pixel by
/// pixel; everything else goes to the wrapped backend unchanged.
///
/// plotters' own bitmap text (its `ab_glyph` font data) draws every glyph from its pen
/// position without the glyph's left side bearing, rounded to a whole pixel, which opens
/// gaps (`312` drawn `3 12`, `民乐 生态工业园区`). Layout (text box, anchors, rotation)
/// stays plotters': the box is the same advance sum, so charts lay out as before.
pub(crate) struct ExactText<B> {
    inner: B,
    face: ab_glyph::FontRef<'static>,
}

impl<B> ExactText<B> {
    /// Wraps `inner`, drawing its text with `face`.
    pub(crate) fn new(inner: B, face: ab_glyph::FontRef<'static>) -> Self {
        Self { inner, face }
    }
}

impl<B: plotters::prelude::DrawingBackend> plotters::prelude::DrawingBackend for ExactText<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(
        &mut self,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: plotters_backend::BackendCoord,
        color: plotters_backend::BackendColor,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: plotters_backend::BackendStyle>(
        &mut self,
        from: plotters_backend::BackendCoord,
        to: plotters_backend::BackendCoord,
        style: &S,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: plotters_backend::BackendStyle>(
        &mut self,
        upper_left: plotters_backend::BackendCoord,
        bottom_right: plotters_backend::BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<
        S: plotters_backend::BackendStyle,
        I: IntoIterator<Item = plotters_backend::BackendCoord>,
    >(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: plotters_backend::BackendStyle>(
        &mut self,
        center: plotters_backend::BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<
        S: plotters_backend::BackendStyle,
        I: IntoIterator<Item = plotters_backend::BackendCoord>,
    >(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: plotters_backend::BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn draw_text<S: plotters_backend::BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: plotters_backend::BackendCoord,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        use ab_glyph::ScaleFont as _;
        use plotters_backend::text_anchor::{HPos, VPos};
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let size = style.size() as f32;
        let scaled = self.face.as_scaled(size);
        // The box plotters lays text out in: the advance sum wide, `size / 1.24` high, the
        // baseline `size / 2` below its top.
        let mut advance = 0f32;
        let mut prev = None;
        let mut placed = Vec::new();
        for c in text.chars() {
            let id = self.face.glyph_id(c);
            if let Some(p) = prev {
                advance += scaled.kern(p, id);
            }
            placed.push((id, advance));
            advance += scaled.h_advance(id);
            prev = Some(id);
        }
        let width = advance as i32;
        let height = (f64::from(size) / 1.24) as i32;
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let trans = style.transform();
        let (w, h) = self.get_size();
        for (id, x) in placed {
            let glyph = id.with_scale_and_position(size, ab_glyph::point(x, size / 2.0));
            let Some(outline) = self.face.outline_glyph(glyph) else {
                continue;
            };
            let b = outline.px_bounds();
            let mut pixels = Vec::new();
            outline.draw(|gx, gy, coverage| {
                if coverage > 0.0 {
                    pixels.push((
                        b.min.x as i32 + gx as i32,
                        b.min.y as i32 + gy as i32,
                        coverage,
                    ));
                }
            });
            for (gx, gy, coverage) in pixels {
                let (tx, ty) = trans.transform(gx + dx, gy + dy);
                let (px, py) = (pos.0 + tx, pos.1 + ty);
                if px >= 0 && py >= 0 && (px as u32) < w && (py as u32) < h {
                    self.inner.draw_pixel(
                        (px, py),
                        plotters_backend::BackendColor {
                            alpha: color.alpha * f64::from(coverage.min(1.0)),
                            rgb: color.rgb,
                        },
                    )?;
                }
            }
        }
        Ok(())
    }
}

/// The characters of `text` that `face` has no glyph for (see [`Font::missing`]).
fn missing_in(face: &ab_glyph::FontRef<'_>, text: &str) -> Vec<char> {
    let mut seen = BTreeSet::new();
    text.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .filter(|c| face.glyph_id(*c).0 == 0)
        .filter(|c| seen.insert(*c))
        .collect()
}

/// A place name with characters the font cannot draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingGlyphs {
    /// The name as written in the data.
    pub name: String,
    /// The characters without a glyph.
    pub chars: Vec<char>,
}

/// Every distinct name the maps and charts draw with `font` (the scenario's name in their
/// titles, township labels and the bed chart's townships) that has characters `font` lacks,
/// in data order. Village, facility and site names are not drawn in the pictures (the HTML
/// report shows them in the browser's own fonts), so they are not listed.
pub fn missing_glyphs(plan: &Plan, font: &Font) -> Vec<MissingGlyphs> {
    let r = &plan.region;
    let names = std::iter::once(plan.scenario.name.as_str())
        .chain(r.villages.iter().map(|v| v.township.as_str()))
        .chain(r.facilities.iter().map(|f| f.township.as_str()))
        .chain(r.candidates.iter().map(|c| c.township.as_str()));
    let face = font.face();
    let mut seen = BTreeSet::new();
    names
        .filter(|n| seen.insert(*n))
        .filter_map(|n| {
            let chars = missing_in(&face, n);
            (!chars.is_empty()).then(|| MissingGlyphs {
                name: n.to_owned(),
                chars,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_font_draws_place_names() {
        let f = Font::embedded();
        // GB2312, ASCII and a GBK character outside GB2312 (犇).
        assert!(f.missing("民乐县洪水镇 六坝村 ABC-123 (示意)").is_empty());
        assert!(f.missing("犇牛村").is_empty());
        // Extension A: 䶮 is outside GBK.
        assert_eq!(f.missing("䶮村䶮"), vec!['䶮']);
    }

    #[test]
    fn a_file_that_is_not_a_font_is_an_error() {
        let dir = std::env::temp_dir().join(format!("yanglao-font-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("bad.ttf");
        std::fs::write(&path, b"not a font").expect("write");
        let err = Font::from_path(&path).expect_err("garbage is rejected");
        assert!(err.to_string().contains("not a TrueType"), "{err}");
        let err = Font::from_path(&dir.join("absent.ttf")).expect_err("missing file");
        assert!(err.to_string().contains("absent.ttf"), "{err}");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
