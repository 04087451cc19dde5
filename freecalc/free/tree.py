"""The expression tree of trace expressions: frozen nodes, their interpreters, their letters, the adjoint.

Besides words, traces and centering, a tree holds the atoms closed forms are printed in, so that printed
forms parse back: free cumulants ``κ(x1, ..., xs)`` (:class:`Kappa`, any elements; their meaning is the
moment-cumulant formula, Nica & Speicher, Proposition 11.4), second-order cumulants ``κ(x | y)`` of one
family (:class:`Kappa2`, atoms with no expansion; Mingo & Speicher 2017, ch. 5), a declared scalar symbol
such as the matrix size N (:class:`Scalar`) and the inverse of a scalar (:class:`Inverse`).

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

from ..combinatorics.noncrossing import nc_moebius_table
from ..errors import FreecalcError

__all__ = ["Num", "Letter", "Product", "Power", "Sum", "Scale", "Tr", "Bar", "Kappa", "Kappa2", "Scalar",
           "Inverse", "Node", "Interpreter", "letters_of", "adjoint", "cumulant_in_moments"]

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


@dataclass(frozen=True)
class Kappa:
    """The free cumulant ``κ(x1, ..., xs)`` of expressions (multilinear; ``κ(x) = tr(x)``)."""

    args: tuple[Node, ...]


@dataclass(frozen=True)
class Kappa2:
    """The second-order cumulant ``κ(x1, ..., xp | y1, ..., yq)`` of words inside one random family."""

    first: tuple[Node, ...]
    second: tuple[Node, ...]


@dataclass(frozen=True)
class Scalar:
    """A declared commuting scalar symbol, such as the matrix size ``N``."""

    name: str


@dataclass(frozen=True)
class Inverse:
    """``1 / x`` for a scalar ``x`` (numbers and declared symbols only)."""

    expr: Node


Node = Num | Letter | Product | Power | Sum | Scale | Tr | Bar | Kappa | Kappa2 | Scalar | Inverse

_METHODS = {Num: "num", Letter: "letter", Product: "product", Power: "power", Sum: "sum", Scale: "scale",
            Tr: "tr", Bar: "bar", Kappa: "kappa", Kappa2: "kappa2", Scalar: "scalar", Inverse: "inverse"}


def cumulant_in_moments(node: Kappa) -> Node:
    """``κ(x1, ..., xs)`` written in traces: ``sum over pi in NC(s) of mu(pi, 1_s) tr_pi[x1, ..., xs]``.

    Nica & Speicher, Proposition 11.4 (the Moebius inversion of Definition 11.3), for any elements x_i.

    >>> [type(t).__name__ for t in cumulant_in_moments(Kappa((Letter("A"), Letter("B")))).terms]
    ['Scale', 'Tr']
    >>> from freecalc.free.interpret import expand_poly
    >>> from freecalc.free.printing import to_text
    >>> to_text(expand_poly("κ(A, B)", ["A,B"]))
    'tr(A B) - tr(A)*tr(B)'
    """
    if not node.args:
        raise FreecalcError("a cumulant needs at least one argument")
    terms: list[Node] = []
    for blocks, weight in nc_moebius_table(len(node.args)):
        traces = tuple(Tr(node.args[b[0]] if len(b) == 1 else Product(tuple(node.args[i] for i in b)))
                       for b in blocks)
        term = traces[0] if len(traces) == 1 else Product(traces)
        terms.append(term if weight == 1 else Scale(Fraction(weight), term))
    return terms[0] if len(terms) == 1 else Sum(tuple(terms))


class Interpreter(Generic[Value]):
    """The meaning of expressions, given node kind by node kind: ``interpreter(node)`` is its value.

    A subclass defines ``num``, ``letter``, ``product``, ``power``, ``sum``, ``scale``, ``tr`` and ``bar``,
    each taking a node of that kind and calling the interpreter on the children it needs; a kind it leaves
    out raises :class:`NotImplementedError`, anything but a node :class:`TypeError`. A free cumulant means
    its moment expansion (:func:`cumulant_in_moments`) unless ``kappa`` is defined; second-order
    cumulants, scalar symbols and inverses need their own methods (a one-line error otherwise).

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

    def kappa(self, node: Kappa) -> Value:
        """A free cumulant, through its moment expansion."""
        return self(cumulant_in_moments(node))

    def kappa2(self, node: Kappa2) -> Value:
        """Second-order cumulants are atoms of covariances only."""
        raise FreecalcError("second-order cumulants κ(... | ...) are atoms of covariances; they have no "
                            "value here")

    def scalar(self, node: Scalar | Inverse) -> Value:
        """Scalar symbols have a value only where they are declared (the size N of a finite-size form)."""
        raise FreecalcError("a symbol such as the size N needs its value (size=N, --size N)")

    inverse = scalar


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

    def scale(self, node: Scale | Tr | Bar | Inverse) -> frozenset:
        return self(node.expr)

    tr = bar = inverse = scale

    def scalar(self, node: Scalar) -> frozenset:
        return frozenset()

    def kappa(self, node: Kappa) -> frozenset:
        return frozenset().union(*map(self, node.args))

    def kappa2(self, node: Kappa2) -> frozenset:
        return frozenset().union(*map(self, node.first + node.second))


def letters_of(node: Node) -> frozenset[str]:
    """All letter names in an expression."""
    return _Letters()(node)


class _Adjoint(Interpreter[Node]):
    """``X*`` for self-adjoint letters: products reversed, everything else mapped through."""

    def num(self, node: Num | Letter | Scalar) -> Node:
        return node

    letter = scalar = num

    def kappa(self, node: Kappa) -> Node:
        return Kappa(tuple(map(self, reversed(node.args))))

    def kappa2(self, node: Kappa2) -> Node:
        return Kappa2(tuple(map(self, reversed(node.first))), tuple(map(self, reversed(node.second))))

    def product(self, node: Product) -> Node:
        return Product(tuple(map(self, reversed(node.factors))))

    def sum(self, node: Sum) -> Node:
        return Sum(tuple(map(self, node.terms)))

    def power(self, node: Power) -> Node:
        return Power(self(node.base), node.exponent)

    def scale(self, node: Scale) -> Node:
        return Scale(node.coefficient, self(node.expr))

    def tr(self, node: Tr | Bar | Inverse) -> Node:
        return type(node)(self(node.expr))

    bar = inverse = tr


def adjoint(node: Node) -> Node:
    """The adjoint ``X*`` of an expression in self-adjoint letters: every product read backwards.

    ``tr(X)* = tr(X*)`` and rational coefficients are real (Nica & Speicher, Lecture 1: a *-algebra).

    >>> adjoint(Tr(Product((Letter("A"), Letter("R"), Letter("B")))))
    Tr(expr=Product(factors=(Letter(name='B'), Letter(name='R'), Letter(name='A'))))
    """
    return _Adjoint()(node)
