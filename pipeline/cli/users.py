"""`vawg users`: who may sign in to the web app (add, remove, list)."""

from __future__ import annotations

import getpass
import sys
from enum import StrEnum
from typing import Annotated

import typer

from pipeline.errors import UsageError
from pipeline.web.db import connect
from pipeline.web.security import add_user, list_users, remove_user

users_app = typer.Typer(help="Manage web app users.", no_args_is_help=True)
DbOption = Annotated[str, typer.Option("--db", help="Store: a file path or postgresql://...")]


class Role(StrEnum):
    viewer = "viewer"
    admin = "admin"


def read_password() -> str:
    """The password: prompted twice on a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != first:
            raise UsageError("the passwords do not match")
        return first
    line = sys.stdin.readline()
    if not line:
        raise UsageError("no password on standard input")
    return line.rstrip("\r\n")


@users_app.command("add")
def add_cli(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ @ -).")],
    role: Annotated[
        Role, typer.Option("--role", help="viewer: read and search; admin: also the audit log.")
    ] = Role.viewer,
    db: DbOption = "corpus.db",
    replace: Annotated[
        bool, typer.Option("--replace", help="Reset an existing user's password and role.")
    ] = False,
) -> None:
    """Add a user; the password is read from standard input (or prompted on a terminal).

    Example: echo 'a long passphrase' | vawg users add alice --role admin --db corpus.db
    """
    password = read_password()
    with connect(db, create=True) as store:
        add_user(store, name, role.value, password, replace=replace)
    typer.echo(f"user {name} ({role.value}) {'updated' if replace else 'added'}")


@users_app.command("remove")
def remove_cli(name: Annotated[str, typer.Argument(help="User name.")], db: DbOption = "corpus.db") -> None:
    """Remove a user and end their sessions.

    Example: vawg users remove alice --db corpus.db
    """
    with connect(db) as store:
        if not remove_user(store, name):
            raise UsageError(f"no such user: {name}")
    typer.echo(f"user {name} removed")


@users_app.command("list")
def list_cli(db: DbOption = "corpus.db") -> None:
    """List users and their roles.

    Example: vawg users list --db corpus.db
    """
    with connect(db) as store:
        rows = list_users(store)
    for row in rows:
        typer.echo(f"{row['name']:<24} {row['role']:<8} added {row['created_at']}")
    if not rows:
        typer.echo("no users")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
