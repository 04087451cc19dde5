"""Tests with power for the deep-network modules (issue 27, second sampled mutation run): each guards a
term or a setting that the sampled cosmic-ray run found unguarded, against an independent route."""

import dataclasses
import inspect

import numpy as np
import pytest

from freecalc.datasets import gaussian_dataset
from freecalc.errors import DataError, ParameterError
from freecalc.networks.activations import ACTIVATIONS, activation
from freecalc.networks.baseline import randomized_baseline
from freecalc.networks.figure7 import DEFAULT_ALPHAS, draw_figure7, run_figure7
from freecalc.networks.first_order import first_order_cnfc, observed_cnfc
from freecalc.networks.measures import correlation, layer_measures, velocity_cnfc
from freecalc.networks.mlp import sample_mlp
from freecalc.networks.report import draw_features, spectrum_summary
from freecalc.networks.training import gradient_descent
from freecalc.numeric.haar import haar_batch, haar_orthogonal


def test_activations_are_immutable_values():
    """The built-in activations are shared by every network: none of them can be changed in place."""
    for name in ACTIVATIONS:
        with pytest.raises(dataclasses.FrozenInstanceError):
            activation(name).name = "changed"
    assert activation("relu") is ACTIVATIONS["relu"]


def test_delta_method_sd_is_the_sd_of_the_linearized_ratio():
    """``delta_sd`` (the module notes' delta method,
    ``Var rho ~ rho_0^2 (Var N / (E N)^2 - Cov(N, D) / (E N E D) + Var D / (4 (E D)^2))``) against the sd
    of the linearization ``rho_0 (u - v / 2)``, u and v the relative deviations of N and D
    over 4000 Haar rotations: the relative standard error of a sample sd of 4000 is 1.1%, the tolerance 6%."""
    rng = np.random.default_rng(0)
    W, K = rng.standard_normal((20, 8)), np.diag(rng.uniform(0, 1, 20) ** 3)
    predicted = randomized_baseline(W, K)
    assert predicted.reliable
    M = W @ W.T
    N, D = np.array([[np.trace(M @ M @ R), np.trace(R @ M @ R @ M)]
                     for R in (O @ K @ O.T for O in haar_batch("orthogonal", 20, 4000, 5))]).T
    u, v = N / N.mean() - 1, D / D.mean() - 1
    rho0 = N.mean() / (np.sqrt(np.sum(M * M)) * np.sqrt(D.mean()))
    assert predicted.delta_sd == pytest.approx((rho0 * (u - v / 2)).std(ddof=1), rel=0.06)


def test_third_layer_prediction_is_the_wide_limit():
    """Layer 3 of a depth-3 ReLU MLP: the Gram route reads the third layer's input Gram; wide networks
    (k = 2048, three of them, sd 0.003) land within 0.006 of it, narrow ones (k = 32) do not."""
    data = gaussian_dataset(24, 10, alpha=1.0, labels="chain", seed=2)
    predicted = first_order_cnfc(data.X, data.y, 3, "relu", layer=3)
    narrow, wide = (observed_cnfc(data.X, data.y, (k, k, k), "relu", layer=3, networks=3, seed=0).mean()
                    for k in (32, 2048))
    assert abs(wide - predicted) < 0.006 < abs(narrow - predicted)


def test_figure7_defaults_are_the_papers_setting():
    """arXiv:2402.05271, Appendix I: n = d = 128, widths 128 and 1024, two tasks, quadratic and ReLU; the
    decay rates start at the projector end alpha = 0 (Section 5: as alpha -> 0 the covariance tends to a
    projector) and increase."""
    defaults = {k: p.default for k, p in inspect.signature(run_figure7).parameters.items()}
    assert (defaults["n"], defaults["d"], tuple(defaults["widths"])) == (128, 128, (128, 1024))
    assert set(defaults["tasks"]) == {"chain", "quadratic"}
    assert set(defaults["activations"]) == {"quadratic", "relu"}
    assert DEFAULT_ALPHAS[0] == 0 and list(DEFAULT_ALPHAS) == sorted(set(DEFAULT_ALPHAS))


@pytest.fixture(scope="module")
def small_figure7():
    return run_figure7((0.5, 2.0), tasks=("chain", "quadratic"), activations=("quadratic", "relu"),
                       widths=(8, 16), n=10, d=6, networks=2, seed=3)


