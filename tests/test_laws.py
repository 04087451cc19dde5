"""Law objects against closed forms written here from the literature, and against second algorithms.

Tolerances: densities read by Stieltjes inversion at height ``eta = 1e-13 x scale`` differ from the limit by
``O(eta / distance to the edge)``, so 1e-8 holds everywhere farther than 1e-3 (relative) from an edge; an
edge is bracketed by bisection to ``(tau / C)^2`` (``tau`` the detection threshold, ``C`` the square-root
coefficient), far below 1e-8 (freecalc/laws/support.py).
"""

import math

import mpmath
import numpy as np
import pytest

from freecalc.combinatorics.noncrossing import narayana
from freecalc.errors import ParameterError, ParseError
from freecalc.free import cumulants as exact
from freecalc.free.transforms import s_transform_series
from freecalc.laws import (
    Arcsine,
    Atomic,
    CompoundFreePoisson,
    FreePoisson,
    FreeProduct,
    FreeSum,
    Law,
    Semicircle,
    bernoulli,
    empirical,
    law_of_expression,
    parse_law,
    r_law,
    series,
    symmetric_bernoulli,
)
from freecalc.laws.compound import ScaledSquare
from freecalc.laws.special import faddeeva
from freecalc.laws.support import locate_support


def away_from(x, edges, margin):
    return np.all(np.abs(x[:, None] - np.asarray(edges)[None, :]) > margin, axis=1)


def inverted(law, x):
    """The generic route: -Im G(x + i eta)/pi from the law's Cauchy transform (not its density formula)."""
    return Law.density(law, x)


# ---- closed forms written from the references ------------------------------------------------------------
def semicircle_density(x, s):  # Nica & Speicher, Lecture 2; Mingo & Speicher eq. (1.10)
    return np.sqrt(np.clip(4 * s - x**2, 0, None)) / (2 * np.pi * s)


def marchenko_pastur_density(x, lam, alpha=1.0):  # Marchenko & Pastur 1967; Mingo & Speicher Sect. 2.5
    y = x / alpha
    a, b = (1 - math.sqrt(lam)) ** 2, (1 + math.sqrt(lam)) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where((y > a) & (y < b), np.sqrt(np.clip((b - y) * (y - a), 0, None)) / (2 * np.pi * y), 0.0)
    return f / abs(alpha)


def anticommutator_density(x):
    """xy + yx for free standard semicirculars: x G^3 + G^2 - x G + 1 = 0 (R(w) = 2w/(1 - w^2)).

    xy + yx = a^2 - b^2 with a, b free standard semicirculars (Nica & Speicher, Lecture 15 (free
    commutators and anticommutators); Vasilchuk, J. Math. Phys. 44 (2003)); the cubic is solved by
    companion matrices and the root with negative imaginary part taken.
    """
    out = []
    for value in x:
        roots = np.roots([value, 1.0, -value, 1.0])
        out.append(max(0.0, -roots.imag.min() / np.pi))
    return np.array(out)


ANTICOMMUTATOR_EDGE = math.sqrt((11 + 5 * math.sqrt(5)) / 2)  # zero of the discriminant 4z^4 - 44z^2 - 4


@pytest.mark.parametrize("law, formula, edges", [
    (Semicircle(1.0), lambda x: semicircle_density(x, 1.0), (-2.0, 2.0)),
    (Semicircle(2.5), lambda x: semicircle_density(x, 2.5), (-2 * math.sqrt(2.5), 2 * math.sqrt(2.5))),
    (FreePoisson(0.5), lambda x: marchenko_pastur_density(x, 0.5),
     ((1 - 0.5**0.5) ** 2, (1 + 0.5**0.5) ** 2)),
    (FreePoisson(2.0), lambda x: marchenko_pastur_density(x, 2.0), ((1 - 2**0.5) ** 2, (1 + 2**0.5) ** 2)),
    (FreePoisson(0.7, 1.5), lambda x: marchenko_pastur_density(x, 0.7, 1.5),
     (1.5 * (1 - 0.7**0.5) ** 2, 1.5 * (1 + 0.7**0.5) ** 2)),
])
def test_closed_form_densities_and_their_stieltjes_inversion_agree_with_the_formulas(law, formula, edges):
    low, high = edges
    x = np.linspace(low - 0.5, high + 0.5, 801)
    keep = away_from(x, edges, 1e-3 * (high - low))
    np.testing.assert_allclose(law.density(x)[keep], formula(x)[keep], rtol=0, atol=1e-12)
    np.testing.assert_allclose(inverted(law, x)[keep], formula(x)[keep], rtol=0, atol=1e-8)
    assert law.support() == ((pytest.approx(low, abs=1e-12), pytest.approx(high, abs=1e-12)),)
    located = locate_support(lambda t: inverted(law, t), low - 0.5, high + 0.5)  # the generic edge search
    assert len(located) == 1
    np.testing.assert_allclose(located[0], edges, rtol=0, atol=1e-8)


