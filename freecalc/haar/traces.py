"""Trace expressions at finite size N: the exact Haar average beside the free limit, in the same atoms.

Families are as in the free engine; the first family is fixed and every other one is conjugated by its own
independent Haar matrix of size N (``X -> U X U*``, or ``O X O^T``). An expression is first written as a
polynomial in traces of (mixed) words, keeping products of traces together, since at finite N
``E[tr(P) tr(Q)] != E[tr(P)] E[tr(Q)]`` (:data:`freecalc.free.interpret.UNEXPANDED`); every product of traces
is then averaged exactly by the Weingarten calculus (:func:`freecalc.haar.averages.normalized_average`;
Collins 2003, Collins & Sniady 2006, Collins & Matsumoto 2009 and 2017). The coefficients are rational
functions of N (a sympy Symbol, valid for N at least the number of runs of each family) or rationals (an
integer N, exact for every N >= 1). As N -> oo the result tends to the free engine's closed form
(asymptotic freeness: Voiculescu 1991; Collins 2003), which the tests check word by word.

The orthogonal group assumes every letter is a symmetric matrix: a word and its reversal have the same
trace, and atoms are written in the least of the two (``tr(A B C)`` for ``tr(C B A)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache

import sympy

from ..errors import FreecalcError, ParameterError, WorkLimitError
from ..free.atoms import atom_key, poly_to_sympy, trace_atom
from ..free.interpret import UNEXPANDED, as_families, expand_poly, interpret
from ..free.letters import canonical_rotation, check_group
from ..free.mixed_moments import BASES, convert_basis
from ..free.poly import Poly
from ..free.words import Families, Letter, Node, Product, Tr, letters_of, parse
from .averages import normalized_average, series_in_inverse_n
from .weingarten import summation_size

__all__ = ["SIZE", "finite_size_poly", "expand", "series_poly", "orthogonal_canonical", "haar_steps"]

SIZE = sympy.Symbol("N", positive=True, integer=True)


def _node(expression: str | Node | Sequence[str], size=None) -> Node:
    if isinstance(expression, str):  # a symbolic size is a scalar of the expression: forms in N parse back
        return parse(expression, scalars=(size.name,) if isinstance(size, sympy.Symbol) else ())
    if isinstance(expression, tuple | list):
        return Tr(Product(tuple(Letter(x) for x in expression)))
    return expression


def _size(size: int | sympy.Expr) -> int | sympy.Expr:
    if isinstance(size, bool) or not isinstance(size, int | sympy.Expr):
        raise ParameterError(f"the size must be an integer >= 1 or a sympy symbol, got {size!r}")
    if isinstance(size, int) and size < 1:
        raise ParameterError(f"the size must be at least 1, got {size}")
    return size


@lru_cache(maxsize=4096)
def _as_fraction_or_expr(value: sympy.Expr) -> Fraction | sympy.Expr:
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    return value


def _coefficient(value) -> Fraction | sympy.Expr:
    """Exact rationals as Fractions (the engine's own numbers); rational functions of N stay sympy.

    Weingarten sums produce few distinct values, so the conversion is cached.
    """
    return _as_fraction_or_expr(sympy.sympify(value))


def orthogonal_canonical(poly: Poly) -> Poly:
    """Atoms ``tr(w)`` rewritten as ``tr`` of the least of w and its reversal (symmetric letters)."""
    out: Poly = {}
    for monomial, coefficient in poly.items():
        ids = []
        for ident in monomial:
            kind, word = atom_key(ident)
            ids.append(trace_atom(canonical_rotation(word, "orthogonal")) if kind == "tr" else ident)
        key = tuple(sorted(ids))
        out[key] = out.get(key, 0) + coefficient
    return {m: c for m, c in out.items() if c != 0}


def haar_steps(words: Sequence[Sequence[str]], families: Families, group: str) -> int:
    """The pairs the Weingarten formula sums over, added over the rotated families.

    ``(n!)^2`` (unitary, pairs of permutations) or ``((2n-1)!!)^2`` (orthogonal, pairs of pairings) for a
    family with n runs (maximal blocks of its letters, cyclically) in the words.
    """
    total = 0
    for index in range(1, len(families.groups)):
        runs = 0
        for word in words:
            inside = [families.index(x) == index for x in word]
            if inside and not all(inside):
                runs += sum(1 for i in range(len(word)) if inside[i] and not inside[i - 1])
        total += summation_size(group, runs) ** 2 if runs else 0
    return total


def finite_size_poly(expression: str | Node | Sequence[str], families, basis: str = "moments", *,
                     size: int | sympy.Expr = SIZE, group: str = "unitary",
                     max_steps: int | None = None) -> Poly:
    """``E[expression]`` at size N as an internal polynomial (coefficients Fractions or sympy in N).

    With ``max_steps``, a product of traces whose Weingarten sum has more pairs (:func:`haar_steps`) is
    refused with a one-line :class:`~freecalc.errors.WorkLimitError`.
    """
    families: Families = as_families(families)
    check_group(group)
    if basis not in BASES:
        raise FreecalcError(f"unknown basis {basis!r}; choose one of {', '.join(BASES)}")
    if basis == "mixed":
        raise FreecalcError("the mixed basis is the free expansion's own form; at finite size use moments, "
                            "centered or cumulants")
    N = _size(size)
    node = _node(expression, N)
    families.check(letters_of(node))
    scalars = {N.name: N} if isinstance(N, sympy.Symbol) else None
    value = interpret(node, families, UNEXPANDED, scalars=scalars)
    if any(word for word in value):
        raise FreecalcError("the expression is not a scalar: every letter must stand inside tr(...)")
    groups = [tuple(g) for g in families.groups]
    out: Poly = {}
    merged: set = set()  # keys that received more than one contribution: only these need simplifying
    atom_of: dict = {}  # word -> trace atom id, for this call
    for monomial, coefficient in value.get((), {}).items():
        words = tuple(atom_key(i)[1] for i in monomial)
        if max_steps is not None and (steps := haar_steps(words, families, group)) > max_steps:
            shown = " ".join("tr(" + " ".join(w) + ")" for w in words)
            raise WorkLimitError(f"the {group} Weingarten sum of {shown[:80]} has {steps:,} pairs, over the "
                                 f"limit of {max_steps:,}; raise it with --max-steps (max_steps= in Python)")
        average = normalized_average(words, groups, group, N) if words else {(): sympy.Integer(1)}
        for traces, weight in average.items():
            key = tuple(sorted(atom_of[w] if w in atom_of else atom_of.setdefault(w, trace_atom(w))
                               for w in traces))
            term = _coefficient(weight)
            if coefficient != 1:
                term = coefficient * term
            if key in out or isinstance(coefficient, sympy.Expr):  # coefficients in N are tidied too
                merged.add(key)
                out[key] = out.get(key, 0) + term
            else:
                out[key] = term
    if basis == "moments":  # the averages' words are already canonical (with reversal for orthogonal)
        return {**out, **_tidy({key: out[key] for key in merged})} if merged else out
    out = convert_basis(out, basis)
    return _tidy(orthogonal_canonical(out) if group == "orthogonal" else out)


def _tidy(poly: Poly) -> Poly:
    """Coefficients factored (rational functions of N) or Fractions; zeros dropped."""
    out: Poly = {}
    for monomial, coefficient in poly.items():
        if isinstance(coefficient, sympy.Expr):
            coefficient = _as_fraction_or_expr(sympy.factor(sympy.cancel(coefficient)))
        if coefficient != 0:
            out[monomial] = coefficient
    return out


def series_poly(poly: Poly, order: int, N: sympy.Symbol = SIZE) -> Poly:
    """Every coefficient replaced by its expansion in ``1/N`` up to ``N^(-order)``."""
    if order < 0:
        raise ParameterError(f"the series order must be >= 0, got {order}")
    out = {}
    for monomial, coefficient in poly.items():
        value = coefficient
        if isinstance(coefficient, sympy.Expr):
            value = series_in_inverse_n(coefficient, N, order)
        if value != 0:
            out[monomial] = value
    return out


def expand(expression: str | Node | Sequence[str], families, basis: str = "moments", *,
                 size: int | sympy.Expr | None = None, group: str = "unitary",
                 series: int | None = None) -> sympy.Expr:
    """Closed form of a trace expression: the free limit, or with ``size`` the exact Haar average.

    ``expression`` is a string such as ``"tr(A R A R B R)"`` (grammar: :mod:`freecalc.free.words`), a
    parsed expression, or a word given as a sequence of letters. ``families`` lists the families, e.g.
    ``["A,B", "R"]``. Without ``size`` the families are freely independent (N -> oo; the engine of
    :func:`freecalc.free.interpret.expand_poly`) and the result is a polynomial in
    :class:`~freecalc.free.atoms.Trace` (and, in the cumulant bases, :class:`~freecalc.free.atoms.Cumulant`)
    atoms of one family each. With ``size`` (an int N >= 1 or a sympy Symbol such as :data:`SIZE`) it is
    ``E[expression]`` when every family but the first is conjugated by its own Haar matrix of ``group``
    ("unitary" or "orthogonal"), in the same atoms; ``series=K`` expands the coefficients in ``1/N`` to
    order K.

    >>> expand("tr(A R A R)", ["A", "R"])
    -tr(A)**2*tr(R)**2 + tr(A)**2*tr(R^2) + tr(A^2)*tr(R)**2
    >>> expand("tr(A R A R)", ["A", "R"], basis="mixed")
    κ(A, A)*tr(R)**2 + tr(A)**2*tr(R^2)
    >>> expand("tr(A R)", ["A", "R"], size=SIZE)
    tr(A)*tr(R)
    >>> expand("tr(A R A R)", ["A", "R"], size=2)
    -4*tr(A)**2*tr(R)**2/3 + 4*tr(A)**2*tr(R^2)/3 + 4*tr(A^2)*tr(R)**2/3 - tr(A^2)*tr(R^2)/3
    """
    if size is None:
        if series is not None:
            raise ParameterError("a 1/N series needs a size (a symbol)")
        return poly_to_sympy(expand_poly(expression, families, basis))
    poly = finite_size_poly(expression, families, basis, size=size, group=group)
    if series is not None:
        if not isinstance(size, sympy.Symbol):
            raise ParameterError("a 1/N series needs a symbolic size")
        poly = series_poly(poly, series, size)
    return poly_to_sympy(poly)
