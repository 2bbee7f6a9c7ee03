"""The run manifest: one JSON line per source with its outcome, keyed by content hash.

Each line: source, sha256, status, reason, pages, documents (ids), seconds, reader, and
`documents_end` - the byte length of documents.jsonl once this source's documents were
appended. A rerun trusts only what a complete manifest line vouches for: a torn last line is
dropped, and documents.jsonl is cut back to the last line's `documents_end`, which removes the
documents of a source that was interrupted before its manifest line was written.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.ingest.api import Outcome
from pipeline.ingest.base import Status
from pipeline.records import append_jsonl_durable, dumps

MANIFEST = "manifest.jsonl"
DOCUMENTS = "documents.jsonl"


@dataclass
class Entry:
    """One manifest line."""

    source: str
    sha256: str
    status: str
    reason: str = ""
    pages: int = 0
    documents: list[str] = field(default_factory=list)
    seconds: float = 0.0
    reader: str = ""
    documents_end: int = 0

    @classmethod
    def from_outcome(cls, outcome: Outcome, documents_end: int) -> Entry:
        return cls(
            source=outcome.source,
            sha256=outcome.sha256,
            status=outcome.status.value,
            reason=outcome.reason,
            pages=outcome.pages,
            documents=[d.id for d in outcome.documents],
            seconds=outcome.seconds,
            reader=outcome.reader,
            documents_end=documents_end,
        )

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Entry:
        known = {k: obj[k] for k in cls.__dataclass_fields__ if k in obj}
        return cls(**known)


def _complete_lines(path: Path) -> tuple[list[bytes], int]:
    """The file's whole lines and the byte length they take (a torn last line is left out)."""
    if not path.exists():
        return [], 0
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    return data[:end].splitlines(), end


class Manifest:
    """The manifest of one output folder: what is done, and appending new outcomes durably."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST
        self.documents_path = out_dir / DOCUMENTS
        self.entries: dict[str, Entry] = {}
        self.repaired: list[str] = []

    def load(self) -> Manifest:
        """Read existing entries (the last line for a hash wins), then repair both files after a crash."""
        lines, end = _complete_lines(self.path)
        last_end = 0
        for line in lines:
            try:
                obj = json.loads(line)
                entry = Entry.from_json(obj)
            except (json.JSONDecodeError, TypeError, UnicodeDecodeError):
                self.repaired.append("skipped an unreadable manifest line")
                continue
            self.entries[entry.sha256] = entry
            last_end = max(last_end, int(entry.documents_end))
        if self.path.exists() and self.path.stat().st_size != end:
            _truncate(self.path, end)
            self.repaired.append("dropped a torn last manifest line")
        size = self.documents_path.stat().st_size if self.documents_path.exists() else 0
        if size > last_end:
            _truncate(self.documents_path, last_end)
            self.repaired.append(f"dropped {size - last_end} bytes of documents from an interrupted source")
        elif size < last_end:
            raise InputError(f"{self.documents_path} is shorter than {self.path} says; was it edited?")
        return self

    def done(self, sha256: str, retry: tuple[str, ...] = ()) -> Entry | None:
        """The entry for this content, unless its status is one to retry."""
        entry = self.entries.get(sha256)
        if entry is None or entry.status in retry:
            return None
        return entry

    def taken_ids(self) -> set[str]:
        """Ids of the documents already written."""
        return {doc_id for entry in self.entries.values() for doc_id in entry.documents}

    def record(self, outcome: Outcome) -> Entry:
        """Append the documents, then the manifest line (both fsynced, in that order)."""
        rows = [d.to_record() for d in outcome.documents]
        try:
            for row in rows:
                dumps(row)
        except (TypeError, ValueError) as exc:  # metadata that is not JSON: keep the batch going
            outcome.status, outcome.reason, outcome.documents, rows = (
                Status.CORRUPT,
                f"unwritable: {exc}",
                [],
                [],
            )
        if rows:
            append_jsonl_durable(self.documents_path, rows)
        end = self.documents_path.stat().st_size if self.documents_path.exists() else 0
        entry = Entry.from_outcome(outcome, end)
        append_jsonl_durable(self.path, [asdict(entry)])
        self.entries[entry.sha256] = entry
        return entry


def _truncate(path: Path, size: int) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(size)
        fh.flush()
        os.fsync(fh.fileno())
