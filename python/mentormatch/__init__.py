"""mentormatch: optimal mentor-mentee matching, with a reason for every pair.

>>> import pandas as pd, mentormatch
>>> result = mentormatch.match(pd.read_csv("mentors.csv"), pd.read_csv("mentees.csv"))  # doctest: +SKIP
>>> result.pairs                                                                        # doctest: +SKIP

Functions
---------
match(mentors, mentees, ...)            -> MatchResult (``.to_html(path)``: the report)
suggest(mentors, mentees, top=5, ...)   -> DataFrame of suggestions for self-matching
rematch(previous, mentors, mentees, ...) -> RematchResult (kept / new / changed, ended pairs)
score_matrix(mentors, mentees, ...)     -> (scores DataFrame, allowed DataFrame)
linear_sum_assignment(cost, maximize)   a drop-in for scipy.optimize.linear_sum_assignment
candidates(mentors, mentees, k=...)     -> DataFrame of candidate pairs (a shard job: Spark, Dask)
match_candidates(candidates, mentors, mentees, ...) -> MatchResult from candidate rows

Exceptions
----------
MentorMatchError (a ValueError) with InputError (MissingFileError for a file that does not
exist, also a FileNotFoundError), InfeasibleError and SolverError.

Threads: scoring and solving release the GIL and run on a thread pool of their own (size:
``RAYON_NUM_THREADS``, default one per core). The pool is rebuilt in a child process after
``os.fork`` (multiprocessing's "fork" start method), so forking is safe.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Literal, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _core, _tables
from ._core import (
    InfeasibleError,
    InputError,
    MentorMatchError,
    MissingFileError,
    SolverError,
)
from ._distributed import ShardIndex
from ._result import AuditResult, MatchResult, RematchResult

__version__: str = _core.__version__

__all__ = [
    "match",
    "suggest",
    "rematch",
    "RematchResult",
    "audit",
    "AuditResult",
    "score_matrix",
    "linear_sum_assignment",
    "MatchResult",
    "min_weight_full_bipartite_matching",
    "candidates",
    "match_candidates",
    "ShardIndex",
    "MentorMatchError",
    "InputError",
    "MissingFileError",
    "InfeasibleError",
    "SolverError",
    "__version__",
]

if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_core._reset_after_fork)

Table = Any  # DataFrame (pandas or polars), list of dicts, dict of lists, or a CSV path
PairSpec = Any  # list of dicts / (mentee, mentor[, reason]) tuples, or a DataFrame
# For type checkers only: the core checks the value (an unknown name is an InputError listing
# the names this build has), so there is no second list to keep in step at run time.
SolverName = Literal["auto", "exact", "ilp", "heuristic", "sparse", "lagrangian"]
# A list of criterion dicts, replacing the configuration's.
Criteria = Optional[Sequence[Mapping[str, Any]]]
# A dict with the TOML configuration's keys, or the path of a TOML file.
ConfigArg = Union[Mapping[str, Any], str, "os.PathLike[str]", None]


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


# The solver settings some functions take, in the order they are passed to the core.
_SOLVE_KEYS = ("solver", "allow_unmatched", "seed", "time_limit", "min_score", "objective")


def _args_for(
    config: ConfigArg,
    history: Any,
    criteria: Criteria,
    min_score: Optional[float],
    forbid: Optional[PairSpec],
    pin: Optional[PairSpec],
    **solve: Any,
) -> Callable[[Table, Table], Tuple[Any, ...]]:
    """Checks the keyword arguments every function takes, and ``solve``: the solver settings
    (``_SOLVE_KEYS``) a function also takes. Returns the function of the two tables that gives
    ``_core``'s arguments ``(mentors, mentees, config_path, config_json, overrides, history)``
    (called later for tables gathered from a Dask cluster). Arguments left ``None`` leave the
    configuration's value as it is."""
    unknown = set(solve) - set(_SOLVE_KEYS)
    if unknown:
        raise TypeError(f"unknown solver settings: {sorted(unknown)}")
    settings = dict(solve, min_score=min_score)
    o: dict = {}
    if criteria is not None:
        o["criteria"] = [dict(c) for c in criteria]
    for key in _SOLVE_KEYS:
        value = settings.get(key)
        if value is not None:
            o[key] = bool(value) if key == "allow_unmatched" else value
    if forbid is not None:
        o["forbid"] = _tables.pair_list(forbid, "forbid")
    if pin is not None:
        o["pin"] = _tables.pair_list(pin, "pin")
    return lambda mentors, mentees: _core_args(mentors, mentees, config, o, history)


