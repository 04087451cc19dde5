"""Large-data paths of ``freecalc predict``: float32 data kept in float32, the Gram identities of the
observation, rank-one and symmetric products of the trace words, data files (.npz, memory-mapped .npy) and
the memory check (see ``benchmarks/bench_predict.py`` for the CIFAR-sized timing)."""

import subprocess
import sys
import warnings
import zipfile

import numpy as np
import pytest

from freecalc.datasets import Dataset, data_shape, load_data, save_npz, validate_data
from freecalc.errors import DataError, ParameterError
from freecalc.free.words import MACRON
from freecalc.numeric import resources
from freecalc.numeric.evaluate import MatrixTraces, paired_sum, word_trace
from freecalc.quadratic import grams as grams_module
from freecalc.quadratic.network import (
    data_grams,
    matrix_correlation,
    ptk_features,
    sample_network,
    velocity_cnfc,
    velocity_gram_correlation,
)
from freecalc.quadratic.predict import DataStatistics, predict
from freecalc.quadratic.workflow import PredictionConfig, run_prediction
from freecalc.testing import command_peak_bytes


def power_law_data(n: int, d: int, seed: int = 0, dtype=np.float64, labels: str = "sign"):
    """Gaussian rows with covariance spectrum j^-1 and labels from a few leading coordinates."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * np.arange(1, d + 1) ** -0.5
    signal = X[:, :4].sum(axis=1) + 0.3 * rng.standard_normal(n)
    y = np.sign(signal) if labels == "sign" else signal
    return X.astype(dtype), y


def direct_cnfc(net, X, y, kind="cosine", residual=False):
    """The observation as defined: J (n x k), Wdot = J^T L X, pushed = J Wdot (n x d), in float64."""
    X = np.asarray(X, dtype=float)
    J = 2.0 * (X @ net.W.T) * net.a
    weights = y - ((X @ net.W.T) ** 2) @ net.a if residual else y
    velocity = J.T @ (weights[:, None] * X)
    pushed = J @ velocity
    return matrix_correlation(velocity.T @ velocity, pushed.T @ pushed, kind)


@pytest.mark.parametrize("kind", ["cosine", "pearson"])
def test_float32_and_float64_agree_on_predicted_and_observed(kind):
    X, y = power_law_data(4000, 512, seed=1)
    net = sample_network(512, 256, seed=2)
    values = {}
    for dtype in (np.float64, np.float32):
        Xt = X.astype(dtype)
        stats = DataStatistics(Xt, y, kind)
        values[dtype] = (predict(Xt, y, k=256, kind=kind, statistics=stats).predicted,
                         velocity_cnfc(net, Xt, y, kind=kind, grams=stats.grams))
    for single, double in zip(values[np.float32], values[np.float64], strict=True):
        assert single == pytest.approx(double, rel=1e-4)
    assert values[np.float64][1] == pytest.approx(direct_cnfc(net, X, y, kind), rel=1e-9)


def unaligned_copy(X: np.ndarray) -> np.ndarray:
    """X's values in a C-ordered array one byte off alignment, as a member of an .npz archive is mapped."""
    raw = np.zeros(X.nbytes + 1, dtype=np.uint8)
    shifted = np.frombuffer(raw.data, dtype=X.dtype, count=X.size, offset=1).reshape(X.shape)
    shifted[...] = X
    return shifted


@pytest.mark.parametrize("labels, dtype", [("sign", np.float64), ("real", np.float64), ("sign", np.float32),
                                           ("real", np.float32), ("three", np.float32)])
