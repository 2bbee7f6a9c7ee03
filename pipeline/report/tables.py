"""Aggregate tables of a corpus store for researchers: measure x status, signal prevalence, by
force and by year, ingest outcomes, documents with the most signals.

Scope: the report covers the documents that have at least one sentence matching the query and
filters (as `vawg search` reads them), or every document when none are given; each table then
counts all sentences, mentions and signals of those documents. Queries go through the store's
own connection (`CorpusStore.query`, `?` placeholders, bound parameters) and its `compile`, so
SQLite and PostgreSQL answer alike.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline import labels
from pipeline.store import CorpusStore, Filters, parse

UNKNOWN = "(unknown)"
MODEL_KEYS = ("model", "model_name", "model_version", "pipeline_version", "vawg_version", "annotator")
_META_CHUNK = 500


@dataclass
class Table:
    """One report table: the CSV file `name`.csv and a titled HTML table."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass
class Coverage:
    """What the report covers: the store, the filters and the size of the selected corpus."""

    store: str
    query: str
    filters: Filters
    documents: int = 0
    sentences: int = 0
    mentions: int = 0
    signals: int = 0
    forces: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    models: dict[str, int] = field(default_factory=dict)

    def filter_text(self) -> str:
        parts = [f"query {self.query!r}"] if self.query else []
        for name, value in vars(self.filters).items():
            if value:
                shown = ", ".join(value) if isinstance(value, tuple) else value
                parts.append(f"{name.replace('_', ' ')}: {shown}")
        return "; ".join(parts) or "none (whole store)"

    def model_text(self) -> str:
        if not self.models:
            return "not recorded"
        return "; ".join(f"{k} ({n} documents)" for k, n in self.models.items())


def rate(count: int, base: int, per: float = 1.0, digits: int = 3) -> float:
    """count per `per` units of base, rounded; 0 when the base is empty."""
    return round(count * per / base, digits) if base else 0.0


def key_text(value: Any) -> str:
    """A force or year as shown in tables: None is "(unknown)"."""
    return UNKNOWN if value is None or value == "" else str(value)


