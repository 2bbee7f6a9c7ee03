"""Shorthand norms: police abbreviations and misspellings, never rewriting the text."""

from __future__ import annotations

import pytest

from tests.nlp.mention_pipeline import mention_nlp

NORMS = [
    ("Susp arrested", ["suspect", "arrested"]),
    ("IP informed", ["victim", "informed"]),
    ("DP released", ["detainee", "released"]),
    ("bail conds set", ["bail", "conditions", "set"]),
    ("non-mol", ["non", "-", "molestation"]),
    ("Claire's Law", ["clare", "'s", "law"]),
    ("harrassment", ["harassment"]),
]


@pytest.mark.parametrize(("text", "norms"), NORMS)
def test_shorthand_norms(text: str, norms: list[str]) -> None:
    doc = mention_nlp()(text)
    assert [t.norm_ for t in doc] == norms
    assert doc.text == text


def test_case_sensitive_entries_leave_other_casings() -> None:
    assert mention_nlp()("IP")[0].norm_ == "victim"
    assert mention_nlp()("Ip")[0].norm_ == "victim"
    assert mention_nlp()("iP")[0].norm_ == "ip"


def test_shorthand_lets_patterns_match_variants() -> None:
    doc = mention_nlp()("Claires Law app and bail conds")
    assert [(e.text, e.label_) for e in doc.ents] == [("Claires Law", "DVDS"), ("bail conds", "BAIL")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0rder", "order"),
        ("C0URT", "court"),
        ("DlSMISSED", "dismissed"),
        ("SECTl0N", "section"),
        ("NlL", "nil"),
        ("DVPO", None),
        ("all", None),
        ("ll", None),
        ("2O19", None),
        ("l6:05", None),
    ],
)
def test_ocr_repair_fixes_letter_digit_confusions_only(text: str, expected: str | None) -> None:
    from pipeline.nlp.shorthand import ocr_repair

    assert ocr_repair(text) == expected


def test_ocr_damaged_measure_names_are_found() -> None:
    import pipeline

    doc = pipeline.load()("IN THE FAMlLY C0URT. Non-Molestation 0rder made today.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Non-Molestation 0rder", "NMO")]
    assert doc.text == "IN THE FAMlLY C0URT. Non-Molestation 0rder made today."
