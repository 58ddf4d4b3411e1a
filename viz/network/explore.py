"""Pure queries behind the explorer: which events and relations a state shows,
what a selection highlights, and the rows of the table view."""

from __future__ import annotations

import dataclasses
import datetime as dt

import networkx as nx

from viz.network.graph import CONTEXT_RELATIONS, neighbourhood
from viz.network.state import ViewState
from viz.network.timeline import TimelineEntry, event_actor_ids, timeline_entries
from viz.record.load import Dataset
from viz.record.model import partial_date_bounds


def _in_window(attrs: dict, start: dt.date | None, end: dt.date | None) -> bool:
    if not (start or end):
        return True
    if not attrs.get("date"):
        return False  # an undated relation cannot be placed in a window
    first = partial_date_bounds(attrs["date"])[0]
    last = partial_date_bounds(attrs.get("end") or attrs["date"])[1]
    return not ((start and last < start) or (end and first > end))


def visible_events(dataset: Dataset, state: ViewState) -> list[TimelineEntry]:
    """Events matching the state's organisations/found actors, kinds, topics and window."""
    return timeline_entries(dataset, org_ids=[*state.orgs, *state.focus], kinds=state.event_kinds,
                            topics=state.topics, start=state.start, end=state.end)


def visible_graph(graph: nx.MultiDiGraph, dataset: Dataset, state: ViewState) -> nx.MultiDiGraph:
    """The relations and nodes a state shows (a read-only view of ``graph``).

    - Relations must fall in the time window. When event kinds or topics are
      chosen, only relations that come from matching events count.
    - Nodes must be of the chosen kinds; with organisations or found actors,
      only nodes within ``hops`` of them remain.
    - Context relations (an actor's country) neither keep a node nor lead to
      neighbours; they are shown between the nodes that the other relations keep.
    - Once anything is filtered, nodes left without relations are hidden
      (except the chosen organisations and actors themselves), so stepping the
      window through the years shows the network growing.
    """
    if not state.has_filters:
        return graph
    event_filter = bool(state.event_kinds or state.topics)
    matching_events = (
        {e.event_id for e in timeline_entries(dataset, kinds=state.event_kinds, topics=state.topics,
                                              start=state.start, end=state.end)}
        if event_filter else None
    )
    kinds = set(state.actor_kinds)
    nodes = [n for n, a in graph.nodes(data=True) if not kinds or a["kind"] in kinds or a.get("type") in kinds]
    edges, context = [], []
    for u, v, key, attrs in graph.subgraph(nodes).edges(keys=True, data=True):
        if attrs["relation"] in CONTEXT_RELATIONS:
            if state.countries:
                context.append((u, v, key))  # timeless; shown between nodes the filters keep
        elif matching_events is not None and attrs.get("event") not in matching_events:
            continue
        elif _in_window(attrs, state.start, state.end):
            edges.append((u, v, key))
    related = graph.edge_subgraph(edges)
    centres = [n for n in (*state.orgs, *state.focus) if n in graph and (not kinds or n in nodes)]
    keep = set(related.nodes)
    if centres:
        keep = neighbourhood(related, centres, state.hops)
    keep |= set(centres)
    shown = graph.edge_subgraph([e for e in (*edges, *context) if e[0] in keep and e[1] in keep]).copy()
    shown.add_nodes_from((n, graph.nodes[n]) for n in keep if n not in shown)
    return shown


@dataclasses.dataclass(frozen=True)
class Highlight:
    """What a selection lights up in each view; None means nothing is selected."""

    nodes: frozenset[str] | None = None
    events: frozenset[str] | None = None


def selection_highlight(dataset: Dataset, graph: nx.MultiDiGraph, selected: str | None) -> Highlight:
    """A node lights up itself, its neighbours and its events; an event its
    participants, organisations and agreements; a relation its two ends and events."""
    kind, _, value = (selected or "").partition(":")
    if kind == "node" and value in graph:
        events = {e.id for e in dataset.events
                  if value in event_actor_ids(dataset, e) or value in e.outcomes}
        return Highlight(frozenset({value, *nx.all_neighbors(graph, value)}), frozenset(events))
    if kind == "event" and value in dataset.event_by_id:
        event = dataset.event_by_id[value]
        return Highlight(frozenset({*event_actor_ids(dataset, event), *event.outcomes}), frozenset({value}))
    if kind == "pair":
        first, _, second = value.partition("|")
        if first in graph and second in graph:
            data = [*graph.get_edge_data(first, second, default={}).values(),
                    *graph.get_edge_data(second, first, default={}).values()]
            return Highlight(frozenset({first, second}), frozenset(d["event"] for d in data if d.get("event")))
    return Highlight()


def actor_row(dataset: Dataset, actor_id: str, degree: int, events: int) -> dict | None:
    """A table row: name, kind, organisation (latest role, else country), degree and events."""
    actor = dataset.actor_by_id.get(actor_id)
    if actor is None:
        return None  # agreements are listed in the details, not as actors
    latest = max(actor.roles, key=lambda r: r.as_of, default=None)
    organisation = (dataset.actor_by_id[latest.organisation].name
                    if latest and latest.organisation else
                    dataset.actor_by_id[actor.country].name if actor.country else "")
    return {"id": actor.id, "actor": actor.name, "kind": actor.kind.value.replace("_", " "),
            "organisation": organisation, "degree": degree, "events": events}


def table_rows(dataset: Dataset, shown: nx.MultiDiGraph, events: list[TimelineEntry]) -> list[dict]:
    """One row per actor shown: name, kind, organisation, degree (relations shown, country links aside),
    events shown."""
    per_actor: dict[str, int] = {}
    for entry in events:
        for actor_id in entry.actor_ids:
            per_actor[actor_id] = per_actor.get(actor_id, 0) + 1
    relations = dict.fromkeys(shown.nodes, 0)
    for u, v, relation in shown.edges(data="relation"):
        if relation not in CONTEXT_RELATIONS:  # an actor's country is context, not a relation it made
            relations[u] += 1
            relations[v] += 1
    rows = [row for node in shown.nodes
            if (row := actor_row(dataset, node, relations[node], per_actor.get(node, 0))) is not None]
    rows.sort(key=lambda r: (-r["degree"], r["actor"].casefold(), r["actor"], r["id"]))
    return rows
