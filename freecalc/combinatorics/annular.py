"""Annular non-crossing permutations S_NC(p, q) and annular non-crossing pairings NC_2(p, q).

Points are numbered from 0: ``0, ..., p-1`` on the outer circle and ``p, ..., p+q-1`` on the inner one, and
``gamma_{p,q} = (0 ... p-1)(p ... p+q-1)``. A permutation ``pi`` of ``p + q`` points is *annular non-crossing*
when some cycle meets both circles and ``#(pi) + #(pi^{-1} gamma) = p + q`` (J. A. Mingo and A. Nica,
"Annular noncrossing permutations and partitions, and second-order asymptotics for random matrices",
IMRN 2004, no. 28; Mingo & Speicher, *Free Probability and Random Matrices*, Fields Monographs 35, 2017,
Chapter 5). Permutations are tuples in one-line notation: ``perm[i]`` is the image of ``i``.

Generation uses the structure of an annular non-crossing permutation (checked against the definition by
brute force in ``tests/test_annular.py``): the cycles meeting both circles ("through cycles") have the form
``(a_1 ... a_k b_1 ... b_l)`` with the ``a``'s a run of consecutive through points of the outer circle in
``gamma`` order and the ``b``'s a run of the inner circle; the runs are matched in opposite cyclic orders
(the two circles of an annulus are read with opposite orientations); every other cycle is a block of a
non-crossing partition of one arc between cyclically consecutive through points. Hence
``S_NC(p, q) = disjoint union over non-empty X (outer) and Y (inner) of T(|X|, |Y|) x prod NC(arcs)``
where ``T(x, y)`` are the *through permutations*, those whose every cycle meets both circles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterator, Sequence
from functools import cache
from itertools import combinations, product
from math import comb

from freecalc.errors import ParameterError

__all__ = [
    "annular_gamma",
    "is_annular_noncrossing",
    "through_permutations",
    "iter_annular_nc_permutations",
    "annular_nc_permutations",
    "annular_nc_pairings",
    "count_annular_nc_permutations",
    "count_annular_nc_pairings",
    "count_through_steps",
    "monochromatic_nc_partitions",
    "arc_length_counts",
    "through_cycle_type_counts",
]

Perm = tuple[int, ...]
Cycles = tuple[tuple[int, ...], ...]


# --- tiny permutation helpers (private on purpose: no dependency on the sibling permutations module) ---


def _cycles(perm: Sequence[int]) -> Cycles:
    """Cycles of a permutation, each starting at its least point, ordered by that point."""
    seen, out = set(), []
    for start in range(len(perm)):
        if start in seen:
            continue
        cycle, i = [], start
        while i not in seen:
            seen.add(i)
            cycle.append(i)
            i = perm[i]
        out.append(tuple(cycle))
    return tuple(out)


def _from_cycles(cycles: Sequence[Sequence[int]], n: int) -> Perm:
    """One-line notation of the permutation of ``n`` points with the given cycles."""
    perm = list(range(n))
    for cycle in cycles:
        for a, b in zip(cycle, (*cycle[1:], cycle[0]), strict=True):
            perm[a] = b
    return tuple(perm)


def _inverse(perm: Sequence[int]) -> Perm:
    """``perm^{-1}``."""
    inv = [0] * len(perm)
    for i, j in enumerate(perm):
        inv[j] = i
    return tuple(inv)


def _compose(a: Sequence[int], b: Sequence[int]) -> Perm:
    """``a b``: first ``b``, then ``a``."""
    return tuple(a[b[i]] for i in range(len(b)))


def _check_sizes(p: int, q: int) -> None:
    if p < 1 or q < 1:
        raise ParameterError(f"an annulus needs p >= 1 and q >= 1 points, got p={p}, q={q}")


# --- the definition ----------------------------------------------------------------------------------------


def annular_gamma(p: int, q: int) -> Perm:
    """``gamma_{p,q} = (0 ... p-1)(p ... p+q-1)`` in one-line notation.

    >>> annular_gamma(2, 3)
    (1, 0, 3, 4, 2)
    """
    _check_sizes(p, q)
    return _from_cycles([tuple(range(p)), tuple(range(p, p + q))], p + q)


def is_annular_noncrossing(perm: Sequence[int], p: int, q: int) -> bool:
    """Whether ``perm`` lies in ``S_NC(p, q)`` (Mingo & Nica, IMRN 2004).

    ``pi`` connects the circles and ``#(pi) + #(pi^{-1} gamma_{p,q}) = p + q``.

    >>> is_annular_noncrossing((3, 2, 1, 0), 2, 2), is_annular_noncrossing((2, 3, 0, 1), 2, 2)
    (True, True)
    >>> is_annular_noncrossing((3, 4, 5, 0, 1, 2), 3, 3)  # (0 3)(1 4)(2 5): spokes in the same order
    False
    """
    _check_sizes(p, q)
    if sorted(perm) != list(range(p + q)):
        raise ParameterError(f"not a permutation of {p + q} points: {tuple(perm)}")
    cycles = _cycles(perm)
    if not any(min(c) < p <= max(c) for c in cycles):
        return False
    return len(cycles) + len(_cycles(_compose(_inverse(perm), annular_gamma(p, q)))) == p + q


# --- structural generation ---------------------------------------------------------------------------------


def _arc_starts(colors: Sequence[Hashable], t: int) -> Iterator[tuple[int, ...]]:
    """Start indices of ``t`` cyclic runs cutting ``colors``, every run of one colour."""
    n = len(colors)
    forced = [i for i in range(n) if colors[i] != colors[i - 1]]
    if len(forced) > t:
        return
    free = [i for i in range(n) if i not in forced]
    for extra in combinations(free, t - len(forced)):
        yield tuple(sorted((*forced, *extra)))


def _runs(n: int, starts: Sequence[int]) -> list[tuple[int, ...]]:
    """The cyclic runs of ``0..n-1`` beginning at ``starts`` (sorted)."""
    t = len(starts)
    out = []
    for k in range(t):
        a, b = starts[k], starts[(k + 1) % t]
        length = (b - a) % n or n
        out.append(tuple((a + i) % n for i in range(length)))
    return out


def through_permutations(x: int, y: int, colors: Sequence[Hashable] | None = None) -> tuple[Cycles, ...]:
    """The through permutations ``T(x, y)``: elements of ``S_NC(x, y)`` whose every cycle meets both circles.

    A cycle is an outer run followed by an inner run; with ``t`` cycles the runs are matched in opposite
    cyclic orders, in ``t`` rotations, so ``|T(x, y)| = sum_t t binom(x, t) binom(y, t)`` (the spoke
    diagrams of Mingo & Nica 2004). ``colors`` (length ``x + y``) keeps only cycles of one colour. Cycles
    are returned as tuples of points in cycle order.

    >>> through_permutations(1, 2)
    (((0, 1, 2),), ((0, 2, 1),))
    >>> len(through_permutations(3, 3))
    30
    """
    _check_sizes(x, y)
    if colors is not None and len(colors) != x + y:
        raise ParameterError(f"need {x + y} colours, got {len(colors)}")
    return _through(x, y, None if colors is None else tuple(colors))


@cache
def _through(x: int, y: int, colors: tuple[Hashable, ...] | None) -> tuple[Cycles, ...]:
    outer_colors = colors[:x] if colors else (0,) * x
    inner_colors = colors[x:] if colors else (0,) * y
    out = []
    for t in range(1, min(x, y) + 1):
        for s_out in _arc_starts(outer_colors, t):
            outer = _runs(x, s_out)
            for s_in in _arc_starts(inner_colors, t):
                inner = [tuple(x + i for i in run) for run in _runs(y, s_in)]
                for r in range(t):
                    pairs = [(outer[k], inner[(r - k) % t]) for k in range(t)]
                    if colors and any(colors[a[0]] != colors[b[0]] for a, b in pairs):
                        continue
                    out.append(tuple(a + b for a, b in pairs))
    return tuple(out)


def monochromatic_nc_partitions(colors: Sequence[Hashable]) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """Non-crossing partitions of ``0..n-1`` (points on a line) whose blocks are each of one colour.

    Blocks are increasing tuples; with one colour this is ``NC(n)``, counted by Catalan numbers (Nica &
    Speicher, *Lectures on the Combinatorics of Free Probability*, 2006, Lecture 9).

    >>> monochromatic_nc_partitions("aba")
    (((0,), (1,), (2,)), ((0, 2), (1,)))
    >>> len(monochromatic_nc_partitions("aaaa"))
    14
    """
    return _nc_blocks(tuple(colors))


@cache
def _nc_blocks(colors: tuple[Hashable, ...]) -> tuple[tuple[tuple[int, ...], ...], ...]:

    def partitions(lo: int, hi: int) -> Iterator[list[tuple[int, ...]]]:
        if lo == hi:
            yield []
            return
        yield from extend(lo, hi, (lo,), lo + 1)

    def extend(lo: int, hi: int, block: tuple[int, ...], nxt: int) -> Iterator[list[tuple[int, ...]]]:
        for rest in partitions(nxt, hi):
            yield [block, *rest]
        for j in range(nxt, hi):
            if colors[j] == colors[block[0]]:
                for inside in partitions(nxt, j):
                    for tail in extend(lo, hi, (*block, j), j + 1):
                        yield [*inside, *tail]

    return tuple(tuple(sorted(blocks)) for blocks in partitions(0, len(colors)))


def _gaps(points: Sequence[int], chosen: Sequence[int]) -> list[tuple[int, ...]]:
    """The arcs of ``points`` (a cycle, in order) strictly between cyclically consecutive ``chosen`` ones."""
    n, idx = len(points), [points.index(c) for c in chosen]
    ends = zip(idx, idx[1:] + idx[:1], strict=True)
    return [tuple(points[(a + 1 + i) % n] for i in range((b - a - 1) % n)) for a, b in ends]


def iter_annular_nc_permutations(
    p: int, q: int, colors: Sequence[Hashable] | None = None, *, pairings: bool = False
) -> Iterator[Perm]:
    """Lazily generate ``S_NC(p, q)`` (or only its pairings), each element once.

    ``colors`` (length ``p + q``) keeps only permutations whose cycles are each of one colour; this is the
    set relevant to words in free families, where mixed cumulants vanish.

    >>> sorted(iter_annular_nc_permutations(1, 2))
    [(1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)]
    """
    _check_sizes(p, q)
    cols = tuple(colors) if colors is not None else (0,) * (p + q)
    if len(cols) != p + q:
        raise ParameterError(f"need {p + q} colours, got {len(cols)}")
    outer, inner = list(range(p)), list(range(p, p + q))
    for xs in _subsets(p):
        x_pts = [outer[i] for i in xs]
        x_gaps = _gaps(outer, x_pts)
        x_fill = _fillings(x_gaps, cols, pairings)
        if not x_fill:
            continue
        for ys in _subsets(q):
            if pairings and len(xs) != len(ys):
                continue
            y_pts = [inner[i] for i in ys]
            pts = x_pts + y_pts
            through = through_permutations(len(xs), len(ys), tuple(cols[i] for i in pts))
            if pairings:
                through = tuple(c for c in through if all(len(cyc) == 2 for cyc in c))
            if not through:
                continue
            y_fill = _fillings(_gaps(inner, y_pts), cols, pairings)
            for cycles in through:
                mapped = [tuple(pts[i] for i in cyc) for cyc in cycles]
                for fx, fy in product(x_fill, y_fill):
                    yield _from_cycles([*mapped, *fx, *fy], p + q)


def _subsets(n: int) -> Iterator[tuple[int, ...]]:
    """Non-empty subsets of ``range(n)``, as sorted tuples."""
    for k in range(1, n + 1):
        yield from combinations(range(n), k)


def _fillings(gaps: Sequence[tuple[int, ...]], cols: Sequence[Hashable], pairings: bool) -> list[list]:
    """All ways to fill the arcs with one-colour non-crossing partitions (or pairings): lists of blocks."""
    per_gap = []
    for gap in gaps:
        options = [
            [tuple(gap[i] for i in block) for block in blocks]
            for blocks in _nc_blocks(tuple(cols[i] for i in gap))
            if not pairings or all(len(b) == 2 for b in blocks)
        ]
        if not options:
            return []
        per_gap.append(options)
    return [[b for part in choice for b in part] for choice in product(*per_gap)]


def annular_nc_permutations(p: int, q: int) -> tuple[Perm, ...]:
    """``S_NC(p, q)`` as a sorted tuple of permutations in one-line notation (cached for ``p + q <= 10``).

    The size is :func:`count_annular_nc_permutations`: about 1.3 million for ``p = q = 6``, a few seconds and
    a few hundred MB; :func:`iter_annular_nc_permutations` streams instead.

    >>> annular_nc_permutations(1, 1)
    ((1, 0),)
    >>> len(annular_nc_permutations(2, 2))
    18
    """
    return (
        _annular_nc_permutations(p, q) if p + q <= 10 else tuple(sorted(iter_annular_nc_permutations(p, q)))
    )


@cache
def _annular_nc_permutations(p: int, q: int) -> tuple[Perm, ...]:
    return tuple(sorted(iter_annular_nc_permutations(p, q)))


@cache
def annular_nc_pairings(p: int, q: int) -> tuple[Perm, ...]:
    """``NC_2(p, q)``: the pairings (all cycles of length 2) in ``S_NC(p, q)``, sorted.

    >>> annular_nc_pairings(2, 2)
    ((2, 3, 0, 1), (3, 2, 1, 0))
    """
    return tuple(sorted(iter_annular_nc_permutations(p, q, pairings=True)))


def count_annular_nc_permutations(p: int, q: int) -> int:
    """``|S_NC(p, q)| = (2pq / (p+q)) binom(2p-1, p) binom(2q-1, q)`` (Mingo & Nica 2004).

    >>> [count_annular_nc_permutations(1, q) for q in range(1, 5)]
    [1, 4, 15, 56]
    >>> count_annular_nc_permutations(2, 2)
    18
    """
    _check_sizes(p, q)
    return 2 * p * q * comb(2 * p - 1, p) * comb(2 * q - 1, q) // (p + q)


def count_annular_nc_pairings(p: int, q: int) -> int:
    """``|NC_2(p, q)|``, the limit ``Cov(Tr X^p, Tr X^q)`` of a GUE (Mingo & Nica 2004).

    For ``p = 2a, q = 2b``: ``(ab / (a+b)) binom(2a, a) binom(2b, b)``; for ``p = 2a+1, q = 2b+1``:
    ``((2a+1)(2b+1) / (a+b+1)) binom(2a, a) binom(2b, b)``; zero for ``p + q`` odd. (Both verified against
    the definition by brute force in the tests.)

    >>> [count_annular_nc_pairings(p, q) for p, q in [(1, 1), (2, 2), (1, 3), (3, 3), (2, 4), (4, 4)]]
    [1, 2, 3, 12, 8, 36]
    """
    _check_sizes(p, q)
    if (p + q) % 2:
        return 0
    a, b = p // 2, q // 2
    if p % 2 == 0:
        return a * b * comb(2 * a, a) * comb(2 * b, b) // (a + b)
    return p * q * comb(2 * a, a) * comb(2 * b, b) // (a + b + 1)


@cache
def arc_length_counts(p: int, x: int) -> Counter:
    """Choices of ``x`` of the ``p`` points of a cycle, counted by sorted non-zero arc lengths between them.

    >>> sorted(arc_length_counts(4, 2).items())
    [((1, 1), 2), ((2,), 4)]
    """
    out: Counter = Counter()
    for chosen in combinations(range(p), x):
        arcs = ((b - a - 1) % p for a, b in zip(chosen, (*chosen[1:], chosen[0] + p), strict=True))
        out[tuple(sorted(g for g in arcs if g))] += 1
    return out


@cache
def through_cycle_type_counts(x: int, y: int) -> Counter:
    """Through permutations ``T(x, y)`` counted by sorted cycle lengths.

    >>> sorted(through_cycle_type_counts(2, 2).items())
    [((2, 2), 2), ((4,), 4)]
    """
    return Counter(tuple(sorted(len(c) for c in cycles)) for cycles in through_permutations(x, y))


@cache
def count_through_steps(p: int, q: int) -> int:
    """Through permutations met when every x-subset of a p-cycle meets every y-subset of a q-cycle.

    ``sum_{x, y} binom(p, x) binom(q, y) |T(x, y)|`` with ``|T(x, y)| = sum_t t binom(x, t) binom(y, t)``
    (:func:`through_permutations`): the work of the second-order covariance of two words of lengths p and
    q (:func:`freecalc.free.second_order.covariance`), an upper bound when letters of several families
    leave some through cycles out.

    Two points on each circle, by subset sizes: ``(x, y) = (1, 1)``: 4 pairs of subsets x 1, ``(1, 2)`` and
    ``(2, 1)``: 2 x 2 each, ``(2, 2)``: ``|T(2, 2)| = 1 x 4 + 2 x 1 = 6``, in all 18:

    >>> count_through_steps(1, 1), count_through_steps(2, 2)
    (1, 18)
    """
    return sum(comb(p, x) * comb(q, y) * sum(t * comb(x, t) * comb(y, t) for t in range(1, min(x, y) + 1))
               for x in range(p + 1) for y in range(q + 1))
