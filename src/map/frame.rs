//! Where things go on a map: the projection from WGS-84 to pixels, the scale bar length and
//! label placement without overlaps.

use crate::model::LonLat;

/// Mean Earth radius in metres (the sphere of the travel times).
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Metres per degree of latitude on that sphere.
const M_PER_DEG: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

/// An equirectangular projection scaled by the cosine of the mean latitude, fitted into a
/// pixel rectangle: `x = left + (lon·cos φ₀ − x₀)·s`, `y = top + (y₁ − lat)·s`.
///
/// # Units
///
/// `scale` is pixels per degree of latitude; [`Frame::m_per_px`] gives metres per pixel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// Cosine of the mean latitude.
    pub cos_lat: f64,
    /// Projected x of the left edge, degrees·cos φ₀.
    pub x0: f64,
    /// Latitude of the top edge.
    pub y1: f64,
    /// Pixels per projected degree.
    pub scale: f64,
    /// Pixel rectangle `(left, top, width, height)` of the map.
    pub rect: (i32, i32, i32, i32),
}

impl Frame {
    /// Fits the bounding box of `points` into at most `max_w` × `max_h` pixels, leaving
    /// `pad` pixels clear on every side; the map keeps its proportions, so one side may come
    /// out shorter. `min_h` keeps very flat regions from giving a sliver.
    pub fn fit(
        points: impl IntoIterator<Item = LonLat>,
        max_w: i32,
        max_h: i32,
        min_h: i32,
        pad: i32,
    ) -> Self {
        let (mut lo_lon, mut hi_lon, mut lo_lat, mut hi_lat) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for p in points {
            if p.lon.is_finite() && p.lat.is_finite() {
                lo_lon = lo_lon.min(p.lon);
                hi_lon = hi_lon.max(p.lon);
                lo_lat = lo_lat.min(p.lat);
                hi_lat = hi_lat.max(p.lat);
            }
        }
        if !lo_lon.is_finite() {
            (lo_lon, hi_lon, lo_lat, hi_lat) = (0.0, 0.01, 0.0, 0.01);
        }
        let cos_lat = ((lo_lat + hi_lat) / 2.0).to_radians().cos().max(0.05);
        // At least about 1 km across, so a single village still gives a sensible map.
        let min_span = 0.01;
        let (cx, cy) = ((lo_lon + hi_lon) / 2.0 * cos_lat, (lo_lat + hi_lat) / 2.0);
        let span_x = ((hi_lon - lo_lon) * cos_lat).max(min_span);
        let span_y = (hi_lat - lo_lat).max(min_span);
        let scale = (f64::from(max_w - 2 * pad) / span_x).min(f64::from(max_h - 2 * pad) / span_y);
        let w = (span_x * scale).round() as i32 + 2 * pad;
        let h = ((span_y * scale).round() as i32 + 2 * pad).max(min_h.min(max_h));
        Frame {
            cos_lat,
            x0: cx - f64::from(w) / scale / 2.0,
            y1: cy + f64::from(h) / scale / 2.0,
            scale,
            rect: (0, 0, w, h),
        }
    }

    /// The same projection with the map's top-left corner at `(left, top)`.
    pub fn at(mut self, left: i32, top: i32) -> Self {
        self.rect.0 = left;
        self.rect.1 = top;
        self
    }

    /// Pixel position of a WGS-84 point, unrounded.
    pub fn project_f(&self, p: LonLat) -> (f64, f64) {
        (
            f64::from(self.rect.0) + (p.lon * self.cos_lat - self.x0) * self.scale,
            f64::from(self.rect.1) + (self.y1 - p.lat) * self.scale,
        )
    }

    /// Pixel position of a WGS-84 point.
    pub fn project(&self, p: LonLat) -> (i32, i32) {
        let (x, y) = self.project_f(p);
        (x.round() as i32, y.round() as i32)
    }

    /// Metres per pixel (the same in x and y, by construction).
    pub fn m_per_px(&self) -> f64 {
        M_PER_DEG / self.scale
    }

    /// Whether a pixel lies inside the map rectangle.
    pub fn contains(&self, (x, y): (i32, i32)) -> bool {
        let (l, t, w, h) = self.rect;
        x >= l && x <= l + w && y >= t && y <= t + h
    }

    /// The pixel right edge.
    pub fn right(&self) -> i32 {
        self.rect.0 + self.rect.2
    }

    /// The pixel bottom edge.
    pub fn bottom(&self) -> i32 {
        self.rect.1 + self.rect.3
    }
}

