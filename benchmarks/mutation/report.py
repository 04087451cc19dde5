"""Tables of the sampled cosmic-ray run (../mutation_report.md) from the session databases in ``mut/``.

    python benchmarks/mutation/report.py export [DIR ...]  # DIR/*.sqlite (default mut/) into sample.json
    python benchmarks/mutation/report.py survivors  # the survivors' diffs, keyed module:operator:occurrence
    python benchmarks/mutation/report.py tables     # markdown: per module, survivors and their fates
    python benchmarks/mutation/report.py markdown 15:30 17:00 "..."   # ../mutation_report.md (template)
    python benchmarks/mutation/report.py verify     # in a clean work tree: each survivor marked killed
                                                    # applied (cosmic-ray apply), its test run, file restored

cosmic-ray names its work items with random ids, so the sample is recorded by what each mutant is (module,
operator, occurrence, position); ``sessions.py replay`` runs exactly that sample again. The fate of each
survivor (the test that now kills it, or why it is equivalent) is in ``fates.json``.
"""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import mpmath

HERE = Path(__file__).parent
OUT = Path("mut")
SAMPLE, FATES = HERE / "sample.json", HERE / "fates.json"


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact binomial interval (Clopper & Pearson 1934) for k successes in n trials."""
    a = (1 - level) / 2

    def quantile(p, x, y):  # of the Beta(x, y) law, by bisection of the regularized incomplete beta
        low, high = 0.0, 1.0
        for _ in range(60):
            middle = (low + high) / 2
            below = mpmath.betainc(x, y, 0, middle, regularized=True) < p
            low, high = (middle, high) if below else (low, middle)
        return (low + high) / 2

    return (0.0 if k == 0 else quantile(a, k, n - k + 1)), (1.0 if k == n else quantile(1 - a, k + 1, n - k))


def rows(db: Path):
    with sqlite3.connect(db) as con:
        total = con.execute("select count(*) from work_items").fetchone()[0]
        sampled = con.execute(
            "select s.module_path, s.operator_name, s.occurrence, s.start_pos_row, s.start_pos_col, "
            "r.worker_outcome, r.test_outcome, r.diff, r.output from work_results r join mutation_specs s "
            "on r.job_id = s.job_id where r.output is null or r.output != 'not sampled'").fetchall()
    return total, sampled


def outcome(worker, test, output=None):
    """killed, survived, timeout (cosmic-ray reports a timeout as killed, with the output "timeout"), ..."""
    if worker == "NORMAL" and output == "timeout":
        return "timeout"
    return (test or "").lower() if worker == "NORMAL" else worker.lower()


def key(row):
    return f"{row[0]}:{row[1]}:{row[2]}"


def changed(diff: str) -> list[str]:
    return [line for line in diff.splitlines() if line.startswith(("-", "+"))
            and not line.startswith(("---", "+++"))]


def export(*folders: str):
    """Add the sessions of the given folders (default mut/) to sample.json; sessions not there are kept."""
    sample = json.loads(SAMPLE.read_text()) if SAMPLE.exists() else {}
    for db in sorted(db for folder in (folders or [OUT]) for db in Path(folder).glob("*.sqlite")):
        total, sampled = rows(db)
        module = sampled[0][0] if sampled else db.stem
        sample[db.stem] = {"module": module, "total": total,
                           "mutants": [{"operator": r[1], "occurrence": r[2], "line": r[3], "col": r[4],
                                        "outcome": outcome(r[5], r[6], r[8]),
                                        **({} if outcome(r[5], r[6], r[8]) == "killed"
                                           else {"diff": changed(r[7] or "")})}
                                       for r in sampled]}
    SAMPLE.write_text(json.dumps(sample, indent=1) + "\n")


def survivors():
    for db in sorted(OUT.glob("*.sqlite")):
        for r in rows(db)[1]:
            if outcome(r[5], r[6], r[8]) != "killed":
                print("=====", key(r), outcome(r[5], r[6], r[8]), "" if r[7] else r[8])
                print("\n".join(line for line in (r[7] or "").splitlines()
                                if line.startswith(("-", "+")) and not line.startswith(("---", "+++"))))


SECOND_RUN = ("laws_", "networks_", "spectra")  # sessions of the second run (sessions.py --only)
FIELDS = ["total", "n", "killed", "survived", "timeout", "incompetent", "eq", "new"]


def tally(entry: dict, fates: dict) -> dict:
    """One session's counts: mutants, sampled, each outcome, and the survivors' fates."""
    mutants = entry["mutants"]
    count = {o: sum(m["outcome"] == o for m in mutants) for o in ("killed", "survived", "timeout")}
    fate = [fates.get(f"{entry['module']}:{m['operator']}:{m['occurrence']}", {}).get("fate")
            for m in mutants if m["outcome"] != "killed"]
    return {"total": entry["total"], "n": len(mutants), **count,
            "incompetent": len(mutants) - sum(count.values()),
            "eq": fate.count("equivalent"), "new": fate.count("killed")}


def table_row(name: str, t: dict) -> str:
    competent = t["killed"] + t["survived"] + t["timeout"] - t["eq"]
    at_run = f"{t['killed']}/{competent}" if competent else "-"
    now = f"{t['killed'] + t['new']}/{competent}" if competent else "-"
    return (f"| {name} | {t['total']} | {t['n']} | {t['killed']} | {t['survived']} | {t['timeout']} | "
            f"{t['incompetent']} | {t['eq']} | {t['new']} | {at_run} | {now} |")


def tables():
    sample, fates = json.loads(SAMPLE.read_text()), json.loads(FATES.read_text()) if FATES.exists() else {}
    print("| module | mutants | sampled | killed | survived | timeout | incompetent | equivalent "
          "| killed by new tests | score at the run | score now |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    runs = {"first run": dict.fromkeys(FIELDS, 0), "second run": dict.fromkeys(FIELDS, 0)}
    weighted = {"first run": [0.0, 0], "second run": [0.0, 0]}  # sum of N_m * score_m, sum of N_m
    for session, entry in sorted(sample.items(), key=lambda e: e[1]["module"]):
        t = tally(entry, fates)
        print(table_row(f"`{entry['module']}`", t))
        label = "second run" if session.startswith(SECOND_RUN) else "first run"
        for name in FIELDS:
            runs[label][name] += t[name]
        competent = t["killed"] + t["survived"] + t["timeout"] - t["eq"]
        if competent:
            weighted[label][0] += entry["total"] * (t["killed"] + t["new"]) / competent
            weighted[label][1] += entry["total"]
    weighted["all"] = [sum(w[0] for w in weighted.values()), sum(w[1] for w in weighted.values())]
    runs["all"] = {name: sum(r[name] for r in runs.values()) for name in FIELDS}
    for label, t in runs.items():
        print(table_row(f"**{label}**", t))
    for label, t in runs.items():
        competent = t["killed"] + t["survived"] + t["timeout"] - t["eq"]
        for when, k in [("at the run", t["killed"]), ("now", t["killed"] + t["new"])] if competent else []:
            low, high = clopper_pearson(k, competent)
            name = "both runs" if label == "all" else f"the {label}"
            print(f"\nScore of {name} {when} (timeouts counted as not killed): {k}/{competent} = "
                  f"{k / competent:.3f}, 95% Clopper-Pearson [{low:.3f}, {high:.3f}]")
        if competent:
            total, weight = weighted[label]
            print(f"\nScore of {name} now, each module's score weighted by its number of mutants: "
                  f"{total / weight:.3f}".replace("the all", "both runs"))


def hand():
    """The hand mutations' table from hand_results_*.jsonl (a later run of an id replaces an earlier one)."""
    results = {}
    for path in sorted(HERE.glob("hand_results_*.jsonl")):
        for line in path.read_text().splitlines():
            r = json.loads(line)
            results[r["id"]] = r
    print("| id | module | mutation | fails | killing tests (first three) |")
    print("|---|---|---|---|---|")
    for r in results.values():
        tests = ", ".join(f"`{t.split('/')[-1]}`" for t in r["failed"][:3])
        more = f" and {len(r['failed']) - 3} more" if len(r["failed"]) > 3 else ""
        what = r["what"].replace("|", "\\|")
        print(f"| {r['id']} | `{r['module'].removeprefix('freecalc/')}` | {what} | "
              f"{len(r['failed'])} | {tests}{more} |")


