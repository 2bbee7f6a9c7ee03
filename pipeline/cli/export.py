"""`vawg export`: write annotated corpora in other formats."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

export_app = typer.Typer(help="Export annotated corpora.", no_args_is_help=True)
_redaction: dict[str, Any] = {}  # set by --redact / --key-file before any subcommand


@export_app.callback()
def export_options(
    redact: Annotated[
        bool, typer.Option("--redact", help="Pseudonymise personal data first: vawg export --redact CMD ...")
    ] = False,
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="With --redact: key for corpus-wide pseudonyms.")
    ] = None,
    keep_district: Annotated[bool, typer.Option("--keep-district", help="Keep postcode districts.")] = False,
) -> None:
    """Export annotated corpora (with --redact: pseudonymised first, offsets remapped)."""
    _redaction.clear()
    if redact or key_file is not None:
        _redaction.update(key_file=key_file, keep_district=keep_district)


def _input(records: Path) -> Path:
    """The records to export: a pseudonymised temporary copy when --redact was given."""
    if not _redaction or not records.is_file():
        return records
    from pipeline.cli.privacy import redacted_copy

    return redacted_copy(records, _redaction["key_file"], _redaction["keep_district"])


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

    result = export_dataset(_input(records), out, fmt)
    typer.echo(f"{result['examples']} sentence examples written: {', '.join(result['written'])}")


# -- annotation tools (pipeline/train/interchange) -------------------------------------------
def _export_for_tool(fmt: str, records: Path | None, out: Path | None, model_version: str) -> None:
    from pipeline.errors import UsageError
    from pipeline.train.interchange.files import export_records, read_records

    if records is None or out is None:
        raise UsageError("give RECORDS.jsonl and --out")
    result = export_records(fmt, read_records(_input(records)), out, model_version)
    typer.echo(f"{result['records']} records -> {result['tasks']} {fmt} tasks in {out}")
    for line in result["problems"]:
        typer.echo(f"  {line}", err=True)


ToolRecords = Annotated[Path | None, typer.Argument(help="Annotated records (JSONL), from vawg annotate.")]
ToolOut = Annotated[Path | None, typer.Option("--out", help="File to write.")]
ModelVersion = Annotated[str, typer.Option("--model-version", help="Name shown on the pre-annotations.")]


@export_app.command("labelstudio")
def labelstudio_cli(
    records: ToolRecords = None,
    out: ToolOut = None,
    config: Annotated[bool, typer.Option("--config", help="Print the labelling configuration XML.")] = False,
    model_version: ModelVersion = "vawg",
) -> None:
    """Write Label Studio tasks with the model's mentions, statuses and signals as predictions.

    Example: vawg export labelstudio --config > config.xml
    Example: vawg export labelstudio recs.jsonl --out tasks.json
    """
    if config:
        from pipeline.train.interchange.labelstudio import labelling_config

        typer.echo(labelling_config(), nl=False)
        if records is None:
            return
    _export_for_tool("labelstudio", records, out, model_version)


@export_app.command("prodigy")
def prodigy_cli(records: ToolRecords = None, out: ToolOut = None) -> None:
    """Write Prodigy tasks (one per sentence: spans MEASURE/status, options + accept for signals).

    Example: vawg export prodigy recs.jsonl --out tasks.jsonl
    """
    _export_for_tool("prodigy", records, out, "vawg")


@export_app.command("docbin")
def docbin_cli(records: ToolRecords = None, out: ToolOut = None) -> None:
    """Write a spaCy DocBin (.spacy): ents with _.status, doc.spans["signals"], cats.

    Example: vawg export docbin recs.jsonl --out corpus.spacy
    """
    _export_for_tool("docbin", records, out, "vawg")

def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
