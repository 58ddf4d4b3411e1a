"""The relationship graph: actors and agreements as nodes, sourced relations as edges.

Pure functions over a :class:`~viz.record.load.Dataset`; nothing here knows about Dash.
Every edge carries the event or agreement it comes from, its date and
precision, and the ids of the sources behind it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from itertools import combinations

import networkx as nx

from viz.record.labels import actor_type_label
from viz.record.load import Dataset
from viz.record.model import (
    RECEIVING_ROLES,
    SESSION_ROLES,
    VISITING_ROLES,
    Agreement,
    DateSpec,
    Event,
    ParticipantRole,
    Role,
    precision_of,
)

#: relation name -> verb shown to users
RELATIONS: dict[str, str] = {
    "holds_role": "holds role at",
    "represented": "represented",
    "co_chaired": "co-chaired",
    "took_part_in": "took part in",
    "engaged_with": "engaged with",
    "involved_with": "involved with",
    "visited": "visited",
    "party_to": "party to",
    "signed": "signed",
    "resulted_in": "resulted in",
    "met": "met",
    "based_in": "based in",
}

#: an actor-kind filter value naming a dataset's own organisation type (``type:ministry``)
TYPE_PREFIX = "type:"

#: relations that are context rather than cooperation: drawn dimmed, and the view can hide them
CONTEXT_RELATIONS = frozenset({"based_in"})


@lru_cache(maxsize=4096)
def _date_attrs(date: DateSpec) -> dict[str, str | None]:
    # cached: large datasets repeat the same few thousand dates; callers copy the dict.
    # ``date``/``end`` bound the time the fact may belong to; ``date_type`` says whether that is one
    # moment ("point"), a duration, or one moment somewhere in a window.
    date_type = "window" if date.window else "duration" if date.end else "point" if date.start else None
    return {"date": date.first, "end": date.last, "precision": date.precision.value, "date_label": date.label(),
            "date_type": date_type, "edtf": date.edtf()}


@lru_cache(maxsize=4096)
def _role_date_attrs_of(as_of: str) -> dict[str, str | None]:
    return _date_attrs(DateSpec(start=as_of, precision=precision_of(as_of)))


def _role_date_attrs(role: Role) -> dict[str, str | None]:
    return _role_date_attrs_of(role.as_of)


def _role_text(role: Role, organisation: str | None) -> str:
    """``Defence Secretary, Ministry of Defence, India (as of 2025-11-05)``."""
    where = f", {organisation}" if organisation else ""
    return f"{role.title}{where} (as of {role.as_of})"


def build_graph(dataset: Dataset) -> nx.MultiDiGraph:
    """Build the relationship graph of a dataset.

    Nodes are actor and agreement ids with ``node_type`` ("actor" | "agreement"),
    ``kind``, ``label`` and ``country``. Edges have ``relation`` (a key of
    :data:`RELATIONS`), ``event``/``agreement`` (the record behind them), date
    attributes and ``sources``.

    >>> g = build_graph(load_dataset("tests/fixtures/two-series"))  # doctest: +SKIP
    >>> g.edges["ada-stone", "dpg-body", "co_chaired:dpg-3"]["sources"]  # doctest: +SKIP
    """
    graph = nx.MultiDiGraph(title=dataset.meta.title, dataset=dataset.meta.id)
    actors = dataset.actor_by_id
    for actor in dataset.actors:
        roles = [_role_text(r, actors[r.organisation].name if r.organisation else None) for r in actor.roles]
        graph.add_node(
            actor.id,
            node_type="actor",
            kind=actor.kind.value,
            label=actor.name,
            type=f"{TYPE_PREFIX}{actor.type}" if actor.type else None,
            type_label=actor_type_label(dataset, actor),
            other_names=[f"{n.name} ({n.since or '…'}–{n.until or '…'})" for n in actor.names],
            country=actors[actor.country].name if actor.country else None,
            aliases=list(actor.aliases),
            roles=roles,
            sources=list(dict.fromkeys([*actor.sources, *(i for r in actor.roles for i in r.sources)])),
        )
        node_sources = graph.nodes[actor.id]["sources"]
        if actor.country and actor.country != actor.id:  # sourced as the actor's record is
            graph.add_edge(actor.id, actor.country, key="based_in", relation="based_in", title=None, event=None,
                           agreement=None, context="based in", sources=list(node_sources),
                           date=None, end=None, precision="unknown", date_label="", date_type=None, edtf=None)
        for index, role in enumerate(actor.roles):
            if role.organisation and not role.former:  # a "former chief" on that date says nothing of holding it
                graph.add_edge(
                    actor.id, role.organisation, key=f"holds_role:{index}", relation="holds_role",
                    title=role.title, event=None, agreement=None, context=f"role: {role.title}",
                    sources=list(role.sources),
                    **_role_date_attrs(role),
                )
    for agreement in dataset.agreements:
        graph.add_node(
            agreement.id, node_type="agreement", kind="agreement", label=agreement.name,
            agreement_kind=agreement.kind, status=agreement.status.value, country=None, aliases=[], roles=[],
            sources=list(agreement.sources),
        )
        _add_agreement_edges(graph, agreement)
    # Parts before the events they belong to, so an umbrella event (a visit made of a
    # session, calls and tours) only adds what none of its parts already says.
    parts: dict[str, list[str]] = defaultdict(list)
    for event in dataset.events:
        if event.part_of:
            parts[event.part_of].append(event.id)
    said: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for event in sorted(dataset.events, key=lambda e: _depth(dataset, e), reverse=True):
        covered = set().union(*(said[p] for p in parts[event.id])) if event.id in parts else set()
        body = event.body or (dataset.series_by_id[event.series].body if event.series else None)
        said[event.id] = covered | _add_event_edges(graph, event, covered, pairs=event.id not in parts, body=body)
    return graph


def _add_agreement_edges(graph: nx.MultiDiGraph, agreement: Agreement) -> None:
    common = {"event": None, "agreement": agreement.id, "context": agreement.name, "sources": list(agreement.sources),
              "status": agreement.status.value, **_date_attrs(agreement.when())}
    for party in agreement.parties:
        graph.add_edge(party, agreement.id, key=f"party_to:{agreement.id}", relation="party_to", title=None, **common)
    for person in agreement.signatories:
        graph.add_edge(person.actor, agreement.id, key=f"signed:{agreement.id}", relation="signed",
                       title=person.title, **common)


def _depth(dataset: Dataset, event: Event) -> int:
    """How many umbrella events enclose ``event`` (the loader rejects cycles)."""
    depth, current = 0, event
    while current.part_of:
        current, depth = dataset.event_by_id[current.part_of], depth + 1
    return depth


def _add_event_edges(
    graph: nx.MultiDiGraph, event: Event, covered: set[tuple[str, str, str]], pairs: bool = True,
    body: str | None = None,
) -> set[tuple[str, str, str]]:
    """Add an event's relations, except those in ``covered``; return every relation it states.

    Relations follow roles: only those who sit in the session (co-chairs, delegation
    members, participants) link to the body that met (``body``: the event's own, or
    its series'); visitors are linked to the hosts and officials they called on by
    ``met``, and to the bodies they visited. Bodies only *mentioned* get no relation.
    ``pairs=False`` (umbrella events) skips person-to-person links: being on the
    same multi-day visit does not mean two people met.
    """
    stated: set[tuple[str, str, str]] = set()
    common = {"event": event.id, "agreement": None, "context": event.title, "sources": list(event.sources),
              **_date_attrs(event.date)}

    def add(source: str, target: str, relation: str, title: str | None = None) -> None:
        stated.add((source, target, relation))
        if source != target and (source, target, relation) not in covered:
            graph.add_edge(source, target, key=f"{relation}:{event.id}", relation=relation, title=title, **common)

    for person in event.participants:
        if body and person.role in SESSION_ROLES:
            add(person.actor, body, "co_chaired" if person.role is ParticipantRole.co_chair else "took_part_in",
                person.title)
        if person.organisation:
            add(person.actor, person.organisation, "represented", person.title)
        if event.kind.value == "visit" and person.role in VISITING_ROLES:
            for org in event.organisations:
                if org not in (person.organisation, body):
                    add(person.actor, org, "visited", person.title)
        if person.role is ParticipantRole.signatory:
            for agreement in event.outcomes:
                add(person.actor, agreement, "signed", person.title)
    for first, second in combinations(event.participants if pairs else (), 2):
        roles = {first.role, second.role}
        if roles & VISITING_ROLES and roles & RECEIVING_ROLES:
            visitor, host = (first, second) if first.role in VISITING_ROLES else (second, first)
            add(visitor.actor, host.actor, "met")
        else:
            add(first.actor, second.actor, "engaged_with")
    if event.kind.value != "visit":  # on a visit, the visited bodies are linked to the visitors instead
        for first, second in combinations(dict.fromkeys(event.organisations), 2):
            add(first, second, "involved_with")
    if body:
        for agreement in event.outcomes:
            add(body, agreement, "resulted_in")
    return stated


def neighbourhood(graph: nx.MultiDiGraph, node_ids: Iterable[str], hops: int = 1) -> set[str]:
    """Node ids within ``hops`` steps of any of ``node_ids``, ignoring edge direction.

    Context relations (an actor's country) are not steps: everyone would be two hops apart.
    """
    frontier = {n for n in node_ids if n in graph}
    seen = set(frontier)

    def steps(node: str) -> Iterable[str]:
        for u, v, relation in (*graph.out_edges(node, data="relation"), *graph.in_edges(node, data="relation")):
            if relation not in CONTEXT_RELATIONS:
                yield v if u == node else u

    for _ in range(max(hops, 0)):
        frontier = {m for n in frontier for m in steps(n)} - seen
        if not frontier:
            break
        seen |= frontier
    return seen


def organisation_subgraph(graph: nx.MultiDiGraph, org_ids: Iterable[str], hops: int = 1) -> nx.MultiDiGraph:
    """The part of ``graph`` within ``hops`` of the given organisations (a read-only view).

    An empty ``org_ids`` means no filter: the whole graph is returned.

    >>> sub = organisation_subgraph(graph, ["elbit"], hops=1)   # doctest: +SKIP
    >>> sorted(sub)                                             # doctest: +SKIP
    ['elbit', 'rajesh-kumar-singh']
    """
    org_ids = list(org_ids)
    if not org_ids:
        return graph
    return graph.subgraph(neighbourhood(graph, org_ids, hops))


def ego_network(graph: nx.MultiDiGraph, node_id: str, hops: int = 1) -> nx.MultiDiGraph:
    """The part of ``graph`` within ``hops`` of one node (a read-only view)."""
    return graph.subgraph(neighbourhood(graph, [node_id], hops))

