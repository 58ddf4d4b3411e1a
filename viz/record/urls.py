"""The one rule for web links: an http(s) URL with a host, and nothing that could break out of an attribute."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: characters RFC 3986 does not allow in a URL (plus the apostrophe, a quote in HTML attributes);
#: non-ASCII letters stay allowed, as browsers accept them (IRIs)
_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f\"'<>\\^`{|}]")


def web_url_problem(url: str) -> str | None:
    """Why ``url`` is not an http(s) URL with a host that is safe to put in a link, or None if it is."""
    bad = _URL_FORBIDDEN.search(url)
    if bad:
        return f"it contains {bad.group()!r} (percent-encode it as %{ord(bad.group()):02X})"
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a malformed port
    except ValueError as exc:
        return f"it cannot be parsed ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return "it must start with http:// or https://"
    if not parts.hostname:
        return "it has no host name"
    if parts.username is not None or parts.password is not None:
        return "it carries a user name or password"
    return None
