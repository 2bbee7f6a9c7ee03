"""PDF reader over every file in ../shared/testdata/pdfs: each gets a sensible outcome."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from statistics import median

import pytest

from pipeline.ingest.base import ReadFailure, ReadOptions, SourceResult, Status
from pipeline.ingest.pdf import PdfReader

pytestmark = [pytest.mark.shared, pytest.mark.slow]

PASSWORDS = ["test", "asdfzxcv", "openpassword"]
NEEDS_PASSWORD = ["password-example.pdf", "r2-user-password.pdf", "libreoffice-writer-password.pdf"]
Outcome = SourceResult | ReadFailure


def _read(path: Path, options: ReadOptions) -> Outcome:
    try:
        return PdfReader().read(path, options, source_id=path.stem, sha256="0" * 64)
    except ReadFailure as exc:
        return exc


@pytest.fixture(scope="module")
def outcomes(shared_pdfs: Path, tesseract: str) -> dict[str, Outcome]:
    # 200 dpi keeps the OCR of the image-only files quick; the default is 300.
    options = ReadOptions(passwords=PASSWORDS, ocr_dpi=200)
    return {p.name: _read(p, options) for p in sorted(shared_pdfs.glob("*.pdf"))}


def _doc_text(outcome: Outcome) -> str:
    assert isinstance(outcome, SourceResult), f"failed: {outcome}"
    return outcome.documents[0].text


def test_every_file_has_an_outcome(outcomes: dict[str, Outcome]) -> None:
    assert len(outcomes) >= 30
    for name, outcome in outcomes.items():
        if isinstance(outcome, ReadFailure):
            assert outcome.reason and "\n" not in outcome.reason, name
            continue
        assert outcome.status in (Status.OK, Status.OCR), name
        (doc,) = outcome.documents
        assert doc.text.strip(), name
        assert len(doc.pages) == outcome.pages == doc.meta["page_count"], name
        assert len(doc.meta["methods"]) == outcome.pages, name
        ends = [0] + [p.end for p in doc.pages]
        assert all(p.start >= prev for p, prev in zip(doc.pages, ends, strict=False)), name
        assert doc.pages[-1].end == len(doc.text), name


def test_only_the_empty_file_fails(outcomes: dict[str, Outcome]) -> None:
    failed = {n: o.status for n, o in outcomes.items() if isinstance(o, ReadFailure)}
    assert failed == {"empty.pdf": Status.EMPTY}


def test_passwords(outcomes: dict[str, Outcome], shared_pdfs: Path) -> None:
    for name in NEEDS_PASSWORD + ["r6-user-password.pdf", "pr-138-example.pdf"]:
        result = outcomes[name]
        assert isinstance(result, SourceResult) and result.status is Status.OK, name
        meta = result.documents[0].meta
        assert meta["decrypted"] is True
        assert not any(v in PASSWORDS for v in meta.values() if isinstance(v, str)), name
    for name in NEEDS_PASSWORD:
        locked = _read(shared_pdfs / name, ReadOptions(ocr=False))
        assert isinstance(locked, ReadFailure) and locked.status is Status.ENCRYPTED, name


def test_image_only_file_is_ocred(outcomes: dict[str, Outcome]) -> None:
    result = outcomes["issue-203-decimalize.pdf"]
    assert isinstance(result, SourceResult) and result.status is Status.OCR
    meta = result.documents[0].meta
    assert meta["methods"] == ["ocr"] * 3
    assert all(c is not None for c in meta["ocr_confidence"])
    assert len(re.sub(r"\s", "", _doc_text(result))) > 300


def test_rotated_pair_reads_the_same(outcomes: dict[str, Outcome]) -> None:
    def words(name: str) -> Counter[str]:
        return Counter(re.findall(r"\w+", _doc_text(outcomes[name]).lower()))

    upright = words("nics-background-checks-2015-11.pdf")
    turned = words("nics-background-checks-2015-11-rotated.pdf")
    common = sum((upright & turned).values())
    assert common >= 0.95 * max(sum(upright.values()), sum(turned.values()))
    assert "alabama" in turned and "wyoming" in turned


def test_large_report_is_not_ocred(outcomes: dict[str, Outcome]) -> None:
    result = outcomes["chelsea_pdta.pdf"]
    assert isinstance(result, SourceResult) and result.pages == 65
    methods = result.documents[0].meta["methods"]
    assert "ocr" not in methods
    assert methods.count("text") + methods.count("layout") >= 60


@pytest.mark.parametrize(
    ("name", "max_median_line"),
    [("federal-register-2020-17221.pdf", 60), ("issue-982-example.pdf", 75)],
)
def test_multi_column_pages_are_split(outcomes: dict[str, Outcome], name: str, max_median_line: int) -> None:
    # Merged columns would give lines as wide as the page (150+ characters).
    lines = [ln for ln in _doc_text(outcomes[name]).splitlines() if len(ln) > 3]
    assert median(len(ln) for ln in lines) <= max_median_line


def test_tables_and_cjk(outcomes: dict[str, Outcome]) -> None:
    cjk = _doc_text(outcomes["issue-336-example.pdf"])
    assert re.search(r"[\u4e00-\u9fff]", cjk)
    result = outcomes["issue-140-example.pdf"]
    assert isinstance(result, SourceResult)
    meta = result.documents[0].meta
    assert meta["methods"] == ["layout"] and meta["tables"]
    assert "UPC code | Location" in result.documents[0].text
