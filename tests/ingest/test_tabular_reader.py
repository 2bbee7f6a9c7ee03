"""CSV and XLSX case-note exports: column detection, grouping by case, date order, entry offsets."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

import pipeline.ingest.readers  # noqa: F401
from pipeline.ingest.api import read_source
from pipeline.ingest.base import ReadOptions, Status
from pipeline.ingest.tables import parse_when

EXPORT = (
    "case_ref,force,entry_datetime,officer,entry_text\n"
    "A1,North,02/03/2023 10:00,PC 1,Susp arrested for breach of bail.\n"
    "A1,North,01/03/2023 09:30,PC 2,DASH completed - HIGH.\n"
    'B2,North,05/03/2023,PC 3,"DVPN served,\nno contact 48 hrs"\n'
    "A1,North,28/02/2023 23:05,PC 4,Attended DA incident.\n"
    "B2,North,06/03/2023,PC 5,\n"
)


def read(path: Path, **options: object):
    return read_source(path, ReadOptions(**options))  # type: ignore[arg-type]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03/04/2023", datetime(2023, 4, 3)),
        ("3/4/23 14:05", datetime(2023, 4, 3, 14, 5)),
        ("03-04-2023 14:05:09", datetime(2023, 4, 3, 14, 5, 9)),
        ("03.04.2023 2:05 pm", datetime(2023, 4, 3, 14, 5)),
        ("2023-04-03T14:05:00", datetime(2023, 4, 3, 14, 5)),
        ("3 Apr 2023 14:05", datetime(2023, 4, 3, 14, 5)),
        ("3 April 2023", datetime(2023, 4, 3)),
        (datetime(2023, 4, 3, 9, 0), datetime(2023, 4, 3, 9, 0)),
        ("31/02/2023", None),
        ("PC 4471", None),
        ("", None),
    ],
)
def test_parse_when_reads_uk_day_first(value: object, expected: datetime | None) -> None:
    assert parse_when(value) == expected


def test_rows_of_a_case_become_one_document_in_date_order(export: Path) -> None:
    out = read(export)
    assert out.status is Status.OK and out.reader == "tabular"
    a1, b2 = out.documents
    assert a1.id == f"export-{out.sha256[:8]}-A1" and b2.id.endswith("-B2")
    assert a1.text == (
        "28/02/2023 23:05\nAttended DA incident.\n\n"
        "01/03/2023 09:30\nDASH completed - HIGH.\n\n"
        "02/03/2023 10:00\nSusp arrested for breach of bail."
    )
    assert a1.meta["case"] == "A1" and a1.meta["group_by"] == "case_ref" and a1.meta["order"] == "date"
    assert a1.meta["text_column"] == "entry_text" and a1.meta["date_column"] == "entry_datetime"
    assert a1.pages == []
    rows = a1.meta["rows"]
    assert [r["row"] for r in rows] == [5, 3, 2]  # spreadsheet rows: the header is row 1
    assert [a1.text[r["start"] : r["end"]] for r in rows] == [
        "Attended DA incident.",
        "DASH completed - HIGH.",
        "Susp arrested for breach of bail.",
    ]
    assert rows[0]["officer"] == "PC 4" and rows[0]["when"] == "2023-02-28T23:05:00"
    assert b2.text == "05/03/2023\nDVPN served,\nno contact 48 hrs"  # the row with no text is left out


def test_id_column_gives_one_document_per_row(export: Path) -> None:
    out = read(export, id_column="officer")
    assert [d.id.rsplit("-", 2)[-2:] for d in out.documents] == [
        ["PC", "1"],
        ["PC", "2"],
        ["PC", "3"],
        ["PC", "4"],
    ]
    first = out.documents[0]
    assert first.text == "Susp arrested for breach of bail."
    assert (
        first.meta["case_ref"] == "A1"
        and first.meta["row"] == 2
        and first.meta["when"] == "2023-03-02T10:00:00"
    )


def test_group_by_a_named_column(export: Path) -> None:
    out = read(export, group_by="force", text_column="entry_text")
    [doc] = out.documents
    assert doc.meta["case"] == "North" and len(doc.meta["rows"]) == 4
    assert doc.text.index("Attended DA") < doc.text.index("DVPN served")


@pytest.mark.parametrize("option", ["text_column", "id_column", "group_by"])
def test_a_named_column_that_is_missing_is_reported(export: Path, option: str) -> None:
    out = read(export, **{option: "no_such_column"})
    assert out.status is Status.UNSUPPORTED
    assert "no_such_column" in out.reason and "entry_text" in out.reason


@pytest.mark.parametrize(
    ("header", "row", "column"),
    [
        ("ref;notes;when", "1;Victim updated re bail conditions ending;01/01/2023", "notes"),
        ("ref\tdate\tnarrative_of_events", "1\t01/01/2023\tMARAC referral sent today", "narrative_of_events"),
        ("ref,code,free_field", "1,X1,Officer attended and completed a DASH", "free_field"),
    ],
)
def test_text_column_is_detected(tmp_path: Path, header: str, row: str, column: str) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    [doc] = read(path).documents
    assert doc.meta["text_column"] == column


def test_no_text_column_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    out = read(path)
    assert out.status is Status.UNSUPPORTED and "--text-column" in out.reason


def test_header_only_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("case_ref,entry_text\n", encoding="utf-8")
    assert read(path).status is Status.EMPTY


def test_undated_rows_keep_source_order(tmp_path: Path) -> None:
    path = tmp_path / "undated.csv"
    path.write_text(
        "case_ref,entry_datetime,entry_text\nC,02/01/2023,second\nC,,no date\nC,01/01/2023,first\n"
    )
    [doc] = read(path).documents
    assert doc.meta["order"] == "source"
    assert doc.text.index("second") < doc.text.index("first")


def test_xlsx_with_real_dates_and_separate_time(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Log"
    ws.append(["Case Ref", "Date", "Time", "Notes"])
    ws.append(["Z9", datetime(2023, 5, 2), "14:30", "Later entry"])
    ws.append(["Z9", datetime(2023, 5, 2), "09:15", "Earlier entry"])
    wb.create_sheet("Empty")
    path = tmp_path / "log.xlsx"
    wb.save(path)
    out = read(path)
    assert out.status is Status.OK and out.reader == "tabular"
    [doc] = out.documents
    assert doc.text == "02/05/2023 09:15\nEarlier entry\n\n02/05/2023 14:30\nLater entry"
    assert doc.meta["sheet"] == "Log" and doc.meta["format"] == "xlsx"
    assert doc.meta["rows"][0]["when"] == "2023-05-02T09:15:00"


def test_shipped_sample_export_reads_three_cases() -> None:
    root = Path(__file__).resolve().parents[2] / "corpus" / "samples"
    for name in ("case-notes-export.csv", "case-notes-export.xlsx"):
        out = read(root / name)
        assert out.status is Status.OK
        assert len(out.documents) == 3
        assert sum(len(d.meta["rows"]) for d in out.documents) == 24
