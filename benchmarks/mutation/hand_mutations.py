"""Hand mutations of the newer cores (issue 27's table, DESIGN.md's corrections), applied one at a time.

Each mutation is an exact text replacement in one module (it must match exactly ``count`` times); the
script applies it, runs the test files that concern the module (all of them, without ``-x``, so that every
test that kills it is named), restores the file with ``git checkout``, and prints the failing tests.

    PYTHONDONTWRITEBYTECODE=1 python benchmarks/mutation/hand_mutations.py            # all
    PYTHONDONTWRITEBYTECODE=1 python benchmarks/mutation/hand_mutations.py R3 FW1     # some

Run it in a clean work tree: it restores each mutated file from git.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

RD, FW = "freecalc/quadratic/reduced_draws.py", "freecalc/quadratic/finite_width.py"
MC, NF = "freecalc/numeric/montecarlo.py", "freecalc/numeric/fluctuations.py"
FF, WS = "freecalc/free/fluctuations.py", "freecalc/numeric/weingarten_sum.py"
AV, SO = "freecalc/haar/averages.py", "freecalc/free/second_order.py"
POWER, SURVIVORS = "tests/test_power_cores.py", "tests/test_power_survivors.py"
T_RD = [POWER, "tests/test_finite_width.py"]
T_MC = [POWER, "tests/test_covariance_cli.py", "tests/test_finite_size.py", "tests/test_freeness.py"]
T_NF = [POWER, "tests/test_second_order_limit.py", "tests/test_covariance_cli.py"]
T_WS = [POWER, "tests/test_weingarten_sum.py"]
T_AV = [POWER, "tests/test_weingarten_sum.py", "tests/test_haar_averages.py", "tests/test_finite_size.py"]
T_SO = [POWER, SURVIVORS, "tests/test_second_order.py", "tests/test_second_order_limit.py",
        "tests/test_covariance_cli.py", "tests/test_annular.py"]
EXACT_TOL = ("    limits = mean_tolerance(len(samples), spread, sd_for_mean, false_alarm=false_alarm, "
             "allowance=allowance)\n")

# id: (what, module, old, new, count, tests)
MUTATIONS = {
    "R1": ("free-tail cumulant term x1.01", RD,
           "value = weight / self.k**size", "value = 1.01 * weight / self.k**size", 1, T_RD),
    "R2": ("real-case second pairing dropped", RD,
           "value = value + weight / self.k**2 * self.trace(x[0] + x[1][::-1])", "pass", 1, T_RD),
    "R3": ("cross terms X_F scaled x1.01", RD,
           "sigma[f][:r, r:] = block\n            sigma[f][r:, :r] = block.T",
           "sigma[f][:r, r:] = 1.01 * block\n            sigma[f][r:, :r] = 1.01 * block.T", 1, T_RD),
    "R4": ("cross Gaussian block variance +2%", RD,
           ".reshape(s, k, q - r)\n", ".reshape(s, k, q - r) * np.float32(1.01)\n", 1, T_RD),
    "R5": ("sampled W1 block variance +2%", RD,
           "stream.standard_normal((s, k, r), dtype=np.float32)",
           "stream.standard_normal((s, k, r), dtype=np.float32) * np.float32(1.01)", 1, T_RD),
    "R6": ("tail mean t_N x1.01", RD,
           '"N": max(float(np.trace(B) - np.trace(S["N"])), 0.0) / k}',
           '"N": 1.01 * max(float(np.trace(B) - np.trace(S["N"])), 0.0) / k}', 1, T_RD),
    "R7": ("the Pearson tail term of the AGOP mean dropped", RD,
           '+ tail["N"] * np.einsum("i,sij,j->s", u, K[2].astype(float), u)',
           '+ 0 * np.einsum("i,sij,j->s", u, K[2].astype(float), u)', 1, T_RD),
    "FW1": ("standard error of the sd with 2n instead of 4n", FW,
            "/ (4 * draws))", "/ (2 * draws))", 1, T_RD),
    "MC1": ("exact-reference tolerance x3", MC, EXACT_TOL,
            EXACT_TOL + "    if exact_value is not None:\n        import dataclasses\n"
            "        limits = dataclasses.replace(limits, tolerance=3 * limits.tolerance)\n", 1, T_MC),
    "MC2": ("free-limit tolerance x3", MC, EXACT_TOL,
            EXACT_TOL + "    if exact_value is None:\n        import dataclasses\n"
            "        limits = dataclasses.replace(limits, tolerance=3 * limits.tolerance)\n", 1, T_MC),
    "MC3": ("the 5/d spread allowance applied to the exact spread", MC,
            'widening = 0.0 if spread_method == "exact" else 5.0 / dim', "widening = 5.0 / dim", 1, T_MC),
    "NF1": ("predicted spread with E[X X] instead of E[X X*]", NF,
            "[Product((node, adjoint(node)))]", "[Product((node, node))]", 1, T_NF),
    "NF2": ("limit spread with Cov(X, X) instead of Cov(X, X*)", NF,
            "[(words, backwards)]", "[(words, words)]", 1, T_NF),
    "FF1": ("covariance_poly bilinear coefficient a*b -> a*a", FF,
            "a * b * coefficient", "a * a * coefficient", 1, T_NF),
    "WS1": ("unitary beta = tau gamma instead of tau^-1 gamma", WS,
            "compose(inverse(tau), tuple(step.gamma))", "compose(tau, tuple(step.gamma))", 1, T_WS),
    "D1": ("orthogonal runs traversed backwards", AV,
           "a_ends = [(2 * k, 2 * k + 1) for k in range(n)]",
           "a_ends = [(2 * k + 1, 2 * k) for k in range(n)]", 1, T_AV),
    "D2": ("sign of the N^low shift in the symbolic evaluation", AV,
           "common[0] -= low", "common[0] += low", 1, T_AV),
    "M1": ("covariance_to_moments dropping the kappa_2 (second-order, k2) atoms", SO,
           'expansions[atom] = {(atom,): 1} if kind != "k" else {}',
           'expansions[atom] = {}', 1, T_SO),
    "M2": ("covariance_to_moments doubling the kappa_2 (second-order, k2) atoms", SO,
           'expansions[atom] = {(atom,): 1} if kind != "k" else {}',
           'expansions[atom] = {(atom,): 2} if kind != "k" else {}', 1, T_SO),
    "M1b": ("covariance_to_moments dropping first-order kappa_2 (two-argument) cumulants", SO,
            "_poly.add_into(expansions[atom], {key: mu})",
            "_poly.add_into(expansions[atom], {key: 0 if len(body) == 2 else mu})", 1, T_SO),
    "M2b": ("covariance_to_moments doubling first-order kappa_2 (two-argument) cumulants", SO,
            "_poly.add_into(expansions[atom], {key: mu})",
            "_poly.add_into(expansions[atom], {key: 2 * mu if len(body) == 2 else mu})", 1, T_SO),
    "M3": ("canonical form merging reversed words in the unitary case (cumulant arguments)", SO,
           "return canonical_rotation(tuple((x,) for x in letters), self.group)",
           'return canonical_rotation(tuple((x,) for x in letters), "orthogonal")', 1, T_SO),
    "M3b": ("canonical form merging reversed words in the unitary case (moment words)", SO,
            '("tr", canonical_rotation(w, group))', '("tr", canonical_rotation(w, "orthogonal"))', 1, T_SO),
    "M4": ("canonical_atom ignoring the group", SO,
           "canonical_rotation(tuple(body), group)", "canonical_rotation(tuple(body))", 1, T_SO),
    "M4b": ("canonical_atom ignoring the group (k2 sides too)", SO,
            "canonical_rotation(tuple(body), group))\n    if kind == \"k2\":\n"
            "        return (kind, tuple(sorted(canonical_rotation(tuple(side), group)",
            "canonical_rotation(tuple(body)))\n    if kind == \"k2\":\n"
            "        return (kind, tuple(sorted(canonical_rotation(tuple(side))", 1, T_SO),
}

# the survivors of the sampled cosmic-ray run (their diffs, as in the session databases), against the tests
# written for them
DISPLAY, ANNULAR = "freecalc/numeric/display.py", "freecalc/combinatorics/annular.py"
TRACES = "freecalc/haar/traces.py"
EVALUATE = "freecalc/numeric/evaluate.py"
SURVIVED = {
    "S-display": ("isinstance(value, str | int | float | bool) -> str // int | float | bool", DISPLAY,
                  "str | int | float | bool) or value", "str // int | float | bool) or value", 1,
                  [SURVIVORS]),
    "S-annular": ("colour-count message p + q -> p << q", ANNULAR,
                  "need {p + q} colours", "need {p << q} colours", 1, [SURVIVORS]),
    "S-traces": ("refusal message: + -> **", TRACES,
                 '" ".join(w) + ")"', '" ".join(w) ** ")"', 1, [SURVIVORS]),
    "S-size": ("validate_matrices: min(sizes) == 0 -> < 0", EVALUATE,
               "min(sizes) == 0", "min(sizes) < 0", 1, [SURVIVORS]),
    "S-centered": ("centered letter: tr(x) * I -> tr(x) ** I", EVALUATE,
                   "normalized_trace(base) * np.eye", "normalized_trace(base) ** np.eye", 1, [SURVIVORS]),
    "S-precise": ("precise sum starts at -1", EVALUATE,
                  "total = mpmath.mpf(0)", "total = mpmath.mpf( -1)", 1, [SURVIVORS]),
    "S-k2value": ("covariance_value: traces is None or k2 -> and", NF,
                  'if traces is None or atom_key(ident)[0] == "k2":',
                  'if traces is None and atom_key(ident)[0] == "k2":', 1, [SURVIVORS]),
    "S-wrap": ("reduced_draws: wrapped segment of the last tail left out (size - 1 -> size - 0)", RD,
               "(m if j == size - 1 else 0))", "(m if j == size - 0 else 0))", 1, [SURVIVORS]),
    "S-memory": ("estimated_bytes: 3 * FLOAT * d * d -> 3 * FLOAT / d * d", "freecalc/numeric/resources.py",
                 "3 * FLOAT * d * d if k > d", "3 * FLOAT / d * d if k > d", 1, [SURVIVORS]),
}
MUTATIONS.update(SURVIVED)

# a few of the kinds the issue lists as caught without naming them (1% factors, N -> N+1, off-by-one, signs)
WG, CORR = "freecalc/haar/weingarten.py", "freecalc/quadratic/correlation.py"
T_WG = ["tests/test_weingarten.py", "tests/test_haar_averages.py", POWER, "tests/test_weingarten_sum.py"]
MUTATIONS.update({
    "K1": ("Weingarten fractions at N + 1 (N -> N+1)", WG,
           "denominator = prod(N + k for k in shifts)", "denominator = prod(N + 1 + k for k in shifts)", 1,
           T_WG),
    "K2": ("Weingarten sum over l(lambda) < N instead of <= N (off by one below the degree)", WG,
           "if len(lam) > N:", "if len(lam) >= N:", 1, T_WG),
    "K3": ("Weingarten fraction terms x1.01", WG,
           "table[mu] += w / denominator", "table[mu] += 1.01 * w / denominator", 1, T_WG),
    "K4": ("correlation sign flip", CORR, "return float(cross / (math.sqrt(first)",
           "return float(-cross / (math.sqrt(first)", 1, ["tests/test_power.py", "tests/test_cnfc.py"]),
})


def run(key):
    what, module, old, new, count, tests = MUTATIONS[key]
    path = Path(module)
    text = path.read_text()
    assert text.count(old) == count, (key, text.count(old))
    path.write_text(text.replace(old, new))
    try:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=no",
                               "-rf", "-o", "addopts=", *tests], capture_output=True, text=True)
    finally:
        subprocess.run(["git", "checkout", "--", module], check=True)
    failed = re.findall(r"^FAILED (\S+)", proc.stdout, re.M)
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
    return {"id": key, "what": what, "module": module, "killed": bool(failed) or proc.returncode != 0,
            "failed": failed, "summary": summary}


if __name__ == "__main__":
    keys = sys.argv[1:] or list(MUTATIONS)
    for key in keys:
        result = run(key)
        print(json.dumps(result), flush=True)
