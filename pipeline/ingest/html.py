"""HTML pages to text (BeautifulSoup + lxml): markup is parsed, never executed.

Scripts, styles, navigation and other non-content elements are dropped; block elements
(paragraphs, headings, list items, table rows, ...) become lines; table cells are joined by ' | '.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.ingest.base import Reader, ReadFailure, ReadOptions, SourceResult, Status, register
from pipeline.ingest.helpers import base_meta, normalise_newlines
from pipeline.records import Document

DROP = ("script", "style", "nav", "noscript", "template", "head", "iframe", "svg", "button", "form", "select")
BLOCKS = (
    "p", "div", "section", "article", "main", "header", "footer", "aside", "li", "ul", "ol", "dl", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "thead", "tbody", "blockquote", "pre", "address",
    "figure", "figcaption", "hr", "caption", "summary", "details",
)  # fmt: skip
_SNIFF = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)[\s>]", re.I | re.S
)
_SPACES = re.compile(r"[\s\u200b]+")
BREAK = "\ue000"  # a private-use character marks a line break while whitespace is collapsed


def html_to_text(data: bytes | str) -> tuple[str, str | None]:
    """Visible text of an HTML page, one block per line; returns (text, title)."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(data, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup.find_all(DROP):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for pre in soup.find_all("pre"):  # preformatted text keeps its line breaks
        for piece in pre.find_all(string=True):
            piece.replace_with(str(piece).replace("\n", BREAK))
    for br in soup.find_all("br"):
        br.replace_with(BREAK)
    for cell in soup.find_all(["td", "th"]):
        cell.insert_after(" | ")
    for block in soup.find_all(BLOCKS):
        block.insert_before(BREAK)
        block.insert_after(BREAK)
    raw = normalise_newlines(soup.get_text())
    lines = []
    for line in raw.split(BREAK):  # other whitespace, newlines included, collapses as a browser would
        line = _SPACES.sub(" ", line).strip().rstrip("|").strip()
        if line:
            lines.append(line)
    return "\n".join(lines), title


class HtmlReader(Reader):
    name = "html"
    extensions = (".html", ".htm", ".xhtml")

    def sniff(self, head: bytes, path: Path) -> bool:
        return bool(_SNIFF.match(head.lstrip(b"\xef\xbb\xbf")))

    def read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        data = path.read_bytes()
        if not data.strip():
            raise ReadFailure(Status.EMPTY, "empty file")
        text, title = html_to_text(data)
        if not text:
            raise ReadFailure(Status.EMPTY, "no visible text")
        meta = base_meta(path, sha256, self.name, title=title)
        return SourceResult(Status.OK, pages=1, documents=[Document(id=source_id, text=text, meta=meta)])


register(HtmlReader())
