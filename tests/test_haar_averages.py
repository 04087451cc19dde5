"""Exact Haar averages of trace words against independent routes.

Routes: closed forms derived by hand from the n = 2 Weingarten values; the Weingarten index formula
contracted numerically as a full moment tensor (no trace bookkeeping); Monte Carlo over 10^5 Haar rotations
at N = 2, 3, 4 (4 standard errors, no other allowance); the identity sum rules (letters of one family set to
the identity make the average deterministic); free probability at N -> oo (Nica & Speicher, Lectures on
the Combinatorics of Free Probability, Thm. 14.4).

Timings (CPU seconds, one core, Python 3.11, first call; no timed assertions here), measured with
``python -c "import sympy, time; from freecalc.haar.averages import haar_average; ..."``: unitary
tr(A1 R1 ... A6 R6) symbolic 2.6-3 (518400 terms), integer N about the same (the expansion is N-free and
cached); unitary 7 runs, repeated letters, 4.6-5.6; orthogonal 4 runs distinct letters symbolic 0.07,
5 runs 0.5-0.7.
"""

from collections import Counter
from fractions import Fraction
from itertools import product

import numpy as np
import pytest
import sympy

from freecalc.combinatorics.permutations import (
    all_permutations,
    compose,
    coset_type,
    cycle_type,
    inverse,
    pairings,
)
from freecalc.errors import FamilyError, ParameterError
from freecalc.free.letters import GROUPS, canonical_rotation
from freecalc.haar.averages import haar_average, normalized_average, series_in_inverse_n
from freecalc.haar.weingarten import orthogonal_weingarten_table, unitary_weingarten_table
from freecalc.numeric.haar import haar_batch

N = sympy.Symbol("N")


def t(*word):
    """The normalized-trace symbol tr(word)."""
    return sympy.Symbol("tr(" + " ".join(word) + ")")


def as_expression(result):
    return sum(c * sympy.Mul(*[t(*w) for w in key]) for key, c in result.items())


def same(a, b):
    return sympy.cancel(sympy.together(sympy.expand(a - b))) == 0


# ---------------------------------------------------------------- closed forms derived by hand


def kappa(x, y):
    return t(x, y) - t(x) * t(y)


FREE_ABCD = t("A", "C") * t("B") * t("D") + t("A") * t("C") * t("B", "D") - t("A") * t("B") * t("C") * t("D")


def test_unitary_abcd_closed_form():
    # E tr(A U B U* C U D U*) = free value - kappa2(A, C) kappa2(B, D) / (N^2 - 1).
    result = normalized_average(("A", "B", "C", "D"), [("A", "C"), ("B", "D")], "unitary", N)
    assert same(as_expression(result), FREE_ABCD - kappa("A", "C") * kappa("B", "D") / (N**2 - 1))


def test_orthogonal_abcd_closed_form():
    # By hand from Wg^O(1,1) = (N+1)/(N(N-1)(N+2)), Wg^O(2) = -1/(N(N-1)(N+2)) and the three pairings of
    # four points (symmetric letters): E tr(A O B O' C O D O') = free + (N-2) k2(A,C) k2(B,D) / ((N-1)(N+2)).
    result = normalized_average(("A", "B", "C", "D"), [("A", "C"), ("B", "D")], "orthogonal", N)
    expected = FREE_ABCD + (N - 2) * kappa("A", "C") * kappa("B", "D") / ((N - 1) * (N + 2))
    assert same(as_expression(result), expected)


def test_one_run_gives_trace_product_over_n():
    for group in GROUPS:
        assert haar_average([("A", "R")], [("A",), ("R",)], group, N) == {(("A",), ("R",)): 1 / N}
        assert haar_average([("R", "S")], [("A",), ("R", "S")], group, 5) == {(("R", "S"),): 1}
        assert haar_average([()], [("A",)], group, N) == {(): N}
        assert normalized_average([(), ("A", "A")], [("A",)], group, 3) == {(("A", "A"),): 1}


def test_canonical_words():
    assert canonical_rotation(("B", "A", "C"), "unitary") == ("A", "C", "B")
    assert canonical_rotation(("B", "A", "C"), "orthogonal") == ("A", "B", "C")


def test_errors():
    with pytest.raises(FamilyError):
        haar_average([("A", "X")], [("A",), ("R",)], "unitary", N)
    with pytest.raises(FamilyError):
        haar_average([("A", "R")], [("A", "R"), ("R",)], "unitary", N)
    with pytest.raises(ParameterError):
        haar_average([("A", "R")], [("A",), ("R",)], "symplectic", N)
    with pytest.raises(ParameterError):
        haar_average([("A", "R")], [("A",), ("R",)], "unitary", 0)


