"""Shared fixtures: the ../shared folder (test data and gold) and required external tools.

Where ../shared or Tesseract is absent (a user's clone), tests that need them skip with a
reason; in CI (`VAWG_REQUIRE_SHARED=1`, set by .ci/run) their absence is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REQUIRED = os.environ.get("VAWG_REQUIRE_SHARED") == "1"


def _need(ok: bool, what: str) -> None:
    if ok:
        return
    if REQUIRED:
        pytest.fail(f"{what} is required in CI but missing")
    pytest.skip(f"{what} is not available on this machine")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder beside the project (skips with a reason where absent)."""
    _need(SHARED.is_dir(), f"../shared ({SHARED})")
    return SHARED


@pytest.fixture(scope="session")
def shared_pdfs(shared_dir: Path) -> Path:
    path = shared_dir / "testdata" / "pdfs"
    _need(path.is_dir(), "../shared/testdata/pdfs")
    return path


@pytest.fixture(scope="session")
def dev_gold(shared_dir: Path) -> Path:
    path = shared_dir / "eval" / "dev.jsonl"
    _need(path.is_file(), "../shared/eval/dev.jsonl")
    return path


@pytest.fixture(scope="session")
def tesseract() -> str:
    """Path of the tesseract binary (skips with a reason where absent, fails in CI)."""
    exe = shutil.which("tesseract")
    _need(exe is not None, "the tesseract binary (apt-get install tesseract-ocr)")
    assert exe is not None
    return exe
