"""RTF: body text with breaks, code-page bytes and Unicode; tables of fonts, styles and info dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

import pipeline.ingest.readers  # noqa: F401
from pipeline.ingest.api import read_source
from pipeline.ingest.base import ReadOptions, Status, reader_for
from pipeline.ingest.rtf import rtf_to_text

HEAD = rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fnil Calibri;}}{\colortbl ;\red0\green0\blue0;}"


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (rb"\pard Bail conds set.\par Next line\par}", "Bail conds set.\nNext line"),
        (rb"DP\rquote s \ldblquote RUI\rdblquote\par}", "DP\u2019s \u201cRUI\u201d"),
        (rb"Caf\'e9 \u8212? done\par}", "Caf\u00e9 \u2014 done"),
        (rb"\uc2 x\u8217??y\par}", "x\u2019y"),
        (rb"\trowd\cellx1000\cellx2000 DVPN\cell 48 hrs\cell\row}", "DVPN | 48 hrs"),
        (rb"{\*\generator Word;}{\info{\author PC 1}}Only body\par}", "Only body"),
        (rb"{\header Page header}{\b bold} and\tab tab\line break}", "bold and tab\nbreak"),
        (rb"Braces \{ and \} and \\ backslash}", "Braces { and } and \\ backslash"),
    ],
)
def test_rtf_to_text(body: bytes, text: str) -> None:
    assert rtf_to_text(HEAD + body) == text


def test_code_page_from_header() -> None:
    data = rb"{\rtf1\ansi\ansicpg1251 \'cf\'f0\'e8\'e2\'e5\'f2\par}"
    assert rtf_to_text(data) == "\u041f\u0440\u0438\u0432\u0435\u0442"


def test_rtf_reader_found_by_content_and_read(tmp_path: Path) -> None:
    path = tmp_path / "custody-export.txt"
    path.write_bytes(HEAD + rb"\pard DP released on bail.\par}")
    assert reader_for(path).name == "rtf"  # type: ignore[union-attr]
    out = read_source(path, ReadOptions())
    assert out.status is Status.OK and [d.text for d in out.documents] == ["DP released on bail."]


@pytest.mark.parametrize(("data", "status"), [(HEAD + b"}", Status.EMPTY), (b"plain text", Status.CORRUPT)])
def test_rtf_without_text_or_header(tmp_path: Path, data: bytes, status: Status) -> None:
    path = tmp_path / "x.rtf"
    path.write_bytes(data)
    assert read_source(path, ReadOptions()).status is status
