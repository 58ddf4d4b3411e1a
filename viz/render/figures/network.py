"""The network's base figure: drawn once per dataset, then changed by small patches
(:mod:`viz.render.figures.network_patch`), at every size.

- relations are split into one trace per time bucket, event kind and line style (see
  :class:`viz.network.graph_index.GraphIndex`), so a year-aligned window or an event-kind
  filter only switches traces on and off; a filter that keeps part of a bucket hides it and
  draws the kept relations in an overlay;
- each bucket has a trace of relation hover points (who, what, when, sources; a click opens
  the pair's details) beside its lines; a large dataset's buckets have none (hundreds of
  thousands of hovers would dwarf the page) and its views get hover points in an overlay
  for the relations they draw one by one;
- nodes have one trace per kind; filtered-out nodes turn grey or are hidden;
- a selection, shortest paths and labels are drawn in overlays on top;
- the legend has its own traces, so it keeps its colours whatever a view greys or hides.

Up to :data:`SVG_MAX_NODES` nodes the traces are SVG (crisp, every node hoverable and
labelled); above, WebGL. Traces are found by :class:`NetworkTraces`.
"""

from __future__ import annotations

import dataclasses
from functools import cached_property

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from viz.network.graph_index import LINE_STYLES, GraphIndex
from viz.render.figures.aggregate import COMMUNITY_COLOUR, LINK_STYLES, Communities, marker_sizes, weighted_links
from viz.render.figures.arrays import polylines
from viz.render.figures.common import GHOST, NODE_STYLE, base_layout, esc
from viz.render.figures.hovers import SIGNED_STATUS_VALUES, NetworkHovers, PairPoints
from viz.render.figures.labels import HALO, LABEL_SIZE

#: up to this many nodes the network is drawn in SVG; above, in WebGL
SVG_MAX_NODES = 3000
#: line style -> (line settings, legend name or None)
LINE_LOOKS = {
    "plain": ({"width": 1, "color": "rgba(120,120,120,0.55)"}, None),
    "tentative": ({"width": 1.2, "color": "rgba(120,120,120,0.7)", "dash": "dash"}, "not (yet) signed"),
    "context": ({"width": 0.8, "color": "rgba(170,170,170,0.6)", "dash": "dot"}, "country links"),
}
PATH_COLOUR = "#D55E00"
#: the ring around chosen, found and selected actors: black (Okabe–Ito's neutral, no kind's colour)
RING_COLOUR, RING_SIZE = "#000000", 28
#: plotly's numbers for the node symbols (a list of numbers is smaller than one of names); +100: open
SYMBOL_NUMBERS = {"circle": 0, "square": 1, "diamond": 2, "triangle-up": 5, "pentagon": 13, "hexagon": 14, "star": 17}


def node_style(kind: str) -> tuple[str, str, str]:
    """(colour, symbol, legend name) of a node kind."""
    return NODE_STYLE.get(kind, NODE_STYLE["group"])


class NetworkTraces:
    """Where each trace of a base network sits in ``figure.data``."""

    def __init__(self, index: GraphIndex, bare: bool = False) -> None:
        buckets = 0 if bare else len(index.buckets)  # a bare base (see network_base) has no relation traces
        self.buckets = range(buckets)
        self.bucket_points = range(buckets, 2 * buckets)  # relation hover points, per bucket
        # base nodes above base relations; overlays above both, so kept relations cross grey nodes
        self.kinds = {kind: 2 * buckets + i for i, kind in enumerate(index.kinds)}
        after = 2 * buckets + len(index.kinds)
        # communities (level of detail, see viz.render.figures.aggregate): links of the whole graph, links of a
        # filtered view, then the community markers; empty when the dataset is drawn node by node
        styles = len(LINK_STYLES)
        self.community_links = range(after, after + styles)
        self.filtered_links = range(after + styles, after + 2 * styles)
        self.communities = after + 2 * styles
        after = self.communities + 1
        self.overlay_edges = {style: after + i for i, style in enumerate(LINE_STYLES)}
        after += len(LINE_STYLES)
        self.overlay_points, self.path, self.lit_edges = after, after + 1, after + 2
        self.overlay_nodes, self.lit_nodes, self.rings, self.labels = after + 3, after + 4, after + 5, after + 6
        self.legend = after + 7  # first legend-only trace: kinds, then the line styles the dataset has
        styles = sorted({b[2] for b in index.buckets} - {"plain"}, key=LINE_STYLES.index)
        self.legend_styles = {style: self.legend + len(index.kinds) + i for i, style in enumerate(styles)}


@dataclasses.dataclass(eq=False)
class NetworkBase:
    """One dataset's base network and what its patches need."""

    index: GraphIndex
    figure: go.Figure
    traces: NetworkTraces
    hovers: NetworkHovers
    svg: bool
    communities: Communities | None = None
    empty: bool = False  # no node or relation in the base: a view draws all it shows in the overlays
    unsigned: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, dtype=bool))
    bucket_points: list[PairPoints] = dataclasses.field(default_factory=list)  # an SVG base's, per bucket

    @cached_property
    def edge_style(self) -> np.ndarray:
        """Each relation's line style, as an index into LINE_STYLES."""
        codes = np.array([LINE_STYLES.index(b[2]) for b in self.index.buckets] or [0], dtype=np.int8)
        return codes[self.index.edge_bucket]


