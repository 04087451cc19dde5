"""The stored closed forms are the engine's, and predictions reach them without sympy."""

import json
import subprocess
import sys
from fractions import Fraction

import pytest
import sympy

from freecalc.errors import ParameterError
from freecalc.free.atoms import sympy_to_poly
from freecalc.quadratic.readout import A_LAWS
from freecalc.quadratic.rlaw import network_r_moments
from freecalc.quadratic.stored_forms import (
    FORMS_FILE,
    R_MOMENTS,
    analytic_r_moments,
    dumps,
    generate,
    stored_closed_forms,
)
from freecalc.quadratic.words import CNFC_TRACES, cnfc_closed_forms


def test_the_stored_file_is_what_the_engine_generates():
    """Fails after any change of the engine's output: regenerate with stored_forms.write()."""
    content = generate()
    assert FORMS_FILE.read_text(encoding="utf-8") == dumps(content)
    assert json.loads(dumps(content)) == content
    script = ("from freecalc.free.atom_ids import trace_atom\n"  # other atoms first: other ids, same file
              "for word in [('R', 'R', 'R', 'R'), ('B', 'B'), ('C', 'C', 'C', 'C'), ('B',), ('R',)]:\n"
              "    trace_atom(word)\n"
              "from freecalc.quadratic.stored_forms import FORMS_FILE, dumps, generate\n"
              "print(dumps(generate()) == FORMS_FILE.read_text(encoding='utf-8'))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "True", out.stderr


@pytest.mark.parametrize("name", list(CNFC_TRACES))
def test_stored_closed_forms_are_the_engines_polynomials(name):
    stored = stored_closed_forms()[name]
    assert stored == sympy_to_poly(cnfc_closed_forms()[name])
    assert len(stored) > 0


@pytest.mark.parametrize("a_law", A_LAWS)
@pytest.mark.parametrize("d, k", [(1, 1), (3, 7), (7, 9), (11, 17), (1000, 999), (1024, 1024), (3072, 1024),
                                  (50, 3)])
def test_stored_r_moments_are_the_limit_laws(a_law, d, k):
    """The same rationals, each rounded once: equal to the last bit (7/9 and 1000/999 once were not)."""
    engine = [float(m) for m in network_r_moments(R_MOMENTS, sympy.Rational(d, k), a_law)]
    assert analytic_r_moments(R_MOMENTS, d, k, a_law) == engine
    assert network_r_moments(3, Fraction(d, k), a_law) == network_r_moments(3, sympy.Rational(d, k), a_law)


def test_r_moments_beyond_the_stored_orders_continue_them():
    from freecalc.quadratic.predict import r_moments

    longer = r_moments("analytic", 1000, 999, order=R_MOMENTS + 1)
    assert list(longer[:R_MOMENTS]) == list(r_moments("analytic", 1000, 999, order=R_MOMENTS))
    assert list(r_moments("analytic", 5, 4, order=0)) == []


def test_stored_r_moments_refuse_what_they_do_not_hold():
    with pytest.raises(ParameterError):
        analytic_r_moments(R_MOMENTS + 1, 4, 4)
    with pytest.raises(ParameterError):
        analytic_r_moments(-1, 4, 4)
    with pytest.raises(ParameterError):
        analytic_r_moments(2, 4, 4, "cauchy")
    with pytest.raises(ParameterError):
        analytic_r_moments(2, 0, 4)


def test_predict_and_the_package_start_without_sympy():
    script = (
        "import sys\n"
        "import freecalc\n"
        "assert 'sympy' not in sys.modules and 'nc_partitions' in dir(freecalc)\n"
        "from freecalc.cli import main\n"
        "sys.argv = ['freecalc', 'predict', '--n', '64', '--d', '64', '--k', '64', '--observe',\n"
        "            '--finite-width']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "print('sympy' in sys.modules)\n"
        "print(len(list(freecalc.nc_partitions(4))))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[-2:] == ["False", "14"]  # no sympy for predict; the lazy public API still works
    assert "freecalc.free" in subprocess.run(
        [sys.executable, "-c", "import freecalc; print(freecalc.free.__name__)"], capture_output=True,
        text=True, timeout=60).stdout
    assert lines[0].startswith("predicted C-NFC")
