"""Numeric values of trace atoms and closed forms.

A closed form is a polynomial in family-local atoms (:mod:`freecalc.atoms`). Its value on concrete matrices
is obtained by evaluating each atom on the matrices of its own family: ``tr(w)`` as the normalized trace of
the matrix product (centered letters ``x - tr(x) 1``), and a cumulant through its moment expansion
(Nica & Speicher, Proposition 11.4).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

import mpmath
import numpy as np
import sympy

from .. import _poly
from ..atoms import atom_key
from ..cumulants import cumulant_in_moments_poly
from ..errors import MatrixError
from ..freeness import sympy_to_poly
from ..words import base_letter, is_centered

__all__ = ["normalized_trace", "word_trace", "MatrixTraces", "evaluate_poly", "evaluate"]


def normalized_trace(matrix: np.ndarray) -> float:
    """``tr(M) = Tr(M) / d``."""
    return float(np.real(np.trace(matrix))) / matrix.shape[0]


def _trace_of_product(a: np.ndarray, b: np.ndarray) -> float:
    """``tr(a b)`` without forming the product: ``sum_ij a_ij b_ji / d``."""
    return float(np.einsum("ij,ji->", a, b)) / a.shape[0]


def word_trace(matrices: Mapping[str, np.ndarray], word: tuple[str, ...]) -> float:
    """Normalized trace of the product of the matrices named by ``word`` (left to right)."""
    if not word:
        return 1.0
    if len(word) == 1:
        return normalized_trace(matrices[word[0]])
    product = matrices[word[0]]
    for letter in word[1:-1]:
        product = product @ matrices[letter]
    return _trace_of_product(product, matrices[word[-1]])


class MatrixTraces:
    """Values of trace atoms on given matrices (one square matrix per letter), memoised.

    Centered letters are evaluated with ``x - tr(x) I``; products of common prefixes are reused.
    """

    def __init__(self, matrices: Mapping[str, np.ndarray]) -> None:
        self.matrices = dict(matrices)
        self._values: dict[int, float] = {}
        self._centered: dict[str, np.ndarray] = {}

    def _matrix(self, letter: str) -> np.ndarray:
        if not is_centered(letter):
            try:
                return self.matrices[letter]
            except KeyError:
                raise MatrixError(f"no matrix for letter {letter}") from None
        if letter not in self._centered:
            base = self._matrix(base_letter(letter))
            self._centered[letter] = base - normalized_trace(base) * np.eye(base.shape[0])
        return self._centered[letter]

    def value(self, ident: int) -> float:
        """Value of the atom with this id."""
        if ident not in self._values:
            kind, payload = atom_key(ident)
            if kind == "tr":
                mats = {x: self._matrix(x) for x in set(payload)}
                self._values[ident] = word_trace(mats, payload)
            else:
                self._values[ident] = evaluate_poly(cumulant_in_moments_poly(ident), self.value)
        return self._values[ident]


def evaluate_poly(poly: _poly.Poly, value: Callable[[int], float]) -> float:
    """``sum c * prod value(atom)`` over the terms of an internal polynomial, in floating point."""
    total = 0.0
    for monomial, coefficient in poly.items():
        term = float(coefficient)
        for ident in monomial:
            term *= value(ident)
        total += term
    return total


def evaluate(expr: sympy.Expr, value: Callable[[int], float], *, precise: bool = False) -> float:
    """Value of a closed form (sympy expression in trace atoms) given a value for each atom id.

    With ``precise=True`` the sum is accumulated in mpmath at 50 digits (for closed forms whose terms
    cancel heavily).
    """
    poly = sympy_to_poly(expr)
    if not precise:
        return evaluate_poly(poly, value)
    with mpmath.workdps(50):
        total = mpmath.mpf(0)
        for monomial, coefficient in poly.items():
            c = Fraction(coefficient)
            term = mpmath.mpf(c.numerator) / c.denominator
            for ident in monomial:
                term *= mpmath.mpf(value(ident))
            total += term
        return float(total)
