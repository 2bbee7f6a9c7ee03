"""Text cleaning: characters, hyphens at line ends, running heads and page numbers."""

from __future__ import annotations

import pytest

from pipeline.ingest.clean import (
    clean_pages,
    clean_text,
    dehyphenate,
    is_page_number,
    normalise_chars,
    normalise_line,
    running_lines,
    should_join,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\ufb01rst \ufb02agged \ufb00ort \ufb03ce \ufb04e", "first flagged ffort ffice ffle"),
        ("\u201cterrified\u201d and \u2018scared\u2019", "\"terrified\" and 'scared'"),
        ("2015\u20132016 \u2014 bail", "2015-2016 - bail"),
        ("wait\u2026", "wait..."),
        ("no\u00a0bail\u200b conds", "no bail conds"),
        ("\uff24\uff36\uff30\uff2e", "DVPN"),  # full-width letters
        ("soft\u00adhyphen", "softhyphen"),
        ("x\u00b2 \u4e2d\u6587", "x\u00b2 \u4e2d\u6587"),  # superscripts and CJK untouched
        ("line\r\nbreak", "line\nbreak"),
    ],
)
def test_normalise_chars(raw: str, expected: str) -> None:
    assert normalise_chars(raw) == expected


def test_normalise_line_collapses_spaces() -> None:
    assert normalise_line("  DVPN   served \t today  ") == "DVPN served today"


@pytest.mark.parametrize(
    ("left", "right", "join"),
    [
        ("protec", "tion", True),
        ("custo", "dy", True),
        ("non", "molestation", False),  # known prefix keeps the hyphen
        ("self", "harm", False),
        ("DV", "PN", False),  # uppercase break: keep
        ("2015", "16", False),
        ("bail", "Conditions", False),
    ],
)
def test_should_join(left: str, right: str, join: bool) -> None:
    assert should_join(left, right) is join


def test_document_vocabulary_decides_unknown_compounds() -> None:
    words, compounds = {"reoffending"}, {"stalking-protection"}
    assert should_join("reof", "fending", words, compounds) is True
    assert should_join("stalking", "protection", words, compounds) is False


def test_dehyphenate_moves_rest_of_word_up() -> None:
    lines = ["applied for a protec-", "tion notice, then", "a non-", "molestation order"]
    assert dehyphenate(lines) == ["applied for a protection", "notice, then", "a non-", "molestation order"]


def test_dehyphenate_across_a_column_break() -> None:
    assert dehyphenate(["bottom of the first col-", "", "umn goes on"]) == ["bottom of the first column", "",
                                                                            "goes on"]


def test_dehyphenate_keeps_punctuation_and_drops_emptied_line() -> None:
    assert dehyphenate(["was arres-", "ted.", "Next"]) == ["was arrested.", "Next"]


@pytest.mark.parametrize(
    ("line", "is_number"),
    [("12", True), ("- 12 -", True), ("Page 3 of 10", True), ("p. 4", True), ("3/10", True),
     ("iv", True), ("12 March", False), ("Page turner", False), ("DVPN", False)],
)
def test_is_page_number(line: str, is_number: bool) -> None:
    assert is_page_number(line) is is_number


def test_running_heads_found_with_changing_numbers() -> None:
    pages = [[f"Force Review {n}", "body text " + "x" * n, f"Page {n} of 4"] for n in range(1, 5)]
    found = running_lines(pages)
    assert "force review" in found
    assert "page # of" in found
    assert not any("body" in sig for sig in found)


def test_clean_pages_removes_heads_and_rejoins() -> None:
    pages = [
        ["Northshire Review", "The officer applied for protec-", "tion.", "1"],
        ["Northshire Review", "A second page about bail.", "2"],
        ["Northshire Review", "A third page about RUI.", "3"],
    ]
    assert clean_pages(pages) == [
        "The officer applied for protection.",
        "A second page about bail.",
        "A third page about RUI.",
    ]


def test_single_page_keeps_its_first_line() -> None:
    assert clean_pages([["Northshire Review", "Body."]]) == ["Northshire Review\nBody."]


def test_blank_lines_collapse_to_paragraph_breaks() -> None:
    assert clean_text("a\n\n\n\nb\n\n") == "a\n\nb"


def test_running_head_with_page_number_on_alternating_sides() -> None:
    bodies = ["Bail set.", "RUI given.", "DVPN served.", "NMO breached.", "MARAC held.", "IDVA called."]
    pages = [[f"{n} Federal Notices / Vol. 8" if n % 2 else f"Federal Notices / Vol. 8 {n}", body]
             for n, body in enumerate(bodies, 10)]
    assert clean_pages(pages) == bodies
