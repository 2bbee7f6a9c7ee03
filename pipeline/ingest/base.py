"""What every source reader shares: options, outcomes, the Reader base class and its registry.

A reader turns one source file into zero or more `Document`s and an outcome. Readers are
picked by content (magic bytes) first and by extension second; see `reader_for`.
"""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from pipeline.records import Document


class Status(StrEnum):
    """Outcome of ingesting one source (the manifest's `status`)."""

    OK = "ok"
    OCR = "ocr"
    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    EMPTY = "empty"
    UNSUPPORTED = "unsupported"
    TOO_LARGE = "too_large"
    TIMEOUT = "timeout"


@dataclass
class ReadOptions:
    """Settings for readers; validated on creation."""

    passwords: list[str] = field(default_factory=list)
    ocr: bool = True
    ocr_dpi: int = 300
    ocr_lang: str = "eng"
    text_column: str | None = None
    id_column: str | None = None
    group_by: str | None = None
    max_bytes: int = 200 * 1024 * 1024
    timeout_s: float = 300.0
    memory_mb: int = 2048

    def __post_init__(self) -> None:
        if not 72 <= self.ocr_dpi <= 600:
            raise ValueError(f"ocr_dpi must be between 72 and 600, got {self.ocr_dpi}")
        if self.timeout_s <= 0 or self.memory_mb <= 0 or self.max_bytes <= 0:
            raise ValueError("timeout, memory and size limits must be positive")


@dataclass
class SourceResult:
    """What a reader made of one source."""

    status: Status
    reason: str = ""
    pages: int = 0
    documents: list[Document] = field(default_factory=list)


class ReadFailure(Exception):
    """Raised by a reader when a source cannot be read; carries the outcome and a one-line reason."""

    def __init__(self, status: Status, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason.splitlines()[0][:300] if reason else status.value


class Reader(ABC):
    """One source type. Subclasses set `name` and `extensions` and implement `sniff` and `read`."""

    name: str = ""
    extensions: tuple[str, ...] = ()

    def sniff(self, head: bytes, path: Path) -> bool:
        """True when the first bytes of the file say it is this type."""
        return False

    @abstractmethod
    def read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        """Read `path` into documents; raise ReadFailure for a known bad outcome."""


_REGISTRY: list[Reader] = []


def register(reader: Reader) -> Reader:
    """Add a reader to the registry (later registrations are tried first)."""
    _REGISTRY.insert(0, reader)
    return reader


def registered() -> list[Reader]:
    return list(_REGISTRY)


def reader_for(path: Path, head: bytes | None = None) -> Reader | None:
    """Pick a reader by magic bytes, then by extension; None when nothing fits."""
    if head is None:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    for reader in _REGISTRY:
        if reader.sniff(head, path):
            return reader
    suffix = path.suffix.lower()
    for reader in _REGISTRY:
        if suffix in reader.extensions:
            return reader
    return None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_SLUG = re.compile(r"[^A-Za-z0-9]+")


def source_id(path: Path, sha256: str) -> str:
    """A stable, readable document id for a source: its name plus the start of its hash."""
    stem = _SLUG.sub("-", path.stem).strip("-")[:60] or "doc"
    return f"{stem}-{sha256[:8]}"