def test_free_poisson_moments_are_narayana_polynomials_and_the_mass_is_one():
    """m_n = sum_k N(n, k) lam^k (Nica & Speicher, Proposition 12.11 and Lecture 9; OEIS A001263)."""
    lam = 0.6
    law = FreePoisson(lam)
    expected = [sum(narayana(n, k) * lam**k for k in range(1, n + 1)) for n in range(1, 7)]
    np.testing.assert_allclose(law.moments(6), expected, rtol=1e-13)
    a, b = law.support()[0]
    t = np.linspace(0, np.pi, 4001)
    x = a + (b - a) * (1 - np.cos(t)) / 2
    d = law.density(x)
    mass = np.trapezoid(d, x) + law.atoms()[0][1]
    assert mass == pytest.approx(1.0, abs=1e-5)  # trapezoid on a cosine grid, sqrt edges
    assert np.trapezoid(d * x**3, x) == pytest.approx(expected[2], rel=1e-5)


def test_float_series_agree_with_the_exact_engine():
    rng = np.random.default_rng(3)
    kappa = rng.normal(size=7)
    np.testing.assert_allclose(series.cumulants_to_moments(kappa),
                               [float(m) for m in exact.cumulants_to_moments(list(kappa))], rtol=1e-12)
    moments = series.cumulants_to_moments(kappa)
    np.testing.assert_allclose(series.moments_to_cumulants(moments), kappa, rtol=1e-9, atol=1e-10)
    exact_cumulants = [float(k) for k in exact.moments_to_cumulants(list(moments))]
    np.testing.assert_allclose(exact_cumulants, kappa, rtol=1e-9, atol=1e-10)
    positive = [1.3, 2.9, 7.7, 23.0, 71.0]
    exact_s = [float(s) for s in s_transform_series([mpmath.mpf(m) for m in positive])]
    np.testing.assert_allclose(series.moments_to_s(positive), exact_s, rtol=1e-12)
    np.testing.assert_allclose(series.s_to_moments(series.moments_to_s(positive)), positive, rtol=1e-12)


def test_faddeeva_matches_mpmath_on_the_upper_half_plane():
    rng = np.random.default_rng(0)
    z = rng.normal(scale=4, size=40) + 1j * np.abs(rng.normal(scale=2, size=40)) * (rng.random(40) < 0.7)
    reference = np.array([complex(mpmath.exp(-mpmath.mpc(v) ** 2) * mpmath.erfc(-1j * mpmath.mpc(v)))
                          for v in z])
    np.testing.assert_allclose(faddeeva(z), reference, rtol=1e-13)


# ---- subordination against closed forms -----------------------------------------------------------------
def test_free_sum_of_semicircles_is_a_semicircle():
    law = FreeSum(Semicircle(1.0), Semicircle(2.0))
    x = np.linspace(-4, 4, 401)
    edge = 2 * math.sqrt(3)
    keep = away_from(x, [-edge, edge], 1e-2)
    np.testing.assert_allclose(law.density(x)[keep], semicircle_density(x, 3.0)[keep], atol=1e-8)
    np.testing.assert_allclose(law.support()[0], (-edge, edge), atol=1e-8)


def test_free_sum_of_free_poisson_laws_adds_rates_with_the_atom():
    law = FreeSum(FreePoisson(0.3), FreePoisson(0.5))
    x = np.linspace(-0.2, 4.0, 401)
    a, b = (1 - 0.8**0.5) ** 2, (1 + 0.8**0.5) ** 2
    keep = away_from(x, [a, b, 0.0], 1e-2)
    np.testing.assert_allclose(law.density(x)[keep], marchenko_pastur_density(x, 0.8)[keep], atol=1e-8)
    assert law.atoms() == ((0.0, pytest.approx(0.2, abs=1e-15)),)
    np.testing.assert_allclose(law.support()[0], (a, b), atol=1e-8)


