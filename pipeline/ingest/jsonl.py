"""JSON lines of {"id", "text", ...}: one Document per line, ids kept, other keys into meta.

Lines that are not JSON objects with a string "text" are skipped and reported in the
outcome's reason (the manifest); a file with only bad lines is CORRUPT. Duplicate ids within a
file get a `~N` suffix (the original is kept in meta `duplicate_id`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.ingest.base import Reader, ReadFailure, ReadOptions, SourceResult, Status, register
from pipeline.ingest.helpers import base_meta, decode_bytes, normalise_newlines
from pipeline.records import Document, Page

MAX_REPORTED = 20


def _pages(value: Any, length: int) -> list[Page]:
    """Valid page ranges from a record, or none."""
    if not isinstance(value, list):
        return []
    try:
        pages = [Page(int(p["page"]), int(p["start"]), int(p["end"])) for p in value]
    except (KeyError, TypeError, ValueError):
        return []
    return pages if all(0 <= p.start <= p.end <= length for p in pages) else []


def parse_line(line: str, lineno: int, source_id: str) -> Document:
    """One JSON line to a Document; raises ValueError with a short reason."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from None
    if not isinstance(obj, dict):
        raise ValueError("not an object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValueError('no string "text"')
    raw_id = obj.get("id")
    doc_id = str(raw_id) if isinstance(raw_id, (str, int)) and str(raw_id) else f"{source_id}-{lineno}"
    meta = dict(obj["meta"]) if isinstance(obj.get("meta"), dict) else {}
    for key, value in obj.items():
        if key not in ("id", "text", "meta", "pages", "entities", "signals"):
            meta[key] = value
    return Document(id=doc_id, text=text, pages=_pages(obj.get("pages"), len(text)), meta=meta)


class JsonlReader(Reader):
    name = "jsonl"
    extensions = (".jsonl", ".ndjson", ".jsonlines")

    def sniff(self, head: bytes, path: Path) -> bool:
        body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not body.startswith(b"{"):
            return False
        first = body.split(b"\n", 1)[0]
        if b"\n" not in body and len(head) >= 4096:
            return path.suffix.lower() in self.extensions  # a long first line: trust the name
        try:
            return isinstance(json.loads(first), dict)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return False

    def read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        text, _ = decode_bytes(path.read_bytes())
        docs: list[Document] = []
        bad: list[str] = []
        n_bad = 0
        seen: dict[str, int] = {}
        for lineno, line in enumerate(normalise_newlines(text).split("\n"), 1):
            if not line.strip():
                continue
            try:
                doc = parse_line(line, lineno, source_id)
            except ValueError as exc:
                n_bad += 1
                if len(bad) < MAX_REPORTED:
                    bad.append(f"line {lineno}: {exc}")
                continue
            if doc.id in seen:  # keep ids unique within a source
                seen[doc.id] += 1
                doc.meta["duplicate_id"] = doc.id
                doc.id = f"{doc.id}~{seen[doc.id]}"
            seen.setdefault(doc.id, 1)
            doc.meta = {**base_meta(path, sha256, self.name, line=lineno), **doc.meta}
            docs.append(doc)
        if not docs and not n_bad:
            raise ReadFailure(Status.EMPTY, "no records")
        if not docs:
            raise ReadFailure(Status.CORRUPT, f"no valid records ({n_bad} bad lines; first: {bad[0]})")
        reason = f"{n_bad} bad lines skipped (first: {bad[0]})" if n_bad else ""
        return SourceResult(Status.OK, reason=reason, pages=0, documents=docs)


register(JsonlReader())
