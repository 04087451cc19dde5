"""Non-crossing partitions NC(n), the Kreweras complement and the Moebius function of NC(n).

Terminology: a partition of ``{0, ..., n-1}`` is *non-crossing* when no ``a < b < c < d`` have ``a, c`` in
one block and ``b, d`` in another (Nica & Speicher, *Lectures on the Combinatorics of Free Probability*,
2006, Definition 9.1). ``|NC(n)|`` is the Catalan number (OEIS A000108); counted by blocks, the Narayana
numbers (A001263). Points are numbered from 0 here.

The Kreweras complement is computed through permutations: with ``P_pi`` the permutation whose cycles are the
blocks of ``pi`` in increasing order and ``gamma = (0 1 ... n-1)``, the blocks of ``K(pi)`` are the cycles of
``P_pi^{-1} gamma`` (Nica & Speicher, Lecture 18, Remark 18.3 and Definition 9.21). Point ``i`` of ``K(pi)``
sits between points ``i`` and ``i+1`` of ``pi``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import product
from math import comb

from .permutations import cycles

__all__ = [
    "NCPartition",
    "catalan",
    "narayana",
    "nc_partitions",
    "kreweras_complement",
    "moebius",
    "moebius_to_top",
    "nc_moebius_table",
    "is_noncrossing",
    "nc_blocks",
    "kreweras_blocks",
]

Blocks = tuple[tuple[int, ...], ...]


def catalan(n: int) -> int:
    """Catalan number ``C_n = binom(2n, n) / (n + 1)`` (OEIS A000108).

    >>> [catalan(n) for n in range(8)]
    [1, 1, 2, 5, 14, 42, 132, 429]
    """
    return comb(2 * n, n) // (n + 1)


def narayana(n: int, k: int) -> int:
    """Narayana number ``N(n, k) = binom(n, k) binom(n, k-1) / n``: NC(n) partitions with k blocks (A001263).

    >>> [narayana(4, k) for k in range(1, 5)]
    [1, 6, 6, 1]
    """
    if n == 0:
        return 1 if k == 0 else 0
    if not 1 <= k <= n:
        return 0
    return comb(n, k) * comb(n, k - 1) // n


def is_noncrossing(blocks: Blocks) -> bool:
    """Whether no two blocks cross (Nica & Speicher, Definition 9.1).

    >>> is_noncrossing(((0, 2), (1, 3)))
    False
    >>> is_noncrossing(((0, 3), (1, 2)))
    True
    """
    owner = {}
    for index, block in enumerate(blocks):
        for point in block:
            owner[point] = index
    # A partition is non-crossing iff, reading the points in order, the block labels form a
    # well-nested sequence: a block, once left for another, is re-entered only after the other closed.
    last = {index: max(block) for index, block in enumerate(blocks)}
    stack: list[int] = []
    for point in sorted(owner):
        label = owner[point]
        if stack and stack[-1] == label:
            pass
        elif label in stack:
            return False
        else:
            stack.append(label)
        if point == last[label]:
            stack.pop()
    return True


@dataclass(frozen=True)
class NCPartition:
    """A non-crossing partition of ``{0, ..., n-1}``: blocks sorted inside, ordered by their minimum."""

    n: int
    blocks: Blocks

    @classmethod
    def from_blocks(cls, blocks, n: int | None = None) -> NCPartition:
        """Validate and normalise ``blocks`` (any iterables of ints) into an NCPartition.

        >>> NCPartition.from_blocks([[2, 0], [1]])
        NCPartition(n=3, blocks=((0, 2), (1,)))
        """
        normal = tuple(sorted((tuple(sorted(b)) for b in blocks), key=lambda b: b[0]))
        points = sorted(p for b in normal for p in b)
        size = len(points) if n is None else n
        if points != list(range(size)) or any(len(b) == 0 for b in normal):
            raise ValueError(f"blocks {blocks!r} do not partition range({size})")
        if not is_noncrossing(normal):
            raise ValueError(f"blocks {blocks!r} cross")
        return cls(size, normal)

    def __len__(self) -> int:
        return len(self.blocks)

    def type(self) -> tuple[int, ...]:
        """Block sizes in decreasing order."""
        return tuple(sorted((len(b) for b in self.blocks), reverse=True))

    def rotated(self, shift: int = 1) -> NCPartition:
        """The partition with every point moved by ``shift`` modulo n."""
        return NCPartition.from_blocks([[(p + shift) % self.n for p in b] for b in self.blocks], self.n)

    def refines(self, other: NCPartition) -> bool:
        """Whether every block of self lies inside a block of ``other`` (``self <= other``)."""
        owner = {p: i for i, b in enumerate(other.blocks) for p in b}
        return all(len({owner[p] for p in b}) == 1 for b in self.blocks)


@cache
def nc_blocks(n: int) -> tuple[Blocks, ...]:
    """All NC(n) as block tuples, built by choosing the block of 0 and filling the gaps recursively."""
    if n == 0:
        return ((),)
    result = []
    for mask in range(1 << (n - 1)):
        first = (0,) + tuple(i for i in range(1, n) if mask >> (i - 1) & 1)
        bounds = list(first) + [n]
        gaps = [(bounds[j] + 1, bounds[j + 1]) for j in range(len(first))]
        fillings = [
            [tuple(tuple(p + lo for p in b) for b in blocks) for blocks in nc_blocks(hi - lo)]
            for lo, hi in gaps
        ]
        for choice in product(*fillings):
            result.append((first,) + tuple(b for part in choice for b in part))
    return tuple(result)


@cache
def nc_partitions(n: int) -> tuple[NCPartition, ...]:
    """All non-crossing partitions of ``{0, ..., n-1}``, generated directly (Catalan(n) of them).

    >>> [len(nc_partitions(n)) for n in range(7)]
    [1, 1, 2, 5, 14, 42, 132]
    """
    if n < 0:
        raise ValueError("n must be non-negative")
    return tuple(NCPartition(n, tuple(sorted(b, key=lambda x: x[0]))) for b in nc_blocks(n))


def _cycles(perm: list[int]) -> Blocks:
    """The cycles of a permutation as sorted blocks, ordered by their least point."""
    return tuple(tuple(sorted(cycle)) for cycle in cycles(tuple(perm)))


def kreweras_blocks(n: int, blocks: Blocks) -> Blocks:
    """Blocks of the Kreweras complement of ``blocks`` (cycles of ``P^{-1} gamma``), without validation."""
    inverse = [0] * n
    for block in blocks:
        for j, point in enumerate(block):
            inverse[block[(j + 1) % len(block)]] = point
    return _cycles([inverse[(i + 1) % n] for i in range(n)])


def kreweras_complement(pi: NCPartition) -> NCPartition:
    """Kreweras complement ``K(pi)`` (Nica & Speicher, Definition 9.21), with ``|pi| + |K(pi)| = n + 1``.

    >>> kreweras_complement(NCPartition.from_blocks([[0, 2], [1]])).blocks
    ((0, 1), (2,))
    >>> kreweras_complement(NCPartition.from_blocks([[0], [1], [2]])).blocks
    ((0, 1, 2),)
    """
    return NCPartition(pi.n, kreweras_blocks(pi.n, pi.blocks))


def _top_weight(size: int) -> int:
    """``mu(0_size, 1_size) = (-1)^(size-1) C_(size-1)`` (Nica & Speicher, Proposition 10.15)."""
    return (-1) ** (size - 1) * catalan(size - 1)


def moebius_to_top(n: int, blocks: Blocks) -> int:
    """``mu(pi, 1_n)``: the product over blocks W of K(pi) of ``(-1)^(|W|-1) C_(|W|-1)``.

    Nica & Speicher, Proposition 10.15 with the factorisation of intervals (Lecture 10).
    """
    weight = 1
    for block in kreweras_blocks(n, blocks):
        weight *= _top_weight(len(block))
    return weight


@cache
def nc_moebius_table(n: int) -> tuple[tuple[Blocks, int], ...]:
    """NC(n) as block tuples (in the order of :func:`nc_blocks`), each beside ``mu(pi, 1_n)``.

    The coefficients of the Moebius inversion ``kappa_n = sum_{pi in NC(n)} mu(pi, 1_n) tr_pi`` (Nica &
    Speicher, Proposition 11.4 with Proposition 10.15); read only.

    >>> nc_moebius_table(2)
    ((((0,), (1,)), -1), (((0, 1),), 1))
    """
    return tuple((blocks, moebius_to_top(n, blocks)) for blocks in nc_blocks(n))


def moebius(sigma: NCPartition, pi: NCPartition) -> int:
    """Moebius function ``mu(sigma, pi)`` of the lattice NC(n); zero unless ``sigma <= pi``.

    The interval ``[sigma, pi]`` factorises over the blocks V of pi into ``[sigma|V, 1_V]``
    (Nica & Speicher, Proposition 9.25 and Lecture 10), so ``mu`` is the product of ``mu(sigma|V, 1_V)``.

    >>> zero = NCPartition.from_blocks([[0], [1], [2]])
    >>> one = NCPartition.from_blocks([[0, 1, 2]])
    >>> moebius(zero, one)
    2
    """
    if sigma.n != pi.n:
        raise ValueError("partitions of different sets")
    if not sigma.refines(pi):
        return 0
    weight = 1
    for block in pi.blocks:
        position = {p: i for i, p in enumerate(block)}
        inner = tuple(tuple(position[p] for p in b) for b in sigma.blocks if b[0] in position)
        weight *= moebius_to_top(len(block), inner)
    return weight
