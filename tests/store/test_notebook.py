"""notebooks/01-explore-corpus.ipynb runs against a store of the fixture corpus and plots."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline.store import open_store
from tests.conftest import _need
from tests.store.corpus import records

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "01-explore-corpus.ipynb"
KERNEL = "vawg-store-test-python"


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        _need(False, f"the {name} package (pip install -e '.[dev]')")


def test_explore_notebook_searches_counts_and_plots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat, nbclient, _ = (_module(m) for m in ("nbformat", "nbclient", "ipykernel"))
    db = tmp_path / "corpus.db"
    with open_store(str(db), create=True) as store:
        store.index_records(records())
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "t", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("VAWG_DB", str(db))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(
        nb, kernel_name=KERNEL, timeout=120, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    printed = "".join(o.get("text", "") for o in outputs)
    assert "6 documents, 15 sentences, 11 mentions, 7 signals" in printed
    assert "2 matching sentences, order: rank" in printed
    assert "The suspect [breached] the DVPO by contacting the victim.  [DVPO:breached]" in printed
    assert "facets over 15 sentences" in printed
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2
