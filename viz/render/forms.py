"""Edit forms as data: the fields each kind of record shows, the form's Dash components, and the record a
filled-in form makes.

Pure functions (no callbacks, no files). A form edits the record it was opened on: fields it does not show
(notes, conflicts, outcomes, ...) are kept as they were, and a field left as it was keeps its stored value,
so a save changes only the lines the user changed. Dash renders every value as text, never as markup.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import json

from dash import dcc, html

from viz.record.load import Dataset
from viz.record.model import (
    ActorKind,
    AgreementStatus,
    Confidence,
    EventKind,
    ParticipantRole,
    Precision,
    precision_of,
)

#: the form's own fields (not part of the record): the sources a change rests on and the user's reason
CHANGE_SOURCES, REASON = "_sources", "_reason"
#: record kinds whose new or changed facts must cite a source (a source record is itself the source)
FACT_KINDS = ("actor", "event", "agreement", "series")


@dataclasses.dataclass(frozen=True)
class Field:
    """One input: ``key`` is its path in the record (``date.start``); ``widget`` says how it is edited."""

    key: str
    label: str
    widget: str = "text"  # text, long, lines, number, choice, actor, actors, sources, series, flag
    choices: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Rows:
    """A list of sub-records (participants, roles): one row per item plus ``spare`` empty rows.
    A row whose first field is empty is dropped (clearing it removes the item)."""

    key: str
    label: str
    fields: tuple[Field, ...]
    spare: int = 2


def _values(enum) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


def _date(prefix: str, label: str) -> tuple[Field, ...]:
    return (Field(f"{prefix}.start", f"{label}: date (YYYY, YYYY-MM or YYYY-MM-DD)"),
            Field(f"{prefix}.end", f"{label}: end date, for a duration"),
            Field(f"{prefix}.window.earliest", f"{label}: or somewhere between, earliest"),
            Field(f"{prefix}.window.latest", f"{label}: and latest"),
            Field(f"{prefix}.precision", f"{label}: precision (empty: as written)", "choice", _values(Precision)),
            Field(f"{prefix}.basis", f"{label}: basis (how the date was established)"))


_CONFIDENCE = Field("confidence", "Confidence", "choice", _values(Confidence))
_SOURCES = Field("sources", "Sources this record cites", "sources")
_PEOPLE = (Field("actor", "Actor", "actor"), Field("role", "Role", "choice", _values(ParticipantRole)),
           Field("title", "Title"), Field("organisation", "For (organisation)", "actor"))

FORMS: dict[str, tuple[Field | Rows, ...]] = {
    "event": (
        Field("id", "Id"), Field("title", "Title"),
        Field("kind", "Kind", "choice", _values(EventKind)), Field("series", "Series", "series"),
        Field("session", "Session number (or unknown)", "number"), Field("body", "Body", "actor"),
        *_date("date", "Date"),
        Field("place.venue", "Venue"), Field("place.city", "City"), Field("place.country", "Country"),
        Rows("participants", "Participants (clear the actor to remove a row)", _PEOPLE),
        Field("organisations", "Organisations", "actors"), Field("topics", "Topics (one a line)", "lines"),
        Field("summary", "Summary", "long"), _CONFIDENCE, _SOURCES),
    "source": (
        Field("id", "Id"), Field("publisher", "Publisher"), Field("url", "URL (http or https)"),
        Field("document", "Document (when there is no URL)"), Field("title", "Title"),
        Field("published", "Published (YYYY, YYYY-MM or YYYY-MM-DD)"), Field("language", "Language"),
        Field("note", "Note", "long")),
    "actor": (
        Field("id", "Id"), Field("name", "Name"), Field("kind", "Kind", "choice", _values(ActorKind)),
        Field("country", "Country", "actor"), Field("aliases", "Also known as (one a line)", "lines"),
        Field("description", "Description", "long"),
        Rows("roles", "Roles (clear the title to remove a row)", (
            Field("title", "Title"), Field("organisation", "Organisation", "actor"),
            Field("as_of", "As of (date the source states it)"),
            Field("former", "Described as a former holder", "flag"),
            Field("sources", "Sources of this role", "sources")), spare=1),
        _SOURCES),
    "agreement": (
        Field("id", "Id"), Field("name", "Name"), Field("kind", "Kind (MoU, treaty, ...)"),
        Field("status", "Status", "choice", _values(AgreementStatus)), *_date("signed", "Signed"),
        Field("parties", "Parties", "actors"),
        Rows("signatories", "Signatories (clear the actor to remove a row)", _PEOPLE),
        Field("areas", "Areas (one a line)", "lines"), Field("summary", "Summary", "long"), _CONFIDENCE, _SOURCES),
    "series": (
        Field("id", "Id"), Field("name", "Name"), Field("short_name", "Short name"), Field("body", "Body", "actor"),
        Field("parties", "Parties", "actors"), Field("level", "Level"), Field("description", "Description", "long"),
        _SOURCES),
}
#: the date fields whose precision is taken from the date as written when left empty
DATE_PREFIXES = {"event": ("date",), "agreement": ("signed",)}


def _lookup(kind: str) -> dict[str, Field]:
    """Path pattern (row index as ``*``) -> field."""
    found: dict[str, Field] = {}
    for item in FORMS[kind]:
        if isinstance(item, Rows):
            found.update({f"{item.key}.*.{f.key}": f for f in item.fields})
        else:
            found[item.key] = item
    return found


def field_at(kind: str, path: str) -> Field | None:
    """The field a form path names (``participants.2.actor``), or None for a path no form has."""
    pattern = ".".join("*" if part.isdigit() else part for part in path.split("."))
    return _lookup(kind).get(pattern)


def field_id(path: str) -> dict:
    return {"type": "edit-field", "field": path}


def dom_id(path: str) -> str:
    """The id Dash gives the element of a field (its dict id, keys sorted, as JSON), for labels."""
    return json.dumps(field_id(path), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def get_path(record: dict, path: str):
    value = record
    for part in path.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def _shown(widget: str, value):
    """A stored value as its input shows it."""
    if value is None:
        return [] if widget in ("actors", "sources") else "no" if widget == "flag" else None
    if widget == "lines":
        return "\n".join(str(v) for v in value)
    if widget == "flag":
        return "yes" if value else "no"
    if widget in ("actors", "sources"):
        return list(value)
    return str(value) if isinstance(value, dt.date | int) else value


def pick_options(dataset: Dataset, widget: str) -> list[dict]:
    """Searchable options: type a name (or publisher), get the id."""
    if widget in ("actor", "actors"):
        return [{"label": f"{a.name} · {a.id}", "value": a.id, "search": " ".join([*a.all_names(), a.id])}
                for a in sorted(dataset.actors, key=lambda a: a.name.lower())]
    if widget == "sources":
        return [{"label": f"{s.publisher}, {s.published or 'undated'} · {s.id}", "value": s.id,
                 "search": " ".join(filter(None, (s.publisher, s.title, s.id)))} for s in dataset.sources]
    return [{"label": f"{s.short_name} · {s.id}", "value": s.id} for s in dataset.series]


def _control(field: Field, path: str, value, options: dict[str, list[dict]]):
    shown, fid = _shown(field.widget, value), field_id(path)
    if field.widget in ("long", "lines"):
        return dcc.Textarea(id=fid, value=shown or "", rows=3 if field.widget == "long" else 2)
    if field.widget == "flag":  # a dropdown: a checklist nests its box in an ARIA option, which has no name
        return dcc.Dropdown(id=fid, options=["yes", "no"], value=shown, clearable=False)
    if field.widget == "choice":
        return dcc.Dropdown(id=fid, options=list(field.choices), value=shown, placeholder="…")
    if field.widget in ("actor", "actors", "sources", "series"):
        key = "actor" if field.widget == "actors" else field.widget
        return dcc.Dropdown(id=fid, options=options[key], value=shown, multi=field.widget in ("actors", "sources"),
                            placeholder="Type a name…", search_order="original")
    return dcc.Input(id=fid, type="text", value=shown or "", debounce=False, autoComplete="off")


def _row(field: Field, path: str, value, options: dict[str, list[dict]], locked: bool) -> html.Div:
    control = _control(field, path, value, options)
    if locked:  # a stored record keeps its id (references point at it)
        control.disabled = True
    return html.Div([html.Label(field.label, htmlFor=dom_id(path)), control], className="viz-form-field",
                    **{"data-field": path})


def form_fields(kind: str, record: dict, dataset: Dataset, *, new: bool) -> list:
    """The inputs of a ``kind`` form filled in from ``record`` (a template for a new one)."""
    options = {w: pick_options(dataset, w) for w in ("actor", "sources", "series")}
    parts: list = []
    for item in FORMS[kind]:
        if isinstance(item, Field):
            parts.append(_row(item, item.key, get_path(record, item.key), options, item.key == "id" and not new))
            continue
        rows = list(record.get(item.key) or [])
        groups = [html.Fieldset([html.Legend(f"{item.label[:-1] if item.label.endswith('s') else item.label} "
                                             f"{i + 1}", className="viz-visually-hidden"),
                                 *[_row(f, f"{item.key}.{i}.{f.key}", (rows[i] if i < len(rows) else {}).get(f.key),
                                        options, False) for f in item.fields]], className="viz-form-row")
                  for i in range(len(rows) + item.spare)]
        parts.append(html.Fieldset([html.Legend(item.label), *groups], className="viz-form-rows"))
    if kind in FACT_KINDS:
        parts.append(_row(Field(CHANGE_SOURCES, "This change rests on (at least one source)", "sources"),
                          CHANGE_SOURCES, [], options, False))
    parts.append(_row(Field(REASON, "Reason for the change", "long"), REASON, "", options, False))
    return parts


def _convert(widget: str, raw):
    """A submitted value as the record stores it (None: empty)."""
    if isinstance(raw, str):
        raw = raw.strip()
    if widget == "lines":
        return [line.strip() for line in (raw or "").splitlines() if line.strip()] or None
    if widget == "flag":
        return raw == "yes"
    if widget in ("actors", "sources"):
        return [v for v in raw if isinstance(v, str)] if isinstance(raw, list) else None
    if widget == "number" and isinstance(raw, str) and raw.isdigit():
        return int(raw)
    return raw if isinstance(raw, str | int) and raw != "" else None


def _same(old, new) -> bool:
    def plain(value):
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value
    return plain(old) == plain(new)


def _put(container, parts: list[str], value) -> None:
    head, rest = parts[0], parts[1:]
    if isinstance(container, list):
        index = int(head)
        while len(container) <= index:
            container.append({})
        if rest:
            _put(container[index], rest, value)
        return
    if rest:
        child = container.get(head)
        if not isinstance(child, dict | list):
            if value is None:
                return  # nothing typed under a part the record does not have
            child = container[head] = [] if rest[0].isdigit() else {}
        _put(child, rest, value)
    elif _same(container.get(head), value):
        return  # unchanged: the stored value (and so its line) stays as it is
    elif value is None or value is False:
        container.pop(head, None)
    else:
        container[head] = value


def _prune(value):
    """Without empty dicts (a place with nothing typed) and empty lists the form made."""
    if isinstance(value, dict):
        for key in list(value):
            value[key] = _prune(value[key])
            if value[key] in ({}, []):
                del value[key]
    elif isinstance(value, list):
        value[:] = [_prune(v) for v in value]
    return value


def form_record(kind: str, original: dict | None, values: dict[str, object]) -> dict:
    """The record a submitted form makes: ``original`` (None for a new one) with the form's values.

    Paths no form of ``kind`` has are ignored. Rows whose first field is empty are dropped. A date whose
    precision is left empty gets the precision it is written with (``2025-11`` -> month).
    """
    record = copy.deepcopy(original) if original else {}
    for path, raw in values.items():
        field = field_at(kind, path)
        if field is not None and not path.startswith("_"):
            _put(record, path.split("."), _convert(field.widget, raw))
    for item in FORMS[kind]:
        if isinstance(item, Rows) and isinstance(record.get(item.key), list):
            record[item.key] = [row for row in record[item.key]
                                if isinstance(row, dict) and row.get(item.fields[0].key) not in (None, "")]
    for prefix in DATE_PREFIXES.get(kind, ()):
        date = record.get(prefix)
        if isinstance(date, dict) and not date.get("precision"):
            written = date.get("start") or (date.get("window") or {}).get("earliest")
            with contextlib.suppress(ValueError):  # a bad date is left for the loader to name
                date["precision"] = precision_of(str(written)).value if written else None
            if date.get("precision") is None:
                date.pop("precision", None)
    had = set(original or {})
    return {k: v for k, v in _prune(record).items() if k in had or v not in (None, [], {})}


def _cited(item: dict, sources: list[str]) -> None:
    have = list(item.get("sources") or [])
    missing = [s for s in sources if s not in have]
    if missing:
        item["sources"] = [*have, *missing]


def cite(kind: str, original: dict | None, record: dict, sources: list[str]) -> dict:
    """``record`` with the change's sources added where it changed: to each new or changed role of an actor,
    and to the record itself when its own fields changed (every fact keeps pointing at its sources)."""
    if kind not in FACT_KINDS or not sources:
        return record
    record, original = copy.deepcopy(record), original or {}
    if kind == "actor":
        before = list(original.get("roles") or [])
        for i, role in enumerate(record.get("roles") or []):
            if i >= len(before) or not _same(role, before[i]):
                _cited(role, sources)
    own = {k: v for k, v in record.items() if k != "roles"}
    if not _same(own, {k: v for k, v in original.items() if k != "roles"}):
        _cited(record, sources)
    return record
