"""Peer comparison: mentormatch.linear_sum_assignment against the other assignment solvers a user
would pick (scipy, every lapx solver, OR-Tools), on the same matrices, in one process, with the
peers' runs alternated (round-robin, rotated each repetition) and the median of N reported.
Every timed call starts with cold caches (a 128 MB sweep, larger than any L3, runs before it,
untimed): otherwise a solver inherits whatever the previous peer left in cache, and the five
lapx solvers, which share one prepared input, would mostly run on a warm copy of it while the
others would not.

    python benches/peers.py [--quick] [--reps N] [--out benches/RESULTS.md]

Run it with the installed wheel (benches/run_peers.sh builds a scratch venv). Timings include each
peer's own input handling (dtype conversion, padding, OR-Tools' arc construction) because a user
pays that too; preparing the *input* matrix (inf -> large finite, float -> int for OR-Tools) is
done once, outside the timed region.
"""

import argparse
import gc
import os
import platform
import statistics
import sys
import time

# Never import the source tree's mentormatch (no compiled _core there): use the installed wheel.
_repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path = [p for p in sys.path
            if os.path.abspath(p or os.getcwd()) not in (_repo, os.path.join(_repo, "python"))]

import numpy as np
import pandas as pd

import mentormatch as mm
import scipy
from scipy.optimize import linear_sum_assignment as scipy_lsa

try:
    import lap
except ImportError:  # pragma: no cover
    lap = None
try:
    import ortools
    from ortools.graph.python import linear_sum_assignment as ort_lsa
except ImportError:  # pragma: no cover
    ortools = None
    ort_lsa = None

BIG = 1e9            # forbidden entries for solvers given a finite matrix
ORT_SCALE = 1e10     # float -> int64 scaling for OR-Tools (rounding error <= n * 5e-11)
SLOW_LIMIT = 20.0    # seconds: a peer whose first run exceeds this is run only once


# ---------------------------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------------------------

class Problem:
    def __init__(self, family, label, cost):
        self.family = family
        self.label = label
        self.cost = np.ascontiguousarray(cost, dtype=np.float64)   # +inf = forbidden
        self.finite = np.where(np.isinf(self.cost), BIG, self.cost)
        self.square = cost.shape[0] == cost.shape[1]
        self.has_inf = bool(np.isinf(self.cost).any())
        self.integer = bool(np.all(self.finite == np.round(self.finite)))
        self._ort = None

    def ort_arcs(self):
        if self._ort is None:
            n, m = self.finite.shape
            scale = 1 if self.integer else ORT_SCALE
            c = np.rint(self.finite * scale).astype(np.int64)
            tails = np.repeat(np.arange(n, dtype=np.int64), m)
            heads = np.tile(np.arange(m, dtype=np.int64), n)
            self._ort = (tails, heads, c.ravel())
        return self._ort


def random_cohort(n_mentees, n_mentors, rng):
    departments = [f"Dept{i}" for i in range(12)]
    locations = ["Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø", "Kristiansand"]
    backgrounds = ["journalism", "engineering", "economics", "law", "design", "humanities"]
    interests = ["music", "sport", "travel", "food", "gaming", "literature", "film",
                 "outdoors", "art", "politics", "science", "podcasts"]
    topics = ["digital", "social media", "young audiences", "leadership", "data",
              "video", "podcast", "diversity", "strategy", "product", "audio", "design"]

    def pick(pool, lo, hi, k):
        return [";".join(rng.choice(pool, size=rng.integers(lo, hi + 1), replace=False))
                for _ in range(k)]

    def side(prefix, k):
        return {
            "id": [f"{prefix}{i:05d}" for i in range(k)],
            "department": rng.choice(departments, size=k),
            "location": rng.choice(locations, size=k),
            "background": rng.choice(backgrounds, size=k),
            "interests": pick(interests, 1, 4, k),
        }

    mentors = pd.DataFrame(side("M", n_mentors))
    mentors["offers"] = pick(topics, 1, 4, n_mentors)
    mentors["capacity"] = 1
    mentees = pd.DataFrame(side("L", n_mentees))
    mentees["needs"] = pick(topics, 1, 3, n_mentees)
    return mentors, mentees


