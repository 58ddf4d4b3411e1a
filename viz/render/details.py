"""The details panel: the full record behind anything a user clicks, with its sources.

Pure functions from a dataset (and graph) to Dash HTML components. Dash
renders component text as text, never as markup; only http(s) source URLs
become links.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import networkx as nx
from dash import html

from viz.network.graph import RELATIONS
from viz.network.timeline import event_actor_ids, ordinal
from viz.record.labels import actor_type_label, event_kind_label, role_label
from viz.record.load import Dataset
from viz.record.model import (
    Agreement,
    AgreementStatus,
    Confidence,
    DateSpec,
    Event,
    Participant,
    SourceConflict,
    format_partial_date,
)
from viz.render.overview import overview

#: the id of the heading of the record shown, which gets the keyboard focus when a record opens
DETAILS_HEADING = "details-heading"
#: the id of a record's own list of sources (the "Sources (n)" link at its top goes there)
DETAILS_SOURCES = "details-sources"


def source_label(dataset: Dataset, source_id: str) -> str:
    """``Business Standard, 5 Nov 2025`` (or ``..., date not shown``)."""
    source = dataset.source_by_id[source_id]
    when = format_partial_date(source.published) if source.published else "date not shown"
    return f"{source.publisher}, {when}"


def source_labels(dataset: Dataset) -> dict[str, str]:
    """Short labels for every source, for hovers."""
    return {s.id: source_label(dataset, s.id) for s in dataset.sources}


def _is_web_link(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("http://", "https://"))


def sources_list(dataset: Dataset, ids: Iterable[str]) -> html.Ul:
    """Sources as links: publisher, publication date (or why it is missing), URL."""
    items = []
    for source_id in dict.fromkeys(ids):
        source = dataset.source_by_id[source_id]
        name: html.Component = (
            html.A(source.publisher, href=source.url, target="_blank", rel="noopener noreferrer")
            if _is_web_link(source.url) else html.Span(source.publisher)
        )
        date = format_partial_date(source.published) if source.published else "date not shown"
        parts: list = [name, html.Span(f" · {date}", className="viz-source-date")]
        if source.published_note:
            parts.append(html.Span(f" ({source.published_note})", className="viz-muted"))
        if source.title:
            parts.append(html.Div(source.title, className="viz-source-title"))
        parts.append(html.Div(source.url or source.document or "", className="viz-source-url"))
        if source.note:
            parts.append(html.Div(source.note, className="viz-muted"))
        items.append(html.Li(parts, **{"data-source-id": source_id}))
    return html.Ul(items, className="viz-sources")


def _field(label: str, value: object) -> html.Div | None:
    if value in (None, "", (), []):
        return None
    return html.Div([html.Span(f"{label}: ", className="viz-field-label"), html.Span(value)], className="viz-field")


def _date_text(date: DateSpec) -> str:
    text = f"{date.label()} (precision: {date.precision.value}"
    text += ", one moment in this window)" if date.window else ")"
    text = f"{text} — {date.basis}" if date.basis else text
    return f"{text}. {date.note}" if date.note else text


def _conflicts(dataset: Dataset, conflicts: Sequence[SourceConflict]) -> list:
    """Disagreements between sources, folded under their count (open it to read each one)."""
    if not conflicts:
        return []
    return [html.Details(className="viz-conflicts", children=[
        html.Summary(f"Sources disagree ({len(conflicts)})", className="viz-conflict-heading"),
        *[html.Div([html.P(c.note), sources_list(dataset, c.sources)], className="viz-conflict") for c in conflicts],
    ])]


def _sources_section(dataset: Dataset, ids: Sequence[str]) -> list:
    return [html.H4(f"Sources ({len(dict.fromkeys(ids))})", id=DETAILS_SOURCES, tabIndex=-1),
            sources_list(dataset, ids)]


def _confidence(confidence: Confidence | None) -> html.Div | None:
    return _field("Confidence", confidence.value) if confidence else None


def _person_text(dataset: Dataset, person: Participant, when: str | None = None) -> str:
    names = dataset.actor_by_id
    details = [role_label(dataset, person.role)] + ([person.title] if person.title else [])
    if person.organisation:
        details.append(f"for {names[person.organisation].name_at(when)}")
    if person.side:
        details.append(f"{names[person.side].name} side")
    return f"{names[person.actor].name_at(when)} — {', '.join(details)}"


def _panel(kind: str, title: str, *children: object, sources: Sequence[str] = (), conflicts: int = 0) -> html.Div:
    """A record: its kind, its heading (focused when it opens), a line that jumps to its sources, its fields."""
    jump = []
    if sources:
        jump.append(html.A(f"Sources ({len(dict.fromkeys(sources))}) \u2193", href=f"#{DETAILS_SOURCES}",
                           className="viz-jump"))
    if conflicts:
        jump.append(html.Span(f" · sources disagree on {conflicts} point{'s' if conflicts != 1 else ''}",
                              className="viz-conflict-heading"))
    close = html.Button("\u2190 Overview", id={"type": "details-close", "record": "shown"}, n_clicks=0,
                        className="viz-link-button viz-close", title="Close this record and show where to start")
    return html.Div([close, html.Div(kind, className="viz-details-kind"),
                     html.H3(title, id=DETAILS_HEADING, tabIndex=-1),
                     html.Div(jump, className="viz-jumps") if jump else None,
                     *[c for c in children if c is not None]], className="viz-details-record")


def _event_button(event: Event) -> html.Button:
    """An event named in a record, which opens that event's record."""
    return html.Button(f"{event.date.label()} — {event.title}", id={"type": "details-event", "event": event.id},
                       className="viz-link-button", n_clicks=0)