# ---------------------------------------------------------------- the moment tensor of the Weingarten formula


def _delta(n_axes, pairs, size):
    """prod over (x, y) in pairs of delta(index_x, index_y), as an array with n_axes axes."""
    result = np.ones((size,) * n_axes)
    for x, y in pairs:
        shape = [1] * n_axes
        shape[x] = shape[y] = size
        result = result * np.eye(size).reshape(shape)
    return result


def _tensor_average(group, size, fixed, rotated):
    """E Tr(X_1 V_1 ... X_n V_n), V_k = U R_k U^* (or O R_k O^T), by contracting the full moment tensor."""
    n = len(rotated)
    letters = "abcdefghijklmnopqrstuvwxyz"
    if group == "unitary":
        values = {mu: float(v) for mu, v in unitary_weingarten_table(n, size).items()}
        # axes: a_1..a_n, b_1..b_n (U row / conj U row), i_1..i_n, j_1..j_n (U column / conj U column)
        moment = sum(
            values[cycle_type(compose(tau, inverse(sigma)))]
            * np.multiply.outer(
                _delta(2 * n, [(k, n + sigma[k]) for k in range(n)], size),
                _delta(2 * n, [(k, n + tau[k]) for k in range(n)], size),
            )
            for sigma, tau in product(all_permutations(n), repeat=2)
        )
        a, b, i, j = (letters[s * n : (s + 1) * n] for s in range(4))
        spec = [a + b + i + j]
    else:
        values = {mu: float(v) for mu, v in orthogonal_weingarten_table(n, size).items()}
        # entries 2k = O_{a_k i_k}, 2k+1 = O_{b_k j_k}; axes: rows r_0..r_{2n-1}, then columns c_0..c_{2n-1}
        moment = sum(
            values[coset_type(p, q)] * np.multiply.outer(_delta(2 * n, p, size), _delta(2 * n, q, size))
            for p, q in product(pairings(2 * n), repeat=2)
        )
        rows, cols = letters[: 2 * n], letters[2 * n : 4 * n]
        a, b, i, j = rows[0::2], rows[1::2], cols[0::2], cols[1::2]
        spec = [rows + cols]
    operands = [moment]
    for k in range(n):
        spec.append(i[k] + j[k])
        operands.append(rotated[k])
        spec.append(b[k] + a[(k + 1) % n])
        operands.append(fixed[(k + 1) % n])
    return np.einsum(",".join(spec) + "->", *operands)


def _evaluate(result, matrices):
    total = 0.0
    for key, c in result.items():
        term = float(c)
        for word in key:
            m = np.eye(len(next(iter(matrices.values()))))
            for x in word:
                m = m @ matrices[x]
            term *= np.trace(m)
        total += term
    return total


def _symmetric(size, rng):
    g = rng.standard_normal((size, size))
    return (g + g.T) / 2 + rng.uniform(-1, 1) * np.eye(size)


@pytest.mark.parametrize(("group", "n", "size"), list(product(GROUPS, (2, 3), (2, 3))))
def test_against_moment_tensor(group, n, size):
    rng = np.random.default_rng(10 * n + size)
    fixed = [_symmetric(size, rng) for _ in range(n)]
    rotated = [_symmetric(size, rng) for _ in range(n)]
    xs, rs = [f"X{k}" for k in range(n)], [f"R{k}" for k in range(n)]
    word = tuple(x for k in range(n) for x in (xs[k], rs[k]))
    result = haar_average([word], [xs, rs], group, size)
    exact = _evaluate(result, dict(zip(xs + rs, fixed + rotated, strict=True)))
    assert exact == pytest.approx(_tensor_average(group, size, fixed, rotated), rel=1e-9, abs=1e-9)


# ---------------------------------------------------------------- identity sum rules
# Letters of one family set to the identity make the average deterministic: E Tr(X0 R0 X1 R1 ...) equals
# Tr(R0 R1 ...) for X = 1 and Tr(X0 X1 ...) for R = 1. For N >= n the trace monomials are linearly
# independent, so the rule holds coefficient by coefficient; for N < n only as functions of N x N matrices
# (trace identities such as Cayley-Hamilton relate the monomials), so there it is checked on random matrices.


