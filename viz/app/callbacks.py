"""Callbacks: read inputs, call one pure function, return its output."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

from dash import ALL, ClientsideFunction, Dash, Input, Output, Patch, State, ctx, dcc, no_update, set_props

from viz.app.layout import PAUSE, PLAY, dataset_gone_page, page_layout, upload_errors
from viz.app.panels import register_panel_callbacks
from viz.app.upload import Contexts, DatasetGone, decode_uploads, store_upload
from viz.exports.interop import export_bytes
from viz.network.explore import visible_events, visible_graph
from viz.network.graph_index import visible_masks
from viz.network.state import ViewState, controls_from_state, selection_ref, state_from_controls, state_from_query
from viz.record.labels import SERIES_LANE_PREFIX
from viz.record.load import DatasetError
from viz.render.details import details_for
from viz.render.engine import drawn_in_view, viewport_of, viewport_patch
from viz.render.figures.network import clicked_node
from viz.render.options import SEARCH_LIMIT, actor_options
from viz.render.report import render_view_report
from viz.render.table_view import actor_table_view, sort_after_click
from viz.render.view import build_view, view_analysis

#: the controls that make up the state, in the order the callbacks list them
CONTROLS = [("org-filter", "value"), ("actor-kind-filter", "value"), ("event-kind-filter", "value"),
            ("topic-filter", "value"), ("hops", "value"), ("time-window", "value"), ("actor-search", "value"),
            ("selection", "data"), ("path-from", "value"), ("path-to", "value"), ("country-links", "data"),
            ("filtered-nodes", "data")]
CONTROL_KEYS = ["orgs", "actor_kinds", "event_kinds", "topics", "hops", "years", "focus", "selected",
                "path_from", "path_to", "countries", "filtered"]


def _clicked_ref(click: dict | None) -> str | None:
    points = (click or {}).get("points") or [{}]
    ref = points[0].get("customdata")
    return ref if isinstance(ref, str) else None


def _plain(value):
    """A Patch as the JSON form Dash sends for it: the answer then serialises with orjson in one pass
    (Dash falls back to walking every value when any output is an object)."""
    return value.to_plotly_json() if isinstance(value, Patch) else value


def _outputs(duplicate: bool) -> list[Output]:
    return [Output(cid, prop, allow_duplicate=duplicate) for cid, prop in CONTROLS]


DATASET = State("dataset-key", "data")


def linked_dataset(search: str | None) -> str | None:
    """The uploaded dataset a link names (``?data=<key>``), if any."""
    values = parse_qs((search or "").lstrip("?")).get("data")
    return values[-1] if values else None


def _register_actor_search(app: Dash, contexts: Contexts, dropdown: str, organisations: bool, style: str) -> None:
    @app.callback(Output(dropdown, "options"), Input(dropdown, "search_value"), Input(dropdown, "value"), DATASET,
                  prevent_initial_call=True)
    def search(query: str | None, value, key: str | None):
        """Matching actors as the user types, ranked on the server (the same ranking as the search box),
        and always the chosen ones; a small dataset's full list comes back when the query is cleared."""
        context = contexts.get(key)
        if not query and not context.large:
            return actor_options(context.dataset, organisations=organisations, style=style)
        selected = value if isinstance(value, list) else [value] if value else []
        return actor_options(context.dataset, organisations=organisations, style=style, query=query or None,
                             selected=selected, limit=SEARCH_LIMIT if query else 0, degree=context.graph.degree)


