"""Edit mode (``viz serve --edit``): forms in the side panel that change the dataset's files through
:mod:`viz.record.edits` (validated first, written atomically, logged in ``changes.jsonl``, one-step undo).

Imported and registered only in edit mode: a read-only app has none of these callbacks. After a save the
dataset is loaded again and the page opens anew with the changed record selected (every chart, filter
and list then shows the new data); the last change and its Undo come from the change log, so nothing
lives only in one browser tab.
"""

from __future__ import annotations

import dataclasses
import threading
from urllib.parse import quote

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from viz.app.review import register_review_callbacks, review_form
from viz.app.upload import Contexts
from viz.network.state import selection_ref, state_from_query, state_to_query
from viz.record import edits
from viz.record.load import Dataset, DatasetError
from viz.render.forms import CHANGE_SOURCES, FACT_KINDS, REASON, cite, form_fields, form_record

DATASET = State("dataset-key", "data")
STALE = "Someone changed this record since you opened it; reload it (your input is kept here until you do)."
ADD = (("event", "Add event"), ("source", "Add source"), ("actor", "Add actor"), ("agreement", "Add agreement"),
       ("series", "Add series"))
#: one save, undo or delete at a time in this process (the library also refuses stale saves)
_WRITING = threading.Lock()

# A save reloads the page at the address that selects the changed record (a full load: every part of the
# page is drawn from the reloaded dataset).
_NAVIGATE_JS = """function(query) {
    if (query !== null && query !== undefined) { window.location.assign(window.location.pathname + query); }
    return window.dash_clientside.no_update;
}"""

# A form that opens takes the keyboard focus on its heading, scrolled into view (it opens above the record).
_FOCUS_FORM_JS = """function(children) {
    window.requestAnimationFrame(() => {
        const heading = document.getElementById("edit-form-heading");
        if (heading) { heading.scrollIntoView({block: "start"}); heading.focus({preventScroll: true}); }
    });
    return window.dash_clientside.no_update;
}"""


def _record_options(dataset: Dataset) -> list[dict]:
    """Every record, to open any of them (sources and series are not drawn, so this is their way in)."""
    groups = (("event", dataset.events, lambda r: r.title), ("actor", dataset.actors, lambda r: r.name),
              ("agreement", dataset.agreements, lambda r: r.name),
              ("source", dataset.sources, lambda r: f"{r.publisher}, {r.title or r.url or r.document}"),
              ("series", dataset.series, lambda r: r.name))
    return [{"label": f"{kind}: {name(r)} · {r.id}", "value": f"{kind}:{r.id}"}
            for kind, records, name in groups for r in records]


def edit_panel(contexts: Contexts, key: str | None) -> html.Section:
    """The edit bar above the details: open a record, add one, the last change with Undo, the zip."""
    context = contexts.get(key)
    try:
        changes = edits.read_changes(contexts.folder(key))
    except edits.EditError:  # a damaged log: editing still works; the log's problem shows on the next save
        changes = []
    last = changes[-1] if changes else None
    return html.Section(className="viz-edit", **{"aria-label": "Edit the dataset"}, children=[
        html.Div(className="viz-buttons", children=[
            html.Button("Edit this record", id={"type": "edit-open", "what": "record"}, n_clicks=0),
            *[html.Button(label, id={"type": "edit-open", "what": kind}, n_clicks=0) for kind, label in ADD],
            html.Button("Download as zip", id="edit-zip", n_clicks=0),
            html.Button("Review a report", id="review-open", n_clicks=0,
                        title="Paste an article: see what it adds, accept or reject each item, apply"),
        ]),
        html.Div(id="review-area"),
        html.Div([html.Label("Open any record to edit", htmlFor="edit-pick"),
                  dcc.Dropdown(id="edit-pick", options=_record_options(context.dataset), placeholder="Type a name…",
                               search_order="original")], className="viz-control"),
        html.Div(id="edit-last", role="status", children=[
            html.Span(f"Last change: {last.action} {last.kind} {', '.join(last.ids)} ({last.time})"
                      + (f" — {last.reason}" if last.reason else "")),
            html.Button("Undo", id="edit-undo", n_clicks=0) if last.action != "undo" else None,
        ] if last else None),
        html.Div(id="edit-undo-status", role="alert", className="viz-error"),
        html.Div(id="edit-form-area"),
        dcc.Store(id="edit-target"),
        dcc.Store(id="edit-nav"),
        dcc.Store(id="edit-nav-sync"),
        dcc.Store(id="edit-focus-sync"),
        dcc.Download(id="edit-download"),
    ])


