"""Styles and small helpers shared by the figure builders.

Colours follow the Okabe–Ito palette, which stays distinguishable under the
common forms of colour-blindness; marker shapes back colour up.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

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
EVENT_COLOURS: dict[str, str] = {"visit": "#0072B2", "meeting": "#D55E00", "agreement_signing": "#CC79A7",
                                 "programme": "#000000", "other": "#999999"}
#: colours of the series lanes, in series order (Okabe–Ito colours no event kind uses)
SERIES_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442")


def lane_colours(lanes: Sequence[str]) -> dict[str, str]:
    """The colour of each timeline lane: its kind's, or the next series colour in lane order."""
    series = [lane for lane in lanes if lane not in EVENT_COLOURS]
    return {lane: EVENT_COLOURS.get(lane) or SERIES_COLOURS[series.index(lane) % len(SERIES_COLOURS)]
            for lane in lanes}

#: filtered-out points turn this grey when the view greys rather than hides them (see viz.render.figures.network_patch)
GHOST = "#dcdcdc"

FONT = "Inter, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


def esc(text: object) -> str:
    """Escape text for Plotly, which renders a subset of HTML (``<a>``, ``<b>``, ``<br>`` ...) in every text.

    The one helper for all dataset- or URL-derived text a figure shows: titles, annotations,
    hovers, labels, lane and legend names, in the app and in reports (:mod:`viz.render.report`).
    """
    return html.escape(str(text), quote=False)


def brief_sources(ids: Sequence[str], labels: Mapping[str, str], limit: int = 3) -> str:
    """``Sources: IANS; NDTV (5 Nov 2025) +2 more`` for a hover (escaped)."""
    if not ids:
        return "<i>no source</i>"
    shown = "; ".join(esc(labels.get(i, i)) for i in ids[:limit])
    more = f" +{len(ids) - limit} more" if len(ids) > limit else ""
    return f"Source{'s' if len(ids) != 1 else ''}: {shown}{more}"


def base_layout(title: str, height: int, top: int = 40) -> dict:
    return {
        "title": {"text": esc(title), "x": 0.01, "y": 0.995, "yref": "container", "yanchor": "top",
                  "font": {"size": 16}},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": top, "b": 10},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": {"family": FONT, "size": 12},
        "hoverlabel": {"align": "left"},
        "clickmode": "event",
    }


def empty_note(fig: go.Figure, text: str) -> None:
    fig.add_annotation(text=esc(text), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 14, "color": "#555"})


def modebar_config(filename: str) -> dict:
    """dcc.Graph config whose camera button saves ``<filename>.png`` at 2x scale."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        # sendChartToCloud would upload the data to Plotly Cloud: facts stay on this server.
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendChartToCloud"],
    }
