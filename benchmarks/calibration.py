"""Calibration of ``check``: how often a correct closed form is called wrong, and a wrong one caught.

Draws ``--checks`` random words (2 or 3 free families, 3 to 5 letters, letters repeating), each checked on
seeded random symmetric matrices of size ``--size`` with 2, 5 or 20 Haar rotations (in turn), at the stated
false-alarm rates 1e-3 (the default) and 0.05. Prints, per number of rotations and in all:

* the false-alarm rate of the mean's verdict and of the spread's, with a 95% binomial interval
  (Clopper-Pearson, from the beta quantiles), against the stated rate;
* the power: the rate at which a closed form off by one predicted standard deviation of a sample is flagged
  (on the same samples: ``|observed - (reference + sd)| > tolerance``), against the mean power the command
  states.

    python benchmarks/calibration.py [--checks 300] [--size 24] [--group orthogonal] [--letters 3 5]
"""

from __future__ import annotations

import argparse
import time

import mpmath
import numpy as np

from freecalc.numeric.montecarlo import check

ROTATIONS = (2, 5, 20)
RATES = (1e-3, 0.05)


def random_case(index: int, letters_range: tuple[int, int] = (3, 5)) -> tuple[str, tuple[str, ...]]:
    """A seeded random word in 2 or 3 families, as an expression and its families."""
    rng = np.random.default_rng(10_000 + index)
    families = ("A,B", "R") if index % 2 else ("A,B", "R", "S")
    letters = [x for group in families for x in group.split(",")]
    while True:
        word = list(rng.choice(letters, size=int(rng.integers(letters_range[0], letters_range[1] + 1))))
        if len({f for f in families for x in word if x in f.split(",")}) > 1:  # at least two families
            return "tr(" + " ".join(word) + ")", families


def clopper_pearson(hits: int, total: int) -> tuple[float, float]:
    """The 95% interval of a binomial rate (Clopper & Pearson 1934)."""
    def quantile(p, a, b):
        return float(mpmath.findroot(lambda x: mpmath.betainc(a, b, 0, x, regularized=True) - p, (0.0, 1.0),
                                     solver="bisect"))

    low = 0.0 if hits == 0 else quantile(0.025, hits, total - hits + 1)
    high = 1.0 if hits == total else quantile(0.975, hits + 1, total - hits)
    return low, high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument("--size", type=int, default=24)
    parser.add_argument("--group", default="orthogonal")
    parser.add_argument("--letters", type=int, nargs=2, default=(3, 5), metavar=("LOW", "HIGH"),
                        help="word lengths; from about 7 letters the spread of most words comes from the "
                             "second-order limit (the exact variance's Weingarten sum is over its limit)")
    args = parser.parse_args()
    methods: dict[str, int] = {}
    start = time.perf_counter()
    rows: dict[tuple[float, int], list[tuple[bool, bool | None, bool | None, float]]] = {}
    for index in range(args.checks):
        expression, families = random_case(index, tuple(args.letters))
        rotations = ROTATIONS[index % len(ROTATIONS)]
        for rate in RATES:
            result = check(expression, families, size=args.size, rotations=rotations, seed=index,
                           group=args.group, false_alarm=rate)
            reference = result.exact if result.exact is not None else result.predicted
            caught = None
            if result.predicted_sd:
                caught = abs(result.observed - (reference + result.predicted_sd)) > result.tolerance
            spread_alarm = None if result.spread_agrees is None else not result.spread_agrees
            method = result.spread_method if result.predicted_sd is not None else "not predicted"
            methods[method] = methods.get(method, 0) + 1
            row = (not result.agrees, spread_alarm, caught, result.power)
            rows.setdefault((rate, rotations), []).append(row)
    seconds = time.perf_counter() - start
    print(f"{args.checks} checks of correct closed forms ({args.letters[0]} to {args.letters[1]} letters), "
          f"d = {args.size}, {args.group} rotations, {seconds:.0f} s; spreads: "
          + ", ".join(f"{method} {count}" for method, count in sorted(methods.items())))
    print("| stated rate | rotations | checks | mean: false alarms (95% interval) | spread: false alarms "
          "| power vs one sd: observed (stated) |")
    print("|---|---|---|---|---|---|")
    for rate in RATES:
        for rotations in (*ROTATIONS, None):
            chosen = [r for (a, n), rs in rows.items() if a == rate and (rotations is None or n == rotations)
                      for r in rs]
            total = len(chosen)
            alarms = sum(r[0] for r in chosen)
            low, high = clopper_pearson(alarms, total)
            spread = [r[1] for r in chosen if r[1] is not None]
            powered = [(r[2], r[3]) for r in chosen if r[2] is not None]
            caught = sum(c for c, _ in powered) / len(powered) if powered else float("nan")
            stated = float(np.mean([p for _, p in powered])) if powered else float("nan")
            label = rotations if rotations is not None else "all"
            interval = f"[{low:.4f}, {high:.4f}]"
            print(f"| {rate:g} | {label} | {total} | {alarms} = {alarms / total:.4f} {interval} | "
                  f"{sum(spread)} of {len(spread)} | {caught:.2f} ({stated:.2f}) |")


if __name__ == "__main__":
    main()
