"""Ruled tables on a PDF page, found with pdfplumber and returned as text segments and rows.

Only pages that pdfium shows to hold many vector paths come here (pdfplumber is ~50x slower
than pdfium). The page is read in pdfplumber's frame: its words outside tables become text
segments, each table becomes one block of "cell | cell" rows placed where the table stands,
and `reading_order` lays the page out as usual. Pages whose text is not upright in that
frame (pdfplumber does not turn sideways text) are left to the fast path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.ingest.clean import normalise_line
from pipeline.ingest.pdf_layout import Segment

MIN_FILLED = 0.3  # share of non-empty cells below which a "table" is decoration or noise
WORD_GAP = 1.5  # words further apart than this many text heights start a new segment


@dataclass
class TablePage:
    segments: list[Segment]
    tables: list[list[list[str]]]
    top: float
    bottom: float


def _cell(value: Any) -> str:
    return normalise_line(" ".join(str(value).split())) if value is not None else ""


def _merged_rows(raw: list[list[Any]]) -> bool:
    """True when the finder lumped several text rows into one (unruled rows inside a ruled box)."""
    merged = 0
    for row in raw:
        counts = [str(c).count("\n") + 1 for c in row if c]
        multi = [n for n in counts if n > 1]
        if len(multi) >= 3 and len(set(multi)) <= 2:
            merged += 1
    return merged * 3 > len(raw)


def _rows(table: Any) -> list[list[str]]:
    raw = table.extract()
    if _merged_rows(raw):
        return []
    rows = [[_cell(c) for c in row] for row in raw]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    # Drop columns that are empty in every row (merged cells leave them).
    keep = [k for k in range(max(len(r) for r in rows)) if any(k < len(r) and r[k] for r in rows)]
    return [[r[k] if k < len(r) else "" for k in keep] for r in rows]


def row_text(row: list[str]) -> str:
    """A table row as one line: cells joined with " | ", empty cells at either end dropped."""
    cells = list(row)
    while cells and not cells[-1]:
        cells.pop()
    while cells and not cells[0]:
        cells.pop(0)
    return " | ".join(cells)


def words_to_segments(words: list[dict[str, Any]]) -> list[Segment]:
    """Merge pdfplumber words into runs of text that a wide gap ends, like pdfium's rects."""
    segs: list[Segment] = []
    for w in sorted(words, key=lambda w: (round(float(w["top"])), float(w["x0"]))):
        x0, top, x1, bottom = (float(w[k]) for k in ("x0", "top", "x1", "bottom"))
        if segs:
            last = segs[-1]
            h = max(last.height, bottom - top, 1.0)
            same_line = min(last.bottom, bottom) - max(last.top, top) > 0.5 * h
            if same_line and 0 <= x0 - last.x1 <= WORD_GAP * h:
                segs[-1] = Segment(last.x0, min(last.top, top), x1, max(last.bottom, bottom),
                                   f"{last.text} {w['text']}")
                continue
        segs.append(Segment(x0, top, x1, bottom, str(w["text"])))
    return segs


def _inside(w: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    cx = (float(w["x0"]) + float(w["x1"])) / 2
    cy = (float(w["top"]) + float(w["bottom"])) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def table_page(plumber_page: Any) -> TablePage | None:
    """Segments and table rows of one pdfplumber page; None when it has no usable table."""
    chars = plumber_page.chars
    if not chars or sum(1 for c in chars if c.get("upright", True)) < 0.8 * len(chars):
        return None
    found = [t for t in plumber_page.find_tables() if len(t.rows) >= 2]
    tables: list[list[list[str]]] = []
    blocks: list[Segment] = []
    bboxes: list[tuple[float, float, float, float]] = []
    for t in found:
        rows = _rows(t)
        cells = [c for r in rows for c in r]
        filled = sum(1 for c in cells if c)
        if len(rows) < 2 or max(len(r) for r in rows) < 2 or filled < MIN_FILLED * len(cells):
            continue
        tables.append(rows)
        x0, top, x1, bottom = (float(v) for v in t.bbox)
        bboxes.append((x0, top, x1, bottom))
        blocks.append(Segment(x0, top, x1, bottom, "\n".join(row_text(r) for r in rows)))
    if not tables:
        return None
    words = [w for w in plumber_page.extract_words() if not any(_inside(w, b) for b in bboxes)]
    x0, top, x1, bottom = (float(v) for v in plumber_page.bbox)
    return TablePage(words_to_segments(words) + blocks, tables, top, bottom)
