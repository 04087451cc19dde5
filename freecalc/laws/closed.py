"""Laws with closed forms: semicircle, free Poisson (Marchenko-Pastur), arcsine.

* ``Semicircle(variance s, mean m)``: ``kappa_2 = s``, ``G(z) = (z - m - sqrt((z - m)^2 - 4 s)) / (2 s)``,
  density ``sqrt(4 s - (x - m)^2) / (2 pi s)`` on ``[m - 2 sqrt s, m + 2 sqrt s]`` (Nica & Speicher,
  Example 11.21 and Lecture 2; Mingo & Speicher, Section 3.1).
* ``FreePoisson(rate lam, jump alpha)``: ``kappa_p = lam alpha^p`` (Nica & Speicher, Proposition 12.11),
  ``alpha z G^2 - (z + alpha (1 - lam)) G + 1 = 0``, edges ``alpha (1 -+ sqrt lam)^2``, density
  ``sqrt((b - x)(x - a)) / (2 pi alpha x)`` and an atom ``1 - lam`` at 0 when ``lam < 1``. It is the law of
  ``(alpha/N) X X^T`` for X of size N x lam N with standard Gaussian entries (Marchenko & Pastur 1967).
  **freealg's convention**: ``freealg.distributions.MarchenkoPastur(lam, sigma)`` (aspect ratio
  ``lam = p/n``, mean ``sigma^2``, variance ``lam sigma^4``, density ``sqrt((b - x)(x - a)) / (2 pi lam
  sigma^2 x)``) is ``FreePoisson(rate=1/lam, jump=lam sigma^2)`` here: same edges ``sigma^2 (1 +- sqrt
  lam)^2``, same density.
* ``Arcsine(low, high)``: density ``1 / (pi sqrt((x - low)(high - x)))``,
  ``G(z) = 1/sqrt((z - low)(z - high))``;
  on ``[-2, 2]`` it is the free sum of two symmetric Bernoulli laws (Nica & Speicher, Example 12.8).

Square roots are written ``sqrt(z - a) sqrt(z - b)``, the branch that behaves like ``z`` at infinity and is
analytic off ``[a, b]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb, sqrt

import numpy as np

from ..errors import ParameterError
from .base import Law

__all__ = ["Semicircle", "FreePoisson", "Arcsine"]


def _root(z: np.ndarray, a: float, b: float) -> np.ndarray:
    """``sqrt(z - a) sqrt(z - b)``: analytic off [a, b], ``~ z`` at infinity."""
    return np.sqrt(z - a) * np.sqrt(z - b)


def _inside(x: np.ndarray, a: float, b: float) -> np.ndarray:
    return (x > a) & (x < b)


@dataclass(frozen=True)
class Semicircle(Law):
    """The semicircle law of the given variance and mean.

    >>> law = Semicircle()
    >>> law.moments(4).tolist(), law.support()
    ([0.0, 1.0, 0.0, 2.0], ((-2.0, 2.0),))
    >>> round(float(law.density(0.0)), 12) == round(1 / np.pi, 12)
    True
    """

    variance: float = 1.0
    center: float = 0.0

    def __post_init__(self) -> None:
        if not self.variance > 0:
            raise ParameterError("the semicircle's variance must be positive")

    @property
    def name(self) -> str:
        """Short description."""
        return f"semicircle(variance={self.variance:g}, mean={self.center:g})"

    def _edges(self) -> tuple[float, float]:
        radius = 2 * sqrt(self.variance)
        return self.center - radius, self.center + radius

    def _cauchy(self, z):
        a, b = self._edges()
        return (z - self.center - _root(z, a, b)) / (2 * self.variance)

    def _cauchy_derivative(self, z):
        a, b = self._edges()
        return (1 - (z - self.center) / _root(z, a, b)) / (2 * self.variance)

    def cumulants(self, n: int) -> np.ndarray:
        """``kappa_1 = mean``, ``kappa_2 = variance``, all others 0."""
        return np.array([self.center, self.variance, *[0.0] * max(n - 2, 0)])[:n]

    def bounds(self) -> tuple[float, float]:
        """The support."""
        return self._edges()

    def support(self) -> tuple[tuple[float, float], ...]:
        """``[m - 2 sqrt s, m + 2 sqrt s]``."""
        return (self._edges(),)

    def density(self, x) -> np.ndarray:
        """``sqrt(4 s - (x - m)^2) / (2 pi s)``."""
        x = np.asarray(x, dtype=float)
        inside = np.clip(4 * self.variance - (x - self.center) ** 2, 0, None)
        return np.sqrt(inside) / (2 * np.pi * self.variance)

    def sample(self, size: int, seed=None) -> np.ndarray:
        """GOE: ``m + sqrt(s) (X + X^T) / sqrt(2 N)``, X with i.i.d. standard Gaussian entries."""
        from ..numeric.haar import as_generator

        x = as_generator(seed).standard_normal((size, size))
        return self.center * np.eye(size) + sqrt(self.variance) * (x + x.T) / sqrt(2 * size)


@dataclass(frozen=True)
class FreePoisson(Law):
    """The free Poisson law of rate ``lam`` and jump size ``alpha`` (Marchenko-Pastur when alpha = 1).

    >>> law = FreePoisson(rate=0.5)
    >>> law.moments(3).tolist(), law.atoms()
    ([0.5, 0.75, 1.375], ((0.0, 0.5),))
    """

    rate: float = 1.0
    jump: float = 1.0

    def __post_init__(self) -> None:
        if not self.rate > 0 or self.jump == 0:
            raise ParameterError("the free Poisson law needs a positive rate and a non-zero jump")

    @property
    def name(self) -> str:
        """Short description."""
        return f"free Poisson(rate={self.rate:g}, jump={self.jump:g})"

    def _edges(self) -> tuple[float, float]:
        a, b = self.jump * (1 - sqrt(self.rate)) ** 2, self.jump * (1 + sqrt(self.rate)) ** 2
        return (a, b) if a < b else (b, a)

    def _cauchy(self, z):
        a, b = self._edges()
        alpha = self.jump
        return (z + alpha * (1 - self.rate) - _root(z, a, b)) / (2 * alpha * z)

    def _cauchy_derivative(self, z):
        a, b = self._edges()
        alpha = self.jump
        root = _root(z, a, b)
        numerator = z + alpha * (1 - self.rate) - root
        slope = 1 - (2 * z - a - b) / (2 * root)
        return (slope * z - numerator) / (2 * alpha * z**2)

    def cumulants(self, n: int) -> np.ndarray:
        """``kappa_p = lam alpha^p``."""
        return self.rate * self.jump ** np.arange(1, n + 1, dtype=float)

    def atoms(self) -> tuple[tuple[float, float], ...]:
        """``(0, 1 - lam)`` when ``lam < 1``."""
        return ((0.0, 1.0 - self.rate),) if self.rate < 1 else ()

    def bounds(self) -> tuple[float, float]:
        """The support's edges, with 0 when there is an atom there."""
        a, b = self._edges()
        return (min(a, 0.0), max(b, 0.0)) if self.rate < 1 else (a, b)

    def support(self) -> tuple[tuple[float, float], ...]:
        """``[alpha (1 - sqrt lam)^2, alpha (1 + sqrt lam)^2]`` (ordered)."""
        return (self._edges(),)

    def density(self, x) -> np.ndarray:
        """``sqrt((b - x)(x - a)) / (2 pi alpha x)`` on ``[a, b]``."""
        x = np.asarray(x, dtype=float)
        a, b = self._edges()
        inside = _inside(x, a, b)
        safe = np.where(inside, x, 1.0)
        root = np.sqrt(np.clip((b - safe) * (safe - a), 0, None))
        return np.where(inside, root / (2 * np.pi * self.jump * safe), 0.0)

    def sample(self, size: int, seed=None) -> np.ndarray:
        """Wishart: ``(alpha / N) X X^T``, X of size N x round(lam N), i.i.d. standard Gaussian entries."""
        from ..numeric.haar import as_generator

        columns = max(1, round(self.rate * size))
        x = as_generator(seed).standard_normal((size, columns))
        return (self.jump / size) * (x @ x.T)


