"""mentormatch.linear_sum_assignment against scipy.optimize.linear_sum_assignment."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_array_equal

scipy_optimize = pytest.importorskip("scipy.optimize")
import mentormatch as mm  # noqa: E402

scipy_lsa = scipy_optimize.linear_sum_assignment
lsa = mm.linear_sum_assignment


def outcome(f, cost, maximize=False):
    try:
        r, c = f(cost, maximize=maximize)
    except Exception as e:  # noqa: BLE001 - compared below
        return ("raise", type(e), str(e))
    return ("ok", r, c)


def assert_same_optimum(cost, maximize=False):
    a = outcome(scipy_lsa, cost, maximize)
    b = outcome(lsa, cost, maximize)
    assert a[0] == b[0], (a, b)
    if a[0] == "raise":
        assert a[1:] == b[1:]
        return
    _, r1, c1 = a
    _, r2, c2 = b
    arr = np.asarray(cost, dtype=float)
    assert r2.dtype == np.int64 and c2.dtype == np.int64
    assert r2.shape == r1.shape and c2.shape == c1.shape
    assert np.all(np.diff(r2) > 0), "row indices sorted"
    assert len(set(c2.tolist())) == len(c2), "each column at most once"
    if arr.size:
        np.testing.assert_allclose(arr[r2, c2].sum(), arr[r1, c1].sum(), rtol=1e-9, atol=1e-9)


# --- scipy's own tests (scipy/optimize/tests/test_linear_assignment.py), run on ours -----------


def test_input_shape():
    with pytest.raises(ValueError, match="expected a matrix"):
        lsa([1, 2, 3])


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix
def test_input_object():
    C = [[1, 2, 3], [4, 5, 6]]
    assert_array_equal(lsa(C), lsa(np.asarray(C)))
    assert_array_equal(lsa(C), lsa(np.matrix(C)))


def test_input_bool():
    eye = np.identity(3)
    assert_array_equal(lsa(eye.astype(np.bool_)), lsa(eye))


def test_input_string():
    with pytest.raises(TypeError, match="Cannot cast array data"):
        lsa(np.identity(3).astype(str))


def test_input_nan():
    with pytest.raises(ValueError, match="contains invalid numeric entries"):
        lsa(np.diag([np.nan, 1, 1]))


def test_input_neginf():
    with pytest.raises(ValueError, match="contains invalid numeric entries"):
        lsa(np.diag([1, -np.inf, 1]))


def test_input_inf():
    eye = np.identity(3)
    eye[:, 0] = np.inf
    with pytest.raises(ValueError, match="cost matrix is infeasible"):
        lsa(eye)


def test_constant_cost_matrix():
    # scipy's gh-11602 expects the identity. Every row minimum is tied, so the solver starts
    # from zero potentials and each row takes the lowest free column at its minimum.
    n = 8
    r, c = lsa(np.ones((n, n)))
    assert_array_equal(r, np.arange(n))
    assert_array_equal(c, np.arange(n))


@pytest.mark.parametrize("num_rows,num_cols", [(0, 0), (2, 0), (0, 3)])
def test_trivial_cost(num_rows, num_cols):
    r, c = lsa(np.empty(shape=(num_cols, num_rows)))
    assert len(r) == 0 and len(c) == 0


def _scipy_cases():
    try:
        from scipy.sparse.csgraph.tests.test_matching import (
            linear_sum_assignment_assertions,
            linear_sum_assignment_test_cases,
        )
    except Exception:  # noqa: BLE001 - scipy built without its tests
        return None, []
    return linear_sum_assignment_assertions, list(linear_sum_assignment_test_cases)


_assertions, _cases = _scipy_cases()


@pytest.mark.skipif(_assertions is None, reason="scipy's test suite is not installed")
@pytest.mark.parametrize("sign,test_case", _cases)
def test_scipy_small_inputs(sign, test_case):
    _assertions(lsa, np.array, sign, test_case)


def test_scipy_sparse_comparison_cases():
    # As scipy's test against min_weight_full_bipartite_matching: 100 random 100 x 100 matrices
    # with 6% allowed entries, many infeasible.
    rng = np.random.default_rng(12342309)
    for _ in range(100):
        dense = np.full((100, 100), np.inf)
        mask = rng.random((100, 100)) < 0.06
        dense[mask] = rng.integers(1, 100, mask.sum())
        assert_same_optimum(dense)


# --- same messages and exception types as scipy for bad input ----------------------------------

BAD = {
    "1d": [1, 2, 3],
    "3d": np.zeros((2, 2, 2)),
    "0d": 5,
    "none": None,
    "empty_list": [],
    "nan": [[np.nan, 1], [1, 2]],
    "neginf": [[-np.inf, 1], [1, 2]],
    "infeasible": [[np.inf, np.inf], [1, 2]],
    "strings": [["a", "b"], ["c", "d"]],
    "str_array": np.array([["1", "2"], ["3", "4"]]),
    "object_array": np.array([[1, None], [2, 3]], dtype=object),
    "complex": np.array([[1 + 1j, 2], [3, 4]]),
    "datetime": np.array([[np.datetime64("2020-01-01")] * 2] * 2),
    "ragged": [[1, 2], [3]],
    "dict": {"a": 1},
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_same_errors_as_scipy(name):
    a = outcome(scipy_lsa, BAD[name])
    b = outcome(lsa, BAD[name])
    assert a[0] == "raise"
    assert b[0] == "raise" and b[1] is a[1] and b[2] == a[2], (a, b)


def test_maximize_errors_as_scipy():
    assert outcome(lsa, [[np.inf, 1], [1, 2]], True)[1:] == outcome(
        scipy_lsa, [[np.inf, 1], [1, 2]], True
    )[1:]
    assert_same_optimum([[-np.inf, 1], [1, 2]], maximize=True)
    assert_same_optimum([[-np.inf, -np.inf], [1, 2]], maximize=True)


@pytest.mark.parametrize(
    "cost",
    [
        [["1", "2"], ["3", "4"]],  # numeric strings in a list parse, as in scipy
        np.array([[1, 2], [3, 4]], dtype=np.int8),
        np.array([[1, 2], [3, 4]], dtype=np.uint64),
        np.array([[1.5, 2], [3, 4]], dtype=np.float32),
        np.arange(6).reshape(3, 2),
        np.arange(12.0).reshape(3, 4)[:, ::2],  # not contiguous
        np.asfortranarray(np.arange(9.0).reshape(3, 3)),
        [[True, False], [False, True]],
        ((1, 2), (3, 4)),
    ],
)
def test_array_likes(cost):
    assert_same_optimum(cost)
    assert_same_optimum(cost, maximize=True)


@pytest.mark.parametrize("maximize", [False, True])
@pytest.mark.parametrize("shape", [(2, 2), (2, 3), (3, 2)])
@pytest.mark.parametrize("writeable", [True, False])
def test_does_not_modify_input(maximize, shape, writeable):
    c = np.random.default_rng(7).random(shape)
    before = c.copy()
    c.setflags(write=writeable)
    lsa(c, maximize=maximize)
    assert_array_equal(c, before)
    assert c.flags.writeable == writeable


def _layouts(c):
    """The same matrix as arrays that are read in place and arrays that need converting."""
    ro = c.copy()
    ro.setflags(write=False)
    wide = np.zeros((c.shape[0], 2 * c.shape[1]))
    wide[:, ::2] = c
    return {
        "c-contiguous": c.copy(),
        "read-only": ro,
        "fortran": np.asfortranarray(c),
        "strided view": wide[:, ::2],
        "big-endian": c.astype(">f8"),
        "float32": c.astype(np.float32),
    }


@pytest.mark.parametrize("layout", ["c-contiguous", "read-only", "fortran", "strided view",
                                    "big-endian", "float32"])
def test_memory_layouts(layout):
    c = np.random.default_rng(3).integers(0, 50, (6, 9)).astype(np.float64)
    for m in (c, c.T.copy()):
        assert_same_optimum(_layouts(m)[layout])
        assert_same_optimum(_layouts(m)[layout], maximize=True)
    c[1, 2] = np.inf
    assert_same_optimum(_layouts(c)[layout])


def test_keyword_and_truthy_maximize():
    # A unique optimum either way ([[1, 2], [3, 4]] is a tie, where any optimum is right).
    c = [[1, 2], [4, 3]]
    assert_array_equal(lsa(cost_matrix=c, maximize=1)[1], [1, 0])
    assert_array_equal(lsa(cost_matrix=c, maximize=0)[1], [0, 1])
    assert_array_equal(lsa(cost_matrix=c, maximize=1)[1], scipy_lsa(c, maximize=1)[1])


# --- random matrices (hypothesis) ---------------------------------------------------------------

values = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.integers(-50, 50).map(float),
    st.sampled_from([0.0, 1.0]),
)


@st.composite
def matrices(draw, inf=False):
    shape = draw(st.tuples(st.integers(0, 9), st.integers(0, 9)))
    a = draw(hnp.arrays(np.float64, shape, elements=values))
    if inf and a.size:
        mask = draw(hnp.arrays(np.bool_, shape, elements=st.booleans()))
        a = np.where(mask & (draw(st.floats(0, 1)) > 0.3), np.inf, a)
    return a


@settings(max_examples=300, deadline=None)
@given(matrices(), st.booleans())
def test_random_dense_and_rectangular(cost, maximize):
    assert_same_optimum(cost, maximize)


@settings(max_examples=300, deadline=None)
@given(matrices(inf=True))
def test_random_with_forbidden_entries(cost):
    assert_same_optimum(cost)
    assert_same_optimum(np.where(np.isinf(cost), -np.inf, cost), maximize=True)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(1, 120),
    st.integers(1, 120),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["uniform", "int", "tall-int"]),
)
def test_random_larger(n, m, seed, kind):
    rng = np.random.default_rng(seed)
    if kind == "uniform":
        cost = rng.random((n, m))
    else:
        cost = rng.integers(0, 10, (n, m)).astype(float)
    assert_same_optimum(cost)
    assert_same_optimum(cost, maximize=True)


def test_releases_the_gil():
    import threading

    cost = np.random.default_rng(0).random((300, 300))
    results = []
    threads = [threading.Thread(target=lambda: results.append(lsa(cost))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3
    for r in results:
        assert_array_equal(r[1], results[0][1])
