"""Read what is ingested: a text file, an HTML file or an http(s) URL, into main text and metadata.

HTML (a file or a fetched page) goes through ``trafilatura``: main text without menus and
footers, title, site name and the publication date the page's metadata states. The date is
looked for in metadata only (no search of the body text, no guess from the URL), so a date
is never made up here; :mod:`viz.ingest.dates` reads the URL path separately and says so.
Every failure is an :class:`IngestError` naming the file or URL and why.
"""

from __future__ import annotations

import dataclasses
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Literal

from viz.record.urls import web_url_problem

#: largest file or page read, in bytes
MAX_BYTES = 5_000_000
#: longest main text the extractor reads, in characters (an article is far shorter)
MAX_TEXT = 200_000
#: seconds allowed for a whole fetch (connect, headers and body)
TIMEOUT = 20.0
#: fewest words that make an article
MIN_WORDS = 12

_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
# control characters other than tab and newline: never part of an article, and they break YAML
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class IngestError(Exception):
    """A source that cannot be ingested; the message names the file or URL and why."""


@dataclasses.dataclass(frozen=True)
class Document:
    """The main text of a report and what its page says about itself."""

    text: str
    kind: Literal["text", "html", "url"]
    name: str
    url: str | None = None
    title: str | None = None
    site: str | None = None
    #: YYYY-MM-DD from the page's metadata, if it states one
    published: str | None = None


def _decode(data: bytes, name: str) -> str:
    """Bytes as text, or IngestError if they are binary or not UTF-8."""
    if b"\x00" in data[:8192]:
        raise IngestError(f"{name}: binary data, not text or HTML (NUL bytes in the first 8 KB)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _clean(text: str) -> str:
    """One newline convention, no control characters: the text every offset indexes."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _from_html(html: str, name: str, kind: Literal["html", "url"], url: str | None) -> Document:
    import trafilatura  # imported here: only HTML needs it, and it is slow to import

    # metadata dates only: a body-text search or the URL could turn "/2025/11/" into an invented day
    found = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                        date_extraction_params={"extensive_search": False, "original_date": True})
    if found is None or not (found.text or "").strip():
        raise IngestError(f"{name}: no article text found in the HTML")
    published = found.date if found.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", found.date) else None
    return Document(_clean(found.text), kind, name, url, found.title or None, found.sitename or None, published)


def _checked(document: Document) -> Document:
    size = len(document.text)
    if size > MAX_TEXT:
        raise IngestError(f"{document.name}: the text is {size} characters; an article is at most {MAX_TEXT}")
    words = len(re.findall(r"[^\W\d_]{2,}", document.text))
    if words < MIN_WORDS:
        raise IngestError(f"{document.name}: not an article: {words} word{'s' if words != 1 else ''} of text "
                          f"(at least {MIN_WORDS} are needed)")
    return document


def read_file(path: str | Path, limit: int = MAX_BYTES) -> Document:
    """A text or HTML file (HTML by its suffix or its first tag)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise IngestError(f"{path}: file is {size} bytes; the limit is {limit}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise IngestError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise IngestError(f"{path}: cannot read file: {exc.strerror}") from None
    text = _decode(data, str(path))
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or _HTML_START.match(text):
        return _checked(_from_html(text, str(path), "html", None))
    return _checked(Document(_clean(text), "text", str(path)))


def _read_body(response, url: str, limit: int, deadline: float) -> bytes:
    """The response body, read in chunks against the size limit and the whole fetch's deadline."""
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        raise IngestError(f"{url}: the page is {length} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    total = 0
    while chunk := response.read(65536):
        total += len(chunk)
        if total > limit:
            raise IngestError(f"{url}: the page is over the limit of {limit} bytes")
        if time.monotonic() > deadline:
            raise IngestError(f"{url}: timed out after {TIMEOUT:g} s while reading the page")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch(url: str, limit: int = MAX_BYTES, timeout: float = TIMEOUT) -> Document:
    """An http(s) page: HTML through trafilatura, plain text as it is; anything else is an error."""
    if problem := web_url_problem(url):
        raise IngestError(f"{url}: not an http(s) URL that can be fetched: {problem}")
    request = urllib.request.Request(url, headers={"User-Agent": "viz-ingest/1 (+https://example.org/viz)",
                                                   "Accept": "text/html, text/plain;q=0.9"})
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            media = response.headers.get_content_type()
            if media not in ("text/html", "application/xhtml+xml", "text/plain"):
                raise IngestError(f"{url}: the page is {media}, not HTML or text")
            data = _read_body(response, url, limit, deadline)
            final = response.geturl()
    except urllib.error.HTTPError as exc:
        raise IngestError(f"{url}: the server answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        why = "timed out" if isinstance(reason, TimeoutError) else str(reason)
        raise IngestError(f"{url}: cannot fetch the page: {why}") from None
    except TimeoutError:
        raise IngestError(f"{url}: timed out after {timeout:g} s") from None
    except OSError as exc:
        raise IngestError(f"{url}: cannot fetch the page: {exc}") from None
    text = _decode(data, url)
    if media == "text/plain":
        return _checked(Document(_clean(text), "url", url, final))
    return _checked(_from_html(text, url, "url", final))


def read_source(source: str, limit: int = MAX_BYTES, timeout: float = TIMEOUT) -> Document:
    """A file path or an http(s) URL, read into a :class:`Document`."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source):
        return fetch(source, limit, timeout)
    return read_file(source, limit)
