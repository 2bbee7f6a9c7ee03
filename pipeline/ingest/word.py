"""Word documents: .docx paragraphs and tables in reading order (python-docx).

Also recognises OLE2 compound files: a password-protected .docx/.xlsx is stored as one
(ENCRYPTED), and so are legacy .doc/.xls files (UNSUPPORTED, with a hint).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.ingest.base import Reader, ReadFailure, ReadOptions, SourceResult, Status, register
from pipeline.ingest.helpers import OLE_MAGIC, base_meta, normalise_newlines, zip_names
from pipeline.records import Document

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _table_lines(table: object) -> list[str]:
    """One line per table row, cells joined by ' | ' (merged cells counted once)."""
    lines: list[str] = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines


class DocxReader(Reader):
    name = "docx"
    extensions = (".docx", ".docm")

    def sniff(self, head: bytes, path: Path) -> bool:
        return "word/document.xml" in zip_names(path, head)

    def read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        try:
            document = docx.Document(str(path))
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise ReadFailure(Status.CORRUPT, f"not a readable .docx: {exc}") from None
        lines: list[str] = []
        for child in document.element.body.iterchildren():
            if child.tag == f"{_W}p":
                text = Paragraph(child, document).text.strip()
                if text:
                    lines.append(text)
            elif child.tag == f"{_W}tbl":
                lines.extend(_table_lines(Table(child, document)))
        text = normalise_newlines("\n".join(lines))
        if not text.strip():
            raise ReadFailure(Status.EMPTY, "no text in the document body")
        props = document.core_properties
        created = props.created.isoformat() if props.created else None
        meta = base_meta(path, sha256, self.name, title=props.title or None, created=created)
        return SourceResult(Status.OK, pages=1, documents=[Document(id=source_id, text=text, meta=meta)])


class OleOfficeReader(Reader):
    """OLE2 files: encrypted OOXML, or legacy binary Word/Excel, neither of which we parse."""

    name = "ole"
    extensions = (".doc", ".xls", ".ppt")

    def sniff(self, head: bytes, path: Path) -> bool:
        return head.startswith(OLE_MAGIC)

    def read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        with open(path, "rb") as fh:
            data = fh.read(1 << 20)
        if "EncryptedPackage".encode("utf-16-le") in data or path.suffix.lower() in (".docx", ".xlsx"):
            raise ReadFailure(
                Status.ENCRYPTED, "password-protected Office file (remove the password and retry)"
            )
        raise ReadFailure(Status.UNSUPPORTED, "legacy binary Office format: save it as .docx or .xlsx")


register(OleOfficeReader())
register(DocxReader())
