"""Letter names and the cyclic normal form of a word: what evaluating a closed form needs of words.

A word is a tuple of letter names, read as their product; a name followed by a combining macron (U+0304)
is the centered letter ``x - tr(x) 1``. The normalized trace is tracial, so a word inside ``tr`` is known
only up to rotation: its *cyclic normal form* is the lexicographically smallest rotation (Nica & Speicher,
Lecture 1). The parser and the families of letters are in :mod:`freecalc.free.words`, which re-exports
these names.
"""

from __future__ import annotations

from functools import cache

__all__ = ["MACRON", "centered_letter", "is_centered", "base_letter", "canonical_rotation"]

MACRON = "\u0304"


def centered_letter(letter: str) -> str:
    """The name of the centered letter ``x - tr(x)`` in closed forms: the letter with a combining macron."""
    return letter + MACRON


def is_centered(letter: str) -> bool:
    """Whether a letter name denotes a centered letter."""
    return letter.endswith(MACRON)


def base_letter(letter: str) -> str:
    """The letter without its centering mark."""
    return letter[:-1] if is_centered(letter) else letter


@cache
def canonical_rotation(word: tuple[str, ...]) -> tuple[str, ...]:
    """Lexicographically smallest rotation: the cyclic normal form of a word inside a trace.

    >>> canonical_rotation(("R", "A", "B"))
    ('A', 'B', 'R')
    """
    if not word:
        return word
    return min(word[i:] + word[:i] for i in range(len(word)))
