"""The registry picks readers by content first (whatever the file is called), by extension second."""

from __future__ import annotations

import importlib.util
import io
import json
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

import pipeline.ingest.readers  # noqa: F401
from pipeline.ingest.base import reader_for

HAS_PDF = importlib.util.find_spec("pipeline.ingest.pdf") is not None


def pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "DVPO granted for 28 days.")
    c.save()
    return buf.getvalue()


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Bail conditions set.")
    document.save(buf)
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(["case_ref", "notes"])
    wb.active.append(["A", "Susp released under investigation"])
    wb.save(buf)
    return buf.getvalue()


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("note.txt", "RUI")
    return buf.getvalue()


CSV = b"case_ref,entry_datetime,entry_text\nA,01/02/2023 10:00,Attended\nA,02/02/2023,Bail\n"
HTML = b"<!DOCTYPE html>\n<html><body><p>NMO breached</p></body></html>"
JSONL = json.dumps({"id": "1", "text": "DASH"}).encode() + b"\n"

CASES = [
    ("report.txt", docx_bytes, "docx"),
    ("case.zip", docx_bytes, "docx"),
    ("export.bin", xlsx_bytes, "tabular"),
    ("export.docx", xlsx_bytes, "tabular"),
    ("bundle.docx", zip_bytes, "archive"),
    ("notes.dat", lambda: CSV, "tabular"),
    ("notes", lambda: CSV, "tabular"),
    ("page.txt", lambda: HTML, "html"),
    ("page", lambda: HTML, "html"),
    ("records.txt", lambda: JSONL, "jsonl"),
    ("records.json", lambda: JSONL, "jsonl"),
    ("plain", lambda: b"Officer attended, IP safe.\n", "text"),
    ("plain.md", lambda: b"# Notes\n\nOfficer attended, IP safe.\n", "text"),
    ("ruled.txt", lambda: b"case_ref,entry_text\nA,Attended\n", "text"),  # a .txt stays text
    ("page.html", lambda: b"<p>fragment without a doctype</p>", "html"),
    ("list.csv", lambda: b"just one line of prose, with a comma\n", "tabular"),
]


@pytest.mark.parametrize(("name", "make", "reader"), CASES)
def test_reader_chosen_by_content(tmp_path: Path, name: str, make, reader: str) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    found = reader_for(path)
    assert found is not None and found.name == reader


@pytest.mark.skipif(not HAS_PDF, reason="the PDF reader (pipeline.ingest.pdf) is not in this checkout yet")
@pytest.mark.parametrize("name", ["scan.txt", "scan.csv", "scan"])
def test_pdf_found_by_magic_bytes(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(pdf_bytes())
    found = reader_for(path)
    assert found is not None and found.name == "pdf"


def test_unknown_binary_has_no_reader(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    assert reader_for(path) is None
