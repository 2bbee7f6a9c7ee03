"""Pseudonymised search pages (`vawg serve --redact`): what a first hit in a large document costs,
and what the per-document plans (in memory, kept in the store) save.

Indexes one generated case file of about `--chars` characters full of names, phones and
addresses, then times the hits of a 20-hit search page being pseudonymised: first (the plan is
found), again (memory cache), by a restarted server (plan kept in the store), the next page.

    python -m pipeline.bench.privacy_web_bench [--chars 100000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

SENTENCE = (
    "On {d}/03/2023 PC 4471 Hughes served a DVPN on suspect Tariq Shah at 14 Acacia Rd, "
    "and victim Amira Khan rang 07700 900123. "
)


def _record(chars: int) -> dict[str, object]:
    parts: list[str] = []
    size = 0
    while size < chars:
        parts.append(SENTENCE.format(d=len(parts) % 28 + 1))
        size += len(parts[-1])
    text = "".join(parts)
    entities, pos = [], text.find("DVPN")
    while pos >= 0:
        entities.append({"start": pos, "end": pos + 4, "label": "DVPN", "status": "used", "text": "DVPN"})
        pos = text.find("DVPN", pos + 1)
    return {"id": "big-case", "text": text, "meta": {}, "entities": entities, "signals": []}


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> None:
    from pipeline.privacy.web import WebPrivacy
    from pipeline.store import open_store, search

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=100_000)
    args = parser.parse_args(argv)
    record = _record(args.chars)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "corpus.db")
        with open_store(db, create=True) as store:
            store.index_records([record])
        with open_store(db) as store:
            page1, page2 = search(store, "DVPN", None, 20, 0), search(store, "DVPN", None, 20, 20)
            privacy = WebPrivacy()
            first = _timed(lambda: privacy.result(store, page1))
            again = _timed(lambda: privacy.result(store, page1))
            restarted = WebPrivacy()
            kept = _timed(lambda: restarted.result(store, page1))
            following = _timed(lambda: restarted.result(store, page2))
    chars = len(str(record["text"]))
    print(f"   document: {chars:,} characters; 20 hits a page")
    print(f"   first page, plan found:      {first:8.2f} s ({chars / first:,.0f} chars/s)")
    print(f"   same page, memory cache:     {again * 1000:8.1f} ms")
    print(f"   restarted, plan kept:        {kept * 1000:8.1f} ms")
    print(f"   next page:                   {following * 1000:8.1f} ms")
    print(f"   redacting the whole document per hit instead: ~{first * 20:.0f} s a page (20 x first)")


if __name__ == "__main__":
    main()
