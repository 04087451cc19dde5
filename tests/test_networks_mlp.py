"""MLPs: backpropagation against finite differences, the one-layer quadratic network, early-time GD."""

import numpy as np
import pytest

from freecalc.errors import DataError, ParameterError
from freecalc.networks.activations import Activation, activation
from freecalc.networks.measures import correlation, layer_measures, velocity_cnfc
from freecalc.networks.mlp import MLP, sample_mlp
from freecalc.networks.training import gradient_descent
from freecalc.quadratic import network as quadratic


def problem(depth, name, seed=0, n=6, d=5, k=4):
    rng = np.random.default_rng(seed)
    net = sample_mlp(d, (k,) * depth, name, scales=1.3, readout_scale=0.7, seed=seed)
    return net, rng.standard_normal((n, d)), rng.standard_normal(n)


def loss(net, X, y):
    return 0.5 * np.sum((net.outputs(X) - y) ** 2)


@pytest.mark.parametrize("name", ["quadratic", "relu", "tanh"])
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_gradients_are_the_finite_differences_of_the_loss(depth, name):
    net, X, y = problem(depth, name, seed=depth)
    grads, grad_a = net.gradients(X, y)
    step = 1e-6
    for layer, G in enumerate(grads, 1):
        numeric = np.zeros_like(G)
        for idx in np.ndindex(G.shape):
            plus, minus = net.weights[layer - 1].copy(), net.weights[layer - 1].copy()
            plus[idx] += step
            minus[idx] -= step
            numeric[idx] = (loss(net.with_weight(layer, plus), X, y)
                            - loss(net.with_weight(layer, minus), X, y)) / (2 * step)
        np.testing.assert_allclose(G, numeric, rtol=1e-5, atol=1e-6 * np.abs(G).max())
    numeric_a = [(loss(MLP(net.weights, net.readout + step * e, net.activation), X, y)
                  - loss(MLP(net.weights, net.readout - step * e, net.activation), X, y)) / (2 * step)
                 for e in np.eye(len(net.readout))]
    np.testing.assert_allclose(grad_a, numeric_a, rtol=1e-5, atol=1e-8)


def downstream(net, h, layer):
    """f from the pre-activations of a layer, by the forward recursion alone."""
    x = net.activation(h)
    for W in net.weights[layer:]:
        x = net.activation(x @ W.T)
    return x @ net.readout


@pytest.mark.parametrize("name", ["quadratic", "tanh"])
def test_ptk_features_are_output_derivatives_in_the_preactivations(name):
    net, X, _ = problem(3, name, seed=7)
    forward = net.forward(X)
    step = 1e-6
    for layer in (1, 2, 3):
        J = net.ptk_features(X, layer)
        h = forward.pre[layer - 1]
        for s in range(h.shape[1]):
            plus, minus = h.copy(), h.copy()
            plus[:, s] += step
            minus[:, s] -= step
            numeric = (downstream(net, plus, layer) - downstream(net, minus, layer)) / (2 * step)
            np.testing.assert_allclose(J[:, s], numeric, rtol=1e-6, atol=1e-8)


def test_one_quadratic_layer_is_the_papers_network():
    """Depth 1, quadratic: J, Wdot and the velocity C-NFC of freecalc.quadratic.network (a second code)."""
    net, X, y = problem(1, "quadratic", seed=3, n=9, d=6, k=8)
    paper = quadratic.QuadraticNetwork(net.weights[0], net.readout)
    np.testing.assert_allclose(net.ptk_features(X, 1), quadratic.ptk_features(paper, X), rtol=1e-12)
    np.testing.assert_allclose(net.velocity(X, y, 1), quadratic.weight_velocity(paper, X, y), rtol=1e-12)
    for kind in ("cosine", "pearson"):
        assert velocity_cnfc(net, X, y, kind=kind) == pytest.approx(
            quadratic.velocity_cnfc(paper, X, y, kind=kind), abs=1e-12)


