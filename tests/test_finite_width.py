"""Tests of the finite-width C-NFC prediction by reduction to the data subspace."""

from __future__ import annotations

import numpy as np
import pytest

from freecalc.errors import DataError, FreecalcError, ParameterError
from freecalc.quadratic.finite_width import finite_width_prediction
from freecalc.quadratic.network import data_grams, sample_network, velocity_cnfc


def _observed(X, y, k, networks, kind="cosine"):
    grams = data_grams(X, y)
    return np.array([velocity_cnfc(sample_network(X.shape[1], k, seed=500 + i), X, y, kind=kind, grams=grams)
                     for i in range(networks)])


@pytest.mark.parametrize("kind", ["cosine", "pearson"])
def test_reduction_is_exact_for_low_rank_data(kind):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((6, 20)) * np.linspace(2.0, 0.5, 20)
    y = rng.standard_normal(6)
    fw = finite_width_prediction(X, y, k=10, kind=kind, draws=3000, max_rank=8, seed=1)
    assert fw.exact and fw.rank == 6 and fw.tail_share == 0.0 and fw.reliable
    observed = _observed(X, y, 10, 600, kind)
    se = np.hypot(observed.std(ddof=1) / np.sqrt(len(observed)), fw.mean_se)
    assert abs(fw.mean - observed.mean()) < 3.5 * se
    assert 0.8 < fw.sd / observed.std(ddof=1) < 1.25


def test_agrees_with_sampled_networks_when_truncated():
    from freecalc.datasets import make_dataset

    data = make_dataset("power-law", n=48, d=48, labels="chain", seed=2)
    fw = finite_width_prediction(data.X, data.y, k=48, draws=1500, max_rank=24, seed=0)
    assert not fw.exact and fw.rank == 24 and 0 < fw.tail_share < 0.05
    observed = _observed(data.X, data.y, 48, 400)
    se = np.hypot(observed.std(ddof=1) / np.sqrt(len(observed)), fw.mean_se)
    assert abs(fw.mean - observed.mean()) < 3 * se
    assert 0.75 < fw.sd / observed.std(ddof=1) < 4 / 3


def test_full_dimension_is_the_network_law():
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((30, 12)), rng.standard_normal(30)
    fw = finite_width_prediction(X, y, k=8, draws=2000, max_rank=16)
    assert fw.exact and fw.rank == 12
    observed = _observed(X, y, 8, 500)
    assert abs(fw.mean - observed.mean()) < 3.5 * np.hypot(observed.std(ddof=1) / np.sqrt(500), fw.mean_se)


@pytest.mark.parametrize("options, error", [
    ({"k": 0}, ParameterError), ({"k": 2.5}, ParameterError), ({"draws": 1}, ParameterError),
    ({"max_rank": 1}, ParameterError), ({"kind": "spearman"}, ParameterError),
    ({"a_law": "cauchy"}, ParameterError), ({"y": np.zeros(5)}, DataError),
    ({"X": np.ones((5, 3, 1))}, DataError), ({"y": np.ones(4)}, DataError),
    ({"X": np.full((5, 3), np.nan)}, DataError), ({"cross_tolerance": -1e-3}, ParameterError),
    ({"cross_tolerance": float("nan")}, ParameterError), ({"cross_tolerance": True}, ParameterError),
])
def test_bad_input_is_one_line(options, error):
    arguments = {"X": np.arange(15.0).reshape(5, 3), "y": np.arange(5.0) - 2, "k": 4, "draws": 10} | options
    X, y = arguments.pop("X"), arguments.pop("y")
    with pytest.raises(error) as caught:
        finite_width_prediction(X, y, **arguments)
    assert isinstance(caught.value, FreecalcError) and "\n" not in str(caught.value)


