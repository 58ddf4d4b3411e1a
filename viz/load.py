"""Load and validate a dataset folder into an immutable :class:`Dataset`.

Each collection is ``<name>.yaml`` or, alternatively, ``<name>.json`` (the fast
format for large datasets, see :mod:`viz.json_reader`) or ``<name>.csv`` (see
:mod:`viz.csv_reader`). Validation is all-or-nothing: :func:`load_dataset` either returns a complete
Dataset or raises :class:`DatasetError` listing *every* problem found, each as
``file:line: record-id: field: message``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from viz.csv_reader import read_csv
from viz.json_reader import read_json
from viz.model import Actor, ActorKind, Agreement, DatasetMeta, Event, Source
from viz.problems import DatasetError, Problem
from viz.yaml_reader import YamlFile, read_yaml

COLLECTIONS: dict[str, type[BaseModel]] = {
    "sources": Source,
    "actors": Actor,
    "agreements": Agreement,
    "events": Event,
}

#: the file formats a collection may come in
FORMATS = ("yaml", "json", "csv")

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclasses.dataclass(frozen=True)
class Dataset:
    """A validated dataset. Collections are tuples; lookups are by id."""

    path: Path
    meta: DatasetMeta
    sources: tuple[Source, ...]
    actors: tuple[Actor, ...]
    agreements: tuple[Agreement, ...]
    events: tuple[Event, ...]

    @cached_property
    def source_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    @cached_property
    def actor_by_id(self) -> dict[str, Actor]:
        return {a.id: a for a in self.actors}

    @cached_property
    def agreement_by_id(self) -> dict[str, Agreement]:
        return {a.id: a for a in self.agreements}

    @cached_property
    def event_by_id(self) -> dict[str, Event]:
        return {e.id: e for e in self.events}

    def organisations(self) -> list[Actor]:
        """Every actor that is not a person, sorted by name."""
        return sorted(
            (a for a in self.actors if a.kind is not ActorKind.person), key=lambda a: a.name.lower()
        )


def _field_name(loc: tuple) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "-"


def _validate_record(
    model: type[ModelT], raw: Any, file: YamlFile, path: tuple, record: str, problems: list[Problem]
) -> ModelT | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            # pydantic puts "[key]" segments for union branches; keep the data path only.
            loc = tuple(p for p in err["loc"] if isinstance(p, int) or not str(p).startswith(("function-", "[")))
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown field"
            problems.append(Problem(file.label, file.line((*path, *loc)), record, _field_name(loc), message))
        return None


def _record_id(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return raw["id"]
    return f"#{index + 1}"


def _references(record: BaseModel) -> Iterator[tuple[tuple, str, str]]:
    """Yield (field path, referenced id, target collection) for each id a record cites."""

    def sources(prefix: tuple, ids: tuple[str, ...]) -> Iterator[tuple[tuple, str, str]]:
        for i, source_id in enumerate(ids):
            yield (*prefix, i), source_id, "sources"

    if isinstance(record, Actor):
        if record.country:
            yield ("country",), record.country, "countries"
        for r, role in enumerate(record.roles):
            if role.organisation:
                yield ("roles", r, "organisation"), role.organisation, "actors"
            yield from sources(("roles", r, "sources"), role.sources)
    if isinstance(record, Agreement):
        for i, party in enumerate(record.parties):
            yield ("parties", i), party, "actors"
    if isinstance(record, Event):
        if record.body:
            yield ("body",), record.body, "actors"
        if record.part_of:
            yield ("part_of",), record.part_of, "events"
        for i, org in enumerate(record.organisations):
            yield ("organisations", i), org, "actors"
        for i, agreement in enumerate(record.outcomes):
            yield ("outcomes", i), agreement, "agreements"
    people = record.participants if isinstance(record, Event) else getattr(record, "signatories", ())
    field = "participants" if isinstance(record, Event) else "signatories"
    for i, person in enumerate(people):
        yield (field, i, "actor"), person.actor, "actors"
        if person.organisation:
            yield (field, i, "organisation"), person.organisation, "actors"
    yield from sources(("sources",), getattr(record, "sources", ()))
    for c, conflict in enumerate(getattr(record, "conflicts", ())):
        yield from sources(("conflicts", c, "sources"), conflict.sources)


def _part_of_cycles(items: list[tuple[Any, YamlFile, int]], events: dict[str, Any]) -> list[Problem]:
    """An event may not be, through ``part_of``, part of itself."""
    problems = []
    for record, file, index in items:
        seen, current = {record.id}, record.part_of
        while current in events:
            if current in seen:
                if current == record.id:
                    problems.append(Problem(file.label, file.line((index, "part_of")), record.id, "part_of",
                                            "part_of leads back to this event (a cycle)"))
                break
            seen.add(current)
            current = events[current].part_of
    return problems


def _check_references(records: dict[str, list[tuple[Any, YamlFile, int]]], unreadable: set[str]) -> list[Problem]:
    """Duplicate ids and dangling references across all collections.

    References into a collection whose file could not be read are not checked:
    that file's own error says it all, and hundreds of echoes would bury it.
    """
    problems: list[Problem] = []
    known: dict[str, dict[str, Any]] = {}
    for name, items in records.items():
        seen: dict[str, int] = {}
        for record, file, index in items:
            if record.id in seen:
                problems.append(Problem(file.label, file.line((index, "id")), record.id, "id",
                                        f"duplicate id (first used in record #{seen[record.id] + 1})"))
            seen.setdefault(record.id, index)
        known[name] = {record.id: record for record, _, _ in items}
    # Actors and agreements are both graph nodes, so their ids share one namespace.
    for record, file, index in records["agreements"]:
        if record.id in known["actors"]:
            problems.append(Problem(file.label, file.line((index, "id")), record.id, "id",
                                    "id is already used by an actor (actors and agreements share ids)"))
    known["countries"] = {k: a for k, a in known["actors"].items() if a.kind is ActorKind.country}
    problems.extend(_part_of_cycles(records["events"], known["events"]))
    for items in records.values():
        for record, file, index in items:
            for path, ref, target in _references(record):
                if ref in known[target] or ("actors" if target == "countries" else target) in unreadable:
                    continue
                if target == "countries" and ref in known["actors"]:
                    message = f"{ref!r} is an actor but not of kind 'country'"
                else:
                    noun = {"sources": "source", "actors": "actor", "agreements": "agreement",
                            "events": "event", "countries": "country actor"}[target]
                    message = f"unknown {noun} id {ref!r}"
                problems.append(Problem(file.label, file.line((index, *path)), record.id, _field_name(path), message))
    return problems


def load_dataset(folder: str | Path) -> Dataset:
    """Load and validate the dataset in ``folder``.

    >>> ds = load_dataset("data/india-israel")   # doctest: +SKIP
    >>> ds.meta.title                            # doctest: +SKIP
    'India–Israel defence cooperation'

    Raises DatasetError listing every problem; never returns a partial dataset.
    """
    root = Path(folder)
    if not root.is_dir():
        raise DatasetError([Problem(str(root), None, "-", "-", "not a dataset folder (no such directory)")])
    problems: list[Problem] = []

    meta: DatasetMeta | None = None
    meta_path = root / "dataset.yaml"
    if not meta_path.is_file():
        message = "missing file (the dataset's title and schema version)"
        problems.append(Problem(str(meta_path), None, "-", "-", message))
    elif (meta_file := read_yaml(meta_path, str(meta_path), problems)) is not None:
        if not isinstance(meta_file.data, dict):
            problems.append(Problem(meta_file.label, 1, "dataset", "-", "must be a mapping of fields"))
        else:
            meta = _validate_record(DatasetMeta, meta_file.data, meta_file, (), "dataset", problems)

    records: dict[str, list[tuple[BaseModel, YamlFile, int]]] = {}
    unreadable: set[str] = set()
    for name, model in COLLECTIONS.items():
        records[name] = []
        present = [root / f"{name}.{ext}" for ext in FORMATS if (root / f"{name}.{ext}").is_file()]
        if len(present) > 1:
            problems.append(Problem(str(present[-1]), None, "-", "-",
                                    f"both {present[0].name} and {present[1].name}: keep one"))
            unreadable.add(name)
            continue
        if not present:
            problems.append(Problem(str(root / f"{name}.yaml"), None, "-", "-",
                                    f"missing file (a list of {name}: {name}.yaml, {name}.json or {name}.csv)"))
            unreadable.add(name)
            continue
        path = present[0]
        file = (read_csv(path, str(path), model, problems) if path.suffix == ".csv"
                else read_json(path, str(path), problems) if path.suffix == ".json"
                else read_yaml(path, str(path), problems))
        if file is None:
            unreadable.add(name)
            continue
        if file.data is None:
            continue  # an empty collection is allowed
        if not isinstance(file.data, list):
            problems.append(Problem(file.label, 1, "-", "-", f"must be a list of {name}"))
            unreadable.add(name)
            continue
        for index, raw in enumerate(file.data):
            record_id = _record_id(raw, index)
            if not isinstance(raw, dict):
                problems.append(Problem(file.label, file.line((index,)), record_id, "-", "must be a mapping of fields"))
                continue
            parsed = _validate_record(model, raw, file, (index,), record_id, problems)
            if parsed is not None:
                records[name].append((parsed, file, index))

    problems.extend(_check_references(records, unreadable))
    if problems or meta is None:
        raise DatasetError(problems)
    return Dataset(
        path=root,
        meta=meta,
        **{name: tuple(rec for rec, _, _ in items) for name, items in records.items()},  # type: ignore[arg-type]
    )
