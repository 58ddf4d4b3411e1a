"""What the app shows for a given state: pure functions over a prepared context."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import networkx as nx
import plotly.graph_objects as go
from dash import html

from viz.details import details_for, source_labels
from viz.figures import network_figure, timeline_figure
from viz.graph import build_graph, organisation_subgraph
from viz.load import Dataset, load_dataset
from viz.model import EventKind
from viz.positions import node_positions
from viz.timeline import timeline_entries


@dataclasses.dataclass(frozen=True)
class ViewContext:
    """A loaded dataset with its graph, fixed node positions and source labels."""

    dataset: Dataset
    graph: nx.MultiDiGraph
    positions: dict[str, tuple[float, float]]
    sources: dict[str, str]


@dataclasses.dataclass(frozen=True)
class View:
    network: go.Figure
    timeline: go.Figure
    summary: str


def prepare_context(data_dir: str | Path) -> ViewContext:
    """Load and validate a dataset, build its graph and lay it out (raises DatasetError)."""
    dataset = load_dataset(data_dir)
    graph = build_graph(dataset)
    return ViewContext(dataset, graph, node_positions(graph), source_labels(dataset))


def build_view(context: ViewContext, org_ids: Sequence[str] = (), jwg_only: bool = False, hops: int = 1) -> View:
    """Network and timeline for the organisations selected (none selected: everything).

    ``jwg_only`` limits the timeline to JWG sessions.
    """
    org_ids = [o for o in org_ids or () if o in context.graph]
    subgraph = organisation_subgraph(context.graph, org_ids, hops=hops)
    kinds = [EventKind.jwg_session.value] if jwg_only else []
    entries = timeline_entries(context.dataset, org_ids=org_ids, kinds=kinds)
    title = context.dataset.meta.title
    names = [context.graph.nodes[o]["label"] for o in org_ids]
    scope = f" — {', '.join(names)}" if names else ""
    events_scope = " (JWG sessions only)" if jwg_only else ""
    summary = (
        f"{subgraph.number_of_nodes()} of {context.graph.number_of_nodes()} actors and agreements, "
        f"{len(entries)} of {len(context.dataset.events)} events{events_scope}"
    )
    return View(
        network=network_figure(subgraph, context.positions, sources=context.sources,
                               title=f"{title}: network{scope}"),
        timeline=timeline_figure(entries, sources=context.sources,
                                 title=f"{title}: timeline{scope}{events_scope}"),
        summary=summary,
    )


def clicked_details(context: ViewContext, ref: str | None) -> html.Div:
    """The details panel for a click reference (see :func:`viz.details.details_for`)."""
    return details_for(context.dataset, context.graph, ref)
