"""Styles and small helpers shared by the figure builders.

Colours follow the Okabe–Ito palette, which stays distinguishable under the
common forms of colour-blindness; marker shapes back colour up.

One meaning per colour across the two charts. *Hue means actor kind*: the network's node kinds
own the Okabe–Ito hues (:data:`NODE_STYLE`). The timeline tells event kinds and series apart by
lane (a labelled row) and by marker shape (:data:`viz.render.figures.timeline.EVENT_SYMBOLS`),
drawn in neutral inks no actor kind uses (:data:`EVENT_COLOURS`), so nothing on the timeline can
be read as an actor kind. The rule holds for any number of series and kinds: every series lane is
a lane of sessions, with the session ink and shape, and any other lane key takes them too; no lane
ever takes a hue. Grey (:data:`GHOST`) means "filtered out" in both charts.
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

#: the timeline's ink: events of every kind and every series lane (black: Okabe–Ito's one neutral)
EVENT_INK = "#000000"
#: event kind -> ink; "other" is de-emphasised in a dark grey (7:1 on white) that stays at least 19 CIEDE2000
#: units from every actor kind's colour under protanopia, deuteranopia and tritanopia too (a lighter grey
#: comes close to the armed forces' green for a deuteranope)
EVENT_COLOURS: dict[str, str] = {"session": EVENT_INK, "visit": EVENT_INK, "meeting": EVENT_INK,
                                 "agreement_signing": EVENT_INK, "programme": EVENT_INK, "other": "#595959"}


def lane_colours(lanes: Sequence[str]) -> dict[str, str]:
    """The ink of each timeline lane: its kind's; a series lane (any other key) is one of sessions."""
    return {lane: EVENT_COLOURS.get(lane, EVENT_COLOURS["session"]) for lane in lanes}


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
