"""The data set value shared by every generator, and validation of user data.

Every generator returns a :class:`Dataset` (X of shape n x d, labels y of shape n) and is deterministic
given its seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import DataError, ParameterError

__all__ = ["Dataset", "validate_data", "check_sizes"]


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


def validate_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    """X as an (n, d) float array and y as an (n,) float array, both finite; else a one-line DataError."""
    try:
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as problem:
        raise DataError(f"X and y must be numeric arrays: {problem}") from None
    if X.ndim != 2 or X.size == 0:
        raise DataError(f"X must be a non-empty (n, d) array, got shape {X.shape}")
    if y.shape != (X.shape[0],):
        raise DataError(f"y must have shape ({X.shape[0]},) to match X {X.shape}, got {y.shape}")
    if not np.all(np.isfinite(X)):
        raise DataError("X has non-finite values (nan or inf)")
    if not np.all(np.isfinite(y)):
        raise DataError("y has non-finite values (nan or inf)")
    if not np.any(X):
        raise DataError("X is all zero: the weight velocity vanishes and the C-NFC is undefined")
    if not np.any(y):
        raise DataError("y is all zero: the weight velocity J^T diag(y) X vanishes; the C-NFC is undefined")
    return X, y


def check_sizes(n: int, d: int) -> None:
    """A one-line ParameterError unless both sizes are positive."""
    if n < 1 or d < 1:
        raise ParameterError(f"sizes must be positive, got n = {n}, d = {d}")
