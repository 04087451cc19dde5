"""Memory checks before allocating the matrices of a prediction or an observation."""

from __future__ import annotations

import os

from ..errors import ParameterError

__all__ = ["GRAM_BLOCK_BYTES", "estimated_bytes", "available_bytes", "check_memory"]

FLOAT = 8
# Rows of X per block of the Gram products (freecalc.quadratic.network.data_grams): few large blocks, as each
# costs d x d passes (numpy's syrk copies a triangle; float64 sums) besides its products.
GRAM_BLOCK_BYTES = 1 << 30


def estimated_bytes(n: int, d: int, k: int, *, observe: bool = True, itemsize: int = FLOAT,
                    loaded_itemsize: int | None = None, residual: bool = False) -> int:
    """Peak storage of a prediction, and with ``observe`` of the sampled network and its observation.

    Counted array by array, as :func:`freecalc.quadratic.workflow.run_prediction` allocates them:

    * the data: X (n x d of ``itemsize`` bytes, 4 for float32, else 8) and y; ``loaded_itemsize`` is the
      size of a stored type that has to be converted to float64 (both copies exist at once);
    * the Grams (:func:`freecalc.quadratic.network.data_grams`): the copy of one group of rows of a block
      (at most a block), one block Gram in X's type, the float64 sums C and B;
    * the trace words (:class:`freecalc.numeric.evaluate.MatrixTraces`): ``C^2``, ``B C^2`` and one
      product being formed, all float64;
    * with ``observe``: W, ``diag(a) W``, ``Wdot`` and ``diag(a) W B`` (k x d), K, ``Wdot Wdot^T``, its push
      and the moment powers (k x k), or the d x d Grams when k > d; with ``residual`` also ``X W^T`` (n x k)
      and a scaled block of X.
    """
    data = n * d * itemsize + FLOAT * n
    if loaded_itemsize is not None:
        data += n * d * loaded_itemsize
    block = min(n * d * itemsize, GRAM_BLOCK_BYTES)
    grams = block + d * d * itemsize + 2 * FLOAT * d * d
    traces = 3 * FLOAT * d * d
    total = data + grams + traces
    if observe:
        total += FLOAT * (4 * k * d + 6 * k * k + (3 * d * d if k > d else 0))
        if residual:
            total += n * k * itemsize + FLOAT * n * k + block
    return total


def available_bytes() -> int | None:
    """Available memory from the operating system (``MemAvailable``), or None if unknown."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(n: int, d: int, k: int, *, observe: bool = True, fraction: float = 0.8,
                 itemsize: int = FLOAT, loaded_itemsize: int | None = None, residual: bool = False,
                 hint: str = "use smaller sizes") -> None:
    """Raise a one-line ParameterError when the sizes are not positive or would not fit in memory.

    The estimate is :func:`estimated_bytes` (same keywords); it must stay under ``fraction`` of the
    available memory. ``hint`` ends the message (what the user can change).
    """
    for name, value in (("n", n), ("d", d), ("k", k)):
        if value < 1:
            raise ParameterError(f"--{name} must be positive, got {value}")
    need = estimated_bytes(n, d, k, observe=observe, itemsize=itemsize, loaded_itemsize=loaded_itemsize,
                           residual=residual)
    have = available_bytes()
    if have is not None and need > fraction * have:
        raise ParameterError(f"n = {n}, d = {d}, k = {k} need about {need / 2**30:.1f} GiB, "
                             f"only {have / 2**30:.1f} GiB available; {hint}")
