"""The resumable batch: sources in, documents.jsonl and manifest.jsonl out.

For each source (files, and folders walked recursively in sorted order, hidden files and the
output folder skipped): hash it, skip it if the manifest already has its content, read it in
the sandbox, then append its documents and its manifest line (fsynced, in that order). After a
kill at any moment a rerun repairs the two files (see `manifest.py`) and carries on, so every
source ends up exactly once in the manifest and every document exactly once in documents.jsonl.
"""

from __future__ import annotations

import fcntl
import queue
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pipeline.batch.manifest import DOCUMENTS, Manifest
from pipeline.batch.sandbox import Sandbox, SandboxClosed
from pipeline.errors import UsageError, VawgError, not_found
from pipeline.ingest.api import Outcome, walk_sources
from pipeline.ingest.base import ReadOptions, Status, sha256_file

STATUS_ORDER = [s.value for s in Status]
WORKER_LOG = "worker.log"


@dataclass
class Summary:
    """What a run did: outcomes of the sources read this time, and what it skipped."""

    out_dir: Path
    counts: Counter[str] = field(default_factory=Counter)
    already_done: int = 0
    duplicates: int = 0
    documents: int = 0
    pages: int = 0
    seconds: float = 0.0
    repaired: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status.value] += 1
        self.documents += len(outcome.documents)
        self.pages += outcome.pages

    @property
    def read(self) -> int:
        return sum(self.counts.values())

    @property
    def sources(self) -> int:
        return self.read + self.already_done + self.duplicates

    def line(self) -> str:
        """One line, e.g. '37 sources: 30 ok, 2 ocr, 1 encrypted; 212 documents in out/documents.jsonl'."""
        parts = [f"{self.counts[s]} {s.replace('_', ' ')}" for s in STATUS_ORDER if self.counts[s]]
        if self.already_done:
            parts.append(f"{self.already_done} already done")
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicate{'s' if self.duplicates > 1 else ''}")
        where = self.out_dir / DOCUMENTS
        head = (
            f"{self.sources} source{'s' if self.sources != 1 else ''}: {', '.join(parts) or 'nothing to do'}"
        )
        return f"{head}; {self.documents} new documents in {where} ({self.seconds:.1f} s)"

    def as_dict(self) -> dict[str, Any]:
        return {
            "sources": self.sources,
            "counts": dict(self.counts),
            "already_done": self.already_done,
            "duplicates": self.duplicates,
            "documents": self.documents,
            "pages": self.pages,
            "seconds": self.seconds,
            "repaired": self.repaired,
        }


