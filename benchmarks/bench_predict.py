"""Timing of ``freecalc predict`` and of the default sweep (issue 3 targets), one run.

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

Then the CIFAR-sized case (issue: "``freecalc predict --data F.npz --k 1024 --observe`` on n = 50,000,
d = 3,072 float32 data within 1.5 times the unavoidable Gram products"): Gaussian rows with covariance
spectrum ``j^-1`` and sign labels, float32, written to an uncompressed .npz (``--big-file`` keeps it for
the next run), and in the same run, each the best of ``--big-repeat`` interleaved runs:

* the Gram products ``X^T X`` and ``X^T Y X`` in float32, timed two ways: as numpy's ``X.T @ X`` (a
  syrk) and ``X.T @ (y X)`` (a gemm), and as :func:`freecalc.quadratic.network.data_grams` (rank-k updates
  by label group, what the pipeline uses); the faster is the baseline;
* the whole ``python -m freecalc predict --data F.npz --k 1024 --observe`` as a subprocess (interpreter
  start, imports, reading the file included), each timed run right after an untimed one, and in a second
  series after ``--big-idle`` seconds of idling (see below); and in one more untimed run its peak resident
  memory, read by the child itself (``VmHWM`` in /proc/self/status; ``ru_maxrss`` of the children would
  also count the benchmark's own memory, which the child shares between fork and exec);
* their ratio (target: at most 1.5; best against best, and for the noise, median against median), the
  same for the runs after idling, both against the warm Grams and against ``data_grams`` timed alone in a
  new process after the same idling (X mapped and checked first, as the command does), and the in-process
  time of each stage, to say what the rest is.

Why an untimed run before each timed one: on a virtual machine that hands free memory back to its host
(free page reporting), memory freed a few seconds ago costs several times more to touch again than memory
freed just now (here a fresh 305 MB array took 0.05 s to fill in most processes, 0.58 s in some). The
Grams, timed warm in this process, reuse memory they freed a moment before; the process right after
another one does the same, and then both sides of the ratio pay the same for memory. What the process
takes on its first run after a pause is printed as the second series, with its ratio to the warm Grams
(the strict figure) and to Grams that paid for new memory after the same pause in a process of their own.

freecalc's modules are byte-compiled first (:mod:`compileall`), as ``pip install`` does and as the first
run does wherever ``PYTHONDONTWRITEBYTECODE`` is unset: without it every process of an editable install
compiles them from source again (35 ms here). The benchmark's own process runs under the BLAS settings
the command sets for itself (:mod:`freecalc.__main__`), so that both sides of the ratio have them.

    python benchmarks/bench_predict.py [--repeat 5] [--no-sweep] [--no-big | --big-only] [--big-file F]
"""

# ruff: noqa: E402 - the process's BLAS settings are made before numpy is imported (notes above)
from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from freecalc.__main__ import process_settings

process_settings()  # before numpy loads OpenBLAS (module notes)

import numpy as np

import freecalc
from freecalc.datasets import alignment_reversing
from freecalc.datasets.io import load_npz
from freecalc.numeric.resources import command_peak_bytes, estimated_bytes
from freecalc.quadratic import stored_forms
from freecalc.quadratic.network import data_grams, sample_network, velocity_cnfc
from freecalc.quadratic.predict import DataStatistics, predict
from freecalc.quadratic.sweep import run_sweep
from freecalc.quadratic.words import cnfc_closed_forms


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
    parser.add_argument("--big-idle", type=float, default=4.0,
                        help="seconds of idling before the second series of runs of the process")
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
    """``freecalc predict --data F.npz --k K --observe`` on CIFAR-sized float32 data against its Grams."""
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


def interleaved_times(path: Path, command: list[str], repeat: int, idle: float):
    """Times of numpy's Grams, freecalc's Grams and the whole command (after an untimed run of it, and
    after ``idle`` seconds of idling), taken in turn ``repeat`` times."""
    with np.load(path) as archive:
        X, y = archive["X"], archive["y"]
    times = {"numpy": [], "freecalc": [], "whole": [], "after idling": [], "fresh Grams": []}
    for _ in range(repeat):  # interleaved, so that every measure sees the same machine load
        times["numpy"].append(timed(lambda: (X.T @ X, X.T @ (y[:, None] * X)))[0])
        times["freecalc"].append(timed(lambda: data_grams(X, y))[0])
        time.sleep(idle)
        times["fresh Grams"].append(fresh_grams_time(path))
        time.sleep(idle)
        times["after idling"].append(run_command(command)[0])
        seconds, stdout = run_command(command)  # right after an untimed run (module notes)
        times["whole"].append(seconds)
    return X.shape, times, stdout


FRESH_GRAMS = """
import sys, time
from freecalc.__main__ import process_settings
process_settings()
from freecalc.datasets.io import load_npz
from freecalc.quadratic.grams import data_grams
data = load_npz(sys.argv[1], mapped=True, values=False)
start = time.perf_counter()
data_grams(data.X, data.y)
print(time.perf_counter() - start)
"""


