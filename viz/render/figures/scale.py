"""The network of a large dataset: drawn once, then changed by small patches.

Resending 200k relations on every filter would cost megabytes. Instead the base
figure is built once per dataset and every state is expressed as a few
*changes* to it (:func:`network_changes`), which become a ``dash.Patch`` for
the browser or are applied to a copy of the base for exports:

- relations are split into one WebGL trace per time bucket (the years of their
  first and last possible day), so a year-aligned time window only switches
  traces on and off;
- a filter that keeps part of a bucket hides the bucket and draws the kept
  relations in an overlay trace;
- nodes keep their per-kind traces; filtered-out nodes turn faint grey (one
  byte per node, sent as a binary array) or, when few nodes remain, all turn
  grey and the kept ones are drawn in an overlay;
- a selection dims the base nodes and draws what it lights up on top;
- a dataset too dense to read node by node (see :mod:`viz.render.figures.aggregate`) has no nodes
  or relations in its base, only its communities: a view draws the nodes it keeps, or the
  nodes the user zoomed to, in the overlays once they are few enough (:func:`level_of_detail`).

Changes are keyed by a path into the figure, e.g. ``("data", 3, "visible")``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from dash import Patch

from viz.network.graph_index import Bucket, GraphIndex, Masks
from viz.render.figures.aggregate import (
    COMMUNITY_COLOUR,
    LINK_STYLES,
    Communities,
    marker_sizes,
    weighted_links,
)
from viz.render.figures.arrays import polylines, typed
from viz.render.figures.common import GHOST, NODE_STYLE, base_layout, esc

Changes = dict[tuple, Any]

EDGE_COLOUR = "rgba(110,110,110,0.35)"
#: up to this many kept nodes, they are drawn in an overlay (else a per-node colour array is sent)
OVERLAY_MAX_NODES = 2500
#: a dense dataset's view draws at most this many nodes and relations one by one (about 100 KB), else communities
FOCUS_MAX_NODES, FOCUS_MAX_EDGES = 1000, 3000
LABELLED_NODES = 10
NODE_SIZE = 6
#: a view around chosen organisations frames this share of their related nodes, the nearest ones
FRAME_NEAREST = 0.8
#: plotly's numbers for the node symbols (a list of numbers is smaller than one of names)
SYMBOL_NUMBERS = {"circle": 0, "square": 1, "diamond": 2, "triangle-up": 5, "pentagon": 13, "hexagon": 14, "star": 17}


class NetworkTraces:
    """Where each trace of the base figure sits in ``figure.data``."""

    def __init__(self, index: GraphIndex) -> None:
        buckets = len(index.buckets)
        self.buckets = range(buckets)
        # base nodes above base relations; overlays above both, so kept relations cross grey nodes
        self.kinds = {kind: buckets + i for i, kind in enumerate(index.kinds)}
        after = buckets + len(index.kinds)
        # communities (level of detail, see viz.render.figures.aggregate): links of the whole graph, links of a
        # filtered view, then the community markers; empty when the dataset is drawn node by node
        styles = len(LINK_STYLES)
        self.community_links = range(after, after + styles)
        self.filtered_links = range(after + styles, after + 2 * styles)
        self.communities = after + 2 * styles
        after = self.communities + 1
        self.overlay_edges, self.lit_edges = after, after + 1
        self.overlay_nodes, self.lit_nodes, self.labels = after + 2, after + 3, after + 4


def clicked_node(index: GraphIndex, curve: int, point: int) -> str | None:
    """The node id behind a click on a base node trace (which carries no customdata)."""
    traces = NetworkTraces(index)
    for code, kind in enumerate(index.kinds):
        if traces.kinds[kind] == curve:
            members = np.flatnonzero(index.node_kind == code)
            return index.nodes[members[point]] if 0 <= point < len(members) else None
    return None


def _bucket_name(bucket: Bucket) -> str:
    years, kind = bucket
    when = ("undated" if years is None else str(years[0]) if years[0] == years[1] else f"{years[0]}–{years[1]}")
    return f"relations {when} {kind.replace('_', ' ') or 'roles and agreements'}"


def _style(kind: str) -> tuple[str, str, str]:
    return NODE_STYLE.get(kind, NODE_STYLE["group"])


def large_network_figure(index: GraphIndex, *, title: str = "", height: int = 620,
                         communities: Communities | None = None) -> go.Figure:
    """The base figure of a large network: every node and relation, nothing filtered.

    With ``communities`` (a dataset too dense to read node by node) it holds the communities
    instead, and no node or relation: views draw those in the overlays (:func:`level_of_detail`).
    """
    traces: list = []
    # a dense dataset's nodes and relations are never drawn all at once (a grey disc, and seconds of
    # software WebGL): its base holds empty traces (the legend's colours) and the communities
    dense = communities is not None
    for b, bucket in enumerate(index.buckets):
        part = slice(index.bucket_start[b], index.bucket_start[b + 1] if not dense else index.bucket_start[b])
        x, y = polylines(index.xy, index.edge_u[part], index.edge_v[part])
        traces.append(go.Scattergl(x=x, y=y, mode="lines", line={"width": 1, "color": EDGE_COLOUR},
                                   hoverinfo="skip", showlegend=False, name=_bucket_name(bucket), visible=not dense))
    for code, kind in enumerate(index.kinds):
        colour, symbol, legend_name = _style(kind)
        members = np.flatnonzero(index.node_kind == code) if not dense else np.empty(0, dtype=np.int64)
        traces.append(go.Scattergl(
            # no customdata: 50k "node:<id>" strings would cost a megabyte; clicks map back by point number
            # (a dense base: one point at no place, or plotly would leave the kind out of the legend)
            x=index.xy[members, 0] if not dense else [None], y=index.xy[members, 1] if not dense else [None],
            mode="markers", name=legend_name,
            hovertext=[esc(index.labels[i]) for i in members], hoverinfo="text",
            # a per-node colour array of 0 (grey) and 1 (the kind's colour) maps through this scale
            marker={"size": NODE_SIZE, "color": colour, "symbol": symbol, "line": {"width": 0},
                    "colorscale": [[0, GHOST], [1, colour]], "cmin": 0, "cmax": 1},
        ))
    whole = weighted_links(index, communities, None) if communities is not None else None
    for name in ("community links", "community links shown"):
        for k, (width, colour) in enumerate(LINK_STYLES):
            x, y = (polylines(communities.xy, *whole[k]) if whole and name == "community links"
                    else (np.empty(0, np.float32),) * 2)
            traces.append(go.Scattergl(x=x, y=y, mode="lines", line={"width": width, "color": colour},
                                       hoverinfo="skip", showlegend=False, name=name, visible=False))
    traces.append(go.Scattergl(
        x=communities.xy[:, 0] if communities else [], y=communities.xy[:, 1] if communities else [],
        mode="markers", name="communities (area: actors)", visible=False, hoverinfo="text",
        customdata=[f"community:{c}" for c in range(communities.count)] if communities else None,
        hovertext=list(communities.hovers) if communities else None,
        marker={"size": marker_sizes(communities, np.ones(len(index.nodes), bool)) if communities else NODE_SIZE,
                "color": COMMUNITY_COLOUR, "opacity": 0.8, "line": {"width": 1, "color": "white"}}))
    for name, colour, width in (("relations shown", "rgba(60,60,60,0.6)", 1.2), ("selected relations", "#222", 2.5)):
        traces.append(go.Scattergl(x=[], y=[], mode="lines", line={"width": width, "color": colour},
                                   hoverinfo="skip", showlegend=False, name=name))
    for name, size in (("actors shown", NODE_SIZE + 2), ("selected", NODE_SIZE + 6)):
        traces.append(go.Scattergl(x=[], y=[], mode="markers", name=name, showlegend=False, hoverinfo="text",
                                   marker={"size": size, "line": {"width": 1, "color": "#222"}, **_kind_scale(index)}))
    # WebGL too: an SVG trace would sit beneath the WebGL canvas, hidden by the nodes
    traces.append(go.Scattergl(x=[], y=[], mode="text", textposition="top center", hoverinfo="skip",
                               textfont={"size": 10, "color": "#222"}, showlegend=False, name="labels"))
    fig = go.Figure(traces)
    fig.update_layout(
        **base_layout(title, height, top=76),
        legend={"title": {"text": "kind "}, "orientation": "h", "x": 0.0, "y": 1.0, "yanchor": "bottom",
                "xanchor": "left", "bgcolor": "rgba(255,255,255,0.85)", "itemsizing": "constant"},
        xaxis={"visible": False}, yaxis={"visible": False}, hovermode="closest", uirevision="network",
    )
    for path, value in network_changes(index, None, None, title=title, communities=communities).items():
        assign(fig, path, value)
    return fig


def assign(target: Any, path: Sequence, value: Any) -> None:
    """Set ``value`` at ``path`` in a figure, a figure dict (missing levels made) or a Patch."""
    for part in path[:-1]:
        target = target.setdefault(part, {}) if isinstance(target, dict) else target[part]
    target[path[-1]] = value


def _padded(values: np.ndarray, fraction: float) -> list[float]:
    if not len(values):
        return [-0.1, 1.1]
    low, high = float(values.min()), float(values.max())
    pad = max(high - low, 0.25) * fraction + 0.02
    return [low - pad, high + pad]


def _frame(index: GraphIndex, nodes: np.ndarray, edges: np.ndarray, centres: Sequence[int] = ()) -> np.ndarray:
    """Positions to frame: related nodes shown (unrelated ones sit in rows beneath, off-frame
    for a big view), trimmed to the central 98% so a few far-flung components do not shrink the rest.

    With ``centres`` (chosen organisations or found actors) the frame is drawn around them: their
    related nodes nearest to them, :data:`FRAME_NEAREST` of them, so a member list spread over the
    whole layout does not leave the centres a dot in the middle (positions never move, so a frame
    is all a filter can change).
    """
    related = np.zeros(len(index.nodes), dtype=bool)
    related[index.edge_u[edges]] = related[index.edge_v[edges]] = True
    chosen = index.xy[np.flatnonzero(nodes & related)]
    if len(chosen) < 2:
        chosen = index.xy[np.flatnonzero(nodes)] if nodes.any() else index.xy
    if len(centres) and len(chosen) > 20:
        middle = index.xy[list(centres)].mean(axis=0)
        distance = np.hypot(*(chosen - middle).T)
        chosen = np.concatenate([chosen[distance <= np.quantile(distance, FRAME_NEAREST)], index.xy[list(centres)]])
    if len(chosen) > 200:
        low, high = np.percentile(chosen, [1, 99], axis=0)
        chosen = np.array([low, high])
    return chosen


def _kind_scale(index: GraphIndex) -> dict:
    """Marker settings that colour a point by its kind's number (one byte a point, not a colour name)."""
    colours = [_style(kind)[0] for kind in index.kinds]
    last = max(len(colours) - 1, 1)
    return {"colorscale": [[min(max(k + step, 0), last) / last, colour] for k, colour in enumerate(colours)
                           for step in (-0.5, 0.5)], "cmin": 0, "cmax": last}


