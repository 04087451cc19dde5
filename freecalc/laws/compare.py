"""Distances between a predicted law and sampled eigenvalues (Kolmogorov-Smirnov), and between two samples.

Eigenvalues within ``1e-8`` of a predicted atom count at the atom (rounding of a matrix's zero eigenvalues
would otherwise spread an atom's jump over many tiny steps).
"""

from __future__ import annotations

import numpy as np

from .base import Law

__all__ = ["ks_distance", "ks_two_sample"]


def _snapped(values, atoms) -> np.ndarray:
    values = np.sort(np.asarray(values, dtype=float))
    for location, _ in atoms:
        values[np.abs(values - location) < 1e-8] = location
    return values


def ks_distance(law: Law, eigenvalues) -> float:
    """``sup_x |F_N(x) - F(x)|`` between the eigenvalues' distribution function and the law's.

    >>> from freecalc.laws.atomic import bernoulli
    >>> ks_distance(bernoulli(0.5), [0.0, 1.0, 1.0, 1.0])
    0.25
    """
    values = _snapped(eigenvalues, law.atoms())
    n = values.size
    upper = law.cdf(values)
    lower = upper - sum(m * (values == a) for a, m in law.atoms())  # the cdf just left of each value
    return float(max(np.max(np.arange(1, n + 1) / n - upper), np.max(lower - np.arange(n) / n), 0.0))


def ks_two_sample(first, second, atoms=()) -> float:
    """``sup_x |F_1(x) - F_2(x)|`` between two samples' distribution functions.

    >>> ks_two_sample([0.0, 1.0], [0.5, 1.5, 2.0, 3.0])
    0.75
    """
    a, b = _snapped(first, atoms), _snapped(second, atoms)
    x = np.concatenate([a, b])
    return float(np.max(np.abs(np.searchsorted(a, x, side="right") / a.size
                               - np.searchsorted(b, x, side="right") / b.size)))
