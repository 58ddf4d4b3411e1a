"""What the app shows for a given filter state: one pure function over a prepared context."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import networkx as nx
import plotly.graph_objects as go

from viz.figures import network_figure, timeline_figure
from viz.graph import build_graph, organisation_subgraph
from viz.load import Dataset, load_dataset
from viz.positions import node_positions
from viz.timeline import timeline_entries


@dataclasses.dataclass(frozen=True)
class ViewContext:
    """A loaded dataset with its graph and fixed node positions."""

    dataset: Dataset
    graph: nx.MultiDiGraph
    positions: dict[str, tuple[float, float]]


@dataclasses.dataclass(frozen=True)
class View:
    network: go.Figure
    timeline: go.Figure
    summary: str


def prepare_context(data_dir: str | Path) -> ViewContext:
    """Load and validate a dataset, build its graph and lay it out (raises DatasetError)."""
    dataset = load_dataset(data_dir)
    graph = build_graph(dataset)
    return ViewContext(dataset, graph, node_positions(graph))


def build_view(context: ViewContext, org_ids: Sequence[str] = (), hops: int = 1) -> View:
    """Network and timeline for the organisations selected (none selected: everything)."""
    org_ids = [o for o in org_ids or () if o in context.graph]
    subgraph = organisation_subgraph(context.graph, org_ids, hops=hops)
    entries = timeline_entries(context.dataset, org_ids=org_ids)
    title = context.dataset.meta.title
    names = [context.graph.nodes[o]["label"] for o in org_ids]
    scope = f" — {', '.join(names)}" if names else ""
    summary = (
        f"{subgraph.number_of_nodes()} of {context.graph.number_of_nodes()} actors and agreements, "
        f"{len(entries)} of {len(context.dataset.events)} events"
    )
    return View(
        network=network_figure(subgraph, context.positions, title=f"{title}: network{scope}"),
        timeline=timeline_figure(entries, title=f"{title}: timeline{scope}"),
        summary=summary,
    )
