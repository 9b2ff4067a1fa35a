"""match / score_matrix on the shared fixtures and example cohort: DataFrames in, DataFrames out,
and the same result as the core's own CSV reading (the command line's path)."""

import multiprocessing
import os

import numpy as np
import pandas as pd
import pytest

import mentormatch as mm
from conftest import DATA, EXAMPLES, FIXTURES

CONFIG = EXAMPLES / "config.toml"


def read(path, **kw):
    return pd.read_csv(path, **kw)


def same(a: mm.MatchResult, b: mm.MatchResult):
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    pd.testing.assert_frame_equal(a.unmatched, b.unmatched)
    assert a.objective == b.objective
    assert a.fingerprint == b.fingerprint


@pytest.fixture(scope="module")
def by_path():
    # The core reads the CSV files itself, exactly as the command line does.
    return mm.match(str(DATA / "mentors.csv"), str(DATA / "mentees.csv"), config=str(CONFIG))


@pytest.mark.parametrize("dtype", [str, None])
def test_dataframe_equals_csv_reading(by_path, dtype):
    r = mm.match(read(DATA / "mentors.csv", dtype=dtype), read(DATA / "mentees.csv", dtype=dtype),
                 config=CONFIG)
    same(r, by_path)


def test_other_table_forms(by_path):
    mentors, mentees = read(DATA / "mentors.csv", dtype=str), read(DATA / "mentees.csv", dtype=str)
    same(mm.match(mentors.to_dict("records"), mentees.to_dict("records"), config=CONFIG), by_path)
    same(mm.match(mentors.to_dict("list"), mentees.to_dict("list"), config=CONFIG), by_path)
    # list cells as Python lists instead of ';'-separated text
    listy = mentors.copy()
    for col in ["cultural_competence", "interests", "offers"]:
        listy[col] = [[] if pd.isna(v) else v.split(";") for v in listy[col]]
    same(mm.match(listy, mentees, config=CONFIG), by_path)
    # an id index is a column
    same(mm.match(mentors.set_index("id"), mentees, config=CONFIG), by_path)
    # nullable dtypes with pd.NA
    same(mm.match(read(DATA / "mentors.csv").convert_dtypes(), mentees, config=CONFIG), by_path)


def test_norwegian_forms_give_the_same_pairs(by_path):
    r = mm.match(read(DATA / "mentors_no.csv", dtype=str), read(DATA / "mentees_no.csv", dtype=str),
                 config={**_toml(EXAMPLES / "config_no.toml"), **_toml(CONFIG, drop_columns=True)})
    pd.testing.assert_frame_equal(r.pairs, by_path.pairs)


def _toml(path, drop_columns=False):
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        pytest.skip("tomllib needs Python 3.11")
    with open(path, "rb") as f:
        d = tomllib.load(f)
    if drop_columns:
        d.pop("columns", None)
        if "history" in d:
            d["history"] = str(path.parent / d["history"])
    return d


def test_result_contents(by_path):
    r = by_path
    p = r.pairs
    assert list(p.columns[:3]) == ["mentee_id", "mentor_id", "score"]
    assert list(p.columns[3:-2]) == r.criteria
    assert list(p.columns[-2:]) == ["pinned", "explanation"]  # the CLI's order
    np.testing.assert_allclose(p[r.criteria].sum(axis=1), p["score"])
    assert r.objective == pytest.approx(p["score"].sum())
    assert r.status == "optimal" and r.gap in (None, 0.0)
    assert len(r.fingerprint) == 64
    assert set(r.unmatched.columns) == {"side", "id", "reason"}
    # history (config.toml names data/past_pairs.csv): L01 was with M04 before
    assert not ((p.mentee_id == "L01") & (p.mentor_id == "M04")).any()
    assert "MatchResult(" in repr(r) and "<table" in r._repr_html_()
    # criterion statistics: one row per criterion, counts over the pairs, the mean value from
    # the per-pair breakdowns (which `explain` returns)
    st = r.criterion_stats
    assert list(st.criterion) == r.criteria
    assert (st[["full", "partly", "not_met", "unknown"]].sum(axis=1) == len(p)).all()
    for k, row in st.iterrows():
        values = [
            r.explain(a, b)["breakdown"][k]["value"] for a, b in zip(p.mentee_id, p.mentor_id)
        ]
        known = [v for v in values if v is not None]
        assert row.full == sum(v >= 1.0 for v in known)
        assert row.not_met == sum(v == 0.0 for v in known)
        assert row["mean"] == pytest.approx(sum(known) / len(known))
    d = r.to_dict()
    assert len(d["pairs"]) == len(p)


