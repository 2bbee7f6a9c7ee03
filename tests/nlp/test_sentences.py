"""Sentence boundaries for case-note logs, bullets, abbreviations and report prose."""

from __future__ import annotations

import pytest

from tests.nlp.mention_pipeline import mention_nlp

CASES: list[tuple[str, list[str]]] = [
    ("Susp arrested at 0130. Interviewed 0900.", ["Susp arrested at 0130.", "Interviewed 0900."]),
    (
        "susp arrested. ip refused dash. no further action",
        ["susp arrested.", "ip refused dash.", "no further action"],
    ),
    (
        "12/03/23 0130hrs PC 123 attended\n12/03/23 0200hrs IP spoken to",
        ["12/03/23 0130hrs PC 123 attended", "12/03/23 0200hrs IP spoken to"],
    ),
    ("[14:05] IP called back [14:20] units deployed", ["[14:05] IP called back", "[14:20] units deployed"]),
    (
        "Actions:\n- DASH completed\n- MARAC referral sent\n* IDVA informed",
        ["Actions:", "- DASH completed", "- MARAC referral sent", "* IDVA informed"],
    ),
    ("• bail conds set • IP updated", ["• bail conds set", "• IP updated"]),
    ("1. Arrest suspect.\n2. Consider DVPN.", ["1. Arrest suspect.", "2. Consider DVPN."]),
    (
        "Insp. Reid authorised the notice at approx. 0200 hrs.",
        ["Insp. Reid authorised the notice at approx. 0200 hrs."],
    ),
    ("P.C. Smith served it, e.g. by hand. Then left.", ["P.C. Smith served it, e.g. by hand.", "Then left."]),
    ("Charged under s.42A FLA. Remanded.", ["Charged under s.42A FLA.", "Remanded."]),
    ("See No. 4 on the list.", ["See No. 4 on the list."]),
    ('She said "not again." He left.', ['She said "not again."', "He left."]),
    ("First para line\n\nsecond para line", ["First para line", "second para line"]),
    ("Did he breach the order? Yes! Arrested.", ["Did he breach the order?", "Yes!", "Arrested."]),
    (
        "The inspection found that officers in most forces did not routinely consider whether\n"
        "bail conditions were needed to protect the victim.",
        [
            "The inspection found that officers in most forces did not routinely consider whether\n"
            "bail conditions were needed to protect the victim."
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[t[:40] for t, _ in CASES])
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    doc = mention_nlp()(text)
    assert [s.text.strip() for s in doc.sents] == expected


def test_every_token_gets_a_boundary_decision() -> None:
    doc = mention_nlp()("a\n\n\nb. c\n d")
    assert all(t.is_sent_start is not None for t in doc)
    assert doc.text == "a\n\n\nb. c\n d"
