"""The label contract (19 measures, 7 statuses, 12 signals), read from configs/labels.json."""

from __future__ import annotations

import json
from functools import cache

from pipeline.paths import CONFIGS


@cache
def _labels() -> dict[str, dict[str, str]]:
    return json.loads((CONFIGS / "labels.json").read_text(encoding="utf-8"))


def measures() -> list[str]:
    """The 19 measure codes, in contract order."""
    return list(_labels()["measures"])


def statuses() -> list[str]:
    """The 7 status values."""
    return list(_labels()["statuses"])


def signals() -> list[str]:
    """The 12 missed-opportunity signal codes."""
    return list(_labels()["signals"])


def describe(code: str) -> str:
    """One-line description of any measure, status or signal code."""
    for group in _labels().values():
        if code in group:
            return group[code]
    raise KeyError(code)
