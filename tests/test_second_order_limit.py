"""The numeric second-order limit (transfer recursion) against the closed form, Monte Carlo and the CLI.

Independent routes: the closed form of :func:`freecalc.free.second_order.covariance` (a sum over every pair
of subsets and every through permutation, itself checked against brute force in ``test_second_order.py``)
valued on the same matrices; the cumulants of the engine (:func:`freecalc.free.cumulants`, the Moebius sum
over NC(n)); and the spread of traces across Haar rotations (Monte Carlo).
"""

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from freecalc.free.atoms import cumulant_atom
from freecalc.free.fluctuations import covariance_poly
from freecalc.free.interpret import as_families
from freecalc.numeric.evaluate import MatrixTraces
from freecalc.numeric.fluctuations import covariance_value
from freecalc.numeric.second_order_limit import (
    FreeMoments,
    _first_block_plan,
    _necklaces,
    covariance_limit,
    covariance_limit_steps,
)
from freecalc.testing import spread_matrices

FAMILIES = [["A", "B", "C"], ["R", "S"], ["T"]]
FAMILY = {x: i for i, group in enumerate(FAMILIES) for x in group}
MATRICES = spread_matrices("ABCRST", 12, seed=5)
words = st.lists(st.sampled_from("ABCRST"), min_size=1, max_size=6).map(tuple)


def run(*args):
    out = subprocess.run([sys.executable, "-m", "freecalc", *args], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out


def values(matrices=MATRICES, **options) -> FreeMoments:
    return FreeMoments(MatrixTraces(matrices, symmetric=True), FAMILY.__getitem__, **options)


def closed_form_value(p, q, group) -> float:
    poly = covariance_poly(" ".join(p), " ".join(q), as_families(FAMILIES), group=group, max_steps=None)
    return covariance_value(poly, MatrixTraces(MATRICES, symmetric=True), {})


@settings(max_examples=60, deadline=None)
@given(words, words, st.sampled_from(["unitary", "orthogonal"]))
@example(("A", "R", "A"), ("A", "R"), "unitary")  # the first cycle's outer run goes around position 0
@example(("A", "R", "B", "S", "C", "R"), ("S", "A", "R", "C", "T"), "orthogonal")  # three rotated runs
@example(("C", "R", "S", "R", "A", "R"), ("B", "B", "A", "S"), "unitary")
def test_transfer_recursion_equals_the_closed_form(p, q, group):
    expected = closed_form_value(p, q, group)
    found = covariance_limit(p, q, values(), group)
    # both sum the same few hundred products of O(1) numbers: a relative 1e-9 is many round-offs wide
    assert found == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from("ABC"), min_size=1, max_size=6).map(tuple))
def test_cumulants_equal_the_moebius_sum(letters):
    traces = MatrixTraces(MATRICES, symmetric=True)
    expected = traces.value(cumulant_atom(tuple((x,) for x in letters)))
    assert values().cumulant(letters) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_mixed_moment_of_free_letters_by_freeness():
    """``phi(A R A R) = tr(A^2) tr(R)^2 + tr(A)^2 tr(R^2) - tr(A)^2 tr(R)^2`` (Nica & Speicher, L. 14)."""
    m = {x: np.trace(MATRICES[x]) / 12 for x in "AR"}
    m2 = {x: np.trace(MATRICES[x] @ MATRICES[x]) / 12 for x in "AR"}
    expected = m2["A"] * m["R"] ** 2 + m["A"] ** 2 * m2["R"] - m["A"] ** 2 * m["R"] ** 2
    assert values().mixed(("A", "R", "A", "R")) == pytest.approx(expected, rel=1e-12)


def test_one_family_words_do_not_fluctuate():
    assert covariance_limit(("A", "B", "A"), ("A", "A"), values(), "orthogonal") == 0.0
    assert covariance_limit(("A", "B", "A"), ("R", "S"), values(), "unitary") == pytest.approx(0, abs=1e-14)


def test_first_block_plan_has_every_proper_block_through_the_first_point():
    for n in range(1, 9):
        plan = _first_block_plan(n)
        assert len(plan) == 2 ** (n - 1) - 1
        assert len({chosen for chosen, _ in plan}) == len(plan)


def test_necklaces_match_oeis():
    binary = [2, 3, 4, 6, 8, 14, 20, 36, 60, 108, 188, 352]  # OEIS A000031
    assert [_necklaces(2, n) for n in range(1, 13)] == binary
    assert [_necklaces(3, n) for n in range(1, 7)] == [3, 6, 11, 24, 51, 130]  # A001867


def test_products_kept_within_their_budget():
    budget = 5 * 12 * 12 * 8
    moments = values(product_bytes=budget)
    covariance_limit(("A", "R", "B", "S", "C", "R"), ("A", "B", "R", "C", "S"), moments, "orthogonal")
    assert 0 < len(moments._products) * 12 * 12 * 8 <= budget


def test_steps_grow_with_the_words():
    short = covariance_limit_steps(tuple("ARBS"), tuple("ARBS"), FAMILY.__getitem__)
    long = covariance_limit_steps(tuple("ARBSARBS"), tuple("ARBSARBS"), FAMILY.__getitem__)
    assert 0 < short < long
    assert covariance_limit_steps(tuple("ARBS"), tuple("ARBS"), FAMILY.__getitem__, "orthogonal") > short
    assert covariance_limit_steps(("A",), ("R",), FAMILY.__getitem__) == 0  # no shared family


@pytest.mark.slow
def test_ten_letter_spread_agrees_with_rotations():
    """The predicted spread of a 10-letter word (no exact route within the limit) against 400 rotations."""
    from freecalc import check

    matrices = spread_matrices("ABRS", 60, seed=2)
    result = check("tr(A R B S A R B S A R)", [["A", "B"], ["R", "S"]], matrices, rotations=400,
                   group="orthogonal", seed=3, exact=False)
    assert result.spread_method == "second-order limit"
    assert result.spread_agrees, (result.observed_sd, result.predicted_sd)


def test_covariance_value_without_the_closed_form(tmp_path):
    matrices = spread_matrices("AR", 20, seed=1)
    path = tmp_path / "m.npz"
    np.savez(path, **matrices)
    small = json.loads(run("covariance", "(A R)^2", "(A R)^2", "--free", "A", "--free", "R",
                               "--matrices", str(path), "--json").stdout)
    poly = covariance_poly("(A R)^2", "(A R)^2", as_families([["A"], ["R"]]))
    assert small["value"] == pytest.approx(covariance_value(poly, MatrixTraces(matrices), {}), rel=1e-9)
    big = run("covariance", "(A R)^6", "(A R)^6", "--free", "A", "--free", "R", "--matrices", str(path))
    assert "closed form not computed" in big.stdout and "value:" in big.stdout


@settings(max_examples=150, deadline=None)
@given(words, words, st.sampled_from(["unitary", "orthogonal"]))
def test_the_work_estimate_covers_the_terms_summed(p, q, group):
    """The bound is checked before any work: no answer may sum more terms than it allowed for."""
    moments = values()
    covariance_limit(p, q, moments, group)
    assert moments.terms <= covariance_limit_steps(p, q, FAMILY.__getitem__, group)
