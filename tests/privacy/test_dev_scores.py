"""Redacting must not change measure, status or signal results on the shared dev gold."""

from __future__ import annotations

from pathlib import Path

from pipeline.cli.annotate import annotate
from pipeline.privacy.redact import Redactor, apply_plan
from pipeline.records import read_jsonl
from pipeline.train.evaluate import evaluate


def test_scores_equal_with_and_without_redact(dev_gold: Path, tmp_path: Path) -> None:
    plain_out, red_out = tmp_path / "plain.jsonl", tmp_path / "redacted.jsonl"
    annotate([dev_gold], plain_out)
    annotate([dev_gold], red_out, redact=True)
    gold = {r["id"]: r for r in read_jsonl(dev_gold)}
    plain = {r["id"]: r for r in read_jsonl(plain_out)}
    redacted = {r["id"]: r for r in read_jsonl(red_out)}
    assert plain.keys() == redacted.keys() == gold.keys()

    redactor = Redactor()
    gold_redacted = []
    changed = 0
    for rid, record in plain.items():
        plan = redactor.plan(record)
        changed += bool(plan)
        expected = apply_plan(record, plan)
        assert redacted[rid]["text"] == expected["text"]
        assert redacted[rid]["entities"] == expected["entities"]
        assert [e["text"] for e in redacted[rid]["entities"]] == [e["text"] for e in record["entities"]]
        gold_redacted.append(apply_plan(gold[rid], plan))
    assert changed > 0, "the dev set holds personal data (collar numbers, names): something must change"

    before = evaluate(gold.values(), plain.values())
    after = evaluate(gold_redacted, redacted.values())
    assert after == before
