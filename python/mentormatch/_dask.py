"""The Dask path of ``mentormatch.match(..., client=client)`` (optional: needs ``dask`` and
``distributed``, ``pip install "mentormatch[dask]"``).

- Inputs may be pandas or ``dask.dataframe`` DataFrames (or anything ``match`` takes); dask
  ones are computed on the cluster and gathered here, partition by partition.
- The tables are read, checked and compiled here first (bad tables raise here, before any task
  runs, with the same ``InputError`` as without a client), and the mentor index is built here,
  once.
- A worker holds every mentor and only the mentees of the shards it works on: a
  :class:`MentorBase` (the mentor table, the configuration and the index bytes) is sent to the
  cluster once and each shard of the mentee table once, each as a task of its own (so that Dask
  can recompute it when its worker is lost; scattered data could not be), and the prices once per
  pricing pass, the same way.
  A worker compiles the shard it works on (the mentors and that shard) and keeps the last one
  compiled, never two at once. Answers are identical to the whole cohort's (see
  ``mentormatch::distributed``). A cohort with ranked preferences (which rank mentees of the
  whole cohort), or mentees given as a CSV path, is sent whole to every worker instead (a
  :class:`~mentormatch._distributed.ShardIndex`), as before.
- Every pass over all pairs runs as one task per shard of mentees (``2 x`` the number of
  workers, also cut at a dask mentee table's partition boundaries): the candidate pass, and each
  column-generation pricing pass of the heuristic backend. The sparse solve (auction,
  certificate) and the explanations run here, in the calling process.
- A worker lost mid-run: Dask recomputes its tasks elsewhere (its own retry), the shards it
  held included; answers do not depend on where they ran, so the result is unchanged. A task
  that fails raises its exception here unchanged (e.g. ``InputError``, naming the row of the
  whole mentee table).
"""

from __future__ import annotations

import itertools
import threading
import uuid
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

from . import _core
from ._distributed import ShardIndex


def _is_dask_frame(obj: Any) -> bool:
    return type(obj).__module__.startswith("dask") and hasattr(obj, "npartitions")


def gather_frame(client: Any, obj: Any) -> Tuple[Any, Optional[List[int]]]:
    """A dask DataFrame computed on the cluster as one pandas DataFrame, with its partitions'
    lengths; anything else as it is (and no lengths)."""
    if not _is_dask_frame(obj):
        return obj, None
    import pandas as pd

    parts = client.gather(client.compute(obj.to_delayed()))
    lengths = [len(p) for p in parts]
    return pd.concat(parts, ignore_index=True) if parts else obj.compute(), lengths


def shard_bounds(n: int, lengths: Optional[Sequence[int]], workers: int) -> np.ndarray:
    """Shard starts and the end: ``2 x workers`` equal shards, also cut at the partitions'
    boundaries (no shard spans two partitions). Partitions alone are no good shards: dask read
    the 90 MB mentee CSV of a 1M x 1M cohort as one partition, and one of two workers then did
    all the work."""
    shards = max(1, min(n, 2 * max(workers, 1)))
    b = np.linspace(0, n, shards + 1).round().astype(np.int64)
    if lengths is not None:
        b = np.concatenate([b, np.cumsum(lengths), [0]]).astype(np.int64)
    # Empty shards are no tasks.
    return np.unique(np.clip(b, 0, n))


def _candidates_job(index: ShardIndex, start: int, stop: int, k: int) -> Tuple[Any, ...]:
    return index.compiled().candidates(start, stop, k, None)


def _price_job(index: ShardIndex, *query: Any) -> Tuple[Any, ...]:
    """A pricing task of the whole-cohort path; ``query`` as :func:`_price` takes it."""
    return _price(index.compiled(), *query)


def _price(
    core: _core.ShardIndex,
    mentees: np.ndarray,
    floors: np.ndarray,
    restricted: np.ndarray,
    v: np.ndarray,
    masked: Optional[np.ndarray],
    k: int,
) -> Tuple[Any, ...]:
    # Arrays that came over the network may be unaligned views of a message buffer.
    a = lambda x, dt: np.require(x, dtype=dt, requirements=["C", "A"])  # noqa: E731
    return core.price_above(
        a(mentees, np.uint64),
        a(floors, np.float64),
        a(restricted, np.bool_),
        a(v, np.float64),
        None if masked is None else a(masked, np.float64),
        k,
    )


