"""Pseudonyms, offset remapping and record redaction (rules only: fast and deterministic)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from pipeline.errors import UsageError
from pipeline.paths import CONFIGS
from pipeline.privacy.detect import PersonalDataFinder
from pipeline.privacy.pseudonym import age_band, read_key, write_key
from pipeline.privacy.redact import RedactOptions, Redactor, redact_record
from pipeline.privacy.remap import Replacement, apply

TEXT = (
    "PC 4471 Hughes attended 14 Acacia Road, Leeds LS6 2AB. Victim Amira Ahmed (DOB 12/03/1985) "
    "said the DVPN was breached. Hughes called Amira on 07700 900123."
)


def _record(text: str = TEXT) -> dict:
    start = text.index("DVPN")
    return {
        "id": "case-1",
        "text": text,
        "meta": {"source": "notes/Amira Ahmed.txt", "date": "2024-06-01"},
        "pages": [{"page": 1, "start": 0, "end": len(text)}],
        "entities": [
            {"start": start, "end": start + 4, "label": "DVPN", "status": "breached", "text": "DVPN"}
        ],
        "signals": [{"label": "BREACH_NOT_ACTIONED", "start": 55, "end": len(text)}],
    }


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(finder=PersonalDataFinder(model_path=None))


def test_offsets_follow_replacements() -> None:
    text, offsets = apply("abc XXXX def YY ghi", [Replacement(4, 8, "P"), Replacement(13, 15, "QQQQ")])
    assert text == "abc P def QQQQ ghi"
    assert (offsets.start(0), offsets.end(3)) == (0, 3)
    assert text[offsets.start(9) : offsets.end(12)] == "def"
    assert text[offsets.start(16) : offsets.end(19)] == "ghi"
    assert (offsets.start(5), offsets.end(6)) == (4, 5)  # inside a replacement: snaps to it


def test_record_is_pseudonymised_and_valid(redactor: Redactor) -> None:
    out = redactor.redact(_record())
    schema = json.loads((CONFIGS / "record.schema.json").read_text())
    jsonschema.validate(out, schema)
    for secret in ("Hughes", "Amira", "Ahmed", "Acacia", "LS6 2AB", "07700", "12/03/1985", "4471"):
        assert secret not in out["text"]
        assert secret not in json.dumps(out["meta"])
    ent = out["entities"][0]
    assert out["text"][ent["start"] : ent["end"]] == "DVPN" == ent["text"]
    sig = out["signals"][0]
    assert out["text"][sig["start"] : sig["end"]].startswith("Victim Person-")
    assert out["pages"][0]["end"] == len(out["text"])
    assert "aged 35-44" in out["text"]  # on the record's date, 2024-06-01


def test_same_person_same_pseudonym_in_a_document(redactor: Redactor) -> None:
    text = redactor.redact(_record())["text"]
    assert text.count("PC Officer-1") == 1 and "Officer-1 called" in text
    assert text.count("Person-1") == 2  # "Amira Ahmed" and "Amira" are one person


def test_keyed_pseudonyms_agree_across_documents(tmp_path: Path) -> None:
    key = read_key(write_key(tmp_path / "study.key"))
    finder = PersonalDataFinder(model_path=None)
    keyed = Redactor(RedactOptions(key=key), finder)
    one = keyed.redact(_record("DVPN served. Victim Amira Ahmed rang."))["text"]
    two = keyed.redact(_record("The DVPN was served. Victim Amira Ahmed was told."))["text"]
    name = one.split()[3]
    assert name.startswith("Person-") and name in two
    other = Redactor(RedactOptions(key=b"another key of 32 bytes........."), finder)
    assert name not in other.redact(_record("DVPN served. Victim Amira Ahmed rang."))["text"]


def test_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = write_key(tmp_path / "k")
    with pytest.raises(UsageError):
        write_key(path)
    (tmp_path / "short").write_text("abc")
    with pytest.raises(UsageError):
        read_key(tmp_path / "short")


def test_postcode_district(redactor: Redactor) -> None:
    finder = PersonalDataFinder(model_path=None)
    out = Redactor(RedactOptions(keep_district=True), finder).redact(_record())
    assert "Leeds LS6." not in out["text"] and " LS6." in out["text"]


@pytest.mark.parametrize(
    ("dob", "band"),
    [
        ("12/03/1985", "aged 35-44"),
        ("1 June 2008", "aged 16-17"),
        ("03.03.20", "aged 0-4"),
        ("1st May 1950", "aged 65+"),
        ("31/02/1990", "age unknown"),
    ],
)
def test_age_band(dob: str, band: str) -> None:
    assert age_band(dob, date(2024, 6, 1)) == band


def test_roles(redactor: Redactor) -> None:
    record = _record()
    assert redact_record(record, "admin", redactor) is record
    assert "Amira" not in redact_record(record, "viewer", redactor)["text"]
