"""Weighted Gram matrices ``X^T diag(w) X`` and ``X^T X``, by symmetric products of row groups.

Both are sums of ``w_i x_i x_i^T`` over the rows of X. Weights with few distinct values v (class labels,
signs) group the rows: with ``G_v = X_v^T X_v``, ``X^T X = sum_v G_v`` and ``X^T diag(w) X = sum_v v G_v``,
one pass of ``n d^2 / 2`` multiply-adds for both, against ``3 n d^2 / 2`` for ``X^T X`` and ``X^T (w X)`` as
two products. Other weights use ``X^T diag(w) X = A_+^T A_+ - A_-^T A_-`` with ``A_+-`` the rows of each sign
scaled by ``sqrt(|w|)``. Every ``A^T A`` is a symmetric rank-k update (BLAS ``?syrk``, which numpy's
``matmul`` calls for ``A.T @ A``; Golub & Van Loan, *Matrix Computations*, 4th ed., section 1.5.7).

The rows of a group are gathered into one scratch block, reused by every group, of at most
:func:`~freecalc.numeric.resources.gram_block_rows` rows (a group with more rows is taken in equal pieces
whose Grams are summed); a large gather runs in two threads. Where numpy's BLAS is an OpenBLAS the pieces'
Grams add up in place (:func:`~freecalc.numeric.blas.syrk_update`) and the block is small (32 MiB);
else each piece costs numpy's matmul a triangle copy and a sum, and the block is large (1 GiB). So the
memory written besides X is that block and three d x d matrices, however many groups there are, two for
two groups (their sums are written over their Grams): on a machine where first-touched memory is slow to map
this is a good part of the cost (a 50,000 x 3,072 float32 X in two groups: 0.11 GB of new memory with
syrk_update, 0.38 GB with matmul's large block, 0.8 GB with neither the block nor the sums in place).

The Grams are in X's float type: a float32 X gives float32 Grams, whose products carry single precision
anyway (each is a float32 syrk); whoever takes traces of them sums in float64
(:func:`freecalc.numeric.evaluate.paired_sum`).
"""

from __future__ import annotations

import numpy as np

from ..datasets.base import as_float_array
from ..numeric.blas import mirror_upper, syrk_available, syrk_update
from ..numeric.resources import block_rows, gram_block_rows
from ..numeric.threads import on_two_threads

__all__ = ["GRAM_GROUPS", "data_grams"]

GRAM_GROUPS = 16  # weights with at most this many distinct values are summed by groups
SUM_BAND_BYTES = 1 << 22  # the two sums of two Grams are formed 4 MiB of rows at a time
TAKE_SPLIT_BYTES = 1 << 24  # gathers of 16 MiB or more run in two threads


