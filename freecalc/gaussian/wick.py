"""Exact finite-size expectations of words in a Gaussian matrix W, a random diagonal D and fixed matrices.

Setting: ``W`` is k x d with i.i.d. ``N(0, s2)`` entries, ``a`` is a k-vector of i.i.d. entries with moments
``m_p = E[a^p]`` independent of ``W``, ``D = diag(a)``, and ``M, B, C, ...`` are fixed d x d matrices; for the
network ``f(x) = a^T (W x)^2`` the matrix ``R = W^T D^2 W`` is the word ``W' D^2 W``.

Method. Written as an index contraction, a word is a sum over neuron indices (range k) and input indices
(range d) of products of entries. Isserlis' theorem (L. Isserlis, Biometrika 12 (1918) 134-139; for
Gaussian matrices the Wick formula of Mingo & Speicher, *Free Probability and Random Matrices*, Section 1.5)
gives ``E[W_{i1 x1} ... W_{i2n x2n}] = sum over pairings of prod s2 delta(i, i') delta(x, x')``. After the
identifications of a pairing:

* the neuron-index classes with powers ``p_c`` of ``a`` sum to
  ``sum over set partitions pi of the classes of (k)_{|pi|} prod_{blocks B} m_{p_B}``, ``(k)_n`` the falling
  factorial and ``m_0 = 1``;
* every input-index class meets at most two fixed-matrix ends, so the fixed matrices form cycles, which give
  unnormalized traces ``Tr(M1 M2' ...)`` (canonical up to rotation and reversal), one path between the two
  outer indices of a d x d word, which gives the matrix product, and classes with no fixed matrix, which give
  a factor ``d`` each.

Output: a sympy expression in the typed atoms of :mod:`freecalc.gaussian.atoms`: ``k``, ``d``, ``s2``,
:class:`~freecalc.gaussian.atoms.ReadoutMoment` ``E[a^p]``, :class:`~freecalc.gaussian.atoms.FixedTrace`
``Tr(M B ...)`` and the non-commuting :class:`~freecalc.gaussian.atoms.FixedMatrix` ``M``, ``M'`` (transpose
of a non-symmetric ``M``) and ``I``. Words are parsed by :func:`freecalc.gaussian.words.parse_word`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import sympy

from ..combinatorics.pairings import perfect_matchings, set_partitions
from ..errors import ParameterError
from ..free.letters import canonical_rotation
from .atoms import DIM, IDENTITY, S2, Factor, K, ReadoutMoment, matrix_symbol, moment_symbol, trace_symbol
from .words import Word, parse_word

__all__ = ["MomentSpec", "neuron_sum", "wick_expectation"]

MomentSpec = None | Mapping[int, object] | Callable[[int], object]


def neuron_sum(powers: tuple[int, ...], moment: Callable[[int], sympy.Expr]) -> sympy.Expr:
    """``sum_{i_1..i_r in [k]} E[prod_c a_{i_c}^{p_c}] = sum_pi (k)_{|pi|} prod_{B in pi} m_{p_B}``."""
    counts: Counter[tuple[int, tuple[int, ...]]] = Counter()
    for blocks in set_partitions(len(powers)):
        counts[(len(blocks), tuple(sorted(sum(powers[i] for i in b) for b in blocks)))] += 1
    return sympy.Add(
        *(
            c * sympy.Mul(*(K - j for j in range(n)), *(moment(p) for p in sums))
            for (n, sums), c in counts.items()
        )
    )


@dataclass(frozen=True)
class _Contraction:
    """A word as an index contraction: index dimensions, W entries, powers of a, fixed-matrix edges."""

    dims: tuple[str, ...]
    w_entries: tuple[tuple[int, int], ...]  # (neuron index, input index)
    a_powers: tuple[int, ...]
    edges: tuple[tuple[str, int, int], ...]  # (matrix, row index, column index)
    ends: tuple[int, int] | None  # outer input indices of a d x d word


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _contraction(word: Word) -> _Contraction:
    """Index the boundaries between tokens; D, I and the trace identify neighbouring boundaries."""
    tokens, n = word.tokens, len(word.tokens)
    bdims = [tokens[0].shape[0]] + [t.shape[1] for t in tokens]
    parent = list(range(n + 1))
    for t, tok in enumerate(tokens):
        if tok.kind in ("D", "I"):
            parent[_find(parent, t + 1)] = _find(parent, t)
    if word.trace is not None:
        parent[_find(parent, n)] = _find(parent, 0)
    ids: dict[int, int] = {}
    idx = [ids.setdefault(_find(parent, b), len(ids)) for b in range(n + 1)]
    dims = [""] * len(ids)
    for b, i in enumerate(idx):
        dims[i] = bdims[b]
    w_entries, edges, a_powers = [], [], [0] * len(ids)
    for t, tok in enumerate(tokens):
        row, col = idx[t], idx[t + 1]
        if tok.kind == "W":
            w_entries.append((col, row) if tok.transposed else (row, col))
        elif tok.kind == "D":
            a_powers[row] += tok.power
        elif tok.kind == "a":
            a_powers[col if tok.transposed else row] += 1
        elif tok.kind == "fixed":
            edges.append((tok.name, col, row) if tok.transposed else (tok.name, row, col))
    ends = (idx[0], idx[n]) if word.trace is None and bdims[0] == "d" else None
    return _Contraction(tuple(dims), tuple(w_entries), tuple(a_powers), tuple(edges), ends)


def _canonical_cycle(factors: tuple[Factor, ...], is_symmetric: Callable[[str], bool]) -> tuple[Factor, ...]:
    """Least rotation of the cycle or of its reversal ``Tr(X1..Xn) = Tr(Xn^T..X1^T)``.

    Reversing transposes every non-symmetric factor, so the reversal is not plain: the least rotation
    (:func:`freecalc.free.letters.canonical_rotation`) of each of the two cycles, then the least of them.
    """
    reverse = tuple((name, t if is_symmetric(name) else not t) for name, t in reversed(factors))
    return min(canonical_rotation(factors), canonical_rotation(reverse))


def _input_graph(
    classes: Iterable[int],
    edges: list[tuple[str, int, int]],
    ends: tuple[int, int] | None,
    is_symmetric: Callable[[str], bool],
) -> tuple[int, tuple[tuple[Factor, ...], ...], tuple[Factor, ...] | None]:
    """Free classes (factor d), canonical trace cycles and the outer path of the fixed-matrix graph."""
    start_end = [(-1, 0), (-2, 0)]
    incident: dict[int, list[tuple[int, int]]] = {c: [] for c in classes}
    for e, (_, row, col) in enumerate(edges):
        incident[row].append((e, 0))
        incident[col].append((e, 1))
    if ends is not None:
        incident[ends[0]].append(start_end[0])
        incident[ends[1]].append(start_end[1])
    used = [False] * len(edges)

    def walk(node: int, came: tuple[int, int], stop: tuple[int, int]) -> tuple[Factor, ...]:
        factors = []
        while True:
            pair = incident[node]
            half = pair[1] if pair[0] == came else pair[0]
            if half == stop:
                return tuple(factors)
            e, side = half
            used[e] = True
            name, row, col = edges[e]
            factors.append((name, side == 1 and not is_symmetric(name)))
            node, came = (col, (e, 1)) if side == 0 else (row, (e, 0))

    path = walk(ends[0], start_end[0], start_end[1]) if ends is not None else None
    cycles = []
    for e in range(len(edges)):
        if not used[e]:
            used[e] = True
            name, _, col = edges[e]
            rest = walk(col, (e, 1), (e, 0))
            cycles.append(_canonical_cycle(((name, False), *rest), is_symmetric))
    free = sum(1 for c in incident.values() if not c)
    return free, tuple(sorted(cycles)), path


def _moment_function(a_moments: MomentSpec) -> Callable[[int], sympy.Expr]:
    """``p -> E[a^p]``: atoms ``E[a^p]``, a function of p, or a dict overriding some atoms."""
    if a_moments is None:
        return lambda p: sympy.Integer(1) if p == 0 else moment_symbol(p)
    if isinstance(a_moments, str):
        raise ParameterError(f"a_moments={a_moments!r}: give E[a^p] as a dict or a function of p, e.g. "
                             "freecalc.quadratic.readout.readout_law('gaussian').moment")
    if callable(a_moments):
        return lambda p: sympy.Integer(1) if p == 0 else sympy.sympify(a_moments(p))
    if isinstance(a_moments, Mapping):
        if not all(isinstance(p, int) and p >= 1 for p in a_moments):
            raise ParameterError("a_moments keys must be integers p >= 1")
        values = {p: sympy.sympify(v) for p, v in a_moments.items()}
        return lambda p: sympy.Integer(1) if p == 0 else values.get(p, moment_symbol(p))
    raise ParameterError("a_moments must be None, a function p -> E[a^p] or a dict {p: E[a^p]}")


def _symmetry(symmetric: Iterable[str] | bool) -> Callable[[str], bool]:
    """Predicate telling which fixed matrices are symmetric (a string lists names separated by spaces)."""
    if isinstance(symmetric, bool):
        return lambda name: symmetric
    names = frozenset(symmetric.replace(",", " ").split() if isinstance(symmetric, str) else symmetric)
    return lambda name: name in names


def _variance(variance: object) -> sympy.Expr:
    """The entry variance of W, 1/k by default; numbers must be positive."""
    if variance is None:
        return 1 / K
    try:
        value = sympy.sympify(variance, locals={"k": K, "d": DIM, "s2": S2})
    except (sympy.SympifyError, TypeError, SyntaxError) as exc:
        raise ParameterError(f"cannot read the variance {variance!r}") from exc
    if value.is_number and not value.is_positive:
        raise ParameterError(f"the variance must be positive, got {value}")
    return value


def _tidy(coefficient: sympy.Expr) -> sympy.Expr:
    """Expand in the moments E[a^p] and factor the rational coefficient of each moment monomial."""
    moments = sorted((s for s in coefficient.free_symbols if isinstance(s, ReadoutMoment)), key=str)
    coefficient = sympy.expand(coefficient)
    if not moments:
        return sympy.factor(coefficient)
    poly = sympy.Poly(coefficient, *moments)
    return sympy.Add(
        *(
            sympy.factor(c) * sympy.Mul(*(m**e for m, e in zip(moments, mon, strict=True)))
            for mon, c in poly.terms()
        )
    )


def _product(factors: tuple[Factor, ...]) -> sympy.Expr:
    return sympy.Mul(*(matrix_symbol(n, t) for n, t in factors)) if factors else IDENTITY


def _trace(factors: tuple[Factor, ...]) -> sympy.Symbol:
    return trace_symbol(factors)


def wick_expectation(
    word: str,
    *,
    symmetric: Iterable[str] | bool = True,
    variance: object = None,
    a_moments: MomentSpec = None,
) -> sympy.Expr:
    """Exact ``E[word]`` by Isserlis' theorem over the pairings of the W entries (``W_ij ~ N(0, s2)``).

    ``variance`` defaults to ``1/k`` (``"s2"`` keeps it symbolic); ``a_moments`` is None (Symbols
    ``E[a^p]``), a function ``p -> E[a^p]`` (e.g. ``readout_law("gaussian").moment`` from
    :mod:`freecalc.quadratic.readout`) or a dict ``{p: E[a^p]}``.

    >>> wick_expectation("W' D^2 W")
    E[a^2]*I
    >>> wick_expectation("W' W", variance="s2")
    k*s2*I
    >>> wick_expectation("tr(W' D^2 W)", a_moments={2: 1})
    1
    """
    parsed = parse_word(word)
    contraction = _contraction(parsed)
    is_symmetric = _symmetry(symmetric)
    moment = _moment_function(a_moments)
    s2 = _variance(variance)
    dims = contraction.dims
    n_w = len(contraction.w_entries)
    counts: Counter[tuple] = Counter()
    for matching in perfect_matchings(n_w):
        parent = list(range(len(dims)))
        for x, y in matching:
            for i, j in zip(contraction.w_entries[x], contraction.w_entries[y], strict=True):
                ri, rj = _find(parent, i), _find(parent, j)
                if ri != rj:
                    parent[rj] = ri
        powers: defaultdict[int, int] = defaultdict(int)
        for i, dim in enumerate(dims):
            if dim == "k":
                powers[_find(parent, i)] += contraction.a_powers[i]
        empty = sum(1 for p in powers.values() if p == 0)
        positive = tuple(sorted(p for p in powers.values() if p))
        edges = [(name, _find(parent, r), _find(parent, c)) for name, r, c in contraction.edges]
        ends = None if contraction.ends is None else tuple(_find(parent, i) for i in contraction.ends)
        classes = {_find(parent, i) for i, dim in enumerate(dims) if dim == "d"}
        free, cycles, path = _input_graph(classes, edges, ends, is_symmetric)
        counts[(positive, empty, free, cycles, path)] += 1
    scale = s2 ** (n_w // 2)
    if parsed.trace == "tr":
        scale /= {"d": DIM, "k": K, "1": 1}[parsed.shape[0]]
    sums: dict[tuple[int, ...], sympy.Expr] = {}
    groups: defaultdict[tuple, sympy.Expr] = defaultdict(lambda: sympy.Integer(0))
    for (positive, empty, free, cycles, path), count in counts.items():
        if positive not in sums:
            sums[positive] = neuron_sum(positive, moment)
        groups[(cycles, path)] += count * K**empty * DIM**free * sums[positive]
    return sympy.Add(
        *(
            _tidy(scale * coefficient)
            * sympy.Mul(*(_trace(c) for c in cycles))
            * (1 if path is None else _product(path))
            for (cycles, path), coefficient in groups.items()
        )
    )
