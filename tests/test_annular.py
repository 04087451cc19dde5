"""Annular non-crossing permutations against the definition (brute force) and published counts."""

from functools import cache
from itertools import permutations
from math import comb

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from freecalc.combinatorics.annular import (
    annular_gamma,
    annular_nc_pairings,
    annular_nc_permutations,
    arc_length_counts,
    count_annular_nc_pairings,
    count_annular_nc_permutations,
    is_annular_noncrossing,
    iter_annular_nc_permutations,
    monochromatic_nc_partitions,
    through_cycle_type_counts,
    through_permutations,
)
from freecalc.errors import ParameterError

SMALL = [(p, q) for p in range(1, 7) for q in range(1, 7) if p + q <= 7]


# --- an independent reference: filter all (p+q)! permutations by the definition ------------------------


def cycles_of(perm):
    seen, out = set(), []
    for start in range(len(perm)):
        if start not in seen:
            cycle, i = [], start
            while i not in seen:
                seen.add(i)
                cycle.append(i)
                i = perm[i]
            out.append(cycle)
    return out


def gamma(p, q, reverse_inner=False):
    """(0 .. p-1)(p .. p+q-1) as a list; with the inner circle run backwards if asked."""
    g = [(i + 1) % p for i in range(p)] + [p + (j + 1) % q for j in range(q)]
    if reverse_inner:
        g[p:] = [p + (j - 1) % q for j in range(q)]
    return g


@cache
def brute_snc(p, q, reverse_inner=False):
    """Mingo & Nica (IMRN 2004): pi connects the circles and #(pi) + #(pi^{-1} gamma) = p + q."""
    n, g, out = p + q, gamma(p, q, reverse_inner), set()
    for perm in permutations(range(n)):
        cs = cycles_of(perm)
        if not any(min(c) < p <= max(c) for c in cs):
            continue
        inverse = [0] * n
        for i, j in enumerate(perm):
            inverse[j] = i
        if len(cs) + len(cycles_of([inverse[g[i]] for i in range(n)])) == n:
            out.add(perm)
    return frozenset(out)


def is_pairing(perm):
    return all(perm[i] != i and perm[perm[i]] == i for i in range(len(perm)))


# --- against the definition -----------------------------------------------------------------------------


@pytest.mark.parametrize(("p", "q"), SMALL)
def test_generated_set_is_the_brute_force_set(p, q):
    generated = list(iter_annular_nc_permutations(p, q))
    assert len(generated) == len(set(generated))  # each element once
    assert set(generated) == brute_snc(p, q)
    assert set(annular_nc_permutations(p, q)) == brute_snc(p, q)
    assert set(annular_nc_pairings(p, q)) == {x for x in brute_snc(p, q) if is_pairing(x)}


@pytest.mark.parametrize(("p", "q"), SMALL)
def test_membership_test_agrees_with_the_reference(p, q):
    brute = brute_snc(p, q)
    assert all(is_annular_noncrossing(x, p, q) == (x in brute) for x in permutations(range(p + q)))


@pytest.mark.parametrize(("p", "q"), SMALL)
def test_through_permutations_are_the_elements_whose_cycles_all_cross(p, q):
    expected = {x for x in brute_snc(p, q) if all(min(c) < p <= max(c) for c in cycles_of(x))}
    got = through_permutations(p, q)
    as_perms = set()
    for cycles in got:
        perm = list(range(p + q))
        for c in cycles:
            for a, b in zip(c, c[1:] + c[:1], strict=True):
                perm[a] = b
        as_perms.add(tuple(perm))
    assert len(as_perms) == len(got) and as_perms == expected
    assert len(got) == sum(t * comb(p, t) * comb(q, t) for t in range(1, min(p, q) + 1))


def test_inner_orientation_matters():
    """Spokes (0 3)(1 4)(2 5) are crossing on the (3,3)-annulus but not once the inner circle is reversed."""
    spokes = (3, 4, 5, 0, 1, 2)
    assert spokes not in brute_snc(3, 3) and spokes in brute_snc(3, 3, reverse_inner=True)
    assert not is_annular_noncrossing(spokes, 3, 3)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SMALL), st.data())
def test_coloured_generation_keeps_exactly_the_one_colour_cycles(pq, data):
    p, q = pq
    colors = data.draw(st.lists(st.sampled_from("ab"), min_size=p + q, max_size=p + q))
    expected = {x for x in brute_snc(p, q) if all(len({colors[i] for i in c}) == 1 for c in cycles_of(x))}
    generated = list(iter_annular_nc_permutations(p, q, colors))
    assert len(generated) == len(set(generated)) and set(generated) == expected


