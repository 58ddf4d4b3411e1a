"""The Dash app: layout and thin callbacks over :mod:`viz.view`."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from dash import Dash, set_props

from viz import ASSETS_DIR, default_data_dir
from viz.app.callbacks import register_callbacks
from viz.app.layout import app_shell
from viz.app.security import apply_security_headers
from viz.upload import Contexts
from viz.view import ViewContext, prepare_context


def create_app(data_dir: str | Path | None = None, context: ViewContext | None = None,
               upload_dir: str | Path | None = None) -> Dash:
    """Build the app for a dataset folder (default: :func:`viz.default_data_dir`).

    Raises :class:`viz.load.DatasetError` if the dataset is invalid, before any
    server starts. Uploaded datasets are kept in ``upload_dir`` (default
    ``$VIZ_UPLOAD_DIR`` or ``<tmp>/viz-uploads``), shared by all workers.
    """
    context = context or prepare_context(data_dir or default_data_dir())
    app = Dash(
        __name__,
        title=context.dataset.meta.title,
        assets_folder=str(ASSETS_DIR),
        update_title=None,
        on_error=_report_callback_error,
    )
    uploads = Path(upload_dir or os.environ.get("VIZ_UPLOAD_DIR") or Path(tempfile.gettempdir()) / "viz-uploads")
    app.layout = app_shell(context)
    register_callbacks(app, Contexts(context, uploads))
    apply_security_headers(app)
    return app


def _report_callback_error(error: Exception) -> None:
    """A failing callback leaves the page as it was and says so, instead of breaking it."""
    logging.getLogger("viz").exception("callback failed", exc_info=error)
    set_props("app-error", {"children": f"Something went wrong ({type(error).__name__}: {error}). "
                                        "The view was left as it was; try again or reset the filters."})
