"""Loading CSV/XLSX tables and finding their columns: text, case (group), date, id.

Used by `pipeline.ingest.tabular`. Dates are parsed day-first (UK): 03/04/2023 is 3 April.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from pipeline.ingest.base import ReadFailure, Status
from pipeline.ingest.helpers import decode_bytes, normalise_newlines

TEXT_NAMES = (
    "text", "entry_text", "note_text", "notes", "note", "entry", "details", "detail", "narrative",
    "description", "comments", "comment", "body", "content", "summary", "remarks", "log", "message",
)  # fmt: skip
TEXT_WORDS = ("text", "note", "narrative", "detail", "entry", "comment", "description", "remark", "log")
GROUP_NAMES = (
    "case_ref", "case_reference", "case_id", "case_number", "case_no", "case", "crime_ref", "crime_reference",
    "crime_number", "crime_no", "urn", "occurrence_ref", "occurrence_number", "occurrence", "incident_ref",
    "incident_number", "incident_id",
)  # fmt: skip
DATE_WORDS = ("datetime", "timestamp", "date", "time", "created", "recorded", "occurred", "when")
_HEADER_CELL = re.compile(r"[A-Za-z][\w .()/#&'-]{0,63}")
_DMY = re.compile(
    r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})"
    r"(?:[ T,]+(\d{1,2})[:.]?(\d{2})(?:[:.](\d{2}))?(?:\.\d+)?\s*(am|pm|hrs)?)?",
    re.I,
)
_TEXTUAL = ("%d %b %Y", "%d %B %Y", "%d %b %y", "%d %B %y")


@dataclass
class Table:
    """A sheet or CSV file: header names and data rows (with their 1-based line/row numbers)."""

    header: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    sheet: str | None = None

    def column(self, index: int) -> list[Any]:
        return [values[index] for _, values in self.rows]


def key(name: str) -> str:
    """Normalised column name: lower case, runs of non-alphanumerics as '_'."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _clean_header(cells: list[Any]) -> list[str]:
    names: list[str] = []
    for n, cell in enumerate(cells, 1):
        name = str(cell).strip() if cell is not None else ""
        name = name or f"column_{n}"
        while name in names:
            name = f"{name}_{n}"
        names.append(name)
    return names


def _table(raw_rows: list[tuple[int, list[Any]]], sheet: str | None) -> Table | None:
    rows = [(n, r) for n, r in raw_rows if any(v not in (None, "") and str(v).strip() for v in r)]
    if not rows:
        return None
    header = _clean_header(rows[0][1])
    width = len(header)
    data = [(n, (list(r) + [None] * width)[:width]) for n, r in rows[1:]]
    return Table(header=header, rows=data, sheet=sheet)


def csv_delimiter(sample: str, suffix: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        return "\t" if suffix == ".tsv" else ","


def load_csv(path: Path) -> list[Table]:
    text, _ = decode_bytes(path.read_bytes())
    text = normalise_newlines(text)
    delimiter = csv_delimiter(text[:16384], path.suffix.lower())
    try:
        raw = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)]
    except csv.Error as exc:
        raise ReadFailure(Status.CORRUPT, f"bad CSV: {exc}") from None
    table = _table(raw, None)
    return [table] if table else []


def load_xlsx(path: Path) -> list[Table]:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ReadFailure(Status.CORRUPT, f"not a readable .xlsx: {exc}") from None
    tables: list[Table] = []
    try:
        for ws in wb.worksheets:
            raw = [(n, list(row)) for n, row in enumerate(ws.iter_rows(values_only=True), 1)]
            table = _table(raw, ws.title)
            if table:
                tables.append(table)
    finally:
        wb.close()
    return tables


def looks_like_csv(head: bytes) -> bool:
    """A header row of short names and at least one data row with the same number of fields."""
    text = head.decode("utf-8", errors="ignore")
    if len(head) >= 4096 and "\n" in text:
        text = text[: text.rfind("\n")]  # drop a row cut by the sample
    for delimiter in (",", "\t", ";", "|"):
        try:
            rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r]
        except csv.Error:
            continue
        if len(rows) < 2 or len(rows[0]) < 2:
            continue
        header = [h.strip() for h in rows[0]]
        named = [h for n, h in enumerate(header) if h or n > 0]
        if len(named) != len(header) and header[0] != "":
            continue
        if not all(_HEADER_CELL.fullmatch(h) for h in named):
            continue
        if all(len(r) == len(header) for r in rows[1:]):
            return True
    return False


