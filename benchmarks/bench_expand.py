"""Timing of the public expansion path (engine + building the sympy expression), one run.

Prints, for tr(A1 R1 ... An Rn) with all letters distinct and for tr((A R B R)^m), the time, the number of
terms and the speed-up over the slow reference (tests/reference.py: filtered set partitions, brute-force
Kreweras complement and cumulants) where the reference is run (n <= 7). Targets (issue 2, with the corrected
counts of the design notes): mixed n = 10 < 5 s, n = 12 < 60 s; moments n = 7 < 5 s, n = 8 and 9 < 60 s;
tr((A R B R)^6) in moments < 5 s.

    python benchmarks/bench_expand.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from math import comb
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from freecalc import catalan, expand  # noqa: E402
from freecalc.free.mixed_moments import clear_caches  # noqa: E402


def distinct(n: int) -> tuple[str, list[str]]:
    word = "tr(" + " ".join(f"A{i} R{i}" for i in range(1, n + 1)) + ")"
    families = [",".join(f"A{i}" for i in range(1, n + 1)), ",".join(f"R{i}" for i in range(1, n + 1))]
    return word, families


def timed(expression, families, basis: str) -> tuple[float, int]:
    clear_caches()
    start = time.perf_counter()
    expr = expand(expression, families, basis)
    elapsed = time.perf_counter() - start
    return elapsed, len(expr.args) if expr.is_Add else 1


def reference_time(n: int) -> float:
    from reference import nc_by_filtering, trace_by_partitions

    from freecalc.free.words import Families

    nc_by_filtering.cache_clear()
    families = Families.of([f"A{i}" for i in range(1, n + 1)], [f"R{i}" for i in range(1, n + 1)])
    start = time.perf_counter()
    a_side = [(f"A{i}",) for i in range(1, n + 1)]
    trace_by_partitions(a_side, [(f"R{i}",) for i in range(1, n + 1)], families)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the largest cases")
    args = parser.parse_args()
    rows = []
    cases = [("mixed", n, catalan(n), 5 if n == 10 else 60 if n == 12 else None) for n in (4, 6, 8, 10, 12)]
    cases += [("moments", n, comb(3 * n, n) // (2 * n + 1), 5 if n == 7 else 60 if n in (8, 9) else None)
              for n in (4, 6, 7, 8, 9)]
    if args.quick:
        cases = [c for c in cases if c[1] <= 10 and not (c[0] == "moments" and c[1] > 8)]
    print(f"{'word':<34}{'basis':<9}{'terms':>9}{'expected':>10}{'time (s)':>10}{'target':>8}{'ref (s)':>9}"
          f"{'speed-up':>10}")
    for basis, n, expected, target in cases:
        word, families = distinct(n)
        elapsed, terms = timed(word, families, basis)
        ref = reference_time(n) if (n <= 7 and basis == "moments") else None
        rows.append((basis, n, terms, elapsed, target))
        label = f"tr(A1 R1 ... A{n} R{n})"
        print(f"{label:<34}{basis:<9}{terms:>9}{expected:>10}{elapsed:>10.2f}"
              f"{(f'<{target}' if target else ''):>8}{(f'{ref:.2f}' if ref else ''):>9}"
              f"{(f'{ref / elapsed:.0f}x' if ref else ''):>10}")
    for m in (2, 4, 6):
        elapsed, terms = timed(f"tr((A R B R)^{m})", ["A,B", "R"], "moments")
        target = 5 if m == 6 else None
        rows.append(("moments", f"ARBR^{m}", terms, elapsed, target))
        label = f"tr((A R B R)^{m})"
        print(f"{label:<34}{'moments':<9}{terms:>9}{'':>10}{elapsed:>10.2f}"
              f"{(f'<{target}' if target else ''):>8}")
    missed = [r for r in rows if r[4] is not None and r[3] > r[4]]
    print("targets met" if not missed else f"targets missed: {missed}")


if __name__ == "__main__":
    main()
