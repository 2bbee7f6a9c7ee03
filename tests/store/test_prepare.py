"""Records to rows: sentences, pages, span mapping, metadata columns, bad spans."""

from __future__ import annotations

import pytest

from pipeline.store.prepare import BadRecord, normalise_date, prepare
from pipeline.store.sentences import MAX_SENTENCE_CHARS, split_sentences
from pipeline.store.text import tokens, tsvector_literal

SPLITS = [
    ("PC Smith attended. The suspect left.", ["PC Smith attended.", "The suspect left."]),
    ("Seen by PC. Jones at 10:00. He left.", ["Seen by PC. Jones at 10:00.", "He left."]),
    ("Mr. Brown was arrested. Bail was refused!", ["Mr. Brown was arrested.", "Bail was refused!"]),
    ("J. Smith called. No reply.", ["J. Smith called.", "No reply."]),
    ("Risk was high\n\nMARAC referral made", ["Risk was high", "MARAC referral made"]),
    ("12/03/23 call received\n13/03/23 DVPN served", ["12/03/23 call received", "13/03/23 DVPN served"]),
    ("the officer did not\nconsider a DVPO", ["the officer did not\nconsider a DVPO"]),
    ("Outcome: NFA.\nNo safeguarding", ["Outcome: NFA.", "No safeguarding"]),
    ("It was 3.5 miles away.", ["It was 3.5 miles away."]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), SPLITS)
def test_sentence_rules(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == expected


def test_forced_spans_and_protected_mentions() -> None:
    text = "Bail was granted. Conditions lapsed. He returned."
    assert split_sentences(text, forced=[(0, 36)]) == [(0, 36), (37, 49)]
    assert split_sentences("A B. Order was made.", protected=[(2, 9)]) == [(0, 20)]


def test_long_runs_are_cut_at_spaces() -> None:
    text = "word " * 1000
    spans = split_sentences(text)
    assert len(spans) > 1 and all(e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    assert "".join(text[s:e] + " " for s, e in spans).split() == text.split()


def test_tokens_and_tsvector_match_fts5_folding() -> None:
    assert [t for t, _, _ in tokens("Café's DV-PO_x 2023")] == ["cafe", "s", "dv", "po", "x", "2023"]
    assert tsvector_literal("The victim and the suspect") == "'the':1,4 'victim':2 'and':3 'suspect':5"


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2023-05-04", "2023-05-04"),
        ("2023-05-04T10:00:00Z", "2023-05-04"),
        ("2023", "2023-01-01"),
        ("2023-05", "2023-05-01"),
        ("04/05/2023", "2023-05-04"),
        ("2023-02-30", None),
        ("last week", None),
        (None, None),
        (True, None),
    ],
)
def test_dates_from_meta(raw: object, iso: str | None) -> None:
    assert normalise_date(raw) == iso


def test_prepare_maps_spans_to_sentences_and_pages() -> None:
    text = "Intro line.\n\nThe DVPO was breached. No arrest."
    record = {
        "id": 7,
        "text": text,
        "pages": [{"page": 1, "start": 0, "end": 11}, {"page": 2, "start": 13, "end": len(text)}],
        "meta": {"force": " Kent ", "type": "pdf", "date": "2023"},
        "entities": [
            {"start": 17, "end": 21, "label": "DVPO", "status": "breached"},
            {"start": 0, "end": 999, "label": "DVPO", "status": "used"},
            {"start": 0, "end": 5, "label": "NOPE", "status": "used"},
        ],
        "signals": [
            {"label": "BREACH_NOT_ACTIONED", "start": 36, "end": len(text), "score": 0.7},
            {"label": "DELAY"},
            {"label": "NOT_A_SIGNAL", "start": 0, "end": 3},
        ],
    }
    doc = prepare(record)
    assert doc.id == "7" and doc.force == "Kent" and doc.doc_type == "pdf" and doc.year == 2023
    assert [t for _, _, _, t in doc.sentences] == ["Intro line.", "The DVPO was breached.", "No arrest."]
    assert [p for p, _, _, _ in doc.sentences] == [1, 2, 2]
    assert doc.mentions == [(1, 2, 17, 21, "DVPO", "breached", "DVPO")]
    assert doc.signals == [(2, "BREACH_NOT_ACTIONED", 0.7, 36, len(text)), (None, "DELAY", None, None, None)]
    assert doc.dropped == 3


@pytest.mark.parametrize(
    "record", [{"text": "x"}, {"id": "a"}, {"id": "", "text": "x"}, {"id": "a", "text": 3}]
)
def test_records_without_id_or_text_are_refused(record: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(BadRecord):
        prepare(record)
