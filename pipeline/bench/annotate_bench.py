"""Annotation throughput: words/s and docs/s in one process and in two, and peak memory.

The corpus is generated (`pipeline.bench.corpus`, >= 1M words by default). One process runs
`nlp.pipe` over every document; two processes split the documents into batches with a
process pool whose workers load the pipeline once and return compact results (counts, not
Docs). Figures are printed for the full default pipeline and for mentions alone.

    python -m pipeline.bench.annotate_bench [--words 1000000] [--batch 64]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import time
from collections.abc import Sequence
from typing import Any

from pipeline.bench.corpus import generate_documents

_worker_nlp: Any = None


def _load(components: list[str] | None) -> Any:
    from pipeline.nlp.loader import build_pipeline

    return build_pipeline(components=components)


def _init_worker(components: list[str] | None) -> None:
    global _worker_nlp
    _worker_nlp = _load(components)


def _annotate_batch(texts: list[str]) -> tuple[int, int]:
    """Annotate a batch in a worker; return (documents, mentions) only."""
    mentions = 0
    for doc in _worker_nlp.pipe(texts, batch_size=64):
        mentions += len(doc.ents)
    return len(texts), mentions


def _noop(_: int) -> int:
    return 0


def one_process(nlp: Any, texts: Sequence[str], batch: int) -> tuple[float, float, int]:
    """Wall and CPU seconds to annotate all texts in this process, and the mentions found."""
    start, cpu = time.perf_counter(), time.process_time()
    mentions = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=batch))
    return time.perf_counter() - start, time.process_time() - cpu, mentions


def two_processes(components: list[str] | None, texts: Sequence[str], batch: int) -> tuple[float, int]:
    """Seconds for a two-worker pool over document batches (workers warmed up first)."""
    chunks = [list(texts[i : i + batch]) for i in range(0, len(texts), batch)]
    ctx = mp.get_context("fork")
    with ctx.Pool(2, initializer=_init_worker, initargs=(components,)) as pool:
        pool.map(_noop, range(4))  # make sure both workers have loaded the pipeline
        start = time.perf_counter()
        results = pool.map(_annotate_batch, chunks, chunksize=1)
        seconds = time.perf_counter() - start
    return seconds, sum(m for _, m in results)


MENTIONS = ["vawg_shorthand", "vawg_sentences", "vawg_mentions"]


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def run(words: int = 1_000_000, batch: int = 64, seed: int = 0) -> dict[str, Any]:
    """Measure and return the figures (also printed by `main`)."""
    texts = generate_documents(words, seed)
    n_words = sum(len(t.split()) for t in texts)
    figures: dict[str, Any] = {"documents": len(texts), "words": n_words}
    from pipeline.nlp.loader import build_pipeline

    full = build_pipeline()
    start, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        full.make_doc(text)
    figures["tokenizer_only"] = {
        "words_per_s": n_words / (time.perf_counter() - start),
        "words_per_cpu_s": n_words / (time.process_time() - cpu),
    }
    setups: list[tuple[str, list[str] | None]] = [
        ("full " + "+".join(full.pipe_names), None),
        ("mentions + status rules + status model", [*MENTIONS, "vawg_status", "vawg_status_model"]),
        ("mentions + status rules", [*MENTIONS, "vawg_status"]),
        ("mentions (shorthand+sentences+mentions)", MENTIONS),
    ]
    for name, components in setups:
        nlp = full if components is None else _load(components)
        nlp(texts[0])
        secs1, cpu1, found1 = one_process(nlp, texts, batch)
        secs2, found2 = two_processes(components, texts, batch)
        if found1 != found2:
            raise RuntimeError(f"{name}: one and two processes disagree ({found1} vs {found2} mentions)")
        figures[name] = {
            "mentions": found1,
            "one_process": {
                "seconds": secs1,
                "words_per_s": n_words / secs1,
                "docs_per_s": len(texts) / secs1,
                "words_per_cpu_s": n_words / cpu1,
            },
            "two_processes": {
                "seconds": secs2,
                "words_per_s": n_words / secs2,
                "docs_per_s": len(texts) / secs2,
            },
            "speedup": secs1 / secs2,
        }
    figures["load_average"] = os.getloadavg()[0]
    figures["peak_rss_mb"] = {
        "main": _peak_mb(resource.RUSAGE_SELF),
        "largest_worker": _peak_mb(resource.RUSAGE_CHILDREN),
    }
    return figures


def main(argv: Sequence[str] | None = None) -> None:
    """Print the annotation throughput figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=64)
    args = ap.parse_args(argv if argv is not None else [])
    fig = run(args.words, args.batch)
    print(f"corpus: {fig['documents']} documents, {fig['words']:,} words (generated, seed 0)")
    tok = fig["tokenizer_only"]
    print(
        f"tokenizer alone (reference for this machine's speed): {tok['words_per_s']:,.0f} words/s, "
        f"{tok['words_per_cpu_s']:,.0f} words per CPU-second"
    )
    for name, f in fig.items():
        if not isinstance(f, dict) or "one_process" not in f:
            continue
        one, two = f["one_process"], f["two_processes"]
        print(f"{name}: {f['mentions']:,} mentions")
        print(
            f"  1 process : {one['words_per_s']:>10,.0f} words/s {one['docs_per_s']:>8,.1f} docs/s "
            f"({one['seconds']:.1f} s; {one['words_per_cpu_s']:,.0f} words per CPU-second)"
        )
        print(
            f"  2 processes: {two['words_per_s']:>10,.0f} words/s {two['docs_per_s']:>8,.1f} docs/s "
            f"({two['seconds']:.1f} s, x{f['speedup']:.2f})"
        )
    print(f"load average while measuring: {fig['load_average']:.2f} on {os.cpu_count()} cores")
    rss = fig["peak_rss_mb"]
    print(f"peak RSS: main {rss['main']:.0f} MB, largest worker {rss['largest_worker']:.0f} MB")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
