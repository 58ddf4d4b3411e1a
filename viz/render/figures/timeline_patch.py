"""Changes to a large dataset's timeline (built with ``timeline_figure(..., brief=True)``).

Like the network (:mod:`viz.render.figures.scale`), the timeline is sent once and then
patched: events filtered out turn faint grey (one byte per event, binary), a
time window zooms the date axis, and a selection dims the rest and rings the
selected events in the last trace.

Level of detail: a dataset of more than :data:`DETAIL_MAX_EVENTS` events (19k
overlapping markers are one solid band) is drawn as each lane's density, events per
month as a heat map (:func:`add_density`); its base holds no event markers at all. A
window or filter that keeps at most :data:`FOCUS_MAX_EVENTS` dated events draws those one
by one in an overlay, and a selection is ringed on top of either.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import plotly.graph_objects as go

from viz.network.graph_index import GraphIndex, Masks
from viz.network.state import ViewState
from viz.render.figures.arrays import typed
from viz.render.figures.common import GHOST, esc
from viz.render.figures.scale import Changes

#: a dataset with more events than this draws each lane as its density (events per month) ...
DETAIL_MAX_EVENTS = 2500
#: ... until a view keeps at most this many dated events (a window, a filter), drawn one by one
FOCUS_MAX_EVENTS = 500
DENSITY_COLOUR = "#1f3f6b"


@dataclasses.dataclass(frozen=True, eq=False)
class TimelineMap:
    """Which events each marker trace of the base timeline draws, and where."""

    traces: tuple[tuple[int, np.ndarray, str, bool], ...]  # (trace, event indices, colour, undated column)
    lit_trace: int
    event_x: dict[int, object]  # event index -> x of its marker (dated events only)
    event_lane: dict[int, str]
    default_range: tuple | None
    spans: tuple[int, ...] = ()  # the pale bars of multi-day and vague dates
    density: Density | None = None
    event_ids: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, eq=False)
class Density:
    """A dense timeline's own traces: a heat map of events per lane and month, and the events
    a view keeps (drawn one by one when few); per event what that overlay needs."""

    trace: int
    overlay: int
    cell: np.ndarray  # per event: lane row * months + month, -1 when undated
    lanes: int
    months: int
    lane_code: np.ndarray  # per event: its lane's row, -1 when undated
    symbol: np.ndarray  # per event: plotly symbol number (filled: exact day, open: vague)
    hover: tuple[str, ...]

    def z(self, events: np.ndarray) -> list[list[int]]:
        """Counts per lane row and month of the events in a mask."""
        counts = np.bincount(self.cell[events & (self.cell >= 0)], minlength=self.lanes * self.months)
        return counts.reshape(self.lanes, self.months).tolist()


def timeline_map(figure: go.Figure, index: GraphIndex) -> TimelineMap:
    """Read the trace -> events mapping off a brief base timeline."""
    position = {event_id: i for i, event_id in enumerate(index.events)}
    traces, event_x, event_lane = [], {}, {}
    for number, trace in enumerate(figure.data):
        refs = trace.customdata
        if refs is None or not len(refs) or not str(refs[0]).startswith("event:"):
            continue
        events = np.array([position[str(r)[len("event:"):]] for r in refs], dtype=np.int64)
        undated = trace.xaxis == "x2"
        traces.append((number, events, trace.marker.color, undated))
        if not undated:
            xs = [x.isoformat() if hasattr(x, "isoformat") else x for x in trace.x]
            event_x.update(zip(events.tolist(), xs, strict=True))
            event_lane.update(zip(events.tolist(), trace.y, strict=True))
    current = figure.layout.xaxis.range
    spans = tuple(n for n, t in enumerate(figure.data) if t.mode == "lines" and t.xaxis in (None, "x"))
    return TimelineMap(tuple(traces), len(figure.data) - 1, event_x, event_lane,
                       tuple(current) if current else None, spans, event_ids=index.events)


def _month(x: object) -> int:
    text = str(x)
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def _lane_scale(colours: list[str]) -> dict:
    """Marker settings colouring a point by its lane's row number (one byte a point)."""
    last = max(len(colours) - 1, 1)
    return {"colorscale": [[min(max(k + step, 0), last) / last, colour] for k, colour in enumerate(colours)
                           for step in (-0.5, 0.5)], "cmin": 0, "cmax": last}


