"""mm.min_weight_full_bipartite_matching against scipy.sparse.csgraph's: scipy's own test cases
for that function (from scipy/sparse/csgraph/tests/test_matching.py, retargeted), and random
sparse graphs where both must find the same optimum or both refuse."""

import importlib.util

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from scipy.sparse import coo_array, csc_array, csr_array, csr_matrix, random_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching as scipy_matching

import mentormatch as mm

f = mm.min_weight_full_bipartite_matching


# --- scipy's own tests, run on ours -----------------------------------------------------------
# scipy/sparse/csgraph/tests/test_matching.py is loaded as a fresh module (its parametrize
# values include a one-shot iterator that test_lsa.py consumes), and its global
# `min_weight_full_bipartite_matching` is replaced by ours, so its test functions run on ours
# with its own parameters.


def _scipy_tests():
    spec = importlib.util.find_spec("scipy.sparse.csgraph.tests.test_matching")
    if spec is None or spec.loader is None:
        return None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.min_weight_full_bipartite_matching = mm.min_weight_full_bipartite_matching
    return mod


SCIPY = _scipy_tests()
needs_scipy_tests = pytest.mark.skipif(SCIPY is None, reason="scipy's test suite is not installed")


def _params(name):
    """The argument names and values of one of scipy's parametrized tests."""
    if SCIPY is None:
        return "x", []
    (mark,) = [m for m in getattr(SCIPY, name).pytestmark if m.name == "parametrize"]
    names, values = mark.args
    return names, list(values)


@needs_scipy_tests
@pytest.mark.parametrize(*_params("test_min_weight_full_matching_trivial_graph"))
def test_scipy_trivial_graph(num_rows, num_cols):
    SCIPY.test_min_weight_full_matching_trivial_graph(num_rows, num_cols)


@needs_scipy_tests
@pytest.mark.parametrize(*_params("test_min_weight_full_matching_infeasible_problems"))
def test_scipy_infeasible_problems(biadjacency):
    SCIPY.test_min_weight_full_matching_infeasible_problems(biadjacency)


@needs_scipy_tests
def test_scipy_large_infeasible():
    SCIPY.test_min_weight_full_matching_large_infeasible()


@needs_scipy_tests
def test_scipy_explicit_zero_causes_warning():
    SCIPY.test_explicit_zero_causes_warning()


@needs_scipy_tests
@pytest.mark.parametrize(*_params("test_min_weight_full_matching_small_inputs"))
def test_scipy_small_inputs(sign, test_case):
    SCIPY.test_min_weight_full_matching_small_inputs(sign, test_case)


@needs_scipy_tests
def test_the_scipy_tests_really_call_ours(monkeypatch):
    calls = []
    monkeypatch.setattr(SCIPY, "min_weight_full_bipartite_matching", lambda *a, **k: calls.append(1) or f(*a, **k))
    SCIPY.test_min_weight_full_matching_large_infeasible()
    assert calls


# --- beyond scipy's own tests ---------------------------------------------------------------


def test_dense_input_is_a_type_error():
    for dense in (np.array([[1.0, 2.0], [3.0, 4.0]]), [[1, 2], [3, 4]]):
        with pytest.raises(TypeError, match="graph must be sparse"):
            f(dense)


def test_return_dtypes_follow_scipy():
    for shape in ((3, 5), (5, 3), (4, 4)):
        a = csr_array(np.arange(1, shape[0] * shape[1] + 1, dtype=float).reshape(shape))
        for ours, theirs in zip(f(a), scipy_matching(a)):
            assert ours.dtype == theirs.dtype


def test_input_arrays_are_not_modified():
    a = random_array((60, 80), density=0.3, rng=np.random.default_rng(5), format="csr") + 0
    a.data += 1.0
    before = (a.indptr.copy(), a.indices.copy(), a.data.copy())
    f(a)
    for x, y in zip(before, (a.indptr, a.indices, a.data)):
        assert_array_equal(x, y)


@st.composite
def sparse_graphs(draw):
    n = draw(st.integers(1, 12))
    m = draw(st.integers(1, 12))
    density = draw(st.sampled_from([0.2, 0.4, 0.7, 1.0]))
    seed = draw(st.integers(0, 2**32 - 1))
    integer = draw(st.booleans())
    rng = np.random.default_rng(seed)
    mask = rng.random((n, m)) < density
    values = rng.integers(1, 20, (n, m)).astype(float) if integer else rng.random((n, m)) + 0.01
    values = np.where(rng.random((n, m)) < 0.3, -values, values)
    return csr_array(np.where(mask, values, 0.0))


@settings(max_examples=300, deadline=None)
@given(sparse_graphs(), st.booleans(), st.sampled_from([csr_array, csc_array, coo_array, csr_matrix]))
def test_same_optimum_as_scipy(a, maximize, fmt):
    a = fmt(a)
    try:
        want = scipy_matching(a, maximize=maximize)
    except ValueError as e:
        with pytest.raises(ValueError, match=str(e)):
            f(a, maximize=maximize)
        return
    got = f(a, maximize=maximize)
    dense = a.toarray()
    assert len(got[0]) == min(a.shape)
    assert len(set(got[1].tolist())) == len(got[1])
    assert np.all(dense[got[0], got[1]] != 0), "every pair is an edge"
    assert np.isclose(dense[got].sum(), dense[want].sum(), rtol=0, atol=1e-9)
