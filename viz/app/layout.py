"""The workspace: a header with the search, a filter rail, the two charts with the time window, and a
side panel (details, actors table, analysis)."""

from __future__ import annotations

from dash import dcc, html

from viz.app.upload import MAX_UPLOAD_BYTES
from viz.network.graph import TYPE_PREFIX
from viz.record.labels import actor_kind_label, lane_labels
from viz.record.model import ActorKind
from viz.render.export_size import MAX_SIZE, MIN_SIZE
from viz.render.figures import modebar_config
from viz.render.options import actor_options
from viz.render.overview import overview
from viz.render.search import search_options
from viz.render.table_view import actor_table_view
from viz.render.view import ViewContext, build_view, view_analysis

#: the Play button's two faces
PLAY, PAUSE = "▶ Play", "❚❚ Pause"
#: the side panel's tabs: (key, label)
SIDE_TABS = (("details", "Details"), ("actors", "Actors"), ("analysis", "Analysis"))


def search_start(context: ViewContext) -> list[dict]:
    """The search box's options before anything is typed (this builds the dataset's search index)."""
    return search_options(context.dataset, context.graph.degree, None)


def choice(group: str, legend: str, options: tuple[tuple[str, str], ...], value: str) -> html.Fieldset:
    """A choice of one among a few, as toggle buttons (``aria-pressed``) whose value is kept in the store
    ``group`` (see viz.app.panels). Plain buttons: Dash's radio items nest inputs in ARIA options, which
    screen readers cannot name."""
    return html.Fieldset(className="viz-choice", children=[
        html.Legend(legend),
        html.Div([html.Button(label, id={"type": "choice", "group": group, "value": key}, n_clicks=0,
                              **{"aria-pressed": "true" if key == value else "false"}) for key, label in options],
                 className="viz-choice-buttons"),
        dcc.Store(id=group, data=value),
    ])


def _labelled(label: str, control, html_for: str) -> html.Div:
    return html.Div([html.Label(label, htmlFor=html_for), control], className="viz-control")


def _filters(context: ViewContext) -> html.Section:
    dataset = context.dataset
    listed = not context.large  # a large dataset's actor dropdowns are searched on the server
    topics = sorted({t for e in dataset.events for t in e.topics}, key=str.lower)
    kinds = [{"label": actor_kind_label(dataset, k.value), "value": k.value} for k in ActorKind]
    kinds += [{"label": f"{t.label} ({actor_kind_label(dataset, t.kind.value).lower()})",
               "value": f"{TYPE_PREFIX}{t.id}"} for t in dataset.meta.organisation_types]
    kinds.append({"label": "agreement", "value": "agreement"})
    return html.Section(className="viz-filters", children=[
        _labelled("Focus on actors", dcc.Dropdown(
            id="actor-search", options=actor_options(dataset, style="aliases") if listed else [],
            multi=True, placeholder="Actors and their neighbours…", search_order="original"), "actor-search"),
        _labelled("Organisation", dcc.Dropdown(
            id="org-filter", multi=True, placeholder="All organisations", search_order="original",
            options=actor_options(dataset, organisations=True, style="kind") if listed else []), "org-filter"),
        _labelled("Actor kind", dcc.Dropdown(id="actor-kind-filter", options=kinds, multi=True,
                                             placeholder="All kinds"), "actor-kind-filter"),
        _labelled("Event kind", dcc.Dropdown(
            id="event-kind-filter", multi=True, placeholder="All event kinds",
            options=[{"label": label, "value": lane} for lane, label in lane_labels(dataset).items()]),
            "event-kind-filter"),
        _labelled("Topic", dcc.Dropdown(id="topic-filter", options=topics, multi=True, placeholder="All topics"),
                  "topic-filter"),
        choice("country-links", "Links to each actor's country", (("show", "show"), ("hide", "hide")), "show"),
        choice("filtered-nodes", "Filtered-out actors and events", (("hide", "hide"), ("grey", "grey")), "hide"),
        _labelled("Neighbours within (hops)", dcc.Dropdown(id="hops", options=[0, 1, 2, 3], value=1,
                                                          clearable=False), "hops"),
        html.Div(className="viz-buttons", children=[
            *[html.Button(f"Only {series.short_name} sessions", id={"type": "series-only", "series": series.id},
                          n_clicks=0, title=series.name) for series in dataset.series],
            html.Button("Reset", id="reset-filters", n_clicks=0),
        ]),
    ])


