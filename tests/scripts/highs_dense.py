#!/usr/bin/env python3
"""Times HiGHS on the greenfield coverage instances of `yanglao bench dense`.

Not part of the test suite. Usage (from the project folder):

    cargo build --release
    ./target/release/yanglao bench dense --write-instances /tmp/dense
    pip install highspy
    python3 tests/scripts/highs_dense.py /tmp/dense/taizhou.cover [/tmp/dense/fujian.cover ...]

Options: `--threads N` (HiGHS threads, default 1), `--time-limit S` (per model, default 600),
`--points lscp,5,10,20,50,100,c0.9,c0.95,c0.99` (which models to solve; the default is every
one of these).

The instance format (written by `yanglao bench dense --write-instances DIR`): a line
`points candidates`, one line `weight covered` per point, then one line per candidate with the
number of points it covers followed by their indices.

Models, both on the compact formulation of the module doc of `src/solve/coverage.rs`:
- set covering (coverage 1.0): min sum x_j  s.t.  sum_{j covers i} x_j >= 1 for every point
  with positive weight that some candidate covers and no existing site does;
- maximal covering with p sites: max sum w_i y_i  s.t.  y_i <= sum_{j covers i} x_j,
  sum x_j <= p, x binary, 0 <= y <= 1;
- partial covering `cS` (share S of the reachable weight, as `bench dense` rows "covering S"):
  min sum x_j  s.t.  y_i <= sum_{j covers i} x_j,  sum w_i y_i >= S * reachable - covered
  weight, x binary, 0 <= y <= 1.
Each line prints the model, HiGHS's objective, its dual bound, its gap, its status and the
wall-clock time of `run()` (model building excluded).
"""

import argparse
import time

import highspy
import numpy as np


def read_instance(path):
    with open(path) as f:
        n, m = map(int, f.readline().split())
        weight = np.zeros(n)
        covered = np.zeros(n, dtype=bool)
        for i in range(n):
            w, c = f.readline().split()
            weight[i] = float(w)
            covered[i] = c == "1"
        sets = []
        for _ in range(m):
            parts = list(map(int, f.readline().split()))
            sets.append(parts[1:])
    return weight, covered, sets


def base_highs(threads, time_limit):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-6)
    return h


def open_points(weight, covered, sets):
    reach = np.zeros(len(weight), dtype=bool)
    for s in sets:
        reach[s] = True
    return [i for i in range(len(weight)) if weight[i] > 0 and not covered[i] and reach[i]]


def by_point(sets, n):
    cands = [[] for _ in range(n)]
    for j, s in enumerate(sets):
        for i in s:
            cands[i].append(j)
    return cands


def add_sites(h, m, cost):
    """The binary site variables x_0 .. x_{m-1} with the given objective coefficients."""
    h.addVars(m, np.zeros(m), np.ones(m))
    h.changeColsCost(m, np.arange(m, dtype=np.int32), np.asarray(cost, dtype=float))
    h.changeColsIntegrality(m, np.arange(m, dtype=np.int32),
                            np.array([highspy.HighsVarType.kInteger] * m))


def add_coverage(h, m, pts, cands, cost):
    """One y in [0, 1] per open point after the m site variables, with y_i <= sum x_j."""
    inf = highspy.kHighsInf
    k = len(pts)
    h.addVars(k, np.zeros(k), np.ones(k))
    h.changeColsCost(k, np.arange(m, m + k, dtype=np.int32), np.asarray(cost, dtype=float))
    for slot, i in enumerate(pts):
        idx = np.array([m + slot] + cands[i], dtype=np.int32)
        val = np.array([1.0] + [-1.0] * len(cands[i]))
        h.addRow(-inf, 0.0, len(idx), idx, val)


def lscp(weight, covered, sets, threads, time_limit):
    n, m = len(weight), len(sets)
    cands = by_point(sets, n)
    h = base_highs(threads, time_limit)
    inf = highspy.kHighsInf
    add_sites(h, m, np.ones(m))
    for i in open_points(weight, covered, sets):
        idx = np.array(cands[i], dtype=np.int32)
        h.addRow(1.0, inf, len(idx), idx, np.ones(len(idx)))
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    return h


def mclp(weight, covered, sets, p, threads, time_limit):
    n, m = len(weight), len(sets)
    cands = by_point(sets, n)
    pts = open_points(weight, covered, sets)
    h = base_highs(threads, time_limit)
    inf = highspy.kHighsInf
    add_sites(h, m, np.zeros(m))
    add_coverage(h, m, pts, cands, [weight[i] for i in pts])
    h.addRow(-inf, float(p), m, np.arange(m, dtype=np.int32), np.ones(m))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h, float(weight[covered].sum())


def partial(weight, covered, sets, share, threads, time_limit):
    n, m = len(weight), len(sets)
    cands = by_point(sets, n)
    pts = open_points(weight, covered, sets)
    h = base_highs(threads, time_limit)
    inf = highspy.kHighsInf
    add_sites(h, m, np.ones(m))
    add_coverage(h, m, pts, cands, np.zeros(len(pts)))
    k = len(pts)
    base = float(weight[covered].sum())
    reachable = base + float(sum(weight[i] for i in pts))
    # The same tolerance as the product's certificates (1e-6 people).
    need = share * reachable - base - 1e-6
    h.addRow(need, inf, k, np.arange(m, m + k, dtype=np.int32), np.array([weight[i] for i in pts]))
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    return h


def report(name, label, h, offset, secs):
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    obj = info.objective_function_value + offset
    bound = info.mip_dual_bound + offset
    gap = 100.0 * info.mip_gap
    print(f"{name:<10} {label:<22} {obj:>12.1f} {bound:>12.1f} {gap:>9.4f} {status:>10} {secs:>8.3f}",
          flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("instances", nargs="+")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--points", default="lscp,5,10,20,50,100,c0.9,c0.95,c0.99")
    a = ap.parse_args()
    print(f"HiGHS {highspy.Highs().version()}, threads {a.threads}")
    print(f"{'instance':<10} {'problem':<22} {'objective':>12} {'bound':>12} {'gap %':>9} {'status':>10} {'time s':>8}")
    for path in a.instances:
        name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        weight, covered, sets = read_instance(path)
        for point in a.points.split(","):
            if point == "lscp":
                h = lscp(weight, covered, sets, a.threads, a.time_limit)
                label, offset = "set covering (1.0)", 0.0
            elif point.startswith("c"):
                share = float(point[1:])
                h = partial(weight, covered, sets, share, a.threads, a.time_limit)
                label, offset = f"covering {share:.2f}", 0.0
            else:
                h, offset = mclp(weight, covered, sets, int(point), a.threads, a.time_limit)
                label = f"max covering p = {point}"
            t = time.perf_counter()
            h.run()
            report(name, label, h, offset, time.perf_counter() - t)


if __name__ == "__main__":
    main()