def _outside_note(index: GraphIndex, nodes: np.ndarray, edges: np.ndarray, viewport) -> list[dict]:
    """A note saying how many related nodes shown a frame around chosen centres leaves out (none: no note)."""
    related = np.zeros(len(index.nodes), dtype=bool)
    related[index.edge_u[edges]] = related[index.edge_v[edges]] = True
    shown = nodes & related
    outside = int((shown & ~_in_view(index, *viewport)).sum())
    if not outside:
        return []
    return [{"text": f"{outside:,} of {int(shown.sum()):,} shown lie outside this frame: zoom out to see them",
             "xref": "paper", "yref": "paper", "x": 1.0, "y": 0.0, "xanchor": "right", "yanchor": "bottom",
             "showarrow": False, "font": {"size": 11, "color": "#555"}, "bgcolor": "rgba(255,255,255,0.8)"}]


def _node_points(index: GraphIndex, nodes: np.ndarray) -> dict:
    """An overlay's points: colour and shape by kind number (see :func:`_kind_scale`), to keep patches small."""
    codes = index.node_kind[nodes]
    symbols = np.array([SYMBOL_NUMBERS.get(_style(kind)[1], 0) for kind in index.kinds], dtype=np.int32)
    return {"x": typed(index.xy[nodes, 0]), "y": typed(index.xy[nodes, 1]),
            "customdata": [f"node:{index.nodes[i]}" for i in nodes],
            "hovertext": [esc(index.labels[i]) for i in nodes],
            "marker.color": typed(codes.astype(np.uint8)), "marker.symbol": symbols[codes].tolist()}


