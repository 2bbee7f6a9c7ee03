"""Web app benchmark: page latency over a generated store, through the real ASGI app.

Indexes generated records (default 200k sentences, from `store_bench.generate`) into a fresh
SQLite store, signs in once, then times each page kind with varied inputs: a word search page
(hits + facet counts + extra facets + audit row), a filter-only search page, the landing page
(no query: every sentence counted), a document page,
the dashboard, a KWIC page and a full CSV export; and one argon2 sign-in.

    python -m pipeline.bench.web_bench [--sentences 200000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pipeline import labels
from pipeline.bench.store_bench import _percentiles, generate
from pipeline.store import open_store


def main(argv: Sequence[str] | None = None) -> None:
    from fastapi.testclient import TestClient

    from pipeline.web import create_app
    from pipeline.web.db import connect
    from pipeline.web.security import add_user

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--sentences", type=int, default=int(os.environ.get("VAWG_BENCH_WEB_SENTENCES", 200_000))
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page kind")
    args = parser.parse_args(list(argv) if argv is not None else [])
    records, vocab = generate(args.sentences)
    rng = np.random.default_rng(5)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "corpus.db")
        with open_store(db, create=True) as store:
            store.index_records(records, batch_size=500)
            store.optimize()  # type: ignore[attr-defined]
        with connect(db) as store:
            add_user(store, "bench", "admin", "bench passphrase")
        client = TestClient(create_app(db), base_url="http://127.0.0.1")
        page = client.get("/login")
        csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        start = time.perf_counter()
        client.post("/login", data={"username": "bench", "password": "bench passphrase", "csrf": csrf})
        login_ms = (time.perf_counter() - start) * 1000
        measures, statuses = labels.measures(), labels.statuses()
        docs = [r["id"] for r in records]
        kinds = {
            "search page (word)": lambda i: f"/?q={vocab[int(rng.integers(20, 2000))]}",
            "search page (filters)": lambda i: f"/?measure={measures[i % 19]}&status={statuses[i % 7]}",
            "search page (landing)": lambda i: "/",
            "document page": lambda i: f"/doc?id={docs[int(rng.integers(0, len(docs)))]}",
            "dashboard": lambda i: "/dashboard",
            "kwic page": lambda i: f"/kwic?measure={measures[i % 19]}",
            "csv export (word)": lambda i: f"/export.csv?q={vocab[int(rng.integers(20, 300))]}",
        }
        print(
            f"   {args.sentences:,} sentences, {len(docs):,} documents; sign-in (argon2id) {login_ms:.0f} ms"
        )
        for name, url in kinds.items():
            repeat = (
                max(3, args.repeat // 5)
                if name in ("dashboard", "csv export (word)", "search page (landing)")
                else args.repeat
            )
            t0 = time.perf_counter()
            client.get(url(0))
            first = (time.perf_counter() - t0) * 1000
            samples = []
            for i in range(repeat):
                target = url(i)
                t0 = time.perf_counter()
                response = client.get(target)
                samples.append(time.perf_counter() - t0)
                assert response.status_code == 200, (target, response.status_code)
            p50, p95 = _percentiles(samples)
            print(
                f"   {name:<22} first {first:7.1f} ms   p50 {p50:7.1f} ms   p95 {p95:7.1f} ms"
                f"   ({repeat} requests)"
            )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
