"""UK date and time forms, each parsed on its own and in running case-note text."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.report.dates import expand_year, find_moments, parse_moment

D, T = dt.date, dt.time

# (text, document year, kind, date, time, approximate)
FORMS = [
    ("12/04/2023", None, "date", D(2023, 4, 12), None, False),
    ("12/04/23", None, "date", D(2023, 4, 12), None, False),
    ("1/4/99", None, "date", D(1999, 4, 1), None, False),
    ("12.04.2023", None, "date", D(2023, 4, 12), None, False),
    ("12-04-2023", None, "date", D(2023, 4, 12), None, False),
    ("2023-04-12", None, "date", D(2023, 4, 12), None, False),
    ("12/04", 2022, "date", D(2022, 4, 12), None, True),
    ("12/04", None, "date", None, None, False),
    ("12 April 2023", None, "date", D(2023, 4, 12), None, False),
    ("12th April", 2021, "date", D(2021, 4, 12), None, True),
    ("1st of March 2022", None, "date", D(2022, 3, 1), None, False),
    ("Monday 3rd July", 2023, "date", D(2023, 7, 3), None, True),
    ("23 Sept 2022", None, "date", D(2022, 9, 23), None, False),
    ("April 12th, 2023", None, "date", D(2023, 4, 12), None, False),
    ("June 2023", None, "date", D(2023, 6, 1), None, False),
    ("12/04/2023 0130hrs", None, "datetime", D(2023, 4, 12), T(1, 30), False),
    ("12 April 2023 at 01:30", None, "datetime", D(2023, 4, 12), T(1, 30), False),
    ("2023-04-12T22:05", None, "datetime", D(2023, 4, 12), T(22, 5), False),
    ("0130hrs", None, "time", None, T(1, 30), False),
    ("2359 hours", None, "time", None, T(23, 59), False),
    ("01:30", None, "time", None, T(1, 30), False),
    ("13.30hrs", None, "time", None, T(13, 30), False),
    ("10.30am", None, "time", None, T(10, 30), False),
    ("1.15 p.m.", None, "time", None, T(13, 15), False),
    ("12pm", None, "time", None, T(12, 0), False),
    ("9 pm", None, "time", None, T(21, 0), False),
]


@pytest.mark.parametrize(("text", "year", "kind", "date", "time", "approx"), FORMS)
def test_forms(
    text: str, year: int | None, kind: str, date: dt.date | None, time: dt.time | None, approx: bool
) -> None:
    moment = parse_moment(text, year)
    assert moment is not None
    assert (moment.kind, moment.date, moment.time, moment.approximate) == (kind, date, time, approx)
    assert moment.text == text


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2023",  # no such day
        "version 1.2.3",
        "ref 42/12345/23",
        "scored 3.45 on the scale",
        "12.04 alone",
        "the 2023 review",
        "officers may 5 times",
        "0130 without a unit",
        "25:99",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_moments(text, 2023) == []


# (text, expected (kind, date, approximate) of the relative phrase)
RELATIVE = [
    ("On 12/04/2023 he was arrested. The next day he was bailed.", D(2023, 4, 13), False),
    ("On 12/04/2023 he was arrested. The following day he was bailed.", D(2023, 4, 13), False),
    ("On 12/04/2023 he was arrested. The following week he was bailed.", D(2023, 4, 19), True),
    ("On 12/04/2023 he was arrested. The day before he had called.", D(2023, 4, 11), False),
    ("On 12/04/2023 he was arrested. Two days later he was bailed.", D(2023, 4, 14), False),
    ("On 12/04/2023 he was arrested. 3 weeks later he was charged.", D(2023, 5, 3), True),
    ("On 31/01/2023 he was arrested. The following month he was charged.", D(2023, 2, 28), True),
    ("On 12/04/2023 he was arrested. Later that day he was bailed.", D(2023, 4, 12), False),
]


@pytest.mark.parametrize(("text", "date", "approx"), RELATIVE)
def test_relative_to_last_absolute_date(text: str, date: dt.date, approx: bool) -> None:
    moments = find_moments(text)
    assert [m.kind for m in moments] == ["date", "relative"]
    assert (moments[1].date, moments[1].approximate) == (date, approx)


def test_running_text_resolves_in_reading_order() -> None:
    text = (
        "12/04/22 0130hrs call received. The next day a DVPN was served. "
        "On 3rd May at 10.30am a breach was reported; the following week no arrest. "
        "By 20/06 at 14:00 the case was closed."
    )
    got = [(m.kind, m.date, m.time) for m in find_moments(text, default_year=2019)]
    assert got == [
        ("datetime", D(2022, 4, 12), T(1, 30)),
        ("relative", D(2022, 4, 13), None),
        ("datetime", D(2022, 5, 3), T(10, 30)),  # year from the last date read, not the document's
        ("relative", D(2022, 5, 10), None),
        ("datetime", D(2022, 6, 20), T(14, 0)),
    ]


def test_relative_without_a_date_stays_unresolved() -> None:
    (moment,) = find_moments("The next day he returned.")
    assert (moment.kind, moment.date) == ("relative", None)


def test_lone_time_keeps_the_date_before_it() -> None:
    moments = find_moments("12 April 2023. Officers left at 0415hrs.")
    assert [(m.kind, m.date, m.time) for m in moments] == [
        ("date", D(2023, 4, 12), None),
        ("time", D(2023, 4, 12), T(4, 15)),
    ]


@pytest.mark.parametrize(
    ("raw", "year"), [("23", 2023), ("69", 2069), ("70", 1970), ("99", 1999), ("2004", 2004)]
)
def test_two_digit_years(raw: str, year: int) -> None:
    assert expand_year(raw) == year