def fates_table():
    """Each survivor of the sample: where, the change, and its fate."""
    sample, fates = json.loads(SAMPLE.read_text()), json.loads(FATES.read_text())
    print("| module:line | operator:occurrence | change | fate |")
    print("|---|---|---|---|")
    for entry in sorted(sample.values(), key=lambda e: e["module"]):
        for m in entry["mutants"]:
            if m["outcome"] == "killed":
                continue
            name = f"{entry['module']}:{m['operator']}:{m['occurrence']}"
            fate = fates.get(name, {"fate": "NOT CLASSIFIED"})
            change = " / ".join(f"`{line[1:].strip()}`" for line in m["diff"] if line.startswith("+"))
            said = (f"killed by `{fate['by'].split('::')[-1]}`" if fate["fate"] == "killed"
                    else f"{fate['fate']}: {fate.get('why', '')}")
            change, said = change.replace("|", "\\|"), said.replace("|", "\\|")  # not a column break
            print(f"| `{entry['module'].removeprefix('freecalc/')}:{m['line']}` | "
                  f"{m['operator'].removeprefix('core/')}:{m['occurrence']} | {change} | {said} |")


def markdown(start: str, stop: str, detail: str):
    """benchmarks/mutation_report.md from report_template.md and the tables above (START, STOP: UTC times
    of the second run; DETAIL: how far its rounds went)."""
    import contextlib
    import io

    def captured(function):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            function()
        return out.getvalue().strip()

    sample = json.loads(SAMPLE.read_text())
    sizes = sorted(len(e["mutants"]) for e in sample.values())
    table = captured(tables)
    rows, scores = table.split("\n\n", 1)
    text = (HERE / "report_template.md").read_text().format(
        TOTAL=f"{sum(e['total'] for e in sample.values()):,}", START2=start, STOP2=stop, SECOND_DETAIL=detail,
        SAMPLED=sum(sizes), PER_MODULE=f"{sizes[0]} to {sizes[-1]}",
        UPPER=(f"{1 - clopper_pearson(sizes[0], sizes[0])[0]:.0%} (with {sizes[0]} sampled) to "
               f"{1 - clopper_pearson(sizes[-1], sizes[-1])[0]:.0%} (with {sizes[-1]})"),
        TABLE=rows, SCORES=scores, FATES=captured(fates_table), HAND=captured(hand))
    (HERE.parent / "mutation_report.md").write_text(text)


