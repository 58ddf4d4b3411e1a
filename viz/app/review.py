"""Review a report in the app (edit mode): paste an article (or give its URL, or open a proposal file
from ``viz ingest``), see what :mod:`viz.ingest` proposes next to
the highlighted text it came from, accept or reject each item, and apply the accepted ones with
:func:`viz.ingest.apply.apply_proposal` (validated first, written atomically with comments kept).

The proposal lives in the page (a store) until it is applied: nothing is written before "Apply".
"""

from __future__ import annotations

import base64
import binascii
import secrets
import tempfile
from pathlib import Path

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from viz.app.upload import Contexts
from viz.ingest.apply import ApplyError, apply_proposal
from viz.ingest.ingest import IngestError, ingest
from viz.ingest.proposal import Proposal, ProposalError, dump_proposal, load_proposal, parse_proposal
from viz.record import edits
from viz.record.load import DatasetError
from viz.record.yaml_reader import parse_yaml_text
from viz.record.yaml_writer import dump_document

DATASET = State("dataset-key", "data")
#: the longest report a page may paste (the command line's limit is the same order)
MAX_REPORT_CHARS = 200_000

# Accept or reject one item, or accept them all: decisions kept in the page until "Apply", for the proposal
# shown (its generation: a new proposal starts undecided without a reset that would race its new buttons).
_DECIDE_JS = """function(itemClicks, allClicks, decisions, keys, generation) {
    const id = window.dash_clientside.callback_context.triggered_id;
    const t = window.dash_clientside.callback_context.triggered;
    if (!id || !t.length || !t[0].value) { return window.dash_clientside.no_update; }
    const next = Object.assign({}, decisions && decisions.generation === generation ? decisions.items : {});
    if (id === "review-accept-all") {
        (keys || []).forEach((k) => { next[k] = "accept"; });
    } else {
        next[id.key] = next[id.key] === "accept" ? "reject" : "accept";
    }
    return {generation: generation, items: next};
}"""
_PRESSED_JS = """function(decisions) {
    const items = (decisions && decisions.items) || {};
    return window.dash_clientside.callback_context.outputs_list.map((o) => String(items[o.id.key] === "accept"));
}"""


def review_form() -> html.Section:
    """Where a report is pasted (with what the text itself may not say: its URL, date and publisher)."""
    def field(label: str, control) -> html.Div:
        return html.Div([html.Label(label, htmlFor=control.id), control], className="viz-control")

    return html.Section(className="viz-review", **{"aria-label": "Review a report"}, children=[
        html.H3("Review a report", id="review-heading", tabIndex=-1),
        field("Report text", dcc.Textarea(id="review-text", style={"width": "100%", "height": "10em"},
                                          maxLength=MAX_REPORT_CHARS)),
        field("Its URL", dcc.Input(id="review-url", type="url", style={"width": "100%"})),
        field("Published (YYYY-MM-DD, if the page says)", dcc.Input(id="review-published", type="text")),
        field("Publisher", dcc.Input(id="review-publisher", type="text")),
        html.Button("Propose", id="review-propose", n_clicks=0),
        dcc.Upload(id="review-file", max_size=MAX_REPORT_CHARS * 4, className="viz-upload-zone",
                   children=html.Span(["…or open a proposal file from ", html.Code("viz ingest"), " (YAML)"])),
        html.Div(id="review-problems", role="alert", className="viz-error"),
        html.Div(id="review-result"),
        dcc.Store(id="review-proposal"), dcc.Store(id="review-decisions"), dcc.Store(id="review-keys"),
        dcc.Store(id="review-generation"),
    ])


def highlighted(proposal: Proposal) -> html.Div:
    """The report's text with every quoted span marked (a mark's title names the items it supports)."""
    spans: dict[tuple[int, int], list[str]] = {}
    for item in proposal.items:
        for evidence in item.evidence:
            spans.setdefault((evidence.start, evidence.end), []).append(item.key)
    parts, at = [], 0
    for (start, end), keys in sorted(spans.items()):
        if start < at:  # overlapping quotes: the first one is marked
            continue
        parts += [proposal.text[at:start], html.Mark(proposal.text[start:end], title=", ".join(keys))]
        at = end
    parts.append(proposal.text[at:])
    return html.Div(parts, className="viz-review-text")


