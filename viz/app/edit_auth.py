"""Who may edit: edit mode serves on the loopback interface only, unless an access token is configured.

With ``VIZ_EDIT_TOKEN`` set, every request must carry the token: the header ``X-Viz-Edit-Token``, or the
cookie a one-time login page (``/edit-login``) sets. Tokens are compared in constant time. Without a token
(loopback only), requests naming another host (DNS rebinding) and cross-site POSTs are refused.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import os
from urllib.parse import urlsplit

from dash import Dash
from flask import Response, redirect, request

LOOPBACK = ("127.0.0.1", "localhost", "::1")
TOKEN_ENV = "VIZ_EDIT_TOKEN"
TOKEN_HEADER = "X-Viz-Edit-Token"
COOKIE = "viz_edit"
LOGIN_PATH = "/edit-login"
MIN_TOKEN_LENGTH = 16


class EditRefused(ValueError):
    """Edit mode cannot start as configured (the message says why and what to do)."""


def edit_token() -> str | None:
    """The configured access token (``$VIZ_EDIT_TOKEN``), or None; EditRefused if it is too short to be safe."""
    token = (os.environ.get(TOKEN_ENV) or "").strip()
    if token and len(token) < MIN_TOKEN_LENGTH:
        raise EditRefused(f"{TOKEN_ENV} is {len(token)} characters long; use at least {MIN_TOKEN_LENGTH} "
                          "(for example the output of `python -c 'import secrets; print(secrets.token_urlsafe())'`)")
    return token or None


def check_edit_host(host: str, token: str | None) -> None:
    """EditRefused unless ``host`` is a loopback address or an access token is configured."""
    if host not in LOOPBACK and not token:
        raise EditRefused(f"edit mode serves on 127.0.0.1 only: --host {host} would let other machines change the "
                          f"dataset. Set {TOKEN_ENV} to an access token (at least {MIN_TOKEN_LENGTH} characters) "
                          "to allow it, or leave out --host.")


def _session_value(token: str) -> str:
    """What the login cookie holds: derived from the token, never the token itself."""
    return hmac.new(token.encode(), b"viz-edit-session", hashlib.sha256).hexdigest()


def _equal(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def _login_page(message: str = "") -> str:
    note = f'<p role="alert">{html.escape(message)}</p>' if message else ""
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to edit</title></head>'
            '<body><main><h1>Sign in to edit</h1>' + note +
            f'<form method="post" action="{LOGIN_PATH}"><label for="token">Access token</label> '
            '<input id="token" name="token" type="password" autocomplete="current-password" required> '
            '<button type="submit">Sign in</button></form></main></body></html>')


def _same_origin() -> bool:
    """A POST comes from this app's own pages (browsers send Origin on every cross-site POST)."""
    origin = request.headers.get("Origin")
    return request.method != "POST" or not origin or urlsplit(origin).netloc == request.host


def guard_edits(app: Dash, token: str | None) -> None:
    """Refuse requests that may not edit (see the module's docstring)."""
    server = app.server

    @server.route(LOGIN_PATH, methods=["GET", "POST"])
    def _login():
        if token is None:
            return redirect("/")
        if request.method == "POST":
            if not _same_origin() or not _equal(request.form.get("token"), token):
                return Response(_login_page("That is not the access token."), 403, mimetype="text/html")
            response = redirect("/")
            response.set_cookie(COOKIE, _session_value(token), httponly=True, samesite="Strict",
                                secure=request.is_secure)
            return response
        return Response(_login_page(), mimetype="text/html")

    @server.before_request
    def _check():
        if not _same_origin():
            return Response("cross-site request refused", 403, mimetype="text/plain")
        if token is None:
            if (urlsplit(f"//{request.host}").hostname or "") not in LOOPBACK:
                return Response("edit mode answers only on 127.0.0.1", 403, mimetype="text/plain")
            return None
        if request.path == LOGIN_PATH:
            return None
        if _equal(request.headers.get(TOKEN_HEADER), token) or _equal(request.cookies.get(COOKIE),
                                                                        _session_value(token)):
            return None
        if request.method == "GET" and request.path == "/":
            return redirect(LOGIN_PATH)
        return Response("edit mode needs the access token", 403, mimetype="text/plain")
