"""PostgreSQL back-end for a shared server: the same schema, tsvector + GIN for full text.

Each sentence's tsvector is built by `pipeline.store.text` (no stemming, no stop words), and
queries become tsquery literals from the same tokens, so hits match the SQLite store's.
Connection through psycopg 3; writes use COPY inside one transaction per batch.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from pipeline.errors import UsageError
from pipeline.store.base import MIGRATIONS_TABLE, SCHEMA_VERSION, CorpusStore, register
from pipeline.store.model import IndexStats
from pipeline.store.prepare import PreparedDoc
from pipeline.store.query import Node, to_tsquery
from pipeline.store.text import tsvector_literal

try:
    import psycopg
except ImportError:  # pragma: no cover - psycopg is a declared dependency
    psycopg = None  # type: ignore[assignment]

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "documents, pages, sentences, mentions, signals, tsvector + gin",
        [
            """CREATE TABLE documents (id TEXT PRIMARY KEY, source TEXT, sha256 TEXT, force TEXT, date TEXT,
                year INTEGER, doc_type TEXT, meta JSONB NOT NULL, text TEXT NOT NULL,
                record_hash TEXT NOT NULL, indexed_at TEXT NOT NULL)""",
            "CREATE INDEX documents_force ON documents(force)",
            "CREATE INDEX documents_date ON documents(date)",
            "CREATE INDEX documents_type ON documents(doc_type)",
            """CREATE TABLE pages (doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                page INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL)""",
            "CREATE INDEX pages_doc ON pages(doc_id, page)",
            "CREATE SEQUENCE sentences_id_seq",
            """CREATE TABLE sentences (id BIGINT PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, n INTEGER NOT NULL,
                page INTEGER, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
                tsv TSVECTOR NOT NULL)""",
            'CREATE INDEX sentences_doc ON sentences(doc_id COLLATE "C", start)',
            "CREATE INDEX sentences_tsv ON sentences USING gin(tsv)",
            """CREATE TABLE mentions (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                sentence_id BIGINT NOT NULL REFERENCES sentences(id) ON DELETE CASCADE, page INTEGER,
                start INTEGER NOT NULL, "end" INTEGER NOT NULL, label TEXT NOT NULL, status TEXT NOT NULL,
                text TEXT NOT NULL)""",
            "CREATE INDEX mentions_label ON mentions(label, status, sentence_id)",
            "CREATE INDEX mentions_status ON mentions(status, sentence_id)",
            "CREATE INDEX mentions_sentence ON mentions(sentence_id)",
            "CREATE INDEX mentions_doc ON mentions(doc_id)",
            """CREATE TABLE signals (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                sentence_id BIGINT REFERENCES sentences(id) ON DELETE CASCADE, label TEXT NOT NULL,
                score DOUBLE PRECISION, start INTEGER, "end" INTEGER)""",
            "CREATE INDEX signals_label ON signals(label, sentence_id)",
            "CREATE INDEX signals_sentence ON signals(sentence_id)",
            "CREATE INDEX signals_doc ON signals(doc_id)",
        ],
    ),
]

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_LOCK = "SELECT pg_advisory_xact_lock(hashtext('vawg_store:' || current_schema()))"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@register("postgresql")
class PostgresStore(CorpusStore):
    """A store on a PostgreSQL server (`--db postgresql://user:pass@host/db`)."""

    name = "postgresql"
    ordered_join = ","
    text_collation = ' COLLATE "C"'

    def __init__(self, url: str, create: bool = False, schema: str | None = None) -> None:
        if psycopg is None:
            raise UsageError("PostgreSQL stores need psycopg: pip install 'psycopg[binary]'")
        if schema is not None and not _IDENT.match(schema):
            raise UsageError(f"bad PostgreSQL schema name {schema!r}")
        self.schema = schema
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
            if schema:
                if create:
                    self.conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
                self.conn.execute(f"SET search_path TO {schema}")
            self._migrate(create)
        except psycopg.Error as exc:
            raise UsageError(f"cannot open PostgreSQL store: {_first_line(exc)}") from None

    def close(self) -> None:
        self.conn.close()

    def _applied(self) -> int:
        row = self.conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
        if not row or not row[0]:
            return 0
        version = self.conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
        return int(version[0]) if version else 0

    def _migrate(self, create: bool) -> None:
        version = self._applied()
        if version > SCHEMA_VERSION:
            raise UsageError(
                f"PostgreSQL store has schema {version}, newer than this vawg ({SCHEMA_VERSION})"
            )
        if version == SCHEMA_VERSION:
            return
        if version == 0 and not create:
            raise UsageError(
                "no vawg store in this PostgreSQL database (create it with `vawg index ... --db URL`)"
            )
        with self.conn.transaction():
            self.conn.execute(_LOCK)
            self.conn.execute(MIGRATIONS_TABLE)
            current = self._applied()
            for number, name, statements in MIGRATIONS:
                if number <= current:
                    continue
                for statement in statements:
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_migrations VALUES (%s, %s, %s)",
                    (number, name, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
                )

    def schema_version(self) -> int:
        return self._applied()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            with self.conn.cursor() as cur:
                cur.execute(sql.replace("?", "%s"), list(params))
                return cur.fetchall()
        except psycopg.Error as exc:
            raise UsageError(f"search failed: {_first_line(exc)}") from None

    def _text_match(self, node: Node) -> tuple[list[str], list[str], list[Any]]:
        return [], ["s.tsv @@ CAST(? AS tsquery)"], [to_tsquery(node)]

    # -- writing ---------------------------------------------------------------------------
    def _delete(self, doc_ids: list[str]) -> None:
        if not doc_ids:
            return
        for table in ("mentions", "signals", "sentences", "pages"):
            self.conn.execute(f"DELETE FROM {table} WHERE doc_id = ANY(%s)", (doc_ids,))
        self.conn.execute("DELETE FROM documents WHERE id = ANY(%s)", (doc_ids,))

    def delete_document(self, doc_id: str) -> bool:
        self._sentence_count = None
        with self.conn.transaction():
            self.conn.execute(_LOCK)
            found = (
                self.conn.execute("SELECT 1 FROM documents WHERE id = %s", (doc_id,)).fetchone() is not None
            )
            self._delete([doc_id])
        return found

    def _write_batch(self, docs: list[PreparedDoc], stats: IndexStats) -> None:
        ex = self.conn.execute
        with self.conn.transaction():
            ex(_LOCK)
            ids = [d.id for d in docs]
            old: dict[str, str] = dict(
                ex("SELECT id, record_hash FROM documents WHERE id = ANY(%s)", (ids,)).fetchall()
            )
            todo = [d for d in docs if old.get(d.id) != d.record_hash]
            stats.unchanged += len(docs) - len(todo)
            self._delete([d.id for d in todo if d.id in old])
            stats.replaced += sum(1 for d in todo if d.id in old)
            stats.added += sum(1 for d in todo if d.id not in old)
            n_sent = sum(len(d.sentences) for d in todo)
            seq = [
                r[0] for r in ex("SELECT nextval('sentences_id_seq') FROM generate_series(1, %s)", (n_sent,))
            ]
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            n_ment = n_sig = 0
            with self.conn.cursor() as cur:
                with cur.copy(
                    "COPY documents (id, source, sha256, force, date, year, doc_type, meta, text,"
                    " record_hash, indexed_at) FROM STDIN"
                ) as cp:
                    for d in todo:
                        cp.write_row(
                            (d.id, d.source, d.sha256, d.force, d.date, d.year, d.doc_type, d.meta_json,
                             d.text, d.record_hash, now)
                        )  # fmt: skip
                with cur.copy('COPY pages (doc_id, page, start, "end") FROM STDIN') as cp:
                    for d in todo:
                        for p, s, e in d.pages:
                            cp.write_row((d.id, p, s, e))
                pos = 0
                sentence_ids: list[list[int]] = []
                with cur.copy(
                    'COPY sentences (id, doc_id, n, page, start, "end", text, tsv) FROM STDIN'
                ) as cp:
                    for d in todo:
                        mine = seq[pos : pos + len(d.sentences)]
                        pos += len(d.sentences)
                        sentence_ids.append(mine)
                        for n, (pg, s, e, t) in enumerate(d.sentences):
                            cp.write_row((mine[n], d.id, n, pg, s, e, t, tsvector_literal(t)))
                with cur.copy(
                    'COPY mentions (doc_id, sentence_id, page, start, "end", label, status, text) FROM STDIN'
                ) as cp:
                    for d, mine in zip(todo, sentence_ids, strict=True):
                        for n, pg, s, e, lab, st, t in d.mentions:
                            cp.write_row((d.id, mine[n], pg, s, e, lab, st, t))
                            n_ment += 1
                with cur.copy(
                    'COPY signals (doc_id, sentence_id, label, score, start, "end") FROM STDIN'
                ) as cp:
                    for d, mine in zip(todo, sentence_ids, strict=True):
                        for k, lab, sc, gs, ge in d.signals:
                            cp.write_row((d.id, None if k is None else mine[k], lab, sc, gs, ge))
                            n_sig += 1
            for d in todo:
                stats.dropped_spans += d.dropped
        stats.sentences += n_sent
        stats.mentions += n_ment
        stats.signals += n_sig

    def optimize(self) -> None:
        """Refresh planner statistics after a large index run."""
        self.conn.execute("ANALYZE")

    def drop_schema(self) -> None:
        """Remove this store's schema and everything in it (tests and throwaway stores only)."""
        if self.schema:
            self.conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
