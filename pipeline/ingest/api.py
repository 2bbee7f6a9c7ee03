"""Reading sources in-process: one file to an `Outcome`, or files and folders to Documents.

`read_source` never raises for bad input: every failure becomes an outcome with a status and
a one-line reason. The batch runner (`pipeline.batch`) calls it inside a sandboxed worker;
other commands (`vawg annotate`) call `iter_documents` directly.
"""

from __future__ import annotations

import fnmatch
import os
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.ingest.base import ReadFailure, ReadOptions, Status, reader_for, sha256_file, source_id
from pipeline.records import Document

GOOD = (Status.OK, Status.OCR)
_JUNK = ("Thumbs.db", "desktop.ini", "__MACOSX")


@dataclass
class Outcome:
    """What became of one source: the manifest's fields plus the documents read."""

    source: str
    sha256: str
    status: Status
    reason: str = ""
    pages: int = 0
    documents: list[Document] = field(default_factory=list)
    reader: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in GOOD


def _skipped(name: str) -> bool:
    return name.startswith((".", "~$")) or name in _JUNK


def walk_sources(
    paths: Iterable[Path], exclude: Sequence[Path] = (), skip: Sequence[str] = ()
) -> Iterator[Path]:
    """Files named directly, and files under folders (recursive, sorted, hidden names skipped).

    Folder symlinks are not followed; anything under an `exclude` folder is left out, and so
    are files in folders whose names match a `skip` glob (e.g. "*.py").
    """
    excluded = {p.resolve() for p in exclude}
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for root, dirs, files in os.walk(path):
            here = Path(root)
            dirs[:] = sorted(d for d in dirs if not _skipped(d) and (here / d).resolve() not in excluded)
            for name in sorted(files):
                if not _skipped(name) and not any(fnmatch.fnmatch(name, pattern) for pattern in skip):
                    yield here / name


def read_source(
    path: Path,
    options: ReadOptions,
    *,
    sha256: str | None = None,
    id_prefix: str = "",
    label: str | None = None,
) -> Outcome:
    """Read one file with the reader its content calls for; failures become the outcome's status."""
    started = time.perf_counter()
    outcome = Outcome(source=label or str(path), sha256=sha256 or "", status=Status.CORRUPT)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise ReadFailure(Status.UNSUPPORTED, "not a regular file")
        size = st.st_size
        if not outcome.sha256:
            outcome.sha256 = sha256_file(path)
        if size > options.max_bytes:
            outcome.status = Status.TOO_LARGE
            outcome.reason = f"{size / 2**20:.1f} MB is over the {options.max_bytes / 2**20:.0f} MB limit"
        elif size == 0:
            outcome.status, outcome.reason = Status.EMPTY, "zero-byte file"
        else:
            _read_into(outcome, path, options, id_prefix)
    except ReadFailure as failure:
        outcome.status, outcome.reason = failure.status, failure.reason
    except MemoryError:
        outcome.documents = []
        outcome.status = Status.TOO_LARGE
        outcome.reason = f"ran out of memory (limit {options.memory_mb} MB)"
    except OSError as exc:
        outcome.status, outcome.reason = Status.CORRUPT, f"cannot read: {exc.strerror or exc}"
    except Exception as exc:  # a reader bug or a parser choking on bad input must not stop a batch
        outcome.status = Status.CORRUPT
        outcome.reason = f"{outcome.reader or 'reader'} failed: {type(exc).__name__}: {exc}".splitlines()[0][
            :300
        ]
    outcome.seconds = round(time.perf_counter() - started, 3)
    return outcome


def _read_into(outcome: Outcome, path: Path, options: ReadOptions, id_prefix: str) -> None:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    reader = reader_for(path, head)
    if reader is None:
        kind = f"{path.suffix} files" if path.suffix else "files of this kind"
        raise ReadFailure(Status.UNSUPPORTED, f"no reader for {kind}")
    outcome.reader = reader.name
    sid = source_id(path, outcome.sha256)
    result = reader.read(path, options, source_id=f"{id_prefix}{sid}", sha256=outcome.sha256)
    outcome.status, outcome.reason, outcome.pages = result.status, result.reason, result.pages
    outcome.documents = result.documents
    for doc in outcome.documents:
        if doc.meta.get("source") in (None, str(path)):
            doc.meta["source"] = outcome.source  # the label (e.g. archive!member), not a temporary path
        doc.meta.setdefault("sha256", outcome.sha256)
        doc.meta.setdefault("reader", reader.name)
    if outcome.ok and not any(doc.text.strip() for doc in outcome.documents):
        outcome.status, outcome.reason, outcome.documents = Status.EMPTY, outcome.reason or "no text", []


def warn(outcome: Outcome) -> None:
    """The default report of a bad source: one line on stderr."""
    print(f"vawg: warning: {outcome.source}: {outcome.status.value}: {outcome.reason}", file=sys.stderr)


def iter_documents(
    paths: Sequence[Path],
    options: ReadOptions | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    *,
    isolated: bool = False,
) -> Iterator[Document]:
    """Documents from files and folders; bad sources are reported, never raised.

    Sources are read in this process, or with `isolated=True` in one sandboxed worker process
    bounded by `options.timeout_s` and `options.memory_mb` (as `vawg ingest` does), for input
    that might hang or exhaust memory. Every source's outcome goes to `on_outcome` when given;
    otherwise sources that gave no documents get a warning line on stderr.
    """
    import pipeline.ingest.readers  # noqa: F401  (fills the registry)

    options = options or ReadOptions()
    sandbox: Any = None
    if isolated:
        from pipeline.batch.sandbox import Sandbox

        sandbox = Sandbox(options)
    try:
        for path in walk_sources(paths):
            if not path.exists():
                outcome = Outcome(
                    source=str(path), sha256="", status=Status.CORRUPT, reason="no such file or folder"
                )
            elif sandbox is not None:
                try:
                    outcome = sandbox.read(path, sha256_file(path))
                except OSError as exc:
                    outcome = Outcome(str(path), "", Status.CORRUPT, f"cannot read: {exc.strerror or exc}")
            else:
                outcome = read_source(path, options)
            if on_outcome is not None:
                on_outcome(outcome)
            elif not outcome.ok:
                warn(outcome)
            yield from outcome.documents
    finally:
        if sandbox is not None:
            sandbox.close()