def _set_points(changes: Changes, trace: int, points: dict) -> None:
    for key, value in points.items():
        changes[("data", trace, *key.split("."))] = value


def _lines(changes: Changes, trace: int, xy: np.ndarray, u: np.ndarray, v: np.ndarray) -> None:
    x, y = polylines(xy, u, v)
    _set_points(changes, trace, {"x": typed(x), "y": typed(y)})


def _in_view(index: GraphIndex, x_range: Sequence[float], y_range: Sequence[float]) -> np.ndarray:
    x, y = index.xy[:, 0], index.xy[:, 1]
    return (x >= x_range[0]) & (x <= x_range[1]) & (y >= y_range[0]) & (y <= y_range[1])


def level_of_detail(index: GraphIndex, masks: Masks | None, inside: np.ndarray) -> tuple[str, np.ndarray, np.ndarray]:
    """How a dense dataset's view is drawn: ``("focus", nodes, relations)`` to draw one by one
    over faint communities, or ``("communities", [], [])``.

    Focus, when a filter keeps at most :data:`FOCUS_MAX_NODES` nodes and :data:`FOCUS_MAX_EDGES`
    relations (all of them, exactly), or when the frame (``inside``, a node mask) holds that
    few: those nodes and the relations that touch them (only those inside when too many).
    """
    nodes = masks.nodes if masks is not None else np.ones(len(index.nodes), dtype=bool)
    edges = masks.edges if masks is not None else np.ones(index.edge_count, dtype=bool)
    if masks is not None and nodes.sum() <= FOCUS_MAX_NODES:
        kept = np.flatnonzero(edges)
        if len(kept) <= FOCUS_MAX_EDGES:
            return "focus", np.flatnonzero(nodes), kept
    near = nodes & inside
    if near.sum() <= FOCUS_MAX_NODES:
        kept = np.flatnonzero(edges & (near[index.edge_u] | near[index.edge_v]))
        if len(kept) > FOCUS_MAX_EDGES:  # relations that leave the frame go first
            kept = kept[near[index.edge_u[kept]] & near[index.edge_v[kept]]]
        if len(kept) <= FOCUS_MAX_EDGES:
            return "focus", np.flatnonzero(near), kept
    return "communities", np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)