def test_predict_command_reports_finite_width_and_observed_spread():
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "freecalc", "predict", "--n", "64", "--d", "48", "--k", "40",
                          "--finite-width", "--observe", "--networks", "60", "--json"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("predicted_finite", "predicted_sd", "observed_mean", "observed_sd", "observed_se"):
        assert key in data
    assert data["networks"] == 60 and data["finite_width"]["exact"]
    # the finite-width mean is closer to the observed mean than the first-order prediction here (d = 48)
    assert abs(data["predicted_finite"] - data["observed_mean"]) <= 4 * data["observed_se"] + 0.01
    bad = subprocess.run([sys.executable, "-m", "freecalc", "predict", "--networks", "0"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_traces_of_words_in_the_sampled_part_are_the_k_by_k_traces():
    from freecalc.quadratic.reduced_draws import _Batch, _gram_powers

    rng = np.random.default_rng(11)
    s, k, q = 3, 7, 4
    L = rng.standard_normal((s, k, q))
    a2 = rng.random((s, k)) + 0.1
    sigma = {f: (lambda m: m + m.T)(rng.standard_normal((q, q))) for f in "MN"}
    tail = {"M": 0.7, "N": -0.4}
    K = _gram_powers(L, a2, 4)
    parts = _Batch(K, {g: np.sum(a2**g, axis=1) for g in range(1, 5)}, sigma, tail, {}, k)
    for i in range(s):
        A = np.diag(a2[i])
        F = {f: L[i] @ sigma[f] @ L[i].T + tail[f] * np.eye(k) for f in "MN"}
        for word in ("MM", "MNM", "NMNM", "N"):
            product = np.eye(k)
            for f in word:
                product = product @ A @ F[f]
            assert parts.word(word)[i] == pytest.approx(np.trace(product), rel=1e-10)
        items = (2, "M", 1, "N", 1)  # A^2 M A N A
        direct = np.trace(np.linalg.matrix_power(A, 2) @ F["M"] @ A @ F["N"] @ A)
        assert parts.trace(items)[i] == pytest.approx(direct, rel=1e-10)


def test_free_tail_gives_the_exact_mean_of_tr_amam():
    """E Tr(A M A M) = Tr(S^2) (1 + 5/k) + 3 Tr(S)^2 / k for M = W S W^T, Gaussian a (Wick's theorem)."""
    from freecalc.quadratic import reduced_draws as rd

    rng = np.random.default_rng(0)
    d, k = 60, 200
    X = rng.standard_normal((300, d)) * np.linspace(1, 0.3, d)
    y = np.sign(rng.standard_normal(300))
    C, B = X.T @ (y[:, None] * X), X.T @ X
    V = np.linalg.qr(rng.standard_normal((d, 2)))[0]  # almost everything in the tail
    values = rd.reduced_draws(C, B, V, k=k, draws=4000, rng=np.random.default_rng(1)).traces["nfm_square"] * d
    S = C @ C
    exact = np.trace(S @ S) * (1 + 5 / k) + 3 * np.trace(S) ** 2 / k
    assert abs(values.mean() - exact) < 3 * values.std() / np.sqrt(len(values))


def test_high_rank_data_with_a_free_tail_agree_with_sampled_networks():
    from freecalc.datasets import make_dataset

    data = make_dataset("isotropic", n=48, d=48, labels="quadratic", seed=3)
    fw = finite_width_prediction(data.X, data.y, k=48, draws=1500, max_rank=16, seed=0)
    assert not fw.exact and fw.tail_share > 0.1 and fw.reliable
    small = finite_width_prediction(data.X, data.y, k=48, draws=10, max_rank=4)
    assert not small.reliable  # share 0.6 over an effective rank of 13: measured 7 se off
    observed = _observed(data.X, data.y, 48, 400)
    se = np.hypot(observed.std(ddof=1) / np.sqrt(len(observed)), fw.mean_se)
    assert abs(fw.mean - observed.mean()) < 3 * se
    assert 0.75 < fw.sd / observed.std(ddof=1) < 4 / 3


def test_sweep_coverage_counts_observations_inside_the_band():
    from freecalc.quadratic.sweep import SweepPoint, SweepResult

    points = tuple(SweepPoint(0.5, seed, 0.9, 0.9, observed, 0.9, 0.01, True)
                   for seed, observed in enumerate((0.905, 0.885, 0.925, 0.85)))  # z = 0.5, -1.5, 2.5, -5
    summary = SweepResult(points, {}).summary()
    assert summary["coverage_1sd"] == 0.25 and summary["coverage_2sd"] == 0.5
    assert summary["mean_z"] == pytest.approx((0.5 - 1.5 + 2.5 - 5) / 4)
    assert SweepResult(points[:1], {}).columns[-3:] == ("predicted_finite", "predicted_sd", "finite_reliable")


def test_draws_in_several_batches_are_reproducible_and_independent(monkeypatch):
    from freecalc.quadratic import reduced_draws as rd

    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((40, 30)), np.sign(rng.standard_normal(40))
    C, B = X.T @ (y[:, None] * X), X.T @ X
    V = np.linalg.qr(rng.standard_normal((30, 6)))[0]
    monkeypatch.setattr(rd, "BATCH_ENTRIES", 2000)  # several batches, each from its own stream
    first, again = (rd.reduced_draws(C, B, V, k=12, draws=50, rng=np.random.default_rng(9)).values
                    for _ in range(2))
    assert np.array_equal(first, again)
    assert len(np.unique(first)) == len(first)  # no batch repeats another's draws


def test_tail_of_tr_amam_is_wicks_exact_value_for_each_readout():
    """With only tails (Sigma = 0), E Tr(A M A M | a) = t^2 sum a^4 + Tr(T^2) ((sum a^2)^2 + sum a^4) / k^2.

    Wick's theorem for M = W T W^T with rows of W i.i.d. N(0, I/k): E[E_ij^2] = Tr(T^2) / k^2 off the
    diagonal and 2 Tr(T^2) / k^2 on it (E = M - t I), an exact value to compare the non-crossing expansion
    (one pair, plus the real case's second pairing) with.
    """
    from freecalc.quadratic.reduced_draws import _Batch, tail_cumulants

    rng = np.random.default_rng(4)
    k, d, q = 9, 7, 2
    a2 = rng.random((3, k)) + 0.2
    full = {f: (lambda m: m @ m.T)(rng.standard_normal((d, d))) for f in "MN"}
    V = np.linalg.qr(rng.standard_normal((d, 1)))[0]
    cumulants = tail_cumulants(full, V)
    P = np.eye(d) - V @ V.T
    T = P @ full["M"] @ P
    tail = {"M": np.trace(T) / k, "N": 0.3}
    sums = {g: np.sum(a2**g, axis=1) for g in range(1, 5)}
    zero = {f: np.zeros((q, q)) for f in "MN"}
    K = {g: np.zeros((3, q, q)) for g in range(1, 5)}
    value = _Batch(K, sums, zero, tail, cumulants, k).word("MM")
    exact = tail["M"] ** 2 * sums[2] + np.trace(T @ T) * (sums[1] ** 2 + sums[2]) / k**2
    assert np.allclose(value, exact, rtol=1e-12)
    assert cumulants["MN"] == pytest.approx(np.trace(T @ P @ full["N"] @ P))


def test_cross_root_keeps_the_covariance_and_bounds_what_it_drops():
    from freecalc.quadratic.reduced_draws import cross_root

    rng = np.random.default_rng(4)
    d, r = 40, 5
    spectrum = np.logspace(0, -4, d)[:, None]
    outside = np.hstack([rng.standard_normal((d, r)) * spectrum * 100,  # blocks of very different scales
                         rng.standard_normal((d, r)) * spectrum[::-1] * 1e-3, rng.standard_normal((d, 1))])
    scales = (300.0, 3e-3, 7.0)
    full = cross_root(outside, (r, r, 1), scales, 0.0)
    np.testing.assert_allclose(full @ full.T, outside.T @ outside, rtol=1e-9, atol=1e-12 * 100**2)
    for tolerance in (1e-6, 1e-3, 1e-1):
        root = cross_root(outside, (r, r, 1), scales, tolerance)
        assert root.shape[1] < full.shape[1] or tolerance < 1e-2
        for block, scale in zip((slice(0, r), slice(r, 2 * r), slice(2 * r, None)), scales, strict=True):
            dropped = np.linalg.norm(outside[:, block]) ** 2 - np.linalg.norm(root[block]) ** 2
            assert -1e-9 * scale**2 <= dropped <= tolerance * scale**2
    assert cross_root(outside, (r, r, 1), scales, 1e9).shape[1] == 0


def test_leaving_out_minor_cross_directions_moves_the_prediction_little():
    """The draws share their random numbers across tolerances, so the shifts are the truncation's own."""
    from freecalc.datasets import make_dataset

    data = make_dataset("power-law", n=64, d=64, labels="chain", seed=3)
    means = {tol: finite_width_prediction(data.X, data.y, k=64, draws=500, max_rank=8,
                                          cross_tolerance=tol).mean for tol in (0.0, 1e-3, np.inf)}
    none, default = means[np.inf] - means[0.0], means[1e-3] - means[0.0]
    assert abs(none) > 2e-4  # the cross part matters here (0.55 se of 400 networks)
    assert abs(default) < 0.25 * abs(none)


def test_tail_cumulants_are_the_traces_of_every_word():
    """Tr(T_w1 ... T_wn) for all 28 words of length 2 to 4, against products formed directly."""
    from itertools import product

    from freecalc.quadratic.reduced_draws import tail_cumulants

    rng = np.random.default_rng(12)
    d = 30
    full = {f: (lambda m: m @ m.T)(rng.standard_normal((d, d))) for f in "MN"}
    full["N"] = full["N"] - 2 * np.eye(d) * np.trace(full["N"]) / d  # signs mixed: cancellations show
    V = np.linalg.qr(rng.standard_normal((d, 4)))[0]
    P = np.eye(d) - V @ V.T
    T = {f: P @ m @ P for f, m in full.items()}
    cumulants = tail_cumulants(full, V)
    assert len(cumulants) == 28
    for n in (2, 3, 4):
        for word in product("MN", repeat=n):
            direct = np.trace(np.linalg.multi_dot([T[f] for f in word]) if n > 2 else T[word[0]] @ T[word[1]])
            scale = np.prod([np.linalg.norm(T[f]) for f in word])
            assert abs(cumulants["".join(word)] - direct) <= 1e-5 * scale, word


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_c_squared_of_the_trace_words_gives_the_same_prediction(dtype):
    """predict --finite-width hands over C^2 as the trace words formed it (in X's type): same draws."""
    from freecalc.quadratic.predict import DataStatistics

    rng = np.random.default_rng(2)
    X = (rng.standard_normal((300, 60)) * np.arange(1, 61) ** -0.5).astype(dtype)  # spectrum j^-1
    y = np.sign(X[:, :4].sum(axis=1) + 0.3 * rng.standard_normal(300))
    stats = DataStatistics(X, y)
    C, B = stats.grams
    assert stats.c_squared.dtype == dtype
    assert np.allclose(stats.c_squared, C.astype(float) @ C.astype(float), rtol=1e-4,
                       atol=1e-5 * np.abs(C.astype(float) @ C.astype(float)).max())
    options = dict(k=40, draws=50, max_rank=8, seed=3, grams=stats.grams)
    plain = finite_width_prediction(X, y, **options)
    given = finite_width_prediction(X, y, c_squared=stats.c_squared, **options)
    assert not plain.exact and plain.tail_share > 0  # the tail, which uses C^2, is there
    assert given.mean == pytest.approx(plain.mean, rel=1e-6 if dtype == np.float32 else 1e-12)
    assert given.sd == pytest.approx(plain.sd, rel=1e-5 if dtype == np.float32 else 1e-10)
    wrong = finite_width_prediction(X, y, c_squared=1.1 * stats.c_squared, **options)
    assert abs(wrong.mean - plain.mean) > 1e-4  # the argument is used
