"""Timing of ``freecalc predict`` and of the default sweep, measured in one run.

Prints, at n = d = k = 1024 on the default alignment-reversing data (gamma = 0.3):

* the time of a prediction without ``--observe`` (library call, closed forms already read; the first call,
  which reads them from :mod:`freecalc.quadratic.stored_forms`, is printed too, and the time the engine
  takes to generate them);
* the time of the matrix products no prediction can avoid: the Gram matrices ``C = X^T Y X`` and
  ``B = X^T X``; and, for reference, those two plus the two d x d products ``C^2`` and ``B C^2`` without
  which ``tr(B C^2 B C^2)`` cannot be had;
* their ratio (target: at most 3 against the two Gram matrices);
* the time of the full default sweep (20 balances x 4 data seeds, one network; target: under 60 s) and
  its accuracy (targets: mean |predicted - observed| <= 0.01, max <= 0.03 with empirical R moments).

Every time is the best of ``--repeat`` runs (the sweep runs once).

Then the CIFAR-shaped case: ``freecalc predict --data F.npz --k 1024 --observe`` on n = 50,000, d = 3,072
float32 data (Gaussian rows with covariance spectrum ``j^-1``, sign labels, an uncompressed .npz;
``--big-file`` keeps it for the next run) against the float32 floor, the work no prediction from that file
can avoid, timed in this process: reading the file (:func:`numpy.load`) and numpy's ``X.T @ X`` (a syrk)
and ``X.T @ (y X)`` (a gemm). The whole command runs as a subprocess (interpreter start, imports and
reading the file included); floor and command are taken in turn ``--big-repeat`` times, so that both see
the same machine load, and the ratio is given best against best and median against median (target: at
most 2). Its peak allocation is measured in one more, untimed, run
(:func:`freecalc.testing.command_peak_bytes`).

    python benchmarks/bench_predict.py [--repeat 5] [--no-sweep] [--no-big | --big-only] [--big-file F]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from freecalc.datasets import alignment_reversing
from freecalc.numeric.resources import estimated_bytes
from freecalc.quadratic import stored_forms
from freecalc.quadratic.predict import predict
from freecalc.quadratic.sweep import run_sweep
from freecalc.quadratic.words import cnfc_closed_forms
from freecalc.testing import command_peak_bytes


def best_of(repeat: int, action) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--no-sweep", action="store_true")
    parser.add_argument("--no-big", action="store_true", help="skip the CIFAR-sized case")
    parser.add_argument("--big-only", action="store_true", help="only the CIFAR-sized case")
    parser.add_argument("--big-repeat", type=int, default=3)
    parser.add_argument("--big-file", type=Path, default=None, help="reuse (or write) the CIFAR-sized .npz")
    parser.add_argument("--big-idle", type=float, default=1.0, help="seconds of idling between runs")
    parser.add_argument("--big-n", type=int, default=50_000)
    parser.add_argument("--big-d", type=int, default=3072)
    parser.add_argument("--big-k", type=int, default=1024)
    args = parser.parse_args()
    if not args.big_only:
        small_case(args)
    if not args.no_big:
        big_case(args)


def small_case(args) -> None:
    """The n = d = k = 1024 prediction and the default sweep (issue 3)."""
    size = args.size
    data = alignment_reversing(size, size, 0.3, seed=0)
    X, y = data.X, data.y

    start = time.perf_counter()
    stored_forms.stored_closed_forms.cache_clear()  # the first call reads the stored closed forms
    stored_forms._content.cache_clear()
    first = predict(X, y, k=size)
    cold = time.perf_counter() - start
    warm = best_of(args.repeat, lambda: predict(X, y, k=size))

    def grams():
        return X.T @ (y[:, None] * X), X.T @ X

    gram_time = best_of(args.repeat, grams)
    C, B = grams()

    def with_products():
        C2 = C @ C
        return B @ C2

    product_time = gram_time + best_of(args.repeat, with_products)

    print(f"n = d = k = {size}, alignment-reversing gamma = 0.3, prediction {first.predicted:.6f}")
    print(f"predict (closed forms cached)           {warm * 1e3:8.1f} ms")
    print(f"predict (first call, forms read)        {cold * 1e3:8.1f} ms")
    start = time.perf_counter()
    cnfc_closed_forms.cache_clear()
    cnfc_closed_forms()
    print(f"  the same forms from the engine (sympy)  {(time.perf_counter() - start) * 1e3:8.1f} ms")
    print(f"Gram matrices C and B                   {gram_time * 1e3:8.1f} ms")
    print(f"  + C^2 and B C^2                       {product_time * 1e3:8.1f} ms")
    print(f"ratio predict / Grams                   {warm / gram_time:8.2f}   (target <= 3)")
    print(f"ratio predict / (Grams + 2 products)    {warm / product_time:8.2f}")
    if args.no_sweep:
        return
    start = time.perf_counter()
    result = run_sweep(n=size, d=size, k=size)
    sweep_time = time.perf_counter() - start
    summary = result.summary()
    print(f"default sweep (20 x 4 data sets)        {sweep_time:8.1f} s    (target < 60 s)")
    for source in ("empirical", "analytic"):
        print(f"|predicted - observed|, {source:9s} R: mean {summary[f'mean_abs_error_{source}']:.4f}, "
              f"max {summary[f'max_abs_error_{source}']:.4f}   (targets 0.01 / 0.03 with empirical)")
    low, high = summary["observed_min"], summary["observed_max"]
    print(f"observed range                          [{low:.3f}, {high:.3f}]  (moves by {high - low:.3f})")



def cifar_like(path: Path, n: int, d: int, seed: int = 0) -> None:
    """Float32 Gaussian rows with covariance spectrum ``j^-1``, labels the sign of a noisy linear signal."""
    rng = np.random.default_rng(seed)
    scale = (np.arange(1, d + 1) ** -0.5).astype(np.float32)
    X = np.empty((n, d), dtype=np.float32)
    for start in range(0, n, 4096):
        rows = min(4096, n - start)
        X[start:start + rows] = rng.standard_normal((rows, d), dtype=np.float32) * scale
    signal = X[:, :10].sum(axis=1, dtype=np.float64) + 0.5 * rng.standard_normal(n)
    np.savez(path, X=X, y=np.where(signal >= 0, 1.0, -1.0).astype(np.float32))


def big_case(args) -> None:
    """``freecalc predict --data F.npz --k K --observe`` on CIFAR-shaped float32 data against the floor."""
    n, d, k = args.big_n, args.big_d, args.big_k
    with tempfile.TemporaryDirectory() as scratch:
        path = args.big_file or Path(scratch) / "cifar_like.npz"
        if not path.exists():
            seconds, _ = timed(lambda: cifar_like(path, n, d))
            print(f"\nwrote {path} ({path.stat().st_size / 2**30:.2f} GiB) in {seconds:.1f} s")
        run_big(path, k, args.big_repeat, args.big_idle)


def timed(action):
    """(seconds, result) of one call of ``action``."""
    start = time.perf_counter()
    out = action()
    return time.perf_counter() - start, out


def floor(path: Path) -> None:
    """The float32 floor: read X and y, then ``X^T X`` and ``X^T Y X`` by numpy's products."""
    with np.load(path) as archive:
        X, y = archive["X"], archive["y"]
    X.T @ X
    X.T @ (y[:, None] * X)


