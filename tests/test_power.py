"""Tests that see a 1% error: every C-NFC closed form, the predicted correlation (cosine and Pearson), and the
law of R, each against an independent route at high precision.

* C-NFC closed forms (free engine, Theorem 14.4 recursion) against the exact Weingarten average (a second
  algorithm: sums over S_n, Collins & Sniady 2006) in the limit N -> oo, symbolically: any change of any
  coefficient fails.
* The predicted correlation against a re-implementation in the test: the closed forms evaluated by sympy on
  data traces computed with plain numpy products, and the correlation formulas written out (cosine, and
  Pearson over the d^2 entries with the entry means tr(G P), P = 1 1^T / d); agreement to 1e-9.
* The correlation formulas themselves against numpy on explicit matrices G, H.
* The limit law of R (kappa_p = c^(p-1) E[a^(2p)]) against the limit of the exact finite-k, d moments from
  the Wick engine (Isserlis' theorem), symbolically.
"""

import numpy as np
import pytest
import sympy

from freecalc.free.atoms import Trace
from freecalc.gaussian.atoms import DIM, K
from freecalc.haar.traces import SIZE, finite_size_poly
from freecalc.quadratic.predict import predict
from freecalc.quadratic.rlaw import exact_r_moments, network_r_moments
from freecalc.quadratic.words import CNFC_TRACES, FAMILIES, cnfc_closed_forms, correlation_from_traces


@pytest.mark.parametrize("name", list(CNFC_TRACES))
def test_cnfc_closed_forms_equal_the_limit_of_the_exact_weingarten_average(name):
    free = cnfc_closed_forms()[name]
    exact = finite_size_poly(CNFC_TRACES[name], FAMILIES, size=SIZE)
    limit = {m: sympy.limit(c, SIZE, sympy.oo) if isinstance(c, sympy.Expr) else sympy.Rational(c.numerator,
                                                                                                  c.denominator)
             for m, c in exact.items()}
    from freecalc.free.atoms import poly_to_sympy

    limit_expr = sympy.Add(*(v * poly_to_sympy({m: 1}) for m, v in limit.items() if v != 0))
    assert sympy.expand(limit_expr - free) == 0


def _plain_trace(mats, word):
    out = np.eye(next(iter(mats.values())).shape[0])
    for letter in word:
        out = out @ mats[letter]
    return np.trace(out) / out.shape[0]


def _reference_prediction(X, y, moments, kind):
    """The prediction rebuilt in the test: sympy substitution of plain numpy traces into the closed forms."""
    d = X.shape[1]
    mats = {"C": X.T @ (y[:, None] * X), "B": X.T @ X, "P": np.full((d, d), 1.0 / d)}
    values = {}
    for name, form in cnfc_closed_forms().items():
        subs = {}
        for atom in form.free_symbols:
            assert isinstance(atom, Trace)
            word = atom.word
            subs[atom] = moments[len(word) - 1] if set(word) == {"R"} else _plain_trace(mats, word)
        values[name] = float(form.xreplace(subs))
    gh, gg, hh = values["numerator"], values["nfm_square"], values["agop_square"]
    if kind == "cosine":
        return gh / np.sqrt(gg * hh)
    gm, hm = values["nfm_mean"], values["agop_mean"]
    # Pearson over entries: sum (G_ij - mean G)(H_ij - mean H) with mean G = sum_ij G_ij / d^2 = tr(G P) / d,
    # so in normalized traces: tr(GH) - d tr(GP) tr(HP), and likewise for the squares.
    return (gh - d * gm * hm) / np.sqrt((gg - d * gm**2) * (hh - d * hm**2))


@pytest.mark.parametrize("kind", ["cosine", "pearson"])
@pytest.mark.parametrize("seed", [0, 1])
def test_predicted_correlation_equals_an_independent_evaluation(kind, seed):
    rng = np.random.default_rng(seed)
    n, d = 70, 30
    X = rng.standard_normal((n, d)) @ np.diag(rng.uniform(0.3, 1.7, d)) / np.sqrt(d)
    y = rng.standard_normal(n) + 0.3
    moments = np.array([1.0, 2.3, 7.1, 27.0])
    ours = predict(X, y, k=40, moments=moments, kind=kind).predicted
    assert ours == pytest.approx(_reference_prediction(X, y, moments, kind), rel=1e-9)


@pytest.mark.parametrize("kind", ["cosine", "pearson"])
def test_correlation_formulas_equal_numpy_on_explicit_matrices(kind):
    rng = np.random.default_rng(3)
    d = 9
    G, H = rng.standard_normal((d, d)), rng.standard_normal((d, d))
    G, H = G @ G.T + 0.5, H @ H.T - 0.2  # symmetric, with non-zero entry means
    P = np.full((d, d), 1.0 / d)
    traces = {"numerator": np.trace(G @ H) / d, "nfm_square": np.trace(G @ G) / d,
              "agop_square": np.trace(H @ H) / d, "nfm_mean": np.trace(G @ P) / d,
              "agop_mean": np.trace(H @ P) / d}
    if kind == "cosine":
        expected = np.sum(G * H) / np.sqrt(np.sum(G * G) * np.sum(H * H))
    else:
        expected = np.corrcoef(G.ravel(), H.ravel())[0, 1]
    assert correlation_from_traces(traces, kind, d) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("law", ["gaussian", "rademacher", "uniform"])
