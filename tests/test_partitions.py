"""NC(n), Kreweras complement and Moebius function against published sequences and brute force."""

from hypothesis import given, settings
from reference import kreweras_by_definition, moebius_by_recursion, nc_by_filtering
from strategies import nc_partition

from freecalc.combinatorics.noncrossing import (
    NCPartition,
    catalan,
    kreweras_complement,
    moebius,
    narayana,
    nc_partitions,
)

# OEIS A000108 (Catalan) and A001263 (Narayana triangle, rows n = 1..6), typed from the OEIS entries.
CATALAN = [1, 1, 2, 5, 14, 42, 132, 429, 1430, 4862, 16796, 58786]
NARAYANA_ROWS = {
    1: [1],
    2: [1, 1],
    3: [1, 3, 1],
    4: [1, 6, 6, 1],
    5: [1, 10, 20, 10, 1],
    6: [1, 15, 50, 50, 15, 1],
}


def test_catalan_counts_match_oeis_a000108():
    assert [len(nc_partitions(n)) for n in range(12)] == CATALAN
    assert [catalan(n) for n in range(12)] == CATALAN


def test_counts_by_blocks_are_narayana_a001263():
    for n, row in NARAYANA_ROWS.items():
        counts = [sum(1 for p in nc_partitions(n) if len(p) == k) for k in range(1, n + 1)]
        assert counts == row
        assert [narayana(n, k) for k in range(1, n + 1)] == row


def test_direct_generation_equals_filtering_all_set_partitions():
    for n in range(8):
        fast = sorted(tuple(sorted(p.blocks)) for p in nc_partitions(n))
        assert fast == sorted(nc_by_filtering(n))
        assert len(set(fast)) == len(fast)


def test_kreweras_matches_its_definition():
    for n in range(1, 7):
        for pi in nc_partitions(n):
            expected = tuple(sorted(kreweras_by_definition(n, pi.blocks)))
            assert tuple(sorted(kreweras_complement(pi).blocks)) == expected


@given(nc_partition())
def test_kreweras_block_count_and_double_complement(pi):
    k = kreweras_complement(pi)
    assert len(pi) + len(k) == pi.n + 1
    kk = kreweras_complement(k)
    # K^2 = conjugation by gamma = (0 1 ... n-1): blocks move back by one point.
    assert kk == pi.rotated(-1)


def test_moebius_matches_recursive_definition():
    for n in range(1, 6):
        parts = nc_partitions(n)
        for sigma in parts:
            for pi in parts:
                expected = moebius_by_recursion(n, tuple(sorted(sigma.blocks)), tuple(sorted(pi.blocks)))
                assert moebius(sigma, pi) == expected


@settings(max_examples=50)
@given(nc_partition(max_n=7))
def test_moebius_to_top_is_signed_catalan_product(pi):
    top = NCPartition.from_blocks([list(range(pi.n))])
    value = moebius(pi, top)
    expected = 1
    for block in kreweras_complement(pi).blocks:
        expected *= (-1) ** (len(block) - 1) * CATALAN[len(block) - 1]
    assert value == expected


def test_invalid_blocks_are_rejected():
    import pytest

    with pytest.raises(ValueError):
        NCPartition.from_blocks([[0, 2], [1, 3]])
    with pytest.raises(ValueError):
        NCPartition.from_blocks([[0, 2]])
