"""Rule finders: a table of text and the personal-data spans expected (rules only, no NER)."""

from __future__ import annotations

import pytest

from pipeline.privacy.detect import PersonalDataFinder


@pytest.fixture(scope="module")
def rules_only() -> PersonalDataFinder:
    return PersonalDataFinder(model_path=None)


CASES = [
    ("PC 4471 Hughes attended at 0130.", [("OFFICER", "PC 4471 Hughes")]),
    (
        "Authorised by DS Patel; Det Sgt 902 O'Brien informed.",
        [("OFFICER", "DS Patel"), ("OFFICER", "Det Sgt 902 O'Brien")],
    ),
    ("Escorted from the address by PC 2231.", [("OFFICER", "PC 2231")]),
    ("Mrs Ahmed declined a statement.", [("PERSON", "Mrs Ahmed")]),
    (
        "Call back on 07700 900123 or (0161) 496 0321.",
        [("PHONE", "07700 900123"), ("PHONE", "(0161) 496 0321")],
    ),
    ("Mobile +44 7700 900123 only.", [("PHONE", "+44 7700 900123")]),
    ("Email j.smith@example.co.uk about it.", [("EMAIL", "j.smith@example.co.uk")]),
    ("NI number AB 12 34 56 C recorded.", [("NI_NUMBER", "AB 12 34 56 C")]),
    ("Car AB12 CDE seen nearby.", [("VEHICLE_REG", "AB12 CDE")]),
    (
        "Crime ref 45/12345/23 and PNC ID 23/123456A.",
        [("REFERENCE", "45/12345/23"), ("REFERENCE", "23/123456A")],
    ),
    ("Occurrence 2300123456 closed.", [("REFERENCE", "2300123456")]),
    (
        "DOB 12/03/1985, lives at 14 Acacia Road, Leeds LS6 2AB.",
        [("DOB", "12/03/1985"), ("ADDRESS", "14 Acacia Road, Leeds"), ("POSTCODE", "LS6 2AB")],
    ),
    ("Date of birth given as 3 March 1990.", [("DOB", "3 March 1990")]),
    ("Victim Amira Khan rang again.", [("PERSON", "Amira Khan")]),
]

NEVER = [
    "The DVPO was granted at Maidstone Magistrates' Court.",
    "Kent Police applied under the Domestic Abuse Act 2021.",
    "A Clare's Law disclosure was made; MARAC on 12/03/2023 at 1400.",
    "Bail conditions until 12/2025, see section 4 of the report.",
    "The Inspector reviewed the file and the sergeant agreed.",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_finds(rules_only: PersonalDataFinder, text: str, expected: list[tuple[str, str]]) -> None:
    found = [(s.label, text[s.start : s.end]) for s in rules_only.find(text)]
    assert found == expected


@pytest.mark.parametrize("text", NEVER)
def test_no_personal_data(rules_only: PersonalDataFinder, text: str) -> None:
    assert [text[s.start : s.end] for s in rules_only.find(text)] == []


def test_keep_spans_are_never_personal_data(rules_only: PersonalDataFinder) -> None:
    text = "Victim Amira Khan rang 07700 900123."
    assert [s.label for s in rules_only.find(text, keep=[(7, 17)])] == ["PHONE"]


def test_repeated_name_words_are_found(rules_only: PersonalDataFinder) -> None:
    text = "Victim Holly Pollard rang. Later Holly said Pollard was her maiden name."
    spans = [text[s.start : s.end] for s in rules_only.find(text)]
    assert spans == ["Holly Pollard", "Holly", "Pollard"]
