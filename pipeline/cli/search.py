"""`vawg search`: full-text and annotation search over a corpus store."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from enum import StrEnum
from typing import Annotated, Any

import typer

from pipeline.cli.common import (
    DateFromOpt,
    DateToOpt,
    DocTypeOpt,
    ForceOpt,
    MeasureOpt,
    SignalOpt,
    StatusOpt,
    make_filters,
)
from pipeline.store import Facets, Filters, SearchResult, facets, kwic, open_store, search


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def run_search(
    db: str,
    query: str,
    filters: Filters,
    limit: int = 20,
    offset: int = 0,
    with_facets: bool = False,
) -> tuple[SearchResult, Facets | None]:
    """Open the store read-only-ish, run the search and (optionally) the facet counts."""
    with open_store(db) as store:
        result = search(store, query, filters, limit, offset)
        counts = facets(store, query, filters) if with_facets else None
    return result, counts


def _annotations(hit_dict: dict[str, Any]) -> tuple[str, str]:
    mentions = "|".join(f"{m['label']}:{m['status']}" for m in hit_dict["mentions"])
    signals = "|".join(s["label"] for s in hit_dict["signals"])
    return mentions, signals


def render_table(result: SearchResult, counts: Facets | None, as_kwic: bool, width: int = 40) -> str:
    lines = []
    shown = f"{result.offset + 1}-{result.offset + len(result.hits)}" if result.hits else "none"
    total = f"{result.total}" if result.exact_total else f"more than {result.total}"
    note = {
        "indexed": "; too many to rank, in index order: refine the query",
        "document": ", in document order",
    }
    lines.append(f"{total} matching sentences (showing {shown}{note.get(result.order, '')})")
    if as_kwic:
        lines += [f"{k.doc_id:>14} p.{k.page or '-':<3} {k.render(width)}" for k in kwic(result, width)]
    else:
        for n, hit in enumerate(result.hits, result.offset + 1):
            d = hit.to_dict()
            mentions, signals = _annotations(d)
            lines.append(
                f"{n:>3}. {hit.doc_id}  p.{hit.page or '-'}  {hit.start}-{hit.end}  score {hit.score:.3f}"
            )
            lines.append("     " + " ".join(hit.highlighted().split()))
            if mentions or signals:
                lines.append(f"     mentions: {mentions or '-'}  signals: {signals or '-'}")
    if counts is not None:
        lines.append("")
        over = f"the first {counts.sample} of " if counts.sample else ""
        lines.append(
            f"facets over {over}{counts.total}{'' if counts.exact_total else '+'} matching sentences"
        )
        for (measure, status), n in counts.measure_status.items():
            lines.append(f"  measure  {measure + ' ' + status:<32} {n:>8}")
        for key, n in counts.signal.items():
            lines.append(f"  signal   {key:<32} {n:>8}")
        for force, n in counts.force.items():
            lines.append(f"  force    {force or '(unknown)':<32} {n:>8}")
        for year, n in counts.year.items():
            lines.append(f"  year     {year or '(unknown)'!s:<32} {n:>8}")
    return "\n".join(lines)


def _hit_rows(result: SearchResult, as_kwic: bool) -> list[dict[str, Any]]:
    rows = [h.to_dict() for h in result.hits]
    if as_kwic:
        for row, line in zip(rows, kwic(result), strict=True):
            row.update(left=line.left, keyword=line.keyword, right=line.right)
    return rows


def render_json(result: SearchResult, counts: Facets | None, as_kwic: bool) -> str:
    rows = counts.rows() if counts is not None else _hit_rows(result, as_kwic)
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)


def render_csv(result: SearchResult, counts: Facets | None, as_kwic: bool) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if counts is not None:
        writer.writerow(["facet", "key", "status", "count"])
        writer.writerows([r["facet"], r["key"], r["status"], r["count"]] for r in counts.rows())
        return buf.getvalue().rstrip("\n")
    if as_kwic:
        writer.writerow(["doc_id", "page", "start", "left", "keyword", "right"])
        writer.writerows(list(asdict(k).values()) for k in kwic(result))
        return buf.getvalue().rstrip("\n")
    writer.writerow(
        ["doc_id", "page", "start", "end", "score", "sentence", "highlighted", "mentions", "signals"]
    )
    for d in _hit_rows(result, False):
        mentions, signals = _annotations(d)
        writer.writerow(
            [
                d["doc_id"],
                d["page"],
                d["start"],
                d["end"],
                d["score"],
                d["sentence"],
                d["highlighted"],
                mentions,
                signals,
            ]
        )
    return buf.getvalue().rstrip("\n")


def search_cli(
    query: Annotated[
        str,
        typer.Argument(
            help='Words, "phrases", prefix*, AND/OR/NOT, parentheses; "" for filters only.',
            show_default=False,
        ),
    ] = "",
    db: Annotated[str, typer.Option("--db", help="Store: a file path or postgresql://...")] = "corpus.db",
    measure: MeasureOpt = None,
    status: StatusOpt = None,
    signal: SignalOpt = None,
    force: ForceOpt = None,
    date_from: DateFromOpt = None,
    date_to: DateToOpt = None,
    doc_type: DocTypeOpt = None,
    doc: Annotated[list[str] | None, typer.Option("--doc", help="Document id (repeatable).")] = None,
    as_kwic: Annotated[
        bool, typer.Option("--kwic", help="Keyword-in-context lines aligned on the match.")
    ] = False,
    with_facets: Annotated[
        bool,
        typer.Option(
            "--facets", help="Counts by measure x status, signal, force, year (csv/json: only those)."
        ),
    ] = False,
    fmt: Annotated[
        Format, typer.Option("--format", help="table, csv, or json (one object per line).")
    ] = Format.table,
    limit: Annotated[int, typer.Option("--limit", help="Hits to show.")] = 20,
    offset: Annotated[int, typer.Option("--offset", help="Hits to skip.")] = 0,
) -> None:
    """Search sentences by words and annotations; best matches first.

    Filters combine (AND); a filter given several times matches any of its values. Measure and
    status apply to the same mention.

    Example: vawg search 'breach* NOT "no further action"' --db corpus.db --measure DVPO
    --status breached --signal BREACH_NOT_ACTIONED --force Kent --from 2022-01-01 --to 2023-12-31
    """
    filters = make_filters(measure, status, signal, force, date_from, date_to, doc_type, doc)
    result, counts = run_search(db, query, filters, limit, offset, with_facets)
    if fmt is Format.json:
        text = render_json(result, counts, as_kwic)
    elif fmt is Format.csv:
        text = render_csv(result, counts, as_kwic)
    else:
        text = render_table(result, counts, as_kwic)
    if text:
        typer.echo(text)


def register(app: typer.Typer) -> None:
    app.command("search")(search_cli)
