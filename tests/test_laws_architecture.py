"""Where ``freecalc.laws`` sits: numbers over the engine, below the applications, without sympy.

The engine (combinatorics, free, gaussian, haar, numeric) never imports ``laws``; ``laws`` never imports the
paper's network, the data sets, the derivations or the command line; importing it loads no sympy.
"""

import subprocess
import sys

from test_architecture import GRAPH, MODULES, in_package, reachable

ENGINE = ("combinatorics", "free", "gaussian", "haar", "numeric")


def test_the_engine_never_imports_laws():
    for name in MODULES:
        if in_package(name, ENGINE):
            assert not [m for m in reachable(name) if in_package(m, ("laws",))], name


def test_laws_import_no_application_and_no_cli():
    for name in MODULES:
        if in_package(name, ("laws",)):
            bad = [m for m in reachable(name) if in_package(m, ("quadratic", "datasets", "derive", "cli"))]
            assert bad == [], (name, bad)
            assert "click" not in GRAPH[name][1]


def test_laws_load_no_sympy():
    code = "import sys, freecalc.laws\nprint('sympy' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
