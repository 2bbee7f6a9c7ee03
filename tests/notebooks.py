"""Run a notebook of `notebooks/` in a kernel of this interpreter (so it imports this checkout)."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import _need

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "vawg-tests-python"


def dev_module(name: str) -> Any:
    """Import a dev dependency: skip with a reason where missing, fail in CI."""
    try:
        return importlib.import_module(name)
    except ImportError:
        _need(False, f"the {name} package (pip install -e '.[dev]')")


def run_notebook(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], timeout: int = 120
) -> tuple[Any, list[dict[str, Any]]]:
    """Execute notebooks/`name` with `env` set; return the notebook and its code-cell outputs."""
    nbformat, nbclient, _ = (dev_module(m) for m in ("nbformat", "nbclient", "ipykernel"))
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "vawg tests", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    nbclient.NotebookClient(
        nb, kernel_name=KERNEL, timeout=timeout, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    return nb, outputs
