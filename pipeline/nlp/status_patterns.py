"""Token patterns for status cues, matched on a sentence's NORM strings without spaCy's Matcher.

A cue rule may give a `pattern` (a list of token specs) instead of phrases. The specs this
module reads cover what the status rules need and cost next to nothing per sentence:

    {"LOWER": "had"}                  the token's NORM is this word
    {"LOWER": {"IN": ["made", ...]}}  the token's NORM is one of these words
    {"LIKE_NUM": true}                a number: digits ("312", "1,204") or a number word ("thirty")
    {"IS_SENT_START": true}           the first token of the sentence (add to another spec)

`compile_pattern` returns None for any other spec, and the caller falls back to spaCy's Matcher.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
    " seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred"
    " thousand million dozen dozens hundreds thousands".split()
)
DIGITS = re.compile(r"\d[\d,.]*")
SUPPORTED = frozenset({"LOWER", "LIKE_NUM", "IS_SENT_START"})


def like_num(key: str) -> bool:
    """True for "312", "1,204", "2.5" and number words."""
    return key in NUMBER_WORDS or DIGITS.fullmatch(key) is not None


@dataclass(frozen=True)
class TokenSpec:
    """One compiled token spec: a word set (empty: any word), a number test, a start test."""

    words: frozenset[str] = frozenset()
    number: bool = False
    sent_start: bool = False

    def accepts(self, key: str, first: bool) -> bool:
        if self.sent_start and not first:
            return False
        if self.number and not like_num(key):
            return False
        return not self.words or key in self.words


def compile_pattern(pattern: Sequence[Any]) -> tuple[TokenSpec, ...] | None:
    """The pattern as TokenSpecs, or None if it uses a spec this module does not read."""
    specs = []
    for spec in pattern:
        if not isinstance(spec, dict) or not spec or set(spec) - SUPPORTED:
            return None
        lower = spec.get("LOWER")
        if isinstance(lower, str):
            words = frozenset({lower.lower()})
        elif isinstance(lower, dict) and set(lower) == {"IN"}:
            words = frozenset(str(w).lower() for w in lower["IN"])
        elif lower is None:
            words = frozenset()
        else:
            return None
        specs.append(TokenSpec(words, bool(spec.get("LIKE_NUM")), bool(spec.get("IS_SENT_START"))))
    return tuple(specs)


def find_all(
    patterns: Sequence[tuple[Any, tuple[TokenSpec, ...]]], keys: Sequence[str], offset: int
) -> list[tuple[Any, int, int]]:
    """(tag, start, end) doc offsets of every match of each (tag, specs) in a sentence's keys.

    Candidate starts come from the first spec (its words, the numbers of the sentence, or
    the sentence start), so a sentence costs one pass plus a few checks."""
    out: list[tuple[Any, int, int]] = []
    numbers: list[int] | None = None
    size, present = len(keys), set(keys)
    for tag, specs in patterns:
        first, n = specs[0], len(specs)
        if first.words and first.words.isdisjoint(present):
            continue
        if first.sent_start:
            starts: Sequence[int] = [0]
        elif first.words:
            starts = [i for i, k in enumerate(keys) if k in first.words]
        elif first.number:
            if numbers is None:
                numbers = [i for i, k in enumerate(keys) if k and (k[0].isdigit() or k in NUMBER_WORDS)]
            starts = numbers
        else:
            starts = range(size)
        for i in starts:
            if i + n <= size and all(spec.accepts(keys[i + j], i + j == 0) for j, spec in enumerate(specs)):
                out.append((tag, offset + i, offset + i + n))
    return out
