"""Tests with power for the laws and the network spectra (issue 27, second sampled mutation run): each guards
a term that the sampled cosmic-ray run found unguarded, against an independent route (a closed form, a
quadrature by mpmath, a definition)."""

import mpmath
import numpy as np
import pytest

from freecalc.errors import MatrixError
from freecalc.laws import Arcsine, FreePoisson, Semicircle, empirical


def wigner_cdf(x, variance=1.0, center=0.0):
    """The semicircle's distribution function ``1/2 + (arcsin t + t sqrt(1 - t^2)) / pi``,
    ``t = (x - c) / (2 sigma)`` (Wigner), clipped to [0, 1] outside the support."""
    t = np.clip((np.asarray(x, dtype=float) - center) / (2 * np.sqrt(variance)), -1, 1)
    return 0.5 + (np.arcsin(t) + t * np.sqrt(1 - t * t)) / np.pi


def test_distribution_functions_against_closed_forms():
    """The distribution function (trapezoid rule on the refined density table, Law.cdf) against
    the semicircle's ``1/2 + (arcsin t + t sqrt(1 - t^2)) / pi``, ``t = (x - c) / (2 sigma)`` (Wigner), the
    arcsine law's ``1/2 + arcsin((2x - a - b) / (b - a)) / pi``, and for the free Poisson law of rate 1/2
    its atom 1/2 at 0 plus the density integrated by mpmath's tanh-sinh quadrature."""
    law = Semicircle(2.0, 0.5)
    x = np.linspace(-2.2, 3.3, 12)
    np.testing.assert_allclose(law.cdf(x), wigner_cdf(x, 2.0, 0.5), atol=1e-6)
    law = Arcsine(-1.0, 3.0)
    x = np.linspace(-0.9, 2.9, 9)
    # inverse square-root edges: the trapezoid rule's end cells miss mass of the order of the square root of
    # their width (the table is refined to 1e-7 per cell, then renormalized), so 2e-5 here (measured 7e-6)
    np.testing.assert_allclose(law.cdf(x), 0.5 + np.arcsin((2 * x - 2.0) / 4.0) / np.pi, atol=2e-5)
    law = FreePoisson(0.5)
    (low, high), = law.support()
    for point in (0.1, 0.8, 1.5, 2.5):
        integral = mpmath.quad(lambda s: float(law.density(np.array([float(s)]))[0]), [low, min(point, high)])
        assert float(law.cdf(np.array([point]))[0]) == pytest.approx(0.5 + float(integral), abs=1e-6)


def test_empirical_law_takes_a_matrix_symmetric_up_to_round_off():
    """A symmetric matrix whose transpose differs by round-off (here 1e-13 of its largest entry against an
    exact zero) is read, with the eigenvalues of its symmetric part; an asymmetry of 1e-3 is refused."""
    for size in (1.0, 1e3):  # the tolerance is relative to the largest entry
        matrix = size * np.diag([1.0, 2.0, 4.0])
        matrix[0, 2] = 1e-13 * size
        values = [x for x, _ in empirical(matrix).atoms()]
        np.testing.assert_allclose(values, size * np.array([1.0, 2.0, 4.0]), rtol=1e-12)
        matrix[0, 2] = 1e-3 * size
        with pytest.raises(MatrixError):
            empirical(matrix)


def test_two_free_projections_x_y_x_keep_their_kernel_as_an_atom():
    """``P Q P`` for free projections of traces 0.4 and 0.3 is 0 on the kernel of P and on the part of the
    range of P that Q misses: mass 1 - min(0.4, 0.3) = 0.7 at 0 (the spectrum of ``P Q P`` is that of the
    free product of the two Bernoulli laws, Nica & Speicher, Lecture 14; scalar subordination route), and
    the Cauchy transform of the operator-valued route agrees with the scalar one close to the atom."""
    from freecalc.laws import FreePolynomial, FreeProduct, bernoulli

    law = FreePolynomial("x y x", {"x": bernoulli(0.4), "y": bernoulli(0.3)})
    product = FreeProduct(bernoulli(0.4), bernoulli(0.3))
    ((location, mass),) = law.atoms()
    assert location == 0.0 and mass == pytest.approx(0.7, abs=1e-5)
    x = np.linspace(1e-4, 1.0, 2001)
    assert mass + np.trapezoid(law.density(x), x) == pytest.approx(1.0, abs=2e-3)
    z = np.array([2e-5j, 1e-5j, 0.2 + 1e-5j, 0.5 + 1e-3j])
    np.testing.assert_allclose(law.cauchy(z), product.cauchy(z), rtol=1e-6)


