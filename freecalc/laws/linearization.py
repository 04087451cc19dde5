"""Self-adjoint linearizations of self-adjoint polynomials in self-adjoint variables.

A linearization of ``p`` is a matrix ``L = b_0 + sum_i x_i (x) b_i`` (scalar matrices ``b``) of the block
form ``[[c, u], [u^T, Q]]`` with ``p = c - u Q^(-1) u^T`` (Schur complement), so that

    ``(z - p)^(-1) = [(Lambda(z) - L)^(-1)]_(1,1)``,  ``Lambda(z) = diag(z, 0, ..., 0)``

(Anderson, "Convergence of the largest singular value of a polynomial in independent Wigner matrices",
Ann. Probab. 41 (2013), Section 6; Belinschi, Mai & Speicher, J. reine angew. Math. 732 (2017),
Proposition 3.2; Helton, Mai & Speicher, J. Funct. Anal. 274 (2018), Section 3). Built term by term:

* a constant or a degree-1 term goes into the corner ``c``;
* a palindromic word ``x_1 ... x_k`` (``x_j = x_(k+1-j)``) with coefficient ``a`` is the ``k x k`` matrix
  with ``x_1 .. x_k`` on the anti-diagonal and ``-1`` just below it, its ``Q`` divided by ``a``
  (``-u (Q/a)^(-1) u^T = a x_1 ... x_k``);
* a word ``m`` and its reversal ``m^*`` with the same coefficient: from the (non-symmetric) pattern above,
  ``(u, Q, v)`` with ``-u Q^(-1) v = m``, the symmetric block ``[[0, u, v^T], [u^T, 0, Q^T], [v, Q, 0]]``
  gives ``m + m^*``.

The blocks are stacked along the diagonal and share the corner. E.g. ``xy + yx`` gives the 3 x 3
``[[0, x, y], [x, 0, -1], [y, -1, 0]]`` of Belinschi, Mai & Speicher's Example 4.1 (up to order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, ParseError

__all__ = ["Pencil", "parse_polynomial", "linearize", "evaluate_polynomial"]

_TERM = re.compile(r"\s*([+-])?\s*([0-9.]+(?:[eE][+-]?[0-9]+)?(?:/[0-9.]+)?)?\s*\*?\s*([^+-]*)")


def _coefficient(text: str) -> float:
    if "/" in text:
        top, bottom = text.split("/")
        return float(top) / float(bottom)
    return float(text)


def parse_polynomial(text: str) -> dict[tuple[str, ...], float]:
    """Words (tuples of letters) and coefficients of a polynomial such as ``"x y + y x - 2 x^2"``.

    >>> parse_polynomial("x y + y x + 0.5 x^2")
    {('x', 'y'): 1.0, ('y', 'x'): 1.0, ('x', 'x'): 0.5}
    """
    source = text.replace("**", "^")
    if not source.strip():
        raise ParseError("empty polynomial")
    out: dict[tuple[str, ...], float] = {}
    position = 0
    while position < len(source):
        match = _TERM.match(source, position)
        if match is None or match.end() == position:
            raise ParseError(f"cannot read the polynomial {text!r} at {source[position:]!r}")
        sign, number, body = match.groups()
        position = match.end()
        coefficient = (-1.0 if sign == "-" else 1.0) * (_coefficient(number) if number else 1.0)
        word: list[str] = []
        for factor in re.split(r"[\s*]+", body.strip()):
            if not factor:
                continue
            found = re.fullmatch(r"([A-Za-z][A-Za-z0-9_]*)(?:\^([0-9]+))?", factor)
            if found is None:
                raise ParseError(f"cannot read the factor {factor!r} in {text!r}")
            word += [found.group(1)] * int(found.group(2) or 1)
        if not word and not number:
            raise ParseError(f"empty term in {text!r}")
        key = tuple(word)
        out[key] = out.get(key, 0.0) + coefficient
    return {w: c for w, c in out.items() if c != 0}


@dataclass(frozen=True, eq=False)
class Pencil:
    """``L = constant + sum_letter x_letter (x) matrices[letter]``, symmetric n x n, Schur corner (0, 0)."""

    constant: np.ndarray
    matrices: dict[str, np.ndarray]

    @property
    def size(self) -> int:
        """N."""
        return self.constant.shape[0]

    def evaluate(self, values: dict[str, np.ndarray]) -> np.ndarray:
        """The block matrix ``L`` with each letter replaced by a (N x N) matrix: ``(n N) x (n N)``."""
        dim = next(iter(values.values())).shape[0]
        out = np.kron(self.constant, np.eye(dim))
        for letter, matrix in self.matrices.items():
            out += np.kron(matrix, values[letter])
        return out


def _pattern(word: tuple[str, ...]) -> list[tuple[int, int, str | None, float]]:
    """Entries of the k x k anti-diagonal pattern of a word: letters on it, -1 just below."""
    k = len(word)
    entries = [(i, k - 1 - i, word[i], 1.0) for i in range(k)]
    entries += [(i, k - i, None, -1.0) for i in range(1, k)]
    return entries


def linearize(polynomial: dict[tuple[str, ...], float]) -> Pencil:
    """A self-adjoint linearization of a self-adjoint polynomial (module docstring).

    >>> pencil = linearize(parse_polynomial("x y + y x"))
    >>> pencil.size, pencil.matrices["x"].tolist()
    (3, [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    """
    letters = sorted({letter for word in polynomial for letter in word})
    for word, c in polynomial.items():
        if abs(polynomial.get(word[::-1], 0.0) - c) > 1e-12 * max(1.0, abs(c)):
            raise ParameterError(f"the polynomial is not self-adjoint: {' '.join(word)} and its reversal "
                                 "need the same coefficient")
    entries: list[tuple[int, int, str | None, float]] = []
    size = 1
    done: set[tuple[str, ...]] = set()
    for word, c in polynomial.items():
        if word in done:
            continue
        done |= {word, word[::-1]}
        if len(word) <= 1:
            entries.append((0, 0, word[0] if word else None, c))
            continue
        k = len(word)
        pattern = _pattern(word)
        if word == word[::-1]:
            for i, j, letter, value in pattern:
                if i == 0 or j == 0:  # u and u^T: rows/columns of the corner
                    index = (0, size + j - 1) if i == 0 else (size + i - 1, 0)
                    entries.append((*index, letter, value))
                else:
                    entries.append((size + i - 1, size + j - 1, letter, value / c))
            size += k - 1
        else:
            # (u, Q, v) of the pattern; block [[0, u, v^T], [u^T, 0, Q^T], [v, Q, 0]], Q scaled by 1/c
            first, second = size, size + k - 1
            for i, j, letter, value in pattern:
                if i == 0:  # u: corner row, first block; u^T mirrored
                    entries += [(0, first + j - 1, letter, value), (first + j - 1, 0, letter, value)]
                elif j == 0:  # v: second block's column 0 entry; v^T in the corner row
                    entries += [(second + i - 1, 0, letter, value), (0, second + i - 1, letter, value)]
                else:  # Q at (second, first) block, Q^T at (first, second)
                    entries += [(second + i - 1, first + j - 1, letter, value / c),
                                (first + j - 1, second + i - 1, letter, value / c)]
            size += 2 * (k - 1)
    constant = np.zeros((size, size))
    matrices = {letter: np.zeros((size, size)) for letter in letters}
    for i, j, letter, value in entries:
        (constant if letter is None else matrices[letter])[i, j] += value
    return Pencil(constant, matrices)


def evaluate_polynomial(polynomial: dict[tuple[str, ...], float], values: dict[str, np.ndarray]
                        ) -> np.ndarray:
    """``p`` at N x N matrices (symmetrized, so that rounding keeps it self-adjoint).

    >>> x = np.diag([1.0, 2.0])
    >>> evaluate_polynomial(parse_polynomial("x^2 + 1"), {"x": x}).tolist()
    [[2.0, 0.0], [0.0, 5.0]]
    """
    size = next(iter(values.values())).shape[0]
    out = np.zeros((size, size))
    for word, c in polynomial.items():
        term = c * np.eye(size)
        for letter in word:
            term = term @ values[letter]
        out += term
    return (out + out.T) / 2
