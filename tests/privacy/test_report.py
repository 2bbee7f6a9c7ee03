"""`vawg report --redact`: corpus reports and chronologies hold no names, ids included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from pipeline.cli import report as report_cli
from pipeline.privacy.pseudonym import pseudonymous_id, write_key
from pipeline.privacy.redact import RedactOptions
from pipeline.privacy.text import PATH_WITHHELD, redact_corpus_report, withhold_paths
from pipeline.report.corpus import CorpusReport
from pipeline.report.tables import Coverage, Table
from pipeline.store import Filters, open_store

app = typer.Typer()
report_cli.register(app)
app.command("noop")(lambda: None)  # a second command keeps `report` a subcommand
RUNNER = CliRunner()
# ids made from file names, as `vawg ingest` makes them; text naming victim, suspect and officer
DOCS = {
    "Amira-Khan-statement-0f1e2d3c": (
        "On 12/04/2022 DS Patel served a DVPN on Tariq Shah.\n\n"
        "Tariq Shah breached the DVPN the next day and Amira Khan was not told."
    ),
    "Shah-custody-record-9a8b7c6d": (
        "On 14/04/2022 Tariq Shah was bailed. No DASH was completed by PC 2231 Hughes."
    ),
}
GOLD = ("Amira", "Khan", "Tariq", "Shah", "Patel", "Hughes")
MEASURES = {"DVPN": "used", "bailed": "used", "DASH": "not_used"}


def _record(doc_id: str, text: str) -> dict[str, object]:
    entities, signals, pos = [], [], 0
    for surface, status in MEASURES.items():
        label = "BAIL" if surface == "bailed" else surface
        start = text.find(surface)
        while start >= 0:
            entities.append({"start": start, "end": start + len(surface), "label": label, "status": status})
            start = text.find(surface, start + 1)
    for sentence in text.replace("\n\n", " ").split(". "):
        pos = text.index(sentence.split()[0], pos)
        if "breached" in sentence or "No DASH" in sentence:
            label = "BREACH_NOT_ACTIONED" if "breached" in sentence else "RISK_NOT_ASSESSED"
            signals.append({"label": label, "start": pos, "end": pos + len(sentence)})
    for e in entities:
        e["text"] = text[int(e["start"]) : int(e["end"])]  # type: ignore[call-overload]
    meta = {"force": "Kent", "date": "2022-04-20", "document_type": "case_file", "reader": "pdf"}
    return {"id": doc_id, "text": text, "meta": meta, "entities": entities, "signals": signals}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("named") / "corpus.db"
    with open_store(str(path), create=True) as store:
        stats = store.index_records([_record(i, t) for i, t in DOCS.items()])
        assert stats.failed == 0 and stats.dropped_spans == 0
    return path


def _everything(folder: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(folder.iterdir()) if p.suffix != ".png")


def _names(text: str) -> list[str]:
    return [g for g in GOLD if g in text]


def test_corpus_report_redacted_has_no_names(db: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.jsonl"
    reason = "encrypted: /cases/Amira Khan/statement Tariq-Shah.pdf"
    entry = {"status": "failed", "reason": reason, "pages": 0}
    manifest.write_text(json.dumps(entry) + "\n")
    plain, redacted = tmp_path / "plain", tmp_path / "redacted"
    base = ["report", "--db", str(db), "--manifest", str(manifest), "-q"]
    assert RUNNER.invoke(app, [*base, "--out", str(plain)]).exit_code == 0
    result = RUNNER.invoke(app, [*base, "--out", str(redacted), "--redact"])
    assert result.exit_code == 0, result.output
    assert _names(_everything(plain))  # the fixture does leak without --redact
    shown = _everything(redacted)
    assert _names(shown) == [] and _names(result.output) == []
    top = (redacted / "top_documents.csv").read_text()
    assert all(pseudonymous_id(i) in top for i in DOCS)
    # counts are unchanged by redaction
    for name in ("measure_status.csv", "signal_prevalence.csv"):
        assert (plain / name).read_text() == (redacted / name).read_text()


def test_chronology_redacted_uses_the_same_pseudonymous_ids(db: Path, tmp_path: Path) -> None:
    key = write_key(tmp_path / "study.key")
    out = tmp_path / "chron"
    ids = list(DOCS)
    keyed = RedactOptions.from_key_file(key)
    shown = [pseudonymous_id(i, keyed.key) for i in ids]
    args = ["report", "--db", str(db), "--redact", "--key-file", str(key), "--out", str(out)]
    result = RUNNER.invoke(app, [*args, "--doc", shown[0], "--doc", ids[1]])  # pseudonymous or real ids
    assert result.exit_code == 0, result.output
    text = _everything(out)
    assert _names(text) == [] and _names(result.output) == []
    assert all(s in text for s in shown) and "DVPN" in text and "BREACH_NOT_ACTIONED" in text


def test_report_tables_rewritten_without_touching_counts() -> None:
    table = Table("top_documents", "Top", ["doc_id", "signals"], [["Jo-Bloggs-1a2b3c4d", 3]])
    columns = ["status", "sources", "example_reason"]
    reasons = Table("ingest_manifest", "M", columns, [["failed", 2, r"C:\x\y.pdf"]])
    coverage = Coverage("/srv/Bloggs/corpus.db", '"served on DS Patel"', Filters())
    report = CorpusReport(coverage, {"top_documents": table})
    report.add(reasons)
    out = redact_corpus_report(report)
    assert out.tables["top_documents"].rows == [[pseudonymous_id("Jo-Bloggs-1a2b3c4d"), 3]]
    assert out.tables["ingest_manifest"].rows == [["failed", 2, PATH_WITHHELD]]
    assert "Bloggs" not in out.coverage.store
    assert out.coverage.query == '"served on DS Officer-1"'
    assert table.rows == [["Jo-Bloggs-1a2b3c4d", 3]]  # the input is left alone
    assert withhold_paths("no password given") == "no password given"
