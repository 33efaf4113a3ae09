#!/usr/bin/env python3
"""Strongest bounds of two relaxations of a capacitated p-median instance.

Not part of the test suite: a measurement that tells whether the product's Lagrangian bound
falls short of its own relaxation's optimum (a fault of the subgradient) or whether the
relaxation itself is weak (a matter for the tree). Usage (from the project folder):

    pip install highspy numpy
    python3 tests/scripts/cpmp_bounds.py ../shared/benchmarks/pmedcap/pmedcap1-8.txt [...]

Instances: the OR-Library `pmedcap` format (`number optimum`, `n p capacity`, then `id x y
demand`; costs are Euclidean distances rounded down) or the SJC format (`n p`, then `x y
capacity demand`; exact distances), told apart by the file name.

For each instance it prints
- `compact`: the linear relaxation of the compact model with the strong linking
  `x_ij <= y_j`:  min sum c_ij x_ij  s.t.  sum_j x_ij = 1,  sum_i d_i x_ij <= Q_j y_j,
  x_ij <= y_j,  sum_j y_j = p,  0 <= x, y <= 1;
- `knapsack`: the optimum of the Lagrangian dual that relaxes the assignment constraints and
  keeps a 0-1 knapsack per site (the product's relaxation), computed as the linear
  relaxation of its set-partitioning reformulation by column generation (Lorena & Senne
  2004): columns are (site, cluster) pairs, rows the clients (= 1), the count of sites
  (<= p) and each site (<= 1); the pricing problem is one exact knapsack per site by dynamic
  programming (whole demands and capacities). The script also prints the best Lagrangian
  value `sum lambda_i + sum of the p least rho_j` seen at the master's duals, a valid bound
  at every round, which meets the master's value at the end.
"""

import argparse
import math
import sys
import time

import highspy
import numpy as np


def read(path):
    with open(path) as f:
        nums = f.read().split()
    if "sjc" in path.lower().rsplit("/", 1)[-1].lower():
        n, p = int(nums[0]), int(nums[1])
        rows = np.array(nums[2 : 2 + 4 * n], dtype=float).reshape(n, 4)
        pts, cap, dem = rows[:, :2], rows[:, 2], rows[:, 3]
        cost = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1))
        known = None
    else:
        known = float(nums[1])
        n, p, q = int(nums[2]), int(nums[3]), float(nums[4])
        rows = np.array(nums[5 : 5 + 4 * n], dtype=float).reshape(n, 4)
        pts, dem = rows[:, 1:3], rows[:, 3]
        cap = np.full(n, q)
        cost = np.floor(np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1)))
    return cost, dem, cap, p, known


def compact_lp(cost, dem, cap, p):
    n, m = cost.shape
    h = highspy.Highs()
    h.silent()
    inf = highspy.kHighsInf
    # Columns: x_ij (i*m + j), then y_j.
    nx = n * m
    h.addVars(nx + m, np.zeros(nx + m), np.ones(nx + m))
    h.changeColsCost(nx + m, np.arange(nx + m, dtype=np.int32),
                     np.concatenate([cost.ravel(), np.zeros(m)]))
    for i in range(n):
        idx = np.arange(i * m, (i + 1) * m, dtype=np.int32)
        h.addRow(1.0, 1.0, m, idx, np.ones(m))
    for j in range(m):
        idx = np.concatenate([np.arange(j, nx, m), [nx + j]]).astype(np.int32)
        val = np.concatenate([dem, [-cap[j]]])
        h.addRow(-inf, 0.0, len(idx), idx, val)
    for i in range(n):
        for j in range(m):
            h.addRow(-inf, 0.0, 2, np.array([i * m + j, nx + j], dtype=np.int32),
                     np.array([1.0, -1.0]))
    h.addRow(p, p, m, np.arange(nx, nx + m, dtype=np.int32), np.ones(m))
    h.run()
    return h.getInfo().objective_function_value


def knapsack(profit, weight, capacity):
    """Max sum profit x, sum weight x <= capacity, x 0-1; whole weights. (value, items)."""
    cap = int(capacity)
    items = [k for k in range(len(profit)) if profit[k] > 1e-12 and weight[k] <= cap]
    best = np.zeros(cap + 1)
    take = np.zeros((len(items), cap + 1), dtype=bool)
    for r, k in enumerate(items):
        w = int(weight[k])
        cand = np.full(cap + 1, -np.inf)
        cand[w:] = best[: cap + 1 - w] + profit[k]
        better = cand > best + 1e-12
        take[r] = better
        best = np.where(better, cand, best)
    c = cap
    chosen = []
    for r in range(len(items) - 1, -1, -1):
        if take[r, c]:
            chosen.append(items[r])
            c -= int(weight[items[r]])
    return best[cap], chosen


def knapsack_lp(cost, dem, cap, p, rounds=2000, verbose=False):
    n, m = cost.shape
    big = 10.0 * cost.max() * n + 1.0
    h = highspy.Highs()
    h.silent()
    inf = highspy.kHighsInf
    # Rows: clients 0..n-1 (= 1), count n (<= p), sites n+1..n+m (<= 1).
    h.addRows(n, np.ones(n), np.ones(n), 0, np.array([], dtype=np.int32),
              np.array([], dtype=np.int32), np.array([]))
    h.addRow(-inf, p, 0, np.array([], dtype=np.int32), np.array([]))
    h.addRows(m, np.full(m, -inf), np.ones(m), 0, np.array([], dtype=np.int32),
              np.array([], dtype=np.int32), np.array([]))
    for i in range(n):
        h.addCol(big, 0.0, inf, 1, np.array([i], dtype=np.int32), np.array([1.0]))
    seen = set()
    best_lagrange = -math.inf
    lp = math.inf
    for it in range(rounds):
        h.run()
        lp = h.getInfo().objective_function_value
        dual = np.array(h.getSolution().row_dual)
        lam, mu, sigma = dual[:n], dual[n], dual[n + 1 :]
        rho = np.zeros(m)
        added = 0
        for j in range(m):
            v, items = knapsack(lam - cost[:, j], dem, cap[j])
            rho[j] = -v
            reduced = -v - mu - sigma[j]
            key = (j, tuple(sorted(items)))
            if reduced < -1e-7 and key not in seen:
                seen.add(key)
                idx = np.array(sorted(items) + [n, n + 1 + j], dtype=np.int32)
                h.addCol(float(cost[items, j].sum()), 0.0, inf, len(idx), idx,
                         np.ones(len(idx)))
                added += 1
        lagrange = lam.sum() + np.sort(rho)[:p].sum()
        best_lagrange = max(best_lagrange, lagrange)
        if verbose:
            print(f"  round {it}: master {lp:.4f} lagrange {lagrange:.4f} added {added}",
                  file=sys.stderr)
        if added == 0:
            break
    return lp, best_lagrange


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--no-compact", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    for path in args.files:
        cost, dem, cap, p, known = read(path)
        name = path.rsplit("/", 1)[-1]
        t = time.time()
        comp = math.nan if args.no_compact else compact_lp(cost, dem, cap, p)
        lp, lag = knapsack_lp(cost, dem, cap, p, verbose=args.verbose)
        print(f"{name}: known {known} compact {comp:.3f} knapsack {lp:.3f} "
              f"(best lagrange {lag:.3f}) {time.time() - t:.1f} s", flush=True)


if __name__ == "__main__":
    main()
