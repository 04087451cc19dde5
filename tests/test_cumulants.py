"""Moments <-> free cumulants, univariate and multivariate."""

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import THREE, words

from freecalc import cumulant_to_moments, cumulants_to_moments, expand, moments_to_cumulants
from freecalc.combinatorics.noncrossing import catalan
from freecalc.free.atoms import Cumulant, Trace


def test_univariate_round_trip_symbolic():
    k = sympy.symbols("k1:9")
    m = cumulants_to_moments(k)
    assert [sympy.expand(x) for x in moments_to_cumulants(m)] == list(k)
    m_sym = sympy.symbols("m1:9")
    assert [sympy.expand(x) for x in cumulants_to_moments(moments_to_cumulants(m_sym))] == list(m_sym)


def test_semicircle_and_free_poisson_oracles():
    # semicircle: kappa_2 = 1 only; moments Catalan at even orders (OEIS A000108)
    m = cumulants_to_moments([0, 1] + [0] * 8)
    assert m == [0 if n % 2 else catalan(n // 2) for n in range(1, 11)]
    # free Poisson rate lam: all cumulants lam; m_n is the Narayana polynomial (OEIS A001263 rows)
    lam = sympy.Symbol("lam")
    m = cumulants_to_moments([lam] * 4)
    assert sympy.expand(m[3] - (lam + 6 * lam**2 + 6 * lam**3 + lam**4)) == 0
    # cumulants of the moments 1, 2, 5, 14 (Catalan) are those of the free Poisson of rate 1
    assert moments_to_cumulants([1, 2, 5, 14, 42]) == [1, 1, 1, 1, 1]


@settings(max_examples=40, deadline=None)
@given(words(THREE, min_size=1, max_size=7))
def test_multivariate_moments_to_cumulants_to_moments_is_identity(word):
    raw = expand(word, THREE)
    in_cumulants = expand(word, THREE, "cumulants")
    back = in_cumulants.xreplace({c: cumulant_to_moments(c.arguments) for c in in_cumulants.atoms(Cumulant)})
    assert sympy.expand(back - raw) == 0


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 6))
def test_cumulants_of_free_variables_vanish_when_mixed(n):
    """Freeness is the vanishing of mixed cumulants (Nica & Speicher, Theorem 11.16)."""
    args = ["A", "R"] * (n // 2) + ["A"] * (n % 2)
    mixed = cumulant_to_moments(args)
    # in terms of moments of the free families, via the engine:
    closed = mixed.xreplace({t: expand(t.word, ["A", "R"]) for t in mixed.atoms(Trace)})
    assert sympy.expand(closed) == 0


def _law_moments(atom_word, laws):
    """tr(X^j) for a single-letter atom, from a dict letter -> list of moments."""
    letter = atom_word[0]
    return laws[letter][len(atom_word) - 1]


def test_r_transform_is_additive_for_free_sums_computed_by_the_engine():
    from freecalc import r_transform_series

    laws = {"A": cumulants_to_moments([1, 2, 0, 1, 3, 1]), "B": cumulants_to_moments([2, 1, 1, 0, 2, 5])}
    sums = []
    for n in range(1, 7):
        expr = expand(f"tr((A + B)^{n})", ["A", "B"])
        sums.append(expr.xreplace({t: _law_moments(t.word, laws) for t in expr.atoms(Trace)}))
    assert r_transform_series(moments_to_cumulants(sums)) == [3, 3, 1, 1, 5, 6]


def test_s_transform_is_multiplicative_for_free_products_computed_by_the_engine():
    from freecalc import s_transform_series

    lam = sympy.Rational(3, 2)
    laws = {"A": cumulants_to_moments([lam] * 5), "B": cumulants_to_moments([1, 2, 1, 3, 1])}
    products = []
    for n in range(1, 6):
        expr = expand(f"tr((A B)^{n})", ["A", "B"])
        products.append(expr.xreplace({t: _law_moments(t.word, laws) for t in expr.atoms(Trace)}))
    s_ab = s_transform_series(products)
    s_a, s_b = s_transform_series(laws["A"]), s_transform_series(laws["B"])
    product = [sum(s_a[i] * s_b[k - i] for i in range(k + 1)) for k in range(5)]
    assert [sympy.simplify(x - y) for x, y in zip(s_ab, product, strict=True)] == [0] * 5
    # free Poisson of rate lam: S(z) = 1 / (z + lam) (Nica & Speicher, Lecture 18)
    z = sympy.Symbol("z")
    expected = sympy.series(1 / (z + lam), z, 0, 5).removeO()
    assert [sympy.simplify(s_a[k] - expected.coeff(z, k)) for k in range(5)] == [0] * 5
