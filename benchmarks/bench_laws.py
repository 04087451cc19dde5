"""Law objects: speed of densities, accuracy against closed forms, and KS distances to sampled spectra.

1. Time of a density on 1,000 points (a fresh law object each time, so no cached support or table; wall and
   CPU seconds, the latter not inflated by the load of a shared machine): free
   sums and products by subordination (targets: under 1 s), the law of R, polynomials by linearization
   (target for a degree-3 polynomial in 3 families: under 10 s), both for semicircular letters (the
   semicircle equation) and for letters of any laws (operator-valued subordination, ``FreePolynomial``),
   and the AGOP ``C R B R C`` of a data set (d = 48) with R's law (``freecalc.quadratic.spectra``).
2. Largest density error against closed forms written from the literature, farther than 1e-3 (relative)
   from the edges, and the error of the located edges (target 1e-8 for both).
3. Kolmogorov-Smirnov distance between each predicted law and the eigenvalues of one sampled N x N matrix
   (N = 4,000 by default), beside the sampled spectra's own drift (two-sample KS between N/2 and N).

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_laws.py [--size 4000] [--skip-ks] [--speed-only]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from freecalc.derive.laws import closed_form_checks, monte_carlo_checks
from freecalc.laws import (
    FreePoisson,
    FreePolynomial,
    FreeProduct,
    FreeSum,
    Semicircle,
    bernoulli,
    empirical,
    law_of_expression,
    r_law,
)

SEMI = {"x": Semicircle(), "y": Semicircle(), "z": Semicircle()}
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
        "  the same, general route (semicirculars)": (lambda: FreePolynomial(CUBIC, SEMI), 10.0),
        "  the same, semicircle, free Poisson, empirical": (
            lambda: FreePolynomial(CUBIC, {"x": Semicircle(), "y": FreePoisson(0.5),
                                           "z": empirical(spectrum[:1000])}), 10.0),
        "x y + y x, semicircle and R law (general)": (lambda: FreePolynomial("x y + y x", {
            "x": Semicircle(), "y": r_law(0.5)}), 10.0),
        "AGOP C R B R C, data d = 48 (matrix block)": (_agop, 60.0),
    }


def _agop():
    from freecalc.datasets import make_dataset
    from freecalc.quadratic.predict import data_matrices
    from freecalc.quadratic.spectra import AgopLaw

    data = make_dataset("alignment-reversing", n=96, d=48, seed=0)
    mats = data_matrices(data.X, data.y)
    return AgopLaw(np.asarray(mats["C"], float), np.asarray(mats["B"], float), r_law(0.5))


def speed(report_too: bool = True) -> None:
    print(f"{'density on 1,000 points':<50}{'time (s)':>10}{'cpu (s)':>9}{'target (s)':>12}"
          f"{'support + report (s)':>22}")
    from freecalc.laws.report import law_report

    for name, (build, target) in speed_cases().items():
        law = build()
        x = np.linspace(*law.bounds(), 1000)
        start, cpu = time.perf_counter(), time.process_time()
        law.density(x)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        report = float("nan")
        if report_too and "AGOP" not in name:
            law = build()
            start = time.perf_counter()
            law_report(law)
            report = time.perf_counter() - start
        print(f"{name:<50}{seconds:>10.3f}{cpu:>9.3f}{target:>12.0f}{report:>22.2f}")


def accuracy() -> None:
    print(f"\n{'closed form (route)':<72}{'max density error':>19}{'max edge error':>16}")
    for name, route, density_error, edge_error in closed_form_checks():
        print(f"{name + ' (' + route + ')':<72}{density_error:>19.2e}{edge_error:>16.2e}")


def monte_carlo(size: int) -> None:
    print(f"\n{'KS distance to one sampled matrix':<72}{'N':>6}{'KS(law, N)':>12}{'drift N/2 -> N':>16}")
    for name, _, distance, drift, _ in monte_carlo_checks(size, extended=True):
        print(f"{name:<72}{size:>6}{distance:>12.5f}{drift:>16.5f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4000)
    parser.add_argument("--skip-ks", action="store_true")
    parser.add_argument("--speed-only", action="store_true", help="Only the densities' times, no reports.")
    args = parser.parse_args()
    speed(report_too=not args.speed_only)
    if args.speed_only:
        return
    accuracy()
    if not args.skip_ks:
        monte_carlo(args.size)


if __name__ == "__main__":
    main()
