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


class _Letters(Interpreter[frozenset]):
    """The letter names in an expression."""

    def num(self, node: Num) -> frozenset:
        return frozenset()

    def letter(self, node: Letter) -> frozenset:
        return frozenset({node.name})

    def product(self, node: Product) -> frozenset:
        return frozenset().union(*map(self, node.factors))

    def sum(self, node: Sum) -> frozenset:
        return frozenset().union(*map(self, node.terms))

    def power(self, node: Power) -> frozenset:
        return self(node.base)

    def scale(self, node: Scale | Tr | Bar) -> frozenset:
        return self(node.expr)

    tr = bar = scale


def letters_of(node: Node) -> frozenset[str]:
    """All letter names in an expression."""
    return _Letters()(node)


class _Adjoint(Interpreter[Node]):
    """``X*`` for self-adjoint letters: products reversed, everything else mapped through."""

    def num(self, node: Num | Letter) -> Node:
        return node

    letter = num

    def product(self, node: Product) -> Node:
        return Product(tuple(map(self, reversed(node.factors))))

    def sum(self, node: Sum) -> Node:
        return Sum(tuple(map(self, node.terms)))

    def power(self, node: Power) -> Node:
        return Power(self(node.base), node.exponent)

    def scale(self, node: Scale) -> Node:
        return Scale(node.coefficient, self(node.expr))

    def tr(self, node: Tr | Bar) -> Node:
        return type(node)(self(node.expr))

    bar = tr


def adjoint(node: Node) -> Node:
    """The adjoint ``X*`` of an expression in self-adjoint letters: every product read backwards.

    ``tr(X)* = tr(X*)`` and rational coefficients are real (Nica & Speicher, Lecture 1: a *-algebra).

    >>> adjoint(Tr(Product((Letter("A"), Letter("R"), Letter("B")))))
    Tr(expr=Product(factors=(Letter(name='B'), Letter(name='R'), Letter(name='A'))))
    """
    return _Adjoint()(node)