def test_figure7_settings_reproduce_a_point(small_figure7):
    """The recorded settings (seed, correlation) redraw the observed networks, and the initialization scale
    they record is the one the networks are drawn at (1, as in arXiv:2402.05271, Appendix I; the cosine
    C-NFC of homogeneous activations would not show another one)."""
    settings = small_figure7.settings
    drawn_at = inspect.signature(observed_cnfc).parameters["scales"].default
    assert settings["initialization_scale"] == drawn_at == 1
    point = small_figure7.points[0]
    data = gaussian_dataset(settings["n"], settings["d"], alpha=point.alpha, labels=point.task,
                            seed=settings["seed"])
    observed = observed_cnfc(data.X, data.y, (point.width, point.width), point.activation,
                             networks=settings["networks"], kind=settings["correlation"],
                             scales=settings["initialization_scale"], seed=settings["seed"])
    assert observed.mean() == pytest.approx(point.observed_mean, rel=1e-12)


def test_figure7_summary_reads_every_point(small_figure7):
    """The summary's mean and largest error per (activation, width), recomputed from the points."""
    summary = small_figure7.summary()
    assert len(summary) == 4
    for name in ("quadratic", "relu"):
        for width in (8, 16):
            errors = [abs(p.predicted - p.observed_mean) for p in small_figure7.points
                      if p.activation == name and p.width == width]
            assert len(errors) == 4
            assert summary[f"{name}_k{width}"]["max_abs_error"] == pytest.approx(max(errors), rel=1e-12)
            assert summary[f"{name}_k{width}"]["mean_abs_error"] == pytest.approx(np.mean(errors), rel=1e-12)


def test_figure7_panels_show_their_own_task_and_activation(small_figure7):
    """Each panel's prediction line is the prediction of its (task, activation), one point per alpha."""
    fig = draw_figure7(small_figure7)
    try:
        axes = np.array(fig.axes).reshape(2, 2)
        for row, task in enumerate(("chain", "quadratic")):
            for col, name in enumerate(("quadratic", "relu")):
                line = [ln for ln in axes[row][col].get_lines() if ln.get_label() == "first-order prediction"]
                expected = sorted({(p.alpha, p.predicted) for p in small_figure7.points
                                   if p.task == task and p.activation == name})
                assert len(line) == 1 and len(expected) == 2
                np.testing.assert_allclose(np.column_stack(line[0].get_data()), expected, rtol=1e-12)
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def _loss_gradient_by_differences(net, X, y, layer, step=1e-6):
    """``-d/dW_l (1/2) sum_i (y_i - f(x_i))^2`` by central differences, entry by entry."""
    W = net.weights[layer - 1]
    out = np.zeros_like(W)
    for index in np.ndindex(W.shape):
        losses = []
        for sign in (1, -1):
            moved = W.copy()
            moved[index] += sign * step
            weights = net.weights[:layer - 1] + (moved,) + net.weights[layer:]
            shifted = dataclasses.replace(net, weights=weights)
            losses.append(0.5 * np.sum((y - shifted.outputs(X)) ** 2))
        out[index] = -(losses[0] - losses[1]) / (2 * step)
    return out


@pytest.mark.parametrize("layer", [1, 2])
def test_residual_velocity_is_the_loss_gradient_by_finite_differences(layer):
    """Proposition 3's residual velocity ``J^T diag(y - f) X_{l-1}`` is minus the gradient of the squared
    loss: its C-NFC against the one of the gradient taken by central differences (a route without the
    backward pass)."""
    net = sample_mlp(3, (5, 4), "tanh", seed=1)
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((6, 3)), rng.standard_normal(6)
    velocity = _loss_gradient_by_differences(net, X, y, layer)
    np.testing.assert_allclose(net.velocity(X, y, layer, residual=True), velocity, rtol=1e-6, atol=1e-8)
    K = net.feature_covariance(X, layer)
    expected = correlation(velocity.T @ velocity, velocity.T @ K @ velocity)
    assert velocity_cnfc(net, X, y, layer, residual=True) == pytest.approx(expected, rel=1e-6)


