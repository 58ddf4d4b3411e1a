"""The viz dataset schema (version 1), as pydantic models.

A dataset is a folder of YAML files, each holding one collection:

- ``dataset.yaml``    -- :class:`DatasetMeta` (a mapping)
- ``sources.yaml``    -- list of :class:`Source`
- ``actors.yaml``     -- list of :class:`Actor`
- ``agreements.yaml`` -- list of :class:`Agreement`
- ``events.yaml``     -- list of :class:`Event`

Records point at each other by id (``sources: [ians-2025-11-04]``); the loader
(:mod:`viz.load`) checks every reference. Dates are partial ISO strings
(``2025``, ``2025-11``, ``2025-11-04``) whose precision is stated explicitly, so
a month-precise fact is never mistaken for a day-precise one.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

SCHEMA_VERSION = 1

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class Precision(StrEnum):
    """How precisely a date is known."""

    day = "day"
    month = "month"
    year = "year"
    unknown = "unknown"


class Confidence(StrEnum):
    """How well the sources support a fact (as in the research corpus)."""

    high = "high"
    medium = "medium"
    low = "low"


class ActorKind(StrEnum):
    person = "person"
    government_body = "government_body"
    armed_force = "armed_force"
    company = "company"
    country = "country"
    group = "group"


class EventKind(StrEnum):
    jwg_session = "jwg_session"
    visit = "visit"
    meeting = "meeting"
    agreement_signing = "agreement_signing"
    programme = "programme"
    other = "other"


class ParticipantRole(StrEnum):
    """An actor's part in one event."""

    co_chair = "co-chair"
    delegation_lead = "delegation-lead"
    delegate = "delegate"
    host = "host"
    signatory = "signatory"
    visitor = "visitor"
    participant = "participant"


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


def _coerce_date_text(value: object) -> object:
    # YAML turns an unquoted 2025-11-04 into a datetime.date; keep the text form.
    if isinstance(value, dt.datetime):
        raise ValueError("give a date, not a date and time")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


def _validate_partial(value: object) -> str:
    value = _coerce_date_text(value)
    if not isinstance(value, str):
        raise ValueError("a date must be a string like 2025-11-04")
    precision_of(value)
    return value


class DateSpec(Record):
    """When something happened: a start, an optional end, and the precision of both.

    ``precision: unknown`` means no date at all (``start`` must be empty).
    ``basis`` says how the date was established (stated, or derived and how).
    """

    start: str | None = None
    end: str | None = None
    precision: Precision
    basis: str | None = None

    @field_validator("start", "end", mode="before")
    @classmethod
    def _date_text(cls, value: object) -> object:
        return None if value is None else _validate_partial(value)

    @model_validator(mode="after")
    def _consistent(self) -> DateSpec:
        if self.precision is Precision.unknown:
            if self.start or self.end:
                raise ValueError("precision is 'unknown' but a date is given")
            return self
        if not self.start:
            raise ValueError(f"precision is '{self.precision.value}' but no start date is given")
        for name in ("start", "end"):
            value = getattr(self, name)
            if value and precision_of(value) is not self.precision:
                raise ValueError(
                    f"{name} {value!r} does not match precision '{self.precision.value}'"
                )
        if self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def bounds(self) -> tuple[dt.date, dt.date] | None:
        """First and last calendar day the date could mean, or None if unknown."""
        if self.start is None:
            return None
        return partial_date_bounds(self.start)[0], partial_date_bounds(self.end or self.start)[1]

    def label(self) -> str:
        """Human text such as ``4 Nov 2025``, ``Jun 2014`` or ``date unknown``."""
        if self.start is None:
            return "date unknown"
        text = format_partial_date(self.start)
        return f"{text} – {format_partial_date(self.end)}" if self.end else text


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


class Source(Record):
    """A document a fact comes from: a web page (url) or an offline document."""

    id: Id
    url: str | None = None
    document: str | None = None
    title: str | None = None
    publisher: Text
    published: str | None = None
    published_note: str | None = None
    language: str | None = None
    note: str | None = None

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, value: object) -> object:
        return None if value is None else _validate_partial(value)

    @field_validator("url")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("url must start with http:// or https://")
        return value

    @model_validator(mode="after")
    def _has_locator(self) -> Source:
        if not (self.url or self.document):
            raise ValueError("a source needs a url or a document")
        return self


class SourceConflict(Record):
    """Where sources disagree: a note in our words plus the sources on each side."""

    note: Text
    sources: tuple[Id, ...] = Field(min_length=1)


class Role(Record):
    """A position an actor held, as stated by a source on a given date."""

    title: Text
    organisation: Id | None = None
    as_of: str
    sources: tuple[Id, ...] = ()
    confidence: Confidence | None = None
    note: str | None = None

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, value: object) -> object:
        return _validate_partial(value)


class Actor(Record):
    """A person, body, armed force, company, country or group."""

    id: Id
    name: Text
    kind: ActorKind
    country: Id | None = None
    aliases: tuple[str, ...] = ()
    description: str | None = None
    roles: tuple[Role, ...] = ()
    sources: tuple[Id, ...] = ()
    conflicts: tuple[SourceConflict, ...] = ()


class Participant(Record):
    """An actor's part in an event; ``organisation`` is whom they acted for there."""

    actor: Id
    role: ParticipantRole
    title: str | None = None
    organisation: Id | None = None


class Agreement(Record):
    """A signed document: MoU, Terms of Reference, contract, joint venture, ..."""

    id: Id
    name: Text
    kind: Text
    signed: DateSpec
    parties: tuple[Id, ...] = Field(min_length=1)
    signatories: tuple[Participant, ...] = ()
    areas: tuple[str, ...] = ()
    summary: str | None = None
    confidence: Confidence | None = None
    sources: tuple[Id, ...] = ()
    conflicts: tuple[SourceConflict, ...] = ()


class Place(Record):
    city: str | None = None
    country: str | None = None


class Event(Record):
    """Something dated that happened: a JWG session, a visit, a signing, ..."""

    id: Id
    title: Text
    kind: EventKind
    session: int | None = Field(default=None, ge=1)
    session_inferred: bool = False
    body: Id | None = None
    part_of: Id | None = None
    date: DateSpec
    place: Place | None = None
    participants: tuple[Participant, ...] = ()
    organisations: tuple[Id, ...] = ()
    outcomes: tuple[Id, ...] = ()
    topics: tuple[str, ...] = ()
    summary: str | None = None
    confidence: Confidence | None = None
    sources: tuple[Id, ...] = ()
    conflicts: tuple[SourceConflict, ...] = ()

    @model_validator(mode="after")
    def _session_only_numbered(self) -> Event:
        if self.session_inferred and self.session is None:
            raise ValueError("session_inferred is set but there is no session number")
        return self


class DatasetMeta(Record):
    """``dataset.yaml``: what the dataset is. The app's title comes from here."""

    schema_version: Literal[1]
    id: Id
    title: Text
    description: str | None = None
    license: str | None = None
    maintainers: tuple[str, ...] = ()
