"""Views of large datasets: the same :class:`viz.render.view.View`, from arrays and patches.

Above :data:`LARGE_MIN_NODES` nodes the page keeps one base network and one
base timeline per dataset, and every state becomes a small ``dash.Patch`` of
them (see :mod:`viz.render.figures.scale`). Which nodes, relations and events a state
shows comes from :func:`viz.network.graph_index.visible_masks`, which agrees exactly
with the networkx queries used for small datasets.
"""

from __future__ import annotations

import dataclasses

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from viz.network.analytics import shortest_paths
from viz.network.explore import actor_row, selection_highlight
from viz.network.graph_index import GraphIndex, Masks, index_graph, visible_masks
from viz.network.state import ViewState
from viz.network.timeline import timeline_entries
from viz.record.labels import lane_labels
from viz.render.analysis_panel import LIVE_ANALYSIS_MAX_NODES, analysis_panel, too_large_note
from viz.render.details import details_for
from viz.render.figures import network_figure, timeline_figure
from viz.render.figures.aggregate import DETAIL_MAX_NODES, Communities, community_frame, find_communities
from viz.render.figures.fallback import density_timeline_figure, drawable, events_counted, no_webgl_note, shown_degree
from viz.render.figures.scale import apply_changes, as_patch, assign, large_network_figure, network_changes
from viz.render.figures.timeline_patch import (
    DETAIL_MAX_EVENTS,
    TimelineMap,
    add_density,
    timeline_changes,
    timeline_map,
)

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
    communities: Communities | None = None  # above DETAIL_MAX_NODES nodes: the network's level of detail


def build_large_figures(context) -> LargeFigures:
    """Index the graph and draw the base network and timeline (about a second at 50k actors)."""
    index = index_graph(context.graph, context.dataset, context.positions)
    title = context.dataset.meta.title
    communities = find_communities(index) if len(index.nodes) > DETAIL_MAX_NODES else None
    network = large_network_figure(index, title=f"{title}: network", communities=communities)
    timeline = timeline_figure(timeline_entries(context.dataset, brief=True), sources=context.sources, brief=True,
                               lanes=lane_labels(context.dataset),
                               title=f"{title}: timeline")
    tmap = timeline_map(timeline, index)
    if len(index.events) > DETAIL_MAX_EVENTS:  # a timeline too dense to read marker by marker starts as densities
        tmap = add_density(timeline, tmap, len(index.events))
        everything = ViewState()
        for path, value in timeline_changes(tmap, visible_masks(index, everything), None, everything,
                                            title=timeline.layout.title.text).items():
            assign(timeline, path, value)
    return LargeFigures(index, network, timeline, tmap, communities)


