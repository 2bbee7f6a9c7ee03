"""End to end: `vawg ingest` over the 37 shared test files (36 real-world PDFs and INDEX.tsv)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.ingest.base import Status

ROOT = Path(__file__).resolve().parents[2]
UNLOCKED = (
    "password-example.pdf",
    "r2-user-password.pdf",
    "r6-user-password.pdf",
    "libreoffice-writer-password.pdf",
)


@pytest.mark.slow
@pytest.mark.shared
def test_ingest_every_shared_pdf_gets_an_outcome(shared_pdfs: Path, tesseract: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline.cli.main", "ingest", str(shared_pdfs), "--out", str(out)]
    cmd += ["--password", "test", "--password", "asdfzxcv", "--password", "openpassword", "--workers", "2"]
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    files = sorted(p.name for p in shared_pdfs.iterdir() if p.is_file())
    assert len(files) == 37
    assert run.stdout.startswith("37 sources: ")
    entries = {
        Path(e["source"]).name: e for e in map(json.loads, (out / "manifest.jsonl").read_text().splitlines())
    }
    assert sorted(entries) == files
    statuses = {s.value for s in Status}
    assert all(e["status"] in statuses for e in entries.values())
    assert all(e["reason"] for e in entries.values() if e["status"] not in ("ok", "ocr"))
    for name in UNLOCKED:
        assert entries[name]["status"] == "ok", entries[name]
    assert entries["empty.pdf"]["status"] == "empty"
    scanned = entries["issue-203-decimalize.pdf"]
    assert scanned["status"] == "ocr" and scanned["pages"] == 3
    docs = {d["id"]: d for d in map(json.loads, (out / "documents.jsonl").read_text().splitlines())}
    assert sorted(docs) == sorted(i for e in entries.values() for i in e["documents"])
    [ocr_id] = scanned["documents"]
    assert len(docs[ocr_id]["text"].split()) > 50
    for name in UNLOCKED:
        [doc_id] = entries[name]["documents"]
        assert docs[doc_id]["text"].strip()
