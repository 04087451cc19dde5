"""Exact finite-size closed forms (Weingarten calculus) against the free limit, Monte Carlo and the CLI."""

import json
import subprocess
import sys

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from strategies import THREE, TWO, words

from freecalc import expand
from freecalc.free.interpret import expand_poly
from freecalc.haar.traces import SIZE, finite_size_poly, orthogonal_canonical
from freecalc.numeric.montecarlo import check
from freecalc.testing import random_spectrum, random_symmetric, spread_matrices

N = SIZE


def limit_at_infinity(ratio):
    """lim_{N -> oo} of a rational function of N: the ratio of leading coefficients, or 0."""
    numerator, denominator = (sympy.Poly(x, N) for x in sympy.fraction(sympy.cancel(ratio)))
    if numerator.degree() > denominator.degree():
        raise AssertionError(f"{ratio} grows with N")
    return numerator.LC() / denominator.LC() if numerator.degree() == denominator.degree() else 0


def limit_poly(poly):
    out = {}
    for monomial, coefficient in poly.items():
        value = limit_at_infinity(coefficient) if isinstance(coefficient, sympy.Expr) else coefficient
        if value != 0:
            out[monomial] = sympy.Rational(value)
    return out


def rational(poly):
    return {m: sympy.Rational(c.numerator, c.denominator) if hasattr(c, "numerator") else sympy.Rational(c)
            for m, c in poly.items()}


@settings(max_examples=25, deadline=None)
@given(words(THREE, min_size=1, max_size=7))
def test_limit_of_the_unitary_closed_form_is_the_free_one(word):
    assert limit_poly(finite_size_poly(word, THREE, size=N)) == rational(expand_poly(word, THREE))


@pytest.mark.parametrize("word, families", [
    ("A R A R A R A R", ["A", "R"]),  # four runs of each family: free cumulants up to order 4
    ("A R B R A R B R A R", ["A,B", "R"]),
    ("A R B S A R B S", ["A,B", "R,S"]),
    ("A1 R1 A2 R2 A3 R3 A4 R4", ["A1,A2,A3,A4", "R1,R2,R3,R4"]),  # all letters distinct
    ("A R S A R S A R S", ["A", "R", "S"]),
])
def test_limit_of_long_alternating_words_is_the_free_one(word, families):
    """Words with 4-5 alternations, where free cumulants of order 4 and 5 enter (unitary)."""
    letters = tuple(word.split())
    assert limit_poly(finite_size_poly(letters, families, size=N)) == rational(expand_poly(letters, families))


@settings(max_examples=20, deadline=None)
@given(words(TWO, min_size=1, max_size=6))
def test_limit_of_the_orthogonal_closed_form_is_the_free_one(word):
    """Symmetric letters: the free form with every word identified with its reversal."""
    free = rational(orthogonal_canonical(expand_poly(word, TWO)))
    assert limit_poly(finite_size_poly(word, TWO, size=N, group="orthogonal")) == free


def test_known_unitary_closed_form_and_its_orthogonal_analogue():
    """E tr(A U B U* C U D U*) = free - kappa2(A, C) kappa2(B, D) / (N^2 - 1) (Collins & Sniady 2006);
    for O(N) the correction is + (N - 2) kappa2(A, C) kappa2(B, D) / ((N - 1)(N + 2)) (derived here and
    checked against the Weingarten tables and Monte Carlo in tests/test_haar_averages.py)."""
    t = {w: sympy.Symbol(f"t{w}") for w in ("A", "B", "C", "D", "AC", "BD")}
    free = t["AC"] * t["B"] * t["D"] + t["A"] * t["C"] * t["BD"] - t["A"] * t["B"] * t["C"] * t["D"]
    k_ac, k_bd = t["AC"] - t["A"] * t["C"], t["BD"] - t["B"] * t["D"]
    for group, correction in (("unitary", -k_ac * k_bd / (N**2 - 1)),
                              ("orthogonal", (N - 2) * k_ac * k_bd / ((N - 1) * (N + 2)))):
        closed = expand("tr(A B C D)", ["A,C", "B,D"], size=N, group=group)
        names = {s: t["".join(x for x in str(s)[3:-1].split())] for s in closed.free_symbols if s != N}
        assert sympy.simplify(closed.xreplace(names) - free - correction) == 0


def test_cumulant_form_of_tr_arar_at_size_n():
    closed = expand("tr(A R A R)", ["A", "R"], "cumulants", size=N)
    ka, kr = sympy.Symbol("kA"), sympy.Symbol("kR")
    ta, tr_ = sympy.Symbol("tA"), sympy.Symbol("tR")
    names = {"κ(A, A)": ka, "κ(R, R)": kr, "tr(A)": ta, "tr(R)": tr_}
    rename = {s: names[str(s)] for s in closed.free_symbols if s != N}
    expected = ka * tr_**2 + kr * ta**2 + ta**2 * tr_**2 - ka * kr / (N**2 - 1)
    assert sympy.simplify(closed.xreplace(rename) - expected) == 0