def fresh_grams_time(path: Path) -> float:
    """``data_grams`` timed in a new process (X mapped and its CRC-32 checked first), as the command's are."""
    out = subprocess.run([sys.executable, "-c", FRESH_GRAMS, str(path)], capture_output=True, text=True,
                         check=True)
    return float(out.stdout)


def run_command(command: list[str]) -> tuple[float, str]:
    """(seconds, standard output) of one run of the command; exit with its error if it fails."""
    seconds, out = timed(lambda: subprocess.run(command, capture_output=True, text=True))
    if out.returncode != 0:
        raise SystemExit(f"freecalc predict failed: {out.stderr.strip()}")
    return seconds, out.stdout


def run_big(path: Path, k: int, repeat: int, idle: float) -> None:
    """Time the Grams and the whole command, interleaved, then the stages in-process; print the report."""
    compileall.compile_dir(Path(freecalc.__file__).parent, quiet=1)  # module notes
    arguments = ["predict", "--data", str(path), "--k", str(k), "--observe"]
    command = [sys.executable, "-m", "freecalc", *arguments]
    (n, d), times, stdout = interleaved_times(path, command, repeat, idle)
    peak = command_peak_bytes(arguments)
    stages = stage_times(path, k)
    numpy_grams, our_grams, whole = (min(times[key]) for key in ("numpy", "freecalc", "whole"))
    estimate = estimated_bytes(n, d, k, observe=True, itemsize=4)
    print(f"\nCIFAR-sized: n = {n}, d = {d}, float32, sign labels, k = {k}; best of {repeat} interleaved "
          f"runs (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for line in stdout.strip().splitlines():
        print(f"  {line}")
    print(f"Grams X^T X, X^T Y X, numpy (syrk + gemm)   {numpy_grams:8.2f} s   all {_all(times['numpy'])}")
    print(f"Grams X^T X, X^T Y X, freecalc (by label)   {our_grams:8.2f} s   all {_all(times['freecalc'])}")
    print(f"predict --data --k {k} --observe (process) {whole:8.2f} s   all {_all(times['whole'])}")
    print(f"ratio predict / fastest Grams               {whole / min(numpy_grams, our_grams):8.2f}   "
          "(target <= 1.5)")
    medians = {key: float(np.median(values)) for key, values in times.items()}
    median_ratio = medians["whole"] / min(medians["numpy"], medians["freecalc"])
    print(f"  the same, medians of the runs             {median_ratio:8.2f}")
    after_idling = min(times["after idling"])
    print(f"the process after {idle:g} s idling              {after_idling:8.2f} s   "
          f"all {_all(times['after idling'])}")
    print(f"  its ratio to the fastest Grams            {after_idling / min(numpy_grams, our_grams):8.2f}")
    fresh = min(times["fresh Grams"])
    print(f"  freecalc's Grams in a new process after {idle:g} s idling {fresh:5.2f} s   "
          f"all {_all(times['fresh Grams'])}")
    print(f"  the process's ratio to those              {after_idling / fresh:8.2f}   "
          f"(medians {medians['after idling'] / medians['fresh Grams']:.2f})")
    print(f"ratio predict / numpy Grams                 {whole / numpy_grams:8.2f}")
    if peak is not None:
        print(f"peak memory of the process (its VmHWM)      {peak / 2**30:8.2f} GiB   "
              f"(estimate {estimate / 2**30:.2f} GiB)")
    print("in-process stages of the same prediction:")
    for name, seconds in stages.items():
        print(f"  {name:41s} {seconds:8.2f} s")


def _all(times) -> str:
    """Every measured time, for judging the noise of a shared machine."""
    return " ".join(f"{t:.2f}" for t in times)


def stage_times(path: Path, k: int) -> dict[str, float]:
    """One prediction with --observe split into the stages of run_prediction (interpreter start separate)."""
    stages = {}
    stages["interpreter start and imports"], _ = timed(lambda: subprocess.run(
        [sys.executable, "-c", "import freecalc.cli, freecalc.quadratic.workflow"], check=True))
    stages["read, map and check the .npz (CRC, y)"], data = timed(lambda: load_npz(path, mapped=True,
                                                                                   values=False))
    stages["Grams C, B (data_grams)"], _ = timed(lambda: data_grams(data.X, data.y))
    seconds, stats = timed(lambda: DataStatistics(data.X, data.y, "cosine", keep_c_squared=False))
    stages["trace words (C^2, B C^2 in X's type)"] = seconds - stages["Grams C, B (data_grams)"]
    stages["sample the network"], network = timed(lambda: sample_network(data.d, k, seed=0))
    stages["closed forms and R moments"], _ = timed(lambda: predict(data.X, data.y, k=k, statistics=stats))
    stages["observe (Gram identities, k x k traces)"], _ = timed(
        lambda: velocity_cnfc(network, data.X, data.y, grams=stats.grams))
    return stages


if __name__ == "__main__":
    main()
