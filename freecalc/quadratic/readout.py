"""The law of the readout weights ``a`` of ``f(x) = a^T (W x)^2``: exact moments and a sampler, in one place.

Three unit-variance symmetric laws: ``gaussian`` N(0, 1) (``E[a^(2p)] = (2p-1)!!``), ``rademacher`` +-1
(``E[a^(2p)] = 1``) and ``uniform`` on ``[-sqrt 3, sqrt 3]`` (``E[a^(2p)] = 3^p / (2p + 1)``); odd moments
vanish. The paper's setting is ``a ~ N(0, I_k)`` (Proposition 8). The moments feed the limit law of ``R``
(:mod:`freecalc.quadratic.rlaw`) and the exact Wick expectations (:mod:`freecalc.gaussian.wick`); the
sampler feeds the sampled networks (:mod:`freecalc.quadratic.network`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ParameterError

if TYPE_CHECKING:
    import sympy

__all__ = ["A_LAWS", "ReadoutLaw", "readout_law", "a_squared_moment", "sample_readout"]


def _gaussian_sample(k: int, rng: np.random.Generator) -> np.ndarray:
    return rng.standard_normal(k)


def _rademacher_sample(k: int, rng: np.random.Generator) -> np.ndarray:
    return rng.choice(np.array([-1.0, 1.0]), k)


def _uniform_sample(k: int, rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), k)


@dataclass(frozen=True)
class ReadoutLaw:
    """A unit-variance symmetric law of one readout weight: ``E[a^(2p)]`` exactly, and a sampler."""

    name: str
    even_moment: Callable[[int], sympy.Rational]  # p -> E[a^(2p)]
    sampler: Callable[[int, np.random.Generator], np.ndarray]

    def moment(self, p: int) -> sympy.Rational:
        """``E[a^p]``: zero for odd p (symmetric laws), 1 for p = 0.

        >>> [readout_law("gaussian").moment(p) for p in range(5)]
        [1, 0, 1, 0, 3]
        """
        import sympy  # the exact moments are sympy numbers; sampling needs no sympy

        return sympy.Integer(0) if p % 2 else sympy.sympify(self.even_moment(p // 2))

    def sample(self, k: int, rng: np.random.Generator) -> np.ndarray:
        """Draw k i.i.d. weights."""
        return self.sampler(k, rng)


def _gaussian_moment(p: int) -> sympy.Rational:
    import sympy

    return sympy.factorial2(2 * p - 1)


def _rademacher_moment(p: int) -> sympy.Rational:
    import sympy

    return sympy.Integer(1)


def _uniform_moment(p: int) -> sympy.Rational:
    import sympy

    return sympy.Rational(3**p, 2 * p + 1)


_LAWS = {
    law.name: law
    for law in (
        ReadoutLaw("gaussian", _gaussian_moment, _gaussian_sample),
        ReadoutLaw("rademacher", _rademacher_moment, _rademacher_sample),
        ReadoutLaw("uniform", _uniform_moment, _uniform_sample),
    )
}
A_LAWS = tuple(_LAWS)


def readout_law(name: str) -> ReadoutLaw:
    """The readout law of this name; a one-line ParameterError for an unknown one."""
    try:
        return _LAWS[name]
    except KeyError:
        raise ParameterError(f"unknown law of a {name!r}; choose one of {', '.join(A_LAWS)}") from None


def a_squared_moment(law: str, p: int) -> sympy.Rational:
    """``E[a^(2p)]`` for a unit-variance readout law.

    >>> [a_squared_moment("gaussian", p) for p in range(1, 5)]
    [1, 3, 15, 105]
    >>> a_squared_moment("uniform", 2)
    9/5
    """
    import sympy

    return sympy.sympify(readout_law(law).even_moment(p))


def sample_readout(k: int, a_law: str, rng: np.random.Generator) -> np.ndarray:
    """Unit-variance readout weights: ``gaussian``, ``rademacher`` or ``uniform`` on [-sqrt 3, sqrt 3]."""
    return readout_law(a_law).sample(k, rng)
