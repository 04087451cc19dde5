"""Laws with known free cumulants: semicircle, free Poisson, compound free Poisson, and R of a network.

* Semicircle of variance s: ``kappa_2 = s``, all others 0 (Nica & Speicher, Example 11.21).
* Free Poisson of rate lam and jump size alpha: ``kappa_p = lam alpha^p`` (Proposition 12.11).
* Compound free Poisson of rate lam and jump law nu: ``kappa_p = lam E_nu[x^p]`` (Proposition 12.11 and
  Mingo & Speicher, *Free Probability and Random Matrices*, Section 2.6).
* ``R = W^T diag(a^2) W`` with ``W`` k x d of i.i.d. N(0, 1/k) entries and i.i.d. ``a``: a sum of k rank-one
  matrices ``a_s^2 w_s w_s^T`` whose non-zero eigenvalue is ``a_s^2 |w_s|^2 -> a_s^2 d/k``; with
  ``c = d/k`` it converges to the compound free Poisson law of rate ``1/c`` and jumps ``c a^2``, so
  ``kappa_p(R) = c^(p-1) E[a^(2p)]`` (design notes; checked by Monte Carlo in the tests).
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from .cumulants import moments_from_cumulants
from .errors import ParameterError

__all__ = [
    "A_LAWS",
    "a_squared_moment",
    "semicircle_cumulants",
    "free_poisson_cumulants",
    "compound_free_poisson_cumulants",
    "network_r_cumulants",
    "network_r_moments",
]

A_LAWS = ("gaussian", "rademacher", "uniform")


def a_squared_moment(law: str, p: int) -> sympy.Rational:
    """``E[a^(2p)]`` for a unit-variance readout law.

    Gaussian ``(2p-1)!!``, Rademacher 1, uniform on ``[-sqrt 3, sqrt 3]`` ``3^p / (2p + 1)``.

    >>> [a_squared_moment("gaussian", p) for p in range(1, 5)]
    [1, 3, 15, 105]
    """
    if law == "gaussian":
        return sympy.factorial2(2 * p - 1)
    if law == "rademacher":
        return sympy.Integer(1)
    if law == "uniform":
        return sympy.Rational(3**p, 2 * p + 1)
    raise ParameterError(f"unknown law of a {law!r}; choose one of {', '.join(A_LAWS)}")


def semicircle_cumulants(order: int, variance=1) -> list:
    """Free cumulants of the centered semicircle law of the given variance."""
    return [0, variance] + [0] * (order - 2) if order >= 2 else [0][:order]


def free_poisson_cumulants(order: int, rate, jump=1) -> list:
    """Free cumulants ``lam alpha^p`` of the free Poisson law (Marchenko-Pastur)."""
    return [rate * jump**p for p in range(1, order + 1)]


def compound_free_poisson_cumulants(rate, jump_moments: Sequence) -> list:
    """Free cumulants ``lam E_nu[x^p]`` of the compound free Poisson law, from the jump moments."""
    return [rate * m for m in jump_moments]


def network_r_cumulants(order: int, ratio, a_law: str = "gaussian") -> list:
    """Free cumulants ``c^(p-1) E[a^(2p)]`` of ``R = W^T diag(a^2) W`` in the limit ``d/k -> c``.

    >>> network_r_cumulants(3, sympy.Rational(1, 2))
    [1, 3/2, 15/4]
    """
    if not ratio > 0:
        raise ParameterError("the ratio d/k must be positive")
    c = sympy.nsimplify(ratio)
    jumps = [(c**p) * a_squared_moment(a_law, p) for p in range(1, order + 1)]
    return compound_free_poisson_cumulants(1 / c, jumps)


def network_r_moments(order: int, ratio, a_law: str = "gaussian") -> list:
    """Moments ``tr(R^p)``, p = 1..order, of the limit law of R (from :func:`network_r_cumulants`).

    >>> network_r_moments(3, 1)
    [1, 4, 25]
    """
    return [sympy.nsimplify(m) for m in moments_from_cumulants(network_r_cumulants(order, ratio, a_law))]
