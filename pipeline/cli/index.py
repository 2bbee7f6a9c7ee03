"""`vawg index`: load annotated records (JSON lines) into a corpus store."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.errors import bad_jsonl, not_found
from pipeline.store import IndexStats, open_store
from pipeline.store.base import redact


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(path.rglob("*.jsonl"))
        elif path.is_file():
            out.append(path)
        else:
            raise not_found(path)
    return out


def _records(files: list[Path], stats: IndexStats) -> Iterator[dict[str, Any]]:
    """Records of each file; a bad line (torn, not JSON, not an object) is counted and skipped."""
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    obj = exc.msg
                if isinstance(obj, dict):
                    yield obj
                else:
                    stats.failed += 1
                    stats.errors.append(
                        str(bad_jsonl(path, n, obj if isinstance(obj, str) else "not an object"))
                    )


def index_files(paths: list[Path], db: str, batch_size: int = 200, progress: bool = False) -> IndexStats:
    """Index every record of the given JSON lines files (or folders of them) into `db`."""
    files = _files(paths)
    read_errors = IndexStats()

    def report(s: IndexStats) -> None:
        done = s.added + s.replaced + s.unchanged
        print(f"\rindexed {done} documents, {s.sentences} sentences", end="", file=sys.stderr, flush=True)

    with open_store(db, create=True) as store:
        stats = store.index_records(_records(files, read_errors), batch_size, report if progress else None)
        optimize = getattr(store, "optimize", None)
        if optimize is not None and stats.sentences:
            optimize()
    if progress:
        print(file=sys.stderr)
    stats.merge(read_errors)
    return stats


def summary_line(stats: IndexStats, db: str) -> str:
    return (
        f"{stats.added} added, {stats.replaced} replaced, {stats.unchanged} unchanged, "
        f"{stats.failed} failed; {stats.sentences} sentences, {stats.mentions} mentions, "
        f"{stats.signals} signals written to {redact(db)}"
        + (
            f" ({stats.dropped_spans} spans with bad offsets or labels skipped)"
            if stats.dropped_spans
            else ""
        )
    )


def index_cli(
    records: Annotated[
        list[Path], typer.Argument(metavar="RECORDS.jsonl...", help="Record files, or folders of *.jsonl.")
    ],
    db: Annotated[
        str, typer.Option("--db", help="Store: a file path (SQLite) or postgresql://user:pass@host/db.")
    ] = "corpus.db",
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Documents per transaction.")] = 200,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress line.")] = False,
) -> None:
    """Add annotated records to a corpus store (created if missing).

    Re-indexing a document id replaces it, unchanged records are skipped, and each batch is one
    transaction, so an interrupted run leaves the store consistent; just run it again.

    Example: vawg index run1/records.jsonl --db corpus.db
    """
    stats = index_files(records, db, batch_size, progress=not quiet and sys.stderr.isatty())
    for error in stats.errors[:10]:
        typer.echo(f"vawg: skipped: {error}", err=True)
    typer.echo(summary_line(stats, db))


def register(app: typer.Typer) -> None:
    app.command("index")(index_cli)
