"""Exact Haar averages of products of traces of words in conjugated families of matrices.

Setting: letters are grouped into families; family 0 is fixed and every other family ``f`` is conjugated by
its own Haar matrix, ``X -> U_f X U_f^*`` (unitary) or ``X -> O_f X O_f^T`` (orthogonal), the ``U_f``
independent. For a multi-trace ``prod_j Tr(w_j)`` (unnormalized traces, ``Tr(1) = N``) the expectation is a
finite sum of products of traces of family-local words with coefficients rational in ``N``.

Method: one rotated family at a time (independence of the ``U_f``). In the words containing ``f`` cut each
word into maximal runs ``A_1..A_n`` of ``f``-letters and the segments ``D_1..D_n`` that follow them; ``gamma``
sends a run to the run after its segment. From ``E[U_{a_1 i_1}..U_{a_n i_n} conj(U_{b_1 j_1})..]
= sum_{sigma, tau} prod_k delta(a_k, b_{sigma(k)}) delta(i_k, j_{tau(k)}) Wg(tau sigma^{-1})`` (Collins &
Sniady, Comm. Math. Phys. 264 (2006), Cor. 2.4), with ``alpha = tau^{-1}``, ``beta = sigma gamma``:

    ``E[Tr_gamma(U A_1 U^* D_1, ..., U A_n U^* D_n)]
        = sum_{alpha, beta in S_n} Wg^U(alpha^{-1} gamma beta^{-1}, N) Tr_alpha(A) Tr_beta(D)``,

``Tr_pi(X) = prod over cycles (k pi(k) pi^2(k) ..) of Tr(X_k X_pi(k) ...)``. Orthogonal: each ``O A_k O^T``
contributes ``O_{a_k i_k} O_{b_k j_k}`` at points ``2k, 2k+1``; ``E[O_{r_1 c_1}..O_{r_2n c_2n}]
= sum_{p, q pairings} delta_p(r) delta_q(c) Wg^O(p, q)`` (Collins & Sniady 2006, Cor. 3.4; Collins &
Matsumoto, J. Math. Phys. 50 (2009) 113516) gives

    ``E = sum_{p, q} Wg^O(type(p, q), N) Tr_{e u q}(A) Tr_{e_gamma u p}(D)``,

the traces running along the loops of ``{2k, 2k+1}`` (the ``A_k``) and ``q``, and of ``{2k+1, 2 gamma(k)}``
(the ``D_k``) and ``p``; a piece crossed backwards is transposed. **The orthogonal case assumes every letter
is a symmetric matrix**, so a transposed word is the reversed word. Words with only ``f``-letters are
invariant and words without ``f``-letters are carried along; the ``D`` traces are then integrated over the
remaining families (memoised). Coefficients are kept as integer polynomials in the Weingarten
values of each type, and only evaluated at the end (:mod:`freecalc.haar.weingarten`).

Canonical cyclic words: :func:`freecalc.free.letters.canonical_rotation` (the least rotation; orthogonal:
of the word or of its reversal, since ``Tr(w) = Tr(w^T)`` for symmetric letters).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from functools import cache, lru_cache
from itertools import repeat
from math import lcm
from operator import add
from typing import NamedTuple

import sympy

from freecalc.combinatorics.permutations import (
    all_permutations,
    along_cycles,
    along_loops,
    compose,
    coset_type,
    cycle_type,
    inverse,
    pairing_to_involution,
    pairings,
    partitions,
)
from freecalc.errors import FamilyError
from freecalc.free import poly as _poly
from freecalc.free.letters import canonical_rotation, check_group
from freecalc.free.poly import FrozenPoly, Poly
from freecalc.haar.weingarten import (
    dense_linear_power,
    dense_mul,
    matrix_size,
    rational_function,
    weingarten_fractions,
    weingarten_polynomials,
)

__all__ = ["haar_average", "normalized_average", "series_in_inverse_n", "RotationStep",
           "rotation_step", "is_local"]

Word = tuple[str, ...]
MultiTrace = tuple[Word, ...]
Integrated = tuple[Counter, list[MultiTrace], list[MultiTrace]]  # counts by (A key id, D key id, type)
Context = tuple[str, tuple[tuple[str, int], ...]]  # (group, sorted (letter, family index) pairs)
_ONE: dict[MultiTrace, FrozenPoly] = {(): (((), 1),)}


@cache
def _family_map(ctx: Context) -> dict[str, int]:
    """The letter -> family index dictionary of a context."""
    return dict(ctx[1])


def _runs(word: Word, fam: Mapping[str, int], f: int) -> int:
    """The number of maximal cyclic runs of family ``f`` in ``word``."""
    return sum(1 for i, x in enumerate(word) if fam[x] == f and fam[word[i - 1]] != f)


def is_local(word: Word, fam: Mapping[str, int]) -> bool:
    """Whether all letters of ``word`` lie in one family."""
    return len({fam[x] for x in word}) <= 1


def _cut(words: Iterable[Word], fam: Mapping[str, int], f: int) -> tuple[list[Word], list[Word], list[int]]:
    """The runs ``A_k`` of family ``f``, the segments ``D_k`` after them, and ``gamma`` (run -> next run)."""
    runs: list[Word] = []
    segments: list[Word] = []
    gamma: list[int] = []
    for word in words:
        start = next(i for i, x in enumerate(word) if fam[x] == f and fam[word[i - 1]] != f)
        w = word[start:] + word[:start]
        first, i = len(runs), 0
        while i < len(w):
            j = i
            while j < len(w) and fam[w[j]] == f:
                j += 1
            k = j
            while k < len(w) and fam[w[k]] != f:
                k += 1
            runs.append(w[i:j])
            segments.append(w[j:k])
            gamma.append(len(runs))
            i = k
        gamma[-1] = first
    return runs, segments, gamma


class RotationStep(NamedTuple):
    """One rotated family integrated out of a product of traces.

    Its runs ``A_k``, the segments ``D_k`` after them, ``gamma`` (run -> next run) and the words without the
    family (carried along).
    """

    family: int
    runs: list[Word]
    segments: list[Word]
    gamma: list[int]
    carried: list[Word]


def rotation_step(active: Sequence[Word], fam: Mapping[str, int]) -> RotationStep:
    """Cut mixed words at the rotated family with the fewest runs (ties: the lowest index).

    >>> rotation_step([("A", "R", "B", "R")], {"A": 0, "B": 0, "R": 1})
    RotationStep(family=1, runs=[('R',), ('R',)], segments=[('B',), ('A',)], gamma=[1, 0], carried=[])
    """
    load: Counter = Counter()
    for word in active:
        for g in {fam[x] for x in word} - {0}:
            load[g] += _runs(word, fam, g)
    f = min(load, key=lambda g: (load[g], g))
    carried = [w for w in active if all(fam[x] != f for x in w)]
    runs, segments, gamma = _cut((w for w in active if any(fam[x] == f for x in w)), fam, f)
    return RotationStep(f, runs, segments, gamma, carried)


def _perm_traces(pieces: Sequence[Word], perm: Sequence[int], group: str) -> MultiTrace:
    """``Tr_perm(pieces)``: one canonical word per cycle ``(k perm(k) ...)``, the pieces concatenated."""
    return tuple(sorted(canonical_rotation(tuple(w), group) for w in along_cycles(pieces, perm)))


def _loop_traces(pieces: Sequence[Word], ends: list[tuple[int, int]], partner: Sequence[int]) -> MultiTrace:
    """Traces along the loops of the pieces and a pairing, pieces crossed backwards reversed (transposed)."""
    loops = along_loops(pieces, ends, partner)
    return tuple(sorted(canonical_rotation(tuple(w), "orthogonal") for w in loops))


@cache
def _unitary_tables(n: int) -> tuple[list[bytes], dict[bytes, int]]:
    """Inverses of all permutations of ``S_n`` as bytes; the index in ``partitions(n)`` of each cycle type."""
    perms, index = all_permutations(n), {mu: i for i, mu in enumerate(partitions(n))}
    return [bytes(inverse(b)) for b in perms], {bytes(p): index[cycle_type(p)] for p in perms}


@cache
def _orthogonal_tables(n: int) -> tuple[list[tuple[int, ...]], list[bytes], dict[bytes, int]]:
    """Pairings of ``2n`` points as involutions and translation tables; indices of their coset types."""
    base, index = tuple((2 * i, 2 * i + 1) for i in range(n)), {mu: i for i, mu in enumerate(partitions(n))}
    involutions = [pairing_to_involution(p) for p in pairings(2 * n)]
    pad = bytes(range(2 * n, 256))
    tables = [bytes(s) + pad for s in involutions]
    types = {bytes(pairing_to_involution(p)): index[coset_type(base, p)] for p in pairings(2 * n)}
    return involutions, tables, types


def _ids(keys: Iterable[MultiTrace]) -> tuple[list[int], list[MultiTrace]]:
    """Integer ids for keys (equal keys share an id) and the distinct keys by id."""
    index: dict[MultiTrace, int] = {}
    ids = [index.setdefault(key, len(index)) for key in keys]
    return ids, list(index)


def _unpack(rows: dict[int, Counter], n: int, row_is_a: bool) -> Counter:
    """Counts by ``(a id, d id, type)`` from rows of counts keyed ``other id * #types + type index``."""
    types, counts = partitions(n), Counter()
    for row, row_counts in rows.items():
        for key, c in row_counts.items():
            other, t = divmod(key, len(types))
            counts[(row, other, types[t]) if row_is_a else (other, row, types[t])] += c
    return counts


