"""`vawg select`: pick the sentences most worth correcting in the next annotation round."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.errors import not_found


def select_sentences(sources: list[Path], model: Path, n: int = 200, strategy: str = "uncertainty",
                     per_doc: int = 3, seed: int = 0, out: Path | None = None,
                     labelstudio: Path | None = None, prodigy: Path | None = None) -> dict[str, Any]:
    """Select sentences from the sources and write them as records and/or annotation tasks."""
    from pipeline.cli.annotate import AnnotateSummary, read_documents
    from pipeline.records import write_jsonl_atomic
    from pipeline.train.select import load_scorer, select

    for path in sources:
        if not path.exists():
            raise not_found(path)
    scorer = load_scorer(model)
    read = AnnotateSummary()
    records, summary = select(read_documents(sources, read), scorer, n, strategy, per_doc, seed)
    summary["unreadable_sources"] = len(read.failed_sources)
    written = []
    if out is not None:
        write_jsonl_atomic(out, records)
        written.append(str(out))
    if labelstudio is not None:
        from pipeline.train.interchange.labelstudio import write_tasks as ls_tasks

        ls_tasks(records, labelstudio, model_version=model.name or "vawg")
        written.append(str(labelstudio))
    if prodigy is not None:
        from pipeline.train.interchange.prodigy import write_tasks as pg_tasks

        pg_tasks(records, prodigy)
        written.append(str(prodigy))
    summary["written"] = written
    return summary


def select_cli(
    sources: Annotated[list[Path], typer.Argument(help="Documents or records: files, folders, JSONL.")],
    model: Annotated[Path, typer.Option("--model", help="Signal model folder or full pipeline.")],
    n: Annotated[int, typer.Option("--n", help="How many sentences to pick.")] = 200,
    strategy: Annotated[str, typer.Option(help="uncertainty, disagreement or random.")] = "uncertainty",
    per_doc: Annotated[int, typer.Option("--per-doc", help="Cap per document (0: none).")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Seed for ties and the random strategy.")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Selected sentence records (JSONL).")] = None,
    labelstudio: Annotated[Path | None, typer.Option(help="Write Label Studio tasks here.")] = None,
    prodigy: Annotated[Path | None, typer.Option("--prodigy", help="Write Prodigy tasks (JSONL).")] = None,
) -> None:
    """Pick sentences for the next round: signal scores nearest their thresholds (uncertainty),
    rules against the model (disagreement), or a seeded random sample; spread across documents.

    Example: vawg select --model models/signals --n 200 --strategy disagreement cases/ --out next.jsonl
    """
    from pipeline.errors import UsageError

    if out is None and labelstudio is None and prodigy is None:
        raise UsageError("give --out, --labelstudio and/or --prodigy")
    s = select_sentences(sources, model, n, strategy, per_doc, seed, out, labelstudio, prodigy)
    typer.echo(f"{s['selected']} sentences from {s['documents_used']} of {s['documents']} documents "
               f"({s['sentences']} sentences scored, strategy {s['strategy']}, seed {s['seed']}); "
               f"written: {', '.join(s['written'])}")


def register(app: typer.Typer) -> None:
    app.command("select")(select_cli)
