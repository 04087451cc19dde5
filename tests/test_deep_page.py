"""The depth derivation page: marker, verdict and the Isserlis derivation of the finite-width form."""

import numpy as np
import pytest
import sympy

from freecalc.derive.catalogue import MARKER
from freecalc.derive.deep import deep_page, isserlis_check
from freecalc.networks.kernels import quadratic_two_layer_ptk


def test_isserlis_derivation_gives_the_finite_width_form():
    derived, correction, agrees = isserlis_check()
    a, b, c, k = sympy.symbols("a b c k", positive=True)
    assert agrees
    assert sympy.expand(correction - (26 * a * b * c + 16 * c**3) / k) == 0
    assert sympy.limit(derived, k, sympy.oo) == sympy.expand(c * (a * b + 2 * c**2))
    X = np.random.default_rng(0).standard_normal((2, 3))
    gram = X @ X.T / 3
    values = {a: gram[0, 0], b: gram[1, 1], c: gram[0, 1], k: 5}
    expected = 16 * float(derived.subs(values)) * 0.8**2 * 1.5**4
    assert quadratic_two_layer_ptk(X, 5, scales=(1.0, 1.5), readout_scale=0.8)[0, 1] == pytest.approx(
        expected, rel=1e-12)


@pytest.mark.slow
def test_the_page_is_written_and_checked():
    text, verdict = deep_page()
    assert text.startswith(MARKER) and verdict == "checked" and "Verdict: **checked**" in text
    assert "plain substitution" in text and "log-normal" in text
