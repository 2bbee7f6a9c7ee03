"""Reading order for text segments on a PDF page: orientation, columns, lines, paragraphs.

Segments are runs of text on one line (pdfium splits a line at wide gaps, so columns and
table cells come as separate segments). They are turned into a reading frame where text
runs left to right and lines go down (`to_frame`), then `reading_order` finds column gutters,
reads each column top to bottom, and keeps full-width lines (titles, running heads, tables)
in their place between column bands.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

GUTTER_MIN = 6.0  # points of clear space between columns
MARGIN_ZONE = 0.06  # share of the page height at top and bottom kept out of columns
MIN_COLUMN_SEGMENTS = 3
MIN_COLUMN_WIDTH = 0.18  # a column's median line is at least this share of the text width


@dataclass
class Segment:
    """A run of text in the reading frame (y grows downwards)."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top


def to_frame(
    left: float, bottom: float, right: float, top: float, quadrant: int
) -> tuple[float, float, float, float]:
    """A PDF user-space box (y up) as (x0, top, x1, bottom) in the frame of text turned `quadrant`*90 deg."""
    pts = [(left, bottom), (right, top), (left, top), (right, bottom)]
    q = quadrant % 4
    if q == 0:
        conv = [(x, -y) for x, y in pts]
    elif q == 1:  # text runs upwards
        conv = [(y, x) for x, y in pts]
    elif q == 2:  # upside down
        conv = [(-x, y) for x, y in pts]
    else:  # text runs downwards
        conv = [(-y, -x) for x, y in pts]
    xs = [p[0] for p in conv]
    ys = [p[1] for p in conv]
    return min(xs), min(ys), max(xs), max(ys)


def group_lines(segs: list[Segment]) -> list[list[Segment]]:
    """Segments that share a baseline band, top to bottom, each line left to right."""
    lines: list[list[Segment]] = []
    spans: list[tuple[float, float]] = []
    for s in sorted(segs, key=lambda s: (s.top, s.x0)):
        if lines:
            top, bottom = spans[-1]
            overlap = min(bottom, s.bottom) - max(top, s.top)
            if overlap >= 0.5 * min(bottom - top, s.height, 1e9) and overlap > 0:
                lines[-1].append(s)
                spans[-1] = (min(top, s.top), max(bottom, s.bottom))
                continue
        lines.append([s])
        spans.append((s.top, s.bottom))
    return [sorted(line, key=lambda s: s.x0) for line in lines]


def lines_text(segs: list[Segment]) -> list[str]:
    """Text lines of a block, with an empty string where a wider gap marks a new paragraph."""
    lines = group_lines(segs)
    if not lines:
        return []
    heights = [max(s.height for s in ln) for ln in lines]
    tops = [min(s.top for s in ln) for ln in lines]
    bottoms = [max(s.bottom for s in ln) for ln in lines]
    gaps = [tops[i + 1] - bottoms[i] for i in range(len(lines) - 1)]
    h = median(heights) if heights else 0.0
    positive = sorted(x for x in gaps if x > 0)
    g = positive[len(positive) // 4] if positive else 0.0  # lower quartile: the usual line spacing
    out: list[str] = []
    for i, ln in enumerate(lines):
        if i and gaps[i - 1] > max(0.8 * h, 2.0 * g) and out and out[-1] != "":
            out.append("")
        text = " ".join(s.text.strip() for s in ln if s.text.strip())
        out.extend(text.split("\n"))
    return out


def _gaps(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(merged[i][1], merged[i + 1][0]) for i in range(len(merged) - 1)]


def find_gutters(segs: list[Segment], page_top: float, page_bottom: float) -> list[tuple[float, float]]:
    """Vertical clear strips that separate columns of prose (not table cells)."""
    height = page_bottom - page_top
    body = [s for s in segs if not _in_margin(s, page_top, height)]
    if len(body) < 2 * MIN_COLUMN_SEGMENTS:
        return []
    x_lo = min(s.x0 for s in body)
    x_hi = max(s.x1 for s in body)
    width = x_hi - x_lo
    if width <= 0:
        return []
    narrow = [s for s in body if s.width < 0.6 * width]
    gutters = [
        g for g in _gaps([(s.x0, s.x1) for s in narrow])
        if g[1] - g[0] >= GUTTER_MIN and x_lo + 0.1 * width < (g[0] + g[1]) / 2 < x_hi - 0.1 * width
    ]
    while gutters:
        bounds = [x_lo - 1] + [x for g in gutters for x in g] + [x_hi + 1]
        cols = [[s for s in narrow if s.x0 >= bounds[2 * i] and s.x1 <= bounds[2 * i + 1]]
                for i in range(len(gutters) + 1)]
        scores = [_pair_score(cols[i], cols[i + 1], width) for i in range(len(gutters))]
        worst = min(range(len(gutters)), key=lambda i: scores[i])
        if scores[worst] >= 1.0:
            return gutters
        gutters.pop(worst)
    return []


def _pair_score(left: list[Segment], right: list[Segment], width: float) -> float:
    """At least 1.0 when two neighbouring groups look like side-by-side prose columns."""
    if len(left) < MIN_COLUMN_SEGMENTS or len(right) < MIN_COLUMN_SEGMENTS:
        return 0.0
    wl = median(s.width for s in left) / width
    wr = median(s.width for s in right) / width
    overlap = min(max(s.bottom for s in left), max(s.bottom for s in right)) - max(
        min(s.top for s in left), min(s.top for s in right))
    span = min(max(s.bottom for s in left) - min(s.top for s in left),
               max(s.bottom for s in right) - min(s.top for s in right))
    if span <= 0 or overlap < 0.3 * span:
        return 0.0
    return min(wl, wr) / MIN_COLUMN_WIDTH


def _in_margin(s: Segment, page_top: float, height: float) -> bool:
    return s.bottom <= page_top + MARGIN_ZONE * height or s.top >= page_top + (1 - MARGIN_ZONE) * height


def reading_order(segs: list[Segment], page_top: float, page_bottom: float) -> list[str]:
    """Lines of a page in reading order; "" marks paragraph and block breaks."""
    segs = [s for s in segs if s.text.strip()]
    if not segs:
        return []
    gutters = find_gutters(segs, page_top, page_bottom)
    if not gutters:
        return lines_text(segs)
    height = page_bottom - page_top

    def column_of(s: Segment) -> int | None:
        if _in_margin(s, page_top, height):
            return None
        for i, (a, b) in enumerate(gutters):
            if s.x1 <= a:
                return i
            if s.x0 < b:
                return None  # crosses the gutter
        return len(gutters)

    placed = [(s, column_of(s)) for s in segs]
    in_cols = [s for s, c in placed if c is not None]
    region_top = min(s.top for s in in_cols)
    region_bottom = max(s.bottom for s in in_cols)
    out: list[str] = []
    band: list[tuple[Segment, int]] = []
    spanning: list[Segment] = []

    def flush_band() -> None:
        for col in range(len(gutters) + 1):
            block = [s for s, c in band if c == col]
            if block:
                _extend(out, lines_text(block))
        band.clear()

    def flush_spanning() -> None:
        if spanning:
            _extend(out, lines_text(spanning))
            spanning.clear()

    for s, c in sorted(placed, key=lambda p: (p[0].top, p[0].x0)):
        if c is not None and region_top <= s.top and s.bottom <= region_bottom:
            flush_spanning()
            band.append((s, c))
        else:
            flush_band()
            spanning.append(s)
    flush_band()
    flush_spanning()
    return out


def _extend(out: list[str], lines: list[str]) -> None:
    if out and out[-1] != "" and lines:
        out.append("")
    out.extend(lines)
