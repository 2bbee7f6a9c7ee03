"""Run every benchmark: each `pipeline/bench/*_bench.py` module's `main()` (`make bench`)."""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path


def main() -> int:
    """Import and run each `*_bench` module in name order; a failing one is reported, not fatal."""
    failed = 0
    for path in sorted(Path(__file__).resolve().parent.glob("*_bench.py")):
        name = f"pipeline.bench.{path.stem}"
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        try:
            importlib.import_module(name).main()
        except Exception as exc:  # a broken benchmark must not hide the others
            failed += 1
            print(f"   FAILED: {type(exc).__name__}: {exc}", flush=True)
        print(f"   ({time.perf_counter() - start:.1f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
