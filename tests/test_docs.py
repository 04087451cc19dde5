"""The documentation builds warning-free: the API reference of every public name, and the three notebooks
executed at the reduced sizes of ``docs/build.py`` (each writes its plot), in one Sphinx run, offline."""

import importlib.util
import re
import sys
import time
from pathlib import Path

import pytest

import freecalc

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("docs_build", ROOT / "docs" / "build.py")
docs_build = sys.modules.setdefault("docs_build", importlib.util.module_from_spec(_spec))
if not hasattr(docs_build, "build"):
    _spec.loader.exec_module(docs_build)


def test_the_api_page_names_every_public_name_that_imports():
    page = docs_build.api_page()
    missing = {name for name, _ in page.missing}
    assert set(page.documented) | missing == set(freecalc.__all__)
    assert len(page.documented) == len(set(page.documented))
    assert not missing, missing
    for name in page.documented:
        assert re.search(rf"^\.\. auto\w+:: freecalc\.{name}$", page.text, re.M), name


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:The mapping interface for autodoc options")  # inside Sphinx's napoleon
def test_docs_build_warning_free_with_the_notebooks_executed(tmp_path):
    start = time.perf_counter()
    result = docs_build.build(tmp_path / "html", work=tmp_path / "work")
    elapsed = time.perf_counter() - start
    assert result.returncode == 0 and not result.warnings.strip(), result.warnings
    # each notebook wrote its plot (the former tests/test_notebooks.py check, now run once, here)
    plots = {p.name for p in (tmp_path / "work" / "source" / "notebooks").glob("*.png")}
    assert {"trace_words_check.png", "figure3.png", "errata_eq26.png", "errata_proposition8.png"} <= plots
    api = (tmp_path / "html" / "api.html").read_text(encoding="utf-8")
    for name in result.api.documented:  # a function or class, or a subpackage (freecalc.laws)
        assert f'id="freecalc.{name}"' in api or f'id="module-freecalc.{name}"' in api, name
    for notebook in docs_build.NOTEBOOKS:
        page = tmp_path / "html" / "notebooks" / notebook.with_suffix(".html").name
        text = page.read_text(encoding="utf-8")
        assert "arXiv:2402.05271" in text and ": agree" in text, notebook.name  # checks printed their lines
    print(f"docs built in {elapsed:.0f} s (notebooks "
          + ", ".join(f"{k} {v:.0f} s" for k, v in result.notebook_seconds.items())
          + f", sphinx {result.sphinx_seconds:.0f} s); {len(result.api.documented)} public names documented")
