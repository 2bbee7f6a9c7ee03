"""A case log written out of date order comes back as a chronology in date order, with pages."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from pipeline.errors import UsageError
from pipeline.report.chronology import Chronology, build_chronology
from pipeline.report.output import write_chronology
from pipeline.store import CorpusStore


@pytest.fixture(scope="module")
def chron(case_store: CorpusStore) -> Chronology:
    return build_chronology(case_store, "case-77")


def test_events_in_date_order(chron: Chronology) -> None:
    got = [(r[1], r[2], r[4], r[5], r[6], r[7]) for r in chron.rows()]
    assert got == [
        # date, time, kind, label, status, page
        ("2023-04-12", "01:30", "datetime", "2023-04-12", "", 1),
        ("2023-04-12", "01:30", "mention", "DASH", "used", 1),
        ("2023-04-13", "", "relative", "2023-04-13", "", 2),
        ("2023-04-13", "", "mention", "DVPN", "used", 2),
        ("2023-04-13", "", "signal", "NO_REFERRAL", "", 2),
        ("2023-04-13", "", "mention", "MARAC", "not_used", 2),
        ("2023-04-14", "09:00", "datetime", "2023-04-14", "", 1),
        ("2023-04-14", "09:00", "mention", "BAIL", "used", 1),
        ("2023-05-03", "", "date", "2023-05-03", "", 2),
        ("2023-05-03", "", "mention", "BAIL", "breached", 2),
        ("2023-05-03", "", "signal", "BREACH_NOT_ACTIONED", "", 2),
        ("2023-05-10", "", "relative", "2023-05-10", "", 2),
        ("2023-05-10", "", "signal", "BAIL_LAPSED", "", 2),
        ("2023-05-10", "", "mention", "BAIL", "ended", 2),
    ]
    dates = [e.date for e in chron.events]
    assert all(d is not None for d in dates)
    assert dates == sorted(d for d in dates if d is not None)
    assert chron.counts() == {"dates": 5, "mentions": 6, "signals": 3}


def test_events_carry_their_sentence(chron: Chronology) -> None:
    breach = next(e for e in chron.events if e.kind == "mention" and e.status == "breached")
    assert breach.sentence == "3rd May Victim reported a breach of bail."
    assert breach.text == "bail"
    # "The following week" is a week step: approximate
    lapse = next(e for e in chron.events if e.label == "BAIL_LAPSED")
    assert lapse.approximate


def test_chronology_files(chron: Chronology, tmp_path: Path) -> None:
    written = write_chronology(chron, tmp_path / "case")
    assert sorted(written.files) == ["chronology.csv", "index.html"]
    with open(tmp_path / "case" / "chronology.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(chron.events)
    assert [r["label"] for r in rows if r["kind"] == "mention"] == [
        "DASH",
        "DVPN",
        "MARAC",
        "BAIL",
        "BAIL",
        "BAIL",
    ]
    page = (tmp_path / "case" / "index.html").read_text(encoding="utf-8")
    assert "Case chronology: case-77" in page
    assert page.split('id="events"')[1].count("<tr") == len(chron.events) + 1  # and the header row


def test_a_case_over_two_documents_merges_on_one_timeline(case_store: CorpusStore) -> None:
    chron = build_chronology(case_store, ["case-77", "case-77-custody"])
    assert chron.doc_id == "case-77, case-77-custody"
    rows = [(r[0], r[1], r[2], r[4], r[5]) for r in chron.rows() if r[1] == "2023-04-13"]
    assert rows == [
        ("case-77", "2023-04-13", "", "relative", "2023-04-13"),
        ("case-77", "2023-04-13", "", "mention", "DVPN"),
        ("case-77", "2023-04-13", "", "signal", "NO_REFERRAL"),
        ("case-77", "2023-04-13", "", "mention", "MARAC"),
        ("case-77-custody", "2023-04-13", "10:00", "datetime", "2023-04-13"),
        ("case-77-custody", "2023-04-13", "10:00", "mention", "IDVA"),
    ]
    # the custody record's "12/04" has no year: it takes the document's year (2023), marked approximate
    early = chron.events[0]
    assert (early.doc_id, early.date, early.approximate) == ("case-77-custody", dt.date(2023, 4, 12), True)


def test_unknown_document_is_a_usage_error(case_store: CorpusStore) -> None:
    with pytest.raises(UsageError, match="no document 'nope'"):
        build_chronology(case_store, "nope")


def test_a_sentence_lists_its_date_before_its_mentions(store: CorpusStore) -> None:
    chron = build_chronology(store, "kent-a")
    assert [(r[1], r[4], r[5]) for r in chron.rows()] == [
        ("2022-04-12", "datetime", "2022-04-12"),
        ("2022-04-12", "mention", "BAIL"),
        ("2022-04-13", "relative", "2022-04-13"),  # "He breached his bail the next day."
        ("2022-04-13", "signal", "BREACH_NOT_ACTIONED"),
        ("2022-04-13", "mention", "BAIL"),
        ("2022-04-13", "signal", "ORDER_NOT_CONSIDERED"),
        ("2022-04-13", "mention", "DVPN"),
    ]
