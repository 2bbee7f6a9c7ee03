"""`vawg annotate`: documents in, annotated records (JSON lines) out.

Inputs are anything `vawg ingest` reads (files or folders of PDF, text, Word, HTML, CSV/XLSX,
JSON lines of {"id", "text", ...} or full records, or a `documents.jsonl` written by
`vawg ingest`). Ids are kept; other input keys go to `meta`; pages and meta of full records
are kept and their entities and signals recomputed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.errors import UsageError, not_found
from pipeline.records import Document, write_jsonl_atomic

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_BATCH = 64


@dataclass
class AnnotateSummary:
    """What one run did."""

    documents: int = 0
    entities: int = 0
    failed_sources: list[str] = field(default_factory=list)
    failed_documents: list[str] = field(default_factory=list)


def read_documents(inputs: Sequence[Path], summary: AnnotateSummary) -> Iterator[Document]:
    """Documents from every input; unreadable sources are counted and reported, never raised."""
    from pipeline.ingest.api import Outcome, iter_documents, warn
    from pipeline.ingest.base import ReadOptions

    def note(outcome: Outcome) -> None:
        if not outcome.ok:
            summary.failed_sources.append(outcome.source)
            warn(outcome)

    yield from iter_documents(list(inputs), ReadOptions(), on_outcome=note)


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def annotate_documents(
    nlp: Language,
    docs: Iterable[Document],
    batch_size: int = DEFAULT_BATCH,
    summary: AnnotateSummary | None = None,
) -> Iterator[dict[str, Any]]:
    """One record per document, in input order.

    A batch that fails is redone one document at a time; a document that still fails
    gets a record with no entities or signals and `meta.annotate_error`.
    """
    from pipeline.nlp.convert import doc_to_record, model_meta

    summary = summary if summary is not None else AnnotateSummary()
    model = model_meta(nlp)
    for batch in _batches(docs, batch_size):
        longest = max(len(d.text) for d in batch)
        if longest >= nlp.max_length:
            nlp.max_length = longest + 1
        try:
            records = [
                doc_to_record(sdoc, src)
                for sdoc, src in zip(
                    nlp.pipe([d.text for d in batch], batch_size=batch_size), batch, strict=True
                )
            ]
        except Exception:  # noqa: BLE001 - one bad document must not stop the run
            records = [_one(nlp, d, summary) for d in batch]
        for rec in records:
            rec["meta"]["model"] = model
            summary.documents += 1
            summary.entities += len(rec["entities"])
            yield rec


def _one(nlp: Language, document: Document, summary: AnnotateSummary) -> dict[str, Any]:
    from pipeline.nlp.convert import doc_to_record

    try:
        return doc_to_record(nlp(document.text), document)
    except Exception as exc:  # noqa: BLE001
        summary.failed_documents.append(document.id)
        record = document.to_record()
        record["meta"] = {**record["meta"], "annotate_error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
        return record


def annotate(
    inputs: Sequence[Path],
    out: Path,
    model: str | Path | None = None,
    batch_size: int = DEFAULT_BATCH,
    *,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    redact: bool = False,
    key_file: Path | None = None,
    keep_district: bool = False,
) -> AnnotateSummary:
    """Annotate every document under `inputs` and write the records to `out` atomically.

    With an `executor` ("local" worker processes or "dask") batches go to workers that commit
    record shards to OUT.shards/ (a rerun after a crash resumes there); the shards are then
    merged into `out` and removed. Without one, everything runs in this process.

    With `redact` (or a `key_file`) the written records are then pseudonymised in place
    (pipeline.privacy): measures, statuses and signals are those of the original text, at
    remapped offsets.
    """
    summary = _annotate(inputs, out, model, batch_size, executor, workers, scheduler)
    if redact or key_file is not None:
        from pipeline.cli.privacy import redact_file

        redact_file(out, out, key_file, keep_district)
    return summary


def _annotate(
    inputs: Sequence[Path],
    out: Path,
    model: str | Path | None,
    batch_size: int,
    executor: str | None,
    workers: int | None,
    scheduler: str | None,
) -> AnnotateSummary:
    for path in inputs:
        if not path.exists():
            raise not_found(path)
    if batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1, got {batch_size}")
    if executor is not None:
        from pipeline.batch.distribute import annotate_file

        summary = AnnotateSummary()
        annotate_file(
            read_documents(inputs, summary), out, summary, executor=executor, workers=workers,
            scheduler=scheduler, model=model, batch_size=batch_size,
        )
        return summary
    import pipeline

    nlp = pipeline.load(model)
    summary = AnnotateSummary()
    write_jsonl_atomic(out, annotate_documents(nlp, read_documents(inputs, summary), batch_size, summary))
    return summary


def annotate_cli(
    inputs: Annotated[
        list[Path], typer.Argument(metavar="INPUT...", help="Files or folders, or JSON lines of {id, text}.")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="OUT.jsonl", help="Where to write the records.")
    ],
    model: Annotated[
        Path | None,
        typer.Option("--model", "-m", help="A saved pipeline folder or a .cfg (default: shipped)."),
    ] = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", help="Documents per nlp.pipe batch.")
    ] = DEFAULT_BATCH,
    executor: Annotated[
        str, typer.Option("--executor", help="local (worker processes) or dask (a Dask cluster).")
    ] = "local",
    workers: Annotated[
        int | None, typer.Option("--workers", help="Worker processes (default: one per CPU).")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", metavar="ADDR", help="Dask scheduler, e.g. tcp://host:8786 (dask only)."),
    ] = None,
    redact: Annotated[
        bool, typer.Option("--redact", help="Pseudonymise personal data in the records (offsets remapped).")
    ] = False,
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="With --redact: key for corpus-wide pseudonyms.")
    ] = None,
    keep_district: Annotated[
        bool, typer.Option("--keep-district", help="With --redact: keep postcode districts.")
    ] = False,
) -> None:
    """Tag measure mentions, their status and missed-opportunity signals; one record per document.

    Example: vawg annotate notes.jsonl reports/ --out annotated.jsonl --workers 4

    Example: vawg annotate notes.jsonl --out shareable.jsonl --redact --key-file study.key
    """
    summary = annotate(
        inputs, out, model, batch_size, executor=executor, workers=workers, scheduler=scheduler,
        redact=redact, key_file=key_file, keep_district=keep_district,
    )
    failed = len(summary.failed_sources) + len(summary.failed_documents)
    typer.echo(
        f"annotated {summary.documents} documents, {summary.entities} mentions -> {out}"
        + (f" ({failed} inputs failed)" if failed else ""),
        err=True,
    )
    if summary.documents == 0 and summary.failed_sources:
        sys.exit(3)


def register(app: typer.Typer) -> None:
    app.command("annotate")(annotate_cli)
