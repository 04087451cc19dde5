"""Predicted spectra of the early NFM ``C R C`` and AGOP ``C R B R C`` (freecalc.quadratic.spectra).

Independent routes: the AGOP's first moment against ``tr(A R B R)`` for R free from {A = C^2, B} (Nica &
Speicher, Lecture 14); the data block (B, C as fixed matrices, the exact M_5-valued transform) against the
scalar route of :class:`~freecalc.laws.FreePolynomial` when B commutes with C (B = I, B = C: then the pair's
law is the law of one matrix); the NFM and AGOP against eigenvalues of sampled networks (KS within the
spread between two networks on the same data); the command line.
"""

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner

from freecalc.cli import cli
from freecalc.datasets import make_dataset
from freecalc.laws import FreePolynomial, empirical, r_law
from freecalc.laws.compare import ks_two_sample
from freecalc.quadratic.network import sample_network
from freecalc.quadratic.predict import data_matrices
from freecalc.quadratic.spectra import (
    SPECTRA_STAGES,
    WORK_LIMIT,
    AgopLaw,
    agop_mean,
    grid_ks,
    nfm_free_product,
    nfm_law,
    run_spectra,
    spectra_work,
)


def grams(n, d, seed=0):
    data = make_dataset("alignment-reversing", n=n, d=d, seed=seed)
    mats = data_matrices(data.X, data.y)
    return np.asarray(mats["C"], dtype=float), np.asarray(mats["B"], dtype=float)


def small_pair(d=6, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2 * d, d)) / np.sqrt(2 * d)
    y = np.sign(rng.standard_normal(2 * d))
    return x.T @ (y[:, None] * x), x.T @ x


def test_the_agop_mean_agrees_with_the_free_trace_formula():
    c, b = small_pair()
    law = AgopLaw(c, b, r_law(0.5))
    assert law.moments(1)[0] == pytest.approx(agop_mean(c, b, r_law(0.5)), rel=1e-7)
    assert abs(agop_mean(c, 1.01 * b, r_law(0.5)) - law.moments(1)[0]) > 1e-3 * abs(law.moments(1)[0])


@pytest.mark.parametrize("partner", ["identity", "itself"])
def test_the_data_block_agrees_with_the_scalar_route_when_b_commutes_with_c(partner):
    c, _ = small_pair()
    b = np.eye(len(c)) if partner == "identity" else c
    text = "C R R C" if partner == "identity" else "C R C R C"
    r = r_law(0.5)
    block = AgopLaw(c, b, r)
    scalar = FreePolynomial(text, {"C": empirical(c), "R": r})
    z = np.array([0.3 + 0.2j, 1.5 + 0.05j, -0.5 + 1j, 4 + 2j]) * block.mean
    np.testing.assert_allclose(block.cauchy(z), scalar.cauchy(z), rtol=1e-8)


