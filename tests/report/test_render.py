"""CSV and HTML writing: formula-like cells defused, document text escaped."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.report.render import esc, safe_cell, table_html, write_csv
from pipeline.report.tables import Table


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-1.5", "-1.5"),
        ("- bullet", "'- bullet"),
        ("plain text", "plain text"),
        (-3, -3),
    ],
)
def test_safe_cell(value: object, written: object) -> None:
    assert safe_cell(value) == written


def test_write_csv_and_escape(tmp_path: Path) -> None:
    table = Table("t", "T", ["doc_id", "text", "count"], [["d1", "=1+1", 2], ["d2", "<script>x</script>", 0]])
    path = write_csv(table, tmp_path)
    with open(path, encoding="utf-8") as fh:
        assert list(csv.reader(fh)) == [
            ["doc_id", "text", "count"], ["d1", "'=1+1", "2"], ["d2", "<script>x</script>", "0"],
        ]  # fmt: skip
    html = table_html(table)
    assert "<script>" not in html and esc("<script>x</script>") in html
    assert '<td class="n">2</td>' in html
