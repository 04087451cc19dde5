"""Memory checks before allocating the matrices of a prediction or an observation.

The memory a command will need is estimated array by array (:func:`estimated_bytes`) and compared with the
memory the operating system reports as available (``psutil.virtual_memory().available``, on every system
psutil supports) before anything large is allocated.
"""

from __future__ import annotations

from ..errors import ParameterError

__all__ = ["GRAM_BLOCK_BYTES", "OUTPUT_BLOCK_BYTES", "block_rows", "estimated_bytes", "available_bytes",
           "check_memory"]

FLOAT = 8
GRAM_BLOCK_BYTES = 1 << 27  # rows of X gathered per product of the Grams (freecalc.quadratic.grams)
OUTPUT_BLOCK_BYTES = 1 << 24  # rows of X per block of the network's outputs (QuadraticNetwork.outputs)
FINITE_WIDTH_RANK = 48  # the reduced draws' default largest rank (freecalc.quadratic.finite_width uses it)


def block_rows(columns: int, itemsize: int, block_bytes: int) -> int:
    """Rows of ``columns`` entries of ``itemsize`` bytes that fit in ``block_bytes`` (at least one)."""
    return max(1, block_bytes // max(1, columns * itemsize))


def estimated_bytes(n: int, d: int, k: int, *, observe: bool = True, itemsize: int = FLOAT,
                    loaded_itemsize: int | None = None, residual: bool = False,
                    finite_width: bool = False) -> int:
    """Peak storage of a prediction, and with ``observe`` of the sampled network and its observation.

    Counted array by array, as :func:`freecalc.quadratic.workflow.run_prediction` allocates them, with X
    (n x d of ``itemsize`` bytes, 4 for float32, else 8) and four n-vectors (y, the label groups)
    throughout, plus the larger of two phases:

    * forming the Grams (:func:`freecalc.quadratic.grams.data_grams`): the gathered rows of a group within
      a block of ``GRAM_BLOCK_BYTES`` of X, and three d x d matrices in X's type (two sums and a block's
      Gram);
    * after them: C and B, the trace words' ``C^2``, ``B C^2`` and one more product in X's type
      (:class:`freecalc.numeric.evaluate.MatrixTraces`), and with ``observe`` W (float64), ``diag(a) W``,
      ``Wdot`` and ``diag(a) W B`` (k x d, X's type), three k x k matrices in X's type (K, ``Wdot Wdot^T`` and
      their product) and K in float64 (Pearson's entry sums), or three float64 d x d ones when k > d; with
      ``residual`` also the outputs (n floats) and ``X W^T`` for a block of ``OUTPUT_BLOCK_BYTES`` of rows
      of X (in X's type, squared, in float64) and a second Grams phase; with ``finite_width`` (when d
      exceeds the reduced draws' rank ``FINITE_WIDTH_RANK``) C, B and C^2 in float64 and the free tail's
      arrays (:func:`freecalc.quadratic.reduced_draws.tail_cumulants`: two float64 d x d matrices and one
      temporary, five float32 ones).

    ``loaded_itemsize`` is the size of a stored type that is converted to float64 (both copies at once).
    """
    data = n * d * itemsize + 4 * FLOAT * n  # X; y, its group index, the rows of a group and a sort's copy
    if loaded_itemsize is not None:
        data += n * d * loaded_itemsize
    rows = min(n, block_rows(d, itemsize, GRAM_BLOCK_BYTES))
    square = d * d * itemsize
    forming = rows * d * itemsize + 3 * square
    after = 2 * square + 3 * square
    if observe:
        after += FLOAT * k * d + 3 * itemsize * k * d + (3 * itemsize + FLOAT) * k * k + (
            3 * FLOAT * d * d if k > d else 0)
        if residual:  # the outputs f(X), from X W^T a block of rows at a time, squared, in float64
            rows = min(n, block_rows(d, itemsize, OUTPUT_BLOCK_BYTES))
            after += FLOAT * n + rows * k * (2 * itemsize + FLOAT) + forming
    if finite_width and d > FINITE_WIDTH_RANK:
        after += 6 * FLOAT * d * d + 5 * 4 * d * d
    return data + max(forming, after)


def available_bytes() -> int | None:
    """Memory available to a new allocation, as the operating system reports it (psutil), or None."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is a dependency; without it the check is skipped
        return None
    return int(psutil.virtual_memory().available)


def check_memory(n: int, d: int, k: int, *, observe: bool = True, fraction: float = 0.8,
                 itemsize: int = FLOAT, loaded_itemsize: int | None = None, residual: bool = False,
                 finite_width: bool = False, hint: str = "use smaller sizes") -> None:
    """Raise a one-line ParameterError when the sizes are not positive or would not fit in memory.

    The estimate is :func:`estimated_bytes` (same keywords); it must stay under ``fraction`` of the
    available memory. ``hint`` ends the message (what the user can change).
    """
    for name, value in (("n", n), ("d", d), ("k", k)):
        if value < 1:
            raise ParameterError(f"--{name} must be positive, got {value}")
    need = estimated_bytes(n, d, k, observe=observe, itemsize=itemsize, loaded_itemsize=loaded_itemsize,
                           residual=residual, finite_width=finite_width)
    have = available_bytes()
    if have is not None and need > fraction * have:
        raise ParameterError(f"n = {n}, d = {d}, k = {k} need about {need / 2**30:.1f} GiB, "
                             f"only {have / 2**30:.1f} GiB available; {hint}")