def skeleton() -> html.Div:
    """Every id the edit callbacks use (for Dash's validation of callbacks against the layout)."""
    return html.Div([html.Div(id="edit-slot"), html.Div(id="edit-errors"), html.Button(id="edit-save"),
                     html.Button(id="edit-cancel"), html.Button(id="edit-delete"), html.Div(id="edit-delete-area"),
                     html.Button(id="edit-undo"), html.Div(id="edit-last"), html.Button(id="review-open"),
                     html.Div(id="review-area"), review_form(), html.Button(id="review-accept-all"),
                     html.Button(id="review-apply")])


def _target_of(dataset: Dataset, ref: str | None) -> tuple[str, str] | None:
    """The (kind, id) a selection names, if it names one record."""
    kind, _, value = (selection_ref(ref) or "").partition(":")
    if kind == "event" and value in dataset.event_by_id:
        return "event", value
    if kind == "node" and value in dataset.actor_by_id:
        return "actor", value
    if kind == "node" and value in dataset.agreement_by_id:
        return "agreement", value
    return None


def _template(dataset: Dataset, kind: str, ref: str | None) -> dict:
    """A new record's starting values: "Add event" on a selected session starts the series' next session."""
    found = _target_of(dataset, ref)
    if kind != "event" or not found or found[0] != "event":
        return {}
    event = dataset.event_by_id[found[1]]
    if not event.series:
        return {"organisations": list(event.organisations)} if event.organisations else {}
    numbers = [e.session_number for e in dataset.sessions_of(event.series) if e.session_number]
    start = {"kind": "session", "series": event.series, "organisations": list(event.organisations)}
    if event.body:
        start["body"] = event.body
    if numbers:
        start["session"] = max(numbers) + 1
    return start


def form_view(dataset: Dataset, kind: str, record: dict, record_id: str | None) -> html.Div:
    title = f"Edit {kind} {record_id}" if record_id else f"New {kind}"
    return html.Div(className="viz-edit-form", role="form", **{"aria-labelledby": "edit-form-heading"}, children=[
        html.H3(title, id="edit-form-heading", tabIndex=-1),
        *form_fields(kind, record, dataset, new=record_id is None),
        html.Div(id="edit-errors", role="alert", className="viz-error"),
        html.Div(className="viz-buttons", children=[
            html.Button("Save", id="edit-save", n_clicks=0),
            html.Button("Cancel", id="edit-cancel", n_clicks=0),
            html.Button(f"Delete this {kind}", id="edit-delete", n_clicks=0) if record_id else None,
        ]),
        html.Div(id="edit-delete-area"),
    ])


def _problems(exc: Exception) -> html.Div:
    problems = [str(p) for p in getattr(exc, "problems", None) or []] or [str(exc)]
    return html.Div([html.Strong("Nothing was saved:"), html.Ul([html.Li(p) for p in problems[:50]])])


def _address(search: str | None, key: str | None, selected: str | bool | None) -> str:
    """The query that reopens the current view (``selected``: the record to select; False: keep)."""
    state = state_from_query(search)
    if selected is not False:
        state = dataclasses.replace(state, selected=selected)
    parts = [f"data={quote(key)}" if key else "", state_to_query(state).lstrip("?")]
    return "?" + "&".join(p for p in parts if p)


