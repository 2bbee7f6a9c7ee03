"""The shard protocol: content-derived batch ids, commits, crash repairs, resume without repeats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.batch.distribute import ShardRun, annotate_to_shards, new_batches
from pipeline.batch.shards import Batch, BatchResult, ShardManifest, document_key, write_shard
from pipeline.errors import UsageError
from tests.batch.corpus_maker import documents, shard_records


def test_batch_id_follows_the_documents_only() -> None:
    docs = documents(6)
    keys = [document_key(d) for d in docs]
    same = Batch.of(docs[:3], keys[:3], first=0)
    moved = Batch.of(docs[:3], keys[:3], first=40)
    other = Batch.of(docs[1:4], keys[1:4])
    assert same.id == moved.id and same.shard_name == moved.shard_name
    assert other.id != same.id
    edited = documents(6)
    edited[0].text += " DVPO served."
    assert document_key(edited[0]) != keys[0] and document_key(edited[1]) == keys[1]


def test_new_batches_skip_committed_and_repeated_documents(tmp_path: Path) -> None:
    docs = documents(10)
    manifest = ShardManifest(tmp_path).load()
    manifest.keys.update(document_key(d) for d in docs[:4])
    run = ShardRun(shard_dir=tmp_path)
    batches = list(new_batches(docs + docs[8:], manifest, 4, run))
    assert [d.id for b in batches for d in b.documents] == [d.id for d in docs[4:]]
    assert [b.first for b in batches] == [4, 8]
    assert run.already_done == 4 and run.duplicates == 2


def test_crash_leftovers_are_repaired_on_load(tmp_path: Path) -> None:
    docs = documents(4)
    keys = [document_key(d) for d in docs]
    committed, orphan = Batch.of(docs[:2], keys[:2]), Batch.of(docs[2:], keys[2:])
    manifest = ShardManifest(tmp_path).load()
    write_shard(tmp_path, committed.shard_name, [d.to_record() for d in committed.documents])
    manifest.commit(
        BatchResult(batch=committed.id, shard=committed.shard_name, keys=committed.keys, documents=2)
    )
    # a crash: the second shard renamed into place but not yet in the manifest, a temp file
    # half written, and a torn manifest line
    write_shard(tmp_path, orphan.shard_name, [d.to_record() for d in orphan.documents])
    (tmp_path / f".{orphan.shard_name}.x.tmp").write_text('{"id": "half')
    with open(tmp_path / "manifest.jsonl", "a") as fh:
        fh.write('{"batch": "torn')
    again = ShardManifest(tmp_path).load()
    assert set(again.lines) == {committed.id, orphan.id}
    assert again.keys == set(keys)
    assert not list(tmp_path.glob(".*.tmp"))
    lines = (tmp_path / "manifest.jsonl").read_text().splitlines()
    assert [json.loads(line)["batch"] for line in lines] == [committed.id, orphan.id]
    assert [r["id"] for r in again.records()] == [d.id for d in docs]


def test_small_job_runs_inline_and_a_rerun_adds_nothing(tmp_path: Path) -> None:
    docs = documents(12)
    first = annotate_to_shards(iter(docs), tmp_path, batch_size=5)
    assert first.inline and first.documents == 12 and first.batches == 3
    records = shard_records(tmp_path)
    assert sorted(r["id"] for r in records) == [d.id for d in docs]
    assert any(r["entities"] for r in records)
    again = annotate_to_shards(iter(docs + documents(14)[12:]), tmp_path, batch_size=5)
    assert again.already_done == 12 and again.documents == 2
    assert sorted(r["id"] for r in shard_records(tmp_path)) == [d.id for d in documents(14)]


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown executor"):
        annotate_to_shards([], tmp_path, executor="spark")
    with pytest.raises(UsageError, match="workers"):
        annotate_to_shards([], tmp_path, workers=0)
    with pytest.raises(UsageError, match="batch-size"):
        annotate_to_shards([], tmp_path, batch_size=0)


def test_merge_after_an_edit_keeps_only_the_current_documents(tmp_path: Path) -> None:
    from pipeline.batch.distribute import merged_records

    docs = documents(6)
    annotate_to_shards(iter(docs), tmp_path, batch_size=3)
    edited = documents(6)[:5]  # one document gone, another edited
    edited[0].text += " Bail conditions set."
    run = annotate_to_shards(iter(edited), tmp_path, batch_size=3)
    assert run.already_done == 4 and run.documents == 1
    merged = list(merged_records(tmp_path, run.keys))
    assert sorted(r["id"] for r in merged) == [d.id for d in edited]
    assert next(r for r in merged if r["id"] == edited[0].id)["text"] == edited[0].text
    assert len(list(merged_records(tmp_path))) == 7  # everything committed, old versions too


def test_past_the_string_cap_a_batch_leaves_no_new_strings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline
    from pipeline.batch import shards
    from pipeline.batch.shards import annotate_batch

    nlp = pipeline.load()
    docs = documents(4, seed=21)
    for doc in docs:
        doc.text += f" Ref zq{doc.id}x{len(doc.text)}vq."  # tokens this pipeline has never seen
    batch = Batch.of(docs, [document_key(d) for d in docs])
    (tmp_path / "capped").mkdir()
    (tmp_path / "free").mkdir()
    monkeypatch.setattr(shards, "STRINGS_CAP", 0)
    before = len(nlp.vocab.strings)
    capped = annotate_batch(nlp, batch, tmp_path / "capped")
    assert len(nlp.vocab.strings) == before
    monkeypatch.setattr(shards, "STRINGS_CAP", 10**9)
    annotate_batch(nlp, batch, tmp_path / "free")
    assert len(nlp.vocab.strings) > before
    assert capped.entities > 0
    assert shard_records(tmp_path / "capped") == shard_records(tmp_path / "free")


def test_a_changed_pipeline_annotates_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.batch import distribute
    from pipeline.batch.distribute import merged_records

    docs = documents(4)
    assert annotate_to_shards(iter(docs), tmp_path, batch_size=2).documents == 4
    assert annotate_to_shards(iter(docs), tmp_path, batch_size=2).already_done == 4
    monkeypatch.setattr(distribute, "pipeline_fingerprint", lambda model=None: "rules edited")
    again = annotate_to_shards(iter(docs), tmp_path, batch_size=2)
    assert again.documents == 4 and again.already_done == 0
    assert sorted(r["id"] for r in merged_records(tmp_path, again.keys)) == [d.id for d in docs]