@pytest.mark.parametrize("layout", ["C", "F", "unaligned", "unaligned F"])
@pytest.mark.parametrize("zeros", [True, False])
@pytest.mark.parametrize("blocks", [False, True])
def test_grams_by_groups_and_by_signs_equal_the_plain_products(labels, dtype, layout, zeros, blocks,
                                                               monkeypatch):
    if blocks:  # 7-row blocks of X, a short last one
        monkeypatch.setattr(grams_module, "GRAM_BLOCK_BYTES", 7 * 40 * np.dtype(dtype).itemsize)
    X, y = power_law_data(60, 40, seed=3, dtype=dtype, labels="real" if labels == "real" else "sign")
    if labels == "three":
        y = y + (y > 0)  # labels -1, 2 (and 0 below): the weighted sum scales the groups
    if zeros:
        y[::7] = 0.0  # zero weights count in X^T X only
    X64 = X.astype(float)
    if "unaligned" in layout:
        X = unaligned_copy(X)
        assert not X.flags.aligned
    if "F" in layout:
        X = np.asfortranarray(X) if layout == "F" else unaligned_copy(X.T.copy()).T
    C, B = data_grams(X, y)
    # float32: each entry is a sum of n products in single precision, relative error n eps_32 of |B|'s scale
    tol = 1e-12 if dtype == np.float64 else 60 * np.finfo(np.float32).eps
    assert C.dtype == B.dtype == dtype  # in X's type
    np.testing.assert_allclose(C, X64.T @ (y[:, None] * X64), rtol=tol, atol=tol * np.abs(B).max())
    np.testing.assert_allclose(B, X64.T @ X64, rtol=tol, atol=tol * np.abs(B).max())
    alone, none = data_grams(X, y, plain=False)
    assert none is None
    np.testing.assert_allclose(alone, C, rtol=tol, atol=tol * np.abs(B).max())
    zero, plain = data_grams(X, 0 * y)
    assert not np.any(zero)
    np.testing.assert_allclose(plain, B, rtol=tol, atol=tol * np.abs(B).max())
    for value in (1.0, -2.5):  # one group: its Gram, and a scaled copy
        scaled, plain = data_grams(X, np.full(len(y), value))
        np.testing.assert_allclose(plain, B, rtol=tol, atol=tol * np.abs(B).max())
        np.testing.assert_allclose(scaled, value * B, rtol=tol, atol=tol * np.abs(B).max())


def test_grams_gather_at_most_one_block_of_rows(monkeypatch):
    """Each product reads the rows of one group within one block of X: never a copy of all of X."""
    taken = []
    original = np.take

    def spy(array, rows, axis=None, **options):
        taken.append(len(rows))
        return original(array, rows, axis=axis, **options)

    monkeypatch.setattr(grams_module.np, "take", spy)
    X, y = power_law_data(90, 10, seed=4, dtype=np.float32)
    y = np.where(np.arange(90) < 30, 1.0, -1.0)
    monkeypatch.setattr(grams_module, "GRAM_BLOCK_BYTES", 11 * 10 * 4)
    C, B = data_grams(X, y)
    assert max(taken) <= 11 and sum(taken) == 90
    X64 = X.astype(float)
    np.testing.assert_allclose(C, X64.T @ (y[:, None] * X64), rtol=1e-5, atol=1e-5 * np.abs(B).max())


@pytest.mark.parametrize("k", [5, 30, 90])  # k-space traces for k < d, d x d Grams for k large against d
@pytest.mark.parametrize("kind", ["cosine", "pearson"])
@pytest.mark.parametrize("residual", [False, True])
def test_observation_from_grams_is_the_direct_one(k, kind, residual):
    X, y = power_law_data(200, 30, seed=4)
    X += 0.2  # a mean, so that Pearson centers something
    net = sample_network(30, k, seed=5)
    expected = direct_cnfc(net, X, y, kind, residual)
    stats = DataStatistics(X, y, kind)
    assert velocity_cnfc(net, X, y, kind=kind, residual=residual, grams=stats.grams) == pytest.approx(
        expected, rel=1e-10)
    assert velocity_cnfc(net, X, y, kind=kind, residual=residual) == pytest.approx(expected, rel=1e-10)
    few = X[:20]  # n small: J is formed directly
    assert velocity_cnfc(net, few, y[:20], kind=kind, residual=residual) == pytest.approx(
        direct_cnfc(net, few, y[:20], kind, residual), rel=1e-10)