def clicked_node(traces: NetworkTraces, index: GraphIndex, curve: int, point: int) -> str | None:
    """The node id behind a click on a WebGL base node trace (which carries no customdata)."""
    for code, kind in enumerate(index.kinds):
        if traces.kinds[kind] == curve:
            members = np.flatnonzero(index.node_kind == code)
            return index.nodes[members[point]] if 0 <= point < len(members) else None
    return None


def bucket_name(bucket: tuple) -> str:
    years, kind, style = bucket
    when = ("undated" if years is None else str(years[0]) if years[0] == years[1] else f"{years[0]}–{years[1]}")
    what = kind.replace("_", " ") or "roles and agreements"
    return f"relations {when} {what}" + ("" if style == "plain" else f" ({LINE_LOOKS[style][1]})")


def kind_scale(index: GraphIndex) -> dict:
    """Marker settings that colour a point by its kind's number (one byte a point, not a colour name)."""
    colours = [node_style(kind)[0] for kind in index.kinds]
    last = max(len(colours) - 1, 1)
    return {"colorscale": [[min(max(k + step, 0), last) / last, colour] for k, colour in enumerate(colours)
                           for step in (-0.5, 0.5)], "cmin": 0, "cmax": last}


def node_size(svg: bool) -> int:
    return 14 if svg else 6


