"""`vawg privacy` and `--redact` on the command line."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import typer
from typer.testing import CliRunner

from pipeline.cli import export, privacy

app = typer.Typer()
privacy.register(app)
export.register(app)
RUNNER = CliRunner()
RECORD = {
    "id": "n1",
    "text": "DVPN served by DS Patel on Mrs Ahmed, 07700 900123.",
    "entities": [{"start": 0, "end": 4, "label": "DVPN", "status": "used", "text": "DVPN"}],
    "signals": [],
}


def test_keygen_redact_and_export(tmp_path: Path) -> None:
    key = tmp_path / "study.key"
    assert RUNNER.invoke(app, ["privacy", "keygen", str(key)]).exit_code == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps(RECORD) + "\n")
    result = RUNNER.invoke(app, ["privacy", "redact", str(src), "--out", str(out), "--key-file", str(key)])
    assert result.exit_code == 0, result.output
    text = json.loads(out.read_text())["text"]
    assert text.startswith("DVPN served by DS Officer-") and "Patel" not in text and "07700" not in text
    tasks = tmp_path / "tasks.jsonl"
    result = RUNNER.invoke(app, ["export", "--redact", "prodigy", str(src), "--out", str(tasks)])
    assert result.exit_code == 0, result.output
    assert "Patel" not in tasks.read_text() and "Officer-1" in tasks.read_text()


def test_bad_key_file_is_a_one_line_error(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(RECORD) + "\n")
    missing = tmp_path / "nope.key"
    result = RUNNER.invoke(
        app, ["privacy", "redact", str(src), "--out", str(tmp_path / "o"), "--key-file", str(missing)]
    )
    assert result.exit_code != 0
    assert not (tmp_path / "o").exists()


def test_evaluate_prints_a_table_per_type() -> None:
    result = RUNNER.invoke(app, ["privacy", "evaluate", "--n", "40"])
    assert result.exit_code == 0, result.output
    for label in ("PERSON", "OFFICER", "POSTCODE", "PHONE", "NI_NUMBER", "EMAIL", "REFERENCE", "VEHICLE_REG"):
        assert f"\n{label} " in result.output


def test_plans_are_found_once(tmp_path: Path) -> None:
    from pipeline.store import open_store

    db = str(tmp_path / "corpus.db")
    with open_store(db, create=True) as store:
        assert store.index_records([{**RECORD, "meta": {}}]).failed == 0
    first = RUNNER.invoke(app, ["privacy", "plans", "--db", db])
    assert first.exit_code == 0, first.output
    assert "1 plans found, 0 already kept (1 documents)" in first.output
    again = RUNNER.invoke(app, ["privacy", "plans", "--db", db])
    assert "0 plans found, 1 already kept" in again.output
    with open_store(db) as store:
        (plan,) = store.query("SELECT plan FROM privacy_plans")[0]
    assert "Patel" not in plan and "Ahmed" not in plan and "Officer-1" in plan  # pseudonyms, no originals
