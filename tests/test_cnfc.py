"""The law of R, the engine-generated C-NFC closed forms, and predictions against sampled networks."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from freecalc import expand, moments_to_cumulants
from freecalc.errors import DataError, ParameterError
from freecalc.quadratic.predict import predict, r_moments
from freecalc.quadratic.readout import a_squared_moment
from freecalc.quadratic.rlaw import network_r_cumulants, network_r_moments
from freecalc.quadratic.words import FAMILIES, cnfc_closed_forms, correlation_from_traces


def sampled_moments(d, k, networks, seed, law="gaussian", order=4):
    draws = [r_moments("empirical", d, k, a_law=law, seed=seed + i, order=order) for i in range(networks)]
    return np.array(draws)


@pytest.mark.parametrize(
    "d, k, law",
    [(300, 300, "gaussian"), (200, 400, "gaussian"), (300, 150, "rademacher"), (300, 300, "uniform")],
)
def test_analytic_r_moments_match_sampled_networks(d, k, law):
    """kappa_p(R) = c^(p-1) E[a^(2p)]: moments agree with 20 sampled networks within 4 stderr + 3/d."""
    samples = sampled_moments(d, k, 20, seed=11, law=law)
    mean, se = samples.mean(0), samples.std(0, ddof=1) / np.sqrt(len(samples))
    exact = np.array([float(m) for m in network_r_moments(4, sympy.Rational(d, k), law)])
    assert np.all(np.abs(mean - exact) <= 4 * se + 3 * exact / d), (mean, exact, se)


def test_r_cumulants_recovered_from_sampled_moments():
    """Free cumulants of each sampled network's moments: kappa_p -> E[a^(2p)] at c = 1, within 4 stderr.

    p <= 3: kappa_3 = E[a^6] = 15 is an average of a^6 over the k readout weights (relative stderr ~ 10% per
    network at k = 400), so the tolerance comes from the spread over networks, not a fixed percentage.
    """
    samples = sampled_moments(400, 400, 12, seed=3, order=3)
    kappas = np.array([[float(x) for x in moments_to_cumulants(list(row))] for row in samples])
    mean, se = kappas.mean(0), kappas.std(0, ddof=1) / np.sqrt(len(kappas))
    expected = np.array([float(a_squared_moment("gaussian", p)) for p in range(1, 4)])
    assert np.all(np.abs(mean - expected) <= 4 * se + 3 * expected / 400), (mean, se)
    assert np.all(se < 0.2 * expected)  # the test has power: the spread is well below the values
    assert network_r_cumulants(2, 2) == [1, 6]  # c = 2: kappa_2 = c E[a^4] = 6


def test_closed_forms_come_from_the_engine_and_match_the_paper():
    forms = cnfc_closed_forms()
    # eq. (18) with A = C^2 (paper Appendix E), typed from the paper, not from the engine
    eq18 = ("tr(C^2)^2 tr(B) tr(R^3) + 2 tr(C^2) tr(R^2) tr(R) tr(bar(C^2) bar(B))"
            " + tr(B) tr(R) tr(R^2) tr(bar(C^2)^2) + tr(R)^3 tr(bar(C^2)^2 bar(B))")
    assert sympy.expand(forms["numerator"] - expand(eq18, FAMILIES)) == 0


def direct_traces(X, y, W, a):
    """The three traces computed directly from a sampled network, no free probability."""
    J = 2 * (X @ W.T) * a
    Wd = J.T @ (y[:, None] * X)
    G = Wd.T @ Wd
    JW = J @ Wd
    H = JW.T @ JW
    d = X.shape[1]
    return np.sum(G * H) / d, np.sum(G * G) / d, np.sum(H * H) / d


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([0.5, 1.0, 2.0]))
def test_prediction_equals_direct_evaluation_for_large_width(seed, ratio):
    """Closed form with this network's R-moments vs the three traces computed directly (d = 150)."""
    rng = np.random.default_rng(seed)
    d = 150
    n, k = int(d * ratio), int(d * 2)
    X = rng.standard_normal((n, d)) / np.sqrt(d) @ np.diag(rng.uniform(0.5, 1.5, d))
    y = rng.choice([-1.0, 1.0], n) + 0.2
    W = rng.standard_normal((k, d)) / np.sqrt(k)
    a = rng.standard_normal(k)
    eigen = np.linalg.eigvalsh((W.T * a**2) @ W)
    moments = np.array([np.mean(eigen**p) for p in range(1, 5)])
    pred = predict(X, y, k=k, moments=moments)
    num, gg, hh = direct_traces(X, y, W, a)
    observed = num / np.sqrt(gg * hh)
    # the constant of Wdot^T Wdot = 4 CRC: a wrong constant would be off by a factor >= 4; single traces
    # carry O(1/d) finite-size errors of up to ~20% at d = 150, the correlation far less
    assert abs(pred.traces["nfm_square"] * 16 / gg - 1) < 0.3
    assert abs(pred.predicted - observed) < 0.05, (pred.predicted, observed)


