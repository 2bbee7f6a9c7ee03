"""pdfium's text layer as lines in reading order: text runs, their orientation, then layout.

pdfium gives the page text with its own line breaks; each line is one run unless pdfium's
rectangles split it at wide gaps (columns, table cells), in which case its words are shared
among the rectangles by character position. Runs are grouped by the quarter turn of their
characters, turned upright (`pdf_layout.to_frame`) and put in reading order.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

import pypdfium2.raw as pdfium_c

from pipeline.ingest.pdf_layout import Segment, reading_order, to_frame


def _quadrant(textpage: Any, index: int) -> int | None:
    if index < 0:
        return None
    angle = pdfium_c.FPDFText_GetCharAngle(textpage, index)
    if angle < 0:
        return None
    # pdfium measures the angle clockwise; the frame code counts quarter turns anticlockwise.
    return (4 - round(math.degrees(angle) / 90.0)) % 4


Box = tuple[float, float, float, float]
Run = tuple[Box, str, "int | None"]
# pdfium joins a line ending in a hyphen to the next one, marking the hyphen as U+FFFE.
_LINE_BREAK = re.compile("\r\n|\r|\n|(?<=\ufffe)")
_WORD = re.compile(r"\S+")


def _runs_bounded(textpage: Any) -> list[Run]:
    """Text runs from pdfium's rectangles, each read with a bounded-text query (slow but general)."""
    runs: list[Run] = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top)
        if not text.strip():
            continue
        idx = pdfium_c.FPDFText_GetCharIndexAtPos(
            textpage, (left + right) / 2, (bottom + top) / 2, max((right - left) / 2, 1.0),
            max((top - bottom) / 2, 1.0))
        runs.append(((left, bottom, right, top), text, _quadrant(textpage, idx)))
    return runs


def _runs_by_line(textpage: Any) -> list[Run] | None:
    """Text runs from pdfium's own lines: one rectangle query per line, words placed by char box.

    Most lines are one run, so the page text is fetched once instead of once per run. Returns
    None when the text does not map one-to-one onto pdfium's character indices.
    """
    n = textpage.count_chars()
    full = textpage.get_text_range(0, n) if n > 0 else ""
    if len(full) != n:
        return None
    runs: list[Run] = []
    start = 0
    for brk in [*_LINE_BREAK.finditer(full), None]:
        end = brk.start() if brk else n
        line = full[start:end]
        first = len(line) - len(line.lstrip())
        if line.strip():
            count = textpage.count_rects(start, end - start)
            boxes = [textpage.get_rect(j) for j in range(count)]
            quadrant = _quadrant(textpage, start + first)
            if len(boxes) == 1:
                runs.append((boxes[0], line, quadrant))
            elif boxes:
                runs.extend((box, text, quadrant) for box, text in _split_line(textpage, start, line, boxes))
        start = brk.end() if brk else n
    return runs


def _split_line(textpage: Any, offset: int, line: str, boxes: list[Box]) -> list[tuple[Box, str]]:
    """Share a line's words among its rectangles by where each word's first character lies."""
    buckets: list[list[str]] = [[] for _ in boxes]
    for m in _WORD.finditer(line):
        left, bottom, right, top = textpage.get_charbox(offset + m.start())
        cx, cy = (left + right) / 2, (bottom + top) / 2
        best = min(range(len(boxes)), key=lambda j: _distance(boxes[j], cx, cy))
        buckets[best].append(m.group())
    return [(box, " ".join(words)) for box, words in zip(boxes, buckets, strict=True) if words]


def _distance(box: Box, x: float, y: float) -> float:
    left, bottom, right, top = box
    dx = max(left - x, 0.0, x - right)
    dy = max(bottom - y, 0.0, y - top)
    return dx * dx + dy * dy


def text_segments(textpage: Any) -> dict[int, list[tuple[Box, str]]]:
    """pdfium's text runs (user-space box, text) grouped by quarter turns of their characters."""
    runs = _runs_by_line(textpage)
    if runs is None:
        runs = _runs_bounded(textpage)
    votes: Counter[int] = Counter()
    for _, text, q in runs:
        if q is not None:
            votes[q] += len(text)
    main = votes.most_common(1)[0][0] if votes else 0
    groups: dict[int, list[tuple[Box, str]]] = {}
    for box, text, q in runs:
        groups.setdefault(main if q is None else q, []).append((box, text))
    return dict(sorted(groups.items(), key=lambda kv: -sum(len(t) for _, t in kv[1])))


def page_lines(page: Any, textpage: Any) -> tuple[list[str], int, int]:
    """Lines of a page's text layer in reading order, the main text's quarter turns and char count."""
    groups = text_segments(textpage)
    left, bottom, right, top = page.get_mediabox()
    lines: list[str] = []
    main = next(iter(groups), 0)
    visible = 0
    for quadrant, runs in groups.items():
        segs = [Segment(*to_frame(*box, quadrant), text) for box, text in runs]
        visible += sum(len(s.text.strip()) for s in segs)
        frame = to_frame(left, bottom, right, top, quadrant)
        part = reading_order(segs, frame[1], frame[3])
        if lines and part:
            lines.append("")
        lines.extend(part)
    return lines, main, visible
