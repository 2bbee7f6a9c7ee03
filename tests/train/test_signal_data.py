"""Sentence examples from records, seeded stratified splits and the datasets export."""

from __future__ import annotations

import datasets
from typer.testing import CliRunner

from pipeline.cli.main import _register, app
from pipeline.records import write_jsonl_atomic
from pipeline.train import data


def test_signal_with_offsets_goes_to_its_sentence() -> None:
    text = "Suspect interviewed at 10:00. Nobody told the victim he was out."
    rec = {"id": "r1", "text": text, "entities": [],
           "signals": [{"label": "VICTIM_NOT_INFORMED", "start": 30, "end": len(text)}]}
    ex = data.record_examples([rec])
    assert [e["text"] for e in ex] == ["Suspect interviewed at 10:00.", "Nobody told the victim he was out."]
    assert [e["labels"] for e in ex] == [[], ["VICTIM_NOT_INFORMED"]]


def test_gold_signal_without_offsets_goes_to_best_evidence() -> None:
    rec = {"id": "g1", "text": "Officers attended at 22:00. The breach was treated as a civil matter.",
           "signals": [{"label": "BREACH_NOT_ACTIONED"}]}
    ex = data.record_examples([rec])
    assert [e["labels"] for e in ex] == [[], ["BREACH_NOT_ACTIONED"]]


def test_gold_signal_without_evidence_goes_to_every_sentence() -> None:
    rec = {"id": "g2", "text": "Crime allocated on Monday. First call to her on Friday week.",
           "signals": [{"label": "DELAY"}]}
    ex = data.record_examples([rec])
    assert [e["labels"] for e in ex] == [["DELAY"], ["DELAY"]]


def test_mentions_are_kept_per_sentence() -> None:
    text = "DVPN served. No MARAC referral."
    rec = {"id": "m", "text": text, "signals": [],
           "entities": [{"start": 0, "end": 4, "label": "DVPN", "status": "used"},
                        {"start": 16, "end": 21, "label": "MARAC", "status": "not_used"}]}
    ex = data.record_examples([rec])
    assert [e["mentions"] for e in ex] == [[["DVPN", "used"]], [["MARAC", "not_used"]]]


def _examples(n: int) -> list[dict]:
    labs = ["DELAY", "NO_REFERRAL", "NONE"]
    return [{"id": str(i), "text": f"sentence {i}", "labels": [] if labs[i % 3] == "NONE" else [labs[i % 3]],
             "source": "t"} for i in range(n)]


def test_split_is_seeded_and_stratified() -> None:
    ds = data.to_dataset(_examples(90))
    tr1, va1 = data.split_dataset(ds, 0.2, seed=3)
    tr2, va2 = data.split_dataset(ds, 0.2, seed=3)
    _, va3 = data.split_dataset(ds, 0.2, seed=4)
    assert va1["id"] == va2["id"] and tr1["id"] == tr2["id"]
    assert sorted(va1["id"]) != sorted(va3["id"])
    assert len(va1) == 18 and len(tr1) == 72
    counts = {k: sum(1 for r in data.rows_of(va1) if (r["labels"] or ["NONE"])[0] == k)
              for k in ("DELAY", "NO_REFERRAL", "NONE")}
    assert counts == {"DELAY": 6, "NO_REFERRAL": 6, "NONE": 6}


def test_load_examples_dataset_reads_jsonl(tmp_path) -> None:
    path = tmp_path / "ex.jsonl"
    write_jsonl_atomic(path, _examples(6))
    ds = data.load_examples_dataset(path)
    assert len(ds) == 6 and ds[1]["labels"] == ["NO_REFERRAL"]


def test_export_datasets_command(tmp_path) -> None:
    records = tmp_path / "records.jsonl"
    write_jsonl_atomic(records, [
        {"id": "a", "text": "No IDVA referral made. Officers left.", "entities": [],
         "signals": [{"label": "NO_REFERRAL", "start": 0, "end": 22}]},
        {"id": "b", "text": "Burglary, no suspects.", "entities": [], "signals": []},
    ])
    _register()
    out = tmp_path / "export"
    result = CliRunner().invoke(app, ["export", "datasets", str(records), "--out", str(out)])
    assert result.exit_code == 0, result.output
    ds = datasets.load_from_disk(str(out / "dataset"))
    assert ds["labels"] == [["NO_REFERRAL"], [], []]
    parquet = datasets.load_dataset("parquet", data_files=str(out / "examples.parquet"), split="train")
    assert parquet["text"] == ds["text"]
