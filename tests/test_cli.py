"""The command line: outputs, JSON keys, exit codes and one-line errors."""

import json
import subprocess
import sys

import numpy as np
import pytest
import sympy

from freecalc import expand


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "freecalc", *args], capture_output=True, text=True, cwd=cwd)


def test_expand_plain_and_json():
    out = run("expand", "tr(A R A R)", "--free", "A", "--free", "R")
    assert out.returncode == 0
    assert out.stdout.strip() == str(expand("tr(A R A R)", ["A", "R"]))
    data = json.loads(run("expand", "tr(A R B S C T)", "--free", "A,B,C", "--free", "R,S,T", "--json",
                          "--basis", "mixed").stdout)
    assert data["basis"] == "mixed" and data["term_count"] == 5  # Catalan(3): three distinct alternations
    rebuilt = sum(sympy.Rational(t["coefficient"])
                  * sympy.Mul(*(sympy.Symbol(a["atom"]) ** a["power"] for a in t["atoms"]))
                  for t in data["terms"])
    expected = expand("tr(A R B S C T)", ["A,B,C", "R,S,T"], "mixed")
    plain = expected.subs({x: sympy.Symbol(str(x)) for x in expected.free_symbols})
    assert sympy.expand(rebuilt - plain) == 0
    assert data["families"] == [["A", "B", "C"], ["R", "S", "T"]]
    latex = run("expand", "tr(A R A R B R)", "--free", "A,B", "--free", "R", "--latex", "--basis", "centered")
    assert r"\bar{A}" in latex.stdout


