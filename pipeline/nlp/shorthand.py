"""Police shorthand and common misspellings as token norms (`vawg_shorthand`).

The table (`configs/shorthand.jsonl`, one `{"text", "norm"}` object a line, optional
`"case_sensitive": true`) maps a token's text to a norm: `susp` -> suspect, `conds` ->
conditions, `IP` -> victim, `Claire's` spelling -> clare. Later components match on NORM,
so "bail conds" finds the pattern "bail conditions". The text is never rewritten: only
`token.norm_` changes, and every offset still points into the original string.

Norms are set on the vocabulary's lexemes (for the lower, upper and title casings of a
case-insensitive entry), so the table costs nothing per token at run time.

Scanned pages read by OCR confuse letters with digits: "0rder", "C0URT", "DlSMISSED". The
first time a word is seen, `ocr_repair` gives such a word the norm of its repaired spelling
(then looked up in the table too); words already seen cost one set lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp import extensions  # noqa: F401  (registers the custom attributes)
from pipeline.nlp._data import read_rows, resolve, write_rows

TABLE_FILE = "shorthand.jsonl"


def ocr_repair(text: str) -> str | None:
    """The lower-cased word an OCR-damaged token stands for, or None if it looks undamaged.

    Two safe confusions: a zero among letters is the letter O ("0rder", "SECTl0N"), and a
    lower-case l inside a capitalised word is the letter I ("PRlNT", "DlSMISSED")."""
    if len(text) < 2 or not any(c.isalpha() for c in text):
        return None
    letters = [c for c in text if c.isalpha()]
    fixed = text
    if "0" in text and all(c.isalpha() or c in "0'-" for c in text) and len(letters) >= 1:
        fixed = fixed.replace("0", "o")
    upper = sum(c.isupper() for c in letters)
    if "l" in fixed and upper >= 2 and all(c.isupper() or c == "l" for c in letters if c.isalpha()):
        fixed = fixed.replace("l", "I")
    return fixed.lower() if fixed != text else None


class ShorthandNormalizer:
    """Sets lexeme norms from a shorthand table; `__call__` passes the Doc through."""

    def __init__(self, nlp: Language, name: str = "vawg_shorthand", table_path: str | None = None) -> None:
        self.nlp = nlp
        self.name = name
        self.rows: list[dict[str, Any]] = []
        self._norms: dict[str, str] = {}
        self._seen: set[int] = set()
        path = resolve(table_path)
        if path is not None and path.exists():
            self.add(read_rows(path))

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add table rows and apply their norms to the vocabulary."""
        for row in rows:
            text, norm = str(row["text"]), str(row["norm"]).lower()
            self._norms[text.lower()] = norm
            self.rows.append({"text": text, "norm": norm, "case_sensitive": bool(row.get("case_sensitive"))})
            forms = {text} if row.get("case_sensitive") else {text, text.lower(), text.upper(), text.title()}
            for form in forms:
                self.nlp.vocab[form].norm_ = norm

    def table(self) -> dict[str, str]:
        """The table as text -> norm (for inspection and tests)."""
        return {r["text"]: r["norm"] for r in self.rows}

    def __call__(self, doc: Doc) -> Doc:
        seen, vocab = self._seen, self.nlp.vocab
        new = set(doc.to_array(ORTH).tolist()) - seen  # no Token objects: one array read
        for orth in new:
            text = vocab.strings[orth]
            repaired = ocr_repair(text)
            if repaired is not None:
                vocab[text].norm_ = self._norms.get(repaired, repaired)
        seen |= new
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_rows(path / TABLE_FILE, self.rows)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ShorthandNormalizer:
        file = Path(path) / TABLE_FILE
        if file.exists():
            self.rows = []
            self.add(read_rows(file))
        return self


@Language.factory("vawg_shorthand", default_config={"table_path": "configs/shorthand.jsonl"})
def make_shorthand(nlp: Language, name: str, table_path: str) -> ShorthandNormalizer:
    """Factory for `vawg_shorthand` (registered with spaCy and by entry point)."""
    return ShorthandNormalizer(nlp, name, table_path)

