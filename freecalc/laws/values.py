"""Values of trace and cumulant atoms when each letter is a random element with a named law.

A closed form in family-local atoms (:func:`freecalc.expand`) is a number once every atom is: ``tr(X^p)`` is
the p-th moment of X's law, ``tr(X̄^p)`` its p-th central moment ``sum_j binom(p, j) m_j (-m_1)^(p-j)``, and
``κ(X, ..., X)`` (s arguments) its s-th free cumulant (Nica & Speicher, Lecture 11). A letter with a law must
be alone in its family: words mixing two letters of one family have no value from the laws alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from math import comb

from ..errors import FamilyError
from ..free.atom_ids import atom_key
from ..free.letters import base_letter, is_centered
from .base import Law

__all__ = ["law_atom_values"]


def _letter_power(word: tuple[str, ...]) -> tuple[str, int] | None:
    """``(letter, p)`` when the word is ``p`` times the same letter, else None."""
    return (word[0], len(word)) if word and all(x == word[0] for x in word) else None


def law_atom_values(laws: Mapping[str, Law]) -> Callable[[int], float]:
    """``value(atom id)`` from the letters' laws; a one-line FamilyError for an atom they do not determine.

    >>> from freecalc.free.atom_ids import trace_atom
    >>> from freecalc.laws.closed import Semicircle
    >>> value = law_atom_values({"X": Semicircle(1.0)})
    >>> round(value(trace_atom(("X",) * 4)), 12)  # Catalan(2)
    2.0
    """
    def moment(letter: str, p: int) -> float:
        name = base_letter(letter)
        law = laws.get(name)
        if law is None:
            raise FamilyError(f"letter {name} has no law: give --law {name}=...")
        m = [1.0, *(float(x) for x in law.moments(p))]
        if not is_centered(letter):
            return m[p]
        return sum(comb(p, j) * m[j] * (-m[1]) ** (p - j) for j in range(p + 1))

    def value(ident: int) -> float:
        kind, payload = atom_key(ident)
        if kind == "tr":
            found = _letter_power(payload)
            if found is None:
                raise FamilyError(f"tr({' '.join(payload)}) mixes letters of one family; a letter with a law "
                                  "must be alone in its family")
            return moment(*found)
        if kind == "k" and all(len(arg) == 1 for arg in payload) and len({a[0] for a in payload}) == 1:
            letter = payload[0][0]
            law = laws.get(letter)
            if law is not None and not is_centered(letter):
                return float(law.cumulants(len(payload))[-1])
        raise FamilyError(f"{kind}{payload} has no value from the laws alone")

    return value
