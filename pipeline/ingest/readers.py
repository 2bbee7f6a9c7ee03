"""Import every reader so the registry is full: `import pipeline.ingest.readers` once.

Order matters only for content sniffing (later registrations are tried first), and the
sniffers are written not to overlap. Extra readers (plugins, or test doubles) can be added
without touching this package: set `VAWG_EXTRA_READERS` to a comma-separated list of module
names; each is imported after the built-in readers and should call `register(...)`.
The sandboxed batch worker imports this module too, so it sees the same readers.
"""

from __future__ import annotations

import importlib
import os

import pipeline.ingest.archive
import pipeline.ingest.html
import pipeline.ingest.jsonl
import pipeline.ingest.tabular
import pipeline.ingest.text
import pipeline.ingest.word  # noqa: F401
from pipeline.ingest.base import registered

try:  # the PDF reader is optional while it is being written
    import pipeline.ingest.pdf  # noqa: F401
except ImportError:
    pass

EXTRA_ENV = "VAWG_EXTRA_READERS"


def _load_extra() -> list[str]:
    names = [n.strip() for n in os.environ.get(EXTRA_ENV, "").split(",") if n.strip()]
    for name in names:
        importlib.import_module(name)
    return names


EXTRA = _load_extra()

__all__ = ["EXTRA", "EXTRA_ENV", "registered"]
