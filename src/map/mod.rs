//! Drawings of a plan with plotters, as PNG and SVG: the coverage map, the bed-accessibility
//! map, the coverage curve and the beds per township.
//!
//! Text is drawn with a vendored CJK font (WenQuanYi Micro Hei, GBK subset, Apache-2.0; see
//! `src/map/font/README.md`) or one given with `--font`, so Chinese labels render on a machine
//! with no CJK font. Maps use an equirectangular projection scaled by the cosine of the mean
//! latitude ([`Frame`]), which keeps distances true to within a fraction of a percent across a
//! county and lets the scale bar be computed from the latitude.

mod chart;
mod coverage;
mod font;
mod frame;
mod shapes;

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::Error;
use crate::plan::Plan;

pub use chart::{
    BatchRow, TownshipBeds, batch_chart, beds_chart, curve_chart, township_beds, tradeoff_chart,
};
pub(crate) use coverage::status_name;
pub use coverage::{
    ACCESS_DECIMALS, Layers, MapKind, PlacedLabel, PlanMap, SiteMark, VillageMark, plan_map,
};
pub use font::{EMBEDDED_FAMILY, FAMILY, Font, MissingGlyphs, font_face, missing_glyphs};
pub(crate) use font::{SVG_FONT_END, SVG_FONT_START};
pub use frame::{Frame, LabelPlacer, inside_rings, nest_rings, nice_scale_m, rect_inside_rings};

/// Language of labels, legends and report text. Place names stay as written in the data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// 中文 (the default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The text in this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The HTML `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// How drawings and reports are made: the label language, the font and the encoding of the
/// CSV files.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Label language.
    pub lang: Lang,
    /// Font of the PNG and of the text measurements behind the SVG layout.
    pub font: Font,
    /// Encoding of the CSV outputs (UTF-8 with a byte-order mark unless asked otherwise).
    pub csv: crate::io::text::CsvEncoding,
}

/// One drawing in both formats.
#[derive(Clone, Debug)]
pub struct Rendered {
    /// PNG bytes.
    pub png: Vec<u8>,
    /// SVG document, with the subset of the font its text needs embedded
    /// ([`font_face`]).
    pub svg: String,
    /// Width and height in pixels (SVG user units).
    pub size: (u32, u32),
}

/// Every drawing of a plan; the optional ones are `None` when their data is absent.
#[derive(Clone, Debug)]
pub struct Drawings {
    /// `map.png` / `map.svg`: day-care coverage, facilities and service areas.
    pub map: PlanMap,
    /// `access.png` / `access.svg`: beds per 1000 elderly within reach, when the bed plan has
    /// accessibility figures.
    pub access: Option<PlanMap>,
    /// `curve.png` / `curve.svg`: the coverage curve, when the scenario asked for it.
    pub curve: Option<Rendered>,
    /// `beds.png` / `beds.svg`: beds and nursing share per township, when a bed plan exists.
    pub beds: Option<Rendered>,
    /// `tradeoff.png` / `tradeoff.svg`: coverage and targets met per budget, when the scenario
    /// has a `[budget] sweep`.
    pub tradeoff: Option<Rendered>,
    /// The font they were drawn with, for the font `report.html` embeds.
    pub font: Font,
}

/// Draws every picture of a plan.
pub fn draw_all(plan: &Plan, opts: &Options) -> Result<Drawings, Error> {
    let map = plan_map(plan, MapKind::Coverage, opts)?;
    let access = match &plan.beds {
        Some(b) if b.accessibility.after.len() == plan.region.villages.len() => {
            Some(plan_map(plan, MapKind::Access, opts)?)
        }
        _ => None,
    };
    let curve = curve_chart(plan, opts)?;
    let beds = beds_chart(plan, opts)?;
    let tradeoff = tradeoff_chart(plan, opts)?;
    Ok(Drawings {
        map,
        access,
        curve,
        beds,
        tradeoff,
        font: opts.font.clone(),
    })
}

/// Something drawn the same way on any plotters backend.
pub(crate) trait Drawing {
    /// Canvas size in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws onto `root`, which is the whole canvas, writing text with `pen`.
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: &shapes::Pen,
    ) -> Result<(), DrawError>;
}

/// A drawing failure, as text (backend error types differ per backend).
#[derive(Debug)]
pub(crate) struct DrawError(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        DrawError(e.to_string())
    }
}

/// Serialises drawing: plotters keeps its fonts in a process-wide table, which is
/// re-registered with the chosen font before each drawing.
static DRAW_LOCK: Mutex<()> = Mutex::new(());

/// Makes each scratch PNG path unique within the process.
static SCRATCH: AtomicU64 = AtomicU64::new(0);

/// Draws `d` as PNG and SVG with `font`; `name` (e.g. `map.png`) names it in errors.
pub(crate) fn render(d: &impl Drawing, font: &Font, name: &str) -> Result<Rendered, Error> {
    let fail = |msg: String| Error::Io {
        path: PathBuf::from(name),
        source: std::io::Error::other(msg),
    };
    let _guard = DRAW_LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    font.register().map_err(|e| fail(e.to_owned()))?;
    let size = d.size();

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        d.draw(&root, &shapes::Pen::new()).map_err(|e| fail(e.0))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }

    // plotters encodes PNG only into a file: draw into a scratch file and read it back.
    let scratch = std::env::temp_dir().join(format!(
        ".yanglao-{}-{}.png",
        std::process::id(),
        SCRATCH.fetch_add(1, Ordering::Relaxed)
    ));
    let drawn = (|| -> Result<Vec<u8>, Error> {
        {
            let root = font::ExactText::new(BitMapBackend::new(&scratch, size), font.face())
                .into_drawing_area();
            d.draw(&root, &shapes::Pen::new()).map_err(|e| fail(e.0))?;
            root.present().map_err(|e| fail(e.to_string()))?;
        }
        std::fs::read(&scratch).map_err(|source| Error::Io {
            path: scratch.clone(),
            source,
        })
    })();
    let _ = std::fs::remove_file(&scratch);
    Ok(Rendered {
        png: drawn?,
        svg: font::embed_in_svg(svg, font),
        size,
    })
}

/// Formats a share as a percentage with one decimal: `0.9331` → `93.3%`. A value that
/// rounds to zero prints as `0.0%`, never `-0.0%` (a negative zero, such as the sum of no
/// `f64`s, or a tiny negative rounding residue).
pub fn pct(x: f64) -> String {
    percent(100.0 * x)
}

/// Formats a value already in percent with one decimal: `93.305` → `93.3%`; never `-0.0%`.
pub fn percent(p: f64) -> String {
    let s = format!("{p:.1}%");
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| matches!(b, b'0' | b'.' | b'%')) => rest.to_owned(),
        _ => s,
    }
}

/// Formats a whole number with thousands separators: `17498` → `17,498`.
pub fn thousands(x: f64) -> String {
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_for_officials() {
        assert_eq!(pct(0.93305), "93.3%");
        assert_eq!(pct(-0.0), "0.0%");
        assert_eq!(pct(-1e-9), "0.0%");
        assert_eq!(pct(0.0), "0.0%");
        assert_eq!(pct(-0.0051), "-0.5%");
        assert_eq!(percent(-0.0), "0.0%");
        assert_eq!(percent(-0.04), "0.0%");
        assert_eq!(percent(93.305), "93.3%");
        assert_eq!(thousands(17498.0), "17,498");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(-1234567.0), "-1,234,567");
        assert_eq!(thousands(0.0), "0");
    }
}
