"""What the free-probability terms add over the first order: depth 1, quadratic activation, n = d = k.

For the one-hidden-layer quadratic network the engine's closed form
(:func:`freecalc.quadratic.predict.predict`, R's analytic moments: the proportional regime, k/d fixed)
and the first-order deep prediction
(:func:`freecalc.networks.first_order.first_order_cnfc` at depth 1: the PTK replaced by its mean, the
k -> infinity limit at fixed n, d) are both compared with the observed C-NFC over ``--networks`` networks
(:func:`freecalc.networks.first_order.observed_cnfc`; the readout's law does not matter to the first order and
both are invariant to the weights' overall scale). The free closed form keeps the terms in d/k that the first
order drops; at n = d = k they are of the same order as the first-order terms, and the table shows their size.

Run: ``python benchmarks/deep_vs_free.py [--size 256] [--networks 20]``.
"""

from __future__ import annotations

import argparse

import numpy as np

from freecalc.datasets import alignment_reversing, gaussian_dataset
from freecalc.networks.first_order import first_order_cnfc, observed_cnfc
from freecalc.quadratic.predict import predict


def main() -> None:
    """One row per data set: first order, free closed form, observed mean +- standard error, gaps."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--networks", type=int, default=20)
    args = parser.parse_args()
    n = d = k = args.size
    sets = {
        "alignment-reversing gamma 0.3": alignment_reversing(n, d, 0.3, seed=0),
        "alignment-reversing gamma 0.8": alignment_reversing(n, d, 0.8, seed=1),
        "power-law alpha 1, chain": gaussian_dataset(n, d, alpha=1.0, labels="chain", seed=2),
        "isotropic, quadratic labels": gaussian_dataset(n, d, labels="quadratic", seed=3),
    }
    print(f"depth 1, quadratic, n = d = k = {n}, {args.networks} networks (Gaussian readout, W ~ N(0, 1/d))")
    print("data set                        first order  free (analytic R)  observed mean +- se   "
          "gap first/free (se)")
    for name, data in sets.items():
        first = first_order_cnfc(data.X, data.y, 1, "quadratic")
        free = predict(data.X, data.y, k=k).predicted
        observed = observed_cnfc(data.X, data.y, (k,), "quadratic", networks=args.networks, seed=4)
        mean, se = observed.mean(), observed.std(ddof=1) / np.sqrt(len(observed))
        print(f"{name:30s}  {first:.5f}      {free:.5f}            {mean:.5f} +- {se:.5f}    "
              f"{(mean - first) / se:+7.1f} / {(mean - free) / se:+5.1f}")


if __name__ == "__main__":
    main()
