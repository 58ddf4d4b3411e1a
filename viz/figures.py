"""Pure Plotly figure builders for the network and the timeline.

Colours follow the Okabe–Ito palette, which stays distinguishable under the
common forms of colour-blindness; marker shapes back colour up.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping, Sequence

import networkx as nx
import plotly.graph_objects as go

from viz.timeline import KIND_ORDER, TimelineEntry

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")

#: node kind -> (colour, marker symbol, legend name)
NODE_STYLE: dict[str, tuple[str, str, str]] = {
    "person": ("#E69F00", "circle", "person"),
    "government_body": ("#0072B2", "square", "government body"),
    "armed_force": ("#009E73", "triangle-up", "armed force"),
    "company": ("#D55E00", "hexagon", "company"),
    "country": ("#56B4E9", "star", "country"),
    "group": ("#CC79A7", "pentagon", "group"),
    "agreement": ("#F0E442", "diamond", "agreement"),
}

#: event kind -> colour
EVENT_COLOURS: dict[str, str] = dict(zip(KIND_ORDER, OKABE_ITO[4:] + OKABE_ITO[:4], strict=False))

FONT = "Inter, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


def _esc(text: object) -> str:
    # Plotly renders a subset of HTML in hover text and labels; data is never markup.
    return html.escape(str(text), quote=False)


def _base_layout(title: str, height: int, top: int = 40) -> dict:
    return {
        "title": {"text": _esc(title), "x": 0.01, "font": {"size": 16}},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": top, "b": 10},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": {"family": FONT, "size": 12},
        "hoverlabel": {"align": "left"},
    }


def modebar_config(filename: str) -> dict:
    """dcc.Graph config whose camera button saves ``<filename>.png`` at 2x scale."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        # sendChartToCloud would upload the data to Plotly Cloud: facts stay on this server.
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendChartToCloud"],
    }


def _node_hover(attrs: Mapping, degree: int) -> str:
    style = NODE_STYLE.get(attrs["kind"], NODE_STYLE["group"])
    kind = attrs.get("agreement_kind", "agreement") if attrs["kind"] == "agreement" else style[2]
    lines = [f"<b>{_esc(attrs['label'])}</b>", _esc(kind)]
    if attrs.get("country"):
        lines.append(f"country: {_esc(attrs['country'])}")
    lines += [f"role: {_esc(role)}" for role in attrs.get("roles", [])[:4]]
    lines.append(f"{degree} relation{'s' if degree != 1 else ''}")
    return "<br>".join(lines)


def _padded_range(values: Sequence[float], fraction: float) -> list[float] | None:
    # Fixed from the whole dataset's positions, so filtering never rescales the picture.
    if not values:
        return None
    low, high = min(values), max(values)
    pad = max(high - low, 1.0) * fraction
    return [low - pad, high + pad]


def network_figure(
    graph: nx.MultiDiGraph,
    positions: Mapping[str, tuple[float, float]],
    *,
    title: str = "",
    height: int = 560,
) -> go.Figure:
    """Draw ``graph`` at fixed ``positions``: one edge trace, one node trace per kind.

    Positions come from the whole dataset, so a filtered graph keeps its nodes
    where they were.
    """
    edge_x: list[float | None] = []
    edge_y: list[float | None] = []
    for source, target in {tuple(sorted(pair)) for pair in graph.edges()}:
        (x0, y0), (x1, y1) = positions[source], positions[target]
        edge_x += [x0, x1, None]
        edge_y += [y0, y1, None]
    traces: list[go.Scatter] = [
        go.Scatter(x=edge_x, y=edge_y, mode="lines", line={"width": 1, "color": "#9a9a9a"},
                   hoverinfo="skip", showlegend=False, name="relations")
    ]
    for kind, (colour, symbol, legend_name) in NODE_STYLE.items():
        nodes = [n for n, a in graph.nodes(data=True) if a["kind"] == kind]
        if not nodes:
            continue
        traces.append(go.Scatter(
            x=[positions[n][0] for n in nodes],
            y=[positions[n][1] for n in nodes],
            mode="markers+text",
            name=legend_name,
            ids=nodes,
            customdata=nodes,
            text=[_esc(graph.nodes[n]["label"]) for n in nodes],
            textposition="top center",
            textfont={"size": 11, "color": "#333"},
            hovertext=[_node_hover(graph.nodes[n], graph.degree(n)) for n in nodes],
            hoverinfo="text",
            marker={"size": 16, "color": colour, "symbol": symbol, "line": {"width": 1, "color": "#333"}},
        ))
    fig = go.Figure(traces)
    fig.update_layout(
        **_base_layout(title, height, top=70),
        legend={"title": {"text": "kind "}, "orientation": "h", "x": 0.0, "y": 1.0, "yanchor": "bottom",
                "xanchor": "left", "bgcolor": "rgba(255,255,255,0.85)"},
        xaxis={"visible": False, "range": _padded_range([p[0] for p in positions.values()], 0.12)},
        yaxis={"visible": False, "range": _padded_range([p[1] for p in positions.values()], 0.06)},
        uirevision="network",
    )
    if graph.number_of_nodes() == 0:
        _empty_note(fig, "No actors match these filters — clear the organisation filter.")
    return fig


