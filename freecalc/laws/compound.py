r"""Compound free Poisson laws with any jump law, and the law of the network matrix ``R = W^T diag(a^2) W``.

The compound free Poisson law of rate ``lam`` and jump law ``nu`` has free cumulants ``kappa_p = lam
E_nu[x^p]`` and R-transform ``R(g) = lam int x / (1 - x g) dnu(x)`` (Nica & Speicher, Proposition 12.11;
Mingo & Speicher, Section 2.6). With ``w = F(z) = 1/G(z)`` the equation ``z = R(G) + 1/G`` becomes

    ``z = w + lam (w^2 G_nu(w) - w)``,

solved here for ``w`` in the upper half-plane by Newton's method continued from far above the axis
(:mod:`.solver`); only the jump law's Cauchy transform is needed, so any law object can be the jump law.
It has an atom ``1 - lam nu(x != 0)`` at 0 when that is positive. ``R = W^T diag(a^2) W`` (W k x d with
N(0, 1/k) entries) tends to the compound free Poisson law of rate ``1/c`` and jumps ``c a^2``, ``c = d/k``
(:mod:`freecalc.quadratic.rlaw`): :func:`r_law`.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import sqrt

import numpy as np

from ..errors import ParameterError
from .base import Law
from .closed import FreePoisson
from .solver import continue_to_axis
from .special import gaussian_cauchy, square_cauchy, uniform_cauchy

__all__ = ["CompoundFreePoisson", "ScaledSquare", "r_law", "A_LAWS"]

A_LAWS = ("gaussian", "rademacher", "uniform")


@dataclass(frozen=True, eq=False)
class ScaledSquare(Law):
    """The law of ``c a^2`` for a unit-variance readout weight a (gaussian or uniform on [-sqrt 3, sqrt 3]).

    >>> ScaledSquare(0.5, "gaussian").moments(2).tolist()
    [0.5, 0.75]
    """

    ratio: float
    a_law: str = "gaussian"

    def __post_init__(self) -> None:
        if not self.ratio > 0 or self.a_law not in ("gaussian", "uniform"):
            raise ParameterError("ScaledSquare needs a positive ratio and a gaussian or uniform a")

    @property
    def name(self) -> str:
        """Short description."""
        return f"{self.ratio:g} a^2, a {self.a_law}"

    def _both(self, z):
        u = np.asarray(z, dtype=complex) / self.ratio
        if self.a_law == "gaussian":
            g, dg = square_cauchy(gaussian_cauchy, u)
        else:
            g, dg = square_cauchy(lambda w: uniform_cauchy(w, sqrt(3.0)), u)
        return g / self.ratio, dg / self.ratio**2

    def _cauchy(self, z):
        return self._both(z)[0]

    def _cauchy_derivative(self, z):
        return self._both(z)[1]

    def moments(self, n: int) -> np.ndarray:
        """``c^p E[a^(2p)]``: ``(2p - 1)!!`` (gaussian) or ``3^p / (2p + 1)`` (uniform)."""
        p = np.arange(1, n + 1)
        if self.a_law == "gaussian":
            even = np.cumprod(2.0 * p - 1)
        else:
            even = 3.0**p / (2 * p + 1)
        return self.ratio**p * even

    def bounds(self) -> tuple[float, float]:
        """``[0, 3c]`` (uniform); ``[0, 56 c]`` for the gaussian (``P(a^2 > 56) < 1e-13``)."""
        return 0.0, self.ratio * (3.0 if self.a_law == "uniform" else 56.0)

    def density(self, x) -> np.ndarray:
        """Chi-square with one degree of freedom scaled by c, or ``1/(2 sqrt(3 c x))`` on ``(0, 3c)``."""
        y = np.asarray(x, dtype=float) / self.ratio
        safe = np.where(y > 0, y, 1.0)
        if self.a_law == "gaussian":
            values = np.exp(-safe / 2) / np.sqrt(2 * np.pi * safe)
        else:
            values = np.where(safe < 3, 1 / (2 * np.sqrt(3 * safe)), 0.0)
        return np.where(y > 0, values, 0.0) / self.ratio

    def support(self) -> tuple[tuple[float, float], ...]:
        """``[0, bound]``."""
        return (self.bounds(),)

    def draw(self, count: int, seed=None) -> np.ndarray:
        """``c a^2`` for ``count`` independent weights a."""
        from ..numeric.haar import as_generator

        rng = as_generator(seed)
        if self.a_law == "gaussian":
            a = rng.standard_normal(count)
        else:
            a = rng.uniform(-sqrt(3.0), sqrt(3.0), count)
        return self.ratio * a**2


@dataclass(frozen=True, eq=False)
class CompoundFreePoisson(Law):
    """The compound free Poisson law of rate ``lam`` and jump law ``nu`` (any law object).

    >>> law = CompoundFreePoisson(2.0, FreePoisson(1.0))
    >>> law.cumulants(3).tolist()
    [2.0, 4.0, 10.0]
    """

    rate: float
    jump: Law
    label: str = ""

    def __post_init__(self) -> None:
        if not self.rate > 0:
            raise ParameterError("the compound free Poisson law needs a positive rate")

    @property
    def name(self) -> str:
        """Short description."""
        return self.label or f"compound free Poisson(rate={self.rate:g}, jumps {self.jump.name})"

    def cumulants(self, n: int) -> np.ndarray:
        """``kappa_p = lam E_nu[x^p]``."""
        return self.rate * self.jump.moments(n)

    def _zero_mass(self) -> float:
        return dict(self.jump.atoms()).get(0.0, 0.0)

    def atoms(self) -> tuple[tuple[float, float], ...]:
        """``(0, 1 - lam nu(x != 0))`` when positive."""
        mass = 1.0 - self.rate * (1.0 - self._zero_mass())
        return ((0.0, mass),) if mass > 1e-15 else ()

    def bounds(self) -> tuple[float, float]:
        """``(1 + sqrt lam)^2`` times the jumps' bounds (``W^T D W <= max(D) W^T W``), with 0."""
        low, high = self.jump.bounds()
        factor = (1 + sqrt(self.rate)) ** 2
        return min(low, 0.0) * factor, max(high, 0.0) * factor

    def _solve(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``w = F(z)`` and ``dw/dz`` at points of the upper half-plane."""
        lam, nu = self.rate, self.jump
        mean = float(nu.moments(1)[0])

        def system(u, here, height=0.0):
            w = u[:, 0]
            g, dg = nu.cauchy_pair(w)
            residual = w + lam * (w * w * g - w) - here
            slope = 1 + lam * (2 * w * g + w * w * dg - 1)
            return residual[:, None], slope[:, None, None]

        u, _ = continue_to_axis(z, lambda start: (start - lam * mean)[:, None], system,
                                lambda u, here: u[:, 0].imag > 0, eta_start=10 * self.scale)
        w = u[:, 0]
        g, dg = nu.cauchy(w), nu.cauchy_derivative(w)
        return w, 1 / (1 + lam * (2 * w * g + w * w * dg - 1))

    def _cauchy(self, z):
        z = np.asarray(z, dtype=complex)
        w, _ = self._solve(z.ravel())
        return (1 / w).reshape(z.shape)

    def _cauchy_derivative(self, z):
        z = np.asarray(z, dtype=complex)
        w, dw = self._solve(z.ravel())
        return (-dw / w**2).reshape(z.shape)

    def sample(self, size: int, seed=None) -> np.ndarray:
        """``W^T diag(x) W``: W of size round(lam N) x N with N(0, 1/N) entries, x drawn from the jump law."""
        from ..numeric.haar import as_generator

        rng = as_generator(seed)
        rows = max(1, round(self.rate * size))
        w = rng.standard_normal((rows, size)) / sqrt(size)
        return (w.T * self.jump.draw(rows, rng)) @ w


def r_law(ratio: float, a_law: str = "gaussian") -> Law:
    """The limit law of ``R = W^T diag(a^2) W`` at ``d/k -> c``: compound free Poisson(1/c, jumps c a^2).

    For ``a = +-1`` (rademacher) it is the free Poisson law of rate ``1/c`` and jump ``c``.

    >>> r_law(0.5).moments(3).round(12).tolist()  # freecalc.quadratic.rlaw.network_r_moments(3, 1/2)
    [1.0, 2.5, 9.25]
    """
    if not ratio > 0:
        raise ParameterError("the ratio d/k must be positive")
    if a_law not in A_LAWS:
        raise ParameterError(f"unknown readout law {a_law!r}; choose from {', '.join(A_LAWS)}")
    if a_law == "rademacher":
        return FreePoisson(rate=1 / ratio, jump=ratio)
    return CompoundFreePoisson(1 / ratio, ScaledSquare(ratio, a_law), f"R law (c = {ratio:g}, a {a_law})")
