"""The first-order deep C-NFC prediction: the PTK replaced by its expectation over the initialization.

At initialization and zero outputs (``L = Y = diag(y)``), the early-time C-NFC of layer l is eq. (6) of the
paper (arXiv:2402.05271) with the layer's inputs ``X_{l-1}`` in place of X:

    ``rho(A, B)``,  ``A = X_{l-1}^T Y PTK Y X_{l-1}``,  ``B = X_{l-1}^T Y PTK^2 Y X_{l-1}``.

**The form used: plain substitution.** ``PTK`` (and, for l > 1, ``X_{l-1} X_{l-1}^T``) is replaced by its
infinite-width expectation (:func:`~.kernels.expected_kernels`) inside the correlation,
``rho(X^T Y E[PTK] Y X, X^T Y E[PTK]^2 Y X)``, not by the mean term of eq. (7), which needs
``E[PTK^2] != E[PTK]^2``. Why: at fixed n and d, ``PTK`` concentrates at its mean as the widths grow
(its entries are averages over k units, with fluctuations O(k^-1/2)), and the correlation is a continuous
function of it, so the plain substitution is the exact ``k -> infinity`` limit of the observed C-NFC (the
NTK regime of Appendix D). The mean term of eq. (7) alone is not a limit of anything: its
``E[PTK^2] - E[PTK]^2`` is O(1/k), the same order as the covariance term it drops, and it still requires
Assumption 7 (expectation commuting with ratio and square root); the paper's "first-order approximation
in which K is replaced by its expectation" (Appendix D) is this substitution.

For l = 1 the d x d matrices are formed and both correlations (cosine, Pearson) are available; for l > 1,
with ``G = X_{l-1} X_{l-1}^T`` (n x n), the cosine's three traces are
``tr(AB) = tr(G Y P Y G Y P^2 Y)``, ``tr(A^2) = tr(G Y P Y G Y P Y)``, ``tr(B^2) = tr(G Y P^2 Y G Y P^2 Y)``.

>>> import numpy as np
>>> X = np.random.default_rng(0).standard_normal((6, 3)); y = X[:, 0] * X[:, 1]
>>> 0 < first_order_cnfc(X, y, 2, "relu") <= 1
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import DataError, ParameterError
from ..numeric.haar import stream
from ..quadratic.correlation import correlation_of_products
from .activations import Activation
from .kernels import expected_kernels
from .measures import CORRELATIONS, correlation, velocity_cnfc
from .mlp import sample_mlp

__all__ = [
    "SampledPTK",
    "first_order_cnfc",
    "gram_cosine",
    "observed_cnfc",
    "predicted_matrices",
    "sample_ptk",
]


def _check(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise DataError(f"need X of shape (n, d) and y of shape (n,), got {X.shape} and {y.shape}")
    return X, y


def predicted_matrices(X: np.ndarray, y: np.ndarray, ptk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(X^T Y P Y X, X^T Y P^2 Y X)`` for an n x n kernel P (first layer)."""
    X, y = _check(X, y)
    weighted = y[:, None] * X  # Y X
    pushed = ptk @ weighted  # P Y X
    return weighted.T @ pushed, pushed.T @ pushed


def first_order_cnfc(X: np.ndarray, y: np.ndarray, depth: int, name: str | Activation = "relu", *,
                     layer: int = 1, kind: str = "cosine", scales: float | Sequence[float] = 1.0) -> float:
    """The first-order prediction of the early-time C-NFC of one layer (module notes)."""
    X, y = _check(X, y)
    if kind not in CORRELATIONS:
        raise ParameterError(f"unknown correlation {kind!r}; choose cosine or pearson")
    if not 1 <= layer <= depth:
        raise ParameterError(f"layer must be in 1..{depth}, got {layer}")
    kernels = expected_kernels(X, depth, name, scales=scales)
    ptk = kernels.ptk[layer - 1]
    if layer == 1:
        return correlation(*predicted_matrices(X, y, ptk), kind)
    if kind != "cosine":
        raise ParameterError("beyond the first layer the prediction is for the cosine correlation only")
    return gram_cosine(kernels.input_gram[layer - 1], ptk, y)


def gram_cosine(gram: np.ndarray, ptk: np.ndarray, y: np.ndarray) -> float:
    """``rho(A, B)`` (cosine) from n x n matrices: ``G = X X^T`` of the layer's inputs and the PTK P."""
    once = (y[:, None] * ptk) * y[None, :]  # Y P Y
    twice = (y[:, None] * (ptk @ ptk)) * y[None, :]  # Y P^2 Y
    first, second = gram @ once, gram @ twice  # G Y P Y and G Y P^2 Y
    return correlation_of_products(
        float(np.sum(first * second.T)), float(np.sum(first * first.T)), float(np.sum(second * second.T)),
        overflow="the predicted traces overflow in float64; rescale X or y",
        zero="the prediction is undefined: a predicted matrix is zero; check y")


def observed_cnfc(X: np.ndarray, y: np.ndarray, widths: Sequence[int], name: str | Activation = "relu", *,
                  networks: int = 1, layer: int = 1, kind: str = "cosine",
                  scales: float | Sequence[float] = 1.0, seed: int | None = 0) -> np.ndarray:
    """The velocity C-NFC ``rho(Wdot^T Wdot, Wdot^T K Wdot)`` of ``networks`` independently sampled MLPs."""
    X, y = _check(X, y)
    if networks < 1:
        raise ParameterError("need at least one network")
    rng = stream(seed, "network")
    return np.array([velocity_cnfc(sample_mlp(X.shape[1], widths, name, scales=scales, seed=rng), X, y, layer,
                                   kind=kind) for _ in range(networks)])


@dataclass(frozen=True, eq=False)
class SampledPTK:
    """Monte Carlo mean of the PTK ``J_l J_l^T`` over sampled networks and its standard error, entrywise."""

    mean: np.ndarray
    stderr: np.ndarray
    networks: int


def sample_ptk(X: np.ndarray, widths: Sequence[int], name: str | Activation = "relu", *, layer: int = 1,
               networks: int = 100, scales: float | Sequence[float] = 1.0, readout_scale: float = 1.0,
               seed: int | None = 0) -> SampledPTK:
    """``E[PTK_l]`` by Monte Carlo over ``networks`` MLPs drawn as in :func:`~.mlp.sample_mlp`."""
    X = np.asarray(X, dtype=float)
    if networks < 2:
        raise ParameterError("need at least two networks for a standard error")
    rng = stream(seed, "network")
    samples = []
    for _ in range(networks):
        net = sample_mlp(X.shape[1], widths, name, scales=scales, readout_scale=readout_scale, seed=rng)
        J = net.ptk_features(X, layer)
        samples.append(J @ J.T)
    samples = np.array(samples)
    return SampledPTK(samples.mean(axis=0), samples.std(axis=0, ddof=1) / np.sqrt(networks), networks)
