"""`vawg run`: ingest + annotate + index in one go."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.batch.distribute import annotate_to_shards, merged_records
from pipeline.errors import UsageError, not_found
from pipeline.records import Document, dumps, read_jsonl
from pipeline.store import IndexStats, open_store
from pipeline.store.base import redact

RECORDS = "records.jsonl"
SHARDS = "shards"


@dataclass
class RunSummary:
    """What a run did at each stage."""

    ingest_line: str = ""
    annotate_line: str = ""
    documents: int = 0
    mentions: int = 0
    failed: list[str] = field(default_factory=list)
    index: IndexStats = field(default_factory=IndexStats)
    records_path: Path | None = None


def _documents(
    sources: list[Path], out: Path | None, summary: RunSummary, quiet: bool, skip: list[str]
) -> Iterator[Document]:
    """Documents from the sources: through the resumable batch ingest into OUT when given, else in-process."""
    if out is None:
        from pipeline.cli.annotate import AnnotateSummary, read_documents
        from pipeline.ingest.api import walk_sources

        reading = AnnotateSummary()
        yield from read_documents(list(walk_sources(sources, skip=skip)), reading)
        summary.failed += reading.failed_sources
        return
    from pipeline.batch.manifest import DOCUMENTS
    from pipeline.batch.runner import ingest

    result = ingest(sources, out, progress=not quiet, skip=skip)
    summary.ingest_line = result.line()
    for row in read_jsonl(out / DOCUMENTS):
        yield Document.from_record(row)


def _tee(records: Iterable[dict[str, Any]], path: Path) -> Iterator[dict[str, Any]]:
    """Pass records through while writing them to `path` (atomically, on completion)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for record in records:
                fh.write(dumps(record) + "\n")
                yield record
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def run(
    sources: list[Path],
    db: str,
    out: Path | None = None,
    model: str | Path | None = None,
    batch_size: int = 64,
    quiet: bool = True,
    exclude: list[str] | None = None,
    *,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> RunSummary:
    """Read the sources, annotate every document, and index the records into `db`.

    With `out`, ingestion is the resumable batch (OUT/documents.jsonl, OUT/manifest.jsonl)
    and the records are also written to OUT/records.jsonl. With an `executor` ("local" or
    "dask") annotation runs on workers that commit record shards (OUT/shards/, or a temporary
    folder without `out`) and a rerun resumes from them; the driver then indexes the shards.
    """
    for path in sources:
        if not path.exists():
            raise not_found(path)
    if batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1, got {batch_size}")
    from pipeline.cli.annotate import AnnotateSummary, annotate_documents

    summary = RunSummary()
    annotating = AnnotateSummary()
    documents = _documents(sources, out, summary, quiet, list(exclude or []))
    if executor is not None and scheduler and out is None:
        raise UsageError("--scheduler needs --out on a folder the Dask workers can write to")
    if executor is not None:
        with tempfile.TemporaryDirectory(prefix="vawg-shards-") as tmp:
            shard_dir = out / SHARDS if out is not None else Path(tmp)
            shards = annotate_to_shards(
                documents,
                shard_dir,
                executor=executor,
                workers=workers,
                scheduler=scheduler,
                model=model,
                batch_size=batch_size,
            )
            annotating.failed_documents += shards.failed
            summary.annotate_line = shards.line()
            _index(_counted(merged_records(shard_dir, shards.keys), annotating), db, out, summary)
    else:
        import pipeline

        nlp = pipeline.load(model)
        _index(annotate_documents(nlp, documents, batch_size, annotating), db, out, summary)
    summary.documents = annotating.documents
    summary.mentions = annotating.entities
    summary.failed += annotating.failed_documents
    return summary


def _counted(records: Iterable[dict[str, Any]], summary: Any) -> Iterator[dict[str, Any]]:
    for record in records:
        summary.documents += 1
        summary.entities += len(record.get("entities") or [])
        yield record


def _index(records: Iterable[dict[str, Any]], db: str, out: Path | None, summary: RunSummary) -> None:
    """Index the records into `db`, also writing them to OUT/records.jsonl when `out` is given."""
    if out is not None:
        summary.records_path = out / RECORDS
        records = _tee(records, summary.records_path)
    with open_store(db, create=True) as store:
        summary.index = store.index_records(records)
        optimize = getattr(store, "optimize", None)
        if optimize is not None and summary.index.sentences:
            optimize()


def run_cli(
    sources: Annotated[list[Path], typer.Argument(metavar="SRC...", help="Files or folders to read.")],
    db: Annotated[
        str, typer.Option("--db", help="Store: a file path (SQLite) or postgresql://user:pass@host/db.")
    ] = "corpus.db",
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="DIR", help="Keep documents, manifest and records.jsonl here."),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option("--model", "-m", help="A saved pipeline folder or a .cfg (default: shipped)."),
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Documents per annotation batch.")] = 64,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude", help="Leave out files in folders whose names match this glob (repeatable)."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
    executor: Annotated[
        str, typer.Option("--executor", help="local (worker processes) or dask (a Dask cluster).")
    ] = "local",
    workers: Annotated[
        int | None, typer.Option("--workers", help="Annotation workers (default: one per CPU).")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", metavar="ADDR", help="Dask scheduler, e.g. tcp://host:8786 (dask only)."),
    ] = None,
) -> None:
    """Ingest, annotate and index in one go, then search the store with `vawg search`.

    Example: vawg run corpus/samples --db demo-out/corpus.db --out demo-out

    On a Dask cluster: vawg run cases/ --db corpus.db --out /shared/run1 --executor dask --scheduler tcp://head:8786
    """
    from pipeline.cli.index import summary_line

    summary = run(
        sources,
        db,
        out,
        model,
        batch_size,
        quiet,
        exclude,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
    )
    if summary.ingest_line:
        typer.echo(summary.ingest_line, err=True)
    if summary.annotate_line:
        typer.echo(summary.annotate_line, err=True)
    typer.echo(f"annotated {summary.documents} documents, {summary.mentions} mentions", err=True)
    if summary.records_path is not None:
        typer.echo(f"records in {summary.records_path}", err=True)
    if summary.failed:
        typer.echo(f"vawg: {len(summary.failed)} sources or documents failed (see messages above)", err=True)
    typer.echo(summary_line(summary.index, redact(db)))


def register(app: typer.Typer) -> None:
    app.command("run")(run_cli)
