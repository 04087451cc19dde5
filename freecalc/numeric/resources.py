"""Memory checks before allocating the matrices of a prediction or an observation."""

from __future__ import annotations

import os

from ..errors import ParameterError

__all__ = ["estimated_bytes", "available_bytes", "check_memory"]

FLOAT = 8


def estimated_bytes(n: int, d: int, k: int, *, observe: bool = True) -> int:
    """Peak float64 storage of a prediction, and with ``observe`` of the sampled network.

    Data (X and two copies), C, B and about six d x d products; with ``observe`` also W, a scaled copy,
    J (n x k), its push J Wdot (n x d) and the k x k moment powers.
    """
    total = 3 * n * d + 8 * d * d
    if observe:
        total += 2 * k * d + n * k + n * d + 3 * k * k
    return FLOAT * total


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


def check_memory(n: int, d: int, k: int, *, observe: bool = True, fraction: float = 0.8) -> None:
    """Raise a one-line ParameterError when the sizes are not positive or would not fit in memory."""
    for name, value in (("n", n), ("d", d), ("k", k)):
        if value < 1:
            raise ParameterError(f"--{name} must be positive, got {value}")
    need = estimated_bytes(n, d, k, observe=observe)
    have = available_bytes()
    if have is not None and need > fraction * have:
        raise ParameterError(f"n = {n}, d = {d}, k = {k} need about {need / 2**30:.1f} GiB, "
                             f"only {have / 2**30:.1f} GiB available; use smaller sizes")
