"""Changes to a base network (:mod:`viz.render.figures.network`): every state as a few absolute values.

Resending a network on every filter costs its whole size (megabytes at 50k actors, 80-800 KB
at 1k). Instead every state is expressed as *changes* to the base figure
(:func:`network_changes`), which become a ``dash.Patch`` for the browser or are applied to a
copy of the base for exports and reports. Changes are absolute (any patch can follow any
other) and keyed by a path into the figure, e.g. ``("data", 3, "visible")``.

- whole buckets of relations are switched on and off; the kept relations of buckets a filter
  cuts into are drawn in the overlays (with hover points when few enough);
- filtered-out nodes turn grey (one byte per node, binary) or are hidden (the kept nodes are then
  drawn in an overlay); a large dataset with few nodes kept draws them in the overlay either way,
  over grey or hidden base nodes;
- a selection dims the base nodes and draws what it lights up on top; shortest paths are drawn thick;
- a dataset too dense to read node by node (see :mod:`viz.render.figures.aggregate`) has no nodes
  or relations in its base, only its communities: a view draws the nodes it keeps, or the
  nodes the user zoomed to, in the overlays once they are few enough (:func:`level_of_detail`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from dash import Patch

from viz.network.graph_index import LINE_STYLES, GraphIndex, Masks
from viz.render.figures.aggregate import COMMUNITY_COLOUR, Communities, marker_sizes, weighted_links
from viz.render.figures.arrays import polylines, typed
from viz.render.figures.common import GHOST, esc
from viz.render.figures.labels import (
    EMPHASIS_SIZE,
    LABEL_SIZE,
    NOMINAL_PLOT,
    Candidate,
    place_labels,
    to_pixels,
)
from viz.render.figures.network import RING_SIZE, SYMBOL_NUMBERS, NetworkBase, NetworkTraces, node_size, node_style

Changes = dict[tuple, Any]

#: up to this many kept nodes of a WebGL network, they are drawn in an overlay (else a per-node colour array)
OVERLAY_MAX_NODES = 2500
#: relation hover points drawn in an overlay, at most (a large view's; a small one has them per bucket)
OVERLAY_MAX_PAIRS = 400
#: a dense dataset's view draws at most this many nodes and relations one by one (about 100 KB), else communities
FOCUS_MAX_NODES, FOCUS_MAX_EDGES = 1000, 3000
#: label every node when this few are shown (those that fit); otherwise only the best connected that fit
ALL_LABELS_UP_TO, LABELLED_NODES = 30, 12
#: a larger view tries this many of its best-connected nodes (or communities) for its labels: some do not fit
LABEL_CANDIDATES = 48
#: labels are cut to this many characters, an emphasised one (chosen, found, selected) to that many
LABEL_LIMIT, EMPHASISED_LIMIT = 28, 48
#: a view around chosen organisations frames this share of their related nodes, the nearest ones
FRAME_NEAREST = 0.8
EMPTY_NOTE = "No actors match these filters — clear the organisation filter."


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


def _community_changes(changes: Changes, index: GraphIndex, traces: NetworkTraces,
                       communities: Communities | None, masks: Masks | None, level: str) -> None:
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


def network_changes(base: NetworkBase, masks: Masks | None, lit: np.ndarray | None, *, title: str,
                    centres: Sequence[int] = (), viewport: tuple[Sequence[float], Sequence[float]] | None = None,
                    hide: bool = False, path: Sequence[tuple[int, int]] = (),
                    renamed: Mapping[int, str] | None = None, selected: int | None = None) -> Changes:
    """Everything that differs between states, as absolute values (so any patch
    can follow any other). ``masks`` None shows everything; ``lit`` is a node
    mask lit up by a selection (None: no selection); ``hide`` hides filtered-out nodes
    instead of greying them; ``path`` lists node pairs of shortest paths to draw; ``renamed`` gives
    labels to use instead of the index's (a body's name at the time a window shows).

    The ``centres`` (chosen organisations, found actors) and the ``selected`` node, when shown, are
    emphasised: ringed, and labelled in bold whatever else is labelled (see :func:`_labels`).

    With communities the level of detail (:func:`level_of_detail`) depends on what the
    frame holds: the frame of the view (around ``centres`` when given), or ``viewport``
    (x and y ranges the user zoomed to, which the changes then leave as they are).
    """
    index, traces = base.index, base.traces
    changes: Changes = {("layout", "title", "text"): esc(title)}
    nodes = masks.nodes if masks is not None else np.ones(len(index.nodes), dtype=bool)
    edges = masks.edges if masks is not None else np.ones(index.edge_count, dtype=bool)
    if viewport is None:
        frame = _frame(index, nodes, edges, centres)
        viewport = _padded(frame[:, 0], 0.12), _padded(frame[:, 1], 0.06)
        changes[("layout", "xaxis", "range")], changes[("layout", "yaxis", "range")] = viewport
        notes = _outside_note(index, nodes, edges, viewport) if len(centres) else []
        if not nodes.any():
            notes.append({"text": esc(EMPTY_NOTE), "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper",
                          "showarrow": False, "font": {"size": 14, "color": "#555"}})
        changes[("layout", "annotations")] = notes
    dim = lit is not None
    if base.communities is not None:  # a dense dataset: its base has no nodes or relations, only communities
        level, shown_nodes, kept = level_of_detail(index, masks, _in_view(index, *viewport))
    elif base.empty:  # everything shown is drawn in the overlays
        level, shown_nodes, kept = "nodes", np.flatnonzero(nodes), np.flatnonzero(edges)
    else:
        level, shown_nodes, kept = _node_level(changes, base, masks, dim, hide)
    for style, trace in traces.legend_styles.items():  # a style's legend entry only while it is drawn
        changes[("data", trace, "visible")] = bool((base.edge_style[edges] == LINE_STYLES.index(style)).any())
    styles = base.edge_style[kept]
    for code, style in enumerate(LINE_STYLES):
        ends = kept[styles == code]
        _lines(changes, traces.overlay_edges[style], index.xy, index.edge_u[ends], index.edge_v[ends])
    _overlay_points(changes, base, kept)
    _community_changes(changes, index, traces, base.communities, masks, level)
    _set_points(changes, traces.overlay_nodes, _node_points(base, shown_nodes))
    # (relation traces are not dimmed for a selection: one more value per bucket on every patch,
    # while the selected relations are drawn dark and thick on top anyway)
    lit_nodes = np.flatnonzero(lit & nodes) if dim else np.empty(0, dtype=np.int64)
    _set_points(changes, traces.lit_nodes, _node_points(base, lit_nodes))
    lit_edges = np.flatnonzero(edges & lit[index.edge_u] & lit[index.edge_v]) if dim else np.empty(0, np.int64)
    _lines(changes, traces.lit_edges, index.xy, index.edge_u[lit_edges], index.edge_v[lit_edges])
    steps = np.array(path, dtype=np.int64).reshape(-1, 2)
    _lines(changes, traces.path, index.xy, steps[:, 0], steps[:, 1])
    changes[("data", traces.path, "showlegend")] = bool(len(steps))
    chosen = [*centres, *(() if selected is None else (selected,))]
    emphasised = np.array([i for i in dict.fromkeys(chosen) if nodes[i]], dtype=np.int64)
    _set_points(changes, traces.rings, {"x": typed(index.xy[emphasised, 0]), "y": typed(index.xy[emphasised, 1])})
    _labels(changes, base, nodes, lit_nodes, level, shown_nodes, renamed or {}, emphasised, viewport)
    return changes


def _node_level(changes: Changes, base: NetworkBase, masks: Masks | None, dim: bool,
                hide: bool) -> tuple[str, np.ndarray, np.ndarray]:
    """A dataset drawn node by node: whole buckets on or off, grey or hidden nodes; the nodes and
    relations for the overlays.

    An SVG network hides points where they are: a node by its opacity (one byte) and, for it and
    a relation's hover point, by a per-point hoverinfo of "skip", so their hovers, sent once with
    the base, need not be sent again. A WebGL network draws the nodes a view keeps, when few,
    in an overlay (cheaper than a byte for each of 50k nodes).
    """
    index, traces = base.index, base.traces
    nodes = masks.nodes if masks is not None else np.ones(len(index.nodes), dtype=bool)
    edges = masks.edges if masks is not None else np.ones(index.edge_count, dtype=bool)
    whole = np.logical_and.reduceat(edges, index.bucket_start[:-1]) if index.edge_count else np.zeros(0, bool)
    whole &= np.diff(index.bucket_start) > 0
    for b in traces.buckets:
        changes[("data", b, "visible")] = bool(whole[b])
        _bucket_points(changes, base, b, edges, bool(whole[b]))
    everything = masks is None or bool(nodes.all())
    overlay = not everything and not base.svg and nodes.sum() <= OVERLAY_MAX_NODES
    in_place = not everything and base.svg and hide  # hidden where they are
    for code, kind in enumerate(index.kinds):
        trace = traces.kinds[kind]
        members = index.node_kind == code
        colour = node_style(kind)[0]
        kept = nodes[members]
        changes[("data", trace, "visible")] = not (overlay and hide)
        if everything or kept.all() or in_place:
            changes[("data", trace, "marker", "color")] = colour
        elif overlay or not kept.any():
            changes[("data", trace, "marker", "color")] = GHOST
        else:
            changes[("data", trace, "marker", "color")] = typed(kept.astype(np.uint8))
        opacity: object = 0.35 if dim else 1.0
        hoverinfo: object = "text"
        if in_place and not kept.all():
            opacity = typed(kept.astype(np.float32) * np.float32(opacity)) if dim else typed(kept.astype(np.uint8))
            hoverinfo = np.where(kept, "text", "skip").tolist()
        changes[("data", trace, "marker", "opacity")] = opacity
        if base.svg:
            changes[("data", trace, "hoverinfo")] = hoverinfo
    kept = np.flatnonzero(edges & ~whole[index.edge_bucket])  # relations of buckets a filter cuts into
    return "nodes", np.flatnonzero(nodes) if overlay else np.empty(0, dtype=np.int64), kept


def _bucket_points(changes: Changes, base: NetworkBase, bucket: int, edges: np.ndarray, whole: bool) -> None:
    """A bucket's relation hover points: all of them, those of the relations a view keeps (the others
    skipped), or none."""
    trace = base.traces.bucket_points[bucket]
    points = base.bucket_points[bucket] if base.bucket_points else None
    kept = points.kept(edges) if points is not None and not whole else None
    changes[("data", trace, "visible")] = bool(whole or (kept is not None and kept.any()))
    if base.svg:
        changes[("data", trace, "hoverinfo")] = "text" if whole or kept is None else np.where(
            kept, "text", "skip").tolist()


def _overlay_points(changes: Changes, base: NetworkBase, kept: np.ndarray) -> None:
    """Hover points for the relations drawn in the overlays that have none in the base (a WebGL or an
    empty base), when they join at most :data:`OVERLAY_MAX_PAIRS` pairs (or any number on an SVG base)."""
    covered = base.svg and not base.empty and base.communities is None  # the buckets' own points cover them
    points = base.hovers.pair_points(kept if not covered else kept[:0])
    xy, refs, texts = points.xy, points.refs, points.texts
    if not base.svg and len(refs) > OVERLAY_MAX_PAIRS:
        xy, refs, texts = xy[:0], [], []
    _set_points(changes, base.traces.overlay_points,
                {"x": typed(xy[:, 0]), "y": typed(xy[:, 1]), "customdata": refs, "hovertext": texts})


def _node_points(base: NetworkBase, nodes: np.ndarray) -> dict:
    """An overlay's points: colour and shape by kind number (see :func:`kind_scale`), to keep patches small."""
    index = base.index
    codes = index.node_kind[nodes]
    symbols = np.array([SYMBOL_NUMBERS.get(node_style(kind)[1], 0) for kind in index.kinds], dtype=np.int32)
    return {"x": typed(index.xy[nodes, 0]), "y": typed(index.xy[nodes, 1]),
            "customdata": [f"node:{index.nodes[i]}" for i in nodes.tolist()],
            "hovertext": base.hovers.nodes(nodes),
            "marker.color": typed(codes.astype(np.uint8)),
            "marker.symbol": (symbols[codes] + 100 * base.unsigned[nodes]).tolist()}