def make_problems(quick):
    rng = np.random.default_rng(20240601)
    probs = []
    for n in (500, 1000, 2000) + (() if quick else (4000,)):
        probs.append(Problem("dense uniform", f"uniform {n}x{n}", rng.random((n, n))))
    for n in (1000, 2000):
        probs.append(Problem("integer 0..100", f"int0-100 {n}x{n}",
                             rng.integers(0, 101, size=(n, n)).astype(np.float64)))
    for n in (500, 2000):
        c = rng.random((n, 2 * n))
        c[rng.random(c.shape) < 0.15] = np.inf
        probs.append(Problem("rect 15% forbidden", f"rect {n}x{2 * n} 15%inf", c))
    mentors, mentees = random_cohort(1000, 2000, rng)
    t = time.perf_counter()
    scores, allowed = mm.score_matrix(mentors, mentees)
    score_s = time.perf_counter() - t
    s = scores.to_numpy(dtype=np.float64)
    a = allowed.to_numpy(dtype=bool)
    cost = np.where(a, -s, np.inf)
    p = Problem("scored cohort", "cohort 1000x2000", cost)
    p.note = (f"score_matrix took {score_s * 1000:.0f} ms; {len(np.unique(s[a]))} distinct scores, "
              f"{100 * (1 - a.mean()):.1f}% forbidden")
    probs.append(p)
    return probs


# ---------------------------------------------------------------------------------------------
# Peers: each returns (rows, cols) of the assignment; None if the peer does not apply.
# ---------------------------------------------------------------------------------------------

def _lap_extend(p):
    return not p.square


def peer_list():
    peers = [
        ("mentormatch", lambda p: (lambda: mm.linear_sum_assignment(p.cost))),
        ("scipy", lambda p: (lambda: scipy_lsa(p.cost))),
    ]
    if lap is not None:
        def lapjv(p):
            def run():
                _, x, _ = lap.lapjv(p.finite, extend_cost=_lap_extend(p))
                r = np.nonzero(x >= 0)[0]
                return r, x[r]
            return run
        peers.append(("lap.lapjv", lapjv))
        for name in ("lapjvx", "lapjvs", "lapjvr", "lapjvh"):
            f = getattr(lap, name, None)
            if f is None:
                continue
            peers.append((f"lap.{name}",
                          (lambda f: lambda p: (lambda: f(p.finite, extend_cost=_lap_extend(p))[1:]))(f)))
        if hasattr(lap, "lapjvc"):
            peers.append(("lap.lapjvc", lambda p: (lambda: lap.lapjvc(p.finite)[1:])))
    if ort_lsa is not None:
        def ort(p):
            if not p.square:
                return None            # LinearSumAssignment needs a perfect matching on a square graph
            tails, heads, costs = p.ort_arcs()

            def run():
                a = ort_lsa.SimpleLinearSumAssignment()
                a.add_arcs_with_cost(tails, heads, costs)
                st = a.solve()
                if st != a.OPTIMAL:
                    raise RuntimeError(f"OR-Tools status {st}")
                n = p.cost.shape[0]
                rows = np.arange(n)
                return rows, np.array([a.right_mate(i) for i in rows])
            return run
        peers.append(("ortools", ort))
    return peers


def objective(p, rows, cols):
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    k = min(p.cost.shape)
    if len(rows) != k or len(np.unique(cols)) != k or len(np.unique(rows)) != k:
        return np.nan
    return float(p.cost[rows, cols].sum())


# ---------------------------------------------------------------------------------------------

_SWEEP = None


def evict_caches():
    """Reads 128 MB (more than any L3) so that the next timed call starts with cold caches."""
    global _SWEEP
    if _SWEEP is None:
        _SWEEP = np.ones(16 << 20)
    return float(_SWEEP.sum())


def bench(problems, reps):
    peers = peer_list()
    results = []   # (problem, {peer: (median_s, nruns)}, {peer: objective}, notes)
    for p in problems:
        runners = {}
        for name, mk in peers:
            r = mk(p)
            if r is not None:
                runners[name] = r
        times = {k: [] for k in runners}
        objs, errors = {}, {}
        names = list(runners)
        print(f"[{p.label}]", flush=True)
        for rep in range(reps):
            order = names[rep % len(names):] + names[:rep % len(names)]
            for name in order:
                if name in errors or (rep > 0 and times[name] and times[name][0] > SLOW_LIMIT):
                    continue
                gc.collect()
                evict_caches()
                t = time.perf_counter()
                try:
                    rows, cols = runners[name]()
                except Exception as e:   # record, don't abort the whole run
                    errors[name] = f"{type(e).__name__}: {e}"[:120]
                    continue
                times[name].append(time.perf_counter() - t)
                if rep == 0:
                    objs[name] = objective(p, rows, cols)
        med = {k: (statistics.median(v), len(v)) for k, v in times.items() if v}
        for k, (m, nr) in sorted(med.items(), key=lambda kv: kv[1][0]):
            print(f"    {k:14s} {m * 1000:10.1f} ms  obj={objs[k]:.9g}", flush=True)
        for k, e in errors.items():
            print(f"    {k:14s} ERROR {e}", flush=True)
        results.append((p, med, objs, errors))
    return results


