"""`vawg import`: corrected annotations from Label Studio, Prodigy or spaCy DocBin back into records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.train.interchange.common import ImportReport

import_app = typer.Typer(help="Import corrected annotations as records.", no_args_is_help=True)

OutOpt = Annotated[Path, typer.Option("--out", help="Records (JSONL) to write, e.g. corpus/gold/NAME.jsonl.")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Write nothing if any annotation is bad.")]
ProblemsOpt = Annotated[Path | None, typer.Option("--problems", help="Write all problem lines here.")]
SHOWN = 40


def run_import(fmt: str, path: Path, out: Path, strict: bool, problems: Path | None) -> ImportReport:
    """Import one file and print the summary plus the problem lines (the first few on screen)."""
    from pipeline.train.interchange.files import import_annotations

    report = import_annotations(fmt, path, out, strict, problems)
    typer.echo(report.summary())
    lines = report.lines()
    for line in lines[:SHOWN]:
        typer.echo(f"  {line}", err=True)
    if len(lines) > SHOWN:
        typer.echo(f"  ... {len(lines) - SHOWN} more (use --problems FILE to keep them all)", err=True)
    typer.echo(f"records written to {out}")
    return report


@import_app.command("labelstudio")
def labelstudio_cli(
    export: Annotated[Path, typer.Argument(help="Label Studio JSON export (a list of tasks).")],
    out: OutOpt, strict: StrictOpt = False, problems: ProblemsOpt = None,
) -> None:
    """Read a Label Studio JSON export into records: mentions with statuses, signals on sentences.

    Who annotated and when go to meta.annotation; conflicting annotators, cancelled tasks and
    malformed regions are listed, never dropped silently.
    Example: vawg import labelstudio export.json --out corpus/gold/round1.jsonl
    """
    run_import("labelstudio", export, out, strict, problems)


@import_app.command("prodigy")
def prodigy_cli(
    answers: Annotated[Path, typer.Argument(help="Prodigy answers (JSONL from db-out).")],
    out: OutOpt, strict: StrictOpt = False, problems: ProblemsOpt = None,
) -> None:
    """Read Prodigy answers to tasks written by `vawg export prodigy` into records.

    Example: prodigy db-out vawg_round1 > answers.jsonl && vawg import prodigy answers.jsonl --out gold.jsonl
    """
    run_import("prodigy", answers, out, strict, problems)


@import_app.command("docbin")
def docbin_cli(
    docbin: Annotated[Path, typer.Argument(help="spaCy DocBin file (.spacy).")],
    out: OutOpt, strict: StrictOpt = False, problems: ProblemsOpt = None,
) -> None:
    """Read a spaCy DocBin (ents with _.status, doc.spans["signals"], cats) into records.

    Example: vawg import docbin corrected.spacy --out corpus/gold/round1.jsonl
    """
    run_import("docbin", docbin, out, strict, problems)


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
