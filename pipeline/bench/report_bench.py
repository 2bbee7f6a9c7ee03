"""Benchmark `vawg report`: tables, charts and a chronology over a generated SQLite store.

Records are random but seeded: case-note entries with dates, measure mentions and signals,
spread over forces and years. Prints the time of each step; sizes scale with VAWG_BENCH_DOCS.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from pipeline import labels

FORCES = ["Kent", "Essex", "Cumbria", "Dyfed-Powys", "Metropolitan", None]
PHRASES = [
    "Officers attended and spoke to the victim.",
    "The suspect was arrested at the address.",
    "Enquiries continued with the neighbours.",
    "The victim gave a first account on body-worn video.",
]


def _record(n: int, rng: random.Random, sentences: int) -> dict[str, Any]:
    measures, statuses, signals = labels.measures(), labels.statuses(), labels.signals()
    year = rng.choice([2020, 2021, 2022, 2023, None])
    text, ents, sigs = "", [], []
    for i in range(sentences):
        day = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d} "
        day += f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}hrs "
        if rng.random() < 0.3:
            code = rng.choice(measures)
            sentence = f"{day}A {code} was recorded on the log."
            at = len(text) + len(day) + 2
            ents.append({"start": at, "end": at + len(code), "label": code, "status": rng.choice(statuses)})
        else:
            sentence = day + rng.choice(PHRASES)
        if rng.random() < 0.08:
            sigs.append({"start": len(text), "end": len(text) + len(sentence), "label": rng.choice(signals)})
        text += sentence + ("\n" if i % 3 == 2 else " ")
    meta: dict[str, Any] = {"force": rng.choice(FORCES), "reader": "text"}
    if year:
        meta["date"] = f"{year}-06-01"
    return {"id": f"bench-{n:06d}", "text": text, "meta": meta, "entities": ents, "signals": sigs}


def main() -> None:
    from pipeline.report.chronology import build_chronology
    from pipeline.report.corpus import build_report
    from pipeline.report.output import write_chronology, write_corpus_report
    from pipeline.store import Filters, open_store

    docs = int(os.environ.get("VAWG_BENCH_DOCS", "3000"))
    rng = random.Random(8)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "corpus.db"
        start = time.perf_counter()
        with open_store(str(db), create=True) as store:
            stats = store.index_records((_record(n, rng, 40) for n in range(docs)), batch_size=500)
        print(f"   indexed {docs} documents, {stats.sentences} sentences, {stats.mentions} mentions, "
              f"{stats.signals} signals in {time.perf_counter() - start:.1f} s")  # fmt: skip
        with open_store(str(db)) as store:
            for name, query, filters in [
                ("whole store", "", Filters()),
                ("one force", "", Filters(force=("Kent",))),
                ("a measure and status", "", Filters(measure=("DVPO",), status=("breached",))),
                ("a text query", "arrested", Filters()),
            ]:
                start = time.perf_counter()
                report = build_report(store, query, filters)
                print(f"   tables, {name}: {time.perf_counter() - start:.2f} s "
                      f"({report.coverage.documents} documents)")  # fmt: skip
            start = time.perf_counter()
            written = write_corpus_report(build_report(store), Path(tmp) / "report")
            print(f"   tables + CSV + 3 charts + index.html: {time.perf_counter() - start:.2f} s "
                  f"({len(written.files)} files)")  # fmt: skip
            start = time.perf_counter()
            chron = build_chronology(store, "bench-000000")
            write_chronology(chron, Path(tmp) / "case")
            print(f"   chronology of a 40-entry log: {(time.perf_counter() - start) * 1000:.0f} ms "
                  f"({len(chron.events)} events)")  # fmt: skip


if __name__ == "__main__":
    main()