class MentorBase:
    """What every worker holds for a run: the mentor table, the configuration (and history)
    and the mentor index as bytes, built once by the caller; sent to the cluster once (a task).
    Each shard task brings its shard of the mentee table, and :meth:`shard` compiles the two
    (the index taken from the bytes, never rebuilt). The last shard compiled is kept for the
    next task of the same shard (not pickled); a new shard replaces it, so a worker of one
    thread never holds two compiled shards at once (with more threads, one per task running).
    Compiling a shard is linear in the mentors plus the shard; a pricing task costs far more
    (see benches/RESULTS.md)."""

    def __init__(self, mentors: Any, path: Any, cfg: Any, over: Any, hist: Any, index: bytes) -> None:
        self.args = (mentors, path, cfg, over, hist)
        self.index = index
        self._setup()

    def _setup(self) -> None:
        self._lock = threading.Lock()
        self._last: Optional[Tuple[str, _core.ShardIndex]] = None

    def __getstate__(self) -> dict:
        return {"args": self.args, "index": self.index}

    def __setstate__(self, state: dict) -> None:
        self.args, self.index = state["args"], state["index"]
        self._setup()

    def shard(self, key: str, mentees: Any, start: int) -> _core.ShardIndex:
        """The compiled shard ``key``: every mentor and ``mentees`` (a shard of the whole
        mentee table, starting at mentee ``start``)."""
        with self._lock:
            if self._last is not None and self._last[0] == key:
                return self._last[1]
            # The last shard goes first: two compiled shards are never held at once.
            self._last = None
            mentors, path, cfg, over, hist = self.args
            core = _core.ShardIndex(
                mentors, mentees, path, cfg, over, hist, index=self.index, offset=start
            )
            self._last = (key, core)
            return core


class Shard:
    """One shard of the mentee table (``(source, headers, columns)`` rows ``start:stop``), kept
    opaque so that Dask does not walk its cells."""

    def __init__(self, table: Any, start: int, stop: int) -> None:
        source, headers, columns = table
        self.table = (source, headers, [c[start:stop] for c in columns])
        self.start = start
        self.stop = stop


def _value(x: Any) -> Any:
    return x


def _held(client: Any, obj: Any, key: str) -> Any:
    """``obj`` on the cluster as the result of a task, not as scattered data: Dask recomputes a
    task's result when the worker holding it dies, while scattered data is lost with it (even with
    ``broadcast=True``: a worker that was restarting when the data was sent has no copy, and the
    run then fails when the one holding it dies)."""
    return client.submit(_value, obj, key=key, pure=False)


def _shard_candidates_job(base: MentorBase, shard: Shard, key: str, k: int) -> Tuple[Any, ...]:
    core = base.shard(key, shard.table, shard.start)
    return core.candidates(shard.start, shard.stop, k, None)


def _shard_price_job(base: MentorBase, shard: Shard, key: str, *query: Any) -> Tuple[Any, ...]:
    """A pricing task of one shard; ``query`` as :func:`_price` takes it."""
    core = base.shard(key, shard.table, shard.start)
    return _price(core, *query)


def concat_flat(parts: Sequence[Tuple[Any, ...]]) -> Tuple[Any, ...]:
    """Flat rows of consecutive shards as one (offsets shifted)."""
    offsets = [np.zeros(1, dtype=np.uint64)]
    base = 0
    for p in parts:
        offsets.append(np.asarray(p[0][1:], dtype=np.uint64) + np.uint64(base))
        base += len(p[1])
    cat = lambda i, dt: np.ascontiguousarray(  # noqa: E731
        np.concatenate([np.asarray(p[i], dtype=dt) for p in parts]) if parts else np.zeros(0, dt)
    )
    return (
        np.ascontiguousarray(np.concatenate(offsets)),
        cat(1, np.uint32),
        cat(2, np.float64),
        cat(3, np.float64),
        int(sum(p[4] for p in parts)),
        int(sum(p[5] for p in parts)),
    )


