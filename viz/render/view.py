"""What the app shows for a given state: pure functions over a prepared context."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import networkx as nx
import plotly.graph_objects as go
from dash import Patch, html

from viz.network.analytics import shortest_paths
from viz.network.explore import selection_highlight, table_rows, visible_events, visible_graph
from viz.network.graph import build_graph
from viz.network.positions import node_positions
from viz.network.state import ViewState, state_to_query
from viz.record.labels import lane_labels
from viz.record.load import Dataset, load_dataset
from viz.render.analysis_panel import analysis_panel
from viz.render.details import details_for, source_labels
from viz.render.figures import network_figure, timeline_figure
from viz.render.large_view import LARGE_MIN_NODES, LargeFigures, build_large_figures, large_analysis, large_view_parts


@dataclasses.dataclass(frozen=True)
class ViewContext:
    """A loaded dataset with its graph, fixed node positions and source labels."""

    dataset: Dataset
    graph: nx.MultiDiGraph
    positions: dict[str, tuple[float, float]]
    sources: dict[str, str]

    @cached_property
    def year_range(self) -> tuple[int, int]:
        """First and last year any dated event or relation falls in."""
        years = [int(d[:4]) for _, _, d in self.graph.edges(data="date") if d]
        years += [int(e.date.start[:4]) for e in self.dataset.events if e.date.start]
        years += [int(e.date.end[:4]) for e in self.dataset.events if e.date.end]
        return (min(years), max(years)) if years else (2000, 2000)

    @cached_property
    def names(self) -> dict[str, str]:
        """Display names by id: nodes, and timeline lanes (``series:<id>`` -> its lane label)."""
        return {**lane_labels(self.dataset), **{n: a["label"] for n, a in self.graph.nodes(data=True)}}

    @cached_property
    def large(self) -> bool:
        """Large datasets are drawn once and then patched (see :mod:`viz.render.large_view`)."""
        return self.graph.number_of_nodes() > LARGE_MIN_NODES

    @cached_property
    def large_figures(self) -> LargeFigures:
        return build_large_figures(self)

    @cached_property
    def outcome_events(self) -> dict[str, list[int]]:
        """Agreement id -> positions of the events it came out of."""
        found: dict[str, list[int]] = {}
        for i, event in enumerate(self.dataset.events):
            for agreement in event.outcomes:
                found.setdefault(agreement, []).append(i)
        return found


@dataclasses.dataclass(frozen=True)
class View:
    """What the page shows. For large datasets built with ``patch=True`` the
    figures are ``dash.Patch`` objects against the base figures of the page."""

    network: go.Figure | Patch
    timeline: go.Figure | Patch
    table: list[dict]
    summary: str
    details: html.Div
    query: str
    cited: Callable[[], tuple[str, ...]]
    note: str | None = None  # a large dataset drawn without WebGL: how its figures are simplified

    @cached_property
    def sources_cited(self) -> tuple[str, ...]:
        """Every source behind the events and relations shown (computed on first use)."""
        return self.cited()


def dataset_hash(folder: str | Path) -> str:
    """Content hash of a dataset folder's files (the layout cache key)."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).iterdir()):
        if path.suffix in (".yaml", ".json", ".csv") and path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def prepare_context(data_dir: str | Path) -> ViewContext:
    """Load and validate a dataset, build its graph and lay it out (raises DatasetError).

    The layout is cached on disk by the dataset's content hash.
    """
    dataset = load_dataset(data_dir)
    graph = build_graph(dataset)
    positions = node_positions(graph, cache_key=dataset_hash(data_dir))
    context = ViewContext(dataset, graph, positions, source_labels(dataset))
    if context.large:
        _ = context.large_figures  # built now, so the first page does not wait for it
    return context


def _name_of_the_time(dataset, shown, state: ViewState) -> None:
    """Within a time window, a renamed body is labelled with the name it had at the window's end."""
    when = state.end or state.start
    if when is None or shown is None:
        return
    for actor in dataset.actors:
        if actor.names and actor.id in shown:
            shown.nodes[actor.id]["label"] = actor.name_at(when.isoformat())


def build_view(context: ViewContext, state: ViewState | None = None, *, patch: bool = False,
               webgl: bool = True) -> View:
    """Everything the page shows for ``state``: both charts, the table, the details and the URL.

    With ``patch`` a large dataset's figures come as ``dash.Patch`` objects
    (small datasets always get whole figures). Without ``webgl`` (the browser has none) a large
    dataset's figures are whole SVG figures, and ``note`` says how they are simplified.
    """
    state = state or ViewState()
    if context.large:
        parts = large_view_parts(context, state, patch=patch, webgl=webgl)
        return View(network=parts["network"], timeline=parts["timeline"], table=parts["table"],
                    summary=parts["summary"], details=parts["details"], query=state_to_query(state),
                    cited=parts["cited"], note=parts["note"])
    shown = visible_graph(context.graph, context.dataset, state)
    _name_of_the_time(context.dataset, shown, state)
    events = visible_events(context.dataset, state)
    highlight = selection_highlight(context.dataset, context.graph, state.selected)
    title = context.dataset.meta.title
    scope = state.describe(context.names)
    scope = f" — {scope}" if scope else ""
    summary = (
        f"{shown.number_of_nodes()} of {context.graph.number_of_nodes()} actors and agreements, "
        f"{len(events)} of {len(context.dataset.events)} events"
    )
    paths = shortest_paths(shown, state.path_from, state.path_to) if state.path_from and state.path_to else []
    path_pairs = frozenset(frozenset((h.source, h.target)) for path in paths for h in path)

    def cited() -> tuple[str, ...]:
        found = dict.fromkeys(s for e in events for s in e.sources)
        found.update(dict.fromkeys(s for _, _, ids in shown.edges(data="sources") for s in ids or ()))
        return tuple(found)

    return View(
        network=network_figure(shown, context.positions, sources=context.sources, highlight=highlight.nodes,
                               path=path_pairs, title=f"{title}: network{scope}"),
        timeline=timeline_figure(events, sources=context.sources, highlight=highlight.events,
                                 lanes=lane_labels(context.dataset),
                                 title=f"{title}: timeline{scope}"),
        table=table_rows(context.dataset, shown, events),
        summary=summary,
        details=details_for(context.dataset, context.graph, state.selected),
        query=state_to_query(state),
        cited=cited,
    )


def view_analysis(context: ViewContext, state: ViewState | None = None) -> html.Div:
    """The analysis panel for ``state``: brokers, communities and shortest paths.

    Kept apart from :func:`build_view` (and its own callback), because
    centrality on a few thousand nodes takes seconds while the charts take milliseconds.
    """
    state = state or ViewState()
    if context.large:
        return large_analysis(context, state)
    shown = visible_graph(context.graph, context.dataset, state)
    paths = shortest_paths(shown, state.path_from, state.path_to) if state.path_from and state.path_to else []
    return analysis_panel(context.dataset, shown, paths, (state.path_from, state.path_to))
