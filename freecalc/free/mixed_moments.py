"""Normalized traces of words in freely independent families, in closed form.

For ``{b_i}`` free from ``{a_i}`` the mixed moments are (Nica & Speicher, *Lectures on the Combinatorics of
Free Probability*, Theorem 14.4)::

    tr(b_1 a_1 b_2 a_2 ... b_n a_n) = sum over pi in NC(n) of kappa_pi[b_1, ..., b_n] tr_K(pi)[a_1, ..., a_n]

with ``K`` the Kreweras complement. The engine evaluates this sum by the block ``V = {v_0 = 0 < v_1 < ...}``
of ``pi`` that contains the first point: the rest of ``pi`` fills the gaps of V, and summing it out turns
each arc of the circle into the trace of a shorter cyclic word (the same decomposition that proves
Theorem 14.4, Nica & Speicher Lecture 14)::

    tr(b_1 a_1 ... b_n a_n) = sum over V containing 1 of
                              kappa_|V|(b_V) prod_j tr(a_{v_j} b_{v_j + 1} ... a_{v_{j+1} - 1})

Sub-words are memoised in cyclic normal form, so words with repeated letters cost far less than the
Catalan(n) terms of the plain sum. With three or more families, the first family taken is free from the
algebra of the others, and the sub-words in the others are expanded the same way (Nica & Speicher,
Lecture 5: freeness of a family of subalgebras is associative).

The bases a result can be written in are described in :mod:`.bases`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from itertools import combinations

from ..errors import FreecalcError, WorkLimitError
from . import poly as _poly
from .atom_ids import atom_key, cumulant_atom, trace_atom
from .bases import BASES
from .cumulants import cumulant_in_moments_poly, moment_in_cumulants_poly
from .poly import Poly
from .words import Families, canonical_rotation, centered_letter

__all__ = ["BASES", "expand_word", "convert_basis", "clear_caches", "guarded"]


Word = tuple[str, ...]

# (term limit, progress callback) of the expansion under way; see :func:`guarded`
_GUARD: ContextVar[tuple[int | None, Callable[[int], None] | None]] = ContextVar("guard",
                                                                               default=(None, None))


@contextmanager
def guarded(max_terms: int | None = None, progress: Callable[[int], None] | None = None) -> Iterator[None]:
    """Guard the expansions made inside the ``with`` block.

    An expansion stops with a one-line :class:`~freecalc.errors.WorkLimitError` once a partial result
    passes ``max_terms``; ``progress(steps)`` is told of every sub-word's block steps as they are done.
    """
    token = _GUARD.set((max_terms, progress))
    try:
        yield
    finally:
        _GUARD.reset(token)


# --- the free expansion ------------------------------------------------------------------------------


def _runs(word: Word, families: Families, kfam: int) -> tuple[list[Word], list[Word]]:
    """Rotate a word to start a run of family ``kfam``; return the kfam runs and the runs between them."""
    inside = [families.index(x) == kfam for x in word]
    n = len(word)
    start = next(i for i in range(n) if inside[i] and not inside[i - 1])
    rotated = word[start:] + word[:start]
    flags = inside[start:] + inside[:start]
    kruns: list[Word] = []
    others: list[Word] = []
    i = 0
    while i < n:
        j = i
        while j < n and flags[j] == flags[i]:
            j += 1
        (kruns if flags[i] else others).append(rotated[i:j])
        i = j
    return kruns, others


@cache
def _expand_with(families: Families, word: Word, kfam: int) -> Poly:
    """Closed form of ``tr(word)``: free cumulants of family ``kfam`` times raw moments of the others."""
    present = {families.index(x) for x in word}
    if kfam not in present:
        return _expand_raw(families, word)
    if len(present) == 1:
        return _poly.monomial(trace_atom(word))
    kruns, others = _runs(word, families, kfam)
    n = len(kruns)
    result: Poly = {}
    for size in range(1, n + 1):
        for rest in combinations(range(1, n), size - 1):
            block = (0, *rest)
            factors = [_poly.monomial(cumulant_atom(tuple(kruns[v] for v in block)))]
            for j, v in enumerate(block):
                following = block[j + 1] if j + 1 < size else n
                if following == v + 1:
                    factors.append(_expand_raw(families, canonical_rotation(others[v])))
                else:
                    sub: Word = others[v]
                    for u in range(v + 1, following):
                        sub = sub + kruns[u] + others[u]
                    factors.append(_expand_with(families, canonical_rotation(sub), kfam))
            _poly.add_into(result, _poly.product(factors))
    limit, progress = _GUARD.get()
    if limit is not None and len(result) > limit:
        raise WorkLimitError(f"the expansion has more than {limit:,} terms (a partial result has "
                             f"{len(result):,}), over the limit; raise it with --max-terms (max_terms= in "
                             "Python)")
    if progress is not None:
        progress(1 << (n - 1))
    return _poly.prune(result)


def _cumulant_family(families: Families, word: Word) -> int:
    """The family whose cumulants are cheapest to turn into moments: fewest distinct runs, then runs."""
    present = sorted({families.index(x) for x in word})

    def cost(fam: int) -> tuple[int, int, int]:
        kruns, _ = _runs(word, families, fam)
        return (len(set(kruns)), len(kruns), fam)

    return min(present, key=cost)


@cache
def _expand_raw(families: Families, word: Word) -> Poly:
    """Closed form of ``tr(word)`` in raw family-local moments."""
    if not word:
        return dict(_poly.ONE)
    present = {families.index(x) for x in word}
    if len(present) == 1:
        return _poly.monomial(trace_atom(word))
    mixed = _expand_with(families, word, _cumulant_family(families, word))
    return _cumulants_to_moments(mixed)


def _cumulants_to_moments(poly: Poly) -> Poly:
    kappas = {i for m in poly for i in m if atom_key(i)[0] == "k"}
    if not kappas:
        return poly
    return _poly.substitute(poly, {i: cumulant_in_moments_poly(i) for i in kappas})


@cache
def _moment_in_centered(ident: int) -> Poly:
    """``tr(x_1...x_m)`` with every ``x_i = x̄_i + tr(x_i)``: first moments times centered traces."""
    kind, word = atom_key(ident)
    if kind != "tr" or len(word) <= 1:
        return _poly.monomial(ident)
    m = len(word)
    out: Poly = {}
    for size in range(m + 1):
        if size == 1:
            continue
        for chosen in combinations(range(m), size):
            scalars = [trace_atom((word[i],)) for i in range(m) if i not in chosen]
            centered = tuple(centered_letter(word[i]) for i in chosen)
            ids = scalars + ([trace_atom(centered)] if centered else [])
            key = tuple(sorted(ids))
            out[key] = out.get(key, 0) + 1
    return out


def _convert(poly: Poly, image) -> Poly:
    atoms = {i for m in poly for i in m}
    return _poly.substitute(poly, {i: image(i) for i in atoms})


def expand_word(word: Sequence[str], families: Families, basis: str = "moments") -> Poly:
    """Closed form of ``tr(word)`` as an internal polynomial over atom ids, in one of :data:`BASES`.

    See :func:`freecalc.haar.traces.expand` for the bases; the word is a sequence of letters.
    """
    word = tuple(word)
    families.check(set(word))
    if basis not in BASES:
        raise FreecalcError(f"unknown basis {basis!r}; choose one of {', '.join(BASES)}")
    word = canonical_rotation(word)
    if basis == "mixed":
        if not word:
            return dict(_poly.ONE)
        first = min(families.index(x) for x in word)
        return _expand_with(families, word, first)
    raw = _expand_raw(families, word)
    if basis == "moments":
        return raw
    if basis == "cumulants":
        return _convert(raw, moment_in_cumulants_poly)
    return _convert(raw, _moment_in_centered)


def convert_basis(poly: Poly, basis: str) -> Poly:
    """A closed form in family-local moments rewritten in ``centered`` or ``cumulants`` atoms (or kept).

    ``x = x̄ + tr(x)`` letter by letter (centered), or each moment over NC of its letters (cumulants,
    Nica & Speicher, Definition 11.3).
    """
    if basis == "moments":
        return poly
    if basis == "cumulants":
        return _convert(poly, moment_in_cumulants_poly)
    if basis == "centered":
        return _convert(poly, _moment_in_centered)
    raise FreecalcError(f"basis {basis!r} cannot be reached from moments; use moments, centered or cumulants")


def clear_caches() -> None:
    """Forget memoised expansions (they are kept for the life of the process otherwise)."""
    for function in (_expand_with, _expand_raw, _moment_in_centered):
        function.cache_clear()
