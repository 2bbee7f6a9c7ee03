"""The `vawg` entry point: version, help, and one-line errors."""

from __future__ import annotations

import subprocess
import sys

from pipeline import __version__


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli.main", *args], capture_output=True, text=True)


def test_version_prints_package_version() -> None:
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"vawg {__version__}"


def test_help_lists_commands() -> None:
    out = run("--help")
    assert out.returncode == 0
    assert "Usage" in out.stdout and "--version" in out.stdout
    assert "ingest" in out.stdout


def test_unknown_command_fails_without_traceback() -> None:
    out = run("no-such-command")
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
