"""What the format modules share: problem reports, record assembly, regions and offsets.

Offsets in records are Python string indices (Unicode code points). Tools written in
JavaScript may count UTF-16 code units instead (one emoji = 2); `utf16_to_index` converts
such an offset back, and readers use it only when a region's stored text proves it.

A record's *regions* are the stretches of text an annotator judges for signals: every
sentence (the pipeline's sentence splitter) plus every distinct span that already carries
a signal (a signal may cover several sentences or only part of one, so regions may
overlap). Signals without offsets are document-level and travel separately.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline import labels

PAYLOAD_KEY = "vawg"
ANNOTATION_KEY = "annotation"


@dataclass
class Problem:
    """One conflicting or malformed annotation: where, what kind, and a one-line message."""

    where: str
    kind: str
    message: str

    def line(self) -> str:
        return f"{self.where}: {self.kind}: {self.message}"


@dataclass
class ImportReport:
    """What an import read, kept and could not use."""

    tasks: int = 0
    records: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)

    def add(self, where: str, kind: str, message: str) -> None:
        self.problems.append(Problem(where, kind, message))

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(p.kind for p in self.problems).items()))

    def summary(self) -> str:
        kinds = ", ".join(f"{k}={v}" for k, v in self.counts().items()) or "none"
        return (f"{self.tasks} tasks read, {self.records} records written, {self.skipped} tasks skipped; "
                f"problems: {kinds}")

    def lines(self) -> list[str]:
        return [p.line() for p in self.problems]


# -- records ---------------------------------------------------------------------------------
def payload(record: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a record a tool must carry untouched: id, meta and pages (when present)."""
    out: dict[str, Any] = {"id": str(record.get("id", "")), "meta": copy.deepcopy(record.get("meta") or {})}
    if "pages" in record:
        out["pages"] = copy.deepcopy(record["pages"])
    return out


def page_of(pages: Sequence[Mapping[str, Any]], offset: int) -> int | None:
    for p in pages:
        if int(p["start"]) <= offset < int(p["end"]):
            return int(p["page"])
    return None


