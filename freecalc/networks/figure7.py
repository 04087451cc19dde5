"""The paper's Figure 7: the first layer's C-NFC of two-hidden-layer MLPs, observed and first-order predicted.

Setting (arXiv:2402.05271, Appendix D and Appendix I, "Predictions with depth"): Gaussian rows with covariance
``O diag(1 / (1 + j^alpha)) O^T``, O Haar (:func:`~freecalc.datasets.gaussian_dataset`), n = d = 128, two
hidden layers of width k = 128 (proportional regime) and k = 1024 (NTK regime), initialization scale 1;
tasks: the chain monomial of rank 5 (eq. (2)) and ``y = sum_i (Q x)_i^2``; quadratic and ReLU activations.
For every (alpha, task) one data set is drawn (seed ``seed``); for every (activation, width) ``networks``
networks are sampled (the same seeded ones at every alpha and task, so errors are correlated along a curve)
and their early-time C-NFC observed (:func:`~.first_order.observed_cnfc`), and the
first-order prediction (:func:`~.first_order.first_order_cnfc`) is computed once per (alpha, task,
activation): it does not depend on k.

>>> result = run_figure7((1.0,), tasks=("chain",), activations=("relu",), widths=(8,), n=6, d=5, networks=2)
>>> len(result.points), result.points[0].networks
(1, 2)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..datasets import gaussian_dataset
from ..errors import ParameterError
from .first_order import first_order_cnfc, observed_cnfc

__all__ = ["DEFAULT_ALPHAS", "Figure7Point", "Figure7Result", "draw_figure7", "figure7_targets",
           "run_figure7", "write_figure7"]

DEFAULT_ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
COLUMNS = ("alpha", "task", "activation", "width", "predicted", "observed_mean", "observed_sd", "networks")


@dataclass(frozen=True)
class Figure7Point:
    """One (alpha, task, activation, width): the prediction and the observations' mean and sd."""

    alpha: float
    task: str
    activation: str
    width: int
    predicted: float
    observed_mean: float
    observed_sd: float
    networks: int


@dataclass(frozen=True)
class Figure7Result:
    """All points and the settings that produced them."""

    points: tuple[Figure7Point, ...]
    settings: dict

    def summary(self) -> dict:
        """Mean and maximum ``|predicted - observed mean|`` for every (activation, width)."""
        out = {}
        for point in self.points:
            out.setdefault(f"{point.activation}_k{point.width}", []).append(
                abs(point.predicted - point.observed_mean))
        return {key: {"mean_abs_error": float(np.mean(v)), "max_abs_error": float(np.max(v))}
                for key, v in out.items()}


def run_figure7(alphas: Sequence[float] = DEFAULT_ALPHAS, *, tasks: Sequence[str] = ("chain", "quadratic"),
                activations: Sequence[str] = ("quadratic", "relu"), widths: Sequence[int] = (128, 1024),
                n: int = 128, d: int = 128, networks: int = 8, seed: int = 0, kind: str = "cosine",
                progress: Callable[[], None] | None = None) -> Figure7Result:
    """Predicted and observed (mean, sd over ``networks``) C-NFC for every alpha, task, activation, width."""
    if networks < 2:
        raise ParameterError("Figure 7 needs at least two networks per point (for the sd)")
    points = []
    for task in tasks:
        for alpha in alphas:
            data = gaussian_dataset(n, d, alpha=float(alpha), labels=task, seed=seed)
            for name in activations:
                predicted = first_order_cnfc(data.X, data.y, 2, name, kind=kind)
                for width in widths:
                    observed = observed_cnfc(data.X, data.y, (width, width), name, networks=networks,
                                             kind=kind, seed=seed)
                    points.append(Figure7Point(float(alpha), task, name, int(width), predicted,
                                               float(observed.mean()), float(observed.std(ddof=1)), networks))
                    if progress is not None:
                        progress()
    settings = {"n": n, "d": d, "depth": 2, "alphas": [float(a) for a in alphas], "tasks": list(tasks),
                "activations": list(activations), "widths": [int(k) for k in widths], "networks": networks,
                "seed": seed, "correlation": kind, "initialization_scale": 1.0}
    return Figure7Result(tuple(points), settings)


def figure7_targets(out: str | Path, *, overwrite: bool = False) -> list[Path]:
    """``figure7.csv``, ``figure7.json`` and ``figure7.png`` in ``out``; an existing one needs overwrite."""
    from ..plots import result_paths

    return result_paths(out, "figure7", overwrite=overwrite)


def write_figure7(result: Figure7Result, out: str | Path, *, overwrite: bool = False) -> list[Path]:
    """Write the table (CSV), the points with settings and summary (JSON) and the figure (PNG)."""
    from ..plots import write_results

    payload = {"settings": result.settings, "summary": result.summary()}
    return write_results(out, "figure7", COLUMNS, result.points, payload,
                         lambda path: plot_figure7(result, path), overwrite=overwrite)


def plot_figure7(result: Figure7Result, path: str | Path) -> Path:
    """The figure of :func:`draw_figure7`, saved as PNG."""
    from ..plots import save_figure

    return save_figure(draw_figure7(result), path, 120)


def draw_figure7(result: Figure7Result):
    """One panel per (task, activation): observed mean +- sd against alpha per width, and the prediction.

    Returns the matplotlib figure (Agg backend); the caller closes it.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks, activations = result.settings["tasks"], result.settings["activations"]
    fig, axes = plt.subplots(len(tasks), len(activations), figsize=(5 * len(activations), 3.6 * len(tasks)),
                             squeeze=False)
    styles = ["--", "-", ":", "-."]
    for row, task in enumerate(tasks):
        for col, name in enumerate(activations):
            ax = axes[row][col]
            chosen = [p for p in result.points if p.task == task and p.activation == name]
            for style, width in zip(styles, result.settings["widths"], strict=False):
                line = sorted((p for p in chosen if p.width == width), key=lambda p: p.alpha)
                alpha = [p.alpha for p in line]
                mean = np.array([p.observed_mean for p in line])
                sd = np.array([p.observed_sd for p in line])
                ax.errorbar(alpha, mean, yerr=sd, ls=style, color="tab:blue", capsize=2,
                            label=f"observed, k = {width}")
            line = sorted({(p.alpha, p.predicted) for p in chosen})
            ax.plot([a for a, _ in line], [v for _, v in line], color="tab:orange", lw=2,
                    label="first-order prediction")
            ax.set_title(f"{task} task, {name}")
            ax.set_xlabel("data decay rate alpha")
            ax.set_ylabel("C-NFC of layer 1")
            ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
