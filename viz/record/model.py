"""The viz dataset schema (version 2), as pydantic models.

A dataset is a folder of files, each holding one collection:

- ``dataset.yaml``    -- :class:`DatasetMeta` (a mapping: title, labels, organisation types)
- ``sources.yaml``    -- list of :class:`Source`
- ``actors.yaml``     -- list of :class:`Actor`
- ``agreements.yaml`` -- list of :class:`Agreement`
- ``events.yaml``     -- list of :class:`Event`
- ``series.yaml``     -- list of :class:`Series` (optional: recurring bodies whose sessions are numbered)

Records point at each other by id (``sources: [ians-2025-11-04]``); the loader
(:mod:`viz.record.load`) checks every reference. Dates are partial ISO strings whose
precision is stated explicitly (:mod:`viz.record.dates`), so a month-precise fact is
never mistaken for a day-precise one. People, bodies and their roles follow
Popolo's Person / Organization / Membership closely (see the README).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from viz.record.dates import (  # noqa: F401  (re-exported: the schema's date types)
    DateSpec,
    DateWindow,
    Precision,
    Record,
    format_partial_date,
    partial_date_bounds,
    precision_of,
    validate_partial,
)
from viz.record.urls import web_url_problem

SCHEMA_VERSION = 2

#: what an id looks like (lower-case letters, digits, ``.``, ``_`` and ``-``)
ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Confidence(StrEnum):
    """How well the sources support a fact."""

    high = "high"
    medium = "medium"
    low = "low"


class ActorKind(StrEnum):
    """The built-in kinds of actor; a dataset may refine them with its own organisation types."""

    person = "person"
    government_body = "government_body"
    armed_force = "armed_force"
    company = "company"
    country = "country"
    group = "group"


class EventKind(StrEnum):
    """The kinds of event. A ``session`` is a numbered meeting of a :class:`Series`."""

    session = "session"
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
    participant = "participant"
    host = "host"
    called_on = "called-on"
    signatory = "signatory"
    visitor = "visitor"


#: roles whose holders sit in a series body's session (they link to the body)
SESSION_ROLES = frozenset({ParticipantRole.co_chair, ParticipantRole.delegation_lead, ParticipantRole.delegate,
                           ParticipantRole.participant})
#: roles of those who travel on a visit
VISITING_ROLES = frozenset({ParticipantRole.delegation_lead, ParticipantRole.delegate, ParticipantRole.visitor})
#: roles of those the visitors met: hosts and officials called on
RECEIVING_ROLES = frozenset({ParticipantRole.host, ParticipantRole.called_on})


class AgreementStatus(StrEnum):
    """Where an agreement stands; only signed, in-force and expired ones were signed."""

    proposed = "proposed"
    under_negotiation = "under_negotiation"
    announced = "announced"
    signed = "signed"
    in_force = "in_force"
    expired = "expired"
    withdrawn = "withdrawn"


#: statuses that mean the agreement was signed (they need a ``signed`` date, possibly unknown)
SIGNED_STATUSES = frozenset({AgreementStatus.signed, AgreementStatus.in_force, AgreementStatus.expired})


def _date_text(value: object) -> object:
    return None if value is None else validate_partial(value)


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

    _published = field_validator("published", mode="before")(classmethod(lambda cls, v: _date_text(v)))

    @field_validator("url")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        problem = None if value is None else web_url_problem(value)
        if problem:
            shown = value if len(value) <= 200 else value[:200] + "…"
            raise ValueError(f"url {shown!r} is not a valid http(s) URL: {problem}")
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
    """A position an actor held, as stated by a source on a given date (a Popolo Membership).

    ``former: true`` records that the source calls them a *former* holder on that date:
    it is shown, but draws no relation saying the post was held then.
    """

    title: Text
    organisation: Id | None = None
    as_of: str
    former: bool = False
    sources: tuple[Id, ...] = ()
    confidence: Confidence | None = None
    note: str | None = None

    _as_of = field_validator("as_of", mode="before")(classmethod(lambda cls, v: validate_partial(v)))


class DatedName(Record):
    """A name an actor went by for a while (a body renamed in 2025 keeps its old name until then)."""

    name: Text
    since: str | None = None
    until: str | None = None
    sources: tuple[Id, ...] = ()
    note: str | None = None

    _dates = field_validator("since", "until", mode="before")(classmethod(lambda cls, v: _date_text(v)))

    @model_validator(mode="after")
    def _some_date(self) -> DatedName:
        if not (self.since or self.until):
            raise ValueError("a dated name needs 'since' or 'until' (otherwise list it under aliases)")
        if self.since and self.until and partial_date_bounds(self.until)[1] < partial_date_bounds(self.since)[0]:
            raise ValueError(f"until {self.until} is before since {self.since}")
        return self


class Actor(Record):
    """A person, body, armed force, company, country or group."""

    id: Id
    name: Text
    kind: ActorKind
    type: Id | None = None
    country: Id | None = None
    aliases: tuple[str, ...] = ()
    names: tuple[DatedName, ...] = ()
    description: str | None = None
    roles: tuple[Role, ...] = ()
    sources: tuple[Id, ...] = ()
    conflicts: tuple[SourceConflict, ...] = ()

    def name_at(self, when: str | None) -> str:
        """The name the actor went by on a date (partial date text), else its main name."""
        if when is None:
            return self.name
        first, last = partial_date_bounds(when)
        for dated in self.names:
            if ((dated.since is None or partial_date_bounds(dated.since)[0] <= first)
                    and (dated.until is None or last <= partial_date_bounds(dated.until)[1])):
                return dated.name
        return self.name

    def all_names(self) -> tuple[str, ...]:
        """Main name, dated names and aliases: everything a search should find it by."""
        return tuple(dict.fromkeys([self.name, *(n.name for n in self.names), *self.aliases]))


class Participant(Record):
    """An actor's part in an event; ``organisation`` is whom they acted for, ``side`` their country."""

    actor: Id
    role: ParticipantRole
    title: str | None = None
    organisation: Id | None = None
    side: Id | None = None