def network_base(graph: nx.MultiDiGraph, index: GraphIndex, hovers: NetworkHovers, *, title: str = "",
                 height: int = 620, communities: Communities | None = None, svg: bool | None = None,
                 empty: bool = False) -> NetworkBase:
    """The base network of a dataset: every node and relation, nothing filtered (see the module).

    With ``communities`` (a dataset too dense to read node by node) it holds the communities instead,
    and no node or relation: views draw those in the overlays. So does an ``empty`` base (an SVG
    figure for a large dataset in a browser without WebGL, whose views draw a few thousand nodes at most).
    """
    svg = len(index.nodes) <= SVG_MAX_NODES if svg is None else svg
    trace = go.Scatter if svg else go.Scattergl
    bare = empty or communities is not None
    unsigned = np.array([(graph.nodes[n].get("status") or "signed") not in SIGNED_STATUS_VALUES
                         for n in index.nodes], dtype=bool)
    traces: list = []
    # a bare base has no relation traces at all: hundreds of empty traces would slow every repaint
    for b, bucket in enumerate(index.buckets if not bare else ()):
        part = slice(index.bucket_start[b], index.bucket_start[b + 1])
        x, y = polylines(index.xy, index.edge_u[part], index.edge_v[part])
        style = bucket[2]
        traces.append(trace(x=x, y=y, mode="lines", line=LINE_LOOKS[style][0], hoverinfo="skip",
                            showlegend=False, name=bucket_name(bucket), legendgroup=style))
    seen: dict[tuple[int, int], int] = {}
    bucket_points = []
    for b in range(len(index.buckets) if not bare else 0):
        end = index.bucket_start[b + 1] if svg else index.bucket_start[b]  # WebGL: none in the base
        part = np.arange(index.bucket_start[b], end)
        points = hovers.pair_points(part, seen)
        bucket_points.append(points)
        traces.append(trace(x=points.xy[:, 0], y=points.xy[:, 1], mode="markers", customdata=points.refs,
                            hovertext=points.texts,
                            hoverinfo="text", marker={"size": 12, "color": "rgba(0,0,0,0)"}, showlegend=False,
                            name="relation", legendgroup=index.buckets[b][2]))
    for code, kind in enumerate(index.kinds):
        colour, symbol, legend_name = node_style(kind)
        members = np.flatnonzero(index.node_kind == code) if not bare else np.empty(0, dtype=np.int64)
        symbols = [f"{symbol}-open" if unsigned[i] else symbol for i in members] if unsigned[members].any() else symbol
        traces.append(trace(
            # a WebGL base has no customdata (50k "node:<id>" strings would cost a megabyte): clicks map back by
            # point number (clicked_node); an empty base has one point at no place, or plotly drops the trace
            x=index.xy[members, 0] if not bare else [None], y=index.xy[members, 1] if not bare else [None],
            mode="markers", name=legend_name, legendgroup=f"kind:{kind}", showlegend=False,
            customdata=[f"node:{index.nodes[i]}" for i in members] if svg else None,
            hovertext=hovers.nodes(members) if svg else [esc(index.labels[i]) for i in members], hoverinfo="text",
            # a per-node colour array of 0 (grey) and 1 (the kind's colour) maps through this scale
            marker={"size": node_size(svg), "color": colour, "symbol": symbols,
                    "line": {"width": 1 if svg else 0, "color": "#333"},
                    "colorscale": [[0, GHOST], [1, colour]], "cmin": 0, "cmax": 1},
        ))
    whole = weighted_links(index, communities, None) if communities is not None else None
    for name in ("community links", "community links shown"):
        for k, (width, colour) in enumerate(LINK_STYLES):
            x, y = (polylines(communities.xy, *whole[k]) if whole and name == "community links"
                    else (np.empty(0, np.float32),) * 2)
            traces.append(trace(x=x, y=y, mode="lines", line={"width": width, "color": colour},
                                hoverinfo="skip", showlegend=False, name=name, visible=False))
    traces.append(trace(
        x=communities.xy[:, 0] if communities else [], y=communities.xy[:, 1] if communities else [],
        mode="markers", name="communities (area: actors)", visible=False, hoverinfo="text",
        customdata=[f"community:{c}" for c in range(communities.count)] if communities else None,
        hovertext=list(communities.hovers) if communities else None,
        marker={"size": marker_sizes(communities, np.ones(len(index.nodes), bool)) if communities else 6,
                "color": COMMUNITY_COLOUR, "opacity": 0.8, "line": {"width": 1, "color": "white"}}))
    for style in LINE_STYLES:
        look = LINE_LOOKS[style][0]  # kept relations drawn darker, as they cross grey nodes
        traces.append(trace(x=[], y=[], mode="lines", line={**look, "color": "rgba(60,60,60,0.6)"},
                            hoverinfo="skip", showlegend=False, name=f"relations shown ({style})", legendgroup=style))
    traces.append(trace(x=[], y=[], mode="markers", hoverinfo="text", showlegend=False, name="relation",
                        marker={"size": 12, "color": "rgba(0,0,0,0)"}))
    traces.append(trace(x=[], y=[], mode="lines", line={"width": 5, "color": PATH_COLOUR}, hoverinfo="skip",
                        showlegend=False, name="shortest path"))
    traces.append(trace(x=[], y=[], mode="lines", line={"width": 2.5, "color": "#222"}, hoverinfo="skip",
                        showlegend=False, name="selected relations"))
    size = node_size(svg)
    for name, grow in (("actors shown", 2 if not svg else 0), ("selected", 6)):
        traces.append(trace(x=[], y=[], mode="markers", name=name, showlegend=False, hoverinfo="text",
                            marker={"size": size + grow, "line": {"width": 1, "color": "#222"}, **kind_scale(index)}))
    # a ring around the chosen, found and selected actors (their labels are bold and always drawn)
    traces.append(trace(x=[], y=[], mode="markers", name="chosen, found or selected", showlegend=False,
                        hoverinfo="skip", marker={"size": RING_SIZE, "symbol": "circle-open", "color": RING_COLOUR,
                                                  "line": {"width": 2.5, "color": RING_COLOUR}}))
    # WebGL too on a WebGL base: an SVG trace would sit beneath the WebGL canvas, hidden by the nodes. Each
    # label has an invisible marker as large as its node's (or ring's), which plotly.js keeps its text clear of
    # (placed on the server: viz.render.figures.labels); a WebGL text has no halo (scattergl has no shadow)
    font = {"size": LABEL_SIZE, "color": "#222", **({"shadow": HALO} if svg else {})}
    traces.append(trace(x=[], y=[], mode="markers+text", textposition="top center", hoverinfo="skip",
                        marker={"size": size, "color": "rgba(0,0,0,0)"}, textfont=font, showlegend=False,
                        name="labels", **({"cliponaxis": False} if svg else {})))
    traces += _legend_traces(index, trace)
    fig = go.Figure(traces)
    fig.update_layout(
        **base_layout(title, height, top=76),
        legend={"title": {"text": "kind "}, "orientation": "h", "x": 0.0, "y": 1.0, "yanchor": "bottom",
                "xanchor": "left", "bgcolor": "rgba(255,255,255,0.85)", "itemsizing": "constant"},
        xaxis={"visible": False}, yaxis={"visible": False}, hovermode="closest", uirevision="network",
    )
    return NetworkBase(index, fig, NetworkTraces(index, bare), hovers, svg, communities, empty, unsigned,
                       bucket_points)


def _legend_traces(index: GraphIndex, trace: type) -> list:
    """Legend entries that keep their colours (kinds, line styles); a click hides the whole group. Of the
    base's trace type: an SVG trace in a WebGL figure would add a second drawing layer to every repaint."""
    traces: list = []
    for kind in index.kinds:
        colour, symbol, legend_name = node_style(kind)
        traces.append(trace(x=[None], y=[None], mode="markers", name=legend_name, legendgroup=f"kind:{kind}",
                                 hoverinfo="skip", marker={"size": 10, "color": colour, "symbol": symbol,
                                                           "line": {"width": 1, "color": "#333"}}))
    for style in NetworkTraces(index).legend_styles:
        look, name = LINE_LOOKS[style]
        traces.append(trace(x=[None], y=[None], mode="lines", name=name, legendgroup=style, hoverinfo="skip",
                            line=look))
    return traces
