"""Text, HTML, JSON lines and Word readers: small real files in, documents and outcomes out."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

import pipeline.ingest.readers  # noqa: F401
from pipeline.ingest.api import read_source
from pipeline.ingest.base import ReadOptions, Status

OPTIONS = ReadOptions()


def read(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return read_source(path, OPTIONS)


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (b"Bail conds set.\n", "Bail conds set.\n", "utf-8"),
        (b"\xef\xbb\xbfBOM first\r\nthen CRLF\r\n", "BOM first\nthen CRLF\n", "utf-8"),
        ("café – DVPN served".encode("cp1252"), "café – DVPN served", "cp1252"),
        ("IP’s statement".encode("utf-16"), "IP’s statement", "utf-16-le"),
        (b"old\rmac\rnewlines", "old\nmac\nnewlines", "utf-8"),
    ],
)
def test_text_decodes_and_normalises(tmp_path: Path, data: bytes, text: str, encoding: str) -> None:
    out = read(tmp_path, "note.txt", data)
    assert out.status is Status.OK
    [doc] = out.documents
    assert doc.text == text
    assert doc.meta["encoding"] == encoding
    assert doc.meta["sha256"] == out.sha256 and doc.meta["reader"] == "text"


@pytest.mark.parametrize("data", [b"", b"   \n\n\t\n", b"\xef\xbb\xbf"])
def test_text_without_content_is_empty(tmp_path: Path, data: bytes) -> None:
    assert read(tmp_path, "blank.txt", data).status is Status.EMPTY


def test_text_form_feeds_become_pages(tmp_path: Path) -> None:
    out = read(tmp_path, "pages.txt", b"page one\n\fpage two\n\f")
    [doc] = out.documents
    assert out.pages == 2
    assert [doc.text[p.start : p.end] for p in doc.pages] == ["page one", "page two"]


def test_binary_with_text_name_is_unsupported(tmp_path: Path) -> None:
    out = read(tmp_path, "notes.txt", bytes(range(256)) * 4)
    assert out.status is Status.UNSUPPORTED
    assert "binary" in out.reason


HTML = b"""<!doctype html><html><head><title>Review</title><style>p{color:red}</style>
<script>fetch('/steal')</script></head><body><nav>Home | Cases</nav>
<h1>Findings</h1><p>Suspect released
   under investigation.</p><!-- internal note --><ul><li>No DASH</li><li>No MARAC</li></ul>
<table><tr><td>DVPN</td><td>6</td></tr></table><p>line<br>break</p></body></html>"""


def test_html_keeps_visible_text_only(tmp_path: Path) -> None:
    out = read(tmp_path, "page.html", HTML)
    [doc] = out.documents
    assert doc.text.split("\n") == [
        "Findings",
        "Suspect released under investigation.",
        "No DASH",
        "No MARAC",
        "DVPN | 6",
        "line",
        "break",
    ]
    assert doc.meta["title"] == "Review"
    for hidden in ("fetch", "color", "Home", "internal"):
        assert hidden not in doc.text


def test_html_without_visible_text_is_empty(tmp_path: Path) -> None:
    assert read(tmp_path, "x.html", b"<html><script>var a=1;</script></html>").status is Status.EMPTY


def test_jsonl_keeps_ids_meta_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "case-1", "text": "RUI on 3/2", "force": "North", "meta": {"year": 2023}}),
        "{not json",
        json.dumps({"text": "no id here"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "case-1", "text": "same id again"}),
        "",
    ]
    out = read(tmp_path, "records.jsonl", "\n".join(lines).encode())
    assert out.status is Status.OK
    assert [d.id for d in out.documents] == ["case-1", f"records-{out.sha256[:8]}-3", "case-1~2"]
    first = out.documents[0]
    assert first.text == "RUI on 3/2"
    assert first.meta["force"] == "North" and first.meta["year"] == 2023 and first.meta["line"] == 1
    assert out.reason.startswith("2 bad lines")
    assert "line 2" in out.reason


@pytest.mark.parametrize(("data", "status"), [(b"{bad\n{worse\n", Status.CORRUPT), (b"\n\n", Status.EMPTY)])
def test_jsonl_without_records(tmp_path: Path, data: bytes, status: Status) -> None:
    assert read(tmp_path, "x.jsonl", data).status is status


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = "Review 12"
    document.add_paragraph("First paragraph: DASH completed.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Measure", "Status"
    table.cell(1, 0).text, table.cell(1, 1).text = "DVPO", "granted"
    document.add_paragraph("")
    document.add_paragraph("Last paragraph after the table.")
    document.save(str(path))
    return path


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    out = read_source(make_docx(tmp_path / "review.docx"), OPTIONS)
    assert out.status is Status.OK and out.reader == "docx"
    [doc] = out.documents
    assert doc.text == (
        "First paragraph: DASH completed.\nMeasure | Status\nDVPO | granted\nLast paragraph after the table."
    )
    assert doc.meta["title"] == "Review 12"


def test_docx_with_no_body_text_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.docx"
    docx.Document().save(str(path))
    assert read_source(path, OPTIONS).status is Status.EMPTY


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("broken.docx", b"PK\x03\x04 truncated zip", Status.CORRUPT),
        ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, Status.ENCRYPTED),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, Status.UNSUPPORTED),
        ("empty.docx", b"", Status.EMPTY),
        ("mystery.xyz", b"\x89\x01\x02binary", Status.UNSUPPORTED),
    ],
)
def test_bad_office_and_unknown_files(tmp_path: Path, name: str, data: bytes, status: Status) -> None:
    out = read(tmp_path, name, data)
    assert out.status is status
    assert out.reason and "\n" not in out.reason
    assert out.documents == []