@pytest.mark.parametrize("a_law", ["gaussian", "uniform"])
def test_scaled_square_density_is_the_inverse_of_its_cauchy_transform(a_law):
    """The law of ``c a^2`` (R's law's jumps): the density ``1/(2 sqrt(3 c x))`` on (0, 3c) for uniform a of
    variance 1, the scaled chi-square for gaussian a, against Stieltjes inversion ``-Im G(x + i eta) / pi``
    of its Cauchy transform (a separate route: the transform of a square, from the Cauchy transform of a)."""
    from freecalc.laws import ScaledSquare

    law = ScaledSquare(0.7, a_law)
    x = np.array([0.05, 0.3, 0.9, 1.6, 2.0])
    inverted = -law.cauchy(x + 1e-7j).imag / np.pi
    np.testing.assert_allclose(law.density(x), inverted, rtol=1e-4)


def test_law_report_grid_has_each_point_once():
    """The density table of ``freecalc law`` is on a strictly increasing grid that integrates to the
    continuous mass (the free Poisson law of rate 1/2: mass 1/2 off its atom)."""
    from freecalc.laws.report import law_report

    report = law_report(FreePoisson(0.5))
    x = np.array(report.x)
    assert np.all(np.diff(x) > 0)
    assert np.trapezoid(report.density, x) == pytest.approx(0.5, abs=1e-4)


def test_named_law_forms_and_the_c_r_c_route():
    """``r-law:C`` (readout gaussian by default) and ``r-law:C:A_LAW``; ``r-law`` alone is refused; the free
    Poisson law with and without its jump. ``C R C``
    with C atomic is the free product of the laws of C^2 and R (the module notes: the spectrum of
    ``R^(1/2) C^2 R^(1/2)``), not the general polynomial route."""
    from freecalc.errors import ParameterError
    from freecalc.laws import FreeProduct, r_law
    from freecalc.laws.atomic import squared
    from freecalc.laws.specs import law_of_expression, parse_law

    z = np.array([0.5 + 0.5j, 3 + 1j])
    np.testing.assert_allclose(parse_law("r-law:0.5").cauchy(z), r_law(0.5, "gaussian").cauchy(z), rtol=1e-12)
    np.testing.assert_allclose(parse_law("r-law:0.5:uniform").cauchy(z), r_law(0.5, "uniform").cauchy(z),
                               rtol=1e-12)
    with pytest.raises(ParameterError):
        parse_law("r-law")
    for spec, law in (("free-poisson:0.5", FreePoisson(0.5)), ("free-poisson:0.5:2", FreePoisson(0.5, 2.0)),
                      ("marchenko-pastur:2", FreePoisson(2.0))):
        np.testing.assert_allclose(parse_law(spec).cauchy(z), law.cauchy(z), rtol=1e-12)
    laws = {"C": empirical(np.array([-1.0, 0.5, 2.0])), "R": FreePoisson(1.5)}
    law = law_of_expression("C R C", laws)
    assert isinstance(law, FreeProduct)
    expected = FreeProduct(squared(laws["C"]), laws["R"])
    np.testing.assert_allclose(law.cauchy(z), expected.cauchy(z), rtol=1e-12)


def test_letter_coefficients_must_be_square_symmetric_matrices():
    """A letter ``x (x) b`` needs b real symmetric n x n: a vector or a 3-index array is refused."""
    from freecalc.errors import ParameterError
    from freecalc.laws.operator import ScalarLetter

    for b in (np.ones(2), np.ones((2, 2, 2)), np.array([[0.0, 1.0], [0.0, 0.0]])):
        with pytest.raises(ParameterError):
            ScalarLetter(Semicircle(), b)


