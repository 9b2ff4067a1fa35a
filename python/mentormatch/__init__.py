"""mentormatch: optimal mentor-mentee matching, with a reason for every pair.

>>> import pandas as pd, mentormatch
>>> result = mentormatch.match(pd.read_csv("mentors.csv"), pd.read_csv("mentees.csv"))  # doctest: +SKIP
>>> result.pairs                                                                        # doctest: +SKIP

Functions
---------
match(mentors, mentees, ...)            -> MatchResult
score_matrix(mentors, mentees, ...)     -> (scores DataFrame, allowed DataFrame)
linear_sum_assignment(cost, maximize)   a drop-in for scipy.optimize.linear_sum_assignment

Exceptions
----------
MentorMatchError (a ValueError) with InputError, InfeasibleError and SolverError.

Threads: scoring and solving release the GIL and run on a thread pool of their own (size:
``RAYON_NUM_THREADS``, default one per core). The pool is rebuilt in a child process after
``os.fork`` (multiprocessing's "fork" start method), so forking is safe.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _core, _tables
from ._core import InfeasibleError, InputError, MentorMatchError, SolverError
from ._result import MatchResult

__version__: str = _core.__version__

__all__ = [
    "match",
    "score_matrix",
    "linear_sum_assignment",
    "MatchResult",
    "MentorMatchError",
    "InputError",
    "InfeasibleError",
    "SolverError",
    "__version__",
]

if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_core._reset_after_fork)

Table = Any  # DataFrame (pandas or polars), list of dicts, dict of lists, or a CSV path
PairSpec = Any  # list of dicts / (mentee, mentor[, reason]) tuples, or a DataFrame
_SOLVERS = ("auto", "exact", "ilp", "heuristic", "sparse", "lagrangian")


def _overrides(
    criteria: Optional[Sequence[Mapping[str, Any]]],
    solver: str,
    allow_unmatched: bool,
    seed: Optional[int],
    time_limit: Optional[float],
    min_score: Optional[float],
    objective: Optional[str],
    forbid: Optional[PairSpec],
    pin: Optional[PairSpec],
) -> dict:
    o: dict = {}
    if criteria is not None:
        o["criteria"] = [dict(c) for c in criteria]
    if solver != "auto":
        if solver not in _SOLVERS:
            raise InputError(f"solver must be one of {', '.join(_SOLVERS)}, not {solver!r}")
        o["solver"] = solver
    if allow_unmatched:
        o["allow_unmatched"] = True
    for key, value in (
        ("seed", seed),
        ("time_limit", time_limit),
        ("min_score", min_score),
        ("objective", objective),
    ):
        if value is not None:
            o[key] = value
    if forbid is not None:
        o["forbid"] = _tables.pair_list(forbid, "forbid")
    if pin is not None:
        o["pin"] = _tables.pair_list(pin, "pin")
    return o


def _core_args(
    mentors: Table,
    mentees: Table,
    config: Any,
    overrides: dict,
    history: Any,
) -> Tuple[Any, ...]:
    path, cfg_json, over = _tables.config_args(config, overrides)
    return (
        _tables.table(mentors, "mentors"),
        _tables.table(mentees, "mentees"),
        path,
        cfg_json,
        over,
        _tables.history_tables(history),
    )


def match(
    mentors: Table,
    mentees: Table,
    *,
    criteria: Optional[Sequence[Mapping[str, Any]]] = None,
    config: Union[Mapping[str, Any], str, "os.PathLike[str]", None] = None,
    solver: str = "auto",
    allow_unmatched: bool = False,
    seed: Optional[int] = None,
    time_limit: Optional[float] = None,
    min_score: Optional[float] = None,
    objective: Optional[str] = None,
    forbid: Optional[PairSpec] = None,
    pin: Optional[PairSpec] = None,
    history: Any = None,
) -> MatchResult:
    """Matches mentees with mentors and explains every pair.

    Parameters
    ----------
    mentors, mentees
        pandas (or polars) DataFrames, lists of dicts, dicts of lists, or paths of CSV files.
        Columns as in the command line's CSV files: ``id`` (required), ``name``, ``department``,
        ``location``, ``background``, ``cultural_competence``, ``interests``, ``offers`` and
        ``capacity`` (mentors), ``needs`` (mentees), and any custom column. List cells may be
        ``;``-separated text or Python lists; empty cells, None and NaN are unknown values.
        Cells are read as the CSV reader reads text: read CSV files with ``dtype=str`` to keep
        ids such as ``007`` intact.
    criteria
        A list of criterion dicts (``{"kind": "differ", "field": "department", "required":
        True}``), replacing the configuration's.
    config
        A dict with the TOML configuration's keys, or the path of a TOML file (its ``history``
        is relative to the file).
    solver, allow_unmatched, seed, time_limit, min_score, objective
        Override the configuration's value when given (``solver="auto"`` and
        ``allow_unmatched=False`` leave it as configured).
    forbid, pin
        Pairs never to make / that must be made, added to the configuration's: dicts with
        ``mentee``, ``mentor`` (and ``reason``), ``(mentee, mentor)`` tuples, or a DataFrame.
    history
        Earlier rounds' pairs, never made again: CSV path(s) with ``mentee_id,mentor_id``
        columns, a DataFrame, or a list of pairs; added to the configuration's ``history``.

    Raises
    ------
    InputError
        Bad table, configuration or argument; ``.source``, ``.row``, ``.field``, ``.hint``.
    InfeasibleError
        No matching satisfies the hard rules (and ``allow_unmatched`` is off); ``.diagnosis``.
    SolverError
        The selected backend failed or is not in this build.
    """
    o = _overrides(
        criteria, solver, allow_unmatched, seed, time_limit, min_score, objective, forbid, pin
    )
    run = _core.match_cohort(*_core_args(mentors, mentees, config, o, history))
    return MatchResult(run)


def score_matrix(
    mentors: Table,
    mentees: Table,
    *,
    criteria: Optional[Sequence[Mapping[str, Any]]] = None,
    config: Union[Mapping[str, Any], str, "os.PathLike[str]", None] = None,
    min_score: Optional[float] = None,
    forbid: Optional[PairSpec] = None,
    pin: Optional[PairSpec] = None,
    history: Any = None,
) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """Scores every mentee with every mentor.

    Returns ``(scores, allowed)``: two DataFrames indexed by mentee id (rows) and mentor id
    (columns); ``scores`` holds the match scores 0..100, ``allowed`` whether every hard rule
    (required criteria, ``forbid``, ``history``, ``min_score``; ``pin`` overrides) allows the
    pair. Arguments as for :func:`match`; raises :class:`InputError` on bad input."""
    o = _overrides(criteria, "auto", False, None, None, min_score, None, forbid, pin)
    mentee_ids, mentor_ids, scores, allowed = _core.score_matrix(
        *_core_args(mentors, mentees, config, o, history)
    )
    index = pd.Index(mentee_ids, name="mentee_id")
    columns = pd.Index(mentor_ids, name="mentor_id")
    return (
        pd.DataFrame(scores, index=index, columns=columns, copy=False),
        pd.DataFrame(allowed, index=index, columns=columns, copy=False),
    )


def linear_sum_assignment(cost_matrix: Any, maximize: bool = False) -> Tuple[np.ndarray, np.ndarray]:
    """Solves the linear sum assignment problem: a drop-in for
    ``scipy.optimize.linear_sum_assignment`` (same arguments, return value, exceptions and
    messages).

    Parameters
    ----------
    cost_matrix : array-like, 2-D
        The cost of assigning row ``i`` to column ``j``; any shape. Forbidden entries are
        ``+inf`` (``-inf`` when maximising). Integers, booleans, numpy matrices and anything
        numpy converts to float64 are accepted.
    maximize : bool
        Maximise the total instead of minimising it.

    Returns
    -------
    row_ind, col_ind : ndarray of int64
        ``cost_matrix[row_ind, col_ind]`` is an optimal assignment of every row or every column,
        whichever side is smaller; ``row_ind`` is sorted.

    Raises
    ------
    ValueError
        Not 2-D, NaN (or ``-inf`` when minimising, ``+inf`` when maximising), or no complete
        assignment avoids the forbidden entries ("cost matrix is infeasible").
    TypeError
        An array whose dtype does not cast safely to float64 (object, complex, datetime).

    Notes
    -----
    A C-contiguous float64 array is read in place, never copied (a copy of a large matrix
    costs about as much as the solve). If it is writeable the solve holds the GIL, so no other
    Python thread can change it meanwhile; a read-only array (``a.setflags(write=False)``) or
    any other input is solved with the GIL released. The input is never modified.
    """
    if isinstance(cost_matrix, np.ndarray):
        if not np.can_cast(cost_matrix.dtype, np.float64, casting="safe"):
            raise TypeError(
                f"Cannot cast array data from {cost_matrix.dtype!r} to dtype('float64') "
                "according to the rule 'safe'"
            )
        if cost_matrix.dtype == np.float64 and cost_matrix.flags.c_contiguous:
            # Read in place: copying a large matrix costs as much as solving it. A writeable
            # array is solved holding the GIL so no Python thread can change it meanwhile.
            a = cost_matrix
            private = not cost_matrix.flags.writeable
        else:
            a = np.array(cost_matrix, dtype=np.float64, order="C", copy=True)
            private = True
    else:
        a = np.array(cost_matrix, dtype=np.float64, order="C")
        private = True
    if a.ndim != 2:
        raise ValueError(f"expected a matrix (2-D array), got a {a.ndim} array")
    return _core.linear_sum_assignment(a, bool(maximize), private)
