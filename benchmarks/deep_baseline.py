"""The randomized-eigenvector baseline on a trained network in the paper's Figure 1 setting.

Setting (arXiv:2402.05271, Appendix I, "Corrupted AGOP"): n = 384, d = 32, isotropic Gaussian rows,
chain-monomial labels of rank 5 (eq. (2)) scaled to unit sd, two hidden ReLU layers of width 128, first-layer
initialization scale 0.01, default (1) elsewhere; trained here by full-batch gradient descent (``--lr``,
``--steps``) on the mean squared error. Printed: the loss, the first layer's NFC, the baseline's first order
and finite-size mean and sd (:func:`freecalc.networks.baseline.randomized_baseline`), and ``--rotations``
Haar rotations of K (mean, sd, the gap in standard errors, the sd ratio). The paper reports NFC 0.93 and
baseline 0.53 for its network.

Run: ``python benchmarks/deep_baseline.py [--rotations 200] [--lr 0.05] [--steps 800] [--seed 0]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from freecalc.datasets import gaussian_dataset
from freecalc.networks.baseline import randomized_baseline, rotated_nfc
from freecalc.networks.measures import layer_measures
from freecalc.networks.mlp import sample_mlp
from freecalc.networks.training import gradient_descent


def main() -> None:
    """Train, then compare the predicted baseline with Haar rotations, for both layers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rotations", type=int, default=200)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--steps", type=int, default=800)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    data = gaussian_dataset(384, 32, labels="chain", seed=args.seed)
    y = data.y / data.y.std()
    net = sample_mlp(32, (128, 128), "relu", scales=(0.01, 1.0), seed=args.seed)
    run = gradient_descent(net, data.X, y, lr=args.lr, steps=args.steps, subtract_initial=False)
    trained = run.network
    print(f"trained {args.steps} steps at lr {args.lr}: loss {run.loss[0]:.4f} -> {run.loss[-1]:.4f} "
          f"({time.perf_counter() - start:.1f} s)")
    for layer in (1, 2):
        measures = layer_measures(trained, data.X, layer, initial=net)
        W, K = trained.weights[layer - 1], trained.feature_covariance(data.X, layer)
        eigenvalues = np.linalg.eigvalsh(K)
        tick = time.perf_counter()
        predicted = randomized_baseline(W, K)
        elapsed = time.perf_counter() - tick
        samples = rotated_nfc(W, K, args.rotations, seed=args.seed + layer)
        mean, sd = samples.mean(), samples.std(ddof=1)
        se = sd / np.sqrt(len(samples))
        print(f"layer {layer}: NFC {measures.nfc:.4f}, C-NFC {measures.cnfc:.4f}, "
              f"C/UC ratio {measures.ratio:.4f}; K eigenvalues sd/mean "
              f"{eigenvalues.std() / eigenvalues.mean():.2f}")
        print(f"  predicted: first order {predicted.first_order:.4f}; log-normal closure "
              f"{predicted.mean:.4f} sd {predicted.sd:.4f}; delta method {predicted.delta_mean:.4f} "
              f"sd {predicted.delta_sd:.4f}; Var D / (E D)^2 = {predicted.relative_var_d:.3f} "
              f"({elapsed:.1f} s)")
        print(f"  {args.rotations} Haar rotations: mean {mean:.4f} +- {se:.4f} (se), sd {sd:.4f}")
        for label, value, spread in (("first order", predicted.first_order, None),
                                     ("log-normal", predicted.mean, predicted.sd),
                                     ("delta", predicted.delta_mean, predicted.delta_sd)):
            ratio = f", sd ratio {sd / spread:.3f}" if spread else ""
            print(f"    {label:12s} gap {(mean - value) / se:+6.2f} se{ratio}")

if __name__ == "__main__":
    main()
