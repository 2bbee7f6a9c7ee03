"""`vawg generate`: write generated case-note and report sentences with labels."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.errors import UsageError


def generate_file(out: Path, n: int, seed: int, p_negative: float = 0.55) -> dict[str, Any]:
    """Write `n` generated records to `out`; return counts."""
    from pipeline.records import write_jsonl_atomic
    from pipeline.train.generate import generate

    if n < 0 or not 0.0 <= p_negative <= 1.0:
        raise UsageError("--n must be >= 0 and --negative between 0 and 1")
    rows = list(generate(n, seed=seed, p_negative=p_negative))
    write_jsonl_atomic(out, rows)
    with_signal = sum(1 for r in rows if r["signals"])
    return {"records": len(rows), "with_signals": with_signal, "out": str(out)}


def generate_cli(
    out: Annotated[Path, typer.Option("--out", help="JSON lines file to write.")],
    n: Annotated[int, typer.Option("--n", help="Number of records.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same output).")] = 0,
    negative: Annotated[float, typer.Option("--negative", help="Share of records with no signal.")] = 0.55,
) -> None:
    """Generate labelled sentences (signals, measure mentions and statuses) from corpus/templates.

    Example: vawg generate --n 5000 --seed 1 --out generated.jsonl
    """
    result = generate_file(out, n, seed, negative)
    typer.echo(f"{result['records']} records ({result['with_signals']} with signals) written to {out}")


def register(app: typer.Typer) -> None:
    app.command("generate")(generate_cli)