class _Lock:
    """An exclusive lock on the output folder, so two runs never append to the same files."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / ".lock"
        self._fh: IO[str] | None = None

    def __enter__(self) -> _Lock:
        self._fh = open(self.path, "w")  # noqa: SIM115
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._fh.close()
            raise VawgError(f"another vawg ingest is writing to {self.path.parent}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()


class _Progress:
    """A progress bar on stderr (rich) when it is a terminal; silent otherwise."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.task: Any = None
        if enabled and sys.stderr.isatty():
            try:
                from rich.console import Console
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeRemainingColumn,
                )
            except ImportError:
                return
            self.bar = Progress(
                TextColumn("ingest"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.bar.add_task("", total=total)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def step(self, name: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=name[-40:])

    def note(self, message: str) -> None:
        """A warning line (above the bar when there is one); nothing when quiet."""
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.console.print(message, markup=False, highlight=False)
        else:
            print(message, file=sys.stderr)


def ingest(
    sources: Sequence[Path],
    out_dir: Path,
    options: ReadOptions | None = None,
    *,
    progress: bool = True,
    retry: Sequence[str] = (),
    workers: int = 1,
    skip: Sequence[str] = (),
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Summary:
    """Read every source into `out_dir` (documents.jsonl, manifest.jsonl), resuming a previous run.

    `retry` names statuses (e.g. "timeout") whose sources are read again even if done.
    `workers` sandboxed reader processes run at once (outcomes are recorded as they finish).
    `skip` globs leave out matching file names found in folders (e.g. "*.py").
    Bad sources get a status and are reported on stderr unless `progress` is False.
    """
    options = options or ReadOptions()
    missing = [p for p in sources if not p.exists()]
    if missing:
        raise not_found(missing[0])
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out must be a folder: {out_dir}")
    if workers < 1:
        raise UsageError("--workers must be at least 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    summary = Summary(out_dir=out_dir)
    with _Lock(out_dir):
        manifest = Manifest(out_dir).load()
        summary.repaired = manifest.repaired
        files = list(walk_sources(sources, exclude=[out_dir], skip=skip))
        with _Progress(len(files), progress) as bar:
            todo = _to_read(files, manifest, tuple(retry), summary, bar)
            with closing(_read_all(todo, options, workers, out_dir / WORKER_LOG)) as outcomes:
                taken = manifest.taken_ids()
                for outcome in outcomes:
                    bar.step(Path(outcome.source).name)
                    _unique_ids(outcome, taken)
                    manifest.record(outcome)
                    summary.add(outcome)
                    if on_outcome is not None:
                        on_outcome(outcome)
                    if not outcome.ok:
                        bar.note(f"vawg: {outcome.status.value}: {outcome.source}: {outcome.reason}")
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def _unique_ids(outcome: Outcome, taken: set[str]) -> None:
    """Keep document ids unique across the output: a clash (two JSON lines files that both use
    id "1") gets a `~<hash>` suffix and keeps its own id in meta `original_id`."""
    for doc in outcome.documents:
        if doc.id in taken:
            base, n = f"{doc.id}~{outcome.sha256[:8]}", 1
            new = base
            while new in taken:
                n += 1
                new = f"{base}-{n}"
            doc.meta["original_id"], doc.id = doc.id, new
        taken.add(doc.id)


def _to_read(
    files: list[Path], manifest: Manifest, retry: tuple[str, ...], summary: Summary, bar: _Progress
) -> list[tuple[Path, str]]:
    """Hash every file; keep those whose content is neither done nor already queued."""
    todo: list[tuple[Path, str]] = []
    seen: set[str] = set()
    for path in files:
        if not path.is_file():  # a FIFO, device or broken link: reading it could block or fail
            bar.step(path.name)
            bar.note(f"vawg: warning: {path}: not a regular file; skipped")
            summary.counts[Status.UNSUPPORTED.value] += 1
            continue
        try:
            sha = sha256_file(path)
        except OSError as exc:
            bar.step(path.name)
            bar.note(f"vawg: warning: {path}: cannot read: {exc.strerror or exc}")
            summary.counts[Status.CORRUPT.value] += 1
            continue
        if sha in seen or manifest.done(sha, retry) is not None:
            bar.step(path.name)
            if sha in seen:
                summary.duplicates += 1
            else:
                summary.already_done += 1
            continue
        seen.add(sha)
        todo.append((path, sha))
    return todo


def _read_all(
    todo: list[tuple[Path, str]], options: ReadOptions, workers: int, log: Path
) -> Generator[Outcome, None, None]:
    """Outcomes of the sources, read by `workers` sandboxes (in order when there is one).

    Closing the generator (the run ends, fails or is interrupted) stops and kills the workers.
    """
    if not todo:
        return
    if workers == 1:
        with Sandbox(options, log) as sandbox:
            for path, sha in todo:
                yield _read(sandbox, path, sha)
        return
    env = {"OMP_THREAD_LIMIT": "1"}  # parallel workers: one thread each for Tesseract
    jobs: queue.Queue[tuple[Path, str] | None] = queue.Queue()
    results: queue.Queue[Outcome | VawgError] = queue.Queue()
    for job in todo:
        jobs.put(job)
    sandboxes = [Sandbox(options, log, env) for _ in range(min(workers, len(todo)))]
    stop = threading.Event()

    def serve(sandbox: Sandbox) -> None:
        while not stop.is_set() and (job := jobs.get()) is not None:
            try:
                results.put(_read(sandbox, *job))
            except SandboxClosed:
                return
            except VawgError as exc:
                results.put(exc)
                return

    threads = [threading.Thread(target=serve, args=(box,), daemon=True) for box in sandboxes]
    for thread in threads:
        jobs.put(None)
        thread.start()
    try:
        for _ in todo:
            result = results.get()
            if isinstance(result, VawgError):
                raise result
            yield result
    finally:
        stop.set()
        for box in sandboxes:
            box.close()
        for thread in threads:
            thread.join(10)


def _read(sandbox: Sandbox, path: Path, sha: str) -> Outcome:
    try:
        return sandbox.read(path, sha, label=str(path))
    except SandboxClosed:
        raise
    except RuntimeError as exc:  # the worker could not be started at all
        raise VawgError(f"cannot read {path}: {exc}") from None


__all__ = ["Summary", "ingest"]