class Agreement(Record):
    """An agreement at any stage: proposed, negotiated, announced, signed, in force, expired, withdrawn.

    ``signed`` is required for agreements that were signed (its precision may be
    ``unknown``); ``dates`` gives the date of any other status it reached.
    """

    id: Id
    name: Text
    kind: Text
    status: AgreementStatus = AgreementStatus.signed
    signed: DateSpec | None = None
    dates: dict[AgreementStatus, DateSpec] = Field(default_factory=dict)
    parties: tuple[Id, ...] = ()
    signatories: tuple[Participant, ...] = ()
    areas: tuple[str, ...] = ()
    summary: str | None = None
    confidence: Confidence | None = None
    sources: tuple[Id, ...] = ()
    conflicts: tuple[SourceConflict, ...] = ()

    @model_validator(mode="after")
    def _status_fits(self) -> Agreement:
        if self.status in SIGNED_STATUSES:
            if self.signed is None:
                raise ValueError(f"status is '{self.status.value}' but no 'signed' date is given "
                                 "(use precision: unknown if the signing date is not known)")
            if not self.parties:
                raise ValueError(f"status is '{self.status.value}' but no parties are given")
        elif self.signatories:
            raise ValueError(f"status is '{self.status.value}' (not signed) but signatories are listed")
        if AgreementStatus.signed in self.dates:
            raise ValueError("give the signing date as 'signed:', not under 'dates:'")
        return self

    @property
    def is_signed(self) -> bool:
        return self.status in SIGNED_STATUSES

    def when(self) -> DateSpec:
        """The date that places the agreement in time: its signing, else its latest dated status."""
        if self.signed is not None:
            return self.signed
        for status in reversed(AgreementStatus):
            if status in self.dates:
                return self.dates[status]
        return DateSpec(precision=Precision.unknown)


class Place(Record):
    """Where an event happened: venue (a building, base or hotel), city, country."""

    venue: str | None = None
    city: str | None = None
    country: str | None = None

    def label(self) -> str | None:
        return ", ".join(p for p in (self.venue, self.city, self.country) if p) or None


class Series(Record):
    """A recurring body whose numbered sessions form a series (a joint working group, a dialogue)."""

    id: Id
    name: Text
    short_name: Text
    body: Id | None = None
    parties: tuple[Id, ...] = ()
    level: str | None = None
    description: str | None = None
    lane_label: str | None = None
    sources: tuple[Id, ...] = ()


class Event(Record):
    """Something dated that happened: a session of a series, a visit, a signing, ..."""

    id: Id
    title: Text
    kind: EventKind
    series: Id | None = None
    session: int | Literal["unknown"] | None = Field(default=None)
    session_inferred: bool = False
    body: Id | None = None
    part_of: Id | None = None
    date: DateSpec
    place: Place | None = None
    participants: tuple[Participant, ...] = ()
    organisations: tuple[Id, ...] = ()
    mentions: tuple[Id, ...] = ()
    outcomes: tuple[Id, ...] = ()
    topics: tuple[str, ...] = ()
    summary: str | None = None
    confidence: Confidence | None = None
    sources: tuple[Id, ...] = ()
    conflicts: tuple[SourceConflict, ...] = ()

    @field_validator("session", mode="before")
    @classmethod
    def _session_value(cls, value: object) -> object:
        if value is None or value == "unknown" or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)  # CSV cells are text
        raise ValueError(f"{value!r} is not a session number: write a number such as 17, or 'unknown'")

    @model_validator(mode="after")
    def _session_fits(self) -> Event:
        if self.kind is EventKind.session and self.series is None:
            raise ValueError("an event of kind 'session' needs 'series:' (the id of the series it belongs to)")
        if self.series is not None and self.kind is not EventKind.session:
            raise ValueError(f"'series:' is set but kind is '{self.kind.value}'; sessions have kind 'session'")
        if self.session is not None and self.series is None:
            raise ValueError("'session:' (a session number) is set but 'series:' is not")
        if isinstance(self.session, int) and self.session < 1:
            raise ValueError(f"session number {self.session} must be 1 or more (or 'unknown')")
        if self.session_inferred and not isinstance(self.session, int):
            raise ValueError("session_inferred is set but there is no session number")
        return self

    @property
    def session_number(self) -> int | None:
        return self.session if isinstance(self.session, int) else None


class OrganisationType(Record):
    """A dataset's own sub-type of a built-in kind (ministry, agency, state-owned company, ...)."""

    id: Id
    label: Text
    kind: ActorKind


class Labels(Record):
    """Human labels that replace the built-in ones (``event_kinds: {other: Exercise}``)."""

    event_kinds: dict[EventKind, Text] = Field(default_factory=dict)
    actor_kinds: dict[ActorKind, Text] = Field(default_factory=dict)
    participant_roles: dict[ParticipantRole, Text] = Field(default_factory=dict)


class DatasetMeta(Record):
    """``dataset.yaml``: what the dataset is. The app's title comes from here."""

    schema_version: Literal[2]
    id: Id
    title: Text
    description: str | None = None
    license: str | None = None
    maintainers: tuple[str, ...] = ()
    labels: Labels = Field(default_factory=Labels)
    organisation_types: tuple[OrganisationType, ...] = ()
