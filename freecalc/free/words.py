"""Letters, families, words and the parser of trace expressions.

A *letter* is a non-commuting identifier (``A``, ``A1``, ``R_0``). Letters are grouped into *families*; the
families are declared freely independent of each other (Nica & Speicher, Lecture 5). A *word* is a tuple of
letters, read as their product. The normalized trace ``tr`` is tracial, so a word inside ``tr`` is only known
up to rotation; its *cyclic normal form* is the lexicographically smallest rotation.

Centering: ``bar(X)`` is ``X - tr(X) 1`` for any expression X; a letter followed by a combining macron
(``Ā``, typed ``A`` + U+0304, or the precomposed character) is short for ``bar(A)``. Letters in closed forms
written in the centered basis print the same way, so printed closed forms parse back.

The atoms closed forms are printed in parse back: ``κ(x1, ..., xs)`` (also ``kappa(...)``) is the free
cumulant of its arguments (Nica & Speicher, Lecture 11), ``κ(x1, ..., xp | y1, ..., yq)`` a second-order
cumulant of words in one random family (Mingo & Speicher 2017, ch. 5). Names declared as ``scalars`` (the
size symbol N of finite-size forms) are commuting scalars: an expression may be divided by a polynomial in
them, and they may carry negative powers (``N**(-2)``).

Grammar (``*`` or white space multiplies, ``^`` or ``**`` takes non-negative integer powers)::

    expr   := term (('+' | '-') term)*
    term   := ('+' | '-')* factor (('*' | '/' | juxtaposition) factor)*
    factor := atom (('^' | '**') (INT | '(' '-' INT ')'))?
    atom   := NUMBER | LETTER macron? | SCALAR | 'tr' '(' expr ')' | 'bar' '(' expr ')' | '(' expr ')'
            | KAPPA '(' args ('|' args)? ')'
    args   := expr (',' expr)*

A divisor (and the base of a negative power) holds only numbers and scalars.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from ..errors import FamilyError, ParseError
from .letters import MACRON, base_letter, canonical_rotation, centered_letter, is_centered
from .tree import (
    Bar,
    Inverse,
    Kappa,
    Kappa2,
    Letter,
    Node,
    Num,
    Power,
    Product,
    Scalar,
    Scale,
    Sum,
    Tr,
    adjoint,
    letters_of,
)

__all__ = [
    "MACRON",
    "Families",
    "Num",
    "Letter",
    "Product",
    "Power",
    "Sum",
    "Scale",
    "Tr",
    "Bar",
    "Kappa",
    "Kappa2",
    "Scalar",
    "Inverse",
    "Node",
    "parse",
    "tokenize",
    "letters_of",
    "adjoint",
    "canonical_rotation",
    "format_word",
    "power_runs",
    "centered_letter",
    "base_letter",
    "is_centered",
]

MAX_DEPTH = 100  # nesting of parentheses, tr(...) and bar(...); deeper input gets a one-line ParseError
KAPPA = frozenset({"κ", "kappa"})  # the free cumulant, printed κ (kappa in ASCII)
RESERVED = frozenset({"tr", "bar"}) | KAPPA
_LETTER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def power_runs(items: tuple) -> list[tuple[object, int]]:
    """Maximal runs of equal neighbours as ``(item, length)``: ``A A B`` gives ``[(A, 2), (B, 1)]``.

    >>> power_runs(("A", "A", "B"))
    [('A', 2), ('B', 1)]
    """
    runs: list[tuple[object, int]] = []
    for item in items:
        if runs and runs[-1][0] == item:
            runs[-1] = (item, runs[-1][1] + 1)
        else:
            runs.append((item, 1))
    return runs


def format_word(word: tuple[str, ...]) -> str:
    """Print a word with runs of equal letters as powers: ``('A', 'A', 'B')`` prints ``A^2 B``.

    >>> format_word(("A", "A", "B"))
    'A^2 B'
    """
    parts = [letter if count == 1 else f"{letter}^{count}" for letter, count in power_runs(word)]
    return " ".join(parts) if parts else "1"


@dataclass(frozen=True)
class Families:
    """Families of letters declared freely independent of each other, in the order given.

    >>> fams = Families.of("A,B", "R")
    >>> fams.index("R"), fams.index("B")
    (1, 0)
    """

    groups: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        seen: dict[str, int] = {}
        for number, group in enumerate(self.groups):
            if not group:
                raise FamilyError(f"family {number + 1} is empty")
            for letter in group:
                if not _LETTER.match(letter) or letter in RESERVED:
                    raise FamilyError(f"{letter!r} is not a valid letter name")
                if letter in seen:
                    raise FamilyError(f"letter {letter} is in two families")
                seen[letter] = number
        object.__setattr__(self, "_index", seen)

    @classmethod
    def of(cls, *groups: str | tuple[str, ...] | list[str]) -> Families:
        """Families from strings such as ``"A,B"`` or from sequences of letter names."""
        parsed = []
        for group in groups:
            if isinstance(group, str):
                parsed.append(tuple(x.strip() for x in group.split(",") if x.strip()))
            else:
                parsed.append(tuple(group))
        return cls(tuple(parsed))

    def index(self, letter: str) -> int:
        """The family number of a letter (centered letters belong to their base letter's family)."""
        try:
            return self._index[base_letter(letter)]  # type: ignore[attr-defined]
        except KeyError:
            raise FamilyError(f"letter {base_letter(letter)} is in no family") from None

    def check(self, letters: set[str] | frozenset[str]) -> None:
        """Raise FamilyError unless every letter belongs to a family."""
        for letter in sorted(letters):
            self.index(letter)

    def __str__(self) -> str:
        return " | ".join("{" + ", ".join(g) + "}" for g in self.groups)


# --- the parser ------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?|\.\d+)|(?P<name>[A-Za-z][A-Za-z0-9_]*|κ)(?P<macron>\u0304)?"
    r"|(?P<op>\*\*|[-+*/^()',|]))"
)


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """Tokens ``(kind, text, column)``: kind ``num``, ``name`` (with its macron) or ``op``; for every grammar.

    >>> [t[1] for t in tokenize("tr(A' R^2)")]
    ['tr', '(', 'A', "'", 'R', '^', '2', ')']
    """
    tokens = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            column = position + len(text[position:]) - len(text[position:].lstrip()) + 1
            raise ParseError(f"unexpected character {text[column - 1]!r} at column {column}")
        start = match.start(match.lastgroup if match.lastgroup != "macron" else "name")
        if match.group("num") is not None:
            tokens.append(("num", match.group("num"), start))
        elif match.group("name") is not None:
            tokens.append(("name", match.group("name") + (match.group("macron") or ""), start))
        else:
            tokens.append(("op", match.group("op"), start))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str, scalars: frozenset[str] = frozenset()) -> None:
        self.text = text
        self.scalars = scalars
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0
        for _, value, column in self.tokens:
            if value == "'":
                raise ParseError(f"unexpected \"'\" at column {column + 1} of {text!r}: trace words have no "
                                 "transposes (write the transposed matrix as a letter of its own)")

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def error(self, message: str) -> ParseError:
        token = self.peek()
        where = f"at column {token[2] + 1}" if token else "at the end"
        text = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        return ParseError(f"{message} {where} of {text!r}")

    def expect(self, op: str) -> None:
        token = self.peek()
        if token is None or token[1] != op:
            if op == ")":
                raise self.error("unbalanced parentheses: missing ')'")
            raise self.error(f"expected {op!r}")
        self.take()

    def parse(self) -> Node:
        if not self.tokens:
            raise ParseError("empty expression")
        node = self.expr()
        token = self.peek()
        if token is not None:
            if token[1] == ")":
                raise self.error("unbalanced parentheses: unexpected ')'")
            raise self.error(f"unexpected {token[1]!r}")
        return node

    def expr(self) -> Node:
        terms = [self.term()]
        while (token := self.peek()) is not None and token[1] in "+-" and token[0] == "op":
            self.take()
            term = self.term()
            terms.append(Scale(Fraction(-1), term) if token[1] == "-" else term)
        return terms[0] if len(terms) == 1 else Sum(tuple(terms))

    def starts_factor(self, token: tuple[str, str, int] | None) -> bool:
        return token is not None and (token[0] in ("num", "name") or token[1] == "(")

    def term(self) -> Node:
        sign = Fraction(1)
        while (token := self.peek()) is not None and token[1] in ("+", "-") and token[0] == "op":
            self.take()
            sign = -sign
        factors = [self.factor()]
        scale = Fraction(1)
        while True:
            token = self.peek()
            if token is not None and token[1] == "*":
                self.take()
                factors.append(self.factor())
            elif token is not None and token[1] == "/":
                self.take()
                divisor = self.factor()
                value = _numeric_value(divisor)
                if value is None:
                    factors.append(self.inverse(divisor))
                    continue
                if value == 0:
                    raise self.error("division by zero")
                scale /= value
            elif self.starts_factor(token):
                factors.append(self.factor())
            else:
                break
        node = factors[0] if len(factors) == 1 else Product(tuple(factors))
        scale *= sign
        return node if scale == 1 else Scale(scale, node)

    def factor(self) -> Node:
        base = self.atom()
        token = self.peek()
        if token is not None and token[1] in ("^", "**"):
            self.take()
            exponent = self.peek()
            if exponent is not None and exponent[1] in ("(", "-") and exponent[0] == "op":
                return self.negative_power(base)
            if exponent is None or exponent[0] != "num" or not exponent[1].isdigit():
                raise self.error("a power needs a non-negative integer exponent")
            self.take()
            return Power(base, int(exponent[1]))
        return base

    def negative_power(self, base: Node) -> Node:
        """``x**(-k)`` or ``x**-k``: the inverse of ``x**k``, for a scalar x only."""
        bracketed = self.take()[1] == "("
        if bracketed:
            self.expect("-")
        exponent = self.peek()
        if exponent is None or exponent[0] != "num" or not exponent[1].isdigit():
            raise self.error("a power needs an integer exponent")
        self.take()
        if bracketed:
            self.expect(")")
        return self.inverse(Power(base, int(exponent[1])))

    def inverse(self, node: Node) -> Node:
        """``1 / node`` for a node made of numbers and declared scalars (a one-line error otherwise)."""
        if not _is_scalar(node):
            hint = "; declare the size symbol with --size N (size=N)" if not self.scalars else ""
            raise self.error("only division by a number or by a polynomial in a size symbol is allowed "
                             f"(nothing else takes negative powers){hint}")
        return Inverse(node)

    def cumulant(self, name: str) -> Node:
        """``κ(x1, ..., xs)`` or the second-order ``κ(x1, ..., xp | y1, ..., yq)``, after the name."""
        self.expect("(")
        if (closing := self.peek()) is not None and closing[1] == ")":
            raise self.error(f"empty argument list in {name}()")
        sides: list[list[Node]] = [[self.nested()]]
        while (token := self.peek()) is not None and token[1] in (",", "|") and token[0] == "op":
            self.take()
            if token[1] == "|":
                if len(sides) == 2:
                    raise self.error("a cumulant has at most two sides separated by '|'")
                sides.append([])
            sides[-1].append(self.nested())
        self.expect(")")
        if len(sides) == 1:
            return Kappa(tuple(sides[0]))
        return Kappa2(tuple(sides[0]), tuple(sides[1]))

    def nested(self) -> Node:
        """An expression inside parentheses, ``tr(...)`` or ``bar(...)``, with the nesting depth bounded."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expressions nested deeper than {MAX_DEPTH} levels are not supported")
        inner = self.expr()
        self.depth -= 1
        return inner

    def atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise self.error("expected a letter, a number, tr(...) or '('")
        kind, value, _ = token
        if kind == "num":
            self.take()
            return Num(Fraction(value))
        if kind == "name":
            self.take()
            name = value.rstrip(MACRON)
            if name in KAPPA and value == name:
                return self.cumulant(name)
            if name in self.scalars and value == name:
                return Scalar(name)
            if name in RESERVED:
                if value != name:
                    raise self.error(f"{name} cannot be centered")
                following = self.peek()
                if following is None or following[1] != "(":
                    raise self.error(f"{name} must be followed by '('")
                self.take()
                if (closing := self.peek()) is not None and closing[1] == ")":
                    raise self.error(f"empty word in {name}()")
                inner = self.nested()
                self.expect(")")
                return Tr(inner) if name == "tr" else Bar(inner)
            return Bar(Letter(name)) if value != name else Letter(name)
        if value == "(":
            self.take()
            if (closing := self.peek()) is not None and closing[1] == ")":
                raise self.error("empty parentheses")
            inner = self.nested()
            self.expect(")")
            return inner
        if value == ")":
            raise self.error("unbalanced parentheses: unexpected ')'")
        raise self.error(f"unexpected {value!r}")


def _is_scalar(node: Node) -> bool:
    """Whether a node holds only numbers and scalar symbols (no letters, no traces)."""
    if isinstance(node, Num | Scalar):
        return True
    if isinstance(node, Sum | Product):
        return all(map(_is_scalar, node.terms if isinstance(node, Sum) else node.factors))
    if isinstance(node, Power):
        return _is_scalar(node.base)
    if isinstance(node, Scale | Inverse):
        return _is_scalar(node.expr)
    return False


def _numeric_value(node: Node) -> Fraction | None:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Power):
        base = _numeric_value(node.base)
        return None if base is None else base**node.exponent
    if isinstance(node, Scale):
        inner = _numeric_value(node.expr)
        return None if inner is None else node.coefficient * inner
    return None


def parse(text: str, scalars: tuple[str, ...] | frozenset[str] = ()) -> Node:
    """Parse a trace expression into a frozen expression tree; ``scalars`` names scalar symbols (e.g. N).

    >>> parse("tr(A R^2)")
    Tr(expr=Product(factors=(Letter(name='A'), Power(base=Letter(name='R'), exponent=2))))
    >>> parse("tr(Ā)")
    Tr(expr=Bar(expr=Letter(name='A')))
    >>> parse("κ(A, B)")
    Kappa(args=(Letter(name='A'), Letter(name='B')))
    >>> parse("κ(X | X, X)")
    Kappa2(first=(Letter(name='X'),), second=(Letter(name='X'), Letter(name='X')))
    >>> parse("tr(A)/(N - 1)", scalars=("N",))  # doctest: +NORMALIZE_WHITESPACE
    Product(factors=(Tr(expr=Letter(name='A')),
                     Inverse(expr=Sum(terms=(Scalar(name='N'), Scale(coefficient=Fraction(-1, 1),
                                                                     expr=Num(value=Fraction(1, 1))))))))
    """
    if not isinstance(text, str):
        raise ParseError("expected a string")
    text = unicodedata.normalize("NFD", text)
    return _Parser(text, frozenset(scalars)).parse()
