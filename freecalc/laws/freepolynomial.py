"""The law of a self-adjoint polynomial in free variables of any laws, by linearization and subordination.

With a self-adjoint linearization ``L = b_0 + sum_i x_i (x) b_i`` of ``p`` (:mod:`.linearization`), the
terms ``X_i = x_i (x) b_i`` are free with amalgamation over M_n when the ``x_i`` are free, each has the
M_n-valued Cauchy transform ``G_i(w) = int (w - t b_i)^(-1) dmu_i(t)`` (computed exactly from the scalar
Cauchy transform of ``mu_i``, :mod:`.operator`), and ``G_L(Lambda) = G_(X_1 + ... + X_m)(Lambda - b_0)``
comes from operator-valued subordination (:mod:`.opsubordination`; Belinschi, Mai & Speicher, J. reine
angew. Math. 732 (2017), Theorem 2.2 and Section 4). Then ``G_p(z) = lim_(eps -> 0) G_L(diag(z, i eps,
..., i eps))_(1,1)`` (ibid., Corollary 3.6); eps is the path's height plus ``1e-13`` times the law's scale.

Every law object can be a letter: closed forms, compound free Poisson laws (R's law), atomic and empirical
laws, free sums and products. For semicircular letters the M_n-valued semicircle equation
(:class:`~.polynomial.SemicircularPolynomial`) is the faster route and gives the same numbers (tests:
agreement to 1e-8). Atoms: p can have atoms where the letters have large ones (e.g. ``x P + P x`` with a
projection P of trace 0.3 has mass 0.4 at 0, the kernel that P leaves); they are probed at the constant
term ``p(0, ..., 0)``, where such kernels put them: ``mu{a} = lim_(eta -> 0) -eta Im G(a + i eta)``,
read at ``eta = 1e-4`` and ``1e-5`` of the scale and kept when the two agree to ``1e-3`` (a continuous
density adds ``pi eta f(a)``, a singular one ``O(eta^(1/2))``, both seen by that comparison). Atoms
elsewhere are not located.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..errors import ParameterError
from .base import Law
from .closed import Semicircle
from .linearization import Pencil, evaluate_polynomial, linearize, parse_polynomial
from .operator import ScalarLetter
from .opsubordination import corner_cauchy
from .polynomial import SemicircularPolynomial, contour_moments

__all__ = ["FreePolynomial", "polynomial_law"]


@dataclass(frozen=True, eq=False)
class FreePolynomial(Law):
    """The law of ``p(x_1, ..., x_m)`` for free ``x_i`` with the given laws (any law objects).

    >>> from freecalc.laws.closed import FreePoisson, Semicircle
    >>> law = FreePolynomial("x y + y x", {"x": Semicircle(), "y": FreePoisson(1.0)})
    >>> (law.moments(2).round(8) + 0.0).tolist()  # 2 phi(xyxy) + 2 phi(x^2 y^2) = 2 * 1 + 2 * 2
    [0.0, 6.0]
    """

    text: str
    variables: dict[str, Law]

    def __post_init__(self) -> None:
        words = parse_polynomial(self.text)
        letters = sorted({x for w in words for x in w})
        missing = [x for x in letters if x not in self.variables]
        if missing:
            raise ParameterError(f"no law for {missing[0]}; give --law {missing[0]}=...")
        if not letters:
            raise ParameterError(f"the polynomial {self.text!r} has no variable")
        object.__setattr__(self, "_words", words)
        object.__setattr__(self, "_pencil", linearize(words))
        object.__setattr__(self, "variables", {x: self.variables[x] for x in letters})

    @property
    def name(self) -> str:
        """Short description."""
        laws = ", ".join(f"{x} ~ {law.name}" for x, law in self.variables.items())
        return f"p = {self.text} (free: {laws})"

    @property
    def pencil(self) -> Pencil:
        """The linearization."""
        return self._pencil

    @cached_property
    def letters(self) -> list[ScalarLetter]:
        """``x_i (x) b_i`` for every variable."""
        return [ScalarLetter(law, self._pencil.matrices[x]) for x, law in self.variables.items()]

    @cached_property
    def _atoms(self) -> tuple[tuple[float, float], ...]:
        location = float(self._words.get((), 0.0))
        heights = np.array([1e-4, 1e-5]) * self.scale
        masses = -heights * self.cauchy(location + 1j * heights).imag
        if masses[1] > 1e-4 and abs(masses[0] - masses[1]) < 1e-3:
            return ((location, float(masses[1])),)
        return ()

    def atoms(self) -> tuple[tuple[float, float], ...]:
        """The atom at the constant term, if the probe finds one (module docstring)."""
        return self._atoms

    def bounds(self) -> tuple[float, float]:
        """``+-sum |a_w| prod_x max|t|`` over the words, t in each letter's bounds."""
        norms = {x: max(map(abs, law.bounds())) for x, law in self.variables.items()}
        total = sum(abs(c) * float(np.prod([norms[x] for x in word])) for word, c in self._words.items())
        return -total, total

    def _cauchy(self, z):
        return corner_cauchy(self.letters, self._pencil.constant, z, scale=self.scale,
                             floor=self.relative_eta * self.scale)

    def moments(self, n: int) -> np.ndarray:
        """From ``G`` on a circle 1.5 times the spectral radius (:func:`~.polynomial.contour_moments`)."""
        edges = [abs(e) for interval in self.support() for e in interval]
        return contour_moments(self, n, 1.5 * max(edges) if edges else 2 * max(map(abs, self.bounds())))

    def sample(self, size: int, seed=None) -> np.ndarray:
        """``p`` at independent samples of the letters (each orthogonally invariant: asymptotically free)."""
        from ..numeric.haar import as_generator

        rng = as_generator(seed)
        values = {x: law.sample(size, rng) for x, law in self.variables.items()}
        return evaluate_polynomial(self._words, values)


def polynomial_law(text: str, laws: dict[str, Law]) -> Law:
    """The law of a polynomial in free laws.

    Semicircular letters by the semicircle equation (the fast route), any other laws by operator-valued
    subordination (:class:`FreePolynomial`).
    """
    letters = sorted({x for w in parse_polynomial(text) for x in w})
    if letters and all(isinstance(laws.get(x), Semicircle) for x in letters):
        return SemicircularPolynomial(text, {x: laws[x] for x in letters})
    return FreePolynomial(text, laws)  # which refuses letters without laws and polynomials without letters
