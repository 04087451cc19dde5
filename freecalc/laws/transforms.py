"""The R- and S-transforms as functions near 0, by inverting the Cauchy transform with Newton's method.

``R(w) = G^(-1)(w) - 1/w`` (Voiculescu; Nica & Speicher, Lecture 16; Mingo & Speicher, Section 3.4) and
``S(w) = chi(w) (1 + w) / w`` with ``chi = psi^(-1)``, ``psi(z) = int zt/(1 - zt) dmu(t) = G(1/z)/z - 1``
(Nica & Speicher, Lecture 18), for small complex w where the inverses are analytic; the series of both are
:meth:`~freecalc.laws.base.Law.r_series` and :meth:`~freecalc.laws.base.Law.s_series`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["r_transform", "s_transform"]


def _newton(f, df, start, steps: int = 60) -> np.ndarray:
    z = start.astype(complex)
    for _ in range(steps):
        step = f(z) / df(z)
        z = z - step
        if np.all(np.abs(step) <= 1e-15 * (1 + np.abs(z))):
            break
    return z


def r_transform(law, w) -> np.ndarray:
    """``R(w) = G^(-1)(w) - 1/w``: Newton on ``G(z) = w`` from ``z = 1/w + mean``.

    >>> from freecalc.laws.closed import Semicircle
    >>> bool(abs(r_transform(Semicircle(2.0), 0.1j) - 0.2j) < 1e-13)  # R(w) = s w
    True
    """
    w = np.asarray(w, dtype=complex)
    z = _newton(lambda z: law.cauchy(z) - w, law.cauchy_derivative, 1 / w + law.mean)
    return z - 1 / w


def s_transform(law, w) -> np.ndarray:
    """``S(w) = chi(w) (1 + w)/w`` with ``psi(chi(w)) = w``, Newton from ``chi = w / mean``.

    >>> from freecalc.laws.closed import FreePoisson
    >>> bool(abs(s_transform(FreePoisson(2.0), 0.1j) - 1 / (0.1j + 2)) < 1e-13)  # S(w) = 1/(w + lam)
    True
    """
    w = np.asarray(w, dtype=complex)

    def psi(z):
        return law.cauchy(1 / z) / z - 1

    def dpsi(z):
        return -law.cauchy_derivative(1 / z) / z**3 - law.cauchy(1 / z) / z**2

    chi = _newton(lambda z: psi(z) - w, dpsi, w / law.mean)
    return chi * (1 + w) / w
