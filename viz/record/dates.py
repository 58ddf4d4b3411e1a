"""Dates as records state them: partial ISO dates with an explicit precision.

A date is a single point (``start``), a duration (``start`` to ``end``: a programme
that ran from ... to ...), or a *window* (``window: {earliest, latest}``: it happened
once, somewhere between two dates). The distinction is EDTF's (ISO 8601-2):
``2001-12/2002-05`` is an interval, ``[2001-12..2002-05]`` is one of a set;
:meth:`DateSpec.edtf` writes each that way. ``precision`` says how precisely the
bounds are known, ``basis`` how the date was established and ``note`` anything else.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class Record(BaseModel):
    """Base of every record: immutable, and unknown fields are errors (typos surface)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Precision(StrEnum):
    """How precisely a date is known."""

    day = "day"
    month = "month"
    year = "year"
    unknown = "unknown"


@lru_cache(maxsize=1 << 16)  # pure; large datasets repeat the same dates
def precision_of(text: str) -> Precision:
    """The precision a partial date is written with: ``2014-06`` -> month."""
    match = _PARTIAL_DATE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None
    return Precision.day if day else Precision.month if month else Precision.year


def coerce_date_text(value: object) -> object:
    """YAML turns an unquoted 2025-11-04 into a datetime.date and 2025 into an int: keep the text."""
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value.isoformat()!r} is a date and time; give a date such as 2025-11-04")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def validate_partial(value: object) -> str:
    """A partial date's text, or ValueError saying what is wrong with it."""
    value = coerce_date_text(value)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date; write it like 2025-11-04, 2025-11 or 2025")
    precision_of(value)
    return value


@lru_cache(maxsize=1 << 16)  # pure; large datasets repeat the same dates
def partial_date_bounds(text: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day covered by a partial date.

    >>> partial_date_bounds("2014-06")
    (datetime.date(2014, 6, 1), datetime.date(2014, 6, 30))
    """
    precision = precision_of(text)
    parts = [int(p) for p in text.split("-")]
    if precision is Precision.day:
        day = dt.date(*parts)
        return day, day
    if precision is Precision.month:
        first = dt.date(parts[0], parts[1], 1)
        following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first, following - dt.timedelta(days=1)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


@lru_cache(maxsize=1 << 16)  # pure; large datasets repeat the same dates
def format_partial_date(text: str) -> str:
    """``2025-11-04`` -> ``4 Nov 2025``; ``2014-06`` -> ``Jun 2014``; ``2014`` -> ``2014``."""
    precision = precision_of(text)
    first, _ = partial_date_bounds(text)
    if precision is Precision.day:
        return f"{first.day} {first:%b %Y}"
    if precision is Precision.month:
        return f"{first:%b %Y}"
    return text


class DateWindow(Record):
    """Somewhere between ``earliest`` and ``latest`` (inclusive): one moment, not a duration."""

    earliest: str
    latest: str

    @field_validator("earliest", "latest", mode="before")
    @classmethod
    def _date_text(cls, value: object) -> str:
        return validate_partial(value)


class DateSpec(Record):
    """When something happened: a point, a duration (start–end) or a window, with its precision.

    ``precision: unknown`` means no date at all. ``basis`` says how the date was
    established (``stated``, or ``derived: ...`` and how); ``note`` adds anything else.
    """

    start: str | None = None
    end: str | None = None
    window: DateWindow | None = None
    precision: Precision
    basis: str | None = None
    note: str | None = None

    @field_validator("start", "end", mode="before")
    @classmethod
    def _date_text(cls, value: object) -> object:
        return None if value is None else validate_partial(value)

    @model_validator(mode="after")
    def _consistent(self) -> DateSpec:
        if self.precision is Precision.unknown:
            if self.start or self.end or self.window:
                raise ValueError("precision is 'unknown' but a date is given; remove the date or set its precision")
            return self
        if self.window is not None:
            if self.start or self.end:
                raise ValueError("give either a window (somewhere between two dates) or start/end (a duration), "
                                 "not both")
            values = {"window.earliest": self.window.earliest, "window.latest": self.window.latest}
        else:
            if not self.start:
                raise ValueError(f"precision is '{self.precision.value}' but no start date is given")
            values = {"start": self.start, "end": self.end}
        for name, value in values.items():
            if value and precision_of(value) is not self.precision:
                raise ValueError(f"{name} {value!r} is written to the {precision_of(value).value}, "
                                 f"but precision says '{self.precision.value}'")
        first, last = self.first, self.last
        if first and last and last < first:
            raise ValueError(f"{last} is before {first}: the later date must come second")
        return self

    @property
    def first(self) -> str | None:
        """The earliest date text: ``start`` or the window's ``earliest``."""
        return self.window.earliest if self.window else self.start

    @property
    def last(self) -> str | None:
        """The latest date text given (``end`` or the window's ``latest``), if any."""
        return self.window.latest if self.window else self.end

    def bounds(self) -> tuple[dt.date, dt.date] | None:
        """First and last calendar day the date could mean, or None if unknown."""
        if self.first is None:
            return None
        return partial_date_bounds(self.first)[0], partial_date_bounds(self.last or self.first)[1]

    def label(self) -> str:
        """Human text such as ``4 Nov 2025``, ``Jun 2014``, ``between Dec 2001 and May 2002``."""
        if self.first is None:
            return "date unknown"
        if self.window:
            return f"between {format_partial_date(self.window.earliest)} and {format_partial_date(self.window.latest)}"
        text = format_partial_date(self.first)
        return f"{text} – {format_partial_date(self.end)}" if self.end else text

    def edtf(self) -> str | None:
        """The date in EDTF: ``2014-06``, ``2001-12/2002-05`` (duration), ``[2001-12..2002-05]`` (window)."""
        if self.first is None:
            return None
        if self.window:
            return f"[{self.window.earliest}..{self.window.latest}]"
        return f"{self.start}/{self.end}" if self.end else self.start
