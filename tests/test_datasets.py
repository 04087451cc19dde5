"""Data sets: the alignment-reversing construction, Gaussian data, labels, and .npz input/output."""

import numpy as np
import pytest

from freecalc.datasets import (
    Dataset,
    alignment_reversing,
    chain_monomial_labels,
    gaussian_dataset,
    load_data,
    make_dataset,
    save_npz,
    validate_data,
)
from freecalc.errors import DataError, ParameterError
from freecalc.quadratic.network import sample_network, velocity_cnfc


@pytest.mark.parametrize("n, d, balance", [(60, 40, 0.3), (60, 40, 0.8), (50, 80, 0.5), (90, 30, 0.4)])
@pytest.mark.parametrize("invert", ["smallest", "largest"])
def test_second_subset_inverts_the_first_on_the_shared_rank(n, d, balance, invert):
    """Without noise, X2^T X2 = sum_j (lambda_j + ridge)^(-2) u_j u_j^T over the chosen eigenpairs."""
    data = alignment_reversing(n, d, balance, eps2=0.0, ridge=0.1, invert=invert, label_offset=0.0, seed=2)
    n1 = round(balance * n)
    X1, X2 = data.X[:n1], data.X[n1:]
    assert np.array_equal(data.y, np.r_[np.ones(n1), np.zeros(n - n1)])
    values, vectors = np.linalg.eigh(X1.T @ X1)  # an independent route: the d x d eigenproblem
    rank = min(n1, d)
    values, vectors = values[::-1][:rank], vectors[:, ::-1][:, :rank]
    shared = min(rank, n - n1)
    assert data.params["shared_rank"] == shared
    chosen = slice(rank - shared, rank) if invert == "smallest" else slice(0, shared)
    expected = (vectors[:, chosen] / (values[chosen] + 0.1) ** 2) @ vectors[:, chosen].T
    assert np.allclose(X2.T @ X2, expected, atol=1e-8 * np.abs(expected).max())


def test_spiked_rows_have_the_stated_covariance():
    data = alignment_reversing(40000, 5, 1.0, eps1=0.5, spike=2.0, eps2=0.0, seed=1)
    covariance = data.X.T @ data.X  # rows are scaled by 1 / sqrt(n)
    assert np.allclose(covariance, 0.5 * np.eye(5) + 2.0 * np.ones((5, 5)) / 5, atol=0.03)
    literal = alignment_reversing(40000, 5, 1.0, literal=True, eps2=0.0, seed=1)
    assert np.allclose(literal.X.T @ literal.X / 40000, 0.5 * np.eye(5) + np.ones((5, 5)), atol=0.06)


def test_printed_recipe_is_degenerate_and_the_default_is_not():
    """Appendix F as printed gives a correlation of about 1 at every balance; the default moves by > 0.2."""
    size = 256
    net = sample_network(size, size, seed=0)
    literal = [velocity_cnfc(net, *_xy(alignment_reversing(size, size, g, literal=True, seed=1)))
               for g in (0.1, 0.5, 0.95)]
    default = [velocity_cnfc(net, *_xy(alignment_reversing(size, size, g, seed=1))) for g in (0.1, 0.5, 0.95)]
    assert min(literal) > 0.999
    assert max(default) - min(default) > 0.2, default


def _xy(data: Dataset):
    return data.X, data.y


def test_power_law_covariance_and_chain_labels():
    data = gaussian_dataset(60000, 6, alpha=1.5, labels="noise", seed=3)
    eigenvalues = np.sort(np.linalg.eigvalsh(data.X.T @ data.X / data.n))[::-1]
    assert np.allclose(eigenvalues, 1 / (1 + np.arange(1, 7) ** 1.5), rtol=0.04)
    X = np.arange(12.0).reshape(3, 4)
    y = chain_monomial_labels(X, 3)  # eq. (2): x1 x2 + x2 x3 + x3 x1
    assert np.array_equal(y, X[:, 0] * X[:, 1] + X[:, 1] * X[:, 2] + X[:, 2] * X[:, 0])
    iso = make_dataset("chain-monomial", n=50, d=8, rank=4, seed=0)
    assert np.array_equal(iso.y, chain_monomial_labels(iso.X, 4)) and iso.name == "chain-monomial"
    quad = make_dataset("isotropic", n=50, d=8, labels="quadratic", seed=0)
    assert np.all(quad.y >= 0)


def test_seeds_are_deterministic_and_distinct():
    a, b = alignment_reversing(30, 20, 0.4, seed=5), alignment_reversing(30, 20, 0.4, seed=5)
    c = alignment_reversing(30, 20, 0.4, seed=6)
    assert np.array_equal(a.X, b.X) and not np.allclose(a.X, c.X)
    net = sample_network(20, 20, seed=5)
    assert not np.any(np.isin(net.W.ravel() * np.sqrt(20), gaussian_dataset(30, 20, seed=5).X.ravel()))


@pytest.mark.parametrize("kwargs", [{"balance": 0.0}, {"balance": 1.5}, {"n": 0}, {"eps1": 0.0},
                                    {"ridge": -1.0}, {"invert": "middle"}])
def test_bad_parameters(kwargs):
    args = {"n": 20, "d": 10, "balance": 0.5} | kwargs
    with pytest.raises(ParameterError):
        alignment_reversing(**args)


def test_npz_round_trip_and_errors(tmp_path):
    data = gaussian_dataset(10, 4, labels="noise", seed=0)
    path = save_npz(data, tmp_path / "d.npz")
    back = load_data(path)
    assert np.array_equal(back.X, data.X) and np.array_equal(back.y, data.y)
    before = path.read_bytes()
    with pytest.raises(DataError, match="exists"):
        save_npz(gaussian_dataset(10, 4, labels="noise", seed=1), path)
    assert path.read_bytes() == before
    np.savez(tmp_path / "noy.npz", X=data.X)
    np.savez(tmp_path / "flat.npz", X=data.X.ravel(), y=data.y)
    np.savez(tmp_path / "nan.npz", X=np.full((3, 2), np.nan), y=np.zeros(3))
    (tmp_path / "text.npz").write_text("not an archive")
    for name, message in (("noy", "no array 'y'"), ("flat", "(n, d)"), ("nan", "non-finite"),
                          ("text", "cannot read"), ("missing", "no such file")):
        with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
            load_data(tmp_path / f"{name}.npz")
    with pytest.raises(DataError):
        validate_data(np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ParameterError):
        make_dataset("mnist", n=3, d=3)
