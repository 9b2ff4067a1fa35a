"""The cohort-goals model of `goals-bench --export DIR` in HiGHS (highspy) and OR-Tools CP-SAT.

    python benches/goals_peers.py DIR [--limit 120] [--solvers highs,cpsat]

One binary variable per allowed pair; every mentee matched once; mentor capacities; at least
`min_north` pairs with a northern mentor; at most `max_per_dept` pairs per mentor department.
Maximises the total score (CP-SAT: scores scaled by 1e4 and rounded; the objective printed is
recomputed from the exact scores). Prints one line per solver: status, seconds (model building
included), objective, bound, gap.
"""
import argparse
import csv
import time
from collections import defaultdict


def load(d):
    pairs = [(int(r["i"]), int(r["j"]), float(r["score"])) for r in csv.DictReader(open(f"{d}/pairs.csv"))]
    mentors = {int(r["j"]): r for r in csv.DictReader(open(f"{d}/mentors.csv"))}
    meta = next(csv.DictReader(open(f"{d}/meta.csv")))
    return pairs, mentors, {k: int(v) for k, v in meta.items()}


def rows(pairs, mentors, meta):
    by_mentee, by_mentor, north, dept = defaultdict(list), defaultdict(list), [], defaultdict(list)
    for k, (i, j, _) in enumerate(pairs):
        by_mentee[i].append(k)
        by_mentor[j].append(k)
        if mentors[j]["north"] == "1":
            north.append(k)
        if int(mentors[j]["dept"]) >= 0:
            dept[int(mentors[j]["dept"])].append(k)
    return by_mentee, by_mentor, north, dept


def highs(pairs, mentors, meta, limit):
    import highspy
    import numpy as np

    t = time.time()
    by_mentee, by_mentor, north, dept = rows(pairs, mentors, meta)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(limit))
    h.setOptionValue("mip_rel_gap", 0.0)
    n = len(pairs)
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.col_cost_ = np.array([s for _, _, s in pairs], dtype=np.double)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.sense_ = highspy.ObjSense.kMaximize
    starts, index, lo, hi = [0], [], [], []

    def add(ks, a, b):
        index.extend(ks)
        starts.append(len(index))
        lo.append(a)
        hi.append(b)

    for i in range(meta["mentees"]):
        add(by_mentee[i], 1.0, 1.0)
    for j, ks in by_mentor.items():
        add(ks, -inf, float(mentors[j]["capacity"]))
    add(north, float(meta["min_north"]), inf)
    for ks in dept.values():
        add(ks, -inf, float(meta["max_per_dept"]))
    lp.num_row_ = len(lo)
    lp.row_lower_ = np.array(lo)
    lp.row_upper_ = np.array(hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.ones(len(index))
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h.passModel(lp)
    h.run()
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    has = info.primal_solution_status == 2
    obj = info.objective_function_value if has else None
    return status, time.time() - t, obj, info.mip_dual_bound


def cpsat(pairs, mentors, meta, limit):
    from ortools.sat.python import cp_model

    t = time.time()
    by_mentee, by_mentor, north, dept = rows(pairs, mentors, meta)
    m = cp_model.CpModel()
    x = [m.NewBoolVar("") for _ in pairs]
    for i in range(meta["mentees"]):
        m.AddExactlyOne([x[k] for k in by_mentee[i]])
    for j, ks in by_mentor.items():
        m.Add(sum(x[k] for k in ks) <= int(mentors[j]["capacity"]))
    m.Add(sum(x[k] for k in north) >= meta["min_north"])
    for ks in dept.values():
        m.Add(sum(x[k] for k in ks) <= meta["max_per_dept"])
    m.Maximize(sum(round(s * 1e4) * x[k] for k, (_, _, s) in enumerate(pairs)))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(limit)
    solver.parameters.num_workers = 2
    st = solver.Solve(m)
    status = solver.StatusName(st)
    obj = None
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        obj = sum(s for k, (_, _, s) in enumerate(pairs) if solver.Value(x[k]))
    return status, time.time() - t, obj, solver.BestObjectiveBound() / 1e4


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--limit", type=float, default=120)
    ap.add_argument("--solvers", default="highs,cpsat")
    a = ap.parse_args()
    pairs, mentors, meta = load(a.dir)
    for name in a.solvers.split(","):
        f = {"highs": highs, "cpsat": cpsat}[name]
        status, secs, obj, bound = f(pairs, mentors, meta, a.limit)
        gap = (bound - obj) / abs(bound) * 100 if obj is not None and bound else None
        print(
            f"{meta['mentees']}x{meta['mentors']} {name}: {status} in {secs:.1f} s, objective "
            f"{'none' if obj is None else f'{obj:.4f}'}, bound {bound:.4f}, gap "
            f"{'n/a' if gap is None else f'{gap:.4f}%'}",
            flush=True,
        )


if __name__ == "__main__":
    main()
