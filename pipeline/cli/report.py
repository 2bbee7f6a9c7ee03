"""`vawg report`: corpus tables, charts and an offline HTML report; or one case's chronology."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

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


def _progress(message: str) -> None:
    print(f"vawg report: {message}", file=sys.stderr, flush=True)


def report_cli(
    query: Annotated[
        str,
        typer.Argument(help='Optional search query (as `vawg search`) selecting documents; "" for all.'),
    ] = "",
    db: Annotated[str, typer.Option("--db", help="Store: a file path or postgresql://...")] = "corpus.db",
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for index.html, CSVs and charts.")] = Path(
        "report"
    ),
    doc: Annotated[
        list[str] | None,
        typer.Option(
            "--doc", help="Write this document's chronology instead (repeat for a case's documents)."
        ),
    ] = None,
    measure: MeasureOpt = None,
    status: StatusOpt = None,
    signal: SignalOpt = None,
    force: ForceOpt = None,
    date_from: DateFromOpt = None,
    date_to: DateToOpt = None,
    doc_type: DocTypeOpt = None,
    top: Annotated[
        int, typer.Option("--top", min=1, max=10_000, help="Rows in the top-documents table.")
    ] = 20,
    manifest: Annotated[
        Path | None, typer.Option("--manifest", help="A run's manifest.jsonl: count every source's outcome.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Pseudonymise: document ids (doc-<hash>), chronology text, paths in ingest reasons.",
        ),
    ] = False,
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="With --redact: key for corpus-wide pseudonyms.")
    ] = None,
    keep_district: Annotated[bool, typer.Option("--keep-district", help="Keep postcode districts.")] = False,
) -> None:
    """Write a researcher's report: measure x status, signal prevalence, by force and year,
    ingest outcomes and the most-flagged documents, as CSVs, PNG/SVG charts and an offline
    index.html. The report covers the documents with a sentence matching the query and filters.

    With --doc ID it writes that document's chronology (dates, times, measures with their
    status, signals, pages) as chronology.csv and index.html instead.

    Example: vawg report --db corpus.db --out report/ --force Kent --from 2022-01-01

    Example: vawg report --db corpus.db --doc case-0412 --out case-0412/

    With --redact (and --key-file for ids that match `vawg serve --redact`) document ids are
    pseudonymous and chronology text is pseudonymised.
    """
    from pipeline.report import report_chronology, report_corpus

    if doc and (redact or key_file is not None):
        from pipeline.privacy.redact import RedactOptions
        from pipeline.privacy.text import report_chronology_redacted

        options = RedactOptions.from_key_file(key_file, keep_district)
        chron, written = report_chronology_redacted(db, doc, out, options)
    elif doc:
        chron, written = report_chronology(db, doc, out)
    if doc:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(chron.counts().items())) or "no events"
        dated = sum(1 for e in chron.events if e.date is not None)
        typer.echo(f"chronology of {chron.doc_id}: {counts} ({dated} dated)")
        typer.echo(f"wrote {out / 'index.html'} and {out / 'chronology.csv'}")
        return
    filters = make_filters(measure, status, signal, force, date_from, date_to, doc_type)
    if redact or key_file is not None:
        from pipeline.privacy.redact import RedactOptions
        from pipeline.privacy.text import report_corpus_redacted

        report, written = report_corpus_redacted(
            db, out, query, filters, top=top, manifest=manifest, progress=None if quiet else _progress,
            options=RedactOptions.from_key_file(key_file, keep_district),
        )  # fmt: skip
    else:
        report, written = report_corpus(
            db, out, query, filters, top=top, manifest=manifest, progress=None if quiet else _progress
        )
    typer.echo(summary(report))
    typer.echo(f"wrote {len(written.files)} files to {out}/ (open {out / 'index.html'})")


def summary(report: object) -> str:
    """A few lines for the terminal: corpus size, commonest measure statuses and signals."""
    from pipeline.report.corpus import CorpusReport

    assert isinstance(report, CorpusReport)
    cov = report.coverage
    lines = [
        f"{cov.documents} documents, {cov.sentences} sentences, {cov.mentions} measure mentions, "
        f"{cov.signals} signals (filters: {cov.filter_text()}; model: {cov.model_text()})"
    ]
    ms = sorted(report.tables["measure_status"].rows, key=lambda r: -r[2])[:5]
    if ms:
        lines.append("top measure statuses: " + ", ".join(f"{m} {s} {n}" for m, s, n in ms))
    sig = report.tables["signal_prevalence"].rows[:5]
    if sig:
        lines.append("top signals per 1,000 sentences: " + ", ".join(f"{r[0]} {r[4]:g}" for r in sig))
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    app.command("report")(report_cli)
