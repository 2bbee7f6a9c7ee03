"""Write report files: one CSV per table and a self-contained index.html (inline CSS and SVG).

Every piece of document text is escaped; the page loads nothing from elsewhere, so it opens
offline and can be mailed as one file.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.report.charts import Chart
from pipeline.report.tables import Table

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2329;
background:#fafafa}
header{background:#263238;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:2px 0;color:#cfd8dc}main{padding:12px 28px 40px;max-width:1200px}
section{background:#fff;border:1px solid #e0e0e0;border-radius:6px;margin:16px 0;padding:12px 18px}
h2{font-size:17px;margin:6px 0 10px}p.note{color:#555;font-size:12.5px;margin:4px 0 10px}
table{border-collapse:collapse;font-size:12.5px;margin:4px 0 8px}
th,td{border-bottom:1px solid #eceff1;padding:3px 9px;text-align:left;vertical-align:top}
th{background:#eceff1;position:sticky;top:0}td.n{text-align:right;font-variant-numeric:tabular-nums}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:0}dt{font-weight:600}
.chart svg{max-width:100%;height:auto}a{color:#1565c0}.files{font-size:12.5px;color:#555}
.scroll{max-height:480px;overflow:auto}tr.date td{background:#e3f2fd;font-weight:600}
"""


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text from documents that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def write_csv(table: Table, out: Path) -> Path:
    """`<out>/<name>.csv` with a header row; written atomically; formula-like text defused."""
    path = out / f"{table.name}.csv"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([safe_cell(v) for v in row] for row in table.rows)
    write_text_atomic(path, buf.getvalue())
    return path


def table_html(table: Table, limit: int | None = None) -> str:
    rows = table.rows if limit is None else table.rows[:limit]
    head = "".join(f"<th>{esc(c)}</th>" for c in table.columns)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="n">{esc(v)}</td>' if isinstance(v, int | float) else f"<td>{esc(v)}</td>"
            for v in row
        )
        body.append(f"<tr>{cells}</tr>")
    more = ""
    if limit is not None and len(table.rows) > limit:
        more = f'<p class="note">First {limit} of {len(table.rows)} rows; all in {esc(table.name)}.csv.</p>'
    if not rows:
        return '<p class="note">No rows in scope.</p>'
    grid = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    return f'<div class="scroll">{grid}</div>{more}'


def section(title: str, inner: str, note: str = "", anchor: str = "") -> str:
    ident = f' id="{esc(anchor)}"' if anchor else ""
    note_html = f'<p class="note">{esc(note)}</p>' if note else ""
    return f"<section{ident}><h2>{esc(title)}</h2>{note_html}{inner}</section>"


def page(title: str, subtitle: Sequence[str], sections: Sequence[str]) -> str:
    sub = "".join(f"<p>{esc(s)}</p>" for s in subtitle)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1>{sub}</header><main>{''.join(sections)}</main></body></html>\n"
    )


def chart_html(chart: Chart) -> str:
    return section(
        chart.title,
        f'<div class="chart" role="img" aria-label="{esc(chart.title)}">{chart.svg}</div>'
        f'<p class="files">Files: {esc(chart.name)}.png, {esc(chart.name)}.svg</p>',
        anchor=f"chart-{chart.name}",
    )


def now_text() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
