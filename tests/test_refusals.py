"""Bad input on the command line: one line on stderr, exit code 2, before any work, nothing written.

Each case runs in this process through :func:`freecalc.cli.main` (as the ``freecalc`` command does), so
that the many cases stay cheap.
"""

import numpy as np
import pytest

from freecalc.cli import main


def outcome(capsys, *args) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``freecalc ARGS``."""
    with pytest.raises(SystemExit) as done:
        main(list(args))
        raise SystemExit(0)
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


SMALL = ("--n", "40", "--d", "24", "--k", "24")


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    symmetric = rng.standard_normal((6, 6))
    np.savez(tmp_path / "nonsym.npz", A=rng.standard_normal((6, 6)), B=symmetric + symmetric.T)
    np.savez(tmp_path / "complex.npz", X=rng.standard_normal((8, 3)) + 1j, y=np.ones(8))
    (tmp_path / "afile").write_text("not a folder")
    return tmp_path


CASES = [
    # (arguments, words the one line must contain)
    (("predict", "--seed", "-1"), "--seed"),
    (("check", "tr(A B)", "--free", "A", "--free", "B", "--seed", "-1"), "--seed"),
    (("sweep", "--seed", "-1"), "--seed"),  # sweep has --network-seed; --seed is no option of it
    (("sweep", "--network-seed", "-1"), "--network-seed"),
    (("predict", "--residual", *SMALL), "--residual applies only with --observe"),
    (("predict", "--networks", "3", *SMALL), "--networks applies only with --observe"),
    (("predict", "--data", "{tmp}", "--n", "5"), "--n applies only without --data"),
    (("predict", "--data", "{tmp}", "--dataset", "isotropic"), "--dataset applies only without --data"),
    (("predict", "--data", "{tmp}", "--balance", "0.5"), "--balance applies only without --data"),
    (("predict", "--alpha", "2", *SMALL), "--alpha applies only with --dataset power-law"),
    (("predict", "--dataset", "isotropic", "--balance", "0.5", *SMALL), "--balance applies only with"),
    (("predict", "--labels", "quadratic", *SMALL), "--labels applies only with"),
    (("expand", "tr(A R)", "--free", "A", "--free", "R", "--group", "orthogonal"),
     "--group applies only with --size"),
    (("expand", "tr(A R)", "--free", "A", "--free", "R", "--series", "2"),
     "--series applies only with --size"),
    (("sweep", "--draws", "10", "--out", "{tmp}/s"), "--draws applies only with --finite-width"),
    (("covariance", "X", "X", "--free", "X", "--law", "X=gue", "--law", "X=goe"), "--law is given twice"),
    (("covariance", "A B", "A B", "--free", "A", "--free", "B", "--matrices", "{tmp}/nonsym.npz", "--group",
      "orthogonal"), "assumes symmetric letters"),
    (("check", "tr(A R)", "--free", "A", "--free", "R", "--matrices", "{tmp}"), "is not a file"),
    (("check", "tr(A R)", "--free", "A", "--free", "R", "--matrices", "{tmp}/none.npz"), "no such file"),
    (("predict", "--data", "{tmp}"), "without X.npy and y.npy"),
    (("predict", "--data", "{tmp}/none.npz"), "no such file"),
    (("predict", "--data", "{tmp}/complex.npz", "--k", "4"), "complex"),
    (("sweep", "--out", "{tmp}/afile/sub", "--balances", "1", "--seeds", "1", *SMALL),
     "cannot write the sweep"),
    (("derive", "--out", "{tmp}/afile/sub"), "cannot write the derivations"),
    (("check", "tr(A R)", "--free", "A", "--free", "R", "--matrices", "{tmp}/nonsym.npz", "--size", "50"),
     "--size applies only without --matrices"),
    (("check", "tr(A R)", "--free", "A", "--free", "R", "--dim", "50"), "--dim is now --size"),
    (("covariance", "(A B)^30", "(A B)^30", "--free", "A", "--free", "B"), "through steps, over the limit"),
]


@pytest.mark.parametrize("args, message", CASES, ids=[" ".join(case[0][:3]) for case in CASES])
def test_bad_input_is_one_line_and_exit_2(args, message, files, capsys):
    args = [a.replace("{tmp}", str(files)) for a in args]
    code, out, err = outcome(capsys, *args)
    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert "Traceback" not in err and out == ""
    assert not (files / "s").exists()  # refused before anything was written


def test_a_prediction_outside_its_regime_says_so(capsys):
    code, out, err = outcome(capsys, "predict", "--n", "40", "--d", "20", "--k", "1", "--observe")
    assert code == 0
    assert "rank one" in err and "observed C-NFC" in out
    code, out, err = outcome(capsys, "predict", *SMALL)
    assert code == 0 and err == ""


def test_finite_width_work_is_estimated_and_refused_past_max_steps(capsys):
    code, out, err = outcome(capsys, "predict", *SMALL, "--finite-width", "--max-steps", "1000")
    # 400 draws x 4 Grams x k = 24 x q^2 with q = 3 * 24 + 1 = 73: 400 * 4 * 24 * 5329 multiply-adds
    assert code == 2 and f"{400 * 4 * 24 * 73 * 73:,} steps" in err and len(err.strip().splitlines()) == 1
    code, out, err = outcome(capsys, "predict", *SMALL, "--max-steps", "1000")
    assert code == 2 and "--max-steps applies only with --finite-width" in err


def test_expand_evaluates_a_closed_form_on_named_laws(capsys):
    """Semicircle X (tr X^4 = 2, Catalan) free from Y ~ free Poisson(1/2) (tr Y = 1/2, tr Y^2 = 1/2 + 1/4)."""
    code, out, err = outcome(capsys, "expand", "tr(X^4) + tr(X Y X Y)", "--free", "X", "--free", "Y", "--law",
                             "X=semicircle", "--law", "Y=free-poisson:0.5")
    assert code == 0 and out.splitlines()[-1].startswith("value: 2.25 ")
    code, out, err = outcome(capsys, "expand", "tr(X^2)", "--free", "X", "--law", "X=semicircle:2", "--law",
                             "X=arcsine")
    assert code == 2 and "given twice" in err
    code, out, err = outcome(capsys, "expand", "tr(X Y)", "--free", "X,Y", "--law", "X=semicircle", "--law",
                             "Y=arcsine")
    assert code == 2 and "alone in its family" in err
