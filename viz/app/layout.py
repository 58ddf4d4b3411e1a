"""The page: header, organisation filter, network and timeline."""

from __future__ import annotations

from dash import dcc, html

from viz.details import EMPTY_HINT
from viz.figures import modebar_config
from viz.figures.timeline import PRECISION_LEGEND
from viz.timeline import TimelineEntry, jwg_series
from viz.view import ViewContext, build_view


def _date_span(context: ViewContext) -> str:
    years = sorted({e.date.start[:4] for e in context.dataset.events if e.date.start})
    if not years:
        return ""
    return years[0] if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def _session_button(entry: TimelineEntry) -> html.Button:
    where = f" · {entry.place}" if entry.place else ""
    chairs = [p for p in entry.participants if "(co-chair" in p]
    return html.Button(
        [html.Strong(entry.label or "?"), html.Span(f" {entry.date_label}{where}")],
        id={"type": "jwg-session", "event": entry.event_id},
        className=f"viz-session viz-precision-{entry.precision}",
        title="; ".join(chairs) or entry.title,
        n_clicks=0,
    )


def page_layout(context: ViewContext) -> html.Div:
    """The whole page, with both charts already drawn for the unfiltered view."""
    meta = context.dataset.meta
    view = build_view(context)
    options = [
        {"label": f"{a.name} ({a.kind.value.replace('_', ' ')})", "value": a.id}
        for a in context.dataset.organisations()
    ]
    facts = [
        f"{len(context.dataset.actors)} actors",
        f"{len(context.dataset.events)} events",
        f"{len(context.dataset.sources)} sources",
    ]
    if span := _date_span(context):
        facts.append(span)
    return html.Div(className="viz-page", children=[
        html.Header(className="viz-header", children=[
            html.H1(meta.title, id="page-title"),
            html.Span(" · ".join(facts), className="viz-facts"),
        ]),
        html.Section(className="viz-controls", children=[
            html.Label("Organisation", htmlFor="org-filter"),
            dcc.Dropdown(id="org-filter", options=options, value=[], multi=True,
                         placeholder="All organisations — choose one or more to filter",
                         className="viz-org-filter"),
            dcc.Checklist(id="jwg-only", options=[{"label": " Timeline: only JWG sessions", "value": "jwg"}],
                          value=[], className="viz-jwg-only"),
            html.Span(view.summary, id="view-summary", className="viz-summary", role="status"),
        ]),
        html.Div(className="viz-body", children=[
            html.Main(className="viz-charts", children=[
                dcc.Graph(id="network-graph", figure=view.network, config=modebar_config(f"{meta.id}-network"),
                          className="viz-network"),
                dcc.Graph(id="timeline-graph", figure=view.timeline,
                          config=modebar_config(f"{meta.id}-timeline"), className="viz-timeline"),
                html.Nav(id="jwg-series", className="viz-series", children=[
                    html.Span("JWG sessions in order:", className="viz-field-label"),
                    *[_session_button(e) for e in jwg_series(context.dataset)],
                ], **{"aria-label": "JWG sessions in series order"}),
                html.Ul([html.Li(f"{name}: {meaning}") for name, _, meaning in PRECISION_LEGEND],
                        className="viz-precision-key", title="How dates are drawn on the timeline"),
            ]),
            html.Aside(className="viz-details-panel", children=[
                html.H2("Details"),
                html.Div(EMPTY_HINT, id="details", className="viz-details", role="region",
                         **{"aria-live": "polite"}),
            ]),
        ]),
        html.Footer(className="viz-footer", children=[
            html.Span(meta.description or ""),
        ]),
    ])
