"""`vawg privacy`: pseudonymise records, make keys, generate data, train and evaluate the finder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.errors import UsageError, not_found

privacy_app = typer.Typer(help="Find and pseudonymise personal data.", no_args_is_help=True)

KeyFile = Annotated[
    Path | None,
    typer.Option(
        "--key-file", help="Secret key (from `vawg privacy keygen`): same pseudonyms across a corpus."
    ),
]
KeepDistrict = Annotated[
    bool, typer.Option("--keep-district", help="Keep the postcode district (LS6) instead of a pseudonym.")
]


def redact_file(src: Path, out: Path, key_file: Path | None = None, keep_district: bool = False) -> int:
    """Pseudonymise every record of a JSON-lines file into `out`; returns the count."""
    from pipeline.privacy.redact import RedactOptions, Redactor
    from pipeline.records import read_jsonl, write_jsonl_atomic

    if not src.is_file():
        raise not_found(src)
    redactor = Redactor(RedactOptions.from_key_file(key_file, keep_district))
    return write_jsonl_atomic(out, (redactor.redact(r) for r in read_jsonl(src)))


def redacted_copy(src: Path, key_file: Path | None = None, keep_district: bool = False) -> Path:
    """A pseudonymised copy of a records file in a temporary folder removed at exit."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="vawg-redacted-"))
    atexit.register(shutil.rmtree, folder, True)
    out = folder / src.name
    redact_file(src, out, key_file, keep_district)
    return out


@privacy_app.command("redact")
def redact_cli(
    records: Annotated[Path, typer.Argument(help="Annotated records (JSONL).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the pseudonymised records.")],
    key_file: KeyFile = None,
    keep_district: KeepDistrict = False,
) -> None:
    """Pseudonymise names, addresses, phones, DOBs and references in records; offsets stay valid.

    Example: vawg privacy redact annotated.jsonl --out shareable.jsonl --key-file study.key
    """
    n = redact_file(records, out, key_file, keep_district)
    typer.echo(f"pseudonymised {n} records -> {out}")


@privacy_app.command("keygen")
def keygen_cli(path: Annotated[Path, typer.Argument(help="Key file to create (never overwritten).")]) -> None:
    """Create a random key for corpus-wide pseudonyms; keep it secret and out of the exports.

    Example: vawg privacy keygen ~/keys/study.key
    """
    from pipeline.privacy.pseudonym import write_key

    typer.echo(f"wrote {write_key(path)} (mode 600)")


@privacy_app.command("generate")
def generate_cli(
    out: Annotated[Path, typer.Option("--out", "-o", help="JSONL to write.")],
    split: Annotated[str, typer.Option("--split", help="train or eval.")] = "eval",
    n: Annotated[int, typer.Option("--n", min=1, help="Sentences.")] = 600,
    seed: Annotated[int, typer.Option("--seed")] = 0,
) -> None:
    """Write generated case-note sentences with gold personal-data spans.

    Example: vawg privacy generate --split eval --n 600 --out pii-eval.jsonl
    """
    from pipeline.train.pii_generate import write

    typer.echo(f"wrote {write(split, n, out, seed)} {split} sentences -> {out}")


@privacy_app.command("train")
def train_cli(
    out: Annotated[Path, typer.Option("--out", "-o", help="Model folder.")] = Path("models/personal_data"),
    n: Annotated[int, typer.Option("--n", min=10, help="Generated training sentences.")] = 3000,
    epochs: Annotated[int, typer.Option("--epochs", min=1)] = 12,
    seed: Annotated[int, typer.Option("--seed")] = 0,
) -> None:
    """Train the name NER on generated training sentences (takes about two minutes).

    Example: vawg privacy train --out models/personal_data
    """
    from pipeline.privacy.train_ner import train

    typer.echo(str(train(out, n, epochs, seed)))


def evaluate_finder(n: int = 600, seed: int = 0, model: Path | None = None) -> dict[str, Any]:
    """Per-type P/R of the finder on the generated evaluation split."""
    from pipeline.privacy.evaluate import evaluate

    if model is not None and not model.exists():
        raise not_found(model)
    if n < 1:
        raise UsageError("--n must be at least 1")
    return evaluate(n, seed, str(model) if model else None)


@privacy_app.command("evaluate")
def evaluate_cli(
    n: Annotated[int, typer.Option("--n", help="Evaluation sentences to generate.")] = 600,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    model: Annotated[Path | None, typer.Option("--model", help="Name NER folder (default: shipped).")] = None,
) -> None:
    """Score personal-data finding per type on generated evaluation sentences (unseen templates
    and names), and count gold name words that survive redaction.

    Example: vawg privacy evaluate --n 600
    """
    from pipeline.privacy.evaluate import format_table

    typer.echo(format_table(evaluate_finder(n, seed, model)))


def precompute_plans(db: str, key_file: Path | None = None, keep_district: bool = False) -> tuple[int, int]:
    """Find and keep every stored document's pseudonymisation plan: (found now, documents)."""
    from pipeline.privacy.plans import precompute
    from pipeline.privacy.redact import RedactOptions, Redactor
    from pipeline.store import open_store

    redactor = Redactor(RedactOptions.from_key_file(key_file, keep_district))
    with open_store(db) as store:
        return precompute(store, redactor)


@privacy_app.command("plans")
def plans_cli(
    db: Annotated[str, typer.Option("--db", help="Store: a file path or postgresql://...")] = "corpus.db",
    key_file: KeyFile = None,
    keep_district: KeepDistrict = False,
) -> None:
    """Find personal data in every stored document once, ahead of `vawg serve --redact` (use the
    same --key-file), so no page waits for a large document; unchanged documents are skipped.

    Example: vawg privacy plans --db corpus.db --key-file study.key
    """
    made, total = precompute_plans(db, key_file, keep_district)
    typer.echo(f"{made} plans found, {total - made} already kept ({total} documents)")


def register(app: typer.Typer) -> None:
    app.add_typer(privacy_app, name="privacy")
