"""The timeline figure: one lane per event kind or series, precision drawn visibly.

Each lane's markers have the shape of its kind (:data:`EVENT_SYMBOLS`, none of them a network
node's shape) in a neutral ink (:data:`viz.render.figures.common.EVENT_COLOURS`): hue means actor
kind, and only in the network. Precision is the fill:

- exactly dated events: filled markers (a bar joins the first and last day of
  multi-day events);
- events known only to the month or year: open markers at the middle of a
  pale bar spanning the whole month or year they could fall in;
- undated events: open markers in a separate "undated" column on the right,
  never placed on the date axis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz.network.timeline import TimelineEntry
from viz.render.figures.common import GHOST, base_layout, brief_sources, empty_note, esc, lane_colours

#: event kind -> marker shape, filled when the date is known to the day ("-open" otherwise). Every series
#: lane is a lane of sessions, so any number of series needs no more shapes; none is a network node's shape
#: (viz.render.figures.common.NODE_STYLE), so a shape, like a colour, means one thing across the charts.
EVENT_SYMBOLS: dict[str, str] = {"session": "cross", "visit": "triangle-down", "meeting": "x",
                                 "agreement_signing": "bowtie", "programme": "hourglass", "other": "star-square"}
#: plotly's numbers for those shapes (what patches send); +100: open
SYMBOL_NUMBERS = {"cross": 3, "x": 4, "triangle-down": 6, "star-square": 21, "hourglass": 25, "bowtie": 26}

#: (legend name, symbol suffix, meaning): precision is the marker's fill, whatever its shape
PRECISION_LEGEND = (
    ("exact day", "", "Date known to the day: a filled marker"),
    ("month or year only, or a window", "-open",
     "Date known only to the month or year, or only as somewhere between two dates: an open marker; "
     "the faint bar spans that period"),
    ("undated", "-open", "No date in the sources: an open marker in the undated column"),
)


def lane_symbols(lanes: Sequence[str]) -> dict[str, str]:
    """The marker shape of each timeline lane: its kind's; a series lane (any other key) is one of sessions."""
    return {lane: EVENT_SYMBOLS.get(lane, EVENT_SYMBOLS["session"]) for lane in lanes}


def symbol_number(name: str) -> int:
    """Plotly's number for a timeline marker shape (``cross-open`` -> 103)."""
    base = name.removesuffix("-open")
    return SYMBOL_NUMBERS[base] + (100 if base != name else 0)


def _event_hover(entry: TimelineEntry, sources: Mapping[str, str]) -> str:
    heading = f"{entry.label} · {entry.title}" if entry.label and entry.label not in entry.title else entry.title
    lines = [f"<b>{esc(heading)}</b>", f"{esc(entry.date_label)} (precision: {entry.precision})"]
    if entry.place:
        lines.append(esc(entry.place))
    lines += [esc(p) for p in entry.participants[:6]]
    lines.append(brief_sources(entry.sources, sources))
    if entry.conflicts:
        lines.append(f"<b>Sources disagree</b> on {entry.conflicts} point{'s' if entry.conflicts > 1 else ''}")
    lines.append("<i>click for details</i>")
    return "<br>".join(lines)


#: a brief (large) timeline labels numbered sessions only when there are at most this many in a lane
MAX_BRIEF_LABELS = 40


def _brief_hover(entry: TimelineEntry, sources: Mapping[str, str]) -> str:
    # large datasets: a short hover keeps the page small; the details panel has the rest
    heading = f"{entry.label} · {entry.title}" if entry.label and entry.label not in entry.title else entry.title
    return f"<b>{esc(heading)}</b><br>{esc(entry.date_label)}"


def _date_range(entries: Sequence[TimelineEntry]) -> list[str] | None:
    """The x range: every dated event, padded so a single day is not stretched to fill the axis."""
    days = [d for e in entries for d in (e.start, e.end) if d is not None]
    if not days:
        return None
    first, last = min(days), max(days)
    pad = max(dt.timedelta(days=20), (last - first) * 0.04)
    return [(first - pad).isoformat(), (last + pad).isoformat()]


