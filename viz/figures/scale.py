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
- a selection dims the base nodes and draws what it lights up on top.

Changes are keyed by a path into the figure, e.g. ``("data", 3, "visible")``.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from dash import Patch

from viz.figures.common import GHOST, NODE_STYLE, base_layout, esc
from viz.graph_index import Bucket, GraphIndex, Masks

Changes = dict[tuple, Any]

EDGE_COLOUR = "rgba(110,110,110,0.35)"
#: up to this many kept nodes, they are drawn in an overlay (else a per-node colour array is sent)
OVERLAY_MAX_NODES = 2500
LABELLED_NODES = 10
NODE_SIZE = 6


def typed(values: np.ndarray) -> dict:
    """A numpy array as Plotly's binary form (``{"dtype", "bdata"}``): Patch would send JSON lists."""
    array = np.ascontiguousarray(values)
    dtype = {np.dtype(np.float32): "f4", np.dtype(np.uint8): "u1", np.dtype(np.int32): "i4"}[array.dtype]
    return {"dtype": dtype, "bdata": base64.b64encode(array.tobytes()).decode("ascii")}


def _walks(first: np.ndarray, second: np.ndarray, nodes: int) -> list[int]:
    """Cover the lines first[i]-second[i] with few walks; -1 ends a walk.

    Each walk follows unused lines until it is stuck, starting from odd-degree
    nodes first (as in an Euler path), so a polyline needs about one point per
    line instead of three (two ends and a gap).
    """
    ends = np.concatenate([first, second])
    order = np.argsort(ends, kind="stable")
    neighbour = np.concatenate([second, first])[order].tolist()
    line = np.concatenate([np.arange(len(first))] * 2)[order].tolist()
    start = np.searchsorted(ends[order], np.arange(nodes + 1)).tolist()
    position = start[:-1]
    used = bytearray(len(first))
    degree = np.bincount(ends, minlength=nodes)
    out: list[int] = []

    def next_line(node: int) -> int:
        at, stop = position[node], start[node + 1]
        while at < stop and used[line[at]]:
            at += 1
        position[node] = at
        return at if at < stop else -1

    for origin in np.concatenate([np.flatnonzero(degree % 2), np.flatnonzero(degree)]).tolist():
        while next_line(origin) >= 0:
            node = origin
            out.append(node)
            while (at := next_line(node)) >= 0:
                used[line[at]] = 1
                node = neighbour[at]
                out.append(node)
            out.append(-1)
    return out


