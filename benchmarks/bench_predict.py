"""Timing of ``freecalc predict`` and of the default sweep (issue 3 targets), one run.

Prints, at n = d = k = 1024 on the default alignment-reversing data (gamma = 0.3):

* the time of a prediction without ``--observe`` (library call, closed forms already generated; the first
  call, which also generates them with the engine, is printed too);
* the time of the matrix products no prediction can avoid: the Gram matrices ``C = X^T Y X`` and
  ``B = X^T X``; and, for reference, those two plus the two d x d products ``C^2`` and ``B C^2`` without
  which ``tr(B C^2 B C^2)`` cannot be had;
* their ratio (target: at most 3 against the two Gram matrices);
* the time of the full default sweep (20 balances x 4 data seeds, one network; target: under 60 s) and
  its accuracy (targets: mean |predicted - observed| <= 0.01, max <= 0.03 with empirical R moments).

Every time is the best of ``--repeat`` runs (the sweep runs once).

    python benchmarks/bench_predict.py [--repeat 5] [--no-sweep]
"""

from __future__ import annotations

import argparse
import time

from freecalc.datasets import alignment_reversing
from freecalc.quadratic.predict import predict
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
    args = parser.parse_args()
    size = args.size
    data = alignment_reversing(size, size, 0.3, seed=0)
    X, y = data.X, data.y

    start = time.perf_counter()
    cnfc_closed_forms.cache_clear()
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
    print(f"predict (first call, engine included)   {cold * 1e3:8.1f} ms")
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


if __name__ == "__main__":
    main()
