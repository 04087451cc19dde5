"""The layout's rules, read from the code with ``ast`` (imports inside functions count too).

No import cycles; the symbolic engine (combinatorics, free, gaussian, haar) imports no numpy, matplotlib or
click; the engine (those and numeric) never imports the paper's network, the data sets or the derivations;
at most six modules directly under ``freecalc/``; no module over 450 lines.
"""

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "freecalc"
SYMBOLIC = ("combinatorics", "free", "gaussian", "haar")
ENGINE = (*SYMBOLIC, "numeric")
APPLICATIONS = ("quadratic", "datasets", "derive")


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


def test_the_command_sets_its_blas_spin_before_numpy_loads(monkeypatch):
    """freecalc.__main__ sets OPENBLAS_THREAD_TIMEOUT (unless the user did) and imports no numpy before."""
    from freecalc import __main__ as entry

    monkeypatch.delenv("OPENBLAS_THREAD_TIMEOUT", raising=False)
    entry.process_settings()
    assert os.environ["OPENBLAS_THREAD_TIMEOUT"] == entry.BLAS_THREAD_TIMEOUT
    monkeypatch.setenv("OPENBLAS_THREAD_TIMEOUT", "20")
    entry.process_settings()
    assert os.environ["OPENBLAS_THREAD_TIMEOUT"] == "20"  # the user's own setting wins
    code = "import sys, freecalc.__main__\nprint('numpy' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    scripts = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["freecalc"] == "freecalc.__main__:main"


def test_the_command_collects_its_own_objects_and_freezes_the_modules():
    """The collector runs during a command; the modules' objects, and at the end the rest, are frozen."""
    code = (
        "import gc, sys, freecalc.cli\n"
        "def command(argv):\n"
        "    print(gc.isenabled(), 'numpy' in sys.modules, gc.get_freeze_count())\n"
        "    sys.garbage_made_by_the_command = [[] for _ in range(1000)]\n"
        "    sys.exit(3)\n"
        "freecalc.cli.main = command\n"
        "import atexit\n"
        "atexit.register(lambda: print(gc.get_freeze_count()))\n"
        "from freecalc.__main__ import main\n"
        "main([])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 3, out.stderr
    (enabled, numpy_loaded, frozen), (frozen_at_exit,) = (line.split() for line in out.stdout.splitlines())
    assert enabled == numpy_loaded == "True" and int(frozen) > 10_000  # the modules' objects
    assert int(frozen_at_exit) > int(frozen) + 900  # and the 1,001 lists the command made, before the exit
