"""Rule-based sentence boundaries for case notes and report prose (`vawg_sentences`).

Rules, applied in one pass over the tokens:
- a blank line always ends a sentence; a single newline ends one too, unless the line looks
  wrapped prose (the line is at least `wrap_min_chars` long, has no final punctuation, and
  the next line starts with a lowercase letter);
- `.`, `!`, `?` end a sentence (closing quotes and brackets stay with it), except after an
  abbreviation from the table (`configs/abbreviations.jsonl`: titles like "Insp." never end
  one; words like "approx." end one only before a Capitalised word), before a number, or as
  part of a list number ("1." at the start of a line);
- a bullet (`•`, `▪`, `◦`, `·`) or a bracketed time ("[14:05]") starts a sentence anywhere;
  `-`, `*` bullets and timestamps at line starts are covered by the newline rule.
Lowercase after a full stop still starts a sentence: case notes often have no capitals.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp import extensions  # noqa: F401
from pipeline.nlp._data import read_rows, resolve, write_rows

TABLE_FILE = "abbreviations.jsonl"
FINAL = frozenset({".", "!", "?", "...", "?!", "!?", "!!", "??", "…"})
CLOSERS = frozenset({'"', "'", ")", "]", "}", "”", "’", "»"})
BULLETS = frozenset({"•", "▪", "◦", "·", "●", "■", "‣"})
LINE_END_PUNCT = frozenset(".!?:;")
_WORD, _SPACE, _NEWLINE, _CLOSER, _BULLET, _BRACKET, _FINAL, _DOT = range(8)


class SentenceSplitter:
    """Sets `token.is_sent_start` on every token."""

    def __init__(
        self,
        nlp: Language,
        name: str = "vawg_sentences",
        abbreviations_path: str | None = None,
        wrap_min_chars: int = 60,
    ) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self._kinds: dict[int, int] = {}
        self.wrap_min_chars = wrap_min_chars
        self.rows: list[dict[str, Any]] = []
        self.titles: set[str] = set()
        self.words: set[str] = set()
        path = resolve(abbreviations_path)
        if path is not None and path.exists():
            self.add(read_rows(path))

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add abbreviation rows (`{"kind": "title"|"word", "words": [...]}`)."""
        for row in rows:
            words = [str(w).lower().rstrip(".") for w in row["words"]]
            self.rows.append({"kind": row["kind"], "words": words})
            (self.titles if row["kind"] == "title" else self.words).update(words)

    def _stop_ends(self, doc: Doc, i: int) -> bool:
        """Does the full stop at `i` (a "." token, or a token such as "approx." or "P.C.") end a sentence?"""
        tok = doc[i]
        j = i + 1
        while j < len(doc) and doc[j].text in CLOSERS:
            j += 1
        nxt = doc[j] if j < len(doc) else None
        before_number = nxt is not None and not nxt.is_space and nxt.text[:1].isdigit()
        before_capital = nxt is None or nxt.is_space or (nxt.is_title and len(nxt.text) > 1)
        if tok.text == ".":
            if i == 0:
                return False
            prev = doc[i - 1]
            if prev.whitespace_ or prev.is_punct or prev.is_space:
                return True
            word = prev.lower_
            if prev.like_num and len(prev.text) <= 2 and (i == 1 or "\n" in doc[i - 2].text):
                return False  # "1." numbering a list item at a line start
            if len(word) == 1 and prev.is_alpha and prev.is_upper:
                return False  # an initial: "J. Smith"
        else:
            word = tok.lower_[:-1]
            if "." in word and word not in self.titles and word not in self.words:
                return before_capital and not before_number  # dotted acronym: "D.V.P.N."
        if word in self.titles:
            return False
        if word in self.words:
            return before_capital and not before_number
        return True

    def _wrapped(self, doc: Doc, nl: int, line_chars: int) -> bool:
        """Is the single newline at token `nl` a wrap inside a sentence?"""
        if line_chars < self.wrap_min_chars or nl == 0 or nl + 1 >= len(doc):
            return False
        before, after = doc[nl - 1].text, doc[nl + 1].text
        return before[-1:] not in LINE_END_PUNCT and after[:1].islower()

    def _kind(self, orth: int) -> int:
        """What a token with this text can do to a boundary (cached per vocabulary entry)."""
        kind = self._kinds.get(orth)
        if kind is None:
            lex = self.vocab[orth]
            text = lex.orth_
            if lex.is_space:
                kind = _NEWLINE if "\n" in text else _SPACE
            elif text in CLOSERS:
                kind = _CLOSER
            elif text in BULLETS:
                kind = _BULLET
            elif text == "[":
                kind = _BRACKET
            elif text[-1] in "!?…" and (text in FINAL or lex.is_punct):
                kind = _FINAL
            elif text[-1] == "." and (text in FINAL or len(text) > 1 or lex.is_punct):
                kind = _DOT
            else:
                kind = _WORD
            self._kinds[orth] = kind
        return kind

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        kinds = [self._kind(o) for o in doc.to_array(ORTH).tolist()]
        starts = [-1] * n
        start_next = True
        line_start_char = 0
        for i, kind in enumerate(kinds):
            if kind == _WORD:
                if start_next:
                    starts[i] = 1
                    start_next = False
                continue
            if kind == _SPACE:
                continue
            if kind == _NEWLINE:
                tok = doc[i]
                text = tok.text
                if text.count("\n") >= 2 or not self._wrapped(doc, i, tok.idx - line_start_char):
                    start_next = True
                line_start_char = tok.idx + len(text)
                continue
            if kind == _CLOSER and start_next and i > 0 and kinds[i - 1] not in (_SPACE, _NEWLINE):
                continue
            if kind == _BULLET or (kind == _BRACKET and i + 1 < n and doc[i + 1].text[:1].isdigit()):
                start_next = True
            if start_next:
                starts[i] = 1
            start_next = kind == _FINAL or (kind == _DOT and self._stop_ends(doc, i))
        starts[0] = 1
        doc.from_array([SENT_START], numpy.asarray(starts, dtype="int64").astype("uint64").reshape(-1, 1))  # type: ignore[arg-type]
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_rows(path / TABLE_FILE, self.rows)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> SentenceSplitter:
        file = Path(path) / TABLE_FILE
        if file.exists():
            self.rows, self.titles, self.words = [], set(), set()
            self.add(read_rows(file))
        return self


@Language.factory(
    "vawg_sentences",
    default_config={"abbreviations_path": "configs/abbreviations.jsonl", "wrap_min_chars": 60},
)
def make_sentences(
    nlp: Language, name: str, abbreviations_path: str, wrap_min_chars: int
) -> SentenceSplitter:
    """Factory for `vawg_sentences`."""
    return SentenceSplitter(nlp, name, abbreviations_path, wrap_min_chars)
