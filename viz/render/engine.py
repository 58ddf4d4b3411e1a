"""The one rendering engine: base figures built once per dataset, every view a patch of them.

For every dataset, whatever its size, the page keeps one base network and one base timeline
(:mod:`viz.render.figures.network`, :func:`viz.render.figures.timeline.timeline_figure`), and
every state becomes a small ``dash.Patch`` of them (:mod:`viz.render.figures.network_patch`,
:mod:`viz.render.figures.timeline_patch`), or, for exports and reports, a copy of the base with
the changes made. Which nodes, relations and events a state shows comes from
:func:`viz.network.graph_index.visible_masks`, which the tests hold to the networkx queries
(:mod:`viz.network.explore`) state by state.
"""

from __future__ import annotations

import dataclasses
from functools import cached_property

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from viz.network.analytics import shortest_paths
from viz.network.explore import selection_highlight
from viz.network.graph_index import GraphIndex, Masks, index_graph, visible_masks
from viz.network.positions import cached_ints
from viz.network.state import ViewState
from viz.network.timeline import timeline_entries
from viz.record.labels import lane_labels
from viz.render.analysis_panel import LIVE_ANALYSIS_MAX_NODES, analysis_panel, too_large_note
from viz.render.figures.aggregate import DETAIL_MAX_NODES, community_frame, find_communities, leiden_membership
from viz.render.figures.fallback import density_timeline_figure, drawable, events_counted, no_webgl_note
from viz.render.figures.hovers import NetworkHovers
from viz.render.figures.network import NetworkBase, network_base
from viz.render.figures.network_patch import apply_changes, as_patch, assign, network_changes
from viz.render.figures.timeline import timeline_figure
from viz.render.figures.timeline_patch import (
    DETAIL_MAX_EVENTS,
    TimelineMap,
    add_density,
    timeline_changes,
    timeline_map,
)
from viz.render.table import ActorTable, TablePage, actor_table, first_page, table_page


@dataclasses.dataclass(eq=False)
class Figures:
    """The arrays, base figures and table of one dataset, built once."""

    index: GraphIndex
    network: NetworkBase
    timeline: go.Figure
    timeline_map: TimelineMap
    context: object = dataclasses.field(repr=False, default=None)
    paths: dict = dataclasses.field(default_factory=dict, repr=False)  # view_paths' answers, by view

    @cached_property
    def edge_position(self) -> dict[tuple[str, str, str], int]:
        """Each relation's place in the index (its key is networkx's edge key)."""
        return {key: i for i, key in enumerate(self.index.edge_keys)}

    @cached_property
    def table(self) -> ActorTable:
        """The actors table's fixed columns (about 0.2 s at 50k: built when first asked for, not at start-up)."""
        return actor_table(self.context.dataset, self.index)

    def table_page(self, masks: Masks, sort_by: list[dict] | None, page: int, *, plain: bool = False) -> TablePage:
        """A page of the actors table; the first page of the unfiltered view without the whole table, if it
        is not built yet (``plain``: nothing filtered)."""
        if plain and not sort_by and not page and "table" not in self.__dict__:
            return first_page(self.context.dataset, self.index, masks)
        return table_page(self.table, self.index, masks, sort_by, page)

    @cached_property
    def fallback(self) -> NetworkBase | None:
        """An empty SVG base for browsers without WebGL (large datasets only), built when first asked for."""
        if self.network.svg:
            return None
        title = self.context.dataset.meta.title
        return network_base(self.context.graph, self.index, self.network.hovers, title=f"{title}: network",
                            svg=True, empty=True)


def build_figures(context) -> Figures:
    """Index the graph and draw the base network and timeline (about a second at 50k actors)."""
    index = index_graph(context.graph, context.dataset, context.positions)
    title = context.dataset.meta.title
    hovers = NetworkHovers(context.graph, index, context.sources)
    communities = None
    if len(index.nodes) > DETAIL_MAX_NODES:  # Leiden takes ~0.4 s at 50k: kept with the layout, by content hash
        membership = cached_ints(context.cache_key, "communities", lambda: leiden_membership(index))
        communities = find_communities(index, membership=np.array(membership, dtype=np.int64))
    brief = context.large  # WebGL, and brief timeline hovers
    network = network_base(context.graph, index, hovers, title=f"{title}: network", communities=communities,
                           svg=not brief)
    timeline = timeline_figure(timeline_entries(context.dataset, brief=brief), sources=context.sources, brief=brief,
                               lanes=lane_labels(context.dataset), title=f"{title}: timeline", patchable=True)
    tmap = timeline_map(timeline, index)
    if len(index.events) > DETAIL_MAX_EVENTS:  # a timeline too dense to read marker by marker starts as densities
        tmap = add_density(timeline, tmap, len(index.events))
    everything = ViewState()
    for figure, changes in ((network.figure, network_changes(network, None, None, title=f"{title}: network")),
                            (timeline, timeline_changes(tmap, visible_masks(index, everything), None, everything,
                                                        title=f"{title}: timeline"))):
        for path, value in changes.items():
            assign(figure, path, value)
    return Figures(index, network, timeline, tmap, context)