def test_prediction_error_shrinks_with_size():
    errors = {}
    for d in (60, 360):
        gaps = []
        for seed in range(4):
            rng = np.random.default_rng(seed)
            X = rng.standard_normal((d, d)) / np.sqrt(d) @ np.diag(np.linspace(0.3, 2.0, d))
            y = np.sign(X[:, 0] + 0.5 * rng.standard_normal(d))
            W = rng.standard_normal((d, d)) / np.sqrt(d)
            a = rng.standard_normal(d)
            num, gg, hh = direct_traces(X, y, W, a)
            pred = predict(X, y, k=d, r_source="analytic")
            gaps.append(abs(pred.predicted - num / np.sqrt(gg * hh)))
        errors[d] = np.mean(gaps)
    assert errors[360] < errors[60], errors


def test_pearson_and_cosine_and_bad_input():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 40))
    y = rng.choice([0.0, 1.0], 80)
    p = predict(X, y, k=60, kind="pearson")
    assert -1 <= p.predicted <= 1 and set(p.traces) >= {"nfm_mean", "agop_mean"}
    with pytest.raises(ParameterError):
        predict(X, y, k=60, r_source="bogus")
    with pytest.raises(ParameterError):
        predict(X, y, k=60, r_source="average:x")
    with pytest.raises(DataError):
        predict(X, y[:-1], k=60)
    with pytest.raises(DataError):
        predict(np.full_like(X, np.nan), y, k=60)
    with pytest.raises(DataError, match="all zero"):
        predict(X, np.zeros_like(y), k=60)
    # d = 1: the entries of a 1 x 1 matrix have no spread, so Pearson is undefined; cosine is not
    constant = {"numerator": 1.0, "nfm_square": 1.0, "agop_square": 1.0, "nfm_mean": 1.0, "agop_mean": 1.0}
    with pytest.raises(DataError, match="undefined"):
        correlation_from_traces(constant, "pearson", 1)
    assert correlation_from_traces(constant, "cosine") == 1.0


def test_exact_r_moments_by_hand_and_against_sampled_networks():
    """E tr R^2 = 1 + 3c + 5/k for Gaussian a (by hand: sum_{i,j} E[a_i^2 a_j^2] E[(w_i . w_j)^2] / (d k^2));
    all four moments against 20,000 small networks within 4 standard errors, where the limit law is off."""
    from freecalc.gaussian.atoms import DIM, K
    from freecalc.quadratic.rlaw import exact_r_moments

    second = exact_r_moments(2)[1]
    assert sympy.simplify(second - (1 + 3 * DIM / K + 5 / K)) == 0
    d, k = 6, 3
    for law in ("gaussian", "rademacher"):
        draws = sampled_moments(d, k, 20_000, seed=7, law=law)
        mean, se = draws.mean(0), draws.std(0, ddof=1) / np.sqrt(len(draws))
        exact = r_moments("exact", d, k, a_law=law)
        limit = r_moments("analytic", d, k, a_law=law)
        assert np.all(np.abs(mean - exact) <= 4 * se), (law, mean, exact, se)
        assert np.any(np.abs(mean - limit) > 6 * se)  # the test can tell exact from the limit
