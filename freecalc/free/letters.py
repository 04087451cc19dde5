"""Letter names and the cyclic normal form of a word: what evaluating a closed form needs of words.

A word is a tuple of letter names, read as their product; a name followed by a combining macron (U+0304)
is the centered letter ``x - tr(x) 1``. The normalized trace is tracial, so a word inside ``tr`` is known
only up to rotation: its *cyclic normal form* is the lexicographically smallest rotation (Nica & Speicher,
Lecture 1). For families of real symmetric matrices rotated by orthogonal Haar matrices a word and its
reversal (its transpose) have the same trace, so the normal form is the least rotation of either (the
dihedral normal form; Collins & Matsumoto, J. Math. Phys. 50 (2009)). The rotation groups are
:data:`GROUPS`. The parser and the families of letters are in :mod:`freecalc.free.words`, which re-exports
these names.
"""

from __future__ import annotations

from functools import cache

from ..errors import ParameterError

__all__ = ["MACRON", "GROUPS", "GROUP", "letter_assignments", "check_group", "centered_letter", "is_centered",
           "base_letter", "canonical_rotation"]

MACRON = "\u0304"
GROUPS = ("unitary", "orthogonal")  # Haar groups rotating the families: U X U^* or O X O^T
GROUP = "unitary"  # the default group, everywhere: it applies to every matrix, symmetric or not


def check_group(group: str) -> str:
    """The group name, validated against :data:`GROUPS` (a one-line :class:`ParameterError` otherwise).

    >>> check_group("orthogonal")
    'orthogonal'
    """
    if group not in GROUPS:
        raise ParameterError(f"group must be one of {', '.join(GROUPS)}, got {group!r}")
    return group


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
def canonical_rotation(word: tuple, group: str = "unitary") -> tuple:
    """The cyclic normal form of a word inside a trace: its lexicographically smallest rotation.

    ``min_i (w_i ... w_n w_1 ... w_{i-1})``; for ``group="orthogonal"`` the minimum runs over the rotations
    of the reversed word too (``Tr(w) = Tr(w^T)`` for symmetric letters). Any tuple of comparable items
    (letters, words, letter-transpose pairs) is accepted.

    >>> canonical_rotation(("R", "A", "B"))
    ('A', 'B', 'R')
    >>> canonical_rotation(("R", "B", "A"), "orthogonal")
    ('A', 'B', 'R')
    """
    if group != "unitary":
        check_group(group)
    if not word:
        return word
    best = min(word[i:] + word[:i] for i in range(len(word)))
    if group == "orthogonal":
        back = word[::-1]
        best = min(best, *(back[i:] + back[:i] for i in range(len(back))))
    return best


def letter_assignments(texts, parse) -> dict:
    """``LETTER=...`` options, each read by ``parse`` into ``(letter, value)``, as a letter -> value mapping.

    A letter given twice is a one-line :class:`ParameterError` (one value per letter).

    >>> letter_assignments(["X=1", "Y=2"], lambda t: (t[0], int(t[2:])))
    {'X': 1, 'Y': 2}
    """
    values: dict = {}
    for text in texts:
        letter, value = parse(text)
        if letter in values:
            raise ParameterError(f"--law is given twice for {letter}; give one law per letter")
        values[letter] = value
    return values