def event_details(dataset: Dataset, event: Event) -> html.Div:
    """Everything recorded about one event (bodies named as they were called at the time)."""
    session = None
    if event.session_number is not None:
        session = ordinal(event.session_number) + (" (number inferred, not stated by any source)"
                                                   if event.session_inferred else "")
    elif event.series:
        session = "number not given by the sources"
    series = dataset.series_by_id.get(event.series) if event.series else None
    when = event.date.first
    names = {actor_id: actor.name_at(when) for actor_id, actor in dataset.actor_by_id.items()}
    return _panel(
        event_kind_label(dataset, event), event.title,
        _field("Series", series.name if series else None),
        _field("Session", session),
        _field("Date", _date_text(event.date)),
        _field("Place", event.place.label() if event.place else None),
        _field("Part of", dataset.event_by_id[event.part_of].title if event.part_of else None),
        _field("Body", names[event.body] if event.body else None),
        html.Div([html.H4("Participants"), html.Ul([html.Li(_person_text(dataset, p, when))
                                                    for p in event.participants])])
        if event.participants else None,
        _field("Organisations", ", ".join(names[o] for o in event.organisations)),
        _field("Also mentioned (not taking part)", ", ".join(names[o] for o in event.mentions)),
        _field("Outcomes", ", ".join(dataset.agreement_by_id[a].name for a in event.outcomes)),
        _field("Topics", ", ".join(event.topics)),
        html.P(event.summary, className="viz-summary-text") if event.summary else None,
        _confidence(event.confidence),
        *_conflicts(dataset, event.conflicts),
        *_sources_section(dataset, event.sources),
        sources=event.sources, conflicts=len(event.conflicts),
    )


def agreement_details(dataset: Dataset, agreement: Agreement) -> html.Div:
    """Everything recorded about one agreement, and the events that produced it."""
    names = dataset.actor_by_id
    produced_at = [e.title for e in dataset.events if agreement.id in e.outcomes]
    status = agreement.status.value.replace("_", " ")
    return _panel(
        agreement.kind if agreement.is_signed else f"{agreement.kind} ({status}, not signed)", agreement.name,
        _field("Status", status),
        _field("Signed", _date_text(agreement.signed) if agreement.signed else None),
        *[_field(s.value.replace("_", " ").capitalize(), _date_text(agreement.dates[s]))
          for s in AgreementStatus if s in agreement.dates],
        _field("Parties", ", ".join(names[p].name for p in agreement.parties)),
        html.Div([html.H4("Signatories"), html.Ul([html.Li(_person_text(dataset, p))
                                                    for p in agreement.signatories])])
        if agreement.signatories
        else _field("Signatories", "not named by the sources" if agreement.is_signed else None),
        _field("Areas", ", ".join(agreement.areas)),
        _field("Concluded at", "; ".join(produced_at)),
        html.P(agreement.summary, className="viz-summary-text") if agreement.summary else None,
        _confidence(agreement.confidence),
        *_conflicts(dataset, agreement.conflicts),
        *_sources_section(dataset, agreement.sources),
        sources=agreement.sources, conflicts=len(agreement.conflicts),
    )


