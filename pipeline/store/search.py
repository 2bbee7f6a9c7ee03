"""Search a corpus store: ranked hits, facet counts and a keyword-in-context concordance.

These are the plain functions behind `vawg search`; the web app calls them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.errors import UsageError
from pipeline.store.base import CorpusStore
from pipeline.store.model import Facets, Filters, Hit, Mention, SearchResult, Signal
from pipeline.store.query import Node, Term, parse, positive_terms
from pipeline.store.rank import bm25_scores
from pipeline.store.text import tokens

MAX_LIMIT = 10_000
#: Counting stops here; a larger result reports "more than COUNT_CAP" (`exact_total` False).
COUNT_CAP = 10_000
#: Results up to this size are ranked (BM25, `pipeline.store.rank`) or put in document order;
#: larger ones are listed in the order they were indexed (`order` == "indexed"), which costs
#: no sort; ranking them would cost too much, so the result says so and the query can be refined.
RANK_CAP = 2_000
#: Facets of larger results are counted over the first FACET_CAP matches (`Facets.sample`).
FACET_CAP = 5_000


def _term_spans(sentence: str, terms: list[Term]) -> list[tuple[int, int]]:
    """Character spans of `sentence` that match any positive term (words, phrases, prefixes)."""
    toks = list(tokens(sentence))
    spans: set[tuple[int, int]] = set()
    for term in terms:
        width = len(term.tokens)
        for i in range(len(toks) - width + 1):
            ok = all(toks[i + k][0] == term.tokens[k] for k in range(width - 1))
            last = toks[i + width - 1][0]
            ok = ok and (last.startswith(term.tokens[-1]) if term.prefix else last == term.tokens[-1])
            if ok:
                spans.add((toks[i][1], toks[i + width - 1][2]))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _check_page(limit: int, offset: int) -> None:
    if not 0 < limit <= MAX_LIMIT:
        raise UsageError(f"--limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise UsageError(f"--offset must be 0 or more, not {offset}")


def search(
    store: CorpusStore,
    query: str = "",
    filters: Filters | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Sentences matching `query` and `filters`: best first (BM25; ties by document id, offset),
    in document order for a filter-only search, and in index order past RANK_CAP matches
    (`SearchResult.order` says which; `exact_total` is False past COUNT_CAP)."""
    filters = filters or Filters()
    _check_page(limit, offset)
    node = parse(query)
    compiled = store.compile(node, filters)
    terms = positive_terms(node)
    rows = store.select_hits(compiled, RANK_CAP + 1, 0)
    if len(rows) <= RANK_CAP:
        total, exact = len(rows), True
        if node is not None:
            scores = bm25_scores(store, terms, [r[5] for r in rows])
            rows = [(*r[:6], sc) for r, sc in zip(rows, scores, strict=True)]
            rows.sort(key=lambda r: (-r[6], r[1], r[3], r[4]))
            order = "rank"
        else:
            rows.sort(key=lambda r: (r[1], r[3], r[4]))
            order = "document"
        rows = rows[offset : offset + limit]
    else:
        counted = store.count_hits(compiled, cap=COUNT_CAP + 1)
        total, exact, order = min(counted, COUNT_CAP), counted <= COUNT_CAP, "indexed"
        if offset + limit <= len(rows):
            rows = rows[offset : offset + limit]
        else:
            rows = store.select_hits(compiled, limit, offset)
    hits = [
        Hit(
            doc_id=doc_id,
            page=page,
            start=start,
            end=end,
            sentence=text,
            score=float(score or 0.0),
            sentence_id=sid,
            terms=_term_spans(text, terms),
        )
        for sid, doc_id, page, start, end, text, score in rows
    ]
    by_id = {h.sentence_id: h for h in hits}
    mentions, signals = store.annotations(list(by_id))
    for sid, label, status, start, end, text, page in mentions:
        by_id[sid].mentions.append(Mention(label, status, start, end, text, page))
    for sid, label, score in signals:
        by_id[sid].signals.append(Signal(label, score))
    return SearchResult(
        query=query,
        filters=filters,
        total=total,
        hits=hits,
        limit=limit,
        offset=offset,
        exact_total=exact,
        order=order,
    )


def facets(store: CorpusStore, query: str = "", filters: Filters | None = None) -> Facets:
    """Counts of matching sentences by measure x status, signal, force and year."""
    node: Node | None = parse(query)
    compiled = store.compile(node, filters or Filters())
    rows = store.facet_rows(compiled, FACET_CAP + 1)
    seen = next(int(count) for kind, _, _, count in rows if kind == "t")
    if seen > FACET_CAP:  # too many: count them (capped) and take the facets of the first FACET_CAP
        total = store.count_hits(compiled, cap=COUNT_CAP + 1)
        rows = store.facet_rows(compiled, FACET_CAP)
        out = Facets(total=min(total, COUNT_CAP), exact_total=total <= COUNT_CAP, sample=FACET_CAP)
    else:
        out = Facets(total=seen)
    for kind, key, status, count in rows:
        n = int(count)
        if kind == "m":
            out.measure_status[(key, status)] = n
        elif kind == "s":
            out.signal[key] = n
        elif kind == "f":
            out.force[key] = n
        elif kind == "y":
            out.year[int(key) if key is not None else None] = n

    def order(d: dict[Any, int]) -> dict[Any, int]:
        return dict(sorted(d.items(), key=lambda kv: (-kv[1], str(kv[0]))))

    out.measure_status = order(out.measure_status)
    out.signal = order(out.signal)
    out.force = order(out.force)
    out.year = dict(sorted(out.year.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))
    return out


@dataclass
class KwicLine:
    """One concordance line: context left of the keyword, the keyword, context right of it."""

    doc_id: str
    page: int | None
    start: int
    left: str
    keyword: str
    right: str

    def render(self, width: int) -> str:
        return f"{self.left[-width:]:>{width}}  {self.keyword}  {self.right[:width]}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def kwic(result: SearchResult, width: int = 40) -> list[KwicLine]:
    """A concordance of the hits, aligned on the first matched word, else on the first
    mention of a filtered measure (or any mention); hits with neither are centred on the sentence start."""
    lines: list[KwicLine] = []
    measures = set(result.filters.measure)
    for hit in result.hits:
        if hit.terms:
            s, e = hit.terms[0]
        else:
            chosen = [m for m in hit.mentions if not measures or m.label in measures] or hit.mentions
            if chosen:
                s, e = chosen[0].start - hit.start, chosen[0].end - hit.start
            else:
                s, e = 0, 0
        s, e = max(0, s), min(len(hit.sentence), max(e, s))
        lines.append(
            KwicLine(
                doc_id=hit.doc_id,
                page=hit.page,
                start=hit.start + s,
                left=_one_line(hit.sentence[:s])[-width:],
                keyword=_one_line(hit.sentence[s:e]),
                right=_one_line(hit.sentence[e:])[:width],
            )
        )
    return lines
