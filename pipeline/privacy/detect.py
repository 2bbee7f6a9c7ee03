"""Find personal data in text: rules for structured identifiers, ranks and titles, plus a small
trained NER for names (`models/personal_data/`, built by `vawg privacy train`).

`PersonalDataFinder.find(text, keep=[...])` returns non-overlapping `PiiSpan`s. Spans that
overlap `keep` (measure mentions) are dropped, and names or addresses that overlap legislation,
court, force or agency names are dropped too.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.paths import MODELS, PROJECT_ROOT
from pipeline.privacy.rules import DEFAULT_RULES, NAME_LABELS, PiiSpan, RuleFinder, rule_finder

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = MODELS / "personal_data"
# Which label wins when spans of equal length overlap (earlier wins).
PRIORITY = (
    "EMAIL",
    "NI_NUMBER",
    "PHONE",
    "REFERENCE",
    "VEHICLE_REG",
    "POSTCODE",
    "DOB",
    "OFFICER",
    "PERSON",
    "ADDRESS",
)
SOFT_LABELS = (*NAME_LABELS, "ADDRESS")  # dropped where they overlap protected names


def resolve_path(path: str | Path) -> Path:
    """A data path as given, or relative to the project root when it is not found as given."""
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    return PROJECT_ROOT / p


@cache
def _load_ner(path: str) -> Language | None:
    import spacy

    folder = Path(path)
    if not (folder / "config.cfg").is_file():
        print(f"vawg: warning: no personal-data NER at {folder}; names found by rules only", file=sys.stderr)
        return None
    return spacy.load(folder)


def _overlaps(span: PiiSpan, ranges: list[tuple[int, int]]) -> bool:
    return any(span.start < e and s < span.end for s, e in ranges)


_EDGE_PUNCT = frozenset("\"'()[]{},;:!?\u201c\u201d\u2018\u2019")  # never part of a name at its edges


class PersonalDataFinder:
    """Rules plus the name NER; `find` is safe to call on any text."""

    def __init__(self, rules_path: str | Path = DEFAULT_RULES, model_path: str | Path | None = DEFAULT_MODEL):
        self.rules: RuleFinder = rule_finder(str(resolve_path(rules_path)))
        self.ner = _load_ner(str(resolve_path(model_path))) if model_path else None

    def names(self, text: str) -> list[PiiSpan]:
        """Name spans from the NER (none without a model)."""
        if self.ner is None or not text.strip():
            return []
        if len(text) >= self.ner.max_length:
            self.ner.max_length = len(text) + 1
        out = []
        for ent in self.ner(text).ents:
            words = ent.text.split()
            if not ent.text[:1].isupper() or any(c.isdigit() for c in ent.text):
                continue
            if all(w.rstrip(".") in self.rules.not_names or w.isupper() for w in words):
                continue
            start, end = ent.start_char, ent.end_char
            while end > start and text[end - 1] in _EDGE_PUNCT:  # 'Patel"' -> 'Patel'
                end -= 1
            while start < end and text[start] in _EDGE_PUNCT:
                start += 1
            if end > start:
                out.append(PiiSpan(start, end, "PERSON", "ner"))
        return out

    def find(self, text: str, keep: list[tuple[int, int]] | None = None) -> list[PiiSpan]:
        """Non-overlapping personal-data spans in `text`, never overlapping `keep`."""
        keep = list(keep or [])
        protected = self.rules.protected_spans(text)
        candidates = [
            s
            for s in self.rules.find(text) + self.names(text)
            if not _overlaps(s, keep) and not (s.label in SOFT_LABELS and _overlaps(s, protected))
        ]
        chosen = _choose(_merge_names(text, candidates))
        chosen = _choose(chosen + self._coordinated(text, chosen, keep + protected))
        chosen = self._widen(text, chosen, keep + protected)
        again = self._repeats(text, chosen, keep + protected)
        return _choose(_merge_names(text, chosen + again)) if again else chosen

    def _widen(self, text: str, chosen: list[PiiSpan], avoid: list[tuple[int, int]]) -> list[PiiSpan]:
        """Grow a PERSON span by one name word on either side ('Adil' + 'Stan'), so no half
        of a name is left in the clear."""
        taken = [(s.start, s.end) for s in chosen] + avoid
        out = []
        for s in chosen:
            start, end = s.start, s.end
            if s.label == "PERSON":
                before = re.search(r"(?<![\w'-])([A-Z][\w'-]*) $", text[max(0, start - 40) : start])
                if before and self._name_word(before.group(1)):
                    if not _overlaps(PiiSpan(start - len(before.group(0)), start, ""), taken):
                        start -= len(before.group(0))
                after = re.match(r" ([A-Z][\w'-]*)(?![\w'-])", text[end : end + 40])
                if after and self._name_word(after.group(1)):
                    if not _overlaps(PiiSpan(end, end + len(after.group(0)), ""), taken):
                        end += len(after.group(0))
            out.append(PiiSpan(start, end, s.label, s.source) if (start, end) != (s.start, s.end) else s)
        return out

    def _name_word(self, word: str) -> bool:
        return (
            bool(
                self.rules.name_token.fullmatch(word)
                or (
                    word.isupper()
                    and len(word) > 2
                    and word.isalpha()
                    and word.capitalize() not in self.rules.not_names
                )
            )
            and word not in self.rules.not_names
        )

    def _coordinated(self, text: str, chosen: list[PiiSpan], avoid: list[tuple[int, int]]) -> list[PiiSpan]:
        """The other half of 'X and Y' when one half is a name already found."""
        names = {(s.start, s.end) for s in chosen if s.label in NAME_LABELS}
        out = []
        for m in self.rules.coordinated.finditer(text):
            a, b = m.span("name"), m.span("second")
            for mine, other in ((a, b), (b, a)):
                word = text[other[0] : other[1]]
                if any(s <= mine[0] and mine[1] <= e for s, e in names) and word not in self.rules.not_names:
                    span = PiiSpan(other[0], other[1], "PERSON", "repeat")
                    if not _overlaps(span, avoid + list(names)):
                        out.append(span)
        return out

    def _repeats(self, text: str, chosen: list[PiiSpan], avoid: list[tuple[int, int]]) -> list[PiiSpan]:
        """Other mentions of a name word already found ('Holly Pollard' ... 'Holly')."""
        words: set[str] = set()
        for s in chosen:
            if s.label in NAME_LABELS:
                head = self.rules.officer.match(text, s.start) or self.rules.titled.match(text, s.start)
                part = (
                    text[head.start("name") : s.end] if head and head.group("name") else text[s.start : s.end]
                )
                words.update(w for w in self.rules.name_token.findall(part) if len(w) > 2)
        words -= self.rules.not_names
        if not words:
            return []
        rx = re.compile(r"(?<![\w'-])(?:" + "|".join(re.escape(w) for w in sorted(words)) + r")(?![\w-])")
        taken = [(s.start, s.end) for s in chosen] + avoid
        found = [PiiSpan(m.start(), m.end(), "PERSON", "repeat") for m in rx.finditer(text)]
        return [s for s in found if not _overlaps(s, taken)]


def _merge_names(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """Join name spans that overlap or touch across one space ('PC 4471' + 'HUGHES')."""
    names = sorted(s for s in spans if s.label in NAME_LABELS)
    others = [s for s in spans if s.label not in NAME_LABELS]
    merged: list[PiiSpan] = []
    for s in names:
        if merged:
            last = merged[-1]
            touching = (
                s.start == last.end + 1
                and text[last.end] == " "
                and (
                    ("OFFICER" in (last.label, s.label) and "rule" in (last.source, s.source))
                    or "repeat" in (last.source, s.source)
                )
            )
            if s.start < last.end or touching:
                label = "OFFICER" if "OFFICER" in (last.label, s.label) else "PERSON"
                source = "rule" if "rule" in (last.source, s.source) else "ner"
                merged[-1] = PiiSpan(last.start, max(last.end, s.end), label, source)
                continue
        merged.append(s)
    return merged + others


def _choose(spans: list[PiiSpan]) -> list[PiiSpan]:
    """Longest spans first (ties by PRIORITY); a span overlapping a chosen one is dropped."""
    rank = {label: i for i, label in enumerate(PRIORITY)}
    chosen: list[PiiSpan] = []
    for s in sorted(set(spans), key=lambda s: (-(s.end - s.start), rank.get(s.label, 99), s.start)):
        if not any(s.start < c.end and c.start < s.end for c in chosen):
            chosen.append(s)
    return sorted(chosen)


@cache
def default_finder() -> PersonalDataFinder:
    """The finder with the shipped rules and model, built once per process."""
    return PersonalDataFinder()
