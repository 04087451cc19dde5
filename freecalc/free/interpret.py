"""Trace expressions (sums, products, powers, centering, nested traces) turned into closed forms.

An expression is interpreted as a polynomial in non-commuting words whose coefficients are closed forms
(polynomials in trace atoms); every ``tr`` of a word is expanded by the free mixed-moment engine
(:mod:`freecalc.free.mixed_moments`), and ``bar(X) = X - tr(X) 1``. By linearity and traciality of ``tr``
this gives the closed form of any scalar expression (Nica & Speicher, Lecture 1: a non-commutative
probability space is a unital algebra with a linear functional). The public entry point, in the free limit
and at finite size alike, is :func:`freecalc.haar.traces.expand`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from ..errors import FamilyError, FreecalcError, ParseError, WorkLimitError
from . import poly as _poly
from .atom_ids import cumulant_atom, second_order_atom, trace_atom
from .letters import MACRON
from .mixed_moments import BASES, expand_word, guarded
from .poly import Poly
from .tree import Interpreter
from .words import (
    Bar,
    Families,
    Inverse,
    Kappa,
    Kappa2,
    Letter,
    Node,
    Num,
    Power,
    Product,
    Scalar,
    Scale,
    Sum,
    Tr,
    letters_of,
    parse,
)
from .workload import WorkLimits, check_expression_size, check_limits

__all__ = ["NCPoly", "UNEXPANDED", "as_families", "interpret", "expand_poly"]

Word = tuple[str, ...]
# --- expressions: sums, products, powers, centering ----------------------------------------------------

NCPoly = dict[Word, Poly]  # word -> scalar coefficient polynomial


def _nc_mul(p: NCPoly, q: NCPoly) -> NCPoly:
    out: NCPoly = {}
    for wp, cp in p.items():
        for wq, cq in q.items():
            w = wp + wq
            coefficient = _poly.mul(cp, cq)
            if w in out:
                _poly.add_into(out[w], coefficient)
            else:
                out[w] = dict(coefficient)
    return {w: c for w, c in ((w, _poly.prune(c)) for w, c in out.items()) if c}


def _nc_add(p: NCPoly, q: NCPoly, scale: int | Fraction = 1) -> NCPoly:
    out = {w: dict(c) for w, c in p.items()}
    for w, c in q.items():
        _poly.add_into(out.setdefault(w, {}), c, scale)
    return {w: c for w, c in ((w, _poly.prune(c)) for w, c in out.items()) if c}


UNEXPANDED = "unexpanded"  # a pseudo-basis: traces of words are kept as atoms tr(word), words not split


def _trace(p: NCPoly, families: Families, basis: str, limits: WorkLimits | None = None) -> Poly:
    out: Poly = {}
    for word, coefficient in p.items():
        if basis == UNEXPANDED:
            traced = _poly.monomial(trace_atom(word)) if word else _poly.ONE
            _poly.add_into(out, _poly.mul(coefficient, traced))
            continue
        if limits is not None:
            check_limits(word, families, basis, limits)
        _poly.add_into(out, _poly.mul(coefficient, expand_word(word, families, basis)))
    return _poly.prune(out)


class _ClosedForm(Interpreter[NCPoly]):
    """Expressions as polynomials in words with closed-form coefficients; traces expanded in ``basis``."""

    def __init__(self, families: Families, basis: str, limits: WorkLimits | None,
                 scalars: Mapping[str, object] | None = None):
        self.families, self.basis, self.limits = families, basis, limits
        self.scalars = scalars or {}

    def num(self, node: Num) -> NCPoly:
        return {(): _poly.constant(node.value)} if node.value else {}

    def letter(self, node: Letter) -> NCPoly:
        return {(node.name,): dict(_poly.ONE)}

    def product(self, node: Product) -> NCPoly:
        result: NCPoly = {(): dict(_poly.ONE)}
        for factor in node.factors:
            result = _nc_mul(result, self(factor))
        return result

    def power(self, node: Power) -> NCPoly:
        """``x^p`` by repeated squaring: about ``2 log2 p`` products (Knuth, TAOCP vol. 2, section 4.6.3)."""
        square = self(node.base)
        result: NCPoly = {(): dict(_poly.ONE)}
        exponent = node.exponent
        while exponent:
            if exponent & 1:
                result = _nc_mul(result, square)
            exponent >>= 1
            if exponent:
                square = _nc_mul(square, square)
        return result

    def sum(self, node: Sum) -> NCPoly:
        result: NCPoly = {}
        for term in node.terms:
            result = _nc_add(result, self(term))
        return result

    def scale(self, node: Scale) -> NCPoly:
        return {w: {m: node.coefficient * c for m, c in p.items()} for w, p in self(node.expr).items()}

    def tr(self, node: Tr) -> NCPoly:
        value = _trace(self(node.expr), self.families, self.basis, self.limits)
        return {(): value} if value else {}

    def bar(self, node: Bar) -> NCPoly:
        inner = self(node.expr)
        value = _trace(inner, self.families, self.basis, self.limits)
        return _nc_add(inner, {(): value} if value else {}, -1)

    def kappa(self, node: Kappa) -> NCPoly:
        """A free cumulant: its moment expansion (the Interpreter's default), expanded in the basis.

        In the ``mixed`` basis, whose atoms include cumulants of words of one family, such a cumulant is kept
        as the atom it is, so that a printed mixed form parses back to the same polynomial.
        """
        if self.basis == "mixed":
            try:
                words = tuple(map(_word_of, node.args))
            except ParseError:  # an argument that is not a word (e.g. a sum): the moment expansion
                words = ()
            if words and all(words) and len({self.families.index(x) for w in words for x in w}) == 1:
                return {(): _poly.monomial(cumulant_atom(words))}
        return super().kappa(node)

    # The rest are atoms or scalars.

    def kappa2(self, node: Kappa2) -> NCPoly:
        return _second_order(node, self.families, self.basis)

    def scalar(self, node: Scalar) -> NCPoly:
        if node.name not in self.scalars:
            raise FreecalcError(f"the symbol {node.name} has no value here (a size symbol needs "
                                f"size={node.name})")
        return {(): _poly.constant(self.scalars[node.name])}

    def inverse(self, node: Inverse) -> NCPoly:
        return _inverse(self(node.expr))


def _word_of(node: Node) -> Word:
    """The word of a product of letters and non-negative powers of letters (an argument of an atom)."""
    if isinstance(node, Letter):
        return (node.name,)
    if isinstance(node, Bar) and isinstance(node.expr, Letter):
        return (node.expr.name + MACRON,)
    if isinstance(node, Power):
        return _word_of(node.base) * node.exponent
    if isinstance(node, Product):
        return sum(map(_word_of, node.factors), ())
    raise ParseError("the arguments of a second-order cumulant are words (products of letters)")


def _second_order(node: Kappa2, families: Families, basis: str) -> NCPoly:
    """``κ(x1, ..., xp | y1, ..., yq)`` of words inside one family: an atom, the same in every basis."""
    if basis == UNEXPANDED:
        raise FreecalcError("second-order cumulants κ(... | ...) are limits of covariances; they have no "
                            "finite-size average and cannot stand inside a covariance")
    first, second = tuple(map(_word_of, node.first)), tuple(map(_word_of, node.second))
    if len({families.index(x) for word in first + second for x in word}) > 1:
        raise FamilyError("the arguments of a second-order cumulant must lie in one family")
    return {(): _poly.monomial(second_order_atom(first, second))}


def _inverse(value: NCPoly) -> NCPoly:
    """``1 / c`` for a scalar c with no atoms (a number or a rational function of the size)."""
    constant = value.get((), {})
    if set(value) - {()} or set(constant) - {()}:
        raise ParseError("only numbers and polynomials in the size symbol can be divided by")
    c = constant.get((), 0)
    if c == 0:
        raise ParseError("division by zero")
    return {(): _poly.constant(1 / c)}


def interpret(node: Node, families: Families, basis: str, limits: WorkLimits | None = None, *,
              scalars: Mapping[str, object] | None = None) -> NCPoly:
    """An expression as a polynomial in words with scalar (closed-form) coefficients; traces are expanded.

    ``bar(X) = X - tr(X) 1``; ``basis`` is one of :data:`~freecalc.free.mixed_moments.BASES` or
    :data:`UNEXPANDED` (traces of words kept as atoms). ``scalars`` gives the values of declared scalar
    symbols (the size N, a sympy symbol, at finite size).
    """
    check_expression_size(node, limits)
    return _ClosedForm(families, basis, limits, scalars)(node)


def as_families(families) -> Families:
    """Families from a :class:`Families` or a sequence of groups such as ``["A,B", "R"]``."""
    if isinstance(families, Families):
        return families
    if isinstance(families, str):
        raise FamilyError("give the families as a sequence, e.g. ['A,B', 'R']")
    return Families.of(*families)


def expand_poly(expression: str | Node | Sequence[str], families, basis: str = "moments", *,
                limits: WorkLimits | None = None, progress=None) -> Poly:
    """Closed form as an internal polynomial over atom ids; see :func:`freecalc.haar.traces.expand`.

    With ``limits`` every traced word is estimated first (:func:`freecalc.free.workload.check_limits`) and
    refused with a one-line error when over a limit; ``progress(steps)`` follows the work.
    """
    families = as_families(families)
    if basis not in BASES:
        raise FreecalcError(f"unknown basis {basis!r}; choose one of {', '.join(BASES)}")
    if isinstance(expression, str):
        node = parse(expression)
    elif isinstance(expression, tuple | list):
        if not expression:
            raise ParseError("empty word")
        node = Tr(Product(tuple(Letter(x) for x in expression)))
    else:
        node = expression
    families.check(letters_of(node))
    with guarded(None if limits is None else limits.max_terms, progress):
        value = interpret(node, families, basis, limits)
    if any(word for word in value):
        raise ParseError("the expression is not a scalar: every letter must stand inside tr(...)")
    result = value.get((), {})
    if limits is not None and len(result) > limits.max_terms:
        raise WorkLimitError(f"the closed form has {len(result):,} terms, over the limit of "
                             f"{limits.max_terms:,}; raise it with --max-terms (max_terms= in Python)")
    return result
