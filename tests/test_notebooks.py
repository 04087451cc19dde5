"""The notebooks run top to bottom at reduced sizes (a cell injected after their parameter cell, as
papermill does) and write their plots."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
REDUCED = {
    "01_trace_words.ipynb": "DIM = 200\nROTATIONS = 4",
    "02_cnfc_prediction.ipynb": "SIZE = 160\nBALANCES = 5\nSEEDS = 2",
    "03_errata.ipynb": "DIM = 200\nROTATIONS = 4\nSAMPLES = 200_000",
}


def test_every_notebook_has_reduced_parameters():
    assert {p.name for p in NOTEBOOKS} == set(REDUCED)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_writes_png(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    index = next(i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", []))
    overrides = f"{REDUCED[path.name]}\nOUT_DIR = {str(tmp_path)!r}"
    notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(overrides))
    resources = {"metadata": {"path": str(tmp_path)}}
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources=resources).execute()
    assert list(tmp_path.glob("*.png")), "the notebook wrote no plot"
