"""Tests with power for the deep-network modules (issue 27, second sampled mutation run): each guards a
term or a setting that the sampled cosmic-ray run found unguarded, against an independent route."""

import dataclasses
import inspect

import numpy as np
import pytest

from freecalc.datasets import gaussian_dataset
from freecalc.networks.activations import ACTIVATIONS, activation
from freecalc.networks.baseline import randomized_baseline
from freecalc.networks.figure7 import DEFAULT_ALPHAS, draw_figure7, run_figure7
from freecalc.networks.first_order import first_order_cnfc, observed_cnfc
from freecalc.numeric.haar import haar_batch


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
    """The recorded settings (initialization scale, seed, correlation) redraw the observed networks."""
    settings = small_figure7.settings
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
