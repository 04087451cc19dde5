"""Public, seeded helpers for tests and notebooks: matrices with spread, Haar samples, agreement checks.

Checks need power: a test matrix whose spectrum is one positive lump hides the terms of a closed form that
depend on freeness (they are differences of nearly equal products). :func:`spread_matrices` draws centered,
mixed-sign spectra of different laws per letter; :func:`assert_agrees` compares a closed form with Monte
Carlo samples at ``z`` standard errors, with no other allowance. The ``report_*`` helpers check what a
notebook claims and print one line saying what they compared, so that a reader sees the numbers as well as
the verdict: :func:`report_agreement` (two numbers within a tolerance), :func:`report_check` (the verdict of
:func:`freecalc.check`) and :func:`report_identity` (two closed forms equal as polynomials).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .numeric.haar import as_generator, haar_orthogonal, haar_unitary

__all__ = ["generator", "random_spectrum", "random_symmetric", "spread_matrices", "haar_sample",
           "assert_agrees", "report_agreement", "report_check", "report_identity", "command_peak_bytes"]


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


def _outcome(label: str, line: str, agrees: bool, agree: bool) -> None:
    """Print ``label: line: verdict``; raise AssertionError (same message) unless ``agrees == agree``."""
    verdict = ("agree" if agrees else "differ") + ("" if agrees == agree else " (expected to "
                                                   + ("agree" if agree else "differ") + ")")
    message = f"{label}: {line}: {verdict}"
    print(message)
    if agrees != agree:
        raise AssertionError(message)


def report_agreement(label: str, predicted: float, observed: float, tolerance: float, *,
                     agree: bool = True) -> float:
    """Print how far ``observed`` is from ``predicted`` against ``tolerance``; return the distance.

    Raises AssertionError when ``|predicted - observed| > tolerance`` (or, with ``agree=False``, when it is
    within: for a form that must fail, such as a printed erratum).

    >>> distance = report_agreement("tr(A R)", 0.25, 0.2502, 1e-3)
    tr(A R): predicted 0.25, observed 0.2502, |difference| 0.0002 <= tolerance 0.001: agree
    >>> distance = report_agreement("printed form", 1.0, 1.5, 0.1, agree=False)
    printed form: predicted 1, observed 1.5, |difference| 0.5 > tolerance 0.1: differ
    >>> distance = report_agreement("x", 1.0, 1.5, 0.1)
    Traceback (most recent call last):
    AssertionError: x: predicted 1, observed 1.5, |difference| 0.5 > tolerance 0.1: differ (expected to agree)
    """
    distance = abs(float(predicted) - float(observed))
    agrees = bool(distance <= tolerance)
    line = (f"predicted {predicted:.6g}, observed {observed:.6g}, |difference| {distance:.3g} "
            f"{'<=' if agrees else '>'} tolerance {tolerance:.3g}")
    _outcome(label, line, agrees, agree)
    return distance


def report_check(result, *, label: str | None = None, agree: bool = True) -> None:
    """Print what a :func:`freecalc.check` result compared, and raise AssertionError on a wrong verdict.

    The line gives the closed form's free limit, the value the Monte Carlo mean was held against
    (``result.reference``: the exact Haar average at this size when it was computed, a claimed form's value,
    or the free limit), the mean with its standard error, the tolerance and the verdict. ``agree=False``
    expects the verdict to be a disagreement.
    """
    target = {"exact": result.exact, "claimed": result.claimed}.get(result.reference, result.predicted)
    line = (f"free limit {result.predicted:.6g}, {result.reference} {target:.6g}, observed "
            f"{result.observed:.6g} ± {result.stderr:.2g} ({result.rotations} rotations, d = {result.dim}), "
            f"|observed - {result.reference}| {abs(result.observed - target):.3g} "
            f"{'<=' if result.agrees else '>'} tolerance {result.tolerance:.3g}")
    _outcome(label or result.expression, line, bool(result.agrees), agree)


def report_identity(label: str, left, right, *, equal: bool = True) -> None:
    """Print whether two closed forms are equal as polynomials (``expand(left - right) == 0``).

    Raises AssertionError unless the outcome is ``equal`` (``equal=False`` prints the nonzero difference).

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> report_identity("square", (x + 1) ** 2, x**2 + 2 * x + 1)
    square: left - right = 0: agree
    >>> report_identity("printed", x**2, x**2 + x, equal=False)
    printed: left - right = -x: differ
    """
    import sympy

    difference = sympy.expand(sympy.sympify(left) - sympy.sympify(right))
    _outcome(label, f"left - right = {difference}", difference == 0, equal)


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
