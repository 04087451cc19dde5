"""Per-module cosmic-ray sessions for the sampled mutation run of issue 27 (see ../mutation_report.md).

Each module gets its own session, so each mutant runs only the tests that concern its module (in the order
fastest first, since ``pytest -x`` stops at the first failure). The sample: all work items of a module are
marked skipped, then a seeded uniform random permutation of them is re-opened batch by batch, round-robin
over the modules, until the time is up.

    python benchmarks/mutation/sessions.py init     # writes mut/<name>.toml, mut/<name>.sqlite; counts
    python benchmarks/mutation/sessions.py run --batch 5 --until 14:50   # rounds of 5 per module
    python benchmarks/mutation/sessions.py report   # counts per module and outcome
    python benchmarks/mutation/sessions.py init --only laws_ networks_ spectra      # the second run's
    python benchmarks/mutation/sessions.py run --only laws_ networks_ spectra --batch 4 --until 17:00
    python benchmarks/mutation/sessions.py init && python benchmarks/mutation/sessions.py replay
                                                    # the recorded sample (sample.json) again

cosmic-ray names work items with random ids (uuid4), so the drawn order is not the same after a new
``init``; the sample drawn is recorded by what each mutant is (``report.py export`` -> sample.json), and
``replay`` opens exactly those mutants.

Run it in a clone of its own (cosmic-ray writes each mutant into the source file), with
``PYTHONDONTWRITEBYTECODE=1`` and no ``__pycache__`` under freecalc/ (a stale bytecode file of the same
size and second would hide a mutant).
"""

import argparse
import datetime as dt
import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

OUT = Path("mut")
SEED = 27
TIMEOUT = 300.0
PYTEST = "python -m pytest -x -q -p no:cacheprovider"

# module -> tests that concern it (fastest and most specific first), plus the module's own doctests
MODULES = {
    "haar_averages": ("freecalc/haar/averages.py",
                      "tests/test_power_cores.py tests/test_weingarten_sum.py tests/test_haar_averages.py "
                      "tests/test_finite_size.py"),
    "haar_traces": ("freecalc/haar/traces.py",
                    "tests/test_power_cores.py tests/test_weingarten_sum.py tests/test_power.py "
                    "tests/test_sympy_atoms.py tests/test_finite_size.py"),
    "haar_weingarten": ("freecalc/haar/weingarten.py",
                        "tests/test_weingarten_sum.py tests/test_weingarten.py tests/test_haar_averages.py "
                        "tests/test_power_cores.py"),
    "annular": ("freecalc/combinatorics/annular.py",
                "tests/test_annular.py tests/test_power_cores.py tests/test_second_order_limit.py "
                "tests/test_second_order.py"),
    "second_order": ("freecalc/free/second_order.py",
                     "tests/test_power_cores.py tests/test_second_order_limit.py tests/test_annular.py "
                     "tests/test_second_order.py"),
    "free_fluctuations": ("freecalc/free/fluctuations.py",
                          "tests/test_power_cores.py tests/test_second_order_limit.py "
                          "tests/test_covariance_cli.py"),
    "num_display": ("freecalc/numeric/display.py",
                    "tests/test_power_cores.py tests/test_covariance_cli.py tests/test_finite_width.py"),
    "num_evaluate": ("freecalc/numeric/evaluate.py",
                     "tests/test_power_cores.py tests/test_weingarten_sum.py "
                     "tests/test_second_order_limit.py tests/test_sympy_atoms.py tests/test_predict.py"),
    "num_fluctuations": ("freecalc/numeric/fluctuations.py",
                         "tests/test_power_cores.py tests/test_second_order_limit.py "
                         "tests/test_covariance_cli.py"),
    "num_haar": ("freecalc/numeric/haar.py",
                 "tests/test_power_cores.py tests/test_haar_averages.py tests/test_second_order.py"),
    "num_montecarlo": ("freecalc/numeric/montecarlo.py",
                       "tests/test_power_cores.py tests/test_covariance_cli.py tests/test_finite_size.py "
                       "tests/test_freeness.py"),
    "num_resources": ("freecalc/numeric/resources.py",
                      "tests/test_finite_width.py tests/test_bigdata.py"),
    "num_second_order_limit": ("freecalc/numeric/second_order_limit.py",
                               "tests/test_second_order_limit.py tests/test_power_cores.py"),
    "num_verdict": ("freecalc/numeric/verdict.py",
                    "tests/test_power_cores.py tests/test_covariance_cli.py tests/test_freeness.py"),
    "num_weingarten_sum": ("freecalc/numeric/weingarten_sum.py",
                           "tests/test_weingarten_sum.py tests/test_power_cores.py"),
    "num_wick_values": ("freecalc/numeric/wick_values.py", "tests/test_velocity_expectations.py"),
    "finite_width": ("freecalc/quadratic/finite_width.py",
                     "tests/test_finite_width.py tests/test_power_cores.py"),
    "reduced_draws": ("freecalc/quadratic/reduced_draws.py",
                      "tests/test_finite_width.py tests/test_power_cores.py"),
}

# The modules of the laws and deep-network issues (second sampled run): each with every test file of its
# subject, fastest first (the laws are reached mostly through freecalc.laws, so each laws module gets all of
# them).
LAWS_TESTS = ("tests/test_power_laws.py tests/test_laws_operator.py tests/test_refusals.py "
              "tests/test_laws_cli.py tests/test_laws_polynomial.py tests/test_laws.py "
              "tests/test_laws_montecarlo.py tests/test_spectra.py tests/test_laws_freepolynomial.py "
              "tests/test_laws_derive.py")
