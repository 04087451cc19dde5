"""Build the HTML documentation: the API reference and the three notebooks, executed, in one Sphinx run.

``python docs/build.py --out docs/_build/html`` copies ``docs/`` to a temporary folder, writes the API page
there from ``freecalc.__all__`` (a name that does not import, such as a subpackage not yet present, is left
out with a note), executes each notebook of ``notebooks/`` into it at the reduced sizes of :data:`REDUCED`
(a cell injected after the notebook's ``parameters`` cell, as papermill does; ``--full`` keeps the
notebook's own sizes), and runs ``sphinx-build -W --keep-going -b html`` on the copy: every warning is an
error. Nothing is fetched from the network and nothing is written outside ``--out`` and the temporary
folder. The test suite runs the same build (``tests/test_docs.py``).
"""

from __future__ import annotations

import argparse
import inspect
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# Sizes at which the suite and the docs run the notebooks (each notebook's parameters cell gives its own).
REDUCED = {
    "01_trace_words.ipynb": "DIM = 200\nROTATIONS = 4",
    "02_cnfc_prediction.ipynb": "SIZE = 160\nBALANCES = 5\nSEEDS = 2",
    "03_errata.ipynb": "DIM = 200\nROTATIONS = 4\nSAMPLES = 200_000",
}

# The API page, by subject: public name -> section. Names of ``freecalc.__all__`` missing here go to
# "Other names"; the result classes are returned by the functions above and documented beside them.
SECTIONS = {
    "Closed forms": ["expand", "covariance", "parse", "Families", "Trace", "Cumulant", "BASES", "GROUPS"],
    "Checks and predictions": ["check", "predict"],
    "Laws": ["laws"],
    "Moments, cumulants and transforms": ["moments_to_cumulants", "cumulants_to_moments",
                                          "moment_to_cumulants", "cumulant_to_moments",
                                          "r_transform_series", "s_transform_series"],
    "Combinatorics": ["nc_partitions", "NCPartition", "kreweras_complement", "moebius", "catalan",
                      "narayana"],
    "Errors": ["FreecalcError", "ParseError", "FamilyError", "ParameterError", "MatrixError", "DataError",
               "WorkLimitError"],
}
RESULTS = {  # section -> result classes (module, name) documented with their members
    "Closed forms": [("freecalc.numeric.fluctuations", "Covariance")],
    "Checks and predictions": [("freecalc.numeric.montecarlo", "CheckResult"),
                               ("freecalc.quadratic.workflow", "PredictionRecord")],
}
# Documented modules, after the flat API, with their members or (False) their docstring alone: the choices
# of the alignment-reversing construction, which the notebooks refer to, are in its module docstring; its
# function, whose name the module shares, is listed with freecalc.datasets.
HELPERS = {"freecalc.testing": True, "freecalc.datasets": True,
           "freecalc.datasets.alignment_reversing": False}


@dataclass(frozen=True)
class ApiPage:
    """The API page's reStructuredText, the public names it documents and those it left out (with why)."""

    text: str
    documented: tuple[str, ...]
    missing: tuple[tuple[str, str], ...]


def _directive(name: str, value) -> str:
    if inspect.ismodule(value):
        return f".. automodule:: {value.__name__}\n   :members:\n"
    if inspect.isclass(value):
        members = "   :members:\n" if issubclass(value, Exception) is False and _own_class(value) else ""
        return f".. autoclass:: freecalc.{name}\n{members}"
    if callable(value):
        return f".. autofunction:: freecalc.{name}\n"
    return f".. autodata:: freecalc.{name}\n"


def _own_class(cls) -> bool:
    """A class of freecalc's own (its members documented), not a subclass of a sympy object."""
    return all(base.__module__.startswith(("freecalc", "builtins", "abc", "typing")) for base in cls.__mro__)