class Passes:
    """The passes over all pairs as Dask tasks, one per shard of mentees (the callable the core
    calls: ``("candidates", k)`` or ``("price", mentees, floors, restricted, v, masked, k)``).

    ``index``: the :class:`MentorBase` (a future) with ``shards`` (one future per shard of
    ``bounds``, holding its :class:`Shard`), or, without ``shards``, (a future of) a
    :class:`~mentormatch._distributed.ShardIndex` of the whole cohort."""

    def __init__(
        self, client: Any, index: Any, bounds: np.ndarray, shards: Optional[List[Any]] = None
    ) -> None:
        self.client = client
        self.index = index
        self.bounds = bounds
        self.shards = shards
        self.tag = uuid.uuid4().hex[:12]
        self.passes = itertools.count()

    def close(self) -> None:
        """Releases what the run left on the cluster."""
        self.client.cancel([self.index] + list(self.shards or []))

    def _job(self, s: int, kind: str, args: Tuple[Any, ...], key: str) -> Any:
        c, b = self.client, self.bounds
        if self.shards is None:
            if kind == "candidates":
                (k,) = args
                return c.submit(
                    _candidates_job, self.index, int(b[s]), int(b[s + 1]), k, key=key, pure=False
                )
            return c.submit(_price_job, self.index, *args, key=key, pure=False)
        shard = self.shards[s]
        job = _shard_candidates_job if kind == "candidates" else _shard_price_job
        return c.submit(job, self.index, shard, shard.key, *args, key=key, pure=False)

    def _order(self, run: int) -> List[int]:
        """The shards in the order their tasks are submitted (Dask runs a worker's tasks in
        that order): reversed every other pass, so that a worker holding several shards
        starts each pass with the shard it compiled last (kept by :meth:`MentorBase.shard`)
        instead of compiling every shard again in every pass."""
        order = list(range(len(self.bounds) - 1))
        return order[::-1] if self.shards is not None and run % 2 else order

    def __call__(self, kind: str, *args: Any) -> Tuple[Any, ...]:
        c, b = self.client, self.bounds
        run = next(self.passes)
        if kind == "candidates":
            (k,) = args
            jobs = {
                s: self._job(s, kind, (int(k),), f"mentormatch-candidates-{self.tag}-{s}")
                for s in self._order(run)
            }
            return concat_flat(c.gather([jobs[s] for s in sorted(jobs)]))
        if kind == "price":
            mentees, floors, restricted, v, masked, k = args
            cut = np.searchsorted(mentees, b)
            # The prices go to the cluster once per pass, not once per task.
            vf = _held(c, v, f"mentormatch-prices-{self.tag}-{run}")
            mf = None if masked is None else _held(c, masked, f"mentormatch-masked-{self.tag}-{run}")
            priced = {}
            for s in self._order(run):
                lo, hi = int(cut[s]), int(cut[s + 1])
                if lo == hi:
                    continue
                job = (mentees[lo:hi], floors[lo:hi], restricted[lo:hi], vf, mf, int(k))
                priced[s] = self._job(s, kind, job, f"mentormatch-price-{self.tag}-{run}-{s}")
            return concat_flat(c.gather([priced[s] for s in sorted(priced)]))
        raise ValueError(f"unknown pass {kind!r}")


def _workers(client: Any) -> List[str]:
    try:
        return sorted(client.scheduler_info()["workers"])
    except Exception:  # pragma: no cover - any client that cannot say
        return []


def prepare(
    client: Any, mentors: Any, mentees: Any, core_args: Any
) -> Tuple[Tuple[Any, ...], Passes]:
    """Gathers dask tables, compiles the cohort and builds the index here, sends each worker
    what it needs once (see the module doc), and returns the core's arguments with the passes
    that run on the cluster. ``core_args(mentors, mentees)`` gives the core's arguments for
    pandas-like tables."""
    mentors, _ = gather_frame(client, mentors)
    mentees, lengths = gather_frame(client, mentees)
    args = core_args(mentors, mentees)
    index = ShardIndex._from_args(args)
    # Built once, here (bad data raises here, as in one process).
    core = index.compiled()
    n = core.n_mentees
    workers = _workers(client)
    bounds = shard_bounds(n, lengths, len(workers) or 1)
    mentors_t, mentees_t, path, cfg, over, hist = args
    if not (core.shardable and isinstance(mentees_t, tuple)):
        # Preferences rank mentees of the whole cohort (and a CSV path is not cut here): every
        # worker gets the whole cohort with the index.
        future = _held(client, index, f"mentormatch-index-{uuid.uuid4().hex[:12]}")
        return args, Passes(client, future, bounds)
    base = MentorBase(mentors_t, path, cfg, over, hist, core.index_bytes())
    del index, core
    tag = uuid.uuid4().hex[:12]
    future = _held(client, base, f"mentormatch-mentors-{tag}")
    shards = []
    for s in range(len(bounds) - 1):
        # A task, not scattered data, so that Dask recomputes it when its worker is lost;
        # placed round-robin, and the shard's passes then run where it lives.
        shards.append(
            client.submit(
                _value,
                Shard(mentees_t, int(bounds[s]), int(bounds[s + 1])),
                key=f"mentormatch-shard-{tag}-{s}",
                pure=False,
                workers=[workers[s % len(workers)]] if workers else None,
                allow_other_workers=True,
            )
        )
    return args, Passes(client, future, bounds, shards)


def match_run(client: Any, mentors: Any, mentees: Any, core_args: Any) -> Any:
    """``_core.match_distributed`` with the passes on the cluster."""
    args, passes = prepare(client, mentors, mentees, core_args)
    mentors_t, mentees_t, path, cfg, over, hist = args
    try:
        return _core.match_distributed(mentors_t, mentees_t, passes, path, cfg, over, hist)
    finally:
        passes.close()
