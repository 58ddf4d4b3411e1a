"""Changes to a large dataset's timeline (built with ``timeline_figure(..., brief=True)``).

Like the network (:mod:`viz.figures.scale`), the timeline is sent once and then
patched: events filtered out turn faint grey (one byte per event, binary), a
time window zooms the date axis, and a selection dims the rest and rings the
selected events in the last trace.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import plotly.graph_objects as go

from viz.figures.common import GHOST, esc
from viz.figures.scale import Changes, typed
from viz.graph_index import GraphIndex, Masks
from viz.state import ViewState


@dataclasses.dataclass(frozen=True, eq=False)
class TimelineMap:
    """Which events each marker trace of the base timeline draws, and where."""

    traces: tuple[tuple[int, np.ndarray, str, bool], ...]  # (trace, event indices, colour, undated column)
    lit_trace: int
    event_x: dict[int, object]  # event index -> x of its marker (dated events only)
    event_lane: dict[int, str]
    default_range: tuple | None


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
    return TimelineMap(tuple(traces), len(figure.data) - 1, event_x, event_lane,
                       tuple(current) if current else None)


def timeline_changes(tmap: TimelineMap, masks: Masks, lit: np.ndarray | None, state: ViewState, *,
                     title: str) -> Changes:
    """The timeline's state-dependent properties, as absolute values (see :func:`network_changes`)."""
    changes: Changes = {("layout", "title", "text"): esc(title)}
    windowed = bool(state.start or state.end)
    # a window alone is shown by zooming; other filters grey out the events they drop
    grey_out = bool(state.orgs or state.focus or state.event_kinds or state.topics)
    for trace, events, colour, undated in tmap.traces:
        shown = masks.events[events]
        if undated and windowed:
            value: object = GHOST  # an undated event cannot be in a window
        elif not grey_out or shown.all():
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
