"""Large cohorts on a local Dask cluster against one process (issue 17).

    python benches/dask_bench.py N_MENTEES N_MENTORS DIR [--workers 2] [--mode both|single|dask|cands]

DIR holds mentors.csv / mentees.csv from the synthetic generator (the cohort of
`scale_bench`): `cargo run --release -p mentormatch-benches --bin gen-cohort -- N M DIR`.
Needs the wheel and `dask[dataframe] distributed` in the running Python.

- single: `mm.match(..., solver="heuristic")` in this process (RAYON_NUM_THREADS as set).
- dask:   the same on `LocalCluster(n_workers=W, threads_per_worker=1, processes=True)`, each
          worker with one rayon thread; mentees read with `dask.dataframe.read_csv` (partitions
          = shards); the stage timings of the heuristic (driver) come from MENTORMATCH_TRACE=1,
          the time spent in each pass (tasks, transfer, waiting) from the Passes log.
- cands:  the candidate pass only: one process vs shard jobs on the cluster.
Prints wall and CPU times and peak resident memory of this process and of the workers.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def rss_peak_mb() -> float:
    """VmHWM of this process (not getrusage's ru_maxrss, which a spawned worker inherits from
    the process that forked it: it survives execve)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    """Resets this process's VmHWM (Linux: writing 5 to clear_refs), where allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def cpu() -> float:
    t = os.times()
    return t.user + t.system


def worker_peaks(client) -> dict:
    def peak(dask_worker=None):
        return rss_peak_mb(), cpu()

    return client.run(peak)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("m", type=int)
    ap.add_argument("dir")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--mode", default="both")
    ap.add_argument("--k", type=int, default=None)
    ap.add_argument("--blocksize", default=None, help="dask read_csv blocksize (partitions)")
    args = ap.parse_args()
    os.environ.setdefault("MENTORMATCH_TRACE", "1")
    import pandas as pd

    import mentormatch as mm

    mentors_csv = os.path.join(args.dir, "mentors.csv")
    mentees_csv = os.path.join(args.dir, "mentees.csv")
    cfg = {"candidates": args.k} if args.k else None
    single = None
    if args.mode in ("both", "single"):
        t, c = time.perf_counter(), cpu()
        mentors = pd.read_csv(mentors_csv, dtype=str, keep_default_na=False)
        mentees = pd.read_csv(mentees_csv, dtype=str, keep_default_na=False)
        single = mm.match(mentors, mentees, solver="heuristic", config=cfg)
        print(
            f"single: wall {time.perf_counter() - t:.1f} s, cpu {cpu() - c:.1f} s, "
            f"peak rss {rss_peak_mb():.0f} MB, objective {single.objective:.3f}, "
            f"gap {single.gap}, fingerprint {single.fingerprint[:12]}",
            flush=True,
        )
        del mentors, mentees
    if args.mode in ("both", "dask", "cands"):
        # So that the driver's peak below is the Dask run's, not the single run's.
        reset_peak()
        import dask.dataframe as dd
        import distributed

        from mentormatch import _dask

        log = []
        orig = _dask.Passes.__call__

        def timed(self, kind, *a):
            t0 = time.perf_counter()
            out = orig(self, kind, *a)
            tasks = len(self.bounds) - 1
            log.append((kind, tasks, time.perf_counter() - t0, len(a[0]) if kind == "price" else 0))
            return out

        _dask.Passes.__call__ = timed
        t = time.perf_counter()
        with distributed.LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            env={"RAYON_NUM_THREADS": "1"},
            memory_limit=0,
        ) as cluster, distributed.Client(cluster) as client:
            print(f"cluster up: {time.perf_counter() - t:.1f} s", flush=True)
            kw = {"blocksize": args.blocksize} if args.blocksize else {}
            mentees = dd.read_csv(mentees_csv, dtype=str, keep_default_na=False, **kw)
            mentors = pd.read_csv(mentors_csv, dtype=str, keep_default_na=False)
            t, c = time.perf_counter(), cpu()
            if args.mode == "cands":
                from mentormatch import _core_args
                from mentormatch._distributed import ShardIndex

                gathered, lengths = _dask.gather_frame(client, mentees)
                # As `match(..., client=)` sends them: mentors and index to every worker, each
                # shard of mentees to one.
                _, p = _dask.prepare(
                    client, mentors, gathered, lambda a, b: _core_args(a, b, cfg, {}, None)
                )
                idx = ShardIndex(mentors, gathered, config=cfg)
                t1 = time.perf_counter()
                flat = p("candidates", args.k or 50)
                print(
                    f"dask candidates: {time.perf_counter() - t1:.1f} s wall "
                    f"(after {t1 - t:.1f} s reading and scattering); {len(flat[1])} pairs, "
                    f"{flat[4]} pairs scored",
                    flush=True,
                )
                t1, c1 = time.perf_counter(), cpu()
                local = idx.compiled().candidates(0, len(gathered), args.k or 50)
                print(
                    f"one process (this one, RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS', 'all')}): "
                    f"compile + candidates {time.perf_counter() - t1:.1f} s wall, {cpu() - c1:.1f} s cpu",
                    flush=True,
                )
                assert (local[1] == flat[1]).all() and (local[2] == flat[2]).all()
                print("rows identical", flush=True)
            else:
                r = mm.match(mentors, mentees, solver="heuristic", config=cfg, client=client)
                print(
                    f"dask: wall {time.perf_counter() - t:.1f} s, driver cpu {cpu() - c:.1f} s, "
                    f"driver peak rss {rss_peak_mb():.0f} MB, objective {r.objective:.3f}, "
                    f"gap {r.gap}, fingerprint {r.fingerprint[:12]}",
                    flush=True,
                )
                if single is not None:
                    same = single.pairs.equals(r.pairs) and single.fingerprint == r.fingerprint
                    print(f"identical to one process: {same}", flush=True)
            for kind, tasks, secs, q in log:
                print(f"  pass {kind:10s} {tasks} shard(s) {q:8d} queries {secs:7.2f} s", flush=True)
            for w, (peak, wcpu) in worker_peaks(client).items():
                print(f"  worker {w}: peak rss {peak:.0f} MB, cpu {wcpu:.1f} s", flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
