"""evaluate(): hand-checked counts on small records, and agreement with the shared scorer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline.train.evaluate import compare, evaluate, format_comparison, format_table, overlap_pairs


def ent(start: int, end: int, label: str, status: str = "used") -> dict[str, Any]:
    return {"start": start, "end": end, "label": label, "status": status}


def rec(rid: str, entities: list[dict[str, Any]], signals: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    return {"id": rid, "text": "x" * 100, "entities": entities, "signals": [{"label": s} for s in signals]}


GOLD = [
    rec("a", [ent(0, 4, "DVPN", "used"), ent(10, 20, "BAIL", "not_used")], ["RELEASED_WITHOUT_CONDITIONS"]),
    rec("b", [ent(5, 9, "DVPO", "breached")], ["BREACH_NOT_ACTIONED", "DELAY"]),
    rec("c", [ent(0, 4, "MARAC", "used")]),
]
PRED = [
    # DVPN exact; BAIL overlapping but not exact, wrong status; one spurious IDVA
    rec(
        "a",
        [ent(0, 4, "DVPN", "used"), ent(10, 16, "BAIL", "used"), ent(30, 34, "IDVA")],
        ["RELEASED_WITHOUT_CONDITIONS", "DELAY"],
    ),
    rec("b", [ent(5, 9, "DVPO", "breached")], ["BREACH_NOT_ACTIONED"]),
    # record c missing: its MARAC is a false negative
]


def test_strict_and_overlap_counts() -> None:
    r = evaluate(GOLD, PRED)
    strict, overlap = r["entities_strict"], r["entities_overlap"]
    assert strict["per_label"]["BAIL"] == {"p": 0.0, "r": 0.0, "f": 0.0, "tp": 0, "fp": 1, "fn": 1}
    assert overlap["per_label"]["BAIL"]["tp"] == 1
    assert overlap["micro"]["tp"] == 3 and overlap["micro"]["fp"] == 1 and overlap["micro"]["fn"] == 1
    assert overlap["micro"]["p"] == 0.75 and overlap["micro"]["r"] == 0.75
    assert r["missing_records"] == 1 and r["records"] == 3


def test_status_accuracy_and_confusion() -> None:
    r = evaluate(GOLD, PRED)
    assert r["status_pairs"] == 3
    assert r["status_accuracy"] == round(2 / 3, 4)
    assert r["status_confusion"] == {"not_used->used": 1}
    assert r["status_matrix"]["breached->breached"] == 1
    assert r["status_per_label"]["not_used"]["r"] == 0.0


def test_signals_are_record_level_sets() -> None:
    r = evaluate(GOLD, PRED)
    per = r["signals"]["per_label"]
    assert per["DELAY"]["fp"] == 1 and per["DELAY"]["fn"] == 1
    assert per["RELEASED_WITHOUT_CONDITIONS"]["f"] == 1.0
    assert r["signals"]["micro"]["tp"] == 2


def test_min_score_drops_weak_signals() -> None:
    pred = [{"id": "x", "entities": [], "signals": [{"label": "DELAY", "score": 0.2}]}]
    gold = [rec("x", [], ["DELAY"])]
    assert evaluate(gold, pred)["signals"]["micro"]["tp"] == 1
    assert evaluate(gold, pred, min_score=0.5)["signals"]["micro"]["tp"] == 0


def test_overlap_matching_is_one_to_one_and_prefers_the_larger_overlap() -> None:
    gold = [ent(0, 10, "BAIL"), ent(12, 20, "BAIL")]
    pred = [ent(8, 18, "BAIL"), ent(0, 5, "BAIL")]
    # gold 0 overlaps pred 0 by 2 and pred 1 by 5: it takes pred 1; gold 1 then takes pred 0
    assert overlap_pairs(gold, pred) == [(0, 1), (1, 0)]
    assert overlap_pairs([ent(0, 4, "DVPN")], [ent(0, 4, "DVPO")]) == []


def test_tables_name_every_label_and_model() -> None:
    r = evaluate(GOLD, PRED)
    table = format_table(r)
    for word in ("DVPN", "BAIL", "BREACH_NOT_ACTIONED", "not_used", "micro", "accuracy 0.667"):
        assert word in table
    both = format_comparison(compare(GOLD, {"rules": PRED, "perfect": GOLD}))
    assert "rules" in both and "perfect" in both
    assert "1.000" in both and "0.750" in both


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _drop_extras(ours: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ours.items() if k not in ("status_matrix", "status_per_label")}


@pytest.mark.shared
def test_agrees_with_the_shared_scorer(shared_dir: Path, dev_gold: Path, tmp_path: Path) -> None:
    """Perturbed predictions of the dev set: our figures equal score.py's, key for key."""
    gold = [json.loads(line) for line in dev_gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    pred = json.loads(json.dumps(gold))
    for i, r in enumerate(pred):
        for e in r["entities"]:
            if i % 3 == 0:
                e["end"] += 1  # overlap but not strict
            if i % 4 == 0:
                e["status"] = "generic"
            if i % 7 == 0:
                e["label"] = "DASH"
        if i % 5 == 0:
            r["signals"] = [{"label": "DELAY", "score": 0.3}]
    pred = [r for i, r in enumerate(pred) if i % 11 != 5]  # some records missing
    gold_file, pred_file = _write(tmp_path / "gold.jsonl", gold), _write(tmp_path / "pred.jsonl", pred)
    for min_score in (0.0, 0.5):
        out = subprocess.run(
            [
                sys.executable,
                str(shared_dir / "eval" / "score.py"),
                str(gold_file),
                str(pred_file),
                "--json",
                "--min-score",
                str(min_score),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        theirs = json.loads(out.stdout)
        ours = _drop_extras(evaluate(gold, pred, min_score))
        assert ours == theirs
