"""CSV and XLSX case-note exports: one Document per case (grouped rows) or per row.

Columns are chosen by `ReadOptions` (`text_column`, `id_column`, `group_by`) or detected:
the text column by name (text, note(s), entry, details, ...) or by the longest values; the case
column (case_ref, crime_ref, urn, ...) when neither `id_column` nor `group_by` is given and values
repeat; the date column by name and parsable values (UK day-first formats).

A grouped case becomes one Document: its entries in date order (source order when any entry has
no date), each entry preceded by its timestamp line, separated by a blank line. `meta["rows"]`
lists each entry's row (numbered as a spreadsheet shows it: the header is row 1), its `start`/`end`
in the text and its other columns. Spreadsheet rows are not pages, so `pages` stays empty.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from pipeline.ingest.base import Reader, ReadFailure, ReadOptions, SourceResult, Status, register
from pipeline.ingest.helpers import base_meta, normalise_newlines, slug, zip_names
from pipeline.ingest.tables import (
    GROUP_NAMES,
    Table,
    date_column,
    find_column,
    load_csv,
    load_xlsx,
    looks_like_csv,
    named_column,
    parse_time,
    parse_when,
    text_column,
    time_column,
)
from pipeline.records import Document

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".log", ".rst", ".json", ".jsonl", ".html", ".htm")


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _stamp(value: Any) -> str:
    """How a date cell reads in the text: the source string, or dd/mm/yyyy hh:mm for real dates."""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != time() else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip() if value is not None else ""


class _Columns:
    """The roles chosen for one table's columns."""

    def __init__(self, table: Table, options: ReadOptions) -> None:
        self.id = find_column(table, options.id_column)
        self.group = find_column(table, options.group_by)
        for given, found in ((options.id_column, self.id), (options.group_by, self.group)):
            if given and found is None:
                raise ReadFailure(
                    Status.UNSUPPORTED, f"no column {given!r} (columns: {', '.join(table.header)})"
                )
        self.group_detected = False
        if self.group is None and self.id is None:
            candidate = named_column(table, GROUP_NAMES)
            if candidate is not None and len(set(table.column(candidate))) < len(table.rows):
                self.group, self.group_detected = candidate, True
        taken = {i for i in (self.id, self.group) if i is not None}
        self.text = find_column(table, options.text_column)
        if options.text_column and self.text is None:
            raise ReadFailure(
                Status.UNSUPPORTED, f"no column {options.text_column!r} (columns: {', '.join(table.header)})"
            )
        self.date = date_column(table, taken | ({self.text} if self.text is not None else set()))
        if self.text is None:
            self.text = text_column(table, taken | ({self.date} if self.date is not None else set()))
        if self.text is None:
            raise ReadFailure(Status.UNSUPPORTED, "no free-text column found; name one with --text-column")
        self.time = time_column(
            table, taken | {self.text} | ({self.date} if self.date is not None else set())
        )

    def when(self, values: list[Any]) -> datetime | None:
        if self.date is None:
            return None
        moment = parse_when(values[self.date])
        if moment is not None and self.time is not None and moment.time() == time():
            clock = parse_time(values[self.time])
            if clock is not None:
                moment = datetime.combine(moment.date(), clock)
        return moment

    def stamp(self, values: list[Any]) -> str:
        if self.date is None:
            return ""
        parts = [_stamp(values[self.date])]
        if self.time is not None and values[self.time] not in (None, ""):
            parts.append(_stamp(values[self.time]))
        return " ".join(p for p in parts if p)


def _row_meta(table: Table, cols: _Columns, row: int, values: list[Any]) -> dict[str, Any]:
    skip = {cols.text, cols.group}
    meta: dict[str, Any] = {"row": row}
    for i, name in enumerate(table.header):
        if i not in skip and values[i] not in (None, ""):
            meta[name] = _jsonable(values[i])
    return meta


