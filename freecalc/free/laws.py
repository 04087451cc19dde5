"""Laws with known free cumulants: semicircle, free Poisson and compound free Poisson.

* Semicircle of variance s: ``kappa_2 = s``, all others 0 (Nica & Speicher, Example 11.21).
* Free Poisson of rate lam and jump size alpha: ``kappa_p = lam alpha^p`` (Proposition 12.11).
* Compound free Poisson of rate lam and jump law nu: ``kappa_p = lam E_nu[x^p]`` (Proposition 12.11 and
  Mingo & Speicher, *Free Probability and Random Matrices*, Section 2.6).

The law of the network matrix ``R = W^T diag(a^2) W`` is a compound free Poisson law:
:mod:`freecalc.quadratic.rlaw`.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["semicircle_cumulants", "free_poisson_cumulants", "compound_free_poisson_cumulants"]


def semicircle_cumulants(order: int, variance=1) -> list:
    """Free cumulants of the centered semicircle law of the given variance.

    >>> semicircle_cumulants(4)
    [0, 1, 0, 0]
    """
    return [0, variance] + [0] * (order - 2) if order >= 2 else [0][:order]


def free_poisson_cumulants(order: int, rate, jump=1) -> list:
    """Free cumulants ``lam alpha^p`` of the free Poisson law (Marchenko-Pastur).

    >>> free_poisson_cumulants(3, 2)
    [2, 2, 2]
    """
    return [rate * jump**p for p in range(1, order + 1)]


def compound_free_poisson_cumulants(rate, jump_moments: Sequence) -> list:
    """Free cumulants ``lam E_nu[x^p]`` of the compound free Poisson law, from the jump moments."""
    return [rate * m for m in jump_moments]