def test_polynomial_laws_compare_by_identity():
    """A law object (with its cached transforms) is a value compared and hashed by identity."""
    from freecalc.laws import FreePolynomial

    laws = {"x": Semicircle(), "y": FreePoisson(1.0)}
    first, second = FreePolynomial("x y + y x", laws), FreePolynomial("x y + y x", laws)
    assert first == first and first != second and len({first, second}) == 2


def test_atom_values_from_laws_central_moments_and_free_cumulants():
    """``tr(X̄^p)`` is the p-th central moment of X's law (computed here from the points of an atomic law
    with numpy) and ``κ(X, X, X)`` its third free cumulant (free Poisson of rate r and jump s:
    ``κ_n = r s^n``, Nica & Speicher, Proposition 12.11)."""
    from freecalc.free.atom_ids import cumulant_atom, trace_atom
    from freecalc.free.letters import centered_letter
    from freecalc.laws.values import law_atom_values

    points = np.array([-1.0, 0.5, 2.0, 4.0])
    value = law_atom_values({"X": empirical(points), "Y": FreePoisson(0.5, 2.0)})
    for p in (2, 3, 4):
        central = float(np.mean((points - points.mean()) ** p))
        assert value(trace_atom((centered_letter("X"),) * p)) == pytest.approx(central, rel=1e-12)
    assert value(cumulant_atom((("Y",),) * 3)) == pytest.approx(0.5 * 2.0**3, rel=1e-9)


def test_closed_form_densities_are_zero_at_the_edges_and_finite_on_the_report_grid():
    """At the ends of the support the densities are 0 (the arcsine law's and the free Poisson law of rate 1's
    blow up only inside), so the grid of ``freecalc law``, which starts at both ends, stays finite."""
    from freecalc.laws.report import law_report

    assert Arcsine().density(np.array([-2.0, 2.0])).tolist() == [0.0, 0.0]
    assert FreePoisson(1.0).density(np.array([0.0, 4.0])).tolist() == [0.0, 0.0]
    for law in (Arcsine(), FreePoisson(1.0)):
        assert np.all(np.isfinite(law_report(law).density))


def test_scaled_square_bounds_hold_its_support():
    """``c a^2`` lies in [0, 3c] for uniform a of variance 1, and beyond 56c with probability
    ``erfc(sqrt(28)) < 1e-13`` for gaussian a; the densities integrate to 1 over the bounds."""
    from freecalc.laws import ScaledSquare

    assert float(mpmath.erfc(mpmath.sqrt(28))) < 1e-13  # P(a^2 > 56), a standard gaussian
    for a_law, upper in (("uniform", 3 * 0.7), ("gaussian", 56 * 0.7)):
        law = ScaledSquare(0.7, a_law)
        assert law.bounds() == pytest.approx((0.0, upper))
        x = np.geomspace(1e-12, upper, 200001)
        assert np.trapezoid(law.density(x), x) == pytest.approx(1.0, abs=2e-3)


def test_law_figure_histogram_has_the_mass_off_the_atoms_and_shows_each_atom():
    """The histogram is scaled by 1/N, so its area is the fraction of eigenvalues off the atoms; each atom is
    a visible dashed line at its location."""
    import matplotlib.pyplot as plt

    from freecalc.laws.figure import draw_law
    from freecalc.laws.report import law_report

    report = law_report(FreePoisson(0.5))
    eigenvalues = np.concatenate([np.zeros(50), np.linspace(0.2, 2.5, 150)])
    fig = draw_law(report, eigenvalues, "free Poisson")
    try:
        ax = fig.axes[0]
        (stairs,) = [p for p in ax.patches if p.get_label().startswith("eigenvalues")]
        values, edges = stairs.get_data().values, stairs.get_data().edges
        assert np.sum(values * np.diff(edges)) == pytest.approx(150 / 200, rel=1e-12)
        lines = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
        assert [ln.get_xdata()[0] for ln in lines] == [0.0] and lines[0].get_linewidth() > 0
    finally:
        plt.close(fig)


