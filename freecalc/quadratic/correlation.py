"""The C-NFC as a correlation of two matrices, from the traces the closed forms give.

With ``G = C R C`` and ``H = C R B R C`` (:mod:`freecalc.quadratic.words`), the cosine C-NFC is
``tr(G H) / sqrt(tr(G^2) tr(H^2))`` (paper arXiv:2402.05271, eqs. (6), (9)); the Pearson correlation over
the d x d entries (the paper's released code) subtracts the entry means ``tr(G P)``, ``tr(H P)``,
``P = 1 1^T / d``. Kept apart from the closed forms so that evaluating them needs no sympy.
"""

from __future__ import annotations

import math

from ..errors import DataError

__all__ = ["CNFC_TRACES", "correlation_from_traces", "correlation_of_products"]

G = "C R C"
H = "C R B R C"
CNFC_TRACES = {
    "numerator": f"tr({G} {H})",  # tr(A R A R B R), eq. (15)
    "nfm_square": f"tr({G} {G})",  # tr(A R A R), eq. (19)
    "agop_square": f"tr({H} {H})",  # tr(A R B R A R B R), eq. (21)
    "nfm_mean": f"tr({G} P)",
    "agop_mean": f"tr({H} P)",
}


def correlation_from_traces(traces: dict[str, float], kind: str = "cosine", dim: int | None = None) -> float:
    """The correlation of G and H from their traces.

    cosine: ``tr(GH) / sqrt(tr(G^2) tr(H^2))``; pearson (d x d entries):
    ``(tr(GH) - d tr(GP) tr(HP)) / sqrt((tr(G^2) - d tr(GP)^2) (tr(H^2) - d tr(HP)^2))``.
    """
    num, gg, hh = traces["numerator"], traces["nfm_square"], traces["agop_square"]
    if kind == "cosine":
        num_value, squares = num, (gg, hh)
    elif kind == "pearson":
        if dim is None:
            raise ValueError("pearson needs the dimension d")
        gm, hm = traces["nfm_mean"], traces["agop_mean"]
        num_value, squares = num - dim * gm * hm, (gg - dim * gm * gm, hh - dim * hm * hm)
    else:
        raise ValueError(f"unknown correlation {kind!r}")
    return correlation_of_products(
        num_value, *squares,
        overflow=f"the {kind} correlation's predicted traces overflow in float64; rescale X or y",
        zero=f"the {kind} correlation is undefined: a second derivative has zero (or negative) predicted "
             f"norm {squares}")


def correlation_of_products(cross: float, first: float, second: float, *, overflow: str, zero: str) -> float:
    """``<A, B> / (|A| |B|)`` from ``<A, B>``, ``|A|^2`` and ``|B|^2``, or a DataError with the given text.

    ``overflow`` when one of them is not finite (inf, or inf - inf), ``zero`` when a squared norm is not
    positive. The norms are taken one at a time (``sqrt |A|^2 sqrt |B|^2``), so that their product does not
    overflow where each is finite; an infinite one would make the correlation a silent 0.
    """
    if not all(math.isfinite(value) for value in (cross, first, second)):
        raise DataError(overflow)
    if not (first > 0 and second > 0):
        raise DataError(zero)
    return float(cross / (math.sqrt(first) * math.sqrt(second)))
