"""Trace atoms: the family-local quantities closed forms are written in.

Two kinds of sympy atoms, both commutative symbols with a canonical cyclic argument:

* :class:`Trace` ``tr(w)``: the normalized trace of a word ``w`` whose letters all lie in one family
  (letters may be centered, printed ``Ā``).
* :class:`Cumulant` ``κ(x1, ..., xs)``: the multivariate free cumulant of elements ``x_i``, each a word inside
  one family (Nica & Speicher, Lecture 11). Free cumulants of a tracial state are invariant under cyclic
  rotation of their arguments (Nica & Speicher, Lecture 11, exercise on traciality), so the arguments are
  stored in cyclic normal form. ``κ`` of one argument is its trace and is always written ``tr``.

Atoms are interned: the engine works with small integer ids (:func:`atom_id`) and turns them into sympy
objects (:func:`atom_symbol`) only when it builds the final expression (:func:`poly_to_sympy`, the one bridge
between the polynomials of :mod:`freecalc.free.poly` and sympy; :func:`sympy_to_poly` goes back). The
second-order covariances of :mod:`freecalc.free.second_order` keep atom keys un-interned (in the canonical
form of their group); the bridge names those by their letters, ``tr(AB)``, ``k(A,B)``, ``k2(A,A;B)``
(:func:`key_symbol`).
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache, cmp_to_key
from numbers import Rational

import sympy
from sympy.core.basic import Basic

from ..errors import FreecalcError
from . import poly as _poly
from .atom_ids import AtomKey, atom_id, atom_key, cumulant_atom, second_order_atom, trace_atom
from .poly import Poly
from .words import base_letter, canonical_rotation, format_word, is_centered, power_runs

__all__ = [
    "Trace",
    "Cumulant",
    "TraceAtom",
    "CumulantAtom",
    "SecondOrderCumulantAtom",
    "ATOM_CLASSES",
    "AtomKey",
    "atom_id",
    "atom_key",
    "atom_symbol",
    "key_symbol",
    "key_of_symbol",
    "trace_atom",
    "cumulant_atom",
    "second_order_atom",
    "SecondOrderCumulant",
    "poly_to_sympy",
    "sympy_to_poly",
]

def _latex_word(word: tuple[str, ...]) -> str:
    parts = []
    for letter, count in power_runs(word):
        name = base_letter(letter)
        if "_" in name:
            head, _, tail = name.partition("_")
            name = f"{head}_{{{tail}}}"
        elif len(name) > 1 and name[0].isalpha() and name[1:].isdigit():
            name = f"{name[0]}_{{{name[1:]}}}"
        shown = rf"\bar{{{name}}}" if is_centered(letter) else name
        parts.append(shown if count == 1 else f"{shown}^{{{count}}}")
    return " ".join(parts)


def _ascii_word(word: tuple[str, ...]) -> str:
    parts = []
    for letter, count in power_runs(word):
        shown = f"bar({base_letter(letter)})" if is_centered(letter) else letter
        parts.append(shown if count == 1 else f"{shown}^{count}")
    return " ".join(parts) if parts else "1"


class _Atom(sympy.Symbol):
    """A commutative sympy symbol named by its canonical arguments, with a hook for every sympy printer.

    The hooks (``_sympystr``, ``_sympyrepr``, ``_pretty``, ``_latex``, ``_mathml_content``,
    ``_mathml_presentation``) take precedence over the printers' methods chosen by class name; pickles and
    ``srepr`` carry the arguments, so both rebuild the atom in a fresh process.
    """

    _payload: tuple

    def __new__(cls, payload, **kwargs):  # noqa: D102
        if isinstance(payload, str):  # a name printed by this process
            return _SYMBOLS_BY_NAME[payload]
        payload = cls._canonical(payload)
        obj = super().__new__(cls, cls._text(payload, format_word, "κ"), commutative=True)
        _SYMBOLS_BY_NAME[obj.name] = obj
        _WORDS[obj.name] = payload
        return obj

    @classmethod
    def _canonical(cls, payload) -> tuple:
        raise NotImplementedError

    @classmethod
    def _text(cls, payload, word, kappa: str) -> str:
        raise NotImplementedError

    def __getnewargs_ex__(self):
        return ((_WORDS[self.name],), {})

    def _sympystr(self, printer) -> str:
        return self.name

    def _sympyrepr(self, printer) -> str:
        return f"{type(self).__name__}({_WORDS[self.name]!r})"

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        if printer._use_unicode:
            return prettyForm(self.name)
        return prettyForm(self._text(_WORDS[self.name], _ascii_word, "kappa"))

    def _mathml_content(self, printer):
        element = printer.dom.createElement("ci")
        element.appendChild(printer.dom.createTextNode(self.name))
        return element

    def _mathml_presentation(self, printer):
        element = printer.dom.createElement("mi")
        element.appendChild(printer.dom.createTextNode(self.name))
        return element


class TraceAtom(_Atom):
    """``tr(w)``: normalized trace of a word inside one family, in cyclic normal form.

    >>> TraceAtom(("R", "A", "A"))
    tr(A^2 R)
    """

    @classmethod
    def _canonical(cls, payload) -> tuple:
        return canonical_rotation(tuple(payload))

    @classmethod
    def _text(cls, payload, word, kappa: str) -> str:
        return f"tr({word(payload)})"

    @property
    def word(self) -> tuple[str, ...]:
        """The canonical word."""
        return _WORDS[self.name]

    def _latex(self, printer) -> str:
        return rf"\operatorname{{tr}}\left({_latex_word(self.word)}\right)"


class CumulantAtom(_Atom):
    """``κ(x1, ..., xs)``: free cumulant of elements that are words inside one family.

    >>> CumulantAtom((("B",), ("A",)))
    κ(A, B)
    """

    @classmethod
    def _canonical(cls, payload) -> tuple:
        return canonical_rotation(tuple(tuple(a) for a in payload))

    @classmethod
    def _text(cls, payload, word, kappa: str) -> str:
        return f"{kappa}(" + ", ".join(word(a) for a in payload) + ")"

    @property
    def arguments(self) -> tuple[tuple[str, ...], ...]:
        """The canonical argument words."""
        return _WORDS[self.name]

    def _latex(self, printer) -> str:
        return r"\kappa\left(" + ", ".join(_latex_word(a) for a in self.arguments) + r"\right)"


class SecondOrderCumulantAtom(_Atom):
    """``κ(x1, ..., xp | y1, ..., yq)``: second-order cumulant of one family (fluctuations of its traces).

    >>> SecondOrderCumulantAtom(((("A",),), (("A",), ("A",))))
    κ(A | A, A)
    """

    @classmethod
    def _canonical(cls, payload) -> tuple:
        return tuple(sorted(canonical_rotation(tuple(tuple(a) for a in side)) for side in payload))

    @classmethod
    def _text(cls, payload, word, kappa: str) -> str:
        return f"{kappa}(" + " | ".join(", ".join(word(a) for a in side) for side in payload) + ")"

    @property
    def sides(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """The two canonical argument lists."""
        return _WORDS[self.name]

    def _latex(self, printer) -> str:
        return r"\kappa\left(" + r" \,\middle|\, ".join(", ".join(_latex_word(a) for a in side)
                                                        for side in self.sides) + r"\right)"


# The names the rest of freecalc uses; the classes are named otherwise so that no sympy printer method
# chosen by class name (``_print_Trace`` is the trace of a matrix) ever applies to them.
Trace = TraceAtom
Cumulant = CumulantAtom
SecondOrderCumulant = SecondOrderCumulantAtom
# Constructors of the atoms, for ``eval(srepr(expr), ...)`` or ``sympify(srepr(expr), locals=...)``.
ATOM_CLASSES = {cls.__name__: cls for cls in (TraceAtom, CumulantAtom, SecondOrderCumulantAtom)}


_SYMBOLS_BY_NAME: dict[str, sympy.Symbol] = {}
_WORDS: dict[str, tuple] = {}


@cache
def atom_symbol(ident: int) -> sympy.Symbol:
    """The sympy atom of an interned id."""
    kind, payload = atom_key(ident)
    if kind == "k2":
        return SecondOrderCumulant(payload)
    return Trace(payload) if kind == "tr" else Cumulant(payload)


@cache
def key_symbol(key: AtomKey) -> sympy.Symbol:
    """A plain symbol for an atom key that is not interned: ``tr(AB)``, ``k(A,B)``, ``k2(A,A;B)``.

    >>> key_symbol(("k", (("A",), ("B",))))
    k(A,B)
    """
    kind, body = key
    if kind == "tr":
        return sympy.Symbol(f"tr({''.join(body)})")
    if kind == "k":
        return sympy.Symbol(f"k({','.join(''.join(w) for w in body)})")
    return sympy.Symbol(f"k2({';'.join(','.join(''.join(w) for w in side) for side in body)})")


def key_of_symbol(symbol: sympy.Basic) -> AtomKey:
    """The atom key of a Trace or Cumulant symbol."""
    if isinstance(symbol, Trace):
        return ("tr", symbol.word)
    if isinstance(symbol, Cumulant):
        return ("k", symbol.arguments)
    if isinstance(symbol, SecondOrderCumulant):
        return ("k2", symbol.sides)
    raise TypeError(f"{symbol} is not a trace atom")


# --- to and from sympy ---------------------------------------------------------------------------------

# Mul.flatten orders commutative factors by Basic.compare; building Muls in that order skips evaluation.
_FACTOR_KEY = cmp_to_key(Basic.compare)


@cache
def _factor(variable: int | AtomKey, exponent: int) -> sympy.Expr:
    symbol = atom_symbol(variable) if isinstance(variable, int) else key_symbol(variable)
    return symbol if exponent == 1 else sympy.Pow(symbol, exponent)


def _term(monomial: tuple, coefficient: int | Fraction) -> sympy.Expr:
    factors = [_factor(ident, count) for ident, count in power_runs(monomial)]
    factors.sort(key=_FACTOR_KEY)
    number = sympy.Rational(coefficient.numerator, coefficient.denominator)
    if not factors:
        return number
    if number == 1:
        return factors[0] if len(factors) == 1 else sympy.Mul._from_args(tuple(factors))
    return sympy.Mul._from_args((number, *factors))


def poly_to_sympy(poly: Poly) -> sympy.Expr:
    """Build the sympy expression of a polynomial (canonical: equal polynomials, equal trees).

    Variables are interned atom ids (:func:`atom_symbol`) or atom keys (:func:`key_symbol`); coefficients
    are ints, Fractions or sympy expressions (rational functions of N at finite size).

    >>> poly_to_sympy({(trace_atom(("A",)), trace_atom(("A",))): Fraction(1, 2), (("tr", ("A", "B")),): -1})
    -tr(AB) + tr(A)**2/2
    """
    return sympy.Add(*(_term(m, Fraction(c)) if isinstance(c, Rational) else c * _term(m, Fraction(1))
                       for m, c in poly.items()))


def sympy_to_poly(expr: sympy.Expr) -> Poly:
    """The internal polynomial of a sympy polynomial in Trace and Cumulant atoms."""
    expr = sympy.expand(expr)
    out: Poly = {}
    for term in sympy.Add.make_args(expr):
        coefficient, factors = term.as_coeff_mul()
        if not coefficient.is_Rational:
            raise FreecalcError(f"non-rational coefficient {coefficient}")
        ids: list[int] = []
        for factor in factors:
            base, exponent = factor.as_base_exp()
            if not (exponent.is_Integer and exponent > 0):
                raise FreecalcError(f"{factor} is not a monomial in trace atoms")
            ids.extend([atom_id(key_of_symbol(base))] * int(exponent))
        key = tuple(sorted(ids))
        out[key] = out.get(key, 0) + Fraction(int(coefficient.p), int(coefficient.q))
    return _poly.prune(out)
