"""The R-transform and Voiculescu's S-transform as power series, from cumulants and moments.

``R(z) = sum_{n>=0} kappa_(n+1) z^n`` linearises free additive convolution, ``S`` free multiplicative
convolution (Nica & Speicher, *Lectures on the Combinatorics of Free Probability*, Lectures 16 and 18;
Voiculescu 1987).
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

__all__ = ["r_transform_series", "s_transform_series"]


def r_transform_series(cumulants: Sequence) -> list:
    """Coefficients of the R-transform ``R(z) = sum_{n>=0} kappa_(n+1) z^n`` (Nica & Speicher, Lecture 16).

    Additive for free variables, ``R_(a+b) = R_a + R_b``, since their free cumulants add (Nica & Speicher,
    Lecture 12, sums of free random variables).

    >>> r_transform_series([0, 1, 0])
    [0, 1, 0]
    """
    return list(cumulants)


def s_transform_series(moments: Sequence, order: int | None = None) -> list:
    """Coefficients ``s_0..s_(N-1)`` of Voiculescu's S-transform from moments ``m_1..m_N``, ``m_1 != 0``.

    ``psi(z) = sum_{n>=1} m_n z^n``, ``chi = psi^(-1)`` (compositional inverse),
    ``S(z) = chi(z) (1 + z) / z``;
    multiplicative for free variables, ``S_(ab) = S_a S_b`` (Voiculescu 1987; Nica & Speicher, Lecture 18).

    Free Poisson of rate 1 (moments 1, 2, 5, 14) has ``S(z) = 1 / (1 + z)``:

    >>> s_transform_series([1, 2, 5, 14])
    [1, -1, 1, -1]
    """
    m = [sympy.sympify(x) for x in moments]
    size = len(m) if order is None else order
    if not m or m[0] == 0:
        raise ValueError("the S-transform needs a non-zero first moment")
    # chi(w) = sum_{k>=1} c_k w^k with psi(chi(w)) = w, solved order by order
    c = [sympy.Integer(0), 1 / m[0]]
    for k in range(2, size + 1):
        # coefficient of w^k in sum_{j>=2} m_j chi(w)^j, using chi truncated at order k-1
        total = sympy.Integer(0)
        power = [sympy.Integer(0)] * (k + 1)
        power[0] = sympy.Integer(1)
        for j in range(1, k + 1):
            nxt = [sympy.Integer(0)] * (k + 1)
            for a in range(k + 1):
                if power[a] == 0:
                    continue
                for b in range(1, min(k - a, len(c) - 1) + 1):
                    nxt[a + b] += power[a] * c[b]
            power = nxt
            if j >= 2 and j <= len(m):
                total += m[j - 1] * power[k]
        c.append(sympy.simplify(-total / m[0]))
    return [sympy.simplify(c[k + 1] + c[k]) for k in range(size)]
