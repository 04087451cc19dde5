"""How much work an expansion is, before doing it: block steps and a bound on the number of terms.

The engine (:mod:`.mixed_moments`) expands ``tr(word)`` by the block of the first point (Nica & Speicher,
Theorem 14.4): a word with n runs of the cumulant family visits ``2^(n-1)`` blocks, and every sub-word it
meets is expanded once (memoised). :func:`estimate` walks the same sub-words without multiplying any
polynomial (and without visiting the blocks one by one): it counts the block *steps* the expansion will
take (exact for an empty cache) and bounds the number of *terms* by the sum over blocks of the products of
the factors' bounds, with a free cumulant of s arguments counted as ``Catalan(s)`` moment terms (its
expansion over NC(s), Proposition 11.4). Terms that
coincide merge, so the bound is exact when all letters are distinct (``Catalan(n)`` terms in the mixed basis
and ``binom(3n, n) / (2n + 1)``, OEIS A001764, in moments) and can be far above the truth when letters repeat.
Counting stops as soon as the steps exceed ``max_steps``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import WorkLimitError
from .letters import canonical_rotation

if TYPE_CHECKING:
    from .words import Families

__all__ = ["Workload", "WorkLimits", "estimate", "check_limits", "ExpressionSize", "expression_size",
           "check_expression_size", "MAX_LETTERS", "EXACT_MAX_STEPS", "SPREAD_MAX_STEPS",
           "SECOND_ORDER_MAX_STEPS"]

# Limits of the other routes, by default (kept here so that the command line reads them without sympy):
EXACT_MAX_STEPS = 1_000_000  # Weingarten pairs beyond which check does without the exact value
SPREAD_MAX_STEPS = 20_000_000  # through steps beyond which check does without the second-order spread
SECOND_ORDER_MAX_STEPS = 50_000_000  # through steps of one covariance (free.fluctuations.covariance_steps)

Word = tuple[str, ...]


@dataclass(frozen=True)
class Workload:
    """Block steps of an expansion (a lower bound when not ``complete``) and a bound on its terms."""

    steps: int
    terms: int | None  # None when counting stopped early or the basis is not estimated
    complete: bool
    exact_terms: bool = False  # every letter of the word is distinct: ``terms`` is the number of terms
    terms_at_least: int | None = None  # when counting stopped because the exact count passed max_terms


@dataclass(frozen=True)
class WorkLimits:
    """Limits on one expansion: block steps (time) and terms (memory)."""

    max_steps: int = 1_000_000
    max_terms: int = 1_000_000


class _StopCountingError(Exception):
    pass


class _Dry:
    """The engine's recursion over sub-words, without polynomials and without enumerating blocks.

    The sub-words a word meets are its segments between runs of the cumulant family (O(n^2) of them), and
    the sum over blocks ``0 = v_0 < v_1 < ... < v_(s-1)`` of ``w(s) prod_j g(v_j, v_(j+1))`` is a dynamic
    programme over (size, last element), so a word with n runs costs O(n^3), not ``2^(n-1)``.
    """

    def __init__(self, families: Families, max_steps: int, max_terms: int | None) -> None:
        self.families = families
        self.max_steps = max_steps
        self.max_terms = max_terms  # stop once a bound exceeds it (set only when the bound is exact)
        self.steps = 0
        self.memo: dict[tuple, int] = {}

    def with_(self, word: Word, kfam: int, converted: bool) -> int:
        from ..combinatorics.noncrossing import catalan  # imported when an estimate runs, not by the CLI
        from .mixed_moments import _runs

        key = ("with", word, kfam, converted)
        if key in self.memo:
            return self.memo[key]
        present = {self.families.index(x) for x in word}
        if kfam not in present:
            value = self.raw(word)
        elif len(present) == 1:
            value = 1
        else:
            kruns, others = _runs(word, self.families, kfam)
            n = len(kruns)
            self.steps += 1 << (n - 1)
            if self.steps > self.max_steps:
                raise _StopCountingError

            def gap(v: int, following: int) -> int:
                if following == v + 1:
                    return self.raw(canonical_rotation(others[v]))
                sub = others[v]
                for u in range(v + 1, following):
                    sub = sub + kruns[u] + others[u]
                return self.with_(canonical_rotation(sub), kfam, converted)

            # ways[s][v]: sum over blocks with s elements so far, the last one v, of the gaps' products
            ways = [[0] * n for _ in range(n + 1)]
            ways[1][0] = 1
            value = 0
            for size in range(1, n + 1):
                weight = catalan(size) if converted else 1
                for v in range(n):
                    if ways[size][v]:
                        value += weight * ways[size][v] * gap(v, n)
                        for u in range(v + 1, n):
                            ways[size + 1][u] += ways[size][v] * gap(v, u)
        if self.max_terms is not None and value > self.max_terms:
            self.memo[key] = value
            raise _StopCountingError  # a factor's bound is below its product's: bounds only grow upwards
        self.memo[key] = value
        return value

    def raw(self, word: Word) -> int:
        from .mixed_moments import _cumulant_family

        if not word or len({self.families.index(x) for x in word}) == 1:
            return 1
        return self.with_(word, _cumulant_family(self.families, word), True)


def estimate(word: Word, families: Families, basis: str = "moments", max_steps: int = 2_000_000,
             max_terms: int | None = None) -> Workload:
    """Steps and a term bound for ``tr(word)`` in ``basis`` (terms bounded for moments and mixed only).

    Counting stops once the steps pass ``max_steps``, or, for a word of distinct letters (where the bound
    is the exact count), once the terms pass ``max_terms``.

    >>> from freecalc.free.words import Families
    >>> f = Families.of("A1,A2,A3,A4", "R1,R2,R3,R4")
    >>> estimate(("A1", "R1", "A2", "R2", "A3", "R3", "A4", "R4"), f, "mixed").terms  # Catalan(4)
    14
    >>> estimate(("A1", "R1", "A2", "R2", "A3", "R3", "A4", "R4"), f).terms  # binom(12, 4) / 9
    55
    """
    word = canonical_rotation(tuple(word))
    exact = len(set(word)) == len(word) and basis in ("moments", "mixed")
    dry = _Dry(families, max_steps, max_terms if exact else None)
    try:
        if basis == "mixed":
            first = min((families.index(x) for x in word), default=0)
            terms = dry.with_(word, first, False) if word else 1
        else:
            terms = dry.raw(word)
    except _StopCountingError:
        passed = max(dry.memo.values(), default=0) if dry.steps <= max_steps else None
        return Workload(dry.steps, None, False, exact, passed)
    return Workload(dry.steps, terms if basis in ("moments", "mixed") else None, True, exact)


def _describe(word: Word) -> str:
    text = " ".join(word)
    return f"tr({text if len(text) <= 60 else text[:57] + '...'})"


def check_limits(word: Word, families: Families, basis: str, limits: WorkLimits) -> Workload:
    """Estimate ``tr(word)``; raise a one-line :class:`~freecalc.errors.WorkLimitError` when over a limit."""
    work = estimate(word, families, basis, limits.max_steps, limits.max_terms)
    if work.steps > limits.max_steps:
        raise WorkLimitError(
            f"{_describe(word)} in the {basis} basis needs {'at least ' if not work.complete else ''}"
            f"{work.steps:,} block steps, over the limit of "
            f"{limits.max_steps:,}; raise it with --max-steps (max_steps= in Python)")
    if work.exact_terms and (work.terms_at_least is not None or (work.terms or 0) > limits.max_terms):
        count = f"more than {work.terms_at_least:,}" if work.terms is None else f"{work.terms:,}"
        raise WorkLimitError(
            f"{_describe(word)} in the {basis} basis has {count} terms, over the limit of "
            f"{limits.max_terms:,}; raise it with --max-terms (max_terms= in Python)")
    return work


MAX_LETTERS = 10_000  # longest word, and highest degree of a product of traces, an expression may build
_CAP = 10**30  # bounds beyond this are all "too large": saturate instead of forming huge integers


@dataclass(frozen=True)
class ExpressionSize:
    """Bounds on what interpreting an expression builds, here and in any part of it."""

    terms: int  # non-commutative words in the value, at most
    letters: int  # letters of the value's longest word
    degree: int  # highest number of trace atoms multiplied together (as in tr(A)^p), at most
    most_terms: int = 0  # the most words any part builds
    longest: int = 0  # the longest word any part builds


def _capped(value: int) -> int:
    return min(value, _CAP)


def _power_of(count: int, exponent: int) -> int:
    if count <= 1 or exponent == 0:
        return 1 if exponent == 0 else count
    return _CAP if exponent * count.bit_length() > 100 else _capped(count**exponent)


def _built(parts: list[ExpressionSize], terms: int, letters: int, degree: int) -> ExpressionSize:
    """A value of these bounds made from ``parts``: the largest words and counts of the parts are kept."""
    return ExpressionSize(terms, letters, degree,
                          max(terms, *(max(p.most_terms, p.terms) for p in parts)),
                          max(letters, *(max(p.longest, p.letters) for p in parts)))


def expression_size(node) -> ExpressionSize:
    """Bounds of :class:`ExpressionSize`, from the expression tree alone, before anything is built.

    A product multiplies the terms and adds the letters and degrees of its factors, a power ``x^p`` raises
    the terms to p and multiplies letters and degree by p, a sum adds terms; ``tr`` of an expression of
    degree g and letters L is a scalar of degree at most ``g + max(1, L)`` (one atom per block of its
    expansion, at most one per letter).

    >>> from freecalc.free.words import parse
    >>> size = expression_size(parse("tr(A^100000)"))
    >>> size.letters, size.longest, expression_size(parse("tr(A)^100000")).degree
    (0, 100000, 100000)
    >>> size = expression_size(parse("tr((A + B)^30)"))
    >>> size.terms, size.most_terms
    (1, 1073741824)
    """
    from .tree import Interpreter

    class _Size(Interpreter[ExpressionSize]):
        def num(self, node) -> ExpressionSize:
            return ExpressionSize(1, 0, 0)

        def letter(self, node) -> ExpressionSize:
            return ExpressionSize(1, 1, 0)

        def product(self, node) -> ExpressionSize:
            parts = [self(factor) for factor in node.factors]
            terms = 1
            for part in parts:
                terms = _capped(terms * part.terms)
            return _built(parts, terms, _capped(sum(p.letters for p in parts)),
                                         _capped(sum(p.degree for p in parts)))

        def power(self, node) -> ExpressionSize:
            base = self(node.base)
            return _built([base], _power_of(base.terms, node.exponent),
                                          _capped(base.letters * node.exponent),
                                          _capped(base.degree * node.exponent))

        def sum(self, node) -> ExpressionSize:
            parts = [self(term) for term in node.terms]
            return _built(parts, _capped(sum(p.terms for p in parts)), max(p.letters for p in parts),
                                         max(p.degree for p in parts))

        def scale(self, node) -> ExpressionSize:
            return self(node.expr)

        def tr(self, node) -> ExpressionSize:
            inner = self(node.expr)
            return _built([inner], 1, 0, _capped(inner.degree + max(1, inner.letters)))

        def bar(self, node) -> ExpressionSize:
            inner = self(node.expr)
            return _built([inner], _capped(inner.terms + 1), inner.letters,
                                           _capped(inner.degree + max(1, inner.letters)))

        def kappa2(self, node) -> ExpressionSize:  # one atom
            return ExpressionSize(1, 0, 1)

        def scalar(self, node) -> ExpressionSize:  # a declared symbol such as the size N, or 1 / it
            return ExpressionSize(1, 0, 1)

        inverse = scalar

    return _Size()(node)


def _shown(count: int) -> str:
    return f"more than {_CAP:.0e}" if count >= _CAP else f"{count:,}"


def check_expression_size(node, limits: WorkLimits | None) -> ExpressionSize:
    """Refuse in one line an expression whose words or products of traces are too large to build.

    Words longer than :data:`MAX_LETTERS` letters, products of more than :data:`MAX_LETTERS` traces, or more
    words than ``limits.max_terms`` in any part (:func:`expression_size`) are refused before anything is
    built.
    """
    size = expression_size(node)
    longest = max(size.longest, size.letters)
    if longest > MAX_LETTERS:
        raise WorkLimitError(f"the expression builds words of {_shown(longest)} letters, over the limit of "
                             f"{MAX_LETTERS:,}")
    if size.degree > MAX_LETTERS:
        raise WorkLimitError(f"the expression multiplies up to {_shown(size.degree)} traces, over the limit "
                             f"of {MAX_LETTERS:,}")
    most = max(size.most_terms, size.terms)
    if limits is not None and most > limits.max_terms:
        raise WorkLimitError(f"the expression builds up to {_shown(most)} words before tracing them, over "
                             f"the limit of {limits.max_terms:,}; raise it with --max-terms (max_terms= in "
                             "Python)")
    return size