@pytest.mark.parametrize(("p", "q"), SMALL)
def test_symmetries_of_snc(p, q):
    """Independent rotations of the two circles and the Kreweras map pi -> pi^{-1} gamma preserve S_NC."""
    snc, g = brute_snc(p, q), gamma(p, q)
    rot = [(i + 1) % p for i in range(p)] + list(range(p, p + q))
    rot_inv = [0] * (p + q)
    for i, j in enumerate(rot):
        rot_inv[j] = i
    conjugated = {tuple(rot[x[rot_inv[i]]] for i in range(p + q)) for x in annular_nc_permutations(p, q)}
    assert conjugated == snc
    kreweras = set()
    for x in annular_nc_permutations(p, q):
        inverse = [0] * (p + q)
        for i, j in enumerate(x):
            inverse[j] = i
        kreweras.add(tuple(inverse[g[i]] for i in range(p + q)))
    assert kreweras == snc


# --- counts ---------------------------------------------------------------------------------------------

# lim Cov(Tr X^p, Tr X^q) for the GUE = |NC_2(p, q)| (Mingo & Nica, IMRN 2004; Mingo & Speicher, Free
# Probability and Random Matrices, 2017, Chapter 5).
GUE_FLUCTUATION_MOMENTS = {(1, 1): 1, (2, 2): 2, (1, 3): 3, (3, 3): 12, (2, 4): 8, (4, 4): 36}


@pytest.mark.parametrize(("pq", "value"), GUE_FLUCTUATION_MOMENTS.items())
def test_pairing_counts_match_published_gue_values(pq, value):
    p, q = pq
    assert count_annular_nc_pairings(p, q) == value == len(annular_nc_pairings(p, q))
    assert count_annular_nc_pairings(q, p) == value


def test_permutation_counts_match_published_values():
    # |S_NC(1,1)|, |S_NC(1,2)|, |S_NC(2,2)| are the Wishart (c = 1) values 1, 4, 18 (Mingo & Nica 2004);
    # |S_NC(1, q)| = binom(2q, q-1) (OEIS A001791: 1, 4, 15, 56, 210).
    assert [count_annular_nc_permutations(1, 1), count_annular_nc_permutations(1, 2)] == [1, 4]
    assert count_annular_nc_permutations(2, 2) == 18
    assert [count_annular_nc_permutations(1, q) for q in range(1, 6)] == [1, 4, 15, 56, 210]


@pytest.mark.parametrize(("p", "q"), [(p, q) for p in range(1, 9) for q in range(1, 9) if p + q <= 10])
def test_closed_forms_match_the_generator(p, q):
    assert count_annular_nc_permutations(p, q) == sum(1 for _ in iter_annular_nc_permutations(p, q))
    assert count_annular_nc_pairings(p, q) == len(annular_nc_pairings(p, q))


@pytest.mark.parametrize(("p", "q"), SMALL)
def test_closed_forms_match_brute_force(p, q):
    assert count_annular_nc_permutations(p, q) == len(brute_snc(p, q))
    assert count_annular_nc_pairings(p, q) == sum(1 for x in brute_snc(p, q) if is_pairing(x))


def test_profiles_sum_to_their_sets():
    for p in range(1, 8):
        assert all(sum(arc_length_counts(p, x).values()) == comb(p, x) for x in range(1, p + 1))
    assert all(
        sum(through_cycle_type_counts(x, y).values()) == len(through_permutations(x, y))
        for x in range(1, 5)
        for y in range(1, 5)
    )


# --- non-crossing partitions of a line ------------------------------------------------------------------


def set_partitions(items):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in set_partitions(rest):
        yield [[first], *part]
        for i in range(len(part)):
            yield [*part[:i], [first, *part[i]], *part[i + 1 :]]


def crossing(blocks):
    pairs = [(x, y) for x in blocks for y in blocks if x is not y]
    return any(a < b < c < d for x, y in pairs for a in x for c in x for b in y for d in y)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from("abc"), min_size=0, max_size=7))
def test_monochromatic_nc_partitions_by_brute_force(colors):
    got = {tuple(sorted(tuple(b) for b in part)) for part in monochromatic_nc_partitions(colors)}
    expected = {
        tuple(sorted(tuple(sorted(b)) for b in part))
        for part in set_partitions(list(range(len(colors))))
        if not crossing(part) and all(len({colors[i] for i in b}) == 1 for b in part)
    }
    assert got == expected and len(got) == len(monochromatic_nc_partitions(colors))


def test_errors_and_gamma():
    assert annular_gamma(1, 1) == (0, 1)
    with pytest.raises(ParameterError):
        annular_nc_permutations(0, 2)
    with pytest.raises(ParameterError):
        is_annular_noncrossing((0, 0), 1, 1)
    with pytest.raises(ParameterError):
        list(iter_annular_nc_permutations(1, 1, colors="a"))


def test_through_steps_count_the_through_permutations_of_every_pair_of_subsets():
    from math import comb

    from freecalc.combinatorics.annular import count_through_steps, through_permutations

    for p in range(1, 6):
        for q in range(1, 6):
            brute = sum(comb(p, x) * comb(q, y) * len(through_permutations(x, y))
                        for x in range(1, p + 1) for y in range(1, q + 1))
            assert count_through_steps(p, q) == brute, (p, q)
