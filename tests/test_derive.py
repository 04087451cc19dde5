"""freecalc derive: committed derivations are what the engine produces, and edits are caught."""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(*args):
    return subprocess.run([sys.executable, "-m", "freecalc", *args], capture_output=True, text=True)


def test_committed_derivations_are_up_to_date():
    out = run("derive", "--check", "--out", str(REPO / "derivations"))
    assert out.returncode == 0, out.stderr


def test_a_hand_made_change_is_caught_and_user_files_are_not_overwritten(tmp_path):
    copy = tmp_path / "derivations"
    shutil.copytree(REPO / "derivations", copy)
    target = copy / "eq-26.md"
    target.write_text(target.read_text(encoding="utf-8").replace("differs", "agrees"), encoding="utf-8")
    out = run("derive", "--check", "--out", str(copy))
    assert out.returncode == 1 and "eq-26.md" in out.stderr
    assert run("derive", "--out", str(copy)).returncode == 0
    assert run("derive", "--check", "--out", str(copy)).returncode == 0
    mine = copy / "README.md"
    mine.write_text("my own notes\n", encoding="utf-8")
    refused = run("derive", "--out", str(copy))
    assert refused.returncode == 2 and "was not written by freecalc derive" in refused.stderr
    assert mine.read_text(encoding="utf-8") == "my own notes\n"


def test_verdicts_in_the_index():
    index = (REPO / "derivations" / "README.md").read_text(encoding="utf-8")
    assert "| [Second denominator, eq. (26)](eq-26.md) | `tr(A R B R A R B R)` | differs |" in index
    assert index.count("| agrees |") == 7


def test_check_allows_the_last_digit_of_monte_carlo_figures_and_nothing_else():
    from freecalc.derive import same_up_to_rounding

    page = ("observed 0.8087 ± 0.0063 (stderr); engine $$ 3 \\operatorname{tr}(A) $$ `tr(A R)` "
            "1,000,000 networks")
    assert same_up_to_rounding(page, page.replace("0.8087", "0.8088"))  # BLAS-level change, last digit
    assert same_up_to_rounding(page, page.replace("0.0063", "0.0062"))
    assert not same_up_to_rounding(page, page.replace("0.8087", "0.8090"))  # three units: a real change
    assert not same_up_to_rounding(page, page.replace("$$ 3 ", "$$ 4 "))  # closed forms are exact
    assert not same_up_to_rounding(page, page.replace("tr(A R)", "tr(A R R)"))
    assert not same_up_to_rounding(page, page.replace("observed", "measured"))
    assert not same_up_to_rounding(page, page.replace("1,000,000", "1,000,002"))
