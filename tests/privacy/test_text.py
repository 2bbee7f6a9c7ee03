"""Loose strings and chronologies: one pseudonym per person across all cells."""

from __future__ import annotations

import datetime as dt

from pipeline.privacy.detect import PersonalDataFinder
from pipeline.privacy.redact import Redactor
from pipeline.privacy.text import redact_chronology, redact_texts
from pipeline.report.chronology import Chronology, DocumentInfo, Event

REDACTOR = Redactor(finder=PersonalDataFinder(model_path=None))


def test_strings_share_pseudonyms() -> None:
    out, found = redact_texts(
        ["Victim Amira Khan rang.", "Amira said PC 2231 left.", "No names here."], REDACTOR
    )
    assert out[0] == "Victim Person-1 rang."
    assert out[1] == "Person-1 said PC Officer-1 left."
    assert out[2] == "No names here."
    assert found == {"Amira Khan", "Amira", "PC 2231"}


def _event(kind: str, text: str, sentence: str, date: dt.date | None = None) -> Event:
    return Event(
        "case-1",
        date,
        None,
        False,
        kind,
        "DVPN" if kind == "mention" else "",
        "used",
        1,
        0,
        4,
        text,
        sentence,
    )


def test_chronology_cells_and_birth_dates() -> None:
    chron = Chronology(
        [DocumentInfo("case-1", None, None, None, None)],
        [
            _event("date", "12/03/1985", "Susp Tariq Shah DOB 12/03/1985 arrested.", dt.date(1985, 3, 12)),
            _event("mention", "DVPN", "DVPN served on Tariq Shah by DS Patel."),
        ],
    )
    out = redact_chronology(chron, REDACTOR)
    assert [e.kind for e in out.events] == ["mention"]  # the date of birth is not a case event
    assert out.events[0].text == "DVPN"
    assert "Tariq" not in out.events[0].sentence and "Patel" not in out.events[0].sentence
    assert "DS Officer-" in out.events[0].sentence
