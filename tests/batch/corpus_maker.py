"""Small, varied case-note documents for the executor tests (seeded, so reruns match)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from pipeline.records import Document

LINES = [
    "Susp RUI'd at {h}00hrs, no bail conds considered.",
    "DVPN served on him at {h}30; he breached the DVPO on Friday.",
    "MARAC referral made by PC {n}. IDVA to call IP within 48 hrs.",
    "Bail lapsed on the {n}th and was not extended.",
    "Officers should consider a stalking protection order in every such case.",
    "IP does not support prosecution; DASH completed, graded HIGH.",
    "Nothing relevant in this entry.",
]


def documents(count: int, seed: int = 5) -> list[Document]:
    rng = random.Random(seed)
    docs = []
    for i in range(count):
        text = " ".join(
            rng.choice(LINES).format(h=rng.randint(10, 23), n=rng.randint(2, 99)) for _ in range(3)
        )
        docs.append(Document(id=f"case-{i:04d}", text=text, meta={"n": i}))
    return docs


def write_jsonl(path: Path, docs: list[Document]) -> Path:
    path.write_text("".join(json.dumps({"id": d.id, "text": d.text}) + "\n" for d in docs), encoding="utf-8")
    return path


def shard_records(shard_dir: Path) -> list[dict]:
    """Every record in every shard file (read directly, so a duplicate shard would show)."""
    out = []
    for shard in sorted(shard_dir.glob("part-*.jsonl")):
        out += [json.loads(line) for line in shard.read_text(encoding="utf-8").splitlines()]
    return out


def canonical(records: list[dict]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True) for r in records)
