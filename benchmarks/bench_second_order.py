"""Timing of the second-order route: `check` with the predicted spread, `covariance` of long words, one run.

Targets (issue "Every command bounded"): `check` of a 10-12 letter word in two families with the exact mean
(when its Weingarten sum is within the limit) and the predicted spread under 10 s; `covariance` of two
12-letter words under 10 s. Each command runs in a fresh process on symmetric matrices of size 120
(`freecalc.testing.spread_matrices`); the table gives the wall time, the ratio to the target, and how the
spread or the value was obtained, and the command's CPU seconds (user plus system), which the
load of a shared machine does not inflate. The last rows are the worst cases (every letter distinct).

    python benchmarks/bench_second_order.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from freecalc.testing import spread_matrices

TARGET = 10.0
TWO = ["--free", "A,B", "--free", "R,S"]
DISTINCT = ["--free", ",".join(f"A{i}" for i in range(6)), "--free", ",".join(f"R{i}" for i in range(6))]
DISTINCT_WORD = " ".join(f"A{i} R{i}" for i in range(6))
CASES = [  # (label, arguments after the command name)
    ("check", "tr(A B R A R R B R S R)", TWO, "unitary"),
    ("check", "tr(A B R A R R B R S R)", TWO, "orthogonal"),
    ("check", "tr(A R B S A R B S A R)", TWO, "unitary"),
    ("check", "tr(A R B S A R B S A R)", TWO, "orthogonal"),
    ("check", "tr(A R B S A R B S A R B S)", TWO, "unitary"),
    ("check", "tr(A R B S A R B S A R B S)", TWO, "orthogonal"),
    ("check", "tr(A R B S A R B S A A B R)", TWO, "orthogonal"),
    ("covariance", "A R B S A R B S A R B S", TWO, "unitary"),
    ("covariance", "A R B S A R B S A R B S", TWO, "orthogonal"),
    ("covariance", "(A R)^6", TWO, "orthogonal"),
    ("covariance", DISTINCT_WORD, DISTINCT, "unitary"),
    ("check", f"tr({DISTINCT_WORD})", DISTINCT, "orthogonal"),
]


def _children_cpu() -> float:
    """User plus system seconds of the finished child processes: their own work, whatever the load."""
    times = os.times()
    return times.children_user + times.children_system


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        letters = ["A", "B", "R", "S"] + [f"{x}{i}" for x in "AR" for i in range(6)]
        path = Path(folder) / "m.npz"
        np.savez(path, **spread_matrices(letters, 120, seed=0))
        if hasattr(os, "getloadavg"):
            print(f"load average at the start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
        print(f"{'command':<11}{'expression':<34}{'group':<12}{'time (s)':>9}{'cpu (s)':>8}"
              f"{'ratio to 10 s':>15}  how")
        worst = 0.0
        for command, expression, free, group in CASES:
            args = [command, expression] + ([expression] if command == "covariance" else [])
            args += [*free, "--matrices", str(path), "--group", group, "--json"]
            if command == "check":
                args += ["--rotations", "20"]
            start, cpu = time.perf_counter(), _children_cpu()
            out = subprocess.run([sys.executable, "-m", "freecalc", *args], capture_output=True, text=True)
            seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
            if out.returncode not in (0, 1):
                raise SystemExit(f"{' '.join(args)} failed: {out.stderr.strip()}")
            data = json.loads(out.stdout)
            how = (data.get("spread_method") if command == "check" else
                   ("value; closed form " + ("given" if "closed_form" in data else "left out")))
            worst = max(worst, seconds)
            shown = expression if len(expression) <= 32 else expression[:29] + "..."
            print(f"{command:<11}{shown:<34}{group:<12}{seconds:>9.2f}{cpu:>8.2f}"
                  f"{seconds / TARGET:>15.3f}  {how}", flush=True)
        print(f"\nslowest: {worst:.2f} s = {worst / TARGET:.2f} of the {TARGET:g} s target "
              f"({'within' if worst < TARGET else 'OVER'})")


if __name__ == "__main__":
    main()