def test_anticommutator_by_subordination_and_by_linearization_match_the_cubic():
    """a^2 - b^2 = free Poisson(1) + free Poisson(1, jump -1): one route; the 3 x 3 linearization another."""
    x = np.linspace(-3.6, 3.6, 181)
    keep = away_from(x, [-ANTICOMMUTATOR_EDGE, ANTICOMMUTATOR_EDGE, 0.0], 1e-2)
    exact = anticommutator_density(x)
    by_sum = FreeSum(FreePoisson(1.0), FreePoisson(1.0, -1.0))
    by_pencil = law_of_expression("x y + y x", {"x": Semicircle(), "y": Semicircle()})
    for law in (by_sum, by_pencil):
        np.testing.assert_allclose(law.density(x)[keep], exact[keep], atol=1e-8)
    np.testing.assert_allclose(by_pencil.support()[0], (-ANTICOMMUTATOR_EDGE, ANTICOMMUTATOR_EDGE), atol=1e-8)
    np.testing.assert_allclose(by_pencil.moments(6), [0, 2, 0, 10, 0, 66], atol=1e-6)  # kappa_2 = kappa_4 = 2


def test_two_symmetric_bernoullis_add_to_the_arcsine_law():
    law = FreeSum(symmetric_bernoulli(), symmetric_bernoulli())
    x = np.linspace(-1.98, 1.98, 199)
    np.testing.assert_allclose(law.density(x), Arcsine().density(x), rtol=1e-9)
    assert law.atoms() == ()


def test_atoms_of_sums_of_projections_are_the_intersections():
    """P + Q, ranks 0.7N and 0.6N: eigenvalue 2 on the intersection (0.3N), 1 on ker Q in ran P (0.1N)."""
    law = FreeSum(bernoulli(0.7), bernoulli(0.6))
    atoms = dict(law.atoms())
    assert atoms == {1.0: pytest.approx(0.1), 2.0: pytest.approx(0.3)}
    x = np.linspace(0.0, 2.0, 20001)
    assert np.trapezoid(law.density(x), x) + sum(atoms.values()) == pytest.approx(1.0, abs=2e-3)
    # eigenvalues 1 +- sqrt(t), t in the support of PQP: alpha + beta - 2 alpha beta +- sqrt(4 alpha beta
    # (1 - alpha)(1 - beta)) (Voiculescu, Dykema & Nica, Free Random Variables, Example 3.6.7)
    alpha, beta = 0.7, 0.6
    middle, spread = alpha + beta - 2 * alpha * beta, math.sqrt(4 * alpha * beta * (1 - alpha) * (1 - beta))
    low, high = math.sqrt(middle - spread), math.sqrt(middle + spread)
    np.testing.assert_allclose(law.support(), [(1 - high, 1 - low), (1 + low, 1 + high)], atol=1e-8)
    eigenvalues = np.linalg.eigvalsh(law.sample(400, seed=1))
    assert np.sum(np.abs(eigenvalues - 2) < 1e-8) == 120
    assert np.sum(np.abs(eigenvalues - 1) < 1e-8) == 40


def test_compound_free_poisson_with_one_jump_is_the_free_poisson_law():
    law = CompoundFreePoisson(0.7, Atomic(np.array([1.5]), np.array([1.0])))
    x = np.linspace(0.01, 6, 300)
    edges = [1.5 * (1 - 0.7**0.5) ** 2, 1.5 * (1 + 0.7**0.5) ** 2]
    keep = away_from(x, edges, 1e-3)
    np.testing.assert_allclose(law.density(x)[keep], marchenko_pastur_density(x, 0.7, 1.5)[keep], atol=1e-8)
    assert law.atoms() == ((0.0, pytest.approx(0.3)),)


@pytest.mark.parametrize("ratio", [0.5, 1.0, 2.0])
def test_r_law_by_its_compound_equation_equals_the_free_product_route(ratio):
    """Nonzero spectra of W^T D W and D^(1/2) W W^T D^(1/2): law_R = law_k / c off 0, law_k = a^2 x FP(c)."""
    x = np.linspace(0.02, 12, 200)
    direct = r_law(ratio).density(x)
    product = FreeProduct(FreePoisson(ratio), ScaledSquare(1.0, "gaussian")).density(x) / ratio
    np.testing.assert_allclose(direct, product, atol=1e-9)
    from freecalc.quadratic.rlaw import network_r_moments

    np.testing.assert_allclose(r_law(ratio).moments(5), [float(m) for m in network_r_moments(5, ratio)],
                               rtol=1e-12)


