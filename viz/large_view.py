"""Views of large datasets: the same :class:`viz.view.View`, from arrays and patches.

Above :data:`LARGE_MIN_NODES` nodes the page keeps one base network and one
base timeline per dataset, and every state becomes a small ``dash.Patch`` of
them (see :mod:`viz.figures.scale`). Which nodes, relations and events a state
shows comes from :func:`viz.graph_index.visible_masks`, which agrees exactly
with the networkx queries used for small datasets.
"""

from __future__ import annotations

import dataclasses

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from viz.analysis_panel import LIVE_ANALYSIS_MAX_NODES, analysis_panel, too_large_note
from viz.analytics import shortest_paths
from viz.details import details_for
from viz.explore import actor_row, selection_highlight
from viz.figures import timeline_figure
from viz.figures.scale import apply_changes, as_patch, large_network_figure, network_changes
from viz.figures.timeline_patch import TimelineMap, timeline_changes, timeline_map
from viz.graph_index import GraphIndex, Masks, index_graph, visible_masks
from viz.labels import lane_labels
from viz.state import ViewState
from viz.timeline import timeline_entries

#: above this many nodes the app switches to base figures and patches
LARGE_MIN_NODES = 3000
#: the table lists this many best-connected actors of a large view
TABLE_MAX_ROWS = 25


@dataclasses.dataclass(eq=False)
class LargeFigures:
    """The arrays and base figures of one large dataset, built once."""

    index: GraphIndex
    network: go.Figure
    timeline: go.Figure
    timeline_map: TimelineMap


def build_large_figures(context) -> LargeFigures:
    """Index the graph and draw the base network and timeline (about a second at 50k actors)."""
    index = index_graph(context.graph, context.dataset, context.positions)
    title = context.dataset.meta.title
    network = large_network_figure(index, title=f"{title}: network")
    timeline = timeline_figure(timeline_entries(context.dataset, brief=True), sources=context.sources, brief=True,
                               lanes=lane_labels(context.dataset),
                               title=f"{title}: timeline")
    return LargeFigures(index, network, timeline, timeline_map(timeline, index))


def highlight_masks(context, selected: str | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """:func:`viz.explore.selection_highlight` as node and event masks (None: nothing selected)."""
    index = context.large_figures.index
    kind, _, value = (selected or "").partition(":")
    if kind == "node" and value in index.node_index:
        # the same as selection_highlight, without a pass over every event in Python
        node = index.node_index[value]
        nodes = np.zeros(len(index.nodes), dtype=bool)
        nodes[node] = True
        nodes[[index.node_index[n] for n in nx.all_neighbors(context.graph, value)]] = True
        events = np.asarray(index.event_actors[:, node].todense()).ravel() > 0
        events[context.outcome_events.get(value, [])] = True
        return nodes, events
    highlight = selection_highlight(context.dataset, context.graph, selected)
    if highlight.nodes is None:
        return None, None
    nodes = np.zeros(len(index.nodes), dtype=bool)
    nodes[[index.node_index[n] for n in highlight.nodes if n in index.node_index]] = True
    events = np.isin(np.array(index.events, dtype=object), list(highlight.events or ()))
    return nodes, events


def _table(context, masks: Masks) -> list[dict]:
    index = context.large_figures.index
    degree = np.bincount(np.concatenate([index.edge_u[masks.edges], index.edge_v[masks.edges]]),
                         minlength=len(index.nodes))
    events = np.asarray(index.event_actors[masks.events].sum(axis=0)).ravel()
    shown = np.flatnonzero(masks.nodes)
    rows = []
    for i in shown[np.lexsort((np.array(index.labels, dtype=object)[shown], -degree[shown]))]:
        row = actor_row(context.dataset, index.nodes[i], int(degree[i]), int(events[i]))
        if row is not None:
            rows.append(row)
            if len(rows) == TABLE_MAX_ROWS:
                break
    return rows


def shown_graph(context, masks: Masks) -> nx.MultiDiGraph:
    """The networkx graph a mask shows (for analysis and paths on small enough views)."""
    index = context.large_figures.index
    shown = context.graph.edge_subgraph([index.edge_keys[i] for i in np.flatnonzero(masks.edges)]).copy()
    shown.add_nodes_from((index.nodes[i], context.graph.nodes[index.nodes[i]]) for i in np.flatnonzero(masks.nodes))
    return shown


def large_view_parts(context, state: ViewState, *, patch: bool) -> dict:
    """The fields of a View for a large dataset; figures are Patches when ``patch``."""
    figures = context.large_figures
    index = figures.index
    masks = visible_masks(index, state)
    lit_nodes, lit_events = highlight_masks(context, state.selected)
    title = context.dataset.meta.title
    scope = state.describe(context.names)
    scope = f" — {scope}" if scope else ""
    network = network_changes(index, masks if state.has_filters else None, lit_nodes, title=f"{title}: network{scope}")
    timeline = timeline_changes(figures.timeline_map, masks, lit_events, state, title=f"{title}: timeline{scope}")
    shown_count = int(masks.nodes.sum())
    summary = (f"{shown_count} of {len(index.nodes)} actors and agreements, {int(masks.events.sum())} of "
               f"{len(index.events)} events (the table lists the {TABLE_MAX_ROWS} best connected)")
    plain = not (state.has_filters or state.selected)  # the base figures as they are

    def finished(base: go.Figure, changes: dict):
        return as_patch(changes) if patch else base if plain else apply_changes(base, changes)

    return {
        "network": finished(figures.network, network),
        "timeline": finished(figures.timeline, timeline),
        "table": _table(context, masks),
        "summary": summary,
        "details": details_for(context.dataset, context.graph, state.selected),
        "cited": lambda: _cited(context, masks),
    }


def large_analysis(context, state: ViewState):
    """The analysis panel of a large dataset's view (networkx only on views small enough)."""
    masks = visible_masks(context.large_figures.index, state)
    shown_count = int(masks.nodes.sum())
    wants_path = bool(state.path_from and state.path_to)
    if shown_count > LIVE_ANALYSIS_MAX_NODES and not wants_path:
        return too_large_note(shown_count)
    shown = shown_graph(context, masks)
    paths = shortest_paths(shown, state.path_from, state.path_to) if wants_path else []
    return analysis_panel(context.dataset, shown, paths, (state.path_from, state.path_to))


def _cited(context, masks: Masks) -> tuple[str, ...]:
    index = context.large_figures.index
    cited = dict.fromkeys(s for i in np.flatnonzero(masks.events) for s in context.dataset.events[i].sources)
    for i in np.flatnonzero(masks.edges):
        cited.update(dict.fromkeys(context.graph.edges[index.edge_keys[i]].get("sources") or ()))
    return tuple(cited)
