"""Words of the Gaussian (Wick) engine, parsed once into a frozen :class:`Word`.

Factors: ``W``, ``W'``, ``D^p`` (``D = diag(a)``), ``a``, ``a'``, ``I`` and fixed d x d matrices (capitalised
names, ``M'`` for a transpose), optionally inside ``Tr(...)`` (unnormalized) or ``tr(...)`` (normalized).

The text is read by the tokenizer of the free grammar (:func:`freecalc.free.words.tokenize`) and parsed once
into a frozen :class:`Word`; errors are :class:`~freecalc.errors.ParseError`, as for free words. Grammar::

    word   := ('Tr' | 'tr') '(' item+ ')' | item+
    item   := NAME "'"? ('^' INT)?        (X^p repeats X, except D^p, the p-th power of diag(a))

``W`` is k x d, ``a`` is k x 1, ``D`` is k x k and fixed matrices are d x d; neighbouring shapes must match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ParseError
from ..free.words import tokenize

__all__ = ["Token", "Word", "parse_word"]

_SHAPES = {"W": ("k", "d"), "W'": ("d", "k"), "D": ("k", "k"), "a": ("k", "1"), "a'": ("1", "k")}
_FIXED = re.compile(r"[A-Z][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class Token:
    """One factor of a word: ``W``, ``D^p``, ``a``, the identity or a fixed d x d matrix (kind ``fixed``)."""

    kind: str
    transposed: bool = False
    power: int = 1
    name: str = ""

    @property
    def shape(self) -> tuple[str, str]:
        """Row and column dimension, each one of ``"k"``, ``"d"``, ``"1"``."""
        if self.kind in ("fixed", "I"):
            return ("d", "d")
        return _SHAPES[self.kind + ("'" if self.transposed else "")]

    def __str__(self) -> str:
        if self.kind == "D":
            return "D" if self.power == 1 else f"D^{self.power}"
        base = self.name if self.kind == "fixed" else self.kind
        return base + ("'" if self.transposed else "")


@dataclass(frozen=True)
class Word:
    """A product of tokens, optionally inside ``Tr`` (unnormalized) or ``tr`` (normalized) trace."""

    tokens: tuple[Token, ...]
    trace: str | None = None

    @property
    def shape(self) -> tuple[str, str]:
        """Shape of the product before any trace is taken."""
        return (self.tokens[0].shape[0], self.tokens[-1].shape[1])


def _item_tokens(name: str, transposed: bool, power: int, text: str) -> list[Token]:
    """Tokens of one item such as ``W'``, ``D^2``, ``M'`` or ``M^3``."""
    if power < 1:
        raise ParseError(f"{name}^{power} in {text!r}: powers must be integers >= 1")
    if name == "D":
        if transposed:
            raise ParseError(f"D' in {text!r}: D = diag(a) is symmetric; write D")
        return [Token("D", power=power)]
    if name in ("W", "a"):
        return [Token(name, transposed)] * power
    if name == "I":
        return [Token("I")]
    if _FIXED.match(name):
        return [Token("fixed", transposed, name=name)] * power
    raise ParseError(f"unknown factor {name!r} in {text!r}: use W, W', D, D^p, a, a', I or a capitalized "
                     "matrix name")


def _items(tokens: list[tuple[str, str, int]], text: str) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        kind, value, column = tokens[i]
        if kind != "name":
            raise ParseError(f"unexpected {value!r} at column {column + 1} of {text!r}")
        i += 1
        transposed = i < len(tokens) and tokens[i][1] == "'"
        i += transposed
        power = 1
        if i < len(tokens) and tokens[i][1] in ("^", "**"):
            if i + 1 >= len(tokens) or tokens[i + 1][0] != "num" or not tokens[i + 1][1].isdigit():
                raise ParseError(f"a power needs a non-negative integer exponent, at column "
                                 f"{tokens[i][2] + 1} of {text!r}")
            power = int(tokens[i + 1][1])
            i += 2
        out += _item_tokens(value, transposed, power, text)
    return out


def parse_word(text: str) -> Word:
    """Parse ``"W' D^2 W M"``, ``"Tr(...)"`` or ``"tr(...)"`` into a :class:`Word` and check its shapes.

    >>> parse_word("tr(W' D^2 W M)").trace, [str(t) for t in parse_word("W' D^2 W M").tokens]
    ('tr', ["W'", 'D^2', 'W', 'M'])
    """
    tokens = tokenize(text)
    trace = None
    if len(tokens) >= 2 and tokens[0][0] == "name" and tokens[0][1] in ("Tr", "tr") and tokens[1][1] == "(":
        if tokens[-1][1] != ")":
            raise ParseError(f"unbalanced parentheses: missing ')' at the end of {text!r}")
        trace, tokens = tokens[0][1], tokens[2:-1]
    if not tokens:
        raise ParseError("empty Wick word")
    items = _items(tokens, text)
    for left, right in zip(items, items[1:], strict=False):
        if left.shape[1] != right.shape[0]:
            raise ParseError(
                f"shape mismatch: {left} is {' x '.join(left.shape)} but {right} is {' x '.join(right.shape)}"
            )
    word = Word(tuple(items), trace)
    rows, cols = word.shape
    if trace is not None and rows != cols:
        raise ParseError(f"{trace}(...) needs a square word, got a {rows} x {cols} one")
    if trace is None and (rows, cols) not in (("d", "d"), ("1", "1")):
        raise ParseError(f"the word is {rows} x {cols}; only d x d, 1 x 1 and traced words are supported")
    return word
