"""The `dask` executor: document batches as tasks on a `dask.distributed` cluster.

Without a scheduler address it starts a `LocalCluster` (one single-threaded worker process per
`--workers`, no dashboard, bound to 127.0.0.1); with one it joins that cluster, e.g. one started
by `dask scheduler` / `dask worker` or by dask-jobqueue on SLURM. A worker plugin loads the
pipeline once per worker (and again on any replacement worker). Tasks write their shards into
the shard folder, which must therefore be on a file system the workers share with the driver.
When a worker dies the scheduler reruns its tasks elsewhere; a rerun task rewrites the same
shard, so nothing is lost and nothing is duplicated.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dask
from distributed import Client, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from pipeline.batch.executors.base import Executor, register
from pipeline.batch.shards import Batch, BatchResult, annotate_batch
from pipeline.errors import VawgError

if TYPE_CHECKING:
    from distributed import Worker
    from spacy.language import Language

PLUGIN = "vawg-pipeline"
CONNECT_TIMEOUT = "30s"
# No dashboard, so nobody reads the statistical profiles a worker takes every 10 ms by
# interrupting the (pure Python, GIL-holding) annotation; system sampling can be slow too.
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
}


class PipelinePlugin(WorkerPlugin):
    """Loads the annotation pipeline once when a worker starts (or joins later)."""

    name = PLUGIN

    def __init__(self, model: str | None) -> None:
        self.model = model
        self.nlp: Language | None = None

    def setup(self, worker: Worker) -> None:
        import pipeline

        self.nlp = pipeline.load(self.model)

    def __getstate__(self) -> dict[str, Any]:  # never ship a loaded pipeline over the wire
        return {"model": self.model, "nlp": None}


def _task(batch: Batch, shard_dir: str) -> BatchResult:
    plugin = get_worker().plugins.get(PLUGIN)
    nlp = getattr(plugin, "nlp", None)
    if nlp is None:  # the plugin has not run here yet (it normally has): load directly
        import pipeline

        nlp = pipeline.load(getattr(plugin, "model", None))
    return annotate_batch(nlp, batch, shard_dir)


@register("dask")
class DaskExecutor(Executor):
    """A Dask client, on a cluster of its own (LocalCluster) or on the one at `scheduler`."""

    def __init__(
        self, workers: int | None = None, model: str | None = None, scheduler: str | None = None
    ) -> None:
        super().__init__(workers, model, scheduler)
        self.cluster: LocalCluster | None = None
        self.client: Client | None = None

    def start(self) -> None:
        if self.client is not None:
            return
        try:
            if self.scheduler:
                self.client = Client(self.scheduler, timeout=CONNECT_TIMEOUT)
            else:
                with dask.config.set(QUIET_WORKERS):
                    self.cluster = LocalCluster(
                        n_workers=self.workers,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
                self.client = Client(self.cluster)
            self.client.register_plugin(PipelinePlugin(self.model), name=PLUGIN)
            if self.scheduler:  # keep every thread of the cluster busy
                workers = self.client.scheduler_info().get("workers", {}).values()
                self.workers = max(self.workers, sum(int(w.get("nthreads", 1)) for w in workers))
        except OSError as exc:
            self.close()
            where = self.scheduler or "a local cluster"
            raise VawgError(f"cannot start Dask on {where}: {exc}") from None

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def worker_addresses(self) -> list[str]:
        assert self.client is not None
        return sorted(self.client.scheduler_info()["workers"])

    def map(
        self, batches: Iterable[Batch], shard_dir: Path, window: int | None = None
    ) -> Iterator[BatchResult]:
        self.start()
        assert self.client is not None
        limit = self.in_flight(window)
        todo = iter(batches)
        running: as_completed = as_completed()
        pending: dict[object, Batch] = {}

        def submit() -> bool:
            batch = next(todo, None)
            if batch is None:
                return False
            assert self.client is not None
            future = self.client.submit(
                _task, batch, str(shard_dir), key=f"vawg-annotate-{batch.id}", pure=False, retries=1
            )
            pending[future.key] = batch
            running.add(future)
            return True

        for _ in range(limit):
            if not submit():
                break
        for future in running:
            batch = pending.pop(future.key)
            try:
                result: BatchResult = future.result()
            except OSError as exc:
                raise VawgError(f"cannot write shard {batch.shard_name}: {exc.strerror or exc}") from None
            except Exception as exc:  # noqa: BLE001 - KilledWorker and friends: one line, rerun resumes
                raise VawgError(
                    f"batch {batch.id} failed on the cluster ({type(exc).__name__}: {exc}); "
                    "rerun the same command to resume"
                ) from None
            future.release()
            yield result
            submit()

    def worker_pids(self) -> dict[str, int]:
        """Process id of each worker by address (for benchmarks and tests)."""
        import os

        assert self.client is not None
        return dict(self.client.run(os.getpid))
