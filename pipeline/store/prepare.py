"""Turn one record into the rows a store writes: document, pages, sentences, mentions, signals.

Both back-ends index exactly these rows, which is what keeps their results the same.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from pipeline import labels
from pipeline.store.sentences import sentence_index, split_sentences


class BadRecord(ValueError):
    """A record that cannot be indexed at all (no id, no text)."""


@dataclass
class PreparedDoc:
    id: str
    text: str
    source: str | None
    sha256: str | None
    force: str | None
    date: str | None
    year: int | None
    doc_type: str | None
    meta_json: str
    record_hash: str
    pages: list[tuple[int, int, int]] = field(default_factory=list)
    sentences: list[tuple[int | None, int, int, str]] = field(default_factory=list)  # page, start, end, text
    mentions: list[tuple[int, int | None, int, int, str, str, str]] = field(default_factory=list)
    signals: list[tuple[int | None, str, float | None, int | None, int | None]] = field(default_factory=list)
    dropped: int = 0


_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def normalise_date(value: Any) -> str | None:
    """ISO date from meta: YYYY-MM-DD kept, YYYY(-MM) -> first day, DD/MM/YYYY read UK-style."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    raw = str(value).strip()
    m = _ISO.match(raw)
    parts: tuple[str | None, ...] | None = None
    if m:
        parts = (m.group(1), m.group(2) or "1", m.group(3) or "1")
    elif m2 := _DMY.match(raw):
        parts = (m2.group(3), m2.group(2), m2.group(1))
    if parts is None:
        return None
    try:
        return dt.date(int(parts[0] or 0), int(parts[1] or 0), int(parts[2] or 0)).isoformat()
    except ValueError:
        return None


def _text_or_none(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


class _Pages:
    def __init__(self, pages: list[tuple[int, int, int]]) -> None:
        self.pages = sorted(pages, key=lambda p: p[1])
        self.starts = [p[1] for p in self.pages]

    def at(self, offset: int) -> int | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.pages[i][0] if i >= 0 else (self.pages[0][0] if self.pages else None)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def prepare(record: dict[str, Any]) -> PreparedDoc:
    """Rows for one record; spans with bad offsets or labels are dropped and counted, never fatal."""
    doc_id = record.get("id")
    text = record.get("text")
    if not isinstance(doc_id, str | int) or str(doc_id) == "" or not isinstance(text, str):
        raise BadRecord("record needs a string 'id' and 'text'")
    meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
    assert isinstance(meta, dict)
    n = len(text)
    measures, statuses, signal_codes = set(labels.measures()), set(labels.statuses()), set(labels.signals())
    dropped = 0

    pages: list[tuple[int, int, int]] = []
    for p in record.get("pages") or []:
        if isinstance(p, dict) and _int(p.get("page")) and _int(p.get("start")) is not None:
            pages.append((int(p["page"]), int(p["start"]), int(p.get("end") or p["start"])))
    page_map = _Pages(pages)

    ents: list[dict[str, Any]] = []
    for e in record.get("entities") or []:
        s, end = (_int(e.get("start")), _int(e.get("end"))) if isinstance(e, dict) else (None, None)
        if s is None or end is None or not 0 <= s < end <= n:
            dropped += 1
        elif e.get("label") not in measures or e.get("status") not in statuses:
            dropped += 1
        else:
            ents.append(e)
    sigs: list[dict[str, Any]] = []
    for g in record.get("signals") or []:
        if not isinstance(g, dict) or g.get("label") not in signal_codes:
            dropped += 1
            continue
        s, end = _int(g.get("start")), _int(g.get("end"))
        if s is not None and end is not None and not 0 <= s < end <= n:
            dropped += 1
            continue
        sigs.append(g)

    spans = split_sentences(
        text,
        forced=[
            (g["start"], g["end"]) for g in sigs if _int(g.get("start")) is not None and _int(g.get("end"))
        ],
        protected=[(e["start"], e["end"]) for e in ents],
    )
    starts = [s for s, _ in spans]
    prepared = PreparedDoc(
        id=str(doc_id),
        text=text,
        source=_text_or_none(meta.get("source")),
        sha256=_text_or_none(meta.get("sha256")),
        force=_text_or_none(meta.get("force")),
        date=normalise_date(meta.get("date")),
        year=None,
        doc_type=_text_or_none(meta.get("document_type")) or _text_or_none(meta.get("type")),
        meta_json=json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str),
        record_hash=hashlib.sha256(
            json.dumps(record, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
        ).hexdigest(),
        pages=pages,
        sentences=[(page_map.at(s), s, e, text[s:e]) for s, e in spans],
        dropped=dropped,
    )
    prepared.year = int(prepared.date[:4]) if prepared.date else None
    for e in ents:
        i = sentence_index(starts, e["start"])
        if i is None:
            prepared.dropped += 1
            continue
        page = _int(e.get("page")) or page_map.at(e["start"])
        mention_text = e["text"] if isinstance(e.get("text"), str) else text[e["start"] : e["end"]]
        prepared.mentions.append((i, page, e["start"], e["end"], e["label"], e["status"], mention_text))
    for g in sigs:
        start, end = _int(g.get("start")), _int(g.get("end"))
        i = None
        if start is not None:
            first = start
            while first < (end or n) - 1 and text[first].isspace():
                first += 1
            i = sentence_index(starts, first)
        score = g.get("score")
        score = float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None
        prepared.signals.append((i, g["label"], score, start, end))
    return prepared
