"""Report charts drawn with matplotlib (Agg, no display): each saved as PNG and SVG.

Charts are built on `matplotlib.figure.Figure` directly (no pyplot state), and the SVG keeps
its text as paths, so the inline copy in index.html needs no fonts or other files.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from pipeline import labels  # noqa: E402
from pipeline.report.tables import UNKNOWN, Table  # noqa: E402

STATUS_COLOURS = {
    "used": "#2e7d32",
    "considered": "#f9a825",
    "not_used": "#c62828",
    "refused": "#6a1b9a",
    "breached": "#ef6c00",
    "ended": "#546e7a",
    "generic": "#b0bec5",
}
matplotlib.rcParams.update({"svg.hashsalt": "vawg-report", "svg.fonttype": "path", "font.size": 9})


@dataclass
class Chart:
    """A saved chart: file stem, title and the SVG markup for inlining."""

    name: str
    title: str
    svg: str


def _save(fig: Figure, out: Path, name: str, title: str) -> Chart:
    fig.tight_layout()
    fig.savefig(out / f"{name}.png", dpi=110, metadata={"Software": None})
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    (out / f"{name}.svg").write_text(buf.getvalue(), encoding="utf-8")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prologue and doctype for inline use
    return Chart(name, title, svg)


def _empty(ax: Any, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#555")
    ax.set_axis_off()


def status_by_measure(table: Table, out: Path) -> Chart:
    """Stacked horizontal bars: mentions of each measure split by status."""
    statuses = labels.statuses()
    rows = [r for r in table.as_dicts() if r["total"]]
    fig = Figure(figsize=(8, 0.35 * max(len(rows), 3) + 1.4))
    ax = fig.subplots()
    if not rows:
        _empty(ax, "no measure mentions in scope")
    else:
        names = [r["measure"] for r in rows][::-1]
        left = [0] * len(names)
        for status in statuses:
            values = [r[status] for r in rows][::-1]
            if any(values):
                ax.barh(
                    names, values, left=left, color=STATUS_COLOURS.get(status), label=status.replace("_", " ")
                )
                left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_xlabel("mentions")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Status of each measure")
    return _save(fig, out, "status_by_measure", "Status of each measure (mentions)")


def signal_prevalence(table: Table, out: Path) -> Chart:
    """Horizontal bars: each signal per 1,000 sentences."""
    rows = table.as_dicts()
    fig = Figure(figsize=(8, 0.35 * max(len(rows), 3) + 1.4))
    ax = fig.subplots()
    if not rows:
        _empty(ax, "no signals in scope")
    else:
        names = [r["signal"].replace("_", " ").lower() for r in rows][::-1]
        values = [r["per_1000_sentences"] for r in rows][::-1]
        ax.barh(names, values, color="#1565c0")
        for y, v in enumerate(values):
            ax.text(v, y, f" {v:g}", va="center", fontsize=8)
        ax.set_xlabel("per 1,000 sentences")
        ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Missed-opportunity signals")
    return _save(fig, out, "signal_prevalence", "Signal prevalence (per 1,000 sentences)")


def trends_by_year(year_summary: Table, by_year_signal: Table, by_year_measure: Table, out: Path) -> Chart:
    """Two panels by year: mentions per 1,000 sentences by status; signals per 1,000 sentences."""
    sizes = {r["year"]: r["sentences"] for r in year_summary.as_dicts() if r["year"] != UNKNOWN}
    years = sorted(sizes, key=int)
    fig = Figure(figsize=(8, 6))
    top, bottom = fig.subplots(2, 1)
    if not years:
        _empty(top, "no dated documents in scope")
        _empty(bottom, "")
    else:
        x = [int(y) for y in years]
        status_n: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(years, 0))
        for r in by_year_measure.as_dicts():
            if r["year"] in sizes:
                status_n[r["status"]][r["year"]] += r["count"]
        for status in labels.statuses():
            if status in status_n:
                values = [status_n[status][y] * 1000 / sizes[y] if sizes[y] else 0 for y in years]
                top.plot(
                    x, values, marker="o", color=STATUS_COLOURS.get(status), label=status.replace("_", " ")
                )
        top.set_ylabel("mentions per 1,000 sentences")
        top.set_title("Measure mentions by status, by year")
        signal_n: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(years, 0))
        for r in by_year_signal.as_dicts():
            if r["year"] in sizes:
                signal_n[r["signal"]][r["year"]] += r["count"]
        common = sorted(signal_n, key=lambda g: -sum(signal_n[g].values()))[:6]
        for g in common:
            values = [signal_n[g][y] * 1000 / sizes[y] if sizes[y] else 0 for y in years]
            bottom.plot(x, values, marker="o", label=g.replace("_", " ").lower())
        bottom.set_ylabel("signals per 1,000 sentences")
        bottom.set_title("Most frequent signals, by year")
        for ax in (top, bottom):
            ax.set_xticks(x)
            ax.set_xticklabels(years)
            ax.spines[["top", "right"]].set_visible(False)
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _save(fig, out, "trends_by_year", "Trends by year")


def draw_all(tables: dict[str, Table], out: Path) -> list[Chart]:
    """The report's three charts from its tables, written into `out`."""
    return [
        status_by_measure(tables["measure_status_wide"], out),
        signal_prevalence(tables["signal_prevalence"], out),
        trends_by_year(
            tables["year_summary"], tables["signal_prevalence_by_year"], tables["measure_status_by_year"], out
        ),
    ]
