"""The page: header, filter bar, network, timeline, series strips, details, table, export."""

from __future__ import annotations

from dash import dash_table, dcc, html

from viz.app.upload import MAX_UPLOAD_BYTES
from viz.network.graph import TYPE_PREFIX
from viz.network.timeline import TimelineEntry, series_sessions
from viz.record.labels import actor_kind_label, lane_labels
from viz.record.model import ActorKind, Series
from viz.render.details import EMPTY_HINT
from viz.render.export_size import MAX_SIZE, MIN_SIZE
from viz.render.figures import modebar_config
from viz.render.figures.timeline import PRECISION_LEGEND
from viz.render.options import actor_options
from viz.render.table import TABLE_COLUMNS, TABLE_PAGE_SIZE
from viz.render.view import ViewContext, build_view, view_analysis

#: the Play button's two faces
PLAY, PAUSE = "▶ Play", "❚❚ Pause"


def _session_button(entry: TimelineEntry) -> html.Button:
    where = f" · {entry.place}" if entry.place else ""
    chairs = [p for p in entry.participants if "(co-chair" in p]
    return html.Button(
        [html.Strong(entry.label or "?"), html.Span(f" {entry.date_label}{where}")],
        id={"type": "series-session", "event": entry.event_id},
        className=f"viz-session viz-precision-{entry.precision}",
        title="; ".join(chairs) or entry.title,
        n_clicks=0,
    )


def _series_strip(dataset, series: Series) -> html.Nav:
    """One series' sessions in series order, each a button that opens its record."""
    sessions = series_sessions(dataset, series.id)
    numbers = [e.session_number for e in dataset.sessions_of(series.id) if e.session_number is not None]
    held = f" ({len(sessions)} recorded" + (f", numbered up to {max(numbers)})" if numbers else ")")
    return html.Nav(id={"type": "series-strip", "series": series.id}, className="viz-series", children=[
        html.Span(f"{series.short_name} sessions in order{held}:", className="viz-field-label", title=series.name),
        *[_session_button(e) for e in sessions],
    ], **{"aria-label": f"{series.name}: sessions in series order"})


def _labelled(label: str, control, html_for: str) -> html.Div:
    return html.Div([html.Label(label, htmlFor=html_for), control], className="viz-control")


