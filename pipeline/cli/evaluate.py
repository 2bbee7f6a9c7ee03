"""`vawg evaluate`: score models or prediction files against a gold JSON lines file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.errors import UsageError, not_found
from pipeline.records import Document, read_jsonl

DEFAULT_MODEL = "default"


def _unique(name: str, taken: dict[str, Any]) -> str:
    out, n = name, 2
    while out in taken:
        out, n = f"{name}#{n}", n + 1
    return out


def predict_with(model: str | Path | None, gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Annotate the gold texts (same ids) with a pipeline."""
    import pipeline
    from pipeline.cli.annotate import annotate_documents

    nlp = pipeline.load(model)
    docs = (Document(id=str(r["id"]), text=str(r.get("text", ""))) for r in gold)
    return list(annotate_documents(nlp, docs))


def evaluate_files(
    gold_path: Path,
    models: list[Path] | None = None,
    preds: list[Path] | None = None,
    min_score: float = 0.0,
) -> dict[str, dict[str, Any]]:
    """Results keyed by model or prediction-file name (the default model when neither is given)."""
    from pipeline.train.evaluate import evaluate

    for path in [gold_path, *(models or []), *(preds or [])]:
        if not path.exists():
            raise not_found(path)
    if not 0.0 <= min_score <= 1.0:
        raise UsageError(f"--min-score must be between 0 and 1, got {min_score}")
    gold = list(read_jsonl(gold_path))
    results: dict[str, dict[str, Any]] = {}
    for model in models or []:
        results[_unique(model.name or str(model), results)] = evaluate(
            gold, predict_with(model, gold), min_score
        )
    for pred in preds or []:
        results[_unique(pred.stem, results)] = evaluate(gold, read_jsonl(pred), min_score)
    if not results:
        results[DEFAULT_MODEL] = evaluate(gold, predict_with(None, gold), min_score)
    return results


def evaluate_cli(
    gold: Annotated[Path, typer.Argument(metavar="GOLD.jsonl", help="Gold records (record.schema.json).")],
    model: Annotated[
        list[Path] | None,
        typer.Option("--model", "-m", help="A pipeline to run on the gold texts (repeatable)."),
    ] = None,
    pred: Annotated[
        list[Path] | None, typer.Option("--pred", "-p", help="A file of predicted records (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    min_score: Annotated[float, typer.Option("--min-score", help="Ignore signals scored below this.")] = 0.0,
) -> None:
    """Entity P/R/F1 (strict and overlap), status accuracy and confusion, signal P/R/F1 per label.

    Several --model / --pred are compared side by side. With neither, the default pipeline runs.
    Example: vawg evaluate corpus/gold/gold.jsonl --pred run1.jsonl --pred run2.jsonl
    """
    from pipeline.train.evaluate import format_comparison

    results = evaluate_files(gold, model, pred, min_score)
    if as_json:
        payload: Any = next(iter(results.values())) if len(results) == 1 else results
        typer.echo(json.dumps(payload, indent=1))
    else:
        typer.echo(format_comparison(results))


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_cli)
