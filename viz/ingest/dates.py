"""Dates in a report, resolved no further than the report supports, with the basis said.

A report dates its events by explicit dates ("4 November 2025"), weekdays ("on Tuesday")
or relative words ("today", "this week"). Weekdays and relative words are resolved against
an *anchor*: the dateline ("Tel Aviv, Nov 4"), else the publication date (``--published``
or the page's metadata), else a day in the URL. Without one, only the URL path's month
("/2025/11/") is known and the date says no more than that month. Every resolved date
carries ``basis: "derived: ..."`` saying how, in the style of the hand-made records.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from typing import Any

_MONTHS = {name.lower(): n for n in range(1, 13) for name in (calendar.month_name[n], calendar.month_abbr[n])}
_MONTHS["sept"] = 9
MONTH = r"(?:" + "|".join(sorted((m.capitalize() for m in _MONTHS), key=len, reverse=True)) + r")"
WEEKDAYS = tuple(calendar.day_name)
_DATELINE = re.compile(rf"^[ \t]*([A-Z][A-Za-z.'’ -]{{1,40}}?),\s+({MONTH})\.?\s+(\d{{1,2}})(?:,?\s+(\d{{4}}))?\b",
                       re.MULTILINE)
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH})\.?(?:,?\s+(\d{{4}}))?\b")
_MDY = re.compile(rf"\b({MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?")
_MY = re.compile(rf"\b({MONTH})\s+(\d{{4}})\b")
_WEEKDAY = re.compile(r"\b(?:(?:on|last)\s+)?(" + "|".join(WEEKDAYS) + r")\b")
_RELATIVE = re.compile(r"\b(?:earlier\s+)?(today|yesterday|this week|last week|this month|last month)\b", re.IGNORECASE)
_URL_DAY = re.compile(r"/(20\d\d|19\d\d)/(\d\d)/(\d\d)(?:/|$)|[-_/](20\d\d)(\d\d)(\d\d)\d{6}\b")
_URL_MONTH = re.compile(r"/(20\d\d|19\d\d)/(\d\d)(?:/|$)")


def _day_text(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%b %Y}"


@dataclasses.dataclass(frozen=True)
class Dateline:
    """The place and date a report is filed from ("Tel Aviv, Nov 4")."""

    place: str
    day: dt.date | None
    quote: str
    start: int
    end: int


@dataclasses.dataclass(frozen=True)
class Found:
    """A date expression in the text."""

    kind: str  # explicit | month | weekday | relative
    quote: str
    start: int
    end: int
    value: Any  # date | (year, month) | weekday index | relative word | (day, month, year-or-None)


@dataclasses.dataclass(frozen=True)
class Anchor:
    """What the report's own dates are read against."""

    published: dt.date | None = None
    published_how: str = ""
    url: str | None = None
    dateline: Dateline | None = None

    @property
    def url_day(self) -> dt.date | None:
        match = _URL_DAY.search(self.url or "")
        if match is None:
            return None
        year, month, day = (int(g) for g in match.groups() if g is not None)
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None

    @property
    def url_month(self) -> tuple[int, int] | None:
        match = _URL_MONTH.search(self.url or "")
        if match is None or not 1 <= int(match.group(2)) <= 12:
            return None
        return int(match.group(1)), int(match.group(2))

    def day(self) -> tuple[dt.date, str] | None:
        """The day the report speaks from, and how that is known."""
        if self.dateline and self.dateline.day:
            return self.dateline.day, f"a report datelined '{self.dateline.quote.strip()}' ({self.dateline.day:%Y})"
        if self.published:
            return self.published, f"a report published {_day_text(self.published)}{self.published_how}"
        if day := self.url_day:
            return day, f"a report whose URL is dated {day.isoformat()}"
        return None

    def year(self) -> int | None:
        anchor = self.day()
        return anchor[0].year if anchor else (self.url_month or (None,))[0]


def find_dateline(text: str, year: int | None, published: dt.date | None) -> Dateline | None:
    """A dateline at the start of one of the first paragraphs (its year from the publication, if it has none)."""
    match = _DATELINE.search(text[:600])
    if match is None or len(match.group(1).split()) > 4:
        return None
    month, day = _MONTHS[match.group(2).lower()], int(match.group(3))
    year = int(match.group(4)) if match.group(4) else year
    when = None
    if year is not None:
        try:
            when = dt.date(year, month, day)
        except ValueError:
            return None
        if published and not match.group(4) and when > published:  # "Dec 30" in a 2 Jan report
            when = when.replace(year=year - 1)
    return Dateline(match.group(1).strip(), when, match.group(0).strip(), match.start(0) + len(match.group(0)) - len(
        match.group(0).lstrip()), match.end(0))


