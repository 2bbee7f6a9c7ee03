"""notebooks/01-explore-corpus.ipynb runs against a store of the fixture corpus and plots."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.store import open_store
from tests.notebooks import run_notebook
from tests.store.corpus import records


def test_explore_notebook_searches_counts_and_plots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "corpus.db"
    with open_store(str(db), create=True) as store:
        store.index_records(records())
    _, outputs = run_notebook("01-explore-corpus.ipynb", tmp_path, monkeypatch, {"VAWG_DB": str(db)})
    printed = "".join(o.get("text", "") for o in outputs)
    assert "6 documents, 15 sentences, 11 mentions, 7 signals" in printed
    assert "2 matching sentences, order: rank" in printed
    assert "The suspect [breached] the DVPO by contacting the victim.  [DVPO:breached]" in printed
    assert "facets over 15 sentences" in printed
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2
