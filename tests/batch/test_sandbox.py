"""The sandbox: one reused worker process, killed and replaced on a hang, crash or memory blow-up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.batch.sandbox import Sandbox
from pipeline.ingest.base import ReadOptions, Status, sha256_file
from tests.batch.fake_readers import ENV


@pytest.fixture(autouse=True)
def fake_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    mp = pytest.MonkeyPatch()
    for key, value in ENV.items():
        mp.setenv(key, value)
    with Sandbox(ReadOptions(timeout_s=2, memory_mb=300, max_bytes=10_000)) as box:
        yield box
    mp.undo()


def source(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def read(sandbox: Sandbox, path: Path):
    return sandbox.read(path, sha256_file(path))


def test_worker_is_reused_across_files(sandbox: Sandbox, tmp_path: Path) -> None:
    first = read(sandbox, source(tmp_path, "a.txt", "RUI"))
    pid = sandbox._proc.pid
    second = read(sandbox, source(tmp_path, "b.slow", "0 bail"))
    assert (first.status, second.status) == (Status.OK, Status.OK)
    assert second.documents[0].text == "0 bail" and second.reader == "slow"
    assert sandbox._proc.pid == pid


def test_hang_times_out_and_worker_is_replaced(sandbox: Sandbox, tmp_path: Path) -> None:
    restarts = sandbox.restarts
    out = read(sandbox, source(tmp_path, "stuck.hang", "x"))
    assert out.status is Status.TIMEOUT and "2 s" in out.reason
    assert sandbox.restarts == restarts + 1
    assert read(sandbox, source(tmp_path, "after.txt", "still works")).status is Status.OK


def test_memory_blow_up_is_too_large(sandbox: Sandbox, tmp_path: Path) -> None:
    out = read(sandbox, source(tmp_path, "big.hog", "2000"))
    assert out.status is Status.TOO_LARGE and "memory" in out.reason
    assert read(sandbox, source(tmp_path, "small.hog", "20")).status is Status.OK


def test_crash_is_corrupt_with_reason(sandbox: Sandbox, tmp_path: Path) -> None:
    out = read(sandbox, source(tmp_path, "boom.crash", "x"))
    assert out.status is Status.CORRUPT and "crashed (SIGSEGV)" in out.reason
    assert read(sandbox, source(tmp_path, "after.txt", "fine")).status is Status.OK


def test_file_over_size_limit_is_not_parsed(sandbox: Sandbox, tmp_path: Path) -> None:
    out = read(sandbox, source(tmp_path, "huge.hang", "x" * 20_000))
    assert out.status is Status.TOO_LARGE and "limit" in out.reason
