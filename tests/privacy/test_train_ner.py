"""The NER trainer runs end to end on a tiny slice (the shipped model is built by `vawg privacy train`)."""

from __future__ import annotations

from pathlib import Path

import spacy

from pipeline.privacy.detect import PersonalDataFinder
from pipeline.privacy.train_ner import name_free, train


def test_name_free_sentences_hold_no_titled_or_ranked_names() -> None:
    finder = PersonalDataFinder(model_path=None)
    texts = [r["text"] for r in name_free(80, 3)]
    assert len(texts) == 80
    assert not [t for t in texts if any(s.label == "OFFICER" for s in finder.find(t))]


def test_tiny_training_run_saves_a_loadable_model(tmp_path: Path) -> None:
    summary = train(tmp_path / "ner", n=40, epochs=1, negatives=0.25)
    assert summary["sentences"] == 40 and summary["documents"] > 0
    nlp = spacy.load(tmp_path / "ner")
    assert nlp.pipe_names == ["ner"] and "PERSON" in nlp.get_pipe("ner").labels
    finder = PersonalDataFinder(model_path=tmp_path / "ner")
    assert finder.ner is not None
