"""Docs whose tokens start and end at every annotation boundary, with the text unchanged.

Annotation tools and gold files place spans on characters; spaCy spans sit on tokens. The
tokenizer's tokens are split further at each boundary that falls inside one ("RUI'd" with a
mention over "RUI" becomes "RUI" + "'d"), so every span can be placed exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc


def split_doc(nlp: Language, text: str, spans: Iterable[tuple[int, int]]) -> Doc:
    """`nlp.make_doc(text)` with tokens split so that each (start, end) span sits on tokens.

    A span that starts or ends on the single space after a token gets that space as a
    token of its own.
    """
    pairs = list(spans)
    starts = {s for s, _ in pairs}
    ends = {e for _, e in pairs}
    points = sorted(starts | ends)
    words: list[str] = []
    spaces: list[bool] = []
    for tok in nlp.make_doc(text):
        start, end = tok.idx, tok.idx + len(tok.text)
        edges = [start, *(c for c in points if start < c < end), end]
        lone_space = bool(tok.whitespace_) and (end in starts or end + 1 in ends)
        for i in range(len(edges) - 1):
            words.append(text[edges[i]:edges[i + 1]])
            spaces.append(bool(tok.whitespace_) and not lone_space and i == len(edges) - 2)
        if lone_space:
            words.append(tok.whitespace_)
            spaces.append(False)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    if doc.text != text:  # pragma: no cover - the tokenizer always keeps the text
        raise ValueError("re-tokenised text differs from the original")
    return doc
