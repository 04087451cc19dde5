"""Free additive and multiplicative convolutions of any two law objects, by analytic subordination.

**Sum** (law of ``A + B``, A and B free): there are analytic self-maps ``omega_1, omega_2`` of the upper
half-plane with ``Im omega_j(z) >= Im z`` and

    ``F_A(omega_1) = F_B(omega_2) = omega_1 + omega_2 - z``,  ``G_(A+B)(z) = G_A(omega_1(z))``,

``F = 1/G`` (Biane 1998; Belinschi & Bercovici, J. Anal. Math. 101 (2007), Theorem 4.1; Mingo & Speicher,
*Free Probability and Random Matrices*, Theorem 3.43). Atoms: ``A + B`` has an atom at ``a + b`` of mass
``mu_A{a} + mu_B{b} - 1`` exactly when that is positive (Bercovici & Voiculescu, "Regularity questions
for free convolution", 1998, Theorem 7.4).

**Product** (law of ``A^(1/2) B A^(1/2)``, A, B >= 0 free): with ``eta(z) = psi(z)/(1 + psi(z))``,
``psi(z) = int zt/(1 - zt) dmu(t)``, there are ``omega_1, omega_2`` with ``eta_(AB)(z) = eta_A(omega_1(z)) =
eta_B(omega_2(z))`` and ``omega_1(z) omega_2(z) = z eta_(AB)(z)`` (Belinschi & Bercovici 2007, Theorem 4.3).
Written in ``zeta = 1/z`` (the point where G is wanted) and ``Omega_j = 1/omega_j``, which lie in the upper
half-plane, with ``e(Omega) = 1 - 1/(Omega G(Omega))``:

    ``e_A(Omega_1) = e_B(Omega_2)``,  ``Omega_1 Omega_2 e_A(Omega_1) = zeta``,
    ``G_(AB)(zeta) = Omega_1 G_A(Omega_1) / zeta``.

Atoms: at 0 the larger of the two masses at 0; at ``ab != 0`` mass ``mu_A{a} + mu_B{b} - 1`` when positive
(Belinschi, "The atoms of the free multiplicative convolution of two probability distributions",
Integral Equations Operator Theory 46 (2003), Theorem 4.1). The moments come from ``S_(AB) = S_A S_B``.

Both systems are solved by Newton's method, continued from far above the axis (:mod:`.solver`), with
steps kept inside the half-planes where the subordination functions live.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from .base import Law
from .series import s_to_moments
from .solver import continue_to_axis

__all__ = ["FreeSum", "FreeProduct"]


@dataclass(frozen=True, eq=False)
class FreeSum(Law):
    """The law of ``A + B`` for free A, B with the given laws.

    >>> from freecalc.laws.closed import Semicircle
    >>> law = FreeSum(Semicircle(), Semicircle())
    >>> [round(e, 8) for e in law.support()[0]], law.cumulants(2).tolist()
    ([-2.82842712, 2.82842712], [0.0, 2.0])
    """

    first: Law
    second: Law

    @property
    def name(self) -> str:
        """Short description."""
        return f"({self.first.name}) + ({self.second.name})"

    def cumulants(self, n: int) -> np.ndarray:
        """Free cumulants add (Nica & Speicher, Proposition 12.3)."""
        return self.first.cumulants(n) + self.second.cumulants(n)

    def atoms(self) -> tuple[tuple[float, float], ...]:
        """``a + b`` with mass ``mu_A{a} + mu_B{b} - 1`` when positive (Bercovici & Voiculescu 1998)."""
        out = [(a + b, p + q - 1) for a, p in self.first.atoms() for b, q in self.second.atoms() if p + q > 1]
        return tuple(sorted(out))

    def bounds(self) -> tuple[float, float]:
        """The sum of the components' bounds."""
        (a, b), (c, d) = self.first.bounds(), self.second.bounds()
        return a + c, b + d

    def _solve(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(omega_1, omega_2)`` (n, 2) and ``d omega_1 / dz`` at points of the upper half-plane."""
        a, b = self.first, self.second
        mean_a, mean_b = a.mean, b.mean

        def pieces(u):
            (ga, dga), (gb, dgb) = a.cauchy_pair(u[:, 0]), b.cauchy_pair(u[:, 1])
            return ga, gb, -dga / ga**2 - 1, -dgb / gb**2 - 1

        def system(u, here, height=0.0):
            ga, gb, slope_a, slope_b = pieces(u)
            common = u[:, 0] + u[:, 1] - here
            residual = np.stack([1 / ga - common, 1 / gb - common], axis=1)
            minus = -np.ones_like(slope_a)
            rows = [np.stack([slope_a, minus], axis=1), np.stack([minus, slope_b], axis=1)]
            jacobian = np.stack(rows, axis=1)
            return residual, jacobian

        def feasible(u, here):
            return (u[:, 0].imag > 0.5 * here.imag) & (u[:, 1].imag > 0.5 * here.imag)

        def settled(u, here):  # both omegas a thousand heights above the axis: the rest of the path is short
            return np.minimum(u[:, 0].imag, u[:, 1].imag) > 1e3 * here.imag

        def iterate(u, here):  # omega_2 = z + h_A(omega_1), omega_1 <- z + h_B(omega_2)
            omega_2 = here + 1 / a.cauchy(u[:, 0]) - u[:, 0]
            return np.stack([here + 1 / b.cauchy(omega_2) - omega_2, omega_2], axis=1)

        u, _ = continue_to_axis(z, lambda s: np.stack([s - mean_b, s - mean_a], axis=1), system, feasible,
                                eta_start=10 * self.scale, fallback=iterate, settled=settled)
        _, _, slope_a, slope_b = pieces(u)
        # J d omega = -dF/dz = -(1, 1): d omega_1 = -(slope_b + 1) / det ... solved in closed form (2 x 2)
        det = slope_a * slope_b - 1
        return u, -(slope_b + 1) / det

    def _cauchy(self, z):
        z = np.asarray(z, dtype=complex)
        u, _ = self._solve(z.ravel())
        return self.first.cauchy(u[:, 0]).reshape(z.shape)

    def _cauchy_derivative(self, z):
        z = np.asarray(z, dtype=complex)
        u, d_omega = self._solve(z.ravel())
        return (self.first.cauchy_derivative(u[:, 0]) * d_omega).reshape(z.shape)

    def sample(self, size: int, seed=None) -> np.ndarray:
        """``A + B`` with A, B sampled independently (each law's sampler is orthogonally invariant)."""
        from ..numeric.haar import as_generator

        rng = as_generator(seed)
        return self.first.sample(size, rng) + self.second.sample(size, rng)


@dataclass(frozen=True, eq=False)
class FreeProduct(Law):
    """The law of ``A^(1/2) B A^(1/2)`` for free positive A, B with the given laws.

    >>> from freecalc.laws.closed import FreePoisson
    >>> FreeProduct(FreePoisson(1.0), FreePoisson(1.0)).moments(3).round(10).tolist()  # Fuss-Catalan
    [1.0, 3.0, 12.0]
    """

    first: Law
    second: Law

    def __post_init__(self) -> None:
        for law in (self.first, self.second):
            if law.bounds()[0] < -1e-12 * law.scale:
                raise ParameterError(f"A^(1/2) B A^(1/2) needs positive laws; {law.name} is not")
            if not law.mean > 0:
                raise ParameterError(f"A^(1/2) B A^(1/2) needs laws of positive mean; {law.name} has none")

    @property
    def name(self) -> str:
        """Short description."""
        return f"({self.first.name})^(1/2) ({self.second.name}) ({self.first.name})^(1/2)"

    def moments(self, n: int) -> np.ndarray:
        """From ``S_(AB) = S_A S_B`` (Voiculescu 1987; Nica & Speicher, Theorem 18.17)."""
        s = np.convolve(self.first.s_series(n), self.second.s_series(n))[:n]
        return s_to_moments(s)

    def atoms(self) -> tuple[tuple[float, float], ...]:
        """0 with the larger mass at 0; ``ab`` with ``mu_A{a} + mu_B{b} - 1`` if positive (Belinschi 2003)."""
        first, second = dict(self.first.atoms()), dict(self.second.atoms())
        zero = max(first.get(0.0, 0.0), second.get(0.0, 0.0))
        out = [(0.0, zero)] if zero > 0 else []
        out += [(a * b, p + q - 1) for a, p in first.items() for b, q in second.items()
                if a != 0 and b != 0 and p + q > 1]
        return tuple(sorted(out))

    def bounds(self) -> tuple[float, float]:
        """The product of the components' bounds (both positive)."""
        (a, b), (c, d) = self.first.bounds(), self.second.bounds()
        return max(a, 0.0) * max(c, 0.0), b * d

    def density(self, x) -> np.ndarray:
        """The continuous part, on ``(0, oo)``; 0 at ``x <= 0``.

        There ``G = Omega_1 G_A(Omega_1) / zeta`` would divide by ``|zeta| <= eta``; the value 0 is exact.
        """
        x = np.asarray(x, dtype=float)
        positive = x > 0
        values = np.zeros(x.shape)
        if positive.any():
            values[positive] = Law.density(self, x[positive])
        return values

    def _solve(self, zeta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(Omega_1, Omega_2)`` (n, 2) and ``d Omega_1 / d zeta``."""
        a, b = self.first, self.second
        mean_a, mean_b = a.mean, b.mean

        def e_and_slope(law, omega):
            g, dg = law.cauchy_pair(omega)
            product = omega * g
            return 1 - 1 / product, (g + omega * dg) / product**2

        def system(u, here, height=0.0):
            ea, da = e_and_slope(a, u[:, 0])
            eb, db = e_and_slope(b, u[:, 1])
            residual = np.stack([ea - eb, u[:, 0] * u[:, 1] * ea - here], axis=1)
            lower = np.stack([u[:, 1] * ea + u[:, 0] * u[:, 1] * da, u[:, 0] * ea], axis=1)
            jacobian = np.stack([np.stack([da, -db], axis=1), lower], axis=1)
            return residual, jacobian

        def feasible(u, here):
            # in the upper half-plane, and attracting for the iteration below (other solutions repel):
            # its derivative is the product of d Omega_2 / d Omega_1 = -zeta (e + Omega e')/(Omega e)^2
            # and the same for B (a derivative at a fixed point does not depend on the coordinates)
            inside = (u[:, 0].imag > 0) & (u[:, 1].imag > 0)
            safe = np.where(inside[:, None], u, 1j)
            ea, da = e_and_slope(a, safe[:, 0])
            eb, db = e_and_slope(b, safe[:, 1])
            slope = (here**2 * (ea + safe[:, 0] * da) * (eb + safe[:, 1] * db)
                     / ((safe[:, 0] * ea) ** 2 * (safe[:, 1] * eb) ** 2))
            return inside & (np.abs(slope) <= 1 + 1e-9)

        def iterate(u, here):
            # Belinschi & Bercovici's w -> z h_B(z h_A(w)), h(w) = eta(w)/w, written in Omega = 1/w
            omega_2 = here / (u[:, 0] * e_and_slope(a, u[:, 0])[0])
            return np.stack([here / (omega_2 * e_and_slope(b, omega_2)[0]), omega_2], axis=1)

        u, _ = continue_to_axis(zeta, lambda s: np.stack([s / mean_b, s / mean_a], axis=1), system, feasible,
                                eta_start=10 * self.scale, fallback=iterate)
        _, jacobian = system(u, zeta)
        # J d Omega = -dF/dzeta = (0, 1)
        d_omega = np.linalg.solve(jacobian, np.broadcast_to(np.array([0.0, 1.0]), u.shape)[..., None])[..., 0]
        return u, d_omega[:, 0]

    def _cauchy(self, z):
        z = np.asarray(z, dtype=complex)
        u, _ = self._solve(z.ravel())
        omega = u[:, 0]
        return (omega * self.first.cauchy(omega) / z.ravel()).reshape(z.shape)

    def _cauchy_derivative(self, z):
        z = np.asarray(z, dtype=complex)
        flat = z.ravel()
        u, d_omega = self._solve(flat)
        omega = u[:, 0]
        g, dg = self.first.cauchy(omega), self.first.cauchy_derivative(omega)
        return (d_omega * (g + omega * dg) / flat - omega * g / flat**2).reshape(z.shape)

    def sample(self, size: int, seed=None) -> np.ndarray:
        """``D B D`` with ``D^2`` the eigenvalues of a sampled A and B sampled (orthogonally invariant).

        It has the spectrum of ``A^(1/2) B A^(1/2)``: ``A = V D^2 V^T`` and ``V^T B V`` has B's law.
        """
        from ..numeric.haar import as_generator

        rng = as_generator(seed)
        root = np.sqrt(np.clip(np.linalg.eigvalsh(self.first.sample(size, rng)), 0, None))
        return root[:, None] * self.second.sample(size, rng) * root[None, :]