def apply_matching(module: str, mutant: dict) -> bool:
    """Apply the recorded mutant with ``cosmic-ray apply``; if the module changed since the run (so that the
    occurrence numbers moved), the occurrence of the same operator whose change is the recorded one."""
    recorded = [line.strip() for line in mutant["diff"]]
    first = mutant["occurrence"]
    for occurrence in [first, *(k for k in range(first + 60) if k != first)]:
        applied = subprocess.run(["cosmic-ray", "apply", module, mutant["operator"], str(occurrence)],
                                 capture_output=True, text=True)
        diff = subprocess.run(["git", "diff", "-U0", "--", module], capture_output=True, text=True).stdout
        if applied.returncode == 0 and [line.strip() for line in changed(diff)] == recorded:
            return True
        subprocess.run(["git", "checkout", "--", module], check=True)
    return False


def verify():
    sample, fates = json.loads(SAMPLE.read_text()), json.loads(FATES.read_text())
    for entry in sorted(sample.values(), key=lambda e: e["module"]):
        for m in entry["mutants"]:
            name = f"{entry['module']}:{m['operator']}:{m['occurrence']}"
            fate = fates.get(name, {})
            if m["outcome"] == "killed" or fate.get("fate") != "killed":
                continue
            if not apply_matching(entry["module"], m):
                print(json.dumps({"mutant": name, "test": fate["by"], "killed": None,
                                  "summary": "the recorded change is no longer in the module"}), flush=True)
                continue
            try:
                test = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                                       "-o", "addopts=", fate["by"]], capture_output=True, text=True)
            finally:
                subprocess.run(["git", "checkout", "--", entry["module"]], check=True)
            last = test.stdout.strip().splitlines()[-1] if test.stdout.strip() else ""
            print(json.dumps({"mutant": name, "test": fate["by"], "killed": test.returncode != 0,
                              "summary": last}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "markdown":  # markdown START STOP DETAIL (the second run's UTC times, its rounds)
        markdown(*sys.argv[2:5])
        sys.exit(0)
    if sys.argv[1] == "export":
        export(*sys.argv[2:])
        sys.exit(0)
    {"export": export, "survivors": survivors, "tables": tables, "verify": verify,
     "hand": hand, "fates": fates_table}[sys.argv[1]]()
