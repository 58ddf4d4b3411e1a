"""The explorer's state — filters, time window, focus and selection — and its URL form.

A :class:`ViewState` is everything needed to redraw a view, so a copied link
(``?org=elbit&from=2021&to=2025&sel=event:jwg-15``) reopens the same view.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from urllib.parse import parse_qs, urlencode

from viz.record.model import partial_date_bounds

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
_REF = re.compile(r"^(node|event|pair):[A-Za-z0-9._|-]{1,250}$")
MAX_HOPS = 3


@dataclasses.dataclass(frozen=True)
class ViewState:
    """What the user has chosen. Empty tuples mean "no filter"."""

    orgs: tuple[str, ...] = ()
    actor_kinds: tuple[str, ...] = ()
    event_kinds: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    hops: int = 1
    start: dt.date | None = None
    end: dt.date | None = None
    focus: tuple[str, ...] = ()  # actors found with the search box
    selected: str | None = None  # "node:<id>", "event:<id>" or "pair:<id>|<id>"
    path_from: str | None = None  # shortest paths between two actors
    path_to: str | None = None
    countries: bool = True  # draw each actor's link to its country (context relations)
    grey: bool = False  # filtered-out nodes and events turn grey instead of being hidden

    @property
    def has_filters(self) -> bool:
        """True when anything narrows the view (selection only highlights)."""
        return bool(self.orgs or self.actor_kinds or self.event_kinds or self.topics or self.focus
                    or self.start or self.end or not self.countries)

    def describe(self, names: dict[str, str]) -> str:
        """One line for titles and exports: ``Elbit Systems · 2021–2025 · visit``."""
        parts = [", ".join(names.get(o, o) for o in (*self.orgs, *self.focus))]
        if self.start or self.end:
            parts.append(f"{self.start or '…'} – {self.end or '…'}")
        parts += [", ".join(k.replace("_", " ") for k in self.actor_kinds),
                  ", ".join(names.get(k, k.replace("_", " ")) for k in self.event_kinds), ", ".join(self.topics)]
        if (self.orgs or self.focus) and self.hops != 1:
            parts.append(f"{self.hops} hops")
        if not self.countries:
            parts.append("no country links")
        return " · ".join(p for p in parts if p)


def parse_date(text: str | None, *, end: bool = False) -> dt.date | None:
    """``2021`` -> 1 Jan 2021 (or 31 Dec with ``end``); full ISO dates as they are; junk -> None."""
    if not text or not _DATE.match(text.strip()):
        return None
    try:
        first, last = partial_date_bounds(text.strip())
    except ValueError:
        return None
    return last if end else first


def state_to_query(state: ViewState) -> str:
    """The URL query string (with a leading ``?``, or empty) for a state."""
    pairs: list[tuple[str, str]] = []
    for key, values in (("org", state.orgs), ("kind", state.actor_kinds), ("event", state.event_kinds),
                        ("topic", state.topics), ("find", state.focus)):
        pairs += [(key, v) for v in values]
    if state.hops != 1:
        pairs.append(("hops", str(state.hops)))
    if state.start:
        pairs.append(("from", state.start.isoformat()))
    if state.end:
        pairs.append(("to", state.end.isoformat()))
    if state.selected:
        pairs.append(("sel", state.selected))
    if state.path_from:
        pairs.append(("path_from", state.path_from))
    if state.path_to:
        pairs.append(("path_to", state.path_to))
    if not state.countries:
        pairs.append(("countries", "hide"))
    if state.grey:
        pairs.append(("filtered", "grey"))
    return f"?{urlencode(pairs)}" if pairs else ""


def state_from_query(query: str | None) -> ViewState:
    """Parse a URL query string; anything malformed is ignored, never an error."""
    params = parse_qs((query or "").lstrip("?"), keep_blank_values=False)

    def many(key: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for v in params.get(key, []) if 0 < len(v) <= 200))

    def one(key: str) -> str | None:
        values = params.get(key)
        return values[-1] if values else None

    hops_text = one("hops") or "1"
    hops = int(hops_text) if hops_text.isdigit() else 1
    selected = one("sel")
    return ViewState(
        orgs=many("org"), actor_kinds=many("kind"), event_kinds=many("event"), topics=many("topic"),
        hops=min(max(hops, 0), MAX_HOPS),
        start=parse_date(one("from")), end=parse_date(one("to"), end=True),
        focus=many("find"),
        selected=selected if selected and _REF.match(selected) else None,
        path_from=_id_or_none(one("path_from")), path_to=_id_or_none(one("path_to")),
        countries=one("countries") != "hide", grey=one("filtered") == "grey",
    )


def selection_ref(value: object) -> str | None:
    """A selection reference (``node:<id>``, ``event:<id>``, ``pair:<id>|<id>``) as it is, or None if malformed."""
    return value if isinstance(value, str) and _REF.match(value) else None


def _id_or_none(value: str | None) -> str | None:
    return value if value and _ID.match(value) else None


def state_from_controls(
    *,
    orgs: list[str] | None,
    actor_kinds: list[str] | None,
    event_kinds: list[str] | None,
    topics: list[str] | None,
    hops: int | str | None,
    years: list[int] | None,
    year_range: tuple[int, int],
    focus: list[str] | None,
    selected: str | None,
    path_from: str | None = None,
    path_to: str | None = None,
    countries: list[str] | None = None,
    filtered: str | None = None,
) -> ViewState:
    """The state the page's controls describe. A year slider at its full range means no window."""
    start = end = None
    if years and len(years) == 2 and (years[0], years[1]) != tuple(year_range):
        start, end = dt.date(int(years[0]), 1, 1), dt.date(int(years[1]), 12, 31)
    try:
        hop_count = min(max(int(hops if hops is not None else 1), 0), MAX_HOPS)
    except (TypeError, ValueError):
        hop_count = 1
    return ViewState(
        orgs=tuple(orgs or ()), actor_kinds=tuple(actor_kinds or ()), event_kinds=tuple(event_kinds or ()),
        topics=tuple(topics or ()), hops=hop_count, start=start, end=end, focus=tuple(focus or ()),
        selected=selection_ref(selected), path_from=_id_or_none(path_from), path_to=_id_or_none(path_to),
        countries=countries is None or "show" in (countries if isinstance(countries, list) else [countries]),
        grey=filtered == "grey",
    )


def controls_from_state(state: ViewState, year_range: tuple[int, int]) -> dict:
    """The control values that show ``state`` (the inverse of :func:`state_from_controls`)."""
    low, high = year_range
    years = [max(low, state.start.year) if state.start else low, min(high, state.end.year) if state.end else high]
    return {"orgs": list(state.orgs), "actor_kinds": list(state.actor_kinds),
            "event_kinds": list(state.event_kinds), "topics": list(state.topics), "hops": state.hops,
            "years": years, "focus": list(state.focus), "selected": state.selected,
            "path_from": state.path_from, "path_to": state.path_to,
            "countries": "show" if state.countries else "hide", "filtered": "grey" if state.grey else "hide"}
