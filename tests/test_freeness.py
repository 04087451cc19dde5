"""The trace engine against brute force, the literature, the paper and Monte Carlo."""

from math import comb

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import trace_by_freeness, trace_by_partitions
from strategies import THREE, TWO, words

from freecalc import Trace, catalan, cumulant_to_moments, expand, narayana
from freecalc.free.atoms import Cumulant, poly_to_sympy
from freecalc.free.interpret import expand_poly
from freecalc.free.mixed_moments import _expand_with
from freecalc.free.words import Families, canonical_rotation
from freecalc.numeric.montecarlo import check


def same(a, b) -> bool:
    return sympy.expand(a - b) == 0


def distinct_word(n):
    letters = [x for i in range(1, n + 1) for x in (f"A{i}", f"R{i}")]
    families = Families.of([f"A{i}" for i in range(1, n + 1)], [f"R{i}" for i in range(1, n + 1)])
    return tuple(letters), families


# --- brute force --------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", range(1, 8))
def test_distinct_alternating_words_match_brute_force_sum_over_filtered_nc(n):
    word, families = distinct_word(n)
    bs = [(f"A{i}",) for i in range(1, n + 1)]
    as_ = [(f"R{i}",) for i in range(1, n + 1)]
    expected = trace_by_partitions(bs, as_, families)
    assert same(expand(word, families), expected)


@settings(max_examples=60, deadline=None)
@given(words(TWO, max_size=8))
def test_words_with_repeats_match_the_definition_of_freeness(word):
    assert same(expand(word, TWO), trace_by_freeness(canonical_rotation(word), TWO))


@settings(max_examples=40, deadline=None)
@given(words(THREE, max_size=7))
def test_three_families_match_the_definition_of_freeness(word):
    assert same(expand(word, THREE), trace_by_freeness(canonical_rotation(word), THREE))


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 7), st.data())
def test_every_word_is_a_specialisation_of_the_distinct_letter_word(n, data):
    """Multilinearity: identifying letters in the brute-force distinct-letter result gives any word."""
    word, families = distinct_word(n)
    a_names = data.draw(st.lists(st.sampled_from(["A", "B"]), min_size=n, max_size=n))
    r_names = data.draw(st.lists(st.sampled_from(["R", "S"]), min_size=n, max_size=n))
    rename = {f"A{i + 1}": a_names[i] for i in range(n)} | {f"R{i + 1}": r_names[i] for i in range(n)}
    a_side = [(f"A{i}",) for i in range(1, n + 1)]
    general = trace_by_partitions(a_side, [(f"R{i}",) for i in range(1, n + 1)], families)
    special = general.xreplace({t: Trace(tuple(rename[x] for x in t.word)) for t in general.atoms(Trace)})
    target = tuple(rename[x] for x in word)
    assert same(expand(target, TWO), special)


# --- structure ------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(words(THREE, min_size=2, max_size=8), st.integers(0, 7))
def test_rotating_a_word_leaves_its_expansion_unchanged(word, shift):
    """Call the recursion on an unnormalised rotation for every choice of cumulant family."""
    shift %= len(word)
    rotated = word[shift:] + word[:shift]
    present = {THREE.index(x) for x in word}
    for fam in present:
        a = poly_to_sympy(_expand_with(THREE, rotated, fam))
        b = poly_to_sympy(_expand_with(THREE, word, fam))
        assert same(_to_moments(a), _to_moments(b))
    assert expand(rotated, THREE) == expand(word, THREE)


def _to_moments(expr):
    return sympy.expand(expr.xreplace({c: cumulant_to_moments(c.arguments) for c in expr.atoms(Cumulant)}))


@settings(max_examples=40, deadline=None)
@given(words(THREE, min_size=2, max_size=8))
def test_every_basis_converts_back_to_the_moment_form(word):
    raw = expand(word, THREE)
    assert same(_to_moments(expand(word, THREE, "cumulants")), raw)
    assert same(_to_moments(expand(word, THREE, "mixed")), raw)
    centered = expand(word, THREE, "centered")
    # the printed centered form (tr(Ā B̄) ...) parses back and expands to the raw form
    assert same(expand(str(centered), THREE), raw)


@settings(max_examples=40, deadline=None)
@given(words(TWO, min_size=2, max_size=8))
def test_sympy_build_is_canonical(word):
    poly = expand_poly(word, TWO)
    fast = poly_to_sympy(poly)
    slow = sympy.Add(*[c * sympy.Mul(*[_sym(i) for i in m]) for m, c in poly.items()])
    assert fast == slow and hash(fast) == hash(slow)


