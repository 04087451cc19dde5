"""The numeric Weingarten sum (a bilinear form) against the symbolic expansion and the Weingarten identities.

Routes: the orthogonality relation ``sum_tau Wg(sigma^{-1} tau) N^{#cycles(tau^{-1} rho)} = delta``
(Collins & Sniady 2006, Prop. 2.3) and its orthogonal analogue with ``N^{#loops(p, q)}`` (Collins &
Matsumoto 2009), which check the type tables; and :func:`freecalc.haar.traces.finite_size_poly` (exact
rationals, one term per pair of permutations) evaluated on the same traces, over random words in two and
three families.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from freecalc.combinatorics.permutations import (
    all_permutations,
    compose,
    inverse,
    num_cycles,
    num_loops,
    pairings,
)
from freecalc.errors import ParameterError, WorkLimitError
from freecalc.free.atoms import atom_key
from freecalc.free.interpret import UNEXPANDED, as_families, interpret
from freecalc.free.words import parse
from freecalc.haar.traces import finite_size_poly
from freecalc.numeric.evaluate import MatrixTraces, evaluate_poly
from freecalc.numeric.weingarten_sum import exact_trace_average, weingarten_matrix
from freecalc.testing import spread_matrices
from tests.strategies import THREE, TWO, words


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_unitary_matrix_inverts_the_gram_matrix(n):
    size = n + 1
    perms = all_permutations(n)
    gram = np.array([[size ** num_cycles(compose(inverse(s), t)) for t in perms] for s in perms], dtype=float)
    assert np.allclose(weingarten_matrix("unitary", n, size) @ gram, np.eye(len(perms)), atol=1e-10)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_orthogonal_matrix_inverts_the_gram_matrix(n):
    size = n + 1
    ps = pairings(2 * n)
    gram = np.array([[size ** num_loops(p, q) for q in ps] for p in ps], dtype=float)
    assert np.allclose(weingarten_matrix("orthogonal", n, size) @ gram, np.eye(len(ps)), atol=1e-10)


def numeric_average(expression, families, group, size, seed=1):
    fams = as_families(families)
    letters = sorted({x for g in fams.groups for x in g})
    traces = MatrixTraces(spread_matrices(letters, size, seed=seed), symmetric=True)
    expected = evaluate_poly(finite_size_poly(expression, fams, size=size, group=group), traces.value)
    value = 0.0
    for monomial, coefficient in interpret(parse(expression), fams, UNEXPANDED)[()].items():
        words_ = [atom_key(i)[1] for i in monomial]
        value += float(coefficient) * exact_trace_average(words_, fams, group, size, traces.word_value)
    return value, expected


CORPUS = [
    ("tr(A R B R)", ["A,B", "R"]),
    ("tr(A R A R B R)", ["A,B", "R"]),
    ("tr(A R S A R S)", ["A", "R", "S"]),
    ("tr(A R B S A S)", ["A,B", "R", "S"]),
    ("tr(A R) tr(A R)", ["A", "R"]),
    ("tr(A R B R) tr(B R) - 2 tr(A) tr(R B R)", ["A,B", "R"]),
    ("tr(A R B Q A S B R)", ["A,B", "R,S", "Q"]),
    ("tr(A1 R1 A2 R2 A3 R3 A4 R4 A5 R5)", ["A1,A2,A3,A4,A5", "R1,R2,R3,R4,R5"]),
]


@pytest.mark.parametrize("group", ["unitary", "orthogonal"])
@pytest.mark.parametrize("size", [1, 2, 3, 7])
@pytest.mark.parametrize("expression, families", CORPUS)
def test_agrees_with_the_symbolic_expansion(expression, families, group, size):
    value, expected = numeric_average(expression, families, group, size)
    assert value == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([TWO, THREE]), st.data(), st.sampled_from(["unitary", "orthogonal"]),
       st.integers(1, 6))
def test_random_words(families, data, group, size):
    word = data.draw(words(families, max_size=7))
    expression = "tr(" + " ".join(word) + ")"
    value, expected = numeric_average(expression, [",".join(g) for g in families.groups], group, size)
    assert value == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_bad_size_and_group():
    fams = as_families(["A", "R"])
    with pytest.raises(ParameterError, match="size"):
        exact_trace_average([("A", "R")], fams, "unitary", 0, lambda w: 1.0)
    with pytest.raises(ParameterError, match="group"):
        weingarten_matrix("symplectic", 2, 3)
    with pytest.raises(WorkLimitError, match="10,395"):
        weingarten_matrix("orthogonal", 6, 3)
