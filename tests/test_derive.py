"""freecalc derive: committed derivations are what the engine produces, byte for byte; edits are caught."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "derivations"


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "freecalc", *args], capture_output=True, text=True, env=env)


def test_committed_derivations_are_up_to_date_and_a_hand_made_change_is_caught(tmp_path):
    """One generation checks both: on a copy of the committed pages with two hand-made changes, ``--check``
    names exactly those two pages (every other committed page is what the engine produces now), and
    rewriting gives back the committed pages byte for byte (so those two were up to date as well)."""
    copy = tmp_path / "derivations"
    shutil.copytree(COMMITTED, copy)
    target = copy / "eq-26.md"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("differs", "agrees"), encoding="utf-8")
    figure = copy / "eq-20.md"  # one unit in the last printed digit of a Monte Carlo figure is a change too
    page = figure.read_text(encoding="utf-8")
    shown = re.search(r"observed (-?[\d.]*\d) ± ", page).group(1)
    moved = shown[:-1] + str((int(shown[-1]) + 1) % 10)
    figure.write_text(page.replace(f"observed {shown} ± ", f"observed {moved} ± "), encoding="utf-8")
    out = run("derive", "--check", "--out", str(copy))
    assert out.returncode == 1, out.stderr
    stale = out.stderr.split(f"out of date in {copy}: ")[1].split(" (run freecalc derive)")[0].split(", ")
    assert sorted(stale) == ["eq-20.md", "eq-26.md"], out.stderr
    assert run("derive", "--out", str(copy)).returncode == 0
    for path in COMMITTED.iterdir():  # rewritten: the committed pages again (they are up to date, above)
        assert (copy / path.name).read_bytes() == path.read_bytes(), path.name
    mine = copy / "README.md"
    mine.write_text("my own notes\n", encoding="utf-8")
    refused = run("derive", "--out", str(copy))
    assert refused.returncode == 2 and "was not written by freecalc derive" in refused.stderr
    assert mine.read_text(encoding="utf-8") == "my own notes\n"


def test_pages_print_no_round_off_and_no_negative_zero():
    """Round-off is printed as a bound (freecalc.derive.figures); a figure that rounds to zero has no sign."""
    for page in COMMITTED.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"\de-(1[3-9]|[2-9]\d)\b", text), page.name  # e.g. 1.4e-16
        assert not re.search(r"(?<![\w.])[-−]0\.0+(?![\d.])", text), page.name  # e.g. -0.0


def test_verdicts_in_the_index():
    index = (COMMITTED / "README.md").read_text(encoding="utf-8")
    assert "| [Second denominator, eq. (26)](eq-26.md) | `tr(A R B R A R B R)` | differs |" in index
    assert index.count("| agrees |") == 7


@pytest.fixture(scope="module")
def sandybridge(tmp_path_factory):
    """The pages written with other BLAS kernels (Sandybridge's) on one thread (DESIGN.md, habit 13)."""
    out = tmp_path_factory.mktemp("sandybridge")
    env = {**os.environ, "OPENBLAS_CORETYPE": "Sandybridge", "OPENBLAS_NUM_THREADS": "1"}
    done = run("derive", "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.slow
def test_pages_are_the_same_with_other_blas_kernels_and_one_thread(sandybridge):
    written = sorted(p.name for p in sandybridge.iterdir())
    assert written == sorted(p.name for p in COMMITTED.iterdir())
    differ = [name for name in written
              if (sandybridge / name).read_bytes() != (COMMITTED / name).read_bytes()]
    assert not differ, differ
