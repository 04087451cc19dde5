"""Exact finite-size Haar averages in floating point: the Weingarten sum as a bilinear form.

Notation of :mod:`freecalc.haar.averages`: integrating the rotated family with runs ``A_1..A_n`` and segments
``D_1..D_n`` gives (Collins & Sniady, Comm. Math. Phys. 264 (2006), Cor. 2.4)

    ``E[Tr_gamma(U A_1 U^* D_1, ..., U A_n U^* D_n)]
        = sum_{alpha, beta} Wg(alpha^{-1} gamma beta^{-1}) Tr_alpha(A) Tr_beta(D) = a^T W d'``,

with ``a_alpha = Tr_alpha(A)``, ``d'_tau = Tr_beta(D)`` at ``beta = tau^{-1} gamma`` and ``W_{alpha tau} =
Wg(alpha^{-1} tau)``, a matrix that depends on ``n`` and ``N`` only (cached). Orthogonal group (Collins &
Matsumoto, J. Math. Phys. 50 (2009) 113516): ``a_q`` are the loops of the runs and the pairing ``q``, ``d_p``
those of the segments and ``p``, and ``W_{qp} = Wg^O(type(p, q))``. The ``D`` traces of words that still mix
families are integrated recursively (memoised by canonical multi-trace).

When only the number is wanted (``check`` at the matrices' size), this replaces the symbolic expansion's
``(n!)^2`` Python terms by one matrix-vector product: the values agree with
:func:`freecalc.haar.traces.finite_size_poly` evaluated on the same traces (tests).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import numpy as np

from ..combinatorics.permutations import (
    all_permutations,
    along_cycles,
    along_loops,
    compose,
    inverse,
    pairing_to_involution,
    pairings,
    partitions,
)
from ..errors import ParameterError, WorkLimitError
from ..free.letters import canonical_rotation, check_group
from ..free.words import Families
from ..haar.averages import is_local, rotation_step
from ..haar.weingarten import summation_size, weingarten_fractions

__all__ = ["weingarten_matrix", "exact_trace_average"]

Word = tuple[str, ...]


def _type_indices(perms: np.ndarray, n: int, halve: bool) -> np.ndarray:
    """``[i, j]`` -> index in ``partitions(n)`` of the cycle type of ``perms[i]^{-1} o perms[j]``.

    Halved for products of two involutions, whose cycles come in equal pairs: the coset type (Macdonald,
    *Symmetric Functions and Hall Polynomials*, VII.2). Rows are done in blocks to bound memory.
    """
    m, points = perms.shape
    inverses = np.argsort(perms, axis=1)
    identity = np.arange(points)
    # a cycle of length L has L points of length L: the code sum_points (points+1)^(L-1) / L names the type
    base = points + 1
    per_point = np.zeros(points + 1)
    per_point[1:] = [base ** (length - 1) / length for length in range(1, points + 1)]
    copies = 2 if halve else 1
    index = {copies * sum(base ** (part - 1) for part in mu): i for i, mu in enumerate(partitions(n))}
    table = np.empty((m, m), dtype=np.int16)
    block = max(1, 2_000_000 // (m * points))
    for start in range(0, m, block):
        rows = inverses[start:start + block]
        product = rows[:, perms]  # [i, j, point] = perms[i]^{-1}(perms[j](point))
        lengths = np.zeros(product.shape, dtype=np.int16)
        current = product
        for k in range(1, points + 1):
            lengths[(current == identity) & (lengths == 0)] = k
            current = np.take_along_axis(product, current, axis=2)
        codes = np.rint(per_point[lengths].sum(axis=2)).astype(np.int64)
        unique, positions = np.unique(codes, return_inverse=True)
        types = np.array([index[code] for code in unique.tolist()], dtype=np.int16)
        table[start:start + block] = types[positions].reshape(codes.shape)
    return table


ROUNDING = 1e-12  # a sum this small against the sum of its terms' sizes is zero to double precision
MAX_ELEMENTS = 5040  # |S_7|: a 5040 x 5040 float matrix is 203 MB


@cache
def _tables(group: str, n: int) -> tuple[tuple, dict, np.ndarray]:
    """The elements summed over (permutations or involutions), their positions, and the type table."""
    count = summation_size(group, n)
    if count > MAX_ELEMENTS:
        raise WorkLimitError(f"the {group} Weingarten matrix for {n} blocks has {count:,}^2 entries, over "
                             f"the limit of {MAX_ELEMENTS:,}^2")
    if group == "unitary":
        elements = all_permutations(n)
    else:
        elements = tuple(pairing_to_involution(p) for p in pairings(2 * n))
    array = np.array(elements, dtype=np.int16).reshape(len(elements), -1)
    types = _type_indices(array, n, halve=group == "orthogonal")
    return elements, {e: i for i, e in enumerate(elements)}, types


@cache
def weingarten_matrix(group: str, n: int, N: int) -> np.ndarray:
    """``W[i, j] = Wg(s_i^{-1} s_j, N)`` over ``S_n``, or ``Wg^O(type(p_j, q_i), N)`` over pairings.

    Rows and columns in the order of ``all_permutations(n)`` (unitary) or ``pairings(2n)`` (orthogonal); the
    array is cached and read only.
    """
    check_group(group)
    values = weingarten_fractions(group, n, N)
    wg = np.array([float(values[mu]) for mu in partitions(n)])
    matrix = wg[_tables(group, n)[2]]
    matrix.setflags(write=False)
    return matrix


def exact_trace_average(words: Sequence[Word], families: Families, group: str, N: int,
                        trace: Callable[[Word], float]) -> float:
    """``E[prod_j tr(w_j)]`` at integer size ``N``, given ``tr`` of family-local words (normalized traces).

    ``families[0]`` is fixed and every other family is conjugated by its own Haar matrix of ``group``; the
    orthogonal group assumes symmetric letters (a word's reversal has the same trace). A value below
    ``ROUNDING`` times the sum of the absolute values of its terms is returned as 0.0.
    """
    fam = {x: families.index(x) for w in words for x in w}
    traces: dict[Word, float] = {}

    def big_trace(word: Word) -> float:  # Tr = N tr of a family-local word
        key = canonical_rotation(tuple(word), group)
        if key not in traces:
            traces[key] = N * trace(key)
        return traces[key]

    def product(words: list[Word]) -> float:
        out = 1.0
        for word in words:
            out *= big_trace(word)
        return out

    memo: dict[tuple[Word, ...], tuple[float, float]] = {}

    def average(active: tuple[Word, ...]) -> tuple[float, float]:  # value and sum of |terms|
        if not active:
            return 1.0, 1.0
        if active in memo:
            return memo[active]
        step = rotation_step(active, fam)
        n = len(step.runs)
        elements, position, _ = _tables(group, n)
        carried = 1.0
        mixed: list[Word] = []
        for word in step.carried:
            if is_local(word, fam):
                carried *= big_trace(word)
            else:
                mixed.append(word)

        def value_of(pieces: list[Word]) -> tuple[float, float]:
            out, rest = carried, list(mixed)
            for word in pieces:
                if is_local(word, fam):
                    out *= big_trace(word)
                else:
                    rest.append(canonical_rotation(tuple(word), group))
            if not (rest and out):
                return out, abs(out)
            value, size = average(tuple(sorted(rest)))
            return out * value, abs(out) * size

        if group == "unitary":
            a = np.array([product(along_cycles(step.runs, alpha)) for alpha in elements])
            d = np.array([value_of(along_cycles(step.segments, beta)) for beta in elements])
            # d'_tau = d_beta at beta = tau^{-1} gamma
            d = d[[position[compose(inverse(tau), tuple(step.gamma))] for tau in elements]]
        else:
            a_ends = [(2 * k, 2 * k + 1) for k in range(n)]
            d_ends = [(2 * k + 1, 2 * step.gamma[k]) for k in range(n)]
            a = np.array([product(along_loops(step.runs, a_ends, q)) for q in elements])
            d = np.array([value_of(along_loops(step.segments, d_ends, p)) for p in elements])
        W = weingarten_matrix(group, n, N)
        memo[active] = result = (float(a @ (W @ d[:, 0])), float(np.abs(a) @ (np.abs(W) @ d[:, 1])))
        return result

    if isinstance(N, bool) or not isinstance(N, int) or N < 1:
        raise ParameterError(f"the size must be an integer >= 1, got {N!r}")
    local = 1.0
    mixed: list[Word] = []
    for word in words:
        if not word:
            local *= N
        elif is_local(word, fam):
            local *= big_trace(word)
        else:
            mixed.append(canonical_rotation(tuple(word), group))
    value, size = average(tuple(sorted(mixed)))
    if abs(value) <= ROUNDING * size:  # zero within the rounding of the sum (e.g. centered letters)
        return 0.0
    return local * value / float(N) ** len(words)