def grid(spectra, points=120):
    top = 1.5 * max(s.max() for s in spectra)
    return top * np.sort(np.concatenate([np.geomspace(1e-9, 1, points // 2, endpoint=False),
                                         np.linspace(0.01, 1, points // 2)]))


def test_the_nfm_law_is_the_free_product_of_c_squared_and_r():
    c, _ = grams(48, 24)
    z = np.array([0.01 + 0.01j, 0.3 + 0.05j, 1 + 1j]) * np.linalg.norm(c, 2) ** 2
    np.testing.assert_allclose(nfm_law(c, 0.5).cauchy(z), nfm_free_product(c, 0.5).cauchy(z), rtol=1e-8)
    assert nfm_law(c, 0.5).atoms() == nfm_free_product(c, 0.5).atoms()


def test_the_nfm_law_against_sampled_networks():
    n, d, k = 200, 100, 200
    c, _ = grams(n, d)
    spectra = [np.linalg.eigvalsh(c @ sample_network(d, k, seed=s).r_matrix() @ c) for s in (1, 2)]
    x = grid(spectra)
    drift = ks_two_sample(*spectra)
    law = nfm_law(c, d / k)
    atom = dict(law.atoms()).get(0.0, 0.0)
    right, wrong = law.density(x), nfm_law(2 * c, d / k).density(x)
    for spectrum in spectra:
        distance = grid_ks(x, right, spectrum, 1e-9 * spectrum.max(), atom)
        assert distance < drift + 2 / d, (distance, drift)
    # the NFM spreads over decades, so at d = 100 KS resolves a factor 4 in its scale (C doubled), not 1.2;
    # the 1e-8 agreement with the free product above is the test with power for the mathematics
    assert grid_ks(x, wrong, spectra[0], 1e-9 * spectra[0].max(), atom) > drift + 2 / d


@pytest.mark.slow
def test_the_agop_law_against_sampled_networks():
    n, d, k = 64, 32, 64
    c, b = grams(n, d)
    law = AgopLaw(c, b, r_law(d / k))
    spectra = [np.linalg.eigvalsh(c @ r @ b @ r @ c) for r in
               (sample_network(d, k, seed=s).r_matrix() for s in (1, 2))]
    x = grid(spectra)
    density, atom = law.density(x), dict(law.atoms()).get(0.0, 0.0)
    drift = ks_two_sample(*spectra)
    for spectrum in spectra:
        distance = grid_ks(x, density, spectrum, 1e-9 * spectrum.max(), atom)
        assert distance < drift + 2 / d, (distance, drift)


def test_predict_spectra_on_the_command_line(tmp_path):
    plot = tmp_path / "spectra.png"
    out = CliRunner().invoke(cli, ["predict", "--spectra", "--n", "24", "--d", "12", "--k", "24", "--points",
                                   "40", "--plot", str(plot), "--json"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    for name in ("nfm", "agop"):
        assert len(data[name]["x"]) == len(data[name]["density"]) == 40
        assert len(data[name]["eigenvalues"]) == 12
        assert 0 <= data[name]["ks"] < 1
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_predict_spectra_past_the_agop_limit_predicts_the_nfm_and_says_why_not_the_agop(tmp_path):
    """Past its work limit the AGOP's density is left out with a note naming the largest d that fits; the
    NFM is still predicted and compared, and both spectra are observed."""
    plot = tmp_path / "spectra.png"
    args = ["predict", "--spectra", "--n", "150", "--d", "300", "--k", "150", "--points", "60"]
    assert spectra_work(300, 60) > WORK_LIMIT
    text = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert text.exit_code == 0, text.output
    agop_line = next(line for line in text.output.splitlines() if line.startswith("AGOP"))
    assert "not computed" in agop_line and "use --d" in agop_line
    assert not re.search(r"e-1\d", text.output)  # round-off zeros print as 0, no digits of rounding
    out = CliRunner().invoke(cli, [*args, "--json", "--plot", str(plot)], catch_exceptions=False)
    data = json.loads(out.output)
    assert 0 <= data["nfm"]["ks"] < 0.2 and len(data["nfm"]["density"]) == 60
    assert "density" not in data["agop"] and len(data["agop"]["eigenvalues"]) == 300
    largest = int(data["agop"]["note"].split("use --d ")[1].split()[0])
    assert spectra_work(largest, 60) <= WORK_LIMIT < spectra_work(largest + 1, 60)
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args", [
    ("predict", "--plot", "x.png"),
    ("predict", "--spectra", "--observe", "--d", "8", "--n", "16", "--k", "16"),
])
def test_predict_spectra_refusals(args):
    from freecalc.cli import main

    with pytest.raises(SystemExit) as done:
        main(list(args))
    assert done.value.code == 2


def test_the_work_estimate_grows_as_d_cubed():
    assert spectra_work(8000, 100) / spectra_work(4000, 100) == pytest.approx(8, rel=0.05)


@pytest.mark.parametrize("d, stages", [(12, SPECTRA_STAGES), (300, SPECTRA_STAGES)])
def test_run_spectra_reports_each_stage_once(d, stages):
    """The command's progress bar: one step per stage, the AGOP's included when it is left out."""
    from freecalc.quadratic.workflow import PredictionConfig

    steps = []
    record = run_spectra(PredictionConfig(n=24, d=d, k=24), points=30 if d == 12 else 10,
                         work_limit=WORK_LIMIT if d == 12 else 1.0, progress=steps.append)
    assert sum(steps) == stages
    assert record.predicted == (("nfm", "agop") if d == 12 else ("nfm",))
