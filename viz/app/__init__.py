"""The Dash app: layout and thin callbacks over :mod:`viz.render.view`."""

from __future__ import annotations

import html
import logging
import secrets
from pathlib import Path

from dash import Dash, set_props
from dash.html import Div as html_div

from viz import ASSETS_DIR, default_data_dir
from viz.app.callbacks import register_callbacks
from viz.app.layout import DATASET_GONE, app_shell
from viz.app.security import apply_security_headers
from viz.app.upload import MAX_REQUEST_BYTES, Contexts, DatasetGone, upload_folder, upload_store
from viz.network.positions import layout_store
from viz.render.view import ViewContext, prepare_context


def create_app(data_dir: str | Path | None = None, context: ViewContext | None = None,
               upload_dir: str | Path | None = None, *, edit: bool = False, edit_token: str | None = None) -> Dash:
    """Build the app for a dataset folder (default: :func:`viz.default_data_dir`).

    Raises :class:`viz.record.load.DatasetError` if the dataset is invalid, before any
    server starts. Uploaded datasets are kept in ``upload_dir`` (default
    ``$VIZ_UPLOAD_DIR`` or a private ``<tmp>/viz-uploads-<uid>``), shared by all
    workers; an unsafe default folder or a bad quota setting raises
    :class:`viz.record.storage.StorageError`.

    ``edit`` adds the edit panel and its callbacks (:mod:`viz.app.editing`), and nothing else does:
    read-only serving has no edit controls and no edit callbacks. With ``edit_token`` every request must
    carry it (:mod:`viz.app.edit_auth`); without one, only requests to the loopback interface are answered.
    """
    uploads = upload_store(upload_folder(upload_dir))
    layout_store()  # checks the default layout cache folder now, not at the first layout
    folder = Path(data_dir or default_data_dir())
    context = context or prepare_context(folder)
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
    contexts = Contexts(context, uploads, default_dir=folder if data_dir or context is None else None)
    app.layout = app_shell(context)
    register_callbacks(app, contexts)
    if edit:
        _add_editing(app, contexts, edit_token)
    apply_security_headers(app)
    return app


def _add_editing(app: Dash, contexts: Contexts, token: str | None) -> None:
    from viz.app.edit_auth import edit_token, guard_edits
    from viz.app.editing import register_edit_callbacks, skeleton

    if contexts.default_dir is None:
        raise ValueError("edit mode needs the dataset's folder (data_dir), not only a prepared context")
    contexts.watch = True  # saves made by another worker process are picked up (its change log grew)
    app.layout = lambda: app_shell(contexts.get(None))  # each page load shows the dataset as saved
    app.validation_layout = html_div([app_shell(contexts.default), skeleton()])
    register_edit_callbacks(app, contexts)
    guard_edits(app, token or edit_token())


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
