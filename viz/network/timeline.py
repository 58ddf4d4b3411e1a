"""The dated event list: sorted, filterable by organisation, kind and date range.

Pure functions over a :class:`~viz.record.load.Dataset`; nothing here knows about Dash.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from viz.record.labels import event_lane
from viz.record.load import Dataset
from viz.record.model import Event


@dataclasses.dataclass(frozen=True)
class TimelineEntry:
    """One event, flattened for display and filtering."""

    event_id: str
    title: str
    kind: str  # the event's lane: its kind, or ``series:<id>`` for a session (see viz.record.labels)
    label: str | None  # "17th" for numbered sessions, "16th?" when inferred, "unnumbered" without a number
    start: dt.date | None  # first day the date could mean; None if undated
    end: dt.date | None  # last day the date could mean
    precision: str
    date_label: str
    place: str | None
    participants: tuple[str, ...]  # "Name (co-chair, Defence Secretary)"
    actor_ids: frozenset[str]
    sources: tuple[str, ...]
    conflicts: int = 0  # how many source disagreements are recorded
    topics: tuple[str, ...] = ()
    window: bool = False  # one moment somewhere between start and end, not a duration

    @property
    def vague(self) -> bool:
        """Not known to the day as one day or one span: drawn open, in the middle of its period."""
        return self.precision != "day" or self.window


def ordinal(number: int) -> str:
    """``1 -> '1st'``, ``12 -> '12th'``, ``23 -> '23rd'``."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def event_actor_ids(dataset: Dataset, event: Event) -> frozenset[str]:
    """Every actor an event involves: participants, whom they acted for, named
    organisations, the body that met, and the parties to its outcomes."""
    ids = set(event.organisations)
    if event.body:
        ids.add(event.body)
    if event.series and (series := dataset.series_by_id.get(event.series)) and series.body:
        ids.add(series.body)
    for person in event.participants:
        ids.add(person.actor)
        if person.organisation:
            ids.add(person.organisation)
    for agreement_id in event.outcomes:
        ids.update(dataset.agreement_by_id[agreement_id].parties)
    return frozenset(ids)


def _entry(dataset: Dataset, event: Event, brief: bool = False) -> TimelineEntry:
    bounds = event.date.bounds()
    label = None
    if event.session_number is not None:
        label = ordinal(event.session_number) + ("?" if event.session_inferred else "")
    elif event.series:
        label = "unnumbered"
    place = event.place.label() if event.place else None
    people = []
    for person in () if brief else event.participants:
        details = ", ".join(d for d in (person.role.value, person.title) if d)
        people.append(f"{dataset.actor_by_id[person.actor].name_at(event.date.first)} ({details})")
    return TimelineEntry(
        event_id=event.id,
        title=event.title,
        kind=event_lane(event),
        label=label,
        start=bounds[0] if bounds else None,
        end=bounds[1] if bounds else None,
        precision=event.date.precision.value,
        date_label=event.date.label(),
        place=place or None,
        participants=tuple(people),
        actor_ids=frozenset() if brief else event_actor_ids(dataset, event),
        sources=event.sources,
        conflicts=len(event.conflicts),
        topics=event.topics,
        window=event.date.window is not None,
    )


def timeline_entries(
    dataset: Dataset,
    org_ids: Iterable[str] = (),
    kinds: Iterable[str] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
    topics: Iterable[str] = (),
    *,
    brief: bool = False,
) -> list[TimelineEntry]:
    """Events sorted by date (undated last), optionally filtered.

    ``brief`` leaves out participants and actor ids (a large dataset's base
    timeline needs neither, and they are a third of the cost); it cannot be
    combined with ``org_ids``.

    - ``org_ids``: keep events involving any of these actors (empty: no filter);
    - ``kinds``: keep events in these lanes: kinds, or ``series:<id>`` (empty: no filter);
    - ``topics``: keep events with any of these topics (empty: no filter);
    - ``start``/``end``: keep events whose possible dates overlap the window.
      Undated events cannot be placed in a window, so a window excludes them.

    >>> [e.label for e in timeline_entries(ds, kinds=["series:" + ds.series[0].id])]  # doctest: +SKIP
    ['17th']
    """
    orgs, wanted_kinds, wanted_topics = set(org_ids), set(kinds), set(topics)
    if brief and orgs:
        raise ValueError("brief entries have no actor ids to filter by organisation")
    entries = []
    for event in dataset.events:
        entry = _entry(dataset, event, brief)
        if orgs and not orgs & entry.actor_ids:
            continue
        if wanted_kinds and entry.kind not in wanted_kinds:
            continue
        if wanted_topics and not wanted_topics & set(entry.topics):
            continue
        if start or end:
            if entry.start is None or entry.end is None:
                continue
            if (start and entry.end < start) or (end and entry.start > end):
                continue
        entries.append(entry)
    entries.sort(key=lambda e: (e.start is None, e.start or dt.date.min, e.end or dt.date.min, e.title))
    return entries


def series_sessions(dataset: Dataset, series_id: str) -> list[TimelineEntry]:
    """One series' sessions in series order, including undated and unnumbered ones.

    Numbered sessions go by number, whatever their date precision. A session
    with no number goes just before the first numbered session known to be
    later than it, so its place in the series is an inference from dates,
    never a claimed number.
    """
    sessions = dataset.sessions_of(series_id)
    entries = {e.id: _entry(dataset, e) for e in sessions}
    numbered = [(e.session_number, entries[e.id]) for e in sessions if e.session_number is not None]

    def position(event: Event) -> tuple[float, dt.date]:
        entry = entries[event.id]
        if event.session_number is not None:
            return float(event.session_number), entry.start or dt.date.max
        later = [n for n, other in numbered if other.start and entry.end and other.start > entry.end]
        return (min(later) - 0.5 if later else float("inf")), entry.start or dt.date.max

    return [entries[e.id] for e in sorted(sessions, key=position)]
