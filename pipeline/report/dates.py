"""Find dates and times in UK case notes and resolve them to calendar moments.

Forms read (day before month, always): 12/04, 12/04/23, 12/04/2023, 12.04.2023, 12-04-2023,
2023-04-12, 12 April 2023, 12th April, 12th of April 2023, April 12th 2023, Monday 12 April,
April 2023; times 0130hrs, 0130 hours, 01:30, 13.30hrs, 1.30pm, 1pm; and relative phrases
("the next day", "the following week", "two days later", "the previous day", "later that day")
counted from the last absolute date before them. A date without a year takes the year of the
last absolute date, else the document's year; two-digit years 00-69 are 20xx, 70-99 19xx.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<{g}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{g}>(?:19|20)\d\d)"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ](?P<tt>\d\d:\d\d))?\b")),
    (
        "numeric",
        re.compile(
            r"(?<![\d/.:-])(?P<d>[0-3]?\d)(?P<sep>[/.-])(?P<m>[01]?\d)"
            r"(?:(?P=sep)(?P<y>\d{4}|\d{2}))?(?![\d/:]|[.-]\d)"
        ),
    ),
    (
        "day_month",
        re.compile(
            r"\b" + _WEEKDAY + _DAY.format(g="d") + r"\s+(?:of\s+)?" + _MONTH.format(g="mn")
            + r"(?:,?\s+" + _YEAR.format(g="y") + r")?(?![a-z])",
            re.I,
        ),
    ),
    (
        "month_day",
        re.compile(
            r"\b" + _WEEKDAY + _MONTH.format(g="mn") + r"\s+" + _DAY.format(g="d")
            + r"(?:,?\s+" + _YEAR.format(g="y") + r")?(?![\w:])",
            re.I,
        ),
    ),
    ("month_year", re.compile(r"\b" + _MONTH.format(g="mn") + r",?\s+" + _YEAR.format(g="y") + r"\b", re.I)),
]  # fmt: skip

_TIME = re.compile(
    r"(?<![\d/.:-])(?:"
    r"(?P<h24>[01]\d|2[0-3])(?P<m24>[0-5]\d)\s?(?:hrs|hours|hr|h)\b"
    r"|(?P<hc>[01]?\d|2[0-3])[:.](?P<mc>[0-5]\d)(?:\s?(?P<ampm>[ap]m\b|[ap]\.m\.|hrs\b|hours\b|h\b))?"
    r"|(?P<hp>1[0-2]|0?[1-9])\s?(?P<ampm2>[ap]m\b|[ap]\.m\.)"
    r")",
    re.I,
)

_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "few": 3, "several": 3}  # fmt: skip
_RELATIVE = re.compile(
    r"\b(?:"
    r"(?P<same>later (?:that|the same) (?:day|morning|afternoon|evening|night)|that (?:evening|night)"
    r"|the same (?:day|evening|night))"
    r"|(?:the )?(?P<dir>next|following|previous|preceding) (?P<unit>day|morning|evening|night|week|month)"
    r"|the (?P<unit_b>day|week|month) (?P<dir_b>after|before)"
    r"|(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|several) "
    r"(?P<unit_n>days?|weeks?|months?) (?P<dir_n>later|after(?:wards)?|earlier|before|previously)"
    r"|(?P<tomorrow>tomorrow|yesterday)"
    r")\b",
    re.I,
)


@dataclass(frozen=True)
class Moment:
    """A date/time expression found in text, resolved where possible.

    `kind` is "date", "time", "datetime" or "relative"; `approximate` marks week/month steps
    and a date whose year had to be guessed from the document.
    """

    start: int
    end: int
    text: str
    kind: str
    date: dt.date | None
    time: dt.time | None = None
    approximate: bool = False


def expand_year(value: str) -> int:
    """Two-digit years: 00-69 are 2000s, 70-99 1900s; four digits are kept."""
    year = int(value)
    if len(value) == 2:
        return 2000 + year if year < 70 else 1900 + year
    return year


def _safe_date(year: int | None, month: int, day: int) -> dt.date | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _time(m: re.Match[str]) -> dt.time | None:
    if m.group("h24") is not None:
        return dt.time(int(m.group("h24")), int(m.group("m24")))
    if m.group("hc") is not None:
        hour, minute, ampm = int(m.group("hc")), int(m.group("mc")), (m.group("ampm") or "").lower()
        if m.group(0)[len(m.group("hc"))] == "." and not ampm:
            return None  # "3.45" alone is a number, not a time
        if ampm.startswith(("a", "p")):
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm.startswith("p") else 0)
        return dt.time(hour, minute)
    hour, ampm = int(m.group("hp")), m.group("ampm2").lower()
    return dt.time(hour % 12 + (12 if ampm.startswith("p") else 0), 0)


@dataclass
class _Raw:
    start: int
    end: int
    kind: str
    match: re.Match[str]
    pattern: str = ""


def _scan(text: str) -> list[_Raw]:
    """Every candidate match, longest first where they overlap."""
    found: list[_Raw] = []
    for name, pattern in _PATTERNS:
        found += [_Raw(m.start(), m.end(), "date", m, name) for m in pattern.finditer(text)]
    found += [_Raw(m.start(), m.end(), "time", m) for m in _TIME.finditer(text)]
    found += [_Raw(m.start(), m.end(), "relative", m) for m in _RELATIVE.finditer(text)]
    found.sort(key=lambda r: (r.start, -(r.end - r.start)))
    kept: list[_Raw] = []
    for raw in found:
        if kept and raw.start < kept[-1].end:
            continue
        kept.append(raw)
    return kept


def _weak_month(raw: _Raw) -> bool:
    """A lower-case "may"/"mar"/"jun"... with no year is more likely a word than a month."""
    if raw.pattern not in ("day_month", "month_day") or raw.match.group("y"):
        return False
    word = raw.match.group("mn")
    return word.islower() and (word in ("may", "mar", "march") or len(word) <= 3)


def _absolute(raw: _Raw, year_hint: int | None) -> tuple[dt.date | None, dt.time | None, bool]:
    """(date, time, year guessed) of a date match; None date when it is not a real date."""
    m, name = raw.match, raw.pattern
    groups = m.groupdict()
    if name == "iso":
        tt = groups.get("tt")
        clock = dt.time(int(tt[:2]), int(tt[3:])) if tt and int(tt[:2]) < 24 and int(tt[3:]) < 60 else None
        return _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d"))), clock, False
    if name == "numeric":
        if m.group("y") is None and m.group("sep") != "/":
            return None, None, False  # "12.04" or "12-04" alone: a number or a range, not a date
        year = expand_year(m.group("y")) if m.group("y") else year_hint
        return _safe_date(year, int(m.group("m")), int(m.group("d"))), None, m.group("y") is None
    month = MONTHS[m.group("mn").lower().rstrip(".")]
    if name == "month_year":
        return _safe_date(int(m.group("y")), month, 1), None, False
    year = int(m.group("y")) if m.group("y") else year_hint
    return _safe_date(year, month, int(m.group("d"))), None, m.group("y") is None


def _relative(m: re.Match[str], base: dt.date) -> tuple[dt.date, bool]:
    g = m.groupdict()
    if g["same"]:
        return base, False
    if g["tomorrow"]:
        return base + dt.timedelta(days=1 if g["tomorrow"].lower() == "tomorrow" else -1), False
    if g["dir"]:
        unit, count = g["unit"].lower(), 1
        sign = 1 if g["dir"].lower() in ("next", "following") else -1
    elif g["dir_b"]:
        unit, count = g["unit_b"].lower(), 1
        sign = 1 if g["dir_b"].lower() == "after" else -1
    else:
        unit = g["unit_n"].lower().rstrip("s")
        n = g["n"].lower()
        count = int(n) if n.isdigit() else _NUMBERS.get(n.split()[-1], 1)
        sign = -1 if g["dir_n"].lower() in ("earlier", "before", "previously") else 1
    if unit in ("day", "morning", "evening", "night"):
        return base + dt.timedelta(days=sign * count), False
    if unit == "week":
        return base + dt.timedelta(weeks=sign * count), True
    return _add_months(base, sign * count), True


def find_moments(text: str, default_year: int | None = None) -> list[Moment]:
    """Dates, times and relative phrases in `text`, in text order, each resolved in reading order.

    A time right after a date ("12/04/2023 0130hrs", "12 April 2023 at 01:30") joins it into one
    "datetime" moment; a lone time keeps the date it follows (None if no date came before).
    """
    out: list[Moment] = []
    last_date: dt.date | None = None
    raws = _scan(text)
    i = 0
    while i < len(raws):
        raw = raws[i]
        if raw.kind == "date":
            year_hint = last_date.year if last_date else default_year
            if _weak_month(raw):
                i += 1
                continue
            day, clock, guessed = _absolute(raw, year_hint)
            if day is None and guessed and year_hint is None:
                # "12/04" or "12th April" with no year known: kept unresolved so the reader still sees it.
                out.append(Moment(raw.start, raw.end, text[raw.start : raw.end], "date", None))
                i += 1
                continue
            if day is None:
                i += 1
                continue
            end = raw.end
            nxt = raws[i + 1] if i + 1 < len(raws) else None
            if clock is None and nxt is not None and nxt.kind == "time":
                gap = text[raw.end : nxt.start]
                if re.fullmatch(r"[\s,]*(?:at|@|-|from)?[\s,]*", gap, re.I) and (clock := _time(nxt.match)):
                    end = nxt.end
                    i += 1
            kind = "datetime" if clock else "date"
            approx = guessed and last_date is None  # the year came from the document, not the text
            last_date = day
            out.append(Moment(raw.start, end, text[raw.start : end], kind, day, clock, approx))
        elif raw.kind == "time":
            clock = _time(raw.match)
            if clock is not None:
                out.append(Moment(raw.start, raw.end, text[raw.start : raw.end], "time", last_date, clock))
        elif last_date is not None:
            day, approx = _relative(raw.match, last_date)
            last_date = day
            out.append(Moment(raw.start, raw.end, text[raw.start : raw.end], "relative", day, None, approx))
        else:
            out.append(Moment(raw.start, raw.end, text[raw.start : raw.end], "relative", None, None, True))
        i += 1
    return out


def parse_moment(text: str, default_year: int | None = None) -> Moment | None:
    """The first moment in a short expression (a convenience for tests and callers)."""
    found = find_moments(text, default_year)
    return found[0] if found else None
