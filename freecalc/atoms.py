"""Trace atoms: the family-local quantities closed forms are written in.

Two kinds of sympy atoms, both commutative symbols with a canonical cyclic argument:

* :class:`Trace` ``tr(w)``: the normalized trace of a word ``w`` whose letters all lie in one family
  (letters may be centered, printed ``Ā``).
* :class:`Cumulant` ``κ(x1, ..., xs)``: the multivariate free cumulant of elements ``x_i``, each a word inside
  one family (Nica & Speicher, Lecture 11). Free cumulants of a tracial state are invariant under cyclic
  rotation of their arguments (Nica & Speicher, Lecture 11, exercise on traciality), so the arguments are
  stored in cyclic normal form. ``κ`` of one argument is its trace and is always written ``tr``.

Atoms are interned: the engine works with small integer ids (:func:`atom_id`) and turns them into sympy
objects (:func:`atom_symbol`) only when it builds the final expression.
"""

from __future__ import annotations

from functools import cache

import sympy

from .words import base_letter, canonical_rotation, format_word, is_centered

__all__ = [
    "Trace",
    "Cumulant",
    "AtomKey",
    "atom_id",
    "atom_key",
    "atom_symbol",
    "key_of_symbol",
    "trace_atom",
    "cumulant_atom",
]

# ("tr", word) or ("k", (word, word, ...)); words are tuples of letter names.
AtomKey = tuple[str, tuple]

_KEYS: list[AtomKey] = []
_IDS: dict[AtomKey, int] = {}


def atom_id(key: AtomKey) -> int:
    """The interned id of a canonical atom key."""
    found = _IDS.get(key)
    if found is None:
        found = _IDS[key] = len(_KEYS)
        _KEYS.append(key)
    return found


def trace_atom(word: tuple[str, ...]) -> int:
    """The id of ``tr(word)`` (cyclic normal form taken here)."""
    return atom_id(("tr", canonical_rotation(word)))


def cumulant_atom(args: tuple[tuple[str, ...], ...]) -> int:
    """The id of ``kappa(args)``; one argument gives ``tr`` of it, since ``kappa_1 = tr``."""
    if len(args) == 1:
        return trace_atom(args[0])
    return atom_id(("k", canonical_rotation(args)))


def atom_key(ident: int) -> AtomKey:
    """The atom key of an interned id."""
    return _KEYS[ident]


def _latex_word(word: tuple[str, ...]) -> str:
    parts = []
    i = 0
    while i < len(word):
        j = i
        while j < len(word) and word[j] == word[i]:
            j += 1
        name = base_letter(word[i])
        if "_" in name:
            head, _, tail = name.partition("_")
            name = f"{head}_{{{tail}}}"
        elif len(name) > 1 and name[0].isalpha() and name[1:].isdigit():
            name = f"{name[0]}_{{{name[1:]}}}"
        letter = rf"\bar{{{name}}}" if is_centered(word[i]) else name
        parts.append(letter if j - i == 1 else f"{letter}^{{{j - i}}}")
        i = j
    return " ".join(parts)


class Trace(sympy.Symbol):
    """``tr(w)``: normalized trace of a word inside one family, in cyclic normal form.

    >>> Trace(("R", "A", "A"))
    tr(A^2 R)
    """

    def __new__(cls, word, **kwargs):  # noqa: D102
        if isinstance(word, str):  # unpickling passes the name back
            return _SYMBOLS_BY_NAME[word]
        word = canonical_rotation(tuple(word))
        obj = super().__new__(cls, f"tr({format_word(word)})", commutative=True)
        _SYMBOLS_BY_NAME[obj.name] = obj
        _WORDS[obj.name] = word
        return obj

    @property
    def word(self) -> tuple[str, ...]:
        """The canonical word."""
        return _WORDS[self.name]

    def _latex(self, printer) -> str:
        return rf"\operatorname{{tr}}\left({_latex_word(self.word)}\right)"


class Cumulant(sympy.Symbol):
    """``κ(x1, ..., xs)``: free cumulant of elements that are words inside one family.

    >>> Cumulant((("B",), ("A",)))
    κ(A, B)
    """

    def __new__(cls, args, **kwargs):  # noqa: D102
        if isinstance(args, str):
            return _SYMBOLS_BY_NAME[args]
        args = canonical_rotation(tuple(tuple(a) for a in args))
        name = "κ(" + ", ".join(format_word(a) for a in args) + ")"
        obj = super().__new__(cls, name, commutative=True)
        _SYMBOLS_BY_NAME[obj.name] = obj
        _WORDS[obj.name] = args
        return obj

    @property
    def arguments(self) -> tuple[tuple[str, ...], ...]:
        """The canonical argument words."""
        return _WORDS[self.name]

    def _latex(self, printer) -> str:
        return r"\kappa\left(" + ", ".join(_latex_word(a) for a in self.arguments) + r"\right)"


_SYMBOLS_BY_NAME: dict[str, sympy.Symbol] = {}
_WORDS: dict[str, tuple] = {}


@cache
def atom_symbol(ident: int) -> sympy.Symbol:
    """The sympy atom of an interned id."""
    kind, payload = _KEYS[ident]
    return Trace(payload) if kind == "tr" else Cumulant(payload)


def key_of_symbol(symbol: sympy.Basic) -> AtomKey:
    """The atom key of a Trace or Cumulant symbol."""
    if isinstance(symbol, Trace):
        return ("tr", symbol.word)
    if isinstance(symbol, Cumulant):
        return ("k", symbol.arguments)
    raise TypeError(f"{symbol} is not a trace atom")