def _export_bar(context: ViewContext) -> html.Div:
    return html.Div(className="viz-export", children=[
        _labelled("Format", dcc.Dropdown(id="export-format", options=["png", "svg", "pdf"], value="png",
                                         clearable=False, className="viz-export-format"), "export-format"),
        _labelled("Width (px)", dcc.Input(id="export-width", type="number", min=MIN_SIZE, max=MAX_SIZE, value=1600,
                                          debounce=True), "export-width"),
        _labelled("Height (px)", dcc.Input(id="export-height", type="number", min=MIN_SIZE, max=MAX_SIZE,
                                           value=1800, debounce=True), "export-height"),
        html.Button("Export view", id="export-png", n_clicks=0),
        dcc.Loading(html.Span(id="export-status", role="status"), type="dot"),
        dcc.Download(id="export-download"),
    ])


def _analysis_section(context: ViewContext) -> html.Section:
    actors = actor_options(context.dataset) if not context.large else []
    return html.Section(className="viz-analysis", children=[
        html.H2("Analysis of this view"),
        html.Div(className="viz-path-controls", children=[
            _labelled("Path from", dcc.Dropdown(id="path-from", options=actors, placeholder="Actor…",
                                                   search_order="original"), "path-from"),
            _labelled("to", dcc.Dropdown(id="path-to", options=actors, placeholder="Actor…",
                                         search_order="original"), "path-to"),
        ]),
        html.Div(view_analysis(context), id="analysis"),
    ])