def highlight_masks(context, selected: str | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """:func:`viz.network.explore.selection_highlight` as node and event masks (None: nothing selected)."""
    index = context.figures.index
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


def drawn_in_view(context, state: ViewState, ref: str) -> bool:
    """Whether the network point ``ref`` (``node:<id>`` or ``pair:<id>|<id>``) is drawn in ``state``'s view.

    A view hides filtered-out points where they are (opacity 0, hover skipped), and plotly.js still
    reports a click on them: the app ignores such clicks. Greyed points stay drawn (and clickable).
    """
    kind, _, value = ref.partition(":")
    if kind not in ("node", "pair") or not state.has_filters or state.grey:
        return True
    index = context.figures.index
    ends = value.split("|") if kind == "pair" else [value]
    if not all(end in index.node_index for end in ends):
        return False
    nodes = visible_masks(index, state).nodes
    return all(nodes[index.node_index[end]] for end in ends)


def shown_graph(context, masks: Masks) -> nx.MultiDiGraph:
    """The networkx graph a mask shows (for analysis and paths on small enough views)."""
    index = context.figures.index
    shown = context.graph.edge_subgraph([index.edge_keys[i] for i in np.flatnonzero(masks.edges)]).copy()
    shown.add_nodes_from((index.nodes[i], context.graph.nodes[index.nodes[i]]) for i in np.flatnonzero(masks.nodes))
    return shown


def _fallback_figures(context, state: ViewState, masks: Masks, lit_nodes: np.ndarray | None,
                      lit_events: np.ndarray | None, titles: tuple[str, str]) -> tuple[go.Figure, go.Figure, str]:
    """Whole SVG network and timeline, and the note that says what they leave out, for a browser
    without WebGL showing a large dataset (see :mod:`viz.render.figures.fallback`): the same engine
    on an empty SVG base, showing the drawable part of the view."""
    figures = context.figures
    index = figures.index
    shown_nodes, shown_events = int(masks.nodes.sum()), int(masks.events.sum())
    drawn = drawable(index, masks)
    network = apply_changes(figures.fallback.figure, network_changes(
        figures.fallback, drawn, lit_nodes, title=titles[0], centres=_centres(index, state),
        selected=_selected(index, state)))
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


def view_paths(context, state: ViewState, masks: Masks) -> list:
    """The shortest paths between the state's two actors within the view (:func:`shortest_paths`, up to
    5, each hop with its relations), searched on a simple graph built from the arrays; kept per view, so
    the network and the analysis panel list the same paths and a selection does not search again."""
    if not (state.path_from and state.path_to):
        return []
    figures = context.figures
    view = dataclasses.replace(state, selected=None, grey=False)
    if view not in figures.paths:
        index = figures.index
        kept = np.flatnonzero(masks.edges & ~index.edge_context & (index.edge_u != index.edge_v))
        simple = nx.Graph()
        simple.add_nodes_from(index.nodes[i] for i in np.flatnonzero(masks.nodes).tolist())
        simple.add_edges_from((index.nodes[u], index.nodes[v])
                              for u, v in zip(index.edge_u[kept].tolist(), index.edge_v[kept].tolist(), strict=True))
        position, shown = figures.edge_position, masks.edges
        if len(figures.paths) >= 32:  # a few recent views are enough
            figures.paths.clear()
        figures.paths[view] = shortest_paths(context.graph, state.path_from, state.path_to, simple=simple,
                                             shown=lambda u, v, key: bool(shown[position[(u, v, key)]]))
    return figures.paths[view]


def path_steps(context, state: ViewState, masks: Masks) -> list[tuple[int, int]]:
    """The node pairs of the shortest paths between the state's two actors, within the view."""
    index = context.figures.index
    return sorted({(index.node_index[h.source], index.node_index[h.target])
                   for path in view_paths(context, state, masks) for h in path})


def renamed(context, state: ViewState) -> dict[int, str]:
    """Within a time window, a renamed body is labelled with the name it had at the window's end."""
    when = state.end or state.start
    if when is None:
        return {}
    index = context.figures.index
    return {index.node_index[a.id]: a.name_at(when.isoformat()) for a in context.dataset.actors
            if a.names and a.id in index.node_index}


def view_figures(context, state: ViewState, masks: Masks, *, patch: bool,
                 webgl: bool = True) -> tuple[go.Figure | object, go.Figure | object, str | None]:
    """The network and the timeline of ``state`` (Patches when ``patch``) and, for a large dataset in a
    browser without WebGL (whole SVG figures, simplified), the note that says how."""
    figures = context.figures
    index = figures.index
    lit_nodes, lit_events = highlight_masks(context, state.selected)
    title, scope = _title_and_scope(context, state)
    titles = f"{title}: network{scope}", f"{title}: timeline{scope}"
    if not webgl and figures.fallback is not None:  # the page's WebGL base figures cannot be drawn
        return _fallback_figures(context, state, masks, lit_nodes, lit_events, titles)
    plain = not (state.has_filters or state.selected or (state.path_from and state.path_to))
    if plain and not patch:  # the base figures are this view (the first page of a large dataset: no copy)
        return figures.network.figure, figures.timeline, None
    network = network_changes(figures.network, masks if state.has_filters else None, lit_nodes, title=titles[0],
                              centres=_centres(index, state), selected=_selected(index, state), hide=not state.grey,
                              path=path_steps(context, state, masks), renamed=renamed(context, state))
    timeline = timeline_changes(figures.timeline_map, masks, lit_events, state, title=titles[1], hide=not state.grey)
    if patch:
        return as_patch(network), as_patch(timeline), None
    return apply_changes(figures.network.figure, network), apply_changes(figures.timeline, timeline), None


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


def _selected(index: GraphIndex, state: ViewState) -> int | None:
    """The selected node (emphasised in the network), if a node is selected."""
    kind, _, value = (state.selected or "").partition(":")
    return index.node_index.get(value) if kind == "node" else None


def viewport_patch(context, state: ViewState, viewport: tuple | None, community: int | None = None):
    """The network's level of detail for what the user zoomed to (``viewport``: x and y ranges,
    None: the view's own frame), or zoomed to a clicked ``community``; None when the dataset is
    drawn node by node anyway. The ranges are left as the user set them, unless a community was clicked."""
    figures = context.figures
    if figures.network.communities is None:
        return None
    index = figures.index
    masks = visible_masks(index, state)
    lit_nodes, _ = highlight_masks(context, state.selected)
    communities = figures.network.communities
    if community is not None and 0 <= community < communities.count:
        frame = community_frame(index, communities, community)
        viewport = ([float(frame[:, 0].min()), float(frame[:, 0].max())],
                    [float(frame[:, 1].min()), float(frame[:, 1].max())])
    title, scope = _title_and_scope(context, state)
    changes = network_changes(figures.network, masks if state.has_filters else None, lit_nodes,
                              title=f"{title}: network{scope}", centres=_centres(index, state),
                              selected=_selected(index, state), viewport=viewport, hide=not state.grey,
                              path=path_steps(context, state, masks), renamed=renamed(context, state))
    if community is not None and viewport is not None:
        changes[("layout", "xaxis", "range")], changes[("layout", "yaxis", "range")] = viewport
    return as_patch(changes)


def view_analysis(context, state: ViewState | None = None):
    """The analysis panel for ``state``: brokers, communities and shortest paths (networkx, on
    views small enough for live centrality; paths at any size).

    Kept apart from the charts (and in its own callback), because centrality on a few thousand
    nodes takes seconds while the charts take milliseconds.
    """
    state = state or ViewState()
    masks = visible_masks(context.figures.index, state)
    shown_count = int(masks.nodes.sum())
    wants_path = bool(state.path_from and state.path_to)
    if shown_count > LIVE_ANALYSIS_MAX_NODES and not wants_path:
        return too_large_note(shown_count)
    paths = view_paths(context, state, masks)
    ends = (state.path_from, state.path_to)
    if shown_count > LIVE_ANALYSIS_MAX_NODES:  # paths only: the whole graph names their nodes
        return analysis_panel(context.dataset, context.graph, paths, ends, count=shown_count)
    return analysis_panel(context.dataset, shown_graph(context, masks), paths, ends)


def cited_sources(context, masks: Masks) -> tuple[str, ...]:
    index = context.figures.index
    cited = dict.fromkeys(s for i in np.flatnonzero(masks.events) for s in context.dataset.events[i].sources)
    for i in np.flatnonzero(masks.edges):
        cited.update(dict.fromkeys(context.graph.edges[index.edge_keys[i]].get("sources") or ()))
    return tuple(cited)
