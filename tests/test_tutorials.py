"""The tutorials (docs/tutorials/*.ipynb) run from top to bottom, so they cannot rot.

Each notebook is executed by a fresh Jupyter kernel (nbclient, as `mkdocs build` does when it
renders the site) in a temporary folder; a cell that raises fails the test with the cell and
its traceback. The notebooks are stored without outputs (the site shows them executed), and
each must stay quick: the whole notebook under a minute on two shared cores.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

TUTORIALS = sorted((Path(__file__).resolve().parents[1] / "docs" / "tutorials").glob("*.ipynb"))
BUDGET_S = 60  # per notebook, kernel start included


def _read(path: Path):
    import nbformat

    return nbformat.read(path, as_version=4)


def test_there_are_tutorials_and_they_are_stored_without_outputs() -> None:
    assert len(TUTORIALS) >= 3, TUTORIALS
    for path in TUTORIALS:
        for cell in _read(path).cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, (
                    f"{path.name}: clear the outputs before committing (the site executes it)"
                )


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_tutorial_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # jupyter_core warns (DeprecationWarning) unless told to use the platform's folders; the
    # kernel's own runtime files go into the test's folder.
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    from nbclient import NotebookClient

    notebook = _read(path)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    started = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - started
    assert elapsed < BUDGET_S, f"{path.name} took {elapsed:.0f} s (budget {BUDGET_S} s)"