def versions():
    v = {"python": platform.python_version(), "numpy": np.__version__,
         "scipy": scipy.__version__, "pandas": pd.__version__,
         "mentormatch": getattr(mm, "__version__", "?")}
    try:
        from importlib.metadata import version
        v["lapx"] = version("lapx")
    except Exception:
        v["lapx"] = "not installed"
    v["ortools"] = ortools.__version__ if ortools is not None else "not installed"
    return v


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    return {"nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
            "loadavg (1/5/15 min, at end)": load}


MARKER = "<!-- peers.py regenerates everything above this line and keeps what follows -->"


def report(results, reps, quick, path, wall):
    peers = [name for name, _ in peer_list()]
    lines = ["# Peer comparison: linear sum assignment", ""]
    lines.append(f"Generated by `benches/peers.py{' --quick' if quick else ''}` "
                 f"(median of {reps} alternating runs per peer, same matrices, one process, "
                 f"caches swept cold before every timed call; "
                 f"total wall time {wall:.0f} s).")
    lines.append("")
    lines.append("## Machine and versions")
    lines.append("")
    for k, v in machine().items():
        lines.append(f"- {k}: {v}")
    for k, v in versions().items():
        lines.append(f"- {k} {v}")
    lines.append("")
    lines.append("## Median time in ms (ratio to the fastest peer on that problem)")
    lines.append("")
    lines.append("| problem | " + " | ".join(peers) + " |")
    lines.append("|---|" + "---:|" * len(peers))
    mismatches = []
    for p, med, objs, errors in results:
        best = min(m for m, _ in med.values())
        ref = objs.get("scipy", objs.get("mentormatch"))
        cells = []
        for name in peers:
            if name in errors:
                cells.append("error")
            elif name not in med:
                cells.append("n/a")
            else:
                m, nr = med[name]
                c = f"{m * 1000:.1f} ({m / best:.2f}x)"
                if m == best:
                    c = f"**{c}**"
                if nr < reps:
                    c += f" [{nr} run]"
                o = objs[name]
                if not (np.isfinite(o) and abs(o - ref) <= 1e-6 * max(1.0, abs(ref))):
                    c += " MISMATCH"
                    mismatches.append(f"- {p.label}: {name} objective {o!r} vs scipy {ref!r}")
                cells.append(c)
        lines.append(f"| {p.label} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("n/a: OR-Tools' LinearSumAssignment needs a square problem (not run on rectangular "
                 "ones). Forbidden entries: mentormatch and scipy get `+inf`; lapx and OR-Tools get "
                 f"{BIG:g} (rectangular lapjv/lapjvx/lapjvs/lapjvr/lapjvh with `extend_cost=True`). "
                 f"OR-Tools gets int64 costs (floats scaled by {ORT_SCALE:g}); its time includes "
                 "building the arcs and reading the assignment back.")
    lines.append("")
    lines.append("## Optimum check (all peers vs scipy, 1e-6 relative, on the original costs)")
    lines.append("")
    lines.extend(mismatches or ["All peers reached the same optimum on every problem."])
    for p, med, objs, errors in results:
        for k, e in errors.items():
            lines.append(f"- {p.label}: {k} failed: {e}")
    notes = [f"- {p.label}: {p.note}" for p, *_ in results if hasattr(p, "note")]
    if notes:
        lines.append("")
        lines.append("## Problem notes")
        lines.append("")
        lines.extend(notes)
    lines.append("")
    text = "\n".join(lines)
    # Keep the hand-written part (summary, tuning log, end-to-end figures) of the old file.
    try:
        with open(path) as f:
            old = f.read()
    except OSError:
        old = ""
    kept = old[old.index(MARKER):] if MARKER in old else MARKER + "\n"
    with open(path, "w") as f:
        f.write(text + "\n" + kept)
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 repetitions, no 4000x4000")
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "RESULTS.md"))
    a = ap.parse_args()
    reps = a.reps or (3 if a.quick else 5)
    t0 = time.perf_counter()
    problems = make_problems(a.quick)
    results = bench(problems, reps)
    text = report(results, reps, a.quick, a.out, time.perf_counter() - t0)
    print(text)


if __name__ == "__main__":
    main()
