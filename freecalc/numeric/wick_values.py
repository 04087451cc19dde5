"""Numeric values of the Wick engine's closed forms on concrete matrices.

A closed form of :func:`freecalc.gaussian.wick.wick_expectation` is a sum of terms ``coefficient * (traces)
* (product of fixed matrices)``: the coefficient is a rational function of ``k``, ``d``, ``s2`` and the
moments :class:`~freecalc.gaussian.atoms.ReadoutMoment` ``E[a^p]``, the traces are
:class:`~freecalc.gaussian.atoms.FixedTrace` atoms ``Tr(M B' ...)`` (unnormalized) and the product is a word
in :class:`~freecalc.gaussian.atoms.FixedMatrix` atoms ``M``, ``M'`` (transpose) and ``I``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy

from ..errors import ParameterError
from ..gaussian.atoms import DIM, IDENTITY, S2, FixedMatrix, FixedTrace, K, moment_symbol

__all__ = ["evaluate_wick"]


def _factor(name: str, transposed: bool, matrices: Mapping[str, np.ndarray]) -> np.ndarray:
    if name not in matrices:
        raise ParameterError(f"no matrix given for {name!r}")
    matrix = np.asarray(matrices[name], dtype=float)
    return matrix.T if transposed else matrix


def _product(factors: list[tuple[str, bool]], matrices: Mapping[str, np.ndarray], dim: int) -> np.ndarray:
    out = np.eye(dim)
    for name, transposed in factors:
        out = out @ _factor(name, transposed, matrices)
    return out


def evaluate_wick(expr: sympy.Expr, matrices: Mapping[str, np.ndarray], *, k: int,
                  s2: float | None = None, moments: Mapping[int, float] | None = None) -> np.ndarray | float:
    """Value of a Wick closed form: a d x d array (d from the matrices) or a float for scalar forms.

    ``moments`` gives ``E[a^p]`` for the moment atoms left in ``expr``; ``s2`` the entry variance if it
    was kept symbolic.
    """
    if not matrices:
        raise ParameterError("give at least one fixed matrix (it fixes d)")
    dim = next(iter(matrices.values())).shape[0]
    values: dict[sympy.Symbol, object] = {K: k, DIM: dim}
    if s2 is not None:
        values[S2] = s2
    for p, m in (moments or {}).items():
        values[moment_symbol(p)] = m
    total: np.ndarray | float = 0.0
    is_matrix = False
    for term in sympy.Add.make_args(sympy.expand(expr)):
        commutative, noncommutative = term.args_cnc()
        scalar = 1.0
        for factor in commutative:
            base, power = factor.as_base_exp()
            if isinstance(base, FixedTrace):
                scalar *= float(np.trace(_product(list(base.factors), matrices, dim))) ** int(power)
            else:
                value = sympy.sympify(factor).subs(values)
                if not value.is_number:
                    missing = sorted(map(str, value.free_symbols))
                    raise ParameterError(f"no value for {missing} in the closed form")
                scalar *= float(value)
        if noncommutative:
            is_matrix = True
            factors: list[tuple[str, bool]] = []
            for factor in noncommutative:
                base, power = factor.as_base_exp()
                if not isinstance(base, FixedMatrix):
                    raise ParameterError(f"{base} is not a fixed matrix of a Wick closed form")
                if base != IDENTITY:
                    factors += [(base.base, base.transposed)] * int(power)
            total = total + scalar * _product(factors, matrices, dim)
        else:
            total = total + scalar
    return total if is_matrix else float(total)
