"""Polynomials in free variables of any laws (linearization and operator-valued subordination).

Independent routes: the M_n-valued semicircle equation (:class:`SemicircularPolynomial`) on semicircular
letters; the anticommutator's closed form (Nica & Speicher, Lecture 15; Vasilchuk 2003); the scalar free
product for ``x y x`` (for positive y its spectrum is that of ``y^(1/2) x^2 y^(1/2)``, subordination of two
scalar laws); and eigenvalues of sampled matrices (seeded, Kolmogorov-Smirnov within the sampled spectra's
own drift, as in ``test_laws_montecarlo.py``).
"""

import numpy as np
import pytest
from test_laws import ANTICOMMUTATOR_EDGE, anticommutator_density
from test_laws_montecarlo import check  # KS(law, 2N) below the N -> 2N drift plus 1/N

from freecalc.errors import ParameterError
from freecalc.laws import (
    FreePoisson,
    FreePolynomial,
    FreeProduct,
    Semicircle,
    SemicircularPolynomial,
    bernoulli,
    empirical,
    law_of_expression,
    r_law,
)
from freecalc.laws.atomic import squared


@pytest.mark.parametrize("text", ["x y + y x", "x + x y x", "2 x y x - 0.5 y^2 + x"])
def test_the_general_route_agrees_with_the_semicircle_equation_on_semicirculars(text):
    laws = {"x": Semicircle(), "y": Semicircle(0.5)}
    general = FreePolynomial(text, laws)
    special = SemicircularPolynomial(text, laws)
    x = np.linspace(-5, 5, 64) + 1e-13 * general.scale * 1j  # no point at 0 (a singular point of x + xyx)
    np.testing.assert_allclose(general.cauchy(x), special.cauchy(x), rtol=0, atol=1e-8)
    z = np.array([0.3 + 1j, -2 + 0.1j, 4 + 3j])
    np.testing.assert_allclose(general.cauchy(z), special.cauchy(z), rtol=0, atol=1e-10)


@pytest.mark.slow
def test_the_general_route_on_a_cubic_in_three_families():
    text = "x y z + z y x + x y x + z"
    laws = {"x": Semicircle(), "y": Semicircle(), "z": Semicircle(2.0)}
    x = np.linspace(-9, 9, 50) + 1e-12j
    general, special = FreePolynomial(text, laws), SemicircularPolynomial(text, laws)
    np.testing.assert_allclose(general.cauchy(x), special.cauchy(x), rtol=0, atol=1e-8)


def test_the_anticommutator_through_the_general_route_matches_its_closed_form():
    law = FreePolynomial("x y + y x", {"x": Semicircle(), "y": Semicircle()})
    x = np.linspace(-3.5, 3.5, 141)
    keep = (np.abs(np.abs(x) - ANTICOMMUTATOR_EDGE) > 1e-3) & (np.abs(x) > 1e-3)
    np.testing.assert_allclose(law.density(x[keep]), anticommutator_density(x[keep]), rtol=0, atol=1e-8)
    low, high = law.support()[0]
    assert abs(high - ANTICOMMUTATOR_EDGE) < 1e-8 and abs(low + ANTICOMMUTATOR_EDGE) < 1e-8


def test_x_y_x_is_the_free_product_of_x_squared_and_y():
    """``x y x`` (x atomic, y positive) has the spectrum of ``y^(1/2) x^2 y^(1/2)``: a scalar route."""
    x_law = empirical(np.array([-1.0, 0.5, 2.0]))
    y_law = FreePoisson(1.5)
    general = FreePolynomial("x y x", {"x": x_law, "y": y_law})
    product = FreeProduct(squared(x_law), y_law)
    z = np.array([0.5 + 0.5j, 3 + 0.2j, 8 + 1j, -1 + 0.3j])
    np.testing.assert_allclose(general.cauchy(z), product.cauchy(z), rtol=1e-9, atol=0)


def test_a_one_percent_wrong_letter_is_seen():
    text = "x + x y x"
    right = FreePolynomial(text, {"x": Semicircle(), "y": FreePoisson(0.5)})
    wrong = FreePolynomial(text, {"x": Semicircle(), "y": FreePoisson(0.5, 1.01)})
    z = np.array([0.5 + 0.5j, 2 + 0.1j])
    assert np.max(np.abs(right.cauchy(z) - wrong.cauchy(z))) > 1e-3


def test_x_plus_x_y_x_with_a_free_poisson_letter_against_sampled_matrices():
    law = law_of_expression("x + x y x", {"x": Semicircle(), "y": FreePoisson(0.5)})
    assert isinstance(law, FreePolynomial)
    check(law, law.sample, 200)


def test_an_anticommutator_with_an_empirical_letter_against_sampled_matrices():
    spectrum = np.random.default_rng(3).gamma(2.0, size=300) - 1.0
    law = law_of_expression("x y + y x", {"x": Semicircle(), "y": empirical(spectrum)})
    check(law, law.sample, 200)


@pytest.mark.slow
def test_a_polynomial_in_r_law_and_a_semicircle_against_sampled_matrices():
    law = law_of_expression("x y x + y", {"x": Semicircle(), "y": r_law(0.5)})
    check(law, law.sample, 300)


def test_density_integrates_to_one_and_refusals():
    law = FreePolynomial("x y + y x", {"x": Semicircle(), "y": FreePoisson(1.0)})
    (low, high), = law.support()
    x = low + (high - low) * (1 - np.cos(np.pi * np.linspace(0, 1, 801))) / 2
    assert np.trapezoid(law.density(x), x) == pytest.approx(1.0, abs=1e-4)
    assert law.moments(2) == pytest.approx([0.0, 6.0], abs=1e-8)  # 2 phi(xyxy) + 2 phi(x^2 y^2)
    with pytest.raises(ParameterError):
        FreePolynomial("x y + y x", {"x": Semicircle()})
    with pytest.raises(ParameterError):
        FreePolynomial("x y", {"x": Semicircle(), "y": Semicircle()})


def test_an_atom_at_the_constant_term_is_found_and_kept_out_of_the_density():
    """``x P + P x`` with a projection P of trace 0.3 is 0 on the kernel P leaves: mass 1 - 2 * 0.3 at 0."""
    law = law_of_expression("x y + y x", {"x": Semicircle(), "y": bernoulli(0.3)})
    ((location, mass),) = law.atoms()
    assert location == 0.0 and mass == pytest.approx(0.4, abs=1e-5)
    x = np.linspace(-3, 3, 3001)
    assert np.trapezoid(law.density(x), x) == pytest.approx(0.6, abs=1e-3)
    check(law, law.sample, 200)
    assert FreePolynomial("x y + y x", {"x": Semicircle(), "y": FreePoisson(0.5)}).atoms() == ()
