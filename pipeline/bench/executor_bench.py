"""Annotation at scale: a naive per-document loop against the local pool and Dask executors.

On a generated corpus of case notes and report prose (`pipeline.bench.corpus`) it prints docs/s
and words/s for (a) `nlp(text)` + `doc_to_record` per document in this process, (b) the local
executor with 1 and 2 workers, (c) Dask (LocalCluster) with 2 workers, and the speed-up of each
against (a): end to end (worker start-up and pipeline loading included) and steady (from the
moment every worker has finished a batch). Then peak memory of the driver and of each worker
for a stream of 1k and 20k short notes read from a JSON lines file: flat memory means the
figures do not grow with the corpus. The machine may be shared: each row also gives the CPU
seconds used (driver + workers), the cores that amounts to over the wall-clock time, docs per
CPU-second (the executors' efficiency, whatever the load) and the load average at the end.

    python -m pipeline.bench.executor_bench [--docs 1200] [--sizes 1000,20000] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.batch.shards import BatchResult, peak_rss_mb
from pipeline.bench.corpus import document
from pipeline.records import Document, dumps, read_jsonl


@dataclass
class Timing:
    """One measured run."""

    label: str
    docs: int
    words: int
    seconds: float
    steady_seconds: float
    steady_docs: int
    cpu: float
    load: float
    worker_peak_mb: float = 0.0

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds

    @property
    def steady_docs_per_s(self) -> float:
        return self.steady_docs / self.steady_seconds if self.steady_seconds > 0 else self.docs_per_s


def cpu_seconds() -> float:
    """User + system CPU of this process and of its reaped children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Steady:
    """Counts documents finished after every worker has delivered its first batch."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.seen: set[str] = set()
        self.since: float | None = None
        self.docs = 0

    def __call__(self, result: BatchResult) -> None:
        if self.since is not None:
            self.docs += result.documents
            return
        self.seen.add(result.worker)
        if len(self.seen) >= self.workers:
            self.since = time.perf_counter()


def naive(docs: list[Document], words: int) -> Timing:
    """(a): one process, one `nlp(text)` per document, converted to its record."""
    import pipeline
    from pipeline.nlp.convert import doc_to_record

    cpu0, start = cpu_seconds(), time.perf_counter()
    nlp = pipeline.load()
    loaded = time.perf_counter()
    for d in docs:
        doc_to_record(nlp(d.text), d)
    end = time.perf_counter()
    return Timing(
        "(a) naive loop, nlp(text) per document",
        len(docs),
        words,
        end - start,
        end - loaded,
        len(docs),
        cpu_seconds() - cpu0,
        os.getloadavg()[0],
    )


def executor_run(
    label: str, executor: str, workers: int, docs: Iterator[Document], ndocs: int, words: int, batch: int
) -> Timing:
    from pipeline.batch.distribute import annotate_to_shards

    steady = Steady(workers)
    with tempfile.TemporaryDirectory(prefix="vawg-exec-bench-") as tmp:
        cpu0, start = cpu_seconds(), time.perf_counter()
        run = annotate_to_shards(
            docs,
            Path(tmp),
            executor=executor,
            workers=workers,
            batch_size=batch,
            inline_below=0,
            on_batch=steady,
        )
        end = time.perf_counter()
    assert run.documents == ndocs, f"{label}: {run.documents} of {ndocs} documents"
    since = steady.since if steady.since is not None else start
    return Timing(
        label,
        ndocs,
        words,
        end - start,
        end - since,
        steady.docs,
        cpu_seconds() - cpu0,
        os.getloadavg()[0],
        max(run.worker_peak_mb.values(), default=0.0),
    )


def print_row(t: Timing, base: Timing | None) -> None:
    ratio = f"{t.docs_per_s / base.docs_per_s:5.2f}x" if base else "   1x"
    steady = f"{t.steady_docs_per_s / base.steady_docs_per_s:5.2f}x" if base else "   1x"
    print(
        f"   {t.label:<40} {t.docs_per_s:7.1f} docs/s {t.words / t.seconds:9.0f} words/s  {ratio} "
        f"(steady {t.steady_docs_per_s:6.1f} docs/s {steady})  {t.seconds:6.1f} s wall "
        f"{t.cpu:6.1f} s cpu ({t.cpu / t.seconds:4.2f} cores, {t.docs / t.cpu:5.1f} docs/cpu-s)  "
        f"load {t.load:4.1f}",
        flush=True,
    )


def short_notes(count: int, seed: int = 3) -> Iterator[Document]:
    """`count` short case notes (a few log lines or sentences each), generated lazily."""
    rng = random.Random(seed)
    made = 0
    while made < count:
        lines = [ln for ln in document(rng).splitlines() if ln.strip()]
        for i in range(0, len(lines), 3):
            if made >= count:
                return
            yield Document(id=f"note-{made:06d}", text="\n".join(lines[i : i + 3]))
            made += 1


def memory_run(size: int, workers: int, batch: int) -> None:
    """One memory row: `size` notes streamed from a file through the local executor."""
    with tempfile.TemporaryDirectory(prefix="vawg-exec-mem-") as tmp:
        src = Path(tmp) / "notes.jsonl"
        words = 0
        with open(src, "w", encoding="utf-8") as fh:
            for note in short_notes(size):
                words += len(note.text.split())
                fh.write(dumps({"id": note.id, "text": note.text}) + "\n")
        docs = (Document.from_record(r) for r in read_jsonl(src))
        t = executor_run(f"{size} notes", "local", workers, docs, size, words, batch)
    print(
        f"   {size:>7} notes {words:>9} words  {t.docs_per_s:7.1f} docs/s  "
        f"worker peak {t.worker_peak_mb:6.1f} MB  driver peak {peak_rss_mb():6.1f} MB  "
        f"{t.seconds:6.1f} s wall {t.cpu:6.1f} s cpu  load {t.load:4.1f}",
        flush=True,
    )


def memory(sizes: list[int], workers: int, batch: int) -> None:
    """Each size in a fresh driver process, so its peak RSS is its own."""
    import subprocess
    import sys

    print(f"   memory, local executor, {workers} workers, batches of {batch}, notes streamed from a file:")
    for size in sizes:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pipeline.bench.executor_bench",
                "--memory-run",
                str(size),
                "--workers",
                str(workers),
                "--batch-size",
                str(batch),
            ],
            check=True,
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=int, default=1200, help="documents in the speed corpus")
    parser.add_argument("--sizes", default="1000,20000", help="note counts for the memory runs")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--memory-run", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_run:
        memory_run(args.memory_run, args.workers, args.batch_size)
        return
    rng = random.Random(1)
    texts = [document(rng) for _ in range(args.docs)]
    docs = [Document(id=f"doc-{i:06d}", text=t) for i, t in enumerate(texts)]
    words = sum(len(t.split()) for t in texts)
    print(
        f"   {len(docs)} documents, {words} words (case logs and report prose); {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f} at start; batches of {args.batch_size}",
        flush=True,
    )
    base = naive(docs, words)
    print_row(base, None)
    runs = [(f"(b) local executor, {n} worker(s)", "local", n) for n in sorted({1, args.workers})]
    if not args.no_dask:
        runs.append((f"(c) dask LocalCluster, {args.workers} workers", "dask", args.workers))
    for label, executor, n in runs:
        print_row(executor_run(label, executor, n, iter(docs), len(docs), words, args.batch_size), base)
    print(f"   peak RSS of this process so far: {peak_rss_mb():.1f} MB", flush=True)
    memory([int(s) for s in args.sizes.split(",") if s], args.workers, args.batch_size)
    print("   load average at the end: " + " ".join(f"{x:.1f}" for x in os.getloadavg()), flush=True)


if __name__ == "__main__":
    main()