def _community_changes(changes: Changes, index: GraphIndex, traces: NetworkTraces, communities: Communities | None,
                       masks: Masks | None, level: str) -> None:
    """The community traces of ``level``: sized by the nodes shown, or faint context (none: left hidden)."""
    if communities is None:
        return
    drawn = level == "communities"
    filtered = drawn and masks is not None
    for trace in traces.community_links:
        changes[("data", trace, "visible")] = drawn and not filtered
    links = weighted_links(index, communities, masks.edges) if filtered else None
    for k, trace in enumerate(traces.filtered_links):
        changes[("data", trace, "visible")] = filtered
        _lines(changes, trace, communities.xy, *(links[k] if links else (np.empty(0, np.int64),) * 2))
    shown = masks.nodes if filtered else np.ones(len(index.nodes), dtype=bool)
    changes[("data", traces.communities, "visible")] = True
    changes[("data", traces.communities, "marker", "size")] = typed(marker_sizes(communities, shown))
    changes[("data", traces.communities, "marker", "color")] = COMMUNITY_COLOUR if drawn else GHOST
    changes[("data", traces.communities, "marker", "opacity")] = 0.8 if drawn else 0.5


def network_changes(index: GraphIndex, masks: Masks | None, lit: np.ndarray | None, *, title: str,
                    communities: Communities | None = None, centres: Sequence[int] = (),
                    viewport: tuple[Sequence[float], Sequence[float]] | None = None) -> Changes:
    """Everything that differs between states, as absolute values (so any patch
    can follow any other). ``masks`` None shows everything; ``lit`` is a node
    mask lit up by a selection (None: no selection).

    With ``communities`` the level of detail (:func:`level_of_detail`) depends on what the
    frame holds: the frame of the view (around ``centres`` when given), or ``viewport``
    (x and y ranges the user zoomed to, which the changes then leave as they are).
    """
    traces = NetworkTraces(index)
    changes: Changes = {("layout", "title", "text"): esc(title)}
    nodes = masks.nodes if masks is not None else np.ones(len(index.nodes), dtype=bool)
    edges = masks.edges if masks is not None else np.ones(index.edge_count, dtype=bool)
    if viewport is None:
        frame = _frame(index, nodes, edges, centres)
        viewport = _padded(frame[:, 0], 0.12), _padded(frame[:, 1], 0.06)
        changes[("layout", "xaxis", "range")], changes[("layout", "yaxis", "range")] = viewport
        changes[("layout", "annotations")] = _outside_note(index, nodes, edges, viewport) if len(centres) else []
    dim = lit is not None
    if communities is None:
        level, shown_nodes, kept = _node_level(changes, index, traces, masks, dim)
    else:  # a dense dataset: its base has no nodes or relations (nothing to change), only communities
        level, shown_nodes, kept = level_of_detail(index, masks, _in_view(index, *viewport))
    _lines(changes, traces.overlay_edges, index.xy, index.edge_u[kept], index.edge_v[kept])
    _community_changes(changes, index, traces, communities, masks, level)
    _set_points(changes, traces.overlay_nodes, _node_points(index, shown_nodes))
    # (relation traces are not dimmed for a selection: one more value per bucket on every patch,
    # while the selected relations are drawn dark and thick on top anyway)
    lit_nodes = np.flatnonzero(lit & nodes) if dim else np.empty(0, dtype=np.int64)
    _set_points(changes, traces.lit_nodes, _node_points(index, lit_nodes))
    lit_edges = np.flatnonzero(edges & lit[index.edge_u] & lit[index.edge_v]) if dim else np.empty(0, np.int64)
    _lines(changes, traces.lit_edges, index.xy, index.edge_u[lit_edges], index.edge_v[lit_edges])
    _labels(changes, index, traces, communities, nodes, lit_nodes, level, shown_nodes)
    return changes


