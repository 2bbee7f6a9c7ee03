"""`vawg export`: write annotated corpora in other formats."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

export_app = typer.Typer(help="Export annotated corpora.", no_args_is_help=True)


@export_app.command("datasets")
def datasets_cli(
    records: Annotated[Path, typer.Argument(help="Annotated records or sentence examples (JSONL).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write.")],
    fmt: Annotated[str, typer.Option("--format", help="both, datasets (save_to_disk) or parquet.")] = "both",
) -> None:
    """Export sentence-level signal examples as a Hugging Face `datasets` folder and/or Parquet.

    Example: vawg export datasets records.jsonl --out exports/signals
    """
    from pipeline.train.data import export_dataset

    result = export_dataset(records, out, fmt)
    typer.echo(f"{result['examples']} sentence examples written: {', '.join(result['written'])}")


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