def test_velocity_gram_correlation_routes_agree():
    rng = np.random.default_rng(6)
    for k, d in ((4, 9), (9, 4)):
        velocity = rng.standard_normal((k, d)) + 0.5
        J = rng.standard_normal((12, k))
        for kind in ("cosine", "pearson"):
            expected = matrix_correlation(velocity.T @ velocity, velocity.T @ J.T @ J @ velocity, kind)
            assert velocity_gram_correlation(velocity, J.T @ J, kind) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ParameterError):
        velocity_gram_correlation(velocity, J.T @ J, "spearman")


def test_float32_products_stay_float32():
    X, y = power_law_data(50, 8, dtype=np.float32)
    net = sample_network(8, 6, seed=0)
    assert ptk_features(net, X).dtype == np.float32
    kept, _ = validate_data(X, y)
    assert kept.dtype == np.float32 and np.shares_memory(kept, X)
    assert validate_data(X.astype(np.int64), y)[0].dtype == np.float64
    assert validate_data(X.astype(">f4"), y)[0].dtype == np.float64


def test_rank_one_and_symmetric_products_in_trace_words():
    rng = np.random.default_rng(7)
    d = 6
    mats = {}
    for name in "CB":
        m = rng.standard_normal((d, d))
        mats[name] = m + m.T
    dense = dict(mats, P=np.full((d, d), 1.0 / d))
    traces = MatrixTraces(mats, symmetric=True, rank_one={"P": np.full(d, d**-0.5)})
    for word in (("C", "C", "P"), ("B", "C", "P", "C"), ("P",), ("P", "P"), ("C", "P", "B", "P"),
                 ("C", "C", "C", "C"), ("B", "C", "C", "B", "C", "C")):
        assert traces.word_value(word) == pytest.approx(word_trace(dense, word), rel=1e-12, abs=1e-12)
    centered = "P" + MACRON  # not rank one: formed densely when asked for
    plain = MatrixTraces(mats, rank_one={"P": np.full(d, d**-0.5)})
    assert plain.word_value(("C", centered)) == pytest.approx(
        word_trace({"C": mats["C"], centered: dense["P"] - np.eye(d) / d}, ("C", centered)), abs=1e-12)


def test_single_precision_products_keep_traces_to_float32_accuracy():
    X, y = power_law_data(3000, 300, seed=9)
    stats = DataStatistics(X, y, "cosine")
    C, B = stats.grams
    double = MatrixTraces({"C": C, "B": B}, symmetric=True)
    single = MatrixTraces({"C": C, "B": B}, symmetric=True, product_dtype=np.float32)
    for word in (("C", "C", "C", "C"), ("B", "C", "C", "C", "C"), ("B", "C", "C", "B", "C", "C"),
                 ("B", "B", "C", "C"), ("B", "C", "C")):
        assert single.word_value(word) == pytest.approx(double.word_value(word), rel=2e-6)
        assert single.word_value(word) != double.word_value(word)  # the products did run in float32
    assert single.products == double.products == 2
    assert DataStatistics(X.astype(np.float32), y, "cosine").traces.product_dtype == np.float32


def test_cosine_words_need_two_products():
    X, y = power_law_data(100, 20, seed=8)
    stats = DataStatistics(X, y, "cosine")
    assert stats.traces.products == 2  # C^2 (a symmetric rank-k update) and B C^2
    assert DataStatistics(X, y, "pearson").traces.products == 2  # P is never formed


