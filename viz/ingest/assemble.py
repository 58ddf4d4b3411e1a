"""Put one ingest's findings together as proposal items, in the documented order.

Dates first (a sub-event of a visit takes the visit's date when its own sentence has none),
then agreements (their signing dated by the event they were signed at, their parties the
bodies of that event's chairs or delegation leads), then events (with the agreements as
outcomes), then the topics and the bodies only named, each given to the event the text
was describing when it named them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from viz.ingest.agreements import FoundAgreement, find_agreements, find_topics
from viz.ingest.events import Found, Span
from viz.ingest.gazetteer import slug
from viz.ingest.ingest import _organisation_of
from viz.ingest.proposal import KIND_ORDER, Item
from viz.record.model import ActorKind

if TYPE_CHECKING:
    from viz.ingest.ingest import _Run

_LEADS = ("co-chair", "delegation-lead", "signatory")


def _ordered(events: list[Found]) -> list[Found]:
    """Umbrella events before the events that are part of them."""
    return sorted(events, key=lambda e: e.part_of is not None)


def _nearest(events: list[Found], at: int) -> Found | None:
    """The event whose sentence last came before (or holds) ``at``: what the text was describing there."""
    before = [e for e in events if e.sentence.start <= at]
    return max(before, key=lambda e: (e.sentence.start, e.kind == "session")) if before else (
        events[0] if events else None)


def _agreement(run: _Run, found: FoundAgreement, events: list[Found]) -> tuple[dict[str, Any], Found | None, str]:
    """The agreement's record (without id uniqueness), the event it came out of, and a note."""
    at = _nearest([e for e in events if e.kind in ("session", "meeting")], found.span.start)
    from viz.ingest.dates import find_dates, resolve

    here = find_dates(run.text, found.sentence.start, found.sentence.end)
    if here:
        date = resolve(here[0], run.anchor)
    elif at is not None:
        date = dict(run.dates[id(at)])
        if date.get("basis"):
            title = run.text[at.trigger.start:at.trigger.end]
            date["basis"] = f"derived: signed at the {title}; " + date["basis"].removeprefix("derived: ")
    else:
        date = resolve(None, run.anchor)
    year = (date.get("start") or (date.get("window") or {}).get("earliest") or "")[:4]
    name = f"{found.name} ({year})" if year else found.name
    record: dict[str, Any] = {"id": slug(re.sub(r"\b(?:on|for|in|of|the|and)\b", " ", found.name) + " " + year),
                              "name": name, "kind": found.kind, "status": found.status}
    if found.status in ("signed",):
        record["signed"] = date
    elif date.get("precision") != "unknown":
        record["dates"] = {found.status: date}
    parties: list[str] = []
    if at is not None:
        for entity, role in at.participants:
            if role in _LEADS:
                org = (run.builder.actor_id(entity.organisation) if entity.organisation
                       else _organisation_of(entity, run.gaz))
                if org:
                    parties.append(org)
    if not parties:
        parties = [run.builder.actor_id(e) for e in run.entities if e.kind is ActorKind.country]
    note = f"{found.status} ({found.kind})"
    if parties:
        record["parties"] = list(dict.fromkeys(parties))
    elif found.status == "signed":  # a signed agreement needs parties: say it was reported, and why
        record["status"] = "announced"
        record.pop("signed")
        record["dates"] = {"announced": date}
        note = "reported as signed, but the report names no parties: proposed as announced"
    if found.areas:
        record["areas"] = list(dict.fromkeys(area for area, _ in found.areas))
    record["sources"] = [run.builder.source]
    return record, at, note


def assemble(run: _Run) -> list[Item]:
    """Every item of the proposal, in the documented order."""
    builder, gaz = run.builder, run.gaz
    builder.items.append(run.source_item)
    as_of = run.as_of()
    used_by_title: dict[str, Span] = {}
    for entity in run.entities:
        org = _organisation_of(entity, gaz) if entity.kind is ActorKind.person else None
        if org and not any(e.actor == org for e in run.entities):
            used_by_title.setdefault(org, Span(*entity.title_span) if entity.title_span else Span(
                entity.mentions[0].start, entity.mentions[0].end))
    for entity in run.entities:
        org = (builder.actor_id(entity.organisation) if entity.organisation else _organisation_of(entity, gaz))
        builder.actor(entity, run.entities, as_of, org)
    for org, span in used_by_title.items():
        from viz.ingest.actors import Entity

        actor = gaz.actors[org]
        builder.actor(Entity(actor.name, actor.kind, actor.id), run.entities, None, None, via_title=span)

    events = _ordered(run.events)
    for found in events:
        run.dates[id(found)] = run.date_of(found)[0]
    outcomes: dict[int, list[str]] = {}
    for agreement in find_agreements(run.text):
        record, at, note = _agreement(run, agreement, events)
        agreement_id = builder.agreement(agreement, record, 0.8, note)
        if at is not None:
            outcomes.setdefault(id(at), []).append(agreement_id)

    placed: dict[int, dict[str, Any]] = {}
    for found in events:
        record, note = run.event_record(found)
        if id(found) in outcomes:
            record["outcomes"] = outcomes[id(found)]
        spans = found.evidence + ([found.place_span] if found.place_span else []) + run.date_of(found)[1]
        confidence = 0.9 if found.series is not None else 0.7
        builder.event(found, record, spans, confidence, note)
        placed[id(found)] = record
    _informational(run, events, placed)
    return sorted(builder.items, key=lambda item: KIND_ORDER.index(item.kind))


def _informational(run: _Run, events: list[Found], placed: dict[int, dict[str, Any]]) -> None:
    """Topics and bodies only named, each to the event being described where the text names it."""
    builder = run.builder
    new_ids = {i.id for i in builder.items if i.kind == "event" and i.status == "new"}
    referenced = {v for r in placed.values() for v in [*r.get("organisations", ()), r.get("body"),
                                                        *(p.get("organisation") for p in r.get("participants", ())),
                                                        *(p["actor"] for p in r.get("participants", ()))] if v}
    referenced |= {p for i in builder.items if i.kind == "agreement" and i.record for p in i.record.get("parties", ())}
    def attach(kind: str, field: str, value: str, span: Span) -> None:
        """A topic or a mention, given to the nearest event (in its record when that event is new)."""
        at = _nearest(events, span.start)
        record = placed.get(id(at)) if at else None
        event_id = builder.ids.get(id(at)) if at else None
        if record is not None and event_id in new_ids:
            record.setdefault(field, []).append(value)
        builder.informational(kind, value, span, event_id, event_id in new_ids)

    for topic, span in find_topics(run.text, run.gaz, []):
        attach("topic", "topics", topic, span)
    for entity in run.entities:
        if entity.kind in (ActorKind.person, ActorKind.country) or not entity.mentions:
            continue
        actor_id = builder.actor_id(entity)
        if actor_id not in referenced:
            attach("mention", "mentions", actor_id, Span(entity.mentions[0].start, entity.mentions[0].end))
    # items hold copies of their records: put back the ones that gained topics or mentions, validated again
    records = {builder.ids[key]: record for key, record in placed.items()}
    for index, item in enumerate(builder.items):
        if item.kind == "event" and item.status == "new" and item.id in records:
            builder.items[index] = Item.model_validate(item.model_dump() | {"record": records[item.id]})
