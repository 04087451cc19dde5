"""Numeric values of the Wick engine's closed forms on concrete matrices.

A closed form of :func:`freecalc.wick.wick_expectation` is a sum of terms ``coefficient * (traces) *
(product of fixed matrices)``: the coefficient is a rational function of ``k``, ``d``, ``s2`` and the
moments ``E[a^p]``, the traces are Symbols ``Tr(M B' ...)`` (unnormalized) and the product is a word in
non-commuting Symbols ``M``, ``M'`` (transpose) and ``I``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy

from ..errors import ParameterError
from ..wick import DIM, IDENTITY, S2, K

__all__ = ["evaluate_wick"]


def _factor(name: str, matrices: Mapping[str, np.ndarray]) -> np.ndarray:
    base = name.rstrip("'")
    if base not in matrices:
        raise ParameterError(f"no matrix given for {base!r}")
    matrix = np.asarray(matrices[base], dtype=float)
    return matrix.T if name.endswith("'") else matrix


def _product(names: list[str], matrices: Mapping[str, np.ndarray], dim: int) -> np.ndarray:
    out = np.eye(dim)
    for name in names:
        out = out @ _factor(name, matrices)
    return out


def evaluate_wick(expr: sympy.Expr, matrices: Mapping[str, np.ndarray], *, k: int,
                  s2: float | None = None, moments: Mapping[int, float] | None = None) -> np.ndarray | float:
    """Value of a Wick closed form: a d x d array (d from the matrices) or a float for scalar forms.

    ``moments`` gives ``E[a^p]`` for the moment Symbols left in ``expr``; ``s2`` the entry variance if it
    was kept symbolic.
    """
    if not matrices:
        raise ParameterError("give at least one fixed matrix (it fixes d)")
    dim = next(iter(matrices.values())).shape[0]
    values: dict[sympy.Symbol, object] = {K: k, DIM: dim}
    if s2 is not None:
        values[S2] = s2
    for p, m in (moments or {}).items():
        values[sympy.Symbol(f"E[a^{p}]")] = m
    total: np.ndarray | float = 0.0
    is_matrix = False
    for term in sympy.Add.make_args(sympy.expand(expr)):
        commutative, noncommutative = term.args_cnc()
        scalar = 1.0
        for factor in commutative:
            base, power = factor.as_base_exp()
            if isinstance(base, sympy.Symbol) and base.name.startswith("Tr("):
                names = base.name[3:-1].split()
                scalar *= float(np.trace(_product(names, matrices, dim))) ** int(power)
            else:
                value = sympy.sympify(factor).subs(values)
                if not value.is_number:
                    missing = sorted(map(str, value.free_symbols))
                    raise ParameterError(f"no value for {missing} in the closed form")
                scalar *= float(value)
        if noncommutative:
            is_matrix = True
            names: list[str] = []
            for factor in noncommutative:
                base, power = factor.as_base_exp()
                if base != IDENTITY:
                    names += [base.name] * int(power)
            total = total + scalar * _product(names, matrices, dim)
        else:
            total = total + scalar
    return total if is_matrix else float(total)
