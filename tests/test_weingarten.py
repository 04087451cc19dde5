"""Permutations, characters and Weingarten functions against published values and independent identities.

Independent routes: published tables (Collins & Sniady 2006, Sec. 2-3; Collins & Matsumoto 2009, Sec. 3),
the orthogonality relations that define the Weingarten functions (Collins & Sniady 2006, Prop. 2.2 and
Sec. 3.2), the pseudo-inverse property at N < n (Collins & Matsumoto 2017), character orthogonality, OEIS
counts and the optional package haarpy.
"""

from collections import Counter
from fractions import Fraction
from itertools import product
from math import factorial, lcm

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from freecalc.combinatorics.permutations import (
    all_permutations,
    centralizer_order,
    class_size,
    compose,
    conjugate_partition,
    coset_type,
    cycle_type,
    cycles,
    from_cycles,
    inverse,
    long_cycle,
    num_cycles,
    num_loops,
    pairing_to_involution,
    pairings,
    partitions,
)
from freecalc.errors import ParameterError
from freecalc.haar.weingarten import (
    character,
    dimension,
    orthogonal_weingarten,
    orthogonal_weingarten_pairings,
    orthogonal_weingarten_table,
    unitary_weingarten,
    unitary_weingarten_perm,
    unitary_weingarten_table,
    zonal_spherical,
)

N = sympy.Symbol("N")

# ---------------------------------------------------------------- permutations, partitions, pairings


def test_compose_acts_right_to_left():
    p, q = (1, 2, 0), (1, 0, 2)
    assert all(compose(p, q)[i] == p[q[i]] for i in range(3))
    assert compose(p, inverse(p)) == (0, 1, 2) == compose(inverse(p), p)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 9).flatmap(lambda n: st.permutations(range(n))))
def test_cycles_round_trip_and_cycle_type(p):
    p = tuple(p)
    cs = cycles(p)
    assert from_cycles(cs, len(p)) == p
    assert sorted(x for c in cs for x in c) == list(range(len(p)))
    assert all(c[0] == min(c) for c in cs) and [c[0] for c in cs] == sorted(c[0] for c in cs)
    assert all(p[c[k]] == c[(k + 1) % len(c)] for c in cs for k in range(len(c)))
    assert cycle_type(p) == tuple(sorted(map(len, cs), reverse=True)) and num_cycles(p) == len(cs)
    assert cycle_type(inverse(p)) == cycle_type(p)


def test_counts_match_oeis():
    # A000041 partitions, A000142 factorials, A001147 double factorials.
    assert [len(partitions(n)) for n in range(10)] == [1, 1, 2, 3, 5, 7, 11, 15, 22, 30]
    assert [len(all_permutations(n)) for n in range(7)] == [1, 1, 2, 6, 24, 120, 720]
    assert [len(pairings(2 * n)) for n in range(6)] == [1, 1, 3, 15, 105, 945]
    assert pairings(3) == ()
    assert long_cycle(5) == from_cycles([(0, 1, 2, 3, 4)], 5)


def test_class_sizes_add_up_and_match_counting():
    for n in range(1, 7):
        counted = Counter(cycle_type(p) for p in all_permutations(n))
        assert counted == {mu: class_size(mu) for mu in partitions(n)}
        assert centralizer_order((1,) * n) == factorial(n)
    assert conjugate_partition((4, 2, 1)) == (3, 2, 1, 1)


