"""The public test helpers: matrices with spread, and an agreement check that can fail."""

import numpy as np
import pytest

from freecalc.testing import assert_agrees, haar_sample, random_spectrum, spread_matrices


def test_spread_matrices_have_mixed_signs_and_distinct_laws():
    mats = spread_matrices(["A", "B", "R"], 200, seed=1)
    for m in mats.values():
        values = np.linalg.eigvalsh(m)
        assert np.allclose(m, m.T) and values.min() < 0 < values.max()
        assert np.std(values) > 0.5  # spread, not a lump
    means = [np.trace(m) / 200 for m in mats.values()]
    assert len({round(x, 2) for x in means}) == 3


def test_assert_agrees_catches_a_one_percent_error():
    rng = np.random.default_rng(0)
    samples = 1.0 + 0.01 * rng.standard_normal(10_000)  # stderr 1e-4
    assert_agrees(1.0, samples)
    with pytest.raises(AssertionError, match="standard errors apart"):
        assert_agrees(1.01, samples)


def test_haar_sample_and_spectrum():
    q = haar_sample(5, "unitary", seed=0)
    assert np.allclose(q @ q.conj().T, np.eye(5))
    assert random_spectrum(10, seed=3).shape == (10,)
    with pytest.raises(ValueError):
        haar_sample(3, "symplectic")
