"""Callbacks: read inputs, call one pure function, return its output."""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, ctx

from viz.view import ViewContext, build_view, clicked_details


def _clicked_ref(click: dict | None) -> str | None:
    points = (click or {}).get("points") or [{}]
    ref = points[0].get("customdata")
    return ref if isinstance(ref, str) else None


def register_callbacks(app: Dash, context: ViewContext) -> None:
    @app.callback(
        Output("network-graph", "figure"),
        Output("timeline-graph", "figure"),
        Output("view-summary", "children"),
        Input("org-filter", "value"),
        Input("jwg-only", "value"),
        prevent_initial_call=True,
    )
    def filter_views(org_ids: list[str] | None, jwg_only: list[str] | None):
        view = build_view(context, org_ids or [], jwg_only=bool(jwg_only))
        return view.network, view.timeline, view.summary

    @app.callback(
        Output("details", "children"),
        Input("network-graph", "clickData"),
        Input("timeline-graph", "clickData"),
        Input({"type": "jwg-session", "event": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def show_details(network_click: dict | None, timeline_click: dict | None, _session_clicks: list):
        trigger = ctx.triggered_id
        if isinstance(trigger, dict):
            ref = f"event:{trigger['event']}"
        else:
            ref = _clicked_ref(network_click if trigger == "network-graph" else timeline_click)
        return clicked_details(context, ref)
