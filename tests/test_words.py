"""The parser and the family bookkeeping."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import THREE, TWO, words

from freecalc import FamilyError, ParseError, expand, parse
from freecalc.free.interpret import expand_poly
from freecalc.free.printing import ordered_terms, to_latex, to_text
from freecalc.free.words import Bar, Families, Letter, Num, Power, Product, Scale, Sum, Tr, canonical_rotation


def test_grammar_forms():
    a, r, b = Letter("A"), Letter("R"), Letter("B")
    assert parse("tr(A R A R B R)") == Tr(Product((a, r, a, r, b, r)))
    assert parse("tr(A*R^2*B)") == Tr(Product((a, Power(r, 2), b)))
    assert parse("tr(A*R**2*B)") == parse("tr(A*R^2*B)")
    assert parse("tr((A R)^3)") == Tr(Power(Product((a, r)), 3))
    assert parse("2*tr(A R) - tr(A)*tr(R)") == Sum(
        (Product((Num(Fraction(2)), Tr(Product((a, r))))), Scale(Fraction(-1), Product((Tr(a), Tr(r)))))
    )
    assert parse("tr(bar(A) R)") == Tr(Product((Bar(a), r)))
    assert parse("tr(Ā R)") == parse("tr(bar(A) R)")  # precomposed U+0100
    assert parse("tr(A\u0304 R)") == parse("tr(bar(A) R)")  # combining macron
    assert parse("tr(A1 R_0)") == Tr(Product((Letter("A1"), Letter("R_0"))))
    assert parse("tr(A)/2") == Scale(Fraction(1, 2), Tr(a))


@pytest.mark.parametrize(
    "text, message",
    [
        ("tr(A R", "unbalanced parentheses"),
        ("tr(A R))", "unbalanced parentheses"),
        ("tr()", "empty word"),
        ("", "empty expression"),
        ("   ", "empty expression"),
        ("tr(A R)^-1", "negative powers"),
        ("tr(A $ R)", "unexpected character"),
        ("tr(A)/tr(R)", "division by a number"),
        ("tr(A)/0", "division by zero"),
        ("tr A", "must be followed by"),
    ],
)
def test_parse_errors_are_one_line(text, message):
    with pytest.raises(ParseError, match=message) as info:
        parse(text)
    assert "\n" not in str(info.value)


def test_family_errors():
    with pytest.raises(FamilyError, match="in two families"):
        Families.of("A,B", "B,R")
    with pytest.raises(FamilyError, match="in no family"):
        expand("tr(A Q)", ["A", "R"])
    with pytest.raises(FamilyError, match="not a valid letter"):
        Families.of("tr", "R")
    with pytest.raises(FamilyError, match="empty"):
        Families.of("", "R")


@given(words(TWO, max_size=8))
def test_canonical_rotation_is_a_rotation_and_rotation_invariant(word):
    canon = canonical_rotation(word)
    assert any(canon == word[i:] + word[:i] for i in range(len(word)))
    assert all(canonical_rotation(word[i:] + word[:i]) == canon for i in range(len(word)))


@settings(max_examples=40, deadline=None)
@given(words(THREE, min_size=1, max_size=7), st.sampled_from(["moments", "centered"]))
def test_printed_closed_forms_parse_back_to_the_same_polynomial(word, basis):
    """The engine's printer (not sympy's) writes text in the grammar: reading it back gives the same form."""
    poly = expand_poly(word, THREE, basis)
    assert expand_poly(to_text(poly), THREE, basis) == poly


def test_printer_orders_terms_canonically_and_latex_has_every_term():
    poly = expand_poly("tr(A R A R S R)", THREE, "moments")
    terms = ordered_terms(poly)
    keys = [tuple((name, -p) for name, p, _ in factors) for factors, _ in terms]
    assert keys == sorted(keys) and len(set(keys)) == len(keys) == len(poly)
    reordered = dict(reversed(list(poly.items())))  # another insertion order prints the same
    assert to_text(reordered) == to_text(poly)
    latex = to_latex(poly)
    assert latex.count("+") + latex.count("-") == len(poly) - (0 if latex.startswith("-") else 1)
