"""The expression tree of trace expressions: frozen nodes, their letters, and the adjoint.

An expression is parsed once (:func:`freecalc.free.words.parse`) into these frozen values and then
interpreted (:mod:`freecalc.free.interpret`, :mod:`freecalc.haar.traces`). Letters are self-adjoint, so the
adjoint of an expression reads every product backwards (Nica & Speicher, Lecture 1: *-algebras).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

__all__ = ["Num", "Letter", "Product", "Power", "Sum", "Scale", "Tr", "Bar", "Node", "letters_of", "adjoint"]


@dataclass(frozen=True)
class Num:
    """A rational number."""

    value: Fraction


@dataclass(frozen=True)
class Letter:
    """A letter (a non-commuting variable)."""

    name: str


@dataclass(frozen=True)
class Product:
    """A non-commutative product of factors, in order."""

    factors: tuple[Node, ...]


@dataclass(frozen=True)
class Power:
    """A non-negative integer power."""

    base: Node
    exponent: int


@dataclass(frozen=True)
class Sum:
    """A sum of terms."""

    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Scale:
    """A rational multiple of an expression."""

    coefficient: Fraction
    expr: Node


@dataclass(frozen=True)
class Tr:
    """The normalized trace of an expression."""

    expr: Node


@dataclass(frozen=True)
class Bar:
    """The centered expression ``X - tr(X) 1``."""

    expr: Node


Node = Num | Letter | Product | Power | Sum | Scale | Tr | Bar


def letters_of(node: Node) -> frozenset[str]:
    """All letter names in an expression."""
    if isinstance(node, Letter):
        return frozenset({node.name})
    if isinstance(node, Num):
        return frozenset()
    if isinstance(node, Product | Sum):
        children = node.factors if isinstance(node, Product) else node.terms
        return frozenset().union(*(letters_of(c) for c in children))
    return letters_of(node.base if isinstance(node, Power) else node.expr)


def adjoint(node: Node) -> Node:
    """The adjoint ``X*`` of an expression in self-adjoint letters: every product read backwards.

    ``tr(X)* = tr(X*)`` and rational coefficients are real (Nica & Speicher, Lecture 1: a *-algebra).

    >>> adjoint(Tr(Product((Letter("A"), Letter("R"), Letter("B")))))
    Tr(expr=Product(factors=(Letter(name='B'), Letter(name='R'), Letter(name='A'))))
    """
    if isinstance(node, Num | Letter):
        return node
    if isinstance(node, Product):
        return Product(tuple(adjoint(f) for f in reversed(node.factors)))
    if isinstance(node, Sum):
        return Sum(tuple(adjoint(t) for t in node.terms))
    if isinstance(node, Power):
        return Power(adjoint(node.base), node.exponent)
    if isinstance(node, Scale):
        return Scale(node.coefficient, adjoint(node.expr))
    return type(node)(adjoint(node.expr))  # Tr, Bar
