"""Counts that describe a dataset, for ``viz info`` and tests."""

from __future__ import annotations

from viz.network.graph import build_graph
from viz.record.load import Dataset


def unsourced_facts(dataset: Dataset) -> list[str]:
    """Facts with no source: events, agreements, roles, and actors backed by nothing.

    An actor counts as backed if it has sources of its own, a sourced role, or
    appears in a sourced event or agreement.
    """
    missing = [f"event {e.id}" for e in dataset.events if not e.sources]
    missing += [f"agreement {a.id}" for a in dataset.agreements if not a.sources]
    cited: set[str] = set()
    for event in dataset.events:
        if event.sources:
            cited.update(event.organisations)
            cited.update(p.actor for p in event.participants)
            cited.update(p.organisation for p in event.participants if p.organisation)
            if event.body:
                cited.add(event.body)
    for agreement in dataset.agreements:
        if agreement.sources:
            cited.update(agreement.parties)
            cited.update(p.actor for p in agreement.signatories)
    for actor in dataset.actors:
        missing += [f"role {actor.id}[{i}] {r.title!r}" for i, r in enumerate(actor.roles) if not r.sources]
        sourced_role = any(r.sources for r in actor.roles)
        if not (actor.sources or sourced_role or actor.id in cited):
            missing.append(f"actor {actor.id}")
    return missing


def dataset_info(dataset: Dataset) -> dict[str, object]:
    """Counts of a dataset's records, sessions per series, unsourced facts and graph size."""
    graph = build_graph(dataset)
    return {
        "dataset": dataset.meta.id,
        "title": dataset.meta.title,
        "actors": len(dataset.actors),
        "agreements": len(dataset.agreements),
        "events": len(dataset.events),
        "series": {s.id: len(dataset.sessions_of(s.id)) for s in dataset.series},
        "sessions": sum(e.series is not None for e in dataset.events),
        "sources": len(dataset.sources),
        "facts_without_source": len(unsourced_facts(dataset)),
        "graph_nodes": graph.number_of_nodes(),
        "graph_edges": graph.number_of_edges(),
    }
