"""Human labels and timeline lanes, from the data: nothing here names a particular record.

An event's *lane* is its kind, except that sessions get one lane per series
(``series:<id>``), so two recurring bodies never share a strip or a filter.
Lanes are what the event filter, the timeline and the index group events by.
Built-in kinds have default labels; ``dataset.yaml`` may override them
(``labels:``) and declare organisation sub-types (``organisation_types:``).
"""

from __future__ import annotations

from viz.record.load import Dataset
from viz.record.model import Actor, ActorKind, Event, EventKind, ParticipantRole

SERIES_LANE_PREFIX = "series:"

EVENT_KIND_LABELS: dict[EventKind, str] = {
    EventKind.session: "Session",
    EventKind.visit: "Visit",
    EventKind.meeting: "Meeting",
    EventKind.agreement_signing: "Agreement signing",
    EventKind.programme: "Programme",
    EventKind.other: "Other event",
}
ACTOR_KIND_LABELS: dict[ActorKind, str] = {
    ActorKind.person: "Person",
    ActorKind.government_body: "Government body",
    ActorKind.armed_force: "Armed force",
    ActorKind.company: "Company",
    ActorKind.country: "Country",
    ActorKind.group: "Group",
}
ROLE_LABELS: dict[ParticipantRole, str] = {
    ParticipantRole.co_chair: "co-chair",
    ParticipantRole.delegation_lead: "led the delegation",
    ParticipantRole.delegate: "delegate",
    ParticipantRole.participant: "participant",
    ParticipantRole.host: "host",
    ParticipantRole.called_on: "called on",
    ParticipantRole.signatory: "signatory",
    ParticipantRole.visitor: "visitor",
}


def event_lane(event: Event) -> str:
    """``series:<id>`` for a session, else the event's kind."""
    return f"{SERIES_LANE_PREFIX}{event.series}" if event.series else event.kind.value


def lanes(dataset: Dataset) -> list[str]:
    """Every lane the dataset may use, top to bottom: one per series, then the other kinds."""
    return [f"{SERIES_LANE_PREFIX}{s.id}" for s in dataset.series] + [
        k.value for k in EventKind if k is not EventKind.session]


def lane_labels(dataset: Dataset) -> dict[str, str]:
    """Every lane with its label, top to bottom (what the timeline and the event filter show)."""
    return {lane: lane_label(dataset, lane) for lane in lanes(dataset)}


def lane_label(dataset: Dataset, lane: str) -> str:
    """``DPG sessions`` for a series lane, ``Visit`` (or the dataset's own label) for a kind."""
    if lane.startswith(SERIES_LANE_PREFIX):
        series = dataset.series_by_id.get(lane.removeprefix(SERIES_LANE_PREFIX))
        if series is None:
            return lane
        return series.lane_label or f"{series.short_name} sessions"
    try:
        kind = EventKind(lane)
    except ValueError:
        return lane.replace("_", " ")
    return dataset.meta.labels.event_kinds.get(kind) or EVENT_KIND_LABELS[kind]


def event_kind_label(dataset: Dataset, event: Event) -> str:
    """What an event is, in words: ``DPG session``, ``Visit``."""
    if event.series and event.series in dataset.series_by_id:
        return f"{dataset.series_by_id[event.series].short_name} session"
    return lane_label(dataset, event.kind.value)


def actor_kind_label(dataset: Dataset, kind: str) -> str:
    """``Government body`` (or the dataset's own label) for a built-in actor kind."""
    try:
        value = ActorKind(kind)
    except ValueError:
        return kind.replace("_", " ")
    return dataset.meta.labels.actor_kinds.get(value) or ACTOR_KIND_LABELS[value]


def actor_type_label(dataset: Dataset, actor: Actor) -> str:
    """The most specific label: the dataset's organisation type (``Ministry``) if any, else the kind."""
    if actor.type:
        for declared in dataset.meta.organisation_types:
            if declared.id == actor.type:
                return declared.label
    return actor_kind_label(dataset, actor.kind.value)


def role_label(dataset: Dataset, role: ParticipantRole) -> str:
    """How a participant's role reads in hovers and details."""
    return dataset.meta.labels.participant_roles.get(role) or ROLE_LABELS[role]