def data_grams(X: np.ndarray, weights: np.ndarray, *,
               plain: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """``X^T diag(w) X`` and (with ``plain``) ``X^T X``, in X's float type, by groups of rows (module notes).

    Args:
        X: (n, d) float32 or float64 array (any other type becomes float64); float32 runs in single
            precision.
        weights: (n,) weights ``w`` (the labels y, or the residuals ``y - f(X)``).
        plain: also return ``X^T X`` (else None in its place).

    Returns:
        ``(X^T diag(w) X, X^T X or None)`` as (d, d) arrays of X's float type.

    >>> X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    >>> C, B = data_grams(X, np.array([1.0, -1.0, 1.0]))
    >>> C.tolist(), B.tolist()
    ([[2.0, 1.0], [1.0, -3.0]], [[2.0, 1.0], [1.0, 5.0]])
    """
    X = as_float_array(X)
    weights = np.asarray(weights, dtype=float)
    n, d = X.shape
    values, groups = np.unique(weights, return_inverse=True)
    groups = groups.reshape(-1)
    sums = _Sums(plain)
    if len(values) <= GRAM_GROUPS:
        members = [(np.flatnonzero(groups == index), value) for index, value in enumerate(values)
                   if plain or value]
        gather = _Gather(X, max(len(rows) for rows, _ in members) if members else 0)
        for rows, value in members:
            sums.add(gather.gram(rows), value)
    else:
        signs = (1.0, -1.0, 0.0) if plain else (1.0, -1.0)
        members = [np.flatnonzero(np.sign(weights) == sign) for sign in signs]
        gather = _Gather(X, max(len(rows) for rows in members))
        for rows, sign in zip(members, signs, strict=True):
            if plain:
                sums.add(gather.gram(rows), 0.0)
            if sign:  # sqrt(|w|) x_i on the rows of this sign
                sums.add(gather.gram(rows, np.sqrt(np.abs(weights[rows]))), sign, plain=False)
    sums.release()
    if gather.upper_only:  # every Gram, hence every sum, was formed on its upper triangle (zeros below)
        for total in (sums.weighted, sums.plain):
            if total is not None:
                mirror_upper(total)
    weighted = sums.weighted if sums.weighted is not None else np.zeros((d, d), dtype=X.dtype)
    total = (sums.plain if sums.plain is not None else np.zeros((d, d), dtype=X.dtype)) if plain else None
    return weighted, total


class _Sums:
    """The running sums ``sum_v v G_v`` and ``sum_v G_v``; a group's Gram is consumed (overwritten).

    The first Gram that enters both sums is held until a second one comes: the two sums are then written over
    the two Grams a band of rows at a time, so that two label groups need no third d x d matrix.
    """

    def __init__(self, plain: bool) -> None:
        self.want_plain = plain
        self.weighted: np.ndarray | None = None
        self.plain: np.ndarray | None = None
        self._held: tuple[np.ndarray, float] | None = None

    def add(self, gram: np.ndarray | None, value: float, *, plain: bool = True) -> None:
        if gram is None:
            return
        both = self.want_plain and plain and value
        if both and self.plain is None and self.weighted is None:
            if self._held is None:
                self._held = (gram, value)
            else:
                self.plain, self.weighted = _both_sums(*self._held, gram, value)
                self._held = None
            return
        self.release()
        self._into_sums(gram, value, plain)

    def release(self) -> None:
        """Put a held Gram into both sums (a lone group, or one before a group that enters only one sum)."""
        if self._held is not None:
            gram, value = self._held
            self._held = None
            self._into_sums(gram, value, True)

    def _into_sums(self, gram: np.ndarray, value: float, plain: bool) -> None:
        if self.want_plain and plain:
            if self.plain is None:  # the first Gram is kept as the plain sum: scale a copy of it below
                self.plain, gram = gram, (gram.copy() if value else gram)
            else:
                self.plain += gram
        if not value:
            return
        if self.weighted is None:
            self.weighted = gram if value == 1 else np.multiply(gram, value, out=gram)
        else:
            _add_scaled(self.weighted, gram, value)


def _add_scaled(total: np.ndarray, gram: np.ndarray, value: float) -> None:
    """``total += value * gram``, scaling ``gram`` in place unless ``value`` is 1 or -1."""
    if value == 1:
        total += gram
    elif value == -1:
        total -= gram
    else:
        total += np.multiply(gram, value, out=gram)


def _both_sums(first: np.ndarray, first_value: float, second: np.ndarray,
               second_value: float) -> tuple[np.ndarray, np.ndarray]:
    """``(G_1 + G_2, v_1 G_1 + v_2 G_2)`` written over ``G_2`` and ``G_1``, a band of rows at a time."""
    rows = block_rows(first.shape[1], first.itemsize, SUM_BAND_BYTES)
    band = np.empty((min(rows, len(first)), first.shape[1]), dtype=first.dtype)
    for start in range(0, len(first), rows):
        one, two = first[start:start + rows], second[start:start + rows]
        plain = np.add(one, two, out=band[:len(one)])
        if first_value != 1:
            one *= first_value
        _add_scaled(one, two, second_value)
        two[...] = plain
    return second, first


class _Gather:
    """A scratch block of rows of X, reused: the Gram of any set of rows, gathered a block at a time.

    With :func:`~freecalc.numeric.blas.syrk_update` the block is small (``gram_block_rows``) and the
    pieces' Grams add up in one matrix, on its upper triangle (``upper_only``); with numpy's matmul the
    block is large, as every piece then costs a full copy of a triangle and a sum of two d x d matrices.
    """

    def __init__(self, X: np.ndarray, most_rows: int) -> None:
        d = X.shape[1]
        self.X = X
        self.upper_only = syrk_available()
        rows = max(1, min(most_rows, gram_block_rows(d, X.dtype.itemsize, accumulate=self.upper_only)))
        self.block = np.empty((rows, d), dtype=X.dtype)
        # rows are copied as raw bytes when X is C-ordered: np.take then works on an unaligned X (a memory
        # map of a member of an .npz archive) without first making an aligned copy of all of it
        self.raw = X.flags.c_contiguous  # the block, fresh from np.empty, always is

    def _take(self, rows: np.ndarray, out: np.ndarray) -> None:
        """Rows of X into ``out``; a large gather in two halves at once (np.take releases the GIL).

        On two cores: CIFAR-sized Grams 1.72 -> 1.68 s, ``predict --data --k 1024 --observe`` 0.98 of its time
        (farm-bench, 9 paired runs). The halves also share the first writes to a fresh block.
        """
        if out.nbytes < TAKE_SPLIT_BYTES or not (self.raw or self.X.flags.aligned):
            self._take_in_one(rows, out)
            return
        half = len(rows) // 2
        on_two_threads(lambda: self._take_in_one(rows[:half], out[:half]),
                       lambda: self._take_in_one(rows[half:], out[half:]))

    def _take_in_one(self, rows: np.ndarray, out: np.ndarray) -> None:
        if self.raw:
            np.take(self.X.view(np.uint8), rows, axis=0, out=out.view(np.uint8), mode="clip")
        elif self.X.flags.aligned:
            np.take(self.X, rows, axis=0, out=out, mode="clip")
        else:
            out[...] = self.X[rows]

    def gram(self, rows: np.ndarray, scale: np.ndarray | None = None) -> np.ndarray | None:
        """``sum_{i in rows} s_i^2 x_i x_i^T`` (``s = scale``, else 1), or None for no rows."""
        if len(rows) == 0:
            return None
        pieces = -(-len(rows) // len(self.block))
        size = -(-len(rows) // pieces)
        total = piece_gram = None
        for start in range(0, len(rows), size):
            chosen = rows[start:start + size]
            part = self.block[:len(chosen)]
            self._take(chosen, part)
            if scale is not None:
                part *= scale[start:start + size, None].astype(part.dtype)
            if self.upper_only:
                if total is None:  # zeros below the diagonal, which syrk leaves alone
                    total = np.zeros((part.shape[1],) * 2, dtype=part.dtype)
                syrk_update(part, total)
            elif total is None:
                total = part.T @ part
            else:  # numpy calls syrk for part.T @ part, also with out=
                if piece_gram is None:
                    piece_gram = np.empty_like(total)
                np.matmul(part.T, part, out=piece_gram)
                total += piece_gram
        return total
