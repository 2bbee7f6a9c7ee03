"""RTF (rich text) documents, a common export format of police case and custody systems.

A small tokenizer, not a renderer: text runs, paragraph/line/tab/cell/row breaks, `\\'hh` bytes in
the document's code page (`\\ansicpgN`, default 1252), `\\uN` Unicode with its fallback skipped,
and typographic control words (quotes, dashes, bullets). Destinations that are not body text
(font and colour tables, style sheets, document info, pictures, headers and footers, and any
`{\\* ...}` ignorable group) are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.ingest.base import Reader, ReadFailure, ReadOptions, SourceResult, Status, register
from pipeline.ingest.helpers import base_meta, normalise_newlines
from pipeline.records import Document

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word with optional numeric parameter
    rb"|\\'([0-9a-fA-F]{2})"  # hex byte
    rb"|\\([^a-zA-Z'])"  # control symbol
    rb"|([{}])"  # group
    rb"|[\r\n]+"  # source line breaks mean nothing
    rb"|([^\\{}\r\n]+)",  # text
    re.S,
)
SKIP = {
    "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "headerl", "headerr", "headerf",
    "footer", "footerl", "footerr", "footerf", "listtable", "listoverridetable", "rsidtbl", "generator",
    "filetbl", "revtbl", "themedata", "colorschememapping", "latentstyles", "datastore", "xmlnstbl",
    "mmathPr", "pgdsctbl", "fldinst", "bkmkstart", "bkmkend", "ftnsep", "ftnsepc", "aftnsep", "nonshppict",
}  # fmt: skip
BREAKS = {"par": "\n", "line": "\n", "sect": "\n\n", "page": "\n\n", "row": "\n", "tab": "\t", "cell": " | "}
CHARS = {
    "emdash": "\u2014", "endash": "\u2013", "lquote": "\u2018", "rquote": "\u2019", "ldblquote": "\u201c",
    "rdblquote": "\u201d", "bullet": "\u2022", "emspace": " ", "enspace": " ", "qmspace": " ",
}  # fmt: skip
SYMBOLS = {"\\": "\\", "{": "{", "}": "}", "~": "\u00a0", "_": "\u2011", "-": "", "\n": "\n", "\r": "\n"}


@dataclass(frozen=True)
class _State:
    skip: bool = False
    uc: int = 1  # fallback characters after \uN


def rtf_to_text(data: bytes) -> str:
    """The body text of an RTF document."""
    codepage = "cp1252"
    found = re.search(rb"\\ansicpg(\d+)", data[:4096])
    if found:
        codepage = f"cp{int(found.group(1))}"
        try:
            "".encode(codepage)
        except LookupError:
            codepage = "cp1252"
    out: list[str] = []
    stack: list[_State] = []
    state = _State()
    pending = bytearray()  # \'hh bytes, decoded together (multi-byte code pages)
    fallback = 0  # characters still to skip after a \uN
    first_in_group = False

    def flush() -> None:
        if pending:
            if not state.skip:
                out.append(pending.decode(codepage, errors="replace"))
            pending.clear()

    for m in _TOKEN.finditer(data):
        word, param, hexbyte, symbol, brace, text = m.groups()
        was_first, first_in_group = first_in_group, False
        if hexbyte is not None:
            if fallback:
                fallback -= 1
            else:
                pending.append(int(hexbyte, 16))
            continue
        flush()
        if brace == b"{":
            stack.append(state)
            first_in_group, fallback = True, 0
        elif brace == b"}":
            state = stack.pop() if stack else state
            fallback = 0
        elif word is not None:
            name = word.decode("ascii")
            if name in SKIP:
                state = replace(state, skip=True)
            elif name == "uc" and param is not None:
                state = replace(state, uc=max(0, int(param)))
            elif name == "u" and param is not None:
                if not state.skip:
                    out.append(chr(int(param) % 65536))
                fallback = state.uc
            elif not state.skip:
                out.append(BREAKS.get(name) or CHARS.get(name, ""))
        elif symbol is not None:
            char = symbol.decode("latin-1")
            if char == "*" and was_first:
                state = replace(state, skip=True)
            elif not state.skip:
                out.append(SYMBOLS.get(char, ""))
        elif text is not None:
            chunk = text.decode(codepage, errors="replace")
            if fallback:
                skipped = min(fallback, len(chunk))
                chunk, fallback = chunk[skipped:], fallback - skipped
            if not state.skip:
                out.append(chunk)
    flush()
    return _tidy("".join(out))


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip().strip("|").strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class RtfReader(Reader):
    name = "rtf"
    extensions = (".rtf",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return head.lstrip(b"\xef\xbb\xbf \r\n").startswith(b"{\\rtf")

    def read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        data = path.read_bytes()
        if not data.lstrip(b"\xef\xbb\xbf \r\n").startswith(b"{\\rtf"):
            raise ReadFailure(Status.CORRUPT, "not an RTF document (no {\\rtf header)")
        text = normalise_newlines(rtf_to_text(data))
        if not text:
            raise ReadFailure(Status.EMPTY, "no text in the document")
        doc = Document(id=source_id, text=text, meta=base_meta(path, sha256, self.name))
        return SourceResult(Status.OK, pages=1, documents=[doc])


register(RtfReader())
