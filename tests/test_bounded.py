"""Bounded work: every expansion is estimated before it runs, and answers or is refused within its limits."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import THREE, TWO, words

from freecalc.errors import WorkLimitError
from freecalc.free.interpret import expand_poly
from freecalc.free.words import parse
from freecalc.free.workload import MAX_LETTERS, WorkLimits, estimate, expression_size


@settings(max_examples=60)
@given(word=words(TWO, max_size=12), basis=st.sampled_from(["moments", "cumulants", "mixed"]),
       max_steps=st.sampled_from([10, 200, 5000]), max_terms=st.sampled_from([3, 50, 2000]))
def test_any_word_answers_or_is_refused_within_the_estimate(word, basis, max_steps, max_terms):
    steps = []
    limits = WorkLimits(max_steps, max_terms)
    work = estimate(word, TWO, basis, max_steps, max_terms)
    try:
        result = expand_poly(word, TWO, basis, limits=limits, progress=steps.append)
    except WorkLimitError as refusal:
        assert "limit" in str(refusal) and "\n" not in str(refusal)
        return
    assert len(result) <= max_terms  # an answer never exceeds the limit on terms
    assert sum(steps) <= max_steps and work.steps <= max_steps  # nor the steps it was estimated at


@settings(max_examples=40)
@given(word=words(THREE, max_size=9), exponent=st.integers(min_value=0, max_value=4))
def test_the_size_bound_holds_for_powers_and_products_of_traces(word, exponent):
    text = f"tr(({' '.join(word)})^{exponent}) tr({' '.join(word)})^{exponent}"
    size = expression_size(parse(text))
    poly = expand_poly(text, THREE, "moments")
    assert max((len(m) for m in poly), default=0) <= size.degree  # atoms per monomial


@pytest.mark.parametrize("expression, message", [
    ("tr(A^100000)", "words of 100,000 letters"),
    ("tr(A^1000000)", "words of 1,000,000 letters"),
    ("tr(A)^100000", "multiplies up to 100,000 traces"),
    ("tr((A + B)^30)", "1,073,741,824 words"),
    ("tr((A + B)^1000)", r"more than 1e\+30 words"),
])
def test_expressions_too_large_to_build_are_refused_before_building(expression, message):
    with pytest.raises(WorkLimitError, match=message):
        expand_poly(expression, ["A,B"], limits=WorkLimits())


def test_a_closed_form_over_the_term_limit_is_refused_even_when_each_word_is_not():
    limits = WorkLimits(max_terms=2)  # tr(A R A R) has three terms
    with pytest.raises(WorkLimitError, match="3 terms, over the limit of 2"):
        expand_poly("tr(A R A R)", ["A", "R"], limits=limits)
    assert len(expand_poly("tr(A R A R)", ["A", "R"], limits=WorkLimits(max_terms=3))) == 3


def test_powers_by_squaring_equal_repeated_products():
    direct = expand_poly("tr(" + " ".join(["A R"] * 7) + ")", ["A", "R"])
    assert expand_poly("tr((A R)^7)", ["A", "R"]) == direct
    assert len(expand_poly(f"tr(A^{MAX_LETTERS})", ["A"])) == 1  # one atom, built at the limit
