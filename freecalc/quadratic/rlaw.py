"""The limit law of the network matrix ``R = W^T diag(a^2) W``: compound free Poisson.

``W`` is k x d with i.i.d. N(0, 1/k) entries and ``a`` has i.i.d. entries (:mod:`.readout`). ``R`` is a
sum of k rank-one matrices ``a_s^2 w_s w_s^T`` whose non-zero eigenvalue is ``a_s^2 |w_s|^2 -> a_s^2 d/k``;
with ``c = d/k`` it converges to the compound free Poisson law of rate ``1/c`` and jumps ``c a^2``
(Nica & Speicher, Proposition 12.11; Mingo & Speicher, *Free Probability and Random Matrices*, Section 2.6),
so ``kappa_p(R) = c^(p-1) E[a^(2p)]`` (checked against sampled networks in the tests and in
``derivations/r-law.md``).
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache

import sympy

from ..errors import ParameterError
from ..free.cumulants import cumulants_to_moments
from ..free.laws import compound_free_poisson_cumulants
from ..gaussian.atoms import DIM, K
from ..gaussian.wick import wick_expectation
from .readout import a_squared_moment, readout_law

__all__ = ["network_r_cumulants", "network_r_moments", "exact_r_moments",
           "evaluate_exact_r_moments"]


def _exact(value):
    """An exact number or expression as it is (sympy); a float as the rational it stands for (nsimplify).

    ``nsimplify`` is kept off exact input: it is not the identity on every rational (it returned
    ``1563405745/19683`` 7e-10 away from itself with sympy 1.14) and it cuts repeating decimals.
    """
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, sympy.Basic) and not value.has(sympy.Float):
        return value
    return sympy.nsimplify(value)


def network_r_cumulants(order: int, ratio, a_law: str = "gaussian") -> list:
    """Free cumulants ``c^(p-1) E[a^(2p)]`` of ``R = W^T diag(a^2) W`` in the limit ``d/k -> c``.

    >>> network_r_cumulants(3, sympy.Rational(1, 2))
    [1, 3/2, 15/4]
    """
    if not ratio > 0:
        raise ParameterError("the ratio d/k must be positive")
    c = _exact(ratio)
    jumps = [(c**p) * a_squared_moment(a_law, p) for p in range(1, order + 1)]
    return compound_free_poisson_cumulants(1 / c, jumps)


def network_r_moments(order: int, ratio, a_law: str = "gaussian") -> list:
    """Moments ``tr(R^p)``, p = 1..order, of the limit law of R (from :func:`network_r_cumulants`).

    >>> network_r_moments(3, 1)
    [1, 4, 25]
    """
    return [_exact(m) for m in cumulants_to_moments(network_r_cumulants(order, ratio, a_law))]


@cache
def exact_r_moments(order: int, a_law: str = "gaussian") -> tuple[sympy.Expr, ...]:
    """``E tr(R^p)``, p = 1..order, exact in k and d: the Wick engine on ``tr((W' D^2 W)^p)``.

    Isserlis' theorem over the pairings of the 2p entries of W (:mod:`freecalc.gaussian.wick`), W_ij ~
    N(0, 1/k), a i.i.d. from the readout law. For Gaussian a, ``E tr R^2 = 1 + 3c + 5/k`` with c = d/k
    (tested by hand and against sampled networks); the limit d, k -> oo at fixed c is
    :func:`network_r_moments`.

    >>> exact_r_moments(2)
    (1, (3*d + k + 5)/k)
    """
    moment = readout_law(a_law).moment
    return tuple(sympy.factor(wick_expectation("tr(" + " ".join(["W' D^2 W"] * p) + ")", a_moments=moment))
                 for p in range(1, order + 1))


def evaluate_exact_r_moments(order: int, d: int, k: int, a_law: str = "gaussian") -> list[float]:
    """:func:`exact_r_moments` at integer sizes."""
    return [float(m.subs({DIM: d, K: k})) for m in exact_r_moments(order, a_law)]
