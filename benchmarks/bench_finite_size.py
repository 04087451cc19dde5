"""Timing of exact finite-size Haar averages (`freecalc.haar.traces.finite_size_poly`), one run.

Word: tr(A1 R1 A2 R2 ... An Rn), families {A1..An} (fixed) and {R1..Rn} (one family rotated by a Haar matrix,
n blocks), all letters distinct. Prints

(a) the unitary word with 6 blocks, symbolic N (target < 10 s);
(b) the orthogonal word with 4 blocks, symbolic N (target < 10 s);
(c) the numeric exact value at N = 8 and 50, as `check` computes it (the Weingarten sum as a bilinear form,
    `freecalc.numeric.weingarten_sum.exact_trace_average`, on `spread_matrices`), for the same words (target
    < 2 s), and its agreement with the exact rational expansion evaluated on the same traces where that
    takes under --timeout seconds;

then, per group and mode, the largest n within the target: n = 2, 3, ... until a timing is over the target,
times out, or reaches the limit (unitary 8, orthogonal 6). Every timing runs in a fresh subprocess (cold
caches: the integer-N path reuses what the symbolic one memoised); a subprocess is stopped after --timeout
seconds. The time excludes imports and building the matrices.

    python benchmarks/bench_finite_size.py [--timeout 60]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

TARGETS = {"symbolic": 10.0, "numeric": 2.0}
LIMITS = {"unitary": 8, "orthogonal": 6}
SIZES = (8, 50)


def word(n: int) -> tuple[str, list[str]]:
    expression = "tr(" + " ".join(f"A{i} R{i}" for i in range(1, n + 1)) + ")"
    families = [",".join(f"A{i}" for i in range(1, n + 1)), ",".join(f"R{i}" for i in range(1, n + 1))]
    return expression, families


def one(group: str, n: int, size: str) -> None:
    """Child process: time one computation, print JSON."""
    from freecalc.errors import WorkLimitError
    from freecalc.free.interpret import as_families
    from freecalc.haar.traces import SIZE, finite_size_poly, haar_steps
    from freecalc.numeric.evaluate import MatrixTraces, evaluate_poly
    from freecalc.numeric.weingarten_sum import exact_trace_average
    from freecalc.testing import spread_matrices

    expression, families = word(n)
    steps = haar_steps([tuple(expression[3:-1].split())], as_families(families), group)
    if size == "symbolic":
        start = time.perf_counter()
        poly = finite_size_poly(expression, families, size=SIZE, group=group)
        value = None
    else:
        letters = [f"{x}{i}" for i in range(1, n + 1) for x in "AR"]
        traces = MatrixTraces(spread_matrices(letters, int(size), seed=0), symmetric=True)
        start = time.perf_counter()
        try:
            value = exact_trace_average([tuple(expression[3:-1].split())], as_families(families), group,
                                        int(size), traces.word_value)
        except WorkLimitError as refused:
            print(json.dumps({"seconds": None, "terms": None, "pairs": steps, "refused": str(refused)}))
            return
        elapsed = time.perf_counter() - start
        print(json.dumps({"seconds": elapsed, "terms": None, "pairs": steps, "value": value}), flush=True)
        poly = finite_size_poly(expression, families, size=int(size), group=group)
        reference = evaluate_poly(poly, traces.value)
        print(json.dumps({"seconds": elapsed, "terms": len(poly), "pairs": steps, "value": value,
                          "difference": abs(value - reference) / max(1.0, abs(reference))}))
        return
    elapsed = time.perf_counter() - start
    print(json.dumps({"seconds": elapsed, "terms": len(poly), "pairs": steps, "value": value}))


def timed(group: str, n: int, size: str, timeout: float) -> dict:
    """Run :func:`one` in a fresh interpreter; ``seconds`` is None after a timeout."""
    command = [sys.executable, __file__, "--one", group, str(n), size]
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired as stopped:  # the numeric value may be in, its reference not
        lines = (stopped.stdout or b"").decode().strip().splitlines()
        return json.loads(lines[-1]) if lines else {"seconds": None, "terms": None, "pairs": None}
    return json.loads(out.stdout.strip().splitlines()[-1])


def show(label: str, group: str, n: int, size: str, result: dict, timeout: float) -> bool:
    mode = "symbolic" if size == "symbolic" else "numeric"
    target = TARGETS[mode]
    seconds = result["seconds"]
    shown = f">{timeout:.0f}" if seconds is None else f"{seconds:.2f}"
    if result.get("refused"):
        shown = "refused"
    ratio = "-" if seconds is None else f"{seconds / target:.2f}"
    within = seconds is not None and seconds < target
    terms = "-" if result["terms"] is None else f"{result['terms']:,}"
    pairs = "-" if result.get("pairs") is None else f"{result['pairs']:,}"
    difference = "" if result.get("difference") is None else f"{result['difference']:.1e}"
    difference = result.get("refused", difference)
    print(f"{label:<6}{group:<12}{n:>7}{('N' if size == 'symbolic' else size):>6}{pairs:>14}{terms:>10}"
          f"{shown:>10}{f'<{target:g}':>8}{ratio:>8}  {'yes' if within else 'NO':<8}{difference}", flush=True)
    return within


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a subprocess is stopped")
    parser.add_argument("--one", nargs=3, metavar=("GROUP", "N", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one[0], int(args.one[1]), args.one[2])
        return
    print(f"{'case':<6}{'group':<12}{'blocks':>7}{'N':>6}{'Wg pairs':>14}{'terms':>10}{'time (s)':>10}"
          f"{'target':>8}{'ratio':>8}  within  vs exact rationals")
    headline = [("(a)", "unitary", 6, "symbolic"), ("(b)", "orthogonal", 4, "symbolic")]
    headline += [("(c)", group, n, str(size))
                 for group, n in (("unitary", 6), ("orthogonal", 4)) for size in SIZES]
    known = {}
    for label, group, n, size in headline:
        known[group, n, size] = timed(group, n, size, args.timeout)
        show(label, group, n, size, known[group, n, size], args.timeout)
    print()
    largest = {}
    for group in ("unitary", "orthogonal"):
        for size in ("symbolic", *map(str, SIZES)):
            best = None
            for n in range(2, LIMITS[group] + 1):
                result = known.get((group, n, size)) or timed(group, n, size, args.timeout)
                if not show("scan", group, n, size, result, args.timeout):
                    break
                best = n
            largest[group, size] = best
    print()
    for (group, size), n in largest.items():
        mode = "symbolic N" if size == "symbolic" else f"N = {size}"
        target = TARGETS["symbolic" if size == "symbolic" else "numeric"]
        print(f"largest n within {target:g} s, {group}, {mode}: {n if n is not None else 'none'}")


if __name__ == "__main__":
    main()