def test_one_letter_polynomial_against_quadrature():
    """``x^2 + x`` for a semicircular x through the operator-valued route (one letter: no subordination)
    against ``E[1 / (z - t^2 - t)]`` integrated over the semicircle density by mpmath."""
    from freecalc.laws import FreePolynomial

    law = FreePolynomial("x x + x", {"x": Semicircle()})
    z = np.array([0.5 + 0.5j, 3 + 1j, -0.2 + 0.3j])
    expected = [complex(mpmath.quad(lambda t, w=complex(w): mpmath.sqrt(4 - t * t) / (2 * mpmath.pi)
                                     / (w - t * t - t), [-2, -0.5, 2])) for w in z]
    np.testing.assert_allclose(law.cauchy(z), expected, rtol=1e-9)


def test_sampled_agop_has_the_free_trace_mean():
    """``C R B R C`` sampled with R from its law: symmetric, and its normalized trace averages to
    ``tr(A R B R)`` (A = C^2; Nica & Speicher, Lecture 14) within four standard errors of 60 samples."""
    from freecalc.laws import r_law
    from freecalc.quadratic.spectra import AgopLaw, agop_mean

    rng = np.random.default_rng(1)
    x = rng.standard_normal((12, 6)) / np.sqrt(12)
    y = np.sign(rng.standard_normal(12))
    c, b = x.T @ (y[:, None] * x), x.T @ x
    law = AgopLaw(c, b, r_law(0.5))
    samples = [law.sample(6, seed) for seed in range(60)]
    assert all(np.array_equal(s, s.T) for s in samples)
    traces = np.array([np.trace(s) / 6 for s in samples])
    se = traces.std(ddof=1) / np.sqrt(len(traces))
    assert abs(traces.mean() - agop_mean(c, b, r_law(0.5))) < 4 * se


def test_constant_polynomials_are_refused_by_both_routes():
    """A polynomial whose terms cancel (or a number) has no law to compute: one ParameterError."""
    from freecalc.errors import ParameterError
    from freecalc.laws import FreePolynomial
    from freecalc.laws.polynomial import SemicircularPolynomial

    for text in ("x x - x x", "3"):
        for route in (SemicircularPolynomial, FreePolynomial):
            with pytest.raises(ParameterError, match="no variable"):
                route(text, {"x": Semicircle()})


def test_matrix_block_work_counts_the_jacobian_of_a_block_without_dense_part():
    """A block with one coefficient has no dense Schur part (every index is the pivot's own), but each point
    still fills a Jacobian of ``n^4 d^2`` entries: the estimate is positive and grows as ``points d^2``."""
    from freecalc.laws.operator import MatrixBlock

    b = np.array([[0.0, 1.0], [1.0, 0.0]])
    work = {d: MatrixBlock((np.diag(np.arange(1.0, d + 1)),), (b,)).work(10) for d in (4, 8)}
    assert work[4] > 0 and work[8] == pytest.approx(4 * work[4])
    assert MatrixBlock((np.eye(4),), (b,)).work(20) == pytest.approx(2 * work[4])


def test_continuation_heights_never_drop_by_more_than_the_ratio():
    """``levels``: from eta_start down to eta_end, each height at least ``ratio`` times the one before (the
    continuation's Newton steps start close to their solution), whatever eta_end is."""
    from freecalc.laws.solver import levels

    for end in np.geomspace(1e-13, 0.5, 97):
        for ratio in (0.003, 0.1, 0.25):
            heights = levels(1.0, float(end), ratio)
            assert heights[0] == 1.0 and heights[-1] == pytest.approx(end, rel=1e-12)
            assert np.all(heights[1:] / heights[:-1] >= ratio * (1 - 1e-9)), (end, ratio)


def test_law_figure_has_about_25_eigenvalues_per_bin_and_20_to_120_bins():
    """``draw_law``'s histogram: N // 25 bins, at least 20 and at most 120 (its docstring)."""
    import matplotlib.pyplot as plt

    from freecalc.laws.figure import draw_law
    from freecalc.laws.report import law_report

    report = law_report(Semicircle())
    for size, bins in ((100, 20), (1000, 40), (2999, 119), (3000, 120), (20000, 120)):
        fig = draw_law(report, np.linspace(-1.9, 1.9, size), "semicircle")
        try:
            (stairs,) = [p for p in fig.axes[0].patches if p.get_label().startswith("eigenvalues")]
            assert len(stairs.get_data().values) == bins, size
        finally:
            plt.close(fig)


