"""The shipped signal model: complete folder, small, meets the dev targets, wired into the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import labels
from pipeline.paths import MODELS
from pipeline.records import read_jsonl
from pipeline.train.signal_eval import SpacySignalModel, predict_records, score_signals
from pipeline.train.splits import load_gold

SHIPPED = MODELS / "signals"


@pytest.fixture(scope="module")
def model() -> SpacySignalModel:
    return SpacySignalModel(SHIPPED)


def test_folder_is_complete_and_small() -> None:
    size = sum(f.stat().st_size for f in SHIPPED.rglob("*") if f.is_file())
    assert size < 8_000_000
    settings = json.loads((SHIPPED / "signals.json").read_text())
    assert set(settings["thresholds"]) == set(labels.signals())
    assert all(0.0 < t < 1.0 for t in settings["thresholds"].values())
    meta = json.loads((SHIPPED / "meta.json").read_text())
    assert meta["vawg"]["training"]["gold_train_sentences"] > 0
    card = (SHIPPED / "MODEL_CARD.md").read_text()
    assert "vawg train signals" in card and "heldout" in card


def test_meets_dev_targets(model: SpacySignalModel, dev_gold: Path) -> None:
    gold = list(read_jsonl(dev_gold))
    result = score_signals(gold, predict_records(model, gold))
    assert result["micro"]["f"] >= 0.80
    assert result["macro_f"] >= 0.70


def test_heldout_gold_floor(model: SpacySignalModel) -> None:
    heldout = load_gold("heldout")
    result = score_signals(heldout, predict_records(model, heldout))
    assert result["micro"]["f"] >= 0.45  # a regression guard, well under the figure in the model card


def test_default_pipeline_gives_signals() -> None:
    import pipeline

    nlp = pipeline.load()
    assert "vawg_signals" in nlp.pipe_names
    doc = nlp("Officers attended at 22:10. The victim was never told that he had been released.")
    group = doc.spans["signals"]
    assert [s.label_ for s in group] == ["VICTIM_NOT_INFORMED"]
    assert group[0].text.startswith("The victim was never told")
    assert len(group.attrs["scores"]) == len(group)


def test_pipeline_meets_dev_targets_as_annotate_runs_it(dev_gold: Path) -> None:
    """The full pipeline in batches (as `vawg annotate`), markers and all, not only the model folder."""
    import pipeline

    gold = list(read_jsonl(dev_gold))
    nlp = pipeline.load()
    docs = nlp.pipe([str(g["text"]) for g in gold], batch_size=64)
    pred = [{"id": g["id"], "signals": [{"label": s.label_} for s in doc.spans["signals"]]}
            for g, doc in zip(gold, docs, strict=True)]
    result = score_signals(gold, pred)
    assert result["micro"]["f"] >= 0.80
    assert result["macro_f"] >= 0.70
