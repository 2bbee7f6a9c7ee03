"""Pseudonyms for personal-data spans: consistent in a document, and across a corpus with a key.

Without a key, people are numbered in order of first appearance in each document (`Person-1`,
`Officer-1`). With a key (`--key-file`), the number is a keyed HMAC-SHA256 of the normalised
value, so the same name or number gets the same pseudonym in every document, and nobody without
the key can reverse it or test guesses. Mentions of one person are linked in a document by
surname (when no two different first names share it) and by collar number. Dates of birth
become an age band; postcodes become a pseudonym or, if asked, their district.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.errors import UsageError, not_found
from pipeline.privacy.rules import RuleFinder, rule_finder

PREFIX = {
    "PERSON": "Person",
    "OFFICER": "Officer",
    "ADDRESS": "Address",
    "POSTCODE": "Postcode",
    "PHONE": "Phone",
    "EMAIL": "Email",
    "NI_NUMBER": "NI",
    "VEHICLE_REG": "Vehicle",
    "REFERENCE": "Ref",
    "DOB": "DOB",
}
AGE_BANDS = ((0, 4), (5, 9), (10, 15), (16, 17), (18, 24), (25, 34), (35, 44), (45, 54), (55, 64))
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
HMAC_SPACE = 1_000_000


def read_key(path: str | Path) -> bytes:
    """The secret key in a key file (hex, as `vawg privacy keygen` writes, or any 16+ bytes)."""
    p = Path(path)
    if not p.is_file():
        raise not_found(p)
    raw = p.read_bytes().strip()
    try:
        key = bytes.fromhex(raw.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = raw
    if len(key) < 16:
        raise UsageError(f"key file {p} holds fewer than 16 bytes: make one with `vawg privacy keygen`")
    return key


def write_key(path: str | Path) -> Path:
    """Create a new random 256-bit key file readable only by its owner."""
    p = Path(path)
    if p.exists():
        raise UsageError(f"{p} exists: a key is never overwritten (pseudonyms depend on it)")
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return p


def age_band(dob_text: str, on: date) -> str:
    """`aged 25-34` for a date of birth written as 12/03/1990, 12.03.90, 3 March 1990, ...;
    `age unknown` when it cannot be read."""
    m = re.match(r"(\d{1,2})(?:st|nd|rd|th)?[ ./-]([A-Za-z]{3,9}|\d{1,2})[ ./-](\d{2,4})$", dob_text.strip())
    if not m:
        return "age unknown"
    day, month_text, year_text = m.groups()
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text[:3].lower(), 0)
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000 if year <= on.year % 100 else 1900
    try:
        born = date(year, month, int(day))
    except ValueError:
        return "age unknown"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if age < 0:
        return "age unknown"
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"aged {low}-{high}"
    return "aged 65+"


@dataclass(frozen=True)
class NameParts:
    """A name mention split into what is kept (title or rank) and what identifies."""

    keep: str
    collar: str
    first: str
    last: str


def name_parts(text: str, label: str, rules: RuleFinder) -> NameParts:
    """Title or rank, collar number, first and last name of a PERSON/OFFICER span."""
    keep, collar, rest = "", "", text
    m = rules.officer.match(text) if label == "OFFICER" else None
    if m:
        keep, collar, rest = m.group("rank"), m.group("collar") or "", text[m.end("rank") :]
        rest = re.sub(r"^\W*\d*\s*", "", rest)
    else:
        t = rules.titled.match(text)
        if t:
            keep, rest = t.group("title"), text[t.start("name") :]
    words = [w.strip(".,").lower() for w in rest.split() if len(w.strip(".,")) > 1]
    first = words[0] if len(words) > 1 else ""
    last = words[-1] if words else ""
    return NameParts(keep, collar, first, last)


class Pseudonymiser:
    """Pseudonyms for one document; a keyed one is consistent across documents."""

    def __init__(self, key: bytes | None = None, keep_district: bool = False, today: date | None = None):
        self.key = key
        self.keep_district = keep_district
        self.today = today or date.today()
        self.rules = rule_finder()
        self._counters: dict[str, int] = {}
        self._numbers: dict[tuple[str, str], int] = {}

    def number(self, kind: str, value: str) -> int:
        """The number of `value` within `kind`: keyed HMAC, or order of first appearance."""
        if (kind, value) in self._numbers:
            return self._numbers[(kind, value)]
        if self.key is not None:
            digest = hmac.new(self.key, f"{kind}\x1f{value}".encode(), hashlib.sha256).digest()
            n = int.from_bytes(digest[:8], "big") % HMAC_SPACE
        else:
            n = self._counters.get(kind, 0) + 1
            self._counters[kind] = n
        self._numbers[(kind, value)] = n
        return n

    def names(self, mentions: list[tuple[str, str]]) -> list[str]:
        """Replacements for the (text, label) name mentions of one document, in order."""
        parts = [name_parts(t, lab, self.rules) for t, lab in mentions]
        firsts: dict[str, set[str]] = {}
        for p in parts:
            if p.first:
                firsts.setdefault(p.last, set()).add(p.first)
        collar_last = {p.collar: p.last for p in parts if p.collar and p.last}
        lasts = {p.last for p in parts if p.first or p.keep}
        by_first: dict[str, set[str]] = {}
        for p in parts:
            if p.first:
                by_first.setdefault(p.first, set()).add(p.last)
        identities = []
        for p in parts:
            last = p.last or collar_last.get(p.collar, "")
            if not p.first and not p.keep and last not in lasts and len(by_first.get(last, ())) == 1:
                p = NameParts("", "", last, next(iter(by_first[last])))  # a first name alone
                last = p.last
            known = firsts.get(last, set())
            first = p.first or (next(iter(known)) if len(known) == 1 else "")
            identities.append(f"{first} {last}".strip() if last else f"#{p.collar}")
        officers = {ident for ident, (_, lab) in zip(identities, mentions, strict=True) if lab == "OFFICER"}
        out = []
        for ident, p in zip(identities, parts, strict=True):
            kind = "Officer" if ident in officers else "Person"
            name = f"{kind}-{self.number(kind, ident)}"
            out.append(f"{p.keep} {name}" if p.keep else name)
        return out

    def value(self, text: str, label: str) -> str:
        """Replacement for a non-name span."""
        if label == "DOB":
            return f"[{age_band(text, self.today)}]"
        if label == "POSTCODE" and self.keep_district:
            compact = re.sub(r"\s+", "", text.upper())
            return compact[:-3] if len(compact) > 3 else "Postcode"
        norm = re.sub(r"[\s()./-]+", "", text).lower()
        if label == "PHONE":
            norm = re.sub(r"^(\+?44)?0?", "0", norm)
        return f"{PREFIX.get(label, label.title())}-{self.number(label, norm)}"


DOC_ID_PREFIX = "doc-"


def pseudonymous_id(doc_id: str, key: bytes | None = None) -> str:
    """A document id that shows nothing of the original (ids made from file names hold names):
    `doc-` and 12 hex digits of a keyed HMAC of the id, or of its SHA-256 without a key (the
    same in the web app and in reports; only the keyed form resists guessing file names)."""
    data = f"DOC\x1f{doc_id}".encode()
    digest = hmac.new(key, data, hashlib.sha256) if key is not None else hashlib.sha256(data)
    return DOC_ID_PREFIX + digest.hexdigest()[:12]
