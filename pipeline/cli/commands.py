"""Command discovery: every module in `pipeline.cli` that defines `register(app)` adds its commands."""

from __future__ import annotations

import importlib
import pkgutil

import typer

import pipeline.cli as cli_package

_NOT_COMMANDS = {"main", "commands", "common"}


def register(app: typer.Typer) -> None:
    for info in sorted(pkgutil.iter_modules(cli_package.__path__), key=lambda i: i.name):
        if info.name in _NOT_COMMANDS:
            continue
        module = importlib.import_module(f"pipeline.cli.{info.name}")
        hook = getattr(module, "register", None)
        if hook is not None:
            hook(app)
