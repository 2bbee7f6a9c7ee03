"""Documents and records: the interchange format of ../shared/spec/record.schema.json.

A `Document` is what ingestion produces (text with page provenance and metadata);
a record is its JSON form with `entities` and `signals` (empty until annotated).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import bad_jsonl


@dataclass
class Page:
    """One source page: its number and its character range in the document text."""

    page: int
    start: int
    end: int


@dataclass
class Document:
    """Text extracted from a source, with page ranges and provenance."""

    id: str
    text: str
    pages: list[Page] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        """The record form, with empty entities and signals."""
        return {
            "id": self.id,
            "text": self.text,
            "pages": [{"page": p.page, "start": p.start, "end": p.end} for p in self.pages],
            "meta": self.meta,
            "entities": [],
            "signals": [],
        }

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Document:
        pages = [Page(int(p["page"]), int(p["start"]), int(p["end"])) for p in rec.get("pages") or []]
        meta = dict(rec.get("meta") or {})
        return cls(id=str(rec["id"]), text=str(rec.get("text", "")), pages=pages, meta=meta)

    def page_at(self, offset: int) -> int | None:
        """The page number that holds character `offset`, if pages are known."""
        for p in self.pages:
            if p.start <= offset < p.end:
                return p.page
        return None


def join_pages(texts: list[str], sep: str = "\n\n") -> tuple[str, list[Page]]:
    """Concatenate page texts and return the joined text with each page's range."""
    parts: list[str] = []
    pages: list[Page] = []
    pos = 0
    for n, t in enumerate(texts, 1):
        if parts:
            parts.append(sep)
            pos += len(sep)
        pages.append(Page(n, pos, pos + len(t)))
        parts.append(t)
        pos += len(t)
    return "".join(parts), pages


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Yield objects from a JSON lines file; a bad line raises a one-line InputError."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise bad_jsonl(path, n, exc.msg) from None
            if not isinstance(obj, dict):
                raise bad_jsonl(path, n, "not an object")
            yield obj


def dumps(obj: Any) -> str:
    """One compact JSON line (UTF-8 kept readable)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_jsonl_atomic(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write rows to `path` through a temporary file and a rename; return the count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(dumps(row) + "\n")
                n += 1
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


def append_jsonl_durable(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Append whole lines and fsync, so a kill leaves at most one torn last line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        for row in rows:
            fh.write(dumps(row) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
