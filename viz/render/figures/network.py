"""The network figure: one edge trace, one hover/click point per related pair, one node trace per kind."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import networkx as nx
import numpy as np
import plotly.graph_objects as go
from scipy.spatial import cKDTree

from viz.network.graph import CONTEXT_RELATIONS, RELATIONS
from viz.record.model import SIGNED_STATUSES
from viz.render.figures.common import NODE_STYLE, base_layout, brief_sources, empty_note, esc

#: agreement statuses drawn as signed (solid); the others are drawn open, with dashed links
SIGNED_STATUS_VALUES = frozenset(s.value for s in SIGNED_STATUSES)


def _node_hover(graph: nx.MultiDiGraph, node: str, sources: Mapping[str, str]) -> str:
    attrs = graph.nodes[node]
    kind = attrs.get("agreement_kind", "agreement") if attrs["kind"] == "agreement" else NODE_STYLE.get(
        attrs["kind"], NODE_STYLE["group"])[2]
    if attrs.get("status") and attrs["status"] not in SIGNED_STATUS_VALUES:
        kind += f" ({attrs['status'].replace('_', ' ')}, not signed)"
    lines = [f"<b>{esc(attrs['label'])}</b>", esc(attrs.get("type_label") or kind)]
    if attrs.get("other_names"):
        lines.append(f"also called: {esc('; '.join(attrs['other_names']))}")
    if attrs.get("country"):
        lines.append(f"country: {esc(attrs['country'])}")
    lines += [f"role: {esc(role)}" for role in attrs.get("roles", [])[:4]]
    degree = graph.degree(node)
    lines.append(f"{degree} relation{'s' if degree != 1 else ''}")
    lines.append(brief_sources(attrs.get("sources", []), sources))
    lines.append("<i>click for details</i>")
    return "<br>".join(lines)


def _pair_hover(graph: nx.MultiDiGraph, pair: tuple[str, str], edges: list[tuple[str, str, dict]],
                sources: Mapping[str, str]) -> str:
    lines = []
    for source, target, data in edges[:5]:
        verb = RELATIONS.get(data["relation"], data["relation"])
        who = f"{esc(graph.nodes[source]['label'])} {verb} {esc(graph.nodes[target]['label'])}"
        lines.append(f"<b>{who}</b>")
        lines.append(f"{esc(data.get('context') or '')} ({esc(data.get('date_label') or 'undated')})")
        lines.append(brief_sources(data.get("sources", []), sources, limit=2))
    if len(edges) > 5:
        lines.append(f"+{len(edges) - 5} more relations")
    lines.append("<i>click for details</i>")
    return "<br>".join(lines)


#: above this many nodes the network is drawn with WebGL (scattergl)
WEBGL_MIN_NODES = 3000
#: above this many related pairs, lines get no hover points (their payload would dwarf the picture)
MAX_HOVER_PAIRS = 5000


def _segments(pairs: Sequence[tuple[str, str]], positions: Mapping[str, tuple[float, float]]):
    """Line coordinates for all pairs in one trace: float32 arrays with NaN gaps (sent as binary)."""
    xy = np.full((len(pairs) * 3, 2), np.nan, dtype=np.float32)
    for i, (u, v) in enumerate(pairs):
        xy[3 * i] = positions[u]
        xy[3 * i + 1] = positions[v]
    return xy[:, 0], xy[:, 1]


#: where along a line its hover point may sit, best first
_ALONG = np.array([0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8])


def _hover_points(pairs: Sequence[tuple[str, str]], positions: Mapping[str, tuple[float, float]],
                  nodes: Sequence[str]) -> np.ndarray:
    """A point on each line, as far from every node as the candidates allow.

    A midpoint that falls on a node would steal that node's hover and clicks,
    so each line's point is the candidate along it farthest from any node.
    """
    if not pairs:
        return np.empty((0, 2))
    starts = np.array([positions[u] for u, _ in pairs])
    ends = np.array([positions[v] for _, v in pairs])
    candidates = starts[:, None, :] + (ends - starts)[:, None, :] * _ALONG[None, :, None]
    tree = cKDTree(np.array([positions[n] for n in nodes]))
    distance, _ = tree.query(candidates.reshape(-1, 2))
    distance = distance.reshape(len(pairs), len(_ALONG))
    # prefer the middle unless it is crowded: keep the first candidate within 70% of the best clearance
    good = distance >= 0.7 * distance.max(axis=1, keepdims=True)
    best = good.argmax(axis=1)
    return candidates[np.arange(len(pairs)), best]


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _padded_range(values: Sequence[float], fraction: float) -> list[float] | None:
    if not values:
        return None
    low, high = min(values), max(values)
    pad = max(high - low, 0.25) * fraction + 0.02
    return [low - pad, high + pad]


#: label every node when this few are shown; otherwise only the best connected
ALL_LABELS_UP_TO = 30
LABELLED_NODES = 12


def _labelled(graph: nx.MultiDiGraph) -> set[str]:
    if graph.number_of_nodes() <= ALL_LABELS_UP_TO:
        return set(graph.nodes)
    ranked = sorted(graph.nodes, key=lambda n: (-graph.degree(n), str(n)))
    return set(ranked[:LABELLED_NODES])


def network_figure(
    graph: nx.MultiDiGraph,
    positions: Mapping[str, tuple[float, float]],
    *,
    sources: Mapping[str, str] | None = None,
    title: str = "",
    height: int = 620,
    highlight: frozenset[str] | None = None,
    path: frozenset[frozenset[str]] = frozenset(),
) -> go.Figure:
    """Draw ``graph`` at fixed ``positions``.

    Positions come from the whole dataset, so a filtered graph keeps its nodes
    where they were; the axes frame the nodes shown. Labels are drawn for every node of a small view and for
    the best-connected nodes of a large one; hovers name every node. Every
    node and every related pair (at a clear point along its line) has a hover
    with its sources and a ``customdata`` reference for clicks: ``node:<id>``
    or ``pair:<id>|<id>``. ``sources`` maps source ids to short labels.
    ``highlight`` (a selection) keeps those nodes and the lines between them
    bright and dims the rest. ``path`` pairs (shortest paths) are drawn as
    thick vermillion lines.
    """
    sources = sources or {}
    by_pair: dict[tuple[str, str], list[tuple[str, str, dict]]] = defaultdict(list)
    for u, v, data in graph.edges(data=True):
        by_pair[(u, v) if u <= v else (v, u)].append((u, v, data))
    pairs = sorted(by_pair)
    large = graph.number_of_nodes() > WEBGL_MIN_NODES
    trace_type = go.Scattergl if large else go.Scatter  # WebGL keeps big views interactive
    # Frame the nodes shown: positions never change, the view zooms to what is left.
    frame = list(graph.nodes) or list(positions)
    # Three line styles: cooperation; links to an unsigned agreement (dashed); an actor's country
    # (context: faint and dotted, with a legend entry a click hides).
    unsigned = {n for n, status in graph.nodes(data="status") if status and status not in SIGNED_STATUS_VALUES}
    context = [p for p in pairs if all(d.get("relation") in CONTEXT_RELATIONS for _, _, d in by_pair[p])]
    tentative = [p for p in pairs if p[0] in unsigned or p[1] in unsigned]
    plain = sorted(set(pairs) - set(context) - set(tentative))
    edge_x, edge_y = _segments(plain, positions)
    dim = 1.0 if highlight is None else 0.3
    traces: list = [trace_type(x=edge_x, y=edge_y, mode="lines", line={"width": 1, "color": "#9a9a9a"},
                               opacity=dim, hoverinfo="skip", showlegend=False, name="relations")]
    for group, style, name in ((tentative, {"width": 1.2, "color": "#9a9a9a", "dash": "dash"},
                                "not (yet) signed"),
                               (context, {"width": 0.8, "color": "#d0d0d0", "dash": "dot"}, "country links")):
        if group:
            group_x, group_y = _segments(group, positions)
            traces.append(trace_type(x=group_x, y=group_y, mode="lines", line=style, opacity=dim, hoverinfo="skip",
                                     showlegend=True, name=name, legendgroup=name))
    if len(pairs) <= MAX_HOVER_PAIRS:  # beyond that, relation hovers would outweigh the picture
        hover_at = _hover_points(pairs, positions, list(graph.nodes))
        traces.append(go.Scatter(
            x=hover_at[:, 0].tolist(), y=hover_at[:, 1].tolist(), mode="markers", name="relation",
            showlegend=False, customdata=[f"pair:{u}|{v}" for u, v in pairs],
            hovertext=[_pair_hover(graph, p, by_pair[p], sources) for p in pairs], hoverinfo="text",
            marker={"size": 12, "color": "rgba(0,0,0,0)"},
        ))
    shortest = [tuple(sorted(pair)) for pair in path if all(n in positions for n in pair)]
    if shortest:
        path_x, path_y = _segments(shortest, positions)
        traces.append(go.Scatter(x=path_x, y=path_y, mode="lines", line={"width": 5, "color": "#D55E00"},
                                 hoverinfo="skip", showlegend=True, name="shortest path"))
    lit = [(u, v) for u, v in pairs if highlight is not None and u in highlight and v in highlight]
    if lit:
        lit_x, lit_y = _segments(lit, positions)
        traces.append(go.Scatter(x=lit_x, y=lit_y, mode="lines", line={"width": 2.5, "color": "#333"},
                                 hoverinfo="skip", showlegend=False, name="selected relations"))
    labelled = _labelled(graph)
    for kind, (colour, symbol, legend_name) in NODE_STYLE.items():
        nodes = [n for n, a in graph.nodes(data=True) if a["kind"] == kind]
        if not nodes:
            continue
        traces.append(trace_type(
            x=np.array([positions[n][0] for n in nodes], dtype=np.float32),
            y=np.array([positions[n][1] for n in nodes], dtype=np.float32),
            mode="markers+text",
            name=legend_name,
            ids=nodes,
            customdata=[f"node:{n}" for n in nodes],
            text=[esc(_short(graph.nodes[n]["label"])) if n in labelled else "" for n in nodes],
            textposition="top center",
            textfont={"size": 10, "color": "#333"},
            hovertext=[_node_hover(graph, n, sources) for n in nodes],
            hoverinfo="text",
            marker={"size": 16, "color": colour, "line": {"width": 1, "color": "#333"},
                    "symbol": [f"{symbol}-open" if n in unsigned else symbol for n in nodes] if unsigned else symbol,
                    "opacity": 1.0 if highlight is None else [1.0 if n in highlight else 0.2 for n in nodes]},
        ))
    fig = go.Figure(traces)
    fig.update_layout(
        **base_layout(title, height, top=76),
        legend={"title": {"text": "kind "}, "orientation": "h", "x": 0.0, "y": 1.0, "yanchor": "bottom",
                "xanchor": "left", "bgcolor": "rgba(255,255,255,0.85)"},
        xaxis={"visible": False, "range": _padded_range([positions[n][0] for n in frame], 0.12)},
        yaxis={"visible": False, "range": _padded_range([positions[n][1] for n in frame], 0.06)},
        hovermode="closest",
        uirevision="network",
    )
    if graph.number_of_nodes() == 0:
        empty_note(fig, "No actors match these filters — clear the organisation filter.")
    return fig
