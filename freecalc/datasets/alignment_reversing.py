"""The alignment-reversing data of the paper (arXiv:2402.05271, Section 4.2 and Appendix F), made well posed.

**Alignment reversing** (paper, Section 4.2 "Dataset construction" and Appendix F). A fraction ``gamma``
of the rows, ``X1``, have label 1 and are Gaussian with covariance ``Sigma = 1 1^T + eps1 I``; the rest,
``X2``, have label 0 and are built so that ``X2^T X2 = (X1^T X1)^(-2)``, from the singular values ``S1``
and vectors ``U1`` of ``X1^T X1`` and the left singular vectors ``V2`` of a fresh sample:
``X2 = V2 S1^(-1) U1^T``; then ``X <- X + eps2 Z`` and ``y <- y + 1e-5``. As printed this is not well
posed at n = d = 1024:

1. the spike ``1 1^T`` has eigenvalue d, so ``X1^T X1`` has one eigenvalue ~ gamma n d and the rest
   ~ gamma n eps1; every matrix of the C-NFC is dominated by that one direction, the correlation is about 1
   for every gamma, and a rank-one spike is not free from anything, so no free-probability prediction can
   follow it;
2. ``X1^T X1`` has rank ``min(gamma n, d) < d`` and ``S1^(-1)`` does not exist, and ``V2`` has only
   ``n - gamma n`` columns, so ``V2 S1^(-1) U1^T`` does not even have matching shapes;
3. ``X2`` has singular values ``1 / S1 ~ 1 / (gamma n)`` while the noise ``eps2 Z`` has entries 1e-2, so
   the noise, not the construction, is X2.

The well-posed construction used here (``literal=False``, the default) changes exactly these points:

1. ``Sigma = eps1 I + spike 1 1^T / d`` (default spike 1): the spike has eigenvalue ``eps1 + spike``, of the
   order of the bulk; rows are divided by ``sqrt(n)`` so that ``X1^T X1`` has spectrum of order ``eps1``;
2. the inverse is taken on the rank the two subsets share, ``r = min(rank X1, n - gamma n)``: with
   ``X1^T X1 = U diag(s^2) U^T`` (SVD of X1) and ``r`` of its non-zero eigen-pairs,
   ``X2 = V2 diag(1 / (s_j^2 + ridge)) U_r^T`` so that ``X2^T X2 = U_r diag((s_j^2 + ridge)^(-2)) U_r^T``.
   By default the r *smallest* non-zero eigenvalues are used (``invert="smallest"``): this is the best
   rank-r approximation of ``(X1^T X1 + ridge)^(-2)`` on the range of X1, i.e. as close to the paper's
   ``(X1^T X1)^(-2)`` as r rows allow; ``invert="largest"`` takes the other end;
3. the ridge (default 0.05 = eps1 / 10) keeps ``(s^2 + ridge)^(-2)`` bounded near the hard edge of the
   Marchenko-Pastur law, where gamma n ~ d; the noise is ``eps2 Z / sqrt(n)``, on the scale of the rows.

At n = d = k = 1024 (data seed 0, network seed 0) the observed correlation then moves from 0.92
(gamma = 0.05) through 0.79 (gamma = 0.5) to 0.58 (gamma = 0.95), and is 0.93 at gamma = 1 (no second
subset); over the default sweep of 20 balances and 4 seeds it spans [0.563, 0.928].
``literal=True`` reproduces the printed
recipe as far as shapes allow (``spike = d``, rows not rescaled, no ridge, the r largest singular values,
noise ``eps2 Z``).
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..numeric.haar import stream
from .base import Dataset, check_sizes

__all__ = ["alignment_reversing"]


def _spiked_gaussian(rows: int, d: int, eps1: float, spike: float, rng: np.random.Generator) -> np.ndarray:
    """Rows ``N(0, eps1 I + spike u u^T)`` with ``u = 1 / sqrt(d)``, without forming Sigma."""
    Z = rng.standard_normal((rows, d))
    along = Z.mean(axis=1, keepdims=True)  # (z . u) u has entries mean(z)
    return np.sqrt(eps1) * Z + (np.sqrt(eps1 + spike) - np.sqrt(eps1)) * along


def _singular_pairs(M: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Non-zero squared singular values (decreasing), left and right singular vectors of ``M``.

    Computed from the eigendecomposition of the smaller Gram matrix (``M M^T`` or ``M^T M``); right
    vectors are returned as rows.
    """
    rows, cols = M.shape
    small = rows <= cols
    values, vectors = np.linalg.eigh(M @ M.T if small else M.T @ M)
    values, vectors = values[::-1], vectors[:, ::-1]
    keep = values > values[0] * max(rows, cols) * np.finfo(float).eps * 10
    values, vectors = values[keep], vectors[:, keep]
    scale = np.sqrt(values)
    if small:
        return values, vectors, (M.T @ vectors / scale[None, :]).T
    return values, M @ vectors / scale[None, :], vectors.T


