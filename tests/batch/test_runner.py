"""The resumable batch: manifest per source, documents once, repairs after a crash, reruns skip."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.batch.manifest import Manifest
from pipeline.batch.runner import _Lock, ingest
from pipeline.errors import UsageError, VawgError
from pipeline.ingest.base import ReadOptions
from tests.batch.fake_readers import ENV


@pytest.fixture(autouse=True)
def fake_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("DVPN served.")
    (src / "sub" / "b.txt").write_text("Bail conditions set.")
    (src / "c.jsonl").write_text('{"id": "r1", "text": "RUI"}\n{"id": "r2", "text": "NMO"}\n')
    (src / "d.docx").write_bytes(b"PK\x03\x04 broken")
    (src / "e.txt").write_text("")
    return src


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def run(src: Path, out: Path, **options: object):
    return ingest([src], out, ReadOptions(**options), progress=False)  # type: ignore[arg-type]


def check_exactly_once(out: Path, expected_sources: int) -> None:
    manifest = lines(out / "manifest.jsonl")
    docs = lines(out / "documents.jsonl")
    current = {m["sha256"]: m for m in manifest}
    assert len(current) == expected_sources
    ids = [d["id"] for d in docs]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(i for m in current.values() for i in m["documents"])


def test_run_writes_documents_and_one_outcome_per_source(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run(sources, out)
    assert dict(summary.counts) == {"ok": 3, "corrupt": 1, "empty": 1}
    assert summary.documents == 4
    manifest = lines(out / "manifest.jsonl")
    assert [Path(m["source"]).name for m in manifest] == ["a.txt", "c.jsonl", "d.docx", "e.txt", "b.txt"]
    assert {m["status"] for m in manifest} == {"ok", "corrupt", "empty"}
    assert all(m["reason"] for m in manifest if m["status"] != "ok")
    check_exactly_once(out, 5)
    assert summary.line().startswith("5 sources: 3 ok, 1 corrupt, 1 empty; 4 new documents in ")


def test_rerun_skips_done_sources_even_renamed(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(sources, out)
    before = (out / "manifest.jsonl").read_bytes(), (out / "documents.jsonl").read_bytes()
    (sources / "a.txt").rename(sources / "renamed.txt")
    summary = run(sources, out)
    assert summary.already_done == 5 and summary.read == 0
    assert ((out / "manifest.jsonl").read_bytes(), (out / "documents.jsonl").read_bytes()) == before


def test_same_content_twice_in_one_run_is_read_once(sources: Path, tmp_path: Path) -> None:
    shutil.copy(sources / "a.txt", sources / "copy-of-a.txt")
    summary = run(sources, tmp_path / "out")
    assert summary.duplicates == 1
    check_exactly_once(tmp_path / "out", 5)


def test_output_folder_inside_sources_is_not_read(sources: Path) -> None:
    out = sources / "out"
    run(sources, out)
    summary = run(sources, out)
    assert summary.already_done == 5 and summary.sources == 5


def test_interrupted_source_is_dropped_and_redone(sources: Path, tmp_path: Path) -> None:
    """A kill after the documents of a source were written but before its manifest line."""
    out = tmp_path / "out"
    run(sources, out)
    manifest_path, docs_path = out / "manifest.jsonl", out / "documents.jsonl"
    kept = manifest_path.read_text().splitlines()
    jsonl_line = next(n for n, line in enumerate(kept) if "c.jsonl" in line)
    manifest_path.write_text("\n".join(kept[:jsonl_line]) + "\n" + '{"source": "torn')  # a torn line too
    with open(docs_path, "a") as fh:
        fh.write('{"id": "half-writ')  # and a torn document
    summary = run(sources, out)
    assert summary.read == 4 and summary.already_done == 1
    assert any("dropped" in note for note in summary.repaired)
    check_exactly_once(out, 5)
    assert all(line.endswith("}") for line in manifest_path.read_text().splitlines())


def test_retry_reads_timed_out_source_again(sources: Path, tmp_path: Path) -> None:
    (sources / "slow.slow").write_text("1.5 slow source")
    out = tmp_path / "out"
    first = run(sources, out, timeout_s=0.5)
    assert first.counts["timeout"] == 1
    again = ingest([sources], out, ReadOptions(timeout_s=30), progress=False, retry=["timeout"])
    assert again.counts == {"ok": 1} and again.already_done == 5
    statuses = [m["status"] for m in lines(out / "manifest.jsonl") if m["source"].endswith(".slow")]
    assert statuses == ["timeout", "ok"]
    check_exactly_once(out, 6)


def test_document_ids_stay_unique_across_sources(sources: Path, tmp_path: Path) -> None:
    (sources / "other.jsonl").write_text('{"id": "r1", "text": "Another r1"}\n')
    out = tmp_path / "out"
    run(sources, out)
    docs = lines(out / "documents.jsonl")
    clashing = [d for d in docs if d["meta"].get("original_id") == "r1"]
    assert len(clashing) == 1 and clashing[0]["id"].startswith("r1~")
    check_exactly_once(out, 6)


def test_fifo_and_broken_link_are_skipped_not_read(sources: Path, tmp_path: Path) -> None:
    import os

    os.mkfifo(sources / "pipe.txt")
    (sources / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    summary = run(sources, tmp_path / "out")
    assert summary.counts["unsupported"] == 2
    check_exactly_once(tmp_path / "out", 5)


def test_missing_source_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        run(tmp_path / "nope", tmp_path / "out")


def test_a_second_run_on_the_same_output_is_refused(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with _Lock(out), pytest.raises(VawgError, match="another vawg ingest"):
        run(sources, out)


def test_manifest_shorter_documents_file_is_reported(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(sources, out)
    (out / "documents.jsonl").write_text("")
    with pytest.raises(VawgError, match="shorter"):
        Manifest(out).load()