def _sym(i):
    from freecalc.free.atoms import atom_symbol

    return atom_symbol(i)


def test_term_counts_catalan_mixed_and_a001764_raw():
    for n in range(1, 9):
        word, families = distinct_word(n)
        assert len(expand_poly(word, families, "mixed")) == catalan(n)
        assert len(expand_poly(word, families, "moments")) == comb(3 * n, n) // (2 * n + 1)
    # the values quoted in the design notes' correction (OEIS A001764)
    assert [comb(3 * n, n) // (2 * n + 1) for n in (7, 8, 9)] == [7752, 43263, 246675]


def test_linearity_and_scalar_expressions():
    f = ["A,B", "R"]
    lhs = expand("2*tr(A R) - tr(A)*tr(R) + tr((A + B) R)/2", f)
    a, b, r = Trace(("A",)), Trace(("B",)), Trace(("R",))
    # 2 a r - a r + (a r + b r) / 2, since tr(A R) = tr(A) tr(R) for A free from R
    assert same(lhs, sympy.Rational(3, 2) * a * r + sympy.Rational(1, 2) * b * r)
    assert expand("tr(1)", f) == 1
    assert expand("tr(bar(A))", f) == 0
    assert same(expand("tr((A R)^3)", f), expand("tr(A R A R A R)", f))
    assert same(expand("tr(A*R^2*B)", f), expand("tr(A R R B)", f))


# --- the literature -------------------------------------------------------------------------------------


def test_sum_of_free_semicirculars_is_semicircular():
    """tr((S1 + S2)^(2k)) = 2^k C_k for free standard semicirculars (Nica & Speicher, Lecture 2/12)."""
    f = ["S1", "S2"]
    for k in range(1, 5):
        expr = expand(f"tr((S1 + S2)^{2 * k})", f)
        values = {}
        for atom in expr.atoms(Trace):
            j = len(atom.word)
            values[atom] = catalan(j // 2) if j % 2 == 0 else 0
        assert expr.xreplace(values) == 2**k * catalan(k)


def test_free_poisson_from_semicircle_and_projection():
    """s p s with s semicircular free from a projection p of trace lam is free Poisson of rate lam.

    Nica & Speicher, Proposition 12.13 (kappa_n(s b s) = tr(b^n)); free Poisson moments are the Narayana
    polynomials sum_k N(n, k) lam^k (Lecture 12, Example 12.19).
    """
    lam = sympy.Symbol("lam")
    f = ["S", "P"]
    for n in range(1, 6):
        expr = expand(f"tr((S P S)^{n})", f)
        values = {}
        for atom in expr.atoms(Trace):
            j = len(atom.word)
            values[atom] = (catalan(j // 2) if j % 2 == 0 else 0) if atom.word[0] == "S" else lam
        expected = sum(narayana(n, k) * lam**k for k in range(1, n + 1))
        assert sympy.expand(expr.xreplace(values) - expected) == 0


# --- the paper's Appendix E -----------------------------------------------------------------------------

LEMMA_FAMILIES = ["C1,C2,C3,C4", "R1,R2,R3,R4"]


@pytest.mark.parametrize(
    "lhs, rhs",
    [
        ("tr(bar(C1) R1)", "0"),  # (10)
        ("tr(bar(C1) R1 bar(C2) R2)", "tr(R1) tr(R2) tr(bar(C1) bar(C2))"),  # (11)
        ("tr(bar(C1) R1 bar(C2) R2 bar(C3) R3)", "tr(R1) tr(R2) tr(R3) tr(bar(C1) bar(C2) bar(C3))"),  # (12)
        (
            "tr(bar(C1) R1 bar(C2) R2 bar(C3) R3 bar(C4) R4)",  # (13)
            "tr(R1) tr(R2) tr(R3) tr(R4) tr(bar(C1) bar(C2) bar(C3) bar(C4))"
            " + tr(R1) tr(R3) tr(bar(R2) bar(R4)) tr(bar(C1) bar(C2)) tr(bar(C3) bar(C4))"
            " + tr(R2) tr(R4) tr(bar(R1) bar(R3)) tr(bar(C2) bar(C3)) tr(bar(C1) bar(C4))",
        ),
    ],
    ids=["lemma10", "lemma11", "lemma12", "lemma13"],
)
def test_paper_lemmas_10_to_13(lhs, rhs):
    assert expand(f"{lhs} - ({rhs})", LEMMA_FAMILIES) == 0


PAPER = ["A,B", "R"]
EQ18 = ("tr(A)^2 tr(B) tr(R^3) + 2 tr(A) tr(R^2) tr(R) tr(Ā B̄) + tr(B) tr(R) tr(R^2) tr(Ā^2)"
        " + tr(R)^3 tr(Ā^2 B̄)")
EQ20 = "tr(A^2) tr(R)^2 + tr(A)^2 tr(R^2) - tr(A)^2 tr(R)^2"
EQ26_COMMON = (
    "tr(R)^4 tr((Ā B̄)^2) + 2 tr(R)^2 (tr(R^2) - tr(R)^2) tr(Ā B̄)^2"
    " + 2 tr(R)^2 tr(R^2) (tr(B) tr(Ā^2 B̄) + tr(A) tr(Ā B̄^2))"
    " + 4 tr(A) tr(B) tr(R^3) tr(R) tr(Ā B̄) + tr(A)^2 tr(B)^2 tr(R^4)"
    " + tr(A)^2 tr(B̄^2) tr(R^2)^2"
)
EQ26_PRINTED_LAST = "tr(Ā)^2 tr(B^2) tr(R^2)^2"
EQ26_CORRECT_LAST = "tr(B)^2 tr(Ā^2) tr(R^2)^2"


def test_paper_equation_18_numerator():
    assert expand(f"tr(A R A R B R) - ({EQ18})", PAPER) == 0


def test_paper_equation_20_first_denominator():
    assert expand(f"tr(A R A R) - ({EQ20})", PAPER) == 0


def test_paper_equation_26_printed_last_term_is_zero_and_wrong():
    assert expand(EQ26_PRINTED_LAST, PAPER) == 0
    assert expand(f"tr(A R B R A R B R) - ({EQ26_COMMON} + {EQ26_PRINTED_LAST})", PAPER) != 0


def test_paper_equation_26_corrected():
    assert expand(f"tr(A R B R A R B R) - ({EQ26_COMMON} + {EQ26_CORRECT_LAST})", PAPER) == 0


def _spread_matrices(d, seed):
    """A with a widely spread spectrum, so that tr(Ā^2) is large; B and R positive."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, spectrum in [("A", rng.uniform(0.0, 4.0, d)), ("B", rng.uniform(0.5, 1.5, d)),
                           ("R", rng.uniform(0.5, 2.0, d))]:
        q, _ = np.linalg.qr(rng.standard_normal((d, d)))
        out[name] = (q * spectrum) @ q.T
    return out


@pytest.mark.slow
def test_monte_carlo_decides_equation_26():
    mats = _spread_matrices(400, 3)
    word = check("tr(A R B R A R B R)", PAPER, mats, rotations=12, seed=5)
    assert word.agrees
    corrected = check(f"{EQ26_COMMON} + {EQ26_CORRECT_LAST}", PAPER, mats, rotations=2, seed=5)
    printed = check(f"{EQ26_COMMON} + {EQ26_PRINTED_LAST}", PAPER, mats, rotations=2, seed=5)
    assert abs(corrected.predicted - word.predicted) < 1e-9 * abs(word.predicted)
    gap = abs(printed.predicted - word.observed)
    assert gap > 10 * word.tolerance, (gap, word.tolerance)


# --- Monte Carlo ----------------------------------------------------------------------------------------


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words(TWO, min_size=2, max_size=8), st.integers(0, 10_000))
def test_random_words_in_two_families_agree_with_monte_carlo(word, seed):
    result = check("tr(" + " ".join(word) + ")", TWO, size=300, rotations=6, seed=seed)
    assert result.agrees, result


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words(THREE, min_size=2, max_size=8), st.integers(0, 10_000))
def test_random_words_in_three_families_agree_with_monte_carlo(word, seed):
    result = check("tr(" + " ".join(word) + ")", THREE, size=300, rotations=6, seed=seed)
    assert result.agrees, result


def test_monte_carlo_rejects_a_wrong_closed_form():
    """The check has power: eq. (20) without its tr(Ā^2) tr(R)^2 part is detected on the same matrices."""
    good = check("tr(A R A R)", ["A", "R"], size=300, rotations=6, seed=1)
    dropped = check("tr(A^2) tr(R)^2 - tr(A)^2 tr(R)^2", ["A", "R"], size=300, rotations=2, seed=1)
    assert good.agrees
    assert abs((good.predicted - dropped.predicted) - good.observed) > good.tolerance