def api_page() -> ApiPage:
    """The API page for every name of ``freecalc.__all__`` that imports, grouped by subject."""
    import freecalc

    public = list(freecalc.__all__)
    placed = {name for names in SECTIONS.values() for name in names}
    sections = dict(SECTIONS)
    sections["Other names"] = [name for name in public if name not in placed]
    lines = ["API reference", "=============", "",
             "Every public name of ``freecalc`` (``freecalc.__all__``), then the helpers of "
             ":mod:`freecalc.testing` and the data sets of :mod:`freecalc.datasets` (with the construction "
             "of the alignment-reversing data).", ""]
    documented, missing = [], []
    for title, names in sections.items():
        present = []
        for name in names:
            if name not in public:
                continue
            try:
                present.append((name, getattr(freecalc, name)))
            except (AttributeError, ImportError) as error:
                missing.append((name, f"{type(error).__name__}: {error}"))
        results = RESULTS.get(title, [])
        if not present and not results:
            continue
        lines += [title, "-" * len(title), ""]
        for name, value in present:
            lines.append(_directive(name, value))
            documented.append(name)
        for module, cls in results:
            lines.append(f".. autoclass:: {module}.{cls}\n   :members:\n")
    if missing:
        lines += [".. note::", "", "   Not present in this version: "
                  + ", ".join(f"``{name}``" for name, _ in missing) + ".", ""]
    for module, members in HELPERS.items():
        title = f"``{module}``"
        lines += [title, "-" * len(title), "", f".. automodule:: {module}",
                  "   :members:" if members else "   :no-index:", ""]
    return ApiPage("\n".join(lines) + "\n", tuple(documented), tuple(missing))


def execute_notebook(path: Path, out_dir: Path, *, reduced: bool = True, timeout: int = 300):
    """Run a notebook top to bottom in ``out_dir`` (its files, e.g. plots, land there); return it executed.

    With ``reduced``, a cell setting :data:`REDUCED`'s sizes and ``OUT_DIR = out_dir`` is injected after the
    ``parameters``-tagged cell (and kept in the returned notebook, so that the page shows the sizes used).
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    index = next(i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", []))
    sizes = REDUCED[path.name] + "\n" if reduced else ""
    cell = nbformat.v4.new_code_cell(f"# Injected: reduced sizes for the documentation and the test suite.\n"
                                     f"{sizes}OUT_DIR = {str(out_dir)!r}")
    cell.metadata["tags"] = ["injected-parameters"]
    notebook.cells.insert(index + 1, cell)
    resources = {"metadata": {"path": str(out_dir)}}
    NotebookClient(notebook, timeout=timeout, kernel_name="python3", resources=resources).execute()
    return notebook


@dataclass(frozen=True)
class Build:
    """What a build did: its output folder, Sphinx's warnings, the API page and the seconds each step took."""

    html: Path
    returncode: int
    warnings: str
    api: ApiPage
    notebook_seconds: dict
    sphinx_seconds: float


def build(out: Path, *, work: Path | None = None, reduced: bool = True) -> Build:
    """Execute the notebooks into a copy of ``docs/`` under ``work`` and build its HTML into ``out``."""
    import nbformat
    from sphinx.cmd.build import build_main

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(work or scratch)
        source = work / "source"
        shutil.copytree(DOCS, source, ignore=shutil.ignore_patterns("_build", "__pycache__"))
        api = api_page()
        (source / "api.rst").write_text(api.text, encoding="utf-8")
        notebook_dir = source / "notebooks"
        notebook_dir.mkdir(exist_ok=True)
        seconds = {}
        for path in NOTEBOOKS:
            start = time.perf_counter()
            executed = execute_notebook(path, notebook_dir, reduced=reduced)
            nbformat.write(executed, notebook_dir / path.name)
            seconds[path.name] = time.perf_counter() - start
        warnings = work / "warnings.txt"
        start = time.perf_counter()
        code = build_main(["-W", "--keep-going", "-q", "-w", str(warnings), "-b", "html",
                           "-d", str(work / "doctrees"), str(source), str(out)])
        elapsed = time.perf_counter() - start
        return Build(Path(out), code, warnings.read_text(encoding="utf-8"), api, seconds, elapsed)


def main(argv: list[str] | None = None) -> int:
    """``python docs/build.py [--out DIR] [--full]``: build, print the times and Sphinx's warnings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS / "_build" / "html")
    parser.add_argument("--full", action="store_true", help="run the notebooks at their own (full) sizes")
    args = parser.parse_args(argv)
    result = build(args.out, reduced=not args.full)
    for name, secs in result.notebook_seconds.items():
        print(f"executed {name} in {secs:.1f} s")
    missing = ", ".join(name for name, _ in result.api.missing)
    print(f"sphinx-build in {result.sphinx_seconds:.1f} s; {len(result.api.documented)} public names "
          f"documented" + (f"; left out: {missing}" if missing else ""))
    print(f"{'built' if result.returncode == 0 else 'FAILED'}: {result.html / 'index.html'}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
