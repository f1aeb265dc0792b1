"""Every notebook runs top to bottom in a real Jupyter kernel (nbclient, ipykernel's
``python3``), from the repository root, and shows rich output (HTML, LaTeX, Markdown,
images) where it displays models, explanations and plots. Notebooks are committed without
outputs: what a reader sees is what this run produces."""

import os
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest

ROOT = Path(__file__).parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: The rich mime types each notebook must display at least once.
RICH = {
    "reference_case.ipynb": {"text/html", "text/latex", "text/markdown"},
    "transformer_scaling.ipynb": {"text/html", "text/latex", "text/markdown", "image/png"},
    "importing_a_model.ipynb": {"text/html", "text/latex", "text/markdown"},
}
SECONDS_PER_CELL = 120


def test_every_notebook_is_listed():
    assert sorted(p.name for p in NOTEBOOKS) == sorted(RICH)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, \
                f"{path.name}: clear the outputs before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_in_a_kernel(path, monkeypatch):
    # The kernel is this interpreter's (the kernelspec runs `python`), importing symparams
    # from the repository root, with Keras on the torch backend as everywhere here.
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep +
                       os.environ.get("PATH", ""))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=SECONDS_PER_CELL, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()  # raises CellExecutionError, with the cell, on any error
    shown = {mime for cell in notebook.cells if cell.cell_type == "code"
             for output in cell.outputs
             if output.output_type in ("display_data", "execute_result")
             for mime in output.data}
    assert RICH[path.name] <= shown
    errors = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert not errors
