"""Word tokens for full-text search, identical in every back-end.

SQLite's FTS5 `unicode61` tokenizer (remove_diacritics 2) treats runs of letters and digits
as tokens, folds case and strips diacritics. PostgreSQL gets the same tokens: the store
builds each sentence's tsvector here instead of letting a text-search configuration stem or
drop stop words, so both back-ends match the same sentences.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

_WORD = re.compile(r"[^\W_]+")


def fold(token: str) -> str:
    """Lower-case a token and strip its diacritics ("Café" -> "cafe")."""
    low = token.lower()
    if low.isascii():
        return low
    decomposed = unicodedata.normalize("NFD", low)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield (folded token, start, end) for each word of `text`."""
    for m in _WORD.finditer(text):
        yield fold(m.group()), m.start(), m.end()


def words(text: str) -> list[str]:
    """The folded tokens of `text`, in order."""
    return [w.lower() if w.isascii() else fold(w) for w in _WORD.findall(text)]


def _quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


# PostgreSQL keeps positions up to 16383; the sentence splitter caps sentence length well below.
_MAX_POSITION = 16383


def tsvector_literal(text: str) -> str:
    """The tsvector input form of `text`: each token with its 1-based positions."""
    positions: dict[str, list[int]] = {}
    for n, tok in enumerate(words(text), 1):
        positions.setdefault(tok, []).append(min(n, _MAX_POSITION))
    return " ".join(f"{_quote(tok)}:{','.join(map(str, pos[:256]))}" for tok, pos in positions.items())
