"""Entry point: the app for the default dataset (``gunicorn app:server`` works)."""

from viz.app import create_app

app = create_app()
server = app.server
