"""Helpers shared by the components: resolve data paths from the cfg, read and write JSON lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.paths import PROJECT_ROOT


def resolve(path: str | Path | None) -> Path | None:
    """A cfg path: absolute as given, relative to the project root otherwise."""
    if path is None or str(path) == "":
        return None
    p = Path(path)
    return p if p.is_absolute() else PROJECT_ROOT / p


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Objects from one .jsonl file or every .jsonl file of a folder (sorted); `#` lines are comments."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    rows: list[dict[str, Any]] = []
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{f}:{n}: not valid JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise InputError(f"{f}:{n}: not a JSON object")
            obj.setdefault("source", f.name)
            rows.append(obj)
    return rows


def write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write rows as JSON lines (used by the components' `to_disk`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