def polylines(xy: np.ndarray, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """float32 line coordinates (NaN between walks) drawing every pair u-v once.

    Repeated pairs and self-loops draw nothing new, so they are dropped.
    """
    keep = u != v
    if not keep.any():
        return np.empty(0, np.float32), np.empty(0, np.float32)
    pairs = np.unique(np.stack([np.minimum(u[keep], v[keep]), np.maximum(u[keep], v[keep])], axis=1), axis=0)
    used_nodes, compact = np.unique(pairs, return_inverse=True)
    compact = compact.reshape(-1, 2)
    sequence = np.array(_walks(compact[:, 0], compact[:, 1], len(used_nodes)), dtype=np.int64)
    out = np.full((len(sequence), 2), np.nan, dtype=np.float32)
    real = sequence >= 0
    out[real] = xy[used_nodes[sequence[real]]]
    return out[:-1, 0], out[:-1, 1]  # drop the trailing gap


class NetworkTraces:
    """Where each trace of the base figure sits in ``figure.data``."""

    def __init__(self, index: GraphIndex) -> None:
        buckets = len(index.buckets)
        self.buckets = range(buckets)
        # base nodes above base relations; overlays above both, so kept relations cross grey nodes
        self.kinds = {kind: buckets + i for i, kind in enumerate(index.kinds)}
        after = buckets + len(index.kinds)
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


def large_network_figure(index: GraphIndex, *, title: str = "", height: int = 620) -> go.Figure:
    """The base figure of a large network: every node and relation, nothing filtered."""
    traces: list = []
    for b, bucket in enumerate(index.buckets):
        part = slice(index.bucket_start[b], index.bucket_start[b + 1])
        x, y = polylines(index.xy, index.edge_u[part], index.edge_v[part])
        traces.append(go.Scattergl(x=x, y=y, mode="lines", line={"width": 1, "color": EDGE_COLOUR},
                                   hoverinfo="skip", showlegend=False, name=_bucket_name(bucket)))
    for code, kind in enumerate(index.kinds):
        colour, symbol, legend_name = _style(kind)
        members = np.flatnonzero(index.node_kind == code)
        traces.append(go.Scattergl(
            # no customdata: 50k "node:<id>" strings would cost a megabyte; clicks map back by point number
            x=index.xy[members, 0], y=index.xy[members, 1], mode="markers", name=legend_name,
            hovertext=[esc(index.labels[i]) for i in members], hoverinfo="text",
            # a per-node colour array of 0 (grey) and 1 (the kind's colour) maps through this scale
            marker={"size": NODE_SIZE, "color": colour, "symbol": symbol, "line": {"width": 0},
                    "colorscale": [[0, GHOST], [1, colour]], "cmin": 0, "cmax": 1},
        ))
    for name, colour, width in (("relations shown", "rgba(60,60,60,0.6)", 1.2), ("selected relations", "#222", 2.5)):
        traces.append(go.Scattergl(x=[], y=[], mode="lines", line={"width": width, "color": colour},
                                   hoverinfo="skip", showlegend=False, name=name))
    for name, size in (("actors shown", NODE_SIZE + 2), ("selected", NODE_SIZE + 6)):
        traces.append(go.Scattergl(x=[], y=[], mode="markers", name=name, showlegend=False, hoverinfo="text",
                                   marker={"size": size, "line": {"width": 1, "color": "#222"}}))
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
    for path, value in network_changes(index, None, None, title=title).items():
        _assign(fig, path, value)
    return fig


def _assign(target: Any, path: Sequence, value: Any) -> None:
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


def _frame(index: GraphIndex, nodes: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Positions to frame: related nodes shown (unrelated ones sit in rows beneath, off-frame
    for a big view), trimmed to the central 98% so a few far-flung components do not shrink the rest."""
    related = np.zeros(len(index.nodes), dtype=bool)
    related[index.edge_u[edges]] = related[index.edge_v[edges]] = True
    chosen = index.xy[np.flatnonzero(nodes & related)]
    if len(chosen) < 2:
        chosen = index.xy[np.flatnonzero(nodes)] if nodes.any() else index.xy
    if len(chosen) > 200:
        low, high = np.percentile(chosen, [1, 99], axis=0)
        chosen = np.array([low, high])
    return chosen


def _node_points(index: GraphIndex, nodes: np.ndarray) -> dict:
    kinds = [index.kinds[k] for k in index.node_kind[nodes]]
    return {"x": typed(index.xy[nodes, 0]), "y": typed(index.xy[nodes, 1]),
            "customdata": [f"node:{index.nodes[i]}" for i in nodes],
            "hovertext": [esc(index.labels[i]) for i in nodes],
            "marker.color": [_style(k)[0] for k in kinds], "marker.symbol": [_style(k)[1] for k in kinds]}


def _set_points(changes: Changes, trace: int, points: dict) -> None:
    for key, value in points.items():
        changes[("data", trace, *key.split("."))] = value


def network_changes(index: GraphIndex, masks: Masks | None, lit: np.ndarray | None, *, title: str) -> Changes:
    """Everything that differs between states, as absolute values (so any patch
    can follow any other). ``masks`` None shows everything; ``lit`` is a node
    mask lit up by a selection (None: no selection)."""
    traces = NetworkTraces(index)
    changes: Changes = {("layout", "title", "text"): esc(title)}
    nodes = masks.nodes if masks is not None else np.ones(len(index.nodes), dtype=bool)
    edges = masks.edges if masks is not None else np.ones(index.edge_count, dtype=bool)
    overlay: list[np.ndarray] = []
    for b in traces.buckets:
        part = edges[index.bucket_start[b]:index.bucket_start[b + 1]]
        whole = bool(part.all())
        changes[("data", b, "visible")] = whole
        if not whole and part.any():
            overlay.append(np.flatnonzero(part) + index.bucket_start[b])
    kept = np.concatenate(overlay) if overlay else np.empty(0, dtype=np.int64)
    x, y = polylines(index.xy, index.edge_u[kept], index.edge_v[kept])
    _set_points(changes, traces.overlay_edges, {"x": typed(x), "y": typed(y)})
    dim = lit is not None
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
    shown_nodes = np.flatnonzero(nodes) if few else np.empty(0, dtype=np.int64)
    _set_points(changes, traces.overlay_nodes, _node_points(index, shown_nodes))
    # (relation traces are not dimmed for a selection: one more value per bucket on every patch,
    # while the selected relations are drawn dark and thick on top anyway)
    lit_nodes = np.flatnonzero(lit & nodes) if dim else np.empty(0, dtype=np.int64)
    _set_points(changes, traces.lit_nodes, _node_points(index, lit_nodes))
    lit_edges = np.flatnonzero(edges & lit[index.edge_u] & lit[index.edge_v]) if dim else np.empty(0, np.int64)
    x, y = polylines(index.xy, index.edge_u[lit_edges], index.edge_v[lit_edges])
    _set_points(changes, traces.lit_edges, {"x": typed(x), "y": typed(y)})
    # label the best-connected nodes shown (a selection's own nodes first)
    pool = lit_nodes if len(lit_nodes) else np.flatnonzero(nodes)
    top = pool[np.argsort(-index.degree[pool], kind="stable")[:LABELLED_NODES]]
    _set_points(changes, traces.labels, {"x": typed(index.xy[top, 0]), "y": typed(index.xy[top, 1]),
                                         "text": [esc(_short(index.labels[i])) for i in top]})
    frame = _frame(index, nodes, edges)
    changes[("layout", "xaxis", "range")] = _padded(frame[:, 0], 0.12)
    changes[("layout", "yaxis", "range")] = _padded(frame[:, 1], 0.06)
    return changes


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def as_patch(changes: Changes) -> Patch:
    """The changes as a ``dash.Patch`` of a figure."""
    patch = Patch()
    for path, value in changes.items():
        _assign(patch, path, value)
    return patch


def apply_changes(figure: go.Figure, changes: Changes) -> go.Figure:
    """A copy of ``figure`` with the changes made (for exports and first renders)."""
    result = figure.to_plotly_json()  # a deep copy: the base stays as it is
    for path, value in changes.items():
        _assign(result, path, value)
    return go.Figure(result)

