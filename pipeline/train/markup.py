"""Read hand-written gold annotations in the bracket markup into records.

A markup file holds items separated by blank lines. Lines starting with ``#`` are
comments; a ``# register: NAME`` comment before the first item names the text register
of the whole file. Each item is::

    signals: CODE, CODE          (or "signals: -" for none)
    Text with [a span](LABEL/status) and [another](LABEL/status).

Text lines after the first are joined with single spaces. Square brackets that are not
followed by ``(...)`` stay as plain text (e.g. ``[redacted]``). Every problem is reported
as a one-line ``InputError`` naming ``file:line``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pipeline import labels
from pipeline.errors import InputError
from pipeline.paths import CORPUS
from pipeline.records import write_jsonl_atomic

GOLD_DIR = CORPUS / "gold"
GOLD_JSONL = GOLD_DIR / "gold.jsonl"

_LINK = re.compile(r"\[([^\[\]\n]*)\]\(([^()\n]*)\)")
_REGISTER = re.compile(r"^#\s*register\s*:\s*(\S.*?)\s*$", re.IGNORECASE)
_SIGNALS_HEAD = "signals:"


def _fail(path: Path | str, line: int, why: str) -> InputError:
    return InputError(f"{path}:{line}: {why}")


def _parse_target(target: str, path: Path | str, line: int) -> tuple[str, str]:
    """Split and check the ``LABEL/status`` part of a link."""
    if target.count("/") != 1:
        raise _fail(path, line, f"annotation target {target!r} is not LABEL/status")
    label, status = (part.strip() for part in target.split("/"))
    if label not in labels.measures():
        raise _fail(path, line, f"unknown measure label {label!r}")
    if status not in labels.statuses():
        raise _fail(path, line, f"unknown status {status!r} (one of {', '.join(labels.statuses())})")
    return label, status


def parse_line(raw: str, path: Path | str = "<text>", line: int = 1) -> tuple[str, list[dict[str, Any]]]:
    """One text line: its plain text and the entities (offsets into that plain text)."""
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    pos = 0
    length = 0
    for match in _LINK.finditer(raw):
        before = raw[pos : match.start()]
        out.append(before)
        length += len(before)
        span, target = match.group(1), match.group(2)
        if not span.strip():
            raise _fail(path, line, "empty annotated span []")
        if span != span.strip():
            raise _fail(path, line, f"annotated span {span!r} starts or ends with a space")
        label, status = _parse_target(target, path, line)
        entities.append(
            {"start": length, "end": length + len(span), "label": label, "status": status, "text": span}
        )
        out.append(span)
        length += len(span)
        pos = match.end()
    out.append(raw[pos:])
    text = "".join(out)
    if "](" in text:
        raise _fail(path, line, "malformed annotation: '](' without a matching [span](LABEL/status)")
    return text, entities


def _parse_signals(head: str, path: Path | str, line: int) -> list[str]:
    if not head.lower().startswith(_SIGNALS_HEAD):
        raise _fail(path, line, f"item must start with 'signals: ...', found {head[:40]!r}")
    rest = head[len(_SIGNALS_HEAD) :].strip()
    if rest == "-":
        return []
    if not rest:
        raise _fail(path, line, "empty signals line: write 'signals: -' for none")
    codes = [code.strip() for code in rest.split(",")]
    known = labels.signals()
    for code in codes:
        if code not in known:
            raise _fail(path, line, f"unknown signal {code!r}")
    if len(set(codes)) != len(codes):
        raise _fail(path, line, "a signal is listed twice")
    return codes


def _parse_item(
    lines: list[tuple[int, str]], path: Path | str, stem: str, register: str, number: int
) -> dict[str, Any]:
    head_no, head = lines[0]
    signals = _parse_signals(head.strip(), path, head_no)
    if len(lines) < 2:
        raise _fail(path, head_no, "item has a signals line but no text")
    parts: list[str] = []
    entities: list[dict[str, Any]] = []
    offset = 0
    for line_no, raw in lines[1:]:
        text, ents = parse_line(raw.strip(), path, line_no)
        if parts:
            offset += 1  # the joining space
        for ent in ents:
            entities.append({**ent, "start": ent["start"] + offset, "end": ent["end"] + offset})
        parts.append(text)
        offset += len(text)
    return {
        "id": f"{stem}-{number:03d}",
        "text": " ".join(parts),
        "entities": entities,
        "signals": [{"label": code} for code in signals],
        "meta": {"source": stem, "register": register, "line": head_no},
    }


def parse_text(content: str, path: Path | str = "<text>", stem: str = "text") -> list[dict[str, Any]]:
    """Parse markup held in a string; ``stem`` prefixes the item ids."""
    register = stem
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for line_no, raw in enumerate(content.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("#"):
            found = _REGISTER.match(stripped)
            if found and not blocks and not current:
                register = found.group(1)
            continue
        if not stripped:
            if current:
                blocks.append(current)
                current = []
            continue
        current.append((line_no, raw))
    if current:
        blocks.append(current)
    return [_parse_item(block, path, stem, register, n) for n, block in enumerate(blocks, start=1)]


def parse_file(path: Path | str) -> list[dict[str, Any]]:
    """Parse one markup file into records with ids ``<file-stem>-<nnn>``."""
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read markup ({exc.__class__.__name__})") from exc
    return parse_text(content, path, path.stem)


def build_gold(folder: Path | str = GOLD_DIR) -> list[dict[str, Any]]:
    """All records from every ``*.md`` markup file in ``folder`` (README.md excluded), in file order."""
    records: list[dict[str, Any]] = []
    for path in sorted(Path(folder).glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        records.extend(parse_file(path))
    return records


def write_gold(records: list[dict[str, Any]], path: Path | str = GOLD_JSONL) -> int:
    """Write records as JSON lines (atomically); returns the number written."""
    return write_jsonl_atomic(Path(path), records)
