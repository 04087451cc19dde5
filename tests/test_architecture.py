"""The layout's rules, read from the code with ``ast`` (imports inside functions count too).

No import cycles; the symbolic engine (combinatorics, free, gaussian, haar) imports no numpy, matplotlib or
click; the engine (those and numeric) never imports the paper's network, the MLPs, the data sets or the
derivations; the MLPs (networks) import the engine, the data sets and quadratic.correlation only;
at most six modules directly under ``freecalc/``; no module over 450 lines.
"""

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "freecalc"
SYMBOLIC = ("combinatorics", "free", "gaussian", "haar")
ENGINE = (*SYMBOLIC, "numeric")
APPLICATIONS = ("quadratic", "datasets", "derive", "networks")


def module_name(path: Path) -> str:
    parts = ["freecalc", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(name: str) -> tuple[set[str], set[str]]:
    """Internal modules and external top-level packages imported anywhere in a module."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    internal, external = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                (internal if alias.name.startswith("freecalc") else external).add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            if not target.startswith("freecalc"):
                external.add(target.split(".")[0])
                continue
            for alias in node.names:  # `from . import poly` imports a module
                candidate = f"{target}.{alias.name}"
                internal.add(candidate if candidate in MODULES else target)
    internal = {m for m in internal if m in MODULES and m != name}
    return internal, {e.split(".")[0] for e in external}


GRAPH = {name: imports_of(name) for name in MODULES}


def reachable(name: str) -> set[str]:
    seen, todo = set(), [name]
    while todo:
        for nxt in GRAPH[todo.pop()][0]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def in_package(module: str, packages) -> bool:
    return any(module == f"freecalc.{p}" or module.startswith(f"freecalc.{p}.") for p in packages)


def test_the_graph_is_read():
    assert "freecalc.free.mixed_moments" in GRAPH["freecalc.free.interpret"][0]
    assert "numpy" in GRAPH["freecalc.numeric.evaluate"][1]
    assert len(MODULES) > 30


def test_no_import_cycles():
    cycles = [name for name in MODULES if name in reachable(name)]
    assert cycles == [], cycles


def test_symbolic_engine_imports_no_numpy_matplotlib_or_click():
    for name in MODULES:
        if in_package(name, SYMBOLIC):
            external = set().union(*(GRAPH[m][1] for m in reachable(name) | {name}))
            assert not external & {"numpy", "matplotlib", "click", "mpmath", "tqdm"}, (name, external)


def test_engine_never_imports_applications():
    for name in MODULES:
        if in_package(name, ENGINE):
            bad = [m for m in reachable(name) if in_package(m, APPLICATIONS)]
            assert bad == [], (name, bad)


def test_networks_sit_on_the_engine_and_nothing_below_imports_them():
    """networks may use the engine, the data sets and quadratic.correlation; those never import networks."""
    for name in MODULES:
        if in_package(name, ("networks",)):
            bad = [m for m in GRAPH[name][0] if in_package(m, ("quadratic", "derive", "cli"))
                   and m != "freecalc.quadratic.correlation"]
            assert bad == [], (name, bad)
        elif in_package(name, (*ENGINE, "quadratic", "datasets")):
            assert not any(in_package(m, ("networks",)) for m in reachable(name)), name


def test_at_most_six_top_level_modules_and_none_too_long():
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top) <= 6, top
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 450}
    assert long == {}, long


def test_symbolic_engine_imports_no_numpy_at_run_time():
    symbolic = [m for m in MODULES if in_package(m, SYMBOLIC)]
    code = (
        "import sys\n"
        f"for m in {symbolic!r}: __import__(m)\n"
        "bad = [m for m in ('numpy', 'matplotlib', 'click', 'freecalc.numeric') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", out.stdout


def test_the_command_is_the_cli_and_loads_numpy_only_when_it_runs():
    """``freecalc`` is ``freecalc.__main__:main``, whose import loads no numpy (a fast ``--help``)."""
    code = "import sys, freecalc.__main__\nprint('numpy' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    scripts = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["freecalc"] == "freecalc.__main__:main"


PROCESS_TRICKS = re.compile(r"ctypes|gc\.(freeze|disable)|OPENBLAS|/proc\b|ThreadPoolExecutor|"
                            r"threading\.Thread")


def test_the_package_sets_nothing_of_the_process_and_runs_no_threads_of_its_own():
    """Plain numerics: no ctypes, no collector or BLAS settings, no /proc, no thread pools of our own."""
    found = [f"{name}:{number}: {line.strip()}" for name, path in MODULES.items()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if PROCESS_TRICKS.search(line)]
    assert found == [], found