def register_callbacks(app: Dash, contexts: Contexts) -> None:
    """Every callback finds its dataset by the page's ``dataset-key`` (none: the default)."""

    def state_of(key: str | None, *values) -> ViewState:
        year_range = contexts.get(key).year_range
        return state_from_controls(**dict(zip(CONTROL_KEYS, values, strict=True)), year_range=year_range)

    def controls_of(key: str | None, state: ViewState) -> list:
        values = controls_from_state(state, contexts.get(key).year_range)
        return [values[name] for name in CONTROL_KEYS]

    @app.callback(*_outputs(False), Input("url", "search"), *[State(cid, prop) for cid, prop in CONTROLS], DATASET)
    def open_url(search: str | None, *values):
        """A shared link, or a step Back or Forward, reopens its view: the URL sets every control.

        A URL that says what the controls already show changes nothing (so the page's first
        load sends no figures again). A query made for another dataset (an upload's link before
        the upload is open, or the previous dataset's filters after an upload) is left alone.
        """
        *controls, key = values
        if linked_dataset(search) != key or state_from_query(search) == state_of(key, *controls):
            return [no_update] * len(CONTROLS)
        return controls_of(key, state_from_query(search))

    @app.callback(Output("page", "children", allow_duplicate=True),
                  Output("dataset-key", "data", allow_duplicate=True),
                  Input("url", "search"), DATASET, prevent_initial_call="initial_duplicate")
    def open_linked_dataset(search: str | None, key: str | None):
        """A link to an upload opens it on load; one whose upload was removed says so and offers the upload."""
        linked = linked_dataset(search)
        if key or not linked:
            return no_update, no_update
        try:
            return page_layout(contexts.open(linked)), linked
        except DatasetGone:
            return dataset_gone_page(), no_update

    @app.callback(*_outputs(True), Input("reset-filters", "n_clicks"), DATASET, prevent_initial_call=True)
    def reset(_clicks: int, key: str | None):
        return controls_of(key, ViewState())

    @app.callback(Output("event-kind-filter", "value", allow_duplicate=True),
                  Input({"type": "series-only", "series": ALL}, "n_clicks"), prevent_initial_call=True)
    def only_series_sessions(clicks: list[int]):
        if not isinstance(ctx.triggered_id, dict) or not any(clicks):
            return no_update
        return [f"{SERIES_LANE_PREFIX}{ctx.triggered_id['series']}"]

    @app.callback(
        Output("selection", "data", allow_duplicate=True),
        Input("network-graph", "clickData"), Input("timeline-graph", "clickData"),
        *[State(cid, prop) for cid, prop in CONTROLS], DATASET,
        prevent_initial_call=True,
    )
    def select(network_click, timeline_click, *values):
        """A click on a chart selects what it hit (buttons select in the browser: viz.app.panels)."""
        *controls, key = values
        trigger = ctx.triggered_id
        click = network_click if trigger == "network-graph" else timeline_click
        ref = _clicked_ref(click)
        if ref and ref.startswith("community:"):  # a community is zoomed to (network_detail), not selected
            return no_update
        context = contexts.get(key)
        if ref is None and trigger == "network-graph":  # a WebGL base node carries no customdata
            point = ((click or {}).get("points") or [{}])[0]
            node = clicked_node(context.figures.network.traces, context.figures.index, point.get("curveNumber", -1),
                                point.get("pointNumber", -1))
            ref = f"node:{node}" if node else None
        if ref and trigger == "network-graph" and not drawn_in_view(context, state_of(key, *controls), ref):
            return no_update  # a point the view hides where it is (see drawn_in_view)
        return ref or no_update

    @app.callback(
        Output("network-graph", "figure"), Output("timeline-graph", "figure"),
        Output("view-summary", "children"), Output("url-query", "data"), Output("file-names", "data"),
        *[Input(cid, prop) for cid, prop in CONTROLS], Input("webgl", "data"), DATASET,
        prevent_initial_call=True,
    )
    def render(*values):
        *controls, webgl, key = values
        view = build_view(contexts.get(key), state_of(key, *controls), patch=True, webgl=webgl is not False)
        set_props("app-error", {"children": None})  # a good render clears an earlier error
        if view.note:
            set_props("webgl-note", {"children": view.note})
        return _plain(view.network), _plain(view.timeline), view.summary, view.query, view.files

    @app.callback(Output("details", "children"), Input("selection", "data"), DATASET, prevent_initial_call=True)
    def show_details(selected: str | None, key: str | None):
        """The record behind the selection (its own request, so the charts' answer stays plain JSON)."""
        context = contexts.get(key)
        return details_for(context.dataset, context.graph, selection_ref(selected))

    @app.callback(
        Output("actor-table", "children"), Output("table-sort", "data"), Output("table-page", "data"),
        *[Input(cid, prop) for cid, prop in CONTROLS if cid != "selection"],
        Input({"type": "table-sort", "column": ALL}, "n_clicks"),
        Input({"type": "table-page", "step": ALL}, "n_clicks"),
        State("table-sort", "data"), State("table-page", "data"), DATASET,
        prevent_initial_call=True,
    )
    def table(*values):
        """One page of the actors in view; a new view or a new order starts at its first page."""
        *controls, _sorts, _pages, sort_by, page, key = values
        trigger = ctx.triggered_id
        if isinstance(trigger, dict):
            if not ctx.triggered[0].get("value"):  # a table drawn, not a button pressed
                return no_update, no_update, no_update
            if trigger["type"] == "table-sort":
                sort_by, page = sort_after_click(sort_by, trigger["column"]), 0
            else:
                page = (page if isinstance(page, int) else 0) + (1 if trigger["step"] > 0 else -1)
        else:
            page = 0
        controls.insert(CONTROL_KEYS.index("selected"), None)  # a selection does not change the table
        context = contexts.get(key)
        result = context.figures.table_page(visible_masks(context.figures.index, state_of(key, *controls)),
                                            sort_by, page)
        return actor_table_view(result, sort_by), sort_by, result.page

    @app.callback(
        Output("network-graph", "figure", allow_duplicate=True),
        Input("network-graph", "relayoutData"), Input("network-graph", "clickData"),
        *[State(cid, prop) for cid, prop in CONTROLS], State("webgl", "data"), DATASET, prevent_initial_call=True,
    )
    def network_detail(relayout: dict | None, click: dict | None, *values):
        """A large network zoomed in (or a community clicked) is drawn node by node once the view
        frames few enough nodes; zoomed out, as communities again (see viz.render.figures.aggregate)."""
        *controls, webgl, key = values
        if webgl is False:  # without WebGL the network is a whole SVG figure (see render), not patched
            return no_update
        community, viewport = None, None
        if "network-graph.clickData" in ctx.triggered_prop_ids:
            kind, _, number = (_clicked_ref(click) or "").partition(":")
            if kind != "community" or not number.isdigit():
                return no_update  # a node click selects (see select)
            community = int(number)
        elif (viewport := viewport_of(relayout)) is False:
            return no_update
        patch = viewport_patch(contexts.get(key), state_of(key, *controls), viewport, community)
        return no_update if patch is None else _plain(patch)

    @app.callback(Output("analysis", "children"), *[Input(cid, prop) for cid, prop in CONTROLS], DATASET,
                  prevent_initial_call=True)
    def analyse(*values):
        """Its own request: centrality can take seconds, the charts must not wait for it."""
        *controls, key = values
        return view_analysis(contexts.get(key), state_of(key, *controls))

    register_panel_callbacks(app, contexts)
    for dropdown, organisations, style in (("org-filter", True, "kind"), ("actor-search", False, "aliases"),
                                           ("path-from", False, "plain"), ("path-to", False, "plain")):
        _register_actor_search(app, contexts, dropdown, organisations, style)

    # As a page opens (the first one, or one an upload brings), the browser says whether it draws WebGL
    # (assets/webgl-check.js). Only a "no" changes the store, and so runs render: SVG figures for a large dataset.
    app.clientside_callback(ClientsideFunction("viz", "webglMissing"), Output("webgl", "data"),
                            Input("url", "pathname"))

    @app.callback(
        Output("time-window", "value", allow_duplicate=True),
        Input("timeline-graph", "relayoutData"), DATASET, prevent_initial_call=True,
    )
    def window_from_timeline_zoom(relayout: dict | None, key: str | None):
        """Zooming or box-selecting on the timeline sets the window (whole years)."""
        year_range = contexts.get(key).year_range
        relayout = relayout or {}
        if relayout.get("xaxis.autorange"):
            return list(year_range)
        first, last = relayout.get("xaxis.range[0]"), relayout.get("xaxis.range[1]")
        if not (isinstance(first, str) and isinstance(last, str)):
            return no_update
        low, high = year_range
        return [min(max(int(first[:4]), low), high), min(max(int(last[:4]), low), high)]

    @app.callback(
        Output("play-timer", "disabled"), Output("play-timer", "n_intervals"), Output("play-start", "data"),
        Output("time-window", "value", allow_duplicate=True), Output("play", "children"),
        Input("play", "n_clicks"), State("play-timer", "disabled"), State("time-window", "value"), DATASET,
        prevent_initial_call=True,
    )
    def play_or_pause(_clicks: int, stopped: bool, window: list[int] | None, key: str | None):
        """Play steps the window's end year by year from the window's start; Pause stops where it is
        (the timer's count is left alone: resetting it would start a tick, and the playing, again)."""
        if not stopped:
            return True, no_update, no_update, no_update, PLAY
        low, high = contexts.get(key).year_range
        start = int(window[0]) if isinstance(window, list) and window and isinstance(window[0], int) else low
        start = start if low <= start < high else low  # a window already at its last year plays from the first
        return False, 0, start, [start, start], PAUSE

    @app.callback(
        Output("time-window", "value", allow_duplicate=True), Output("play-timer", "disabled", allow_duplicate=True),
        Output("play", "children", allow_duplicate=True),
        Input("play-timer", "n_intervals"), State("play-start", "data"), DATASET, prevent_initial_call=True,
    )
    def play_step(step: int, start: int | None, key: str | None):
        """Each tick shows one more year: from the start year to the end of that year."""
        low, high = contexts.get(key).year_range
        first = start if isinstance(start, int) and low <= start <= high else low
        last = min(first + (step or 0), high)
        done = last >= high
        return [first, last], done, PLAY if done else no_update

    @app.callback(
        Output("export-download", "data"), Output("export-status", "children"),
        Input("export-png", "n_clicks"),
        State("export-format", "value"), State("export-width", "value"), State("export-height", "value"),
        *[State(cid, prop) for cid, prop in CONTROLS], DATASET,
        prevent_initial_call=True,
    )
    def export_view(_clicks: int, fmt: str, width: int | None, height: int | None, *values):
        *controls, key = values
        report = render_view_report(contexts.get(key), state_of(key, *controls), fmt=fmt or "png",
                                    width=int(width or 1600), height=int(height or 1800))
        return dcc.send_bytes(report.content, report.filename), f"saved {report.filename}"

    @app.callback(
        Output("data-download", "data"), Input("export-data", "n_clicks"),
        State("data-format", "value"), State("data-scope", "data"),
        *[State(cid, prop) for cid, prop in CONTROLS], DATASET,
        prevent_initial_call=True,
    )
    def download_data(_clicks: int, fmt: str, scope: str, *values):
        *controls, key = values
        context = contexts.get(key)
        state = ViewState() if scope == "all" else state_of(key, *controls)
        graph = visible_graph(context.graph, context.dataset, state)
        content, suffix = export_bytes(fmt, graph, context.dataset, visible_events(context.dataset, state))
        name = f"{context.dataset.meta.id}-{'all' if scope == 'all' else 'view'}.{suffix}"
        return dcc.send_bytes(content, name)

    @app.callback(
        Output("page", "children"), Output("dataset-key", "data"),
        Input("dataset-upload", "contents"), State("dataset-upload", "filename"),
        prevent_initial_call=True,
    )
    def open_upload(contents: list[str] | None, names: list[str] | None):
        """An uploaded dataset replaces the page only once it has validated; errors are listed."""
        if not contents:
            return no_update, no_update
        try:
            key = store_upload(decode_uploads(contents, names or []), contexts.store)
        except DatasetError as exc:
            set_props("upload-status", {"children": upload_errors(exc)})
            return no_update, no_update
        except OSError:  # e.g. a full disk: the details (with server paths) are for the log only
            logging.getLogger("viz").exception("storing an upload failed")
            set_props("upload-status", {"children": "The upload could not be stored on the server; "
                                                    "the current dataset is unchanged. Try again later."})
            return no_update, no_update
        context = contexts.get(key)
        return page_layout(context, notice=f"Opened the uploaded dataset \"{context.dataset.meta.title}\"."), key