def _node_level(changes: Changes, index: GraphIndex, traces: NetworkTraces, masks: Masks | None,
                dim: bool) -> tuple[str, np.ndarray, np.ndarray]:
    """A dataset drawn node by node: whole buckets on or off, grey nodes; the nodes and relations for the overlays."""
    nodes = masks.nodes if masks is not None else np.ones(len(index.nodes), dtype=bool)
    edges = masks.edges if masks is not None else np.ones(index.edge_count, dtype=bool)
    whole = np.array([bool(edges[index.bucket_start[b]:index.bucket_start[b + 1]].all()) for b in traces.buckets],
                     dtype=bool)
    for b in traces.buckets:
        changes[("data", b, "visible")] = bool(whole[b])
    few = masks is not None and nodes.sum() <= OVERLAY_MAX_NODES
    for code, kind in enumerate(index.kinds):
        trace = traces.kinds[kind]
        members = index.node_kind == code
        colour = _style(kind)[0]
        if masks is None or nodes[members].all():
            changes[("data", trace, "marker", "color")] = colour
        elif few:
            changes[("data", trace, "marker", "color")] = GHOST
        else:
            changes[("data", trace, "marker", "color")] = typed(nodes[members].astype(np.uint8))
        changes[("data", trace, "marker", "opacity")] = 0.35 if dim else 1.0
    kept = np.flatnonzero(edges & ~whole[index.edge_bucket])  # relations of buckets a filter cuts into
    return "nodes", np.flatnonzero(nodes) if few else np.empty(0, dtype=np.int64), kept


def _labels(changes: Changes, index: GraphIndex, traces: NetworkTraces, communities: Communities | None,
            nodes: np.ndarray, lit_nodes: np.ndarray, level: str, drawn: np.ndarray) -> None:
    """Label the best-connected nodes shown (a selection's own nodes first; zoomed in, those ``drawn``),
    or the largest communities."""
    if level == "communities" and not len(lit_nodes) and communities is not None:
        size = np.bincount(communities.member[nodes], minlength=communities.count)
        top = np.argsort(-size, kind="stable")[:LABELLED_NODES]
        top = top[size[top] > 0]
        xy, text = communities.xy[top], [esc(_short(communities.names[c])) for c in top]
    else:
        pool = lit_nodes if len(lit_nodes) else drawn if level == "focus" else np.flatnonzero(nodes)
        top = pool[np.argsort(-index.degree[pool], kind="stable")[:LABELLED_NODES]]
        xy, text = index.xy[top], [esc(_short(index.labels[i])) for i in top]
    _set_points(changes, traces.labels, {"x": typed(xy[:, 0]), "y": typed(xy[:, 1]), "text": text})


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def as_patch(changes: Changes) -> Patch:
    """The changes as a ``dash.Patch`` of a figure."""
    patch = Patch()
    for path, value in changes.items():
        assign(patch, path, value)
    return patch


def apply_changes(figure: go.Figure, changes: Changes) -> go.Figure:
    """A copy of ``figure`` with the changes made (for exports and first renders)."""
    result = figure.to_plotly_json()  # a deep copy: the base stays as it is
    for path, value in changes.items():
        assign(result, path, value)
    return go.Figure(result)