def test_trace_words_keep_only_c_squared_and_form_dropped_products_again():
    X, y = power_law_data(100, 20, seed=8)
    stats = DataStatistics(X, y, "cosine")
    C, B = stats.grams
    assert np.allclose(stats.c_squared, C @ C)
    assert stats.traces.formed_product(("B", "C", "C")) is None  # freed once its traces were in
    assert stats.traces.formed_product(("C", "C", "B")) is None
    word = ("B", "C", "C", "B")  # not among the prepared words: formed from scratch, B C^2 again
    expected = np.trace(B @ C @ C @ B) / 20
    assert stats.traces.word_value(word) == pytest.approx(expected, rel=1e-10)
    stats.traces.drop_products()
    assert stats.c_squared is None and stats.traces.word_value(word) == pytest.approx(expected, rel=1e-10)
    unkept = DataStatistics(X, y, "cosine", keep_c_squared=False)
    assert unkept.c_squared is None and not unkept.traces._products  # nothing d x d held but the Grams
    assert unkept.predict([1.0, 2.0, 5.0, 14.0]) == stats.predict([1.0, 2.0, 5.0, 14.0])


def test_values_of_x_are_checked_on_the_grams():
    X, y = power_law_data(30, 5)
    for bad, message in ((np.where(np.eye(30, 5) > 0, np.nan, X), "non-finite"), (0 * X, "all zero"),
                         (X.astype(np.float32) * np.float32(1e30), "overflows")):
        with pytest.raises(DataError, match=message):
            DataStatistics(bad, y)
    single = X.astype(np.float32)
    with pytest.raises(DataError, match="overflows in float32"):  # B finite, C not: labels too large
        DataStatistics(single, y * 1e38)
    from freecalc.quadratic.predict import data_matrices

    fine = data_matrices(single, y * 1e30)  # large, finite: passes on B's diagonal alone
    assert np.all(np.isfinite(fine["C"])) and np.abs(fine["C"]).max() > 1e30


@pytest.mark.parametrize("dtype, labels", [(np.float32, 1e30), (np.float32, 1e20), (np.float64, 1e130)])
def test_trace_words_that_overflow_are_one_error_without_warnings(dtype, labels, tmp_path):
    """Finite Grams whose degree-6 words overflow (C^2 B C^2 ~ labels^4) are refused, not a NaN result."""
    X, y = power_law_data(300, 20, seed=0, dtype=dtype)
    y = y * labels
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning of numpy on the way
        with pytest.raises(DataError, match=f"overflow in {np.dtype(dtype).name}; rescale X or y"):
            DataStatistics(X, y)
        assert DataStatistics(X, y / labels).predict([1.0, 2.0, 5.0, 14.0]).predicted == pytest.approx(
            DataStatistics(X, y / labels * 1e3).predict(
                [1.0, 2.0, 5.0, 14.0]).predicted, rel=1e-4)  # the correlation does not depend on y's scale
        net = sample_network(20, 8, seed=0)
        if dtype == np.float32:  # the observation alone: its float32 k x k Gram overflows from about 1e18 on
            with pytest.raises(DataError, match="overflow in float32; rescale X or y"):
                velocity_cnfc(net, X, y)
        for kind in ("cosine", "pearson"):
            with pytest.raises(DataError, match="one of its matrices is zero"):
                velocity_cnfc(net, X, 0 * y, kind=kind)
            assert velocity_cnfc(net, X, y / labels, kind=kind) == pytest.approx(
                velocity_cnfc(net, X, y / labels * 1e3, kind=kind))
    path = save_npz(Dataset(X, y), tmp_path / "huge.npz")
    out = subprocess.run([sys.executable, "-m", "freecalc", "predict", "--data", str(path), "--k", "8",
                          "--observe"], capture_output=True, text=True)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "rescale X or y" in out.stderr


