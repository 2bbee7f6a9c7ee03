"""Reading order of text segments: frames, lines, paragraphs, column gutters."""

from __future__ import annotations

import pytest

from pipeline.ingest.pdf_layout import Segment, find_gutters, group_lines, reading_order, to_frame


def seg(x0: float, top: float, width: float, text: str, height: float = 10.0) -> Segment:
    return Segment(x0, top, x0 + width, top + height, text)


@pytest.mark.parametrize(
    ("quadrant", "expected"),
    [
        (0, (10.0, -40.0, 30.0, -20.0)),
        (1, (20.0, 10.0, 40.0, 30.0)),  # text running up: user y becomes x
        (2, (-30.0, 20.0, -10.0, 40.0)),
        (3, (-40.0, -30.0, -20.0, -10.0)),
    ],
)
def test_to_frame(quadrant: int, expected: tuple[float, float, float, float]) -> None:
    assert to_frame(10, 20, 30, 40, quadrant) == expected


def test_lines_group_by_baseline_and_sort_left_to_right() -> None:
    lines = group_lines([seg(200, 100, 50, "b"), seg(10, 101, 50, "a"), seg(10, 120, 50, "c")])
    assert [[s.text for s in ln] for ln in lines] == [["a", "b"], ["c"]]


def test_paragraph_break_from_wider_gap() -> None:
    segs = [seg(10, 100 + 14 * i, 300, f"line {i}") for i in range(3)] + [seg(10, 160, 300, "next para")]
    assert reading_order(segs, 0, 800) == ["line 0", "line 1", "line 2", "", "next para"]


def two_columns(rows: int = 6) -> list[Segment]:
    left = [seg(50, 100 + 14 * i, 230, f"left {i}") for i in range(rows)]
    right = [seg(310, 100 + 14 * i, 230, f"right {i}") for i in range(rows)]
    return left + right


def test_columns_read_one_after_the_other() -> None:
    title, closing = seg(50, 60, 490, "A title across the page"), seg(50, 200, 490, "A closing line")
    segs = [title, *two_columns(), closing]
    out = [ln for ln in reading_order(segs, 0, 800) if ln]
    assert out == (["A title across the page"] + [f"left {i}" for i in range(6)]
                   + [f"right {i}" for i in range(6)] + ["A closing line"])


def test_running_head_in_margin_is_not_part_of_a_column() -> None:
    segs = [seg(50, 10, 100, "Running head")] + two_columns() + [seg(50, 785, 40, "Page 2")]
    out = [ln for ln in reading_order(segs, 0, 800) if ln]
    assert out[0] == "Running head" and out[-1] == "Page 2"
    assert out.index("left 5") < out.index("right 0")


def test_narrow_table_cells_are_not_columns() -> None:
    # Label/value pairs: short cells in two aligned groups must stay row by row.
    segs = []
    for i in range(8):
        segs.append(seg(50, 100 + 14 * i, 40, f"key{i}"))
        segs.append(seg(300, 100 + 14 * i, 30, f"val{i}"))
    assert find_gutters(segs, 0, 800) == []
    assert reading_order(segs, 0, 800)[:2] == ["key0 val0", "key1 val1"]


def test_three_columns() -> None:
    segs = [seg(x, 100 + 14 * i, 150, f"c{k}r{i}") for k, x in enumerate((40, 220, 400)) for i in range(5)]
    assert len(find_gutters(segs, 0, 800)) == 2
    out = [ln for ln in reading_order(segs, 0, 800) if ln]
    assert out == [f"c{k}r{i}" for k in range(3) for i in range(5)]