def test_limit_law_of_r_is_the_limit_of_the_exact_moments(law):
    c = sympy.Symbol("c", positive=True)
    exact = exact_r_moments(4, law)
    limits = [sympy.limit(m.subs(K, DIM / c), DIM, sympy.oo) for m in exact]
    for p, (limit, free) in enumerate(zip(limits, network_r_moments(4, c, law), strict=True), start=1):
        assert sympy.simplify(limit - free) == 0, (p, limit, free)


def test_readout_laws_defaults_and_error_messages():
    """Odd moments vanish; defaults are the paper's (Gaussian a, cosine); errors name the problem."""
    from freecalc.errors import ParameterError
    from freecalc.quadratic.readout import readout_law, sample_readout
    from freecalc.quadratic.rlaw import evaluate_exact_r_moments, network_r_cumulants
    from freecalc.quadratic.words import expected_velocity_grams, neuron_index_split

    for law in ("gaussian", "rademacher", "uniform"):
        assert [readout_law(law).moment(p) for p in (0, 1, 3, 5)] == [1, 0, 0, 0]
    rng = np.random.default_rng(0)
    signs = sample_readout(4000, "rademacher", rng)
    assert set(np.unique(signs)) == {-1.0, 1.0} and abs(signs.mean()) < 0.1
    assert network_r_moments(3, 2) == network_r_moments(3, 2, "gaussian")
    assert evaluate_exact_r_moments(2, 5, 3) == evaluate_exact_r_moments(2, 5, 3, "gaussian")
    traces = {"numerator": 1.0, "nfm_square": 2.0, "agop_square": 3.0}
    assert correlation_from_traces(traces) == correlation_from_traces(traces, "cosine")
    laws = "gaussian, rademacher, uniform"
    with pytest.raises(ParameterError, match=f"^unknown law of a 'cauchy'; choose one of {laws}$"):
        readout_law("cauchy")
    with pytest.raises(ParameterError, match="^the ratio d/k must be positive$"):
        network_r_cumulants(2, 0)
    with pytest.raises(ValueError, match="^pearson needs the dimension d$"):
        correlation_from_traces(traces, "pearson")
    with pytest.raises(ValueError, match="unknown correlation 'spearman'"):
        correlation_from_traces(traces, "spearman")
    split = "^the expression is not a combination of E\\[a\\^4\\] and E\\[a\\^2\\]\\^2 terms$"
    with pytest.raises(ValueError, match=split):
        neuron_index_split(sympy.Symbol("x"))
    s2 = sympy.Symbol("s2", positive=True)
    kept = expected_velocity_grams(variance="s2")
    assert all(s2 in form.free_symbols for form in kept.values())


def test_free_laws_against_their_moment_oracles():
    """Semicircle: Catalan numbers at even orders (OEIS A000108); free Poisson of rate lam: Narayana
    polynomials (A001263); compound free Poisson with a point-mass jump law is free Poisson with a jump size
    (Nica & Speicher, Proposition 12.11)."""
    from freecalc.free.cumulants import cumulants_to_moments
    from freecalc.free.laws import (
        compound_free_poisson_cumulants,
        free_poisson_cumulants,
        semicircle_cumulants,
    )

    assert cumulants_to_moments(semicircle_cumulants(8)) == [0, 1, 0, 2, 0, 5, 0, 14]
    assert cumulants_to_moments(semicircle_cumulants(4, 3)) == [0, 3, 0, 18]
    assert semicircle_cumulants(1) == [0] and semicircle_cumulants(0) == []
    assert semicircle_cumulants(2) == [0, 1]
    lam = sympy.Symbol("lam")
    moments = [sympy.expand(m) for m in cumulants_to_moments(free_poisson_cumulants(4, lam))]
    assert moments[3] == sympy.expand(lam + 6 * lam**2 + 6 * lam**3 + lam**4)
    assert free_poisson_cumulants(3, 2, 3) == [6, 18, 54]
    assert compound_free_poisson_cumulants(2, [3, 9, 27]) == free_poisson_cumulants(3, 2, 3)


def test_limit_moments_of_r_are_exact_whatever_the_type_of_the_ratio():
    """With a^2 = 1 the limit law of R is Marchenko-Pastur's: m_p = sum_j N(p, j) c^(j-1), with the Narayana
    numbers N(p, j) = C(p, j) C(p, j-1) / p (Nica & Speicher, Lectures on the Combinatorics of Free
    Probability, Lecture 12), exactly, for c given as a Fraction, an int, a float, a sympy Rational or Float,
    or a symbol: floats become the rationals they stand for, exact input stays as it is."""
    from fractions import Fraction
    from math import comb

    c = sympy.Symbol("c", positive=True)

    def marchenko_pastur(p: int, ratio) -> sympy.Expr:
        return sum(sympy.Rational(comb(p, j) * comb(p, j - 1), p) * ratio ** (j - 1) for j in range(1, p + 1))

    cases = [(Fraction(1, 3), sympy.Rational(1, 3)), (2, sympy.Integer(2)), (0.25, sympy.Rational(1, 4)),
             (sympy.Float(0.5), sympy.Rational(1, 2)), (sympy.Rational(7, 5), sympy.Rational(7, 5)), (c, c)]
    for given, ratio in cases:
        moments = network_r_moments(8, given, "rademacher")
        assert not any(m.has(sympy.Float) for m in moments), given
        differences = [sympy.expand(m - marchenko_pastur(p, ratio)) for p, m in enumerate(moments, start=1)]
        assert differences == [0] * 8, given
