"""Safe serving: security headers and a Content-Security-Policy that Dash can live with."""

from __future__ import annotations

from dash import Dash
from flask import Response


def content_security_policy(app: Dash) -> str:
    """A CSP allowing only this server's scripts plus the hashes of Dash's own inline scripts.

    Styles may be inline (Dash and Plotly set style attributes); images may be data:
    URIs (Plotly's PNG download). Nothing may frame the app. There is no 'unsafe-eval':
    the WebGL charts work because the page loads a partial build of plotly.js with the strict
    scattergl (assets/vendor/plotly-viz.min.js, precompiled shaders) instead of Dash's copy,
    whose WebGL code is compiled at run time.
    """
    hashes = " ".join(app.csp_hashes())  # already quoted: 'sha256-...'
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {hashes}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def apply_security_headers(app: Dash) -> None:
    """Send the headers on every response. Call after all callbacks are registered."""
    policy = content_security_policy(app)

    @app.server.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
