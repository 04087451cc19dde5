"""The notebooks as files: outputs stripped, a ``parameters`` cell with reduced sizes for the suite, the
public API only, the paper cited by its arXiv id, and checks that print what they compare. They are executed
(at the reduced sizes, each writing its plot) by the documentation build, ``tests/test_docs.py``."""

import re
from pathlib import Path

import nbformat
import pytest
from test_docs import docs_build

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]


def test_every_notebook_has_reduced_parameters():
    assert {p.name for p in NOTEBOOKS} == set(docs_build.REDUCED)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_valid_stripped_and_uses_the_public_api(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1
    assert all(not c.outputs and c.execution_count is None for c in code), "outputs are not stripped"
    source = "\n".join(c.source for c in notebook.cells)
    assert "arXiv:2402.05271" in source
    imports = re.findall(r"^\s*(?:from|import)\s+(freecalc[\w.]*)", source, re.M)
    assert imports and set(imports) <= {"freecalc", "freecalc.testing", "freecalc.datasets"}, imports
    assert not re.search(r"^\s*assert\b", "\n".join(c.source for c in code), re.M), "bare assert"
    assert "report_" in source  # checks through freecalc.testing helpers that print what they compared