/// The longest round length (1, 2 or 5 × 10ⁿ metres) that fits in `max_m` metres.
pub fn nice_scale_m(max_m: f64) -> f64 {
    if max_m.is_nan() || max_m <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(max_m.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * p)
        .find(|&v| v <= max_m)
        .unwrap_or(p)
}

/// Places labels greedily: each goes to the spot, among a few near its anchor, that stays
/// inside the bounds (and inside the region's outline, when one is given), keeps the gap to
/// every label placed before, overlaps nothing blocked, and covers the least weight of markers to avoid (the
/// first such spot on ties); with no such spot it is dropped. Feed labels in order of
/// importance.
#[derive(Clone, Debug)]
pub struct LabelPlacer {
    bounds: (i32, i32, i32, i32),
    placed: Vec<(i32, i32, i32, i32)>,
    /// Rectangles taken by other things; the gap between labels does not apply to them.
    blocked: Vec<(i32, i32, i32, i32)>,
    soft: Vec<(Rect, u32)>,
    gap: i32,
    region: Option<RegionMask>,
}

/// The pixels inside a region's outline within a rectangle, rasterised once by scanlines
/// (even-odd rule, pixel centres at whole coordinates), so that checking a label is a few
/// look-ups however long the outline.
#[derive(Clone, Debug)]
pub struct RegionMask {
    left: i32,
    top: i32,
    w: i32,
    h: i32,
    inside: Vec<bool>,
}

impl RegionMask {
    /// Rasterises `rings` (outlines and holes in pixels) over `(left, top, right, bottom)`.
    pub fn new(rings: &[Vec<(i32, i32)>], (left, top, right, bottom): Rect) -> Self {
        let (w, h) = ((right - left + 1).max(0), (bottom - top + 1).max(0));
        let mut inside = vec![false; (w as usize) * (h as usize)];
        let mut xs: Vec<f64> = Vec::new();
        for row in 0..h {
            let py = f64::from(top + row);
            xs.clear();
            for r in rings {
                for (i, a) in r.iter().enumerate() {
                    let c = r[(i + 1) % r.len()];
                    let (ay, cy) = (f64::from(a.1), f64::from(c.1));
                    if (ay > py) != (cy > py) {
                        let (ax, cx) = (f64::from(a.0), f64::from(c.0));
                        xs.push((cx - ax) * (py - ay) / (cy - ay) + ax);
                    }
                }
            }
            xs.sort_by(f64::total_cmp);
            for pair in xs.chunks_exact(2) {
                // Points strictly between two crossings have an odd count to their right.
                let from = (pair[0].floor() as i32 + 1).max(left);
                let to = (pair[1].ceil() as i32 - 1).min(right);
                for x in from..=to {
                    inside[(row * w + (x - left)) as usize] = true;
                }
            }
        }
        Self {
            left,
            top,
            w,
            h,
            inside,
        }
    }

    /// Whether pixel `(x, y)` lies inside (never, outside the rasterised rectangle).
    pub fn contains(&self, (x, y): (i32, i32)) -> bool {
        let (cx, cy) = (x - self.left, y - self.top);
        cx >= 0 && cy >= 0 && cx < self.w && cy < self.h && self.inside[(cy * self.w + cx) as usize]
    }

    /// Whether the rectangle, widened by a pixel, lies inside: every pixel along its edges
    /// (every third one, and the corners) and its centre.
    pub fn contains_rect(&self, (l, t, r, b): Rect) -> bool {
        let (l, t, r, b) = (l - 1, t - 1, r + 1, b + 1);
        let mut edge = (l..=r)
            .step_by(3)
            .chain([r])
            .flat_map(|x| [(x, t), (x, b)])
            .chain((t..=b).step_by(3).chain([b]).flat_map(|y| [(l, y), (r, y)]));
        edge.all(|p| self.contains(p)) && self.contains(((l + r) / 2, (t + b) / 2))
    }
}

/// Whether pixel `p` lies inside `rings` by the even-odd rule: inside an outline and outside
/// its holes (islands in holes count again). No rings: everywhere is inside.
pub fn inside_rings(rings: &[Vec<(i32, i32)>], (px, py): (f64, f64)) -> bool {
    if rings.is_empty() {
        return true;
    }
    let mut odd = false;
    for r in rings {
        for (i, a) in r.iter().enumerate() {
            let c = r[(i + 1) % r.len()];
            let (ax, ay, cx, cy) = (
                f64::from(a.0),
                f64::from(a.1),
                f64::from(c.0),
                f64::from(c.1),
            );
            if (ay > py) != (cy > py) && px < (cx - ax) * (py - ay) / (cy - ay) + ax {
                odd = !odd;
            }
        }
    }
    odd
}

