"""What ``freecalc nfc`` and ``freecalc predict --depth`` report, as plain data (the command line prints it).

Per layer of a given network on data (X, y): the NFC, and with the initial weights the C-NFC and the C/UC
ratio (:mod:`.measures`); a summary of the spectrum of the PTK feature covariance K (the paper,
arXiv:2402.05271, Section 2, quotes sd/mean = 5.9 for its Figure 1); the randomized-eigenvector baseline
(:mod:`.baseline`), optionally with Haar rotations. The EGOP of the chain monomial of rank r (eq. (2)),
``E[grad y grad y^T]`` with ``d y / d x_j = x_{j-1} + x_{j+1}`` (indices cyclic in 1..r), estimated on X.

>>> import numpy as np
>>> X = np.random.default_rng(0).standard_normal((20000, 4))
>>> np.round(chain_monomial_egop(X, 3), 1).tolist()[0]
[2.0, 1.0, 1.0, 0.0]
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np

from ..errors import DataError
from .baseline import randomized_baseline, rotated_nfc
from .first_order import first_order_cnfc, observed_cnfc
from .measures import layer_measures
from .mlp import MLP

__all__ = ["chain_monomial_egop", "deep_prediction", "draw_features", "layer_report", "plot_features",
           "spectrum_summary"]


def spectrum_summary(K: np.ndarray) -> dict:
    """Eigenvalues of K: min, max, mean, sd / mean, effective rank ``(tr K)^2 / tr K^2``."""
    values = np.linalg.eigvalsh((K + K.T) / 2)
    return {"min": float(values.min()), "max": float(values.max()), "mean": float(values.mean()),
            "sd_over_mean": float(values.std() / values.mean()),
            "effective_rank": float(values.sum() ** 2 / np.sum(values**2))}


def layer_report(net: MLP, X: np.ndarray, layer: int, *, initial: MLP | None = None, kind: str = "cosine",
                 rotations: int = 0, seed: int = 0) -> dict:
    """NFC, C-NFC, ratio, K's spectrum and the randomized baseline (and its Haar check) of one layer."""
    measures = layer_measures(net, X, layer, initial=initial, kind=kind)
    K = net.feature_covariance(X, layer)
    baseline = randomized_baseline(net.weights[layer - 1], K)
    out = {"layer": layer, "nfc": measures.nfc, "cnfc": measures.cnfc, "ratio": measures.ratio,
           "k_spectrum": spectrum_summary(K), "baseline": asdict(baseline) | {"reliable": baseline.reliable}}
    if rotations:
        samples = rotated_nfc(net.weights[layer - 1], K, rotations, seed=seed)
        out["rotations"] = {"count": rotations, "mean": float(samples.mean()),
                            "sd": float(samples.std(ddof=1)) if rotations > 1 else None}
    return out


def deep_prediction(X: np.ndarray, y: np.ndarray, depth: int, name: str, *, layer: int = 1,
                    kind: str = "cosine", width: int = 1024, networks: int = 0, seed: int = 0) -> dict:
    """The first-order prediction of a layer's early-time C-NFC and, with ``networks``, its observation.

    The observation samples ``networks`` MLPs with every hidden layer of the given width (mean, sd, standard
    error, and the gap of the mean from the prediction in standard errors).
    """
    out = {"depth": depth, "activation": name, "layer": layer, "correlation": kind,
           "predicted": first_order_cnfc(X, y, depth, name, layer=layer, kind=kind)}
    if networks:
        observed = observed_cnfc(X, y, (width,) * depth, name, networks=networks, layer=layer, kind=kind,
                                 seed=seed)
        sd = float(observed.std(ddof=1)) if networks > 1 else None
        se = sd / np.sqrt(networks) if sd else None
        mean = float(observed.mean())
        out["observed"] = {"width": width, "networks": networks, "mean": mean, "sd": sd, "se": se,
                           "gap_in_se": (mean - out["predicted"]) / se if se else None}
    return out


def chain_monomial_egop(X: np.ndarray, rank: int = 5) -> np.ndarray:
    """``(1/n) sum_i grad y(x_i) grad y(x_i)^T`` for the chain monomial of eq. (2)."""
    X = np.asarray(X, dtype=float)
    if not 2 <= rank <= X.shape[1]:
        raise DataError(f"the chain rank must be in [2, d = {X.shape[1]}], got {rank}")
    head = X[:, :rank]
    gradients = np.zeros_like(X)
    gradients[:, :rank] = np.roll(head, 1, axis=1) + np.roll(head, -1, axis=1)
    return gradients.T @ gradients / len(X)


def plot_features(net: MLP, X: np.ndarray, path: str | Path, *, chain_rank: int | None = None) -> Path:
    """The heatmaps of :func:`draw_features`, saved as PNG."""
    from ..plots import save_figure

    return save_figure(draw_features(net, X, chain_rank=chain_rank), path, 110)


def draw_features(net: MLP, X: np.ndarray, *, chain_rank: int | None = None):
    """Heatmaps of each layer's NFM ``W^T W`` and AGOP ``W^T K W``, and of the chain monomial's EGOP.

    One row per layer, panels of 3.6 x 3.3 inches; returns the matplotlib figure (Agg), which the caller
    closes.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = 3 if chain_rank is not None else 2
    fig, axes = plt.subplots(net.depth, columns, figsize=(3.6 * columns, 3.3 * net.depth), squeeze=False)
    for layer in range(1, net.depth + 1):
        W = net.weights[layer - 1]
        pushed = net.ptk_features(X, layer) @ W
        panels = [("NFM", W.T @ W), ("AGOP", pushed.T @ pushed)]
        if chain_rank is not None and layer == 1:
            panels.append((f"EGOP (chain, r = {chain_rank})", chain_monomial_egop(X, chain_rank)))
        for col in range(columns):
            ax = axes[layer - 1][col]
            if col >= len(panels):
                ax.axis("off")
                continue
            title, matrix = panels[col]
            ax.imshow(matrix, cmap="viridis")
            ax.set_title(f"layer {layer}: {title}", fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
    fig.tight_layout()
    return fig
