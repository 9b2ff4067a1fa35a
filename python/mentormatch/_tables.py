"""Python objects in: participant tables, pair lists and configuration, turned into the plain
lists that ``mentormatch._core`` takes. The core then reads them with the same record reader as
the command line's CSV files, so the rules and error messages are the same."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

# (source, headers, columns) or a CSV path.
TableArg = Union[str, Tuple[str, List[str], List[List[Any]]]]


def _is_path(obj: Any) -> bool:
    return isinstance(obj, (str, os.PathLike))


def _is_pandas(obj: Any) -> bool:
    return type(obj).__module__.startswith("pandas") and hasattr(obj, "columns")


def _is_polars(obj: Any) -> bool:
    return type(obj).__module__.startswith("polars") and hasattr(obj, "to_dict")


def _pandas_columns(df: Any) -> Tuple[List[str], List[List[Any]]]:
    import pandas as pd

    if not isinstance(df.index, pd.RangeIndex) and any(n is not None for n in df.index.names):
        # e.g. df.set_index("id"): the index is a column of the form.
        df = df.reset_index()
    headers = [str(c) for c in df.columns]
    columns: List[List[Any]] = []
    for _, s in df.items():
        dtype = s.dtype
        if not isinstance(dtype, np.dtype) or dtype == object:
            # Extension dtypes (Int64, string, boolean) and object columns may hold pd.NA/NaT,
            # which read as empty cells.
            na = s.isna()
            if na.any():
                s = s.astype(object).where(~na, None)
        columns.append(s.tolist())
    return headers, columns


def _records_columns(rows: Sequence[Mapping[str, Any]]) -> Tuple[List[str], List[List[Any]]]:
    headers: Dict[str, None] = {}
    for r in rows:
        if not isinstance(r, Mapping):
            raise TypeError(f"expected a dict per row, got {type(r).__name__}")
        for k in r:
            headers.setdefault(k, None)
    keys = list(headers)
    return [str(k) for k in keys], [[r.get(k) for r in rows] for k in keys]


def table(obj: Any, source: str) -> TableArg:
    """A participant table for the core: a CSV path, or ``(source, headers, columns)``."""
    if _is_path(obj):
        return os.fspath(obj)
    if type(obj).__module__.startswith("dask") and hasattr(obj, "compute"):
        # A dask DataFrame without a client: computed here, as one pandas DataFrame.
        obj = obj.compute()
    if _is_pandas(obj):
        headers, columns = _pandas_columns(obj)
    elif _is_polars(obj):
        d = obj.to_dict(as_series=False)
        headers, columns = [str(k) for k in d], [list(v) for v in d.values()]
    elif isinstance(obj, Mapping):
        headers = [str(k) for k in obj]
        columns = [list(v) for v in obj.values()]
    elif isinstance(obj, (list, tuple)):
        headers, columns = _records_columns(obj)
    else:
        raise TypeError(
            f"{source} must be a pandas (or polars, dask) DataFrame, a list of dicts, a dict of lists or the path "
            f"of a CSV file, not {type(obj).__name__}"
        )
    return (source, headers, columns)


def pair_list(obj: Any, what: str) -> List[Dict[str, Any]]:
    """``forbid`` / ``pin`` as the configuration's list of ``{mentee, mentor, reason}`` tables.

    Accepts dicts (``mentee``/``mentor`` or ``mentee_id``/``mentor_id`` keys, optional
    ``reason``), tuples ``(mentee, mentor[, reason])`` or a DataFrame with such columns."""
    if _is_pandas(obj):
        obj = obj.to_dict("records")
    out: List[Dict[str, Any]] = []
    for k, p in enumerate(obj):
        if isinstance(p, Mapping):
            mentee = p.get("mentee", p.get("mentee_id"))
            mentor = p.get("mentor", p.get("mentor_id"))
            reason = p.get("reason")
        elif isinstance(p, (list, tuple)) and len(p) in (2, 3):
            mentee, mentor = p[0], p[1]
            reason = p[2] if len(p) == 3 else None
        else:
            raise TypeError(
                f"{what}[{k}] must be a dict with 'mentee' and 'mentor' or a (mentee, mentor) "
                f"tuple, not {p!r}"
            )
        if mentee is None or mentor is None:
            raise TypeError(f"{what}[{k}] needs both a mentee and a mentor id: {p!r}")
        d: Dict[str, Any] = {"mentee": str(mentee), "mentor": str(mentor)}
        if reason is not None and reason == reason:  # not None, not NaN
            d["reason"] = str(reason)
        out.append(d)
    return out


def history_tables(obj: Any) -> Optional[List[TableArg]]:
    """``history``: CSV path(s), a DataFrame, or a list of pairs (dicts or tuples)."""
    if obj is None:
        return None
    if _is_path(obj) or _is_pandas(obj) or _is_polars(obj):
        return [table(obj, "history")]
    items = list(obj)
    if items and all(_is_path(x) for x in items):
        return [os.fspath(x) for x in items]
    pairs = pair_list(items, "history")
    return [
        (
            "history",
            ["mentee_id", "mentor_id"],
            [[p["mentee"] for p in pairs], [p["mentor"] for p in pairs]],
        )
    ]


def _json_default(o: Any) -> Any:
    if isinstance(o, os.PathLike):
        return os.fspath(o)
    if hasattr(o, "tolist"):  # numpy scalars and arrays
        return o.tolist()
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    raise TypeError(f"{type(o).__name__} is not a configuration value")


def dumps(obj: Any) -> str:
    return json.dumps(obj, default=_json_default, allow_nan=False)


def config_args(
    config: Any,
    overrides: Dict[str, Any],
) -> Tuple[Optional[str], Optional[str], Optional[str]]:
    """``(config_path, config_json, overrides_json)`` for the core."""
    path = json_ = None
    if config is None:
        pass
    elif _is_path(config):
        path = os.fspath(config)
    elif isinstance(config, Mapping):
        json_ = dumps(dict(config))
    else:
        raise TypeError(
            f"config must be a dict or the path of a TOML file, not {type(config).__name__}"
        )
    over = dumps(overrides) if overrides else None
    return path, json_, over

