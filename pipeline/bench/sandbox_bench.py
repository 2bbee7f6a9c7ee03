"""Batch ingestion overhead: the sandboxed, resumable runner against reading in-process.

Writes N small case-note text files and a large case-note CSV export to a temporary folder, then
reports sources/s and the per-source cost of the sandbox (fsynced manifest and documents
appends, a worker round trip) for `ingest()` with 1 and 2 workers, against `iter_documents`
in-process; the cost of a rerun where everything is already done; and CSV rows/s grouped by case.

    python -m pipeline.bench.sandbox_bench [--files 300] [--rows 50000]
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ENTRIES = [
    "Attended address, IP states susp pushed her. DASH completed - HIGH. MARAC referral to follow.",
    "Susp arrested, interviewed, released on pre-charge bail with conds not to contact IP.",
    "DVPN considered; not issued as bail conditions in place. Rationale recorded.",
    "IP reports breach of the non-mol order by text messages overnight. Screenshots obtained.",
    "Supervisor review: RUI not appropriate given risk; OIC to re-arrest and seek bail conditions.",
]


def write_sources(folder: Path, files: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    for n in range(files):
        lines = [
            f"{d:02d}/03/2023 {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} {rng.choice(ENTRIES)}"
            for d in range(1, 9)
        ]
        (folder / f"note-{n:05d}.txt").write_text(f"Case {n}\n" + "\n".join(lines) + "\n", encoding="utf-8")


def write_export(path: Path, rows: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["case_ref", "force", "entry_datetime", "officer", "entry_text"])
        for _ in range(rows):
            day, hour = rng.randint(1, 28), rng.randint(0, 23)
            case = f"NV/23/{rng.randint(1, rows // 10):05d}"
            out.writerow([case, "Northvale", f"{day:02d}/04/2023 {hour:02d}:15", "PC 1", rng.choice(ENTRIES)])


def timed(label: str, count: int, unit: str, func: object) -> float:
    start = time.perf_counter()
    func()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(
        f"   {label:<44} {count / seconds:10.1f} {unit}/s   {1000 * seconds / count:7.2f} ms each", flush=True
    )
    return seconds


def main(argv: Sequence[str] | None = None) -> None:
    from pipeline.batch.runner import ingest
    from pipeline.ingest.api import iter_documents
    from pipeline.ingest.base import ReadOptions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args(argv)
    options = ReadOptions()
    with tempfile.TemporaryDirectory(prefix="vawg-bench-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        write_sources(src, args.files)
        print(f"   {args.files} text sources of ~8 case-note entries", flush=True)
        timed(
            "in-process iter_documents",
            args.files,
            "sources",
            lambda: sum(1 for _ in iter_documents([src], options)),
        )
        for workers in (1, 2):
            out = Path(tmp) / f"out-{workers}"
            timed(
                f"ingest(), sandboxed, {workers} worker(s), incl. start-up",
                args.files,
                "sources",
                lambda out=out, workers=workers: ingest([src], out, options, progress=False, workers=workers),
            )
        timed(
            "rerun, everything already done",
            args.files,
            "sources",
            lambda: ingest([src], out, options, progress=False),
        )
        export = Path(tmp) / "export.csv"
        write_export(export, args.rows)
        print(f"   CSV export: {args.rows} rows, {args.rows // 10} cases", flush=True)
        timed(
            "tabular reader, grouped by case, date order",
            args.rows,
            "rows",
            lambda: list(iter_documents([export], options)),
        )


if __name__ == "__main__":
    main()