def test_free_product_moments_density_and_fuss_catalan():
    """FP(1) x FP(1): moments Fuss-Catalan binom(3n, n)/(2n + 1) (OEIS A001764), right edge 27/4."""
    law = FreeProduct(FreePoisson(1.0), FreePoisson(1.0))
    np.testing.assert_allclose(law.moments(5), [1, 3, 12, 55, 273], rtol=1e-11)
    assert law.support()[0][1] == pytest.approx(27 / 4, abs=1e-8)
    t = np.linspace(0, 1, 20001)
    x = 27 / 4 * t**3  # the density blows up like x^(-2/3) at 0
    d = law.density(x)
    for k, m in ((1, 1.0), (2, 3.0)):
        assert np.trapezoid(d * x**k, x) == pytest.approx(m, rel=1e-5)


def test_fuss_catalan_density_matches_penson_zyczkowski():
    """FP(1) x FP(1): Penson & Zyczkowski, Phys. Rev. E 83, 061118 (2011), the s = 2 density in radicals."""
    x = np.linspace(0.05, 6.7, 200)
    u = 27 + 3 * np.sqrt(81 - 12 * x)
    exact = 2 ** (1 / 3) * math.sqrt(3) * (2 ** (1 / 3) * u ** (2 / 3) - 6 * x ** (1 / 3)) / (
        12 * np.pi * x ** (2 / 3) * u ** (1 / 3))
    law = FreeProduct(FreePoisson(1.0), FreePoisson(1.0))
    np.testing.assert_allclose(law.density(x), exact, rtol=0, atol=1e-8)


def test_compound_free_poisson_edges_are_the_critical_values_of_the_inverse():
    """Outside the support w = F(z) is real and z(w) = w + lam (w^2 G_nu(w) - w) is its inverse, so the edges
    are z(w*) at the zeros of z'(w) (Mingo & Speicher, Section 3.5's method), found here by mpmath."""
    def inverse(w):
        rate, jumps, weights = mpmath.mpf("0.8"), (1, 3), (mpmath.mpf("0.4"), mpmath.mpf("0.6"))
        return w + rate * (w * w * sum(c / (w - t) for t, c in zip(jumps, weights, strict=True)) - w)

    with mpmath.workdps(30):
        exact = [float(inverse(mpmath.findroot(lambda w: mpmath.diff(inverse, w), guess)))
                 for guess in (0.5, 4.5)]
    law = CompoundFreePoisson(0.8, Atomic(np.array([1.0, 3.0]), np.array([0.4, 0.6])))
    (low, high), = law.support()
    assert abs(low - exact[0]) < 1e-8 and abs(high - exact[1]) < 1e-8
    assert law.atoms() == ((0.0, pytest.approx(0.2)),)


def test_semicircle_plus_symmetric_bernoulli_solves_pastur_equation():
    """G(z) = G_B(z - G(z)) with G_B(w) = w/(w^2 - 1) (Pastur 1972; Mingo & Speicher, Section 3.5), i.e.
    G^3 - 2z G^2 + z^2 G - z = 0, the root with negative imaginary part; discriminant z^2 (4z^2 - 27)."""
    x = np.linspace(-2.5, 2.5, 101)
    exact = []
    for value in x:
        roots = np.roots([1.0, -2 * value, value**2, -value])
        exact.append(max(0.0, -roots.imag.min() / np.pi))
    law = FreeSum(symmetric_bernoulli(), Semicircle())
    edge = math.sqrt(27) / 2  # the non-zero zeros of the discriminant
    keep = away_from(x, [-edge, edge, 0.0], 1e-2)
    np.testing.assert_allclose(law.density(x)[keep], np.array(exact)[keep], atol=1e-8)
    np.testing.assert_allclose(law.support(), [(-edge, edge)], atol=1e-8)


def test_free_product_with_a_projection_keeps_the_kernel_as_an_atom():
    law = FreeProduct(FreePoisson(2.0), bernoulli(0.4))
    assert law.atoms() == ((0.0, pytest.approx(0.6)),)
    np.testing.assert_allclose(law.moments(3), [0.8, 1.92, 5.248], rtol=1e-12)  # S_(AB) = S_A S_B
    x = np.linspace(1e-6, 8, 8001)
    assert np.trapezoid(law.density(x), x) == pytest.approx(0.4, abs=1e-4)


