"""The depth derivation page: marker, verdict and the Isserlis derivation of the finite-width form."""

import pytest
import sympy

from freecalc.derive.catalogue import MARKER
from freecalc.derive.deep import deep_page, isserlis_check


def test_isserlis_derivation_gives_the_finite_width_form():
    derived, correction, agrees = isserlis_check()
    a, b, c, k = sympy.symbols("a b c k", positive=True)
    assert agrees
    assert sympy.expand(correction - (26 * a * b * c + 16 * c**3) / k) == 0
    assert sympy.limit(derived, k, sympy.oo) == sympy.expand(c * (a * b + 2 * c**2))


@pytest.mark.slow
def test_the_page_is_checked_and_reproducible():
    text, verdict = deep_page()
    assert text.startswith(MARKER) and verdict == "checked" and "Verdict: **checked**" in text
    assert "plain substitution" in text and "log-normal" in text
