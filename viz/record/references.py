"""Which fields hold ids of other records, and close matches for a value that is no such id.

A person converting a record by hand or by script often writes a name where an id is
expected (``organisations: [US Department of Defense]``) or misspells an id (``rafeal``);
:class:`Suggester` finds the ids they probably meant among the ids, names, aliases and
dated names of the collection the field points into.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel
from rapidfuzz import fuzz, process, utils

from viz.record.model import ID_PATTERN, Actor, Agreement, Event, Series, Source

_ID = re.compile(ID_PATTERN)
MAX_ID = 120  # the longest id the schema accepts (viz.record.model.Id)

_SOURCES = {("sources", "*"): "sources", ("conflicts", "*", "sources", "*"): "sources"}


def _people(field: str) -> dict[tuple, str]:
    return {(field, "*", "actor"): "actors", (field, "*", "organisation"): "actors", (field, "*", "side"): "countries"}


#: per model, each field path that holds an id ("*" for any list position) -> the collection it points into
REFERENCES: dict[type[BaseModel], dict[tuple, str]] = {
    Source: {},
    Actor: {("country",): "countries", ("type",): "organisation_types", ("names", "*", "sources", "*"): "sources",
            ("roles", "*", "organisation"): "actors", ("roles", "*", "sources", "*"): "sources", **_SOURCES},
    Agreement: {("parties", "*"): "actors", **_people("signatories"), **_SOURCES},
    Series: {("body",): "actors", ("parties", "*"): "actors", ("sources", "*"): "sources"},
    Event: {("series",): "series", ("body",): "actors", ("mentions", "*"): "actors", ("part_of",): "events",
            ("organisations", "*"): "actors", ("outcomes", "*"): "agreements", **_people("participants"),
            **_SOURCES},
}

#: what a record of each collection is called in messages
NOUNS = {"sources": "source", "actors": "actor", "agreements": "agreement", "events": "event",
         "countries": "country", "series": "series", "organisation_types": "organisation type"}


def article(noun: str) -> str:
    """``actor`` -> ``an actor``."""
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


#: per model, the fields that hold references somewhere inside them
_ROOTS = {model: frozenset(pattern[0] for pattern in patterns) for model, patterns in REFERENCES.items()}


def reference_target(model: type[BaseModel] | None, loc: tuple) -> str | None:
    """The collection that the field at ``loc`` (a data path such as ``("participants", 0, "actor")``) points into."""
    for pattern, target in REFERENCES.get(model, {}).items():  # type: ignore[arg-type]
        if len(pattern) == len(loc) and all(p == part or (p == "*" and isinstance(part, int))
                                            for p, part in zip(pattern, loc, strict=True)):
            return target
    return None


def _walk(value: Any, pattern: tuple, prefix: tuple) -> Iterator[tuple[tuple, Any]]:
    if not pattern:
        yield prefix, value
    elif pattern[0] == "*":
        for i, item in enumerate(value):
            yield from _walk(item, pattern[1:], (*prefix, i))
    elif (inner := getattr(value, pattern[0])) is not None:
        yield from _walk(inner, pattern[1:], (*prefix, pattern[0]))


def references(record: BaseModel) -> Iterator[tuple[tuple, str, str]]:
    """Yield (field path, referenced id, target collection) for each id a validated record cites."""
    for pattern, target in REFERENCES.get(type(record), {}).items():
        for path, ref in _walk(record, pattern, ()):
            yield path, ref, target


def _walk_raw(value: Any, pattern: tuple, prefix: tuple) -> Iterator[tuple[tuple, Any]]:
    if not pattern:
        yield prefix, value
    elif pattern[0] == "*":
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from _walk_raw(item, pattern[1:], (*prefix, i))
    elif isinstance(value, dict) and (inner := value.get(pattern[0])) is not None:
        yield from _walk_raw(inner, pattern[1:], (*prefix, pattern[0]))


def raw_references(model: type[BaseModel], data: dict) -> Iterator[tuple[tuple, str, str]]:
    """Like :func:`references`, for the raw data of a record that failed its checks: the well-formed ids only."""
    if data.keys().isdisjoint(_ROOTS.get(model, ())):  # junk records cite nothing: the quick way out
        return
    for pattern, target in REFERENCES.get(model, {}).items():
        for path, ref in _walk_raw(data, pattern, ()):
            if isinstance(ref, str) and len(ref) <= MAX_ID and _ID.match(ref):
                yield path, ref, target


def slug(text: str) -> str:
    """An id made from a name: ``US Department of Defense`` -> ``us-department-of-defense``."""
    return re.sub(r"[^a-z0-9._]+", "-", text.lower()).strip("-._")[:80].rstrip("-._")


def _texts(get: Callable[[str], Any]) -> Iterator[str]:
    """The names a record is known by, read with ``get`` (an attribute of a model or a key of raw data)."""
    for key in ("name", "title", "short_name", "label", "url"):
        if isinstance(value := get(key), str):
            yield value
    for key in ("aliases", "names"):
        values = get(key)
        if isinstance(values, list | tuple):
            for value in values:
                name = value.get("name") if isinstance(value, dict) else getattr(value, "name", value)
                if isinstance(name, str):
                    yield name


def names_of(record: BaseModel | dict) -> tuple[str, ...]:
    """The names, titles, aliases (and for sources the url) of a record, validated or raw."""
    get = record.get if isinstance(record, dict) else (lambda key: getattr(record, key, None))
    return tuple(_texts(get))


#: how alike (0-100) a value and a name must be for the name's record to be suggested
CUTOFF = 75
#: suggestions scoring this close to the best are offered with it
MARGIN = 5
#: values longer than this get no suggestions
MAX_QUERY = 300


class Suggester:
    """Close matches for a value among the ids and names of a collection.

    ``candidates(target)`` gives (id, names) pairs; they are indexed on first use, so a dataset
    whose references all resolve costs nothing.
    """

    def __init__(self, candidates: Callable[[str], Iterable[tuple[str, Iterable[str]]]]):
        self._candidates = candidates
        self._index: dict[str, tuple[list[str], list[str], list[str]]] = {}
        self._exact: dict[str, dict[str, list[int]]] = {}

    def _indexed(self, target: str) -> tuple[list[str], list[str], list[str]]:
        """(names as compared, the id of each, each as written); every name once per record."""
        if target not in self._index:
            seen: dict[tuple[str, str], str] = {}  # (name as compared, id) -> name as written
            for ident, names in self._candidates(target):
                for text in (ident, *names):
                    if processed := utils.default_process(text):
                        seen.setdefault((processed, ident), text)
            self._index[target] = ([p for p, _ in seen], [i for _, i in seen], list(seen.values()))
            exact: dict[str, list[int]] = {}
            for n, (processed, _) in enumerate(seen):
                exact.setdefault(processed, []).append(n)
            self._exact[target] = exact
        return self._index[target]

    def matches(self, target: str, value: str, limit: int = 3) -> list[tuple[str, str]]:
        """Up to ``limit`` (id, the name that matched) pairs, best first."""
        if len(value) > MAX_QUERY:  # no name is that long; comparing it with every name would take long
            return []
        processed, ids, shown = self._indexed(target)
        query = utils.default_process(value)
        if not processed or not query:
            return []
        if exact := self._exact[target].get(query):  # a name written where its id belongs: the usual case
            return list({ids[n]: shown[n] for n in exact}.items())[:limit]
        # ratio alone misses "Rajnath" for "Rajnath Singh"; token_set alone ranks "Israel" as high as
        # "Israel Aerospace Industries" for "Israel Aerospace": their mean ranks both right. A name whose
        # ratio is under 2 * CUTOFF - 100 cannot reach CUTOFF, so the slower token_set scores only the rest.
        ratio = process.cdist([query], processed, scorer=fuzz.ratio, score_cutoff=2 * CUTOFF - 100)[0]
        near = np.flatnonzero(ratio)
        if not len(near):
            return []
        token_set = process.cdist([query], [processed[i] for i in near], scorer=fuzz.token_set_ratio)[0]
        scores = (ratio[near] + token_set) / 2
        best = float(scores.max())
        found: dict[str, str] = {}
        for j in np.argsort(-scores, kind="stable"):
            if scores[j] < max(CUTOFF, best - MARGIN) or len(found) >= limit:
                break
            found.setdefault(ids[near[j]], shown[near[j]])
        return list(found.items())

    def hint(self, target: str, value: str) -> str:
        """``; did you mean `us-dod` (US Department of Defense)?``, or what to do when nothing is close."""
        found = self.matches(target, value)
        if not found:
            return f" (no {NOUNS[target]} has that id or a similar name)"
        options = [f"`{ident}`" + (f" ({name})" if name.casefold() != ident.casefold() else "")
                   for ident, name in found]
        return f"; did you mean {' or '.join(options)}?"