def _marker_x(entry: TimelineEntry) -> dt.date:
    # A vague date sits in the middle of the period it could be in; an exact one on its first day.
    assert entry.start is not None and entry.end is not None
    return entry.start + (entry.end - entry.start) / 2 if entry.vague else entry.start


def _lane_scale(colours: list[str]) -> dict:
    """Marker settings colouring a point by its lane's row number (one byte a point)."""
    last = max(len(colours) - 1, 1)
    return {"colorscale": [[min(max(k + step, 0), last) / last, colour] for k, colour in enumerate(colours)
                           for step in (-0.5, 0.5)], "cmin": 0, "cmax": last}


def _opacity(rows: Sequence[TimelineEntry], highlight: frozenset[str] | None) -> float | list[float]:
    return 1.0 if highlight is None else [1.0 if e.event_id in highlight else 0.25 for e in rows]


def _lane_traces(colour: str, symbol: str, lane: str, rows: list[TimelineEntry], sources: Mapping[str, str],
                 highlight: frozenset[str] | None, brief: bool = False,
                 patchable: bool = False) -> list[go.Scatter]:
    traces = []
    for vague in (False, True):
        span_x: list[dt.date | None] = []
        for e in rows:
            if e.vague == vague and e.end and e.end != e.start:
                span_x += [e.start, e.end, None]
        if span_x:
            traces.append(go.Scatter(
                **({"_validate": False} if brief else {}),
                x=span_x, y=[lane if x else None for x in span_x], mode="lines", showlegend=False,
                line={"width": 10 if vague else 6, "color": colour}, opacity=0.25 if vague else 0.5,
                hoverinfo="skip", xaxis="x", yaxis="y"))
    hover = _brief_hover if brief else _event_hover
    # hundreds of session labels on one lane would be a black smear; they stay in the hovers
    labelled = not brief or sum(1 for e in rows if e.label) <= MAX_BRIEF_LABELS
    # brief (large) timelines skip plotly's per-value validation: these lists are built here, and
    # validating 20k hovers and dates took most of the first render
    traces.append((go.Scattergl if brief else go.Scatter)(
        **({"_validate": False} if brief else {}),
        x=[_marker_x(e) for e in rows], y=[lane] * len(rows), mode="markers+text", name=lane, showlegend=False,
        ids=None if brief else [e.event_id for e in rows], customdata=[f"event:{e.event_id}" for e in rows],
        text=[esc(e.label or "") for e in rows] if labelled else None, textposition="top center",
        textfont={"size": 12, "color": "#222"}, hovertext=[hover(e, sources) for e in rows], hoverinfo="text",
        marker={"size": 14, "color": colour, "line": {"width": 2, "color": colour},
                **({"colorscale": [[0, GHOST], [1, colour]], "cmin": 0, "cmax": 1} if patchable else {}),
                "symbol": [f"{symbol}-open" if e.vague else symbol for e in rows],
                "opacity": _opacity(rows, highlight)},
        xaxis="x", yaxis="y"))
    return traces


