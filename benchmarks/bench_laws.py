"""Law objects: speed of densities, accuracy against closed forms, and KS distances to sampled spectra.

1. Time of a density on 1,000 points (a fresh law object each time, so no cached support or table): free
   sums and products by subordination (targets: under 1 s), the law of R, polynomials by linearization
   (target for a degree-3 polynomial in 3 families: under 10 s).
2. Largest density error against closed forms written from the literature, farther than 1e-3 (relative)
   from the edges, and the error of the located edges (target 1e-8 for both).
3. Kolmogorov-Smirnov distance between each predicted law and the eigenvalues of one sampled N x N matrix
   (N = 4,000 by default), beside the sampled spectra's own drift (two-sample KS between N/2 and N).

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_laws.py [--size 4000] [--skip-ks]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from freecalc.laws import (
    Atomic,
    CompoundFreePoisson,
    FreePoisson,
    FreeProduct,
    FreeSum,
    Law,
    Semicircle,
    bernoulli,
    empirical,
    law_of_expression,
    r_law,
)
from freecalc.laws.support import locate_support

SEMI = {"x": Semicircle(), "y": Semicircle(), "z": Semicircle()}
EDGE = math.sqrt((11 + 5 * math.sqrt(5)) / 2)
CUBIC = "x y z + z y x + x y x + z"


def speed_cases():
    spectrum = np.random.default_rng(0).gamma(2.0, size=4000) - 2.0
    return {
        "semicircle + free Poisson(0.5)": (lambda: FreeSum(Semicircle(), FreePoisson(0.5)), 1.0),
        "free Poisson(2)^1/2 bernoulli(0.4) ..": (lambda: FreeProduct(FreePoisson(2.0), bernoulli(0.4)), 1.0),
        "R law (c = 0.5, gaussian a)": (lambda: r_law(0.5), 1.0),
        "empirical (4000 eigenvalues) + semicircle": (lambda: FreeSum(empirical(spectrum), Semicircle(0.5)),
                                                      1.0),
        "x y + y x (2 families, pencil 3x3)": (lambda: law_of_expression("x y + y x", SEMI), 10.0),
        "x y z + z y x + x y x + z (3 families)": (lambda: law_of_expression(CUBIC, SEMI), 10.0),
    }


def speed() -> None:
    print(f"{'density on 1,000 points':<44}{'time (s)':>10}{'target (s)':>12}{'support + report (s)':>22}")
    from freecalc.laws.report import law_report

    for name, (build, target) in speed_cases().items():
        law = build()
        x = np.linspace(*law.bounds(), 1000)
        start = time.perf_counter()
        law.density(x)
        seconds = time.perf_counter() - start
        law = build()
        start = time.perf_counter()
        law_report(law)
        report = time.perf_counter() - start
        print(f"{name:<44}{seconds:>10.3f}{target:>12.0f}{report:>22.2f}")


def mp(x, lam, alpha=1.0):
    y = x / alpha
    a, b = (1 - math.sqrt(lam)) ** 2, (1 + math.sqrt(lam)) ** 2
    inside = (y > a) & (y < b)
    safe = np.where(inside, y, 1.0)
    root = np.sqrt(np.clip((b - safe) * (safe - a), 0, None))
    return np.where(inside, root / (2 * np.pi * safe), 0) / alpha


def anticommutator(x):
    return np.array([max(0.0, -np.roots([v, 1.0, -v, 1.0]).imag.min() / np.pi) for v in x])


def accuracy() -> None:
    semicircle = lambda s: (lambda x: np.sqrt(np.clip(4 * s - x**2, 0, None)) / (2 * np.pi * s))  # noqa: E731
    cases = [
        ("semicircle, Stieltjes inversion", lambda: _Inverted(Semicircle()), semicircle(1.0), (-2.0, 2.0)),
        ("Marchenko-Pastur(0.5), inversion", lambda: _Inverted(FreePoisson(0.5)), lambda x: mp(x, 0.5),
         ((1 - 0.5**0.5) ** 2, (1 + 0.5**0.5) ** 2)),
        ("free Poisson(0.7, jump 1.5), compound eq.",
         lambda: CompoundFreePoisson(0.7, Atomic(np.array([1.5]), np.array([1.0]))),
         lambda x: mp(x, 0.7, 1.5),
         (1.5 * (1 - 0.7**0.5) ** 2, 1.5 * (1 + 0.7**0.5) ** 2)),
        ("semicircle(1) + semicircle(2), subordin.", lambda: FreeSum(Semicircle(1.0), Semicircle(2.0)),
         semicircle(3.0), (-2 * 3**0.5, 2 * 3**0.5)),
        ("FP(0.3) + FP(0.5) = FP(0.8), subordin.", lambda: FreeSum(FreePoisson(0.3), FreePoisson(0.5)),
         lambda x: mp(x, 0.8), ((1 - 0.8**0.5) ** 2, (1 + 0.8**0.5) ** 2)),
        ("anticommutator, FP(1) + FP(1, -1)", lambda: FreeSum(FreePoisson(1.0), FreePoisson(1.0, -1.0)),
         anticommutator, (-EDGE, EDGE)),
        ("anticommutator, linearization", lambda: law_of_expression("x y + y x", SEMI), anticommutator,
         (-EDGE, EDGE)),
    ]
    print(f"\n{'closed form':<44}{'max density error':>20}{'max edge error':>18}")
    for name, build, formula, edges in cases:
        law = build()
        low, high = edges
        x = np.linspace(low - 0.2 * (high - low), high + 0.2 * (high - low), 2001)
        keep = np.all(np.abs(x[:, None] - np.array(edges)) > 1e-3 * (high - low), axis=1) & (np.abs(x) > 1e-3)
        error = np.max(np.abs(law.density(x[keep]) - formula(x[keep])))
        located = law.support()
        edge_error = max(abs(located[0][0] - low), abs(located[-1][1] - high))
        print(f"{name:<44}{error:>20.2e}{edge_error:>18.2e}")


class _Inverted:
    """A closed-form law read through the generic routes: -Im G / pi and the located edges."""

    def __init__(self, law):
        self.law = law

    def density(self, x):
        return Law.density(self.law, x)

    def support(self):
        low, high = self.law.bounds()
        return locate_support(self.density, low - 0.1 * (high - low), high + 0.1 * (high - low))


def ks_to_law(law, eigenvalues):
    values = np.sort(eigenvalues)
    for location, _ in law.atoms():
        values[np.abs(values - location) < 1e-8] = location
    n = values.size
    upper = law.cdf(values)
    lower = upper - sum(m * (values == a) for a, m in law.atoms())
    return float(max(np.max(np.arange(1, n + 1) / n - upper), np.max(lower - np.arange(n) / n), 0.0))


def ks_two_sample(a, b, atoms=()):
    a, b = np.sort(a), np.sort(b)
    for location, _ in atoms:  # eigenvalues on an atom, up to rounding, count at it
        a[np.abs(a - location) < 1e-8], b[np.abs(b - location) < 1e-8] = location, location
    x = np.concatenate([a, b])
    return float(np.max(np.abs(np.searchsorted(a, x, side="right") / a.size
                               - np.searchsorted(b, x, side="right") / b.size)))


def network_r(size, seed, ratio=0.5):
    rng = np.random.default_rng(seed)
    k = round(size / ratio)
    w = rng.standard_normal((k, size)) / np.sqrt(k)
    return (w.T * rng.standard_normal(k) ** 2) @ w


def goe_polynomial(text):
    from freecalc.laws.linearization import parse_polynomial

    words = parse_polynomial(text)

    def sampler(size, seed):
        rng = np.random.default_rng(seed)
        values = {x: Semicircle().sample(size, rng) for x in sorted({x for w in words for x in w})}
        out = np.zeros((size, size))
        for word, c in words.items():
            term = c * np.eye(size)
            for letter in word:
                term = term @ values[letter]
            out += term
        return (out + out.T) / 2

    return sampler


def monte_carlo(size: int) -> None:
    sum_law = FreeSum(Semicircle(), FreePoisson(0.5))
    product = FreeProduct(FreePoisson(2.0), bernoulli(0.4))
    cases = [
        ("semicircle + free Poisson(0.5)", sum_law, sum_law.sample),
        ("FP(2)^1/2 bernoulli(0.4) FP(2)^1/2", product, product.sample),
        ("R law c = 0.5 (sampled networks)", r_law(0.5), network_r),
        ("x y + y x (GOE)", law_of_expression("x y + y x", SEMI), goe_polynomial("x y + y x")),
        ("x + x y x (GOE)", law_of_expression("x + x y x", SEMI), goe_polynomial("x + x y x")),
        ("x y z + z y x + x y x + z (GOE)", law_of_expression("x y z + z y x + x y x + z", SEMI),
         goe_polynomial("x y z + z y x + x y x + z")),
    ]
    print(f"\n{'KS distance to one sampled matrix':<40}{'N':>6}{'KS(law, N)':>12}{'KS(law, N/2)':>14}"
          f"{'drift N/2 -> N':>16}{'seconds':>9}")
    for name, law, sampler in cases:
        start = time.perf_counter()
        half = np.linalg.eigvalsh(sampler(size // 2, 1))
        full = np.linalg.eigvalsh(sampler(size, 2))
        print(f"{name:<40}{size:>6}{ks_to_law(law, full):>12.5f}{ks_to_law(law, half):>14.5f}"
              f"{ks_two_sample(half, full, law.atoms()):>16.5f}{time.perf_counter() - start:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4000)
    parser.add_argument("--skip-ks", action="store_true")
    args = parser.parse_args()
    speed()
    accuracy()
    if not args.skip_ks:
        monte_carlo(args.size)


if __name__ == "__main__":
    main()