def highlight_masks(context, selected: str | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """:func:`viz.network.explore.selection_highlight` as node and event masks (None: nothing selected)."""
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
    degree = shown_degree(index, masks)
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


def _svg_figures(context, state: ViewState, masks: Masks, lit_nodes: np.ndarray | None,
                 lit_events: np.ndarray | None, titles: tuple[str, str]) -> tuple[go.Figure, go.Figure, str]:
    """Whole SVG network and timeline, and the note that says what they leave out, for a browser
    without WebGL (see :mod:`viz.render.figures.fallback`)."""
    index = context.large_figures.index
    shown_nodes, shown_events = int(masks.nodes.sum()), int(masks.events.sum())
    drawn = drawable(index, masks)
    network = network_figure(
        shown_graph(context, drawn), context.positions, sources=context.sources, title=titles[0],
        highlight=None if lit_nodes is None else frozenset(index.nodes[i] for i in np.flatnonzero(lit_nodes)))
    lanes = lane_labels(context.dataset)
    counted = events_counted(masks)
    if counted:
        timeline = density_timeline_figure(index, masks, lanes, title=titles[1])
    else:
        ids = {index.events[i] for i in np.flatnonzero(masks.events)}
        timeline = timeline_figure(
            [e for e in timeline_entries(context.dataset, brief=True) if e.event_id in ids], sources=context.sources,
            lanes=lanes, title=titles[1],
            highlight=None if lit_events is None else frozenset(index.events[i] for i in np.flatnonzero(lit_events)))
    note = no_webgl_note(shown_nodes, int(drawn.nodes.sum()), shown_events, counted,
                         organisations_chosen=bool(state.orgs or state.focus))
    return network, timeline, note


def _common_parts(context, state: ViewState, masks: Masks) -> dict:
    index = context.large_figures.index
    summary = (f"{int(masks.nodes.sum())} of {len(index.nodes)} actors and agreements, {int(masks.events.sum())} of "
               f"{len(index.events)} events (the table lists the {TABLE_MAX_ROWS} best connected)")
    return {
        "table": _table(context, masks),
        "summary": summary,
        "details": details_for(context.dataset, context.graph, state.selected),
        "cited": lambda: _cited(context, masks),
    }


def large_view_parts(context, state: ViewState, *, patch: bool, webgl: bool = True) -> dict:
    """The fields of a View for a large dataset; figures are Patches when ``patch``.

    Without ``webgl`` (the browser has none) they are whole SVG figures, and ``note`` says how they are simplified.
    """
    figures = context.large_figures
    index = figures.index
    masks = visible_masks(index, state)
    lit_nodes, lit_events = highlight_masks(context, state.selected)
    title, scope = _title_and_scope(context, state)
    if not webgl:  # the page's WebGL base figures cannot be drawn: patches of them are of no use
        network, timeline, note = _svg_figures(context, state, masks, lit_nodes, lit_events,
                                               (f"{title}: network{scope}", f"{title}: timeline{scope}"))
        return {"network": network, "timeline": timeline, "note": note, **_common_parts(context, state, masks)}
    network = network_changes(index, masks if state.has_filters else None, lit_nodes, title=f"{title}: network{scope}",
                              communities=figures.communities, centres=_centres(index, state))
    timeline = timeline_changes(figures.timeline_map, masks, lit_events, state, title=f"{title}: timeline{scope}")
    plain = not (state.has_filters or state.selected)  # the base figures as they are

    def finished(base: go.Figure, changes: dict):
        return as_patch(changes) if patch else base if plain else apply_changes(base, changes)

    return {
        "network": finished(figures.network, network),
        "timeline": finished(figures.timeline, timeline),
        "note": None,
        **_common_parts(context, state, masks),
    }


def viewport_of(relayout: dict | None) -> tuple | bool | None:
    """The x and y ranges a network ``relayoutData`` zoomed or panned to; None when it reset the
    zoom (autorange: back to the view's frame); False when it moved no axis (e.g. an autosize)."""
    relayout = relayout or {}
    if relayout.get("xaxis.autorange") or relayout.get("yaxis.autorange"):
        return None
    ranges = []
    for axis in ("xaxis", "yaxis"):
        pair = relayout.get(f"{axis}.range") or [relayout.get(f"{axis}.range[0]"), relayout.get(f"{axis}.range[1]")]
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, int | float) for v in pair)):
            return False
        ranges.append(sorted(float(v) for v in pair))
    return tuple(ranges)


def _title_and_scope(context, state: ViewState) -> tuple[str, str]:
    """The dataset's title and " — <what the state shows>" (empty for everything), for chart titles."""
    scope = state.describe(context.names)
    return context.dataset.meta.title, f" — {scope}" if scope else ""


def _centres(index: GraphIndex, state: ViewState) -> list[int]:
    return [index.node_index[n] for n in (*state.orgs, *state.focus) if n in index.node_index]


def viewport_patch(context, state: ViewState, viewport: tuple | None, community: int | None = None):
    """The network's level of detail for what the user zoomed to (``viewport``: x and y ranges,
    None: the view's own frame), or zoomed to a clicked ``community``; None when the dataset is
    drawn node by node anyway. The ranges are left as the user set them, unless a community was clicked."""
    figures = context.large_figures
    if figures.communities is None:
        return None
    index = figures.index
    masks = visible_masks(index, state)
    lit_nodes, _ = highlight_masks(context, state.selected)
    if community is not None and 0 <= community < figures.communities.count:
        frame = community_frame(index, figures.communities, community)
        viewport = ([float(frame[:, 0].min()), float(frame[:, 0].max())],
                    [float(frame[:, 1].min()), float(frame[:, 1].max())])
    title, scope = _title_and_scope(context, state)
    changes = network_changes(index, masks if state.has_filters else None, lit_nodes,
                              title=f"{title}: network{scope}", communities=figures.communities,
                              centres=_centres(index, state), viewport=viewport)
    if community is not None and viewport is not None:
        changes[("layout", "xaxis", "range")], changes[("layout", "yaxis", "range")] = viewport
    return as_patch(changes)


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
