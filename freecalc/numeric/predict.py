"""Closed-form C-NFC predictions evaluated on data (see :mod:`freecalc.cnfc`).

Data letters are evaluated on ``C = X^T Y X``, ``B = X^T X`` (d x d, formed once) and ``P = 1 1^T / d``;
no n x n matrix is formed. Moments of R come three ways: ``analytic`` (the compound free Poisson limit,
:func:`freecalc.laws.network_r_moments`), ``empirical`` (one sampled network) or ``average:S`` (the mean of
tr(R^p) over S sampled networks, the paper's way).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..atoms import trace_atom
from ..cnfc import CNFC_TRACES, cnfc_closed_forms, correlation_from_traces
from ..errors import DataError, ParameterError
from ..freeness import sympy_to_poly
from ..laws import network_r_moments
from .evaluate import MatrixTraces, evaluate_poly
from .haar import as_generator

__all__ = ["Prediction", "data_matrices", "r_moments", "predict"]

R_ORDER = 4  # the C-NFC words contain R at most to the 4th power (eq. (26))


@dataclass(frozen=True)
class Prediction:
    """A closed-form C-NFC prediction and the traces it is made of."""

    predicted: float
    kind: str
    traces: dict
    r_moments: tuple
    r_source: str


def data_matrices(X: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """``C = X^T diag(y) X``, ``B = X^T X`` and ``P = 1 1^T / d``."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0] or X.size == 0:
        raise DataError(f"need X of shape (n, d) and y of shape (n,), got {X.shape} and {y.shape}")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise DataError("X or y has non-finite values")
    d = X.shape[1]
    return {"C": X.T @ (y[:, None] * X), "B": X.T @ X, "P": np.full((d, d), 1.0 / d)}


def _sampled_r_moments(d: int, k: int, a_law: str, rng: np.random.Generator, order: int) -> np.ndarray:
    W = rng.standard_normal((k, d)) / np.sqrt(k)
    if a_law == "gaussian":
        a = rng.standard_normal(k)
    elif a_law == "rademacher":
        a = rng.choice([-1.0, 1.0], k)
    elif a_law == "uniform":
        a = rng.uniform(-np.sqrt(3), np.sqrt(3), k)
    else:
        raise ParameterError(f"unknown law of a {a_law!r}")
    # the non-zero spectrum of W^T diag(a^2) W is that of the k x k matrix diag(a) W W^T diag(a)
    small = (a[:, None] * W) @ (W.T * a[None, :])
    eigenvalues = np.linalg.eigvalsh(small)
    return np.array([np.sum(eigenvalues**p) / d for p in range(1, order + 1)])


def r_moments(source: str, d: int, k: int, *, a_law: str = "gaussian", seed=None,
              order: int = R_ORDER) -> np.ndarray:
    """Moments tr(R^p), p = 1..order, from ``analytic``, ``empirical`` or ``average:S``."""
    if d < 1 or k < 1:
        raise ParameterError("sizes must be positive")
    if source == "analytic":
        return np.array([float(m) for m in network_r_moments(order, d / k, a_law)])
    rng = as_generator(seed)
    if source == "empirical":
        return _sampled_r_moments(d, k, a_law, rng, order)
    if source.startswith("average:"):
        try:
            count = int(source.split(":", 1)[1])
        except ValueError:
            raise ParameterError(f"bad R-moment source {source!r}; use average:S with an integer S") from None
        if count < 1:
            raise ParameterError("average:S needs S >= 1")
        return np.mean([_sampled_r_moments(d, k, a_law, rng, order) for _ in range(count)], axis=0)
    raise ParameterError(f"unknown R-moment source {source!r}; use analytic, empirical or average:S")


def predict(X: np.ndarray, y: np.ndarray, *, k: int, r_source: str = "analytic", a_law: str = "gaussian",
            seed=None, kind: str = "cosine", moments: np.ndarray | None = None) -> Prediction:
    """Closed-form C-NFC ``rho(Wdot^T Wdot, Wdot^T K Wdot)`` on data (X, y) for width k."""
    if kind not in ("cosine", "pearson"):
        raise ParameterError("correlation must be cosine or pearson")
    mats = data_matrices(X, y)
    d = X.shape[1]
    rm = r_moments(r_source, d, k, a_law=a_law, seed=seed) if moments is None else np.asarray(moments)
    data = MatrixTraces(mats)
    r_values = {trace_atom(("R",) * p): float(rm[p - 1]) for p in range(1, len(rm) + 1)}

    def value(ident: int) -> float:
        return r_values[ident] if ident in r_values else data.value(ident)

    names = list(CNFC_TRACES) if kind == "pearson" else ["numerator", "nfm_square", "agop_square"]
    forms = cnfc_closed_forms()
    traces = {name: evaluate_poly(sympy_to_poly(forms[name]), value) for name in names}
    return Prediction(correlation_from_traces(traces, kind, d), kind, traces, tuple(rm), r_source)
