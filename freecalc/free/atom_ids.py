"""Interned atom ids: the integers the engine's polynomials are written in, without sympy.

An atom is a key ``("tr", word)`` (the normalized trace of a word inside one family), ``("k", args)`` (a
free cumulant; Nica & Speicher, Lecture 11) or ``("k2", sides)`` (a second-order cumulant; Mingo & Speicher
2017, ch. 5), each argument in cyclic normal form; :func:`atom_id` gives it a small integer, shared by every
polynomial of the process. :mod:`freecalc.free.atoms` adds the sympy symbols of the same ids; code that only
evaluates polynomials (the predictions of :mod:`freecalc.quadratic`) needs this module alone.
"""

from __future__ import annotations

from .letters import canonical_rotation

__all__ = ["AtomKey", "atom_id", "atom_key", "trace_atom", "cumulant_atom", "second_order_atom"]

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


def second_order_atom(first: tuple[tuple[str, ...], ...], second: tuple[tuple[str, ...], ...]) -> int:
    """The id of the second-order cumulant ``kappa(first | second)`` of one family.

    Mingo & Speicher 2017, ch. 5; each side in cyclic normal form, the two sides sorted.
    """
    sides = tuple(sorted((canonical_rotation(tuple(first)), canonical_rotation(tuple(second)))))
    return atom_id(("k2", sides))


def atom_key(ident: int) -> AtomKey:
    """The atom key of an interned id."""
    return _KEYS[ident]
