"""Weighted Gram matrices ``X^T diag(w) X`` and ``X^T X``, by symmetric products of row groups.

Both are sums of ``w_i x_i x_i^T`` over the rows of X. Weights with few distinct values v (class labels,
signs) group the rows: with ``G_v = X_v^T X_v``, ``X^T X = sum_v G_v`` and ``X^T diag(w) X = sum_v v G_v``,
one pass of ``n d^2 / 2`` multiply-adds for both, against ``3 n d^2 / 2`` for ``X^T X`` and ``X^T (w X)`` as
two products. Other weights use ``X^T diag(w) X = A_+^T A_+ - A_-^T A_-`` with ``A_+-`` the rows of each sign
scaled by ``sqrt(|w|)``. Every ``A^T A`` is a symmetric rank-k update (BLAS ``?syrk``, which numpy's
``matmul`` calls for ``A.T @ A``; Golub & Van Loan, *Matrix Computations*, 4th ed., section 1.5.7).

X is read in blocks of consecutive rows (views, no copy of X; a memory-mapped X is read once, in order);
the rows of each group within a block (at most ``GRAM_BLOCK_BYTES``, :mod:`freecalc.numeric.resources`) are
gathered (``np.take``) and their Gram is added to the sums. The Grams are in X's float type: a float32 X
gives float32 Grams, whose products carry single precision anyway; whoever takes traces of them sums in
float64 (:func:`freecalc.numeric.evaluate.paired_sum`).
"""

from __future__ import annotations

import numpy as np

from ..datasets.base import as_float_array
from ..numeric.resources import GRAM_BLOCK_BYTES, block_rows

__all__ = ["GRAM_GROUPS", "data_grams"]

GRAM_GROUPS = 16  # weights with at most this many distinct values are summed by groups



def data_grams(X: np.ndarray, weights: np.ndarray, *,
               plain: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """``X^T diag(w) X`` and (with ``plain``) ``X^T X``, in X's float type, by groups of rows (module notes).

    Args:
        X: (n, d) float32 or float64 array (any other type becomes float64); float32 runs in single
            precision.
        weights: (n,) weights ``w`` (the labels y, or the residuals ``y - f(X)``).
        plain: also return ``X^T X`` (else None in its place).

    Returns:
        ``(X^T diag(w) X, X^T X or None)`` as (d, d) arrays of X's float type.

    >>> X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    >>> C, B = data_grams(X, np.array([1.0, -1.0, 1.0]))
    >>> C.tolist(), B.tolist()
    ([[2.0, 1.0], [1.0, -3.0]], [[2.0, 1.0], [1.0, 5.0]])
    """
    X = as_float_array(X)
    weights = np.asarray(weights, dtype=float).reshape(-1)
    d = X.shape[1]
    values, groups = np.unique(weights, return_inverse=True)
    groups = groups.reshape(-1)
    if len(values) <= GRAM_GROUPS:  # G_v for each value v: sum_v v G_v and sum_v G_v
        coefficients = values
        scale = None
    else:  # sqrt(|w|) x_i on the rows of each sign: A_+^T A_+ - A_-^T A_-, and the plain Gram apart
        coefficients = np.array([-1.0, 0.0, 1.0])
        groups = np.sign(weights).astype(np.intp) + 1
        scale = np.sqrt(np.abs(weights))
    weighted = np.zeros((d, d), dtype=X.dtype)
    total = np.zeros((d, d), dtype=X.dtype) if plain else None
    by_groups = plain and scale is None  # the plain Gram as the sum of the groups' Grams
    # the groups whose Grams enter a sum; a Python float keeps a float32 Gram in float32
    wanted = [(index, float(value)) for index, value in enumerate(coefficients) if value or by_groups]
    gram = np.empty((d, d), dtype=X.dtype)  # one block's product, added to the sums
    rows = block_rows(d, X.dtype.itemsize, GRAM_BLOCK_BYTES)
    for start in range(0, len(X), rows):
        block, labels = X[start:start + rows], groups[start:start + rows]
        if plain and not by_groups:
            total += np.matmul(block.T, block, out=gram)
        for index, value in wanted:
            chosen = np.flatnonzero(labels == index)
            if len(chosen) == 0:
                continue
            part = np.take(block, chosen, axis=0)
            if scale is not None:
                part *= scale[start + chosen, None].astype(part.dtype)
            np.matmul(part.T, part, out=gram)
            if by_groups:
                total += gram
            if value == 1:
                weighted += gram
            elif value:
                weighted += np.multiply(gram, value, out=gram)
    return weighted, total
