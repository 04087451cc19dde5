"""Public, seeded helpers for tests and notebooks: matrices with spread, Haar samples, agreement checks.

Checks need power: a test matrix whose spectrum is one positive lump hides the terms of a closed form that
depend on freeness (they are differences of nearly equal products). :func:`spread_matrices` draws centered,
mixed-sign spectra of different laws per letter; :func:`assert_agrees` compares a closed form with Monte
Carlo samples at ``z`` standard errors, with no other allowance.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .numeric.haar import as_generator, haar_orthogonal, haar_unitary

__all__ = ["generator", "random_spectrum", "random_symmetric", "spread_matrices", "haar_sample",
           "assert_agrees", "command_peak_bytes"]


def generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy Generator from a seed (or the generator itself)."""
    return as_generator(seed)


def random_spectrum(dim: int, seed=None, *, shift: float = 0.0, scale: float = 1.0) -> np.ndarray:
    """``dim`` eigenvalues ``shift + scale * z``, z standard normal and cubed/2 for skew: mixed signs, spread.

    >>> s = random_spectrum(1000, 0)
    >>> bool(s.min() < 0 < s.max()), bool(abs(np.mean(s ** 3)) > 0.1)
    (True, True)
    """
    z = generator(seed).standard_normal(dim)
    return shift + scale * (z + 0.5 * (z**2 - 1))


def random_symmetric(dim: int, seed=None, spectrum: np.ndarray | None = None) -> np.ndarray:
    """``Q diag(spectrum) Q^T``, Q Haar orthogonal (spectrum from :func:`random_spectrum` if omitted)."""
    rng = generator(seed)
    values = random_spectrum(dim, rng) if spectrum is None else np.asarray(spectrum, dtype=float)
    basis = haar_orthogonal(dim, rng)
    return (basis * values) @ basis.T


def spread_matrices(letters: Sequence[str], dim: int, seed=0) -> dict[str, np.ndarray]:
    """One symmetric matrix per letter (sorted by name), each with its own shifted, skewed, mixed-sign law."""
    rng = generator(seed)
    out = {}
    for j, letter in enumerate(sorted(letters)):
        spectrum = random_spectrum(dim, rng, shift=0.3 * (-1) ** j * (1 + j % 3), scale=1.0 + 0.25 * j)
        out[letter] = random_symmetric(dim, rng, spectrum)
    return out


def haar_sample(dim: int, group: str = "orthogonal", seed=None) -> np.ndarray:
    """A Haar orthogonal or unitary matrix (Mezzadri 2007)."""
    if group == "orthogonal":
        return haar_orthogonal(dim, seed)
    if group == "unitary":
        return haar_unitary(dim, seed)
    raise ValueError(f"group must be orthogonal or unitary, got {group!r}")


def assert_agrees(predicted: float, samples: Sequence[float] | np.ndarray, *, z: float = 4.0,
                  label: str = "") -> tuple[float, float]:
    """Assert ``|mean(samples) - predicted| <= z * stderr``; return (mean, stderr).

    >>> mean, stderr = assert_agrees(0.0, [-1.0, 1.0, -1.0, 1.0])
    >>> mean, round(stderr, 4)
    (0.0, 0.5774)
    """
    values = np.asarray(samples, dtype=float)
    if values.size < 2:
        raise ValueError("need at least two samples for a standard error")
    mean = float(values.mean())
    stderr = float(values.std(ddof=1) / np.sqrt(values.size))
    if not abs(mean - predicted) <= z * stderr:
        raise AssertionError(f"{label + ': ' if label else ''}Monte Carlo {mean:.6g} ± {stderr:.2g} (stderr, "
                             f"{values.size} samples) against {predicted:.6g}: "
                             f"{abs(mean - predicted) / stderr:.1f} standard errors apart (allowed {z:g})")
    return mean, stderr


# Runs ``freecalc ARGS`` (``python -c`` this, then the arguments) and prints its peak allocation to stderr.
_REPORTING_ITS_PEAK = """
import runpy, sys, tracemalloc
tracemalloc.start()
sys.argv[0] = "freecalc"
try:
    runpy.run_module("freecalc", run_name="__main__", alter_sys=True)
finally:
    print("peak", tracemalloc.get_traced_memory()[1], file=sys.stderr)
"""


def command_peak_bytes(arguments: Sequence[str]) -> int:
    """Peak memory allocated by ``freecalc ARGUMENTS`` in a new process, on any operating system.

    Read by :mod:`tracemalloc` in that process: Python's own allocations and numpy's arrays (numpy reports
    its data buffers to tracemalloc); pages of a memory-mapped file are not allocations and do not count.
    Raises AssertionError with the command's error output when it fails.
    """
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _REPORTING_ITS_PEAK, *arguments], capture_output=True,
                         text=True)
    lines = out.stderr.strip().splitlines()
    if out.returncode != 0 or not lines or not lines[-1].startswith("peak "):
        raise AssertionError(f"freecalc {' '.join(arguments)} failed: {out.stderr.strip()}")
    return int(lines[-1].split()[1])
