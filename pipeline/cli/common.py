"""Options shared by several commands: the corpus filters of `vawg search` and `vawg report`."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline.store import Filters

MeasureOpt = Annotated[
    list[str] | None, typer.Option("--measure", help="Measure code, e.g. DVPO (repeatable).")
]
StatusOpt = Annotated[
    list[str] | None, typer.Option("--status", help="Status of that mention, e.g. breached.")
]
SignalOpt = Annotated[list[str] | None, typer.Option("--signal", help="Signal code on the sentence.")]
ForceOpt = Annotated[list[str] | None, typer.Option("--force", help="Police force (from record meta).")]
DateFromOpt = Annotated[str | None, typer.Option("--from", help="Documents dated on or after YYYY-MM-DD.")]
DateToOpt = Annotated[str | None, typer.Option("--to", help="Documents dated on or before YYYY-MM-DD.")]
DocTypeOpt = Annotated[list[str] | None, typer.Option("--type", help="Document type (from record meta).")]


def make_filters(
    measure: list[str] | None,
    status: list[str] | None,
    signal: list[str] | None,
    force: list[str] | None,
    date_from: str | None,
    date_to: str | None,
    doc_type: list[str] | None,
    doc_id: list[str] | None = None,
) -> Filters:
    """The store's `Filters` from the values of the shared options (None means no filter)."""
    return Filters(
        measure=tuple(measure or ()),
        status=tuple(status or ()),
        signal=tuple(signal or ()),
        force=tuple(force or ()),
        date_from=date_from,
        date_to=date_to,
        doc_type=tuple(doc_type or ()),
        doc_id=tuple(doc_id or ()),
    )
