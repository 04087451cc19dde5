"""Gaussian data sets (paper arXiv:2402.05271, Appendix D): isotropic and power-law rows, and their labels.

**Gaussian data** (paper, Appendix D): rows ``N(0, Sigma)`` with ``Sigma = I`` (isotropic) or
``Sigma = Q diag(lambda_j) Q^T``, ``lambda_j = 1 / (1 + j^alpha)``, j = 1..d, ``Q`` Haar (power law).
Labels: ``chain`` (the chain monomial of eq. (2), ``y = sum_{j=1}^r x_j x_{j+1}`` with ``x_{r+1} = x_1``),
``quadratic`` (``y = sum_i (Q x)_i^2`` with Q standard normal, Appendix D, "Predictions with depth") or
``noise`` (``y ~ N(0, 1)``).
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..numeric.haar import haar_orthogonal, stream
from .base import Dataset, check_sizes

__all__ = ["LABELS", "chain_monomial_labels", "gaussian_dataset"]

LABELS = ("chain", "quadratic", "noise")


def chain_monomial_labels(X: np.ndarray, rank: int = 5) -> np.ndarray:
    """``y = sum_{j=1}^r x_j x_{j+1}`` with ``x_{r+1} = x_1`` (paper, eq. (2))."""
    if not 2 <= rank <= X.shape[1]:
        raise ParameterError(f"the chain rank must be in [2, d = {X.shape[1]}], got {rank}")
    head = X[:, :rank]
    return np.sum(head * np.roll(head, -1, axis=1), axis=1)


def gaussian_dataset(n: int = 1024, d: int = 1024, *, alpha: float | None = None, labels: str = "chain",
                     rank: int = 5, seed: int | np.random.Generator | None = 0) -> Dataset:
    """Rows ``N(0, I)`` (``alpha=None``) or ``N(0, Q diag(1 / (1 + j^alpha)) Q^T)``, Q Haar (Appendix D)."""
    check_sizes(n, d)
    if labels not in LABELS:
        raise ParameterError(f"unknown labels {labels!r}; choose one of {', '.join(LABELS)}")
    rng = stream(seed, "data")
    X = rng.standard_normal((n, d))
    params: dict = {"n": n, "d": d, "labels": labels}
    name = "isotropic"
    if alpha is not None:
        if not (np.isfinite(alpha) and alpha >= 0):
            raise ParameterError(f"the decay rate alpha must be non-negative, got {alpha}")
        spectrum = 1.0 / (1.0 + np.arange(1, d + 1, dtype=float) ** alpha)
        X = (X * np.sqrt(spectrum)[None, :]) @ haar_orthogonal(d, rng).T
        params["alpha"] = alpha
        name = "power-law"
    if labels == "chain":
        y = chain_monomial_labels(X, rank)
        params["rank"] = rank
    elif labels == "quadratic":
        y = np.sum((X @ rng.standard_normal((d, d)).T) ** 2, axis=1) / d
    else:
        y = rng.standard_normal(n)
    return Dataset(X, y, name, params)
