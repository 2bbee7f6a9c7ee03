"""Case chronology: the dates, times, measure mentions and signals of one document, in date order.

Each mention or signal takes the first date found in its own sentence, else the date (and
time) in force where its sentence starts: the last absolute or relative date read before it.
Events before any date come first, in text order; the rest sort by date, time, then position.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import UsageError
from pipeline.report.dates import Moment, find_moments
from pipeline.store import CorpusStore

COLUMNS = [
    "date",
    "time",
    "approximate",
    "kind",
    "label",
    "status",
    "page",
    "start",
    "end",
    "text",
    "sentence",
]


@dataclass
class Event:
    """One line of a chronology."""

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

    def sort_key(self) -> tuple[bool, dt.date, dt.time, int, int]:
        kinds = 0 if self.kind in ("date", "datetime", "relative", "time") else 1
        return (self.date is not None, self.date or dt.date.min, self.time or dt.time.min, self.start, kinds)

    def row(self) -> list[Any]:
        return [
            self.date.isoformat() if self.date else "",
            self.time.strftime("%H:%M") if self.time else "",
            "yes" if self.approximate else "",
            self.kind,
            self.label,
            self.status,
            self.page if self.page is not None else "",
            self.start,
            self.end,
            self.text,
            self.sentence,
        ]


@dataclass
class Chronology:
    doc_id: str
    force: str | None
    date: str | None
    doc_type: str | None
    year: int | None
    events: list[Event] = field(default_factory=list)

    def rows(self) -> list[list[Any]]:
        return [e.row() for e in self.events]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.events:
            key = "dates" if e.kind in ("date", "datetime", "relative", "time") else f"{e.kind}s"
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


def build_chronology(store: CorpusStore, doc_id: str) -> Chronology:
    """The chronology of one stored document (a one-line error if the id is not in the store)."""
    docs = store.query("SELECT text, force, date, doc_type, year FROM documents WHERE id = ?", [doc_id])
    if not docs:
        raise UsageError(f"no document {doc_id!r} in the store (find ids with `vawg search --format csv`)")
    text, force, date, doc_type, year = docs[0]
    chron = Chronology(doc_id, force, date, doc_type, year)
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

    moments = find_moments(text, int(year) if year is not None else None)
    timeline = _Timeline(moments)
    first_in_sentence: dict[int, Moment] = {}
    for m in moments:
        sent = sentence_at(m.start)
        if sent is not None and m.date is not None and m.kind != "time":
            first_in_sentence.setdefault(sent.start, m)
        context = _one_line(sent.text) if sent else _one_line(text[max(0, m.start - 80) : m.end + 80])
        chron.events.append(
            Event(
                m.date,
                m.time,
                m.approximate,
                m.kind,
                m.date.isoformat() if m.date else "",
                "",
                page_at(m.start),
                m.start,
                m.end,
                m.text,
                context,
            )
        )

    def when(offset: int) -> tuple[dt.date | None, dt.time | None, bool]:
        sent = sentence_at(offset)
        if sent is not None and sent.start in first_in_sentence:
            m = first_in_sentence[sent.start]
            return m.date, m.time, m.approximate
        return timeline.at(sent.start if sent else offset)

    for start, end, page, label, status, mtext in store.query(
        'SELECT start, "end", page, label, status, text FROM mentions WHERE doc_id = ? ORDER BY start',
        [doc_id],
    ):
        day, clock, approx = when(int(start))
        sent = sentence_at(int(start))
        chron.events.append(
            Event(
                day,
                clock,
                approx,
                "mention",
                label,
                status,
                page or page_at(int(start)),
                int(start),
                int(end),
                mtext,
                _one_line(sent.text) if sent else "",
            )
        )
    for label, sstart, send, sid in store.query(
        'SELECT g.label, s.start, s."end", g.sentence_id FROM signals g LEFT JOIN sentences s '
        "ON s.id = g.sentence_id WHERE g.doc_id = ? ORDER BY s.start, g.label",
        [doc_id],
    ):
        offset = int(sstart) if sstart is not None else 0
        day, clock, approx = when(offset) if sid is not None else (None, None, False)
        sent = sentence_at(offset) if sid is not None else None
        chron.events.append(
            Event(
                day,
                clock,
                approx,
                "signal",
                label,
                "",
                page_at(offset),
                offset,
                int(send) if send is not None else offset,
                _one_line(sent.text) if sent else "",
                _one_line(sent.text) if sent else "",
            )
        )
    chron.events.sort(key=Event.sort_key)
    return chron
