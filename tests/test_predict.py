"""Predictions on the built-in data sets against sampled networks, the shared-product trace evaluator,
and the sweep of Figure 3 at reduced size."""

import csv
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from freecalc.datasets import make_dataset
from freecalc.errors import ParameterError
from freecalc.numeric.evaluate import MatrixTraces, word_trace
from freecalc.quadratic.network import sample_network, velocity_cnfc
from freecalc.quadratic.predict import DataStatistics, predict
from freecalc.quadratic.sweep import run_sweep, write_sweep


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from("ABC"), min_size=1, max_size=9), st.integers(0, 1000))
def test_shared_product_traces_equal_plain_products(word, seed):
    """Memoised split evaluation (with transposes of reversed words) vs the left-to-right product."""
    rng = np.random.default_rng(seed)
    mats = {}
    for name in "ABC":
        m = rng.standard_normal((7, 7))
        mats[name] = m + m.T
    symmetric, general = MatrixTraces(mats, symmetric=True), MatrixTraces(mats)
    expected = word_trace(mats, tuple(word))
    for traces in (symmetric, general):
        traces.word_value(("A", "B", "C", "A"))  # a warm cache changes the split, never the value
        assert traces.word_value(tuple(word)) == pytest.approx(expected, rel=1e-9, abs=1e-9)


DATASET_CHOICES = [
    ("alignment-reversing", {"balance": 0.2}),
    ("alignment-reversing", {"balance": 0.9}),
    ("isotropic", {"labels": "noise"}),
    ("isotropic", {"labels": "quadratic"}),
    ("power-law", {"alpha": 0.5}),
    ("power-law", {"alpha": 2.0, "labels": "noise"}),
    ("chain-monomial", {"rank": 5}),
]


def tolerance(size: int) -> float:
    """|predicted - observed| allowed at n = d = k = size: 20 / d.

    Measured worst gaps over these data sets (8 seeds each, both correlations): 0.090 at d = 100 (tolerance
    0.2), 0.058 at d = 200 (tolerance 0.1); over the default sweep at d = 1024, 0.014 (tolerance 0.0195).
    The gap is the O(1/sqrt d) fluctuation of one network plus O(1/d) bias.
    """
    return 20.0 / size


@settings(max_examples=12, deadline=None)
@given(st.sampled_from(DATASET_CHOICES), st.sampled_from(["cosine", "pearson"]), st.sampled_from([100, 200]),
       st.integers(0, 10_000))
def test_prediction_agrees_with_the_sampled_network(choice, kind, size, seed):
    """Closed form with this network's R moments vs the network itself, within ``tolerance(d)``."""
    name, options = choice
    data = make_dataset(name, n=size, d=size, seed=seed, **options)
    net = sample_network(size, size, seed=seed + 1)
    predicted = predict(data.X, data.y, k=size, r_source="empirical", network=net, kind=kind).predicted
    observed = velocity_cnfc(net, data.X, data.y, kind=kind)
    assert abs(predicted - observed) < tolerance(size), (name, options, kind, predicted, observed)


def test_prediction_gap_shrinks_as_size_grows():
    """Mean |predicted - observed| over 6 seeds on alignment-reversing data: d = 64 versus d = 384."""
    means = {}
    for size in (64, 384):
        gaps = []
        for seed in range(6):
            data = make_dataset("alignment-reversing", n=size, d=size, seed=seed, balance=0.6)
            net = sample_network(size, size, seed=100 + seed)
            pred = predict(data.X, data.y, k=size, r_source="empirical", network=net).predicted
            gaps.append(abs(pred - velocity_cnfc(net, data.X, data.y)))
        means[size] = np.mean(gaps)
    assert means[384] < 0.5 * means[64], means


def test_statistics_reuse_gives_the_same_prediction():
    data = make_dataset("power-law", n=80, d=60, seed=1, alpha=1.0)
    stats = DataStatistics(data.X, data.y, "pearson")
    moments = sample_network(60, 90, seed=2).r_moments()
    direct = predict(data.X, data.y, k=90, moments=moments, kind="pearson")
    assert stats.predict(moments).predicted == pytest.approx(direct.predicted, rel=1e-12)
    with pytest.raises(ParameterError):
        predict(data.X, data.y, k=90, network=sample_network(60, 91, seed=0))


def test_sweep_at_reduced_size_writes_files(tmp_path):
    result = run_sweep([0.2, 0.6, 1.0], [0, 1], n=128, d=128, k=128)
    assert len(result.points) == 6
    summary = result.summary()
    assert summary["mean_abs_error_empirical"] < 0.05 and summary["max_abs_error_analytic"] < 0.1
    paths = write_sweep(result, tmp_path / "out")
    rows = list(csv.DictReader(paths[0].open()))
    assert len(rows) == 6 and float(rows[0]["balance"]) == 0.2
    payload = json.loads(paths[1].read_text())
    assert payload["summary"]["points"] == 6 and payload["settings"]["k"] == 128
    assert paths[2].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    before = paths[0].read_bytes()
    with pytest.raises(ParameterError, match="exists"):
        write_sweep(result, tmp_path / "out")
    assert paths[0].read_bytes() == before
    with pytest.raises(ParameterError):
        run_sweep([0.0], [0], n=16, d=16, k=16)


def test_analytic_r_moments_beyond_the_stored_orders_come_from_the_engine():
    """Past the stored orders the engine's polynomials in d/k: the same first moments as the stored ones,
    and for a readout with a^2 = 1 (R = W^T W, W k x d with N(0, 1/k) entries) the moments of the
    Marchenko-Pastur law of ratio d/k, sum_j N(p, j) (d/k)^(j-1) with the Narayana numbers
    N(p, j) = C(p, j) C(p, j-1) / p (Nica & Speicher, Lectures on the Combinatorics of Free Probability,
    Lecture 12)."""
    from math import comb

    from freecalc.quadratic.predict import r_moments
    from freecalc.quadratic.stored_forms import R_MOMENTS

    d, k, order = 30, 20, R_MOMENTS + 1
    for law in ("gaussian", "rademacher"):
        engine, stored = r_moments("analytic", d, k, order=order, a_law=law), r_moments(
            "analytic", d, k, order=R_MOMENTS, a_law=law)
        assert len(engine) == order and np.allclose(engine[:R_MOMENTS], stored, rtol=1e-12)
    ratio = d / k
    marchenko_pastur = [sum(comb(p, j) * comb(p, j - 1) // p * ratio ** (j - 1) for j in range(1, p + 1))
                        for p in range(1, order + 1)]
    assert np.allclose(r_moments("analytic", d, k, order=order, a_law="rademacher"), marchenko_pastur,
                       rtol=1e-12)
    for source in ("analytic", "exact", "empirical", "average:2"):
        for sizes in ((0, 5), (5, 0)):
            with pytest.raises(ParameterError, match="positive"):
                r_moments(source, *sizes)
