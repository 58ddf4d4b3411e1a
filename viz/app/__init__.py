"""The Dash app: layout and thin callbacks over :mod:`viz.render.view`."""

from __future__ import annotations

import html
import logging
import secrets
from pathlib import Path

from dash import Dash, set_props

from viz import ASSETS_DIR, default_data_dir
from viz.app.callbacks import register_callbacks
from viz.app.layout import DATASET_GONE, app_shell
from viz.app.security import apply_security_headers
from viz.app.upload import MAX_REQUEST_BYTES, Contexts, DatasetGone, upload_folder, upload_store
from viz.network.positions import layout_store
from viz.render.view import ViewContext, prepare_context


def create_app(data_dir: str | Path | None = None, context: ViewContext | None = None,
               upload_dir: str | Path | None = None) -> Dash:
    """Build the app for a dataset folder (default: :func:`viz.default_data_dir`).

    Raises :class:`viz.record.load.DatasetError` if the dataset is invalid, before any
    server starts. Uploaded datasets are kept in ``upload_dir`` (default
    ``$VIZ_UPLOAD_DIR`` or a private ``<tmp>/viz-uploads-<uid>``), shared by all
    workers; an unsafe default folder or a bad quota setting raises
    :class:`viz.record.storage.StorageError`.
    """
    uploads = upload_store(upload_folder(upload_dir))
    layout_store()  # checks the default layout cache folder now, not at the first layout
    context = context or prepare_context(data_dir or default_data_dir())
    app = Dash(
        __name__,
        # Dash puts the title into its index page as it is: escape it, or a title ends the <title> element
        title=html.escape(context.dataset.meta.title, quote=True),
        assets_folder=str(ASSETS_DIR),
        update_title=None,
        on_error=_report_callback_error,
        compress=True,  # flask-compress: callback answers are mostly repeated keys and hover text
    )
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES  # a larger body is refused (413) unread
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)  # screen readers pick the voice
    app.layout = app_shell(context)
    register_callbacks(app, Contexts(context, uploads))
    apply_security_headers(app)
    return app


def _report_callback_error(error: Exception) -> None:
    """A failing callback leaves the page as it was and says so, instead of breaking it.

    The client gets a plain message and a short error id; the details (type, message,
    traceback) go to the server log under that id, never to the client.
    """
    if isinstance(error, DatasetGone):  # evicted while its page was open: not a fault of the server
        set_props("app-error", {"children": DATASET_GONE})
        return
    error_id = secrets.token_hex(4)
    logging.getLogger("viz").error("callback failed [error %s]", error_id, exc_info=error)
    set_props("app-error", {"children": f"Something went wrong (error {error_id}). The view was left as it was; "
                                        "try again or reset the filters."})