@pytest.mark.parametrize("kind", ["cosine", "pearson"])
def test_large_finite_traces_give_the_correlation_not_zero(kind):
    """Traces finite, their product not: the correlation is still that of the unscaled labels (or refused)."""
    X, y = power_law_data(300, 20, seed=0)
    net = sample_network(20, 8, seed=0)
    moments = [1.0, 2.0, 5.0, 14.0]
    expected = DataStatistics(X, y, kind).predict(moments).predicted
    observed = velocity_cnfc(net, X, y, kind=kind)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for scale in (1e40, 1e60):  # tr(G^2) tr(H^2) ~ scale^16 overflows; each alone does not
            assert DataStatistics(X, y * scale, kind).predict(moments).predicted == pytest.approx(expected,
                                                                                               rel=1e-9)
            assert velocity_cnfc(net, X, y * scale, kind=kind) == pytest.approx(observed, rel=1e-9)
        for scale in (1e80, 1e100):  # the observation's own sums overflow: refused, never 0 or a traceback
            with pytest.raises(DataError, match="overflow in float64; rescale X or y"):
                velocity_cnfc(net, X, y * scale, kind=kind)


def test_overflow_is_named_in_the_type_the_work_is_done_in():
    X, y = power_law_data(300, 20, seed=0)
    for stored in (np.int64, np.float16, np.dtype(">f4")):  # all computed in float64
        with pytest.raises(DataError, match="overflow in float64"):
            DataStatistics((X * 4).astype(stored), y * 1e80)


def test_outputs_by_blocks_of_rows_equal_the_direct_formula(monkeypatch):
    from freecalc.quadratic import network as network_module

    X, _ = power_law_data(100, 12, seed=2, dtype=np.float32)
    net = sample_network(12, 7, seed=3)
    direct = ((X.astype(float) @ net.W.T) ** 2) @ net.a
    whole = net.outputs(X)
    monkeypatch.setattr(network_module, "OUTPUT_BLOCK_BYTES", 9 * 12 * 4)  # 9-row blocks, a short last one
    blocks = net.outputs(unaligned_copy(X))
    assert np.allclose(blocks, whole, rtol=1e-6, atol=1e-6 * np.abs(direct).max())
    assert np.allclose(blocks, direct, rtol=1e-5, atol=1e-5 * np.abs(direct).max())  # float32 products


def test_empty_columns_give_empty_grams(capfd):
    C, B = data_grams(np.zeros((5, 0)), np.array([1.0, -1.0, 1.0, 2.0, 0.0]))
    assert C.shape == B.shape == (0, 0)
    assert capfd.readouterr().err == ""  # OpenBLAS prints "illegal value" for a leading dimension of 0


@pytest.mark.parametrize("layout", ["npz", "compressed", "fortran", "folder", "X.npy"])
def test_data_files_in_every_layout_read_back(layout, tmp_path):
    X, y = power_law_data(40, 6, dtype=np.float32)
    if layout in ("npz", "compressed", "fortran"):
        path = tmp_path / "d.npz"
        save = {"npz": np.savez, "compressed": np.savez_compressed, "fortran": np.savez}[layout]
        save(path, X=np.asfortranarray(X) if layout == "fortran" else X, y=y)
    else:
        np.save(tmp_path / "X.npy", X)
        np.save(tmp_path / "y.npy", y)
        path = tmp_path if layout == "folder" else tmp_path / "X.npy"
    assert data_shape(path) == ((40, 6), np.dtype(np.float32))
    back = load_data(path)
    assert back.X.dtype == np.float32 and np.array_equal(back.X, X) and np.array_equal(back.y, y)
    if layout in ("folder", "X.npy"):  # memory-mapped read-only: the file cannot be changed through X
        assert isinstance(back.X, np.memmap) or isinstance(back.X.base, np.memmap)
        with pytest.raises(ValueError):
            back.X[0, 0] = 5.0