def _integrate_unitary(runs: list[Word], segments: list[Word], gamma: list[int]) -> Integrated:
    """Counts of ``(alpha key, beta key, type of alpha^{-1} gamma beta^{-1})`` over ``S_n x S_n``."""
    n = len(runs)
    perms = all_permutations(n)
    inverse_bytes, types = _unitary_tables(n)
    a_ids, a_keys = _ids(_perm_traces(runs, alpha, "unitary") for alpha in perms)
    d_ids, d_keys = _ids(_perm_traces(segments, beta, "unitary") for beta in perms)
    d_offsets = [d * len(partitions(n)) for d in d_ids]
    pad = bytes(range(n, 256))
    rows: dict[int, Counter] = {}
    for a_id, alpha in zip(a_ids, perms, strict=True):
        table = bytes(compose(inverse(alpha), gamma)) + pad
        mus = map(types.__getitem__, map(bytes.translate, inverse_bytes, repeat(table)))
        rows.setdefault(a_id, Counter()).update(map(add, d_offsets, mus))
    return _unpack(rows, n, row_is_a=True), a_keys, d_keys


def _integrate_orthogonal(runs: list[Word], segments: list[Word], gamma: list[int]) -> Integrated:
    """Counts of ``(loops of e u q, loops of e_gamma u p, coset type of (p, q))`` over pairs of pairings."""
    n = len(runs)
    involutions, tables, types = _orthogonal_tables(n)
    a_ends = [(2 * k, 2 * k + 1) for k in range(n)]
    d_ends = [(2 * k + 1, 2 * gamma[k]) for k in range(n)]
    a_ids, a_keys = _ids(_loop_traces(runs, a_ends, q) for q in involutions)
    d_ids, d_keys = _ids(_loop_traces(segments, d_ends, p) for p in involutions)
    a_offsets = [a * len(partitions(n)) for a in a_ids]
    pad = bytes(range(2 * n, 256))
    rows: dict[int, Counter] = {}
    for d_id, p in zip(d_ids, involutions, strict=True):
        # sigma sends the pairing {0,1},{2,3},.. to p; type(p, q) = type(e, sigma^{-1} q sigma).
        sigma = bytes(x for i in range(2 * n) if i < p[i] for x in (i, p[i]))
        sigma_inverse = bytes(inverse(sigma)) + pad
        conjugated = map(bytes.translate, map(sigma.translate, tables), repeat(sigma_inverse))
        rows.setdefault(d_id, Counter()).update(map(add, a_offsets, map(types.__getitem__, conjugated)))
    return _unpack(rows, n, row_is_a=False), a_keys, d_keys


