"""notebooks/03-measures-by-force.ipynb runs on a small store; its pandas tables equal the report's."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline.report.corpus import build_report
from pipeline.store import open_store
from tests.conftest import _need

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "03-measures-by-force.ipynb"
TABLES = [
    "measure_status", "signal_prevalence", "force_summary", "measure_status_by_force",
    "signal_prevalence_by_force", "year_summary", "measure_status_by_year", "signal_prevalence_by_year",
]  # fmt: skip
KERNEL = "vawg-test-python"


def _kernel_spec(data_dir: Path) -> None:
    """A kernel spec that runs this interpreter, so the notebook imports this checkout's pipeline."""
    spec = data_dir / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "vawg tests", "language": "python"}), encoding="utf-8"
    )


def _module(name: str) -> Any:
    """Import a dev dependency: skip with a reason where missing, fail in CI."""
    try:
        return importlib.import_module(name)
    except ImportError:
        _need(False, f"the {name} package (pip install -e '.[dev]')")


def _key_columns(columns: list[str]) -> list[str]:
    return [c for c in columns if c in ("measure", "status", "signal", "force", "year")]


def test_notebook_tables_equal_the_report(
    corpus_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pd, nbformat, nbclient, _ = (_module(m) for m in ("pandas", "nbformat", "nbclient", "ipykernel"))

    _kernel_spec(tmp_path / "jupyter")
    out = tmp_path / "tables"
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("VAWG_DB", str(corpus_db))
    monkeypatch.setenv("VAWG_NOTEBOOK_OUT", str(out))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name=KERNEL, timeout=120, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    printed = "".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )
    assert "4 documents, 13 sentences, 8 mentions, 8 signals" in printed
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert images >= 4  # every plot cell drew its figure

    with open_store(str(corpus_db)) as store:
        report = build_report(store)
    for name in TABLES:
        table = report.tables[name]
        expected = pd.DataFrame(table.rows, columns=table.columns)
        got = pd.read_csv(out / f"{name}.csv", dtype={"year": str, "force": str})
        assert list(got.columns) == table.columns, name
        keys = _key_columns(table.columns)
        expected = expected.sort_values(keys).reset_index(drop=True)
        got = got.sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, atol=0.006, obj=name)