def match(
    mentors: Table,
    mentees: Table,
    *,
    criteria: Criteria = None,
    config: ConfigArg = None,
    solver: Optional[SolverName] = None,
    allow_unmatched: Optional[bool] = None,
    seed: Optional[int] = None,
    time_limit: Optional[float] = None,
    min_score: Optional[float] = None,
    objective: Optional[str] = None,
    forbid: Optional[PairSpec] = None,
    pin: Optional[PairSpec] = None,
    history: Any = None,
    client: Any = None,
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
        Override the configuration's value when given; ``None`` (the default) leaves it as
        configured. An unknown ``solver`` name raises :class:`InputError` listing the names.
    forbid, pin
        Pairs never to make / that must be made, added to the configuration's: dicts with
        ``mentee``, ``mentor`` (and ``reason``), ``(mentee, mentor)`` tuples, or a DataFrame.
    history
        Earlier rounds' pairs, never made again: CSV path(s) with ``mentee_id,mentor_id``
        columns, a DataFrame, or a list of pairs; added to the configuration's ``history``.
    client
        A ``dask.distributed.Client`` (needs ``pip install "mentormatch[dask]"``): the passes
        over all pairs of the heuristic backend (candidate generation, column-generation
        pricing) run on its workers as one task per shard of mentees (a worker holds every
        mentor and only the mentees of its shards); the solve runs here.
        ``mentors`` and ``mentees`` may then be ``dask.dataframe`` DataFrames (shards are
        cut at their partitions' boundaries too). The result is identical to the one without a client (same
        pairs, same fingerprint). Backends without such passes (the dense exact solver chosen
        for cohorts that fit in memory, the ILP, ...) run here as without a client.

    Raises
    ------
    InputError
        Bad table, configuration or argument; ``.source``, ``.row``, ``.field``, ``.hint``.
        A file that does not exist raises its subclass ``MissingFileError``, which is also a
        ``FileNotFoundError``.
    InfeasibleError
        No matching satisfies the hard rules (and ``allow_unmatched`` is off); ``.diagnosis``.
    SolverError
        The selected backend failed or is not in this build.
    """
    solve = dict(solver=solver, allow_unmatched=allow_unmatched, seed=seed, time_limit=time_limit)
    args = _args_for(
        config, history, criteria, min_score, forbid, pin, objective=objective, **solve
    )
    if client is not None:
        from . import _dask

        return MatchResult(_dask.match_run(client, mentors, mentees, args))
    return MatchResult(_core.match_cohort(*args(mentors, mentees)))


def candidates(
    mentors: Table,
    mentees: Table,
    *,
    k: Optional[int] = None,
    prices: Any = None,
    criteria: Criteria = None,
    config: ConfigArg = None,
    min_score: Optional[float] = None,
    forbid: Optional[PairSpec] = None,
    pin: Optional[PairSpec] = None,
    history: Any = None,
) -> pd.DataFrame:
    """Candidate pairs of ``mentees``: each one's ``k`` best allowed mentors, as a DataFrame.

    Columns ``mentee_id, mentor_id, score, outside``, each mentee's rows best first;
    ``outside`` bounds the score of every allowed pair of the mentee not listed (``-inf``: none
    is left out); a mentee without any allowed mentor has one row with an empty ``mentor_id``.
    ``k`` defaults to the configuration's ``candidates`` (50). With ``prices`` (one per mentor,
    in the mentor table's order, ``>= 0``), the ``k`` mentors with the largest ``score -
    price``, with their plain scores (a pricing pass of column generation).

    Pairs are found without scoring every pair (a bound-pruned search over a tree of mentors).
    Any shard of mentees gives valid candidates for :func:`match_candidates`; for the rows the
    single-process solver uses (ties between equally good mentors broken by each mentee's place
    in the whole cohort), run jobs over ranges of one :class:`ShardIndex` of the whole cohort
    instead (this is what ``match(..., client=)`` and the Spark recipe in the README do).
    """
    return ShardIndex(
        mentors,
        mentees,
        criteria=criteria,
        config=config,
        min_score=min_score,
        forbid=forbid,
        pin=pin,
        history=history,
    ).candidates(k=k, prices=prices)


def match_candidates(
    candidates: Any,
    mentors: Table,
    mentees: Table,
    *,
    criteria: Criteria = None,
    config: ConfigArg = None,
    solver: Optional[SolverName] = None,
    allow_unmatched: Optional[bool] = None,
    seed: Optional[int] = None,
    time_limit: Optional[float] = None,
    min_score: Optional[float] = None,
    forbid: Optional[PairSpec] = None,
    pin: Optional[PairSpec] = None,
    history: Any = None,
    client: Any = None,
) -> MatchResult:
    """Matches from candidate pairs made elsewhere (:func:`candidates`, :class:`ShardIndex`
    jobs on Spark or Dask), with the heuristic backend: an auction over the candidates, then
    column generation (pricing passes over all pairs add the pairs that could improve the
    plan), local search, and a certificate over all allowed pairs.

    ``candidates``: a DataFrame with ``mentee_id, mentor_id, score, outside`` and rows for every
    mentee, each mentee's rows in the order the job gave them. The rows are checked against the
    tables and configuration (``InputError`` naming the row: an unknown id, a missing mentee, a
    score other than the one computed here). The pricing passes run here, or on ``client``'s
    workers. With the rows of :class:`ShardIndex` jobs over the whole cohort, the result equals
    ``match(mentors, mentees, solver="heuristic", ...)``: same pairs, same fingerprint.
    ``solver`` must be ``"auto"`` or ``"heuristic"``; other arguments as in :func:`match`.
    """
    from ._distributed import candidate_arrays

    solve = dict(solver=solver, allow_unmatched=allow_unmatched, seed=seed, time_limit=time_limit)
    core_args = _args_for(config, history, criteria, min_score, forbid, pin, **solve)
    mentee_ids, mentor_ids, scores, outside = candidate_arrays(candidates)
    work = getattr(candidates, "attrs", {}).get("mentormatch_work", (0, 0))
    if client is not None:
        from . import _dask

        args, passes = _dask.prepare(client, mentors, mentees, core_args)
    else:
        args, passes = core_args(mentors, mentees), None
    mentors_t, mentees_t, path, cfg, over, hist = args
    try:
        run = _core.match_candidates(
            mentors_t,
            mentees_t,
            mentee_ids,
            mentor_ids,
            scores,
            outside,
            passes,
            work,
            path,
            cfg,
            over,
            hist,
        )
    finally:
        if passes is not None:
            passes.close()
    return MatchResult(run)


def suggest(
    mentors: Table,
    mentees: Table,
    top: int = 5,
    *,
    criteria: Criteria = None,
    config: ConfigArg = None,
    min_score: Optional[float] = None,
    forbid: Optional[PairSpec] = None,
    pin: Optional[PairSpec] = None,
    history: Any = None,
) -> pd.DataFrame:
    """Suggestions for self-matching: up to ``top`` mentors per mentee.

    Returns a DataFrame ``mentee_id, rank, mentor_id, score, explanation`` (the same as
    ``mentormatch suggest``). Rank 1 is the partner in the optimal plan (mentees may stay
    unmatched in it, so everyone gets a list); the others are ordered by score minus the
    mentor's price in that plan (what the plan loses if the mentor gives up a place; on ties
    the cheaper mentor first), so a mentor everyone wants does not head every list. Every
    suggestion is an allowed pair with a mentor who has places. Arguments as for
    :func:`match`."""
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise InputError(f"top must be a whole number of suggestions, 1 or more, not {top!r}")
    solve = dict(solver="auto", allow_unmatched=False)
    args = _args_for(config, history, criteria, min_score, forbid, pin, **solve)
    m, e, path, cfg_json, over, hist = args(mentors, mentees)
    mentee_ids, ranks, mentor_ids, scores, texts = _core.suggest(
        m, e, int(top), path, cfg_json, over, hist
    )
    return pd.DataFrame(
        {
            "mentee_id": mentee_ids,
            "rank": np.asarray(ranks, dtype=np.int64),
            "mentor_id": mentor_ids,
            "score": np.asarray(scores, dtype=np.float64),
            "explanation": texts,
        }
    )


def rematch(
    previous: Table,
    mentors: Table,
    mentees: Table,
    *,
    criteria: Criteria = None,
    config: ConfigArg = None,
    allow_unmatched: bool = False,
    min_score: Optional[float] = None,
    forbid: Optional[PairSpec] = None,
    pin: Optional[PairSpec] = None,
    history: Any = None,
) -> RematchResult:
    """Re-matches mid-round from the previous plan (``previous``: its pairs, e.g.
    ``result.pairs`` or the CSV ``match`` wrote, with ``mentee_id`` and ``mentor_id``).

    Every previous pair whose two people are still there and still allowed is kept (when a
    mentor now has fewer places, the higher-scoring pairs stay; a ``pin`` wins over a previous
    pair); the rest is matched for the best total. The result's ``pairs`` has a ``status``
    column (``kept``, ``new``, ``changed``) and ``ended`` lists each previous pair that does
    not continue, with why. Other arguments as for :func:`match`."""
    solve = dict(solver="auto", allow_unmatched=allow_unmatched)
    args = _args_for(config, history, criteria, min_score, forbid, pin, **solve)
    run, change, ended = _core.rematch(_tables.table(previous, "previous"), *args(mentors, mentees))
    return RematchResult(run, change, ended)


def audit(
    pairs: Table,
    mentors: Table,
    mentees: Table,
    *,
    criteria: Criteria = None,
    config: ConfigArg = None,
    min_score: Optional[float] = None,
    forbid: Optional[PairSpec] = None,
    pin: Optional[PairSpec] = None,
    history: Any = None,
) -> AuditResult:
    """Audits any matching, e.g. one made by hand last year (``pairs``: a DataFrame or CSV with
    ``mentee_id`` and ``mentor_id``, such as ``result.pairs``): the pairs that break a hard
    rule, mentors over capacity, the blocking pairs (pairs not made who would both rather be
    together, by ranked preferences where given, else by score), the score of every pair and
    the total against the best total under the same rules. The same as ``mentormatch audit``.
    An id not in the tables raises :class:`InputError` naming the row. Other arguments as for
    :func:`match`."""
    args = _args_for(config, history, criteria, min_score, forbid, pin)
    a, blocking = _core.audit(_tables.table(pairs, "pairs"), *args(mentors, mentees))
    return AuditResult(a, blocking)


def score_matrix(
    mentors: Table,
    mentees: Table,
    *,
    criteria: Criteria = None,
    config: ConfigArg = None,
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
    args = _args_for(config, history, criteria, min_score, forbid, pin)
    mentee_ids, mentor_ids, scores, allowed = _core.score_matrix(*args(mentors, mentees))
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


def _is_sparse(x: Any) -> bool:
    try:
        from scipy.sparse import issparse
    except ImportError:  # without scipy there are no scipy sparse arrays to accept
        return False
    return bool(issparse(x))


def min_weight_full_bipartite_matching(
    biadjacency_matrix: Any, maximize: bool = False
) -> Tuple[np.ndarray, np.ndarray]:
    """Minimum weight full matching of a bipartite graph: a drop-in for
    ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` (same arguments, return values,
    exceptions and messages).

    Parameters
    ----------
    biadjacency_matrix : scipy sparse array or matrix (CSR, CSC, COO, ...)
        Rows are one side of the graph, columns the other; every stored entry is an edge with
        that weight. Explicit zeros are removed with a ``UserWarning``, as scipy does.
    maximize : bool
        Maximise the total weight instead.

    Returns
    -------
    row_ind, col_ind : ndarray
        ``biadjacency_matrix[row_ind, col_ind]`` is a matching of every row or every column,
        whichever side is smaller, of least (greatest) total weight; ``row_ind`` is sorted.
        Dtypes follow scipy: the fully matched side is ``intp``, the other the matrix's index
        dtype.

    Raises
    ------
    TypeError
        The input is not a scipy sparse array or matrix ("graph must be sparse").
    ValueError
        No full matching exists ("no full matching exists"), or a weight is NaN (or ``-inf``
        when minimising, ``+inf`` when maximising: "matrix contains invalid numeric entries").

    Notes
    -----
    Successive shortest augmenting paths with potentials over the stored edges only (the
    matrix is never made dense), in Rust. ``+inf`` (``-inf`` when maximising) entries are edges
    never worth taking and are ignored. The arrays of a CSR input are read in place; if any of
    them is writeable the solve holds the GIL so no Python thread can change them meanwhile.
    """
    if not _is_sparse(biadjacency_matrix):
        raise TypeError("graph must be sparse")
    a = biadjacency_matrix.tocsr()
    if a.nnz and not np.all(a.data):
        import warnings

        warnings.warn(
            "explicit zero weights are removed before matching", UserWarning, stacklevel=2
        )
        a = a.copy()
        a.eliminate_zeros()
    nrows, ncols = a.shape
    index_dtype = a.indices.dtype
    indptr, indices = a.indptr, a.indices
    if indptr.dtype != index_dtype or index_dtype not in (np.int32, np.int64):
        indptr, indices = indptr.astype(np.int64), indices.astype(np.int64)
    data = a.data
    if data.dtype != np.float64:
        data = np.asarray(data, dtype=np.float64)
    private = not (indptr.flags.writeable or indices.flags.writeable or data.flags.writeable)
    rows, cols = _core.min_weight_full_bipartite_matching(
        nrows, ncols, indptr, indices, data, bool(maximize), private
    )
    # Copies that own their memory (the Rust-owned buffers cannot back writeable views, which
    # scipy's sparse fancy indexing makes), in scipy's dtypes.
    if nrows <= ncols:
        return rows.astype(np.intp), cols.astype(index_dtype)
    return rows.astype(index_dtype), cols.astype(np.intp)
