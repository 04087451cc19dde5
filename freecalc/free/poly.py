"""Sparse commutative polynomials over interned atoms: the engine's working representation.

A polynomial is a dict from monomials to non-zero coefficients; a monomial is a sorted tuple of atom ids
(with repetition). Plain Python ints and Fractions keep the arithmetic exact and fast; sympy objects are
built once, at the end (:mod:`freecalc.freeness`).
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

Monomial = tuple[int, ...]
Poly = dict[Monomial, int | Fraction]

ONE: Poly = {(): 1}


def constant(value: int | Fraction) -> Poly:
    """The constant polynomial."""
    return {(): value} if value else {}


def monomial(*ids: int) -> Poly:
    """The polynomial made of one monomial with coefficient 1."""
    return {tuple(sorted(ids)): 1}


def mul(p: Poly, q: Poly) -> Poly:
    """Product of two polynomials."""
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


def add_into(acc: Poly, p: Poly, scale: int | Fraction = 1) -> None:
    """``acc += scale * p`` in place (zero coefficients are kept until :func:`prune`)."""
    get = acc.get
    for m, c in p.items():
        acc[m] = get(m, 0) + scale * c


def prune(p: Poly) -> Poly:
    """Drop zero coefficients."""
    return {m: c for m, c in p.items() if c}


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
