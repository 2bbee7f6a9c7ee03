"""notebooks/03-measures-by-force.ipynb runs on a small store; its pandas tables equal the report's."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.report.corpus import build_report
from pipeline.store import open_store
from tests.notebooks import dev_module, run_notebook

TABLES = [
    "measure_status", "signal_prevalence", "force_summary", "measure_status_by_force",
    "signal_prevalence_by_force", "year_summary", "measure_status_by_year", "signal_prevalence_by_year",
]  # fmt: skip


def _key_columns(columns: list[str]) -> list[str]:
    return [c for c in columns if c in ("measure", "status", "signal", "force", "year")]


def test_notebook_tables_equal_the_report(
    corpus_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pd = dev_module("pandas")
    out = tmp_path / "tables"
    env = {"VAWG_DB": str(corpus_db), "VAWG_NOTEBOOK_OUT": str(out)}
    nb, _ = run_notebook("03-measures-by-force.ipynb", tmp_path, monkeypatch, env)
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
