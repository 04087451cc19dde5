"""Set partitions and perfect matchings (pairings) of ``{0, ..., n-1}``.

Pairings index the terms of Wick's (Isserlis') formula, ``E[x_1 ... x_2m] = sum over pairings of the
products of covariances`` (Mingo & Speicher, *Free Probability and Random Matrices*, Section 1.5); set
partitions index the moments of i.i.d. entries. There are ``(2m-1)!!`` pairings of 2m points (OEIS A001147)
and ``Bell(n)`` set partitions (A000110).
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["perfect_matchings", "set_partitions"]


def perfect_matchings(n: int) -> Iterator[tuple[tuple[int, int], ...]]:
    """All ``(n-1)!!`` pairings of ``{0, ..., n-1}`` (none when n is odd)."""

    def rec(rest: tuple[int, ...]) -> Iterator[tuple[tuple[int, int], ...]]:
        if not rest:
            yield ()
            return
        for j in range(1, len(rest)):
            remaining = rest[1:j] + rest[j + 1 :]
            for tail in rec(remaining):
                yield ((rest[0], rest[j]), *tail)

    if n % 2 == 0:
        yield from rec(tuple(range(n)))


def set_partitions(n: int) -> Iterator[tuple[tuple[int, ...], ...]]:
    """All ``Bell(n)`` set partitions of ``{0, ..., n-1}``, as tuples of blocks."""

    def rec(i: int, blocks: list[list[int]]) -> Iterator[tuple[tuple[int, ...], ...]]:
        if i == n:
            yield tuple(tuple(b) for b in blocks)
            return
        for b in blocks:
            b.append(i)
            yield from rec(i + 1, blocks)
            b.pop()
        blocks.append([i])
        yield from rec(i + 1, blocks)
        blocks.pop()

    yield from rec(0, [])
