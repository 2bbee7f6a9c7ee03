"""Measure mentions as `doc.ents` from phrase patterns kept as data (`vawg_mentions`).

Patterns live in `configs/patterns/*.jsonl` (format in `configs/patterns/README.md`): each
entry has a `label` (a measure code, or `EXCLUDE`) and `patterns` (surface forms). Variants
are generated here: hyphen/space/joined spellings ("non-mol", "non mol", "nonmol") and, unless
`"plural": false`, plurals and possessives of the last word ("DVPNs", "DVPN's"), acronyms
spelled out letter by letter, as speech-to-text and some typists write them ("D V P N",
"D.V.P.N"), and names of several words run together, as in hashtags
("#StalkingProtectionOrder"). One PhraseMatcher on NORM finds them all, so the shorthand
norms ("conds" -> conditions, "Claire's" -> clare) widen every pattern at no cost.

Per entry, cheap checks keep ambiguous forms honest:
- `literal`: the text itself (lowercased) must be one of the patterns, not just its norm
  ("conds" is BAIL, while "conditions", which "conds" normalises to, is not);
- `case_sensitive`: an all-lowercase match is dropped unless `lower_requires_context` finds a cue;
- `requires_context` / `reject_context`: cue words within `window` tokens either side,
  inside the match's sentence when sentences are set;
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
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.attrs import LIKE_NUM, LOWER, NORM, ORTH, SENT_START
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
_ACRONYM = re.compile(r"[A-Z]{2,6}")
NUMBER = 0  # in a reject_before/after sequence: any number (written "#num" in the data)


@dataclass
class Entry:
    """One pattern entry, with its checks prepared for fast lookup."""

    label: str
    row: dict[str, Any]
    window: int = 8
    case_sensitive: bool = False
    requires: frozenset[int] = frozenset()
    requires_phrases: tuple[str, ...] = ()
    lower_requires: frozenset[int] = frozenset()
    rejects: frozenset[int] = frozenset()
    reject_phrases: tuple[str, ...] = ()
    reject_before: dict[int, list[tuple[int, ...]]] = field(default_factory=dict)  # by last word
    reject_after: dict[int, list[tuple[int, ...]]] = field(default_factory=dict)  # by first word
    has_lower_rule: bool = False
    whole_at_sentence_start: bool = False
    literal: frozenset[str] = frozenset()

    @property
    def has_context(self) -> bool:
        return bool(self.requires or self.requires_phrases or self.rejects or self.reject_phrases)




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


def spelled_variants(text: str) -> list[str]:
    """The pattern with its acronyms written letter by letter: spaced ("MARAC coordinator" ->
    "M A R A C coordinator") and dotted, with and without the last dot ("M.A.R.A.C.",
    "M.A.R.A.C"); nothing for patterns without an acronym."""
    words = text.split(" ")
    if not any(_ACRONYM.fullmatch(w) for w in words):
        return []
    return [
        " ".join(between.join(w) + last if _ACRONYM.fullmatch(w) else w for w in words)
        for between, last in ((" ", ""), (".", "."), (".", ""))
    ]


def joined_variants(spellings: list[str]) -> list[str]:
    """Each spelling of two or more words, all letters, run together ("restrainingorder")."""
    out = []
    for text in spellings:
        words = text.split()
        if len(words) > 1 and all(w.isalpha() for w in words):
            out.append("".join(words))
    return out


def plural_variants(text: str) -> list[str]:
    """Plural and possessive spellings of the last word: "DVPNs", "DVPN's", "orders'"."""
    if text.endswith((")", "/")):
        return []
    last = text.split()[-1]
    plural = text + ("es" if last.lower().endswith(_SIBILANT) and len(last) > 4 else "s")
    if last.isupper() or last.lower().endswith(_SIBILANT):
        plural = text + "s"
    return [plural, text + "'s", text + "\u2019s", plural + "'"]


def pattern_spellings(row: dict[str, Any], base: str) -> list[str]:
    """Every spelling matched for pattern `base` of entry `row`: plurals (or the entry's
    `plural_map`), spelled-out acronyms, hyphen variants and run-together names. A pattern with
    a `keep_map` slice keeps its token count: no spelled or run-together forms."""
    label = str(row.get("label", ""))
    plural_map: dict[str, list[str]] = row.get("plural_map", {})
    sliced = base in row.get("keep_map", {})
    forms = [base]
    if base in plural_map:
        forms += plural_map[base]
    elif row.get("plural", label != EXCLUDE):
        forms += plural_variants(base)
    if not sliced:
        forms += spelled_variants(base)
    spellings = list(dict.fromkeys(v for f in forms for v in hyphen_variants(f)))
    if label != EXCLUDE and not sliced:
        spellings = list(dict.fromkeys(spellings + joined_variants(spellings)))
    return spellings


class _View:
    """Token attributes of one Doc as plain lists, read only when a check needs them."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._arr: list[list[int]] | None = None
        self._starts: list[int] | None = None

    @property
    def arr(self) -> list[list[int]]:
        if self._arr is None:
            self._arr = self.doc.to_array([NORM, LOWER, LIKE_NUM]).tolist()
        return self._arr

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """Token range of the sentence(s) holding start..end (the whole Doc if none are set)."""
        if self._starts is None:
            self._starts = [0]
            if self.doc.has_annotation("SENT_START"):
                flags = self.doc.to_array(SENT_START).tolist()
                self._starts = [i for i, f in enumerate(flags) if f == 1 or i == 0]
        first = bisect_right(self._starts, start) - 1
        after = bisect_right(self._starts, end - 1)
        hi = self._starts[after] if after < len(self._starts) else len(self.doc)
        return self._starts[first], hi

    def words(self, lo: int, hi: int) -> set[int]:
        """Norm and lowercase hashes of tokens lo..hi."""
        out: set[int] = set()
        for row in self.arr[lo:hi]:
            out.add(row[0])
            out.add(row[1])
        return out

    def seq_at(self, i: int, seq: tuple[int, ...]) -> bool:
        """Do the norms from token i on equal `seq` (NUMBER stands for any number)?"""
        if i < 0 or i + len(seq) > len(self.doc):
            return False
        rows = self.arr
        return all(rows[i + k][2] if h == NUMBER else rows[i + k][0] == h for k, h in enumerate(seq))