def test_explain_any_pair(by_path):
    first = by_path.pairs.iloc[0]
    e = by_path.explain(first.mentee_id, first.mentor_id)
    assert e["allowed"] and e["score"] == pytest.approx(first.score)
    assert [b["criterion"] for b in e["breakdown"]] == by_path.criteria
    assert e["text"] == first.explanation
    other = by_path.explain("L01", "M01")  # same department: blocked by a required criterion
    assert not other["allowed"] and other["blocked_by"]
    with pytest.raises(mm.InputError, match="unknown mentee 'nobody'"):
        by_path.explain("nobody", "M01")


def test_to_csv(by_path, tmp_path):
    by_path.to_csv(tmp_path / "pairs.csv")
    back = pd.read_csv(tmp_path / "pairs.csv")
    assert back["mentee_id"].tolist() == by_path.pairs["mentee_id"].tolist()
    np.testing.assert_allclose(back["score"], by_path.pairs["score"])


def test_score_matrix_agrees_with_pairs(by_path):
    scores, allowed = mm.score_matrix(read(DATA / "mentors.csv", dtype=str),
                                      read(DATA / "mentees.csv", dtype=str), config=CONFIG)
    assert scores.shape == allowed.shape == (12, 24)
    assert scores.index.name == "mentee_id" and scores.columns.name == "mentor_id"
    assert allowed.dtypes.eq(bool).all()
    for p in by_path.pairs.itertuples():
        assert scores.loc[p.mentee_id, p.mentor_id] == pytest.approx(p.score)
        assert allowed.loc[p.mentee_id, p.mentor_id]
    assert not allowed.loc["L01", "M04"]  # history


def test_tiny_fixture_cohort():
    r = mm.match(read(FIXTURES / "tiny_mentors.csv"), read(FIXTURES / "tiny_mentees.csv"))
    got = dict(zip(r.pairs.mentee_id, r.pairs.mentor_id))
    assert got == {"t1": "u2", "t2": "u3", "t3": "u4", "t4": "u5"}
    same(r, mm.match(str(FIXTURES / "tiny_mentors.csv"), str(FIXTURES / "tiny_mentees.csv")))


def test_awkward_valid_files_round_trip():
    for name in ["bom_crlf.csv", "quoted_newline.csv"]:
        path = FIXTURES / name
        df = pd.read_csv(path, dtype=str, encoding="utf-8-sig", skipinitialspace=False)
        s1, _ = mm.score_matrix(df, str(FIXTURES / "tiny_mentees.csv"))
        s2, _ = mm.score_matrix(str(path), str(FIXTURES / "tiny_mentees.csv"))
        pd.testing.assert_frame_equal(s1, s2)


def test_keywords_forbid_pin_history_criteria(by_path):
    mentors, mentees = str(DATA / "mentors.csv"), str(DATA / "mentees.csv")
    a = by_path.pairs.iloc[0]
    r = mm.match(mentors, mentees, config=CONFIG, forbid=[(a.mentee_id, a.mentor_id, "test")])
    assert r.pairs.set_index("mentee_id").loc[a.mentee_id, "mentor_id"] != a.mentor_id
    r = mm.match(mentors, mentees, config=CONFIG, pin=[{"mentee": "L02", "mentor": "M07"}])
    row = r.pairs.set_index("mentee_id").loc["L02"]
    assert row.mentor_id == "M07" and row.pinned
    r = mm.match(mentors, mentees, history=[("L02", by_path.pairs.set_index("mentee_id").loc["L02", "mentor_id"])])
    r0 = mm.match(mentors, mentees)
    assert r.fingerprint != r0.fingerprint
    r = mm.match(mentors, mentees, history=str(FIXTURES / "history_ok.csv"))
    assert r.status == "optimal"
    crit = [{"kind": "cover", "field": "needs"}]
    r = mm.match(mentors, mentees, criteria=crit, min_score=0, seed=1, allow_unmatched=True)
    assert r.criteria == ["cover_needs"]


def _score_in_child(_):
    s, _ = mm.score_matrix(str(FIXTURES / "tiny_mentors.csv"), str(FIXTURES / "tiny_mentees.csv"))
    return float(s.to_numpy().sum())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_safe_after_fork():
    here = _score_in_child(None)  # the parent's thread pool is running now
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        got = pool.map_async(_score_in_child, range(4)).get(timeout=120)
    assert got == [here] * 4
