"""The law of a self-adjoint polynomial in free semicircular variables, by linearization.

With a linearization ``L = b_0 + sum_i s_i (x) b_i`` of ``p`` (:mod:`.linearization`) and free semicirculars
``s_i`` of variances ``v_i``, ``S = sum_i s_i (x) b_i`` is an M_n-valued semicircular element of covariance
``eta(B) = sum_i v_i b_i B b_i``, and ``G(Lambda) = E[(Lambda - L)^(-1)]`` is the unique solution with
negative imaginary part of

    ``G = (Lambda - b_0 - eta(G))^(-1)``

(Helton, Rashidi Far & Speicher, "Operator-valued semicircular elements: solving a quadratic matrix equation
with positivity constraints", IMRN 2007, Theorem 2.1). Then ``G_p(z) = lim G(Lambda_eps(z))_(1,1)`` with
``Lambda_eps(z) = diag(z, i eps, ..., i eps)`` as eps -> 0 (Belinschi, Mai & Speicher 2017, Corollary 3.6).
The equation ``(Lambda - b_0 - eta(G)) G - I = 0`` is solved by Newton's method on the n^2 entries of G,
continued from far above the axis with ``eps`` equal to the height of the path above ``z`` plus
``1e-13`` times the law's scale (:mod:`.solver`); steps are kept where ``Im G < 0``.
Moments come from the Cauchy transform on a circle around the spectrum,
``m_k = (1/2 pi i) oint z^k G(z) dz`` (trapezoid rule, exponentially accurate).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..errors import ParameterError
from .base import Law
from .closed import Semicircle
from .linearization import Pencil, evaluate_polynomial, linearize, parse_polynomial
from .solver import continue_to_axis

__all__ = ["SemicircularPolynomial", "contour_moments"]


def contour_moments(law: Law, n: int, radius: float, points: int = 128) -> np.ndarray:
    """``m_1..m_n`` from ``G`` on the circle of the given radius (outside the support).

    >>> (contour_moments(Semicircle(), 4, 4.0).round(12) + 0.0).tolist()
    [0.0, 1.0, 0.0, 2.0]
    """
    theta = 2 * np.pi * (np.arange(points) + 0.5) / points
    z = radius * np.exp(1j * theta)
    g = law.cauchy(z)
    return np.array([np.mean(z ** (k + 1) * g).real for k in range(1, n + 1)])


@dataclass(frozen=True, eq=False)
class SemicircularPolynomial(Law):
    """The law of ``p(s_1, ..., s_m)`` for free semicirculars ``s_i`` (variance and mean per letter).

    >>> law = SemicircularPolynomial("x y + y x", {"x": Semicircle(), "y": Semicircle()})
    >>> (law.moments(4).round(6) + 0.0).tolist()  # kappa_2 = kappa_4 = 2 (R(w) = 2w / (1 - w^2))
    [0.0, 2.0, 0.0, 10.0]
    """

    text: str
    variables: dict[str, Semicircle]

    def __post_init__(self) -> None:
        words = parse_polynomial(self.text)
        missing = sorted({x for w in words for x in w} - set(self.variables))
        if missing:
            raise ParameterError(f"no law for {', '.join(missing)}; give --law {missing[0]}=semicircle")
        if not any(words):
            raise ParameterError(f"the polynomial {self.text!r} has no variable")
        object.__setattr__(self, "_pencil", linearize(words))
        object.__setattr__(self, "_words", words)

    @property
    def name(self) -> str:
        """Short description."""
        return f"p = {self.text} (free semicirculars)"

    @property
    def pencil(self) -> Pencil:
        """The linearization."""
        return self._pencil

    @cached_property
    def _covariance(self) -> tuple[np.ndarray, list[tuple[float, np.ndarray]]]:
        constant = self._pencil.constant.astype(complex)
        terms = []
        for letter, matrix in self._pencil.matrices.items():
            law = self.variables[letter]
            constant = constant + law.center * matrix
            terms.append((law.variance, matrix.astype(complex)))
        return constant, terms

    def bounds(self) -> tuple[float, float]:
        """``+-sum |a_w| prod ||x||`` with ``||x|| = |mean| + 2 sqrt(variance)``."""
        total = 0.0
        for word, c in self._words.items():
            norm = abs(c)
            for letter in word:
                law = self.variables[letter]
                norm *= abs(law.center) + 2 * np.sqrt(law.variance)
            total += norm
        return -total, total

    def _solve(self, z: np.ndarray) -> np.ndarray:
        """``G(Lambda_eps(z))`` (k, n, n) with ``eps = 1e-13`` times the scale."""
        n = self._pencil.size
        constant, terms = self._covariance
        eye = np.eye(n)

        floor = self.relative_eta * self.scale
        stacked = np.stack([b for _, b in terms])
        weights = np.array([v for v, _ in terms], dtype=complex)

        def lam(here, height):
            diag = np.full((len(here), n), 1j * (height + floor))
            diag[:, 0] = here
            return diag[:, :, None] * eye

        def system(u, here, height):
            g = u.reshape(-1, n, n)
            eta = sum(v * b @ g @ b for v, b in terms)
            k = lam(here, height) - constant - eta
            residual = (k @ g - eye).reshape(len(here), -1)
            # d[(K G)] = K dG - eta(dG) G; entry [(i, l), (j, m)] is K_ij delta_lm - sum_t v_t b_ij (b G)_ml
            bg = np.einsum("tij,kjm->ktim", stacked, g) * weights[None, :, None, None]
            jac = -np.ascontiguousarray(np.tensordot(bg, stacked, axes=([1], [0])).transpose(0, 3, 2, 4, 1))
            for l in range(n):
                jac[:, :, l, :, l] += k
            return residual, jac.reshape(len(here), n * n, n * n)

        def feasible(u, here):
            g = u.reshape(-1, n, n)
            imag = (g - np.conj(np.swapaxes(g, 1, 2))) / 2j
            return np.linalg.eigvalsh(imag)[:, -1] < 0

        def start(here):
            return np.linalg.inv(lam(here, 10 * self.scale)).reshape(len(here), -1)

        u, _ = continue_to_axis(z, start, system, feasible, eta_start=10 * self.scale, eta_end=floor)
        return u.reshape(-1, n, n)

    def _cauchy(self, z):
        z = np.asarray(z, dtype=complex)
        return self._solve(z.ravel())[:, 0, 0].reshape(z.shape)

    def moments(self, n: int) -> np.ndarray:
        """From ``G`` on a circle 1.5 times the spectral radius (:func:`contour_moments`).

        Rounding errors of G grow by ``radius^(k+1)`` in ``m_k``, hence the smallest safe circle.
        """
        edges = [abs(e) for interval in self.support() for e in interval]
        return contour_moments(self, n, 1.5 * max(edges) if edges else 2 * max(map(abs, self.bounds())))

    def sample(self, size: int, seed=None) -> np.ndarray:
        """``p`` evaluated on independent GOE matrices (asymptotically free semicirculars)."""
        from ..numeric.haar import as_generator

        rng = as_generator(seed)
        values = {letter: law.sample(size, rng) for letter, law in sorted(self.variables.items())}
        return evaluate_polynomial(self._words, values)