def _data_bar() -> html.Div:
    return html.Div(className="viz-export", children=[
        _labelled("Format", dcc.Dropdown(id="data-format", options=[
            {"label": "GraphML", "value": "graphml"}, {"label": "GEXF (dynamic, for Gephi)", "value": "gexf"},
            {"label": "node-link JSON", "value": "json"}, {"label": "CSV (zip)", "value": "csv"},
            {"label": "TimelineJS JSON", "value": "timelinejs"}, {"label": "FollowTheMoney JSONL", "value": "ftm"},
        ], value="graphml", clearable=False, className="viz-data-format"), "data-format"),
        choice("data-scope", "What", (("view", "current view"), ("all", "whole dataset")), "view"),
        html.Button("Download", id="export-data", n_clicks=0),
        dcc.Download(id="data-download"),
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


def _tab(key: str, label: str, selected: bool) -> html.Button:
    return html.Button(label, id=f"tab-{key}", role="tab", n_clicks=0, className="viz-tab",
                       **{"aria-selected": "true" if selected else "false", "aria-controls": f"panel-{key}"})


def _side_panel(context: ViewContext, view) -> html.Aside:
    """Details, the actors table and the analysis, one at a time, each scrolling on its own."""
    return html.Aside(className="viz-side", **{"aria-label": "Details, actors and analysis"}, children=[
        html.Div([_tab(key, label, key == "details") for key, label in SIDE_TABS], role="tablist",
                 className="viz-tabs", **{"aria-label": "Side panel"}),
        html.Div(id="panel-details", role="tabpanel", className="viz-panel", tabIndex=-1,
                 **{"aria-labelledby": "tab-details"}, children=[
                     html.Div(id="edit-slot"),  # edit mode only: filled by viz.app.editing
                     html.Div(overview(context.dataset), id="details", className="viz-details"),
                 ]),
        html.Div(id="panel-actors", role="tabpanel", className="viz-panel", hidden=True,
                 **{"aria-labelledby": "tab-actors"},
                 children=html.Div(actor_table_view(view.table, []), id="actor-table")),
        html.Div(id="panel-analysis", role="tabpanel", className="viz-panel", hidden=True,
                 **{"aria-labelledby": "tab-analysis"}, children=_analysis_section(context)),
    ])


def _rail(context: ViewContext, notice: str | None) -> html.Aside:
    """Filters first; exports and opening another dataset folded below them."""
    return html.Aside(className="viz-rail", **{"aria-label": "Filters and exports"}, children=[
        html.H2("Filters", className="viz-rail-heading"),
        _filters(context),
        html.Details([html.Summary("Export view (PNG, SVG, PDF)"), _export_bar(context)], className="viz-fold"),
        html.Details([html.Summary("Download data"), _data_bar()], className="viz-fold"),
        html.Details([html.Summary("Open a dataset"), _upload_bar(notice)], className="viz-fold",
                     open=bool(notice)),
        html.P(context.dataset.meta.description or "", className="viz-description"),
    ])


def _window_bar(context: ViewContext) -> html.Div:
    low, high = context.year_range
    step = max(1, -(-(high - low) // 6))  # at most seven year marks: they stay apart on a narrow screen
    return html.Div(className="viz-window", children=[
        html.Label("Years", htmlFor="time-window", id="time-window-label"),
        dcc.RangeSlider(id="time-window", min=low, max=high, step=1, value=[low, high],
                        marks={y: str(y) for y in range(low, high + 1, step)},
                        tooltip={"placement": "bottom", "always_visible": False}, allowCross=False),
        html.Button(PLAY, id="play", n_clicks=0, title="Step through the years: watch the network grow",
                    **{"aria-pressed": "false"}),
        dcc.Interval(id="play-timer", interval=1200, disabled=True),
        dcc.Store(id="play-start"),  # the year playing started from
    ])


def page_layout(context: ViewContext, notice: str | None = None) -> html.Div:
    """The whole workspace, with every view already drawn for the unfiltered state: one screen on a
    desktop (the panels scroll, not the page), one column with the details as a bottom sheet on a phone."""
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
        dcc.Store(id="focus-sync"),
        dcc.Store(id="names-sync"),
        dcc.Store(id="table-sort", data=[]),
        dcc.Store(id="table-page", data=0),
        dcc.Store(id="file-names", data=view.files),  # what the modebar camera names its PNGs (assets/workspace.js)
        dcc.Store(id="webgl", data=True),  # False once the browser reports it has no WebGL (assets/webgl-check.js)
        html.Header(className="viz-header", children=[
            html.H1(meta.title, id="page-title"),
            html.Span(" · ".join(facts), className="viz-facts"),
            html.Div(className="viz-search", role="search", children=[
                html.Label("Search", htmlFor="search-all", className="viz-visually-hidden"),
                dcc.Dropdown(id="search-all", options=search_start(context), search_order="original",
                             placeholder="Search actors, meetings (\u201c3rd\u201d), places, agreements…",
                             clearable=True, className="viz-search-box"),
            ]),
        ]),
        html.Div(id="app-error", className="viz-error", role="alert"),
        html.Div(className="viz-workspace", children=[
            _rail(context, notice),
            html.Main(className="viz-charts", children=[
                html.Div(className="viz-status", children=[
                    html.P(view.summary, id="view-summary", className="viz-summary", role="status"),
                    html.Div(id="webgl-note", className="viz-webgl-note", role="status"),  # filled without WebGL
                ]),
                html.Div(dcc.Graph(id="network-graph", figure=view.network, responsive=True,
                                   config=modebar_config(view.files["network"]), style={"height": "100%"}),
                         className="viz-network"),
                html.Div(dcc.Graph(id="timeline-graph", figure=view.timeline, responsive=True,
                                   config=modebar_config(view.files["timeline"]), style={"height": "100%"}),
                         className="viz-timeline"),
                _window_bar(context),
            ]),
            _side_panel(context, view),
        ]),
        html.P(id="details-status", className="viz-visually-hidden", role="status"),
    ])
