"""Fluctuations end to end: freecalc covariance reproduces the published tables; check predicts its spread."""

import json
import subprocess
import sys

import numpy as np
import pytest

from freecalc.numeric.montecarlo import check
from freecalc.testing import spread_matrices


def run(*args):
    return subprocess.run([sys.executable, "-m", "freecalc", *args], capture_output=True, text=True)


@pytest.mark.parametrize("law, group, p, q, expected", [
    # GUE: non-crossing annular pairings (Mingo & Nica 2004; Mingo & Speicher 2017, ch. 5)
    ("gue", "unitary", 1, 1, 1), ("gue", "unitary", 2, 2, 2), ("gue", "unitary", 4, 4, 36),
    # GOE: twice the GUE values (Redelmeier 2014)
    ("goe", "orthogonal", 1, 1, 2), ("goe", "orthogonal", 2, 2, 4), ("goe", "orthogonal", 4, 4, 72),
    # complex Wishart at c = 1 (Mingo & Nica 2004)
    ("wishart:1", "unitary", 1, 1, 1), ("wishart:1", "unitary", 1, 2, 4), ("wishart:1", "unitary", 2, 2, 18),
])
def test_covariance_reproduces_published_second_order_moments(law, group, p, q, expected):
    out = run("covariance", f"X^{p}", f"X^{q}", "--free", "X", "--law", f"X={law}", "--group", group,
              "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["value"] == pytest.approx(expected, rel=1e-12)


def test_covariance_of_rotated_matrices_with_values_from_a_file(tmp_path):
    """Var Tr(A U R U*) -> kappa2(A) kappa2(R), twice that for O(N) (Mingo & Speicher 2017, ch. 5)."""
    mats = spread_matrices(["A", "R"], 50, seed=4)
    path = tmp_path / "m.npz"
    np.savez(path, **mats)
    k2 = {x: np.trace(m @ m) / 50 - (np.trace(m) / 50) ** 2 for x, m in mats.items()}
    for group, factor in (("unitary", 1), ("orthogonal", 2)):
        out = run("covariance", "A R", "A R", "--free", "A", "--free", "R", "--group", group, "--matrices",
                  str(path), "--json")
        data = json.loads(out.stdout)
        assert data["value"] == pytest.approx(factor * k2["A"] * k2["R"], rel=1e-9)


@pytest.mark.parametrize("args, message", [
    (["X", "X", "--free", "X", "--law", "X=goe", "--group", "unitary"], "real law"),
    (["X", "X", "--free", "X,Y", "--law", "X=goe", "--law", "Y=gue"], "mix a real"),
    (["X", "X", "--free", "X,Y", "--law", "X=gue"], "alone in its family"),
    (["X", "X", "--free", "X", "--law", "X=cauchy"], "LETTER=gue"),
    (["X", "X", "--free", "X", "--law", "X=wishart:-1"], "positive"),
    (["tr(X) tr(X)", "X", "--free", "X", "--law", "X=gue"], "linear in traces"),
])
def test_covariance_bad_input(args, message):
    """One line and exit 2 (a goe law alone implies the orthogonal group: test_a_law_implies_its_group)."""
    out = run("covariance", *args)
    assert out.returncode == 2 and message in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_a_law_implies_its_group():
    """GOE doubles GUE's limit covariances: lim Var(Tr X) = 2 kappa_2 (real case, Mingo & Speicher ch. 5)."""
    real = json.loads(run("covariance", "X", "X", "--free", "X", "--law", "X=goe", "--json").stdout)
    complex_ = json.loads(run("covariance", "X", "X", "--free", "X", "--law", "X=gue", "--json").stdout)
    assert (real["group"], real["value"]) == ("orthogonal", 2) and (complex_["group"], complex_["value"]) == (
        "unitary", 1)


@pytest.mark.parametrize("group", ["unitary", "orthogonal"])
def test_check_predicts_its_spread_and_catches_a_wrong_one(group):
    mats = spread_matrices(["A", "B", "R"], 30, seed=1)
    result = check("tr(A R A R B R)", ["A,B", "R"], mats, rotations=3000, seed=5, group=group)
    assert result.predicted_sd is not None and result.spread_agrees, result
    relative_error = abs(result.observed_sd / result.predicted_sd - 1)
    assert relative_error < 0.08  # ~1.3% standard error on the sample sd at 3000 rotations
    # the spread verdict has power: 5% off is caught at this number of rotations
    centred = 1.05 * result.predicted_sd
    assert abs(result.observed_sd - centred) > 2 * result.predicted_sd / np.sqrt(2 * 3000)


def test_check_json_reports_the_spread(tmp_path):
    mats = spread_matrices(["A", "R"], 20, seed=2)
    path = tmp_path / "m.npz"
    np.savez(path, **mats)
    out = run("check", "tr(A R A R)", "--free", "A", "--free", "R", "--matrices", str(path), "--rotations",
              "400", "--json")
    data = json.loads(out.stdout)
    assert out.returncode == 0 and data["spread_verdict"] == "agree"
    assert data["predicted_sd"] > 0 and data["observed_sd"] > 0 and data["spread_method"] == "exact"