def _empty_note(fig: go.Figure, text: str) -> None:
    fig.add_annotation(text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 14, "color": "#555"})


def _event_hover(entry: TimelineEntry) -> str:
    lines = [f"<b>{_esc(entry.title)}</b>", f"{_esc(entry.date_label)} (precision: {entry.precision})"]
    if entry.place:
        lines.append(_esc(entry.place))
    lines += [_esc(p) for p in entry.participants[:6]]
    lines.append(f"{len(entry.sources)} source{'s' if len(entry.sources) != 1 else ''}")
    return "<br>".join(lines)


def _date_range(entries: Sequence[TimelineEntry]) -> list[str] | None:
    """The x range: every dated event, padded so a single day is not stretched to fill the axis."""
    days = [d for e in entries for d in (e.start, e.end) if d is not None]
    if not days:
        return None
    first, last = min(days), max(days)
    pad = max(dt.timedelta(days=20), (last - first) * 0.05)
    return [(first - pad).isoformat(), (last + pad).isoformat()]


def timeline_figure(
    entries: Sequence[TimelineEntry],
    *,
    title: str = "",
    height: int = 300,
    lanes: Iterable[str] = KIND_ORDER,
) -> go.Figure:
    """Events on a date axis, one lane per event kind; numbered sessions labelled.

    Ranged events are drawn as a bar from start to end. Exactly dated events
    have filled markers; month- or year-precise ones have open markers.
    """
    lane_names = [lane.replace("_", " ") for lane in lanes]
    traces: list[go.Scatter] = []
    for kind in lanes:
        rows = [e for e in entries if e.kind == kind and e.start is not None]
        if not rows:
            continue
        lane = kind.replace("_", " ")
        colour = EVENT_COLOURS.get(kind, "#000000")
        span_x: list[dt.date | None] = []
        for e in rows:
            if e.end and e.end != e.start:
                span_x += [e.start, e.end, None]
        if span_x:
            traces.append(go.Scatter(x=span_x, y=[lane if x else None for x in span_x], mode="lines",
                                     line={"width": 6, "color": colour}, opacity=0.45,
                                     hoverinfo="skip", showlegend=False))
        traces.append(go.Scatter(
            x=[e.start for e in rows],
            y=[lane] * len(rows),
            mode="markers+text",
            name=lane,
            ids=[e.event_id for e in rows],
            customdata=[e.event_id for e in rows],
            text=[_esc(e.label or "") for e in rows],
            textposition="top center",
            textfont={"size": 12, "color": "#222"},
            hovertext=[_event_hover(e) for e in rows],
            hoverinfo="text",
            marker={"size": 14, "color": colour, "line": {"width": 2, "color": colour},
                    "symbol": ["circle" if e.precision == "day" else "circle-open" for e in rows]},
        ))
    fig = go.Figure(traces)
    fig.update_layout(
        **_base_layout(title, height),
        showlegend=False,
        xaxis={"type": "date", "showgrid": True, "gridcolor": "#eee", "range": _date_range(entries),
               "tickformat": "%d %b %Y"},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": lane_names[::-1],
               "range": [-0.5, len(lane_names) - 0.2], "showgrid": True, "gridcolor": "#f2f2f2"},
    )
    if not traces:
        _empty_note(fig, "No events match these filters — clear the organisation filter.")
    return fig
