"""The details panel's empty state: where to start, and each series' sessions in order."""

from __future__ import annotations

from dash import html

from viz.network.timeline import TimelineEntry, series_sessions
from viz.record.load import Dataset
from viz.record.model import Series

START_HERE = ("Start here: search the box above for a person, a body, a meeting (by its number, such as "
              "\u201c3rd\u201d) or a place, or click a node, a line or a timeline event.",
              "Every record opens here with its dates, their precision and the sources that state them.")


def _session_button(entry: TimelineEntry) -> html.Button:
    where = f" · {entry.place}" if entry.place else ""
    chairs = [p for p in entry.participants if "(co-chair" in p]
    return html.Button(
        [html.Strong(entry.label or "unnumbered"), html.Span(f" {entry.date_label}{where}")],
        id={"type": "series-session", "event": entry.event_id},
        className=f"viz-session viz-precision-{entry.precision}",
        title="; ".join(chairs) or entry.title,
        n_clicks=0,
    )


def series_heading(dataset: Dataset, series: Series) -> str:
    """``<short name> sessions: 5 of at least 17 recorded, in series order`` (or ``5 recorded, ...`` when no
    session number shows that more were held)."""
    sessions = dataset.sessions_of(series.id)
    numbers = [e.session_number for e in sessions if e.session_number is not None]
    held = f"{len(sessions)} of at least {max(numbers)}" if numbers and max(numbers) > len(sessions) else \
        str(len(sessions))
    return f"{series.short_name} sessions: {held} recorded, in series order"


def series_strip(dataset: Dataset, series: Series) -> html.Nav:
    """One series' sessions in series order, each a button that opens its record."""
    return html.Nav(id={"type": "series-strip", "series": series.id}, className="viz-series", children=[
        html.H3(series_heading(dataset, series), className="viz-series-heading", title=series.name),
        *[_session_button(e) for e in series_sessions(dataset, series.id)],
    ], **{"aria-label": f"{series.name}: sessions in series order"})


def overview(dataset: Dataset) -> html.Div:
    """What the details panel shows while nothing is selected."""
    return html.Div(className="viz-overview", children=[
        *[html.P(line, className="viz-start-here") for line in START_HERE],
        *[series_strip(dataset, series) for series in dataset.series],
    ])