def _item_line(item) -> html.Li:
    what = "already in the dataset" + (": adds " + ", ".join(sorted(item.add)) if item.add else "") \
        if item.status == "existing" else "new"
    quote = item.evidence[0].quote if item.evidence else ""
    return html.Li([
        html.Button("Accept", id={"type": "review-item", "key": item.key}, n_clicks=0,
                    **{"aria-pressed": "false"}, className="viz-toggle"),
        html.Strong(f" {item.kind} {item.id}"), html.Span(f" — {what}"),
        html.Span(f" (matched “{item.match.text}”, score {item.match.score:.0f})") if item.match else None,
        html.Div(f"“{quote}”", className="viz-muted") if quote else None,
        html.Div(item.note, className="viz-muted") if item.note else None,
        _item_editor(item) if item.record or item.add else None,
    ])


def _item_editor(item) -> html.Details:
    """The item's record (a new one) or its additions (an existing one) as YAML, to correct before applying."""
    what, data = ("record", item.record) if item.record else ("additions", item.add)
    return html.Details([
        html.Summary(f"Edit this item's {what}"),
        html.Label([html.Span(f"{what.capitalize()} of {item.key}, as YAML", className="viz-visually-hidden"),
                    dcc.Textarea(id={"type": "review-yaml", "key": item.key}, value=dump_document(data),
                                 style={"width": "100%", "height": "8em", "fontFamily": "monospace"})]),
    ])


def edited_items(data: dict, texts: dict[str, str]) -> str | None:
    """Put each item's edited YAML (``texts``: key -> text) back into the proposal ``data``, read as strictly
    as a dataset file (no aliases, bounded); a problem, if any, names the item."""
    for item in data.get("items", []):
        text = texts.get(item.get("key"))
        if text is None:
            continue
        problems: list = []
        parsed = parse_yaml_text(text[:MAX_REPORT_CHARS], f"item {item.get('key')}", 1, problems)
        if problems or parsed is None or not isinstance(parsed.data, dict):
            return "; ".join(map(str, problems)) or f"item {item.get('key')}: its YAML must be a mapping of fields"
        item["record" if item.get("record") else "add"] = parsed.data
    return None


def proposal_view(proposal: Proposal) -> html.Div:
    """The items to decide on, beside the text they came from."""
    return html.Div([
        html.P(f"{len(proposal.items)} proposed items; nothing is written until you apply the accepted ones."),
        html.Div([html.Button("Accept all", id="review-accept-all", n_clicks=0),
                  html.Button("Apply accepted", id="review-apply", n_clicks=0)], className="viz-buttons"),
        html.Ul([_item_line(item) for item in proposal.items], className="viz-review-items"),
        html.H4("The report, with what each item came from marked"),
        highlighted(proposal),
    ])


def _first_session(proposal: Proposal) -> str | None:
    """The ref to select once applied: the first event proposed (a session, if there is one)."""
    events = [i for i in proposal.items if i.kind == "event"]
    events.sort(key=lambda i: not (i.record or {}).get("series"))
    return f"event:{events[0].id}" if events else None


