"""Moments, free cumulants and the S-transform as floating-point power series (numpy).

The exact, symbolic conversions are :mod:`freecalc.free.cumulants` and :mod:`freecalc.free.transforms`;
these are their float versions for law objects, with the same formulas:

* moments from free cumulants, ``m_n = sum_{s=1}^n kappa_s [z^(n-s)] M(z)^s`` with ``M(z) = 1 + sum m_j z^j``
  (Nica & Speicher, *Lectures on the Combinatorics of Free Probability*, Lecture 11 and Remark 16.18);
* the S-transform ``S(z) = chi(z) (1 + z) / z`` with ``chi`` the compositional inverse of
  ``psi(z) = sum_{n>=1} m_n z^n`` (Voiculescu 1987; Nica & Speicher, Lecture 18), multiplicative for free
  variables, and back.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cumulants_to_moments", "moments_to_cumulants", "moments_to_s", "s_to_moments",
           "compose_inverse"]


def _mul(a: np.ndarray, b: np.ndarray, order: int) -> np.ndarray:
    """Product of two series (coefficients of z^0..z^order) truncated at z^order."""
    return np.convolve(a, b)[: order + 1]


def cumulants_to_moments(cumulants) -> np.ndarray:
    """Moments ``m_1..m_n`` from free cumulants ``kappa_1..kappa_n`` (Nica & Speicher, Lecture 11).

    Free Poisson of rate 2 (all cumulants 2) has moments 2, 6, 22:

    >>> cumulants_to_moments([2.0, 2.0, 2.0]).tolist()
    [2.0, 6.0, 22.0]
    """
    kappa = np.asarray(cumulants, dtype=float)
    n = len(kappa)
    m = np.zeros(n + 1)
    m[0] = 1.0
    for order in range(1, n + 1):
        power = np.zeros(order + 1)
        power[0] = 1.0
        total = 0.0
        for s in range(1, order + 1):  # [z^(order-s)] M(z)^s with M known to z^(order-1)
            power = _mul(power, m[:order], order)
            total += kappa[s - 1] * power[order - s]
        m[order] = total
    return m[1:]


def moments_to_cumulants(moments) -> np.ndarray:
    """Free cumulants from moments: the inverse of :func:`cumulants_to_moments`, order by order.

    >>> moments_to_cumulants([0.0, 1.0, 0.0, 2.0]).round(12).tolist()
    [0.0, 1.0, 0.0, 0.0]
    """
    m = np.asarray(moments, dtype=float)
    kappa = np.zeros(len(m))
    for order in range(1, len(m) + 1):
        kappa[order - 1] = 0.0
        kappa[order - 1] = m[order - 1] - cumulants_to_moments(kappa[:order])[order - 1]
    return kappa


def compose_inverse(series) -> np.ndarray:
    """Coefficients ``c_1..c_n`` of the compositional inverse of ``f(z) = sum_{k>=1} a_k z^k``, ``a_1 != 0``.

    >>> compose_inverse([1.0, 1.0, 0.0]).tolist()  # z + z^2 -> w - w^2 + 2 w^3
    [1.0, -1.0, 2.0]
    """
    a = np.concatenate([[0.0], np.asarray(series, dtype=float)])
    n = len(a) - 1
    if a[1] == 0:
        raise ValueError("the series needs a non-zero linear coefficient")
    c = np.zeros(n + 1)
    c[1] = 1.0 / a[1]
    for k in range(2, n + 1):
        # [w^k] f(chi(w)) = 0 with chi known to w^(k-1): a_1 c_k + [w^k] sum_{j>=2} a_j chi^j = 0
        power = np.zeros(n + 1)
        power[0] = 1.0
        total = 0.0
        for j in range(1, k + 1):
            power = _mul(power, c, n)
            if j >= 2:
                total += a[j] * power[k]
        c[k] = -total / a[1]
    return c[1:]


def moments_to_s(moments) -> np.ndarray:
    """Coefficients ``s_0..s_(n-1)`` of ``S(z) = chi(z)(1 + z)/z`` from ``m_1..m_n`` (``m_1 != 0``).

    Free Poisson of rate 1 has ``S(z) = 1/(1 + z)`` (Nica & Speicher, Lecture 18):

    >>> moments_to_s([1.0, 2.0, 5.0, 14.0]).tolist()
    [1.0, -1.0, 1.0, -1.0]
    """
    chi = compose_inverse(moments)
    return chi + np.concatenate([[0.0], chi[:-1]])


def s_to_moments(s_series) -> np.ndarray:
    """Moments ``m_1..m_n`` from S-transform coefficients ``s_0..s_(n-1)`` (undoes :func:`moments_to_s`).

    ``chi(z) = z S(z)/(1 + z)``, then ``psi = chi^(-1)``.

    >>> s_to_moments([1.0, -1.0, 1.0, -1.0]).round(12).tolist()
    [1.0, 2.0, 5.0, 14.0]
    """
    s = np.asarray(s_series, dtype=float)
    n = len(s)
    geometric = (-1.0) ** np.arange(n)  # 1/(1 + z)
    chi = _mul(s, geometric, n - 1)  # chi(z)/z
    return compose_inverse(chi)
