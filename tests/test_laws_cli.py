"""``freecalc law``: the issue's example, JSON keys and their meaning, the plot, refusals (exit code 2)."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from freecalc.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_the_issue_example_in_json():
    out = run("law", "A + B", "--law", "A=semicircle", "--law", "B=free-poisson:0.5", "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert set(data) >= {"support", "x", "density", "atoms", "moments"}
    x, density = np.array(data["x"]), np.array(data["density"])
    assert np.all(np.diff(x) >= 0) and np.all(density >= 0)
    assert abs(np.trapezoid(density, x) - 1) < 1e-4  # the grid integrates to 1e-4
    assert data["atoms"] == []
    # free cumulants add: kappa = (0.5, 1 + 0.5, 0.5, 0.5) -> moments
    np.testing.assert_allclose(data["moments"], [0.5, 1.75, 2.875, 8.3125], rtol=1e-12)
    (low, high), = data["support"]
    assert low < -1.7 and 3.4 < high < 3.5


def test_atoms_are_pairs_and_the_density_integrates_to_the_rest(tmp_path):
    plot = tmp_path / "law.png"
    out = run("law", "A^(1/2) B A^(1/2)", "--law", "A=free-poisson:2", "--law", "B=bernoulli:0.4", "--json",
              "--plot", str(plot), "--size", "200")
    data = json.loads(out.output)
    assert data["atoms"] == [[0.0, pytest.approx(0.6)]]
    assert abs(np.trapezoid(data["density"], data["x"]) - 0.4) < 1e-4
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_text_output_of_a_polynomial_and_an_empirical_law(tmp_path):
    out = run("law", "x y + y x", "--law", "x=semicircle", "--law", "y=semicircle")
    assert out.exit_code == 0
    assert "support:  [-3.3301907, 3.3301907]" in out.output
    spectrum = tmp_path / "spectrum.npy"
    np.save(spectrum, np.linspace(-1, 1, 50))
    out = run("law", "A + B", "--law", f"A=empirical:{spectrum}", "--law", "B=semicircle:0.25", "--json")
    assert json.loads(out.output)["moments"][:2] == pytest.approx([0.0, np.mean(np.linspace(-1, 1, 50) ** 2)
                                                                    + 0.25])


@pytest.mark.parametrize("args", [
    ("A + B", "--law", "A=semicircle"),
    ("A + B", "--law", "A=semicircle", "--law", "B=poisson"),
    ("A + B", "--law", "A=semicircle", "--law", "B=semicircle", "--size", "10"),
    ("A + A", "--law", "A=semicircle"),
    ("A B", "--law", "A=free-poisson:1", "--law", "B=free-poisson:1"),
    ("x y", "--law", "x=semicircle", "--law", "y=bernoulli:0.5"),
])
def test_refusals_are_one_line_and_exit_2(args):
    from freecalc.cli import main

    with pytest.raises(SystemExit) as done:
        main(["law", *args])
    assert done.value.code == 2


def test_a_polynomial_in_letters_of_any_laws():
    out = run("law", "x y + y x", "--law", "x=semicircle", "--law", "y=free-poisson:1", "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert "free Poisson" in data["law"]
    # free mixed moments: 2 phi(xyxy) + 2 phi(x^2 y^2) = 2 * 1 + 2 * 2
    assert data["moments"][:2] == pytest.approx([0.0, 6.0], abs=1e-8)
    assert abs(np.trapezoid(data["density"], data["x"]) - 1) < 1e-4
