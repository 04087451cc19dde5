"""Covariances of traces of expressions in free families, in the engine's atoms (second-order freeness).

For words P, Q in families that are free of second order (independent Haar rotations of deterministic
matrices; GUE/GOE; Wishart), ``lim Cov(Tr P, Tr Q)`` is a sum over non-crossing annular permutations of
first- and second-order cumulants (Mingo & Speicher, *Free Probability and Random Matrices*, 2017, ch. 5;
real case: Redelmeier 2014, Mingo & Popa 2013), computed by :func:`freecalc.free.second_order.covariance`.
Here P and Q may be linear combinations of traces (the covariance is bilinear) and the result is written in
the atoms of the rest of freecalc: ``tr(w)``, ``κ(...)`` and the second-order ``κ(... | ...)`` of random
families. ``Tr`` is the unnormalized trace: ``Cov(tr P, tr Q) = Cov(Tr P, Tr Q) / N^2``.
"""

from __future__ import annotations

from collections.abc import Collection
from fractions import Fraction

from ..combinatorics.annular import count_through_steps
from ..errors import FreecalcError, ParameterError, WorkLimitError
from . import poly as _poly
from .atoms import atom_key, cumulant_atom, second_order_atom, trace_atom
from .interpret import UNEXPANDED, as_families, interpret
from .poly import Poly
from .second_order import covariance, covariance_to_moments
from .tree import Interpreter
from .words import Bar, Families, Letter, Node, Num, Power, Product, Scale, Sum, Tr, letters_of, parse
from .workload import SECOND_ORDER_MAX_STEPS

__all__ = ["linear_traces", "covariance_poly", "covariance_steps", "COVARIANCE_BASES",
           "SECOND_ORDER_MAX_STEPS"]

COVARIANCE_BASES = ("moments", "cumulants")


def _as_traced(expression: str | Node) -> Node:
    node = parse(expression) if isinstance(expression, str) else expression
    if not isinstance(node, Tr) and letters_of(node) and not _has_trace(node):
        return Tr(node)  # a bare word "A R A R" stands for its trace
    return node


class _HasTrace(Interpreter[bool]):
    """Whether an expression contains a trace."""

    def num(self, node: Num | Letter) -> bool:
        return False

    letter = num

    def tr(self, node: Tr) -> bool:
        return True

    def product(self, node: Product) -> bool:
        return any(map(self, node.factors))

    def sum(self, node: Sum) -> bool:
        return any(map(self, node.terms))

    def power(self, node: Power) -> bool:
        return self(node.base)

    def scale(self, node: Scale | Bar) -> bool:
        return self(node.expr)

    bar = scale


_has_trace = _HasTrace()


def linear_traces(expression: str | Node, families: Families) -> dict[tuple[str, ...], Fraction]:
    """An expression linear in traces as ``{word: coefficient}`` (constants dropped: they do not fluctuate).

    >>> linear_traces("2 tr(A R) - tr(R A) + 3", Families.of("A", "R"))
    {('A', 'R'): Fraction(1, 1)}
    """
    node = _as_traced(expression)
    families.check(letters_of(node))
    value = interpret(node, families, UNEXPANDED)
    if any(word for word in value):
        raise FreecalcError("the expression is not a scalar: write a word (A R A R) or traces tr(...)")
    out: dict[tuple[str, ...], Fraction] = {}
    for monomial, coefficient in value.get((), {}).items():
        if len(monomial) > 1:
            raise FreecalcError("a covariance needs expressions linear in traces; products of traces are "
                                "not supported")
        if monomial:
            word = atom_key(monomial[0])[1]
            out[word] = out.get(word, 0) + Fraction(coefficient)
    return {w: c for w, c in out.items() if c}


def _engine_atom(atom) -> int:
    kind, body = atom
    if kind == "tr":
        return trace_atom(tuple(body))
    if kind == "k":
        return cumulant_atom(tuple(tuple(a) for a in body))
    return second_order_atom(*body)


def covariance_steps(first: str | Node, second: str | Node, families) -> int:
    """The work of :func:`covariance_poly`: through steps summed over the pairs of words (an estimate).

    >>> from freecalc.combinatorics.annular import count_through_steps
    >>> covariance_steps("A R A R", "A R", ["A", "R"]) == count_through_steps(4, 2)
    True
    """
    families = as_families(families)
    return sum(count_through_steps(len(p), len(q)) for p in linear_traces(first, families)
               for q in linear_traces(second, families))


def covariance_poly(first: str | Node, second: str | Node, families, *, group: str = "unitary",
                    random: Collection[int] = (), basis: str = "moments",
                    max_steps: int | None = SECOND_ORDER_MAX_STEPS) -> Poly:
    """``lim Cov(Tr X, Tr Y)`` for X, Y linear in traces of words, as an engine polynomial.

    ``random`` lists (by index) the families that fluctuate on their own (their second-order cumulants
    appear as atoms); the others are Haar-rotated deterministic matrices. ``basis``: ``moments`` (traces
    ``tr(w)`` of one-family words) or ``cumulants`` (free cumulants of letters). Work beyond ``max_steps``
    through steps (:func:`covariance_steps`, estimated before anything is computed) is refused.

    >>> from freecalc.free.atoms import poly_to_sympy
    >>> poly_to_sympy(covariance_poly("A R", "A R", ["A", "R"], basis="cumulants"))
    κ(A, A)*κ(R, R)
    """
    families = as_families(families)
    if basis not in COVARIANCE_BASES:
        raise ParameterError(f"the covariance basis must be one of {', '.join(COVARIANCE_BASES)}")
    groups = [tuple(g) for g in families.groups]
    if any(not 0 <= f < len(groups) for f in random):
        raise ParameterError(f"random families must be indices below {len(groups)}, got {sorted(random)}")
    if max_steps is not None and (steps := covariance_steps(first, second, families)) > max_steps:
        raise WorkLimitError(f"the covariance needs about {steps:,} through steps, over the limit of "
                             f"{max_steps:,} (raise --max-steps to proceed)")
    out: Poly = {}
    for word_p, a in linear_traces(first, families).items():
        for word_q, b in linear_traces(second, families).items():
            raw = covariance(word_p, word_q, groups, group, tuple(random))
            if basis == "moments":
                raw = covariance_to_moments(raw, group)
            for monomial, coefficient in raw.items():
                key = tuple(sorted(_engine_atom(atom) for atom in monomial))
                out[key] = out.get(key, 0) + a * b * coefficient
    return _poly.prune(out)
