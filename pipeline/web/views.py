"""What the pages show, computed in Python so templates only loop and print (and escape).

Text is cut into pieces that know which mention, matched word or signal sentence covers
them; the template wraps each piece in the right element. Charts are geometry for inline SVG.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from typing import Any

from pipeline import labels
from pipeline.store import CorpusStore, Filters, SearchResult
from pipeline.store.query import parse


# -- highlighted text -------------------------------------------------------------------------
@dataclass
class Piece:
    text: str
    mention: int | None = None  # index into the caller's mention list
    mention_start: bool = False
    mention_end: bool = False
    term: bool = False
    signal: int | None = None  # index into the caller's signal-sentence list
    signal_start: bool = False


def _disjoint(spans: list[tuple[int, int]]) -> list[int]:
    """Indexes of spans kept so none overlap (earliest first, then longest)."""
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1]))
    kept: list[int] = []
    end = -1
    for i in order:
        s, e = spans[i]
        if e > s and s >= end:
            kept.append(i)
            end = e
    return kept


class _Cover:
    """Which of a set of disjoint spans covers a position."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.ids = _disjoint(spans)
        self.spans = [spans[i] for i in self.ids]
        self.starts = [s for s, _ in self.spans]

    def at(self, pos: int) -> int | None:
        k = bisect.bisect_right(self.starts, pos) - 1
        if k >= 0 and self.spans[k][0] <= pos < self.spans[k][1]:
            return k
        return None

    def bounds(self) -> list[int]:
        return [b for span in self.spans for b in span]


def pieces(
    text: str,
    offset: int = 0,
    mentions: list[tuple[int, int]] | None = None,
    terms: list[tuple[int, int]] | None = None,
    signals: list[tuple[int, int]] | None = None,
) -> list[Piece]:
    """Cut `text` (which starts at `offset` in its document) at every span edge; spans are in
    document offsets. Overlapping mentions keep the earliest."""
    m, t, g = _Cover(mentions or []), _Cover(terms or []), _Cover(signals or [])
    lo, hi = offset, offset + len(text)
    cuts = sorted({lo, hi, *(b for b in m.bounds() + t.bounds() + g.bounds() if lo < b < hi)})
    out: list[Piece] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        mk, gk = m.at(a), g.at(a)
        out.append(
            Piece(
                text=text[a - offset : b - offset],
                mention=None if mk is None else m.ids[mk],
                mention_start=mk is not None and m.spans[mk][0] == a,
                mention_end=mk is not None and m.spans[mk][1] == b,
                term=t.at(a) is not None,
                signal=None if gk is None else g.ids[gk],
                signal_start=gk is not None and g.spans[gk][0] == a,
            )
        )
    return out


# -- documents --------------------------------------------------------------------------------
@dataclass
class PageView:
    number: int
    start: int
    end: int
    pieces: list[Piece] = field(default_factory=list)
    signal_ids: list[int] = field(default_factory=list)


@dataclass
class SignalSentence:
    """A sentence carrying signals; `n` is its anchor (#s<n>) on the document page."""

    n: int
    start: int
    end: int
    labels: list[str]
    page: int | None = None


@dataclass
class DocumentView:
    id: str
    meta: dict[str, Any]
    facts: list[tuple[str, str]]
    text: str
    pages: list[PageView]
    mentions: list[dict[str, Any]]  # anchor n (1-based), label, status, text, page, start, end
    sentences: list[SignalSentence]
    loose_signals: list[str]  # signals with no sentence


