"""Every error path raises the documented exception, with a message that says where and how."""

import pandas as pd
import pytest

import mentormatch as mm
from conftest import DATA, FIXTURES


def test_hierarchy():
    assert issubclass(mm.MentorMatchError, ValueError)
    for e in (mm.InputError, mm.InfeasibleError, mm.SolverError):
        assert issubclass(e, mm.MentorMatchError)
    e = mm.InputError("x")
    assert (e.source, e.row, e.field, e.hint) == (None, None, None, None)
    assert mm.InfeasibleError("x").diagnosis is None


@pytest.mark.parametrize(
    "name,row,field,text",
    [
        ("bad_capacity.csv", 4, "capacity", "'two' is not a whole number"),
        ("duplicate_id.csv", 5, "id", "is used twice"),
        ("missing_id_column.csv", None, None, "id"),
        ("empty_id.csv", 3, "id", "id"),
    ],
)
def test_bad_tables_as_dataframes_and_files(name, row, field, text):
    tiny = str(FIXTURES / "tiny_mentees.csv")
    with pytest.raises(mm.InputError) as from_file:
        mm.match(str(FIXTURES / name), tiny)
    with pytest.raises(mm.InputError) as from_df:
        mm.match(pd.read_csv(FIXTURES / name, dtype=str, keep_default_na=False), tiny)
    for err, source in ((from_file.value, str(FIXTURES / name)), (from_df.value, "mentors")):
        assert text in str(err)
        assert err.source == source
        if row is not None:
            assert err.row == row
        if field is not None:
            assert err.field == field
    # the DataFrame's message is the file's, with the table's name for the file's
    assert str(from_df.value) == str(from_file.value).replace(str(FIXTURES / name), "mentors")


def test_file_level_errors():
    tiny = str(FIXTURES / "tiny_mentees.csv")
    for name in ["ragged_row.csv", "semicolon_separated.csv", "duplicate_header.csv",
                 "latin1.csv", "empty.csv"]:
        with pytest.raises(mm.InputError) as e:
            mm.match(str(FIXTURES / name), tiny)
        assert e.value.source == str(FIXTURES / name), name
    with pytest.raises(mm.InputError, match="No such file") as e:
        mm.match(str(FIXTURES / "nope.csv"), tiny)
    with pytest.raises(mm.InputError):
        mm.match(str(FIXTURES / "tiny_mentors.csv"), tiny, history=str(FIXTURES / "history_empty_id.csv"))


def test_config_errors():
    m, e = str(FIXTURES / "tiny_mentors.csv"), str(FIXTURES / "tiny_mentees.csv")
    with pytest.raises(mm.InputError, match="unknown field") as err:
        mm.match(m, e, config={"min_scor": 3})
    assert err.value.source == "config" and err.value.hint
    with pytest.raises(mm.InputError, match="outside 0..100") as err:
        mm.match(m, e, min_score=150)
    assert err.value.field == "min_score"
    with pytest.raises(mm.InputError, match="unknown mentee 'zz'"):
        mm.match(m, e, forbid=[("zz", "u1")])
    with pytest.raises(mm.InputError, match="No such file"):
        mm.match(m, e, config=str(FIXTURES / "missing.toml"))
    # The core checks the name (no second list in Python) and lists the names it has.
    with pytest.raises(mm.InputError, match="unknown variant `magic`, expected one of") as err:
        mm.match(m, e, solver="magic")
    assert "`sparse`" in str(err.value) and err.value.source == "arguments"
    with pytest.raises(mm.InputError):
        mm.match(m, e, criteria=[{"kind": "nonsense", "field": "x"}])
    with pytest.raises(mm.InputError, match="weight"):
        mm.match(m, e, criteria=[{"kind": "differ", "field": "department", "weight": -1}])


def test_bad_argument_types():
    with pytest.raises(TypeError, match="mentors must be"):
        mm.match(42, [])
    with pytest.raises(TypeError, match="config must be"):
        mm.match([], [], config=3)
    with pytest.raises(TypeError, match="pin"):
        mm.match([], [], pin=["x"])


