"""Predicted laws against eigenvalues of sampled matrices (seeded), with a tolerance the sampling justifies.

The Kolmogorov-Smirnov distance between a predicted law and the eigenvalues of one N x N matrix has two
parts: the finite-N bias and fluctuation of the spectrum, and any error of the prediction. The first is
measured by the sampled spectra's own drift, the two-sample KS distance between the eigenvalues at N and
at 2N (independent seeds), about 4/N for these rigid spectra; a prediction passes when its distance at 2N
is below that drift plus 1/N. Correct predictions measure about 2/N; a semicircle part 10% too wide is
about 0.015 at every N and fails from N = 600 on (the last test). Eigenvalues within 1e-8 of an atom are
counted at the atom. The N = 4000 figures are in benchmarks/bench_laws.py and the derivation page.
"""

import numpy as np
import pytest

from freecalc.laws import (
    FreePoisson,
    FreeProduct,
    FreeSum,
    Semicircle,
    bernoulli,
    empirical,
    law_of_expression,
    r_law,
)
from freecalc.laws.compare import ks_distance, ks_two_sample
from freecalc.quadratic.network import sample_network


def check(law, sampler, size):
    small = np.linalg.eigvalsh(sampler(size, 11))
    large = np.linalg.eigvalsh(sampler(2 * size, 12))
    drift = ks_two_sample(small, large, law.atoms())
    distance = ks_distance(law, large)
    assert distance < drift + 1 / size, (distance, drift)
    return distance, drift


def network_r(size, seed, ratio=0.5):
    """R = W^T diag(a^2) W of the paper's sampled network: W k x d, N(0, 1/k) entries, a ~ N(0, 1)."""
    return sample_network(size, round(size / ratio), seed=seed).r_matrix()


@pytest.mark.slow
def test_free_sum_against_sampled_matrices():
    law = FreeSum(Semicircle(), FreePoisson(0.5))
    check(law, law.sample, 600)


@pytest.mark.slow
def test_free_product_with_a_projection_against_sampled_matrices():
    law = FreeProduct(FreePoisson(2.0), bernoulli(0.4))
    check(law, law.sample, 600)


@pytest.mark.slow
def test_r_law_against_sampled_networks():
    check(r_law(0.5), network_r, 600)


@pytest.mark.slow
def test_polynomial_x_plus_xyx_against_goe_matrices():
    law = law_of_expression("x + x y x", {"x": Semicircle(), "y": Semicircle()})

    def sampler(size, seed):
        rng = np.random.default_rng(seed)
        x, y = (Semicircle().sample(size, rng) for _ in range(2))
        return x + x @ y @ x  # not symmetrized: eigvalsh reads the lower triangle

    check(law, sampler, 500)


@pytest.mark.slow
def test_free_sum_with_an_empirical_law_against_rotated_matrices():
    spectrum = np.random.default_rng(5).gamma(2.0, size=200) - 2.0
    law = FreeSum(empirical(spectrum), Semicircle(0.5))

    def sampler(size, seed):
        rng = np.random.default_rng(seed)
        values = np.quantile(spectrum, (np.arange(size) + 0.5) / size)
        q, r = np.linalg.qr(rng.standard_normal((size, size)))
        q = q * np.sign(np.diag(r))
        return (q * values) @ q.T + Semicircle(0.5).sample(size, rng)

    check(law, sampler, 600)


def test_the_check_has_power_against_a_wrong_law():
    """The same samples fail against a law whose semicircle part is 10% wider."""
    law = FreeSum(Semicircle(), FreePoisson(0.5))
    wrong = FreeSum(Semicircle(1.1), FreePoisson(0.5))
    with pytest.raises(AssertionError):
        check(wrong, law.sample, 600)


def data_c(d, seed):
    """C = X^T diag(y) X for data X (2d x d, columns of growing scale) and labels y = +-1."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2 * d, d)) / np.sqrt(2 * d) * (1 + np.arange(d) / d)
    y = np.sign(rng.standard_normal(2 * d))
    return (x.T * y) @ x


@pytest.mark.slow
def test_early_nfm_c_r_c_with_c_from_data_and_r_from_its_law():
    """C R C: its law is the free product of C^2's empirical law and R's law (rademacher a: free Poisson)."""
    size = 200

    def sampler(d, seed):
        rng = np.random.default_rng(seed)
        k = 2 * d
        w = rng.standard_normal((k, d)) / np.sqrt(k)
        c = data_c(d, d)
        return c @ (w.T @ w) @ c

    law = law_of_expression("C R C", {"C": empirical(data_c(size, size)), "R": r_law(0.5, "rademacher")})
    small, large = np.linalg.eigvalsh(sampler(size // 2, 11)), np.linalg.eigvalsh(sampler(size, 12))
    drift = ks_two_sample(small, large)
    assert ks_distance(law, large) < drift + 1 / size, (ks_distance(law, large), drift)
