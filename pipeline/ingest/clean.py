"""Text cleaning shared by readers: character normalisation, hyphen rejoining, running heads.

Rules (kept deliberately simple and predictable):
- Characters: ligatures (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ) and full-width ASCII are NFKC-decomposed; curly quotes
  become straight quotes, en/em dashes and minus signs become "-", the ellipsis becomes "...",
  non-breaking and other odd spaces become a space; soft hyphens and zero-width characters go.
  Other compatibility characters (superscripts, CJK) are left alone.
- Hyphens at line ends: "protec-" + "tion" is rejoined to "protection" when the letter before the
  hyphen and the first letter of the next line are both lowercase. The hyphen is kept when the
  first part is a common prefix written with a hyphen ("non-", "self-", "ex-", "anti-", ...),
  or when the document itself writes the hyphenated form mid-line and never the joined one.
  Uppercase and digit breaks ("DV-" + "PN", "2015-" + "16") keep the hyphen.
- Running heads: a line among the first or last three of a page that recurs on at least half
  of the pages (two pages for short documents), with digits ignored, is removed; so are bare
  page numbers ("12", "- 12 -", "Page 3 of 10", "iv") in those positions.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

_CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ",
    "\u2002": " ", "\u2003": " ", "\u3000": " ", "\t": " ",
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
    "\ufffe": "-", "\x02": "-",  # pdfium marks a hyphen at a line end with these
}
_LIGATURES = "".join(chr(c) for c in range(0xFB00, 0xFB07))
_TRANSLATE = str.maketrans(_CHAR_MAP)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r" {2,}")
_NFKC_NEEDED = re.compile(f"[{_LIGATURES}\uff01-\uff5e]")

KEEP_HYPHEN_PREFIXES = frozenset(
    "non self ex anti cross well co multi inter semi pre post counter over under high low long short "
    "full part half one two three four five six seven eight nine ten first second third life "
    "child victim police court risk high-risk face".split()
)
_HYPHEN_END = re.compile(r"(\w+)-$")
_WORD_START = re.compile(r"^(\w+)")
_PAGE_NUMBER = re.compile(
    r"^(?:[-\u2013\u2014\s]*\d{1,4}[-\u2013\u2014\s]*|(?:page|p\.|pg\.?)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
    r"|\d{1,4}\s*(?:of|/)\s*\d{1,4}|[ivx]{1,6})$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
EDGE_LINES = 3
MAX_HEAD_CHARS = 120  # longer lines are content, never running heads
_MOVED = "\x00moved"  # a line whose only word moved up; dropped rather than left blank


def normalise_chars(text: str) -> str:
    """Map typographic characters to plain ones (see module docstring); keeps line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_TRANSLATE)
    if _NFKC_NEEDED.search(text):
        text = "".join(unicodedata.normalize("NFKC", ch) if _NFKC_NEEDED.match(ch) else ch for ch in text)
    return _CONTROL.sub("", text)


def normalise_line(line: str) -> str:
    """One line: characters normalised, runs of spaces collapsed, ends trimmed."""
    return _SPACES.sub(" ", normalise_chars(line)).strip()


def hyphen_vocabulary(lines: Iterable[str]) -> tuple[set[str], set[str]]:
    """Words and hyphenated compounds written mid-line in a document (lowercased)."""
    words: set[str] = set()
    compounds: set[str] = set()
    for line in lines:
        for tok in re.findall(r"\w+(?:-\w+)*", line.lower()):
            if "-" in tok:
                compounds.add(tok)
            else:
                words.add(tok)
    return words, compounds


def should_join(
    left: str, right: str, words: set[str] | None = None, compounds: set[str] | None = None
) -> bool:
    """Whether `left-` at a line end and `right` at the next line's start are one word."""
    if not left or not right or not left[-1].islower() or not right[0].islower():
        return False
    lw, rw = left.lower(), right.lower()
    joined = lw + rw
    if words and joined in words:
        return True
    if compounds and f"{lw}-{rw}" in compounds:
        return False
    return lw not in KEEP_HYPHEN_PREFIXES


def dehyphenate(
    lines: list[str], words: set[str] | None = None, compounds: set[str] | None = None
) -> list[str]:
    """Rejoin words split by a hyphen at a line end; the rest of the word moves up a line.

    One blank line may stand between the halves: a column or block break, since a paragraph
    does not end in a broken word.
    """
    out = list(lines)
    for i in range(len(out) - 1):
        m = _HYPHEN_END.search(out[i])
        if not m:
            continue
        j = i + 2 if not out[i + 1].strip() and i + 2 < len(out) else i + 1
        nxt = out[j].lstrip()
        w = _WORD_START.match(nxt)
        if not w:
            continue
        left, right = m.group(1), w.group(1)
        if not should_join(left, right, words, compounds):
            continue
        rest = nxt[len(right):]
        # Keep trailing punctuation with the word it belongs to.
        tail = re.match(r"^[^\s]*", rest)
        attach = tail.group(0) if tail else ""
        out[i] = out[i][: m.end(1)] + right + attach
        out[j] = rest[len(attach):].lstrip() or _MOVED
    return [ln for ln in out if ln is not _MOVED]


def _signature(line: str) -> str:
    """A line with digits masked and page numbers at either end dropped (they alternate sides)."""
    sig = _DIGITS.sub("#", re.sub(r"\s+", " ", line.strip().lower()))
    return sig.strip("# ") or sig


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line.strip()))


def running_lines(pages: list[list[str]]) -> set[str]:
    """Signatures of lines repeated at the top or bottom of many pages."""
    with_text = [p for p in pages if any(line.strip() for line in p)]
    if len(with_text) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in with_text:
        nonblank = [ln for ln in lines if ln.strip()]
        edge = nonblank[:EDGE_LINES] + nonblank[-EDGE_LINES:]
        counts.update({_signature(ln) for ln in edge if 3 <= len(ln.strip()) <= MAX_HEAD_CHARS})
    need = max(2, (len(with_text) + 1) // 2)
    return {sig for sig, n in counts.items() if n >= need}


def strip_running(lines: list[str], repeated: set[str]) -> list[str]:
    """Remove running heads and page numbers among a page's first and last lines."""
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    edge = set(idx[:EDGE_LINES] + idx[-EDGE_LINES:])
    keep: list[str] = []
    for i, ln in enumerate(lines):
        if i in edge and (_signature(ln) in repeated or is_page_number(ln)):
            continue
        keep.append(ln)
    return keep


def tidy_blank_lines(lines: list[str]) -> str:
    """Join lines; collapse runs of blank lines to one and trim the ends."""
    out: list[str] = []
    for ln in lines:
        if not ln.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(ln)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def clean_pages(pages: list[list[str]], *, strip_heads: bool = True) -> list[str]:
    """Clean a document given as lines per page; returns one text per page.

    Blank strings in a page's lines mark paragraph breaks and survive as one empty line.
    """
    normalised = [[normalise_line(ln) for ln in lines] for lines in pages]
    repeated = running_lines(normalised) if strip_heads else set()
    if strip_heads:
        normalised = [strip_running(lines, repeated) for lines in normalised]
    words, compounds = hyphen_vocabulary(ln[:-1] if ln.endswith("-") else ln for p in normalised for ln in p)
    return [tidy_blank_lines(dehyphenate(lines, words, compounds)) for lines in normalised]


def clean_text(text: str) -> str:
    """Clean one free-standing text (no pages): characters, hyphens and blank lines."""
    return clean_pages([text.splitlines()], strip_heads=False)[0]
