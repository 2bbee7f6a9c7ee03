"""Test-only readers, loaded in the sandbox worker through VAWG_EXTRA_READERS=tests.batch.fake_readers.

- `.slow`: sleeps the seconds written on its first line, then gives its text;
- `.hang`: never finishes (sleeps an hour);
- `.hog`: allocates the megabytes written in it;
- `.crash`: kills its own process with SIGSEGV.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from pipeline.ingest.base import Reader, ReadOptions, SourceResult, Status, register
from pipeline.records import Document

ENV = {"VAWG_EXTRA_READERS": "tests.batch.fake_readers"}


def _doc(path: Path, source_id: str) -> SourceResult:
    return SourceResult(Status.OK, pages=1, documents=[Document(id=source_id, text=path.read_text())])


class SlowReader(Reader):
    name = "slow"
    extensions = (".slow",)

    def read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        time.sleep(float(path.read_text().split()[0]))
        return _doc(path, source_id)


class HangReader(Reader):
    name = "hang"
    extensions = (".hang",)

    def read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        time.sleep(3600)
        return _doc(path, source_id)


class HogReader(Reader):
    name = "hog"
    extensions = (".hog",)

    def read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        block = bytearray(int(path.read_text().split()[0]) * 2**20)
        block[::4096] = b"x" * len(block[::4096])
        return _doc(path, source_id)


class CrashReader(Reader):
    name = "crash"
    extensions = (".crash",)

    def read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        os.kill(os.getpid(), signal.SIGSEGV)
        return _doc(path, source_id)


for _reader in (SlowReader(), HangReader(), HogReader(), CrashReader()):
    register(_reader)
