"""PDF reader on generated PDFs of known content (see pdf_factory.py)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from pipeline.ingest.base import ReadFailure, ReadOptions, SourceResult, Status, reader_for
from pipeline.ingest.pdf import PdfReader
from pipeline.records import Document
from tests.ingest import pdf_factory as pf

READER = PdfReader()


def read(path: Path, **options: object) -> SourceResult:
    return READER.read(path, ReadOptions(**options), source_id="doc-1", sha256="0" * 64)  # type: ignore[arg-type]


def only_doc(result: SourceResult) -> Document:
    assert len(result.documents) == 1
    return result.documents[0]


def page_text(doc: Document, n: int) -> str:
    p = doc.pages[n - 1]
    return doc.text[p.start:p.end]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = pf.report_pdf(tmp_path_factory.mktemp("pdf") / "report.pdf")
    result = read(path)
    assert result.status is Status.OK
    assert result.pages == 3
    return only_doc(result)


def test_registered_and_sniffed(tmp_path: Path) -> None:
    path = pf.report_pdf(tmp_path / "no-extension")
    assert reader_for(path).name == "pdf"  # type: ignore[union-attr]


def test_document_shape(report: Document) -> None:
    assert report.id == "doc-1"
    assert [p.page for p in report.pages] == [1, 2, 3]
    assert report.pages[0].start == 0 and report.pages[-1].end == len(report.text)
    meta = report.meta
    assert meta["type"] == "pdf" and meta["page_count"] == 3 and meta["sha256"] == "0" * 64
    assert meta["methods"] == ["text", "text", "layout"]
    assert meta["ocr_confidence"] == [None, None, None]
    assert meta["title"] == "Protective Measures Review" and meta["author"] == "Inspection Team"
    assert "decrypted" not in meta


def test_running_heads_and_page_numbers_removed(report: Document) -> None:
    assert "Northshire Constabulary" not in report.text
    assert not re.search(r"Page \d of 3", report.text)
    assert page_text(report, 1).startswith("1. Summary")


def test_hyphens_ligatures_and_quotes(report: Document) -> None:
    first = page_text(report, 1)
    assert "domestic violence protection\nnotice" in first
    assert "protec-" not in first
    # "non-" at a line end stays hyphenated: the document writes "non-molestation" elsewhere.
    assert "a non-\nmolestation order" in first
    assert "first review" in first and "flagged" in first and "\ufb01" not in first
    assert '"terrified" - a word' in first


def test_two_columns_read_column_by_column(report: Document) -> None:
    second = page_text(report, 2)
    assert second.startswith("2. Attendance and custody")
    body = "\n".join(line for line in second.splitlines()[1:] if line)
    assert body == "\n".join(pf.LEFT_COLUMN + pf.RIGHT_COLUMN)


def test_interleaved_columns_still_in_reading_order(tmp_path: Path) -> None:
    doc = only_doc(read(pf.interleaved_columns_pdf(tmp_path / "cols.pdf")))
    left_end = doc.text.index(pf.LEFT_COLUMN[-1])
    right_start = doc.text.index(pf.RIGHT_COLUMN[0])
    assert left_end < right_start
    for line in pf.LEFT_COLUMN + pf.RIGHT_COLUMN:
        assert line in doc.text


def test_table_rows_in_text_and_meta(report: Document) -> None:
    third = page_text(report, 3)
    for row in pf.TABLE_ROWS:
        assert " | ".join(row) in third
    assert report.meta["tables"] == [{"page": 3, "rows": pf.TABLE_ROWS}]
    assert third.index("3. Figures") < third.index("Measure | Used") < third.index("twelve months")


def test_rotated_pages(tmp_path: Path) -> None:
    doc = only_doc(read(pf.rotated_pdf(tmp_path / "rot.pdf")))
    assert page_text(doc, 2) == "\n".join(pf.ROTATED_LINES)
    assert page_text(doc, 3) == "\n".join(pf.SIDEWAYS_LINES)
    assert doc.meta["rotated_pages"] == [2, 3]


def test_scanned_page_is_ocred(tmp_path: Path, tesseract: str) -> None:
    result = read(pf.scanned_pdf(tmp_path / "scan.pdf"), ocr_dpi=200)
    assert result.status is Status.OCR
    doc = only_doc(result)
    assert doc.meta["methods"] == ["ocr"]
    conf = doc.meta["ocr_confidence"][0]
    assert conf is not None and conf > 60
    expected = Counter(words(" ".join(pf.SCANNED_LINES)))
    got = Counter(words(doc.text))
    assert sum((expected & got).values()) >= 0.8 * sum(expected.values())


def test_mixed_text_and_scan_is_ok(tmp_path: Path, tesseract: str) -> None:
    result = read(pf.scanned_pdf(tmp_path / "mixed.pdf", text_page_first=True), ocr_dpi=200)
    assert result.status is Status.OK
    doc = only_doc(result)
    assert doc.meta["methods"] == ["text", "ocr"]
    assert doc.meta["ocr_confidence"][0] is None
    assert "covering letter" in page_text(doc, 1)
    assert "bail" in page_text(doc, 2).lower()


def test_ocr_off_skips_scanned_pages(tmp_path: Path) -> None:
    result = read(pf.scanned_pdf(tmp_path / "mixed.pdf", text_page_first=True), ocr=False)
    assert result.status is Status.OK and result.reason == "1 of 2 pages image-only, not OCR'd (OCR is off)"
    doc = only_doc(result)
    assert doc.meta["methods"] == ["text", "skipped_ocr"]
    assert page_text(doc, 2) == ""
    with pytest.raises(ReadFailure) as err:
        read(pf.scanned_pdf(tmp_path / "scan.pdf"), ocr=False)
    assert err.value.status is Status.EMPTY and "OCR is off" in err.value.reason


def test_missing_tesseract_is_a_reason_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.ingest.ocr as ocr

    monkeypatch.setattr(ocr, "tesseract_version", lambda: None)
    with pytest.raises(ReadFailure) as err:
        read(pf.scanned_pdf(tmp_path / "scan.pdf"))
    assert err.value.status is Status.EMPTY and "tesseract is not installed" in err.value.reason


def test_encrypted_needs_password(tmp_path: Path) -> None:
    path = pf.encrypted_pdf(tmp_path / "locked.pdf", ["Bail conditions were set."], "s3cret")
    with pytest.raises(ReadFailure) as err:
        read(path)
    assert err.value.status is Status.ENCRYPTED and "--password" in err.value.reason
    with pytest.raises(ReadFailure):
        read(path, passwords=["wrong"])
    doc = only_doc(read(path, passwords=["wrong", "s3cret"]))
    assert "Bail conditions were set." in doc.text
    assert doc.meta["decrypted"] is True
    assert "s3cret" not in repr(doc.meta)


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"", Status.EMPTY),
        (b"%PDF-1.4\n%garbage that is not a PDF at all\n", Status.CORRUPT),
        (b"\x00\x01\x02 not even a header", Status.CORRUPT),
    ],
)
def test_bad_files_fail_cleanly(tmp_path: Path, data: bytes, status: Status) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(data)
    with pytest.raises(ReadFailure) as err:
        read(path)
    assert err.value.status is status
    assert "\n" not in err.value.reason


def test_truncated_pdf_never_raises_other_errors(tmp_path: Path) -> None:
    whole = pf.report_pdf(tmp_path / "whole.pdf").read_bytes()
    for cut in (len(whole) // 3, len(whole) // 2, len(whole) - 200):
        path = tmp_path / f"cut{cut}.pdf"
        path.write_bytes(whole[:cut])
        try:
            result = read(path)
        except ReadFailure as exc:
            assert exc.status in (Status.CORRUPT, Status.EMPTY)
        else:
            assert result.status is Status.OK


def test_demo_samples_read(tesseract: str) -> None:
    samples = Path(__file__).resolve().parents[2] / "corpus" / "samples"
    report_result = read(samples / "inspection-report.pdf")
    doc = only_doc(report_result)
    assert doc.meta["methods"] == ["text", "text", "layout"]
    assert "Northshire Constabulary - Inspection" not in doc.text  # running head removed
    assert "DVPN | 41 | 17 | 5" in doc.text
    # Two columns: the left column's last sentence comes before the right column's first.
    assert doc.text.index("same morning.") < doc.text.index("Non-molestation orders.")
    scan = read(samples / "scanned-custody-note.pdf", ocr_dpi=200)
    assert scan.status is Status.OCR
    text = only_doc(scan).text
    assert "RUI'd" in text and "No bail conds considered" in text


def test_filled_form_fields_are_read(tmp_path: Path) -> None:
    fields = {"Risk level": "HIGH", "Measures considered": "DVPN refused by supt"}
    doc = only_doc(read(pf.form_pdf(tmp_path / "form.pdf", fields)))
    for name, value in fields.items():
        assert f"{name}:" in doc.text
        assert value in doc.text


def test_scan_with_a_text_stamp_is_still_ocred(tmp_path: Path, tesseract: str) -> None:
    stamp = "OFFICIAL SENSITIVE - BUNDLE 7 - 000123"
    doc = only_doc(read(pf.scanned_pdf(tmp_path / "stamped.pdf", stamp=stamp), ocr_dpi=200))
    assert doc.meta["methods"] == ["ocr"]
    assert "released under investigation" in doc.text.lower()


def test_sideways_scan_is_turned_upright(tmp_path: Path, tesseract: str) -> None:
    doc = only_doc(read(pf.scanned_pdf(tmp_path / "sideways.pdf", turn=90), ocr_dpi=200))
    expected = Counter(words(" ".join(pf.SCANNED_LINES)))
    got = Counter(words(doc.text))
    assert sum((expected & got).values()) >= 0.8 * sum(expected.values())
