"""The data set value shared by every generator, and validation of user data.

Every generator returns a :class:`Dataset` (X of shape n x d, labels y of shape n) and is deterministic
given its seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import DataError, ParameterError

__all__ = ["Dataset", "FLOAT_TYPES", "as_float_array", "validate_data", "check_sizes"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs ``X`` (n x d), labels ``y`` (n), and the parameters that made them."""

    X: np.ndarray
    y: np.ndarray
    name: str = "data"
    params: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of samples."""
        return self.X.shape[0]

    @property
    def d(self) -> int:
        """Input dimension."""
        return self.X.shape[1]


FLOAT_TYPES = (np.dtype(np.float32), np.dtype(np.float64))  # kept as they are; anything else -> float64


def as_float_array(values, name: str = "X") -> np.ndarray:
    """``values`` as a native float32 or float64 array, without a copy when it already is one.

    float32 stays float32 (its products run in single precision, see
    :func:`freecalc.quadratic.grams.data_grams`); every other type (integers, float16, big-endian, lists)
    becomes float64. A one-line DataError when the values are complex or not numeric.
    """
    try:
        array = np.asarray(values)
        if np.iscomplexobj(array):
            raise DataError(f"{name} is complex; freecalc needs real data")
        if array.dtype not in FLOAT_TYPES:  # dtype equality includes the byte order
            array = np.asarray(array, dtype=float)
    except (TypeError, ValueError) as problem:
        raise DataError(f"{name} must be a numeric array: {problem}") from None
    return array


def _finite_and_nonzero(X: np.ndarray) -> tuple[bool, bool]:
    """Whether every entry of X is finite, and whether one is non-zero, in one pass when possible.

    A sum is finite only if every term is (IEEE 754 keeps inf and nan through additions), so a finite,
    non-zero sum settles both questions with one read of X and no n x d temporary; an overflowing or zero
    sum falls back to the entrywise checks.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = X.sum()
    if np.isfinite(total) and total != 0:
        return True, True
    return bool(np.all(np.isfinite(X))), bool(np.any(X))


def validate_data(X, y, *, values: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """X as an (n, d) float array and y as an (n,) float64 array, both finite; else a one-line DataError.

    X keeps its type if it is float32 or float64 (no copy: a 600 MB float32 array is not turned into 1.2 GB
    of float64) and becomes float64 otherwise. With ``values=False`` only X's shape is checked, for callers
    that check its values more cheaply afterwards (:func:`freecalc.quadratic.predict.data_matrices` reads
    them off ``X^T X``); y is always checked in full.
    """
    X = as_float_array(X, "X")
    y = as_float_array(y, "y").astype(float, copy=False)
    if X.ndim != 2 or X.size == 0:
        raise DataError(f"X must be a non-empty (n, d) array, got shape {X.shape}")
    if y.shape != (X.shape[0],):
        raise DataError(f"y must have shape ({X.shape[0]},) to match X {X.shape}, got {y.shape}")
    finite, nonzero = _finite_and_nonzero(X) if values else (True, True)
    if not finite:
        raise DataError("X has non-finite values (nan or inf)")
    if not np.all(np.isfinite(y)):
        raise DataError("y has non-finite values (nan or inf)")
    if not nonzero:
        raise DataError("X is all zero: the weight velocity vanishes and the C-NFC is undefined")
    if not np.any(y):
        raise DataError("y is all zero: the weight velocity J^T diag(y) X vanishes; the C-NFC is undefined")
    return X, y


def check_sizes(n: int, d: int) -> None:
    """A one-line ParameterError unless both sizes are positive."""
    if n < 1 or d < 1:
        raise ParameterError(f"sizes must be positive, got n = {n}, d = {d}")
