"""Pseudonymise records: find personal data, replace it, remap every offset.

`Redactor(options).redact(record)` returns a new record whose text holds pseudonyms and whose
entities, signals and pages point at the same words in the new text. Measure mentions are never
touched (spans overlapping them are not personal data by definition). `redact_record(record, role)`
is the hook for the web app: `admin` gets the original, anyone else the pseudonymised record.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.privacy.detect import PersonalDataFinder, default_finder
from pipeline.privacy.pseudonym import Pseudonymiser, read_key
from pipeline.privacy.remap import OffsetMap, Replacement, apply
from pipeline.privacy.rules import NAME_LABELS, PiiSpan

REVEAL_ROLES = frozenset({"admin"})


@dataclass(frozen=True)
class RedactOptions:
    """How to pseudonymise: an HMAC key for corpus-wide pseudonyms, postcode districts, today."""

    key: bytes | None = None
    keep_district: bool = False
    today: date | None = None

    @classmethod
    def from_key_file(cls, key_file: str | Path | None, keep_district: bool = False) -> RedactOptions:
        return cls(read_key(key_file) if key_file else None, keep_district)


def _reference_date(record: dict[str, Any], fallback: date | None) -> date | None:
    value = (record.get("meta") or {}).get("date")
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    return fallback


class Redactor:
    """Pseudonymises records with one finder and one set of options."""

    def __init__(self, options: RedactOptions | None = None, finder: PersonalDataFinder | None = None):
        self.options = options or RedactOptions()
        self.finder = finder or default_finder()

    def spans(self, record: dict[str, Any]) -> list[PiiSpan]:
        """Personal-data spans of a record's text, never overlapping its measure mentions."""
        keep = [(int(e["start"]), int(e["end"])) for e in record.get("entities") or []]
        return self.finder.find(str(record.get("text") or ""), keep)

    def plan(self, record: dict[str, Any], spans: list[PiiSpan] | None = None) -> list[Replacement]:
        """The replacements for one record (a fresh pseudonymiser per record, keyed or not)."""
        text = str(record.get("text") or "")
        spans = self.spans(record) if spans is None else spans
        pseudo = Pseudonymiser(
            self.options.key, self.options.keep_district, _reference_date(record, self.options.today)
        )
        names = [s for s in spans if s.label in NAME_LABELS]
        named = dict(zip(names, pseudo.names([(text[s.start : s.end], s.label) for s in names]), strict=True))
        return [
            Replacement(
                s.start,
                s.end,
                named[s] if s in named else pseudo.value(text[s.start : s.end], s.label),
                s.label,
            )
            for s in spans
        ]

    def redact(self, record: dict[str, Any]) -> dict[str, Any]:
        """A pseudonymised copy of `record` (schema-valid if the input was)."""
        return apply_plan(record, self.plan(record), keyed=self.options.key is not None)


def _remap_spans(items: list[dict[str, Any]], offsets: OffsetMap) -> list[dict[str, Any]]:
    out = []
    for item in items:
        new = dict(item)
        if "start" in item and "end" in item:
            new["start"], new["end"] = offsets.start(int(item["start"])), offsets.end(int(item["end"]))
        out.append(new)
    return out


def _scrub(value: Any, plan: list[Replacement], original: str) -> Any:
    """Replace any found personal-data string inside meta values (file names often hold names)."""
    if isinstance(value, str):
        for r in sorted(plan, key=lambda r: r.start - r.end):
            found = original[r.start : r.end]
            if len(found) > 2:
                value = value.replace(found, r.text)
        return value
    if isinstance(value, dict):
        return {k: _scrub(v, plan, original) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, plan, original) for v in value]
    return value


def apply_plan(record: dict[str, Any], plan: list[Replacement], keyed: bool = False) -> dict[str, Any]:
    """`record` with `plan` applied to its text and every offset remapped."""
    original = str(record.get("text") or "")
    text, offsets = apply(original, plan)
    out = dict(record)
    out["text"] = text
    entities = _remap_spans(list(record.get("entities") or []), offsets)
    for ent in entities:
        if "text" in ent:
            ent["text"] = text[ent["start"] : ent["end"]]
    out["entities"] = entities
    out["signals"] = _remap_spans(list(record.get("signals") or []), offsets)
    if record.get("pages"):
        out["pages"] = _remap_spans(list(record["pages"]), offsets)
    meta = _scrub(dict(record.get("meta") or {}), plan, original)
    meta["redaction"] = {
        "pseudonymised": True,
        "keyed": keyed,
        "spans": len(plan),
        "by_type": dict(sorted(Counter(r.label for r in plan).items())),
    }
    out["meta"] = meta
    return out


def redact_record(
    record: dict[str, Any], role: str = "viewer", redactor: Redactor | None = None
) -> dict[str, Any]:
    """The record as `role` may see it: originals for `admin`, pseudonyms for everyone else.

    The caller audits a reveal (an admin reading an original); see `can_reveal`.
    """
    if can_reveal(role):
        return record
    return (redactor or Redactor()).redact(record)


def can_reveal(role: str) -> bool:
    """Whether `role` may see original personal data."""
    return role in REVEAL_ROLES
