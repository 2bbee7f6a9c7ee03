"""Measure mentions as `doc.ents` from phrase patterns kept as data (`vawg_mentions`).

Patterns live in `configs/patterns/*.jsonl` (format in `configs/patterns/README.md`): each
entry has a `label` (a measure code, or `EXCLUDE`) and `patterns` (surface forms). Variants
are generated here: hyphen/space/joined spellings ("non-mol", "non mol", "nonmol") and, unless
`"plural": false`, plurals and possessives of the last word ("DVPNs", "DVPN's"). One
PhraseMatcher on NORM finds them all, so the shorthand norms ("conds" -> conditions,
"Claire's" -> clare) widen every pattern at no cost.

Per entry, cheap checks keep ambiguous forms honest:
- `literal`: the text itself (lowercased) must be one of the patterns, not just its norm
  ("conds" is BAIL, while "conditions", which "conds" normalises to, is not);
- `case_sensitive`: an all-lowercase match is dropped unless `lower_requires_context` finds a cue;
- `requires_context` / `reject_context`: cue words within `window` tokens either side;
- `reject_before` / `reject_after`: word sequences right before or after the match (`#num`
  stands for any number);
- `keep_map`: pattern -> [start, end] token slice that becomes the entity, for forms that
  must be matched whole but tagged short ("DASH risk assessment" -> "DASH");
  `whole_at_sentence_start` keeps the whole match when it opens a sentence or a line
  ("Remanded in custody to Crown Court" but "charged and [remanded] in custody").
Overlaps are resolved longest first (then leftmost); an `EXCLUDE` match that survives
removes the mentions it overlaps ("Bail Act 1976", "MARAC coordinator").
Single line breaks inside a sentence ("stalking protection\\norder") do not stop a match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.errors import InputError
from pipeline.labels import measures
from pipeline.nlp import extensions  # noqa: F401
from pipeline.nlp._data import read_rows, resolve, write_rows

PATTERNS_FILE = "patterns.jsonl"
EXCLUDE = "EXCLUDE"
_WRAP = re.compile(r"(?<=\S)\n(?=\S)")
_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_SIBILANT = ("s", "x", "z", "sh", "ch")


@dataclass
class Entry:
    """One pattern entry, with its checks prepared for fast lookup."""

    label: str
    row: dict[str, Any]
    window: int = 8
    case_sensitive: bool = False
    requires: frozenset[str] = frozenset()
    requires_phrases: tuple[str, ...] = ()
    lower_requires: frozenset[str] = frozenset()
    rejects: frozenset[str] = frozenset()
    reject_phrases: tuple[str, ...] = ()
    reject_before: list[tuple[str, ...]] = field(default_factory=list)
    reject_after: list[tuple[str, ...]] = field(default_factory=list)
    has_lower_rule: bool = False
    whole_at_sentence_start: bool = False
    literal: frozenset[str] = frozenset()

    @property
    def has_context(self) -> bool:
        return bool(self.requires or self.requires_phrases or self.rejects or self.reject_phrases)


def _split_cues(cues: Iterable[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    words = {c.lower() for c in cues if " " not in c}
    phrases = tuple(c.lower() for c in cues if " " in c)
    return frozenset(words), phrases


def hyphen_variants(text: str) -> list[str]:
    """Spellings of `text` with each inner hyphen as written, as a space, or dropped."""
    variants = [text]
    for _ in _INNER_HYPHEN.findall(text):
        nxt: list[str] = []
        for v in variants:
            m = _INNER_HYPHEN.search(v)
            if m is None:
                nxt.append(v)
                continue
            head, tail = v[: m.start()], v[m.end() :]
            nxt.extend([head + "\0" + tail, head + " " + tail, head + tail])
        variants = nxt
    return list(dict.fromkeys(v.replace("\0", "-") for v in variants))


def plural_variants(text: str) -> list[str]:
    """Plural and possessive spellings of the last word: "DVPNs", "DVPN's", "orders'"."""
    if text.endswith((")", "/")):
        return []
    last = text.split()[-1]
    plural = text + ("es" if last.lower().endswith(_SIBILANT) and len(last) > 4 else "s")
    if last.isupper() or last.lower().endswith(_SIBILANT):
        plural = text + "s"
    return [plural, text + "'s", text + "\u2019s", plural + "'"]


def _opens(doc: Doc, char: int) -> bool:
    """Does the token of `doc` at character `char` open a sentence (or a line)?"""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None:
        return False
    tok = span[0]
    if tok.i == 0 or tok.is_sent_start:
        return True
    prev = doc[tok.i - 1]
    return prev.is_space and "\n" in prev.text


class MentionFinder:
    """Finds measure mentions with one PhraseMatcher on NORM and a few data-driven checks."""

    def __init__(
        self, nlp: Language, name: str = "vawg_mentions", patterns_path: str | None = None, window: int = 8
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.default_window = window
        self.rows: list[dict[str, Any]] = []
        self.entries: list[Entry] = []
        self.keys: dict[int, tuple[int, tuple[int | None, int | None] | None]] = {}
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self._labels = set(measures()) | {EXCLUDE}
        path = resolve(patterns_path)
        if path is not None and path.exists():
            self.add(read_rows(path))

    # -- building -----------------------------------------------------------------------
    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add pattern entries (see the module docstring) and their generated variants."""
        for row in rows:
            label = str(row.get("label", ""))
            if label not in self._labels:
                raise InputError(f"pattern entry with unknown label {label!r} ({row.get('source', '?')})")
            index = len(self.entries)
            self.rows.append(row)
            self.entries.append(self._entry(label, row))
            plural_map: dict[str, list[str]] = row.get("plural_map", {})
            keep_map: dict[str, list[int | None]] = row.get("keep_map", {})
            for base in row["patterns"]:
                forms = [base]
                if base in plural_map:
                    forms += plural_map[base]
                elif row.get("plural", label != EXCLUDE):
                    forms += plural_variants(base)
                keep = keep_map.get(base)
                slice_ = (keep[0], keep[1]) if keep else None
                spellings = list(dict.fromkeys(v for f in forms for v in hyphen_variants(f)))
                key = f"{self.name}:{index}:{base}"
                self.keys[self.nlp.vocab.strings.add(key)] = (index, slice_)
                self.matcher.add(key, [self.nlp.make_doc(s) for s in spellings])

    def _entry(self, label: str, row: dict[str, Any]) -> Entry:
        requires, requires_phrases = _split_cues(row.get("requires_context", []))
        rejects, reject_phrases = _split_cues(row.get("reject_context", []))
        lower_requires, _ = _split_cues(row.get("lower_requires_context", []))

        def seqs(items: list[str]) -> list[tuple[str, ...]]:
            out: list[tuple[str, ...]] = []
            for s in items:
                if s == "#num":
                    out.append(("#num",))
                else:
                    out.append(tuple(t.norm_ for t in self.nlp.make_doc(s)))
            return out

        return Entry(
            label=label,
            row=row,
            window=int(row.get("window", self.default_window)),
            case_sensitive=bool(row.get("case_sensitive")),
            requires=requires,
            requires_phrases=requires_phrases,
            lower_requires=lower_requires,
            rejects=rejects,
            reject_phrases=reject_phrases,
            reject_before=seqs(row.get("reject_before", [])),
            reject_after=seqs(row.get("reject_after", [])),
            has_lower_rule="lower_requires_context" in row,
            whole_at_sentence_start=bool(row.get("whole_at_sentence_start")),
            literal=frozenset(str(p).lower() for p in row["patterns"]) if row.get("literal") else frozenset(),
        )

    # -- matching -----------------------------------------------------------------------
    def _context(self, doc: Doc, start: int, end: int, window: int) -> tuple[set[str], str]:
        lo, hi = max(0, start - window), min(len(doc), end + window)
        words: set[str] = set()
        for i in range(lo, hi):
            if start <= i < end:
                continue
            tok = doc[i]
            words.add(tok.norm_)
            words.add(tok.lower_)
        return words, doc[lo:hi].text.lower()

    @staticmethod
    def _seq_at(doc: Doc, i: int, seq: tuple[str, ...]) -> bool:
        if seq == ("#num",):
            return 0 <= i < len(doc) and doc[i].like_num
        if i < 0 or i + len(seq) > len(doc):
            return False
        return all(doc[i + k].norm_ == w for k, w in enumerate(seq))

    def _accept(self, doc: Doc, start: int, end: int, entry: Entry) -> bool:
        if entry.literal and doc[start:end].text.lower() not in entry.literal:
            return False
        for seq in entry.reject_after:
            if self._seq_at(doc, end, seq):
                return False
        for seq in entry.reject_before:
            if self._seq_at(doc, start - len(seq) if seq != ("#num",) else start - 1, seq):
                return False
        lowercase = entry.case_sensitive and doc[start:end].text.islower()
        if lowercase and not entry.has_lower_rule:
            return False
        need_lower = lowercase and entry.has_lower_rule
        if not (entry.has_context or need_lower):
            return True
        words, window_text = self._context(doc, start, end, entry.window)
        if entry.rejects & words or any(p in window_text for p in entry.reject_phrases):
            return False
        if need_lower and not entry.lower_requires & words:
            return False
        if entry.requires or entry.requires_phrases:
            return bool(entry.requires & words) or any(p in window_text for p in entry.requires_phrases)
        return True

    def find(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Mentions of `doc` as (start_char, end_char, label), after checks and overlap resolution."""
        text = doc.text
        mdoc = doc
        if "\n" in text and _WRAP.search(text):
            mdoc = self.nlp.make_doc(_WRAP.sub(" ", text))
        candidates: list[Span] = []
        keeps: dict[tuple[int, int, int], tuple[int, int]] = {}
        for key, start, end in self.matcher(mdoc):
            index, slice_ = self.keys[key]
            entry = self.entries[index]
            if not self._accept(mdoc, start, end, entry):
                continue
            span = Span(mdoc, start, end, label=entry.label)
            candidates.append(span)
            if slice_ is not None and not (entry.whole_at_sentence_start and _opens(doc, mdoc[start].idx)):
                kept = range(start, end)[slice(*slice_)]
                if len(kept):
                    keeps[(start, end, span.label)] = (kept[0], kept[-1] + 1)
        found: list[tuple[int, int, str]] = []
        for span in filter_spans(candidates):
            if span.label_ == EXCLUDE:
                continue
            start, end = keeps.get((span.start, span.end, span.label), (span.start, span.end))
            sub = mdoc[start:end]
            found.append((sub.start_char, sub.end_char, span.label_))
        return found

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for start_char, end_char, label in self.find(doc):
            span = doc.char_span(start_char, end_char, label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        if doc.ents:  # entities set earlier (e.g. by a trained ner): patterns win ties
            spans = filter_spans(spans + list(doc.ents))
        doc.ents = sorted(spans, key=lambda s: s.start)
        return doc

    # -- serialisation ------------------------------------------------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_rows(path / PATTERNS_FILE, self.rows)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> MentionFinder:
        file = Path(path) / PATTERNS_FILE
        if file.exists():
            self.rows, self.entries, self.keys = [], [], {}
            self.matcher = PhraseMatcher(self.nlp.vocab, attr="NORM")
            self.add(read_rows(file))
        return self


@Language.factory(
    "vawg_mentions",
    default_config={"patterns_path": "configs/patterns", "window": 8},
)
def make_mentions(nlp: Language, name: str, patterns_path: str, window: int) -> MentionFinder:
    """Factory for `vawg_mentions`."""
    return MentionFinder(nlp, name, patterns_path, window)