def find_dates(text: str, start: int = 0, end: int | None = None, skip: tuple[int, int] = (0, 0)) -> list[Found]:
    """Date expressions in ``text[start:end]`` in order (the dateline's span ``skip`` is left out)."""
    end = len(text) if end is None else end
    found: list[Found] = []
    taken: list[tuple[int, int]] = [skip]

    def add(kind: str, match: re.Match[str], value: Any) -> None:
        a, b = match.start() + start, match.end() + start
        if not any(a < t_end and t_start < b for t_start, t_end in taken):
            taken.append((a, b))
            found.append(Found(kind, match.group(0), a, b, value))

    window = text[start:end]
    for match in _DMY.finditer(window):
        add("explicit", match, (int(match.group(1)), _MONTHS[match.group(2).lower()], match.group(3)))
    for match in _MDY.finditer(window):
        add("explicit", match, (int(match.group(2)), _MONTHS[match.group(1).lower()], match.group(3)))
    for match in _MY.finditer(window):
        add("month", match, (int(match.group(2)), _MONTHS[match.group(1).lower()]))
    for match in _WEEKDAY.finditer(window):
        add("weekday", match, WEEKDAYS.index(match.group(1)))
    for match in _RELATIVE.finditer(window):
        add("relative", match, match.group(0).lower())
    return sorted(found, key=lambda f: f.start)


def _window(first: dt.date, last: dt.date, basis: str, note: str | None = None) -> dict[str, Any]:
    if first == last:
        return _day(first, basis, note)
    spec: dict[str, Any] = {"window": {"earliest": first.isoformat(), "latest": last.isoformat()},
                            "precision": "day", "basis": basis}
    return spec | ({"note": note} if note else {})


def _day(day: dt.date, basis: str, note: str | None = None) -> dict[str, Any]:
    return {"start": day.isoformat(), "precision": "day", "basis": basis} | ({"note": note} if note else {})


def _explicit(found: Found, anchor: Anchor) -> dict[str, Any]:
    day, month, year_text = found.value
    year = int(year_text) if year_text else anchor.year()
    if year is None:
        return {"precision": "unknown", "note": f"the report says '{found.quote}' but gives no year"}
    try:
        when = dt.date(year, month, day)
    except ValueError:
        return {"precision": "unknown", "note": f"'{found.quote}' is not a real date"}
    if year_text:
        return _day(when, "stated")
    anchored = anchor.day()
    if anchored and when > anchored[0]:
        when = when.replace(year=year - 1)
    return _day(when, f"derived: '{found.quote}' with the year of the report ({when.year})")


def _relative(found: Found, anchor: Anchor) -> dict[str, Any] | None:
    """A weekday or relative word against the anchor day, or None when the report has no anchor day."""
    anchored = anchor.day()
    if anchored is None:
        return None
    day, how = anchored
    quote = found.quote
    if found.kind == "weekday":
        when = day - dt.timedelta(days=(day.weekday() - found.value) % 7)
        return _day(when, f"derived: '{quote}' in {how}; the {calendar.day_name[found.value]} on or before it "
                          f"was {when.day} {when:%b %Y}")
    word = found.value.removeprefix("earlier ").strip()
    monday = day - dt.timedelta(days=day.weekday())
    if word == "today":
        return _day(day, f"derived: '{quote}' in {how}")
    if word == "yesterday":
        return _day(day - dt.timedelta(days=1), f"derived: '{quote}' in {how}")
    if word in ("this week", "last week"):
        first = monday - dt.timedelta(days=7) if word == "last week" else monday
        last = first + dt.timedelta(days=6) if word == "last week" or day == monday else day
        return _window(first, last, f"derived: '{quote}' in {how}: between {_day_text(first)} and "
                                    f"{_day_text(last)}, taking weeks as Monday to Sunday",
                       "the report gives no day")
    month = day.replace(day=1) if word == "this month" else (day.replace(day=1) - dt.timedelta(days=1))
    return {"start": f"{month:%Y-%m}", "precision": "month", "basis": f"derived: '{quote}' in {how}"}


def resolve(found: Found | None, anchor: Anchor) -> dict[str, Any]:
    """A DateSpec-shaped mapping for a date expression (or for none), never more precise than supported."""
    if found is not None and found.kind == "explicit":
        return _explicit(found, anchor)
    if found is not None and found.kind == "month":
        year, month = found.value
        return {"start": f"{year:04d}-{month:02d}", "precision": "month", "basis": "stated"}
    if found is not None and (spec := _relative(found, anchor)) is not None:
        return spec
    if found is None:
        anchored = anchor.day()
        return {"precision": "unknown",
                "note": "the report gives no date" + (f" (it is {anchored[1].removeprefix('a ')})" if anchored else "")}
    if anchor.url_month:  # only a weekday or relative word, and no anchor day: the URL's month at most
        year, month = anchor.url_month
        first = dt.date(year, month, 1)
        note = ("only the month is known; a week early in the month may have begun in the month before"
                if "week" in found.quote else "only the month is known")
        basis = (f"derived: the report says '{found.quote}' and shows no date line; its URL path dates the page "
                 f"to {first:%B %Y}")
        return {"start": f"{year:04d}-{month:02d}", "precision": "month", "basis": basis, "note": note}
    return {"precision": "unknown", "note": f"the report says '{found.quote}' and nothing dates the report"}
