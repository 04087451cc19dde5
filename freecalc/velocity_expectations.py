"""Exact expectations of the C-NFC's second derivatives over the network's initialization (Proposition 8).

For ``f(x) = a^T (W x)^2`` the output derivative in the pre-activations is ``J = 2 X W^T diag(a)`` (n x k),
and with the loss-derivative diagonal ``Y`` the weight velocity is ``Wdot = J^T Y X = 2 diag(a) W C``,
``C = X^T Y X`` (paper ``001_5ced43a5f77034bb``, proof of Proposition 3). Hence, with ``B = X^T X`` and
``R = W^T diag(a)^2 W``,

* ``Wdot^T Wdot = 4 C R C`` (second derivative of the centered NFM),
* ``Wdot^T K Wdot = 16 C R B R C`` with ``K = J^T J`` (second derivative of the centered AGOP),

and their expectations over ``W_ij ~ N(0, s2)``, ``a_s`` i.i.d. are Gaussian (Wick) computations, exact in
k and d (:func:`freecalc.wick.wick_expectation`). The paper's Proposition 8 drops the factor 2 of ``J``;
:data:`PAPER_SCALE` undoes it for side-by-side comparison.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy

from .wick import moment_symbol, wick_expectation

__all__ = ["NFM_WORD", "AGOP_WORD", "PAPER_SCALE", "expected_velocity_grams", "neuron_index_split"]

NFM_WORD = "C W' D^2 W C"  # Wdot^T Wdot / 4
AGOP_WORD = "C W' D^2 W B W' D^2 W C"  # Wdot^T K Wdot / 16
PAPER_SCALE = {"nfm": 4, "agop": 16}  # Wdot^T Wdot = 4 C R C, Wdot^T K Wdot = 16 C R B R C


def expected_velocity_grams(
    *, variance: object = None, a_moments: None | str | Mapping[int, object] = None, paper_scale: bool = True
) -> dict[str, sympy.Expr]:
    """``E[Wdot^T Wdot]`` (key ``nfm``) and ``E[Wdot^T K Wdot]`` (key ``agop``), exact in k and d.

    With ``paper_scale`` (default) the factors 4 and 16 from ``J = 2 X W^T diag(a)`` are divided out, as in
    the paper's Proposition 8, i.e. these are ``E[C R C]`` and ``E[C R B R C]``.
    """
    out = {
        "nfm": wick_expectation(NFM_WORD, variance=variance, a_moments=a_moments),
        "agop": wick_expectation(AGOP_WORD, variance=variance, a_moments=a_moments),
    }
    if not paper_scale:
        out = {name: sympy.expand(PAPER_SCALE[name] * expr) for name, expr in out.items()}
    return out


def neuron_index_split(expr: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """Split an expectation of a word with two ``D^2`` into (same-neuron, cross-neuron) parts.

    ``sum_{s1, s2} E[a_{s1}^2 a_{s2}^2] ... `` splits into ``s1 = s2`` terms, carrying ``E[a^4]``, and
    ``s1 != s2`` terms, carrying ``E[a^2]^2`` (symbolic moments required).
    """
    m2, m4 = moment_symbol(2), moment_symbol(4)
    expanded = sympy.expand(expr)
    same = sympy.expand(expanded.coeff(m4, 1) * m4)
    cross = sympy.expand(expanded.coeff(m2, 2) * m2**2)
    if sympy.expand(expanded - same - cross) != 0:
        raise ValueError("the expression is not a combination of E[a^4] and E[a^2]^2 terms")
    return same, cross
