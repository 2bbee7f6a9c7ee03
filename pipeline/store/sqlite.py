"""SQLite back-end: one file, WAL mode, foreign keys, FTS5 (BM25) over sentences."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.store import tags
from pipeline.store.base import MIGRATIONS_TABLE, SCHEMA_VERSION, Compiled, CorpusStore, register
from pipeline.store.model import Filters, IndexStats
from pipeline.store.prepare import PreparedDoc
from pipeline.store.query import Node, to_fts5

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "documents, pages, sentences, mentions, signals, fts5",
        [
            """CREATE TABLE documents (id TEXT PRIMARY KEY, source TEXT, sha256 TEXT, force TEXT, date TEXT,
                year INTEGER, doc_type TEXT, meta TEXT NOT NULL, text TEXT NOT NULL,
                record_hash TEXT NOT NULL, indexed_at TEXT NOT NULL)""",
            "CREATE INDEX documents_force ON documents(force)",
            "CREATE INDEX documents_date ON documents(date)",
            "CREATE INDEX documents_type ON documents(doc_type)",
            """CREATE TABLE pages (doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                page INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL)""",
            "CREATE INDEX pages_doc ON pages(doc_id, page)",
            """CREATE TABLE sentences (id INTEGER PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, n INTEGER NOT NULL,
                page INTEGER, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
                tags TEXT NOT NULL DEFAULT '')""",
            "CREATE INDEX sentences_doc ON sentences(doc_id, start)",
            """CREATE TABLE mentions (id INTEGER PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                sentence_id INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE, page INTEGER,
                start INTEGER NOT NULL, "end" INTEGER NOT NULL, label TEXT NOT NULL, status TEXT NOT NULL,
                text TEXT NOT NULL)""",
            "CREATE INDEX mentions_label ON mentions(label, status, sentence_id)",
            "CREATE INDEX mentions_status ON mentions(status, sentence_id)",
            "CREATE INDEX mentions_sentence ON mentions(sentence_id)",
            "CREATE INDEX mentions_doc ON mentions(doc_id)",
            """CREATE TABLE signals (id INTEGER PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                sentence_id INTEGER REFERENCES sentences(id) ON DELETE CASCADE, label TEXT NOT NULL,
                score REAL, start INTEGER, "end" INTEGER)""",
            "CREATE INDEX signals_label ON signals(label, sentence_id)",
            "CREATE INDEX signals_sentence ON signals(sentence_id)",
            "CREATE INDEX signals_doc ON signals(doc_id)",
            """CREATE VIRTUAL TABLE sentences_fts USING fts5(text, tags, content='sentences',
                content_rowid='id', tokenize='unicode61 remove_diacritics 2')""",
        ],
    ),
]


def _tags(d: PreparedDoc) -> list[str]:
    mentions: dict[int, list[tuple[str, str]]] = {}
    signals: dict[int, list[str]] = {}
    for n, _, _, _, label, status, _ in d.mentions:
        mentions.setdefault(n, []).append((label, status))
    for k, label, _, _, _ in d.signals:
        if k is not None:
            signals.setdefault(k, []).append(label)
    base = tags.document_tags(d.force, d.doc_type, d.id)
    return [
        tags.sentence_tags(base, mentions.get(n, ()), signals.get(n, ()))
        if n in mentions or n in signals
        else base
        for n in range(len(d.sentences))
    ]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@register("")
class SQLiteStore(CorpusStore):
    """The default store: a single SQLite file an inspector can copy."""

    name = "sqlite"
    ordered_join = "CROSS JOIN"  # SQLite keeps the written order of CROSS JOIN tables

    def __init__(self, path: str, create: bool = False, read_only: bool = False) -> None:
        self.path = Path(path)
        if not self.path.exists():
            if not create:
                raise UsageError(f"no such store: {path} (create it with `vawg index ... --db {path}`)")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if read_only:
                self.conn = sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
                )
            else:
                self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.conn.execute("PRAGMA foreign_keys = ON")
            if not read_only:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
            for pragma in ("cache_size = -65536", "temp_store = MEMORY", "mmap_size = 268435456"):
                self.conn.execute(f"PRAGMA {pragma}")
            if not read_only:
                self._migrate()
            else:
                self._check_version()
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"cannot open store {path}: {exc}") from None

    def close(self) -> None:
        self.conn.close()

    def _applied(self) -> int:
        row = self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if row is None:
            tables = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise UsageError(f"{self.path} is an SQLite file but not a vawg corpus store")
            return 0
        return int(self.conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0])

    def _check_version(self) -> int:
        version = self._applied()
        if version > SCHEMA_VERSION:
            raise UsageError(
                f"{self.path} has schema {version}, newer than this vawg ({SCHEMA_VERSION}): upgrade vawg"
            )
        return version

    def _migrate(self) -> None:
        if self._check_version() >= SCHEMA_VERSION:
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute(MIGRATIONS_TABLE)
            current = int(
                self.conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]
            )
            for version, name, statements in MIGRATIONS:
                if version <= current:
                    continue
                for statement in statements:
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, _now()))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        return self._applied()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.conn.execute(sql, list(params)).fetchall()
        except sqlite3.OperationalError as exc:
            raise UsageError(f"search failed: {exc}") from None

    def compile(self, node: Node | None, filters: Filters) -> Compiled:
        """One FTS5 MATCH over words (`text` column) and filter tags (`tags` column), so FTS5
        intersects them; only the date range needs the documents table."""
        parts = [f"text : ({to_fts5(node)})"] if node is not None else []
        parts += [
            "tags : (" + " OR ".join(f'"{t}"' for t in group) + ")" for group in tags.filter_groups(filters)
        ]
        if not parts:
            return super().compile(node, filters)
        sql = "FROM sentences_fts CROSS JOIN sentences s"
        where = ["sentences_fts MATCH ?", "s.id = sentences_fts.rowid"]
        params: list[Any] = [" AND ".join(parts)]
        if filters.date_from or filters.date_to:
            sql += " CROSS JOIN documents d"
            where.append("d.id = s.doc_id")
            for op, value in ((">=", filters.date_from), ("<=", filters.date_to)):
                if value:
                    where.append(f"d.date {op} ?")
                    params.append(value)
        return Compiled(
            f"{sql} WHERE {' AND '.join(where)}",
            params,
            id_column="sentences_fts.rowid",
            count_from_where=None if len(where) > 2 else "FROM sentences_fts WHERE sentences_fts MATCH ?",
        )

    def _text_match(self, node: Node) -> tuple[list[str], list[str], list[Any]]:
        return (
            ["sentences_fts"],
            ["sentences_fts.rowid = s.id", "sentences_fts MATCH ?"],
            [f"text : ({to_fts5(node)})"],
        )

    # -- writing ---------------------------------------------------------------------------
    def _delete(self, doc_ids: list[str]) -> None:
        ex = self.conn.execute
        for doc_id in doc_ids:
            ex(
                "INSERT INTO sentences_fts(sentences_fts, rowid, text, tags) "
                "SELECT 'delete', id, text, tags FROM sentences WHERE doc_id = ?",
                (doc_id,),
            )
            for table in ("mentions", "signals", "sentences", "pages"):
                ex(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
            ex("DELETE FROM documents WHERE id = ?", (doc_id,))

    def delete_document(self, doc_id: str) -> bool:
        self._sentence_count = None
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            found = (
                self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None
            )
            self._delete([doc_id])
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return found

    def _write_batch(self, docs: list[PreparedDoc], stats: IndexStats) -> None:
        ex = self.conn.execute
        ex("BEGIN IMMEDIATE")
        try:
            old: dict[str, str] = {}
            ids = [d.id for d in docs]
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                marks = ",".join("?" * len(chunk))
                old.update(
                    ex(f"SELECT id, record_hash FROM documents WHERE id IN ({marks})", chunk).fetchall()
                )
            todo = [d for d in docs if old.get(d.id) != d.record_hash]
            stats.unchanged += len(docs) - len(todo)
            self._delete([d.id for d in todo if d.id in old])
            stats.replaced += sum(1 for d in todo if d.id in old)
            stats.added += sum(1 for d in todo if d.id not in old)
            first = next_id = int(ex("SELECT coalesce(max(id), 0) FROM sentences").fetchone()[0]) + 1
            now = _now()
            doc_rows, page_rows, sent_rows, ment_rows, sig_rows = [], [], [], [], []
            for d in todo:
                doc_rows.append(
                    (
                        d.id,
                        d.source,
                        d.sha256,
                        d.force,
                        d.date,
                        d.year,
                        d.doc_type,
                        d.meta_json,
                        d.text,
                        d.record_hash,
                        now,
                    )
                )
                page_rows += [(d.id, p, s, e) for p, s, e in d.pages]
                tag_column = _tags(d)
                sent_rows += [
                    (next_id + n, d.id, n, pg, s, e, t, tag_column[n])
                    for n, (pg, s, e, t) in enumerate(d.sentences)
                ]
                ment_rows += [
                    (d.id, next_id + n, pg, s, e, lab, st, t) for n, pg, s, e, lab, st, t in d.mentions
                ]
                sig_rows += [
                    (d.id, None if n is None else next_id + n, lab, sc, s, e)
                    for n, lab, sc, s, e in d.signals
                ]
                next_id += len(d.sentences)
                stats.dropped_spans += d.dropped
            self.conn.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)", doc_rows)
            self.conn.executemany(
                'INSERT INTO pages (doc_id, page, start, "end") VALUES (?,?,?,?)', page_rows
            )
            self.conn.executemany("INSERT INTO sentences VALUES (?,?,?,?,?,?,?,?)", sent_rows)
            self.conn.executemany(
                'INSERT INTO mentions (doc_id, sentence_id, page, start, "end", label, status, text) '
                "VALUES (?,?,?,?,?,?,?,?)",
                ment_rows,
            )
            self.conn.executemany(
                'INSERT INTO signals (doc_id, sentence_id, label, score, start, "end") VALUES (?,?,?,?,?,?)',
                sig_rows,
            )
            ex(
                "INSERT INTO sentences_fts(rowid, text, tags) "
                "SELECT id, text, tags FROM sentences WHERE id >= ?",
                (first,),
            )
            ex("COMMIT")
        except BaseException:
            ex("ROLLBACK")
            raise
        stats.sentences += len(sent_rows)
        stats.mentions += len(ment_rows)
        stats.signals += len(sig_rows)

    def optimize(self) -> None:
        """Merge FTS segments and refresh planner statistics (after a large index run)."""
        self.conn.execute("INSERT INTO sentences_fts(sentences_fts) VALUES ('optimize')")
        self.conn.execute("ANALYZE")
