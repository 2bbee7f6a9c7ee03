"""The `local` executor: a pool of worker processes on this machine.

Each worker is a fresh (spawned) process that loads the pipeline once, then annotates whole
batches and writes their shards; only a small `BatchResult` comes back. If a worker dies
(killed, out of memory) the pool is restarted and the unfinished batches are sent again, a few
times at most; a rerun of the command resumes from the committed shards in any case.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.batch.executors.base import Executor, register
from pipeline.batch.shards import Batch, BatchResult, annotate_batch
from pipeline.errors import VawgError

if TYPE_CHECKING:
    from spacy.language import Language

MAX_RESTARTS = 3
_NLP: Language | None = None
_LOAD_ERROR = ""


def _init_worker(model: str | None) -> None:
    """Runs once in each worker: leave Ctrl-C to the driver, one BLAS thread, load the pipeline."""
    global _NLP, _LOAD_ERROR
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        import pipeline

        _NLP = pipeline.load(model)
    except Exception as exc:  # noqa: BLE001 - reported by the first batch, in one line
        _LOAD_ERROR = f"{type(exc).__name__}: {exc}".splitlines()[0]


def _work(batch: Batch, shard_dir: str) -> BatchResult:
    if _NLP is None:
        raise VawgError(f"a worker could not load the pipeline: {_LOAD_ERROR or 'unknown error'}")
    return annotate_batch(_NLP, batch, shard_dir)


@register("local")
class LocalExecutor(Executor):
    """`workers` spawned processes, each holding one loaded pipeline."""

    def __init__(
        self, workers: int | None = None, model: str | None = None, scheduler: str | None = None
    ) -> None:
        super().__init__(workers, model, scheduler)
        if scheduler:
            raise VawgError("--scheduler needs --executor dask")
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.model,),
            )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self.start()

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for benchmarks and tests)."""
        procs = getattr(self._pool, "_processes", None) or {}
        return list(procs)

    def map(
        self, batches: Iterable[Batch], shard_dir: Path, window: int | None = None
    ) -> Iterator[BatchResult]:
        self.start()
        todo = iter(batches)
        limit = self.in_flight(window)
        pending: dict[Future[BatchResult], Batch] = {}
        retry: list[Batch] = []
        restarts = 0
        exhausted = False
        while True:
            while len(pending) < limit and (retry or not exhausted):
                if retry:
                    batch = retry.pop()
                else:
                    nxt = next(todo, None)
                    if nxt is None:
                        exhausted = True
                        break
                    batch = nxt
                assert self._pool is not None
                pending[self._pool.submit(_work, batch, str(shard_dir))] = batch
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                batch = pending.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken = True
                    retry.append(batch)
                except OSError as exc:
                    raise VawgError(f"cannot write shard {batch.shard_name}: {exc.strerror or exc}") from None
            if broken:
                restarts += 1
                if restarts > MAX_RESTARTS:
                    raise VawgError("annotation workers keep dying; rerun the same command to resume")
                retry.extend(pending.values())
                pending.clear()
                self._restart()
