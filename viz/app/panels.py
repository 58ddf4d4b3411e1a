"""Callbacks of the workspace around the charts: the search box, the side panel's tabs, the details
panel's focus, the browser history and the Play button's pressed state."""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, no_update

from viz.app.layout import SIDE_TABS
from viz.app.upload import Contexts
from viz.render.search import search_options

DATASET = State("dataset-key", "data")

# The side panel shows one tab at a time; a new selection brings the details to the front.
_TABS_JS = """function(...args) {
    const keys = %s;
    const fired = window.dash_clientside.callback_context.triggered.map((t) => t.prop_id);
    let key = keys.find((k) => fired.includes("tab-" + k + ".n_clicks"));
    if (!key && fired.includes("selection.data")) { key = "details"; }
    if (!key) { return Array(keys.length * 2).fill(window.dash_clientside.no_update); }
    return [...keys.map((k) => k !== key), ...keys.map((k) => String(k === key))];
}"""

# A record opens at its top with the keyboard focus on its heading; the status line (not the whole record)
# tells a screen reader what opened. Runs after React has drawn the new record.
_DETAILS_FOCUS_JS = """function(children, selected) {
    window.requestAnimationFrame(() => {
        const panel = document.getElementById("panel-details");
        if (panel) { panel.scrollTop = 0; }
        const heading = document.getElementById("details-heading");
        const status = selected && heading ? "Opened: " + heading.textContent : "";
        if (selected && heading) { heading.focus({preventScroll: true}); }
        window.dash_clientside.set_props("details-status", {children: status});
    });
    return window.dash_clientside.no_update;
}"""

# Keep the address bar in step without reloading, so the link can be copied at any time: a deliberate
# change (filter, selection, window) adds a history entry, so Back and Forward step through views. A query
# that says the same as the address bar (a link just applied, written in another order or encoding), and
# each step of Play, replace the entry instead. An uploaded dataset's link names it (data=<key>); when a
# dataset has just been opened, a link that already names it is kept as it is (its filters are still to
# be applied).
_URL_SYNC_JS = """function(query, key) {
    const here = new URLSearchParams(window.location.search);
    const opened = window.dash_clientside.callback_context.triggered.some((t) => t.prop_id === "dataset-key.data");
    if (opened && here.get("data") === key) {
        return window.dash_clientside.no_update;
    }
    const rest = opened ? "" : (query || "").replace(/^[?]/, "");
    const search = [key ? "data=" + encodeURIComponent(key) : "", rest].filter(Boolean).join("&");
    const target = window.location.pathname + (search ? "?" + search : "");
    if (target === window.location.pathname + window.location.search) {
        return window.dash_clientside.no_update;
    }
    const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
    const play = document.getElementById("play");
    const playing = play && play.getAttribute("aria-pressed") === "true";
    if (opened || playing || same(here, new URLSearchParams(search))) {
        window.history.replaceState(null, "", target);
    } else {
        window.history.pushState(null, "", target);
    }
    return window.dash_clientside.no_update;
}"""


# A choice's buttons (viz.app.layout.choice): a press sets the store; the store sets which button is pressed.
_CHOOSE_JS = """function(clicks) {
    const pressed = window.dash_clientside.callback_context.triggered_id;
    return pressed && clicks.some(Boolean) ? pressed.value : window.dash_clientside.no_update;
}"""
_PRESSED_JS = """function(value) {
    return window.dash_clientside.callback_context.outputs_list.map((o) => String(o.id.value === value));
}"""
CHOICES = ("country-links", "filtered-nodes", "data-scope")

# A button that opens a record (a session in a strip, an event in a record, an actor in the table) or closes
# it: pressed, not merely drawn (a newly drawn button counts as a change of its n_clicks).
_SELECT_JS = """function() {
    const t = window.dash_clientside.callback_context.triggered;
    const id = window.dash_clientside.callback_context.triggered_id;
    if (!id || !t.length || !t[0].value) { return window.dash_clientside.no_update; }
    if (id.type === "details-close") { return null; }
    return id.type === "table-actor" ? "node:" + id.node : "event:" + id.event;
}"""


def register_panel_callbacks(app: Dash, contexts: Contexts) -> None:
    """The search box, tabs, details focus, history, the choices' buttons and Play's pressed state."""
    app.clientside_callback(
        _SELECT_JS, Output("selection", "data", allow_duplicate=True),
        Input({"type": "series-session", "event": ALL}, "n_clicks"),
        Input({"type": "details-event", "event": ALL}, "n_clicks"),
        Input({"type": "table-actor", "node": ALL}, "n_clicks"),
        Input({"type": "details-close", "record": ALL}, "n_clicks"), prevent_initial_call=True,
    )
    for group in CHOICES:
        app.clientside_callback(_CHOOSE_JS, Output(group, "data", allow_duplicate=True),
                                Input({"type": "choice", "group": group, "value": ALL}, "n_clicks"),
                                prevent_initial_call=True)
        app.clientside_callback(_PRESSED_JS, Output({"type": "choice", "group": group, "value": ALL}, "aria-pressed"),
                                Input(group, "data"), prevent_initial_call=True)
    keys = [key for key, _ in SIDE_TABS]
    app.clientside_callback(
        _TABS_JS % repr(keys),
        *[Output(f"panel-{k}", "hidden") for k in keys], *[Output(f"tab-{k}", "aria-selected") for k in keys],
        *[Input(f"tab-{k}", "n_clicks") for k in keys], Input("selection", "data"), prevent_initial_call=True,
    )
    app.clientside_callback(_DETAILS_FOCUS_JS, Output("focus-sync", "data"), Input("details", "children"),
                            State("selection", "data"), prevent_initial_call=True)
    app.clientside_callback(_URL_SYNC_JS, Output("url-sync", "data"), Input("url-query", "data"),
                            Input("dataset-key", "data"), prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("viz", "nameDownloads"), Output("names-sync", "data"),
                            Input("file-names", "data"))
    app.clientside_callback("function(stopped) { return String(!stopped); }", Output("play", "aria-pressed"),
                            Input("play-timer", "disabled"), prevent_initial_call=True)

    @app.callback(Output("search-all", "options"), Input("search-all", "search_value"), DATASET,
                  prevent_initial_call=True)
    def search(query: str | None, key: str | None):
        """Everything that matches, best first (exact, prefix, word, fuzzy; then the best connected)."""
        context = contexts.get(key)
        return search_options(context.dataset, context.graph.degree, query)

    @app.callback(
        Output("selection", "data", allow_duplicate=True), Output("actor-search", "value", allow_duplicate=True),
        Output("search-all", "value"), Input("search-all", "value"), State("actor-search", "value"), DATASET,
        prevent_initial_call=True,
    )
    def pick(ref: str | None, focus: list[str] | None, key: str | None):
        """A picked actor is selected and focused on (its neighbours shown); an event or agreement selected.
        The box empties, ready for the next search."""
        if not isinstance(ref, str) or not ref:
            return no_update, no_update, no_update
        kind, _, value = ref.partition(":")
        focus = [f for f in focus or [] if isinstance(f, str)]
        if kind == "node" and value in contexts.get(key).dataset.actor_by_id and value not in focus:
            return ref, [*focus, value], None
        return ref, no_update, None
