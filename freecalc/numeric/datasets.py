"""Data sets for the C-NFC: the alignment-reversing data of the paper's Appendix F, Gaussian data, and .npz.

Every generator returns a :class:`Dataset` (X of shape n x d, labels y of shape n) and is deterministic
given its seed.

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

**Gaussian data** (paper, Appendix D): rows ``N(0, Sigma)`` with ``Sigma = I`` (isotropic) or
``Sigma = Q diag(lambda_j) Q^T``, ``lambda_j = 1 / (1 + j^alpha)``, j = 1..d, ``Q`` Haar (power law).
Labels: ``chain`` (the chain monomial of eq. (2), ``y = sum_{j=1}^r x_j x_{j+1}`` with ``x_{r+1} = x_1``),
``quadratic`` (``y = sum_i (Q x)_i^2`` with Q standard normal, Appendix D, "Predictions with depth") or
``noise`` (``y ~ N(0, 1)``).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import DataError, ParameterError
from .haar import haar_orthogonal, stream

__all__ = [
    "Dataset",
    "DATASETS",
    "LABELS",
    "alignment_reversing",
    "gaussian_dataset",
    "chain_monomial_labels",
    "make_dataset",
    "load_npz",
    "save_npz",
    "validate_data",
]

LABELS = ("chain", "quadratic", "noise")


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


def _check_sizes(n: int, d: int) -> None:
    if n < 1 or d < 1:
        raise ParameterError(f"sizes must be positive, got n = {n}, d = {d}")


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
    _check_sizes(n, d)
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


def chain_monomial_labels(X: np.ndarray, rank: int = 5) -> np.ndarray:
    """``y = sum_{j=1}^r x_j x_{j+1}`` with ``x_{r+1} = x_1`` (paper, eq. (2))."""
    if not 2 <= rank <= X.shape[1]:
        raise ParameterError(f"the chain rank must be in [2, d = {X.shape[1]}], got {rank}")
    head = X[:, :rank]
    return np.sum(head * np.roll(head, -1, axis=1), axis=1)


def gaussian_dataset(n: int = 1024, d: int = 1024, *, alpha: float | None = None, labels: str = "chain",
                     rank: int = 5, seed: int | np.random.Generator | None = 0) -> Dataset:
    """Rows ``N(0, I)`` (``alpha=None``) or ``N(0, Q diag(1 / (1 + j^alpha)) Q^T)``, Q Haar (Appendix D)."""
    _check_sizes(n, d)
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


DATASETS = ("alignment-reversing", "isotropic", "power-law", "chain-monomial")


def make_dataset(name: str, *, n: int, d: int, seed=0, balance: float = 0.3, alpha: float = 1.0,
                 labels: str = "chain", rank: int = 5, **options) -> Dataset:
    """A data set by name.

    ``alignment-reversing`` (balance, options of :func:`alignment_reversing`), ``isotropic`` and
    ``power-law`` (alpha) with ``labels``, ``chain-monomial`` (isotropic rows, labels of eq. (2)).
    """
    if name == "alignment-reversing":
        return alignment_reversing(n, d, balance, seed=seed, **options)
    if options:
        raise ParameterError(f"options {sorted(options)} apply only to alignment-reversing")
    if name == "isotropic":
        return gaussian_dataset(n, d, labels=labels, rank=rank, seed=seed)
    if name == "power-law":
        return gaussian_dataset(n, d, alpha=alpha, labels=labels, rank=rank, seed=seed)
    if name == "chain-monomial":
        data = gaussian_dataset(n, d, labels="chain", rank=rank, seed=seed)
        return Dataset(data.X, data.y, name, data.params)
    raise ParameterError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")


def load_npz(path: str | Path) -> Dataset:
    """Arrays ``X`` (n x d) and ``y`` (n) from an .npz file, validated."""
    file = Path(path)
    if not file.is_file():
        raise DataError(f"no such file: {path}")
    try:
        with np.load(file, allow_pickle=False) as archive:
            missing = [key for key in ("X", "y") if key not in archive.files]
            if missing:
                raise DataError(f"{path} has no array {missing[0]!r} (need X (n x d) and y (n))")
            X, y = archive["X"], archive["y"]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as problem:
        raise DataError(f"cannot read {path} as .npz: {problem}") from None
    X, y = validate_data(X, y)
    return Dataset(X, y, file.name, {"path": str(file)})


def save_npz(data: Dataset, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``X`` and ``y`` to an .npz file; an existing file is kept unless ``overwrite``."""
    file = Path(path)
    if file.exists() and not overwrite:
        raise DataError(f"{path} exists; pass overwrite to replace it")
    np.savez(file, X=data.X, y=data.y)
    return file
