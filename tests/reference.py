"""Slow, obviously correct references for the fast engine (used by the tests only).

* NC(n) by filtering all set partitions (sympy's ``multiset_partitions``) for crossings (Definition 9.1 of
  Nica & Speicher).
* The Kreweras complement by its definition: the coarsest partition of the points ``1̄..n̄`` interleaved with
  ``1..n`` such that pi together with it is non-crossing (Nica & Speicher, Definition 9.21).
* The Moebius function by its recursive definition on the poset (Lecture 10).
* Traces of words in free families by the *definition* of freeness: for runs ``x_1 ... x_m`` alternating
  between families (cyclically), ``tr(prod (x_i - tr x_i)) = 0`` (Nica & Speicher, Definition 5.3), which
  gives ``tr(x_1...x_m) = sum over T strict subset of [m] of
  (-1)^(m-|T|+1) prod_{i not in T} tr(x_i) tr(x_T)``.
"""

from __future__ import annotations

from functools import cache
from itertools import combinations

import sympy
from sympy.utilities.iterables import multiset_partitions

from freecalc.free.atoms import Trace
from freecalc.free.words import Families, canonical_rotation


def crosses(blocks) -> bool:
    for b1, b2 in combinations(blocks, 2):
        for a, c in combinations(sorted(b1), 2):
            for b, d in combinations(sorted(b2), 2):
                if a < b < c < d or b < a < d < c:
                    return True
    return False


@cache
def nc_by_filtering(n: int) -> tuple[tuple[tuple[int, ...], ...], ...]:
    if n == 0:
        return ((),)
    out = []
    for partition in multiset_partitions(list(range(n))):
        blocks = tuple(sorted(tuple(sorted(b)) for b in partition))
        if not crosses(blocks):
            out.append(blocks)
    return tuple(sorted(out))


def kreweras_by_definition(n: int, blocks) -> tuple[tuple[int, ...], ...]:
    """Coarsest tau on barred points with pi + tau non-crossing; point i is at 2i, barred i at 2i + 1."""
    lifted = [tuple(2 * p for p in b) for b in blocks]
    best = None
    for tau in nc_by_filtering(n):
        if not crosses(lifted + [tuple(2 * p + 1 for p in b) for b in tau]):
            if best is None or len(tau) < len(best):
                best = tau
    return best


def refines(sigma, pi) -> bool:
    return all(any(set(b) <= set(c) for c in pi) for b in sigma)


@cache
def moebius_by_recursion(n: int, sigma, pi) -> int:
    """mu(sigma, sigma) = 1, mu(sigma, pi) = -sum_{sigma <= tau < pi} mu(sigma, tau)."""
    if sigma == pi:
        return 1
    if not refines(sigma, pi):
        return 0
    return -sum(
        moebius_by_recursion(n, sigma, tau)
        for tau in nc_by_filtering(n)
        if tau != pi and refines(sigma, tau) and refines(tau, pi)
    )


def _runs(word, families: Families):
    """Maximal cyclic runs of letters of one family."""
    n = len(word)
    fam = [families.index(x) for x in word]
    start = next((i for i in range(n) if fam[i] != fam[i - 1]), None)
    if start is None:
        return [tuple(word)]
    word = word[start:] + word[:start]
    fam = fam[start:] + fam[:start]
    runs, i = [], 0
    while i < n:
        j = i
        while j < n and fam[j] == fam[i]:
            j += 1
        runs.append(tuple(word[i:j]))
        i = j
    return runs


@cache
def trace_by_freeness(word: tuple[str, ...], families: Families) -> sympy.Expr:
    """tr(word) from the definition of freeness, recursively on the number of runs."""
    if not word:
        return sympy.Integer(1)
    runs = _runs(word, families)
    if len(runs) == 1:
        return Trace(word)
    m = len(runs)
    total = sympy.Integer(0)
    for size in range(m):
        for kept in combinations(range(m), size):
            scalar = sympy.Integer((-1) ** (m - size + 1))
            for i in range(m):
                if i not in kept:
                    scalar *= trace_by_freeness(canonical_rotation(runs[i]), families)
            rest = tuple(x for i in kept for x in runs[i])
            total += scalar * trace_by_freeness(canonical_rotation(rest), families)
    return sympy.expand(total)


def trace_by_partitions(bs, as_, families: Families) -> sympy.Expr:
    """tr(b_1 a_1 ... b_n a_n) = sum_{pi in NC(n)} kappa_pi[b] tr_K(pi)[a], every piece by brute force.

    The b's are words in one family, the a's words in the other families (each expanded by the freeness
    definition); the cumulants are Moebius inversions of moments over the filtered NC lattice.
    """
    n = len(bs)

    def cumulant(args):
        s = len(args)
        top = tuple(range(s)) and (tuple(range(s)),)
        total = sympy.Integer(0)
        for sigma in nc_by_filtering(s):
            term = sympy.Integer(moebius_by_recursion(s, sigma, top))
            for block in sigma:
                term *= Trace(sum((args[i] for i in block), ()))
            total += term
        return total

    total = sympy.Integer(0)
    for pi in nc_by_filtering(n):
        term = sympy.Integer(1)
        for block in pi:
            term *= cumulant(tuple(bs[i] for i in block))
        for block in kreweras_by_definition(n, pi):
            term *= trace_by_freeness(canonical_rotation(sum((as_[i] for i in block), ())), families)
        total += term
    return sympy.expand(total)