def test_velocity_is_minus_the_gradient():
    net, X, y = problem(2, "relu", seed=2)
    grads, _ = net.gradients(X, y)
    for layer in (1, 2):
        np.testing.assert_allclose(net.velocity(X, y, layer, residual=True), -grads[layer - 1], rtol=1e-12)


@pytest.mark.parametrize(("depth", "name"), [(2, "tanh"), (2, "relu"), (2, "quadratic"), (3, "tanh"),
                                             (3, "relu")])
def test_gradient_descent_cnfc_tends_to_the_velocity_cnfc(depth, name):
    """Proposition 3 at depth 2 and 3: each layer's C-NFC after GD steps of size lr -> its velocity C-NFC."""
    rng = np.random.default_rng(depth)
    n, d, k = 30, 8, 12
    X = rng.standard_normal((n, d)) / (np.sqrt(d) if name == "quadratic" else 1.0)  # f is of degree 4 in x
    y = np.sum(X[:, :3] * np.roll(X[:, :3], -1, axis=1), axis=1)
    net = sample_mlp(d, (k,) * depth, name, seed=depth)
    for layer in range(1, depth + 1):
        target = velocity_cnfc(net, X, y, layer)
        gaps = []
        for lr in (0.1, 0.01, 0.001):
            trained = gradient_descent(net, X, y, lr=lr, steps=4).network
            gaps.append(abs(layer_measures(trained, X, layer, initial=net).cnfc - target))
        assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 2e-3, (layer, gaps)
        assert gaps[1] / gaps[2] > 4  # first order in lr (10 for a smooth activation)


def test_measures_follow_their_definitions():
    net, X, y = problem(2, "relu", seed=5, n=20, d=6, k=7)
    trained = gradient_descent(net, X, y, lr=0.05, steps=5).network
    K = trained.feature_covariance(X, 2)
    W, Wbar = trained.weights[1], trained.weights[1] - net.weights[1]
    got = layer_measures(trained, X, 2, initial=net, kind="pearson")
    assert got.nfc == pytest.approx(np.corrcoef((W.T @ W).ravel(), (W.T @ K @ W).ravel())[0, 1], abs=1e-12)
    assert got.cnfc == pytest.approx(
        np.corrcoef((Wbar.T @ Wbar).ravel(), (Wbar.T @ K @ Wbar).ravel())[0, 1], abs=1e-12)
    ratio = np.trace(Wbar.T @ Wbar @ Wbar.T @ K @ Wbar) / np.trace(W.T @ W @ W.T @ K @ W)
    assert got.ratio == pytest.approx(ratio, rel=1e-10)
    assert layer_measures(trained, X, 1).cnfc is None


def test_sampled_weights_have_the_stated_laws():
    net = sample_mlp(300, (200, 400), "relu", scales=(2.0, 0.5), readout_scale=3.0, seed=1)
    assert net.weights[0].var() * 300 == pytest.approx(4.0, rel=0.02)
    assert net.weights[1].var() * 200 == pytest.approx(0.25, rel=0.02)
    assert net.readout.var() * 400 == pytest.approx(9.0, rel=0.2)


def test_custom_activation_and_bad_input():
    softplus = Activation("softplus", lambda h: np.log1p(np.exp(h)), lambda h: 1 / (1 + np.exp(-h)))
    net = sample_mlp(4, (3, 3), softplus, seed=0)
    assert activation(softplus) is softplus and net.outputs(np.ones((2, 4))).shape == (2,)
    with pytest.raises(ParameterError):
        activation("gelu")
    with pytest.raises(ParameterError):
        sample_mlp(4, (3, 3), scales=(1.0,))
    with pytest.raises(ParameterError):
        MLP((np.ones((3, 4)), np.ones((2, 2))), np.ones(2), "relu")
    with pytest.raises(ParameterError):
        net.ptk_features(np.ones((2, 4)), 3)
    with pytest.raises(DataError):
        net.outputs(np.ones((2, 5)))
    with pytest.raises(ParameterError):
        correlation(np.eye(2), np.eye(2), "spearman")
