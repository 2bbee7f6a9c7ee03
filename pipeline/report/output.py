"""Write a corpus report or a case chronology into a folder: CSVs, charts and index.html."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import UsageError
from pipeline.report.charts import draw_all
from pipeline.report.chronology import COLUMNS, DATE_KINDS, Chronology
from pipeline.report.corpus import CorpusReport
from pipeline.report.render import (
    chart_html,
    esc,
    now_text,
    page,
    section,
    table_html,
    write_csv,
    write_text_atomic,
)
from pipeline.report.tables import Table

Progress = Callable[[str], None]
# Tables shown in index.html, in order, with the row limit of their HTML copy (CSV has all rows).
_SHOWN: list[tuple[str, int | None]] = [
    ("measure_status_wide", None),
    ("signal_prevalence", None),
    ("force_summary", None),
    ("signal_prevalence_by_force", 60),
    ("measure_status_by_force", 60),
    ("year_summary", None),
    ("signal_prevalence_by_year", 60),
    ("measure_status_by_year", 60),
    ("ingest_outcomes", None),
    ("ingest_manifest", None),
    ("top_documents", None),
    ("measure_status", None),
]


def tool_version() -> str:
    from pipeline import __version__

    return f"vawg {__version__}"


@dataclass
class Written:
    """What a report run wrote."""

    out: Path
    files: list[str] = field(default_factory=list)


def check_out(out: Path) -> None:
    """A one-line error before any work when --out names an existing file."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; give a folder")


def _prepare(out: Path) -> None:
    check_out(out)
    out.mkdir(parents=True, exist_ok=True)


def write_corpus_report(report: CorpusReport, out: Path, progress: Progress | None = None) -> Written:
    """index.html, one CSV per table and the charts (PNG + SVG) of `report`, into `out`."""
    say = progress or (lambda _msg: None)
    _prepare(out)
    written = Written(out)
    for table in report.tables.values():
        written.files.append(write_csv(table, out).name)
    say("drawing charts")
    charts = draw_all(report.tables, out)
    written.files += [f"{c.name}.{ext}" for c in charts for ext in ("png", "svg")]
    cov = report.coverage
    dates = f"{cov.date_from or '?'} to {cov.date_to or '?'}" if cov.date_from or cov.date_to else "undated"
    facts = [
        ("Store", cov.store),
        ("Filters", cov.filter_text()),
        ("Documents", f"{cov.documents:,}"),
        ("Sentences", f"{cov.sentences:,}"),
        ("Measure mentions", f"{cov.mentions:,}"),
        ("Signals", f"{cov.signals:,}"),
        ("Forces", ", ".join(cov.forces) or "none"),
        ("Document dates", dates),
        ("Model", cov.model_text()),
        ("Generated", now_text()),
    ]
    about = "<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts) + "</dl>"
    parts = [section("What this report covers", about, anchor="coverage")]
    by_name = {c.name: c for c in charts}
    parts.append(chart_html(by_name["status_by_measure"]))
    for name, limit in _SHOWN:
        shown = report.tables.get(name)
        if shown is None:
            continue
        parts.append(section(shown.title, table_html(shown, limit), shown.note, anchor=name))
        if name == "signal_prevalence":
            parts.append(chart_html(by_name["signal_prevalence"]))
        if name == "year_summary":
            parts.append(chart_html(by_name["trends_by_year"]))
    files = ", ".join(sorted(written.files))
    parts.append(section("Files", f'<p class="files">{esc(files)}</p>', anchor="files"))
    html = page(
        "Protective measures and missed opportunities",
        [
            f"{cov.documents:,} documents from {cov.store}; filters: {cov.filter_text()}",
            f"Model: {cov.model_text()}. Generated {now_text()} by {tool_version()} (vawg report).",
        ],
        parts,
    )
    write_text_atomic(out / "index.html", html)
    written.files.append("index.html")
    return written


def _chronology_html(chron: Chronology) -> str:
    several = len(chron.documents) > 1
    shown = (["document"] if several else []) + ["date", "time", "kind", "label", "status", "page", "text",
                                                 "sentence"]  # fmt: skip
    head = "".join(f"<th>{esc(c)}</th>" for c in shown)
    rows = []
    for e in chron.events:
        r = dict(zip(COLUMNS, e.row(), strict=True))
        cls = ' class="date"' if e.kind in DATE_KINDS else ""
        when = r["date"] + (" ~" if r["approximate"] else "")
        cells = [when, r["time"], r["kind"], r["label"], r["status"], r["page"], r["text"], r["sentence"]]
        cells = ([r["doc_id"]] if several else []) + cells
        rows.append(f"<tr{cls}>" + "".join(f"<td>{esc(v)}</td>" for v in cells) + "</tr>")
    counts = ", ".join(f"{n} {k}" for k, n in sorted(chron.counts().items())) or "no events"
    docs = Table(
        "documents",
        "Documents",
        ["document", "force", "date", "type"],
        [
            [d.doc_id, d.force or "(unknown)", d.date or "(none)", d.doc_type or "(none)"]
            for d in chron.documents
        ],
    )
    about = table_html(docs) + f'<p class="note">Events: {esc(counts)}. Generated {esc(now_text())}.</p>'
    note = (
        "Dates in UK order (day/month); a date without a year takes the last year read, else the "
        "document's (marked ~ when from the document, or for week and month steps)."
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return page(
        f"Case chronology: {chron.doc_id}",
        [counts],
        [section("Documents", about), section("Events in date order", table, note, anchor="events")],
    )


def write_chronology(chron: Chronology, out: Path) -> Written:
    """chronology.csv and index.html of a chronology, into `out`."""
    _prepare(out)
    written = Written(out)
    table = Table("chronology", f"Chronology of {chron.doc_id}", COLUMNS, chron.rows())
    written.files.append(write_csv(table, out).name)
    write_text_atomic(out / "index.html", _chronology_html(chron))
    written.files.append("index.html")
    return written