def parse_when(value: Any) -> datetime | None:
    """A date/time from a cell: datetime objects, dd/mm/yyyy [hh:mm[:ss]], ISO, '3 Apr 2023 [14:20]'."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip()
    m = _DMY.fullmatch(s)
    if m:
        d, mo, y, hh, mm, ss, ampm = m.groups()
        year = int(y) + (2000 if int(y) < 70 else 1900) if len(y) == 2 else int(y)
        hour = int(hh or 0)
        if ampm and ampm.lower() == "pm" and hour < 12:
            hour += 12
        elif ampm and ampm.lower() == "am" and hour == 12:
            hour = 0
        try:
            return datetime(year, int(mo), int(d), hour, int(mm or 0), int(ss or 0))
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        pass
    for fmt in _TEXTUAL:
        for suffix in ("", " %H:%M", ", %H:%M", " %H:%M:%S"):
            try:
                return datetime.strptime(s, fmt + suffix)
            except ValueError:
                continue
    return None


def parse_time(value: Any) -> time | None:
    if isinstance(value, time):
        return value
    if isinstance(value, datetime):
        return value.time()
    m = re.fullmatch(r"(\d{1,2})[:.]?(\d{2})(?:[:.](\d{2}))?\s*(?:hrs)?", str(value or "").strip(), re.I)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return None
    return time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


def _avg_len(values: list[Any]) -> float:
    texts = [str(v) for v in values if v not in (None, "")]
    return sum(map(len, texts)) / len(texts) if texts else 0.0


def _share(values: list[Any], test: Any) -> float:
    filled = [v for v in values if v not in (None, "")]
    return sum(1 for v in filled if test(v) is not None) / len(filled) if filled else 0.0


def find_column(table: Table, wanted: str | None) -> int | None:
    """Index of a column named `wanted` (exactly, or after normalising); None when absent or not given."""
    if not wanted:
        return None
    for i, name in enumerate(table.header):
        if name == wanted:
            return i
    for i, name in enumerate(table.header):
        if key(name) == key(wanted):
            return i
    return None


def named_column(table: Table, names: tuple[str, ...]) -> int | None:
    keys = [key(h) for h in table.header]
    for name in names:
        if name in keys:
            return keys.index(name)
    return None


def date_column(table: Table, exclude: set[int]) -> int | None:
    """The column that holds entry dates: a date-like name whose values parse, else one whose values do."""
    candidates = [i for i in range(len(table.header)) if i not in exclude]
    for word in DATE_WORDS:
        for i in candidates:
            if word in key(table.header[i]) and _share(table.column(i), parse_when) >= 0.6:
                return i
    for i in candidates:
        if _share(table.column(i), parse_when) >= 0.9:
            return i
    return None


def time_column(table: Table, exclude: set[int]) -> int | None:
    """A separate time-of-day column (e.g. 'time' beside 'date')."""
    for i, name in enumerate(table.header):
        if i not in exclude and key(name) in ("time", "entry_time", "time_of_entry", "recorded_time"):
            if _share(table.column(i), parse_time) >= 0.6:
                return i
    return None


def text_column(table: Table, exclude: set[int]) -> int | None:
    """The free-text column: a known name, else a text-like name, else the longest values (20+ chars)."""
    keys = [key(h) for h in table.header]
    for name in TEXT_NAMES:
        if name in keys and keys.index(name) not in exclude:
            return keys.index(name)
    lengths = {i: _avg_len(table.column(i)) for i in range(len(keys)) if i not in exclude}
    worded = [i for i in lengths if any(w in keys[i] for w in TEXT_WORDS)]
    if worded:
        best = max(worded, key=lambda i: lengths[i])
        if lengths[best] >= 10:
            return best
    if lengths:
        best = max(lengths, key=lambda i: lengths[i])
        if lengths[best] >= 20:
            return best
    return None
