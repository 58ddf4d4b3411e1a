"""Callbacks: read inputs, call one pure function, return its output."""

from __future__ import annotations

from dash import Dash, Input, Output, ctx

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
        prevent_initial_call=True,
    )
    def show_details(network_click: dict | None, timeline_click: dict | None):
        click = network_click if ctx.triggered_id == "network-graph" else timeline_click
        return clicked_details(context, _clicked_ref(click))
