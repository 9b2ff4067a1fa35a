"""match(..., client=) on a local Dask cluster of two worker processes: the same result as one
process (pairs, fingerprint), a worker killed mid-run, bad data in a shard."""

import os
import sys

import pandas as pd
import pytest

import mentormatch as mm
from cohorts import cohort
from test_candidates import CFG, same

distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")


@pytest.fixture(scope="module")
def client():
    # Local only: workers on 127.0.0.1, no dashboard.
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        env={"RAYON_NUM_THREADS": "1"},
    ) as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def data():
    mentors, mentees = cohort(300, 260, seed=3)
    # Values no mentor holds: a worker holding one shard must score them as the whole cohort.
    mentees.loc[::7, "department"] = "Only-mentees"
    mentees.loc[::5, "interests"] = mentees.loc[::5, "interests"] + ";Solo topic; SOLO TOPIC "
    return mentors, mentees


@pytest.fixture(scope="module")
def single(data):
    mentors, mentees = data
    r = mm.match(mentors, mentees, config=CFG, solver="heuristic")
    assert any(n.startswith("pricing round 2") for n in r.notes)
    return r


def test_same_result_with_dask_frames(client, data, single):
    from mentormatch import _dask

    mentors, mentees = data
    dd_mentees = dd.from_pandas(mentees, npartitions=3)
    with distributed.get_task_stream(client) as stream:
        r = mm.match(
            dd.from_pandas(mentors, npartitions=2),
            dd_mentees,
            config=CFG,
            solver="heuristic",
            client=client,
        )
    same(r, single)
    assert r.notes == single.notes
    # The passes ran on the workers: one candidate task per shard (2 per worker, also cut at
    # the 3 mentee partitions), and pricing tasks for every round.
    keys = [str(t["key"]) for t in stream.data]
    lengths = [len(p) for p in dd_mentees.partitions]
    shards = len(_dask.shard_bounds(len(mentees), lengths, 2)) - 1
    assert shards >= 4
    assert sum(k.startswith("mentormatch-candidates-") for k in keys) == shards
    rounds = sum(n.startswith("pricing round") for n in single.notes)
    assert len({k.rsplit("-", 1)[0] for k in keys if k.startswith("mentormatch-price-")}) == rounds


def test_shards_are_balanced_and_respect_partitions():
    from mentormatch import _dask

    # Two unequal partitions (a 90 MB CSV in 64 MB blocks), two workers: four shards of about a
    # quarter each, cut at the partition boundary too.
    b = _dask.shard_bounds(1000, [710, 290], 2)
    assert list(b) == [0, 250, 500, 710, 750, 1000]
    assert list(_dask.shard_bounds(10, None, 2)) == [0, 2, 5, 8, 10]
    assert list(_dask.shard_bounds(1, [1], 4)) == [0, 1]
    assert list(_dask.shard_bounds(0, [0], 2)) == [0]


def test_workers_hold_their_shard_only(client, data):
    # The caller builds the mentor index; each worker compiles every mentor and only the
    # mentees of its shard, takes the index from the bytes it was sent, and answers exactly as
    # the whole cohort does.
    from mentormatch import _core_args, _dask

    mentors, mentees = data
    args, passes = _dask.prepare(
        client, mentors, mentees, lambda a, b: _core_args(a, b, CFG, {}, None)
    )
    try:
        assert passes.shards is not None and len(passes.shards) == len(passes.bounds) - 1 >= 4

        def held(base, shard, key):
            core = base.shard(key, shard.table, shard.start)
            rows = core.candidates(shard.start, shard.stop, 4, None)
            return core.n_mentees, core.n_mentors, core.mentee_offset, rows

        whole = mm.ShardIndex(mentors, mentees, config=CFG).compiled()
        b = passes.bounds
        futures = [
            client.submit(held, passes.index, f, f.key, pure=False) for f in passes.shards
        ]
        for s, (n, m, offset, rows) in enumerate(client.gather(futures)):
            assert (n, m, offset) == (b[s + 1] - b[s], len(mentors), b[s])
            expected = whole.candidates(int(b[s]), int(b[s + 1]), 4, None)
            for got, want in zip(rows[:4], expected[:4]):
                assert (got == want).all()
        # The shards live on both workers.
        where = client.who_has(passes.shards)
        assert len({w for ws in where.values() for w in ws}) == 2
    finally:
        passes.close()


