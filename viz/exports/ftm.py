"""FollowTheMoney (FtM) entities for a dataset view, built and checked by the ``followthemoney`` package.

Mapping (FtM schema <- our record):

- ``Person`` / ``PublicBody`` / ``Company`` / ``Organization`` <- actors (a country is an
  ``Organization``: FtM's ``Territory`` is reference data that cannot be a party or a member);
  dated names become ``previousName``, the dataset's organisation type ``classification``;
- ``Membership`` <- a dated role (``date`` is the day the source states it, not when it began).
  A role the source calls *former* is no membership held on that date, so it is not a
  ``Membership``: it is kept as a note on the person, as the graph keeps it off its edges;
- ``Event`` <- events (``recordId`` is our id; a session names its series; the bodies it only
  mentions are in ``namesMentioned``, never in ``involved``);
- ``UnknownLink`` <- an actor's part in an event (role, title, whom they acted for, side), an
  agreement's signatories, an event's outcomes and an actor's country (``based in``): FtM has
  no participant schema, and ``UnknownLink`` is its link for a relation with a stated role;
- ``Contract`` <- agreements. FtM has no schema for a treaty or MoU; ``Contract`` ("a contract
  issued by an authority") is the closest: ``authority`` holds the parties, ``status`` the
  status, ``contractDate`` the signing. Other statuses' dates, and the signing date in
  EDTF with its basis, are in ``notes``;
- ``Article`` <- sources that a ``Mention`` cites; ``Mention`` <- event mentions (a body named
  in the sources but not taking part), ``resolved`` to the actor when it is in the view.

Dates: a point gives ``startDate`` = ``endDate``; a duration ``startDate``/``endDate``; a window
(once, somewhere between two dates) is no interval, so it gives only ``date``, the most precise
date prefix containing the whole window (none when the window spans years), and its EDTF in
``notes``. Ids are ``<dataset>.<collection>.<record id>`` (see :func:`ftm_id`): stable across
exports, unique across collections, and readable back to the record.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

import networkx as nx
from followthemoney import model, registry
from followthemoney.exc import InvalidData
from followthemoney.types.entity import ENTITY_ID_LEN

from viz.exports.record_text import agreement_dates, date_text, mention_names, participant_text, series_text
from viz.network.timeline import TimelineEntry
from viz.record.labels import actor_type_label, event_kind_label, role_label
from viz.record.load import Dataset
from viz.record.model import Actor, Agreement, DateSpec, Event

SCHEMA_OF_KIND = {"person": "Person", "government_body": "PublicBody", "armed_force": "PublicBody",
                  "company": "Company", "country": "Organization", "group": "Organization"}

_PLAIN_PART = re.compile(r"^[a-z0-9]+(?:-+[a-z0-9]+)*$")
_NOT_FTM = re.compile(r"[^0-9a-zA-Z.-]+")

Props = dict[str, list[str]]


@lru_cache(maxsize=1 << 17)  # an actor's id is asked for by every entity pointing at it
def ftm_id(*parts: object) -> str:
    """A stable FtM id from our ids: ``two-series.actor.ada-stone``, ``two-series.role.ada-stone.0``.

    FtM ids allow letters, digits, ``.`` and ``-``; ours also allow ``_`` and ``.``. When
    every part is plain (no ``.`` or ``_``) the parts are joined with ``.`` and cannot be
    read two ways; otherwise the id is the cleaned text plus ``.X`` and a hash of the parts:
    our ids are lower-case, so an upper-case ``X`` never matches a plain id.
    """
    texts = [str(p) for p in parts]
    plain = ".".join(texts)
    if len(plain) <= ENTITY_ID_LEN and all(_PLAIN_PART.match(t) for t in texts):
        return plain
    digest = hashlib.sha1("\x1f".join(texts).encode()).hexdigest()[:16]
    readable = _NOT_FTM.sub("-", plain)[: ENTITY_ID_LEN - 20].strip(".-")
    return f"{readable}.X{digest}"


def window_prefix(earliest: str, latest: str) -> str | None:
    """The most precise partial date containing a whole window: ``2023-01``..``2023-06`` -> ``2023``."""
    common = []
    for first, last in zip(earliest.split("-"), latest.split("-"), strict=False):
        if first != last:
            break
        common.append(first)
    return "-".join(common) or None


def date_props(date: DateSpec) -> Props:
    """FtM interval properties for one of our dates (see the module docstring)."""
    if date.window:
        prefix = window_prefix(date.window.earliest, date.window.latest)
        return {"date": [prefix]} if prefix else {}
    if date.start:
        return {"startDate": [date.start], "endDate": [date.end or date.start]}
    return {}


@lru_cache(maxsize=1 << 17)  # sources, dates and ids repeat across tens of thousands of entities
def _clean(type_name: str, value: str) -> str | None:
    return registry.get(type_name).clean(value)


def _entity(schema_name: str, entity_id: str, props: Props) -> dict:
    """One entity, built by the package: every value is cleaned by its FtM type, and a value the
    type refuses is an error (a country name FtM has no code for is left out instead); an
    unknown property or a missing required one is an error too."""
    proxy = model.make_entity(schema_name)
    proxy.id = entity_id
    schema = proxy.schema
    for name, values in props.items():
        prop = schema.get(name)
        if prop is None:
            raise InvalidData(f"{schema_name} has no property {name!r}")
        for value in filter(None, values):
            cleaned = _clean(prop.type.name, value)
            if cleaned is not None:
                proxy.unsafe_add(prop, cleaned, cleaned=True)
            elif prop.type is not registry.country:
                raise InvalidData(f"{schema_name} {entity_id}: {name} {value!r} is not a valid {prop.type.name}")
    missing = [p for p in schema.required if not proxy.has(p)]
    if missing:
        raise InvalidData(f"{schema_name} {entity_id}: no value for required {', '.join(missing)}")
    return proxy.to_dict()


class _Builder:
    """Collects the entities of one export; remembers which sources its mentions cite."""

    def __init__(self, dataset: Dataset, shown: set[str]) -> None:
        self.dataset, self.shown = dataset, shown
        self.prefix = dataset.meta.id
        self.cited: dict[str, None] = {}

    def id(self, collection: str, *parts: object) -> str:
        return ftm_id(self.prefix, collection, *parts)

    def cite(self, ids: Iterable[str]) -> Props:
        """``sourceUrl`` for web sources, ``publisher`` (``publisher: document``) for offline documents."""
        sources = [self.dataset.source_by_id[i] for i in ids]
        return {"sourceUrl": [s.url for s in sources if s.url],
                "publisher": [f"{s.publisher}: {s.document}" for s in sources if not s.url and s.document]}

    def actor(self, actor: Actor) -> Iterator[dict]:
        dataset = self.dataset
        props: Props = {"name": [actor.name], "alias": list(actor.aliases),
                        "previousName": [n.name for n in actor.names],
                        "notes": [f"Named {n.name} ({n.since or '…'}–{n.until or '…'})" for n in actor.names],
                        "description": [actor.description or ""], **self.cite(actor.sources)}
        if actor.kind.value != "person":
            props["classification"] = [actor_type_label(dataset, actor)]
        country = dataset.actor_by_id.get(actor.id if actor.kind.value == "country" else actor.country or "")
        if country is not None:
            props["country"] = [country.name]  # FtM keeps it only if it knows the country's code
        for role in actor.roles:
            if role.former:  # not a membership held on that date: a note, as in the details panel
                org = dataset.actor_by_id.get(role.organisation or "")
                where = f", {org.name_at(role.as_of)}" if org else ""
                props["notes"].append(f"Described as a former {role.title}{where} on {role.as_of}"
                                      + (f" ({role.note})" if role.note else ""))
        yield _entity(SCHEMA_OF_KIND[actor.kind.value], self.id("actor", actor.id), props)
        for index, role in enumerate(actor.roles):
            if role.organisation in self.shown and not role.former:
                yield _entity("Membership", self.id("role", actor.id, index), {
                    "member": [self.id("actor", actor.id)], "organization": [self.id("actor", role.organisation)],
                    "role": [role.title], "date": [role.as_of], "description": [role.note or ""],
                    **self.cite(role.sources)})
        if actor.country in self.shown and actor.country != actor.id:
            yield self.link(("based-in", actor.id), actor_id=actor.id, target=self.id("actor", actor.country),
                            role="based in", sources=actor.sources)

    def link(self, key: tuple[str, ...], *, actor_id: str, target: str, role: str, sources: Iterable[str],
             summary: str = "", date: DateSpec | None = None) -> dict:
        """An ``UnknownLink`` from an actor to an event, agreement or country, with its role."""
        props: Props = {"subject": [self.id("actor", actor_id)], "object": [target], "role": [role],
                        "summary": [summary], **self.cite(sources)}
        if date is not None:
            props.update(date_props(date))
        return _entity("UnknownLink", self.id("link", *key), props)

    def agreement(self, agreement: Agreement) -> Iterator[dict]:
        dated = agreement_dates(agreement).items()
        notes = [f"{status.replace('_', ' ')}: {date_text(date)}" for status, date in dated]
        props: Props = {"name": [agreement.name], "title": [agreement.name], "type": [agreement.kind],
                        "status": [agreement.status.value], "authority": [self.id("actor", p) for p in agreement.parties
                                                                          if p in self.shown],
                        "keywords": list(agreement.areas), "summary": [agreement.summary or ""], "notes": notes,
                        **self.cite(agreement.sources)}
        if agreement.signed is not None:
            props["contractDate"] = date_props(agreement.signed).get("startDate") or date_props(
                agreement.signed).get("date", [])
        own = self.id("agreement", agreement.id)
        yield _entity("Contract", own, props)
        for index, person in enumerate(agreement.signatories):
            if person.actor in self.shown:
                yield self.link(("signatory", agreement.id, index), actor_id=person.actor, target=own,
                                role="signatory", summary=person.title or "", sources=agreement.sources,
                                date=agreement.signed)

    def event(self, event: Event, entry: TimelineEntry) -> Iterator[dict]:
        dataset = self.dataset
        own = self.id("event", event.id)
        series = dataset.series_by_id.get(event.series or "")
        body = event.body or (series.body if series else None)
        props: Props = {
            "name": [event.title], "recordId": [event.id], "summary": [event.summary or ""],
            "description": [series_text(dataset, event) or event_kind_label(dataset, event)],
            "notes": [f"Date: {date_text(event.date)}"], "keywords": list(event.topics),
            "involved": [self.id("actor", a) for a in sorted(entry.actor_ids & self.shown)],
            "organizer": [self.id("actor", body)] if body in self.shown else [],
            "namesMentioned": mention_names(dataset, event), **self.cite(event.sources),
            **date_props(event.date),
        }
        if series is not None:
            props["alias"] = [f"{entry.label or ''} {series.short_name} session".strip()]
        if event.place:
            props["location"] = [event.place.label() or ""]
            props["country"] = [event.place.country or ""]
        yield _entity("Event", own, props)
        for index, person in enumerate(event.participants):
            if person.actor in self.shown:
                yield self.link(("participant", event.id, index), actor_id=person.actor, target=own,
                                role=role_label(dataset, person.role), summary=participant_text(dataset, event, person),
                                sources=event.sources, date=event.date)
        for agreement_id in event.outcomes:
            if agreement_id in self.shown and body in self.shown:
                yield self.link(("outcome", event.id, agreement_id), actor_id=body,
                                target=self.id("agreement", agreement_id), role="resulted in",
                                summary=event.title, sources=event.sources, date=event.date)
        for mentioned, name in zip(event.mentions, mention_names(dataset, event), strict=True):
            self.cited.update(dict.fromkeys(event.sources))
            yield _entity("Mention", self.id("mention", event.id, mentioned), {
                "name": [name], "document": [self.id("source", s) for s in event.sources],
                "resolved": [self.id("actor", mentioned)] if mentioned in self.shown else [],
                "detectedSchema": [SCHEMA_OF_KIND[dataset.actor_by_id[mentioned].kind.value]]})

    def sources(self) -> Iterator[dict]:
        """An ``Article`` for every source a mention cites (a Mention's ``document`` must be one)."""
        for source_id in self.cited:
            source = self.dataset.source_by_id[source_id]
            yield _entity("Article", self.id("source", source_id), {
                "title": [source.title or source.publisher], "publisher": [source.publisher],
                "publishedAt": [source.published or ""], "sourceUrl": [source.url or ""],
                "notes": [source.document or "", source.note or "", source.published_note or ""]})


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector: building a few hundred thousand small dicts that all
    stay alive makes it rescan them again and again (half the export time at 50,000 actors).
    Reference counting still frees everything as usual; the dicts hold no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def ftm_entities(graph: nx.MultiDiGraph, dataset: Dataset, events: list[TimelineEntry]) -> list[dict]:
    """FtM entities (as dicts) for the actors and agreements in ``graph`` and the given events."""
    shown = set(graph.nodes)
    builder = _Builder(dataset, shown)
    entities: list[dict] = []
    with _without_cycle_collection():
        for actor in dataset.actors:
            if actor.id in shown:
                entities.extend(builder.actor(actor))
        for agreement in dataset.agreements:
            if agreement.id in shown:
                entities.extend(builder.agreement(agreement))
        for entry in events:
            entities.extend(builder.event(dataset.event_by_id[entry.event_id], entry))
        entities.extend(builder.sources())
    return entities
