"""Exact E[Wdot^T Wdot] and E[Wdot^T K Wdot] (Proposition 8) against sampled networks and known identities."""

import numpy as np
import pytest
import sympy

from freecalc.derive.proposition8 import PAPER_AGOP
from freecalc.errors import ParameterError
from freecalc.gaussian.atoms import K, matrix_symbol, moment_symbol, trace_symbol
from freecalc.gaussian.wick import wick_expectation
from freecalc.numeric.wick_values import evaluate_wick
from freecalc.quadratic.network import sample_velocity_grams
from freecalc.quadratic.readout import readout_law
from freecalc.quadratic.words import expected_velocity_grams, neuron_index_split


def small_data(seed: int, n: int = 5, d: int = 3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = rng.standard_normal(n)
    return X, y, {"C": X.T @ (y[:, None] * X), "B": X.T @ X}


@pytest.mark.parametrize(("law", "k"), [("gaussian", 3), ("rademacher", 2), ("uniform", 4)])
def test_exact_grams_match_sampled_networks(law, k):
    """Batch means over 200,000 networks (formed from J and Wdot, not from C R B R C) within 4.5 stderr."""
    X, y, mats = small_data(seed=k)
    exact = expected_velocity_grams(a_moments=law, paper_scale=False)
    draws = sample_velocity_grams(X, y, k, 200_000, a_law=law, seed=5)
    for name, (mean, se) in (("nfm", draws.nfm_estimate()), ("agop", draws.agop_estimate())):
        value = evaluate_wick(exact[name], mats, k=k)
        assert np.all(np.abs(mean - value) <= 4.5 * se), (name, np.max(np.abs(mean - value) / se))


def test_sampled_networks_reject_the_printed_proposition():
    """At k = 3 the printed 3 Tr(B) C^2 + 6 C B C (times 16) is far outside the Monte Carlo error."""
    X, y, mats = small_data(seed=1)
    printed = evaluate_wick(16 * PAPER_AGOP, mats, k=3)
    mean, se = sample_velocity_grams(X, y, 3, 100_000, seed=2).agop_estimate()
    assert np.max(np.abs(mean - printed) / se) > 20


def test_one_neuron_is_the_gaussian_fourth_moment_identity():
    """k = 1: R = a^2 w w^T and E[w w^T B w w^T] = Tr(B) I + 2 B for w ~ N(0, I) (Isserlis), so
    E[C R B R C] = E[a^4] (Tr(B) C^2 + 2 C B C); the printed form is exactly this with E[a^4] = 3."""
    agop = expected_velocity_grams()["agop"].subs(K, 1)
    m4 = moment_symbol(4)
    C, B = matrix_symbol("C"), matrix_symbol("B")
    expected = m4 * (trace_symbol("B") * C**2 + 2 * C * B * C)
    assert sympy.expand(agop - expected) == 0
    assert sympy.expand(agop.subs(m4, 3) - PAPER_AGOP) == 0


def test_cross_neuron_terms_are_the_leading_order():
    """Split by neuron indices: the s1 != s2 part is E[a^2]^2 (1 - 1/k) C B C and does not vanish."""
    same, cross = neuron_index_split(expected_velocity_grams()["agop"])
    C, B = matrix_symbol("C"), matrix_symbol("B")
    assert sympy.expand(cross - moment_symbol(2) ** 2 * (1 - 1 / K) * C * B * C) == 0
    assert sympy.limit(sympy.expand(same * K).coeff(C * B * C), K, sympy.oo) != 0  # O(1/k) same-neuron part


def test_split_and_evaluation_errors():
    with pytest.raises(ValueError):
        neuron_index_split(wick_expectation("W' D^3 W"))
    with pytest.raises(ParameterError):
        form = wick_expectation("W' D^2 W M", a_moments=readout_law("gaussian").moment)
        evaluate_wick(form, {"C": np.eye(2)}, k=2)
    with pytest.raises(ParameterError):
        evaluate_wick(wick_expectation("W' D^2 W"), {"C": np.eye(2)}, k=2)  # E[a^2] has no value


def test_evaluation_of_scalar_and_transposed_forms():
    """tr(E[R] M) = E[a^2] tr(M) (k s2 = 1); at k = 1, E[w w^T M w w^T] = Tr(M) I + M + M^T for w ~ N(0, I)
    and any M (Isserlis), so E[R M R] = 3 (Tr(M) I + M + M^T) for Gaussian a."""
    M = np.arange(9.0).reshape(3, 3)
    value = evaluate_wick(wick_expectation("tr(W' D^2 W M)", symmetric=False), {"M": M}, k=4,
                          moments={2: 2.0})
    assert value == pytest.approx(2.0 * np.trace(M) / 3)
    rmr = wick_expectation("W' D^2 W M W' D^2 W", symmetric=False, a_moments=readout_law("gaussian").moment)
    expected = 3 * (np.trace(M) * np.eye(3) + M + M.T)
    np.testing.assert_allclose(evaluate_wick(rmr, {"M": M}, k=1), expected)
