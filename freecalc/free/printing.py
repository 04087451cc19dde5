"""Printing closed forms straight from the engine's polynomial: plain text, LaTeX and term data, streamed.

Canonical term order (documented, independent of how atoms were interned): in each term the atoms are
written in increasing order of their printed names (``tr(A)`` before ``tr(A^2)`` before ``tr(R)``), with
powers; terms are ordered by the sequence of ``(name, -power)`` pairs of their atoms, lexicographically, the
constant term first. Equal closed forms print equally. Plain text uses the grammar of
:mod:`freecalc.free.words` (``*``, ``**``, ``/``), so a printed closed form parses back; rational
coefficients print as ``p/q*...``.

The sympy expression (:func:`freecalc.free.atoms.poly_to_sympy`) stays available; these printers never
build it, so they run at the speed of the engine and in memory proportional to one term at a time (the
terms are sorted once, by precomputed keys).
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from functools import cache

import sympy

from .atoms import atom_symbol
from .poly import Poly

__all__ = ["ordered_terms", "term_text", "term_latex", "term_data", "iter_text", "iter_latex", "to_text",
           "to_latex"]

Term = tuple[tuple[tuple[str, int, int], ...], Fraction]  # ((name, power, atom id), ...), coefficient

# Coefficients are rationals (Fraction) or, for closed forms at a symbolic size N, sympy rational functions.


def _negative(coefficient) -> bool:
    if isinstance(coefficient, Fraction):
        return coefficient < 0
    return bool(sympy.sympify(coefficient).could_extract_minus_sign())


def _magnitude(coefficient):
    return -coefficient if _negative(coefficient) else coefficient


@cache
def _name(ident: int) -> str:
    return str(atom_symbol(ident))


@cache
def _latex_atom(ident: int) -> str:
    return sympy.latex(atom_symbol(ident))


def _factors(monomial: tuple[int, ...]) -> tuple[tuple[str, int, int], ...]:
    powers: dict[int, int] = {}
    for ident in monomial:
        powers[ident] = powers.get(ident, 0) + 1
    return tuple(sorted((_name(i), p, i) for i, p in powers.items()))


def ordered_terms(poly: Poly) -> list[Term]:
    """The terms in canonical order, each as its sorted ``(name, power, atom id)`` factors and coefficient.

    >>> from freecalc.free.interpret import expand_poly
    >>> terms = ordered_terms(expand_poly("tr(A R A R)", ["A", "R"]))
    >>> [(" ".join(f"{n}^{p}" for n, p, _ in factors), str(c)) for factors, c in terms]
    [('tr(A)^2 tr(R)^2', '-1'), ('tr(A)^2 tr(R^2)^1', '1'), ('tr(A^2)^1 tr(R)^2', '1')]
    """
    keyed = []
    for monomial, coefficient in poly.items():
        factors = _factors(monomial)
        value = coefficient if isinstance(coefficient, sympy.Basic) else Fraction(coefficient)
        keyed.append((tuple((name, -p) for name, p, _ in factors), factors, value))
    keyed.sort(key=lambda item: item[0])
    return [(factors, coefficient) for _, factors, coefficient in keyed]


def term_text(factors, coefficient) -> str:
    """One term without its sign, e.g. ``3/2*tr(A)**2*tr(R)`` (a rational function of N in parentheses)."""
    body = "*".join(name if p == 1 else f"{name}**{p}" for name, p, _ in factors)
    size = _magnitude(coefficient)
    if not isinstance(size, Fraction):
        return f"({size})" + (f"*{body}" if body else "")
    number = str(size.numerator) if size.denominator == 1 else f"{size.numerator}/{size.denominator}"
    if not body:
        return number
    return body if size == 1 else f"{number}*{body}"


def term_latex(factors, coefficient) -> str:
    """One term without its sign, in LaTeX."""
    body = " ".join(_latex_atom(i) if p == 1 else f"{_latex_atom(i)}^{{{p}}}" for _, p, i in factors)
    size = _magnitude(coefficient)
    if not isinstance(size, Fraction):
        return rf"\left({sympy.latex(size)}\right)" + (f" {body}" if body else "")
    number = str(size.numerator)
    if size.denominator != 1:
        number = rf"\frac{{{size.numerator}}}{{{size.denominator}}}"
    if not body:
        return number
    return body if size == 1 else f"{number} {body}"


def term_data(factors, coefficient) -> dict:
    """One term as data: ``{"coefficient": "p/q", "atoms": [{"atom": "tr(A)", "power": 2}, ...]}``."""
    return {"coefficient": str(coefficient), "atoms": [{"atom": name, "power": p} for name, p, _ in factors]}


def _iter(terms: list[Term], one) -> Iterator[str]:
    if not terms:
        yield "0"
        return
    for index, (factors, coefficient) in enumerate(terms):
        text = one(factors, coefficient)
        negative = _negative(coefficient)
        if index == 0:
            yield f"-{text}" if negative else text
        else:
            yield f" - {text}" if negative else f" + {text}"


def iter_text(terms: list[Term]) -> Iterator[str]:
    """The plain text of a closed form, piece by piece (for streaming)."""
    return _iter(terms, term_text)


def iter_latex(terms: list[Term]) -> Iterator[str]:
    """The LaTeX of a closed form, piece by piece (for streaming)."""
    return _iter(terms, term_latex)


def to_text(poly: Poly) -> str:
    """Plain text of a closed form in canonical order.

    >>> from freecalc.free.interpret import expand_poly
    >>> to_text(expand_poly("tr(A R A R)", ["A", "R"]))
    '-tr(A)**2*tr(R)**2 + tr(A)**2*tr(R^2) + tr(A^2)*tr(R)**2'
    """
    return "".join(iter_text(ordered_terms(poly)))


def to_latex(poly: Poly) -> str:
    """LaTeX of a closed form in canonical order."""
    return "".join(iter_latex(ordered_terms(poly)))