NETWORK_TESTS = ("tests/test_power_deep.py tests/test_networks_mlp.py tests/test_networks_baseline.py "
                 "tests/test_deep_cli.py tests/test_deep_page.py tests/test_networks_kernels.py")
LAWS = ["atomic", "base", "closed", "compare", "compound", "figure", "freepolynomial", "linearization",
        "operator", "opsubordination", "polynomial", "report", "series", "solver", "special", "specs",
        "subordination", "support", "transforms", "values"]
NETWORKS = ["activations", "baseline", "figure7", "first_order", "io", "kernels", "measures", "mlp",
            "report", "training"]
MODULES.update({f"laws_{m}": (f"freecalc/laws/{m}.py", LAWS_TESTS) for m in LAWS})
MODULES.update({f"networks_{m}": (f"freecalc/networks/{m}.py", NETWORK_TESTS) for m in NETWORKS})
MODULES["spectra"] = ("freecalc/quadratic/spectra.py", "tests/test_spectra.py " + LAWS_TESTS.replace(
    "tests/test_spectra.py ", ""))


def selected(args):
    """The sessions named by --only (prefixes of their names), or all of them."""
    return [n for n in MODULES if not args.only or n.startswith(tuple(args.only))]


def config_text(module, tests):
    command = f"{PYTEST} {tests} {module}"
    return (f'[cosmic-ray]\nmodule-path = "{module}"\nexcluded-modules = []\ntimeout = {TIMEOUT}\n'
            f'test-command = "{command}"\n\n[cosmic-ray.distributor]\nname = "local"\n')


def order(db):
    """The seeded uniform random order of a session's work items."""
    with sqlite3.connect(db) as con:
        jobs = sorted(r[0] for r in con.execute("select job_id from work_items"))
    random.Random(f"{SEED}:{db.stem}").shuffle(jobs)
    return jobs


def init(args):
    OUT.mkdir(exist_ok=True)
    counts = {}
    for name in selected(args):
        module, tests = MODULES[name]
        cfg, db = OUT / f"{name}.toml", OUT / f"{name}.sqlite"
        cfg.write_text(config_text(module, tests))
        db.unlink(missing_ok=True)
        subprocess.run(["cosmic-ray", "init", str(cfg), str(db)], check=True)
        jobs = order(db)
        with sqlite3.connect(db) as con:  # every item skipped until its batch is opened
            con.executemany("insert into work_results (job_id, worker_outcome, output, test_outcome, diff) "
                            "values (?, 'SKIPPED', 'not sampled', NULL, '')", [(j,) for j in jobs])
        counts[module] = len(jobs)
        print(module, len(jobs), flush=True)
    (OUT / "counts.json").write_text(json.dumps(counts, indent=1))  # of this init's sessions


def opened(db):
    with sqlite3.connect(db) as con:
        return {r[0] for r in con.execute("select job_id from work_results where output != 'not sampled'")}


def run(args):
    stop = dt.datetime.combine(dt.date.today(), dt.time.fromisoformat(args.until), dt.UTC)
    for rnd in range(args.rounds):
        for name in selected(args):
            if dt.datetime.now(dt.UTC) >= stop:
                print("time is up", flush=True)
                return
            cfg, db = OUT / f"{name}.toml", OUT / f"{name}.sqlite"
            jobs = order(db)
            batch = jobs[rnd * args.batch:(rnd + 1) * args.batch]
            if not batch:
                continue
            with sqlite3.connect(db) as con:
                con.executemany("delete from work_results where job_id = ? and output = 'not sampled'",
                                [(j,) for j in batch])
            print(dt.datetime.now(dt.UTC).strftime("%H:%M:%S"), "round", rnd, name, len(batch),
                  flush=True)
            subprocess.run(["nice", "-n", "10", "cosmic-ray", "exec", str(cfg), str(db)], check=False)


def replay(_args):
    sample = json.loads((Path(__file__).parent / "sample.json").read_text())
    for name, entry in sample.items():
        cfg, db = OUT / f"{name}.toml", OUT / f"{name}.sqlite"
        wanted = {(m["operator"], m["occurrence"]) for m in entry["mutants"]}
        with sqlite3.connect(db) as con:
            jobs = [j for j, op, occ in con.execute("select job_id, operator_name, occurrence "
                                                    "from mutation_specs") if (op, occ) in wanted]
            con.executemany("delete from work_results where job_id = ? and output = 'not sampled'",
                            [(j,) for j in jobs])
        print(name, len(jobs), "of", len(wanted), flush=True)
        subprocess.run(["nice", "-n", "10", "cosmic-ray", "exec", str(cfg), str(db)], check=False)


def report(args):
    rows = []
    for name in selected(args):
        module, db = MODULES[name][0], OUT / f"{name}.sqlite"
        if not db.exists():
            continue
        with sqlite3.connect(db) as con:
            total = con.execute("select count(*) from work_items").fetchone()[0]
            res = con.execute("select worker_outcome, test_outcome from work_results "
                              "where output is null or output != 'not sampled'").fetchall()
        tally = {}
        for worker, test in res:
            key = test if worker == "NORMAL" else worker
            tally[key] = tally.get(key, 0) + 1
        rows.append((module, total, len(res), tally))
        print(f"{module:45s} total {total:4d} sampled {len(res):3d} {tally}")
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["init", "run", "replay", "report"])
    parser.add_argument("--batch", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--until", default="14:50")
    parser.add_argument("--only", nargs="*", default=[], help="sessions whose names start so (laws_ ...)")
    args = parser.parse_args()
    {"init": init, "run": run, "replay": replay, "report": report}[args.step](args)
    sys.exit(0)
