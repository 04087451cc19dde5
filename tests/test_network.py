"""The quadratic network: gradients by finite differences, the network-to-word identities, early-time GD."""

import numpy as np
import pytest

from freecalc.errors import DataError, ParameterError
from freecalc.quadratic.network import (
    QuadraticNetwork,
    matrix_correlation,
    ptk_features,
    sample_network,
    train_cnfc,
    velocity_cnfc,
    weight_velocity,
)


def small_problem(n=7, d=4, k=5, seed=0):
    rng = np.random.default_rng(seed)
    return sample_network(d, k, seed=seed), rng.standard_normal((n, d)), rng.standard_normal(n)


def loss(W, a, X, y):
    return 0.5 * np.sum((((X @ W.T) ** 2) @ a - y) ** 2)


def test_velocity_is_minus_the_gradient_by_finite_differences():
    net, X, y = small_problem()
    velocity = weight_velocity(net, X, y, residual=True)
    numeric = np.zeros_like(net.W)
    step = 1e-6
    for idx in np.ndindex(net.W.shape):
        plus, minus = net.W.copy(), net.W.copy()
        plus[idx] += step
        minus[idx] -= step
        numeric[idx] = -(loss(plus, net.a, X, y) - loss(minus, net.a, X, y)) / (2 * step)
    assert np.allclose(velocity, numeric, rtol=1e-6, atol=1e-7)


def test_ptk_features_are_the_output_derivative_in_the_preactivations():
    net, X, _ = small_problem()
    J = ptk_features(net, X)
    h = X @ net.W.T
    step = 1e-6
    for s in range(net.width):
        shifted = h.copy()
        shifted[:, s] += step
        assert np.allclose((shifted**2 @ net.a - h**2 @ net.a) / step, J[:, s], rtol=1e-4, atol=1e-5)


def test_velocity_grams_are_the_cnfc_words():
    """Wdot^T Wdot = 4 C R C and Wdot^T K Wdot = 16 C R B R C (the words of freecalc.quadratic.words)."""
    net, X, y = small_problem(n=9, d=6, k=8, seed=3)
    J = ptk_features(net, X)
    velocity = weight_velocity(net, X, y)
    C, B, R = X.T @ np.diag(y) @ X, X.T @ X, net.r_matrix()
    assert np.allclose(velocity.T @ velocity, 4 * C @ R @ C)
    assert np.allclose(velocity.T @ (J.T @ J) @ velocity, 16 * C @ R @ B @ R @ C)
    for kind in ("cosine", "pearson"):
        G, H = C @ R @ C, C @ R @ B @ R @ C
        assert velocity_cnfc(net, X, y, kind=kind) == pytest.approx(matrix_correlation(G, H, kind), abs=1e-12)


def test_r_moments_match_the_eigenvalues():
    net = sample_network(30, 20, a_law="uniform", seed=5)
    eigenvalues = np.linalg.eigvalsh(net.r_matrix())
    expected = [np.sum(eigenvalues**p) / 30 for p in range(1, 7)]
    assert np.allclose(net.r_moments(6), expected, rtol=1e-10)


def test_matrix_correlation_conventions():
    rng = np.random.default_rng(1)
    A, B = rng.standard_normal((5, 5)) + 2, rng.standard_normal((5, 5))
    assert matrix_correlation(A, B, "pearson") == pytest.approx(np.corrcoef(A.ravel(), B.ravel())[0, 1])
    cosine = np.trace(A.T @ B) / np.sqrt(np.trace(A.T @ A) * np.trace(B.T @ B))
    assert matrix_correlation(A, B, "cosine") == pytest.approx(cosine)
    with pytest.raises(ParameterError):
        matrix_correlation(A, B, "spearman")


def test_sampled_weights_have_the_stated_laws():
    net = sample_network(200, 400, w_scale=2.0, a_law="rademacher", seed=2)
    assert net.W.var() * 400 == pytest.approx(4.0, rel=0.02)
    assert set(np.unique(net.a)) == {-1.0, 1.0}
    uniform = sample_network(5, 20000, a_law="uniform", seed=2).a
    assert uniform.var() == pytest.approx(1.0, rel=0.03) and np.abs(uniform).max() <= np.sqrt(3)


def test_gradient_descent_cnfc_tends_to_the_velocity_cnfc():
    """Proposition 3: rho(Wbar^T Wbar, Wbar^T K_t Wbar) -> rho(Wdot^T Wdot, Wdot^T K Wdot) as lr -> 0."""
    rng = np.random.default_rng(4)
    n, d, k = 40, 12, 16
    X = rng.standard_normal((n, d)) / np.sqrt(d)
    y = np.sum(X[:, :3] * np.roll(X[:, :3], -1, axis=1), axis=1)
    net = sample_network(d, k, seed=4)
    for subtract, residual in ((True, False), (False, True)):
        target = velocity_cnfc(net, X, y, residual=residual)
        gaps = [abs(train_cnfc(net, X, y, lr=lr, steps=5, subtract_initial=subtract).centered - target)
                for lr in (0.3, 0.03, 0.003)]
        assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-3, (subtract, gaps)
    result = train_cnfc(net, X, y, lr=0.3, steps=30)
    assert result.loss[-1] < result.loss[0] and -1 <= result.uncentered <= 1


def test_bad_inputs():
    net, X, y = small_problem()
    with pytest.raises(DataError):
        weight_velocity(net, X[:, :2], y)
    with pytest.raises(DataError):
        velocity_cnfc(net, X, y[:-1])
    with pytest.raises(ParameterError):
        sample_network(3, 0)
    with pytest.raises(ParameterError):
        sample_network(3, 4, a_law="cauchy")
    with pytest.raises(ParameterError):
        sample_network(3, 4, w_scale=-1)
    with pytest.raises(ParameterError):
        train_cnfc(net, X, y, lr=0, steps=3)
    huge = QuadraticNetwork(net.W * 1e3, net.a)
    with pytest.raises(ParameterError, match="diverged"):
        train_cnfc(huge, X * 10, y, lr=10.0, steps=50)
