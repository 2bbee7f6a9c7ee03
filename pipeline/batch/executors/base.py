"""The executor contract: batches in, committed shards out, in any order.

An executor runs `annotate_batch` on worker processes that each load the pipeline once, and
yields each batch's `BatchResult` as it completes. It keeps at most `window` batches in flight
(pulled lazily from the input), so memory is bounded by the batch size, never the corpus size.
A batch may run twice (a worker died after writing its shard): that is harmless, because a
shard's name and content depend only on its documents.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pipeline.batch.shards import Batch, BatchResult
from pipeline.errors import UsageError


def default_workers() -> int:
    """One worker per CPU this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Executor(ABC):
    """A pool of annotation workers; use as a context manager."""

    name = ""

    def __init__(
        self, workers: int | None = None, model: str | None = None, scheduler: str | None = None
    ) -> None:
        self.workers = workers if workers is not None else default_workers()
        if self.workers < 1:
            raise UsageError(f"--workers must be at least 1, got {self.workers}")
        self.model = model
        self.scheduler = scheduler

    def __enter__(self) -> Executor:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def start(self) -> None:
        """Start the workers (each loads the pipeline once)."""

    @abstractmethod
    def close(self) -> None:
        """Stop the workers; safe to call twice."""

    @abstractmethod
    def map(
        self, batches: Iterable[Batch], shard_dir: Path, window: int | None = None
    ) -> Iterator[BatchResult]:
        """Annotate every batch into `shard_dir`, yielding results in completion order."""

    def in_flight(self, window: int | None) -> int:
        return window if window is not None else 2 * self.workers


_REGISTRY: dict[str, str | Callable[..., Executor]] = {
    "local": "pipeline.batch.executors.local:LocalExecutor",
    "dask": "pipeline.batch.executors.dask_cluster:DaskExecutor",
}


def register(name: str) -> Callable[[type[Executor]], type[Executor]]:
    """Class decorator: make an executor available as `--executor NAME`."""

    def deco(cls: type[Executor]) -> type[Executor]:
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return deco


def names() -> list[str]:
    return sorted(_REGISTRY)


def executor_for(
    name: str, workers: int | None = None, model: str | None = None, scheduler: str | None = None
) -> Executor:
    """The executor registered as `name` (its module imported only now: dask stays optional)."""
    import importlib

    factory = _REGISTRY.get(name)
    if factory is None:
        raise UsageError(f"unknown executor {name!r}; choose from {', '.join(names())}")
    if isinstance(factory, str):
        module, _, attr = factory.partition(":")
        try:
            factory = getattr(importlib.import_module(module), attr)
        except ImportError as exc:
            raise UsageError(f"executor {name!r} needs {exc.name}: pip install 'dask[distributed]'") from None
    assert callable(factory)
    return factory(workers=workers, model=model, scheduler=scheduler)
