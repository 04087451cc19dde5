"""Calibrated verdicts: tolerances with a stated false-alarm rate, and the power they leave.

A check compares the mean of n independent samples (one per Haar rotation) with a reference value. Under
the hypothesis that the closed form is right, the standardized error is

* ``(mean - reference) / (sigma / sqrt(n))``, standard normal, when the spread ``sigma`` of one sample is
  predicted (exactly, or from the second-order limit); the tolerance is ``z_{1 - alpha/2} sigma / sqrt(n)``;
* ``(mean - reference) / (s / sqrt(n))`` with the sample standard deviation ``s``, Student's t with n - 1
  degrees of freedom (Student 1908), when it is not; the tolerance is ``t_{n-1, 1 - alpha/2} s / sqrt(n)``,

so that a correct closed form is called wrong with probability ``alpha`` whatever n (for Gaussian samples:
the fluctuations of traces of words in Haar-rotated matrices are asymptotically Gaussian, Mingo & Speicher,
*Free Probability and Random Matrices*, ch. 5). The spread itself is checked by the chi-square law of
``(n - 1) s^2 / sigma^2`` (Cochran's theorem), with the same ``alpha``. Power is the probability of flagging a
closed form that is off by one standard deviation of a sample, ``delta = sigma``: for the normal case
``Phi(-z - sqrt(n)) + Phi(sqrt(n) - z)``; for Student's t the non-central t law with parameter ``sqrt(n)``.

Quantiles are computed with mpmath (regularized incomplete beta and gamma functions, inverted by root
finding), so no statistics library is needed.

>>> round(normal_quantile(0.975), 4)
1.96
>>> round(student_t_quantile(0.975, 1), 3)  # the Cauchy law: tan(0.475 pi) = 12.706
12.706
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from math import sqrt
from statistics import NormalDist

__all__ = ["FALSE_ALARM", "MeanTolerance", "normal_quantile", "student_t_quantile", "chi_square_quantile",
           "mean_tolerance", "spread_interval"]

FALSE_ALARM = 1e-3  # the default rate at which a correct closed form is called wrong


def normal_quantile(p: float) -> float:
    """``Phi^-1(p)`` of the standard normal law."""
    return NormalDist().inv_cdf(p)


@cache
def student_t_quantile(p: float, dof: int) -> float:
    """The p-quantile of Student's t law with ``dof`` degrees of freedom (p >= 1/2).

    ``P(T <= t) = 1 - I_{dof / (dof + t^2)}(dof / 2, 1 / 2) / 2`` for t >= 0 (regularized incomplete beta;
    Abramowitz & Stegun 26.7.1), solved for t.

    >>> round(student_t_quantile(0.975, 10), 4)
    2.2281
    """
    import mpmath  # imported when needed: the command line reads FALSE_ALARM without it

    if not 0.5 <= p < 1 or dof < 1:
        raise ValueError("need 1/2 <= p < 1 and dof >= 1")

    def tail(t):
        return mpmath.betainc(dof / 2, 0.5, 0, dof / (dof + t * t), regularized=True) / 2 - (1 - p)

    upper = 2 * normal_quantile(p) + 1
    while tail(upper) > 0:
        upper *= 2
    return _root(tail, 0.0, upper)


@cache
def chi_square_quantile(p: float, dof: int) -> float:
    """The p-quantile of the chi-square law with ``dof`` degrees of freedom.

    ``P(X <= x) = P(dof / 2, x / 2)`` (regularized lower incomplete gamma; Abramowitz & Stegun 26.4.19).

    >>> round(chi_square_quantile(0.95, 1), 4)
    3.8415
    """
    import mpmath  # imported when needed: the command line reads FALSE_ALARM without it

    if not 0 < p < 1 or dof < 1:
        raise ValueError("need 0 < p < 1 and dof >= 1")

    def below(x):
        return mpmath.gammainc(dof / 2, 0, x / 2, regularized=True) - p

    upper = dof + 10 * sqrt(2 * dof) + 10
    while below(upper) < 0:
        upper *= 2
    return _root(below, 0.0, upper)


def _root(function, low: float, high: float) -> float:
    """The root of a monotone ``function`` between ``low`` and ``high`` (signs differ), by bisection."""
    rising = function(high) > function(low)
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        if (function(middle) > 0) == rising:
            high = middle
        else:
            low = middle
    return (low + high) / 2


@dataclass(frozen=True)
class MeanTolerance:
    """How far the mean may be from the reference under the hypothesis, and what that costs in power."""

    tolerance: float
    quantile: float  # z or t: the tolerance in standard errors
    method: str  # "predicted spread" or "Student t"
    false_alarm: float
    power: float  # probability of flagging an error of one standard deviation of a sample


def _noncentral_t_power(quantile: float, dof: int, shift: float, extra: float = 0.0) -> float:
    """``P(|Z + shift| > quantile sqrt(V / dof) + extra)``, Z normal, V chi-square with ``dof`` degrees.

    With ``extra = 0`` this is ``P(|T| > quantile)`` for T non-central t with parameter ``shift``,
    ``T = (Z + shift) / sqrt(V / dof)``: integrate the normal tail over the law of V.
    """
    import mpmath  # imported when needed: the command line reads FALSE_ALARM without it

    if extra == float("inf"):
        return 0.0

    def density(v):
        return mpmath.exp((dof / 2 - 1) * mpmath.log(v) - v / 2 - (dof / 2) * mpmath.log(2)
                          - mpmath.loggamma(dof / 2))

    def flagged(v):
        scale = quantile * mpmath.sqrt(v / dof) + extra
        return (mpmath.ncdf(-scale - shift) + mpmath.ncdf(shift - scale)) * density(v)

    return float(mpmath.quad(flagged, [0, dof, mpmath.inf]))


def mean_tolerance(samples: int, observed_sd: float, predicted_sd: float | None = None, *,
                   false_alarm: float = FALSE_ALARM, allowance: float = 0.0) -> MeanTolerance:
    """The tolerance of a mean of ``samples`` independent samples (module notes), plus ``allowance``.

    With ``predicted_sd`` the normal quantile times the predicted standard error; else Student's t quantile
    times the observed one. ``allowance`` (a deterministic bound, e.g. a finite-size bias) is added as is,
    and the stated power counts it: an allowance of ``a`` moves the threshold from ``q`` to
    ``q + a sqrt(n) / sd`` standard errors, so a wide allowance states a low power instead of the power of
    the spread alone.

    With the spread known, ``z_{0.9995} = 3.2905`` (normal tables) and the power against one sd is
    ``Phi(sqrt(20) - 3.2905) = Phi(1.1816) = 0.881``; unknown, ``t_{19, 0.9995} = 3.883`` (Student t tables):

    >>> t = mean_tolerance(20, 1.0, 1.0)
    >>> round(t.quantile, 4), round(t.tolerance, 4), round(t.power, 3)
    (3.2905, 0.7358, 0.881)
    >>> round(mean_tolerance(20, 1.0).quantile, 3)
    3.883
    """
    if samples < 2:
        raise ValueError("need at least 2 samples")
    p = 1 - false_alarm / 2
    shift = sqrt(samples)  # an error of one sd of a sample is sqrt(n) standard errors of the mean
    if predicted_sd is not None:
        z = normal_quantile(p)
        threshold = z + _in_standard_errors(allowance, predicted_sd, samples)
        power = (0.0 if threshold == float("inf") else
                 NormalDist().cdf(-threshold - shift) + NormalDist().cdf(shift - threshold))
        return MeanTolerance(z * predicted_sd / sqrt(samples) + allowance, z, "predicted spread",
                             false_alarm, power)
    t = student_t_quantile(p, samples - 1)
    power = _noncentral_t_power(t, samples - 1, shift, _in_standard_errors(allowance, observed_sd, samples))
    return MeanTolerance(t * observed_sd / sqrt(samples) + allowance, t, "Student t", false_alarm, power)


def _in_standard_errors(allowance: float, sd: float, samples: int) -> float:
    """An allowance in standard errors of the mean (infinite when the samples do not spread)."""
    if allowance <= 0:
        return 0.0
    return allowance * sqrt(samples) / sd if sd > 0 else float("inf")


def spread_interval(samples: int, *, false_alarm: float = FALSE_ALARM) -> tuple[float, float]:
    """Bounds of ``s / sigma`` that n samples respect with probability ``1 - false_alarm`` (chi-square).

    With 19 degrees of freedom, ``chi2_{0.025} = 8.907`` and ``chi2_{0.975} = 32.852`` (Abramowitz & Stegun,
    Table 26.8), so ``s / sigma`` lies in ``[sqrt(8.907 / 19), sqrt(32.852 / 19)]``:

    >>> low, high = spread_interval(20, false_alarm=0.05)
    >>> round(low, 3), round(high, 3)
    (0.685, 1.315)
    """
    dof = samples - 1
    low = chi_square_quantile(false_alarm / 2, dof)
    high = chi_square_quantile(1 - false_alarm / 2, dof)
    return sqrt(low / dof), sqrt(high / dof)
