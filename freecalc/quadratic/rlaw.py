"""The limit law of the network matrix ``R = W^T diag(a^2) W``: compound free Poisson.

``W`` is k x d with i.i.d. N(0, 1/k) entries and ``a`` has i.i.d. entries (:mod:`.readout`). ``R`` is a
sum of k rank-one matrices ``a_s^2 w_s w_s^T`` whose non-zero eigenvalue is ``a_s^2 |w_s|^2 -> a_s^2 d/k``;
with ``c = d/k`` it converges to the compound free Poisson law of rate ``1/c`` and jumps ``c a^2``
(Nica & Speicher, Proposition 12.11; Mingo & Speicher, *Free Probability and Random Matrices*, Section 2.6),
so ``kappa_p(R) = c^(p-1) E[a^(2p)]`` (checked against sampled networks in the tests and in
``derivations/r-law.md``).
"""

from __future__ import annotations

import sympy

from ..errors import ParameterError
from ..free.cumulants import moments_from_cumulants
from ..free.laws import compound_free_poisson_cumulants
from .readout import a_squared_moment

__all__ = ["network_r_cumulants", "network_r_moments"]


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