def _set_points(changes: Changes, trace: int, points: dict) -> None:
    for key, value in points.items():
        changes[("data", trace, *key.split("."))] = value


def _lines(changes: Changes, trace: int, xy: np.ndarray, u: np.ndarray, v: np.ndarray) -> None:
    x, y = polylines(xy, u, v)
    _set_points(changes, trace, {"x": typed(x), "y": typed(y)})


def _labels(changes: Changes, base: NetworkBase, nodes: np.ndarray, lit_nodes: np.ndarray, level: str,
            drawn: np.ndarray, renamed: Mapping[int, str], emphasised: np.ndarray, viewport: tuple) -> None:
    """Labels placed so that none overlap (:func:`viz.render.figures.labels.place_labels`): the
    ``emphasised`` nodes' always, in bold; then the best-connected nodes shown (every one that fits when
    few; a selection's own nodes first; zoomed in, those ``drawn``), or the largest communities."""
    index, communities = base.index, base.communities
    radius = node_size(base.svg) / 2
    if level == "communities" and not len(lit_nodes) and communities is not None:
        size = np.bincount(communities.member[nodes], minlength=communities.count)
        top = np.argsort(-size, kind="stable")[:LABEL_CANDIDATES]
        top = top[size[top] > 0]
        xy, texts, radii = communities.xy[top], [_short(communities.names[c]) for c in top.tolist()], np.minimum(
            marker_sizes(communities, nodes)[top] / 2, 127)
        limit, obstacles = LABELLED_NODES, np.empty(0, dtype=np.int64)
    else:
        pool = lit_nodes if len(lit_nodes) else drawn if level == "focus" else np.flatnonzero(nodes)
        pool = pool[~np.isin(pool, emphasised)]
        limit = len(pool) if len(pool) <= ALL_LABELS_UP_TO else LABELLED_NODES
        top = pool[np.argsort(-index.degree[pool], kind="stable")[:max(limit, LABEL_CANDIDATES)]]
        xy, texts, radii = index.xy[top], [_short(renamed.get(i, index.labels[i])) for i in top.tolist()], np.full(
            len(top), radius)
        obstacles = {"focus": drawn, "communities": lit_nodes}.get(level, np.flatnonzero(nodes))  # markers drawn
    xy = np.concatenate([index.xy[emphasised], xy])
    texts = [_short(renamed.get(i, index.labels[i]), EMPHASISED_LIMIT) for i in emphasised.tolist()] + texts
    radii = np.concatenate([np.full(len(emphasised), RING_SIZE / 2), radii])
    pixels = to_pixels(xy, *viewport, NOMINAL_PLOT)
    candidates = [Candidate(float(x), float(y), text, float(r), forced=k < len(emphasised))
                  for k, ((x, y), text, r) in enumerate(zip(pixels.tolist(), texts, radii.tolist(), strict=True))]
    around = to_pixels(index.xy[obstacles], *viewport, NOMINAL_PLOT)
    placed = place_labels(candidates, NOMINAL_PLOT, np.column_stack([around, np.full(len(around), radius)]), limit)
    chosen = np.array([p.candidate for p in placed], dtype=np.int64)
    bold = [candidates[k].forced for k in chosen.tolist()]
    _set_points(changes, base.traces.labels, {
        "x": typed(xy[chosen, 0].astype(np.float32)), "y": typed(xy[chosen, 1].astype(np.float32)),
        "text": [esc(texts[k]) for k in chosen.tolist()], "textposition": [p.position for p in placed],
        "textfont.weight": ["bold" if b else "normal" for b in bold],
        "textfont.size": [EMPHASIS_SIZE if b else LABEL_SIZE for b in bold],
        "marker.size": typed(np.rint(2 * radii[chosen]).astype(np.uint8))})


def _short(label: str, limit: int = LABEL_LIMIT) -> str:
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