def test_r_and_s_transforms_against_closed_forms_and_their_free_convolution_rules():
    """R_(A+B) = R_A + R_B and S_(AB) = S_A S_B (Nica & Speicher, Lectures 16 and 18), A and B free, read from
    the subordination routes; closed forms R = s w, lam alpha / (1 - alpha w) and S = 1/(w + lam)."""
    w = np.array([0.05j, 0.03 + 0.04j, -0.02 + 0.05j])
    np.testing.assert_allclose(Semicircle(2.0).r_transform(w), 2.0 * w, atol=1e-12)
    np.testing.assert_allclose(FreePoisson(0.5, 2.0).r_transform(w), 1.0 / (1 - 2.0 * w), rtol=1e-12)
    np.testing.assert_allclose(FreePoisson(2.0).s_transform(w), 1 / (w + 2.0), rtol=1e-12)
    a, b = empirical(np.linspace(-1.0, 2.0, 40)), FreePoisson(0.7)
    np.testing.assert_allclose(FreeSum(a, b).r_transform(w), a.r_transform(w) + b.r_transform(w), rtol=1e-9)
    c, d = FreePoisson(2.0), bernoulli(0.4)
    product = FreeProduct(c, d).s_transform(w)
    np.testing.assert_allclose(product, c.s_transform(w) * d.s_transform(w), rtol=1e-9)


def test_quantiles_invert_the_distribution_function():
    law = FreeSum(Semicircle(), FreePoisson(0.5))
    q = np.array([0.01, 0.25, 0.5, 0.9, 0.999])
    np.testing.assert_allclose(law.cdf(law.quantile(q)), q, atol=1e-9)
    atomic = bernoulli(0.3)
    assert atomic.quantile(np.array([0.5, 0.71])).tolist() == [0.0, 1.0]


def test_specs_and_refusals():
    assert isinstance(parse_law("r-law:0.5:uniform"), CompoundFreePoisson)
    assert parse_law("r-law:2:rademacher").name == "free Poisson(rate=0.5, jump=2)"
    for bad in ("gauss", "free-poisson", "bernoulli:2", "semicircle:-1", "r-law:1:cauchy", "empirical:/no"):
        with pytest.raises(ParameterError):
            parse_law(bad)
    with pytest.raises(ParameterError):
        law_of_expression("A + B", {"A": Semicircle()})
    with pytest.raises(ParseError):
        law_of_expression("A^(1/2) B C^(1/2)", {"A": Semicircle()})
    with pytest.raises(ParameterError):
        law_of_expression("A^(1/2) B A^(1/2)", {"A": Semicircle(), "B": Semicircle()})
    with pytest.raises(ParameterError):
        law_of_expression("x y + x y", {"x": Semicircle(), "y": Semicircle()})  # not self-adjoint


@pytest.mark.parametrize("points", [np.array([2.0]), np.linspace(-1e6, 1e6, 7),
                                    np.random.default_rng(3).gamma(2.0, size=500) - 2.0])
def test_atomic_cauchy_transform_far_and_near_equals_the_direct_sum(points):
    """The Laurent series used far from the atoms and the sum near them, against ``sum w / (z - x)``."""
    weights = np.random.default_rng(4).dirichlet(np.ones(points.size))
    law = Atomic(points, weights)
    center, radius = (points.min() + points.max()) / 2, max(np.ptp(points) / 2, 1.0)
    # points on both sides of the switch |z - c| = 2 r, and close to the atoms
    z = center + radius * np.concatenate([np.exp(1j * np.linspace(0.1, 3.0, 9)) * s for s in (1.9, 2.1, 40)])
    z = np.concatenate([z, points[:3] + 1e-3j])
    inverse = 1 / (z[:, None] - points[None, :])
    g, dg = law.cauchy_pair(z)
    np.testing.assert_allclose(g, inverse @ weights, rtol=1e-13)
    np.testing.assert_allclose(dg, -(inverse**2) @ weights, rtol=1e-12)


def test_report_grid_integrates_a_law_of_many_bumps():
    """An empirical law with isolated outliers plus a small semicircle has a main interval with dips and one
    small bump per outlier (width about 4 sqrt(t / n)): the report's adaptive grid still integrates the
    density to 1e-4 (mass 1, no atoms), and its second moment is the sum of the two laws' second moments
    (free cumulants add: kappa_2 = var(spectrum) + t, kappa_1 = mean(spectrum))."""
    from freecalc.laws.report import law_report

    spectrum = np.random.default_rng(3).gamma(2.0, size=300) - 2.0
    t = 0.1
    steps = []
    report = law_report(FreeSum(empirical(spectrum), Semicircle(t)), progress=steps.append)
    x, d = np.array(report.x), np.array(report.density)
    assert len(report.support) > 1 and not report.atoms
    assert sum(steps) == len(report.support)  # the command's progress bar: one step per interval
    assert abs(np.trapezoid(d, x) - 1.0) < 1e-4
    assert np.trapezoid(d * x**2, x) == pytest.approx(np.mean(spectrum**2) + t, abs=1e-3)