def _meta_dict(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _page_ranges(pages: list[tuple[int, int, int]], length: int) -> list[tuple[int, int, int]]:
    """(page, start, end) covering the whole text: each page runs to where the next starts."""
    pages = sorted((p, s, e) for p, s, e in pages if 0 <= s <= length)
    pages.sort(key=lambda r: r[1])
    if not pages:
        return [(1, 0, length)]
    out = []
    for i, (number, start, _) in enumerate(pages):
        begin = 0 if i == 0 else start
        stop = pages[i + 1][1] if i + 1 < len(pages) else length
        out.append((number, begin, stop))
    return out


_OUTCOME_KEYS = (
    "status",
    "reason",
    "reader",
    "methods",
    "page_count",
    "rotated_pages",
    "page_errors",
    "decrypted",
    "skipped_ocr_reason",
    "archive_skipped",
    "pipeline_version",
    "model",
)


def load_document(store: CorpusStore, doc_id: str) -> DocumentView | None:
    """Everything the document page shows, or None if there is no such document."""
    rows = store.query(
        "SELECT id, source, sha256, force, date, doc_type, meta, text, indexed_at "
        "FROM documents WHERE id = ?",
        [doc_id],
    )
    if not rows:
        return None
    _, source, sha256, force, date, doc_type, meta_raw, text, indexed_at = rows[0]
    meta = _meta_dict(meta_raw)
    facts = [
        (k, str(v))
        for k, v in (
            ("source", source),
            ("force", force),
            ("date", date),
            ("document type", doc_type),
            ("sha256", sha256),
            ("indexed", indexed_at),
        )
        if v
    ]
    facts += [
        (k, v if isinstance(v, str) else json.dumps(v, default=str))
        for k, v in meta.items()
        if k in _OUTCOME_KEYS
    ]
    pages = _page_ranges(
        [tuple(r) for r in store.query('SELECT page, start, "end" FROM pages WHERE doc_id = ?', [doc_id])],
        len(text),
    )
    mention_rows = store.query(
        'SELECT start, "end", label, status, text, page FROM mentions WHERE doc_id = ? '
        'ORDER BY start, "end", label',
        [doc_id],
    )
    mentions = [
        {"n": n, "start": s, "end": e, "label": lab, "status": st, "text": t, "page": pg}
        for n, (s, e, lab, st, t, pg) in enumerate(mention_rows, 1)
    ]
    grouped: dict[tuple[int, int], list[str]] = {}
    loose: list[str] = []
    for label, start, end in store.query(
        'SELECT label, start, "end" FROM signals WHERE doc_id = ? ORDER BY start, label', [doc_id]
    ):
        if start is None or end is None:
            loose.append(label)
        else:
            grouped.setdefault((start, end), []).append(label)
    sentences = [SignalSentence(n, s, e, labs) for n, ((s, e), labs) in enumerate(sorted(grouped.items()), 1)]
    views = []
    m_spans = [(m["start"], m["end"]) for m in mentions]
    g_spans = [(g.start, g.end) for g in sentences]
    for number, start, end in pages:
        while end > start and text[end - 1].isspace():  # the blank lines between pages
            end -= 1
        page = PageView(number, start, end, pieces(text[start:end], start, m_spans, None, g_spans))
        for g in sentences:
            if g.page is None and start <= g.start < end:
                g.page = number
                page.signal_ids.append(g.n - 1)
        views.append(page)
    return DocumentView(str(doc_id), meta, facts, text, views, mentions, sentences, loose)


def mention_anchors(store: CorpusStore, doc_ids: list[str]) -> dict[tuple[str, int, int], int]:
    """(doc id, start, end) -> the mention's anchor number on its document page."""
    if not doc_ids:
        return {}
    marks = ", ".join("?" * len(doc_ids))
    rows = store.query(
        f'SELECT doc_id, start, "end" FROM mentions WHERE doc_id IN ({marks}) '
        'ORDER BY doc_id, start, "end", label',
        doc_ids,
    )
    out: dict[tuple[str, int, int], int] = {}
    counter: dict[str, int] = {}
    for doc_id, start, end in rows:
        counter[doc_id] = counter.get(doc_id, 0) + 1
        out.setdefault((doc_id, start, end), counter[doc_id])
    return out


def hit_views(
    store: CorpusStore, result: SearchResult, shown: SearchResult | None = None
) -> list[dict[str, Any]]:
    """Each hit with its highlighted pieces and the deep link to its first mention (or page);
    `shown` is the result as the reader sees it (pseudonymised, hits parallel to `result`)."""
    anchors = mention_anchors(store, sorted({h.doc_id for h in result.hits}))
    out = []
    for raw, hit in zip(result.hits, (shown or result).hits, strict=True):
        mentions = [(m.start, m.end) for m in hit.mentions]
        terms = [(hit.start + s, hit.start + e) for s, e in hit.terms]
        first = next((anchors.get((raw.doc_id, m.start, m.end)) for m in raw.mentions), None)
        out.append(
            {
                "hit": hit,
                "pieces": pieces(hit.sentence, hit.start, mentions, terms),
                "anchor": f"m{first}" if first else (f"p{hit.page}" if hit.page else ""),
            }
        )
    return out


# -- facets the store does not count ----------------------------------------------------------
def extra_facets(
    store: CorpusStore, query: str, filters: Filters, sample: int | None = None
) -> dict[str, dict[str | None, int]]:
    """Matching sentences by measure, by status and by document type, in one query; over the
    first `sample` matches when the store's facets were sampled (`Facets.sample`)."""
    compiled = store.compile(parse(query), filters)
    window = f" ORDER BY {compiled.id_column} LIMIT ?" if sample else ""
    sql = f"""WITH hits AS MATERIALIZED (SELECT s.id AS id, s.doc_id AS doc_id {compiled.from_where}{window})
SELECT 'measure', m.label, count(DISTINCT m.sentence_id) FROM hits h JOIN mentions m ON m.sentence_id = h.id
  GROUP BY m.label
UNION ALL SELECT 'status', m.status, count(DISTINCT m.sentence_id)
  FROM hits h JOIN mentions m ON m.sentence_id = h.id GROUP BY m.status
UNION ALL SELECT 'doc_type', d.doc_type, count(*) FROM hits h JOIN documents d ON d.id = h.doc_id
  GROUP BY d.doc_type"""
    out: dict[str, dict[str | None, int]] = {"measure": {}, "status": {}, "doc_type": {}}
    for kind, key, count in store.query(sql, [*compiled.params, sample] if sample else compiled.params):
        out[kind][key] = int(count)
    return out


@dataclass
class Dashboard:
    """Exact corpus-wide counts (mentions, signals) for the dashboard, optionally for one measure."""

    totals: dict[str, int]
    matrix: dict[tuple[str, str], int]
    measures: list[str]
    charts: list[Chart]


def dashboard(store: CorpusStore, measure: str = "") -> Dashboard:
    """Measure x status, signal counts and trends by year and force, from the report's aggregates
    (documents in scope: all, or those mentioning `measure`; mention counts then keep only it)."""
    from pipeline.report.tables import Aggregator

    agg = Aggregator(store, "", Filters(measure=(measure,) if measure else ()))
    keep = (lambda label: label == measure) if measure else (lambda label: True)
    matrix = {(m, st): int(n) for m, st, n in agg.measure_status() if keep(m)}

    def by(dim: str, rows: list[tuple[Any, ...]], mentions: bool) -> list[tuple[str, int]]:
        sums: dict[Any, int] = {}
        for row in rows:
            key, label, n = row[0], row[1], row[3] if mentions else row[2]
            if not mentions or keep(label):
                sums[key] = sums.get(key, 0) + int(n)
        if dim == "year":
            order = sorted(sums, key=lambda k: (k is None, k or 0))
        else:
            order = sorted(sums, key=lambda k: (-sums[k], str(k)))
        unknown = "undated" if dim == "year" else "unknown"
        return [(str(k) if k is not None else unknown, sums[k]) for k in order]

    signal_rows = sorted(((g, int(n)) for g, n, _, _ in agg.signal_counts()), key=lambda r: (-r[1], r[0]))
    by_year_m, by_force_m = agg.measure_status("year"), agg.measure_status("force")
    by_year_s, by_force_s = agg.signal_counts("year"), agg.signal_counts("force")
    what = f"{measure} mentions" if measure else "Measure mentions"
    charts = [
        bar_chart(f"{what} by year", by("year", by_year_m, True), False),
        bar_chart("Missed-opportunity signals by year", by("year", by_year_s, False), False),
        bar_chart(f"{what} by force", by("force", by_force_m, True)),
        bar_chart("Missed-opportunity signals by force", by("force", by_force_s, False)),
        bar_chart("Signals", signal_rows),
    ]
    present = {m for m, _ in matrix}
    measures = [m for m in labels.measures() if m in present]
    return Dashboard(agg.totals(), matrix, measures, charts)


def corpus_version(store: CorpusStore) -> tuple[Any, ...]:
    """Changes whenever documents are added, replaced or removed (a key for caches)."""
    return (
        *store.query("SELECT count(*), max(indexed_at) FROM documents")[0],
        store.query("SELECT max(id) FROM sentences")[0][0],  # new ids on every (re)index
    )


class DashboardCache:
    """Dashboards by measure, kept until the corpus changes (documents added, replaced or removed)."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._boards: dict[tuple[str, tuple[Any, ...]], Dashboard] = {}

    def get(self, store: CorpusStore, measure: str = "") -> Dashboard:
        key = (measure, corpus_version(store))
        board = self._boards.get(key)
        if board is None:
            board = dashboard(store, measure)
            if len(self._boards) >= self.size:
                self._boards.clear()
            self._boards[key] = board
        return board


def doc_types(store: CorpusStore) -> list[str]:
    return [
        r[0]
        for r in store.query(
            "SELECT DISTINCT doc_type FROM documents WHERE doc_type IS NOT NULL ORDER BY doc_type"
        )
    ]


def forces(store: CorpusStore) -> list[str]:
    return [
        r[0]
        for r in store.query("SELECT DISTINCT force FROM documents WHERE force IS NOT NULL ORDER BY force")
    ]


# -- charts -----------------------------------------------------------------------------------
@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    w: float
    h: float


@dataclass
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    horizontal: bool


def bar_chart(title: str, data: list[tuple[str, int]], horizontal: bool = True) -> Chart:
    """Bars scaled to the largest value: horizontal (long labels) or vertical (years)."""
    top = max([v for _, v in data] + [1])
    bars: list[Bar] = []
    if horizontal:
        width, row, left, span = 560, 26, 230, 290
        height = max(1, len(data)) * row + 10
        for i, (label, value) in enumerate(data):
            bars.append(Bar(label, value, left, 5 + i * row, max(1.0, span * value / top), row - 8))
    else:
        width, height, base, span = 560, 240, 200, 170
        slot = (width - 40) / max(1, len(data))
        for i, (label, value) in enumerate(data):
            h = max(1.0, span * value / top)
            bars.append(Bar(label, value, 30 + i * slot + slot * 0.15, base - h, slot * 0.7, h))
    return Chart(title, width, height, bars, horizontal)


def palette() -> list[tuple[str, str]]:
    """(code, description) of every measure, in contract order, for the legend."""
    return [(code, labels.describe(code)) for code in labels.measures()]
