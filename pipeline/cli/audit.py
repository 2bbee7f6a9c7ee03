"""`vawg audit`: read the web app's audit log (who searched for what, opened which document, when)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from pipeline.web import audit as audit_log
from pipeline.web.db import connect


class Format(StrEnum):
    table = "table"
    json = "json"


def read_audit(db: str, user: str | None = None, action: str | None = None, limit: int = 100) -> list[dict]:
    """The newest `limit` entries (optionally of one user or action), oldest first."""
    with connect(db) as store:
        rows = audit_log.entries(store, user, action, limit)
    return [r.as_dict() for r in reversed(rows)]


def audit_cli(
    db: Annotated[str, typer.Option("--db", help="Store: a file path or postgresql://...")] = "corpus.db",
    user: Annotated[str | None, typer.Option("--user", help="Only this user's entries.")] = None,
    action: Annotated[
        str | None, typer.Option("--action", help="Only this action (login, search, document, export, ...).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Newest entries to show.")] = 100,
    fmt: Annotated[
        Format, typer.Option("--format", help="table or json (one object per line).")
    ] = Format.table,
) -> None:
    """Print the audit log of the web app, oldest of the selected entries first.

    Example: vawg audit --db corpus.db --user alice --action document --limit 50
    """
    rows = read_audit(db, user, action, limit)
    for row in rows:
        if fmt is Format.json:
            typer.echo(json.dumps(row, ensure_ascii=False))
        else:
            detail = " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in row["detail"].items())
            typer.echo(
                f"{row['at']}  {row['user'] or '-':<16} {row['ip'] or '-':<15} {row['action']:<13} {detail}"
            )
    if not rows and fmt is Format.table:
        typer.echo("no audit entries")


def register(app: typer.Typer) -> None:
    app.command("audit")(audit_cli)
