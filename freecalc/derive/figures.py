"""Floating-point figures of the derivation pages, printed with only the digits every machine reproduces.

The pages are compared byte for byte (:func:`freecalc.derive.check_derivations`), on machines whose BLAS
kernels, thread counts and summation orders differ; a float computed two ways differs in its last bits
(relative ``~1e-16`` per operation, ``u = 2^-53``; Higham, *Accuracy and Stability of Numerical Algorithms*,
2nd ed., 2002, Section 3.1: a sum or product of n terms moves by at most ``n u`` times the sum of the
absolute terms). Each kind of figure is printed at a precision its computation guarantees:

* **round-off** (a residual that is zero in exact arithmetic, e.g. ``Tr(GH) - Tr(AMANAM)``): the bound
  ``< 1e-12`` instead of the residual, or the residual itself when it is larger (then a check fails);
* **a Monte Carlo estimate** ``m`` with standard error ``s``: ``s`` to two significant digits and ``m`` to the
  same decimal place (JCGM 100:2008, *Guide to the expression of uncertainty in measurement*, 7.2.6: at
  most two significant digits for an uncertainty); digits below are noise of the sample;
* **an exact quantity evaluated in float64** (a closed form on fixed matrices): six significant digits, far
  above its round-off (relative ``< 1e-12`` for the sums of the pages);
* **ratios and distances in standard errors** (z-scores): one decimal, never ``-0.0``.

>>> estimate(0.80868, 0.006271)
'0.8087 ± 0.0063'
>>> estimate(4292612345.0, 14012345.0)
'(4.293 ± 0.014)e+09'
>>> roundoff(3.6e-16), roundoff(2e-9)
('< 1e-12', '2.0e-09')
>>> fixed(-0.04, 1), signed(-1e-15, 3), exact(7.5809612)
('0.0', '+0.000', '7.58096')
"""

from __future__ import annotations

import math

__all__ = ["ROUNDOFF_BOUND", "decimals_of", "estimate", "at_precision", "roundoff", "exact", "fixed",
           "signed", "bound", "percent"]

ROUNDOFF_BOUND = 1e-12  # printed for residuals below it: 1e3-1e4 x the float64 round-off of the pages' sums


def decimals_of(stderr: float) -> int:
    """Decimal places that leave two significant digits of ``stderr`` (negative: tens, hundreds, ...).

    >>> decimals_of(0.0063), decimals_of(240.0), decimals_of(1.0)
    (4, -1, 1)
    """
    return 1 - math.floor(math.log10(stderr))


def _no_negative_zero(text: str) -> str:
    """``-0.00`` -> ``0.00``: a figure that rounds to zero has no sign."""
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def fixed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` places (negative: rounded to tens, hundreds, ...), never ``-0``.

    >>> fixed(4646.3, -1), fixed(2.25, 1)
    ('4650', '2.2')
    """
    if decimals < 0:
        return _no_negative_zero(f"{round(value, decimals):.0f}")
    return _no_negative_zero(f"{value:.{decimals}f}")


def signed(value: float, decimals: int) -> str:
    """``value`` with an explicit sign, ``+0.000`` for anything that rounds to zero.

    >>> signed(0.0449, 3), signed(-0.5, 1)
    ('+0.045', '-0.5')
    """
    text = fixed(value, decimals)
    return text if text.startswith("-") else "+" + text


def at_precision(value: float, stderr: float) -> str:
    """``value`` alone, rounded where :func:`estimate` rounds it for this ``stderr``.

    >>> at_precision(0.045213, 0.0016)
    '0.0452'
    """
    if not (math.isfinite(stderr) and stderr > 0):
        return exact(value)
    return fixed(value, decimals_of(stderr))


def estimate(mean: float, stderr: float) -> str:
    """``mean ± stderr``: two significant digits of the standard error, the mean to the same place.

    Large or small magnitudes share one power of ten: ``(4.293 ± 0.014)e+09``.

    >>> estimate(-0.000191, 0.00024), estimate(4646.0, 241.0), estimate(2.0, 0.0)
    ('-0.00019 ± 0.00024', '4650 ± 240', '2 ± 0')
    """
    if not (math.isfinite(stderr) and stderr > 0):
        return f"{exact(mean)} ± 0"
    places = decimals_of(stderr)
    scale = max(abs(mean), stderr)
    if 1e-4 <= scale < 1e5:
        return f"{fixed(mean, places)} ± {fixed(stderr, places)}"
    power = math.floor(math.log10(scale))
    shift = 10.0**power
    return f"({fixed(mean / shift, places + power)} ± {fixed(stderr / shift, places + power)})e{power:+03d}"


def roundoff(residual: float, limit: float = ROUNDOFF_BOUND) -> str:
    """A residual that is zero in exact arithmetic: ``< limit`` when below it, else its value.

    >>> roundoff(0.0), roundoff(5e-16, 1e-10)
    ('< 1e-12', '< 1e-10')
    """
    return f"< {limit:.0e}".replace("e-0", "e-") if abs(residual) < limit else f"{residual:.1e}"


def bound(value: float, limit: float) -> str:
    """A small non-negative figure that only matters against ``limit``: ``< limit`` or two digits.

    >>> bound(3.9e-10, 1e-6), bound(0.0151, 1e-6)
    ('< 1e-6', '1.5e-02')
    """
    return roundoff(value, limit)


def exact(value: float, digits: int = 6) -> str:
    """An exact quantity evaluated in float64: ``digits`` significant digits, never ``-0``.

    >>> exact(400.870123), exact(0.000247705123), exact(0.0)
    ('400.87', '0.000247705', '0')
    """
    return _no_negative_zero(f"{value:.{digits}g}")


def percent(fraction: float) -> str:
    """A ratio derived from a standard error, as a percentage with two significant digits (whole above 10%).

    >>> percent(0.0025), percent(0.0104), percent(4.81)
    ('0.25%', '1%', '481%')
    """
    value = 100 * fraction
    return f"{value:.0f}%" if value >= 10 else f"{value:.2g}%"
