"""Plain text and Markdown: encoding detected, BOM removed, newlines normalised.

Form feeds (\\f), which some exports use between pages, split the text into pages;
otherwise the document has no page ranges.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.ingest.base import Reader, ReadFailure, ReadOptions, SourceResult, Status, register
from pipeline.ingest.helpers import base_meta, decode_bytes, looks_like_text, normalise_newlines
from pipeline.records import Document, join_pages


def text_document(text: str, doc_id: str, meta: dict[str, object]) -> Document:
    """A Document from decoded text, with pages when the text holds form feeds."""
    text = normalise_newlines(text)
    if "\f" in text:
        parts = [p.strip("\n") for p in text.split("\f")]
        while parts and not parts[-1].strip():
            parts.pop()
        joined, pages = join_pages(parts)
        return Document(id=doc_id, text=joined, pages=pages, meta=dict(meta))
    return Document(id=doc_id, text=text, pages=[], meta=dict(meta))


class TextReader(Reader):
    name = "text"
    extensions = (".txt", ".md", ".markdown", ".text", ".log", ".rst")

    def sniff(self, head: bytes, path: Path) -> bool:
        # Only files without an extension: typed files go to the reader of their type.
        return path.suffix == "" and looks_like_text(head)

    def read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        data = path.read_bytes()
        if not data.strip():
            raise ReadFailure(Status.EMPTY, "no text")
        text, encoding = decode_bytes(data)
        doc = text_document(text, source_id, base_meta(path, sha256, self.name, encoding=encoding))
        if not doc.text.strip():
            raise ReadFailure(Status.EMPTY, "no text")
        n_pages = len(doc.pages) or 1
        doc.meta["page_count"] = n_pages
        return SourceResult(Status.OK, pages=n_pages, documents=[doc])


register(TextReader())

__all__ = ["TextReader", "text_document"]