def _candidates(table: dict[int, list[tuple[int, ...]]], row: list[int]) -> list[tuple[int, ...]]:
    """Sequences keyed by this token's norm, plus number sequences if the token is a number."""
    found = table.get(row[0], [])
    return found + table.get(NUMBER, []) if row[2] else found


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
        self._bigrams: set[tuple[int, int]] = set()
        self._newline = nlp.vocab.strings.add("\n")
        self._exclude = nlp.vocab.strings.add(EXCLUDE)
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
            keep_map: dict[str, list[int | None]] = row.get("keep_map", {})
            for base in row["patterns"]:
                keep = keep_map.get(base)
                slice_ = (keep[0], keep[1]) if keep else None
                key = f"{self.name}:{index}:{base}"
                self.keys[self.nlp.vocab.strings.add(key)] = (index, slice_)
                docs = [self.nlp.make_doc(s) for s in pattern_spellings(row, base)]
                self.matcher.add(key, docs)
                for d in docs:
                    self._bigrams.update((d[i].norm, d[i + 1].norm) for i in range(len(d) - 1))

    def _cues(self, cues: Iterable[str]) -> tuple[frozenset[int], tuple[str, ...]]:
        """Single-word cues as hashes (matched against norms and lowercase forms); phrases as text."""
        strings = self.nlp.vocab.strings
        words = frozenset(strings.add(c.lower()) for c in cues if " " not in c)
        return words, tuple(c.lower() for c in cues if " " in c)

    def _entry(self, label: str, row: dict[str, Any]) -> Entry:
        requires, requires_phrases = self._cues(row.get("requires_context", []))
        rejects, reject_phrases = self._cues(row.get("reject_context", []))
        lower_requires, _ = self._cues(row.get("lower_requires_context", []))

        def seqs(items: list[str], key_at: int) -> dict[int, list[tuple[int, ...]]]:
            out: dict[int, list[tuple[int, ...]]] = {}
            for item in items:
                seq = (NUMBER,) if item == "#num" else tuple(t.norm for t in self.nlp.make_doc(item))
                out.setdefault(seq[key_at], []).append(seq)
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
            reject_before=seqs(row.get("reject_before", []), -1),
            reject_after=seqs(row.get("reject_after", []), 0),
            has_lower_rule="lower_requires_context" in row,
            whole_at_sentence_start=bool(row.get("whole_at_sentence_start")),
            literal=frozenset(str(p).lower() for p in row["patterns"]) if row.get("literal") else frozenset(),
        )

    # -- matching -----------------------------------------------------------------------
    def _accept(self, view: _View, start: int, end: int, entry: Entry) -> bool:
        doc = view.doc
        if entry.literal and doc[start:end].text.lower() not in entry.literal:
            return False
        if entry.reject_after and end < len(doc):
            for seq in _candidates(entry.reject_after, view.arr[end]):
                if view.seq_at(end, seq):
                    return False
        if entry.reject_before and start > 0:
            for seq in _candidates(entry.reject_before, view.arr[start - 1]):
                if view.seq_at(start - len(seq), seq):
                    return False
        lowercase = entry.case_sensitive and doc[start:end].text.islower()
        if lowercase and not entry.has_lower_rule:
            return False
        need_lower = lowercase and entry.has_lower_rule
        if not (entry.has_context or need_lower):
            return True
        sent_lo, sent_hi = view.sentence(start, end)
        lo, hi = max(sent_lo, start - entry.window), min(sent_hi, end + entry.window)
        words = view.words(lo, start) | view.words(end, hi)
        window_text = doc[lo:hi].text.lower() if entry.reject_phrases or entry.requires_phrases else ""
        if entry.rejects & words or any(p in window_text for p in entry.reject_phrases):
            return False
        if need_lower and not entry.lower_requires & words:
            return False
        if entry.requires or entry.requires_phrases:
            return bool(entry.requires & words) or any(p in window_text for p in entry.requires_phrases)
        return True

    def _match_doc(self, doc: Doc) -> Doc:
        """`doc`, or a copy with line breaks as spaces when a pattern may run across one."""
        if self._newline not in doc.to_array(ORTH):
            return doc
        orths = doc.to_array(ORTH).tolist()
        norms = doc.to_array(NORM).tolist()
        for i in range(1, len(orths) - 1):
            if orths[i] == self._newline and (norms[i - 1], norms[i + 1]) in self._bigrams:
                return self.nlp.make_doc(_WRAP.sub(" ", doc.text))
        return doc

    def find(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Mentions of `doc` as (start_char, end_char, label), after checks and overlap resolution."""
        return [(s.start_char, s.end_char, s.label_) for s in self._spans(doc)]

    def _spans(self, doc: Doc) -> list[Span]:
        mdoc = self._match_doc(doc)
        view = _View(mdoc)
        candidates: list[Span] = []
        keeps: dict[tuple[int, int, int], tuple[int, int]] = {}
        for key, start, end in self.matcher(mdoc):
            index, slice_ = self.keys[key]
            entry = self.entries[index]
            if not self._accept(view, start, end, entry):
                continue
            span = Span(mdoc, start, end, label=entry.label)
            candidates.append(span)
            if slice_ is not None and not (entry.whole_at_sentence_start and _opens(doc, mdoc[start].idx)):
                kept = range(start, end)[slice(*slice_)]
                if len(kept):
                    keeps[(start, end, span.label)] = (kept[0], kept[-1] + 1)
        found: list[Span] = []
        for span in filter_spans(candidates):
            if span.label == self._exclude:
                continue
            start, end = keeps.get((span.start, span.end, span.label), (span.start, span.end))
            if mdoc is doc:
                found.append(Span(doc, start, end, label=span.label))
                continue
            sub = mdoc[start:end]
            mapped = doc.char_span(sub.start_char, sub.end_char, label=span.label, alignment_mode="expand")
            if mapped is not None:
                found.append(mapped)
        return found

    def __call__(self, doc: Doc) -> Doc:
        spans = self._spans(doc)
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
            self.rows, self.entries, self.keys, self._bigrams = [], [], {}, set()
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