def timeline_figure(
    entries: Sequence[TimelineEntry],
    *,
    sources: Mapping[str, str] | None = None,
    title: str = "",
    height: int = 320,
    lanes: Mapping[str, str] | None = None,
    highlight: frozenset[str] | None = None,
    brief: bool = False,
    patchable: bool = False,
) -> go.Figure:
    """Events on a date axis, one lane per event kind or series; numbered sessions labelled.

    ``lanes`` maps lane keys (see :func:`viz.record.labels.lanes`) to their labels, top to
    bottom; by default, the lanes the entries use, labelled by their keys.

    Markers carry ``customdata`` ``event:<id>`` for clicks. ``sources`` maps
    source ids to short labels for hovers. ``highlight`` (a selection) keeps
    those events bright and dims the rest. ``brief`` (large datasets) draws
    with WebGL and keeps hovers to title and date. ``patchable`` (a base figure, see
    :mod:`viz.render.figures.timeline_patch`) ends with empty overlays that patches fill:
    events shown (dated, then undated) and selected events.
    """
    sources = sources or {}
    if lanes is None:
        lanes = {k: k.replace("_", " ") for k in dict.fromkeys(e.kind for e in entries)}
    lane_names = [esc(name) for name in lanes.values()]
    colours, symbols = lane_colours(list(lanes)), lane_symbols(list(lanes))
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.91, 0.09], horizontal_spacing=0.008)
    dated = [e for e in entries if e.start is not None]
    undated = [e for e in entries if e.start is None]
    traces: list = []
    for kind in lanes:
        rows = [e for e in dated if e.kind == kind]
        if rows:
            traces += _lane_traces(colours[kind], symbols[kind], esc(lanes[kind]), rows, sources, highlight, brief,
                                   patchable)
        loose = [e for e in undated if e.kind == kind]
        if loose:
            traces.append(go.Scatter(
                x=list(range(len(loose))), y=[esc(lanes[kind])] * len(loose), mode="markers+text",
                showlegend=False, ids=[e.event_id for e in loose], customdata=[f"event:{e.event_id}" for e in loose],
                text=[esc(e.label or "") for e in loose], textposition="top center",
                hovertext=[(_brief_hover if brief else _event_hover)(e, sources) for e in loose], hoverinfo="text",
                marker={"size": 13, "symbol": f"{symbols[kind]}-open", "color": colours[kind],
                        **({"colorscale": [[0, GHOST], [1, colours[kind]]], "cmin": 0, "cmax": 1}
                           if patchable else {}),
                        "line": {"width": 2}, "opacity": _opacity(loose, highlight)},
                xaxis="x2", yaxis="y2"))  # the undated column
    glyph = symbols[next(iter(lanes))] if lanes else EVENT_SYMBOLS["session"]  # the top lane's shape
    for name, suffix, _ in PRECISION_LEGEND:  # (WebGL in a WebGL chart: no second drawing layer to repaint)
        traces.append((go.Scattergl if brief else go.Scatter)(
            x=[None], y=[None], mode="markers", name=name, hoverinfo="skip",
            marker={"size": 11, "symbol": glyph + suffix, "color": "#555", "line": {"width": 2}}))
    if patchable:
        trace = go.Scattergl if brief else go.Scatter
        lane_scale = _lane_scale([colours[k] for k in lanes][::-1])  # by row number, bottom lane first
        for axes in (("x", "y"), ("x2", "y2")):
            traces.append(trace(x=[], y=[], mode="markers+text", name="events shown", showlegend=False,
                                hoverinfo="text", xaxis=axes[0], yaxis=axes[1], textposition="top center",
                                textfont={"size": 12, "color": "#222"},
                                marker={"size": 14 if axes[0] == "x" else 13, "line": {"width": 2}, **lane_scale}))
        traces.append(trace(x=[], y=[], mode="markers", name="selected events", showlegend=False,
                            hoverinfo="skip", marker={"size": 16, "color": "rgba(0,0,0,0)",
                                                      "line": {"width": 2.5, "color": "#222"}}))
    if brief:  # these traces were built here: skip plotly's second validation pass (most of a large render)
        fig = go.Figure(data=traces, layout=fig.layout, _validate=False)
    else:
        fig.add_traces(traces)
    most_undated = max((sum(e.kind == k for e in undated) for k in lanes), default=0)
    fig.update_layout(
        **base_layout(title, height, top=64),
        legend={"orientation": "h", "x": 1.0, "xanchor": "right", "y": 1.02, "yanchor": "bottom",
                "font": {"size": 11}},
        xaxis={"type": "date", "showgrid": True, "gridcolor": "#eee", "range": _date_range(dated)},
        xaxis2={"range": [-0.7, max(most_undated, 1) - 0.3], "showticklabels": False, "showgrid": False,
                "zeroline": False, "title": {"text": "undated", "font": {"size": 11}}, "fixedrange": True},
        dragmode="zoom",
        yaxis={"type": "category", "fixedrange": True, "categoryorder": "array", "categoryarray": lane_names[::-1],
               "range": [-0.5, len(lane_names) - 0.2], "showgrid": True, "gridcolor": "#f2f2f2"},
    )
    if not entries:
        empty_note(fig, "No events match these filters — clear the filters.")
    return fig
