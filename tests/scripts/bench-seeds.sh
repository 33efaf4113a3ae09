#!/usr/bin/env bash
# Wall time, CPU time and peak memory of `yanglao plan` on every seed, best of N runs, and
# whether a second binary writes the same bytes (summary.json compared without its timings).
# Not run by `cargo test`.
#
#   tests/scripts/bench-seeds.sh target/release/yanglao [OTHER_BINARY] [RUNS]
set -euo pipefail
bin=${1:?binary}
other=${2:-}
runs=${3:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-10s %-8s %8s %8s %10s\n' seed binary wall_s cpu_s peak_MB
for seed in minle jianghai jinjiang taizhou fujian; do
  for b in "$bin" ${other:+"$other"}; do
    tag=$([ "$b" = "$bin" ] && echo a || echo b)
    best=""
    for _ in $(seq "$runs"); do
      line=$(/usr/bin/time -f '%e %U %S %M' "$b" plan "seeds/$seed.toml" --out "$out/$tag" --quiet 2>&1 | tail -1)
      read -r wall user sys kb <<<"$line"
      if [ -z "$best" ] || awk "BEGIN{exit !($wall < ${best%% *})}"; then
        best="$wall $(awk "BEGIN{print $user + $sys}") $((kb / 1024))"
      fi
    done
    read -r wall cpu mb <<<"$best"
    printf '%-10s %-8s %8s %8s %10s\n' "$seed" "$tag" "$wall" "$cpu" "$mb"
  done
  if [ -n "$other" ]; then
    python3 - "$out/a/$seed" "$out/b/$seed" <<'PY'
import json, os, sys
a, b = sys.argv[1:]
names = sorted(os.listdir(a))
assert names == sorted(os.listdir(b)), "different files"
for n in names:
    x, y = open(os.path.join(a, n), 'rb').read(), open(os.path.join(b, n), 'rb').read()
    if n == 'summary.json':
        x, y = json.loads(x), json.loads(y)
        x.pop('timings'); y.pop('timings')
    if x != y:
        sys.exit(f"{a}: {n} differs")
print(f"  same bytes: {len(names)} files")
PY
  fi
done
