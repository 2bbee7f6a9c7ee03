"""`vawg train`: retrain the signal classifier, its baseline and the status back-up; weak-label; compare."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.errors import UsageError, not_found

train_app = typer.Typer(help="Train and compare the signal and status classifiers.", no_args_is_help=True)

DataOpt = Annotated[list[Path] | None, typer.Option("--data", help="Extra records or examples (JSONL).")]
NGenOpt = Annotated[int, typer.Option("--n-generated", help="Generated records to add (0 for none).")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed for generation and the split.")]
GoldOpt = Annotated[bool, typer.Option("--gold/--no-gold", help="Add the gold train split (never heldout).")]
GoldWOpt = Annotated[int, typer.Option("--gold-weight", help="Times each gold train sentence is repeated.")]


def _opts(data: list[Path] | None, n_generated: int, seed: int, gold: bool, gold_weight: int) -> Any:
    from pipeline.train.train_signals import DataOptions

    if n_generated < 0 or gold_weight < 1:
        raise UsageError("--n-generated must be >= 0 and --gold-weight >= 1")
    return DataOptions(n_generated=n_generated, seed=seed, gold=gold, gold_weight=gold_weight,
                       extra=list(data or []))


def _summary(result: dict[str, Any]) -> None:
    counts = result.get("train_label_counts", {})
    typer.echo(f"model written to {result['out']} ({result['train_examples']} train / "
               f"{result['validation_examples']} validation sentences, {result['seconds']} s)")
    typer.echo("train sentences per label: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    typer.echo("thresholds: " + ", ".join(f"{k}={v}" for k, v in result["thresholds"].items()))


@train_app.command("signals")
def signals_cli(
    out: Annotated[Path, typer.Option("--out", help="Model folder to write.")] = Path("models/signals"),
    config: Annotated[Path, typer.Option("--config", help="spaCy config.")] = Path("configs/signals.cfg"),
    data: DataOpt = None,
    n_generated: NGenOpt = 20000,
    seed: SeedOpt = 0,
    gold: GoldOpt = True,
    gold_weight: GoldWOpt = 3,
    max_steps: Annotated[int, typer.Option("--max-steps", help="Override training.max_steps.")] = 0,
    markers: Annotated[bool, typer.Option("--markers/--no-markers", help="Prefix mention markers.")] = False,
) -> None:
    """Train the spaCy signal classifier (wraps `spacy train`), pick thresholds, write a model folder.

    Example (the shipped model): vawg train signals --markers --n-generated 20000 --seed 0
    --gold-weight 5 --out models/signals
    """
    from pipeline.train.train_signals import train_spacy

    overrides: dict[str, Any] = {}
    if max_steps:
        overrides["training.max_steps"] = max_steps
    opts = _opts(data, n_generated, seed, gold, gold_weight)
    opts.markers = markers
    _summary(train_spacy(out, opts, config, overrides))


@train_app.command("baseline")
def baseline_cli(
    out: Annotated[Path, typer.Option("--out", help="Model folder.")] = Path("models/signals-baseline"),
    data: DataOpt = None,
    n_generated: NGenOpt = 20000,
    seed: SeedOpt = 0,
    gold: GoldOpt = True,
    gold_weight: GoldWOpt = 3,
) -> None:
    """Train the TF-IDF + logistic regression baseline on the same data and split.

    Example: vawg train baseline --n-generated 20000 --seed 0 --out models/signals-baseline
    """
    from pipeline.train.train_signals import train_baseline

    _summary(train_baseline(out, _opts(data, n_generated, seed, gold, gold_weight)))


@train_app.command("status")
def status_cli(
    out: Annotated[Path, typer.Option("--out", help="Model folder to write.")] = Path("models/status"),
    data: Annotated[list[Path] | None, typer.Option("--data", help="Extra gold (.md or JSONL).")] = None,
    n_generated: NGenOpt = 8000,
    seed: SeedOpt = 0,
    gold: GoldOpt = True,
    gold_weight: Annotated[int, typer.Option("--gold-weight", help="Repeats of each gold mention.")] = 2,
    epochs: Annotated[int, typer.Option("--epochs", help="Passes over the training mentions.")] = 8,
    threshold: Annotated[float, typer.Option("--threshold", help="Probability to override the rules.")] = 0.3,
    used_weight: Annotated[float, typer.Option(
        "--used-weight", help="Factor on the 'used' probability before the top class is picked.")] = 0.5,
    seeds: Annotated[int, typer.Option(
        "--seeds", help="Models trained (seeds --seed, --seed+1, ...) whose weights are averaged.")] = 3,
) -> None:
    """Train the status back-up classifier that may override the status rules (vawg_status_model).

    Example (the shipped model): vawg train status --n-generated 8000 --seed 0 --seeds 3 --gold-weight 2
    --threshold 0.3 --used-weight 0.5 --out models/status
    """
    from pipeline.train.train_status import StatusTrainOptions, train_status

    if n_generated < 0 or gold_weight < 1 or epochs < 1 or not 0 < threshold <= 1 or used_weight <= 0 \
            or seeds < 1:
        raise UsageError("--n-generated >= 0, --gold-weight >= 1, --epochs >= 1, 0 < --threshold <= 1, "
                         "--used-weight > 0, --seeds >= 1")
    opts = StatusTrainOptions(
        n_generated=n_generated, seed=seed, gold=gold, gold_weight=gold_weight, epochs=epochs,
        threshold=threshold, used_weight=used_weight, seeds=seeds, extra=list(data or []),
    )
    summary = train_status(out, opts)
    typer.echo(f"model written to {summary['out']} ({summary['hand_mentions']} gold mentions x{gold_weight}, "
               f"{summary['generated_mentions']} generated, {summary['seconds']} s)")
    typer.echo("rules agree with generated labels on "
               f"{summary['rules_agree_on_generated']}; status counts: "
               + ", ".join(f"{k}={v}" for k, v in sorted(summary["status_counts"].items())))


def weak_label_file(path: Path, out: Path | None, mentions: bool = True) -> tuple[str, int]:
    """Weak-label the sentences of a records / examples file; return the report and count."""
    from pipeline.train.data import examples_from_file, write_examples
    from pipeline.train.weak import format_report, weak_label_examples

    if not path.exists():
        raise not_found(path)
    rows = examples_from_file(path, mentions=mentions)
    labelled, stats = weak_label_examples(rows)
    if out is not None:
        write_examples(out, labelled)
    return format_report(stats, len(rows)), len(rows)


@train_app.command("weak-label")
def weak_label_cli(
    input: Annotated[Path, typer.Argument(help="Records or sentence examples (JSONL).")],
    out: Annotated[Path | None, typer.Option("--out", help="Write weakly labelled examples here.")] = None,
    mentions: Annotated[bool, typer.Option("--mentions/--no-mentions",
                                           help="Tag mentions where a record has none.")] = True,
) -> None:
    """Apply the labelling functions and print each one's coverage, overlap, conflicts (and precision
    where the input already has labels).

    Example: vawg train weak-label corpus/unlabelled.jsonl --out weak.jsonl
    """
    report, n = weak_label_file(input, out, mentions)
    typer.echo(f"{n} sentences")
    typer.echo(report)


def compare_models(gold: Path, models: list[Path], pred_dir: Path | None = None) -> dict[str, Any]:
    """Record-level signal scores of each model folder on one gold file."""
    from pipeline.records import read_jsonl, write_jsonl_atomic
    from pipeline.train.signal_eval import load_model, predict_records, score_signals

    if not gold.exists():
        raise not_found(gold)
    records = list(read_jsonl(gold))
    results: dict[str, Any] = {}
    for path in models:
        name = path.name if path.name not in results else str(path)
        preds = predict_records(load_model(path), records)
        if pred_dir is not None:
            write_jsonl_atomic(pred_dir / f"{path.name}.jsonl", preds)
        results[name] = score_signals(records, preds)
    return results


@train_app.command("compare")
def compare_cli(
    gold: Annotated[Path, typer.Argument(help="Gold records (JSONL) with signals.")],
    model: Annotated[list[Path], typer.Option("--model", help="A signal model folder (repeat).")],
    pred_dir: Annotated[Path | None, typer.Option("--pred-dir", help="Write predictions here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Compare signal models (spaCy or baseline folders) side by side on one gold file.

    Example: vawg train compare gold.jsonl --model models/signals --model models/signals-baseline
    """
    from pipeline.train.signal_eval import format_comparison

    results = compare_models(gold, model, pred_dir)
    typer.echo(json.dumps(results, indent=1) if as_json else format_comparison(results))


def register(app: typer.Typer) -> None:
    app.add_typer(train_app, name="train")
