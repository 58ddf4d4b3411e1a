"""Callbacks: read inputs, call one pure function, return its output."""

from __future__ import annotations

from dash import Dash, Input, Output

from viz.view import ViewContext, build_view


def register_callbacks(app: Dash, context: ViewContext) -> None:
    @app.callback(
        Output("network-graph", "figure"),
        Output("timeline-graph", "figure"),
        Output("view-summary", "children"),
        Input("org-filter", "value"),
        prevent_initial_call=True,
    )
    def filter_by_organisation(org_ids: list[str] | None):
        view = build_view(context, org_ids or [])
        return view.network, view.timeline, view.summary
