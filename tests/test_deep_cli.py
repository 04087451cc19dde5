"""The deep commands: ``nfc``, ``predict --depth`` and ``sweep --figure 7`` (outputs, JSON, refusals)."""

import csv
import json
from types import SimpleNamespace

import numpy as np
import pytest

from freecalc.cli import main
from freecalc.datasets import gaussian_dataset
from freecalc.networks.figure7 import DEFAULT_ALPHAS
from freecalc.networks.first_order import first_order_cnfc
from freecalc.networks.io import load_mlp, save_mlp
from freecalc.networks.measures import layer_measures
from freecalc.networks.mlp import sample_mlp
from freecalc.networks.training import gradient_descent


@pytest.fixture
def run(capsys):
    """The command in this process (the subprocess route is tested in test_cli): exit code, stdout, stderr."""

    def invoke(*args):
        try:
            main(list(args))
            code = 0
        except SystemExit as done:
            code = done.code
        out = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)

    return invoke


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nfc")
    data = gaussian_dataset(60, 8, labels="chain", rank=3, seed=0)
    np.savez(folder / "data.npz", X=data.X, y=data.y)
    net = sample_mlp(8, (12, 10), "tanh", scales=(0.1, 1.0), seed=0)
    done = gradient_descent(net, data.X, data.y, lr=0.1, steps=20, subtract_initial=False).network
    save_mlp(done, folder / "weights.npz", initial=net)
    return folder, data, done, net


def test_nfc_reports_every_layer_as_the_library_computes_it(trained, run):
    folder, data, done, initial = trained
    out = run("nfc", str(folder / "weights.npz"), "--data", str(folder / "data.npz"), "--json",
              "--rotations", "5", "--plot", str(folder / "features.png"), "--chain-rank", "3")
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    assert payload["activation"] == "tanh" and payload["widths"] == [12, 10]
    for layer, report in enumerate(payload["layers"], 1):
        expected = layer_measures(done, data.X, layer, initial=initial)
        assert report["nfc"] == pytest.approx(expected.nfc, abs=1e-12)
        assert report["cnfc"] == pytest.approx(expected.cnfc, abs=1e-12)
        assert report["ratio"] == pytest.approx(expected.ratio, rel=1e-10)
        assert 0 < report["baseline"]["mean"] <= 1 and report["rotations"]["count"] == 5
    assert (folder / "features.png").stat().st_size > 0
    text = run("nfc", str(folder / "weights.npz"), "--data", str(folder / "data.npz"))
    assert "layer 2: NFC" in text.stdout and "randomized-eigenvector baseline" in text.stdout


def test_nfc_refusals(trained, tmp_path, run):
    folder = trained[0]
    out = run("nfc", str(folder / "weights.npz"), "--data", str(folder / "data.npz"), "--chain-rank", "3")
    assert out.returncode == 2 and "--chain-rank" in out.stderr
    np.savez(tmp_path / "bad.npz", W1=np.ones((3, 8)), W2=np.ones((2, 4)), a=np.ones(2))
    out = run("nfc", str(tmp_path / "bad.npz"), "--data", str(folder / "data.npz"))
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    net, initial = load_mlp(folder / "weights.npz", "relu")
    assert net.activation.name == "relu" and initial.widths == (12, 10)


def test_predict_depth_is_the_library_prediction(run):
    out = run("predict", "--depth", "2", "--activation", "quadratic", "--dataset", "power-law", "--n", "40",
              "--d", "12", "--alpha", "1.5", "--observe", "--networks", "3", "--k", "64", "--json")
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    data = gaussian_dataset(40, 12, alpha=1.5, labels="chain", seed=0)
    assert payload["predicted"] == pytest.approx(first_order_cnfc(data.X, data.y, 2, "quadratic"), abs=1e-12)
    assert payload["observed"]["networks"] == 3 and payload["observed"]["width"] == 64
    for bad in (["--activation", "tanh"], ["--depth", "2", "--r-moments", "exact"],
                ["--depth", "2", "--layer", "3"]):
        refused = run("predict", "--dataset", "isotropic", "--n", "20", "--d", "6", *bad)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, (bad, refused.stderr)


def test_sweep_figure7_writes_the_table(tmp_path, run):
    out = run("sweep", "--figure", "7", "--n", "10", "--d", "6", "--networks", "2", "--no-progress",
              "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader((tmp_path / "figure7.csv").open()))
    assert len(rows) == len(DEFAULT_ALPHAS) * 2 * 2 * 2 and {r["width"] for r in rows} == {"128", "1024"}
    assert json.loads((tmp_path / "figure7.json").read_text())["settings"]["n"] == 10
    assert (tmp_path / "figure7.png").stat().st_size > 0
    again = run("sweep", "--figure", "7", "--out", str(tmp_path), "--no-progress")
    assert again.returncode == 2 and "exists" in again.stderr
    refused = run("sweep", "--figure", "7", "--balances", "3", "--out", str(tmp_path / "x"))
    assert refused.returncode == 2 and "--balances" in refused.stderr
    refused = run("sweep", "--networks", "3", "--out", str(tmp_path / "y"))
    assert refused.returncode == 2
