"""Case chronology: the dates, times, measure mentions and signals of a document, in date order.

Each mention or signal takes the first date found in its own sentence, else the date (and
time) in force where its sentence starts: the last absolute or relative date read before it.
Events before any date come first, in text order; the rest sort by date, time, then position
(in a sentence, its date first).
A case split over several documents (`--doc A --doc B`) merges their events on one timeline.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import UsageError
from pipeline.report.dates import Moment, find_moments
from pipeline.store import CorpusStore

COLUMNS = ["doc_id", "date", "time", "approximate", "kind", "label", "status", "page", "start", "end", "text",
           "sentence"]  # fmt: skip
DATE_KINDS = ("date", "datetime", "relative", "time")


@dataclass
class Event:
    """One line of a chronology."""

    doc_id: str
    date: dt.date | None
    time: dt.time | None
    approximate: bool
    kind: str  # date, datetime, time, relative, mention, signal
    label: str  # measure or signal code; the resolved date for date kinds
    status: str
    page: int | None
    start: int
    end: int
    text: str
    sentence: str
    doc_order: int = 0
    anchor: int = 0  # start of the event's sentence

    def sort_key(self) -> tuple[bool, dt.date, dt.time, int, int, int, int]:
        """Date, time, document, sentence; in a sentence its dates first, then text order."""
        kinds = 0 if self.kind in DATE_KINDS else 1
        return (self.date is not None, self.date or dt.date.min, self.time or dt.time.min, self.doc_order,
                self.anchor, kinds, self.start)  # fmt: skip

    def row(self) -> list[Any]:
        return [
            self.doc_id, self.date.isoformat() if self.date else "",
            self.time.strftime("%H:%M") if self.time else "",
            "yes" if self.approximate else "", self.kind, self.label, self.status,
            self.page if self.page is not None else "", self.start, self.end, self.text, self.sentence,
        ]  # fmt: skip


@dataclass
class DocumentInfo:
    doc_id: str
    force: str | None
    date: str | None
    doc_type: str | None
    year: int | None


@dataclass
class Chronology:
    documents: list[DocumentInfo]
    events: list[Event] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return ", ".join(d.doc_id for d in self.documents)

    def rows(self) -> list[list[Any]]:
        return [e.row() for e in self.events]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.events:
            key = "dates" if e.kind in DATE_KINDS else f"{e.kind}s"
            out[key] = out.get(key, 0) + 1
        return out


@dataclass
class _Sentence:
    start: int
    end: int
    page: int | None
    text: str


def _one_line(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


class _Timeline:
    """The date and time in force at any offset, from the moments in text order."""

    def __init__(self, moments: list[Moment]) -> None:
        self.starts: list[int] = []
        self.states: list[tuple[dt.date | None, dt.time | None, bool]] = []
        day: dt.date | None = None
        clock: dt.time | None = None
        approx = False
        for m in moments:
            if m.kind == "time":
                clock = m.time
            elif m.date is not None:
                day, clock, approx = m.date, m.time, m.approximate
            else:
                continue
            self.starts.append(m.start)
            self.states.append((day, clock, approx))

    def at(self, offset: int) -> tuple[dt.date | None, dt.time | None, bool]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.states[i] if i >= 0 else (None, None, False)


def build_chronology(store: CorpusStore, doc_ids: str | Sequence[str]) -> Chronology:
    """The chronology of stored documents (a one-line error for an id not in the store)."""
    ids = [doc_ids] if isinstance(doc_ids, str) else list(dict.fromkeys(doc_ids))
    if not ids:
        raise UsageError("give at least one --doc ID")
    chron = Chronology([])
    for order, doc_id in enumerate(ids):
        chron.events += _document_events(store, doc_id, order, chron.documents)
    chron.events.sort(key=Event.sort_key)
    return chron


def _document_events(store: CorpusStore, doc_id: str, order: int, infos: list[DocumentInfo]) -> list[Event]:
    docs = store.query("SELECT text, force, date, doc_type, year FROM documents WHERE id = ?", [doc_id])
    if not docs:
        raise UsageError(f"no document {doc_id!r} in the store (find ids with `vawg search --format csv`)")
    text, force, date, doc_type, year = docs[0]
    infos.append(DocumentInfo(doc_id, force, date, doc_type, year))
    sentences = [
        _Sentence(int(s), int(e), pg, t)
        for s, e, pg, t in store.query(
            'SELECT start, "end", page, text FROM sentences WHERE doc_id = ? ORDER BY start', [doc_id]
        )
    ]
    sent_starts = [s.start for s in sentences]
    pages = store.query("SELECT page, start FROM pages WHERE doc_id = ? ORDER BY start", [doc_id])
    page_starts = [int(p[1]) for p in pages]

    def sentence_at(offset: int) -> _Sentence | None:
        i = bisect.bisect_right(sent_starts, offset) - 1
        return sentences[i] if i >= 0 and offset < sentences[i].end else None

    def page_at(offset: int) -> int | None:
        i = bisect.bisect_right(page_starts, offset) - 1
        if i >= 0:
            return int(pages[i][0])
        sent = sentence_at(offset)
        return sent.page if sent else None

    def context(offset: int) -> str:
        sent = sentence_at(offset)
        return _one_line(sent.text) if sent else _one_line(text[max(0, offset - 80) : offset + 120])

    def event(when: tuple[dt.date | None, dt.time | None, bool], kind: str, label: str, status: str,
              page: int | None, start: int, end: int, surface: str) -> Event:  # fmt: skip
        sent = sentence_at(start)
        anchor = sent.start if sent else start
        return Event(
            doc_id, *when, kind, label, status, page, start, end, surface, context(start), order, anchor
        )

    moments = find_moments(text, int(year) if year is not None else None)
    timeline = _Timeline(moments)
    first_in_sentence: dict[int, Moment] = {}
    events = []
    for m in moments:
        sent = sentence_at(m.start)
        if sent is not None and m.date is not None and m.kind != "time":
            first_in_sentence.setdefault(sent.start, m)
        label = m.date.isoformat() if m.date else ""
        events.append(
            event(
                (m.date, m.time, m.approximate), m.kind, label, "", page_at(m.start), m.start, m.end, m.text
            )
        )

    def when(offset: int) -> tuple[dt.date | None, dt.time | None, bool]:
        sent = sentence_at(offset)
        if sent is not None and sent.start in first_in_sentence:
            m = first_in_sentence[sent.start]
            return m.date, m.time, m.approximate
        return timeline.at(sent.start if sent else offset)

    for start, end, page, label, status, surface in store.query(
        'SELECT start, "end", page, label, status, text FROM mentions WHERE doc_id = ? ORDER BY start',
        [doc_id],
    ):
        start, end = int(start), int(end)
        events.append(
            event(when(start), "mention", label, status, page or page_at(start), start, end, surface)
        )
    for label, start, end in store.query(
        'SELECT g.label, s.start, s."end" FROM signals g JOIN sentences s ON s.id = g.sentence_id '
        "WHERE g.doc_id = ? ORDER BY s.start, g.label",
        [doc_id],
    ):
        start, end = int(start), int(end)
        events.append(event(when(start), "signal", label, "", page_at(start), start, end, ""))
    return events
