"""Executors that annotate document batches into record shards: `local` (a process pool, the
default) and `dask` (a `dask.distributed` cluster, local or remote)."""

from pipeline.batch.executors.base import Executor, default_workers, executor_for, names, register

__all__ = ["Executor", "default_workers", "executor_for", "names", "register"]
