"""Tests with power for the newer cores (project issue 27, item 2): each term checked on its own against an
independent route, on data where a small change of the term is several standard errors (or exactly) visible.

* :mod:`freecalc.free.fluctuations`: the covariance of two different linear combinations of traces against
  bilinearity computed from the single-word covariances (so a coefficient ``a * b`` differs from ``a * a``).
* :mod:`freecalc.numeric.weingarten_sum`: the float Weingarten sum against the symbolic expansion
  (:func:`freecalc.haar.traces.finite_size_poly`) on non-symmetric letters, unitary group, non-palindromic
  words with three or more rotated runs (where ``tau gamma`` and ``tau^-1 gamma`` differ).
* :mod:`freecalc.haar.averages`: orthogonal averages of a non-palindromic word against a seeded Monte Carlo
  over Haar orthogonal matrices; the symbolic-N evaluation against the integer-N one (the ``N^low`` shift).
"""

import numpy as np
import pytest
import sympy

from freecalc.free.atoms import atom_key, poly_to_sympy
from freecalc.free.fluctuations import covariance_poly
from freecalc.free.interpret import UNEXPANDED, as_families, interpret
from freecalc.free.words import parse
from freecalc.haar.traces import SIZE, finite_size_poly
from freecalc.numeric.evaluate import MatrixTraces, evaluate_poly
from freecalc.numeric.weingarten_sum import exact_trace_average

# --- free/fluctuations.py: bilinearity -------------------------------------------------------------------


@pytest.mark.parametrize("group", ["unitary", "orthogonal"])
def test_covariance_of_two_combinations_is_bilinear_in_the_single_word_covariances(group):
    first = {"A R": 2, "A R A R": -1}
    second = {"A R": 3, "A A R R": 5}

    def single(p, q):
        return poly_to_sympy(covariance_poly(p, q, ["A", "R"], group=group))

    expected = sum(a * b * single(p, q) for p, a in first.items() for q, b in second.items())
    combined = poly_to_sympy(covariance_poly("2 tr(A R) - tr(A R A R)", "3 tr(A R) + 5 tr(A A R R)",
                                             ["A", "R"], group=group))
    assert sympy.expand(combined - expected) == 0
    # one word against a scaled word: a * b = 3, a * a = 1
    assert sympy.expand(poly_to_sympy(covariance_poly("tr(A R)", "3 tr(A R A R)", ["A", "R"], group=group))
                        - 3 * single("A R", "A R A R")) == 0


# --- numeric/weingarten_sum.py: unitary, non-symmetric letters --------------------------------------------


def general_matrices(letters, size, seed):
    """Real non-symmetric matrices with non-zero traces (so every word has its own value)."""
    rng = np.random.default_rng(seed)
    return {x: rng.standard_normal((size, size)) + (0.5 + 0.3 * j) * np.eye(size)
            for j, x in enumerate(sorted(letters))}


def float_and_symbolic(expression, families, group, size, matrices, symmetric):
    fams = as_families(families)
    traces = MatrixTraces(matrices, symmetric=symmetric)
    symbolic = evaluate_poly(finite_size_poly(expression, fams, size=size, group=group), traces.value)
    value = 0.0
    for monomial, coefficient in interpret(parse(expression), fams, UNEXPANDED)[()].items():
        words = [atom_key(i)[1] for i in monomial]
        value += float(coefficient) * exact_trace_average(words, fams, group, size, traces.word_value)
    return value, symbolic


ORIENTED = [
    ("tr(A R B R C R)", ["A,B,C", "R"]),
    ("tr(A R B S C R D S)", ["A,B,C,D", "R,S"]),
    ("tr(A R S B R C S R)", ["A,B,C", "R,S"]),
    ("tr(A R B R C R) tr(B R)", ["A,B,C", "R"]),
]


@pytest.mark.parametrize("size", [2, 3, 4])
@pytest.mark.parametrize("expression, families", ORIENTED)
def test_unitary_weingarten_sum_on_non_symmetric_letters(expression, families, size):
    letters = {x for f in families for x in f.split(",")}
    value, symbolic = float_and_symbolic(expression, families, "unitary", size,
                                         general_matrices(letters, size, seed=size), symmetric=False)
    assert value == pytest.approx(symbolic, rel=1e-9, abs=1e-9)


def test_oriented_words_tell_the_orientation_apart():
    """The data have power: reversing every word changes the value (so a reversed cycle would be seen)."""
    matrices = general_matrices("ABCR", 3, seed=3)
    forward, _ = float_and_symbolic("tr(A R B R C R)", ["A,B,C", "R"], "unitary", 3, matrices, False)
    backward, _ = float_and_symbolic("tr(R C R B R A)", ["A,B,C", "R"], "unitary", 3, matrices, False)
    assert abs(forward - backward) > 0.05 * abs(forward)


# --- haar/averages.py: orthogonal orientation and the N^low shift -----------------------------------------


def symmetric_matrices(shifts, size, seed):
    rng = np.random.default_rng(seed)
    out = {}
    for x, shift in shifts.items():
        g = rng.standard_normal((size, size))
        out[x] = (g + g.T) / 2 + shift * np.eye(size)
    return out


def haar_orthogonal_batch(rng, count, size):
    """Haar orthogonal matrices by QR of Gaussian matrices with the signs of R's diagonal (Mezzadri 2007)."""
    q, r = np.linalg.qr(rng.standard_normal((count, size, size)))
    return q * np.sign(np.diagonal(r, axis1=1, axis2=2))[:, None, :]


@pytest.mark.parametrize("word", ["A R S B S R C R", "A R B S C R S"])
def test_orthogonal_average_of_a_non_palindromic_word_against_monte_carlo(word):
    size, shifts = 5, {"A": 1.0, "B": 1.5, "C": 0.7, "R": 1.2, "S": 0.8}
    m = symmetric_matrices(shifts, size, seed=3)
    exact = evaluate_poly(finite_size_poly(f"tr({word})", ["A,B,C", "R,S"], size=size, group="orthogonal"),
                          MatrixTraces(m, symmetric=True).value)
    rng = np.random.default_rng(11)
    samples = []
    for _ in range(4):
        o = haar_orthogonal_batch(rng, 10_000, size)
        rotated = {x: o @ m[x] @ o.transpose(0, 2, 1) for x in "RS"}
        product = np.broadcast_to(np.eye(size), (10_000, size, size))
        for x in word.split():
            product = product @ (rotated[x] if x in rotated else m[x])
        samples.append(np.trace(product, axis1=1, axis2=2) / size)
    samples = np.concatenate(samples)
    stderr = samples.std(ddof=1) / np.sqrt(samples.size)
    assert abs(samples.mean() - exact) < 4 * stderr


@pytest.mark.parametrize("group", ["unitary", "orthogonal"])
@pytest.mark.parametrize("expression", ["tr(A R)^3", "tr(A R) tr(A R A R)", "tr(A R B R) tr(A) tr(R)"])
def test_symbolic_size_set_to_an_integer_is_the_integer_size_average(expression, group):
    families = ["A,B", "R"]
    symbolic = poly_to_sympy(finite_size_poly(expression, families, size=SIZE, group=group))
    for n in (3, 5):
        exact = poly_to_sympy(finite_size_poly(expression, families, size=n, group=group))
        assert sympy.simplify(symbolic.subs(SIZE, n) - exact) == 0
