"""`vawg annotate` and `vawg evaluate` end to end (subprocess), records checked against the schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pipeline.paths import CONFIGS

SCHEMA = CONFIGS / "record.schema.json"

INPUT = [
    {"id": "n-1", "text": "Susp RUI'd at 0130. No bail conds considered.", "force": "West"},
    {"id": 42, "text": "DVPN served on him at 1930; he breached the DVPO on Friday."},
    {"id": "n-3", "text": "Nothing relevant in this note."},
    {"id": "n-4", "text": ""},
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args], capture_output=True, text=True, timeout=300
    )


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def annotated(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("annotate")
    src = folder / "notes.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in INPUT) + "not json\n", encoding="utf-8")
    out = folder / "out.jsonl"
    result = run("annotate", str(src), "--out", str(out), "--batch-size", "2")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return read(out)


def test_one_record_per_document_with_ids_kept(annotated: list[dict[str, Any]]) -> None:
    ids = [r["id"] for r in annotated]
    assert ids[:3] == ["n-1", "42", "n-3"]
    assert annotated[0]["meta"]["force"] == "West"


def test_records_match_the_schema(annotated: list[dict[str, Any]]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    for record in annotated:
        jsonschema.validate(record, schema)


def test_mentions_and_statuses_are_found(annotated: list[dict[str, Any]]) -> None:
    first = {(e["label"], e["status"]) for e in annotated[0]["entities"]}
    assert ("RUI", "used") in first and ("BAIL", "not_used") in first
    second = {(e["text"], e["status"]) for e in annotated[1]["entities"]}
    assert second >= {("DVPN", "used"), ("DVPO", "breached")}
    for record in annotated:
        for e in record["entities"]:
            assert record["text"][e["start"] : e["end"]] == e["text"]


def test_folder_of_text_files(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Bail lapsed and was not extended.\n", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("MARAC referral made by PC 12.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("annotate", str(tmp_path / "in"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    records = read(out)
    assert len(records) == 2
    assert {e["status"] for r in records for e in r["entities"]} >= {"ended", "used"}


def test_full_records_are_reannotated_keeping_pages(tmp_path: Path) -> None:
    text = "Page one: DVPN served.\n\nPage two: bail refused."
    src = tmp_path / "records.jsonl"
    record = {
        "id": "r1",
        "text": text,
        "pages": [{"page": 1, "start": 0, "end": 22}, {"page": 2, "start": 24, "end": len(text)}],
        "entities": [{"start": 0, "end": 4, "label": "SPO", "status": "used"}],
        "signals": [{"label": "DELAY"}],
    }
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run("annotate", str(src), "--out", str(out)).returncode == 0
    [got] = read(out)
    assert got["pages"] == record["pages"]
    assert {(e["label"], e["page"]) for e in got["entities"]} == {("DVPN", 1), ("BAIL", 2)}


def test_missing_input_is_one_line_error(tmp_path: Path) -> None:
    result = run("annotate", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o.jsonl"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "no such file" in result.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_evaluate_compares_prediction_files(tmp_path: Path, annotated: list[dict[str, Any]]) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in annotated), encoding="utf-8")
    worse = [dict(r, entities=[dict(e, status="generic") for e in r["entities"]]) for r in annotated]
    pred = tmp_path / "worse.jsonl"
    pred.write_text("".join(json.dumps(r) + "\n" for r in worse), encoding="utf-8")
    result = run("evaluate", str(gold), "--pred", str(gold), "--pred", str(pred), "--json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["gold"]["status_accuracy"] == 1.0
    assert scores["worse"]["status_accuracy"] == 0.0
    table = run("evaluate", str(gold), "--pred", str(pred))
    assert "worse:" in table.stdout and "accuracy 0.000" in table.stdout


@pytest.mark.shared
def test_schema_copy_equals_the_shared_one(shared_dir: Path) -> None:
    shared = json.loads((shared_dir / "spec" / "record.schema.json").read_text(encoding="utf-8"))
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == shared
