"""Indexing: incremental, idempotent, one transaction per batch; schema version and migrations."""

from __future__ import annotations

import copy
import sqlite3
from pathlib import Path

import pytest

from pipeline.errors import UsageError
from pipeline.store import CorpusStore, Filters, IndexStats, open_store, search
from pipeline.store.base import SCHEMA_VERSION
from pipeline.store.prepare import prepare
from tests.store.corpus import DOCS, build, records

SENTENCES = sum(len(s) for _, s, _ in DOCS.values())


def test_reindexing_is_idempotent(empty_store: CorpusStore) -> None:
    first = empty_store.index_records(records(), batch_size=2)
    assert (first.added, first.replaced, first.unchanged, first.sentences) == (len(DOCS), 0, 0, SENTENCES)
    counts = empty_store.counts()
    again = empty_store.index_records(records(), batch_size=3)
    assert (again.added, again.replaced, again.unchanged, again.sentences) == (0, 0, len(DOCS), 0)
    assert empty_store.counts() == counts
    assert counts["documents"] == len(DOCS) and counts["sentences"] == SENTENCES


def test_changed_record_replaces_the_old_one(empty_store: CorpusStore) -> None:
    empty_store.index_records(records())
    changed = build("k1")
    changed["text"] = "Rewritten note: the zebra crossing."
    changed["entities"], changed["signals"], changed["pages"] = [], [], []
    stats = empty_store.index_records([changed])
    assert (stats.added, stats.replaced) == (0, 1)
    assert search(empty_store, "zebra").total == 1
    assert search(empty_store, "suspect", Filters(doc_id=("k1",))).total == 0
    assert search(empty_store, "", Filters(signal=("BREACH_NOT_ACTIONED",))).total == 0
    assert empty_store.counts()["documents"] == len(DOCS)


def test_last_duplicate_in_a_batch_wins(empty_store: CorpusStore) -> None:
    a, b = build("x1"), build("x1")
    b["text"] = "Second version mentions a giraffe."
    b["entities"] = []
    empty_store.index_records([a, b])
    assert empty_store.counts()["documents"] == 1
    assert search(empty_store, "giraffe").total == 1


def test_failed_batch_rolls_back_whole(empty_store: CorpusStore) -> None:
    empty_store.index_records([build("k2")])
    before = empty_store.counts()
    good = prepare(build("k1"))
    bad = prepare(build("e1"))
    bad.sentences[1] = (None, 0, 4, None)  # type: ignore[assignment]  # NOT NULL violation mid-batch
    replacing = prepare({**build("k2"), "text": build("k2")["text"] + " Extra."})
    with pytest.raises(Exception):  # noqa: B017 - the driver's integrity error
        empty_store._write_batch([replacing, good, bad], IndexStats())
    assert empty_store.counts() == before
    assert search(empty_store, "bail").total == 1
    stats = empty_store.index_records([build("k1")])
    assert stats.added == 1


def test_bad_records_are_counted_not_fatal(empty_store: CorpusStore) -> None:
    broken = copy.deepcopy(build("e2"))
    broken["entities"].append({"start": 5, "end": 2, "label": "DVPO", "status": "used"})
    stats = empty_store.index_records([{"text": "no id"}, broken, {"id": "ok", "text": "Fine."}])
    assert (stats.failed, stats.added, stats.dropped_spans) == (1, 2, 1)
    assert "record 1" in stats.errors[0]


def test_delete_document(empty_store: CorpusStore) -> None:
    empty_store.index_records(records())
    assert empty_store.delete_document("k1") is True
    assert empty_store.delete_document("k1") is False
    assert search(empty_store, "", Filters(doc_id=("k1",))).total == 0
    assert empty_store.counts()["sentences"] == SENTENCES - len(DOCS["k1"][1])
    assert search(empty_store, "breached").total == 1


def test_schema_version_is_recorded(empty_store: CorpusStore) -> None:
    assert empty_store.schema_version() == SCHEMA_VERSION
    rows = empty_store.query("SELECT version, name FROM schema_migrations ORDER BY version")
    assert [r[0] for r in rows] == list(range(1, SCHEMA_VERSION + 1))


def test_sqlite_store_settings_and_reopen(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with open_store(str(db), create=True) as store:
        store.index_records(records())
        assert store.query("PRAGMA journal_mode")[0][0] == "wal"
        assert store.query("PRAGMA foreign_keys")[0][0] == 1
    with open_store(str(db)) as store:
        assert search(store, "victim").total == 3


def test_sqlite_refuses_newer_schema_and_foreign_files(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    open_store(str(db), create=True).close()
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (99, 'future', 'now')")
    with pytest.raises(UsageError, match="newer than this vawg"):
        open_store(str(db))
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(UsageError, match="not a vawg corpus store"):
        open_store(str(other))
    with pytest.raises(UsageError, match="no such store"):
        open_store(str(tmp_path / "missing.db"))
    with pytest.raises(UsageError, match="unsupported --db"):
        open_store("mysql://x/y")
