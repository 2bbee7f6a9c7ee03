"""File-level export and import for the three formats (what `vawg export` / `vawg import` call)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.errors import InputError, UsageError, not_found
from pipeline.records import read_jsonl, write_jsonl_atomic
from pipeline.train.interchange.common import ImportReport

FORMATS = ("labelstudio", "prodigy", "docbin")
# kinds that note something the reader repaired or that a person chose, not an error
NOTES = frozenset({"utf16_offsets", "cancelled", "not_accepted", "not_annotated", "duplicate", "overlap"})


def read_records(path: Path) -> list[dict[str, Any]]:
    """Records from a JSON lines file; each needs an `id` and a `text`."""
    if not path.is_file():
        raise not_found(path)
    rows = list(read_jsonl(path))
    for n, row in enumerate(rows, 1):
        if "text" not in row or "id" not in row:
            raise InputError(f"{path}: record {n} needs 'id' and 'text'")
    return rows


def export_records(fmt: str, records: list[dict[str, Any]], out: Path,
                   model_version: str = "vawg") -> dict[str, Any]:
    """Write records in one tool's import format; return counts and any spans it could not place."""
    if fmt == "labelstudio":
        from pipeline.train.interchange import labelstudio

        return {"records": len(records), "tasks": labelstudio.write_tasks(records, out, model_version),
                "problems": []}
    if fmt == "prodigy":
        from pipeline.train.interchange import prodigy

        return {"records": len(records), "tasks": prodigy.write_tasks(records, out), "problems": []}
    if fmt == "docbin":
        from pipeline.train.interchange import docbin

        n, report = docbin.write_docbin(records, out)
        return {"records": n, "tasks": n, "problems": report.lines()}
    raise UsageError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def read_annotations(fmt: str, path: Path) -> tuple[list[dict[str, Any]], ImportReport]:
    """Records and a report from one tool's export file."""
    if fmt == "labelstudio":
        from pipeline.train.interchange import labelstudio

        return labelstudio.read_export(path)
    if fmt == "prodigy":
        from pipeline.train.interchange import prodigy

        return prodigy.read_answers(path)
    if fmt == "docbin":
        from pipeline.train.interchange import docbin

        return docbin.read_docbin(path)
    raise UsageError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def errors_of(report: ImportReport) -> list[str]:
    """Problem lines that are errors (conflicts, malformed items), not notes."""
    return [p.line() for p in report.problems if p.kind not in NOTES]


def import_annotations(fmt: str, path: Path, out: Path, strict: bool = False,
                       problems_out: Path | None = None) -> ImportReport:
    """Read an export, write its records to `out` (not with `strict` and errors); return the report."""
    records, report = read_annotations(fmt, path)
    if problems_out is not None:
        problems_out.parent.mkdir(parents=True, exist_ok=True)
        problems_out.write_text("".join(line + "\n" for line in report.lines()), encoding="utf-8")
    if strict and errors_of(report):
        raise InputError(f"{path}: {len(errors_of(report))} conflicting or malformed annotations "
                         f"(first: {errors_of(report)[0]}); nothing written")
    write_jsonl_atomic(out, records)
    return report
