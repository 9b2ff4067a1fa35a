"""MatchResult: the outcome of :func:`mentormatch.match` as DataFrames and plain values."""

from __future__ import annotations

import html
import json
import os
import re
from typing import Any, Dict, List, Optional, Union

import pandas as pd

from . import _core


_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _safe_cell(v: Any) -> Any:
    if isinstance(v, str) and v.startswith(_FORMULA) and not _NUMBER.fullmatch(v):
        return "'" + v
    return v


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells cannot run as spreadsheet formulas (OWASP CSV
    injection): a leading ``'`` before ``=``, ``+``, ``-``, ``@``, tab or carriage return."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c].dtype):
            out[c] = out[c].map(_safe_cell)
    return out


_BLOCKING_COLUMNS = ["mentee_id", "mentor_id", "score", "mentee_partner", "mentor_drops", "reason"]


class MatchResult:
    """Pairs with reasons, the unmatched with reasons, and enough to audit and reproduce the run.

    Attributes
    ----------
    pairs : DataFrame
        One row per pair, in mentee order: ``mentee_id``, ``mentor_id``, ``score`` (0..100), one
        column per criterion (the points it adds to the score; they sum to ``score``),
        ``pinned`` and ``explanation`` (one sentence): the columns and order of the CLI's
        pairs file.
    unmatched : DataFrame
        ``side`` (``"mentee"`` or ``"mentor"``), ``id`` and ``reason``: mentees without a mentor
        and mentors with places left.
    objective : float
        Total score of all pairs.
    status : str
        ``"optimal"``, ``"feasible"`` (see ``bound`` and ``gap``) or ``"no_solution_found"``.
    success : bool
        True when a matching was found (``status`` is ``"optimal"`` or ``"feasible"``), as in
        scipy's ``OptimizeResult``.
    bound, gap : float or None
        Upper bound on the best total, and the relative gap, when not proven optimal.
    goals : DataFrame
        One row per cohort-goal bound: ``constraint``, ``bound``, ``value``, ``satisfied``.
    criterion_stats : DataFrame
        How often each criterion was met over the pairs: ``criterion``, ``weight``,
        ``required``, ``full``, ``partly``, ``not_met``, ``unknown``, ``mean`` (the counts of
        the reports).
    fingerprint : str
        sha256 of the input, configuration and version: the same fingerprint means the same run.
    notes : list of str
        Remarks from the solver (why ``auto`` chose a backend, limits hit); ``to_dict()`` has
        each with its kind.
    stats : dict
        ``solve_seconds``: how long the solve took.
    blocking_pairs : DataFrame or None
        Pairs not made whose mentee and mentor both strictly prefer each other to whom they got
        (by ranked preferences where given, else by score; a free place is worse than anyone
        acceptable): ``mentee_id``, ``mentor_id``, ``score``, ``mentee_partner`` (None:
        unmatched), ``mentor_drops`` (None: the mentor has a place left), ``reason``. Empty for
        a stable matching; ``None`` when the audit was skipped for size (see ``notes``).
    price_of_stability : dict or None
        With ranked preferences: ``stable_total``, ``stable_pairs``, ``stable_blocking``,
        ``optimum_total``, ``optimum_pairs``, ``optimum_blocking``, ``stable_side``.
    """

    __slots__ = ("_run", "_pairs", "_unmatched")

    def __init__(self, run: _core.Run) -> None:
        self._run = run
        self._pairs: Optional[pd.DataFrame] = None
        self._unmatched: Optional[pd.DataFrame] = None

    @property
    def pairs(self) -> pd.DataFrame:
        if self._pairs is None:
            self._pairs = pd.DataFrame(self._run.pair_columns())
        return self._pairs

    @property
    def unmatched(self) -> pd.DataFrame:
        if self._unmatched is None:
            self._unmatched = pd.DataFrame(
                self._run.unmatched_rows(), columns=["side", "id", "reason"]
            )
        return self._unmatched

    @property
    def objective(self) -> float:
        return self._run.objective

    @property
    def blocking_pairs(self) -> Optional[pd.DataFrame]:
        cols = self._run.blocking_columns()
        if cols is None:
            return None
        return pd.DataFrame(cols, columns=_BLOCKING_COLUMNS)

    @property
    def price_of_stability(self) -> Optional[Dict[str, Any]]:
        return self._run.price_of_stability

    @property
    def status(self) -> str:
        return self._run.status

    @property
    def success(self) -> bool:
        return self.status in ("optimal", "feasible")

    @property
    def solver(self) -> str:
        return self._run.solver

    @property
    def bound(self) -> Optional[float]:
        return self._run.bound

    @property
    def gap(self) -> Optional[float]:
        return self._run.gap

    @property
    def fingerprint(self) -> str:
        return self._run.fingerprint

    @property
    def notes(self) -> List[str]:
        return self._run.notes

    @property
    def criteria(self) -> List[str]:
        return self._run.criteria

    @property
    def stats(self) -> Dict[str, float]:
        """How long the solve took (``solve_seconds``); timings are not part of the result's
        identity, so ``to_dict()`` of two equal runs differs only here."""
        return {"solve_seconds": self._run.solve_seconds}

    @property
    def goals(self) -> pd.DataFrame:
        return pd.DataFrame(
            self._run.goals, columns=["constraint", "bound", "value", "satisfied"]
        )

    @property
    def criterion_stats(self) -> pd.DataFrame:
        return pd.DataFrame(
            self._run.criterion_stats(),
            columns=[
                "criterion",
                "weight",
                "required",
                "full",
                "partly",
                "not_met",
                "unknown",
                "mean",
            ],
        )

    def explain(self, mentee_id: str, mentor_id: str) -> Dict[str, Any]:
        """The breakdown of any mentee-mentor combination, paired or not.

        Returns a dict with ``mentee_id``, ``mentor_id``, ``score``, ``allowed``, ``pinned``,
        ``breakdown`` (a list of ``{criterion, value, points, text}``), ``blocked_by`` (hard
        rules that forbid the pair, in words) and ``text`` (one sentence). Raises
        :class:`InputError` for an unknown id."""
        return self._run.explain(str(mentee_id), str(mentor_id))

    def to_csv(self, path: Union[str, "os.PathLike[str]"], **kwargs: Any) -> None:
        """Writes :attr:`pairs` to a CSV file (keyword arguments go to ``DataFrame.to_csv``).

        Text cells beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a
        leading ``'`` (as in the command line's files), so a form entry cannot run as a
        spreadsheet formula; numbers are untouched."""
        kwargs.setdefault("index", False)
        spreadsheet_safe(self.pairs).to_csv(path, **kwargs)

    def to_html(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the report for leadership as one self-contained HTML file (the same as
        ``mentormatch match --report report.html``): summary, inline SVG charts, every pair with
        its reasons, the unmatched and the mentors not selected with concrete reasons. No
        script and nothing fetched from elsewhere; every input text is escaped."""
        text = self._run.to_html()
        tmp = f"{os.fspath(path)}.mentormatch-tmp"
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)

    def to_dict(self) -> Dict[str, Any]:
        """The whole result as plain data (the Rust library's serde form)."""
        out: Dict[str, Any] = json.loads(self._run.to_json())
        return out

    def _summary(self) -> str:
        n_mentees = int((self.unmatched["side"] == "mentee").sum())
        s = (
            f"{len(self.pairs)} pairs, objective {self.objective:.1f}, status {self.status}, "
            f"solver {self.solver}"
        )
        if self.gap is not None:
            s += f", gap {self.gap:.2%}"
        if n_mentees:
            s += f", {n_mentees} mentee(s) unmatched"
        return s

    def __repr__(self) -> str:
        head = self.pairs[["mentee_id", "mentor_id", "score"]].head(10).to_string(index=False)
        more = "" if len(self.pairs) <= 10 else f"\n... ({len(self.pairs) - 10} more)"
        return f"MatchResult({self._summary()}; fingerprint {self.fingerprint[:12]})\n{head}{more}"

    def _repr_html_(self) -> str:
        table = self.pairs.drop(columns=["pinned"]).to_html(
            index=False, float_format=lambda x: f"{x:.1f}", max_rows=50
        )
        return (
            f"<div><p><b>MatchResult</b>: {html.escape(self._summary())}</p>{table}"
            f"<p><small>fingerprint {html.escape(self.fingerprint)}</small></p></div>"
        )


class RematchResult(MatchResult):
    """The result of :func:`mentormatch.rematch`: a :class:`MatchResult` whose ``pairs`` has a
    ``status`` column (``kept``, ``new``, ``changed``), plus :attr:`ended`.

    Attributes
    ----------
    ended : DataFrame
        ``mentee_id``, ``mentor_id``, ``reason``: each previous pair that does not continue.
    """

    __slots__ = ("_change", "_ended")

    def __init__(self, run: _core.Run, change: List[str], ended: List[Any]) -> None:
        super().__init__(run)
        self._change = list(change)
        self._ended = pd.DataFrame(ended, columns=["mentee_id", "mentor_id", "reason"])

    @property
    def pairs(self) -> pd.DataFrame:
        if self._pairs is None:
            df = pd.DataFrame(self._run.pair_columns())
            df.insert(2, "status", self._change)
            self._pairs = df
        return self._pairs

    @property
    def ended(self) -> pd.DataFrame:
        return self._ended


class AuditResult:
    """The audit of a matching made elsewhere (:func:`mentormatch.audit`).

    Attributes
    ----------
    pairs : DataFrame
        Every pair audited: ``mentee_id``, ``mentor_id``, ``score``, ``allowed``,
        ``broken_rules`` (the hard rules it breaks, ``"; "``-joined; empty when allowed) and
        ``explanation``.
    blocking_pairs : DataFrame
        As :attr:`MatchResult.blocking_pairs`.
    over_capacity : DataFrame
        ``mentor_id``, ``mentees``, ``capacity``: mentors with more mentees than places.
    unmatched_mentees : list of str
        Mentees without a mentor.
    total : float
        Total score of the pairs.
    optimum, optimum_pairs : float, int or None
        The best total under the same rules (unmatched mentees allowed) and its number of pairs.
    notes : list of str
    """

    __slots__ = (
        "pairs",
        "blocking_pairs",
        "over_capacity",
        "unmatched_mentees",
        "total",
        "optimum",
        "optimum_pairs",
        "notes",
    )

    def __init__(self, audit: Dict[str, Any], blocking: Dict[str, Any]) -> None:
        rows = audit["pairs"]
        self.pairs = pd.DataFrame(
            {
                "mentee_id": [r["mentee_id"] for r in rows],
                "mentor_id": [r["mentor_id"] for r in rows],
                "score": pd.Series([r["score"] for r in rows], dtype="float64"),
                "allowed": pd.Series([r["allowed"] for r in rows], dtype="bool"),
                "broken_rules": ["; ".join(r["broken_rules"]) for r in rows],
                "explanation": [r["explanation"] for r in rows],
            }
        )
        self.blocking_pairs = pd.DataFrame(blocking, columns=_BLOCKING_COLUMNS)
        self.over_capacity = pd.DataFrame(
            audit["over_capacity"], columns=["mentor_id", "mentees", "capacity"]
        )
        self.unmatched_mentees: List[str] = list(audit["unmatched_mentees"])
        self.total: float = audit["total"]
        self.optimum: Optional[float] = audit["optimum"]
        self.optimum_pairs: Optional[int] = audit["optimum_pairs"]
        self.notes: List[str] = list(audit["notes"])

    def __repr__(self) -> str:
        best = "" if self.optimum is None else f" of a best {self.optimum:.1f}"
        return (
            f"AuditResult({len(self.pairs)} pairs, {int((~self.pairs['allowed']).sum())} breaking "
            f"a rule, {len(self.over_capacity)} mentors over capacity, "
            f"{len(self.blocking_pairs)} blocking pairs, total {self.total:.1f}{best})"
        )