def _collapse(result, family, size):
    """Set every letter of ``family`` to the identity: Tr(word in family) = size."""
    grouped = Counter()
    for key, c in result.items():
        rest = tuple(w for w in key if w[0] not in family)
        grouped[rest, c, len(key) - len(rest)] += 1
    collapsed = Counter()
    for (rest, c, power), count in grouped.items():
        collapsed[rest] += count * Fraction(int(c.p), int(c.q)) * size**power
    return {k: v for k, v in collapsed.items() if v}


def _check_sum_rules(group, n, size):
    xs, rs = [f"X{k}" for k in range(n)], [f"R{k}" for k in range(n)]
    word = tuple(x for k in range(n) for x in (xs[k], rs[k]))
    result = haar_average([word], [xs, rs], group, size)
    rng = np.random.default_rng(n + size)
    for identity_family, other in ((xs, rs), (rs, xs)):
        collapsed = _collapse(result, set(identity_family), size)
        if size >= n:
            assert collapsed == {(canonical_rotation(tuple(other), group),): 1}
        else:
            matrices = {x: _symmetric(size, rng) for x in other}
            expected = np.trace(np.linalg.multi_dot([matrices[x] for x in other]))
            value = _evaluate(
                {k: sympy.Rational(v.numerator, v.denominator) for k, v in collapsed.items()}, matrices
            )
            assert value == pytest.approx(expected, rel=1e-9, abs=1e-9)
    return result


@pytest.mark.parametrize(
    ("group", "n", "size"),
    [("unitary", 5, 2), ("unitary", 5, 3), ("unitary", 5, 5), ("orthogonal", 4, 2), ("orthogonal", 4, 4)],
)
def test_identity_sum_rules(group, n, size):
    _check_sum_rules(group, n, size)


@pytest.mark.slow
def test_identity_sum_rules_six_unitary_runs():
    result = _check_sum_rules("unitary", 6, 3)
    assert len(result) == 720**2  # all (alpha, beta) give different multi-traces


@pytest.mark.parametrize("group", GROUPS)
def test_all_identity_gives_n_symbolically(group):
    words = [("A", "R", "B", "S", "R", "S"), ("R", "A", "S")]
    result = haar_average(words, [("A", "B"), ("R",), ("S",)], group, N)
    assert same(sum(c * N ** len(key) for key, c in result.items()), N**2)


# ---------------------------------------------------------------- consistency


@pytest.mark.parametrize("group", GROUPS)
def test_integration_order_and_integer_n(group):
    words = [("A", "R", "B", "S", "R", "S", "A", "S")]
    one = haar_average(words, [("A", "B"), ("R",), ("S",)], group, N)
    other = haar_average(words, [("A", "B"), ("S",), ("R",)], group, N)
    assert one.keys() == other.keys() and all(same(one[k], other[k]) for k in one)
    at_five = haar_average(words, [("A", "B"), ("R",), ("S",)], group, 5)
    assert at_five == {k: v.subs(N, 5) for k, v in one.items() if v.subs(N, 5) != 0}


def test_normalized_is_rescaled_raw():
    word = ("A", "R", "A", "R", "B", "R")
    raw = haar_average([word], [("A", "B"), ("R",)], "orthogonal", N)
    normalized = normalized_average(word, [("A", "B"), ("R",)], "orthogonal", N)
    assert raw.keys() == normalized.keys()
    assert all(same(normalized[k], raw[k] * N ** (len(k) - 1)) for k in raw)


def test_series_in_inverse_n():
    assert series_in_inverse_n(1 / (N**2 - 1), N, 5) == N**-2 + N**-4
    assert series_in_inverse_n(-1 / (N * (N**2 - 1)), N, 5) == -(N**-3) - N**-5
    assert series_in_inverse_n((N + 1) / (N - 1), N, 1) == 1 + 2 / N


# ---------------------------------------------------------------- N -> oo: free probability


def kappa3(x, y, z):
    return t(x, y, z) - t(x) * t(y, z) - t(y) * t(x, z) - t(z) * t(x, y) + 2 * t(x) * t(y) * t(z)


