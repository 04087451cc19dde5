"""The symbolic core imports no numpy and no I/O-heavy layer (design notes, habit 2)."""

import subprocess
import sys

CORE = [
    "freecalc.partitions",
    "freecalc.words",
    "freecalc.atoms",
    "freecalc.cumulants",
    "freecalc.freeness",
    "freecalc.laws",
    "freecalc.cnfc",
    "freecalc.wick",
    "freecalc.velocity_expectations",
    "freecalc.derive_proposition8",
]


def test_symbolic_core_does_not_import_numpy():
    code = (
        "import sys\n"
        f"for m in {CORE!r}: __import__(m)\n"
        "bad = [m for m in ('numpy', 'matplotlib', 'click', 'freecalc.numeric') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", out.stdout
