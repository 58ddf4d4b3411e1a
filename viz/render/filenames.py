"""File names that say what an exported view is: dataset, filters, time window and chart.

``india-israel_org-rafael_2015-2020_network``: parts joined by ``_``, words within a part by ``-``.
Every name is an ASCII slug (``a-z``, ``0-9``, ``-``, ``_``), safe on every filesystem, and at most
:data:`MAX_STEM` characters: a longer description keeps the dataset, the window and the chart and
shortens the filters, ending in a hash of the whole description so two views never share a name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

from viz.network.state import ViewState

#: the longest stem; with a folder and an extension the path stays well inside Windows' 260 characters
MAX_STEM = 100
WHAT = ("view", "network", "timeline")


def slug(text: str) -> str:
    """``Tel Aviv–Yafo`` -> ``tel-aviv-yafo``: ASCII letters and digits, words joined by ``-``."""
    # accents come off (é -> e); any other non-ASCII character (a dash, another script) separates words
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c if c.isascii() else "" if unicodedata.combining(c) else " " for c in decomposed)
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _bound(day: dt.date, *, end: bool) -> str:
    """A window's bound as briefly as it is exact: ``2015``, ``2015-03`` or ``2015-03-14``."""
    next_day = day + dt.timedelta(days=1)
    if (day.month, day.day) == ((12, 31) if end else (1, 1)):
        return f"{day.year}"
    if (next_day.day == 1) if end else (day.day == 1):
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


def _window(state: ViewState, year_range: tuple[int, int]) -> str:
    """``2015-2020`` (whole years), ``2015-03-to-2020-06-30`` otherwise; the dataset's years without a window."""
    low, high = year_range
    start = _bound(state.start, end=False) if state.start else str(low)
    end = _bound(state.end, end=True) if state.end else str(high)
    both_years = len(start) == 4 and len(end) == 4
    return f"{start}-{end}" if both_years else f"{start}-to-{end}"


def _filters(state: ViewState) -> list[str]:
    """One part per filter, in the order the URL gives them: ``org-rafael``, ``kind-person``, ``2-hops`` ..."""
    parts = []
    for label, values in (("org", state.orgs), ("find", state.focus), ("kind", state.actor_kinds),
                          ("event", state.event_kinds), ("topic", state.topics)):
        words = [slug(v) for v in values]
        if any(words):
            parts.append("-".join([label, *(w for w in words if w)]))
    if (state.orgs or state.focus) and state.hops != 1:
        parts.append(f"{state.hops}-hops")
    if not state.countries:
        parts.append("no-country-links")
    if state.path_from and state.path_to:
        parts.append(f"path-{slug(state.path_from)}-to-{slug(state.path_to)}")
    if state.selected:
        parts.append(f"sel-{slug(state.selected.split(':', 1)[1])}")
    return parts


def view_file_stem(dataset_id: str, state: ViewState, year_range: tuple[int, int], what: str = "view") -> str:
    """The file name, without extension, for an export of a view (``what``: view, network or timeline).

    >>> view_file_stem("india-israel", ViewState(orgs=("rafael",), start=dt.date(2015, 1, 1),
    ...                end=dt.date(2020, 12, 31)), (2013, 2025), "network")
    'india-israel_org-rafael_2015-2020_network'
    """
    if what not in WHAT:
        raise ValueError(f"unknown chart {what!r}; use one of {', '.join(WHAT)}")
    head, tail = slug(dataset_id) or "dataset", f"{_window(state, year_range)}_{what}"
    filters = "_".join(_filters(state))
    stem = "_".join(p for p in (head, filters, tail) if p)
    if len(stem) <= MAX_STEM:
        return stem
    digest = hashlib.sha1(stem.encode()).hexdigest()[:8]
    head = head[:40].strip("-")
    room = MAX_STEM - len(head) - len(tail) - len(digest) - 3  # three "_" around the shortened filters
    filters = filters[:max(room, 0)].rstrip("-_")
    return "_".join(p for p in (head, filters, digest, tail) if p)