def entity(text: str, start: int, end: int, label: str, status: str,
           pages: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """A record entity with its text (and page when pages are known)."""
    item: dict[str, Any] = {"start": start, "end": end, "label": label, "status": status,
                            "text": text[start:end]}
    page = page_of(pages, start) if pages else None
    if page is not None:
        item["page"] = page
    return item


def build_record(info: Mapping[str, Any], text: str, entities: Iterable[dict[str, Any]],
                 signals: Iterable[dict[str, Any]], annotation: Mapping[str, Any] | None = None
                 ) -> dict[str, Any]:
    """A record in canonical order (entities and signals sorted by offsets, then label)."""
    meta = copy.deepcopy(dict(info.get("meta") or {}))
    if annotation:
        meta[ANNOTATION_KEY] = dict(annotation)
    record: dict[str, Any] = {"id": str(info.get("id", "")), "text": text}
    if "pages" in info:
        record["pages"] = copy.deepcopy(info["pages"])
    record["meta"] = meta
    record["entities"] = sorted(entities, key=lambda e: (e["start"], e["end"], e["label"], e["status"]))
    record["signals"] = sorted(signals, key=_signal_key)
    return record


def _signal_key(s: Mapping[str, Any]) -> tuple[int, int, str]:
    return (int(s.get("start", -1)), int(s.get("end", -1)), str(s["label"]))


def comparable(record: Mapping[str, Any], keep_scores: bool = False) -> dict[str, Any]:
    """A record reduced for equality checks: sorted lists, no `meta.annotation`, scores optional."""
    meta = {k: v for k, v in (record.get("meta") or {}).items() if k != ANNOTATION_KEY}
    sigs = [dict(s) if keep_scores else {k: v for k, v in s.items() if k != "score"}
            for s in record.get("signals") or []]
    ents = [dict(e) for e in record.get("entities") or []]
    out = {**record, "meta": meta,
           "entities": sorted(ents, key=lambda e: (e["start"], e["end"], e["label"], e["status"])),
           "signals": sorted(sigs, key=_signal_key)}
    return out


# -- regions ---------------------------------------------------------------------------------
def located_signals(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [s for s in record.get("signals") or [] if "start" in s and "end" in s]


def document_signals(record: Mapping[str, Any]) -> list[str]:
    """Signal codes given for the whole record (no offsets), in order, without repeats."""
    out: list[str] = []
    for s in record.get("signals") or []:
        if ("start" not in s or "end" not in s) and s["label"] not in out:
            out.append(s["label"])
    return out


def sentences_of(records: Sequence[Mapping[str, Any]]) -> list[list[tuple[int, int]]]:
    """Sentence spans of each record's text (one batched pass of the sentence splitter)."""
    from pipeline.train.data import sentence_bounds

    return sentence_bounds([str(r.get("text", "")) for r in records]) if records else []


def regions_of(record: Mapping[str, Any], sentences: Sequence[tuple[int, int]] | None = None
               ) -> list[tuple[int, int]]:
    """Sentence spans plus signal spans of a record, sorted, blank ones left out."""
    text = str(record.get("text", ""))
    found = {(int(s["start"]), int(s["end"])) for s in located_signals(record)}
    if text.strip():
        found.update(sentences if sentences is not None else sentences_of([record])[0])
    return sorted((s, e) for s, e in found if 0 <= s < e <= len(text) and text[s:e].strip())


def signals_by_region(record: Mapping[str, Any]) -> dict[tuple[int, int], list[tuple[str, float | None]]]:
    """Each signal span's (label, score) pairs, in record order."""
    out: dict[tuple[int, int], list[tuple[str, float | None]]] = {}
    for s in located_signals(record):
        out.setdefault((int(s["start"]), int(s["end"])), []).append((s["label"], s.get("score")))
    return out


# -- checks ----------------------------------------------------------------------------------
def check_span(text: str, start: Any, end: Any) -> str | None:
    """Why a span cannot be used (None when it can)."""
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
        return f"offsets {start!r}-{end!r} are not integers"
    if not 0 <= start < end <= len(text):
        return f"offsets {start}-{end} fall outside the text (length {len(text)}) or are empty"
    return None


def unknown_codes(values: Iterable[str], known: Iterable[str]) -> list[str]:
    allowed = set(known)
    return [v for v in values if v not in allowed]


def is_measure(code: str) -> bool:
    return code in labels.measures()


def is_status(code: str) -> bool:
    return code in labels.statuses()


def is_signal(code: str) -> bool:
    return code in labels.signals()


# -- offsets ---------------------------------------------------------------------------------
def utf16_length(text: str) -> int:
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def utf16_to_index(text: str, offset: int) -> int | None:
    """The string index of a UTF-16 offset (None when it falls inside a surrogate pair or past the end)."""
    units = 0
    for i, ch in enumerate(text):
        if units == offset:
            return i
        if units > offset:
            return None
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text) if units == offset else None


def resolve_span(text: str, start: Any, end: Any, shown: str | None) -> tuple[int, int, str | None]:
    """Offsets to use for a region, and a note when they had to be read as UTF-16 units.

    Raises ValueError with the reason when the region cannot be placed in the text.
    """
    why = check_span(text, start, end)
    if why is None and (shown is None or text[start:end] == shown):
        return start, end, None
    if isinstance(start, int) and isinstance(end, int) and shown is not None:
        s, e = utf16_to_index(text, start), utf16_to_index(text, end)
        if s is not None and e is not None and s < e and text[s:e] == shown:
            return s, e, f"offsets {start}-{end} read as UTF-16 units ({s}-{e})"
    if why is None:
        raise ValueError(f"offsets {start}-{end} hold {text[start:end]!r}, the tool showed {shown!r}")
    raise ValueError(why)
