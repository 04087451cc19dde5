"""`freecalc expand` as a whole process against the library call, in one run: times, ratio, peak memory.

For each word the library call (`expand`, which also builds the sympy expression) is timed inside a
fresh Python process (imports excluded), and the command line is timed as a whole process (interpreter start,
imports, expansion, printing to /dev/null), with its peak resident memory from ``wait4``. Targets (issue
"Output at engine speed"): mixed n = 10 under 3 s, mixed n = 12 under 30 s, moments n = 9 under 40 s,
tr((A R B R)^6) under 2 s, command line / library at most 1.5 on each of the issue's five words (moments
n = 8 has no time target), and mixed n = 12 under 4 GB.

    python benchmarks/bench_cli_expand.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

LIBRARY = """
import sys, time
from freecalc import expand
expression, basis, families = sys.argv[1], sys.argv[2], sys.argv[3:]
start = time.perf_counter()
expand(expression, families, basis)
print(time.perf_counter() - start)
"""


def distinct(n: int) -> tuple[str, list[str]]:
    word = "tr(" + " ".join(f"A{i} R{i}" for i in range(1, n + 1)) + ")"
    return word, [",".join(f"A{i}" for i in range(1, n + 1)), ",".join(f"R{i}" for i in range(1, n + 1))]


def library_time(expression: str, families: list[str], basis: str) -> float:
    out = subprocess.run([sys.executable, "-c", LIBRARY, expression, basis, *families], capture_output=True,
                         text=True, check=True)
    return float(out.stdout.strip())


def cli_run(expression: str, families: list[str], basis: str) -> tuple[float, float]:
    """Wall time and peak resident memory (GB) of the whole `freecalc expand` process."""
    args = [sys.executable, "-m", "freecalc", "expand", expression, "--basis", basis]
    for family in families:
        args += ["--free", family]
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        process = subprocess.Popen(args, stdout=sink)
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"freecalc expand failed on {expression[:40]}")
    return elapsed, usage.ru_maxrss / 2**20  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip mixed n = 12 and moments n = 9")
    args = parser.parse_args()
    cases = [("mixed n = 10", *distinct(10), "mixed", 3.0), ("mixed n = 12", *distinct(12), "mixed", 30.0),
             ("moments n = 8", *distinct(8), "moments", None),
             ("moments n = 9", *distinct(9), "moments", 40.0),
             ("tr((A R B R)^6)", "tr((A R B R)^6)", ["A,B", "R"], "moments", 2.0)]
    if args.quick:
        cases = [c for c in cases if c[0] not in ("mixed n = 12", "moments n = 9")]
    print(f"{'word':<18}{'basis':<9}{'library (s)':>12}{'CLI (s)':>10}{'CLI/lib':>9}{'target (s)':>12}"
          f"{'peak (GB)':>11}")
    missed = []
    for label, expression, families, basis, target in cases:
        library = library_time(expression, families, basis)
        cli, peak = cli_run(expression, families, basis)
        ratio = cli / library
        shown = "-" if target is None else f"{target:.0f}"
        print(f"{label:<18}{basis:<9}{library:>12.2f}{cli:>10.2f}{ratio:>9.2f}{shown:>12}{peak:>11.2f}")
        if (target is not None and cli > target) or ratio > 1.5 or (label == "mixed n = 12" and peak > 4.0):
            missed.append(label)
    print("targets met" if not missed else f"targets missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
