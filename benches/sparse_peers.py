"""Side by side: mm.min_weight_full_bipartite_matching against scipy.sparse.csgraph's on
random sparse square graphs (uniform weights in [1, 1000) as integers, as in scipy's own
sparse comparison), alternating the two, median of the repetitions, equal totals checked.
Wall clock and process CPU time (`time.process_time`, all threads) are both reported: on a
shared machine the CPU times are the steadier figure; both ratios are from the same run.

    target/python-venv/bin/python benches/sparse_peers.py [N:DENSITY ...] [--reps R]

Default families: 10000:0.01 10000:0.1 100000:0.001 100000:0.01.
"""

import statistics
import sys
import time

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching as scipy_matching

import mentormatch as mm


def graph(n, density, seed):
    rng = np.random.default_rng(seed)
    per_row = max(1, int(round(n * density)))
    # Each row: `per_row` distinct random columns (sampled with replacement, then deduplicated).
    cols = np.sort(rng.integers(0, n, size=(n, per_row)), axis=1)
    keep = np.ones_like(cols, dtype=bool)
    keep[:, 1:] = cols[:, 1:] != cols[:, :-1]
    counts = keep.sum(axis=1)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    indices = cols[keep].astype(np.int32)
    data = rng.integers(1, 1000, size=indices.size).astype(np.float64)
    return csr_array((data, indices, indptr.astype(np.int32)), shape=(n, n))


def timed(f, a):
    t, c = time.perf_counter(), time.process_time()
    r = f(a)
    return time.perf_counter() - t, time.process_time() - c, r


def main(argv):
    reps = 3
    if "--reps" in argv:
        k = argv.index("--reps")
        reps = int(argv[k + 1])
        argv = argv[:k] + argv[k + 2 :]
    families = argv or ["10000:0.01", "10000:0.1", "100000:0.001", "100000:0.01"]
    print(
        "| n | density | nnz | scipy wall (s) | mentormatch wall (s) | wall ratio "
        "| scipy CPU (s) | mentormatch CPU (s) | CPU ratio | same total |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for fam in families:
        n, density = int(fam.split(":")[0]), float(fam.split(":")[1])
        a = graph(n, density, seed=n)
        ts, tm, same = [], [], True
        for r in range(reps):
            order = [("scipy", scipy_matching), ("mm", mm.min_weight_full_bipartite_matching)]
            if r % 2:
                order.reverse()
            for name, f in order:
                t, c, (ri, ci) = timed(f, a)
                total = a[ri, ci].sum()
                (ts if name == "scipy" else tm).append((t, c, total))
        s, m = statistics.median(x[0] for x in ts), statistics.median(x[0] for x in tm)
        sc, mc = statistics.median(x[1] for x in ts), statistics.median(x[1] for x in tm)
        same = all(abs(x[2] - ts[0][2]) < 1e-6 for x in ts + tm)
        print(
            f"| {n} | {density} | {a.nnz} | {s:.3f} | {m:.3f} | {m / s:.2f} "
            f"| {sc:.3f} | {mc:.3f} | {mc / sc:.2f} | {same} |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
