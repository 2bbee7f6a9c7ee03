"""Plain data passed between the store, the search functions and their callers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pipeline import labels
from pipeline.errors import UsageError


def iso_date(value: str | None, what: str = "date") -> str | None:
    """Check a YYYY-MM-DD date given by a user; None passes through."""
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"{what} must be a date like 2023-01-31, not {value!r}") from None


def _check(values: tuple[str, ...], allowed: list[str], what: str) -> None:
    for v in values:
        if v not in allowed:
            raise UsageError(f"unknown {what} {v!r} (one of: {', '.join(allowed)})")


@dataclass(frozen=True)
class Filters:
    """Annotation and metadata filters; every given field narrows the hits (values in a field: any of)."""

    measure: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    signal: tuple[str, ...] = ()
    force: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    doc_type: tuple[str, ...] = ()
    doc_id: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("measure", "status", "signal", "force", "doc_type", "doc_id"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(v for v in value if v))
        _check(self.measure, labels.measures(), "measure")
        _check(self.status, labels.statuses(), "status")
        _check(self.signal, labels.signals(), "signal")
        object.__setattr__(self, "date_from", iso_date(self.date_from, "--from"))
        object.__setattr__(self, "date_to", iso_date(self.date_to, "--to"))

    @property
    def has_mention(self) -> bool:
        return bool(self.measure or self.status)

    @property
    def has_document(self) -> bool:
        return bool(self.force or self.doc_type or self.date_from or self.date_to)


@dataclass
class Mention:
    label: str
    status: str
    start: int
    end: int
    text: str
    page: int | None


@dataclass
class Signal:
    label: str
    score: float | None


@dataclass
class Hit:
    """One matching sentence with its place in the document and its annotations."""

    doc_id: str
    page: int | None
    start: int
    end: int
    sentence: str
    score: float
    sentence_id: int
    terms: list[tuple[int, int]] = field(default_factory=list)  # matched words, offsets in `sentence`
    mentions: list[Mention] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)

    def highlighted(self, left: str = "[", right: str = "]") -> str:
        """The sentence with matched words wrapped in markers."""
        out, pos = [], 0
        for s, e in self.terms:
            out += [self.sentence[pos:s], left, self.sentence[s:e], right]
            pos = e
        out.append(self.sentence[pos:])
        return "".join(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "page": self.page,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 6),
            "highlighted": self.highlighted(),
            "terms": [list(t) for t in self.terms],
            "mentions": [vars(m) for m in self.mentions],
            "signals": [vars(s) for s in self.signals],
        }


@dataclass
class SearchResult:
    query: str
    filters: Filters
    total: int
    hits: list[Hit]
    limit: int
    offset: int
    exact_total: bool = True  # False: more than `total` sentences match (counting stopped)
    order: str = "rank"  # "rank", "document" (filter-only), or "indexed" (too many matches to rank)


@dataclass
class Facets:
    """Counts of matching sentences by measure x status, signal, force and year."""

    total: int
    exact_total: bool = True
    sample: int | None = None  # counts cover only the first `sample` matches of a larger result
    measure_status: dict[tuple[str, str], int] = field(default_factory=dict)
    signal: dict[str, int] = field(default_factory=dict)
    force: dict[str | None, int] = field(default_factory=dict)
    year: dict[int | None, int] = field(default_factory=dict)

    def rows(self) -> list[dict[str, Any]]:
        """Flat rows: facet, key, status (measure rows only), count."""
        out: list[dict[str, Any]] = [{"facet": "total", "key": None, "status": None, "count": self.total}]
        out += [
            {"facet": "measure", "key": m, "status": s, "count": n}
            for (m, s), n in self.measure_status.items()
        ]
        out += [{"facet": "signal", "key": k, "status": None, "count": n} for k, n in self.signal.items()]
        out += [{"facet": "force", "key": k, "status": None, "count": n} for k, n in self.force.items()]
        out += [{"facet": "year", "key": k, "status": None, "count": n} for k, n in self.year.items()]
        return out


@dataclass
class IndexStats:
    """What an index run did: documents added, replaced, unchanged, refused; rows written."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    failed: int = 0
    sentences: int = 0
    mentions: int = 0
    signals: int = 0
    dropped_spans: int = 0
    errors: list[str] = field(default_factory=list)

    def merge(self, other: IndexStats) -> None:
        for name in (
            "added",
            "replaced",
            "unchanged",
            "failed",
            "sentences",
            "mentions",
            "signals",
            "dropped_spans",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)

    def as_dict(self) -> dict[str, Any]:
        d = dict(vars(self))
        d["errors"] = self.errors[:20]
        return d