def register_review_callbacks(app: Dash, contexts: Contexts, navigate) -> None:
    """The review's callbacks; ``navigate(search, key, ref)`` is the query that reopens the page on ``ref``."""
    app.clientside_callback(_DECIDE_JS, Output("review-decisions", "data"),
                            Input({"type": "review-item", "key": ALL}, "n_clicks"),
                            Input("review-accept-all", "n_clicks"), State("review-decisions", "data"),
                            State("review-keys", "data"), State("review-generation", "data"), prevent_initial_call=True)
    app.clientside_callback(_PRESSED_JS, Output({"type": "review-item", "key": ALL}, "aria-pressed"),
                            Input("review-decisions", "data"), prevent_initial_call=True)

    @app.callback(Output("review-area", "children"), Input("review-open", "n_clicks"), prevent_initial_call=True)
    def open_review(clicks: int):
        return review_form() if clicks else no_update

    def shown(proposal: Proposal) -> tuple:
        return (proposal_view(proposal), proposal.model_dump(mode="json"), [i.key for i in proposal.items],
                secrets.token_hex(8), None)

    def refused(message: str) -> tuple:  # (what was shown before stays, to decide on)
        return no_update, no_update, no_update, no_update, message

    outputs = [Output("review-result", "children", allow_duplicate=True),
               Output("review-proposal", "data", allow_duplicate=True),
               Output("review-keys", "data", allow_duplicate=True),
               Output("review-generation", "data", allow_duplicate=True),
               Output("review-problems", "children", allow_duplicate=True)]

    @app.callback(*outputs, Input("review-propose", "n_clicks"),
                  State("review-text", "value"), State("review-url", "value"), State("review-published", "value"),
                  State("review-publisher", "value"), DATASET, prevent_initial_call=True)
    def propose(clicks: int, text: str | None, url: str | None, published: str | None, publisher: str | None,
                key: str | None):
        """What the extractor proposes for the pasted text (written to a private temporary file to read it),
        or, with no text, for the page at the URL (fetched with ``viz ingest``'s limits)."""
        if not clicks:
            return (no_update,) * 5
        text = (text or "")[:MAX_REPORT_CHARS]
        if not text.strip() and not (url or "").strip():
            return refused("Paste the report's text, or give its URL.")
        with tempfile.TemporaryDirectory(prefix="viz-review-") as folder:
            path = Path(folder) / "report.txt"
            path.write_text(text, encoding="utf-8")
            try:
                proposal = ingest(str(path) if text.strip() else url.strip(), contexts.folder(key), url=url or None,
                                  published=published or None, publisher=publisher or None)
            except (IngestError, DatasetError) as exc:
                return refused(str(exc).replace(str(path), "the pasted text"))
        return shown(proposal)

    @app.callback(*outputs, Input("review-file", "contents"), State("review-file", "filename"), DATASET,
                  prevent_initial_call=True)
    def open_file(contents: str | None, name: str | None, key: str | None):
        """A proposal file (from ``viz ingest``, perhaps edited by hand), read as strictly as ``viz apply`` does."""
        if not contents:
            return (no_update,) * 5
        label = Path(name or "proposal.yaml").name
        try:
            data = base64.b64decode(contents.partition(",")[2], validate=True)
        except (binascii.Error, ValueError):
            return refused(f"{label}: could not be read")
        with tempfile.TemporaryDirectory(prefix="viz-review-") as folder:
            path = Path(folder) / label
            path.write_bytes(data)
            try:
                proposal = load_proposal(path)
            except ProposalError as exc:
                return refused(str(exc).replace(str(path), label))
        if proposal.dataset != contexts.get(key).dataset.meta.id:
            return refused(f"{label}: made for the dataset {proposal.dataset!r}, not this one")
        return shown(proposal)

    @app.callback(Output("review-problems", "children", allow_duplicate=True),
                  Output("edit-nav", "data", allow_duplicate=True), Input("review-apply", "n_clicks"),
                  State("review-proposal", "data"), State("review-decisions", "data"),
                  State("review-generation", "data"), State("url", "search"), DATASET,
                  State({"type": "review-yaml", "key": ALL}, "value"), prevent_initial_call=True)
    def apply(clicks: int, data: dict | None, decisions: dict | None, generation: str | None, search: str | None,
              key: str | None, _edited: list):
        """The accepted items, applied like ``viz apply``; the page then reopens on the new session."""
        if not clicks or not isinstance(data, dict):
            return no_update, no_update
        current = isinstance(decisions, dict) and decisions.get("generation") == generation
        decisions = decisions.get("items") if current and isinstance(decisions.get("items"), dict) else {}
        if "accept" not in decisions.values():
            return "Accept at least one item first.", no_update
        for item in data.get("items", []):
            item["decision"] = decisions.get(item.get("key"), "reject")
        texts = {i["id"]["key"]: i.get("value") for i in ctx.states_list[-1] if isinstance(i.get("value"), str)}
        problem = edited_items(data, texts)
        if problem:
            return problem, no_update
        try:
            proposal = parse_proposal(data, "the proposal in this page")
        except ProposalError as exc:
            return str(exc), no_update
        with tempfile.TemporaryDirectory(prefix="viz-review-") as folder:
            path = Path(folder) / "proposal.yaml"
            path.write_text(dump_proposal(proposal), encoding="utf-8")
            accepted = [i for i in proposal.items if i.decision == "accept"]
            sources = [i.id for i in accepted if i.kind == "source"]

            ids = list(dict.fromkeys(i.id for i in accepted if i.id))  # (topics and mentions have none)

            def logged(texts: dict[Path, str]) -> None:  # one change in changes.jsonl, undoable like a save
                edits.commit_applied(contexts.folder(key), texts, ids=ids, sources=sources,
                                     reason=f"review of a report: {len(accepted)} items accepted")

            try:
                apply_proposal(path, contexts.folder(key), write=logged)
                contexts.reload(key)
            except (ApplyError, DatasetError, edits.EditError) as exc:
                return str(exc).replace(str(path), "the proposal"), no_update
        return None, navigate(search, key, _first_session(proposal.model_copy(update={"items": accepted})) or False)
