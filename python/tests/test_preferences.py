"""Ranked preferences from Python: stable matching against the `matching` package
(HospitalResident), blocking pairs as a DataFrame, the price of stability, mm.audit, and input
errors for bad lists."""

import random

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mentormatch as mm

from conftest import DATA

MENTORS = DATA / "mentors_prefs.csv"
MENTEES = DATA / "mentees_prefs.csv"


def _instance(seed: int, n: int, m: int):
    """A random hospitals/residents instance with strict, mutually consistent lists: each side
    ranks exactly the partners that find it acceptable, nobody's list is empty."""
    rng = random.Random(seed)
    edges = set()
    for i in range(n):
        for j in range(m):
            if rng.random() < 0.5:
                edges.add((i, j))
        if not any(e[0] == i for e in edges):
            edges.add((i, rng.randrange(m)))
    for j in range(m):
        if not any(e[1] == j for e in edges):
            edges.add((rng.randrange(n), j))
    res = {f"L{i}": [f"M{j}" for j in range(m) if (i, j) in edges] for i in range(n)}
    hos = {f"M{j}": [f"L{i}" for i in range(n) if (i, j) in edges] for j in range(m)}
    for prefs in (res, hos):
        for v in prefs.values():
            rng.shuffle(v)
    cap = {f"M{j}": rng.randint(1, 3) for j in range(m)}
    return res, hos, cap


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 12),
    m=st.integers(1, 6),
    side=st.sampled_from(["mentee", "mentor"]),
)
def test_stable_equals_the_matching_package(seed, n, m, side):
    from matching.games import HospitalResident

    res, hos, cap = _instance(seed, n, m)
    game = HospitalResident.create_from_dictionaries(res, hos, cap)
    theirs = game.solve(optimal="resident" if side == "mentee" else "hospital")
    expected = {
        str(r.name): str(h.name) for h, residents in theirs.items() for r in residents
    }
    mentors = pd.DataFrame(
        {"id": list(hos), "capacity": [str(cap[h]) for h in hos], "preferences": [";".join(v) for v in hos.values()]}
    )
    mentees = pd.DataFrame({"id": list(res), "preferences": [";".join(v) for v in res.values()]})
    result = mm.match(
        mentors,
        mentees,
        config={
            "objective": "stable",
            "stable_side": side,
            "allow_unmatched": True,
            "preferences": {"unlisted": "forbidden"},
        },
    )
    ours = dict(zip(result.pairs["mentee_id"], result.pairs["mentor_id"]))
    assert ours == expected
    assert result.blocking_pairs is not None and result.blocking_pairs.empty


def test_blocking_pairs_price_of_stability_and_audit_agree():
    mentors = pd.read_csv(MENTORS, dtype=str)
    mentees = pd.read_csv(MENTEES, dtype=str)
    best = mm.match(mentors, mentees)
    bp = best.blocking_pairs
    assert list(bp.columns) == [
        "mentee_id", "mentor_id", "score", "mentee_partner", "mentor_drops", "reason",
    ]
    assert len(bp) > 0
    # Each blocking pair is a pair not made, and the mentee's partner is the one in the plan.
    partner = dict(zip(best.pairs["mentee_id"], best.pairs["mentor_id"]))
    for row in bp.itertuples():
        assert partner.get(row.mentee_id) != row.mentor_id
        assert partner.get(row.mentee_id) == row.mentee_partner
    stable = mm.match(mentors, mentees, config={"objective": "stable"})
    assert stable.blocking_pairs.empty
    price = best.price_of_stability
    assert price == stable.price_of_stability
    assert price["optimum_blocking"] == len(bp)
    assert price["stable_blocking"] == 0
    assert price["optimum_total"] == pytest.approx(best.objective)
    assert price["stable_total"] == pytest.approx(stable.objective)
    assert stable.objective <= best.objective

    audit = mm.audit(best.pairs, mentors, mentees)
    pd.testing.assert_frame_equal(audit.blocking_pairs, bp)
    assert audit.total == pytest.approx(best.objective)
    assert audit.optimum == pytest.approx(best.objective)
    assert audit.pairs["allowed"].all()
    assert audit.over_capacity.empty
    assert mm.audit(stable.pairs, mentors, mentees).blocking_pairs.empty


def test_audit_of_a_hand_made_matching(tmp_path):
    pairs = tmp_path / "hand.csv"
    pairs.write_text("mentee_id,mentor_id\nL01,M01\nL02,M01\n")
    a = mm.audit(str(pairs), DATA / "mentors.csv", DATA / "mentees.csv")
    broken = a.pairs.set_index("mentee_id")["broken_rules"]
    assert "same department" in broken["L01"]
    assert broken["L02"] == ""
    assert a.over_capacity.to_dict("records") == [{"mentor_id": "M01", "mentees": 2, "capacity": 1}]
    assert "L03" in a.unmatched_mentees
    assert a.optimum is not None and a.optimum > a.total
    with pytest.raises(mm.InputError) as e:
        mm.audit(pd.DataFrame({"mentee_id": ["L01"], "mentor_id": ["M99"]}), DATA / "mentors.csv", DATA / "mentees.csv")
    assert e.value.row == 2 and e.value.field == "mentor_id"


@pytest.mark.parametrize(
    "cell, message",
    [
        ("M01;M99", "'M99', which is not a mentor id"),
        ("M01;M02=M01", "lists 'M01' twice"),
        ("L01", "lists themselves"),
    ],
)
def test_bad_lists_are_input_errors_naming_table_row_and_field(cell, message):
    mentors = pd.read_csv(DATA / "mentors.csv", dtype=str)
    mentees = pd.read_csv(DATA / "mentees.csv", dtype=str)
    mentees["preferences"] = ""
    mentees.loc[2, "preferences"] = cell if cell != "L01" else "L03"
    with pytest.raises(mm.InputError) as e:
        mm.match(mentors, mentees)
    assert message in str(e.value)
    assert e.value.row == 4
    assert e.value.field == "preferences"


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 7), min_size=1, max_size=3), min_size=1, max_size=6),
    st.sampled_from([";", " ; "]),
)
def test_preference_criterion_values_follow_the_ranks(tiers, sep):
    # Ties written with '=', tiers with ';'; each id once (later repeats dropped here).
    seen, clean = set(), []
    for t in tiers:
        t = [x for x in dict.fromkeys(t) if x not in seen]
        seen.update(t)
        if t:
            clean.append(t)
    cell = sep.join("=".join(f"M{x}" for x in t) for t in clean)
    mentors = [{"id": f"M{j}"} for j in range(8)]
    mentees = [{"id": "L1", "preferences": cell}]
    crit = [{"kind": "preference", "side": "mentee", "last_value": 0.5, "unlisted_value": 0.0}]
    result = mm.match(mentors, mentees, criteria=crit)
    k = len(clean)
    for j in range(8):
        e = result.explain("L1", f"M{j}")
        tier = next((t for t, ids in enumerate(clean) if j in ids), None)
        expected = 0.0 if tier is None else (1.0 if k == 1 else 1.0 - 0.5 * tier / (k - 1))
        assert e["score"] == pytest.approx(100 * expected)
    # The best-ranked mentor is chosen.
    assert result.pairs["mentor_id"][0] in {f"M{x}" for x in clean[0]}