def run_command(command: list[str]) -> tuple[float, str]:
    """(seconds, standard output) of one run of the command; exit with its error if it fails."""
    seconds, out = timed(lambda: subprocess.run(command, capture_output=True, text=True))
    if out.returncode != 0:
        raise SystemExit(f"freecalc predict failed: {out.stderr.strip()}")
    return seconds, out.stdout


def run_big(path: Path, k: int, repeat: int, idle: float) -> None:
    """Time the floor and the whole command, in turn; print the report."""
    arguments = ["predict", "--data", str(path), "--k", str(k), "--observe"]
    command = [sys.executable, "-m", "freecalc", *arguments]
    run_command(command)  # byte-compiles the modules, as an installed package has them
    times: dict[str, list[float]] = {"floor": [], "whole": []}
    for _ in range(repeat):
        time.sleep(idle)
        times["floor"].append(timed(lambda: floor(path))[0])
        time.sleep(idle)
        seconds, stdout = run_command(command)
        times["whole"].append(seconds)
    with np.load(path) as archive:
        n, d = archive["X"].shape
    peak = command_peak_bytes(arguments)
    estimate = estimated_bytes(n, d, k, observe=True, itemsize=4)
    best = {key: min(values) for key, values in times.items()}
    medians = {key: float(np.median(values)) for key, values in times.items()}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nCIFAR-shaped: n = {n}, d = {d}, float32, sign labels, k = {k}; {repeat} runs in turn, "
          f"{idle:g} s apart (load average {load:.1f} on {os.cpu_count()} cores)")
    for line in stdout.strip().splitlines():
        print(f"  {line}")
    print(f"floor: np.load + X^T X + X^T Y X (float32)   {best['floor']:8.2f} s   all {_all(times['floor'])}")
    print(f"predict --data --k {k} --observe (process)  {best['whole']:8.2f} s   all {_all(times['whole'])}")
    ratio = best["whole"] / best["floor"]
    print(f"ratio predict / floor, best against best      {ratio:8.2f}   (target <= 2)")
    print(f"  the same, medians                           {medians['whole'] / medians['floor']:8.2f}")
    print(f"peak allocation of the process (tracemalloc)  {peak / 2**30:8.2f} GiB   "
          f"(estimate {estimate / 2**30:.2f} GiB)")


def _all(times) -> str:
    """Every measured time, for judging the noise of a shared machine."""
    return " ".join(f"{t:.2f}" for t in times)


if __name__ == "__main__":
    main()
