"""The randomized-eigenvector baseline: exact Haar moments, first order and finite size against rotations."""

import numpy as np
import pytest

from freecalc.errors import DataError
from freecalc.networks.baseline import layer_baseline, randomized_baseline, rotated_nfc
from freecalc.networks.mlp import sample_mlp


def layer(k=20, d=8, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((k, d)), np.diag(rng.uniform(0, 1, k) ** 3)


def test_finite_size_mean_and_sd_against_haar_rotations():
    """Mean within 4 standard errors of 3000 rotations, sd within 8%; the first order alone is off."""
    W, K = layer()
    predicted = randomized_baseline(W, K)
    samples = rotated_nfc(W, K, 3000, seed=1)
    se = samples.std(ddof=1) / np.sqrt(len(samples))
    assert abs(samples.mean() - predicted.mean) < 4 * se
    assert abs(samples.mean() - predicted.first_order) > 2.5 * se
    assert samples.std(ddof=1) == pytest.approx(predicted.sd, rel=0.08)


def test_first_order_is_the_large_size_limit():
    """At k = 200 the finite-size and first-order means agree to O(1/k), and the spread is O(k^-1/2)."""
    rng = np.random.default_rng(3)
    W, K = rng.standard_normal((200, 50)), np.diag(rng.exponential(size=200))
    predicted = randomized_baseline(W, K)
    assert abs(predicted.mean - predicted.first_order) < 5e-3 and predicted.sd < 0.02


def test_rotation_invariance_and_identity():
    """K = c I is rotation invariant: rho = rho(W^T W, c W^T W) = 1, with zero spread."""
    W, _ = layer(seed=2)
    predicted = randomized_baseline(W, 2.5 * np.eye(20))
    assert predicted.mean == pytest.approx(1.0, abs=1e-9) and predicted.first_order == pytest.approx(1.0)
    assert predicted.sd < 1e-6
    np.testing.assert_allclose(rotated_nfc(W, 2.5 * np.eye(20), 3), 1.0, rtol=1e-12)


def test_layer_baseline_reads_the_network():
    net = sample_mlp(6, (10, 12), "relu", seed=0)
    X = np.random.default_rng(0).standard_normal((15, 6))
    got = layer_baseline(net, X, 2)
    assert got == randomized_baseline(net.weights[1], net.feature_covariance(X, 2))
    with pytest.raises(DataError):
        randomized_baseline(np.ones((3, 2)), np.eye(4))


def test_log_normal_closure_where_the_delta_method_fails():
    """A spiky K and two strong directions of W (Var D / (E D)^2 near 1): the log-normal closure's mean is
    within 4 standard errors of 3000 rotations, the delta method's is off by more than 10, and the closure
    is flagged as approximate."""
    rng = np.random.default_rng(0)
    for k, d in ((40, 8), (64, 16)):  # the third draw of this stream is the case measured
        rng.standard_normal((k, d)), rng.exponential(size=k)
    W = rng.standard_normal((32, 32))
    W[:, :2] *= 5.0
    K = np.diag(rng.exponential(size=32) ** 4)
    predicted = randomized_baseline(W, K)
    samples = rotated_nfc(W, K, 3000, seed=1)
    se = samples.std(ddof=1) / np.sqrt(len(samples))
    assert not predicted.reliable and predicted.relative_var_d > 0.5
    assert abs(samples.mean() - predicted.mean) < 4 * se < abs(samples.mean() - predicted.delta_mean) / 2.5
    assert samples.std(ddof=1) == pytest.approx(predicted.sd, rel=0.15)
