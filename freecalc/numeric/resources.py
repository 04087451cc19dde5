"""Memory checks before allocating the matrices of a prediction or an observation."""

from __future__ import annotations

import os

from ..errors import ParameterError

__all__ = ["GRAM_BLOCK_BYTES", "SYRK_BLOCK_BYTES", "block_rows", "gram_block_rows", "estimated_bytes",
           "available_bytes", "check_memory", "command_peak_bytes"]

FLOAT = 8
# Rows of X per block of the Gram products (freecalc.quadratic.grams.data_grams). Through numpy's matmul: few
# large blocks, as each costs d x d passes (numpy's syrk copies a triangle; the sum of the pieces) besides its
# products. Through freecalc.numeric.blas.syrk_update, which adds each block's Gram in place: small blocks,
# less memory to write for the first time (float32, d = 3,072: syrk runs at the same speed, within 1%, for
# blocks of 1,024 to 8,192 rows).
GRAM_BLOCK_BYTES = 1 << 30
SYRK_BLOCK_BYTES = 1 << 25
SYRK_BLOCK_ROWS = 1024  # at least this many rows per block through syrk_update
OUTPUT_BLOCK_BYTES = 1 << 24  # rows of X per block of the network's outputs (QuadraticNetwork.outputs)
FINITE_WIDTH_RANK = 48  # the reduced draws' default largest rank (freecalc.quadratic.finite_width uses it)


def block_rows(columns: int, itemsize: int, block_bytes: int) -> int:
    """Rows of ``columns`` entries of ``itemsize`` bytes that fit in ``block_bytes`` (at least one)."""
    return max(1, block_bytes // max(1, columns * itemsize))


def gram_block_rows(d: int, itemsize: int, *, accumulate: bool) -> int:
    """Rows of X (d columns of ``itemsize`` bytes) per block; ``accumulate`` for syrk_update's blocks."""
    if accumulate:
        return max(SYRK_BLOCK_ROWS, block_rows(d, itemsize, SYRK_BLOCK_BYTES))
    return block_rows(d, itemsize, GRAM_BLOCK_BYTES)


def estimated_bytes(n: int, d: int, k: int, *, observe: bool = True, itemsize: int = FLOAT,
                    loaded_itemsize: int | None = None, residual: bool = False,
                    finite_width: bool = False) -> int:
    """Peak storage of a prediction, and with ``observe`` of the sampled network and its observation.

    Counted array by array, as :func:`freecalc.quadratic.workflow.run_prediction` allocates them, with X
    (n x d of ``itemsize`` bytes, 4 for float32, else 8) and four n-vectors (y, the label groups)
    throughout, plus the larger of two phases:

    * forming the Grams (:func:`freecalc.quadratic.grams.data_grams`): the scratch block of gathered rows
      (the largest label group, unknown before y is read, so all of X up to :func:`gram_block_rows`), and
      three d x d matrices in X's type (two sums and a group's Gram), four when the rows come in pieces
      whose Grams numpy's matmul forms apart;
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
    from .blas import syrk_available  # loads numpy

    accumulate = syrk_available()
    rows = min(n, gram_block_rows(d, itemsize, accumulate=accumulate))
    square = d * d * itemsize
    forming = rows * d * itemsize + (4 if rows < n and not accumulate else 3) * square
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


# Runs ``freecalc ARGS`` (``python -c`` this, then the arguments) and prints its own VmHWM line to stderr.
_REPORTING_ITS_PEAK = """
import runpy, sys
sys.argv[0] = "freecalc"
try:
    runpy.run_module("freecalc", run_name="__main__", alter_sys=True)
finally:
    with open("/proc/self/status") as status:
        print(next(line for line in status if line.startswith("VmHWM:")), file=sys.stderr)
"""


def command_peak_bytes(arguments: list[str]) -> int | None:
    """Peak resident memory of ``freecalc ARGUMENTS`` in a new process, as the process itself saw it.

    Read from ``VmHWM`` in /proc/self/status at its exit (Linux; None elsewhere): the parent's
    ``ru_maxrss`` of its children would also count the parent's memory, shared between fork and exec.
    Raises ParameterError with the command's error line when it fails.
    """
    import subprocess  # imported when used: not by the command line's start
    import sys

    if not os.path.exists("/proc/self/status"):
        return None
    out = subprocess.run([sys.executable, "-c", _REPORTING_ITS_PEAK, *arguments], capture_output=True,
                         text=True)
    lines = out.stderr.strip().splitlines()
    if out.returncode != 0 or not lines or not lines[-1].startswith("VmHWM:"):
        raise ParameterError(f"freecalc {' '.join(arguments)} failed: {out.stderr.strip()}")
    return int(lines[-1].split()[1]) * 1024  # VmHWM is given in kB
