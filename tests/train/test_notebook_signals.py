"""notebooks/02-retrain-signals.ipynb runs end to end on a small slice."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.train.splits import load_gold
from tests.notebooks import run_notebook


def test_retrain_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"VAWG_NB_GENERATED": "200", "VAWG_NB_STEPS": "30", "VAWG_NB_GOLD_ITEMS": "800",
           "VAWG_NB_OUT": str(tmp_path / "models")}
    _, outputs = run_notebook("02-retrain-signals.ipynb", tmp_path, monkeypatch, env, timeout=240)
    printed = "".join(o.get("text", "") for o in outputs)
    assert f"evaluated {len(load_gold('heldout'))} heldout records" in printed
    assert "spacy: micro P=" in printed and "baseline: micro P=" in printed
    assert "labelling function" in printed
    assert (tmp_path / "models" / "signals" / "signals.json").is_file()
