"""The `vawg` command: one typer app; each command group lives in its own module."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pipeline import __version__
from pipeline.errors import VawgError

app = typer.Typer(
    name="vawg",
    help="Find where police used, considered, ignored or let lapse protective measures in VAWG case files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vawg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Find where police used, considered, ignored or let lapse protective measures in VAWG case files."""


def _register() -> None:
    """Attach every command module (imported here so `vawg --help` stays fast)."""
    from pipeline.cli import commands

    commands.register(app)


def main() -> None:
    """Console entry point: run the app, turning known errors into one line and an exit code."""
    _register()
    try:
        app(standalone_mode=True)
    except VawgError as exc:
        typer.echo(f"vawg: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("vawg: interrupted; work already written is kept", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