@lru_cache(maxsize=1024)
def _expand(active: MultiTrace, ctx: Context) -> dict[MultiTrace, FrozenPoly]:
    """``E[prod Tr(w)]`` for words mixing families: ``{family-local multi-trace: polynomial}`` (read only)."""
    if not active:
        return _ONE
    group, fam = ctx[0], _family_map(ctx)
    _, runs, segments, gamma, carried = rotation_step(active, fam)
    integrate = _integrate_unitary if group == "unitary" else _integrate_orthogonal
    counts, a_keys, d_keys = integrate(runs, segments, gamma)
    split: dict[int, tuple[list[Word], dict[MultiTrace, Poly]]] = {}
    result: dict[MultiTrace, Poly] = {}
    for (a_id, d_id, mu), count in counts.items():
        if d_id not in split:
            words = [canonical_rotation(tuple(w), group) for w in d_keys[d_id]] + carried
            local = [w for w in words if is_local(w, fam)]
            split[d_id] = (local, _expand(tuple(sorted(w for w in words if not is_local(w, fam))), ctx))
        local, sub = split[d_id]
        head = a_keys[a_id] + tuple(local)
        if sub is _ONE:  # no family left to integrate: a single monomial
            poly = result.setdefault(tuple(sorted(head)), {})
            poly[(mu,)] = poly.get((mu,), 0) + count
            continue
        for sub_key, sub_poly in sub.items():
            poly = result.setdefault(tuple(sorted(head + sub_key)), {})
            _poly.add_into(poly, dict(sub_poly), count, times=(mu,))
    shared: dict[FrozenPoly, FrozenPoly] = {}  # equal polynomials as one object (evaluated once)
    frozen = {key: _poly.freeze(poly) for key, poly in result.items()}
    return {key: shared.setdefault(f, f) for key, f in frozen.items() if f}


