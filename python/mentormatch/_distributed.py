"""Engine-neutral building blocks for very large cohorts: candidate jobs over ranges of mentees
(``ShardIndex``, ``candidates``) that any engine can run (Dask, Spark, a process pool), and the
solve from their rows (``match_candidates``). See ``_dask`` for the Dask path of ``match``."""

from __future__ import annotations

import threading
from typing import Any, Optional, Tuple

import numpy as np
import pandas as pd

from . import _core

CANDIDATE_COLUMNS = ["mentee_id", "mentor_id", "score", "outside"]


class ShardIndex:
    """The compiled cohort and its candidate index, for candidate jobs over ranges of mentees.

    Holds the tables and the configuration (picklable: send it to every worker once, e.g.
    ``client.scatter(index, broadcast=True)`` or Spark's ``broadcast``). The mentor index is
    built once: an index compiled before it is pickled (call :meth:`compiled` first, as
    ``match(..., client=)`` does) travels with its mentor index as bytes, and each worker only
    compiles the problem (linear in the cohort) and takes the index from them; an index
    pickled before compiling is compiled by each process on first use. A job over mentees ``start:stop``
    gives exactly the rows the single-process solver generates for them, so a solve from the
    rows of all jobs (:func:`match_candidates`) equals :func:`mentormatch.match` with the
    heuristic backend. Every process holds both tables; ``match(..., client=)`` instead sends
    each Dask worker the mentors and only its shards of the mentees (``_dask.MentorBase``),
    with the same answers.
    """

    def __init__(
        self,
        mentors: Any,
        mentees: Any,
        *,
        criteria: Any = None,
        config: Any = None,
        min_score: Optional[float] = None,
        forbid: Any = None,
        pin: Any = None,
        history: Any = None,
    ) -> None:
        from . import _args_for

        self._setup(_args_for(config, history, criteria, min_score, forbid, pin)(mentors, mentees))

    @classmethod
    def _from_args(cls, core_args: Tuple[Any, ...]) -> "ShardIndex":
        # (mentors, mentees, config_path, config_json, overrides, history) as _core takes them.
        obj = cls.__new__(cls)
        obj._setup(core_args)
        return obj

    def _setup(self, core_args: Tuple[Any, ...], index: Optional[bytes] = None) -> None:
        self._args: Tuple[Any, ...] = core_args
        self._lock = threading.Lock()
        self._core: Optional[_core.ShardIndex] = None
        # The mentor index as bytes: made where it was built, received where it was sent.
        self._index: Optional[bytes] = index
        # Whether this process built the mentor index (None: not compiled yet).
        self._built: Optional[bool] = None

    def __getstate__(self) -> dict:
        with self._lock:
            if self._core is not None and self._index is None:
                self._index = self._core.index_bytes()
            return {"args": self._args, "index": self._index}

    def __setstate__(self, state: dict) -> None:
        self._setup(state["args"], state.get("index"))

    @property
    def index_received(self) -> bool:
        """Whether this process took the mentor index from bytes built elsewhere."""
        return self._built is False

    def compiled(self) -> _core.ShardIndex:
        """The compiled index (built on first use in each process, or taken from the bytes it
        was sent with; raises ``InputError`` for bad tables or configuration, as
        :func:`mentormatch.match` does)."""
        with self._lock:
            if self._core is None:
                self._built = self._index is None
                mentors, mentees, path, cfg, over, hist = self._args
                self._core = _core.ShardIndex(
                    mentors, mentees, path, cfg, over, hist, index=self._index
                )
            return self._core

    def __len__(self) -> int:
        return self.compiled().n_mentees

    def candidates(
        self,
        start: int = 0,
        stop: Optional[int] = None,
        *,
        k: Optional[int] = None,
        prices: Any = None,
    ) -> pd.DataFrame:
        """Candidate rows of mentees ``start:stop`` (positions in the mentee table).

        Columns ``mentee_id, mentor_id, score, outside``: each mentee's ``k`` best allowed
        mentors (default: the configuration's ``candidates``, 50), best first; with ``prices``
        (one per mentor, in the mentor table's order, ``>= 0``) the ``k`` with the largest
        ``score - price``. ``outside`` bounds the score of every allowed pair of the mentee that
        is not listed (``-inf``: none is left out). A mentee without any allowed mentor has one
        row with an empty ``mentor_id``. A pinned mentee has its pin only.
        """
        core = self.compiled()
        n = core.n_mentees
        stop = n if stop is None else stop
        if not (0 <= start <= stop <= n):
            raise ValueError(f"mentees {start}:{stop} are outside 0:{n}")
        p = None if prices is None else np.ascontiguousarray(prices, dtype=np.float64)
        flat = core.candidates(int(start), int(stop), k, p)
        return rows_frame(core, int(start), flat)


def rows_frame(core: _core.ShardIndex, start: int, flat: Tuple[Any, ...]) -> pd.DataFrame:
    """Flat rows (offsets, mentors, scores, outside, pairs scored, bounds) as a DataFrame."""
    offsets, mentor, score, outside, pairs_scored, bounds = flat
    offsets = np.asarray(offsets, dtype=np.int64)
    counts = np.diff(offsets)
    per = np.maximum(counts, 1)
    total = int(per.sum())
    out_start = np.concatenate([[0], np.cumsum(per)[:-1]]).astype(np.int64)
    mentor_out = np.full(total, -1, dtype=np.int64)
    score_out = np.full(total, np.nan)
    if len(mentor):
        owner = np.repeat(np.arange(len(counts)), counts)
        dst = out_start[owner] + (np.arange(len(mentor)) - offsets[owner])
        mentor_out[dst] = mentor
        score_out[dst] = score
    mentee_ids = np.asarray(core.mentee_ids(), dtype=object)[start : start + len(counts)]
    mentor_ids = np.asarray(core.mentor_ids() + [None], dtype=object)
    df = pd.DataFrame(
        {
            "mentee_id": np.repeat(mentee_ids, per),
            "mentor_id": mentor_ids[mentor_out],
            "score": score_out,
            "outside": np.repeat(np.asarray(outside, dtype=np.float64), per),
        }
    )
    df.attrs["mentormatch_work"] = (int(pairs_scored), int(bounds))
    return df


def candidate_arrays(candidates: Any) -> Tuple[list, list, np.ndarray, np.ndarray]:
    """The four columns of a candidates table, as the core takes them."""
    if not isinstance(candidates, pd.DataFrame):
        candidates = pd.DataFrame(candidates)
    missing = [c for c in CANDIDATE_COLUMNS if c not in candidates.columns]
    if missing:
        raise _core.InputError(
            f"candidates: no column {', '.join(missing)} (columns: {', '.join(map(str, candidates.columns))})"
        )
    mentor = candidates["mentor_id"].astype(object)
    mentor = mentor.where(mentor.notna(), None)
    return (
        [str(x) for x in candidates["mentee_id"].tolist()],
        [None if x is None else str(x) for x in mentor.tolist()],
        np.ascontiguousarray(candidates["score"].to_numpy(dtype=np.float64)),
        np.ascontiguousarray(candidates["outside"].to_numpy(dtype=np.float64)),
    )
