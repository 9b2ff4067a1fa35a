"""The Dask path of ``mentormatch.match(..., client=client)`` (optional: needs ``dask`` and
``distributed``, ``pip install "mentormatch[dask]"``).

- Inputs may be pandas or ``dask.dataframe`` DataFrames (or anything ``match`` takes); dask
  ones are computed on the cluster and gathered here, partition by partition.
- A :class:`~mentormatch._distributed.ShardIndex` (the tables, the configuration and the
  mentor index, built once here) is scattered to every worker once (``broadcast=True``); each
  worker compiles the cohort once, on its first task, and takes the index from its bytes.
- Every pass over all pairs runs as one task per shard of mentees (``2 x`` the number of
  workers, also cut at a dask mentee table's partition boundaries): the candidate pass, and each
  column-generation pricing pass of the heuristic backend. The sparse solve (auction,
  certificate) and the explanations run here, in the calling process.
- A worker lost mid-run: Dask recomputes its tasks elsewhere (its own retry); answers do not
  depend on where they ran, so the result is unchanged. A task that fails raises its exception
  here unchanged (e.g. ``InputError``); bad tables are found here before any task runs, with
  the same ``InputError`` as without a client.
"""

from __future__ import annotations

import itertools
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


def _price_job(
    index: ShardIndex,
    mentees: np.ndarray,
    floors: np.ndarray,
    restricted: np.ndarray,
    v: np.ndarray,
    masked: Optional[np.ndarray],
    k: int,
) -> Tuple[Any, ...]:
    # Arrays that came over the network may be unaligned views of a message buffer.
    a = lambda x, dt: np.require(x, dtype=dt, requirements=["C", "A"])  # noqa: E731
    return index.compiled().price_above(
        a(mentees, np.uint64),
        a(floors, np.float64),
        a(restricted, np.bool_),
        a(v, np.float64),
        None if masked is None else a(masked, np.float64),
        k,
    )


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
    calls: ``("candidates", k)`` or ``("price", mentees, floors, restricted, v, masked, k)``)."""

    def __init__(self, client: Any, index: Any, bounds: np.ndarray) -> None:
        self.client = client
        self.index = index  # the scattered ShardIndex
        self.bounds = bounds
        self.tag = uuid.uuid4().hex[:12]
        self.passes = itertools.count()

    def __call__(self, kind: str, *args: Any) -> Tuple[Any, ...]:
        c, b = self.client, self.bounds
        run = next(self.passes)
        if kind == "candidates":
            (k,) = args
            futures = [
                c.submit(
                    _candidates_job,
                    self.index,
                    int(b[s]),
                    int(b[s + 1]),
                    int(k),
                    key=f"mentormatch-candidates-{self.tag}-{s}",
                    pure=False,
                )
                for s in range(len(b) - 1)
            ]
            return concat_flat(c.gather(futures))
        if kind == "price":
            mentees, floors, restricted, v, masked, k = args
            cut = np.searchsorted(mentees, b)
            # The prices go to the cluster once per pass, not once per task.
            if masked is None:
                (vf,) = c.scatter([v], hash=False)
                mf = None
            else:
                vf, mf = c.scatter([v, masked], hash=False)
            futures = []
            for s in range(len(b) - 1):
                lo, hi = int(cut[s]), int(cut[s + 1])
                if lo == hi:
                    continue
                futures.append(
                    c.submit(
                        _price_job,
                        self.index,
                        mentees[lo:hi],
                        floors[lo:hi],
                        restricted[lo:hi],
                        vf,
                        mf,
                        int(k),
                        key=f"mentormatch-price-{self.tag}-{run}-{s}",
                        pure=False,
                    )
                )
            return concat_flat(c.gather(futures))
        raise ValueError(f"unknown pass {kind!r}")


def _workers(client: Any) -> int:
    try:
        return len(client.scheduler_info()["workers"])
    except Exception:  # pragma: no cover - any client that cannot say
        return 1


def prepare(
    client: Any, mentors: Any, mentees: Any, core_args: Any
) -> Tuple[Tuple[Any, ...], Passes]:
    """Gathers dask tables, builds the index and scatters it once to every worker, and returns the core's
    arguments with the passes that run on the cluster. ``core_args(mentors, mentees)`` gives
    the core's arguments for pandas-like tables."""
    mentors, _ = gather_frame(client, mentors)
    mentees, lengths = gather_frame(client, mentees)
    args = core_args(mentors, mentees)
    index = ShardIndex._from_args(args)
    # Built once, here: the workers receive the mentor index with the tables (bad data raises
    # here, as in one process).
    index.compiled()
    if lengths is not None:
        n = sum(lengths)
    elif hasattr(mentees, "shape"):
        n = int(mentees.shape[0])
    else:
        # A CSV path, records...: the length is known once compiled (here, once).
        n = len(index)
    bounds = shard_bounds(n, lengths, _workers(client))
    future = client.scatter(index, broadcast=True, hash=False)
    return args, Passes(client, future, bounds)


def match_run(client: Any, mentors: Any, mentees: Any, core_args: Any) -> Any:
    """``_core.match_distributed`` with the passes on the cluster."""
    args, passes = prepare(client, mentors, mentees, core_args)
    mentors_t, mentees_t, path, cfg, over, hist = args
    try:
        return _core.match_distributed(mentors_t, mentees_t, passes, path, cfg, over, hist)
    finally:
        passes.client.cancel([passes.index])
