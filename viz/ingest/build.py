"""Turn what the extractor found into proposal items: records for new facts, additions for known ones.

Ids are suggested from names and dates and never collide with the dataset or each other.
A fact the dataset already holds (the same actor; the same series and session; the same
kind of event on an overlapping date with a shared participant; the same agreement) is an
``existing`` item that adds only the new source and whatever else is new (participants,
topics, roles), so a second report of a known meeting corroborates instead of duplicating.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz

from viz.ingest.actors import Entity
from viz.ingest.agreements import FoundAgreement
from viz.ingest.events import Found, Span
from viz.ingest.gazetteer import Gazetteer, slug
from viz.ingest.proposal import Evidence, Item
from viz.record.model import ActorKind, DateSpec, Event


def ordinal(n: int) -> str:
    """17 -> 17th."""
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _overlap(a: dict[str, Any] | DateSpec, b: DateSpec) -> bool:
    first = a if isinstance(a, DateSpec) else DateSpec.model_validate(a)
    x, y = first.bounds(), b.bounds()
    return bool(x and y and x[0] <= y[1] and y[0] <= x[1])


class Builder:
    """Collects items for one proposal."""

    def __init__(self, text: str, gazetteer: Gazetteer, source_id: str) -> None:
        self.text, self.gaz, self.source = text, gazetteer, source_id
        self.items: list[Item] = []
        self.taken: set[str] = set()
        self.ids: dict[int, str] = {}  # id(entity or found) -> actor / event / agreement id
        self._keys: dict[str, int] = {}
        self.ids_found: list[Found] = []  # events placed so far

    def key(self, kind: str) -> str:
        self._keys[kind] = self._keys.get(kind, 0) + 1
        return f"{kind}-{self._keys[kind]}"

    def evidence(self, spans: list[Span] | list[tuple[int, int]], limit: int = 6) -> list[Evidence]:
        found = []
        for span in spans[:limit]:
            a, b = (span.start, span.end) if isinstance(span, Span) else span
            if b > a:
                found.append(Evidence(quote=self.text[a:b], start=a, end=b))
        return found

    # -- actors -----------------------------------------------------------------------------------------------
    def actor_id(self, entity: Entity) -> str:
        """The existing or suggested id of an entity (suggested once, on first use)."""
        if entity.actor:
            return entity.actor
        if id(entity) not in self.ids:
            self.ids[id(entity)] = self.gaz.unique_id(entity.name, self.taken)
        return self.ids[id(entity)]

    def country_id(self, name: str | None, entities: list[Entity]) -> str | None:
        if not name:
            return None
        known = self.gaz.country_id(name)
        if known:
            return known
        proposed = next((e for e in entities if e.kind is ActorKind.country and e.name == name), None)
        return self.actor_id(proposed) if proposed else None

    def role(self, entity: Entity, as_of: str | None, organisation: str | None) -> dict[str, Any] | None:
        if not entity.title or as_of is None:
            return None
        role = {"title": entity.title, "organisation": organisation, "as_of": as_of, "sources": [self.source],
                "confidence": "high"}
        return {k: v for k, v in role.items() if v is not None}

    def actor(self, entity: Entity, entities: list[Entity], as_of: str | None, organisation: str | None,
              via_title: Span | None = None) -> None:
        """An actor item (existing: link with score; new: a record), and a role item for a known person's title."""
        spans = [Span(m.start, m.end) for m in entity.mentions] or ([via_title] if via_title else [])
        first = entity.mentions[0] if entity.mentions else None
        role = self.role(entity, as_of, organisation)
        if entity.actor:
            actor = self.gaz.actors[entity.actor]
            match = ({"text": first.text, "score": first.score, "via": first.via} if first else
                     {"text": self.text[via_title.start:via_title.end], "score": 100.0, "via": "title"}
                     if via_title else None)
            add = {"sources": [self.source]} if self.source not in actor.sources else None
            self.items.append(Item(key=self.key("actor"), kind="actor", status="existing", id=actor.id, match=match,
                                   add=add, evidence=self.evidence(spans), confidence=round(
                                       0.95 * (match or {"score": 90})["score"] / 100, 2),
                                   note=None if first else "named only by the title of its office holder"))
            known = {(r.title, r.organisation, r.as_of) for r in actor.roles}
            if role and (role["title"], role.get("organisation"), role["as_of"]) not in known:
                self.items.append(Item(key=self.key("role"), kind="role", status="existing", id=actor.id,
                                       add={"roles": [role]}, evidence=self.evidence([entity.title_span or spans[0]]),
                                       confidence=0.8, note=f"title as stated in the report, as of {as_of}"))
            return
        record: dict[str, Any] = {"id": self.actor_id(entity), "name": entity.name, "kind": entity.kind.value}
        country = None if entity.kind is ActorKind.country else self.country_id(entity.country, entities)
        if country:
            record["country"] = country
        if role:
            record["roles"] = [role]
        record["sources"] = [self.source]
        self.items.append(Item(key=self.key("actor"), kind="actor", status="new", id=record["id"], record=record,
                               evidence=self.evidence(spans), confidence=0.6 if entity.kind is not ActorKind.country
                               else 0.8, note=f"new {entity.kind.value}"
                               + (f"; country {entity.country} is not in the dataset" if entity.country and not country
                                  and entity.kind is not ActorKind.country else "")))

    # -- events ---------------------------------------------------------------------------------------------
    def existing_event(self, found: Found, record: dict[str, Any], participants: set[str]) -> Event | None:
        """The recorded event this one is: same series and session, else same kind, date, people and bodies."""
        matched = {self.ids.get(id(other)) for other in self.ids_found}
        for event in self.gaz.dataset.events:
            if event.id in matched:
                continue  # one recorded event per reported one
            if found.series is not None:
                if event.series == found.series.id and event.session == found.session:
                    return event
                continue
            if (event.kind.value == record["kind"] and _overlap(record["date"], event.date)
                    and participants & {p.actor for p in event.participants}
                    and set(record.get("organisations", ())) <= set(event.organisations)
                    and bool(record.get("part_of")) == bool(event.part_of)):
                return event
        return None

    def event(self, found: Found, record: dict[str, Any], spans: list[Span], confidence: float, note: str) -> str:
        """An event item; returns the event's id (existing or suggested)."""
        participants = {p["actor"] for p in record.get("participants", ())}
        existing = self.existing_event(found, record, participants)
        self.ids_found.append(found)
        if existing is None:
            record["id"] = self.gaz.unique_id(record["id"], self.taken)
            self.ids[id(found)] = record["id"]
            self.items.append(Item(key=self.key("event"), kind="event", status="new", id=record["id"], record=record,
                                   evidence=self.evidence(spans), confidence=confidence, note=note))
            return record["id"]
        self.ids[id(found)] = existing.id
        add: dict[str, Any] = {}
        if self.source not in existing.sources:
            add["sources"] = [self.source]
        have = {p.actor for p in existing.participants}
        if new := [p for p in record.get("participants", ()) if p["actor"] not in have]:
            add["participants"] = new
        for field in ("organisations", "outcomes"):  # topics and mentions come as their own items
            if new := [v for v in record.get(field, ()) if v not in getattr(existing, field)]:
                add[field] = new
        match = ({"text": found.series_text or "", "score": round(found.series_score, 1), "via": "series"}
                 if found.series else {"text": existing.title, "score": 100.0, "via": "name"})
        self.items.append(Item(key=self.key("event"), kind="event", status="existing", id=existing.id, add=add or None,
                               match=match, evidence=self.evidence(spans), confidence=confidence,
                               note=f"already recorded as {existing.id}; the report corroborates it"
                                    + (f" and adds {', '.join(add)}" if set(add) - {"sources"} else "")))
        return existing.id

    # -- agreements ---------------------------------------------------------------------------------------------
    def agreement(self, found: FoundAgreement, record: dict[str, Any], confidence: float, note: str) -> str:
        when = DateSpec.model_validate(record["signed"]) if record.get("signed") else None
        for agreement in self.gaz.dataset.agreements:
            same_name = max(fuzz.token_set_ratio(found.name, agreement.name),
                            fuzz.token_set_ratio(record["name"], agreement.name)) >= 85
            if same_name and agreement.kind.lower() == found.kind.lower() and (
                    when is None or _overlap(when, agreement.when())):
                add: dict[str, Any] = {"sources": [self.source]} if self.source not in agreement.sources else {}
                if areas := [a for a in record.get("areas", ()) if a not in agreement.areas]:
                    add["areas"] = areas
                self.items.append(Item(key=self.key("agreement"), kind="agreement", status="existing", id=agreement.id,
                                       add=add or None, match={"text": found.name, "score": 100.0, "via": "name"},
                                       evidence=self.evidence([found.span]), confidence=confidence,
                                       note=f"already recorded as {agreement.id}"))
                return agreement.id
        record["id"] = self.gaz.unique_id(slug(record["id"]), self.taken)
        spans = [found.span] + [span for _, span in found.areas]
        self.items.append(Item(key=self.key("agreement"), kind="agreement", status="new", id=record["id"],
                               record=record, evidence=self.evidence(spans, 12), confidence=confidence, note=note))
        return record["id"]

    def informational(self, kind: str, value: str, span: Span, event_id: str | None, event_is_new: bool) -> None:
        """A topic or mention: added to a known event, or (for a new one, whose record has it) for the evidence."""
        field = "topics" if kind == "topic" else "mentions"
        if event_id and not event_is_new:
            event = self.gaz.dataset.event_by_id[event_id]
            if value in (event.topics if kind == "topic" else event.mentions):
                return  # already recorded
            self.items.append(Item(key=self.key(kind), kind=kind, status="existing", id=event_id,
                                   add={field: [value]}, evidence=self.evidence([span]), confidence=0.6,
                                   note=f"{value} ({kind} of {event_id})"))
        else:
            self.items.append(Item(key=self.key(kind), kind=kind, status="new", evidence=self.evidence([span]),
                                   confidence=0.6, note=f"{value}" + (f" (in the record of {event_id})"
                                                                      if event_id else " (no event to attach it to)")))