def add_density(figure: go.Figure, tmap: TimelineMap, event_count: int) -> TimelineMap:
    """Make a brief base timeline dense: a hidden heat map of events per lane and month, and an
    empty overlay for the events a view keeps, replace the dated markers (and their bars), which
    are emptied; the map, with them.

    One heat map with a row for every lane of the category axis: plotly.js (3.x) reads a heat
    map's rows by category number, so a heat map with fewer rows than the axis has categories fails.
    """
    if not tmap.event_x:
        return tmap
    lanes = list(figure.layout.yaxis.categoryarray or dict.fromkeys(tmap.event_lane.values()))
    month = {i: _month(x) for i, x in tmap.event_x.items()}
    first, last = min(month.values()), max(month.values())
    months = last - first + 1
    cell, lane_code = np.full(event_count, -1, dtype=np.int64), np.full(event_count, -1, dtype=np.int64)
    symbol, hover = np.zeros(event_count, dtype=np.int32), [""] * event_count
    colours = ["#555"] * len(lanes)
    for number, events, colour, undated in tmap.traces:
        if undated:
            continue
        trace = figure.data[number]
        symbols = trace.marker.symbol
        for k, i in enumerate(events.tolist()):
            lane_code[i] = lanes.index(tmap.event_lane[i])
            cell[i] = lane_code[i] * months + month[i] - first
            symbol[i] = 100 if (symbols[k] if isinstance(symbols, tuple | list) else symbols) == "circle-open" else 0
            hover[i] = trace.hovertext[k]
        colours[lanes.index(trace.y[0])] = colour
        trace.update(x=[], y=[], customdata=[], hovertext=[], text=None, marker={"symbol": "circle"})
    for number in tmap.spans:
        figure.data[number].update(x=[], y=[])
    density = Density(len(figure.data), len(figure.data) + 1, cell, len(lanes), months, lane_code, symbol,
                      tuple(hover))
    z = density.z(np.ones(event_count, dtype=bool))
    figure.add_trace(go.Heatmap(
        x=[f"{(first + m) // 12:04d}-{(first + m) % 12 + 1:02d}-15" for m in range(months)], y=lanes, z=z,
        zmin=0, zmax=max(max(row) for row in z), showscale=False, xgap=0, ygap=3,
        colorscale=[[0, "rgba(255,255,255,0)"], [1e-9, "#dbe4f0"], [1, DENSITY_COLOUR]],
        hovertemplate="%{y}<br>%{x|%B %Y}: %{z} events<extra></extra>", visible=False, name="events per month",
        xaxis="x", yaxis="y"))
    figure.add_trace(go.Scattergl(x=[], y=[], mode="markers", name="events shown", showlegend=False,
                                  hoverinfo="text", xaxis="x", yaxis="y",
                                  marker={"size": 14, "line": {"width": 2}, **_lane_scale(colours)}))
    return dataclasses.replace(tmap, density=density)


def _density_changes(changes: Changes, tmap: TimelineMap, masks: Masks, lit: np.ndarray | None) -> None:
    """A dense timeline: the kept events one by one when few, else the heat map of them."""
    density = tmap.density
    kept = np.flatnonzero(masks.events & (density.lane_code >= 0))
    few = len(kept) <= FOCUS_MAX_EVENTS
    for trace in (*tmap.spans, *(t for t, _, _, undated in tmap.traces if not undated)):
        changes[("data", trace, "visible")] = False  # emptied by add_density
    changes[("data", density.trace, "visible")] = not few
    if not few:
        changes[("data", density.trace, "z")] = density.z(masks.events)
        kept = kept[:0]
    points = {"x": [tmap.event_x[i] for i in kept.tolist()], "y": [tmap.event_lane[i] for i in kept.tolist()],
              "customdata": [f"event:{tmap.event_ids[i]}" for i in kept.tolist()],
              "hovertext": [density.hover[i] for i in kept.tolist()],
              "marker.color": typed(density.lane_code[kept].astype(np.uint8)),
              "marker.symbol": density.symbol[kept].tolist(), "marker.opacity": 0.3 if lit is not None else 1.0}
    for key, value in points.items():
        changes[("data", density.overlay, *key.split("."))] = value


def timeline_changes(tmap: TimelineMap, masks: Masks, lit: np.ndarray | None, state: ViewState, *,
                     title: str) -> Changes:
    """The timeline's state-dependent properties, as absolute values (see :func:`network_changes`)."""
    changes: Changes = {("layout", "title", "text"): esc(title)}
    windowed = bool(state.start or state.end)
    dense = tmap.density is not None
    if dense:
        _density_changes(changes, tmap, masks, lit)
    # a window alone is shown by zooming; other filters grey out the events they drop
    grey_out = bool(state.orgs or state.focus or state.event_kinds or state.topics)
    for trace, events, colour, undated in tmap.traces:
        shown = masks.events[events]
        if undated and windowed:
            value: object = GHOST  # an undated event cannot be in a window
        elif not grey_out or shown.all() or (dense and not undated):  # (emptied markers need no colours)
            value = colour
        elif not shown.any():
            value = GHOST
        else:
            value = typed(shown.astype(np.uint8))
        changes[("data", trace, "marker", "color")] = value
        changes[("data", trace, "marker", "opacity")] = 0.3 if lit is not None else 1.0
    chosen = [i for i in np.flatnonzero(lit & masks.events).tolist() if i in tmap.event_x] if lit is not None else []
    changes[("data", tmap.lit_trace, "x")] = [tmap.event_x[i] for i in chosen]
    changes[("data", tmap.lit_trace, "y")] = [tmap.event_lane[i] for i in chosen]
    low, high = tmap.default_range or (None, None)
    if windowed:
        low = state.start.isoformat() if state.start else low
        high = state.end.isoformat() if state.end else high
    changes[("layout", "xaxis", "range")] = [low, high] if low and high else None
    return changes