def _filters(context: ViewContext) -> html.Section:
    dataset = context.dataset
    low, high = context.year_range
    step = max(1, (high - low) // 8)
    listed = not context.large  # a large dataset's actor dropdowns are searched on the server
    topics = sorted({t for e in dataset.events for t in e.topics}, key=str.lower)
    kinds = [{"label": actor_kind_label(dataset, k.value), "value": k.value} for k in ActorKind]
    kinds += [{"label": f"{t.label} ({actor_kind_label(dataset, t.kind.value).lower()})",
               "value": f"{TYPE_PREFIX}{t.id}"} for t in dataset.meta.organisation_types]
    kinds.append({"label": "agreement", "value": "agreement"})
    return html.Section(className="viz-filters", children=[
        _labelled("Find actor", dcc.Dropdown(
            id="actor-search", options=actor_options(dataset, style="aliases") if listed else [],
            multi=True, placeholder="Search by name or alias…"), "actor-search"),
        _labelled("Organisation", dcc.Dropdown(
            id="org-filter", multi=True, placeholder="All organisations",
            options=actor_options(dataset, organisations=True, style="kind") if listed else []), "org-filter"),
        _labelled("Actor kind", dcc.Dropdown(id="actor-kind-filter", options=kinds, multi=True,
                                             placeholder="All kinds"), "actor-kind-filter"),
        _labelled("Event kind", dcc.Dropdown(
            id="event-kind-filter", multi=True, placeholder="All event kinds",
            options=[{"label": label, "value": lane} for lane, label in lane_labels(dataset).items()]),
            "event-kind-filter"),
        _labelled("Topic", dcc.Dropdown(id="topic-filter", options=topics, multi=True, placeholder="All topics"),
                  "topic-filter"),
        dcc.Checklist(id="country-links", options=[{"label": " Show country links", "value": "show"}],
                      value=["show"], className="viz-country-links"),
        html.Fieldset(className="viz-control viz-filtered-nodes", children=[
            html.Legend("Filtered-out actors and events"),
            dcc.RadioItems(id="filtered-nodes", value="hide", inline=True,
                           options=[{"label": " hide", "value": "hide"}, {"label": " grey", "value": "grey"}]),
        ]),
        _labelled("Neighbours within (hops)", dcc.Dropdown(id="hops", options=[0, 1, 2, 3], value=1,
                                                          clearable=False), "hops"),
        html.Div(className="viz-buttons", children=[
            *[html.Button(f"Only {series.short_name} sessions", id={"type": "series-only", "series": series.id},
                          n_clicks=0, title=series.name) for series in dataset.series],
            html.Button("Reset", id="reset-filters", n_clicks=0),
        ]),
        html.Div(className="viz-window", children=[
            html.Label("Time window (years)", htmlFor="time-window"),
            dcc.RangeSlider(id="time-window", min=low, max=high, step=1, value=[low, high],
                            marks={y: str(y) for y in range(low, high + 1, step)},
                            tooltip={"placement": "bottom", "always_visible": False}, allowCross=False),
            html.Button(PLAY, id="play", n_clicks=0, title="Step through the years: watch the network grow"),
            dcc.Interval(id="play-timer", interval=1200, disabled=True),
            dcc.Store(id="play-start"),  # the year playing started from
        ]),
    ])


def _export_bar(context: ViewContext) -> html.Section:
    return html.Section(className="viz-export", children=[
        html.Span("Export view:", className="viz-field-label"),
        dcc.Dropdown(id="export-format", options=["png", "svg", "pdf"], value="png", clearable=False,
                     className="viz-export-format"),
        html.Label("width", htmlFor="export-width"),
        dcc.Input(id="export-width", type="number", min=MIN_SIZE, max=MAX_SIZE, value=1600, debounce=True,
                  style={"width": "150px"}),
        html.Label("height", htmlFor="export-height"),
        dcc.Input(id="export-height", type="number", min=MIN_SIZE, max=MAX_SIZE, value=1800, debounce=True,
                  style={"width": "150px"}),
        html.Button("Export view", id="export-png", n_clicks=0),
        dcc.Loading(html.Span(id="export-status", role="status"), type="dot"),
        dcc.Download(id="export-download"),
    ])


def _analysis_section(context: ViewContext, view) -> html.Section:
    actors = actor_options(context.dataset) if not context.large else []
    return html.Section(className="viz-analysis", children=[
        html.H2("Analysis of this view"),
        html.Div(className="viz-path-controls", children=[
            _labelled("Path from", dcc.Dropdown(id="path-from", options=actors, placeholder="Actor…"), "path-from"),
            _labelled("to", dcc.Dropdown(id="path-to", options=actors, placeholder="Actor…"), "path-to"),
        ]),
        html.Div(view_analysis(context), id="analysis"),
        html.Div(className="viz-export", children=[
            html.Span("Download data:", className="viz-field-label"),
            dcc.Dropdown(id="data-format", options=[
                {"label": "GraphML", "value": "graphml"}, {"label": "GEXF (dynamic, for Gephi)", "value": "gexf"},
                {"label": "node-link JSON", "value": "json"}, {"label": "CSV (zip)", "value": "csv"},
                {"label": "TimelineJS JSON", "value": "timelinejs"}, {"label": "FollowTheMoney JSONL", "value": "ftm"},
            ], value="graphml", clearable=False, className="viz-data-format"),
            dcc.RadioItems(id="data-scope", options=[{"label": " current view", "value": "view"},
                                                     {"label": " whole dataset", "value": "all"}],
                           value="view", inline=True),
            html.Button("Download", id="export-data", n_clicks=0),
            dcc.Download(id="data-download"),
        ]),
    ])


def upload_errors(error) -> html.Div:
    """The problems of a refused upload, listed in the page."""
    shown = error.problems[:50]
    return html.Div([
        html.Strong(f"The upload was not opened ({error.count:,} problem"
                    f"{'s' if error.count != 1 else ''}); the current dataset is unchanged:"),
        html.Ul([html.Li(str(p)) for p in shown]),
        html.Div(f"… and {error.not_shown(len(shown)):,} more") if error.not_shown(len(shown)) else None,
    ], className="viz-upload-errors")


DATASET_GONE = ("This uploaded dataset is no longer stored on the server: uploads are removed, least recently "
                "opened first, when the upload store is full. Upload its files again to keep working on it.")


def dataset_gone_page() -> html.Div:
    """What a link to a removed upload opens: what happened, the upload control, the way back."""
    return html.Div(className="viz-page viz-gone", children=[
        html.Div(id="app-error", className="viz-error", role="alert"),
        html.H1("This dataset is gone", id="page-title"),
        html.P(DATASET_GONE, id="dataset-gone"),
        _upload_bar(None),
        html.P(html.A("Open the default dataset instead", href="./")),
    ])


def _upload_bar(notice: str | None) -> html.Div:
    return html.Div(className="viz-upload", children=[
        dcc.Upload(id="dataset-upload", multiple=True, max_size=MAX_UPLOAD_BYTES,
                   children=html.Span(["Open a dataset: drop a zip or its files (YAML, or CSV for the "
                                       "collections) here, or ", html.A("choose files", href="#")]),
                   className="viz-upload-zone"),
        html.Div(notice or "", id="upload-status", role="status"),
    ])


def app_shell(context: ViewContext) -> html.Div:
    """What never re-renders: the dataset key and the page, which an upload replaces."""
    return html.Div([dcc.Store(id="dataset-key"), html.Div(page_layout(context), id="page")])


def page_layout(context: ViewContext, notice: str | None = None) -> html.Div:
    """The whole page, with every view already drawn for the unfiltered state."""
    meta = context.dataset.meta
    view = build_view(context)
    low, high = context.year_range
    facts = [f"{len(context.dataset.actors)} actors", f"{len(context.dataset.events)} events",
             f"{len(context.dataset.sources)} sources", f"{low}–{high}" if low != high else str(low)]
    return html.Div(className="viz-page", children=[
        dcc.Location(id="url", refresh=False),
        dcc.Store(id="selection"),
        dcc.Store(id="url-query"),
        dcc.Store(id="url-sync"),
        dcc.Store(id="webgl", data=True),  # False once the browser reports it has no WebGL (assets/webgl-check.js)
        html.Div(id="app-error", className="viz-error", role="alert"),
        html.Header(className="viz-header", children=[
            html.H1(meta.title, id="page-title"),
            html.Span(" · ".join(facts), className="viz-facts"),
            html.Span(view.summary, id="view-summary", className="viz-summary", role="status"),
        ]),
        _filters(context),
        html.Div(className="viz-body", children=[
            html.Main(className="viz-charts", children=[
                html.Div(id="webgl-note", className="viz-webgl-note", role="status"),  # filled without WebGL
                dcc.Graph(id="network-graph", figure=view.network, config=modebar_config(f"{meta.id}-network"),
                          className="viz-network"),
                dcc.Graph(id="timeline-graph", figure=view.timeline,
                          config=modebar_config(f"{meta.id}-timeline"), className="viz-timeline"),
                *[_series_strip(context.dataset, series) for series in context.dataset.series],
                html.Ul([html.Li(f"{name}: {meaning}") for name, _, meaning in PRECISION_LEGEND],
                        className="viz-precision-key", title="How dates are drawn on the timeline"),
                _export_bar(context),
            ]),
            html.Aside(className="viz-details-panel", children=[
                html.H2("Details"),
                html.Div(EMPTY_HINT, id="details", className="viz-details", role="region",
                         **{"aria-live": "polite"}),
            ]),
        ]),
        _analysis_section(context, view),
        html.Section(className="viz-table", children=[
            html.H2("Actors in view", id="actor-table-title"),
            dash_table.DataTable(
                # one page at a time from the server (viz.render.table), sorted there: any size stays light
                id="actor-table", data=view.table.rows, page_count=view.table.page_count, page_current=0,
                page_size=TABLE_PAGE_SIZE, page_action="custom", sort_action="custom", sort_mode="multi", sort_by=[],
                columns=[{"name": name, "id": key} for key, name in TABLE_COLUMNS], cell_selectable=True,
                style_table={"overflowX": "auto", "maxHeight": "420px", "overflowY": "auto"},
                style_header={"fontWeight": "600", "backgroundColor": "#eef3f8"},
                style_cell={"textAlign": "left", "fontFamily": "inherit", "padding": "4px 8px"},
                style_cell_conditional=[{"if": {"column_id": c}, "width": "90px", "textAlign": "right"}
                                        for c in ("degree", "events")],
            ),
        ]),
        _upload_bar(notice),
        html.Footer(className="viz-footer", children=[html.Span(meta.description or "")]),
    ])
