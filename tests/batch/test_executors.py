"""Executors: local pool and Dask give the same records; killed workers and drivers lose nothing.

Each test starts real worker processes (each loads the pipeline once), so corpora are small.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.batch.distribute import annotate_to_shards
from pipeline.batch.shards import BatchResult
from pipeline.records import read_jsonl
from tests.batch.corpus_maker import canonical, documents, shard_records, write_jsonl

pytestmark = pytest.mark.slow


def test_local_pool_and_dask_give_identical_records(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    import pipeline
    from pipeline.cli.annotate import annotate_documents

    docs = documents(40)
    local = annotate_to_shards(iter(docs), tmp_path / "local", workers=2, batch_size=4, inline_below=0)
    dask = annotate_to_shards(
        iter(docs), tmp_path / "dask", executor="dask", workers=2, batch_size=4, inline_below=0
    )
    assert not local.inline and local.batches == dask.batches == 10
    assert local.worker_peak_mb and dask.worker_peak_mb  # which worker took what varies
    in_process = list(annotate_documents(pipeline.load(), docs, 8))
    assert sum(len(r["entities"]) for r in in_process) > 20
    assert canonical(shard_records(tmp_path / "local")) == canonical(in_process)
    assert canonical(shard_records(tmp_path / "dask")) == canonical(in_process)


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    import logging

    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as local_cluster:
        yield local_cluster


def test_killed_dask_worker_loses_and_repeats_nothing(tmp_path: Path, cluster: object) -> None:
    from distributed import Client

    address = cluster.scheduler_address  # type: ignore[attr-defined]
    docs = documents(60, seed=9)
    killed: list[int] = []
    with Client(address) as client:  # one client at a time in a process: the run opens its own
        before = dict(client.run(os.getpid))

    def kill_one(result: BatchResult) -> None:
        if not killed:
            pid = sorted(before.values())[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    run = annotate_to_shards(
        iter(docs),
        tmp_path,
        executor="dask",
        scheduler=address,
        batch_size=3,
        inline_below=0,
        on_batch=kill_one,
    )
    with Client(address) as client:
        client.wait_for_workers(2, timeout=60)
        after = dict(client.run(os.getpid))
    assert killed and killed[0] not in after.values()
    assert run.batches == 20 and run.documents == 60
    ids = Counter(r["id"] for r in shard_records(tmp_path))
    assert ids == Counter(d.id for d in docs)


def test_killed_local_driver_resumes_exactly_once(tmp_path: Path) -> None:
    docs = documents(320, seed=11)
    src = write_jsonl(tmp_path / "notes.jsonl", docs)
    out = tmp_path / "records.jsonl"
    shards = tmp_path / "records.jsonl.shards"
    command = [
        sys.executable,
        "-m",
        "pipeline.cli.main",
        "annotate",
        str(src),
        "--out",
        str(out),
        "--workers",
        "2",
        "--batch-size",
        "4",
    ]
    driver = subprocess.Popen(command, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not list(shards.glob("part-*.jsonl")):
            assert driver.poll() is None, driver.stderr.read() if driver.stderr else ""
            assert time.monotonic() < deadline, "no shard committed within two minutes"
            time.sleep(0.02)
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(10)
    finally:
        try:
            os.killpg(driver.pid, signal.SIGKILL)  # the orphaned workers too
        except ProcessLookupError:
            pass
    assert not out.exists()
    assert len(list(shards.glob("part-*.jsonl"))) < 80  # it really stopped mid-run
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    ids = Counter(r["id"] for r in read_jsonl(out))
    assert ids == Counter(d.id for d in docs)
    assert not shards.exists()


def test_killed_local_worker_is_replaced_and_its_batches_redone(tmp_path: Path) -> None:
    from pipeline.batch.executors.local import LocalExecutor
    from pipeline.batch.shards import Batch, document_key

    docs = documents(60, seed=13)
    batches = [
        Batch.of(docs[i : i + 3], [document_key(d) for d in docs[i : i + 3]], i) for i in range(0, 60, 3)
    ]
    killed: list[int] = []
    with LocalExecutor(workers=2) as pool:
        results = []
        for result in pool.map(batches, tmp_path):
            results.append(result)
            if len(results) == 2:
                killed.append(pool.worker_pids()[0])
                os.kill(killed[0], signal.SIGKILL)
        assert killed[0] not in pool.worker_pids()
    assert sorted(r.batch for r in results) == sorted(b.id for b in batches)
    assert Counter(r["id"] for r in shard_records(tmp_path)) == Counter(d.id for d in docs)
