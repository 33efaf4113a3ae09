#!/usr/bin/env python3
"""Solves the joint street, township, county and coverage program of a `yanglao solve` run with HiGHS.

    target/release/yanglao solve lscp seeds/taizhou.toml --write-instance /tmp/inst.json
    python3 tests/scripts/rules_cover_ilp.py /tmp/inst.json

The instance (src/solve/rules_cover.rs, `RulesCoverInstance`) holds people per point, the
points covered before, the points each candidate reaches, a price per candidate (null: it
cannot open), the people to cover in all, the group rules and the count rows (a county's
rural centres). The model is built here from those alone, without the reductions of the Rust solver:

    min sum c_j x_j  s.t.  y_i <= sum_{j reaches i} x_j,  sum w_i y_i >= target - base,
                           sum_{j in g} x_j >= at_least_g,  sum_{j in c} x_j >= at_least_c,
                           z_g <= sum_{j in g} x_j,  sum_{g without a centre} z_g >= need - have,
                           x binary, y, z in [0, 1]

Prints the LP relaxation, HiGHS's optimum and its proven bound. Needs highspy. Not run by
`cargo test`.
"""
import json
import sys

import highspy
import numpy as np


def solve(inst, relax):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    inf = highspy.kHighsInf
    price = inst["price"]
    m = len(price)
    x = {}
    for j, c in enumerate(price):
        if c is not None:
            x[j] = h.addVariable(lb=0.0, ub=1.0, obj=c)
    if not relax:
        h.changeColsIntegrality(
            len(x),
            np.array([v.index for v in x.values()], dtype=np.int32),
            np.array([highspy.HighsVarType.kInteger] * len(x)),
        )
    weight, covered = inst["weight"], inst["covered"]
    base = sum(w for w, c in zip(weight, covered) if c)
    need = inst["target"] - base
    if need > 1e-6:
        by_point = [[] for _ in weight]
        for j in x:
            for i in inst["sets"][j]:
                by_point[i].append(j)
        total = []
        for i, js in enumerate(by_point):
            if covered[i] or not js or weight[i] <= 0:
                continue
            y = h.addVariable(lb=0.0, ub=1.0)
            h.addConstr(y - sum(x[j] for j in js) <= 0)
            total.append((weight[i], y))
        h.addConstr(sum(w * y for w, y in total) >= need)
    groups = len(inst["has"])
    members = [[] for _ in range(groups)]
    for j, g in enumerate(inst["group"]):
        if g is not None and j in x:
            members[g].append(x[j])
    for g, k in enumerate(inst["at_least"]):
        if k > 0:
            if not members[g]:
                return None
            h.addConstr(sum(members[g]) >= k)
    for row in inst.get("counts", []):
        if row["at_least"] > 0:
            row_vars = [x[j] for j in row["members"] if j in x]
            if len(row_vars) < row["at_least"]:
                return None
            h.addConstr(sum(row_vars) >= row["at_least"])
    have = sum(inst["has"])
    if inst["need_groups"] > have:
        zs = []
        for g in range(groups):
            if not inst["has"][g] and members[g]:
                z = h.addVariable(lb=0.0, ub=1.0)
                h.addConstr(z - sum(members[g]) <= 0)
                zs.append(z)
        h.addConstr(sum(zs) >= inst["need_groups"] - have)
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        return None
    info = h.getInfo()
    sol = h.getSolution().col_value
    opened = [j for j, v in x.items() if sol[v.index] > 0.5]
    bound = info.objective_function_value if relax else info.mip_dual_bound
    return info.objective_function_value, bound, opened, m


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        inst = json.load(f)
    lp = solve(inst, relax=True)
    ip = solve(inst, relax=False)
    if ip is None:
        print("infeasible")
        return
    print(f"candidates {ip[3]}, points {len(inst['weight'])}")
    if lp is not None:
        print(f"LP relaxation {lp[0]:.4f}")
    print(f"HiGHS optimum {ip[0]:.4f}, bound {ip[1]:.4f}, {len(ip[2])} candidates open")


if __name__ == "__main__":
    main()
