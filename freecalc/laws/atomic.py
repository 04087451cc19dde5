"""Purely atomic laws: Bernoulli laws, finite mixtures of point masses, and empirical spectral laws.

``mu = sum_i w_i delta_(x_i)`` has ``G(z) = sum_i w_i / (z - x_i)`` and moments ``sum_i w_i x_i^p``; it has
no density, only atoms. The empirical spectral law of a symmetric matrix M (size N) puts mass 1/N on each
eigenvalue; that of a data set X (n x d) is the law of the eigenvalues of the Gram ``X^T X / n``.
``Bernoulli(p)`` is ``(1 - p) delta_0 + p delta_1``, the law of a projection of normalized trace p.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..errors import MatrixError, ParameterError
from .base import Law

TERMS = 64  # terms of the Laurent series far from the atoms: 2^-64 of the first, below rounding

__all__ = ["Atomic", "bernoulli", "symmetric_bernoulli", "empirical", "empirical_of_data", "squared"]


@dataclass(frozen=True, eq=False)
class Atomic(Law):
    """``sum_i w_i delta_(x_i)`` with weights summing to 1.

    >>> law = Atomic(np.array([0.0, 1.0]), np.array([0.25, 0.75]))
    >>> law.moments(2).tolist(), complex(law.cauchy(1j)).imag
    ([0.75, 0.75], -0.625)
    """

    points: np.ndarray
    weights: np.ndarray
    label: str = "atomic"

    def __post_init__(self) -> None:
        points, weights = np.asarray(self.points, float).ravel(), np.asarray(self.weights, float).ravel()
        if points.shape != weights.shape or points.size == 0:
            raise ParameterError("an atomic law needs as many weights as points, at least one")
        if np.any(weights < 0) or abs(weights.sum() - 1) > 1e-9 or not np.all(np.isfinite(points)):
            raise ParameterError("the weights of an atomic law must be non-negative and sum to 1")
        object.__setattr__(self, "points", points)
        object.__setattr__(self, "weights", weights)

    @property
    def name(self) -> str:
        """Short description."""
        return self.label

    def _cauchy(self, z):
        return self.cauchy_pair(z)[0]

    def _cauchy_derivative(self, z):
        return self.cauchy_pair(z)[1]

    @cached_property
    def _expansion(self) -> tuple[float, float, np.ndarray]:
        """Center c, radius r >= max |x_i - c| and ``mu_k = sum_i w_i ((x_i - c) / r)^k``, k < TERMS."""
        center = float(self.points.min() + self.points.max()) / 2
        radius = float(np.max(np.abs(self.points - center))) or 1.0
        powers = np.vander((self.points - center) / radius, TERMS, increasing=True)  # (atoms, TERMS)
        return center, radius, self.weights @ powers

    def cauchy_pair(self, z) -> tuple[np.ndarray, np.ndarray]:
        """``G`` and ``G'``: ``sum_i w_i / (z - x_i)`` and ``-sum_i w_i / (z - x_i)^2``.

        Far from the atoms, ``|z - c| > 2 r``, by the Laurent series ``G(z) = sum_k mu_k t^k / (z - c)``,
        ``t = r / (z - c)``, ``|t| < 1/2`` (``TERMS`` terms: the remainder is below rounding); elsewhere
        directly, in real arithmetic (points by atoms: ``a = Re z - x_i``, ``q = 1 / (a^2 + (Im z)^2)``, then
        ``a q``, ``q``, their squares and product, each summed against the weights by a matrix-vector
        product; about three times faster than complex reciprocals).
        """
        z = np.asarray(z, dtype=complex)
        flat = z.ravel()
        g, dg = np.empty_like(flat), np.empty_like(flat)
        center, radius, mu = self._expansion
        far = np.abs(flat - center) > 2 * radius
        if far.any():
            inverse = 1 / (flat[far] - center)
            powers = (radius * inverse)[:, None] ** np.arange(TERMS)  # t^k
            g[far] = inverse * (powers @ mu)
            dg[far] = -inverse**2 * (powers @ (mu * np.arange(1, TERMS + 1)))
        near = ~far
        if near.any():  # 1/(z - x) = (a - i b) q, a = Re z - x, b = Im z, q = 1/(a^2 + b^2)
            b = flat[near].imag
            p = flat[near].real[:, None] - self.points[None, :]  # a, then a q
            q = p * p
            q += (b * b)[:, None]
            np.reciprocal(q, out=q)
            p *= q
            w = self.weights
            pq = (p * q) @ w
            g[near] = p @ w - 1j * b * (q @ w)
            np.multiply(p, p, out=p)
            np.multiply(q, q, out=q)
            # 1/(z - x)^2 = (a^2 - b^2 - 2 i a b) q^2 = (a q)^2 - b^2 q^2 - 2 i b (a q) q
            dg[near] = -(p @ w - b * b * (q @ w)) + 2j * b * pq
        return g.reshape(z.shape), dg.reshape(z.shape)

    def moments(self, n: int) -> np.ndarray:
        """``sum_i w_i x_i^p``."""
        return np.array([float(np.dot(self.weights, self.points**p)) for p in range(1, n + 1)])

    def atoms(self) -> tuple[tuple[float, float], ...]:
        """Every point with positive weight, equal points merged."""
        values, index = np.unique(self.points, return_inverse=True)
        masses = np.bincount(index, weights=self.weights)
        return tuple((float(v), float(m)) for v, m in zip(values, masses, strict=True) if m > 0)

    def bounds(self) -> tuple[float, float]:
        """The smallest and largest point."""
        return float(self.points.min()), float(self.points.max())

    def density(self, x) -> np.ndarray:
        """Zero: the law has no absolutely continuous part."""
        return np.zeros(np.shape(x))

    def support(self) -> tuple[tuple[float, float], ...]:
        """No intervals (the atoms are the support)."""
        return ()

    def _sorted(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.points, kind="stable")
        return self.points[order], np.cumsum(self.weights[order])

    def cdf(self, x) -> np.ndarray:
        """``sum of w_i over x_i <= x``."""
        points, cumulative = self._sorted()
        index = np.searchsorted(points, np.asarray(x, float), side="right")
        return np.concatenate([[0.0], cumulative])[index]

    def quantile(self, q) -> np.ndarray:
        """The smallest point whose cumulative weight reaches q."""
        points, cumulative = self._sorted()
        index = np.searchsorted(cumulative, np.asarray(q, float) - 1e-12, side="left")
        return points[np.minimum(index, points.size - 1)]


def bernoulli(p: float) -> Atomic:
    """``(1 - p) delta_0 + p delta_1``: the law of a projection of trace p.

    >>> bernoulli(0.3).atoms()
    ((0.0, 0.7), (1.0, 0.3))
    """
    if not 0 < p < 1:
        raise ParameterError("the Bernoulli parameter must lie in (0, 1)")
    return Atomic(np.array([0.0, 1.0]), np.array([1 - p, p]), f"bernoulli({p:g})")


def symmetric_bernoulli() -> Atomic:
    """``(delta_(-1) + delta_1) / 2``: the law of a symmetry; two free copies add to the arcsine law."""
    return Atomic(np.array([-1.0, 1.0]), np.array([0.5, 0.5]), "symmetric bernoulli")


def empirical(values, label: str = "empirical") -> Atomic:
    """The empirical law of the given eigenvalues, or of a symmetric matrix's eigenvalues.

    >>> empirical(np.diag([1.0, 2.0, 2.0, 3.0])).moments(1).tolist()
    [2.0]
    """
    values = np.asarray(values, dtype=float)
    if values.ndim == 2:
        if values.shape[0] != values.shape[1] or not np.allclose(values, values.T, atol=1e-10 * (
                1 + np.abs(values).max())):
            raise MatrixError("the empirical spectral law needs a square symmetric matrix (or eigenvalues)")
        values = np.linalg.eigvalsh(values)
    values = values.ravel()
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise MatrixError("the empirical law needs finite values, at least one")
    return Atomic(values, np.full(values.size, 1.0 / values.size), label)


def empirical_of_data(data) -> Atomic:
    """The empirical law of the eigenvalues of ``X^T X / n`` for a data set X (n x d)."""
    x = np.asarray(data, dtype=float)
    if x.ndim != 2:
        raise MatrixError("a data set is a 2-D array (n samples x d features)")
    return empirical(np.linalg.eigvalsh(x.T @ x / x.shape[0]), "empirical data Gram")


def squared(law: Atomic) -> Atomic:
    """The law of ``C^2`` for C with an atomic law: the points squared, same weights.

    ``C R C`` has the eigenvalues of ``R^(1/2) C^2 R^(1/2)`` (``XY`` and ``YX`` share their spectrum), so
    its law is the free product of the laws of ``C^2`` and R (:func:`freecalc.laws.specs.law_of_expression`).

    >>> squared(empirical([-2.0, 1.0])).points.tolist()
    [4.0, 1.0]
    """
    return Atomic(law.points**2, law.weights, f"({law.name})^2")
