"""Changes to a base timeline (built with ``timeline_figure(..., patchable=True)``), at every size.

Like the network (:mod:`viz.render.figures.network_patch`), the timeline is sent once and then
patched: events filtered out are hidden (drawn again in an overlay when a lane keeps some) or
turn faint grey (one byte per event, binary), a time window zooms the date axis, and a selection
dims the rest and rings the selected events in the last trace.

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
from viz.render.figures.common import EVENT_INK, GHOST, esc
from viz.render.figures.network_patch import Changes
from viz.render.figures.timeline import symbol_number

#: a dataset with more events than this draws each lane as its density (events per month) ...
DETAIL_MAX_EVENTS = 2500
#: ... until a view keeps at most this many dated events (a window, a filter), drawn one by one
FOCUS_MAX_EVENTS = 500
#: the heat map's darkest cell: the timeline's ink, as its markers (hue means actor kind, in the network only)
DENSITY_COLOUR = EVENT_INK


@dataclasses.dataclass(frozen=True, eq=False)
class TimelineMap:
    """Which events each marker trace of a base timeline draws, and where; per event, what an
    overlay needs to draw it again (indices are positions in the dataset's events)."""

    traces: tuple[tuple[int, np.ndarray, str, bool], ...]  # (trace, event indices, colour, undated column)
    lit_trace: int
    overlays: tuple[int, int]  # "events shown": dated, undated
    event_x: dict[int, object]  # event index -> x of its marker
    event_lane: dict[int, str]
    default_range: tuple | None
    spans: tuple[tuple[int, str], ...]  # the pale bars of multi-day and vague dates: (trace, lane)
    lane_code: np.ndarray  # per event: its lane's row on the category axis, -1 when not drawn
    symbol: np.ndarray  # per event: plotly symbol number (its lane's shape; filled: exact day, open: vague)
    hover: tuple[str, ...]
    text: tuple[str, ...]  # per event: its label on the chart (a session's number), or ""
    undated: np.ndarray  # per event: drawn in the undated column
    event_ids: tuple[str, ...] = ()
    density: Density | None = None


@dataclasses.dataclass(frozen=True, eq=False)
class Density:
    """A dense timeline's heat map of events per lane and month."""

    trace: int
    cell: np.ndarray  # per event: lane row * months + month, -1 when undated
    lanes: int
    months: int

    def z(self, events: np.ndarray) -> list[list[int]]:
        """Counts per lane row and month of the events in a mask."""
        counts = np.bincount(self.cell[events & (self.cell >= 0)], minlength=self.lanes * self.months)
        return counts.reshape(self.lanes, self.months).tolist()


def timeline_map(figure: go.Figure, index: GraphIndex) -> TimelineMap:
    """Read the trace -> events mapping off a base timeline (``timeline_figure(..., patchable=True)``)."""
    position = {event_id: i for i, event_id in enumerate(index.events)}
    rows = list(figure.layout.yaxis.categoryarray or ())
    count = len(index.events)
    lane_code, symbol = np.full(count, -1, dtype=np.int64), np.zeros(count, dtype=np.int32)
    hover, text = [""] * count, [""] * count
    row_of = {lane: r for r, lane in enumerate(rows)}
    traces, event_x, event_lane = [], {}, {}
    for number, trace in enumerate(figure.data):
        refs = trace.customdata
        if refs is None or not len(refs) or not str(refs[0]).startswith("event:"):
            continue
        # each property read once: a graph object's property access copies and validates
        events = np.array([position[str(r)[len("event:"):]] for r in refs], dtype=np.int64)
        undated = trace.xaxis == "x2"
        traces.append((number, events, trace.marker.color, undated))
        ys, hovers, labels, symbols = trace.y, trace.hovertext, trace.text, trace.marker.symbol
        xs = [x.isoformat() if hasattr(x, "isoformat") else x for x in trace.x]
        listed = list(events.tolist())
        event_x.update(zip(listed, xs, strict=True))
        event_lane.update(zip(listed, ys, strict=True))
        lane_code[events] = [row_of.get(y, -1) for y in ys]
        symbol[events] = ([symbol_number(s) for s in symbols] if isinstance(symbols, tuple | list)
                          else symbol_number(symbols))
        for k, i in enumerate(listed):
            hover[i] = hovers[k]
        if labels is not None and not isinstance(labels, str):
            for k, i in enumerate(listed):
                text[i] = labels[k]
    undated_events = np.zeros(count, dtype=bool)
    for _, events, _, undated in traces:
        undated_events[events] = undated
    current = figure.layout.xaxis.range
    spans = tuple((n, t.y[0]) for n, t in enumerate(figure.data) if t.mode == "lines" and t.xaxis in (None, "x"))
    names = [t.name for t in figure.data]
    overlays = tuple(n for n, name in enumerate(names) if name == "events shown")
    return TimelineMap(tuple(traces), names.index("selected events"), (overlays[0], overlays[1]), event_x, event_lane,
                       tuple(current) if current else None, spans, lane_code, symbol, tuple(hover),
                       tuple(text), undated_events, event_ids=index.events)


def _month(x: object) -> int:
    text = str(x)
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def add_density(figure: go.Figure, tmap: TimelineMap, event_count: int) -> TimelineMap:
    """Make a base timeline dense: a hidden heat map of events per lane and month replaces the
    dated markers (and their bars), which are emptied; the map, with it.

    One heat map with a row for every lane of the category axis: plotly.js (3.x) reads a heat
    map's rows by category number, so a heat map with fewer rows than the axis has categories fails.
    """
    dated = {i: x for i, x in tmap.event_x.items() if tmap.lane_code[i] >= 0 and not tmap.undated[i]}
    if not dated:
        return tmap
    lanes = list(figure.layout.yaxis.categoryarray or dict.fromkeys(tmap.event_lane.values()))
    month = {i: _month(x) for i, x in dated.items()}
    first, last = min(month.values()), max(month.values())
    months = last - first + 1
    cell = np.full(event_count, -1, dtype=np.int64)
    for i, m in month.items():
        cell[i] = tmap.lane_code[i] * months + m - first
    for number, _, _, undated in tmap.traces:
        if not undated:
            figure.data[number].update(x=[], y=[], customdata=[], hovertext=[], text=None, marker={"symbol": "circle"})
    for number, _ in tmap.spans:
        figure.data[number].update(x=[], y=[])
    density = Density(len(figure.data), cell, len(lanes), months)
    z = density.z(np.ones(event_count, dtype=bool))
    figure.add_trace(go.Heatmap(
        x=[f"{(first + m) // 12:04d}-{(first + m) % 12 + 1:02d}-15" for m in range(months)], y=lanes, z=z,
        zmin=0, zmax=max(max(row) for row in z), showscale=False, xgap=0, ygap=3,
        colorscale=[[0, "rgba(255,255,255,0)"], [1e-9, "#d9d9d9"], [1, DENSITY_COLOUR]],
        hovertemplate="%{y}<br>%{x|%B %Y}: %{z} events<extra></extra>", visible=False, name="events per month",
        xaxis="x", yaxis="y"))
    return dataclasses.replace(tmap, density=density)


def _overlay(changes: Changes, tmap: TimelineMap, trace: int, kept: np.ndarray, dim: bool) -> None:
    """Draw the events ``kept`` (indices) one by one in an overlay, as the base drew them."""
    points = {"x": [tmap.event_x[i] for i in kept.tolist()], "y": [tmap.event_lane[i] for i in kept.tolist()],
              "customdata": [f"event:{tmap.event_ids[i]}" for i in kept.tolist()],
              "hovertext": [tmap.hover[i] for i in kept.tolist()], "text": [tmap.text[i] for i in kept.tolist()],
              "marker.color": typed(tmap.lane_code[kept].astype(np.uint8)),
              "marker.symbol": tmap.symbol[kept].tolist(), "marker.opacity": 0.3 if dim else 1.0}
    for key, value in points.items():
        changes[("data", trace, *key.split("."))] = value


def timeline_changes(tmap: TimelineMap, masks: Masks, lit: np.ndarray | None, state: ViewState, *,
                     title: str, hide: bool = False) -> Changes:
    """The timeline's state-dependent properties, as absolute values (see
    :func:`viz.render.figures.network_patch.network_changes`).

    A window alone is shown by zooming. Other filters grey out the events they drop, or with
    ``hide`` hide them: a lane trace is hidden and the events it keeps are drawn in an overlay
    (grey again past :data:`FOCUS_MAX_EVENTS` of them). A dense timeline draws its heat map of
    the events kept, or those events one by one when few.
    """
    changes: Changes = {("layout", "title", "text"): esc(title)}
    windowed = bool(state.start or state.end)
    dim = lit is not None
    filtered = bool(state.orgs or state.focus or state.event_kinds or state.topics)
    dense = tmap.density is not None
    overlaid: dict[bool, list[np.ndarray]] = {False: [], True: []}
    if dense:
        kept = np.flatnonzero(masks.events & (tmap.density.cell >= 0))
        few = len(kept) <= FOCUS_MAX_EVENTS
        changes[("data", tmap.density.trace, "visible")] = not few
        if not few:
            changes[("data", tmap.density.trace, "z")] = tmap.density.z(masks.events)
        else:
            overlaid[False].append(kept)
    partial = [(trace, events[masks.events[events]], undated) for trace, events, _, undated in tmap.traces
               if not (dense and not undated) and 0 < masks.events[events].sum() < len(events)]
    hiding = hide and sum(len(kept) for _, kept, _ in partial) <= FOCUS_MAX_EVENTS
    for trace, events, colour, undated in tmap.traces:
        shown = masks.events[events]
        if dense and not undated:
            changes[("data", trace, "visible")] = False  # emptied by add_density
            continue
        out = undated and windowed  # an undated event cannot be in a window
        visible = not ((hide and (out or not shown.any())) or (hiding and not shown.all()))
        if hiding and not out and 0 < shown.sum() < len(events):
            overlaid[undated].append(events[shown])
        changes[("data", trace, "visible")] = visible
        if out:
            value: object = GHOST
        elif not filtered or shown.all():
            value = colour
        elif not shown.any():
            value = GHOST
        else:
            value = typed(shown.astype(np.uint8))
        changes[("data", trace, "marker", "color")] = value
        changes[("data", trace, "marker", "opacity")] = 0.3 if dim else 1.0
    lanes_whole = {tmap.event_lane[i] for trace, events, _, undated in tmap.traces if not undated
                   for i in events[:1].tolist() if masks.events[events].all()}
    for trace, lane in tmap.spans:  # bars of a lane with events hidden go too (they would mark no event)
        changes[("data", trace, "visible")] = not dense and (not hide or lane in lanes_whole)
    for undated, trace in ((False, tmap.overlays[0]), (True, tmap.overlays[1])):
        chosen = overlaid[undated]
        _overlay(changes, tmap, trace, np.concatenate(chosen) if chosen else np.empty(0, dtype=np.int64), dim)
    chosen = [i for i in np.flatnonzero(lit & masks.events).tolist()
              if i in tmap.event_x and not tmap.undated[i]] if lit is not None else []
    changes[("data", tmap.lit_trace, "x")] = [tmap.event_x[i] for i in chosen]
    changes[("data", tmap.lit_trace, "y")] = [tmap.event_lane[i] for i in chosen]
    changes[("data", tmap.lit_trace, "customdata")] = [f"event:{tmap.event_ids[i]}" for i in chosen]
    low, high = tmap.default_range or (None, None)
    if windowed:
        low = state.start.isoformat() if state.start else low
        high = state.end.isoformat() if state.end else high
    changes[("layout", "xaxis", "range")] = [low, high] if low and high else None
    return changes
