#!/usr/bin/env python3
"""Validate the generated region folders against the CSV contract and the calibration.

    python3 data/gen/check.py --cnmaps /tmp/gen-deps/py [--data data]

Exits non-zero and lists every problem found.
"""

import argparse
import csv
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as g  # noqa: E402

HEADERS = {
    "villages.csv": ["id", "name", "township", "lon", "lat", "elderly", "elderly_80", "disabled", "kind"],
    "facilities.csv": ["id", "name", "type", "township", "lon", "lat", "beds", "nursing_beds",
                       "max_beds", "public", "capacity"],
    "candidates.csv": ["id", "name", "township", "lon", "lat", "allow", "max_beds", "cost"],
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--cnmaps", default="/tmp/gen-deps/py")
    ap.add_argument("--data", default=os.path.dirname(here))
    args = ap.parse_args()
    problems = []

    def bad(region, msg):
        problems.append(f"{region}: {msg}")

    for cfg in g.REGIONS:
        key = cfg["key"]
        folder = os.path.join(args.data, key)
        outline = g.Outline.load(os.path.join(args.cnmaps, g.OUTLINE_DIR, cfg["outline"] + ".geojson"))
        tables = {}
        for fname, header in HEADERS.items():
            path = os.path.join(folder, fname)
            raw = open(path, "rb").read()
            if raw.startswith(b"\xef\xbb\xbf"):
                bad(key, f"{fname}: BOM")
            if b"\r" in raw:
                bad(key, f"{fname}: CR characters")
            text = raw.decode("utf-8")
            rows = list(csv.reader(text.splitlines()))
            if rows[0] != header:
                bad(key, f"{fname}: header {rows[0]}")
            tables[fname] = [dict(zip(rows[0], r)) for r in rows[1:]]
            for n, r in enumerate(rows[1:], 2):
                if len(r) != len(header):
                    bad(key, f"{fname} line {n}: {len(r)} fields")
        V, F, C = tables["villages.csv"], tables["facilities.csv"], tables["candidates.csv"]

        if len(V) != cfg["expect"]:
            bad(key, f"{len(V)} villages, expected {cfg['expect']}")
        ids = [r["id"] for r in V + F + C]
        if len(ids) != len(set(ids)):
            bad(key, "duplicate ids across the three files")
        townships = {r["township"] for r in V}
        for fname, rows in (("villages.csv", V), ("facilities.csv", F), ("candidates.csv", C)):
            for r in rows:
                lon, lat = float(r["lon"]), float(r["lat"])
                if not (73 <= lon <= 136 and 3 <= lat <= 54):
                    bad(key, f"{fname} {r['id']}: outside China bounds")
                if not outline.contains(lon, lat):
                    bad(key, f"{fname} {r['id']}: outside the outline")
                if r["township"] not in townships:
                    bad(key, f"{fname} {r['id']}: unknown township {r['township']}")
                if "," in r["name"] or "," in r["township"]:
                    bad(key, f"{fname} {r['id']}: comma in a name")
        for r in V:
            if len(r["id"]) != 12 or not r["id"].isdigit():
                bad(key, f"village id {r['id']}")
            kind = "urban" if int(r["id"][9:12]) < 200 else "rural"
            if r["kind"] != kind:
                bad(key, f"village {r['id']}: kind {r['kind']}")
            e, e80, dis = int(r["elderly"]), int(r["elderly_80"]), int(r["disabled"])
            if min(e, e80, dis) < 0 or e80 > e or dis > e:
                bad(key, f"village {r['id']}: counts {e} {e80} {dis}")
        for r in F:
            if r["type"] not in ("day_care", "station", "comprehensive", "institution"):
                bad(key, f"facility {r['id']}: type {r['type']}")
            b, nb = int(r["beds"]), int(r["nursing_beds"])
            if nb > b or nb < 0:
                bad(key, f"facility {r['id']}: nursing_beds {nb} > beds {b}")
            if r["max_beds"] and int(r["max_beds"]) < b:
                bad(key, f"facility {r['id']}: max_beds < beds")
            if r["public"] not in ("true", "false"):
                bad(key, f"facility {r['id']}: public {r['public']}")
            if r["capacity"] and int(r["capacity"]) < 0:
                bad(key, f"facility {r['id']}: capacity")
        for r in C:
            if r["allow"] not in ("day_care", "institution", "both"):
                bad(key, f"candidate {r['id']}: allow {r['allow']}")
            if r["allow"] != "day_care" and not r["max_beds"]:
                bad(key, f"candidate {r['id']}: max_beds missing")
            if r["allow"] == "day_care" and r["max_beds"]:
                bad(key, f"candidate {r['id']}: max_beds on a day-care site")

        elderly = sum(int(r["elderly"]) for r in V)
        beds = sum(int(r["beds"]) for r in F)
        nursing = sum(int(r["nursing_beds"]) for r in F)
        if elderly != cfg["elderly"]:
            bad(key, f"elderly {elderly} != {cfg['elderly']}")
        if beds != cfg["beds"]:
            bad(key, f"beds {beds} != {cfg['beds']}")
        if nursing != round(cfg["nursing_share"] * cfg["beds"]):
            bad(key, f"nursing beds {nursing}")
        inst_b = sum(int(r["beds"]) for r in F if r["type"] == "institution")
        inst_n = sum(int(r["nursing_beds"]) for r in F if r["type"] == "institution")
        fc = json.load(open(os.path.join(folder, "boundary.geojson"), encoding="utf-8"))
        if fc.get("type") != "FeatureCollection" or len(fc["features"]) != 1:
            bad(key, "boundary.geojson is not a FeatureCollection with one feature")
        size = os.path.getsize(os.path.join(folder, "boundary.geojson"))
        print(f"{key:9s} villages {len(V):6d}  elderly {elderly:9d}  beds {beds:7d} "
              f"({beds / elderly * 1000:.2f} per 1000)  nursing {nursing / beds:.3f} "
              f"(institutions {inst_n / max(inst_b, 1):.3f})  public "
              f"{sum(int(r['beds']) for r in F if r['public'] == 'true') / beds:.3f}  "
              f"facilities {len(F)}  candidates {len(C)}  outline {size} B")
    for p in problems:
        print("PROBLEM", p)
    print(f"{len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