def test_coset_type_is_half_the_cycle_type_of_the_product():
    # Each loop of p u q with m edges of p gives two m-cycles of the permutation p o q (Macdonald VII.2).
    for n in range(1, 5):
        for p in pairings(2 * n):
            for q in pairings(2 * n):
                ct = Counter(cycle_type(compose(pairing_to_involution(p), pairing_to_involution(q))))
                assert all(c % 2 == 0 for c in ct.values())
                halved = sorted((m for m, c in ct.items() for _ in range(c // 2)), reverse=True)
                assert coset_type(p, q) == tuple(halved) and num_loops(p, q) == len(halved)


# ---------------------------------------------------------------- characters


def test_character_orthogonality_and_dimensions():
    for n in range(1, 9):
        parts = partitions(n)
        assert sum(dimension(lam) ** 2 for lam in parts) == factorial(n)
        for lam in parts:
            assert character(lam, (1,) * n) == dimension(lam)
            for nu in parts:
                inner = sum(
                    Fraction(character(lam, mu) * character(nu, mu), centralizer_order(mu)) for mu in parts
                )
                assert inner == (1 if lam == nu else 0)


def test_character_table_of_s4():
    # The standard character table of S_4; columns (1^4), (2,1,1), (2,2), (3,1), (4).
    table = {
        (4,): [1, 1, 1, 1, 1],
        (3, 1): [3, 1, -1, 0, -1],
        (2, 2): [2, 0, 2, -1, 0],
        (2, 1, 1): [3, -1, -1, 0, 1],
        (1, 1, 1, 1): [1, -1, 1, 1, -1],
    }
    columns = [(1, 1, 1, 1), (2, 1, 1), (2, 2), (3, 1), (4,)]
    for lam, row in table.items():
        assert [character(lam, mu) for mu in columns] == row


def test_zonal_spherical_functions():
    for n in range(1, 5):
        for lam in partitions(n):
            assert zonal_spherical(lam, (1,) * n) == 1
        # omega^(n) is the trivial function, omega^(1^n) is the sign-like one; sum over the double cosets
        # weighted by their sizes vanishes for lambda != (n) (orthogonality with the trivial function).
        for lam in partitions(n):
            weighted = sum(
                zonal_spherical(lam, coset_type(tuple((2 * i, 2 * i + 1) for i in range(n)), q))
                for q in pairings(2 * n)
            )
            assert weighted == (len(pairings(2 * n)) if lam == (n,) else 0)


# ---------------------------------------------------------------- published Weingarten values


def _same(a, b) -> bool:
    return sympy.cancel(sympy.together(a - b)) == 0


UNITARY_PUBLISHED = {
    # Collins 2003, Collins & Sniady 2006 (Sec. 2 tables).
    (1,): 1 / N,
    (1, 1): 1 / (N**2 - 1),
    (2,): -1 / (N * (N**2 - 1)),
    (1, 1, 1): (N**2 - 2) / (N * (N**2 - 1) * (N**2 - 4)),
    (2, 1): -1 / ((N**2 - 1) * (N**2 - 4)),
    (3,): 2 / (N * (N**2 - 1) * (N**2 - 4)),
    (1, 1, 1, 1): (N**4 - 8 * N**2 + 6) / (N**2 * (N**2 - 1) * (N**2 - 4) * (N**2 - 9)),
    (2, 1, 1): -1 / (N * (N**2 - 1) * (N**2 - 9)),
    (2, 2): (N**2 + 6) / (N**2 * (N**2 - 1) * (N**2 - 4) * (N**2 - 9)),
    (3, 1): (2 * N**2 - 3) / (N**2 * (N**2 - 1) * (N**2 - 4) * (N**2 - 9)),
    (4,): -5 / (N * (N**2 - 1) * (N**2 - 4) * (N**2 - 9)),
}

ORTHOGONAL_PUBLISHED = {
    # Collins & Matsumoto 2009, Sec. 3 (and Collins & Sniady 2006, Sec. 3).
    (1,): 1 / N,
    (1, 1): (N + 1) / (N * (N - 1) * (N + 2)),
    (2,): -1 / (N * (N - 1) * (N + 2)),
    (1, 1, 1): (N**2 + 3 * N - 2) / (N * (N - 1) * (N - 2) * (N + 2) * (N + 4)),
    (2, 1): -1 / (N * (N - 1) * (N - 2) * (N + 4)),
    (3,): 2 / (N * (N - 1) * (N - 2) * (N + 2) * (N + 4)),
}


@pytest.mark.parametrize("mu", list(UNITARY_PUBLISHED))
def test_unitary_published_values(mu):
    assert _same(unitary_weingarten(mu, N), UNITARY_PUBLISHED[mu])
    assert unitary_weingarten(mu, 7) == UNITARY_PUBLISHED[mu].subs(N, 7)


@pytest.mark.parametrize("mu", list(ORTHOGONAL_PUBLISHED))
def test_orthogonal_published_values(mu):
    assert _same(orthogonal_weingarten(mu, N), ORTHOGONAL_PUBLISHED[mu])
    assert orthogonal_weingarten(mu, 6) == ORTHOGONAL_PUBLISHED[mu].subs(N, 6)


def test_conveniences_and_errors():
    assert unitary_weingarten_perm((1, 2, 0), N) == unitary_weingarten((3,), N)
    p, q = ((0, 3), (1, 2)), ((0, 1), (2, 3))
    assert orthogonal_weingarten_pairings(p, q, N) == orthogonal_weingarten((2,), N)
    assert unitary_weingarten((), N) == 1 == orthogonal_weingarten((), 3)
    assert set(unitary_weingarten_table(4, N)) == set(partitions(4))
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ParameterError):
            unitary_weingarten((1, 1), bad)
    with pytest.raises(ParameterError):
        orthogonal_weingarten((2, 0), N)


# ---------------------------------------------------------------- orthogonality relations (symbolic)


def _gram_sum_is(values, counts, expected):
    """Whether sum over (type, power) of count * Wg(type) * N^power equals ``expected`` (rational functions).

    Exact: everything is multiplied by the lcm L of the denominators and compared as polynomials in N.
    """
    common = sympy.lcm_list([sympy.denom(sympy.together(v)) for v in values.values()])
    numerators = {mu: sympy.Poly(sympy.cancel(v * common), N) for mu, v in values.items()}
    total = sum((c * numerators[mu] * sympy.Poly(N**k, N) for (mu, k), c in counts.items()), sympy.Poly(0, N))
    return total == sympy.Poly(expected * common, N)


@pytest.mark.parametrize("n", range(1, 8))
def test_unitary_orthogonality_relation(n):
    # sum_tau Wg(sigma tau^{-1}) N^{#(tau)} = delta(sigma, e) (Collins & Sniady 2006, Prop. 2.2).
    values = unitary_weingarten_table(n, N)
    perms = all_permutations(n)
    for mu in partitions(n):
        sigma = from_cycles(_blocks(mu), n)
        counts = Counter((cycle_type(compose(sigma, inverse(tau))), num_cycles(tau)) for tau in perms)
        assert _gram_sum_is(values, counts, 1 if mu == (1,) * n else 0)


@pytest.mark.parametrize("n", range(1, 5))
def test_orthogonal_orthogonality_relation(n):
    # sum_q Wg^O(p, q) N^{loops(q, r)} = delta(p, r), with r the pairing {0,1},{2,3},...
    values = orthogonal_weingarten_table(n, N)
    r = tuple((2 * i, 2 * i + 1) for i in range(n))
    profiles = {}
    for p in pairings(2 * n):
        counts = Counter((coset_type(p, q), num_loops(q, r)) for q in pairings(2 * n))
        profiles.setdefault(frozenset(counts.items()), set()).add(p == r)
    for profile, is_r in profiles.items():
        assert len(is_r) == 1
        assert _gram_sum_is(values, dict(profile), 1 if True in is_r else 0)


def _blocks(mu):
    start, blocks = 0, []
    for m in mu:
        blocks.append(tuple(range(start, start + m)))
        start += m
    return blocks


# ---------------------------------------------------------------- small N: pseudo-inverse of the Gram matrix


def _pseudo_inverse_checks(gram, weingarten):
    """G W G = G and W G W = W exactly, with integer arithmetic after clearing denominators."""
    scale = lcm(*(w.denominator for row in weingarten for w in row))
    w_int = [[int(w * scale) for w in row] for row in weingarten]

    def mul(a, b):
        columns = list(zip(*b, strict=True))
        return [[sum(x * y for x, y in zip(row, col, strict=True)) for col in columns] for row in a]

    gwg = mul(mul(gram, w_int), gram)
    assert gwg == [[scale * g for g in row] for row in gram]
    wgw = mul(mul(w_int, gram), w_int)
    assert wgw == [[scale * w for w in row] for row in w_int]


@pytest.mark.parametrize(("n", "size"), [(2, 1), (3, 1), (3, 2), (4, 2), (4, 3), (5, 2)])
def test_unitary_pseudo_inverse_below_n(n, size):
    perms = all_permutations(n)
    values = {mu: Fraction(str(v)) for mu, v in unitary_weingarten_table(n, size).items()}
    gram = [[size ** num_cycles(compose(s, inverse(t))) for t in perms] for s in perms]
    weingarten = [[values[cycle_type(compose(s, inverse(t)))] for t in perms] for s in perms]
    _pseudo_inverse_checks(gram, weingarten)


@pytest.mark.parametrize(("n", "size"), [(2, 1), (3, 1), (3, 2), (4, 2), (4, 3)])
def test_orthogonal_pseudo_inverse_below_n(n, size):
    ps = pairings(2 * n)
    values = {mu: Fraction(str(v)) for mu, v in orthogonal_weingarten_table(n, size).items()}
    gram = [[size ** num_loops(p, q) for q in ps] for p in ps]
    weingarten = [[values[coset_type(p, q)] for q in ps] for p in ps]
    _pseudo_inverse_checks(gram, weingarten)


def test_integer_values_agree_with_symbolic_for_large_n():
    for n in range(1, 6):
        for mu, value in unitary_weingarten_table(n, N).items():
            assert unitary_weingarten(mu, n + 2) == value.subs(N, n + 2)
    for n in range(1, 5):
        for mu, value in orthogonal_weingarten_table(n, N).items():
            assert orthogonal_weingarten(mu, n + 1) == value.subs(N, n + 1)


def test_n_one_is_the_trivial_group_integral():
    # U(1) is the circle: E[u^n conj(u)^n] = 1 = sum_{sigma, tau} Wg(tau sigma^{-1}) = n! sum_sigma Wg(sigma).
    # O(1) = {+1, -1}: E[o^{2n}] = 1 = sum_{p, q} Wg^O(p, q).
    for n in range(1, 6):
        values = unitary_weingarten_table(n, 1)
        assert factorial(n) * sum(class_size(mu) * values[mu] for mu in partitions(n)) == 1
    for n in range(1, 5):
        values = orthogonal_weingarten_table(n, 1)
        ps = pairings(2 * n)
        assert sum(values[coset_type(p, q)] for p, q in product(ps, ps)) == 1


# ---------------------------------------------------------------- haarpy (optional)


@pytest.mark.parametrize("n", range(1, 6))
def test_unitary_against_haarpy(n):
    haarpy = pytest.importorskip("haarpy")
    d = sympy.Symbol("d")
    for mu in partitions(n):
        assert _same(unitary_weingarten(mu, N), haarpy.weingarten_unitary(mu, d).subs(d, N))
        for size in (2, 3):
            theirs = haarpy.weingarten_unitary(mu, size)
            assert unitary_weingarten(mu, size) == sympy.Rational(theirs.numerator, theirs.denominator)


@pytest.mark.parametrize("n", [1, 2, 3, 4, pytest.param(5, marks=pytest.mark.slow)])
def test_orthogonal_against_haarpy(n):
    haarpy = pytest.importorskip("haarpy")
    d = sympy.Symbol("d")
    for mu in partitions(n):
        assert _same(orthogonal_weingarten(mu, N), haarpy.weingarten_orthogonal(mu, d).subs(d, N))
        for size in (2, 3):
            theirs = haarpy.weingarten_orthogonal(mu, size)
            assert orthogonal_weingarten(mu, size) == sympy.Rational(theirs.numerator, theirs.denominator)
