"""The first-order deep C-NFC prediction against wide two-hidden-layer MLPs (issue 25's acceptance check).

At n = d = 64 and k = 4096 (both hidden layers), for ReLU and quadratic activations and four data sets of
our own (Gaussian rows, power-law or isotropic covariance, chain-monomial, quadratic or noise labels), the
first-order prediction (:func:`freecalc.networks.first_order.first_order_cnfc`, the PTK replaced by its
infinite-width expectation) against the observed early-time C-NFC of the first layer over ``--networks``
independently sampled networks: the mean, the standard error, and the gap in standard errors (target: within
3). Each network is drawn once, seeded; the data seeds are 11..14.

Run: ``python benchmarks/deep_first_order.py [--n 64] [--k 4096] [--networks 30]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from freecalc.datasets import gaussian_dataset
from freecalc.networks.first_order import first_order_cnfc, observed_cnfc

DATASETS = (  # (alpha, labels, seed): alpha None is isotropic
    (0.5, "chain", 11),
    (1.5, "quadratic", 12),
    (None, "chain", 13),
    (1.0, "noise", 14),
)


def main() -> None:
    """Print one row per (activation, data set)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--k", type=int, default=4096)
    parser.add_argument("--networks", type=int, default=30)
    args = parser.parse_args()
    print(f"n = d = {args.n}, k = {args.k}, depth 2, {args.networks} networks per row")
    print("activation  alpha  labels     predicted  observed mean   se       gap/se  seconds")
    for name in ("relu", "quadratic"):
        for alpha, labels, seed in DATASETS:
            start = time.perf_counter()
            data = gaussian_dataset(args.n, args.n, alpha=alpha, labels=labels, seed=seed)
            predicted = first_order_cnfc(data.X, data.y, 2, name)
            observed = observed_cnfc(data.X, data.y, (args.k, args.k), name, networks=args.networks,
                                     seed=seed)
            mean, se = observed.mean(), observed.std(ddof=1) / np.sqrt(len(observed))
            print(f"{name:10s}  {alpha!s:5s}  {labels:9s}  {predicted:.5f}    {mean:.5f}      {se:.5f}  "
                  f"{(mean - predicted) / se:+6.2f}  {time.perf_counter() - start:6.1f}")


if __name__ == "__main__":
    main()