def alignment_reversing(n: int = 1024, d: int = 1024, balance: float = 0.3, *, eps1: float = 0.5,
                        eps2: float = 1e-2, spike: float = 1.0, ridge: float = 0.05,
                        invert: str = "smallest", label_offset: float = 1e-5, literal: bool = False,
                        seed: int | np.random.Generator | None = 0) -> Dataset:
    """The alignment-reversing data set (paper, Appendix F), made well posed (see the module docstring).

    ``balance`` is the paper's gamma in (0, 1], the fraction of label-1 rows.
    """
    check_sizes(n, d)
    if not 0 < balance <= 1:
        raise ParameterError(f"the balance gamma must be in (0, 1], got {balance}")
    for name, value in (("eps1", eps1), ("spike", spike)):
        if not (np.isfinite(value) and value >= 0) or (name == "eps1" and value == 0):
            raise ParameterError(f"{name} must be {'positive' if name == 'eps1' else 'non-negative'}")
    if not (np.isfinite(eps2) and eps2 >= 0 and np.isfinite(ridge) and ridge >= 0):
        raise ParameterError("eps2 and ridge must be non-negative")
    if invert not in ("smallest", "largest"):
        raise ParameterError(f"invert must be smallest or largest, got {invert!r}")
    if literal:
        spike, ridge, invert, row_scale = float(d), 0.0, "largest", 1.0
    else:
        row_scale = 1.0 / np.sqrt(n)
    rng = stream(seed, "data")
    n1 = min(n, max(1, round(balance * n)))
    n2 = n - n1
    X1 = _spiked_gaussian(n1, d, eps1, spike, rng) * row_scale
    eigen, _, right = _singular_pairs(X1)  # X1^T X1 = right^T diag(eigen) right, eigen decreasing
    rank = eigen.size
    shared = min(rank, n2)
    blocks = [X1]
    if shared > 0:
        chosen = slice(rank - shared, rank) if invert == "smallest" else slice(0, shared)
        fresh = _spiked_gaussian(n2, d, eps1, spike, rng) * row_scale
        left = _singular_pairs(fresh)[1][:, :shared]  # V2: n2 x r, orthonormal columns
        X2 = (left / (eigen[chosen] + ridge)[None, :]) @ right[chosen]
        blocks.append(X2)
    elif n2 > 0:
        blocks.append(np.zeros((n2, d)))
    X = np.vstack(blocks)
    X = X + eps2 * row_scale * rng.standard_normal(X.shape)
    y = np.concatenate([np.ones(n1), np.zeros(n2)]) + label_offset
    params = {"n": n, "d": d, "balance": balance, "eps1": eps1, "eps2": eps2, "spike": spike, "ridge": ridge,
              "invert": invert, "label_offset": label_offset, "literal": literal, "shared_rank": shared}
    return Dataset(X, y, "alignment-reversing", params)
