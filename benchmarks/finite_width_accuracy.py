"""Finite-width C-NFC: observed mean and sd over sampled networks against the free limit and the reduction.

For each data set, at n = d = k: the observed mean, standard error and sd of rho over sampled networks
(:func:`freecalc.quadratic.network.velocity_cnfc`), the first-order (free) prediction and its gap in
standard errors, and :func:`freecalc.quadratic.finite_width.finite_width_prediction` (gap in combined
standard errors, sd ratio, rank, share and effective rank of the averaged tail, time). Targets: gap <= 3 se,
sd ratio in [3/4, 4/3].

Then (``--cost N``) the cost at n = d = k = N on the default alignment-reversing data: the first-order
prediction and the finite-width one with the default settings (400 draws, rank 48), each the best of three
runs in this process, and their ratio (target: at most 10 at N = 1024).

Then (``--coverage N``) the coverage of the band at n = d = k = N on alignment-reversing data (seed 0) at
six balances, each observed on ``--coverage-networks`` independent networks: the share of observations within
1 and 2 predicted sd (a normal law: 68.3% and 95.4%). (``freecalc sweep --finite-width`` reports the same
for the paper's protocol, where one network is shared by every point and the errors are correlated.)

Run: ``python benchmarks/finite_width_accuracy.py [--sizes 128,256] [--networks 400] [--max-rank 48]
[--cost 1024] [--coverage 1024]`` (``--sizes ""`` skips the accuracy table, 0 the others).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from freecalc.datasets import alignment_reversing, make_dataset
from freecalc.quadratic.finite_width import finite_width_prediction
from freecalc.quadratic.network import data_grams, sample_network, velocity_cnfc
from freecalc.quadratic.predict import predict

DATA = (("alignment-reversing", "chain"), ("power-law", "chain"), ("isotropic", "quadratic"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="128")
    parser.add_argument("--networks", type=int, default=400)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--max-rank", type=int, default=48)
    parser.add_argument("--cost", type=int, default=1024, help="size of the cost comparison (0: skip)")
    parser.add_argument("--coverage", type=int, default=0, help="size of the coverage run (0: skip)")
    parser.add_argument("--coverage-networks", type=int, default=25)
    args = parser.parse_args()
    print(f"{'data':20} {'n=d=k':>5} {'obs mean':>9} {'se':>7} {'sd':>7} {'first':>8} {'gap/se':>7} "
          f"{'finite':>8} {'gap/se':>7} {'sd':>7} {'sd ratio':>8} {'r':>4} {'tail':>8} {'t rank':>7} "
          f"{'t_fw':>6} {'t_1st':>6}")
    for size in (int(s) for s in args.sizes.split(",") if s):
        networks = args.networks
        for name, labels in DATA:
            data = make_dataset(name, n=size, d=size, labels=labels, seed=1)
            grams = data_grams(data.X, data.y)
            observed = np.array([velocity_cnfc(sample_network(size, size, seed=1000 + i), data.X, data.y,
                                               grams=grams) for i in range(networks)])
            mean, sd = observed.mean(), observed.std(ddof=1)
            se = sd / np.sqrt(networks)
            start = time.perf_counter()
            first = predict(data.X, data.y, k=size).predicted
            t_first = time.perf_counter() - start
            start = time.perf_counter()
            fw = finite_width_prediction(data.X, data.y, k=size, draws=args.draws, max_rank=args.max_rank)
            t_fw = time.perf_counter() - start
            gap = (fw.mean - mean) / np.hypot(se, fw.mean_se)
            first_gap = (first - mean) / se
            print(f"{name:20} {size:>5} {mean:9.4f} {se:7.4f} {sd:7.4f} {first:8.4f} {first_gap:7.1f} "
                  f"{fw.mean:8.4f} {gap:7.1f} {fw.sd:7.4f} {fw.sd / sd:8.3f} {fw.rank:>4} "
                  f"{fw.tail_share:8.1e} {fw.tail_rank:7.0f} {t_fw:6.2f} {t_first:6.2f}", flush=True)
    if args.cost:
        cost(args.cost)
    if args.coverage:
        coverage(args.coverage, args.coverage_networks)


def cost(size: int) -> None:
    """Best-of-three times of the first-order and the finite-width prediction at n = d = k = size."""
    data = alignment_reversing(size, size, 0.3, seed=0)

    def best(action) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
        return min(times)

    first = best(lambda: predict(data.X, data.y, k=size))
    finite = best(lambda: finite_width_prediction(data.X, data.y, k=size))
    print(f"\ncost at n = d = k = {size}: first-order {first:.2f} s, finite-width {finite:.2f} s, "
          f"ratio {finite / first:.1f} (target <= 10)")


def coverage(size: int, networks: int, balances=(0.05, 0.3, 0.55, 0.8, 0.9, 1.0)) -> None:
    """Share of independent observations inside the predicted band, per balance and overall."""
    print(f"\ncoverage at n = d = k = {size}, {networks} networks per balance:")
    zs = []
    for balance in balances:
        data = alignment_reversing(size, size, balance, seed=0)
        grams = data_grams(data.X, data.y)
        fw = finite_width_prediction(data.X, data.y, k=size)
        observed = np.array([velocity_cnfc(sample_network(size, size, seed=100 + s), data.X, data.y,
                                           grams=grams) for s in range(networks)])
        z = (observed - fw.mean) / fw.sd
        zs.extend(z)
        gap = (fw.mean - observed.mean()) / np.hypot(observed.std(ddof=1) / np.sqrt(networks), fw.mean_se)
        print(f"  balance {balance:4.2f}: predicted {fw.mean:.4f} +- {fw.sd:.4f}, observed mean "
              f"{observed.mean():.4f} sd {observed.std(ddof=1):.4f}, gap {gap:+.1f} se, within 1 sd "
              f"{np.mean(abs(z) <= 1):.0%}, within 2 sd {np.mean(abs(z) <= 2):.0%}", flush=True)
    zs = np.array(zs)
    print(f"  all {len(zs)}: within 1 sd {np.mean(abs(zs) <= 1):.1%} (normal 68.3%), within 2 sd "
          f"{np.mean(abs(zs) <= 2):.1%} (95.4%); mean z {zs.mean():+.2f}, sd of z {zs.std():.2f}")


if __name__ == "__main__":
    main()