def test_bad_data_files_are_refused_in_one_line(tmp_path):
    X, y = power_law_data(40, 6, dtype=np.float32)
    path = save_npz(Dataset(X, y), tmp_path / "d.npz")
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("X.npy")
    raw[info.header_offset + info.compress_size] ^= 0xFF  # a byte of X's data (after the local headers)
    (tmp_path / "bad.npz").write_bytes(bytes(raw))
    with pytest.raises(DataError, match="CRC"):
        load_data(tmp_path / "bad.npz")
    command = [sys.executable, "-m", "freecalc", "predict", "--data", str(tmp_path / "bad.npz"), "--k", "3"]
    out = subprocess.run([*command, "--observe"], capture_output=True, text=True)
    assert out.returncode == 2 and "CRC" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    np.savez(tmp_path / "complex.npz", X=X + 1j, y=y)
    np.savez(tmp_path / "noy.npz", X=X)
    (tmp_path / "text.npz").write_text("not an archive")
    (tmp_path / "empty").mkdir()
    np.save(tmp_path / "empty" / "X.npy", X)
    np.save(tmp_path / "inputs.npy", X)
    for name, message in [("none.npz", "no such file"), ("complex.npz", "complex"),
                          ("noy.npz", "no array 'y'"),
                          ("text.npz", "cannot read"), ("empty", "without X.npy and y.npy"),
                          ("inputs.npy", "named X.npy")]:
        with pytest.raises(DataError, match=message):
            load_data(tmp_path / name)


def test_memory_estimate_counts_float32_and_refuses(monkeypatch, tmp_path):
    single = resources.estimated_bytes(50_000, 3072, 1024, itemsize=4)
    double = resources.estimated_bytes(50_000, 3072, 1024, itemsize=8)
    assert 0.8e9 < single < 2.0e9 and double - single >= 50_000 * 3072 * 4  # X (0.61 GB) is half the size
    X, y = power_law_data(30, 5, dtype=np.float32)
    path = save_npz(Dataset(X, y), tmp_path / "d.npz")
    monkeypatch.setattr(resources, "available_bytes", lambda: 100)

    def never(*args, **kwargs):
        raise AssertionError("the data must not be read before the memory check")

    monkeypatch.setattr("freecalc.quadratic.workflow.load_data", never)
    with pytest.raises(ParameterError, match="GiB available"):
        run_prediction(PredictionConfig(data_path=str(path), k=4, observe=True))


def test_memory_estimate_bounds_the_measured_peak(tmp_path):
    """The process's own peak allocation, less a tiny run's (interpreter, numpy), against the estimate."""
    rng = np.random.default_rng(0)
    n, d, k = 40_000, 400, 300
    X = rng.standard_normal((n, d), dtype=np.float32)
    save_npz(Dataset(X[:8, :6], np.sign(rng.standard_normal(8))), tmp_path / "tiny.npz")
    base = command_peak_bytes(["predict", "--data", str(tmp_path / "tiny.npz"), "--k", "3", "--observe"])
    estimate = resources.estimated_bytes(n, d, k, itemsize=4)
    extra = {}
    for labels, y in (("one", np.ones(n)), ("sign", np.sign(rng.standard_normal(n)))):
        path = save_npz(Dataset(X, y), tmp_path / f"{labels}.npz")
        arguments = ["predict", "--data", str(path), "--k", str(k), "--observe"]
        extra[labels] = command_peak_bytes(arguments) - base
    # X (64 MB) and, while the Grams form, one label group's rows (all of X for one group), are most of it
    assert 0.85 * estimate <= extra["one"] <= 1.05 * estimate, (extra, estimate)
    assert extra["sign"] <= extra["one"], extra
    # --residual: the outputs f(X) a block of rows at a time (X is never copied whole)
    residual = command_peak_bytes(["predict", "--data", str(tmp_path / "sign.npz"), "--k", str(k),
                                   "--observe", "--residual"]) - base
    estimate = resources.estimated_bytes(n, d, k, itemsize=4, residual=True)
    assert residual <= 1.05 * estimate, (residual, estimate)
    # a memory-mapped X.npy is read from the file: X is not allocated
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", np.ones(n))
    mapped = command_peak_bytes(["predict", "--data", str(tmp_path), "--k", str(k), "--observe"]) - base
    assert mapped <= extra["one"] - 0.8 * X.nbytes, (mapped, extra)
    # --finite-width on wide data: the float64 Grams and the free tail's d x d arrays dominate
    n, d = 3000, 1500
    X, y = power_law_data(n, d, seed=1, dtype=np.float32)
    path = save_npz(Dataset(X, y), tmp_path / "wide.npz")
    extra = command_peak_bytes(["predict", "--data", str(path), "--k", "200", "--finite-width"]) - base
    estimate = resources.estimated_bytes(n, d, 200, itemsize=4, observe=False, finite_width=True)
    assert 0.85 * estimate <= extra <= 1.05 * estimate, (extra, estimate)


