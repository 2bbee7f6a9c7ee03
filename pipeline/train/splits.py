"""Deterministic train / heldout split of the gold set, keyed by a stable hash of the record id.

About a quarter of the items are heldout. Heldout items are for reporting only: never
use them to write or tune rules, pick thresholds, or train models.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

from pipeline.train.markup import GOLD_DIR, build_gold

Split = Literal["train", "heldout"]
HELDOUT_PERCENT = 25
_SALT = "vawg-gold-split-v1"


def split_of(record_id: str) -> Split:
    """``"heldout"`` for about 25% of ids, ``"train"`` for the rest; the same id always lands alike."""
    digest = hashlib.sha256(f"{_SALT}:{record_id}".encode()).digest()
    bucket = int.from_bytes(digest[:4], "big") % 100
    return "heldout" if bucket < HELDOUT_PERCENT else "train"


def load_gold(split: Split | None = None, folder: Path | str = GOLD_DIR) -> list[dict[str, Any]]:
    """Gold records from ``corpus/gold/*.md``, optionally only one split; ``meta.split`` is set."""
    if split not in (None, "train", "heldout"):
        raise ValueError(f"split must be 'train', 'heldout' or None, not {split!r}")
    records = []
    for record in build_gold(folder):
        part = split_of(record["id"])
        record["meta"]["split"] = part
        if split is None or part == split:
            records.append(record)
    return records