def _context(families: Sequence[Iterable[str] | str], group: str) -> Context:
    """Validate group and families; the hashable context."""
    check_group(group)
    fam: dict[str, int] = {}
    for index, family in enumerate(families):
        for letter in [family] if isinstance(family, str) else family:
            if fam.setdefault(letter, index) != index:
                raise FamilyError(f"letter {letter!r} is in two families")
    return group, tuple(sorted(fam.items()))


@lru_cache(maxsize=65536)
def _evaluate(poly: FrozenPoly, group: str, N: int | sympy.Expr, shift: int) -> sympy.Expr:
    """``N^shift sum c prod Wg(mu)``: a Rational for an int ``N``, else a cancelled rational function."""
    if isinstance(N, int):
        total = Fraction(0)
        for mus, c in poly:
            term = Fraction(c) * Fraction(N) ** shift
            for mu in mus:
                term *= weingarten_fractions(group, sum(mu), N)[mu]
            total += term
        return sympy.Rational(total.numerator, total.denominator)
    terms = []
    for mus, c in poly:
        numerator, scale, denominator = (c,), 1, Counter()
        for mu in mus:
            exponents, factor_scale, numerators = weingarten_polynomials(group, sum(mu))
            numerator, scale = dense_mul(numerator, numerators[mu]), scale * factor_scale
            denominator += Counter(exponents)
        terms.append((shift, numerator, scale, denominator))
    low = min(0, shift)
    common: Counter = Counter()
    for *_rest, denominator in terms:
        common |= denominator
    common_scale = lcm(*(term[2] for term in terms))
    total: list[int] = []
    for p, numerator, scale, denominator in terms:
        term = (0,) * (p - low) + dense_mul(numerator, dense_linear_power(common - denominator))
        total += [0] * (len(term) - len(total))
        for i, x in enumerate(term):
            total[i] += x * (common_scale // scale)
    common[0] -= low
    return rational_function(total, common_scale, common, N)


def _average(traces: Sequence[Sequence[str]] | Sequence[str], families, group, N, normalized: bool):
    """Shared body of :func:`haar_average` and :func:`normalized_average`."""
    ctx, N = _context(families, group), matrix_size(N)
    single = bool(traces) and all(isinstance(x, str) for x in traces)
    words = [tuple(traces)] if single else [tuple(w) for w in traces]
    fam = _family_map(ctx)
    missing = sorted({x for w in words for x in w} - set(fam))
    if missing:
        raise FamilyError(f"letters in no family: {missing}")
    empties = sum(1 for w in words if not w)
    canon = [canonical_rotation(w, group) for w in words if w]
    local = tuple(w for w in canon if is_local(w, fam))
    result = {}
    values: dict[tuple[int, int], sympy.Expr] = {}  # by (id of a shared polynomial, shift)
    for key, poly in _expand(tuple(sorted(w for w in canon if not is_local(w, fam))), ctx).items():
        full = tuple(sorted(local + key)) if local else key
        shift = empties + (len(full) - len(words) if normalized else 0)
        value = values.get((id(poly), shift))
        if value is None:
            value = values[id(poly), shift] = _evaluate(poly, group, N, shift)
        if value is not sympy.S.Zero:
            result[full] = value
    return result


def haar_average(
    traces: Sequence[Sequence[str]] | Sequence[str],
    families: Sequence[Iterable[str] | str],
    group: str,
    N: int | sympy.Expr,
) -> dict[MultiTrace, sympy.Expr]:
    """``E[prod_j Tr(w_j)]`` (unnormalized traces) as ``{multi-trace of family-local words: coefficient}``.

    ``traces``: a tuple of words (or one word), each a sequence of letter names (a string is one letter);
    ``families[0]`` is fixed, every other family is conjugated by its own Haar matrix of ``group``
    ("unitary" or "orthogonal"; the latter assumes symmetric letters). Keys are sorted tuples of canonical
    words (``()`` is the constant 1); coefficients are Rationals for an int ``N`` and cancelled rational
    functions (linear factors pulled out) for a symbolic ``N``, valid for ``N`` at least the number of runs
    of each family (pass an int below that). Formulas and references in the module docstring.

    >>> N = sympy.Symbol("N")
    >>> haar_average([("A", "R")], [("A",), ("R",)], "unitary", N)
    {(('A',), ('R',)): 1/N}
    """
    return _average(traces, families, group, N, normalized=False)


def normalized_average(
    word: Sequence[Sequence[str]] | Sequence[str],
    families: Sequence[Iterable[str] | str],
    group: str,
    N: int | sympy.Expr,
) -> dict[MultiTrace, sympy.Expr]:
    """``E[prod_j tr(w_j)]``, ``tr = Tr/N``, as ``{multi-trace: c}`` meaning ``sum c prod tr(local words)``.

    ``c`` is the coefficient of :func:`haar_average` times ``N^(#local traces - #input traces)``.

    >>> N = sympy.Symbol("N")
    >>> normalized_average(("A", "R", "A", "R"), [("A",), ("R",)], "unitary", N)[(("A",), ("A",), ("R", "R"))]
    N**2/((N - 1)*(N + 1))
    """
    return _average(word, families, group, N, normalized=True)


def series_in_inverse_n(expr: sympy.Expr, N: sympy.Symbol, order: int) -> sympy.Expr:
    """The expansion of ``expr`` at ``N = oo`` in powers of ``1/N``, up to and including ``N^(-order)``.

    Rational functions ``P/Q`` are expanded by power-series division in ``1/N``; anything else by
    :func:`sympy.series` in ``1/N``.

    >>> N = sympy.Symbol("N")
    >>> series_in_inverse_n(N**2 / (N**2 - 1), N, 4)
    1 + N**(-2) + N**(-4)
    """
    expr = sympy.sympify(expr)
    numerator, denominator = sympy.fraction(sympy.together(expr))
    try:
        p, q = sympy.Poly(numerator, N).all_coeffs(), sympy.Poly(denominator, N).all_coeffs()
    except sympy.PolynomialError:
        eps = sympy.Dummy("eps", positive=True)
        expanded = sympy.series(expr.subs(N, 1 / eps), eps, 0, order + 1).removeO()
        return sympy.expand(expanded.subs(eps, 1 / N))
    # expr = (1/N)^(deg Q - deg P) * (sum_k p_k N^-k) / (sum_k q_k N^-k), coefficients from the top degree.
    shift = len(q) - len(p)
    coefficients: list[sympy.Expr] = []
    for k in range(order - shift + 1):
        known = sum((q[j] * coefficients[k - j] for j in range(1, min(k, len(q) - 1) + 1)), sympy.Integer(0))
        coefficients.append(sympy.expand(((p[k] if k < len(p) else 0) - known) / q[0]))
    return sympy.Add(*[c * N ** (-(shift + k)) for k, c in enumerate(coefficients)])
