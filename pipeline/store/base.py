"""The `CorpusStore` interface, the back-end registry and the SQL both back-ends share.

A back-end supplies a connection, its schema migrations, a batch writer and the few SQL
pieces that differ (the full-text match and its score); the query shapes for hits, counts
and facets are built here once, so SQLite and PostgreSQL answer the same question.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from pipeline.errors import UsageError
from pipeline.store.model import Filters, IndexStats
from pipeline.store.prepare import BadRecord, PreparedDoc, prepare
from pipeline.store.query import Node

SCHEMA_VERSION = 1
MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


@dataclass
class Compiled:
    """A FROM ... WHERE ... clause selecting matching sentences `s`, with its parameters."""

    from_where: str
    params: list[Any]
    id_column: str = "s.id"
    #: A cheaper FROM ... WHERE ... with the same rows, for counting (None: use from_where).
    count_from_where: str | None = None


def _in(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


class CorpusStore(ABC):
    """An annotated corpus: documents, pages, sentences, mentions and signals, searchable."""

    name: ClassVar[str]
    #: SQL join keyword that keeps the written table order (SQLite: CROSS JOIN).
    ordered_join: ClassVar[str] = "JOIN"
    text_collation: ClassVar[str] = ""
    _sentence_count: int | None = None

    # -- connection and schema -------------------------------------------------------------
    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> CorpusStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def schema_version(self) -> int:
        """The highest migration applied to this store."""

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one read statement (written with `?` placeholders) and return its rows."""

    # -- writing ---------------------------------------------------------------------------
    @abstractmethod
    def _write_batch(self, docs: list[PreparedDoc], stats: IndexStats) -> None:
        """Write a batch in one transaction: replace changed documents, skip unchanged ones."""

    @abstractmethod
    def delete_document(self, doc_id: str) -> bool:
        """Remove one document and everything under it; True if it was there."""

    def index_records(
        self,
        records: Iterable[dict[str, Any]],
        batch_size: int = 200,
        progress: Callable[[IndexStats], None] | None = None,
    ) -> IndexStats:
        """Index records in batches, one transaction each; a bad record is counted, never fatal."""
        total = IndexStats()
        batch: list[PreparedDoc] = []
        seen = 0
        for record in records:
            seen += 1
            try:
                batch.append(prepare(record))
            except (BadRecord, TypeError, ValueError, AttributeError) as exc:
                total.failed += 1
                total.errors.append(f"record {seen}: {exc}")
            if len(batch) >= batch_size:
                self._flush(batch, total, progress)
                batch = []
        if batch:
            self._flush(batch, total, progress)
        return total

    def _flush(
        self, batch: list[PreparedDoc], total: IndexStats, progress: Callable[[IndexStats], None] | None
    ) -> None:
        # The last record with an id wins inside a batch, as it would across batches.
        unique = list({d.id: d for d in batch}.values())
        stats = IndexStats()
        self._sentence_count = None
        self._write_batch(unique, stats)
        total.merge(stats)
        if progress is not None:
            progress(total)

    # -- reading ---------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Row counts of the main tables."""
        out = {}
        for table in ("documents", "pages", "sentences", "mentions", "signals"):
            out[table] = int(self.query(f"SELECT count(*) FROM {table}")[0][0])
        return out

    @abstractmethod
    def _text_match(self, node: Node) -> tuple[list[str], list[str], list[Any]]:
        """(extra FROM tables, WHERE conditions, their params) matching the full-text query."""

    def compile(self, node: Node | None, filters: Filters) -> Compiled:
        """Select the sentences matching a parsed query and filters (see `Compiled`)."""
        tables: list[str] = []
        where: list[str] = []
        params: list[Any] = []
        if filters.has_mention:
            conds, cparams = [], []
            for column, values in (("label", filters.measure), ("status", filters.status)):
                if values:
                    c, p = _in(column, values)
                    conds.append(c)
                    cparams += p
            tables.append(
                f"(SELECT DISTINCT sentence_id AS sid FROM mentions WHERE {' AND '.join(conds)}) mc"
            )
            params += cparams
            where.append("s.id = mc.sid")
        elif filters.signal:
            c, p = _in("label", filters.signal)
            tables.append(f"(SELECT DISTINCT sentence_id AS sid FROM signals WHERE {c}) gc")
            params += p
            where.append("s.id = gc.sid")
        elif (filters.has_document or filters.doc_id) and node is None:
            tables.append("documents d")
            where.append("s.doc_id = d.id")
        text_tables, text_where, text_params = self._text_match(node) if node is not None else ([], [], [])
        if node is not None and not tables:
            tables += text_tables
            tables.append("sentences s")
        else:
            tables.append("sentences s")
            tables += text_tables
        if (filters.has_document or filters.doc_id) and "documents d" not in tables:
            tables.append("documents d")
            where.append("d.id = s.doc_id")
        where += text_where
        wparams = list(text_params)
        if filters.has_mention and filters.signal:
            c, p = _in("g.label", filters.signal)
            where.append(f"EXISTS (SELECT 1 FROM signals g WHERE g.sentence_id = s.id AND {c})")
            wparams += p
        for column, values in (
            ("d.force", filters.force),
            ("d.doc_type", filters.doc_type),
            ("s.doc_id", filters.doc_id),
        ):
            if values:
                c, p = _in(column, values)
                where.append(c)
                wparams += p
        if filters.date_from:
            where.append("d.date >= ?")
            wparams.append(filters.date_from)
        if filters.date_to:
            where.append("d.date <= ?")
            wparams.append(filters.date_to)
        sql = f"FROM {f' {self.ordered_join} '.join(tables)}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return Compiled(sql, params + wparams)

    def select_hits(self, c: Compiled, limit: int, offset: int) -> list[tuple[Any, ...]]:
        """(sentence id, doc id, page, start, end, text, 0.0) rows in the order they were indexed
        (the order FTS5 reads natively, so a large result costs no sort)."""
        sql = (
            f'SELECT s.id, s.doc_id, s.page, s.start, s."end", s.text, 0.0 AS score '
            f"{c.from_where} ORDER BY {c.id_column} LIMIT ? OFFSET ?"
        )
        return self.query(sql, [*c.params, limit, offset])

    def sentence_count(self) -> int:
        """Number of sentences in the store (cached until the next write)."""
        if self._sentence_count is None:
            self._sentence_count = int(self.query("SELECT count(*) FROM sentences")[0][0])
        return self._sentence_count

    def count_hits(self, c: Compiled, cap: int | None = None) -> int:
        """How many sentences match (counting stops at `cap` when given)."""
        from_where = c.count_from_where or c.from_where
        if cap is None:
            return int(self.query(f"SELECT count(*) {from_where}", c.params)[0][0])
        sql = f"SELECT count(*) FROM (SELECT 1 {from_where} LIMIT ?) capped"
        return int(self.query(sql, [*c.params, cap])[0][0])

    def facet_rows(self, c: Compiled, sample: int | None = None) -> list[tuple[Any, ...]]:
        """(facet, key, status, count) rows over the matching sentences (or the first `sample`)."""
        window = f" ORDER BY {c.id_column} LIMIT ?" if sample else ""
        j = self.ordered_join
        sql = f"""WITH hits AS MATERIALIZED (SELECT s.id AS id, s.doc_id AS doc_id {c.from_where}{window}),
per_doc AS MATERIALIZED (SELECT d.force AS force, d.year AS year, h.n AS n
  FROM (SELECT doc_id, count(*) AS n FROM hits GROUP BY doc_id) h {j} documents d WHERE d.id = h.doc_id)
SELECT 't', NULL, NULL, count(*) FROM hits
UNION ALL SELECT 'm', m.label, m.status, count(DISTINCT m.sentence_id)
  FROM hits h {j} mentions m WHERE m.sentence_id = h.id GROUP BY m.label, m.status
UNION ALL SELECT 's', g.label, NULL, count(DISTINCT g.sentence_id)
  FROM hits h {j} signals g WHERE g.sentence_id = h.id GROUP BY g.label
UNION ALL SELECT 'f', force, NULL, sum(n) FROM per_doc GROUP BY force
UNION ALL SELECT 'y', CAST(year AS TEXT), NULL, sum(n) FROM per_doc GROUP BY year"""
        return self.query(sql, [*c.params, sample] if sample else c.params)

    def annotations(self, sentence_ids: Sequence[int]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Mentions (sentence_id, label, status, start, end, text, page) and signals
        (sentence_id, label, score) of the given sentences, in text order."""
        if not sentence_ids:
            return [], []
        c, p = _in("sentence_id", list(sentence_ids))
        mentions = self.query(
            f'SELECT sentence_id, label, status, start, "end", text, page FROM mentions WHERE {c} '
            'ORDER BY sentence_id, start, "end", label',
            p,
        )
        signals = self.query(
            f"SELECT sentence_id, label, score FROM signals WHERE {c} ORDER BY sentence_id, label", p
        )
        return mentions, signals


# -- registry -----------------------------------------------------------------------------
_BACKENDS: dict[str, Callable[..., CorpusStore]] = {}


def register(scheme: str) -> Callable[[Callable[..., CorpusStore]], Callable[..., CorpusStore]]:
    """Class decorator: handle `--db` values of this scheme ("" for a file path)."""

    def deco(factory: Callable[..., CorpusStore]) -> Callable[..., CorpusStore]:
        _BACKENDS[scheme] = factory
        return factory

    return deco


def redact(db: str) -> str:
    """The store name for messages, with any password hidden."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", db)


def scheme_of(db: str) -> str:
    if db.startswith(("postgresql://", "postgres://")):
        return "postgresql"
    if "://" in db:
        raise UsageError(f"unsupported --db {db.split('://')[0]}:// (give a file path or postgresql://...)")
    return ""


def open_store(db: str, create: bool = False, **options: Any) -> CorpusStore:
    """Open the store named by `db`: a file path (SQLite) or a postgresql:// URL.

    With `create`, a missing store is created and its schema migrated; without it a missing
    SQLite file is a one-line error.
    """
    scheme = scheme_of(str(db))
    if scheme == "postgresql":
        from pipeline.store import postgres  # noqa: F401  (registers itself; needs psycopg)
    else:
        from pipeline.store import sqlite  # noqa: F401
    return _BACKENDS[scheme](str(db), create=create, **options)
