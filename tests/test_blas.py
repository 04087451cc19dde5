"""syrk_update and mirror_upper (freecalc.numeric.blas) against numpy's products, in both float types."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from freecalc.numeric import blas
from freecalc.numeric.blas import mirror_upper, syrk_available, syrk_update

pytestmark = pytest.mark.skipif(not syrk_available(), reason="numpy's BLAS is not an OpenBLAS with CBLAS")


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-5), (np.float64, 1e-13)])
@pytest.mark.parametrize("beta", [0.0, 1.0, -0.5])
@pytest.mark.parametrize("outer", [False, True])
def test_syrk_update_adds_the_gram_on_the_upper_triangle_only(dtype, tol, beta, outer):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((23, 37) if outer else (37, 23)).astype(dtype)
    old = rng.standard_normal((23, 23)).astype(dtype)
    c = old.copy()
    syrk_update(a, c, beta=beta, outer=outer)
    columns = a.T if outer else a
    expected = columns.T.astype(float) @ columns.astype(float) + beta * old
    upper, lower = np.triu_indices(23), np.tril_indices(23, -1)
    assert np.allclose(c[upper], expected[upper], rtol=tol, atol=tol * np.abs(expected).max())
    assert np.array_equal(c[lower], old[lower])  # not touched


def test_beta_zero_ignores_whatever_the_matrix_held():
    a = np.arange(12.0).reshape(4, 3)
    c = np.full((3, 3), np.nan)
    syrk_update(a, c, beta=0.0)
    assert np.array_equal(np.triu(mirror_upper(c)), np.triu(a.T @ a)) and np.array_equal(c, a.T @ a)
    syrk_update(a[:0], c, beta=0.0)  # no rows: the update is beta C
    assert np.array_equal(np.triu(c), np.zeros((3, 3)))
    c = np.full((3, 3), np.nan)
    syrk_update(a[:0], c, beta=0.0)  # ... with a matrix of NaN, as BLAS with beta = 0
    assert np.array_equal(np.triu(c), np.zeros((3, 3)))


def test_blocks_of_rows_add_up_to_the_gram_of_all():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((100, 17))
    c = np.zeros((17, 17))
    for start in range(0, 100, 7):
        syrk_update(a[start:start + 7], c)
    assert np.allclose(mirror_upper(c), a.T @ a, rtol=1e-13, atol=1e-12)


@pytest.mark.parametrize("a, c", [
    (np.zeros((4, 3)), np.zeros((4, 4))),  # c not d x d
    (np.zeros((4, 3), dtype=np.float32), np.zeros((3, 3))),  # types differ
    (np.zeros((4, 3), dtype=int), np.zeros((3, 3), dtype=int)),  # not a float type
    (np.zeros((3, 4)).T, np.zeros((3, 3))),  # a not C-ordered
    (np.zeros((4, 3)), np.asfortranarray(np.arange(9.0).reshape(3, 3))),  # c not C-ordered
    (np.zeros((4, 3)), np.broadcast_to(0.0, (3, 3))),  # c read-only
])
def test_syrk_update_refuses_arrays_blas_cannot_take_as_they_are(a, c):
    with pytest.raises(ValueError, match="C-contiguous"):
        syrk_update(a, c)


def test_without_openblas_syrk_update_says_so(monkeypatch):
    monkeypatch.setattr(blas, "_syrk_functions", lambda: None)
    assert not syrk_available()
    with pytest.raises(RuntimeError, match="no OpenBLAS syrk"):
        syrk_update(np.zeros((2, 2)), np.zeros((2, 2)))


@given(st.integers(1, 600), st.integers(0, 2**32 - 1))
def test_mirror_upper_makes_the_symmetric_matrix_of_the_upper_triangle(size, seed):
    m = np.random.default_rng(seed).standard_normal((size, size))
    expected = np.triu(m) + np.triu(m, 1).T
    assert np.array_equal(mirror_upper(m), expected)


@pytest.mark.parametrize("size", [1030, 1500])  # two threads, with a last tile narrower than the others
def test_mirror_upper_on_two_threads(size):
    m = np.random.default_rng(size).standard_normal((size, size)).astype(np.float32)
    expected = np.triu(m) + np.triu(m, 1).T
    assert np.array_equal(mirror_upper(m), expected)


@pytest.mark.parametrize("layout", ["C", "F", "strided"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
@pytest.mark.parametrize("with_syrk", [True, False])
def test_times_own_transpose_is_u_times_u_transposed(layout, dtype, with_syrk, monkeypatch):
    if not with_syrk:
        monkeypatch.setattr(blas, "_syrk_functions", lambda: None)
    u = (np.random.default_rng(3).standard_normal((40, 70)) * 10).astype(dtype)
    u = {"C": u, "F": np.asfortranarray(u), "strided": u[:, ::2]}[layout]
    expected = u.astype(float) @ u.T.astype(float)
    result = blas.times_own_transpose(u)
    assert result.dtype == u.dtype and result.shape == (40, 40)
    tol = 1e-5 if dtype == np.float32 else 1e-13
    assert np.allclose(result, expected, rtol=tol, atol=tol * np.abs(expected).max())
    assert np.array_equal(result, result.T)
