"""Rule-based finders for personal data, read from `configs/personal_data/rules.json`.

Structured identifiers (emails, phones, postcodes, NI numbers, vehicle registrations, police
references, dates of birth, street addresses) are regexes; officers and titled people are
patterns built from the rank and title lists. `protected` regexes mark text that is never
personal data (legislation, courts, forces, agencies).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.paths import CONFIGS

DEFAULT_RULES = CONFIGS / "personal_data" / "rules.json"

STRUCTURED = ("POSTCODE", "PHONE", "NI_NUMBER", "EMAIL", "REFERENCE", "VEHICLE_REG")
NAME_LABELS = ("PERSON", "OFFICER")
LABELS = (*NAME_LABELS, "ADDRESS", "DOB", *STRUCTURED)


@dataclass(frozen=True, order=True)
class PiiSpan:
    """A character span of personal data; `source` says which finder produced it."""

    start: int
    end: int
    label: str
    source: str = "rule"

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label}


@dataclass(frozen=True)
class Pattern:
    label: str
    regex: re.Pattern[str]
    group: str | int = 0
    digits: tuple[int, int] | None = None


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class RuleFinder:
    """Regex and rank/title patterns over raw text."""

    def __init__(self, path: str | Path = DEFAULT_RULES) -> None:
        path = Path(path)
        if not path.is_file():
            raise InputError(f"missing personal-data rules {path}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self.patterns = [
                Pattern(
                    p["label"],
                    re.compile(p["regex"]),
                    p.get("group", 0),
                    tuple(p["digits"]) if "digits" in p else None,
                )
                for p in data["patterns"]
            ]
            self.protected = [re.compile(p["regex"]) for p in data["protected"]]
            name = data["name_token"]
            self.not_names = frozenset(data["not_names"])
            ranks, titles = _alternation(data["ranks"]), _alternation(data["titles"])
        except (KeyError, TypeError, ValueError, re.error) as exc:
            raise InputError(f"{path}: bad personal-data rules ({exc})") from None
        caps = r"[A-Z]{2,}(?:[-'][A-Z]+)?(?![\w'-])"  # an upper-case surname after a given name
        names = rf"(?P<name>(?:[A-Z]\.? )?{name}(?: (?:{name}|{caps}))?)"
        self.officer = re.compile(
            rf"\b(?P<rank>{ranks})\.?(?:(?: |\s?#\s?)(?P<collar>\d{{3,6}})\b)?(?: {names})?"
        )
        self.titled = re.compile(rf"\b(?P<title>{titles})\.? {names}")
        cues = _alternation(data.get("name_cues", []))
        self.cued = re.compile(rf"(?<![\w-])(?i:{cues}),? {names}") if cues else None
        followers = _alternation(data.get("name_followers", []))
        self.followed = (
            re.compile(
                rf"(?<![\w'-])(?P<name>{name}(?: (?:{name}|{caps}))?)(?: and (?P<second>{name}))? "
                rf"(?:{followers})(?![\w-])"
            )
            if followers
            else None
        )
        roles = _alternation(data.get("name_roles", []))
        self.apposed = (
            re.compile(
                rf"(?<![\w'-])(?P<name>{name} (?:{name}|{caps})), (?:the|her|his|their|a|an|your) "
                rf"(?:[\w'-]+ ){{0,3}}(?:{roles})(?![\w-])"
            )
            if roles
            else None
        )
        self.coordinated = re.compile(rf"(?<![\w'-])(?P<name>{name}) (?:and|&) (?P<second>{name})\b")
        self.name_token = re.compile(name)

    def _trim_name(self, text: str, start: int, end: int) -> int:
        """End of the name after dropping trailing words that are not names ('PC Jones Attended')."""
        words = text[start:end].split(" ")
        while words and words[-1].rstrip(".") in self.not_names:
            words.pop()
        return start + len(" ".join(words)) if words else start

    def _people(self, text: str) -> list[PiiSpan]:
        out: list[PiiSpan] = []
        for m in self.officer.finditer(text):
            end = m.end("rank")
            if m.group("collar"):
                end = m.end("collar")
            if m.group("name"):
                name_end = self._trim_name(text, m.start("name"), m.end("name"))
                if name_end > m.start("name"):
                    end = name_end
            if end > m.end("rank"):
                out.append(PiiSpan(m.start(), end, "OFFICER"))
        for m in self.titled.finditer(text):
            end = self._trim_name(text, m.start("name"), m.end("name"))
            if end > m.start("name"):
                out.append(PiiSpan(m.start(), end, "PERSON"))
        for m in self.followed.finditer(text) if self.followed else ():
            for group in ("name", "second"):
                if m.group(group) and not any(w in self.not_names for w in m.group(group).split()):
                    out.append(PiiSpan(m.start(group), m.end(group), "PERSON"))
        for m in self.apposed.finditer(text) if self.apposed else ():
            if not any(w in self.not_names for w in m.group("name").split()):
                out.append(PiiSpan(m.start("name"), m.end("name"), "PERSON"))
        for m in self.cued.finditer(text) if self.cued else ():
            end = self._trim_name(text, m.start("name"), m.end("name"))
            if end > m.start("name"):
                out.append(PiiSpan(m.start("name"), end, "PERSON"))
        return out

    def find(self, text: str) -> list[PiiSpan]:
        """Every rule match (may overlap; `resolve` picks among them)."""
        out = self._people(text)
        for p in self.patterns:
            for m in p.regex.finditer(text):
                start, end = m.span(p.group)
                if start < 0 or end <= start:
                    continue
                if p.digits is not None:
                    count = sum(c.isdigit() for c in text[start:end])
                    if not p.digits[0] <= count <= p.digits[1]:
                        continue
                out.append(PiiSpan(start, end, p.label))
        return out

    def protected_spans(self, text: str) -> list[tuple[int, int]]:
        """Spans that are never personal data (legislation, courts, forces, agencies)."""
        return [m.span() for rx in self.protected for m in rx.finditer(text)]


@cache
def rule_finder(path: str = str(DEFAULT_RULES)) -> RuleFinder:
    """One RuleFinder per rules file per process."""
    return RuleFinder(path)
