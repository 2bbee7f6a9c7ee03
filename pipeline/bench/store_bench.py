"""Corpus store benchmark: index throughput, store size and query latency at scale.

Generates annotated records (default 1M sentences, ~12% with a measure mention, ~4% with a
signal), indexes them into a fresh SQLite store (and PostgreSQL when VAWG_TEST_PG is set),
then times four query kinds over varied terms: a word, a phrase, a filter-only query
(measure + status + signal) and a combined query (words + filters) with its facets.

    python -m pipeline.bench.store_bench [--sentences 1000000] [--queries 60] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pipeline import labels
from pipeline.store import CorpusStore, Filters, facets, open_store, search

FORCES = ["Kent", "Essex", "Surrey", "Sussex", "Thames Valley", "Merseyside", "Cumbria", "Dyfed-Powys"]
TYPES = ["case_file", "review", "inspection_report", "case_notes"]
SURFACE = {"OCCUPATION_ORDER": "occupation order", "RESTRAINING_ORDER": "restraining order"}
SENTENCES_PER_DOC = 50


def _vocabulary(rng: np.random.Generator, size: int = 6000) -> list[str]:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words = {"".join(rng.choice(letters, size=int(rng.integers(2, 10)))) for _ in range(size * 2)}
    return sorted(words)[:size]


def generate(n_sentences: int, seed: int = 7) -> tuple[list[dict[str, Any]], list[str]]:
    """Records totalling `n_sentences` sentences, and the vocabulary ranked by frequency."""
    rng = np.random.default_rng(seed)
    vocab = _vocabulary(rng)
    weights = 1.0 / np.arange(1, len(vocab) + 1) ** 1.05
    lengths = rng.integers(6, 22, size=n_sentences)
    word_ids = rng.choice(len(vocab), size=int(lengths.sum()), p=weights / weights.sum())
    measures, statuses, signals = labels.measures(), labels.statuses(), labels.signals()
    has_mention = rng.random(n_sentences) < 0.12
    has_signal = rng.random(n_sentences) < 0.04
    m_label = rng.integers(0, len(measures), n_sentences)
    m_status = rng.integers(0, len(statuses), n_sentences)
    s_label = rng.integers(0, len(signals), n_sentences)
    records: list[dict[str, Any]] = []
    pos = 0
    for d in range(0, n_sentences, SENTENCES_PER_DOC):
        parts: list[str] = []
        entities: list[dict[str, Any]] = []
        sigs: list[dict[str, Any]] = []
        offset = 0
        for i in range(d, min(d + SENTENCES_PER_DOC, n_sentences)):
            ws = [vocab[k] for k in word_ids[pos : pos + lengths[i]]]
            pos += lengths[i]
            ws[0] = ws[0].capitalize()
            sentence = " ".join(ws)
            if has_mention[i]:
                label = measures[m_label[i]]
                surface = SURFACE.get(label, label)
                at = offset + len(sentence) + 1
                sentence += f" {surface}"
                entities.append(
                    {"start": at, "end": at + len(surface), "label": label, "status": statuses[m_status[i]]}
                )
            sentence += "."
            if has_signal[i]:
                sigs.append(
                    {
                        "label": signals[s_label[i]],
                        "start": offset,
                        "end": offset + len(sentence),
                        "score": 0.8,
                    }
                )
            parts.append(sentence)
            offset += len(sentence) + 1
        n = d // SENTENCES_PER_DOC
        meta = {
            "force": FORCES[n % len(FORCES)],
            "date": f"{2019 + n % 6}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "document_type": TYPES[n % len(TYPES)],
        }
        text = " ".join(parts)
        records.append(
            {"id": f"bench-{n:07d}", "text": text, "meta": meta, "entities": entities, "signals": sigs}
        )
    return records, vocab


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    fn()  # warm the cache once
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return _percentiles(samples)


def _queries(records: list[dict[str, Any]], vocab: list[str], n: int, seed: int = 11) -> dict[str, list[Any]]:
    rng = np.random.default_rng(seed)
    measures, statuses, signals = labels.measures(), labels.statuses(), labels.signals()
    words = [vocab[int(k)] for k in rng.integers(20, 2000, n)]
    phrases = []
    for k in rng.integers(0, len(records), n):
        ws = records[int(k)]["text"].split(".")[0].lower().split()
        i = int(rng.integers(0, max(1, len(ws) - 1)))
        phrases.append(f'"{" ".join(ws[i : i + 2])}"')
    filters = [
        Filters(measure=(measures[int(a)],), status=(statuses[int(b)],), signal=(signals[int(c)],))
        for a, b, c in zip(rng.integers(0, 19, n), rng.integers(0, 7, n), rng.integers(0, 12, n), strict=True)
    ]
    combined = [
        (
            vocab[int(w)],
            Filters(
                measure=(measures[int(m)],),
                force=(FORCES[int(f)],),
                date_from="2020-01-01",
                date_to="2023-12-31",
            ),
        )
        for w, m, f in zip(
            rng.integers(5, 300, n), rng.integers(0, 19, n), rng.integers(0, 8, n), strict=True
        )
    ]
    return {"word": words, "phrase": phrases, "filters": filters, "combined": combined}


def _cycle(items: list[Any]) -> Iterator[Any]:
    while True:
        yield from items


def bench_store(
    store: CorpusStore, records: list[dict[str, Any]], vocab: list[str], repeat: int
) -> dict[str, Any]:
    n_sentences = 0
    start = time.perf_counter()
    stats = store.index_records(records, batch_size=500)
    optimize = getattr(store, "optimize", None)
    if optimize is not None:
        optimize()
    seconds = time.perf_counter() - start
    n_sentences = stats.sentences
    out: dict[str, Any] = {
        "sentences": n_sentences,
        "rows_per_s": (stats.sentences + stats.mentions + stats.signals) / seconds,
        "sentences_per_s": n_sentences / seconds,
        "index_s": seconds,
    }
    qs = _queries(records, vocab, repeat)
    word, phrase, filt, comb = (_cycle(qs[k]) for k in ("word", "phrase", "filters", "combined"))
    out["word"] = _time(lambda: search(store, next(word)), repeat)
    out["phrase"] = _time(lambda: search(store, next(phrase)), repeat)
    out["filters"] = _time(lambda: search(store, "", next(filt)), repeat)

    def combined() -> None:
        q, f = next(comb)
        search(store, q, f)
        facets(store, q, f)

    out["combined+facets"] = _time(combined, repeat)
    out["frequent word"] = _time(lambda: search(store, vocab[0]), max(5, repeat // 4))
    return out


_PG_SIZE = (
    "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c JOIN pg_namespace n"
    " ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'"
)


def _report(name: str, r: dict[str, Any], size: str) -> None:
    print(
        f"   {name}: {r['sentences']:,} sentences indexed in {r['index_s']:.1f} s = "
        f"{r['sentences_per_s']:,.0f} sentences/s ({r['rows_per_s']:,.0f} rows/s incl. mentions and signals);"
        f" store size {size}"
    )
    for kind in ("word", "phrase", "filters", "combined+facets", "frequent word"):
        p50, p95 = r[kind]
        print(f"   {name} {kind:<16} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--sentences", type=int, default=int(os.environ.get("VAWG_BENCH_SENTENCES", 1_000_000))
    )
    parser.add_argument("--queries", type=int, default=60, help="timed runs per query kind")
    parser.add_argument("--keep", type=Path, help="folder to keep the SQLite store in")
    args = parser.parse_args(list(argv) if argv is not None else [])
    t0 = time.perf_counter()
    records, vocab = generate(args.sentences)
    print(
        f"   generated {len(records):,} documents, {args.sentences:,} sentences "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        db = folder / "bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        with open_store(str(db), create=True) as store:
            result = bench_store(store, records, vocab, args.queries)
        size = sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists())
        _report("sqlite", result, f"{size / 2**20:,.0f} MiB")
    url = os.environ.get("VAWG_TEST_PG")
    if url:
        store = open_store(url, create=True, schema=f"vawg_bench_{uuid.uuid4().hex[:8]}")
        try:
            result = bench_store(store, records, vocab, args.queries)
            size = store.query(_PG_SIZE)[0][0]
            _report("postgresql", result, str(size))
        finally:
            store.drop_schema()  # type: ignore[attr-defined]
            store.close()
    else:
        print("   postgresql: skipped (set VAWG_TEST_PG=postgresql://... to include it)")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