def _ref(kind: str, record_id: str) -> str | bool:
    return {"event": f"event:{record_id}", "actor": f"node:{record_id}",
            "agreement": f"node:{record_id}"}.get(kind, False)


def register_edit_callbacks(app: Dash, contexts: Contexts) -> None:
    """The edit panel's callbacks (edit mode only)."""
    app.clientside_callback(_NAVIGATE_JS, Output("edit-nav-sync", "data"), Input("edit-nav", "data"),
                            prevent_initial_call=True)
    app.clientside_callback(_FOCUS_FORM_JS, Output("edit-focus-sync", "data"), Input("edit-form-area", "children"),
                            prevent_initial_call=True)

    @app.callback(Output("edit-slot", "children"), Input("url", "pathname"), DATASET)
    def show_panel(_path: str | None, key: str | None):
        """Each page (the first, or one an upload opens) gets the edit bar of its dataset."""
        return edit_panel(contexts, key)

    @app.callback(Output("edit-form-area", "children"), Output("edit-target", "data"),
                  Input({"type": "edit-open", "what": ALL}, "n_clicks"), Input("edit-pick", "value"),
                  State("selection", "data"), DATASET, prevent_initial_call=True)
    def open_form(clicks: list[int], picked: str | None, selected: str | None, key: str | None):
        """A form filled in from the stored record (and the hash it is based on), or a new one."""
        dataset = contexts.get(key).dataset
        trigger = ctx.triggered_id
        if trigger == "edit-pick":
            kind, _, record_id = (picked or "").partition(":")
            found = (kind, record_id) if kind in edits.COLLECTIONS and record_id else None
        elif isinstance(trigger, dict) and any(clicks):
            if trigger["what"] != "record":
                return form_view(dataset, trigger["what"], _template(dataset, trigger["what"], selected), None), \
                    {"kind": trigger["what"]}
            found = _target_of(dataset, selected)
            if found is None:
                return html.P("Select a record first: click it in a chart or find it with the search box "
                              "(or open any record below).", role="alert"), None
        else:
            return no_update, no_update
        if found is None:
            return no_update, no_update
        kind, record_id = found
        folder = contexts.folder(key)
        try:
            record, based_on = edits.read_record(folder, kind, record_id), edits.record_hash(folder, kind, record_id)
        except edits.EditError as exc:
            return _problems(exc), None
        return form_view(dataset, kind, record, record_id), {"kind": kind, "id": record_id, "based_on": based_on}

    @app.callback(Output("edit-form-area", "children", allow_duplicate=True), Input("edit-cancel", "n_clicks"),
                  prevent_initial_call=True)
    def cancel(clicks: int):
        return None if clicks else no_update

    @app.callback(Output("edit-errors", "children"), Output("edit-nav", "data"), Input("edit-save", "n_clicks"),
                  State({"type": "edit-field", "field": ALL}, "value"), State("edit-target", "data"),
                  State("url", "search"), DATASET, prevent_initial_call=True)
    def save(clicks: int, _values, target: dict | None, search: str | None, key: str | None):
        """Validated and written by the library; on success the page reloads with the record selected."""
        if not clicks or not isinstance(target, dict) or target.get("kind") not in edits.COLLECTIONS:
            return no_update, no_update
        values = {item["id"]["field"]: item.get("value") for item in ctx.states_list[0]}
        kind, record_id = target["kind"], target.get("id")
        sources = [s for s in values.get(CHANGE_SOURCES) or [] if isinstance(s, str)]
        if kind in FACT_KINDS and not sources:
            return html.Div("Nothing was saved: choose at least one source this change rests on.",
                            className="viz-form-problem"), no_update
        reason = str(values.get(REASON) or "").strip()
        folder = contexts.folder(key)
        with _WRITING:
            try:
                original = edits.read_record(folder, kind, record_id) if record_id else None
                record = cite(kind, original, form_record(kind, original, values), sources)
                change = edits.save_record(folder, kind, record, based_on=target.get("based_on"), sources=sources,
                                           reason=reason)
                contexts.reload(key)
            except edits.StaleEdit:
                return html.Div(STALE, className="viz-form-problem"), no_update
            except (edits.EditError, DatasetError) as exc:
                return _problems(exc), no_update
        return None, _address(search, key, _ref(kind, change.ids[0] if change.ids else record.get("id", "")))

    @app.callback(Output("edit-delete-area", "children"), Input("edit-delete", "n_clicks"),
                  State("edit-target", "data"), DATASET, prevent_initial_call=True)
    def ask_delete(clicks: int, target: dict | None, key: str | None):
        """Deleting a record others point at lists them and asks: keep it, or remove the references too."""
        if not clicks or not isinstance(target, dict) or not target.get("id"):
            return no_update
        references = edits.references_to(contexts.folder(key), target["kind"], target["id"])
        cancel_button = html.Button("Keep it", id={"type": "edit-delete-go", "references": "keep"}, n_clicks=0)
        if not references:
            return html.Div([html.P(f"Delete {target['kind']} {target['id']}? Nothing refers to it."),
                             html.Button("Delete", id={"type": "edit-delete-go", "references": "refuse"}, n_clicks=0),
                             cancel_button], role="alert")
        return html.Div([html.P(f"{len(references)} place(s) refer to {target['id']}:"),
                         html.Ul([html.Li(r) for r in references]),
                         html.Button("Delete and remove these references",
                                     id={"type": "edit-delete-go", "references": "remove"}, n_clicks=0),
                         cancel_button], role="alert")

    @app.callback(Output("edit-errors", "children", allow_duplicate=True),
                  Output("edit-nav", "data", allow_duplicate=True),
                  Output("edit-delete-area", "children", allow_duplicate=True),
                  Input({"type": "edit-delete-go", "references": ALL}, "n_clicks"), State("edit-target", "data"),
                  State({"type": "edit-field", "field": REASON}, "value"), State("url", "search"), DATASET,
                  prevent_initial_call=True)
    def delete(clicks: list[int], target: dict | None, reason: str | None, search: str | None, key: str | None):
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(clicks) or not isinstance(target, dict) or not target.get("id"):
            return no_update, no_update, no_update
        if trigger["references"] == "keep":
            return no_update, no_update, None
        with _WRITING:
            try:
                edits.delete_record(contexts.folder(key), target["kind"], target["id"], based_on=target["based_on"],
                                    reason=str(reason or "").strip(), references=trigger["references"])
                contexts.reload(key)
            except edits.StaleEdit:
                return html.Div(STALE, className="viz-form-problem"), no_update, None
            except (edits.EditError, DatasetError) as exc:
                return _problems(exc), no_update, None
        return None, _address(search, key, None), None

    @app.callback(Output("edit-undo-status", "children"), Output("edit-nav", "data", allow_duplicate=True),
                  Input("edit-undo", "n_clicks"), State("url", "search"), DATASET, prevent_initial_call=True)
    def undo(clicks: int, search: str | None, key: str | None):
        """One step back: the files as they were before the last change."""
        if not clicks:
            return no_update, no_update
        with _WRITING:
            try:
                edits.undo_last(contexts.folder(key))
                contexts.reload(key)
            except edits.StaleEdit:
                return "The files changed since the last change; it cannot be undone safely.", no_update
            except (edits.EditError, DatasetError) as exc:
                return _problems(exc), no_update
        return None, _address(search, key, False)

    register_review_callbacks(app, contexts, _address)

    @app.callback(Output("edit-download", "data"), Input("edit-zip", "n_clicks"), DATASET, prevent_initial_call=True)
    def download_zip(clicks: int, key: str | None):
        """The dataset's files as they are now (an upload's stored copy included), as a zip."""
        if not clicks:
            return no_update
        folder = contexts.folder(key)
        return dcc.send_bytes(edits.zip_dataset(folder), f"{contexts.get(key).dataset.meta.id}.zip")
