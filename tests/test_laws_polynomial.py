"""Polynomials in free semicirculars: the linearization's Schur complement, and moments against the free
Wick formula (sums over non-crossing pairings of equal letters; Nica & Speicher, Lecture 8, semicircular
families), an independent combinatorial route.
"""

from functools import cache

import numpy as np
import pytest

from freecalc.errors import ParameterError, ParseError
from freecalc.laws import Semicircle, law_of_expression
from freecalc.laws.linearization import linearize, parse_polynomial


@pytest.mark.parametrize("text", ["x y + y x", "x + x y x", "x y z + z y x + y", "2 x y x - 0.5 y^2 + 3",
                                  "x y z + z y x + x y x + z"])
def test_the_schur_complement_of_the_pencil_is_the_polynomial(text):
    words = parse_polynomial(text)
    pencil = linearize(words)
    rng = np.random.default_rng(1)
    size = 5
    values = {}
    for letter in pencil.matrices:
        a = rng.standard_normal((size, size))
        values[letter] = a + a.T
    big = pencil.evaluate(values)
    corner, row, block = big[:size, :size], big[:size, size:], big[size:, size:]
    schur = corner - row @ np.linalg.solve(block, row.T)
    expected = sum(c * np.linalg.multi_dot([np.eye(size), np.eye(size), *[values[x] for x in word]])
                   for word, c in words.items())
    np.testing.assert_allclose(schur, expected, atol=1e-9 * (1 + np.abs(expected).max()))
    np.testing.assert_array_equal(big, big.T)


def wick_moment(word: tuple[str, ...], variances: dict[str, float]) -> float:
    """phi(s_w1 ... s_wn) for free centered semicirculars: non-crossing pairings of equal letters."""

    @cache
    def phi(w):
        if not w:
            return 1.0
        if len(w) % 2:
            return 0.0
        return sum(variances[w[0]] * phi(w[1:j]) * phi(w[j + 1:])
                   for j in range(1, len(w), 2) if w[j] == w[0])

    return phi(word)


def polynomial_moments(text: str, variances: dict[str, float], order: int) -> list[float]:
    words = parse_polynomial(text)
    power = {(): 1.0}
    out = []
    for _ in range(order):
        nxt: dict[tuple[str, ...], float] = {}
        for w1, c1 in power.items():
            for w2, c2 in words.items():
                nxt[w1 + w2] = nxt.get(w1 + w2, 0.0) + c1 * c2
        power = nxt
        out.append(sum(c * wick_moment(w, variances) for w, c in power.items()))
    return out


@pytest.mark.parametrize("text, variances", [
    ("x + x y x", {"x": 1.0, "y": 1.0}),
    ("x y + y x", {"x": 2.0, "y": 0.5}),
    pytest.param("x y z + z y x + x", {"x": 1.0, "y": 1.0, "z": 1.0}, marks=pytest.mark.slow),
])
def test_moments_from_the_pencil_agree_with_the_free_wick_formula(text, variances):
    law = law_of_expression(text, {x: Semicircle(v) for x, v in variances.items()})
    exact = polynomial_moments(text, variances, 6)
    radius = 1.5 * max(abs(e) for e in law.support()[0])
    # contour moments on |z| = radius: errors of G (about 1e-12 relative) times radius^k
    tolerance = np.array([1e-10 * radius**k for k in range(1, 7)])
    assert np.all(np.abs(law.moments(6) - exact) <= tolerance), (law.moments(6), exact)
    x = np.linspace(*law.support()[0], 2001)
    d = law.density(x)
    assert np.trapezoid(d, x) == pytest.approx(1.0, abs=1e-3)  # uniform grid, square-root edges
    assert np.trapezoid(d * x**2, x) == pytest.approx(exact[1], rel=1e-3)


def test_a_one_percent_wrong_coefficient_is_seen():
    law = law_of_expression("x + x y x", {"x": Semicircle(), "y": Semicircle()})
    wrong = polynomial_moments("x + 1.01 x y x", {"x": 1.0, "y": 1.0}, 4)
    assert abs(law.moments(4)[3] - wrong[3]) > 1e-3


def test_polynomial_parsing_and_refusals():
    assert parse_polynomial("x^2 - 2 x*y*x + 1/2") == {("x", "x"): 1.0, ("x", "y", "x"): -2.0, (): 0.5}
    for bad in ("", "x + + y", "x $ y"):
        with pytest.raises(ParseError):
            parse_polynomial(bad)
    with pytest.raises(ParameterError):
        linearize(parse_polynomial("x y"))  # not self-adjoint