class Aggregator:
    """Runs the report's aggregate queries over the documents in scope."""

    def __init__(self, store: CorpusStore, query: str = "", filters: Filters | None = None) -> None:
        self.store = store
        self.query_text = query
        self.filters = filters or Filters()
        node = parse(query)
        if node is None and self.filters == Filters():
            self.scope_sql, self.scope_params = "SELECT id FROM documents", []
        else:
            compiled = store.compile(node, self.filters)
            self.scope_sql = f"SELECT DISTINCT s.doc_id AS id {compiled.from_where}"
            self.scope_params = list(compiled.params)

    def rows(self, body: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run `WITH scope AS (...) <body>`; `body` joins `scope sc` on a document id."""
        sql = f"WITH scope AS ({self.scope_sql}) {body}"
        return self.store.query(sql, [*self.scope_params, *params])

    # -- counts ---------------------------------------------------------------------------------
    def totals(self) -> dict[str, int]:
        out = {}
        for table, column in (
            ("documents", "id"),
            ("sentences", "doc_id"),
            ("mentions", "doc_id"),
            ("signals", "doc_id"),
        ):
            out[table] = int(
                self.rows(f"SELECT count(*) FROM {table} t JOIN scope sc ON sc.id = t.{column}")[0][0]
            )
        return out

    def measure_status(self, by: str | None = None) -> list[tuple[Any, ...]]:
        """(key?, measure, status, mentions) rows; `by` is a documents column (force, year)."""
        if by is None:
            return self.rows(
                "SELECT m.label, m.status, count(*) FROM mentions m JOIN scope sc ON sc.id = m.doc_id "
                "GROUP BY m.label, m.status"
            )
        return self.rows(
            f"SELECT d.{by}, m.label, m.status, count(*) FROM mentions m JOIN scope sc ON sc.id = m.doc_id "
            f"JOIN documents d ON d.id = m.doc_id GROUP BY d.{by}, m.label, m.status"
        )

    def signal_counts(self, by: str | None = None) -> list[tuple[Any, ...]]:
        """(key?, signal, signals, sentences with it, documents with it) rows."""
        cols = "count(*), count(DISTINCT g.sentence_id), count(DISTINCT g.doc_id)"
        if by is None:
            return self.rows(
                f"SELECT g.label, {cols} FROM signals g JOIN scope sc ON sc.id = g.doc_id GROUP BY g.label"
            )
        return self.rows(
            f"SELECT d.{by}, g.label, {cols} FROM signals g JOIN scope sc ON sc.id = g.doc_id "
            f"JOIN documents d ON d.id = g.doc_id GROUP BY d.{by}, g.label"
        )

    def group_sizes(self, by: str) -> dict[Any, dict[str, int]]:
        """Documents, sentences, mentions and signals per value of a documents column."""
        out: dict[Any, dict[str, int]] = defaultdict(
            lambda: dict.fromkeys(("documents", "sentences", "mentions", "signals"), 0)
        )
        for key, n in self.rows(
            f"SELECT d.{by}, count(*) FROM documents d JOIN scope sc ON sc.id = d.id GROUP BY d.{by}"
        ):
            out[key]["documents"] = int(n)
        for table in ("sentences", "mentions", "signals"):
            for key, n in self.rows(
                f"SELECT d.{by}, count(*) FROM {table} t JOIN scope sc ON sc.id = t.doc_id "
                f"JOIN documents d ON d.id = t.doc_id GROUP BY d.{by}"
            ):
                out[key][table] = int(n)
        return dict(out)

    def top_documents(self, limit: int) -> list[tuple[Any, ...]]:
        """(doc id, force, date, doc type, signals, distinct signal labels) of the most-flagged documents."""
        return self.rows(
            "SELECT g.doc_id, d.force, d.date, d.doc_type, count(*) AS n, count(DISTINCT g.label) "
            "FROM signals g JOIN scope sc ON sc.id = g.doc_id JOIN documents d ON d.id = g.doc_id "
            "GROUP BY g.doc_id, d.force, d.date, d.doc_type ORDER BY n DESC, g.doc_id LIMIT ?",
            [limit],
        )

    def per_document(self, table: str, doc_ids: Sequence[str], extra: str = "") -> list[tuple[Any, ...]]:
        if not doc_ids:
            return []
        marks = ", ".join("?" * len(doc_ids))
        return self.store.query(
            f"SELECT doc_id{extra}, count(*) FROM {table} WHERE doc_id IN ({marks}) GROUP BY doc_id{extra}",
            list(doc_ids),
        )

    def metas(self) -> Iterator[tuple[str, dict[str, Any], int]]:
        """(doc id, meta, indexed page rows) of each document in scope, fetched in chunks."""
        ids = [r[0] for r in self.rows("SELECT sc.id FROM scope sc ORDER BY sc.id")]
        for i in range(0, len(ids), _META_CHUNK):
            chunk = ids[i : i + _META_CHUNK]
            marks = ", ".join("?" * len(chunk))
            pages = dict(self.per_document("pages", chunk))
            for doc_id, meta in self.store.query(
                f"SELECT id, meta FROM documents WHERE id IN ({marks})", chunk
            ):
                if isinstance(meta, str):
                    try:
                        meta = json.loads(meta)
                    except ValueError:
                        meta = {}
                yield doc_id, meta if isinstance(meta, dict) else {}, int(pages.get(doc_id, 0))

    def date_range(self) -> tuple[str | None, str | None]:
        lo, hi = self.rows("SELECT min(d.date), max(d.date) FROM documents d JOIN scope sc ON sc.id = d.id")[
            0
        ]
        return lo, hi


# -- ordering helpers ------------------------------------------------------------------------------
def _measure_order(measure: str, status: str) -> tuple[int, int, str]:
    ms, ss = labels.measures(), labels.statuses()
    return (
        ms.index(measure) if measure in ms else len(ms),
        ss.index(status) if status in ss else len(ss),
        measure + status,
    )


def _group_order(key: Any) -> tuple[bool, str]:
    return (key is None, f"{key:>12}" if isinstance(key, int) else str(key or ""))


# -- table builders --------------------------------------------------------------------------------
def measure_status_table(rows: list[tuple[Any, ...]]) -> Table:
    data = sorted(([m, s, int(n)] for m, s, n in rows), key=lambda r: _measure_order(r[0], r[1]))
    return Table(
        "measure_status",
        "Measure mentions by status",
        ["measure", "status", "count"],
        data,
        "Each mention of a measure counted once, with the status read from its sentence.",
    )


def measure_status_wide(long: Table) -> Table:
    statuses = labels.statuses()
    grid: dict[str, Counter[str]] = defaultdict(Counter)
    for m, s, n in long.rows:
        grid[m][s] += n
    order = [m for m in labels.measures() if m in grid] + sorted(set(grid) - set(labels.measures()))
    rows = [[m, *(grid[m][s] for s in statuses), sum(grid[m].values())] for m in order]
    return Table("measure_status_wide", "Measures x status (mentions)", ["measure", *statuses, "total"], rows)


def signal_table(rows: list[tuple[Any, ...]], sentences: int, documents: int) -> Table:
    data = [
        [
            g,
            int(n),
            int(ns),
            int(nd),
            rate(int(n), sentences, 1000, 2),
            rate(int(n), documents),
            rate(int(nd), documents, 100, 1),
        ]
        for g, n, ns, nd in rows
    ]
    data.sort(key=lambda r: (-r[1], r[0]))
    return Table(
        "signal_prevalence",
        "Missed-opportunity signals: prevalence",
        ["signal", "count", "sentences", "documents", "per_1000_sentences", "per_document", "pct_documents"],
        data,
        f"Rates over {sentences} sentences and {documents} documents in scope.",
    )


def grouped_measure_table(dim: str, rows: list[tuple[Any, ...]]) -> Table:
    data = [[key_text(k), m, s, int(n)] for k, m, s, n in rows]
    keys = {key_text(k): k for k, *_ in rows}
    data.sort(key=lambda r: (_group_order(keys[r[0]]), _measure_order(r[1], r[2])))
    return Table(
        f"measure_status_by_{dim}",
        f"Measure mentions by status and {dim}",
        [dim, "measure", "status", "count"],
        data,
    )


def grouped_signal_table(dim: str, rows: list[tuple[Any, ...]], sizes: dict[Any, dict[str, int]]) -> Table:
    data = []
    for key, g, n, _ns, nd in rows:
        size = sizes.get(key, {"sentences": 0, "documents": 0})
        data.append(
            [
                key_text(key),
                g,
                int(n),
                int(nd),
                rate(int(n), size["sentences"], 1000, 2),
                rate(int(n), size["documents"]),
            ]
        )
    keys = {key_text(k): k for k, *_ in rows}
    data.sort(key=lambda r: (_group_order(keys[r[0]]), -r[2], r[1]))
    return Table(
        f"signal_prevalence_by_{dim}",
        f"Signal prevalence by {dim}",
        [dim, "signal", "count", "documents", "per_1000_sentences", "per_document"],
        data,
    )


def group_summary_table(dim: str, sizes: dict[Any, dict[str, int]]) -> Table:
    data = [
        [
            key_text(k),
            v["documents"],
            v["sentences"],
            v["mentions"],
            v["signals"],
            rate(v["signals"], v["sentences"], 1000, 2),
        ]
        for k, v in sorted(sizes.items(), key=lambda kv: _group_order(kv[0]))
    ]
    return Table(
        f"{dim}_summary",
        f"Corpus by {dim}",
        [dim, "documents", "sentences", "mentions", "signals", "signals_per_1000_sentences"],
        data,
    )
