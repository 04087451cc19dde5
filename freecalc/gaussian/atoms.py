"""Typed sympy atoms of the Gaussian (Wick) engine's closed forms: nothing is encoded in a symbol's name.

* :class:`ReadoutMoment` ``E[a^p]``: the p-th moment of one entry of ``a`` (``.order``).
* :class:`FixedTrace` ``Tr(M B' ...)``: the unnormalized trace of a product of fixed d x d matrices
  (``.factors``: pairs ``(name, transposed)``, canonical up to rotation and, as ``Tr(X) = Tr(X^T)``,
  reversal).
* :class:`FixedMatrix` ``M`` or ``M'``: a non-commuting fixed matrix or its transpose (``.name``,
  ``.transposed``); ``I`` is the identity.
* ``k``, ``d``, ``s2``: the width, the input dimension and the entry variance of ``W``.

Printing (``str`` and LaTeX) is the same as plain symbols of these names, so closed forms read as before.
"""

from __future__ import annotations

import sympy

__all__ = [
    "K",
    "DIM",
    "S2",
    "IDENTITY",
    "Factor",
    "ReadoutMoment",
    "FixedTrace",
    "FixedMatrix",
    "moment_symbol",
    "trace_symbol",
    "matrix_symbol",
]

K = sympy.Symbol("k", positive=True)
DIM = sympy.Symbol("d", positive=True)
S2 = sympy.Symbol("s2", positive=True)

Factor = tuple[str, bool]  # a fixed matrix and whether it is transposed

_PAYLOAD: dict[tuple[type, str], object] = {}


class _NamedAtom(sympy.Symbol):
    """A Symbol carrying a typed payload; it sorts (and so prints) among plain Symbols by its name."""

    @classmethod
    def class_key(cls):  # noqa: D102
        return sympy.Symbol.class_key()


def _factor_text(factors: tuple[Factor, ...]) -> str:
    return " ".join(name + ("'" if transposed else "") for name, transposed in factors)


class ReadoutMoment(_NamedAtom):
    """``E[a^p]``, the p-th moment of one entry of the readout vector ``a``.

    >>> ReadoutMoment(4), ReadoutMoment(4).order
    (E[a^4], 4)
    """

    def __new__(cls, order, **kwargs):  # noqa: D102
        if isinstance(order, str):  # unpickling passes the name back
            order = int(order[4:-1])
        obj = super().__new__(cls, f"E[a^{int(order)}]")
        _PAYLOAD[(cls, obj.name)] = int(order)
        return obj

    def __getnewargs__(self):  # noqa: D105
        return (self.order,)

    @property
    def order(self) -> int:
        """The power p."""
        return _PAYLOAD[(type(self), self.name)]

    def _latex(self, printer) -> str:
        return rf"\mathbb{{E}}[a^{{{self.order}}}]"


class FixedTrace(_NamedAtom):
    """``Tr(X1 X2 ...)``: unnormalized trace of a product of fixed matrices (``'`` marks a transpose).

    >>> FixedTrace((("M", False), ("B", True))).factors
    (('M', False), ('B', True))
    """

    def __new__(cls, factors, **kwargs):  # noqa: D102
        if isinstance(factors, str):
            factors = tuple((f.rstrip("'"), f.endswith("'")) for f in factors[3:-1].split())
        factors = tuple((str(n), bool(t)) for n, t in factors)
        obj = super().__new__(cls, f"Tr({_factor_text(factors)})")
        _PAYLOAD[(cls, obj.name)] = factors
        return obj

    def __getnewargs__(self):  # noqa: D105
        return (self.factors,)

    @property
    def factors(self) -> tuple[Factor, ...]:
        """The matrices along the cycle, as ``(name, transposed)``."""
        return _PAYLOAD[(type(self), self.name)]

    def _latex(self, printer) -> str:
        return rf"\operatorname{{Tr}}({_factor_text(self.factors)})"


class FixedMatrix(_NamedAtom):
    """A fixed d x d matrix ``M`` or its transpose ``M'`` (non-commuting)."""

    def __new__(cls, name, transposed=False, **kwargs):  # noqa: D102
        if name.endswith("'"):
            name, transposed = name[:-1], True
        obj = super().__new__(cls, name + ("'" if transposed else ""), commutative=False)
        _PAYLOAD[(cls, obj.name)] = (name, bool(transposed))
        return obj

    def __getnewargs__(self):  # noqa: D105
        return (self.name,)

    @property
    def base(self) -> str:
        """The matrix name without the transpose mark."""
        return _PAYLOAD[(type(self), self.name)][0]

    @property
    def transposed(self) -> bool:
        """Whether this is the transpose."""
        return _PAYLOAD[(type(self), self.name)][1]


IDENTITY = FixedMatrix("I")


def moment_symbol(p: int) -> ReadoutMoment:
    """The atom ``E[a^p]``."""
    return ReadoutMoment(p)


def matrix_symbol(name: str, transposed: bool = False) -> FixedMatrix:
    """The non-commuting atom of the fixed matrix ``name`` (``name'`` for its transpose)."""
    return FixedMatrix(name, transposed)


def trace_symbol(factors: tuple[Factor, ...] | str) -> FixedTrace:
    """The atom ``Tr(...)`` of a product of fixed matrices, from ``(name, transposed)`` pairs or text."""
    if isinstance(factors, str):
        factors = tuple((f.rstrip("'"), f.endswith("'")) for f in factors.split())
    return FixedTrace(factors)
