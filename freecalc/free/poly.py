"""Sparse commutative polynomials: the one polynomial type of the engine.

A polynomial is a dict from monomials to non-zero coefficients; a monomial is a sorted tuple of variables
(with repetition), so ``x^2 y`` is ``(x, x, y)`` and the constant monomial is ``()``. The variables are
any hashable, mutually comparable values: interned atom ids (ints) in the free engine's closed forms,
atom keys such as ``("tr", word)`` in second-order covariances (:mod:`freecalc.free.second_order`), and
cycle types of Weingarten values in Haar averages (:mod:`freecalc.haar.averages`). Plain Python ints and
Fractions keep the arithmetic exact and fast (at finite size a coefficient may be a sympy rational function
of N); sympy objects are built once, at the end, by the one bridge
:func:`freecalc.free.atoms.poly_to_sympy`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from fractions import Fraction
from typing import Any

__all__ = ["Monomial", "Poly", "FrozenPoly", "ONE", "constant", "monomial", "mul", "product", "add_into",
           "prune", "freeze", "substitute"]

Monomial = tuple[Hashable, ...]
Poly = dict[Monomial, int | Fraction | Any]
FrozenPoly = tuple[tuple[Monomial, int | Fraction | Any], ...]  # sorted items: hashable, for caches

ONE: Poly = {(): 1}


def constant(value: int | Fraction) -> Poly:
    """The constant polynomial."""
    return {(): value} if value else {}


def monomial(*variables: Hashable) -> Poly:
    """The polynomial made of one monomial with coefficient 1.

    >>> monomial(3, 1, 3)
    {(1, 3, 3): 1}
    """
    return {tuple(sorted(variables)): 1}


def mul(p: Poly, q: Poly) -> Poly:
    """Product of two polynomials (zero coefficients dropped).

    >>> mul({(1,): 1, (): 2}, {(1,): 1, (): -2})
    {(1, 1): 1, (): -4}
    """
    if len(p) < len(q):
        p, q = q, p
    if len(q) == 1:
        ((mq, cq),) = q.items()
        if not mq:
            return {m: c * cq for m, c in p.items()} if cq != 1 else dict(p)
        return {tuple(sorted(m + mq)): c * cq for m, c in p.items()}
    out: Poly = {}
    get = out.get
    for mp, cp in p.items():
        for mq, cq in q.items():
            m = tuple(sorted(mp + mq))
            out[m] = get(m, 0) + cp * cq
    return {m: c for m, c in out.items() if c}


def product(polys: Iterable[Poly]) -> Poly:
    """Product of several polynomials, smallest first."""
    result = ONE
    for p in sorted(polys, key=len):
        result = mul(result, p)
        if not result:
            return {}
    return result


def add_into(acc: Poly, p: Poly, scale: int | Fraction = 1, times: Monomial = ()) -> None:
    """``acc += scale * times * p``, ``times`` a monomial, in place (zeros stay until :func:`prune`).

    >>> acc = {(1,): 1}
    >>> add_into(acc, {(): 1, (1,): -1}, times=(2,)); acc
    {(1,): 1, (2,): 1, (1, 2): -1}
    """
    get = acc.get
    if times:
        for m, c in p.items():
            m = tuple(sorted(m + times))
            acc[m] = get(m, 0) + scale * c
        return
    for m, c in p.items():
        acc[m] = get(m, 0) + scale * c


def prune(p: Poly) -> Poly:
    """Drop zero coefficients."""
    return {m: c for m, c in p.items() if c}


def freeze(p: Poly) -> FrozenPoly:
    """The non-zero terms as a sorted tuple of ``(monomial, coefficient)`` (hashable, for caches)."""
    return tuple(sorted((m, c) for m, c in p.items() if c))


def substitute(p: Poly, images: dict[int, Poly]) -> Poly:
    """Replace atoms by polynomials: every atom id in ``images`` is replaced by its image."""
    out: Poly = {}
    cache: dict[Monomial, Poly] = {}
    for m, c in p.items():
        hit = tuple(i for i in m if i in images)
        if not hit:
            out[m] = out.get(m, 0) + c
            continue
        rest = tuple(i for i in m if i not in images)
        image = cache.get(hit)
        if image is None:
            image = cache[hit] = product(images[i] for i in hit)
        add_into(out, mul(image, {rest: c}))
    return prune(out)
