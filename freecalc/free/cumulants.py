"""Free cumulants and moments, both ways, univariate and multivariate.

Moment-cumulant formula (Nica & Speicher, *Lectures on the Combinatorics of Free Probability*, Definition
11.3): ``tr(x_1 ... x_n) = sum over pi in NC(n) of kappa_pi[x_1, ..., x_n]``; its Moebius inversion
(Proposition 11.4): ``kappa_n(x_1, ..., x_n) = sum over pi in NC(n) of mu(pi, 1_n) tr_pi[x_1, ..., x_n]``.
Univariate: the moment series ``M(z) = 1 + sum m_n z^n`` and ``C(z) = 1 + sum kappa_n z^n`` satisfy
``M(z) = C(z M(z))`` (Theorem 16.15 and Remark 16.18), i.e. ``m_n = sum_s kappa_s [z^(n-s)] M(z)^s``.
The R- and S-transforms built on them are in :mod:`freecalc.free.transforms`.

Names say what goes in and what comes out, ``<from>_to_<to>``: :func:`moments_to_cumulants` and
:func:`cumulants_to_moments` convert a whole sequence (univariate); :func:`cumulant_to_moments` and
:func:`moment_to_cumulants` one multivariate quantity; the per-atom polynomials used by the engine are
``*_in_*_poly``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from ..combinatorics.noncrossing import nc_blocks, nc_moebius_table
from . import poly as _poly
from .atom_ids import atom_key, cumulant_atom, trace_atom
from .poly import Poly

if TYPE_CHECKING:
    import sympy

__all__ = [
    "moments_to_cumulants",
    "cumulants_to_moments",
    "univariate_cumulant_in_moments",
    "cumulant_to_moments",
    "moment_to_cumulants",
    "cumulant_in_moments_poly",
    "moment_in_cumulants_poly",
]


@cache
def _moment_powers(s: int, t: int) -> dict[tuple[int, ...], int]:
    """``[z^t] M(z)^s`` with ``M(z) = 1 + sum m_j z^j``, monomials as sorted tuples of moment orders."""
    if s == 0:
        return {(): 1} if t == 0 else {}
    out: dict[tuple[int, ...], int] = {}
    for u in range(t + 1):
        for mono, c in _moment_powers(s - 1, t - u).items():
            key = tuple(sorted(mono + (u,))) if u else mono
            out[key] = out.get(key, 0) + c
    return out


@cache
def univariate_cumulant_in_moments(n: int) -> dict[tuple[int, ...], int]:
    """``kappa_n`` as a polynomial in the moments ``m_j``; monomials are sorted tuples of the orders j.

    Solves ``m_n = sum_{s=1}^{n} kappa_s [z^(n-s)] M(z)^s`` for ``kappa_n`` (Nica & Speicher, Remark 16.18).

    >>> univariate_cumulant_in_moments(2)
    {(2,): 1, (1, 1): -1}
    """
    poly: dict[tuple[int, ...], int] = {(n,): 1}
    for s in range(1, n):
        lower = univariate_cumulant_in_moments(s)
        for mono_m, cm in _moment_powers(s, n - s).items():
            for mono_k, ck in lower.items():
                key = tuple(sorted(mono_m + mono_k))
                poly[key] = poly.get(key, 0) - cm * ck
    return {m: c for m, c in poly.items() if c}


def _expanded(value):
    """A sympy expression expanded; a number as it is (sympy is loaded only by sympy input)."""
    sympy = sys.modules.get("sympy")
    return sympy.expand(value) if sympy is not None and isinstance(value, sympy.Basic) else value


def moments_to_cumulants(moments: Sequence) -> list:
    """Free cumulants ``kappa_1..kappa_n`` of a law from its moments ``m_1..m_n`` (numbers or sympy).

    Semicircle moments 0, 1, 0, 2 have cumulants 0, 1, 0, 0 (Nica & Speicher, Example 11.21):

    >>> moments_to_cumulants([0, 1, 0, 2])
    [0, 1, 0, 0]
    """
    m = list(moments)
    out = []
    for n in range(1, len(m) + 1):
        total = 0
        for mono, c in univariate_cumulant_in_moments(n).items():
            term = c
            for j in mono:
                term = term * m[j - 1]
            total = total + term
        out.append(_expanded(total))
    return out


def cumulants_to_moments(cumulants: Sequence) -> list:
    """Moments ``m_1..m_n`` from free cumulants, by ``m_n = sum_s kappa_s [z^(n-s)] M(z)^s``.

    Free Poisson with rate 2 (all cumulants 2) has Narayana-polynomial moments 2, 6, 22 (A001003 family):

    >>> cumulants_to_moments([2, 2, 2])
    [2, 6, 22]
    """
    k = list(cumulants)
    m: list = []
    for n in range(1, len(k) + 1):
        total = 0
        for s in range(1, n + 1):
            coefficient = 0
            for mono, c in _moment_powers(s, n - s).items():
                term = c
                for j in mono:
                    term = term * m[j - 1]
                coefficient = coefficient + term
            total = total + k[s - 1] * coefficient
        m.append(_expanded(total))
    return m


@cache
def cumulant_in_moments_poly(ident: int) -> Poly:
    """A cumulant atom as a polynomial in trace atoms (Nica & Speicher, Proposition 11.4).

    When all the arguments are equal, the univariate relation replaces the sum over NC(s).
    """
    kind, args = atom_key(ident)
    if kind != "k":
        return _poly.monomial(ident)
    out: Poly = {}
    if len(set(args)) == 1:
        element = args[0]
        for mono, c in univariate_cumulant_in_moments(len(args)).items():
            key = tuple(sorted(trace_atom(element * j) for j in mono))
            out[key] = out.get(key, 0) + c
        return _poly.prune(out)
    for blocks, weight in nc_moebius_table(len(args)):
        key = tuple(sorted(trace_atom(sum((args[i] for i in b), ())) for b in blocks))
        out[key] = out.get(key, 0) + weight
    return _poly.prune(out)


@cache
def moment_in_cumulants_poly(ident: int) -> Poly:
    """A trace atom as free cumulants of its letters (Nica & Speicher, Definition 11.3)."""
    kind, word = atom_key(ident)
    if kind != "tr" or len(word) <= 1:
        return _poly.monomial(ident)
    out: Poly = {}
    for blocks in nc_blocks(len(word)):
        key = tuple(sorted(cumulant_atom(tuple((word[i],) for i in b)) for b in blocks))
        out[key] = out.get(key, 0) + 1
    return out


def cumulant_to_moments(arguments: Sequence[Sequence[str] | str]) -> sympy.Expr:
    """The free cumulant ``kappa(x_1, ..., x_s)`` in moments; each argument is a word (or one letter).

    >>> cumulant_to_moments(["A", "B"])
    tr(A B) - tr(A)*tr(B)
    """
    args = tuple((a,) if isinstance(a, str) else tuple(a) for a in arguments)
    from .atoms import poly_to_sympy

    return poly_to_sympy(cumulant_in_moments_poly(cumulant_atom(args)))


def moment_to_cumulants(word: Sequence[str]) -> sympy.Expr:
    """The moment ``tr(x_1 ... x_m)`` as a sum of products of free cumulants of its letters.

    >>> moment_to_cumulants(["A", "A"])
    κ(A, A) + tr(A)**2
    """
    from .atoms import poly_to_sympy

    return poly_to_sympy(moment_in_cumulants_poly(trace_atom(tuple(word))))
