# Stubs for the compiled module mentormatch._core (crates/mentormatch-py). Low level: use the
# functions of the `mentormatch` package, which accept DataFrames.
import os
from typing import Any, Callable, Dict, List, Optional, Tuple, Union, final

import numpy as np
import numpy.typing as npt

__version__: str

# A CSV path, or (source, headers, columns) with one list of cells per header.
_Table = Union[str, Tuple[str, List[str], List[List[Any]]]]
# The configuration's TOML file, and earlier rounds' pairs (see `mentormatch._tables`).
_ConfigPath = Union[str, os.PathLike[str], None]
_History = Optional[List[_Table]]

class MentorMatchError(ValueError): ...

class InputError(MentorMatchError):
    source: Optional[str]
    row: Optional[int]
    field: Optional[str]
    hint: Optional[str]

class MissingFileError(FileNotFoundError, InputError): ...

class InfeasibleError(MentorMatchError):
    diagnosis: Optional[Dict[str, Any]]

class SolverError(MentorMatchError): ...

@final
class Run:
    @property
    def objective(self) -> float: ...
    @property
    def status(self) -> str: ...
    @property
    def solver(self) -> str: ...
    @property
    def bound(self) -> Optional[float]: ...
    @property
    def gap(self) -> Optional[float]: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def notes(self) -> List[str]: ...
    @property
    def criteria(self) -> List[str]: ...
    @property
    def goals(self) -> List[Tuple[str, str, float, bool]]: ...
    @property
    def solve_seconds(self) -> float: ...
    def pair_columns(self) -> Dict[str, Any]: ...
    def criterion_stats(
        self,
    ) -> List[Tuple[str, float, bool, int, int, int, int, Optional[float]]]: ...
    def unmatched_rows(self) -> List[Tuple[str, str, str]]: ...
    def explain(self, mentee_id: str, mentor_id: str) -> Dict[str, Any]: ...
    def blocking_columns(self) -> Optional[Dict[str, Any]]: ...
    @property
    def price_of_stability(self) -> Optional[Dict[str, Any]]: ...
    def to_json(self) -> str: ...
    def to_html(self) -> str: ...

def match_cohort(
    mentors: _Table,
    mentees: _Table,
    config_path: _ConfigPath = None,
    config_json: Optional[str] = None,
    overrides: Optional[str] = None,
    history: _History = None,
) -> Run: ...
def suggest(
    mentors: _Table,
    mentees: _Table,
    top: int,
    config_path: _ConfigPath = None,
    config_json: Optional[str] = None,
    overrides: Optional[str] = None,
    history: _History = None,
) -> Tuple[List[str], List[int], List[str], List[float], List[str]]: ...
def rematch(
    previous: _Table,
    mentors: _Table,
    mentees: _Table,
    config_path: _ConfigPath = None,
    config_json: Optional[str] = None,
    overrides: Optional[str] = None,
    history: _History = None,
) -> Tuple[Run, List[str], List[Tuple[str, str, str]]]: ...
def audit(
    pairs: _Table,
    mentors: _Table,
    mentees: _Table,
    config_path: _ConfigPath = None,
    config_json: Optional[str] = None,
    overrides: Optional[str] = None,
    history: _History = None,
) -> Tuple[Dict[str, Any], Dict[str, Any]]: ...
def score_matrix(
    mentors: _Table,
    mentees: _Table,
    config_path: _ConfigPath = None,
    config_json: Optional[str] = None,
    overrides: Optional[str] = None,
    history: _History = None,
) -> Tuple[List[str], List[str], npt.NDArray[np.float64], npt.NDArray[np.bool_]]: ...
def linear_sum_assignment(
    cost_matrix: npt.NDArray[np.float64], maximize: bool = False, release_gil: bool = True
) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
def min_weight_full_bipartite_matching(
    nrows: int,
    ncols: int,
    indptr: npt.NDArray[Any],
    indices: npt.NDArray[Any],
    data: npt.NDArray[np.float64],
    maximize: bool = False,
    release_gil: bool = True,
) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
def _reset_after_fork() -> None: ...

# Flat candidate rows: (offsets, mentor indices, scores, outside per mentee (or `left` per
# pricing query), pairs scored, bounds evaluated).
_FlatRows = Tuple[
    npt.NDArray[np.uint64],
    npt.NDArray[np.uint32],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    int,
    int,
]
# The passes callback: ("candidates", k) or ("price", mentees, floors, restricted, v, masked, k).
_Passes = Callable[..., _FlatRows]

@final
class ShardIndex:
    def __new__(
        cls,
        mentors: _Table,
        mentees: _Table,
        config_path: _ConfigPath = None,
        config_json: Optional[str] = None,
        overrides: Optional[str] = None,
        history: _History = None,
        index: Optional[bytes] = None,
        offset: Optional[int] = None,
    ) -> ShardIndex: ...
    def index_bytes(self) -> bytes: ...
    @property
    def n_mentees(self) -> int: ...
    @property
    def mentee_offset(self) -> int: ...
    @property
    def shardable(self) -> bool: ...
    @property
    def n_mentors(self) -> int: ...
    @property
    def default_k(self) -> int: ...
    def mentee_ids(self) -> List[str]: ...
    def mentor_ids(self) -> List[str]: ...
    def candidates(
        self,
        start: int,
        stop: int,
        k: Optional[int] = None,
        prices: Optional[npt.NDArray[np.float64]] = None,
    ) -> _FlatRows: ...
    def price_above(
        self,
        mentees: npt.NDArray[np.uint64],
        floors: npt.NDArray[np.float64],
        restricted: npt.NDArray[np.bool_],
        v: npt.NDArray[np.float64],
        masked: Optional[npt.NDArray[np.float64]],
        k: int,
    ) -> _FlatRows: ...

def match_distributed(
    mentors: _Table,
    mentees: _Table,
    passes: _Passes,
    config_path: _ConfigPath = None,
    config_json: Optional[str] = None,
    overrides: Optional[str] = None,
    history: _History = None,
) -> Run: ...
def match_candidates(
    mentors: _Table,
    mentees: _Table,
    mentee_ids: List[str],
    mentor_ids: List[Optional[str]],
    scores: npt.NDArray[np.float64],
    outside: npt.NDArray[np.float64],
    passes: Optional[_Passes] = None,
    stats: Tuple[int, int] = ...,
    config_path: _ConfigPath = None,
    config_json: Optional[str] = None,
    overrides: Optional[str] = None,
    history: _History = None,
) -> Run: ...
