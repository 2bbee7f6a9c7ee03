"""A light, fast sentence splitter for the store, and the mapping of spans to sentences.

Records carry no sentence boundaries, so the store cuts text itself: after `.`, `!` or `?`
followed by a capital, digit or quote (not after common abbreviations such as "PC." or
"e.g."), at blank lines, and at line breaks that start a new case-note entry. Signal spans
(the annotator's own sentences) force their boundaries, no boundary falls inside a mention,
and very long runs are cut at a space so every sentence stays readable and indexable.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

MAX_SENTENCE_CHARS = 1000

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "pc", "dc", "ds", "di", "dci", "sgt", "insp", "supt", "st", "no", "nos",
    "eg", "e.g", "ie", "i.e", "etc", "approx", "ref", "vs", "v", "co", "ltd", "para", "fig", "cf", "al",
}  # fmt: skip

_END_PUNCT = re.compile(r"""[.!?]["')\]]*\s+(?=["'(\[]?[A-Z0-9])""")
_NEWLINES = re.compile(r"\n\s*")
# A line that starts with a bullet, a date/time stamp or a "Heading:" starts a new entry.
_ENTRY_START = re.compile(
    r"[-*\u2022\u25aa]\s|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}:\d{2}\b|\d{4}-\d{2}-\d{2}|[A-Z][\w ]{0,30}:"
)


def _rule_boundaries(text: str) -> set[int]:
    cuts: set[int] = set()
    for m in _END_PUNCT.finditer(text):
        at = m.start()
        if text[at] == ".":
            before = text[max(0, at - 24) : at].rsplit(None, 1)
            last_word = before[-1].lower().rstrip(".").lstrip("(\"'") if before else ""
            if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
                continue  # "PC. Jones", "e.g. Bail", an initial: "J. Smith"
        cuts.add(m.end())
    for m in _NEWLINES.finditer(text):
        j = m.start() - 1
        while j >= 0 and text[j] in " \t\r":
            j -= 1
        blank_line = text.count("\n", m.start(), m.end()) > 1
        if blank_line or (j >= 0 and text[j] in ".!?:;") or _ENTRY_START.match(text, m.end()):
            cuts.add(m.end())
    return cuts


def _cap_length(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, limit)
        cut = cut + 1 if cut > start else limit
        spans.append((start, cut))
        start = cut
    spans.append((start, end))
    return spans


def split_sentences(
    text: str,
    forced: Iterable[tuple[int, int]] = (),
    protected: Iterable[tuple[int, int]] = (),
) -> list[tuple[int, int]]:
    """Sentence (start, end) spans of `text`, whitespace trimmed, in order.

    `forced` spans (signal sentences) become sentences of their own; no cut falls strictly
    inside a `protected` span (a mention).
    """
    n = len(text)
    cuts = _rule_boundaries(text)
    forced_spans = [(max(0, s), min(n, e)) for s, e in forced if 0 <= s < e]
    for s, e in forced_spans:
        cuts = {c for c in cuts if not s < c < e}
    for s, e in protected:
        cuts = {c for c in cuts if not s < c < e}
    for s, e in forced_spans:
        cuts.update((s, e))
    bounds = sorted(c for c in cuts if 0 < c < n)
    spans: list[tuple[int, int]] = []
    prev = 0
    for cut in [*bounds, n]:
        start, end = prev, cut
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.extend(_cap_length(text, start, end))
        prev = cut
    return spans


def sentence_index(starts: list[int], offset: int) -> int | None:
    """Index of the sentence holding `offset` (or the nearest one before it), given sorted starts."""
    if not starts:
        return None
    return max(bisect.bisect_right(starts, offset) - 1, 0)
