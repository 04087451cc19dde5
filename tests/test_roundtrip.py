"""Printed closed forms parse back (issue 24, item 3): print -> parse -> expand gives the same polynomial.

Every basis of the free limit, finite size at a symbolic N (exact and as a 1/N series) and at an integer N,
both Haar groups, and the second-order cumulants of covariances; through the command line's printer
(:func:`freecalc.free.printing.to_text`) and sympy's ``str``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import sympy
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import TWO, trace_expressions, words

from freecalc.cli import cli
from freecalc.errors import FreecalcError, ParseError
from freecalc.free.atoms import poly_to_sympy, sympy_to_poly
from freecalc.free.fluctuations import covariance_poly
from freecalc.free.interpret import expand_poly
from freecalc.free.letters import GROUPS
from freecalc.free.printing import to_text
from freecalc.free.words import Families, Kappa, Kappa2, Letter, parse
from freecalc.haar.traces import SIZE, expand, finite_size_poly, series_poly

FREE_BASES = ("moments", "centered", "cumulants")
THREE = Families.of("A,B", "R", "S")
ONE_LETTER = st.sampled_from(["A", "B", "R", "S"])


def _printed(poly) -> list[str]:
    """The two printed forms of a closed form: the command line's and sympy's ``str``."""
    return [to_text(poly), str(poly_to_sympy(poly))]


def _same(p, q) -> bool:
    """Equal polynomials, coefficients compared as rational functions of N."""
    return all(sympy.cancel(sympy.sympify(p.get(k, 0)) - sympy.sympify(q.get(k, 0))) == 0
               for k in set(p) | set(q))


@settings(max_examples=60)
@given(trace_expressions(TWO, max_size=6), st.sampled_from(FREE_BASES))
def test_free_limit_forms_parse_back(expression, basis):
    poly = expand_poly(expression, TWO, basis)
    for text in _printed(poly):
        assert expand_poly(text, TWO, basis) == poly, text


@settings(max_examples=40)
@given(trace_expressions(THREE, max_size=6))
def test_mixed_forms_parse_back(expression):
    # cumulants of one-family words are atoms of the mixed basis: kappa(A, A B) parses to itself, and a
    # word without the first family (tr(R S R S)) keeps the cumulants of its own first family
    poly = expand_poly(expression, THREE, "mixed")
    for text in _printed(poly):
        assert expand_poly(text, THREE, "mixed") == poly, text
    assert expand_poly(to_text(poly), THREE, "moments") == expand_poly(expression, THREE, "moments")


@settings(max_examples=30)
@given(trace_expressions(TWO, max_size=5), st.sampled_from(FREE_BASES), st.sampled_from(GROUPS))
def test_finite_size_forms_in_n_parse_back(expression, basis, group):
    poly = finite_size_poly(expression, TWO, basis, size=SIZE, group=group)
    for text in _printed(poly):
        assert _same(finite_size_poly(text, TWO, basis, size=SIZE, group=group), poly), text


@settings(max_examples=20)
@given(trace_expressions(TWO, max_size=5, max_terms=1), st.sampled_from(FREE_BASES),
       st.integers(min_value=0, max_value=3))
def test_series_in_one_over_n_parse_back(expression, basis, order):
    poly = series_poly(finite_size_poly(expression, TWO, basis, size=SIZE), order, SIZE)
    for text in _printed(poly):
        assert _same(finite_size_poly(text, TWO, basis, size=SIZE), poly), text


@settings(max_examples=30)
@given(trace_expressions(TWO, max_size=5), st.sampled_from(FREE_BASES), st.integers(min_value=1, max_value=5),
       st.sampled_from(GROUPS))
def test_finite_size_forms_at_an_integer_size_parse_back(expression, basis, size, group):
    poly = finite_size_poly(expression, TWO, basis, size=size, group=group)
    for text in _printed(poly):
        assert _same(finite_size_poly(text, TWO, basis, size=size, group=group), poly), text


@settings(max_examples=30)
@given(words(TWO, max_size=4), words(TWO, max_size=3), st.sampled_from(["moments", "cumulants"]),
       st.sampled_from([(), (0,), (1,), (0, 1)]))
def test_covariance_forms_parse_back(first, second, basis, random):
    poly = covariance_poly(" ".join(first), " ".join(second), TWO, random=random, basis=basis)
    for text in _printed(poly):
        assert expand_poly(text, TWO, basis) == poly, text


def test_the_readme_example_parses_back():
    text = ("tr(A)**2*tr(R)**2 + tr(A)**2*κ(R, R) + tr(R)**2*κ(A, A) "
            "- (1/((N - 1)*(N + 1)))*κ(A, A)*κ(R, R)")
    form = expand("tr(A R A R)", ["A", "R"], "cumulants", size=SIZE)
    assert sympy.expand(expand(text, ["A", "R"], "cumulants", size=SIZE) - form) == 0
    assert sympy.expand(sympy.sympify(text, locals={"N": SIZE, "κ": sympy.Function("κ"), "tr": sympy.Function(
        "tr")}) - sympy.sympify(str(form), locals={"N": SIZE, "κ": sympy.Function("κ"),
                                                    "tr": sympy.Function("tr")})) == 0


def test_second_order_cumulants_parse_into_the_same_atoms():
    for text in ("κ(X | X)", "κ(X, X | X, X)", "κ(X | X, X, X)", "κ(X^2 | X)"):
        poly = expand_poly(text, ["X"], "moments")
        assert to_text(poly) == text.replace("X^2 | X", "X | X^2")
        assert sympy_to_poly(poly_to_sympy(poly)) == poly


def test_cumulants_of_any_elements_follow_the_moment_cumulant_formula():
    assert parse("kappa(A, B)") == parse("κ(A, B)") == Kappa((Letter("A"), Letter("B")))
    assert parse("κ(A | B)") == Kappa2((Letter("A"),), (Letter("B"),))
    assert expand("κ(A)", ["A"]) == expand("tr(A)", ["A"])
    assert expand("κ(A, A)", ["A"]) == expand("tr(A^2) - tr(A)^2", ["A"])
    # multilinear: kappa(A + B, R) of free families vanishes (mixed cumulants of free elements)
    assert expand("κ(A + B, R)", ["A,B", "R"]) == 0
    assert expand("κ(Ā, Ā)", ["A"], "cumulants") == expand("κ(A, A)", ["A"], "cumulants")


@pytest.mark.parametrize("text, message", [
    ("κ()", "empty argument list"),
    ("κ(A | A | A)", "at most two sides"),
    ("tr(A)/tr(R)", "division by a number"),
    ("tr(A)/N", "declare the size symbol"),
    ("tr(A)*N**(-2)", "negative powers"),
])
def test_parse_errors_are_one_line(text, message):
    with pytest.raises(ParseError, match=message) as info:
        expand_poly(text, ["A", "R", "N"], "moments")
    assert "\n" not in str(info.value)


def test_refusals_name_the_problem():
    with pytest.raises(FreecalcError, match="finite-size"):
        finite_size_poly("κ(A | A)", ["A", "R"], size=SIZE)
    with pytest.raises(FreecalcError, match="one family"):
        expand_poly("κ(A | R)", ["A", "R"])
    with pytest.raises(FreecalcError, match="division by zero"):
        finite_size_poly("tr(A)/(N - N)", ["A", "R"], size=SIZE)
    with pytest.raises(FreecalcError, match="no value here"):
        expand_poly(parse("N*tr(A)", scalars=("N",)), ["A"])


@pytest.mark.parametrize("arguments", [
    ["expand", "-tr(A R)", "--free", "A", "--free", "R"],
    ["expand", "--", "-tr(A R)", "--free", "A", "--free", "R"],
    ["expand", "--free", "A", "--free", "R", "--", "-tr(A R)"],
    ["expand", "-2*tr(A R) + tr(A)", "--free", "A", "--free", "R"],
])
def test_the_command_line_takes_expressions_that_start_with_a_minus(arguments):
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    assert "-" in result.output and "tr(A)*tr(R)" in result.output


def test_covariance_takes_words_that_start_with_a_minus():
    result = CliRunner().invoke(cli, ["covariance", "-A R", "A R", "--free", "A", "--free", "R"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("lim Cov(Tr -A R, Tr A R) = -")


def test_the_command_line_round_trip_at_size_n():
    arguments = ["--free", "A", "--free", "R", "--size", "N", "--basis", "cumulants"]
    first = subprocess.run([sys.executable, "-m", "freecalc", "expand", "tr(A R A R)", *arguments],
                           capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([sys.executable, "-m", "freecalc", "expand", first.stdout.strip(), *arguments],
                            capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
