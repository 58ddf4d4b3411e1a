"""A large dataset for a browser without WebGL: what to draw as SVG, and what to tell the reader.

A large dataset's base figures are WebGL traces (:mod:`viz.render.figures.network`), which a browser
without WebGL (remote desktops, locked-down machines) cannot draw; assets/webgl-check.js reports that.
Such a browser gets whole SVG figures instead: the same engine on an empty SVG base for the network,
the timeline builder for the events:

- the network of the view when it has at most :data:`SVG_MAX_NODES` actors and agreements, else its
  :data:`TOP_NODES` best-connected ones and the relations among them (:func:`drawable`);
- the timeline's events when there are at most :data:`SVG_MAX_EVENTS`, else the number of events per
  lane and month, drawn as bars along each lane (:func:`density_timeline_figure`).

:func:`no_webgl_note` says in plain words which of the two the page shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from viz.network.graph_index import GraphIndex, Masks, shown_degree
from viz.render.figures.common import base_layout, empty_note, esc, lane_colours

#: views with up to this many nodes are drawn whole (SVG stays responsive to a few thousand markers)
SVG_MAX_NODES = 2500
#: a larger view shows this many of its best-connected nodes
TOP_NODES = 400
#: timelines with up to this many events show each one; larger ones count them per month
SVG_MAX_EVENTS = 2000

_EPOCH = dt.date(1970, 1, 1).toordinal()


def strongest(index: GraphIndex, masks: Masks, count: int) -> Masks:
    """The ``count`` shown nodes with the most shown relations (ties: index order), and the shown relations
    among them; the events stay as they were."""
    shown = np.flatnonzero(masks.nodes)
    kept = shown[np.argsort(-shown_degree(index, masks)[shown], kind="stable")[:count]]
    nodes = np.zeros(len(index.nodes), dtype=bool)
    nodes[kept] = True
    return Masks(nodes, masks.edges & nodes[index.edge_u] & nodes[index.edge_v], masks.events)


def drawable(index: GraphIndex, masks: Masks) -> Masks:
    """What SVG draws of a view: all of it up to :data:`SVG_MAX_NODES` nodes, else its :data:`TOP_NODES`
    best connected."""
    return masks if int(masks.nodes.sum()) <= SVG_MAX_NODES else strongest(index, masks, TOP_NODES)


def events_counted(masks: Masks) -> bool:
    """Whether the timeline counts the view's events per month (more than :data:`SVG_MAX_EVENTS`)."""
    return int(masks.events.sum()) > SVG_MAX_EVENTS


def _month_label(month: np.datetime64) -> str:
    return dt.date.fromisoformat(f"{month}-01").strftime("%B %Y")


#: a lane's tallest month fills this share of the gap to the lane above
RIDGE_HEIGHT = 0.85


def density_timeline_figure(index: GraphIndex, masks: Masks, lanes: Mapping[str, str], *, title: str = "",
                            height: int = 320) -> go.Figure:
    """The shown events counted per lane and month, as SVG: each lane a row of monthly bars (a step outline,
    filled), all on one scale so lanes compare; hovering a month gives its count.

    An event counts in the month of the middle of its possible dates (its day, when known to the day);
    undated events cannot be placed, so each lane's label says how many it has. ``lanes`` maps lane keys
    to labels, top to bottom (:func:`viz.record.labels.lane_labels`).
    """
    shown = np.flatnonzero(masks.events)
    first, last = index.event_first[shown].astype(np.int64), index.event_last[shown].astype(np.int64)
    dated = first >= 0
    middle = (first + last) // 2 - _EPOCH  # days since 1970, what numpy's datetime64 counts
    months = middle.astype("datetime64[D]").astype("datetime64[M]")
    lane_of = np.array(index.event_kinds, dtype=object)[index.event_kind[shown]]
    colours = lane_colours(list(lanes))
    if dated.any():  # every month of the view, so a quiet month drops to the lane's baseline
        axis = np.arange(months[dated].min(), months[dated].max() + np.timedelta64(2, "M"))
    else:
        axis = np.array([], dtype="datetime64[M]")
    counts = {lane: np.bincount((months[(lane_of == lane) & dated] - axis[:1]).astype(np.int64),
                                minlength=len(axis)) if len(axis) else np.zeros(0, np.int64) for lane in lanes}
    most = max([1, *(int(c.max()) for c in counts.values() if len(c))])
    x = [f"{m}-01" for m in axis]
    traces, ticks, names = [], [], []
    for row, (lane, label) in enumerate(reversed(list(lanes.items()))):  # the first lane on top
        undated = int(((lane_of == lane) & ~dated).sum())
        names.append(esc(f"{label} ({undated:,} undated)" if undated else label))
        ticks.append(row + RIDGE_HEIGHT / 2)
        count = counts[lane]
        if not count.any():
            continue
        traces.append(go.Scatter(x=x, y=[row] * len(x), mode="lines", line={"width": 0}, hoverinfo="skip",
                                 showlegend=False))  # the baseline the bars are filled down to
        traces.append(go.Scatter(
            x=x, y=row + RIDGE_HEIGHT * count / most, mode="lines", line={"shape": "hv", "width": 1,
                                                                            "color": colours[lane]},
            fill="tonexty", fillcolor=colours[lane], opacity=0.8, name=names[-1], showlegend=False,
            hovertext=[f"<b>{_month_label(m)}</b><br>{esc(label)}: {c:,} event{'s' if c != 1 else ''}"
                       for m, c in zip(axis, count.tolist(), strict=True)],
            hoverinfo="text"))
    fig = go.Figure(traces)
    fig.update_layout(
        **base_layout(f"{title} · events per month (tallest: {most:,})", height, top=64),
        xaxis={"type": "date", "showgrid": True, "gridcolor": "#eee"},
        yaxis={"tickvals": ticks, "ticktext": names, "range": [-0.1, len(names)], "fixedrange": True,
               "showgrid": False, "zeroline": False},
        hovermode="closest", dragmode="zoom",
    )
    if not len(shown):
        empty_note(fig, "No events match these filters — clear the filters.")
    return fig


def no_webgl_note(shown_nodes: int, drawn_nodes: int, shown_events: int, events_counted: bool, *,
                  organisations_chosen: bool = False) -> str:
    """The plain words above the charts of a large dataset drawn without WebGL."""
    if drawn_nodes < shown_nodes:
        timeline = f", and the timeline counts its {shown_events:,} events per month" if events_counted else ""
        advice = ("Fewer hops or a shorter time window will show every actor." if organisations_chosen
                  else "Filter to an organisation to see every actor.")
        return (f"Your browser has no WebGL, so this large network is shown simplified: the {drawn_nodes:,} "
                f"best-connected of its {shown_nodes:,} actors and agreements, with the relations among them"
                f"{timeline}. {advice}")
    if events_counted:
        return (f"Your browser has no WebGL, so this large timeline is shown simplified: its {shown_events:,} "
                f"events are counted per month. All {shown_nodes:,} actors and agreements of this view are drawn. "
                f"Narrow the time window or the event kinds to see each event.")
    return (f"Your browser has no WebGL, so this view of a large dataset is drawn without it: all {shown_nodes:,} "
            f"actors and agreements and all {shown_events:,} events are shown.")
