"""User-facing errors: one place for the messages a person sees on bad input."""

from __future__ import annotations


class VawgError(Exception):
    """An error with a clear one-line message and a process exit code."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message.splitlines()[0] if message else "error")


class UsageError(VawgError):
    """The command was called wrongly (missing file, bad option value)."""

    exit_code = 2


class InputError(VawgError):
    """An input file could not be read as what it claims to be."""

    exit_code = 3


def not_found(path: object) -> UsageError:
    return UsageError(f"no such file or folder: {path}")


def bad_jsonl(path: object, line: int, why: str) -> InputError:
    return InputError(f"{path}:{line}: not a valid JSON record ({why})")
