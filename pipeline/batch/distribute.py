"""Annotate a stream of documents into a shard folder with an executor, resuming what is done.

The driver streams documents (never the whole corpus), skips those whose content key is
already committed (or seen earlier in this run), groups the rest into batches, and hands them
to the executor a few at a time. Each finished batch's shard is committed to the shard
manifest. Small jobs (fewer than `inline_below` new documents) are annotated in this process:
starting workers would cost more than it saves.
"""

from __future__ import annotations

import fcntl
import itertools
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.batch.shards import (
    Batch,
    BatchResult,
    ShardManifest,
    annotate_batch,
    document_key,
    pipeline_fingerprint,
)
from pipeline.errors import UsageError, VawgError
from pipeline.records import Document, write_jsonl_atomic

if TYPE_CHECKING:
    from pipeline.cli.annotate import AnnotateSummary

INLINE_BELOW = 200


@dataclass
class ShardRun:
    """What one run did; `documents` counts the documents annotated this time."""

    shard_dir: Path
    executor: str = "local"
    workers: int = 0
    batches: int = 0
    documents: int = 0
    entities: int = 0
    already_done: int = 0
    duplicates: int = 0
    failed: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    worker_peak_mb: dict[str, float] = field(default_factory=dict)
    inline: bool = False
    keys: set[str] = field(default_factory=set, repr=False)  # every input document's key

    def line(self) -> str:
        """One line, e.g. 'annotation: 2 local workers, 40 batches, 2530 documents (120 already done)'."""
        where = "in this process" if self.inline else f"{self.workers} {self.executor} workers"
        done = f", {self.already_done} already done" if self.already_done else ""
        dups = f", {self.duplicates} repeated" if self.duplicates else ""
        return f"annotation: {where}, {self.batches} batches, {self.documents} new documents{done}{dups}"

    def add(self, result: BatchResult) -> None:
        self.batches += 1
        self.documents += result.documents
        self.entities += result.entities
        self.failed += result.failed
        if result.worker:
            self.worker_peak_mb[result.worker] = max(
                self.worker_peak_mb.get(result.worker, 0.0), result.worker_peak_mb
            )


class _FolderLock:
    def __init__(self, folder: Path) -> None:
        self.path = folder / ".lock"

    def __enter__(self) -> _FolderLock:
        self.fh = open(self.path, "w")  # noqa: SIM115
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.fh.close()
            raise VawgError(f"another vawg run is writing shards to {self.path.parent}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def new_batches(
    documents: Iterable[Document], manifest: ShardManifest, batch_size: int, run: ShardRun
) -> Iterator[Batch]:
    """Batches of the documents not yet committed; batch ids follow from the documents' keys."""
    seen = run.keys
    docs: list[Document] = []
    keys: list[str] = []
    first = 0
    for position, document in enumerate(documents):
        key = document_key(document, manifest.pipeline)
        if key in seen:
            run.duplicates += 1
            continue
        seen.add(key)
        if key in manifest.keys:
            run.already_done += 1
            continue
        if not docs:
            first = position
        docs.append(document)
        keys.append(key)
        if len(docs) >= batch_size:
            yield Batch.of(docs, keys, first)
            docs, keys = [], []
    if docs:
        yield Batch.of(docs, keys, first)


def annotate_to_shards(
    documents: Iterable[Document],
    shard_dir: Path,
    *,
    executor: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    model: str | Path | None = None,
    batch_size: int = 64,
    inline_below: int = INLINE_BELOW,
    window: int | None = None,
    on_batch: Callable[[BatchResult], None] | None = None,
) -> ShardRun:
    """Annotate every document not yet in `shard_dir` and commit it there, exactly once."""
    from pipeline.batch.executors import executor_for

    if batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1, got {batch_size}")
    if model is not None and not Path(model).exists():
        raise UsageError(f"no such file or folder: {model}")
    shard_dir = shard_dir.resolve()
    shard_dir.mkdir(parents=True, exist_ok=True)
    run = ShardRun(shard_dir=shard_dir, executor=executor)
    model_arg = str(Path(model).resolve()) if model is not None else None  # workers may run elsewhere
    pool = executor_for(executor, workers, model_arg, scheduler)  # checks the options early
    run.workers = pool.workers
    with _FolderLock(shard_dir):
        manifest = ShardManifest(shard_dir, pipeline_fingerprint(model)).load()
        run.repaired = manifest.repaired
        batches = new_batches(documents, manifest, batch_size, run)
        head: list[Batch] = []
        for batch in batches:
            head.append(batch)
            if sum(len(b.documents) for b in head) >= inline_below:
                break
        else:
            if executor == "local":
                _inline(head, shard_dir, model, manifest, run, on_batch)
                return run
        if not head:
            return run
        with pool:
            for result in pool.map(itertools.chain(head, batches), shard_dir, window):
                manifest.commit(result)
                run.add(result)
                if on_batch is not None:
                    on_batch(result)
    return run


def _inline(
    batches: list[Batch],
    shard_dir: Path,
    model: str | Path | None,
    manifest: ShardManifest,
    run: ShardRun,
    on_batch: Callable[[BatchResult], None] | None,
) -> None:
    if not batches:
        return
    import pipeline

    run.inline = True
    nlp = pipeline.load(model)
    for batch in batches:
        result = annotate_batch(nlp, batch, shard_dir)
        manifest.commit(result)
        run.add(result)
        if on_batch is not None:
            on_batch(result)


def merged_records(shard_dir: Path, only: set[str] | None = None) -> Iterator[dict[str, Any]]:
    """The committed records of a shard folder (of the documents keyed in `only`, if given),
    in input order as far as batches allow."""
    return ShardManifest(shard_dir).load().records(only)


def shard_dir_for(out: Path) -> Path:
    """Where `vawg annotate --out OUT` keeps its shards until they are merged: OUT.shards/."""
    return out.parent / f"{out.name}.shards"


def annotate_file(
    documents: Iterable[Document], out: Path, summary: AnnotateSummary, **options: Any
) -> ShardRun:
    """Annotate into OUT.shards/ (resuming), merge the shards into `out` atomically, drop them."""
    shard_dir = shard_dir_for(out)
    run = annotate_to_shards(documents, shard_dir, **options)

    def counting() -> Iterator[dict[str, Any]]:
        for record in merged_records(shard_dir, run.keys):
            summary.documents += 1
            summary.entities += len(record.get("entities") or [])
            yield record

    write_jsonl_atomic(out, counting())
    summary.failed_documents += run.failed
    shutil.rmtree(shard_dir, ignore_errors=True)
    return run