/// Whether the rectangle `(left, top, right, bottom)` lies inside `rings`: its corners, the
/// middles of its sides and its centre all do.
pub fn rect_inside_rings(rings: &[Vec<(i32, i32)>], r: (i32, i32, i32, i32)) -> bool {
    let (l, t, rr, b) = (
        f64::from(r.0),
        f64::from(r.1),
        f64::from(r.2),
        f64::from(r.3),
    );
    let (mx, my) = ((l + rr) / 2.0, (t + b) / 2.0);
    [
        (l, t),
        (mx, t),
        (rr, t),
        (rr, my),
        (rr, b),
        (mx, b),
        (l, b),
        (l, my),
        (mx, my),
    ]
    .into_iter()
    .all(|p| inside_rings(rings, p))
}

type Rect = (i32, i32, i32, i32);

fn overlaps(r: Rect, p: &Rect) -> bool {
    r.0 < p.2 && p.0 < r.2 && r.1 < p.3 && p.1 < r.3
}

impl LabelPlacer {
    /// A placer for labels that must lie within `(left, top, right, bottom)`.
    pub fn new(bounds: Rect) -> Self {
        Self {
            bounds,
            placed: Vec::new(),
            blocked: Vec::new(),
            soft: Vec::new(),
            gap: 2,
            region: None,
        }
    }

    /// Keeps every label inside `rings` (pixel outlines and holes, by the even-odd rule), so
    /// that no label lies in the sea or in a neighbouring county.
    pub fn within(mut self, rings: &[Vec<(i32, i32)>]) -> Self {
        if !rings.is_empty() {
            self.region = Some(RegionMask::new(rings, self.bounds));
        }
        self
    }

    /// Rectangles `(left, top, right, bottom)` of the labels placed so far, gap included.
    pub fn placed(&self) -> &[(i32, i32, i32, i32)] {
        &self.placed
    }

    /// Keeps at least `gap` pixels between labels (2 by default); crowded maps read better
    /// with fewer, better spaced labels.
    pub fn with_gap(mut self, gap: i32) -> Self {
        self.gap = gap;
        self
    }

    /// Marks a rectangle `(left, top, right, bottom)` as taken (a legend, a scale bar).
    pub fn block(&mut self, r: Rect) {
        self.blocked.push(r);
    }

    /// Marks a rectangle that labels avoid when they can (a marker), with how much covering
    /// it costs.
    pub fn avoid(&mut self, r: Rect, weight: u32) {
        self.soft.push((r, weight));
    }

    /// Tries to place a `w` × `h` label centred on `anchor`, else around it; returns the
    /// centre it got.
    pub fn place(&mut self, anchor: (i32, i32), w: i32, h: i32) -> Option<(i32, i32)> {
        let (ax, ay) = anchor;
        let dy = h + 2 * self.gap + 1;
        let dx = w / 2 + 8;
        let spots = [
            (ax, ay),
            (ax, ay + dy),
            (ax, ay - dy),
            (ax + dx, ay),
            (ax - dx, ay),
            (ax + dx, ay + dy),
            (ax - dx, ay - dy),
            (ax, ay + 2 * dy),
            (ax, ay - 2 * dy),
            (ax + dx, ay - dy),
            (ax - dx, ay + dy),
            (ax + 2 * dx, ay),
            (ax - 2 * dx, ay),
            (ax, ay + 3 * dy),
            (ax, ay - 3 * dy),
        ];
        let pad = self.gap;
        let rects: Vec<Rect> = spots
            .iter()
            .map(|&(cx, cy)| {
                (
                    cx - w / 2 - pad,
                    cy - h / 2 - pad,
                    cx + (w + 1) / 2 + pad,
                    cy + (h + 1) / 2 + pad,
                )
            })
            .collect();
        let (bl, bt, br, bb) = self.bounds;
        let inside = |r: &Rect| r.0 >= bl && r.1 >= bt && r.2 <= br && r.3 <= bb;
        let in_region = |r: &Rect| {
            self.region
                .as_ref()
                .is_none_or(|m| m.contains_rect((r.0 + pad, r.1 + pad, r.2 - pad, r.3 - pad)))
        };
        let hard_clear = |r: &Rect| {
            let label = (r.0 + pad, r.1 + pad, r.2 - pad, r.3 - pad);
            !self.placed.iter().any(|p| overlaps(*r, p))
                && !self.blocked.iter().any(|p| overlaps(label, p))
        };
        let covered = |r: &Rect| -> u32 {
            self.soft
                .iter()
                .filter(|(p, _)| overlaps(*r, p))
                .map(|(_, w)| w)
                .sum()
        };
        let mut pick: Option<(u32, usize)> = None;
        for (i, r) in rects.iter().enumerate() {
            if !inside(r) || !hard_clear(r) || !in_region(r) {
                continue;
            }
            let cost = covered(r);
            if pick.is_none_or(|(best, _)| cost < best) {
                pick = Some((cost, i));
            }
            if cost == 0 {
                break;
            }
        }
        let (_, pick) = pick?;
        self.placed.push(rects[pick]);
        Some(spots[pick])
    }
}

