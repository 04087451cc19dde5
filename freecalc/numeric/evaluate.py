"""Numeric values of trace atoms and closed forms.

A closed form is a polynomial in family-local atoms (:mod:`freecalc.free.atoms`). Its value on concrete
matrices is obtained by evaluating each atom on the matrices of its own family: ``tr(w)`` as the normalized
trace of the matrix product (centered letters ``x - tr(x) 1``), and a cumulant through its moment expansion
(Nica & Speicher, Proposition 11.4).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from ..errors import MatrixError
from ..free import poly as _poly
from ..free.atom_ids import atom_key
from ..free.letters import base_letter, is_centered

if TYPE_CHECKING:
    import sympy

__all__ = ["normalized_trace", "paired_sum", "word_trace", "MatrixTraces", "evaluate_poly", "evaluate",
           "validate_matrices", "first_asymmetric"]


def normalized_trace(matrix: np.ndarray) -> float:
    """``tr(M) = Tr(M) / d``, summed in (at least) float64."""
    return float(np.real(np.trace(matrix, dtype=np.result_type(matrix.dtype, np.float64)))) / matrix.shape[0]


def paired_sum(a: np.ndarray, b: np.ndarray):
    """``sum_ij a_ij b_ij`` for two arrays of one shape and any memory layout, summed in (at least) float64.

    One ``einsum`` (no temporary: float32 operands are cast to float64 in its buffers), so ``tr(a b)`` is
    ``paired_sum(a, b.T) / d`` without forming the product.

    >>> a = np.arange(6.0).reshape(2, 3)
    >>> float(paired_sum(a, a)), float(paired_sum(np.float32(a), a))
    (55.0, 55.0)
    """
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    total_type = np.result_type(a.dtype, b.dtype, np.float64)
    letters = "abcdefghijklmnopqrstuvwxyz"[:a.ndim]
    return np.einsum(f"{letters},{letters}->", a, b, dtype=total_type)


def _trace_of_product(a: np.ndarray, b: np.ndarray) -> float:
    """``tr(a b)`` without forming the product: ``sum_ij a_ij b_ji / d``."""
    return float(paired_sum(a, b.T)) / a.shape[0]


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

    Centered letters are evaluated with ``x - tr(x) I``. Products of sub-words are memoised and every trace
    ``tr(u v) = sum_ij (u)_ij (v)_ji / d`` is split where the fewest new matrix products are needed; with
    ``symmetric=True`` (every letter a symmetric matrix) the product of a reversed word is a transpose, and
    a product ``u u*`` of a word and its reverse is a symmetric rank-k update ``M M^T`` (half the work).

    ``rank_one`` letters ``x = v v^T`` are given by their vector v (e.g. ``P = 1 1^T / d`` by ``1 / sqrt(d)``)
    and never formed: ``Tr(w_1 x_1 ... w_m x_m) = prod_i v_i^T w_{i+1} v_{i+1}`` (indices cyclic), each factor
    by matrix-vector products, so a word with such letters costs O(d^2) instead of O(d^3).

    ``product_dtype=np.float32`` forms the matrix products (and the matrix-vector products of rank-one
    words) in single precision: twice as fast and half the memory, for data given in float32, whose Gram
    matrices carry that precision anyway. Every trace is still summed in float64 (:func:`paired_sum`), with
    no float64 copy of any product.
    """

    def __init__(self, matrices: Mapping[str, np.ndarray], *, symmetric: bool = False,
                 rank_one: Mapping[str, np.ndarray] | None = None, product_dtype: type | None = None) -> None:
        self.matrices = dict(matrices)
        self.symmetric = symmetric
        self.product_dtype = product_dtype
        self._letters: dict[str, np.ndarray] = {}  # the letters in product_dtype, converted once
        self.rank_one = {letter: np.asarray(v, dtype=float) for letter, v in (rank_one or {}).items()}
        self.products = 0  # number of matrix-matrix products formed so far
        self._values: dict[int, float] = {}
        self._centered: dict[str, np.ndarray] = {}
        self._products: dict[tuple[str, ...], np.ndarray] = {}

    def _matrix(self, letter: str) -> np.ndarray:
        if not is_centered(letter):
            if letter not in self.matrices and letter in self.rank_one:  # needed dense (centered): form it
                self.matrices[letter] = np.outer(self.rank_one[letter], self.rank_one[letter])
            try:
                return self.matrices[letter]
            except KeyError:
                raise MatrixError(f"no matrix for letter {letter}") from None
        if letter not in self._centered:
            base = self._matrix(base_letter(letter))
            self._centered[letter] = base - normalized_trace(base) * np.eye(base.shape[0], dtype=base.dtype)
        return self._centered[letter]

    def matrix(self, letter: str) -> np.ndarray:
        """The matrix of a letter; a centered letter ``x - tr(x) I`` is formed once."""
        return self._matrix(letter)

    def _known(self, word: tuple[str, ...]) -> bool:
        return len(word) == 1 or word in self._products or (self.symmetric and word[::-1] in self._products)

    def _cost(self, word: tuple[str, ...], memo: dict) -> int:
        """Number of new matrix products needed to form the product of ``word``."""
        if self._known(word):
            return 0
        if word not in memo:
            memo[word] = 1 + min(self._cost(word[:s], memo) + self._cost(word[s:], memo)
                                 for s in range(1, len(word)))
        return memo[word]

    def _letter(self, letter: str) -> np.ndarray:
        """A letter as a factor of products: in ``product_dtype`` when one is set (converted once)."""
        if self.product_dtype is None:
            return self._matrix(letter)
        if letter not in self._letters:
            self._letters[letter] = self._matrix(letter).astype(self.product_dtype, copy=False)
        return self._letters[letter]

    def _product(self, word: tuple[str, ...]) -> np.ndarray:
        if len(word) == 1:
            return self._letter(word[0])
        if word in self._products:
            return self._products[word]
        if self.symmetric and word[::-1] in self._products:
            return self._products[word[::-1]].T
        memo: dict = {}
        split = min(range(1, len(word)),  # fewest new products; then a word times its reverse (a syrk)
                    key=lambda s: (self._cost(word[:s], memo) + self._cost(word[s:], memo),
                                   not self._mirrored(word[:s], word[s:])))
        left = self._product(word[:split])
        if self._mirrored(word[:split], word[split:]):
            result = left @ left.T  # numpy's matmul forms u u^T by BLAS ?syrk
        else:
            result = left @ self._product(word[split:])
        self.products += 1
        self._products[word] = result
        return result

    def formed_product(self, word: tuple[str, ...]) -> np.ndarray | None:
        """The product of ``word`` if it has been formed (in ``product_dtype``), else None; read-only use."""
        if len(word) > 1 and self._known(word):
            return self._product(word)
        return None

    def drop_products(self, keep: Sequence[tuple[str, ...]] = ()) -> None:
        """Free the formed products but those of the words in ``keep``; the traces already taken stay known.

        A product needed again is formed again. Freeing them as soon as the traces are in lets the memory go
        to the next arrays (already mapped pages cost less than new ones).
        """
        kept = {word for word in keep if word in self._products} | {
            word[::-1] for word in keep if self.symmetric and word[::-1] in self._products}
        self._products = {word: product for word, product in self._products.items() if word in kept}

    def _transposed(self, word: tuple[str, ...]) -> bool:
        """Whether the product of ``word`` is at hand only as the transposed view of its reverse's."""
        return len(word) > 1 and word not in self._products and word[::-1] in self._products

    def _mirrored(self, left: tuple[str, ...], right: tuple[str, ...]) -> bool:
        return self.symmetric and left == right[::-1]

    def _rank_one_value(self, word: tuple[str, ...]) -> float:
        """``tr(word)`` for a word with rank-one letters, by matrix-vector products (class notes)."""
        last = max(i for i, letter in enumerate(word) if letter in self.rank_one)
        word = word[last + 1:] + word[:last + 1]  # now ends with a rank-one letter
        value, previous, segment = 1.0, self.rank_one[word[-1]], []
        for letter in word:
            if letter not in self.rank_one:
                segment.append(letter)
                continue
            vector = self.rank_one[letter]
            for inner in reversed(segment):
                matrix = self._letter(inner)
                vector = matrix @ vector.astype(matrix.dtype, copy=False)
            value *= float(paired_sum(previous, vector))
            previous, segment = self.rank_one[letter], []
        return value / len(previous)

    def word_value(self, word: tuple[str, ...]) -> float:
        """``tr`` of the product of the letters of ``word``, at the cyclic split needing fewest products."""
        if not word:
            return 1.0
        if any(letter in self.rank_one for letter in word):
            return self._rank_one_value(word)
        if len(word) == 1:
            return normalized_trace(self._matrix(word[0]))
        for shift in range(len(word)):  # a product already formed: its diagonal
            turned = word[shift:] + word[:shift]
            if self._known(turned):
                return normalized_trace(self._product(turned))
        memo: dict = {}
        best = None
        for shift in range(len(word)):
            turned = word[shift:] + word[:shift]
            for s in range(1, len(turned)):
                left, right = turned[:s], turned[s:]
                cost = self._cost(left, memo) + (0 if right == left else self._cost(right, memo))
                # then operands laid out alike (both read in memory order), then balanced halves
                mismatch = self.symmetric and self._transposed(left) != self._transposed(right[::-1])
                key = (cost, mismatch, abs(len(left) - len(right)))
                if best is None or key < best[0]:
                    best = (key, left, right)
        _, left, right = best
        if not self.symmetric:
            return _trace_of_product(self._product(left), self._product(right))
        # symmetric letters: the reversed word's product is the transpose: tr(u v) pairs arrays laid out alike
        first, second = self._product(left), self._product(right[::-1])
        return float(paired_sum(first, second)) / first.shape[0]

    def value(self, ident: int) -> float:
        """Value of the atom with this id."""
        if ident not in self._values:
            kind, payload = atom_key(ident)
            if kind == "tr":
                self._values[ident] = self.word_value(payload)
            else:
                from ..free.cumulants import cumulant_in_moments_poly  # the engine's side, needed only here

                self._values[ident] = evaluate_poly(cumulant_in_moments_poly(ident), self.value)
        return self._values[ident]

    def prepare(self, idents) -> None:
        """Evaluate the trace atoms among ``idents``, longest words first, so that products are shared."""
        words = [(-len(atom_key(i)[1]), i) for i in idents if atom_key(i)[0] == "tr"]
        for _, ident in sorted(words):
            self.value(ident)


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
    import mpmath  # the closed-form side needs sympy; evaluating internal polynomials does not

    from ..free.atoms import sympy_to_poly

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


def validate_matrices(matrices: Mapping[str, np.ndarray], letters: Sequence[str]) -> int:
    """Check one finite square matrix of a common size per letter; return the size."""
    sizes = set()
    for letter in sorted(letters):
        if letter not in matrices:
            raise MatrixError(f"no matrix for letter {letter}")
        m = np.asarray(matrices[letter])
        if m.ndim != 2 or m.shape[0] != m.shape[1]:
            raise MatrixError(f"matrix for {letter} is not square: shape {m.shape}")
        if not np.all(np.isfinite(m)):
            raise MatrixError(f"matrix for {letter} has non-finite entries")
        sizes.add(m.shape[0])
    if len(sizes) > 1:
        raise MatrixError(f"matrices have different sizes: {sorted(sizes)}")
    if not sizes or min(sizes) == 0:
        raise MatrixError("no non-empty matrices")
    return sizes.pop()


def first_asymmetric(matrices: Mapping[str, np.ndarray]) -> str | None:
    """The first letter (by name) whose matrix is not symmetric, to rounding; None when all are."""
    for letter, m in sorted(matrices.items()):
        if not np.allclose(m, m.T, rtol=0, atol=1e-10 * (1 + np.abs(m).max())):
            return letter
    return None
