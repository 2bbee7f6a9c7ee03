"""notebooks/02-retrain-signals.ipynb runs end to end on a small slice."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline.train.splits import load_gold
from tests.conftest import _need

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "02-retrain-signals.ipynb"
KERNEL = "vawg-signals-test-python"


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        _need(False, f"the {name} package (pip install -e '.[dev]')")


def test_retrain_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat, nbclient, _ = (_module(m) for m in ("nbformat", "nbclient", "ipykernel"))
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "t", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("VAWG_NB_GENERATED", "200")
    monkeypatch.setenv("VAWG_NB_STEPS", "30")
    monkeypatch.setenv("VAWG_NB_OUT", str(tmp_path / "models"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name=KERNEL, timeout=240,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    printed = "".join(o.get("text", "") for o in outputs)
    assert f"evaluated {len(load_gold('heldout'))} heldout records" in printed
    assert "spacy: micro P=" in printed and "baseline: micro P=" in printed
    assert "labelling function" in printed
    assert (tmp_path / "models" / "signals" / "signals.json").is_file()
