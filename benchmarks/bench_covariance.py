"""Timing of second-order covariances (`freecalc.free.second_order`), one run.

For pairs of words with up to 6 letters each from two families (repeated and distinct letters; the worst case
is twelve distinct letters), both groups, deterministic and random families: the time of `covariance`
(cumulant atoms) and of `covariance_in_moments` (trace atoms), each in a fresh subprocess (cold caches),
against the target of 5 s, with the ratio to the target and the number of terms.

    python benchmarks/bench_covariance.py
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

TARGET = 5.0
CASES = {  # name: (word P, word Q, families)
    "ARAR|ARAR": ("A R A R", "A R A R", [["A", "B"], ["R"]]),
    "ARARBR|ARARBR": ("A R A R B R", "A R A R B R", [["A", "B"], ["R"]]),
    "ABRARB|RRABRA": ("A B R A R B", "R R A B R A", [["A", "B"], ["R"]]),
    "A1R1A2R2A3R3|same": ("A1 R1 A2 R2 A3 R3", "A1 R1 A2 R2 A3 R3", [["A1", "A2", "A3"], ["R1", "R2", "R3"]]),
    "distinct 6|6": ("A1 R1 A2 R2 A3 R3", "A4 R4 A5 R5 A6 R6",
                     [[f"A{i}" for i in range(1, 7)], [f"R{i}" for i in range(1, 7)]]),
}
RANDOM = {"deterministic": (), "R random": (1,), "both random": (0, 1)}


def one(case: str, group: str, random: str, function: str) -> None:
    """Child process: time one call, print JSON."""
    from freecalc.free import second_order

    p, q, families = CASES[case]
    start = time.perf_counter()
    poly = getattr(second_order, function)(p.split(), q.split(), families, group, RANDOM[random])
    print(json.dumps({"seconds": time.perf_counter() - start, "terms": len(poly)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(*args.one)
        return
    print(f"{'words':<20}{'group':<12}{'families':<15}{'function':<23}{'terms':>8}{'time (s)':>10}"
          f"{'ratio to 5 s':>14}")
    worst = 0.0
    for case in CASES:
        for group in ("unitary", "orthogonal"):
            for random in RANDOM:
                for function in ("covariance", "covariance_in_moments"):
                    command = [sys.executable, __file__, "--one", case, group, random, function]
                    out = subprocess.run(command, capture_output=True, text=True, check=True)
                    result = json.loads(out.stdout.strip().splitlines()[-1])
                    worst = max(worst, result["seconds"])
                    print(f"{case:<20}{group:<12}{random:<15}{function:<23}{result['terms']:>8,}"
                          f"{result['seconds']:>10.3f}{result['seconds'] / TARGET:>14.3f}", flush=True)
    print(f"\nslowest call: {worst:.3f} s = {worst / TARGET:.3f} of the {TARGET:g} s target "
          f"({'within' if worst < TARGET else 'OVER'})")


if __name__ == "__main__":
    main()
