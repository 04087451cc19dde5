"""The expression tree of trace expressions: frozen nodes, their interpreters, their letters, the adjoint.

An expression is parsed once (:func:`freecalc.free.words.parse`) into these frozen values and then
interpreted: an :class:`Interpreter` gives each kind of node its meaning, one method per kind (the visitor
pattern; closed forms in :mod:`freecalc.free.interpret`, numbers on matrices in
:mod:`freecalc.numeric.montecarlo`). Letters are self-adjoint, so the adjoint of an expression reads every
product backwards (Nica & Speicher, Lecture 1: *-algebras).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Generic, TypeVar

__all__ = ["Num", "Letter", "Product", "Power", "Sum", "Scale", "Tr", "Bar", "Node", "Interpreter",
           "letters_of", "adjoint"]

Value = TypeVar("Value")


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

_METHODS = {Num: "num", Letter: "letter", Product: "product", Power: "power", Sum: "sum", Scale: "scale",
            Tr: "tr", Bar: "bar"}


class Interpreter(Generic[Value]):
    """The meaning of expressions, given node kind by node kind: ``interpreter(node)`` is its value.

    A subclass defines ``num``, ``letter``, ``product``, ``power``, ``sum``, ``scale``, ``tr`` and ``bar``,
    each taking a node of that kind and calling the interpreter on the children it needs; a kind it leaves
    out raises :class:`NotImplementedError`, anything but a node :class:`TypeError`.

    >>> class Size(Interpreter[int]):
    ...     def letter(self, node): return 1
    ...     def product(self, node): return sum(self(f) for f in node.factors)
    >>> Size()(Product((Letter("A"), Product((Letter("R"), Letter("A"))))))
    3
    """

    def __call__(self, node: Node) -> Value:
        """The value of ``node``: the method of its kind."""
        method = _METHODS.get(type(node))
        if method is None:
            raise TypeError(f"not an expression node: {node!r}")
        return getattr(self, method)(node)

    def _missing(self, node: Node) -> Value:
        raise NotImplementedError(f"{type(self).__name__} gives no meaning to {type(node).__name__} nodes")

    num = letter = product = power = sum = scale = tr = bar = _missing


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
