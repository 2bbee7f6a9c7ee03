"""Pseudonymise loose strings (report cells, chronology lines) consistently as one case."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.privacy.redact import RedactOptions, Redactor

if TYPE_CHECKING:
    from pipeline.report.chronology import Chronology
    from pipeline.report.output import Written

SEPARATOR = "\n\u2063\n"  # never inside a personal-data span


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
    kept = [
        dataclasses.replace(e, sentence=cells[i], text=cells[n + i])
        for i, e in enumerate(events)
        if not any(e.text and e.text in f for f in found)
    ]
    return dataclasses.replace(chron, events=kept)


def report_chronology_redacted(
    db: str, doc_ids: str | Sequence[str], out: Path, options: RedactOptions | None = None
) -> tuple[Chronology, Written]:
    """`pipeline.report.report_chronology` with personal data pseudonymised before writing."""
    from pipeline.report.chronology import build_chronology
    from pipeline.report.output import check_out, write_chronology
    from pipeline.store import open_store

    check_out(out)
    with open_store(db) as store:
        chron = build_chronology(store, doc_ids)
    chron = redact_chronology(chron, Redactor(options))
    return chron, write_chronology(chron, out)
