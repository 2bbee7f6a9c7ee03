"""Import every reader so the registry is full: `import pipeline.ingest.readers` once.

Order matters for content sniffing: later registrations are tried first, so plain text
(the fallback for files without an extension) is registered first and zip containers last.
The PDF reader is optional: a checkout without it still reads everything else.

Extra readers (plugins, or test doubles) can be added without touching this package: set
`VAWG_EXTRA_READERS` to a comma-separated list of module names; each is imported after the
built-in readers and should call `register(...)`. The sandboxed batch worker imports this
module too, so it sees the same readers.
"""

from __future__ import annotations

import importlib
import os

from pipeline.ingest.base import registered

# Lowest priority first: later registrations sniff first, and plain text is the fallback.
BUILT_IN = (
    "pipeline.ingest.text",
    "pipeline.ingest.tabular",
    "pipeline.ingest.jsonl",
    "pipeline.ingest.html",
    "pipeline.ingest.rtf",
    "pipeline.ingest.word",
    "pipeline.ingest.archive",
)
OPTIONAL = ("pipeline.ingest.pdf",)  # imported when present

for _name in BUILT_IN:
    importlib.import_module(_name)
for _name in OPTIONAL:
    try:
        importlib.import_module(_name)
    except ImportError as exc:
        if exc.name != _name:  # present but broken: say so
            raise

EXTRA_ENV = "VAWG_EXTRA_READERS"


def _load_extra() -> list[str]:
    names = [n.strip() for n in os.environ.get(EXTRA_ENV, "").split(",") if n.strip()]
    for name in names:
        importlib.import_module(name)
    return names


EXTRA = _load_extra()

__all__ = ["EXTRA", "EXTRA_ENV", "registered"]