def test_cli_refuses_too_large_in_one_line(tmp_path):
    X, y = power_law_data(30, 5, dtype=np.float32)
    path = save_npz(Dataset(X, y), tmp_path / "d.npz")
    command = [sys.executable, "-m", "freecalc", "predict", "--data", str(path), "--observe"]
    out = subprocess.run([*command, "--k", "100000000"], capture_output=True, text=True)
    assert out.returncode == 2 and "GiB available" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    fine = subprocess.run([*command, "--k", "7", "--json"], capture_output=True, text=True)
    assert fine.returncode == 0, fine.stderr


@pytest.mark.parametrize("shape", [(3, 5), (300, 700), (513, 513)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_paired_sum_matches_the_entrywise_sum_for_every_layout(shape, dtype):
    rng = np.random.default_rng(sum(shape))
    a, b = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
    # float32 products are exact in float64; a float64 sum of m terms errs by at most m eps |a| |b|
    for x, y in [(a, b), (a, np.asfortranarray(b)), (np.asfortranarray(a), b),
                 (np.asfortranarray(a), np.asfortranarray(b)), (a[:, ::-1], b), (a, b[::-1])]:
        x64, y64 = x.astype(float), y.astype(float)
        bound = x.size * np.finfo(float).eps * float(np.sum(np.abs(x64 * y64)))
        assert abs(paired_sum(x, y) - float(np.sum(x64 * y64))) <= bound
    square = rng.standard_normal((shape[0], shape[0])).astype(dtype)
    square64 = square.astype(float)
    bound = square.size * np.finfo(float).eps * float(np.sum(np.abs(square64 * square64.T)))
    assert abs(paired_sum(square, square.T) - float(np.trace(square64 @ square64))) <= bound
    with np.errstate(over="ignore"):
        big = np.full((40, 40), 1e200)
        assert paired_sum(big, big.T) == np.inf


def test_grams_near_the_top_of_float32_are_kept_when_finite_and_refused_when_not():
    """data_matrices on either side of its diagonal shortcut (_finite_grams: |C_ij| <= max|y| B_ii when
    B_ii = B_jj, Cauchy-Schwarz): finite Grams past half of float32's largest number are kept; a C that
    overflows while B's diagonal does not is refused in one error, with no warning on the way."""
    from freecalc.quadratic.predict import data_matrices

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X = np.array([[1.35e19, 0.0], [0.0, 1.0]], dtype=np.float32)  # B_11 = 1.82e38 > max / 2 = 1.70e38
        kept = data_matrices(X, np.array([1.0, -1.0]))
        assert np.all(np.isfinite(kept["B"])) and kept["C"][0, 0] == pytest.approx(1.35e19**2, rel=1e-6)
        X = np.array([[1e19, 0.0], [0.0, 1.0]], dtype=np.float32)  # B finite, below max / 2; C_11 = 4e38
        with pytest.raises(DataError, match=r"^X\^T X or X\^T Y X overflows in float32; rescale X or y$"):
            data_matrices(X, np.array([4.0, 1.0]))