def test_infeasible_has_diagnosis():
    mentors = [{"id": "m1", "department": "A"}]
    mentees = [{"id": "e1", "department": "A"}, {"id": "e2", "department": "B"}]
    with pytest.raises(mm.InfeasibleError, match="no matching satisfies the hard rules") as e:
        mm.match(mentors, mentees)
    d = e.value.diagnosis
    assert isinstance(d, dict) and d["kind"] == "not_enough_places"
    assert "e1" in d["mentees"]
    # allowed: the rest are matched
    r = mm.match(mentors, mentees, allow_unmatched=True)
    assert r.pairs.mentee_id.tolist() == ["e2"]
    assert r.unmatched.query("side == 'mentee'").id.tolist() == ["e1"]


def test_solver_error():
    # A real SolverError in every build: the exact matcher cannot express a quota.
    m, e = str(FIXTURES / "tiny_mentors.csv"), str(FIXTURES / "tiny_mentees.csv")
    quota = {"side": "mentor", "field": "department", "values": ["x"], "max": 5}
    with pytest.raises(mm.SolverError, match="solver error: the exact matcher cannot express"):
        mm.match(m, e, solver="exact", config={"quota": [quota]})


def test_every_solver_name_of_the_core_is_accepted():
    m, e = str(FIXTURES / "tiny_mentors.csv"), str(FIXTURES / "tiny_mentees.csv")
    best = mm.match(m, e, solver="exact").objective
    for name in ("auto", "exact", "sparse"):
        # Four mentees and six mentors: the sparse candidates are every pair, so it is exact.
        assert mm.match(m, e, solver=name).objective == pytest.approx(best)
    h = mm.match(m, e, solver="heuristic")
    assert h.objective <= best + 1e-9 and h.bound >= best - 1e-9


def test_no_matching_in_time_is_a_solver_error():
    # Cohort goals and a time limit too short to find any matching: an error, not an empty table.
    config = {"spread": [{"side": "mentor", "field": "department", "max": 3}]}
    for solver in ("auto", "lagrangian"):
        with pytest.raises(mm.SolverError, match="within the time limit"):
            mm.match(
                str(DATA / "mentors.csv"),
                str(DATA / "mentees.csv"),
                config=config,
                solver=solver,
                time_limit=1e-6,
            )
    r = mm.match(str(DATA / "mentors.csv"), str(DATA / "mentees.csv"), config=config)
    assert r.solver == "lagrangian"


def test_error_is_a_value_error():
    with pytest.raises(ValueError):
        mm.match(str(FIXTURES / "bad_capacity.csv"), str(DATA / "mentees.csv"))


def test_a_missing_file_is_a_file_not_found_error(tmp_path):
    m = str(FIXTURES / "tiny_mentors.csv")
    missing = str(tmp_path / "nowhere.csv")
    with pytest.raises(FileNotFoundError) as err:
        mm.match(m, missing)
    e = err.value
    assert isinstance(e, mm.MissingFileError) and isinstance(e, mm.InputError)
    assert e.filename == missing and e.source == missing and e.errno == 2
    assert "nowhere.csv" in str(e)
    with pytest.raises(mm.MissingFileError):
        mm.match(m, str(FIXTURES / "tiny_mentees.csv"), config=str(tmp_path / "no.toml"))


def test_goals_and_success_as_an_analyst_expects():
    m, e = str(FIXTURES / "tiny_mentors.csv"), str(FIXTURES / "tiny_mentees.csv")
    quota = {"side": "mentor", "field": "location", "values": ["Oslo", "Bergen"], "max": 2}
    r = mm.match(m, e, config={"quota": [quota]})
    assert r.success and r.status in ("optimal", "feasible")
    assert list(r.goals.columns) == ["constraint", "bound", "value", "satisfied"]
    assert r.goals.bound.tolist() == ["max 2"] and r.goals.satisfied.all()
    located = r.pairs.mentor_id.isin(["u1", "u2"]).sum()
    assert r.goals.value.tolist() == [located] and located <= 2
    assert r.status == r.to_dict()["status"]
    assert mm.match(m, e).goals.empty
