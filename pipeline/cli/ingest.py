"""`vawg ingest`: read source files into documents.jsonl with a per-source manifest."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from pipeline.errors import UsageError

DEFAULT_WORKERS = max(1, min(os.cpu_count() or 1, 4))


def _passwords(passwords: list[str], passwords_file: Path | None) -> list[str]:
    found = list(passwords)
    if passwords_file is not None:
        try:
            lines = passwords_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise UsageError(
                f"cannot read --passwords-file {passwords_file}: {exc.strerror or exc}"
            ) from None
        found.extend(line.rstrip("\n") for line in lines if line.strip())
    return found


def ingest_cli(
    sources: Annotated[
        list[Path], typer.Argument(metavar="SRC...", help="Files or folders to read (folders recursively).")
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="DIR", help="Output folder for documents.jsonl and manifest.jsonl."
        ),
    ],
    password: Annotated[
        list[str] | None,
        typer.Option("--password", help="A password to try on encrypted files (repeatable)."),
    ] = None,
    passwords_file: Annotated[
        Path | None, typer.Option("--passwords-file", help="A file of passwords to try, one per line.")
    ] = None,
    no_ocr: Annotated[bool, typer.Option("--no-ocr", help="Do not OCR image-only pages.")] = False,
    ocr_dpi: Annotated[int, typer.Option("--ocr-dpi", help="Resolution for OCR rendering (72-600).")] = 300,
    text_column: Annotated[
        str | None,
        typer.Option("--text-column", help="CSV/XLSX column with the note text (default: detected)."),
    ] = None,
    id_column: Annotated[
        str | None, typer.Option("--id-column", help="CSV/XLSX column with a row id.")
    ] = None,
    group_by: Annotated[
        str | None,
        typer.Option(
            "--group-by", help="CSV/XLSX column whose rows form one case document (default: a case column)."
        ),
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds allowed per source.")] = 300.0,
    memory_mb: Annotated[int, typer.Option("--memory-mb", help="Memory allowed per source, in MB.")] = 2048,
    max_mb: Annotated[float, typer.Option("--max-mb", help="Larger files are not read (too_large).")] = 200.0,
    retry: Annotated[
        list[str] | None,
        typer.Option(
            "--retry", help="Read again sources with this status, e.g. timeout or encrypted (repeatable)."
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", "-j", help="Reader processes at once (default: CPU cores, at most 4).")
    ] = DEFAULT_WORKERS,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude", help="Leave out files in folders whose names match this glob (repeatable)."
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or per-file warnings.")
    ] = False,
) -> None:
    """Read PDFs, text, Word, RTF, HTML, CSV/XLSX exports, JSON lines and zips into documents.

    Each source gets an outcome (ok, ocr, encrypted, corrupt, empty, unsupported, too_large,
    timeout) in OUT/manifest.jsonl; documents go to OUT/documents.jsonl. Rerunning with the same
    OUT skips sources already done (by content), so an interrupted run simply resumes.

    Example: vawg ingest case-files/ exports/notes.xlsx --out run1 --password s3cret
    """
    from pipeline.batch.runner import ingest
    from pipeline.ingest.base import ReadOptions, Status

    statuses = {s.value for s in Status}
    for status in retry or []:
        if status not in statuses:
            raise UsageError(f"--retry {status}: not a status (use one of {', '.join(sorted(statuses))})")
    try:
        options = ReadOptions(
            passwords=_passwords(password or [], passwords_file),
            ocr=not no_ocr,
            ocr_dpi=ocr_dpi,
            text_column=text_column,
            id_column=id_column,
            group_by=group_by,
            max_bytes=int(max_mb * 2**20),
            timeout_s=timeout,
            memory_mb=memory_mb,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        summary = ingest(
            sources,
            out,
            options,
            progress=not quiet,
            retry=tuple(retry or []),
            workers=workers,
            skip=exclude or [],
        )
    except KeyboardInterrupt:
        typer.echo(f"vawg: interrupted; what is in {out} is kept: rerun the same command to resume", err=True)
        raise typer.Exit(130) from None
    for note in summary.repaired:
        typer.echo(f"vawg: resumed: {note}", err=True)
    typer.echo(summary.line())


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_cli)