# tr(a1 b1 a2 b2 ...) for {a} free from {b}: sum over pi in NC of kappa_pi[a] tr_{K(pi)}[b] (Nica & Speicher,
# Thm. 14.4), written out by hand; R^2 and R^3 are the words (R, R) and (R, R, R).
FREE_LIMITS = {
    ("A", "R", "A", "R"): t("A", "A") * t("R") ** 2 + t("A") ** 2 * t("R", "R") - t("A") ** 2 * t("R") ** 2,
    ("A", "R", "B", "R"): t("A", "B") * t("R") ** 2
    + t("A") * t("B") * t("R", "R")
    - t("A") * t("B") * t("R") ** 2,
    ("A", "R", "A", "R", "B", "R"): t("A") ** 2 * t("B") * t("R", "R", "R")
    + kappa("A", "A") * t("B") * t("R") * t("R", "R")
    + 2 * kappa("A", "B") * t("A") * t("R") * t("R", "R")
    + kappa3("A", "A", "B") * t("R") ** 3,
}


@pytest.mark.parametrize(("group", "word"), list(product(GROUPS, FREE_LIMITS)))
def test_large_n_limit_is_free(group, word):
    result = normalized_average(word, [("A", "B"), ("R",)], group, N)
    leading = sum(
        series_in_inverse_n(c, N, 0) * sympy.Mul(*[t(*w) for w in key]) for key, c in result.items()
    )
    assert sympy.expand(leading - FREE_LIMITS[word]) == 0


def test_unitary_corrections_are_even_orthogonal_odd():
    # One rotated family: the unitary normalized coefficients are functions of N^2 (genus expansion in 1/N^2);
    # the orthogonal ones are not (1/N corrections).
    word = ("A", "R", "A", "R", "B", "R")
    unitary = normalized_average(word, [("A", "B"), ("R",)], "unitary", N)
    assert all(same(c, c.subs(N, -N)) for c in unitary.values())
    orthogonal = normalized_average(word, [("A", "B"), ("R",)], "orthogonal", N)
    assert not all(same(c, c.subs(N, -N)) for c in orthogonal.values())


# ---------------------------------------------------------------- Monte Carlo at N = 2, 3, 4

SAMPLES = 100_000
ONE_ROTATED = [("A", "B", "C"), ("R", "S")]
TWO_ROTATED = [("A", "B"), ("R",), ("S",)]
CASES = [
    (ONE_ROTATED, [("A", "R", "A", "R")]),
    (ONE_ROTATED, [("A", "R", "B", "R", "C", "R")]),
    (ONE_ROTATED, [("A", "R", "S", "B", "S", "R")]),
    (ONE_ROTATED, [("A", "R", "B", "R"), ("A", "R")]),
    (ONE_ROTATED, [("A", "R", "A", "S", "B", "R", "B", "S")]),
    (TWO_ROTATED, [("A", "R", "B", "S", "R", "S")]),
    (TWO_ROTATED, [("R", "S", "R", "S")]),
    (TWO_ROTATED, [("A", "R", "S", "B", "S", "R"), ("R", "A", "S")]),
]


def _letters(group, size, rng):
    """Fixed test matrices: symmetric for the orthogonal group, general real ones for the unitary group."""
    out = {}
    for x in "ABCRS":
        g = rng.standard_normal((size, size))
        base = (g + g.T) / 2 if group == "orthogonal" else g
        out[x] = base + rng.uniform(-1.5, 1.5) * np.eye(size)
    return out


@pytest.mark.parametrize(("group", "size"), list(product(GROUPS, (2, 3, 4))))
def test_monte_carlo(group, size):
    rng = np.random.default_rng(1000 * size + (group == "unitary"))
    letters = _letters(group, size, rng)
    rotations = {f: haar_batch(group, size, SAMPLES, rng) for f in (1, 2)}
    for families, words in CASES:
        family_of = {x: i for i, fam in enumerate(families) for x in fam}
        conjugated = {}
        for x, m in letters.items():
            if x in family_of and family_of[x] > 0:
                u = rotations[family_of[x]]
                conjugated[x] = u @ m @ np.conj(np.swapaxes(u, 1, 2))
            else:
                conjugated[x] = m
        samples = np.ones(SAMPLES, dtype=complex)
        for word in words:
            product_ = conjugated[word[0]]
            for x in word[1:]:
                product_ = product_ @ conjugated[x]
            samples = samples * np.trace(product_, axis1=-2, axis2=-1)
        exact = _evaluate(haar_average(words, families, group, size), letters)
        for part in (np.real, np.imag):
            values = part(samples)
            stderr = values.std(ddof=1) / np.sqrt(SAMPLES)
            target = exact if part is np.real else 0.0
            assert abs(values.mean() - target) <= 4 * stderr + 1e-12, (words, families, part.__name__)
