"""The plain functions behind `vawg report`: a corpus report, or one document's chronology."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.report.chronology import Chronology, build_chronology
from pipeline.report.corpus import CorpusReport, build_report
from pipeline.report.output import Written, check_out, write_chronology, write_corpus_report
from pipeline.store import Filters, open_store
from pipeline.store.base import redact

Progress = Callable[[str], None]


def report_corpus(
    db: str,
    out: Path,
    query: str = "",
    filters: Filters | None = None,
    *,
    top: int = 20,
    manifest: Path | None = None,
    progress: Progress | None = None,
) -> tuple[CorpusReport, Written]:
    """Build the corpus report over the documents matching `query`/`filters` and write it to `out`."""
    check_out(out)
    with open_store(db) as store:
        report = build_report(
            store, query, filters, store_name=redact(db), top=top, manifest=manifest, progress=progress
        )
    return report, write_corpus_report(report, out, progress)


def report_chronology(db: str, doc_ids: str | Sequence[str], out: Path) -> tuple[Chronology, Written]:
    """Build the chronology of a document (or of a case's documents) and write chronology.csv and
    index.html to `out`."""
    check_out(out)
    with open_store(db) as store:
        chron = build_chronology(store, doc_ids)
    return chron, write_chronology(chron, out)