@pytest.mark.parametrize("a_law", ["gaussian", "uniform"])
def test_r_law_cauchy_derivative_is_the_derivative_of_its_cauchy_transform(a_law):
    """``G'`` of R's law (from ``dw/dz`` of its subordination function) against central differences of G."""
    from freecalc.laws import r_law

    law = r_law(0.5, a_law)
    z = np.array([0.5 + 0.5j, 2 + 0.1j, 4 + 1j])
    step = 1e-6
    difference = (law.cauchy(z + step) - law.cauchy(z - step)) / (2 * step)
    np.testing.assert_allclose(law.cauchy_derivative(z), difference, rtol=1e-6)


def test_ks_distance_against_the_semicircles_closed_form():
    """``ks_distance`` against ``max_i max(i/n - F(x_(i)), F(x_(i)) - (i - 1)/n)`` with Wigner's F in closed
    form, for points that do not follow the law: a uniform grid on [-1.5, 2] (F above the sample's
    distribution function), and half of them at -1 with the rest at F's quantiles beyond it (the sample's
    distribution function above F, most at -1)."""
    from freecalc.laws.compare import ks_distance

    grid = np.linspace(-2, 2, 20001)
    start = wigner_cdf(-1.0)
    rest = np.interp(start + (1 - start) * (np.arange(25) + 0.5) / 25, wigner_cdf(grid), grid)
    for x in (np.linspace(-1.5, 2.0, 50), np.concatenate([np.full(25, -1.0), rest])):
        F = wigner_cdf(x)
        i = np.arange(1, 51)
        expected = max(np.max(i / 50 - F), np.max(F - (i - 1) / 50))
        assert ks_distance(Semicircle(), x) == pytest.approx(expected, abs=1e-6)


def test_missing_laws_are_named_in_order():
    """A polynomial whose letters have no laws: the message names the first of them (sorted)."""
    from freecalc.errors import ParameterError
    from freecalc.laws import FreePolynomial

    with pytest.raises(ParameterError, match="no law for x;"):
        FreePolynomial("x y + z", {"z": Semicircle()})


def test_grid_ks_counts_exact_zeros_at_the_atom():
    """A sample of ``0.5 delta_0 + 0.5 uniform(0, 1]`` (half of it exact zeros): distance at most 1/n; half
    zeros against an atom of 0.2 (the rest in (1/2, 1]): the distance is the excess at 0, 0.5 - 0.2."""
    from freecalc.quadratic.spectra import grid_ks

    x = np.linspace(0.0, 1.0, 1001)[1:]
    eigenvalues = np.concatenate([np.zeros(100), (np.arange(100) + 0.5) / 100])
    assert grid_ks(x, 0.5 * np.ones(1000), eigenvalues, 1e-12, atom=0.5) <= 1 / 200 + 1e-3
    eigenvalues = np.concatenate([np.zeros(100), 0.5 + (np.arange(100) + 0.5) / 200])
    assert grid_ks(x, 0.8 * np.ones(1000), eigenvalues, 1e-12, atom=0.2) == pytest.approx(0.3, abs=1e-9)


def test_spectra_figure_has_about_six_eigenvalues_per_bin_and_12_to_60_bins():
    """``draw_spectra``: each panel's histogram of nonzero eigenvalues has nonzero // 6 bins, at least 12 and
    at most 60 (its docstring), whatever d."""
    import matplotlib.pyplot as plt

    from freecalc.quadratic.spectra import ZERO, draw_spectra, run_spectra
    from freecalc.quadratic.workflow import PredictionConfig

    for d in (12, 120):
        record = run_spectra(PredictionConfig(n=2 * d, d=d, k=2 * d), points=20, work_limit=0.0)
        fig = draw_spectra(record)
        try:
            eigenvalues = record.nfm_eigenvalues
            nonzero = int(np.sum(eigenvalues >= ZERO * np.max(np.abs(eigenvalues))))
            (stairs,) = [p for p in fig.axes[0].patches if p.get_label().startswith("eigenvalues")]
            assert len(stairs.get_data().values) == min(60, max(12, nonzero // 6)), d
        finally:
            plt.close(fig)