@dataclass(frozen=True)
class Arcsine(Law):
    """The arcsine law on ``[low, high]`` (default ``[-2, 2]``, variance 2).

    >>> Arcsine().moments(4).tolist()
    [0.0, 2.0, 0.0, 6.0]
    """

    low: float = -2.0
    high: float = 2.0

    def __post_init__(self) -> None:
        if not self.high > self.low:
            raise ParameterError("the arcsine law needs low < high")

    @property
    def name(self) -> str:
        """Short description."""
        return f"arcsine[{self.low:g}, {self.high:g}]"

    def _cauchy(self, z):
        return 1 / _root(z, self.low, self.high)

    def _cauchy_derivative(self, z):
        root = _root(z, self.low, self.high)
        return -(2 * z - self.low - self.high) / (2 * root**3)

    def moments(self, n: int) -> np.ndarray:
        """``c + r Y / 2`` with Y arcsine on [-2, 2] (``E Y^(2k) = binom(2k, k)``), expanded binomially."""
        center, half = (self.low + self.high) / 2, (self.high - self.low) / 4
        base = [comb(j, j // 2) if j % 2 == 0 else 0 for j in range(n + 1)]
        return np.array([sum(comb(p, j) * center ** (p - j) * half**j * base[j] for j in range(p + 1))
                         for p in range(1, n + 1)], dtype=float)

    def bounds(self) -> tuple[float, float]:
        """The support."""
        return self.low, self.high

    def support(self) -> tuple[tuple[float, float], ...]:
        """``[low, high]``."""
        return ((self.low, self.high),)

    def density(self, x) -> np.ndarray:
        """``1 / (pi sqrt((x - low)(high - x)))`` inside."""
        x = np.asarray(x, dtype=float)
        inside = _inside(x, self.low, self.high)
        safe = np.where(inside, x, (self.low + self.high) / 2)
        return np.where(inside, 1 / (np.pi * np.sqrt((safe - self.low) * (self.high - safe))), 0.0)