def test_check_agrees_with_json_keys(tmp_path):
    rng = np.random.default_rng(0)
    mats = {}
    for name in ("A", "R"):
        q, _ = np.linalg.qr(rng.standard_normal((200, 200)))
        mats[name] = (q * rng.uniform(0.5, 1.5, 200)) @ q.T
    path = tmp_path / "m.npz"
    np.savez(path, **mats)
    out = run("check", "tr(A R A R)", "--free", "A", "--free", "R", "--matrices", str(path),
              "--rotations", "6", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("closed_form", "predicted", "observed", "stderr", "tolerance", "verdict"):
        assert key in data
    assert abs(data["observed"] - data["predicted"]) <= data["tolerance"]


def test_check_exits_1_on_disagreement(tmp_path):
    """Matrices A and R that are *not* in generic position: A = R makes them far from free."""
    rng = np.random.default_rng(1)
    q, _ = np.linalg.qr(rng.standard_normal((150, 150)))
    a = (q * rng.uniform(0.0, 3.0, 150)) @ q.T
    path = tmp_path / "m.npz"
    np.savez(path, A=a, B=a)
    # one family {A} and one {B}: the check rotates B, so freeness holds -> agree
    assert run("check", "tr(A B A B)", "--free", "A", "--free", "B", "--matrices", str(path),
               "--rotations", "4").returncode == 0
    # declaring them in one family keeps them aligned: the closed form is tr(A B A B) itself -> agree too
    same = run("check", "tr(A B A B)", "--free", "A,B", "--matrices", str(path), "--rotations", "3")
    assert same.returncode == 0
    # a real disagreement, end to end: the free-limit closed form of two free families, claimed for A = B
    wrong = run("check", "tr(A B A B)", "--free", "A,B", "--matrices", str(path), "--rotations", "3",
                "--closed-form", "tr(A^2) tr(B)^2 + tr(A)^2 tr(B^2) - tr(A)^2 tr(B)^2", "--json")
    data = json.loads(wrong.stdout)
    assert wrong.returncode == 1 and data["verdict"] == "DISAGREE" and data["reference"] == "claimed"


def test_check_disagrees_for_a_wrong_formula_exit_1(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from freecalc import cli
    from freecalc.numeric import montecarlo

    real = montecarlo.check

    def shifted(*args, **kwargs):
        result = real(*args, **kwargs)
        return type(result)(**{**result.__dict__, "agrees": False})

    monkeypatch.setattr(montecarlo, "check", shifted)
    result = CliRunner().invoke(cli.cli, ["check", "tr(A R)", "--free", "A", "--free", "R", "--size", "50",
                                          "--rotations", "3"])
    assert result.exit_code == 1
    assert "DISAGREE" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["expand", "tr(A R", "--free", "A", "--free", "R"], "unbalanced parentheses"),
        (["expand", "tr(A Q)", "--free", "A", "--free", "R"], "letter Q is in no family"),
        (["expand", "tr(A R)", "--free", "A,R", "--free", "R"], "in two families"),
        (["expand", "tr()", "--free", "A"], "empty word"),
        (["expand", "tr(A R)"], "declare at least one family"),
        (["expand", "tr(A)", "--free", "A", "--basis", "nope"], "Invalid value"),
        (["check", "tr(A R)", "--free", "A", "--free", "R", "--matrices", "missing.npz"], "no such file"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(args, message):
    out = run(*args)
    assert out.returncode == 2
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    "arrays, message",
    [
        ({"A": np.eye(3)}, "no matrix for letter R"),
        ({"A": np.eye(3), "R": np.ones((3, 2))}, "not square"),
        ({"A": np.eye(3), "R": np.eye(4)}, "different sizes"),
        ({"A": np.eye(3), "R": np.full((3, 3), np.nan)}, "non-finite"),
    ],
)
def test_bad_npz_gives_one_line_and_exit_2(tmp_path, arrays, message):
    path = tmp_path / "m.npz"
    np.savez(path, **arrays)
    out = run("check", "tr(A R)", "--free", "A", "--free", "R", "--matrices", str(path))
    assert out.returncode == 2, out.stdout
    assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_not_an_npz(tmp_path):
    path = tmp_path / "m.npz"
    path.write_text("hello")
    out = run("check", "tr(A R)", "--free", "A", "--free", "R", "--matrices", str(path))
    assert out.returncode == 2 and "cannot read" in out.stderr


def test_predict_on_npz_matches_library_and_rejects_bad_data(tmp_path):
    from freecalc.quadratic.predict import predict

    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 80)) / np.sqrt(80)
    y = np.sign(X[:, 0])
    path = tmp_path / "data.npz"
    np.savez(path, X=X, y=y)
    out = run("predict", "--data", str(path), "--k", "100", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert abs(data["predicted"] - predict(X, y, k=100).predicted) < 1e-12
    np.savez(tmp_path / "bad.npz", X=X, y=y[:-1])
    np.savez(tmp_path / "noy.npz", X=X)
    for name, message in (("bad.npz", "shape"), ("noy.npz", "no array 'y'"), ("none.npz", "no such file")):
        bad = run("predict", "--data", str(tmp_path / name))
        assert bad.returncode == 2 and message in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_predict_on_built_in_data_with_observe():
    out = run("predict", "--n", "160", "--d", "120", "--k", "140", "--observe", "--r-moments", "empirical",
              "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["dataset"] == "alignment-reversing" and data["dataset_params"]["balance"] == 0.3
    assert {"predicted", "observed"} <= set(data) and abs(data["predicted"] - data["observed"]) < 20 / 120
    from freecalc.datasets import alignment_reversing
    from freecalc.quadratic.network import sample_network, velocity_cnfc

    same = alignment_reversing(160, 120, 0.3, seed=0)
    assert data["observed"] == pytest.approx(velocity_cnfc(sample_network(120, 140, seed=0), same.X, same.y))
    plain = run("predict", "--dataset", "power-law", "--alpha", "2", "--n", "90", "--d", "60", "--k", "70")
    assert plain.returncode == 0 and plain.stdout.startswith("predicted C-NFC (cosine, power-law")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--balance", "0"], "balance gamma must be in (0, 1]"),
        (["--balance", "1.5"], "balance gamma must be in (0, 1]"),
        (["--n", "0"], "--n must be positive"),
        (["--k", "-4"], "--k must be positive"),
        (["--n", "4000000", "--d", "100000"], "GiB"),
        (["--r-moments", "sometimes"], "unknown R-moment source"),
        (["--dataset", "mnist"], "Invalid value"),
    ],
)
def test_predict_bad_input_one_line_exit_2(args, message):
    out = run("predict", *args)
    assert out.returncode == 2, out.stdout
    assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_predict_rejects_misshapen_and_non_finite_arrays(tmp_path):
    np.savez(tmp_path / "flat.npz", X=np.zeros(10), y=np.zeros(10))
    np.savez(tmp_path / "inf.npz", X=np.full((5, 3), np.inf), y=np.ones(5))
    np.savez(tmp_path / "inf_zero_y.npz", X=np.full((5, 3), np.inf), y=np.zeros(5))  # two faults: either
    np.savez(tmp_path / "zero_y.npz", X=np.ones((5, 3)), y=np.zeros(5))
    np.savez(tmp_path / "zero_x.npz", X=np.zeros((5, 3)), y=np.ones(5))
    cases = (("flat.npz", "(n, d)"), ("inf.npz", "non-finite"), ("zero_y.npz", "y is all zero"),
             ("zero_x.npz", "X is all zero"), ("inf_zero_y.npz", "freecalc: error: "))
    for name, message in cases:
        out = run("predict", "--data", str(tmp_path / name))
        assert out.returncode == 2 and message in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_sweep_writes_csv_json_png_and_keeps_existing_files(tmp_path):
    args = ["sweep", "--balances", "3", "--seeds", "2", "--n", "96", "--d", "96", "--k", "96", "--out",
            str(tmp_path / "s")]
    out = run(*args)
    assert out.returncode == 0, out.stderr
    assert "sweep" in out.stderr  # the progress bar goes to stderr
    rows = (tmp_path / "s" / "sweep.csv").read_text().strip().splitlines()
    assert len(rows) == 1 + 3 * 2
    settings = json.loads((tmp_path / "s" / "sweep.json").read_text())["settings"]
    assert settings["balances"] == [0.05, 0.525, 1.0]
    before = (tmp_path / "s" / "sweep.csv").read_bytes()
    again = run(*args)
    assert again.returncode == 2 and "exists" in again.stderr
    assert (tmp_path / "s" / "sweep.csv").read_bytes() == before
    assert run(*args, "--force", "--no-progress").returncode == 0


