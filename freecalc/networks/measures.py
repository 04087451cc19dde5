"""Feature measures of one MLP layer: NFM, AGOP, NFC, the centered NFC and the centered/uncentered ratio.

For layer l with weights W (k_l x k_{l-1}) and PTK feature covariance ``K = J_l^T J_l`` (paper
arXiv:2402.05271, Section 2): ``NFM = W^T W``, ``AGOP = W^T K W`` and (Proposition 2) the NFC is
``rho(W^T W, W^T K W)``. Given the initial weights, ``Wbar = W - W_0``; the C-NFC is
``rho(Wbar^T Wbar, Wbar^T K Wbar)`` (Section 3) and the C/UC ratio
``tr(Wbar^T Wbar Wbar^T K Wbar) / tr(W^T W W^T K W)`` (Section 5). At initialization the early-time C-NFC is
the velocity correlation ``rho(Wdot^T Wdot, Wdot^T K Wdot)``, ``Wdot = J^T L X_{l-1}`` (eqs. (5)-(6)).

``rho`` is the cosine ``<A, B>_F / (|A|_F |B|_F)`` (eq. (6)) or the Pearson correlation of the entries.

>>> import numpy as np
>>> round(correlation(np.eye(2), 2 * np.eye(2)), 12)
1.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError, ParameterError
from ..quadratic.correlation import correlation_of_products
from .mlp import MLP

__all__ = ["CORRELATIONS", "LayerMeasures", "correlation", "layer_measures", "velocity_cnfc"]

CORRELATIONS = ("cosine", "pearson")


def correlation(first: np.ndarray, second: np.ndarray, kind: str = "cosine") -> float:
    """Cosine ``<A, B>_F / (|A|_F |B|_F)`` or Pearson correlation of the entries of two matrices."""
    first, second = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if kind == "pearson":
        first, second = first - first.mean(), second - second.mean()
    elif kind != "cosine":
        raise ParameterError(f"unknown correlation {kind!r}; choose cosine or pearson")
    return correlation_of_products(float(np.sum(first * second)), float(np.sum(first * first)),
                                   float(np.sum(second * second)),
                                   overflow="the correlation overflows in float64; rescale the data",
                                   zero="the correlation is undefined: one of its matrices is zero")


@dataclass(frozen=True)
class LayerMeasures:
    """NFC of one layer and, when the initial weights are known, its C-NFC and C/UC ratio."""

    layer: int
    nfc: float
    cnfc: float | None
    ratio: float | None


def _agop(W: np.ndarray, J: np.ndarray) -> np.ndarray:
    pushed = J @ W  # W^T K W = (J W)^T (J W)
    return pushed.T @ pushed


def layer_measures(net: MLP, X: np.ndarray, layer: int, initial: MLP | None = None,
                   kind: str = "cosine") -> LayerMeasures:
    """NFC ``rho(W^T W, W^T K W)``, C-NFC ``rho(Wbar^T Wbar, Wbar^T K Wbar)`` and C/UC ratio of a layer."""
    J = net.ptk_features(X, layer)
    W = net.weights[layer - 1]
    nfm, agop = W.T @ W, _agop(W, J)
    nfc = correlation(nfm, agop, kind)
    if initial is None:
        return LayerMeasures(layer, nfc, None, None)
    moved = W - initial.weights[layer - 1]
    centered_nfm, centered_agop = moved.T @ moved, _agop(moved, J)
    ratio = float(np.sum(centered_nfm * centered_agop) / np.sum(nfm * agop))
    return LayerMeasures(layer, nfc, correlation(centered_nfm, centered_agop, kind), ratio)


def velocity_cnfc(net: MLP, X: np.ndarray, y: np.ndarray, layer: int = 1, *, kind: str = "cosine",
                  residual: bool = False) -> float:
    """The early-time C-NFC of a layer at initialization: ``rho(Wdot^T Wdot, Wdot^T K Wdot)`` (eq. (5)).

    One forward and one backward pass: ``Wdot = J^T L X_{l-1}`` and ``Wdot^T K Wdot = (J Wdot)^T (J Wdot)``.
    """
    forward = net.forward(X)
    y = np.asarray(y, dtype=float)
    if y.shape != forward.outputs.shape:
        raise DataError(f"need y of shape {forward.outputs.shape}, got {y.shape}")
    J = net.backward(X, forward)[net.check_layer(layer) - 1]
    weights = y - forward.outputs if residual else y
    velocity = J.T @ (weights[:, None] * forward.post[layer - 1])
    return correlation(velocity.T @ velocity, _agop(velocity, J), kind)
