"""Bad and heavy inputs, as a user would type them: each command's outcome, exit code and time.

Every case runs ``python -m freecalc ...`` as a whole process with a time limit (``--limit`` seconds). A
case passes when it ends with a one-line error and exit code 2 (a refusal), or with an answer (exit 0 or 1)
within the limit, and never with a traceback. Prints a Markdown table (input, outcome, exit code, seconds)
and the count of failures; exits 1 if any case failed.

    python benchmarks/bad_inputs.py [--limit 20]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

WORD10 = "tr(A B R A R R B R S R)"


def files(folder: Path) -> dict[str, str]:
    """The data and matrix files the cases read, written into ``folder``."""
    rng = np.random.default_rng(0)
    sym = {name: (lambda m: (m + m.T) / 2)(rng.standard_normal((120, 120))) for name in "ABRS"}
    np.savez(folder / "sym.npz", **sym)
    np.savez(folder / "nonsym.npz", A=rng.standard_normal((20, 20)), B=rng.standard_normal((20, 20)))
    np.savez(folder / "nonsquare.npz", A=rng.standard_normal((20, 10)), R=np.eye(20))
    nan = np.eye(20)
    nan[0, 0] = np.nan
    np.savez(folder / "nan.npz", A=nan, R=np.eye(20))
    np.savez(folder / "complex.npz", X=rng.standard_normal((40, 8)) + 1j, y=np.sign(rng.standard_normal(40)))
    (folder / "text.npz").write_text("not an archive")
    (folder / "afile").write_text("a file, not a folder")
    return {"tmp": str(folder)}


def cases(tmp: str) -> list[list[str]]:
    """The inputs, as argument lists (after ``freecalc``)."""
    free2 = ["--free", "A", "--free", "R"]
    small = ["--n", "64", "--d", "64", "--k", "64"]
    return [
        ["check", WORD10, "--free", "A,B", "--free", "R,S", "--matrices", f"{tmp}/sym.npz",
         "--rotations", "2"],
        ["check", "tr(A R B R A S B S R S A B)", "--free", "A,B", "--free", "R,S", "--size", "60",
         "--rotations", "5"],
        ["expand", "tr(A^100000)", "--free", "A"],
        ["expand", "tr(A^1000000)", "--free", "A"],
        ["expand", "tr(A^1e20)", "--free", "A"],
        ["expand", "tr(A)^100000", "--free", "A"],
        ["expand", "tr(A^-1)", "--free", "A"],
        ["expand", "tr((A R)^30)", *free2],
        ["expand", "tr(" + " ".join(f"A{i} R{i}" for i in range(1, 15)) + ")", "--free",
         ",".join(f"A{i}" for i in range(1, 15)), "--free", ",".join(f"R{i}" for i in range(1, 15))],
        ["expand", "tr(A R A R)", *free2, "--max-terms", "2"],
        ["expand", "tr(A R", *free2],
        ["expand", "tr(A Q)", *free2],
        ["expand", "tr(A R)", "--free", "A,R", "--free", "R"],
        ["expand", "tr()", "--free", "A"],
        ["expand", "tr(A R)"],
        ["expand", "tr(A R)", *free2, "--size", "0"],
        ["expand", "tr(A R)", *free2, "--size", "N", "--basis", "mixed"],
        ["expand", "tr(A R)", *free2, "--group", "orthogonal"],
        ["covariance", "(A B)^30", "(A B)^30", "--free", "A", "--free", "B"],
        ["covariance", "A B", "A B", "--free", "A", "--free", "B", "--matrices", f"{tmp}/nonsym.npz",
         "--group", "orthogonal"],
        ["covariance", "X X", "X X", "--free", "X", "--law", "X=gue", "--law", "X=goe"],
        ["covariance", "A B A B A B", "A B A B A B", "--free", "A", "--free", "B"],
        ["covariance", "(A R)^6", "(A R)^6", *free2, "--matrices", f"{tmp}/sym.npz"],
        ["covariance", "A B R A R R B R S R", "A R B S A R B S A R B S", "--free", "A,B", "--free", "R,S",
         "--matrices", f"{tmp}/sym.npz", "--group", "orthogonal"],
        ["covariance", "(A R)^30", "(A R)^30", *free2, "--matrices", f"{tmp}/sym.npz"],
        ["check", "tr(A R B S A R B S A R B S)", "--free", "A,B", "--free", "R,S", "--matrices",
         f"{tmp}/sym.npz", "--rotations", "20", "--group", "orthogonal"],
        ["check", "tr(A R)", *free2, "--seed", "-1"],
        ["check", "tr(A R)", *free2, "--rotations", "1"],
        ["check", "tr(A R)", *free2, "--matrices", "/tmp"],
        ["check", "tr(A R)", *free2, "--matrices", f"{tmp}/nonsquare.npz"],
        ["check", "tr(A R)", *free2, "--matrices", f"{tmp}/nan.npz"],
        ["check", "tr(A R)", *free2, "--matrices", f"{tmp}/none.npz"],
        ["predict", "--seed", "-1", *small],
        ["predict", "--k", "1", "--n", "64", "--d", "32", "--observe"],
        ["predict", "--n", "0"],
        ["predict", "--k", "-5"],
        ["predict", "--n", "10000000", "--d", "100000"],
        ["predict", "--balance", "2", *small],
        ["predict", "--residual", *small],
        ["predict", "--networks", "3", *small],
        ["predict", "--data", f"{tmp}/complex.npz", "--dataset", "isotropic"],
        ["predict", "--data", f"{tmp}/complex.npz", "--n", "40"],
        ["predict", "--data", f"{tmp}/complex.npz", "--k", "4"],
        ["predict", "--data", "/tmp"],
        ["predict", "--data", f"{tmp}/none.npz"],
        ["predict", "--data", f"{tmp}/text.npz"],
        ["predict", "--r-moments", "average:0", *small],
        ["predict", "--r-moments", "bogus", *small],
        ["sweep", "--network-seed", "-1"],
        ["sweep", "--balances", "0"],
        ["sweep", "--out", "/proc/nope", "--balances", "1", "--seeds", "1", *small],
        ["sweep", "--out", f"{tmp}/afile/sub", "--balances", "1", "--seeds", "1", *small],
        ["sweep", "--draws", "10", "--out", f"{tmp}/s"],
        ["derive", "--out", "/proc/nope"],
    ]


def run(arguments: list[str], limit: float) -> tuple[str, int | None, float]:
    """(first line of the outcome, exit code or None on time-out, seconds)."""
    start = time.perf_counter()
    try:
        out = subprocess.run([sys.executable, "-m", "freecalc", *arguments], capture_output=True, text=True,
                             timeout=limit)
    except subprocess.TimeoutExpired:
        return f"no answer within {limit:g} s", None, time.perf_counter() - start
    seconds = time.perf_counter() - start
    if "Traceback" in out.stderr:
        return "TRACEBACK: " + out.stderr.strip().splitlines()[-1], out.returncode, seconds
    text = out.stderr.strip() if out.returncode == 2 else out.stdout.strip()
    lines = text.splitlines() or [""]
    more = f" (+{len(lines) - 1} lines)" if out.returncode == 2 and len(lines) > 1 else ""
    return lines[0][:140] + more, out.returncode, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=20.0, help="seconds a case may take")
    args = parser.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        tmp = files(Path(scratch))["tmp"]
        print("| input | outcome | exit | s |")
        print("|---|---|---|---|")
        for arguments in cases(tmp):
            outcome, code, seconds = run(arguments, args.limit)
            bad = code is None or outcome.startswith("TRACEBACK") or (code == 2 and "(+" in outcome)
            failures += bad
            shown = " ".join(a if " " not in a else f'"{a}"' for a in arguments).replace(tmp, "DIR")
            mark = "FAIL: " if bad else ""
            print(f"| `freecalc {shown[:110]}` | {mark}{outcome} | {code} | {seconds:.1f} |")
    print(f"\n{len(cases('DIR'))} cases, {failures} failed (time-out, traceback or more than one line)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
