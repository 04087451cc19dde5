"""Permutations, integer partitions and pairings: the combinatorics behind Weingarten calculus.

Conventions. A permutation of ``{0, ..., n-1}`` is a tuple ``p`` with ``p[i]`` the image of ``i``; products
compose right to left, ``(p o q)(i) = p[q[i]]``. An integer partition is a non-increasing tuple of positive
integers. A pairing (perfect matching) of ``{0, ..., 2n-1}`` is a tuple of pairs ``(a, b)`` with ``a < b``,
sorted by ``a``.

The coset type of two pairings ``p, q`` of ``2n`` points: the graph with edge set ``p`` union ``q`` is a
disjoint union of loops of even lengths ``2 mu_1 >= 2 mu_2 >= ...``, and ``mu`` is a partition of ``n``
(Macdonald, *Symmetric Functions and Hall Polynomials*, 2nd ed., Section VII.2; Collins & Matsumoto,
J. Math. Phys. 50 (2009) 113516, Section 2).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from itertools import permutations as _itertools_permutations
from math import factorial, prod
from typing import TypeVar

__all__ = [
    "Perm",
    "Partition",
    "Pairing",
    "compose",
    "inverse",
    "cycles",
    "cycle_type",
    "from_cycles",
    "all_permutations",
    "num_cycles",
    "long_cycle",
    "partitions",
    "conjugate_partition",
    "centralizer_order",
    "class_size",
    "pairings",
    "pairing_to_involution",
    "involution_to_pairing",
    "coset_type",
    "num_loops",
    "along_cycles",
    "along_loops",
]

Perm = tuple[int, ...]
Partition = tuple[int, ...]
Pairing = tuple[tuple[int, int], ...]
T = TypeVar("T")


def compose(p: Sequence[int], q: Sequence[int]) -> Perm:
    """The product ``p o q``, acting right to left: ``(p o q)(i) = p[q[i]]``.

    >>> compose((1, 2, 0), (1, 0, 2))
    (2, 1, 0)
    """
    return tuple(p[j] for j in q)


def inverse(p: Sequence[int]) -> Perm:
    """The inverse permutation, ``inverse(p)[p[i]] = i``.

    >>> inverse((1, 2, 0))
    (2, 0, 1)
    """
    result = [0] * len(p)
    for i, j in enumerate(p):
        result[j] = i
    return tuple(result)


def cycles(p: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    """The cycles ``(i, p(i), p(p(i)), ...)``, each from its least element, ordered by least element.

    >>> cycles((1, 0, 3, 4, 2))
    ((0, 1), (2, 3, 4))
    """
    seen = [False] * len(p)
    result = []
    for start in range(len(p)):
        if seen[start]:
            continue
        cycle = []
        i = start
        while not seen[i]:
            seen[i] = True
            cycle.append(i)
            i = p[i]
        result.append(tuple(cycle))
    return tuple(result)


def cycle_type(p: Sequence[int]) -> Partition:
    """The cycle lengths of ``p`` in non-increasing order (a partition of ``len(p)``).

    >>> cycle_type((1, 0, 3, 4, 2, 5))
    (3, 2, 1)
    """
    return tuple(sorted((len(c) for c in cycles(p)), reverse=True))


def num_cycles(p: Sequence[int]) -> int:
    """The number of cycles of ``p`` (fixed points included).

    >>> num_cycles((0, 1, 2)), num_cycles((1, 2, 0))
    (3, 1)
    """
    return len(cycles(p))


def from_cycles(cycle_list: Iterable[Sequence[int]], n: int) -> Perm:
    """The permutation of ``{0..n-1}`` sending each listed element to the next one in its cycle.

    Unlisted points are fixed.

    >>> from_cycles([(0, 2), (1, 3, 4)], 5)
    (2, 3, 0, 4, 1)
    """
    p = list(range(n))
    for cycle in cycle_list:
        for a, b in zip(cycle, (*cycle[1:], *cycle[:1]), strict=True):
            p[a] = b
    return tuple(p)


@cache
def all_permutations(n: int) -> tuple[Perm, ...]:
    """All ``n!`` permutations of ``{0..n-1}`` in lexicographic order (cached).

    >>> all_permutations(2)
    ((0, 1), (1, 0))
    """
    return tuple(_itertools_permutations(range(n)))


def long_cycle(n: int) -> Perm:
    """The full cycle ``gamma_n = (0 1 ... n-1)``, ``i -> i + 1 mod n``.

    >>> long_cycle(4)
    (1, 2, 3, 0)
    """
    return tuple((i + 1) % n for i in range(n))


@cache
def partitions(n: int) -> tuple[Partition, ...]:
    """All partitions of ``n`` in reverse lexicographic order (cached).

    >>> partitions(4)
    ((4,), (3, 1), (2, 2), (2, 1, 1), (1, 1, 1, 1))
    """
    return tuple(_partitions_bounded(n, n))


def _partitions_bounded(n: int, largest: int) -> list[Partition]:
    """Partitions of ``n`` with all parts at most ``largest``, reverse lexicographic."""
    if n == 0:
        return [()]
    return [
        (first, *rest)
        for first in range(min(n, largest), 0, -1)
        for rest in _partitions_bounded(n - first, first)
    ]


def conjugate_partition(lam: Sequence[int]) -> Partition:
    """The conjugate (transposed) partition, ``lam'_j = #{i : lam_i >= j}``.

    >>> conjugate_partition((3, 1))
    (2, 1, 1)
    """
    return tuple(sum(1 for part in lam if part >= j) for j in range(1, (lam[0] if lam else 0) + 1))


def centralizer_order(mu: Sequence[int]) -> int:
    """``z_mu = prod_k k^{m_k} m_k!``, the order of the centralizer of a permutation of cycle type ``mu``.

    Macdonald, *Symmetric Functions*, I.(2.14).

    >>> centralizer_order((2, 1, 1))
    4
    """
    return prod(k**m * factorial(m) for k, m in Counter(mu).items())


def class_size(mu: Sequence[int]) -> int:
    """The number ``n! / z_mu`` of permutations of cycle type ``mu``.

    >>> [class_size(mu) for mu in partitions(3)]
    [2, 3, 1]
    """
    return factorial(sum(mu)) // centralizer_order(mu)


@cache
def pairings(n_points: int) -> tuple[Pairing, ...]:
    """All ``(n_points - 1)!!`` perfect matchings of ``{0..n_points-1}`` (empty for odd ``n_points``; cached).

    >>> pairings(4)
    (((0, 1), (2, 3)), ((0, 2), (1, 3)), ((0, 3), (1, 2)))
    """
    return tuple(_matchings(tuple(range(n_points))))


def _matchings(points: tuple[int, ...]) -> list[Pairing]:
    """Perfect matchings of a sorted tuple of points, the first point paired first."""
    if not points:
        return [()]
    if len(points) % 2:
        return []
    first, rest = points[0], points[1:]
    return [
        ((first, partner), *tail)
        for k, partner in enumerate(rest)
        for tail in _matchings(rest[:k] + rest[k + 1 :])
    ]


def pairing_to_involution(p: Iterable[Sequence[int]]) -> Perm:
    """The fixed-point-free involution swapping the two points of each pair.

    >>> pairing_to_involution(((0, 2), (1, 3)))
    (2, 3, 0, 1)
    """
    pairs = [tuple(pair) for pair in p]
    result = [0] * (2 * len(pairs))
    for a, b in pairs:
        result[a], result[b] = b, a
    return tuple(result)


def involution_to_pairing(s: Sequence[int]) -> Pairing:
    """The pairing ``{i, s(i)}`` of a fixed-point-free involution.

    >>> involution_to_pairing((2, 3, 0, 1))
    ((0, 2), (1, 3))
    """
    return tuple((i, j) for i, j in enumerate(s) if i < j)


def coset_type(p: Iterable[Sequence[int]], q: Iterable[Sequence[int]]) -> Partition:
    """Half the loop lengths of the graph ``p`` union ``q`` of two pairings, non-increasing.

    A loop with ``m`` edges of ``p`` (and ``m`` of ``q``) contributes the part ``m``; the result is a
    partition of ``n`` for pairings of ``2n`` points (Macdonald VII.2; Collins & Matsumoto 2009, Sec. 2).

    >>> coset_type(((0, 1), (2, 3)), ((0, 1), (2, 3)))
    (1, 1)
    >>> coset_type(((0, 1), (2, 3)), ((0, 2), (1, 3)))
    (2,)
    """
    sp, sq = pairing_to_involution(p), pairing_to_involution(q)
    return _loop_type(sp, sq)


def _loop_type(sp: Sequence[int], sq: Sequence[int]) -> Partition:
    """Coset type from the two involutions of the pairings."""
    seen = [False] * len(sp)
    parts = []
    for start in range(len(sp)):
        if seen[start]:
            continue
        length, i = 0, start
        while not seen[i]:
            seen[i] = seen[sp[i]] = True
            length += 1
            i = sq[sp[i]]
        parts.append(length)
    return tuple(sorted(parts, reverse=True))


def num_loops(p: Iterable[Sequence[int]], q: Iterable[Sequence[int]]) -> int:
    """The number of loops of ``p`` union ``q``, the length of their coset type.

    >>> num_loops(((0, 3), (1, 2)), ((0, 1), (2, 3)))
    1
    """
    return len(coset_type(p, q))


def along_cycles(pieces: Sequence[Sequence[T]], perm: Sequence[int]) -> list[tuple[T, ...]]:
    """Per cycle ``(k, perm(k), ...)`` of ``perm``, the concatenation ``pieces[k] + pieces[perm(k)] + ...``.

    >>> along_cycles(["a", "b", "c"], (2, 1, 0))
    [('a', 'c'), ('b',)]
    """
    return [tuple(x for k in cycle for x in pieces[k]) for cycle in cycles(perm)]


def along_loops(
    pieces: Sequence[Sequence[T]], ends: Sequence[tuple[int, int]], partner: Sequence[int]
) -> list[tuple[T, ...]]:
    """The words read along the loops formed by pieces and a pairing of their end points.

    Piece ``k`` joins the points ``ends[k] = (s, t)``, read forward from ``s`` to ``t`` and reversed from
    ``t`` to ``s``; ``partner`` is the pairing as an involution. Every point ends exactly one piece.

    >>> along_loops(["ab", "cd"], [(0, 1), (2, 3)], (2, 3, 0, 1))  # 1 meets 3: "cd" read backwards
    [('a', 'b', 'd', 'c')]
    """
    at: dict[int, tuple[int, bool, int]] = {}
    for k, (s, t) in enumerate(ends):
        at[s], at[t] = (k, True, t), (k, False, s)
    seen: set[int] = set()
    words = []
    for start in sorted(at):
        if start in seen:
            continue
        word: list[T] = []
        point = start
        while point not in seen:
            k, forward, other = at[point]
            seen.update((point, other))
            word.extend(pieces[k] if forward else pieces[k][::-1])
            point = partner[other]
        words.append(tuple(word))
    return words