def test_too_large_expansions_are_refused_at_once_with_their_estimate():
    out = run("expand", "tr((A R)^30)", "--free", "A", "--free", "R")
    assert out.returncode == 2 and "536,870,912 block steps" in out.stderr and "--max-steps" in out.stderr
    word = " ".join(f"A{i} R{i}" for i in range(1, 15))
    families = ["--free", ",".join(f"A{i}" for i in range(1, 15)),
                "--free", ",".join(f"R{i}" for i in range(1, 15))]
    out = run("expand", f"tr({word})", *families)
    assert out.returncode == 2 and "terms, over the limit of 1,000,000" in out.stderr
    assert "--max-terms" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_partial_result_over_the_term_limit_stops_the_expansion():
    """Repeated letters: the bound is not exact, so the expansion runs and is stopped when it grows."""
    out = run("expand", "tr((A R)^8)", "--free", "A", "--free", "R", "--max-terms", "50")
    assert out.returncode == 2 and "more than 50 terms" in out.stderr
    assert run("expand", "tr((A R)^8)", "--free", "A", "--free", "R", "--max-terms", "400").returncode == 0


def test_any_nesting_depth_gets_an_answer_or_one_line():
    deep = "tr(" + "(" * 3000 + "A R" + ")" * 3000 + ")"
    out = run("expand", deep, "--free", "A", "--free", "R")
    assert out.returncode == 2 and "nested deeper than" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and len(out.stderr) < 300
    ok = run("expand", "tr(" + "(" * 90 + "A R" + ")" * 90 + ")", "--free", "A", "--free", "R")
    assert ok.returncode == 0 and ok.stdout.strip() == "tr(A)*tr(R)"


def test_sweep_with_the_finite_width_band(tmp_path):
    out = run("sweep", "--balances", "2", "--seeds", "1", "--n", "48", "--d", "48", "--k", "48",
              "--finite-width", "--draws", "50", "--no-progress", "--out", str(tmp_path / "s"))
    assert out.returncode == 0, out.stderr
    header, *rows = (tmp_path / "s" / "sweep.csv").read_text().strip().splitlines()
    assert header.endswith("predicted_finite,predicted_sd,finite_reliable") and len(rows) == 2
    summary = json.loads((tmp_path / "s" / "sweep.json").read_text())["summary"]
    assert {"coverage_1sd", "coverage_2sd", "mean_z"} <= set(summary)
    assert "finite-width band" in out.stdout