def test_labels_of_the_wrong_length_are_refused():
    """Shorter or longer y: one DataError from the velocity, its C-NFC and the loss gradients."""
    net = sample_mlp(3, (5, 4), "relu", seed=0)
    X = np.ones((6, 3))
    for y in (np.ones(5), np.ones(7)):
        with pytest.raises(DataError, match="shape"):
            velocity_cnfc(net, X, y)
        with pytest.raises(DataError, match="shape"):
            net.velocity(X, y, 1)
        with pytest.raises(DataError, match="shape"):
            net.gradients(X, y)


def test_networks_and_their_measures_are_values_compared_by_identity():
    """An MLP (arrays inside) hashes and compares by identity; the measures of a layer are frozen."""
    net = sample_mlp(3, (4,), "relu", seed=0)
    twin = dataclasses.replace(net)
    assert net == net and net != twin and len({net, twin}) == 2
    measures = layer_measures(net, np.ones((5, 3)), 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        measures.nfc = 0.0


def test_one_step_of_gradient_descent_and_none():
    """One step is the smallest run (the loss before and after it); zero steps are refused."""
    net = sample_mlp(3, (4, 4), "tanh", seed=0)
    X, y = np.ones((5, 3)), np.arange(5.0)
    run = gradient_descent(net, X, y, lr=0.01, steps=1)
    assert run.steps == 1 and len(run.loss) == 2 and run.loss[1] < run.loss[0]
    with pytest.raises(ParameterError):
        gradient_descent(net, X, y, lr=0.01, steps=0)


def test_spectrum_summary_of_a_known_spectrum():
    """K = O diag(v) O^T (O Haar): min, max, mean, sd / mean and effective rank (sum v)^2 / sum v^2 of v."""
    v = np.array([0.5, 1.0, 2.0, 4.0, 8.0])
    O = haar_orthogonal(5, 0)
    summary = spectrum_summary((O * v) @ O.T)
    expected = {"min": 0.5, "max": 8.0, "mean": v.mean(), "sd_over_mean": v.std() / v.mean(),
                "effective_rank": v.sum() ** 2 / np.sum(v**2)}
    assert summary == pytest.approx(expected, rel=1e-12)


def test_feature_panels_show_each_layers_matrices_at_a_fixed_panel_size():
    """Every layer of a depth-3 MLP has its NFM panel (W^T W) and the first its EGOP; panels keep their
    size whatever the depth and the number of columns."""
    import matplotlib.pyplot as plt

    X = np.random.default_rng(0).standard_normal((12, 4))
    sizes = []
    for widths, rank in (((5, 5, 5), 3), ((5, 5), None)):
        net = sample_mlp(4, widths, "relu", seed=0)
        fig = draw_features(net, X, chain_rank=rank)
        try:
            columns = 3 if rank else 2
            axes = np.array(fig.axes).reshape(net.depth, columns)
            for layer in range(1, net.depth + 1):
                W, image = net.weights[layer - 1], axes[layer - 1][0].get_images()[0]
                np.testing.assert_allclose(image.get_array(), W.T @ W, rtol=1e-12)
            width, height = fig.get_size_inches()
            sizes.append((width / columns, height / net.depth))
        finally:
            plt.close(fig)
    assert sizes[0] == pytest.approx(sizes[1])


def test_recursion_carries_the_first_scale_into_the_quadratic_kernels():
    """Quadratic activations, scales (0.7, 1.3), readout 0.8: the recursion's PTK of layer 1 is the wide limit
    of the exact two-layer form ``16 s_a^2 s_2^4 c (a b + 2 c^2)`` at ``Sigma_1 = s_1^2 X X^T / d`` (degree 6
    in s_1, where ReLU's PTK does not see s_1 at all)."""
    from freecalc.networks.kernels import expected_kernels, quadratic_two_layer_ptk

    X = np.random.default_rng(3).standard_normal((4, 5))
    recursion = expected_kernels(X, 2, "quadratic", scales=(0.7, 1.3), readout_scale=0.8)
    wide = quadratic_two_layer_ptk(X, 10**15, scales=(0.7, 1.3), readout_scale=0.8)
    np.testing.assert_allclose(recursion.ptk[0], wide, rtol=1e-9)
    np.testing.assert_allclose(recursion.forward[0], 0.49 * X @ X.T / 5, rtol=1e-12)