@pytest.mark.parametrize("group", ["unitary", "orthogonal"])
@pytest.mark.parametrize("size", [2, 3, 4])
def test_check_agrees_with_the_exact_value_at_small_size(group, size):
    """10^5 rotations at N = 2, 3, 4, within 4 standard errors and no other allowance, on an expression
    with centering and a product of traces (which are not independent at finite N)."""
    mats = spread_matrices(["A", "B", "R"], size, seed=size)
    result = check("tr(A R) tr(B R) - tr(bar(A) R B R)", ["A,B", "R"], mats, rotations=100_000, seed=11,
                   group=group)
    assert result.reference == "exact" and result.bias_constant == 0
    assert abs(result.observed - result.exact) <= 4 * result.stderr, result
    if size == 2:  # the finite-size gap is resolved (at N = 4 the orthogonal one vanishes: a factor N - 4)
        assert abs(result.exact - result.predicted) > 20 * result.stderr


def test_check_fails_a_closed_form_one_percent_off_with_2000_rotations_at_d_8():
    rng = np.random.default_rng(5)
    mats = {x: random_symmetric(8, rng, 2.0 + 0.5 * np.tanh(random_spectrum(8, rng))) for x in ("A", "R")}
    exact_form = expand("tr(A R A R)", ["A", "R"], size=8, group="orthogonal")
    text = str(exact_form).replace("**", "^")
    good = check("tr(A R A R)", ["A", "R"], mats, size=8, rotations=2000, seed=3, claimed=text,
                 group="orthogonal")
    assert good.agrees and abs(good.claimed - good.exact) < 1e-9 * abs(good.exact)
    wrong = check("tr(A R A R)", ["A", "R"], mats, size=8, rotations=2000, seed=3, claimed=f"1.01*({text})",
                  group="orthogonal")
    assert not wrong.agrees and abs(wrong.observed - wrong.claimed) > 4 * wrong.stderr
    assert abs(wrong.claimed / good.claimed - 1.01) < 1e-12


def test_orthogonal_exact_value_needs_symmetric_matrices():
    rng = np.random.default_rng(0)
    mats = {"A": rng.standard_normal((5, 5)), "R": random_symmetric(5, rng)}
    result = check("tr(A R A R)", ["A", "R"], mats, rotations=50, seed=1, group="orthogonal")
    assert result.exact is None and "symmetric" in result.exact_note and result.bias_constant == 1.0
    assert check("tr(A R A R)", ["A", "R"], mats, rotations=50, seed=1, group="unitary").exact is not None


def run(*args):
    return subprocess.run([sys.executable, "-m", "freecalc", *args], capture_output=True, text=True)


def test_cli_expand_at_size_symbolic_integer_and_series():
    out = run("expand", "tr(A R A R)", "--free", "A", "--free", "R", "--size", "N", "--basis", "cumulants",
              "--json")
    data = json.loads(out.stdout)
    assert data["size"] == "N" and data["group"] == "unitary" and data["term_count"] == 4
    coefficients = {tuple(a["atom"] for a in t["atoms"]): t["coefficient"] for t in data["terms"]}
    value = sympy.sympify(coefficients[("κ(A, A)", "κ(R, R)")], locals={"N": N})
    assert sympy.simplify(value + 1 / (N**2 - 1)) == 0
    series = run("expand", "tr(A R A R)", "--free", "A", "--free", "R", "--size", "N", "--series", "2",
                 "--basis", "cumulants")
    assert series.returncode == 0 and "(N**(-2))*κ(A, A)*κ(R, R)" in series.stdout
    at_two = run("expand", "tr(A R A R)", "--free", "A", "--free", "R", "--size", "2")
    assert at_two.stdout.strip() == ("-4/3*tr(A)**2*tr(R)**2 + 4/3*tr(A)**2*tr(R^2) + 4/3*tr(A^2)*tr(R)**2"
                                     " - 1/3*tr(A^2)*tr(R^2)")


@pytest.mark.parametrize("args, message", [
    (["--size", "0"], "at least 1"),
    (["--size", "2", "--series", "1"], "symbolic --size"),
    (["--series", "1"], "applies only with --size"),
    (["--size", "N", "--basis", "mixed"], "mixed basis"),
    (["--size", "x y"], "integer or a symbol"),
])
def test_cli_expand_at_size_bad_input(args, message):
    out = run("expand", "tr(A R A R)", "--free", "A", "--free", "R", *args)
    assert out.returncode == 2 and message in out.stderr and len(out.stderr.strip().splitlines()) == 1
