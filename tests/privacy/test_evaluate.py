"""The generated evaluation set: per-type figures, the hidden-style name check, mentions kept.

Uses the shipped name NER (`models/personal_data/`); the evaluation split has its own templates
and name lists, never seen in training.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.privacy.detect import default_finder
from pipeline.privacy.evaluate import evaluate, leaks, score
from pipeline.privacy.redact import Redactor
from pipeline.privacy.rules import PiiSpan
from pipeline.train.pii_generate import generate, templates

N = 500


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate(N)


def test_splits_share_no_templates_or_names() -> None:
    assert not set(templates("train")) & set(templates("eval"))
    train_names = {
        w for ex in generate("train", 400) for s, e in ex["names"] for w in ex["text"][s:e].split()
    }
    eval_names = {w for ex in generate("eval", 400) for s, e in ex["names"] for w in ex["text"][s:e].split()}
    assert train_names and eval_names and not train_names & eval_names


def test_generated_set_is_large_and_gold_matches_text() -> None:
    examples = list(generate("eval", N))
    assert len(examples) >= 500
    for ex in examples:
        for span in ex["spans"]:
            assert ex["text"][span["start"] : span["end"]] == span["text"]


def test_recall_and_precision_per_type(result: dict[str, Any]) -> None:
    rows = result["rows"]
    assert result["sentences"] == N
    for label in ("POSTCODE", "PHONE", "NI_NUMBER", "EMAIL", "REFERENCE", "VEHICLE_REG"):
        assert rows[label]["gold"] > 20, label
        assert rows[label]["r"] >= 0.98, (label, rows[label])
    assert rows["names"]["r"] >= 0.90, rows["names"]
    for label, row in rows.items():
        assert row["p"] >= 0.90, (label, row)


def test_no_gold_name_survives_redaction(result: dict[str, Any]) -> None:
    assert result["leaks"] == []


def test_scorer_counts_misses_and_false_hits() -> None:
    ex = {"text": "Call 07700 900123 now", "spans": [{"start": 5, "end": 17, "label": "PHONE"}]}
    rows = score([ex], lambda text: [PiiSpan(0, 4, "PHONE")])["rows"]
    assert (rows["PHONE"]["tp"], rows["PHONE"]["fp"], rows["PHONE"]["fn"]) == (0, 1, 1)
    assert leaks([{"id": "x", "text": "Ann Lee", "names": [[0, 7]]}], lambda ex: "Person-1 Lee") == [
        ("x", "Lee")
    ]


def test_measure_mentions_survive_redaction() -> None:
    import pipeline
    from pipeline.nlp.convert import doc_to_record

    nlp = pipeline.load()
    redactor = Redactor(finder=default_finder())
    texts = [ex["text"] for ex in generate("eval", 200)]
    kept = 0
    for doc in nlp.pipe(texts):
        record = doc_to_record(doc)
        out = redactor.redact(record)
        assert [(e["label"], e["status"], e["text"]) for e in out["entities"]] == [
            (e["label"], e["status"], e["text"]) for e in record["entities"]
        ]
        for ent in out["entities"]:
            assert out["text"][ent["start"] : ent["end"]] == ent["text"]
        kept += len(record["entities"])
    assert kept > 50