/// Groups flat outline rings into polygons: each exterior ring with the holes directly inside
/// it. A ring inside an odd number of other rings is a hole; it belongs to the smallest ring
/// around it. Returns `(exterior, holes)` ring indices in ring order.
pub fn nest_rings(rings: &[Vec<LonLat>]) -> Vec<(usize, Vec<usize>)> {
    let bbox: Vec<(f64, f64, f64, f64)> = rings
        .iter()
        .map(|r| {
            r.iter().fold(
                (
                    f64::INFINITY,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::NEG_INFINITY,
                ),
                |b, p| {
                    (
                        b.0.min(p.lon),
                        b.1.min(p.lat),
                        b.2.max(p.lon),
                        b.3.max(p.lat),
                    )
                },
            )
        })
        .collect();
    let area = |r: &[LonLat]| -> f64 {
        let mut a = 0.0;
        for (i, p) in r.iter().enumerate() {
            let q = r[(i + 1) % r.len()];
            a += p.lon * q.lat - q.lon * p.lat;
        }
        (a / 2.0).abs()
    };
    let inside = |p: LonLat, j: usize| -> bool {
        let b = bbox[j];
        if p.lon < b.0 || p.lon > b.2 || p.lat < b.1 || p.lat > b.3 {
            return false;
        }
        let r = &rings[j];
        let mut odd = false;
        for (i, a) in r.iter().enumerate() {
            let c = r[(i + 1) % r.len()];
            if (a.lat > p.lat) != (c.lat > p.lat)
                && p.lon < (c.lon - a.lon) * (p.lat - a.lat) / (c.lat - a.lat) + a.lon
            {
                odd = !odd;
            }
        }
        odd
    };
    let parents: Vec<Vec<usize>> = rings
        .iter()
        .enumerate()
        .map(|(i, r)| match r.first() {
            Some(&p) => (0..rings.len())
                .filter(|&j| j != i && rings[j].len() >= 3 && inside(p, j))
                .collect(),
            None => Vec::new(),
        })
        .collect();
    let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut slot = vec![usize::MAX; rings.len()];
    for (i, ps) in parents.iter().enumerate() {
        if ps.len().is_multiple_of(2) {
            slot[i] = out.len();
            out.push((i, Vec::new()));
        }
    }
    for (i, ps) in parents.iter().enumerate() {
        if !ps.len().is_multiple_of(2) {
            let parent = ps
                .iter()
                .copied()
                .filter(|&j| parents[j].len().is_multiple_of(2))
                .min_by(|&a, &b| area(&rings[a]).total_cmp(&area(&rings[b])).then(a.cmp(&b)));
            if let Some(j) = parent {
                out[slot[j]].1.push(i);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }

    #[test]
    fn the_projection_keeps_proportions() {
        // A square of 0.1° latitude by 0.1°/cos(60°) longitude is square on the ground.
        let c = 60f64.to_radians().cos();
        let f = Frame::fit(
            [ll(10.0, 59.95), ll(10.0 + 0.1 / c, 60.05)],
            1000,
            1000,
            0,
            0,
        );
        let (x0, y0) = f.project(ll(10.0, 60.05));
        let (x1, y1) = f.project(ll(10.0 + 0.1 / c, 59.95));
        assert!(((x1 - x0) - (y1 - y0)).abs() <= 2, "{x0},{y0} {x1},{y1}");
        assert!((x1 - x0 - 1000).abs() <= 2);
        // 0.1° of latitude is 11,119.5 m over 1000 px.
        assert!((f.m_per_px() - 11.1195).abs() < 0.01, "{}", f.m_per_px());
    }

    #[test]
    fn a_wide_region_gets_a_shorter_map() {
        let f = Frame::fit([ll(100.0, 38.0), ll(101.0, 38.1)], 1000, 800, 200, 0);
        assert_eq!(f.rect.2, 1000);
        assert!(f.rect.3 >= 200 && f.rect.3 < 800, "{:?}", f.rect);
        let f = f.at(50, 70);
        assert_eq!(f.project(ll(100.5, 38.05)), (550, 70 + f.rect.3 / 2));
    }

    #[test]
    fn scale_bars_are_round() {
        assert_eq!(nice_scale_m(1234.0), 1000.0);
        assert_eq!(nice_scale_m(2600.0), 2000.0);
        assert_eq!(nice_scale_m(7300.0), 5000.0);
        assert_eq!(nice_scale_m(50_000.0), 50_000.0);
        assert_eq!(nice_scale_m(0.0), 1.0);
    }

    #[test]
    fn rings_inside_rings_are_holes() {
        let square = |x: f64, y: f64, d: f64| {
            vec![
                ll(x, y),
                ll(x + d, y),
                ll(x + d, y + d),
                ll(x, y + d),
                ll(x, y),
            ]
        };
        // An island (2), a county with a hole (0 around 1), and an island in the hole (3).
        let rings = vec![
            square(0.0, 0.0, 10.0),
            square(2.0, 2.0, 6.0),
            square(20.0, 0.0, 1.0),
            square(4.0, 4.0, 1.0),
        ];
        assert_eq!(
            nest_rings(&rings),
            vec![(0, vec![1]), (2, vec![]), (3, vec![])]
        );
    }

    #[test]
    fn labels_do_not_overlap() {
        let mut p = LabelPlacer::new((0, 0, 400, 400));
        assert_eq!(p.place((200, 200), 60, 16), Some((200, 200)));
        // Same anchor: moves below, then above.
        assert_eq!(p.place((200, 200), 60, 16), Some((200, 221)));
        assert_eq!(p.place((200, 200), 60, 16), Some((200, 179)));
        // Nowhere inside the bounds: dropped.
        assert_eq!(p.place((200, 100), 500, 16), None);
        // Markers are avoided when a spot is free, covered when none is.
        let mut p = LabelPlacer::new((0, 0, 400, 400));
        p.avoid((90, 90, 110, 110), 1);
        assert_eq!(p.place((100, 100), 20, 10), Some((100, 130)));
        let mut p = LabelPlacer::new((0, 0, 60, 60));
        p.avoid((0, 0, 60, 60), 1);
        assert_eq!(p.place((30, 30), 20, 10), Some((30, 30)));
        // With markers everywhere, the spot covering the least weight wins.
        let mut p = LabelPlacer::new((0, 0, 400, 400));
        p.avoid((0, 0, 400, 400), 1);
        p.avoid((90, 90, 110, 110), 10);
        assert_eq!(p.place((100, 100), 20, 10), Some((100, 130)));
    }

    #[test]
    fn labels_stay_inside_the_outline() {
        // An L-shaped region: the anchor's own spot pokes out of it, the one below does not.
        let l_shape = vec![vec![
            (0, 0),
            (100, 0),
            (100, 200),
            (300, 200),
            (300, 300),
            (0, 300),
        ]];
        let mut p = LabelPlacer::new((0, 0, 400, 400)).within(&l_shape);
        let got = p.place((100, 190), 60, 16).expect("placed");
        let r = p.placed()[0];
        assert!(rect_inside_rings(&l_shape, r), "{got:?} {r:?}");
        assert!(!inside_rings(&l_shape, (150.0, 100.0)));
        assert!(inside_rings(&l_shape, (50.0, 100.0)));
        let mask = RegionMask::new(&l_shape, (0, 0, 400, 400));
        for (x, y) in [
            (50, 100),
            (150, 100),
            (250, 250),
            (350, 250),
            (99, 10),
            (101, 10),
        ] {
            assert_eq!(
                mask.contains((x, y)),
                inside_rings(&l_shape, (f64::from(x), f64::from(y))),
                "({x}, {y})"
            );
        }
        // Nowhere inside the outline: dropped.
        let mut p = LabelPlacer::new((0, 0, 400, 400)).within(&[vec![(0, 0), (10, 0), (10, 10)]]);
        assert_eq!(p.place((5, 5), 60, 16), None);
    }
}
