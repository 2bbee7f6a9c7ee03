"""Build every table of a corpus report from a store (the plain function behind `vawg report`)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import bad_jsonl, not_found
from pipeline.ingest.base import Status
from pipeline.report.tables import (
    MODEL_KEYS,
    Aggregator,
    Coverage,
    Table,
    group_summary_table,
    grouped_measure_table,
    grouped_signal_table,
    key_text,
    measure_status_table,
    measure_status_wide,
    rate,
    signal_table,
)
from pipeline.store import CorpusStore, Filters

Progress = Callable[[str], None]
_STATUSES = {s.value for s in Status}
UNKNOWN_READER = "(unknown)"


@dataclass
class CorpusReport:
    """The report's coverage and its tables, by CSV name, in display order."""

    coverage: Coverage
    tables: dict[str, Table] = field(default_factory=dict)

    def add(self, table: Table) -> None:
        self.tables[table.name] = table


def ingest_outcome(meta: dict[str, Any]) -> str:
    """How a document's source was read, from its meta: a manifest status, or OCR use per page."""
    for key in ("ingest_status", "status"):
        if meta.get(key) in _STATUSES:
            return str(meta[key])
    methods = meta.get("methods")
    if isinstance(methods, list):
        read = [m for m in methods if m in ("text", "layout", "ocr")]
        if read and all(m == "ocr" for m in read):
            return Status.OCR.value
        if "ocr" in read:
            return "ok+ocr"
    return Status.OK.value


def model_name(meta: dict[str, Any]) -> str | None:
    """The annotating model recorded in a document's meta ("name version"), if any."""
    parts = []
    for key in MODEL_KEYS:
        value = meta.get(key)
        if isinstance(value, dict):
            value = " ".join(str(value[k]) for k in ("name", "version") if value.get(k))
        if value not in (None, "", [], {}):
            parts.append(f"{key}={value}")
    return ", ".join(parts) or None


def _outcomes_table(agg: Aggregator, coverage: Coverage) -> Table:
    groups: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    models: Counter[str] = Counter()
    for _doc_id, meta, page_rows in agg.metas():
        key = (str(meta.get("reader") or UNKNOWN_READER), ingest_outcome(meta))
        raw_methods = meta.get("methods")
        methods: list[Any] = raw_methods if isinstance(raw_methods, list) else []
        pages = meta.get("page_count")
        c = groups[key]
        c["documents"] += 1
        c["pages"] += pages if isinstance(pages, int) and not isinstance(pages, bool) else page_rows
        c["ocr_pages"] += methods.count("ocr")
        c["skipped_pages"] += methods.count("skipped_ocr") + methods.count("empty")
        c["annotate_errors"] += 1 if meta.get("annotate_error") else 0
        models[model_name(meta) or "not recorded"] += 1
    if set(models) != {"not recorded"}:
        coverage.models = dict(models.most_common())
    cols = ["documents", "pages", "ocr_pages", "skipped_pages", "annotate_errors"]
    rows = [
        [reader, outcome, *(groups[(reader, outcome)][c] for c in cols)] for reader, outcome in sorted(groups)
    ]
    return Table(
        "ingest_outcomes",
        "Ingest outcomes of the indexed documents",
        ["reader", "outcome", *cols],
        rows,
        "From each document's meta (reader, per-page methods, annotate errors). Sources that failed "
        "to read never reach the store: pass the run's manifest (--manifest) to count them.",
    )


def manifest_table(path: Path) -> Table:
    """Outcomes of every source of a run (`manifest.jsonl`), failures included."""
    if not path.is_file():
        raise not_found(path)
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    reasons: dict[str, str] = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                if n == 1:
                    raise bad_jsonl(path, n, exc.msg) from None
                continue  # a torn last line of an interrupted run
            if not isinstance(entry, dict):
                continue
            status = str(entry.get("status") or UNKNOWN_READER)
            c = groups[status]
            c["sources"] += 1
            docs = entry.get("documents")
            c["documents"] += len(docs) if isinstance(docs, list) else 0
            pages = entry.get("pages")
            c["pages"] += pages if isinstance(pages, int) else 0
            if entry.get("reason") and status not in reasons:
                reasons[status] = str(entry["reason"])[:160]
    rows = [
        [s, c["sources"], c["documents"], c["pages"], reasons.get(s, "")]
        for s, c in sorted(groups.items(), key=lambda kv: (-kv[1]["sources"], kv[0]))
    ]
    return Table(
        "ingest_manifest",
        f"Ingest outcomes of every source ({path.name}, whole run, not filtered)",
        ["status", "sources", "documents", "pages", "example_reason"],
        rows,
    )


def _top_documents(agg: Aggregator, limit: int) -> Table:
    top = agg.top_documents(limit)
    ids = [r[0] for r in top]
    sentences = dict(agg.per_document("sentences", ids))
    by_label: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for doc_id, label, n in agg.per_document("signals", ids, ", label"):
        by_label[doc_id].append((label, int(n)))
    rows = []
    for doc_id, force, date, doc_type, n, _labels in top:
        labels_text = "|".join(f"{g}:{k}" for g, k in sorted(by_label[doc_id], key=lambda x: (-x[1], x[0])))
        n_sent = int(sentences.get(doc_id, 0))
        rows.append(
            [
                doc_id,
                key_text(force),
                date or "",
                doc_type or "",
                n_sent,
                int(n),
                rate(int(n), n_sent, 1000, 2),
                labels_text,
            ]
        )
    return Table(
        "top_documents",
        f"Documents with the most signals (top {limit})",
        [
            "doc_id",
            "force",
            "date",
            "doc_type",
            "sentences",
            "signals",
            "per_1000_sentences",
            "signals_by_label",
        ],
        rows,
    )


def build_report(
    store: CorpusStore,
    query: str = "",
    filters: Filters | None = None,
    *,
    store_name: str = "",
    top: int = 20,
    manifest: Path | None = None,
    progress: Progress | None = None,
) -> CorpusReport:
    """Every table of the corpus report over the documents matching `query` and `filters`."""
    say = progress or (lambda _msg: None)
    filters = filters or Filters()
    agg = Aggregator(store, query, filters)
    coverage = Coverage(store=store_name or store.name, query=query, filters=filters)
    say("counting documents, sentences, mentions and signals")
    totals = agg.totals()
    coverage.documents, coverage.sentences = totals["documents"], totals["sentences"]
    coverage.mentions, coverage.signals = totals["mentions"], totals["signals"]
    coverage.date_from, coverage.date_to = agg.date_range()
    report = CorpusReport(coverage)

    say("measures x status")
    long = measure_status_table(agg.measure_status())
    report.add(long)
    report.add(measure_status_wide(long))
    say("signal prevalence")
    report.add(signal_table(agg.signal_counts(), coverage.sentences, coverage.documents))
    for dim, column in (("force", "force"), ("year", "year")):
        say(f"tables by {dim}")
        sizes = agg.group_sizes(column)
        report.add(group_summary_table(dim, sizes))
        report.add(grouped_measure_table(dim, agg.measure_status(column)))
        report.add(grouped_signal_table(dim, agg.signal_counts(column), sizes))
        if dim == "force":
            coverage.forces = [key_text(k) for k in sorted(sizes, key=lambda k: (k is None, str(k)))]
    say("ingest outcomes")
    report.add(_outcomes_table(agg, coverage))
    if manifest is not None:
        report.add(manifest_table(manifest))
    say("top documents by signals")
    report.add(_top_documents(agg, top))
    return report
