"""E[PTK] over the initialization: closed forms against quadrature, Monte Carlo over networks; the first-order
prediction against the observed C-NFC as the width grows."""

import numpy as np
import pytest

from freecalc.datasets import gaussian_dataset
from freecalc.errors import ParameterError
from freecalc.networks.activations import Activation
from freecalc.networks.first_order import first_order_cnfc, gram_cosine, observed_cnfc, sample_ptk
from freecalc.networks.kernels import (
    dual_kernels,
    expected_kernels,
    gauss_hermite_kernels,
    quadratic_two_layer_ptk,
)
from freecalc.networks.measures import correlation


def covariances(seed=0):
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0.3, 2.0, 20), rng.uniform(0.3, 2.0, 20)
    return a, b, rng.uniform(-0.95, 0.95, 20) * np.sqrt(a * b)


def test_quadratic_closed_form_is_the_quadrature():
    """Gauss-Hermite is exact for polynomials: a second route for Isserlis' E[u^2 v^2] = ab + 2c^2."""
    a, b, c = covariances()
    square = Activation("square", np.square, lambda h: 2 * h)
    pairs = zip(dual_kernels("quadratic", a, b, c), gauss_hermite_kernels(square, a, b, c), strict=True)
    for closed, numeric in pairs:
        np.testing.assert_allclose(closed, numeric, rtol=1e-10)


def test_arc_cosine_kernels_against_two_independent_routes():
    """Degree 0: Sheppard's orthant probability 1/4 + arcsin(rho) / (2 pi) (Sheppard 1899). Degree 1: one
    dimension of quadrature, E[relu(u) E[relu(v) | u]] with E[relu(v) | u] = m Phi(m/s) + s phi(m/s)."""
    import math

    a, b, c = covariances(4)
    value, slope = dual_kernels("relu", a, b, c)
    rho = c / np.sqrt(a * b)
    np.testing.assert_allclose(slope, 0.25 + np.arcsin(rho) / (2 * np.pi), rtol=1e-12)
    erf = np.frompyfunc(math.erf, 1, 1)
    for i in range(len(a)):
        u = np.linspace(0.0, 12 * np.sqrt(a[i]), 40_001)
        m, s = c[i] / a[i] * u, np.sqrt(b[i] - c[i] ** 2 / a[i])
        phi = np.exp(-((m / s) ** 2) / 2) / np.sqrt(2 * np.pi)
        inner = m * 0.5 * (1 + erf(m / (s * np.sqrt(2))).astype(float)) + s * phi
        density = np.exp(-(u**2) / (2 * a[i])) / np.sqrt(2 * np.pi * a[i])
        assert value[i] == pytest.approx(np.trapezoid(u * inner * density, u), rel=1e-7)


def test_arc_cosine_kernels_against_sampled_gaussian_pairs():
    """Cho & Saul (2009): E[relu(u) relu(v)] and P(u > 0, v > 0), by Monte Carlo with 4 standard errors."""
    a, b, c = covariances(1)
    value, slope = dual_kernels("relu", a, b, c)
    rng = np.random.default_rng(2)
    z1, z2 = rng.standard_normal((2, 200_000, 1))
    u = np.sqrt(a) * z1
    v = c / np.sqrt(a) * z1 + np.sqrt(b - c**2 / a) * z2
    for closed, samples in ((value, np.maximum(u, 0) * np.maximum(v, 0)), (slope, (u > 0) & (v > 0))):
        error = samples.std(axis=0) / np.sqrt(len(samples))
        assert np.all(np.abs(samples.mean(axis=0) - closed) < 4 * error + 1e-12)
    tanh_value, _ = dual_kernels("tanh", a, b, c)
    samples = np.tanh(u) * np.tanh(v)
    assert np.all(np.abs(samples.mean(axis=0) - tanh_value) < 4 * samples.std(axis=0) / np.sqrt(len(u)))


def test_exact_quadratic_ptk_at_width_four_against_monte_carlo():
    """The exact finite-width E[PTK_1] (1/k_1 term included) within 4 SE; the k -> infinity limit is not."""
    X = np.random.default_rng(0).standard_normal((2, 4))
    sampled = sample_ptk(X, (4, 5), "quadratic", networks=20_000, seed=3)
    exact = quadratic_two_layer_ptk(X, 4)
    assert np.all(np.abs(sampled.mean - exact) < 4 * sampled.stderr)
    limit = expected_kernels(X, 2, "quadratic").ptk[0]
    assert np.all(np.abs(sampled.mean - limit) > 8 * sampled.stderr)
    np.testing.assert_allclose(quadratic_two_layer_ptk(X, 10**12), limit, rtol=1e-9)


