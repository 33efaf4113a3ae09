#!/usr/bin/env python3
"""LP bound of an OR-Library `pmed` instance with HiGHS, to judge the Lagrangian bound of
`yanglao bench orlib` against it.

Not part of the test suite. Usage (from the project folder, `pip install highspy numpy`):

    python3 tests/scripts/pmed_lp.py /work/shared/benchmarks/pmed/pmed36.txt [--k 60,120,800]

The LP relaxation of the compact p-median model (ReVelle & Swain 1970) is solved on each
client's `k` nearest sites, every other site priced at the (k+1)-th nearest distance as in
Church's BEAMR (2008):

    min sum c_ij x_ij + c_i(k+1) z_i  s.t.  sum_j x_ij + z_i = 1,  x_ij <= y_j,  sum y_j = p

Its value is a lower bound of the full LP; it equals it once no `z_i` is used (printed as
`beyond`). Each line prints k, the LP value, the total of the z_i and the solve time.
"""

import argparse
import time

import highspy
import numpy as np


def read_pmed(path):
    with open(path) as f:
        nums = f.read().split()
    n, m, p = int(nums[0]), int(nums[1]), int(nums[2])
    d = np.full((n, n), np.inf)
    np.fill_diagonal(d, 0.0)
    at = 3
    for _ in range(m):
        i, j, c = int(nums[at]) - 1, int(nums[at + 1]) - 1, float(nums[at + 2])
        at += 3
        d[i, j] = c
        d[j, i] = c
    for k in range(n):
        d = np.minimum(d, d[:, k : k + 1] + d[k : k + 1, :])
    return d, p


def lp_bound(d, p, k):
    n = d.shape[0]
    order = np.argsort(d, axis=1, kind="stable")
    k = min(k, n)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    # Variables: y_0..y_{n-1}, then x (n*k), then z (n, only when k < n).
    nz = n if k < n else 0
    nv = n + n * k + nz
    cost = np.zeros(nv)
    cost[n : n + n * k] = np.take_along_axis(d, order[:, :k], axis=1).ravel()
    if nz:
        cost[n + n * k :] = np.take_along_axis(d, order[:, k : k + 1], axis=1).ravel()
    h.addVars(nv, np.zeros(nv), np.ones(nv))
    h.changeColsCost(nv, np.arange(nv, dtype=np.int32), cost)
    # Assignment rows.
    starts, index, value = [], [], []
    for i in range(n):
        starts.append(len(index))
        index.extend(range(n + i * k, n + (i + 1) * k))
        value.extend([1.0] * k)
        if nz:
            index.append(n + n * k + i)
            value.append(1.0)
    h.addRows(n, np.ones(n), np.ones(n), len(index), np.array(starts, dtype=np.int32),
              np.array(index, dtype=np.int32), np.array(value))
    # x_ij - y_j <= 0.
    rows = n * k
    starts = np.arange(0, 2 * rows, 2, dtype=np.int32)
    index = np.empty(2 * rows, dtype=np.int32)
    index[0::2] = np.arange(n, n + rows, dtype=np.int32)
    index[1::2] = order[:, :k].ravel().astype(np.int32)
    value = np.tile([1.0, -1.0], rows)
    h.addRows(rows, np.full(rows, -inf), np.zeros(rows), 2 * rows, starts, index, value)
    h.addRow(p, p, n, np.arange(n, dtype=np.int32), np.ones(n))
    t = time.time()
    h.run()
    secs = time.time() - t
    sol = np.array(h.getSolution().col_value)
    beyond = float(sol[n + n * k :].sum()) if nz else 0.0
    return h.getInfo().objective_function_value, beyond, secs, sol[:n]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("instance")
    ap.add_argument("--k", default="40,80,160")
    args = ap.parse_args()
    d, p = read_pmed(args.instance)
    for k in map(int, args.k.split(",")):
        value, beyond, secs, y = lp_bound(d, p, k)
        frac = int(((y > 1e-6) & (y < 1 - 1e-6)).sum())
        print(f"k {k:4d}  LP {value:.4f}  beyond {beyond:.4f}  fractional sites {frac}  {secs:.1f} s")


if __name__ == "__main__":
    main()
