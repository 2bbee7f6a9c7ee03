"""Pseudonymise loose strings (report cells, chronology lines) consistently as one case, and the
reports built from them: chronologies and corpus reports (`vawg report --redact`).

Document ids become pseudonymous (`doc-<hash>`, keyed with --key-file: the same ids as
`vawg serve --redact` shows), since ids made from file names often hold names."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.privacy.pseudonym import DOC_ID_PREFIX, pseudonymous_id
from pipeline.privacy.redact import RedactOptions, Redactor

if TYPE_CHECKING:
    from pipeline.report.chronology import Chronology
    from pipeline.report.corpus import CorpusReport
    from pipeline.report.output import Written
    from pipeline.store import Filters

SEPARATOR = "\n\u2063\n"  # never inside a personal-data span
PATH_WITHHELD = "(path withheld)"
# A file path or file name (they often hold a person's name): anything with a slash, or a name
# ending in a document extension.
_PATH = re.compile(
    r"""(?:[A-Za-z]:)?[^\s'"]*[\\/][^\s'"]*"""
    r"""|[^\s'"]+\.(?:pdf|docx?|rtf|odt|txt|html?|eml|msg|jsonl?|csv|xlsx?|zip|png|jpe?g|tiff?)\b""",
    re.IGNORECASE,
)


def redact_texts(texts: Sequence[str], redactor: Redactor | None = None) -> tuple[list[str], set[str]]:
    """The strings with personal data pseudonymised (one person, one pseudonym across all of
    them) and the set of original personal-data strings found."""
    redactor = redactor or Redactor()
    joined = SEPARATOR.join(t.replace(SEPARATOR, "\n") for t in texts)
    record = {"id": "", "text": joined, "entities": [], "signals": []}
    plan = redactor.plan(record)
    found = {joined[r.start : r.end] for r in plan}
    out = str(redactor.redact(record)["text"]).split(SEPARATOR) if plan else list(texts)
    if len(out) != len(texts):  # a span crossed a separator: redact each string alone instead
        out = [
            str(redactor.redact({"id": "", "text": t, "entities": [], "signals": []})["text"]) for t in texts
        ]
    return out, found


def redact_chronology(chron: Chronology, redactor: Redactor | None = None) -> Chronology:
    """The chronology with its text and sentence cells pseudonymised; events that are themselves
    personal data (a date of birth read as a date) are left out."""
    events = chron.events
    cells, found = redact_texts([e.sentence for e in events] + [e.text for e in events], redactor)
    n = len(events)
    shown = _id_pseudonymiser(redactor)
    kept = [
        dataclasses.replace(e, doc_id=shown(e.doc_id), sentence=cells[i], text=cells[n + i])
        for i, e in enumerate(events)
        if not any(e.text and e.text in f for f in found)
    ]
    documents = [dataclasses.replace(d, doc_id=shown(d.doc_id)) for d in chron.documents]
    return dataclasses.replace(chron, documents=documents, events=kept)


def _id_pseudonymiser(redactor: Redactor | None) -> Callable[[str], str]:
    key = redactor.options.key if redactor is not None else None
    return lambda doc_id: pseudonymous_id(str(doc_id), key)


def withhold_paths(text: str) -> str:
    """`text` with every file path or file name replaced by `(path withheld)`."""
    return _PATH.sub(PATH_WITHHELD, text)


def redact_corpus_report(report: CorpusReport, redactor: Redactor | None = None) -> CorpusReport:
    """The corpus report with pseudonymous document ids in every `doc_id` column, and free-text
    cells (a manifest's example reasons) without paths or personal data; counts are unchanged."""
    shown = _id_pseudonymiser(redactor)
    tables = {}
    for name, table in report.tables.items():
        rows = [list(r) for r in table.rows]
        note = table.note
        if "doc_id" in table.columns:
            i = table.columns.index("doc_id")
            for row in rows:
                row[i] = shown(row[i])
            note = (note + " " if note else "") + "Document ids are pseudonymous (vawg report --redact)."
        if "example_reason" in table.columns:
            i = table.columns.index("example_reason")
            cells, _ = redact_texts([withhold_paths(str(r[i] or "")) for r in rows], redactor)
            for row, cell in zip(rows, cells, strict=True):
                row[i] = cell
        tables[name] = dataclasses.replace(table, rows=rows, note=note)
    query = report.coverage.query
    if query:  # the query is the user's own words, but it may name someone
        query = redact_texts([query], redactor)[0][0]
    coverage = dataclasses.replace(report.coverage, store=withhold_paths(report.coverage.store), query=query)
    return dataclasses.replace(report, coverage=coverage, tables=tables)


def report_corpus_redacted(
    db: str,
    out: Path,
    query: str = "",
    filters: Filters | None = None,
    *,
    top: int = 20,
    manifest: Path | None = None,
    progress: Callable[[str], None] | None = None,
    options: RedactOptions | None = None,
) -> tuple[CorpusReport, Written]:
    """`pipeline.report.report_corpus` with pseudonymous document ids and no paths or personal
    data in its text cells, before anything is written."""
    from pipeline.report.corpus import build_report
    from pipeline.report.output import check_out, write_corpus_report
    from pipeline.store import open_store
    from pipeline.store.base import redact

    check_out(out)
    with open_store(db) as store:
        report = build_report(
            store, query, filters, store_name=redact(db), top=top, manifest=manifest, progress=progress
        )
    report = redact_corpus_report(report, Redactor(options))
    return report, write_corpus_report(report, out, progress)


def report_chronology_redacted(
    db: str, doc_ids: str | Sequence[str], out: Path, options: RedactOptions | None = None
) -> tuple[Chronology, Written]:
    """`pipeline.report.report_chronology` with personal data pseudonymised before writing."""
    from pipeline.report.chronology import build_chronology
    from pipeline.report.output import check_out, write_chronology
    from pipeline.store import open_store

    check_out(out)
    with open_store(db) as store:
        ids = [doc_ids] if isinstance(doc_ids, str) else list(doc_ids)
        if any(i.startswith(DOC_ID_PREFIX) for i in ids):  # pseudonymous ids, as --redact shows them
            key = options.key if options is not None else None
            every = [str(r[0]) for r in store.query("SELECT id FROM documents")]
            real = {pseudonymous_id(i, key): i for i in every}
            ids = [real.get(i, i) for i in ids]
        chron = build_chronology(store, ids)
    chron = redact_chronology(chron, Redactor(options))
    return chron, write_chronology(chron, out)