@pytest.mark.parametrize(("name", "depth", "layer"), [("relu", 2, 1), ("relu", 3, 1), ("relu", 3, 2),
                                                      ("tanh", 2, 1), ("quadratic", 2, 2)])
def test_ptk_recursion_against_monte_carlo_over_wide_networks(name, depth, layer):
    """Infinite-width E[PTK_l]: within 4 standard errors plus the O(1/k) bias allowance 3/k (relative)."""
    X = np.random.default_rng(1).standard_normal((3, 5))
    k = 256
    sampled = sample_ptk(X, (k,) * depth, name, layer=layer, networks=60, seed=4)
    limit = expected_kernels(X, depth, name).ptk[layer - 1]
    assert np.all(np.abs(sampled.mean - limit) < 4 * sampled.stderr + 3 / k * np.abs(limit).max())


def test_initialization_scales_enter_the_recursion():
    """Per-layer scales (0.7, 1.3) and readout scale 0.8: Monte Carlo over networks against the recursion and
    the exact quadratic form, which both carry s_a^2 s_2^4 (s_1 through Sigma_1)."""
    X = np.random.default_rng(3).standard_normal((3, 5))
    for name, k, networks in (("relu", 256, 60), ("quadratic", 3, 20_000)):
        sampled = sample_ptk(X, (k, k), name, networks=networks, scales=(0.7, 1.3), readout_scale=0.8, seed=5)
        if name == "quadratic":
            expected = quadratic_two_layer_ptk(X, k, scales=(0.7, 1.3), readout_scale=0.8)
            allowance = 0.0
        else:
            expected = expected_kernels(X, 2, name, scales=(0.7, 1.3), readout_scale=0.8).ptk[0]
            allowance = 3 / k * np.abs(expected).max()
        assert np.all(np.abs(sampled.mean - expected) < 4 * sampled.stderr + allowance), name


def test_input_gram_of_the_second_layer():
    """E[X_1 X_1^T] / k_1 -> E[phi(u) phi(v)] over N(0, Sigma_1), checked on one wide network."""
    from freecalc.networks.mlp import sample_mlp

    X = np.random.default_rng(2).standard_normal((3, 6))
    net = sample_mlp(6, (20_000, 2), "relu", seed=0)
    inputs = net.layer_inputs(X, 2)
    expected = expected_kernels(X, 2, "relu").input_gram[1]
    np.testing.assert_allclose(inputs @ inputs.T / 20_000, expected, rtol=0.05)


def test_first_order_prediction_is_the_wide_limit():
    """The observed C-NFC tends to the plain substitution as k grows at fixed n, d (both activations)."""
    data = gaussian_dataset(32, 16, alpha=1.0, labels="chain", seed=0)
    for name in ("relu", "quadratic"):
        predicted = first_order_cnfc(data.X, data.y, 2, name)
        gaps = [abs(observed_cnfc(data.X, data.y, (k, k), name, networks=4, seed=1).mean() - predicted)
                for k in (16, 256, 4096)]
        assert gaps[2] < gaps[0] / 4 and gaps[2] < 0.01, (name, gaps)


def test_deeper_layer_prediction_uses_the_gram_route():
    """The Gram route (cosine, n x n traces) equals the d x d route on layer 1; layer 2 tends to the limit."""
    data = gaussian_dataset(24, 10, alpha=1.0, labels="chain", seed=2)
    kernels = expected_kernels(data.X, 2, "relu")
    weighted = data.y[:, None] * data.X
    first = weighted.T @ kernels.ptk[0] @ weighted
    second = weighted.T @ kernels.ptk[0] @ kernels.ptk[0] @ weighted
    assert first_order_cnfc(data.X, data.y, 2, "relu") == pytest.approx(correlation(first, second), abs=1e-12)
    assert gram_cosine(data.X @ data.X.T, kernels.ptk[0], data.y) == pytest.approx(correlation(first, second),
                                                                                   abs=1e-12)
    predicted = first_order_cnfc(data.X, data.y, 2, "relu", layer=2)
    narrow, wide = (observed_cnfc(data.X, data.y, (k, k), "relu", layer=2, networks=3, seed=0).mean()
                    for k in (32, 2048))
    assert abs(wide - predicted) < 0.005 < abs(narrow - predicted)
    with pytest.raises(ParameterError):
        first_order_cnfc(data.X, data.y, 2, "relu", layer=2, kind="pearson")
    with pytest.raises(ParameterError):
        first_order_cnfc(data.X, data.y, 2, "relu", layer=3)