def actor_details(dataset: Dataset, actor_id: str) -> html.Div:
    """An actor's dated roles with their sources, and the events it took part in."""
    actor = dataset.actor_by_id[actor_id]
    names = dataset.actor_by_id
    roles = [
        html.Li([
            html.Span(f"{r.title}" + (f", {names[r.organisation].name_at(r.as_of)}" if r.organisation else "")),
            html.Span(f" — described as a former holder on {format_partial_date(r.as_of)}" if r.former
                      else f" — as of {format_partial_date(r.as_of)}", className="viz-muted"),
            html.Span(f" · confidence {r.confidence.value}", className="viz-muted") if r.confidence else None,
            html.Div(r.note, className="viz-muted") if r.note else None,
            sources_list(dataset, r.sources),
        ]) for r in actor.roles
    ]
    events = sorted((e for e in dataset.events if actor_id in event_actor_ids(dataset, e)),
                    key=lambda e: (e.date.first is None, e.date.first or ""))
    dated_names = [f"{n.name} ({' – '.join(format_partial_date(d) if d else '…' for d in (n.since, n.until))})"
                   for n in actor.names]
    return _panel(
        actor_type_label(dataset, actor), actor.name,
        _field("Country", names[actor.country].name if actor.country else None),
        _field("Earlier or later names", "; ".join(dated_names)),
        _field("Also known as", ", ".join(actor.aliases)),
        html.P(actor.description, className="viz-summary-text") if actor.description else None,
        html.Div([html.H4("Roles (dated by the source that states them)"), html.Ul(roles)]) if roles else None,
        html.Div([html.H4(f"Events ({len(events)})"),
                  html.Ul([html.Li(_event_button(e)) for e in events])]) if events else None,
        *_conflicts(dataset, actor.conflicts),
        html.Div(_sources_section(dataset, actor.sources)) if actor.sources else None,
        sources=actor.sources, conflicts=len(actor.conflicts),
    )


def pair_details(dataset: Dataset, graph: nx.MultiDiGraph, first: str, second: str) -> html.Div:
    """Every relation recorded between two nodes, each with its record and sources."""
    edges = [*graph.get_edge_data(first, second, default={}).values(),
             *graph.get_edge_data(second, first, default={}).values()]
    label = graph.nodes
    items = []
    for data in sorted(edges, key=lambda d: d.get("date") or ""):
        verb = RELATIONS.get(data["relation"], data["relation"])
        if data.get("status") and data["status"] not in ("signed", "in_force", "expired"):
            verb += f" ({data['status'].replace('_', ' ')}, not signed)"
        items.append(html.Li([
            html.Div(f"{data.get('context') or ''} — {verb} ({data.get('date_label') or 'undated'}, "
                     f"precision: {data.get('precision')})"),
            sources_list(dataset, data.get("sources", [])),
        ]))
    return _panel("relations", f"{label[first]['label']} — {label[second]['label']}",
                  html.Ul(items, className="viz-relations"))


def details_for(dataset: Dataset, graph: nx.MultiDiGraph, ref: str | None) -> html.Div:
    """Details for a click reference: ``event:<id>``, ``node:<id>`` or ``pair:<id>|<id>``.

    Unknown or empty references give the overview (:func:`viz.render.overview.overview`), never an error.
    """
    kind, _, value = (ref or "").partition(":")
    if kind == "event" and value in dataset.event_by_id:
        return event_details(dataset, dataset.event_by_id[value])
    if kind == "node" and value in dataset.agreement_by_id:
        return agreement_details(dataset, dataset.agreement_by_id[value])
    if kind == "node" and value in dataset.actor_by_id:
        return actor_details(dataset, value)
    if kind == "pair":
        first, _, second = value.partition("|")
        if first in graph and second in graph:
            return pair_details(dataset, graph, first, second)
    return overview(dataset)