def test_preferences_send_the_whole_cohort(client, data):
    # Ranked preferences rank mentees of the whole cohort: then every worker holds it (and the
    # result is still the single-process one).
    mentors, mentees = data
    mentors = mentors.copy()
    mentors["preferences"] = ""
    mentors.loc[0, "preferences"] = ";".join(mentees["id"].iloc[:3])
    from mentormatch import _core_args, _dask

    args, passes = _dask.prepare(
        client, mentors, mentees, lambda a, b: _core_args(a, b, CFG, {}, None)
    )
    passes.close()
    assert passes.shards is None
    one = mm.match(mentors, mentees, config=CFG, solver="heuristic")
    same(mm.match(mentors, mentees, config=CFG, solver="heuristic", client=client), one)


def test_same_result_with_pandas_frames(client, data, single):
    mentors, mentees = data
    same(mm.match(mentors, mentees, config=CFG, solver="heuristic", client=client), single)
    # Backends without passes over all pairs run in this process, as without a client.
    small = mm.match(mentors.iloc[:40], mentees.iloc[:30], config=CFG, client=client)
    same(small, mm.match(mentors.iloc[:40], mentees.iloc[:30], config=CFG))


def test_match_candidates_prices_on_the_cluster(client, data, single):
    mentors, mentees = data
    rows = mm.candidates(mentors, mentees, config=CFG)
    same(
        mm.match_candidates(rows, mentors, mentees, config=CFG, solver="heuristic", client=client),
        single,
    )


class KillOnce(distributed.WorkerPlugin):
    """Kills its worker process when the first candidate task starts (once per cluster)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def transition(self, key, start, finish, **kwargs):
        if (
            finish == "executing"
            and str(key).startswith("mentormatch-candidates")
            and not os.path.exists(self.marker)
        ):
            open(self.marker, "w").close()
            os._exit(1)


def test_worker_killed_mid_run(client, data, single, tmp_path):
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    marker = str(tmp_path / "killed")
    mentors, mentees = data
    client.register_plugin(KillOnce(marker), name="kill-once")
    try:
        r = mm.match(
            mentors, dd.from_pandas(mentees, npartitions=4), config=CFG, solver="heuristic",
            client=client,
        )
    finally:
        client.unregister_worker_plugin("kill-once")
    assert os.path.exists(marker)  # a worker did die
    same(r, single)
    client.wait_for_workers(2)


def test_bad_shard_same_input_error(client, data):
    mentors, mentees = data
    bad = mentees.copy()
    bad.loc[250, "id"] = bad.loc[10, "id"]  # a duplicate id in the last partition
    with pytest.raises(mm.InputError) as one:
        mm.match(mentors, bad, config=CFG, solver="heuristic")
    assert one.value.row is not None
    with pytest.raises(mm.InputError) as dist:
        mm.match(
            mentors, dd.from_pandas(bad, npartitions=3), config=CFG, solver="heuristic",
            client=client,
        )
    attrs = lambda e: (str(e), e.source, e.row, e.field, e.hint)  # noqa: E731
    assert attrs(dist.value) == attrs(one.value)
    # A shard job that meets the bad data on a worker raises the same error here.
    from mentormatch import _dask

    index = mm.ShardIndex(mentors, bad, config=CFG)  # compiled lazily, on the worker
    with pytest.raises(mm.InputError) as job:
        client.submit(_dask._candidates_job, index, 200, 300, 4, pure=False).result()
    assert attrs(job.value) == attrs(one.value)
    # A shard job of a worker that holds mentors and its shard only: bad data in its rows
    # (here an empty id) raises the single-process error, naming the row of the whole mentee
    # table.
    from mentormatch import _core_args

    empty = mentees.copy()
    empty.loc[257, "id"] = ""
    with pytest.raises(mm.InputError) as one:
        mm.match(mentors, empty, config=CFG, solver="heuristic")
    assert one.value.row is not None
    args = _core_args(mentors, empty, CFG, {}, None)
    index = mm.ShardIndex(mentors, mentees, config=CFG).compiled().index_bytes()
    base = _dask.MentorBase(args[0], *args[2:], index)
    shard = _dask.Shard(args[1], 200, 300)
    with pytest.raises(mm.InputError) as job:
        client.submit(_dask._shard_candidates_job, base, shard, "s", 4, pure=False).result()
    assert attrs(job.value) == attrs(one.value)
