"""Engine-neutral building blocks: candidate jobs over ranges of mentees and the solve from
their rows equal the single-process heuristic (no Dask needed)."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import mentormatch as mm
from cohorts import cohort

# Few candidates per mentee, so that column generation has pairs to add over several rounds.
CFG = {"candidates": 4}


@pytest.fixture(scope="module")
def data():
    return cohort(300, 260, seed=3)


@pytest.fixture(scope="module")
def single(data):
    mentors, mentees = data
    return mm.match(mentors, mentees, config=CFG, solver="heuristic")


def same(a: mm.MatchResult, b: mm.MatchResult) -> None:
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    assert a.fingerprint == b.fingerprint
    assert a.objective == b.objective
    assert a.bound == b.bound
    assert a.status == b.status


def test_column_generation_runs(single):
    # The identity tests below are only worth something if pricing passes added pairs.
    assert any(n.startswith("pricing round 2") for n in single.notes), single.notes


def test_shard_jobs_give_the_single_process_result(data, single):
    mentors, mentees = data
    index = mm.ShardIndex(mentors, mentees, config=CFG)
    assert len(index) == 300
    shards = [index.candidates(a, b) for a, b in [(0, 70), (70, 71), (71, 200), (200, 300)]]
    rows = pd.concat(shards, ignore_index=True)
    assert list(rows.columns) == ["mentee_id", "mentor_id", "score", "outside"]
    # The same rows as one job over everyone, and as mm.candidates on the whole cohort.
    pd.testing.assert_frame_equal(rows, index.candidates())
    pd.testing.assert_frame_equal(rows, mm.candidates(mentors, mentees, config=CFG))
    assert rows.groupby("mentee_id", sort=False).size().max() == 4
    # Shards in any order: each mentee's rows keep their order.
    shuffled = pd.concat(shards[::-1], ignore_index=True)
    same(mm.match_candidates(shuffled, mentors, mentees, config=CFG, solver="heuristic"), single)


def test_index_is_built_once_and_sent(data):
    import pickle

    mentors, mentees = data
    index = mm.ShardIndex(mentors, mentees, config=CFG)
    # Pickled before compiling: the tables travel, the receiver builds the index itself.
    lazy = pickle.loads(pickle.dumps(index))
    lazy.compiled()
    assert lazy.index_received is False
    # Pickled after compiling: the mentor index travels as bytes and is not built again.
    index.compiled()
    sent = pickle.loads(pickle.dumps(index))
    expected = index.candidates(40, 160)
    pd.testing.assert_frame_equal(sent.candidates(40, 160), expected)
    assert sent.index_received is True
    prices = np.linspace(0.0, 9.0, len(mentors))
    pd.testing.assert_frame_equal(
        sent.candidates(0, 300, k=3, prices=prices), index.candidates(0, 300, k=3, prices=prices)
    )


def test_damaged_index_bytes_raise_input_error(data):
    import pickle

    mentors, mentees = data
    index = mm.ShardIndex(mentors, mentees, config=CFG)
    index.compiled()
    state = index.__getstate__()
    state["index"] = state["index"][:-1] + bytes([state["index"][-1] ^ 1])
    damaged = mm.ShardIndex.__new__(mm.ShardIndex)
    damaged.__setstate__(state)
    with pytest.raises(mm.InputError, match="checksum does not match"):
        damaged.compiled()
    assert pickle.loads(pickle.dumps(damaged))._index == state["index"]


def test_rows_are_checked(data):
    mentors, mentees = data
    rows = mm.candidates(mentors, mentees, config=CFG)
    bad = rows.copy()
    bad.loc[5, "score"] += 1.0
    with pytest.raises(mm.InputError) as e:
        mm.match_candidates(bad, mentors, mentees, config=CFG)
    assert (e.value.source, e.value.row, e.value.field) == ("candidates", 7, "score")
    assert "other data or configuration" in e.value.hint
    with pytest.raises(mm.InputError, match="mentee L00299 has no rows") as e:
        mm.match_candidates(rows[rows.mentee_id != "L00299"], mentors, mentees, config=CFG)
    unknown = rows.copy()
    unknown.loc[0, "mentor_id"] = "nobody"
    with pytest.raises(mm.InputError, match="no mentor has id 'nobody'"):
        mm.match_candidates(unknown, mentors, mentees, config=CFG)
    with pytest.raises(mm.InputError, match='solver = "exact" cannot'):
        mm.match_candidates(rows, mentors, mentees, config=CFG, solver="exact")


def test_priced_candidates(data):
    mentors, mentees = data
    index = mm.ShardIndex(mentors, mentees, config=CFG)
    prices = np.zeros(len(mentors))
    # Zero prices: the k best by score, as without prices (ties may be drawn differently).
    a = index.candidates(0, 50, k=3, prices=prices)
    b = index.candidates(0, 50, k=3)
    assert (a.groupby("mentee_id").score.max() == b.groupby("mentee_id").score.max()).all()
    # A prohibitive price keeps a mentor out of every list.
    top = b.mentor_id.value_counts().index[0]
    prices[mentors.index[mentors.id == top][0]] = 1000.0
    assert top not in set(index.candidates(0, 50, k=3, prices=prices).mentor_id)
    with pytest.raises(mm.InputError, match="prices"):
        index.candidates(0, 5, prices=np.zeros(3))


def test_import_without_dask(tmp_path, data):
    code = (
        "import sys\n"
        "for name in ('dask', 'distributed', 'dask.dataframe'):\n"
        "    sys.modules[name] = None  # import fails\n"
        "import mentormatch as mm\n"
        "r = mm.match('MENTORS', 'MENTEES')\n"
        "print(len(r.pairs))\n"
    )
    mentors, mentees = data
    mentors.iloc[:30].to_csv(tmp_path / "mentors.csv", index=False)
    mentees.iloc[:20].to_csv(tmp_path / "mentees.csv", index=False)
    code = code.replace("MENTORS", str(tmp_path / "mentors.csv")).replace(
        "MENTEES", str(tmp_path / "mentees.csv")
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "20"