def _case_document(
    table: Table, cols: _Columns, rows: list[tuple[int, list[Any]]], doc_id: str, meta: dict[str, Any]
) -> Document:
    moments = [cols.when(values) for _, values in rows]
    ordered = list(zip(moments, rows, strict=True))
    if all(m is not None for m in moments):
        ordered.sort(key=lambda pair: pair[0])  # type: ignore[arg-type, return-value]
        meta["order"] = "date"
    else:
        meta["order"] = "source"
    parts: list[str] = []
    entries: list[dict[str, Any]] = []
    pos = 0
    for moment, (row, values) in ordered:
        stamp = cols.stamp(values)
        body = normalise_newlines(str(values[cols.text]).strip())  # type: ignore[index]
        if parts:
            parts.append("\n\n")
            pos += 2
        if stamp:
            parts.append(stamp + "\n")
            pos += len(stamp) + 1
        entry = _row_meta(table, cols, row, values)
        entry.update({"start": pos, "end": pos + len(body), "when": moment.isoformat() if moment else None})
        parts.append(body)
        pos += len(body)
        entries.append(entry)
    meta["rows"] = entries
    return Document(id=doc_id, text="".join(parts), meta=meta)


def table_documents(table: Table, options: ReadOptions, base: dict[str, Any], prefix: str) -> list[Document]:
    """Documents from one table: per case when grouped, else per row."""
    cols = _Columns(table, options)
    assert cols.text is not None
    filled = [(n, v) for n, v in table.rows if v[cols.text] not in (None, "") and str(v[cols.text]).strip()]
    common = dict(base, sheet=table.sheet, text_column=table.header[cols.text])
    if cols.date is not None:
        common["date_column"] = table.header[cols.date]
    common = {k: v for k, v in common.items() if v is not None}
    docs: list[Document] = []
    used: set[str] = set()

    def unique(doc_id: str) -> str:
        n, out = 1, doc_id
        while out in used:
            n += 1
            out = f"{doc_id}~{n}"
        used.add(out)
        return out

    if cols.group is not None:
        groups: dict[str, list[tuple[int, list[Any]]]] = {}
        for n, values in filled:
            groups.setdefault(str(_jsonable(values[cols.group]) or "").strip(), []).append((n, values))
        for case, rows in groups.items():
            meta = dict(
                common, case=case, group_by=table.header[cols.group], group_detected=cols.group_detected
            )
            docs.append(_case_document(table, cols, rows, unique(f"{prefix}-{slug(case or 'none')}"), meta))
        return docs
    for n, values in filled:
        text = normalise_newlines(str(values[cols.text]).strip())
        row_meta = _row_meta(table, cols, n, values)
        moment = cols.when(values)
        if moment is not None:
            row_meta["when"] = moment.isoformat()
        name = str(_jsonable(values[cols.id])) if cols.id is not None else f"r{n}"
        meta = dict(common, **row_meta)
        docs.append(Document(id=unique(f"{prefix}-{slug(name)}"), text=text, meta=meta))
    return docs


class TabularReader(Reader):
    name = "tabular"
    extensions = (".csv", ".tsv", ".xlsx", ".xlsm")

    def sniff(self, head: bytes, path: Path) -> bool:
        if "xl/workbook.xml" in zip_names(path, head):
            return True
        if path.suffix.lower() in TEXT_SUFFIXES or b"\x00" in head:
            return False
        return looks_like_csv(head)

    def read(self, path: Path, options: ReadOptions, *, source_id: str, sha256: str) -> SourceResult:
        with open(path, "rb") as fh:
            head = fh.read(4096)
        is_xlsx = "xl/workbook.xml" in zip_names(path, head)
        tables = load_xlsx(path) if is_xlsx else load_csv(path)
        fmt = "xlsx" if is_xlsx else "csv"
        docs: list[Document] = []
        skipped: list[str] = []
        for n, table in enumerate(tables):
            prefix = source_id if n == 0 else f"{source_id}-{slug(table.sheet or n)}"
            base = base_meta(path, sha256, self.name, format=fmt)
            try:
                docs.extend(table_documents(table, options, base, prefix))
            except ReadFailure as failure:
                if len(tables) == 1:
                    raise
                skipped.append(f"sheet {table.sheet!r}: {failure.reason}")
        if not docs:
            raise ReadFailure(Status.EMPTY, "; ".join(skipped) or "no rows with text")
        return SourceResult(Status.OK, reason="; ".join(skipped), pages=0, documents=docs)


register(TabularReader())
