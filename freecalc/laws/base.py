"""What every law object offers: moments, cumulants, R/S series, Cauchy transform, density, support, samples.

Also atoms, the distribution function, quantiles, and N x N matrices with that law.

A law ``mu`` on the real line is known here through its Cauchy transform ``G(z) = int dmu(t)/(z - t)``
on the upper half-plane (Mingo & Speicher, *Free Probability and Random Matrices*, Section 3.1), from
which Stieltjes inversion gives the density of the absolutely continuous part,
``f(x) = -lim_{eta -> 0+} Im G(x + i eta) / pi`` (ibid., Theorem 3.8), while atoms are reported as atoms
(location and mass ``lim_{eta -> 0} i eta G(a + i eta)``), never as spikes of a density. Subclasses give
``_cauchy`` (and its derivative) on the upper half-plane, the first moments or free cumulants, their
atoms, and either a closed-form density and support or a bounding interval inside which the support is
located numerically (:mod:`.support`).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ..numeric.haar import as_generator, haar_orthogonal
from .series import cumulants_to_moments, moments_to_cumulants, moments_to_s

__all__ = ["Law"]


class Law:
    """A probability law on the real line, with the numerics of free probability.

    Subclasses are frozen dataclasses and define ``_cauchy(z)`` for ``Im z > 0``, ``moments(n)`` or
    ``cumulants(n)``, ``bounds()`` and ``name``; they may override ``density``, ``support``, ``atoms``,
    ``_cauchy_derivative`` and ``sample`` with closed forms.
    """

    #: height above the real axis at which Stieltjes inversion is read, relative to the law's scale
    relative_eta = 1e-13

    # ---- transforms --------------------------------------------------------------------------------
    def _cauchy(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _cauchy_derivative(self, z: np.ndarray) -> np.ndarray:
        """``G'(z)`` by a central difference along the real axis (closed forms override it)."""
        h = 1e-6 * (1.0 + np.abs(z))
        return (self._cauchy(z + h) - self._cauchy(z - h)) / (2 * h)

    def cauchy(self, z) -> np.ndarray:
        """The Cauchy transform ``G(z) = int dmu(t)/(z - t)``; ``G(conj z) = conj G(z)`` off the axis."""
        z = np.asarray(z, dtype=complex)
        lower = z.imag < 0
        g = self._cauchy(np.where(lower, np.conj(z), z))
        return np.where(lower, np.conj(g), g)

    def cauchy_derivative(self, z) -> np.ndarray:
        """``G'(z)``, with ``G'(conj z) = conj G'(z)``."""
        z = np.asarray(z, dtype=complex)
        lower = z.imag < 0
        g = self._cauchy_derivative(np.where(lower, np.conj(z), z))
        return np.where(lower, np.conj(g), g)

    def cauchy_pair(self, z) -> tuple[np.ndarray, np.ndarray]:
        """``G(z)`` and ``G'(z)`` together (laws whose two share work override it)."""
        return self.cauchy(z), self.cauchy_derivative(z)

    def moments(self, n: int) -> np.ndarray:
        """Moments ``m_1..m_n`` (from the free cumulants unless a subclass knows them directly)."""
        return cumulants_to_moments(self.cumulants(n))

    def cumulants(self, n: int) -> np.ndarray:
        """Free cumulants ``kappa_1..kappa_n`` (Nica & Speicher, Lecture 11)."""
        return moments_to_cumulants(self.moments(n))

    def r_series(self, n: int) -> np.ndarray:
        """Coefficients of ``R(z) = sum_{k>=0} kappa_(k+1) z^k`` (Nica & Speicher, Lecture 16)."""
        return self.cumulants(n)

    def s_series(self, n: int) -> np.ndarray:
        """Coefficients ``s_0..s_(n-1)`` of the S-transform (Nica & Speicher, Lecture 18); ``m_1 != 0``."""
        return moments_to_s(self.moments(n))

    def r_transform(self, w) -> np.ndarray:
        """``R(w) = G^(-1)(w) - 1/w`` near 0 (:mod:`.transforms`)."""
        from .transforms import r_transform

        return r_transform(self, w)

    def s_transform(self, w) -> np.ndarray:
        """``S(w) = chi(w)(1 + w)/w`` near 0, ``chi`` the inverse of ``psi`` (:mod:`.transforms`)."""
        from .transforms import s_transform

        return s_transform(self, w)

    @property
    def mean(self) -> float:
        """The first moment."""
        return float(self.moments(1)[0])

    # ---- the measure ---------------------------------------------------------------------------------
    def bounds(self) -> tuple[float, float]:
        """An interval holding all the law's mass (or all but 1e-12 of it, for unbounded support)."""
        raise NotImplementedError

    @property
    def scale(self) -> float:
        """A length of the order of the support's size and position."""
        low, high = self.bounds()
        return max(high - low, abs(low), abs(high), 1e-300)

    def atoms(self) -> tuple[tuple[float, float], ...]:
        """The atoms as (location, mass) pairs; none unless a subclass says so."""
        return ()

    def density(self, x) -> np.ndarray:
        """Density of the absolutely continuous part, ``-Im G(x + i eta)/pi`` minus the atoms' share.

        Within ``1e-7`` times the scale of an atom, the atom's ``mass/(x - a)`` term swamps the continuous
        part (rounding of ``G`` is about ``1e-16 mass / |x - a|``); the density is reported as 0 there.
        """
        x = np.asarray(x, dtype=float)
        eta = self.relative_eta * self.scale
        values = -self.cauchy(x + 1j * eta).imag / np.pi
        for location, mass in self.atoms():
            values -= mass * eta / (np.pi * ((x - location) ** 2 + eta**2))
            values = np.where(np.abs(x - location) <= 1e-7 * self.scale, 0.0, values)
        return np.maximum(values, 0.0)

    def support(self) -> tuple[tuple[float, float], ...]:
        """Intervals of the absolutely continuous part's support, edges located numerically (once)."""
        return self._located_support

    @cached_property
    def _located_support(self) -> tuple[tuple[float, float], ...]:
        from .support import locate_support

        return locate_support(self.density, *self.bounds())

    # ---- distribution function, quantiles, samples -----------------------------------------------------
    def _refined(self, x: np.ndarray, d: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
        """The grid with every cell's midpoint; cells whose trapezoid and Simpson masses differ by more.

        Those cells' halves are refined again, up to 12 times, so that narrow peaks (e.g. near small atoms of
        an empirical factor) get resolved.
        """
        left, right, d_left, d_right = x[:-1], x[1:], d[:-1], d[1:]
        xs, ds = [x], [d]
        for _ in range(12):
            if left.size == 0:
                break
            middle = (left + right) / 2
            d_middle = self.density(middle)
            xs.append(middle), ds.append(d_middle)
            width = right - left
            split = np.abs((d_left + d_right) * width / 2 - (d_left + 4 * d_middle + d_right) * width / 6
                           ) > tolerance
            middle, d_middle = middle[split], d_middle[split]
            left, right = np.concatenate([left[split], middle]), np.concatenate([middle, right[split]])
            d_left = np.concatenate([d_left[split], d_middle])
            d_right = np.concatenate([d_middle, d_right[split]])
        x, d = np.concatenate(xs), np.concatenate(ds)
        order = np.argsort(x, kind="stable")
        return x[order], d[order]

    @cached_property
    def _ac_table(self) -> tuple[np.ndarray, np.ndarray]:
        """Nodes and cumulative mass of the absolutely continuous part (trapezoid rule on cosine grids)."""
        low, high = self.bounds()
        xs, masses, total = [np.array([low])], [np.array([0.0])], 0.0
        for a, b in self.support():
            a, b = max(a, low), min(b, high)
            x = a + (b - a) * (1 - np.cos(np.pi * np.linspace(0, 1, 1025))) / 2
            d = self.density(x)
            x, d = self._refined(x, d, 1e-7)
            pieces = np.concatenate([[0.0], np.cumsum((d[1:] + d[:-1]) * np.diff(x) / 2)])
            xs.append(x)
            masses.append(total + pieces)
            total += pieces[-1]
        ac_mass = 1.0 - sum(m for _, m in self.atoms())
        x, cumulative = np.concatenate(xs), np.concatenate(masses)
        if total > 0:
            cumulative = cumulative * (ac_mass / total)
        return x, cumulative

    def cdf(self, x) -> np.ndarray:
        """``mu((-oo, x])``: the absolutely continuous part integrated, plus the atoms at or left of x."""
        x = np.asarray(x, dtype=float)
        nodes, cumulative = self._ac_table
        value = np.interp(x, nodes, cumulative, left=0.0, right=cumulative[-1])
        for location, mass in self.atoms():
            value = value + mass * (x >= location)
        return value

    def quantile(self, q) -> np.ndarray:
        """The smallest x with ``cdf(x) >= q``, by bisection on the distribution function."""
        q = np.asarray(q, dtype=float)
        low, high = self.bounds()
        lo, hi = np.full(q.shape, low - 1e-12 * self.scale), np.full(q.shape, high)
        for _ in range(64):
            mid = (lo + hi) / 2
            above = self.cdf(mid) >= q
            hi, lo = np.where(above, mid, hi), np.where(above, lo, mid)
        return hi

    def eigenvalues(self, size: int) -> np.ndarray:
        """``size`` deterministic points with this law: the quantiles at ``(i - 1/2)/size``."""
        return self.quantile((np.arange(size) + 0.5) / size)

    def draw(self, count: int, seed=None) -> np.ndarray:
        """``count`` independent draws (inverse distribution function of uniforms)."""
        return self.quantile(as_generator(seed).random(count))

    def sample(self, size: int, seed=None) -> np.ndarray:
        """A ``size x size`` symmetric matrix with this law: ``O diag(eigenvalues) O^T``, O Haar."""
        basis = haar_orthogonal(size, as_generator(seed))
        return (basis * self.eigenvalues(size)) @ basis.T
