"""The Dash app: layout and thin callbacks over :mod:`viz.view`."""

from __future__ import annotations

from pathlib import Path

from dash import Dash

from viz import ASSETS_DIR, default_data_dir
from viz.app.callbacks import register_callbacks
from viz.app.layout import page_layout
from viz.view import ViewContext, prepare_context


def create_app(data_dir: str | Path | None = None, context: ViewContext | None = None) -> Dash:
    """Build the app for a dataset folder (default: :func:`viz.default_data_dir`).

    Raises :class:`viz.load.DatasetError` if the dataset is invalid, before any
    server starts.
    """
    context = context or prepare_context(data_dir or default_data_dir())
    app = Dash(
        __name__,
        title=context.dataset.meta.title,
        assets_folder=str(ASSETS_DIR),
        update_title=None,
    )
    app.layout = page_layout(context)
    register_callbacks(app, context)
    return app
