"""The coordinator's programme from Python: the HTML report, suggestions, re-matching, field
rules, unknown columns and spreadsheet-safe CSV files."""

import warnings

import pandas as pd
import pytest

import mentormatch as mm
from conftest import DATA, EXAMPLES, FIXTURES

CONFIG = EXAMPLES / "config.toml"


def tiny():
    return (
        pd.read_csv(FIXTURES / "tiny_mentors.csv", dtype=str),
        pd.read_csv(FIXTURES / "tiny_mentees.csv", dtype=str),
    )


def test_to_html_writes_one_self_contained_escaped_page(tmp_path):
    mentors, mentees = tiny()
    mentors.loc[0, "name"] = "<script>alert(1)</script>"
    r = mm.match(mentors, mentees)
    path = tmp_path / "report.html"
    r.to_html(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<script" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    for chart in ("chart-scores", "chart-criteria", "chart-pairs"):
        assert f'<svg id="{chart}"' in text
    assert text.count('<tr class="pair"') == len(r.pairs)
    assert list(tmp_path.iterdir()) == [path], "no temporary file left behind"


def test_suggest_returns_allowed_pairs_with_the_plan_partner_first():
    mentors, mentees = tiny()
    s = mm.suggest(mentors, mentees, top=3)
    assert list(s.columns) == ["mentee_id", "rank", "mentor_id", "score", "explanation"]
    plan = mm.match(mentors, mentees, allow_unmatched=True).pairs.set_index("mentee_id")
    _, allowed = mm.score_matrix(mentors, mentees)
    for mentee, rows in s.groupby("mentee_id"):
        assert list(rows["rank"]) == list(range(1, len(rows) + 1))
        assert len(rows) == min(3, int(allowed.loc[mentee].sum()))
        assert rows.iloc[0]["mentor_id"] == plan.loc[mentee, "mentor_id"]
        for m in rows["mentor_id"]:
            assert allowed.loc[mentee, m]
    assert "u6" not in set(s["mentor_id"]), "capacity 0"
    with pytest.raises(mm.InputError, match="top must be"):
        mm.suggest(mentors, mentees, top=0)


def test_rematch_keeps_continuing_pairs_and_lists_the_ended():
    mentors, mentees = tiny()
    before = mm.match(mentors, mentees).pairs
    gone = before.set_index("mentee_id").loc["t1", "mentor_id"]
    mentors2 = mentors[mentors["id"] != gone].copy()
    mentors2.loc[len(mentors2) + 10] = ["u7", "Vera", "Kultur", "Oslo", "design", None, "sport", "digital", "1"]
    r = mm.rematch(before, mentors2, mentees)
    pairs = r.pairs.set_index("mentee_id")
    for _, p in before.iterrows():
        if p["mentee_id"] != "t1":
            assert pairs.loc[p["mentee_id"], "status"] == "kept"
            assert pairs.loc[p["mentee_id"], "mentor_id"] == p["mentor_id"]
    assert pairs.loc["t1", "status"] == "changed"
    assert r.ended.to_dict("records") == [
        {"mentee_id": "t1", "mentor_id": gone, "reason": f"mentor {gone} is no longer in the mentors file"}
    ]


def test_forbid_when_from_a_config_dict():
    mentors, mentees = tiny()
    mentees["manager_id"] = ["u2", None, None, None]
    cfg = {"forbid_when": [{"mentee": "manager_id", "mentor": "id", "reason": "reporting line"}]}
    r = mm.match(mentors, mentees, config=cfg)
    assert "u2" != r.pairs.set_index("mentee_id").loc["t1", "mentor_id"]
    e = r.explain("t1", "u2")
    assert not e["allowed"]
    assert e["blocked_by"] == ["reporting line (the mentee's manager_id is the mentor's id: u2)"]


def test_unknown_column_is_an_input_error_and_one_side_a_warning():
    mentors, mentees = tiny()
    with pytest.raises(mm.InputError) as ei:
        mm.match(mentors, mentees, criteria=[{"kind": "share", "field": "hobbies"}])
    assert ei.value.field == "criteria[0].field"
    assert "neither mentors nor mentees has a column 'hobbies'" in str(ei.value)
    mentees["age"] = ["50", "40", "45", "60"]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        mm.match(mentors, mentees, criteria=[{"kind": "numeric", "field": "age"}])
    assert any("only mentees has a column 'age'" in str(x.message) for x in w), [str(x.message) for x in w]


def test_to_csv_is_spreadsheet_safe(tmp_path):
    mentors, mentees = tiny()
    mentees.loc[0, "id"] = "=HYPERLINK(1)"
    r = mm.match(mentors, mentees)
    path = tmp_path / "pairs.csv"
    r.to_csv(path)
    back = pd.read_csv(path, dtype=str)
    assert "'=HYPERLINK(1)" in set(back["mentee_id"])
    assert back["score"].astype(float).notna().all()
